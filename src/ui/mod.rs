//! The window. It never waits: at the top of each frame it drains the engine's events, updates
//! its state, then draws. Each panel is a file; `FerryApp` holds the state they share.

mod connection_bar;
mod dialogs;
mod file_table;
mod folder_tree;
mod format;
mod message_log;
mod native_dialog;
mod queue_panel;
mod remote_pane;
mod server_panel;
mod status_line;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::demo::DemoSession;
use crate::engine::{
    Command, DataMode, Engine, EngineHandle, EngineOptions, Event, EventReceiver, LogKind, LogLine,
    Notify, ServerInfo,
};
use crate::store::StoreDirs;
use crate::store::settings::Settings;

pub use connection_bar::ConnectionForm;
pub use message_log::MessageLog;
pub use queue_panel::{QueueTab, QueueView};
pub use remote_pane::RemoteView;

/// How the binary asks for the window.
pub struct Launch {
    pub demo: bool,
    pub url: Option<String>,
    pub settings: Settings,
    pub data_mode: DataMode,
    pub dirs: Option<StoreDirs>,
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
    /// Where settings are saved and the queue is kept between runs; `None` keeps both in
    /// memory (tests).
    pub dirs: Option<StoreDirs>,
    /// Where downloads go; the user's Downloads folder when `None`.
    pub local_folder: Option<PathBuf>,
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
    pub queue: QueueView,
    /// Where downloads go (the local pane's folder, once there is one).
    pub local_folder: PathBuf,
    /// A native file or folder picker that is open.
    picking: Option<native_dialog::PendingPick<remote_pane::PickPurpose>>,
    /// The window was asked to close while transfers run: ask first.
    confirm_quit: bool,
    quit_confirmed: bool,
    dirs: Option<StoreDirs>,
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
        let engine_options = EngineOptions {
            transfers: options.settings.transfers.clone(),
            queue_file: options.dirs.as_ref().map(|d| d.data.join("queue.json")),
        };
        let (engine, events) = match Engine::start_with(engine_options, Some(notify)) {
            Ok(started) => started,
            // Without its engine thread the app can do nothing; this only fails when the OS
            // refuses a thread, at start-up.
            Err(e) => panic!("could not start the network engine: {e}"),
        };
        let local_folder = options.local_folder.unwrap_or_else(default_download_folder);
        let mut app = Self {
            engine,
            events,
            settings: options.settings,
            form: options.form.unwrap_or_default(),
            connection: ConnectionState::Disconnected { reason: None },
            server: None,
            log: MessageLog::default(),
            remote: RemoteView::default(),
            notice: None,
            dialog: None,
            queue: QueueView::default(),
            local_folder,
            picking: None,
            confirm_quit: false,
            quit_confirmed: false,
            dirs: options.dirs,
            _demo: options.demo,
        };
        if options.connect_now {
            app.connect();
        }
        app
    }

    /// Saves the settings in the background (the window never waits on the disk).
    pub fn save_settings(&self) {
        let Some(dirs) = self.dirs.clone() else {
            return;
        };
        let settings = self.settings.clone();
        std::thread::spawn(move || {
            if let Err(e) = settings.save(&dirs.config) {
                tracing::warn!("{e}");
            }
        });
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
            Event::Queue(event) => self.queue.on_event(event),
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
        self.poll_picker();
        egui::Panel::top("connection_bar").show(ui, |ui| connection_bar::show(ui, self));
        egui::Panel::bottom("status_line").show(ui, |ui| status_line::show(ui, self));
        egui::Panel::bottom("queue_panel")
            .resizable(true)
            .default_size(200.0)
            .min_size(90.0)
            .show(ui, |ui| queue_panel::show(ui, self));
        egui::Panel::top("server_panel")
            .resizable(true)
            .default_size(230.0)
            .min_size(80.0)
            .show(ui, |ui| server_panel::show(ui, self));
        egui::CentralPanel::default().show(ui, |ui| remote_pane::show(ui, self));
        let ctx = ui.ctx().clone();
        if let Some(command) = dialogs::show(&ctx, &mut self.dialog, self.remote.encoding) {
            self.change(command);
        }
        if let Some(answer) = queue_panel::conflict_dialog(&ctx, &mut self.queue) {
            self.engine.send(answer);
        }
        self.quit_prompt(&ctx);
    }
}

impl FerryApp {
    /// Closing the window while transfers run asks first; they resume on the next start.
    fn quit_prompt(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.quit_confirmed
            && self.queue.active() > 0
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_quit = true;
        }
        if !self.confirm_quit {
            return;
        }
        egui::Modal::new(egui::Id::unique("quit_prompt")).show(ctx, |ui| {
            ui.heading("Transfers are still running");
            ui.label(format!(
                "{} transfers have not finished. If you quit now they stop, and come back paused the next time Ferry starts.",
                self.queue.active()
            ));
            ui.horizontal(|ui| {
                if ui.button("Quit").clicked() {
                    self.quit_confirmed = true;
                    self.confirm_quit = false;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                if ui.button("Keep running").clicked() {
                    self.confirm_quit = false;
                }
            });
        });
    }
}

/// The user's Downloads folder, else home, else the current folder.
fn default_download_folder() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.download_dir()
                .map(|d| d.to_path_buf())
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Opens the window; returns when it is closed.
pub fn run_app(launch: Launch) -> ExitCode {
    let mut options = AppOptions {
        settings: launch.settings,
        dirs: launch.dirs,
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
