//! The Settings window: everything in `settings.toml`, in FileZilla's groups (connection,
//! transfers, panes, appearance). Changes are made to a copy; OK applies and saves them,
//! Cancel forgets them.

use egui::{DragValue, Ui};

use super::app::{Action, Actions};
use crate::store::settings::{ConflictPolicy, Settings, Theme, TransferType};

/// The window, when open: the settings being edited.
#[derive(Default)]
pub struct SettingsWindow {
    draft: Option<Settings>,
    /// The ASCII extensions as typed (split into the list on OK).
    extensions: String,
    /// Opened since the last frame: it opens at the top, not where it was scrolled to last time
    /// (a walk reopened it half-way down and took the first groups for gone).
    just_opened: bool,
}

impl SettingsWindow {
    pub fn open(&mut self, settings: &Settings) {
        self.extensions = settings.transfers.ascii_extensions.join(", ");
        self.draft = Some(settings.clone());
        self.just_opened = true;
    }

    pub fn is_open(&self) -> bool {
        self.draft.is_some()
    }
}

/// A number field with its name beside it.
fn number<T: egui::emath::Numeric>(
    ui: &mut Ui,
    name: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    suffix: &str,
    hint: &str,
) {
    let label = ui.label(name);
    ui.add(DragValue::new(value).range(range).suffix(suffix))
        .labelled_by(label.id)
        .on_hover_text(hint);
    ui.end_row();
}

pub fn show(ctx: &egui::Context, window: &mut SettingsWindow, actions: &mut Actions) {
    let Some(draft) = &mut window.draft else {
        return;
    };
    let popup_was_open = egui::Popup::is_any_open(ctx);
    let mut open = true;
    let mut done: Option<bool> = None;
    let from_the_top = std::mem::take(&mut window.just_opened);
    egui::Window::new("Settings")
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(520.0)
        // As tall as the screen allows from the start: a short first window hid its lower
        // sections below a scroll bar that was easy to miss.
        .default_height(ctx.content_rect().height() - 80.0)
        .max_height(ctx.content_rect().height() - 80.0)
        .show(ctx, |ui| {
            // A name for the window's contents, for screen readers (and tests) to find them.
            let contents = egui::UiBuilder::new().accessibility_label("Settings window");
            ui.scope_builder(contents, |ui| {
                let mut scroll =
                    egui::ScrollArea::vertical().max_height(ctx.content_rect().height() - 160.0);
                if from_the_top {
                    scroll = scroll.vertical_scroll_offset(0.0);
                }
                scroll.show(ui, |ui| {
                    connection(ui, draft);
                    transfers(ui, draft, &mut window.extensions);
                    panes(ui, draft);
                    appearance(ui, draft);
                });
            });
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    done = Some(false);
                }
                if ui
                    .button("Defaults")
                    .on_hover_text("Put every setting back to how Ferry comes (OK to keep)")
                    .clicked()
                {
                    let window_sizes = draft.window.clone();
                    *draft = Settings::default();
                    // The panes' sizes are the person's, not a setting to reset here.
                    draft.window = crate::store::settings::WindowSettings {
                        theme: Theme::System,
                        local_on_right: false,
                        upload_edits_without_asking: false,
                        show_hidden_local: false,
                        show_hidden_remote: true,
                        ..window_sizes
                    };
                    window.extensions = draft.transfers.ascii_extensions.join(", ");
                }
            });
        });
    // Esc is Cancel, as in every options dialog (unless a question above it takes the key).
    if !open || super::widgets::escape_for_window(ctx, popup_was_open) {
        done = done.or(Some(false));
    }
    let Some(keep) = done else { return };
    let Some(mut settings) = window.draft.take() else {
        return;
    };
    if keep {
        settings.transfers.ascii_extensions = window
            .extensions
            .split([',', ' '])
            .map(|e| e.trim().trim_start_matches('.').to_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        actions.push(Action::ApplySettings(Box::new(settings)));
    }
}

fn connection(ui: &mut Ui, settings: &mut Settings) {
    ui.heading("Connection");
    egui::Grid::new("settings_connection")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            number(
                ui,
                "Connect timeout:",
                &mut settings.connect_timeout_secs,
                1..=600,
                " s",
                "How long to wait for the server to answer a connection and greet",
            );
            number(
                ui,
                "Reply timeout:",
                &mut settings.command_timeout_secs,
                1..=600,
                " s",
                "How long to wait for any reply, or for data to move",
            );
            ui.label("");
            ui.checkbox(
                &mut settings.keep_alive,
                "Keep idle connections alive (NOOP)",
            )
            .on_hover_text("Servers and routers drop connections that stay quiet too long");
            ui.end_row();
            ui.add_enabled_ui(settings.keep_alive, |ui| {
                ui.label("Keep-alive every:");
            });
            ui.add_enabled_ui(settings.keep_alive, |ui| {
                ui.horizontal(|ui| {
                    let from = ui.label("from");
                    ui.add(
                        DragValue::new(&mut settings.keep_alive_min_secs)
                            .range(5..=3600)
                            .suffix(" s"),
                    )
                    .labelled_by(from.id);
                    let to = ui.label("to");
                    let least = settings.keep_alive_min_secs;
                    ui.add(
                        DragValue::new(&mut settings.keep_alive_max_secs)
                            .range(least..=3600)
                            .suffix(" s"),
                    )
                    .labelled_by(to.id)
                    .on_hover_text("A random wait in this range, so no server sees a fixed rhythm");
                });
            });
            ui.end_row();
        });
    ui.weak("Timeouts and keep-alive take effect on the next connection.");
    ui.add_space(8.0);
}

fn transfers(ui: &mut Ui, settings: &mut Settings, extensions: &mut String) {
    ui.heading("Transfers");
    let transfers = &mut settings.transfers;
    egui::Grid::new("settings_transfers")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            number(
                ui,
                "Simultaneous transfers:",
                &mut transfers.parallel,
                1..=10,
                "",
                "Transfers running at once, each on a connection of its own",
            );
            number(
                ui,
                "Retries:",
                &mut transfers.retries,
                0..=20,
                "",
                "Attempts after a dropped connection, with growing pauses between",
            );
            number(
                ui,
                "First pause before a retry:",
                &mut transfers.retry_delay_ms,
                10..=30_000,
                " ms",
                "It doubles with each attempt, up to 30 s",
            );
            for (name, value, hint) in super::widgets::speed_limit_fields(transfers) {
                let label = ui.label(name);
                super::widgets::speed_limit(ui, value)
                    .labelled_by(label.id)
                    .on_hover_text(hint);
                ui.end_row();
            }
            let label = ui.label("When a file exists:");
            egui::ComboBox::from_id_salt("conflict_default")
                .selected_text(transfers.conflict_policy.label())
                .show_ui(ui, |ui| {
                    let choices =
                        std::iter::once(ConflictPolicy::Ask).chain(ConflictPolicy::CHOICES);
                    for policy in choices {
                        ui.selectable_value(&mut transfers.conflict_policy, policy, policy.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Transfer type:");
            egui::ComboBox::from_id_salt("transfer_type_default")
                .selected_text(transfers.transfer_type.label())
                .show_ui(ui, |ui| {
                    for choice in TransferType::CHOICES {
                        ui.selectable_value(&mut transfers.transfer_type, choice, choice.label());
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text("Binary sends every byte unchanged; ASCII converts line endings; Auto uses ASCII for the extensions below. A site can choose its own.");
            ui.end_row();
            let label = ui.label("ASCII for:");
            ui.add(egui::TextEdit::singleline(extensions).desired_width(280.0))
                .labelled_by(label.id)
                .on_hover_text(
                    "File extensions sent in ASCII mode (line endings converted), separated by commas",
                );
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut transfers.preserve_times, "Keep modification times")
                .on_hover_text("Downloads get the server's time; uploads the local one (MFMT)");
            ui.end_row();
            number(
                ui,
                "Close idle connections after:",
                &mut transfers.idle_close_secs,
                5..=3600,
                " s",
                "A transfer connection with nothing to do is closed after this long",
            );
            number(
                ui,
                "Connections per large download:",
                &mut transfers.segments,
                1..=10,
                "",
                "Up to this many connections fetch parts of one large download at once, when the server allows it (REST STREAM); 1 = off. More connections join only when one would still need over 2 s: much faster from servers that limit each connection's speed, and no extra load for a file that comes fast anyway.",
            );
            number(
                ui,
                "Split downloads from:",
                &mut transfers.segment_threshold_mib,
                1..=1_000_000,
                " MiB",
                "Files at least this big are split over several connections, each part at least 4 MiB (so a file needs 8 MiB for two parts)",
            );
        });
    ui.add_space(8.0);
}

fn panes(ui: &mut Ui, settings: &mut Settings) {
    ui.heading("Panes");
    let window = &mut settings.window;
    ui.checkbox(&mut window.local_on_right, "Local files on the right")
        .on_hover_text("The server's files on the left (FileZilla has the local ones left)");
    ui.checkbox(&mut window.show_hidden_local, "Show hidden local files");
    ui.checkbox(
        &mut window.show_hidden_remote,
        "Show hidden files on the server",
    );
    ui.checkbox(
        &mut window.upload_edits_without_asking,
        "Upload edited files when saved, without asking",
    );
    ui.add_space(8.0);
}

fn appearance(ui: &mut Ui, settings: &mut Settings) {
    ui.heading("Appearance");
    ui.horizontal(|ui| {
        for (theme, name) in [
            (Theme::System, "Like the system"),
            (Theme::Light, "Light"),
            (Theme::Dark, "Dark"),
        ] {
            ui.radio_value(&mut settings.window.theme, theme, name);
        }
    });
}
