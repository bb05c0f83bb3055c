//! What panels ask for, and the one place where those requests become engine commands, saves
//! and changes of state. No panel holds the engine: a panel pushes an `Action`, and
//! `FerryApp::apply` carries it out after the frame is drawn.

use std::path::{Path, PathBuf};

use super::FerryApp;
use crate::engine::tls::{Fingerprint, fingerprint_text, parse_fingerprint};
use crate::engine::{
    AfterDownload, Command, ConflictPolicy, ConnectRequest, DirTarget, Direction, LocalCommand,
    LogKind, LogLine, Login, QueueAction, Timeouts, TransferId, TransferRequest, TransferType,
};
use crate::protocol::listing::Entry;
use crate::protocol::local_name::safe_local_name;
use crate::protocol::path::RemotePath;
use crate::store::secret::Secret;
use crate::store::settings::{Settings, TransferSettings};
use crate::store::sites::{Logon, Site};
use crate::ui::dialogs::Dialog;
use crate::ui::jobs::{Done, Pick, PickPurpose};
use crate::ui::sync_browsing::SyncBrowsing;
use crate::ui::{ConnectionState, KeyArea, Side};

/// Something a panel asks the window to do.
pub enum Action {
    /// Connect with what the connection bar holds.
    Connect,
    /// Connect with a request made elsewhere (a password typed, a certificate trusted).
    ConnectWith(Box<ConnectRequest>),
    ConnectSite(Box<Site>),
    Disconnect,
    /// Show a remote folder (from the cache when it was listed before).
    OpenRemote(DirTarget),
    /// List a remote folder (a tree node opening).
    ListRemote(RemotePath),
    OpenLocal(PathBuf),
    /// Switch synchronized browsing off, and say so (the question about a missing folder was
    /// answered Stop, or with Esc: the switch alone changing went unseen).
    StopSyncBrowsing,
    /// Create a local folder (and any missing above it), then show it.
    MkdirAndOpenLocal(PathBuf),
    /// Create a folder on the server (in its parent, which exists), then show it.
    MkdirAndOpenRemote(RemotePath),
    ListLocal(PathBuf),
    /// List the pane's folder again.
    Refresh(Side),
    /// A change on the server the person confirmed (new folder, rename, delete, permissions).
    RemoteChange(Command),
    /// The same on the local disk.
    LocalChange(LocalCommand),
    /// Download entries of the remote folder `dir`; into the local pane's folder unless said.
    Download {
        dir: RemotePath,
        entries: Vec<Entry>,
        into: Option<PathBuf>,
    },
    /// Download a remote file to a temporary folder and open it (and watch it, for Edit).
    OpenRemoteFile {
        dir: RemotePath,
        entry: Box<Entry>,
        edit: bool,
    },
    /// Upload local files and folders; into the remote pane's folder unless said.
    Upload {
        paths: Vec<PathBuf>,
        into: Option<RemotePath>,
    },
    /// An edited file goes back where it came from.
    UploadEdited {
        local: PathBuf,
        remote: RemotePath,
    },
    /// Hand a local file or folder to the system's default application.
    OpenLocalFile(PathBuf),
    Queue {
        ids: Vec<TransferId>,
        action: QueueAction,
    },
    QueueAll(QueueAction),
    ClearFinished,
    /// The answer to a conflict question (made by the conflict dialog).
    AnswerConflict(Command),
    /// Open a dialog.
    Ask(Dialog),
    /// Open a native file or folder picker.
    Pick {
        pick: Pick,
        title: &'static str,
        purpose: PickPurpose,
    },
    /// Give a pane or the queue the keyboard.
    Focus(KeyArea),
    SetSync(bool),
    SetCompare(bool),
    /// The Hidden files switch of a pane (kept in the settings).
    ShowHidden(Side, bool),
    /// A short note in the status line.
    Notice(String),
    /// New settings from the Settings window or a panel: applied, told to the engine, saved.
    ApplySettings(Box<Settings>),
    /// New transfer settings (simultaneous transfers, speed limits): applied at once and saved.
    SetTransfers(Box<TransferSettings>),
    /// A divider was let go or an area folded: keep the sizes for the next start.
    SaveLayout,
    OpenSettings,
    OpenSiteManager,
    /// The Synchronize dialog, for the two panes' folders.
    OpenSynchronize,
    /// A command of a sync (plan, run, remember) for the engine.
    Sync(Command),
    /// The exclusion rules used for a server, kept in the settings.
    SaveSyncExclusions {
        site: String,
        rules: Vec<String>,
    },
    SaveSites,
    /// A site's password typed in the Site Manager, for the keyring.
    SaveSitePassword {
        key: String,
        password: Secret,
    },
    ForgetPassword(String),
    /// The person trusted a certificate: connect again, accepting it (and remember it).
    Trust {
        request: Box<ConnectRequest>,
        fingerprint: Fingerprint,
        always: bool,
    },
    /// Close the window (transfers or not: the person said so).
    Quit,
}

/// The actions of one frame, in the order they were asked for.
#[derive(Default)]
pub struct Actions(Vec<Action>);

impl Actions {
    pub fn push(&mut self, action: Action) {
        self.0.push(action);
    }

    pub fn extend(&mut self, actions: impl IntoIterator<Item = Action>) {
        self.0.extend(actions);
    }

    pub fn take(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.0)
    }
}

impl FerryApp {
    /// Carries out the actions of a frame (and any they lead to).
    pub(crate) fn apply_all(&mut self, actions: &mut Actions) {
        // An action may lead to others (opening a site opens its local folder); bounded, so a
        // mistake can't spin the window.
        for _ in 0..8 {
            let batch = actions.take();
            if batch.is_empty() {
                return;
            }
            for action in batch {
                self.apply(action, actions);
            }
        }
    }

    fn apply(&mut self, action: Action, more: &mut Actions) {
        let now = self.ctx.input(|i| i.time);
        match action {
            Action::Connect => match self
                .state
                .form
                .settle()
                .and_then(|()| self.state.form.to_request(&self.state.settings))
            {
                Ok(request) => {
                    self.state.form.pending_path = None;
                    self.connect_with(request);
                }
                Err(problem) => {
                    self.state
                        .log
                        .push(LogLine::now(LogKind::Error, problem.clone()));
                    self.state.notices.note(problem, now);
                }
            },
            Action::ConnectWith(request) => self.connect_with(*request),
            Action::ConnectSite(site) => self.connect_site(&site, more),
            Action::Disconnect => {
                self.engine.send(Command::Disconnect);
                // Said at once; the engine confirms a moment later.
                self.state.connection = ConnectionState::Disconnected { reason: None };
                self.state.server = None;
                self.state.remote.disconnected();
                if let Some(note) = self.state.queue.active_counts().disconnect_note() {
                    self.state.notices.note(note, now);
                }
            }
            Action::OpenRemote(target) => self.open_remote(target),
            Action::ListRemote(path) => self.list_remote(path),
            Action::OpenLocal(path) => self.open_local(path),
            Action::MkdirAndOpenLocal(path) => {
                self.state.local.open(path.clone());
                self.engine
                    .send(Command::Local(LocalCommand::MkdirAndList(path)));
            }
            Action::MkdirAndOpenRemote(path) => {
                // The engine runs a session's commands in order: the folder is there when the
                // opening comes.
                if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
                    more.push(Action::RemoteChange(Command::Mkdir {
                        name: name.to_vec(),
                        dir,
                    }));
                    more.push(Action::OpenRemote(DirTarget::Path(path)));
                }
            }
            Action::ListLocal(path) => self.list_local(path),
            Action::Refresh(Side::Local) => {
                if let Some(current) = self.state.local.current().cloned() {
                    self.list_local(current);
                }
            }
            Action::Refresh(Side::Remote) => {
                self.state.notices.clear_note();
                if let Some(current) = self.state.remote.current().cloned() {
                    self.list_remote(current);
                }
            }
            Action::RemoteChange(command) => {
                if !self.state.is_connected() {
                    return;
                }
                self.state.notices.clear_note();
                if let Command::Mkdir { dir, .. }
                | Command::Rename { dir, .. }
                | Command::Move { dir, .. }
                | Command::Delete { dir, .. }
                | Command::Chmod { dir, .. } = &command
                {
                    self.state.remote.listing_requested(dir.clone());
                    self.state.remote.changing_in(dir);
                }
                // The renamed file stays the chosen one, and a new folder becomes it, as in
                // every file manager (F2, Del and Ctrl+Enter act on it next).
                // (Not onto a name that is taken: that rename is declined.)
                if let Command::Rename { to: name, .. } | Command::Mkdir { name, .. } = &command {
                    let name = self.state.remote.encoding().decode(name);
                    if !self.state.remote.shows_name(&name) {
                        self.state.remote.pane.table.put_cursor_on(name);
                    }
                }
                self.engine.send(command);
            }
            Action::LocalChange(command) => {
                if let LocalCommand::Rename { to: made, .. } | LocalCommand::Mkdir(made) = &command
                    && let Some(name) = made.file_name()
                {
                    let name = name.to_string_lossy().into_owned();
                    if !self.state.local.shows_name(&name) {
                        self.state.local.pane.table.put_cursor_on(name);
                    }
                }
                self.engine.send(Command::Local(command))
            }
            Action::Download { dir, entries, into } => {
                let into = into.unwrap_or_else(|| self.state.download_folder());
                self.download(&dir, &entries, &into, now);
            }
            Action::OpenRemoteFile { dir, entry, edit } => {
                self.open_remote_file(&dir, &entry, edit)
            }
            Action::Upload { paths, into } => {
                match into.or_else(|| self.state.remote.current().cloned()) {
                    Some(into) if !paths.is_empty() => {
                        self.engine.send(Command::UploadPaths { paths, into });
                    }
                    Some(_) => {}
                    None => self
                        .state
                        .notices
                        .note("Connect to a server to upload", now),
                }
            }
            Action::UploadEdited { local, remote } => {
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
            Action::OpenLocalFile(path) => self.jobs.run(move || {
                open::that_detached(&path)
                    .err()
                    .map(|e| Done::Problem(format!("Could not open {}: {e}", path.display())))
            }),
            Action::Queue { ids, action } => self.engine.send(Command::Queue { ids, action }),
            Action::QueueAll(action) => self.engine.send(Command::QueueAll(action)),
            Action::ClearFinished => self.engine.send(Command::ClearFinished),
            Action::AnswerConflict(answer) => self.engine.send(answer),
            Action::Ask(dialog) => self.state.dialog = Some(dialog),
            Action::Pick {
                pick,
                title,
                purpose,
            } => self.jobs.pick(pick, title, purpose),
            Action::Focus(side) => self.state.focus = side,
            Action::SetSync(on) => self.set_sync(on, now),
            Action::StopSyncBrowsing => {
                self.set_sync(false, now);
                self.state.notices.note("Synchronized browsing is off", now);
            }
            Action::SetCompare(on) => self.state.compare = on,
            Action::ShowHidden(side, show) => {
                let mut settings = self.state.settings.clone();
                match side {
                    Side::Local => settings.window.show_hidden_local = show,
                    Side::Remote => settings.window.show_hidden_remote = show,
                }
                self.apply_settings(settings);
            }
            Action::Notice(text) => self.state.notices.note(text, now),
            Action::ApplySettings(settings) => self.apply_settings(*settings),
            Action::SetTransfers(transfers) => {
                let settings = Settings {
                    transfers: *transfers,
                    ..self.state.settings.clone()
                };
                self.apply_settings(settings);
            }
            Action::SaveLayout => self.save_settings(),
            Action::OpenSettings => self.state.settings_window.open(&self.state.settings),
            Action::OpenSiteManager => self.state.site_manager.open = true,
            Action::OpenSynchronize => self.open_synchronize(now),
            Action::Sync(command) => {
                if self.state.is_connected() {
                    self.engine.send(command);
                } else {
                    self.state.synchronize.on_failed();
                    self.state.notices.note("Connect to a server first", now);
                }
            }
            Action::SaveSyncExclusions { site, rules } => {
                if self.state.settings.sync.exclude.get(&site) != Some(&rules) {
                    self.state.settings.sync.exclude.insert(site, rules);
                    self.save_settings();
                }
            }
            Action::SaveSites => self.save_sites(),
            Action::SaveSitePassword { key, password } => self.jobs.run(move || {
                Some(Done::Keyring(crate::store::secrets::save_password(
                    &key, &password,
                )))
            }),
            Action::ForgetPassword(key) => self.jobs.run(move || {
                // Nothing to tell when there was none.
                let _ = crate::store::secrets::forget_password(&key);
                None
            }),
            Action::Trust {
                mut request,
                fingerprint,
                always,
            } => {
                request.tls.trusted.push(fingerprint);
                let accounts = &mut self.state.accounts;
                let kept = if always {
                    &mut accounts.trusted
                } else {
                    &mut accounts.trusted_until_closed
                };
                kept.add(&request.host, request.port, fingerprint_text(&fingerprint));
                if always {
                    self.save_trusted();
                }
                self.connect_with(*request);
            }
            Action::Quit => {
                self.state.quit.confirmed = true;
                self.state.quit.asking = false;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Starts a connection: trusted certificates for that server are added and the request is
    /// kept for a retry after a trust decision (the history remembers it once logged in).
    fn connect_with(&mut self, mut request: ConnectRequest) {
        self.state.notices.clear_note();
        let accounts = &self.state.accounts;
        request.tls.trusted = [&accounts.trusted, &accounts.trusted_until_closed]
            .iter()
            .flat_map(|kept| kept.for_server(&request.host, request.port))
            .filter_map(|text| parse_fingerprint(&text))
            .chain(request.tls.trusted.iter().copied())
            .collect();
        self.state.connection = ConnectionState::Connecting {
            target: format!("{}:{}", request.host, request.port),
        };
        self.state.server = None;
        self.state.remote.reset(request.encoding);
        self.state.accounts.last_request = Some(request.clone());
        self.engine.send(Command::Connect(request));
    }

    /// Connects to a saved site (asking for its password first when its logon says so), and
    /// opens its local folder.
    fn connect_site(&mut self, site: &Site, more: &mut Actions) {
        let request = ConnectRequest::for_site(site, Timeouts::from_settings(&self.state.settings));
        if site.logon == Logon::AskPassword
            || (site.logon == Logon::Normal && self.state.accounts.keyring_missing())
        {
            let request = ConnectRequest {
                login: Login::Normal {
                    user: site.user.clone(),
                    password: Secret::default(),
                },
                ..request
            };
            self.state.password_prompt = Some((request, String::new()));
        } else {
            self.connect_with(request);
        }
        if !site.local_dir.trim().is_empty() {
            more.push(Action::OpenLocal(PathBuf::from(site.local_dir.trim())));
        }
        if site.parallel > 0 {
            self.state.settings.transfers.parallel = site.parallel.min(10);
            self.engine.send(Command::SetTransferSettings(
                self.state.settings.transfers.clone(),
            ));
        }
    }

    /// Opens a folder: at once from the cache when it was listed before, else through the
    /// engine (which enters it and reports where the server says it is).
    fn open_remote(&mut self, target: DirTarget) {
        if !self.state.is_connected() {
            return;
        }
        let Some(from) = self.state.remote.current().cloned() else {
            return;
        };
        let known = match &target {
            DirTarget::Path(path) => Some(path.clone()),
            DirTarget::Child(name) => Some(from.join_name(name)),
            DirTarget::Parent => from.parent(),
        };
        self.state.notices.clear_note();
        if let Some(path) = known.filter(|p| self.state.remote.cached(p)) {
            self.state.remote.show(path.clone());
            if self.state.remote.take_stale(&path) {
                self.list_remote(path);
            }
            return;
        }
        self.state.remote.entering();
        self.engine.send(Command::ChangeDir { from, target });
    }

    /// Lists a folder again (F5, Refresh) or for the first time (a tree node).
    pub(super) fn list_remote(&mut self, path: RemotePath) {
        if self.state.is_connected() && self.state.remote.listing_requested(path.clone()) {
            self.engine.send(Command::List(path));
        }
    }

    /// Shows a local folder: at once when listed before (and listed again in the background:
    /// the disk may have changed), else once the engine has listed it.
    pub(super) fn open_local(&mut self, path: PathBuf) {
        self.state.local.open(path.clone());
        self.list_local(path);
    }

    pub(super) fn list_local(&mut self, path: PathBuf) {
        if self.state.local.listing_requested(path.clone()) {
            self.engine.send(Command::Local(LocalCommand::List(path)));
        }
    }

    /// Queues downloads of entries of the remote folder `dir` into the local folder `into`.
    fn download(&mut self, dir: &RemotePath, entries: &[Entry], into: &Path, now: f64) {
        let mut requests = Vec::new();
        for entry in entries {
            // The same rule as recursive downloads: a name from the server can't leave `into`.
            let name = match safe_local_name(&entry.name.text) {
                Ok(name) => name,
                Err(why) => {
                    self.state
                        .notices
                        .note(format!("Not downloaded: {why}"), now);
                    continue;
                }
            };
            requests.push(TransferRequest {
                direction: Direction::Download,
                remote: dir.join_name(&entry.name),
                local: into.join(name),
                is_dir: entry.is_dir(),
                size: entry.size,
                modified: entry.transfer_time(),
                transfer_type: TransferType::Auto,
                conflict: None,
                after: None,
            });
        }
        if !requests.is_empty() {
            self.engine.send(Command::Enqueue(requests));
        }
    }

    /// Open and Edit on a remote file: it goes to a folder of its own under the system's
    /// temporary folder (the engine makes it), replacing an older copy, then opens.
    fn open_remote_file(&mut self, dir: &RemotePath, entry: &Entry, edit: bool) {
        let Ok(name) = safe_local_name(&entry.name.text) else {
            return;
        };
        let folder = std::env::temp_dir()
            .join(format!("ferry-{}", std::process::id()))
            .join(format!("{:x}", hash_of(dir.as_bytes())));
        let request = TransferRequest {
            direction: Direction::Download,
            remote: dir.join_name(&entry.name),
            local: folder.join(name),
            is_dir: false,
            size: entry.size,
            modified: entry.transfer_time(),
            transfer_type: TransferType::Auto,
            conflict: Some(ConflictPolicy::Overwrite),
            after: Some(if edit {
                AfterDownload::Edit
            } else {
                AfterDownload::Open
            }),
        };
        self.engine.send(Command::Enqueue(vec![request]));
    }

    fn set_sync(&mut self, on: bool, now: f64) {
        let state = &mut self.state;
        let (local, remote) = (
            state.local.current().cloned(),
            state.remote.current().cloned(),
        );
        state.sync = match (on, local, remote) {
            (true, Some(local), Some(remote)) => Some(SyncBrowsing::new(local, remote)),
            (true, _, _) => {
                state.notices.note(
                    "Synchronized browsing needs a folder open on both sides",
                    now,
                );
                None
            }
            (false, _, _) => None,
        };
    }

    fn apply_settings(&mut self, settings: Settings) {
        let before = std::mem::replace(&mut self.state.settings, settings);
        let now = &self.state.settings;
        if now.transfers != before.transfers {
            self.engine
                .send(Command::SetTransferSettings(now.transfers.clone()));
        }
        if now.window.theme != before.window.theme {
            super::apply_theme(&self.ctx, now.window.theme);
        }
        self.state
            .local
            .set_show_hidden(now.window.show_hidden_local);
        self.state
            .remote
            .set_show_hidden(now.window.show_hidden_remote);
        self.save_settings();
    }

    /// Opens the Synchronize dialog for the folders the two panes show.
    fn open_synchronize(&mut self, now: f64) {
        let state = &mut self.state;
        let (Some(remote), Some(request)) = (
            state.remote.current().cloned(),
            state.accounts.last_request.as_ref(),
        ) else {
            state
                .notices
                .note("Connect to a server to synchronize with it", now);
            return;
        };
        if !state.is_connected() {
            state
                .notices
                .note("Connect to a server to synchronize with it", now);
            return;
        }
        let site = crate::engine::SiteKey::of(request).to_string();
        let local = state.local.folder();
        let rules = state
            .settings
            .sync
            .exclude
            .get(&site)
            .unwrap_or(&state.settings.sync.default_exclude)
            .join(", ");
        let baseline_file = state.dirs.as_ref().map(|dirs| {
            crate::engine::sync::run::baseline_path(&dirs.data.join("sync"), &site, &local, &remote)
        });
        state.synchronize.open(super::super::sync_dialog::Form {
            local,
            remote,
            direction: crate::engine::sync::plan::SyncDirection::Up,
            delete: false,
            compare: crate::engine::sync::plan::CompareBy::Time,
            exclude: rules,
            site,
            baseline_file,
            connections: state.settings.transfers.parallel,
        });
    }

    /// Saves the settings in the background (the window never waits on the disk).
    fn save_settings(&self) {
        let Some(dirs) = self.state.dirs.clone() else {
            return;
        };
        let settings = self.state.settings.clone();
        self.jobs.run(move || {
            settings
                .save(&dirs.config)
                .err()
                .map(|e| Done::Problem(e.to_string()))
        });
    }

    fn save_sites(&mut self) {
        self.state.site_manager.dirty = false;
        let Some(dirs) = self.state.dirs.clone() else {
            return;
        };
        let sites = self.state.sites.clone();
        self.jobs.run(move || {
            Some(match crate::store::sites::save(&dirs.config, &sites) {
                Ok(()) => Done::SitesSaved,
                Err(e) => Done::Problem(e.to_string()),
            })
        });
    }

    fn save_trusted(&self) {
        let Some(dirs) = self.state.dirs.clone() else {
            return;
        };
        let trusted = self.state.accounts.trusted.clone();
        self.jobs.run(move || {
            trusted
                .save(&dirs.config)
                .err()
                .map(|e| Done::Problem(format!("Could not save the trusted certificate: {e}")))
        });
    }

    /// The quick-connect history, once a server took the login. (Not the demo's server: its
    /// port is gone with the window, and would be a dead entry in the person's history.)
    pub(super) fn remember_server(&mut self) {
        if self.demo.is_some() {
            return;
        }
        let Some(request) = self.state.accounts.last_request.clone() else {
            return;
        };
        self.state.accounts.remember(&request);
        let Some(dirs) = self.state.dirs.clone() else {
            return;
        };
        let history = self.state.accounts.history.clone();
        self.jobs.run(move || {
            history
                .save(&dirs.config)
                .err()
                .map(|e| Done::Problem(format!("Could not save the history: {e}")))
        });
    }
}

/// A short, stable name for a remote folder (two files of the same name in different folders
/// opened at once don't share a temporary folder).
fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
