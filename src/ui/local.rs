//! The local pane's source: the computer's folders, listed by the engine in the background (a
//! slow disk or a huge folder never holds up the window), and the local menus. Everything it
//! draws is `pane.rs`'s, the same as the server's side.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Ui;

use super::Side;
use super::app::{Action, Actions};
use super::dialogs::Dialog;
use super::drag::{self, DragPayload};
use super::file_table::{ItemKind, TableAction, TableItem};
use super::folder_tree::{Children, TreeSource};
use super::folders::{FolderEntry, FolderPath, Folders};
use super::format::ShownCounts;
use super::pane::{self, FolderSource, PaneContext, PaneState};
use super::widgets::DividerDrag;
use crate::engine::{LocalEntry, LocalKind, LocalListing};
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
        // The disk knows the time to the second (and more): shown like a server's MLSD time.
        self.modified.map(|time| Modified {
            time,
            precision: TimePrecision::Second,
        })
    }

    fn permissions(&self) -> Option<&str> {
        self.permissions.as_deref()
    }

    fn owner_and_group(&self) -> [Option<&str>; 2] {
        [None, None]
    }
}

/// The user's well-known folders, for the Places menu.
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

    /// Where the pane starts: Downloads, else home.
    pub fn start(&self) -> PathBuf {
        self.downloads
            .clone()
            .or_else(|| self.home.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

impl FolderEntry for LocalEntry {
    type Path = PathBuf;

    fn is_folder(&self) -> bool {
        self.is_dir()
    }

    fn is_hidden(&self) -> bool {
        self.hidden
    }

    fn path_in(&self, dir: &PathBuf) -> PathBuf {
        dir.join(&self.os_name)
    }
}

/// What the local pane knows of the disk.
pub struct LocalFolders {
    list: Folders<LocalEntry>,
    /// The folder to show once its listing arrives.
    entering: Option<PathBuf>,
    places: Places,
}

pub struct LocalView {
    pub pane: PaneState<PathBuf>,
    pub folders: LocalFolders,
}

impl LocalView {
    /// Whether the folder shown has an entry called `name`.
    pub fn shows_name(&self, name: &str) -> bool {
        use super::file_table::TableItem;
        self.folders
            .list
            .shown()
            .is_some_and(|items| items.iter().any(|item| item.name() == name))
    }

    pub fn new(places: Places, show_hidden: bool) -> Self {
        Self {
            pane: PaneState::default(),
            folders: LocalFolders {
                list: Folders::new(show_hidden),
                entering: None,
                places,
            },
        }
    }

    pub fn current(&self) -> Option<&PathBuf> {
        self.folders.list.current()
    }

    /// The folder downloads go to when none is chosen: the one shown, or where the pane starts.
    pub fn folder(&self) -> PathBuf {
        self.current()
            .cloned()
            .unwrap_or_else(|| self.folders.places.start())
    }

    pub fn entries(&self) -> Option<&Arc<Vec<LocalEntry>>> {
        self.folders.list.shown()
    }

    /// What the table shows, and how many more entries the filter hides.
    pub fn counts(&self) -> Option<ShownCounts> {
        self.folders.list.shown_counts(&self.pane.table)
    }

    /// Shows `path` at once when it was listed before, else once its listing arrives.
    pub fn open(&mut self, path: PathBuf) {
        if self.folders.list.cached(&path) {
            self.folders.list.show(path, &mut self.pane);
        } else {
            self.folders.entering = Some(path);
        }
    }

    /// Marks `path` as being listed; false when it already is (no second request).
    pub fn listing_requested(&mut self, path: PathBuf) -> bool {
        self.folders.list.listing_requested(path)
    }

    pub fn on_listing(&mut self, listing: LocalListing) {
        let LocalListing { path, entries } = listing;
        let folders = &mut self.folders;
        folders
            .list
            .listed(path.clone(), entries, &mut self.pane.table);
        if folders.entering.as_ref() == Some(&path) {
            folders.entering = None;
            folders.list.show(path, &mut self.pane);
        }
    }

    pub fn on_failure(&mut self, path: &Path) {
        let path = path.to_path_buf();
        self.folders.list.failed(&path);
        if self.folders.entering.as_ref() == Some(&path) {
            self.folders.entering = None;
        }
    }

    pub fn set_show_hidden(&mut self, show: bool) {
        self.folders
            .list
            .set_show_hidden(show, &mut self.pane.table);
    }

    /// The folder shown, when `path` is in it or below it (a download landed there).
    pub fn shows_ancestor_of(&mut self, path: &Path) -> Option<PathBuf> {
        self.folders.list.shows_ancestor_of(&path.to_path_buf())
    }

    /// The files and folders selected, as paths, with their entries.
    pub fn selected(&self) -> (Vec<PathBuf>, Vec<LocalEntry>) {
        let Some(current) = self.current() else {
            return (Vec::new(), Vec::new());
        };
        let entries = self.folders.list.selected(&self.pane.table);
        let paths = entries.iter().map(|e| e.path_in(current)).collect();
        (paths, entries)
    }
}

/// What the local context menus can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalMenu {
    Upload,
    Open,
    NewFolder,
    Rename,
    Delete,
    Refresh,
    /// The folder shown, in the system's file manager.
    ShowFolder,
}

impl TreeSource<PathBuf> for LocalFolders {
    fn root(&self) -> (PathBuf, String) {
        let root = self
            .list
            .current()
            .and_then(|c| c.ancestors().last().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("/"));
        let name = root.display().to_string();
        (root, name)
    }

    fn children(&self, path: &PathBuf) -> Children<PathBuf> {
        self.list.subfolders(path, |p| {
            Some(p.file_name()?.to_string_lossy().into_owned())
        })
    }

    fn is_current(&self, path: &PathBuf) -> bool {
        self.list.current() == Some(path)
    }
}

impl FolderSource for LocalFolders {
    type Path = PathBuf;
    type Item = LocalEntry;
    type Menu = LocalMenu;

    fn side(&self) -> Side {
        Side::Local
    }

    fn current(&self) -> Option<&PathBuf> {
        self.list.current()
    }

    fn items(&self) -> Option<&Arc<Vec<LocalEntry>>> {
        self.list.shown()
    }

    fn waiting(&self) -> &'static str {
        "Listing…"
    }

    fn is_loading(&self) -> bool {
        self.entering.is_some()
    }

    fn can_change(&self) -> bool {
        true
    }

    fn show_hidden(&self) -> bool {
        self.list.show_hidden()
    }

    fn parent(&self) -> Option<PathBuf> {
        self.list.current()?.parent_folder()
    }

    fn display(&self, path: &PathBuf) -> String {
        path.display().to_string()
    }

    /// `~` is the home folder; a relative path is taken from the folder shown.
    fn parse(&self, typed: &str) -> Option<PathBuf> {
        let home = self.places.home.as_ref();
        let path = match typed.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                home?.join(rest.trim_start_matches('/'))
            }
            _ => PathBuf::from(typed),
        };
        Some(match self.list.current() {
            Some(current) if path.is_relative() => current.join(path),
            _ => path,
        })
    }

    fn places(&self) -> Vec<(String, PathBuf)> {
        let places = &self.places;
        [
            ("🏠 Home", &places.home),
            ("🖥 Desktop", &places.desktop),
            ("⬇ Downloads", &places.downloads),
        ]
        .into_iter()
        .filter_map(|(name, path)| Some((name.to_owned(), path.clone()?)))
        .collect()
    }

    fn row_menu(
        &self,
        ui: &mut Ui,
        items: &[LocalEntry],
        selection: &[usize],
    ) -> Option<LocalMenu> {
        let mut choice = None;
        let any = !selection.is_empty();
        if ui.add_enabled(any, egui::Button::new("⬆ Upload")).clicked() {
            choice = Some(LocalMenu::Upload);
        }
        // A folder opens in the pane, a file in its application.
        let one = matches!(selection, [i] if items.get(*i).is_some());
        if ui
            .add_enabled(one, egui::Button::new("Open"))
            .on_hover_text("A folder opens here; a file opens in its application")
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

    fn space_menu(&self, ui: &mut Ui) -> Option<LocalMenu> {
        let mut choice = None;
        if ui.button("Create folder…").clicked() {
            choice = Some(LocalMenu::NewFolder);
        }
        if ui.button("Refresh (F5)").clicked() {
            choice = Some(LocalMenu::Refresh);
        }
        if ui.button("Show in the file manager").clicked() {
            choice = Some(LocalMenu::ShowFolder);
        }
        choice
    }
}

/// Draws the local pane in `rect` and says what the person did; returns the tree divider's drag.
pub fn show(
    ui: &mut Ui,
    rect: egui::Rect,
    view: &mut LocalView,
    context: &PaneContext<'_>,
    actions: &mut Actions,
) -> DividerDrag {
    let output = pane::show(ui, rect, &mut view.pane, &view.folders, context);
    if let Some(path) = output.open {
        actions.push(Action::OpenLocal(path));
    }
    if output.refresh {
        actions.push(Action::Refresh(Side::Local));
    }
    if output.new_folder {
        ask_new_folder(view, actions);
    }
    if let Some(show) = output.show_hidden {
        actions.push(Action::ShowHidden(Side::Local, show));
    }
    // A local folder opened in the tree is read again (cheap, unlike a server's): folders made
    // by other programs since it was first listed show (a walk's didn't, even after closing
    // and opening it again).
    actions.extend(
        output
            .load
            .into_iter()
            .chain(output.expanded)
            .map(Action::ListLocal),
    );
    if output.drag_started {
        let (paths, entries) = view.selected();
        drag::start(ui.ctx(), DragPayload::Local { paths, entries });
    }
    if let Some(path) = &output.tree_drag
        && let Some((_, entry)) = view.folders.list.entry_of(path)
    {
        drag::start(
            ui.ctx(),
            DragPayload::Local {
                paths: vec![path.clone()],
                entries: vec![entry],
            },
        );
    }
    if let Some(action) = output.table {
        table_action(view, action, actions);
    }
    if let Some(choice) = output.menu {
        menu_choice(view, choice, actions);
    }
    // Remote rows let go over this pane download into the folder under the pointer (else the
    // folder shown); its own rows let go over another folder move there, once confirmed.
    let under = view
        .folders
        .list
        .folder_under(output.pointer_node, output.pointer_row);
    match drag::released_over(ui.ctx(), output.rect, context.last_pointer).as_deref() {
        Some(DragPayload::Remote { dir, entries }) => {
            actions.push(Action::Download {
                dir: dir.clone(),
                entries: entries.clone(),
                into: under,
            });
        }
        Some(DragPayload::Local { paths, entries }) => {
            let into = under.and_then(|folder| {
                let dir = paths.first().and_then(|p| p.parent())?.to_path_buf();
                drag::move_destination(&dir, paths, folder, |path, folder| path.starts_with(folder))
            });
            if let Some(into) = into {
                let items = paths
                    .iter()
                    .cloned()
                    .zip(entries.iter().map(LocalEntry::is_dir))
                    .collect();
                actions.push(Action::Ask(Dialog::LocalMove { items, into }));
            }
        }
        None => {}
    }
    output.tree_divider
}

fn table_action(view: &LocalView, action: TableAction, actions: &mut Actions) {
    let Some(current) = view.current().cloned() else {
        return;
    };
    let entries = view.entries().cloned().unwrap_or_default();
    match action {
        TableAction::Open(i) => match entries.get(i) {
            Some(entry) if entry.is_dir() => {
                actions.push(Action::OpenLocal(current.join(&entry.os_name)))
            }
            // Enter or a double-click on a file uploads it, as in FileZilla's local pane.
            Some(_) => upload_selection(view, actions),
            None => {}
        },
        TableAction::OpenParent => {
            if let Some(parent) = current.parent() {
                actions.push(Action::OpenLocal(parent.to_path_buf()));
            }
        }
        TableAction::Rename(i) => ask_rename(&current, &entries, i, actions),
        TableAction::Delete(items) => ask_trash(&current, &entries, &items, actions),
        TableAction::Refresh => actions.push(Action::Refresh(Side::Local)),
        TableAction::NewFolder => ask_new_folder(view, actions),
        TableAction::Transfer(_) => upload_selection(view, actions),
    }
}

fn menu_choice(view: &LocalView, choice: LocalMenu, actions: &mut Actions) {
    let Some(current) = view.current().cloned() else {
        return;
    };
    let entries = view.entries().cloned().unwrap_or_default();
    let selection = view.pane.table.selected_items();
    match choice {
        LocalMenu::Upload => upload_selection(view, actions),
        LocalMenu::Open => {
            if let [i] = selection[..]
                && let Some(entry) = entries.get(i)
            {
                let path = current.join(&entry.os_name);
                actions.push(if entry.is_dir() {
                    Action::OpenLocal(path)
                } else {
                    Action::OpenLocalFile(path)
                });
            }
        }
        LocalMenu::NewFolder => ask_new_folder(view, actions),
        LocalMenu::Rename => {
            if let [i] = selection[..] {
                ask_rename(&current, &entries, i, actions);
            }
        }
        LocalMenu::Delete => ask_trash(&current, &entries, &selection, actions),
        LocalMenu::Refresh => actions.push(Action::Refresh(Side::Local)),
        LocalMenu::ShowFolder => actions.push(Action::OpenLocalFile(current)),
    }
}

fn ask_new_folder(view: &LocalView, actions: &mut Actions) {
    if let Some(dir) = view.current().cloned() {
        actions.push(Action::Ask(Dialog::LocalNewFolder {
            dir,
            name: String::new(),
        }));
    }
}

/// Uploads the selected local rows into the remote folder shown.
fn upload_selection(view: &LocalView, actions: &mut Actions) {
    let (paths, _) = view.selected();
    if !paths.is_empty() {
        actions.push(Action::Upload { paths, into: None });
    }
}

fn ask_rename(current: &Path, entries: &[LocalEntry], item: usize, actions: &mut Actions) {
    if let Some(entry) = entries.get(item) {
        actions.push(Action::Ask(Dialog::LocalRename {
            from: current.join(&entry.os_name),
            name: entry.name.clone(),
        }));
    }
}

fn ask_trash(current: &Path, entries: &[LocalEntry], selection: &[usize], actions: &mut Actions) {
    let items: Vec<(PathBuf, bool)> = selection
        .iter()
        .filter_map(|&i| entries.get(i))
        .map(|e| (current.join(&e.os_name), e.is_dir()))
        .collect();
    if !items.is_empty() {
        actions.push(Action::Ask(Dialog::LocalTrash { items }));
    }
}
