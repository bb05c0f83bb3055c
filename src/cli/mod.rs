//! The headless face: `ferry info|ls|get|put ...`. It drives the same engine as the window, so
//! anything the GUI can do to a server can be scripted, tested and benchmarked.

mod ask;
mod files;
mod listing;
mod sync;
mod transfer;

use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

pub use files::{mkdir, mv, rm};
pub use listing::{ListingPrinter, info, ls};
pub use sync::{SyncArgs, sync};
pub use transfer::{TransferOptions, get, put};

use crate::engine::{
    Command, ConnectRequest, DataMode, DirListing, Engine, EngineOptions, Event, EventReceiver,
    Failure, FailureKind, LogLine, Login, ServerInfo, Timeouts, TlsOptions,
};
use crate::protocol::listing::NameEncoding;
use crate::protocol::path::RemotePath;
use crate::protocol::url::{FtpUrl, Scheme, parse_url};
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
    pub const CERTIFICATE: u8 = 7;
}

/// Options every CLI command shares.
#[derive(Debug, Clone)]
pub struct CliOptions {
    pub timeouts: Timeouts,
    pub data_mode: DataMode,
    /// Print the command/reply transcript on stderr.
    pub verbose: bool,
    pub encoding: NameEncoding,
    /// TLS mode and the fingerprints given with `--trust-fingerprint`.
    pub tls: TlsOptions,
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
            FailureKind::Certificate => exit::CERTIFICATE,
        };
        let message = match &failure.certificate {
            Some(certificate) => format!(
                "{}{} (subject {}; issuer {}); if you know it is the server's, run again with --trust-fingerprint {}",
                if certificate.changed {
                    "THE CERTIFICATE CHANGED since you trusted it: "
                } else {
                    ""
                },
                failure.message,
                certificate.subject,
                certificate.issuer,
                crate::engine::tls::fingerprint_text(&certificate.fingerprint)
            ),
            None => failure.message,
        };
        Self { code, message }
    }
}

/// A command's exit status, its error (if any) written on stderr.
pub fn finish(result: Result<(), CliError>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(error) => {
            eprintln!("ferry: {}", error.message);
            error.code
        }
    }
}

/// Builds the engine's connect request from a URL, or from a saved site: `@name` or
/// `@Folder/name:/path`. The password comes from the URL, the keyring (saved sites) or, better
/// than the URL (it stays out of `ps` and shell history), from `FERRY_PASSWORD`.
pub fn connect_request(url_text: &str, options: &CliOptions) -> Result<ConnectRequest, CliError> {
    if let Some(site) = url_text.strip_prefix('@') {
        return site_request(site, options);
    }
    let url: FtpUrl = parse_url(url_text).map_err(|e| CliError::usage(e.to_string()))?;
    let login = login_for(&url);
    Ok(ConnectRequest {
        encoding: options.encoding,
        server_offset_minutes: 0,
        host: url.host,
        port: url.port,
        login,
        data_mode: options.data_mode,
        initial_path: url.path,
        list_start: true,
        tls: TlsOptions {
            mode: match url.scheme {
                Scheme::Ftps => crate::engine::TlsMode::Implicit,
                Scheme::Ftpes => crate::engine::TlsMode::Explicit,
                Scheme::Ftp => options.tls.mode,
            },
            ..options.tls.clone()
        },
        timeouts: options.timeouts,
        transfer_type: None,
    })
}

/// The login for a URL: its user, and the password from the URL, `FERRY_PASSWORD`, or
/// `~/.netrc` (`$NETRC`), in that order. With no user in the URL, netrc may name one (its
/// machine entry, or `default`); else the login is anonymous.
fn login_for(url: &FtpUrl) -> Login {
    let user = url.user.as_deref();
    if matches!(user, Some("anonymous") | Some("ftp")) {
        return Login::Anonymous;
    }
    let given = url
        .password
        .clone()
        .or_else(|| user.and_then(|_| std::env::var("FERRY_PASSWORD").ok()));
    if let (Some(user), Some(password)) = (user, &given) {
        return Login::Normal {
            user: user.to_owned(),
            password: Secret::new(password.clone()),
        };
    }
    let entries = crate::store::netrc::load();
    let entry = crate::store::netrc::find(&entries, &url.host, user);
    match (user, entry) {
        (Some(user), entry) => Login::Normal {
            user: user.to_owned(),
            password: Secret::new(entry.and_then(|e| e.password.clone()).unwrap_or_default()),
        },
        (None, Some(entry)) => match entry.login.as_deref() {
            None | Some("anonymous") | Some("ftp") => Login::Anonymous,
            Some(login) => Login::Normal {
                user: login.to_owned(),
                password: Secret::new(entry.password.clone().unwrap_or_default()),
            },
        },
        (None, None) => Login::Anonymous,
    }
}

/// `@name[:/path]`: a site from the Site Manager.
fn site_request(spec: &str, options: &CliOptions) -> Result<ConnectRequest, CliError> {
    let (name, path) = match spec.split_once(":/") {
        Some((name, path)) => (name, Some(format!("/{path}"))),
        None => (spec, None),
    };
    let dirs = crate::store::StoreDirs::locate()
        .ok_or_else(|| CliError::usage("no configuration folder, so no saved sites"))?;
    let loaded =
        crate::store::sites::load(&dirs.config).map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(warning) = loaded.warning {
        eprintln!("ferry: {warning}");
    }
    let site = loaded
        .sites
        .find(name)
        .ok_or_else(|| CliError::usage(format!("no saved site named {name:?}")))?;
    let mut request = ConnectRequest::for_site(site, options.timeouts);
    // FERRY_PASSWORD, when set, is used instead of the keyring (or of asking).
    if let Ok(password) = std::env::var("FERRY_PASSWORD")
        && !matches!(request.login, Login::Anonymous)
    {
        request.login = Login::Normal {
            user: request.login.user().to_owned(),
            password: Secret::new(password),
        };
    }
    if let Some(path) = path {
        request.initial_path = Some(RemotePath::from_text(&path));
    }
    request
        .tls
        .trusted
        .extend(options.tls.trusted.iter().copied());
    Ok(request)
}

/// A connected engine for one CLI command.
struct Connection {
    engine: crate::engine::EngineHandle,
    events: EventReceiver,
    verbose: bool,
    /// Bounds every wait: nothing the CLI does may hang, whatever the server does.
    patience: Duration,
    /// Events are read on this tick, the thread parked in between, when the engine rings only
    /// for what can't wait ([`EngineOptions::doorbell`]); `None` waits on the channel.
    tick: Option<Duration>,
}

/// How often a transfer run looks at the engine's events between rings: the progress bar's
/// pace. The end of the run and a conflict to answer ring at once.
const EVENT_TICK: Duration = Duration::from_millis(100);

impl Connection {
    fn open(request: ConnectRequest, verbose: bool) -> Result<Self, CliError> {
        let options = EngineOptions {
            log: verbose,
            ..EngineOptions::default()
        };
        Self::open_with(request, verbose, options)
    }

    fn open_with(
        request: ConnectRequest,
        verbose: bool,
        options: EngineOptions,
    ) -> Result<Self, CliError> {
        let connection = Self::start(&request, verbose, options)?;
        connection.engine.send(Command::Connect(request));
        Ok(connection)
    }

    /// The engine alone, with no browsing session: for transfers, which the queue's own
    /// sessions carry out (as many as there is work for).
    fn start(
        request: &ConnectRequest,
        verbose: bool,
        options: EngineOptions,
    ) -> Result<Self, CliError> {
        let tick = options.doorbell.as_ref().map(|_| EVENT_TICK);
        let (engine, events) = Engine::start_with(options, None).map_err(|e| CliError {
            code: exit::OTHER,
            message: format!("could not start the engine: {e}"),
        })?;
        let timeouts = request.timeouts;
        Ok(Self {
            engine,
            events,
            verbose,
            patience: timeouts.connect + timeouts.command * 4,
            tick,
        })
    }

    /// Waits for the next event that matters, printing the transcript when asked.
    fn next(&self) -> Result<Event, CliError> {
        self.next_within(self.patience)
    }

    fn next_within(&self, patience: Duration) -> Result<Event, CliError> {
        let deadline = Instant::now() + patience;
        loop {
            match self.receive(deadline) {
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
                        message: format!("no answer within {} s", patience.as_secs()),
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

    /// The next event, by `deadline`: from the channel, or, on a tick, parked between looks
    /// (the engine unparks this thread for what can't wait a tick).
    fn receive(&self, deadline: Instant) -> Result<Event, RecvTimeoutError> {
        let Some(tick) = self.tick else {
            return self
                .events
                .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        };
        loop {
            match self.events.try_recv() {
                Ok(event) => return Ok(event),
                Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
                Err(TryRecvError::Empty) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(RecvTimeoutError::Timeout);
                    }
                    // A ring before the park makes it return at once: none is lost.
                    std::thread::park_timeout(left.min(tick));
                }
            }
        }
    }

    fn show_log(&self, line: &LogLine) {
        if self.verbose {
            eprintln!("{}", line.to_text());
        }
    }

    /// The next event, for steps that take as long as the server's tree is big (a sync's
    /// walk): each listing is bounded by the command timeout, the whole by a generous limit.
    fn next_patiently(&self) -> Result<Event, CliError> {
        self.next_within(self.patience * 60)
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
