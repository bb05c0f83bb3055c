//! When a face that reads the queue's events on a tick of its own must be woken at once.
//!
//! The CLI's transfers read events on a tick (100 ms) instead of waiting on the channel: waking
//! its thread for each of the three or so events a file makes was most of the engine's futex
//! calls on 2,000 small files. What it can't wait a tick for is a question (a conflict
//! to answer) and the end (the last item finished: the command is done). This follows the items
//! through the events, with no I/O, and says when to ring.

use std::collections::HashSet;

use crate::engine::api::queue::{QueueEvent, TransferId};

/// The items not finished yet, as the events have told them.
#[derive(Debug, Default)]
pub(crate) struct Settling {
    unfinished: HashSet<TransferId>,
}

impl Settling {
    /// Follows one change's events; `true` when the face must look now: a conflict was asked,
    /// or the change left no item unfinished.
    pub(crate) fn must_ring(&mut self, events: &[QueueEvent]) -> bool {
        let mut ring = false;
        for event in events {
            match event {
                QueueEvent::Added { items, .. } => {
                    for item in items {
                        self.follow(item.id, item.state.is_finished());
                    }
                }
                QueueEvent::Updated(item) => self.follow(item.id, item.state.is_finished()),
                QueueEvent::Removed(ids) => {
                    for id in ids {
                        self.unfinished.remove(id);
                    }
                }
                QueueEvent::AskConflict(_) => ring = true,
                // Bytes moving, or the order: nothing starts or ends.
                QueueEvent::Progress { .. } | QueueEvent::Reordered(_) => {}
            }
        }
        let changed_states = events.iter().any(|event| {
            !matches!(
                event,
                QueueEvent::Progress { .. } | QueueEvent::Reordered(_)
            )
        });
        ring || (changed_states && self.unfinished.is_empty())
    }

    fn follow(&mut self, id: TransferId, finished: bool) {
        if finished {
            self.unfinished.remove(&id);
        } else {
            self.unfinished.insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::engine::api::queue::{
        Conflict, ConflictPolicy, Direction, SiteKey, TransferRequest,
    };
    use crate::engine::queue::state::{Changes, Config, Finish, Next, QueueState};

    fn site() -> SiteKey {
        SiteKey {
            host: "h".into(),
            port: 21,
            user: "u".into(),
        }
    }

    /// A step of a queue's life, as the real state machine makes it.
    enum Step {
        Enqueue(&'static [&'static str]),
        /// Starts the next item; the number is where it is kept for the steps below.
        Start,
        Progress(usize),
        End(usize, Finish),
        Ask(usize),
    }

    /// Runs the steps through a real queue and says, for each, whether the face was rung.
    fn rings(policy: ConflictPolicy, steps: Vec<Step>) -> Vec<bool> {
        let mut state = QueueState::new(Config {
            policy,
            retries: 0,
            retry_delay: Duration::from_secs(1),
        });
        state.set_login(site());
        let mut settling = Settling::default();
        let mut started = Vec::new();
        let now = Instant::now();
        steps
            .into_iter()
            .map(|step| {
                let changes: Changes = match step {
                    Step::Enqueue(names) => state.enqueue(
                        names
                            .iter()
                            .map(|n| TransferRequest::sample(Direction::Upload, n))
                            .collect(),
                        &site(),
                    ),
                    Step::Start => {
                        let (changes, next) = state.take_next(now);
                        let Next::Start(start) = next else {
                            panic!("nothing to start: {next:?}");
                        };
                        started.push(*start);
                        changes
                    }
                    Step::Progress(n) => state.progress(started[n].id, 5, Some(10), 1.0),
                    Step::End(n, finish) => state.finished(started[n].id, finish, 10),
                    Step::Ask(n) => {
                        let conflict = Conflict {
                            id: started[n].id,
                            direction: Direction::Upload,
                            source_path: "/tmp/a".into(),
                            target_path: "/a".into(),
                            source: Default::default(),
                            target: Default::default(),
                            suggested_name: String::new(),
                            text_mode: false,
                        };
                        state.finished(started[n].id, Finish::Ask(Box::new(conflict)), 0)
                    }
                };
                settling.must_ring(&changes.events)
            })
            .collect()
    }

    #[test]
    fn the_face_is_rung_for_a_question_and_when_the_last_item_ends_and_never_else() {
        use Step::*;
        let done = || Finish::Done(String::new());
        // (steps, whether each one rings)
        let cases: Vec<(ConflictPolicy, Vec<Step>, Vec<bool>)> = vec![
            // Three files, two at a time: only the last one's end rings.
            (
                ConflictPolicy::Overwrite,
                vec![
                    Enqueue(&["a", "b", "c"]),
                    Start,
                    Start,
                    Progress(0),
                    End(0, done()),
                    Start,
                    End(1, done()),
                    End(2, done()),
                ],
                vec![false, false, false, false, false, false, false, true],
            ),
            // A failure and a skip end items as well as a success does.
            (
                ConflictPolicy::Overwrite,
                vec![
                    Enqueue(&["a", "b"]),
                    Start,
                    Start,
                    End(0, Finish::Failed("disk full".into())),
                    End(1, Finish::Skipped("same".into())),
                ],
                vec![false, false, false, false, true],
            ),
            // A question rings at once; its item is not finished, so its answer's end rings.
            (
                ConflictPolicy::Ask,
                vec![Enqueue(&["a"]), Start, Ask(0)],
                vec![false, false, true],
            ),
        ];
        for (policy, steps, expected) in cases {
            assert_eq!(rings(policy, steps), expected);
        }
    }
}
