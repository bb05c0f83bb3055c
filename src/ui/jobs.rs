//! Work the window does away from its thread: saving files, the keyring, native file pickers,
//! handing a file to the system's default application. All of it goes through `Jobs`, so the
//! window never waits on a disk or a dialog, and every result comes back the same way: a `Done`
//! taken at the top of a frame.
//!
//! Saves and keyring work run one after the other on a single helper thread, so that two saves
//! of the same file land in the order they were asked for. A native picker, which stays open
//! as long as the person likes, gets a thread of its own.

use std::path::PathBuf;
use std::sync::mpsc;

use crate::engine::Notify;
use crate::protocol::listing::Entry;
use crate::protocol::path::RemotePath;
use crate::store::secrets::SecretError;
use crate::store::sites::SiteFolder;

/// What a job reports when it ends.
pub enum Done {
    /// Something to tell the person in the status line.
    Notice(String),
    /// Something that went wrong, shown until dismissed.
    Problem(String),
    /// The sites file was written (the Site Manager says "Saved").
    SitesSaved,
    /// Whether the OS keyring can hold passwords.
    Keyring(Result<(), SecretError>),
    /// Sites read from FileZilla's file (their passwords already in the keyring).
    Imported {
        sites: SiteFolder,
        skipped: Vec<String>,
        passwords: usize,
    },
    /// A native picker closed: what was picked (nothing when cancelled or when none could open).
    Picked {
        purpose: PickPurpose,
        paths: Vec<PathBuf>,
    },
}

/// What a native picker was opened for.
pub enum PickPurpose {
    /// Download these entries of `dir` into the picked folder.
    DownloadTo {
        dir: RemotePath,
        entries: Vec<Entry>,
    },
    /// Upload the picked files (or folder) into this remote folder.
    Upload(RemotePath),
    /// FileZilla's sitemanager.xml, to import.
    ImportSites,
    /// The folder to export the sites to.
    ExportSites,
}

/// What a native picker picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Folder,
    Files,
}

type Job = Box<dyn FnOnce() -> Option<Done> + Send>;

pub struct Jobs {
    queue: mpsc::Sender<Job>,
    report: mpsc::Sender<Done>,
    done: mpsc::Receiver<Done>,
    /// Repaints the window (and tells tests) when a job has ended.
    notify: Notify,
    /// A native picker is open: one at a time, as a dialog would be.
    picking: bool,
}

impl Jobs {
    pub fn new(notify: Notify) -> Self {
        let (queue, jobs) = mpsc::channel::<Job>();
        let (report, done) = mpsc::channel();
        let worker_report = report.clone();
        let worker_notify = notify.clone();
        // The helper ends when the window (and with it `queue`) goes away.
        let started = std::thread::Builder::new()
            .name("ferry-window-jobs".into())
            .spawn(move || {
                for job in jobs {
                    if let Some(done) = job() {
                        let _ = worker_report.send(done);
                    }
                    worker_notify();
                }
            });
        if let Err(e) = started {
            tracing::error!("no helper thread for saves: {e}");
        }
        Self {
            queue,
            report,
            done,
            notify,
            picking: false,
        }
    }

    /// Runs `job` on the helper thread, after the jobs asked for before it.
    pub fn run(&self, job: impl FnOnce() -> Option<Done> + Send + 'static) {
        if self.queue.send(Box::new(job)).is_err() {
            tracing::error!("the helper thread for saves is gone; a save was dropped");
        }
    }

    /// Opens a native file or folder picker; its answer comes back as `Done::Picked`.
    /// Does nothing while another picker is open.
    pub fn pick(&mut self, pick: Pick, title: &str, purpose: PickPurpose) {
        if self.picking {
            return;
        }
        self.picking = true;
        let report = self.report.clone();
        let notify = self.notify.clone();
        let title = title.to_owned();
        let started = std::thread::Builder::new()
            .name("ferry-picker".into())
            .spawn(move || {
                let dialog = rfd::AsyncFileDialog::new().set_title(title);
                let paths: Vec<PathBuf> = match pick {
                    Pick::Folder => pollster::block_on(dialog.pick_folder())
                        .map(|f| vec![f.path().to_path_buf()])
                        .unwrap_or_default(),
                    Pick::Files => pollster::block_on(dialog.pick_files())
                        .map(|files| files.iter().map(|f| f.path().to_path_buf()).collect())
                        .unwrap_or_default(),
                };
                let _ = report.send(Done::Picked { purpose, paths });
                notify();
            });
        if let Err(e) = started {
            self.picking = false;
            let _ = self
                .report
                .send(Done::Problem(format!("Could not open a file picker: {e}")));
        }
    }

    /// Every job that ended since the last call.
    pub fn finished(&mut self) -> Vec<Done> {
        let done: Vec<Done> = self.done.try_iter().collect();
        if done.iter().any(|d| matches!(d, Done::Picked { .. })) {
            self.picking = false;
        }
        done
    }
}
