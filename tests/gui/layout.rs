//! The layout: the file lists get the room at every window size, nothing ends outside the
//! window, and each size looks as its committed snapshot does.
//!
//! Snapshots are rendered by kittest's wgpu renderer without a display: on Linux that is
//! Mesa's lavapipe (Vulkan, package `mesa-vulkan-drivers`), or llvmpipe through wgpu's GL
//! backend when there is no Vulkan; `.ci/run` installs lavapipe. They live in
//! `tests/snapshots/`; after a deliberate change of the look, `UPDATE_SNAPSHOTS=1 cargo test
//! --test gui layout` writes them anew (look at them before committing).

use std::time::{Duration, SystemTime};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::ui::Side;

use crate::support::TestServer;
use crate::window::*;

/// The sizes the window is checked at: the smallest it allows, the default, a full HD screen.
const SIZES: [(f32, f32); 3] = [(800.0, 600.0), (1200.0, 800.0), (1920.0, 1080.0)];

/// A fixed moment for every file's time, so that snapshots don't change with the day.
fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600) // 2026-01-01 00:00 UTC
}

/// Gives every file and folder under `dir` the fixed time.
fn settle_times(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            settle_times(&path);
        }
        let file = std::fs::File::open(&path).unwrap();
        file.set_modified(fixed_time()).unwrap();
    }
}

/// A server with the demo tree and a folder of fifty files, and a window of `size` connected
/// to it, with twenty files in the local folder.
fn window_at(size: (f32, f32), pixels_per_point: f32) -> (TestServer, Window) {
    let server = TestServer::start();
    for i in 0..50 {
        let path = server.path().join(format!("Fifty/file {i:02}.txt"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"x").unwrap();
    }
    settle_times(server.path());
    let mut window = Window::open_setup(Setup {
        size: egui::vec2(size.0, size.1),
        pixels_per_point,
        ..Setup::default()
    });
    let files: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| (format!("local {i:02}.txt"), vec![b'y'; 100 * i]))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    window.add_local_files(&borrowed);
    settle_times(window.downloads.path());
    window.open_local_again();
    window.connect_and_wait_for(&server, "Documents");
    (server, window)
}

/// Rows of a pane's table that are wholly in view: inside the window and above the queue.
fn rows_in_view(window: &Window, side: Side) -> usize {
    let queue_top = window.harness.get_by_label("Queued (0)").rect().top();
    window
        .pane(side)
        .query_all_by_role(Role::Row)
        .filter(|row| {
            let r = row.rect();
            r.min.y >= 0.0 && r.max.y <= queue_top && r.max.y <= window.size.y
        })
        .count()
}

/// Widgets with a name that end past the window's right or bottom edge. The message log's
/// lines are left out: they are as long as the server made them and scroll sideways.
fn outside(window: &Window) -> Vec<String> {
    let log: std::collections::HashSet<_> = window
        .harness
        .get_by_label("Message log")
        .query_all_by(|_| true)
        .map(|n| n.accesskit_node().id())
        .collect();
    let (width, height) = (window.size.x + 0.5, window.size.y + 0.5);
    window
        .harness
        .query_all_by(|node| {
            // Text runs (the pieces of a label) have no place of their own.
            node.bounding_box().is_some()
                && (node.label().is_some_and(|l| !l.trim().is_empty())
                    || node.value().is_some_and(|v| !v.trim().is_empty()))
        })
        .filter(|node| {
            let r = node.rect();
            !log.contains(&node.accesskit_node().id()) && (r.max.x > width || r.max.y > height)
        })
        .map(|node| {
            let n = node.accesskit_node();
            format!(
                "{:?} {:?} at {:?}",
                n.role(),
                n.label().or(n.value()).unwrap_or_default(),
                node.rect()
            )
        })
        .collect()
}

/// Where an area (a group in the accessibility tree, which has no place of its own) is drawn:
/// around everything in it, within the window.
fn region(window: &Window, node: egui_kittest::Node<'_>) -> egui::Rect {
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, window.size);
    node.query_all_by(|n| n.bounding_box().is_some())
        .map(|n| n.rect())
        .fold(egui::Rect::NOTHING, |a, b| a.union(b))
        .intersect(screen)
}

/// Everything the issue asks of one size.
fn check_size(size: (f32, f32), pixels_per_point: f32, snapshot: Option<&str>) {
    let (server, mut window) = window_at(size, pixels_per_point);

    // Both lists show, with rows to work with.
    let (local, remote) = (
        rows_in_view(&window, Side::Local),
        rows_in_view(&window, Side::Remote),
    );
    assert!(local >= 5, "{local} local rows in view at {size:?}");
    assert!(remote >= 5, "{remote} remote rows in view at {size:?}");

    // Nothing is cut off by the window's edges.
    let cut = outside(&window);
    assert!(cut.is_empty(), "outside the window at {size:?}: {cut:#?}");

    if let Some(name) = snapshot {
        snapshot_of(&mut window, name);
    }

    // Enter in a speed limit field starts nothing, with a local file selected.
    window.local_row("local 03.txt").click();
    window.harness.step();
    window.harness.get_by_label("Download limit:").click();
    window.harness.step();
    window
        .harness
        .get_by_label("Download limit:")
        .type_text("5");
    window.harness.step();
    window.press(egui::Key::Enter);
    let listed = window.log_count("Listed /:");
    window.pane_widget("Refresh", Side::Remote).click();
    window.run_until("the refreshed listing", move |h| {
        h.state().log_text().matches("Listed /:").count() > listed
    });
    assert!(
        window.has_label("Queued (0)"),
        "Enter queued a transfer at {size:?}"
    );
    assert!(!server.path().join("local 03.txt").exists());

    // End in a folder of fifty: its last row comes into view.
    window.double_click("Fifty");
    wait_for_row(&mut window, "file 00.txt", true);
    window.row("file 00.txt").click();
    window.harness.step();
    window.press(egui::Key::End);
    let last = window.row("file 49.txt").rect();
    let queue_top = window.harness.get_by_label("Queued (0)").rect().top();
    assert!(
        last.min.y >= 0.0 && last.max.y <= queue_top,
        "the last row is at {last:?} at {size:?}, the queue starts at {queue_top}"
    );
}

/// The window as it first looks, compared with the committed picture. What changes from run to
/// run (the server's port, the temporary folder's name, times shown in local time, the log's
/// clock) is masked.
fn snapshot_of(window: &mut Window, name: &str) {
    window.harness.remove_cursor();
    window.harness.run_steps(4);
    // The areas that show the port, the log's clock and the temporary folder, each cut to
    // where it is drawn (what scrolls out of them is still in the accessibility tree).
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, window.size);
    let log_band = egui::Rect::from_x_y_ranges(
        0.0..=window.size.x,
        window
            .harness
            .get_by_label_contains("Welcome · Message log")
            .rect()
            .bottom()
            ..=window
                .harness
                .get_by_label("Synchronized browsing")
                .rect()
                .top(),
    );
    let queue_top = window.harness.get_by_label("Queued (0)").rect().top();
    let local = region(window, window.pane(Side::Local));
    let local_table = window
        .pane_widget("Local files: sort by Name", Side::Local)
        .rect();
    let mut masks = vec![
        window.harness.get_by_label("Port:").rect(),
        log_band,
        window.pane_widget("Local site:", Side::Local).rect(),
        // The local tree: the way down to the temporary folder (from under the path bar).
        egui::Rect::from_x_y_ranges(
            local.left()..=local_table.left() - 2.0,
            window
                .pane_widget("Local site:", Side::Local)
                .rect()
                .bottom()
                + 1.0..=queue_top,
        ),
        window
            .harness
            .get_by_label_contains("Connected to 127.0.0.1:")
            .rect(),
    ];
    // The local Modified column shows local time, which depends on the machine's time zone.
    if let Some(header) = window
        .pane(Side::Local)
        .query_by_label("Local files: sort by Modified")
    {
        let column = header.rect();
        masks.push(egui::Rect::from_x_y_ranges(
            column.left()..=local.right(),
            column.bottom()..=queue_top,
        ));
    }
    let masks: Vec<egui::Rect> = masks.into_iter().map(|m| m.intersect(screen)).collect();
    for mask in masks {
        window.harness.mask(mask);
    }
    window.harness.snapshot(name);
}

#[test]
fn at_800_by_600_the_lists_get_the_room() {
    check_size(SIZES[0], 1.0, Some("window_800x600"));
}

#[test]
fn at_1200_by_800_the_lists_get_the_room() {
    check_size(SIZES[1], 1.0, Some("window_1200x800"));
}

#[test]
fn at_1920_by_1080_the_lists_get_the_room() {
    check_size(SIZES[2], 1.0, Some("window_1920x1080"));
}

/// On a HiDPI screen (1.5 and 2 pixels a point) the same window in points holds the same.
#[test]
fn at_1200_by_800_on_hidpi_screens_the_lists_get_the_room() {
    for scale in [1.5, 2.0] {
        check_size(SIZES[1], scale, None);
    }
}

/// Issue 12, item 4: the queue keeps its height whatever its tab holds; a full Successful tab
/// does not squeeze the file lists.
#[test]
fn switching_queue_tabs_never_resizes_the_panes() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    let files: Vec<(String, Vec<u8>)> = (0..16)
        .map(|i| (format!("batch/file {i:02}.txt"), vec![b'x'; 10]))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    window.add_local_files(&borrowed);
    window.connect_and_wait_for(&server, "Documents");
    let tabs_before = window.harness.get_by_label("Queued (0)").rect();
    let header_before = window
        .pane_widget("Remote files: sort by Name", Side::Remote)
        .rect();
    window.local_row("batch").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    window.run_until("sixteen uploads", |h| {
        h.query_by_label("Successful (16)").is_some()
    });
    window.harness.get_by_label("Successful (16)").click();
    window.harness.step();
    window.harness.step();
    let tabs_after = window.harness.get_by_label("Successful (16)").rect();
    assert_eq!(tabs_before.min.y, tabs_after.min.y, "the queue grew");
    let header_after = window
        .pane_widget("Remote files: sort by Name", Side::Remote)
        .rect();
    assert_eq!(header_before, header_after, "the remote table moved");
    assert!(rows_in_view(&window, Side::Remote) >= 5);
}

/// The log area, the queue and the tree keep the sizes they were dragged to, and the log area
/// stays folded, in the next window on the same settings.
#[test]
fn dragged_sizes_and_a_folded_log_are_remembered() {
    let config = tempfile::tempdir().unwrap();
    // As the program starts: the settings read from the folder they are saved in.
    let start = || {
        Window::open_setup(Setup {
            dirs: Some(config_dirs(config.path())),
            size: egui::vec2(1200.0, 800.0),
            settings: ferry::store::settings::Settings::load(config.path()).unwrap(),
            ..Setup::default()
        })
    };
    let mut window = start();
    window.harness.run_steps(2);
    let top = |w: &Window, label: &str| w.harness.get_by_label(label).rect().top();
    let (links, queue) = (
        top(&window, "Synchronized browsing"),
        top(&window, "Queued (0)"),
    );
    // The log's divider 40 points down, the queue's 30 points up.
    let divider = window
        .harness
        .get_by_label("Resize the message log")
        .rect()
        .center();
    window.drag(divider, divider + egui::vec2(0.0, 40.0));
    let divider = window
        .harness
        .get_by_label("Resize the transfer queue")
        .rect()
        .center();
    window.drag(divider, divider - egui::vec2(0.0, 30.0));
    window.harness.run_steps(2);
    let moved = (
        top(&window, "Synchronized browsing"),
        top(&window, "Queued (0)"),
    );
    assert!(
        (moved.0 - links - 40.0).abs() < 2.0,
        "log: {links} -> {}",
        moved.0
    );
    assert!(
        (queue - moved.1 - 30.0).abs() < 2.0,
        "queue: {queue} -> {}",
        moved.1
    );
    let file = config
        .path()
        .join(ferry::store::settings::Settings::FILE_NAME);
    window.run_until("the sizes in settings.toml", |_| {
        ferry::store::settings::Settings::load(file.parent().unwrap())
            .is_ok_and(|s| s.window.queue_height.is_some_and(|h| h > 170.0))
    });
    drop(window);

    let mut again = start();
    again.harness.run_steps(2);
    assert_eq!(top(&again, "Synchronized browsing"), moved.0);
    assert_eq!(top(&again, "Queued (0)"), moved.1);

    // Folded, the log area is its title line; so it starts next time.
    again
        .harness
        .get_by_label("Fold the welcome and message log")
        .click();
    again.harness.run_steps(2);
    let folded = top(&again, "Synchronized browsing");
    assert!(folded < links - 50.0, "not folded: {folded}");
    again.run_until("the fold in settings.toml", |_| {
        ferry::store::settings::Settings::load(file.parent().unwrap())
            .is_ok_and(|s| s.window.log_collapsed)
    });
    drop(again);
    let mut third = start();
    third.harness.run_steps(2);
    assert_eq!(top(&third, "Synchronized browsing"), folded);
    assert!(third.has_label("Show the welcome and message log"));
}

/// Clicking from one pane to the other moves nothing in either: the focused pane's thicker
/// frame is drawn in the same room. (It took a pixel from the pane's inside, so a table first
/// drawn before the focus settled kept a column a pixel narrower, and rows shifted on every
/// click between the panes.)
#[test]
fn moving_the_focus_between_the_panes_moves_nothing_in_them() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    window.add_local_files(&[("here.txt", b"local")]);
    window.open_local_again();
    window.connect_and_wait_for(&server, "Documents");
    let places = |window: &Window| {
        [Side::Local, Side::Remote].map(|side| {
            let title = match side {
                Side::Local => "Local files: sort by Size",
                Side::Remote => "Remote files: sort by Size",
            };
            (
                window.pane_widget(title, side).rect(),
                window.pane_widget("Refresh", side).rect(),
            )
        })
    };
    window.local_row("here.txt").click();
    window.harness.run_steps(2);
    let local_focused = places(&window);
    window.row("Documents").click();
    window.harness.run_steps(2);
    let remote_focused = places(&window);
    assert_eq!(
        local_focused, remote_focused,
        "the panes' insides moved when the focus went to the remote pane"
    );
    window.local_row("here.txt").click();
    window.harness.run_steps(2);
    assert_eq!(local_focused, places(&window), "and back");
}

/// On the queue's toolbar a name and its field are never split over two lines, whatever the
/// window's width: a walk at 800×600 found "Simultaneous:" at the end of one line and its value
/// at the start of the next (the check measured the whole width, not what was left of the line).
#[test]
fn the_queue_toolbar_keeps_each_name_with_its_field_at_every_width() {
    let (_server, mut window) = window_at((800.0, 700.0), 1.0);
    let mut width = 800.0;
    while width <= 1920.0 {
        window.harness.set_size(egui::vec2(width, 700.0));
        window.harness.step();
        window.harness.step();
        // The toolbar's fields, in order: the number of transfers, then the two limits.
        let fields: Vec<egui::Rect> = window
            .harness
            .query_all_by_role(Role::SpinButton)
            .map(|n| n.rect())
            .collect();
        let names = ["Simultaneous:", "Download limit:", "Upload limit:"];
        assert_eq!(fields.len(), names.len(), "fields at {width}");
        for (name, field) in names.into_iter().zip(fields) {
            let label = window
                .harness
                .get(
                    egui_kittest::kittest::By::new()
                        .role(Role::Label)
                        .label(name)
                        .include_labels(),
                )
                .rect();
            assert!(
                (label.center().y - field.center().y).abs() < 4.0 && label.max.x <= field.min.x,
                "{name} at {label:?}, its field at {field:?}, {width} wide"
            );
        }
        width += 20.0;
    }
}

/// A list sorted by a column the pane's width then hides still says how it is sorted: the
/// first column's header names the hidden column and its direction (it showed no arrow at all).
#[test]
fn a_sort_by_a_column_the_width_hides_is_still_shown() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1920.0, 1080.0));
    window.connect_and_wait_for(&server, "Documents");
    window
        .pane_widget("Remote files: sort by Owner", Side::Remote)
        .click();
    window.harness.run_steps(2);
    assert!(
        window
            .pane(Side::Remote)
            .query_by_label("by Owner ⏶")
            .is_none(),
        "the column is shown, with its own arrow"
    );
    window.harness.set_size(egui::vec2(800.0, 600.0));
    window.harness.run_steps(3);
    assert!(
        window
            .pane(Side::Remote)
            .query_by_label("Remote files: sort by Owner")
            .is_none(),
        "the Owner column is still shown at 800×600"
    );
    assert!(
        window
            .pane(Side::Remote)
            .query_by_label("by Owner ⏶")
            .is_some(),
        "nothing says the list is sorted by the hidden Owner column"
    );
}

/// At 800×600 the panes are too narrow for the dates: the first header says, when the pointer
/// rests on it, which columns the width hides and how to make room (the dividers). At full
/// width it says only what a click does.
#[test]
fn the_first_header_says_which_columns_the_width_hides() {
    let server = TestServer::start();
    for (size, hidden) in [((800.0, 600.0), true), ((1920.0, 1080.0), false)] {
        let mut window = Window::open_sized(None, egui::vec2(size.0, size.1));
        window.connect_and_wait_for(&server, "Documents");
        let header = window
            .pane_widget("Remote files: sort by Name", Side::Remote)
            .rect()
            .center();
        window.harness.hover_at(header);
        window.harness.run_steps(20);
        assert_eq!(
            window.has_label_containing("Hidden at this width: Modified"),
            hidden,
            "at {size:?}"
        );
        assert!(
            window.has_label_containing("Sort by this column"),
            "no hover text at {size:?}"
        );
        if hidden {
            assert!(
                window.has_label_containing("Drag the divider"),
                "the hint does not say how to show them"
            );
        }
    }
}

/// The walks: at 800×600 the queue's State column was cut to a sliver at the window's edge, so
/// why a transfer waited or failed could not be read; the second walk found it so after the
/// window was made smaller (the columns kept the widths of the larger one). Every column of a
/// transfer's row is in the window at each size, and the state has room for its reason, as
/// the window is made smaller and larger again.
#[test]
fn the_queue_shows_every_column_of_a_transfer_at_every_size() {
    let server = TestServer::start();
    let mut window = Window::open_sized(None, egui::vec2(1920.0, 1080.0));
    // The download finds its target there and waits, paused, after its question.
    std::fs::write(window.downloads.path().join("welcome.txt"), b"older").unwrap();
    window.connect_and_wait_for(&server, "welcome.txt");
    window.row("welcome.txt").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    window.harness.get_by_label("Decide later").click();
    window.run_until("the paused transfer", |h| {
        h.query_all_by_label_contains("Paused").next().is_some()
    });
    for size in [
        (1920.0, 1080.0),
        (1200.0, 800.0),
        (800.0, 600.0),
        (1200.0, 800.0),
    ] {
        window.harness.set_size(egui::vec2(size.0, size.1));
        window.harness.run_steps(3);
        let queue = window.harness.get_by_label("Transfer queue");
        // Where the file goes, as FileZilla's queue shows both ends: where there is room.
        let wide = size.0 >= 1200.0;
        let titles = ["Name", "To", "Size", "Progress", "Rate", "ETA", "State"];
        for title in titles.into_iter().filter(|t| *t != "To" || wide) {
            let header = queue.get_by_label(title).rect();
            assert!(
                header.min.x >= 0.0 && header.max.x <= size.0 + 0.5,
                "the queue's {title} column is at {header:?} at {size:?}"
            );
        }
        let downloads = window.downloads.path().display().to_string();
        let last_part = window
            .downloads
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let destination = queue.query_all_by_label_contains(&last_part).find(|node| {
            // A label's text is its accessible value.
            let shown = node.accesskit_node().value().unwrap_or_default();
            shown == downloads || shown.starts_with('…') && downloads.ends_with(&shown[3..])
        });
        assert_eq!(
            destination.is_some(),
            wide,
            "the download's folder {downloads} in the queue at {size:?}"
        );
        // The name keeps room to be read (the second walk saw "welcom…" at 800 wide).
        let name_room =
            queue.get_by_label("Size").rect().left() - queue.get_by_label("Name").rect().left();
        assert!(
            name_room >= 150.0,
            "the name has {name_room} points at {size:?}"
        );
        // The State column reaches the window's right edge, with room for a reason
        // ("Failed: 550 Permission denied").
        let state = queue.get_by_label_contains("Paused").rect();
        assert!(
            size.0 - state.min.x >= 180.0,
            "the transfer's state starts at {state:?} at {size:?}: too little room for why"
        );
        assert_eq!(
            std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
            b"older"
        );
    }
}

/// At 800×600 the status line's note keeps room to be read beside the panes' counts: what is
/// selected gives way (a walk read only "notes.txt…" of a failure there, beside the sizes of
/// the selections).
#[test]
fn at_800_by_600_a_note_keeps_room_beside_the_selections() {
    let server = TestServer::start();
    // Set up where the server's welcome.txt is in view, then made small.
    let mut window = Window::open_sized(None, egui::vec2(1200.0, 800.0));
    window.add_local_files(&[("welcome.txt", b"older")]);
    window.connect_to(&server);
    // The server's welcome.txt, sent across onto the local one: asked, and left for later.
    window.double_click("welcome.txt");
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    window.harness.get_by_label("Decide later").click();
    window.run_until("the paused item", |h| {
        h.query_all_by_label_contains("Paused").next().is_some()
    });
    window.harness.set_size(egui::vec2(800.0, 600.0));
    window.harness.run_steps(3);
    // Both panes have a row selected.
    window.local_row("welcome.txt").click();
    window.harness.run_steps(2);
    assert!(
        window.notice().contains("Left for later"),
        "{:?}",
        window.notice()
    );
    // The status line's note (the log says it too): the lowest of them.
    let note = window
        .harness
        .query_all_by_label_contains("Left for later")
        .map(|node| node.rect())
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .expect("the note");
    assert!(
        note.width() >= 250.0,
        "the note has {} points: {note:?}",
        note.width()
    );
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
        b"older"
    );
}

/// At 800×600, with a file chosen in each pane and no note, "Connected to …" and the panes'
/// counts stand side by side in the status line: what is selected gives way (a walk read
/// "127.0.0.1:3997Local: 3 files…", the two written over each other).
#[test]
fn at_800_by_600_the_connection_and_the_selections_do_not_overlap() {
    let server = TestServer::start();
    // And the demo server's: three files and six folders.
    for folder in [
        "Documents",
        "Empty folder",
        "Music",
        "My Projects",
        "Photos",
        "Software",
    ] {
        std::fs::create_dir_all(server.path().join(folder)).unwrap();
    }
    for file in ["up-walk.bin", ".hidden-settings"] {
        std::fs::write(server.path().join(file), b"x").unwrap();
    }
    let mut window = Window::open_sized(None, egui::vec2(800.0, 600.0));
    // What the walk's local folder held: three files and four folders, the chosen one 293 KiB.
    let big = vec![7u8; 300_000];
    window.add_local_files(&[
        ("up-walk.bin", &big),
        ("ferry.log", b""),
        ("welcome.txt", b"older"),
        ("cfg/a", b""),
        ("Photos/b", b""),
        ("shots/c", b""),
        ("tmp/d", b""),
    ]);
    window.connect_to(&server);
    window.local_row("up-walk.bin").click();
    window.harness.run_steps(2);
    // (At 800×600 the server's welcome.txt is below the pane's fold.)
    window.row(".hidden-settings").click();
    window.harness.run_steps(2);
    assert_eq!(window.notice(), "", "a note would change the room");
    let connected = window
        .harness
        .get_by_label_contains("Connected to 127.0.0.1")
        .rect();
    let local = window.harness.get_by_label_contains("Local: ").rect();
    let server_counts = window.harness.get_by_label_contains("Server: ").rect();
    assert!(
        connected.right() <= local.left() && local.right() <= server_counts.left(),
        "connection {connected:?}, local {local:?}, server {server_counts:?}"
    );
    assert!(server_counts.right() <= 800.5, "{server_counts:?}");
}
