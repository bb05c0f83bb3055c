//! A transfer queue under test: an engine connected to a server, and the events it sent.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use ferry::engine::{
    Command, ConflictPolicy, Direction, Engine, EngineHandle, EngineOptions, Event, EventReceiver,
    ItemState, QueueEvent, QueueItem, TransferId, TransferRequest, TransferType,
};
use ferry::protocol::path::RemotePath;
use ferry::store::settings::TransferSettings;

use super::PATIENCE;

/// An engine connected to a server, with the queue settings a test wants.
pub struct Queue {
    pub engine: EngineHandle,
    pub events: EventReceiver,
    pub items: BTreeMap<TransferId, QueueItem>,
    pub log: Vec<String>,
    pub asked: Vec<TransferId>,
    /// Every question asked, in order.
    pub conflicts: Vec<ferry::engine::Conflict>,
    /// What protected the browsing connection, from its `Connected` event.
    pub security: Option<ferry::engine::Security>,
}

impl Queue {
    pub fn connect(request: ferry::engine::ConnectRequest, settings: TransferSettings) -> Self {
        let options = EngineOptions {
            transfers: settings,
            log: true,
            ..EngineOptions::default()
        };
        let (engine, events) = Engine::start_with(options, None).unwrap();
        engine.send(Command::Connect(request));
        let mut queue = Self::attach(engine, events);
        queue.wait("the first listing", |_, event| {
            matches!(event, Event::Listing(_))
        });
        queue
    }

    /// Watches an engine the test started itself, with nothing seen yet.
    pub fn attach(engine: EngineHandle, events: EventReceiver) -> Self {
        Self {
            engine,
            events,
            items: BTreeMap::new(),
            log: Vec::new(),
            asked: Vec::new(),
            conflicts: Vec::new(),
            security: None,
        }
    }

    pub fn settings(policy: ConflictPolicy) -> TransferSettings {
        TransferSettings {
            conflict_policy: policy,
            retries: 3,
            // Faults in these tests are on purpose: no need to wait long before a retry.
            retry_delay_ms: 20,
            ..TransferSettings::default()
        }
    }

    /// Handles events until `done` says so; panics (with the log) when patience runs out.
    pub fn wait(&mut self, what: &str, mut done: impl FnMut(&Self, &Event) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left) {
                Ok(event) => event,
                Err(_) => panic!(
                    "never saw {what}; items {:#?}\nlog:\n{}",
                    self.items,
                    self.log.join("\n")
                ),
            };
            match &event {
                Event::Log(line) => self.log.push(line.to_text()),
                Event::Connected(info) => self.security = Some(info.security.clone()),
                Event::Queue(QueueEvent::Added { items, .. }) => {
                    for item in items {
                        self.items.insert(item.id, item.clone());
                    }
                }
                Event::Queue(QueueEvent::Updated(item)) => {
                    self.items.insert(item.id, item.clone());
                }
                Event::Queue(QueueEvent::AskConflict(conflict)) => {
                    self.asked.push(conflict.id);
                    self.conflicts.push((**conflict).clone());
                }
                Event::Disconnected { reason } => {
                    panic!("disconnected: {reason:?}\n{}", self.log.join("\n"))
                }
                _ => {}
            }
            if done(self, &event) {
                return;
            }
        }
    }

    /// Answers the question about `id`.
    pub fn answer(&self, id: TransferId, choice: ConflictPolicy) {
        self.engine.send(Command::AnswerConflict {
            id,
            answer: ferry::engine::ConflictAnswer::new(choice),
        });
    }

    /// Queues and waits until every item has ended (or is waiting for an answer).
    pub fn run(&mut self, requests: Vec<TransferRequest>) {
        self.engine.send(Command::Enqueue(requests));
        self.settle();
    }

    pub fn settle(&mut self) {
        self.wait("the queue to settle", |queue, event| {
            matches!(event, Event::Queue(_))
                && !queue.items.is_empty()
                && queue.items.values().all(|i| {
                    i.state.is_finished()
                        || i.state == ItemState::Asking
                        || i.state == ItemState::Paused
                })
        });
    }

    pub fn only(&self) -> &QueueItem {
        assert_eq!(self.items.len(), 1, "{:#?}", self.items);
        self.items.values().next().unwrap()
    }

    pub fn log_text(&self) -> String {
        self.log.join("\n")
    }
}

pub fn download(remote: &str, local: &Path) -> TransferRequest {
    TransferRequest {
        direction: Direction::Download,
        remote: RemotePath::from_text(remote),
        local: local.to_path_buf(),
        is_dir: false,
        size: None,
        modified: None,
        transfer_type: TransferType::Auto,
        conflict: None,
        after: None,
    }
}

pub fn upload(local: &Path, remote: &str) -> TransferRequest {
    TransferRequest {
        direction: Direction::Upload,
        ..download(remote, local)
    }
}

pub fn folder(mut request: TransferRequest) -> TransferRequest {
    request.is_dir = true;
    request
}
