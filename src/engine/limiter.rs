//! Global speed limits: every transfer in one direction shares one budget of bytes per second.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// A burst of at most this long is let through at once, so a limit doesn't stall small reads.
const BURST: Duration = Duration::from_millis(200);

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

    pub fn is_limited(&self) -> bool {
        self.limit.load(Ordering::Relaxed) > 0
    }

    /// Waits until `bytes` more may go.
    pub async fn take(&self, bytes: usize) {
        let limit = self.limit.load(Ordering::Relaxed);
        if limit == 0 {
            return;
        }
        let cost = Duration::from_secs_f64(bytes as f64 / limit as f64);
        let wait_until = {
            let Ok(mut paid) = self.paid_until.lock() else {
                return;
            };
            let now = Instant::now();
            let start = paid.map_or(now, |p| p.max(now - BURST));
            let until = start + cost;
            *paid = Some(until);
            until.checked_sub(BURST)
        };
        if let Some(when) = wait_until {
            tokio::time::sleep_until(when).await;
        }
    }
}
