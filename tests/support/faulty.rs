//! A small FTP server of our own, for the faults real servers don't produce on request: a data
//! connection cut mid-file, a control connection dropped or answered with 421 mid-transfer,
//! REST accepted but ignored, REST refused, a wrong digest, hostile names in a listing. Files live
//! in memory, keyed by their exact path, so a listing can name `../../x` and serve it too.
//!
//! Every connection runs on its own thread, and every read has a time limit.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const READ_LIMIT: Duration = Duration::from_secs(30);

/// Faults to inject; each "once" fault fires on the next RETR and then clears itself.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Send this many bytes of the next RETR, then cut the data connection (426).
    pub cut_data_once: Option<usize>,
    /// Close the control connection (no reply) when the next RETR has sent this many bytes.
    pub drop_control_once: Option<usize>,
    /// Answer the next RETR with 421 and hang up.
    pub reply_421_once: bool,
    /// Say 350 to REST, then send the file from its start anyway.
    pub ignore_rest: bool,
    /// Refuse REST (502).
    pub refuse_rest: bool,
    /// Offer XSHA256 and answer it with a wrong digest.
    pub wrong_digest: bool,
    /// Answer the next command with this verb (`CWD`, `NOOP`...) with 421 and hang up.
    pub hang_up_on: Option<&'static str>,
    /// Keep `hang_up_on` after it fired: a server that cannot keep a session.
    pub keep_hanging_up: bool,
    /// Send the next listing cut off in the middle of a line, and still say 226 (what a data
    /// connection dropped with a FIN looks like, after the server wrote everything).
    pub cut_listing_once: bool,
    /// Answer every command with this verb with these raw bytes (garbage, odd codes) instead.
    pub odd_replies: Vec<(&'static str, &'static str)>,
    /// Answer the next this many RETR and STOR with "425 ... Address already in use" (a server
    /// out of passive ports), forgetting a REST before them as real servers do.
    pub refuse_data: usize,
    /// The same, only for a RETR or STOR that a REST came before.
    pub refuse_data_after_rest: usize,
    /// Connections that fail at a chosen point.
    pub fail_at: Vec<FailAt>,
    /// Hold every RETR's data until one of `fail_at` has come to pass: the other connections
    /// can't finish the file before the failing one has had its turn.
    pub hold_data_until_fired: bool,
    /// How many of `fail_at` came to pass (a test checks its faults were not all missed).
    pub fired: usize,
    /// A RETR from the file's first byte sends at this many bytes a second at most, the others
    /// at loopback speed: a split download whose first range's connection is slow.
    pub slow_from_first_byte: Option<usize>,
    /// The next RETR sends its first `.0` bytes at loopback speed and the rest at `.1` bytes a
    /// second: a fast connection whose pace falls.
    pub slow_down_once: Option<(usize, usize)>,
}

/// A connection failing at a chosen point: at a command of the `connection`-th control
/// connection (0-based, in the order they came). On a data command (LIST, RETR, STOR) the
/// failure comes in the middle of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailAt {
    pub connection: usize,
    pub at: FailPoint,
    pub how: FailHow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// The n-th command of the connection (1-based).
    Command(usize),
    /// The first command with this verb.
    Verb(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailHow {
    /// `421 ... closing control connection`, then the connection closes.
    Reply421,
    /// The connection is reset (RST), without a word.
    Reset,
    /// No answer, ever: the connection stays open and silent until the client gives up (or
    /// the read limit passes).
    Silence,
}

/// Fails the connection as `how` says (the data connection too, when there is one); the caller
/// then returns, closing them.
fn fail(
    out: &mut TcpStream,
    data: Option<&TcpStream>,
    how: FailHow,
    faults: &Mutex<Faults>,
) -> std::io::Result<()> {
    faults.lock().unwrap().fired += 1;
    match how {
        FailHow::Reply421 => {
            out.write_all(b"421 Service not available, closing control connection.\r\n")?;
        }
        FailHow::Reset => {
            // SO_LINGER 0: the close that follows sends RST instead of FIN.
            for stream in std::iter::once(&*out).chain(data) {
                let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
            }
        }
        FailHow::Silence => {
            // Read (and ignore) until the client closes; the read limit bounds the wait.
            let mut ignored = [0u8; 512];
            while matches!(out.read(&mut ignored), Ok(n) if n > 0) {}
        }
    }
    Ok(())
}

#[derive(Default)]
struct Disk {
    files: BTreeMap<String, Vec<u8>>,
    folders: std::collections::BTreeSet<String>,
    /// Raw listing lines served for a folder instead of what it holds.
    listings: BTreeMap<String, Vec<String>>,
}

pub struct FaultyServer {
    pub port: u16,
    disk: Arc<Mutex<Disk>>,
    pub faults: Arc<Mutex<Faults>>,
    /// Every command line received, on every connection.
    pub commands: Arc<Mutex<Vec<String>>>,
}

impl FaultyServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let disk = Arc::new(Mutex::new(Disk::default()));
        disk.lock().unwrap().folders.insert("/".into());
        let faults = Arc::new(Mutex::new(Faults::default()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let (d, f, c) = (disk.clone(), faults.clone(), commands.clone());
        std::thread::spawn(move || {
            // Bounded: a test makes a handful of connections.
            for (index, stream) in listener.incoming().take(200).flatten().enumerate() {
                let (d, f, c) = (d.clone(), f.clone(), c.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, index, d, f, c);
                });
            }
        });
        Self {
            port,
            disk,
            faults,
            commands,
        }
    }

    /// A session on this server (it takes any user and password).
    pub fn request(&self) -> ferry::engine::ConnectRequest {
        super::request_to(
            self.port,
            ferry::engine::Login::Normal {
                user: "u".into(),
                password: ferry::store::secret::Secret::new("p"),
            },
        )
    }

    pub fn add_file(&self, path: &str, bytes: Vec<u8>) {
        let mut disk = self.disk.lock().unwrap();
        let mut parent = parent_of(path);
        while parent != "/" {
            disk.folders.insert(parent.clone());
            parent = parent_of(&parent);
        }
        disk.files.insert(path.to_owned(), bytes);
    }

    pub fn add_folder(&self, path: &str) {
        self.disk.lock().unwrap().folders.insert(path.to_owned());
    }

    /// Serve these LIST lines for `folder`.
    pub fn set_listing(&self, folder: &str, lines: &[&str]) {
        let mut disk = self.disk.lock().unwrap();
        disk.folders.insert(folder.to_owned());
        disk.listings.insert(
            folder.to_owned(),
            lines.iter().map(|l| l.to_string()).collect(),
        );
    }

    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.disk.lock().unwrap().files.get(path).cloned()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.faults.lock().unwrap() = faults;
    }

    /// How many of the chosen failures happened.
    pub fn fired(&self) -> usize {
        self.faults.lock().unwrap().fired
    }

    /// Every command received, in order, over all connections.
    #[allow(dead_code)]
    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }

    pub fn count(&self, verb: &str) -> usize {
        self.commands
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.to_ascii_uppercase().starts_with(verb))
            .count()
    }
}

fn parent_of(path: &str) -> String {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/".into(),
        Some((parent, _)) => parent.into(),
    }
}

fn resolve(cwd: &str, arg: &str) -> String {
    let joined = if arg.starts_with('/') {
        arg.to_owned()
    } else if cwd == "/" {
        format!("/{arg}")
    } else {
        format!("{cwd}/{arg}")
    };
    if joined.len() > 1 {
        joined.trim_end_matches('/').to_owned()
    } else {
        joined
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `body`, at `pace` bytes a second at most (when given): 16 KiB, then a pause.
fn write_at_pace(data: &mut TcpStream, body: &[u8], pace: Option<usize>) -> std::io::Result<()> {
    const PIECE: usize = 16 * 1024;
    let Some(pace) = pace else {
        return data.write_all(body);
    };
    for piece in body.chunks(PIECE) {
        data.write_all(piece)?;
        std::thread::sleep(Duration::from_secs_f64(piece.len() as f64 / pace as f64));
    }
    Ok(())
}

fn serve(
    stream: TcpStream,
    index: usize,
    disk: Arc<Mutex<Disk>>,
    faults: Arc<Mutex<Faults>>,
    log: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(READ_LIMIT))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut cwd = "/".to_owned();
    let mut rest = 0usize;
    let mut passive: Option<TcpListener> = None;
    let mut count = 0;
    out.write_all(b"220 faulty test server\r\n")?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end().to_owned();
        log.lock().unwrap().push(line.clone());
        let (verb, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let verb = verb.to_ascii_uppercase();
        count += 1;
        let fail_now = faults
            .lock()
            .unwrap()
            .fail_at
            .iter()
            .find(|f| {
                f.connection == index
                    && match f.at {
                        FailPoint::Command(n) => n == count,
                        FailPoint::Verb(wanted) => wanted == verb,
                    }
            })
            .map(|f| f.how);
        let data_command = matches!(verb.as_str(), "LIST" | "NLST" | "RETR" | "STOR" | "APPE");
        // A data command fails in the middle of its data (below); any other at once.
        let fail_mid_data =
            fail_now.filter(|how| *how != FailHow::Silence && data_command && passive.is_some());
        if let Some(how) = fail_now.filter(|_| fail_mid_data.is_none()) {
            return fail(&mut out, None, how, &faults);
        }
        {
            let mut faults = faults.lock().unwrap();
            if faults.hang_up_on == Some(verb.as_str()) {
                if !faults.keep_hanging_up {
                    faults.hang_up_on = None;
                }
                out.write_all(b"421 Timeout, closing control connection.\r\n")?;
                return Ok(());
            }
        }
        let odd = faults
            .lock()
            .unwrap()
            .odd_replies
            .iter()
            .find(|(odd_verb, _)| *odd_verb == verb)
            .map(|(_, raw)| *raw);
        if let Some(raw) = odd {
            out.write_all(raw.as_bytes())?;
            continue;
        }
        let reply: String = match verb.as_str() {
            "USER" => "331 password please".into(),
            "PASS" => "230 logged in".into(),
            "SYST" => "215 UNIX Type: L8".into(),
            "FEAT" => {
                let mut feat =
                    "211-Features:\r\n EPSV\r\n SIZE\r\n MDTM\r\n REST STREAM\r\n".to_owned();
                if faults.lock().unwrap().wrong_digest {
                    feat.push_str(" XSHA256\r\n");
                }
                feat.push_str("211 End");
                feat
            }
            "OPTS" | "TYPE" | "NOOP" => "200 ok".into(),
            "PWD" => format!("257 \"{cwd}\""),
            "CWD" | "CDUP" => {
                let target = if verb == "CDUP" {
                    parent_of(&cwd)
                } else {
                    resolve(&cwd, arg)
                };
                if disk.lock().unwrap().folders.contains(&target) {
                    cwd = target;
                    "250 ok".into()
                } else {
                    "550 no such folder".into()
                }
            }
            "EPSV" => {
                let listener = TcpListener::bind("127.0.0.1:0")?;
                let port = listener.local_addr()?.port();
                passive = Some(listener);
                format!("229 Entering Extended Passive Mode (|||{port}|)")
            }
            "SIZE" => match disk.lock().unwrap().files.get(&resolve(&cwd, arg)) {
                Some(bytes) => format!("213 {}", bytes.len()),
                None => "550 no such file".into(),
            },
            "MDTM" => match disk.lock().unwrap().files.contains_key(&resolve(&cwd, arg)) {
                true => "213 20250102030405".into(),
                false => "550 no such file".into(),
            },
            "XSHA256" => match disk.lock().unwrap().files.get(&resolve(&cwd, arg)) {
                Some(bytes) => format!("250 {}", sha256_hex(&[bytes.as_slice(), b"x"].concat())),
                None => "550 no such file".into(),
            },
            "REST" => {
                if faults.lock().unwrap().refuse_rest {
                    "502 REST not implemented".into()
                } else {
                    rest = arg.parse().unwrap_or(0);
                    format!("350 restarting at {rest}")
                }
            }
            "LIST" | "NLST" => {
                let Some(listener) = passive.take() else {
                    out.write_all(b"425 use EPSV first\r\n")?;
                    continue;
                };
                let mut text = listing(&disk.lock().unwrap(), &cwd);
                if std::mem::take(&mut faults.lock().unwrap().cut_listing_once) {
                    text.truncate(text.len().saturating_sub(7));
                }
                out.write_all(b"150 here it comes\r\n")?;
                let mut data = accept(&listener)?;
                if let Some(how) = fail_mid_data {
                    let _ = data.write_all(&text.as_bytes()[..text.len() / 2]);
                    return fail(&mut out, Some(&data), how, &faults);
                }
                data.write_all(text.as_bytes())?;
                drop(data);
                "226 done".into()
            }
            "RETR" => {
                let Some(listener) = passive.take() else {
                    out.write_all(b"425 use EPSV first\r\n")?;
                    continue;
                };
                if refuse_data(&faults, &mut rest) {
                    drop(listener);
                    out.write_all(REFUSED_DATA)?;
                    continue;
                }
                let Some(bytes) = disk.lock().unwrap().files.get(&resolve(&cwd, arg)).cloned()
                else {
                    out.write_all(b"550 no such file\r\n")?;
                    continue;
                };
                let mut fault = faults.lock().unwrap();
                if fault.reply_421_once {
                    fault.reply_421_once = false;
                    out.write_all(b"421 service closing\r\n")?;
                    return Ok(());
                }
                let start = if fault.ignore_rest {
                    0
                } else {
                    rest.min(bytes.len())
                };
                rest = 0;
                let cut = fault.cut_data_once.take();
                let drop_control = fault.drop_control_once.take();
                let slow_down = fault.slow_down_once.take();
                let pace = fault
                    .slow_from_first_byte
                    .filter(|_| start == 0)
                    .map(|pace| pace.max(1));
                let hold = fault.hold_data_until_fired && fault.fired == 0;
                drop(fault);
                out.write_all(b"150 sending\r\n")?;
                let mut data = accept(&listener)?;
                if hold {
                    // Looked at every 10 ms, for at most the read limit.
                    let looks = READ_LIMIT.as_millis() / 10;
                    for _ in 0..looks {
                        if faults.lock().unwrap().fired > 0 {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                let body = &bytes[start..];
                if let Some(how) = fail_mid_data {
                    let _ = data.write_all(&body[..body.len() / 2]);
                    return fail(&mut out, Some(&data), how, &faults);
                }
                if let Some(limit) = drop_control {
                    let _ = data.write_all(&body[..limit.min(body.len())]);
                    // Hang up everything at once, as a crashed server would.
                    return Ok(());
                }
                match cut {
                    Some(limit) => {
                        let _ = data.write_all(&body[..limit.min(body.len())]);
                        drop(data);
                        "426 connection closed; transfer aborted".into()
                    }
                    // A client that stops reading (a range of a split download is done)
                    // closes the data connection: 426, as real servers say, and the session
                    // goes on.
                    None => {
                        let sent = match slow_down {
                            Some((fast, slow_pace)) => {
                                let (first, rest) = body.split_at(fast.min(body.len()));
                                data.write_all(first).and_then(|()| {
                                    write_at_pace(&mut data, rest, Some(slow_pace.max(1)))
                                })
                            }
                            None => write_at_pace(&mut data, body, pace),
                        };
                        match sent {
                            Ok(()) => "226 done".into(),
                            Err(_) => "426 data connection closed by the client".into(),
                        }
                    }
                }
            }
            "STOR" | "APPE" => {
                let Some(listener) = passive.take() else {
                    out.write_all(b"425 use EPSV first\r\n")?;
                    continue;
                };
                if refuse_data(&faults, &mut rest) {
                    drop(listener);
                    out.write_all(REFUSED_DATA)?;
                    continue;
                }
                let path = resolve(&cwd, arg);
                out.write_all(b"150 send it\r\n")?;
                let mut data = accept(&listener)?;
                let mut received = Vec::new();
                if let Some(how) = fail_mid_data {
                    // Part of the file arrives and is stored, as a real server keeps it.
                    let mut some = vec![0u8; 4096];
                    let n = data.read(&mut some).unwrap_or(0);
                    let mut disk = disk.lock().unwrap();
                    let file = disk.files.entry(path).or_default();
                    file.truncate(rest);
                    file.extend_from_slice(&some[..n]);
                    drop(disk);
                    return fail(&mut out, Some(&data), how, &faults);
                }
                data.read_to_end(&mut received)?;
                let mut disk = disk.lock().unwrap();
                let file = disk.files.entry(path).or_default();
                if verb == "APPE" {
                    file.extend_from_slice(&received);
                } else {
                    file.truncate(rest);
                    file.extend_from_slice(&received);
                }
                rest = 0;
                "226 stored".into()
            }
            "MKD" => {
                disk.lock().unwrap().folders.insert(resolve(&cwd, arg));
                "257 created".into()
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => "502 not implemented".into(),
        };
        out.write_all(reply.as_bytes())?;
        out.write_all(b"\r\n")?;
    }
}

const REFUSED_DATA: &[u8] =
    b"425 Unable to identify the local data socket: Address already in use\r\n";

/// Whether this data command is refused (see `Faults::refuse_data`); a refused one ends the
/// REST before it.
fn refuse_data(faults: &Mutex<Faults>, rest: &mut usize) -> bool {
    let mut faults = faults.lock().unwrap();
    let refused = if faults.refuse_data > 0 {
        faults.refuse_data -= 1;
        true
    } else if faults.refuse_data_after_rest > 0 && *rest > 0 {
        faults.refuse_data_after_rest -= 1;
        true
    } else {
        false
    };
    if refused {
        faults.fired += 1;
        *rest = 0;
    }
    refused
}

fn accept(listener: &TcpListener) -> std::io::Result<TcpStream> {
    listener.set_nonblocking(false)?;
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(READ_LIMIT))?;
    Ok(stream)
}

/// Unix `ls -l` lines for a folder: its planted lines, or its files and subfolders.
fn listing(disk: &Disk, folder: &str) -> String {
    if let Some(lines) = disk.listings.get(folder) {
        return lines.iter().map(|l| format!("{l}\r\n")).collect();
    }
    let mut text = String::new();
    let prefix = if folder == "/" {
        "/".to_owned()
    } else {
        format!("{folder}/")
    };
    for sub in &disk.folders {
        if let Some(name) = sub.strip_prefix(&prefix)
            && !name.is_empty()
            && !name.contains('/')
        {
            text.push_str(&format!("drwxr-xr-x 2 0 0 4096 Jan 02 2025 {name}\r\n"));
        }
    }
    for (path, bytes) in &disk.files {
        if let Some(name) = path.strip_prefix(&prefix)
            && !name.contains('/')
        {
            text.push_str(&format!(
                "-rw-r--r-- 1 0 0 {} Jan 02 2025 {name}\r\n",
                bytes.len()
            ));
        }
    }
    text
}
