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
    /// Rows dragged onto another folder of the server pane.
    Move {
        dir: RemotePath,
        items: Vec<RemoteItem>,
        into: RemotePath,
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
    /// Rows dragged onto another folder of the local pane: paths, and whether each is a folder.
    LocalMove {
        items: Vec<(PathBuf, bool)>,
        into: PathBuf,
    },
    /// Synchronized browsing went into a server folder that has no local counterpart: create
    /// it here (and go on in step), or stop browsing in step.
    SyncMissingLocal {
        /// The server's folder just opened, and the local one of its place that isn't there.
        remote: RemotePath,
        path: PathBuf,
    },
    /// The same the other way: a local folder opened that has no folder on the server.
    SyncMissingRemote {
        local: PathBuf,
        path: RemotePath,
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
            Dialog::Move { items, into, .. } => {
                move_body(ui, &remote_listed(items), &into.display())
            }
            Dialog::LocalMove { items, into } => {
                move_body(ui, &local_listed(items), &into.display().to_string())
            }
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
            Dialog::SyncMissingLocal { remote, path } => {
                ui.heading("Synchronized browsing");
                ui.label(format!(
                    "The server's {remote} has no counterpart on this computer:"
                ));
                ui.label(egui::RichText::new(path.display().to_string()).strong());
                ui.label("Create it here, to go on browsing both sides in step?");
                sync_buttons(ui)
            }
            Dialog::SyncMissingRemote { local, path } => {
                ui.heading("Synchronized browsing");
                ui.label(format!(
                    "This computer's {} has no counterpart on the server:",
                    local.display()
                ));
                ui.label(egui::RichText::new(path.display()).strong());
                ui.label("Create it on the server, to go on browsing both sides in step?");
                sync_buttons(ui)
            }
        };
    });
    if modal.should_close() {
        outcome = Outcome::Cancel;
    }
    match outcome {
        Outcome::Open => None,
        Outcome::Cancel => match dialog.take() {
            // Nothing is created; the two sides can no longer move in step.
            Some(Dialog::SyncMissingLocal { .. } | Dialog::SyncMissingRemote { .. }) => {
                Some(Action::StopSyncBrowsing)
            }
            _ => None,
        },
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
            Dialog::Move { dir, items, into } => Action::RemoteChange(Command::Move {
                dir,
                names: items.into_iter().map(|item| item.name).collect(),
                into,
            }),
            Dialog::LocalMove { items, into } => Action::LocalChange(LocalCommand::Move {
                paths: items.into_iter().map(|(path, _)| path).collect(),
                into,
            }),
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
            Dialog::SyncMissingLocal { path, .. } => Action::MkdirAndOpenLocal(path),
            Dialog::SyncMissingRemote { path, .. } => Action::MkdirAndOpenRemote(path),
        }),
    }
}

/// A name field with OK/Cancel; Enter confirms, Escape cancels. Names with `/` or line breaks
/// are refused here rather than by the server.
fn name_field(ui: &mut egui::Ui, label: &str, name: &mut String) -> Outcome {
    let label = ui.label(label);
    let output = TextEdit::singleline(name)
        .desired_width(f32::INFINITY)
        .show(ui);
    let mut state = output.state;
    let field = output.response.response.labelled_by(label.id);
    if !focused_once_since_shown(ui, field.id, field.has_focus()) {
        field.request_focus();
        // The name chosen, without its extension, as file managers do: typing replaces it.
        // (Set as the focus is given: the field keeps a selection only while it has focus.)
        let stem = name_stem_chars(name);
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::two(
                egui::text::CCursor::new(0),
                egui::text::CCursor::new(stem),
            )));
        state.store(ui.ctx(), field.id);
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

/// Whether the field `id` has had the keyboard focus since its dialog was shown (`focused`:
/// it has it now). A dialog gives its text field the focus when it opens, once: taken again
/// after, it would come back whenever the person moved on (Tab to OK, a click elsewhere),
/// choosing the name's stem again, and a keyboard could never reach the buttons. A field not
/// shown in the pass before belongs to a dialog opened anew.
pub(super) fn focused_once_since_shown(ui: &egui::Ui, id: egui::Id, focused: bool) -> bool {
    let pass = ui.ctx().cumulative_pass_nr();
    let key = id.with("focused once since shown");
    let (last_pass, before) = ui
        .data(|d| d.get_temp::<(u64, bool)>(key))
        .unwrap_or((0, false));
    let still_shown = last_pass + 1 >= pass && last_pass > 0;
    let focused_once = (still_shown && before) || focused;
    ui.data_mut(|d| d.insert_temp(key, (pass, focused_once)));
    focused_once
}

/// How many characters of `name` come before its extension (all of them when it has none, or
/// when its only dot starts it, as `.htaccess`).
fn name_stem_chars(name: &str) -> usize {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name[..dot].chars().count(),
        _ => name.chars().count(),
    }
}

pub(super) fn buttons(
    ui: &mut egui::Ui,
    confirm: &str,
    can_confirm: bool,
    entered: bool,
) -> Outcome {
    buttons_named(ui, confirm, "Cancel", can_confirm, entered)
}

/// The answers to a folder missing on one side in synchronized browsing.
fn sync_buttons(ui: &mut egui::Ui) -> Outcome {
    let entered = enter_confirms(ui);
    buttons_named(
        ui,
        "Create folder",
        "Stop synchronized browsing",
        true,
        entered,
    )
}

/// [`buttons`] with a cancel button that says what it does.
fn buttons_named(
    ui: &mut egui::Ui,
    confirm: &str,
    cancel: &str,
    can_confirm: bool,
    entered: bool,
) -> Outcome {
    let mut outcome = Outcome::Open;
    ui.separator();
    ui.horizontal(|ui| {
        // The button Enter presses looks it, as a default button does in every dialog.
        let selection = ui.visuals().selection;
        let default = if can_confirm {
            egui::Button::new(egui::RichText::new(confirm).color(selection.stroke.color))
                .fill(selection.bg_fill)
        } else {
            egui::Button::new(confirm)
        };
        if ui
            .add_enabled(can_confirm, default)
            .on_hover_text("Enter")
            .clicked()
            || (entered && can_confirm)
        {
            outcome = Outcome::Confirm;
        }
        if ui.button(cancel).clicked() {
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
    ui.heading("Delete from the server?");
    let listed = remote_listed(items);
    ui.label(format!(
        "{} in {dir} will be deleted. This cannot be undone.",
        counted_items(&listed)
    ));
    list_items(ui, &listed);
    buttons(ui, "Delete", true, enter_confirms(ui))
}

/// Names, each marked whether it is a folder.
fn remote_listed(items: &[RemoteItem]) -> Vec<(String, bool)> {
    items
        .iter()
        .map(|item| (item.name.text.clone(), item.is_dir))
        .collect()
}

/// File names of paths, each marked whether it is a folder.
fn local_listed(items: &[(PathBuf, bool)]) -> Vec<(String, bool)> {
    items
        .iter()
        .map(|(path, is_dir)| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), *is_dir)
        })
        .collect()
}

/// `2 files and 1 folder`, of names each marked whether it is a folder.
fn counted_items(items: &[(String, bool)]) -> String {
    let folders = items.iter().filter(|(_, dir)| *dir).count();
    counted(items.len() - folders, folders)
}

/// The first names, each marked file or folder, then how many more.
fn list_items(ui: &mut egui::Ui, items: &[(String, bool)]) {
    const SHOWN: usize = 12;
    for (name, is_dir) in items.iter().take(SHOWN) {
        if *is_dir {
            ui.label(format!("🗀 {name} (folder, with everything in it)"));
        } else {
            ui.label(format!("🗋 {name}"));
        }
    }
    if items.len() > SHOWN {
        ui.label(format!("… and {} more", items.len() - SHOWN));
    }
}

/// Names what moves and where: a drag let go over the wrong folder is caught here.
fn move_body(ui: &mut egui::Ui, items: &[(String, bool)], into: &str) -> Outcome {
    ui.heading("Move?");
    ui.label(format!("{} will move into:", counted_items(items)));
    ui.strong(into);
    list_items(ui, items);
    buttons(ui, "Move", true, enter_confirms(ui))
}

fn trash_body(ui: &mut egui::Ui, items: &[(PathBuf, bool)]) -> Outcome {
    ui.heading("Move to the trash?");
    let listed = local_listed(items);
    let them = if items.len() == 1 { "it" } else { "they" };
    ui.label(format!(
        "{} will go to the trash, from where {them} can be restored.",
        counted_items(&listed)
    ));
    list_items(ui, &listed);
    buttons(ui, "Move to trash", true, enter_confirms(ui))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rename_starts_with_the_name_before_its_extension_chosen() {
        for (name, chosen) in [
            ("report.pdf", "report"),
            ("archive.tar.gz", "archive.tar"),
            ("README", "README"),
            (".htaccess", ".htaccess"),
            ("Ünïcödé.txt", "Ünïcödé"),
            ("", ""),
        ] {
            let stem = super::name_stem_chars(name);
            assert_eq!(
                name.chars().take(stem).collect::<String>(),
                chosen,
                "{name}"
            );
        }
    }
}
