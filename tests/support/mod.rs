//! Shared test helpers: the embedded server with a sample tree, a scripted misbehaving server, and
//! bounded waits on the engine's events.

#![allow(dead_code)]

pub mod fault_proxy;
pub mod faulty;
pub mod queue;
pub mod scripted;

use std::path::Path;
use std::time::{Duration, Instant};

/// Where a download that continues `have` bytes of a partial file asks the server to start:
/// its last 64 KiB come again and are compared with the file's (src/engine/transfer/download.rs,
/// `RESUME_OVERLAP`). At 0 no REST is sent.
pub fn continued_from(have: u64) -> u64 {
    have.saturating_sub(64 * 1024)
}

/// The REST that continuing `have` bytes sends, or `None` when it starts at byte 0 (no REST).
pub fn rest_for(have: u64) -> Option<String> {
    Some(continued_from(have))
        .filter(|&at| at > 0)
        .map(|at| format!("REST {at}"))
}

use ferry::demo::{DemoServer, ServerOptions};
use ferry::engine::{ConnectRequest, DataMode, Event, EventReceiver, Login, Timeouts};
use ferry::store::secret::Secret;

pub const USER: &str = "tester";
pub const PASSWORD: &str = "s3cret-pass";

/// Every wait in a test ends: long enough for a loaded CI machine, short enough to fail a hang.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The embedded server (libunftp) over a fresh copy of the demo tree, with one account.
pub struct TestServer {
    pub server: DemoServer,
    pub root: tempfile::TempDir,
    /// The self-signed certificate's DER bytes and where its files are, for a TLS server.
    pub certificate: Option<(Vec<u8>, tempfile::TempDir)>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    /// The server with its options changed by `change` first.
    pub fn start_with(change: impl FnOnce(&mut ServerOptions)) -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        ferry::demo::create_sample_tree(root.path()).expect("sample tree");
        let mut options = ServerOptions::new(root.path()).with_account(USER, PASSWORD);
        change(&mut options);
        let server = DemoServer::start(options).expect("embedded server");
        Self {
            server,
            root,
            certificate: None,
        }
    }

    /// The same server offering explicit TLS with a fresh self-signed certificate for
    /// 127.0.0.1, which no OS trusts: what a person meets on many small servers.
    pub fn start_tls() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        ferry::demo::create_sample_tree(root.path()).expect("sample tree");
        let files = tempfile::tempdir().expect("temp dir");
        let generated =
            rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
                .expect("self-signed certificate");
        let certificate = files.path().join("cert.pem");
        let key = files.path().join("key.pem");
        std::fs::write(&certificate, generated.cert.pem()).expect("write cert");
        std::fs::write(&key, generated.signing_key.serialize_pem()).expect("write key");
        let mut options = ServerOptions::new(root.path()).with_account(USER, PASSWORD);
        options.tls = Some((certificate, key));
        let server = DemoServer::start(options).expect("embedded server");
        Self {
            server,
            root,
            certificate: Some((generated.cert.der().to_vec(), files)),
        }
    }

    pub fn fingerprint(&self) -> ferry::engine::tls::Fingerprint {
        let (der, _) = self.certificate.as_ref().expect("a TLS server");
        ferry::engine::tls::fingerprint(der)
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    pub fn url(&self) -> String {
        format!("ftp://{USER}@127.0.0.1:{}", self.port())
    }

    pub fn request(&self, password: &str) -> ConnectRequest {
        request_to(
            self.port(),
            Login::Normal {
                user: USER.into(),
                password: Secret::new(password),
            },
        )
    }
}

pub fn request_to(port: u16, login: Login) -> ConnectRequest {
    ConnectRequest {
        encoding: Default::default(),
        server_offset_minutes: 0,
        host: "127.0.0.1".into(),
        port,
        login,
        data_mode: DataMode::Passive,
        initial_path: None,
        list_start: true,
        tls: ferry::engine::TlsOptions {
            mode: ferry::engine::TlsMode::Plain,
            ..Default::default()
        },
        timeouts: Timeouts {
            connect: Duration::from_secs(10),
            command: Duration::from_secs(10),
            keep_alive: None,
            // Short pauses before logging in again: the faults in these tests are on purpose.
            retry_delay: Duration::from_millis(50),
        },
        transfer_type: None,
    }
}

/// Collects events until `done` says so, or the patience runs out (then panics with what came).
pub fn collect_until(events: &EventReceiver, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) => {
                let stop = done(&event);
                seen.push(event);
                if stop {
                    return seen;
                }
            }
            Err(e) => panic!("no matching event ({e}); got: {seen:#?}"),
        }
    }
}

pub fn log_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Log(line) => Some(line.to_text()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file under `root`, by its path relative to `root` (`/`-separated), with its bytes.
pub fn files_under(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut waiting = vec![root.to_path_buf()];
    while let Some(folder) = waiting.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                waiting.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.insert(
                    relative.to_string_lossy().replace('\\', "/"),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    found
}
