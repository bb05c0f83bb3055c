//! SIGINT, SIGTERM and SIGHUP close the window the way its close button does, minus the question
//! about running transfers (they resume on the next start, as after any close): the demo's
//! temporary folder and server go with the window (Ctrl+C in the terminal of
//! `cargo run -- --demo` left the folder in /tmp each time), and eframe saves the window's
//! layout. A second signal ends the process at once, as the default action would have.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a signal asked the window to close.
#[derive(Clone, Default)]
pub struct CloseSignal(Arc<AtomicBool>);

impl CloseSignal {
    pub fn received(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Watches for the signals on a thread of its own; `ctx` is asked for a frame when one comes
/// (an idle window draws none). Where they can't be watched, the default actions stay.
pub fn close_on_signals(ctx: egui::Context) -> CloseSignal {
    let signal = CloseSignal::default();
    #[cfg(unix)]
    watch(ctx, signal.clone());
    #[cfg(not(unix))]
    let _ = ctx;
    signal
}

#[cfg(unix)]
fn watch(ctx: egui::Context, close: CloseSignal) {
    use tokio::signal::unix::{SignalKind, signal};
    // Registered on the thread: should it not start, the default actions stay (a signal caught
    // and never acted on would leave a process that can't be interrupted).
    let spawned = std::thread::Builder::new()
        .name("ferry-signals".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let (Ok(mut interrupt), Ok(mut terminate), Ok(mut hangup)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                    signal(SignalKind::hangup()),
                ) else {
                    return;
                };
                for first in [true, false] {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                        _ = hangup.recv() => {}
                    }
                    if !first {
                        std::process::exit(130);
                    }
                    close.0.store(true, Ordering::Relaxed);
                    ctx.request_repaint();
                }
            });
        });
    if let Err(e) = spawned {
        eprintln!("ferry: could not watch for signals (the OS refused a thread): {e}");
    }
}
