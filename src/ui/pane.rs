//! One folder view, the same on both sides: a toolbar (Up, Refresh, New folder, Places, the
//! Hidden files switch), a path bar and a filter, then the folder tree beside the file table with
//! a divider between them. What differs between the local and the remote pane is only where the
//! entries come from and what their menus offer: `FolderSource`, implemented in `local.rs` and
//! `remote.rs`, which also turn what happened here into actions.

use std::hash::Hash;
use std::sync::Arc;

use egui::{Key, RichText, TextEdit, Ui};

use super::Side;
use super::file_table::{
    self, DropHighlight, Row, TableAction, TableConfig, TableItem, TableState,
};
use super::folder_tree::{self, TreeAction, TreeSource, TreeState};
use super::widgets::{self, Divide, DividerDrag};

/// Where a pane's entries come from.
pub trait FolderSource: TreeSource<Self::Path> {
    type Path: Clone + Eq + Hash;
    type Item: TableItem;
    /// What the pane's context menus can ask for.
    type Menu;

    fn side(&self) -> Side;
    /// The folder shown.
    fn current(&self) -> Option<&Self::Path>;
    /// The entries shown (without hidden ones unless they are wanted); `None` while there is
    /// no folder to show.
    fn items(&self) -> Option<&Arc<Vec<Self::Item>>>;
    /// What the table's place says while `items` is `None`.
    fn waiting(&self) -> &'static str;
    fn is_loading(&self) -> bool;
    /// Whether folders can be made and entries changed (the server pane: once connected).
    fn can_change(&self) -> bool;
    fn show_hidden(&self) -> bool;
    fn parent(&self) -> Option<Self::Path>;
    /// A path as the path bar shows it.
    fn display(&self, path: &Self::Path) -> String;
    /// A path typed into the path bar.
    fn parse(&self, typed: &str) -> Option<Self::Path>;
    /// Well-known folders for the Places menu.
    fn places(&self) -> Vec<(String, Self::Path)>;
    /// A row's context menu, given the selected items.
    fn row_menu(
        &self,
        ui: &mut Ui,
        items: &[Self::Item],
        selection: &[usize],
    ) -> Option<Self::Menu>;
    /// The menu on the empty space below the rows.
    fn space_menu(&self, ui: &mut Ui) -> Option<Self::Menu>;
}

/// What a pane keeps between frames, whichever side it is.
pub struct PaneState<P> {
    /// The path bar's text: the current folder, or what is being typed.
    pub path_input: String,
    pub table: TableState,
    pub tree: TreeState<P>,
}

impl<P> Default for PaneState<P> {
    fn default() -> Self {
        Self {
            path_input: String::new(),
            table: TableState::default(),
            tree: TreeState::default(),
        }
    }
}

/// What the window tells a pane about this frame.
pub struct PaneContext<'a> {
    /// This pane is the one with the keyboard (its frame says so).
    pub focused: bool,
    /// The table may take keys: focused, and no field, menu or dialog has them.
    pub has_keyboard: bool,
    /// Background colours for rows (folder comparison).
    pub tint: Option<&'a dyn Fn(usize) -> Option<egui::Color32>>,
    /// Rows are being dragged: folder rows (and tree nodes) are drop targets.
    pub drop_highlight: DropHighlight,
    /// The tree's share of the pane's width.
    pub tree_share: f32,
    /// Where the pointer was seen last (a drop may come as it leaves the window).
    pub last_pointer: Option<egui::Pos2>,
}

/// What the person did to a pane this frame.
pub struct PaneOutput<P, M> {
    /// A folder to show: from the tree, the path bar, Up, or Places.
    pub open: Option<P>,
    pub table: Option<TableAction>,
    pub menu: Option<M>,
    pub refresh: bool,
    pub new_folder: bool,
    /// The Hidden files switch changed to this.
    pub show_hidden: Option<bool>,
    /// Tree nodes to list.
    pub load: Vec<P>,
    /// Tree nodes the person opened this frame.
    pub expanded: Vec<P>,
    pub drag_started: bool,
    /// A folder of the tree the person started dragging.
    pub tree_drag: Option<P>,
    pub pointer_row: Option<Row>,
    pub pointer_node: Option<P>,
    /// The pane's whole area (drops, clicks that give it the keyboard).
    pub rect: egui::Rect,
    pub tree_divider: DividerDrag,
}

/// The toolbar's buttons: the words show when there is room, the icon always; screen readers
/// (and tests) get the words either way.
struct Tool {
    icon: &'static str,
    words: &'static str,
    hint: &'static str,
}

const UP: Tool = Tool {
    icon: "⬆",
    words: "Up",
    hint: "The folder above (Backspace)",
};
const REFRESH: Tool = Tool {
    icon: "🔄",
    words: "Refresh",
    hint: "List this folder again (F5)",
};
const NEW_FOLDER: Tool = Tool {
    icon: "🗀",
    words: "New folder",
    hint: "Create a folder here",
};
const PLACES: Tool = Tool {
    icon: "📌",
    words: "Places",
    hint: "Folders to jump to",
};

fn tool(ui: &mut Ui, tool: &Tool, wide: bool, enabled: bool) -> egui::Response {
    let text = if wide {
        format!("{} {}", tool.icon, tool.words)
    } else {
        tool.icon.to_owned()
    };
    let response = ui
        .add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(tool.hint);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, tool.words));
    response
}

/// Draws a pane in `rect`.
pub fn show<S: FolderSource>(
    ui: &mut Ui,
    rect: egui::Rect,
    state: &mut PaneState<S::Path>,
    source: &S,
    context: &PaneContext<'_>,
) -> PaneOutput<S::Path, S::Menu> {
    let side = source.side();
    let (name, title, table_name, id) = match side {
        Side::Local => ("Local pane", "Local site:", "Local files", "local"),
        Side::Remote => ("Remote pane", "Remote site:", "Remote files", "remote"),
    };
    let mut output = PaneOutput {
        open: None,
        table: None,
        menu: None,
        refresh: false,
        new_folder: false,
        show_hidden: None,
        load: Vec::new(),
        expanded: Vec::new(),
        drag_started: false,
        tree_drag: None,
        pointer_row: None,
        pointer_node: None,
        rect,
        tree_divider: DividerDrag::None,
    };
    widgets::area(ui, rect, id, name, |ui| {
        // The other pane's frame is a plain thin line.
        let unfocused = ui.visuals().widgets.noninteractive.bg_stroke;
        let frame = widgets::focus_frame(ui, context.focused, unfocused, 4.0);
        frame.show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            toolbar(ui, source, &mut output);
            path_row(ui, state, source, title, context.has_keyboard, &mut output);
            body(ui, state, source, context, table_name, id, &mut output);
        });
    });
    output
}

fn toolbar<S: FolderSource>(ui: &mut Ui, source: &S, output: &mut PaneOutput<S::Path, S::Menu>) {
    let wide = ui.available_width() > 440.0;
    ui.horizontal(|ui| {
        let parent = source.parent();
        if tool(ui, &UP, wide, parent.is_some()).clicked() {
            output.open = parent;
        }
        if tool(ui, &REFRESH, wide, source.current().is_some()).clicked() {
            output.refresh = true;
        }
        let can_create = source.can_change() && source.current().is_some();
        if tool(ui, &NEW_FOLDER, wide, can_create).clicked() {
            output.new_folder = true;
        }
        let places = source.places();
        let text = if wide {
            format!("{} {} ⏷", PLACES.icon, PLACES.words)
        } else {
            format!("{} ⏷", PLACES.icon)
        };
        ui.add_enabled_ui(!places.is_empty(), |ui| {
            let menu = ui.menu_button(text, |ui| {
                for (label, path) in places {
                    if ui.button(label).clicked() {
                        output.open = Some(path);
                        ui.close();
                    }
                }
            });
            menu.response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, PLACES.words));
            menu.response.on_hover_text(PLACES.hint);
        });
        let mut hidden = source.show_hidden();
        if widgets::switch(ui, &mut hidden, "Hidden files")
            .on_hover_text("Show files whose names start with a dot (or marked hidden)")
            .changed()
        {
            output.show_hidden = Some(hidden);
        }
        if source.is_loading() {
            ui.add(egui::Spinner::new());
        }
    });
}

fn path_row<S: FolderSource>(
    ui: &mut Ui,
    state: &mut PaneState<S::Path>,
    source: &S,
    title: &str,
    has_keyboard: bool,
    output: &mut PaneOutput<S::Path, S::Menu>,
) {
    // Ctrl+L and Ctrl+F reach the path bar and the filter from the keyboard (as in browsers
    // and file managers); Esc gives the keys back to the table.
    let (to_path, to_filter) = if has_keyboard {
        ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, Key::L),
                i.consume_key(egui::Modifiers::COMMAND, Key::F),
            )
        })
    } else {
        (false, false)
    };
    ui.horizontal(|ui| {
        let label = ui.label(title);
        let filter_width = (ui.available_width() * 0.25).clamp(70.0, 200.0);
        let filter_label_width = 40.0;
        let path_width = ui.available_width() - filter_width - filter_label_width - 16.0;
        let id = ui.scope_id().with("path_bar");
        // Unless the person is typing in it, the path bar shows where the pane is: a path that
        // could not be opened goes back to the folder still shown.
        let typing = ui.memory(|m| m.has_focus(id));
        if !typing && let Some(current) = source.current() {
            state.path_input = source.display(current);
        }
        let path_bar = ui
            .add(
                TextEdit::singleline(&mut state.path_input)
                    .id(id)
                    .desired_width(path_width.max(60.0)),
            )
            .labelled_by(label.id);
        if to_path {
            focus_all(ui, &path_bar, &state.path_input);
        }
        if path_bar.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let typed = state.path_input.trim();
            if !typed.is_empty() {
                output.open = source.parse(typed);
            }
        }
        let label = ui.label("Filter:");
        let filter = ui
            .add(
                TextEdit::singleline(&mut state.table.filter)
                    .hint_text("name contains…")
                    .desired_width(filter_width),
            )
            .labelled_by(label.id);
        if to_filter {
            focus_all(ui, &filter, &state.table.filter);
        }
        // Down goes from the filter into the list, on its first file, as from a search field.
        if filter.has_focus()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::ArrowDown))
        {
            filter.surrender_focus();
            state.table.cursor_to_first_item();
        }
    });
}

/// Gives a text field the keys with all of its text chosen, so typing replaces it.
pub(crate) fn focus_all(ui: &Ui, field: &egui::Response, text: &str) {
    field.request_focus();
    if let Some(mut state) = TextEdit::load_state(ui.ctx(), field.id) {
        let everything = egui::text::CCursorRange::select_all_str(text);
        state.cursor.set_char_range(Some(everything));
        state.store(ui.ctx(), field.id);
    }
}

#[allow(clippy::too_many_arguments)]
fn body<S: FolderSource>(
    ui: &mut Ui,
    state: &mut PaneState<S::Path>,
    source: &S,
    context: &PaneContext<'_>,
    table_name: &str,
    id: &str,
    output: &mut PaneOutput<S::Path, S::Menu>,
) {
    let rect = ui.available_rect_before_wrap();
    let tree_width = rect.width() * context.tree_share;
    let range = egui::Rangef::new(90.0, (rect.width() - 200.0).max(90.0));
    let (tree_rect, table_rect, drag) = widgets::divider(
        ui,
        ui.scope_id().with("tree_divider"),
        rect,
        Divide::Columns,
        tree_width,
        range,
        "Resize the folder tree",
    );
    output.tree_divider = match drag {
        DividerDrag::Moved(width) => DividerDrag::Moved(width / rect.width().max(1.0)),
        other => other,
    };
    let tree = widgets::area(ui, tree_rect, "tree", "Folders", |ui| {
        folder_tree::show(
            ui,
            &format!("{id}_tree_rows"),
            &mut state.tree,
            source,
            context.drop_highlight != DropHighlight::Off,
        )
    });
    for action in tree.actions {
        match action {
            TreeAction::Open(path) => output.open = Some(path),
            TreeAction::Load(path) => output.load.push(path),
            TreeAction::Drag(path) => output.tree_drag = Some(path),
            TreeAction::Expanded(path) => output.expanded.push(path),
        }
    }
    output.pointer_node = tree.pointer_node;

    widgets::area(ui, table_rect, "table", table_name, |ui| {
        let Some(items) = source.items().cloned() else {
            ui.add_space(8.0);
            ui.label(RichText::new(source.waiting()).weak());
            return;
        };
        let visuals = ui.visuals_mut();
        // Names read like the tree's (egui draws plain labels a step dimmer).
        visuals.override_text_color = Some(visuals.widgets.inactive.text_color());
        // The other pane's selection is drawn paler: only one pane has the keyboard.
        if !context.focused {
            visuals.selection.bg_fill = visuals.selection.bg_fill.gamma_multiply(0.45);
        }
        let table_id = format!("{id}_files");
        let config = TableConfig {
            id: &table_id,
            name: table_name,
            parent_row: source.parent().is_some(),
            has_keyboard: context.has_keyboard,
            tint: context.tint,
            drop_highlight: context.drop_highlight,
        };
        let table = file_table::show(
            ui,
            &items,
            &mut state.table,
            &config,
            |ui, selection| source.row_menu(ui, &items, selection),
            |ui| source.space_menu(ui),
        );
        output.table = table.action;
        output.menu = table.menu;
        output.drag_started = table.drag_started;
        output.pointer_row = table.pointer_row;
    });
}
