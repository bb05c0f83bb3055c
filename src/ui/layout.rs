//! The window's areas, top to bottom: the connection bar, the welcome and message log (folds to
//! its title line), the two panes, the transfer queue, the status line. The file lists get the
//! room: the log and the queue each keep the height they were dragged to, but never more than a
//! share of the window, so at the smallest size both lists still show a good number of rows,
//! and at a large size the extra height goes to the lists.

use egui::{Pos2, Rect, Ui};

use super::app::{Action, Actions, AppState, Notices};
use super::compare::Difference;
use super::drag::{self, DragPayload};
use super::file_table::DropHighlight;
use super::pane::PaneContext;
use super::queue_panel::QueueFocus;
use super::widgets::{self, Divide, DividerDrag, switch};
use super::{KeyArea, Side, connection_bar, local, queue_panel, remote, server_panel, status_line};

/// The log area's title line, which stays when it is folded.
pub const LOG_TITLE: f32 = 26.0;
/// A share of the central area's height that rises smoothly from `small` (a window up to 500
/// points high) to `tall` (900 and up).
fn rising_share(height: f32, small: f32, tall: f32) -> f32 {
    let t = ((height - 500.0) / 400.0).clamp(0.0, 1.0);
    height * (small + (tall - small) * t * t * (3.0 - 2.0 * t))
}

/// The most the log area may take: a fifth in a small window, rising to a third in a tall
/// one, so the lists get most of the room at any size.
fn largest(height: f32) -> f32 {
    rising_share(height, 0.2, 0.33)
}
const QUEUE_LEAST: f32 = 90.0;

/// The most the queue may take: more than the log in a small window (at 800×600 a fifth left
/// it one transfer below its two toolbar lines, and a walk found the second one hidden).
fn queue_largest(height: f32) -> f32 {
    rising_share(height, 0.27, 0.33)
}

/// The queue's height until the person drags it: most of what it may take (a quarter of a
/// small window), at least 150 points where the window allows, and no more than 230 (eight
/// rows under its toolbar): in a tall window the extra height goes to the lists (a walk at
/// 1920×1080 found a third of the window an empty queue).
fn default_queue_height(most: f32) -> f32 {
    (most * 0.85).min(230.0).max(most.min(150.0))
}
const LOG_LEAST: f32 = LOG_TITLE + 50.0;
/// The narrowest a pane gets, dragging the divider between them.
const PANE_LEAST: f32 = 280.0;

/// Where things ended up this frame.
pub struct Placed {
    /// The panes and the queue: a press in one gives it the keyboard.
    pub key_areas: Vec<(KeyArea, Rect)>,
    /// Where problems are shown: over the lists' bottom right corner.
    pub problems_at: Pos2,
}

/// Draws the whole window and returns where the panes are.
pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Actions) -> Placed {
    egui::Panel::top("connection_bar").show(ui, |ui| connection_bar::show(ui, state, actions));
    egui::Panel::bottom("status_line").show(ui, |ui| status_line::show(ui, state));
    let frame = egui::Frame::central_panel(ui.style()).inner_margin(egui::Margin::same(4));
    egui::CentralPanel::default()
        .frame(frame)
        .show(ui, |ui| areas(ui, state, actions))
        .inner
}

/// What a divider did, applied to the size it controls; a release saves the sizes.
fn resized(drag: DividerDrag, size: &mut f32, to_size: impl Fn(f32) -> f32, actions: &mut Actions) {
    match drag {
        DividerDrag::Moved(first) => *size = to_size(first),
        DividerDrag::Released => actions.push(Action::SaveLayout),
        DividerDrag::None => {}
    }
}

fn areas(ui: &mut Ui, state: &mut AppState, actions: &mut Actions) -> Placed {
    let area = ui.max_rect();
    let most = largest(area.height()).max(LOG_LEAST);
    let window = &mut state.settings.window;

    // The welcome and message log.
    let (log_rect, rest) = if window.log_collapsed {
        let (log, rest) = split_top(area, LOG_TITLE);
        (log, rest)
    } else {
        let (log, rest, drag) = widgets::divider(
            ui,
            ui.scope_id().with("log_divider"),
            area,
            Divide::Rows,
            window.log_height,
            egui::Rangef::new(LOG_LEAST, most),
            "Resize the message log",
        );
        resized(drag, &mut window.log_height, |h| h, actions);
        (log, rest)
    };

    // The queue, at the bottom.
    let queue_most = queue_largest(area.height()).max(QUEUE_LEAST);
    let queue_height = window
        .queue_height
        .unwrap_or_else(|| default_queue_height(queue_most));
    let above = rest.height() - queue_height;
    let range = egui::Rangef::new(rest.height() - queue_most, rest.height() - QUEUE_LEAST);
    let (middle, queue_rect, drag) = widgets::divider(
        ui,
        ui.scope_id().with("queue_divider"),
        rest,
        Divide::Rows,
        above,
        range,
        "Resize the transfer queue",
    );
    let total = rest.height();
    let mut dragged = queue_height;
    resized(drag, &mut dragged, |first| total - first, actions);
    if dragged != queue_height {
        window.queue_height = Some(dragged);
    }

    widgets::area(ui, log_rect, "log_area", "Welcome and message log", |ui| {
        server_panel::show(ui, state, actions);
    });
    let queue_focus = QueueFocus {
        focused: state.focus == KeyArea::Queue,
        has_keyboard: state.keys_free && state.focus == KeyArea::Queue,
    };
    widgets::area(ui, queue_rect, "queue_area", "Transfer queue", |ui| {
        queue_panel::show(
            ui,
            &mut state.queue,
            &state.settings.transfers,
            queue_focus,
            actions,
        );
    });

    // The switches that link the panes, then the panes.
    let (links, panes_rect) = split_top(middle, 26.0);
    widgets::area(ui, links, "links", "Both panes", |ui| {
        pane_links(ui, state, actions)
    });
    let mut key_areas: Vec<(KeyArea, Rect)> = panes(ui, panes_rect, state, actions)
        .into_iter()
        .map(|(side, rect)| (KeyArea::Pane(side), rect))
        .collect();
    key_areas.push((KeyArea::Queue, queue_rect));
    Placed {
        key_areas,
        problems_at: panes_rect.right_bottom() - egui::vec2(12.0, 12.0),
    }
}

fn split_top(rect: Rect, height: f32) -> (Rect, Rect) {
    let y = (rect.top() + height).min(rect.bottom());
    (
        Rect::from_min_max(rect.min, egui::pos2(rect.right(), y)),
        Rect::from_min_max(egui::pos2(rect.left(), y), rect.max),
    )
}

/// Synchronized browsing and folder comparison, and a reminder of the keys.
fn pane_links(ui: &mut Ui, state: &AppState, actions: &mut Actions) {
    ui.horizontal_centered(|ui| {
        let mut sync = state.sync.is_some();
        if switch(ui, &mut sync, "Synchronized browsing")
            .on_hover_text(
                "Opening a folder on one side opens the folder of the same name on the other",
            )
            .changed()
        {
            actions.push(Action::SetSync(sync));
        }
        if ui
            .add_enabled(state.is_connected(), egui::Button::new("Synchronize…"))
            .on_hover_text(
                "Bring the local and the server folder shown into step: choose how, see the plan, then run it",
            )
            .clicked()
        {
            actions.push(Action::OpenSynchronize);
        }
        if let Some((_, remote)) = &state.watching {
            ui.label(egui::RichText::new(format!("Keeping {remote} up to date")).strong())
                .on_hover_text("Changes in the local folder are uploaded as they happen");
            if ui.button("Stop").clicked() {
                actions.push(Action::Sync(crate::engine::Command::KeepUpToDate(None)));
            }
        }
        let mut compare = state.compare;
        if switch(ui, &mut compare, "Compare folders")
            .on_hover_text(
                "Tint files that exist on one side only (green), differ in size (red) or are newer by more \
                 than a minute (yellow: many servers list times to the minute only)",
            )
            .changed()
        {
            actions.push(Action::SetCompare(compare));
        }
        // While comparing, what the tints mean comes first; the keys' reminder takes the room
        // left (cut short in a narrow window).
        if state.compare {
            compare_legend(ui);
            ui.separator();
        }
        ui.add(
            egui::Label::new(
                egui::RichText::new(
                    "Drag files between the panes · Tab: the next pane or the queue · Enter: open a folder, send a file · \
                     Ctrl+Enter: send across",
                )
                .weak(),
            )
            .truncate(),
        );
    });
}

/// What the tints of a folder comparison mean. Round, filled markers: hollow squares read as
/// checkboxes (a walk tried to click them).
fn compare_legend(ui: &mut Ui) {
    for difference in Difference::ALL {
        let size = ui.available_height().min(12.0);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), size / 2.0, difference.marker());
        ui.add(egui::Label::new(difference.meaning()).truncate());
    }
}

/// The two panes side by side (local left, unless the settings swap them).
fn panes(
    ui: &mut Ui,
    rect: Rect,
    state: &mut AppState,
    actions: &mut Actions,
) -> Vec<(Side, Rect)> {
    let (left, right) = if state.settings.window.local_on_right {
        (Side::Remote, Side::Local)
    } else {
        (Side::Local, Side::Remote)
    };
    let width = rect.width();
    let least = PANE_LEAST.min(width / 2.0 - 4.0);
    let (left_rect, right_rect, drag) = widgets::divider(
        ui,
        ui.scope_id().with("pane_divider"),
        rect,
        Divide::Columns,
        width * state.settings.window.pane_share,
        egui::Rangef::new(least, width - least),
        "Resize the panes",
    );
    resized(
        drag,
        &mut state.settings.window.pane_share,
        |first| first / width.max(1.0),
        actions,
    );
    let placed = [(left, left_rect), (right, right_rect)];
    let dragging = drag::dragging(ui.ctx());
    // The rows' tints read the listings shown; the panes are then drawn with their views.
    let local_entries = state.local.entries().cloned();
    let remote_entries = state.remote.entries().cloned();
    for (side, rect) in placed {
        let comparison = state.comparison_for(side);
        let tint = |i: usize| {
            let comparison = comparison.as_ref()?;
            match side {
                Side::Local => comparison.tint(local_entries.as_ref()?.get(i)?),
                Side::Remote => comparison.tint(remote_entries.as_ref()?.get(i)?),
            }
        };
        // Rows of the other pane go into a folder of this one (a transfer); rows of this pane,
        // into another folder of it (a move).
        let drop_highlight = match (side, dragging.as_deref()) {
            (_, None) => DropHighlight::Off,
            (Side::Local, Some(DragPayload::Local { .. }))
            | (Side::Remote, Some(DragPayload::Remote { .. })) => DropHighlight::OtherFolders,
            _ => DropHighlight::Folders,
        };
        let context = PaneContext {
            focused: state.focus == KeyArea::Pane(side),
            has_keyboard: state.keys_free && state.focus == KeyArea::Pane(side),
            tint: comparison
                .is_some()
                .then_some(&tint as &dyn Fn(usize) -> Option<egui::Color32>),
            drop_highlight,
            tree_share: state.settings.window.tree_share,
            last_pointer: state.last_pointer,
        };
        let tree = match side {
            Side::Local => local::show(ui, rect, &mut state.local, &context, actions),
            Side::Remote => {
                let output = remote::show(ui, rect, &mut state.remote, &context, actions);
                state.remote_pointer_folder = output.pointer_folder;
                output.tree_divider
            }
        };
        resized(
            tree,
            &mut state.settings.window.tree_share,
            |share| share,
            actions,
        );
    }
    placed.to_vec()
}

/// Problems (a refused command, a failed save) over the lists' corner, until dismissed or old.
pub fn problems(ctx: &egui::Context, notices: &mut Notices, at: Pos2) {
    let problems: Vec<String> = notices.problems().map(str::to_owned).collect();
    if problems.is_empty() {
        return;
    }
    let mut dismiss = None;
    egui::Area::new(egui::Id::unique("problems"))
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(at)
        .show(ctx, |ui| {
            let named = egui::UiBuilder::new().accessibility_label("Problems");
            ui.scope_builder(named, |ui| {
                ui.set_max_width(420.0);
                for (i, problem) in problems.iter().enumerate() {
                    egui::Frame::popup(ui.style())
                        .stroke(egui::Stroke::new(1.5, ui.visuals().error_fg_color))
                        .show(ui, |ui| {
                            ui.horizontal(|ui| {
                                ui.colored_label(ui.visuals().error_fg_color, "⚠");
                                ui.add(egui::Label::new(problem.as_str()).wrap());
                                let close = ui.small_button("✖").on_hover_text("Dismiss");
                                close.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::Button, true, "Dismiss")
                                });
                                if close.clicked() {
                                    dismiss = Some(i);
                                }
                            });
                        });
                }
            });
        });
    if let Some(i) = dismiss {
        notices.dismiss(i);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_queue_starts_at_a_share_of_the_window() {
        // (window height, what the queue may take, where it starts)
        for (window, start) in [
            (600.0, 148.6),
            (800.0, 196.6),
            (1080.0, 230.0),
            (1440.0, 230.0),
        ] {
            let most = super::queue_largest(window - 54.0).max(super::QUEUE_LEAST);
            let height = super::default_queue_height(most);
            assert!(
                (height - start).abs() < 1.0 && height <= most,
                "{window}: {height} of at most {most}"
            );
        }
    }
}
