//! The connection bar.

use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::{PASSWORD, TestServer, USER};
use crate::window::*;

/// Issue 12, item 6: an address typed a key at a time (not pasted) is read once it is complete:
/// the scheme is not eaten, the port is the one typed, and an old password is not kept.
#[test]
fn a_typed_url_fills_the_form_once_complete() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.type_into("Password:", "an old password");
    let url = format!("ftp://{USER}:{PASSWORD}@127.0.0.1:{}/Photos", server.port());
    window.type_slowly("Host:", &url);
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "holiday-01.jpg", true);
    assert!(window.has_label("Current folder: /Photos"));
    let port = window.harness.get_by_label("Port:").value();
    assert_eq!(port.as_deref(), Some(server.port().to_string().as_str()));
    let host = window.harness.get_by_label("Host:").value();
    assert_eq!(host.as_deref(), Some("127.0.0.1"));
}

/// The scheme of an address sets the TLS mode (the host field keeps only the host); `sftp://`
/// is answered at once in the notice, and Connect does not try.
#[test]
fn schemes_set_tls_and_sftp_is_refused_in_the_notice() {
    for (url, mode, port, button) in [
        (
            "ftpes://alice@files.example.com",
            "Require explicit TLS (AUTH TLS)",
            "21",
            "Options: explicit TLS ⏷",
        ),
        (
            "ftps://alice@files.example.com",
            "Implicit TLS (port 990)",
            "990",
            "Options: implicit TLS ⏷",
        ),
    ] {
        let mut window = Window::open();
        window.type_into("Host:", url);
        // Leaving the field (Tab, as a keyboard user does) reads what was typed.
        window.press(egui::Key::Tab);
        window.harness.run();
        let value = |label: &str| window.harness.get_by_label(label).value();
        assert_eq!(
            value("Host:").as_deref(),
            Some("files.example.com"),
            "{url}"
        );
        assert_eq!(value("Port:").as_deref(), Some(port), "{url}");
        // The bar says which encryption the next connection takes.
        window.harness.get_by_label(button).click();
        window.harness.run();
        let chosen = window.harness.get_by_label(mode).accesskit_node().toggled();
        assert_eq!(
            chosen,
            Some(egui::accesskit::Toggled::True),
            "{url}: {mode}"
        );
    }

    let mut window = Window::open();
    window.type_into("Host:", "sftp://alice@files.example.com");
    window.harness.get_by_label("Connect").click();
    window.harness.run();
    assert!(window.has_label_containing("SFTP is not supported by Ferry"));
    let app = window.harness.state();
    let notice = app.notice().unwrap_or_default();
    assert!(
        notice.starts_with("SFTP is not supported by Ferry"),
        "{notice:?}"
    );
    assert!(
        matches!(
            app.connection(),
            ferry::ui::ConnectionState::Disconnected { .. }
        ),
        "{:?}",
        app.connection()
    );
}

/// `ferry --demo` on the person's own settings folder: a transfer in the demo goes to a server
/// that ends with the window, so it is not saved into the person's queue (a walk found the last
/// demo's items restored, pointing at a port nobody listened on), and the demo's server is not
/// added to the quick-connect history. The log names the folder the demo serves (a walk
/// looked for it), which goes with the window.
#[test]
fn the_demo_leaves_the_persons_queue_and_history_alone() {
    let config = tempfile::tempdir().unwrap();
    let dirs = config_dirs(config.path());
    let mut window = Window::open_setup(Setup {
        dirs: Some(dirs.clone()),
        demo: true,
        ..Setup::default()
    });
    wait_for_row(&mut window, "welcome.txt", true);
    window.double_click("welcome.txt");
    window.run_until("the download", |h| {
        h.query_by_label("Successful (1)").is_some()
    });
    let sample = tempfile::tempdir().unwrap();
    ferry::demo::create_sample_tree(sample.path()).unwrap();
    assert_eq!(
        std::fs::read(window.downloads.path().join("welcome.txt")).unwrap(),
        std::fs::read(sample.path().join("welcome.txt")).unwrap()
    );
    // The log says where the demo server's files are: the file just downloaded is there.
    let log = window.harness.state().log_text();
    let served = log
        .lines()
        .find_map(|line| line.split_once("serves the folder "))
        .and_then(|(_, rest)| rest.split_once(';'))
        .map(|(folder, _)| std::path::PathBuf::from(folder))
        .unwrap_or_else(|| panic!("no demo folder in the log:\n{log}"));
    assert_eq!(
        std::fs::read(served.join("welcome.txt")).unwrap(),
        std::fs::read(sample.path().join("welcome.txt")).unwrap()
    );
    drop(window);
    assert!(!served.exists(), "the demo's folder outlived its window");
    assert!(
        !dirs.data.join("queue.json").exists(),
        "the demo's queue was saved as the person's"
    );
    assert!(
        !dirs.config.join(ferry::store::history::FILE_NAME).exists(),
        "the demo's server went into the history"
    );
}

/// The recent-servers button, greyed out while there are none, says why when the pointer rests
/// on it (a walk found it greyed out with no word, and took it for broken).
#[test]
fn the_empty_history_button_says_why_it_is_greyed_out() {
    let mut window = Window::open();
    let button = window
        .harness
        .get_by_label("Recent servers")
        .rect()
        .center();
    window.harness.hover_at(button);
    window.harness.run_steps(20);
    assert!(
        window.has_label_containing("Recent servers: none yet"),
        "no explanation on the greyed-out button"
    );
}

/// A server that closes an idle connection is said on the status line when it happens (not at
/// the next click), and the next action logs in again where the person was.
#[test]
fn an_idle_connection_closed_by_the_server_shows_and_the_next_action_logs_in_again() {
    let server = TestServer::start_with(|options| options.idle_timeout_secs = Some(1));
    let mut window = Window::open();
    window.connect_to(&server);
    window.run_until(
        "the status line saying the server closed the connection",
        // The status line's own words (the log says the rest of it too).
        |h| h.query_by_label_contains(": disconnected (").is_some(),
    );
    assert!(!window.has_label_containing("Connected to 127.0.0.1:"));
    window.double_click("Photos");
    wait_for_row(&mut window, "holiday-01.jpg", true);
    window.run_until("the status line connected again", |h| {
        h.query_by_label_contains("Connected to 127.0.0.1:")
            .is_some()
    });
    assert!(!window.has_label_containing(": disconnected ("));
}
