//! A misbehaving server made of a real one: a TCP proxy in front of any FTP server that passes
//! the conversation through, rewrites the passive-mode replies (PASV and EPSV) so that data
//! connections come through it too, and then drops some of those data connections in the middle
//! (with a FIN, or with a RST), and can "restart": every connection closed at once, new ones
//! refused for a while. The faults are chosen by a seeded generator.
//!
//! Plain FTP only (it has to read the replies). Every socket has a read limit, so no thread
//! waits forever; threads end with their connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const READ_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
pub struct ProxyOptions {
    pub upstream: SocketAddr,
    /// Data connections dropped, per thousand.
    pub drop_per_mille: u64,
    pub seed: u64,
}

/// What the proxy did, for the report.
#[derive(Debug, Default)]
pub struct ProxyStats {
    pub control_connections: AtomicU64,
    pub data_connections: AtomicU64,
    pub dropped_with_fin: AtomicU64,
    pub dropped_with_rst: AtomicU64,
    pub restarts: AtomicU64,
    /// Connections turned away while "restarting".
    pub refused: AtomicU64,
}

struct Shared {
    options: ProxyOptions,
    stats: ProxyStats,
    rng: Mutex<u64>,
    /// Every socket open now, to close them all on a restart.
    open: Mutex<Vec<TcpStream>>,
    refusing_until: Mutex<Option<Instant>>,
    stopped: AtomicBool,
}

impl Shared {
    fn random(&self) -> u64 {
        let mut state = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        // xorshift64*
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn track(&self, stream: &TcpStream) {
        if let Ok(copy) = stream.try_clone() {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            // Forget closed ones now and then, so the list stays small.
            if open.len() > 256 {
                open.retain(|s| s.peer_addr().is_ok());
            }
            open.push(copy);
        }
    }

    fn refusing(&self) -> bool {
        let until = self
            .refusing_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        until.is_some_and(|t| Instant::now() < t)
    }
}

pub struct FaultProxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl FaultProxy {
    pub fn start(options: ProxyOptions) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared {
            options,
            stats: ProxyStats::default(),
            rng: Mutex::new(options.seed.max(1)),
            open: Mutex::new(Vec::new()),
            refusing_until: Mutex::new(None),
            stopped: AtomicBool::new(false),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stopped.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = client else { continue };
                if accepting.refusing() {
                    accepting.stats.refused.fetch_add(1, Ordering::Relaxed);
                    drop(client);
                    continue;
                }
                let shared = accepting.clone();
                std::thread::spawn(move || {
                    let _ = control(client, &shared);
                });
            }
        });
        Self { port, shared }
    }

    pub fn stats(&self) -> &ProxyStats {
        &self.shared.stats
    }

    /// As a server restarting: every connection closed now, new ones refused for `down_for`.
    pub fn restart(&self, down_for: Duration) {
        *self
            .shared
            .refusing_until
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + down_for);
        let open = std::mem::take(&mut *self.shared.open.lock().unwrap_or_else(|p| p.into_inner()));
        for stream in open {
            let _ = stream.shutdown(Shutdown::Both);
        }
        self.shared.stats.restarts.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One control connection: commands pass as they are; replies pass line by line, passive-mode
/// ones pointed at a relay of the proxy's own.
fn control(client: TcpStream, shared: &Arc<Shared>) -> std::io::Result<()> {
    shared
        .stats
        .control_connections
        .fetch_add(1, Ordering::Relaxed);
    let server = TcpStream::connect_timeout(&shared.options.upstream, READ_LIMIT)?;
    for stream in [&client, &server] {
        stream.set_read_timeout(Some(READ_LIMIT))?;
        shared.track(stream);
    }
    let (mut to_server, mut from_client) = (server.try_clone()?, client.try_clone()?);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_server);
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let mut to_client = client;
    let mut replies = BufReader::new(server);
    let mut line = Vec::new();
    loop {
        line.clear();
        if replies.read_until(b'\n', &mut line)? == 0 {
            let _ = to_client.shutdown(Shutdown::Both);
            return Ok(());
        }
        let rewritten = passive_reply(&line, shared)?;
        to_client.write_all(rewritten.as_deref().unwrap_or(&line))?;
    }
}

/// `227 ... (h1,h2,h3,h4,p1,p2)` or `229 ... (|||port|)`: a relay to that port, and the reply
/// naming the relay instead.
fn passive_reply(line: &[u8], shared: &Arc<Shared>) -> std::io::Result<Option<Vec<u8>>> {
    let text = String::from_utf8_lossy(line);
    let upstream_ip = shared.options.upstream.ip();
    let target = if text.starts_with("227 ") {
        let inside = text
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(inside, _)| inside);
        let numbers: Vec<u16> = inside
            .unwrap_or("")
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect();
        match numbers.as_slice() {
            [_, _, _, _, high, low] => Some(SocketAddr::new(upstream_ip, high * 256 + low)),
            _ => None,
        }
    } else if text.starts_with("229 ") {
        text.split("|||")
            .nth(1)
            .and_then(|rest| rest.split('|').next())
            .and_then(|port| port.parse().ok())
            .map(|port| SocketAddr::new(upstream_ip, port))
    } else {
        None
    };
    let Some(target) = target else {
        return Ok(None);
    };
    let relay = TcpListener::bind("127.0.0.1:0")?;
    let port = relay.local_addr()?.port();
    let shared = shared.clone();
    std::thread::spawn(move || {
        let _ = relay_one(relay, target, &shared);
    });
    let reply = if text.starts_with("227 ") {
        format!(
            "227 Entering Passive Mode (127,0,0,1,{},{})\r\n",
            port / 256,
            port % 256
        )
    } else {
        format!("229 Entering Extended Passive Mode (|||{port}|)\r\n")
    };
    Ok(Some(reply.into_bytes()))
}

/// How a data connection ends early, if it does.
#[derive(Debug, Clone, Copy)]
enum Fault {
    Fin,
    Rst,
}

/// Relays the one data connection that comes to `relay`, maybe cutting it after some bytes.
fn relay_one(relay: TcpListener, target: SocketAddr, shared: &Arc<Shared>) -> std::io::Result<()> {
    relay.set_nonblocking(true)?;
    let deadline = Instant::now() + READ_LIMIT;
    let client = loop {
        match relay.accept() {
            Ok((client, _)) => break client,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(e),
        }
    };
    client.set_nonblocking(false)?;
    let server = TcpStream::connect_timeout(&target, READ_LIMIT)?;
    for stream in [&client, &server] {
        stream.set_read_timeout(Some(READ_LIMIT))?;
        shared.track(stream);
    }
    shared
        .stats
        .data_connections
        .fetch_add(1, Ordering::Relaxed);
    let fault = (shared.random() % 1000 < shared.options.drop_per_mille).then(|| {
        if shared.random().is_multiple_of(2) {
            Fault::Fin
        } else {
            Fault::Rst
        }
    });
    // Where in the first chunk that moves the cut comes, as a fraction: small files (one
    // chunk) are cut as surely as big ones (early).
    let cut_at = shared.random() % 1000;
    let cut_done = Arc::new(AtomicBool::new(false));
    let pump = |mut from: TcpStream, mut to: TcpStream, cut_done: Arc<AtomicBool>| {
        move || -> std::io::Result<()> {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let n = from.read(&mut buffer)?;
                if n == 0 {
                    let _ = to.shutdown(Shutdown::Write);
                    return Ok(());
                }
                if let Some(mode) = fault
                    && !cut_done.swap(true, Ordering::Relaxed)
                {
                    let keep = detectable_cut(&buffer[..n], (n as u64 * cut_at / 1000) as usize);
                    let _ = to.write_all(&buffer[..keep]);
                    return Err(cut(&from, &to, mode));
                }
                to.write_all(&buffer[..n])?;
            }
        }
    };
    let upload = std::thread::spawn(pump(
        client.try_clone()?,
        server.try_clone()?,
        cut_done.clone(),
    ));
    // Ends when the data does (or the cut); the upload pump ends with its socket.
    let _ = pump(server, client, cut_done.clone())();
    let _ = upload.join();
    if let Some(mode) = fault
        && cut_done.load(Ordering::Relaxed)
    {
        let counter = match mode {
            Fault::Fin => &shared.stats.dropped_with_fin,
            Fault::Rst => &shared.stats.dropped_with_rst,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Where a cut after `keep` of `chunk`'s bytes goes so that a client can tell it from a whole
/// transfer. A file cut anywhere is short of its listed size. A listing has no length: cut
/// after nothing or right after a line end, with the server's success reply (it had already
/// handed all its bytes to the proxy), it is a whole listing of fewer entries, which no FTP
/// client can tell apart (seen in CI: a recursive download missed one file). A connection a
/// network really drops leaves no such reply, so the cut moves to the nearest byte that leaves
/// a line unfinished.
pub fn detectable_cut(chunk: &[u8], keep: usize) -> usize {
    let unfinished = |at: &usize| *at > 0 && chunk[*at - 1] != b'\n';
    (keep..=chunk.len())
        .find(unfinished)
        .or_else(|| (0..keep).rev().find(unfinished))
        .unwrap_or(keep)
}

/// Ends both sides of a relayed connection the way `mode` says; returns the error that stops
/// the pump.
fn cut(a: &TcpStream, b: &TcpStream, mode: Fault) -> std::io::Error {
    for stream in [a, b] {
        match mode {
            // SO_LINGER 0: closing sends RST instead of FIN.
            Fault::Rst => {
                let _ = socket_linger_zero(stream);
                let _ = stream.shutdown(Shutdown::Both);
            }
            Fault::Fin => {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
    std::io::Error::other(format!("cut with {mode:?}"))
}

fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO))
}
