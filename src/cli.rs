//! The headless face: `ferry info|ls ...`. It drives the same engine as the window, so anything
//! the GUI can do to a server can be scripted, tested and benchmarked.

use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::{
    Command, ConnectRequest, DataMode, DirListing, Engine, Event, EventReceiver, Failure,
    FailureKind, LogLine, Login, ServerInfo, Timeouts,
};
use crate::protocol::listing::{Entry, EntryKind, Listing, NameEncoding};
use crate::protocol::url::{FtpUrl, parse_url};
use crate::store::secret::Secret;

/// Exit codes, so scripts can tell failures apart.
pub mod exit {
    pub const OK: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONNECT: u8 = 3;
    pub const TIMEOUT: u8 = 4;
    pub const LOGIN: u8 = 5;
    pub const REMOTE: u8 = 6;
}

/// Options every CLI command shares.
#[derive(Debug, Clone)]
pub struct CliOptions {
    pub timeouts: Timeouts,
    pub data_mode: DataMode,
    /// Print the command/reply transcript on stderr.
    pub verbose: bool,
    pub encoding: NameEncoding,
}

/// An error worth one line on stderr, and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }
}

impl From<Failure> for CliError {
    fn from(failure: Failure) -> Self {
        let code = match failure.kind {
            FailureKind::Connect => exit::CONNECT,
            FailureKind::Timeout => exit::TIMEOUT,
            FailureKind::Login => exit::LOGIN,
            FailureKind::Remote => exit::REMOTE,
            FailureKind::Protocol => exit::OTHER,
        };
        Self {
            code,
            message: failure.message,
        }
    }
}

pub fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(error) => {
            eprintln!("ferry: {}", error.message);
            ExitCode::from(error.code)
        }
    }
}

/// Builds the engine's connect request from a URL. The password comes from the URL or, better
/// (it stays out of `ps` and shell history), from `FERRY_PASSWORD`.
pub fn connect_request(url_text: &str, options: &CliOptions) -> Result<ConnectRequest, CliError> {
    let url: FtpUrl = parse_url(url_text).map_err(|e| CliError::usage(e.to_string()))?;
    let login = match url.user.as_deref() {
        None | Some("anonymous") | Some("ftp") => Login::Anonymous,
        Some(user) => {
            let password = url
                .password
                .clone()
                .or_else(|| std::env::var("FERRY_PASSWORD").ok())
                .unwrap_or_default();
            Login::Normal {
                user: user.to_owned(),
                password: Secret::new(password),
            }
        }
    };
    Ok(ConnectRequest {
        encoding: options.encoding,
        server_offset_minutes: 0,
        host: url.host,
        port: url.port,
        login,
        data_mode: options.data_mode,
        initial_path: url.path,
        timeouts: options.timeouts,
    })
}

/// A connected engine for one CLI command.
struct Connection {
    engine: crate::engine::EngineHandle,
    events: EventReceiver,
    verbose: bool,
    /// Bounds every wait: nothing the CLI does may hang, whatever the server does.
    patience: Duration,
}

impl Connection {
    fn open(request: ConnectRequest, verbose: bool) -> Result<Self, CliError> {
        let (engine, events) = Engine::start(None).map_err(|e| CliError {
            code: exit::OTHER,
            message: format!("could not start the engine: {e}"),
        })?;
        let timeouts = request.timeouts;
        engine.send(Command::Connect(request));
        Ok(Self {
            engine,
            events,
            verbose,
            patience: timeouts.connect + timeouts.command * 4,
        })
    }

    /// Waits for the next event that matters, printing the transcript when asked.
    fn next(&self) -> Result<Event, CliError> {
        let deadline = Instant::now() + self.patience;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Log(line)) => self.show_log(&line),
                Ok(Event::Disconnected {
                    reason: Some(failure),
                }) => return Err(failure.into()),
                Ok(Event::Disconnected { reason: None }) => {
                    return Err(CliError {
                        code: exit::OTHER,
                        message: "disconnected".into(),
                    });
                }
                Ok(Event::CommandFailed { failure, .. }) => return Err(failure.into()),
                Ok(event) => return Ok(event),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(CliError {
                        code: exit::TIMEOUT,
                        message: format!("no answer within {} s", self.patience.as_secs()),
                    });
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(CliError {
                        code: exit::OTHER,
                        message: "the engine stopped".into(),
                    });
                }
            }
        }
    }

    fn show_log(&self, line: &LogLine) {
        if self.verbose {
            eprintln!("{}", line.to_text());
        }
    }

    fn wait_connected(&self) -> Result<ServerInfo, CliError> {
        loop {
            if let Event::Connected(info) = self.next()? {
                return Ok(*info);
            }
        }
    }

    fn wait_listing(&self) -> Result<DirListing, CliError> {
        loop {
            if let Event::Listing(listing) = self.next()? {
                return Ok(*listing);
            }
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.engine.send(Command::Disconnect);
    }
}

/// `ferry info URL`: the greeting, the login message, SYST, FEAT and the current folder.
pub fn info(url: &str, options: &CliOptions) -> Result<(), CliError> {
    let request = connect_request(url, options)?;
    let names_folder = request.initial_path.is_some();
    let connection = Connection::open(request, options.verbose)?;
    let info = connection.wait_connected()?;
    // When the URL names a folder, report it once the engine has entered it.
    let cwd = if names_folder {
        connection.wait_listing()?.path
    } else {
        info.cwd.clone()
    };
    let mut out = std::io::stdout().lock();
    let mut print = || -> std::io::Result<()> {
        writeln!(out, "Server:   {}:{}", info.host, info.port)?;
        writeln!(out, "Greeting:")?;
        for line in &info.greeting {
            writeln!(out, "  {line}")?;
        }
        writeln!(out, "Login:")?;
        for line in &info.login_message {
            writeln!(out, "  {line}")?;
        }
        writeln!(
            out,
            "System:   {}",
            info.system.as_deref().unwrap_or("(not given)")
        )?;
        writeln!(out, "Features:")?;
        for feature in &info.features.lines {
            writeln!(out, "  {feature}")?;
        }
        writeln!(out, "Folder:   {cwd}")?;
        Ok(())
    };
    print().map_err(output_error)
}

/// `ferry ls [--json] URL`: the folder's entries, as `ls -l`-like lines or one JSON object each.
pub fn ls(url: &str, json: bool, options: &CliOptions) -> Result<(), CliError> {
    let connection = Connection::open(connect_request(url, options)?, options.verbose)?;
    let listing = connection.wait_listing()?.listing;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = if json {
        write_json(&mut out, &listing)
    } else {
        write_long(&mut out, &listing)
    };
    result.and_then(|()| out.flush()).map_err(output_error)?;
    if !listing.unparsed.is_empty() {
        eprintln!(
            "ferry: {} listing lines could not be read (see --verbose)",
            listing.unparsed.len()
        );
    }
    Ok(())
}

fn output_error(e: std::io::Error) -> CliError {
    CliError {
        code: exit::OTHER,
        message: format!("could not write the output: {e}"),
    }
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    name: &'a str,
    size: Option<u64>,
    modified: Option<String>,
    is_dir: bool,
    is_link: bool,
    target: Option<&'a str>,
    permissions: Option<&'a str>,
    raw: std::borrow::Cow<'a, str>,
}

fn write_json(out: &mut impl Write, listing: &Listing) -> std::io::Result<()> {
    for entry in &listing.entries {
        let target = match &entry.kind {
            EntryKind::Link { target } => target.as_deref(),
            _ => None,
        };
        let json = JsonEntry {
            name: &entry.name.text,
            size: entry.size,
            modified: entry
                .modified
                .map(|m| m.time.format("%Y-%m-%dT%H:%M:%S").to_string()),
            is_dir: entry.is_dir(),
            is_link: entry.is_link(),
            target,
            permissions: entry.permissions.as_deref(),
            raw: String::from_utf8_lossy(&entry.raw_line),
        };
        serde_json::to_writer(&mut *out, &json)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_long(out: &mut impl Write, listing: &Listing) -> std::io::Result<()> {
    for entry in &listing.entries {
        writeln!(out, "{}", long_line(entry))?;
    }
    Ok(())
}

fn long_line(entry: &Entry) -> String {
    let kind = match entry.kind {
        EntryKind::Dir => 'd',
        EntryKind::Link { .. } => 'l',
        EntryKind::File => '-',
        EntryKind::Other => '?',
    };
    let size = entry.size.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let modified = entry.modified.map_or_else(
        || "-".to_owned(),
        |m| m.time.format("%Y-%m-%d %H:%M").to_string(),
    );
    let mut line = format!(
        "{kind} {:<11} {size:>14}  {modified:<16}  {}",
        entry.permissions.as_deref().unwrap_or("-"),
        entry.name.text
    );
    if let EntryKind::Link {
        target: Some(target),
    } = &entry.kind
    {
        line.push_str(" -> ");
        line.push_str(target);
    }
    line
}
