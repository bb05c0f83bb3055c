//! Certificates the OS does not trust, and the Site Manager.

use egui_kittest::kittest::Queryable;

use crate::support::{PASSWORD, TestServer, USER};
use crate::window::*;

#[test]
fn a_self_signed_certificate_asks_and_always_trust_connects_and_is_remembered() {
    use ferry::engine::tls::fingerprint_text;
    let server = TestServer::start_tls();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    connect_until_asked(&mut window, &server);
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
    let log = window.harness.state().log_text();
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
        window.harness.state().connection(),
        ferry::ui::ConnectionState::Disconnected { .. }
    ));
}

#[test]
fn a_site_made_in_the_site_manager_is_saved_without_its_password_and_connects() {
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    open_new_site(&mut window);
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
    // Save says so once the file is written; the time zone is in hours, as in Options.
    window.run_until("the Saved note", |h| h.query_by_label("✔ Saved").is_some());
    assert!(window.has_label("Server time zone (hours from UTC):"));
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
    assert!(!window.harness.state().log_text().contains(PASSWORD));

    // Deleting asks first; "Keep" keeps it, "Yes, delete" removes it from the file too.
    window.harness.get_by_label("Sites").click();
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

/// A site whose password is asked at every connection: Tab goes on from the password to
/// Connect (the field does not take the focus back, where Space would type into it), and Space
/// presses it.
#[test]
fn a_site_that_asks_its_password_is_answered_by_keys_alone() {
    use ferry::store::sites::{Logon, Site, SiteFolder};
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let sites = SiteFolder {
        sites: vec![Site {
            name: "Asks".into(),
            host: "127.0.0.1".into(),
            port: server.port(),
            logon: Logon::AskPassword,
            user: USER.into(),
            tls_if_available: false,
            ..Site::default()
        }],
        ..SiteFolder::default()
    };
    ferry::store::sites::save(config.path(), &sites).unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    window.harness.get_by_label("Sites").click();
    window.run_until("the Site Manager", |h| h.query_by_label("🖧 Asks").is_some());
    window.harness.get_by_label("🖧 Asks").click();
    window.harness.step();
    window.harness.get_by_label("🖧 Asks").click();
    let prompt = format!("Password for {USER} on 127.0.0.1:{}", server.port());
    window.run_until("the password prompt", |h| {
        h.query_by_label(&prompt).is_some()
    });
    window.harness.step();
    // Typed with no click first: the prompt gave its field the keys.
    window.harness.event(egui::Event::Text(PASSWORD.to_owned()));
    window.harness.step();
    window.harness.key_press(egui::Key::Tab);
    window.harness.step();
    window.harness.step();
    window.harness.key_press(egui::Key::Space);
    wait_for_row(&mut window, "welcome.txt", true);
}

/// Esc on an open drop-down list closes the list, not the window around it: a walk pressed Esc
/// on the Site Manager's Protocol list and lost the whole Site Manager (its next click then
/// landed in the main window).
#[test]
fn escape_closes_an_open_list_before_its_window() {
    let mut window = Window::open();
    open_new_site(&mut window);
    window.harness.get_by_label("Protocol:").click();
    window.run_until("the list open", |h| {
        h.query_by_label("FTP over implicit TLS").is_some()
    });
    window.press(egui::Key::Escape);
    window.harness.run();
    assert!(
        window
            .harness
            .query_by_label("FTP over implicit TLS")
            .is_none(),
        "the list stayed open"
    );
    assert!(
        window.harness.query_by_label("New site").is_some(),
        "Esc on the list closed the Site Manager"
    );
    // A second Esc closes the window, as before.
    window.press(egui::Key::Escape);
    window.harness.run();
    assert!(window.harness.query_by_label("New site").is_none());
}

/// "Trust until Ferry closes": the next connection to the same server in the same run doesn't
/// ask again (a walk was asked at each one after "Trust once"), and nothing is saved; a new
/// run asks again.
#[test]
fn a_certificate_trusted_until_ferry_closes_is_not_asked_about_again_in_that_run() {
    let server = TestServer::start_tls();
    let config = tempfile::tempdir().unwrap();
    let mut window = Window::open_with(Some(config_dirs(config.path())));
    connect_until_asked(&mut window, &server);
    window
        .harness
        .get_by_label("Trust until Ferry closes")
        .click();
    wait_for_row(&mut window, "welcome.txt", true);
    window.harness.get_by_label("Disconnect").click();
    window.run_until("disconnected", |h| {
        h.query_by_label("Not connected").is_some()
    });
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "welcome.txt", true);
    assert!(!window.has_label("Unknown certificate"), "asked again");
    assert!(!config.path().join(ferry::store::trust::FILE_NAME).exists());
    drop(window);

    let mut window = Window::open_with(Some(config_dirs(config.path())));
    connect_until_asked(&mut window, &server);
}

/// Connects from the bar to a server whose certificate isn't trusted: until the question.
fn connect_until_asked(window: &mut Window, server: &TestServer) {
    window.fill_connection_bar(server, PASSWORD);
    window.harness.get_by_label("Connect").click();
    window.run_until("the trust dialog", |h| {
        h.query_by_label("Trust until Ferry closes").is_some()
            && h.query_by_label("Always trust this certificate").is_some()
    });
}

/// Choosing a site's encryption keeps a port the person typed (a walk's 21210 went back to 21
/// and the connection to the wrong port); a default port follows the protocol's, as FileZilla's.
#[test]
fn choosing_the_protocol_keeps_a_typed_port() {
    let mut window = Window::open();
    open_new_site(&mut window);
    let site_port = |window: &Window| lowest(window, "Port:").value().unwrap_or_default();
    let choose = |window: &mut Window, protocol: &str| {
        window.harness.get_by_label("Protocol:").click();
        window.run_until("the list open", |h| h.query_by_label(protocol).is_some());
        window
            .harness
            .get_all_by_label(protocol)
            .last()
            .expect("the protocol in the list")
            .click();
        window.harness.run();
    };
    assert_eq!(site_port(&window), "21");
    choose(&mut window, "FTP over implicit TLS");
    assert_eq!(site_port(&window), "990", "a default port follows");
    choose(&mut window, "FTP");
    assert_eq!(site_port(&window), "21");
    lowest(&window, "Port:").click();
    window.harness.step();
    window
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window.harness.step();
    lowest(&window, "Port:").type_text("21210");
    window.press(egui::Key::Enter);
    window.harness.run();
    assert_eq!(site_port(&window), "21210");
    for protocol in ["FTP over explicit TLS", "FTP over implicit TLS", "FTP"] {
        choose(&mut window, protocol);
        assert_eq!(site_port(&window), "21210", "after choosing {protocol}");
    }
}

/// Opens the Site Manager and a new site's form.
fn open_new_site(window: &mut Window) {
    window.harness.get_by_label("Sites").click();
    window.run_until("the Site Manager", |h| {
        h.query_by_label("New site").is_some()
    });
    window.harness.get_by_label("New site").click();
    window.run_until("the new site's form", |h| {
        h.query_all_by_label("Host:").count() == 2
    });
}

/// The Site Manager's fields share their labels with the connection bar above it: the lowest
/// on screen.
fn lowest<'a>(window: &'a Window, label: &'a str) -> egui_kittest::Node<'a> {
    window
        .harness
        .get_all_by_label(label)
        .max_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .unwrap_or_else(|| panic!("no {label}"))
}
