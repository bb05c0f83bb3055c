//! A folder tree, loaded lazily: a node's children come from whatever listing the pane has for
//! it; opening a node that has none asks the pane to load it, and shows a spinner meanwhile.
//! Shared by both panes; `P` is the pane's path type.

use std::collections::HashSet;
use std::hash::Hash;

/// What a pane knows of a folder's subfolders.
pub enum Children<P> {
    /// Listed: these subfolders (path, name), in order.
    Listed(Vec<(P, String)>),
    /// Not listed (yet); `known` are subfolders known anyway (the way to the current folder).
    Unlisted { known: Vec<(P, String)> },
    /// A listing is on its way.
    Loading { known: Vec<(P, String)> },
}

pub trait TreeSource<P> {
    fn root(&self) -> (P, String);
    fn children(&self, path: &P) -> Children<P>;
    fn is_current(&self, path: &P) -> bool;
}

pub enum TreeAction<P> {
    /// The person clicked a folder: show it.
    Open(P),
    /// An open node has no listing: load one.
    Load(P),
    /// The person started dragging a folder (to the other pane, as FileZilla allows).
    Drag(P),
    /// The person opened a node: a side whose listings are cheap lists it again, so that
    /// folders made meanwhile by other programs show.
    Expanded(P),
}

pub struct TreeState<P> {
    pub expanded: HashSet<P>,
    /// Nodes already asked for, so an open node is loaded once, not every frame.
    requested: HashSet<P>,
    /// The current folder changed: keep it in view while the folders above it are still being
    /// listed (each listing moves it down), until the person scrolls the tree.
    follow_current: bool,
    /// The row the tree last scrolled to for the current folder, and the tree's height then
    /// (a resize scrolls again, or the folder could end up out of view).
    scrolled_to: Option<(usize, u32)>,
    /// The same, once the row was drawn and scrolled into view sideways too (a deep folder in
    /// a narrow tree is far to the right); with the tree's width.
    shown_at: Option<(usize, u32, u32)>,
}

impl<P> Default for TreeState<P> {
    fn default() -> Self {
        Self {
            expanded: HashSet::new(),
            requested: HashSet::new(),
            follow_current: false,
            scrolled_to: None,
            shown_at: None,
        }
    }
}

impl<P: Clone + Eq + Hash> TreeState<P> {
    /// Opens every node on the way to `chain`'s last path (the current folder), and that one.
    /// The tree then scrolls to show it.
    pub fn reveal(&mut self, chain: &[P]) {
        self.expanded.extend(chain.iter().cloned());
        self.follow_current = true;
        self.scrolled_to = None;
        self.shown_at = None;
    }
}

/// At most this many rows are laid out; a folder with more subfolders shows a note instead.
const MAX_ROWS: usize = 20_000;

struct Line<P> {
    depth: usize,
    path: P,
    name: String,
    expanded: bool,
    /// Whether the node may have children (unlisted nodes might).
    expandable: bool,
    loading: bool,
}

/// What `show` returns.
pub struct TreeOutput<P> {
    pub actions: Vec<TreeAction<P>>,
    /// The folder under the pointer (a drop target).
    pub pointer_node: Option<P>,
}

pub fn show<P: Clone + Eq + Hash>(
    ui: &mut egui::Ui,
    id: &str,
    state: &mut TreeState<P>,
    source: &impl TreeSource<P>,
    drop_highlight: bool,
) -> TreeOutput<P> {
    let mut actions = Vec::new();
    let mut pointer_node = None;
    let mut lines = Vec::new();
    let (root, root_name) = source.root();
    flatten(state, source, root, root_name, 0, &mut lines, &mut actions);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    let mut area = egui::ScrollArea::both().id_salt(id).auto_shrink(false);
    // The person scrolling the tree takes it over.
    let scrolled = ui.rect_contains_pointer(ui.available_rect_before_wrap())
        && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO || i.pointer.primary_down());
    if scrolled {
        state.follow_current = false;
    }
    let (width, height) = (ui.available_width(), ui.available_height());
    if state.follow_current
        && let Some(at) = lines.iter().position(|l| source.is_current(&l.path))
        && state.scrolled_to != Some((at, height as u32))
    {
        // A third of the way down, so the folders around it show too.
        let pitch = row_height + ui.spacing().item_spacing.y;
        let offset = at as f32 * pitch - height / 3.0;
        area = area.vertical_scroll_offset(offset.max(0.0));
        state.scrolled_to = Some((at, height as u32));
    }
    area.show_rows(ui, row_height, lines.len(), |ui, range| {
        for (at, line) in lines.iter().enumerate().skip(range.start).take(range.len()) {
            ui.horizontal(|ui| {
                ui.add_space(line.depth as f32 * 12.0);
                if line.expandable {
                    let (arrow, verb) = if line.expanded {
                        ("⏷", "Collapse")
                    } else {
                        ("⏵", "Expand")
                    };
                    let toggle = ui.add(egui::Button::new(arrow).frame(false).small());
                    let name = format!("{verb} {}", line.name);
                    toggle
                        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if toggle.clicked() {
                        if line.expanded {
                            state.expanded.remove(&line.path);
                        } else {
                            state.expanded.insert(line.path.clone());
                            actions.push(TreeAction::Expanded(line.path.clone()));
                        }
                    }
                } else {
                    ui.add_space(ui.spacing().interact_size.y);
                }
                let current = source.is_current(&line.path);
                let label = ui
                    .selectable_label(current, format!("🗀 {}", line.name))
                    .interact(egui::Sense::drag());
                label.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::TreeItem, true, &line.name)
                });
                ui.ctx()
                    .accesskit_node_builder(label.id, |node| node.set_selected(current));
                let key = (at, height as u32, width as u32);
                if current && state.follow_current && state.shown_at != Some(key) {
                    // Its arrow and the start of its name: in a narrow tree a deep folder is
                    // off to the right (the whole name may not fit at all).
                    let start = egui::Rect::from_x_y_ranges(
                        label.rect.left() - 20.0..=label.rect.left() + 40.0,
                        label.rect.y_range(),
                    );
                    ui.scroll_to_rect(start, None);
                    state.shown_at = Some(key);
                }
                if label.clicked() {
                    actions.push(TreeAction::Open(line.path.clone()));
                }
                if label.drag_started() {
                    actions.push(TreeAction::Drag(line.path.clone()));
                }
                if label.contains_pointer() {
                    pointer_node = Some(line.path.clone());
                    if drop_highlight {
                        let stroke = ui.visuals().selection.stroke;
                        ui.painter()
                            .rect_stroke(label.rect, 2.0, stroke, egui::StrokeKind::Inside);
                    }
                }
                if line.loading {
                    ui.add(egui::Spinner::new().size(row_height * 0.7));
                }
            });
        }
    });
    TreeOutput {
        actions,
        pointer_node,
    }
}

fn flatten<P: Clone + Eq + Hash>(
    state: &mut TreeState<P>,
    source: &impl TreeSource<P>,
    path: P,
    name: String,
    depth: usize,
    lines: &mut Vec<Line<P>>,
    actions: &mut Vec<TreeAction<P>>,
) {
    if lines.len() >= MAX_ROWS {
        return;
    }
    let expanded = state.expanded.contains(&path);
    let children = source.children(&path);
    let (kids, expandable, loading) = match children {
        Children::Listed(kids) => {
            // Listed: when the listing is dropped later (a transfer into the folder changed
            // it), the open node asks again instead of waiting for an answer to a question
            // already answered.
            state.requested.remove(&path);
            let expandable = !kids.is_empty();
            (kids, expandable, false)
        }
        // Closing a node forgets the request (a listing that failed is asked again on opening).
        Children::Unlisted { known } if !expanded => {
            state.requested.remove(&path);
            (known, true, false)
        }
        Children::Unlisted { known } => {
            if expanded && state.requested.insert(path.clone()) {
                actions.push(TreeAction::Load(path.clone()));
            }
            (known, true, expanded)
        }
        Children::Loading { known } => (known, true, true),
    };
    lines.push(Line {
        depth,
        path,
        name,
        expanded,
        expandable,
        loading,
    });
    if expanded {
        for (child, child_name) in kids {
            flatten(state, source, child, child_name, depth + 1, lines, actions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of one folder under the root, whose listing the test sets.
    struct Source(Children<&'static str>);

    impl TreeSource<&'static str> for Source {
        fn root(&self) -> (&'static str, String) {
            ("/", "/".into())
        }
        fn children(&self, path: &&'static str) -> Children<&'static str> {
            match (*path, &self.0) {
                ("/", _) => Children::Listed(vec![("/dl", "dl".into())]),
                (_, Children::Listed(kids)) => Children::Listed(kids.clone()),
                (_, Children::Unlisted { .. }) => Children::Unlisted { known: vec![] },
                (_, Children::Loading { .. }) => Children::Loading { known: vec![] },
            }
        }
        fn is_current(&self, _: &&'static str) -> bool {
            false
        }
    }

    fn loads(state: &mut TreeState<&'static str>, children: Children<&'static str>) -> usize {
        let (mut lines, mut actions) = (Vec::new(), Vec::new());
        flatten(
            state,
            &Source(children),
            "/",
            "/".into(),
            0,
            &mut lines,
            &mut actions,
        );
        actions
            .iter()
            .filter(|a| matches!(a, TreeAction::Load(p) if *p == "/dl"))
            .count()
    }

    /// What the walk found: an open folder whose listing was dropped after a download into it
    /// spun for ever. Each step: what the pane knows of `/dl`, and how many loads are asked.
    #[test]
    fn an_open_node_asks_once_per_missing_listing() {
        let unlisted = || Children::Unlisted { known: vec![] };
        let listed = || Children::Listed(vec![("/dl/Documents", "Documents".into())]);
        let loading = || Children::Loading { known: vec![] };
        let mut state = TreeState::default();
        state.expanded.insert("/");
        state.expanded.insert("/dl");
        for (step, (children, expected)) in [
            (unlisted(), 1), // opened: asked
            (unlisted(), 0), // not again every frame
            (loading(), 0),
            (listed(), 0),
            (unlisted(), 1), // the listing was dropped: asked again
            (unlisted(), 0),
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(loads(&mut state, children), expected, "step {step}");
        }
        // A listing that never came: closing and opening the node asks again.
        state.expanded.remove("/dl");
        assert_eq!(loads(&mut state, unlisted()), 0);
        state.expanded.insert("/dl");
        assert_eq!(loads(&mut state, unlisted()), 1);
    }
}
