//! The queue runner: a pool of logged-in sessions, separate from the browsing session, that
//! takes queued items in order and moves them. Sessions are reused from item to item, closed
//! when idle, and replaced when broken. A failed attempt is retried with back-off, resuming
//! where it stopped.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::EventSink;
use super::command::ConnectRequest;
use super::error::FtpError;
use super::event::{Event, LogKind};
use super::limiter::RateLimiter;
use super::opener;
use super::queue::{
    AfterDownload, ConflictPolicy, Direction, ItemState, QueueEvent, QueueItem, TransferId,
    TransferRequest,
};
use super::session::Session;
use super::transfer::{self, ItemControl, Outcome, Stopped, TransferContext};
use super::walk;
use crate::store::atomic::write_atomically;
use crate::store::settings::TransferSettings;

/// The server and account an item belongs to. The password is not part of it: it comes from
/// the live connection to that site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SiteKey {
    pub host: String,
    pub port: u16,
    pub user: String,
}

impl SiteKey {
    pub fn of(request: &ConnectRequest) -> Self {
        Self {
            host: request.host.clone(),
            port: request.port,
            user: request.login.user().to_owned(),
        }
    }
}

impl std::fmt::Display for SiteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}:{}", self.user, self.host, self.port)
    }
}

/// What the person can do to items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    Pause,
    Resume,
    /// Stop, and put it in the Failed list (it can be retried).
    Cancel,
    /// Queue a failed or skipped item again.
    Retry,
    /// Take it out of the queue (stopping it first).
    Remove,
    MoveUp,
    MoveDown,
}

/// The queue as saved between runs.
#[derive(Serialize, Deserialize)]
struct SavedQueue {
    version: u32,
    items: Vec<SavedItem>,
}

#[derive(Serialize, Deserialize)]
struct SavedItem {
    item: QueueItem,
    site: SiteKey,
}

const SAVED_VERSION: u32 = 1;

struct State {
    items: Vec<QueueItem>,
    sites: HashMap<TransferId, SiteKey>,
    /// The latest login for each site: what workers connect with.
    logins: HashMap<SiteKey, Arc<ConnectRequest>>,
    controls: HashMap<TransferId, Arc<ItemControl>>,
    answers: HashMap<TransferId, ConflictPolicy>,
    /// Items started before, whose partial target is ours to continue.
    started: HashSet<TransferId>,
    policy: ConflictPolicy,
    settings: TransferSettings,
    next_id: TransferId,
    workers: usize,
    dirty: bool,
}

impl State {
    fn position(&self, id: TransferId) -> Option<usize> {
        self.items.iter().position(|item| item.id == id)
    }

    fn item_mut(&mut self, id: TransferId) -> Option<&mut QueueItem> {
        self.items.iter_mut().find(|item| item.id == id)
    }
}

struct Shared {
    state: Mutex<State>,
    /// Rings when there may be work: items queued, answers given, settings changed.
    work: Notify,
    saved: Notify,
    sink: EventSink,
    downloads: RateLimiter,
    uploads: RateLimiter,
    queue_file: Option<PathBuf>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a usable queue; carry on with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn send(&self, event: QueueEvent) {
        self.sink.send(Event::Queue(event));
    }

    /// Changes an item and tells the faces.
    fn update(&self, id: TransferId, change: impl FnOnce(&mut QueueItem)) {
        let updated = {
            let mut state = self.lock();
            let Some(item) = state.item_mut(id) else {
                return;
            };
            change(item);
            let item = item.clone();
            state.dirty = true;
            item
        };
        self.send(QueueEvent::Updated(updated));
        self.saved.notify_one();
    }
}

/// The engine's handle on the queue.
pub(crate) struct Transfers {
    shared: Arc<Shared>,
}

impl Transfers {
    pub fn new(sink: EventSink, settings: TransferSettings, queue_file: Option<PathBuf>) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                items: Vec::new(),
                sites: HashMap::new(),
                logins: HashMap::new(),
                controls: HashMap::new(),
                answers: HashMap::new(),
                started: HashSet::new(),
                policy: settings.conflict_policy,
                settings: settings.clone(),
                next_id: 1,
                workers: 0,
                dirty: false,
            }),
            work: Notify::new(),
            saved: Notify::new(),
            sink,
            downloads: RateLimiter::default(),
            uploads: RateLimiter::default(),
            queue_file,
        });
        shared
            .downloads
            .set_limit(settings.download_limit_kib * 1024);
        shared.uploads.set_limit(settings.upload_limit_kib * 1024);
        let transfers = Self { shared };
        transfers.restore();
        // Idle workers hold no connection; they log in when there is work.
        transfers.start_workers();
        tokio::spawn(save_loop(transfers.shared.clone()));
        transfers
    }

    /// Brings back a saved queue: what was not finished returns paused, ready to resume.
    fn restore(&self) {
        let Some(path) = &self.shared.queue_file else {
            return;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let saved: SavedQueue = match serde_json::from_str(&text) {
            Ok(saved) => saved,
            Err(e) => {
                // Keep the unreadable file for the person to look at; start empty.
                let aside = path
                    .with_extension(format!("bad-{}", chrono::Utc::now().format("%Y%m%d%H%M%S")));
                let _ = std::fs::rename(path, &aside);
                self.shared.sink.log(
                    LogKind::Error,
                    format!(
                        "The saved queue could not be read ({e}); kept as {}",
                        aside.display()
                    ),
                );
                return;
            }
        };
        if saved.version > SAVED_VERSION {
            self.shared.sink.log(
                LogKind::Error,
                "The saved queue is from a newer Ferry; not loaded".to_owned(),
            );
            return;
        }
        let items: Vec<QueueItem> = {
            let mut state = self.shared.lock();
            for SavedItem { mut item, site } in saved.items {
                if !item.state.is_finished() {
                    item.state = ItemState::Paused;
                    item.message = Some("restored from the last run".into());
                    state.started.insert(item.id);
                }
                state.next_id = state.next_id.max(item.id + 1);
                state.sites.insert(item.id, site);
                state.items.push(item);
            }
            state.items.clone()
        };
        if !items.is_empty() {
            self.shared.send(QueueEvent::Added { after: None, items });
        }
    }

    /// The live login for a site: items of that site can run.
    pub fn set_login(&self, request: &ConnectRequest) {
        let mut state = self.shared.lock();
        state
            .logins
            .insert(SiteKey::of(request), Arc::new(request.clone()));
        drop(state);
        self.shared.work.notify_waiters();
    }

    /// Queues requests for the site of `login` (the browsing connection's).
    pub fn enqueue(
        &self,
        requests: Vec<TransferRequest>,
        login: &ConnectRequest,
    ) -> Vec<TransferId> {
        let site = SiteKey::of(login);
        let items: Vec<QueueItem> = {
            let mut state = self.shared.lock();
            state.logins.insert(site.clone(), Arc::new(login.clone()));
            let mut added = Vec::with_capacity(requests.len());
            for request in requests {
                let id = state.next_id;
                state.next_id += 1;
                let item = QueueItem {
                    id,
                    total: request.size,
                    request,
                    state: ItemState::Queued,
                    transferred: 0,
                    message: None,
                    parent: None,
                };
                state.sites.insert(id, site.clone());
                state.items.push(item.clone());
                added.push(item);
            }
            state.dirty = true;
            added
        };
        let ids = items.iter().map(|i| i.id).collect();
        self.shared.send(QueueEvent::Added { after: None, items });
        self.start_workers();
        self.shared.work.notify_waiters();
        self.shared.saved.notify_one();
        ids
    }

    pub fn settings_changed(&self, settings: TransferSettings) {
        self.shared
            .downloads
            .set_limit(settings.download_limit_kib * 1024);
        self.shared
            .uploads
            .set_limit(settings.upload_limit_kib * 1024);
        {
            let mut state = self.shared.lock();
            state.policy = settings.conflict_policy;
            state.settings = settings;
        }
        self.start_workers();
        self.shared.work.notify_waiters();
    }

    /// Starts workers up to the "simultaneous transfers" setting; extra ones stop by themselves.
    fn start_workers(&self) {
        let mut state = self.shared.lock();
        let wanted = state.settings.parallel.clamp(1, 10);
        while state.workers < wanted {
            let index = state.workers;
            state.workers += 1;
            tokio::spawn(worker(self.shared.clone(), index));
        }
    }

    pub fn act(&self, ids: &[TransferId], action: QueueAction) {
        let mut events = Vec::new();
        {
            let mut state = self.shared.lock();
            for &id in ids {
                let Some(at) = state.position(id) else {
                    continue;
                };
                let running = state.controls.get(&id).cloned();
                let item_state = state.items[at].state;
                match action {
                    QueueAction::Pause => {
                        if let Some(control) = running {
                            control.pause();
                        } else if matches!(item_state, ItemState::Queued | ItemState::Asking) {
                            state.items[at].state = ItemState::Paused;
                            events.push(QueueEvent::Updated(state.items[at].clone()));
                        }
                    }
                    QueueAction::Resume => {
                        if item_state == ItemState::Paused {
                            state.items[at].state = ItemState::Queued;
                            state.items[at].message = None;
                            events.push(QueueEvent::Updated(state.items[at].clone()));
                        }
                    }
                    QueueAction::Cancel => {
                        if let Some(control) = running {
                            control.cancel();
                        } else if !item_state.is_finished() {
                            state.items[at].state = ItemState::Failed;
                            state.items[at].message = Some("cancelled".into());
                            events.push(QueueEvent::Updated(state.items[at].clone()));
                        }
                    }
                    QueueAction::Retry => {
                        if matches!(item_state, ItemState::Failed | ItemState::Skipped) {
                            let item = &mut state.items[at];
                            item.state = ItemState::Queued;
                            item.message = None;
                            events.push(QueueEvent::Updated(item.clone()));
                            // A retried conflict asks again.
                            state.answers.remove(&id);
                        }
                    }
                    QueueAction::Remove => {
                        if let Some(control) = running {
                            control.cancel();
                        }
                        state.items.remove(at);
                        state.sites.remove(&id);
                        state.answers.remove(&id);
                        state.started.remove(&id);
                        events.push(QueueEvent::Removed(vec![id]));
                    }
                    QueueAction::MoveUp | QueueAction::MoveDown => {
                        let to = if action == QueueAction::MoveUp {
                            at.checked_sub(1)
                        } else {
                            Some(at + 1).filter(|&t| t < state.items.len())
                        };
                        if let Some(to) = to {
                            state.items.swap(at, to);
                        }
                    }
                }
            }
            if matches!(action, QueueAction::MoveUp | QueueAction::MoveDown) {
                events.push(QueueEvent::Reordered(
                    state.items.iter().map(|i| i.id).collect(),
                ));
            }
            state.dirty = true;
        }
        for event in events {
            self.shared.send(event);
        }
        self.shared.work.notify_waiters();
        self.shared.saved.notify_one();
    }

    pub fn act_on_all(&self, action: QueueAction) {
        let ids: Vec<TransferId> = self.shared.lock().items.iter().map(|i| i.id).collect();
        self.act(&ids, action);
    }

    /// Moves items to just before the item at `before` (or to the end), keeping their order.
    pub fn move_to(&self, ids: &[TransferId], before: Option<TransferId>) {
        let order = {
            let mut state = self.shared.lock();
            let moving: Vec<QueueItem> = state
                .items
                .iter()
                .filter(|i| ids.contains(&i.id))
                .cloned()
                .collect();
            state.items.retain(|i| !ids.contains(&i.id));
            let at = before
                .and_then(|b| state.position(b))
                .unwrap_or(state.items.len());
            state.items.splice(at..at, moving);
            state.dirty = true;
            state.items.iter().map(|i| i.id).collect()
        };
        self.shared.send(QueueEvent::Reordered(order));
        self.shared.saved.notify_one();
    }

    /// Removes finished items (done and skipped), as "Clear finished" does.
    pub fn clear_finished(&self) {
        let removed: Vec<TransferId> = {
            let mut state = self.shared.lock();
            let removed = state
                .items
                .iter()
                .filter(|i| matches!(i.state, ItemState::Done | ItemState::Skipped))
                .map(|i| i.id)
                .collect::<Vec<_>>();
            state.items.retain(|i| !removed.contains(&i.id));
            state.dirty = true;
            removed
        };
        if !removed.is_empty() {
            self.shared.send(QueueEvent::Removed(removed));
        }
        self.shared.saved.notify_one();
    }

    /// The person's answer to a conflict; `for_all` makes it the policy for the rest of the
    /// queue, and answers every other item waiting on the same question.
    pub fn answer(&self, id: TransferId, choice: ConflictPolicy, for_all: bool) {
        let mut events = Vec::new();
        {
            let mut state = self.shared.lock();
            state.answers.insert(id, choice);
            if for_all {
                state.policy = choice;
            }
            let waiting: Vec<TransferId> = state
                .items
                .iter()
                .filter(|i| i.state == ItemState::Asking && (i.id == id || for_all))
                .map(|i| i.id)
                .collect();
            for waiting_id in waiting {
                state.answers.insert(waiting_id, choice);
                if let Some(item) = state.item_mut(waiting_id) {
                    item.state = ItemState::Queued;
                    item.message = None;
                    events.push(QueueEvent::Updated(item.clone()));
                }
            }
        }
        for event in events {
            self.shared.send(event);
        }
        self.shared.work.notify_waiters();
    }

    /// Saves the queue now (the engine is stopping).
    pub fn save_now(&self) {
        save(&self.shared);
    }
}

/// Writes the queue at most every half second while it changes.
async fn save_loop(shared: Arc<Shared>) {
    loop {
        shared.saved.notified().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        save(&shared);
    }
}

fn save(shared: &Shared) {
    let Some(path) = &shared.queue_file else {
        return;
    };
    let saved = {
        let mut state = shared.lock();
        if !state.dirty {
            return;
        }
        state.dirty = false;
        SavedQueue {
            version: SAVED_VERSION,
            items: state
                .items
                .iter()
                .filter(|i| !matches!(i.state, ItemState::Done | ItemState::Skipped))
                .filter_map(|item| {
                    Some(SavedItem {
                        item: item.clone(),
                        site: state.sites.get(&item.id)?.clone(),
                    })
                })
                .collect(),
        }
    };
    match serde_json::to_vec_pretty(&saved) {
        Ok(bytes) => {
            if let Err(e) = write_atomically(path, &bytes) {
                shared.sink.log(
                    LogKind::Error,
                    format!("Could not save the queue to {}: {e}", path.display()),
                );
            }
        }
        Err(e) => shared
            .sink
            .log(LogKind::Error, format!("Could not save the queue: {e}")),
    }
}

/// An item a worker took from the queue.
struct Job {
    id: TransferId,
    request: TransferRequest,
    site: SiteKey,
    login: Arc<ConnectRequest>,
    control: Arc<ItemControl>,
    policy: ConflictPolicy,
    resuming: bool,
}

enum Next {
    Job(Box<Job>),
    Wait,
    Retire,
}

fn take_next(shared: &Shared, index: usize) -> Next {
    let mut state = shared.lock();
    if index >= state.settings.parallel.clamp(1, 10) {
        state.workers -= 1;
        return Next::Retire;
    }
    let mut orphaned = Vec::new();
    let mut found = None;
    for at in 0..state.items.len() {
        if state.items[at].state != ItemState::Queued {
            continue;
        }
        let id = state.items[at].id;
        let Some(site) = state.sites.get(&id).cloned() else {
            continue;
        };
        let Some(login) = state.logins.get(&site).cloned() else {
            orphaned.push((id, site));
            continue;
        };
        found = Some((at, id, site, login));
        break;
    }
    let mut events = Vec::new();
    for (id, site) in orphaned {
        if let Some(item) = state.item_mut(id) {
            item.state = ItemState::Failed;
            item.message = Some(format!("connect to {site} to resume this transfer"));
            events.push(QueueEvent::Updated(item.clone()));
        }
    }
    let next = match found {
        Some((at, id, site, login)) => {
            let control = Arc::new(ItemControl::default());
            state.controls.insert(id, control.clone());
            let policy = state
                .answers
                .get(&id)
                .copied()
                .or(state.items[at].request.conflict)
                .unwrap_or(state.policy);
            let resuming = !state.started.insert(id);
            let item = &mut state.items[at];
            item.state = ItemState::Connecting;
            item.message = None;
            events.push(QueueEvent::Updated(item.clone()));
            Next::Job(Box::new(Job {
                id,
                request: item.request.clone(),
                site,
                login,
                control,
                policy,
                resuming,
            }))
        }
        None => Next::Wait,
    };
    drop(state);
    for event in events {
        shared.send(event);
    }
    next
}

/// A worker's session, with the site it is logged in to.
struct Connected {
    site: SiteKey,
    session: Session,
}

async fn worker(shared: Arc<Shared>, index: usize) {
    let sink = shared.sink.tagged(format!("[{}] ", index + 1));
    let mut connection: Option<Connected> = None;
    loop {
        // Listen for work before looking for it, so a notification between the two isn't lost.
        let notified = shared.work.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let job = match take_next(&shared, index) {
            Next::Job(job) => job,
            Next::Retire => {
                if let Some(c) = connection.take() {
                    c.session.quit().await;
                }
                return;
            }
            Next::Wait => {
                let idle = Duration::from_secs(shared.lock().settings.idle_close_secs.max(1));
                if tokio::time::timeout(idle, notified).await.is_err()
                    && let Some(c) = connection.take()
                {
                    sink.log(
                        LogKind::Status,
                        "Closing an idle transfer connection".to_owned(),
                    );
                    c.session.quit().await;
                }
                continue;
            }
        };
        run_job(&shared, &sink, &mut connection, *job).await;
    }
}

/// Runs one item to an end: done, skipped, failed (after the retries), stopped, or asking.
async fn run_job(shared: &Shared, sink: &EventSink, connection: &mut Option<Connected>, job: Job) {
    let retries = shared.lock().settings.retries;
    let mut resuming = job.resuming;
    let mut last_error = None;
    for attempt in 0..=retries {
        if attempt > 0 {
            // 1, 2, 4, 8... seconds, at most 30; stopped at once by a pause or cancel.
            let wait = Duration::from_secs((1u64 << (attempt - 1).min(5)).min(30));
            shared.update(job.id, |item| {
                item.state = ItemState::Connecting;
                item.message = Some(format!(
                    "retrying in {} s (attempt {} of {})",
                    wait.as_secs(),
                    attempt + 1,
                    retries + 1
                ));
            });
            let deadline = tokio::time::Instant::now() + wait;
            while tokio::time::Instant::now() < deadline && job.control_stopped().is_none() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        if let Some(stopped) = job.control_stopped() {
            finish(shared, &job, Outcome::Stopped(stopped));
            return;
        }
        if connection.as_ref().is_none_or(|c| c.site != job.site) {
            if let Some(old) = connection.take() {
                old.session.quit().await;
            }
            let connected = match super::session::resolve_login(&job.login).await {
                Ok(login) => Session::connect(&login, sink.clone()).await,
                Err(error) => Err(error),
            };
            match connected {
                Ok((session, _)) => {
                    *connection = Some(Connected {
                        site: job.site.clone(),
                        session,
                    })
                }
                Err(error) => {
                    let permanent = matches!(&error, FtpError::Reply(r) if r.code >= 500);
                    last_error = Some(error.to_string());
                    if permanent {
                        break;
                    }
                    continue;
                }
            }
        }
        let Some(Connected { session, .. }) = connection.as_mut() else {
            continue;
        };
        // A file's first progress says it moves; a folder says so now.
        if job.request.is_dir || attempt > 0 {
            shared.update(job.id, |item| {
                item.state = ItemState::Transferring;
                item.message = None;
            });
        }
        let settings = shared.lock().settings.clone();
        let limiter = match job.request.direction {
            Direction::Download => &shared.downloads,
            Direction::Upload => &shared.uploads,
        };
        let context = TransferContext {
            id: job.id,
            sink,
            limiter,
            control: &job.control,
            policy: job.policy,
            preserve_times: settings.preserve_times,
            ascii_extensions: &settings.ascii_extensions,
            resuming,
        };
        let result = if job.request.is_dir {
            expand_folder(shared, session, &job).await
        } else {
            sink.log(
                LogKind::Status,
                format!("Starting {}", transfer::describe(&job.request)),
            );
            match job.request.direction {
                Direction::Download => transfer::download(session, &job.request, &context).await,
                Direction::Upload => transfer::upload(session, &job.request, &context).await,
            }
        };
        match result {
            Ok(outcome) => {
                if matches!(outcome, Outcome::Stopped(_)) {
                    // The data connection was cut mid-transfer: the control connection is out of
                    // step, so this session is done.
                    connection.take();
                }
                finish(shared, &job, outcome);
                return;
            }
            Err(error) => {
                sink.log(
                    LogKind::Error,
                    format!("{}: {error}", transfer::describe(&job.request)),
                );
                // A refusal of the file itself (550 no such file, 553 bad name...) won't change.
                if let FtpError::Reply(reply) = &error
                    && reply.code >= 500
                    && reply.code != 530
                {
                    finish(shared, &job, Outcome::Failed(error.to_string()));
                    return;
                }
                // Anything else may be the network: start again on a fresh connection, resuming.
                connection.take();
                resuming = true;
                last_error = Some(error.to_string());
            }
        }
    }
    let message = last_error.unwrap_or_else(|| "gave up".into());
    finish(
        shared,
        &job,
        Outcome::Failed(format!("{message} (after {} attempts)", retries + 1)),
    );
}

impl Job {
    fn control_stopped(&self) -> Option<Stopped> {
        self.control.stop_reason()
    }
}

/// Records how an item ended and tells the faces.
fn finish(shared: &Shared, job: &Job, outcome: Outcome) {
    if let (Outcome::Done(_), Some(after)) = (&outcome, job.request.after) {
        opener::open_downloaded(
            job.request.local.clone(),
            job.request.remote.clone(),
            after == AfterDownload::Edit,
            shared.sink.clone(),
        );
    }
    let mut ask = None;
    let removed = {
        let mut state = shared.lock();
        state.controls.remove(&job.id);
        state.position(job.id).is_none()
    };
    if removed {
        return;
    }
    shared.update(job.id, |item| match outcome {
        Outcome::Done(message) => {
            item.state = ItemState::Done;
            if let Some(total) = item.total {
                item.transferred = total;
            }
            item.message = Some(message);
        }
        Outcome::Skipped(why) => {
            item.state = ItemState::Skipped;
            item.message = Some(why);
        }
        Outcome::Failed(why) => {
            item.state = ItemState::Failed;
            item.message = Some(why);
        }
        Outcome::Stopped(Stopped::Paused) => {
            item.state = ItemState::Paused;
            item.message = None;
        }
        Outcome::Stopped(Stopped::Cancelled) => {
            item.state = ItemState::Failed;
            item.message = Some("cancelled".into());
        }
        Outcome::Ask { source, target } => {
            item.state = ItemState::Asking;
            item.message = Some("the target exists".into());
            ask = Some((source, target));
        }
    });
    if let Some((source, target)) = ask {
        shared.send(QueueEvent::AskConflict {
            id: job.id,
            source,
            target,
        });
    }
    shared.work.notify_waiters();
}

/// Lists a folder item and queues what is in it right after it: its files, then its subfolders
/// (as folder items, which any worker may take next).
async fn expand_folder(
    shared: &Shared,
    session: &mut Session,
    job: &Job,
) -> Result<Outcome, FtpError> {
    let level = match job.request.direction {
        Direction::Download => walk::remote_level(session, &job.request).await?,
        Direction::Upload => walk::local_level(session, &job.request).await?,
    };
    let mut level = match level {
        Ok(level) => level,
        Err(why) => return Ok(Outcome::Failed(why)),
    };
    // Files first, so that this folder's files move while its subfolders wait their turn.
    level.items.sort_by_key(|r| r.is_dir);
    let files = level.items.iter().filter(|r| !r.is_dir).count();
    let folders = level.items.len() - files;
    let skipped = level.skipped.len();
    let items = {
        let mut state = shared.lock();
        let mut items = Vec::with_capacity(level.items.len() + skipped);
        for request in level.items {
            let id = state.next_id;
            state.next_id += 1;
            items.push(QueueItem {
                id,
                total: request.size,
                request,
                state: ItemState::Queued,
                transferred: 0,
                message: None,
                parent: Some(job.id),
            });
        }
        for (name, why) in level.skipped {
            let id = state.next_id;
            state.next_id += 1;
            // Nothing is written for a skipped name: the request only says where it was.
            let mut request = job.request.clone();
            request.is_dir = false;
            request.remote = request.remote.join(name.as_bytes());
            items.push(QueueItem {
                id,
                total: None,
                request,
                state: ItemState::Skipped,
                transferred: 0,
                message: Some(format!("{name}: {why}")),
                parent: Some(job.id),
            });
        }
        for item in &items {
            state.sites.insert(item.id, job.site.clone());
        }
        let at = state.position(job.id).map_or(state.items.len(), |p| p + 1);
        state.items.splice(at..at, items.iter().cloned());
        state.dirty = true;
        items
    };
    shared.send(QueueEvent::Added {
        after: Some(job.id),
        items,
    });
    shared.work.notify_waiters();
    let mut message = format!("{files} files and {folders} folders queued");
    if skipped > 0 {
        message.push_str(&format!(", {skipped} skipped"));
    }
    Ok(Outcome::Done(message))
}
