//! What the window knows, apart from how it is drawn: the connection, both panes' folders, the
//! queue, the log, the open dialog... Panels read it and change their own part of it (the text
//! in a field, the selection); anything with an effect outside (the engine, the disk, another
//! panel) they ask for with an `Action`.

use crate::ui::sync_browsing::SyncBrowsing;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use super::super::accounts::Accounts;
use super::super::compare::Comparison;
use super::super::connection_bar::ConnectionForm;
use super::super::dialogs::Dialog;
use super::super::local::LocalView;
use super::super::message_log::MessageLog;
use super::super::queue_panel::QueueView;
use super::super::remote::RemoteView;
use super::super::settings::SettingsWindow;
use super::super::site_manager::SiteManager;
use super::super::sync_dialog::SyncDialog;
use super::super::{ConnectionState, KeyArea, Side};
use crate::engine::{ConnectRequest, ServerInfo, TransferId};
use crate::protocol::path::RemotePath;
use crate::store::StoreDirs;
use crate::store::settings::Settings;
use crate::store::sites::SiteFolder;

/// How long a note in the status line stays (seconds of window time).
const NOTICE_FOR: f64 = 12.0;
/// How long a problem stays on screen unless dismissed.
const PROBLEM_FOR: f64 = 20.0;

pub struct AppState {
    pub settings: Settings,
    /// Where settings, sites and the queue are kept; `None` in tests that keep them in memory.
    pub dirs: Option<StoreDirs>,
    pub form: ConnectionForm,
    pub connection: ConnectionState,
    pub server: Option<ServerInfo>,
    pub log: MessageLog,
    pub local: LocalView,
    pub remote: RemoteView,
    pub queue: QueueView,
    /// The pane or the queue with the keyboard.
    pub focus: KeyArea,
    /// The focused part may take keys this frame (decided before anything is drawn).
    pub keys_free: bool,
    /// Tint rows that differ between the two folders.
    pub compare: bool,
    pub comparisons: Option<ComparisonCache>,
    /// Synchronized browsing, while it is on.
    pub sync: Option<SyncBrowsing>,
    pub notices: Notices,
    /// The dialog asking before a change, when one is open.
    pub dialog: Option<Dialog>,
    /// Edited files saved since they were opened, waiting for "upload it back?".
    pub edited: VecDeque<(PathBuf, RemotePath)>,
    pub sites: SiteFolder,
    pub site_manager: SiteManager,
    /// A connection waiting for its password to be typed.
    pub password_prompt: Option<(ConnectRequest, String)>,
    pub accounts: Accounts,
    pub settings_window: SettingsWindow,
    /// The Synchronize dialog, and a sync whose transfers are in the queue.
    pub synchronize: SyncDialog,
    /// The local folder kept up to date on the server, and where.
    pub watching: Option<(PathBuf, RemotePath)>,
    pub quit: QuitPrompt,
    /// Where the pointer was seen last (a drop may come as it leaves the window).
    pub last_pointer: Option<egui::Pos2>,
    /// The remote folder under the pointer, for files dropped from the OS.
    pub remote_pointer_folder: Option<RemotePath>,
}

impl AppState {
    /// A dialog, prompt or settings window has the window's attention: the panes leave the
    /// keys alone.
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
            || !self.queue.questions.is_empty()
            || !self.edited.is_empty()
            || self.password_prompt.is_some()
            || self.accounts.trust_question.is_some()
            || self.quit.asking
            || self.site_manager.open
            || self.settings_window.is_open()
            || self.synchronize.is_open()
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.connection, ConnectionState::Connected { .. })
    }

    /// Where a download without a chosen folder goes: the local pane's folder.
    pub fn download_folder(&self) -> PathBuf {
        self.local.folder()
    }

    /// The comparison a pane's rows are tinted by, when comparing.
    pub fn comparison_for(&mut self, side: Side) -> Option<Arc<Comparison>> {
        if !self.compare {
            return None;
        }
        let remote = self.remote.entries()?.clone();
        let local = self.local.entries()?.clone();
        let (local_key, remote_key) = (Arc::as_ptr(&local) as usize, Arc::as_ptr(&remote) as usize);
        let stale = self
            .comparisons
            .as_ref()
            .is_none_or(|c| c.local_key != local_key || c.remote_key != remote_key);
        if stale {
            self.comparisons = Some(ComparisonCache {
                local_key,
                remote_key,
                for_local: Arc::new(Comparison::against(&remote)),
                for_remote: Arc::new(Comparison::against(&local)),
            });
        }
        let cache = self.comparisons.as_ref()?;
        Some(match side {
            Side::Local => cache.for_local.clone(),
            Side::Remote => cache.for_remote.clone(),
        })
    }
}

/// Comparisons of the two listings shown, computed once per pair of listings.
pub struct ComparisonCache {
    local_key: usize,
    remote_key: usize,
    for_local: Arc<Comparison>,
    for_remote: Arc<Comparison>,
}

/// The window was asked to close while transfers run.
#[derive(Default)]
pub struct QuitPrompt {
    pub asking: bool,
    pub confirmed: bool,
}

/// What the window tells the person besides the panels themselves: a short note in the status
/// line (bad port, left the synchronised folders...) that goes after a while, and problems (a
/// refused command, a failed save) shown where they are seen until dismissed or stale.
#[derive(Default)]
pub struct Notices {
    note: Option<(String, f64)>,
    /// The transfers the note is about ("Left for later: … resume it to be asked again"): it
    /// goes once one of them is asked about again, its promise kept (a walk saw it stay after
    /// the question had been answered and the queue had emptied).
    note_about: Vec<TransferId>,
    problems: Vec<(String, f64)>,
}

impl Notices {
    pub fn note(&mut self, text: impl Into<String>, now: f64) {
        self.note = Some((text.into(), now));
        self.note_about.clear();
    }

    /// A note about some transfers (see `note_about`).
    pub fn note_about(&mut self, text: impl Into<String>, now: f64, ids: Vec<TransferId>) {
        self.note(text, now);
        self.note_about = ids;
    }

    /// Transfer `id` is being asked about again: a note about it has said its piece.
    pub fn asked_again(&mut self, id: TransferId) {
        if self.note_about.contains(&id) {
            self.clear_note();
        }
    }

    pub fn problem(&mut self, text: impl Into<String>, now: f64) {
        let text = text.into();
        self.problems.retain(|(t, _)| *t != text);
        self.problems.push((text, now));
    }

    pub fn clear_note(&mut self) {
        self.note = None;
        self.note_about.clear();
    }

    /// The status line's note, while it is fresh.
    pub fn current(&self) -> Option<&str> {
        self.note.as_ref().map(|(text, _)| text.as_str())
    }

    pub fn problems(&self) -> impl Iterator<Item = &str> {
        self.problems.iter().map(|(text, _)| text.as_str())
    }

    pub fn dismiss(&mut self, index: usize) {
        if index < self.problems.len() {
            self.problems.remove(index);
        }
    }

    /// Forgets what has been shown long enough.
    pub fn expire(&mut self, now: f64) {
        if self
            .note
            .as_ref()
            .is_some_and(|(_, at)| now - at > NOTICE_FOR)
        {
            self.clear_note();
        }
        self.problems.retain(|(_, at)| now - at <= PROBLEM_FOR);
    }

    /// When something will go, so the window can wake up for it.
    pub fn next_expiry(&self) -> Option<f64> {
        let note = self.note.as_ref().map(|(_, at)| at + NOTICE_FOR);
        let problem = self.problems.iter().map(|(_, at)| at + PROBLEM_FOR);
        note.into_iter().chain(problem).reduce(f64::min)
    }
}
