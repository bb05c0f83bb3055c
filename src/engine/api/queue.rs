//! The transfer queue as faces see it: what is to be moved, in which order, how far each item
//! got, and the questions the engine asks. The engine owns the queue; faces see it through
//! `QueueEvent`s and change it through commands.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::command::ConnectRequest;
use super::event::Failure;
use crate::protocol::path::RemotePath;
pub use crate::store::settings::{ConflictPolicy, TransferType};

pub type TransferId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Download,
    Upload,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Download => "download",
            Direction::Upload => "upload",
        }
    }
}

/// One thing to move: a file, or a folder with everything in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub direction: Direction,
    /// The remote file or folder (for an upload: where it goes).
    pub remote: RemotePath,
    /// The local file or folder (for a download: where it goes).
    pub local: PathBuf,
    pub is_dir: bool,
    /// The size as listed, when known.
    pub size: Option<u64>,
    /// The modification time as listed (UTC when the listing said so).
    pub modified: Option<NaiveDateTime>,
    /// `Auto` defers to the connection's transfer type (the site's, or the setting's); an `Auto`
    /// there means ASCII for the listed text extensions, binary for the rest.
    pub transfer_type: TransferType,
    /// This item's own conflict policy, over the queue's (an edited file going back up).
    #[serde(default)]
    pub conflict: Option<ConflictPolicy>,
    /// What to do with a finished download.
    #[serde(default)]
    pub after: Option<AfterDownload>,
}

#[cfg(test)]
impl TransferRequest {
    /// A 10-byte binary file, `/name` on the server and `/tmp/name` here, for unit tests.
    pub(crate) fn sample(direction: Direction, name: &str) -> Self {
        Self {
            direction,
            remote: RemotePath::from_text(&format!("/{name}")),
            local: PathBuf::from(format!("/tmp/{name}")),
            is_dir: false,
            size: Some(10),
            modified: None,
            transfer_type: TransferType::Binary,
            conflict: None,
            after: None,
        }
    }
}

impl QueueItem {
    /// An item nothing has happened to yet: its size as the request knows it, nothing moved.
    pub(crate) fn new(id: TransferId, request: TransferRequest, state: ItemState) -> Self {
        Self {
            id,
            total: request.size,
            request,
            state,
            transferred: 0,
            moved: 0,
            message: None,
            parent: None,
            failure: None,
            segmented: None,
            segments: Vec::new(),
        }
    }

    /// Item 1, a download of `/a.bin` in `state` with nothing moved yet, for unit tests.
    #[cfg(test)]
    pub(crate) fn sample(state: ItemState) -> Self {
        Self::new(
            1,
            TransferRequest::sample(Direction::Download, "a.bin"),
            state,
        )
    }
}

impl TransferRequest {
    /// Where the bytes go: the local path of a download, the remote path of an upload.
    pub fn target_text(&self) -> String {
        match self.direction {
            Direction::Download => self.local.display().to_string(),
            Direction::Upload => self.remote.display(),
        }
    }

    /// Where the bytes come from.
    pub fn source_text(&self) -> String {
        match self.direction {
            Direction::Download => self.remote.display(),
            Direction::Upload => self.local.display().to_string(),
        }
    }
}

/// "Open" and "Edit" from the file list: the download goes to a temporary folder and is then
/// opened with the system's default application (and, for Edit, watched for changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AfterDownload {
    Open,
    Edit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemState {
    Queued,
    Connecting,
    Transferring,
    Paused,
    /// Waiting for the person to say what to do about an existing target.
    Asking,
    Done,
    Failed,
    /// Left alone on purpose (the person's answer or policy): nothing was written.
    Skipped,
}

impl ItemState {
    /// Ended: done, failed or skipped.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            ItemState::Done | ItemState::Failed | ItemState::Skipped
        )
    }

    /// Holding a connection: connecting or moving bytes.
    pub fn is_active(self) -> bool {
        matches!(self, ItemState::Connecting | ItemState::Transferring)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemState::Queued => "Queued",
            ItemState::Connecting => "Connecting",
            ItemState::Transferring => "Transferring",
            ItemState::Paused => "Paused",
            ItemState::Asking => "Waiting for your answer",
            ItemState::Done => "Done",
            ItemState::Failed => "Failed",
            ItemState::Skipped => "Skipped",
        }
    }
}

/// An item as faces see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: TransferId,
    pub request: TransferRequest,
    pub state: ItemState,
    /// Bytes of the target that are in place (a resume starts above 0).
    pub transferred: u64,
    /// The size to reach, once known.
    pub total: Option<u64>,
    /// Bytes that really crossed the network for this item in this run (a resume moves fewer
    /// than `total`; a skipped item none).
    #[serde(default)]
    pub moved: u64,
    /// Why it failed or was skipped, or what it is doing.
    pub message: Option<String>,
    /// The folder item this file came from, for recursive transfers.
    pub parent: Option<TransferId>,
    /// What went wrong, when the engine failed it (a connection or a server's refusal): its kind
    /// says how a script should hear of it. Not kept between runs.
    #[serde(skip)]
    pub failure: Option<Failure>,
    /// The person's choice for this download: split it over several connections or not
    /// (`None`: the setting decides).
    #[serde(default)]
    pub segmented: Option<bool>,
    /// A segmented download's ranges and how far each is, by offset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentProgress>,
}

/// One range of a segmented download: `[start, end)`, with `done` bytes in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentProgress {
    pub start: u64,
    pub end: u64,
    pub done: u64,
}

/// The message of an item brought back from the saved queue.
pub const RESTORED: &str = "restored from the last run";

/// The message of an item the person cancelled: it waits among the failed ones, where Retry
/// continues it, but nothing went wrong.
pub const CANCELLED: &str = "cancelled";

impl QueueItem {
    /// The name shown for the item: the last part of the source path.
    pub fn name(&self) -> String {
        match self.request.direction {
            Direction::Download => self.remote_name(),
            Direction::Upload => self.local_name(),
        }
    }

    /// The name of the file or folder where it goes: the same, or another when it was renamed
    /// on the way ("Rename" when the target existed).
    pub fn target_name(&self) -> String {
        match self.request.direction {
            Direction::Download => self.local_name(),
            Direction::Upload => self.remote_name(),
        }
    }

    fn remote_name(&self) -> String {
        let remote = &self.request.remote;
        remote
            .file_name()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| remote.display())
    }

    fn local_name(&self) -> String {
        let local = &self.request.local;
        local
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| local.display().to_string())
    }
}

/// What is known of a file on one side of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileFacts {
    pub size: Option<u64>,
    pub modified: Option<NaiveDateTime>,
}

/// A target that exists, and what the person is asked about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub id: TransferId,
    pub direction: Direction,
    /// Full paths, as shown: the file to be sent and the one already there.
    pub source_path: String,
    pub target_path: String,
    pub source: FileFacts,
    pub target: FileFacts,
    /// The name "Rename" would give the new file (`name (1).ext`), free when asked.
    pub suggested_name: String,
    /// The file goes in text mode (ASCII): its sizes on the two sides don't line up, so
    /// "Resume" has no offset to continue from.
    pub text_mode: bool,
}

/// The person's answer to a `Conflict`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictAnswer {
    pub choice: ConflictPolicy,
    /// With `Rename`: the name to write under instead of the suggested one.
    pub rename_to: Option<String>,
    /// The same answer for every other item of this queue going the same way (uploads or
    /// downloads), now and when they come to it; items queued later are asked anew.
    pub for_all: bool,
}

impl ConflictAnswer {
    pub fn new(choice: ConflictPolicy) -> Self {
        Self {
            choice,
            rename_to: None,
            for_all: false,
        }
    }
}

#[derive(Debug, Clone)]
pub enum QueueEvent {
    /// Items were added: after `after` (a folder being expanded), or at the end.
    Added {
        after: Option<TransferId>,
        items: Vec<QueueItem>,
    },
    /// An item's state, size or message changed.
    Updated(QueueItem),
    /// Bytes moved (at most about ten times a second per item).
    Progress {
        id: TransferId,
        transferred: u64,
        total: Option<u64>,
        /// Bytes per second, smoothed.
        rate: f64,
    },
    Removed(Vec<TransferId>),
    /// The whole order, after a move.
    Reordered(Vec<TransferId>),
    /// The target exists and the rule is to ask: the item waits (state `Asking`) for an
    /// `AnswerConflict`, or a pause.
    AskConflict(Box<Conflict>),
}

/// What the person can do to items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    /// Stop (a running transfer keeps its bytes, to resume from) and hold.
    Pause,
    Resume,
    /// Stop, and put it in the Failed list (it can be retried).
    Cancel,
    /// Queue a failed or skipped item again (a conflict is asked again).
    Retry,
    /// Take it out of the queue (stopping it first).
    Remove,
    MoveUp,
    MoveDown,
    /// Split this download over several connections (or not), over the setting.
    Segmented(bool),
}

impl QueueAction {
    /// Whether the action means anything for an item in `state` (menus offer only these).
    pub fn applies_to(self, state: ItemState) -> bool {
        match self {
            QueueAction::Pause => !state.is_finished() && state != ItemState::Paused,
            QueueAction::Resume => state == ItemState::Paused,
            QueueAction::Cancel => !state.is_finished(),
            QueueAction::Retry => matches!(state, ItemState::Failed | ItemState::Skipped),
            QueueAction::Remove | QueueAction::MoveUp | QueueAction::MoveDown => true,
            QueueAction::Segmented(_) => !state.is_finished(),
        }
    }
}

/// The server and account an item belongs to. The password is not part of it: it comes from
/// the live connection to that site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SiteKey {
    pub host: String,
    pub port: u16,
    pub user: String,
}

impl SiteKey {
    pub fn of(request: &ConnectRequest) -> Self {
        Self {
            host: request.host.clone(),
            port: request.port,
            user: request.login.user().to_owned(),
        }
    }
}

impl std::fmt::Display for SiteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}:{}", self.user, self.host, self.port)
    }
}
