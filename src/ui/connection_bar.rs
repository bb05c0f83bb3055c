//! The connection bar: Sites, host, port, user, password, anonymous, Connect or Disconnect, the
//! recent servers, the connection's options and the Settings window.

use egui::{Key, TextEdit};

use super::ConnectionState;
use super::app::{Action, Actions, AppState};
use crate::engine::{ConnectRequest, DataMode, Login, Timeouts, TlsMode, TlsOptions, TransferType};
use crate::protocol::listing::NameEncoding;
use crate::protocol::path::RemotePath;
use crate::protocol::url::{Scheme, UrlError, looks_like_url, parse_url};
use crate::store::history::Recent;
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
    /// A URL naming a user without a password clears the password field: the one typed before
    /// was for someone else.
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

    /// An address in the host field spreads into the other fields (port, user, password,
    /// folder); anything else is left as typed.
    pub fn settle(&mut self) -> Result<(), String> {
        if looks_like_url(self.host.trim()) {
            let text = self.host.trim().to_owned();
            self.fill_from_url(&text).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// A server from the history: its host, port and user (its password was never kept).
    pub fn use_recent(&mut self, recent: &Recent) {
        self.host = recent.host.clone();
        self.port = recent.port.to_string();
        self.anonymous = recent.user.is_empty();
        self.user = recent.user.clone();
        self.password.clear();
        self.tls_mode = recent.tls;
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

/// The words for a data connection mode, the same here and in the Site Manager.
pub fn data_mode_label(mode: DataMode) -> &'static str {
    match mode {
        DataMode::Auto => "Default (passive, else active)",
        DataMode::Passive => "Passive",
        DataMode::Active => "Active",
    }
}

/// The bar, in one row at any width from 800 points: the fields share what the buttons leave,
/// and below about 1000 points their names move into the fields (as hints) to make room.
pub fn show(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let connected = !matches!(state.connection, ConnectionState::Disconnected { .. });
    // Not while a dialog has the keyboard.
    let jump = if state.dialog_open() {
        None
    } else {
        jumped_to(ui)
    };
    let recent = state.accounts.history.recent.clone();
    let form = &mut state.form;
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let compact = ui.available_width() < 1000.0;
            let settings = ui
                .button(if compact { "⚙" } else { "⚙ Settings" })
                .on_hover_text("Settings: timeouts, transfers, panes, theme");
            named(ui, &settings, "Settings");
            if settings.clicked() {
                actions.push(Action::OpenSettings);
            }
            ui.menu_button(options_title(form.tls_mode, compact), |ui| {
                options_menu(ui, form)
            })
            .response
            .on_hover_text(
                "Encryption, data connection, file names and time zone for this connection",
            );
            ui.add_enabled_ui(!recent.is_empty(), |ui| {
                let menu = ui.menu_button("🕘 ⏷", |ui| {
                    for entry in &recent {
                        if ui.button(entry.label()).clicked() {
                            form.use_recent(entry);
                            ui.close();
                        }
                    }
                });
                named(ui, &menu.response, "Recent servers");
                menu.response
                    .on_hover_text("Recent servers (passwords are not kept)")
                    // Greyed out with no word, it read as broken (a walk).
                    .on_disabled_hover_text(
                        "Recent servers: none yet. A server you log in to is listed here, \
                         but not the built-in demo server (passwords are not kept)",
                    );
            });
            // One button: Connect when there is no connection, Disconnect while there is one;
            // as wide either way, so the fields beside it stay where they are.
            let widest = egui::WidgetText::from("Disconnect")
                .into_galley(ui, None, f32::INFINITY, egui::TextStyle::Button)
                .size()
                .x
                + 2.0 * ui.spacing().button_padding.x;
            let (word, action) = if connected {
                ("Disconnect", Action::Disconnect)
            } else {
                ("Connect", Action::Connect)
            };
            let button = egui::Button::new(word).min_size(egui::vec2(widest, 0.0));
            if ui.add(button).clicked() {
                actions.push(action);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                if fields(ui, form, compact, jump, actions) {
                    actions.push(Action::Connect);
                }
            });
        });
    });
}

/// The fields Alt and a letter go to, as in FileZilla's Quickconnect bar (the letters its
/// labels underline): the host, the port, the user, the password.
const JUMP_KEYS: [(Key, &str); 4] = [
    (Key::H, "Host:"),
    (Key::P, "Port:"),
    (Key::U, "User:"),
    (Key::W, "Password:"),
];

/// The field whose Alt+letter was pressed this frame (the key taken, and the letter too, which
/// some systems also send as text: the pane with the keys would look for a name with it).
fn jumped_to(ui: &egui::Ui) -> Option<&'static str> {
    ui.input_mut(|i| {
        let (key, name) = JUMP_KEYS
            .into_iter()
            .find(|(key, _)| i.consume_key(egui::Modifiers::ALT, *key))?;
        let letter = key.name().to_lowercase();
        i.events
            .retain(|e| !matches!(e, egui::Event::Text(t) if t.to_lowercase() == letter));
        Some(name)
    })
}

/// Sites, host, port, user, password, anonymous; true when Enter was pressed in one of them.
/// `jump`: the field that gets the keys, its text chosen (Alt+letter).
fn fields(
    ui: &mut egui::Ui,
    form: &mut ConnectionForm,
    compact: bool,
    jump: Option<&str>,
    actions: &mut Actions,
) -> bool {
    let jump_here = |ui: &egui::Ui, response: &egui::Response, name: &str, text: &str| {
        if jump == Some(name) {
            crate::ui::pane::focus_all(ui, response, text);
        }
    };
    let mut enter = false;
    let sites = ui
        .button(if compact { "📇" } else { "📇 Sites" })
        .on_hover_text("Site Manager");
    named(ui, &sites, "Sites");
    if sites.clicked() {
        actions.push(Action::OpenSiteManager);
    }
    let spacing = ui.spacing().item_spacing.x;
    let labels = if compact { 0.0 } else { 190.0 };
    let fixed = 55.0 + 100.0 + labels + 6.0 * spacing;
    let flexible = (ui.available_width() - fixed).max(180.0);
    let pasted = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Paste(_))));

    let host = field(
        ui,
        "Host:",
        "ftp.example.com or ftp://…",
        compact,
        TextEdit::singleline(&mut form.host).desired_width(flexible * 0.42),
    );
    // A pasted address fills the other fields at once; a typed one once it is complete (the
    // field left, or Enter): read while half typed, `ftp://de` would already be a host.
    if (host.changed() && pasted) || host.lost_focus() {
        actions.extend(form.settle().err().map(Action::Notice));
    }
    jump_here(ui, &host, "Host:", &form.host);
    enter |= submitted(ui, &host);
    let port = field(
        ui,
        "Port:",
        "21",
        compact,
        TextEdit::singleline(&mut form.port).desired_width(55.0),
    );
    jump_here(ui, &port, "Port:", &form.port);
    enter |= submitted(ui, &port);
    ui.add_enabled_ui(!form.anonymous, |ui| {
        let user = field(
            ui,
            "User:",
            "name",
            compact,
            TextEdit::singleline(&mut form.user).desired_width(flexible * 0.29),
        );
        jump_here(ui, &user, "User:", &form.user);
        enter |= submitted(ui, &user);
        let password = field(
            ui,
            "Password:",
            "••••",
            compact,
            TextEdit::singleline(&mut form.password)
                .password(true)
                .desired_width(flexible * 0.29),
        );
        jump_here(ui, &password, "Password:", &form.password);
        enter |= submitted(ui, &password);
    });
    ui.checkbox(&mut form.anonymous, "Anonymous");
    enter
}

/// A field with its name: a label beside it, or (compact) the name written inside it while it
/// is empty; screen readers get the name either way.
fn field(
    ui: &mut egui::Ui,
    name: &str,
    hint: &str,
    compact: bool,
    edit: TextEdit<'_>,
) -> egui::Response {
    let words = name.trim_end_matches(':');
    let hover = match JUMP_KEYS.iter().find(|(_, n)| *n == name) {
        Some((key, _)) => format!("{words} (Alt+{})", key.name()),
        None => words.to_owned(),
    };
    if compact {
        let response = ui.add(edit.hint_text(words)).on_hover_text(hover);
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_label(name);
            node.set_placeholder(words);
        });
        response
    } else {
        let label = ui.label(name).on_hover_text(&hover);
        let response = ui.add(edit).labelled_by(label.id).on_hover_text(hover);
        ui.ctx()
            .accesskit_node_builder(response.id, |node| node.set_placeholder(hint));
        response
    }
}

/// Gives a widget shown as an icon the name a screen reader reads.
fn named(ui: &egui::Ui, response: &egui::Response, name: &str) {
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, name));
}

/// The Options button's words: the encryption is named on it when it is not the usual "TLS if
/// the server offers it" (an `ftps://` address pasted once chose implicit TLS for the next
/// connections too, and a walk met "the server answered in plain FTP" with nothing on the bar
/// to say why).
fn options_title(tls: TlsMode, compact: bool) -> String {
    let mode = match tls {
        TlsMode::IfAvailable => return "Options ⏷".to_owned(),
        TlsMode::Explicit => "explicit TLS",
        TlsMode::Implicit => "implicit TLS",
        TlsMode::Plain => "plain FTP",
    };
    if compact {
        format!("{mode} ⏷")
    } else {
        format!("Options: {mode} ⏷")
    }
}

/// The per-connection settings that rarely change: encryption, data connection, name encoding
/// and the server's time zone. They take effect on the next connection.
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
    ui.label("Data connection:");
    for (mode, hint) in [
        (
            DataMode::Auto,
            "Passive, and active when a passive connection can't be opened",
        ),
        (
            DataMode::Passive,
            "Ferry opens the data connections (works behind NAT and firewalls)",
        ),
        (
            DataMode::Active,
            "The server connects back to Ferry for data",
        ),
    ] {
        ui.radio_value(&mut form.data_mode, mode, data_mode_label(mode))
            .on_hover_text(hint);
    }
    ui.separator();
    let label = ui.label("File name encoding:");
    egui::ComboBox::from_id_salt("encoding")
        .selected_text(form.encoding.label())
        .show_ui(ui, |ui| {
            for &encoding in NameEncoding::ALL {
                ui.selectable_value(&mut form.encoding, encoding, encoding.label());
            }
        })
        .response
        .labelled_by(label.id);
    let label = ui.label("Server time zone (hours from UTC, for LIST times):");
    time_zone(ui, &mut form.server_offset_minutes).labelled_by(label.id);
    transfer_type_choice(ui, "connection_transfer_type", &mut form.transfer_type);
    ui.weak("Takes effect on the next connection.");
}

/// A time zone in hours (quarter hours allowed), kept in minutes: the same here and in the
/// Site Manager.
pub fn time_zone(ui: &mut egui::Ui, minutes: &mut i32) -> egui::Response {
    let mut hours = *minutes as f32 / 60.0;
    let response = ui.add(
        egui::DragValue::new(&mut hours)
            .range(-14.0..=14.0)
            .speed(0.25)
            .fixed_decimals(2)
            .suffix(" h"),
    );
    if response.changed() {
        *minutes = (hours * 4.0).round() as i32 * 15;
    }
    response
}

/// Enter in a single-line field ends its focus; that is the moment to connect.
fn submitted(ui: &egui::Ui, response: &egui::Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
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
    fn a_url_without_a_password_forgets_the_one_typed_before() {
        let mut form = ConnectionForm {
            password: "someone else's".into(),
            ..ConnectionForm::default()
        };
        form.host = "ftp://bob@10.0.0.5:2121".into();
        form.settle().unwrap();
        assert_eq!(
            (form.host.as_str(), form.port.as_str()),
            ("10.0.0.5", "2121")
        );
        assert_eq!(form.user, "bob");
        assert_eq!(form.password, "");
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
