//! The connection bar: host, port, user, password, anonymous, passive/active, Connect/Disconnect.

use egui::{Key, TextEdit};

use super::{ConnectionState, FerryApp};
use crate::engine::{ConnectRequest, DataMode, Login, Timeouts, TlsMode, TlsOptions, TransferType};
use crate::protocol::listing::NameEncoding;
use crate::protocol::path::RemotePath;
use crate::protocol::url::{Scheme, UrlError, looks_like_url, parse_url};
use crate::store::secret::Secret;
use crate::store::settings::Settings;

/// What the connection bar holds. The password lives here only while the window is open.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConnectionForm {
    pub host: String,
    pub port: String,
    pub user: String,
    pub password: String,
    pub anonymous: bool,
    pub data_mode: DataMode,
    /// How the server's file names are encoded.
    pub encoding: NameEncoding,
    /// The server's time zone, minutes east of UTC, for the times in LIST replies.
    pub server_offset_minutes: i32,
    /// Plain FTP, TLS if available (the default), explicit or implicit TLS.
    pub tls_mode: TlsMode,
    /// Binary, ASCII or Auto for this connection; `None` uses the setting.
    pub transfer_type: Option<TransferType>,
    /// The folder named by a pasted URL, opened after connecting.
    pub pending_path: Option<RemotePath>,
}

impl std::fmt::Debug for ConnectionForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionForm")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"****")
            .field("anonymous", &self.anonymous)
            .finish_non_exhaustive()
    }
}

impl ConnectionForm {
    pub fn from_url(url: &str, data_mode: DataMode) -> Result<Self, UrlError> {
        let mut form = Self {
            data_mode,
            ..Self::default()
        };
        form.fill_from_url(url)?;
        Ok(form)
    }

    /// Fills every field a URL names; `ftp://user@host:port/path` pasted into the host field.
    pub fn fill_from_url(&mut self, text: &str) -> Result<(), UrlError> {
        let url = parse_url(text)?;
        self.host = url.host;
        self.port = url.port.to_string();
        // The host field keeps only the host, so the scheme's TLS goes into the mode now.
        match url.scheme {
            Scheme::Ftps => self.tls_mode = TlsMode::Implicit,
            Scheme::Ftpes => self.tls_mode = TlsMode::Explicit,
            Scheme::Ftp => {}
        }
        match url.user {
            Some(user) if user != "anonymous" && user != "ftp" => {
                self.user = user;
                self.anonymous = false;
                self.password = url.password.unwrap_or_default();
            }
            Some(_) => self.anonymous = true,
            None => {}
        }
        self.pending_path = url.path;
        Ok(())
    }

    pub fn to_request(&self, settings: &Settings) -> Result<ConnectRequest, String> {
        let host = self.host.trim();
        if host.is_empty() {
            return Err("Enter a host name to connect to".into());
        }
        // A host typed with a port (`host:2121`) or user is read like a URL.
        let url = parse_url(host).map_err(|e| e.to_string())?;
        let port = if self.port.trim().is_empty() {
            url.port
        } else {
            match self.port.trim().parse::<u16>() {
                Ok(port) if port > 0 => port,
                _ => {
                    return Err(format!(
                        "The port must be a number from 1 to 65535, not {:?}",
                        self.port.trim()
                    ));
                }
            }
        };
        let login = if self.anonymous || self.user.trim().is_empty() {
            Login::Anonymous
        } else {
            Login::Normal {
                user: self.user.trim().to_owned(),
                password: Secret::new(self.password.clone()),
            }
        };
        Ok(ConnectRequest {
            tls: TlsOptions {
                mode: match url.scheme {
                    Scheme::Ftps => TlsMode::Implicit,
                    Scheme::Ftpes => TlsMode::Explicit,
                    Scheme::Ftp => self.tls_mode,
                },
                ..TlsOptions::default()
            },
            encoding: self.encoding,
            server_offset_minutes: self.server_offset_minutes,
            host: url.host,
            port,
            login,
            data_mode: self.data_mode,
            initial_path: self.pending_path.clone().or(url.path),
            list_start: true,
            timeouts: Timeouts::from_settings(settings),
            transfer_type: self.transfer_type,
        })
    }
}

pub fn show(ui: &mut egui::Ui, app: &mut FerryApp) {
    let mut enter_pressed = false;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Host:");
        let host = ui
            .add(
                TextEdit::singleline(&mut app.form.host)
                    .hint_text("ftp.example.com or ftp://…")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
        if host.changed() && looks_like_url(&app.form.host) {
            let pasted = app.form.host.clone();
            if let Err(e) = app.form.fill_from_url(&pasted) {
                app.notice = Some(e.to_string());
            }
        }
        enter_pressed |= submitted(ui, &host);

        let label = ui.label("Port:");
        let port = ui
            .add(
                TextEdit::singleline(&mut app.form.port)
                    .hint_text("21")
                    .desired_width(50.0),
            )
            .labelled_by(label.id);
        enter_pressed |= submitted(ui, &port);

        ui.add_enabled_ui(!app.form.anonymous, |ui| {
            let label = ui.label("User:");
            let user = ui
                .add(TextEdit::singleline(&mut app.form.user).desired_width(100.0))
                .labelled_by(label.id);
            enter_pressed |= submitted(ui, &user);
            let label = ui.label("Password:");
            let password = ui
                .add(
                    TextEdit::singleline(&mut app.form.password)
                        .password(true)
                        .desired_width(100.0),
                )
                .labelled_by(label.id);
            enter_pressed |= submitted(ui, &password);
        });
        ui.checkbox(&mut app.form.anonymous, "Anonymous");
        ui.separator();
        ui.radio_value(&mut app.form.data_mode, DataMode::Auto, "Default")
            .on_hover_text("Passive, and active when a passive connection can't be opened");
        ui.radio_value(&mut app.form.data_mode, DataMode::Passive, "Passive")
            .on_hover_text("Ferry opens the data connections (works behind NAT and firewalls)");
        ui.radio_value(&mut app.form.data_mode, DataMode::Active, "Active")
            .on_hover_text("The server connects back to Ferry for data");
        ui.menu_button("⚙ Options", |ui| {
            options_menu(ui, &mut app.form);
            let keep_alive = &mut app.settings.keep_alive;
            if ui
                .checkbox(keep_alive, "Keep idle connections alive (NOOP)")
                .on_hover_text("Sends NOOP every 30-60 s while nothing else happens, so servers and routers don't drop the connection")
                .changed()
            {
                app.save_settings();
            }
        });
        if ui
            .button("📇 Sites")
            .on_hover_text("Site Manager")
            .clicked()
        {
            app.site_manager.open = true;
        }
        let recent = app.accounts_recent();
        ui.add_enabled_ui(!recent.is_empty(), |ui| {
            ui.menu_button("🕘", |ui| {
                for entry in recent {
                    if ui.button(entry.label()).clicked() {
                        app.form.host = entry.host.clone();
                        app.form.port = entry.port.to_string();
                        app.form.anonymous = entry.user.is_empty();
                        app.form.user = entry.user.clone();
                        app.form.password.clear();
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text("Recent servers (passwords are not kept)");
        });
        ui.separator();
        if ui.button("Connect").clicked() {
            enter_pressed = true;
        }
        let can_disconnect = !matches!(app.connection, ConnectionState::Disconnected { .. });
        if ui
            .add_enabled(can_disconnect, egui::Button::new("Disconnect"))
            .clicked()
        {
            app.disconnect();
        }
    });
    if enter_pressed {
        app.connect();
    }
}

/// The per-connection settings that rarely change: name encoding and server time zone.
fn options_menu(ui: &mut egui::Ui, form: &mut ConnectionForm) {
    ui.label("Encryption:");
    for (mode, label) in [
        (TlsMode::IfAvailable, "Use TLS if the server offers it"),
        (TlsMode::Explicit, "Require explicit TLS (AUTH TLS)"),
        (TlsMode::Implicit, "Implicit TLS (port 990)"),
        (TlsMode::Plain, "Plain FTP (insecure)"),
    ] {
        ui.radio_value(&mut form.tls_mode, mode, label);
    }
    ui.separator();
    ui.label("File name encoding:");
    egui::ComboBox::from_id_salt("encoding")
        .selected_text(form.encoding.label())
        .show_ui(ui, |ui| {
            for &encoding in NameEncoding::ALL {
                ui.selectable_value(&mut form.encoding, encoding, encoding.label());
            }
        });
    ui.label("Server time zone (hours from UTC, for LIST times):");
    let mut hours = form.server_offset_minutes as f32 / 60.0;
    if ui
        .add(
            egui::DragValue::new(&mut hours)
                .range(-14.0..=14.0)
                .speed(0.25)
                .suffix(" h"),
        )
        .changed()
    {
        form.server_offset_minutes = (hours * 60.0).round() as i32;
    }
    transfer_type_choice(ui, "connection_transfer_type", &mut form.transfer_type);
    ui.weak("Takes effect on the next connection.");
}

/// Binary, ASCII, Auto, or the setting's choice: for a connection or a site.
pub fn transfer_type_choice(ui: &mut egui::Ui, id: &str, chosen: &mut Option<TransferType>) {
    let label = ui.label("Transfer type:");
    let text = |t: Option<TransferType>| match t {
        None => "As in Settings".to_owned(),
        Some(t) => t.label().to_owned(),
    };
    egui::ComboBox::from_id_salt(id)
        .selected_text(text(*chosen))
        .show_ui(ui, |ui| {
            ui.selectable_value(chosen, None, text(None));
            for choice in TransferType::CHOICES {
                ui.selectable_value(chosen, Some(choice), text(Some(choice)));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("Binary sends every byte unchanged; ASCII converts line endings; Auto uses ASCII for the text file extensions listed in Settings");
}

/// Enter in a single-line field ends its focus; that is the moment to connect.
fn submitted(ui: &egui::Ui, response: &egui::Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_url_fills_the_form() {
        let mut form = ConnectionForm::default();
        form.fill_from_url("ftp://bob:pw@10.0.0.5:2121/pub/x")
            .unwrap();
        assert_eq!(form.host, "10.0.0.5");
        assert_eq!(form.port, "2121");
        assert_eq!(form.user, "bob");
        assert_eq!(form.password, "pw");
        assert!(!form.anonymous);
        let request = form.to_request(&Settings::default()).unwrap();
        assert_eq!(request.initial_path.unwrap().as_bytes(), b"/pub/x");
        assert!(!format!("{form:?}").contains("\"pw\""));
    }

    #[test]
    fn bad_port_and_missing_host_are_explained() {
        let form = ConnectionForm {
            host: "h".into(),
            port: "99999".into(),
            ..ConnectionForm::default()
        };
        assert!(
            form.to_request(&Settings::default())
                .unwrap_err()
                .contains("port")
        );
        assert!(
            ConnectionForm::default()
                .to_request(&Settings::default())
                .is_err()
        );
    }

    #[test]
    fn empty_user_means_anonymous() {
        let form = ConnectionForm {
            host: "h".into(),
            ..ConnectionForm::default()
        };
        let request = form.to_request(&Settings::default()).unwrap();
        assert_eq!(request.login, Login::Anonymous);
        assert_eq!(request.port, 21);
    }
}
