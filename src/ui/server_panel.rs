//! The server panel: the Welcome tab (greeting, login message, system, features, folder) and the
//! Message log tab.

use egui::RichText;

use super::{FerryApp, ServerTab, message_log};

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut app.server_tab, ServerTab::Welcome, "Welcome");
        let log_title = format!("Message log ({})", app.log.len());
        ui.selectable_value(&mut app.server_tab, ServerTab::MessageLog, log_title);
    });
    ui.separator();
    match app.server_tab {
        ServerTab::Welcome => welcome(ui, app),
        ServerTab::MessageLog => message_log::show(ui, &mut app.log),
    }
}

fn welcome(ui: &mut egui::Ui, app: &FerryApp) {
    let Some(server) = &app.server else {
        ui.add_space(8.0);
        ui.weak(
            "Not connected. Enter a host above, or paste an ftp:// address, and press Connect.",
        );
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("welcome")
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.strong(format!(
                "Welcome message from {}:{}",
                server.host, server.port
            ));
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                for line in &server.greeting {
                    ui.label(RichText::new(line).monospace());
                }
            });
            if server.login_message.iter().any(|l| !l.trim().is_empty()) {
                ui.add_space(4.0);
                ui.strong("Login message:");
                for line in &server.login_message {
                    ui.label(RichText::new(line).monospace());
                }
            }
            ui.add_space(4.0);
            ui.label(format!(
                "System: {}",
                server
                    .system
                    .as_deref()
                    .unwrap_or("(the server did not say)")
            ));
            let folder = app.remote.path.as_ref().unwrap_or(&server.cwd);
            ui.label(format!("Current folder: {folder}"));
            let title = format!("Features ({})", server.features.lines.len());
            egui::CollapsingHeader::new(title)
                .id_salt("features")
                .default_open(false)
                .show(ui, |ui| {
                    for feature in &server.features.lines {
                        ui.label(RichText::new(feature).monospace());
                    }
                });
        });
}
