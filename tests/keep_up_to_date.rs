//! "Keep remote up to date" against the embedded server: a save uploads the file once, a burst
//! of saves too, an editor's write-a-temporary-then-rename uploads only the real file, a
//! deletion is carried over when asked, and a disconnect stops the watch and says so.

mod support;

use std::path::Path;
use std::time::Instant;

use ferry::engine::watch::KeepUpToDate;
use ferry::engine::{Command, ConflictPolicy, Event, ItemState};
use ferry::protocol::path::RemotePath;
use support::queue::Queue;
use support::{PASSWORD, PATIENCE, TestServer};

fn watching(server: &TestServer, local: &Path, delete: bool) -> Queue {
    std::fs::create_dir_all(server.path().join("live")).unwrap();
    let mut queue = Queue::connect(
        server.request(PASSWORD),
        Queue::settings(ConflictPolicy::Ask),
    );
    queue
        .engine
        .send(Command::KeepUpToDate(Some(Box::new(KeepUpToDate {
            local: local.to_path_buf(),
            remote: RemotePath::from_text("/live"),
            delete,
            exclude: vec!["*.swp".into()],
        }))));
    queue.wait("the watch", |_, event| {
        matches!(event, Event::Watching { .. })
    });
    queue
}

/// Uploads of `name` the queue has done or is doing.
fn uploads_of(queue: &Queue, name: &str) -> usize {
    queue
        .items
        .values()
        .filter(|i| i.request.local.file_name().is_some_and(|n| n == name))
        .count()
}

fn wait_done(queue: &mut Queue, name: &'static str) {
    queue.wait(name, |queue, _| {
        queue.items.values().any(|i| {
            i.request.local.file_name().is_some_and(|n| n == name) && i.state == ItemState::Done
        })
    });
}

#[test]
fn a_burst_of_saves_uploads_once_and_a_temporary_file_renamed_over_it_uploads_the_real_one() {
    let server = TestServer::start();
    let local = tempfile::tempdir().unwrap();
    let mut queue = watching(&server, local.path(), false);

    // Five saves in a row, as an editor's autosave does: one upload, of the last content.
    for n in 1..=5 {
        std::fs::write(local.path().join("page.html"), format!("version {n}\n")).unwrap();
    }
    wait_done(&mut queue, "page.html");
    assert_eq!(
        std::fs::read(server.path().join("live/page.html")).unwrap(),
        b"version 5\n"
    );

    // An editor that saves safely: a temporary file, then renamed over the original.
    let temporary = local.path().join(".page.html.swx3");
    std::fs::write(&temporary, b"version 6\n").unwrap();
    std::fs::rename(&temporary, local.path().join("page.html")).unwrap();
    std::fs::write(local.path().join("style.css"), b"body {}\n").unwrap();
    queue.wait(
        "style.css and the second upload of page.html",
        |queue, _| {
            let done = |name: &str| {
                queue
                    .items
                    .values()
                    .filter(|i| {
                        i.request.local.file_name().is_some_and(|n| n == name)
                            && i.state == ItemState::Done
                    })
                    .count()
            };
            done("style.css") == 1 && done("page.html") == 2
        },
    );
    assert_eq!(
        std::fs::read(server.path().join("live/page.html")).unwrap(),
        b"version 6\n"
    );
    assert_eq!(
        uploads_of(&queue, "page.html"),
        2,
        "one per save, not per write"
    );
    assert_eq!(uploads_of(&queue, ".page.html.swx3"), 0);
    assert!(!server.path().join("live/.page.html.swx3").exists());

    // A new folder goes up with what is in it.
    std::fs::create_dir_all(local.path().join("img")).unwrap();
    std::fs::write(local.path().join("img/logo.svg"), b"<svg/>").unwrap();
    queue.wait("the folder", |_, _| {
        server.path().join("live/img/logo.svg").exists()
            && std::fs::read(server.path().join("live/img/logo.svg")).is_ok_and(|b| b == b"<svg/>")
    });
    // Excluded names stay here.
    std::fs::write(local.path().join("notes.swp"), b"swap").unwrap();
    std::fs::write(local.path().join("last.txt"), b"last").unwrap();
    wait_done(&mut queue, "last.txt");
    assert!(!server.path().join("live/notes.swp").exists());
}

#[test]
fn a_deletion_is_carried_over_when_asked_and_a_disconnect_stops_the_watch() {
    let server = TestServer::start();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("old.txt"), b"old").unwrap();
    let mut queue = watching(&server, local.path(), true);
    std::fs::write(server.path().join("live/old.txt"), b"old").unwrap();
    std::fs::remove_file(local.path().join("old.txt")).unwrap();
    queue.wait("the deletion on the server", |_, _| {
        !server.path().join("live/old.txt").exists()
    });

    queue.engine.send(Command::Disconnect);
    let deadline = Instant::now() + PATIENCE;
    let why = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match queue.events.recv_timeout(left) {
            Ok(Event::WatchStopped { why }) => break why,
            Ok(_) => {}
            Err(_) => panic!("the watch never said it stopped"),
        }
    };
    assert!(why.contains("disconnected"), "{why}");
}
