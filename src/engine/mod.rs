//! The engine: a tokio runtime on its own thread that owns every connection. Faces talk to it
//! only through an [`EngineHandle`] (commands in) and an [`EventReceiver`] (events out); it knows
//! nothing of egui or terminals.

pub mod api;
mod browser;
mod connection;
pub mod error;
mod folder_changes;
mod limiter;
mod local_disk;
mod local_io;
mod local_watch;
mod opener;
pub mod queue;
pub(crate) mod splice;
pub mod sync;
pub mod watch;
mod write_place;
/// The TLS vocabulary where it has always been found (`ferry::engine::tls::fingerprint`...).
pub mod tls {
    pub use super::api::certificate::{
        CertificateInfo, Fingerprint, TlsMode, TlsOptions, TlsVersions, fingerprint,
        fingerprint_text, parse_fingerprint,
    };
}
mod transfer;
/// The rules of segmented downloads (the sizes the window explains).
pub(crate) use transfer::segments as transfer_segments;
mod walk;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::settings::TransferSettings;

pub use api::certificate::{CertificateInfo, TlsMode, TlsOptions, TlsVersions};
pub use api::command::{
    Command, ConnectRequest, DataMode, DirTarget, FetchPart, Login, RemoteItem, Timeouts,
};
pub use api::event::{
    DirListing, Event, Failure, FailureKind, LogKind, LogLine, Security, ServerInfo,
};
pub use api::local::{LocalCommand, LocalEntry, LocalKind, LocalListing};
pub use api::queue::{
    AfterDownload, Conflict, ConflictAnswer, ConflictPolicy, Direction, FileFacts, ItemState,
    QueueAction, QueueEvent, QueueItem, RESTORED, SiteKey, TransferId, TransferRequest,
    TransferType,
};
pub use error::FtpError;
pub use queue::Restore;

/// Called after the engine sends events: the GUI passes `request_repaint`.
pub type Notify = Arc<dyn Fn() + Send + Sync>;

pub type EventReceiver = std_mpsc::Receiver<Event>;

/// Where the engine's events go.
#[derive(Clone)]
pub(crate) struct EventSink {
    events: std_mpsc::Sender<Event>,
    notify: Option<Notify>,
    tag: Option<Arc<str>>,
    /// No message log (a CLI run without `--verbose`): nothing is formatted or sent for it.
    quiet: bool,
    /// See [`EngineOptions::listing_bytes`].
    pub(crate) listing_bytes: bool,
    /// See [`EngineOptions::doorbell`].
    doorbell: Option<std::thread::Thread>,
}

impl EventSink {
    /// An event the face must see at once (a question, a failure, an answer it waits for).
    pub fn send(&self, event: Event) {
        self.send_quietly(event);
        self.ring();
    }

    /// An event that can wait for the face's next look: progress, a queue item's step.
    /// Unparking the CLI's thread for each of them was most of the engine's futex calls on
    /// 2,000 small uploads (about six a file, with two context switches).
    pub fn send_quietly(&self, event: Event) {
        // A face that has gone away no longer needs to hear anything.
        let _ = self.events.send(event);
        if let Some(notify) = &self.notify {
            notify();
        }
    }

    /// Wakes a face that reads on its own tick (nothing when there is none).
    pub fn ring(&self) {
        if let Some(doorbell) = &self.doorbell {
            doorbell.unpark();
        }
    }

    /// A sink and its receiving end, for unit tests of what sends events.
    #[cfg(test)]
    pub(crate) fn for_tests() -> (Self, EventReceiver) {
        let (events, receiver) = std_mpsc::channel();
        let sink = Self {
            events,
            notify: None,
            tag: None,
            quiet: false,
            listing_bytes: false,
            doorbell: None,
        };
        (sink, receiver)
    }

    /// Whether a face reads on its own tick, so that quiet events are worth telling apart.
    pub fn has_doorbell(&self) -> bool {
        self.doorbell.is_some()
    }

    pub fn log(&self, kind: LogKind, text: impl Into<String>) {
        if self.quiet {
            return;
        }
        let text = text.into();
        let text = match &self.tag {
            Some(tag) => format!("{tag}{text}"),
            None => text,
        };
        // Rung for: a person who asked for the log (`--verbose`) reads it as it happens.
        self.send(Event::Log(LogLine::now(kind, text)));
    }

    /// The same sink, with a prefix on every log line (`[2] `: which transfer connection).
    pub fn tagged(&self, tag: String) -> Self {
        Self {
            tag: Some(Arc::from(tag)),
            ..self.clone()
        }
    }
}

/// Sends commands to the engine. When the last handle is dropped the engine closes every
/// connection and its thread ends.
#[derive(Clone)]
pub struct EngineHandle {
    commands: mpsc::UnboundedSender<Command>,
}

impl EngineHandle {
    pub fn send(&self, command: Command) {
        // Only fails when the engine has stopped, which only happens after every handle is gone.
        let _ = self.commands.send(command);
    }
}

pub struct Engine;

/// The engine's async threads: the browsing session, the watchers, synchronisation's walks and
/// the commands from the faces. The queue's transfers run on threads of their own, one for each
/// connection (see `queue::workers::start_worker`). Big writes and hashing run on the blocking
/// pool. With one thread instead of two, the 100k listing and 2,000 small files took the same
/// time; two cost nothing measurable and keep one busy task from holding the others up.
const ENGINE_THREADS: usize = 2;

/// What the engine starts with.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub transfers: TransferSettings,
    /// Where the queue is saved between runs; `None` keeps it in memory only.
    pub queue_file: Option<PathBuf>,
    /// How items restored from `queue_file` come back: paused (the window) or queued.
    pub restore: Restore,
    /// Send the message log (commands, replies, status lines) as events.
    pub log: bool,
    /// Hand each listing's bytes to the face as they arrive (`Event::ListingFormat`, then
    /// `Event::ListingBytes`), unparsed; the `Listing` that ends them is empty. `ferry ls`
    /// parses and prints them itself while the rest arrives, building no `Entry` for a line.
    pub listing_bytes: bool,
    /// A face that reads the events on a tick of its own (the CLI's transfers) rather than
    /// waiting on the channel: its thread is unparked only for an event it must act on at once
    /// (see [`EventSink::send_quietly`]). A face waiting on the channel is woken by every event
    /// whatever this says.
    pub doorbell: Option<std::thread::Thread>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            transfers: TransferSettings::default(),
            queue_file: None,
            restore: Restore::Paused,
            log: true,
            listing_bytes: false,
            doorbell: None,
        }
    }
}

impl Engine {
    /// Starts the engine thread with default settings and an unsaved queue.
    pub fn start(notify: Option<Notify>) -> std::io::Result<(EngineHandle, EventReceiver)> {
        Self::start_with(EngineOptions::default(), notify)
    }

    pub fn start_with(
        options: EngineOptions,
        notify: Option<Notify>,
    ) -> std::io::Result<(EngineHandle, EventReceiver)> {
        let (command_tx, command_rx) = mpsc::unbounded_channel();
        // Weak: work the engine hands itself must not keep it running once the faces are gone.
        let own_commands = command_tx.downgrade();
        let (event_tx, event_rx) = std_mpsc::channel();
        let sink = EventSink {
            events: event_tx,
            notify,
            tag: None,
            quiet: !options.log,
            listing_bytes: options.listing_bytes,
            doorbell: options.doorbell.clone(),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(ENGINE_THREADS)
            .thread_name("ferry-engine")
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("ferry-engine-main".into())
            .spawn(move || {
                runtime.block_on(run(command_rx, own_commands, sink, options));
                // Don't wait for a DNS lookup stuck in the blocking pool.
                runtime.shutdown_background();
            })?;
        Ok((
            EngineHandle {
                commands: command_tx,
            },
            event_rx,
        ))
    }
}

/// The browsing session now running, and the way to reach it.
struct Browser {
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
}

impl Browser {
    /// Stops the session at once (mid-connect included) and waits until it can send nothing more,
    /// so that the `Disconnected` that follows is the last word about it.
    ///
    /// Returns whether it was still running: a session that ended on its own (an error) has
    /// already sent its `Disconnected`, and a second one would be news of nothing.
    async fn stop(self) -> bool {
        self.task.abort();
        self.task.await.is_err()
    }
}

async fn run(
    mut commands: mpsc::UnboundedReceiver<Command>,
    own_commands: mpsc::WeakUnboundedSender<Command>,
    sink: EventSink,
    options: EngineOptions,
) {
    let mut browser: Option<Browser> = None;
    let queue_file = options.queue_file.map(|path| queue::QueueFile {
        path,
        restore: options.restore,
    });
    let transfers = queue::Queue::new(sink.clone(), options.transfers, queue_file);
    // The browsing connection's site and login: what new transfers use.
    let mut login: Option<ConnectRequest> = None;
    // A local folder kept up to date on the server, while connected.
    let mut watching: Option<watch::Watching> = None;
    // The folder the local pane shows, listed again when it changes.
    let mut _local_watch: Option<local_watch::LocalWatch> = None;
    while let Some(command) = commands.recv().await {
        // A session that ended on its own (an error) has already said so.
        if browser.as_ref().is_some_and(|b| b.task.is_finished()) {
            browser = None;
            if let Some(watch) = watching.take() {
                watch.stop("disconnected");
            }
        }
        match command {
            Command::Connect(request) => {
                if let Some(watch) = watching.take() {
                    watch.stop("connected elsewhere");
                }
                if let Some(old) = browser.take()
                    && old.stop().await
                {
                    sink.send(Event::Disconnected { reason: None });
                }
                transfers.set_login(&request);
                login = Some(request.clone());
                let (tx, rx) = mpsc::unbounded_channel();
                let task = tokio::spawn(browser::run(
                    request,
                    rx,
                    sink.clone(),
                    own_commands.clone(),
                ));
                browser = Some(Browser { commands: tx, task });
            }
            Command::Disconnect => {
                if let Some(watch) = watching.take() {
                    watch.stop("disconnected");
                }
                if let Some(old) = browser.take()
                    && old.stop().await
                {
                    sink.log(LogKind::Status, "Disconnected");
                    sink.send(Event::Disconnected { reason: None });
                }
            }
            Command::Enqueue(requests) => match &login {
                Some(login) => {
                    transfers.enqueue(requests, login, false);
                }
                None => sink.send(Event::CommandFailed {
                    what: "queue transfers".into(),
                    failure: Failure::new(FailureKind::Protocol, "connect to a server first"),
                    opening: None,
                }),
            },
            Command::EnqueueFor { login, requests } => transfers.enqueue(requests, &login, true),
            Command::UploadPaths { paths, into } => {
                // Looking at the paths may wait on a slow disk: off this loop, then queued.
                let own_commands = own_commands.clone();
                tokio::task::spawn_blocking(move || {
                    let requests = local_disk::upload_requests(&paths, &into);
                    if let Some(commands) = own_commands.upgrade()
                        && !requests.is_empty()
                    {
                        let _ = commands.send(Command::Enqueue(requests));
                    }
                });
            }
            Command::Queue { ids, action } => transfers.act(&ids, action),
            Command::QueueAll(action) => transfers.act_on_all(action),
            Command::MoveQueueItems { ids, before } => transfers.move_to(&ids, before),
            Command::ClearFinished => transfers.clear_finished(),
            Command::AnswerConflict { id, answer } => transfers.answer(id, answer),
            Command::SetTransferSettings(settings) => transfers.settings_changed(settings),
            Command::Local(LocalCommand::Watch(folder)) => {
                // The old watch ends as it is dropped.
                _local_watch = None;
                if let Some(folder) = folder {
                    match local_watch::start(folder.clone(), sink.clone()) {
                        Ok(watch) => _local_watch = Some(watch),
                        // F5 still lists it: worth a line in the log, not a problem.
                        Err(why) => {
                            sink.log(LogKind::Status, why);
                            local_disk::run(LocalCommand::List(folder), sink.clone());
                        }
                    }
                }
            }
            Command::Local(local_command) => local_disk::run(local_command, sink.clone()),
            Command::KeepUpToDate(wanted) => {
                if let Some(watch) = watching.take() {
                    watch.stop("stopped");
                }
                if let Some(wanted) = wanted {
                    if browser.is_none() {
                        sink.send(Event::CommandFailed {
                            what: "keep the server folder up to date".into(),
                            failure: Failure::new(FailureKind::Protocol, "not connected"),
                            opening: None,
                        });
                        continue;
                    }
                    match watch::start(*wanted, own_commands.clone(), sink.clone()) {
                        Ok(watch) => watching = Some(watch),
                        Err(why) => sink.send(Event::CommandFailed {
                            what: "keep the server folder up to date".into(),
                            failure: Failure::new(FailureKind::Protocol, why),
                            opening: None,
                        }),
                    }
                }
            }
            browsing => forward(&browser, &sink, browsing),
        }
    }
    if let Some(watch) = watching.take() {
        watch.stop("the engine stopped");
    }
    if let Some(old) = browser.take() {
        old.stop().await;
    }
}

fn forward(browser: &Option<Browser>, sink: &EventSink, command: Command) {
    match browser {
        Some(browser) if browser.commands.send(command).is_ok() => {}
        _ => sink.send(Event::CommandFailed {
            what: "browse".into(),
            failure: Failure::new(FailureKind::Protocol, "not connected"),
            opening: None,
        }),
    }
}
