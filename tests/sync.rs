//! `ferry sync` against the embedded server (libunftp): every direction, mirroring,
//! exclusions, two-way conflicts, the JSON plan, a dry run that changes nothing, a rerun that
//! plans nothing, and a failed action's exit code (the faulty server).

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use support::faulty::{Faults, FaultyServer};
use support::{PASSWORD, TestServer, files_under as files};

/// Runs `ferry sync ARGS` with the settings (and the remembered syncs) in `config`.
fn sync(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("sync")
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run ferry")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The plan of a `--json` run: (action, path) → reason.
fn planned(output: &Output) -> BTreeMap<(String, String), String> {
    text(&output.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let field = |name: &str| value[name].as_str().expect(name).to_owned();
            ((field("action"), field("path")), field("reason"))
        })
        .collect()
}

fn pairs(plan: &BTreeMap<(String, String), String>) -> Vec<(&str, &str)> {
    plan.keys()
        .map(|(action, path)| (action.as_str(), path.as_str()))
        .collect()
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Gives a file a time `seconds` from now (into the past when negative).
fn age(root: &Path, path: &str, seconds: i64) {
    let now = SystemTime::now();
    let at = if seconds >= 0 {
        now + Duration::from_secs(seconds as u64)
    } else {
        now - Duration::from_secs(seconds.unsigned_abs())
    };
    let file = std::fs::File::options()
        .write(true)
        .open(root.join(path))
        .unwrap();
    file.set_modified(at).unwrap();
}

struct Pair {
    server: TestServer,
    local: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Pair {
    fn new() -> Self {
        let server = TestServer::start();
        std::fs::create_dir_all(server.path().join("site")).unwrap();
        Self {
            server,
            local: tempfile::tempdir().unwrap(),
            config: tempfile::tempdir().unwrap(),
        }
    }

    fn remote(&self) -> std::path::PathBuf {
        self.server.path().join("site")
    }

    fn url(&self) -> String {
        format!("{}/site", self.server.url())
    }

    fn run(&self, options: &[&str]) -> Output {
        let mut args: Vec<&str> = options.to_vec();
        let local = self.local.path().to_str().unwrap().to_owned();
        let url = self.url();
        args.push(&local);
        args.push(&url);
        sync(self.config.path(), &args)
    }

    fn ok(&self, options: &[&str]) -> Output {
        let output = self.run(options);
        assert!(
            output.status.success(),
            "sync {options:?} failed:\n{}",
            text(&output.stderr)
        );
        output
    }
}

#[test]
fn upload_mirror_with_exclusions_then_a_rerun_plans_nothing() {
    let pair = Pair::new();
    let local = pair.local.path();
    write(local, "index.html", b"<h1>hi</h1>\n");
    write(local, "css/site.css", b"body {}\n");
    write(local, "node_modules/lib/x.js", b"junk");
    write(local, "draft.tmp", b"tmp");
    write(local, ".git/HEAD", b"ref");
    write(&pair.remote(), "gone.txt", b"old");
    write(&pair.remote(), "old/deep.txt", b"old");
    let rules = [
        "--exclude",
        "node_modules/",
        "--exclude",
        "*.tmp",
        "--exclude",
        ".git/",
    ];
    let mut options: Vec<&str> = vec!["--delete", "--json", "--dry-run"];
    options.extend(rules);

    let plan = planned(&pair.ok(&options));
    assert_eq!(
        pairs(&plan),
        [
            ("delete-remote", "gone.txt"),
            ("delete-remote", "old"),
            ("mkdir-remote", "css"),
            ("upload", "css/site.css"),
            ("upload", "index.html"),
        ]
    );
    assert_eq!(plan[&("upload".into(), "index.html".into())], "new here");
    assert_eq!(
        plan[&("delete-remote".into(), "gone.txt".into())],
        "not here"
    );
    // A dry run changes nothing.
    assert!(pair.remote().join("gone.txt").exists());
    assert!(!pair.remote().join("index.html").exists());

    options.retain(|o| *o != "--dry-run");
    let run = pair.ok(&options);
    assert!(text(&run.stderr).contains("1 deleted") || text(&run.stderr).contains("2 deleted"));
    let expected: BTreeMap<String, Vec<u8>> = files(local)
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("node_modules/")
                && !path.ends_with(".tmp")
                && !path.starts_with(".git/")
        })
        .collect();
    assert_eq!(files(&pair.remote()), expected);

    let again = pair.ok(&options
        .iter()
        .copied()
        .chain(["--dry-run"])
        .collect::<Vec<_>>());
    assert!(planned(&again).is_empty(), "{}", text(&again.stdout));
}

#[test]
fn download_mirror_brings_the_server_folder_and_deletes_only_inside() {
    let pair = Pair::new();
    write(
        &pair.remote(),
        "a.bin",
        &ferry::demo::pseudo_random_bytes(300_000, 3),
    );
    write(&pair.remote(), "sub/b.txt", b"bee\n");
    write(pair.local.path(), "extra/stale.txt", b"stale");
    let outside = pair
        .local
        .path()
        .parent()
        .unwrap()
        .join("ferry-sync-outside.txt");
    std::fs::write(&outside, b"not ours").unwrap();

    let plan = planned(&pair.ok(&["--direction", "down", "--delete", "--json", "--dry-run"]));
    assert_eq!(
        pairs(&plan),
        [
            ("delete-local", "extra"),
            ("download", "a.bin"),
            ("download", "sub/b.txt"),
            ("mkdir-local", "sub"),
        ]
    );
    pair.ok(&["--direction", "down", "--delete"]);
    assert_eq!(files(pair.local.path()), files(&pair.remote()));
    assert_eq!(std::fs::read(&outside).unwrap(), b"not ours");
    std::fs::remove_file(&outside).unwrap();
    let again = pair.ok(&["--direction", "down", "--delete", "--json", "--dry-run"]);
    assert!(planned(&again).is_empty(), "{}", text(&again.stdout));
}

/// Ferry's own partial downloads (a `.ferrypart` and its map) are no files of the person's: a
/// sync neither sends them up nor, mirroring down, deletes them from under a download.
#[test]
fn partial_downloads_are_neither_sent_nor_deleted() {
    let pair = Pair::new();
    let local = pair.local.path();
    write(local, "index.html", b"<h1>hi</h1>\n");
    write(local, "big.iso.ferrypart", b"half of it");
    write(local, "big.iso.ferrypart.segments", b"{}");
    write(local, "their.part", b"another program's");
    let up = planned(&pair.ok(&["--json", "--dry-run"]));
    assert_eq!(
        pairs(&up),
        [("upload", "index.html"), ("upload", "their.part")]
    );
    let down = planned(&pair.ok(&["--direction", "down", "--delete", "--json", "--dry-run"]));
    assert_eq!(
        pairs(&down),
        [
            ("delete-local", "index.html"),
            ("delete-local", "their.part")
        ]
    );
}

#[test]
fn both_ways_the_newer_side_wins_and_a_file_changed_on_both_is_left_alone() {
    let pair = Pair::new();
    let (local, remote) = (pair.local.path().to_path_buf(), pair.remote());
    write(&local, "mine.txt", b"from here");
    write(&remote, "theirs.txt", b"from the server");
    write(&local, "shared.txt", b"v1");
    write(&remote, "shared.txt", b"v1");
    age(&local, "shared.txt", -3600);
    age(&remote, "shared.txt", -3600);

    let plan = planned(&pair.ok(&["--direction", "both", "--json", "--dry-run"]));
    assert_eq!(
        pairs(&plan),
        [("download", "theirs.txt"), ("upload", "mine.txt")]
    );
    pair.ok(&["--direction", "both"]);
    assert_eq!(files(&local), files(&remote));
    let quiet = pair.ok(&["--direction", "both", "--json", "--dry-run"]);
    assert!(planned(&quiet).is_empty(), "{}", text(&quiet.stdout));

    // Changed here only: it goes up.
    write(&local, "mine.txt", b"from here, edited");
    age(&local, "mine.txt", 60);
    let plan = planned(&pair.ok(&["--direction", "both", "--json", "--dry-run"]));
    assert_eq!(pairs(&plan), [("upload", "mine.txt")]);
    assert_eq!(plan[&("upload".into(), "mine.txt".into())], "newer here");

    // Changed on both sides since the last sync: listed, and neither copy is touched.
    write(&local, "shared.txt", b"v2 here");
    write(&remote, "shared.txt", b"v2 on the server, longer");
    let plan = planned(&pair.ok(&["--direction", "both", "--json", "--dry-run"]));
    assert_eq!(
        plan.get(&("conflict".into(), "shared.txt".into()))
            .map(String::as_str),
        Some("changed on both sides since the last sync")
    );
    pair.ok(&["--direction", "both"]);
    assert_eq!(std::fs::read(local.join("shared.txt")).unwrap(), b"v2 here");
    assert_eq!(
        std::fs::read(remote.join("shared.txt")).unwrap(),
        b"v2 on the server, longer"
    );
    assert_eq!(
        std::fs::read(remote.join("mine.txt")).unwrap(),
        b"from here, edited"
    );
}

#[test]
fn compare_by_size_ignores_times_and_by_checksum_says_when_the_server_has_none() {
    let pair = Pair::new();
    write(pair.local.path(), "same.txt", b"12345");
    write(&pair.remote(), "same.txt", b"abcde");
    age(pair.local.path(), "same.txt", 3600);
    let by_size = planned(&pair.ok(&["--compare", "size", "--json", "--dry-run"]));
    assert!(by_size.is_empty(), "{by_size:?}");
    let by_time = planned(&pair.ok(&["--compare", "time", "--json", "--dry-run"]));
    assert_eq!(pairs(&by_time), [("upload", "same.txt")]);
    let output = pair.ok(&["--compare", "checksum", "--json", "--dry-run"]);
    let stderr = text(&output.stderr);
    // libunftp offers no HASH: the size decides, and the plan says so.
    assert!(stderr.contains("no checksum"), "{stderr}");
    assert!(planned(&output).is_empty());
}

#[test]
fn a_failed_action_gives_a_non_zero_exit_and_a_summary() {
    let server = FaultyServer::start();
    server.add_folder("/site");
    server.add_file("/site/gone.txt", b"old".to_vec());
    server.set_faults(Faults {
        odd_replies: vec![("DELE", "550 Permission denied.\r\n")],
        ..Faults::default()
    });
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let url = format!("ftp://u@127.0.0.1:{}/site", server.port);
    let output = sync(
        config.path(),
        &["--delete", local.path().to_str().unwrap(), &url],
    );
    assert!(!output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("gone.txt"), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(server.file("/site/gone.txt").is_some());
}

#[test]
fn a_deep_server_tree_is_listed_over_several_connections_and_planned_whole() {
    let pair = Pair::new();
    let mut expected = Vec::new();
    for a in 0..4 {
        for b in 0..3 {
            let path = format!("d{a}/e{b}/f.txt");
            write(&pair.remote(), &path, path.as_bytes());
            expected.push(path);
        }
    }
    let output = pair.ok(&[
        "--direction",
        "down",
        "--parallel",
        "3",
        "-v",
        "--json",
        "--dry-run",
    ]);
    let plan = planned(&output);
    for path in &expected {
        assert!(
            plan.contains_key(&("download".to_owned(), path.clone())),
            "{path} not planned: {plan:?}"
        );
    }
    let transcript = text(&output.stderr);
    let walk_listings = transcript
        .lines()
        .filter(|l| {
            l.contains("[walk]") && (l.contains("> [walk] MLSD") || l.contains("> [walk] LIST"))
        })
        .count();
    assert!(
        walk_listings > 0,
        "no folder listed by the extra connections:\n{transcript}"
    );
}
