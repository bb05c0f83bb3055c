//! What a pane knows of its side's folders, the same for the disk and the server: listings by
//! folder (going back to one already seen shows it at once), the folder shown and its entries
//! as shown (hidden ones left out unless wanted), which folders are being listed, and the
//! subfolders the tree shows. `local.rs` and `remote.rs` add only what their side has of its
//! own.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::file_table::{Row, TableItem, TableState};
use super::folder_tree::Children;
use super::format::{SelectedCounts, ShownCounts};
use super::pane::PaneState;
use crate::protocol::path::RemotePath;

/// A folder's path, on either side.
pub trait FolderPath: Clone + Eq + Hash {
    fn parent_folder(&self) -> Option<Self>;
    /// From the root down to this folder, itself included.
    fn chain(&self) -> Vec<Self>;
}

impl FolderPath for PathBuf {
    fn parent_folder(&self) -> Option<Self> {
        self.parent().map(Path::to_path_buf)
    }

    fn chain(&self) -> Vec<Self> {
        let mut chain: Vec<PathBuf> = self.ancestors().map(Path::to_path_buf).collect();
        chain.reverse();
        chain
    }
}

impl FolderPath for RemotePath {
    fn parent_folder(&self) -> Option<Self> {
        self.parent()
    }

    fn chain(&self) -> Vec<Self> {
        self.ancestors_and_self()
    }
}

/// An entry of a folder, on either side.
pub trait FolderEntry: TableItem + Clone {
    type Path: FolderPath;
    /// Opens as a folder (a link to one too).
    fn is_folder(&self) -> bool;
    /// Left out unless hidden files are wanted.
    fn is_hidden(&self) -> bool;
    /// Its path, in the folder `dir`.
    fn path_in(&self, dir: &Self::Path) -> Self::Path;
}

pub struct Folders<T: FolderEntry> {
    current: Option<T::Path>,
    cache: HashMap<T::Path, Arc<Vec<T>>>,
    /// The current folder's entries as shown.
    shown: Option<Arc<Vec<T>>>,
    /// Folders asked for and not listed yet.
    listing: HashSet<T::Path>,
    /// Kept listings that may be out of date (a change inside one of their folders changed
    /// its size or time): shown at once when opened, and listed again.
    stale: HashSet<T::Path>,
    show_hidden: bool,
}

impl<T: FolderEntry> Folders<T> {
    pub fn new(show_hidden: bool) -> Self {
        Self {
            current: None,
            cache: HashMap::new(),
            shown: None,
            listing: HashSet::new(),
            stale: HashSet::new(),
            show_hidden,
        }
    }

    pub fn current(&self) -> Option<&T::Path> {
        self.current.as_ref()
    }

    pub fn shown(&self) -> Option<&Arc<Vec<T>>> {
        self.shown.as_ref()
    }

    /// The files (and links and others) and folders the table shows, and how many more the
    /// filter hides.
    pub fn shown_counts(&self, table: &TableState) -> Option<ShownCounts> {
        let entries = self.shown()?;
        // Counted by the table as it orders the rows: a status line read every frame must not
        // walk a folder of 100,000 entries each time.
        let (shown, folders) = (table.visible_count(), table.visible_folders());
        Some(ShownCounts {
            files: shown.saturating_sub(folders),
            folders,
            filtered_out: entries.len().saturating_sub(shown),
            selected: selected_counts(entries, table),
        })
    }

    pub fn show_hidden(&self) -> bool {
        self.show_hidden
    }

    pub fn cached(&self, path: &T::Path) -> bool {
        self.cache.contains_key(path)
    }

    pub fn is_listing(&self, path: &T::Path) -> bool {
        self.listing.contains(path)
    }

    /// Marks `path` as being listed; false when it already is (no second request).
    pub fn listing_requested(&mut self, path: T::Path) -> bool {
        self.listing.insert(path)
    }

    /// The folder under the pointer: a tree node, a folder row of the table, or the `..` row's
    /// folder.
    pub fn folder_under(&self, node: Option<T::Path>, row: Option<Row>) -> Option<T::Path> {
        if node.is_some() {
            return node;
        }
        let current = self.current()?;
        match row? {
            Row::Item(i) => self
                .shown()?
                .get(i)
                .filter(|e| e.is_folder())
                .map(|e| e.path_in(current)),
            Row::Parent => current.parent_folder(),
        }
    }

    /// The kept listing of `path`, if any, may be out of date.
    pub fn mark_stale(&mut self, path: T::Path) {
        if self.cache.contains_key(&path) {
            self.stale.insert(path);
        }
    }

    /// Whether the kept listing of `path` was out of date; it is taken to be listed again now.
    pub fn take_stale(&mut self, path: &T::Path) -> bool {
        self.stale.remove(path)
    }

    /// A listing could not be made.
    pub fn failed(&mut self, path: &T::Path) {
        self.listing.remove(path);
    }

    /// A listing arrived: kept, and shown again when it is the folder shown (the selection of
    /// names still there is kept).
    pub fn listed(&mut self, path: T::Path, entries: Vec<T>, table: &mut TableState) {
        self.listing.remove(&path);
        self.stale.remove(&path);
        self.cache.insert(path.clone(), Arc::new(entries));
        if self.current.as_ref() == Some(&path) {
            self.refilter(table);
        }
    }

    /// Shows a folder whose listing is kept; the tree opens to it.
    pub fn show(&mut self, path: T::Path, pane: &mut PaneState<T::Path>) {
        pane.tree.reveal(&path.chain());
        // Up one level: the cursor lands on the folder just left, as in every file manager.
        let left = self
            .current
            .as_ref()
            .filter(|old| old.parent_folder().as_ref() == Some(&path));
        match (left, self.cache.get(&path)) {
            (Some(old), Some(entries))
                if let Some(entry) = entries.iter().find(|e| e.path_in(&path) == *old) =>
            {
                pane.table.put_cursor_on(entry.name().to_owned());
            }
            _ if self.current.as_ref() != Some(&path) => {
                if path.parent_folder().is_some() {
                    pane.table.put_cursor_on_parent();
                } else {
                    pane.table.forget_cursor_to();
                }
            }
            _ => {}
        }
        self.current = Some(path);
        self.shown = None;
        self.refilter(&mut pane.table);
    }

    pub fn set_show_hidden(&mut self, show: bool, table: &mut TableState) {
        if self.show_hidden != show {
            self.show_hidden = show;
            self.refilter(table);
        }
    }

    /// The folder shown, when `path` is in it or below it (a transfer landed there). A folder
    /// seen before but not shown now is listed afresh when next opened.
    pub fn shows_ancestor_of(&mut self, path: &T::Path) -> Option<T::Path> {
        if let Some(parent) = path.parent_folder()
            && self.current.as_ref() != Some(&parent)
        {
            self.cache.remove(&parent);
        }
        let current = self.current.clone()?;
        path.chain().contains(&current).then_some(current)
    }

    /// The folder a tree node stands for, and the folder it is in, from that folder's listing
    /// (a node dragged from the tree). A node known only as the way down to the folder shown
    /// has no entry.
    pub fn entry_of(&self, path: &T::Path) -> Option<(T::Path, T)> {
        let parent = path.parent_folder()?;
        let entry = self
            .cache
            .get(&parent)?
            .iter()
            .find(|e| e.is_folder() && e.path_in(&parent) == *path)?
            .clone();
        Some((parent, entry))
    }

    /// The entries selected in `table`, in the order shown.
    pub fn selected(&self, table: &TableState) -> Vec<T> {
        let Some(shown) = &self.shown else {
            return Vec::new();
        };
        table
            .selected_items()
            .into_iter()
            .filter_map(|i| shown.get(i).cloned())
            .collect()
    }

    /// The current folder's entries again, keeping the selection of names still there.
    fn refilter(&mut self, table: &mut TableState) {
        let Some(all) = self.current.as_ref().and_then(|c| self.cache.get(c)) else {
            return;
        };
        let shown = if self.show_hidden {
            all.clone()
        } else {
            Arc::new(all.iter().filter(|e| !e.is_hidden()).cloned().collect())
        };
        match self.shown.replace(shown.clone()) {
            Some(old) => table.refresh_items(&old, &shown),
            None => table.set_items(&shown),
        }
    }

    /// A folder's subfolders for the tree, by name. Hidden ones stay out unless wanted, except
    /// the one shown or on the way to it: the tree always shows where the pane is. Where
    /// nothing was listed, the way down to the folder shown is known anyway; `name` names it.
    pub fn subfolders(
        &self,
        path: &T::Path,
        name: impl Fn(&T::Path) -> Option<String>,
    ) -> Children<T::Path> {
        let way = self.current.as_ref().map(|c| c.chain()).unwrap_or_default();
        let known = way
            .iter()
            .position(|p| p == path)
            .and_then(|at| way.get(at + 1))
            .and_then(|next| Some(vec![(next.clone(), name(next)?)]))
            .unwrap_or_default();
        if let Some(entries) = self.cache.get(path) {
            let mut folders: Vec<(T::Path, String)> = entries
                .iter()
                .filter(|e| e.is_folder())
                .map(|e| (e.path_in(path), e))
                .filter(|(p, e)| self.show_hidden || !e.is_hidden() || way.contains(p))
                .map(|(p, e)| (p, e.name().to_owned()))
                .collect();
            // A listing older than the folder shown (made since, and reached by its path) still
            // leads to it: the tree always shows where the pane is.
            for step in known {
                if !folders.iter().any(|(p, _)| *p == step.0) {
                    folders.push(step);
                }
            }
            folders.sort_by_cached_key(|(_, name)| name.to_lowercase());
            return Children::Listed(folders);
        }
        if self.listing.contains(path) {
            Children::Loading { known }
        } else {
            Children::Unlisted { known }
        }
    }
}

/// The selected rows that are shown, counted and their sizes added; `None` when none is. (Read
/// every frame: one pass over the rows shown, nothing collected.)
fn selected_counts<T: FolderEntry>(entries: &[T], table: &TableState) -> Option<SelectedCounts> {
    let mut counts = SelectedCounts {
        files: 0,
        folders: 0,
        bytes: 0,
    };
    for entry in table.selected_shown().filter_map(|i| entries.get(i)) {
        if entry.is_folder() {
            counts.folders += 1;
        } else {
            counts.files += 1;
            counts.bytes = counts.bytes.saturating_add(entry.size().unwrap_or(0));
        }
    }
    (counts.files + counts.folders > 0).then_some(counts)
}
