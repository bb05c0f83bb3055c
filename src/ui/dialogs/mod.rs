//! The small windows that ask before a change: new folder, rename, delete, permissions. Each
//! returns the action to take once the person confirms. `prompts.rs` has the questions the
//! window asks by itself (a certificate, a password, an edited file, quitting).

mod permissions;
pub mod prompts;

use egui::{Key, TextEdit};

use std::path::PathBuf;

use super::app::Action;
use super::format::counted;
use crate::engine::{Command, LocalCommand, RemoteItem};
use crate::protocol::listing::{NameEncoding, RemoteName};
use crate::protocol::path::RemotePath;

pub enum Dialog {
    NewFolder {
        dir: RemotePath,
        name: String,
    },
    Rename {
        dir: RemotePath,
        from: RemoteName,
        name: String,
    },
    Delete {
        dir: RemotePath,
        items: Vec<RemoteItem>,
    },
    Permissions {
        dir: RemotePath,
        names: Vec<RemoteName>,
        /// `None` until known: the listing showed none and nothing was chosen yet.
        mode: Option<u32>,
        octal: String,
        /// The listing showed the first item's permissions.
        listed: bool,
    },
    LocalNewFolder {
        dir: PathBuf,
        name: String,
    },
    LocalRename {
        from: PathBuf,
        name: String,
    },
    /// Paths, and whether each is a folder.
    LocalTrash {
        items: Vec<(PathBuf, bool)>,
    },
}

impl Dialog {
    /// `mode` as the listing shows it for the first item, when it does.
    pub fn permissions(dir: RemotePath, names: Vec<RemoteName>, mode: Option<u32>) -> Self {
        Dialog::Permissions {
            dir,
            names,
            mode,
            octal: mode.map(|m| format!("{m:03o}")).unwrap_or_default(),
            listed: mode.is_some(),
        }
    }
}

pub(super) enum Outcome {
    Open,
    Cancel,
    Confirm,
}

/// Shows the dialog, if there is one; returns what to do when confirmed, and clears the dialog
/// when it is confirmed or cancelled.
pub fn show(
    ctx: &egui::Context,
    dialog: &mut Option<Dialog>,
    encoding: NameEncoding,
) -> Option<Action> {
    let current = dialog.as_mut()?;
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique("ferry_dialog")).show(ctx, |ui| {
        ui.set_min_width(360.0);
        outcome = match current {
            Dialog::NewFolder { dir, name } => {
                ui.heading("Create folder");
                ui.label(format!("In {dir}"));
                name_field(ui, "Folder name:", name)
            }
            Dialog::Rename { from, name, .. } => {
                ui.heading("Rename");
                ui.label(format!("Rename “{}” to:", from.text));
                name_field(ui, "New name:", name)
            }
            Dialog::Delete { dir, items } => delete_body(ui, dir, items),
            Dialog::Permissions {
                names,
                mode,
                octal,
                listed,
                ..
            } => permissions::body(ui, names, mode, octal, *listed),
            Dialog::LocalNewFolder { dir, name } => {
                ui.heading("Create folder");
                ui.label(format!("In {}", dir.display()));
                name_field(ui, "Folder name:", name)
            }
            Dialog::LocalRename { from, name } => {
                ui.heading("Rename");
                ui.label(format!(
                    "Rename “{}” to:",
                    from.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ));
                name_field(ui, "New name:", name)
            }
            Dialog::LocalTrash { items } => trash_body(ui, items),
        };
    });
    if modal.should_close() {
        outcome = Outcome::Cancel;
    }
    match outcome {
        Outcome::Open => None,
        Outcome::Cancel => {
            *dialog = None;
            None
        }
        Outcome::Confirm => Some(match dialog.take()? {
            Dialog::NewFolder { dir, name } => Action::RemoteChange(Command::Mkdir {
                dir,
                name: encoding.encode(name.trim()),
            }),
            Dialog::Rename { dir, from, name } => Action::RemoteChange(Command::Rename {
                dir,
                from,
                to: encoding.encode(name.trim()),
            }),
            Dialog::Delete { dir, items } => Action::RemoteChange(Command::Delete { dir, items }),
            Dialog::Permissions {
                dir, names, mode, ..
            } => Action::RemoteChange(Command::Chmod {
                dir,
                names,
                mode: mode?,
            }),
            Dialog::LocalNewFolder { dir, name } => {
                Action::LocalChange(LocalCommand::Mkdir(dir.join(name.trim())))
            }
            Dialog::LocalRename { from, name } => {
                let to = from.with_file_name(name.trim());
                Action::LocalChange(LocalCommand::Rename { from, to })
            }
            Dialog::LocalTrash { items } => Action::LocalChange(LocalCommand::Trash(
                items.into_iter().map(|(p, _)| p).collect(),
            )),
        }),
    }
}

/// A name field with OK/Cancel; Enter confirms, Escape cancels. Names with `/` or line breaks
/// are refused here rather than by the server.
fn name_field(ui: &mut egui::Ui, label: &str, name: &mut String) -> Outcome {
    let label = ui.label(label);
    let field = ui
        .add(TextEdit::singleline(name).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if !field.has_focus() && !field.lost_focus() {
        field.request_focus();
    }
    let trimmed = name.trim();
    let problem = if trimmed.is_empty() {
        Some("Enter a name")
    } else if trimmed.contains(['/', '\r', '\n', '\0']) {
        Some("A name can't contain / or line breaks")
    } else if trimmed == "." || trimmed == ".." {
        Some("Choose another name")
    } else {
        None
    };
    if let Some(problem) = problem
        && !trimmed.is_empty()
    {
        ui.colored_label(ui.visuals().warn_fg_color, problem);
    }
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    buttons(ui, "OK", problem.is_none(), entered)
}

pub(super) fn buttons(
    ui: &mut egui::Ui,
    confirm: &str,
    can_confirm: bool,
    entered: bool,
) -> Outcome {
    let mut outcome = Outcome::Open;
    ui.separator();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(can_confirm, egui::Button::new(confirm))
            .clicked()
            || (entered && can_confirm)
        {
            outcome = Outcome::Confirm;
        }
        if ui.button("Cancel").clicked() {
            outcome = Outcome::Cancel;
        }
    });
    outcome
}

/// Enter answers a question with its default button, as in FileZilla and WinSCP, unless the
/// keyboard is on another button (Tab to Cancel, then Enter, cancels).
fn enter_confirms(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(Key::Enter)) && ui.memory(|m| m.focused().is_none())
}

/// Names what goes, so nobody deletes a folder thinking it was a file.
fn delete_body(ui: &mut egui::Ui, dir: &RemotePath, items: &[RemoteItem]) -> Outcome {
    const SHOWN: usize = 12;
    ui.heading("Delete from the server?");
    let folders = items.iter().filter(|i| i.is_dir).count();
    let files = items.len() - folders;
    ui.label(format!(
        "{} in {dir} will be deleted. This cannot be undone.",
        counted(files, folders)
    ));
    for item in items.iter().take(SHOWN) {
        if item.is_dir {
            ui.label(format!(
                "🗀 {} (folder, with everything in it)",
                item.name.text
            ));
        } else {
            ui.label(format!("🗋 {}", item.name.text));
        }
    }
    if items.len() > SHOWN {
        ui.label(format!("… and {} more", items.len() - SHOWN));
    }
    buttons(ui, "Delete", true, enter_confirms(ui))
}

fn trash_body(ui: &mut egui::Ui, items: &[(PathBuf, bool)]) -> Outcome {
    const SHOWN: usize = 12;
    ui.heading("Move to the trash?");
    let folders = items.iter().filter(|(_, dir)| *dir).count();
    let them = if items.len() == 1 { "it" } else { "they" };
    ui.label(format!(
        "{} will go to the trash, from where {them} can be restored.",
        counted(items.len() - folders, folders)
    ));
    for (path, is_dir) in items.iter().take(SHOWN) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if *is_dir {
            ui.label(format!("🗀 {name} (folder, with everything in it)"));
        } else {
            ui.label(format!("🗋 {name}"));
        }
    }
    if items.len() > SHOWN {
        ui.label(format!("… and {} more", items.len() - SHOWN));
    }
    buttons(ui, "Move to trash", true, enter_confirms(ui))
}
