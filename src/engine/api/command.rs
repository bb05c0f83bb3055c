//! What a face (GUI or CLI) asks of the engine.

use std::time::Duration;

use super::certificate::{TlsMode, TlsOptions};
use super::local::LocalCommand;
use super::queue::{ConflictAnswer, QueueAction, TransferId, TransferRequest, TransferType};
use crate::protocol::listing::{NameEncoding, RemoteName};
use crate::protocol::path::RemotePath;
use crate::store::secret::Secret;
use crate::store::settings::{Settings, TransferSettings};
use crate::store::sites::{Logon, Protocol, Site};

#[derive(Debug, Clone)]
pub enum Command {
    /// Connect the browsing session (dropping any current one) and list the start folder.
    Connect(ConnectRequest),
    /// Drop the browsing session at once, even in the middle of connecting.
    Disconnect,
    /// Enter a folder and list it. `Child` and `Parent` are relative to `from`, the folder the
    /// user is looking at (the browsing session may have listed another since).
    ChangeDir { from: RemotePath, target: DirTarget },
    /// List a folder without entering it: a tree node opening, a refresh (F5).
    List(RemotePath),
    /// Create a folder `name` in `dir`.
    Mkdir { dir: RemotePath, name: Vec<u8> },
    /// Rename `from` in `dir` to `to` (a name, or a path to move it).
    Rename {
        dir: RemotePath,
        from: RemoteName,
        to: Vec<u8>,
    },
    /// Move entries of `dir` into the folder `into` (a drag onto a folder of the same pane),
    /// one by one; none onto a name that is taken there.
    Move {
        dir: RemotePath,
        names: Vec<RemoteName>,
        into: RemotePath,
    },
    /// Delete files, and folders with everything in them, from `dir`.
    Delete {
        dir: RemotePath,
        items: Vec<RemoteItem>,
    },
    /// `SITE CHMOD mode name` for each name in `dir`.
    Chmod {
        dir: RemotePath,
        names: Vec<RemoteName>,
        mode: u32,
    },
    /// Queue transfers with the browsing connection's site and login.
    Enqueue(Vec<TransferRequest>),
    /// Queue transfers for a login of their own, with no browsing session (the CLI): the queue's
    /// sessions log in as they need. Requests the queue already has (a run continued from its
    /// queue file) are not queued twice.
    EnqueueFor {
        login: Box<ConnectRequest>,
        requests: Vec<TransferRequest>,
    },
    /// Upload local files and folders (picked or dropped) into a remote folder: the engine looks
    /// at each path (file or folder, size) itself, so the window never touches the disk.
    UploadPaths {
        paths: Vec<std::path::PathBuf>,
        into: RemotePath,
    },
    /// Pause, resume, cancel, retry, remove or move queue items.
    Queue {
        ids: Vec<TransferId>,
        action: QueueAction,
    },
    /// The same for every item.
    QueueAll(QueueAction),
    /// Move items to before another (or to the end), as a drag in the queue does.
    MoveQueueItems {
        ids: Vec<TransferId>,
        before: Option<TransferId>,
    },
    /// Remove finished and skipped items.
    ClearFinished,
    /// The answer to `AskConflict`. To leave the item unanswered (paused), send
    /// `Queue { action: Pause }` instead.
    AnswerConflict {
        id: TransferId,
        answer: ConflictAnswer,
    },
    /// New transfer settings (simultaneous transfers, speed limits, policy...).
    SetTransferSettings(TransferSettings),
    /// Walk both folders and plan a sync: `Event::SyncPlanned`. Changes nothing.
    PlanSync(Box<crate::engine::sync::run::SyncRequest>),
    /// Carry out a plan (the actions the person kept): folders and deletions now, transfers
    /// through the queue. `Event::SyncStarted`.
    RunSync(Box<crate::engine::sync::run::SyncPlan>),
    /// Read a remote file and hand its bytes to `into` as they arrive (`ferry get URL -`):
    /// first its size, then the bytes, then `End` once the server confirmed the end and the
    /// size agrees. A failure is a `CommandFailed` (and `into` closes).
    Fetch {
        path: RemotePath,
        into: tokio::sync::mpsc::Sender<FetchPart>,
    },
    /// Watch a local folder and upload its changes to the server as they happen (`None`:
    /// stop). `Event::Watching`, then `Event::WatchStopped` when it ends (a disconnect too).
    KeepUpToDate(Option<Box<crate::engine::watch::KeepUpToDate>>),
    /// After a sync's transfers: keep both trees for the next two-way sync.
    /// `Event::SyncRemembered`.
    RememberSync(Box<crate::engine::sync::run::SyncRequest>),
    /// Work on the local disk, for the local pane.
    Local(LocalCommand),
}

/// A file or folder named in a command: its raw name, and whether to treat it as a folder
/// (links are deleted as themselves, never followed).
/// What `Command::Fetch` hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchPart {
    /// The size the server gave, if it did.
    Size(Option<u64>),
    Bytes(Vec<u8>),
    /// Every byte came, and the server confirmed it: how many.
    End(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteItem {
    pub name: RemoteName,
    pub is_dir: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirTarget {
    Path(RemotePath),
    Child(RemoteName),
    Parent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Anonymous,
    Normal {
        user: String,
        password: Secret,
    },
    /// A saved site's login: the engine reads the password from the OS keyring (off the
    /// window's thread) when it connects.
    Keyring {
        user: String,
        key: String,
    },
}

impl Login {
    pub fn user(&self) -> &str {
        match self {
            Login::Anonymous => "anonymous",
            Login::Normal { user, .. } | Login::Keyring { user, .. } => user,
        }
    }
}

pub use crate::store::settings::DataMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub command: Duration,
    /// NOOP on the idle browsing connection after a random wait in this range.
    pub keep_alive: Option<(Duration, Duration)>,
    /// The first pause before logging in again after a dropped connection (it doubles).
    pub retry_delay: Duration,
}

impl Timeouts {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            connect: settings.connect_timeout(),
            command: settings.command_timeout(),
            keep_alive: settings.keep_alive(),
            retry_delay: settings.retry_delay(),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self::from_settings(&Settings::default())
    }
}

#[derive(Debug, Clone)]
pub struct ConnectRequest {
    /// How file names are decoded for display; raw bytes are kept either way.
    pub encoding: NameEncoding,
    /// The server's time zone, minutes east of UTC, for LIST times.
    pub server_offset_minutes: i32,
    pub host: String,
    pub port: u16,
    pub login: Login,
    pub data_mode: DataMode,
    /// The folder to open after login; `None` for the server's login folder.
    pub initial_path: Option<RemotePath>,
    pub timeouts: Timeouts,
    /// List the start folder once logged in (a browsing window wants it; `ferry get` doesn't).
    pub list_start: bool,
    pub tls: TlsOptions,
    /// The connection's transfer type (the site's, or the one chosen in Options); `None` leaves
    /// it to the setting.
    pub transfer_type: Option<TransferType>,
}

impl ConnectRequest {
    /// Whether a session made from `other` is one made from this request: the same server,
    /// login, encryption (with the certificates trusted), data connections, names and times.
    /// Where to start and whether to list it don't matter to a transfer connection.
    pub fn makes_the_same_session(&self, other: &Self) -> bool {
        self.host == other.host
            && self.port == other.port
            && self.login == other.login
            && self.tls == other.tls
            && self.data_mode == other.data_mode
            && self.encoding == other.encoding
            && self.server_offset_minutes == other.server_offset_minutes
            && self.transfer_type == other.transfer_type
            && self.timeouts == other.timeouts
    }

    /// The connection a saved site describes. A normal logon's password comes from the
    /// keyring, read by the engine when it connects; "ask for password" leaves it empty for the
    /// face to fill in.
    pub fn for_site(site: &Site, timeouts: Timeouts) -> Self {
        let mode = match (site.protocol, site.tls_if_available) {
            (Protocol::Ftp, true) => TlsMode::IfAvailable,
            (Protocol::Ftp, false) => TlsMode::Plain,
            (Protocol::FtpsExplicit, _) => TlsMode::Explicit,
            (Protocol::FtpsImplicit, _) => TlsMode::Implicit,
        };
        let login = match site.logon {
            Logon::Anonymous => Login::Anonymous,
            Logon::Normal => Login::Keyring {
                user: site.user.clone(),
                key: site.id.clone(),
            },
            Logon::AskPassword => Login::Normal {
                user: site.user.clone(),
                password: Secret::default(),
            },
        };
        ConnectRequest {
            host: site.host.trim().to_owned(),
            port: site.port,
            login,
            data_mode: site.transfer_mode,
            initial_path: (!site.remote_dir.trim().is_empty())
                .then(|| RemotePath::from_text(site.remote_dir.trim())),
            timeouts,
            encoding: site.encoding,
            server_offset_minutes: site.server_offset_minutes,
            list_start: true,
            tls: TlsOptions {
                mode,
                ..TlsOptions::default()
            },
            transfer_type: site.transfer_type,
        }
    }
}
