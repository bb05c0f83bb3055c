//! `ferry get` and `ferry put`: the engine's queue, driven from the command line, with a
//! progress bar, the conflict question on the terminal, and a summary that counts what moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{CliError, CliOptions, Connection, ask, connect_request, exit};
use crate::engine::{
    Command, ConflictPolicy, ConnectRequest, Direction, EngineOptions, Event, FailureKind,
    FetchPart, ItemState, QueueEvent, QueueItem, RESTORED, Restore, TransferId, TransferRequest,
    TransferType,
};
use crate::protocol::path::RemotePath;
use crate::store::settings::TransferSettings;

/// What `get` and `put` take besides the paths.
#[derive(Debug, Clone)]
pub struct TransferOptions {
    pub recursive: bool,
    pub parallel: usize,
    pub on_conflict: ConflictPolicy,
    pub transfer_type: TransferType,
    /// Show a progress bar (when stderr is a terminal).
    pub progress: bool,
    /// Keep the queue in this file while it runs; a run that was killed continues from it.
    pub queue_file: Option<PathBuf>,
    /// The settings' transfer part (retries, speed limits, text extensions...); the options
    /// above override theirs.
    pub settings: TransferSettings,
}

/// `ferry get [-r] URL [DEST]`: downloads a file (or, with `-r`, a folder) into DEST.
pub fn get(
    url: &str,
    dest: Option<&Path>,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let mut request = connect_request(url, options)?;
    let remote = request.initial_path.take().ok_or_else(|| {
        CliError::usage("the URL must name a file or folder to download, e.g. ftp://host/dir/file")
    })?;
    if dest == Some(Path::new("-")) {
        if transfer.recursive {
            return Err(CliError::usage(
                "a folder can't be written to standard output",
            ));
        }
        return to_stdout(request, remote, options);
    }
    let name = remote
        .file_name()
        .map(|n| crate::protocol::local_name::safe_local_name(&String::from_utf8_lossy(n)))
        .transpose()
        .map_err(|e| CliError::usage(e.to_string()))?
        .ok_or_else(|| CliError::usage("the URL must name a file or folder, not the root"))?;
    let dest = dest.unwrap_or(Path::new("."));
    // Into DEST when it is a folder, else as DEST.
    let local = if dest.is_dir() {
        dest.join(&name)
    } else {
        dest.to_path_buf()
    };
    let wanted = TransferRequest {
        direction: Direction::Download,
        remote,
        local,
        is_dir: transfer.recursive,
        size: None,
        modified: None,
        transfer_type: transfer.transfer_type,
        conflict: None,
        after: None,
    };
    run_transfers(request, wanted, transfer, options)
}

/// `ferry put [-r] LOCAL URL`: uploads a file (or, with `-r`, a folder). A URL ending in `/`
/// names the folder to put it in; otherwise the name to give it.
pub fn put(
    local: &Path,
    url: &str,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let mut request = connect_request(url, options)?;
    let metadata = std::fs::metadata(local)
        .map_err(|e| CliError::usage(format!("{}: {e}", local.display())))?;
    if metadata.is_dir() && !transfer.recursive {
        return Err(CliError::usage(format!(
            "{} is a folder: use put -r",
            local.display()
        )));
    }
    let local_name = local
        .file_name()
        .map(crate::protocol::local_name::local_name_bytes)
        .ok_or_else(|| CliError::usage(format!("{} has no file name", local.display())))?;
    let path = request.initial_path.take();
    let into_folder = url.trim_end().ends_with('/') || path.is_none();
    let remote = match path {
        Some(path) if !into_folder => path,
        Some(folder) => folder.join(&local_name),
        None => RemotePath::root().join(&local_name),
    };
    let wanted = TransferRequest {
        direction: Direction::Upload,
        remote,
        local: local.to_path_buf(),
        is_dir: metadata.is_dir(),
        size: metadata.is_file().then_some(metadata.len()),
        modified: None,
        transfer_type: transfer.transfer_type,
        conflict: None,
        after: None,
    };
    run_transfers(request, wanted, transfer, options)
}

/// `ferry get URL -`: the file's bytes on standard output as they arrive, for pipes. The
/// exit code says whether every byte came (the size is checked against the server's).
fn to_stdout(
    mut request: ConnectRequest,
    remote: RemotePath,
    options: &CliOptions,
) -> Result<(), CliError> {
    use std::io::Write;
    // Nothing to show: no listing of any folder on connecting.
    request.list_start = false;
    let connection = Connection::open(request, options.verbose)?;
    connection.wait_connected()?;
    // A few chunks in flight: a slow reader slows the download, not the memory.
    let (into, mut parts) = tokio::sync::mpsc::channel(8);
    connection.engine.send(Command::Fetch {
        path: remote.clone(),
        into,
    });
    let mut out = std::io::stdout().lock();
    let mut written = 0u64;
    while let Some(part) = parts.blocking_recv() {
        match part {
            FetchPart::Size(_) => {}
            FetchPart::Bytes(bytes) => {
                out.write_all(&bytes).map_err(|e| CliError {
                    code: exit::OTHER,
                    message: format!("could not write to standard output: {e}"),
                })?;
                written += bytes.len() as u64;
            }
            FetchPart::End(total) => {
                out.flush().map_err(|e| CliError {
                    code: exit::OTHER,
                    message: format!("could not write to standard output: {e}"),
                })?;
                debug_assert_eq!(total, written);
                return Ok(());
            }
        }
    }
    // The engine stopped short: its event says why.
    loop {
        connection.next()?;
    }
}

fn run_transfers(
    request: ConnectRequest,
    wanted: TransferRequest,
    transfer: &TransferOptions,
    options: &CliOptions,
) -> Result<(), CliError> {
    let engine_options = EngineOptions {
        transfers: TransferSettings {
            parallel: transfer.parallel.clamp(1, 10),
            conflict_policy: transfer.on_conflict,
            transfer_type: transfer.transfer_type,
            ..transfer.settings.clone()
        },
        queue_file: transfer.queue_file.clone(),
        // A run that was killed goes on where it stopped.
        restore: Restore::Queued,
        log: options.verbose,
        listing_bytes: false,
        // This thread reads the events on a tick; the engine rings for a conflict and the end.
        doorbell: Some(std::thread::current()),
    };
    let request = ConnectRequest {
        transfer_type: Some(transfer.transfer_type),
        ..request
    };
    // No browsing session: the queue's sessions log in as they need (one for one file), and
    // each of them recovers on its own from a dropped connection.
    let connection = Connection::start(&request, options.verbose, engine_options)?;
    connection.engine.send(Command::EnqueueFor {
        login: Box::new(request),
        requests: vec![wanted],
    });
    let started = Instant::now();
    let mut run = Run::default();
    let bar = transfer.progress.then(progress_bar);
    let mut answers = std::io::stdin().lock();
    while !run.finished() {
        match connection.next()? {
            Event::Queue(QueueEvent::Added { items, .. })
                if !run.continuing
                    && items.iter().any(|i| i.message.as_deref() == Some(RESTORED)) =>
            {
                run.continuing = true;
                eprintln!(
                    "continuing the queue in {}",
                    transfer
                        .queue_file
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
                run.on_event(QueueEvent::Added { after: None, items }, bar.as_ref());
            }
            Event::Queue(QueueEvent::AskConflict(conflict)) => {
                let answer = match &bar {
                    Some(bar) => bar.suspend(|| ask::ask(&conflict, &mut answers)),
                    None => ask::ask(&conflict, &mut answers),
                };
                connection.engine.send(Command::AnswerConflict {
                    id: conflict.id,
                    answer,
                });
            }
            Event::Queue(event) => run.on_event(event, bar.as_ref()),
            _ => {}
        }
        if let Some(bar) = &bar {
            run.show(bar);
        }
    }
    let items = run.items;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summarise(&items, started.elapsed())
}

/// The CLI's copy of the queue, from the engine's events, with its totals kept as the events
/// come: worked out from every item after each event, they made a 100,000-file download
/// quadratic (137 s, 59% of its CPU in this loop).
#[derive(Default)]
pub(super) struct Run {
    pub(super) items: BTreeMap<TransferId, QueueItem>,
    /// Bytes in place per item, from progress events, and their sum.
    position: BTreeMap<TransferId, u64>,
    in_place: u64,
    tally: Tally,
    /// Items came back from the queue file: a killed run goes on.
    continuing: bool,
}

/// What the queue's items add up to.
#[derive(Debug, Default, Clone, PartialEq)]
struct Tally {
    /// Items (files and folders) not yet done, skipped or failed.
    unfinished: usize,
    files: usize,
    files_finished: usize,
    /// The files' sizes, where known.
    bytes: u64,
}

impl Tally {
    /// Worked out from every item: what the kept one must always equal.
    #[cfg(test)]
    fn of(items: &BTreeMap<TransferId, QueueItem>) -> Self {
        let mut tally = Self::default();
        items.values().for_each(|item| tally.count(item, true));
        tally
    }

    /// Counts `item` in (`add`) or out.
    fn count(&mut self, item: &QueueItem, add: bool) {
        let step = |n: &mut usize| *n = if add { *n + 1 } else { n.saturating_sub(1) };
        let finished = item.state.is_finished();
        if !finished {
            step(&mut self.unfinished);
        }
        if !item.request.is_dir {
            step(&mut self.files);
            if finished {
                step(&mut self.files_finished);
            }
            let size = item.total.unwrap_or(0);
            self.bytes = if add {
                self.bytes.saturating_add(size)
            } else {
                self.bytes.saturating_sub(size)
            };
        }
    }
}

impl Run {
    pub(super) fn on_event(&mut self, event: QueueEvent, bar: Option<&indicatif::ProgressBar>) {
        match event {
            QueueEvent::Added { items, .. } => {
                for item in items {
                    self.put(item);
                }
            }
            QueueEvent::Updated(item) => {
                if item.state.is_finished()
                    && let Some(bar) = bar
                    && let Some(line) = outcome_line(&item)
                {
                    bar.println(line);
                }
                self.put(item);
            }
            QueueEvent::Progress {
                id, transferred, ..
            } => {
                let before = self.position.insert(id, transferred).unwrap_or(0);
                self.in_place = self
                    .in_place
                    .saturating_sub(before)
                    .saturating_add(transferred);
            }
            QueueEvent::Removed(ids) => {
                for id in ids {
                    if let Some(item) = self.items.remove(&id) {
                        self.tally.count(&item, false);
                    }
                }
            }
            QueueEvent::Reordered(_) | QueueEvent::AskConflict(_) => {}
        }
    }

    /// Adds `item`, or puts it in place of what the run knew of it.
    fn put(&mut self, item: QueueItem) {
        self.tally.count(&item, true);
        if let Some(before) = self.items.insert(item.id, item) {
            self.tally.count(&before, false);
        }
    }

    pub(super) fn finished(&self) -> bool {
        !self.items.is_empty() && self.tally.unfinished == 0
    }

    fn show(&self, bar: &indicatif::ProgressBar) {
        bar.set_length(self.tally.bytes.max(1));
        bar.set_position(self.in_place);
        bar.set_message(format!(
            "{}/{} files",
            self.tally.files_finished, self.tally.files
        ));
    }
}

/// The line printed above the progress bar as an item ends.
fn outcome_line(item: &QueueItem) -> Option<String> {
    let why = item.message.clone().unwrap_or_default();
    match item.state {
        ItemState::Done if !item.request.is_dir => Some(format!("done    {}", item.name())),
        ItemState::Failed => Some(format!("FAILED  {}: {why}", item.name())),
        ItemState::Skipped => Some(format!("skipped {}: {why}", item.name())),
        _ => None,
    }
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(1);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// One line of totals on stderr (bytes that really moved; skipped and failed apart), a line
/// per skipped and failed item, and an exit code that says whether all went well.
pub(super) fn summarise(
    items: &BTreeMap<TransferId, QueueItem>,
    elapsed: Duration,
) -> Result<(), CliError> {
    let files: Vec<&QueueItem> = items.values().filter(|i| !i.request.is_dir).collect();
    let count = |state: ItemState| files.iter().filter(|i| i.state == state).count();
    let done = count(ItemState::Done);
    let skipped = count(ItemState::Skipped);
    let bytes: u64 = files.iter().map(|i| i.moved).sum();
    let failed: Vec<&QueueItem> = items
        .values()
        .filter(|i| i.state == ItemState::Failed)
        .collect();
    let rate = bytes as f64 / elapsed.as_secs_f64().max(1e-3);
    let mut line = format!(
        "{done} of {} files transferred ({bytes} bytes in {:.1} s, {:.1} MB/s)",
        files.len(),
        elapsed.as_secs_f64(),
        rate / 1e6,
    );
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    if !failed.is_empty() {
        line.push_str(&format!(", {} failed", failed.len()));
    }
    eprintln!("{line}");
    for item in files.iter().filter(|i| i.state == ItemState::Skipped) {
        eprintln!(
            "skipped: {}: {}",
            item.name(),
            item.message.as_deref().unwrap_or("left as it is")
        );
    }
    for item in &failed {
        eprintln!(
            "failed: {}: {}",
            item.name(),
            item.message.as_deref().unwrap_or("unknown error")
        );
    }
    let Some(first) = failed.first() else {
        return Ok(());
    };
    // One failure, or many for one reason (a refused login fails every item of the run): the
    // exit code says which kind; a mix is a plain failure.
    let kinds: Vec<Option<FailureKind>> = failed
        .iter()
        .map(|i| i.failure.as_ref().map(|f| f.kind))
        .collect();
    let one_reason = kinds.iter().all(|k| *k == kinds[0]);
    let code = match (one_reason, &first.failure) {
        (true, Some(failure)) => CliError::from(failure.clone()).code,
        _ => exit::OTHER,
    };
    let reason = match (&first.failure, one_reason) {
        // The certificate's question needs its own words (and the fingerprint to trust).
        (Some(failure), true) if failure.kind == FailureKind::Certificate => {
            CliError::from(failure.clone()).message
        }
        _ => first.message.clone().unwrap_or_else(|| "failed".into()),
    };
    let message = match failed.len() {
        1 => format!("{}: {reason}", first.name()),
        n if one_reason => format!("{n} transfers failed: {reason}"),
        n => format!("{n} transfers failed"),
    };
    Err(CliError { code, message })
}

#[cfg(test)]
mod tests {
    use super::{Run, Tally};
    use crate::engine::{Direction, ItemState, QueueEvent, QueueItem, TransferRequest};

    fn item(id: u64, is_dir: bool, state: ItemState, total: Option<u64>) -> QueueItem {
        let mut request = TransferRequest::sample(Direction::Download, &format!("f{id}"));
        request.is_dir = is_dir;
        let mut item = QueueItem::new(id, request, state);
        item.total = total;
        item
    }

    /// The totals kept as events come equal the ones worked out from every item, after each
    /// event of a run: items added, started, finished, failed again, removed, and progress.
    #[test]
    fn the_kept_totals_equal_the_counted_ones_after_every_event() {
        use ItemState::*;
        let events = vec![
            QueueEvent::Added {
                after: None,
                items: vec![item(1, true, Queued, None)],
            },
            QueueEvent::Added {
                after: Some(1),
                items: vec![
                    item(2, false, Queued, Some(10)),
                    item(3, false, Queued, Some(20)),
                    item(4, false, Queued, None),
                ],
            },
            QueueEvent::Updated(item(1, true, Done, None)),
            QueueEvent::Updated(item(2, false, Transferring, Some(12))),
            QueueEvent::Progress {
                id: 2,
                transferred: 5,
                total: Some(12),
                rate: 0.0,
            },
            QueueEvent::Progress {
                id: 2,
                transferred: 12,
                total: Some(12),
                rate: 0.0,
            },
            QueueEvent::Updated(item(2, false, Done, Some(12))),
            QueueEvent::Updated(item(3, false, Failed, Some(20))),
            QueueEvent::Updated(item(3, false, Queued, Some(20))),
            QueueEvent::Updated(item(4, false, Skipped, Some(7))),
            QueueEvent::Removed(vec![3, 99]),
            QueueEvent::Updated(item(4, false, Skipped, Some(7))),
        ];
        // (unfinished, files, files finished, bytes, bytes in place, finished)
        let expected = [
            (1, 0, 0, 0, 0, false),
            (4, 3, 0, 30, 0, false),
            (3, 3, 0, 30, 0, false),
            (3, 3, 0, 32, 0, false),
            (3, 3, 0, 32, 5, false),
            (3, 3, 0, 32, 12, false),
            (2, 3, 1, 32, 12, false),
            (1, 3, 2, 32, 12, false),
            (2, 3, 1, 32, 12, false),
            (1, 3, 2, 39, 12, false),
            (0, 2, 2, 19, 12, true),
            (0, 2, 2, 19, 12, true),
        ];
        let mut run = Run::default();
        for (i, (event, expected)) in events.into_iter().zip(expected).enumerate() {
            run.on_event(event, None);
            assert_eq!(run.tally, Tally::of(&run.items), "after event {i}");
            let t = &run.tally;
            let got = (
                t.unfinished,
                t.files,
                t.files_finished,
                t.bytes,
                run.in_place,
                run.finished(),
            );
            assert_eq!(got, expected, "after event {i}");
        }
    }
}
