//! The window. `app/` holds `FerryApp` (its state, the engine's events, and the one place where
//! actions become engine commands); each panel is a file that draws from the state and returns
//! actions: the connection bar, the welcome and message log, the two panes (`pane.rs`, with
//! `local.rs` and `remote.rs` as their sources), the queue, the status line, the dialogs, the
//! Site Manager and the Settings window. `layout.rs` places them.

mod accounts;
mod app;
mod compare;
pub mod conflict_dialog;
mod connection_bar;
mod dialogs;
mod drag;
mod file_table;
mod folder_tree;
mod folders;
mod format;
mod jobs;
mod layout;
mod local;
mod message_log;
mod pane;
mod queue_panel;
mod remote;
mod server_panel;
mod settings;
mod site_manager;
mod status_line;
mod sync_dialog;
mod widgets;

pub use app::{AppOptions, FerryApp, Launch, native_options, run_app};
pub use connection_bar::ConnectionForm;
pub use queue_panel::QueueTab;

/// One of the two panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Local,
    Remote,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Local => Side::Remote,
            Side::Remote => Side::Local,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Disconnected { reason: Option<String> },
    Connecting { target: String },
    Connected { target: String },
}
