//! The window. It never waits: at the top of each frame it drains the engine's events, updates
//! its state, then draws. Each panel is a file; `FerryApp` holds the state they share.

mod accounts;
mod compare;
pub mod conflict_dialog;
mod connection_bar;
mod dialogs;
mod drag;
mod file_table;
mod folder_tree;
mod format;
mod local_pane;
mod message_log;
mod native_dialog;
mod queue_panel;
mod remote_pane;
mod server_panel;
mod site_manager;
mod status_line;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::demo::DemoSession;
use crate::engine::{
    Command, ConflictPolicy, DataMode, DirTarget, Direction, Engine, EngineHandle, EngineOptions,
    Event, EventReceiver, ItemState, LogKind, LogLine, Notify, QueueEvent, ServerInfo,
    TransferRequest, TransferType,
};
use crate::protocol::path::RemotePath;
use crate::store::StoreDirs;
use crate::store::settings::Settings;

pub use connection_bar::ConnectionForm;
pub use local_pane::LocalView;
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
    /// The local pane's first folder; the user's Downloads folder when `None`.
    pub local_folder: Option<PathBuf>,
}

/// One of the two panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Local,
    Remote,
}

/// Synchronised browsing: the two folders that were shown when it was switched on.
#[derive(Debug, Clone)]
struct SyncBase {
    local: PathBuf,
    remote: RemotePath,
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
    pub local: LocalView,
    /// Where downloads go until the local pane has a folder.
    pub local_folder: PathBuf,
    /// The pane with the keyboard (Tab switches).
    pub active: Side,
    /// Tint rows that differ between the two folders.
    pub compare: bool,
    /// Cached comparisons for the two listings now shown.
    comparisons: Option<ComparisonCache>,
    sync: Option<SyncBase>,
    /// The folders shown when synchronised browsing last looked.
    sync_seen: (Option<PathBuf>, Option<RemotePath>),
    /// The remote folder under the pointer, for files dropped from the OS.
    remote_pointer_folder: Option<RemotePath>,
    /// Edited files saved since they were opened, waiting for "upload it back?".
    edited: VecDeque<(PathBuf, RemotePath)>,
    /// Where the pointer was seen last (a drop may come as it leaves the window).
    last_pointer: Option<egui::Pos2>,
    /// Saved sites, and the window that edits them.
    pub sites: crate::store::sites::SiteFolder,
    sites_dirty: bool,
    pub site_manager: site_manager::SiteManager,
    /// A connection waiting for its password to be typed.
    password_prompt: Option<(crate::engine::ConnectRequest, String)>,
    accounts: accounts::Accounts,
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
            restore: crate::engine::Restore::Paused,
            log: true,
            stream_listings: false,
        };
        let (engine, events) = match Engine::start_with(engine_options, Some(notify)) {
            Ok(started) => started,
            // Without its engine thread the app can do nothing; this only fails when the OS
            // refuses a thread, at start-up.
            Err(e) => panic!("could not start the network engine: {e}"),
        };
        let places = local_pane::Places::locate();
        let local_folder = options.local_folder.unwrap_or_else(|| {
            places
                .downloads
                .clone()
                .or_else(|| places.home.clone())
                .unwrap_or_else(|| PathBuf::from("."))
        });
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
            local: LocalView::with_places(places),
            local_folder: local_folder.clone(),
            active: Side::Remote,
            compare: false,
            comparisons: None,
            sync: None,
            sync_seen: (None, None),
            remote_pointer_folder: None,
            edited: VecDeque::new(),
            last_pointer: None,
            sites: Default::default(),
            sites_dirty: false,
            site_manager: Default::default(),
            password_prompt: None,
            accounts: accounts::Accounts::new(options.dirs.as_ref().map(|d| d.config.as_path())),
            picking: None,
            confirm_quit: false,
            quit_confirmed: false,
            dirs: options.dirs,
            _demo: options.demo,
        };
        if let Some(dirs) = &app.dirs {
            match crate::store::sites::load(&dirs.config) {
                Ok(loaded) => {
                    app.sites = loaded.sites;
                    app.notice = loaded.warning;
                }
                Err(e) => app.notice = Some(e.to_string()),
            }
        }
        app.probe_keyring();
        app.open_local(local_folder);
        if options.connect_now {
            app.connect();
        }
        app
    }

    /// Where a download without a chosen folder goes: the local pane's folder.
    pub fn download_folder(&self) -> PathBuf {
        self.local
            .current
            .clone()
            .unwrap_or_else(|| self.local_folder.clone())
    }

    /// Whether a pane's table gets the keys: it is the active pane, and no dialog or text field
    /// has them.
    pub fn has_keyboard(&self, ctx: &egui::Context, side: Side) -> bool {
        self.active == side
            && self.dialog.is_none()
            && self.queue.questions.is_empty()
            && self.edited.is_empty()
            && ctx.memory(|m| m.focused().is_none())
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
            // The window asks for whole listings; parts never come to it.
            Event::ListingPart(_) => {}
            Event::CommandFailed { what, failure } => {
                self.remote.on_failure();
                self.notice = Some(format!("Could not {what}: {failure}"));
            }
            Event::Queue(event) => {
                // A download landing in the local folder shown: list it again.
                if let QueueEvent::Updated(item) = &event
                    && item.state == ItemState::Done
                    && item.request.direction == Direction::Download
                    && item.request.local.parent() == self.local.current.as_deref()
                {
                    self.refresh_local();
                }
                self.queue.on_event(event);
            }
            Event::LocalListing(listing) => self.local.on_listing(*listing),
            Event::LocalFailed { path, reason } => {
                self.local.on_failure(&path);
                self.notice = Some(reason);
            }
            Event::EditedFileChanged { local, remote } => {
                if self.settings.window.upload_edits_without_asking {
                    self.upload_edited(local, remote);
                } else if !self.edited.iter().any(|(l, _)| *l == local) {
                    self.edited.push_back((local, remote));
                }
            }
            Event::Disconnected { reason } => {
                self.remote.on_failure();
                if let Some(certificate) = reason.as_ref().and_then(|r| r.certificate.clone()) {
                    self.ask_trust(*certificate);
                }
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
                self.form.pending_path = None;
                self.connect_with(request);
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
        self.poll_background();
        if let Some(pointer) = ui.ctx().pointer_latest_pos() {
            self.last_pointer = Some(pointer);
        }
        egui::Panel::top("connection_bar").show(ui, |ui| connection_bar::show(ui, self));
        egui::Panel::bottom("status_line").show(ui, |ui| status_line::show(ui, self));
        egui::Panel::bottom("queue_panel")
            .resizable(true)
            .default_size(150.0)
            .min_size(90.0)
            .show(ui, |ui| queue_panel::show(ui, self));
        egui::Panel::top("server_panel")
            .resizable(true)
            .default_size(230.0)
            .min_size(80.0)
            .show(ui, |ui| server_panel::show(ui, self));
        egui::CentralPanel::default().show(ui, |ui| self.panes(ui));
        let ctx = ui.ctx().clone();
        drag::show_summary(&ctx);
        self.os_drops(&ctx);
        self.sync_step();
        if let Some(command) = dialogs::show(&ctx, &mut self.dialog, self.remote.encoding) {
            self.change(command);
        }
        if let Some(answer) = conflict_dialog::show(&ctx, &mut self.queue) {
            self.engine.send(answer);
        }
        self.edit_prompt(&ctx);
        site_manager::show(&ctx, self);
        self.trust_dialog(&ctx);
        self.password_dialog(&ctx);
        self.quit_prompt(&ctx);
    }
}

/// Comparisons of the two listings shown, computed once per pair of listings.
struct ComparisonCache {
    local_key: usize,
    remote_key: usize,
    for_local: Arc<compare::Comparison>,
    for_remote: Arc<compare::Comparison>,
}

impl FerryApp {
    /// The two panes side by side (local left, unless the setting swaps them), with the
    /// toggles that link them above.
    fn panes(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let mut sync = self.sync.is_some();
            if ui
                .toggle_value(&mut sync, "🔀 Synchronized browsing")
                .on_hover_text("Opening a folder on one side opens the folder of the same name on the other")
                .changed()
            {
                self.set_sync(sync);
            }
            ui.toggle_value(&mut self.compare, "≠ Compare folders")
                .on_hover_text("Tint files that exist on one side only (green), differ in size (red) or are newer (yellow)");
            ui.weak("Drag files between the panes to transfer them · Tab switches panes · Ctrl+Enter sends the selection across");
        });
        if ui.input(|i| i.key_pressed(egui::Key::Tab)) && ui.ctx().memory(|m| m.focused().is_none())
        {
            self.active = match self.active {
                Side::Local => Side::Remote,
                Side::Remote => Side::Local,
            };
        }
        let (left, right) = if self.settings.window.local_on_right {
            (Side::Remote, Side::Local)
        } else {
            (Side::Local, Side::Remote)
        };
        let full = ui.available_width();
        let left_rect = egui::Panel::left("left_pane")
            .resizable(true)
            .default_size(full / 2.0)
            .min_size(240.0)
            // The other pane always keeps room for its table.
            .max_size((full - 300.0).max(240.0))
            .show(ui, |ui| self.pane(ui, left))
            .response
            .rect;
        let right_rect = egui::CentralPanel::default()
            .show(ui, |ui| self.pane(ui, right))
            .response
            .rect;
        // A click in a pane gives it the keyboard.
        if let Some(at) = ui
            .input(|i| i.pointer.press_origin())
            .filter(|_| ui.input(|i| i.pointer.any_pressed()))
        {
            if left_rect.contains(at) {
                self.active = left;
            } else if right_rect.contains(at) {
                self.active = right;
            }
        }
    }

    fn pane(&mut self, ui: &mut egui::Ui, side: Side) {
        if self.active == side {
            let stroke = egui::Stroke::new(1.0, ui.visuals().selection.bg_fill);
            ui.painter()
                .rect_stroke(ui.max_rect(), 2.0, stroke, egui::StrokeKind::Inside);
        }
        match side {
            Side::Local => local_pane::show(ui, self),
            Side::Remote => remote_pane::show(ui, self),
        }
    }

    /// The comparison a pane's rows are tinted by, when comparing.
    pub fn comparison_for(&mut self, side: Side) -> Option<Arc<compare::Comparison>> {
        if !self.compare {
            return None;
        }
        let remote = self.remote.current_listing()?.clone();
        let local = self.local.entries().clone();
        let (local_key, remote_key) = (Arc::as_ptr(&local) as usize, Arc::as_ptr(&remote) as usize);
        let stale = self
            .comparisons
            .as_ref()
            .is_none_or(|c| c.local_key != local_key || c.remote_key != remote_key);
        if stale {
            self.comparisons = Some(ComparisonCache {
                local_key,
                remote_key,
                for_local: Arc::new(compare::Comparison::against(&remote.entries)),
                for_remote: Arc::new(compare::Comparison::against(&local)),
            });
        }
        let cache = self.comparisons.as_ref()?;
        Some(match side {
            Side::Local => cache.for_local.clone(),
            Side::Remote => cache.for_remote.clone(),
        })
    }

    fn set_sync(&mut self, on: bool) {
        self.sync = match (on, self.local.current.clone(), self.remote.current.clone()) {
            (true, Some(local), Some(remote)) => Some(SyncBase { local, remote }),
            (true, _, _) => {
                self.notice =
                    Some("Synchronized browsing needs a folder open on both sides".into());
                None
            }
            (false, _, _) => None,
        };
        self.sync_seen = (self.local.current.clone(), self.remote.current.clone());
    }

    /// Synchronised browsing: when one side has moved to another folder, move the other side to
    /// the folder at the same place relative to where both started.
    fn sync_step(&mut self) {
        let Some(base) = self.sync.clone() else {
            return;
        };
        let now = (self.local.current.clone(), self.remote.current.clone());
        if now == self.sync_seen {
            return;
        }
        let (seen_local, seen_remote) = std::mem::replace(&mut self.sync_seen, now.clone());
        if now.0 != seen_local
            && let Some(local) = &now.0
        {
            match local.strip_prefix(&base.local) {
                Ok(relative) => {
                    let mut remote = base.remote.clone();
                    for part in relative.components() {
                        remote = remote.join(&crate::protocol::local_name::local_name_bytes(
                            part.as_os_str(),
                        ));
                    }
                    if Some(&remote) != now.1.as_ref() {
                        self.sync_seen.1 = Some(remote.clone());
                        self.open_dir(DirTarget::Path(remote));
                    }
                }
                Err(_) => self.notice = Some("Left the synchronized folders".into()),
            }
        } else if now.1 != seen_remote
            && let Some(remote) = &now.1
        {
            let base_bytes = base.remote.as_bytes();
            let bytes = remote.as_bytes();
            let relative = bytes.strip_prefix(base_bytes).filter(|rest| {
                rest.is_empty() || rest.starts_with(b"/") || base_bytes.ends_with(b"/")
            });
            match relative {
                Some(rest) => {
                    let mut local = base.local.clone();
                    for part in rest.split(|b| *b == b'/').filter(|p| !p.is_empty()) {
                        match crate::protocol::local_name::safe_local_name(
                            &String::from_utf8_lossy(part),
                        ) {
                            Ok(name) => local.push(name),
                            Err(_) => return,
                        }
                    }
                    if Some(&local) != now.0.as_ref() {
                        self.sync_seen.0 = Some(local.clone());
                        self.open_local(local);
                    }
                }
                None => self.notice = Some("Left the synchronized folders".into()),
            }
        }
    }

    /// Files dropped on the window from a file manager upload into the remote folder under the
    /// pointer, or the one shown.
    fn os_drops(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| p.is_absolute())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        match self
            .remote_pointer_folder
            .clone()
            .or_else(|| self.remote.current.clone())
        {
            Some(into) => self.upload(&dropped, &into),
            None => self.notice = Some("Connect to a server to upload dropped files".into()),
        }
    }

    fn upload_edited(&mut self, local: PathBuf, remote: RemotePath) {
        let request = TransferRequest {
            direction: Direction::Upload,
            remote,
            local,
            is_dir: false,
            size: None,
            modified: None,
            transfer_type: TransferType::Auto,
            conflict: Some(ConflictPolicy::Overwrite),
            after: None,
        };
        self.engine.send(Command::Enqueue(vec![request]));
    }

    /// "This file changed: upload it back?"
    fn edit_prompt(&mut self, ctx: &egui::Context) {
        let Some((local, remote)) = self.edited.front().cloned() else {
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
            self.edited.pop_front();
            if upload {
                self.upload_edited(local, remote);
            }
        }
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
            .with_min_inner_size([640.0, 420.0])
            .with_icon(
                eframe::icon_data::from_png_bytes(include_bytes!(
                    "../../assets/icons/hicolor/256x256/apps/ferry.png"
                ))
                .unwrap_or_default(),
            ),
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
