//! When the kernel wakes a download's reader: after how many waiting bytes (`SO_RCVLOWAT`).
//!
//! Unasked, every segment that arrives wakes the task waiting on the data socket, and, since
//! tokio's reactor waits in edge-triggered epoll, the engine thread parked there as well, on the
//! cores the server needs too. pure-ftpd writes 128 KiB at a time: a 1 GiB download from it
//! cost Ferry 4,900 voluntary context switches and 0.49 s of CPU. With the reader woken only
//! once a few milliseconds' worth of bytes wait: 3,500 and 0.43 s (over one connection,
//! `--segments 1`: 1,700 and 0.42 s; lftp 0.52 s), and 0.55 s of wall time against 0.57 s
//! (lftp 0.58 s). Medians of 12 interleaved rounds.
//!
//! Plain data connections only (see `Transfer::ask_kernel`): over TLS it was slower.
//!
//! The threshold follows the pace measured so far. A pace that drops leaves fewer bytes waiting
//! than the threshold: after [`PATIENCE`] without a wake it goes back to one byte, so a slow or
//! stalling server is read as it always was (and its idle timeout counts as before).

use std::time::{Duration, Instant};

/// How long a raised threshold may keep the reader asleep before it is lowered again.
pub(crate) const PATIENCE: Duration = Duration::from_millis(50);
/// The bytes worth waiting for: what the pace brings in this long.
const WORTH: Duration = Duration::from_millis(5);
/// The most: eight of pure-ftpd's 128 KiB writes.
const MOST: u32 = 1024 * 1024;
/// Below this, waking for every segment costs too little to matter.
const LEAST: u32 = 64 * 1024;
/// How often the pace is looked at again, in bytes received.
const LOOK_EVERY: u64 = 4 * 1024 * 1024;
/// The least time to measure a pace over.
const MEASURE_AT_LEAST: Duration = Duration::from_millis(10);

/// The threshold for a pace in bytes a second: what arrives in [`WORTH`], rounded down to a
/// power of two (so a pace that wavers doesn't change it), at most [`MOST`]; 1 (every byte
/// wakes the reader) when that is under [`LEAST`].
pub(crate) fn threshold_for(bytes_per_second: u64) -> u32 {
    let worth = bytes_per_second.saturating_mul(WORTH.as_micros() as u64) / 1_000_000;
    if worth < u64::from(LEAST) {
        return 1;
    }
    let rounded = 1u64 << (63 - worth.leading_zeros());
    u32::try_from(rounded.min(u64::from(MOST))).unwrap_or(MOST)
}

/// The threshold of one data connection, as its bytes come.
#[derive(Debug)]
pub(crate) struct WakeThreshold {
    /// When the first byte of this measurement came.
    since: Option<Instant>,
    received: u64,
    next_look: u64,
    current: u32,
}

impl Default for WakeThreshold {
    fn default() -> Self {
        Self {
            since: None,
            received: 0,
            next_look: LOOK_EVERY,
            current: 1,
        }
    }
}

impl WakeThreshold {
    /// The threshold in force (1: every byte wakes the reader).
    pub fn current(&self) -> u32 {
        self.current
    }

    /// `bytes` more came at `now`: the threshold it should change to, if any.
    pub fn received(&mut self, bytes: usize, now: Instant) -> Option<u32> {
        let Some(since) = self.since else {
            // The clock starts at the first read; its bytes came before it.
            self.since = Some(now);
            return None;
        };
        self.received = self.received.saturating_add(bytes as u64);
        if self.received < self.next_look {
            return None;
        }
        self.next_look = self.received.saturating_add(LOOK_EVERY);
        let elapsed = now.saturating_duration_since(since);
        if elapsed < MEASURE_AT_LEAST {
            return None;
        }
        let pace = (self.received as f64 / elapsed.as_secs_f64()) as u64;
        let wanted = threshold_for(pace);
        (wanted != self.current).then_some(wanted)
    }

    /// The reader waited [`PATIENCE`] for nothing: the threshold to lower to, if it was raised.
    /// The pace is measured afresh from the next byte.
    pub fn waited_long(&mut self) -> Option<u32> {
        *self = Self {
            current: self.current,
            ..Self::default()
        };
        (self.current > 1).then_some(1)
    }

    /// The kernel took `threshold`.
    pub fn set(&mut self, threshold: u32) {
        self.current = threshold;
    }
}

/// The threshold that may be asked of a socket whose receive buffer holds `receive_buffer`
/// bytes: at most a quarter of it. Linux makes room for twice a larger threshold by growing the
/// buffer, and then clamps the TCP window to the threshold until its autotuning grows the
/// buffer again (`tcp_set_rcvlowat`); within a quarter, neither the buffer nor the window
/// changes, so the connection's speed can't depend on this.
pub(crate) fn within_buffer(threshold: u32, receive_buffer: u32) -> u32 {
    threshold.min(receive_buffer / 4).max(1)
}

/// Asks the kernel to wake readers of `socket` only once `threshold` bytes wait (or at its
/// end), within [`within_buffer`]. The threshold taken; `None` where none can be asked (it
/// stays 1).
#[cfg(target_os = "linux")]
pub(crate) fn ask_kernel(socket: &tokio::net::TcpStream, threshold: u32) -> Option<u32> {
    use std::os::fd::AsRawFd;
    let fd = socket.as_raw_fd();
    let mut buffer: libc::c_int = 0;
    let mut length = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `length` bytes into a live c_int on this stack, and
    // setsockopt reads as many from one; the descriptor is the stream's for as long as the
    // borrow lasts.
    let asked = unsafe {
        if libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&raw mut buffer).cast(),
            &raw mut length,
        ) != 0
        {
            return None;
        }
        let value =
            libc::c_int::try_from(within_buffer(threshold, u32::try_from(buffer).unwrap_or(0)))
                .ok()?;
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVLOWAT,
            (&raw const value).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
        .eq(&0)
        .then_some(value)
    };
    asked.and_then(|value| u32::try_from(value).ok())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn ask_kernel(_socket: &tokio::net::TcpStream, _threshold: u32) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1_000_000;

    #[test]
    fn the_threshold_is_a_few_milliseconds_of_the_pace_within_its_bounds() {
        let cases: &[(u64, u32)] = &[
            (0, 1),
            (1_000, 1),
            // 5 ms of 10 MB/s is 50 kB: not worth it.
            (10 * MB, 1),
            // 65,536 bytes in 5 ms.
            (13_107_200, 65_536),
            (13_107_199, 1),
            // 500 kB → 256 KiB.
            (100 * MB, 262_144),
            (200 * MB, 524_288),
            // 5 MB → at most 1 MiB.
            (MB * 1_000, 1_048_576),
            (u64::MAX, 1_048_576),
        ];
        for &(pace, expected) in cases {
            assert_eq!(threshold_for(pace), expected, "at {pace} bytes a second");
        }
    }

    #[test]
    fn it_stays_within_a_quarter_of_the_receive_buffer() {
        let cases: &[(u32, u32, u32)] = &[
            // (threshold, receive buffer, asked)
            (1_048_576, 6_291_456, 1_048_576),
            (1_048_576, 4_194_304, 1_048_576),
            (1_048_576, 2_097_152, 524_288),
            (262_144, 131_072, 32_768),
            (1, 131_072, 1),
            (65_536, 0, 1),
        ];
        for &(threshold, buffer, asked) in cases {
            assert_eq!(
                within_buffer(threshold, buffer),
                asked,
                "{threshold} within {buffer}"
            );
        }
    }

    /// Feeds `pieces` of `size` bytes, `gap` apart; the thresholds proposed (and taken).
    fn feed(wake: &mut WakeThreshold, start: Instant, pieces: u64, size: usize, gap: Duration) {
        for i in 0..pieces {
            let at = start + gap * u32::try_from(i).expect("few pieces");
            if let Some(threshold) = wake.received(size, at) {
                wake.set(threshold);
            }
        }
    }

    /// 25 MiB in 20 ms (128 KiB every 100 µs: about 1.3 GB/s): the most.
    fn after_a_fast_start() -> (Instant, WakeThreshold) {
        let start = Instant::now();
        let mut wake = WakeThreshold::default();
        assert_eq!(wake.current(), 1);
        feed(
            &mut wake,
            start,
            200,
            128 * 1024,
            Duration::from_micros(100),
        );
        assert_eq!(wake.current(), MOST);
        (start, wake)
    }

    #[test]
    fn a_fast_connection_raises_it_and_a_wait_lowers_it_again() {
        let (start, mut wake) = after_a_fast_start();
        assert_eq!(wake.waited_long(), Some(1));
        wake.set(1);
        assert_eq!(wake.waited_long(), None, "already down");
        // Measured afresh: a slow pace after the wait leaves it down.
        feed(&mut wake, start, 200, 64 * 1024, Duration::from_millis(10));
        assert_eq!(wake.current(), 1);
    }

    #[test]
    fn nothing_changes_before_enough_bytes_and_time_are_measured() {
        let start = Instant::now();
        let mut wake = WakeThreshold::default();
        // 3 MiB very fast: fewer bytes than a look needs.
        feed(&mut wake, start, 24, 128 * 1024, Duration::from_micros(10));
        assert_eq!(wake.current(), 1);
        // 8 MiB within 5 ms: too short a time to trust.
        let mut quick = WakeThreshold::default();
        feed(&mut quick, start, 64, 128 * 1024, Duration::from_micros(50));
        assert_eq!(quick.current(), 1);
    }

    #[test]
    fn a_pace_that_falls_brings_it_down_at_the_next_look() {
        let (start, mut wake) = after_a_fast_start();
        // Then 128 KiB every 20 ms (6.5 MB/s): the average since the first byte falls below
        // what is worth waiting for (75 MiB in 8 s at the end).
        let later = start + Duration::from_millis(20);
        feed(&mut wake, later, 400, 128 * 1024, Duration::from_millis(20));
        assert_eq!(wake.current(), 1);
    }
}
