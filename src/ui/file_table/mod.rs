//! The file table of both panes: icon, name, size, modified, permissions, owner; sort by any
//! column (folders first), filter, multi-select with Ctrl and Shift, keyboard navigation and
//! type-to-find, a context menu on rows and on the empty space below them. Only the rows in view
//! are built, so 100,000 entries scroll as smoothly as ten. A narrow table drops the columns
//! that matter least (owner, then permissions, then the date) rather than cutting the name.

mod state;

use std::borrow::Cow;

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

pub use state::{Row, SortColumn, TableAction, TableState};

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
    /// The owner and the group, as far as known.
    fn owner_and_group(&self) -> [Option<&str>; 2];
    /// Owner and group as the table shows them, one blank between (borrowed when there is
    /// only one).
    fn owner(&self) -> Option<Cow<'_, str>> {
        match self.owner_and_group() {
            [Some(owner), Some(group)] => Some(Cow::Owned(format!("{owner} {group}"))),
            [Some(one), None] | [None, Some(one)] => Some(Cow::Borrowed(one)),
            [None, None] => None,
        }
    }
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

    fn owner_and_group(&self) -> [Option<&str>; 2] {
        [self.owner.as_deref(), self.group.as_deref()]
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
    /// Which folder row under the pointer to outline as a drop target while rows are dragged.
    pub drop_highlight: DropHighlight,
}

/// The folder rows that take a drop while rows are being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropHighlight {
    /// Nothing is being dragged.
    Off,
    /// Rows of the other pane: any folder.
    Folders,
    /// Rows of this table (its selection): any folder but those (a folder can't go into itself).
    OtherFolders,
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

/// Whether a row is a folder one (the `..` row is the folder above).
fn is_folder_row<T: TableItem>(items: &[T], row: Row) -> bool {
    match row {
        Row::Parent => true,
        Row::Item(item) => items[item].kind() == ItemKind::Folder,
    }
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

/// The first header's hover text when the width hides columns: which, and how to show them
/// (the dividers are not obvious, and a walk at 800×600 took the dates for missing).
fn hidden_columns_hint(shown: &[SortColumn]) -> String {
    let hidden: Vec<&str> = SortColumn::ALL[shown.len()..]
        .iter()
        .map(|column| column.title())
        .collect();
    format!(
        "Sort by this column. Hidden at this width: {}. Drag the divider beside the folder tree, or the one between the panes, to make room for them.",
        hidden.join(", ")
    )
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
    if state.order(items) {
        // What is drawn before the table this frame (the status line's counts) read the old
        // order: one more frame shows it the new one.
        ui.ctx().request_repaint();
    }
    let mut action = if config.has_keyboard {
        state.keyboard(ui)
    } else {
        None
    };
    let mut chosen = None;
    let mut drag_started = false;
    let mut pointer_row = None;
    // egui hands a drag to the widget under the pointer at the end of the frame the button went
    // down in: when the press and a long first move come in one frame (a quick hand), that is
    // a row the person never pressed. The row under the press is the one dragged.
    let press_origin = ui.input(|i| i.pointer.press_origin());
    let mut pressed_row = None;
    let mut dragged_row = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let highlight = ui.visuals().selection.stroke;
    let area = ui.available_rect_before_wrap();

    let columns = columns_for(area.width());
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
            // The name takes the room the others leave, now and after the pane grows (the
            // last column had it, and names were cut short beside an empty column).
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
                    let hover = if column == columns[0] && columns.len() < SortColumn::ALL.len()
                    {
                        hidden_columns_hint(columns)
                    } else {
                        "Sort by this column".to_owned()
                    };
                    let button = ui.add(title).on_hover_text(hover);
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
                    let arrow = if state.ascending { "⏶" } else { "⏷" };
                    if state.sort == column {
                        ui.label(arrow);
                    } else if column == columns[0] && !columns.contains(&state.sort) {
                        // Sorted by a column the width hides: the first header says by which.
                        ui.weak(format!("by {} {arrow}", state.sort.title()))
                            .on_hover_text(format!(
                                "Sorted by {}, a column hidden at this width: widen the pane to see it, or click a header to sort by it",
                                state.sort.title()
                            ));
                    }
                });
            }
        })
        .body(|body| {
            // A header click this frame re-sorts before the rows are drawn.
            // Sorting alone changes no count drawn before the table.
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
                        item_cells(&mut row, columns, &items[item], tint, area);
                    }
                }
                let response = row.response();
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Row, true, spoken));
                // Where the row shows: its last cell reaches past the table's edge, hidden.
                let shown = response.rect.intersect(area);
                response.ctx.accesskit_node_builder(response.id, |node| {
                    node.set_selected(selected);
                    node.set_bounds(egui::accesskit::Rect {
                        x0: shown.min.x.into(),
                        y0: shown.min.y.into(),
                        x1: shown.max.x.into(),
                        y1: shown.max.y.into(),
                    });
                });
                if response.contains_pointer() {
                    pointer_row = Some(which);
                    let is_folder = is_folder_row(items, which);
                    let takes_drop = match config.drop_highlight {
                        DropHighlight::Off => false,
                        DropHighlight::Folders => true,
                        DropHighlight::OtherFolders => !selected,
                    };
                    if takes_drop && is_folder {
                        response.ctx.layer_painter(response.layer_id).rect_stroke(
                            shown,
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
                if press_origin.is_some_and(|at| response.rect.contains(at)) {
                    pressed_row = Some((position, which));
                }
                if response.drag_started() {
                    dragged_row = Some((position, which));
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
    let dragged = if press_origin.is_some() {
        dragged_row.and(pressed_row)
    } else {
        dragged_row
    };
    if let Some((position, Row::Item(item))) = dragged {
        if !state.is_selected(item) {
            state.select_only(item);
            state.cursor = Some(position);
        }
        drag_started = true;
    }
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
    // Rows of the other pane let go anywhere but on a folder row go into the folder shown: the
    // whole table is outlined, so the drop has a target to see.
    let over_folder = pointer_row.is_some_and(|row| is_folder_row(items, row));
    if config.drop_highlight == DropHighlight::Folders
        && !over_folder
        && ui.rect_contains_pointer(area)
    {
        ui.painter()
            .rect_stroke(area.shrink(1.0), 2.0, highlight, egui::StrokeKind::Inside);
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
    table: egui::Rect,
) {
    // The tint is painted under each cell before its content, and over the gap to the next
    // cell and half the gaps to the rows around: the whole row reads as one coloured band.
    // A cell clips its drawing to itself, so the band is painted with the table's clip.
    let paint = |ui: &egui::Ui| {
        if let Some(colour) = tint {
            let cell = ui.max_rect();
            let gap = ui.spacing().item_spacing;
            let band = egui::Rect::from_x_y_ranges(
                cell.left()..=cell.right() + gap.x,
                cell.top() - gap.y / 2.0..=cell.bottom() + gap.y / 2.0,
            );
            let clip = ui.clip_rect();
            let clip = egui::Rect::from_x_y_ranges(table.x_range(), clip.y_range());
            let painter = ui.ctx().layer_painter(ui.layer_id()).with_clip_rect(clip);
            painter.rect_filled(band, 0.0, colour);
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
                    let full = item.name();
                    // Cut in the middle, not at the end, where names that start alike differ.
                    let room = ui.available_width();
                    let elided = format::middle_elided(full, |text| {
                        super::widgets::text_width(ui, text) <= room
                    });
                    let shown = elided.as_deref().unwrap_or(full);
                    let name = ui.add(egui::Label::new(shown).selectable(false).truncate());
                    if elided.is_some() {
                        // Read out, found and hovered by its whole name.
                        name.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Label, true, full)
                        });
                    }
                    let hover: Vec<String> = elided
                        .is_some()
                        .then(|| full.to_owned())
                        .into_iter()
                        .chain(item.note())
                        .collect();
                    if !hover.is_empty() {
                        name.on_hover_text(hover.join("\n"));
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

    #[test]
    fn a_narrow_table_drops_the_least_needed_columns_first() {
        assert_eq!(columns_for(2000.0), &SortColumn::ALL);
        assert_eq!(columns_for(300.0), &[SortColumn::Name, SortColumn::Size]);
        assert_eq!(columns_for(420.0).last(), Some(&SortColumn::Modified));
        assert_eq!(columns_for(10.0), &[SortColumn::Name]);
    }
}
