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
