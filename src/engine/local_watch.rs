//! The folder the local pane shows, watched (the `notify` crate: inotify, FSEvents,
//! ReadDirectoryChangesW), so that what another program changes there shows without F5, as in
//! WinSCP. One folder, not the ones inside it; a burst of changes is one listing.

use std::path::PathBuf;
use std::time::Duration;

use notify::Watcher;
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::EventSink;
use super::api::local::LocalCommand;
use super::local_disk;

/// The folder is listed once changes have stopped for this long...
const QUIET: Duration = Duration::from_millis(300);
/// ...or have gone on this long.
const LONGEST: Duration = Duration::from_secs(2);

/// A folder being watched; dropping it ends the watch.
pub(crate) struct LocalWatch {
    _stop: oneshot::Sender<()>,
}

/// Watches `folder`, lists it once (what changed before the watch began shows too), and again
/// after each burst of changes.
pub(crate) fn start(folder: PathBuf, sink: EventSink) -> Result<LocalWatch, String> {
    let (changes, mut incoming) = mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| changes_the_listing(&event.kind)) {
            let _ = changes.send(());
        }
    })
    .map_err(|e| format!("could not watch {}: {e}", folder.display()))?;
    watcher
        .watch(&folder, notify::RecursiveMode::NonRecursive)
        .map_err(|e| format!("could not watch {}: {e}", folder.display()))?;
    local_disk::run(LocalCommand::List(folder.clone()), sink.clone());
    let (stop, mut stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        // The watch lasts as long as this task.
        let _watcher = watcher;
        loop {
            tokio::select! {
                _ = &mut stopped => return,
                change = incoming.recv() => if change.is_none() { return },
            }
            let first = Instant::now();
            loop {
                let wait = QUIET.min(LONGEST.saturating_sub(first.elapsed()));
                tokio::select! {
                    _ = &mut stopped => return,
                    change = tokio::time::timeout(wait, incoming.recv()) => match change {
                        Err(_quiet) => break,
                        Ok(None) => return,
                        Ok(Some(())) if first.elapsed() >= LONGEST => break,
                        Ok(Some(())) => {}
                    },
                }
            }
            local_disk::run(LocalCommand::List(folder.clone()), sink.clone());
        }
    });
    Ok(LocalWatch { _stop: stop })
}

/// Whether a change can show in the folder's listing. Reads don't; neither do the writes into
/// a file while they go on (a download into the folder would list it again and again): its
/// close after writing does, where the system reports it (inotify), and its creation does.
fn changes_the_listing(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Data(_)) => cfg!(not(target_os = "linux")),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn which_changes_list_the_folder_again() {
        let table = [
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Remove(RemoveKind::Any), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            (
                EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::Any)),
                true,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                true,
            ),
            (EventKind::Access(AccessKind::Read), false),
            (EventKind::Access(AccessKind::Open(AccessMode::Any)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                false,
            ),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                cfg!(not(target_os = "linux")),
            ),
            (EventKind::Any, true),
        ];
        for (kind, lists) in table {
            assert_eq!(changes_the_listing(&kind), lists, "{kind:?}");
        }
    }
}
