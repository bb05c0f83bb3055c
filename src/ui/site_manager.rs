//! The Site Manager: a tree of folders and saved sites, a form for the one selected, and
//! Connect. Sites are saved to `sites.toml` (in the background), passwords to the OS keyring.

use egui::{ComboBox, TextEdit};

use super::app::{Action, Actions, AppState};
use super::connection_bar::{data_mode_label, time_zone};
use super::jobs::{Pick, PickPurpose};
use crate::engine::DataMode;
use crate::protocol::listing::NameEncoding;
use crate::store::secret::Secret;
use crate::store::sites::{Logon, Protocol, Site, SiteFolder};

/// How long "Saved" shows after a save (seconds).
const SAVED_FOR: f64 = 3.0;

/// Where in the tree: the folder path (indices from the root), and a site in it if one is
/// selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub folder: Vec<usize>,
    pub site: Option<String>,
}

/// What the person is typing into the selected site's password field (saved to the keyring on
/// Save, never kept anywhere else).
#[derive(Default)]
pub struct SiteManager {
    pub open: bool,
    pub selection: Selection,
    pub password: String,
    pub password_changed: bool,
    /// Delete was clicked for this selection: asked once more before anything goes.
    confirm_delete: Option<Selection>,
    /// A field changed since the last save.
    pub dirty: bool,
    /// When the sites file was last written (the Save button says so for a moment).
    pub saved_at: Option<f64>,
}

fn folder_at_mut<'a>(root: &'a mut SiteFolder, path: &[usize]) -> Option<&'a mut SiteFolder> {
    path.iter()
        .try_fold(root, |folder, &i| folder.folders.get_mut(i))
}

pub fn show(ctx: &egui::Context, app: &mut AppState, actions: &mut Actions) {
    if !app.site_manager.open {
        return;
    }
    let popup_was_open = egui::Popup::is_any_open(ctx);
    let now = ctx.input(|i| i.time);
    let mut open = true;
    let mut connect: Option<Site> = None;
    egui::Window::new("Site Manager")
        .open(&mut open)
        .default_size([820.0, 520.0])
        .resizable(true)
        .show(ctx, |ui| {
            egui::Panel::left("site_tree")
                .resizable(true)
                .default_size(260.0)
                .show(ui, |ui| {
                    ui.strong("Sites");
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        let root = app.sites.clone();
                        tree(ui, &root, &mut Vec::new(), app, &mut connect);
                    });
                    ui.separator();
                    tree_buttons(ui, app, actions);
                });
            egui::CentralPanel::default().show(ui, |ui| {
                form(ui, app, now, &mut connect, actions);
            });
        });
    if !open || super::widgets::escape_for_window(ctx, popup_was_open) {
        app.site_manager.open = false;
    }
    if let Some(site) = connect {
        app.site_manager.open = false;
        actions.push(Action::ConnectSite(Box::new(site)));
    }
}

fn tree(
    ui: &mut egui::Ui,
    folder: &SiteFolder,
    path: &mut Vec<usize>,
    app: &mut AppState,
    connect: &mut Option<Site>,
) {
    for (i, sub) in folder.folders.iter().enumerate() {
        path.push(i);
        let selected =
            app.site_manager.selection.folder == *path && app.site_manager.selection.site.is_none();
        let id = ui.make_persistent_id(("site_folder", path.clone()));
        egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, true)
            .show_header(ui, |ui| {
                if ui
                    .selectable_label(selected, format!("🗀 {}", sub.name))
                    .clicked()
                {
                    app.site_manager.selection = Selection {
                        folder: path.clone(),
                        site: None,
                    };
                }
            })
            .body(|ui| tree(ui, sub, path, app, connect));
        path.pop();
    }
    for site in &folder.sites {
        let selected = app.site_manager.selection.site.as_deref() == Some(site.id.as_str());
        let label = ui.selectable_label(selected, format!("🖧 {}", site.name));
        if label.clicked() && !selected {
            app.site_manager.selection = Selection {
                folder: path.clone(),
                site: Some(site.id.clone()),
            };
            app.site_manager.password.clear();
            app.site_manager.password_changed = false;
        }
        if label.double_clicked() {
            *connect = Some(site.clone());
        }
    }
}

/// Two rows of buttons, the same at any width: making and removing sites, then FileZilla's file.
fn tree_buttons(ui: &mut egui::Ui, app: &mut AppState, actions: &mut Actions) {
    ui.horizontal(|ui| {
        if ui.button("New site").clicked() {
            let site = Site::default();
            let id = site.id.clone();
            let folder = app.site_manager.selection.folder.clone();
            if let Some(target) = folder_at_mut(&mut app.sites, &folder) {
                target.sites.push(site);
                app.site_manager.selection.site = Some(id);
                actions.push(Action::SaveSites);
            }
        }
        if ui.button("New folder").clicked() {
            let folder = app.site_manager.selection.folder.clone();
            if let Some(target) = folder_at_mut(&mut app.sites, &folder) {
                target.folders.push(SiteFolder {
                    name: "New folder".into(),
                    ..SiteFolder::default()
                });
                let mut path = folder;
                path.push(target.folders.len() - 1);
                app.site_manager.selection = Selection {
                    folder: path,
                    site: None,
                };
                actions.push(Action::SaveSites);
            }
        }
        let site_id = app.site_manager.selection.site.clone();
        if ui
            .add_enabled(site_id.is_some(), egui::Button::new("Duplicate"))
            .clicked()
            && let Some(id) = &site_id
            && let Some(original) = app.sites.find_mut(id).map(|s| s.clone())
        {
            let copy = Site {
                id: crate::store::sites::new_id(),
                name: format!("{} (copy)", original.name),
                ..original
            };
            let new_id = copy.id.clone();
            let folder = app.site_manager.selection.folder.clone();
            if let Some(target) = folder_at_mut(&mut app.sites, &folder) {
                target.sites.push(copy);
                app.site_manager.selection.site = Some(new_id);
                actions.push(Action::SaveSites);
            }
        }
    });
    ui.horizontal(|ui| {
        let site_id = app.site_manager.selection.site.clone();
        let can_delete = site_id.is_some() || !app.site_manager.selection.folder.is_empty();
        if ui
            .add_enabled(can_delete, egui::Button::new("Delete"))
            .clicked()
        {
            app.site_manager.confirm_delete = Some(app.site_manager.selection.clone());
        }
        if ui
            .button("Import FileZilla…")
            .on_hover_text("sitemanager.xml")
            .clicked()
        {
            actions.push(Action::Pick {
                pick: Pick::Files,
                title: "FileZilla sitemanager.xml",
                purpose: PickPurpose::ImportSites,
            });
        }
        if ui
            .button("Export…")
            .on_hover_text("As FileZilla's sitemanager.xml, without passwords")
            .clicked()
        {
            actions.push(Action::Pick {
                pick: Pick::Folder,
                title: "Export the sites to",
                purpose: PickPurpose::ExportSites,
            });
        }
    });
    let site_id = app.site_manager.selection.site.clone();
    let can_delete = site_id.is_some() || !app.site_manager.selection.folder.is_empty();
    if can_delete && app.site_manager.confirm_delete.as_ref() == Some(&app.site_manager.selection) {
        ui.horizontal_wrapped(|ui| {
            let what = match &site_id {
                Some(id) => app
                    .sites
                    .find_mut(id)
                    .map(|s| format!("the site \"{}\"", s.name))
                    .unwrap_or_default(),
                None => {
                    let path = app.site_manager.selection.folder.clone();
                    folder_at_mut(&mut app.sites, &path)
                        .map(|f| {
                            let count = f.all_sites().len();
                            format!("the folder \"{}\" and its {count} sites", f.name)
                        })
                        .unwrap_or_default()
                }
            };
            ui.colored_label(ui.visuals().warn_fg_color, format!("Delete {what}?"));
            if ui.button("Yes, delete").clicked() {
                delete_selection(app, site_id.as_deref(), actions);
                app.site_manager.confirm_delete = None;
            }
            if ui.button("Keep").clicked() {
                app.site_manager.confirm_delete = None;
            }
        });
    }
}

/// Deletes the selected site (or folder, with every site in it) and their saved passwords.
fn delete_selection(app: &mut AppState, site_id: Option<&str>, actions: &mut Actions) {
    match site_id {
        Some(id) => {
            app.sites.remove_site(id);
            actions.push(Action::ForgetPassword(id.to_owned()));
        }
        None => {
            let mut path = app.site_manager.selection.folder.clone();
            if let Some(last) = path.pop()
                && let Some(parent) = folder_at_mut(&mut app.sites, &path)
                && last < parent.folders.len()
            {
                let removed = parent.folders.remove(last);
                // Their passwords go too: nothing should outlive its site in the keyring.
                for (_, site) in removed.all_sites() {
                    actions.push(Action::ForgetPassword(site.id.clone()));
                }
            }
        }
    }
    app.site_manager.selection = Selection::default();
    actions.push(Action::SaveSites);
}

fn form(
    ui: &mut egui::Ui,
    app: &mut AppState,
    now: f64,
    connect: &mut Option<Site>,
    actions: &mut Actions,
) {
    let Some(id) = app.site_manager.selection.site.clone() else {
        // A folder: its name can be changed here.
        let path = app.site_manager.selection.folder.clone();
        match folder_at_mut(&mut app.sites, &path).filter(|_| !path.is_empty()) {
            Some(folder) => {
                let label = ui.label("Folder name:");
                if ui
                    .text_edit_singleline(&mut folder.name)
                    .labelled_by(label.id)
                    .lost_focus()
                {
                    actions.push(Action::SaveSites);
                }
            }
            None => {
                ui.weak("Select a site, or make one with New site.");
            }
        }
        return;
    };
    let keyring_missing = app.accounts.keyring_missing();
    let Some(site) = app.sites.find_mut(&id) else {
        return;
    };
    let before = site.clone();
    egui::Grid::new("site_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            text_row(ui, "Name:", &mut site.name);
            text_row(ui, "Host:", &mut site.host);
            let label = ui.label("Port:");
            ui.add(egui::DragValue::new(&mut site.port).range(1..=65535))
                .labelled_by(label.id);
            ui.end_row();
            // Each list is named by its label, for screen readers (and the tests).
            let label = ui.label("Protocol:");
            ComboBox::from_id_salt("protocol")
                .selected_text(site.protocol.label())
                .show_ui(ui, |ui| {
                    let was = site.protocol;
                    for protocol in Protocol::ALL {
                        if ui
                            .selectable_value(&mut site.protocol, protocol, protocol.label())
                            .changed()
                        {
                            site.port = was.port_on_switch(protocol, site.port);
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if site.protocol == Protocol::Ftp {
                ui.label("");
                ui.checkbox(
                    &mut site.tls_if_available,
                    "Use TLS if the server offers it",
                );
                ui.end_row();
            }
            let label = ui.label("Logon:");
            ComboBox::from_id_salt("logon")
                .selected_text(site.logon.label())
                .show_ui(ui, |ui| {
                    for logon in Logon::ALL {
                        ui.selectable_value(&mut site.logon, logon, logon.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if site.logon != Logon::Anonymous {
                text_row(ui, "User:", &mut site.user);
            }
            if site.logon == Logon::Normal {
                let label = ui.label("Password:");
                let hint = if keyring_missing {
                    "no keyring: asked when connecting"
                } else {
                    "kept in the OS keyring"
                };
                let field = ui
                    .add_enabled(
                        !keyring_missing,
                        TextEdit::singleline(&mut app.site_manager.password)
                            .password(true)
                            .hint_text(hint),
                    )
                    .labelled_by(label.id);
                if field.changed() {
                    app.site_manager.password_changed = true;
                }
                ui.end_row();
            }
            // The same words as the connection bar's Options.
            let label = ui.label("Data connection:");
            ComboBox::from_id_salt("transfer_mode")
                .selected_text(data_mode_label(site.transfer_mode))
                .show_ui(ui, |ui| {
                    for mode in [DataMode::Auto, DataMode::Passive, DataMode::Active] {
                        ui.selectable_value(&mut site.transfer_mode, mode, data_mode_label(mode));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            super::connection_bar::transfer_type_choice(
                ui,
                "site_transfer_type",
                &mut site.transfer_type,
            );
            ui.end_row();
            let label = ui.label("Encoding:");
            ComboBox::from_id_salt("site_encoding")
                .selected_text(site.encoding.label())
                .show_ui(ui, |ui| {
                    for &encoding in NameEncoding::ALL {
                        ui.selectable_value(&mut site.encoding, encoding, encoding.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            // Hours, as in the connection bar's Options.
            let label = ui.label("Server time zone (hours from UTC):");
            time_zone(ui, &mut site.server_offset_minutes).labelled_by(label.id);
            ui.end_row();
            text_row(ui, "Remote folder:", &mut site.remote_dir);
            text_row(ui, "Local folder:", &mut site.local_dir);
            let label = ui.label("Simultaneous transfers (0 = default):");
            ui.add(egui::DragValue::new(&mut site.parallel).range(0..=10))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Comments:");
            ui.add(TextEdit::multiline(&mut site.comments).desired_rows(3))
                .labelled_by(label.id);
            ui.end_row();
        });
    let changed = *site != before;
    let current = site.clone();
    ui.separator();
    ui.horizontal(|ui| {
        if ui.button("Connect").clicked() {
            *connect = Some(current.clone());
        }
        if ui.button("Save").clicked() {
            save_password(app, &current, actions);
            actions.push(Action::SaveSites);
        }
        // Said once the file is written, not when the button is pressed.
        if app
            .site_manager
            .saved_at
            .is_some_and(|at| now - at < SAVED_FOR)
        {
            ui.colored_label(ui.visuals().selection.bg_fill, "✔ Saved");
            ui.ctx().request_repaint_after_secs(SAVED_FOR as f32);
        }
    });
    if changed {
        app.site_manager.dirty = true;
    }
    // Saved once the person has stopped typing in a field, not at every key.
    if app.site_manager.dirty && ui.ctx().memory(|m| m.focused().is_none()) {
        app.site_manager.dirty = false;
        actions.push(Action::SaveSites);
    }
}

/// The password typed for a site goes to the keyring, when it changed.
fn save_password(app: &mut AppState, site: &Site, actions: &mut Actions) {
    let manager = &mut app.site_manager;
    if !manager.password_changed || site.logon != Logon::Normal {
        return;
    }
    manager.password_changed = false;
    actions.push(Action::SaveSitePassword {
        key: site.id.clone(),
        password: Secret::new(std::mem::take(&mut manager.password)),
    });
}

fn text_row(ui: &mut egui::Ui, label: &str, value: &mut String) {
    let label = ui.label(label);
    ui.add(TextEdit::singleline(value).desired_width(320.0))
        .labelled_by(label.id);
    ui.end_row();
}
