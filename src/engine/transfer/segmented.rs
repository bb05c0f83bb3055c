//! A segmented download: one file over several connections, each fetching its own byte range
//! (`REST offset` + `RETR`) into one `.ferrypart` that has the file's full size from the start, with
//! positioned writes. The map of ranges (`segments::SegmentMap`) is saved beside the `.ferrypart`
//! (`NAME.ferrypart.segments`) as it fills, so a crash or a dropped connection continues each range
//! from its own offset; the queue keeps a copy to show.
//!
//! A connection never reads past the end of its range: its last read is cut to the range's end,
//! and then it closes the data connection (the server answers 426, which is expected) unless
//! the range ends the file. A range whose bytes are all in place counts as done whatever the
//! server says after it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use tokio::io::AsyncReadExt;

use super::super::api::event::LogKind;
use super::super::api::queue::{FileFacts, SegmentProgress};
use super::super::connection::{DataStart, Session};
use super::super::error::{FtpError, FtpResult};
use super::super::local_io::{self, CHUNK};
use super::super::queue::state::Finish;
use super::super::splice::Pipe;
use super::super::write_place::WritePlace;
use super::segments::{READ_AT_ONCE, SegmentMap, read_at_once, worth_joining};

/// How often the map is saved while bytes come.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
use super::{Progress, TransferContext};

/// Where the map of a `.ferrypart` is kept.
pub(crate) fn map_path(part: &Path) -> PathBuf {
    let mut name = part.as_os_str().to_owned();
    name.push(".segments");
    PathBuf::from(name)
}

/// The saved map of `part`, when there is one that fits the file as the server has it now.
/// `Err` when there is a map but it doesn't fit (the `.ferrypart` can't be trusted).
pub(crate) fn saved_map(part: &Path, source: &FileFacts) -> Result<Option<SegmentMap>, ()> {
    let Ok(text) = std::fs::read(map_path(part)) else {
        return Ok(None);
    };
    let Some(size) = source.size else {
        return Err(());
    };
    let modified = time_key(source);
    match serde_json::from_slice::<SegmentMap>(&text) {
        Ok(map) if map.fits(size, modified.as_deref()) => Ok(Some(map)),
        _ => Err(()),
    }
}

/// The map's record of the server's file time.
pub(crate) fn time_key(source: &FileFacts) -> Option<String> {
    source
        .modified
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
}

/// Writes the map next to the `.ferrypart`, whole or not at all (a temporary file renamed).
fn save_map(part: &Path, map: &SegmentMap) -> std::io::Result<()> {
    let path = map_path(part);
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".new");
    let temporary = PathBuf::from(temporary);
    let text = serde_json::to_vec(map).map_err(std::io::Error::other)?;
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, &path)
}

/// Removes a `.ferrypart`'s map (a start from scratch, or every range in place).
pub(crate) fn forget_map(part: &Path) {
    let _ = std::fs::remove_file(map_path(part));
}

/// What the connections share.
struct Shared<'a> {
    map: Mutex<SegmentMap>,
    part: &'a Path,
    /// Written by one thread at a time. The kernel serialises buffered writes to one file
    /// anyway (the inode's lock); four threads calling `pwrite` at once spun on that lock,
    /// and a 1 GiB download over four connections spent 1-3 s of CPU spinning against 0.4 s
    /// in all over one connection (perf: `rwsem_spin_on_owner`). Waiting here sleeps instead.
    file: Arc<Mutex<std::fs::File>>,
    /// When the map was last saved.
    saved_at: Mutex<std::time::Instant>,
    /// When the faces last heard of the ranges.
    shown_at: Mutex<std::time::Instant>,
    /// Bytes in place when this attempt began.
    at_start: u64,
    /// The first disk error: it ends every connection.
    disk_error: Mutex<Option<std::io::Error>>,
    /// The server sent the wrong bytes for a range (it ignores REST): the `.ferrypart` is worthless.
    wrong_bytes: Mutex<Option<String>>,
    /// When this attempt began, for the rate that decides whether more connections join.
    started: std::time::Instant,
    /// The first connection is done (with every range, or given up): no other joins after it.
    first_done: std::sync::atomic::AtomicBool,
    first_done_told: tokio::sync::Notify,
    /// A connection let go of a range (finished, or gave up on it).
    released: tokio::sync::Notify,
    /// The least time from asking for a range to its first byte, over every range so far.
    start_cost: Mutex<Option<std::time::Duration>>,
    /// Nanoseconds the connections spent waiting on the server (its answer to RETR, then the
    /// bytes), against the time since `started`: whether another one could add anything.
    waited_ns: std::sync::atomic::AtomicU64,
}

impl Shared<'_> {
    fn map(&self) -> MutexGuard<'_, SegmentMap> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Saves the map once a second while bytes come (and whenever told to): a crash loses
    /// at most a second of each range, which the next attempt fetches again.
    fn checkpoint(&self, context: &TransferContext<'_>, always: bool) {
        {
            let mut saved_at = self.saved_at.lock().unwrap_or_else(|p| p.into_inner());
            if !always && saved_at.elapsed() < CHECKPOINT_EVERY {
                return;
            }
            *saved_at = std::time::Instant::now();
        }
        let map = self.map().clone();
        if let Err(e) = save_map(self.part, &map) {
            // The bytes are fine; only a later resume would start these ranges again.
            context.sink.log(
                LogKind::Error,
                format!(
                    "Could not save the segment map of {}: {e}",
                    self.part.display()
                ),
            );
        }
        context.report.segments(progress_of(&map), true);
    }

    /// Tells the faces how far each range is, a few times a second (not saved).
    fn show(&self, context: &TransferContext<'_>) {
        {
            let mut shown_at = self.shown_at.lock().unwrap_or_else(|p| p.into_inner());
            if shown_at.elapsed() < std::time::Duration::from_millis(250) {
                return;
            }
            *shown_at = std::time::Instant::now();
        }
        let ranges = progress_of(&self.map());
        context.report.segments(ranges, false);
    }

    /// Awaits `answer`, a wait on the server, and adds its time to what the connections waited.
    async fn waiting_on_server<T>(&self, answer: impl std::future::Future<Output = T>) -> T {
        let since = std::time::Instant::now();
        let answered = answer.await;
        let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.waited_ns
            .fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
        answered
    }

    fn waited(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.waited_ns.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// A range's first byte came `after` it was asked for.
    fn started_after(&self, after: std::time::Duration) {
        let mut least = self.start_cost.lock().unwrap_or_else(|p| p.into_inner());
        *least = Some(least.map_or(after, |least| least.min(after)));
    }

    fn gone_wrong(&self) -> bool {
        self.wrong_bytes.lock().map(|w| w.is_some()).unwrap_or(true)
    }

    fn disk_failed(&self) -> bool {
        self.disk_error.lock().map(|e| e.is_some()).unwrap_or(true)
    }
}

fn progress_of(map: &SegmentMap) -> Vec<SegmentProgress> {
    let mut ranges: Vec<SegmentProgress> = map
        .ranges
        .iter()
        .map(|r| SegmentProgress {
            start: r.start,
            end: r.end,
            done: r.done,
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// One connection of the download: the item's own session, or one opened for it.
enum Connection<'s> {
    Own(&'s mut Session),
    Extra(Option<Box<Session>>),
}

/// A buffer on its way to the disk: back with the offset its end reached.
type PendingWrite = tokio::task::JoinHandle<std::io::Result<(Vec<u8>, u64)>>;

/// Fetches every range of `map` over `own` plus up to `connections - 1` more sessions that the
/// pool can lend, into `part` (`target`'s `.ferrypart`). Returns `None` once every range is in place
/// (the map is then removed: the `.ferrypart` is an ordinary complete one), or what stopped it.
pub(crate) async fn fetch_ranges(
    own: &mut Session,
    context: &TransferContext<'_>,
    part: &Path,
    source: &FileFacts,
    map: SegmentMap,
    connections: usize,
) -> FtpResult<Option<Finish>> {
    if !context.segments.from_start {
        // Each connection that joins borrows from the pool then (see `run_lane`).
        return fetch_with(own, context, part, source, map, connections).await;
    }
    let lent = context.more_sessions.reserve(connections.saturating_sub(1));
    let result = fetch_with(own, context, part, source, map, 1 + lent).await;
    context.more_sessions.give_back(lent);
    result
}

async fn fetch_with(
    own: &mut Session,
    context: &TransferContext<'_>,
    part: &Path,
    source: &FileFacts,
    mut map: SegmentMap,
    connections: usize,
) -> FtpResult<Option<Finish>> {
    let size = map.size;
    for range in &mut map.ranges {
        range.taken = false;
    }
    // The map is on disk before the first byte: from then on the `.ferrypart`'s length means
    // nothing, and no attempt may take it for a plain partial download.
    if let Err(e) = save_map(part, &map) {
        return Ok(Some(Finish::Failed(format!(
            "could not write {}: {e}",
            map_path(part).display()
        ))));
    }
    let file = match open_full_size(part, size).await {
        Ok(file) => Arc::new(Mutex::new(file)),
        Err(e) => {
            return Ok(Some(Finish::Failed(format!(
                "could not write {}: {e}",
                part.display()
            ))));
        }
    };
    // Split as it goes, it starts on one: a walk read "over 4 connections" about downloads that
    // were never slow enough for a second to join.
    let how = if map.ranges.len() >= connections {
        format!("over {connections} connections")
    } else {
        format!("on one connection, and on up to {connections} if it turns out slow")
    };
    context.log(format!(
        "Downloading {} {how} ({} of {size} bytes in place)",
        part.display(),
        map.done()
    ));
    let shared = Shared {
        saved_at: Mutex::new(std::time::Instant::now()),
        shown_at: Mutex::new(std::time::Instant::now()),
        at_start: map.done(),
        map: Mutex::new(map),
        part,
        file,
        disk_error: Mutex::new(None),
        wrong_bytes: Mutex::new(None),
        started: std::time::Instant::now(),
        first_done: std::sync::atomic::AtomicBool::new(false),
        first_done_told: tokio::sync::Notify::new(),
        released: tokio::sync::Notify::new(),
        start_cost: Mutex::new(None),
        waited_ns: std::sync::atomic::AtomicU64::new(0),
    };
    let progress = Mutex::new(Progress::new(context, shared.map().done(), Some(size)));
    let mut lanes = vec![Connection::Own(own)];
    lanes.extend((1..connections).map(|_| Connection::Extra(None)));
    let results =
        futures_util::future::join_all(lanes.into_iter().enumerate().map(|(lane, connection)| {
            let shared = &shared;
            let progress = &progress;
            async move {
                let result = run_lane(lane, connection, context, shared, progress).await;
                if lane == 0 {
                    shared
                        .first_done
                        .store(true, std::sync::atomic::Ordering::Release);
                    shared.first_done_told.notify_waiters();
                }
                result
            }
        }))
        .await;
    if let Some(why) = shared.wrong_bytes.lock().ok().and_then(|mut w| w.take()) {
        forget_map(part);
        let _ = std::fs::remove_file(part);
        return Ok(Some(Finish::Failed(why)));
    }
    shared.checkpoint(context, true);
    if let Some(e) = shared.disk_error.lock().ok().and_then(|mut e| e.take()) {
        return Ok(Some(Finish::Failed(format!(
            "could not write {}: {e}",
            part.display()
        ))));
    }
    if let Some(stopped) = context.stopped() {
        return Ok(Some(Finish::Stopped(stopped)));
    }
    let complete = shared.map().is_complete();
    if !complete {
        // Every connection gave up: the queue tries again later, from the saved map.
        let error = results.into_iter().find_map(Result::err);
        return Err(error.unwrap_or_else(|| FtpError::Closed {
            doing: "fetching the file's ranges".into(),
        }));
    }
    let stamp = source.modified.map(|t| SystemTime::from(t.and_utc()));
    let file = shared.file.clone();
    let finished = tokio::task::spawn_blocking(move || match stamp {
        Some(time) => file
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .set_modified(time),
        None => Ok(()),
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|r| r);
    if let Err(e) = finished {
        context.log(format!("Could not set the time of {}: {e}", part.display()));
    }
    // Every byte is in place: the `.ferrypart` is now an ordinary complete one, which the checks
    // and the rename take (or a later attempt, if this one stops before them).
    forget_map(part);
    if let Ok(mut progress) = progress.lock() {
        progress.update(size, true);
    }
    Ok(None)
}

async fn open_full_size(part: &Path, size: u64) -> std::io::Result<std::fs::File> {
    let part = part.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&part)?;
        // The full size at once: ranges land anywhere in it (sparse until written).
        if file.metadata()?.len() != size {
            file.set_len(size)?;
        }
        Ok(file)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// One connection: takes ranges until none is left, or the item stops, or it fails. An extra
/// connection of a download split as it goes first waits until joining is worth it, and
/// borrows its session from the pool only then.
async fn run_lane(
    lane: usize,
    connection: Connection<'_>,
    context: &TransferContext<'_>,
    shared: &Shared<'_>,
    progress: &Mutex<Progress<'_>>,
) -> FtpResult<()> {
    if context.segments.from_start || matches!(connection, Connection::Own(_)) {
        return take_ranges(lane, connection, context, shared, progress).await;
    }
    if !wait_until_worth_joining(context, shared).await || context.more_sessions.reserve(1) == 0 {
        return Ok(());
    }
    let result = take_ranges(lane, connection, context, shared, progress).await;
    context.more_sessions.give_back(1);
    result
}

/// Waits until another connection is worth it (true), or the download is over without one.
async fn wait_until_worth_joining(context: &TransferContext<'_>, shared: &Shared<'_>) -> bool {
    use std::sync::atomic::Ordering;
    const LOOK_EVERY: std::time::Duration = std::time::Duration::from_millis(50);
    let size = shared.map().size;
    loop {
        // Made before the look, so that the first connection's end can't slip between them.
        let first_done = shared.first_done_told.notified();
        if shared.first_done.load(Ordering::Acquire)
            || context.stopped().is_some()
            || shared.disk_failed()
            || shared.gone_wrong()
        {
            return false;
        }
        let moved = context.moved.load(Ordering::Relaxed);
        let remaining = size.saturating_sub(shared.at_start + moved);
        if worth_joining(shared.started.elapsed(), moved, remaining, shared.waited()) {
            return true;
        }
        tokio::select! {
            () = first_done => return false,
            () = tokio::time::sleep(LOOK_EVERY) => {}
        }
    }
}

async fn take_ranges(
    lane: usize,
    mut connection: Connection<'_>,
    context: &TransferContext<'_>,
    shared: &Shared<'_>,
    progress: &Mutex<Progress<'_>>,
) -> FtpResult<()> {
    /// How often the first connection, with nothing left to take, looks again.
    const LOOK_AGAIN: std::time::Duration = std::time::Duration::from_millis(100);
    loop {
        // From asking for a range to its first byte, the least any connection took: what a
        // split costs (not known before the first range's first byte). The least, because the
        // first ranges start while the others log in, which slows the server's answers.
        let start_cost = *shared.start_cost.lock().unwrap_or_else(|p| p.into_inner());
        if context.stopped().is_some() || shared.disk_failed() || shared.gone_wrong() {
            return Ok(());
        }
        // An extra connection logs in before it takes a range, and only if there is one to
        // take: one whose login never ends (a server that stops answering) holds nothing the
        // others need, and is dropped when the first connection is done.
        if let Connection::Extra(slot) = &mut connection
            && slot.is_none()
        {
            if !shared.map().can_take(start_cost) {
                break;
            }
            let opened = tokio::select! {
                opened = context.more_sessions.open() => opened,
                () = first_connection_done(shared) => return Ok(()),
            };
            match opened {
                Ok(session) => *slot = Some(Box::new(session)),
                Err(error) => {
                    // The server may allow fewer connections: the others go on.
                    context.log(format!(
                        "Segment connection {} could not log in ({error}); the others go on",
                        lane + 1
                    ));
                    return Err(error);
                }
            }
        }
        let released = shared.released.notified();
        let Some(index) = shared.map().take(start_cost) else {
            // The first connection stays until every byte is in place: a range that another
            // connection gives up (it failed, or waited out its time on a server that stopped
            // answering) is fetched here, not left to a later attempt of the whole item.
            if matches!(connection, Connection::Own(_)) && !shared.map().is_complete() {
                tokio::select! {
                    () = released => {}
                    () = tokio::time::sleep(LOOK_AGAIN) => {}
                }
                continue;
            }
            break;
        };
        let session = match &mut connection {
            Connection::Own(session) => &mut **session,
            Connection::Extra(slot) => match slot.as_deref_mut() {
                Some(session) => session,
                None => {
                    shared.map().release(index);
                    return Ok(());
                }
            },
        };
        let fetched = fetch_range(session, index, context, shared, progress).await;
        shared.map().release(index);
        shared.checkpoint(context, true);
        shared.released.notify_waiters();
        if let Err(error) = fetched {
            if let Connection::Extra(slot) = &mut connection {
                slot.take();
            }
            // A pause or a cancel ends the range too: that is no failure (a walk read one in
            // the log before "Paused").
            if context.stopped().is_none() {
                context.log(format!(
                    "Segment connection {} failed ({error}); its range is left to the others",
                    lane + 1
                ));
            }
            return Err(error);
        }
    }
    if let Connection::Extra(Some(session)) = connection {
        session.quit().await;
    }
    Ok(())
}

/// Ends once the first connection is done (every byte in place, or the item stopped or failed).
async fn first_connection_done(shared: &Shared<'_>) {
    let told = shared.first_done_told.notified();
    if shared.first_done.load(std::sync::atomic::Ordering::Acquire) {
        return;
    }
    told.await;
}

/// Fetches the rest of range `index` on `session`, and measures the start cost (from asking for
/// the range to its first byte) on the way.
async fn fetch_range(
    session: &mut Session,
    index: usize,
    context: &TransferContext<'_>,
    shared: &Shared<'_>,
    progress: &Mutex<Progress<'_>>,
) -> FtpResult<()> {
    let asked = std::time::Instant::now();
    let remote = context.start.request.remote.as_bytes();
    let (mut offset, size) = {
        let map = shared.map();
        (map.ranges[index].next_offset(), map.size)
    };
    if offset >= shared.map().end_of(index) {
        return Ok(());
    }
    session.set_type(false).await?;
    if offset > 0 && !session.rest(offset).await? {
        return Err(FtpError::Protocol(
            "the server refused REST, which its FEAT offers".into(),
        ));
    }
    let opened = shared
        .waiting_on_server(session.start_transfer("RETR", remote))
        .await;
    let mut stream = match opened? {
        DataStart::Open(stream) => stream,
        DataStart::Done(reply) => return Err(FtpError::reply(reply)),
    };
    let idle = session.reply_timeout();
    // Read into its spare room: nothing is zeroed first.
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut spare: Option<Vec<u8>> = None;
    let mut pending: Option<PendingWrite> = None;
    let mut place = WritePlace::new();
    // Over TLS, reads stay at the least, as before: from vsftpd, a megabyte at a time was no
    // quicker (1.60 s against 1.53 s, 12 interleaved rounds, within this case's spread; 4,200
    // involuntary context switches against 1,000). A split's margin is never less than this.
    let plain = stream.is_plain();
    // A plain connection's bytes go to the file through a pipe (see `splice`) while the writes
    // are quick; after a slow one, through buffers written by a blocking thread.
    let pipe = if plain { Pipe::new() } else { None };
    let mut failure = None;
    // When the first byte came, and where it went: the range's pace is measured from there.
    let mut first_byte: Option<(std::time::Instant, u64)> = None;
    loop {
        if context.stopped().is_some() || shared.disk_failed() || shared.gone_wrong() {
            break;
        }
        // The end as it is now: another connection may have taken the second half.
        let end = shared.map().end_of(index);
        if offset >= end {
            break;
        }
        let mut ended = false;
        // Bytes moved through the pipe in this pass, already in the file.
        let mut spliced = 0;
        loop {
            let filled = buffer.len();
            // Where this connection reads, and the end as it is now: a split may move it to
            // within `read_at_once(pace)` of that place, so each read is at most that long.
            let reading_at = offset + filled as u64;
            let pace = pace_since(first_byte, reading_at);
            let end = shared.map().reading(index, reading_at, pace);
            let wanted = usize::try_from(end.saturating_sub(offset))
                .unwrap_or(usize::MAX)
                .min(CHUNK);
            if filled >= wanted {
                break;
            }
            let at_once = if plain {
                read_at_once(pace)
            } else {
                READ_AT_ONCE
            };
            let upto = wanted.min(filled + context.limiter.piece(at_once));
            if let Some(pipe) = pipe
                .as_ref()
                .filter(|pipe| place.inline() && filled == 0 && !pipe.refused_by_file())
            {
                let received = shared
                    .waiting_on_server(stream.receive_spliced(pipe, upto, idle))
                    .await;
                match received {
                    Ok(0) => ended = true,
                    Ok(n) => {
                        first_bytes_came(&mut first_byte, reading_at + n as u64, shared, asked);
                        let began = std::time::Instant::now();
                        let written = write_spliced(&shared.file, pipe, n, offset);
                        place.wrote(began.elapsed());
                        match written {
                            Ok(()) => {
                                offset += n as u64;
                                shared.map().written_to(index, offset);
                                spliced = n;
                            }
                            Err(e) => note_disk_error(shared, e),
                        }
                        context.count_moved(n);
                        context.pace(n).await;
                    }
                    Err(error) => failure = Some(error),
                }
                break;
            }
            let received = shared
                .waiting_on_server(stream.receive(&mut buffer, upto - filled, idle))
                .await;
            match received {
                Ok(0) => {
                    ended = true;
                    break;
                }
                Ok(n) => {
                    first_bytes_came(&mut first_byte, reading_at + n as u64, shared, asked);
                    context.count_moved(n);
                    context.pace(n).await;
                }
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
            if context.stopped().is_some() {
                break;
            }
        }
        // The previous buffer's write, then this one's: the network reads while the disk
        // writes.
        if let Some(write) = pending.take() {
            finish_write(write, index, shared, &mut spare).await;
            shared.checkpoint(context, false);
        }
        if spliced > 0 {
            shared.checkpoint(context, false);
            show_progress(context, shared, progress);
        }
        let filled = buffer.len();
        if filled > 0 {
            let chunk = std::mem::replace(
                &mut buffer,
                spare.take().unwrap_or_else(|| Vec::with_capacity(CHUNK)),
            );
            let file = shared.file.clone();
            let at = offset;
            if place.inline() {
                let began = std::time::Instant::now();
                let written = write_chunk(&file, chunk, at);
                place.wrote(began.elapsed());
                note_write(written, index, shared, &mut spare);
                shared.checkpoint(context, false);
            } else {
                pending = Some(tokio::task::spawn_blocking(move || {
                    write_chunk(&file, chunk, at)
                }));
            }
            offset += filled as u64;
            show_progress(context, shared, progress);
        }
        if failure.is_some() {
            break;
        }
        if ended {
            if offset < shared.map().end_of(index) {
                failure = Some(FtpError::Closed {
                    doing: format!(
                        "at byte {offset} of a range that ends at {}",
                        shared.map().end_of(index)
                    ),
                });
            }
            break;
        }
    }
    if let Some(write) = pending.take() {
        finish_write(write, index, shared, &mut spare).await;
    }
    shared.checkpoint(context, false);
    if let Some(error) = failure {
        drop(stream);
        return Err(error);
    }
    let complete = shared.map().ranges[index].is_complete();
    if !complete {
        // Stopped, or the disk failed: the control connection is out of step.
        drop(stream);
        return Err(FtpError::Closed {
            doing: "stopping a range".into(),
        });
    }
    let last = shared.map().end_of(index) >= size;
    if last {
        // The file's end must be the stream's end. More bytes mean the server sent the file
        // from its start whatever REST said: every range it sent is wrong.
        let mut probe = [0u8; 1];
        if let Ok(Ok(n)) = tokio::time::timeout(idle, stream.read(&mut probe)).await
            && n > 0
        {
            if let Ok(mut wrong) = shared.wrong_bytes.lock() {
                *wrong = Some(format!(
                    "the server sent more than the file's {size} bytes after REST {}: it ignores REST (or the file is growing), so this file can't be split; turn Segmented download off for it",
                    shared.map().ranges[index].start
                ));
            }
            drop(stream);
            return Err(FtpError::Protocol("the server ignores REST".into()));
        }
    }
    match session.finish_transfer(stream).await {
        Ok(()) => Ok(()),
        // The session is gone (the range is in place all the same: a new one takes over).
        Err(error) if error.is_fatal() => Err(error),
        // A range that ends before the file: the server complains of the closed data
        // connection (426, or 451) and the session goes on. After the last range, an odd
        // reply is left to the checks of size and digest that follow.
        Err(_) => {
            if last {
                context.log("The server's reply after the last range was not a completion; the checks decide".into());
            }
            Ok(())
        }
    }
}

/// Bytes a second from the first byte (at `since.1`) to `now_at`; 0 until there is a
/// twentieth of a second to measure.
fn pace_since(since: Option<(std::time::Instant, u64)>, now_at: u64) -> u64 {
    let Some((at, from)) = since else {
        return 0;
    };
    let elapsed = at.elapsed();
    if elapsed < std::time::Duration::from_millis(50) {
        return 0;
    }
    (now_at.saturating_sub(from) as f64 / elapsed.as_secs_f64()) as u64
}

/// Writes `chunk` at `at` in the shared `.ferrypart`; gives the buffer back with the offset its
/// bytes reach.
fn write_chunk(
    file: &Mutex<std::fs::File>,
    chunk: Vec<u8>,
    at: u64,
) -> std::io::Result<(Vec<u8>, u64)> {
    local_io::write_at(&file.lock().unwrap_or_else(|p| p.into_inner()), &chunk, at)?;
    let reached = at + chunk.len() as u64;
    Ok((chunk, reached))
}

/// Moves the `len` bytes waiting in `pipe` into the shared `.ferrypart` at `at`.
fn write_spliced(
    file: &Mutex<std::fs::File>,
    pipe: &Pipe,
    len: usize,
    at: u64,
) -> std::io::Result<()> {
    pipe.empty_into(
        &file.lock().unwrap_or_else(|p| p.into_inner()),
        len,
        Some(at),
    )
}

/// The range's first bytes came, reaching `reached`: its pace is measured from there, and the
/// time from asking to them is a start cost.
fn first_bytes_came(
    first_byte: &mut Option<(std::time::Instant, u64)>,
    reached: u64,
    shared: &Shared<'_>,
    asked: std::time::Instant,
) {
    if first_byte.is_none() {
        *first_byte = Some((std::time::Instant::now(), reached));
        shared.started_after(asked.elapsed());
    }
}

async fn finish_write(
    write: PendingWrite,
    index: usize,
    shared: &Shared<'_>,
    spare: &mut Option<Vec<u8>>,
) {
    note_write(
        write.await.map_err(std::io::Error::other).and_then(|r| r),
        index,
        shared,
        spare,
    );
}

/// A buffer's write is over: its range counts the bytes (or the disk's error ends every
/// connection), and the buffer is kept for the next read.
fn note_write(
    written: std::io::Result<(Vec<u8>, u64)>,
    index: usize,
    shared: &Shared<'_>,
    spare: &mut Option<Vec<u8>>,
) {
    match written {
        Ok((mut chunk, written_to)) => {
            shared.map().written_to(index, written_to);
            chunk.clear();
            *spare = Some(chunk);
        }
        Err(e) => note_disk_error(shared, e),
    }
}

/// The first disk error ends every connection.
fn note_disk_error(shared: &Shared<'_>, error: std::io::Error) {
    if let Ok(mut slot) = shared.disk_error.lock() {
        slot.get_or_insert(error);
    }
}

/// The item's progress and its ranges', after bytes reached the file.
fn show_progress(
    context: &TransferContext<'_>,
    shared: &Shared<'_>,
    progress: &Mutex<Progress<'_>>,
) {
    if let Ok(mut progress) = progress.lock() {
        // What was in place at the start and what crossed the network since: every
        // connection's bytes counted once, so the rate is the item's.
        let moved = context.moved.load(std::sync::atomic::Ordering::Relaxed);
        progress.update(shared.at_start + moved, false);
    }
    shared.show(context);
}
