//! Where a download's received buffer is written: on the engine thread that received it, or on a
//! blocking thread while the next one is received.
//!
//! Reading a plain data connection costs one copy; handing each megabyte to a blocking thread
//! and back cost more than the write itself. A 1 GiB plain download from pure-ftpd, 14
//! interleaved rounds: written where received, 0.505 s of CPU, 634 voluntary and 112
//! involuntary context switches; handed off, 0.525 s, 3,215 and 1,175 (from vsftpd, 8 rounds:
//! 0.90 s of CPU against 1.13 s). On two cores the server, the reader and the writer were three
//! busy threads; now the client is one, as lftp is. Over TLS the read is the expensive part
//! (decryption), and writing on another core while the next buffer is decrypted is worth the
//! hand-off (level in wall time, and more involuntary switches written where received), so TLS
//! keeps the blocking thread.
//!
//! A write into the page cache takes well under a millisecond a megabyte. One that takes
//! longer means the disk can't keep up (the kernel throttles writers once too much is waiting
//! for it) or the file is on a slow or network file system: from then on the download's
//! buffers go to a blocking thread again, so the engine's thread waits on that disk at most
//! once. (Uploads read where they send on the same grounds: `local_io::FileReader`.)

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
    /// For bytes received on a plain (`true`) or a TLS data connection.
    pub(crate) fn new(plain: bool) -> Self {
        Self { inline: plain }
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
        // (plain, inline writes' times, inline after each of them)
        let cases: &[(bool, &[u64], &[bool])] = &[
            // Plain: inline from the first buffer, as long as the disk keeps up.
            (true, &[], &[]),
            (true, &[0, 1, 5, 20], &[true, true, true, true]),
            // One slow write: every later one goes to a blocking thread, even if quick again.
            (true, &[1, 21], &[true, false]),
            (true, &[300, 0, 0], &[false, false, false]),
            // TLS: always handed off.
            (false, &[], &[]),
        ];
        for &(plain, times, after) in cases {
            let mut place = WritePlace::new(plain);
            assert_eq!(place.inline(), plain, "at the start, plain {plain}");
            let seen: Vec<bool> = times
                .iter()
                .map(|&ms| {
                    place.wrote(MS(ms));
                    place.inline()
                })
                .collect();
            assert_eq!(seen, after, "plain {plain}, writes of {times:?} ms");
        }
    }
}
