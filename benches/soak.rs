//! The soak: thousands of files of mixed sizes (1 B to 50 MB) downloaded and then uploaded by
//! `ferry get -r` / `ferry put -r` over 4 connections, through a misbehaving server (the
//! embedded libunftp behind the fault proxy of `tests/support/`): a share of the data
//! connections is cut (FIN or RST), and the server "restarts" once in each direction. Then
//! every file's SHA-256 is checked on the side it went to, no `.part` or stray copy may be left,
//! and Ferry's open file descriptors and resident memory, sampled through the run, must stay
//! flat. Bounded in time. Not part of `cargo test`:
//!
//!     cargo bench --bench soak -- [--files 2000] [--max-mb 50] [--drop-per-mille 20]
//!                                 [--seed 1] [--minutes 30] [--ferry path/to/ferry]
//!
//! It prints a Markdown report (the figures in RELIABILITY.md come from it) and exits non-zero
//! when any check fails.

#[path = "../tests/support/fault_proxy.rs"]
mod fault_proxy;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fault_proxy::{FaultProxy, ProxyOptions};
use ferry::demo::{DemoServer, ServerOptions};
use sha2::Digest;

const USER: &str = "soak";
const PASSWORD: &str = "soak-pass";

struct Options {
    files: usize,
    max_mb: u64,
    drop_per_mille: u64,
    seed: u64,
    minutes: u64,
    ferry: PathBuf,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        files: 2000,
        max_mb: 50,
        drop_per_mille: 20,
        seed: 1,
        minutes: 30,
        ferry: PathBuf::from(env!("CARGO_BIN_EXE_ferry")),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |text: String| text.parse::<u64>().map_err(|e| format!("{text}: {e}"));
        match arg.as_str() {
            "--files" => options.files = number(value()?)? as usize,
            "--max-mb" => options.max_mb = number(value()?)?,
            "--drop-per-mille" => options.drop_per_mille = number(value()?)?,
            "--seed" => options.seed = number(value()?)?,
            "--minutes" => options.minutes = number(value()?)?,
            "--ferry" => options.ferry = PathBuf::from(value()?),
            // `cargo bench` passes this to every bench.
            "--bench" => {}
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

/// xorshift64*: the same tree for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Log-uniform in `[low, high]`: as many files of a few bytes as of a few kilobytes.
    fn log_uniform(&mut self, low: u64, high: u64) -> u64 {
        let (low, high) = ((low.max(1)) as f64, high as f64);
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (low * (high / low).powf(unit)).round() as u64
    }
}

/// Writes the tree: mostly small files, a tenth of a few megabytes, 1% large (one of exactly
/// `max_mb`). Returns each file's relative path and SHA-256.
fn make_tree(root: &Path, options: &Options) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut rng = Rng(options.seed.max(1));
    let mut digests = BTreeMap::new();
    let max = options.max_mb * 1024 * 1024;
    for n in 0..options.files {
        let size = match n {
            0 => max,
            1 => 0,
            _ => match rng.next() % 100 {
                0 => rng.log_uniform(4 * 1024 * 1024, max),
                1..=13 => rng.log_uniform(64 * 1024, 4 * 1024 * 1024),
                _ => rng.log_uniform(1, 64 * 1024),
            },
        };
        let relative = PathBuf::from(format!("folder {:02}", n % 20))
            .join(if n % 7 == 0 { "deeper" } else { "" })
            .join(format!("file {n:04}.bin"));
        let path = root.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the tree");
        }
        let bytes = ferry::demo::pseudo_random_bytes(size as usize, rng.next());
        digests.insert(relative, sha2::Sha256::digest(&bytes).to_vec());
        std::fs::write(&path, &bytes).expect("write the tree");
    }
    digests
}

/// Every file under `root`: SHA-256 by relative path.
fn digests_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                found.insert(relative, sha2::Sha256::digest(&bytes).to_vec());
            }
        }
    }
    found
}

/// What a check found wrong, if anything.
fn compare(expected: &BTreeMap<PathBuf, Vec<u8>>, got: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, digest) in expected {
        match got.get(path) {
            None => problems.push(format!("missing {}", path.display())),
            Some(d) if d != digest => problems.push(format!("differs {}", path.display())),
            Some(_) => {}
        }
    }
    for path in got.keys().filter(|p| !expected.contains_key(*p)) {
        problems.push(format!("extra {}", path.display()));
    }
    problems
}

/// One sample of Ferry's process.
#[derive(Clone, Copy)]
struct Sample {
    fds: usize,
    rss_kib: u64,
}

fn sample(pid: u32) -> Option<Sample> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(Sample { fds, rss_kib })
}

struct PhaseReport {
    name: &'static str,
    seconds: f64,
    exit: i32,
    samples: Vec<Sample>,
    problems: Vec<String>,
    summary: String,
}

/// Runs one ferry command through to its end (or the deadline), sampling it, and restarting
/// the proxy once `restart_after` files have started.
fn phase(
    name: &'static str,
    args: &[&str],
    proxy: &FaultProxy,
    restart_after: usize,
    deadline: Instant,
    options: &Options,
    config: &Path,
) -> PhaseReport {
    let started = Instant::now();
    let mut child = Command::new(&options.ferry)
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ferry");
    let pid = child.id();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (samples, done) = (samples.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(s) = sample(pid) {
                    samples.lock().unwrap_or_else(|p| p.into_inner()).push(s);
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // The deadline: a watchdog kills ferry if it is still running then.
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if Instant::now() > deadline {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    let mut started_files = 0;
    let mut summary = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.contains("* [") && line.contains("] Starting ") {
                started_files += 1;
                if started_files == restart_after {
                    eprintln!("{name}: the server restarts ({started_files} files started)");
                    proxy.restart(Duration::from_secs(3));
                }
            }
            let transcript =
                line.as_bytes().get(2) == Some(&b':') && line.as_bytes().get(5) == Some(&b':');
            if !transcript {
                // Not a transcript line: the summary and failures.
                summary.push_str(&line);
                summary.push('\n');
            }
        }
    }
    let exit = child.wait().map(|s| s.code().unwrap_or(-1)).unwrap_or(-1);
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let _ = watchdog.join();
    let samples = samples.lock().unwrap_or_else(|p| p.into_inner()).clone();
    PhaseReport {
        name,
        seconds: started.elapsed().as_secs_f64(),
        exit,
        samples,
        problems: Vec::new(),
        summary,
    }
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Median of the second quarter and of the last quarter of the run: a leak makes the second
/// larger; warming up is over by the second quarter.
fn early_and_late(values: &[u64]) -> (u64, u64) {
    let quarter = values.len() / 4;
    if quarter == 0 {
        let all = median(values.to_vec());
        return (all, all);
    }
    (
        median(values[quarter..2 * quarter].to_vec()),
        median(values[values.len() - quarter..].to_vec()),
    )
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("soak: {e}");
            return ExitCode::from(2);
        }
    };
    let deadline = Instant::now() + Duration::from_secs(options.minutes * 60);
    let work = tempfile::tempdir().expect("a temporary folder");
    let server_root = work.path().join("server");
    let tree = server_root.join("Tree");
    eprintln!("soak: writing {} files...", options.files);
    let expected = make_tree(&tree, &options);
    let bytes = walk_sizes(&tree);
    let server = DemoServer::start(ServerOptions::new(&server_root).with_account(USER, PASSWORD))
        .expect("the embedded server");
    let proxy = FaultProxy::start(ProxyOptions {
        upstream: server.addr(),
        drop_per_mille: options.drop_per_mille,
        seed: options.seed,
    });
    let base = format!("ftp://{USER}@127.0.0.1:{}", proxy.port);
    let config = work.path().join("config");
    let dest = work.path().join("dest");
    std::fs::create_dir_all(&dest).expect("dest");
    let restart_after = options.files * 2 / 5;

    let get_url = format!("{base}/Tree");
    let dest_text = dest.to_string_lossy().into_owned();
    let get = [
        "get",
        "-r",
        "--parallel",
        "4",
        "-v",
        "--tls",
        "off",
        &get_url,
        &dest_text,
    ];
    eprintln!("soak: downloading through the proxy...");
    let mut down = phase(
        "download",
        &get,
        &proxy,
        restart_after,
        deadline,
        &options,
        &config,
    );
    let landed = dest.join("Tree");
    down.problems = compare(&expected, &digests_under(&landed));

    let put_url = format!("{base}/Back");
    let landed_text = landed.to_string_lossy().into_owned();
    let put = [
        "put",
        "-r",
        "--parallel",
        "4",
        "-v",
        "--tls",
        "off",
        &landed_text,
        &put_url,
    ];
    eprintln!("soak: uploading through the proxy...");
    let mut up = phase(
        "upload",
        &put,
        &proxy,
        restart_after,
        deadline,
        &options,
        &config,
    );
    up.problems = compare(&expected, &digests_under(&server_root.join("Back")));

    let stats = proxy.stats();
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    println!(
        "## Soak: {} files, {:.0} MB each way, 4 connections",
        options.files,
        bytes as f64 / 1e6
    );
    println!();
    println!(
        "Faults: {} data connections, {} cut with FIN, {} with RST ({} per mille asked); {} restarts ({} connections turned away meanwhile); seed {}.",
        load(&stats.data_connections),
        load(&stats.dropped_with_fin),
        load(&stats.dropped_with_rst),
        options.drop_per_mille,
        load(&stats.restarts),
        load(&stats.refused),
        options.seed
    );
    println!();
    println!(
        "| phase | time | exit | SHA-256 | open fds (2nd quarter → last quarter, max) | RSS MiB (2nd quarter → last quarter, max) |"
    );
    println!("|---|---|---|---|---|---|");
    let mut failed = false;
    for report in [&down, &up] {
        let fds: Vec<u64> = report.samples.iter().map(|s| s.fds as u64).collect();
        let rss: Vec<u64> = report.samples.iter().map(|s| s.rss_kib).collect();
        let (fd_early, fd_late) = early_and_late(&fds);
        let (rss_early, rss_late) = early_and_late(&rss);
        let fd_max = fds.iter().copied().max().unwrap_or(0);
        let rss_max = rss.iter().copied().max().unwrap_or(0);
        // Flat: no more than a quarter more late than early (and a few descriptors of slack:
        // four connections open and close their data sockets all the time).
        let flat = fd_late <= fd_early + 8 && rss_late * 4 <= rss_early * 5 + 4 * 1024;
        let ok = report.exit == 0 && report.problems.is_empty() && flat;
        failed |= !ok;
        println!(
            "| {} | {:.1} s | {} | {} | {fd_early} → {fd_late}, {fd_max} | {:.1} → {:.1}, {:.1} |{}",
            report.name,
            report.seconds,
            report.exit,
            if report.problems.is_empty() {
                format!("all {} match", expected.len())
            } else {
                format!("{} problems", report.problems.len())
            },
            rss_early as f64 / 1024.0,
            rss_late as f64 / 1024.0,
            rss_max as f64 / 1024.0,
            if flat { "" } else { " NOT FLAT" }
        );
    }
    for report in [&down, &up] {
        for problem in report.problems.iter().take(20) {
            println!("- {}: {problem}", report.name);
        }
        eprintln!("{} summary:\n{}", report.name, report.summary.trim_end());
    }
    if failed {
        println!();
        println!("FAILED");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn walk_sizes(root: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                total += entry.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}
