//! `FerryApp`: the window as eframe runs it. It never waits: at the top of each frame it takes
//! the engine's events and the helper jobs' results, decides who has the keyboard, draws the
//! panels (each returns actions), then carries the actions out (`actions.rs`, the only place
//! that talks to the engine).

mod actions;
mod events;
mod signals;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub(crate) use actions::{Action, Actions};
pub(crate) use state::{AppState, Notices, QuitPrompt};

use super::accounts::Accounts;
use super::connection_bar::ConnectionForm;
use super::jobs::Jobs;
use super::local::{LocalView, Places};
use super::message_log::MessageLog;
use super::queue_panel::QueueView;
use super::remote::RemoteView;
use super::sync_browsing::Follow;
use super::{ConnectionState, KeyArea, Side, dialogs, layout, settings, site_manager};
use crate::demo::DemoSession;
use crate::engine::{
    DataMode, DirTarget, Engine, EngineHandle, EngineOptions, Event, EventReceiver, Notify,
};
use crate::store::StoreDirs;
use crate::store::settings::{Settings, Theme};

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
    /// Called (besides repainting) whenever the engine has sent events or a helper job ended:
    /// tests wait on it.
    pub on_engine_event: Option<Notify>,
    /// Keeps the demo server alive as long as the window.
    pub demo: Option<DemoSession>,
    /// Where settings are saved and the queue is kept between runs; `None` keeps both in
    /// memory (tests).
    pub dirs: Option<StoreDirs>,
    /// The local pane's first folder; the user's Downloads folder when `None`.
    pub local_folder: Option<PathBuf>,
    /// SIGINT, SIGTERM and SIGHUP close the window (see `signals`); the tests' windows leave
    /// the test process's signals alone.
    pub close_on_signals: bool,
}

impl AppOptions {
    /// The window on a demo server of its own, started now on loopback, connected at once.
    pub fn with_demo(self, data_mode: DataMode) -> std::io::Result<Self> {
        let demo = DemoSession::start()?;
        Ok(Self {
            form: Some(ConnectionForm {
                host: "127.0.0.1".into(),
                port: demo.server.port().to_string(),
                user: demo.user.into(),
                password: demo.password.into(),
                anonymous: false,
                data_mode,
                ..ConnectionForm::default()
            }),
            connect_now: true,
            demo: Some(demo),
            ..self
        })
    }
}

pub struct FerryApp {
    /// The window's egui context (repaints, the theme, closing).
    ctx: egui::Context,
    engine: EngineHandle,
    events: EventReceiver,
    jobs: Jobs,
    state: AppState,
    /// Keeps the demo server alive as long as the window.
    demo: Option<DemoSession>,
    /// The local folder the engine watches for the pane (the one it shows).
    local_watched: Option<PathBuf>,
    close_signal: Option<signals::CloseSignal>,
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
            // The demo's transfers go to a server that ends with the window: they are neither
            // saved into the person's queue nor mixed with it (a walk found the last demo's
            // items restored, pointing at a port nobody listened on).
            queue_file: options
                .dirs
                .as_ref()
                .filter(|_| options.demo.is_none())
                .map(|d| d.data.join("queue.json")),
            restore: crate::engine::Restore::Paused,
            log: true,
            listing_bytes: false,
            doorbell: None,
        };
        let (engine, events) = match Engine::start_with(engine_options, Some(notify.clone())) {
            Ok(started) => started,
            // Without its engine thread the app can do nothing; this only fails when the OS
            // refuses a thread, at start-up.
            Err(e) => panic!("could not start the network engine: {e}"),
        };
        apply_theme(&cc.egui_ctx, options.settings.window.theme);
        // Scroll bars shown whenever there is more to see, as in FileZilla and WinSCP: egui's
        // floating ones appear only under the pointer, and a queue with a hidden row gave no
        // sign of it (a walk).
        cc.egui_ctx
            .all_styles_mut(|style| style.spacing.scroll = egui::style::ScrollStyle::solid());
        let places = Places::locate();
        let local_folder = options.local_folder.unwrap_or_else(|| places.start());
        let window = &options.settings.window;
        let mut state = AppState {
            local: LocalView::new(places, window.show_hidden_local),
            remote: RemoteView::new(window.show_hidden_remote),
            settings: options.settings.clone(),
            form: options.form.unwrap_or_default(),
            connection: ConnectionState::Disconnected { reason: None },
            server: None,
            log: MessageLog::default(),
            queue: QueueView::default(),
            focus: KeyArea::Pane(Side::Remote),
            keys_free: false,
            compare: false,
            comparisons: None,
            sync: None,
            notices: Notices::default(),
            dialog: None,
            edited: Default::default(),
            sites: Default::default(),
            site_manager: Default::default(),
            password_prompt: None,
            accounts: Accounts::new(options.dirs.as_ref().map(|d| d.config.as_path())),
            settings_window: Default::default(),
            synchronize: Default::default(),
            watching: None,
            quit: QuitPrompt::default(),
            last_pointer: None,
            remote_pointer_folder: None,
            dirs: options.dirs,
        };
        if let Some(demo) = &options.demo {
            // Where its files are, so a person can see a transfer land on the server's disk too.
            state.log.push(crate::engine::LogLine::now(
                crate::engine::LogKind::Status,
                format!(
                    "Demo server on 127.0.0.1:{} (user {}) serves the folder {}; the folder is removed when Ferry closes",
                    demo.server.port(),
                    demo.user,
                    demo.folder().display()
                ),
            ));
        }
        if let Some(dirs) = &state.dirs {
            match crate::store::sites::load(&dirs.config) {
                Ok(loaded) => {
                    state.sites = loaded.sites;
                    if let Some(warning) = loaded.warning {
                        state.notices.problem(warning, 0.0);
                    }
                }
                Err(e) => state.notices.problem(e.to_string(), 0.0),
            }
        }
        let mut app = Self {
            ctx: cc.egui_ctx.clone(),
            engine,
            events,
            jobs: Jobs::new(notify),
            state,
            demo: options.demo,
            close_signal: options
                .close_on_signals
                .then(|| signals::close_on_signals(cc.egui_ctx.clone())),
            local_watched: None,
        };
        app.jobs
            .run(|| Some(super::jobs::Done::Keyring(crate::store::secrets::init())));
        let mut actions = Actions::default();
        actions.push(Action::OpenLocal(local_folder));
        if options.connect_now {
            actions.push(Action::Connect);
        }
        app.apply_all(&mut actions);
        app
    }

    /// The connection's state, as the status line shows it.
    pub fn connection(&self) -> &ConnectionState {
        &self.state.connection
    }

    /// The note in the status line, if any.
    pub fn notice(&self) -> Option<&str> {
        self.state.notices.current()
    }

    /// The message log as text, as "Copy log" gives it.
    pub fn log_text(&self) -> String {
        self.state.log.to_text()
    }

    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    /// The queue's items as the window knows them.
    pub fn queue_items(&self) -> &[crate::engine::QueueItem] {
        self.state.queue.items()
    }

    /// The pane or the queue with the keyboard.
    pub fn keys_to(&self) -> KeyArea {
        self.state.focus
    }

    /// Updates the window from one engine event, as the frame loop does for each (benchmarks
    /// feed listings this way).
    pub fn handle_event(&mut self, event: Event) {
        let mut actions = Actions::default();
        let now = self.ctx.input(|i| i.time);
        self.on_event(event, now, &mut actions);
        self.apply_all(&mut actions);
    }

    /// Decides, before anything is drawn, whether the panes get the keys this frame: not while a
    /// field, a menu or a dialog has them. Deciding first matters: a field that ends its edit on
    /// Enter has let go of the keyboard by the time the panes are drawn, and the same Enter
    /// must not also open or transfer the selected row.
    fn keyboard(&mut self, ctx: &egui::Context, actions: &mut Actions) {
        let state = &mut self.state;
        let elsewhere = state.dialog_open() || egui::Popup::is_any_open(ctx);
        // In the main window, a button or row reached with Tab from a field would hold the keys
        // invisibly: the keyboard goes back to the panes instead (their frame shows which).
        // Dialogs and menus keep theirs, to be gone through with the keyboard.
        if !elsewhere
            && let Some(id) = ctx.memory(|m| m.focused())
            && !ctx.text_edit_focused()
        {
            ctx.memory_mut(|m| m.surrender_focus(id));
        }
        let field = ctx.memory(|m| m.focused()).is_some();
        state.keys_free = !field && !elsewhere;
        if !state.keys_free {
            return;
        }
        // Tab and Shift+Tab move round the panes and the queue, instead of egui's walk through
        // every widget.
        // Shift+Tab first: a plain Tab's check would take it too (an extra Shift is ignored).
        let (back, forward) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::SHIFT, egui::Key::Tab),
                i.consume_key(egui::Modifiers::NONE, egui::Key::Tab),
            )
        });
        if forward || back {
            ctx.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
            let left = if state.settings.window.local_on_right {
                Side::Remote
            } else {
                Side::Local
            };
            let to = state
                .focus
                .next(back, left, !state.queue.items().is_empty());
            actions.push(Action::Focus(to));
        }
    }

    /// A press anywhere in a pane or the queue (a tap too, which presses and releases in one
    /// frame) gives it the keyboard; not a press on a dialog or menu that lies over it.
    fn focus_on_press(
        &self,
        ctx: &egui::Context,
        areas: &[(KeyArea, egui::Rect)],
        actions: &mut Actions,
    ) {
        let presses: Vec<egui::Pos2> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::PointerButton {
                        pos, pressed: true, ..
                    } => Some(*pos),
                    _ => None,
                })
                .collect()
        });
        for at in presses {
            let on_window = ctx
                .layer_id_at(at)
                .is_none_or(|layer| layer.order == egui::Order::Background);
            if !on_window {
                continue;
            }
            if let Some((area, _)) = areas.iter().find(|(_, rect)| rect.contains(at)) {
                actions.push(Action::Focus(*area));
            }
        }
    }

    /// Synchronized browsing: when one side has moved to another folder, the other opens the
    /// folder at the same place relative to where both started.
    fn sync_step(&mut self, now: f64, actions: &mut Actions) {
        let state = &mut self.state;
        let Some(sync) = &mut state.sync else {
            return;
        };
        match sync.step(state.local.current(), state.remote.current()) {
            Follow::Nothing => {}
            Follow::OpenLocal(path) => actions.push(Action::OpenLocal(path)),
            Follow::OpenRemote(path) => actions.push(Action::OpenRemote(DirTarget::Path(path))),
            // Switched off where it can't follow, so that the switch never looks on while the
            // panes are out of step (a walk uploaded into the wrong folder that way).
            Follow::Left => {
                state.notices.note(
                    "Synchronized browsing is off: a pane went above the folders it began in",
                    now,
                );
                actions.push(Action::SetSync(false));
            }
        }
    }

    /// Files dropped on the window from a file manager upload into the remote folder under the
    /// pointer, or the one shown.
    fn os_drops(&self, ctx: &egui::Context, actions: &mut Actions) {
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
            .state
            .remote_pointer_folder
            .clone()
            .or_else(|| self.state.remote.current().cloned())
        {
            Some(into) => actions.push(Action::Upload {
                paths: dropped,
                into: Some(into),
            }),
            None => actions.push(Action::Notice(crate::ui::remote::NOT_CONNECTED_DROP.into())),
        }
    }

    /// Closing the window while transfers run asks first; they resume on the next start.
    fn quit_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.state.quit.confirmed
            && self.state.queue.active() > 0
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.quit.asking = true;
        }
    }
}

impl FerryApp {
    /// The engine watches the local folder shown, so that changes made by other programs show
    /// in the pane as they happen.
    fn watch_local_folder(&mut self) {
        let shown = self.state.local.current().cloned();
        if shown != self.local_watched {
            self.local_watched.clone_from(&shown);
            self.engine.send(crate::engine::Command::Local(
                crate::engine::LocalCommand::Watch(shown),
            ));
        }
    }
}

impl eframe::App for FerryApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let now = ctx.input(|i| i.time);
        let mut actions = Actions::default();
        self.drain_events(now, &mut actions);
        self.finished_jobs(now, &mut actions);
        self.state.notices.expire(now);
        if let Some(at) = self.state.notices.next_expiry() {
            ctx.request_repaint_after_secs((at - now).max(0.0) as f32 + 0.1);
        }
        if let Some(pointer) = ctx.pointer_latest_pos() {
            self.state.last_pointer = Some(pointer);
        }
        if self.close_signal.as_ref().is_some_and(|s| s.received()) && !self.state.quit.confirmed {
            actions.push(Action::Quit);
        }
        self.quit_request(&ctx);
        // The setting decides the theme (whoever else set one); checked each frame, it is cheap.
        apply_theme(&ctx, self.state.settings.window.theme);
        self.keyboard(&ctx, &mut actions);

        let placed = layout::show(ui, &mut self.state, &mut actions);
        self.focus_on_press(&ctx, &placed.key_areas, &mut actions);
        super::drag::show_summary(&ctx);
        self.os_drops(&ctx, &mut actions);
        self.sync_step(now, &mut actions);

        // The demo's queue is not kept for the next start (see `new`).
        let queue_kept = self.demo.is_none();
        let state = &mut self.state;
        let encoding = state.remote.encoding();
        if let Some(action) = dialogs::show(&ctx, &mut state.dialog, encoding) {
            actions.push(action);
        }
        if let Some(question) = state.queue.questions.front()
            && question.shown_at.is_none()
        {
            state.notices.asked_again(question.conflict.id);
        }
        if let Some((answer, note)) = super::conflict_dialog::show(&ctx, &mut state.queue) {
            if let Some(note) = note {
                state.log.push(crate::engine::LogLine::now(
                    crate::engine::LogKind::Status,
                    note.clone(),
                ));
                let about = match &answer {
                    crate::engine::Command::Queue { ids, .. } => ids.clone(),
                    _ => Vec::new(),
                };
                state.notices.note_about(note, now, about);
            }
            actions.push(Action::AnswerConflict(answer));
        }
        dialogs::prompts::edit_prompt(&ctx, &mut state.edited, &mut actions);
        site_manager::show(&ctx, state, &mut actions);
        settings::show(&ctx, &mut state.settings_window, &mut actions);
        super::sync_dialog::show(&ctx, &mut state.synchronize, &mut actions);
        dialogs::prompts::trust_dialog(&ctx, &mut state.accounts, &mut actions);
        dialogs::prompts::password_dialog(&ctx, &mut state.password_prompt, &mut actions);
        dialogs::prompts::quit_prompt(
            &ctx,
            &mut state.quit,
            state.queue.active_counts(),
            queue_kept,
            &mut actions,
        );
        layout::problems(&ctx, &mut state.notices, placed.problems_at);

        self.apply_all(&mut actions);
        self.watch_local_folder();
    }
}

/// Light, dark, or as the OS is (and follows it when it changes).
pub(crate) fn apply_theme(ctx: &egui::Context, theme: Theme) {
    let wanted = match theme {
        Theme::System => egui::ThemePreference::System,
        Theme::Light => egui::ThemePreference::Light,
        Theme::Dark => egui::ThemePreference::Dark,
    };
    if ctx.options(|o| o.theme_preference) != wanted {
        ctx.set_theme(wanted);
    }
}

/// The native window: its size, icon, and where eframe keeps its own state (window position,
/// column widths): beside Ferry's other files, so `FERRY_CONFIG_DIR` keeps it there too.
pub fn native_options(dirs: Option<&StoreDirs>) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ferry")
            .with_app_id("ferry")
            .with_inner_size([1200.0, 800.0])
            .with_min_inner_size([800.0, 600.0])
            .with_icon(
                eframe::icon_data::from_png_bytes(include_bytes!(
                    "../../../assets/icons/hicolor/256x256/apps/ferry.png"
                ))
                .unwrap_or_default(),
            ),
        persist_window: true,
        // Named, not left to eframe: a build with the window tests' dev-dependencies has wgpu
        // compiled in as well (for the snapshots), and eframe would then prefer it. The binary
        // CI packs is such a build, and it must draw the way the shipped one does.
        renderer: eframe::Renderer::Glow,
        // eframe takes this as the file itself, not its folder.
        persistence_path: dirs.map(|d| d.data.join("app.ron")),
        ..Default::default()
    }
}

/// Opens the window; returns when it is closed.
pub fn run_app(launch: Launch) -> ExitCode {
    let mut options = AppOptions {
        settings: launch.settings,
        dirs: launch.dirs,
        close_on_signals: true,
        ..AppOptions::default()
    };
    if launch.demo {
        match options.with_demo(launch.data_mode) {
            Ok(with_demo) => options = with_demo,
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
    let native = native_options(options.dirs.as_ref());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eframe_keeps_its_state_beside_ferrys_files() {
        let dirs = StoreDirs::in_folder("/somewhere/ferry");
        let options = native_options(Some(&dirs));
        assert_eq!(
            options.persistence_path,
            Some(PathBuf::from("/somewhere/ferry/app.ron"))
        );
    }
}
