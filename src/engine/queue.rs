//! The transfer queue: what is to be moved, in which order, and how far each item got. The
//! engine owns it; faces see it through `QueueEvent`s and change it through commands.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::protocol::path::RemotePath;
pub use crate::store::settings::ConflictPolicy;

pub type TransferId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Download,
    Upload,
}

/// Binary, ASCII, or decided by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TransferType {
    #[default]
    Auto,
    Binary,
    Ascii,
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
    pub transfer_type: TransferType,
    /// This item's own conflict policy, over the queue's (an edited file going back up).
    #[serde(default)]
    pub conflict: Option<ConflictPolicy>,
    /// What to do with a finished download.
    #[serde(default)]
    pub after: Option<AfterDownload>,
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
    Skipped,
}

impl ItemState {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            ItemState::Done | ItemState::Failed | ItemState::Skipped
        )
    }

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
    /// Why it failed or was skipped, or what it is doing.
    pub message: Option<String>,
    /// The folder item this file came from, for recursive transfers.
    pub parent: Option<TransferId>,
}

impl QueueItem {
    /// The name shown for the item: the last part of the source path.
    pub fn name(&self) -> String {
        match self.request.direction {
            Direction::Download => self
                .request
                .remote
                .file_name()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_else(|| self.request.remote.display()),
            Direction::Upload => self
                .request
                .local
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.request.local.display().to_string()),
        }
    }
}

/// Both sides of a conflict, for the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub size: Option<u64>,
    pub modified: Option<NaiveDateTime>,
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
    /// The target exists and the policy is Ask.
    AskConflict {
        id: TransferId,
        source: FileFacts,
        target: FileFacts,
    },
}
