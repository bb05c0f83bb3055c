//! The file table of both panes: icon, name, size, modified, permissions, owner; sort by any
//! column (folders first), filter, multi-select with Ctrl and Shift, keyboard navigation and
//! type-to-find, a context menu on rows and on the empty space below them. Only the rows in view
//! are built, so 100,000 entries scroll as smoothly as ten. A narrow table drops the columns
//! that matter least (owner, then permissions, then the date) rather than cutting the name.

use std::cmp::Ordering;

use egui::{Key, Modifiers, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::format;
use crate::protocol::listing::{Entry, EntryKind, Modified};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Folder,
    File,
    Link,
    Other,
}

/// What the table needs to know about a row.
pub trait TableItem {
    fn name(&self) -> &str;
    fn kind(&self) -> ItemKind;
    fn size(&self) -> Option<u64>;
    fn modified(&self) -> Option<Modified>;
    fn permissions(&self) -> Option<&str>;
    fn owner(&self) -> Option<String>;
    /// Extra words for the name's tooltip (a link's target).
    fn note(&self) -> Option<String> {
        None
    }
}

impl TableItem for Entry {
    fn name(&self) -> &str {
        &self.name.text
    }

    fn kind(&self) -> ItemKind {
        match self.kind {
            EntryKind::Dir => ItemKind::Folder,
            EntryKind::File => ItemKind::File,
            EntryKind::Link { .. } => ItemKind::Link,
            EntryKind::Other => ItemKind::Other,
        }
    }

    fn size(&self) -> Option<u64> {
        self.size
    }

    fn modified(&self) -> Option<Modified> {
        self.modified
    }

    fn permissions(&self) -> Option<&str> {
        self.permissions.as_deref()
    }

    fn owner(&self) -> Option<String> {
        match (&self.owner, &self.group) {
            (Some(owner), Some(group)) => Some(format!("{owner} {group}")),
            (Some(owner), None) => Some(owner.clone()),
            (None, Some(group)) => Some(group.clone()),
            (None, None) => None,
        }
    }

    fn note(&self) -> Option<String> {
        match &self.kind {
            EntryKind::Link {
                target: Some(target),
            } => Some(format!("Link to {target}")),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Size,
    Modified,
    Permissions,
    Owner,
}

impl SortColumn {
    const ALL: [SortColumn; 5] = [
        SortColumn::Name,
        SortColumn::Size,
        SortColumn::Modified,
        SortColumn::Permissions,
        SortColumn::Owner,
    ];

    /// The width a column starts with, and the least it may be dragged to.
    fn widths(self) -> (f32, f32) {
        match self {
            SortColumn::Name => (200.0, 120.0),
            SortColumn::Size => (80.0, 50.0),
            SortColumn::Modified => (140.0, 80.0),
            SortColumn::Permissions => (90.0, 60.0),
            SortColumn::Owner => (90.0, 50.0),
        }
    }

    fn title(self) -> &'static str {
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
    /// Ctrl+Enter: send the selection to the other pane (download or upload).
    Transfer(Vec<usize>),
}

/// Sorting, filtering, selection and cursor of one table. Indices are into the items slice the
/// table is shown with; `set_items` must be called whenever that slice changes.
pub struct TableState {
    pub sort: SortColumn,
    pub ascending: bool,
    pub filter: String,
    applied_filter: String,
    /// Item indices in the order shown, after the filter.
    visible: Vec<usize>,
    /// Lower-case names, for sorting, filtering and type-to-find.
    keys: Vec<String>,
    selected: Vec<bool>,
    /// Display positions (the `..` row, when shown, is position 0).
    anchor: Option<usize>,
    cursor: Option<usize>,
    find: String,
    find_time: f64,
    scroll_to: Option<usize>,
    needs_order: bool,
    /// Whether position 0 is the `..` row.
    parent_row: bool,
    /// Rows that fit in the table's height (last frame): how far PgUp and PgDn go.
    page: usize,
}

impl Default for TableState {
    fn default() -> Self {
        Self {
            sort: SortColumn::Name,
            ascending: true,
            filter: String::new(),
            applied_filter: String::new(),
            visible: Vec::new(),
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
        self.set_items(new);
        for (i, item) in new.iter().enumerate() {
            if kept.contains(item.name()) {
                self.selected[i] = true;
            }
        }
    }

    /// Selected item indices, in the order shown.
    pub fn selected_items(&self) -> Vec<usize> {
        self.visible
            .iter()
            .copied()
            .filter(|&i| self.selected.get(i).copied().unwrap_or(false))
            .collect()
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

    fn select_all(&mut self) {
        for &i in &self.visible {
            self.selected[i] = true;
        }
    }

    /// Sorts and filters again if anything that decides the order changed.
    fn order<T: TableItem>(&mut self, items: &[T]) {
        if self.keys.len() != items.len() {
            self.set_items(items);
        }
        if !self.needs_order && self.applied_filter == self.filter {
            return;
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
                SortColumn::Owner => x.owner().cmp(&y.owner()),
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
        self.visible = visible;
        self.applied_filter = self.filter.clone();
        self.needs_order = false;
        self.cursor = None;
        self.anchor = None;
    }

    /// How many rows the table shows, the `..` row included.
    fn row_count(&self) -> usize {
        self.visible.len() + usize::from(self.parent_row)
    }

    fn row_at(&self, position: usize) -> Option<Row> {
        if self.parent_row {
            match position {
                0 => Some(Row::Parent),
                p => self.visible.get(p - 1).map(|&i| Row::Item(i)),
            }
        } else {
            self.visible.get(position).map(|&i| Row::Item(i))
        }
    }

    fn click(&mut self, position: usize, modifiers: Modifiers) {
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
    fn extend_to(&mut self, position: usize, keep: bool) {
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

    /// Moves the cursor (arrows, Home/End); Shift extends the selection.
    fn move_cursor(&mut self, position: usize, modifiers: Modifiers) {
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
    fn find(&mut self, typed: &str, now: f64) {
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

    fn cursor_action(&self) -> Option<TableAction> {
        match self.row_at(self.cursor?)? {
            Row::Parent => Some(TableAction::OpenParent),
            Row::Item(item) => Some(TableAction::Open(item)),
        }
    }

    /// Keys for the table, when its pane has the keyboard (and no field or dialog has it).
    fn keyboard(&mut self, ui: &egui::Ui) -> Option<TableAction> {
        let (events, modifiers, now) = ui.input(|i| (i.events.clone(), i.modifiers, i.time));
        let mut action = None;
        for event in events {
            match event {
                egui::Event::Key {
                    key, pressed: true, ..
                } => {
                    let last = self.row_count().saturating_sub(1);
                    let cursor = self.cursor;
                    match key {
                        Key::ArrowDown => self.move_cursor(cursor.map_or(0, |c| c + 1), modifiers),
                        Key::ArrowUp => {
                            self.move_cursor(cursor.map_or(0, |c| c.saturating_sub(1)), modifiers)
                        }
                        Key::PageDown => {
                            self.move_cursor(cursor.map_or(0, |c| c + self.page), modifiers)
                        }
                        Key::PageUp => self.move_cursor(
                            cursor.map_or(0, |c| c.saturating_sub(self.page)),
                            modifiers,
                        ),
                        Key::Home => self.move_cursor(0, modifiers),
                        Key::End => self.move_cursor(last, modifiers),
                        Key::Enter if modifiers.command => {
                            let selected = self.selected_items();
                            if !selected.is_empty() {
                                action = Some(TableAction::Transfer(selected));
                            }
                        }
                        Key::Enter => action = self.cursor_action(),
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
                        Key::A if modifiers.command => self.select_all(),
                        _ => {}
                    }
                }
                egui::Event::Text(text) if !modifiers.command && !text.trim().is_empty() => {
                    self.find(&text, now);
                }
                _ => {}
            }
        }
        action
    }
}

/// How a pane shows its table.
pub struct TableConfig<'a> {
    pub id: &'a str,
    /// What the table shows, for screen readers: "Remote files", "Local files".
    pub name: &'a str,
    /// A `..` row first (there is a folder above).
    pub parent_row: bool,
    /// The table has the keys (arrows, Enter, F2, Del...): its pane is the focused one and no
    /// field or dialog has them.
    pub has_keyboard: bool,
    /// A background colour for an item's row (folder comparison).
    pub tint: Option<&'a dyn Fn(usize) -> Option<egui::Color32>>,
    /// Highlight the folder row under the pointer: something is being dragged over the table.
    pub drop_highlight: bool,
}

/// What `show` returns.
pub struct TableOutput<A> {
    pub action: Option<TableAction>,
    /// What a context menu chose (a row's, or the empty space's).
    pub menu: Option<A>,
    /// A drag started on a row this frame; the selection now holds what is dragged.
    pub drag_started: bool,
    /// The row under the pointer, if any.
    pub pointer_row: Option<Row>,
}

/// The columns that fit in `width`, most important first: a narrow pane keeps the name whole.
fn columns_for(width: f32) -> &'static [SortColumn] {
    const ALL: &[SortColumn] = &SortColumn::ALL;
    // Room for a readable name, and the others at their usual width.
    let fits = |n: usize| {
        let others: f32 = ALL[1..n].iter().map(|c| c.widths().0 + 8.0).sum();
        160.0 + others <= width
    };
    let n = (1..=ALL.len()).rev().find(|&n| fits(n)).unwrap_or(1);
    &ALL[..n]
}

/// Draws the table for `items`. `row_menu` fills a row's context menu, given the selection;
/// `space_menu` the one on the empty space below the rows.
pub fn show<T: TableItem, A>(
    ui: &mut egui::Ui,
    items: &[T],
    state: &mut TableState,
    config: &TableConfig<'_>,
    mut row_menu: impl FnMut(&mut egui::Ui, &[usize]) -> Option<A>,
    mut space_menu: impl FnMut(&mut egui::Ui) -> Option<A>,
) -> TableOutput<A> {
    if state.parent_row != config.parent_row {
        state.parent_row = config.parent_row;
        state.needs_order = true;
    }
    state.order(items);
    let mut action = if config.has_keyboard {
        state.keyboard(ui)
    } else {
        None
    };
    let mut chosen = None;
    let mut drag_started = false;
    let mut pointer_row = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let highlight = ui.visuals().selection.stroke;
    let area = ui.available_rect_before_wrap();

    let columns = columns_for(area.width());
    let fixed: f32 = columns[1..]
        .iter()
        .map(|c| c.widths().0 + ui.spacing().item_spacing.x)
        .sum();
    // The name takes what the other columns leave, so a table never widens its pane.
    let name_width = (area.width() - fixed - 30.0).max(SortColumn::Name.widths().1);
    let pitch = row_height + ui.spacing().item_spacing.y;
    state.page = ((area.height() - row_height) / pitch).floor().max(1.0) as usize;
    let mut builder = TableBuilder::new(ui)
        // Another set of columns is another table: egui keeps column widths per table.
        .id_salt((config.id, columns.len()))
        .striped(true)
        .resizable(true)
        // Rows take clicks and drags but not the keyboard's focus: the table handles its keys
        // itself, and a focused row would be invisible.
        .sense(Sense::click_and_drag().difference(Sense::FOCUSABLE))
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .min_scrolled_height(0.0)
        .max_scroll_height(f32::INFINITY)
        .auto_shrink(false);
    for (i, column) in columns.iter().enumerate() {
        let (initial, least) = column.widths();
        builder = builder.column(if i == 0 {
            Column::initial(name_width).at_least(least).clip(true)
        } else if i == columns.len() - 1 {
            Column::remainder().at_least(least).clip(true)
        } else {
            Column::initial(initial).at_least(least).clip(true)
        });
    }
    if let Some(position) = state.scroll_to.take() {
        builder = builder.scroll_to_row(position, None);
    }
    let body = builder
        .header(row_height, |mut header| {
            for &column in columns {
                header.col(|ui| {
                    let title =
                        egui::Button::new(RichText::new(column.title()).strong()).frame(false);
                    let button = ui.add(title).on_hover_text("Sort by this column");
                    let spoken = format!("{}: sort by {}", config.name, column.title());
                    button.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken)
                    });
                    if button.clicked() {
                        if state.sort == column {
                            state.ascending = !state.ascending;
                        } else {
                            state.sort = column;
                            state.ascending = true;
                        }
                        state.needs_order = true;
                    }
                    if state.sort == column {
                        ui.label(if state.ascending { "⏶" } else { "⏷" });
                    }
                });
            }
        })
        .body(|body| {
            // A header click this frame re-sorts before the rows are drawn.
            state.order(items);
            body.rows(row_height, state.row_count(), |mut row| {
                let position = row.index();
                let Some(which) = state.row_at(position) else {
                    return;
                };
                let selected = match which {
                    Row::Parent => state.cursor == Some(0),
                    Row::Item(item) => state.is_selected(item),
                };
                row.set_selected(selected);
                let spoken = match which {
                    Row::Parent => "..",
                    Row::Item(item) => items[item].name(),
                };
                match which {
                    Row::Parent => {
                        row.col(|ui| {
                            ui.add(egui::Label::new("🗀").selectable(false));
                            ui.add(egui::Label::new("..").selectable(false));
                        });
                        for _ in 1..columns.len() {
                            row.col(|_| {});
                        }
                    }
                    Row::Item(item) => {
                        let tint = config.tint.and_then(|tint| tint(item));
                        item_cells(&mut row, columns, &items[item], tint);
                    }
                }
                let response = row.response();
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Row, true, spoken));
                response
                    .ctx
                    .accesskit_node_builder(response.id, |node| node.set_selected(selected));
                if response.contains_pointer() {
                    pointer_row = Some(which);
                    let is_folder = match which {
                        Row::Parent => true,
                        Row::Item(item) => items[item].kind() == ItemKind::Folder,
                    };
                    if config.drop_highlight && is_folder {
                        response.ctx.layer_painter(response.layer_id).rect_stroke(
                            response.rect,
                            2.0,
                            highlight,
                            egui::StrokeKind::Inside,
                        );
                    }
                }
                if response.clicked() {
                    let modifiers = response.ctx.input(|i| i.modifiers);
                    state.click(position, modifiers);
                }
                if response.drag_started()
                    && let Row::Item(item) = which
                {
                    if !state.is_selected(item) {
                        state.select_only(item);
                        state.cursor = Some(position);
                    }
                    drag_started = true;
                }
                if response.double_clicked() {
                    action = Some(match which {
                        Row::Parent => TableAction::OpenParent,
                        Row::Item(item) => TableAction::Open(item),
                    });
                }
                if response.secondary_clicked()
                    && let Row::Item(item) = which
                    && !state.is_selected(item)
                {
                    state.select_only(item);
                    state.cursor = Some(position);
                }
                response.context_menu(|ui| {
                    let selection = state.selected_items();
                    if let Some(choice) = row_menu(ui, &selection) {
                        chosen = Some(choice);
                        ui.close();
                    }
                });
            });
        });
    // The empty space under the rows: a click there clears the selection, a right-click offers
    // what makes sense without one (new folder, refresh...).
    let rows_end = body.inner_rect.top() + body.content_size.y - body.state.clamped_offset().y;
    let space = egui::Rect::from_min_max(
        egui::pos2(area.left(), rows_end.max(body.inner_rect.top())),
        area.max,
    );
    if space.height() > 1.0 {
        let space = ui.interact(
            space,
            ui.scope_id().with((config.id, "space")),
            Sense::click(),
        );
        if space.clicked() {
            state.clear_selection();
        }
        space.context_menu(|ui| {
            if let Some(choice) = space_menu(ui) {
                chosen = Some(choice);
                ui.close();
            }
        });
    }
    // Said in the empty space, so an empty folder does not look like one still loading.
    let note = if !items.is_empty() && state.visible_count() == 0 {
        Some("No names match the filter")
    } else if items.is_empty() {
        Some("This folder is empty")
    } else {
        None
    };
    if let Some(note) = note {
        let rows = state.row_count() as f32 + 1.0;
        let at = egui::pos2(area.center().x, area.top() + rows * pitch + 24.0);
        let label = egui::Label::new(RichText::new(note).weak().italics()).selectable(false);
        let size = egui::vec2(area.width(), row_height);
        ui.put(egui::Rect::from_center_size(at, size), label);
    }
    TableOutput {
        action,
        menu: chosen,
        drag_started,
        pointer_row,
    }
}

fn item_cells<T: TableItem>(
    row: &mut egui_extras::TableRow<'_, '_>,
    columns: &[SortColumn],
    item: &T,
    tint: Option<egui::Color32>,
) {
    // The tint is painted under each cell before its content, over the gaps between cells too,
    // so the whole row reads as one coloured line.
    let paint = |ui: &egui::Ui| {
        if let Some(colour) = tint {
            let gap = ui.spacing().item_spacing * 0.5;
            ui.painter()
                .rect_filled(ui.max_rect().expand2(gap), 0.0, colour);
        }
    };
    let icon = match item.kind() {
        ItemKind::Folder => "🗀",
        ItemKind::Link => "🔗",
        ItemKind::File => "🗋",
        ItemKind::Other => "⚙",
    };
    for column in columns {
        row.col(|ui| {
            paint(ui);
            match column {
                SortColumn::Name => {
                    ui.add(egui::Label::new(icon).selectable(false));
                    let name = ui.add(egui::Label::new(item.name()).selectable(false).truncate());
                    if let Some(note) = item.note() {
                        name.on_hover_text(note);
                    }
                }
                SortColumn::Size => {
                    if let Some(size) = item.size().filter(|_| item.kind() != ItemKind::Folder) {
                        ui.add(egui::Label::new(format::human_size(size)).selectable(false))
                            .on_hover_text(format!("{} bytes", format::grouped(size)));
                    }
                }
                SortColumn::Modified => {
                    if let Some(modified) = item.modified() {
                        ui.add(egui::Label::new(format::modified(&modified)).selectable(false));
                    }
                }
                SortColumn::Permissions => {
                    if let Some(permissions) = item.permissions() {
                        ui.add(
                            egui::Label::new(RichText::new(permissions).monospace())
                                .selectable(false),
                        );
                    }
                }
                SortColumn::Owner => {
                    if let Some(owner) = item.owner() {
                        ui.add(egui::Label::new(owner).selectable(false).truncate());
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::listing::Entry;

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
    fn a_narrow_table_drops_the_least_needed_columns_first() {
        assert_eq!(columns_for(2000.0), &SortColumn::ALL);
        assert_eq!(columns_for(300.0), &[SortColumn::Name, SortColumn::Size]);
        assert_eq!(columns_for(420.0).last(), Some(&SortColumn::Modified));
        assert_eq!(columns_for(10.0), &[SortColumn::Name]);
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
}
