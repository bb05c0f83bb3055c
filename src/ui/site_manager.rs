//! The Site Manager: a tree of folders and saved sites, a form for the one selected, and
//! Connect. Sites are saved to `sites.toml` (in the background), passwords to the OS keyring.

use egui::{ComboBox, TextEdit};

use super::FerryApp;
use super::native_dialog::{PendingPick, Pick};
use crate::engine::{ConnectRequest, DataMode, Login, Timeouts};
use crate::protocol::listing::NameEncoding;
use crate::store::secret::Secret;
use crate::store::sites::{Logon, Protocol, Site, SiteFolder};

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
    /// A FileZilla file being picked for import, or a folder for export.
    picking: Option<PendingPick<Transfer>>,
}

enum Transfer {
    Import,
    Export,
}

fn folder_at_mut<'a>(root: &'a mut SiteFolder, path: &[usize]) -> Option<&'a mut SiteFolder> {
    path.iter()
        .try_fold(root, |folder, &i| folder.folders.get_mut(i))
}

impl FerryApp {
    /// Connects to a saved site (asking for its password first when its logon says so).
    pub fn connect_site(&mut self, site: &Site) {
        let request = ConnectRequest::for_site(site, Timeouts::from_settings(&self.settings));
        if site.logon == Logon::AskPassword
            || (site.logon == Logon::Normal && self.keyring_missing())
        {
            let request = ConnectRequest {
                login: Login::Normal {
                    user: site.user.clone(),
                    password: Secret::default(),
                },
                ..request
            };
            self.password_prompt = Some((request, String::new()));
        } else {
            self.connect_with(request);
        }
        if !site.local_dir.trim().is_empty() {
            self.open_local(std::path::PathBuf::from(site.local_dir.trim()));
        }
        if site.parallel > 0 {
            self.settings.transfers.parallel = site.parallel.min(10);
            self.engine
                .send(crate::engine::Command::SetTransferSettings(
                    self.settings.transfers.clone(),
                ));
        }
    }
}

pub fn show(ctx: &egui::Context, app: &mut FerryApp) {
    if !app.site_manager.open {
        return;
    }
    poll_pick(app);
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
                    tree_buttons(ui, app);
                });
            egui::CentralPanel::default().show(ui, |ui| {
                form(ui, app, &mut connect);
            });
        });
    if !open {
        app.site_manager.open = false;
    }
    if let Some(site) = connect {
        app.site_manager.open = false;
        app.connect_site(&site);
    }
}

fn tree(
    ui: &mut egui::Ui,
    folder: &SiteFolder,
    path: &mut Vec<usize>,
    app: &mut FerryApp,
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

fn tree_buttons(ui: &mut egui::Ui, app: &mut FerryApp) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("New site").clicked() {
            let site = Site::default();
            let id = site.id.clone();
            let folder = app.site_manager.selection.folder.clone();
            if let Some(target) = folder_at_mut(&mut app.sites, &folder) {
                target.sites.push(site);
                app.site_manager.selection.site = Some(id);
                app.save_sites();
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
                app.save_sites();
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
                app.save_sites();
            }
        }
        let can_delete = site_id.is_some() || !app.site_manager.selection.folder.is_empty();
        if ui
            .add_enabled(can_delete, egui::Button::new("Delete"))
            .clicked()
        {
            app.site_manager.confirm_delete = Some(app.site_manager.selection.clone());
        }
        if can_delete
            && app.site_manager.confirm_delete.as_ref() == Some(&app.site_manager.selection)
        {
            ui.end_row();
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
                delete_selection(app, site_id.as_deref());
                app.site_manager.confirm_delete = None;
            }
            if ui.button("Keep").clicked() {
                app.site_manager.confirm_delete = None;
            }
        }
        ui.separator();
        if ui
            .button("Import FileZilla…")
            .on_hover_text("sitemanager.xml")
            .clicked()
            && app.site_manager.picking.is_none()
        {
            app.site_manager.picking = Some(PendingPick::open(
                ui.ctx(),
                Pick::Files,
                "FileZilla sitemanager.xml",
                Transfer::Import,
            ));
        }
        if ui
            .button("Export…")
            .on_hover_text("As FileZilla's sitemanager.xml, without passwords")
            .clicked()
            && app.site_manager.picking.is_none()
        {
            app.site_manager.picking = Some(PendingPick::open(
                ui.ctx(),
                Pick::Folder,
                "Export the sites to",
                Transfer::Export,
            ));
        }
    });
}

/// Deletes the selected site (or folder, with every site in it) and their saved passwords.
fn delete_selection(app: &mut FerryApp, site_id: Option<&str>) {
    match site_id {
        Some(id) => {
            app.sites.remove_site(id);
            app.forget_password(id.to_owned());
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
                    app.forget_password(site.id.clone());
                }
            }
        }
    }
    app.site_manager.selection = Selection::default();
    app.save_sites();
}

fn form(ui: &mut egui::Ui, app: &mut FerryApp, connect: &mut Option<Site>) {
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
                    app.save_sites();
                }
            }
            None => {
                ui.weak("Select a site, or make one with New site.");
            }
        }
        return;
    };
    let keyring_missing = app.keyring_missing();
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
            ui.label("Protocol:");
            ComboBox::from_id_salt("protocol")
                .selected_text(site.protocol.label())
                .show_ui(ui, |ui| {
                    for protocol in Protocol::ALL {
                        if ui
                            .selectable_value(&mut site.protocol, protocol, protocol.label())
                            .changed()
                        {
                            site.port = protocol.default_port();
                        }
                    }
                });
            ui.end_row();
            if site.protocol == Protocol::Ftp {
                ui.label("");
                ui.checkbox(
                    &mut site.tls_if_available,
                    "Use TLS if the server offers it",
                );
                ui.end_row();
            }
            ui.label("Logon:");
            ComboBox::from_id_salt("logon")
                .selected_text(site.logon.label())
                .show_ui(ui, |ui| {
                    for logon in Logon::ALL {
                        ui.selectable_value(&mut site.logon, logon, logon.label());
                    }
                });
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
            ui.label("Transfer mode:");
            ComboBox::from_id_salt("transfer_mode")
                .selected_text(format!("{:?}", site.transfer_mode))
                .show_ui(ui, |ui| {
                    for (mode, label) in [
                        (DataMode::Auto, "Default"),
                        (DataMode::Passive, "Passive"),
                        (DataMode::Active, "Active"),
                    ] {
                        ui.selectable_value(&mut site.transfer_mode, mode, label);
                    }
                });
            ui.end_row();
            super::connection_bar::transfer_type_choice(
                ui,
                "site_transfer_type",
                &mut site.transfer_type,
            );
            ui.end_row();
            ui.label("Encoding:");
            ComboBox::from_id_salt("site_encoding")
                .selected_text(site.encoding.label())
                .show_ui(ui, |ui| {
                    for &encoding in NameEncoding::ALL {
                        ui.selectable_value(&mut site.encoding, encoding, encoding.label());
                    }
                });
            ui.end_row();
            let label = ui.label("Server time zone (minutes from UTC):");
            ui.add(
                egui::DragValue::new(&mut site.server_offset_minutes)
                    .range(-840..=840)
                    .speed(15),
            )
            .labelled_by(label.id);
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
            app.save_site_password(&current);
            app.save_sites();
        }
    });
    if changed {
        app.sites_dirty = true;
    }
    // Saved once the person has stopped typing in a field, not at every key.
    if app.sites_dirty && ui.ctx().memory(|m| m.focused().is_none()) {
        app.save_sites();
    }
}

fn text_row(ui: &mut egui::Ui, label: &str, value: &mut String) {
    let label = ui.label(label);
    ui.add(TextEdit::singleline(value).desired_width(320.0))
        .labelled_by(label.id);
    ui.end_row();
}

/// Import or export, once a file or folder was picked.
fn poll_pick(app: &mut FerryApp) {
    let Some(paths) = app.site_manager.picking.as_ref().and_then(|p| p.poll()) else {
        return;
    };
    let Some(picked) = app.site_manager.picking.take() else {
        return;
    };
    let Some(path) = paths.into_iter().next() else {
        return;
    };
    match picked.purpose {
        Transfer::Import => app.import_filezilla(path),
        Transfer::Export => app.export_filezilla(path.join("sitemanager.xml")),
    }
}
