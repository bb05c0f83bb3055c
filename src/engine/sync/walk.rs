//! The two trees of a sync: the local folder read from disk, and the remote one listed over up
//! to N sessions at once (each takes the next folder waiting). Names on both sides are matched
//! as text: the server's as its site encoding decodes them.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::exclude::Exclusions;
use super::plan::{SyncEntry, Tree, local_precision};
use crate::engine::connection::Session;
use crate::engine::error::{FtpError, FtpResult};
use crate::protocol::listing::{EntryKind, TimePrecision};
use crate::protocol::local_name::safe_local_name;
use crate::protocol::path::RemotePath;

/// Deeper than this, a walk stops (a folder that contains itself through a link).
const MAX_DEPTH: usize = 64;
/// More entries than this in one tree are refused: a sync plan is read by a person.
pub const MAX_ENTRIES: usize = 1_000_000;

/// One side's tree, and what was left out of it with why.
#[derive(Debug, Default)]
pub struct Walked {
    pub tree: Tree,
    pub skipped: Vec<(String, String)>,
}

/// The remote tree, with each entry's path on the server (names kept as the server's bytes).
#[derive(Debug, Default)]
pub struct RemoteWalked {
    pub walked: Walked,
    pub paths: BTreeMap<String, RemotePath>,
    /// The listing gave times in UTC to the second (MLSD): no MDTM needed to compare.
    pub exact_times: bool,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Whether an entry stays out of the sync, on either side: the person's exclusions, and Ferry's
/// own partial downloads (neither sent nor deleted from under a download).
fn left_out(exclusions: &Exclusions, path: &str, name: &str, is_dir: bool) -> bool {
    exclusions.excludes(path, is_dir) || (!is_dir && crate::engine::transfer::is_partial_file(name))
}

/// Reads `root` and everything under it (links to folders are not followed).
pub fn local_tree(root: &Path, exclusions: &Exclusions) -> std::io::Result<Walked> {
    let mut walked = Walked::default();
    let mut waiting: VecDeque<(String, PathBuf, usize)> = VecDeque::new();
    waiting.push_back((String::new(), root.to_path_buf(), 0));
    while let Some((prefix, folder, depth)) = waiting.pop_front() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            // The top folder must be readable; a subfolder that isn't is said, not fatal.
            Err(e) if prefix.is_empty() => return Err(e),
            Err(e) => {
                walked.skipped.push((prefix, e.to_string()));
                continue;
            }
        };
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = join(&prefix, &name);
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let metadata = match std::fs::metadata(entry.path()) {
                Ok(m) => m,
                Err(e) => {
                    walked.skipped.push((path, e.to_string()));
                    continue;
                }
            };
            let is_dir = metadata.is_dir();
            if kind.is_symlink() && is_dir {
                walked
                    .skipped
                    .push((path, "a link to a folder (not followed)".into()));
                continue;
            }
            if left_out(exclusions, &path, &name, is_dir) {
                continue;
            }
            if walked.tree.len() >= MAX_ENTRIES {
                return Err(std::io::Error::other(format!(
                    "more than {MAX_ENTRIES} entries under {}",
                    root.display()
                )));
            }
            let modified = metadata
                .modified()
                .ok()
                .map(|t| DateTime::<Utc>::from(t).naive_utc());
            walked.tree.insert(
                path.clone(),
                SyncEntry {
                    is_dir,
                    size: (!is_dir).then_some(metadata.len()),
                    modified,
                    precision: modified.map_or(TimePrecision::Second, local_precision),
                    digest: None,
                },
            );
            if is_dir {
                if depth + 1 > MAX_DEPTH {
                    walked
                        .skipped
                        .push((path, format!("nested more than {MAX_DEPTH} folders deep")));
                } else {
                    waiting.push_back((path, entry.path(), depth + 1));
                }
            }
        }
    }
    Ok(walked)
}

/// What the lanes of a remote walk share.
struct Shared {
    waiting: VecDeque<(String, RemotePath, usize)>,
    /// Folders being listed now: the walk is over when none waits and none is being listed.
    listing: usize,
    found: RemoteWalked,
    failed: Option<FtpError>,
}

/// Lists `root` and everything under it over `sessions` (at least one), each taking the next
/// folder that waits.
pub(crate) async fn remote_tree(
    sessions: Vec<&mut Session>,
    root: &RemotePath,
    exclusions: &Exclusions,
) -> FtpResult<RemoteWalked> {
    let shared = Mutex::new(Shared {
        waiting: VecDeque::from([(String::new(), root.clone(), 0)]),
        listing: 0,
        found: RemoteWalked {
            exact_times: true,
            ..RemoteWalked::default()
        },
        failed: None,
    });
    let wake = tokio::sync::Notify::new();
    let lanes = sessions
        .into_iter()
        .map(|session| lane(session, &shared, &wake, exclusions));
    futures_util::future::join_all(lanes).await;
    let shared = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    match shared.failed {
        Some(error) => Err(error),
        None => Ok(shared.found),
    }
}

async fn lane(
    session: &mut Session,
    shared: &Mutex<Shared>,
    wake: &tokio::sync::Notify,
    exclusions: &Exclusions,
) {
    let lock = || shared.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let notified = wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let next = {
            let mut state = lock();
            if state.failed.is_some() {
                return;
            }
            match state.waiting.pop_front() {
                Some(folder) => {
                    state.listing += 1;
                    Some(folder)
                }
                None if state.listing == 0 => return,
                None => None,
            }
        };
        let Some((prefix, folder, depth)) = next else {
            // Another lane is listing: its subfolders may come.
            notified.await;
            continue;
        };
        let listed = session.list_path(&folder).await;
        let mut state = lock();
        state.listing -= 1;
        let listing = match listed {
            Ok(listing) => listing,
            Err(error) => {
                state.failed.get_or_insert(error);
                drop(state);
                wake.notify_waiters();
                return;
            }
        };
        for entry in listing.entries {
            let name = entry.name.text.clone();
            if name == "." || name == ".." {
                continue;
            }
            let path = join(&prefix, &name);
            let is_dir = entry.kind == EntryKind::Dir;
            if left_out(exclusions, &path, &name, is_dir) {
                continue;
            }
            // A name that can't be a local file name can't be synced either way.
            if let Err(why) = safe_local_name(&name).map(|safe| {
                (safe == name)
                    .then_some(())
                    .ok_or("not a safe name on this disk")
            }) {
                state.found.walked.skipped.push((path, why.to_string()));
                continue;
            }
            if state.found.walked.tree.len() >= MAX_ENTRIES {
                state.failed.get_or_insert(FtpError::Protocol(format!(
                    "more than {MAX_ENTRIES} entries on the server"
                )));
                break;
            }
            let remote = folder.join_name(&entry.name);
            let (modified, precision) = match entry.modified {
                Some(m) => (Some(m.time), m.precision),
                None => (None, TimePrecision::Day),
            };
            if !is_dir && precision < TimePrecision::Second {
                state.found.exact_times = false;
            }
            state.found.walked.tree.insert(
                path.clone(),
                SyncEntry {
                    is_dir,
                    size: entry.size.filter(|_| !is_dir),
                    modified,
                    precision,
                    digest: None,
                },
            );
            state.found.paths.insert(path.clone(), remote.clone());
            if is_dir {
                if depth + 1 > MAX_DEPTH {
                    state
                        .found
                        .walked
                        .skipped
                        .push((path, format!("nested more than {MAX_DEPTH} folders deep")));
                } else {
                    state.waiting.push_back((path, remote, depth + 1));
                }
            }
        }
        drop(state);
        wake.notify_waiters();
    }
}
