//! "Keep remote up to date": a local folder watched (the `notify` crate: inotify, FSEvents,
//! ReadDirectoryChangesW) and every change uploaded to the remote folder as it happens.
//! Changes are debounced: a burst of saves is one upload, and an editor that saves by writing a
//! temporary file and renaming it over the original uploads the original once (the temporary
//! file is gone by the time its turn comes). Deletions are carried over only when asked, and
//! only for what was there when the watch began or was uploaded since.

mod debounce;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::Watcher;
use tokio::sync::mpsc;

use super::EventSink;
use super::api::command::{Command, RemoteItem};
use super::api::event::{Event, LogKind};
use super::api::queue::{ConflictPolicy, Direction, TransferRequest, TransferType};
use super::sync::exclude::Exclusions;
use super::sync::run::remote_under;
use crate::protocol::listing::RemoteName;
use crate::protocol::path::RemotePath;
use debounce::Debouncer;

/// A change is acted on once its path has been quiet this long...
const QUIET: Duration = Duration::from_millis(700);
/// ...or has been changing this long.
const LONGEST: Duration = Duration::from_secs(10);

/// What to keep up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepUpToDate {
    pub local: PathBuf,
    pub remote: RemotePath,
    /// Delete on the server what is deleted here.
    pub delete: bool,
    pub exclude: Vec<String>,
}

/// A running watch; dropping it stops it.
pub(crate) struct Watching {
    stop: Option<tokio::sync::oneshot::Sender<String>>,
}

impl Watching {
    /// Stops the watch; the faces hear why.
    pub fn stop(mut self, why: &str) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(why.to_owned());
        }
    }
}

/// Starts watching `what.local`. Uploads and deletions go to the engine as commands.
pub(crate) fn start(
    what: KeepUpToDate,
    engine: mpsc::WeakUnboundedSender<Command>,
    sink: EventSink,
) -> Result<Watching, String> {
    let exclusions = Exclusions::new(&what.exclude)?;
    let (changes, incoming) = mpsc::unbounded_channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = changes.send(event);
    })
    .map_err(|e| format!("could not watch {}: {e}", what.local.display()))?;
    watcher
        .watch(&what.local, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("could not watch {}: {e}", what.local.display()))?;
    let known = known_paths(&what.local, &exclusions);
    let (stop, stopped) = tokio::sync::oneshot::channel();
    sink.send(Event::Watching {
        local: what.local.clone(),
        remote: what.remote.clone(),
    });
    sink.log(
        LogKind::Status,
        format!(
            "Keeping {} up to date from {}",
            what.remote,
            what.local.display()
        ),
    );
    tokio::spawn(run(
        what,
        watcher,
        incoming,
        stopped,
        Context {
            exclusions,
            known,
            engine,
            sink,
        },
    ));
    Ok(Watching { stop: Some(stop) })
}

struct Context {
    exclusions: Exclusions,
    /// Relative paths the server has (as far as this watch knows), and whether each is a
    /// folder: only these are deleted.
    known: HashMap<String, bool>,
    engine: mpsc::WeakUnboundedSender<Command>,
    sink: EventSink,
}

/// What is under `root` now, as relative paths, and which are folders.
fn known_paths(root: &Path, exclusions: &Exclusions) -> HashMap<String, bool> {
    super::sync::walk::local_tree(root, exclusions)
        .map(|walked| {
            walked
                .tree
                .into_iter()
                .map(|(path, entry)| (path, entry.is_dir))
                .collect()
        })
        .unwrap_or_default()
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

async fn run(
    what: KeepUpToDate,
    // Kept alive for as long as the watch runs.
    _watcher: notify::RecommendedWatcher,
    mut incoming: mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    mut stopped: tokio::sync::oneshot::Receiver<String>,
    mut context: Context,
) {
    let mut debouncer = Debouncer::new(QUIET, LONGEST);
    let why = loop {
        let wake = debouncer
            .next_due()
            .map_or(Instant::now() + Duration::from_secs(3600), |at| at);
        tokio::select! {
            why = &mut stopped => break why.unwrap_or_else(|_| "the engine stopped".into()),
            event = incoming.recv() => match event {
                Some(Ok(event)) => {
                    let now = Instant::now();
                    for path in event.paths {
                        // Reading a file is not a change.
                        if matches!(event.kind, notify::EventKind::Access(_)) {
                            continue;
                        }
                        debouncer.note(path, now);
                    }
                }
                Some(Err(error)) => context.sink.log(
                    LogKind::Error,
                    format!("Watching {}: {error}", what.local.display()),
                ),
                None => break "the folder can no longer be watched".into(),
            },
            () = tokio::time::sleep_until(wake.into()) => {}
        }
        let due = debouncer.take_due(Instant::now());
        if !due.is_empty() && !act(&what, &mut context, due) {
            break "disconnected".into();
        }
    };
    context.sink.log(
        LogKind::Status,
        format!("Stopped keeping {} up to date: {why}", what.remote),
    );
    context.sink.send(Event::WatchStopped { why });
}

/// Uploads what changed and deletes what went. `false` when the engine is gone.
fn act(what: &KeepUpToDate, context: &mut Context, due: Vec<PathBuf>) -> bool {
    let Some(engine) = context.engine.upgrade() else {
        return false;
    };
    let mut uploads = Vec::new();
    // A new folder goes up with everything in it: what is inside is not sent again.
    let mut folders_sent: Vec<String> = Vec::new();
    for path in due {
        let Some(relative) = relative(&what.local, &path) else {
            continue;
        };
        if folders_sent
            .iter()
            .any(|f| relative.starts_with(f.as_str()) && relative[f.len()..].starts_with('/'))
        {
            continue;
        }
        let metadata = std::fs::symlink_metadata(&path);
        let is_dir = metadata.as_ref().is_ok_and(|m| m.is_dir());
        if context.exclusions.excludes(&relative, is_dir) {
            continue;
        }
        match metadata {
            Ok(metadata) if metadata.file_type().is_symlink() => {}
            Ok(metadata) => {
                if metadata.is_dir() {
                    // A folder whose contents changed reports itself: only a new one goes up.
                    if context.known.contains_key(&relative) {
                        continue;
                    }
                    folders_sent.push(relative.clone());
                    for (inner, is_dir) in known_paths(&path, &context.exclusions) {
                        context.known.insert(format!("{relative}/{inner}"), is_dir);
                    }
                }
                context.known.insert(relative.clone(), metadata.is_dir());
                uploads.push(TransferRequest {
                    direction: Direction::Upload,
                    remote: remote_under(&what.remote, &relative),
                    local: path,
                    is_dir: metadata.is_dir(),
                    size: (!metadata.is_dir()).then_some(metadata.len()),
                    modified: None,
                    transfer_type: TransferType::Binary,
                    // The person asked for the server to follow this folder.
                    conflict: Some(ConflictPolicy::Overwrite),
                    after: None,
                });
            }
            // Gone (or a temporary file already renamed away).
            Err(_) => {
                if !what.delete {
                    continue;
                }
                let Some(was_dir) = context.known.remove(&relative) else {
                    continue;
                };
                let remote = remote_under(&what.remote, &relative);
                let (Some(dir), Some(name)) = (remote.parent(), remote.file_name()) else {
                    continue;
                };
                // Everything inside goes with a folder.
                let prefix = format!("{relative}/");
                context.known.retain(|k, _| !k.starts_with(&prefix));
                context.sink.log(
                    LogKind::Status,
                    format!("{relative} was deleted here: deleting {remote}"),
                );
                let _ = engine.send(Command::Delete {
                    dir,
                    items: vec![RemoteItem {
                        name: RemoteName::from_bytes_lossy(name),
                        is_dir: was_dir,
                    }],
                });
            }
        }
    }
    if !uploads.is_empty() {
        let _ = engine.send(Command::Enqueue(uploads));
    }
    true
}
