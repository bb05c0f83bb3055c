//! Expanding a folder item, one level at a time: its files become file items and its subfolders
//! folder items of their own, queued right after it. Any worker can then take a subfolder, so a
//! deep tree is listed and transferred by all the connections at once, not walked by one while
//! the others wait.
//!
//! Names from the server become local names only through `safe_local_name`, so a hostile listing
//! can't write outside the chosen folder.

use std::path::Path;

use super::api::event::LogKind;
use super::api::queue::{Direction, TransferRequest};
use super::connection::Session;
use super::error::{FtpError, FtpResult};
use super::transfer::{PARTIAL_NOT_SENT, is_partial_file};
use crate::protocol::listing::EntryKind;
use crate::protocol::local_name::{join_inside, local_name_bytes, safe_local_name};

/// Deeper than this, a walk stops (a server that lists a folder inside itself).
const MAX_DEPTH: usize = 64;
/// More entries than this in one folder are refused rather than queued.
const MAX_ENTRIES: usize = 1_000_000;

/// What one level of a folder holds: items to queue, and names skipped, with why.
#[derive(Debug, Default)]
pub(crate) struct Level {
    pub items: Vec<TransferRequest>,
    pub skipped: Vec<(String, String)>,
}

fn too_deep(request: &TransferRequest) -> bool {
    let depth = match request.direction {
        Direction::Download => request.remote.ancestors_and_self().len(),
        Direction::Upload => request.local.components().count(),
    };
    depth > MAX_DEPTH + 32
}

/// Lists the remote folder `request.remote`, creates the local folder `request.local`, and
/// returns a download request per entry (folders as folder requests).
pub(crate) async fn remote_level(
    session: &mut Session,
    request: &TransferRequest,
) -> FtpResult<Result<Level, String>> {
    if too_deep(request) {
        return Ok(Err(format!("nested more than {MAX_DEPTH} folders deep")));
    }
    if let Err(e) = std::fs::create_dir_all(&request.local) {
        // Said as the opposite case is ("a folder named … is in the way"), not as errno 17.
        if request.local.is_file() {
            return Ok(Err(format!(
                "a file named {} is in the way of the folder",
                request.local.display()
            )));
        }
        return Ok(Err(format!(
            "could not create {}: {e}",
            request.local.display()
        )));
    }
    let listing = session.list_path(&request.remote).await?;
    if listing.entries.len() > MAX_ENTRIES {
        return Ok(Err(format!(
            "more than {MAX_ENTRIES} entries; queue smaller folders"
        )));
    }
    let mut level = Level::default();
    for entry in listing.entries {
        let local_name = match safe_local_name(&entry.name.text) {
            Ok(name) => name,
            Err(why) => {
                level
                    .skipped
                    .push((entry.name.text.clone(), why.to_string()));
                continue;
            }
        };
        if local_name != entry.name.text {
            session.sink().log(
                LogKind::Status,
                format!(
                    "Saving {:?} as {:?} (a name this system can't take as it is)",
                    entry.name.text, local_name
                ),
            );
        }
        let Some(local) = join_inside(&request.local, Path::new(&local_name)) else {
            level.skipped.push((
                entry.name.text.clone(),
                "would land outside the folder".into(),
            ));
            continue;
        };
        level.items.push(TransferRequest {
            direction: Direction::Download,
            remote: request.remote.join_name(&entry.name),
            local,
            // A link is fetched as the file it points to; it is never made a local link.
            is_dir: entry.kind == EntryKind::Dir,
            size: entry.size.filter(|_| entry.kind != EntryKind::Dir),
            // A listed time to the minute or better saves an MDTM per file; a date alone doesn't.
            modified: entry.transfer_time(),
            transfer_type: request.transfer_type,
            conflict: request.conflict,
            after: None,
        });
    }
    Ok(Ok(level))
}

/// Reads the local folder `request.local`, creates the remote folder `request.remote`, and
/// returns an upload request per entry. Links to folders are not followed (they could loop).
pub(crate) async fn local_level(
    session: &mut Session,
    request: &TransferRequest,
) -> FtpResult<Result<Level, String>> {
    if too_deep(request) {
        return Ok(Err(format!("nested more than {MAX_DEPTH} folders deep")));
    }
    let folder = request.local.clone();
    let read = tokio::task::spawn_blocking(move || read_local(&folder))
        .await
        .map_err(|e| FtpError::Protocol(format!("the folder scan stopped: {e}")))?;
    let entries = match read {
        Ok(entries) => entries,
        Err(e) => {
            return Ok(Err(format!(
                "could not read {}: {e}",
                request.local.display()
            )));
        }
    };
    match session.make_dir(&request.remote).await {
        Ok(_) => {}
        // Refused for good: the folder fails, once, and none of its files is tried.
        Err(FtpError::Reply(reply)) if reply.code >= 500 => {
            return Ok(Err(format!(
                "could not make the folder {} on the server: {}",
                request.remote.display(),
                reply.summary()
            )));
        }
        Err(e) => return Err(e),
    }
    let mut level = Level::default();
    for (path, name, kind) in entries {
        match kind {
            LocalKind::Folder | LocalKind::File(_) => level.items.push(TransferRequest {
                direction: Direction::Upload,
                remote: request.remote.join(&local_name_bytes(&name)),
                local: path,
                is_dir: kind == LocalKind::Folder,
                size: match kind {
                    LocalKind::File(size) => Some(size),
                    _ => None,
                },
                modified: None,
                transfer_type: request.transfer_type,
                conflict: request.conflict,
                after: None,
            }),
            LocalKind::Skipped(why) => level
                .skipped
                .push((name.to_string_lossy().into_owned(), why)),
        }
    }
    Ok(Ok(level))
}

#[derive(Debug, PartialEq, Eq)]
enum LocalKind {
    Folder,
    File(u64),
    Skipped(String),
}

fn read_local(
    folder: &Path,
) -> std::io::Result<Vec<(std::path::PathBuf, std::ffi::OsString, LocalKind)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder)?.take(MAX_ENTRIES) {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) if kind.is_dir() => LocalKind::Folder,
            // Regular files, and links to files; links to folders are skipped.
            Ok(_) => match std::fs::metadata(&path) {
                // A download in progress (or stopped) into this folder: half a file, and the
                // server would keep it under a name no one meant to give it.
                Ok(metadata)
                    if metadata.is_file()
                        && is_partial_file(&entry.file_name().to_string_lossy()) =>
                {
                    LocalKind::Skipped(PARTIAL_NOT_SENT.into())
                }
                Ok(metadata) if metadata.is_file() => LocalKind::File(metadata.len()),
                Ok(_) => LocalKind::Skipped("a link to a folder (not followed)".into()),
                Err(e) => LocalKind::Skipped(e.to_string()),
            },
            Err(e) => LocalKind::Skipped(e.to_string()),
        };
        found.push((path, entry.file_name(), kind));
    }
    Ok(found)
}
