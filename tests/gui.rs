//! The real window (`FerryApp`) driven by egui_kittest against the embedded server: type into the
//! connection bar, click Connect, and read what is on screen.

mod support;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ferry::ui::{AppOptions, FerryApp, Side};
use support::{PASSWORD, TestServer, USER};

/// The test window's width: the local pane is the left half, the remote pane the right.
const WIDTH: f32 = 1400.0;

/// Counts engine notifications, so a test can sleep until the engine has said something new
/// instead of guessing with a timer.
#[derive(Default)]
struct EngineSignal {
    count: Mutex<u64>,
    changed: Condvar,
}

impl EngineSignal {
    fn bump(&self) {
        if let Ok(mut count) = self.count.lock() {
            *count += 1;
            self.changed.notify_all();
        }
    }

    fn count(&self) -> u64 {
        self.count.lock().map(|c| *c).unwrap_or(0)
    }

    /// Waits until the count moves past `seen`, at most `limit`.
    fn wait_past(&self, seen: u64, limit: Duration) {
        if let Ok(count) = self.count.lock() {
            let _ = self
                .changed
                .wait_timeout_while(count, limit, |c| *c <= seen);
        }
    }
}

struct Window {
    harness: Harness<'static, FerryApp>,
    signal: Arc<EngineSignal>,
    /// Where downloads go.
    downloads: tempfile::TempDir,
}

impl Window {
    fn open() -> Self {
        Self::open_with(None)
    }

    /// With settings, sites and trusted certificates kept in `dirs` (`None`: in memory only).
    fn open_with(dirs: Option<ferry::store::StoreDirs>) -> Self {
        // Never the person's own keyring: saved passwords go to one in memory.
        ferry::store::secrets::use_memory_keyring();
        let downloads = tempfile::tempdir().unwrap();
        let local_folder = downloads.path().to_path_buf();
        let signal = Arc::new(EngineSignal::default());
        let hook = signal.clone();
        let harness = Harness::builder()
            .with_size(egui::vec2(WIDTH, 1200.0))
            // Frames a twentieth of a second apart, so two clicks a frame apart are a double-click.
            .with_step_dt(0.05)
            .build_eframe(move |cc| {
                FerryApp::new(
                    cc,
                    AppOptions {
                        on_engine_event: Some(Arc::new(move || hook.bump())),
                        local_folder: Some(local_folder),
                        dirs: dirs.clone(),
                        ..AppOptions::default()
                    },
                )
            });
        Self {
            harness,
            signal,
            downloads,
        }
    }

    /// Lists the local folder again (after the test changed it on disk).
    fn open_local_again(&mut self) {
        let folder = self.downloads.path().to_path_buf();
        self.harness.state_mut().open_local(folder);
        self.harness.step();
    }

    fn connect_to(&mut self, server: &TestServer) {
        self.fill_connection_bar(server, PASSWORD);
        self.harness.get_by_label("Connect").click();
        wait_for_row(self, "welcome.txt", true);
    }

    /// Runs frames until `done` holds, waiting on the engine between frames. Bounded in frames
    /// and in time; panics with the app's state when it never happens.
    fn run_until(&mut self, what: &str, done: impl Fn(&Harness<'static, FerryApp>) -> bool) {
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
            app.connection,
            app.notice,
            app.log.to_text()
        );
    }

    fn type_into(&mut self, label: &str, text: &str) {
        self.harness.get_by_label(label).click();
        self.harness.step();
        self.harness.get_by_label(label).type_text(text);
        self.harness.step();
    }

    fn fill_connection_bar(&mut self, server: &TestServer, password: &str) {
        self.type_into("Host:", "127.0.0.1");
        self.type_into("Port:", &server.port().to_string());
        self.type_into("User:", USER);
        self.type_into("Password:", password);
    }

    /// A row of the remote file table: the right half of the window (the tree shows folder
    /// names too, as tree items, and the local pane on the left may have the same names).
    fn row<'a>(&'a self, name: &'a str) -> egui_kittest::Node<'a> {
        self.pane_rows(name, Side::Remote)
            .next()
            .unwrap_or_else(|| panic!("no remote row {name:?}"))
    }

    fn local_row<'a>(&'a self, name: &'a str) -> egui_kittest::Node<'a> {
        self.pane_rows(name, Side::Local)
            .next()
            .unwrap_or_else(|| panic!("no local row {name:?}"))
    }

    fn pane_rows<'a>(
        &'a self,
        name: &'a str,
        side: Side,
    ) -> impl Iterator<Item = egui_kittest::Node<'a>> {
        let middle = WIDTH / 2.0;
        self.harness
            .query_all_by_role_and_label(Role::Label, name)
            .filter(move |n| (n.rect().center().x > middle) == (side == Side::Remote))
    }

    fn has_row(&self, name: &str) -> bool {
        self.pane_rows(name, Side::Remote).next().is_some()
    }

    /// Two clicks a frame apart, as a person's double-click arrives.
    fn double_click(&mut self, name: &str) {
        self.row(name).click();
        self.harness.step();
        self.row(name).click();
        self.harness.step();
    }

    fn row_top(&self, name: &str) -> f32 {
        self.row(name).rect().min.y
    }

    fn has_label(&self, text: &str) -> bool {
        self.harness.query_all_by_label(text).next().is_some()
    }

    fn has_label_containing(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }
}

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

    // Backspace goes back up.
    window.harness.key_press(egui::Key::Backspace);
    wait_for_row(&mut window, "welcome.txt", true);

    // The message log shows the transcript, with the password masked.
    assert!(
        window.has_label_containing("Listed /Documents:"),
        "the newest lines show first"
    );
    // Scroll up to the login.
    for _ in 0..100 {
        if window.has_label("PASS ****") {
            break;
        }
        window
            .harness
            .get_all_by_label("Response:")
            .next()
            .unwrap()
            .scroll_up();
        window.harness.step();
    }
    assert!(window.has_label("PASS ****"));
    assert!(!window.has_label_containing(PASSWORD));
    assert!(!window.harness.state().log.to_text().contains(PASSWORD));
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
    window.type_into("Host:", &url);
    let form = &window.harness.state().form;
    assert_eq!(form.host, "127.0.0.1");
    assert_eq!(form.port, server.port().to_string());
    assert_eq!(form.user, USER);
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

/// Waits for the table to show `name` (or, with `present` false, to stop showing it).
fn wait_for_row(window: &mut Window, name: &'static str, present: bool) {
    window.run_until(name, move |h| {
        h.query_all_by_role_and_label(Role::Label, name)
            .any(|n| n.rect().center().x > WIDTH / 2.0)
            == present
    });
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
    window.type_into("Filter:", "02");
    assert!(window.has_row("holiday-02.jpg"));
    assert!(!window.has_row("holiday-01.jpg"));
    assert!(!window.has_row("Old Albums"));
    window.harness.get_by_label("Filter:").click();
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

    // Delete with Del, after a confirmation that names the file.
    window.row("renamed notes.md").click();
    window.harness.step();
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

#[test]
fn a_folder_download_reaches_successful() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    window.row("Documents").click_secondary();
    window.harness.step();
    window.harness.step();
    window.harness.get_by_label("⬇ Download").click();
    window.run_until("four files in Successful", |h| {
        h.query_by_label("Successful (4)").is_some()
    });
    assert!(window.has_label("Queued (0)"));
    assert!(window.has_label("Failed (0)"));
    window.harness.get_by_label("Successful (4)").click();
    window.harness.step();
    window.harness.step();
    assert!(
        window.has_label("summary.csv"),
        "the queue lists the files it moved"
    );
    for file in [
        "readme.txt",
        "notes.md",
        "Reports/annual report 2025.pdf",
        "Reports/2025/summary.csv",
    ] {
        assert_eq!(
            std::fs::read(window.downloads.path().join("Documents").join(file)).unwrap(),
            std::fs::read(server.path().join("Documents").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_conflict_is_answered_in_the_dialog() {
    let server = TestServer::start();
    let mut window = Window::open();
    let target = window.downloads.path().join("welcome.txt");
    std::fs::write(&target, b"an older copy").unwrap();
    window.connect_to(&server);
    // Double-clicking a file downloads it into the local folder, where it already is.
    window.double_click("welcome.txt");
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    assert!(
        window.has_label_containing("13 bytes"),
        "the existing file's size is shown"
    );
    window.harness.get_by_label("Rename").click();
    window.harness.step();
    window.harness.get_by_label("OK").click();
    window.run_until("the renamed download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"an older copy",
        "the existing file is kept"
    );
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome (1).txt")).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
}

impl Window {
    /// A person's drag: press on `from`, move in steps, let go on `to`.
    fn drag(&mut self, from: egui::Pos2, to: egui::Pos2) {
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
    fn table_space(&self, pane: &str) -> egui::Pos2 {
        let header = self
            .harness
            .get_by_label(&format!("{pane} files: sort by Name"))
            .rect();
        header.center() + egui::vec2(0.0, 200.0)
    }
}

#[test]
fn dragging_a_remote_file_onto_the_local_pane_downloads_it() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let from = window.row("welcome.txt").rect().center();
    let to = window.table_space("Local");
    window.drag(from, to);
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );
    // The local pane lists the new file by itself.
    window.run_until("the file in the local pane", |h| {
        h.query_all_by_role_and_label(Role::Label, "welcome.txt")
            .any(|n| n.rect().center().x < WIDTH / 2.0)
    });
}

#[test]
fn dragging_a_local_folder_onto_the_remote_pane_uploads_it() {
    let server = TestServer::start();
    let mut window = Window::open();
    let folder = window.downloads.path().join("to-upload");
    std::fs::create_dir_all(folder.join("inner")).unwrap();
    std::fs::write(folder.join("a.txt"), b"alpha").unwrap();
    std::fs::write(
        folder.join("inner/b.bin"),
        ferry::demo::pseudo_random_bytes(300_000, 5),
    )
    .unwrap();
    window.open_local_again();
    window.connect_to(&server);
    window.run_until("the local folder", |h| {
        h.query_all_by_role_and_label(Role::Label, "to-upload")
            .any(|n| n.rect().center().x < WIDTH / 2.0)
    });
    let from = window.local_row("to-upload").rect().center();
    let to = window.table_space("Remote");
    window.drag(from, to);
    window.run_until("the upload", |h| {
        h.query_by_label("Successful (2)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("to-upload/a.txt")).unwrap(),
        b"alpha"
    );
    assert_eq!(
        std::fs::read(server.path().join("to-upload/inner/b.bin")).unwrap(),
        std::fs::read(folder.join("inner/b.bin")).unwrap()
    );
}

/// A file dropped on the window from a file manager.
#[derive(Debug)]
struct DroppedFromOs(std::path::PathBuf);

impl egui::DroppedFile for DroppedFromOs {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn files_dropped_from_the_os_are_uploaded() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.connect_to(&server);
    let outside = tempfile::tempdir().unwrap();
    let first = outside.path().join("dropped one.txt");
    let second = outside.path().join("dropped-two.bin");
    std::fs::write(&first, b"from the file manager").unwrap();
    std::fs::write(&second, ferry::demo::pseudo_random_bytes(50_000, 3)).unwrap();
    // Over the Music folder row: they go into Music.
    let over = window.row("Music").rect().center();
    window.harness.hover_at(over);
    window.harness.step();
    for path in [&first, &second] {
        window
            .harness
            .input_mut()
            .dropped_files
            .push(Arc::new(DroppedFromOs(path.clone())));
    }
    window.harness.step();
    window.run_until("the uploads", |h| {
        h.query_by_label("Successful (2)").is_some()
    });
    assert_eq!(
        std::fs::read(server.path().join("Music/dropped one.txt")).unwrap(),
        b"from the file manager"
    );
    assert_eq!(
        std::fs::read(server.path().join("Music/dropped-two.bin")).unwrap(),
        std::fs::read(&second).unwrap()
    );
}

fn config_dirs(dir: &std::path::Path) -> ferry::store::StoreDirs {
    ferry::store::StoreDirs {
        config: dir.to_path_buf(),
        data: dir.to_path_buf(),
    }
}

#[test]
fn a_self_signed_certificate_asks_and_always_trust_connects_and_is_remembered() {
    use ferry::engine::tls::fingerprint_text;
    let server = TestServer::start_tls();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.fill_connection_bar(&server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    window.run_until("the trust dialog", |h| {
        h.query_by_label("Always trust this certificate").is_some()
    });
    assert!(window.has_label("Unknown certificate"));
    assert!(window.has_label(&fingerprint_text(&server.fingerprint())));
    assert!(window.has_label_containing("self-signed"));
    assert!(window.has_label("CN=rcgen self signed cert"));
    assert!(
        !window.has_row("welcome.txt"),
        "connected before the answer"
    );

    window
        .harness
        .get_by_label("Always trust this certificate")
        .click();
    wait_for_row(&mut window, "welcome.txt", true);
    assert!(
        window.has_label("Connection encrypted"),
        "the status line shows an encrypted session"
    );
    let log = window.harness.state().log.to_text();
    assert!(log.contains("PROT P"), "{log}");
    assert!(!log.contains(PASSWORD));

    // Remembered: a new window on the same config connects without asking.
    let path = config.path().join(ferry::store::trust::FILE_NAME);
    window.run_until("the trusted certificate on disk", |_| {
        std::fs::read_to_string(&path)
            .is_ok_and(|text| text.contains(&fingerprint_text(&server.fingerprint())))
    });
    drop(window);
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.fill_connection_bar(&server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);
    assert!(!window.has_label("Unknown certificate"));
}

#[test]
fn a_changed_certificate_is_a_loud_warning_and_cancel_does_not_connect() {
    let server = TestServer::start_tls();
    let config = tempfile::tempdir().unwrap();
    let mut trusted = ferry::store::trust::TrustedCertificates::default();
    trusted.add(
        "127.0.0.1",
        server.port(),
        ferry::engine::tls::fingerprint_text(&[7; 32]),
    );
    trusted.save(config.path()).unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.fill_connection_bar(&server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    window.run_until("the warning", |h| {
        h.query_by_label_contains("CHANGED").is_some()
    });
    window.harness.get_by_label("Cancel").click();
    window.run_until("the warning to close", |h| {
        h.query_by_label_contains("CHANGED").is_none()
    });
    assert!(!window.has_row("welcome.txt"));
    assert!(matches!(
        window.harness.state().connection,
        ferry::ui::ConnectionState::Disconnected { .. }
    ));
}

#[test]
fn a_site_made_in_the_site_manager_is_saved_without_its_password_and_connects() {
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.harness.get_by_label("📇 Sites").click();
    window.run_until("the Site Manager", |h| {
        h.query_by_label("New site").is_some()
    });
    window.harness.get_by_label("New site").click();
    window.run_until("the new site's form", |h| {
        h.query_all_by_label("Host:").count() == 2
    });
    // The Site Manager's fields share their labels with the connection bar above it: take the
    // lowest on screen.
    fn lowest<'a>(window: &'a Window, label: &'a str) -> egui_kittest::Node<'a> {
        window
            .harness
            .get_all_by_label(label)
            .max_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
            .unwrap_or_else(|| panic!("no {label}"))
    }
    let port = server.port().to_string();
    for (label, text) in [
        ("Name:", "Demo box"),
        ("Host:", "127.0.0.1"),
        ("Port:", port.as_str()),
        ("User:", USER),
        ("Password:", PASSWORD),
    ] {
        lowest(&window, label).click();
        window.harness.step();
        if label == "Name:" || label == "Port:" {
            window
                .harness
                .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
            window.harness.step();
        }
        lowest(&window, label).type_text(text);
        window.harness.step();
    }
    window.harness.get_by_label("Save").click();
    let sites_file = config.path().join(ferry::store::sites::FILE_NAME);
    window.run_until("sites.toml", |_| {
        std::fs::read_to_string(&sites_file).is_ok_and(|text| text.contains("Demo box"))
    });
    let text = std::fs::read_to_string(&sites_file).unwrap();
    assert!(text.contains(&format!("port = {port}")), "{text}");
    assert!(!text.contains(PASSWORD), "the password is in sites.toml");

    // Let egui's double-click window (0.3 s) pass since the click on Save, or the next two
    // clicks would count as a triple-click.
    for _ in 0..8 {
        window.harness.step();
    }
    window.harness.get_by_label("🖧 Demo box").click();
    window.harness.step();
    window.harness.get_by_label("🖧 Demo box").click();
    window.harness.step();
    wait_for_row(&mut window, "welcome.txt", true);
    assert!(!window.harness.state().log.to_text().contains(PASSWORD));

    // Deleting asks first; "Keep" keeps it, "Yes, delete" removes it from the file too.
    window.harness.get_by_label("📇 Sites").click();
    window.run_until("the Site Manager", |h| {
        h.query_by_label("🖧 Demo box").is_some()
    });
    window.harness.get_by_label("🖧 Demo box").click();
    window.harness.step();
    window.harness.get_by_label("Delete").click();
    window.run_until("the question", |h| {
        h.query_by_label("Delete the site \"Demo box\"?").is_some()
    });
    window.harness.get_by_label("Keep").click();
    window.harness.step();
    assert!(window.has_label("🖧 Demo box"));
    window.harness.get_by_label("Delete").click();
    window.run_until("the question", |h| {
        h.query_by_label("Yes, delete").is_some()
    });
    window.harness.get_by_label("Yes, delete").click();
    window.run_until("the site gone from sites.toml", |h| {
        h.query_by_label("🖧 Demo box").is_none()
            && std::fs::read_to_string(&sites_file).is_ok_and(|text| !text.contains("Demo box"))
    });
}

/// The conflict dialog, every choice, both ways, with the bytes on both sides checked after.
/// The new file is `0123456789` (newer); the one in the way `ABCDE` (older, shorter).
#[test]
fn every_conflict_choice_in_both_directions() {
    const NEW: &[u8] = b"0123456789";
    const OLD: &[u8] = b"ABCDE";
    // The choice clicked, a name typed for Rename, what the target holds afterwards, the copy
    // (and its name), and the item's end state.
    #[allow(clippy::type_complexity)]
    let table: [(
        &str,
        Option<&str>,
        &[u8],
        Option<(&str, &[u8])>,
        ferry::engine::ItemState,
    ); 8] = {
        use ferry::engine::ItemState::*;
        [
            ("Overwrite", None, NEW, None, Done),
            ("Overwrite if newer", None, NEW, None, Done),
            ("Overwrite if size differs", None, NEW, None, Done),
            ("Resume", None, b"ABCDE56789", None, Done),
            ("Rename", None, OLD, Some(("d (1).bin", NEW)), Done),
            (
                "Rename",
                Some("mine.bin"),
                OLD,
                Some(("mine.bin", NEW)),
                Done,
            ),
            ("Skip", None, OLD, None, Skipped),
            // Cancel leaves the question for later: the item waits, paused.
            ("Cancel", None, OLD, None, Paused),
        ]
    };
    for (choice, typed, target_after, copy_after, end) in table {
        for upload in [true, false] {
            let server = TestServer::start();
            let mut window = Window::open();
            let local = window.downloads.path().join("d.bin");
            let remote = server.path().join("d.bin");
            let (source, target) = if upload {
                (&local, &remote)
            } else {
                (&remote, &local)
            };
            std::fs::write(source, NEW).unwrap();
            std::fs::write(target, OLD).unwrap();
            set_time(source, false);
            set_time(target, true);
            window.open_local_again();
            window.connect_to(&server);
            let what = format!(
                "{choice} {typed:?}, {}",
                if upload { "upload" } else { "download" }
            );
            // A double-click sends the file to the other side.
            if upload {
                window.local_row("d.bin").click();
                window.harness.step();
                window.local_row("d.bin").click();
                window.harness.step();
            } else {
                window.double_click("d.bin");
            }
            window.run_until("the conflict question", |h| {
                h.query_by_label("The target already exists").is_some()
            });
            let way = if upload { "Upload:" } else { "Download:" };
            assert!(window.has_label_containing(way), "{what}");
            assert!(
                window.has_label_containing("5 bytes"),
                "{what}: the existing size"
            );
            assert!(
                window.has_label_containing("10 bytes"),
                "{what}: the new size"
            );
            assert!(
                window.has_label_containing(&target.display().to_string())
                    || window.has_label_containing("/d.bin"),
                "{what}: the target's path"
            );
            if choice == "Cancel" {
                window.harness.get_by_label("Cancel").click();
            } else {
                window.harness.get_by_label(choice).click();
                window.harness.step();
                if let Some(name) = typed {
                    let field = window.harness.get_by_label("New name:");
                    assert_eq!(field.value().as_deref(), Some("d (1).bin"), "{what}");
                    field.click();
                    window.harness.step();
                    window
                        .harness
                        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
                    window.harness.step();
                    window.harness.get_by_label("New name:").type_text(name);
                    window.harness.step();
                }
                window.harness.get_by_label("OK").click();
            }
            window.run_until("the item's end", |h| {
                h.state()
                    .queue
                    .items()
                    .iter()
                    .any(|i| i.state == end && !i.request.is_dir)
            });
            assert_eq!(std::fs::read(target).unwrap(), target_after, "{what}");
            assert_eq!(std::fs::read(source).unwrap(), NEW, "{what}: the source");
            if let Some((name, bytes)) = copy_after {
                let copy = target.with_file_name(name);
                assert_eq!(std::fs::read(copy).unwrap(), bytes, "{what}");
            }
            assert!(
                !window.downloads.path().join("d.bin.part").exists(),
                "{what}"
            );
            let tab = match end {
                ferry::engine::ItemState::Skipped => "Skipped (1)",
                ferry::engine::ItemState::Paused => "Queued (1)",
                _ => "Successful (1)",
            };
            assert!(window.has_label(tab), "{what}: {tab}");
        }
    }
}

/// Sets a file's modification time to a day of 2020 (`old`) or to now.
fn set_time(path: &std::path::Path, old: bool) {
    let when = if old {
        std::time::UNIX_EPOCH + Duration::from_secs(1_580_000_000)
    } else {
        std::time::SystemTime::now()
    };
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .unwrap();
}

/// The scheme of a pasted address sets the TLS mode (the host field keeps only the host);
/// `sftp://` is answered at once in the connection bar's notice, and Connect does not try.
#[test]
fn pasted_schemes_set_tls_and_sftp_is_refused_in_the_notice() {
    use ferry::engine::TlsMode;
    for (url, mode, port) in [
        ("ftpes://alice@files.example.com", TlsMode::Explicit, "21"),
        ("ftps://alice@files.example.com", TlsMode::Implicit, "990"),
    ] {
        let mut window = Window::open();
        window.type_into("Host:", url);
        let form = &window.harness.state().form;
        assert_eq!(form.host, "files.example.com", "{url}");
        assert_eq!((form.tls_mode, form.port.as_str()), (mode, port), "{url}");
    }

    let mut window = Window::open();
    window.type_into("Host:", "sftp://alice@files.example.com");
    let notice = window.harness.state().notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("SFTP is not supported by Ferry"),
        "{notice:?}"
    );
    window.harness.get_by_label("Connect").click();
    window.harness.step();
    assert!(window.has_label_containing("SFTP is not supported by Ferry"));
    let app = window.harness.state();
    let notice = app.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("SFTP is not supported by Ferry"),
        "{notice:?}"
    );
    assert!(
        matches!(
            app.connection,
            ferry::ui::ConnectionState::Disconnected { .. }
        ),
        "{:?}",
        app.connection
    );
}
