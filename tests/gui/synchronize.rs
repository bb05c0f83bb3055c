//! The Synchronize dialog: options, the plan as a checklist, and Run.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::TestServer;
use crate::window::*;

fn plan_row_checkbox<'a>(window: &'a Window, path: &'a str) -> Option<egui_kittest::Node<'a>> {
    window
        .harness
        .query_all_by_role_and_label(Role::CheckBox, path)
        .next()
}

/// The preview lists every planned action with its reason; nothing moves before Run; an
/// unchecked row is not transferred and a checked one is, byte for byte.
#[test]
fn the_preview_lists_the_plan_and_an_unchecked_row_is_not_transferred() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[
        ("sync-a.txt", b"first file\n"),
        ("sync-b.txt", b"second file\n"),
        ("scratch.tmp", b"excluded by default"),
    ]);
    window.connect_to(&server);
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    assert!(window.has_label("Upload: local to server"));
    // The first click in the dialog counts (a modal version of it lost that click).
    window.harness.get_by_label("Size").click();
    window.run_until("Size chosen", |h| {
        h.get_by_label("Size").accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
    });
    window.harness.get_by_label("Modification time").click();
    window.run_until("the time chosen again", |h| {
        h.get_by_label("Modification time")
            .accesskit_node()
            .toggled()
            == Some(egui::accesskit::Toggled::True)
    });
    window.harness.get_by_label("Preview").click();
    window.run_until("the plan", |h| {
        h.query_all_by_role_and_label(Role::CheckBox, "sync-a.txt")
            .next()
            .is_some()
    });
    assert!(plan_row_checkbox(&window, "sync-b.txt").is_some());
    assert!(
        plan_row_checkbox(&window, "scratch.tmp").is_none(),
        "*.tmp is excluded by default"
    );
    assert!(window.has_label("new here"), "each row says why");
    assert!(window.has_label_containing("Checked: 2 uploads"));
    // The server's own files are left alone without mirroring: no deletions planned.
    assert!(!window.has_label("delete on the server"));
    assert!(
        !server.path().join("sync-a.txt").exists(),
        "nothing moves before Run"
    );

    plan_row_checkbox(&window, "sync-b.txt")
        .expect("the row")
        .click();
    window.run_until("the totals without it", |h| {
        h.query_all_by_label_contains("Checked: 1 upload (")
            .next()
            .is_some()
    });
    window.harness.get_by_label("Run").click();
    window.run_until("the upload", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("sync-a.txt")).unwrap(),
        b"first file\n"
    );
    assert!(
        !server.path().join("sync-b.txt").exists(),
        "the unchecked row stayed put"
    );
    assert!(!server.path().join("scratch.tmp").exists());
    // The local side is as it was.
    assert_eq!(
        std::fs::read(window.downloads.path().join("sync-b.txt")).unwrap(),
        b"second file\n"
    );
}

/// Cancel in the preview, and Esc in the options, close the dialog with nothing changed.
#[test]
fn cancel_and_escape_leave_everything_as_it_was() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("sync-c.txt", b"c")]);
    window.connect_to(&server);
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    window.press(egui::Key::Escape);
    window.harness.step();
    assert!(window.harness.query_by_label("Preview").is_none());
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    window.harness.get_by_label("Preview").click();
    window.run_until("the plan", |h| h.query_by_label("Run").is_some());
    let cancel = window
        .harness
        .query_all_by_label("Cancel")
        .last()
        .expect("Cancel");
    assert!(!cancel.accesskit_node().is_disabled());
    cancel.click();
    window.harness.step();
    window.harness.step();
    assert!(window.harness.query_by_label("Run").is_none());
    assert!(!server.path().join("sync-c.txt").exists());
}

/// A file whose folder row was unchecked still arrives: its folder is made for it (a new
/// user unchecked a folder row and got "550 File not found" for the file in it).
#[test]
fn a_checked_file_gets_its_folder_even_with_the_folder_row_unchecked() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("syncdocs/deep/notes.txt", b"inside\n")]);
    window.connect_to(&server);
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    window.harness.get_by_label("Preview").click();
    window.run_until("the plan", |h| {
        h.query_all_by_role_and_label(Role::CheckBox, "syncdocs/deep/notes.txt")
            .next()
            .is_some()
    });
    for folder in ["syncdocs/", "syncdocs/deep/"] {
        plan_row_checkbox(&window, folder)
            .expect("the folder's row")
            .click();
        window.harness.step();
    }
    window.run_until("the folders unchecked", |h| {
        h.query_all_by_label_contains("folder to make")
            .next()
            .is_none()
    });
    window.harness.get_by_label("Run").click();
    window.run_until("the upload", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("syncdocs/deep/notes.txt")).unwrap(),
        b"inside\n"
    );
}

/// "Keep remote up to date" from the dialog: what is newer here is uploaded first (a file made
/// while nothing watched), then each save as it happens; the bar says so, and Stop ends it.
#[test]
fn keep_remote_up_to_date_catches_up_then_follows_saves_until_stopped() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("before-watch.txt", b"made before\n")]);
    window.connect_to(&server);
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    window
        .harness
        .get_by_label("Keep remote up to date")
        .click();
    window.run_until("the watch and the catch-up upload", |h| {
        h.query_all_by_label_contains("up to date").next().is_some()
            && h.query_by_label("Stop").is_some()
    });
    let arrived = |name: &str, bytes: &[u8]| {
        std::fs::read(server.path().join(name)).is_ok_and(|b| b == bytes)
    };
    window.run_until("the catch-up upload", |_| {
        arrived("before-watch.txt", b"made before\n")
    });
    std::fs::write(window.downloads.path().join("saved.txt"), b"saved\n").unwrap();
    window.run_until("the saved file on the server", |_| {
        arrived("saved.txt", b"saved\n")
    });
    window.harness.get_by_label("Stop").click();
    window.run_until("the watch stopped", |h| h.query_by_label("Stop").is_none());
}

/// A mirror from an empty local folder would only delete: the preview says so plainly, beside
/// the count, and nothing is deleted before Run (a walk planned to delete all of a server
/// folder from an empty local one, and only a count said so).
#[test]
fn a_mirror_that_would_only_delete_says_so() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.harness.get_by_label("Synchronize…").click();
    window.run_until("the options", |h| h.query_by_label("Preview").is_some());
    window
        .harness
        .get_by_label("Mirror: delete on the target what is gone from the source")
        .click();
    window.harness.step();
    window.harness.get_by_label("Preview").click();
    window.run_until("the plan", |h| {
        h.query_all_by_label_contains("planned deletions checked")
            .next()
            .is_some()
    });
    assert!(
        window.has_label_containing("Nothing is copied: the run only deletes"),
        "no warning for a plan of deletions only"
    );
    assert!(window.has_label_containing("on the server"));
    assert!(server.path().join("welcome.txt").exists());
    window.harness.get_by_label("Cancel").click();
    window.harness.step();
    assert!(server.path().join("welcome.txt").exists());
}
