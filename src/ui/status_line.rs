//! The status line: connection state (with a spinner while connecting), a lock for TLS, the
//! latest note, and what each pane shows.

use super::ConnectionState;
use super::app::AppState;

pub fn show(ui: &mut egui::Ui, state: &AppState) {
    ui.horizontal(|ui| {
        // The counts first, from the right, so a long note is what gets cut short.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Right to left: the server's, then the local pane's.
            if let Some(counts) = state.remote.counts() {
                ui.label(format!("Server: {counts}"));
            }
            if let Some(counts) = state.local.counts() {
                ui.separator();
                ui.label(format!("Local: {counts}"));
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
            ui.label(format!("Connecting to {target}…"));
        }
        ConnectionState::Connected { target } => {
            if state.remote.is_loading() {
                ui.add(egui::Spinner::new());
            }
            lock(ui, state);
            ui.label(format!("Connected to {target}"));
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
