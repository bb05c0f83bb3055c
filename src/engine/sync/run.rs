//! A sync on the browsing session: gather both trees and plan (nothing changes), then, once the
//! person has chosen, make folders and delete what the plan says and hand the transfers to the
//! queue; after the queue is done, remember both trees for the next two-way sync.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::exclude::Exclusions;
use super::plan::{self, Baseline, CompareBy, Planned, SyncAction, SyncDirection, SyncOptions};
use super::walk::{self, RemoteWalked, Walked};
use crate::engine::EventSink;
use crate::engine::api::command::ConnectRequest;
use crate::engine::api::event::LogKind;
use crate::engine::api::queue::{ConflictPolicy, Direction, TransferRequest, TransferType};
use crate::engine::connection::{FolderMade, Session};
use crate::engine::error::{FtpError, FtpResult};
use crate::engine::local_io;
use crate::protocol::listing::{RemoteName, TimePrecision};
use crate::protocol::local_name::{join_inside, local_name_bytes};
use crate::protocol::path::RemotePath;
use crate::protocol::verify::to_hex;

/// What to synchronise, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub local: PathBuf,
    pub remote: RemotePath,
    pub options: SyncOptions,
    /// Exclusion rules (`*.tmp`, `node_modules/`).
    pub exclude: Vec<String>,
    /// Where both trees are kept after a sync, for the next two-way one (`None`: not kept).
    pub baseline_file: Option<PathBuf>,
    /// Connections that list the server's folders at once (the browsing one and more).
    pub connections: usize,
}

/// A plan, with what is needed to carry it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPlan {
    pub request: SyncRequest,
    pub actions: Vec<Planned>,
    /// The server's path of each planned entry that exists there.
    pub remote_paths: BTreeMap<String, RemotePath>,
    /// The folders the server has (relative paths): a file whose folder row was unchecked
    /// still gets its folder, and only a missing one is made.
    pub remote_folders: BTreeSet<String>,
    /// Names left out (unreadable, unsafe, links to folders), with why.
    pub skipped: Vec<(String, String)>,
    /// What the person should know about how it was compared.
    pub notes: Vec<String>,
}

/// What a run did before the transfers, and the transfers it queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStarted {
    pub transfers: usize,
    pub folders_made: usize,
    pub deleted: usize,
    /// Paths whose folder or deletion failed, with why.
    pub failed: Vec<(String, String)>,
}

/// The baseline file's name for a pair of folders on a server: one file per pair, under the
/// folder the faces keep state in.
pub fn baseline_path(dir: &Path, site: &str, local: &Path, remote: &RemotePath) -> PathBuf {
    let mut hasher = sha2::Sha256::new();
    hasher.update(site.as_bytes());
    hasher.update([0]);
    hasher.update(local.to_string_lossy().as_bytes());
    hasher.update([0]);
    hasher.update(remote.as_bytes());
    let digest = hasher.finalize();
    dir.join(format!("sync-{}.json", to_hex(&digest[..8])))
}

#[derive(Serialize, Deserialize)]
struct SavedBaseline {
    local: PathBuf,
    remote: String,
    baseline: Baseline,
}

fn load_baseline(file: &Path) -> Option<Baseline> {
    let text = std::fs::read(file).ok()?;
    serde_json::from_slice::<SavedBaseline>(&text)
        .ok()
        .map(|saved| saved.baseline)
}

/// Gathers both trees and plans. Changes nothing.
pub(crate) async fn make_plan(
    session: &mut Session,
    login: &ConnectRequest,
    request: &SyncRequest,
    sink: &EventSink,
) -> FtpResult<SyncPlan> {
    let exclusions = Exclusions::new(&request.exclude).map_err(FtpError::Protocol)?;
    let (local, remote) = walk_both(session, login, request, &exclusions, sink).await?;
    let mut notes = Vec::new();
    let mut remote_tree = remote.walked.tree;
    let mut local_tree = local.tree;
    let mut options = request.options.clone();
    let common: Vec<String> = local_tree
        .iter()
        .filter(|(path, entry)| !entry.is_dir && remote_tree.get(*path).is_some_and(|r| !r.is_dir))
        .map(|(path, _)| path.clone())
        .collect();
    match options.compare {
        CompareBy::Time if !remote.exact_times => {
            // Listing times are to the minute and in the server's own zone: MDTM (UTC, to the
            // second) decides for the files on both sides.
            let mut asked = 0;
            for path in &common {
                let Some(at) = remote.paths.get(path) else {
                    continue;
                };
                if let Some(time) = session.mdtm(at.as_bytes()).await?
                    && let Some(entry) = remote_tree.get_mut(path)
                {
                    entry.modified = Some(time);
                    entry.precision = TimePrecision::Second;
                    asked += 1;
                }
            }
            if asked < common.len() {
                notes.push(format!(
                    "{} of {} files on both sides have only the listing's time (to the minute, in the server's time zone): a minute's difference counts as the same",
                    common.len() - asked,
                    common.len()
                ));
            }
        }
        CompareBy::Checksum => {
            let mut compared = 0;
            for path in &common {
                let (Some(l), Some(r)) = (local_tree.get(path), remote_tree.get(path)) else {
                    continue;
                };
                // Different sizes differ whatever the checksum: no need to ask.
                if l.size != r.size {
                    continue;
                }
                let Some(at) = remote.paths.get(path) else {
                    continue;
                };
                let Some((algorithm, remote_digest)) = session.digest(at.as_bytes()).await? else {
                    notes.push(
                        "The server offers no checksum (HASH, XSHA256, XMD5...): compared by size"
                            .into(),
                    );
                    options.compare = CompareBy::Size;
                    break;
                };
                let Some(local_path) = join_inside(&request.local, Path::new(path)) else {
                    continue;
                };
                let local_digest =
                    local_io::digest(local_path, algorithm)
                        .await
                        .map_err(|source| FtpError::Io {
                            doing: format!("reading {path} for its checksum"),
                            source,
                        })?;
                if let Some(entry) = local_tree.get_mut(path) {
                    entry.digest = Some(to_hex(&local_digest));
                }
                if let Some(entry) = remote_tree.get_mut(path) {
                    entry.digest = Some(to_hex(&remote_digest));
                }
                compared += 1;
            }
            if options.compare == CompareBy::Checksum && compared > 0 {
                sink.log(
                    LogKind::Status,
                    format!("Compared {compared} files by the server's checksum"),
                );
            }
        }
        _ => {}
    }
    let baseline = match (&request.baseline_file, options.direction) {
        (Some(file), SyncDirection::Both) => {
            let baseline = load_baseline(file);
            if baseline.is_none() {
                notes.push(
                    "No earlier sync of these folders is known: where both sides have a file, the newer one wins"
                        .into(),
                );
            }
            baseline
        }
        _ => None,
    };
    let actions = plan::plan(&local_tree, &remote_tree, &options, baseline.as_ref());
    let remote_paths = actions
        .iter()
        .filter_map(|a| {
            remote
                .paths
                .get(&a.path)
                .map(|p| (a.path.clone(), p.clone()))
        })
        .collect();
    let remote_folders = remote_tree
        .iter()
        .filter(|(_, entry)| entry.is_dir)
        .map(|(path, _)| path.clone())
        .collect();
    let mut skipped = local.skipped;
    skipped.extend(remote.walked.skipped);
    for (path, why) in &skipped {
        sink.log(LogKind::Error, format!("Sync leaves out {path}: {why}"));
    }
    sink.log(
        LogKind::Status,
        format!(
            "Sync plan for {} and {}: {} actions ({} entries here, {} on the server)",
            request.local.display(),
            request.remote,
            actions.len(),
            local_tree.len(),
            remote_tree.len()
        ),
    );
    Ok(SyncPlan {
        request: request.clone(),
        actions,
        remote_paths,
        remote_folders,
        skipped,
        notes,
    })
}

/// The folders above `path` (relative), nearest the top first: `a/b/c.txt` → `a`, `a/b`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

async fn walk_both(
    session: &mut Session,
    login: &ConnectRequest,
    request: &SyncRequest,
    exclusions: &Exclusions,
    sink: &EventSink,
) -> FtpResult<(Walked, RemoteWalked)> {
    let root = request.local.clone();
    let rules = exclusions.clone();
    let local = tokio::task::spawn_blocking(move || walk::local_tree(&root, &rules))
        .await
        .map_err(|e| FtpError::Protocol(format!("the folder scan stopped: {e}")))?
        .map_err(|source| FtpError::Io {
            doing: format!("reading {}", request.local.display()),
            source,
        })?;
    // More sessions list folders side by side; one that can't log in (a server's limit per
    // address) is simply not there.
    let more = request.connections.clamp(1, 10) - 1;
    let opened = futures_util::future::join_all(
        (0..more).map(|_| Session::connect(login, sink.tagged("[walk] ".into()))),
    )
    .await;
    let mut extra: Vec<Session> = opened
        .into_iter()
        .filter_map(Result::ok)
        .map(|(session, _)| session)
        .collect();
    let mut lanes = vec![session];
    lanes.extend(extra.iter_mut());
    let remote = walk::remote_tree(lanes, &request.remote, exclusions).await;
    for session in extra {
        session.quit().await;
    }
    Ok((local, remote?))
}

/// Where a planned path is on the server: as listed, or (for what is new here) the remote
/// folder with the local names' bytes.
fn remote_path_of(plan: &SyncPlan, path: &str) -> RemotePath {
    if let Some(known) = plan.remote_paths.get(path) {
        return known.clone();
    }
    remote_under(&plan.request.remote, path)
}

/// A local relative path (`a/b.txt`) under a remote folder, each name as the local name's bytes
/// (as uploads name files).
pub(crate) fn remote_under(folder: &RemotePath, relative: &str) -> RemotePath {
    relative.split('/').fold(folder.clone(), |folder, name| {
        folder.join(&local_name_bytes(std::ffi::OsStr::new(name)))
    })
}

/// Carries out a plan's folders and deletions on this session, and returns the transfers for
/// the queue (the plan decided them: they overwrite).
pub(crate) async fn start(
    session: &mut Session,
    plan: &SyncPlan,
    sink: &EventSink,
) -> FtpResult<(SyncStarted, Vec<TransferRequest>)> {
    let mut started = SyncStarted {
        transfers: 0,
        folders_made: 0,
        deleted: 0,
        failed: Vec::new(),
    };
    let mut transfers = Vec::new();
    // Remote folders this run made: a file's folder is made once, and only when missing.
    let mut made: HashSet<String> = HashSet::new();
    for action in &plan.actions {
        let Some(local) = join_inside(&plan.request.local, Path::new(&action.path)) else {
            started
                .failed
                .push((action.path.clone(), "would land outside the folder".into()));
            continue;
        };
        let remote = remote_path_of(plan, &action.path);
        // What goes to the server needs its folders there, even when their own rows were left
        // unchecked: each missing one is made once.
        if matches!(
            action.action,
            SyncAction::Upload | SyncAction::MakeRemoteFolder
        ) {
            for folder in ancestors(&action.path) {
                if plan.remote_folders.contains(folder) || made.contains(folder) {
                    continue;
                }
                match session.make_dir(&remote_path_of(plan, folder)).await {
                    Ok(found) => {
                        made.insert(folder.to_owned());
                        started.folders_made += usize::from(found == FolderMade::Made);
                    }
                    Err(e) if e.is_fatal() => return Err(e),
                    Err(_) => {}
                }
            }
        }
        let outcome: Result<(), String> = match action.action {
            SyncAction::MakeRemoteFolder => match session.make_dir(&remote).await {
                Ok(found) => {
                    made.insert(action.path.clone());
                    started.folders_made += usize::from(found == FolderMade::Made);
                    Ok(())
                }
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => Err(e.to_string()),
            },
            SyncAction::MakeLocalFolder => std::fs::create_dir_all(&local)
                .map(|()| started.folders_made += 1)
                .map_err(|e| e.to_string()),
            SyncAction::DeleteRemote => {
                let (Some(parent), Some(name)) = (remote.parent(), remote.file_name()) else {
                    started
                        .failed
                        .push((action.path.clone(), "not a path to delete".into()));
                    continue;
                };
                let name = RemoteName::from_bytes_lossy(name);
                session.ensure_at(&parent).await?;
                let deleted = if action.is_dir {
                    session.delete_tree(&name).await
                } else {
                    session.delete_file(&name.raw).await
                };
                match deleted {
                    Ok(()) => {
                        started.deleted += 1;
                        sink.log(LogKind::Status, format!("Deleted {remote} (sync)"));
                        Ok(())
                    }
                    Err(e) if e.is_fatal() => return Err(e),
                    Err(e) => Err(e.to_string()),
                }
            }
            SyncAction::DeleteLocal => {
                let removed = if action.is_dir {
                    std::fs::remove_dir_all(&local)
                } else {
                    std::fs::remove_file(&local)
                };
                match removed {
                    Ok(()) => {
                        started.deleted += 1;
                        sink.log(
                            LogKind::Status,
                            format!("Deleted {} (sync)", local.display()),
                        );
                        Ok(())
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            SyncAction::Upload | SyncAction::Download => {
                let direction = if action.action == SyncAction::Upload {
                    Direction::Upload
                } else {
                    Direction::Download
                };
                // A download's folders, even when their own rows were left unchecked.
                if direction == Direction::Download
                    && let Some(parent) = local.parent()
                    && let Err(e) = std::fs::create_dir_all(parent)
                {
                    let why = format!("could not create {}: {e}", parent.display());
                    started.failed.push((action.path.clone(), why));
                    continue;
                }
                transfers.push(TransferRequest {
                    direction,
                    remote,
                    local,
                    is_dir: false,
                    size: action.size,
                    modified: None,
                    // Exact copies: the plan compares sizes (and checksums), which ASCII
                    // mode's line-end conversion would make differ for ever.
                    transfer_type: TransferType::Binary,
                    // The person saw this in the plan and chose it: it replaces the other side.
                    conflict: Some(ConflictPolicy::Overwrite),
                    after: None,
                });
                Ok(())
            }
            SyncAction::Conflict => Ok(()),
        };
        if let Err(why) = outcome {
            sink.log(
                LogKind::Error,
                format!("Sync: {} {}: {why}", action.action.label(), action.path),
            );
            started.failed.push((action.path.clone(), why));
        }
    }
    started.transfers = transfers.len();
    Ok((started, transfers))
}

/// Lists both sides again and keeps them as the baseline of the next two-way sync.
pub(crate) async fn remember(
    session: &mut Session,
    login: &ConnectRequest,
    request: &SyncRequest,
    sink: &EventSink,
) -> FtpResult<()> {
    let Some(file) = &request.baseline_file else {
        return Ok(());
    };
    let exclusions = Exclusions::new(&request.exclude).map_err(FtpError::Protocol)?;
    let (local, remote) = walk_both(session, login, request, &exclusions, sink).await?;
    let saved = SavedBaseline {
        local: request.local.clone(),
        remote: request.remote.display(),
        baseline: Baseline {
            local: local.tree,
            remote: remote.walked.tree,
        },
    };
    let write = || -> std::io::Result<()> {
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        let mut temporary = file.as_os_str().to_owned();
        temporary.push(".new");
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, file)
    };
    write().map_err(|source| FtpError::Io {
        doing: format!("saving {}", file.display()),
        source,
    })
}
