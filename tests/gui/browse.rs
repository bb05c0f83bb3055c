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
    let selected: Vec<String> = window
        .pane(ferry::ui::Side::Remote)
        .query_all_by_role(egui::accesskit::Role::Row)
        .filter(|row| row.accesskit_node().is_selected() == Some(true))
        .map(|row| row.accesskit_node().label().unwrap_or_default())
        .collect();
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

    // Filter by name.
    window.pane_widget("Filter:", Side::Remote).click();
    window.harness.step();
    window.pane_widget("Filter:", Side::Remote).type_text("02");
    window.harness.step();
    assert!(window.has_row("holiday-02.jpg"));
    assert!(!window.has_row("holiday-01.jpg"));
    assert!(!window.has_row("Old Albums"));
    window.pane_widget("Filter:", Side::Remote).click();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.key_press(egui::Key::Backspace);
    window.harness.step();
    assert!(window.has_row("holiday-01.jpg"));

    // Back to Documents (from the cache) for the changes.
    window
        .harness
        .get_by_role_and_label(Role::TreeItem, "Documents")
        .click();
    window.harness.step();
    window.harness.step();

    // Rename with F2.
    window.row("notes.md").click();
    window.harness.step();
    window.harness.key_press(egui::Key::F2);
    window.harness.step();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window
        .harness
        .get_by_label("New name:")
        .type_text("renamed notes.md");
    window.harness.step();
    window.harness.get_by_label("OK").click();
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
}
