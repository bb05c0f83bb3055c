//! Killed, cut off and started again: `ferry get -r` / `ferry put -r` with a queue file, SIGKILLed at
//! moments chosen by a seeded generator (counted in lines of its transcript, so each kill lands
//! at a point of the conversation: mid-listing, mid-file, between files, mid-rename), several
//! times, then run to the end on what the queue file says. Afterwards every file is
//! byte-identical, none is missing, none is there twice (`name (1).ext`), and no `.ferrypart` or
//! other incomplete file is left.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::fault_proxy::{FaultProxy, ProxyOptions};
use support::{PASSWORD, TestServer};

/// A small, seeded generator: the same kills on every run of the test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A tree of files of mixed sizes: many small, some of a few hundred KiB, a few of megabytes.
fn make_tree(root: &Path, rng: &mut Rng) {
    for folder in 0..4 {
        let dir = root.join(format!("folder {folder}")).join("inner");
        std::fs::create_dir_all(&dir).unwrap();
        for n in 0..25 {
            let size = match rng.below(10) {
                0 => 2 * 1024 * 1024 + rng.below(3 * 1024 * 1024),
                1..=3 => 100 * 1024 + rng.below(400 * 1024),
                _ => rng.below(10 * 1024) + 1,
            };
            let bytes = ferry::demo::pseudo_random_bytes(size as usize, rng.next());
            let parent = if n % 3 == 0 {
                &dir
            } else {
                dir.parent().unwrap()
            };
            std::fs::write(parent.join(format!("file {n}.bin")), bytes).unwrap();
        }
    }
}

/// Every file under `root`, by relative path, with its bytes.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// Runs ferry with its transcript on stderr; kills it (SIGKILL) once it has written `kill_after`
/// lines. Returns `None` when it was killed, else its exit code and what it said.
fn run(args: &[&str], config: &Path, kill_after: Option<usize>) -> Option<(i32, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ferry");
    let stderr = child.stderr.take().expect("stderr");
    let mut said = String::new();
    // Bounded: the pipe ends when ferry does, and ferry bounds every wait.
    for (n, line) in BufReader::new(stderr).lines().enumerate() {
        let Ok(line) = line else { break };
        said.push_str(&line);
        said.push('\n');
        if kill_after.is_some_and(|k| n + 1 >= k) {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            return None;
        }
    }
    let status = child.wait().expect("reaped");
    Some((status.code().unwrap_or(-1), said))
}

/// Kills a run `kills` times at seeded moments, then lets it finish; returns its last words.
fn killed_and_finished(args: &[&str], config: &Path, rng: &mut Rng, kills: usize) -> String {
    let mut killed = 0;
    for _ in 0..kills {
        // Early in a run: every restart has something left to continue.
        let at = 10 + rng.below(400) as usize;
        match run(args, config, Some(at)) {
            None => killed += 1,
            // It finished before the moment came: nothing left to kill.
            Some((0, said)) => return said,
            Some((code, said)) => panic!("exit {code} before the kill:\n{said}"),
        }
    }
    assert!(killed > 0, "never killed: the test proves nothing");
    let (code, said) = run(args, config, None).expect("not killed");
    assert_eq!(code, 0, "the run after {killed} kills failed:\n{said}");
    said
}

/// `said` is what ferry printed, shown when the files differ: a CI failure then says why.
fn assert_same_files(what: &str, expected: &Path, got: &Path, said: &str) {
    let expected = files(expected);
    let got = files(got);
    let extra: Vec<&PathBuf> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    let missing: Vec<&PathBuf> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: extra {extra:?} (copies or .ferrypart files), missing {missing:?}\n{said}"
    );
    for (path, bytes) in &expected {
        assert!(
            got.get(path) == Some(bytes),
            "{what}: {} differs ({} bytes, expected {})\n{said}",
            path.display(),
            got.get(path).map_or(0, Vec::len),
            bytes.len()
        );
    }
}

#[test]
fn a_download_killed_again_and_again_finishes_byte_identical() {
    let server = TestServer::start();
    let mut rng = Rng(0x5eed_0001);
    let source = server.path().join("Tree");
    make_tree(&source, &mut rng);
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config");
    let dest = work.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let queue = work.path().join("queue.jsonl");
    let url = format!("{}/Tree", server.url());
    let args = [
        "get",
        "-r",
        "--parallel",
        "4",
        "-v",
        "--queue-file",
        queue.to_str().unwrap(),
        &url,
        dest.to_str().unwrap(),
    ];
    let said = killed_and_finished(&args, &config, &mut rng, 6);
    assert!(said.contains("continuing the queue"), "{said}");
    assert_same_files("download", &source, &dest.join("Tree"), &said);
}

#[test]
fn an_upload_killed_again_and_again_finishes_byte_identical() {
    let server = TestServer::start();
    let mut rng = Rng(0x5eed_0002);
    let work = tempfile::tempdir().unwrap();
    let source = work.path().join("Tree");
    make_tree(&source, &mut rng);
    let config = work.path().join("config");
    let queue = work.path().join("queue.jsonl");
    let url = format!("{}/Uploaded", server.url());
    let args = [
        "put",
        "-r",
        "--parallel",
        "4",
        "-v",
        "--queue-file",
        queue.to_str().unwrap(),
        source.to_str().unwrap(),
        &url,
    ];
    let said = killed_and_finished(&args, &config, &mut rng, 6);
    assert!(said.contains("continuing the queue"), "{said}");
    assert_same_files("upload", &source, &server.path().join("Uploaded"), &said);
}

/// Runs ferry to its end; `restart_at` lines into its transcript, the proxy "restarts".
fn run_through(args: &[&str], config: &Path, proxy: &FaultProxy, restart_at: usize) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ferry");
    let stderr = child.stderr.take().expect("stderr");
    let mut said = String::new();
    for (n, line) in BufReader::new(stderr).lines().enumerate() {
        let Ok(line) = line else { break };
        said.push_str(&line);
        said.push('\n');
        if n + 1 == restart_at {
            proxy.restart(std::time::Duration::from_millis(1500));
        }
    }
    let status = child.wait().expect("reaped");
    assert!(status.success(), "{said}");
    said
}

/// Data connections cut with FIN and with RST (one in eight), and the server gone for a moment
/// once, both ways: every file arrives whole, nothing is left over.
#[test]
fn cut_data_connections_and_a_server_restart_lose_nothing() {
    use std::sync::atomic::Ordering;
    let server = TestServer::start();
    let proxy = FaultProxy::start(ProxyOptions {
        upstream: server.server.addr(),
        drop_per_mille: 125,
        seed: 7,
    });
    let mut rng = Rng(0x5eed_0003);
    let source = server.path().join("Tree");
    make_tree(&source, &mut rng);
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config");
    let dest = work.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let base = format!("ftp://{}@127.0.0.1:{}", support::USER, proxy.port);
    let url = format!("{base}/Tree");
    let down = [
        "get",
        "-r",
        "--parallel",
        "4",
        "-v",
        &url,
        dest.to_str().unwrap(),
    ];
    let said = run_through(&down, &config, &proxy, 200);
    assert_same_files("download", &source, &dest.join("Tree"), &said);
    let up_url = format!("{base}/Back");
    let local = dest.join("Tree");
    let up = [
        "put",
        "-r",
        "--parallel",
        "4",
        "-v",
        local.to_str().unwrap(),
        &up_url,
    ];
    let said = run_through(&up, &config, &proxy, 200);
    assert_same_files("upload", &source, &server.path().join("Back"), &said);
    let stats = proxy.stats();
    assert_eq!(stats.restarts.load(Ordering::Relaxed), 2);
    assert!(
        stats.dropped_with_fin.load(Ordering::Relaxed) > 0,
        "{stats:?}"
    );
    assert!(
        stats.dropped_with_rst.load(Ordering::Relaxed) > 0,
        "{stats:?}"
    );
}

/// A segmented download killed in the middle: the next run continues every range from the
/// offset its saved map says, and the file is byte for byte the server's.
#[test]
fn a_segmented_download_killed_in_the_middle_continues_each_range() {
    let server = TestServer::start();
    let size = 24 * 1024 * 1024 + 11;
    let bytes = ferry::demo::pseudo_random_bytes(size, 21);
    std::fs::write(server.path().join("big.bin"), &bytes).unwrap();
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    // Slow, so the kill lands in the middle; files from 1 MiB are split.
    std::fs::write(
        config.join(ferry::store::settings::Settings::FILE_NAME),
        "[transfers]\nsegment_threshold_mib = 1\ndownload_limit_kib = 4096\n",
    )
    .unwrap();
    let dest = work.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let url = format!("{}/big.bin", server.url());
    let args = ["get", "--segments", "4", "-v", &url, dest.to_str().unwrap()];
    let map = dest.join("big.bin.ferrypart.segments");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", &config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run ferry");
    // Until the saved map shows two ranges under way (bounded: the whole file takes 6 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let under_way = |ranges: &[(u64, u64, u64)]| {
        ranges
            .iter()
            .filter(|(s, e, d)| *d > 0 && s + d < *e)
            .count()
    };
    let ranges = loop {
        assert!(std::time::Instant::now() < deadline, "no progress saved");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        if let Some(ranges) = saved_ranges(&map)
            && under_way(&ranges) >= 2
        {
            break ranges;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // The map may have moved on between the read and the kill: read it again.
    let ranges = saved_ranges(&map).unwrap_or(ranges);
    std::fs::write(
        config.join(ferry::store::settings::Settings::FILE_NAME),
        "[transfers]\nsegment_threshold_mib = 1\n",
    )
    .unwrap();
    let (code, said) = run(&args, &config, None).expect("not killed");
    assert_eq!(code, 0, "{said}");
    for (start, end, done) in &ranges {
        if *done > 0 && start + done < *end {
            assert!(
                said.contains(&format!("REST {}", start + done)),
                "range at {start} goes on from {}:\n{said}",
                start + done
            );
        }
    }
    assert_eq!(std::fs::read(dest.join("big.bin")).unwrap(), bytes);
    let names: Vec<_> = std::fs::read_dir(&dest).unwrap().collect();
    assert_eq!(names.len(), 1, "only the file is left");
}

/// A saved segment map's ranges: (start, end, done), by start.
fn saved_ranges(map: &Path) -> Option<Vec<(u64, u64, u64)>> {
    let text = std::fs::read(map).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let mut ranges: Vec<(u64, u64, u64)> = value["ranges"]
        .as_array()?
        .iter()
        .filter_map(|r| {
            Some((
                r["start"].as_u64()?,
                r["end"].as_u64()?,
                r["done"].as_u64()?,
            ))
        })
        .collect();
    ranges.sort();
    Some(ranges)
}

/// The proxy's cuts are ones a client can see (see `detectable_cut`).
#[test]
fn a_cut_never_leaves_what_looks_like_a_whole_listing() {
    let listing = b"type=file; a\r\ntype=file; b\r\n";
    let cases: &[(usize, usize)] = &[
        // (where the cut would come, where it comes)
        (0, 1),   // nothing at all: an empty folder
        (5, 5),   // in the middle of a line: the client sees it
        (13, 13), // after the CR, before the LF: unfinished
        (14, 15), // right after a line end: one entry fewer, looking whole
        (28, 27), // the very end is no cut; the nearest unfinished byte before it
    ];
    for &(keep, expected) in cases {
        assert_eq!(
            support::fault_proxy::detectable_cut(listing, keep),
            expected,
            "cut at {keep}"
        );
    }
    // A file's bytes without line ends are cut where chosen.
    assert_eq!(support::fault_proxy::detectable_cut(&[7u8; 100], 40), 40);
}
