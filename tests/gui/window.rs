//! The test window: the real `FerryApp` in egui_kittest, and what a person does to it.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::support::{self, PASSWORD, TestServer, USER};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use ferry::ui::{AppOptions, FerryApp, Side};

/// The test window's usual size: tall, so the lists show every row of the sample folders.
pub const WIDTH: f32 = 1400.0;
pub const HEIGHT: f32 = 1200.0;

/// Counts engine notifications, so a test can sleep until the engine has said something new
/// instead of guessing with a timer.
#[derive(Default)]
pub struct EngineSignal {
    count: Mutex<u64>,
    changed: Condvar,
}

impl EngineSignal {
    pub fn bump(&self) {
        if let Ok(mut count) = self.count.lock() {
            *count += 1;
            self.changed.notify_all();
        }
    }

    pub fn count(&self) -> u64 {
        self.count.lock().map(|c| *c).unwrap_or(0)
    }

    /// Waits until the count moves past `seen`, at most `limit`.
    pub fn wait_past(&self, seen: u64, limit: Duration) {
        if let Ok(count) = self.count.lock() {
            let _ = self
                .changed
                .wait_timeout_while(count, limit, |c| *c <= seen);
        }
    }
}

/// The time between two frames of the test window: a twentieth of a second, so two clicks a
/// frame apart are a double-click.
pub const FRAME_SECONDS: f32 = 0.05;

pub struct Window {
    pub harness: Harness<'static, FerryApp>,
    pub signal: Arc<EngineSignal>,
    /// Where downloads go.
    pub downloads: tempfile::TempDir,
    /// The window's size in points.
    pub size: egui::Vec2,
}

/// How a test window starts.
pub struct Setup {
    pub dirs: Option<ferry::store::StoreDirs>,
    pub size: egui::Vec2,
    pub pixels_per_point: f32,
    pub system_theme: Option<egui::Theme>,
    pub settings: ferry::store::settings::Settings,
    /// The window as `ferry --demo` opens it: on a demo server of its own, connected at once.
    pub demo: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            dirs: None,
            size: egui::vec2(WIDTH, HEIGHT),
            pixels_per_point: 1.0,
            system_theme: None,
            settings: Default::default(),
            demo: false,
        }
    }
}

impl Window {
    pub fn open() -> Self {
        Self::open_with(None)
    }

    /// With settings, sites and trusted certificates kept in `dirs` (`None`: in memory only).
    pub fn open_with(dirs: Option<ferry::store::StoreDirs>) -> Self {
        Self::open_sized(dirs, egui::vec2(WIDTH, HEIGHT))
    }

    /// A window of `size` points.
    pub fn open_sized(dirs: Option<ferry::store::StoreDirs>, size: egui::Vec2) -> Self {
        Self::open_setup(Setup {
            dirs,
            size,
            ..Setup::default()
        })
    }

    /// A window whose OS is light or dark, with the theme setting `wanted`.
    pub fn open_themed(system: egui::Theme, wanted: ferry::store::settings::Theme) -> Self {
        let mut settings = ferry::store::settings::Settings::default();
        settings.window.theme = wanted;
        Self::open_setup(Setup {
            settings,
            system_theme: Some(system),
            ..Setup::default()
        })
    }

    pub fn open_setup(setup: Setup) -> Self {
        // Never the person's own keyring: saved passwords go to one in memory.
        ferry::store::secrets::use_memory_keyring();
        let downloads = tempfile::tempdir().unwrap();
        let local_folder = downloads.path().to_path_buf();
        let signal = Arc::new(EngineSignal::default());
        let hook = signal.clone();
        let Setup {
            dirs,
            size,
            pixels_per_point,
            system_theme,
            settings,
            demo,
        } = setup;
        let mut harness = Harness::builder()
            .with_size(size)
            .with_pixels_per_point(pixels_per_point)
            .with_step_dt(FRAME_SECONDS)
            // `run()` waits until nothing asks for another frame. The engine's own events (the
            // log, the local listing) ask for one from their thread whenever they come, and on
            // a loaded machine they came during a `run()` of kittest's default 4 frames.
            .with_max_steps(50)
            .build_eframe(move |cc| {
                let options = AppOptions {
                    on_engine_event: Some(Arc::new(move || hook.bump())),
                    local_folder: Some(local_folder),
                    dirs: dirs.clone(),
                    settings: settings.clone(),
                    ..AppOptions::default()
                };
                let options = if demo {
                    options
                        .with_demo(Default::default())
                        .expect("the demo server")
                } else {
                    options
                };
                FerryApp::new(cc, options)
            });
        // What the OS says it uses, as eframe passes it on.
        harness.input_mut().system_theme = system_theme;
        Self {
            harness,
            signal,
            downloads,
            size,
        }
    }

    /// Puts files into the local folder and lists it again, as a person's file manager would
    /// have made them before.
    /// The name of the local folder the window starts in (where downloads go).
    pub fn downloads_name(&self) -> String {
        self.downloads
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    pub fn add_local_files(&mut self, files: &[(&str, &[u8])]) {
        for (name, bytes) in files {
            let path = self.downloads.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(path, bytes).unwrap();
        }
        self.open_local_again();
        let first = files[0].0.split('/').next().unwrap_or_default().to_owned();
        self.run_until("the new local files", move |h| {
            h.query_all_by_role_and_label(Role::Label, &first)
                .next()
                .is_some()
        });
    }

    /// Types `text` one character a frame, as fingers do (a paste arrives in one piece).
    pub fn type_slowly(&mut self, label: &str, text: &str) {
        self.harness.get_by_label(label).click();
        self.harness.step();
        for c in text.chars() {
            self.harness.event(egui::Event::Text(c.to_string()));
            self.harness.step();
        }
    }

    /// Turns the mouse wheel over `at`: positive `lines` scroll towards the end.
    pub fn wheel(&mut self, at: egui::Pos2, lines: f32) {
        self.harness.hover_at(at);
        self.harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -lines),
            phase: egui::TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        });
        self.harness.step();
    }

    /// A tap on a touchpad: press and release in the same frame. (kittest's `click` spreads a
    /// click over three frames, as a slow mouse click.)
    pub fn tap(&mut self, at: egui::Pos2) {
        let events = &mut self.harness.input_mut().events;
        events.push(egui::Event::PointerMoved(at));
        for pressed in [true, false] {
            events.push(egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        self.harness.step();
        self.harness.step();
    }

    /// A right-click at `at` (where there is no widget with a name to click).
    pub fn right_click_at(&mut self, at: egui::Pos2) {
        self.harness.hover_at(at);
        self.harness.step();
        for pressed in [true, false] {
            self.harness.event(egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Secondary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        self.harness.run_steps(2);
    }

    /// Presses a key and lets the window react (and open what it opens) before the next step.
    pub fn press(&mut self, key: egui::Key) {
        self.harness.key_press(key);
        self.harness.step();
        self.harness.step();
    }

    /// Lists the local folder again (after the test changed it on disk), with its Refresh.
    pub fn open_local_again(&mut self) {
        self.pane_widget("Refresh", Side::Local).click();
        self.harness.step();
    }

    pub fn connect_to(&mut self, server: &TestServer) {
        self.connect_and_wait_for(server, "welcome.txt");
    }

    /// Connects, and waits for `row` in the server's list (the first rows show in any window).
    pub fn connect_and_wait_for(&mut self, server: &TestServer, row: &'static str) {
        self.fill_connection_bar(server, PASSWORD);
        self.harness.get_by_label("Connect").click();
        wait_for_row(self, row, true);
    }

    /// Runs frames until nothing moves (a scroll area's animation can outlast kittest's
    /// `run`). Bounded.
    pub fn settle(&mut self) {
        for _ in 0..20 {
            if self.harness.run_ok().is_some() {
                return;
            }
        }
        panic!("the window never stopped repainting");
    }

    /// Runs frames until `done` holds, waiting on the engine between frames. Bounded in frames
    /// and in time; panics with the app's state when it never happens.
    pub fn run_until(&mut self, what: &str, done: impl Fn(&Harness<'static, FerryApp>) -> bool) {
        let deadline = Instant::now() + support::PATIENCE;
        for _ in 0..5_000 {
            let seen = self.signal.count();
            self.harness.step();
            if done(&self.harness) {
                // One more frame so that what the state says is also what is drawn.
                self.harness.step();
                return;
            }
            if Instant::now() > deadline {
                break;
            }
            self.signal.wait_past(seen, Duration::from_millis(200));
        }
        let app = self.harness.state();
        panic!(
            "never saw {what}; connection: {:?}, notice: {:?}, log:\n{}",
            app.connection(),
            app.notice(),
            app.log_text()
        );
    }

    pub fn type_into(&mut self, label: &str, text: &str) {
        self.harness.get_by_label(label).click();
        self.harness.step();
        self.harness.get_by_label(label).type_text(text);
        self.harness.step();
    }

    pub fn fill_connection_bar(&mut self, server: &TestServer, password: &str) {
        self.type_into("Host:", "127.0.0.1");
        self.type_into("Port:", &server.port().to_string());
        self.type_into("User:", USER);
        self.type_into("Password:", password);
    }

    /// A pane, found by its name in the accessibility tree (as a screen reader finds it).
    pub fn pane(&self, side: Side) -> egui_kittest::Node<'_> {
        self.harness.get_by_label(match side {
            Side::Local => "Local pane",
            Side::Remote => "Remote pane",
        })
    }

    /// A row of the remote file table.
    pub fn row<'a>(&'a self, name: &'a str) -> egui_kittest::Node<'a> {
        self.pane_rows(name, Side::Remote)
            .next()
            .unwrap_or_else(|| panic!("no remote row {name:?}"))
    }

    pub fn local_row<'a>(&'a self, name: &'a str) -> egui_kittest::Node<'a> {
        self.pane_rows(name, Side::Local)
            .next()
            .unwrap_or_else(|| panic!("no local row {name:?}"))
    }

    /// The names of a pane's rows called `name` (what a person clicks: the name; tree items
    /// are not labels).
    pub fn pane_rows<'a>(
        &'a self,
        name: &'a str,
        side: Side,
    ) -> impl Iterator<Item = egui_kittest::Node<'a>> {
        self.pane(side)
            .query_all_by_role_and_label(Role::Label, name)
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// What a pane's path bar shows: the folder it is in.
    pub fn site(&self, side: Side) -> String {
        let label = match side {
            Side::Local => "Local site:",
            Side::Remote => "Remote site:",
        };
        self.pane_widget(label, side).value().unwrap_or_default()
    }

    /// Types a path into a pane's path bar, over what it holds, and presses Enter.
    pub fn go_to_path(&mut self, side: Side, path: &str) {
        let bar = match side {
            Side::Local => "Local site:",
            Side::Remote => "Remote site:",
        };
        self.pane_widget(bar, side).click();
        self.harness.step();
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.pane_widget(bar, side).type_text(path);
        self.harness.step();
        self.press(egui::Key::Enter);
    }

    /// Types `text` into a pane's filter, after whatever it holds.
    pub fn type_filter(&mut self, side: Side, text: &str) {
        self.pane_widget("Filter:", side).click();
        self.harness.step();
        self.pane_widget("Filter:", side).type_text(text);
        self.harness.run();
    }

    /// Empties a pane's filter as a person does: select all, Backspace.
    pub fn clear_filter(&mut self, side: Side) {
        self.pane_widget("Filter:", side).click();
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.harness.key_press(egui::Key::Backspace);
        self.harness.run();
    }

    /// A widget of one pane, by its accessible name: the panes have the same toolbar.
    pub fn pane_widget<'a>(&'a self, label: &'a str, side: Side) -> egui_kittest::Node<'a> {
        self.pane(side)
            .query_by_label(label)
            .unwrap_or_else(|| panic!("no {label:?} in the {side:?} pane"))
    }

    /// The status line's note, or nothing.
    pub fn notice(&self) -> String {
        self.harness.state().notice().unwrap_or_default().to_owned()
    }

    /// How often `text` occurs in the message log.
    pub fn log_count(&self, text: &str) -> usize {
        self.harness.state().log_text().matches(text).count()
    }

    pub fn has_row(&self, name: &str) -> bool {
        self.pane_rows(name, Side::Remote).next().is_some()
    }

    /// Two clicks a frame apart, as a person's double-click arrives.
    pub fn double_click(&mut self, name: &str) {
        self.row(name).click();
        self.harness.step();
        self.row(name).click();
        self.harness.step();
    }

    /// The middle of the queue's row for `name`, below the tab titled `tab` (the panes above
    /// may show the same name).
    pub fn queue_row(&self, tab: &str, name: &str) -> egui::Pos2 {
        let tab = self.harness.get_by_label(tab).rect().top();
        self.harness
            .query_all_by_label(name)
            .filter(|n| n.rect().top() > tab)
            .map(|n| n.rect().center())
            .next()
            .expect("the queue's row")
    }

    pub fn row_top(&self, name: &str) -> f32 {
        self.row(name).rect().min.y
    }

    pub fn has_label(&self, text: &str) -> bool {
        self.harness.query_all_by_label(text).next().is_some()
    }

    pub fn has_label_containing(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }
}

impl Window {
    /// A person's drag: press on `from`, move in steps, let go on `to`.
    pub fn drag(&mut self, from: egui::Pos2, to: egui::Pos2) {
        self.harness.hover_at(from);
        self.harness.step();
        self.harness.drag_at(from);
        self.harness.step();
        for i in 1..=4 {
            let t = i as f32 / 4.0;
            self.harness.hover_at(from + (to - from) * t);
            self.harness.step();
        }
        self.harness.drop_at(to);
        self.harness.step();
    }

    /// A point in the empty part of a pane's file table, under its header.
    pub fn table_space(&self, pane: &str) -> egui::Pos2 {
        let header = self
            .harness
            .get_by_label(&format!("{pane} files: sort by Name"))
            .rect();
        header.center() + egui::vec2(0.0, 200.0)
    }
}

/// The names of the server pane's chosen rows.
pub fn selected_remote_rows(window: &Window) -> Vec<String> {
    window
        .pane(Side::Remote)
        .query_all_by_role(Role::Row)
        .filter(|row| row.accesskit_node().is_selected() == Some(true))
        .map(|row| row.accesskit_node().label().unwrap_or_default())
        .collect()
}

/// Waits for the table to show `name` (or, with `present` false, to stop showing it).
pub fn wait_for_row(window: &mut Window, name: &'static str, present: bool) {
    window.run_until(name, move |h| {
        let pane = h.get_by_label("Remote pane");
        pane.query_all_by_role_and_label(Role::Row, name)
            .next()
            .is_some()
            == present
    });
}

pub fn config_dirs(dir: &std::path::Path) -> ferry::store::StoreDirs {
    ferry::store::StoreDirs {
        config: dir.to_path_buf(),
        data: dir.to_path_buf(),
    }
}
