//! The Settings window and the theme.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::store::settings::{Settings, Theme};
use ferry::ui::Side;

use crate::support::TestServer;
use crate::window::*;

fn open_settings(window: &mut Window) {
    window.harness.get_by_label("Settings").click();
    window.run_until("the Settings window", |h| h.query_by_label("OK").is_some());
}

/// Every setting in settings.toml has its field; OK applies them and writes the file; Enter
/// in a number field there starts nothing either.
#[test]
fn the_settings_window_holds_every_setting_and_ok_saves_them() {
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.add_local_files(&[("local.txt", b"stays")]);
    window.connect_to(&server);
    window.local_row("local.txt").click();
    window.harness.step();
    open_settings(&mut window);
    for label in [
        "Connect timeout:",
        "Reply timeout:",
        "Keep idle connections alive (NOOP)",
        "from",
        "to",
        "Simultaneous transfers:",
        "Retries:",
        "Download limit:",
        "Upload limit:",
        "When a file exists:",
        "ASCII for:",
        "Keep modification times",
        "Close idle connections after:",
        "Connections per large download:",
        "Split downloads from:",
        "Local files on the right",
        "Show hidden local files",
        "Show hidden files on the server",
        "Upload edited files when saved, without asking",
        "Like the system",
        "Light",
        "Dark",
    ] {
        assert!(
            window.harness.query_all_by_label(label).next().is_some(),
            "no {label:?} in the Settings window"
        );
    }
    // The Settings window's own limit, typed and ended with Enter.
    let field = window
        .harness
        .get_by_label("Settings window")
        .get_by_label("Upload limit:")
        .rect()
        .center();
    window.tap(field);
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.event(egui::Event::Text("250".into()));
    window.harness.step();
    window.press(egui::Key::Enter);
    let field = window
        .harness
        .get_by_label("Settings window")
        .get_by_label("Connections per large download:")
        .rect()
        .center();
    window.tap(field);
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.event(egui::Event::Text("6".into()));
    window.harness.step();
    window.press(egui::Key::Tab);
    window.harness.get_by_label("Dark").click();
    window
        .harness
        .get_by_label("Local files on the right")
        .click();
    window.harness.step();
    window.harness.get_by_label("OK").click();
    window.harness.step();
    window.harness.step();

    let settings = window.harness.state().settings().clone();
    assert_eq!(settings.transfers.upload_limit_kib, 250);
    assert_eq!(settings.transfers.segments, 6);
    assert_eq!(settings.window.theme, Theme::Dark);
    assert!(settings.window.local_on_right);
    assert!(
        window.has_label("Queued (0)"),
        "Enter in Settings queued a transfer"
    );
    assert!(!server.path().join("local.txt").exists());
    // Swapped: the server's pane is now on the left.
    assert!(
        window
            .pane(Side::Remote)
            .query_by_label("Up")
            .unwrap()
            .rect()
            .left()
            < 100.0
    );
    // And the status line's counts follow the panes: the server's on the left.
    let count_of = |side: &str| {
        window
            .harness
            .query_all_by_label_contains(side)
            .find(|n| {
                n.accesskit_node()
                    .value()
                    .or(n.accesskit_node().label())
                    .is_some_and(|t| t.starts_with(side))
            })
            .unwrap_or_else(|| panic!("no {side} counts"))
            .rect()
            .left()
    };
    assert!(count_of("Server: ") < count_of("Local: "));
    let file = config.path().join(Settings::FILE_NAME);
    window.run_until("settings.toml", |_| {
        Settings::load(file.parent().unwrap()).is_ok_and(|s| {
            s.transfers.upload_limit_kib == 250
                && s.transfers.segments == 6
                && s.window.local_on_right
        })
    });
}

/// Cancel leaves everything as it was.
#[test]
fn cancel_forgets_the_changes() {
    let mut window = Window::open();
    open_settings(&mut window);
    window.harness.get_by_label("Light").click();
    window
        .harness
        .get_by_label("Show hidden local files")
        .click();
    window.harness.step();
    window.harness.get_by_label("Cancel").click();
    window.harness.step();
    window.harness.step();
    let settings = window.harness.state().settings();
    assert_eq!(settings.window.theme, Theme::System);
    assert!(!settings.window.show_hidden_local);
    assert!(window.harness.query_by_label("OK").is_none(), "still open");
}

/// Esc is Cancel in the Settings window, as in every options dialog.
#[test]
fn escape_closes_settings_and_forgets_the_changes() {
    let mut window = Window::open();
    open_settings(&mut window);
    window.harness.get_by_label("Light").click();
    window.harness.step();
    window.press(egui::Key::Escape);
    window.harness.run_steps(2);
    assert_eq!(
        window.harness.state().settings().window.theme,
        Theme::System
    );
    assert!(window.harness.query_by_label("OK").is_none(), "still open");
}

/// Esc closes the Site Manager too.
#[test]
fn escape_closes_the_site_manager() {
    let mut window = Window::open();
    window.harness.get_by_label("Sites").click();
    window.run_until("the Site Manager", |h| {
        h.query_by_label("New site").is_some()
    });
    window.press(egui::Key::Escape);
    window.harness.run_steps(2);
    assert!(
        window.harness.query_by_label("New site").is_none(),
        "still open"
    );
}

/// The window follows the OS's light or dark unless told otherwise.
#[test]
fn the_theme_follows_the_system_unless_forced() {
    for (system, wanted, dark) in [
        (egui::Theme::Light, Theme::System, false),
        (egui::Theme::Dark, Theme::System, true),
        (egui::Theme::Light, Theme::Dark, true),
        (egui::Theme::Dark, Theme::Light, false),
    ] {
        let mut window = Window::open_themed(system, wanted);
        window.harness.step();
        let ctx = &window.harness.ctx;
        assert_eq!(
            (
                ctx.theme() == egui::Theme::Dark,
                ctx.global_style().visuals.dark_mode
            ),
            (dark, dark),
            "system {system:?}, setting {wanted:?}"
        );
    }
}

/// The Hidden files switch of each pane: the server's dotfiles go, and come back.
#[test]
fn the_hidden_files_switch_hides_dotfiles() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    assert!(window.has_row(".hidden-settings"));
    let switch = window.pane_widget("Hidden files", Side::Remote);
    assert_eq!(switch.accesskit_node().role(), Role::Switch);
    switch.click();
    wait_for_row(&mut window, ".hidden-settings", false);
    assert!(!window.harness.state().settings().window.show_hidden_remote);
    window.pane_widget("Hidden files", Side::Remote).click();
    wait_for_row(&mut window, ".hidden-settings", true);
}

/// A speed limit typed with a unit reads as meant, in the queue's toolbar and in Settings alike:
/// `1.5 MiB` was read as 1 KiB/s (the number before the unit), a thousand times slower.
#[test]
fn a_speed_limit_typed_with_a_unit_reads_as_meant() {
    let mut window = Window::open();
    for (field, typed, kib) in [
        ("Download limit:", "1.5 MiB", 1536),
        ("Upload limit:", "10 MB/s", 10_240),
    ] {
        window.harness.get_by_label(field).click();
        window.harness.step();
        window
            .harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        window.harness.get_by_label(field).type_text(typed);
        window.harness.step();
        window.press(egui::Key::Enter);
        window.harness.run_steps(2);
        let transfers = &window.harness.state().settings().transfers;
        let set = match field {
            "Download limit:" => transfers.download_limit_kib,
            _ => transfers.upload_limit_kib,
        };
        assert_eq!(set, kib, "{typed:?} in {field}");
    }
}

/// The Settings window opens at its top each time: a walk closed it scrolled half-way down,
/// opened it again there, and took the first groups for gone.
#[test]
fn the_settings_window_opens_at_its_top_again() {
    let mut window = Window::open_sized(None, egui::vec2(800.0, 600.0));
    let first_field_top = |window: &Window| window.harness.get_by_label("Connection").rect().top();
    open_settings(&mut window);
    let at_the_top = first_field_top(&window);
    let middle = window
        .harness
        .get_by_label("Reply timeout:")
        .rect()
        .center();
    for _ in 0..10 {
        window.wheel(middle, 5.0);
    }
    window.harness.run_steps(5);
    assert!(
        first_field_top(&window) < at_the_top - 50.0,
        "the test's wheel did not scroll the window"
    );
    window.harness.get_by_label("Cancel").click();
    window.harness.run_steps(2);
    open_settings(&mut window);
    window.harness.run_steps(2);
    assert!(
        (first_field_top(&window) - at_the_top).abs() < 1.0,
        "opened again where it was scrolled to"
    );
}
