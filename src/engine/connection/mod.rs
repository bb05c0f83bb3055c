//! One logged-in session: a control connection on suppaftp (`control`), TLS set up the way the
//! person chose (`tls`), what the server told about itself, and the commands Ferry sends on it:
//! folders (here), listings (`listing`), file facts and changes (`files`), and the data
//! connections transfers use.

mod clear_text;
mod control;
mod files;
mod listing;
pub(crate) mod tls;
mod wake;

use super::EventSink;
use super::api::certificate::{TlsMode, TlsOptions};
use super::api::command::{ConnectRequest, DirTarget, Login};
use super::api::event::{LogKind, Security, ServerInfo};
use super::error::{FtpError, FtpResult};
use crate::protocol::command::CommandLine;
use crate::protocol::features::Features;
use crate::protocol::listing::NameEncoding;
use crate::protocol::path::{RemotePath, parse_pwd_reply};
use crate::protocol::reply::Reply;

use control::Control;
pub(crate) use control::{DataStart, Transfer};
pub(crate) use files::{FolderMade, TimeKept};
use tls::Tls;

/// The password sent for anonymous logins, as FileZilla and most browsers do.
const ANONYMOUS_PASSWORD: &str = "anonymous@example.com";

pub(crate) struct Session {
    control: Control,
    encoding: NameEncoding,
    server_offset_minutes: i32,
    features: Features,
    system: Option<String>,
    /// The TYPE last set: `Some(true)` for ASCII.
    ascii_type: Option<bool>,
    /// The server said it does binary only: text files go unchanged.
    binary_only: bool,
    /// A Unix server stored a text upload with the CRLF line ends of the wire (vsftpd's
    /// default): it doesn't convert ASCII uploads (see `upload`).
    keeps_text_as_sent: bool,
    hash_selected: bool,
    cwd: RemotePath,
}

impl Session {
    /// Connects, reads the greeting, sets up TLS as asked, logs in, and asks SYST, FEAT and PWD.
    pub async fn connect(
        request: &ConnectRequest,
        sink: EventSink,
    ) -> FtpResult<(Self, ServerInfo)> {
        let tls = match request.tls.mode {
            TlsMode::Plain => None,
            _ => Some(
                Tls::new(&request.host, &request.tls)
                    .map_err(|e| certificate_context(e, &request.tls))?,
            ),
        };
        let (mut control, greeting) = open(request, tls.as_ref(), sink.clone()).await?;
        if let Some(tls) = &tls {
            control = negotiate_tls(control, tls, request, &sink).await?;
        }
        if request.tls.mode == TlsMode::Implicit {
            // AUTH TLS sets this up with the handshake; implicit TLS leaves it to the client.
            // suppaftp protects every data connection once TLS is on, so PROT P must hold.
            control
                .expect_completion(&CommandLine::with_text("PBSZ", "0")?)
                .await?;
            control
                .expect_completion(&CommandLine::with_text("PROT", "P")?)
                .await
                .map_err(|e| {
                    FtpError::Protocol(format!(
                        "the server refused to encrypt data connections ({e}); not connecting"
                    ))
                })?;
        }
        if !control.is_protected() && !matches!(request.login, Login::Anonymous) {
            control.sink().log(
                LogKind::Error,
                "This connection is not encrypted: the password is sent in the clear",
            );
        }
        control
            .sink()
            .log(LogKind::Status, "Connected, logging in...".to_owned());
        let login_reply = login(&mut control, &request.login).await?;
        // What the server tells about itself is worth having, not worth failing over: a garbled
        // or refused answer leaves the item out.
        let system = match optional(control.execute(&CommandLine::bare("SYST")).await)? {
            Some(reply) if reply.code == 215 => Some(reply.text().trim().to_owned()),
            _ => None,
        };
        let features = match optional(control.execute(&CommandLine::bare("FEAT")).await)? {
            Some(reply) => Features::from_reply(&reply),
            None => Features::default(),
        };
        if features.utf8() {
            // Some servers only send UTF-8 names after this; the reply doesn't matter.
            optional(
                control
                    .execute(&CommandLine::with_text("OPTS", "UTF8 ON")?)
                    .await,
            )?;
        }
        let security = Security {
            control: control.is_protected(),
            data: control.is_protected(),
            details: control.tls_description(),
        };
        let mut session = Session {
            control,
            encoding: request.encoding,
            server_offset_minutes: request.server_offset_minutes,
            features,
            system,
            ascii_type: None,
            binary_only: false,
            keeps_text_as_sent: false,
            hash_selected: false,
            cwd: RemotePath::root(),
        };
        session.cwd = match session.pwd().await {
            Ok(cwd) => cwd,
            Err(e) if !e.is_fatal() => {
                session.control.sink().log(
                    LogKind::Error,
                    format!("The current folder is unknown ({e}); taking it to be /"),
                );
                RemotePath::root()
            }
            Err(e) => return Err(e),
        };
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

    pub fn sink(&self) -> &EventSink {
        self.control.sink()
    }

    pub fn reply_timeout(&self) -> std::time::Duration {
        self.control.reply_timeout()
    }

    /// `REST STREAM` in FEAT: the server starts a RETR at any offset (segmented downloads).
    pub fn restarts_anywhere(&self) -> bool {
        self.features
            .get("REST")
            .is_some_and(|how| how.eq_ignore_ascii_case("STREAM"))
    }

    async fn pwd(&mut self) -> FtpResult<RemotePath> {
        let reply = self
            .control
            .expect_completion(&CommandLine::bare("PWD"))
            .await?;
        parse_pwd_reply(&reply).ok_or_else(|| FtpError::BadReply {
            doing: format!("PWD ({})", reply.summary()),
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

    /// Whether this server was seen to store text uploads as they came over the wire.
    pub fn keeps_text_as_sent(&self) -> bool {
        self.keeps_text_as_sent
    }

    /// Whether the server says it is a Unix system (SYST): its text files end lines in LF.
    pub fn is_unix(&self) -> bool {
        crate::protocol::listing::SystemHint::from_syst(self.system.as_deref())
            == crate::protocol::listing::SystemHint::Unix
    }

    /// After a text upload (see `ascii::kept_wire_line_ends`): a server that kept the wire's
    /// CRLF doesn't convert ASCII uploads.
    pub fn note_text_upload(&mut self, stored: u64, wire: u64, line_ends: u64, local: u64) {
        let unix = self.is_unix();
        if crate::protocol::ascii::kept_wire_line_ends(unix, stored, wire, line_ends, local) {
            self.keeps_text_as_sent = true;
        }
    }

    /// Sends RETR, STOR or APPE for `path` with its data connection.
    pub async fn start_transfer(&mut self, verb: &str, path: &[u8]) -> FtpResult<DataStart> {
        self.control
            .data_command(&CommandLine::with_arg(verb, path)?)
            .await
    }

    /// The reply that closes a transfer, once its data connection is done.
    pub async fn finish_transfer(&mut self, transfer: Transfer) -> FtpResult<()> {
        self.control.finish(transfer).await
    }

    /// Keeps an idle connection open: servers and routers drop silent ones.
    pub async fn noop(&mut self) -> FtpResult<()> {
        self.control
            .expect_completion(&CommandLine::bare("NOOP"))
            .await
            .map(drop)
    }

    /// What the server said unasked between commands (see [`Control::spoken_unasked`]).
    pub async fn spoken_unasked(&mut self) -> FtpResult<Option<Reply>> {
        self.control.spoken_unasked().await
    }

    pub async fn quit(self) {
        self.control.quit().await;
    }
}

/// A reply that is nice to have: a garbled or negative one is `None` (the session goes on); a
/// lost connection is still an error.
fn optional(result: FtpResult<Reply>) -> FtpResult<Option<Reply>> {
    match result {
        Ok(reply) if reply.is_completion() => Ok(Some(reply)),
        Ok(_) => Ok(None),
        Err(e) if !e.is_fatal() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a 2xx reply to TYPE A says the server stays in binary ("Always in binary mode").
fn type_a_means_binary(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("binary") && !text.contains("ascii")
}

/// The control connection, with the greeting; TLS from the first byte for implicit TLS.
async fn open(
    request: &ConnectRequest,
    tls: Option<&Tls>,
    sink: EventSink,
) -> FtpResult<(Control, Reply)> {
    let implicit = tls.filter(|_| request.tls.mode == TlsMode::Implicit);
    Control::connect(
        &request.host,
        request.port,
        request.timeouts.connect,
        request.timeouts.command,
        implicit,
        request.data_mode,
        sink,
    )
    .await
    .map_err(|e| certificate_context(e, &request.tls))
}

/// AUTH TLS when the mode asks for it. With `Explicit` a refusal means no connection. With
/// `IfAvailable`, the server's FEAT list says whether it offers TLS (suppaftp's AUTH TLS gives
/// up the connection when refused): no AUTH TLS there means plain FTP, said in the log; a
/// server that won't list its features is tried, and reconnected in plain FTP when it refuses.
async fn negotiate_tls(
    mut control: Control,
    tls: &Tls,
    request: &ConnectRequest,
    sink: &EventSink,
) -> FtpResult<Control> {
    match request.tls.mode {
        TlsMode::Plain | TlsMode::Implicit => return Ok(control),
        TlsMode::Explicit => {
            return match control.secure(tls).await {
                Ok(()) => Ok(control),
                Err(FtpError::Reply(reply)) => Err(FtpError::Protocol(format!(
                    "the server does not offer FTP over TLS ({}); not connecting without it",
                    reply.summary()
                ))),
                Err(e) => Err(certificate_context(e, &request.tls)),
            };
        }
        TlsMode::IfAvailable => {}
    }
    let feat = optional(control.execute(&CommandLine::bare("FEAT")).await)?;
    if let Some(feat) = &feat
        && !Features::from_reply(feat).auth_tls()
    {
        sink.log(
            LogKind::Error,
            "The server does not offer TLS (no AUTH TLS in its features); continuing with plain FTP",
        );
        return Ok(control);
    }
    match control.secure(tls).await {
        Ok(()) => Ok(control),
        // Refused before any TLS: the server has none. Its connection is gone with the refusal.
        Err(FtpError::Reply(reply)) if tls.description().is_none() => {
            sink.log(
                LogKind::Error,
                format!(
                    "The server does not offer TLS ({}); continuing with plain FTP",
                    reply.summary()
                ),
            );
            let plain = ConnectRequest {
                tls: TlsOptions {
                    mode: TlsMode::Plain,
                    ..request.tls.clone()
                },
                ..request.clone()
            };
            open(&plain, None, sink.clone()).await.map(|(c, _)| c)
        }
        Err(e) => Err(certificate_context(e, &request.tls)),
    }
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
