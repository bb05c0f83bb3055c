//! Dragging files between the panes: what is carried, the note beside the pointer, and
//! where it lands.

use std::path::PathBuf;
use std::sync::Arc;

use egui::DragAndDrop;

use super::format;
use crate::engine::LocalEntry;
use crate::protocol::listing::Entry;
use crate::protocol::path::RemotePath;

/// What a drag carries: rows of one pane.
#[derive(Debug, Clone)]
pub enum DragPayload {
    /// Rows of the remote folder `dir`: dropped on the local side, they download.
    Remote {
        dir: RemotePath,
        entries: Vec<Entry>,
    },
    /// Rows of the local folder: dropped on the remote side, they upload.
    Local {
        paths: Vec<PathBuf>,
        entries: Vec<LocalEntry>,
    },
}

impl DragPayload {
    /// `3 files, 1 folder, 12.4 MiB`: what the note beside the pointer says.
    pub fn summary(&self) -> String {
        let (files, folders, bytes) = match self {
            DragPayload::Remote { entries, .. } => {
                entries.iter().fold((0, 0, 0), |(f, d, b), e| {
                    if e.is_dir() {
                        (f, d + 1, b)
                    } else {
                        (f + 1, d, b + e.size.unwrap_or(0))
                    }
                })
            }
            DragPayload::Local { entries, .. } => entries.iter().fold((0, 0, 0), |(f, d, b), e| {
                if e.is_dir() {
                    (f, d + 1, b)
                } else {
                    (f + 1, d, b + e.size)
                }
            }),
        };
        let mut parts = Vec::new();
        if files > 0 {
            parts.push(format!("{files} file{}", if files == 1 { "" } else { "s" }));
        }
        if folders > 0 {
            parts.push(format!(
                "{folders} folder{}",
                if folders == 1 { "" } else { "s" }
            ));
        }
        if bytes > 0 {
            parts.push(format::human_size(bytes));
        }
        parts.join(", ")
    }
}

/// Where rows dragged from the folder `dir` and let go over the folder `target` of the same
/// pane move to: that folder; or nowhere when it is the one they are in, or one of the dragged
/// folders or inside one (a folder can't go into itself). `within(path, folder)`: whether
/// `path` is `folder` or inside it.
pub fn move_destination<P: PartialEq>(
    dir: &P,
    dragged: &[P],
    target: P,
    within: impl Fn(&P, &P) -> bool,
) -> Option<P> {
    if target == *dir || dragged.iter().any(|folder| within(&target, folder)) {
        return None;
    }
    Some(target)
}

pub fn start(ctx: &egui::Context, payload: DragPayload) {
    DragAndDrop::set_payload(ctx, payload);
}

/// What is being dragged, if anything.
pub fn dragging(ctx: &egui::Context) -> Option<Arc<DragPayload>> {
    DragAndDrop::payload::<DragPayload>(ctx)
}

/// The payload, when it was let go this frame with the pointer inside `rect`. `last_pointer` is
/// where the pointer was last seen (a release may come with the pointer leaving the window).
pub fn released_over(
    ctx: &egui::Context,
    rect: egui::Rect,
    last_pointer: Option<egui::Pos2>,
) -> Option<Arc<DragPayload>> {
    let (released, at) = ctx.input(|i| (i.pointer.any_released(), i.pointer.latest_pos()));
    if released && at.or(last_pointer).is_some_and(|p| rect.contains(p)) {
        DragAndDrop::take_payload::<DragPayload>(ctx)
    } else {
        None
    }
}

/// The note that follows the pointer during a drag.
pub fn show_summary(ctx: &egui::Context) {
    let (Some(payload), Some(at)) = (dragging(ctx), ctx.pointer_latest_pos()) else {
        return;
    };
    egui::Area::new(egui::Id::unique("drag_summary"))
        .order(egui::Order::Tooltip)
        .fixed_pos(at + egui::vec2(16.0, 16.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                // One line whatever room is left beside the pointer (near the right edge the
                // area is narrow, and a wrapped label stood one word a line).
                ui.add(egui::Label::new(payload.summary()).extend());
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_move_only_into_another_folder_that_is_not_one_of_them() {
        let remote = |p: &str| RemotePath::from_text(p);
        let within =
            |path: &RemotePath, folder: &RemotePath| path.ancestors_and_self().contains(folder);
        let dragged = [remote("/a/photos"), remote("/a/notes.txt")];
        // (the folder let go over, where they go)
        let cases = [
            ("/a/music", Some("/a/music")),
            ("/", Some("/")),
            ("/b/c", Some("/b/c")),
            // The folder they are in: nothing to do.
            ("/a", None),
            // Into itself, or a folder inside it.
            ("/a/photos", None),
            ("/a/photos/2024", None),
            // A name that only starts the same is another folder.
            ("/a/photos-old", Some("/a/photos-old")),
        ];
        for (target, expected) in cases {
            assert_eq!(
                move_destination(&remote("/a"), &dragged, remote(target), within),
                expected.map(remote),
                "{target}"
            );
        }
        // Local paths, compared by components.
        let dragged = [PathBuf::from("/home/me/photos")];
        let within = |path: &PathBuf, folder: &PathBuf| path.starts_with(folder);
        let local = |target: &str| {
            move_destination(
                &PathBuf::from("/home/me"),
                &dragged,
                PathBuf::from(target),
                within,
            )
        };
        assert_eq!(
            local("/home/me/music"),
            Some(PathBuf::from("/home/me/music"))
        );
        assert_eq!(local("/home/me/photos/x"), None);
        assert_eq!(local("/home/me"), None);
        assert_eq!(
            local("/home/me/photos2"),
            Some(PathBuf::from("/home/me/photos2"))
        );
    }
    use crate::protocol::listing::EntryKind;

    #[test]
    fn summary_counts_files_folders_and_bytes() {
        let entry = Entry::sample;
        let payload = DragPayload::Remote {
            dir: RemotePath::root(),
            entries: vec![
                entry("a", EntryKind::File, 1024),
                entry("b", EntryKind::File, 2048),
                entry("c", EntryKind::Dir, 4096),
            ],
        };
        assert_eq!(payload.summary(), "2 files, 1 folder, 3.0 KiB");
    }
}
