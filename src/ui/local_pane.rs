//! The local pane: the computer's folders, with the same tree and table as the remote pane.
//! Folders are listed by the engine in the background, so a slow disk or a huge folder never
//! holds up the window.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Key, TextEdit};

use super::dialogs::Dialog;
use super::drag::{self, DragPayload};
use super::file_table::{self, ItemKind, TableAction, TableConfig, TableItem, TableState};
use super::folder_tree::{self, Children, TreeAction, TreeSource, TreeState};
use super::{FerryApp, Side};
use crate::engine::{Command, LocalCommand, LocalEntry, LocalKind, LocalListing};
use crate::protocol::listing::{Modified, TimePrecision};

impl TableItem for LocalEntry {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> ItemKind {
        match self.kind {
            _ if self.is_dir() => ItemKind::Folder,
            LocalKind::File => ItemKind::File,
            LocalKind::Link => ItemKind::Link,
            LocalKind::Dir => ItemKind::Folder,
            LocalKind::Other => ItemKind::Other,
        }
    }

    fn size(&self) -> Option<u64> {
        Some(self.size)
    }

    fn modified(&self) -> Option<Modified> {
        self.modified.map(|time| Modified {
            time,
            precision: TimePrecision::Minute,
        })
    }

    fn permissions(&self) -> Option<&str> {
        self.permissions.as_deref()
    }

    fn owner(&self) -> Option<String> {
        None
    }
}

#[derive(Default)]
pub struct LocalView {
    pub current: Option<PathBuf>,
    pub path_input: String,
    cache: HashMap<PathBuf, Arc<Vec<LocalEntry>>>,
    /// The current folder's entries as shown (hidden ones left out unless asked for).
    shown: Arc<Vec<LocalEntry>>,
    /// Folders asked for and not listed yet.
    listing: HashSet<PathBuf>,
    /// The folder to show once its listing arrives.
    entering: Option<PathBuf>,
    pub show_hidden: bool,
    pub tree: TreeState<PathBuf>,
    pub table: TableState,
    /// Home, Desktop, Downloads: looked up once at start-up, not on every frame.
    pub places: Places,
}

/// The user's well-known folders, for the shortcut buttons.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub home: Option<PathBuf>,
    pub desktop: Option<PathBuf>,
    pub downloads: Option<PathBuf>,
}

impl Places {
    /// Reads the OS's (XDG) settings; `~/Downloads` when they name no Downloads folder but one
    /// exists. Called once, when the window is made.
    pub fn locate() -> Self {
        let Some(dirs) = directories::UserDirs::new() else {
            return Self::default();
        };
        let home = dirs.home_dir().to_path_buf();
        let downloads = dirs
            .download_dir()
            .map(Path::to_path_buf)
            .or_else(|| Some(home.join("Downloads")).filter(|d| d.is_dir()));
        Self {
            desktop: dirs.desktop_dir().map(Path::to_path_buf),
            downloads,
            home: Some(home),
        }
    }
}

impl LocalView {
    pub fn with_places(places: Places) -> Self {
        Self {
            places,
            ..Self::default()
        }
    }

    pub fn is_loading(&self) -> bool {
        self.entering.is_some()
    }

    pub fn entries(&self) -> &Arc<Vec<LocalEntry>> {
        &self.shown
    }

    pub fn on_listing(&mut self, listing: LocalListing) {
        let LocalListing { path, entries } = listing;
        self.listing.remove(&path);
        self.cache.insert(path.clone(), Arc::new(entries));
        if self.entering.as_ref() == Some(&path) {
            self.entering = None;
            self.show(path);
        } else if self.current.as_ref() == Some(&path) {
            let old = self.shown.clone();
            self.refilter();
            self.table.refresh_items(&old, &self.shown);
        }
    }

    pub fn on_failure(&mut self, path: &Path) {
        self.listing.remove(path);
        if self.entering.as_deref() == Some(path) {
            self.entering = None;
        }
    }

    fn show(&mut self, path: PathBuf) {
        self.path_input = path.display().to_string();
        self.tree.reveal(&ancestors(&path));
        self.current = Some(path);
        self.refilter();
        self.table.set_items(&self.shown);
    }

    /// The current folder's entries, without hidden ones unless they are wanted.
    fn refilter(&mut self) {
        let all = self
            .current
            .as_ref()
            .and_then(|c| self.cache.get(c))
            .cloned()
            .unwrap_or_default();
        self.shown = if self.show_hidden {
            all
        } else {
            Arc::new(all.iter().filter(|e| !e.hidden).cloned().collect())
        };
    }

    fn has_parent(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.parent().is_some())
    }

    /// The files and folders of the current folder that are selected, as paths.
    pub fn selected_paths(&self) -> (Vec<PathBuf>, Vec<LocalEntry>) {
        let Some(current) = &self.current else {
            return (Vec::new(), Vec::new());
        };
        self.table
            .selected_items()
            .into_iter()
            .filter_map(|i| self.shown.get(i))
            .map(|e| (current.join(&e.os_name), e.clone()))
            .unzip()
    }
}

/// `/`, `/home`, `/home/me`: the way down to `path`.
fn ancestors(path: &Path) -> Vec<PathBuf> {
    let mut chain: Vec<PathBuf> = path.ancestors().map(Path::to_path_buf).collect();
    chain.reverse();
    chain
}

impl FerryApp {
    /// Shows a local folder: at once when listed before, else once the engine has listed it.
    pub fn open_local(&mut self, path: PathBuf) {
        if self.local.cache.contains_key(&path) {
            self.local.show(path.clone());
            // A folder seen before is listed again in the background: the disk may have changed.
            self.list_local(path);
        } else {
            self.local.entering = Some(path.clone());
            self.list_local(path);
        }
    }

    pub fn list_local(&mut self, path: PathBuf) {
        if self.local.listing.insert(path.clone()) {
            self.engine.send(Command::Local(LocalCommand::List(path)));
        }
    }

    pub fn refresh_local(&mut self) {
        if let Some(current) = self.local.current.clone() {
            self.list_local(current);
        }
    }
}

/// A row's context menu on the local side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LocalMenu {
    Upload,
    Open,
    NewFolder,
    Rename,
    Delete,
    Refresh,
}

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    let pane_rect = ui.max_rect();
    let mut open: Option<PathBuf> = None;
    toolbar(ui, app, &mut open);
    ui.separator();
    let dragging_remote = matches!(
        drag::dragging(ui.ctx()).as_deref(),
        Some(DragPayload::Remote { .. })
    );

    let tree = egui::Panel::top("local_tree")
        .resizable(true)
        .default_size(140.0)
        .min_size(40.0)
        .show(ui, |ui| {
            let mut tree = std::mem::take(&mut app.local.tree);
            let output = folder_tree::show(
                ui,
                "local_tree_rows",
                &mut tree,
                &LocalTree { view: &app.local },
                dragging_remote,
            );
            app.local.tree = tree;
            output
        })
        .inner;
    for action in tree.actions {
        match action {
            TreeAction::Open(path) => open = Some(path),
            TreeAction::Load(path) => app.list_local(path),
        }
    }

    let mut pointer_row = None;
    egui::CentralPanel::default().show(ui, |ui| {
        if app.local.current.is_none() {
            ui.weak("Listing…");
            return;
        }
        let entries = app.local.shown.clone();
        let has_keyboard = app.has_keyboard(ui.ctx(), Side::Local);
        let compare = app.comparison_for(Side::Local);
        let tint = |i: usize| compare.as_ref().and_then(|c| c.tint(entries.get(i)?));
        let config = TableConfig {
            id: "local_files",
            name: "Local files",
            parent_row: app.local.has_parent(),
            has_keyboard,
            tint: Some(&tint),
            drop_highlight: dragging_remote,
        };
        let output = file_table::show(
            ui,
            &entries,
            &mut app.local.table,
            &config,
            |ui, selection| local_menu(ui, &entries, selection),
        );
        pointer_row = output.pointer_row;
        if output.drag_started {
            let (paths, chosen) = app.local.selected_paths();
            drag::start(
                ui.ctx(),
                DragPayload::Local {
                    paths,
                    entries: chosen,
                },
            );
        }
        if let Some(action) = output.action {
            act(app, &entries, action, &mut open);
        }
        if let Some(choice) = output.menu {
            menu_choice(app, choice, &mut open);
        }
    });

    // Remote rows let go over this pane download into the folder under the pointer.
    if let Some(payload) = drag::released_over(ui.ctx(), pane_rect, app.last_pointer)
        && let DragPayload::Remote { dir, entries } = payload.as_ref()
    {
        let into = tree.pointer_node.or_else(|| match pointer_row {
            Some(file_table::Row::Item(i)) => app
                .local
                .shown
                .get(i)
                .filter(|e| e.is_dir())
                .and_then(|e| Some(app.local.current.as_ref()?.join(&e.os_name))),
            _ => None,
        });
        if let Some(into) = into.or_else(|| app.local.current.clone()) {
            app.download(dir, entries, &into);
        }
    }
    if let Some(path) = open {
        app.open_local(path);
    }
}

fn toolbar(ui: &mut egui::Ui, app: &mut FerryApp, open: &mut Option<PathBuf>) {
    ui.horizontal(|ui| {
        let label = ui.label("Local site:");
        if ui
            .add_enabled(app.local.has_parent(), egui::Button::new("⬆"))
            .on_hover_text("Parent folder (Backspace)")
            .clicked()
        {
            *open = app
                .local
                .current
                .as_ref()
                .and_then(|c| c.parent())
                .map(Path::to_path_buf);
        }
        if ui
            .button("🔄")
            .on_hover_text("List this folder again (F5)")
            .clicked()
        {
            app.refresh_local();
        }
        let places = &app.local.places;
        let shortcuts = [
            ("🏠", "Home", &places.home),
            ("🖥", "Desktop", &places.desktop),
            ("⬇", "Downloads", &places.downloads),
        ];
        for (icon, name, place) in shortcuts {
            if let Some(place) = place
                && ui.button(icon).on_hover_text(name).clicked()
            {
                *open = Some(place.clone());
            }
        }
        if ui.button("🗀+").on_hover_text("Create folder").clicked()
            && let Some(dir) = app.local.current.clone()
        {
            app.dialog = Some(Dialog::LocalNewFolder {
                dir,
                name: String::new(),
            });
        }
        if ui
            .toggle_value(&mut app.local.show_hidden, "Hidden")
            .on_hover_text("Show hidden files")
            .changed()
        {
            let old = app.local.shown.clone();
            app.local.refilter();
            app.local.table.refresh_items(&old, &app.local.shown);
        }
        if app.local.is_loading() {
            ui.add(egui::Spinner::new());
        }
        let path_bar = ui
            .add(TextEdit::singleline(&mut app.local.path_input).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if path_bar.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let typed = app.local.path_input.trim();
            if !typed.is_empty() {
                *open = Some(PathBuf::from(typed));
            }
        }
    });
}

fn local_menu(ui: &mut egui::Ui, entries: &[LocalEntry], selection: &[usize]) -> Option<LocalMenu> {
    let mut choice = None;
    let any = !selection.is_empty();
    let single_folder = matches!(selection, [i] if entries.get(*i).is_some_and(LocalEntry::is_dir));
    if ui.add_enabled(any, egui::Button::new("⬆ Upload")).clicked() {
        choice = Some(LocalMenu::Upload);
    }
    if ui
        .add_enabled(single_folder, egui::Button::new("Open"))
        .clicked()
    {
        choice = Some(LocalMenu::Open);
    }
    ui.separator();
    if ui.button("Create folder…").clicked() {
        choice = Some(LocalMenu::NewFolder);
    }
    if ui
        .add_enabled(selection.len() == 1, egui::Button::new("Rename… (F2)"))
        .clicked()
    {
        choice = Some(LocalMenu::Rename);
    }
    if ui
        .add_enabled(any, egui::Button::new("Move to trash (Del)"))
        .clicked()
    {
        choice = Some(LocalMenu::Delete);
    }
    ui.separator();
    if ui.button("Refresh (F5)").clicked() {
        choice = Some(LocalMenu::Refresh);
    }
    choice
}

fn act(
    app: &mut FerryApp,
    entries: &[LocalEntry],
    action: TableAction,
    open: &mut Option<PathBuf>,
) {
    let Some(current) = app.local.current.clone() else {
        return;
    };
    match action {
        TableAction::Open(i) => match entries.get(i) {
            Some(entry) if entry.is_dir() => *open = Some(current.join(&entry.os_name)),
            // Enter on a file uploads it, as double-click does in FileZilla's local pane.
            Some(_) => upload_selection(app),
            None => {}
        },
        TableAction::OpenParent => *open = current.parent().map(Path::to_path_buf),
        TableAction::Rename(i) => ask_rename(app, &current, entries, i),
        TableAction::Delete(items) => ask_trash(app, &current, entries, &items),
        TableAction::Refresh => app.refresh_local(),
        TableAction::Transfer(_) => upload_selection(app),
    }
}

fn menu_choice(app: &mut FerryApp, choice: LocalMenu, open: &mut Option<PathBuf>) {
    let Some(current) = app.local.current.clone() else {
        return;
    };
    let entries = app.local.shown.clone();
    let selection = app.local.table.selected_items();
    match choice {
        LocalMenu::Upload => upload_selection(app),
        LocalMenu::Open => {
            if let [i] = selection[..] {
                act(app, &entries, TableAction::Open(i), open);
            }
        }
        LocalMenu::NewFolder => {
            app.dialog = Some(Dialog::LocalNewFolder {
                dir: current,
                name: String::new(),
            });
        }
        LocalMenu::Rename => {
            if let [i] = selection[..] {
                ask_rename(app, &current, &entries, i);
            }
        }
        LocalMenu::Delete => ask_trash(app, &current, &entries, &selection),
        LocalMenu::Refresh => app.refresh_local(),
    }
}

/// Uploads the selected local rows into the remote folder shown.
pub fn upload_selection(app: &mut FerryApp) {
    let (paths, _) = app.local.selected_paths();
    if let Some(into) = app.remote.current.clone() {
        app.upload(&paths, &into);
    } else {
        app.notice = Some("Connect to a server to upload".into());
    }
}

fn ask_rename(app: &mut FerryApp, current: &Path, entries: &[LocalEntry], item: usize) {
    if let Some(entry) = entries.get(item) {
        app.dialog = Some(Dialog::LocalRename {
            from: current.join(&entry.os_name),
            name: entry.name.clone(),
        });
    }
}

fn ask_trash(app: &mut FerryApp, current: &Path, entries: &[LocalEntry], selection: &[usize]) {
    let items: Vec<(PathBuf, bool)> = selection
        .iter()
        .filter_map(|&i| entries.get(i))
        .map(|e| (current.join(&e.os_name), e.is_dir()))
        .collect();
    if !items.is_empty() {
        app.dialog = Some(Dialog::LocalTrash { items });
    }
}

/// The tree's view of the local cache.
struct LocalTree<'a> {
    view: &'a LocalView,
}

impl TreeSource<PathBuf> for LocalTree<'_> {
    fn root(&self) -> (PathBuf, String) {
        let root = self
            .view
            .current
            .as_ref()
            .and_then(|c| c.ancestors().last().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("/"));
        let name = root.display().to_string();
        (root, name)
    }

    fn children(&self, path: &PathBuf) -> Children<PathBuf> {
        if let Some(entries) = self.view.cache.get(path) {
            let mut folders: Vec<(PathBuf, String)> = entries
                .iter()
                .filter(|e| e.is_dir() && (self.view.show_hidden || !e.hidden))
                .map(|e| (path.join(&e.os_name), e.name.clone()))
                .collect();
            folders.sort_by_cached_key(|(_, name)| name.to_lowercase());
            return Children::Listed(folders);
        }
        let known = self
            .view
            .current
            .as_ref()
            .and_then(|current| {
                let chain = ancestors(current);
                let at = chain.iter().position(|p| p == path)?;
                let next = chain.get(at + 1)?;
                Some(vec![(
                    next.clone(),
                    next.file_name()?.to_string_lossy().into_owned(),
                )])
            })
            .unwrap_or_default();
        if self.view.listing.contains(path) {
            Children::Loading { known }
        } else {
            Children::Unlisted { known }
        }
    }

    fn is_current(&self, path: &PathBuf) -> bool {
        self.view.current.as_ref() == Some(path)
    }
}
