//! A table's own state: sorting, filtering, selection, the cursor, and what the keys do to
//! them. Kept apart from the drawing so it can be tested without a window.

use std::cmp::Ordering;

use egui::{Key, Modifiers};

use super::{ItemKind, TableItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Size,
    Modified,
    Permissions,
    Owner,
}

impl SortColumn {
    pub(super) const ALL: [SortColumn; 5] = [
        SortColumn::Name,
        SortColumn::Size,
        SortColumn::Modified,
        SortColumn::Permissions,
        SortColumn::Owner,
    ];

    /// The width a column starts with, and the least it may be dragged to.
    pub(super) fn widths(self) -> (f32, f32) {
        match self {
            SortColumn::Name => (200.0, 120.0),
            SortColumn::Size => (80.0, 50.0),
            SortColumn::Modified => (140.0, 80.0),
            SortColumn::Permissions => (90.0, 60.0),
            SortColumn::Owner => (90.0, 50.0),
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            SortColumn::Name => "Name",
            SortColumn::Size => "Size",
            SortColumn::Modified => "Modified",
            SortColumn::Permissions => "Permissions",
            SortColumn::Owner => "Owner",
        }
    }
}

/// A row of the table: the `..` row (when there is a folder above) or an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Parent,
    Item(usize),
}

/// What the person did to the table this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableAction {
    /// Double-click or Enter on an item.
    Open(usize),
    /// Double-click or Enter on `..`, or Backspace.
    OpenParent,
    /// F2 on the item under the cursor.
    Rename(usize),
    /// Del with items selected.
    Delete(Vec<usize>),
    /// F5.
    Refresh,
    /// F7, as in WinSCP and Total Commander.
    NewFolder,
    /// Ctrl+Enter: send the selection to the other pane (download or upload).
    Transfer(Vec<usize>),
}

/// Sorting, filtering, selection and cursor of one table. Indices are into the items slice the
/// table is shown with; `set_items` must be called whenever that slice changes.
pub struct TableState {
    pub sort: SortColumn,
    pub ascending: bool,
    pub filter: String,
    pub(super) applied_filter: String,
    /// Item indices in the order shown, after the filter.
    pub(super) visible: Vec<usize>,
    /// How many of them are folders (counted when they are put in order, not every frame).
    pub(super) visible_folders: usize,
    /// Lower-case names, for sorting, filtering and type-to-find.
    pub(super) keys: Vec<String>,
    pub(super) selected: Vec<bool>,
    /// Display positions (the `..` row, when shown, is position 0).
    pub(super) anchor: Option<usize>,
    pub(super) cursor: Option<usize>,
    pub(super) find: String,
    pub(super) find_time: f64,
    pub(super) scroll_to: Option<usize>,
    pub(super) needs_order: bool,
    /// Whether position 0 is the `..` row.
    pub(super) parent_row: bool,
    /// Rows that fit in the table's height (last frame): how far PgUp and PgDn go.
    pub(super) page: usize,
    /// The row to put the cursor on once the new items are in order: the folder the person
    /// came up from, or `..` in a folder just opened, as in every file manager.
    pub(super) cursor_to: Option<Kept>,
    /// After a refresh of the same folder: the cursor and the anchor go back to these rows once
    /// the new items are in order, as they were (the selection is kept apart).
    pub(super) keep: Option<Keep>,
}

/// The cursor and the anchor by name, and the cursor's position, across a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keep {
    cursor: Option<Kept>,
    anchor: Option<Kept>,
    /// Where the cursor was: when its row is gone (deleted), the row now there takes it.
    position: Option<usize>,
}

/// A row named, so that it can be found again in a new listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kept {
    Parent,
    Item(String),
}

impl Default for TableState {
    fn default() -> Self {
        Self {
            sort: SortColumn::Name,
            ascending: true,
            filter: String::new(),
            applied_filter: String::new(),
            visible: Vec::new(),
            visible_folders: 0,
            keys: Vec::new(),
            selected: Vec::new(),
            anchor: None,
            cursor: None,
            find: String::new(),
            find_time: 0.0,
            scroll_to: None,
            needs_order: true,
            parent_row: false,
            page: 20,
            cursor_to: None,
            keep: None,
        }
    }
}

/// Type-to-find forgets what was typed after this pause (seconds).
const FIND_PAUSE: f64 = 1.0;

impl TableState {
    /// A new set of items (a new listing): selection and cursor start over.
    pub fn set_items<T: TableItem>(&mut self, items: &[T]) {
        self.keys = items.iter().map(|i| i.name().to_lowercase()).collect();
        self.selected = vec![false; items.len()];
        self.anchor = None;
        self.cursor = None;
        self.needs_order = true;
    }

    /// The same items again (a refresh of the same folder): keeps the selection of names that
    /// are still there.
    pub fn refresh_items<T: TableItem>(&mut self, old: &[T], new: &[T]) {
        let kept: std::collections::HashSet<&str> = self
            .selected_items()
            .into_iter()
            .filter_map(|i| old.get(i).map(TableItem::name))
            .collect();
        let named = |position: Option<usize>| match self.row_at(position?)? {
            Row::Parent => Some(Kept::Parent),
            Row::Item(i) => old.get(i).map(|item| Kept::Item(item.name().to_owned())),
        };
        let keep = Keep {
            cursor: named(self.cursor),
            anchor: named(self.anchor),
            position: self.cursor,
        };
        self.set_items(new);
        for (i, item) in new.iter().enumerate() {
            if kept.contains(item.name()) {
                self.selected[i] = true;
            }
        }
        // The keys go on from the row they were on (another program writing into the folder
        // lists it again and again).
        self.keep = Some(keep);
    }

    /// Selected item indices, in the order shown.
    pub fn selected_items(&self) -> Vec<usize> {
        self.selected_shown().collect()
    }

    /// The same without collecting them (the status line reads it every frame).
    pub fn selected_shown(&self) -> impl Iterator<Item = usize> + '_ {
        self.visible
            .iter()
            .copied()
            .filter(|&i| self.selected.get(i).copied().unwrap_or(false))
    }

    /// How many folders the table shows, after the filter, as of its last ordering.
    pub fn visible_folders(&self) -> usize {
        self.visible_folders
    }

    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }

    pub fn is_selected(&self, item: usize) -> bool {
        self.selected.get(item).copied().unwrap_or(false)
    }

    pub fn select_only(&mut self, item: usize) {
        self.selected.iter_mut().for_each(|s| *s = false);
        if let Some(s) = self.selected.get_mut(item) {
            *s = true;
        }
    }

    pub fn clear_selection(&mut self) {
        self.selected.iter_mut().for_each(|s| *s = false);
    }

    pub(super) fn select_all(&mut self) {
        for &i in &self.visible {
            self.selected[i] = true;
        }
    }

    /// Sorts and filters again if anything that decides the order changed; whether it did.
    pub(super) fn order<T: TableItem>(&mut self, items: &[T]) -> bool {
        if self.keys.len() != items.len() {
            self.set_items(items);
        }
        if !self.needs_order && self.applied_filter == self.filter {
            return false;
        }
        let needle = self.filter.to_lowercase();
        let mut visible: Vec<usize> = (0..items.len())
            .filter(|&i| needle.is_empty() || self.keys[i].contains(&needle))
            .collect();
        let (sort, ascending, keys) = (self.sort, self.ascending, &self.keys);
        visible.sort_unstable_by(|&a, &b| {
            let (x, y) = (&items[a], &items[b]);
            // Folders first whichever way the column is sorted, as every file manager does.
            let folders = (x.kind() != ItemKind::Folder).cmp(&(y.kind() != ItemKind::Folder));
            let by_column = match sort {
                SortColumn::Name => Ordering::Equal,
                SortColumn::Size => x.size().cmp(&y.size()),
                SortColumn::Modified => x
                    .modified()
                    .map(|m| m.time)
                    .cmp(&y.modified().map(|m| m.time)),
                SortColumn::Permissions => x.permissions().cmp(&y.permissions()),
                SortColumn::Owner => compare_owners(x, y),
            };
            let by_column = by_column
                .then_with(|| keys[a].cmp(&keys[b]))
                .then_with(|| x.name().cmp(y.name()));
            folders.then(if ascending {
                by_column
            } else {
                by_column.reverse()
            })
        });
        self.visible_folders = visible
            .iter()
            .filter(|&&i| items[i].kind() == ItemKind::Folder)
            .count();
        self.visible = visible;
        self.applied_filter = self.filter.clone();
        self.needs_order = false;
        self.cursor = None;
        self.anchor = None;
        let offset = usize::from(self.parent_row);
        let find = |kept: &Kept| match kept {
            Kept::Parent => self.parent_row.then_some(0),
            Kept::Item(name) => self
                .visible
                .iter()
                .position(|&i| items[i].name() == name)
                .map(|at| at + offset),
        };
        let cursor_to = self.cursor_to.as_ref().and_then(find);
        if let Some(keep) = self.keep.take() {
            self.cursor = keep.cursor.as_ref().and_then(find);
            self.anchor = keep.anchor.as_ref().and_then(find);
            // Its row is gone (deleted, by the person or another program): the keys go on from
            // the row in its place, as in a file manager, rather than from the top.
            if self.cursor.is_none()
                && let Some(position) = keep.position
                && self.row_count() > 0
            {
                self.move_cursor(position, Modifiers::NONE);
            }
        }
        // Kept until the name is listed: a listing made just before the new folder was (a
        // watcher's, another refresh) would otherwise use it up, and F2 renamed the row
        // chosen before.
        if let Some(at) = cursor_to {
            self.cursor_to = None;
            self.move_cursor(at, Modifiers::NONE);
        }
        true
    }

    /// Once the items are in order with one named `name` among them, the cursor goes to it
    /// (unless the person moves it first, or another folder is shown).
    pub fn put_cursor_on(&mut self, name: String) {
        self.cursor_to = Some(Kept::Item(name));
    }

    /// A folder just opened: the cursor goes to its `..` row once it is listed, as in
    /// FileZilla, so the keys show where they are (a walk opened a folder with Enter and saw no
    /// row chosen, and a second Enter did nothing); Down then goes to the first entry, Enter up.
    pub fn put_cursor_on_parent(&mut self) {
        self.cursor_to = Some(Kept::Parent);
    }

    /// A folder is shown where no row is to get the cursor.
    pub fn forget_cursor_to(&mut self) {
        self.cursor_to = None;
    }

    /// How many rows the table shows, the `..` row included.
    pub(super) fn row_count(&self) -> usize {
        self.visible.len() + usize::from(self.parent_row)
    }

    pub(super) fn row_at(&self, position: usize) -> Option<Row> {
        if self.parent_row {
            match position {
                0 => Some(Row::Parent),
                p => self.visible.get(p - 1).map(|&i| Row::Item(i)),
            }
        } else {
            self.visible.get(position).map(|&i| Row::Item(i))
        }
    }

    pub(super) fn click(&mut self, position: usize, modifiers: Modifiers) {
        self.cursor_to = None;
        match self.row_at(position) {
            Some(Row::Item(_)) if modifiers.shift => self.extend_to(position, modifiers.command),
            Some(Row::Item(item)) if modifiers.command => {
                self.selected[item] = !self.selected[item];
                self.anchor = Some(position);
            }
            Some(Row::Item(item)) => {
                self.select_only(item);
                self.anchor = Some(position);
            }
            Some(Row::Parent) | None => {
                self.clear_selection();
                self.anchor = Some(position);
            }
        }
        self.cursor = Some(position);
    }

    /// Shift: select from the anchor to `position` (adding to the selection with Ctrl).
    pub(super) fn extend_to(&mut self, position: usize, keep: bool) {
        let anchor = self.anchor.unwrap_or(position);
        if !keep {
            self.clear_selection();
        }
        for p in anchor.min(position)..=anchor.max(position) {
            if let Some(Row::Item(item)) = self.row_at(p) {
                self.selected[item] = true;
            }
        }
        self.anchor = Some(anchor);
    }

    /// Puts the cursor on the first row that is a file or folder (not `..`), chosen.
    pub fn cursor_to_first_item(&mut self) {
        let first = (0..self.row_count()).find(|&p| matches!(self.row_at(p), Some(Row::Item(_))));
        if let Some(position) = first {
            self.move_cursor(position, Modifiers::NONE);
        }
    }

    /// Moves the cursor (arrows, Home/End); Shift extends the selection.
    pub(super) fn move_cursor(&mut self, position: usize, modifiers: Modifiers) {
        let last = self.row_count().saturating_sub(1);
        let position = position.min(last);
        if modifiers.shift {
            self.extend_to(position, false);
        } else {
            match self.row_at(position) {
                Some(Row::Item(item)) => self.select_only(item),
                _ => self.clear_selection(),
            }
            self.anchor = Some(position);
        }
        self.cursor = Some(position);
        self.scroll_to = Some(position);
    }

    /// Type-to-find: jumps to the first row whose name starts with what was typed lately.
    pub(super) fn find(&mut self, typed: &str, now: f64) {
        if now - self.find_time > FIND_PAUSE {
            self.find.clear();
        }
        self.find_time = now;
        self.find.push_str(&typed.to_lowercase());
        let found = self
            .visible
            .iter()
            .position(|&i| self.keys[i].starts_with(&self.find));
        if let Some(p) = found {
            let position = p + usize::from(self.parent_row);
            self.move_cursor(position, Modifiers::NONE);
        }
    }

    pub(super) fn cursor_action(&self) -> Option<TableAction> {
        match self.row_at(self.cursor?)? {
            Row::Parent => Some(TableAction::OpenParent),
            Row::Item(item) => Some(TableAction::Open(item)),
        }
    }

    /// What Enter does. With several rows chosen and the cursor on one of them, all of them are
    /// sent across, as Enter acts on the selection in FileZilla and in every file manager (a
    /// walk chose two files and got one); otherwise the cursor's row is opened (a folder, or
    /// `..`) or sent (a file).
    pub(super) fn enter_action(&self) -> Option<TableAction> {
        let selected = self.selected_items();
        let on_the_selection = matches!(
            self.cursor.and_then(|c| self.row_at(c)),
            Some(Row::Item(item)) if self.is_selected(item)
        );
        if selected.len() > 1 && on_the_selection {
            return Some(TableAction::Transfer(selected));
        }
        self.cursor_action()
    }

    /// Where a movement key puts the cursor (`None`: not a movement key). With no cursor (after
    /// a re-sort, or before a new listing put one on `..`), Down goes to the first file or
    /// folder, not to `..`, as from FileZilla's first Down: Down then Enter would leave the
    /// folder.
    pub(super) fn cursor_target(&self, key: Key) -> Option<usize> {
        let last = self.row_count().saturating_sub(1);
        let first_item = usize::from(self.parent_row).min(last);
        let cursor = self.cursor;
        Some(match key {
            Key::ArrowDown => cursor.map_or(first_item, |c| c + 1),
            Key::ArrowUp => cursor.map_or(0, |c| c.saturating_sub(1)),
            Key::PageDown => cursor.map_or(first_item, |c| c + self.page),
            Key::PageUp => cursor.map_or(0, |c| c.saturating_sub(self.page)),
            Key::Home => 0,
            Key::End => last,
            _ => return None,
        })
    }

    /// Keys for the table, when its pane has the keyboard (and no field or dialog has it).
    pub(super) fn keyboard(&mut self, ui: &egui::Ui) -> Option<TableAction> {
        let (events, held, now) = ui.input(|i| (i.events.clone(), i.modifiers, i.time));
        let mut action = None;
        for event in events {
            match event {
                // Each key with the modifiers held when it was pressed: a quick Ctrl+Enter can
                // be over (Ctrl let go) within one frame.
                egui::Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } => {
                    if let Some(to) = self.cursor_target(key) {
                        // The person moves on: a row still to be listed no longer takes the
                        // cursor.
                        self.cursor_to = None;
                        self.move_cursor(to, modifiers);
                        continue;
                    }
                    match key {
                        Key::Enter if modifiers.command => {
                            let selected = self.selected_items();
                            if !selected.is_empty() {
                                action = Some(TableAction::Transfer(selected));
                            }
                        }
                        Key::Enter => action = self.enter_action(),
                        Key::Backspace => action = Some(TableAction::OpenParent),
                        Key::F2 => {
                            if let Some(Row::Item(item)) = self.cursor.and_then(|c| self.row_at(c))
                            {
                                action = Some(TableAction::Rename(item));
                            } else if let [item] = self.selected_items()[..] {
                                action = Some(TableAction::Rename(item));
                            }
                        }
                        Key::Delete => {
                            let selected = self.selected_items();
                            if !selected.is_empty() {
                                action = Some(TableAction::Delete(selected));
                            }
                        }
                        Key::F5 => action = Some(TableAction::Refresh),
                        Key::F7 => action = Some(TableAction::NewFolder),
                        Key::A if modifiers.command => self.select_all(),
                        _ => {}
                    }
                }
                egui::Event::Text(text) if !held.command && !text.trim().is_empty() => {
                    self.find(&text, now);
                }
                _ => {}
            }
        }
        action
    }
}

/// The owner column's order: its text compared byte by byte (what `owner()` shows), without
/// building it. Sorting 100,000 rows makes over a million comparisons; formatting "owner group"
/// twice for each was an allocation every time.
fn compare_owners<T: TableItem>(x: &T, y: &T) -> Ordering {
    fn shown<T: TableItem>(item: &T) -> Option<impl Iterator<Item = u8> + '_> {
        let [owner, group] = item.owner_and_group();
        let blank = if owner.is_some() && group.is_some() {
            " "
        } else {
            ""
        };
        (owner.is_some() || group.is_some()).then(|| {
            owner
                .unwrap_or("")
                .bytes()
                .chain(blank.bytes())
                .chain(group.unwrap_or("").bytes())
        })
    }
    match (shown(x), shown(y)) {
        (Some(x), Some(y)) => x.cmp(y),
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::listing::{Entry, EntryKind};

    fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
        Entry::sample(name, kind, size)
    }

    fn items() -> Vec<Entry> {
        vec![
            entry("beta.txt", EntryKind::File, 300),
            entry("Alpha.txt", EntryKind::File, 100),
            entry("zeta", EntryKind::Dir, 0),
            entry("gamma.bin", EntryKind::File, 200),
        ]
    }

    fn shown(state: &TableState, items: &[Entry]) -> Vec<String> {
        state
            .visible
            .iter()
            .map(|&i| items[i].name.text.clone())
            .collect()
    }

    #[test]
    fn folders_first_then_by_column_either_way() {
        let items = items();
        let mut state = TableState::default();
        state.set_items(&items);
        state.order(&items);
        assert_eq!(
            shown(&state, &items),
            ["zeta", "Alpha.txt", "beta.txt", "gamma.bin"]
        );
        state.sort = SortColumn::Size;
        state.needs_order = true;
        state.order(&items);
        assert_eq!(
            shown(&state, &items),
            ["zeta", "Alpha.txt", "gamma.bin", "beta.txt"]
        );
        state.ascending = false;
        state.needs_order = true;
        state.order(&items);
        assert_eq!(
            shown(&state, &items),
            ["zeta", "beta.txt", "gamma.bin", "Alpha.txt"]
        );
    }

    #[test]
    fn the_owner_column_shows_owner_and_group_and_sorts_by_them() {
        let with = |name: &str, owner: Option<&str>, group: Option<&str>| Entry {
            owner: owner.map(Into::into),
            group: group.map(Into::into),
            ..entry(name, EntryKind::File, 1)
        };
        // (owner, group) → what the column shows.
        let cases = [
            (Some("alice"), Some("staff"), Some("alice staff")),
            (Some("1001"), None, Some("1001")),
            (None, Some("wheel"), Some("wheel")),
            (None, None, None),
        ];
        for (owner, group, shown_as) in cases {
            let item = with("f", owner, group);
            assert_eq!(item.owner().as_deref(), shown_as, "{owner:?} {group:?}");
        }
        let items = vec![
            with("c", Some("carol"), Some("users")),
            with("none", None, None),
            with("a", Some("alice"), Some("staff")),
            with("b", None, Some("bob")),
        ];
        let mut state = TableState::default();
        state.set_items(&items);
        state.sort = SortColumn::Owner;
        state.needs_order = true;
        state.order(&items);
        assert_eq!(shown(&state, &items), ["none", "a", "b", "c"]);
        state.ascending = false;
        state.needs_order = true;
        state.order(&items);
        assert_eq!(shown(&state, &items), ["c", "b", "a", "none"]);
    }

    /// F7's new folder takes the cursor once it is listed, even when a listing made before it
    /// was (a watcher's) comes first; moving the cursor first, or a click, forgets it.
    #[test]
    fn a_row_still_to_be_listed_takes_the_cursor_when_it_is() {
        let before = items();
        let mut after = items();
        after.push(entry("made by keys", EntryKind::Dir, 0));
        let cursor_name = |state: &TableState, items: &[Entry]| {
            state
                .cursor
                .and_then(|c| state.row_at(c))
                .and_then(|row| match row {
                    Row::Item(i) => Some(items[i].name.text.clone()),
                    Row::Parent => None,
                })
        };
        let mut state = TableState::default();
        state.set_items(&before);
        state.order(&before);
        state.click(1, Modifiers::NONE);
        state.put_cursor_on("made by keys".into());
        // A listing without it: the cursor stays where it was, and the name is kept.
        state.refresh_items(&before, &before);
        state.order(&before);
        assert_eq!(cursor_name(&state, &before).as_deref(), Some("Alpha.txt"));
        state.refresh_items(&before, &after);
        state.order(&after);
        assert_eq!(cursor_name(&state, &after).as_deref(), Some("made by keys"));
        assert_eq!(state.cursor_to, None);

        // The person clicks elsewhere before it comes: the click wins.
        let mut state = TableState::default();
        state.set_items(&before);
        state.order(&before);
        state.put_cursor_on("made by keys".into());
        state.click(2, Modifiers::NONE);
        state.refresh_items(&before, &after);
        state.order(&after);
        assert_eq!(cursor_name(&state, &after).as_deref(), Some("beta.txt"));
    }

    #[test]
    fn filter_is_case_insensitive() {
        let items = items();
        let mut state = TableState::default();
        state.set_items(&items);
        state.filter = "ALP".into();
        state.order(&items);
        assert_eq!(shown(&state, &items), ["Alpha.txt"]);
    }

    #[test]
    fn shift_and_ctrl_clicks_select_ranges_and_toggle() {
        let items = items();
        let mut state = TableState {
            parent_row: true,
            ..TableState::default()
        };
        state.set_items(&items);
        state.order(&items);
        // Positions: 0 = "..", 1 = zeta, 2 = Alpha, 3 = beta, 4 = gamma.
        state.click(2, Modifiers::NONE);
        state.click(4, Modifiers::SHIFT);
        let names = |s: &TableState| -> Vec<String> {
            s.selected_items()
                .iter()
                .map(|&i| items[i].name.text.clone())
                .collect()
        };
        assert_eq!(names(&state), ["Alpha.txt", "beta.txt", "gamma.bin"]);
        state.click(3, Modifiers::COMMAND);
        assert_eq!(names(&state), ["Alpha.txt", "gamma.bin"]);
        state.click(1, Modifiers::NONE);
        assert_eq!(names(&state), ["zeta"]);
        state.move_cursor(usize::MAX, Modifiers::NONE);
        assert_eq!(names(&state), ["gamma.bin"], "End goes to the last row");
        assert_eq!(state.cursor_action(), Some(TableAction::Open(3)));
    }

    #[test]
    fn a_folder_just_opened_has_the_cursor_on_its_parent_row() {
        let items = items();
        let mut state = TableState {
            parent_row: true,
            ..TableState::default()
        };
        state.put_cursor_on_parent();
        state.set_items(&items);
        state.order(&items);
        assert_eq!(state.cursor, Some(0));
        assert_eq!(state.cursor_action(), Some(TableAction::OpenParent));
        assert_eq!(state.selected_items(), Vec::<usize>::new());
        assert_eq!(state.cursor_target(Key::ArrowDown), Some(1));
        assert_eq!(state.cursor_to, None, "used up");
        // Without a `..` row (the top folder) it waits, and a named row replaces it.
        let mut top = TableState::default();
        top.put_cursor_on_parent();
        top.set_items(&items);
        top.order(&items);
        assert_eq!(top.cursor, None);
        top.put_cursor_on("gamma.bin".into());
        top.set_items(&items);
        top.order(&items);
        assert_eq!(top.cursor, Some(3));
    }

    #[test]
    fn movement_keys_put_the_cursor() {
        let items = items();
        // (a `..` row, the cursor, the key, where the cursor goes); 5 rows with `..`, 4 without.
        let cases = [
            (true, None, Key::ArrowDown, Some(1)),
            (false, None, Key::ArrowDown, Some(0)),
            (true, None, Key::ArrowUp, Some(0)),
            (true, None, Key::PageDown, Some(1)),
            (true, Some(0), Key::ArrowDown, Some(1)),
            (true, Some(2), Key::ArrowUp, Some(1)),
            (true, Some(1), Key::PageDown, Some(21)),
            (true, Some(3), Key::Home, Some(0)),
            (true, None, Key::End, Some(4)),
            (false, None, Key::End, Some(3)),
            (true, Some(2), Key::Enter, None),
        ];
        for (parent_row, cursor, key, expected) in cases {
            let mut state = TableState {
                parent_row,
                ..TableState::default()
            };
            state.set_items(&items);
            state.order(&items);
            state.cursor = cursor;
            assert_eq!(
                state.cursor_target(key),
                expected,
                "{parent_row} {cursor:?} {key:?}"
            );
        }
        // An empty folder: Down goes to `..`, its only row.
        let mut empty = TableState {
            parent_row: true,
            ..TableState::default()
        };
        empty.set_items::<Entry>(&[]);
        empty.order::<Entry>(&[]);
        assert_eq!(empty.cursor_target(Key::ArrowDown), Some(0));
    }

    #[test]
    fn enter_sends_the_selection_when_the_cursor_is_on_it() {
        let items = items();
        // Positions: 0 = "..", 1 = zeta (item 2, a folder), 2 = Alpha (item 1), 3 = beta
        // (item 0), 4 = gamma (item 3). (clicks that choose rows, Enter's action)
        type Clicks = &'static [(usize, Modifiers)];
        let cases: [(Clicks, Option<TableAction>); 6] = [
            (&[(2, Modifiers::NONE)], Some(TableAction::Open(1))),
            (&[(1, Modifiers::NONE)], Some(TableAction::Open(2))),
            (&[(0, Modifiers::NONE)], Some(TableAction::OpenParent)),
            // Two files, the cursor on the second: both go.
            (
                &[(2, Modifiers::NONE), (4, Modifiers::COMMAND)],
                Some(TableAction::Transfer(vec![1, 3])),
            ),
            // A folder among them goes too, as a whole.
            (
                &[(1, Modifiers::NONE), (3, Modifiers::SHIFT)],
                Some(TableAction::Transfer(vec![2, 1, 0])),
            ),
            // Two chosen, but the cursor's row unchosen again (Ctrl+click twice): Enter is
            // about the cursor's row, as before.
            (
                &[
                    (2, Modifiers::NONE),
                    (4, Modifiers::COMMAND),
                    (3, Modifiers::COMMAND),
                    (3, Modifiers::COMMAND),
                ],
                Some(TableAction::Open(0)),
            ),
        ];
        for (clicks, expected) in cases {
            let mut state = TableState {
                parent_row: true,
                ..TableState::default()
            };
            state.set_items(&items);
            state.order(&items);
            for &(position, modifiers) in clicks {
                state.click(position, modifiers);
            }
            assert_eq!(state.enter_action(), expected, "{clicks:?}");
        }
    }

    #[test]
    fn typing_finds_by_prefix_and_forgets_after_a_pause() {
        let items = items();
        let mut state = TableState::default();
        state.set_items(&items);
        state.order(&items);
        state.find("g", 10.0);
        assert_eq!(state.selected_items(), [3]);
        state.find("a", 10.2);
        assert_eq!(state.selected_items(), [3], "'ga' still gamma");
        state.find("b", 12.0);
        assert_eq!(state.selected_items(), [0], "a new search after the pause");
    }

    #[test]
    fn a_refresh_keeps_the_selection_by_name() {
        let old = items();
        let mut state = TableState::default();
        state.set_items(&old);
        state.order(&old);
        state.select_only(0);
        let mut new = items();
        new.insert(0, entry("new.txt", EntryKind::File, 1));
        state.refresh_items(&old, &new);
        state.order(&new);
        assert_eq!(state.selected_items(), [1]);
    }

    /// The walk: a download writing into the folder shown lists it again and again, and each
    /// time Down went to the first row.
    #[test]
    fn a_refresh_keeps_the_cursor_on_its_row() {
        let old = items();
        let mut state = TableState {
            parent_row: true,
            ..TableState::default()
        };
        state.set_items(&old);
        state.order(&old);
        // Positions: 0 = "..", 1 = zeta, 2 = Alpha, 3 = beta, 4 = gamma.
        state.move_cursor(3, Modifiers::NONE);
        let mut new = items();
        new.push(entry("aardvark.txt", EntryKind::File, 1));
        state.refresh_items(&old, &new);
        state.order(&new);
        // beta.txt is now at 4 (aardvark sorts before it): the cursor followed it.
        assert_eq!(state.cursor, Some(4));
        state.move_cursor(state.cursor.unwrap() + 1, Modifiers::NONE);
        let names: Vec<&str> = state
            .selected_items()
            .iter()
            .map(|&i| new[i].name.text.as_str())
            .collect();
        assert_eq!(names, ["gamma.bin"], "Down goes on from beta.txt");
        // A row that is gone (deleted) leaves the cursor on the row in its place, chosen, so
        // the keys go on from there; at the end, on the row before it.
        let without = |items: &[Entry], name: &str| -> Vec<Entry> {
            items
                .iter()
                .filter(|e| e.name.text != name)
                .cloned()
                .collect()
        };
        let chosen = |state: &TableState, items: &[Entry]| -> Vec<String> {
            state
                .selected_items()
                .iter()
                .map(|&i| items[i].name.text.clone())
                .collect()
        };
        // Positions: 0 = "..", 1 = zeta, 2 = aardvark, 3 = Alpha, 4 = beta, 5 = gamma.
        state.move_cursor(3, Modifiers::NONE);
        let no_alpha = without(&new, "Alpha.txt");
        state.refresh_items(&new, &no_alpha);
        state.order(&no_alpha);
        assert_eq!(state.cursor, Some(3));
        assert_eq!(chosen(&state, &no_alpha), ["beta.txt"]);
        state.move_cursor(4, Modifiers::NONE);
        let no_gamma = without(&no_alpha, "gamma.bin");
        state.refresh_items(&no_alpha, &no_gamma);
        state.order(&no_gamma);
        assert_eq!(
            state.cursor,
            Some(3),
            "the last row gone: the one before it"
        );
        assert_eq!(chosen(&state, &no_gamma), ["beta.txt"]);
    }
}
