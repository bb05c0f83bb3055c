//! The message log.

use egui_kittest::kittest::Queryable;

use crate::support::TestServer;
use crate::window::*;

/// Issue 12, item 10: scrolled up, the log stays where the person put it; scrolled back to the
/// end, it follows new lines again.
#[test]
fn the_log_follows_new_lines_again_once_scrolled_to_the_end() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let log_at = window
        .harness
        .get_all_by_label_contains("Response:")
        .last()
        .unwrap()
        .rect()
        .center();

    // Up to the top: a new line does not pull the view away.
    for _ in 0..30 {
        window.wheel(log_at, -10.0);
    }
    window.harness.run_steps(10);
    window.double_click("Documents");
    wait_for_row(&mut window, "readme.txt", true);
    assert!(
        !window.has_label_containing("Listed /Documents:"),
        "the log jumped to the end while scrolled up"
    );

    // Back down to the end: new lines show as they come.
    for _ in 0..30 {
        window.wheel(log_at, 10.0);
    }
    // Wheel scrolling glides over a few frames.
    window.harness.run_steps(10);
    assert!(
        window.has_label_containing("Listed /Documents:"),
        "not at the end"
    );
    window.press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);
    window.double_click("Photos");
    wait_for_row(&mut window, "holiday-01.jpg", true);
    window.harness.step();
    assert!(
        window.has_label_containing("Listed /Photos:"),
        "the newest line is not in view: the log stopped following"
    );
}
