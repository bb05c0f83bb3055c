//! The `ferry` binary's CLI against the embedded server and a few failures.

mod support;

use std::process::{Command, Output};

use support::scripted::{ScriptedServer, Step};
use support::{PASSWORD, TestServer, USER};

fn ferry(args: &[&str], password: Option<&str>) -> Output {
    ferry_answering(args, password, "")
}

/// Runs `ferry` with `answers` piped to its standard input (what `--on-conflict ask` reads).
fn ferry_answering(args: &[&str], password: Option<&str>, answers: &str) -> Output {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command.args(args).env_remove("FERRY_PASSWORD");
    if let Some(password) = password {
        command.env("FERRY_PASSWORD", password);
    }
    // Settings come from a folder of the test's own, never the user's.
    let config = tempfile::tempdir().unwrap();
    command.env("FERRY_CONFIG_DIR", config.path());
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("run ferry");
    if let Some(mut stdin) = child.stdin.take() {
        // A closed pipe (ferry asked nothing and ended) is fine.
        let _ = stdin.write_all(answers.as_bytes());
    }
    child.wait_with_output().expect("run ferry")
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

/// A folder whose listing is far bigger than one of the buffers it is read into (the few
/// buffers go round between the engine and `ls`): every entry must still come out, once.
#[test]
fn ls_json_lists_every_entry_of_a_big_folder() {
    const FILES: usize = 6_000;
    let server = TestServer::start();
    let folder = server.path().join("big");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..FILES {
        std::fs::write(folder.join(format!("entry-{i:05}.txt")), i.to_string()).unwrap();
    }
    let url = format!("{}/big", server.url());
    let output = ferry(&["ls", "--json", &url], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let raw_bytes: usize = text.len();
    assert!(raw_bytes > 256 * 1024, "only {raw_bytes} bytes of JSON");
    let mut names: Vec<String> = text
        .lines()
        .map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
            entry["name"].as_str().expect("a name").to_owned()
        })
        .collect();
    names.sort();
    let expected: Vec<String> = (0..FILES).map(|i| format!("entry-{i:05}.txt")).collect();
    assert_eq!(names, expected);
}

/// `ls` reads the server's listing itself, line by line as it arrives: every kind of line comes
/// out as the window reads it (the common Unix layout straight from the bytes, the others
/// through their own readings), `.` and `total` are left out, and a line nothing reads is
/// counted on stderr, never printed as an entry.
#[test]
fn ls_prints_every_kind_of_line_and_counts_the_unreadable() {
    let server = support::faulty::FaultyServer::start();
    server.set_listing(
        "/mixed",
        &[
            "total 12",
            "-rw-r--r--    1 1001     1001         1234 Jan 02  2025  two blanks.txt",
            "lrwxrwxrwx    1 0        0              11 Jan 02  2025 link -> target dir",
            "crw-rw-rw-    1 root     root       1,   3 Jan 02  2025 null",
            "drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2025 .",
            "drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2025 Folder",
            "-rw-r--r--    1 ftp      ftp             5 Jan 02  2025 quote\"and\\slash",
            "01-02-25  10:31AM                  512 windows.txt",
            "this line is nothing any server sends",
        ],
    );
    let url = format!("ftp://{USER}@127.0.0.1:{}/mixed", server.port);
    let output = ferry(&["ls", "--json", "--tls", "off", &url], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let entries: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            " two blanks.txt",
            "link",
            "null",
            "Folder",
            "quote\"and\\slash",
            "windows.txt"
        ]
    );
    let fields = |i: usize| {
        let e = &entries[i];
        (
            e["size"].as_u64(),
            e["is_dir"].as_bool().unwrap(),
            e["is_link"].as_bool().unwrap(),
            e["target"].as_str(),
        )
    };
    assert_eq!(fields(0), (Some(1234), false, false, None));
    assert_eq!(fields(1), (Some(11), false, true, Some("target dir")));
    // A device's size column is its numbers, not a size.
    assert_eq!(fields(2), (None, false, false, None));
    assert_eq!(fields(3), (Some(4096), true, false, None));
    assert_eq!(fields(5), (Some(512), false, false, None));
    assert_eq!(entries[0]["modified"], "2025-01-02T00:00:00");
    assert_eq!(entries[0]["permissions"], "-rw-r--r--");
    assert_eq!(
        entries[4]["raw"],
        "-rw-r--r--    1 ftp      ftp             5 Jan 02  2025 quote\"and\\slash"
    );
    assert!(
        stderr(&output).contains("1 listing lines could not be read"),
        "{}",
        stderr(&output)
    );
    // The same listing in the long format, and with --verbose the unreadable line itself.
    let output = ferry(&["ls", "-v", "--tls", "off", &url], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.lines()
            .any(|l| l.starts_with("l lrwxrwxrwx") && l.ends_with(" link -> target dir")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        stderr(&output)
            .contains("could not read listing line: this line is nothing any server sends"),
        "{}",
        stderr(&output)
    );
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

/// Issue 14: a transfer's exit code says why it failed, as `ls` and `info` do, both ways, and a
/// failed run leaves nothing under the final name.
#[test]
fn transfer_exit_codes_tell_failures_apart() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("up.txt");
    std::fs::write(&local, b"bytes").unwrap();
    let target = dir.path().to_str().unwrap();
    let refused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("ftp://{USER}@127.0.0.1:{refused_port}");
    for (what, args, password, code) in [
        (
            "get, wrong password",
            vec![
                "get".to_owned(),
                format!("{}/welcome.txt", server.url()),
                target.into(),
            ],
            "wrong",
            5,
        ),
        (
            "put, wrong password",
            vec![
                "put".into(),
                local.display().to_string(),
                format!("{}/up.txt", server.url()),
            ],
            "wrong",
            5,
        ),
        (
            "get, no such file",
            vec![
                "get".into(),
                format!("{}/no-such.txt", server.url()),
                target.into(),
            ],
            PASSWORD,
            6,
        ),
        (
            // A missing folder is made; a file where the folder would be can't be.
            "put, a file in the way of its folder",
            vec![
                "put".into(),
                local.display().to_string(),
                format!("{}/welcome.txt/up.txt", server.url()),
            ],
            PASSWORD,
            6,
        ),
        (
            "get, nobody there",
            vec![
                "get".into(),
                format!("{nowhere}/welcome.txt"),
                target.into(),
            ],
            PASSWORD,
            3,
        ),
        (
            "put, nobody there",
            vec![
                "put".into(),
                local.display().to_string(),
                format!("{nowhere}/up.txt"),
            ],
            PASSWORD,
            3,
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = ferry(&args, Some(password));
        assert_eq!(run.status.code(), Some(code), "{what}: {}", stderr(&run));
        let said = stderr(&run);
        let last = said.lines().last().unwrap_or_default();
        assert!(last.starts_with("ferry: "), "{what}: {said}");
        assert!(!stderr(&run).contains(PASSWORD), "{what}");
    }
    assert!(!dir.path().join("welcome.txt").exists());
    assert!(!dir.path().join("no-such.txt").exists());
    assert_eq!(std::fs::read(&local).unwrap(), b"bytes");
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

/// A download the local disk can't take (here: a file size limit of 1 MiB, as a full disk
/// would refuse it) fails with the system's reason, leaves no file under the target's name and
/// the server's file as it was, and the other file of the same command still arrives. The
/// large file goes through the pipe of a spliced download (`engine::splice`), the small one
/// through a buffer.
#[cfg(target_os = "linux")]
#[test]
fn a_download_the_disk_refuses_fails_clearly_and_the_rest_arrives() {
    use std::os::unix::process::CommandExt;
    let server = TestServer::start();
    let folder = server.path().join("Outbox");
    std::fs::create_dir(&folder).unwrap();
    let big: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(folder.join("big.bin"), &big).unwrap();
    std::fs::write(folder.join("small.txt"), b"a few bytes").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args([
            "get",
            "-r",
            "--segments",
            "1",
            &format!("{}/Outbox", server.url()),
            dir.path().to_str().unwrap(),
        ])
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config.path());
    // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit), on
    // values of this stack.
    unsafe {
        command.pre_exec(|| {
            // Writes past the limit then fail with EFBIG instead of killing the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1024 * 1024,
                rlim_max: 1024 * 1024,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let run = command.output().expect("run ferry");
    let said = stderr(&run);
    assert!(!run.status.success(), "{said}");
    assert!(said.contains("1 of 2 files transferred"), "{said}");
    assert!(
        said.contains("could not write") && said.contains("File too large"),
        "{said}"
    );
    assert!(!dir.path().join("Outbox/big.bin").exists(), "{said}");
    assert_eq!(
        std::fs::read(dir.path().join("Outbox/small.txt")).unwrap(),
        b"a few bytes"
    );
    assert!(std::fs::read(folder.join("big.bin")).unwrap() == big);
}

/// A folder uploaded into a place that doesn't exist yet on the server: the missing folders are
/// made, as `mkdir -p` (and FileZilla) would, and every file arrives. Before, the first MKD was
/// refused (its parent was missing), nothing said so, and each file then failed on its own.
#[test]
fn a_folder_uploaded_into_missing_folders_makes_them() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("Holiday");
    std::fs::create_dir_all(tree.join("day 1")).unwrap();
    std::fs::write(tree.join("day 1/beach.jpg"), b"sand and sea").unwrap();
    std::fs::write(tree.join("notes.txt"), b"hot").unwrap();
    let put = ferry(
        &[
            "put",
            "-r",
            tree.to_str().unwrap(),
            &format!("{}/Backups/2026/", server.url()),
        ],
        Some(PASSWORD),
    );
    assert!(put.status.success(), "{}", stderr(&put));
    let landed = server.path().join("Backups/2026/Holiday");
    assert_eq!(
        std::fs::read(landed.join("day 1/beach.jpg")).unwrap(),
        b"sand and sea"
    );
    assert_eq!(std::fs::read(landed.join("notes.txt")).unwrap(), b"hot");
    // The local side is as it was.
    assert_eq!(
        std::fs::read(tree.join("day 1/beach.jpg")).unwrap(),
        b"sand and sea"
    );
}

/// One file put into a folder that isn't on the server yet, named as the folder (a URL ending
/// in `/`) or with the file's new name: the folder is made and the file arrives, byte for byte.
#[test]
fn a_file_uploaded_into_a_missing_folder_makes_it() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("report.txt");
    std::fs::write(&local, b"quarterly figures").unwrap();
    for (url, landed) in [
        ("Reports/2026/", "Reports/2026/report.txt"),
        ("Archive/old/renamed.txt", "Archive/old/renamed.txt"),
    ] {
        let put = ferry(
            &[
                "put",
                "-v",
                local.to_str().unwrap(),
                &format!("{}/{url}", server.url()),
            ],
            Some(PASSWORD),
        );
        assert!(put.status.success(), "{url}: {}", stderr(&put));
        assert_eq!(
            std::fs::read(server.path().join(landed)).unwrap(),
            b"quarterly figures",
            "{url}"
        );
    }
    assert_eq!(std::fs::read(&local).unwrap(), b"quarterly figures");
}

/// A folder the server can't make (a file has its name) fails once, saying which folder and
/// what the server answered; nothing of the file in the way changes and no file is sent.
#[test]
fn a_folder_the_server_cannot_make_fails_once_and_clearly() {
    let server = TestServer::start();
    std::fs::write(server.path().join("taken"), b"someone's file").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("taken");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("a.txt"), b"a").unwrap();
    std::fs::write(tree.join("b.txt"), b"b").unwrap();
    let put = ferry(
        &[
            "put",
            "-r",
            "-v",
            tree.to_str().unwrap(),
            &format!("{}/", server.url()),
        ],
        Some(PASSWORD),
    );
    let said = stderr(&put);
    assert!(!put.status.success(), "{said}");
    assert!(!said.contains("> STOR"), "a file was sent: {said}");
    let failed: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("failed:") || l.starts_with("ferry:"))
        .collect();
    assert!(
        failed
            .iter()
            .any(|l| l.contains("taken") && l.contains("55")),
        "no failure naming the folder and the server's answer: {said}"
    );
    assert_eq!(
        std::fs::read(server.path().join("taken")).unwrap(),
        b"someone's file"
    );
}

/// An upload says whether the server kept the file's modification time (a new user saw the
/// upload's time on the server and nothing saying why); when it says kept, it was.
#[test]
fn an_upload_says_whether_its_time_was_kept() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("dated.txt");
    std::fs::write(&local, b"dated").unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(&local)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let put = ferry(
        &[
            "put",
            "-v",
            local.to_str().unwrap(),
            &format!("{}/dated.txt", server.url()),
        ],
        Some(PASSWORD),
    );
    let said = stderr(&put);
    assert!(put.status.success(), "{said}");
    let done = said
        .lines()
        .find(|l| l.contains("Done ") && l.contains("dated.txt"))
        .unwrap_or_else(|| panic!("no Done line: {said}"));
    assert!(done.contains("modification time"), "{done}");
    let remote = std::fs::metadata(server.path().join("dated.txt"))
        .unwrap()
        .modified()
        .unwrap();
    if done.contains("modification time kept") {
        assert_eq!(remote, old, "{done}");
    } else {
        assert_ne!(remote, old, "{done}");
    }
}

/// After a Rename answer, the log names the file that was written, not the one asked for.
#[test]
fn the_log_names_the_renamed_target() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("welcome.txt"), b"mine").unwrap();
    let get = ferry(
        &[
            "get",
            "-v",
            "--on-conflict",
            "rename",
            &format!("{}/welcome.txt", server.url()),
            dir.path().to_str().unwrap(),
        ],
        Some(PASSWORD),
    );
    let said = stderr(&get);
    assert!(get.status.success(), "{said}");
    let done = said
        .lines()
        .find(|l| l.contains("Done /welcome.txt"))
        .unwrap_or_else(|| panic!("no Done line: {said}"));
    assert!(done.contains("welcome (1).txt"), "{done}");
    assert_eq!(
        std::fs::read(dir.path().join("welcome.txt")).unwrap(),
        b"mine"
    );
    assert!(dir.path().join("welcome (1).txt").is_file());
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

/// Sets a file's modification time to a day of 2020 (`old`) or to now.
fn set_time(path: &std::path::Path, old: bool) {
    let when = if old {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_580_000_000)
    } else {
        std::time::SystemTime::now()
    };
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .unwrap();
}

/// `--on-conflict ask`, every answer, both ways, with the bytes on both sides checked. The new
/// file is `0123456789` (newer); the one in the way is `ABCDE` (older, shorter), or `01234`
/// (its start) for the second "resume".
#[test]
fn every_answer_to_the_conflict_question_both_ways() {
    const NEW: &[u8] = b"0123456789";
    const OLD: &[u8] = b"ABCDE";
    // key, the file in the way, what the target holds afterwards (upload, download), what
    // `name (1).bin` holds, skipped?
    type Row = (
        &'static str,
        &'static [u8],
        (&'static [u8], &'static [u8]),
        Option<&'static [u8]>,
        bool,
    );
    let table: [Row; 7] = [
        ("o", OLD, (NEW, NEW), None, false),
        ("n", OLD, (NEW, NEW), None, false),
        ("d", OLD, (NEW, NEW), None, false),
        // The end of the file in the way is compared with the new file's bytes there first:
        // `ABCDE` is not the start of it, so it is left as it was and the item fails.
        ("r", OLD, (OLD, OLD), None, false),
        ("r", b"01234", (NEW, NEW), None, false),
        ("c", OLD, (OLD, OLD), Some(NEW), false),
        ("s", OLD, (OLD, OLD), None, true),
    ];
    for (key, in_the_way, (after_upload, after_download), copy_after, skipped) in table {
        for upload in [true, false] {
            let target_after = if upload { after_upload } else { after_download };
            let refused = key == "r" && in_the_way == OLD;
            let server = TestServer::start();
            let local_dir = tempfile::tempdir().unwrap();
            let local = local_dir.path().join("d.bin");
            let remote = server.path().join("d.bin");
            let (source, target) = if upload {
                (&local, &remote)
            } else {
                (&remote, &local)
            };
            std::fs::write(source, NEW).unwrap();
            std::fs::write(target, in_the_way).unwrap();
            set_time(source, false);
            set_time(target, true);
            let url = format!("{}/d.bin", server.url());
            let local_text = local.to_str().unwrap();
            let args: Vec<&str> = if upload {
                vec!["put", "--on-conflict", "ask", local_text, &url]
            } else {
                vec!["get", "--on-conflict", "ask", &url, local_text]
            };
            let run = ferry_answering(&args, Some(PASSWORD), &format!("{key}\n"));
            let what = format!(
                "answer {key:?}, {}\n{}",
                if upload { "upload" } else { "download" },
                stderr(&run)
            );
            assert_eq!(run.status.success(), !refused, "{what}");
            assert!(stderr(&run).contains("exists"), "the question: {what}");
            assert_eq!(std::fs::read(target).unwrap(), target_after, "{what}");
            assert_eq!(std::fs::read(source).unwrap(), NEW, "the source: {what}");
            let copy = target.with_file_name("d (1).bin");
            assert_eq!(std::fs::read(&copy).ok().as_deref(), copy_after, "{what}");
            if refused {
                assert!(stderr(&run).contains("not resumed"), "{what}");
            } else if skipped {
                assert!(stderr(&run).contains("0 of 1 files transferred"), "{what}");
                assert!(stderr(&run).contains("1 skipped"), "{what}");
                assert!(stderr(&run).contains("(0 bytes"), "{what}");
            } else {
                assert!(stderr(&run).contains("1 of 1 files transferred"), "{what}");
            }
            assert!(!local_dir.path().join("d.bin.ferrypart").exists(), "{what}");
        }
    }
}

/// "Skip" with a longer file in the way: skipped, and the file as it was (it used to fail with a
/// size mismatch after appending to it).
#[test]
fn skip_leaves_a_longer_target_alone_and_no_answer_leaves_it_too() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("d.bin");
    std::fs::write(&local, b"short").unwrap();
    let long = vec![b'x'; 20];
    std::fs::write(server.path().join("d.bin"), &long).unwrap();
    let url = format!("{}/d.bin", server.url());
    let args = ["put", "--on-conflict", "ask", local.to_str().unwrap(), &url];
    let skip = ferry_answering(&args, Some(PASSWORD), "s\n");
    assert!(skip.status.success(), "{}", stderr(&skip));
    assert!(
        stderr(&skip).contains("skipped: d.bin"),
        "{}",
        stderr(&skip)
    );
    assert_eq!(std::fs::read(server.path().join("d.bin")).unwrap(), long);
    // No answer at all (the input ends): the file is left, and the run says it failed.
    let silent = ferry_answering(&args, Some(PASSWORD), "");
    assert!(!silent.status.success(), "{}", stderr(&silent));
    assert!(
        stderr(&silent).contains("not overwritten"),
        "{}",
        stderr(&silent)
    );
    assert_eq!(std::fs::read(server.path().join("d.bin")).unwrap(), long);
}

/// The summary counts the bytes that crossed, not the size of what was asked for.
#[test]
fn the_summary_counts_the_bytes_that_moved() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let bytes = ferry::demo::pseudo_random_bytes(2 * 1024 * 1024, 3);
    std::fs::write(server.path().join("two.bin"), &bytes).unwrap();
    let get = ferry(
        &[
            "get",
            &format!("{}/two.bin", server.url()),
            dir.path().to_str().unwrap(),
        ],
        Some(PASSWORD),
    );
    assert!(get.status.success(), "{}", stderr(&get));
    assert!(
        stderr(&get).contains("1 of 1 files transferred (2097152 bytes"),
        "{}",
        stderr(&get)
    );
    assert_eq!(std::fs::read(dir.path().join("two.bin")).unwrap(), bytes);
}

/// `ftpes://` is FTP with explicit TLS (FileZilla's and WinSCP's scheme): AUTH TLS on the FTP
/// port, or no connection at all — never a quiet fall back to plain FTP. `sftp://` is refused
/// before any connection, with a plain reason and the usage exit code.
#[test]
fn ftpes_means_explicit_tls_and_sftp_is_refused_at_once() {
    // An address that can't resolve: any attempt to connect would fail differently.
    let started = std::time::Instant::now();
    let sftp = ferry(&["ls", "sftp://alice@no-such-host.invalid/pub"], None);
    assert_eq!(sftp.status.code(), Some(2), "{}", stderr(&sftp));
    assert!(
        stderr(&sftp).starts_with("ferry: SFTP is not supported by Ferry"),
        "{}",
        stderr(&sftp)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let server = TestServer::start_tls();
    let fingerprint = ferry::engine::tls::fingerprint_text(&server.fingerprint());
    let url = format!("ftpes://{}@127.0.0.1:{}/", support::USER, server.port());
    let output = ferry(
        &["ls", "-v", "--trust-fingerprint", &fingerprint, &url],
        Some(PASSWORD),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("welcome.txt"),
        "{}",
        stdout(&output)
    );
    let transcript = stderr(&output);
    let auth = transcript
        .find("> AUTH TLS")
        .unwrap_or_else(|| panic!("{transcript}"));
    let user = transcript
        .find("> USER")
        .unwrap_or_else(|| panic!("{transcript}"));
    assert!(auth < user, "{transcript}");

    // A server with no TLS: ftp:// falls back to plain FTP, ftpes:// refuses to log in.
    let plain = TestServer::start();
    let url = |scheme: &str| format!("{scheme}://{}@127.0.0.1:{}/", support::USER, plain.port());
    let output = ferry(&["ls", &url("ftp")], Some(PASSWORD));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = ferry(&["ls", "-v", &url("ftpes")], Some(PASSWORD));
    assert!(!output.status.success(), "{}", stdout(&output));
    assert!(!stderr(&output).contains("> PASS"), "{}", stderr(&output));
}

/// Runs `ferry` with extra environment variables and no FERRY_PASSWORD.
fn ferry_env(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args(args)
        .env_remove("FERRY_PASSWORD")
        .env_remove("NETRC")
        .env("FERRY_CONFIG_DIR", config.path())
        .stdin(std::process::Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run ferry")
}

/// `~/.netrc` (here `$NETRC`) gives the password, as curl and lftp read it: for the URL's user,
/// or the user too when the URL names none.
#[test]
fn netrc_supplies_the_login() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let netrc = dir.path().join("netrc");
    std::fs::write(
        &netrc,
        format!("# test\nmachine 127.0.0.1\n  login {USER}\n  password \"{PASSWORD}\"\n"),
    )
    .unwrap();
    let with_user = ferry_env(
        &["ls", &format!("{}/Documents", server.url())],
        &[("NETRC", netrc.as_os_str())],
    );
    assert!(with_user.status.success(), "{}", stderr(&with_user));
    assert!(stdout(&with_user).contains("readme.txt"));
    let without_user = ferry_env(
        &[
            "ls",
            &format!("ftp://127.0.0.1:{}/Documents", server.port()),
        ],
        &[("NETRC", netrc.as_os_str())],
    );
    assert!(without_user.status.success(), "{}", stderr(&without_user));
    // Without the file: anonymous, which this server refuses for that account's folder... or
    // simply the wrong password for the user: exit 5.
    let wrong = dir.path().join("wrong");
    std::fs::write(
        &wrong,
        format!("machine 127.0.0.1 login {USER} password nope"),
    )
    .unwrap();
    let refused = ferry_env(
        &["ls", &format!("{}/Documents", server.url())],
        &[("NETRC", wrong.as_os_str())],
    );
    assert_eq!(refused.status.code(), Some(5), "{}", stderr(&refused));
}

/// `ferry get URL -` writes the file to standard output, for pipes; a missing file is exit 6
/// with nothing written.
#[test]
fn get_to_standard_output() {
    let server = TestServer::start();
    let out = ferry(
        &[
            "get",
            &format!("{}/Documents/readme.txt", server.url()),
            "-",
        ],
        Some(PASSWORD),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        out.stdout,
        std::fs::read(server.path().join("Documents/readme.txt")).unwrap()
    );
    let big = ferry::demo::pseudo_random_bytes(3 * 1024 * 1024 + 17, 9);
    std::fs::write(server.path().join("big.bin"), &big).unwrap();
    let out = ferry(
        &["get", &format!("{}/big.bin", server.url()), "-"],
        Some(PASSWORD),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout == big, "{} bytes", out.stdout.len());
    let missing = ferry(
        &["get", &format!("{}/no-such-file.bin", server.url()), "-"],
        Some(PASSWORD),
    );
    assert_eq!(missing.status.code(), Some(6), "{}", stderr(&missing));
    assert!(missing.stdout.is_empty());
}

/// `ferry mkdir`, `ferry mv` and `ferry rm`, checked on the server's disk.
#[test]
fn mkdir_mv_and_rm() {
    let server = TestServer::start();
    let url = |path: &str| format!("{}{path}", server.url());
    let ok = |args: &[&str]| {
        let out = ferry(args, Some(PASSWORD));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    ok(&["mkdir", &url("/made")]);
    assert!(server.path().join("made").is_dir());
    let again = ferry(&["mkdir", &url("/made")], Some(PASSWORD));
    assert_eq!(again.status.code(), Some(6), "{}", stderr(&again));

    std::fs::write(server.path().join("made/a.txt"), b"a").unwrap();
    ok(&["mv", &url("/made/a.txt"), "b.txt"]);
    assert!(!server.path().join("made/a.txt").exists());
    assert_eq!(
        std::fs::read(server.path().join("made/b.txt")).unwrap(),
        b"a"
    );
    ok(&["mv", &url("/made/b.txt"), "/Documents/b.txt"]);
    assert!(server.path().join("Documents/b.txt").is_file());

    ok(&["rm", &url("/Documents/b.txt")]);
    assert!(!server.path().join("Documents/b.txt").exists());
    let folder = ferry(&["rm", &url("/made")], Some(PASSWORD));
    assert_eq!(folder.status.code(), Some(2), "a folder needs -r");
    assert!(server.path().join("made").is_dir());
    std::fs::write(server.path().join("made/inner.txt"), b"x").unwrap();
    ok(&["rm", "-r", &url("/made")]);
    assert!(!server.path().join("made").exists());
    let missing = ferry(&["rm", &url("/nothing-here")], Some(PASSWORD));
    assert_eq!(missing.status.code(), Some(6), "{}", stderr(&missing));
}

/// Implicit TLS asked of a server that speaks plain FTP on that port: the handshake reads
/// "220 …" and rustls calls it a corrupt message. A walk read only "TLS: Secure error: received
/// corrupt message of type InvalidContentType"; the error says what it means and what to try.
#[test]
fn implicit_tls_on_a_plain_port_says_what_to_try() {
    let server = TestServer::start();
    let url = format!("ftp://{USER}@127.0.0.1:{}/", server.port());
    let output = ferry(&["ls", "--tls", "implicit", &url], Some(PASSWORD));
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains("answered in plain FTP") && said.contains("implicit TLS"),
        "{said}"
    );
}

/// The other way round: plain FTP (or TLS if offered) asked of a port where the server waits
/// for a TLS handshake says nothing back; the timeout says that implicit TLS may be the cause.
#[test]
fn a_silent_server_times_out_naming_implicit_tls() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
    let url = format!("ftp://{USER}@127.0.0.1:{port}/");
    let output = ferry(&["ls", "--timeout", "1", &url], Some(PASSWORD));
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains("greeting") && said.contains("implicit TLS"),
        "{said}"
    );
    drop(held.join());
}
