//! Transfers from the window: context menu, double-click, drags both ways, files dropped from the OS.

use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use ferry::ui::Side;

use crate::support::TestServer;
use crate::window::*;

#[test]
fn a_folder_download_reaches_successful() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("Documents").click_secondary();
    window.harness.step();
    window.harness.step();
    window.harness.get_by_label("⬇ Download").click();
    window.run_until("four files in Successful", |h| {
        h.query_by_label("Successful (4)").is_some()
    });
    assert!(window.has_label("Queued (0)"));
    assert!(window.has_label("Failed (0)"));
    window.harness.get_by_label("Successful (4)").click();
    window.harness.step();
    window.harness.step();
    // The queue keeps its height: the list scrolls inside it.
    let queue = window.harness.get_by_label("Queued (0)").rect().center() + egui::vec2(0.0, 60.0);
    for _ in 0..10 {
        if window.has_label("summary.csv") {
            break;
        }
        window.wheel(queue, 3.0);
    }
    assert!(
        window.has_label("summary.csv"),
        "the queue lists the files it moved"
    );
    for file in [
        "readme.txt",
        "notes.md",
        "Reports/annual report 2025.pdf",
        "Reports/2025/summary.csv",
    ] {
        assert_eq!(
            std::fs::read(window.downloads.path().join("Documents").join(file)).unwrap(),
            std::fs::read(server.path().join("Documents").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_conflict_is_answered_in_the_dialog() {
    let server = TestServer::start();
    let mut window = Window::open();
    let target = window.downloads.path().join("welcome.txt");
    std::fs::write(&target, b"an older copy").unwrap();
    window.connect_to(&server);
    // Double-clicking a file downloads it into the local folder, where it already is.
    window.double_click("welcome.txt");
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    assert!(
        window.has_label_containing("13 bytes"),
        "the existing file's size is shown"
    );
    window.harness.get_by_label("Rename").click();
    window.harness.step();
    window.harness.get_by_label("OK").click();
    window.run_until("the renamed download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"an older copy",
        "the existing file is kept"
    );
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome (1).txt")).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
}

#[test]
fn dragging_a_remote_file_onto_the_local_pane_downloads_it() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let from = window.row("welcome.txt").rect().center();
    let to = window.table_space("Local");
    window.drag(from, to);
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
    // The local pane lists the new file by itself.
    window.run_until("the file in the local pane", |h| {
        let pane = h.get_by_label("Local pane");
        pane.query_by_role_and_label(Role::Row, "welcome.txt")
            .is_some()
    });
}

/// A quick hand: the press and a first move of more than a row come in the same frame. What is
/// dragged is the row that was pressed, not the one the pointer has reached.
#[test]
fn a_quick_drag_takes_the_row_that_was_pressed() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let pressed = window.row("welcome.txt").rect();
    let from = pressed.center();
    let to = window.table_space("Local");
    window.harness.hover_at(from);
    window.harness.step();
    // Two rows up at once, before the next frame.
    let flicked = from - egui::vec2(10.0, 2.0 * pressed.height());
    let events = &mut window.harness.input_mut().events;
    events.push(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    events.push(egui::Event::PointerMoved(flicked));
    window.harness.step();
    for i in 1..=4 {
        let t = i as f32 / 4.0;
        window.harness.hover_at(flicked + (to - flicked) * t);
        window.harness.step();
    }
    window.harness.drop_at(to);
    window.harness.step();
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    let names: Vec<String> = std::fs::read_dir(window.downloads.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["welcome.txt"]);
}

#[test]
fn dragging_a_local_folder_onto_the_remote_pane_uploads_it() {
    let server = TestServer::start();
    let mut window = Window::open();
    let folder = window.downloads.path().join("to-upload");
    std::fs::create_dir_all(folder.join("inner")).unwrap();
    std::fs::write(folder.join("a.txt"), b"alpha").unwrap();
    std::fs::write(
        folder.join("inner/b.bin"),
        ferry::demo::pseudo_random_bytes(300_000, 5),
    )
    .unwrap();
    window.open_local_again();
    window.connect_to(&server);
    window.run_until("the local folder", |h| {
        let pane = h.get_by_label("Local pane");
        pane.query_by_role_and_label(Role::Row, "to-upload")
            .is_some()
    });
    let from = window.local_row("to-upload").rect().center();
    let to = window.table_space("Remote");
    window.drag(from, to);
    window.run_until("the upload", |h| {
        h.query_by_label("Successful (2)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("to-upload/a.txt")).unwrap(),
        b"alpha"
    );
    assert_eq!(
        std::fs::read(server.path().join("to-upload/inner/b.bin")).unwrap(),
        std::fs::read(folder.join("inner/b.bin")).unwrap()
    );
}

/// An upload over a file on the server, cancelled half way: the server pane lists the folder
/// again and shows what the server holds now, not the old file's size (a new user took the
/// stale size for the old file left intact, as FileZilla would have listed it again).
#[test]
fn a_cancelled_upload_shows_what_the_server_holds_now() {
    let server = TestServer::start();
    std::fs::write(server.path().join("notes.bin"), vec![1u8; 70_000]).unwrap();
    let mut settings = ferry::store::settings::Settings::default();
    settings.transfers.upload_limit_kib = 4;
    settings.transfers.conflict_policy = ferry::engine::ConflictPolicy::Overwrite;
    let mut window = Window::open_setup(Setup {
        settings,
        ..Setup::default()
    });
    window.add_local_files(&[("notes.bin", &[2u8; 256 * 1024])]);
    window.connect_and_wait_for(&server, "notes.bin");
    let old_size = |window: &Window| {
        window
            .pane(Side::Remote)
            .query_all_by_label("68.4 KiB")
            .next()
            .is_some()
    };
    assert!(old_size(&window), "the server's file as it was");
    let from = window.local_row("notes.bin").rect().center();
    let to = window.table_space("Remote");
    window.drag(from, to);
    window.run_until("the upload running", |h| {
        h.query_all_by_label_contains("Transferring")
            .next()
            .is_some()
    });
    let item = window.queue_row("Queued (1)", "notes.bin");
    window.right_click_at(item);
    window.harness.get_by_label("Cancel").click();
    window.run_until("the cancelled item", |h| {
        h.query_by_label("Failed (1)").is_some()
    });
    let held = std::fs::metadata(server.path().join("notes.bin"))
        .unwrap()
        .len();
    assert!(
        held < 70_000,
        "the upload went further than expected: {held}"
    );
    window.run_until("the server's file as it is now", |h| {
        let pane = h.get_by_label("Remote pane");
        pane.query_all_by_role_and_label(Role::Label, "notes.bin")
            .next()
            .is_some()
            && pane.query_all_by_label("68.4 KiB").next().is_none()
    });
}

/// A local file dragged onto the server pane before connecting: the status line says to
/// connect first (it said nothing, and a new user thought the drag had failed).
#[test]
fn a_drag_onto_the_server_pane_before_connecting_says_to_connect() {
    let mut window = Window::open();
    window.add_local_files(&[("early.txt", b"too soon")]);
    let from = window.local_row("early.txt").rect().center();
    // The server pane: the right half, level with the row.
    let to = egui::pos2(window.size.x * 0.75, from.y);
    window.drag(from, to);
    window.run_until("the notice", |h| {
        h.state()
            .notice()
            .is_some_and(|n| n.contains("Connect to a server"))
    });
    assert!(window.harness.state().queue_items().is_empty());
}

/// A folder dragged from a pane's folder tree onto the other pane goes across with everything
/// in it, as from the table (FileZilla allows both; a walk found the tree's folders would not
/// move): down from the server's tree, then up from the local one, bytes checked each way.
#[test]
fn folders_dragged_from_the_trees_go_across() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_and_wait_for(&server, "Documents");
    let tree_node = |window: &Window, side: Side, name: &str| {
        window
            .pane(side)
            .query_all_by_role_and_label(Role::TreeItem, name)
            .next()
            .unwrap_or_else(|| panic!("no {name} in the {side:?} tree"))
            .rect()
            .center()
    };
    let from = tree_node(&window, Side::Remote, "Documents");
    let to = window.table_space("Local");
    window.drag(from, to);
    window.run_until("the folder downloaded", |h| {
        h.query_by_label("Successful (4)").is_some()
    });
    for file in ["readme.txt", "Reports/2025/summary.csv"] {
        assert_eq!(
            std::fs::read(window.downloads.path().join("Documents").join(file)).unwrap(),
            std::fs::read(server.path().join("Documents").join(file)).unwrap(),
            "{file}"
        );
    }

    let folder = window.downloads.path().join("outgoing");
    std::fs::create_dir_all(folder.join("inner")).unwrap();
    std::fs::write(folder.join("inner/up.txt"), b"from the local tree").unwrap();
    window.open_local_again();
    window.run_until("the local tree", |h| {
        h.get_by_label("Local pane")
            .query_all_by_role_and_label(Role::TreeItem, "outgoing")
            .next()
            .is_some()
    });
    let from = tree_node(&window, Side::Local, "outgoing");
    let to = window.table_space("Remote");
    window.drag(from, to);
    window.run_until("the folder uploaded", |h| {
        h.query_by_label("Successful (5)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("outgoing/inner/up.txt")).unwrap(),
        b"from the local tree"
    );
}

/// A folder reached by typing its path shows the folders above it in the tree, though their
/// own folders were never listed: dragged from there, one goes across all the same (it could
/// not be dragged: there was no listing entry for it).
#[test]
fn a_folder_the_tree_knows_only_as_the_way_down_can_be_dragged() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_and_wait_for(&server, "Documents");
    window.go_to_path(Side::Remote, "/Documents/Reports/2025");
    window.run_until("the typed folder", |h| {
        h.get_by_label("Remote pane")
            .query_all_by_label("summary.csv")
            .next()
            .is_some()
    });
    let from = window
        .pane(Side::Remote)
        .query_all_by_role_and_label(Role::TreeItem, "Reports")
        .next()
        .expect("Reports in the server's tree")
        .rect()
        .center();
    let to = window.table_space("Local");
    window.drag(from, to);
    // The folder's own item can be done before the files it queued have started: wait for
    // the file under its name (it takes it once complete and checked).
    let summary = window.downloads.path().join("Reports/2025/summary.csv");
    window.run_until("the folder downloaded", |h| {
        summary.exists() && h.state().queue_items().iter().all(|i| !i.state.is_active())
    });
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        std::fs::read(server.path().join("Documents/Reports/2025/summary.csv")).unwrap(),
    );
}

/// A file dropped on the window from a file manager.
#[derive(Debug)]
struct DroppedFromOs(std::path::PathBuf);

impl egui::DroppedFile for DroppedFromOs {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn files_dropped_from_the_os_are_uploaded() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let outside = tempfile::tempdir().unwrap();
    let first = outside.path().join("dropped one.txt");
    let second = outside.path().join("dropped-two.bin");
    std::fs::write(&first, b"from the file manager").unwrap();
    std::fs::write(&second, ferry::demo::pseudo_random_bytes(50_000, 3)).unwrap();
    // Over the Music folder row: they go into Music.
    let over = window.row("Music").rect().center();
    window.harness.hover_at(over);
    window.harness.step();
    for path in [&first, &second] {
        window
            .harness
            .input_mut()
            .dropped_files
            .push(Arc::new(DroppedFromOs(path.clone())));
    }
    window.harness.step();
    window.run_until("the uploads", |h| {
        h.query_by_label("Successful (2)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("Music/dropped one.txt")).unwrap(),
        b"from the file manager"
    );
    assert_eq!(
        std::fs::read(server.path().join("Music/dropped-two.bin")).unwrap(),
        std::fs::read(&second).unwrap()
    );
}

/// Disconnecting while the queue works says that the queue goes on: it has connections of its
/// own, as FileZilla's has. A walk saw an upload finish after "Disconnected", and had taken it
/// for stopped.
#[test]
fn disconnecting_while_transferring_says_the_queue_goes_on() {
    let (server, mut window) = slow_download_window();
    // With nothing in the queue, a disconnection says nothing of it.
    window.connect_to(&server);
    window.harness.get_by_label("Disconnect").click();
    window.harness.run_steps(2);
    assert!(!window.notice().contains("queue"), "{:?}", window.notice());
    // The connection bar keeps what was typed: Connect again.
    window.harness.get_by_label("Connect").click();
    window.run_until("the server's list again", |h| {
        h.query_all_by_label("slow.bin").next().is_some()
    });
    start_the_slow_download(&mut window);
    window.harness.get_by_label("Disconnect").click();
    window.harness.run_steps(2);
    let notice = window.notice();
    assert!(
        notice.contains("Disconnected; the queue goes on with 1 file (Pause all stops it)"),
        "{notice:?}"
    );
}

/// Closing the window while the queue works asks first, and says what has not finished in
/// files and folders; "Keep running" leaves the transfer going.
#[test]
fn closing_the_window_while_transferring_asks_first() {
    let (server, mut window) = slow_download_window();
    window.connect_to(&server);
    start_the_slow_download(&mut window);
    close_the_window(&mut window);
    assert!(
        window
            .harness
            .query_by_label_contains("1 file has not finished")
            .is_some(),
        "no quit prompt"
    );
    window.harness.get_by_label("Keep running").click();
    window.harness.run_steps(2);
    assert_still_transferring_without_the_question(&mut window);
}

/// Escape at the quit question is "Keep running", as in any dialog: the safe answer.
#[test]
fn escape_at_the_quit_question_keeps_the_transfers_running() {
    let (server, mut window) = slow_download_window();
    window.connect_to(&server);
    start_the_slow_download(&mut window);
    close_the_window(&mut window);
    assert!(
        window
            .harness
            .query_by_label_contains("1 file has not finished")
            .is_some(),
        "no quit prompt"
    );
    window.press(egui::Key::Escape);
    window.harness.run_steps(2);
    assert_still_transferring_without_the_question(&mut window);
}

/// The window's own close button (or the window manager's close), as the system sends it.
fn close_the_window(window: &mut Window) {
    window
        .harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    window.harness.run_steps(2);
}

fn assert_still_transferring_without_the_question(window: &mut Window) {
    assert!(
        window
            .harness
            .query_by_label_contains("has not finished")
            .is_none(),
        "the quit question is still open"
    );
    assert!(
        window
            .harness
            .query_all_by_label_contains("Transferring")
            .next()
            .is_some(),
        "the download stopped"
    );
}

/// A server with `slow.bin` (256 KiB) and a window whose downloads are held to 4 KiB/s: a
/// download that is still running while the test works the window.
fn slow_download_window() -> (TestServer, Window) {
    let server = TestServer::start();
    std::fs::write(server.path().join("slow.bin"), vec![7u8; 256 * 1024]).unwrap();
    let mut settings = ferry::store::settings::Settings::default();
    settings.transfers.download_limit_kib = 4;
    let window = Window::open_setup(Setup {
        settings,
        ..Setup::default()
    });
    (server, window)
}

fn start_the_slow_download(window: &mut Window) {
    window.double_click("slow.bin");
    window.run_until("the download running", |h| {
        h.query_all_by_label_contains("Transferring")
            .next()
            .is_some()
    });
}

/// A folder that fails is counted in the Failed tab like a file: a walk sent the server's
/// `Music` folder onto a local file named `Music`, and "Failed (4)" stayed "Failed (4)". The
/// local file is left as it was.
#[test]
fn a_folder_that_fails_is_counted_with_the_failures() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("Music", b"a file named Music")]);
    window.connect_and_wait_for(&server, "Music");
    assert!(window.has_label("Failed (0)"));
    window.row("Music").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    window.run_until("the folder's failure", |h| {
        h.query_by_label("Failed (1)").is_some()
    });
    assert_eq!(
        std::fs::read(window.downloads.path().join("Music")).unwrap(),
        b"a file named Music"
    );
}

/// A file listed by its date alone (an old file's `ls -l` line) takes its time from MDTM when
/// downloaded, not midnight of that day: a walk's local copy of a file from 13:45 said
/// 00:00, and "Overwrite if newer" then skipped a server file hours newer than the copy.
#[test]
fn a_file_listed_by_its_date_alone_keeps_the_servers_time() {
    let server = crate::support::faulty::FaultyServer::start();
    server.set_listing(
        "/",
        &[
            "-rw-r--r-- 1 0 0 9 Mar 15  2024 old.txt",
            "-rw-r--r-- 1 0 0 9 Jan 02 2025 welcome.txt",
        ],
    );
    server.add_file("/old.txt", b"old bytes".to_vec());
    server.add_file("/welcome.txt", b"new bytes".to_vec());
    let mut window = Window::open();
    window.type_into("Host:", "127.0.0.1");
    window.type_into("Port:", &server.port.to_string());
    window.type_into("User:", "u");
    window.type_into("Password:", "p");
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "old.txt", true);
    window.double_click("old.txt");
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    let local = window.downloads.path().join("old.txt");
    assert_eq!(std::fs::read(&local).unwrap(), b"old bytes");
    assert!(server.count("MDTM") >= 1, "{:?}", server.commands());
    // The faulty server's MDTM: 2025-01-02 03:04:05 UTC.
    let kept = std::fs::metadata(&local).unwrap().modified().unwrap();
    let expected = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_735_787_045);
    assert_eq!(kept, expected);
}
