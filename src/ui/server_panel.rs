//! The server panel: the welcome view (greeting, login message, system, features, folder) beside
//! the message log.

use egui::RichText;

use super::{FerryApp, message_log};

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    // The welcome view and the log side by side: both are what a person reads while connecting.
    let half = ui.available_width() * 0.45;
    egui::Panel::left("welcome_view")
        .resizable(true)
        .default_size(half)
        .min_size(200.0)
        .show(ui, |ui| {
            ui.strong("Welcome");
            ui.separator();
            welcome(ui, app);
        });
    egui::CentralPanel::default().show(ui, |ui| {
        ui.strong("Message log");
        ui.separator();
        message_log::show(ui, &mut app.log);
    });
}

fn welcome(ui: &mut egui::Ui, app: &FerryApp) {
    // The scroll area fills the panel even when there is little to show, so the panel keeps
    // the height the user gave it.
    egui::ScrollArea::vertical()
        .id_salt("welcome")
        .auto_shrink(false)
        .show(ui, |ui| {
            let Some(server) = &app.server else {
                ui.add_space(8.0);
                ui.weak("Not connected. Enter a host above, or paste an ftp:// address, and press Connect.");
                return;
            };
            ui.label(format!("From {}:{}", server.host, server.port));
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                for line in &server.greeting {
                    ui.label(RichText::new(line).monospace());
                }
            });
            ui.add_space(4.0);
            if server.login_message.iter().any(|l| !l.trim().is_empty()) {
                ui.strong("Login message:");
                for line in &server.login_message {
                    ui.label(RichText::new(line).monospace());
                }
                ui.add_space(4.0);
            }
            ui.label(format!(
                "System: {}",
                server.system.as_deref().unwrap_or("(the server did not say)")
            ));
            let folder = app.remote.current.as_ref().unwrap_or(&server.cwd);
            ui.label(format!("Current folder: {}", app.remote.display(folder)));
            let title = format!("Features ({})", server.features.lines.len());
            egui::CollapsingHeader::new(title)
                .id_salt("features")
                .show(ui, |ui| {
                    for feature in &server.features.lines {
                        ui.label(RichText::new(feature).monospace());
                    }
                });
        });
}
