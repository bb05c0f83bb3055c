//! The questions the window asks by itself: an unknown or changed certificate, a password the
//! keyring does not hold, a file being edited that was saved, and quitting while transfers run.
//! Each returns its answer as an action.

use std::collections::VecDeque;
use std::path::PathBuf;

use crate::engine::tls::fingerprint_text;
use crate::engine::{ConnectRequest, Login};
use crate::protocol::path::RemotePath;
use crate::store::secret::Secret;
use crate::ui::accounts::Accounts;
use crate::ui::app::{Action, Actions, QuitPrompt};
use crate::ui::queue_panel::ActiveCounts;

/// "This file changed: upload it back?"
pub fn edit_prompt(
    ctx: &egui::Context,
    edited: &mut VecDeque<(PathBuf, RemotePath)>,
    actions: &mut Actions,
) {
    let Some((local, remote)) = edited.front().cloned() else {
        return;
    };
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("edit_prompt")).show(ctx, |ui| {
        ui.heading("A file you are editing changed");
        ui.label(format!("{} was saved.", local.display()));
        ui.label(format!("Upload it back to {remote}?"));
        ui.horizontal(|ui| {
            if ui.button("Upload").clicked() {
                answer = Some(true);
            }
            if ui.button("Not now").clicked() {
                answer = Some(false);
            }
        });
    });
    if let Some(upload) = answer {
        edited.pop_front();
        if upload {
            actions.push(Action::UploadEdited { local, remote });
        }
    }
}

/// A refused certificate: what is needed to decide, and Trust until Ferry closes / Always trust
/// / Cancel.
pub fn trust_dialog(ctx: &egui::Context, accounts: &mut Accounts, actions: &mut Actions) {
    let Some(question) = &accounts.trust_question else {
        return;
    };
    let info = &question.info;
    let mut answer: Option<Option<bool>> = None;
    egui::Modal::new(egui::Id::unique("trust_dialog")).show(ctx, |ui| {
        ui.set_width(600.0);
        if info.changed {
            ui.colored_label(
                ui.visuals().error_fg_color,
                egui::RichText::new("⚠ This server's certificate has CHANGED since you trusted it")
                    .strong()
                    .size(16.0),
            );
            ui.label("Someone may be intercepting the connection. Only accept if you know the server got a new certificate.");
        } else {
            ui.heading("Unknown certificate");
        }
        ui.label(format!(
            "{}:{} presented a certificate that could not be verified.",
            question.request.host, question.request.port
        ));
        // Rows laid out in one pass (no Grid, which sizes from the previous frame), so the
        // dialog does not shift under the pointer while it settles.
        for (name, value) in [
            ("Problem:", info.problem.clone()),
            ("Subject:", info.subject.clone()),
            ("Issuer:", info.issuer.clone()),
            ("Valid from:", info.valid_from.clone()),
            ("Valid until:", info.valid_until.clone()),
            ("SHA-256:", fingerprint_text(&info.fingerprint)),
        ] {
            ui.horizontal_top(|ui| {
                ui.scope(|ui| {
                    ui.set_width(90.0);
                    ui.label(name);
                });
                ui.add(egui::Label::new(egui::RichText::new(value).monospace()).wrap());
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            // For the rest of this run, as FileZilla's "OK" without "always": a walk was asked
            // again at each connection to the same server after "Trust once".
            if ui
                .button("Trust until Ferry closes")
                .on_hover_text("Accepted for this server until Ferry is closed, not saved")
                .clicked()
            {
                answer = Some(Some(false));
            }
            if ui.button("Always trust this certificate").clicked() {
                answer = Some(Some(true));
            }
            if ui.button("Cancel").clicked() {
                answer = Some(None);
            }
        });
    });
    let Some(answer) = answer else { return };
    let Some(question) = accounts.trust_question.take() else {
        return;
    };
    if let Some(always) = answer {
        actions.push(Action::Trust {
            fingerprint: question.info.fingerprint,
            request: Box::new(question.request),
            always,
        });
    }
}

/// Asks for a password the keyring doesn't hold (or for "ask for password" sites).
pub fn password_dialog(
    ctx: &egui::Context,
    prompt: &mut Option<(ConnectRequest, String)>,
    actions: &mut Actions,
) {
    let Some((request, typed)) = prompt else {
        return;
    };
    let mut done: Option<bool> = None;
    egui::Modal::new(egui::Id::unique("password_prompt")).show(ctx, |ui| {
        ui.heading("Password");
        // The sentence labels the field (a walk read "Password for demo on 127.0.0.1:" and
        // then a second "Password:" above the one field).
        // With the port: two sites on one host were told apart by nothing else (a walk).
        let label = ui.label(format!(
            "Password for {} on {}:{}",
            request.login.user(),
            request.host,
            request.port
        ));
        let field = ui
            .add(egui::TextEdit::singleline(typed).password(true))
            .labelled_by(label.id);
        // The keys go to the field when the prompt opens, and Tab goes on to the buttons.
        if !super::focused_once_since_shown(ui, field.id, field.has_focus()) {
            field.request_focus();
        }
        if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            done = Some(true);
        }
        ui.horizontal(|ui| {
            if ui.button("Connect").clicked() {
                done = Some(true);
            }
            if ui.button("Cancel").clicked() {
                done = Some(false);
            }
        });
    });
    let Some(connect) = done else { return };
    let Some((mut request, typed)) = prompt.take() else {
        return;
    };
    if connect {
        request.login = Login::Normal {
            user: request.login.user().to_owned(),
            password: Secret::new(typed),
        };
        actions.push(Action::ConnectWith(Box::new(request)));
    }
}

/// Closing the window while transfers run asks first; they resume on the next start when the
/// queue is kept (`queue_kept`: not the demo's).
pub fn quit_prompt(
    ctx: &egui::Context,
    quit: &mut QuitPrompt,
    running: ActiveCounts,
    queue_kept: bool,
    actions: &mut Actions,
) {
    if !quit.asking {
        return;
    }
    let modal = egui::Modal::new(egui::Id::unique("quit_prompt")).show(ctx, |ui| {
        ui.heading("Transfers are still running");
        ui.label(running.unfinished_text(queue_kept));
        ui.horizontal(|ui| {
            if ui.button("Quit").clicked() {
                actions.push(Action::Quit);
            }
            if ui.button("Keep running").clicked() {
                quit.asking = false;
            }
        });
    });
    // Escape (or a click beside the question) is the safe answer, as in any dialog.
    if modal.should_close() {
        quit.asking = false;
    }
}
