//! The window. It never waits: at the top of each frame it drains the engine's events, updates
//! its state, then draws. Each panel is a file; `FerryApp` holds the state they share.

mod connection_bar;
mod dialogs;
mod file_table;
mod folder_tree;
mod format;
mod message_log;
mod remote_pane;
mod server_panel;
mod status_line;

use std::process::ExitCode;
use std::sync::Arc;

use crate::demo::DemoSession;
use crate::engine::{
    Command, DataMode, Engine, EngineHandle, Event, EventReceiver, LogKind, LogLine, Notify,
    ServerInfo,
};
use crate::store::settings::Settings;

pub use connection_bar::ConnectionForm;
pub use message_log::MessageLog;
pub use remote_pane::RemoteView;

/// How the binary asks for the window.
pub struct Launch {
    pub demo: bool,
    pub url: Option<String>,
    pub settings: Settings,
    pub data_mode: DataMode,
}

/// What the window starts with; tests build it directly.
#[derive(Default)]
pub struct AppOptions {
    pub settings: Settings,
    /// Filled into the connection bar; connects at once when `connect_now` is set.
    pub form: Option<ConnectionForm>,
    pub connect_now: bool,
    /// Called (besides repainting) whenever the engine has sent events: tests wait on it.
    pub on_engine_event: Option<Notify>,
    /// Keeps the demo server alive as long as the window.
    pub demo: Option<DemoSession>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Disconnected { reason: Option<String> },
    Connecting { target: String },
    Connected { target: String },
}

pub struct FerryApp {
    engine: EngineHandle,
    events: EventReceiver,
    pub settings: Settings,
    pub form: ConnectionForm,
    pub connection: ConnectionState,
    pub server: Option<ServerInfo>,
    pub log: MessageLog,
    pub remote: RemoteView,
    /// A problem to show in the status line until the next action (bad port, refused CWD...).
    pub notice: Option<String>,
    /// The dialog asking before a change, when one is open.
    pub dialog: Option<dialogs::Dialog>,
    _demo: Option<DemoSession>,
}

impl FerryApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let ctx = cc.egui_ctx.clone();
        let extra = options.on_engine_event;
        let notify: Notify = Arc::new(move || {
            ctx.request_repaint();
            if let Some(extra) = &extra {
                extra();
            }
        });
        Self::with_notify(
            notify,
            options.settings,
            options.form,
            options.connect_now,
            options.demo,
        )
    }

    fn with_notify(
        notify: Notify,
        settings: Settings,
        form: Option<ConnectionForm>,
        connect_now: bool,
        demo: Option<DemoSession>,
    ) -> Self {
        let (engine, events) = match Engine::start(Some(notify)) {
            Ok(started) => started,
            // Without its engine thread the app can do nothing; this only fails when the OS
            // refuses a thread, at start-up.
            Err(e) => panic!("could not start the network engine: {e}"),
        };
        let mut app = Self {
            engine,
            events,
            settings,
            form: form.unwrap_or_default(),
            connection: ConnectionState::Disconnected { reason: None },
            server: None,
            log: MessageLog::default(),
            remote: RemoteView::default(),
            notice: None,
            dialog: None,
            _demo: demo,
        };
        if connect_now {
            app.connect();
        }
        app
    }

    /// Takes every event the engine has sent since the last frame.
    pub fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.handle_event(event);
        }
    }

    /// Updates the state from one engine event (the frame loop calls this for each one).
    pub fn handle_event(&mut self, event: Event) {
        match event {
            Event::Connecting { host, port } => {
                self.connection = ConnectionState::Connecting {
                    target: format!("{host}:{port}"),
                };
            }
            Event::Connected(info) => {
                self.connection = ConnectionState::Connected {
                    target: format!("{}:{}", info.host, info.port),
                };
                self.remote = RemoteView::new(self.form.encoding);
                self.remote.entering = true;
                self.server = Some(*info);
            }
            Event::Log(line) => self.log.push(line),
            Event::Listing(listing) => self.remote.on_listing(*listing),
            Event::CommandFailed { what, failure } => {
                self.remote.on_failure();
                self.notice = Some(format!("Could not {what}: {failure}"));
            }
            Event::Queue(_) => {}
            Event::Disconnected { reason } => {
                self.remote.on_failure();
                self.connection = ConnectionState::Disconnected {
                    reason: reason.map(|r| r.message),
                };
            }
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.connection, ConnectionState::Connecting { .. }) || self.remote.is_loading()
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.connection, ConnectionState::Connected { .. })
    }

    /// Connects with what the connection bar holds.
    pub fn connect(&mut self) {
        self.notice = None;
        match self.form.to_request(&self.settings) {
            Ok(request) => {
                self.connection = ConnectionState::Connecting {
                    target: format!("{}:{}", request.host, request.port),
                };
                self.server = None;
                self.remote = RemoteView::new(self.form.encoding);
                self.form.pending_path = None;
                self.engine.send(Command::Connect(request));
            }
            Err(problem) => {
                self.log.push(LogLine::now(LogKind::Error, problem.clone()));
                self.notice = Some(problem);
            }
        }
    }

    pub fn disconnect(&mut self) {
        self.engine.send(Command::Disconnect);
        // Say so at once; the engine confirms a moment later.
        self.connection = ConnectionState::Disconnected { reason: None };
        self.remote.on_failure();
    }
}

impl eframe::App for FerryApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.drain_events();
        egui::Panel::top("connection_bar").show(ui, |ui| connection_bar::show(ui, self));
        egui::Panel::bottom("status_line").show(ui, |ui| status_line::show(ui, self));
        egui::Panel::top("server_panel")
            .resizable(true)
            .default_size(230.0)
            .min_size(80.0)
            .show(ui, |ui| server_panel::show(ui, self));
        egui::CentralPanel::default().show(ui, |ui| remote_pane::show(ui, self));
        if let Some(command) = dialogs::show(ui.ctx(), &mut self.dialog, self.remote.encoding) {
            self.change(command);
        }
    }
}

/// Opens the window; returns when it is closed.
pub fn run_app(launch: Launch) -> ExitCode {
    let mut options = AppOptions {
        settings: launch.settings,
        ..AppOptions::default()
    };
    if launch.demo {
        match DemoSession::start() {
            Ok(demo) => {
                options.form = Some(ConnectionForm {
                    host: "127.0.0.1".into(),
                    port: demo.server.port().to_string(),
                    user: demo.user.into(),
                    password: demo.password.into(),
                    anonymous: false,
                    data_mode: launch.data_mode,
                    ..ConnectionForm::default()
                });
                options.connect_now = true;
                options.demo = Some(demo);
            }
            Err(e) => {
                eprintln!("ferry: could not start the demo server: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else if let Some(url) = &launch.url {
        match ConnectionForm::from_url(url, launch.data_mode) {
            Ok(form) => {
                options.form = Some(form);
                options.connect_now = true;
            }
            Err(e) => {
                eprintln!("ferry: {e}");
                return ExitCode::from(crate::cli::exit::USAGE);
            }
        }
    }
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ferry")
            .with_app_id("ferry")
            .with_inner_size([1200.0, 800.0])
            .with_min_inner_size([640.0, 420.0]),
        persist_window: true,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Ferry",
        native,
        Box::new(move |cc| Ok(Box::new(FerryApp::new(cc, options)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferry: could not open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
