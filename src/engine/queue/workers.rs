//! The queue on tokio: a pool of logged-in sessions, apart from the browsing session, that take
//! items as the state machine hands them out and report how each attempt went. Sessions are
//! reused from item to item, closed when idle, and replaced when broken. Every change goes
//! through `Shared::apply`: the state machine decides, the journal saves, then the faces hear.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};

use super::saved::Journal;
use super::settling::Settling;
use super::state::{
    Changes, Config, ConnectTrouble, Finish, Next, QueueState, Restore, Start, Written,
};
use crate::engine::EventSink;
use crate::engine::api::command::ConnectRequest;
use crate::engine::api::event::{Event, Failure, LogKind};
use crate::engine::api::queue::{
    AfterDownload, ConflictAnswer, Direction, QueueAction, SegmentProgress, SiteKey, TransferId,
    TransferRequest,
};
use crate::engine::connection::{Session, resolve_login};
use crate::engine::error::FtpError;
use crate::engine::limiter::RateLimiter;
use crate::engine::opener;
use crate::engine::transfer::{
    self, ItemControl, MoreSessions, Reporter, SegmentSettings, TransferContext,
};
use crate::engine::walk;
use crate::store::settings::TransferSettings;

/// Where the queue is kept between runs, and how restored items come back.
#[derive(Debug, Clone)]
pub struct QueueFile {
    pub path: PathBuf,
    pub restore: Restore,
}

struct Inner {
    state: QueueState,
    journal: Option<Journal>,
    /// The latest login for each site: what workers connect with.
    logins: HashMap<SiteKey, Arc<ConnectRequest>>,
    controls: HashMap<TransferId, Arc<ItemControl>>,
    settings: TransferSettings,
    workers: usize,
    /// Connections of the pool lent to segmented downloads (beyond their items' own).
    lent: usize,
    /// When a face reading on its own tick must be woken (followed only for such a face).
    settling: Settling,
}

struct Shared {
    inner: Mutex<Inner>,
    /// Rings when there may be work: items queued, answers given, settings changed.
    work: Notify,
    sink: EventSink,
    downloads: RateLimiter,
    uploads: RateLimiter,
}

fn config(settings: &TransferSettings) -> Config {
    Config {
        policy: settings.conflict_policy,
        retries: settings.retries,
        retry_delay: settings.retry_delay(),
    }
}

impl Shared {
    fn new(sink: EventSink, settings: TransferSettings, journal: Option<Journal>) -> Self {
        let shared = Shared {
            inner: Mutex::new(Inner {
                state: QueueState::new(config(&settings)),
                journal,
                logins: HashMap::new(),
                controls: HashMap::new(),
                settings: settings.clone(),
                workers: 0,
                lent: 0,
                settling: Settling::default(),
            }),
            work: Notify::new(),
            sink,
            downloads: RateLimiter::default(),
            uploads: RateLimiter::default(),
        };
        shared
            .downloads
            .set_limit(settings.download_limit_kib * 1024);
        shared.uploads.set_limit(settings.upload_limit_kib * 1024);
        shared
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a usable queue; carry on with it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs one change of the state machine, saves it (before anything acts on it), stops what
    /// it says to stop, then tells the faces and the workers.
    ///
    /// The faces are told before the lock is let go, so that they hear of the changes in the
    /// order they happened. Sent after it, two workers' events could pass each other: a
    /// folder's entries, added as queued, reached the CLI after the "done" of one of them,
    /// which then looked unfinished for ever (`ferry put -r` waited until it gave up). A send
    /// on the channel never blocks.
    fn apply<R>(&self, change: impl FnOnce(&mut QueueState) -> (Changes, R)) -> R {
        let (result, wake) = {
            let mut inner = self.lock();
            let (changes, result) = change(&mut inner.state);
            self.save(&mut inner, &changes);
            for (id, how) in &changes.stops {
                if let Some(control) = inner.controls.get(id) {
                    control.stop(*how);
                }
            }
            let ring = self.sink.has_doorbell() && inner.settling.must_ring(&changes.events);
            for event in changes.events {
                self.sink.send_quietly(Event::Queue(event));
            }
            if ring {
                self.sink.ring();
            }
            (result, changes.wake)
        };
        if wake {
            self.work.notify_waiters();
        }
        result
    }

    fn change(&self, change: impl FnOnce(&mut QueueState) -> Changes) {
        self.apply(|state| (change(state), ()));
    }

    fn save(&self, inner: &mut Inner, changes: &Changes) {
        let Inner { journal, state, .. } = inner;
        let Some(journal) = journal.as_mut() else {
            return;
        };
        let result = journal.append(&changes.saves, state.len()).and_then(|due| {
            if due {
                journal.compact(state.records())
            } else {
                Ok(())
            }
        });
        if let Err(e) = result {
            // The queue goes on in memory; a restart would find it as last saved.
            self.sink
                .log(LogKind::Error, format!("Could not save the queue: {e}"));
        }
    }
}

/// The engine's handle on the queue.
pub(crate) struct Queue {
    shared: Arc<Shared>,
    /// Dropped with the queue (when the engine stops), which ends every worker's thread.
    closing: watch::Sender<()>,
}

impl Queue {
    pub fn new(sink: EventSink, settings: TransferSettings, file: Option<QueueFile>) -> Self {
        let mut journal = None;
        let mut restored = Vec::new();
        if let Some(file) = &file {
            match Journal::open(&file.path) {
                Ok((opened, loaded)) => {
                    journal = Some(opened);
                    restored = loaded.records;
                    if let Some(warning) = loaded.warning {
                        sink.log(LogKind::Error, warning);
                    }
                }
                Err(e) => sink.log(
                    LogKind::Error,
                    format!(
                        "Could not open the saved queue {}: {e}; the queue is kept in memory only",
                        file.path.display()
                    ),
                ),
            }
        }
        let queue = Self {
            shared: Arc::new(Shared::new(sink, settings, journal)),
            closing: watch::Sender::new(()),
        };
        if let Some(file) = file {
            queue
                .shared
                .change(|state| state.restore(restored, file.restore));
        }
        // Idle workers hold no connection; they log in when there is work.
        queue.start_workers();
        queue
    }

    /// The live login for a site: items of that site can run.
    pub fn set_login(&self, request: &ConnectRequest) {
        let site = SiteKey::of(request);
        self.shared
            .lock()
            .logins
            .insert(site.clone(), Arc::new(request.clone()));
        self.shared.change(|state| state.set_login(site));
    }

    /// Queues requests for the site of `login` (the browsing connection's). A request that
    /// leaves the transfer type to the connection gets the login's. With `only_new`, requests the
    /// queue already has (a run continued from its queue file) are not queued twice.
    pub fn enqueue(
        &self,
        mut requests: Vec<TransferRequest>,
        login: &ConnectRequest,
        only_new: bool,
    ) {
        self.set_login(login);
        if let Some(chosen) = login.transfer_type {
            for request in &mut requests {
                request.transfer_type = request.transfer_type.or(chosen);
            }
        }
        let site = SiteKey::of(login);
        self.shared.change(|state| {
            if only_new {
                state.enqueue_new(requests, &site)
            } else {
                state.enqueue(requests, &site)
            }
        });
        self.start_workers();
    }

    pub fn settings_changed(&self, settings: TransferSettings) {
        self.shared
            .downloads
            .set_limit(settings.download_limit_kib * 1024);
        self.shared
            .uploads
            .set_limit(settings.upload_limit_kib * 1024);
        self.shared.lock().settings = settings.clone();
        self.shared
            .change(|state| state.set_config(config(&settings)));
        self.start_workers();
    }

    /// Starts workers up to the "simultaneous transfers" setting; extra ones stop by themselves.
    fn start_workers(&self) {
        let mut inner = self.shared.lock();
        let wanted = inner.settings.parallel.clamp(1, 10);
        while inner.workers < wanted {
            let index = inner.workers;
            match start_worker(self.shared.clone(), index, self.closing.subscribe()) {
                Ok(()) => inner.workers += 1,
                Err(e) => {
                    // The queue goes on with the workers it has (none: its items wait).
                    self.shared.sink.log(
                        LogKind::Error,
                        format!("Could not start a transfer thread: {e}"),
                    );
                    break;
                }
            }
        }
    }

    pub fn act(&self, ids: &[TransferId], action: QueueAction) {
        self.shared.change(|state| state.act(ids, action));
    }

    pub fn act_on_all(&self, action: QueueAction) {
        self.shared.change(|state| {
            let ids: Vec<TransferId> = state.records().map(|r| r.item.id).collect();
            state.act(&ids, action)
        });
    }

    pub fn move_to(&self, ids: &[TransferId], before: Option<TransferId>) {
        self.shared.change(|state| state.move_to(ids, before));
    }

    pub fn clear_finished(&self) {
        self.shared.change(QueueState::clear_finished);
    }

    pub fn answer(&self, id: TransferId, answer: ConflictAnswer) {
        self.shared.change(|state| state.answer(id, answer));
    }
}

/// Reports of one running item, into the queue.
struct ItemReporter<'a> {
    shared: &'a Shared,
    id: TransferId,
}

impl Reporter for ItemReporter<'_> {
    fn progress(&self, transferred: u64, total: Option<u64>, rate: f64) {
        self.shared
            .change(|state| state.progress(self.id, transferred, total, rate));
    }

    fn writing(&self, written: Written) {
        self.shared.change(|state| state.writing(self.id, written));
    }

    fn retarget(&self, request: TransferRequest) {
        self.shared.change(|state| state.retarget(self.id, request));
    }

    fn segments(&self, segments: Vec<SegmentProgress>, save: bool) {
        self.shared
            .change(|state| state.segments(self.id, segments, save));
    }
}

/// Connections to a site at once: one per simultaneous transfer, or as many as one segmented
/// download may use, whichever is more.
fn connection_budget(settings: &TransferSettings) -> usize {
    settings.parallel.max(settings.segments).clamp(1, 10)
}

/// The pool's spare connections, lent to one segmented download.
struct PoolSessions<'a> {
    shared: &'a Shared,
    login: &'a ConnectRequest,
    sink: EventSink,
}

#[async_trait::async_trait]
impl MoreSessions for PoolSessions<'_> {
    fn reserve(&self, wanted: usize) -> usize {
        let mut inner = self.shared.lock();
        let pool = connection_budget(&inner.settings);
        // Each running item holds one connection; the rest are free.
        let busy = inner.controls.len() + inner.lent;
        let granted = wanted.min(pool.saturating_sub(busy));
        inner.lent += granted;
        granted
    }

    fn give_back(&self, count: usize) {
        {
            let mut inner = self.shared.lock();
            inner.lent = inner.lent.saturating_sub(count);
        }
        self.shared.work.notify_waiters();
    }

    async fn open(&self) -> Result<Session, FtpError> {
        let login = resolve_login(self.login).await?;
        Session::connect(&login, self.sink.clone())
            .await
            .map(|(session, _)| session)
    }
}

enum Work {
    Job(Box<Start>, Arc<ConnectRequest>, Arc<ItemControl>),
    Wait(Option<Instant>),
    Retire,
}

fn take_next(shared: &Shared, index: usize) -> Work {
    {
        let mut inner = shared.lock();
        if index >= inner.settings.parallel.clamp(1, 10) {
            inner.workers -= 1;
            return Work::Retire;
        }
        // A segmented download has this worker's connection on loan.
        if inner.lent > 0 && inner.controls.len() + inner.lent >= connection_budget(&inner.settings)
        {
            return Work::Wait(None);
        }
    }
    let next = shared.apply(|state| state.take_next(Instant::now()));
    match next {
        Next::Start(start) => {
            let mut inner = shared.lock();
            let Some(login) = inner.logins.get(&start.site).cloned() else {
                // The state machine only hands out items of sites with a login.
                return Work::Wait(None);
            };
            let control = Arc::new(ItemControl::default());
            inner.controls.insert(start.id, control.clone());
            Work::Job(start, login, control)
        }
        Next::WaitUntil(at) => Work::Wait(Some(at)),
        Next::Idle => Work::Wait(None),
    }
}

/// A worker's session, with the login it was made with: when the site's changes (connected
/// again with encryption chosen, say), the next item logs in anew rather than use it.
struct Connected {
    login: ConnectRequest,
    session: Session,
}

/// Runs a worker on a thread of its own, with a single-threaded runtime, until it retires or the
/// queue is dropped.
///
/// A connection's task kept on one thread is woken there and moves its bytes through one core's
/// cache. On the engine's two-thread runtime each connection's task was woken on either thread in
/// turn: 2,000 small files over 4 connections went up in 1.03 s to vsftpd and 0.86 s to
/// pure-ftpd, against 0.85 s and 0.715 s on threads of their own (down: 0.955 and 0.80 s against
/// 0.895 and 0.745 s; 1 GiB transfers the same within the noise).
fn start_worker(
    shared: Arc<Shared>,
    index: usize,
    mut closing: watch::Receiver<()>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(format!("ferry-transfer-{}", index + 1))
        .spawn(move || {
            runtime.block_on(async move {
                tokio::select! {
                    () = worker(shared, index) => {}
                    // Err: the queue (the sender) is gone; nothing is ever sent on it.
                    _ = closing.changed() => {}
                }
            });
            // Don't wait for a DNS lookup stuck in the blocking pool.
            runtime.shutdown_background();
        })?;
    Ok(())
}

async fn worker(shared: Arc<Shared>, index: usize) {
    let sink = shared.sink.tagged(format!("[{}] ", index + 1));
    let mut connection: Option<Connected> = None;
    loop {
        // Listen for work before looking for it, so a notification between the two isn't lost.
        let notified = shared.work.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match take_next(&shared, index) {
            Work::Job(start, login, control) => {
                run_attempt(&shared, &sink, &mut connection, &start, &login, &control).await;
                shared.lock().controls.remove(&start.id);
            }
            Work::Retire => {
                if let Some(c) = connection.take() {
                    c.session.quit().await;
                }
                return;
            }
            Work::Wait(until) => {
                let idle = Duration::from_secs(shared.lock().settings.idle_close_secs.max(1));
                let wait = until.map_or(idle, |at| {
                    at.saturating_duration_since(Instant::now()).min(idle)
                });
                let woken = tokio::time::timeout(wait, notified).await.is_ok();
                if !woken
                    && until.is_none()
                    && let Some(c) = connection.take()
                {
                    sink.log(
                        LogKind::Status,
                        "Closing an idle transfer connection".to_owned(),
                    );
                    c.session.quit().await;
                }
            }
        }
    }
}

/// One attempt at an item: a connection (reused, or new), then the folder listing or the file
/// transfer, and its report to the queue.
async fn run_attempt(
    shared: &Shared,
    sink: &EventSink,
    connection: &mut Option<Connected>,
    start: &Start,
    login: &ConnectRequest,
    control: &ItemControl,
) {
    let id = start.id;
    if start.number > 1 {
        shared.change(|state| state.transferring(id));
    }
    if connection
        .as_ref()
        .is_none_or(|c| !c.login.makes_the_same_session(login))
    {
        if let Some(old) = connection.take() {
            if SiteKey::of(&old.login) == start.site {
                // A walk's downloads went on over a plain session after the person connected
                // again with TLS required.
                sink.log(
                    LogKind::Status,
                    "The connection's settings changed (encryption, login or data connections): logging in again".to_owned(),
                );
            }
            old.session.quit().await;
        }
        let connected = match resolve_login(login).await {
            Ok(login) => Session::connect(&login, sink.clone()).await,
            Err(error) => Err(error),
        };
        match connected {
            Ok((session, _)) => {
                shared.lock().state.connected(&start.site);
                *connection = Some(Connected {
                    login: login.clone(),
                    session,
                })
            }
            Err(error) => {
                let trouble = match &error {
                    FtpError::Reply(r) if r.code >= 500 => ConnectTrouble::Refused,
                    FtpError::Untrusted(_) => ConnectTrouble::Refused,
                    FtpError::Resolve { .. } | FtpError::Refused { .. } => {
                        ConnectTrouble::Unreachable
                    }
                    _ => ConnectTrouble::Passing,
                };
                let failure = Failure::from(&error);
                let now = Instant::now();
                shared.change(|state| state.connect_failed(id, failure, trouble, now));
                return;
            }
        }
    }
    let Some(Connected { session, .. }) = connection.as_mut() else {
        return;
    };
    if let Some(how) = control.stop_reason() {
        shared.change(|state| state.finished(id, Finish::Stopped(how), 0));
        return;
    }
    let settings = shared.lock().settings.clone();
    let reporter = ItemReporter { shared, id };
    let more_sessions = PoolSessions {
        shared,
        login,
        sink: sink.tagged("[+] ".to_owned()),
    };
    let context = TransferContext {
        start,
        sink,
        limiter: match start.request.direction {
            Direction::Download => &shared.downloads,
            Direction::Upload => &shared.uploads,
        },
        control,
        report: &reporter,
        preserve_times: settings.preserve_times,
        ascii_extensions: &settings.ascii_extensions,
        transfer_type: login.transfer_type.unwrap_or(settings.transfer_type),
        encoding: login.encoding,
        moved: AtomicU64::new(0),
        segments: SegmentSettings {
            connections: settings.segments,
            threshold: settings.segment_threshold_mib.saturating_mul(1024 * 1024),
            // Turned on for this item by the person: as asked, at once.
            from_start: settings.segments_from_start || start.segmented == Some(true),
        },
        more_sessions: &more_sessions,
    };
    let result = if start.request.is_dir {
        shared.change(|state| state.transferring(id));
        expand_folder(shared, session, start).await
    } else {
        sink.log(
            LogKind::Status,
            format!("Starting {}", transfer::describe(&start.request)),
        );
        match start.request.direction {
            Direction::Download => match transfer::download(session, &context).await {
                Err(FtpError::Reply(reply)) if reply.code >= 500 => {
                    folder_behind_a_link(shared, session, start, reply).await
                }
                result => result,
            },
            Direction::Upload => transfer::upload(session, &context).await,
        }
    };
    let moved = context.moved.load(Ordering::Relaxed);
    match result {
        Ok(finish) => {
            if matches!(finish, Finish::Stopped(_)) {
                // The data connection was cut mid-transfer: the control connection is out of
                // step, so this session is done.
                connection.take();
            }
            let what = transfer::describe(&start.request);
            match &finish {
                Finish::Failed(why) => sink.log(LogKind::Error, format!("{what}: {why}")),
                Finish::Refused(failure) => sink.log(LogKind::Error, format!("{what}: {failure}")),
                Finish::Skipped(why) => sink.log(LogKind::Status, format!("Skipped {what}: {why}")),
                Finish::Ask(_) => sink.log(
                    LogKind::Status,
                    format!("{what}: the target exists; waiting for an answer"),
                ),
                Finish::Done(checks) => {
                    // The item's target as it is now: a "Rename" answer gave it a new name
                    // after the start was logged.
                    let request = shared
                        .lock()
                        .state
                        .get(id)
                        .map(|r| r.item.request.clone())
                        .unwrap_or_else(|| start.request.clone());
                    let what = transfer::describe(&request);
                    match checks.as_str() {
                        "" => sink.log(LogKind::Status, format!("Done {what}")),
                        _ => sink.log(LogKind::Status, format!("Done {what}: {checks}")),
                    }
                }
                Finish::Stopped(super::state::Stop::Pause) => sink.log(
                    LogKind::Status,
                    format!("Paused {what}; Resume continues it"),
                ),
                // Removed from the queue rather than cancelled in it: nothing is left to retry.
                Finish::Stopped(super::state::Stop::Cancel)
                    if shared.lock().state.get(id).is_none() =>
                {
                    sink.log(LogKind::Status, removed_text(&what, &start.request).await)
                }
                Finish::Stopped(super::state::Stop::Cancel) => sink.log(
                    LogKind::Status,
                    format!("Cancelled {what}; Retry continues it"),
                ),
            }
            if let (Finish::Done(_), Some(after)) = (&finish, start.request.after) {
                opener::open_downloaded(
                    start.request.local.clone(),
                    start.request.remote.clone(),
                    after == AfterDownload::Edit,
                    shared.sink.clone(),
                );
            }
            shared.change(|state| state.finished(id, finish, moved));
        }
        Err(error) => {
            sink.log(
                LogKind::Error,
                format!("{}: {error}", transfer::describe(&start.request)),
            );
            // A refusal of the file itself (550 no such file, 553 bad name...) won't change.
            if let FtpError::Reply(reply) = &error
                && reply.code >= 500
                && reply.code != 530
            {
                let failure = Failure::from(&error);
                shared.change(|state| state.finished(id, Finish::Refused(failure), moved));
                return;
            }
            // Anything else may be the network: again on a fresh connection, on Ferry's bytes.
            connection.take();
            let failure = Failure::from(&error);
            let now = Instant::now();
            shared.change(|state| state.attempt_failed(id, failure, moved, now));
        }
    }
}

/// A download the server refused: a link listed as a link may lead to a folder (as FileZilla
/// does, Ferry goes in to see). One the person chose is downloaded as the folder it is; one
/// met inside a folder's download is skipped, as the upload's walk skips links to folders
/// (they could loop). Anything else keeps the server's refusal.
async fn folder_behind_a_link(
    shared: &Shared,
    session: &mut Session,
    start: &Start,
    refusal: Box<crate::protocol::reply::Reply>,
) -> Result<Finish, FtpError> {
    if !session.enters(&start.request.remote).await? {
        return Err(FtpError::Reply(refusal));
    }
    let chosen = shared
        .lock()
        .state
        .get(start.id)
        .is_some_and(|r| r.item.parent.is_none());
    if !chosen {
        return Ok(Finish::Skipped(
            "a link to a folder (not followed inside a folder's download)".into(),
        ));
    }
    shared.sink.log(
        LogKind::Status,
        format!(
            "{} is a folder (a link to one): downloading it as a folder",
            start.request.remote.display()
        ),
    );
    let mut as_folder = start.clone();
    as_folder.request.is_dir = true;
    expand_folder(shared, session, &as_folder).await
}

/// Lists a folder item; its entries are queued right after it.
async fn expand_folder(
    shared: &Shared,
    session: &mut Session,
    start: &Start,
) -> Result<Finish, FtpError> {
    let level = match start.request.direction {
        Direction::Download => walk::remote_level(session, &start.request).await?,
        Direction::Upload => walk::local_level(session, &start.request).await?,
    };
    let level = match level {
        Ok(level) => level,
        Err(why) => return Ok(Finish::Failed(why)),
    };
    let skipped = level
        .skipped
        .into_iter()
        .map(|(name, why)| {
            // Nothing is written for a skipped name: the request only says where it was.
            let mut request = start.request.clone();
            request.is_dir = false;
            request.remote = request.remote.join(name.as_bytes());
            if request.direction == Direction::Upload {
                request.local = request.local.join(&name);
            }
            (request, format!("{name}: {why}"))
        })
        .collect();
    shared.change(|state| state.expanded(start.id, level.items, skipped));
    // `expanded` marked the folder done; the report that follows changes nothing more.
    let message = shared
        .lock()
        .state
        .get(start.id)
        .and_then(|r| r.item.message.clone())
        .unwrap_or_default();
    Ok(Finish::Done(message))
}

/// What the log says of a running transfer the person removed from the queue. A download's
/// `.ferrypart` stays where it is: it may hold the person's own file (a "Resume" answer turns the
/// file in the way into it), so it is not Ferry's to delete; the log names it, as removing the
/// item said nothing of it (a walk found it left behind).
async fn removed_text(what: &str, request: &crate::engine::TransferRequest) -> String {
    let part = transfer::part_path(&request.local);
    let left = request.direction == Direction::Download
        && !request.is_dir
        // Off the runtime's threads, as the transfers' own file work is.
        && tokio::fs::try_exists(&part).await.unwrap_or(false);
    if left {
        format!(
            "Stopped {what}: removed from the queue; its partial file {} is left as it is",
            part.display()
        )
    } else {
        format!("Stopped {what}: removed from the queue")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::queue::{Direction, QueueEvent, TransferRequest};

    /// Two workers changing the queue at once must tell the faces in the order the changes
    /// happened. Events sent after the lock was let go could pass each other: a folder's
    /// "children added" (each child queued) reached the CLI after one child's "done", the
    /// child looked unfinished for ever, and `ferry put -r` waited until it gave up.
    #[test]
    fn events_reach_the_face_in_the_order_of_the_changes() {
        let (sink, events) = EventSink::for_tests();
        let shared = Arc::new(Shared::new(sink, TransferSettings::default(), None));
        let site = SiteKey {
            host: "h".into(),
            port: 21,
            user: "u".into(),
        };
        let request = TransferRequest::sample(Direction::Upload, "f");
        shared.change(|state| state.set_login(site.clone()));
        shared.change(|state| state.enqueue(vec![request], &site));
        let Next::Start(start) = shared.apply(|state| state.take_next(Instant::now())) else {
            panic!("the item did not start");
        };
        let id = start.id;
        // Each change moves the item's progress one byte on: the events must count up.
        const THREADS: u64 = 4;
        const CHANGES: u64 = 5_000;
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    for _ in 0..CHANGES {
                        shared.change(|state| {
                            let next = state.get(id).map_or(0, |r| r.item.transferred) + 1;
                            state.progress(id, next, None, 0.0)
                        });
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("a changing thread");
        }
        drop(shared);
        let seen: Vec<u64> = events
            .iter()
            .filter_map(|event| match event {
                Event::Queue(QueueEvent::Progress { transferred, .. }) => Some(transferred),
                _ => None,
            })
            .collect();
        assert_eq!(seen.len() as u64, THREADS * CHANGES);
        let out_of_order = seen.windows(2).filter(|pair| pair[1] <= pair[0]).count();
        assert_eq!(out_of_order, 0, "events overtook each other");
    }
}
