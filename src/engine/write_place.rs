//! Where a download's received buffer is written: on the engine thread that received it, or on a
//! blocking thread while the next one is received.
//!
//! Handing each megabyte to a blocking thread and back cost more than the write itself: on two
//! cores the server, the reader and the writer were three busy threads, and each hand-off woke
//! one. A 1 GiB plain download from pure-ftpd, 14 interleaved rounds: written where received,
//! 0.505 s of CPU, 634 voluntary and 112 involuntary context switches; handed off, 0.525 s,
//! 3,215 and 1,175 (from vsftpd, 8 rounds: 0.57 s of CPU against 1.05 s, 0.64 s of wall time
//! against 0.92 s). Over TLS, where decrypting is the reader's larger part, it helps too: from
//! vsftpd, whose FTPS downloads on two cores fall now and then into a mode twice as slow for
//! every client, handed off 7 of 12 rounds took over 2 s, written where received 2 of 12
//! (medians 2.02 s and 1.29 s); from pure-ftpd 0.805 s against 0.835 s. The client is one busy
//! thread now, as lftp and curl are.
//!
//! A write into the page cache takes well under a millisecond a megabyte. One that takes
//! longer means the disk can't keep up (the kernel throttles writers once too much is waiting
//! for it) or the file is on a slow or network file system: from then on the download's
//! buffers go to a blocking thread, so the engine's thread waits on that disk at most once.
//! (Uploads read where they send on the same grounds: `local_io::FileReader`.)

use std::time::Duration;

/// An inline write slower than this sends the rest of the download's writes to a blocking
/// thread: 1 MiB written to the page cache takes 0.1-0.5 ms; a throttled or remote disk, tens
/// of milliseconds and more.
pub(crate) const SLOW_WRITE: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WritePlace {
    inline: bool,
}

impl WritePlace {
    /// A download starts written where it is received.
    pub(crate) fn new() -> Self {
        Self { inline: true }
    }

    /// Whether the next buffer is written where it was received.
    pub(crate) fn inline(self) -> bool {
        self.inline
    }

    /// An inline write took `took`.
    pub(crate) fn wrote(&mut self, took: Duration) {
        if took > SLOW_WRITE {
            self.inline = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn where_each_write_goes() {
        // (inline writes' times, inline after each of them)
        let cases: &[(&[u64], &[bool])] = &[
            (&[], &[]),
            // As long as the disk keeps up.
            (&[0, 1, 5, 20], &[true, true, true, true]),
            // One slow write: every later one goes to a blocking thread, even if quick again.
            (&[1, 21], &[true, false]),
            (&[300, 0, 0], &[false, false, false]),
        ];
        for &(times, after) in cases {
            let mut place = WritePlace::new();
            assert!(place.inline(), "at the start");
            let seen: Vec<bool> = times
                .iter()
                .map(|&ms| {
                    place.wrote(MS(ms));
                    place.inline()
                })
                .collect();
            assert_eq!(seen, after, "writes of {times:?} ms");
        }
    }
}
