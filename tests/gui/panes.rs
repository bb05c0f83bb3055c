//! The two panes: alike in what they offer, and kept up to date.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::ui::Side;

use crate::support::TestServer;
use crate::window::*;

/// Issue 12, item 5: a file uploaded into the folder the remote pane shows appears there, as a
/// download appears in the local pane.
#[test]
fn an_upload_shows_in_the_remote_list() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.add_local_files(&[("fresh.txt", b"new on the server")]);
    window.connect_to(&server);
    window.local_row("fresh.txt").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    window.run_until("the upload", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("fresh.txt")).unwrap(),
        b"new on the server"
    );
    wait_for_row(&mut window, "fresh.txt", true);
}

/// Issue 12, item 9: both panes have the same toolbar (buttons with words, a path bar, a filter,
/// a Hidden switch), switches that look like switches, and a tree open at the current folder.
#[test]
fn both_panes_offer_the_same_things() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    for side in [Side::Local, Side::Remote] {
        for label in [
            "Up",
            "Refresh",
            "New folder",
            "Places",
            "Hidden files",
            "Filter:",
        ] {
            window.pane_widget(label, side);
        }
    }
    for label in ["Hidden files", "Synchronized browsing", "Compare folders"] {
        for switch in window.harness.query_all_by_label_contains(label) {
            let role = switch.accesskit_node().role();
            assert!(
                matches!(role, Role::Switch | Role::CheckBox),
                "{label} is a {role:?}, which looks like a label until switched on"
            );
        }
    }
    // The local tree shows the folder the pane is in, selected.
    let folder = window.downloads_name();
    let node = window
        .harness
        .query_by_role_and_label(Role::TreeItem, &folder)
        .unwrap_or_else(|| panic!("the local tree does not show {folder}"));
    assert_eq!(node.accesskit_node().is_selected(), Some(true));
    let rect = node.rect();
    assert!(
        rect.min.y >= 0.0 && rect.max.y <= window.size.y,
        "{folder} is out of view at {rect:?}"
    );
}

/// Issue 12, item 12: comparing folders tints a differing row from end to end, not cell by
/// cell with gaps between.
#[test]
fn compare_folders_tints_whole_rows() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    window.add_local_files(&[("welcome.txt", b"not the same size")]);
    window.connect_and_wait_for(&server, "Documents");
    window.harness.get_by_label("Compare folders").click();
    window.harness.run_steps(4);
    let row = window
        .pane(Side::Remote)
        .get_by_role_and_label(Role::Row, "welcome.txt")
        .rect();
    let image = window.harness.render().unwrap();
    // Just under the row's top edge, above the text: the tint (red for a size that differs)
    // over the dark background, or a column's 1-point divider line.
    let y = (row.top() + 2.0) as u32;
    let tinted: Vec<bool> = (row.left() as u32 + 2..row.right() as u32 - 2)
        .map(|x| {
            let [r, g, _, _] = image.get_pixel(x, y).0;
            i32::from(r) - i32::from(g) > 15
        })
        .collect();
    // The column dividers are a point wide; anything wider untinted is a gap in the band.
    let widest_gap = tinted.split(|t| *t).map(<[bool]>::len).max().unwrap_or(0);
    assert!(
        widest_gap <= 2,
        "a gap of {widest_gap} points in the tint across the row"
    );
}

/// The walk: the tints of a folder comparison were explained only by a tooltip. While comparing,
/// a legend names each colour ahead of the keys' reminder, inside the smallest window; the
/// second walk found the reminder gone while comparing, even where there was room for both.
#[test]
fn comparing_folders_shows_what_each_tint_means() {
    let server = TestServer::start();
    for size in [egui::vec2(800.0, 600.0), egui::vec2(1920.0, 1080.0)] {
        let mut window = Window::open_sized(None, size);
        window.connect_and_wait_for(&server, "Documents");
        let meanings = ["Only on this side", "Size differs", "Newer here"];
        let reminder = "Tab: the next pane or the queue";
        let reminded = |window: &Window| {
            window
                .harness
                .query_all_by_label_contains(reminder)
                .next()
                .is_some()
        };
        assert!(window.harness.query_by_label(meanings[1]).is_none());
        assert!(reminded(&window));
        window.harness.get_by_label("Compare folders").click();
        window.harness.run_steps(4);
        for meaning in meanings {
            let rect = window.harness.get_by_label(meaning).rect();
            assert!(
                rect.max.x <= size.x && rect.min.y >= 0.0,
                "{meaning} is out of the window at {rect:?} at {size:?}"
            );
        }
        assert!(reminded(&window), "the reminder went at {size:?}");
        window.harness.get_by_label("Compare folders").click();
        window.harness.run_steps(4);
        assert!(window.harness.query_by_label(meanings[1]).is_none());
    }
}

/// What another program does in the local folder shows in the pane without F5: a file made
/// there, one renamed.
#[test]
fn the_local_pane_follows_changes_made_by_other_programs() {
    let mut window = Window::open();
    window.add_local_files(&[("first.txt", b"one")]);
    let folder = window.downloads.path().to_path_buf();
    let shows = |h: &egui_kittest::Harness<'static, ferry::ui::FerryApp>, name: &str| {
        h.get_by_label("Local pane")
            .query_all_by_role_and_label(Role::Row, name)
            .next()
            .is_some()
    };
    std::fs::write(folder.join("made elsewhere.txt"), b"hello").unwrap();
    window.run_until("the file made elsewhere", |h| {
        shows(h, "made elsewhere.txt")
    });
    std::fs::rename(folder.join("first.txt"), folder.join("renamed.txt")).unwrap();
    window.run_until("the renamed file", |h| {
        shows(h, "renamed.txt") && !shows(h, "first.txt")
    });
}

/// The walk: in a narrow tree (800×600) a deep current folder was off to the right and below
/// it, and nothing showed which folder the pane was in. The tree scrolls it into view, both
/// ways, at each window size.
#[test]
fn the_tree_keeps_a_deep_current_folder_in_view_at_every_size() {
    let mut window = Window::open_sized(None, egui::vec2(1920.0, 1080.0));
    let deep = "deep/alpha/bravo/charlie/delta/echo/foxtrot/golf/hotel";
    let leaf = format!("{deep}/leaf.txt");
    window.add_local_files(&[(leaf.as_str(), b"x")]);
    window.go_to_path(Side::Local, deep);
    window.run_until("the deep folder", |h| {
        h.get_by_label("Local pane")
            .query_by_role_and_label(Role::Row, "leaf.txt")
            .is_some()
    });
    for (width, height) in [(1920.0, 1080.0), (1200.0, 800.0), (800.0, 600.0)] {
        window.harness.set_size(egui::vec2(width, height));
        window.harness.run_steps(6);
        // The tree's place: from the pane's left edge (its Up button) to the table, from the
        // table's header down to the queue's tabs.
        let left = window.pane_widget("Up", Side::Local).rect().left();
        let table = window
            .harness
            .get_by_label("Local files: sort by Name")
            .rect();
        let bottom = window.harness.get_by_label("Queued (0)").rect().top();
        let node = window
            .pane(Side::Local)
            .query_by_role_and_label(Role::TreeItem, "hotel")
            .unwrap_or_else(|| panic!("at {width}×{height} the current folder is not drawn"));
        let at = node.rect();
        assert!(
            at.left() >= left && at.left() + 20.0 <= table.left(),
            "at {width}×{height}: the name starts at x {} (tree from {left} to {})",
            at.left(),
            table.left()
        );
        assert!(
            at.top() >= table.top() && at.bottom() <= bottom,
            "at {width}×{height}: the row is at y {}..{} (tree {}..{bottom})",
            at.top(),
            at.bottom(),
            table.top(),
        );
    }
}

/// In a narrow window a long name is cut to fit (in its middle: `format::middle_elided` has the
/// table of cases), and its row is still found and read out by its whole name.
#[test]
fn a_cut_name_is_still_read_out_whole() {
    let mut window = Window::open_sized(None, egui::vec2(800.0, 600.0));
    window.add_local_files(&[
        ("ferry-demo-installer.bin.part", b"theirs"),
        ("ferry-demo-installer.bin.ferrypart", b"ours"),
    ]);
    for name in [
        "ferry-demo-installer.bin.part",
        "ferry-demo-installer.bin.ferrypart",
    ] {
        let width = window.local_row(name).rect().width();
        assert!(width < 200.0, "{name} was not cut: {width} points");
    }
}
