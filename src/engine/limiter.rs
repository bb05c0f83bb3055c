//! Global speed limits: every transfer in one direction shares one budget of bytes per second.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// A burst of at most this long is let through at once, so a limit doesn't stall small reads.
const BURST: Duration = Duration::from_millis(200);

/// What one read or write moves under a limit, at least and at most (see `piece`).
const LEAST_PIECE: usize = 512;
const MOST_PIECE: usize = 64 * 1024;

#[derive(Default)]
pub(crate) struct RateLimiter {
    /// Bytes per second; 0 = no limit.
    limit: AtomicU64,
    /// When the bytes already let through will have been "paid for".
    paid_until: Mutex<Option<Instant>>,
}

impl RateLimiter {
    pub fn set_limit(&self, bytes_per_second: u64) {
        self.limit.store(bytes_per_second, Ordering::Relaxed);
        if let Ok(mut paid) = self.paid_until.lock() {
            *paid = None;
        }
    }

    /// How much one read or write may move, of `most`: under a limit, about a tenth of a
    /// second of it (512 bytes to 64 KiB). Each piece books its time before the next may go,
    /// so a bigger one at a low limit held everything behind it: at 1 KiB/s a 64 KiB read
    /// booked a minute, a pause waited for it, and a small file sharing the limit sat on
    /// "Connecting" that long.
    pub fn piece(&self, most: usize) -> usize {
        piece_for(self.limit.load(Ordering::Relaxed), most)
    }

    /// How much a download gathers before it writes to the disk, of `most`: under a limit,
    /// about a second of it (at least 4 KiB). A whole megabyte at 1 KiB/s stayed in memory for
    /// a quarter of an hour: the `.ferrypart` on disk stood at 0 bytes while the bar showed half.
    pub fn disk_buffer(&self, most: usize) -> usize {
        disk_buffer_for(self.limit.load(Ordering::Relaxed), most)
    }

    /// Books `bytes` against the limit: when they may go (`None`: at once).
    pub fn book(&self, bytes: usize) -> Option<Instant> {
        let limit = self.limit.load(Ordering::Relaxed);
        if limit == 0 {
            return None;
        }
        let cost = Duration::from_secs_f64(bytes as f64 / limit as f64);
        let Ok(mut paid) = self.paid_until.lock() else {
            return None;
        };
        let now = Instant::now();
        let start = paid.map_or(now, |p| p.max(now - BURST));
        let until = start + cost;
        *paid = Some(until);
        until.checked_sub(BURST).filter(|&when| when > now)
    }
}

/// [`RateLimiter::piece`] at `limit` bytes per second (0: no limit).
fn piece_for(limit: u64, most: usize) -> usize {
    if limit == 0 {
        return most;
    }
    let tenth = usize::try_from(limit / 10).unwrap_or(MOST_PIECE);
    most.min(tenth.clamp(LEAST_PIECE, MOST_PIECE))
}

/// [`RateLimiter::disk_buffer`] at `limit` bytes per second (0: no limit).
fn disk_buffer_for(limit: u64, most: usize) -> usize {
    if limit == 0 {
        return most;
    }
    let second = usize::try_from(limit).unwrap_or(most);
    most.min(second.max(4 * 1024))
}

#[cfg(test)]
mod tests {
    use super::{disk_buffer_for, piece_for};

    #[test]
    fn a_download_writes_about_a_second_of_the_limit_at_once() {
        // (limit in bytes/s, most wanted, gathered before a write)
        let cases = [
            (0, 1 << 20, 1 << 20),
            (1024, 1 << 20, 4 * 1024),
            (100 * 1024, 1 << 20, 100 * 1024),
            (10 << 20, 1 << 20, 1 << 20),
            (u64::MAX, 1 << 20, 1 << 20),
            (100 * 1024, 16 * 1024, 16 * 1024),
        ];
        for (limit, most, buffer) in cases {
            assert_eq!(disk_buffer_for(limit, most), buffer, "{limit} B/s");
        }
    }

    #[test]
    fn a_piece_is_a_tenth_of_a_second_of_the_limit() {
        // (limit in bytes/s, most wanted, piece)
        let cases = [
            (0, 1 << 20, 1 << 20),
            (0, 100, 100),
            (1024, 1 << 20, 512),
            (100, 1 << 20, 512),
            (100 * 1024, 1 << 20, 10 * 1024),
            (300 * 1024, 1 << 20, 30 * 1024),
            (10 << 20, 1 << 20, 64 * 1024),
            (u64::MAX, 1 << 20, 64 * 1024),
            (100 * 1024, 200, 200),
        ];
        for (limit, most, piece) in cases {
            assert_eq!(piece_for(limit, most), piece, "{limit} B/s, {most} wanted");
        }
    }
}
