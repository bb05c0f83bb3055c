//! "Synchronize…": the two panes' folders and the options, then the plan as a checklist (every
//! action with its reason, filterable, each row can be unchecked, with totals), and Run sends
//! the checked actions to the queue. Nothing moves before Run. After the queue has done the
//! sync's transfers, both folders are remembered for the next two-way sync.

use std::path::PathBuf;

use egui::{RichText, TextEdit};
use egui_extras::{Column, TableBuilder};

use super::app::{Action, Actions};
use super::format;
use crate::engine::sync::plan::{CompareBy, SyncAction, SyncDirection, SyncOptions, totals};
use crate::engine::sync::run::{SyncPlan, SyncRequest, SyncStarted};
use crate::engine::{Command, ItemState, QueueEvent, TransferId};
use crate::protocol::path::RemotePath;

/// The options as the person sets them.
#[derive(Debug, Clone)]
pub struct Form {
    pub local: PathBuf,
    pub remote: RemotePath,
    pub direction: SyncDirection,
    pub delete: bool,
    pub compare: CompareBy,
    /// Exclusion rules, one per line or separated by commas.
    pub exclude: String,
    /// `user@host:port`: whose exclusions these are.
    pub site: String,
    /// Where the baseline of these folders is kept (`None`: not kept).
    pub baseline_file: Option<PathBuf>,
    /// Connections that list the server's folders at once.
    pub connections: usize,
}

impl Form {
    pub fn exclusions(&self) -> Vec<String> {
        self.exclude
            .split([',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn request(&self) -> SyncRequest {
        SyncRequest {
            local: self.local.clone(),
            remote: self.remote.clone(),
            options: SyncOptions {
                direction: self.direction,
                delete: self.delete,
                compare: self.compare,
            },
            exclude: self.exclusions(),
            baseline_file: self.baseline_file.clone(),
            connections: self.connections,
        }
    }
}

/// The plan on screen: which rows are checked, and the filter.
#[derive(Debug, Clone)]
pub struct Preview {
    pub form: Form,
    pub plan: SyncPlan,
    pub checked: Vec<bool>,
    pub filter: String,
}

#[derive(Debug, Clone, Default)]
pub enum Stage {
    #[default]
    Closed,
    Options(Form),
    /// Waiting for the plan.
    Planning(Form),
    /// "Keep remote up to date" starts with the uploads that bring the server up to date (no
    /// deletions): waiting for their plan, which runs without a preview.
    CatchingUp(Form),
    Preview(Box<Preview>),
}

/// A sync whose transfers are in the queue: once they are all done, both folders are
/// remembered (a failure leaves the last remembered state, so the next plan retries).
#[derive(Debug, Clone)]
pub struct Pending {
    pub request: SyncRequest,
    /// Transfers still to be added by the queue.
    pub expected: Option<usize>,
    pub ids: Vec<TransferId>,
    pub failed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SyncDialog {
    pub stage: Stage,
    pub pending: Option<Pending>,
    /// The page just opened: its first control takes the keyboard.
    focus_first: bool,
}

impl SyncDialog {
    pub fn open(&mut self, form: Form) {
        self.stage = Stage::Options(form);
        self.focus_first = true;
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.stage, Stage::Closed)
    }

    /// The plan came. While catching up for "Keep remote up to date", its uploads run at once
    /// (and nothing is deleted): returns the command for that.
    pub fn on_planned(&mut self, plan: SyncPlan) -> Option<Command> {
        if matches!(self.stage, Stage::CatchingUp(_)) {
            let mut plan = plan;
            plan.actions
                .retain(|a| matches!(a.action, SyncAction::Upload | SyncAction::MakeRemoteFolder));
            self.stage = Stage::Closed;
            if plan.actions.is_empty() {
                return None;
            }
            self.pending = Some(Pending {
                request: plan.request.clone(),
                expected: None,
                ids: Vec::new(),
                failed: false,
            });
            return Some(Command::RunSync(Box::new(plan)));
        }
        if let Stage::Planning(form) = std::mem::take(&mut self.stage) {
            self.focus_first = true;
            let checked = plan
                .actions
                .iter()
                .map(|a| a.action != SyncAction::Conflict)
                .collect();
            self.stage = Stage::Preview(Box::new(Preview {
                form,
                plan,
                checked,
                filter: String::new(),
            }));
        }
        None
    }

    /// The plan could not be made (the failure is shown as any command's): back to the options.
    pub fn on_failed(&mut self) {
        match std::mem::take(&mut self.stage) {
            Stage::Planning(form) => self.stage = Stage::Options(form),
            Stage::CatchingUp(_) => {}
            other => self.stage = other,
        }
    }

    /// The run's folders and deletions are done; its transfers follow in the queue. Returns the
    /// note for the status line, and the command to remember the folders when nothing is left.
    pub fn on_started(&mut self, started: &SyncStarted) -> (String, Option<Command>) {
        let mut note = format!(
            "Sync: {} transfers queued, {} folders made, {} deleted",
            started.transfers, started.folders_made, started.deleted
        );
        if !started.failed.is_empty() {
            note.push_str(&format!(
                "; {} failed (see the message log)",
                started.failed.len()
            ));
        }
        let Some(pending) = &mut self.pending else {
            return (note, None);
        };
        pending.expected = Some(started.transfers);
        pending.failed |= !started.failed.is_empty();
        (note, self.remember_if_done())
    }

    /// Follows the queue for the sync's transfers (the first ones added after it started).
    pub fn on_queue_event(&mut self, event: &QueueEvent) -> Option<Command> {
        let pending = self.pending.as_mut()?;
        match event {
            QueueEvent::Added { items, .. } => {
                if let Some(expected) = pending.expected {
                    let room = expected.saturating_sub(pending.ids.len());
                    pending
                        .ids
                        .extend(items.iter().take(room).map(|item| item.id));
                }
            }
            QueueEvent::Updated(item) if pending.ids.contains(&item.id) => {
                if matches!(item.state, ItemState::Failed | ItemState::Skipped) {
                    pending.failed = true;
                }
                if item.state.is_finished() {
                    pending.ids.retain(|id| *id != item.id);
                    pending.expected = pending.expected.map(|n| n.saturating_sub(1));
                }
            }
            _ => {}
        }
        self.remember_if_done()
    }

    fn remember_if_done(&mut self) -> Option<Command> {
        let pending = self.pending.as_ref()?;
        if pending.expected != Some(0) || !pending.ids.is_empty() {
            return None;
        }
        let pending = self.pending.take()?;
        (!pending.failed).then(|| Command::RememberSync(Box::new(pending.request)))
    }
}

fn direction_label(direction: SyncDirection) -> &'static str {
    match direction {
        SyncDirection::Up => "Upload: local to server",
        SyncDirection::Down => "Download: server to local",
        SyncDirection::Both => "Both ways: the newer side wins",
    }
}

fn compare_label(compare: CompareBy) -> &'static str {
    match compare {
        CompareBy::Time => "Modification time",
        CompareBy::Size => "Size",
        CompareBy::Checksum => "Checksum (the server's HASH)",
    }
}

/// A window over the panes (which leave the keys to it while it is open); each page starts
/// with the keyboard on its first control, and Esc closes it.
///
/// Not an `egui::Modal`: opened by a button, a modal lost the first click made in it (egui
/// 0.37), so a person's first choice in the dialog did nothing.
pub fn show(ctx: &egui::Context, dialog: &mut SyncDialog, actions: &mut Actions) {
    let mut next: Option<Stage> = None;
    let title = match &dialog.stage {
        Stage::Closed => return,
        Stage::Options(_) | Stage::Planning(_) | Stage::CatchingUp(_) => "Synchronize",
        Stage::Preview(_) => "Synchronize: the plan",
    };
    let screen = ctx.content_rect();
    let width = (screen.width() - 40.0).clamp(320.0, 760.0);
    let height = (screen.height() - 80.0).max(240.0);
    let popup_was_open = egui::Popup::is_any_open(ctx);
    let first_frame = std::mem::take(&mut dialog.focus_first);
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::unique("synchronize"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 40.0))
        .default_width(width)
        .max_width(width)
        .max_height(height)
        .show(ctx, |ui| match &mut dialog.stage {
            Stage::Closed => {}
            Stage::Options(form) => {
                if let Some(stage) = options(ui, form, actions, first_frame) {
                    next = Some(stage);
                }
            }
            Stage::Planning(form) | Stage::CatchingUp(form) => {
                folders(ui, form);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Listing both folders and comparing…");
                });
                if ui.button("Cancel").clicked() {
                    next = Some(Stage::Closed);
                }
            }
            Stage::Preview(preview) => {
                if let Some(stage) = preview_ui(
                    ui,
                    preview,
                    &mut dialog.pending,
                    actions,
                    first_frame,
                    height,
                ) {
                    next = Some(stage);
                }
            }
        });
    if !open || super::widgets::escape_for_window(ctx, popup_was_open) {
        next = Some(Stage::Closed);
    }
    if let Some(stage) = next {
        // Each new page starts with the keyboard on its first control.
        dialog.focus_first = !matches!(stage, Stage::Closed);
        dialog.stage = stage;
    }
}

fn folders(ui: &mut egui::Ui, form: &Form) {
    egui::Grid::new("sync_folders")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label("Local folder:");
            ui.label(RichText::new(form.local.display().to_string()).monospace());
            ui.end_row();
            ui.label("Server folder:");
            ui.label(RichText::new(form.remote.display()).monospace());
            ui.end_row();
        });
}

fn options(
    ui: &mut egui::Ui,
    form: &mut Form,
    actions: &mut Actions,
    first_frame: bool,
) -> Option<Stage> {
    folders(ui, form);
    ui.separator();
    let mut next = None;
    egui::Grid::new("sync_options")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Direction:");
            ui.vertical(|ui| {
                for direction in [SyncDirection::Up, SyncDirection::Down, SyncDirection::Both] {
                    let radio =
                        ui.radio_value(&mut form.direction, direction, direction_label(direction));
                    if first_frame && direction == form.direction {
                        radio.request_focus();
                    }
                }
            });
            ui.end_row();
            ui.label("Compare by:");
            ui.vertical(|ui| {
                for compare in [CompareBy::Time, CompareBy::Size, CompareBy::Checksum] {
                    ui.radio_value(&mut form.compare, compare, compare_label(compare));
                }
            });
            ui.end_row();
            ui.label("");
            ui.checkbox(
                &mut form.delete,
                "Mirror: delete on the target what is gone from the source",
            )
                .on_hover_text(
                    "Files and folders that are only on the target side are deleted there (both ways: what was deleted on one side since the last sync). The plan shows how many first.",
                );
            ui.end_row();
            let label = ui.label("Exclude:");
            ui.add(
                TextEdit::multiline(&mut form.exclude)
                    .desired_rows(3)
                    .desired_width(360.0)
                    .hint_text(".git/, node_modules/, *.tmp"),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "One rule per line or separated by commas: a name pattern (*.tmp), a folder with a trailing / (node_modules/), or a path from the top (build/out.log). Saved for this server.",
            );
            ui.end_row();
            ui.label("");
            ui.label(
                RichText::new(
                    "One rule per line or comma-separated: a name (*.tmp), a folder (node_modules/), or a path from the top (build/out.log). Kept for this server.",
                )
                .small(),
            );
            ui.end_row();
        });
    if let Err(problem) = crate::engine::sync::exclude::Exclusions::new(&form.exclusions()) {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.separator();
    ui.horizontal(|ui| {
        let valid = crate::engine::sync::exclude::Exclusions::new(&form.exclusions()).is_ok();
        if ui
            .add_enabled(valid, egui::Button::new("Preview"))
            .on_hover_text("Compare both folders and show the plan; nothing changes yet")
            .clicked()
        {
            actions.push(Action::SaveSyncExclusions {
                site: form.site.clone(),
                rules: form.exclusions(),
            });
            actions.push(Action::Sync(Command::PlanSync(Box::new(form.request()))));
            next = Some(Stage::Planning(form.clone()));
        }
        if ui
            .add_enabled(
                valid && form.direction == SyncDirection::Up,
                egui::Button::new("Keep remote up to date"),
            )
            .on_hover_text(
                "Upload what is newer here now, then watch the local folder and upload every change as it happens (with Mirror, deletions too), until you stop it or disconnect",
            )
            .on_disabled_hover_text("For the upload direction")
            .clicked()
        {
            actions.push(Action::SaveSyncExclusions {
                site: form.site.clone(),
                rules: form.exclusions(),
            });
            actions.push(Action::Sync(Command::KeepUpToDate(Some(Box::new(
                crate::engine::watch::KeepUpToDate {
                    local: form.local.clone(),
                    remote: form.remote.clone(),
                    delete: form.delete,
                    exclude: form.exclusions(),
                },
            )))));
            // First the uploads that bring the server up to date (as WinSCP does when it
            // starts): files changed while nothing watched would otherwise wait for their
            // next save.
            let mut catch_up = form.clone();
            catch_up.direction = SyncDirection::Up;
            catch_up.delete = false;
            actions.push(Action::Sync(Command::PlanSync(Box::new(catch_up.request()))));
            next = Some(Stage::CatchingUp(form.clone()));
        }
        if ui.button("Cancel").clicked() {
            next = Some(Stage::Closed);
        }
    });
    next
}

/// A mirror that would only delete: the source side has none of what the target holds, which
/// is most often the wrong pair of folders (a walk planned to delete all nine entries of a
/// server folder from an empty local one, with no word beyond the count).
fn only_deletions_warning(actions: &[SyncAction]) -> Option<String> {
    let deletes = actions.iter().filter(|a| a.is_delete()).count();
    let only = deletes > 0
        && actions
            .iter()
            .all(|a| a.is_delete() || *a == SyncAction::Conflict);
    if !only {
        return None;
    }
    let side = if actions.contains(&SyncAction::DeleteRemote) {
        "on the server"
    } else {
        "on this computer"
    };
    Some(format!(
        "Nothing is copied: the run only deletes, {} {side}. The other folder has none of \
         them: check that these are the two folders you mean before you run it.",
        count(deletes, "entry", "entries")
    ))
}

/// Whether a row shows under the filter (any words of it, in the path, action or reason).
fn matches_filter(filter: &str, text: &str) -> bool {
    let text = text.to_lowercase();
    filter
        .split_whitespace()
        .all(|word| text.contains(&word.to_lowercase()))
}

/// "1 upload", "2 uploads".
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The checked actions in words: "2 uploads (14 KiB), 1 folder to make, 1 deletion".
fn totals_text(sums: &crate::engine::sync::plan::Totals) -> String {
    let mut parts = Vec::new();
    if sums.uploads > 0 {
        parts.push(count(sums.uploads, "upload", "uploads"));
    }
    if sums.downloads > 0 {
        parts.push(count(sums.downloads, "download", "downloads"));
    }
    if sums.uploads + sums.downloads > 0 {
        let last = parts.pop().unwrap_or_default();
        parts.push(format!("{last} ({})", format::human_size(sums.bytes)));
    }
    if sums.folders > 0 {
        parts.push(count(sums.folders, "folder to make", "folders to make"));
    }
    if sums.deletes > 0 {
        parts.push(count(sums.deletes, "deletion", "deletions"));
    }
    if parts.is_empty() {
        "Nothing checked".to_owned()
    } else {
        format!("Checked: {}", parts.join(", "))
    }
}

fn preview_ui(
    ui: &mut egui::Ui,
    preview: &mut Preview,
    pending: &mut Option<Pending>,
    actions: &mut Actions,
    first_frame: bool,
    height: f32,
) -> Option<Stage> {
    let mut next = None;
    folders(ui, &preview.form);
    for note in &preview.plan.notes {
        ui.label(format!("Note: {note}"));
    }
    if !preview.plan.skipped.is_empty() {
        ui.label(format!(
            "{} left out (unreadable, not a safe name on this computer, or links to folders); the message log names them",
            count(preview.plan.skipped.len(), "name", "names")
        ));
    }
    if preview.plan.actions.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Already in sync: nothing to do.").strong());
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let close = ui.button("Close");
            if first_frame {
                close.request_focus();
            }
            if close.clicked() {
                next = Some(Stage::Closed);
            }
            if ui.button("Back").clicked() {
                next = Some(Stage::Options(preview.form.clone()));
            }
        });
        return next;
    }
    let chosen = preview
        .plan
        .actions
        .iter()
        .zip(&preview.checked)
        .filter(|(_, on)| **on)
        .map(|(a, _)| a);
    let sums = totals(chosen);
    let all = totals(&preview.plan.actions);
    ui.label(RichText::new(totals_text(&sums)).strong());
    if all.conflicts > 0 {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "{} left alone (changed on both sides, or no way to tell which is newer)",
                count(all.conflicts, "conflict", "conflicts")
            ),
        );
    }
    if all.deletes > 0 {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "{} of the {} planned deletions checked",
                sums.deletes, all.deletes
            ),
        );
    }
    let kinds: Vec<SyncAction> = preview.plan.actions.iter().map(|a| a.action).collect();
    if let Some(warning) = only_deletions_warning(&kinds) {
        ui.label(
            RichText::new(warning)
                .strong()
                .color(ui.visuals().error_fg_color),
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        let filter = ui
            .add(TextEdit::singleline(&mut preview.filter).desired_width(220.0))
            .labelled_by(label.id);
        if first_frame {
            filter.request_focus();
        }
        let visible: Vec<usize> = (0..preview.plan.actions.len())
            .filter(|&i| row_visible(preview, i))
            .collect();
        if ui.button("Check all").clicked() {
            for &i in &visible {
                preview.checked[i] = preview.plan.actions[i].action != SyncAction::Conflict;
            }
        }
        if ui.button("Uncheck all").clicked() {
            for &i in &visible {
                preview.checked[i] = false;
            }
        }
    });
    ui.separator();
    let rows: Vec<usize> = (0..preview.plan.actions.len())
        .filter(|&i| row_visible(preview, i))
        .collect();
    // The table takes what is left of the window, keeping room for the buttons under it.
    let used = ui.min_rect().height();
    let table_height = (height - used - 60.0).max(120.0);
    TableBuilder::new(ui)
        .id_salt("sync_plan")
        .striped(true)
        .max_scroll_height(table_height)
        .column(Column::remainder().at_least(240.0).clip(true))
        .column(Column::auto().at_least(150.0))
        .column(Column::auto().at_least(170.0))
        .column(Column::auto().at_least(70.0))
        .header(20.0, |mut header| {
            for title in ["Path", "Action", "Why", "Size"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, rows.len(), |mut row| {
                let index = rows[row.index()];
                let planned = &preview.plan.actions[index];
                let conflict = planned.action == SyncAction::Conflict;
                row.col(|ui| {
                    let slash = if planned.is_dir { "/" } else { "" };
                    let text = format!("{}{slash}", planned.path);
                    ui.add_enabled(
                        !conflict,
                        egui::Checkbox::new(&mut preview.checked[index], text),
                    )
                    .on_disabled_hover_text("Changed on both sides, or undecidable: left alone");
                });
                row.col(|ui| {
                    let text = RichText::new(planned.action.label());
                    let text = if planned.action.is_delete() || conflict {
                        text.color(ui.visuals().warn_fg_color)
                    } else {
                        text
                    };
                    ui.label(text);
                });
                row.col(|ui| {
                    ui.label(planned.reason.text());
                });
                row.col(|ui| {
                    if let Some(size) = planned.size {
                        ui.label(format::human_size(size));
                    }
                });
            });
        });
    ui.separator();
    ui.horizontal(|ui| {
        let any = preview
            .plan
            .actions
            .iter()
            .zip(&preview.checked)
            .any(|(a, on)| *on && a.action != SyncAction::Conflict);
        if ui
            .add_enabled(any, egui::Button::new("Run"))
            .on_hover_text(
                "Carry out the checked actions: folders and deletions now, files through the queue",
            )
            .clicked()
        {
            let mut plan = preview.plan.clone();
            plan.actions = plan
                .actions
                .into_iter()
                .zip(&preview.checked)
                .filter(|(a, on)| **on && a.action != SyncAction::Conflict)
                .map(|(a, _)| a)
                .collect();
            *pending = Some(Pending {
                request: plan.request.clone(),
                expected: None,
                ids: Vec::new(),
                failed: false,
            });
            actions.push(Action::Sync(Command::RunSync(Box::new(plan))));
            next = Some(Stage::Closed);
        }
        if ui.button("Back").clicked() {
            next = Some(Stage::Options(preview.form.clone()));
        }
        if ui.button("Cancel").clicked() {
            next = Some(Stage::Closed);
        }
    });
    next
}

fn row_visible(preview: &Preview, index: usize) -> bool {
    let planned = &preview.plan.actions[index];
    preview.filter.trim().is_empty()
        || matches_filter(
            &preview.filter,
            &format!(
                "{} {} {}",
                planned.path,
                planned.action.label(),
                planned.reason.text()
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::{SyncAction, matches_filter, only_deletions_warning};

    #[test]
    fn a_plan_that_only_deletes_is_pointed_out() {
        use SyncAction::*;
        // (actions, warned, the side named)
        let cases: [(&[SyncAction], bool, &str); 6] = [
            (
                &[DeleteRemote, DeleteRemote],
                true,
                "2 entries on the server",
            ),
            (&[DeleteLocal], true, "1 entry on this computer"),
            (&[DeleteRemote, Conflict], true, "1 entry on the server"),
            (&[DeleteRemote, Upload], false, ""),
            (&[Download, MakeLocalFolder], false, ""),
            (&[], false, ""),
        ];
        for (actions, warned, side) in cases {
            let warning = only_deletions_warning(actions);
            assert_eq!(warning.is_some(), warned, "{actions:?}");
            if let Some(text) = warning {
                assert!(text.contains(side), "{text}");
            }
        }
    }

    #[test]
    fn the_filter_takes_every_word() {
        assert!(matches_filter("css up", "site/a.CSS upload new here"));
        assert!(!matches_filter("css delete", "site/a.css upload new here"));
        assert!(matches_filter("", "anything"));
    }
}
