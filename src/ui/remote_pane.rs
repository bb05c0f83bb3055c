//! The remote pane: a path bar and filter, the folder tree on the left, the file table on the
//! right. Listings are cached per folder: going back to one already seen shows it at once, and
//! F5 (or a change made through Ferry) lists it again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::{Key, TextEdit};

use super::dialogs::Dialog;
use super::drag::{self, DragPayload};
use super::file_table::{self, Row, TableAction, TableConfig, TableState};
use super::folder_tree::{self, Children, TreeAction, TreeSource, TreeState};
use super::{FerryApp, Side};
use std::path::Path;

use super::native_dialog::{PendingPick, Pick};
use crate::engine::{
    Command, DirListing, DirTarget, Direction, RemoteItem, TransferRequest, TransferType,
};
use crate::protocol::listing::{Entry, EntryKind, Listing, NameEncoding};
use crate::protocol::local_name::safe_local_name;
use crate::protocol::path::RemotePath;
use crate::protocol::permissions::parse_mode;

#[derive(Default)]
pub struct RemoteView {
    /// The folder shown; `None` before the first listing.
    pub current: Option<RemotePath>,
    /// The path bar's text, which the person may edit.
    pub path_input: String,
    cache: HashMap<RemotePath, Arc<Listing>>,
    /// Folders asked for with `List` and not answered yet.
    listing: HashSet<RemotePath>,
    /// A `ChangeDir` is on its way.
    pub entering: bool,
    pub tree: TreeState<RemotePath>,
    pub table: TableState,
    pub encoding: NameEncoding,
}

impl RemoteView {
    pub fn new(encoding: NameEncoding) -> Self {
        Self {
            encoding,
            ..Self::default()
        }
    }

    pub fn is_loading(&self) -> bool {
        self.entering
            || self
                .current
                .as_ref()
                .is_some_and(|c| self.listing.contains(c))
    }

    /// The listing of the folder shown.
    pub fn current_listing(&self) -> Option<&Arc<Listing>> {
        self.cache.get(self.current.as_ref()?)
    }

    pub fn cached(&self, path: &RemotePath) -> bool {
        self.cache.contains_key(path)
    }

    /// The path for display, decoded like the names in it.
    pub fn display(&self, path: &RemotePath) -> String {
        self.encoding.decode(path.as_bytes())
    }

    pub fn on_listing(&mut self, listing: DirListing) {
        let DirListing {
            path,
            listing,
            entered,
        } = listing;
        self.listing.remove(&path);
        let listing = Arc::new(listing);
        let old = self.cache.insert(path.clone(), listing.clone());
        if entered {
            self.entering = false;
            self.show(path);
        } else if self.current.as_ref() == Some(&path) {
            match old {
                Some(old) => self.table.refresh_items(&old.entries, &listing.entries),
                None => self.table.set_items(&listing.entries),
            }
        }
    }

    /// Shows a folder whose listing is in the cache.
    fn show(&mut self, path: RemotePath) {
        if let Some(listing) = self.cache.get(&path) {
            self.table.set_items(&listing.entries);
        }
        self.path_input = self.display(&path);
        self.tree.reveal(&path.ancestors_and_self());
        self.current = Some(path);
    }

    /// A command failed: whatever was being loaded is no longer.
    pub fn on_failure(&mut self) {
        self.entering = false;
    }

    pub fn on_list_failed(&mut self, path: &RemotePath) {
        self.listing.remove(path);
    }

    /// Files (and links and others) and folders shown.
    pub fn counts(&self) -> (usize, usize) {
        let Some(listing) = self.current_listing() else {
            return (0, 0);
        };
        let folders = listing.entries.iter().filter(|e| e.is_dir()).count();
        (listing.entries.len() - folders, folders)
    }

    fn has_parent(&self) -> bool {
        self.current.as_ref().is_some_and(|p| p.parent().is_some())
    }
}

impl FerryApp {
    /// Opens a folder: at once from the cache when it was listed before, else through the
    /// engine (which enters it and reports where the server says it is).
    pub fn open_dir(&mut self, target: DirTarget) {
        if !self.is_connected() {
            return;
        }
        let Some(from) = self.remote.current.clone() else {
            return;
        };
        let known = match &target {
            DirTarget::Path(path) => Some(path.clone()),
            DirTarget::Child(name) => Some(from.join_name(name)),
            DirTarget::Parent => from.parent(),
        };
        self.notice = None;
        if let Some(path) = known.filter(|p| self.remote.cached(p)) {
            self.remote.show(path);
            return;
        }
        self.remote.entering = true;
        self.engine.send(Command::ChangeDir { from, target });
    }

    /// Lists a folder again (F5, Refresh) or for the first time (a tree node).
    pub fn list_dir(&mut self, path: RemotePath) {
        if !self.is_connected() || !self.remote.listing.insert(path.clone()) {
            return;
        }
        self.engine.send(Command::List(path));
    }

    pub fn refresh(&mut self) {
        self.notice = None;
        if let Some(current) = self.remote.current.clone() {
            self.list_dir(current);
        }
    }

    /// Sends a change to the server; the engine lists the folder again afterwards.
    pub fn change(&mut self, command: Command) {
        if !self.is_connected() {
            return;
        }
        self.notice = None;
        if let Command::Mkdir { dir, .. }
        | Command::Rename { dir, .. }
        | Command::Delete { dir, .. }
        | Command::Chmod { dir, .. } = &command
        {
            self.remote.listing.insert(dir.clone());
        }
        self.engine.send(command);
    }
}

/// What a native picker was opened for.
pub enum PickPurpose {
    /// Download these entries of `dir` into the picked folder.
    DownloadTo {
        dir: RemotePath,
        entries: Vec<Entry>,
    },
    /// Upload the picked files (or folder) into this remote folder.
    Upload(RemotePath),
}

impl FerryApp {
    /// Queues downloads of entries of the remote folder `dir` into the local folder `into`.
    pub fn download(&mut self, dir: &RemotePath, entries: &[Entry], into: &Path) {
        let mut requests = Vec::new();
        for entry in entries {
            // The same rule as recursive downloads: a name from the server can't leave `into`.
            let name = match safe_local_name(&entry.name.text) {
                Ok(name) => name,
                Err(why) => {
                    self.notice = Some(format!("Not downloaded: {why}"));
                    continue;
                }
            };
            requests.push(TransferRequest {
                direction: Direction::Download,
                remote: dir.join_name(&entry.name),
                local: into.join(name),
                is_dir: entry.is_dir(),
                size: entry.size,
                modified: entry.modified.map(|m| m.time),
                transfer_type: TransferType::Auto,
                conflict: None,
                after: None,
            });
        }
        if !requests.is_empty() {
            self.queue.tab = super::QueueTab::Queued;
            self.engine.send(Command::Enqueue(requests));
        }
    }

    /// Queues uploads of local files and folders into the remote folder `into`.
    pub fn upload(&mut self, paths: &[std::path::PathBuf], into: &RemotePath) {
        if paths.is_empty() {
            return;
        }
        self.queue.tab = super::QueueTab::Queued;
        self.engine.send(Command::UploadPaths {
            paths: paths.to_vec(),
            into: into.clone(),
        });
    }

    /// Acts on a native picker's answer, once it has one.
    pub(super) fn poll_picker(&mut self) {
        let Some(paths) = self.picking.as_ref().and_then(|p| p.poll()) else {
            return;
        };
        let Some(picked) = self.picking.take() else {
            return;
        };
        if paths.is_empty() {
            return;
        }
        match picked.purpose {
            PickPurpose::DownloadTo { dir, entries } => self.download(&dir, &entries, &paths[0]),
            PickPurpose::Upload(into) => self.upload(&paths, &into),
        }
    }

    fn open_picker(&mut self, ctx: &egui::Context, pick: Pick, title: &str, purpose: PickPurpose) {
        if self.picking.is_none() {
            self.picking = Some(PendingPick::open(ctx, pick, title, purpose));
        }
    }
}

/// What a row's context menu can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MenuChoice {
    Download,
    DownloadTo,
    UploadFiles,
    UploadFolder,
    Open,
    NewFolder,
    Rename,
    Delete,
    Permissions,
    Refresh,
}

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    let pane_rect = ui.max_rect();
    let mut open: Option<DirTarget> = None;
    toolbar(ui, app, &mut open);
    ui.separator();

    if app.remote.current.is_none() {
        ui.weak(if app.is_connected() || app.is_busy() {
            "Listing…"
        } else {
            "The server's files show here once connected."
        });
        return;
    }
    let dragging_local = matches!(
        drag::dragging(ui.ctx()).as_deref(),
        Some(DragPayload::Local { .. })
    );

    let tree = egui::Panel::top("remote_tree")
        .resizable(true)
        .default_size(140.0)
        .min_size(40.0)
        .show(ui, |ui| {
            // The tree's state is set aside while the tree reads the rest of the view.
            let mut tree = std::mem::take(&mut app.remote.tree);
            let output = folder_tree::show(
                ui,
                "remote_tree_rows",
                &mut tree,
                &RemoteTree { view: &app.remote },
                dragging_local,
            );
            app.remote.tree = tree;
            output
        })
        .inner;
    for action in tree.actions {
        match action {
            TreeAction::Open(path) => open = Some(DirTarget::Path(path)),
            TreeAction::Load(path) => app.list_dir(path),
        }
    }

    let mut pointer_row = None;
    egui::CentralPanel::default().show(ui, |ui| {
        let Some(listing) = app.remote.current_listing().cloned() else {
            return;
        };
        let compare = app.comparison_for(Side::Remote);
        let tint = |i: usize| {
            compare
                .as_ref()
                .and_then(|c| c.tint(listing.entries.get(i)?))
        };
        let config = TableConfig {
            id: "remote_files",
            name: "Remote files",
            parent_row: app.remote.has_parent(),
            has_keyboard: app.has_keyboard(ui.ctx(), Side::Remote),
            tint: Some(&tint),
            drop_highlight: dragging_local,
        };
        let output = file_table::show(
            ui,
            &listing.entries,
            &mut app.remote.table,
            &config,
            |ui, selection| row_menu(ui, &listing.entries, selection),
        );
        pointer_row = output.pointer_row;
        if output.drag_started
            && let Some(dir) = app.remote.current.clone()
        {
            let entries = app
                .remote
                .table
                .selected_items()
                .into_iter()
                .filter_map(|i| listing.entries.get(i).cloned())
                .collect();
            drag::start(ui.ctx(), DragPayload::Remote { dir, entries });
        }
        if let Some(action) = output.action {
            act(app, &listing.entries, action, &mut open);
        }
        if let Some(choice) = output.menu {
            let ctx = ui.ctx().clone();
            menu_choice(&ctx, app, &listing.entries, choice, &mut open);
        }
        if !listing.unparsed.is_empty() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "{} listing lines could not be read; they are in the message log",
                    listing.unparsed.len()
                ),
            );
        }
    });

    // Local rows let go over this pane upload into the folder under the pointer.
    let target = app.remote_drop_target(tree.pointer_node, pointer_row);
    app.remote_pointer_folder = ui
        .rect_contains_pointer(pane_rect)
        .then(|| target.clone())
        .flatten();
    if let Some(payload) = drag::released_over(ui.ctx(), pane_rect, app.last_pointer)
        && let DragPayload::Local { paths, .. } = payload.as_ref()
        && let Some(into) = target
    {
        app.upload(paths, &into);
    }
    if let Some(target) = open {
        app.open_dir(target);
    }
}

impl FerryApp {
    /// The remote folder things dropped here go to: the tree node or folder row under the
    /// pointer, else the folder shown.
    fn remote_drop_target(&self, node: Option<RemotePath>, row: Option<Row>) -> Option<RemotePath> {
        let current = self.remote.current.clone()?;
        if node.is_some() {
            return node;
        }
        let folder_row = match row {
            Some(Row::Item(i)) => self
                .remote
                .current_listing()
                .and_then(|l| l.entries.get(i))
                .filter(|e| e.is_dir())
                .map(|e| current.join_name(&e.name)),
            _ => None,
        };
        Some(folder_row.unwrap_or(current))
    }
}

fn toolbar(ui: &mut egui::Ui, app: &mut FerryApp, open: &mut Option<DirTarget>) {
    ui.horizontal(|ui| {
        let connected = app.is_connected();
        let label = ui.label("Remote site:");
        if ui
            .add_enabled(
                connected && app.remote.has_parent(),
                egui::Button::new("⬆ Up"),
            )
            .on_hover_text("Parent folder (Backspace)")
            .clicked()
        {
            *open = Some(DirTarget::Parent);
        }
        if ui
            .add_enabled(connected, egui::Button::new("🔄 Refresh"))
            .on_hover_text("List this folder again (F5)")
            .clicked()
        {
            app.refresh();
        }
        if ui
            .add_enabled(
                connected && app.remote.current.is_some(),
                egui::Button::new("🗀 New folder"),
            )
            .clicked()
            && let Some(dir) = app.remote.current.clone()
        {
            app.dialog = Some(Dialog::NewFolder {
                dir,
                name: String::new(),
            });
        }
        if app.remote.is_loading() {
            ui.add(egui::Spinner::new());
        }
        let filter_width = 160.0;
        let path_width = (ui.available_width() - filter_width - 60.0).max(120.0);
        let path_bar = ui
            .add(TextEdit::singleline(&mut app.remote.path_input).desired_width(path_width))
            .labelled_by(label.id);
        if path_bar.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let typed = app.remote.path_input.trim();
            if !typed.is_empty() {
                *open = Some(DirTarget::Path(RemotePath::from_bytes(
                    app.remote.encoding.encode(typed),
                )));
            }
        }
        let label = ui.label("Filter:");
        ui.add(
            TextEdit::singleline(&mut app.remote.table.filter)
                .hint_text("name contains…")
                .desired_width(filter_width),
        )
        .labelled_by(label.id);
    });
}

fn row_menu(ui: &mut egui::Ui, entries: &[Entry], selection: &[usize]) -> Option<MenuChoice> {
    let mut choice = None;
    let single = selection.len() == 1;
    let any = !selection.is_empty();
    if ui
        .add_enabled(any, egui::Button::new("⬇ Download"))
        .clicked()
    {
        choice = Some(MenuChoice::Download);
    }
    if ui
        .add_enabled(any, egui::Button::new("Download to…"))
        .clicked()
    {
        choice = Some(MenuChoice::DownloadTo);
    }
    let one_folder = single
        && selection
            .first()
            .is_some_and(|&i| opens_as_folder(&entries[i]));
    if ui
        .add_enabled(one_folder, egui::Button::new("Open"))
        .clicked()
    {
        choice = Some(MenuChoice::Open);
    }
    ui.separator();
    if ui.button("⬆ Upload files…").clicked() {
        choice = Some(MenuChoice::UploadFiles);
    }
    if ui.button("⬆ Upload folder…").clicked() {
        choice = Some(MenuChoice::UploadFolder);
    }
    ui.separator();
    if ui.button("Create folder…").clicked() {
        choice = Some(MenuChoice::NewFolder);
    }
    if ui
        .add_enabled(single, egui::Button::new("Rename… (F2)"))
        .clicked()
    {
        choice = Some(MenuChoice::Rename);
    }
    if ui
        .add_enabled(!selection.is_empty(), egui::Button::new("Delete (Del)"))
        .clicked()
    {
        choice = Some(MenuChoice::Delete);
    }
    if ui
        .add_enabled(!selection.is_empty(), egui::Button::new("Permissions…"))
        .clicked()
    {
        choice = Some(MenuChoice::Permissions);
    }
    ui.separator();
    if ui.button("Refresh (F5)").clicked() {
        choice = Some(MenuChoice::Refresh);
    }
    choice
}

fn opens_as_folder(entry: &Entry) -> bool {
    matches!(entry.kind, EntryKind::Dir | EntryKind::Link { .. })
}

fn act(app: &mut FerryApp, entries: &[Entry], action: TableAction, open: &mut Option<DirTarget>) {
    match action {
        TableAction::Open(i) => match entries.get(i) {
            Some(entry) if opens_as_folder(entry) => {
                *open = Some(DirTarget::Child(entry.name.clone()))
            }
            // Enter or a double-click on a file downloads it, as in FileZilla.
            Some(entry) => {
                if let Some(dir) = app.remote.current.clone() {
                    let into = app.download_folder();
                    app.download(&dir, std::slice::from_ref(entry), &into);
                }
            }
            None => {}
        },
        TableAction::OpenParent => {
            if app.remote.has_parent() {
                *open = Some(DirTarget::Parent);
            }
        }
        TableAction::Rename(i) => ask_rename(app, entries, i),
        TableAction::Delete(items) => ask_delete(app, entries, &items),
        TableAction::Refresh => app.refresh(),
        TableAction::Transfer(items) => {
            if let Some(dir) = app.remote.current.clone() {
                let chosen: Vec<Entry> = items
                    .iter()
                    .filter_map(|&i| entries.get(i).cloned())
                    .collect();
                let into = app.download_folder();
                app.download(&dir, &chosen, &into);
            }
        }
    }
}

fn menu_choice(
    ctx: &egui::Context,
    app: &mut FerryApp,
    entries: &[Entry],
    choice: MenuChoice,
    open: &mut Option<DirTarget>,
) {
    let selection = app.remote.table.selected_items();
    let Some(dir) = app.remote.current.clone() else {
        return;
    };
    let chosen: Vec<Entry> = selection
        .iter()
        .filter_map(|&i| entries.get(i).cloned())
        .collect();
    match choice {
        MenuChoice::Download => {
            let into = app.download_folder();
            app.download(&dir, &chosen, &into);
        }
        MenuChoice::DownloadTo => app.open_picker(
            ctx,
            Pick::Folder,
            "Download to",
            PickPurpose::DownloadTo {
                dir,
                entries: chosen,
            },
        ),
        MenuChoice::UploadFiles => {
            app.open_picker(ctx, Pick::Files, "Upload files", PickPurpose::Upload(dir))
        }
        MenuChoice::UploadFolder => {
            app.open_picker(ctx, Pick::Folder, "Upload folder", PickPurpose::Upload(dir))
        }
        MenuChoice::Open => {
            if let [i] = selection[..] {
                act(app, entries, TableAction::Open(i), open);
            }
        }
        MenuChoice::NewFolder => {
            if let Some(dir) = app.remote.current.clone() {
                app.dialog = Some(Dialog::NewFolder {
                    dir,
                    name: String::new(),
                });
            }
        }
        MenuChoice::Rename => {
            if let [i] = selection[..] {
                ask_rename(app, entries, i);
            }
        }
        MenuChoice::Delete => ask_delete(app, entries, &selection),
        MenuChoice::Permissions => {
            let Some(dir) = app.remote.current.clone() else {
                return;
            };
            let names = selection.iter().map(|&i| entries[i].name.clone()).collect();
            // Start from the first item's bits when the listing shows them.
            let mode = selection
                .first()
                .and_then(|&i| entries[i].permissions.as_deref())
                .and_then(parse_mode)
                .unwrap_or(0o644);
            app.dialog = Some(Dialog::permissions(dir, names, mode));
        }
        MenuChoice::Refresh => app.refresh(),
    }
}

fn ask_rename(app: &mut FerryApp, entries: &[Entry], item: usize) {
    if let (Some(dir), Some(entry)) = (app.remote.current.clone(), entries.get(item)) {
        app.dialog = Some(Dialog::Rename {
            dir,
            from: entry.name.clone(),
            name: entry.name.text.clone(),
        });
    }
}

fn ask_delete(app: &mut FerryApp, entries: &[Entry], selection: &[usize]) {
    let Some(dir) = app.remote.current.clone() else {
        return;
    };
    let items: Vec<RemoteItem> = selection
        .iter()
        .filter_map(|&i| entries.get(i))
        .map(|entry| RemoteItem {
            name: entry.name.clone(),
            is_dir: entry.is_dir(),
        })
        .collect();
    if !items.is_empty() {
        app.dialog = Some(Dialog::Delete { dir, items });
    }
}

/// The tree's view of the remote cache: a folder's subfolders are the folders (and links, which
/// may be folders) of its listing.
struct RemoteTree<'a> {
    view: &'a RemoteView,
}

impl TreeSource<RemotePath> for RemoteTree<'_> {
    fn root(&self) -> (RemotePath, String) {
        (RemotePath::root(), "/".to_owned())
    }

    fn children(&self, path: &RemotePath) -> Children<RemotePath> {
        if let Some(listing) = self.view.cache.get(path) {
            let mut folders: Vec<(RemotePath, String)> = listing
                .entries
                .iter()
                .filter(|e| e.is_dir())
                .map(|e| (path.join_name(&e.name), e.name.text.clone()))
                .collect();
            folders.sort_by_cached_key(|(_, name)| name.to_lowercase());
            return Children::Listed(folders);
        }
        // The way down to the current folder is known even where nothing was listed.
        let known = self
            .view
            .current
            .as_ref()
            .map(|current| current.ancestors_and_self())
            .and_then(|chain| {
                let at = chain.iter().position(|p| p == path)?;
                let next = chain.get(at + 1)?;
                let name = self
                    .view
                    .display(&RemotePath::from_bytes(next.file_name()?));
                Some(vec![(next.clone(), name)])
            })
            .unwrap_or_default();
        if self.view.listing.contains(path) {
            Children::Loading { known }
        } else {
            Children::Unlisted { known }
        }
    }

    fn is_current(&self, path: &RemotePath) -> bool {
        self.view.current.as_ref() == Some(path)
    }
}
