//! The remote pane's source: the server's folders, cached per folder (going back to one already
//! seen shows it at once; F5, or a change made through Ferry, lists it again), and the remote
//! menus. Everything it draws is `pane.rs`'s, the same as the local side.

use std::sync::Arc;

use egui::Ui;

use super::Side;
use super::app::{Action, Actions};
use super::dialogs::Dialog;
use super::drag::{self, DragPayload};
use super::file_table::{Row, TableAction};
use super::folder_tree::{Children, TreeSource};
use super::folders::{FolderEntry, Folders};
use super::format::ShownCounts;
use super::jobs::{Pick, PickPurpose};
use super::pane::{self, FolderSource, PaneContext, PaneState};
use super::widgets::DividerDrag;
use crate::engine::{DirListing, DirTarget, RemoteItem};
use crate::protocol::listing::{Entry, EntryKind, NameEncoding, RemoteName};
use crate::protocol::path::RemotePath;
use crate::protocol::permissions::parse_mode;

impl FolderEntry for Entry {
    type Path = RemotePath;

    fn is_folder(&self) -> bool {
        self.is_dir()
    }

    /// Dotfiles, as on Unix servers.
    fn is_hidden(&self) -> bool {
        self.name.text.starts_with('.')
    }

    fn path_in(&self, dir: &RemotePath) -> RemotePath {
        dir.join_name(&self.name)
    }
}

/// What the remote pane knows of the server.
pub struct RemoteFolders {
    list: Folders<Entry>,
    /// A `ChangeDir` (or the first listing after login) is on its way.
    entering: bool,
    connected: bool,
    encoding: NameEncoding,
    /// The folder the server put us in at login.
    home: Option<RemotePath>,
}

pub struct RemoteView {
    pub pane: PaneState<RemotePath>,
    pub folders: RemoteFolders,
}

impl RemoteView {
    /// Whether the folder shown has an entry called `name`.
    pub fn shows_name(&self, name: &str) -> bool {
        use super::file_table::TableItem;
        self.folders
            .list
            .shown()
            .is_some_and(|items| items.iter().any(|item| item.name() == name))
    }

    pub fn new(show_hidden: bool) -> Self {
        Self {
            pane: PaneState::default(),
            folders: RemoteFolders {
                list: Folders::new(show_hidden),
                entering: false,
                connected: false,
                encoding: NameEncoding::default(),
                home: None,
            },
        }
    }

    /// A new connection is starting: nothing of the old server is kept.
    pub fn reset(&mut self, encoding: NameEncoding) {
        *self = Self::new(self.folders.list.show_hidden());
        self.folders.encoding = encoding;
        self.folders.entering = true;
    }

    /// Logged in: the start folder's listing is on its way.
    pub fn connected(&mut self, encoding: NameEncoding, home: RemotePath) {
        self.reset(encoding);
        self.folders.connected = true;
        self.folders.home = Some(home);
    }

    /// The session ended: what was listed is no longer what the server holds.
    pub fn disconnected(&mut self) {
        let encoding = self.folders.encoding;
        *self = Self::new(self.folders.list.show_hidden());
        self.folders.encoding = encoding;
    }

    pub fn encoding(&self) -> NameEncoding {
        self.folders.encoding
    }

    pub fn current(&self) -> Option<&RemotePath> {
        self.folders.list.current()
    }

    /// The entries shown.
    pub fn entries(&self) -> Option<&Arc<Vec<Entry>>> {
        self.folders.list.shown()
    }

    pub fn cached(&self, path: &RemotePath) -> bool {
        self.folders.list.cached(path)
    }

    pub fn is_loading(&self) -> bool {
        self.folders.is_loading()
    }

    pub fn entering(&mut self) {
        self.folders.entering = true;
    }

    /// A change is being made inside `dir`: the folder above lists it with its old size and
    /// time, so its kept listing is listed again when it is next opened.
    pub fn changing_in(&mut self, dir: &RemotePath) {
        if let Some(parent) = dir.parent() {
            self.folders.list.mark_stale(parent);
        }
    }

    /// Whether the kept listing of `path` may be out of date (it is listed again now).
    pub fn take_stale(&mut self, path: &RemotePath) -> bool {
        self.folders.list.take_stale(path)
    }

    /// Marks `path` as being listed; false when it already is (no second request).
    pub fn listing_requested(&mut self, path: RemotePath) -> bool {
        self.folders.list.listing_requested(path)
    }

    /// What the table shows, and how many more entries the filter hides.
    pub fn counts(&self) -> Option<ShownCounts> {
        self.folders.list.shown_counts(&self.pane.table)
    }

    /// Takes a listing; says how many of its lines could not be read, when some could not.
    pub fn on_listing(&mut self, listing: DirListing) -> Option<usize> {
        let DirListing {
            path,
            listing,
            entered,
        } = listing;
        let unparsed = listing.unparsed.len();
        let folders = &mut self.folders;
        folders
            .list
            .listed(path.clone(), listing.entries, &mut self.pane.table);
        if entered {
            folders.entering = false;
            folders.list.show(path, &mut self.pane);
        }
        (unparsed > 0).then_some(unparsed)
    }

    /// A command failed: whatever was being loaded is no longer.
    pub fn on_failure(&mut self) {
        self.folders.entering = false;
    }

    /// Shows a folder whose listing is in the cache.
    pub fn show(&mut self, path: RemotePath) {
        self.folders.list.show(path, &mut self.pane);
    }

    pub fn set_show_hidden(&mut self, show: bool) {
        self.folders
            .list
            .set_show_hidden(show, &mut self.pane.table);
    }

    /// The folder shown, when `path` is in it or below it (an upload landed there).
    pub fn shows_ancestor_of(&mut self, path: &RemotePath) -> Option<RemotePath> {
        self.folders.list.shows_ancestor_of(path)
    }

    fn selected(&self) -> Vec<Entry> {
        self.folders.list.selected(&self.pane.table)
    }

    /// The folder things dropped here from elsewhere go to: the folder under the pointer, else
    /// the folder shown.
    fn drop_target(&self, node: Option<RemotePath>, row: Option<Row>) -> Option<RemotePath> {
        self.folders
            .list
            .folder_under(node, row)
            .or_else(|| self.current().cloned())
    }
}

/// What the remote context menus can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteMenu {
    Download,
    DownloadTo,
    Open,
    Edit,
    UploadFiles,
    UploadFolder,
    NewFolder,
    Rename,
    Delete,
    Permissions,
    Refresh,
}

fn opens_as_folder(entry: &Entry) -> bool {
    matches!(entry.kind, EntryKind::Dir | EntryKind::Link { .. })
}

impl TreeSource<RemotePath> for RemoteFolders {
    fn root(&self) -> (RemotePath, String) {
        (RemotePath::root(), "/".to_owned())
    }

    fn children(&self, path: &RemotePath) -> Children<RemotePath> {
        self.list
            .subfolders(path, |p| Some(self.encoding.decode(p.file_name()?)))
    }

    fn is_current(&self, path: &RemotePath) -> bool {
        self.list.current() == Some(path)
    }
}

impl FolderSource for RemoteFolders {
    type Path = RemotePath;
    type Item = Entry;
    type Menu = RemoteMenu;

    fn side(&self) -> Side {
        Side::Remote
    }

    fn current(&self) -> Option<&RemotePath> {
        self.list.current()
    }

    fn items(&self) -> Option<&Arc<Vec<Entry>>> {
        self.list.shown()
    }

    fn waiting(&self) -> &'static str {
        if self.connected || self.entering {
            "Listing…"
        } else {
            "Not connected. The server's files show here once connected."
        }
    }

    fn is_loading(&self) -> bool {
        self.entering || self.list.current().is_some_and(|c| self.list.is_listing(c))
    }

    fn can_change(&self) -> bool {
        self.connected
    }

    fn show_hidden(&self) -> bool {
        self.list.show_hidden()
    }

    fn parent(&self) -> Option<RemotePath> {
        self.list.current()?.parent()
    }

    fn display(&self, path: &RemotePath) -> String {
        self.encoding.decode(path.as_bytes())
    }

    /// An absolute path as typed; a relative one from the folder shown.
    fn parse(&self, typed: &str) -> Option<RemotePath> {
        if !self.connected {
            return None;
        }
        let bytes = self.encoding.encode(typed);
        Some(match self.list.current() {
            Some(current) if !typed.starts_with('/') => current.join(&bytes),
            _ => RemotePath::from_bytes(bytes),
        })
    }

    fn places(&self) -> Vec<(String, RemotePath)> {
        if !self.connected {
            return Vec::new();
        }
        let mut places = vec![("/ The server's root".to_owned(), RemotePath::root())];
        if let Some(home) = &self.home {
            places.insert(
                0,
                (
                    format!("🏠 Login folder ({})", self.display(home)),
                    home.clone(),
                ),
            );
        }
        places
    }

    fn row_menu(&self, ui: &mut Ui, items: &[Entry], selection: &[usize]) -> Option<RemoteMenu> {
        let mut choice = None;
        let mut item = |ui: &mut Ui, enabled: bool, text: &str, what: RemoteMenu| {
            if ui.add_enabled(enabled, egui::Button::new(text)).clicked() {
                choice = Some(what);
            }
        };
        let any = !selection.is_empty();
        let single = match selection {
            [i] => items.get(*i),
            _ => None,
        };
        let single_file = single.is_some_and(|e| !opens_as_folder(e));
        item(ui, any, "⬇ Download", RemoteMenu::Download);
        item(ui, any, "Download to…", RemoteMenu::DownloadTo);
        // A folder opens in the pane; a file is downloaded to a temporary folder and opened.
        item(ui, single.is_some(), "Open", RemoteMenu::Open);
        item(
            ui,
            single_file,
            "Edit (upload when saved)",
            RemoteMenu::Edit,
        );
        ui.separator();
        item(ui, true, "⬆ Upload files…", RemoteMenu::UploadFiles);
        item(ui, true, "⬆ Upload folder…", RemoteMenu::UploadFolder);
        ui.separator();
        item(ui, true, "Create folder…", RemoteMenu::NewFolder);
        item(ui, single.is_some(), "Rename… (F2)", RemoteMenu::Rename);
        item(ui, any, "Delete (Del)", RemoteMenu::Delete);
        item(ui, any, "Permissions…", RemoteMenu::Permissions);
        ui.separator();
        item(ui, true, "Refresh (F5)", RemoteMenu::Refresh);
        choice
    }

    fn space_menu(&self, ui: &mut Ui) -> Option<RemoteMenu> {
        let mut choice = None;
        for (text, what) in [
            ("Create folder…", RemoteMenu::NewFolder),
            ("⬆ Upload files…", RemoteMenu::UploadFiles),
            ("⬆ Upload folder…", RemoteMenu::UploadFolder),
            ("Refresh (F5)", RemoteMenu::Refresh),
        ] {
            if ui.button(text).clicked() {
                choice = Some(what);
            }
        }
        choice
    }
}

/// Said when files are let go over the server pane with no folder there to upload into.
pub(crate) const NOT_CONNECTED_DROP: &str = "Connect to a server to upload dropped files";

/// What `show` tells the window besides actions.
pub struct RemoteOutput {
    pub tree_divider: DividerDrag,
    /// The remote folder under the pointer, for files dropped from the OS.
    pub pointer_folder: Option<RemotePath>,
}

/// Draws the remote pane in `rect` and says what the person did.
pub fn show(
    ui: &mut Ui,
    rect: egui::Rect,
    view: &mut RemoteView,
    context: &PaneContext<'_>,
    actions: &mut Actions,
) -> RemoteOutput {
    let output = pane::show(ui, rect, &mut view.pane, &view.folders, context);
    if let Some(path) = output.open {
        actions.push(Action::OpenRemote(DirTarget::Path(path)));
    }
    if output.refresh {
        actions.push(Action::Refresh(Side::Remote));
    }
    if output.new_folder {
        ask_new_folder(view, actions);
    }
    if let Some(show) = output.show_hidden {
        actions.push(Action::ShowHidden(Side::Remote, show));
    }
    actions.extend(output.load.into_iter().map(Action::ListRemote));
    if output.drag_started
        && let Some(dir) = view.current().cloned()
    {
        let entries = view.selected();
        drag::start(ui.ctx(), DragPayload::Remote { dir, entries });
    }
    if let Some(path) = &output.tree_drag
        && let Some((dir, entry)) = view.folders.list.entry_of(path).or_else(|| {
            // A folder known only as the way down to the one shown (its own folder was never
            // listed): the tree knows it is a folder, and its name is all a transfer needs.
            let name = RemoteName::from_bytes(path.file_name()?, view.encoding());
            Some((path.parent()?, Entry::folder_named(name)))
        })
    {
        drag::start(
            ui.ctx(),
            DragPayload::Remote {
                dir,
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
    // Local rows let go over this pane upload into the folder under the pointer; its own rows
    // let go over another folder move there, once the person confirms.
    let target = view.drop_target(output.pointer_node.clone(), output.pointer_row);
    match drag::released_over(ui.ctx(), output.rect, context.last_pointer).as_deref() {
        Some(DragPayload::Local { paths, .. }) if target.is_some() => {
            actions.push(Action::Upload {
                paths: paths.clone(),
                into: target.clone(),
            });
        }
        // Nothing to upload into yet: said, as for files dropped from a file manager.
        Some(DragPayload::Local { .. }) => {
            actions.push(Action::Notice(NOT_CONNECTED_DROP.into()));
        }
        Some(DragPayload::Remote { dir, entries }) => {
            let dragged: Vec<RemotePath> = entries.iter().map(|e| dir.join_name(&e.name)).collect();
            let into = view
                .folders
                .list
                .folder_under(output.pointer_node, output.pointer_row)
                .and_then(|folder| {
                    drag::move_destination(dir, &dragged, folder, |path, folder| {
                        path.ancestors_and_self().contains(folder)
                    })
                });
            if let Some(into) = into {
                actions.push(Action::Ask(Dialog::Move {
                    dir: dir.clone(),
                    items: entries.iter().map(remote_item).collect(),
                    into,
                }));
            }
        }
        _ => {}
    }
    let pointer_folder = ui
        .rect_contains_pointer(output.rect)
        .then_some(target)
        .flatten();
    RemoteOutput {
        tree_divider: output.tree_divider,
        pointer_folder,
    }
}

fn table_action(view: &RemoteView, action: TableAction, actions: &mut Actions) {
    let Some(dir) = view.current().cloned() else {
        return;
    };
    let entries = view.entries().cloned().unwrap_or_default();
    match action {
        TableAction::Open(i) => match entries.get(i) {
            Some(entry) if opens_as_folder(entry) => {
                actions.push(Action::OpenRemote(DirTarget::Child(entry.name.clone())))
            }
            // Enter or a double-click on a file downloads it, as in FileZilla.
            Some(entry) => actions.push(Action::Download {
                dir,
                entries: vec![entry.clone()],
                into: None,
            }),
            None => {}
        },
        TableAction::OpenParent => {
            if dir.parent().is_some() {
                actions.push(Action::OpenRemote(DirTarget::Parent));
            }
        }
        TableAction::Rename(i) => ask_rename(&dir, &entries, i, actions),
        TableAction::Delete(items) => ask_delete(&dir, &entries, &items, actions),
        TableAction::Refresh => actions.push(Action::Refresh(Side::Remote)),
        TableAction::NewFolder => ask_new_folder(view, actions),
        TableAction::Transfer(items) => actions.push(Action::Download {
            dir,
            entries: items
                .iter()
                .filter_map(|&i| entries.get(i).cloned())
                .collect(),
            into: None,
        }),
    }
}

fn menu_choice(view: &RemoteView, choice: RemoteMenu, actions: &mut Actions) {
    let Some(dir) = view.current().cloned() else {
        return;
    };
    let entries = view.entries().cloned().unwrap_or_default();
    let selection = view.pane.table.selected_items();
    let chosen = view.selected();
    match choice {
        RemoteMenu::Download => actions.push(Action::Download {
            dir,
            entries: chosen,
            into: None,
        }),
        RemoteMenu::DownloadTo => actions.push(Action::Pick {
            pick: Pick::Folder,
            title: "Download to",
            purpose: PickPurpose::DownloadTo {
                dir,
                entries: chosen,
            },
        }),
        RemoteMenu::UploadFiles => actions.push(Action::Pick {
            pick: Pick::Files,
            title: "Upload files",
            purpose: PickPurpose::Upload(dir),
        }),
        RemoteMenu::UploadFolder => actions.push(Action::Pick {
            pick: Pick::Folder,
            title: "Upload folder",
            purpose: PickPurpose::Upload(dir),
        }),
        RemoteMenu::Open | RemoteMenu::Edit => {
            if let [entry] = &chosen[..] {
                actions.push(if opens_as_folder(entry) {
                    Action::OpenRemote(DirTarget::Child(entry.name.clone()))
                } else {
                    Action::OpenRemoteFile {
                        dir,
                        entry: Box::new(entry.clone()),
                        edit: choice == RemoteMenu::Edit,
                    }
                });
            }
        }
        RemoteMenu::NewFolder => ask_new_folder(view, actions),
        RemoteMenu::Rename => {
            if let [i] = selection[..] {
                ask_rename(&dir, &entries, i, actions);
            }
        }
        RemoteMenu::Delete => ask_delete(&dir, &entries, &selection, actions),
        RemoteMenu::Permissions => {
            let names = chosen.iter().map(|e| e.name.clone()).collect();
            // Start from the first item's bits when the listing shows them; otherwise there is
            // nothing to start from, and the dialog says so rather than guessing 644.
            let mode = chosen
                .first()
                .and_then(|e| e.permissions.as_deref())
                .and_then(parse_mode);
            actions.push(Action::Ask(Dialog::permissions(dir, names, mode)));
        }
        RemoteMenu::Refresh => actions.push(Action::Refresh(Side::Remote)),
    }
}

fn ask_new_folder(view: &RemoteView, actions: &mut Actions) {
    if let Some(dir) = view.current().cloned() {
        actions.push(Action::Ask(Dialog::NewFolder {
            dir,
            name: String::new(),
        }));
    }
}

fn ask_rename(dir: &RemotePath, entries: &[Entry], item: usize, actions: &mut Actions) {
    if let Some(entry) = entries.get(item) {
        actions.push(Action::Ask(Dialog::Rename {
            dir: dir.clone(),
            from: entry.name.clone(),
            name: entry.name.text.clone(),
        }));
    }
}

fn remote_item(entry: &Entry) -> RemoteItem {
    RemoteItem {
        name: entry.name.clone(),
        is_dir: entry.is_dir(),
    }
}

fn ask_delete(dir: &RemotePath, entries: &[Entry], selection: &[usize], actions: &mut Actions) {
    let items: Vec<RemoteItem> = selection
        .iter()
        .filter_map(|&i| entries.get(i))
        .map(remote_item)
        .collect();
    if !items.is_empty() {
        actions.push(Action::Ask(Dialog::Delete {
            dir: dir.clone(),
            items,
        }));
    }
}
