//! Every connection of a run recovers on its own: a 421 or a reset, at any point of any of the
//! run's connections (during its login, a listing, between transfers, in the middle of one),
//! downloads and uploads, from the CLI and from the engine. The points are chosen by a seeded
//! generator; each run ends byte-exact with success. A server that keeps refusing ends the run
//! with a clear failure after the bounded retries, and nothing incomplete under a final name.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use ferry::engine::{ConflictPolicy, ItemState};
use support::faulty::{FailAt, FailHow, FailPoint, Faults, FaultyServer};
use support::queue::{self, Queue, download, folder};
use support::{PASSWORD, request_to};

/// Seeded rounds per face and direction, after the named points.
const ROUNDS: usize = 4;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }

    /// A point of one of the first two connections: the login is commands 1-6, a listing
    /// and the first transfers follow.
    fn fault(&mut self) -> FailAt {
        FailAt {
            connection: self.below(2) as usize,
            at: FailPoint::Command(1 + self.below(12) as usize),
            how: if self.below(2) == 0 {
                FailHow::Reply421
            } else {
                FailHow::Reset
            },
        }
    }
}

/// What the tree holds, by path under its root.
fn tree() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.bin", ferry::demo::pseudo_random_bytes(200_000, 1)),
        ("b.bin", b"just a few bytes".to_vec()),
        ("sub/c.bin", ferry::demo::pseudo_random_bytes(50_000, 2)),
    ]
}

/// The places of a run, by the command that meets the failure, on the first two connections at
/// once: each login (USER, PASS), what follows it (PWD), a listing (LIST, failing in the middle of
/// its data) or the making of a folder (MKD), a transfer (in the middle of its data), and between
/// transfers (MDTM before a download, SIZE before and after an upload); each as a 421 and as a
/// reset. Then seeded random points.
/// Each case says whether it must meet its failure (the named ones must).
fn cases(upload: bool, seed: u64) -> Vec<(Vec<FailAt>, bool)> {
    let verbs = if upload {
        ["USER", "PASS", "PWD", "MKD", "STOR", "SIZE"]
    } else {
        ["USER", "PASS", "PWD", "LIST", "RETR", "MDTM"]
    };
    let mut cases = Vec::new();
    for verb in verbs {
        for how in [FailHow::Reply421, FailHow::Reset] {
            let on = |connection| FailAt {
                connection,
                at: FailPoint::Verb(verb),
                how,
            };
            cases.push((vec![on(0), on(1)], true));
        }
    }
    let mut rng = Rng(seed);
    cases.extend((0..ROUNDS).map(|_| (vec![rng.fault()], false)));
    cases
}

fn server_with_tree(faults: Vec<FailAt>) -> FaultyServer {
    let server = FaultyServer::start();
    server.add_folder("/dir");
    server.add_folder("/dir/sub");
    server.add_folder("/up");
    for (path, bytes) in tree() {
        server.add_file(&format!("/dir/{path}"), bytes);
    }
    server.set_faults(Faults {
        fail_at: faults,
        ..Faults::default()
    });
    server
}

/// The runs of a test so far, and how many met their failure.
#[derive(Default)]
struct Tally {
    runs: usize,
    fired: usize,
}

impl Tally {
    /// A run ended well: every byte on the side it went to, and (for the named cases) the
    /// failure happened on the way.
    fn check(
        &mut self,
        server: &FaultyServer,
        dir: &Path,
        upload: bool,
        must_fire: bool,
        what: &str,
    ) {
        if upload {
            assert_server_tree(server, "/up/dir", what);
        } else {
            assert_local_tree(&dir.join("dir"), what);
        }
        assert!(
            server.fired() > 0 || !must_fire,
            "{what}: never met its failure"
        );
        self.runs += 1;
        self.fired += usize::from(server.fired() > 0);
    }

    /// Most chosen failures must have happened, or the test tests nothing.
    fn assert_most_fired(&self) {
        let Self { runs, fired } = self;
        assert!(
            fired * 4 >= runs * 3,
            "only {fired} of {runs} runs met a failure"
        );
    }
}

fn local_tree(root: &Path) {
    for (path, bytes) in tree() {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
}

fn assert_local_tree(root: &Path, what: &str) {
    for (path, bytes) in tree() {
        let got = std::fs::read(root.join(path)).unwrap_or_default();
        assert!(got == bytes, "{what}: {path} differs ({} bytes)", got.len());
        let part = root.join(format!("{path}.ferrypart"));
        assert!(!part.exists(), "{what}: {} left", part.display());
    }
}

fn assert_server_tree(server: &FaultyServer, root: &str, what: &str) {
    for (path, bytes) in tree() {
        let got = server.file(&format!("{root}/{path}")).unwrap_or_default();
        assert!(
            got == bytes,
            "{what}: {path} differs on the server ({} bytes)",
            got.len()
        );
    }
}

/// `ferry` with short pauses between retries (the settings in its own config folder).
fn ferry(args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("settings.toml"),
        "[transfers]\nretry_delay_ms = 20\nretries = 5\n",
    )
    .unwrap();
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config.path())
        .output()
        .expect("run ferry")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_cli_recovers_from_a_421_or_a_reset_anywhere_both_ways() {
    let mut tally = Tally::default();
    for upload in [false, true] {
        for (faults, must_fire) in cases(upload, 0x0014_0001) {
            let what = format!("{faults:?}, upload {upload}");
            let server = server_with_tree(faults);
            let dir = tempfile::tempdir().unwrap();
            let base = format!("ftp://u@127.0.0.1:{}", server.port);
            let run = if upload {
                local_tree(&dir.path().join("dir"));
                let local = dir.path().join("dir");
                ferry(&[
                    "put",
                    "-r",
                    "-v",
                    local.to_str().unwrap(),
                    &format!("{base}/up/dir"),
                ])
            } else {
                ferry(&[
                    "get",
                    "-r",
                    "-v",
                    &format!("{base}/dir"),
                    dir.path().to_str().unwrap(),
                ])
            };
            assert!(run.status.success(), "{what}\n{}", text(&run.stderr));
            tally.check(&server, dir.path(), upload, must_fire, &what);
        }
    }
    tally.assert_most_fired();
}

#[test]
fn the_engine_recovers_from_a_421_or_a_reset_anywhere_both_ways() {
    let mut tally = Tally::default();
    for upload in [false, true] {
        for (faults, must_fire) in cases(upload, 0x0014_0002) {
            let what = format!("{faults:?}, upload {upload}");
            let server = server_with_tree(faults);
            let dir = tempfile::tempdir().unwrap();
            // The browsing connection comes first: it is one of the connections that fail.
            let mut queue = Queue::connect(
                request_to(server.port, ferry::engine::Login::Anonymous),
                Queue::settings(ConflictPolicy::Refuse),
            );
            let request = if upload {
                local_tree(&dir.path().join("dir"));
                folder(queue::upload(&dir.path().join("dir"), "/up/dir"))
            } else {
                folder(download("/dir", &dir.path().join("dir")))
            };
            queue.run(vec![request]);
            assert!(
                queue.items.values().all(|i| i.state == ItemState::Done),
                "{what}\n{:#?}\n{}",
                queue.items,
                queue.log_text()
            );
            tally.check(&server, dir.path(), upload, must_fire, &what);
        }
    }
    tally.assert_most_fired();
}

/// A server that fails every connection: the run ends, saying why, after the bounded retries;
/// nothing incomplete stands under a final name.
#[test]
fn a_server_that_keeps_failing_ends_the_run_clearly() {
    let server = FaultyServer::start();
    server.add_folder("/dir");
    server.add_file("/dir/a.bin", ferry::demo::pseudo_random_bytes(200_000, 3));
    // Every connection is cut (421) in the middle of its download.
    let faults: Vec<FailAt> = (0..100)
        .map(|connection| FailAt {
            connection,
            at: FailPoint::Verb("RETR"),
            how: FailHow::Reply421,
        })
        .collect();
    server.set_faults(Faults {
        fail_at: faults,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let run = ferry(&[
        "get",
        "--tls",
        "off",
        &format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port),
        dir.path().to_str().unwrap(),
    ]);
    let said = text(&run.stderr);
    assert!(!run.status.success(), "{said}");
    assert!(said.contains("after 6 attempts"), "{said}");
    assert!(
        !dir.path().join("a.bin").exists(),
        "nothing under the final name"
    );
    let part = dir.path().join("a.bin.ferrypart");
    let kept = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    assert!(
        kept > 0,
        "the bytes that came are kept in {}",
        part.display()
    );

    // The server is well again: the next run resumes from the kept bytes.
    server.set_faults(Faults::default());
    let again = ferry(&[
        "get",
        "--tls",
        "off",
        &format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port),
        dir.path().to_str().unwrap(),
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let got = std::fs::read(dir.path().join("a.bin")).unwrap();
    assert!(
        got == server.file("/dir/a.bin").unwrap(),
        "byte-exact after resuming"
    );
    assert!(!part.exists(), "no .ferrypart after success");
    assert!(
        server
            .commands()
            .contains(&format!("REST {}", support::continued_from(kept))),
        "resumed from the kept {kept} bytes: {:?}",
        server.commands()
    );
}

/// One file: one login, not the pool's default two sessions.
#[test]
fn one_file_takes_one_login() {
    for upload in [false, true] {
        let server = FaultyServer::start();
        server.add_folder("/dir");
        server.add_file("/dir/a.bin", b"one file".to_vec());
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("a.bin");
        let remote = format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port);
        let run = if upload {
            std::fs::write(&local, b"the new bytes").unwrap();
            ferry(&[
                "put",
                "--on-conflict",
                "overwrite",
                local.to_str().unwrap(),
                &remote,
            ])
        } else {
            ferry(&["get", &remote, dir.path().to_str().unwrap()])
        };
        assert!(run.status.success(), "{}", text(&run.stderr));
        assert_eq!(
            server.count("USER"),
            1,
            "upload {upload}: {:?}",
            server.commands()
        );
        let expected: &[u8] = if upload {
            b"the new bytes"
        } else {
            b"one file"
        };
        assert_eq!(std::fs::read(&local).unwrap(), expected);
        assert_eq!(server.file("/dir/a.bin").unwrap(), expected);
    }
}

/// The window's case: a 421 on the browsing connection while the queue runs. The browser logs
/// in again and opens the folder asked for; the queue goes on to the end, byte-exact.
#[test]
fn a_421_on_the_browsing_connection_never_stalls_the_queue() {
    for how in [FailHow::Reply421, FailHow::Reset] {
        let server = server_with_tree(Vec::new());
        server.add_file("/docs/inner/a.txt", b"a".to_vec());
        let mut queue = Queue::connect(
            request_to(server.port, ferry::engine::Login::Anonymous),
            Queue::settings(ConflictPolicy::Refuse),
        );
        // The browsing connection came first; its next CWD meets the failure.
        server.set_faults(Faults {
            fail_at: vec![FailAt {
                connection: 0,
                at: FailPoint::Verb("CWD"),
                how,
            }],
            ..Faults::default()
        });
        let dir = tempfile::tempdir().unwrap();
        queue
            .engine
            .send(ferry::engine::Command::Enqueue(vec![folder(download(
                "/dir",
                &dir.path().join("dir"),
            ))]));
        queue.engine.send(ferry::engine::Command::ChangeDir {
            from: ferry::protocol::path::RemotePath::from_text("/"),
            target: ferry::engine::DirTarget::Path(ferry::protocol::path::RemotePath::from_text(
                "/docs/inner",
            )),
        });
        let mut listed = false;
        queue.wait("the folder and the end of the queue", |queue, event| {
            if let ferry::engine::Event::Listing(listing) = event {
                listed |= listing.path.as_bytes() == b"/docs/inner";
            }
            listed && !queue.items.is_empty() && queue.items.values().all(|i| i.state.is_finished())
        });
        let log = queue.log_text();
        assert_eq!(
            server.fired(),
            1,
            "{how:?}: the browser met its failure\n{log}"
        );
        assert!(log.contains("Logged in again"), "{how:?}\n{log}");
        assert!(
            queue.items.values().all(|i| i.state == ItemState::Done),
            "{how:?}: {:#?}",
            queue.items
        );
        assert_local_tree(&dir.path().join("dir"), &format!("{how:?}"));
    }
}

/// A server out of passive ports answers the data command with 425 (pure-ftpd under a burst of
/// small files: "425 Unable to identify the local data socket: Address already in use"). The
/// command is asked again on the same session, twice at most, both ways, byte-exact.
#[test]
fn a_425_is_asked_again_on_the_same_session() {
    for upload in [false, true] {
        let server = FaultyServer::start();
        server.add_folder("/dir");
        let bytes = ferry::demo::pseudo_random_bytes(100_000, 7);
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("a.bin");
        if upload {
            std::fs::write(&local, &bytes).unwrap();
        } else {
            server.add_file("/dir/a.bin", bytes.clone());
        }
        server.set_faults(Faults {
            refuse_data: 2,
            ..Faults::default()
        });
        let remote = format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port);
        let run = if upload {
            ferry(&["put", local.to_str().unwrap(), &remote])
        } else {
            ferry(&["get", &remote, dir.path().to_str().unwrap()])
        };
        assert!(run.status.success(), "{}", text(&run.stderr));
        let verb = if upload { "STOR" } else { "RETR" };
        let what = format!("upload {upload}: {:?}", server.commands());
        assert_eq!(server.fired(), 2, "{what}");
        assert_eq!(server.count(verb), 3, "{what}");
        assert_eq!(server.count("USER"), 1, "{what}");
        assert_eq!(std::fs::read(&local).unwrap(), bytes, "{what}");
        assert_eq!(server.file("/dir/a.bin").unwrap(), bytes, "{what}");
    }
}

/// Asked twice more at most: a third 425 fails the attempt, and the queue's next attempt (on a
/// new connection) carries the file.
#[test]
fn a_third_425_is_left_to_the_queue_s_retry() {
    let server = FaultyServer::start();
    server.add_folder("/dir");
    let bytes = ferry::demo::pseudo_random_bytes(50_000, 8);
    server.add_file("/dir/a.bin", bytes.clone());
    server.set_faults(Faults {
        refuse_data: 3,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let remote = format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port);
    let run = ferry(&["get", &remote, dir.path().to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let what = format!("{:?}", server.commands());
    assert_eq!(server.fired(), 3, "{what}");
    assert_eq!(server.count("RETR"), 4, "{what}");
    assert_eq!(server.count("USER"), 2, "{what}");
    assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), bytes);
}

/// A refused data command ends the REST before it: the download that resumes sends its offset
/// again before asking again, and the file is byte-exact (from the start, the bytes would land
/// at the offset and the size check would fail).
#[test]
fn a_resume_refused_once_sends_its_offset_again() {
    let server = FaultyServer::start();
    server.add_folder("/dir");
    let bytes = ferry::demo::pseudo_random_bytes(3_000_000, 9);
    server.add_file("/dir/a.bin", bytes.clone());
    server.set_faults(Faults {
        cut_data_once: Some(1_500_000),
        refuse_data_after_rest: 1,
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let remote = format!("ftp://u@127.0.0.1:{}/dir/a.bin", server.port);
    let run = ferry(&[
        "get",
        "--segments",
        "1",
        &remote,
        dir.path().to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let commands = server.commands();
    let what = format!("{commands:?}");
    assert_eq!(server.fired(), 1, "{what}");
    assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), bytes);
    // Each RETR after the first has its own REST since the RETR before it.
    let retrs: Vec<usize> = commands
        .iter()
        .enumerate()
        .filter(|(_, c)| c.starts_with("RETR"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(retrs.len(), 3, "{what}");
    for pair in retrs.windows(2) {
        assert!(
            commands[pair[0]..pair[1]]
                .iter()
                .any(|c| c.starts_with("REST ")),
            "no REST between {} and {}: {what}",
            pair[0],
            pair[1]
        );
    }
}
