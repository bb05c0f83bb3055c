//! Segmented downloads, the rules (no I/O): whether a file is split and over how many
//! connections, into which byte ranges, which range a free connection takes next (splitting the
//! one that will end last when none is waiting, if that is worth a new start), and the map of
//! ranges kept beside the `.ferrypart` so that a later attempt continues each range from its own
//! offset.
//!
//! The map, not the `.ferrypart`'s length, says what is in place: ranges are written out of order
//! into a file that has its full size from the start, so its length proves nothing.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A range is never cut smaller than this when its pace or the cost of starting its second half
/// is not known yet (a connection that has not logged in, or not fetched a range): below it the
/// extra connection's login and the RETR round trips cost more than they save.
pub const MIN_RANGE: u64 = 4 * 1024 * 1024;

/// A connection says where it is reading, and at what pace, before each read of a range's data
/// connection, and reads at most [`read_at_once`] of that pace: a split may then move the
/// range's end to within that much of the place, and the connection still never reads past it.
/// The read is this much at least...
pub const READ_AT_ONCE: usize = 128 * 1024;
/// ...a megabyte at most (the buffer written at once)...
pub const READ_AT_MOST: usize = 1024 * 1024;
/// ...and between the two, what comes in this long at the range's pace. A split then lands
/// within 5 ms of the place a connection reads at any pace, and a fast connection is read in
/// few calls: a 1 GiB download from vsftpd read 128 KiB at a time made 8,650 `recvfrom`s against
/// 1,110 in megabytes, and took 0.85 s against 0.63 s (8 interleaved rounds).
pub const READ_FOR: Duration = Duration::from_millis(5);

/// The most a connection reads at once at `pace` bytes a second (0 = not known yet).
pub fn read_at_once(pace: u64) -> usize {
    let in_time = pace.saturating_mul(READ_FOR.as_millis() as u64) / 1000;
    usize::try_from(in_time)
        .unwrap_or(READ_AT_MOST)
        .clamp(READ_AT_ONCE, READ_AT_MOST)
}

/// With the pace known, a range is cut down to halves of this size...
pub const MIN_SPLIT: u64 = 128 * 1024;

/// ...when each half takes at least this long at the range's pace (and at least four times
/// the least time a connection needed from asking for a range to its first byte). Near
/// the end of a download its connections finish at different times (they began at different
/// times: each extra one logs in first); the first to finish takes half of what the last has
/// left, instead of waiting while one connection fetches it alone.
pub const SPLIT_WORTH: Duration = Duration::from_millis(10);

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
    /// Where the connection on it reads next (0 before it says): bytes up to here may be read
    /// and not yet written. Not saved.
    #[serde(skip)]
    pub reading_at: u64,
    /// Bytes a second the connection on it has brought since its first byte (0 = not known
    /// yet). Not saved.
    #[serde(skip)]
    pub pace: u64,
}

impl Range {
    fn new(start: u64, end: u64) -> Self {
        Self {
            start,
            end,
            done: 0,
            taken: false,
            reading_at: 0,
            pace: 0,
        }
    }

    /// Where the next byte of this range goes.
    pub fn next_offset(&self) -> u64 {
        self.start + self.done
    }

    pub fn is_complete(&self) -> bool {
        self.next_offset() >= self.end
    }

    /// How far its connection has read: its bytes in place, and those on their way to the
    /// disk (up to a buffer, which `done` counts only once written).
    fn read_to(&self) -> u64 {
        self.next_offset().max(self.reading_at)
    }

    /// What its connection has still to read.
    fn left_to_read(&self) -> u64 {
        self.end.saturating_sub(self.read_to())
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
/// more than [`JOIN_IF_LEFT`], and the connection at work spent at least half of that time
/// waiting on the server (`waited`: for its answer to RETR, and for the bytes).
///
/// A file one connection brings in a second or two is left to it: on a fast link, more
/// connections only add the server's work and the machine's switching (a 1 GiB download on
/// loopback over four connections ran 0.6-0.8× lftp's one), while a server that limits each
/// connection is found out in a quarter of a second.
///
/// A connection that is slow but seldom waits is held back by this machine (a slow disk, the
/// host's page faults on the page cache, a speed limit, the processor): more connections would
/// share that, not add to it, and cost the server three more logins and the disk writes in
/// four places at once. In the suite's 1 GiB downloads, the rounds the host slowed joined three
/// connections to a download that was waiting on the page cache.
pub fn worth_joining(elapsed: Duration, moved: u64, remaining: u64, waited: Duration) -> bool {
    if elapsed < MEASURE_FOR || remaining == 0 {
        return false;
    }
    if waited < elapsed / 2 {
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

    /// A plain `.ferrypart` of `have` bytes going on in ranges: its bytes are the first range,
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
    /// second half of the unfinished range that will take longest to finish, when splitting it
    /// is worth it (`split_point`). The index stays valid: a split adds its new range at the end.
    ///
    /// `start_cost` is the least time a connection of this download needed from asking for a
    /// range to its first byte (`None` before the first range's first byte): what a split costs.
    pub fn take(&mut self, start_cost: Option<Duration>) -> Option<usize> {
        match self.choice(start_cost)? {
            Choice::Free(index) => {
                self.ranges[index].taken = true;
                Some(index)
            }
            Choice::Split { index, middle } => {
                let Range { end, pace, .. } = self.ranges[index];
                self.ranges[index].end = middle;
                // Until its own connection has measured it, the second half is expected to
                // come at the first half's pace: it can be split again meanwhile.
                self.ranges.push(Range {
                    taken: true,
                    pace,
                    ..Range::new(middle, end)
                });
                Some(self.ranges.len() - 1)
            }
        }
    }

    /// Whether `take` would find a range now (changing nothing): a connection that would have
    /// nothing to do need not log in.
    pub fn can_take(&self, start_cost: Option<Duration>) -> bool {
        self.choice(start_cost).is_some()
    }

    fn choice(&self, start_cost: Option<Duration>) -> Option<Choice> {
        if let Some(index) = self
            .ranges
            .iter()
            .position(|r| !r.taken && !r.is_complete())
        {
            return Some(Choice::Free(index));
        }
        let unfinished = || {
            self.ranges
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.is_complete())
        };
        // The one that ends last: by time when every pace is known, else by bytes (those its
        // connection has still to read).
        let all_paced = unfinished().all(|(_, r)| r.pace > 0);
        let (index, range) = unfinished().max_by_key(|(_, r)| {
            let left = u128::from(r.left_to_read());
            if all_paced {
                left * 1_000_000 / u128::from(r.pace)
            } else {
                left
            }
        })?;
        let middle = split_point(range, start_cost)?;
        Some(Choice::Split { index, middle })
    }

    /// The connection on range `index` stopped (failed, or was told to stop): another may take
    /// the rest of it.
    pub fn release(&mut self, index: usize) {
        if let Some(range) = self.ranges.get_mut(index) {
            range.taken = false;
            // What it read and did not write is gone with it: the next one reads from `done`.
            range.reading_at = 0;
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

    /// The connection on range `index` is about to read from `offset` (at most
    /// [`read_at_once`] of `pace`), at `pace` bytes a second so far (0 = not known): the range's
    /// end as it is now, which it must not read past.
    pub fn reading(&mut self, index: usize, offset: u64, pace: u64) -> u64 {
        match self.ranges.get_mut(index) {
            Some(range) => {
                range.reading_at = range.reading_at.max(offset);
                if pace > 0 {
                    range.pace = pace;
                }
                range.end
            }
            None => 0,
        }
    }
}

/// Where `range` would be cut for another connection, when that is worth it: the second half
/// of what is left beyond what its own connection may be reading. With its pace and the asking
/// connection's start cost known, each half must take at least [`SPLIT_WORTH`] and four start
/// costs (the new RETR's round trips, and the 426 the first half's early end brings); without
/// them, each half must be at least [`MIN_RANGE`].
fn split_point(range: &Range, start_cost: Option<Duration>) -> Option<u64> {
    let busy_to = range.read_to() + read_at_once(range.pace) as u64;
    let half = range.end.saturating_sub(busy_to) / 2;
    let worth = match start_cost {
        Some(cost) if range.pace > 0 => {
            let half_takes = Duration::from_secs_f64(half as f64 / range.pace as f64);
            half >= MIN_SPLIT && half_takes >= SPLIT_WORTH.max(cost.saturating_mul(4))
        }
        _ => half >= MIN_RANGE,
    };
    worth.then(|| range.end - half)
}

#[cfg(test)]
mod tests {
    #[test]
    fn another_connection_joins_only_a_download_that_would_take_long() {
        use super::worth_joining;
        use std::time::Duration;
        const MB: u64 = 1_000_000;
        let ms = Duration::from_millis;
        // (elapsed, moved, remaining, waited on the server, joins)
        let cases = [
            // Too soon to tell.
            (ms(0), 0, 1000 * MB, ms(0), false),
            (ms(249), 1, 1000 * MB, ms(249), false),
            // Nothing yet after a quarter of a second: slow.
            (ms(250), 0, 1000 * MB, ms(250), true),
            // Loopback, 1 GiB at 1.5 GB/s: under a second left.
            (ms(250), 375 * MB, 700 * MB, ms(150), false),
            // FTPS at 600 MB/s: 1.5 s left.
            (ms(250), 150 * MB, 900 * MB, ms(200), false),
            // 20 MB/s per connection, 200 MB: nine seconds left, nearly all of it waiting.
            (ms(250), 5 * MB, 195 * MB, ms(245), true),
            // Exactly two seconds left is not more than two.
            (ms(1000), 10 * MB, 20 * MB, ms(900), false),
            (ms(1000), 10 * MB, 21 * MB, ms(900), true),
            // Half the time waiting is enough; less is not.
            (ms(1000), 10 * MB, 100 * MB, ms(500), true),
            (ms(1000), 10 * MB, 100 * MB, ms(499), false),
            // 1 GiB at 300 MB/s because the page cache was slow: three seconds left, but the
            // connection waited for bytes a fifth of the time.
            (ms(250), 75 * MB, 1000 * MB, ms(50), false),
            // A slow disk (30 MB/s) behind a fast link: never waiting.
            (ms(2000), 60 * MB, 2000 * MB, ms(10), false),
            // Nothing left.
            (ms(5000), 1, 0, ms(5000), false),
        ];
        for (elapsed, moved, remaining, waited, joins) in cases {
            assert_eq!(
                worth_joining(elapsed, moved, remaining, waited),
                joins,
                "{elapsed:?}, {moved} moved, {remaining} left, waited {waited:?}"
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
    fn take(map: &mut SegmentMap, start_cost: Option<Duration>) -> Option<usize> {
        let before = map.clone();
        let could = map.can_take(start_cost);
        assert_eq!(*map, before, "can_take changed the map");
        let taken = map.take(start_cost);
        assert_eq!(could, taken.is_some(), "can_take and take disagree");
        taken
    }

    #[test]
    fn connections_take_waiting_ranges_then_split_the_largest() {
        let mut map = SegmentMap::split(64 * MIB, None, 2);
        assert_eq!(take(&mut map, None), Some(0));
        assert_eq!(take(&mut map, None), Some(1));
        map.written_to(0, 10 * MIB);
        // Range 0 has 22 MiB left, range 1 has 32: the third connection takes range 1's half
        // of what lies beyond the read range 1's connection may be in.
        assert_eq!(take(&mut map, None), Some(2));
        let middle = 64 * MIB - (32 * MIB - READ_AT_ONCE as u64) / 2;
        assert_eq!(map.ranges[1].end, middle);
        assert_eq!((map.ranges[2].start, map.ranges[2].end), (middle, 64 * MIB));
        assert!(map.fits(64 * MIB, None));
        // A released range is taken before anything is split, from what is in place (what its
        // connection had read beyond that is gone with it).
        map.reading(0, 11 * MIB, 0);
        map.release(0);
        assert_eq!(map.ranges[0].reading_at, 0);
        assert_eq!(take(&mut map, None), Some(0));
        assert_eq!(map.ranges[0].next_offset(), 10 * MIB);
    }

    #[test]
    fn a_range_is_split_when_its_halves_are_worth_a_new_start() {
        const MB: u64 = 1_000_000;
        let ms = Duration::from_millis;
        // (what, bytes left beyond the read in progress, pace in bytes/s (0 = unknown),
        //  the asker's start cost, split)
        let cases: &[(&str, u64, u64, Option<Duration>, bool)] = &[
            // Nothing known: halves of MIN_RANGE at least.
            ("unknown, halves of MIN_RANGE", 2 * MIN_RANGE, 0, None, true),
            ("unknown, a byte short", 2 * MIN_RANGE - 2, 0, None, false),
            (
                "pace but no start cost yet",
                2 * MIN_RANGE - 2,
                20 * MB,
                None,
                false,
            ),
            (
                "start cost but no pace yet",
                2 * MIN_RANGE - 2,
                0,
                Some(ms(1)),
                false,
            ),
            // 20 MB/s a connection (a server's limit): 100 ms left is worth two halves.
            ("limited, 100 ms left", 2 * MB, 20 * MB, Some(ms(1)), true),
            ("limited, 50 ms left", MB, 20 * MB, Some(ms(1)), true),
            (
                "limited, 20 ms left: halves of 10 ms",
                400_000,
                20 * MB,
                Some(ms(1)),
                true,
            ),
            (
                "limited, 18 ms left: halves under 10 ms",
                360_000,
                20 * MB,
                Some(ms(1)),
                false,
            ),
            // A far server: four start costs per half.
            (
                "limited, 100 ms left, 12 ms to start",
                2 * MB,
                20 * MB,
                Some(ms(12)),
                true,
            ),
            (
                "limited, 100 ms left, 13 ms to start",
                2 * MB,
                20 * MB,
                Some(ms(13)),
                false,
            ),
            // Loopback at 1.5 GB/s: a fast connection finishes its own tail.
            ("fast, 20 MB left", 20 * MB, 1_500 * MB, Some(ms(1)), false),
            ("fast, 100 MB left", 100 * MB, 1_500 * MB, Some(ms(1)), true),
            // Slow: time enough, but halves under MIN_SPLIT are never made.
            (
                "slow, halves of MIN_SPLIT",
                2 * MIN_SPLIT,
                100_000,
                Some(ms(1)),
                true,
            ),
            (
                "slow, under MIN_SPLIT",
                2 * MIN_SPLIT - 2,
                100_000,
                Some(ms(1)),
                false,
            ),
        ];
        for &(what, left, pace, start_cost, splits) in cases {
            // Range [0, end): 10 MiB written, the connection reading at 11 MiB.
            let reading_at = 11 * MIB;
            let at_once = read_at_once(pace) as u64;
            let range = Range {
                done: 10 * MIB,
                taken: true,
                reading_at,
                pace,
                ..Range::new(0, reading_at + at_once + left)
            };
            let point = split_point(&range, start_cost);
            assert_eq!(point.is_some(), splits, "{what}");
            if let Some(middle) = point {
                assert_eq!(middle, range.end - left / 2, "{what}: the second half");
                assert!(middle >= reading_at + at_once, "{what}: cut under a read");
            }
        }
    }

    #[test]
    fn a_connection_reads_five_milliseconds_of_its_pace_at_once() {
        const MB: u64 = 1_000_000;
        // (pace in bytes/s, the most read at once)
        let cases = [
            // Not known yet, or slow: the least.
            (0, READ_AT_ONCE),
            (20 * MB, READ_AT_ONCE),
            // 5 ms of 40 MB/s.
            (40 * MB, 200_000),
            (200 * MB, 1_000_000),
            // Loopback: a megabyte, never more.
            (1_500 * MB, READ_AT_MOST),
            (u64::MAX, READ_AT_MOST),
        ];
        for (pace, most) in cases {
            assert_eq!(read_at_once(pace), most, "at {pace} bytes/s");
        }
    }

    #[test]
    fn the_range_that_ends_last_is_split() {
        const MB: u64 = 1_000_000;
        let mut map = SegmentMap::split(100 * MB, None, 2);
        assert_eq!(take(&mut map, None), Some(0));
        assert_eq!(take(&mut map, None), Some(1));
        // Range 0: 40 MB left at 20 MB/s (2 s); range 1: 45 MB at 90 MB/s (0.5 s).
        map.written_to(0, 10 * MB);
        assert_eq!(map.reading(0, 10 * MB, 20 * MB), 50 * MB);
        map.written_to(1, 55 * MB);
        // Range 1's pace not known yet: by bytes, range 1.
        let mut by_bytes = map.clone();
        assert_eq!(take(&mut by_bytes, Some(Duration::from_millis(1))), Some(2));
        assert_eq!(by_bytes.ranges[2].end, 100 * MB);
        // Both known: by time, range 0.
        assert_eq!(map.reading(1, 55 * MB, 90 * MB), 100 * MB);
        assert_eq!(take(&mut map, Some(Duration::from_millis(1))), Some(2));
        assert_eq!(map.ranges[2].end, 50 * MB);
        assert!(map.fits(100 * MB, None));
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
        map.take(None);
        let text = serde_json::to_string(&map).expect("serialises");
        let back: SegmentMap = serde_json::from_str(&text).expect("parses");
        assert!(back.ranges.iter().all(|r| !r.taken));
        assert!(back.fits(10 * MIB, Some("t")));
    }
}
