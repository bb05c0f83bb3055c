//! What the engine tells its faces.

use chrono::{DateTime, Local};

use std::path::PathBuf;

use super::certificate::CertificateInfo;
use super::listing_chunk::ListingChunk;
use super::local::LocalListing;
use super::queue::QueueEvent;
use crate::protocol::features::Features;
use crate::protocol::listing::{Listing, ListingContext};
use crate::protocol::path::RemotePath;

#[derive(Debug, Clone)]
pub enum Event {
    Connecting {
        host: String,
        port: u16,
    },
    Connected(Box<ServerInfo>),
    Log(LogLine),
    /// What is in a folder: the one just entered, or one listed for the tree or a refresh.
    Listing(Box<DirListing>),
    /// A listing starts: how to read the bytes that follow (only with
    /// `EngineOptions::listing_bytes`).
    ListingFormat(Box<ListingContext>),
    /// The next bytes of that listing, as the server sent them.
    ListingBytes(ListingChunk),
    /// A command was refused; the session goes on.
    CommandFailed {
        what: String,
        failure: Failure,
        /// The folder it was opening, when it was opening one by its path.
        opening: Option<RemotePath>,
    },
    /// The browsing connection was lost between commands (the server's idle timeout, say): the
    /// session goes on, and logs in again at the next command.
    ConnectionDropped {
        why: String,
    },
    /// The browsing session logged in again after its connection was lost.
    Reconnected,
    /// The browsing session ended: `reason` is `None` when the user asked for it.
    Disconnected {
        reason: Option<Failure>,
    },
    /// The transfer queue changed.
    Queue(QueueEvent),
    /// A local folder's entries.
    LocalListing(Box<LocalListing>),
    /// A local operation failed (or a folder could not be listed).
    LocalFailed {
        path: PathBuf,
        reason: String,
        /// It failed because `path` is not there (as opposed to no permission, say).
        missing: bool,
    },
    /// A file opened for editing was saved: offer to upload it back.
    EditedFileChanged {
        local: PathBuf,
        remote: RemotePath,
    },
    /// The plan of `Command::PlanSync`.
    SyncPlanned(Box<crate::engine::sync::run::SyncPlan>),
    /// `Command::RunSync` made its folders and deletions and queued its transfers.
    SyncStarted(crate::engine::sync::run::SyncStarted),
    /// `Command::RememberSync` kept both trees.
    SyncRemembered,
    /// A local folder is being kept up to date on the server.
    Watching {
        local: PathBuf,
        remote: RemotePath,
    },
    /// Keeping it up to date ended, and why (stopped, disconnected...).
    WatchStopped {
        why: String,
    },
}

/// What kind of thing went wrong, for exit codes and icons; the message says the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The host could not be found or reached.
    Connect,
    Timeout,
    /// The server refused the user name or password.
    Login,
    /// The server refused a command (no such folder, permission denied...).
    Remote,
    /// The connection broke, or the server said something that makes no sense.
    Protocol,
    /// The server's TLS certificate is not trusted: `Failure::certificate` says why.
    Certificate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    /// The server's reply code, when a reply was the cause.
    pub code: Option<u16>,
    /// The certificate in question, for `Certificate` failures.
    pub certificate: Option<Box<CertificateInfo>>,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: None,
            certificate: None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the server said about itself: the welcome-banner view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerInfo {
    pub host: String,
    pub port: u16,
    /// The 220 greeting, every line, without the reply codes.
    pub greeting: Vec<String>,
    /// The text of the 230 reply to the login.
    pub login_message: Vec<String>,
    /// The SYST reply text, when the server answers it.
    pub system: Option<String>,
    pub features: Features,
    pub cwd: RemotePath,
    pub security: Security,
}

/// What protects the connection: shown as a lock in the status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    /// Commands and replies (and so the password) are encrypted.
    pub control: bool,
    /// File data and listings are encrypted (PROT P).
    pub data: bool,
    /// The TLS version and cipher, when there is TLS.
    pub details: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DirListing {
    pub path: RemotePath,
    pub listing: Listing,
    /// True when this answers a `ChangeDir`: the folder to show now.
    pub entered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// Ferry's own account of what it does.
    Status,
    /// A command line sent (passwords already masked).
    Command,
    /// A reply line received.
    Reply,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub time: DateTime<Local>,
    pub kind: LogKind,
    pub text: String,
}

impl LogLine {
    pub fn now(kind: LogKind, text: impl Into<String>) -> Self {
        Self {
            time: Local::now(),
            kind,
            text: text.into(),
        }
    }

    /// `21:04:05 > PASS ****`, the form used when the log is copied or printed.
    pub fn to_text(&self) -> String {
        let arrow = match self.kind {
            LogKind::Status => "*",
            LogKind::Command => ">",
            LogKind::Reply => "<",
            LogKind::Error => "!",
        };
        format!("{} {arrow} {}", self.time.format("%H:%M:%S"), self.text)
    }
}
