//! Moving one file, either way, on a logged-in session. Each attempt gathers the facts about
//! the target, asks the queue's one decision (`queue::decide`) what may be written, and
//! carries that out: `.ferrypart` files, resume with REST, ASCII conversion, speed limits,
//! progress, and the checks (size, then digest) that must pass before a download takes the
//! target's name.

mod continuing;
mod download;
mod names;
mod segmented;
pub(crate) mod segments;
mod upload;

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

pub(crate) use download::download;
pub(crate) use names::{
    PARTIAL_NOT_SENT, free_local_name, free_remote_name, is_partial_file, part_path,
};
pub(crate) use upload::upload;

use super::EventSink;
use super::api::event::LogKind;
use super::api::queue::{Direction, SegmentProgress, TransferRequest, TransferType};
use super::limiter::RateLimiter;
use super::queue::state::{Finish, Start, Stop, Written};
use crate::protocol::listing::NameEncoding;

/// What the person asked of a running item.
#[derive(Default)]
pub(crate) struct ItemControl {
    stop: AtomicU8,
    /// Wakes a transfer waiting on the speed limit when it is stopped.
    stopped: tokio::sync::Notify,
}

const PAUSE: u8 = 1;
const CANCEL: u8 = 2;

impl ItemControl {
    pub fn stop(&self, how: Stop) {
        let code = match how {
            Stop::Pause => PAUSE,
            Stop::Cancel => CANCEL,
        };
        self.stop.store(code, Ordering::Relaxed);
        self.stopped.notify_waiters();
    }

    /// Waits until `when`, or less when the item is stopped meanwhile.
    async fn wait_until(&self, when: Instant) {
        let stopped = self.stopped.notified();
        tokio::pin!(stopped);
        // Registered before the flag is read: a stop between the two still wakes it.
        stopped.as_mut().enable();
        if self.stop_reason().is_some() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep_until(when) => {}
            () = stopped => {}
        }
    }

    pub fn stop_reason(&self) -> Option<Stop> {
        match self.stop.load(Ordering::Relaxed) {
            PAUSE => Some(Stop::Pause),
            CANCEL => Some(Stop::Cancel),
            _ => None,
        }
    }
}

/// How a transfer tells the queue what it does. `writing` and `retarget` return only once the
/// queue has saved the change: the bytes may go after that.
pub(crate) trait Reporter: Send + Sync {
    fn progress(&self, transferred: u64, total: Option<u64>, rate: f64);
    /// A segmented download's ranges; `save` at checkpoints.
    fn segments(&self, segments: Vec<SegmentProgress>, save: bool);
    fn writing(&self, written: Written);
    fn retarget(&self, request: TransferRequest);
}

/// More logged-in sessions to the item's server, for a segmented download's other ranges.
#[async_trait::async_trait]
pub(crate) trait MoreSessions: Send + Sync {
    /// Up to `wanted` connections of the pool, beside the item's own, for as long as the
    /// download runs: the pool starts no other item on them until `give_back`.
    fn reserve(&self, wanted: usize) -> usize;
    fn give_back(&self, count: usize);
    async fn open(&self) -> super::error::FtpResult<super::connection::Session>;
}

/// The settings of segmented downloads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentSettings {
    /// Connections per file (1 = off).
    pub connections: usize,
    /// Files at least this big (bytes) are split.
    pub threshold: u64,
    /// All the connections from the first byte; otherwise more join only when the download
    /// turns out to be slow (`segments::worth_joining`).
    pub from_start: bool,
}

/// What a transfer needs besides the session.
pub(crate) struct TransferContext<'a> {
    pub start: &'a Start,
    pub sink: &'a EventSink,
    pub limiter: &'a RateLimiter,
    pub control: &'a ItemControl,
    pub report: &'a dyn Reporter,
    pub preserve_times: bool,
    pub ascii_extensions: &'a [String],
    /// The connection's choice (`Auto` defers to the extension).
    pub transfer_type: TransferType,
    /// How names typed by the person become the server's bytes.
    pub encoding: NameEncoding,
    /// Bytes that crossed the network in this attempt.
    pub moved: AtomicU64,
    pub segments: SegmentSettings,
    /// Where a segmented download gets its other connections.
    pub more_sessions: &'a dyn MoreSessions,
}

impl TransferContext<'_> {
    fn log(&self, text: String) {
        self.sink.log(LogKind::Status, text);
    }

    fn stopped(&self) -> Option<Stop> {
        self.control.stop_reason()
    }

    fn count_moved(&self, bytes: usize) {
        self.moved.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Keeps to the speed limit after `bytes` moved: waits their turn, or less when the
    /// person pauses or cancels meanwhile.
    async fn pace(&self, bytes: usize) {
        if let Some(when) = self.limiter.book(bytes) {
            self.control.wait_until(when).await;
        }
    }

    /// Whether ASCII or binary is chosen by the file's extension (Auto), not by the person.
    fn type_by_extension(&self) -> bool {
        self.start.request.transfer_type.or(self.transfer_type) == TransferType::Auto
    }

    /// ASCII or binary for this file: the request's choice, the connection's, or by extension.
    fn wants_ascii(&self, name: &str) -> bool {
        wants_ascii(
            self.start.request.transfer_type.or(self.transfer_type),
            name,
            self.ascii_extensions,
        )
    }
}

fn wants_ascii(transfer_type: TransferType, name: &str, ascii_extensions: &[String]) -> bool {
    match transfer_type {
        TransferType::Ascii => true,
        TransferType::Binary => false,
        TransferType::Auto => std::path::Path::new(name)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .is_some_and(|e| ascii_extensions.iter().any(|a| a.eq_ignore_ascii_case(&e))),
    }
}

/// How a text transfer's failure begins when text mode did not carry the file's bytes as they
/// are (line ends of its own, a lone CR, a link listed under its own size). Chosen by extension
/// (Auto), the file goes again in binary; chosen by the person, it fails saying so.
const TEXT_CHANGED: &str = "text mode changed the file's bytes";
/// What the log says when Auto's text mode is given up for a file.
const TEXT_CHANGED_LOG: &str =
    "text mode changed its bytes (line ends or bytes of its own, not a text file's)";

/// Whether `finish` is a text transfer's failure of that kind, to be done again in binary.
fn text_changed(finish: &Finish, ascii: bool, context: &TransferContext<'_>) -> bool {
    ascii
        && context.type_by_extension()
        && matches!(finish, Finish::Failed(why) if why.starts_with(TEXT_CHANGED))
}

/// Sends progress at most ten times a second, with a smoothed rate.
struct Progress<'a> {
    context: &'a TransferContext<'a>,
    total: Option<u64>,
    last_sent: Instant,
    last_bytes: u64,
    rate: RateEstimate,
}

/// A transfer's rate, smoothed, from the bytes moved in each interval between progress reports.
///
/// The first interval is not a rate: it holds what was let through at once at the start (a
/// speed limit's 200 ms burst, what the socket's buffers took in before the first read). Taken
/// as one, it showed a limited transfer at about three times its limit, and the toolbar's
/// total with it, for its first second. Nothing is shown until the second interval.
#[derive(Debug, Default)]
struct RateEstimate {
    intervals: u32,
    /// Bytes a second; 0 while unknown.
    rate: f64,
}

impl RateEstimate {
    fn add(&mut self, bytes: u64, elapsed: Duration) -> f64 {
        self.intervals = self.intervals.saturating_add(1);
        let instant = bytes as f64 / elapsed.as_secs_f64().max(1e-3);
        self.rate = match self.intervals {
            1 => 0.0,
            2 => instant,
            _ => 0.7 * self.rate + 0.3 * instant,
        };
        self.rate
    }
}

impl<'a> Progress<'a> {
    const INTERVAL: Duration = Duration::from_millis(100);

    fn new(context: &'a TransferContext<'a>, start: u64, total: Option<u64>) -> Self {
        Self {
            context,
            total,
            last_sent: Instant::now(),
            last_bytes: start,
            rate: RateEstimate::default(),
        }
    }

    fn update(&mut self, transferred: u64, force: bool) {
        let elapsed = self.last_sent.elapsed();
        if !force && elapsed < Self::INTERVAL {
            return;
        }
        // The item's own update says it is done; a last progress event would say nothing more.
        if force && self.total == Some(transferred) && self.last_bytes == 0 {
            return;
        }
        let rate = self
            .rate
            .add(transferred.saturating_sub(self.last_bytes), elapsed);
        self.last_sent = Instant::now();
        self.last_bytes = transferred;
        self.context.report.progress(transferred, self.total, rate);
    }
}

/// Which way and which file, for log lines.
pub(crate) fn describe(request: &TransferRequest) -> String {
    match request.direction {
        Direction::Download => format!("{} → {}", request.remote, request.local.display()),
        Direction::Upload => format!("{} → {}", request.local.display(), request.remote),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_by_extension_unless_told() {
        use super::{TransferType, wants_ascii};
        let extensions = vec!["txt".to_owned()];
        assert!(wants_ascii(TransferType::Auto, "a.TXT", &extensions));
        assert!(!wants_ascii(TransferType::Auto, "a.bin", &extensions));
        assert!(!wants_ascii(TransferType::Binary, "a.txt", &extensions));
        assert!(wants_ascii(TransferType::Ascii, "a.bin", &extensions));
    }

    /// Under a limit of 100 kB/s: the first tenth of a second lets 30 kB through (the 200 ms
    /// burst and its own tenth); after that, 10 kB a tenth.
    #[test]
    fn the_first_burst_is_not_shown_as_the_rate() {
        use std::time::Duration;
        let tenth = Duration::from_millis(100);
        // (bytes in the interval, the rate shown after it)
        let cases = [
            (30_000, 0.0),
            (10_000, 100_000.0),
            (10_000, 100_000.0),
            (20_000, 130_000.0),
            (0, 91_000.0),
        ];
        let mut estimate = super::RateEstimate::default();
        for (i, (bytes, shown)) in cases.into_iter().enumerate() {
            let rate = estimate.add(bytes, tenth);
            assert!(
                (rate - shown).abs() < 1.0,
                "interval {i}: {rate}, not {shown}"
            );
        }
    }
}
