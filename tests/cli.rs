//! The `ferry` binary's CLI against the embedded server and a few failures.

mod support;

use std::process::{Command, Output};

use support::scripted::{ScriptedServer, Step};
use support::{PASSWORD, TestServer};

fn ferry(args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command.args(args).env_remove("FERRY_PASSWORD");
    if let Some(password) = password {
        command.env("FERRY_PASSWORD", password);
    }
    // Settings come from a folder of the test's own, never the user's.
    let config = tempfile::tempdir().unwrap();
    command.env("FERRY_CONFIG_DIR", config.path());
    command.output().expect("run ferry")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn info_prints_greeting_login_system_features_and_folder() {
    let server = TestServer::start();
    let output = ferry(&["info", &server.url()], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Ferry demo server"), "{text}");
    assert!(text.contains("Login:"), "{text}");
    assert!(text.contains("System:   UNIX"), "{text}");
    assert!(text.contains("Features:"), "{text}");
    assert!(text.contains("Folder:   /\n"), "{text}");
}

#[test]
fn ls_json_has_one_object_per_entry() {
    let server = TestServer::start();
    let url = format!("{}/Documents", server.url());
    let output = ferry(&["ls", "--json", &url], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let entries: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let readme = entries
        .iter()
        .find(|e| e["name"] == "readme.txt")
        .unwrap_or_else(|| panic!("no readme.txt in {entries:?}"));
    assert_eq!(readme["size"], 18);
    assert_eq!(readme["is_dir"], false);
    assert_eq!(readme["is_link"], false);
    assert!(readme["raw"].as_str().unwrap().contains("readme.txt"));
    for key in ["modified", "target", "permissions"] {
        assert!(readme.get(key).is_some(), "missing {key}");
    }
    let reports = entries
        .iter()
        .find(|e| e["name"] == "Reports")
        .expect("Reports");
    assert_eq!(reports["is_dir"], true);
}

#[test]
fn ls_plain_lists_names() {
    let server = TestServer::start();
    let output = ferry(&["ls", &server.url()], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.lines()
            .any(|l| l.starts_with('d') && l.ends_with(" Documents")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.ends_with(" welcome.txt")), "{text}");
}

#[test]
fn exit_codes_tell_failures_apart() {
    let server = TestServer::start();
    let bad_login = ferry(&["ls", &server.url()], Some("wrong"));
    assert_eq!(bad_login.status.code(), Some(5), "{}", stderr(&bad_login));
    assert!(
        stderr(&bad_login).starts_with("ferry: 530"),
        "{}",
        stderr(&bad_login)
    );
    assert_eq!(stderr(&bad_login).lines().count(), 1);

    let missing = ferry(
        &["ls", &format!("{}/no/such/dir", server.url())],
        Some(PASSWORD),
    );
    assert_eq!(missing.status.code(), Some(6), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("550"), "{}", stderr(&missing));

    let bad_url = ferry(&["ls", "sftp://example.com"], None);
    assert_eq!(bad_url.status.code(), Some(2));
    assert!(
        stderr(&bad_url).contains("not supported"),
        "{}",
        stderr(&bad_url)
    );

    let refused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = ferry(&["info", &format!("ftp://127.0.0.1:{refused_port}")], None);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));

    let dns = ferry(&["info", "ftp://no-such-host.invalid"], None);
    assert!(
        matches!(dns.status.code(), Some(3) | Some(4)),
        "{}",
        stderr(&dns)
    );
    assert!(
        stderr(&dns).contains("no-such-host.invalid"),
        "{}",
        stderr(&dns)
    );

    let silent = ScriptedServer::start(vec![Step::Silence]);
    let timeout = ferry(
        &[
            "info",
            "--timeout",
            "1",
            &format!("ftp://127.0.0.1:{}", silent.port),
        ],
        None,
    );
    assert_eq!(timeout.status.code(), Some(4), "{}", stderr(&timeout));
    assert!(
        stderr(&timeout).contains("timed out"),
        "{}",
        stderr(&timeout)
    );
}

#[test]
fn verbose_shows_the_transcript_without_the_password() {
    let server = TestServer::start();
    let output = ferry(&["ls", "-v", &server.url()], Some(PASSWORD));
    assert!(output.status.success());
    let transcript = stderr(&output);
    assert!(transcript.contains("> USER tester"), "{transcript}");
    assert!(transcript.contains("> PASS ****"), "{transcript}");
    assert!(!transcript.contains(PASSWORD));
}

#[test]
fn get_and_put_files_and_folders() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().to_str().unwrap();

    let get = ferry(
        &[
            "get",
            &format!("{}/Documents/readme.txt", server.url()),
            dest,
        ],
        Some(PASSWORD),
    );
    assert!(get.status.success(), "{}", stderr(&get));
    assert_eq!(
        std::fs::read(dir.path().join("readme.txt")).unwrap(),
        std::fs::read(server.path().join("Documents/readme.txt")).unwrap()
    );
    assert!(
        stderr(&get).contains("1 of 1 files transferred"),
        "{}",
        stderr(&get)
    );

    let get_r = ferry(
        &[
            "get",
            "-r",
            "--parallel",
            "3",
            &format!("{}/Photos", server.url()),
            dest,
        ],
        Some(PASSWORD),
    );
    assert!(get_r.status.success(), "{}", stderr(&get_r));
    assert_eq!(
        std::fs::read(dir.path().join("Photos/Old Albums/scan 1998.png")).unwrap(),
        std::fs::read(server.path().join("Photos/Old Albums/scan 1998.png")).unwrap()
    );

    let put = ferry(
        &[
            "put",
            dir.path().join("readme.txt").to_str().unwrap(),
            &format!("{}/Music/", server.url()),
        ],
        Some(PASSWORD),
    );
    assert!(put.status.success(), "{}", stderr(&put));
    assert!(server.path().join("Music/readme.txt").is_file());

    let put_r = ferry(
        &[
            "put",
            "-r",
            dir.path().join("Photos").to_str().unwrap(),
            &format!("{}/Backup", server.url()),
        ],
        Some(PASSWORD),
    );
    assert!(put_r.status.success(), "{}", stderr(&put_r));
    assert_eq!(
        std::fs::read(server.path().join("Backup/Old Albums/scan 1998.png")).unwrap(),
        std::fs::read(server.path().join("Photos/Old Albums/scan 1998.png")).unwrap()
    );
}

#[test]
fn get_refuses_to_overwrite_unless_told() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("welcome.txt");
    std::fs::write(&target, b"precious").unwrap();
    let url = format!("{}/welcome.txt", server.url());
    let refused = ferry(&["get", &url, target.to_str().unwrap()], Some(PASSWORD));
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");

    let overwrite = ferry(
        &[
            "get",
            "--on-conflict",
            "overwrite",
            &url,
            target.to_str().unwrap(),
        ],
        Some(PASSWORD),
    );
    assert!(overwrite.status.success(), "{}", stderr(&overwrite));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(server.path().join("welcome.txt")).unwrap()
    );

    let missing = ferry(
        &[
            "get",
            &format!("{}/nope.bin", server.url()),
            dir.path().to_str().unwrap(),
        ],
        Some(PASSWORD),
    );
    assert_eq!(missing.status.code(), Some(6), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("550"), "{}", stderr(&missing));
}

#[test]
fn a_saved_site_is_named_with_an_at_sign() {
    use ferry::store::sites::{Logon, Site, SiteFolder};
    let server = TestServer::start();
    let config = tempfile::tempdir().unwrap();
    let site = Site {
        name: "Demo".into(),
        host: "127.0.0.1".into(),
        port: server.port(),
        logon: Logon::Normal,
        user: support::USER.into(),
        tls_if_available: false,
        ..Site::default()
    };
    let sites = SiteFolder {
        folders: vec![SiteFolder {
            name: "Work".into(),
            sites: vec![site],
            ..SiteFolder::default()
        }],
        ..SiteFolder::default()
    };
    ferry::store::sites::save(config.path(), &sites).unwrap();
    let run = |target: &str| {
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["ls", target])
            // No keyring in a test process: the password comes from the environment.
            .env("FERRY_PASSWORD", PASSWORD)
            .env("FERRY_CONFIG_DIR", config.path())
            .output()
            .expect("run ferry")
    };
    let output = run("@Work/Demo:/Documents");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("readme.txt"),
        "{}",
        stdout(&output)
    );
    let output = run("@Demo");
    assert!(
        stdout(&output).contains("welcome.txt"),
        "{}",
        stderr(&output)
    );
    let output = run("@Nowhere");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no saved site named"),
        "{}",
        stderr(&output)
    );
}
