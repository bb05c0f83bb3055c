//! "Open" and "Edit" on a remote file: once the download is done, the file is opened with the
//! system's default application; for Edit it is watched, and every saved change is reported so
//! the window can upload it back.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::EventSink;
use super::api::event::{Event, LogKind};
use crate::protocol::path::RemotePath;

/// How often an edited file is looked at.
const WATCH_EVERY: Duration = Duration::from_secs(1);

pub(crate) fn open_downloaded(local: PathBuf, remote: RemotePath, watch: bool, sink: EventSink) {
    match open::that_detached(&local) {
        Ok(()) => sink.log(LogKind::Status, format!("Opened {}", local.display())),
        Err(e) => {
            sink.log(
                LogKind::Error,
                format!("Could not open {}: {e}", local.display()),
            );
            return;
        }
    }
    if watch {
        tokio::spawn(watch_for_changes(local, remote, sink));
    }
}

fn modified(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Reports each change once the file has stopped changing (editors write in several steps);
/// ends when the file goes away.
async fn watch_for_changes(local: PathBuf, remote: RemotePath, sink: EventSink) {
    let mut seen = modified(&local);
    loop {
        tokio::time::sleep(WATCH_EVERY).await;
        let Some(now) = modified(&local) else {
            sink.log(
                LogKind::Status,
                format!("Stopped watching {} (it is gone)", local.display()),
            );
            return;
        };
        if Some(now) == seen {
            continue;
        }
        tokio::time::sleep(WATCH_EVERY).await;
        if modified(&local) != Some(now) {
            continue;
        }
        seen = Some(now);
        sink.send(Event::EditedFileChanged {
            local: local.clone(),
            remote: remote.clone(),
        });
    }
}
