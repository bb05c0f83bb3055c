//! A logged-in control connection and what the server told us about itself.

use chrono::{Local, NaiveDateTime, Utc};

use super::EventSink;
use super::api::command::{ConnectRequest, DataMode, DirTarget, Login};
use super::api::event::{Event, LogKind, Security, ServerInfo};
use super::api::queue::FileFacts;
use super::control::Control;
use super::data::{self, DataStart, DataSupport};
use super::error::{FtpError, FtpResult};
use super::tls::{Tls, TlsMode, TlsOptions};
use crate::protocol::command::CommandLine;
use crate::protocol::features::Features;
use crate::protocol::listing::{
    EntryKind, Listing, ListingContext, ListingFormat, ListingParser, NameEncoding, RemoteName,
};
use crate::protocol::path::{RemotePath, parse_pwd_reply};
use crate::protocol::reply::Reply;
use crate::protocol::verify::{
    HashAlgorithm, HashCommand, choose_hash, mfmt_time, parse_digest, parse_mdtm_reply,
    parse_size_reply,
};

/// The password sent for anonymous logins, as FileZilla and most browsers do.
const ANONYMOUS_PASSWORD: &str = "anonymous@example.com";

/// A listing bigger than this is refused rather than held in memory.
const MAX_LISTING_BYTES: usize = 512 * 1024 * 1024;

/// Deeper than this, a recursive delete stops (a server that lists a folder inside itself).
const MAX_DELETE_DEPTH: usize = 64;

/// Entries per `ListingPart` event when listings are streamed.
const LISTING_PART: usize = 2000;

/// How many unreadable listing lines are copied into the message log.
const UNPARSED_LINES_LOGGED: usize = 20;

/// One listing as it was read.
struct ReadListing {
    listing: Listing,
    /// Entries already sent as `ListingPart`s.
    streamed: usize,
    bytes: usize,
    /// Empty, or its last byte a line end.
    ended_cleanly: bool,
}

pub(crate) struct Session {
    control: Control,
    /// The TLS set-up shared by the control and data connections, when TLS is on.
    tls: Option<Tls>,
    /// PROT P is in force: data connections are TLS too.
    protect_data: bool,
    encoding: NameEncoding,
    server_offset_minutes: i32,
    data_mode: DataMode,
    data_support: DataSupport,
    features: Features,
    system: Option<String>,
    /// The TYPE last set: `Some(true)` for ASCII.
    ascii_type: Option<bool>,
    /// The server said it does binary only: text files go unchanged.
    binary_only: bool,
    hash_selected: bool,
    cwd: RemotePath,
}

impl Session {
    /// Connects, reads the greeting, logs in, and asks SYST, FEAT and PWD.
    pub async fn connect(
        request: &ConnectRequest,
        sink: EventSink,
    ) -> FtpResult<(Self, ServerInfo)> {
        let timeouts = request.timeouts;
        let mut control = Control::connect(
            &request.host,
            request.port,
            timeouts.connect,
            timeouts.command,
            sink,
        )
        .await?;
        let tls = match request.tls.mode {
            TlsMode::Plain => None,
            _ => Some(
                Tls::new(&request.host, &request.tls)
                    .map_err(|e| certificate_context(e, &request.tls))?,
            ),
        };
        if request.tls.mode == TlsMode::Implicit
            && let Some(tls) = &tls
        {
            control = control
                .start_tls(tls)
                .await
                .map_err(|e| certificate_context(e, &request.tls))?;
        }
        let greeting = control
            .read_reply_within("the server's greeting", timeouts.connect)
            .await?;
        if greeting.code != 220 {
            return Err(FtpError::reply(greeting));
        }
        let (control_after, tls) = negotiate_tls(control, tls, request).await?;
        control = control_after;
        let mut protect_data = false;
        if control.is_protected() {
            control
                .expect_completion(&CommandLine::with_text("PBSZ", "0")?)
                .await?;
            let prot = control
                .execute(&CommandLine::with_text("PROT", "P")?)
                .await?;
            protect_data = prot.is_completion();
            if !protect_data {
                control.sink().log(
                    LogKind::Error,
                    format!("The server refused to protect data connections ({}); file data goes unencrypted", prot.summary()),
                );
            }
        } else if !matches!(request.login, Login::Anonymous) {
            control.sink().log(
                LogKind::Error,
                "This connection is not encrypted: the password is sent in the clear",
            );
        }
        control
            .sink()
            .log(LogKind::Status, "Connected, logging in...".to_owned());
        let login_reply = login(&mut control, &request.login).await?;

        let system = match control.execute(&CommandLine::bare("SYST")).await? {
            reply if reply.code == 215 => Some(reply.text().trim().to_owned()),
            _ => None,
        };
        let feat_reply = control.execute(&CommandLine::bare("FEAT")).await?;
        let features = Features::from_reply(&feat_reply);
        if features.utf8() {
            // Some servers only send UTF-8 names after this; the reply doesn't matter.
            control
                .execute(&CommandLine::with_text("OPTS", "UTF8 ON")?)
                .await?;
        }
        let security = Security {
            control: control.is_protected(),
            data: protect_data,
            details: control.tls_description(),
        };
        let mut session = Session {
            control,
            tls,
            protect_data,
            encoding: request.encoding,
            server_offset_minutes: request.server_offset_minutes,
            data_mode: request.data_mode,
            data_support: DataSupport::default(),
            features,
            system,
            ascii_type: None,
            binary_only: false,
            hash_selected: false,
            cwd: RemotePath::root(),
        };
        session.cwd = session.pwd().await?;
        let info = ServerInfo {
            host: request.host.clone(),
            port: request.port,
            greeting: greeting.text_lines(),
            login_message: login_reply.text_lines(),
            system: session.system.clone(),
            features: session.features.clone(),
            cwd: session.cwd.clone(),
            security,
        };
        Ok((session, info))
    }

    pub fn cwd(&self) -> &RemotePath {
        &self.cwd
    }

    /// The TLS for data connections, when PROT P is in force.
    fn data_tls(&self) -> Option<&Tls> {
        self.tls.as_ref().filter(|_| self.protect_data)
    }

    async fn pwd(&mut self) -> FtpResult<RemotePath> {
        let reply = self
            .control
            .expect_completion(&CommandLine::bare("PWD"))
            .await?;
        parse_pwd_reply(&reply).ok_or_else(|| {
            FtpError::Protocol(format!(
                "could not read the folder in the PWD reply: {}",
                reply.summary()
            ))
        })
    }

    /// Makes `dir` the server's current folder, unless it already is.
    pub async fn ensure_at(&mut self, dir: &RemotePath) -> FtpResult<()> {
        if self.cwd != *dir {
            self.change_dir(&DirTarget::Path(dir.clone())).await?;
        }
        Ok(())
    }

    /// Enters a folder and returns where the server says we are now.
    pub async fn change_dir(&mut self, target: &DirTarget) -> FtpResult<RemotePath> {
        let command = match target {
            DirTarget::Path(path) => CommandLine::with_arg("CWD", path.as_bytes())?,
            DirTarget::Child(name) => CommandLine::with_arg("CWD", &name.raw)?,
            DirTarget::Parent => CommandLine::bare("CDUP"),
        };
        let reply = self.control.execute(&command).await?;
        if !reply.is_completion() {
            // CDUP is optional in RFC 959; `CWD ..` means the same on every server that has it.
            if *target == DirTarget::Parent && matches!(reply.code, 500 | 502) {
                self.control
                    .expect_completion(&CommandLine::with_text("CWD", "..")?)
                    .await?;
            } else {
                return Err(FtpError::reply(reply));
            }
        }
        self.cwd = self.pwd().await?;
        Ok(self.cwd.clone())
    }

    /// Lists the current folder with MLSD when the server offers it, otherwise LIST.
    ///
    /// A listing has no length: one cut short by a dropped data connection can end with a
    /// success reply, and would silently lose entries (a recursive download would miss files).
    /// Its tell is a last line with no line end; such a listing is taken again, and kept only
    /// when the second one ends the same way (a server that just omits the last line end).
    pub async fn list_current(&mut self) -> FtpResult<Listing> {
        let first = self.list_once().await?;
        if first.ended_cleanly || self.control.sink().stream_listings {
            return Ok(self.finish_listing(first));
        }
        self.control.sink().log(
            LogKind::Status,
            "The listing ended in the middle of a line; listing again to be sure".to_owned(),
        );
        let second = self.list_once().await?;
        if second.ended_cleanly || second.bytes == first.bytes {
            return Ok(self.finish_listing(second));
        }
        Err(FtpError::Closed {
            doing: format!(
                "in the middle of the listing of {} (twice, at different places)",
                self.cwd.display()
            ),
        })
    }

    fn finish_listing(&self, read: ReadListing) -> Listing {
        self.log_listing_summary(&read.listing, read.streamed + read.listing.entries.len());
        read.listing
    }

    async fn list_once(&mut self) -> FtpResult<ReadListing> {
        self.ensure_binary().await?;
        let (command, format) = if self.features.mlsd() {
            (CommandLine::bare("MLSD"), ListingFormat::Mlsd)
        } else {
            (CommandLine::bare("LIST"), ListingFormat::List)
        };
        let tls = self.data_tls().cloned();
        let start = data::start_data_command(
            &mut self.control,
            &mut self.data_support,
            self.data_mode,
            tls.as_ref(),
            &command,
        )
        .await?;
        // Without an offset, "now" is taken to be the server's local time, as the client's.
        let now = if self.server_offset_minutes == 0 {
            Local::now().naive_local()
        } else {
            Utc::now().naive_utc()
        };
        let mut context = ListingContext::new(format, now)
            .with_encoding(self.encoding)
            .with_server_offset_minutes(self.server_offset_minutes);
        context.system = self.system.clone();
        // Parsed as it arrives: a big folder is read by the time its last bytes are.
        let mut parser = ListingParser::new(context);
        let mut streamed = 0;
        let mut bytes = 0;
        let mut last_byte = None;
        match start {
            DataStart::Done(reply) if reply.is_completion() => {}
            DataStart::Done(reply) => return Err(FtpError::reply(reply)),
            DataStart::Open(mut stream) => {
                let idle = self.control.reply_timeout();
                let sink = self.control.sink().clone();
                let read = data::read_chunks(&mut stream, idle, MAX_LISTING_BYTES, |chunk| {
                    bytes += chunk.len();
                    last_byte = chunk.last().copied().or(last_byte);
                    parser.feed(chunk);
                    if sink.stream_listings && parser.parsed() >= LISTING_PART {
                        streamed += parser.parsed();
                        sink.send(Event::ListingPart(parser.take_entries()));
                    }
                })
                .await;
                drop(stream);
                read?;
                let done = self.control.read_reply("the end of the listing").await?;
                if !done.is_completion() {
                    return Err(FtpError::reply(done));
                }
            }
        }
        Ok(ReadListing {
            listing: parser.finish(),
            streamed,
            bytes,
            ended_cleanly: last_byte.is_none_or(|b| b == b'\n'),
        })
    }

    fn log_listing_summary(&self, listing: &Listing, entries: usize) {
        let sink = self.control.sink();
        sink.log(
            LogKind::Status,
            format!("Listed {}: {entries} entries", self.cwd.display()),
        );
        for line in listing.unparsed.iter().take(UNPARSED_LINES_LOGGED) {
            sink.log(
                LogKind::Error,
                format!(
                    "Could not read listing line: {}",
                    String::from_utf8_lossy(line)
                ),
            );
        }
        if listing.unparsed.len() > UNPARSED_LINES_LOGGED {
            sink.log(
                LogKind::Error,
                format!(
                    "... and {} more unreadable lines",
                    listing.unparsed.len() - UNPARSED_LINES_LOGGED
                ),
            );
        }
    }

    async fn ensure_binary(&mut self) -> FtpResult<()> {
        self.set_type(false).await.map(drop)
    }

    /// TYPE A or TYPE I, unless already set. Returns whether line ends are converted: a server
    /// that answers TYPE A saying it stays binary (libunftp: `200 Always in binary mode`), or
    /// refuses it, stores the bytes as they come, so they must come unchanged.
    pub async fn set_type(&mut self, ascii: bool) -> FtpResult<bool> {
        let ascii = ascii && !self.binary_only;
        if self.ascii_type == Some(ascii) {
            return Ok(ascii);
        }
        if ascii {
            let reply = self
                .control
                .execute(&CommandLine::with_text("TYPE", "A")?)
                .await?;
            if reply.is_completion() && !type_a_means_binary(&reply.text()) {
                self.ascii_type = Some(true);
                return Ok(true);
            }
            self.control.sink().log(
                LogKind::Status,
                format!(
                    "The server transfers in binary only ({}): text files go unchanged",
                    reply.summary()
                ),
            );
            self.binary_only = true;
            if reply.is_completion() {
                self.ascii_type = Some(false);
                return Ok(false);
            }
        }
        self.control
            .expect_completion(&CommandLine::with_text("TYPE", "I")?)
            .await?;
        self.ascii_type = Some(false);
        Ok(false)
    }

    pub fn sink(&self) -> &EventSink {
        self.control.sink()
    }

    pub fn reply_timeout(&self) -> std::time::Duration {
        self.control.reply_timeout()
    }

    /// The size of a remote file, or `None` when the server can't say (no SIZE, or no such file:
    /// the reply tells which, in the log).
    pub async fn size(&mut self, path: &[u8]) -> FtpResult<Option<u64>> {
        // SIZE counts in the current TYPE, and some servers refuse it in ASCII.
        self.ensure_binary().await?;
        let reply = self
            .control
            .execute(&CommandLine::with_arg("SIZE", path)?)
            .await?;
        Ok(parse_size_reply(&reply))
    }

    /// Whether a remote file exists, its size, and (when `with_time`) its modification time:
    /// `Err` only for a broken connection. SIZE answers it; a server without SIZE has its
    /// folder listed instead, since "not there" must never be a guess (it lets a file be
    /// overwritten).
    pub async fn remote_file(
        &mut self,
        path: &[u8],
        with_time: bool,
    ) -> FtpResult<Option<FileFacts>> {
        let reply = if self.features.has("SIZE") {
            // In ASCII mode a server may answer 550 for a file that is there.
            self.ensure_binary().await?;
            Some(
                self.control
                    .execute(&CommandLine::with_arg("SIZE", path)?)
                    .await?,
            )
        } else {
            None
        };
        let size = match &reply {
            Some(reply) if reply.code == 213 => parse_size_reply(reply),
            // 550: no such file (or a folder, which a STOR would be refused for anyway).
            Some(reply) if reply.code == 550 => return Ok(None),
            _ => return self.file_in_listing(path).await,
        };
        let modified = if with_time {
            self.mdtm(path).await?
        } else {
            None
        };
        Ok(Some(FileFacts { size, modified }))
    }

    /// Finds a file in its folder's listing (for servers that can't answer SIZE).
    async fn file_in_listing(&mut self, path: &[u8]) -> FtpResult<Option<FileFacts>> {
        let remote = RemotePath::from_bytes(path.to_vec());
        let (Some(parent), Some(name)) = (remote.parent(), remote.file_name()) else {
            return Ok(None);
        };
        let name = name.to_vec();
        let listing = match self.list_path(&parent).await {
            Ok(listing) => listing,
            Err(e) if e.is_fatal() => return Err(e),
            // A folder that can't be listed holds nothing Ferry can see.
            Err(_) => return Ok(None),
        };
        Ok(listing
            .entries
            .iter()
            .find(|entry| entry.name.raw == name)
            .map(|entry| FileFacts {
                size: entry.size,
                modified: entry.modified.map(|m| m.time),
            }))
    }

    pub async fn mdtm(&mut self, path: &[u8]) -> FtpResult<Option<NaiveDateTime>> {
        if !self.features.has("MDTM") {
            return Ok(None);
        }
        let reply = self
            .control
            .execute(&CommandLine::with_arg("MDTM", path)?)
            .await?;
        Ok(parse_mdtm_reply(&reply))
    }

    /// Sets the remote modification time, when the server has MFMT.
    pub async fn mfmt(&mut self, path: &[u8], time: NaiveDateTime) -> FtpResult<bool> {
        if !self.features.has("MFMT") {
            return Ok(false);
        }
        let mut arg = format!("{} ", mfmt_time(time)).into_bytes();
        arg.extend_from_slice(path);
        let reply = self
            .control
            .execute(&CommandLine::with_arg("MFMT", &arg)?)
            .await?;
        Ok(reply.is_completion())
    }

    /// REST: true when the server will start the next transfer at `offset`.
    pub async fn rest(&mut self, offset: u64) -> FtpResult<bool> {
        let reply = self
            .control
            .execute(&CommandLine::with_text("REST", &offset.to_string())?)
            .await?;
        Ok(reply.code == 350)
    }

    /// Sends RETR, STOR or APPE for `path` with its data connection.
    pub async fn start_transfer(&mut self, verb: &str, path: &[u8]) -> FtpResult<DataStart> {
        let command = CommandLine::with_arg(verb, path)?;
        let tls = self.data_tls().cloned();
        data::start_data_command(
            &mut self.control,
            &mut self.data_support,
            self.data_mode,
            tls.as_ref(),
            &command,
        )
        .await
    }

    /// The reply that closes a transfer, once the data connection is done.
    pub async fn end_transfer(&mut self) -> FtpResult<Reply> {
        self.control.read_reply("the end of the transfer").await
    }

    /// The server's digest of a file, with the strongest algorithm it offers.
    pub async fn digest(&mut self, path: &[u8]) -> FtpResult<Option<(HashAlgorithm, Vec<u8>)>> {
        let Some(command) = choose_hash(&self.features) else {
            return Ok(None);
        };
        let algorithm = command.algorithm();
        let reply = match command {
            HashCommand::Hash { selected, .. } => {
                if !selected && !self.hash_selected {
                    let opts = format!("HASH {}", algorithm.name());
                    let chosen = self
                        .control
                        .execute(&CommandLine::with_text("OPTS", &opts)?)
                        .await?;
                    if !chosen.is_completion() {
                        return Ok(None);
                    }
                    self.hash_selected = true;
                }
                self.control
                    .execute(&CommandLine::with_arg("HASH", path)?)
                    .await?
            }
            HashCommand::X { verb, .. } => {
                self.control
                    .execute(&CommandLine::with_arg(verb, path)?)
                    .await?
            }
        };
        Ok(parse_digest(&reply, algorithm).map(|digest| (algorithm, digest)))
    }

    /// Lists a folder by path (for recursive transfers); the session stays in it. The path is
    /// one the server gave (or built from its names), so PWD isn't asked again: a walk through
    /// many folders saves a round trip per folder.
    pub async fn list_path(&mut self, path: &RemotePath) -> FtpResult<Listing> {
        if self.cwd != *path {
            self.control
                .expect_completion(&CommandLine::with_arg("CWD", path.as_bytes())?)
                .await?;
            self.cwd = path.clone();
        }
        self.list_current().await
    }

    /// MKD by path; an existing folder is fine (servers answer 550 for it, and a real refusal
    /// shows when files are stored there).
    pub async fn make_dir(&mut self, path: &RemotePath) -> FtpResult<()> {
        self.control
            .execute(&CommandLine::with_arg("MKD", path.as_bytes())?)
            .await
            .map(drop)
    }

    /// A command on a name in the current folder that must end in a 2xx reply.
    async fn on_name(&mut self, verb: &str, name: &[u8]) -> FtpResult<Reply> {
        self.control
            .expect_completion(&CommandLine::with_arg(verb, name)?)
            .await
    }

    pub async fn mkdir(&mut self, name: &[u8]) -> FtpResult<()> {
        self.on_name("MKD", name).await.map(drop)
    }

    pub async fn rename(&mut self, from: &[u8], to: &[u8]) -> FtpResult<()> {
        let reply = self
            .control
            .execute(&CommandLine::with_arg("RNFR", from)?)
            .await?;
        if reply.code != 350 {
            return Err(FtpError::reply(reply));
        }
        self.on_name("RNTO", to).await.map(drop)
    }

    pub async fn delete_file(&mut self, name: &[u8]) -> FtpResult<()> {
        self.on_name("DELE", name).await.map(drop)
    }

    /// Deletes a folder and everything in it, depth first. Links inside are deleted as links,
    /// never followed. Stops at the first refusal: what could not be deleted stays, and the
    /// error says which.
    pub async fn delete_tree(&mut self, name: &RemoteName) -> FtpResult<()> {
        let top = self.cwd.clone();
        let result = self.delete_tree_from(name, 0).await;
        // Whatever happened, come back to where we started (unless the connection is gone).
        if !result.as_ref().is_err_and(FtpError::is_fatal) {
            self.ensure_at(&top).await?;
        }
        result
    }

    fn delete_tree_from<'a>(
        &'a mut self,
        name: &'a RemoteName,
        depth: usize,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = FtpResult<()>> + Send + 'a>> {
        Box::pin(async move {
            if depth > MAX_DELETE_DEPTH {
                return Err(FtpError::Protocol(format!(
                    "folders nested more than {MAX_DELETE_DEPTH} deep under {}; stopped",
                    name.text
                )));
            }
            let parent = self.cwd.clone();
            self.change_dir(&DirTarget::Child(name.clone())).await?;
            let listing = self.list_current().await?;
            for entry in &listing.entries {
                if entry.kind == EntryKind::Dir {
                    self.delete_tree_from(&entry.name, depth + 1).await?;
                } else {
                    self.delete_file(&entry.name.raw).await?;
                }
            }
            self.ensure_at(&parent).await?;
            self.on_name("RMD", &name.raw).await.map(drop)
        })
    }

    pub async fn chmod(&mut self, name: &[u8], mode: u32) -> FtpResult<()> {
        let mut arg = format!("CHMOD {mode:o} ").into_bytes();
        arg.extend_from_slice(name);
        self.on_name("SITE", &arg).await.map(drop)
    }

    /// Keeps an idle connection open: servers and routers drop silent ones.
    pub async fn noop(&mut self) -> FtpResult<()> {
        self.control
            .expect_completion(&CommandLine::bare("NOOP"))
            .await
            .map(drop)
    }

    pub async fn quit(self) {
        self.control.quit().await;
    }
}

/// Whether a 2xx reply to TYPE A says the server stays in binary ("Always in binary mode").
fn type_a_means_binary(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("binary") && !text.contains("ascii")
}

/// AUTH TLS when the mode asks for it. With `IfAvailable` a refusal means plain FTP, said in
/// the log; with `Explicit` it means no connection.
async fn negotiate_tls(
    control: Control,
    tls: Option<Tls>,
    request: &ConnectRequest,
) -> FtpResult<(Control, Option<Tls>)> {
    let mut control = control;
    let wants_auth = matches!(request.tls.mode, TlsMode::Explicit | TlsMode::IfAvailable);
    let Some(tls) = tls.filter(|_| wants_auth || control.is_protected()) else {
        return Ok((control, None));
    };
    if control.is_protected() {
        return Ok((control, Some(tls)));
    }
    let reply = control
        .execute(&CommandLine::with_text("AUTH", "TLS")?)
        .await?;
    if reply.code == 234 {
        let control = control
            .start_tls(&tls)
            .await
            .map_err(|e| certificate_context(e, &request.tls))?;
        return Ok((control, Some(tls)));
    }
    if request.tls.mode == TlsMode::Explicit {
        return Err(FtpError::Protocol(format!(
            "the server does not offer FTP over TLS ({}); not connecting without it",
            reply.summary()
        )));
    }
    control.sink().log(
        LogKind::Error,
        format!(
            "The server does not offer TLS ({}); continuing with plain FTP",
            reply.summary()
        ),
    );
    Ok((control, None))
}

/// Marks a refused certificate as "changed" when another was trusted for this server before.
fn certificate_context(error: FtpError, options: &TlsOptions) -> FtpError {
    match error {
        FtpError::Untrusted(mut info) => {
            info.changed = !options.trusted.is_empty();
            FtpError::Untrusted(info)
        }
        other => other,
    }
}

/// A keyring login becomes a normal one, the password read from the keyring on the blocking
/// pool (it may wait on D-Bus).
pub(crate) async fn resolve_login(request: &ConnectRequest) -> FtpResult<ConnectRequest> {
    let Login::Keyring { user, key } = &request.login else {
        return Ok(request.clone());
    };
    let key = key.clone();
    let found = tokio::task::spawn_blocking(move || crate::store::secrets::load_password(&key))
        .await
        .map_err(|e| FtpError::Protocol(format!("the keyring lookup stopped: {e}")))?;
    let password = match found {
        Ok(Some(password)) => password,
        Ok(None) => {
            return Err(FtpError::Protocol(format!(
                "no password is saved for {user}; enter it and connect again"
            )));
        }
        Err(e) => return Err(FtpError::Protocol(e.to_string())),
    };
    Ok(ConnectRequest {
        login: Login::Normal {
            user: user.clone(),
            password,
        },
        ..request.clone()
    })
}

/// USER, then PASS when asked. Returns the 230 reply.
async fn login(control: &mut Control, login: &Login) -> FtpResult<Reply> {
    let user = CommandLine::with_text("USER", login.user())?;
    let reply = control.execute(&user).await?;
    let reply = match reply.code {
        230 => return Ok(reply),
        331 => {
            let password = match login {
                Login::Anonymous => ANONYMOUS_PASSWORD,
                Login::Normal { password, .. } => password.expose(),
                // Resolved by `resolve_login` before connecting; never sent unresolved.
                Login::Keyring { .. } => "",
            };
            control
                .execute(&CommandLine::with_text("PASS", password)?)
                .await?
        }
        _ => return Err(FtpError::reply(reply)),
    };
    match reply.code {
        230 | 202 => Ok(reply),
        332 => Err(FtpError::Protocol(format!(
            "the server asks for an account (ACCT), which Ferry does not support: {}",
            reply.summary()
        ))),
        _ => Err(FtpError::reply(reply)),
    }
}
