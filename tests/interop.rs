//! Interop against real servers (vsftpd, pure-ftpd, proftpd) on loopback, started by
//! `tests/interop/servers.sh` (root needed, so these are `#[ignore]`d in a plain `cargo test`).
//! `.ci/run` starts the servers, exports their addresses (FERRY_VSFTPD, FERRY_PUREFTPD,
//! FERRY_PROFTPD, FERRY_INTEROP_USER/PASS/ROOT) and runs `cargo test --test interop -- --ignored`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start the servers with `tests/interop/servers.sh start` and `eval \"$(tests/interop/servers.sh env)\"`")
    })
}

/// The server's address with the test user in it, e.g. `ftp://ferrytest@127.0.0.1:21210`.
fn user_url(server_var: &str) -> String {
    let base = env(server_var);
    let user = env("FERRY_INTEROP_USER");
    base.replacen("ftp://", &format!("ftp://{user}@"), 1)
}

fn root() -> PathBuf {
    PathBuf::from(env("FERRY_INTEROP_ROOT"))
}

/// The SHA-256 fingerprint of the servers' self-signed certificate (made by servers.sh): what a
/// person would accept in the trust dialog, or pass as `--trust-fingerprint`.
fn test_certificate() -> ferry::engine::tls::Fingerprint {
    let pem = std::fs::read(env("FERRY_INTEROP_CERT")).unwrap();
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
    ferry::engine::tls::fingerprint(&pem.contents)
}

fn trusting(mode: ferry::engine::TlsMode) -> ferry::engine::TlsOptions {
    ferry::engine::TlsOptions {
        mode,
        versions: Default::default(),
        trusted: vec![test_certificate()],
    }
}

/// The CLI, trusting the test certificate: vsftpd and pure-ftpd offer TLS, and the CLI takes it
/// when offered (`--tls auto`, the default).
fn ferry(args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    let fingerprint = ferry::engine::tls::fingerprint_text(&test_certificate());
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .args(["--trust-fingerprint", &fingerprint])
        .env("FERRY_PASSWORD", env("FERRY_INTEROP_PASS"))
        .env("FERRY_CONFIG_DIR", config.path())
        .output()
        .expect("run ferry")
}

fn ok_stdout(output: Output) -> String {
    assert!(
        output.status.success(),
        "ferry failed ({:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json_entries(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

fn find<'a>(entries: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    entries
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed: {entries:#?}"))
}

fn info_shows_greeting_and_folder(server_var: &str, greeting_word: &str) {
    let text = ok_stdout(ferry(&["info", &user_url(server_var)]));
    assert!(text.contains(greeting_word), "{text}");
    assert!(text.contains("System:   UNIX"), "{text}");
    assert!(text.contains("Folder:   /"), "{text}");
    let anonymous = ok_stdout(ferry(&["info", &env(server_var)]));
    assert!(anonymous.contains("Login:"), "{anonymous}");
}

fn ls_json_matches_the_disk(server_var: &str, extra_args: &[&str]) {
    let mut args = extra_args.to_vec();
    let url = user_url(server_var);
    args.extend(["ls", "--json", url.as_str()]);
    let entries = json_entries(&ok_stdout(ferry(&args)));
    let readme = find(&entries, "README.txt");
    let size = std::fs::metadata(root().join("README.txt")).unwrap().len();
    assert_eq!(readme["size"], size);
    assert_eq!(readme["is_dir"], false);
    assert!(readme["modified"].is_string(), "{readme}");
    assert_eq!(find(&entries, "sub")["is_dir"], true);
    assert_eq!(find(&entries, "data.bin")["size"], 1024 * 1024);
    find(&entries, "file with spaces.txt");
    find(&entries, "naïve café.txt");

    let sub_url = format!("{url}/sub");
    let mut args = extra_args.to_vec();
    args.extend(["ls", "--json", sub_url.as_str()]);
    let entries = json_entries(&ok_stdout(ferry(&args)));
    find(&entries, "inner.txt");
    assert_eq!(find(&entries, "nested")["is_dir"], true);
}

fn missing_folder_is_550(server_var: &str) {
    let output = ferry(&["ls", &format!("{}/no-such-folder", user_url(server_var))]);
    assert_eq!(
        output.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn wrong_password_is_530(server_var: &str) {
    let config = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["ls", &user_url(server_var)])
        .args([
            "--trust-fingerprint",
            &ferry::engine::tls::fingerprint_text(&test_certificate()),
        ])
        .env("FERRY_PASSWORD", "definitely-wrong")
        .env("FERRY_CONFIG_DIR", config.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("530"));
}

macro_rules! interop_suite {
    ($module:ident, $var:literal, $greeting:literal) => {
        mod $module {
            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn info() {
                super::info_shows_greeting_and_folder($var, $greeting);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn ls_json_passive() {
                super::ls_json_matches_the_disk($var, &[]);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn ls_json_active() {
                super::ls_json_matches_the_disk($var, &["--active"]);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn missing_folder() {
                super::missing_folder_is_550($var);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn wrong_password() {
                super::wrong_password_is_530($var);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn sync_up_and_down() {
                super::sync_up_and_down($var, stringify!($module));
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn put_makes_missing_folders() {
                super::put_makes_missing_folders($var, stringify!($module));
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn text_by_extension_arrives_byte_for_byte() {
                super::text_by_extension_arrives_byte_for_byte($var, stringify!($module));
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn text_files_text_mode_would_change_go_byte_for_byte() {
                super::text_files_text_mode_would_change_go_byte_for_byte(
                    $var,
                    stringify!($module),
                );
            }
        }
    };
}

/// Text files sent by extension (`--type auto`, the window's way) arrive with the local file's
/// bytes on every server: proftpd and pure-ftpd turn the wire's CRLF back into LF; vsftpd
/// (`ascii_upload_enable=NO`, its default) stores the CRLF, so the first file is sent again in
/// binary and the second goes in binary at once. A walk found a sync then bringing vsftpd's CRLF
/// copies back over the person's own files.
fn text_by_extension_arrives_byte_for_byte(server_var: &str, name: &str) {
    let folder = format!("text-{name}");
    let on_server = root().join("upload").join(&folder);
    let _ = std::fs::remove_dir_all(&on_server);
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("notes");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("a.txt"), b"first line\nsecond line\n").unwrap();
    std::fs::write(tree.join("b.txt"), b"one\ntwo\nthree\n").unwrap();
    let base = format!("{}/upload/{folder}/", user_url(server_var));
    let said = by_extension("put", tree.to_str().unwrap(), &base);
    for file in ["a.txt", "b.txt"] {
        files_equal(&tree.join(file), &on_server.join("notes").join(file));
    }
    let resent = said.matches("again in binary").count();
    if name == "vsftpd" {
        assert_eq!(resent, 1, "{said}");
    } else {
        assert_eq!(resent, 0, "{said}");
    }
    let _ = std::fs::remove_dir_all(&on_server);
}

/// `ferry get|put -r --type auto` on one connection, which must succeed; what it said.
fn by_extension(verb: &str, from: &str, to: &str) -> String {
    let output = ferry(&[
        verb,
        "-r",
        "-v",
        "--type",
        "auto",
        "--parallel",
        "1",
        from,
        to,
    ]);
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    said
}

/// Files named as text (`--type auto`) whose bytes text mode would change: line ends of their
/// own (CRLF, a lone CR), binary data under `.txt`, and a link listed under the size of its own
/// text. Both ways, each arrives byte for byte (sent again in binary where the text check
/// failed), and the log says why. A walk found proftpd's copies shortened and called done, the
/// download of a lone CR failing at every retry, and a link never downloaded.
fn text_files_text_mode_would_change_go_byte_for_byte(server_var: &str, name: &str) {
    let folder = format!("odd-text-{name}");
    let on_server = root().join("upload").join(&folder);
    let _ = std::fs::remove_dir_all(&on_server);
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("texts");
    std::fs::create_dir_all(&tree).unwrap();
    let mut binary = ferry::demo::pseudo_random_bytes(50_000, 7);
    binary[100..102].copy_from_slice(b"\r\n");
    let files: [(&str, Vec<u8>); 4] = [
        ("crlf.txt", b"line1\r\nline2\r\n".to_vec()),
        ("mixed.txt", b"a\r\nb\nc\rd\n".to_vec()),
        ("binary.txt", binary),
        ("lf.txt", b"first\nsecond\n".to_vec()),
    ];
    for (file, bytes) in &files {
        std::fs::write(tree.join(file), bytes).unwrap();
    }
    let base = format!("{}/upload/{folder}/", user_url(server_var));
    by_extension("put", tree.to_str().unwrap(), &base);
    for (file, _) in &files {
        files_equal(&tree.join(file), &on_server.join("texts").join(file));
    }

    // Down again, with a link beside them (listed with the size of its own text, 6 bytes).
    std::os::unix::fs::symlink("lf.txt", on_server.join("texts").join("link.txt")).unwrap();
    let fetched = tempfile::tempdir().unwrap();
    let said = by_extension(
        "get",
        &format!("{base}texts"),
        fetched.path().to_str().unwrap(),
    );
    for (file, _) in &files {
        files_equal(
            &on_server.join("texts").join(file),
            &fetched.path().join("texts").join(file),
        );
    }
    files_equal(
        &tree.join("lf.txt"),
        &fetched.path().join("texts").join("link.txt"),
    );
    assert!(
        !support::files_under(fetched.path())
            .keys()
            .any(|f| f.ends_with(".ferrypart")),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&on_server);
}

/// `put` into folders the server doesn't have yet: a folder with `-r` two levels down, and one
/// file into a folder named with a trailing `/`. Each server refuses differently (vsftpd 553 to
/// STOR and 550 to MKD, pure-ftpd and proftpd their own texts); the folders are made and the
/// bytes on the server are the local ones.
fn put_makes_missing_folders(server_var: &str, name: &str) {
    let folder = format!("made-{name}");
    let on_server = root().join("upload").join(&folder);
    let _ = std::fs::remove_dir_all(&on_server);
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("tree");
    std::fs::create_dir_all(tree.join("inner")).unwrap();
    std::fs::write(tree.join("inner/a.txt"), b"inner file\n").unwrap();
    std::fs::write(tree.join("top.bin"), [7u8; 70_000]).unwrap();
    let base = format!("{}/upload/{folder}", user_url(server_var));
    ok_stdout(ferry(&[
        "put",
        "-r",
        tree.to_str().unwrap(),
        &format!("{base}/deep/er/"),
    ]));
    ok_stdout(ferry(&[
        "put",
        tree.join("top.bin").to_str().unwrap(),
        &format!("{base}/single/"),
    ]));
    for (local, remote) in [
        ("inner/a.txt", "deep/er/tree/inner/a.txt"),
        ("top.bin", "deep/er/tree/top.bin"),
        ("top.bin", "single/top.bin"),
    ] {
        files_equal(&tree.join(local), &on_server.join(remote));
    }
    // A file onto the name of a folder that is there: refused (each server in its words),
    // said plainly, and the folder left with what it holds.
    let onto_folder = ferry(&[
        "put",
        "--on-conflict",
        "overwrite",
        tree.join("top.bin").to_str().unwrap(),
        &format!("{base}/single"),
    ]);
    let said = String::from_utf8_lossy(&onto_folder.stderr).into_owned();
    assert!(!onto_folder.status.success(), "{said}");
    assert!(said.contains("is in the way on the server"), "{said}");
    files_equal(&tree.join("top.bin"), &on_server.join("single/top.bin"));
    let _ = std::fs::remove_dir_all(&on_server);
}

/// `ferry sync` up into an empty folder, then down into another: both copies byte for byte,
/// and a dry run after each plans nothing (the server's times, to the minute or without MFMT,
/// must not make files look changed).
fn sync_up_and_down(server_var: &str, name: &str) {
    let folder = format!("sync-{name}");
    let on_server = root().join("upload").join(&folder);
    let _ = std::fs::remove_dir_all(&on_server);
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(local.path().join("css/deep")).unwrap();
    std::fs::write(local.path().join("index.html"), b"<h1>sync</h1>\n").unwrap();
    std::fs::write(local.path().join("css/site.css"), b"body {}\n").unwrap();
    std::fs::write(
        local.path().join("css/deep/data.bin"),
        (0..200_000u32)
            .map(|i| (i % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let url = format!("{}/upload/{folder}", user_url(server_var));
    let config = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let fingerprint = ferry::engine::tls::fingerprint_text(&test_certificate());
        let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("sync")
            .args(args)
            .args(["--trust-fingerprint", &fingerprint])
            .env("FERRY_PASSWORD", env("FERRY_INTEROP_PASS"))
            .env("FERRY_CONFIG_DIR", config.path())
            .output()
            .expect("run ferry");
        assert!(
            output.status.success(),
            "sync {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let local_text = local.path().to_str().unwrap().to_owned();
    // The remote folder must exist to be synced into.
    std::fs::create_dir_all(&on_server).unwrap();
    let _ = Command::new("chown")
        .args([
            "-R",
            &env("FERRY_INTEROP_USER"),
            on_server.to_str().unwrap(),
        ])
        .status();
    run(&[&local_text, &url]);
    assert_eq!(
        support::files_under(&on_server),
        support::files_under(local.path())
    );
    let again = run(&["--dry-run", "--json", &local_text, &url]);
    assert!(
        again.trim().is_empty(),
        "planned after an upload sync: {again}"
    );

    let down = tempfile::tempdir().unwrap();
    let down_text = down.path().to_str().unwrap().to_owned();
    run(&["--direction", "down", &down_text, &url]);
    assert_eq!(
        support::files_under(down.path()),
        support::files_under(local.path())
    );
    let again = run(&[
        "--direction",
        "down",
        "--dry-run",
        "--json",
        &down_text,
        &url,
    ]);
    assert!(
        again.trim().is_empty(),
        "planned after a download sync: {again}"
    );

    // Downloaded with `get` (stamped with the listing's time: to the minute from vsftpd's and
    // proftpd's LIST), a sync down then finds nothing newer on the server, whose MDTM has the
    // seconds (a walk's sync planned to download such files again).
    let fetched = tempfile::tempdir().unwrap();
    ok_stdout(ferry(&[
        "get",
        "-r",
        &url,
        fetched.path().to_str().unwrap(),
    ]));
    let fetched = fetched.path().join(&folder);
    assert!(
        support::files_under(&fetched) == support::files_under(local.path()),
        "the files fetched with get differ"
    );
    let fetched_text = fetched.to_str().unwrap().to_owned();
    let again = run(&[
        "--direction",
        "down",
        "--dry-run",
        "--json",
        &fetched_text,
        &url,
    ]);
    assert!(
        again.trim().is_empty(),
        "planned after a download with get: {again}"
    );
    std::fs::remove_dir_all(&on_server).unwrap();
}

interop_suite!(vsftpd, "FERRY_VSFTPD", "vsftpd");
interop_suite!(pure_ftpd, "FERRY_PUREFTPD", "Pure-FTPd");
interop_suite!(proftpd, "FERRY_PROFTPD", "ProFTPD");

/// A folder whose name is not UTF-8 (Latin-1 `café`), made on vsftpd's disk: Ferry lists it,
/// enters it, deletes a file in it and then the folder, sending the raw bytes back each time.
#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn vsftpd_non_utf8_folder_can_be_entered_and_emptied() {
    use std::os::unix::ffi::OsStrExt;

    use ferry::engine::{Command, DirTarget, Engine, Event, Login, RemoteItem};
    use ferry::protocol::listing::{NameEncoding, RemoteName};
    use ferry::protocol::path::RemotePath;
    use ferry::store::secret::Secret;

    let folder_name: &[u8] = b"caf\xe9 latin1";
    let folder = root().join(std::ffi::OsStr::from_bytes(folder_name));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("inside.txt"), b"inside").unwrap();
    std::fs::write(
        folder.join(std::ffi::OsStr::from_bytes(b"na\xefve.txt")),
        b"x",
    )
    .unwrap();
    // The server runs as the test user: it must own what it is to delete.
    let status = std::process::Command::new("chown")
        .args(["-R", "ferrytest:ferrytest"])
        .arg(&folder)
        .status()
        .unwrap();
    assert!(status.success());

    let url = ferry::protocol::url::parse_url(&env("FERRY_VSFTPD")).unwrap();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(ferry::engine::ConnectRequest {
        host: url.host,
        port: url.port,
        login: Login::Normal {
            user: env("FERRY_INTEROP_USER"),
            password: Secret::new(env("FERRY_INTEROP_PASS")),
        },
        data_mode: Default::default(),
        initial_path: None,
        list_start: true,
        tls: trusting(ferry::engine::TlsMode::IfAvailable),
        timeouts: Default::default(),
        transfer_type: None,
        encoding: NameEncoding::Latin1,
        server_offset_minutes: 0,
    }));
    let next_listing = || loop {
        match events.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Event::Listing(listing)) => return *listing,
            Ok(Event::CommandFailed { what, failure, .. }) => panic!("{what}: {failure}"),
            Ok(Event::Disconnected { reason }) => panic!("disconnected: {reason:?}"),
            Ok(_) => {}
            Err(e) => panic!("no listing: {e}"),
        }
    };
    let top = next_listing();
    let entry = top
        .listing
        .entries
        .iter()
        .find(|e| e.name.raw == folder_name)
        .unwrap_or_else(|| panic!("not listed: {:?}", top.listing.entries));
    assert_eq!(
        entry.name.text, "café latin1",
        "decoded as Latin-1 for display"
    );
    assert!(entry.is_dir());

    engine.send(Command::ChangeDir {
        from: top.path.clone(),
        target: DirTarget::Child(entry.name.clone()),
    });
    let inside = next_listing();
    assert_eq!(
        inside.path.as_bytes(),
        [b"/".as_slice(), folder_name].concat()
    );
    let names: Vec<&[u8]> = inside
        .listing
        .entries
        .iter()
        .map(|e| e.name.raw.as_slice())
        .collect();
    assert!(names.contains(&b"na\xefve.txt".as_slice()), "{names:?}");

    engine.send(Command::Delete {
        dir: inside.path.clone(),
        items: vec![RemoteItem {
            name: RemoteName::from_bytes(b"na\xefve.txt", NameEncoding::Latin1),
            is_dir: false,
        }],
    });
    let after = next_listing();
    assert_eq!(
        after.listing.entries.len(),
        1,
        "{:?}",
        after.listing.entries
    );
    assert!(
        !folder
            .join(std::ffi::OsStr::from_bytes(b"na\xefve.txt"))
            .exists()
    );

    engine.send(Command::Delete {
        dir: RemotePath::root(),
        items: vec![RemoteItem {
            name: entry.name.clone(),
            is_dir: true,
        }],
    });
    let root_after = next_listing();
    assert!(
        root_after
            .listing
            .entries
            .iter()
            .all(|e| e.name.raw != folder_name)
    );
    assert!(!folder.exists());
}

/// SITE CHMOD changes the bits, and the listing shows them.
#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn vsftpd_chmod_changes_permissions() {
    use std::os::unix::fs::PermissionsExt;

    use ferry::engine::{Command, Engine, Event, Login};
    use ferry::protocol::listing::RemoteName;
    use ferry::protocol::path::RemotePath;
    use ferry::store::secret::Secret;

    let file = root().join("chmod-me.txt");
    std::fs::write(&file, b"x").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let status = std::process::Command::new("chown")
        .args(["ferrytest:ferrytest"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());

    let url = ferry::protocol::url::parse_url(&env("FERRY_VSFTPD")).unwrap();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(ferry::engine::ConnectRequest {
        host: url.host,
        port: url.port,
        login: Login::Normal {
            user: env("FERRY_INTEROP_USER"),
            password: Secret::new(env("FERRY_INTEROP_PASS")),
        },
        data_mode: Default::default(),
        initial_path: None,
        list_start: true,
        tls: trusting(ferry::engine::TlsMode::IfAvailable),
        timeouts: Default::default(),
        transfer_type: None,
        encoding: Default::default(),
        server_offset_minutes: 0,
    }));
    let mut listings = 0;
    while listings < 2 {
        match events.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Event::Listing(listing)) => {
                listings += 1;
                if listings == 1 {
                    engine.send(Command::Chmod {
                        dir: RemotePath::root(),
                        names: vec![RemoteName::from_text("chmod-me.txt")],
                        mode: 0o600,
                    });
                } else {
                    let entry = listing
                        .listing
                        .entries
                        .iter()
                        .find(|e| e.name.text == "chmod-me.txt")
                        .unwrap();
                    assert_eq!(entry.permissions.as_deref(), Some("-rw-------"));
                }
            }
            Ok(Event::CommandFailed { what, failure, .. }) => panic!("{what}: {failure}"),
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::remove_file(&file).unwrap();
}

mod support;

use ferry::engine::{ConflictPolicy, DataMode, ItemState, QueueAction, QueueEvent, TransferType};
use ferry::store::settings::TransferSettings;
use support::queue::{Queue, download, folder, upload};

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

fn login(server_var: &str, mode: DataMode) -> ferry::engine::ConnectRequest {
    let url = ferry::protocol::url::parse_url(&env(server_var)).unwrap();
    ferry::engine::ConnectRequest {
        host: url.host,
        port: url.port,
        login: ferry::engine::Login::Normal {
            user: env("FERRY_INTEROP_USER"),
            password: ferry::store::secret::Secret::new(env("FERRY_INTEROP_PASS")),
        },
        data_mode: mode,
        initial_path: None,
        list_start: true,
        tls: trusting(ferry::engine::TlsMode::IfAvailable),
        timeouts: Default::default(),
        transfer_type: None,
        encoding: Default::default(),
        server_offset_minutes: 0,
    }
}

fn overwrite_settings() -> TransferSettings {
    TransferSettings {
        conflict_policy: ConflictPolicy::Overwrite,
        retries: 2,
        ..TransferSettings::default()
    }
}

fn all_done(queue: &Queue) {
    assert!(
        queue.items.values().all(|i| i.state == ItemState::Done),
        "{:#?}\n{}",
        queue.items,
        queue.log.join("\n")
    );
}

/// Files are read back from the server's disk, which the test can see (loopback, same machine).
fn files_equal(a: &Path, b: &Path) {
    assert_eq!(
        sha256(&std::fs::read(a).unwrap()),
        sha256(&std::fs::read(b).unwrap()),
        "{} vs {}",
        a.display(),
        b.display()
    );
}

use std::path::Path;

/// Binary and ASCII files both ways, and a folder both ways, in one data-connection mode.
fn transfers_both_ways(server_var: &str, mode: DataMode) {
    let tag = format!(
        "{}-{mode:?}",
        server_var.trim_start_matches("FERRY_").to_lowercase()
    );
    let upload_dir = root().join("upload");
    let local = tempfile::tempdir().unwrap();
    let mut queue = Queue::connect(login(server_var, mode), overwrite_settings());

    // Binary, byte for byte.
    let bytes = ferry::demo::pseudo_random_bytes(3 * 1024 * 1024 + 11, 9);
    let source = local.path().join("source.bin");
    std::fs::write(&source, &bytes).unwrap();
    let remote_bin = format!("/upload/{tag}.bin");
    queue.run(vec![upload(&source, &remote_bin)]);
    all_done(&queue);
    files_equal(&source, &upload_dir.join(format!("{tag}.bin")));
    queue.items.clear();
    let back = local.path().join("back.bin");
    queue.run(vec![download(&remote_bin, &back)]);
    all_done(&queue);
    files_equal(&source, &back);

    // ASCII: Unix text goes out with CRLF and comes back as it was.
    let text = b"line one\nline two\n\nlast line\n".repeat(1000);
    let text_file = local.path().join("notes.txt");
    std::fs::write(&text_file, &text).unwrap();
    let mut up = upload(&text_file, &format!("/upload/{tag}.txt"));
    up.transfer_type = TransferType::Ascii;
    let mut down = download(
        &format!("/upload/{tag}.txt"),
        &local.path().join("notes-back.txt"),
    );
    down.transfer_type = TransferType::Ascii;
    queue.items.clear();
    queue.run(vec![up]);
    all_done(&queue);
    // The server keeps text its own way: LF (converted, proftpd) or as sent, CRLF (vsftpd and
    // pure-ftpd without ascii_upload_enable). Either way the size check after the upload agreed.
    let stored = std::fs::read(upload_dir.join(format!("{tag}.txt"))).unwrap();
    let crlf = String::from_utf8_lossy(&text)
        .replace('\n', "\r\n")
        .into_bytes();
    assert!(
        stored == text || stored == crlf,
        "{tag}: stored {} bytes",
        stored.len()
    );
    queue.run(vec![down]);
    all_done(&queue);
    assert_eq!(
        std::fs::read(local.path().join("notes-back.txt")).unwrap(),
        text
    );
    assert!(queue.log.join("\n").contains("TYPE A"));

    // A folder down, then up again under another name.
    queue.items.clear();
    let sub = local.path().join("sub");
    queue.run(vec![folder(download("/sub", &sub))]);
    all_done(&queue);
    files_equal(&root().join("sub/inner.txt"), &sub.join("inner.txt"));
    files_equal(
        &root().join("sub/nested/deep.txt"),
        &sub.join("nested/deep.txt"),
    );
    queue.items.clear();
    let copy = format!("/upload/{tag}-sub");
    let mut up = folder(upload(&sub, &copy));
    up.transfer_type = TransferType::Binary;
    queue.run(vec![up]);
    all_done(&queue);
    files_equal(
        &root().join("sub/nested/deep.txt"),
        &upload_dir.join(format!("{tag}-sub/nested/deep.txt")),
    );

    for leftover in [format!("{tag}.bin"), format!("{tag}.txt")] {
        let _ = std::fs::remove_file(upload_dir.join(leftover));
    }
    let _ = std::fs::remove_dir_all(upload_dir.join(format!("{tag}-sub")));
}

/// A download paused mid-file (its data connection cut) resumes with REST, byte for byte.
fn resume_after_a_drop(server_var: &str) {
    let settings = TransferSettings {
        download_limit_kib: 128,
        ..overwrite_settings()
    };
    let mut queue = Queue::connect(login(server_var, DataMode::Passive), settings);
    let local = tempfile::tempdir().unwrap();
    let target = local.path().join("data.bin");
    queue
        .engine
        .send(ferry::engine::Command::Enqueue(vec![download(
            "/data.bin",
            &target,
        )]));
    let mut id = 0;
    queue.wait("progress", |_, event| match event {
        ferry::engine::Event::Queue(QueueEvent::Progress {
            id: i, transferred, ..
        }) if *transferred > 0 => {
            id = *i;
            true
        }
        _ => false,
    });
    queue.engine.send(ferry::engine::Command::Queue {
        ids: vec![id],
        action: QueueAction::Pause,
    });
    queue.settle();
    let partial = match std::fs::metadata(local.path().join("data.bin.ferrypart")) {
        Ok(metadata) => metadata.len(),
        Err(e) => panic!(
            "no .ferrypart ({e}): {:#?}\n{}",
            queue.items,
            queue.log.join("\n")
        ),
    };
    assert!(partial > 0 && partial < 1024 * 1024, "{partial}");
    queue
        .engine
        .send(ferry::engine::Command::SetTransferSettings(
            overwrite_settings(),
        ));
    queue.engine.send(ferry::engine::Command::Queue {
        ids: vec![id],
        action: QueueAction::Resume,
    });
    queue.settle();
    all_done(&queue);
    if let Some(rest) = support::rest_for(partial) {
        assert!(
            queue.log.join("\n").contains(&rest),
            "{}",
            queue.log.join("\n")
        );
    }
    files_equal(&root().join("data.bin"), &target);
}

/// A file fetched over four connections at once, each from its own offset (REST + RETR), into
/// one file: byte for byte, and no byte fetched twice (each range but the last ends with the
/// client closing its data connection, which each server answers its own way). The speed limit
/// keeps every connection busy long enough for the ranges to end apart, so that the last ones
/// may be split among the connections that are done.
fn segmented_download(server_var: &str) {
    let tag = server_var.trim_start_matches("FERRY_").to_lowercase();
    let local = tempfile::tempdir().unwrap();
    // Four ranges of at least `MIN_RANGE` (4 MiB).
    let size = 16 * 1024 * 1024 + 7;
    let bytes = ferry::demo::pseudo_random_bytes(size, 31);
    let source = local.path().join("source.bin");
    std::fs::write(&source, &bytes).unwrap();
    let remote = format!("/upload/{tag}-segmented.bin");
    let mut queue = Queue::connect(login(server_var, DataMode::Passive), overwrite_settings());
    queue.run(vec![upload(&source, &remote)]);
    all_done(&queue);

    let split = TransferSettings {
        segments: 4,
        segment_threshold_mib: 1,
        segments_from_start: true,
        download_limit_kib: 16 * 1024,
        ..overwrite_settings()
    };
    let mut queue = Queue::connect(login(server_var, DataMode::Passive), split);
    let back = local.path().join("back.bin");
    queue.run(vec![download(&remote, &back)]);
    all_done(&queue);
    let log = queue.log.join("\n");
    assert_eq!(std::fs::read(&back).unwrap(), bytes, "{log}");
    let item = queue.items.values().next().expect("the item");
    assert_eq!(item.moved, size as u64, "a byte came twice: {log}");
    let rests = log
        .lines()
        .filter(|line| line.contains(" > ") && line.contains("REST "))
        .count();
    assert!(rests >= 3, "{rests} ranges from an offset: {log}");
    let _ = std::fs::remove_file(root().join("upload").join(format!("{tag}-segmented.bin")));
}

/// A link to a folder on the server, listed as a link: chosen by itself (a drag of its row) it
/// is downloaded as the folder it leads to; inside a folder's download it is skipped, saying
/// why (links could loop), and the folder beside it arrives. No `.ferrypart` is left for it
/// (a walk found its refused RETR leaving an empty one).
fn a_link_to_a_folder(server_var: &str) {
    let tag = server_var.trim_start_matches("FERRY_").to_lowercase();
    let under = format!("linked-{tag}");
    let on_server = root().join("upload").join(&under);
    let _ = std::fs::remove_dir_all(&on_server);
    std::fs::create_dir_all(on_server.join("real")).unwrap();
    std::fs::write(on_server.join("real/a.txt"), b"one\ntwo\n").unwrap();
    std::fs::write(
        on_server.join("real/b.bin"),
        ferry::demo::pseudo_random_bytes(3000, 5),
    )
    .unwrap();
    std::os::unix::fs::symlink("real", on_server.join("ldir")).unwrap();
    let local = tempfile::tempdir().unwrap();

    let mut queue = Queue::connect(login(server_var, DataMode::Passive), overwrite_settings());
    let chosen = local.path().join("ldir");
    queue.run(vec![download(&format!("/upload/{under}/ldir"), &chosen)]);
    let log = queue.log.join("\n");
    assert!(
        queue.items.values().all(|i| i.state == ItemState::Done),
        "{:#?}\n{log}",
        queue.items
    );
    assert_eq!(
        support::files_under(&chosen),
        support::files_under(&on_server.join("real")),
        "{log}"
    );

    let mut queue = Queue::connect(login(server_var, DataMode::Passive), overwrite_settings());
    let whole = local.path().join("whole");
    queue.run(vec![folder(download(&format!("/upload/{under}"), &whole))]);
    let log = queue.log.join("\n");
    assert_eq!(
        support::files_under(&whole.join("real")),
        support::files_under(&on_server.join("real")),
        "{log}"
    );
    let links: Vec<_> = queue
        .items
        .values()
        .filter(|i| i.request.remote.display().ends_with("/ldir"))
        .collect();
    // Servers that list the link as the folder it leads to (MLSD's type=dir) send it as one.
    if let [link] = links.as_slice()
        && !link.request.is_dir
    {
        assert_eq!(link.state, ItemState::Skipped, "{link:#?}\n{log}");
        assert!(
            link.message
                .as_deref()
                .unwrap_or_default()
                .contains("link to a folder"),
            "{link:#?}"
        );
    }
    assert!(
        !support::files_under(local.path())
            .keys()
            .any(|f| f.ends_with(".ferrypart")),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&on_server);
}

macro_rules! transfer_suite {
    ($module:ident, $var:literal) => {
        mod $module {
            use ferry::engine::DataMode;

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn transfers_passive() {
                super::transfers_both_ways($var, DataMode::Passive);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn transfers_active() {
                super::transfers_both_ways($var, DataMode::Active);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn resume_after_a_drop() {
                super::resume_after_a_drop($var);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn segmented_download() {
                super::segmented_download($var);
            }

            #[test]
            #[ignore = "needs tests/interop/servers.sh (root)"]
            fn a_link_to_a_folder() {
                super::a_link_to_a_folder($var);
            }
        }
    };
}

transfer_suite!(vsftpd_transfers, "FERRY_VSFTPD");
transfer_suite!(pure_ftpd_transfers, "FERRY_PUREFTPD");
transfer_suite!(proftpd_transfers, "FERRY_PROFTPD");

// ---------------------------------------------------------------------------------------------
// FTP over TLS

use ferry::engine::{TlsMode, TlsOptions, TlsVersions};

/// List, upload and download over TLS. vsftpd (require_ssl_reuse=YES) refuses a data connection
/// that does not resume the control connection's TLS session, so these passing is the proof
/// that Ferry resumes it.
fn tls_round_trip(server_var: &str, mode: TlsMode, versions: TlsVersions, expect_version: &str) {
    let tag = format!(
        "{}-tls-{versions:?}",
        server_var.trim_start_matches("FERRY_").to_lowercase()
    );
    let mut request = login(server_var, DataMode::Passive);
    request.tls = TlsOptions {
        mode,
        versions,
        trusted: vec![test_certificate()],
    };
    // Connecting waits for the first listing: LIST over a protected data connection.
    let mut queue = Queue::connect(request, overwrite_settings());
    let security = queue.security.clone().expect("a Connected event");
    assert!(security.control && security.data, "{security:?}");
    let details = security.details.unwrap_or_default();
    assert!(details.contains(expect_version), "{details}");
    let log = queue.log_text();
    assert!(log.contains("PROT P"), "{log}");
    if mode == TlsMode::Implicit {
        assert!(!log.contains("> AUTH TLS"), "{log}");
    } else {
        assert!(log.contains("> AUTH TLS"), "{log}");
    }

    let local = tempfile::tempdir().unwrap();
    let source = local.path().join("source.bin");
    std::fs::write(
        &source,
        ferry::demo::pseudo_random_bytes(2 * 1024 * 1024 + 5, 3),
    )
    .unwrap();
    let remote = format!("/upload/{tag}.bin");
    queue.run(vec![upload(&source, &remote)]);
    all_done(&queue);
    let stored = root().join("upload").join(format!("{tag}.bin"));
    files_equal(&source, &stored);
    queue.items.clear();
    let back = local.path().join("back.bin");
    queue.run(vec![download(&remote, &back)]);
    all_done(&queue);
    files_equal(&source, &back);
    let _ = std::fs::remove_file(stored);
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn vsftpd_explicit_tls_1_2_with_session_reuse() {
    tls_round_trip(
        "FERRY_VSFTPD",
        TlsMode::Explicit,
        TlsVersions::Only12,
        "TLSv1_2",
    );
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn vsftpd_explicit_tls_1_3_with_session_reuse() {
    tls_round_trip(
        "FERRY_VSFTPD",
        TlsMode::Explicit,
        TlsVersions::Only13,
        "TLSv1_3",
    );
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn pure_ftpd_explicit_tls() {
    tls_round_trip(
        "FERRY_PUREFTPD",
        TlsMode::Explicit,
        TlsVersions::Any,
        "TLSv1_",
    );
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn vsftpd_implicit_tls() {
    tls_round_trip(
        "FERRY_VSFTPD_IMPLICIT",
        TlsMode::Implicit,
        TlsVersions::Any,
        "TLSv1_",
    );
}

/// Waits for the browsing session's end, or its first listing; returns the log and the failure.
fn connect_outcome(
    request: ferry::engine::ConnectRequest,
) -> (String, Option<ferry::engine::Failure>) {
    use ferry::engine::{Command, Engine, Event};
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request));
    let mut log = Vec::new();
    for _ in 0..10_000 {
        match events.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Event::Log(line)) => log.push(line.to_text()),
            Ok(Event::Listing(_)) => return (log.join("\n"), None),
            Ok(Event::Disconnected { reason }) => return (log.join("\n"), reason),
            Ok(_) => {}
            Err(e) => panic!("no outcome ({e}):\n{}", log.join("\n")),
        }
    }
    panic!("too many events:\n{}", log.join("\n"));
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn untrusted_certificate_is_refused_before_the_password() {
    let mut request = login("FERRY_VSFTPD", DataMode::Passive);
    request.tls.trusted.clear();
    let (log, failure) = connect_outcome(request);
    let failure = failure.expect("the self-signed certificate must not be accepted");
    assert_eq!(
        failure.kind,
        ferry::engine::FailureKind::Certificate,
        "{failure:?}"
    );
    let certificate = failure
        .certificate
        .expect("the certificate, for the dialog");
    assert_eq!(certificate.fingerprint, test_certificate());
    assert!(!log.contains("PASS"), "{log}");
    assert!(!log.contains(&env("FERRY_INTEROP_PASS")), "{log}");
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn tls_if_available_falls_back_on_a_plain_server_and_says_so() {
    let (log, failure) = connect_outcome(login("FERRY_PROFTPD", DataMode::Passive));
    assert!(failure.is_none(), "{failure:?}\n{log}");
    assert!(log.contains("AUTH TLS"), "{log}");
    assert!(log.contains("continuing with plain FTP"), "{log}");
}

#[test]
#[ignore = "needs tests/interop/servers.sh (root)"]
fn explicit_tls_on_a_plain_server_does_not_log_in() {
    let mut request = login("FERRY_PROFTPD", DataMode::Passive);
    request.tls.mode = TlsMode::Explicit;
    let (log, failure) = connect_outcome(request);
    assert!(failure.is_some(), "{log}");
    assert!(!log.contains("PASS"), "{log}");
}
