//! The transfer queue at the bottom of the window: tabs Queued / Failed / Skipped / Successful,
//! a row per item with a progress bar, rate and time left, actions in a context menu, and the
//! totals. The question asked when a target exists is `conflict_dialog`.

use std::collections::{HashMap, HashSet, VecDeque};

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::app::{Action, Actions};
use super::conflict_dialog::{Question, question_place};
use super::format;
use super::queue_keys::{self, Offered, Step};
use super::widgets::{self, text_width};
use crate::engine::api::queue::CANCELLED;
use crate::engine::{Direction, ItemState, QueueAction, QueueEvent, QueueItem, TransferId};
use crate::store::settings::TransferSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueTab {
    #[default]
    Queued,
    Failed,
    /// Left alone on purpose (the person's answer or policy): not transferred, not failed.
    Skipped,
    Successful,
}

/// The tabs in the order shown, with their titles.
const TABS: [(QueueTab, &str); 4] = [
    (QueueTab::Queued, "Queued"),
    (QueueTab::Failed, "Failed"),
    (QueueTab::Skipped, "Skipped"),
    (QueueTab::Successful, "Successful"),
];

impl QueueTab {
    fn holds(self, state: ItemState) -> bool {
        match self {
            QueueTab::Queued => !state.is_finished(),
            QueueTab::Failed => state == ItemState::Failed,
            QueueTab::Skipped => state == ItemState::Skipped,
            QueueTab::Successful => state == ItemState::Done,
        }
    }
}

/// Queue items moving data or about to: files, and folders whose contents are still to be
/// listed and queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActiveCounts {
    pub files: usize,
    pub folders: usize,
}

impl ActiveCounts {
    pub fn total(self) -> usize {
        self.files + self.folders
    }

    /// The note when the person disconnects with these going on: the queue has connections of
    /// its own and goes on, as FileZilla's does (a walk saw an upload finish after
    /// "Disconnected" and thought it had stopped). Nothing when the queue is idle.
    pub fn disconnect_note(self) -> Option<String> {
        let them = if self.total() == 1 { "it" } else { "them" };
        (self.total() > 0).then(|| {
            format!(
                "Disconnected; the queue goes on with {} (Pause all stops {them})",
                format::counted(self.files, self.folders)
            )
        })
    }

    /// What the quit prompt says of them; `kept`: the queue comes back at the next start.
    pub fn unfinished_text(self, kept: bool) -> String {
        let (have, they, come) = if self.total() == 1 {
            ("has", "it stops", "comes")
        } else {
            ("have", "they stop", "come")
        };
        let counted = format::counted(self.files, self.folders);
        if kept {
            format!(
                "{counted} {have} not finished. If you quit now {they}, and {come} back paused the next time Ferry starts."
            )
        } else {
            format!("{counted} {have} not finished. If you quit now {they}.")
        }
    }
}

/// The window's copy of the engine's queue.
#[derive(Default)]
pub struct QueueView {
    items: Vec<QueueItem>,
    /// Where each item is in `items`, for the events that name one: a search through 100,000
    /// items for each of their events made a big transfer quadratic. Made again when first
    /// needed after items were added, removed or reordered (`None` until then).
    positions: std::cell::RefCell<Option<HashMap<TransferId, usize>>>,
    rates: HashMap<TransferId, f64>,
    pub tab: QueueTab,
    selected: HashSet<TransferId>,
    pub questions: VecDeque<Question>,
    /// The keyboard's row, and where Shift chooses from (by item: rows move as items finish).
    cursor: Option<TransferId>,
    /// The cursor's row when it was put there: where it goes back to when its item leaves.
    cursor_row: Option<usize>,
    anchor: Option<TransferId>,
    /// Rows that fit in the list (last frame): how far Page Up and Page Down go.
    page: usize,
    scroll_to: Option<usize>,
    /// The row whose menu a key opened: it stays under that row, not at the pointer.
    menu_by_keys: Option<MenuByKeys>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MenuByKeys {
    row: TransferId,
    /// Its first entry takes the keyboard when it first shows.
    just_opened: bool,
}

/// Whether the queue is the part of the window with the keyboard.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueFocus {
    /// Drawn with the focused frame.
    pub focused: bool,
    /// Takes keys this frame (focused, and no field, menu or dialog has them).
    pub has_keyboard: bool,
}

impl QueueView {
    pub fn items(&self) -> &[QueueItem] {
        &self.items
    }

    /// What the status line says of `update`: a transfer that has just failed (not one the
    /// person cancelled), with why. The Failed tab's count alone was missed in a walk, and the
    /// reason, cut short in the row, was read only on hover.
    pub fn failure_news(&self, update: &QueueItem) -> Option<String> {
        let was = self.position(update.id).map(|p| self.items[p].state);
        let newly_failed = update.state == ItemState::Failed && was != Some(ItemState::Failed);
        let why = update.message.as_deref().unwrap_or("no reason given");
        (newly_failed && why != CANCELLED)
            .then(|| format!("{} failed: {why} (the Failed tab keeps it)", update.name()))
    }

    pub fn on_event(&mut self, event: QueueEvent) {
        match event {
            QueueEvent::Added { after, items } => {
                // New work shows where it will move: a person looking at the failed ones who
                // starts another transfer would otherwise not see it go.
                if items.iter().any(|i| !i.state.is_finished()) {
                    self.tab = QueueTab::Queued;
                }
                let at = after
                    .and_then(|id| self.position(id))
                    .map_or(self.items.len(), |p| p + 1);
                self.items.splice(at..at, items);
                self.positions_moved();
            }
            QueueEvent::Updated(item) => {
                if !item.state.is_active() {
                    self.rates.remove(&item.id);
                }
                // No longer waiting for an answer (paused, or going to look at its target
                // again because another transfer wrote it): its question, with what it said
                // of the target, is gone; the engine asks anew if it still must.
                if item.state != ItemState::Asking {
                    self.questions.retain(|q| q.conflict.id != item.id);
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
                let ids: HashSet<TransferId> = ids.into_iter().collect();
                self.items.retain(|i| !ids.contains(&i.id));
                self.positions_moved();
                // A removed transfer's last rate would stay in the total for good.
                self.rates.retain(|id, _| !ids.contains(id));
                self.selected.retain(|id| !ids.contains(id));
                self.questions.retain(|q| !ids.contains(&q.conflict.id));
            }
            QueueEvent::Reordered(order) => {
                let rank: HashMap<TransferId, usize> =
                    order.iter().enumerate().map(|(r, id)| (*id, r)).collect();
                self.items
                    .sort_by_key(|i| rank.get(&i.id).copied().unwrap_or(usize::MAX));
                self.positions_moved();
            }
            QueueEvent::AskConflict(conflict) => {
                self.questions.retain(|q| q.conflict.id != conflict.id);
                let place_of = |id| self.position(id).unwrap_or(usize::MAX);
                let waiting: Vec<(usize, bool)> = self
                    .questions
                    .iter()
                    .map(|q| (place_of(q.conflict.id), q.shown_at.is_some()))
                    .collect();
                let at = question_place(&waiting, place_of(conflict.id));
                self.questions.insert(at, Question::new(*conflict));
            }
        }
    }

    fn position(&self, id: TransferId) -> Option<usize> {
        let mut positions = self.positions.borrow_mut();
        positions
            .get_or_insert_with(|| {
                // From the end, so that an id listed twice finds its first place.
                let by_id = self.items.iter().enumerate().rev();
                by_id.map(|(at, item)| (item.id, at)).collect()
            })
            .get(&id)
            .copied()
    }

    /// Items were added, removed or reordered: their positions are found again when next needed.
    fn positions_moved(&mut self) {
        *self.positions.get_mut() = None;
    }

    /// The items the open tab shows, in order.
    fn shown(&self) -> Vec<TransferId> {
        self.shown_rows().map(|i| self.items[i].id).collect()
    }

    /// Where in `items` the rows the open tab shows are, in order.
    fn shown_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.items.len()).filter(|&i| self.tab.holds(self.items[i].state))
    }

    /// The chosen items the open tab shows: what a key or the row menu acts on (not an item
    /// chosen earlier that has since finished and moved to another tab).
    fn chosen_shown(&self, shown: &[TransferId]) -> Vec<&QueueItem> {
        self.items
            .iter()
            .filter(|i| shown.contains(&i.id) && self.selected.contains(&i.id))
            .collect()
    }

    fn offered(&self, shown: &[TransferId]) -> Offered {
        let chosen = self.chosen_shown(shown);
        let moves = moves_possible(shown, &self.selected);
        queue_keys::offered(&chosen, moves)
    }

    fn switch_tab(&mut self, tab: QueueTab) {
        if self.tab != tab {
            self.tab = tab;
            self.selected.clear();
            self.cursor = None;
            self.cursor_row = None;
            self.anchor = None;
        }
    }

    /// While the queue has the keyboard, a chosen row that left the tab (removed, cancelled,
    /// finished) hands the cursor to the row now in its place, as in a file list after a
    /// delete: the keys go on acting without a Down first. A tab opened by a key starts on its
    /// first row.
    fn keep_cursor(&mut self) {
        let shown = self.shown();
        if shown.is_empty() || self.cursor.is_some_and(|c| shown.contains(&c)) {
            return;
        }
        let row = self.cursor_row.unwrap_or(0).min(shown.len() - 1);
        self.choose(&shown, row, egui::Modifiers::NONE);
    }

    /// A click (or a key) on the row at `row` of `shown`: Shift chooses from the anchor,
    /// Ctrl adds or takes away, else the row alone.
    fn choose(&mut self, shown: &[TransferId], row: usize, modifiers: egui::Modifiers) {
        let Some(&id) = shown.get(row) else {
            return;
        };
        let anchor = self.anchor.and_then(|a| shown.iter().position(|&s| s == a));
        if modifiers.shift {
            if !modifiers.command {
                self.selected.clear();
            }
            let rows = queue_keys::chosen_rows(anchor, row, true);
            self.selected.extend(shown[rows].iter().copied());
            if anchor.is_none() {
                self.anchor = Some(id);
            }
        } else {
            if modifiers.command {
                if !self.selected.insert(id) {
                    self.selected.remove(&id);
                }
            } else {
                self.selected.clear();
                self.selected.insert(id);
            }
            self.anchor = Some(id);
        }
        self.cursor = Some(id);
        self.cursor_row = Some(row);
    }

    /// The queue's keys, when it has the keyboard: each key with the modifiers held when it
    /// was pressed.
    fn keyboard(&mut self, ui: &egui::Ui, actions: &mut Actions) {
        let events = ui.input(|i| i.events.clone());
        for event in events {
            let egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = event
            else {
                continue;
            };
            let shown = self.shown();
            let tab_index = TABS.iter().position(|(t, _)| *t == self.tab).unwrap_or(0);
            if let Some(to) = queue_keys::switched_tab(key, modifiers, tab_index, TABS.len()) {
                self.switch_tab(TABS[to].0);
                self.keep_cursor();
                continue;
            }
            if let Some(action) = queue_keys::key_action(key, modifiers, self.offered(&shown)) {
                let ids = self.chosen_shown(&shown).iter().map(|i| i.id).collect();
                actions.push(Action::Queue { ids, action });
                continue;
            }
            if queue_keys::opens_menu(key, modifiers) {
                if let Some(row) = self.cursor.filter(|c| shown.contains(c)) {
                    if !self.selected.contains(&row) {
                        self.selected.clear();
                        self.selected.insert(row);
                    }
                    self.menu_by_keys = Some(MenuByKeys {
                        row,
                        just_opened: true,
                    });
                    // Only a row on screen can show its menu.
                    self.scroll_to = shown.iter().position(|&s| s == row);
                }
                continue;
            }
            if key == egui::Key::A && modifiers.command_only() {
                self.selected = shown.iter().copied().collect();
                continue;
            }
            if modifiers.command || modifiers.alt {
                continue;
            }
            let Some(step) = Step::of(key) else {
                continue;
            };
            let cursor = self.cursor.and_then(|c| shown.iter().position(|&s| s == c));
            if let Some(row) = queue_keys::stepped(shown.len(), cursor, step, self.page) {
                self.choose(&shown, row, modifiers);
                self.scroll_to = Some(row);
            }
        }
    }

    /// The files and the folders in `tab`.
    pub fn count(&self, tab: QueueTab) -> (usize, usize) {
        self.items
            .iter()
            .filter(|i| tab.holds(i.state))
            .fold((0, 0), |(files, folders), item| {
                if item.request.is_dir {
                    (files, folders + 1)
                } else {
                    (files + 1, folders)
                }
            })
    }

    /// Items moving data or about to.
    pub fn active(&self) -> usize {
        self.active_counts().total()
    }

    /// [`Self::active`], files and folders apart: a folder's item is its contents still to be
    /// listed and queued, not one transfer.
    pub fn active_counts(&self) -> ActiveCounts {
        let mut counts = ActiveCounts::default();
        for item in &self.items {
            if item.state.is_active() || item.state == ItemState::Queued {
                if item.request.is_dir {
                    counts.folders += 1;
                } else {
                    counts.files += 1;
                }
            }
        }
        counts
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

/// The queue fills the area the window gives it, whatever its tab holds: a long list scrolls
/// inside, and the file lists above never move. With the keyboard it has the focused frame,
/// as a pane does.
pub fn show(
    ui: &mut egui::Ui,
    queue: &mut QueueView,
    transfers: &TransferSettings,
    focus: QueueFocus,
    actions: &mut Actions,
) {
    widgets::focus_frame(ui, focus.focused, egui::Stroke::NONE, 1.0).show(ui, |ui| {
        ui.set_min_size(ui.available_size());
        if focus.has_keyboard {
            queue.keep_cursor();
            queue.keyboard(ui, actions);
        }
        toolbar(ui, queue, transfers, actions);
        list(ui, queue, actions);
    });
}

fn toolbar(
    ui: &mut egui::Ui,
    queue: &mut QueueView,
    transfers: &TransferSettings,
    actions: &mut Actions,
) {
    ui.horizontal_wrapped(|ui| {
        for (tab, title) in TABS {
            let (files, folders) = queue.count(tab);
            let label = format!("{title} ({})", tab_count(tab, files, folders));
            // As wide as three digits need, so the buttons after it don't move as counts grow.
            let steady =
                text_width(ui, &format!("{title} (000)")) + ui.spacing().button_padding.x * 2.0;
            let button =
                egui::Button::selectable(queue.tab == tab, label).min_size(egui::vec2(steady, 0.0));
            let button = ui.add(button).on_hover_text(tab_hint(files, folders));
            if button.clicked() {
                queue.switch_tab(tab);
            }
        }
        ui.separator();
        if ui.button("⏸ Pause all").clicked() {
            actions.push(Action::QueueAll(QueueAction::Pause));
        }
        if ui.button("▶ Resume all").clicked() {
            actions.push(Action::QueueAll(QueueAction::Resume));
        }
        if ui.button("Clear finished").clicked() {
            actions.push(Action::ClearFinished);
        }
        ui.separator();
        settings_controls(ui, transfers, actions);
        let left = queue.bytes_left();
        let rate = queue.total_rate();
        // The totals take their own line when the widest they can be doesn't fit, moving or
        // not: so the list below doesn't jump when a transfer starts or ends.
        let widest = "1023.9 GiB left · 1023.9 MiB/s · 99:59:59";
        if room_left_on_row(ui) < text_width(ui, widest) + ui.spacing().item_spacing.x * 2.0 {
            ui.end_row();
        }
        if queue.active() > 0 {
            let eta = (rate > 1.0).then(|| eta_text(left as f64 / rate));
            let totals = format!(
                "{} left · {}/s{}",
                format::human_size(left),
                format::human_size(rate as u64),
                eta.map(|e| format!(" · {e}")).unwrap_or_default()
            );
            ui.add(egui::Label::new(totals).wrap_mode(egui::TextWrapMode::Extend));
        } else {
            ui.weak("Idle");
        }
    });
}

/// The open tab's rows.
fn list(ui: &mut egui::Ui, queue: &mut QueueView, actions: &mut Actions) {
    let tab = queue.tab;
    let rows: Vec<usize> = queue.shown_rows().collect();
    if rows.is_empty() {
        queue.menu_by_keys = None;
        ui.weak(match tab {
            QueueTab::Queued => {
                "Nothing to transfer. Drag files between the panes, or double-click a file."
            }
            QueueTab::Failed => "No failed transfers.",
            QueueTab::Skipped => "Nothing skipped.",
            QueueTab::Successful => "No finished transfers yet.",
        });
        return;
    }
    let shown: Vec<TransferId> = rows.iter().map(|&i| queue.items[i].id).collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let pitch = row_height + ui.spacing().item_spacing.y;
    queue.page = ((ui.available_height() - row_height) / pitch)
        .floor()
        .max(1.0) as usize;
    let widths = column_widths(ui.available_width());
    let mut builder = TableBuilder::new(ui)
        .id_salt("queue_table")
        .striped(true)
        // Rows take clicks but not the keyboard's focus: the queue handles its keys itself.
        .sense(Sense::click().difference(Sense::FOCUSABLE))
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        // Every column's width follows the window's, each frame: widths kept from a larger
        // window pushed State off the edge (first walk), then squeezed the name to "welcom…"
        // (second walk). The name takes what the others leave.
        .resizable(false)
        .column(Column::remainder().at_least(100.0).clip(true));
    if let Some(to) = widths.to {
        builder = builder.column(Column::exact(to).clip(true));
    }
    builder = builder
        .column(Column::exact(widths.size))
        .column(Column::exact(widths.progress))
        .column(Column::exact(80.0))
        .column(Column::exact(60.0))
        .column(Column::exact(widths.state).clip(true))
        .min_scrolled_height(0.0)
        .max_scroll_height(f32::INFINITY)
        .auto_shrink(false);
    if let Some(row) = queue.scroll_to.take() {
        builder = builder.scroll_to_row(row, None);
    }
    // A menu opened by a key whose row is gone (finished, removed) is closed.
    if queue
        .menu_by_keys
        .is_some_and(|menu| !shown.contains(&menu.row))
    {
        queue.menu_by_keys = None;
    }
    builder
        .header(row_height, |mut header| {
            let titles = ["Name", "To", "Size", "Progress", "Rate", "ETA", "State"];
            for title in titles
                .into_iter()
                .filter(|title| *title != "To" || widths.to.is_some())
            {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let index = row.index();
                let item = &queue.items[rows[index]];
                let id = item.id;
                let selected = queue.selected.contains(&id);
                row.set_selected(selected);
                item_cells(
                    &mut row,
                    item,
                    queue.rates.get(&id).copied(),
                    selected,
                    widths.to.is_some(),
                );
                let response = row.response();
                if response.clicked() {
                    let modifiers = response.ctx.input(|i| i.modifiers);
                    queue.choose(&shown, index, modifiers);
                }
                if response.secondary_clicked() {
                    if !queue.selected.contains(&id) {
                        queue.choose(&shown, index, egui::Modifiers::NONE);
                    }
                    queue.menu_by_keys = None;
                }
                let by_keys = queue.menu_by_keys.filter(|menu| menu.row == id);
                let popup = match by_keys {
                    // Under the row, as a menu opened from the keyboard is in file managers.
                    Some(menu) => egui::Popup::menu(&response)
                        .open_memory(menu.just_opened.then_some(egui::SetOpenCommand::Bool(true))),
                    None => egui::Popup::context_menu(&response),
                };
                let shown_menu = popup.show(|ui| {
                    let chosen = queue.chosen_shown(&shown);
                    let offered = queue.offered(&shown);
                    let first_takes_keys = by_keys.is_some_and(|menu| menu.just_opened);
                    if let Some(action) = item_menu(ui, &chosen, offered, first_takes_keys) {
                        let ids = chosen.iter().map(|i| i.id).collect();
                        actions.push(Action::Queue { ids, action });
                        ui.close();
                    }
                });
                if let Some(menu) = &mut queue.menu_by_keys
                    && menu.row == id
                {
                    if shown_menu.is_some() {
                        menu.just_opened = false;
                    } else if !menu.just_opened {
                        // Closed (Escape, a click elsewhere, an entry chosen).
                        queue.menu_by_keys = None;
                    }
                }
            });
        });
}

/// A queue row's menu: only what can be done to the chosen items in the state they are in
/// (nothing to pause in a finished transfer), with the keys that do the same. Opened by a key,
/// its first entry takes the keyboard, to go on with the arrows, Enter and Escape.
fn item_menu(
    ui: &mut egui::Ui,
    chosen: &[&QueueItem],
    offered: Offered,
    first_takes_keys: bool,
) -> Option<QueueAction> {
    let mut picked = None;
    let mut first = true;
    // Cancel and Remove both stop a transfer: what each leaves behind is said on hover (a walk
    // saw no difference between them).
    for (label, action, enabled, hint) in [
        ("Pause", QueueAction::Pause, offered.pause, None),
        ("Resume", QueueAction::Resume, offered.resume, None),
        (
            "Cancel",
            QueueAction::Cancel,
            offered.cancel,
            Some("Stop it; it waits in Failed, marked Cancelled, where Retry continues it"),
        ),
        ("Retry", QueueAction::Retry, offered.retry, None),
        ("Move up", QueueAction::MoveUp, offered.move_up, None),
        ("Move down", QueueAction::MoveDown, offered.move_down, None),
        (
            "Remove from queue",
            QueueAction::Remove,
            offered.remove,
            Some(
                "Take it out of the queue, stopping it if it runs; a partial download stays as its .ferrypart file",
            ),
        ),
    ] {
        let mut button = egui::Button::new(label);
        if let Some(keys) = queue_keys::shortcut_text(action, offered) {
            button = button.shortcut_text(keys);
        }
        let mut response = ui.add_enabled(enabled, button);
        if let Some(hint) = hint {
            response = response.on_hover_text(hint);
        }
        // Named by its words alone, as before the key was shown beside it.
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, label));
        if enabled && first {
            first = false;
            if first_takes_keys {
                response.request_focus();
            }
        }
        if response.clicked() {
            picked = Some(action);
        }
    }
    // Splitting applies to downloads still to start (or paused) that are big enough for two
    // parts; a running one keeps its way.
    let big_enough = |i: &QueueItem| {
        i.total
            .is_none_or(|t| t >= 2 * crate::engine::transfer_segments::MIN_RANGE)
    };
    let splittable: Vec<&&QueueItem> = chosen
        .iter()
        .filter(|i| {
            i.request.direction == Direction::Download
                && !i.request.is_dir
                && !i.state.is_finished()
                && big_enough(i)
        })
        .collect();
    if !splittable.is_empty() {
        ui.separator();
        let running = splittable
            .iter()
            .any(|i| i.state == ItemState::Transferring);
        let mut on = splittable.iter().all(|i| i.segmented != Some(false));
        if ui
            .add_enabled(!running, egui::Checkbox::new(&mut on, "Segmented download"))
            .on_hover_text(
                "Fetch a large file in parts over several connections at once (Settings ▸ Transfers says how many, and from what size)",
            )
            .on_disabled_hover_text("A running download keeps its way: pause it to change this")
            .clicked()
        {
            picked = Some(QueueAction::Segmented(on));
        }
    }
    picked
}

/// Whether Move up and Move down would change the list shown: a chosen row has a row that isn't
/// chosen above it (below it). With one item queued, neither.
fn moves_possible(shown: &[TransferId], chosen: &HashSet<TransferId>) -> (bool, bool) {
    let is_chosen = |id: &TransferId| chosen.contains(id);
    let first_chosen = shown.iter().position(is_chosen);
    let last_chosen = shown.iter().rposition(is_chosen);
    let first_other = shown.iter().position(|id| !is_chosen(id));
    let last_other = shown.iter().rposition(|id| !is_chosen(id));
    let up = matches!((first_other, last_chosen), (Some(o), Some(c)) if o < c);
    let down = matches!((first_chosen, last_other), (Some(c), Some(o)) if c < o);
    (up, down)
}

/// A segmented download's ranges, drawn along the bottom of its progress bar: each range's
/// part of the file, filled as far as it has come.
fn paint_segments(ui: &egui::Ui, bar: egui::Rect, item: &QueueItem) {
    let Some(total) = item.total.filter(|t| *t > 0) else {
        return;
    };
    let painter = ui.painter_at(bar);
    let height = (bar.height() * 0.3).max(3.0);
    let strip = egui::Rect::from_min_max(egui::pos2(bar.left(), bar.bottom() - height), bar.max);
    let x = |offset: u64| strip.left() + strip.width() * (offset as f32 / total as f32);
    let visuals = ui.visuals();
    for range in &item.segments {
        let whole = egui::Rect::from_x_y_ranges(x(range.start)..=x(range.end), strip.y_range());
        painter.rect_filled(whole, 0.0, visuals.extreme_bg_color);
        let done = egui::Rect::from_x_y_ranges(
            x(range.start)..=x(range.start + range.done.min(range.end - range.start)),
            strip.y_range(),
        );
        painter.rect_filled(done, 0.0, visuals.selection.stroke.color);
        painter.vline(x(range.start), strip.y_range(), visuals.window_stroke);
    }
}

/// "Downloading in 3 parts: 40%, 100%, 12%" for the bar's tooltip (a part split off near the
/// end is one more).
fn segments_text(item: &QueueItem) -> String {
    let parts: Vec<String> = item
        .segments
        .iter()
        .map(|r| {
            let length = (r.end - r.start).max(1);
            format!("{:.0}%", r.done as f64 * 100.0 / length as f64)
        })
        .collect();
    format!("Downloading in {} parts: {}", parts.len(), parts.join(", "))
}

fn item_cells(
    row: &mut egui_extras::TableRow<'_, '_>,
    item: &QueueItem,
    rate: Option<f64>,
    selected: bool,
    with_destination: bool,
) {
    let arrow = match item.request.direction {
        Direction::Download => "⬇",
        Direction::Upload => "⬆",
    };
    let icon = if item.request.is_dir { "🗀" } else { "🗋" };
    row.col(|ui| {
        ui.add(egui::Label::new(arrow).selectable(false));
        ui.add(egui::Label::new(icon).selectable(false));
        // A target that got another name on the way (Rename) says so in the row. (Words, not
        // an arrow: the proportional font has no arrows.)
        let (source, target) = (item.name(), item.target_name());
        let shown = if source == target {
            source
        } else {
            format!("{source}, saved as {target}")
        };
        let name = ui.add(egui::Label::new(shown).selectable(false).truncate());
        let route = match item.request.direction {
            Direction::Download => {
                format!(
                    "From {}\nto {}",
                    item.request.remote,
                    item.request.local.display()
                )
            }
            Direction::Upload => {
                format!(
                    "From {}\nto {}",
                    item.request.local.display(),
                    item.request.remote
                )
            }
        };
        name.on_hover_text(route);
    });
    if with_destination {
        row.col(|ui| {
            let folder = destination_folder(item);
            let room = ui.available_width();
            // The folder's end says most about where the file goes: it is kept, and the
            // start given up for room ("…/you/Downloads").
            let shown = path_tails(&folder)
                .find(|tail| text_width(ui, tail) <= room)
                .unwrap_or_else(|| folder.clone());
            ui.add(egui::Label::new(shown).selectable(false).truncate())
                .on_hover_text(folder);
        });
    }
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
        let bar = ui.add(
            egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                .text(format!("{:.0}%", fraction * 100.0))
                .desired_width(ui.available_width() - 4.0),
        );
        if item.segments.len() > 1 && item.state.is_active() {
            paint_segments(ui, bar.rect, item);
            bar.on_hover_text(segments_text(item));
        }
    });
    row.col(|ui| {
        // 0: not known yet (the transfer's first tenth of a second).
        if let Some(rate) = rate.filter(|r| *r > 0.0 && item.state.is_active()) {
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
        let (state, tone) = state_text(item);
        // A chosen row keeps the selection's text colour: red on its blue can't be read.
        let text = match tone {
            Tone::Error if !selected => RichText::new(state).color(ui.visuals().error_fg_color),
            Tone::Quiet if !selected => RichText::new(state).weak(),
            _ => RichText::new(state),
        };
        ui.add(egui::Label::new(text).selectable(false).truncate());
    });
}

/// The number on a tab: its files, as FileZilla counts them (a folder's row stands for the
/// files it brings, each of which gets a row of its own), but every failure in the Failed tab:
/// a folder that could not be listed or made failed as much as a file (a walk saw the count
/// stay put when one did).
fn tab_count(tab: QueueTab, files: usize, folders: usize) -> usize {
    match tab {
        QueueTab::Failed => files + folders,
        QueueTab::Queued | QueueTab::Skipped | QueueTab::Successful => files,
    }
}

/// What a tab holds, on hover: rows that are folders are said apart.
fn tab_hint(files: usize, folders: usize) -> String {
    let files_text = match files {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    match folders {
        0 => files_text,
        1 => format!("{files_text} and 1 folder"),
        n => format!("{files_text} and {n} folders"),
    }
}

/// The folder an item lands in: on this computer for a download, on the server for an upload.
fn destination_folder(item: &QueueItem) -> String {
    match item.request.direction {
        Direction::Download => item
            .request
            .local
            .parent()
            .map_or_else(String::new, |folder| folder.display().to_string()),
        Direction::Upload => item
            .request
            .remote
            .parent()
            .map_or_else(String::new, |folder| folder.to_string()),
    }
}

/// `path` whole, then shorter and shorter with its start given up: `/a/b/c`, `…/b/c`, `…/c`.
/// (`\\` separates too, for Windows paths.)
fn path_tails(path: &str) -> impl Iterator<Item = String> + '_ {
    let cuts = path
        .char_indices()
        .filter(|&(at, c)| (c == '/' || c == '\\') && at > 0 && at + 1 < path.len())
        .map(|(at, _)| format!("…{}", &path[at..]));
    std::iter::once(path.to_owned()).chain(cuts)
}

/// The widths of the queue's To, Size, Progress and State columns at the width the queue has
/// (Rate and ETA are fixed; Name takes what is left). In a narrow window the bar gives way, so
/// that the state keeps room for its reason and the name some: at 800 points State was a
/// 50-point sliver. Where the item goes (To, as FileZilla's queue shows both ends) is shown
/// only where the name keeps room beside it.
struct ColumnWidths {
    to: Option<f32>,
    size: f32,
    progress: f32,
    state: f32,
}

fn column_widths(available: f32) -> ColumnWidths {
    let narrow = available < 1000.0;
    ColumnWidths {
        to: (!narrow).then(|| (available * 0.2).clamp(160.0, 420.0)),
        size: if narrow { 70.0 } else { 80.0 },
        progress: if narrow { 110.0 } else { 160.0 },
        state: (available * 0.25).clamp(180.0, 360.0),
    }
}

/// How a state reads in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    /// Something went wrong.
    Error,
    /// Stopped by the person: nothing went wrong.
    Quiet,
}

/// The State column: the state and why. A transfer the person cancelled waits with the failed
/// ones (where Retry continues it) but reads as cancelled, not as a failure.
fn state_text(item: &QueueItem) -> (String, Tone) {
    let cancelled = item.message.as_deref() == Some(CANCELLED);
    match (item.state, &item.message) {
        (ItemState::Failed, _) if cancelled => ("Cancelled".to_owned(), Tone::Quiet),
        (ItemState::Failed, Some(message)) => (format!("Failed: {message}"), Tone::Error),
        (ItemState::Failed, None) => ("Failed".to_owned(), Tone::Error),
        (state, Some(message)) => (format!("{}: {message}", state.label()), Tone::Plain),
        (state, None) => (state.label().to_owned(), Tone::Plain),
    }
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

/// What is left of the toolbar's current line. (`available_width` is the whole width in a
/// wrapping layout: checked against it, a name stayed on a line its field didn't fit on.)
fn room_left_on_row(ui: &egui::Ui) -> f32 {
    ui.available_size_before_wrap().x
}

/// A label on the wrapping toolbar that is never broken across lines: it starts the next line
/// when it (and the `then` points that follow it, such as its field) would not fit.
fn whole_label(ui: &mut egui::Ui, text: &str, then: f32) -> egui::Response {
    let wanted = text_width(ui, text) + then + ui.spacing().item_spacing.x * 2.0;
    if room_left_on_row(ui) < wanted {
        ui.end_row();
    }
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
}

/// Simultaneous transfers and speed limits: a change is applied and saved at once.
fn settings_controls(ui: &mut egui::Ui, transfers: &TransferSettings, actions: &mut Actions) {
    let mut changed = transfers.clone();
    // A name and its field go onto the next line together when the toolbar wraps.
    let label = whole_label(ui, "Simultaneous:", 90.0);
    ui.add(egui::DragValue::new(&mut changed.parallel).range(1..=10))
        .labelled_by(label.id)
        .on_hover_text("How many transfers run at once");
    for (name, value, hint) in widgets::speed_limit_fields(&mut changed) {
        let label = whole_label(ui, name, 90.0);
        widgets::speed_limit(ui, value)
            .labelled_by(label.id)
            .on_hover_text(hint);
    }
    if changed != *transfers {
        actions.push(Action::SetTransfers(Box::new(changed)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Conflict, FileFacts};

    #[test]
    fn in_a_narrow_queue_the_bar_gives_way_to_the_state() {
        // (width the queue has, To, Size, Progress, State): Name takes what the rest leave.
        let cases = [
            (600.0, None, 70.0, 110.0, 180.0),
            (790.0, None, 70.0, 110.0, 197.5),
            (999.0, None, 70.0, 110.0, 249.75),
            (1000.0, Some(200.0), 80.0, 160.0, 250.0),
            (1190.0, Some(238.0), 80.0, 160.0, 297.5),
            (1910.0, Some(382.0), 80.0, 160.0, 360.0),
            (2550.0, Some(420.0), 80.0, 160.0, 360.0),
        ];
        for (available, to, size, progress, state) in cases {
            let widths = column_widths(available);
            assert_eq!(
                (widths.to, widths.size, widths.progress, widths.state),
                (to, size, progress, state),
                "at {available}"
            );
        }
    }

    #[test]
    fn tabs_count_files_and_the_failed_tab_every_failure() {
        // (tab, files, folders, the number shown, the hover)
        let cases = [
            (QueueTab::Queued, 2, 2, 2, "2 files and 2 folders"),
            (QueueTab::Queued, 0, 1, 0, "0 files and 1 folder"),
            (QueueTab::Successful, 5, 3, 5, "5 files and 3 folders"),
            (QueueTab::Skipped, 1, 0, 1, "1 file"),
            (QueueTab::Failed, 4, 1, 5, "4 files and 1 folder"),
            (QueueTab::Failed, 0, 0, 0, "0 files"),
        ];
        for (tab, files, folders, shown, hint) in cases {
            assert_eq!(tab_count(tab, files, folders), shown, "{tab:?}");
            assert_eq!(tab_hint(files, folders), hint, "{tab:?}");
        }
    }

    #[test]
    fn a_folder_too_long_to_show_gives_up_its_start_first() {
        let cases: [(&str, &[&str]); 6] = [
            ("/", &["/"]),
            ("/upload", &["/upload"]),
            (
                "/home/you/Downloads",
                &["/home/you/Downloads", "…/you/Downloads", "…/Downloads"],
            ),
            ("/srv/ftp/", &["/srv/ftp/", "…/ftp/"]),
            ("relative/dir", &["relative/dir", "…/dir"]),
            (
                "C:\\Users\\you",
                &["C:\\Users\\you", "…\\Users\\you", "…\\you"],
            ),
        ];
        for (path, tails) in cases {
            assert_eq!(path_tails(path).collect::<Vec<_>>(), tails, "{path}");
        }
    }

    #[test]
    fn move_up_and_down_are_offered_only_where_they_would_move_something() {
        let ids: Vec<TransferId> = (1..=4).collect();
        let chosen = |picked: &[u64]| -> HashSet<TransferId> { picked.iter().copied().collect() };
        // (rows shown, chosen, up, down)
        let cases: [(&[TransferId], &[u64], bool, bool); 8] = [
            (&ids[..1], &[1], false, false),
            (&ids[..2], &[1], false, true),
            (&ids[..2], &[2], true, false),
            (&ids[..2], &[1, 2], false, false),
            (&ids, &[1, 2], false, true),
            (&ids, &[3, 4], true, false),
            (&ids, &[1, 4], true, true),
            (&ids, &[], false, false),
        ];
        for (shown, picked, up, down) in cases {
            assert_eq!(
                moves_possible(shown, &chosen(picked)),
                (up, down),
                "{picked:?} of {} rows",
                shown.len()
            );
        }
    }

    #[test]
    fn a_cancelled_transfer_reads_as_cancelled_not_as_a_failure() {
        let item = |state: ItemState, message: Option<&str>| QueueItem {
            message: message.map(str::to_owned),
            ..QueueItem::sample(state)
        };
        let cases = [
            (
                item(ItemState::Failed, Some(CANCELLED)),
                "Cancelled",
                Tone::Quiet,
            ),
            (
                item(ItemState::Failed, Some("550 No such file")),
                "Failed: 550 No such file",
                Tone::Error,
            ),
            (item(ItemState::Failed, None), "Failed", Tone::Error),
            (item(ItemState::Paused, None), "Paused", Tone::Plain),
            (
                item(ItemState::Skipped, Some("the same size")),
                "Skipped: the same size",
                Tone::Plain,
            ),
        ];
        for (item, text, tone) in cases {
            assert_eq!(state_text(&item), (text.to_owned(), tone));
        }
    }

    #[test]
    fn a_transfer_that_fails_is_told_once_and_a_cancelled_one_not_at_all() {
        let item = |state: ItemState, message: Option<&str>| QueueItem {
            message: message.map(str::to_owned),
            ..QueueItem::sample(state)
        };
        // (the state the queue shows, the update, told)
        let cases = [
            (
                ItemState::Transferring,
                item(ItemState::Failed, Some("550 Denied")),
                true,
            ),
            (ItemState::Queued, item(ItemState::Failed, None), true),
            (
                ItemState::Transferring,
                item(ItemState::Failed, Some(CANCELLED)),
                false,
            ),
            (
                ItemState::Failed,
                item(ItemState::Failed, Some("550 Denied")),
                false,
            ),
            (ItemState::Transferring, item(ItemState::Done, None), false),
            (
                ItemState::Transferring,
                item(ItemState::Paused, None),
                false,
            ),
        ];
        for (was, update, told) in cases {
            let mut queue = QueueView::default();
            queue.on_event(QueueEvent::Added {
                after: None,
                items: vec![QueueItem::sample(was)],
            });
            let news = queue.failure_news(&update);
            assert_eq!(news.is_some(), told, "{was:?} -> {update:?}");
            if let Some(news) = news {
                let why = update.message.as_deref().unwrap_or("no reason given");
                assert!(news.contains(why), "{news}");
                assert!(news.contains(&update.name()), "{news}");
            }
        }
    }

    #[test]
    fn a_removed_transfer_leaves_the_total_rate() {
        let mut queue = QueueView::default();
        let mut other = QueueItem::sample(ItemState::Transferring);
        other.id = 2;
        queue.on_event(QueueEvent::Added {
            after: None,
            items: vec![QueueItem::sample(ItemState::Transferring), other],
        });
        for (id, rate) in [(1, 512.0), (2, 1024.0)] {
            queue.on_event(QueueEvent::Progress {
                id,
                transferred: 10,
                total: None,
                rate,
            });
        }
        assert_eq!(queue.total_rate(), 1536.0);
        queue.on_event(QueueEvent::Removed(vec![1]));
        assert_eq!(queue.total_rate(), 1024.0);
    }

    /// Progress and updates land on the item they name after items were added in the middle,
    /// removed and reordered (its place is looked up, not searched for).
    #[test]
    fn events_find_their_item_after_the_list_changed_shape() {
        let mut queue = QueueView::default();
        let item = |id| {
            let mut item = QueueItem::sample(ItemState::Queued);
            item.id = id;
            item
        };
        let progress = |id, transferred| QueueEvent::Progress {
            id,
            transferred,
            total: None,
            rate: 0.0,
        };
        let listed = |queue: &QueueView| -> Vec<(TransferId, u64)> {
            queue
                .items()
                .iter()
                .map(|i| (i.id, i.transferred))
                .collect()
        };
        queue.on_event(QueueEvent::Added {
            after: None,
            items: vec![item(1), item(2)],
        });
        queue.on_event(progress(2, 20));
        queue.on_event(QueueEvent::Added {
            after: Some(1),
            items: vec![item(3), item(4)],
        });
        queue.on_event(progress(2, 21));
        queue.on_event(progress(4, 40));
        assert_eq!(listed(&queue), [(1, 0), (3, 0), (4, 40), (2, 21)]);
        queue.on_event(QueueEvent::Removed(vec![1, 3]));
        queue.on_event(progress(2, 22));
        assert_eq!(listed(&queue), [(4, 40), (2, 22)]);
        queue.on_event(QueueEvent::Reordered(vec![2, 4]));
        queue.on_event(progress(4, 41));
        let mut done = item(2);
        done.state = ItemState::Done;
        done.transferred = 99;
        queue.on_event(QueueEvent::Updated(done));
        assert_eq!(listed(&queue), [(2, 99), (4, 41)]);
        // An event for an item the view doesn't hold changes nothing.
        queue.on_event(progress(7, 70));
        assert_eq!(listed(&queue), [(2, 99), (4, 41)]);
    }

    /// The walk: two transfers running side by side found their targets in the other order,
    /// and the dialog asked about the queue's second file first.
    #[test]
    fn conflicts_arriving_together_are_asked_in_the_queue_s_order() {
        let mut queue = QueueView::default();
        let items: Vec<QueueItem> = (1..=3)
            .map(|id| {
                let mut item = QueueItem::sample(ItemState::Asking);
                item.id = id;
                item
            })
            .collect();
        queue.on_event(QueueEvent::Added { after: None, items });
        let conflict = |id| {
            QueueEvent::AskConflict(Box::new(Conflict {
                id,
                direction: Direction::Download,
                source_path: format!("/{id}.bin"),
                target_path: format!("/tmp/{id}.bin"),
                source: FileFacts {
                    size: Some(1),
                    modified: None,
                },
                target: FileFacts {
                    size: Some(2),
                    modified: None,
                },
                suggested_name: format!("{id} (1).bin"),
                text_mode: false,
            }))
        };
        let asked = |queue: &QueueView| -> Vec<TransferId> {
            queue.questions.iter().map(|q| q.conflict.id).collect()
        };
        queue.on_event(conflict(3));
        queue.on_event(conflict(2));
        assert_eq!(asked(&queue), [2, 3]);
        // Once on screen, a question stays first: item 1's comes after it.
        queue.questions[0].shown_at = Some(0.0);
        queue.on_event(conflict(1));
        assert_eq!(asked(&queue), [2, 1, 3]);
        // An item that stops waiting takes its question with it; one still asking keeps it.
        let updated = |id, state| {
            let mut item = QueueItem::sample(state);
            item.id = id;
            QueueEvent::Updated(item)
        };
        queue.on_event(updated(3, ItemState::Asking));
        queue.on_event(updated(1, ItemState::Queued));
        assert_eq!(asked(&queue), [2, 3]);
        queue.on_event(updated(2, ItemState::Paused));
        assert_eq!(asked(&queue), [3]);
    }

    #[test]
    fn eta_reads_as_a_clock() {
        assert_eq!(super::eta_text(42.4), "42 s");
        assert_eq!(super::eta_text(125.0), "2:05");
        assert_eq!(super::eta_text(3725.0), "1:02:05");
    }

    #[test]
    fn what_goes_on_is_counted_in_files_and_folders() {
        let cases = [
            (
                (0, 0),
                None,
                "0 files have not finished. If you quit now they stop",
            ),
            (
                (1, 0),
                Some("Disconnected; the queue goes on with 1 file (Pause all stops it)"),
                "1 file has not finished. If you quit now it stops, and comes back",
            ),
            (
                (0, 1),
                Some("Disconnected; the queue goes on with 1 folder (Pause all stops it)"),
                "1 folder has not finished. If you quit now it stops",
            ),
            (
                (3, 1),
                Some(
                    "Disconnected; the queue goes on with 3 files and 1 folder (Pause all stops them)",
                ),
                "3 files and 1 folder have not finished. If you quit now they stop, and come back",
            ),
        ];
        for ((files, folders), note, quit) in cases {
            let counts = super::ActiveCounts { files, folders };
            assert_eq!(counts.disconnect_note().as_deref(), note, "{counts:?}");
            assert!(
                counts.unfinished_text(true).starts_with(quit),
                "{counts:?}: {}",
                counts.unfinished_text(true)
            );
            // The demo's queue is not kept: nothing is promised for the next start.
            let unkept = counts.unfinished_text(false);
            assert!(
                quit.starts_with(unkept.trim_end_matches('.')),
                "{counts:?}: {unkept}"
            );
            assert!(!unkept.contains("back"), "{counts:?}: {unkept}");
        }
    }
}
