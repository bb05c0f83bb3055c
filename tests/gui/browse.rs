//! Connecting, reading the welcome, browsing the server: tree, sort, filter, rename, delete.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::ui::Side;

use crate::support::{self, PASSWORD, TestServer, USER};
use crate::window::*;

#[test]
fn connect_read_the_welcome_and_browse() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.fill_connection_bar(&server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);

    assert!(
        window.has_label("Ferry demo server (libunftp) on 127.0.0.1"),
        "greeting not shown"
    );
    assert!(window.has_label("Current folder: /"), "PWD not shown");
    assert!(window.has_row("Documents"));
    assert!(window.has_label_containing("Connected to 127.0.0.1:"));

    // Double-click a folder and find what is inside.
    window.double_click("Documents");
    wait_for_row(&mut window, "readme.txt", true);
    assert!(window.has_label("Current folder: /Documents"));
    assert!(window.has_row("Reports"));
    assert!(!window.has_row("welcome.txt"));

    // Backspace goes back up, and the folder just left has the cursor (as in every file
    // manager): Enter goes straight back in.
    window.harness.key_press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);
    window.harness.run_steps(2);
    let selected = selected_remote_rows(&window);
    assert!(
        matches!(&selected[..], [only] if only.contains("Documents")),
        "{selected:?}"
    );

    // The message log shows the transcript, with the password masked.
    assert!(
        window.has_label_containing("Listed /Documents:"),
        "the newest lines show first"
    );
    // Scroll up to the login.
    for _ in 0..100 {
        if window.has_label_containing("Command: PASS ****") {
            break;
        }
        window
            .harness
            .get_all_by_label_contains("Response:")
            .next()
            .unwrap()
            .scroll_up();
        window.harness.step();
    }
    assert!(window.has_label_containing("Command: PASS ****"));
    assert!(!window.has_label_containing(PASSWORD));
    assert!(!window.harness.state().log_text().contains(PASSWORD));
}

#[test]
fn wrong_password_shows_530_and_leaves_the_window_usable() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.fill_connection_bar(&server, "not-the-password");
    window.harness.key_press(egui::Key::Enter);
    window.run_until("the login failure", |h| {
        h.query_all_by_label_contains("Disconnected: 530")
            .next()
            .is_some()
    });
    // The status line carries the server's words; the log has the reply too.
    assert!(window.has_label_containing("Response:"));
    assert!(window.harness.query_all_by_label_contains("530").count() >= 2);

    // Fix the password and try again.
    window.harness.get_by_label("Password:").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.get_by_label("Password:").type_text(PASSWORD);
    window.harness.step();
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);
}

#[test]
fn pasting_a_url_into_the_host_field_fills_the_form_and_opens_the_path() {
    let server = TestServer::start();
    let mut window = Window::open();
    let url = format!(
        "ftp://{USER}:{PASSWORD}@127.0.0.1:{}/My%20Projects/site",
        server.port()
    );
    // A paste: the whole address in one event, as the clipboard gives it.
    window.harness.get_by_label("Host:").click();
    window.harness.step();
    window.harness.event(egui::Event::Paste(url));
    window.harness.step();
    window.harness.step();
    let value = |label: &str| window.harness.get_by_label(label).value();
    assert_eq!(value("Host:").as_deref(), Some("127.0.0.1"));
    assert_eq!(value("Port:"), Some(server.port().to_string()));
    assert_eq!(value("User:").as_deref(), Some(USER));
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "index.html", true);
    assert!(window.has_label("Current folder: /My Projects/site"));
}

#[test]
fn a_silent_server_shows_a_spinner_and_disconnect_cancels_at_once() {
    let silent = support::scripted::ScriptedServer::start(vec![support::scripted::Step::Silence]);
    let mut window = Window::open();
    window.type_into("Host:", "127.0.0.1");
    window.type_into("Port:", &silent.port.to_string());
    window.harness.get_by_label("Connect").click();
    window.run_until("the connecting state", |h| {
        h.query_all_by_label_contains("Connecting to 127.0.0.1")
            .next()
            .is_some()
    });
    // The window keeps drawing frames while the server says nothing.
    for _ in 0..10 {
        window.harness.step();
    }
    assert!(window.has_label_containing("Connecting to 127.0.0.1"));
    window.harness.get_by_label("Disconnect").click();
    window.harness.step();
    window.harness.step();
    assert!(window.has_label("Not connected"));
    // The server sees the connection closed: the engine dropped it.
    silent.finish();
}

#[test]
fn tree_sort_filter_rename_and_delete() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.fill_connection_bar(&server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);

    // The tree shows the root's folders; opening a node lists it lazily.
    assert!(
        window
            .harness
            .query_by_role_and_label(Role::TreeItem, "Documents")
            .is_some()
    );
    assert!(
        window
            .harness
            .query_by_role_and_label(Role::TreeItem, "Reports")
            .is_none()
    );
    window.harness.get_by_label("Expand Documents").click();
    window.run_until("Reports in the tree", |h| {
        h.query_by_role_and_label(Role::TreeItem, "Reports")
            .is_some()
    });
    window.harness.get_by_label("Expand Reports").click();
    window.run_until("2025 in the tree", |h| {
        h.query_by_role_and_label(Role::TreeItem, "2025").is_some()
    });
    // The table still shows the root: expanding is not entering.
    assert!(window.has_row("welcome.txt"));

    // Clicking a tree node shows that folder (already listed: no wait for the server).
    window
        .harness
        .get_by_role_and_label(Role::TreeItem, "Documents")
        .click();
    window.harness.step();
    window.harness.step();
    assert!(window.has_row("readme.txt"));
    assert!(window.has_label("Current folder: /Documents"));

    // A folder not listed yet: the tree click asks the server. (Documents is folded first, so
    // that Photos is in view in the tree.)
    window.harness.get_by_label("Collapse Documents").click();
    window.harness.step();
    window.harness.step();
    window
        .harness
        .get_by_role_and_label(Role::TreeItem, "Photos")
        .click();
    wait_for_row(&mut window, "holiday-01.jpg", true);

    // Sort by size: 380 KiB before 420 KiB, then the other way round; folders stay first.
    assert!(
        window.row_top("holiday-01.jpg") < window.row_top("holiday-02.jpg"),
        "by name"
    );
    window
        .harness
        .get_by_label("Remote files: sort by Size")
        .click();
    window.harness.step();
    assert!(
        window.row_top("holiday-02.jpg") < window.row_top("holiday-01.jpg"),
        "small first"
    );
    assert!(
        window.row_top("Old Albums") < window.row_top("holiday-02.jpg"),
        "folders first"
    );
    window
        .harness
        .get_by_label("Remote files: sort by Size")
        .click();
    window.harness.step();
    assert!(
        window.row_top("holiday-01.jpg") < window.row_top("holiday-02.jpg"),
        "large first"
    );
    assert!(
        window.row_top("Old Albums") < window.row_top("holiday-01.jpg"),
        "folders first"
    );

    // Filter by name; the status line counts the rows shown, and says how many are hidden.
    assert!(window.has_label("Server: 2 files and 1 folder"));
    window.type_filter(Side::Remote, "02");
    assert!(window.has_row("holiday-02.jpg"));
    assert!(!window.has_row("holiday-01.jpg"));
    assert!(!window.has_row("Old Albums"));
    assert!(window.has_label("Server: 1 file (the filter hides 2)"));
    window.clear_filter(Side::Remote);
    assert!(window.has_row("holiday-01.jpg"));
    assert!(window.has_label("Server: 2 files and 1 folder"));

    // What is selected, and its size, as FileZilla's status bar says it (a walk missed it).
    window.row("holiday-01.jpg").click();
    window.harness.step();
    window.harness.step();
    assert!(
        window.has_label("Server: 2 files and 1 folder, selected: 1 file, 420.0 KiB"),
        "one file selected"
    );
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.step();
    window.harness.step();
    assert!(
        window.has_label(
            "Server: 2 files and 1 folder, selected: 2 files and 1 folder, 800.0 KiB in the files"
        ),
        "all selected"
    );

    // Back to Documents (from the cache) for the changes.
    window
        .harness
        .get_by_role_and_label(Role::TreeItem, "Documents")
        .click();
    window.harness.step();
    window.harness.step();

    // Rename with F2: the name before its extension is chosen, so what is typed replaces it.
    // By keys only: Tab goes on to OK (the name field keeps what was typed, and does not take
    // the focus back), and Space presses it.
    window.row("notes.md").click();
    window.harness.step();
    window.harness.key_press(egui::Key::F2);
    window.harness.step();
    window.harness.step();
    window
        .harness
        .get_by_label("New name:")
        .type_text("renamed notes");
    window.harness.step();
    window.harness.key_press(egui::Key::Tab);
    window.harness.step();
    window.harness.step();
    window.harness.key_press(egui::Key::Space);
    window.harness.step();
    wait_for_row(&mut window, "renamed notes.md", true);
    assert!(!window.has_row("notes.md"));
    assert!(server.path().join("Documents/renamed notes.md").is_file());

    // Delete with Del, after a confirmation that names the file. The renamed file is still the
    // chosen one: no click needed.
    window.harness.key_press(egui::Key::Delete);
    window.harness.step();
    window.harness.step();
    assert!(window.has_label("Delete from the server?"));
    assert!(window.has_label("🗋 renamed notes.md"));
    window.harness.get_by_label("Delete").click();
    wait_for_row(&mut window, "renamed notes.md", false);
    assert!(!server.path().join("Documents/renamed notes.md").exists());
    assert!(
        server.path().join("Documents/readme.txt").exists(),
        "only the chosen file went"
    );
    // The row in its place is chosen: the keys go on from there.
    window.harness.run_steps(2);
    let selected = selected_remote_rows(&window);
    assert!(
        matches!(&selected[..], [only] if only.contains("readme.txt")),
        "{selected:?}"
    );

    // The folder above was kept as it was listed before the changes (Documents' time has
    // changed since): going up shows it at once, and lists it again.
    let listed = window.log_count("Listed /:");
    window.harness.key_press(egui::Key::Backspace);
    window.run_until("/ listed again", |h| {
        h.state().log_text().matches("Listed /:").count() > listed
    });
}

/// Rows dragged onto another folder of the same pane move there, as in a file manager, after
/// a question that names them and the folder: Cancel leaves everything, Move moves, and a name
/// taken in the folder moves nothing. Both panes; the bytes checked where they end up.
#[test]
fn dragging_rows_onto_a_folder_of_the_same_pane_moves_them_after_asking() {
    let server = TestServer::start();
    let welcome = std::fs::read(server.path().join("welcome.txt")).unwrap();
    std::fs::write(server.path().join("readme.txt"), b"a second readme").unwrap();
    let mut window = Window::open();
    let local = window.downloads.path().to_path_buf();
    std::fs::create_dir(local.join("box")).unwrap();
    std::fs::write(local.join("a.txt"), b"alpha").unwrap();
    window.open_local_again();
    window.connect_to(&server);
    // The status line counts the local pane's rows too, and what its filter hides.
    assert!(window.has_label("Local: 1 file and 1 folder"));
    window.type_filter(Side::Local, "a.");
    assert!(window.has_label("Local: 1 file (the filter hides 1)"));
    window.clear_filter(Side::Local);
    assert!(window.has_label("Local: 1 file and 1 folder"));

    // The server pane: Cancel first, then Move.
    for confirm in ["Cancel", "Move"] {
        let from = window.row("welcome.txt").rect().center();
        let to = window.row("Documents").rect().center();
        window.drag(from, to);
        window.run_until("the question", |h| h.query_by_label("Move?").is_some());
        assert!(window.has_label("1 file will move into:"));
        assert!(window.has_label("/Documents"));
        window.harness.get_by_label(confirm).click();
        window.harness.step();
        if confirm == "Cancel" {
            assert!(window.has_row("welcome.txt"));
            assert_eq!(
                std::fs::read(server.path().join("welcome.txt")).unwrap(),
                welcome
            );
        }
    }
    wait_for_row(&mut window, "welcome.txt", false);
    assert_eq!(
        std::fs::read(server.path().join("Documents/welcome.txt")).unwrap(),
        welcome
    );
    assert!(!server.path().join("welcome.txt").exists());

    // A name taken in the folder: nothing moves, and the person is told why.
    let from = window.row("readme.txt").rect().center();
    let to = window.row("Documents").rect().center();
    window.drag(from, to);
    window.run_until("the question", |h| h.query_by_label("Move?").is_some());
    window.harness.get_by_label("Move").click();
    window.run_until("the refusal", |h| {
        h.query_all_by_label_contains("nothing was moved")
            .next()
            .is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("readme.txt")).unwrap(),
        b"a second readme"
    );
    assert_eq!(
        std::fs::read(server.path().join("Documents/readme.txt")).unwrap(),
        b"Sample documents.\n"
    );

    // Let go over the folder they are in (the table's empty space): no question.
    let from = window.row("readme.txt").rect().center();
    let to = window.table_space("Remote");
    window.drag(from, to);
    window.harness.step();
    assert!(!window.has_label("Move?"));

    // The local pane.
    let from = window.local_row("a.txt").rect().center();
    let to = window.local_row("box").rect().center();
    window.drag(from, to);
    window.run_until("the question", |h| h.query_by_label("Move?").is_some());
    assert!(window.has_label(&local.join("box").display().to_string()));
    window.harness.get_by_label("Move").click();
    window.run_until("a.txt gone from the local pane", |h| {
        let pane = h.get_by_label("Local pane");
        pane.query_by_role_and_label(Role::Label, "a.txt").is_none()
    });
    assert_eq!(std::fs::read(local.join("box/a.txt")).unwrap(), b"alpha");
    assert!(!local.join("a.txt").exists());
}

fn synchronized_browsing_is_off(window: &Window) -> bool {
    let switch = window
        .harness
        .get_by_role_and_label(Role::Switch, "Synchronized browsing")
        .accesskit_node()
        .toggled();
    switch == Some(egui::accesskit::Toggled::False)
}

/// Answers synchronized browsing's question about a missing folder with Stop: the question
/// closes and the switch is off.
fn stop_synchronized_browsing_when_asked(window: &mut Window) {
    window.run_until("the question", |h| {
        h.query_by_label("Create folder").is_some()
    });
    window
        .harness
        .get_by_label("Stop synchronized browsing")
        .click();
    window.harness.run_steps(3);
    assert!(window.harness.query_by_label("Create folder").is_none());
    assert!(synchronized_browsing_is_off(window));
    // Said where it can be seen, not only by the switch (the third walk).
    assert!(window.has_label_containing("Synchronized browsing is off"));
}

/// Synchronized browsing through the window: opening a server folder opens the local one of the
/// same name, and back. The walk found a server folder with no local counterpart reported as a
/// bare error inside the server's pane: now the person is asked to create it here (it is
/// created, and shown) or to stop browsing in step (nothing is created).
#[test]
fn synchronized_browsing_follows_and_offers_a_missing_local_folder() {
    let server = TestServer::start();
    let mut window = Window::open();
    let local = window.downloads.path().to_path_buf();
    std::fs::create_dir(local.join("Documents")).unwrap();
    window.open_local_again();
    window.connect_and_wait_for(&server, "Documents");
    window.harness.get_by_label("Synchronized browsing").click();
    window.harness.run_steps(3);
    let enter = |window: &mut Window, name: &str| {
        window.row(name).click();
        window.harness.step();
        window.press(egui::Key::Enter);
    };

    enter(&mut window, "Documents");
    wait_for_row(&mut window, "readme.txt", true);
    let documents = local.join("Documents").display().to_string();
    window.run_until("the local Documents", |h| {
        h.get_by_label("Local pane")
            .query_all_by_value(&documents)
            .next()
            .is_some()
    });
    window.harness.key_press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);
    window.run_until("the local folder back at the start", |h| {
        h.get_by_label("Local pane")
            .query_all_by_role_and_label(Role::Row, "Documents")
            .next()
            .is_some()
    });

    // A server folder with nothing of its name here: asked, and created.
    enter(&mut window, "Software");
    window.run_until("the question", |h| {
        h.query_by_label("The server's /Software has no counterpart on this computer:")
            .is_some()
            && h.query_by_label("Create folder").is_some()
    });
    assert!(!local.join("Software").exists());
    // The server's pane stays where the person went (it was sent back to / while the local
    // folder was looked for).
    window.harness.run_steps(5);
    assert_eq!(window.site(Side::Remote), "/Software");
    window.harness.get_by_label("Create folder").click();
    let software = local.join("Software").display().to_string();
    window.run_until("the new local folder shown", |h| {
        h.get_by_label("Local pane")
            .query_all_by_value(&software)
            .next()
            .is_some()
    });
    assert!(local.join("Software").is_dir());
    assert_eq!(window.site(Side::Local), software);
    // The local tree shows it too, among its folder's others (the walk found it missing).
    window.run_until("the new folder in the local tree", |h| {
        h.get_by_label("Local pane")
            .query_all_by_role_and_label(Role::TreeItem, "Software")
            .next()
            .is_some()
    });
    assert_eq!(window.site(Side::Remote), "/Software");

    // Another: stopping creates nothing, and the switch is off.
    window.harness.key_press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);
    enter(&mut window, "Photos");
    stop_synchronized_browsing_when_asked(&mut window);
    assert!(!local.join("Photos").exists());
}

/// The other way: a local folder with no folder of its name on the server. Asked, it is
/// created on the server and shown there; stopping creates nothing.
#[test]
fn synchronized_browsing_offers_a_missing_server_folder() {
    let server = TestServer::start();
    let mut window = Window::open();
    let local = window.downloads.path().to_path_buf();
    for name in ["Only here", "Also only here"] {
        std::fs::create_dir(local.join(name)).unwrap();
    }
    window.open_local_again();
    window.connect_and_wait_for(&server, "Documents");
    window.harness.get_by_label("Synchronized browsing").click();
    window.harness.run_steps(3);
    let enter_local = |window: &mut Window, name: &str| {
        window.local_row(name).click();
        window.harness.step();
        window.press(egui::Key::Enter);
    };

    enter_local(&mut window, "Only here");
    window.run_until("the question", |h| {
        h.query_by_label("/Only here").is_some() && h.query_by_label("Create folder").is_some()
    });
    assert!(!server.path().join("Only here").exists());
    window.harness.run_steps(5);
    let only_here = local.join("Only here").display().to_string();
    assert_eq!(
        window.site(Side::Local),
        only_here,
        "the local pane was sent back while the server's folder was looked for"
    );
    window.harness.get_by_label("Create folder").click();
    window.run_until("the new server folder shown", |h| {
        h.get_by_label("Remote pane")
            .query_all_by_value("/Only here")
            .next()
            .is_some()
    });
    assert!(server.path().join("Only here").is_dir());

    window.press(egui::Key::Backspace);
    window.run_until("both back at the start", |h| {
        h.get_by_label("Remote pane")
            .query_all_by_role_and_label(Role::Row, "welcome.txt")
            .next()
            .is_some()
    });
    window.harness.run_steps(3);
    enter_local(&mut window, "Also only here");
    stop_synchronized_browsing_when_asked(&mut window);
    assert!(!server.path().join("Also only here").exists());
}

/// The walk: going above the folders synchronized browsing began in left the switch on while
/// the other pane stayed behind, and the next double-click uploaded into the wrong folder. Now
/// it switches off, and says so.
#[test]
fn synchronized_browsing_turns_off_above_the_folders_it_began_in() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_and_wait_for(&server, "Documents");
    window.harness.get_by_label("Synchronized browsing").click();
    window.harness.run_steps(3);
    window.pane_widget("Up", Side::Local).click();
    window.run_until("the note", |h| {
        h.query_by_label_contains("Synchronized browsing is off")
            .is_some()
    });
    assert!(synchronized_browsing_is_off(&window));
    assert_eq!(window.site(Side::Remote), "/");
}

/// The local tree keeps up with folders other programs make: one reached by typing its path
/// shows in the tree with the way down to it, and a folder opened again in the tree is read
/// again (a walk's tree kept its first listing through both).
#[test]
fn the_local_tree_shows_folders_made_by_other_programs() {
    let mut window = Window::open();
    window.add_local_files(&[("first/a.txt", b"x")]);
    // Away from the folder where they are made, so that its watch doesn't list it again.
    let first = window.downloads.path().join("first");
    window.go_to_path(Side::Local, &first.to_string_lossy());
    window.run_until("the first folder", |h| {
        h.query_by_role_and_label(Role::Label, "a.txt").is_some()
    });
    let made = window.downloads.path().join("made-later/deeper");
    std::fs::create_dir_all(&made).unwrap();
    window.go_to_path(Side::Local, &made.to_string_lossy());
    window.run_until("the typed folder in the tree, under its parent", |h| {
        h.query_by_role_and_label(Role::TreeItem, "made-later")
            .is_some()
            && h.query_by_role_and_label(Role::TreeItem, "deeper")
                .is_some()
    });
    // Another folder beside it; its parent closed and opened again in the tree.
    std::fs::create_dir(window.downloads.path().join("made-after")).unwrap();
    let parent = window.downloads_name();
    // The tree scrolls to the folder reached by its path: a click while it moves lands on
    // another row.
    window.settle();
    window
        .harness
        .get_by_label(&format!("Collapse {parent}"))
        .click();
    window.settle();
    window
        .harness
        .get_by_label(&format!("Expand {parent}"))
        .click();
    window.run_until(
        "the folder made after, once its parent is opened again",
        |h| {
            h.query_by_role_and_label(Role::TreeItem, "made-after")
                .is_some()
        },
    );
}
