//! The queue's transitions, run with a clock of our own.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::*;
use crate::engine::api::queue::Direction;

fn site(host: &str) -> SiteKey {
    SiteKey {
        host: host.into(),
        port: 21,
        user: "u".into(),
    }
}

fn request(direction: Direction, name: &str) -> TransferRequest {
    TransferRequest::sample(direction, name)
}

const CONFIG: Config = Config {
    policy: ConflictPolicy::Ask,
    retries: 2,
    retry_delay: Duration::from_secs(1),
};

fn queue(names: &[&str]) -> QueueState {
    let mut state = QueueState::new(CONFIG);
    state.set_login(site("a"));
    let requests = names
        .iter()
        .map(|n| request(Direction::Download, n))
        .collect();
    state.enqueue(requests, &site("a"));
    state
}

fn start(state: &mut QueueState, now: Instant) -> Start {
    match state.take_next(now).1 {
        Next::Start(start) => *start,
        other => panic!("nothing to start: {other:?}"),
    }
}

fn lost(why: &str) -> Failure {
    Failure::new(crate::engine::api::event::FailureKind::Connect, why)
}

fn item_state(state: &QueueState, id: TransferId) -> ItemState {
    state.get(id).map(|r| r.item.state).expect("the item")
}

fn conflict(id: TransferId) -> Finish {
    Finish::Ask(Box::new(Conflict {
        id,
        direction: Direction::Download,
        source_path: "/a".into(),
        target_path: "/tmp/a".into(),
        source: Default::default(),
        target: Default::default(),
        suggested_name: "a (1)".into(),
        text_mode: false,
    }))
}

#[test]
fn items_start_in_order_and_finish() {
    let now = Instant::now();
    let mut state = queue(&["a", "b"]);
    let a = start(&mut state, now);
    assert_eq!((a.id, a.attempt, a.number, a.of), (1, Attempt::First, 1, 3));
    assert_eq!(a.rule, ConflictPolicy::Ask);
    let b = start(&mut state, now);
    assert_eq!(b.id, 2);
    assert_eq!(state.take_next(now).1, Next::Idle);
    let changes = state.finished(1, Finish::Done("10 bytes".into()), 10);
    assert!(matches!(&changes.saves[..], [SaveOp::Put(r)] if r.item.state == ItemState::Done));
    assert_eq!(state.get(1).map(|r| r.item.moved), Some(10));
    state.finished(2, Finish::Skipped("already exists".into()), 0);
    assert_eq!(item_state(&state, 2), ItemState::Skipped);
    assert_eq!(state.get(2).map(|r| r.item.moved), Some(0));
}

/// The bug this design removes: the start after an answer must not be taken for a resume.
#[test]
fn the_start_after_an_answer_is_an_answer_not_a_resume() {
    let now = Instant::now();
    let mut state = queue(&["a"]);
    start(&mut state, now);
    let changes = state.finished(1, conflict(1), 0);
    assert!(
        changes
            .events
            .iter()
            .any(|e| matches!(e, QueueEvent::AskConflict(c) if c.id == 1))
    );
    assert_eq!(item_state(&state, 1), ItemState::Asking);
    assert_eq!(state.take_next(now).1, Next::Idle, "waits for the answer");
    state.answer(1, ConflictAnswer::new(ConflictPolicy::Skip));
    let again = start(&mut state, now);
    assert_eq!(again.attempt, Attempt::AfterAnswer);
    assert_eq!(again.rule, ConflictPolicy::Skip);
    assert_eq!(again.written, None);
}

#[test]
fn an_answer_for_all_covers_this_queue_going_the_same_way_only() {
    let now = Instant::now();
    let mut state = queue(&["a", "b", "c"]);
    state.enqueue(vec![request(Direction::Upload, "up")], &site("a"));
    let a = start(&mut state, now);
    state.finished(a.id, conflict(a.id), 0);
    let b = start(&mut state, now);
    state.finished(b.id, conflict(b.id), 0);
    let answer = ConflictAnswer {
        choice: ConflictPolicy::Overwrite,
        rename_to: None,
        for_all: true,
    };
    state.answer(a.id, answer);
    // Both questions are answered; c (not asked yet) has the answer; the upload doesn't.
    for id in [1, 2, 3] {
        assert_eq!(
            state.get(id).and_then(|r| r.answer),
            Some(ConflictPolicy::Overwrite)
        );
    }
    assert_eq!(state.get(4).and_then(|r| r.answer), None);
    assert_eq!(start(&mut state, now).attempt, Attempt::AfterAnswer);
    assert_eq!(start(&mut state, now).attempt, Attempt::AfterAnswer);
    let c = start(&mut state, now);
    assert_eq!(
        (c.id, c.attempt, c.rule),
        (3, Attempt::First, ConflictPolicy::Overwrite)
    );
    let up = start(&mut state, now);
    assert_eq!((up.id, up.rule), (4, ConflictPolicy::Ask));
    // Queued later: asked anew.
    state.enqueue(vec![request(Direction::Download, "d")], &site("a"));
    assert_eq!(start(&mut state, now).rule, ConflictPolicy::Ask);
}

/// "Decide later" promises the question again on resume: an answer "for all" given about
/// another file meanwhile does not decide the file left for later, until it has been asked
/// again. (A walk saw it resumed and decided without a question: skipped, by the answer given
/// about another file.)
#[test]
fn an_answer_for_all_leaves_a_question_left_for_later_open() {
    let overwrite_all = ConflictAnswer {
        choice: ConflictPolicy::Overwrite,
        rename_to: None,
        for_all: true,
    };
    // What happened to a's question before b's answer "for all": (case, paused while asking,
    // resumed and asked again, a's rule when it starts after the answer).
    let cases = [
        ("left for later", true, false, ConflictPolicy::Ask),
        (
            "left for later, then asked again",
            true,
            true,
            ConflictPolicy::Overwrite,
        ),
        ("still open", false, false, ConflictPolicy::Overwrite),
    ];
    for (case, paused, asked_again, rule) in cases {
        let now = Instant::now();
        let mut state = queue(&["a", "b"]);
        let a = start(&mut state, now);
        state.finished(a.id, conflict(a.id), 0);
        if paused {
            state.act(&[a.id], QueueAction::Pause);
            assert_eq!(item_state(&state, a.id), ItemState::Paused, "{case}");
        }
        if asked_again {
            state.act(&[a.id], QueueAction::Resume);
            let again = start(&mut state, now);
            assert_eq!(
                (again.id, again.rule),
                (a.id, ConflictPolicy::Ask),
                "{case}"
            );
            state.finished(a.id, conflict(a.id), 0);
        }
        let b = start(&mut state, now);
        state.finished(b.id, conflict(b.id), 0);
        state.answer(b.id, overwrite_all.clone());
        if item_state(&state, a.id) == ItemState::Paused {
            state.act(&[a.id], QueueAction::Resume);
        }
        let mut started = [start(&mut state, now), start(&mut state, now)];
        started.sort_by_key(|s| s.id);
        assert_eq!(started[0].rule, rule, "{case}: a");
        assert_eq!(started[1].rule, ConflictPolicy::Overwrite, "{case}: b");
    }
}

#[test]
fn a_typed_name_is_for_its_item_only() {
    let now = Instant::now();
    let mut state = queue(&["a", "b"]);
    let a = start(&mut state, now);
    state.finished(a.id, conflict(a.id), 0);
    state.answer(
        a.id,
        ConflictAnswer {
            choice: ConflictPolicy::Rename,
            rename_to: Some("mine.txt".into()),
            for_all: true,
        },
    );
    let a = start(&mut state, now);
    assert_eq!(a.rename_to.as_deref(), Some("mine.txt"));
    let b = start(&mut state, now);
    assert_eq!((b.rule, b.rename_to), (ConflictPolicy::Rename, None));
}

#[test]
fn a_dropped_connection_retries_after_a_pause_then_fails() {
    let t0 = Instant::now();
    let mut state = queue(&["a"]);
    start(&mut state, t0);
    state.writing(
        1,
        Written::Remote {
            path: RemotePath::from_text("/a"),
        },
    );
    state.attempt_failed(1, lost("connection reset"), 4, t0);
    assert_eq!(item_state(&state, 1), ItemState::Queued);
    assert_eq!(
        state.take_next(t0).1,
        Next::WaitUntil(t0 + Duration::from_secs(1))
    );
    let second = start(&mut state, t0 + Duration::from_secs(1));
    assert_eq!((second.attempt, second.number), (Attempt::Again, 2));
    assert!(
        second.written.is_some(),
        "the bytes written are known to be ours"
    );
    state.attempt_failed(1, lost("connection reset"), 0, t0);
    let third = start(&mut state, t0 + Duration::from_secs(10));
    assert_eq!(third.number, 3);
    state.attempt_failed(1, lost("connection reset"), 0, t0);
    assert_eq!(item_state(&state, 1), ItemState::Failed);
    let message = state.get(1).and_then(|r| r.item.message.clone());
    assert_eq!(
        message.as_deref(),
        Some("connection reset (after 3 attempts)")
    );
    assert_eq!(state.get(1).map(|r| r.item.moved), Some(4));
}

#[test]
fn a_retry_waiting_does_not_hold_up_the_next_item() {
    let t0 = Instant::now();
    let mut state = queue(&["a", "b"]);
    start(&mut state, t0);
    state.attempt_failed(1, lost("reset"), 0, t0);
    assert_eq!(start(&mut state, t0).id, 2);
}

#[test]
fn pause_resume_cancel_and_retry() {
    let now = Instant::now();
    let mut state = queue(&["a", "b", "c"]);
    let a = start(&mut state, now);
    // A running item is asked to stop; it is paused when the worker says it stopped.
    let changes = state.act(&[a.id], QueueAction::Pause);
    assert_eq!(changes.stops, vec![(a.id, Stop::Pause)]);
    assert_eq!(item_state(&state, a.id), ItemState::Connecting);
    state.finished(a.id, Finish::Stopped(Stop::Pause), 3);
    assert_eq!(item_state(&state, a.id), ItemState::Paused);
    // Queued items pause at once.
    state.act(&[2], QueueAction::Pause);
    assert_eq!(item_state(&state, 2), ItemState::Paused);
    let c = start(&mut state, now);
    assert_eq!(c.id, 3);
    assert_eq!(state.take_next(now).1, Next::Idle, "paused items wait");
    state.act(&[a.id], QueueAction::Resume);
    let again = start(&mut state, now);
    assert_eq!((again.id, again.attempt), (a.id, Attempt::Again));
    // Cancel: a running one is stopped, then failed; it can be retried.
    assert_eq!(
        state.act(&[c.id], QueueAction::Cancel).stops,
        vec![(c.id, Stop::Cancel)]
    );
    state.finished(c.id, Finish::Stopped(Stop::Cancel), 0);
    assert_eq!(item_state(&state, c.id), ItemState::Failed);
    // Actions that mean nothing for a state change nothing.
    let nothing = state.act(&[c.id], QueueAction::Pause);
    assert!(nothing.events.is_empty() && nothing.stops.is_empty());
    assert_eq!(item_state(&state, c.id), ItemState::Failed);
    state.act(&[c.id], QueueAction::Retry);
    assert_eq!(item_state(&state, c.id), ItemState::Queued);
}

#[test]
fn a_question_left_unanswered_is_paused_and_asked_again() {
    let now = Instant::now();
    let mut state = queue(&["a"]);
    start(&mut state, now);
    state.finished(1, conflict(1), 0);
    state.act(&[1], QueueAction::Pause);
    assert_eq!(item_state(&state, 1), ItemState::Paused);
    state.act(&[1], QueueAction::Resume);
    let again = start(&mut state, now);
    assert_eq!(
        (again.attempt, again.rule),
        (Attempt::First, ConflictPolicy::Ask)
    );
}

#[test]
fn a_retried_skip_asks_again() {
    let now = Instant::now();
    let mut state = queue(&["a"]);
    start(&mut state, now);
    state.finished(1, conflict(1), 0);
    state.answer(1, ConflictAnswer::new(ConflictPolicy::Skip));
    start(&mut state, now);
    state.finished(1, Finish::Skipped("already exists".into()), 0);
    state.act(&[1], QueueAction::Retry);
    let again = start(&mut state, now);
    assert_eq!(
        (again.attempt, again.rule),
        (Attempt::First, ConflictPolicy::Ask)
    );
}

#[test]
fn removing_a_running_item_stops_it_and_its_report_is_ignored() {
    let now = Instant::now();
    let mut state = queue(&["a", "b"]);
    start(&mut state, now);
    let changes = state.act(&[1], QueueAction::Remove);
    assert_eq!(changes.stops, vec![(1, Stop::Cancel)]);
    assert!(matches!(&changes.saves[..], [SaveOp::Remove(ids)] if ids == &vec![1]));
    let late = state.finished(1, Finish::Done("late".into()), 5);
    assert!(late.events.is_empty() && late.saves.is_empty());
    assert_eq!(state.len(), 1);
}

#[test]
fn items_of_a_site_without_a_login_wait_saying_so_and_go_once_it_is_connected() {
    let now = Instant::now();
    let mut state = queue(&["a"]);
    state.enqueue(vec![request(Direction::Download, "gone")], &site("gone"));
    start(&mut state, now);
    let (changes, next) = state.take_next(now);
    assert_eq!(next, Next::Idle);
    assert_eq!(changes.events.len(), 1, "said once");
    assert!(state.take_next(now).0.events.is_empty(), "not said again");
    assert_eq!(item_state(&state, 2), ItemState::Queued);
    let message = state.get(2).and_then(|r| r.item.message.clone());
    assert_eq!(
        message.as_deref(),
        Some("waiting: connect to u@gone:21 to resume this transfer")
    );
    state.set_login(site("gone"));
    assert_eq!(start(&mut state, now).id, 2);
}

#[test]
fn a_folder_expands_after_itself_files_first_and_passes_on_an_answer_for_all() {
    let now = Instant::now();
    let mut state = queue(&[]);
    let mut folder = request(Direction::Download, "dir");
    folder.is_dir = true;
    state.enqueue(vec![folder.clone()], &site("a"));
    state.enqueue(vec![request(Direction::Download, "later")], &site("a"));
    let f = start(&mut state, now);
    state.answer(
        f.id,
        ConflictAnswer {
            choice: ConflictPolicy::Skip,
            rename_to: None,
            for_all: true,
        },
    );
    let mut sub = request(Direction::Download, "dir/sub");
    sub.is_dir = true;
    let changes = state.expanded(
        f.id,
        vec![sub, request(Direction::Download, "dir/x")],
        vec![(
            request(Direction::Download, "dir/bad"),
            "unsafe name".into(),
        )],
    );
    assert!(
        matches!(&changes.saves[0], SaveOp::Insert { after: Some(1), records } if records.len() == 3)
    );
    let order: Vec<(String, ItemState)> = state
        .records()
        .map(|r| (r.item.request.remote.display(), r.item.state))
        .collect();
    assert_eq!(
        order,
        vec![
            ("/dir".into(), ItemState::Done),
            ("/dir/x".into(), ItemState::Queued),
            ("/dir/sub".into(), ItemState::Queued),
            ("/dir/bad".into(), ItemState::Skipped),
            ("/later".into(), ItemState::Queued),
        ]
    );
    let message = state.get(f.id).and_then(|r| r.item.message.clone());
    assert_eq!(
        message.as_deref(),
        Some("1 file and 1 folder queued, 1 skipped")
    );
    let x = start(&mut state, now);
    assert_eq!(
        (x.request.remote.display(), x.rule),
        ("/dir/x".into(), ConflictPolicy::Skip)
    );
}

#[test]
fn restored_items_come_back_paused_or_queued_and_know_their_bytes() {
    let now = Instant::now();
    let mut before = queue(&["done", "running", "failed", "asking"]);
    for _ in 0..4 {
        start(&mut before, now);
    }
    before.finished(1, Finish::Done("ok".into()), 10);
    before.writing(
        2,
        Written::Remote {
            path: RemotePath::from_text("/running"),
        },
    );
    before.finished(3, Finish::Failed("550".into()), 0);
    before.finished(4, conflict(4), 0);
    let saved: Vec<Record> = before.records().cloned().collect();

    for (how, expected) in [
        (Restore::Paused, ItemState::Paused),
        (Restore::Queued, ItemState::Queued),
    ] {
        let mut after = QueueState::new(CONFIG);
        after.set_login(site("a"));
        let changes = after.restore(saved.clone(), how);
        assert!(changes.saves.is_empty());
        let states: Vec<(TransferId, ItemState)> =
            after.records().map(|r| (r.item.id, r.item.state)).collect();
        let mut wanted = vec![(2, expected), (3, ItemState::Failed), (4, expected)];
        if how == Restore::Queued {
            // A job continued knows what it already did.
            wanted.insert(0, (1, ItemState::Done));
        }
        assert_eq!(states, wanted);
        assert!(after.records().all(|r| r.item.moved == 0));
        if how == Restore::Queued {
            let running = start(&mut after, now);
            assert_eq!((running.id, running.attempt), (2, Attempt::Restored));
            assert!(running.written.is_some());
        }
        // New ids follow the restored ones.
        after.enqueue(vec![request(Direction::Download, "new")], &site("a"));
        assert_eq!(after.records().last().map(|r| r.item.id), Some(5));
    }
}

#[test]
fn a_rename_retargets_and_spends_the_answer() {
    let now = Instant::now();
    let mut state = queue(&["a"]);
    start(&mut state, now);
    state.finished(1, conflict(1), 0);
    state.answer(1, ConflictAnswer::new(ConflictPolicy::Rename));
    let s = start(&mut state, now);
    let mut renamed = s.request.clone();
    renamed.local = PathBuf::from("/tmp/a (1)");
    let changes = state.retarget(1, renamed);
    assert!(matches!(&changes.saves[..], [SaveOp::Put(r)] if r.answer.is_none()));
    assert_eq!(
        state.get(1).map(|r| r.item.request.local.clone()),
        Some(PathBuf::from("/tmp/a (1)"))
    );
}

#[test]
fn moves_keep_the_chosen_items_together() {
    let mut state = queue(&["a", "b", "c", "d"]);
    state.act(&[3, 4], QueueAction::MoveUp);
    let ids: Vec<TransferId> = state.records().map(|r| r.item.id).collect();
    assert_eq!(ids, vec![1, 3, 4, 2]);
    state.move_to(&[1], None);
    let ids: Vec<TransferId> = state.records().map(|r| r.item.id).collect();
    assert_eq!(ids, vec![3, 4, 2, 1]);
    state.move_to(&[2, 1], Some(3));
    let ids: Vec<TransferId> = state.records().map(|r| r.item.id).collect();
    assert_eq!(ids, vec![2, 1, 3, 4]);
}

#[test]
fn counts_read_naturally() {
    assert_eq!(counted(1, 0), "1 file");
    assert_eq!(counted(0, 0), "no files");
    assert_eq!(counted(0, 2), "2 folders");
    assert_eq!(counted(3, 1), "3 files and 1 folder");
}

#[test]
fn a_site_that_refuses_connections_is_tried_after_growing_pauses_then_given_up() {
    let t0 = Instant::now();
    let mut state = queue(&["a", "b", "c"]);
    let a = start(&mut state, t0);
    let b = start(&mut state, t0);
    // Two workers fail together: one pause, and the items keep their own retries.
    state.connect_failed(a.id, lost("refused"), ConnectTrouble::Passing, t0);
    state.connect_failed(b.id, lost("refused"), ConnectTrouble::Passing, t0);
    assert_eq!(item_state(&state, a.id), ItemState::Queued);
    assert_eq!(state.get(a.id).map(|r| r.failures), Some(0));
    // Nobody tries the site during its pause, not even the item that never failed.
    assert_eq!(
        state.take_next(t0).1,
        Next::WaitUntil(t0 + Duration::from_secs(1))
    );
    let mut now = t0 + Duration::from_secs(1);
    let s = start(&mut state, now);
    state.connect_failed(s.id, lost("refused"), ConnectTrouble::Passing, now);
    assert_eq!(
        state.take_next(now).1,
        Next::WaitUntil(now + back_off(Duration::from_secs(1), 2))
    );
    now += back_off(Duration::from_secs(1), 2);
    // A login in between starts the pauses small again.
    state.connected(&site("a"));
    let s = start(&mut state, now);
    state.connect_failed(s.id, lost("refused"), ConnectTrouble::Passing, now);
    assert_eq!(
        state.take_next(now).1,
        Next::WaitUntil(now + Duration::from_secs(1))
    );
    // Retries used up (2): every item waiting for the site fails, at once.
    for _ in 0..2 {
        now += Duration::from_secs(30);
        let s = start(&mut state, now);
        state.connect_failed(s.id, lost("refused"), ConnectTrouble::Passing, now);
    }
    for id in [1, 2, 3] {
        assert_eq!(item_state(&state, id), ItemState::Failed);
    }
    let message = state.get(1).and_then(|r| r.item.message.clone());
    assert_eq!(
        message.as_deref(),
        Some("refused (gave up after 3 attempts to connect)")
    );
}

/// Nobody at the address: at once before any login of the run (a wrong address), retried after
/// one (a server restarting).
#[test]
fn an_unreachable_site_fails_at_once_only_if_never_reached() {
    let now = Instant::now();
    let mut state = queue(&["a", "b"]);
    let a = start(&mut state, now);
    state.connect_failed(
        a.id,
        lost("refused the connection"),
        ConnectTrouble::Unreachable,
        now,
    );
    assert_eq!(item_state(&state, 1), ItemState::Failed);
    assert_eq!(item_state(&state, 2), ItemState::Failed);

    let mut state = queue(&["a", "b"]);
    state.connected(&site("a"));
    let a = start(&mut state, now);
    state.connect_failed(
        a.id,
        lost("refused the connection"),
        ConnectTrouble::Unreachable,
        now,
    );
    assert_eq!(item_state(&state, 1), ItemState::Queued);
    assert_eq!(item_state(&state, 2), ItemState::Queued);
}

#[test]
fn a_refused_login_fails_every_item_of_the_site_at_once() {
    let now = Instant::now();
    let mut state = queue(&["a", "b"]);
    state.enqueue(vec![request(Direction::Download, "other")], &site("b"));
    state.set_login(site("b"));
    let a = start(&mut state, now);
    state.connect_failed(
        a.id,
        lost("530 Login incorrect."),
        ConnectTrouble::Refused,
        now,
    );
    assert_eq!(item_state(&state, 1), ItemState::Failed);
    assert_eq!(item_state(&state, 2), ItemState::Failed);
    assert_eq!(
        item_state(&state, 3),
        ItemState::Queued,
        "another site's item goes on"
    );
}

/// Two transfers to the same file, both asked about it: once one has written it, the other's
/// question told of the file as it was (a walk saw "Existing: 29 bytes" over a file of 66), so
/// it is asked again. Questions about other files, and after a transfer that wrote nothing,
/// stay as they are.
#[test]
fn a_question_about_a_file_another_transfer_then_wrote_is_asked_again() {
    let cases: [(&str, Finish, [ItemState; 3]); 3] = [
        (
            "written",
            Finish::Done("10 bytes".into()),
            [ItemState::Queued, ItemState::Asking, ItemState::Asking],
        ),
        (
            "skipped",
            Finish::Skipped("already exists".into()),
            [ItemState::Asking; 3],
        ),
        (
            "failed",
            Finish::Failed("refused".into()),
            [ItemState::Asking; 3],
        ),
    ];
    for (case, first_ends, expected) in cases {
        let now = Instant::now();
        // 2 downloads the same file as 1; 3 another file; 4 uploads a file of the same name.
        let mut state = queue(&["a", "a", "b"]);
        state.enqueue(vec![request(Direction::Upload, "a")], &site("a"));
        let first = start(&mut state, now);
        for _ in 2..=4 {
            let next = start(&mut state, now);
            state.finished(next.id, conflict(next.id), 0);
        }
        state.finished(first.id, first_ends, 10);
        let states = [2, 3, 4].map(|id| item_state(&state, id));
        assert_eq!(states, expected, "{case}");
        if states[0] == ItemState::Queued {
            // Asked again when it comes to it, with no answer taken for granted.
            let again = start(&mut state, now);
            assert_eq!((again.id, again.rule), (2, ConflictPolicy::Ask), "{case}");
        }
    }
}

#[test]
fn same_target_is_the_same_local_file_or_the_same_server_s_file() {
    use Direction::{Download, Upload};
    let cases = [
        ((Download, "a", "s"), (Download, "a", "s"), true),
        ((Download, "a", "s"), (Download, "a", "t"), true),
        ((Download, "a", "s"), (Download, "b", "s"), false),
        ((Download, "a", "s"), (Upload, "a", "s"), false),
        ((Upload, "a", "s"), (Upload, "a", "s"), true),
        ((Upload, "a", "s"), (Upload, "a", "t"), false),
        ((Upload, "a", "s"), (Upload, "b", "s"), false),
    ];
    for ((dir, name, host), (other_dir, other_name, other_host), same) in cases {
        assert_eq!(
            same_target(
                &site(host),
                &request(dir, name),
                &site(other_host),
                &request(other_dir, other_name)
            ),
            same,
            "{dir:?} {name} on {host} / {other_dir:?} {other_name} on {other_host}"
        );
    }
}
