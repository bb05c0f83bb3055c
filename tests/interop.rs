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

fn ferry(args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
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
        }
    };
}

interop_suite!(vsftpd, "FERRY_VSFTPD", "vsftpd");
interop_suite!(pure_ftpd, "FERRY_PUREFTPD", "Pure-FTPd");
interop_suite!(proftpd, "FERRY_PROFTPD", "ProFTPD");
