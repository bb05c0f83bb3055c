//! The queue as a state machine: no tokio, no locks, no I/O. One record per item; every change
//! is a method that returns what it changed (`Changes`): events for the faces, records to
//! save, running items to stop, and whether workers should look for work. Workers carry the
//! changes out. Time comes in as an argument, so the tests can run it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::super::api::event::Failure;
use super::super::api::queue::{
    CANCELLED, Conflict, ConflictAnswer, ConflictPolicy, Direction, ItemState, QueueAction,
    QueueEvent, QueueItem, RESTORED, SegmentProgress, SiteKey, TransferId, TransferRequest,
};
use super::decide::Attempt;
use crate::protocol::path::RemotePath;

/// What the queue needs to know of the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The rule for an existing target when neither the person nor the item says otherwise.
    pub policy: ConflictPolicy,
    /// Attempts after the first, when a connection drops.
    pub retries: u32,
    /// The first pause before an attempt again; it doubles each time, up to 30 s.
    pub retry_delay: Duration,
}

/// Where Ferry's own bytes of an item are, so a later attempt may continue them (and only them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Written {
    /// An upload's STOR began on this remote file: from then on it holds Ferry's bytes.
    Remote { path: RemotePath },
    /// A download's `.ferrypart` was complete and checked, and is taking this name.
    Finished { path: PathBuf },
}

/// A stop asked of a running item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Pause,
    Cancel,
}

/// One item and everything the queue knows of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub item: QueueItem,
    pub site: SiteKey,
    /// The person's answer about an existing target: the rule for this item from now on.
    #[serde(default)]
    pub answer: Option<ConflictPolicy>,
    /// With a `Rename` answer: the name the person typed.
    #[serde(default)]
    pub rename_to: Option<String>,
    #[serde(default)]
    pub written: Option<Written>,
    /// The person left this item's question for later ("Decide later"): it is asked again
    /// when it comes to it, and an answer "for all" given about another file meanwhile does
    /// not decide it (the status line promises that question).
    #[serde(default)]
    pub left_for_later: bool,
    /// Why the next start happens.
    #[serde(skip, default = "first")]
    pub attempt: Attempt,
    /// Attempts that ended in a dropped connection since the person last acted on the item.
    #[serde(skip)]
    pub failures: u32,
    /// A retry waits until then.
    #[serde(skip)]
    pub not_before: Option<Instant>,
}

fn first() -> Attempt {
    Attempt::First
}

/// Whether two transfers write the same file: the same local file for downloads, the same
/// file on the same server for uploads.
fn same_target(
    site: &SiteKey,
    request: &TransferRequest,
    other_site: &SiteKey,
    other: &TransferRequest,
) -> bool {
    request.direction == other.direction
        && match request.direction {
            Direction::Download => request.local == other.local,
            Direction::Upload => site == other_site && request.remote == other.remote,
        }
}

impl Record {
    fn state(&self) -> ItemState {
        self.item.state
    }

    fn set(&mut self, state: ItemState, message: Option<String>) {
        self.item.state = state;
        self.item.message = message;
    }
}

/// A change to the saved queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SaveOp {
    /// New records, after `after` (a folder's contents) or at the end.
    Insert {
        after: Option<TransferId>,
        records: Vec<Record>,
    },
    Put(Box<Record>),
    Remove(Vec<TransferId>),
    Order(Vec<TransferId>),
}

/// What one change did.
#[derive(Debug, Default)]
pub struct Changes {
    pub events: Vec<QueueEvent>,
    /// Saved together, before anything else happens (one line of the journal).
    pub saves: Vec<SaveOp>,
    pub stops: Vec<(TransferId, Stop)>,
    /// There may be work for an idle worker.
    pub wake: bool,
}

impl Changes {
    fn updated(&mut self, record: &Record) {
        self.events.push(QueueEvent::Updated(record.item.clone()));
        self.saves.push(SaveOp::Put(Box::new(record.clone())));
    }

    fn saved_quietly(&mut self, record: &Record) {
        self.saves.push(SaveOp::Put(Box::new(record.clone())));
    }
}

/// An item a worker should start now.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub id: TransferId,
    pub request: TransferRequest,
    pub site: SiteKey,
    /// The rule for an existing target: the person's answer, the item's own, or the queue's.
    pub rule: ConflictPolicy,
    pub rename_to: Option<String>,
    pub attempt: Attempt,
    pub written: Option<Written>,
    /// 1 for the first attempt, and `of` in all.
    pub number: u32,
    pub of: u32,
    /// The person's choice about splitting this download (`None`: the setting's).
    pub segmented: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Start(Box<Start>),
    /// A retry waits for its back-off to end.
    WaitUntil(Instant),
    Idle,
}

/// How one attempt ended, as the worker reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    Done(String),
    /// Left alone on purpose: nothing was written.
    Skipped(String),
    /// What another attempt won't change: a local disk error, a target that must not be
    /// written...
    Failed(String),
    /// ... or the server's refusal (550, 553...).
    Refused(Failure),
    Stopped(Stop),
    Ask(Box<Conflict>),
}

/// How restored items come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// Unfinished items are held until the person resumes them; finished ones stay in the
    /// past (the window).
    Paused,
    /// The whole job comes back, finished items included, and what is left starts at once (a
    /// command-line run continuing its queue file).
    Queued,
}

/// The pause before retry `n` (1-based): `first`, then twice as long each time, at most 30 s.
pub fn back_off(first: Duration, failures: u32) -> Duration {
    (first * (1u32 << failures.saturating_sub(1).min(10))).min(Duration::from_secs(30))
}

/// How connecting to a site has gone lately: a site that refuses connections is tried again
/// after a pause that grows, whichever item is waiting for it, and given up after the retries.
#[derive(Debug, Default, Clone, Copy)]
struct SiteHealth {
    failures: u32,
    not_before: Option<Instant>,
}

/// Why a connection attempt failed, as far as trying again is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectTrouble {
    /// The server said no for good: a 5xx to the login, a certificate not trusted.
    Refused,
    /// Nobody answered at the address (no such host, connection refused). Before any login
    /// of this run, that is a wrong address, said at once (as curl does, not after a minute of
    /// pauses); after one, a server restarting, tried again like a lost connection.
    Unreachable,
    /// Anything else (a 421, a reset, a timeout): it may pass.
    Passing,
}

#[derive(Debug)]
pub struct QueueState {
    records: HashMap<TransferId, Record>,
    order: Vec<TransferId>,
    next_id: TransferId,
    config: Config,
    /// Sites with a live login: only their items can run.
    logins: HashSet<SiteKey>,
    health: HashMap<SiteKey, SiteHealth>,
    /// Sites a worker has logged in to during this run.
    reached: HashSet<SiteKey>,
    /// Everything before this position is neither queued nor waiting to retry (a scan hint).
    scan_from: usize,
    /// Every item that is waiting for an answer, and some that were (dropped when next looked
    /// at): a finished item looks here for questions about its target, not through the whole
    /// queue, which made a 100,000-file download quadratic (28% of its CPU in `finished`).
    maybe_asking: BTreeSet<TransferId>,
}

impl QueueState {
    pub fn new(config: Config) -> Self {
        Self {
            records: HashMap::new(),
            order: Vec::new(),
            next_id: 1,
            config,
            logins: HashSet::new(),
            health: HashMap::new(),
            reached: HashSet::new(),
            scan_from: 0,
            maybe_asking: BTreeSet::new(),
        }
    }

    pub fn set_config(&mut self, config: Config) -> Changes {
        self.config = config;
        Changes {
            wake: true,
            ..Changes::default()
        }
    }

    /// The site can run its items now.
    pub fn set_login(&mut self, site: SiteKey) -> Changes {
        self.logins.insert(site);
        self.scan_from = 0;
        Changes {
            wake: true,
            ..Changes::default()
        }
    }

    pub fn get(&self, id: TransferId) -> Option<&Record> {
        self.records.get(&id)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The records in queue order (for saving them whole, and for tests).
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.order.iter().filter_map(|id| self.records.get(id))
    }

    fn new_record(&mut self, request: TransferRequest, site: SiteKey) -> Record {
        let id = self.next_id;
        self.next_id += 1;
        Record {
            item: QueueItem::new(id, request, ItemState::Queued),
            site,
            answer: None,
            rename_to: None,
            written: None,
            left_for_later: false,
            attempt: Attempt::First,
            failures: 0,
            not_before: None,
        }
    }

    /// Queues requests at the end, for `site`.
    pub fn enqueue(&mut self, requests: Vec<TransferRequest>, site: &SiteKey) -> Changes {
        let records: Vec<Record> = requests
            .into_iter()
            .map(|request| self.new_record(request, site.clone()))
            .collect();
        self.insert(None, records)
    }

    /// Queues what is not queued already: a request whose target an item of the queue (at its
    /// top) already has, for the same site, is taken to be that item (a run continued).
    pub fn enqueue_new(&mut self, requests: Vec<TransferRequest>, site: &SiteKey) -> Changes {
        let new: Vec<TransferRequest> = requests
            .into_iter()
            .filter(|wanted| {
                !self.records.values().any(|r| {
                    r.item.parent.is_none()
                        && r.site == *site
                        && r.item.request.direction == wanted.direction
                        && r.item.request.remote == wanted.remote
                        && r.item.request.local == wanted.local
                })
            })
            .collect();
        self.enqueue(new, site)
    }

    fn insert(&mut self, after: Option<TransferId>, records: Vec<Record>) -> Changes {
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        if records.is_empty() {
            return changes;
        }
        let at = after
            .and_then(|id| self.position(id))
            .map_or(self.order.len(), |p| p + 1);
        self.order.splice(at..at, records.iter().map(|r| r.item.id));
        self.scan_from = self.scan_from.min(at);
        for record in &records {
            if record.state() == ItemState::Asking {
                self.maybe_asking.insert(record.item.id);
            }
            self.records.insert(record.item.id, record.clone());
        }
        changes.events.push(QueueEvent::Added {
            after,
            items: records.iter().map(|r| r.item.clone()).collect(),
        });
        changes.saves.push(SaveOp::Insert { after, records });
        changes
    }

    fn position(&self, id: TransferId) -> Option<usize> {
        self.order.iter().position(|&i| i == id)
    }

    /// The first queued item whose site is logged in and whose back-off is over, now starting.
    /// Items of a site with no login wait, saying so.
    pub fn take_next(&mut self, now: Instant) -> (Changes, Next) {
        let mut changes = Changes::default();
        let mut earliest: Option<Instant> = None;
        let mut found = None;
        let mut position = self.scan_from;
        let mut settled = true;
        while position < self.order.len() {
            let id = self.order[position];
            position += 1;
            let Some(record) = self.records.get_mut(&id) else {
                continue;
            };
            if record.state() != ItemState::Queued {
                if settled {
                    self.scan_from = position;
                }
                continue;
            }
            let site_waits = self
                .health
                .get(&record.site)
                .and_then(|h| h.not_before)
                .filter(|at| *at > now);
            if let Some(at) = record.not_before.filter(|at| *at > now).or(site_waits) {
                earliest = Some(earliest.map_or(at, |e| e.min(at)));
                settled = false;
                continue;
            }
            if !self.logins.contains(&record.site) {
                // Its site isn't connected: it waits, saying so, and goes once it is.
                let why = format!(
                    "waiting: connect to {} to resume this transfer",
                    record.site
                );
                if record.item.message.as_deref() != Some(why.as_str()) {
                    record.item.message = Some(why);
                    changes
                        .events
                        .push(QueueEvent::Updated(record.item.clone()));
                }
                settled = false;
                continue;
            }
            found = Some(id);
            break;
        }
        let Some(id) = found else {
            let next = earliest.map_or(Next::Idle, Next::WaitUntil);
            return (changes, next);
        };
        let config = self.config;
        let Some(record) = self.records.get_mut(&id) else {
            return (changes, Next::Idle);
        };
        record.not_before = None;
        record.set(ItemState::Connecting, None);
        // The moment an item starts is not saved: a restart finds it queued either way.
        changes
            .events
            .push(QueueEvent::Updated(record.item.clone()));
        let start = Start {
            id,
            request: record.item.request.clone(),
            site: record.site.clone(),
            rule: record
                .answer
                .or(record.item.request.conflict)
                .unwrap_or(config.policy),
            rename_to: record.rename_to.clone(),
            attempt: record.attempt,
            written: record.written.clone(),
            number: record.failures + 1,
            of: config.retries + 1,
            segmented: record.item.segmented,
        };
        (changes, Next::Start(Box::new(start)))
    }

    /// Bytes are moving: `transferred` of the target is in place.
    pub fn progress(
        &mut self,
        id: TransferId,
        transferred: u64,
        total: Option<u64>,
        rate: f64,
    ) -> Changes {
        let mut changes = Changes::default();
        if let Some(record) = self.records.get_mut(&id).filter(|r| r.state().is_active()) {
            // The faces infer "transferring" from the progress event itself.
            record.item.state = ItemState::Transferring;
            record.item.transferred = transferred;
            if total.is_some() {
                record.item.total = total;
            }
            changes.events.push(QueueEvent::Progress {
                id,
                transferred,
                total,
                rate,
            });
        }
        changes
    }

    /// A segmented download's ranges moved on; `save` at its checkpoints (the map beside the
    /// `.ferrypart` is what a resume reads; the queue's copy is for the faces).
    pub fn segments(
        &mut self,
        id: TransferId,
        segments: Vec<SegmentProgress>,
        save: bool,
    ) -> Changes {
        let mut changes = Changes::default();
        if let Some(record) = self.records.get_mut(&id).filter(|r| r.state().is_active()) {
            record.item.segments = segments;
            if save {
                changes.updated(record);
            } else {
                changes
                    .events
                    .push(QueueEvent::Updated(record.item.clone()));
            }
        }
        changes
    }

    /// A folder is being listed, or a retry got its connection: say it moves.
    pub fn transferring(&mut self, id: TransferId) -> Changes {
        let mut changes = Changes::default();
        if let Some(record) = self.records.get_mut(&id).filter(|r| r.state().is_active()) {
            record.set(ItemState::Transferring, None);
            changes
                .events
                .push(QueueEvent::Updated(record.item.clone()));
        }
        changes
    }

    /// The worker is about to write Ferry's own bytes (saved before the first byte goes).
    pub fn writing(&mut self, id: TransferId, written: Written) -> Changes {
        let mut changes = Changes::default();
        if let Some(record) = self.records.get_mut(&id) {
            record.written = Some(written);
            changes.saved_quietly(record);
        }
        changes
    }

    /// The item's target becomes another (a "Rename"): saved before anything is written there.
    /// The answer that led here is spent: the new target gets the queue's rule.
    pub fn retarget(&mut self, id: TransferId, request: TransferRequest) -> Changes {
        let mut changes = Changes::default();
        if let Some(record) = self.records.get_mut(&id) {
            record.item.request = request;
            record.answer = None;
            record.rename_to = None;
            record.written = None;
            changes.updated(record);
        }
        changes
    }

    /// How an attempt ended, with the bytes it moved.
    pub fn finished(&mut self, id: TransferId, finish: Finish, moved: u64) -> Changes {
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        let Some(record) = self.records.get_mut(&id) else {
            // Removed while it ran.
            return changes;
        };
        record.item.moved += moved;
        match finish {
            Finish::Done(message) => {
                if let Some(total) = record.item.total {
                    record.item.transferred = total;
                }
                record.set(ItemState::Done, Some(message));
                changes.updated(record);
                self.ask_again_about(id, &mut changes);
                return changes;
            }
            Finish::Skipped(why) => record.set(ItemState::Skipped, Some(why)),
            Finish::Failed(why) => record.set(ItemState::Failed, Some(why)),
            Finish::Refused(failure) => {
                record.set(ItemState::Failed, Some(failure.message.clone()));
                record.item.failure = Some(failure);
            }
            Finish::Stopped(Stop::Pause) => {
                record.set(ItemState::Paused, None);
                record.attempt = Attempt::Again;
            }
            Finish::Stopped(Stop::Cancel) => {
                record.set(ItemState::Failed, Some(CANCELLED.into()));
                record.attempt = Attempt::Again;
            }
            Finish::Ask(conflict) => {
                // Asked again, as promised: from now on it is a question like any other.
                record.left_for_later = false;
                record.set(ItemState::Asking, Some("the target exists".into()));
                self.maybe_asking.insert(id);
                changes.updated(record);
                changes.events.push(QueueEvent::AskConflict(conflict));
                return changes;
            }
        }
        changes.updated(record);
        changes
    }

    /// `written`'s target is now what it wrote: a question about the same target that is still
    /// open told of the file as it was (its size and date), so it is asked again with what is
    /// there now. The item goes back to the queue and asks anew when it comes to it.
    fn ask_again_about(&mut self, written: TransferId, changes: &mut Changes) {
        let Some(done) = self.records.get(&written) else {
            return;
        };
        let (site, target) = (done.site.clone(), done.item.request.clone());
        let mut asked_again = false;
        let records = &mut self.records;
        // Kept: the ids still asking about something else.
        self.maybe_asking.retain(|id| {
            let Some(record) = records
                .get_mut(id)
                .filter(|record| record.state() == ItemState::Asking)
            else {
                return false;
            };
            if *id == written || !same_target(&record.site, &record.item.request, &site, &target) {
                return true;
            }
            record.set(ItemState::Queued, None);
            changes.updated(record);
            asked_again = true;
            false
        });
        if asked_again {
            self.scan_from = 0;
        }
    }

    /// An attempt failed in a way another attempt may mend (a dropped connection): queued again
    /// after a pause, or failed when the attempts are used up.
    pub fn attempt_failed(
        &mut self,
        id: TransferId,
        failure: Failure,
        moved: u64,
        now: Instant,
    ) -> Changes {
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        let retries = self.config.retries;
        let first = self.config.retry_delay;
        let Some(record) = self.records.get_mut(&id) else {
            return changes;
        };
        record.item.moved += moved;
        record.failures += 1;
        record.attempt = Attempt::Again;
        let why = failure.message.clone();
        if record.failures > retries {
            let message = format!("{why} (after {} attempts)", record.failures);
            record.set(ItemState::Failed, Some(message));
            record.item.failure = Some(failure);
        } else {
            let wait = back_off(first, record.failures);
            record.not_before = Some(now + wait);
            let message = format!(
                "{why}; retrying in {} s (attempt {} of {})",
                wait.as_secs(),
                record.failures + 1,
                retries + 1
            );
            record.set(ItemState::Queued, Some(message));
            self.scan_from = 0;
        }
        changes.updated(record);
        changes
    }

    /// A worker logged in to `site`: the pauses between connection attempts start again small.
    pub fn connected(&mut self, site: &SiteKey) {
        self.health.remove(site);
        self.reached.insert(site.clone());
    }

    /// A worker could not connect or log in for item `id`. That is the site's trouble, not the
    /// item's: the item waits its turn again, and the site is tried after a growing pause (one
    /// pause for all the attempts that failed together). Once the retries are used up, or at
    /// once when trying again can't help (see `ConnectTrouble`), every item waiting for the
    /// site fails, saying why, rather than each trying on its own.
    pub fn connect_failed(
        &mut self,
        id: TransferId,
        failure: Failure,
        trouble: ConnectTrouble,
        now: Instant,
    ) -> Changes {
        let why = failure.message.clone();
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        let Some(site) = self.records.get(&id).map(|r| r.site.clone()) else {
            return changes;
        };
        let permanent = match trouble {
            ConnectTrouble::Refused => true,
            ConnectTrouble::Unreachable => !self.reached.contains(&site),
            ConnectTrouble::Passing => false,
        };
        let (retries, retry_delay) = (self.config.retries, self.config.retry_delay);
        let health = self.health.entry(site.clone()).or_default();
        if health.not_before.is_none_or(|t| now >= t) {
            health.failures += 1;
            health.not_before = Some(now + back_off(retry_delay, health.failures));
        }
        let failures = health.failures;
        let wait = health.not_before.map_or(Duration::ZERO, |t| t - now);
        if permanent || failures > retries {
            self.health.remove(&site);
            let message = if permanent {
                why
            } else {
                format!("{why} (gave up after {failures} attempts to connect)")
            };
            let waiting: Vec<TransferId> = self
                .order
                .iter()
                .copied()
                .filter(|other| {
                    self.records.get(other).is_some_and(|r| {
                        r.site == site && (*other == id || r.state() == ItemState::Queued)
                    })
                })
                .collect();
            for other in waiting {
                if let Some(record) = self.records.get_mut(&other) {
                    record.set(ItemState::Failed, Some(message.clone()));
                    record.item.failure = Some(failure.clone());
                    changes.updated(record);
                }
            }
            return changes;
        }
        if let Some(record) = self.records.get_mut(&id) {
            let message = format!(
                "could not connect ({why}); trying again in {} s",
                wait.as_secs().max(1)
            );
            record.set(ItemState::Queued, Some(message));
            changes.updated(record);
        }
        self.scan_from = 0;
        changes
    }

    /// The person's answer about an existing target. With `for_all`, every other unfinished
    /// item of this queue going the same way gets the same answer (those waiting on a
    /// question go on now), except those whose question was left for later; items queued
    /// later are asked anew.
    pub fn answer(&mut self, id: TransferId, answer: ConflictAnswer) -> Changes {
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        let Some(direction) = self.records.get(&id).map(|r| r.item.request.direction) else {
            return changes;
        };
        let ids: Vec<TransferId> = if answer.for_all {
            self.order
                .iter()
                .copied()
                .filter(|other| {
                    self.records.get(other).is_some_and(|r| {
                        r.item.request.direction == direction
                            && !r.state().is_finished()
                            && (*other == id || !r.left_for_later)
                    })
                })
                .collect()
        } else {
            vec![id]
        };
        for other in ids {
            let Some(record) = self.records.get_mut(&other) else {
                continue;
            };
            record.answer = Some(answer.choice);
            // A typed name is for the item it was typed for.
            record.rename_to = answer.rename_to.clone().filter(|_| other == id);
            record.failures = 0;
            if record.state() == ItemState::Asking {
                record.attempt = Attempt::AfterAnswer;
                record.set(ItemState::Queued, None);
                changes.updated(record);
            } else {
                changes.saved_quietly(record);
            }
        }
        self.scan_from = 0;
        changes
    }

    /// A folder item was listed: its entries are queued right after it (files first, so they
    /// move while its subfolders wait their turn), and it is done.
    pub fn expanded(
        &mut self,
        id: TransferId,
        mut requests: Vec<TransferRequest>,
        skipped: Vec<(TransferRequest, String)>,
    ) -> Changes {
        let Some(parent) = self.records.get(&id).cloned() else {
            return Changes::default();
        };
        requests.sort_by_key(|r| r.is_dir);
        let files = requests.iter().filter(|r| !r.is_dir).count();
        let folders = requests.len() - files;
        let mut records = Vec::with_capacity(requests.len() + skipped.len());
        for request in requests {
            let mut record = self.new_record(request, parent.site.clone());
            record.item.parent = Some(id);
            // An answer for the whole queue covers what the folder holds too.
            record.answer = parent.answer;
            records.push(record);
        }
        let skipped_count = skipped.len();
        for (request, why) in skipped {
            let mut record = self.new_record(request, parent.site.clone());
            record.item.parent = Some(id);
            record.set(ItemState::Skipped, Some(why));
            records.push(record);
        }
        let mut changes = self.insert(Some(id), records);
        let mut message = format!("{} queued", counted(files, folders));
        if skipped_count > 0 {
            message.push_str(&format!(", {skipped_count} skipped"));
        }
        if let Some(record) = self.records.get_mut(&id) {
            record.set(ItemState::Done, Some(message));
            changes.updated(record);
        }
        changes
    }

    /// The person acts on items.
    pub fn act(&mut self, ids: &[TransferId], action: QueueAction) -> Changes {
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        match action {
            QueueAction::MoveUp | QueueAction::MoveDown => {
                self.nudge(ids, action == QueueAction::MoveUp);
                changes
                    .events
                    .push(QueueEvent::Reordered(self.order.clone()));
                changes.saves.push(SaveOp::Order(self.order.clone()));
                return changes;
            }
            QueueAction::Remove => {
                let removed: Vec<TransferId> = ids
                    .iter()
                    .copied()
                    .filter(|id| self.records.contains_key(id))
                    .collect();
                for id in &removed {
                    if let Some(record) = self.records.remove(id)
                        && record.state().is_active()
                    {
                        changes.stops.push((*id, Stop::Cancel));
                    }
                }
                self.order.retain(|id| !removed.contains(id));
                self.scan_from = 0;
                if !removed.is_empty() {
                    changes.events.push(QueueEvent::Removed(removed.clone()));
                    changes.saves.push(SaveOp::Remove(removed));
                }
                return changes;
            }
            _ => {}
        }
        for id in ids {
            let Some(record) = self.records.get_mut(id) else {
                continue;
            };
            let state = record.state();
            if !action.applies_to(state) {
                continue;
            }
            match action {
                QueueAction::Pause if state.is_active() => {
                    changes.stops.push((*id, Stop::Pause));
                }
                QueueAction::Pause => {
                    // A question left unanswered is asked again on resume.
                    record.left_for_later |= state == ItemState::Asking;
                    record.not_before = None;
                    record.set(ItemState::Paused, None);
                    changes.updated(record);
                }
                QueueAction::Cancel if state.is_active() => {
                    changes.stops.push((*id, Stop::Cancel));
                }
                QueueAction::Cancel => {
                    record.set(ItemState::Failed, Some(CANCELLED.into()));
                    changes.updated(record);
                }
                QueueAction::Resume => {
                    record.failures = 0;
                    record.set(ItemState::Queued, None);
                    changes.updated(record);
                }
                QueueAction::Retry => {
                    record.item.failure = None;
                    record.failures = 0;
                    record.not_before = None;
                    // A question is asked again; Ferry's own bytes are continued.
                    record.answer = None;
                    record.rename_to = None;
                    record.attempt = if record.written.is_some() {
                        Attempt::Again
                    } else {
                        Attempt::First
                    };
                    record.set(ItemState::Queued, None);
                    changes.updated(record);
                }
                // For the next attempt: a running one goes on as it started.
                QueueAction::Segmented(on)
                    if record.item.request.direction == Direction::Download =>
                {
                    record.item.segmented = Some(on);
                    changes.updated(record);
                }
                _ => {}
            }
        }
        self.scan_from = 0;
        changes
    }

    fn nudge(&mut self, ids: &[TransferId], up: bool) {
        let chosen: HashSet<TransferId> = ids.iter().copied().collect();
        if up {
            for at in 1..self.order.len() {
                if chosen.contains(&self.order[at]) && !chosen.contains(&self.order[at - 1]) {
                    self.order.swap(at, at - 1);
                }
            }
        } else {
            for at in (0..self.order.len().saturating_sub(1)).rev() {
                if chosen.contains(&self.order[at]) && !chosen.contains(&self.order[at + 1]) {
                    self.order.swap(at, at + 1);
                }
            }
        }
        self.scan_from = 0;
    }

    /// Moves items to just before `before` (or to the end), keeping their order.
    pub fn move_to(&mut self, ids: &[TransferId], before: Option<TransferId>) -> Changes {
        let chosen: HashSet<TransferId> = ids.iter().copied().collect();
        let moving: Vec<TransferId> = self
            .order
            .iter()
            .copied()
            .filter(|id| chosen.contains(id))
            .collect();
        self.order.retain(|id| !chosen.contains(id));
        let at = before
            .and_then(|b| self.position(b))
            .unwrap_or(self.order.len());
        self.order.splice(at..at, moving);
        self.scan_from = 0;
        Changes {
            events: vec![QueueEvent::Reordered(self.order.clone())],
            saves: vec![SaveOp::Order(self.order.clone())],
            stops: Vec::new(),
            wake: true,
        }
    }

    /// Removes the done and skipped items ("Clear finished").
    pub fn clear_finished(&mut self) -> Changes {
        let removed: Vec<TransferId> = self
            .order
            .iter()
            .copied()
            .filter(|id| {
                self.records
                    .get(id)
                    .is_some_and(|r| matches!(r.state(), ItemState::Done | ItemState::Skipped))
            })
            .collect();
        self.act(&removed, QueueAction::Remove)
    }

    /// Brings back a saved queue, as `how` says. Unfinished items start again on their own
    /// bytes; failed ones stay failed. Bytes moved are counted afresh.
    pub fn restore(&mut self, saved: Vec<Record>, how: Restore) -> Changes {
        let mut records = Vec::with_capacity(saved.len());
        for mut record in saved {
            let finished = matches!(record.state(), ItemState::Done | ItemState::Skipped);
            if (finished && how == Restore::Paused) || self.records.contains_key(&record.item.id) {
                continue;
            }
            self.next_id = self.next_id.max(record.item.id + 1);
            record.attempt = Attempt::Restored;
            record.failures = 0;
            record.not_before = None;
            record.item.moved = 0;
            if !finished && record.state() != ItemState::Failed {
                let state = match how {
                    Restore::Paused => ItemState::Paused,
                    Restore::Queued => ItemState::Queued,
                };
                record.set(state, Some(RESTORED.into()));
            }
            records.push(record);
        }
        let mut changes = Changes {
            wake: true,
            ..Changes::default()
        };
        if records.is_empty() {
            return changes;
        }
        let at = self.order.len();
        self.order.extend(records.iter().map(|r| r.item.id));
        self.scan_from = self.scan_from.min(at);
        for record in &records {
            self.records.insert(record.item.id, record.clone());
        }
        changes.events.push(QueueEvent::Added {
            after: None,
            items: records.iter().map(|r| r.item.clone()).collect(),
        });
        // What the file holds is already the truth: nothing to save.
        changes
    }
}

/// "3 files and 1 folder", "1 file", "no files".
pub fn counted(files: usize, folders: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    match (files, folders) {
        (_, 0) => plural(files, "file", "files"),
        (0, _) => plural(folders, "folder", "folders"),
        _ => format!(
            "{} and {}",
            plural(files, "file", "files"),
            plural(folders, "folder", "folders")
        ),
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
