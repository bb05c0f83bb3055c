//! Issue 12, items 11 and 12: the connection button, menus, the permissions dialog, and the
//! smaller things a person notices.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::ui::Side;

use crate::support::{PASSWORD, TestServer};
use crate::window::*;

/// Item 11: one button, Connect or Disconnect, on the same row as the fields at 1200 points;
/// after Disconnect the server's list is gone, not left stale.
#[test]
fn connect_and_disconnect_are_one_button_in_one_row() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    assert!(!window.has_label("Disconnect"));
    let host = window.harness.get_by_label("Host:").rect();
    let connect = window.harness.get_by_label("Connect").rect();
    assert!(
        (host.center().y - connect.center().y).abs() < 2.0,
        "Connect at {connect:?} is not on the Host field's row {host:?}"
    );
    window.connect_and_wait_for(&server, "Documents");
    assert!(
        !window.has_label("Connect"),
        "Connect offered while connected"
    );
    window.harness.get_by_label("Disconnect").click();
    window.harness.step();
    window.harness.step();
    assert!(window.has_label("Connect"));
    assert!(
        !window.has_row("Documents"),
        "the old listing is still shown"
    );
    assert!(window.has_label_containing("Not connected"));
}

/// Item 12: a right-click on the empty space below the rows offers what needs no selection.
#[test]
fn the_empty_space_of_a_list_has_a_menu() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let below = window.row("welcome.txt").rect().center() + egui::vec2(0.0, 120.0);
    window.right_click_at(below);
    assert!(window.has_label("Refresh (F5)"));
    window.harness.get_by_label("Create folder…").click();
    // The click's three frames, then the dialog's first (laid out unseen) and its second.
    window.harness.run_steps(3);
    assert!(window.has_label("Create folder"), "no dialog");
}

/// Item 12: Open is offered for a file on both sides, not only for folders.
#[test]
fn open_is_offered_for_files() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("notes.txt", b"local")]);
    window.connect_to(&server);
    for side in [Side::Remote, Side::Local] {
        let name = if side == Side::Remote {
            "welcome.txt"
        } else {
            "notes.txt"
        };
        window
            .pane_rows(name, side)
            .next()
            .unwrap()
            .click_secondary();
        window.harness.step();
        window.harness.step();
        let open = window.harness.get_by_label("Open");
        assert!(
            !open.accesskit_node().is_disabled(),
            "Open greyed out for a file on the {side:?} side"
        );
        window.harness.key_press(egui::Key::Escape);
        window.harness.step();
        window.harness.step();
    }
}

/// Item 12: the permissions dialog starts empty when the listing shows none (not at 644), and
/// a server that refuses SITE CHMOD says so where it is seen, until dismissed.
#[test]
fn permissions_start_empty_and_a_refusal_stays_on_screen() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("welcome.txt").click_secondary();
    window.harness.step();
    window.harness.step();
    window.harness.get_by_label("Permissions…").click();
    window.harness.run_steps(4);
    assert!(window.has_label_containing("does not show the current permissions"));
    assert!(
        window
            .harness
            .get_by_label("Apply")
            .accesskit_node()
            .is_disabled(),
        "Apply offered with nothing chosen"
    );
    assert_eq!(
        window
            .harness
            .get_by_label("Numeric value:")
            .value()
            .as_deref(),
        Some("")
    );
    window.harness.get_by_label("Owner read").click();
    window.harness.step();
    window.harness.get_by_label("Owner write").click();
    window.harness.step();
    assert_eq!(
        window
            .harness
            .get_by_label("Numeric value:")
            .value()
            .as_deref(),
        Some("600")
    );
    window.harness.get_by_label("Apply").click();
    let shown = |h: &egui_kittest::Harness<'static, ferry::ui::FerryApp>| {
        h.query_by_label("Problems")
            .is_some_and(|p| p.query_by_label_contains("Could not").is_some())
    };
    window.run_until("the refusal", shown);
    // Still there a hundred frames (five seconds) later, then dismissed.
    window.harness.run_steps(100);
    assert!(shown(&window.harness), "the refusal went by itself");
    window.harness.get_by_label("Dismiss").click();
    window.harness.run_steps(2);
    assert!(!shown(&window.harness), "still shown after Dismiss");
}

/// Item 12: a folder that can't be opened leaves the path bar at the folder shown.
#[test]
fn a_bad_path_goes_back_to_the_folder_shown() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.go_to_path(Side::Remote, "/no such folder");
    window.run_until("the refusal", |h| {
        h.query_all_by_label_contains("Could not").next().is_some()
    });
    assert_eq!(
        window
            .pane_widget("Remote site:", Side::Remote)
            .value()
            .as_deref(),
        Some("/")
    );
    assert!(window.has_row("welcome.txt"));
}

/// Item 12: counts in words ("1 file", not "1 files"), an empty folder that says so, local times
/// to the second like the server's.
#[test]
fn counts_empty_folders_and_times_read_naturally() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("local.txt", b"x")]);
    window.connect_to(&server);
    window.double_click("Software");
    window.run_until("Software", |h| h.query_by_label("Server: 1 file").is_some());
    assert!(!window.has_label_containing("1 files"));
    window.press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);
    window.double_click("Empty folder");
    window.run_until("the empty folder", |h| {
        h.get_by_label("Remote pane")
            .query_by_label("This folder is empty")
            .is_some()
    });
    // yyyy-mm-dd hh:mm:ss, as the server's MLSD times show.
    let times: Vec<String> = window
        .pane(Side::Local)
        .query_all_by_role(Role::Label)
        .filter_map(|n| n.value())
        .filter(|v| v.len() == 19 && v.as_bytes()[4] == b'-' && v.as_bytes()[13] == b':')
        .collect();
    assert!(
        times.iter().any(|t| t.as_bytes()[16] == b':'),
        "local times without seconds: {times:?}"
    );
}

/// Item 12: a finished transfer offers Retry and Remove, not Pause or Cancel.
#[test]
fn a_finished_transfer_offers_only_what_applies() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.double_click("welcome.txt");
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    window.harness.get_by_label("Successful (1)").click();
    window.harness.step();
    window.harness.step();
    let item = window.queue_row("Successful (1)", "welcome.txt");
    window.right_click_at(item);
    assert!(!enabled(&window, "Pause"));
    assert!(!enabled(&window, "Cancel"));
    assert!(!enabled(&window, "Resume"));
    assert!(enabled(&window, "Remove from queue"));
}

/// Item 12: a server that refused the login is not kept in the recent servers; one that took
/// it is.
#[test]
fn the_history_keeps_only_servers_that_took_the_login() {
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let history = config.path().join(ferry::store::history::FILE_NAME);
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.fill_connection_bar(&server, "wrong");
    window.harness.get_by_label("Connect").click();
    window.run_until("the refusal", |h| {
        h.query_by_label_contains("Disconnected: 530").is_some()
    });
    assert!(!history.exists(), "a refused login went into the history");
    window.harness.get_by_label("Password:").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.get_by_label("Password:").type_text(PASSWORD);
    window.harness.step();
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);
    let port = format!("port = {}", server.port());
    window.run_until("history.toml", |_| {
        std::fs::read_to_string(&history).is_ok_and(|t| t.contains(&port))
    });
}

/// A recent server comes back with the encryption it was connected with: a walk picked a
/// server reached with implicit TLS from the list and waited 20 s for a greeting, the bar
/// having gone back to its default.
#[test]
fn a_recent_server_keeps_its_encryption() {
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.fill_connection_bar(&server, PASSWORD);
    // (the Options button as it reads, the encryption chosen in its menu)
    let choose = |window: &mut Window, button: &str, mode: &str| {
        window.harness.get_by_label(button).click();
        window.harness.run();
        window.harness.get_by_label(mode).click();
        window.harness.run();
        window.press(egui::Key::Escape);
        window.harness.run();
    };
    choose(&mut window, "Options ⏷", "Plain FTP (insecure)");
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);
    window.harness.get_by_label("Disconnect").click();
    window.run_until("disconnected", |h| {
        h.query_by_label("Not connected").is_some()
    });
    choose(
        &mut window,
        "Options: plain FTP ⏷",
        "Use TLS if the server offers it",
    );

    window.harness.get_by_label("Recent servers").click();
    window.harness.run();
    let entry = format!(
        "{}@127.0.0.1:{} (plain FTP)",
        crate::support::USER,
        server.port()
    );
    window.harness.get_by_label(&entry).click();
    window.harness.run();
    // The bar says so, and so does the menu.
    window.harness.get_by_label("Options: plain FTP ⏷").click();
    window.harness.run();
    assert_eq!(
        window
            .harness
            .get_by_label("Plain FTP (insecure)")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True)
    );
}

/// A path typed without a leading slash opens from the folder shown, on both sides.
#[test]
fn a_relative_path_opens_from_the_folder_shown() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("inner/deep.txt", b"x")]);
    window.connect_to(&server);
    for (side, typed) in [(Side::Remote, "Documents/Reports"), (Side::Local, "inner")] {
        window.go_to_path(side, typed);
    }
    wait_for_row(&mut window, "annual report 2025.pdf", true);
    window.run_until("the local subfolder", |h| {
        h.get_by_label("Local pane")
            .query_by_role_and_label(Role::Row, "deep.txt")
            .is_some()
    });
    assert_eq!(
        window
            .pane_widget("Remote site:", Side::Remote)
            .value()
            .as_deref(),
        Some("/Documents/Reports")
    );
}

/// The queue menu's "Segmented download" turns splitting off for a download that waits, and on
/// again: the engine's item keeps the choice. A file too small for two parts doesn't offer it.
#[test]
fn the_queue_menu_turns_segmented_download_off_and_on_for_an_item() {
    let server = TestServer::start();
    std::fs::write(server.path().join("big.bin"), vec![1u8; 9 * 1024 * 1024]).unwrap();
    let mut window = Window::open();
    std::fs::write(window.downloads.path().join("big.bin"), b"older").unwrap();
    window.connect_to(&server);
    wait_for_row(&mut window, "big.bin", true);
    window.double_click("big.bin");
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    window.harness.get_by_label("Decide later").click();
    window.run_until("the paused item", |h| {
        h.query_all_by_label_contains("Paused").next().is_some()
    });
    for wanted in [false, true] {
        let item = window.queue_row("Queued (1)", "big.bin");
        window.right_click_at(item);
        window.harness.get_by_label("Segmented download").click();
        window.run_until("the item's choice", |h| {
            h.state()
                .queue_items()
                .iter()
                .any(|i| i.segmented == Some(wanted))
        });
    }
}

/// One item waiting: its menu doesn't offer to move it (there is nothing to move it past), and
/// cancelling it from the menu files it with the failed ones as "Cancelled", not as a failure.
#[test]
fn a_lone_item_cannot_be_moved_and_a_cancel_reads_as_cancelled() {
    let server = TestServer::start();
    let mut window = Window::open();
    std::fs::write(window.downloads.path().join("welcome.txt"), b"older").unwrap();
    window.connect_to(&server);
    wait_for_row(&mut window, "welcome.txt", true);
    window.double_click("welcome.txt");
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    window.harness.get_by_label("Decide later").click();
    window.run_until("the paused item", |h| {
        h.query_all_by_label_contains("Paused").next().is_some()
    });
    let item = window.queue_row("Queued (1)", "welcome.txt");
    window.right_click_at(item);
    assert!(!enabled(&window, "Move up"));
    assert!(!enabled(&window, "Move down"));
    assert!(enabled(&window, "Cancel"));
    window.harness.get_by_label("Cancel").click();
    window.run_until("the cancelled item", |h| {
        h.query_by_label("Failed (1)").is_some()
    });
    window.harness.get_by_label("Failed (1)").click();
    window.run_until("the Failed tab", |h| {
        h.query_by_label("Cancelled").is_some()
    });
    assert!(
        window
            .harness
            .query_all_by_label_contains("Failed: cancelled")
            .next()
            .is_none(),
        "a cancel the person chose reads as a failure"
    );
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
        b"older",
        "the cancelled download changed the local file"
    );
}

/// Whether the widget called `label` (a menu entry, say) can be used.
fn enabled(window: &Window, label: &str) -> bool {
    !window
        .harness
        .get_by_label(label)
        .accesskit_node()
        .is_disabled()
}
