//! The transfer queue against the embedded server (libunftp) and our faulty server: downloads
//! and uploads, folders both ways, conflicts, resume after drops, lying servers, hostile names.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferry::engine::{
    Command, ConflictPolicy, ConnectRequest, Direction, Engine, EngineOptions, Event, ItemState,
    QueueEvent, QueueItem, TransferRequest, TransferType,
};
use ferry::store::settings::TransferSettings;
use sha2::Digest;
use support::faulty::{Faults, FaultyServer};
use support::queue::{Queue, download, folder, upload};
use support::{PASSWORD, PATIENCE, TestServer};

fn sha256(bytes: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(bytes).to_vec()
}

fn embedded() -> (TestServer, Queue, tempfile::TempDir) {
    let server = TestServer::start();
    let queue = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Ask),
    );
    (server, queue, tempfile::tempdir().unwrap())
}

#[test]
fn downloads_a_file_byte_for_byte_and_leaves_no_part() {
    let (server, mut queue, dir) = embedded();
    let target = dir.path().join("installer.bin");
    queue.run(vec![download(
        "/Software/ferry-demo-installer.bin",
        &target,
    )]);
    let item = queue.only();
    assert_eq!(
        item.state,
        ItemState::Done,
        "{item:#?}\n{}",
        queue.log_text()
    );
    let original = std::fs::read(server.path().join("Software/ferry-demo-installer.bin")).unwrap();
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&original));
    assert!(!dir.path().join("installer.bin.ferrypart").exists());
    assert!(queue.log_text().contains("> TYPE I"), "binary by default");
}

#[test]
fn uploads_a_file_byte_for_byte() {
    let (server, mut queue, dir) = embedded();
    let local = dir.path().join("up.bin");
    let bytes = ferry::demo::pseudo_random_bytes(3 * 1024 * 1024 + 17, 42);
    std::fs::write(&local, &bytes).unwrap();
    queue.run(vec![upload(&local, "/Documents/up.bin")]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    assert_eq!(
        std::fs::read(server.path().join("Documents/up.bin")).unwrap(),
        bytes
    );
}

#[test]
fn folders_go_both_ways_recursively() {
    let (server, mut queue, dir) = embedded();
    let local = dir.path().join("Documents");
    queue.run(vec![folder(download("/Documents", &local))]);
    assert!(
        queue.items.values().all(|i| i.state == ItemState::Done),
        "{:#?}\n{}",
        queue.items,
        queue.log_text()
    );
    for file in [
        "readme.txt",
        "notes.md",
        "Reports/annual report 2025.pdf",
        "Reports/2025/summary.csv",
    ] {
        assert_eq!(
            std::fs::read(local.join(file)).unwrap(),
            std::fs::read(server.path().join("Documents").join(file)).unwrap(),
            "{file}"
        );
    }

    // And back up under another name (binary: libunftp stores ASCII uploads in wire form).
    queue.items.clear();
    let mut copy = folder(upload(&local, "/Copy of Documents"));
    copy.transfer_type = TransferType::Binary;
    queue.run(vec![copy]);
    assert!(
        queue.items.values().all(|i| i.state == ItemState::Done),
        "{:#?}",
        queue.items
    );
    assert_eq!(
        std::fs::read(
            server
                .path()
                .join("Copy of Documents/Reports/2025/summary.csv")
        )
        .unwrap(),
        std::fs::read(server.path().join("Documents/Reports/2025/summary.csv")).unwrap()
    );
}

/// A folder uploaded while a download into it is unfinished: the person's files go up, Ferry's
/// partial download (`.ferrypart`, a segmented one's map) stays behind, each shown as skipped
/// with why, and nothing on either side is changed for it (a recursive upload sent them).
#[test]
fn a_folder_upload_leaves_out_ferrys_partial_downloads() {
    let (server, mut queue, dir) = embedded();
    let local = dir.path().join("Photos");
    std::fs::create_dir_all(local.join("2025")).unwrap();
    let files: [(&str, &[u8]); 5] = [
        ("beach.jpg", b"the person's photo"),
        ("2025/hill.jpg", b"another photo"),
        ("video.mp4.ferrypart", b"the first half of a download"),
        ("video.mp4.ferrypart.segments", b"{\"ranges\":[]}"),
        ("2025/raw.tar.ferrypart", b"a stopped download"),
    ];
    for (name, bytes) in files {
        std::fs::write(local.join(name), bytes).unwrap();
    }
    let mut request = folder(upload(&local, "/Photos"));
    request.transfer_type = TransferType::Binary;
    queue.run(vec![request]);

    let uploaded = server.path().join("Photos");
    for (name, bytes) in &files[..2] {
        assert_eq!(
            std::fs::read(uploaded.join(name)).ok().as_deref(),
            Some(*bytes),
            "{name} uploaded\n{}",
            queue.log_text()
        );
    }
    for (name, bytes) in &files[2..] {
        assert!(!uploaded.join(name).exists(), "{name} sent to the server");
        assert_eq!(&std::fs::read(local.join(name)).unwrap(), bytes, "{name}");
    }
    let skipped: Vec<&QueueItem> = queue
        .items
        .values()
        .filter(|i| i.state == ItemState::Skipped)
        .collect();
    assert_eq!(skipped.len(), 3, "{:#?}", queue.items);
    for item in skipped {
        let message = item.message.as_deref().unwrap_or_default();
        assert!(message.contains("partial download"), "{message}");
        assert!(
            item.request.local.starts_with(&local)
                && is_partial_name(&item.request.local)
                && item.request.remote.display().ends_with(
                    &item
                        .request
                        .local
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                ),
            "the skipped item names the file on both sides: {item:#?}"
        );
    }
    assert!(
        queue
            .items
            .values()
            .filter(|i| i.state != ItemState::Skipped)
            .all(|i| i.state == ItemState::Done),
        "{:#?}",
        queue.items
    );
}

/// A partial download chosen by itself (selected among the folder's files) is not sent either.
#[test]
fn a_partial_download_chosen_by_itself_is_not_uploaded() {
    let (server, mut queue, dir) = embedded();
    let part = dir.path().join("video.mp4.ferrypart");
    std::fs::write(&part, vec![0u8; 4096]).unwrap();
    queue.run(vec![upload(&part, "/video.mp4.ferrypart")]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Skipped, "{item:#?}");
    assert!(
        item.message
            .as_deref()
            .unwrap_or_default()
            .contains("partial download"),
        "{item:#?}"
    );
    assert!(!server.path().join("video.mp4.ferrypart").exists());
    assert_eq!(std::fs::read(&part).unwrap(), vec![0u8; 4096]);
}

fn is_partial_name(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.ends_with(".ferrypart") || name.ends_with(".ferrypart.segments")
}

#[test]
fn an_existing_target_asks_and_the_answer_is_applied() {
    let (server, mut queue, dir) = embedded();
    let target = dir.path().join("welcome.txt");
    std::fs::write(&target, b"mine, not the server's").unwrap();
    queue.run(vec![download("/welcome.txt", &target)]);
    queue.wait("the question", |q, _| !q.asked.is_empty());
    let id = queue.only().id;
    assert_eq!(queue.only().state, ItemState::Asking);
    assert_eq!(queue.asked, vec![id]);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"mine, not the server's",
        "nothing overwritten yet"
    );

    queue.answer(id, ConflictPolicy::Overwrite);
    queue.settle();
    assert_eq!(queue.only().state, ItemState::Done);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
}

/// The same file queued twice, both asked about the file in the way: once the first answer has
/// written it, the second question is asked again and tells of the file as it is now (a walk
/// saw "Existing: 22 bytes" over the new file), both ways. The second answer, Skip, leaves it.
#[test]
fn a_second_question_about_the_same_file_tells_of_it_as_the_first_answer_left_it() {
    const MINE: &[u8] = b"mine, not the server's";
    for upload_it in [false, true] {
        let (server, mut queue, dir) = embedded();
        let local = dir.path().join("welcome.txt");
        let remote = server.path().join("welcome.txt");
        let theirs = std::fs::read(&remote).unwrap();
        let (source, target) = if upload_it {
            (&local, &remote)
        } else {
            (&remote, &local)
        };
        let new = if upload_it { MINE } else { &theirs[..] };
        let old: &[u8] = if upload_it { &theirs } else { MINE };
        std::fs::write(source, new).unwrap();
        std::fs::write(target, old).unwrap();
        let request = if upload_it {
            upload(&local, "/welcome.txt")
        } else {
            download("/welcome.txt", &local)
        };
        queue.run(vec![request.clone(), request]);
        queue.wait("both questions", |q, _| q.asked.len() == 2);
        let what = if upload_it { "upload" } else { "download" };
        let old_size = Some(old.len() as u64);
        assert!(
            queue.conflicts.iter().all(|c| c.target.size == old_size),
            "{what}: {:?}",
            queue.conflicts
        );
        let (first, second) = (queue.asked[0], queue.asked[1]);

        queue.answer(first, ConflictPolicy::Overwrite);
        queue.wait("the second question, again", |q, _| q.asked.len() == 3);
        assert_eq!(queue.asked[2], second, "{what}");
        assert_eq!(
            queue.conflicts[2].target.size,
            Some(new.len() as u64),
            "{what}: the file as the first answer left it"
        );
        assert_eq!(std::fs::read(target).unwrap(), new, "{what}");

        queue.answer(second, ConflictPolicy::Skip);
        queue.settle();
        assert_eq!(queue.items[&first].state, ItemState::Done, "{what}");
        assert_eq!(queue.items[&second].state, ItemState::Skipped, "{what}");
        assert_eq!(std::fs::read(target).unwrap(), new, "{what}");
        assert_eq!(std::fs::read(source).unwrap(), new, "{what}: the source");
    }
}

#[test]
fn refuse_skip_and_rename_policies() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("welcome.txt");
    std::fs::write(&target, b"keep me").unwrap();

    let mut refuse = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Refuse),
    );
    refuse.run(vec![download("/welcome.txt", &target)]);
    assert_eq!(refuse.only().state, ItemState::Failed);
    assert!(
        refuse
            .only()
            .message
            .as_deref()
            .unwrap_or("")
            .contains("already exists")
    );

    let mut skip = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Skip),
    );
    skip.run(vec![download("/welcome.txt", &target)]);
    assert_eq!(skip.only().state, ItemState::Skipped);

    let mut rename = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Rename),
    );
    rename.run(vec![download("/welcome.txt", &target)]);
    assert_eq!(rename.only().state, ItemState::Done);
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    assert!(dir.path().join("welcome (1).txt").is_file());
}

/// libunftp answers `TYPE A` with `200 Always in binary mode`: it stores what it receives, so a
/// text file must go unchanged (converted, it would arrive with CRLF and a wrong size).
#[test]
fn a_server_that_only_does_binary_gets_text_files_unchanged() {
    let (server, mut queue, dir) = embedded();
    let local = dir.path().join("unix.txt");
    std::fs::write(&local, b"one\ntwo\nthree\n").unwrap();
    queue.run(vec![upload(&local, "/unix.txt")]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    let log = queue.log_text();
    assert!(
        log.contains("] TYPE A"),
        ".txt goes as text by default\n{log}"
    );
    assert!(
        log.contains("binary only"),
        "and the log says why it goes unchanged\n{log}"
    );
    assert_eq!(
        std::fs::read(server.path().join("unix.txt")).unwrap(),
        b"one\ntwo\nthree\n"
    );
    // Downloads too, and the size check agrees.
    let back = dir.path().join("back.txt");
    queue.items.clear();
    queue.run(vec![download("/unix.txt", &back)]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    assert_eq!(std::fs::read(&back).unwrap(), b"one\ntwo\nthree\n");
}

#[test]
fn pause_and_resume_continue_where_it_stopped() {
    let server = TestServer::start();
    let settings = TransferSettings {
        // Slow enough that the pause lands in the middle.
        download_limit_kib: 256,
        ..Queue::settings(ConflictPolicy::Ask)
    };
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("installer.bin");
    queue.engine.send(Command::Enqueue(vec![download(
        "/Software/ferry-demo-installer.bin",
        &target,
    )]));
    let mut id = 0;
    queue.wait("some progress", |_, event| match event {
        Event::Queue(QueueEvent::Progress {
            id: i, transferred, ..
        }) if *transferred > 0 => {
            id = *i;
            true
        }
        _ => false,
    });
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: ferry::engine::QueueAction::Pause,
    });
    queue.settle();
    assert_eq!(queue.only().state, ItemState::Paused);
    assert!(
        queue.log_text().contains("Paused "),
        "the pause is in the log: {}",
        queue.log_text()
    );
    let part = dir.path().join("installer.bin.ferrypart");
    let partial = std::fs::metadata(&part).unwrap().len();
    assert!(partial > 0 && partial < 2 * 1024 * 1024, "{partial}");

    queue
        .engine
        .send(Command::SetTransferSettings(Queue::settings(
            ConflictPolicy::Ask,
        )));
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: ferry::engine::QueueAction::Resume,
    });
    queue.settle();
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    if let Some(rest) = support::rest_for(partial) {
        assert!(queue.log_text().contains(&rest), "{}", queue.log_text());
    }
    let original = std::fs::read(server.path().join("Software/ferry-demo-installer.bin")).unwrap();
    assert_eq!(sha256(&std::fs::read(&target).unwrap()), sha256(&original));
}

fn faulty_queue(server: &FaultyServer) -> Queue {
    let request = server.request();
    Queue::connect(request, Queue::settings(ConflictPolicy::Ask))
}

fn big_file() -> Vec<u8> {
    ferry::demo::pseudo_random_bytes(5 * 1024 * 1024 + 3, 7)
}

#[test]
fn a_cut_data_connection_resumes_and_the_bytes_are_identical() {
    let server = FaultyServer::start();
    let bytes = big_file();
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(Faults {
        cut_data_once: Some(1_500_000),
        ..Faults::default()
    });
    let mut queue = faulty_queue(&server);
    let dir = tempfile::tempdir().unwrap();
    queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    assert!(
        queue
            .log_text()
            .contains(&format!("REST {}", support::continued_from(1_500_000))),
        "{}",
        queue.log_text()
    );
    assert_eq!(
        sha256(&std::fs::read(dir.path().join("big.bin")).unwrap()),
        sha256(&bytes)
    );
}

#[test]
fn a_dropped_control_connection_or_421_reconnects_and_goes_on() {
    for faults in [
        Faults {
            drop_control_once: Some(700_000),
            ..Faults::default()
        },
        Faults {
            reply_421_once: true,
            ..Faults::default()
        },
    ] {
        let server = FaultyServer::start();
        let bytes = big_file();
        server.add_file("/big.bin", bytes.clone());
        server.set_faults(faults.clone());
        let mut queue = faulty_queue(&server);
        let dir = tempfile::tempdir().unwrap();
        queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
        assert_eq!(
            queue.only().state,
            ItemState::Done,
            "{faults:?}\n{}",
            queue.log_text()
        );
        assert!(
            server.count("USER") >= 3,
            "the queue logged in again ({faults:?})"
        );
        assert_eq!(
            sha256(&std::fs::read(dir.path().join("big.bin")).unwrap()),
            sha256(&bytes)
        );
    }
}

#[test]
fn a_server_that_ignores_rest_is_restarted_from_zero() {
    let server = FaultyServer::start();
    let bytes = big_file();
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(Faults {
        ignore_rest: true,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    // A partial download from an earlier run.
    std::fs::write(dir.path().join("big.bin.ferrypart"), &bytes[..1_000_000]).unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    // The bytes that came after REST are the file's first ones: they don't match the end of
    // the partial file, so it starts over (had they matched, the size would have told).
    assert!(
        queue.log_text().contains("downloading from the start"),
        "{}",
        queue.log_text()
    );
    assert_eq!(
        sha256(&std::fs::read(dir.path().join("big.bin")).unwrap()),
        sha256(&bytes)
    );
}

#[test]
fn a_server_that_refuses_rest_downloads_from_the_start() {
    let server = FaultyServer::start();
    let bytes = big_file();
    server.add_file("/big.bin", bytes.clone());
    server.set_faults(Faults {
        refuse_rest: true,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    // A partial download from an earlier run (over 64 KiB: smaller ones are fetched again
    // whole, without REST).
    std::fs::write(dir.path().join("big.bin.ferrypart"), &bytes[..1_000_000]).unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    assert!(
        queue.log_text().contains("refuses REST"),
        "{}",
        queue.log_text()
    );
    assert_eq!(
        sha256(&std::fs::read(dir.path().join("big.bin")).unwrap()),
        sha256(&bytes)
    );
}

#[test]
fn a_digest_mismatch_fails_the_item_and_keeps_the_part() {
    let server = FaultyServer::start();
    server.add_file("/file.bin", b"some bytes".to_vec());
    server.set_faults(Faults {
        wrong_digest: true,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![download("/file.bin", &dir.path().join("file.bin"))]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Failed);
    assert!(
        item.message
            .as_deref()
            .unwrap_or("")
            .contains("SHA-256 mismatch"),
        "{item:?}"
    );
    assert!(!dir.path().join("file.bin").exists());
    assert_eq!(
        std::fs::read(dir.path().join("file.bin.ferrypart")).unwrap(),
        b"some bytes"
    );
}

#[test]
fn a_missing_remote_file_fails_without_retries() {
    let server = FaultyServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![download("/nope.bin", &dir.path().join("nope.bin"))]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Failed);
    assert!(
        item.message.as_deref().unwrap_or("").contains("550"),
        "{item:?}"
    );
    assert_eq!(server.count("RETR"), 1, "a 550 is not retried");
}

#[test]
fn a_read_only_target_folder_fails_the_item_and_others_go_on() {
    let server = FaultyServer::start();
    server.add_file("/a.bin", b"aaa".to_vec());
    server.add_file("/b.bin", b"bbb".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let mut queue = faulty_queue(&server);
    queue.run(vec![
        download("/a.bin", &missing.join("a.bin")),
        download("/b.bin", &dir.path().join("b.bin")),
    ]);
    let states: Vec<ItemState> = queue.items.values().map(|i| i.state).collect();
    assert_eq!(
        states,
        vec![ItemState::Failed, ItemState::Done],
        "{:#?}",
        queue.items
    );
    assert_eq!(std::fs::read(dir.path().join("b.bin")).unwrap(), b"bbb");
}

#[test]
fn hostile_names_in_a_recursive_download_stay_inside_the_target() {
    let server = FaultyServer::start();
    let hostile = [
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 ../../escaped.txt",
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 /etc/passwd-copy",
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 a/b.txt",
        "drwxr-xr-x 2 0 0 4096 Jan 02 2025 ..",
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 ...",
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 CON",
        "-rw-r--r-- 1 0 0 4 Jan 02 2025 fine.txt",
    ];
    // Ordinary names here, which only Windows refuses (not tried there).
    let legal_here: &[&str] = if cfg!(windows) {
        &[]
    } else {
        &[
            "-rw-r--r-- 1 0 0 4 Jan 02 2025 a:b.txt",
            "-rw-r--r-- 1 0 0 4 Jan 02 2025 q?.txt",
        ]
    };
    let hostile: Vec<&str> = hostile.iter().chain(legal_here).copied().collect();
    server.set_listing("/evil", &hostile);
    for name in [
        "../../escaped.txt",
        "/etc/passwd-copy",
        "a/b.txt",
        "CON",
        "fine.txt",
        "a:b.txt",
        "q?.txt",
    ] {
        server.add_file(&format!("/evil/{name}"), b"evil".to_vec());
    }
    let outer = tempfile::tempdir().unwrap();
    let target = outer.path().join("inside").join("evil");
    let mut queue = faulty_queue(&server);
    queue.run(vec![folder(download("/evil", &target))]);

    // Nothing outside the chosen folder.
    let mut written = Vec::new();
    for entry in walk(outer.path()) {
        assert!(
            entry.starts_with(&target),
            "{} is outside {}",
            entry.display(),
            target.display()
        );
        written.push(
            entry
                .strip_prefix(&target)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    written.sort();
    // Separators never pass; what only Windows refuses is mapped only there (a walk found
    // `q?.txt` saved as `q_.txt` on Linux, where it is an ordinary name).
    let expected = if cfg!(windows) {
        vec![
            ".._.._escaped.txt",
            "_CON",
            "_etc_passwd-copy",
            "a_b.txt",
            "fine.txt",
        ]
    } else {
        vec![
            ".._.._escaped.txt",
            "CON",
            "_etc_passwd-copy",
            "a:b.txt",
            "a_b.txt",
            "fine.txt",
            "q?.txt",
        ]
    };
    assert_eq!(written, expected);
    // `..` never reaches the walk (the listing parser skips it); `...` does, and is refused.
    let skipped: Vec<&QueueItem> = queue
        .items
        .values()
        .filter(|i| i.state == ItemState::Skipped)
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:#?}");
    assert!(
        skipped[0]
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("...:"),
        "{skipped:#?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn a_saved_queue_comes_back_paused() {
    let server = TestServer::start();
    let state = tempfile::tempdir().unwrap();
    let queue_file = state.path().join("queue.json");
    let dir = tempfile::tempdir().unwrap();
    {
        let options = EngineOptions {
            transfers: TransferSettings {
                download_limit_kib: 64,
                ..Queue::settings(ConflictPolicy::Ask)
            },
            queue_file: Some(queue_file.clone()),
            log: true,
            ..EngineOptions::default()
        };
        let request = download(
            "/Software/ferry-demo-installer.bin",
            &dir.path().join("i.bin"),
        );
        quit_once_moving(options, server.request(PASSWORD), request);
    }
    let saved = std::fs::read_to_string(&queue_file).unwrap();
    assert!(!saved.contains(PASSWORD), "no password in the saved queue");
    let mut queue = restored(queue_file);
    assert_eq!(queue.only().state, ItemState::Paused);
    // Resumed once logged in to the same site again.
    resume_on(&mut queue, server.request(PASSWORD));
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    let original = std::fs::read(server.path().join("Software/ferry-demo-installer.bin")).unwrap();
    assert_eq!(
        sha256(&std::fs::read(dir.path().join("i.bin")).unwrap()),
        sha256(&original)
    );
}

/// Starts an engine with `options` (a queue file among them), gives it `request` on the server,
/// and stops it as a quit or a crash would once bytes are moving; returns when the queue it
/// saves as it stops is written.
fn quit_once_moving(options: EngineOptions, server: ConnectRequest, request: TransferRequest) {
    let (engine, events) = Engine::start_with(options, None).unwrap();
    engine.send(Command::Connect(server));
    engine.send(Command::Enqueue(vec![request]));
    let deadline = Instant::now() + PATIENCE;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Event::Queue(QueueEvent::Progress { transferred, .. })) if transferred > 0 => break,
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    drop(engine);
    // Everything the engine ran stops with it, the transfers' threads included: its events end
    // (every sender gone) rather than going on with the download's progress.
    let deadline = Instant::now() + Duration::from_secs(30);
    let ended = loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert_eq!(ended, std::sync::mpsc::RecvTimeoutError::Disconnected);
}

/// A new engine with the queue saved in `queue_file`, once its one item is back.
fn restored(queue_file: PathBuf) -> Queue {
    let (engine, events) = Engine::start_with(
        EngineOptions {
            transfers: Queue::settings(ConflictPolicy::Ask),
            queue_file: Some(queue_file),
            log: true,
            ..EngineOptions::default()
        },
        None,
    )
    .unwrap();
    let mut queue = Queue::attach(engine, events);
    queue.wait("the restored item", |q, _| !q.items.is_empty());
    queue
}

/// Logs in to the server again and resumes the one item, until the queue is still.
fn resume_on(queue: &mut Queue, server: ConnectRequest) {
    let id = queue.only().id;
    queue.engine.send(Command::Connect(server));
    queue.engine.send(Command::Queue {
        ids: vec![id],
        action: ferry::engine::QueueAction::Resume,
    });
    queue.settle();
}

/// The upload question answered each way: the server's file and the local one afterwards.
#[test]
fn every_answer_to_an_upload_question_is_honoured() {
    for (choice, expect_server) in [
        (ConflictPolicy::Skip, &b"ABCDE"[..]),
        (ConflictPolicy::Overwrite, &b"0123456789"[..]),
        (ConflictPolicy::Rename, &b"ABCDE"[..]),
    ] {
        let (server, mut queue, dir) = embedded();
        std::fs::write(server.path().join("d.bin"), b"ABCDE").unwrap();
        let local = dir.path().join("d.bin");
        std::fs::write(&local, b"0123456789").unwrap();
        queue.run(vec![upload(&local, "/d.bin")]);
        queue.wait("the question", |q, _| !q.asked.is_empty());
        let id = queue.only().id;
        queue.answer(id, choice);
        queue.settle();
        let expected_state = if choice == ConflictPolicy::Skip {
            ItemState::Skipped
        } else {
            ItemState::Done
        };
        assert_eq!(
            queue.only().state,
            expected_state,
            "{choice:?}\n{}",
            queue.log_text()
        );
        assert_eq!(
            std::fs::read(server.path().join("d.bin")).unwrap(),
            expect_server,
            "{choice:?}: the server's d.bin\n{}",
            queue.log_text()
        );
        assert_eq!(std::fs::read(&local).unwrap(), b"0123456789");
        if choice == ConflictPolicy::Rename {
            assert_eq!(
                std::fs::read(server.path().join("d (1).bin")).unwrap(),
                b"0123456789"
            );
        }
        assert!(
            !queue.log_text().contains("> REST"),
            "{choice:?} never resumes"
        );
    }
}

/// A listing cut short (its last line without a line end) but answered with 226: listed again,
/// so a recursive download misses nothing.
#[test]
fn a_listing_cut_short_is_taken_again_and_no_file_is_missed() {
    let server = FaultyServer::start();
    server.add_folder("/dir");
    for n in 0..5 {
        server.add_file(&format!("/dir/f{n}.bin"), vec![n; 100]);
    }
    server.set_faults(Faults {
        cut_listing_once: true,
        ..Faults::default()
    });
    let mut queue = faulty_queue(&server);
    let dir = tempfile::tempdir().unwrap();
    queue.run(vec![folder(download("/dir", &dir.path().join("dir")))]);
    let files: Vec<&QueueItem> = queue.items.values().filter(|i| !i.request.is_dir).collect();
    assert_eq!(files.len(), 5, "{}", queue.log_text());
    assert!(files.iter().all(|i| i.state == ItemState::Done));
    assert!(queue.log_text().contains("listing again to be sure"));
    for n in 0..5u8 {
        let got = std::fs::read(dir.path().join(format!("dir/f{n}.bin"))).unwrap();
        assert_eq!(got, vec![n; 100]);
    }
}

/// A `.ferrypart` is continued only when its last bytes are the server's bytes at that place (they
/// are fetched again and compared): a `.ferrypart` of another version of the file, another
/// program's, or damaged, would otherwise give a file of the right size with wrong bytes.
#[test]
fn a_partial_file_is_continued_only_when_its_end_matches_the_servers_file() {
    let bytes = big_file();
    let other = ferry::demo::pseudo_random_bytes(bytes.len(), 8);
    let mut changed_end = bytes[..1_000_000].to_vec();
    changed_end[1_000_000 - 10] ^= 0xff;
    // (what, the .ferrypart's bytes, what happens)
    let cases: Vec<(&str, Vec<u8>, Outcome)> = vec![
        (
            "the start of the file",
            bytes[..1_000_000].to_vec(),
            Outcome::Continued,
        ),
        (
            "another file's bytes",
            other[..1_000_000].to_vec(),
            Outcome::StartedOver,
        ),
        (
            "one byte near its end differs",
            changed_end,
            Outcome::StartedOver,
        ),
        // 64 KiB or less: fetched again whole, with nothing to compare.
        (
            "a few kilobytes of the file",
            bytes[..10_000].to_vec(),
            Outcome::FromZero,
        ),
        (
            "a few kilobytes of another",
            other[..10_000].to_vec(),
            Outcome::FromZero,
        ),
    ];
    for (what, part, outcome) in cases {
        let server = FaultyServer::start();
        server.add_file("/big.bin", bytes.clone());
        let dir = tempfile::tempdir().unwrap();
        let have = part.len() as u64;
        std::fs::write(dir.path().join("big.bin.ferrypart"), &part).unwrap();
        let mut queue = faulty_queue(&server);
        queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
        let log = queue.log_text();
        assert_eq!(queue.only().state, ItemState::Done, "{what}: {log}");
        assert!(
            std::fs::read(dir.path().join("big.bin")).unwrap() == bytes,
            "{what}: the bytes differ from the server's"
        );
        assert!(!dir.path().join("big.bin.ferrypart").exists(), "{what}");
        let commands = server.commands();
        let retrs = commands.iter().filter(|c| c.starts_with("RETR")).count();
        let restarted = log.contains("downloading from the start");
        let rests: Vec<&String> = commands.iter().filter(|c| c.starts_with("REST")).collect();
        match outcome {
            Outcome::Continued => {
                assert!(!restarted, "{what}: {log}");
                // The REST before the offset is said, not left to look like a wrong offset.
                assert!(
                    log.contains("the 64 KiB before it come again first"),
                    "{what}: {log}"
                );
                assert_eq!(retrs, 1, "{what}: {commands:?}");
                let rest = support::rest_for(have).unwrap();
                assert_eq!(rests, vec![&rest], "{what}: {commands:?}");
            }
            Outcome::FromZero => {
                assert!(!restarted, "{what}: {log}");
                assert_eq!(retrs, 1, "{what}: {commands:?}");
                assert!(rests.is_empty(), "{what}: {commands:?}");
            }
            Outcome::StartedOver => {
                assert!(restarted, "{what}: {log}");
                assert_eq!(retrs, 2, "{what}: {commands:?}");
                // The second RETR starts at byte 0: no REST between the two but a REST 0, which
                // undoes the first on servers that keep it after an early close.
                let first = commands.iter().position(|c| c.starts_with("RETR")).unwrap();
                let second = commands
                    .iter()
                    .rposition(|c| c.starts_with("RETR"))
                    .unwrap();
                assert!(
                    commands[first..second]
                        .iter()
                        .all(|c| !c.starts_with("REST") || c == "REST 0"),
                    "{what}: {commands:?}"
                );
            }
        }
    }
}

/// Another program's partial file beside the target (Firefox and many others name theirs
/// `NAME.ferrypart`) is not Ferry's: the download neither continues it nor removes it, and it keeps
/// its bytes.
#[test]
fn another_programs_part_file_is_left_as_it_was() {
    let bytes = big_file();
    let theirs = ferry::demo::pseudo_random_bytes(1_000_000, 10);
    let server = FaultyServer::start();
    server.add_file("/big.bin", bytes.clone());
    let dir = tempfile::tempdir().unwrap();
    let their_part = dir.path().join("big.bin.part");
    std::fs::write(&their_part, &theirs).unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
    let log = queue.log_text();
    assert_eq!(queue.only().state, ItemState::Done, "{log}");
    assert!(std::fs::read(dir.path().join("big.bin")).unwrap() == bytes);
    assert!(
        std::fs::read(&their_part).is_ok_and(|kept| kept == theirs),
        "the other program's .part changed: {log}"
    );
    let commands = server.commands();
    assert!(
        commands
            .iter()
            .all(|c| !c.starts_with("REST") || c == "REST 0"),
        "{commands:?}"
    );
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// From where the `.ferrypart` ends (its last 64 KiB fetched again and compared).
    Continued,
    /// From byte 0 at once.
    FromZero,
    /// The compared bytes differ: the `.ferrypart` is removed and the file fetched from byte 0.
    StartedOver,
}

/// "Resume" on the person's own file that is not the start of the server's file: the file is
/// left as it was, under its name, and the item fails saying why.
#[test]
fn resume_on_a_file_that_is_not_the_start_of_the_servers_leaves_it_alone() {
    let bytes = big_file();
    let theirs = ferry::demo::pseudo_random_bytes(1_000_000, 9);
    let server = FaultyServer::start();
    server.add_file("/big.bin", bytes.clone());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    std::fs::write(&target, &theirs).unwrap();
    let request = server.request();
    let mut queue = Queue::connect(request, Queue::settings(ConflictPolicy::Resume));
    queue.run(vec![download("/big.bin", &target)]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Failed, "{}", queue.log_text());
    let message = item.message.clone().unwrap_or_default();
    assert!(message.contains("not resumed"), "{message}");
    assert!(
        std::fs::read(&target).unwrap() == theirs,
        "the file changed"
    );
    assert!(!dir.path().join("big.bin.ferrypart").exists());
}

/// A resumed transfer shows its progress while the last 64 KiB it continues from come again to
/// be compared (from the local file for a download, from the server's for an upload): at
/// 4 KiB/s a walk found the item at "Connecting", 0 %, 0 B/s for some 20 s while those bytes
/// came. Then it goes on to the end, the bytes the same on both sides. Both ways.
#[test]
fn a_resume_under_a_low_limit_shows_the_compared_bytes_moving() {
    for direction in [Direction::Download, Direction::Upload] {
        let server = TestServer::start();
        let bytes = ferry::demo::pseudo_random_bytes(256 * 1024, 53);
        let held = 200 * 1024;
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("resumed.bin");
        let remote = server.path().join("resumed.bin");
        let (whole, partial) = match direction {
            Direction::Download => (&remote, &local),
            Direction::Upload => (&local, &remote),
        };
        std::fs::write(whole, &bytes).unwrap();
        std::fs::write(partial, &bytes[..held]).unwrap();
        let mut settings = Queue::settings(ConflictPolicy::Resume);
        settings.download_limit_kib = 4;
        settings.upload_limit_kib = 4;
        let mut queue = Queue::connect(server.request(PASSWORD), settings);
        let request = match direction {
            Direction::Download => download("/resumed.bin", &local),
            Direction::Upload => upload(&local, "/resumed.bin"),
        };
        queue.engine.send(Command::Enqueue(vec![request]));
        let mut first = None;
        queue.wait("the first progress", |_, event| match event {
            Event::Queue(QueueEvent::Progress { transferred, .. }) => {
                first = Some(*transferred);
                true
            }
            _ => false,
        });
        let first = first.unwrap();
        assert!(
            first < held as u64,
            "{direction:?}: the first progress came at byte {first}, after the {held} bytes were compared"
        );
        // (A progress event is what turns the item to "Transferring" in the window and the CLI.)
        let unlimited = Queue::settings(ConflictPolicy::Resume);
        queue.engine.send(Command::SetTransferSettings(unlimited));
        queue.settle();
        assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
        assert!(
            std::fs::read(&local).unwrap() == bytes,
            "{direction:?}: local"
        );
        assert!(
            std::fs::read(&remote).unwrap() == bytes,
            "{direction:?}: server"
        );
    }
}

/// The queue's progress moves while a buffer is being sent, not once a megabyte: under a
/// 300 KiB/s limit a person watched the bar stand still for seconds and took it for stuck.
#[test]
fn an_upload_under_a_speed_limit_shows_its_progress_as_it_goes() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("limited.bin");
    let bytes = ferry::demo::pseudo_random_bytes(1024 * 1024, 3);
    std::fs::write(&local, &bytes).unwrap();
    let mut settings = Queue::settings(ConflictPolicy::Overwrite);
    // A second or more for the file (one read buffer).
    settings.upload_limit_kib = 1024;
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    queue
        .engine
        .send(Command::Enqueue(vec![upload(&local, "/limited.bin")]));
    let mut shown = std::collections::BTreeSet::new();
    queue.wait("the upload to end", |queue, event| {
        if let Event::Queue(QueueEvent::Progress { transferred, .. }) = event {
            shown.insert(*transferred);
        }
        !queue.items.is_empty() && queue.items.values().all(|i| i.state.is_finished())
    });
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    let between: Vec<&u64> = shown
        .iter()
        .filter(|&&t| t > 0 && t < bytes.len() as u64)
        .collect();
    assert!(between.len() >= 3, "progress shown: {shown:?}");
    assert!(std::fs::read(server.path().join("limited.bin")).unwrap() == bytes);
}

/// The embedded server (libunftp) keeps a REST's offset when the transfer after it is closed
/// early: a `.ferrypart` found not to be the start of the file must still be fetched from byte 0,
/// not from where the check began (a person's walk saw the file's tail written at byte 0).
#[test]
fn a_partial_file_that_does_not_match_is_fetched_again_from_byte_zero_on_a_real_server() {
    let server = TestServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(3_000_000, 11);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let junk = ferry::demo::pseudo_random_bytes(1_765_888, 12);
    std::fs::write(dir.path().join("big.bin.ferrypart"), &junk).unwrap();
    let mut queue = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Overwrite),
    );
    queue.run(vec![download("/big.bin", &dir.path().join("big.bin"))]);
    assert_eq!(queue.only().state, ItemState::Done, "{}", queue.log_text());
    assert!(
        std::fs::read(dir.path().join("big.bin")).unwrap() == bytes,
        "the bytes differ from the server's"
    );
}

/// An upload stopped half way (the engine quit, its queue saved) continues the server's file
/// only when that file's last bytes are still this file's: replaced meanwhile by other bytes, it
/// is sent again from byte 0, and either way the server ends with the local file's bytes.
#[test]
fn an_upload_continues_its_own_partial_file_only_when_its_end_matches() {
    let bytes = ferry::demo::pseudo_random_bytes(3_000_000, 21);
    let other = ferry::demo::pseudo_random_bytes(500_000, 22);
    // (what the server's partial file holds when the queue comes back, continued?)
    let cases = [
        ("the start of the file", bytes[..500_000].to_vec(), true),
        ("another file's bytes", other, false),
    ];
    for (what, partial, continued) in cases {
        let server = TestServer::start();
        let state = tempfile::tempdir().unwrap();
        let queue_file = state.path().join("queue.json");
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("up.bin");
        std::fs::write(&local, &bytes).unwrap();
        {
            let options = EngineOptions {
                transfers: TransferSettings {
                    upload_limit_kib: 64,
                    ..Queue::settings(ConflictPolicy::Ask)
                },
                queue_file: Some(queue_file.clone()),
                log: true,
                ..EngineOptions::default()
            };
            quit_once_moving(options, server.request(PASSWORD), upload(&local, "/up.bin"));
        }
        // Meanwhile, the server's partial file becomes what the case says.
        std::fs::write(server.path().join("up.bin"), &partial).unwrap();
        let mut queue = restored(queue_file);
        resume_on(&mut queue, server.request(PASSWORD));
        let log = queue.log_text();
        assert_eq!(queue.only().state, ItemState::Done, "{what}: {log}");
        assert!(
            std::fs::read(server.path().join("up.bin")).unwrap() == bytes,
            "{what}: the server's file differs from the local one"
        );
        assert!(
            std::fs::read(&local).unwrap() == bytes,
            "{what}: local file changed"
        );
        assert_eq!(
            log.contains("Resuming the upload"),
            continued,
            "{what}: {log}"
        );
        assert_eq!(
            log.contains("uploading from the start"),
            !continued,
            "{what}: {log}"
        );
    }
}

/// At a very low speed limit (1 KiB/s) a pause acts at once, both ways, and little has moved
/// by then. Each read under a limit was 64 KiB and booked its time before the next: at 1 KiB/s
/// that was a minute in which a pause was not seen and the progress stood still (a walk
/// through the window found Pause taking 15-45 s, and a small file sharing the limit sitting
/// on "Connecting" for 55 s).
#[test]
fn a_pause_under_a_very_low_speed_limit_acts_at_once_both_ways() {
    let server = TestServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(1024 * 1024, 31);
    std::fs::write(server.path().join("slow-down.bin"), &bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local_up = dir.path().join("slow-up.bin");
    std::fs::write(&local_up, &bytes).unwrap();
    let mut settings = Queue::settings(ConflictPolicy::Overwrite);
    settings.download_limit_kib = 1;
    settings.upload_limit_kib = 1;
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    let download_to = dir.path().join("slow-down.bin");
    for (request, partial) in [
        (
            download("/slow-down.bin", &download_to),
            dir.path().join("slow-down.bin.ferrypart"),
        ),
        (
            upload(&local_up, "/slow-up.bin"),
            server.path().join("slow-up.bin"),
        ),
    ] {
        let direction = request.direction;
        queue.engine.send(Command::Enqueue(vec![request]));
        let mut id = None;
        queue.wait("the first bytes", |_, event| match event {
            Event::Queue(QueueEvent::Progress {
                id: i, transferred, ..
            }) if *transferred > 0 => {
                id = Some(*i);
                true
            }
            _ => false,
        });
        let id = id.unwrap();
        queue.engine.send(Command::Queue {
            ids: vec![id],
            action: ferry::engine::QueueAction::Pause,
        });
        queue.wait("the pause", |queue, _| {
            queue
                .items
                .get(&id)
                .is_some_and(|i| i.state == ItemState::Paused)
        });
        // A few tenths of a second at 1 KiB/s, not a 64 KiB read. The server writes what it
        // received after Ferry has already said "paused" (libunftp's copy ends when the data
        // connection closes), so its file is read until it holds something, bounded.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let moved = loop {
            let size = std::fs::metadata(&partial).map_or(0, |m| m.len());
            if size > 0 || std::time::Instant::now() > deadline {
                break size;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(
            moved > 0 && moved <= 8 * 1024,
            "{direction:?}: {moved} bytes moved before the pause"
        );
    }
    // Without the limit both go on to the end, byte for byte on both sides. The download's few
    // kilobytes are fetched again, and the log says so rather than "Resuming".
    queue
        .engine
        .send(Command::SetTransferSettings(Queue::settings(
            ConflictPolicy::Overwrite,
        )));
    queue
        .engine
        .send(Command::QueueAll(ferry::engine::QueueAction::Resume));
    queue.settle();
    for item in queue.items.values() {
        assert_eq!(item.state, ItemState::Done, "{}", queue.log_text());
    }
    assert!(std::fs::read(&download_to).unwrap() == bytes);
    assert!(std::fs::read(server.path().join("slow-up.bin")).unwrap() == bytes);
    let log = queue.log_text();
    assert!(log.contains("fewer than a resume checks"), "{log}");
    assert!(!log.contains("slow-down.bin.ferrypart at byte"), "{log}");
}

/// Under a speed limit a download's bytes reach the disk as they come (about a second's worth
/// at a time), not once a megabyte has gathered in memory: at 1 KiB/s a walk found the `.ferrypart`
/// at 0 bytes on disk while the bar showed half the file, all of it lost to a crash.
#[test]
fn a_download_under_a_speed_limit_reaches_the_disk_as_it_goes() {
    let server = TestServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(1024 * 1024, 41);
    std::fs::write(server.path().join("trickle.bin"), &bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("trickle.bin");
    let mut settings = Queue::settings(ConflictPolicy::Overwrite);
    settings.download_limit_kib = 16;
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    queue
        .engine
        .send(Command::Enqueue(vec![download("/trickle.bin", &target)]));
    let mut id = None;
    queue.wait("two seconds' worth", |_, event| match event {
        Event::Queue(QueueEvent::Progress {
            id: i, transferred, ..
        }) if *transferred >= 32 * 1024 => {
            id = Some(*i);
            true
        }
        _ => false,
    });
    let on_disk =
        std::fs::metadata(dir.path().join("trickle.bin.ferrypart")).map_or(0, |m| m.len());
    assert!(on_disk >= 4 * 1024, "{on_disk} bytes on disk");
    // The bytes there are the file's.
    let written = std::fs::read(dir.path().join("trickle.bin.ferrypart")).unwrap();
    assert!(written[..] == bytes[..written.len()]);
    queue.engine.send(Command::Queue {
        ids: vec![id.unwrap()],
        action: ferry::engine::QueueAction::Cancel,
    });
    queue.settle();
}

/// A running transfer removed from the queue stops, and the log says it was removed, not that
/// Retry continues it (there is nothing left to retry).
#[test]
fn a_running_transfer_removed_from_the_queue_is_logged_as_removed() {
    let server = TestServer::start();
    let bytes = ferry::demo::pseudo_random_bytes(256 * 1024, 51);
    std::fs::write(server.path().join("removed.bin"), &bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Queue::settings(ConflictPolicy::Overwrite);
    settings.download_limit_kib = 4;
    let mut queue = Queue::connect(server.request(PASSWORD), settings);
    queue.engine.send(Command::Enqueue(vec![download(
        "/removed.bin",
        &dir.path().join("removed.bin"),
    )]));
    let mut id = None;
    queue.wait("the first bytes", |_, event| match event {
        Event::Queue(QueueEvent::Progress {
            id: i, transferred, ..
        }) if *transferred > 0 => {
            id = Some(*i);
            true
        }
        _ => false,
    });
    queue.engine.send(Command::Queue {
        ids: vec![id.unwrap()],
        action: ferry::engine::QueueAction::Remove,
    });
    queue.wait("the stop logged", |queue, _| {
        queue.log_text().contains("removed from the queue")
    });
    assert!(
        !queue.log_text().contains("Retry continues it"),
        "{}",
        queue.log_text()
    );
    assert!(!dir.path().join("removed.bin").exists());
    // Its partial file stays (it may have been the person's own file, for a Resume), and the
    // log says where it is.
    let part = dir.path().join("removed.bin.ferrypart");
    let kept = std::fs::read(&part).expect("the partial file is left");
    assert!(
        bytes.starts_with(&kept),
        "the partial file holds the start of the file"
    );
    assert!(
        queue
            .log_text()
            .contains(&format!("its partial file {} is left", part.display())),
        "{}",
        queue.log_text()
    );
}

/// A file sent onto the name of a folder on the other side: the folder is left as it was and
/// the item fails saying a folder is in the way, whatever the rule, both ways. A walk
/// uploaded `Music` (a file) where the server has a `Music` folder: the question offered to
/// overwrite "/Music, 4,096 bytes" (the embedded server answers SIZE for a folder), and
/// Overwrite then failed with "550 File not found".
#[test]
fn a_file_sent_onto_a_folders_name_leaves_the_folder_and_says_why_both_ways() {
    for rule in [ConflictPolicy::Ask, ConflictPolicy::Overwrite] {
        for direction in [Direction::Upload, Direction::Download] {
            let server = TestServer::start();
            let dir = tempfile::tempdir().unwrap();
            let (folder_side, file_side) = match direction {
                Direction::Upload => (server.path(), dir.path()),
                Direction::Download => (dir.path(), server.path()),
            };
            std::fs::create_dir(folder_side.join("Albums")).unwrap();
            std::fs::write(folder_side.join("Albums/song.ogg"), b"a song").unwrap();
            std::fs::write(file_side.join("Albums"), b"a file named Albums").unwrap();
            let mut queue = Queue::connect(server.request(PASSWORD), Queue::settings(rule));
            let local = dir.path().join("Albums");
            queue.run(vec![match direction {
                Direction::Upload => upload(&local, "/Albums"),
                Direction::Download => download("/Albums", &local),
            }]);
            let what = format!("{direction:?} with {rule:?}");
            let item = queue.only();
            assert_eq!(
                item.state,
                ItemState::Failed,
                "{what}: {}",
                queue.log_text()
            );
            let message = item.message.clone().unwrap_or_default();
            assert!(
                message.contains("a folder named") && message.contains("is in the way"),
                "{what}: {message}"
            );
            assert_eq!(
                std::fs::read(folder_side.join("Albums/song.ogg")).unwrap(),
                b"a song",
                "{what}"
            );
            assert_eq!(
                std::fs::read(file_side.join("Albums")).unwrap(),
                b"a file named Albums",
                "{what}"
            );
        }
    }
}

/// Connected again with TLS required, the queue's next download goes over TLS: the transfer
/// connection left from the plain session is not used again (a walk's downloads went on over it
/// in the clear while the window showed the padlock).
#[test]
fn transfers_follow_the_encryption_chosen_when_connecting_again() {
    let server = TestServer::start_tls();
    let dir = tempfile::tempdir().unwrap();
    let mut plain = server.request(PASSWORD);
    plain.tls = ferry::engine::TlsOptions {
        mode: ferry::engine::TlsMode::Plain,
        ..Default::default()
    };
    // One transfer connection, kept between items: the one the second download would reuse.
    let settings = TransferSettings {
        parallel: 1,
        ..Queue::settings(ConflictPolicy::Overwrite)
    };
    let mut queue = Queue::connect(plain, settings);
    queue.run(vec![download(
        "/welcome.txt",
        &dir.path().join("first.txt"),
    )]);
    // A command line as logged: "12:00:00 > [1] AUTH TLS" (the FEAT reply lists it too).
    let sent = |log: &str, command: &str| {
        log.lines()
            .any(|line| line.contains(" > ") && line.trim_end().ends_with(command))
    };
    assert!(!sent(&queue.log_text(), "AUTH TLS"), "{}", queue.log_text());

    let mut secure = server.request(PASSWORD);
    secure.tls = ferry::engine::TlsOptions {
        mode: ferry::engine::TlsMode::Explicit,
        trusted: vec![server.fingerprint()],
        ..Default::default()
    };
    // As the window does: Disconnect, then Connect with the new choice.
    queue.engine.send(Command::Disconnect);
    queue.engine.send(Command::Connect(secure));
    // Not `Queue::wait`, for which a disconnection is a failure.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match queue.events.recv_timeout(left) {
            Ok(Event::Listing(_)) => break,
            Ok(Event::Log(line)) => queue.log.push(line.to_text()),
            Ok(_) => {}
            Err(_) => panic!("never connected again:\n{}", queue.log_text()),
        }
    }
    let before = queue.log.len();
    queue.run(vec![download(
        "/welcome.txt",
        &dir.path().join("second.txt"),
    )]);
    let after = queue.log[before..].join("\n");
    let retr = after
        .find("RETR")
        .unwrap_or_else(|| panic!("no RETR: {after}"));
    assert!(
        sent(&after[..retr], "AUTH TLS") && after[..retr].contains("PROT P"),
        "the download's session is not the encrypted one:\n{after}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("second.txt")).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
}

/// An upload the server then has no size for under its name (pure-ftpd stores `trail.txt `
/// as `trail.txt_`; an upload-only folder refuses SIZE): done, as the server took the bytes,
/// but the item says it was not checked rather than passing for a verified one.
#[test]
fn an_upload_the_server_gives_no_size_for_says_it_was_not_checked() {
    let server = FaultyServer::start();
    server.add_folder("/in");
    server.set_faults(Faults {
        odd_replies: vec![("SIZE", "550 Can't check for file existence\r\n")],
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("report.bin");
    std::fs::write(&local, b"six b!").unwrap();
    let mut queue = faulty_queue(&server);
    queue.run(vec![upload(&local, "/in/report.bin")]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Done, "{}", queue.log_text());
    let message = item.message.as_deref().unwrap_or_default();
    assert!(message.contains("not checked"), "{message}");
    assert_eq!(
        server.file("/in/report.bin").as_deref(),
        Some(&b"six b!"[..])
    );
}

/// A folder downloaded where a file of its name is: the folder item fails saying so (a walk
/// read "File exists (os error 17)"), and the file stays as it was.
#[test]
fn a_file_in_the_way_of_a_folder_download_is_named() {
    let (_server, mut queue, dir) = embedded();
    let in_the_way = dir.path().join("Documents");
    std::fs::write(&in_the_way, b"mine").unwrap();
    queue.run(vec![folder(download("/Documents", &in_the_way))]);
    let item = queue.only();
    assert_eq!(item.state, ItemState::Failed, "{item:#?}");
    let message = item.message.as_deref().unwrap_or_default();
    assert!(message.contains("a file named"), "{message}");
    assert_eq!(std::fs::read(&in_the_way).unwrap(), b"mine");
}
