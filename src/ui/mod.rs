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
mod queue_keys;
mod queue_panel;
mod remote;
mod server_panel;
mod settings;
mod site_manager;
mod status_line;
mod sync_browsing;
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

/// The part of the main window that takes the keys: a pane, or the transfer queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyArea {
    Pane(Side),
    Queue,
}

impl KeyArea {
    /// Where Tab (Shift+Tab: `back`) goes: round the panes as they are placed, `left` first,
    /// then the queue below them when it holds any transfer, in any of its tabs (an empty
    /// queue has nothing to do by keys, and Tab then switches the panes as it always did).
    pub fn next(self, back: bool, left: Side, queue_reachable: bool) -> KeyArea {
        let mut order = vec![KeyArea::Pane(left), KeyArea::Pane(left.other())];
        if queue_reachable {
            order.push(KeyArea::Queue);
        }
        let at = order.iter().position(|&a| a == self);
        let n = order.len();
        match (at, back) {
            (Some(i), false) => order[(i + 1) % n],
            (Some(i), true) => order[(i + n - 1) % n],
            // The queue emptied while it had the keys.
            (None, false) => order[0],
            (None, true) => order[n - 1],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Disconnected {
        reason: Option<String>,
    },
    Connecting {
        target: String,
    },
    Connected {
        target: String,
        /// The server closed the connection between commands (why, in its words): Ferry logs in
        /// again at the next action.
        dropped: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::{KeyArea, Side};

    #[test]
    fn tab_goes_round_the_panes_as_placed_and_then_the_queue() {
        use KeyArea::{Pane, Queue};
        use Side::{Local, Remote};
        // (from, back, the pane on the left, queue shows rows, to)
        let cases = [
            (Pane(Local), false, Local, false, Pane(Remote)),
            (Pane(Remote), false, Local, false, Pane(Local)),
            (Pane(Remote), true, Local, false, Pane(Local)),
            (Pane(Local), true, Local, false, Pane(Remote)),
            (Pane(Local), false, Local, true, Pane(Remote)),
            (Pane(Remote), false, Local, true, Queue),
            (Queue, false, Local, true, Pane(Local)),
            (Queue, true, Local, true, Pane(Remote)),
            (Pane(Local), true, Local, true, Queue),
            // Local on the right: Tab starts from the remote pane on the left.
            (Pane(Remote), false, Remote, true, Pane(Local)),
            (Pane(Local), false, Remote, true, Queue),
            (Queue, false, Remote, true, Pane(Remote)),
            // The queue emptied under the keyboard.
            (Queue, false, Local, false, Pane(Local)),
            (Queue, true, Local, false, Pane(Remote)),
        ];
        for (from, back, left, queue, to) in cases {
            assert_eq!(
                from.next(back, left, queue),
                to,
                "{from:?} back={back} left={left:?} queue={queue}"
            );
        }
    }
}
