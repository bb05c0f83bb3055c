//! The transfer queue at the bottom of the window: tabs Queued / Failed / Successful, a row per
//! item with a progress bar, rate and time left, actions in a context menu, the totals, and the
//! question asked when a target exists.

use std::collections::{HashMap, HashSet, VecDeque};

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::{FerryApp, format};
use crate::engine::{
    Command, ConflictPolicy, Direction, FileFacts, ItemState, QueueAction, QueueEvent, QueueItem,
    TransferId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueTab {
    #[default]
    Queued,
    Failed,
    Successful,
}

impl QueueTab {
    fn holds(self, state: ItemState) -> bool {
        match self {
            QueueTab::Queued => !state.is_finished(),
            QueueTab::Failed => state == ItemState::Failed,
            QueueTab::Successful => matches!(state, ItemState::Done | ItemState::Skipped),
        }
    }
}

/// A conflict waiting for the person's answer.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: TransferId,
    pub name: String,
    pub source: FileFacts,
    pub target: FileFacts,
    pub choice: ConflictPolicy,
    pub for_all: bool,
}

/// The window's copy of the engine's queue.
#[derive(Default)]
pub struct QueueView {
    items: Vec<QueueItem>,
    rates: HashMap<TransferId, f64>,
    pub tab: QueueTab,
    selected: HashSet<TransferId>,
    pub questions: VecDeque<Question>,
}

impl QueueView {
    pub fn on_event(&mut self, event: QueueEvent) {
        match event {
            QueueEvent::Added { after, items } => {
                let at = after
                    .and_then(|id| self.position(id))
                    .map_or(self.items.len(), |p| p + 1);
                self.items.splice(at..at, items);
            }
            QueueEvent::Updated(item) => {
                if !item.state.is_active() {
                    self.rates.remove(&item.id);
                }
                if let Some(p) = self.position(item.id) {
                    self.items[p] = item;
                }
            }
            QueueEvent::Progress {
                id,
                transferred,
                total,
                rate,
            } => {
                if let Some(p) = self.position(id) {
                    // Bytes moving means it is past connecting.
                    if self.items[p].state == ItemState::Connecting {
                        self.items[p].state = ItemState::Transferring;
                    }
                    self.items[p].transferred = transferred;
                    if total.is_some() {
                        self.items[p].total = total;
                    }
                }
                self.rates.insert(id, rate);
            }
            QueueEvent::Removed(ids) => {
                self.items.retain(|i| !ids.contains(&i.id));
                self.selected.retain(|id| !ids.contains(id));
                self.questions.retain(|q| !ids.contains(&q.id));
            }
            QueueEvent::Reordered(order) => {
                let rank: HashMap<TransferId, usize> =
                    order.iter().enumerate().map(|(r, id)| (*id, r)).collect();
                self.items
                    .sort_by_key(|i| rank.get(&i.id).copied().unwrap_or(usize::MAX));
            }
            QueueEvent::AskConflict { id, source, target } => {
                let name = self
                    .position(id)
                    .map(|p| self.items[p].name())
                    .unwrap_or_default();
                self.questions.push_back(Question {
                    id,
                    name,
                    source,
                    target,
                    choice: ConflictPolicy::Overwrite,
                    for_all: false,
                });
            }
        }
    }

    fn position(&self, id: TransferId) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    pub fn items(&self) -> &[QueueItem] {
        &self.items
    }

    pub fn count(&self, tab: QueueTab) -> usize {
        self.items
            .iter()
            .filter(|i| tab.holds(i.state) && !i.request.is_dir)
            .count()
    }

    /// Items moving data or about to.
    pub fn active(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.state.is_active() || i.state == ItemState::Queued)
            .count()
    }

    fn bytes_left(&self) -> u64 {
        self.items
            .iter()
            .filter(|i| !i.state.is_finished() && !i.request.is_dir)
            .map(|i| i.total.unwrap_or(0).saturating_sub(i.transferred))
            .sum()
    }

    fn total_rate(&self) -> f64 {
        self.rates.values().sum()
    }
}

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    ui.horizontal(|ui| {
        for (tab, title) in [
            (QueueTab::Queued, "Queued"),
            (QueueTab::Failed, "Failed"),
            (QueueTab::Successful, "Successful"),
        ] {
            let label = format!("{title} ({})", app.queue.count(tab));
            ui.selectable_value(&mut app.queue.tab, tab, label);
        }
        ui.separator();
        if ui.button("⏸ Pause all").clicked() {
            app.engine.send(Command::QueueAll(QueueAction::Pause));
        }
        if ui.button("▶ Resume all").clicked() {
            app.engine.send(Command::QueueAll(QueueAction::Resume));
        }
        if ui.button("Clear finished").clicked() {
            app.engine.send(Command::ClearFinished);
        }
        ui.separator();
        settings_controls(ui, app);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let left = app.queue.bytes_left();
            let rate = app.queue.total_rate();
            if app.queue.active() > 0 {
                let eta = (rate > 1.0).then(|| eta_text(left as f64 / rate));
                ui.label(format!(
                    "{} left · {}/s{}",
                    format::human_size(left),
                    format::human_size(rate as u64),
                    eta.map(|e| format!(" · {e}")).unwrap_or_default()
                ));
            }
        });
    });
    let tab = app.queue.tab;
    let rows: Vec<usize> = (0..app.queue.items.len())
        .filter(|&i| tab.holds(app.queue.items[i].state))
        .collect();
    if rows.is_empty() {
        ui.weak(match tab {
            QueueTab::Queued => "Nothing to transfer. Download from the file list (right-click, or double-click a file).",
            QueueTab::Failed => "No failed transfers.",
            QueueTab::Successful => "No finished transfers yet.",
        });
        return;
    }
    let mut actions: Vec<(Vec<TransferId>, QueueAction)> = Vec::new();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // Scroll within the panel's height: a table allowed to grow would push the panes away.
    let height = ui.available_height().max(row_height * 2.0);
    TableBuilder::new(ui)
        .id_salt("queue_table")
        .max_scroll_height(height.min(240.0))
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(300.0).at_least(100.0).clip(true))
        .column(Column::initial(80.0))
        .column(Column::initial(160.0))
        .column(Column::initial(80.0))
        .column(Column::initial(60.0))
        .column(Column::remainder().at_least(100.0).clip(true))
        // As tall as its rows (up to the limit above), so a short queue leaves room for the panes.
        .auto_shrink([false, true])
        .header(row_height, |mut header| {
            for title in ["Name", "Size", "Progress", "Rate", "ETA", "State"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let item = &app.queue.items[rows[row.index()]];
                let id = item.id;
                row.set_selected(app.queue.selected.contains(&id));
                item_cells(&mut row, item, app.queue.rates.get(&id).copied());
                let response = row.response();
                if response.clicked() {
                    let add = response.ctx.input(|i| i.modifiers.command);
                    if !add {
                        app.queue.selected.clear();
                    }
                    if !app.queue.selected.insert(id) {
                        app.queue.selected.remove(&id);
                    }
                }
                if response.secondary_clicked() && !app.queue.selected.contains(&id) {
                    app.queue.selected.clear();
                    app.queue.selected.insert(id);
                }
                response.context_menu(|ui| {
                    let ids: Vec<TransferId> = app.queue.selected.iter().copied().collect();
                    for (label, action) in [
                        ("Pause", QueueAction::Pause),
                        ("Resume", QueueAction::Resume),
                        ("Cancel", QueueAction::Cancel),
                        ("Retry", QueueAction::Retry),
                        ("Move up", QueueAction::MoveUp),
                        ("Move down", QueueAction::MoveDown),
                        ("Remove from queue", QueueAction::Remove),
                    ] {
                        if ui.button(label).clicked() {
                            actions.push((ids.clone(), action));
                            ui.close();
                        }
                    }
                });
            });
        });
    for (ids, action) in actions {
        app.engine.send(Command::Queue { ids, action });
    }
}

fn item_cells(row: &mut egui_extras::TableRow<'_, '_>, item: &QueueItem, rate: Option<f64>) {
    let arrow = match item.request.direction {
        Direction::Download => "⬇",
        Direction::Upload => "⬆",
    };
    let icon = if item.request.is_dir { "🗀" } else { "🗋" };
    row.col(|ui| {
        ui.add(egui::Label::new(arrow).selectable(false));
        ui.add(egui::Label::new(icon).selectable(false));
        let name = ui.add(egui::Label::new(item.name()).selectable(false).truncate());
        let route = match item.request.direction {
            Direction::Download => {
                format!("{} → {}", item.request.remote, item.request.local.display())
            }
            Direction::Upload => {
                format!("{} → {}", item.request.local.display(), item.request.remote)
            }
        };
        name.on_hover_text(route);
    });
    row.col(|ui| {
        if let Some(total) = item.total.filter(|_| !item.request.is_dir) {
            ui.add(egui::Label::new(format::human_size(total)).selectable(false));
        }
    });
    row.col(|ui| {
        if item.request.is_dir {
            return;
        }
        let fraction = match (item.state, item.total) {
            (ItemState::Done, _) => 1.0,
            (_, Some(total)) if total > 0 => item.transferred as f32 / total as f32,
            _ => 0.0,
        };
        ui.add(
            egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                .text(format!("{:.0}%", fraction * 100.0))
                .desired_width(150.0),
        );
    });
    row.col(|ui| {
        if let Some(rate) = rate.filter(|_| item.state.is_active()) {
            ui.label(format!("{}/s", format::human_size(rate as u64)));
        }
    });
    row.col(|ui| {
        if let (Some(rate), Some(total)) = (
            rate.filter(|r| *r > 1.0 && item.state.is_active()),
            item.total,
        ) {
            ui.label(eta_text(
                total.saturating_sub(item.transferred) as f64 / rate,
            ));
        }
    });
    row.col(|ui| {
        let state = match &item.message {
            Some(message) => format!("{}: {message}", item.state.label()),
            None => item.state.label().to_owned(),
        };
        let text = match item.state {
            ItemState::Failed => RichText::new(state).color(ui.visuals().error_fg_color),
            _ => RichText::new(state),
        };
        ui.add(egui::Label::new(text).selectable(false).truncate());
    });
}

fn eta_text(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{}:{:02}", seconds / 60, seconds % 60),
        _ => format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        ),
    }
}

/// Simultaneous transfers and speed limits, changed in place and saved.
fn settings_controls(ui: &mut egui::Ui, app: &mut FerryApp) {
    let before = app.settings.transfers.clone();
    let transfers = &mut app.settings.transfers;
    ui.label("Simultaneous:");
    ui.add(egui::DragValue::new(&mut transfers.parallel).range(1..=10))
        .on_hover_text("How many transfers run at once");
    let label = ui.label("Download limit:");
    ui.add(
        egui::DragValue::new(&mut transfers.download_limit_kib)
            .range(0..=10_000_000)
            .suffix(" KiB/s"),
    )
    .labelled_by(label.id)
    .on_hover_text("0 = no limit");
    let label = ui.label("Upload limit:");
    ui.add(
        egui::DragValue::new(&mut transfers.upload_limit_kib)
            .range(0..=10_000_000)
            .suffix(" KiB/s"),
    )
    .labelled_by(label.id)
    .on_hover_text("0 = no limit");
    if app.settings.transfers != before {
        app.engine
            .send(Command::SetTransferSettings(app.settings.transfers.clone()));
        app.save_settings();
    }
}

fn facts_text(facts: &FileFacts) -> String {
    let size = facts.size.map_or_else(
        || "size unknown".to_owned(),
        |s| format!("{} bytes", format::grouped(s)),
    );
    let when = facts.modified.map_or_else(
        || "date unknown".to_owned(),
        |m| m.format("%Y-%m-%d %H:%M:%S").to_string(),
    );
    format!("{size}, modified {when}")
}

/// Asks about the first waiting conflict; returns the answer once given.
pub fn conflict_dialog(ctx: &egui::Context, queue: &mut QueueView) -> Option<Command> {
    let question = queue.questions.front_mut()?;
    let mut answered = false;
    egui::Modal::new(egui::Id::unique("conflict_dialog")).show(ctx, |ui| {
        ui.set_min_width(420.0);
        ui.heading("The target already exists");
        ui.label(format!("“{}” is already there.", question.name));
        egui::Grid::new("conflict_facts").show(ui, |ui| {
            ui.label("Existing:");
            ui.label(facts_text(&question.target));
            ui.end_row();
            ui.label("New:");
            ui.label(facts_text(&question.source));
            ui.end_row();
        });
        ui.separator();
        for choice in ConflictPolicy::CHOICES {
            ui.radio_value(&mut question.choice, choice, choice.label());
        }
        ui.checkbox(&mut question.for_all, "Apply to all in this queue");
        ui.separator();
        if ui.button("OK").clicked() {
            answered = true;
        }
    });
    if !answered {
        return None;
    }
    let question = queue.questions.pop_front()?;
    if question.for_all {
        // The engine answers the others; drop their questions here too.
        queue.questions.clear();
    }
    Some(Command::AnswerConflict {
        id: question.id,
        choice: question.choice,
        for_all: question.for_all,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn eta_reads_as_a_clock() {
        assert_eq!(super::eta_text(42.4), "42 s");
        assert_eq!(super::eta_text(125.0), "2:05");
        assert_eq!(super::eta_text(3725.0), "1:02:05");
    }
}
