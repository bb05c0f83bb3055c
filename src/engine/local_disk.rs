//! The local disk, for the local pane: listing folders, creating, renaming, moving to the trash.
//! Every call runs on the blocking pool, so a slow disk or a folder of a million files never
//! holds up the window; results come back as events like everything else.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

use super::EventSink;
use super::api::event::{Event, LogKind};
use super::api::local::{LocalCommand, LocalEntry, LocalKind, LocalListing};

/// Runs a local command in the background and reports through `sink`.
pub(crate) fn run(command: LocalCommand, sink: EventSink) {
    tokio::task::spawn_blocking(move || {
        let ((what, done), result, relist) = match &command {
            LocalCommand::List(path) => {
                let event = match list(path) {
                    Ok(entries) => Event::LocalListing(Box::new(LocalListing {
                        path: path.clone(),
                        entries,
                    })),
                    Err(e) => Event::LocalFailed {
                        path: path.clone(),
                        reason: format!("could not list {}: {e}", path.display()),
                    },
                };
                sink.send(event);
                return;
            }
            // The engine keeps the watch itself.
            LocalCommand::Watch(_) => return,
            LocalCommand::Mkdir(path) => (
                (
                    format!("create {}", path.display()),
                    format!("created {}", path.display()),
                ),
                std::fs::create_dir(path).map_err(|e| e.to_string()),
                path.parent(),
            ),
            LocalCommand::Rename { from, to } => (
                (
                    format!("rename {} to {}", from.display(), to.display()),
                    format!("renamed {} to {}", from.display(), to.display()),
                ),
                rename_without_overwrite(from, to),
                from.parent(),
            ),
            LocalCommand::Move { paths, into } => {
                let items = described(paths);
                let result = move_into(paths, into);
                // The pane keeps listings of folders seen: the one they went into holds more
                // now. The one they left is listed below.
                run(LocalCommand::List(into.clone()), sink.clone());
                (
                    (
                        format!("move {items} into {}", into.display()),
                        format!("moved {items} into {}", into.display()),
                    ),
                    result,
                    paths.first().and_then(|p| p.parent()),
                )
            }
            LocalCommand::Trash(paths) => (
                {
                    let items = described(paths);
                    (
                        format!("move {items} to the trash"),
                        format!("moved {items} to the trash"),
                    )
                },
                trash::delete_all(paths).map_err(|e| e.to_string()),
                paths.first().and_then(|p| p.parent()),
            ),
        };
        match &result {
            Ok(()) => sink.log(LogKind::Status, format!("Local: {done}")),
            Err(e) => {
                sink.log(LogKind::Error, format!("Local: could not {what}: {e}"));
                sink.send(Event::LocalFailed {
                    path: relist.map(Path::to_path_buf).unwrap_or_default(),
                    reason: format!("Could not {what}: {e}"),
                });
            }
        }
        if let Some(folder) = relist {
            run(LocalCommand::List(folder.to_path_buf()), sink);
        }
    });
}

/// `/home/me/a.txt`, or `3 items`: what a command acts on, in its log line.
fn described(paths: &[PathBuf]) -> String {
    match paths {
        [one] => one.display().to_string(),
        many => format!("{} items", many.len()),
    }
}

/// A rename never replaces an existing file: the person asked to rename, not to delete.
fn rename_without_overwrite(from: &Path, to: &Path) -> Result<(), String> {
    if to.exists() {
        return Err(format!("{} already exists", to.display()));
    }
    std::fs::rename(from, to).map_err(|e| e.to_string())
}

/// Moves each path into `into`, by name; nothing moves when one of the names is taken there,
/// and a folder never goes into itself.
fn move_into(paths: &[PathBuf], into: &Path) -> Result<(), String> {
    let mut moves = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(name) = path.file_name() else {
            return Err(format!("{} has no name to move", path.display()));
        };
        if into.starts_with(path) {
            return Err(format!("{} can't go into itself", path.display()));
        }
        let to = into.join(name);
        if to.symlink_metadata().is_ok() {
            return Err(format!(
                "nothing was moved: {} already exists (rename or delete that first)",
                to.display()
            ));
        }
        moves.push((path, to));
    }
    for (from, to) in moves {
        rename_without_overwrite(from, &to)?;
    }
    Ok(())
}

/// More entries than this in one folder are not shown (a pathological folder can't exhaust
/// memory); the listing says so in the log.
const MAX_LOCAL_ENTRIES: usize = 2_000_000;

pub fn list(path: &Path) -> std::io::Result<Vec<LocalEntry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(path)?.take(MAX_LOCAL_ENTRIES) {
        let Ok(entry) = entry else { continue };
        let os_name = entry.file_name();
        let name = os_name.to_string_lossy().into_owned();
        let Ok(link_metadata) = entry.metadata() else {
            continue;
        };
        let file_type = link_metadata.file_type();
        let (kind, to_dir, metadata) = if file_type.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) => (LocalKind::Link, target.is_dir(), target),
                Err(_) => (LocalKind::Link, false, link_metadata),
            }
        } else if file_type.is_dir() {
            (LocalKind::Dir, false, link_metadata)
        } else if file_type.is_file() {
            (LocalKind::File, false, link_metadata)
        } else {
            (LocalKind::Other, false, link_metadata)
        };
        let modified = metadata
            .modified()
            .ok()
            .map(|t| DateTime::<Local>::from(t).naive_local());
        entries.push(LocalEntry {
            hidden: name.starts_with('.') || is_hidden_attribute(&metadata),
            name,
            os_name,
            kind,
            to_dir,
            size: if kind == LocalKind::Dir {
                0
            } else {
                metadata.len()
            },
            modified,
            permissions: permissions_text(&metadata),
        });
    }
    Ok(entries)
}

#[cfg(unix)]
fn permissions_text(metadata: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    Some(crate::protocol::permissions::mode_to_text(
        metadata.permissions().mode(),
    ))
}

#[cfg(not(unix))]
fn permissions_text(metadata: &std::fs::Metadata) -> Option<String> {
    Some(
        if metadata.permissions().readonly() {
            "read-only"
        } else {
            ""
        }
        .to_owned(),
    )
}

#[cfg(windows)]
fn is_hidden_attribute(metadata: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    metadata.file_attributes() & 0x2 != 0
}

#[cfg(not(windows))]
fn is_hidden_attribute(_: &std::fs::Metadata) -> bool {
    false
}

/// Upload requests for local paths going into the remote folder `into`; paths that can't be
/// read are left out (the person picked or dropped them a moment ago).
pub fn upload_requests(
    paths: &[std::path::PathBuf],
    into: &crate::protocol::path::RemotePath,
) -> Vec<super::api::queue::TransferRequest> {
    use super::api::queue::{Direction, TransferRequest, TransferType};
    paths
        .iter()
        .filter_map(|path| {
            let metadata = std::fs::symlink_metadata(path).ok()?;
            let name = path.file_name()?;
            Some(TransferRequest {
                direction: Direction::Upload,
                remote: into.join(&crate::protocol::local_name::local_name_bytes(name)),
                local: path.clone(),
                is_dir: metadata.is_dir(),
                size: metadata.is_file().then_some(metadata.len()),
                modified: None,
                transfer_type: TransferType::Auto,
                conflict: None,
                after: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_files_folders_and_hidden() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"12345").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join(".secret"), b"").unwrap();
        let mut entries = super::list(dir.path()).unwrap();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let names: Vec<(&str, bool, bool)> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.is_dir(), e.hidden))
            .collect();
        assert_eq!(
            names,
            vec![
                (".secret", false, true),
                ("a.txt", false, false),
                ("sub", true, false)
            ]
        );
        assert_eq!(entries[1].size, 5);
    }

    #[test]
    fn rename_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&b, b"b").unwrap();
        assert!(super::rename_without_overwrite(&a, &b).is_err());
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
    }
}
