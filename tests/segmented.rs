//! Segmented downloads against the embedded server (libunftp) and the faulty server: one file
//! over several connections, each range from its own offset, byte for byte; a pause, a cut data
//! connection and a server that ignores REST.

mod support;

use std::path::Path;

use ferry::engine::{Command, ConflictPolicy, Event, ItemState, QueueAction, QueueEvent};
use ferry::store::settings::TransferSettings;
use sha2::Digest;
use support::faulty::{FailAt, FailHow, FailPoint, Faults, FaultyServer};
use support::queue::{Queue, download};
use support::{PASSWORD, TestServer};

const MIB: usize = 1024 * 1024;

fn sha256(bytes: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(bytes).to_vec()
}

/// Files of 1 MiB and more are split over `connections` from their first byte (as `ferry get
/// --segments N` asks).
fn split_over(connections: usize) -> TransferSettings {
    TransferSettings {
        segments_from_start: true,
        ..split_as_it_goes(connections)
    }
}

/// The setting as it is by default: up to `connections`, joining only a slow download.
fn split_as_it_goes(connections: usize) -> TransferSettings {
    TransferSettings {
        segments: connections,
        segment_threshold_mib: 1,
        ..Queue::settings(ConflictPolicy::Ask)
    }
}

/// One file of `size` bytes on the embedded server, downloaded with `settings`. Checks what
/// every download must hold (done, byte-exact, exactly the file's size across the network, no
/// `.ferrypart` or map left) and returns the queue's log for the test's own checks.
fn download_one_big_file(size: usize, seed: u64, settings: TransferSettings) -> String {
    let server = TestServer::start();
    download_big_file(&server, server.request(PASSWORD), size, seed, settings)
}

/// The same from `server`, connected with `request`.
fn download_big_file(
    server: &TestServer,
    request: ferry::engine::ConnectRequest,
    size: usize,
    seed: u64,
    settings: TransferSettings,
) -> String {
    let bytes = ferry::demo::pseudo_random_bytes(size, seed);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    let mut queue = Queue::connect(request, settings);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.run(vec![download("/big.bin", &target)]);
    let log = queue.log_text();
    let item = queue.only();
    assert_eq!(item.state, ItemState::Done, "{log}");
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
    // No range read past its end: exactly the file crossed the network.
    assert_eq!(item.moved, size as u64, "{log}");
    // Nothing but the file is left: no .ferrypart, no map.
    assert_eq!(names_in(dir.path()), ["big.bin"]);
    log
}

/// REST commands sent (not FEAT's ` REST STREAM` line).
fn rest_commands(log: &str) -> usize {
    log.lines()
        .filter(|line| line.contains(" > ") && line.contains("REST "))
        .count()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The saved map beside a `.ferrypart`: each range's (start, end, done).
fn saved_ranges(part: &Path) -> Vec<(u64, u64, u64)> {
    let mut map_path = part.as_os_str().to_owned();
    map_path.push(".segments");
    let text = std::fs::read(&map_path).expect("the map beside the .ferrypart");
    let map: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
    let mut ranges: Vec<(u64, u64, u64)> = map["ranges"]
        .as_array()
        .expect("ranges")
        .iter()
        .map(|r| {
            let field = |name: &str| r[name].as_u64().expect("a number");
            (field("start"), field("end"), field("done"))
        })
        .collect();
    ranges.sort();
    ranges
}

/// By default a download is not split while one connection would bring it in soon: a file that
/// comes at loopback speed takes one connection, one RETR, no REST.
#[test]
fn a_fast_download_is_left_to_one_connection() {
    let log = download_one_big_file(24 * MIB + 5, 12, split_as_it_goes(4));
    assert_eq!(log.matches("RETR /big.bin").count(), 1, "{log}");
    // Said as it is: one connection, more only if it is slow.
    assert!(
        log.contains("on one connection, and on up to 4 if"),
        "{log}"
    );
    assert_eq!(rest_commands(&log), 0, "{log}");
}

/// Over TLS a download's buffers are written by a blocking thread while the next is decrypted
/// (in the clear, where they were received): split over four connections or on one, the file
/// is byte-exact and every connection is encrypted.
#[test]
fn a_download_over_tls_is_written_byte_for_byte_split_or_not() {
    let server = TestServer::start_tls();
    let mut request = server.request(PASSWORD);
    request.tls = ferry::engine::TlsOptions {
        mode: ferry::engine::TlsMode::Explicit,
        trusted: vec![server.fingerprint()],
        ..Default::default()
    };
    for (connections, seed) in [(4, 21), (1, 22)] {
        let log = download_big_file(
            &server,
            request.clone(),
            16 * MIB + 11,
            seed,
            split_over(connections),
        );
        let retrs = log.matches("RETR /big.bin").count();
        assert_eq!(retrs >= 2, connections > 1, "{connections}: {log}");
        assert!(log.contains("PROT P"), "{log}");
    }
}

/// A download that would take long at its rate so far, because the server sends slowly on its
/// connection, is joined by more connections, each taking the second half of the largest range
/// left; the file is byte-exact and crossed the network once. (The faulty server sends a RETR
/// from the first byte at 2 MiB/s, the joined connections' RETRs from their offsets at full
/// speed, as a server that limits each connection would do to each.)
#[test]
fn a_download_the_server_sends_slowly_is_joined_by_more_connections() {
    // Big enough that what is left after a quarter of a second can still be cut in two ranges
    // of `MIN_RANGE`; slow enough that it would take seconds more.
    let faults = Faults {
        slow_from_first_byte: Some(2 * MIB),
        ..Faults::default()
    };
    let (log, dir) = split_download_through_faults(10 * MIB + 3, 13, faults, split_as_it_goes(4));
    assert!(
        log.matches("RETR /big.bin").count() >= 2,
        "another connection joined: {log}"
    );
    assert!(
        rest_commands(&log) >= 1,
        "the join took a range of its own: {log}"
    );
    assert_eq!(names_in(dir.path()), ["big.bin"]);
}

/// A download as slow, but held back on this side (here the speed limit, which holds for all
/// connections together; a slow disk is the same): the connection seldom waits for the server,
/// so another one would only share the limit, and none joins. One RETR, byte-exact.
#[test]
fn a_download_held_back_on_this_side_is_left_to_one_connection() {
    // At 4 MiB/s, 10 MiB: over two seconds left after the first quarter, as above.
    let limited = TransferSettings {
        download_limit_kib: 4096,
        ..split_as_it_goes(4)
    };
    let log = download_one_big_file(10 * MIB + 3, 13, limited);
    assert_eq!(log.matches("RETR /big.bin").count(), 1, "{log}");
    assert_eq!(rest_commands(&log), 0, "{log}");
}

/// Near the end of a split download, a connection that has finished its range takes half of
/// what the slowest one has left, again and again, instead of waiting while that one fetches it
/// alone. Here the first range's data comes at 256 KiB/s, the others' at loopback speed: its
/// quarter of the file (4 MiB, sixteen seconds alone) is cut into halves that the fast
/// connections fetch. Byte-exact, and no byte crosses the network twice.
#[test]
fn the_slowest_range_is_split_among_the_connections_that_are_done() {
    const SIZE: usize = 16 * MIB;
    let faults = Faults {
        slow_from_first_byte: Some(256 * 1024),
        ..Faults::default()
    };
    let (log, dir) = split_download_through_faults(SIZE, 21, faults, split_over(4));
    // The first quarter, the slow connection's, was cut: a REST into it.
    let quarter = (SIZE / 4) as u64;
    let rests_into_the_slow_range: Vec<u64> = log
        .lines()
        .filter(|line| line.contains(" > "))
        .filter_map(|line| line.split("REST ").nth(1))
        .filter_map(|offset| offset.trim().parse::<u64>().ok())
        .filter(|offset| *offset > 0 && *offset < quarter)
        .collect();
    assert!(
        !rests_into_the_slow_range.is_empty(),
        "the slow range was never split: {log}"
    );
    assert_eq!(names_in(dir.path()), ["big.bin"]);
}

#[test]
fn a_large_file_comes_over_four_connections_byte_for_byte() {
    let size = 24 * MIB + 5;
    let log = download_one_big_file(size, 11, split_over(4));
    assert!(log.contains("over 4 connections"), "{log}");
    // Each range began at its own offset, on its own connection.
    let step = size / 4;
    for k in 1..4 {
        assert!(
            log.contains(&format!("REST {}", k * step)),
            "range {k}: {log}"
        );
    }
    assert!(
        log.matches("RETR /big.bin").count() >= 4,
        "four data connections at least: {log}"
    );
}

#[test]
fn segments_off_for_one_item_downloads_it_on_one_connection() {
    let server = TestServer::start();
    let size = 13 * MIB;
    let bytes = ferry::demo::pseudo_random_bytes(size, 12);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    std::fs::write(server.path().join("first.bin"), vec![7u8; 2 * MIB]).unwrap();
    // One transfer at a time, and a slow first file: the choice about the second lands while
    // it waits.
    let one_at_a_time = TransferSettings {
        parallel: 1,
        ..split_over(4)
    };
    let slow = TransferSettings {
        download_limit_kib: 1024,
        ..one_at_a_time.clone()
    };
    let mut queue = Queue::connect(server.request(PASSWORD), slow);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.engine.send(Command::Enqueue(vec![
        download("/first.bin", &dir.path().join("first.bin")),
        download("/big.bin", &target),
    ]));
    let mut id = None;
    queue.wait("the items", |_, event| match event {
        Event::Queue(QueueEvent::Added { items, .. }) => {
            id = items.get(1).map(|i| i.id);
            true
        }
        _ => false,
    });
    let id = id.expect("the second item");
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: QueueAction::Segmented(false),
    });
    queue
        .engine
        .send(Command::SetTransferSettings(one_at_a_time));
    queue.settle();
    let log = queue.log_text();
    let item = &queue.items[&id];
    assert_eq!(item.state, ItemState::Done, "{log}");
    assert_eq!(item.segmented, Some(false));
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
    assert!(!log.contains("connections ("), "{log}");
    assert_eq!(log.matches("RETR /big.bin").count(), 1, "{log}");
}

#[test]
fn a_paused_segmented_download_resumes_each_range_from_its_own_offset() {
    let server = TestServer::start();
    let size = 16 * MIB + 7;
    let bytes = ferry::demo::pseudo_random_bytes(size, 13);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    let slow = TransferSettings {
        // About four seconds for the whole file: the pause lands in the middle.
        download_limit_kib: 4096,
        ..split_over(4)
    };
    let mut queue = Queue::connect(server.request(PASSWORD), slow);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue
        .engine
        .send(Command::Enqueue(vec![download("/big.bin", &target)]));
    let mut id = 0;
    queue.wait("a quarter of the file", |_, event| match event {
        Event::Queue(QueueEvent::Progress {
            id: i, transferred, ..
        }) if *transferred > (size / 4) as u64 => {
            id = *i;
            true
        }
        _ => false,
    });
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: QueueAction::Pause,
    });
    queue.settle();
    assert_eq!(
        queue.only().state,
        ItemState::Paused,
        "{}",
        queue.log_text()
    );
    let part = dir.path().join("big.bin.ferrypart");
    let ranges = saved_ranges(&part);
    let started: Vec<_> = ranges
        .iter()
        .filter(|(start, end, done)| *done > 0 && start + done < *end)
        .copied()
        .collect();
    assert!(started.len() >= 2, "ranges under way: {ranges:?}");
    // The queue keeps the same picture (it is saved with the item).
    let shown: Vec<(u64, u64, u64)> = queue
        .only()
        .segments
        .iter()
        .map(|s| (s.start, s.end, s.done))
        .collect();
    assert_eq!(shown, ranges);

    queue
        .engine
        .send(Command::SetTransferSettings(split_over(4)));
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: QueueAction::Resume,
    });
    queue.settle();
    let log = queue.log_text();
    assert_eq!(queue.only().state, ItemState::Done, "{log}");
    for (start, _, done) in &started {
        assert!(
            log.contains(&format!("REST {}", start + done)),
            "range at {start} goes on from {}: {log}",
            start + done
        );
    }
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
    assert_eq!(names_in(dir.path()), ["big.bin"]);
}

fn faulty_queue(server: &FaultyServer, settings: TransferSettings) -> Queue {
    Queue::connect(server.request(), settings)
}

/// A session on the faulty server whose replies and data may be silent for `idle` at most.
fn faulty_queue_waiting(
    server: &FaultyServer,
    settings: TransferSettings,
    idle: std::time::Duration,
) -> Queue {
    let mut request = server.request();
    request.timeouts.command = idle;
    Queue::connect(request, settings)
}

#[test]
fn a_cut_range_is_continued_from_its_offset_and_nothing_is_fetched_twice() {
    let size = 13 * MIB + 3;
    let faults = Faults {
        cut_data_once: Some(1_000_000),
        ..Faults::default()
    };
    let (log, _dir) = split_download_through_faults(size, 14, faults, split_over(3));
    // Whichever range was cut went on from where its bytes ended.
    let step = size / 3;
    assert!(
        (0..3).any(|k| log.contains(&format!("REST {}", k * step + 1_000_000))),
        "{log}"
    );
}

/// `size` random bytes on the faulty server with `faults`, downloaded with `settings` (split
/// from the start, or as it goes): done, byte for byte, and no byte fetched twice. The log and
/// the folder the file went into, for the test's own checks.
fn split_download_through_faults(
    size: usize,
    seed: u64,
    faults: Faults,
    settings: TransferSettings,
) -> (String, tempfile::TempDir) {
    let server = FaultyServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(size, seed);
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(faults);
    let mut queue = faulty_queue(&server, settings);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.run(vec![download("/big.bin", &target)]);
    let log = queue.log_text();
    let item = queue.only();
    assert_eq!(item.state, ItemState::Done, "{log}");
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
    assert_eq!(item.moved, size as u64, "{log}");
    (log, dir)
}

/// A download that came fast and then slows to a crawl is read as the bytes come: the reader,
/// woken only once some milliseconds' worth wait while the pace was high, goes back to waking
/// for every byte, so the crawl (16 KiB every quarter second, for two seconds) never looks like
/// a silent server to the one-second idle timeout. One connection (the setting off), one RETR:
/// no timeout and no second attempt.
#[test]
fn a_download_whose_pace_falls_is_read_as_its_bytes_come() {
    let fast = 24 * MIB;
    let size = fast + 128 * 1024;
    let server = FaultyServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(size, 23);
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(Faults {
        slow_down_once: Some((fast, 64 * 1024)),
        ..Faults::default()
    });
    let mut queue = faulty_queue_waiting(
        &server,
        split_as_it_goes(1),
        std::time::Duration::from_secs(1),
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.run(vec![download("/big.bin", &target)]);
    let log = queue.log_text();
    let item = queue.only();
    assert_eq!(item.state, ItemState::Done, "{log}");
    assert_eq!(log.matches("RETR /big.bin").count(), 1, "{log}");
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
}

#[test]
fn a_server_that_ignores_rest_fails_the_split_download_and_keeps_nothing_wrong() {
    let server = FaultyServer::start();
    // Three ranges of at least 4 MiB (`MIN_RANGE`).
    let size = 13 * MIB;
    let bytes = ferry::demo::pseudo_random_bytes(size, 15);
    server.add_file("/big.bin", bytes);
    server.set_faults(Faults {
        ignore_rest: true,
        ..Faults::default()
    });
    let mut queue = faulty_queue(&server, split_over(3));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.run(vec![download("/big.bin", &target)]);
    let log = queue.log_text();
    let item = queue.only();
    assert_eq!(item.state, ItemState::Failed, "{log}");
    assert!(
        item.message
            .as_deref()
            .unwrap_or("")
            .contains("ignores REST"),
        "{:?}",
        item.message
    );
    // Wrong bytes never take the target's name, nor stay as a .ferrypart to continue.
    assert!(
        names_in(dir.path()).is_empty(),
        "{:?}",
        names_in(dir.path())
    );
}

/// A split download from the faulty server with a short command timeout, where the third
/// control connection (after the browsing one and the transfer's own: the first that joins)
/// stops answering at `verb`.
fn download_with_a_silent_connection(verb: &'static str, seed: u64) -> (Queue, FaultyServer) {
    let server = FaultyServer::start();
    let size = 13 * MIB + 5;
    let bytes = ferry::demo::pseudo_random_bytes(size, seed);
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(Faults {
        fail_at: vec![FailAt {
            connection: 2,
            at: FailPoint::Verb(verb),
            how: FailHow::Silence,
        }],
        // Otherwise the first connections could fetch every byte before the silent one
        // takes a range.
        hold_data_until_fired: true,
        ..Faults::default()
    });
    let mut queue = faulty_queue_waiting(&server, split_over(3), std::time::Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    queue.run(vec![download("/big.bin", &target)]);
    let log = queue.log_text();
    let item = queue.only();
    assert_eq!(
        server.fired(),
        1,
        "the connection never went silent:\n{log}"
    );
    assert_eq!(item.state, ItemState::Done, "{log}");
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&bytes));
    assert_eq!(names_in(dir.path()), ["big.bin"]);
    // One attempt: the item never failed on the way (a failed attempt starts it again).
    assert_eq!(log.matches("Starting /big.bin").count(), 1, "{log}");
    (queue, server)
}

#[test]
fn a_connection_that_never_finishes_logging_in_holds_no_range_and_is_not_waited_for() {
    let (queue, _server) = download_with_a_silent_connection("PASS", 16);
    let log = queue.log_text();
    // The others fetched every byte while it waited, and it was dropped before its time ran
    // out: no "could not log in", and nothing fetched twice.
    assert!(!log.contains("could not log in"), "{log}");
    assert_eq!(queue.only().moved, (13 * MIB + 5) as u64, "{log}");
}

#[test]
fn a_range_given_up_by_a_connection_that_stopped_answering_is_fetched_by_the_first() {
    let (queue, _server) = download_with_a_silent_connection("RETR", 17);
    let log = queue.log_text();
    assert!(log.contains("its range is left to the others"), "{log}");
}

/// What a Resume of the person's own copy of a 16 MiB file (ranges are at least 4 MiB: it
/// makes four) left: the queue, the folder, the server's bytes and the copy as it was.
struct ResumedCopy {
    queue: Queue,
    dir: tempfile::TempDir,
    bytes: Vec<u8>,
    copy: Vec<u8>,
}

/// Downloads a 16 MiB file split over four connections, answering Resume, onto a copy of its
/// first 8 MiB changed by `change`.
fn resume_onto_copy(seed: u64, change: impl FnOnce(&mut Vec<u8>)) -> ResumedCopy {
    let server = TestServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(16 * MIB, seed);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    let mut copy = bytes[..8 * MIB].to_vec();
    change(&mut copy);
    std::fs::write(&target, &copy).unwrap();
    let settings = TransferSettings {
        conflict_policy: ConflictPolicy::Resume,
        ..split_over(4)
    };
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    queue.run(vec![download("/big.bin", &target)]);
    ResumedCopy {
        queue,
        dir,
        bytes,
        copy,
    }
}

/// "Resume" on the person's own copy of a file large enough to be split: its last bytes are
/// compared with the server's there first, as for any file, and a copy that differs is left as
/// it was and the item fails. (A walk's 400 MiB copy of a 1 GiB file, with 9 bytes changed near
/// its end, was continued in ranges from its last byte and called done.)
#[test]
fn a_large_copy_that_differs_near_its_end_is_not_resumed() {
    let resumed = resume_onto_copy(31, |copy| copy[8 * MIB - 100] ^= 0xff);
    let log = resumed.queue.log_text();
    let item = resumed.queue.only();
    assert_eq!(item.state, ItemState::Failed, "{log}");
    let message = item.message.clone().unwrap_or_default();
    assert!(message.contains("not resumed"), "{message}\n{log}");
    let target = resumed.dir.path().join("big.bin");
    assert!(
        std::fs::read(&target).unwrap() == resumed.copy,
        "the file changed"
    );
    assert_eq!(names_in(resumed.dir.path()), ["big.bin"]);
}

/// The same with the copy intact: continued from its end, byte for byte.
#[test]
fn a_large_copy_that_is_the_start_of_the_file_is_resumed() {
    let resumed = resume_onto_copy(32, |_| {});
    let log = resumed.queue.log_text();
    assert_eq!(resumed.queue.only().state, ItemState::Done, "{log}");
    let target = resumed.dir.path().join("big.bin");
    assert!(
        std::fs::read(&target).unwrap() == resumed.bytes,
        "the bytes differ"
    );
    assert_eq!(names_in(resumed.dir.path()), ["big.bin"]);
}
