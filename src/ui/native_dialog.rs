//! Native file and folder pickers (rfd), run off the UI thread: the window keeps drawing while
//! the dialog is open, and picks up the answer on a later frame.

use std::path::PathBuf;
use std::sync::mpsc;

/// What the person is picking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Folder,
    Files,
}

/// A dialog that is open; `poll` gives its answer once there is one.
pub struct PendingPick<T> {
    pub purpose: T,
    answer: mpsc::Receiver<Vec<PathBuf>>,
}

impl<T> PendingPick<T> {
    pub fn open(ctx: &egui::Context, pick: Pick, title: &str, purpose: T) -> Self {
        let (send, answer) = mpsc::channel();
        let ctx = ctx.clone();
        let title = title.to_owned();
        std::thread::spawn(move || {
            let dialog = rfd::AsyncFileDialog::new().set_title(title);
            let picked: Vec<PathBuf> = match pick {
                Pick::Folder => pollster::block_on(dialog.pick_folder())
                    .map(|f| vec![f.path().to_path_buf()])
                    .unwrap_or_default(),
                Pick::Files => pollster::block_on(dialog.pick_files())
                    .map(|files| files.iter().map(|f| f.path().to_path_buf()).collect())
                    .unwrap_or_default(),
            };
            let _ = send.send(picked);
            ctx.request_repaint();
        });
        Self { purpose, answer }
    }

    /// `Some(paths)` once the dialog closed (empty when cancelled, or when no dialog could be
    /// shown).
    pub fn poll(&self) -> Option<Vec<PathBuf>> {
        match self.answer.try_recv() {
            Ok(paths) => Some(paths),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Vec::new()),
        }
    }
}
