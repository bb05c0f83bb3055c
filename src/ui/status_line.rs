//! The status line: connection state (with a spinner while connecting) and what is listed.

use super::{ConnectionState, FerryApp};

pub fn show(ui: &mut egui::Ui, app: &FerryApp) {
    ui.horizontal(|ui| {
        match &app.connection {
            ConnectionState::Connecting { target } => {
                ui.add(egui::Spinner::new());
                ui.label(format!("Connecting to {target}…"));
            }
            ConnectionState::Connected { target } => {
                if app.remote.is_loading() {
                    ui.add(egui::Spinner::new());
                }
                lock(ui, app);
                ui.label(format!("Connected to {target}"));
            }
            ConnectionState::Disconnected {
                reason: Some(reason),
            } => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Disconnected: {reason}"),
                );
            }
            ConnectionState::Disconnected { reason: None } => {
                ui.label("Not connected");
            }
        }
        if let Some(notice) = &app.notice {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, notice);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if app.remote.current.is_some() {
                let (files, folders) = app.remote.counts();
                ui.label(format!("{files} files and {folders} folders"));
            }
        });
    });
}

/// 🔒 when commands and data are encrypted, 🔓 otherwise, with the details on hover.
fn lock(ui: &mut egui::Ui, app: &FerryApp) {
    let Some(security) = app.server.as_ref().map(|s| &s.security) else {
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
