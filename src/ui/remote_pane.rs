//! The remote pane: a path bar, then the file list of the current folder (folders first).

use egui::{Key, RichText, Sense, TextEdit};
use egui_extras::{Column, TableBuilder};

use super::{FerryApp, format};
use crate::engine::{DirListing, DirTarget};
use crate::protocol::listing::{Entry, EntryKind};
use crate::protocol::path::RemotePath;

#[derive(Default)]
pub struct RemoteView {
    /// The folder shown; `None` before the first listing.
    pub path: Option<RemotePath>,
    /// The path bar's text, which the user may edit.
    pub path_input: String,
    /// Folders first, then by name.
    pub entries: Vec<Entry>,
    pub unparsed_lines: usize,
    pub selected: Option<Row>,
    pub loading: bool,
}

/// A row of the table: the `..` row or an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Parent,
    Entry(usize),
}

impl RemoteView {
    pub fn show_listing(&mut self, listing: DirListing) {
        let mut entries = listing.listing.entries;
        entries.sort_by_cached_key(|entry| (!entry.is_dir(), entry.name.text.to_lowercase()));
        self.path_input = listing.path.display();
        self.path = Some(listing.path);
        self.entries = entries;
        self.unparsed_lines = listing.listing.unparsed.len();
        self.selected = None;
        self.loading = false;
    }

    /// Files (and links and others) and folders.
    pub fn counts(&self) -> (usize, usize) {
        let folders = self.entries.iter().filter(|e| e.is_dir()).count();
        (self.entries.len() - folders, folders)
    }

    fn has_parent_row(&self) -> bool {
        self.path.as_ref().is_some_and(|p| !p.is_root())
    }

    fn row_count(&self) -> usize {
        self.entries.len() + usize::from(self.has_parent_row())
    }

    fn row_at(&self, index: usize) -> Row {
        if self.has_parent_row() {
            if index == 0 {
                Row::Parent
            } else {
                Row::Entry(index - 1)
            }
        } else {
            Row::Entry(index)
        }
    }

    /// What opening a row means: entering a folder (or trying a link, which may be one).
    fn open_target(&self, row: Row) -> Option<DirTarget> {
        match row {
            Row::Parent => Some(DirTarget::Parent),
            Row::Entry(i) => {
                let entry = self.entries.get(i)?;
                matches!(entry.kind, EntryKind::Dir | EntryKind::Link { .. })
                    .then(|| DirTarget::Child(entry.name.clone()))
            }
        }
    }
}

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    let mut open: Option<DirTarget> = None;
    let mut refresh = false;
    ui.horizontal(|ui| {
        let label = ui.label("Remote site:");
        let up_enabled = app.is_connected() && app.remote.has_parent_row();
        if ui
            .add_enabled(up_enabled, egui::Button::new("⬆ Up"))
            .on_hover_text("Parent folder (Backspace)")
            .clicked()
        {
            open = Some(DirTarget::Parent);
        }
        if ui
            .add_enabled(app.is_connected(), egui::Button::new("🔄 Refresh"))
            .on_hover_text("List this folder again")
            .clicked()
        {
            refresh = true;
        }
        if app.remote.loading {
            ui.add(egui::Spinner::new());
        }
        let path_bar = ui
            .add(TextEdit::singleline(&mut app.remote.path_input).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if path_bar.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let typed = app.remote.path_input.trim();
            if !typed.is_empty() {
                open = Some(DirTarget::Path(RemotePath::from_text(typed)));
            }
        }
    });
    ui.separator();

    if app.remote.path.is_none() {
        ui.weak(if app.is_connected() || app.is_busy() {
            "Listing…"
        } else {
            "The server's files show here once connected."
        });
    } else {
        if let Some(target) = file_table(ui, &mut app.remote) {
            open = Some(target);
        }
        if app.remote.unparsed_lines > 0 {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "{} listing lines could not be read; they are in the message log",
                    app.remote.unparsed_lines
                ),
            );
        }
    }

    // Backspace goes up, Enter opens the selected folder, unless a text field has the keys.
    let typing = ui.ctx().memory(|m| m.focused().is_some());
    if !typing {
        if ui.input(|i| i.key_pressed(Key::Backspace)) && app.remote.has_parent_row() {
            open = Some(DirTarget::Parent);
        }
        if ui.input(|i| i.key_pressed(Key::Enter))
            && let Some(row) = app.remote.selected
        {
            open = app.remote.open_target(row).or(open);
        }
    }
    if let Some(target) = open {
        app.open_dir(target);
    } else if refresh || ui.input(|i| i.key_pressed(Key::F5)) {
        app.refresh();
    }
}

/// Draws the table (only the rows in view) and returns the folder to open, if one was
/// double-clicked.
fn file_table(ui: &mut egui::Ui, view: &mut RemoteView) -> Option<DirTarget> {
    let mut open = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    TableBuilder::new(ui)
        .id_salt("remote_files")
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(320.0).at_least(120.0).clip(true))
        .column(Column::initial(90.0).at_least(50.0))
        .column(Column::initial(150.0).at_least(80.0))
        .column(Column::remainder().at_least(80.0))
        .auto_shrink(false)
        .header(row_height, |mut header| {
            for title in ["Name", "Size", "Modified", "Permissions"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            let count = view.row_count();
            body.rows(row_height, count, |mut row| {
                let which = view.row_at(row.index());
                row.set_selected(view.selected == Some(which));
                match which {
                    Row::Parent => {
                        row.col(|ui| {
                            ui.add(egui::Label::new("🗀 ..").selectable(false));
                        });
                        for _ in 0..3 {
                            row.col(|_| {});
                        }
                    }
                    Row::Entry(i) => entry_cells(&mut row, &view.entries[i]),
                }
                let response = row.response();
                if response.clicked() {
                    view.selected = Some(which);
                }
                if response.double_clicked() {
                    open = view.open_target(which);
                }
            });
        });
    open
}

fn entry_cells(row: &mut egui_extras::TableRow<'_, '_>, entry: &Entry) {
    let icon = match entry.kind {
        EntryKind::Dir => "🗀",
        EntryKind::Link { .. } => "🔗",
        EntryKind::File => "🗋",
        EntryKind::Other => "⚙",
    };
    row.col(|ui| {
        ui.add(egui::Label::new(icon).selectable(false));
        let name = ui.add(
            egui::Label::new(&entry.name.text)
                .selectable(false)
                .truncate(),
        );
        if let EntryKind::Link {
            target: Some(target),
        } = &entry.kind
        {
            name.on_hover_text(format!("Link to {target}"));
        }
    });
    row.col(|ui| {
        if let Some(size) = entry.size.filter(|_| !entry.is_dir()) {
            ui.add(egui::Label::new(format::human_size(size)).selectable(false))
                .on_hover_text(format!("{} bytes", format::grouped(size)));
        }
    });
    row.col(|ui| {
        if let Some(modified) = &entry.modified {
            ui.add(egui::Label::new(format::modified(modified)).selectable(false));
        }
    });
    row.col(|ui| {
        if let Some(permissions) = &entry.permissions {
            ui.add(egui::Label::new(RichText::new(permissions).monospace()).selectable(false));
        }
    });
}
