//! The headless face: `ferry info|ls ...`. It drives the same engine as the window, so anything
//! the GUI can do to a server can be scripted, tested and benchmarked.

use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::{
    Command, ConnectRequest, DataMode, DirListing, Engine, EngineOptions, Event, EventReceiver,
    Failure, FailureKind, LogLine, Login, ServerInfo, Timeouts,
};
use std::path::Path;

use crate::engine::TlsOptions;
use crate::engine::{
    ConflictPolicy, Direction, FileFacts, ItemState, QueueEvent, QueueItem, TransferId,
    TransferRequest, TransferType,
};
use crate::protocol::listing::{Entry, EntryKind, NameEncoding};
use crate::protocol::path::RemotePath;
use crate::protocol::url::{FtpUrl, parse_url};
use crate::store::secret::Secret;
use crate::store::settings::TransferSettings;

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

pub fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(error) => {
            eprintln!("ferry: {}", error.message);
            ExitCode::from(error.code)
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
        list_start: true,
        tls: TlsOptions {
            mode: if url.scheme == crate::protocol::url::Scheme::Ftps {
                crate::engine::TlsMode::Implicit
            } else {
                options.tls.mode
            },
            ..options.tls.clone()
        },
        timeouts: options.timeouts,
    })
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
}

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
        let (engine, events) = Engine::start_with(options, None).map_err(|e| CliError {
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
    // Entries are printed as they are parsed, while the rest of a big listing still arrives.
    let engine_options = EngineOptions {
        log: options.verbose,
        stream_listings: true,
        ..EngineOptions::default()
    };
    let connection = Connection::open_with(
        connect_request(url, options)?,
        options.verbose,
        engine_options,
    )?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let write = |out: &mut std::io::BufWriter<_>, entries: &[Entry]| {
        if json {
            write_json(out, entries)
        } else {
            write_long(out, entries)
        }
    };
    let listing = loop {
        match connection.next()? {
            Event::ListingPart(entries) => write(&mut out, &entries).map_err(output_error)?,
            Event::Listing(listing) => break listing.listing,
            _ => {}
        }
    };
    write(&mut out, &listing.entries)
        .and_then(|()| out.flush())
        .map_err(output_error)?;
    if !listing.unparsed.is_empty() {
        eprintln!(
            "ferry: {} listing lines could not be read (see --verbose)",
            listing.unparsed.len()
        );
    }
    // The process ends now: freeing a big listing entry by entry would only delay that.
    std::mem::forget(listing);
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

fn write_json(out: &mut impl Write, entries: &[Entry]) -> std::io::Result<()> {
    for entry in entries {
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

fn write_long(out: &mut impl Write, entries: &[Entry]) -> std::io::Result<()> {
    for entry in entries {
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

/// What `get` and `put` take besides the paths.
#[derive(Debug, Clone)]
pub struct TransferOptions {
    pub recursive: bool,
    pub parallel: usize,
    pub on_conflict: ConflictPolicy,
    pub ascii: bool,
    /// Show a progress bar (when stderr is a terminal).
    pub progress: bool,
}

/// `ferry get [-r] URL [DEST]`: downloads a file (or, with `-r`, a folder) into DEST.
pub fn get(
    url: &str,
    dest: Option<&Path>,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let mut request = connect_request(url, options)?;
    let remote = request.initial_path.take().ok_or_else(|| {
        CliError::usage("the URL must name a file or folder to download, e.g. ftp://host/dir/file")
    })?;
    let name = remote
        .file_name()
        .map(|n| crate::protocol::local_name::safe_local_name(&String::from_utf8_lossy(n)))
        .transpose()
        .map_err(|e| CliError::usage(e.to_string()))?
        .ok_or_else(|| CliError::usage("the URL must name a file or folder, not the root"))?;
    let dest = dest.unwrap_or(Path::new("."));
    // Into DEST when it is a folder, else as DEST.
    let local = if dest.is_dir() {
        dest.join(&name)
    } else {
        dest.to_path_buf()
    };
    let wanted = TransferRequest {
        direction: Direction::Download,
        remote,
        local,
        is_dir: transfer.recursive,
        size: None,
        modified: None,
        transfer_type: if transfer.ascii {
            TransferType::Ascii
        } else {
            TransferType::Binary
        },
        conflict: None,
        after: None,
    };
    run_transfers(request, vec![wanted], transfer, options)
}

/// `ferry put [-r] LOCAL URL`: uploads a file (or, with `-r`, a folder). A URL ending in `/`
/// names the folder to put it in; otherwise the name to give it.
pub fn put(
    local: &Path,
    url: &str,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let mut request = connect_request(url, options)?;
    let metadata = std::fs::metadata(local)
        .map_err(|e| CliError::usage(format!("{}: {e}", local.display())))?;
    if metadata.is_dir() && !transfer.recursive {
        return Err(CliError::usage(format!(
            "{} is a folder: use put -r",
            local.display()
        )));
    }
    let local_name = local
        .file_name()
        .map(crate::protocol::local_name::local_name_bytes)
        .ok_or_else(|| CliError::usage(format!("{} has no file name", local.display())))?;
    let path = request.initial_path.take();
    let into_folder = url.trim_end().ends_with('/') || path.is_none();
    let remote = match path {
        Some(path) if !into_folder => path,
        Some(folder) => folder.join(&local_name),
        None => RemotePath::root().join(&local_name),
    };
    let wanted = TransferRequest {
        direction: Direction::Upload,
        remote,
        local: local.to_path_buf(),
        is_dir: metadata.is_dir(),
        size: Some(metadata.len()),
        modified: None,
        transfer_type: if transfer.ascii {
            TransferType::Ascii
        } else {
            TransferType::Binary
        },
        conflict: None,
        after: None,
    };
    run_transfers(request, vec![wanted], transfer, options)
}

fn run_transfers(
    request: ConnectRequest,
    wanted: Vec<TransferRequest>,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let engine_options = EngineOptions {
        transfers: TransferSettings {
            parallel: transfer.parallel.clamp(1, 10),
            conflict_policy: transfer.on_conflict,
            // The CLI says exactly what it wants: no type by extension, times kept.
            ..TransferSettings::default()
        },
        queue_file: None,
        log: options.verbose,
        stream_listings: false,
    };
    // No folder to show: the browsing connection only checks the login, while the transfer
    // connections start at once.
    let request = ConnectRequest {
        list_start: false,
        ..request
    };
    let connection = Connection::open_with(request, options.verbose, engine_options)?;
    connection.engine.send(Command::Enqueue(wanted));
    let started = Instant::now();
    let bar = transfer.progress.then(progress_bar);
    let mut items: std::collections::BTreeMap<TransferId, QueueItem> = Default::default();
    let mut moved: std::collections::HashMap<TransferId, u64> = Default::default();
    loop {
        match connection.next()? {
            Event::Queue(QueueEvent::Added { items: added, .. }) => {
                for item in added {
                    items.insert(item.id, item);
                }
            }
            Event::Queue(QueueEvent::Updated(item)) => {
                if item.state == ItemState::Done {
                    moved.insert(item.id, item.total.unwrap_or(item.transferred));
                }
                if item.state.is_finished()
                    && let Some(bar) = &bar
                {
                    let line = match item.state {
                        ItemState::Done if !item.request.is_dir => {
                            Some(format!("done    {}", item.name()))
                        }
                        ItemState::Failed => Some(format!(
                            "FAILED  {}: {}",
                            item.name(),
                            item.message.clone().unwrap_or_default()
                        )),
                        ItemState::Skipped => Some(format!(
                            "skipped {}: {}",
                            item.name(),
                            item.message.clone().unwrap_or_default()
                        )),
                        _ => None,
                    };
                    if let Some(line) = line {
                        bar.println(line);
                    }
                }
                items.insert(item.id, item);
            }
            Event::Queue(QueueEvent::Progress {
                id, transferred, ..
            }) => {
                moved.insert(id, transferred);
            }
            Event::Queue(QueueEvent::AskConflict { id, source, target }) => {
                let choice = ask_conflict(&items, id, &source, &target)?;
                connection.engine.send(Command::AnswerConflict {
                    id,
                    choice,
                    for_all: false,
                });
            }
            _ => {}
        }
        if let Some(bar) = &bar {
            let files = items.values().filter(|i| !i.request.is_dir);
            let total: u64 = files.clone().filter_map(|i| i.total).sum();
            bar.set_length(total.max(1));
            bar.set_position(moved.values().sum());
            let done = files.clone().filter(|i| i.state.is_finished()).count();
            bar.set_message(format!("{done}/{} files", files.count()));
        }
        if !items.is_empty() && items.values().all(|i| i.state.is_finished()) {
            break;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summarise(&items, started.elapsed())
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(1);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Asks on the terminal what to do with an existing target (`--on-conflict ask`).
fn ask_conflict(
    items: &std::collections::BTreeMap<TransferId, QueueItem>,
    id: TransferId,
    source: &FileFacts,
    target: &FileFacts,
) -> Result<ConflictPolicy, CliError> {
    use std::io::{BufRead, IsTerminal};
    let name = items.get(&id).map(QueueItem::name).unwrap_or_default();
    if !std::io::stdin().is_terminal() {
        return Ok(ConflictPolicy::Refuse);
    }
    let facts = |f: &FileFacts| {
        format!(
            "{} bytes, modified {}",
            f.size.map_or("?".into(), |s| s.to_string()),
            f.modified
                .map_or("?".into(), |m| m.format("%Y-%m-%d %H:%M:%S").to_string())
        )
    };
    eprintln!(
        "{name} exists: target {}; source {}",
        facts(target),
        facts(source)
    );
    eprint!(
        "[o]verwrite, overwrite if [n]ewer, if size [d]iffers, [r]esume, re[n]ame as copy (c), [s]kip? "
    );
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError {
            code: exit::OTHER,
            message: format!("could not read the answer: {e}"),
        })?;
    Ok(match answer.trim() {
        "o" => ConflictPolicy::Overwrite,
        "n" => ConflictPolicy::OverwriteIfNewer,
        "d" => ConflictPolicy::OverwriteIfSizeDiffers,
        "r" => ConflictPolicy::Resume,
        "c" => ConflictPolicy::Rename,
        _ => ConflictPolicy::Skip,
    })
}

/// One line of totals on stderr, a line per failure, and an exit code that says whether all
/// went well.
fn summarise(
    items: &std::collections::BTreeMap<TransferId, QueueItem>,
    elapsed: Duration,
) -> Result<(), CliError> {
    let files: Vec<&QueueItem> = items.values().filter(|i| !i.request.is_dir).collect();
    let done: Vec<&&QueueItem> = files
        .iter()
        .filter(|i| i.state == ItemState::Done)
        .collect();
    let bytes: u64 = done.iter().filter_map(|i| i.total).sum();
    let failed: Vec<&QueueItem> = items
        .values()
        .filter(|i| i.state == ItemState::Failed)
        .collect();
    let skipped = files
        .iter()
        .filter(|i| i.state == ItemState::Skipped)
        .count();
    let rate = bytes as f64 / elapsed.as_secs_f64().max(1e-3);
    eprintln!(
        "{} of {} files transferred ({bytes} bytes in {:.1} s, {:.1} MB/s){}{}",
        done.len(),
        files.len(),
        elapsed.as_secs_f64(),
        rate / 1e6,
        if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        },
        if failed.is_empty() {
            String::new()
        } else {
            format!(", {} failed", failed.len())
        },
    );
    for item in &failed {
        eprintln!(
            "failed: {}: {}",
            item.name(),
            item.message.as_deref().unwrap_or("unknown error")
        );
    }
    match failed.as_slice() {
        [] => Ok(()),
        [only] => Err(CliError {
            code: if only.message.as_deref().is_some_and(|m| m.starts_with('5')) {
                exit::REMOTE
            } else {
                exit::OTHER
            },
            message: format!(
                "{}: {}",
                only.name(),
                only.message.as_deref().unwrap_or("failed")
            ),
        }),
        many => Err(CliError {
            code: exit::OTHER,
            message: format!("{} transfers failed", many.len()),
        }),
    }
}
