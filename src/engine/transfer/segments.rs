//! Segmented downloads, the rules (no I/O): whether a file is split and over how many
//! connections, into which byte ranges, which range a free connection takes next (splitting the
//! largest unfinished one when none is waiting), and the map of ranges kept beside the `.part`
//! so that a later attempt continues each range from its own offset.
//!
//! The map, not the `.part`'s length, says what is in place: ranges are written out of order
//! into a file that has its full size from the start, so its length proves nothing.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A range is never cut smaller than this: below it the extra connection's login and the
/// RETR round trips cost more than they save.
pub const MIN_RANGE: u64 = 4 * 1024 * 1024;

/// What `SegmentMap::take` would do.
enum Choice {
    /// Range `index` is unfinished and nobody is on it.
    Free(usize),
    /// Range `index` ends at `middle` from now on, and its second half is a range of its own.
    Split { index: usize, middle: u64 },
}

/// The number of connections when the person turns splitting on for an item while the setting
/// says one.
pub const DEFAULT_SEGMENTS: usize = 4;

/// What the decision needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitFacts {
    /// The file's size, when the server said.
    pub size: Option<u64>,
    /// Connections the setting allows for one file (1 = never split).
    pub setting: usize,
    /// Files at least this big are split.
    pub threshold: u64,
    /// The item's own choice, over the setting and the threshold.
    pub per_item: Option<bool>,
    /// The server's FEAT lists `REST STREAM`.
    pub rest_stream: bool,
    /// An ASCII transfer's bytes on the wire are not the file's: offsets mean nothing.
    pub ascii: bool,
    /// Connections the pool can spare beside the item's own.
    pub spare_connections: usize,
}

/// How many connections fetch the file: 1 means the plain single-stream download.
pub fn connections_for(facts: &SplitFacts) -> usize {
    let Some(size) = facts.size else {
        return 1;
    };
    if facts.ascii || !facts.rest_stream || facts.per_item == Some(false) {
        return 1;
    }
    let wanted = match facts.per_item {
        Some(true) if facts.setting <= 1 => DEFAULT_SEGMENTS,
        Some(true) => facts.setting,
        _ if size < facts.threshold => 1,
        _ => facts.setting,
    };
    let by_size = usize::try_from(size / MIN_RANGE).unwrap_or(usize::MAX);
    wanted
        .min(by_size)
        .min(facts.spare_connections.saturating_add(1))
        .max(1)
}

/// One byte range of the file: `[start, end)`, of which the first `done` bytes are in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: u64,
    pub end: u64,
    pub done: u64,
    /// A connection is on it (not saved: after a restart nothing is).
    #[serde(skip)]
    pub taken: bool,
}

impl Range {
    fn new(start: u64, end: u64) -> Self {
        Self {
            start,
            end,
            done: 0,
            taken: false,
        }
    }

    /// Where the next byte of this range goes.
    pub fn next_offset(&self) -> u64 {
        self.start + self.done
    }

    pub fn remaining(&self) -> u64 {
        self.end - self.next_offset()
    }

    pub fn is_complete(&self) -> bool {
        self.next_offset() >= self.end
    }
}

/// Every range of one file, and the facts of the file they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentMap {
    pub size: u64,
    /// The server's modification time when the map was made (`None` when it gave none): a
    /// file changed since cannot be continued.
    pub modified: Option<String>,
    pub ranges: Vec<Range>,
}

/// How long a download is watched before another connection may join it.
pub const MEASURE_FOR: Duration = Duration::from_millis(250);
/// Another connection joins a download only when those at work would need longer than this to
/// finish it.
pub const JOIN_IF_LEFT: Duration = Duration::from_secs(2);

/// Whether another connection should join a download that is not split from its first byte:
/// only when, at the rate so far (`moved` bytes in `elapsed`), the `remaining` bytes would take
/// more than [`JOIN_IF_LEFT`]. A file one connection brings in a second or two is left to it:
/// on a fast link, more connections only add the server's work and the machine's switching
/// (a 1 GiB download on loopback over four connections ran 0.6-0.8× lftp's one), while a
/// server that limits each connection is found out in a quarter of a second.
pub fn worth_joining(elapsed: Duration, moved: u64, remaining: u64) -> bool {
    if elapsed < MEASURE_FOR || remaining == 0 {
        return false;
    }
    if moved == 0 {
        return true;
    }
    let rate = moved as f64 / elapsed.as_secs_f64();
    remaining as f64 / rate > JOIN_IF_LEFT.as_secs_f64()
}

impl SegmentMap {
    /// `size` in `count` ranges of nearly equal length.
    pub fn split(size: u64, modified: Option<String>, count: usize) -> Self {
        let count = (count.max(1) as u64).min(size.max(1));
        let step = size / count;
        let ranges = (0..count)
            .map(|i| {
                let start = i * step;
                let end = if i + 1 == count { size } else { start + step };
                Range::new(start, end)
            })
            .collect();
        Self {
            size,
            modified,
            ranges,
        }
    }

    /// A plain `.part` of `have` bytes going on in ranges: its bytes are the first range,
    /// complete; the rest is split in `count`.
    pub fn continuing(size: u64, modified: Option<String>, have: u64, count: usize) -> Self {
        let have = have.min(size);
        let mut map = Self::split(size - have, modified, count);
        for range in &mut map.ranges {
            range.start += have;
            range.end += have;
        }
        map.ranges.retain(|r| r.end > r.start);
        if have > 0 {
            map.ranges.insert(
                0,
                Range {
                    done: have,
                    ..Range::new(0, have)
                },
            );
        }
        map.size = size;
        map
    }

    /// Whether a saved map can be trusted for this file: the same size and time, and ranges
    /// that cover the file exactly once with nothing done beyond their ends.
    pub fn fits(&self, size: u64, modified: Option<&str>) -> bool {
        if self.size != size || self.modified.as_deref() != modified || self.ranges.is_empty() {
            return false;
        }
        let mut ranges: Vec<&Range> = self.ranges.iter().collect();
        ranges.sort_by_key(|r| r.start);
        let mut at = 0;
        for range in ranges {
            if range.start != at || range.end <= range.start || range.done > range.end - range.start
            {
                return false;
            }
            at = range.end;
        }
        at == size
    }

    /// Bytes in place, all ranges together.
    pub fn done(&self) -> u64 {
        self.ranges.iter().map(|r| r.done).sum()
    }

    pub fn is_complete(&self) -> bool {
        self.ranges.iter().all(Range::is_complete)
    }

    /// The range a free connection should take: an unfinished one nobody is on, else the
    /// second half of the unfinished range with the most left (when both halves stay at least
    /// `MIN_RANGE`). The index stays valid: a split adds its new range at the end.
    ///
    /// A split never moves an end below what the connection on that range may have read and
    /// not yet written: `in_flight` bytes past its `done`.
    pub fn take(&mut self, in_flight: u64) -> Option<usize> {
        match self.choice(in_flight)? {
            Choice::Free(index) => {
                self.ranges[index].taken = true;
                Some(index)
            }
            Choice::Split { index, middle } => {
                let end = self.ranges[index].end;
                self.ranges[index].end = middle;
                self.ranges.push(Range {
                    taken: true,
                    ..Range::new(middle, end)
                });
                Some(self.ranges.len() - 1)
            }
        }
    }

    /// Whether `take` would find a range now (changing nothing): a connection that would have
    /// nothing to do need not log in.
    pub fn can_take(&self, in_flight: u64) -> bool {
        self.choice(in_flight).is_some()
    }

    fn choice(&self, in_flight: u64) -> Option<Choice> {
        if let Some(index) = self
            .ranges
            .iter()
            .position(|r| !r.taken && !r.is_complete())
        {
            return Some(Choice::Free(index));
        }
        let (index, range) = self
            .ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_complete())
            .max_by_key(|(_, r)| r.remaining())?;
        let half = range.remaining() / 2;
        if half < MIN_RANGE.max(in_flight) {
            return None;
        }
        Some(Choice::Split {
            index,
            middle: range.end - half,
        })
    }

    /// The connection on range `index` stopped (failed, or was told to stop): another may take
    /// the rest of it.
    pub fn release(&mut self, index: usize) {
        if let Some(range) = self.ranges.get_mut(index) {
            range.taken = false;
        }
    }

    /// The bytes of range `index` are in place up to `offset`.
    pub fn written_to(&mut self, index: usize, offset: u64) {
        if let Some(range) = self.ranges.get_mut(index) {
            let done = offset.clamp(range.start, range.end) - range.start;
            range.done = range.done.max(done);
        }
    }

    /// The end of range `index` as it is now (a split may have moved it closer).
    pub fn end_of(&self, index: usize) -> u64 {
        self.ranges.get(index).map_or(0, |r| r.end)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn another_connection_joins_only_a_download_that_would_take_long() {
        use super::worth_joining;
        use std::time::Duration;
        const MB: u64 = 1_000_000;
        let ms = Duration::from_millis;
        // (elapsed, moved, remaining, joins)
        let cases = [
            // Too soon to tell.
            (ms(0), 0, 1000 * MB, false),
            (ms(249), 1, 1000 * MB, false),
            // Nothing yet after a quarter of a second: slow.
            (ms(250), 0, 1000 * MB, true),
            // Loopback, 1 GiB at 1.5 GB/s: under a second left.
            (ms(250), 375 * MB, 700 * MB, false),
            // FTPS at 600 MB/s: 1.5 s left.
            (ms(250), 150 * MB, 900 * MB, false),
            // 20 MB/s per connection, 200 MB: nine seconds left.
            (ms(250), 5 * MB, 195 * MB, true),
            // Exactly two seconds left is not more than two.
            (ms(1000), 10 * MB, 20 * MB, false),
            (ms(1000), 10 * MB, 21 * MB, true),
            // Nothing left.
            (ms(5000), 1, 0, false),
        ];
        for (elapsed, moved, remaining, joins) in cases {
            assert_eq!(
                worth_joining(elapsed, moved, remaining),
                joins,
                "{elapsed:?}, {moved} moved, {remaining} left"
            );
        }
    }

    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn facts() -> SplitFacts {
        SplitFacts {
            size: Some(200 * MIB),
            setting: 4,
            threshold: 64 * MIB,
            per_item: None,
            rest_stream: true,
            ascii: false,
            spare_connections: 9,
        }
    }

    #[test]
    fn how_many_connections() {
        let base = facts();
        let cases: &[(&str, SplitFacts, usize)] = &[
            ("large file, setting 4", base, 4),
            ("setting 1 is off", SplitFacts { setting: 1, ..base }, 1),
            (
                "under the threshold",
                SplitFacts {
                    size: Some(63 * MIB),
                    ..base
                },
                1,
            ),
            (
                "at the threshold",
                SplitFacts {
                    size: Some(64 * MIB),
                    ..base
                },
                4,
            ),
            ("size unknown", SplitFacts { size: None, ..base }, 1),
            (
                "no REST STREAM",
                SplitFacts {
                    rest_stream: false,
                    ..base
                },
                1,
            ),
            (
                "ASCII",
                SplitFacts {
                    ascii: true,
                    ..base
                },
                1,
            ),
            (
                "item says off",
                SplitFacts {
                    per_item: Some(false),
                    ..base
                },
                1,
            ),
            (
                "item says on under the threshold",
                SplitFacts {
                    per_item: Some(true),
                    size: Some(20 * MIB),
                    ..base
                },
                4,
            ),
            (
                "item says on, setting off: the default count",
                SplitFacts {
                    per_item: Some(true),
                    setting: 1,
                    ..base
                },
                DEFAULT_SEGMENTS,
            ),
            (
                "item says on, but the server can't",
                SplitFacts {
                    per_item: Some(true),
                    rest_stream: false,
                    ..base
                },
                1,
            ),
            (
                "small file on: no range under MIN_RANGE",
                SplitFacts {
                    per_item: Some(true),
                    size: Some(9 * MIB),
                    ..base
                },
                2,
            ),
            (
                "tiny file on",
                SplitFacts {
                    per_item: Some(true),
                    size: Some(MIB),
                    ..base
                },
                1,
            ),
            (
                "pool has one spare",
                SplitFacts {
                    spare_connections: 1,
                    ..base
                },
                2,
            ),
            (
                "pool has none spare",
                SplitFacts {
                    spare_connections: 0,
                    ..base
                },
                1,
            ),
            ("setting 8", SplitFacts { setting: 8, ..base }, 8),
        ];
        for (name, facts, expected) in cases {
            assert_eq!(connections_for(facts), *expected, "{name}");
        }
    }

    #[test]
    fn split_covers_the_file_once() {
        for (size, count) in [(100, 3), (200 * MIB, 4), (7, 7), (5, 9), (0, 4), (1, 1)] {
            let map = SegmentMap::split(size, None, count);
            assert!(map.fits(size, None) || size == 0, "{size} in {count}");
            assert_eq!(
                map.ranges.iter().map(|r| r.end - r.start).sum::<u64>(),
                size
            );
            assert!(map.ranges.len() <= count.max(1));
        }
    }

    #[test]
    fn a_plain_part_goes_on_in_ranges() {
        let map = SegmentMap::continuing(100 * MIB, None, 10 * MIB, 3);
        assert!(map.fits(100 * MIB, None));
        assert_eq!(map.done(), 10 * MIB);
        assert_eq!(map.ranges.len(), 4);
        assert!(map.ranges[0].is_complete());
        let fresh = SegmentMap::continuing(100 * MIB, None, 0, 3);
        assert_eq!(fresh, SegmentMap::split(100 * MIB, None, 3));
        let whole = SegmentMap::continuing(100 * MIB, None, 100 * MIB, 3);
        assert!(whole.is_complete() && whole.fits(100 * MIB, None));
    }

    #[test]
    fn a_saved_map_is_trusted_only_for_the_same_file() {
        let mut map = SegmentMap::split(100 * MIB, Some("20240101120000".into()), 4);
        map.written_to(1, 30 * MIB);
        let time = Some("20240101120000");
        assert!(map.fits(100 * MIB, time));
        assert!(!map.fits(101 * MIB, time), "another size");
        assert!(!map.fits(100 * MIB, Some("20240102120000")), "another time");
        assert!(!map.fits(100 * MIB, None), "time unknown now");
        let mut gap = map.clone();
        gap.ranges[1].start += 1;
        assert!(!gap.fits(100 * MIB, time), "a gap between ranges");
        let mut overlap = map.clone();
        overlap.ranges[2].start -= 1;
        assert!(!overlap.fits(100 * MIB, time), "an overlap");
        let mut overdone = map.clone();
        overdone.ranges[0].done = overdone.ranges[0].end + 1;
        assert!(!overdone.fits(100 * MIB, time), "more done than the range");
        let mut empty = map;
        empty.ranges.clear();
        assert!(!empty.fits(100 * MIB, time), "no ranges");
    }

    /// `take`, checked against `can_take` asked first (which must change nothing).
    fn take(map: &mut SegmentMap, in_flight: u64) -> Option<usize> {
        let before = map.clone();
        let could = map.can_take(in_flight);
        assert_eq!(*map, before, "can_take changed the map");
        let taken = map.take(in_flight);
        assert_eq!(could, taken.is_some(), "can_take and take disagree");
        taken
    }

    #[test]
    fn connections_take_waiting_ranges_then_split_the_largest() {
        let mut map = SegmentMap::split(64 * MIB, None, 2);
        assert_eq!(take(&mut map, 0), Some(0));
        assert_eq!(take(&mut map, 0), Some(1));
        map.written_to(0, 10 * MIB);
        // Range 0 has 22 MiB left, range 1 has 32: the third connection takes range 1's half.
        assert_eq!(take(&mut map, MIB), Some(2));
        assert_eq!(map.ranges[1].end, 48 * MIB);
        assert_eq!(
            (map.ranges[2].start, map.ranges[2].end),
            (48 * MIB, 64 * MIB)
        );
        assert!(map.fits(64 * MIB, None));
        // A released range is taken before anything is split.
        map.release(0);
        assert_eq!(take(&mut map, MIB), Some(0));
        assert_eq!(map.ranges[0].next_offset(), 10 * MIB);
    }

    #[test]
    fn no_split_below_the_minimum_or_what_is_in_flight() {
        let mut map = SegmentMap::split(2 * MIN_RANGE + 2, None, 1);
        assert_eq!(take(&mut map, 0), Some(0));
        map.written_to(0, 3);
        // 2 MiB·4 - 1 left: halves under MIN_RANGE.
        assert_eq!(take(&mut map, 0), None);
        let mut map = SegmentMap::split(64 * MIB, None, 1);
        assert_eq!(take(&mut map, 0), Some(0));
        assert_eq!(
            take(&mut map, 40 * MIB),
            None,
            "the half is under what is in flight"
        );
        assert!(take(&mut map, MIB).is_some());
    }

    #[test]
    fn progress_never_goes_back_or_past_the_end() {
        let mut map = SegmentMap::split(10 * MIB, None, 2);
        map.written_to(0, 3 * MIB);
        map.written_to(0, 2 * MIB);
        assert_eq!(map.ranges[0].done, 3 * MIB);
        map.written_to(0, 9 * MIB);
        assert_eq!(map.ranges[0].done, 5 * MIB);
        assert!(map.ranges[0].is_complete());
        assert!(!map.is_complete());
        map.written_to(1, 10 * MIB);
        assert!(map.is_complete());
        assert_eq!(map.done(), 10 * MIB);
    }

    #[test]
    fn the_saved_form_leaves_out_who_is_on_a_range() {
        let mut map = SegmentMap::split(10 * MIB, Some("t".into()), 2);
        map.take(0);
        let text = serde_json::to_string(&map).expect("serialises");
        let back: SegmentMap = serde_json::from_str(&text).expect("parses");
        assert!(back.ranges.iter().all(|r| !r.taken));
        assert!(back.fits(10 * MIB, Some("t")));
    }
}
