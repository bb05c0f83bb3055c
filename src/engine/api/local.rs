//! The local disk as the window sees it: entries of a local folder, and what the local pane can
//! ask of the disk.

use std::ffi::OsString;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocalKind {
    File,
    Dir,
    Link,
    Other,
}

/// One entry of a local folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntry {
    /// For display (a name that is not valid Unicode shows with U+FFFD).
    pub name: String,
    /// As stored, for paths.
    pub os_name: OsString,
    pub kind: LocalKind,
    /// For a link, whether it points to a folder (it is browsed like one).
    pub to_dir: bool,
    pub size: u64,
    /// Local time.
    pub modified: Option<NaiveDateTime>,
    pub permissions: Option<String>,
    /// A dotfile (Unix), or marked hidden.
    pub hidden: bool,
}

impl LocalEntry {
    pub fn is_dir(&self) -> bool {
        self.kind == LocalKind::Dir || (self.kind == LocalKind::Link && self.to_dir)
    }
}

#[derive(Debug, Clone)]
pub struct LocalListing {
    pub path: PathBuf,
    pub entries: Vec<LocalEntry>,
}

/// What the local pane can ask of the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalCommand {
    List(PathBuf),
    Mkdir(PathBuf),
    /// Creates the folder and the missing ones above it, then lists it (synchronized browsing
    /// into a folder that is only on the server, once the person said to create it here).
    MkdirAndList(PathBuf),
    Rename {
        from: PathBuf,
        to: PathBuf,
    },
    /// Moves files and folders into the folder `into` (a drag onto a folder of the same
    /// pane); nothing moves when a name is taken there.
    Move {
        paths: Vec<PathBuf>,
        into: PathBuf,
    },
    /// Moves to the OS trash (recycle bin), from where it can be restored.
    Trash(Vec<PathBuf>),
    /// The folder the pane shows (`None`: none): it is listed again whenever something changes
    /// in it, whoever changed it. Starting a watch lists the folder once.
    Watch(Option<PathBuf>),
}
