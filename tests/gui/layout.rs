//! The layout: the file lists get the room at every window size.

use egui_kittest::kittest::Queryable;
use ferry::ui::Side;

use crate::support::TestServer;
use crate::window::*;

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
    let rows = window
        .harness
        .query_all_by_role(egui::accesskit::Role::Label)
        .filter(|n| {
            let r = n.rect();
            r.center().x > window.size.x / 2.0
                && r.min.y > header_after.max.y
                && r.max.y < tabs_after.min.y
        })
        .count();
    assert!(rows >= 5, "{rows} remote rows in view");
}
