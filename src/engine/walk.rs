//! Expanding a folder item into the files under it: a remote tree walked with the listing parser
//! (for downloads, local folders are created as it goes), or a local tree walked on disk (for
//! uploads, remote folders are created). Names from the server become local names only through
//! `safe_local_name`, so a hostile listing can't write outside the chosen folder.

use std::path::{Path, PathBuf};

use super::error::FtpResult;
use super::event::LogKind;
use super::queue::{Direction, TransferRequest};
use super::session::Session;
use crate::protocol::listing::EntryKind;
use crate::protocol::local_name::{join_inside, local_name_bytes, safe_local_name};
use crate::protocol::path::RemotePath;

/// Deeper than this, a walk stops (a server that lists a folder inside itself).
const MAX_DEPTH: usize = 64;
/// More files than this in one folder item is refused rather than queued.
const MAX_FILES: usize = 1_000_000;

/// What a walk found: files to queue, and names it skipped, with why.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub files: Vec<TransferRequest>,
    pub skipped: Vec<(String, String)>,
}

/// Lists `request.remote` and every folder under it; creates the local folders under
/// `request.local` and returns a download request per file.
pub(crate) async fn remote_tree(
    session: &mut Session,
    request: &TransferRequest,
) -> FtpResult<Result<Walked, String>> {
    let mut walked = Walked::default();
    let root = request.local.clone();
    if let Err(e) = std::fs::create_dir_all(&root) {
        return Ok(Err(format!("could not create {}: {e}", root.display())));
    }
    // (remote folder, local folder, depth)
    let mut pending = vec![(request.remote.clone(), root.clone(), 0usize)];
    while let Some((remote_dir, local_dir, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            walked.skipped.push((
                remote_dir.display(),
                format!("nested more than {MAX_DEPTH} folders deep"),
            ));
            continue;
        }
        let listing = session.list_path(&remote_dir).await?;
        for entry in listing.entries {
            let local_name = match safe_local_name(&entry.name.text) {
                Ok(name) => name,
                Err(why) => {
                    walked
                        .skipped
                        .push((entry.name.text.clone(), why.to_string()));
                    continue;
                }
            };
            if local_name != entry.name.text {
                session.sink().log(
                    LogKind::Status,
                    format!(
                        "Saving {:?} as {:?} (a name unsafe on this disk)",
                        entry.name.text, local_name
                    ),
                );
            }
            let Some(local) = join_inside(&local_dir, Path::new(&local_name)) else {
                walked.skipped.push((
                    entry.name.text.clone(),
                    "would land outside the folder".into(),
                ));
                continue;
            };
            let remote = remote_dir.join_name(&entry.name);
            match entry.kind {
                EntryKind::Dir => {
                    if let Err(e) = std::fs::create_dir_all(&local) {
                        walked.skipped.push((
                            entry.name.text.clone(),
                            format!("could not create {}: {e}", local.display()),
                        ));
                        continue;
                    }
                    pending.push((remote, local, depth + 1));
                }
                // A link is fetched as the file it points to; it is never made a local link.
                EntryKind::File | EntryKind::Link { .. } | EntryKind::Other => {
                    walked.files.push(TransferRequest {
                        direction: Direction::Download,
                        remote,
                        local,
                        is_dir: false,
                        size: entry.size,
                        modified: entry.modified.map(|m| m.time),
                        transfer_type: request.transfer_type,
                        conflict: request.conflict,
                        after: None,
                    });
                }
            }
            if walked.files.len() > MAX_FILES {
                return Ok(Err(format!(
                    "more than {MAX_FILES} files; queue smaller folders"
                )));
            }
        }
    }
    Ok(Ok(walked))
}

/// Walks `request.local`, creates each folder on the server under `request.remote`, and returns
/// an upload request per file. Links to folders are not followed (they could loop).
pub(crate) async fn local_tree(
    session: &mut Session,
    request: &TransferRequest,
) -> FtpResult<Result<Walked, String>> {
    let root = request.local.clone();
    let remote_root = request.remote.clone();
    let (transfer_type, conflict) = (request.transfer_type, request.conflict);
    let found = tokio::task::spawn_blocking(move || scan_local(&root, &remote_root))
        .await
        .map_err(|e| super::error::FtpError::Protocol(format!("the folder scan stopped: {e}")))?;
    let (folders, files, skipped) = match found {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    for folder in &folders {
        session.make_dir(folder).await?;
    }
    Ok(Ok(Walked {
        files: files
            .into_iter()
            .map(|(local, remote, size)| TransferRequest {
                direction: Direction::Upload,
                remote,
                local,
                is_dir: false,
                size: Some(size),
                modified: None,
                transfer_type,
                conflict,
                after: None,
            })
            .collect(),
        skipped,
    }))
}

type LocalScan = (
    Vec<RemotePath>,
    Vec<(PathBuf, RemotePath, u64)>,
    Vec<(String, String)>,
);

fn scan_local(root: &Path, remote_root: &RemotePath) -> Result<LocalScan, String> {
    let mut folders = vec![remote_root.clone()];
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut pending = vec![(root.to_path_buf(), remote_root.clone(), 0usize)];
    while let Some((dir, remote_dir, depth)) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == root => return Err(format!("could not read {}: {e}", dir.display())),
            Err(e) => {
                skipped.push((dir.display().to_string(), e.to_string()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let remote = remote_dir.join(&local_name_bytes(&name));
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if depth >= MAX_DEPTH {
                    skipped.push((
                        path.display().to_string(),
                        format!("nested more than {MAX_DEPTH} folders deep"),
                    ));
                    continue;
                }
                folders.push(remote.clone());
                pending.push((path, remote, depth + 1));
            } else {
                // Regular files, and links to files; links to folders are skipped.
                match std::fs::metadata(&path) {
                    Ok(metadata) if metadata.is_file() => {
                        files.push((path, remote, metadata.len()))
                    }
                    Ok(_) => skipped.push((
                        path.display().to_string(),
                        "a link to a folder (not followed)".into(),
                    )),
                    Err(e) => skipped.push((path.display().to_string(), e.to_string())),
                }
            }
            if files.len() > MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} files; queue smaller folders"
                ));
            }
        }
    }
    Ok((folders, files, skipped))
}
