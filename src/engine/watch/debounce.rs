//! Which changed paths are ready to act on: a path is due once it has been quiet for `quiet`
//! (a burst of saves is one change), or once it has been changing for `longest` (a file written
//! for minutes still goes up now and then). Pure: time comes in as an argument.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
struct Seen {
    first: Instant,
    last: Instant,
}

#[derive(Debug)]
pub struct Debouncer {
    quiet: Duration,
    longest: Duration,
    waiting: BTreeMap<PathBuf, Seen>,
}

impl Debouncer {
    pub fn new(quiet: Duration, longest: Duration) -> Self {
        Self {
            quiet,
            longest,
            waiting: BTreeMap::new(),
        }
    }

    /// `path` changed at `now`.
    pub fn note(&mut self, path: PathBuf, now: Instant) {
        self.waiting
            .entry(path)
            .and_modify(|seen| seen.last = now)
            .or_insert(Seen {
                first: now,
                last: now,
            });
    }

    fn is_due(&self, seen: &Seen, now: Instant) -> bool {
        now.duration_since(seen.last) >= self.quiet
            || now.duration_since(seen.first) >= self.longest
    }

    /// The paths due at `now`, taken out (in path order: a folder before what is in it).
    pub fn take_due(&mut self, now: Instant) -> Vec<PathBuf> {
        let due: Vec<PathBuf> = self
            .waiting
            .iter()
            .filter(|(_, seen)| self.is_due(seen, now))
            .map(|(path, _)| path.clone())
            .collect();
        for path in &due {
            self.waiting.remove(path);
        }
        due
    }

    /// When the next path falls due, if any waits.
    pub fn next_due(&self) -> Option<Instant> {
        self.waiting
            .values()
            .map(|seen| (seen.last + self.quiet).min(seen.first + self.longest))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_one_change_once_quiet() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut debouncer = Debouncer::new(Duration::from_millis(500), Duration::from_secs(5));
        let file = PathBuf::from("/w/index.html");
        // (time, event or check, paths due)
        let steps: &[(u64, bool, &[&str])] = &[
            (0, true, &[]),
            (100, true, &[]),
            (200, true, &[]),
            (600, false, &[]),
            (700, false, &["/w/index.html"]),
            (800, false, &[]),
        ];
        for (ms, change, due) in steps {
            if *change {
                debouncer.note(file.clone(), at(*ms));
            } else {
                let got = debouncer.take_due(at(*ms));
                let want: Vec<PathBuf> = due.iter().map(PathBuf::from).collect();
                assert_eq!(got, want, "at {ms} ms");
            }
        }
        assert_eq!(debouncer.next_due(), None);
    }

    #[test]
    fn a_file_that_keeps_changing_still_goes_after_the_longest_wait() {
        let start = Instant::now();
        let mut debouncer = Debouncer::new(Duration::from_millis(500), Duration::from_secs(2));
        let file = PathBuf::from("/w/log.txt");
        for ms in (0..=2_000).step_by(100) {
            debouncer.note(file.clone(), start + Duration::from_millis(ms));
        }
        assert_eq!(debouncer.next_due(), Some(start + Duration::from_secs(2)));
        assert_eq!(
            debouncer.take_due(start + Duration::from_secs(2)),
            vec![file]
        );
    }

    #[test]
    fn paths_fall_due_on_their_own_and_in_path_order() {
        let start = Instant::now();
        let mut debouncer = Debouncer::new(Duration::from_millis(500), Duration::from_secs(5));
        debouncer.note("/w/b".into(), start);
        debouncer.note("/w/a".into(), start + Duration::from_millis(100));
        debouncer.note("/w/c".into(), start + Duration::from_millis(400));
        assert_eq!(
            debouncer.take_due(start + Duration::from_millis(650)),
            vec![PathBuf::from("/w/a"), PathBuf::from("/w/b")]
        );
        assert_eq!(
            debouncer.next_due(),
            Some(start + Duration::from_millis(900))
        );
    }
}
