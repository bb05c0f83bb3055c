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
                sink.send(listed(path));
                return;
            }
            LocalCommand::MkdirAndList(path) => {
                match std::fs::create_dir_all(path) {
                    Ok(()) => {
                        sink.log(
                            LogKind::Status,
                            format!("Local: created {}", path.display()),
                        );
                        // Its folder too: the tree shows it among the others there.
                        if let Some(parent) = path.parent() {
                            sink.send(listed(parent));
                        }
                        sink.send(listed(path));
                    }
                    Err(e) => {
                        let reason = format!("Could not create {}: {e}", path.display());
                        sink.log(LogKind::Error, format!("Local: {reason}"));
                        sink.send(Event::LocalFailed {
                            path: path.clone(),
                            reason,
                            missing: false,
                        });
                    }
                }
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
                    missing: false,
                });
            }
        }
        if let Some(folder) = relist {
            run(LocalCommand::List(folder.to_path_buf()), sink);
        }
    });
}

/// The folder's listing, or why it could not be listed.
fn listed(path: &Path) -> Event {
    match list(path) {
        Ok(entries) => Event::LocalListing(Box::new(LocalListing {
            path: path.to_path_buf(),
            entries,
        })),
        Err(e) => Event::LocalFailed {
            path: path.to_path_buf(),
            reason: format!("could not list {}: {e}", path.display()),
            missing: e.kind() == std::io::ErrorKind::NotFound,
        },
    }
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
        // Looked at again: the name may have been taken since (never overwritten).
        if to.symlink_metadata().is_ok() {
            return Err(format!("{} already exists", to.display()));
        }
        move_one(from, &to, |from, to| std::fs::rename(from, to))?;
    }
    Ok(())
}

/// Moves `from` to `to` (which does not exist) with `rename`; when that can't cross from one
/// file system to the other (another disk, a USB stick), as a file manager does: a copy, kept
/// only when whole (times and permissions too), then the original removed. A failed copy is
/// removed and the original left as it was; if the original can't be removed after, both stay.
fn move_one(
    from: &Path,
    to: &Path,
    rename: impl Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), String> {
    match rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            if let Err(e) = copy_tree(from, to) {
                let _ = remove_tree(to);
                return Err(format!(
                    "could not copy {} to the other disk: {e}; nothing was moved",
                    from.display()
                ));
            }
            remove_tree(from).map_err(|e| {
                format!(
                    "copied {} to {}, but could not remove the original: {e}",
                    from.display(),
                    to.display()
                )
            })
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A copy of `from` at `to` (new): files with their bytes, permissions and modification time,
/// folders with everything in them, symbolic links as links.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = from.symlink_metadata()?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from)?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(target, to);
        #[cfg(not(unix))]
        return Err(std::io::Error::other(format!(
            "{} is a link to {}, which can't be copied here",
            from.display(),
            target.display()
        )));
    }
    if meta.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        let mut source = std::fs::File::open(from)?;
        let mut copy = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)?;
        std::io::copy(&mut source, &mut copy)?;
        copy.set_modified(meta.modified()?)?;
    }
    std::fs::set_permissions(to, meta.permissions())
}

/// Removes a file, a link or a whole folder.
fn remove_tree(path: &Path) -> std::io::Result<()> {
    if path.symlink_metadata()?.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
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
            permissions: permissions_text(&metadata, kind),
        });
    }
    Ok(entries)
}

/// As a server's listing writes them, with the kind's letter first (`drwxr-xr-x`,
/// `-rw-r--r--`): the two panes' columns read alike.
#[cfg(unix)]
fn permissions_text(metadata: &std::fs::Metadata, kind: LocalKind) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let letter = match kind {
        LocalKind::Dir => 'd',
        LocalKind::Link => 'l',
        LocalKind::File | LocalKind::Other => '-',
    };
    let mut text = String::from(letter);
    text.push_str(&crate::protocol::permissions::mode_to_text(
        metadata.permissions().mode(),
    ));
    Some(text)
}

#[cfg(not(unix))]
fn permissions_text(metadata: &std::fs::Metadata, _kind: LocalKind) -> Option<String> {
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
    /// Written as a server's listing writes them, so that the panes' columns read alike.
    #[cfg(unix)]
    #[test]
    fn permissions_read_as_a_servers_listing_writes_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut entries = super::list(dir.path()).unwrap();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let shown: Vec<Option<&str>> = entries.iter().map(|e| e.permissions.as_deref()).collect();
        assert_eq!(shown, vec![Some("-rw-r-----"), Some("drwxr-xr-x")]);
    }

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

    /// A tree with a nested folder, an empty one, a link and files with their own times and
    /// permissions, under `root/tree`.
    fn sample_tree(root: &std::path::Path) -> std::path::PathBuf {
        let tree = root.join("tree");
        std::fs::create_dir_all(tree.join("sub/deeper")).unwrap();
        std::fs::create_dir(tree.join("empty")).unwrap();
        std::fs::write(tree.join("a.txt"), b"alpha").unwrap();
        std::fs::write(tree.join("sub/deeper/b.bin"), vec![7u8; 300_000]).unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::options()
            .write(true)
            .open(tree.join("a.txt"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tree.join("a.txt"), std::fs::Permissions::from_mode(0o640))
                .unwrap();
            std::os::unix::fs::symlink("a.txt", tree.join("link")).unwrap();
        }
        tree
    }

    /// What a tree holds: each path under it with its kind, bytes, permissions and time.
    fn contents(tree: &std::path::Path) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut stack = vec![tree.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.strip_prefix(tree).unwrap().display().to_string();
                let meta = path.symlink_metadata().unwrap();
                let what = if meta.file_type().is_symlink() {
                    format!("link to {}", std::fs::read_link(&path).unwrap().display())
                } else if meta.is_dir() {
                    stack.push(path.clone());
                    format!("folder {:?}", meta.permissions())
                } else {
                    format!(
                        "file {:?} {:?} {:?}",
                        std::fs::read(&path).unwrap(),
                        meta.permissions(),
                        meta.modified().unwrap()
                    )
                };
                found.push((name, what));
            }
        }
        found.sort();
        found
    }

    #[test]
    fn a_move_to_another_disk_copies_then_removes() {
        let here = tempfile::tempdir().unwrap();
        let there = tempfile::tempdir().unwrap();
        let tree = sample_tree(here.path());
        let before = contents(&tree);
        let to = there.path().join("tree");
        // The rename a file system refuses across devices.
        let across = |_: &std::path::Path, _: &std::path::Path| {
            Err(std::io::Error::from(std::io::ErrorKind::CrossesDevices))
        };
        super::move_one(&tree, &to, across).unwrap();
        assert_eq!(contents(&to), before);
        assert!(!tree.exists(), "the original is gone");
        // Any other failure is reported, and nothing moves.
        let other = |_: &std::path::Path, _: &std::path::Path| {
            Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
        };
        let back = here.path().join("tree");
        assert!(super::move_one(&to, &back, other).is_err());
        assert_eq!(contents(&to), before);
        assert!(!back.exists());
    }

    #[test]
    fn a_copy_that_fails_leaves_the_original_and_no_half_copy() {
        let here = tempfile::tempdir().unwrap();
        let there = tempfile::tempdir().unwrap();
        let tree = sample_tree(here.path());
        let before = contents(&tree);
        // A name under the target is taken by a file: the copy can't make its folder there.
        let to = there.path().join("tree");
        let across = |_: &std::path::Path, to: &std::path::Path| {
            std::fs::create_dir(to)?;
            std::fs::write(to.join("sub"), b"in the way")?;
            Err(std::io::Error::from(std::io::ErrorKind::CrossesDevices))
        };
        let error = super::move_one(&tree, &to, across).unwrap_err();
        assert!(error.contains("nothing was moved"), "{error}");
        assert_eq!(contents(&tree), before, "the original is untouched");
        assert!(!to.exists(), "no half copy is left");
    }

    /// The same through the command, for real when /dev/shm is another file system (as on
    /// Linux machines here): the folders and files the person moved are there, whole.
    #[test]
    fn move_into_another_file_system() {
        let here = tempfile::tempdir().unwrap();
        let shm = std::path::Path::new("/dev/shm");
        let there = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        let tree = sample_tree(here.path());
        let before = contents(&tree);
        let file = here.path().join("loose.txt");
        std::fs::write(&file, b"loose").unwrap();
        super::move_into(&[tree.clone(), file.clone()], there.path()).unwrap();
        assert_eq!(contents(&there.path().join("tree")), before);
        assert_eq!(
            std::fs::read(there.path().join("loose.txt")).unwrap(),
            b"loose"
        );
        assert!(!tree.exists() && !file.exists());
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
