//! The window's side of saved sites, passwords, the quick-connect history and trusted
//! certificates: everything that reads or writes the disk or the keyring does it on a helper
//! thread and reports back through `Background`.

use std::path::PathBuf;
use std::sync::mpsc;

use super::FerryApp;
use crate::engine::tls::{fingerprint_text, parse_fingerprint};
use crate::engine::{CertificateInfo, Command, ConnectRequest, Login};
use crate::store::history::{History, Recent};
use crate::store::secret::Secret;
use crate::store::secrets::{self, SecretError};
use crate::store::sites::{self, Logon, Site, SiteFolder};
use crate::store::trust::TrustedCertificates;

/// What a helper thread reports.
pub enum Background {
    Keyring(Result<(), SecretError>),
    Imported {
        sites: SiteFolder,
        skipped: Vec<String>,
        passwords: usize,
    },
    Notice(String),
}

/// Whether passwords can be kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeyringState {
    #[default]
    Unknown,
    Available,
    Missing(String),
}

/// The certificate question, with the connection to retry once answered.
pub struct TrustQuestion {
    pub info: CertificateInfo,
    pub request: ConnectRequest,
}

pub struct Accounts {
    pub history: History,
    pub trusted: TrustedCertificates,
    pub keyring: KeyringState,
    pub background: (mpsc::Sender<Background>, mpsc::Receiver<Background>),
    /// The last connection asked for, to retry after a trust decision (password in memory only).
    pub last_request: Option<ConnectRequest>,
    pub trust_question: Option<TrustQuestion>,
}

impl Accounts {
    pub fn new(config: Option<&std::path::Path>) -> Self {
        let (history, trusted) = match config {
            Some(dir) => (History::load(dir), TrustedCertificates::load(dir)),
            None => Default::default(),
        };
        Self {
            history,
            trusted,
            keyring: KeyringState::Unknown,
            background: mpsc::channel(),
            last_request: None,
            trust_question: None,
        }
    }
}

impl FerryApp {
    /// Starts a connection: trusted certificates for that server are added, the server is
    /// remembered in the history (without its password), and the request kept for a retry.
    pub fn connect_with(&mut self, mut request: ConnectRequest) {
        self.notice = None;
        request.tls.trusted = self
            .accounts
            .trusted
            .for_server(&request.host, request.port)
            .iter()
            .filter_map(|text| parse_fingerprint(text))
            .chain(request.tls.trusted.iter().copied())
            .collect();
        self.accounts.history.remember(Recent {
            host: request.host.clone(),
            port: request.port,
            user: match &request.login {
                Login::Anonymous => String::new(),
                other => other.user().to_owned(),
            },
        });
        self.save_in_background(|dir, app| {
            let history = app.accounts.history.clone();
            move || {
                history
                    .save(&dir)
                    .err()
                    .map(|e| format!("Could not save the history: {e}"))
            }
        });
        self.connection = super::ConnectionState::Connecting {
            target: format!("{}:{}", request.host, request.port),
        };
        self.server = None;
        self.remote = super::RemoteView::new(request.encoding);
        self.accounts.last_request = Some(request.clone());
        self.engine.send(Command::Connect(request));
    }

    /// Runs a save on a helper thread; `make` builds the job from the config folder and the
    /// app's state, and the job returns a problem to show, if any.
    fn save_in_background<F, J>(&self, make: F)
    where
        F: FnOnce(PathBuf, &FerryApp) -> J,
        J: FnOnce() -> Option<String> + Send + 'static,
    {
        let Some(dirs) = &self.dirs else { return };
        let job = make(dirs.config.clone(), self);
        let report = self.accounts.background.0.clone();
        std::thread::spawn(move || {
            if let Some(problem) = job() {
                let _ = report.send(Background::Notice(problem));
            }
        });
    }

    pub fn save_sites(&mut self) {
        self.sites_dirty = false;
        self.save_in_background(|dir, app| {
            let sites = app.sites.clone();
            move || sites::save(&dir, &sites).err().map(|e| e.to_string())
        });
    }

    /// Stores the password typed for a site, when it changed.
    pub fn save_site_password(&mut self, site: &Site) {
        if !self.site_manager.password_changed || site.logon != Logon::Normal {
            return;
        }
        self.site_manager.password_changed = false;
        let password = Secret::new(std::mem::take(&mut self.site_manager.password));
        let key = site.id.clone();
        let report = self.accounts.background.0.clone();
        std::thread::spawn(move || {
            let _ = report.send(Background::Keyring(secrets::save_password(&key, &password)));
        });
    }

    pub fn forget_password(&mut self, key: String) {
        std::thread::spawn(move || {
            let _ = secrets::forget_password(&key);
        });
    }

    /// The quick-connect history, newest first.
    pub fn accounts_recent(&self) -> Vec<Recent> {
        self.accounts.history.recent.clone()
    }

    pub fn keyring_missing(&self) -> bool {
        matches!(self.accounts.keyring, KeyringState::Missing(_))
    }

    /// Looks once (off this thread) whether there is a keyring.
    pub fn probe_keyring(&self) {
        let report = self.accounts.background.0.clone();
        std::thread::spawn(move || {
            let _ = report.send(Background::Keyring(secrets::init()));
        });
    }

    pub fn import_filezilla(&mut self, path: PathBuf) {
        let report = self.accounts.background.0.clone();
        std::thread::spawn(move || {
            let message = match std::fs::read_to_string(&path) {
                Ok(xml) => match crate::store::filezilla::import(&xml) {
                    Ok(imported) => {
                        // Passwords go straight to the keyring; the sites come back without them.
                        let saved = imported
                            .passwords
                            .iter()
                            .filter(|(key, password)| secrets::save_password(key, password).is_ok())
                            .count();
                        Background::Imported {
                            sites: imported.sites,
                            skipped: imported.skipped,
                            passwords: saved,
                        }
                    }
                    Err(e) => Background::Notice(e.to_string()),
                },
                Err(e) => Background::Notice(format!("Could not read {}: {e}", path.display())),
            };
            let _ = report.send(message);
        });
    }

    pub fn export_filezilla(&mut self, path: PathBuf) {
        let xml = crate::store::filezilla::export(&self.sites);
        let report = self.accounts.background.0.clone();
        std::thread::spawn(move || {
            let message = match crate::store::atomic::write_atomically(&path, xml.as_bytes()) {
                Ok(()) => format!(
                    "Exported the sites (without passwords) to {}",
                    path.display()
                ),
                Err(e) => format!("Could not write {}: {e}", path.display()),
            };
            let _ = report.send(Background::Notice(message));
        });
    }

    /// Takes what the helper threads reported.
    pub(super) fn poll_background(&mut self) {
        while let Ok(message) = self.accounts.background.1.try_recv() {
            match message {
                Background::Keyring(Ok(())) => self.accounts.keyring = KeyringState::Available,
                Background::Keyring(Err(e)) => {
                    // Said once; from then on the password is asked when connecting.
                    // The short form in the status line, the technical one in the log.
                    if !self.keyring_missing() {
                        self.notice = Some(
                            "No password keyring on this system: Ferry will ask for saved sites' passwords when connecting".into(),
                        );
                        self.log.push(crate::engine::LogLine::now(
                            crate::engine::LogKind::Error,
                            e.to_string(),
                        ));
                    }
                    self.accounts.keyring = KeyringState::Missing(e.to_string());
                }
                Background::Imported {
                    sites,
                    skipped,
                    passwords,
                } => {
                    let count = sites.all_sites().len();
                    self.sites.folders.push(SiteFolder {
                        name: "Imported from FileZilla".into(),
                        ..sites
                    });
                    self.save_sites();
                    let mut note =
                        format!("Imported {count} sites ({passwords} passwords into the keyring)");
                    if !skipped.is_empty() {
                        note.push_str(&format!("; left out (not FTP): {}", skipped.join(", ")));
                    }
                    self.notice = Some(note);
                }
                Background::Notice(text) => self.notice = Some(text),
            }
        }
    }

    /// A refused certificate: ask, with what is needed to decide.
    pub(super) fn ask_trust(&mut self, info: CertificateInfo) {
        if let Some(request) = self.accounts.last_request.clone() {
            self.accounts.trust_question = Some(TrustQuestion { info, request });
        }
    }

    pub(super) fn trust_dialog(&mut self, ctx: &egui::Context) {
        let Some(question) = &self.accounts.trust_question else {
            return;
        };
        let info = question.info.clone();
        let mut answer: Option<Option<bool>> = None;
        egui::Modal::new(egui::Id::unique("trust_dialog")).show(ctx, |ui| {
            ui.set_width(600.0);
            if info.changed {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    egui::RichText::new("⚠ This server's certificate has CHANGED since you trusted it").strong().size(16.0),
                );
                ui.label("Someone may be intercepting the connection. Only accept if you know the server got a new certificate.");
            } else {
                ui.heading("Unknown certificate");
            }
            ui.label(format!("{}:{} presented a certificate that could not be verified.", question.request.host, question.request.port));
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
                if ui.button("Trust once").clicked() {
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
        let Some(question) = self.accounts.trust_question.take() else {
            return;
        };
        let Some(always) = answer else { return };
        let mut request = question.request;
        request.tls.trusted.push(info.fingerprint);
        if always {
            self.accounts.trusted.add(
                &request.host,
                request.port,
                fingerprint_text(&info.fingerprint),
            );
            self.save_in_background(|dir, app| {
                let trusted = app.accounts.trusted.clone();
                move || {
                    trusted
                        .save(&dir)
                        .err()
                        .map(|e| format!("Could not save the trusted certificate: {e}"))
                }
            });
        }
        self.connect_with(request);
    }

    /// Asks for a password the keyring doesn't hold (or for "ask for password" sites).
    pub(super) fn password_dialog(&mut self, ctx: &egui::Context) {
        let Some((request, typed)) = &mut self.password_prompt else {
            return;
        };
        let mut done: Option<bool> = None;
        egui::Modal::new(egui::Id::unique("password_prompt")).show(ctx, |ui| {
            ui.heading("Password");
            ui.label(format!(
                "Password for {} on {}:",
                request.login.user(),
                request.host
            ));
            let label = ui.label("Password:");
            let field = ui
                .add(egui::TextEdit::singleline(typed).password(true))
                .labelled_by(label.id);
            if !field.has_focus() && !field.lost_focus() {
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
        let Some((mut request, typed)) = self.password_prompt.take() else {
            return;
        };
        if connect {
            request.login = Login::Normal {
                user: request.login.user().to_owned(),
                password: Secret::new(typed),
            };
            self.connect_with(request);
        }
    }
}
