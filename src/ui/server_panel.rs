//! The welcome and message log area: a title line (which stays when the area is folded, and
//! then shows the newest log line), the welcome view (greeting, login message, system, features,
//! folder) and the message log side by side with a divider between them.

use egui::RichText;

use super::app::{Action, Actions, AppState};
use super::layout::LOG_TITLE;
use super::message_log;
use super::widgets::{self, Divide, DividerDrag};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let area = ui.max_rect();
    let (title, body) = (
        egui::Rect::from_min_size(area.min, egui::vec2(area.width(), LOG_TITLE)),
        egui::Rect::from_min_max(area.min + egui::vec2(0.0, LOG_TITLE), area.max),
    );
    let window = &mut state.settings.window;
    widgets::area(ui, title, "log_title", "Message log title", |ui| {
        ui.horizontal_centered(|ui| {
            let (arrow, verb) = if window.log_collapsed {
                ("⏵", "Show the welcome and message log")
            } else {
                ("⏷", "Fold the welcome and message log")
            };
            let fold = ui.add(egui::Button::new(arrow).frame(false));
            fold.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, verb));
            if fold.on_hover_text(verb).clicked() {
                window.log_collapsed = !window.log_collapsed;
                actions.push(Action::SaveLayout);
            }
            ui.strong("Welcome · Message log");
            ui.weak(format!("{} lines", state.log.len()));
            message_log::buttons(ui, &mut state.log);
            if window.log_collapsed
                && let Some(line) = state.log.last()
            {
                ui.add(
                    egui::Label::new(RichText::new(line.to_text()).monospace().weak()).truncate(),
                );
            }
        });
    });
    if window.log_collapsed || body.height() < 8.0 {
        return;
    }
    let (welcome_rect, log_rect, drag) = widgets::divider(
        ui,
        ui.scope_id().with("welcome_divider"),
        body,
        Divide::Columns,
        body.width() * window.welcome_share,
        egui::Rangef::new(160.0, (body.width() - 240.0).max(160.0)),
        "Resize the welcome view",
    );
    match drag {
        DividerDrag::Moved(width) => window.welcome_share = width / body.width().max(1.0),
        DividerDrag::Released => actions.push(Action::SaveLayout),
        DividerDrag::None => {}
    }
    widgets::area(ui, welcome_rect, "welcome", "Welcome", |ui| {
        welcome(ui, state)
    });
    widgets::area(ui, log_rect, "log", "Message log", |ui| {
        message_log::show(ui, &mut state.log)
    });
}

fn welcome(ui: &mut egui::Ui, state: &AppState) {
    // The scroll area fills its place even when there is little to show.
    egui::ScrollArea::vertical()
        .id_salt("welcome")
        .auto_shrink(false)
        .show(ui, |ui| {
            let Some(server) = &state.server else {
                ui.add_space(4.0);
                ui.weak("Not connected. Enter a host above, or paste an ftp:// address, and press Connect.");
                return;
            };
            // The facts first: a long greeting would push them out of the short area.
            ui.label(format!("From {}:{}", server.host, server.port));
            let folder = state.remote.current().unwrap_or(&server.cwd);
            let shown = state.remote.encoding().decode(folder.as_bytes());
            ui.label(format!("Current folder: {shown}"));
            ui.label(format!(
                "System: {}",
                server.system.as_deref().unwrap_or("(the server did not say)")
            ));
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                for line in &server.greeting {
                    ui.label(RichText::new(line).monospace());
                }
            });
            if server.login_message.iter().any(|l| !l.trim().is_empty()) {
                ui.strong("Login message:");
                for line in &server.login_message {
                    ui.label(RichText::new(line).monospace());
                }
            }
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
