//! The keyboard: which pane has it, Tab between the panes, and keys in fields staying in them.

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use ferry::ui::{KeyArea, Side};

use crate::support::TestServer;
use crate::window::*;

/// Issue 12, item 3: Enter ends the edit of a speed limit; it must not also reach the file list
/// and upload the selected local file.
#[test]
fn enter_in_a_speed_limit_field_starts_nothing() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("local.txt", b"stays here")]);
    window.connect_to(&server);
    window.local_row("local.txt").click();
    window.harness.step();
    for field in ["Download limit:", "Upload limit:"] {
        window.harness.get_by_label(field).click();
        window.harness.step();
        window
            .harness
            .key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
        window.harness.get_by_label(field).type_text("100");
        window.harness.step();
        window.press(Key::Enter);
    }
    // Whatever Enter sent went to the engine before this refresh, and came back before it ends.
    let listed = window.log_count("Listed /:");
    window.pane_widget("Refresh", Side::Remote).click();
    window.run_until("the refreshed listing", move |h| {
        h.state().log_text().matches("Listed /:").count() > listed
    });
    assert!(window.has_label("Queued (0)"), "a transfer was queued");
    assert!(window.has_label("Successful (0)"), "a transfer ran");
    assert!(!server.path().join("local.txt").exists(), "uploaded");
    let settings = &window.harness.state().settings().transfers;
    assert_eq!(
        (settings.download_limit_kib, settings.upload_limit_kib),
        (100, 100),
        "the limits were typed in"
    );
}

/// Issue 12, item 7: Tab and Shift+Tab move the keyboard between the panes, and the arrows and
/// Del then work in the pane that has it.
#[test]
fn tab_moves_the_keyboard_between_the_panes() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("local.txt", b"here")]);
    window.connect_to(&server);
    window.row("welcome.txt").click();
    window.harness.step();

    // The local pane gets the keys: End and Del act there.
    window.press(Key::Tab);
    window.press(Key::End);
    del_asks(&mut window, "Move to the trash?", "local.txt", "after Tab");

    // Tab again: back to the server's pane.
    window.press(Key::Tab);
    window.press(Key::End);
    del_asks(
        &mut window,
        "Delete from the server?",
        "welcome.txt",
        "after a second Tab",
    );

    // Shift+Tab goes the other way.
    window
        .harness
        .key_press_modifiers(egui::Modifiers::SHIFT, Key::Tab);
    window.harness.step();
    del_asks(
        &mut window,
        "Move to the trash?",
        "local.txt",
        "after Shift+Tab",
    );
}

/// Presses Del, expects the question about `file` (so the pane that has the keyboard is the one
/// it belongs to), and cancels.
fn del_asks(window: &mut Window, question: &str, file: &str, when: &str) {
    window.press(Key::Delete);
    assert!(window.has_label(question), "Del {when}: no {question:?}");
    assert!(
        window.has_label(&format!("🗋 {file}")),
        "Del {when}: not about {file}"
    );
    window.harness.get_by_label("Cancel").click();
    window.harness.run_steps(2);
}

/// Issue 12, item 8: a tap (press and release in one frame, as touchpads send it) on a row gives
/// that row's pane the keyboard, so Del asks about that row and not one in the other pane.
#[test]
fn a_tap_on_a_row_gives_its_pane_the_keyboard() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("local.txt", b"here")]);
    window.connect_to(&server);
    window.row("welcome.txt").click();
    window.harness.step();

    let at = window.local_row("local.txt").rect().center();
    window.tap(at);
    del_asks(
        &mut window,
        "Move to the trash?",
        "local.txt",
        "after a tap on a local row",
    );

    let at = window.row("welcome.txt").rect().center();
    window.tap(at);
    del_asks(
        &mut window,
        "Delete from the server?",
        "welcome.txt",
        "after a tap on a remote row",
    );
}

/// Issue 12, item 1: End selects the last row and scrolls it into view; Home goes back up.
#[test]
fn end_and_home_scroll_the_selected_row_into_view() {
    let server = TestServer::start();
    for i in 0..50 {
        let path = server.path().join(format!("Fifty/file {i:02}.txt"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"x").unwrap();
    }
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    window.connect_and_wait_for(&server, "Documents");
    window.double_click("Fifty");
    wait_for_row(&mut window, "file 00.txt", true);
    window.press(Key::End);
    let last = window.row("file 49.txt").rect();
    assert!(
        last.max.y <= window.size.y && last.min.y >= 0.0,
        "the last row is at {last:?}, outside the window"
    );
    assert!(
        window
            .harness
            .query_all_by_role_and_label(Role::Label, "Queued (0)")
            .all(|tab| tab.rect().min.y > last.max.y),
        "the last row is under the queue"
    );
    window.press(Key::Home);
    assert!(window.has_row("file 00.txt"), "Home did not scroll back up");

    // PgDn goes a page down, twice; PgUp one back: the selected row is in view each time.
    let queue_top = window.harness.get_by_label("Queued (0)").rect().top();
    let mut seen = Vec::new();
    for key in [Key::PageDown, Key::PageDown, Key::PageUp] {
        window.press(key);
        // The table scrolls to a row it has not drawn yet over the next frames.
        window.harness.run_steps(1);
        let selected: Vec<(String, egui::Rect)> = window
            .pane(Side::Remote)
            .query_all_by_role(Role::Row)
            .filter(|row| row.accesskit_node().is_selected() == Some(true))
            .map(|row| (row.accesskit_node().label().unwrap_or_default(), row.rect()))
            .collect();
        let [(name, rect)] = &selected[..] else {
            panic!("after {key:?}, selected: {selected:?}");
        };
        assert!(
            rect.min.y >= 0.0 && rect.max.y <= queue_top,
            "{name} selected by {key:?} is out of view at {rect:?}"
        );
        seen.push(name.clone());
    }
    assert!(seen[1] > seen[0] && seen[2] < seen[1], "pages: {seen:?}");
}

/// A new user's walk: Enter answers the delete question with its default button, as in
/// FileZilla and WinSCP; Tab to Cancel first, and Enter cancels instead.
#[test]
fn enter_confirms_the_delete_question_and_tab_enter_cancels() {
    let server = TestServer::start();
    std::fs::write(server.path().join("keep.txt"), b"keep").unwrap();
    std::fs::write(server.path().join("gone.txt"), b"gone").unwrap();
    let mut window = Window::open();
    window.connect_to(&server);

    window.row("keep.txt").click();
    window.harness.step();
    window.press(Key::Delete);
    assert!(window.has_label("Delete from the server?"));
    window.press(Key::Tab);
    window.press(Key::Tab);
    window.press(Key::Enter);
    window.harness.run_steps(3);
    assert!(
        !window.has_label("Delete from the server?"),
        "Enter on Cancel closes it"
    );
    assert!(
        server.path().join("keep.txt").exists(),
        "Cancel keeps the file"
    );

    window.row("gone.txt").click();
    window.harness.step();
    window.press(Key::Delete);
    assert!(window.has_label("🗋 gone.txt"));
    window.press(Key::Enter);
    wait_for_row(&mut window, "gone.txt", false);
    assert!(!server.path().join("gone.txt").exists());
    assert!(
        server.path().join("keep.txt").exists(),
        "only the chosen file went"
    );
}

/// Ctrl+F, and `text` typed into the server pane's filter.
fn filter_by_keys(window: &mut Window, text: &str) {
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::F);
    window.harness.step();
    window.pane_widget("Filter:", Side::Remote).type_text(text);
    window.harness.run();
}

/// The second walk, keyboard only: the path bar, the filter and a new folder could only be
/// reached with the mouse. Ctrl+L, Ctrl+F and F7 reach them (the path bar's text chosen, so
/// what is typed replaces it), and Esc gives the keys back to the list.
#[test]
fn ctrl_l_ctrl_f_and_f7_reach_the_path_bar_the_filter_and_a_new_folder() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("welcome.txt").click();
    window.harness.step();

    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::L);
    window.harness.step();
    window
        .pane_widget("Remote site:", Side::Remote)
        .type_text("/Documents");
    window.harness.step();
    window.press(Key::Enter);
    wait_for_row(&mut window, "readme.txt", true);

    filter_by_keys(&mut window, "read");
    assert!(window.has_row("readme.txt"));
    assert!(!window.has_row("notes.md"), "the filter took the typing");
    window.press(Key::Escape);

    window.press(Key::F7);
    assert!(window.has_label("Create folder"), "F7 after Esc: no dialog");
    window
        .harness
        .get_by_label("Folder name:")
        .type_text("made by keys");
    window.harness.step();
    window.press(Key::Enter);
    let made = server.path().join("Documents/made by keys");
    window.run_until("the new folder", move |_| made.is_dir());
}

/// The walk: Down in the filter did nothing, so the keyboard had no way from what was typed to
/// the files it found. Down goes into the list on the first file found, and Ctrl+Enter then
/// downloads it.
#[test]
fn down_from_the_filter_chooses_the_first_file_found() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_and_wait_for(&server, "Documents");
    window.double_click("Documents");
    wait_for_row(&mut window, "readme.txt", true);
    filter_by_keys(&mut window, "read");
    assert!(!window.has_row("notes.md"), "the filter took the typing");
    window.press(Key::ArrowDown);
    let chosen = window
        .pane(Side::Remote)
        .get_by_role_and_label(Role::Row, "readme.txt")
        .accesskit_node()
        .is_selected();
    assert_eq!(chosen, Some(true), "Down left the file found unchosen");
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::Enter);
    let local = window.downloads.path().join("readme.txt");
    let wanted = std::fs::read(server.path().join("Documents/readme.txt")).unwrap();
    window.run_until("the download", move |_| {
        std::fs::read(&local).is_ok_and(|bytes| bytes == wanted)
    });
    assert_eq!(
        window
            .pane_widget("Filter:", Side::Remote)
            .value()
            .as_deref(),
        Some("read"),
        "the filter kept what was typed"
    );
}

/// A folder made with F7 is the chosen row once it is listed, in either pane, as in every file
/// manager: a walk pressed F2 straight after and renamed the row chosen before it instead (and
/// Del would have deleted that).
#[test]
fn a_new_folder_is_the_chosen_row() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("local.txt", b"here")]);
    window.connect_to(&server);
    for side in [Side::Remote, Side::Local] {
        match side {
            Side::Remote => window.row("welcome.txt").click(),
            Side::Local => window.local_row("local.txt").click(),
        }
        window.harness.step();
        window.press(Key::F7);
        window
            .harness
            .get_by_label("Folder name:")
            .type_text("made by keys");
        window.harness.step();
        window.press(Key::Enter);
        window.run_until("the new folder listed", move |h| {
            h.get_by_label(match side {
                Side::Remote => "Remote pane",
                Side::Local => "Local pane",
            })
            .query_all_by_role_and_label(Role::Row, "made by keys")
            .next()
            .is_some()
        });
        window.press(Key::F2);
        assert_eq!(
            window.harness.get_by_label("New name:").value().as_deref(),
            Some("made by keys"),
            "{side:?}"
        );
        window.press(Key::Escape);
    }
}

/// The second walk: a quick Ctrl+Enter (Ctrl let go within the same frame) opened a folder
/// instead of sending it across; each key is read with the modifiers it was pressed with.
#[test]
fn a_quick_ctrl_enter_sends_a_folder_across_rather_than_opening_it() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("Documents").click();
    window.harness.step();
    // The key carries Ctrl; the frame's own modifier state never shows it held.
    for pressed in [true, false] {
        window.harness.event(egui::Event::Key {
            key: Key::Enter,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: egui::Modifiers::COMMAND,
        });
    }
    let file = window.downloads.path().join("Documents/readme.txt");
    window.run_until("the folder downloaded", move |_| file.is_file());
    assert!(window.has_row("welcome.txt"), "the folder was opened");
}

/// A folder opened by keys has the cursor on its `..` row, as in FileZilla: Enter goes back up
/// (a walk's second Enter did nothing, no row being chosen), and Down goes to the first entry,
/// so Down and Enter go further in (before, Down went to `..` and Enter left the folder).
#[test]
fn down_and_enter_in_a_folder_just_opened_go_further_in() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("Documents").click();
    window.harness.step();
    window.press(Key::Enter);
    wait_for_row(&mut window, "Reports", true);
    window.harness.run_steps(2);
    assert_eq!(selected_remote_rows(&window), [".."]);
    window.press(Key::Enter);
    wait_for_row(&mut window, "welcome.txt", true);
    window.press(Key::Enter);
    wait_for_row(&mut window, "Reports", true);
    window.press(Key::ArrowDown);
    window.press(Key::Enter);
    wait_for_row(&mut window, "2025", true);
    assert!(
        window.has_label("Current folder: /Documents/Reports"),
        "Down and Enter did not open the first folder"
    );
}

/// Enter with several rows chosen sends all of them, as in FileZilla (a walk chose two files
/// with Ctrl+click, pressed Enter and got one): two downloads, then two uploads, the bytes on
/// both sides checked.
#[test]
fn enter_sends_every_chosen_file_both_ways() {
    let server = TestServer::start();
    std::fs::write(server.path().join("second.txt"), b"second").unwrap();
    let mut window = Window::open();
    window.add_local_files(&[("up-1.txt", b"one"), ("up-2.txt", b"two")]);
    window.connect_to(&server);
    wait_for_row(&mut window, "second.txt", true);
    window.row("second.txt").click();
    window.harness.step();
    window
        .row("welcome.txt")
        .click_modifiers(egui::Modifiers::COMMAND);
    window.harness.step();
    window.press(Key::Enter);
    let downloads = window.downloads.path().to_owned();
    window.run_until("both downloads", move |_| {
        downloads.join("second.txt").is_file() && downloads.join("welcome.txt").is_file()
    });
    window.run_until("both downloads done", |h| {
        h.query_by_label("Successful (2)").is_some()
    });
    for name in ["second.txt", "welcome.txt"] {
        assert_eq!(
            std::fs::read(window.downloads.path().join(name)).unwrap(),
            std::fs::read(server.path().join(name)).unwrap(),
            "{name}"
        );
    }

    // The local pane lists its folder again once the downloads are in: a click while that
    // listing lands would choose whatever row has moved under it (CI chose second.txt).
    window.run_until("the downloads in the local pane", |h| {
        let pane = h.get_by_label("Local pane");
        ["second.txt", "welcome.txt"].iter().all(|name| {
            pane.query_all_by_role_and_label(Role::Row, name)
                .next()
                .is_some()
        })
    });
    window.local_row("up-1.txt").click();
    window.harness.step();
    window
        .local_row("up-2.txt")
        .click_modifiers(egui::Modifiers::COMMAND);
    window.harness.step();
    window.press(Key::Enter);
    window.run_until("both uploads done", |h| {
        h.query_by_label("Successful (4)").is_some()
    });
    for (name, bytes) in [("up-1.txt", b"one"), ("up-2.txt", b"two")] {
        assert_eq!(
            std::fs::read(server.path().join(name)).unwrap(),
            bytes,
            "{name}"
        );
        assert_eq!(
            std::fs::read(window.downloads.path().join(name)).unwrap(),
            bytes,
            "{name}: the local file"
        );
    }
}

/// The connection bar by keys alone, as in FileZilla's Quickconnect bar: Alt+H, Alt+P, Alt+U and
/// Alt+W go to the host, port, user and password (their text chosen, so typing replaces it),
/// and Enter connects. The letter pressed with Alt is not typed anywhere.
#[test]
fn the_connection_bar_by_keys_alone() {
    use crate::support::{PASSWORD, USER};
    let server = TestServer::start();
    let mut window = Window::open();
    // Something to replace in the port field (its text is chosen when Alt+P reaches it).
    window.type_into("Port:", "99");
    let port = server.port().to_string();
    for (key, text) in [
        (Key::H, "127.0.0.1"),
        (Key::P, port.as_str()),
        (Key::U, USER),
        (Key::W, PASSWORD),
    ] {
        // Alt+letter in one frame, with the letter as text too, as some systems send it: it
        // must not land in the field.
        let events = &mut window.harness.input_mut().events;
        events.push(egui::Event::ModifiersChanged(egui::Modifiers::ALT));
        events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::ALT,
        });
        events.push(egui::Event::Text(key.name().to_lowercase()));
        events.push(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
        window.harness.step();
        window.harness.step();
        window.harness.event(egui::Event::Text(text.to_owned()));
        window.harness.step();
    }
    window.harness.key_press(Key::Enter);
    wait_for_row(&mut window, "welcome.txt", true);
}

/// The transfer queue by keys alone: Tab reaches it after the panes, the arrows choose rows,
/// Ctrl+Down moves one down the queue, Shift+F10 opens the row's menu under it and the arrows
/// and Enter pick Cancel there, Right switches to the Failed tab, Delete removes, and Tab goes
/// on to the local pane.
#[test]
fn the_transfer_queue_by_keys_alone() {
    let server = TestServer::start();
    std::fs::write(server.path().join("second.txt"), b"second").unwrap();
    let mut window = Window::open();
    // Named to be the last row of the local pane, where End goes.
    window.add_local_files(&[("zz-local.txt", b"here")]);
    // Both downloads find their target there: each waits, paused, after its question.
    for name in ["welcome.txt", "second.txt"] {
        std::fs::write(window.downloads.path().join(name), b"older").unwrap();
    }
    window.connect_to(&server);
    wait_for_row(&mut window, "second.txt", true);
    // Both chosen, and Ctrl+Enter downloads them; each question is answered Cancel.
    window.row("welcome.txt").click();
    window.harness.step();
    window
        .row("second.txt")
        .click_modifiers(egui::Modifiers::COMMAND);
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::Enter);
    for _ in 0..2 {
        window.run_until("the conflict question", |h| {
            h.query_by_label("The target already exists").is_some()
        });
        window.harness.get_by_label("Decide later").click();
        window.harness.run_steps(2);
    }
    window.run_until("two paused items", |h| {
        h.query_all_by_label_contains("Paused").count() == 2
    });
    let names = |window: &Window| -> Vec<String> {
        let items = window.harness.state().queue_items();
        items.iter().map(|i| i.name()).collect()
    };
    let first = names(&window);
    assert_eq!(first.len(), 2);
    let moved: Vec<String> = first.iter().rev().cloned().collect();

    // The server's pane has the keys after connecting; Tab goes to the queue.
    window.press(Key::Tab);
    assert_eq!(window.harness.state().keys_to(), KeyArea::Queue);
    window.press(Key::Home);
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::ArrowDown);
    window.run_until("the first item moved down", move |h| {
        let names: Vec<String> = h.state().queue_items().iter().map(|i| i.name()).collect();
        names == moved
    });

    // The moved item is still the chosen row (now the second): its menu, by keys.
    window
        .harness
        .key_press_modifiers(egui::Modifiers::SHIFT, Key::F10);
    window.harness.run_steps(2);
    assert!(window.has_label("Resume"), "the menu did not open");
    // Resume is its first entry that can be chosen, and has the keys; Down goes to Cancel.
    window.press(Key::ArrowDown);
    window.press(Key::Enter);
    window.run_until("the moved item cancelled", |h| {
        h.query_by_label("Failed (1)").is_some()
    });
    assert!(
        !window.has_label("Resume"),
        "the menu stayed open after its choice"
    );
    let cancelled = window
        .harness
        .state()
        .queue_items()
        .iter()
        .find(|i| i.name() == first[0])
        .map(|i| i.state);
    assert_eq!(cancelled, Some(ferry::engine::ItemState::Failed));

    // Right: the Failed tab, opened on its first row, the cancelled item: Delete removes it.
    window.press(Key::ArrowRight);
    assert!(window.has_label("Cancelled"), "not on the Failed tab");
    window.press(Key::Delete);
    window.run_until("the cancelled item removed", |h| {
        h.query_by_label("Failed (0)").is_some()
    });
    assert_eq!(names(&window), first[1..]);

    // The open tab is empty now, but the queue still holds a transfer: Tab goes on to the
    // local pane, and Shift+Tab comes back.
    window.press(Key::Tab);
    assert_eq!(window.harness.state().keys_to(), KeyArea::Pane(Side::Local));
    shift_tab(&mut window);
    assert_eq!(window.harness.state().keys_to(), KeyArea::Queue);

    // Left again, on the other item at once, and Space resumes it: its question comes back.
    window.press(Key::ArrowLeft);
    window.press(Key::Space);
    window.run_until("the question asked again", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    window.harness.get_by_label("Decide later").click();
    window.run_until("the question answered", |h| {
        h.query_by_label("The target already exists").is_none()
    });

    // Shift+Tab goes back to the server's pane, Tab to the queue again, and on round to the
    // local pane: Del there asks about the local file.
    shift_tab(&mut window);
    assert_eq!(
        window.harness.state().keys_to(),
        KeyArea::Pane(Side::Remote)
    );
    window.press(Key::Tab);
    assert_eq!(window.harness.state().keys_to(), KeyArea::Queue);
    window.press(Key::Tab);
    assert_eq!(window.harness.state().keys_to(), KeyArea::Pane(Side::Local));
    window.press(Key::End);
    del_asks(
        &mut window,
        "Move to the trash?",
        "zz-local.txt",
        "after Tab",
    );
    // Nothing was written over: both local files still hold what they held.
    for name in ["welcome.txt", "second.txt"] {
        assert_eq!(
            std::fs::read(window.downloads.path().join(name)).unwrap(),
            b"older"
        );
    }
}

fn shift_tab(window: &mut Window) {
    window
        .harness
        .key_press_modifiers(egui::Modifiers::SHIFT, Key::Tab);
    window.harness.run_steps(2);
}

/// A walk saw no cursor in the new folder's name field (its X server had no window manager, so
/// the window had no keyboard focus). The field does take the keys: F7, then typing, with no
/// click in between, names the folder.
#[test]
fn the_new_folder_name_takes_the_typing_at_once() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_and_wait_for(&server, "Documents");
    window.row("Documents").click();
    window.harness.step();
    window.press(Key::F7);
    assert!(window.has_label("Create folder"));
    window.harness.run_steps(2);
    for c in "abc".chars() {
        window.harness.event(egui::Event::Text(c.to_string()));
        window.harness.step();
    }
    let value = window.harness.get_by_label("Folder name:").value();
    assert_eq!(value.as_deref(), Some("abc"));
    // The same for a new name (F2), which replaces the name chosen.
    window.press(Key::Escape);
    assert!(!window.has_label("Create folder"), "Esc left the dialog");
    window.press(Key::F2);
    assert!(window.has_label("Rename"));
    window.harness.run_steps(2);
    for c in "xyz".chars() {
        window.harness.event(egui::Event::Text(c.to_string()));
        window.harness.step();
    }
    let value = window.harness.get_by_label("New name:").value();
    assert_eq!(value.as_deref(), Some("xyz"));
}
