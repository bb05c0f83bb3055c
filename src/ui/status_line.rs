//! The status line: connection state (with a spinner while connecting), a lock for TLS, the
//! latest note, and what each pane shows.

use super::ConnectionState;
use super::app::AppState;
use super::format::ShownCounts;
use super::widgets::text_width;

/// The room a note keeps beside the counts: what is selected gives way first (a walk at
/// 800×600 read only "notes.txt…" of a failure, beside the selections' sizes).
const NOTE_LEAST: f32 = 320.0;
/// About what "Connected to host:port" takes, left of the note.
const CONNECTION_ROOM: f32 = 220.0;

pub fn show(ui: &mut egui::Ui, state: &AppState) {
    ui.horizontal(|ui| {
        let counts = |with_selection: bool| {
            let text = |side: &str, counts: Option<ShownCounts>| {
                counts.map(|counts| {
                    let counts = ShownCounts {
                        selected: counts.selected.filter(|_| with_selection),
                        ..counts
                    };
                    format!("{side}: {counts}")
                })
            };
            // Right to left, as the panes are: the right pane's counts first.
            let server = text("Server", state.remote.counts());
            let local = text("Local", state.local.counts());
            if state.settings.window.local_on_right {
                [local, server]
            } else {
                [server, local]
            }
        };
        // What is selected gives way when the counts, the connection and the note (if any)
        // don't fit: at 800×600 a walk read "127.0.0.1:3997Local: 3 files…", the connection
        // and the local pane's selection written over each other.
        let mut shown = counts(true);
        let note_room = if state.notices.current().is_some() {
            NOTE_LEAST
        } else {
            0.0
        };
        let wanted: f32 = shown
            .iter()
            .flatten()
            .map(|t| text_width(ui, t) + 16.0)
            .sum();
        if wanted + CONNECTION_ROOM + note_room > ui.available_width() {
            shown = counts(false);
        }
        // The counts first, from the right, so a long note is what gets cut short.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Right to left: the right pane's, then the left one's (a walk with the local
            // files on the right read "Local: … | Server: …", the other way round).
            let [right, left] = shown;
            if let Some(right) = right {
                ui.label(right);
            }
            if let Some(left) = left {
                ui.separator();
                ui.label(left);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                connection(ui, state);
                if let Some(notice) = state.notices.current() {
                    ui.separator();
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(notice).color(ui.visuals().warn_fg_color),
                        )
                        .truncate(),
                    );
                }
            });
        });
    });
}

fn connection(ui: &mut egui::Ui, state: &AppState) {
    match &state.connection {
        ConnectionState::Connecting { target } => {
            ui.add(egui::Spinner::new());
            ui.add(egui::Label::new(format!("Connecting to {target}…")).truncate());
        }
        ConnectionState::Connected { target, dropped } => {
            if state.remote.is_loading() {
                ui.add(egui::Spinner::new());
            }
            lock(ui, state);
            // Cut short rather than written under the counts (a long host name).
            let text = match dropped {
                None => egui::RichText::new(format!("Connected to {target}")),
                Some(why) => egui::RichText::new(format!(
                    "{target}: disconnected ({why}); Ferry logs in again at the next action"
                ))
                .weak(),
            };
            ui.add(egui::Label::new(text).truncate());
        }
        ConnectionState::Disconnected {
            reason: Some(reason),
        } => {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!("Disconnected: {reason}"))
                        .color(ui.visuals().error_fg_color),
                )
                .truncate(),
            );
        }
        ConnectionState::Disconnected { reason: None } => {
            ui.label("Not connected");
        }
    }
}

/// 🔒 when commands and data are encrypted, 🔓 otherwise, with the details on hover.
fn lock(ui: &mut egui::Ui, state: &AppState) {
    let Some(security) = state.server.as_ref().map(|s| &s.security) else {
        return;
    };
    let (icon, text) = match (security.control, security.data) {
        (true, true) => ("🔒", "Encrypted: commands, password and data".to_owned()),
        (true, false) => (
            "🔓",
            "Commands and password encrypted; file data NOT encrypted".to_owned(),
        ),
        _ => (
            "🔓",
            "Not encrypted: the password and files travel in the clear".to_owned(),
        ),
    };
    let details = security
        .details
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let label = ui.label(icon).on_hover_text(format!("{text}{details}"));
    let spoken = if security.control && security.data {
        "Connection encrypted"
    } else {
        "Connection not fully encrypted"
    };
    label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, spoken));
}
