//! Moving one file, either way, on a logged-in session: conflict policy, `.part` files, resume
//! with REST, ASCII conversion, speed limits, progress, and the checks (size, then digest) that
//! must pass before a download takes the target's name.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use super::EventSink;
use super::data::DataStart;
use super::error::{FtpError, FtpResult};
use super::event::{Event, LogKind};
use super::limiter::RateLimiter;
use super::local_io::{self, CHUNK, FileReader, FileWriter};
use super::queue::{
    ConflictPolicy, Direction, FileFacts, QueueEvent, TransferId, TransferRequest, TransferType,
};
use super::session::Session;
use crate::protocol::ascii::{LocalToNetwork, NetworkToLocal};
use crate::protocol::verify::to_hex;

/// What the person asked of a running item.
#[derive(Default)]
pub(crate) struct ItemControl {
    stop: AtomicU8,
}

const PAUSE: u8 = 1;
const CANCEL: u8 = 2;

impl ItemControl {
    pub fn pause(&self) {
        self.stop.store(PAUSE, Ordering::Relaxed);
    }

    pub fn cancel(&self) {
        self.stop.store(CANCEL, Ordering::Relaxed);
    }

    pub fn stop_reason(&self) -> Option<Stopped> {
        match self.stop.load(Ordering::Relaxed) {
            PAUSE => Some(Stopped::Paused),
            CANCEL => Some(Stopped::Cancelled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stopped {
    Paused,
    Cancelled,
}

/// How one attempt at an item ended (besides a connection error, which is an `Err`).
#[derive(Debug)]
pub(crate) enum Outcome {
    Done(String),
    Skipped(String),
    Failed(String),
    /// The person stopped it; the data connection was cut, so the session must be dropped.
    Stopped(Stopped),
    /// The target exists and the policy is to ask.
    Ask {
        source: FileFacts,
        target: FileFacts,
    },
}

/// What a transfer needs besides the session.
pub(crate) struct TransferContext<'a> {
    pub id: TransferId,
    pub sink: &'a EventSink,
    pub limiter: &'a RateLimiter,
    pub control: &'a ItemControl,
    /// The policy for this item: the person's answer, or the queue's.
    pub policy: ConflictPolicy,
    pub preserve_times: bool,
    pub ascii_extensions: &'a [String],
    /// This item was started before (a retry after a drop): a partial target is ours to resume.
    pub resuming: bool,
}

impl TransferContext<'_> {
    fn log(&self, text: String) {
        self.sink.log(LogKind::Status, text);
    }

    fn stopped(&self) -> Option<Stopped> {
        self.control.stop_reason()
    }
}

/// Sends progress at most ten times a second, with a smoothed rate.
struct Progress<'a> {
    context: &'a TransferContext<'a>,
    total: Option<u64>,
    last_sent: Instant,
    last_bytes: u64,
    rate: f64,
}

impl<'a> Progress<'a> {
    const INTERVAL: Duration = Duration::from_millis(100);

    fn new(context: &'a TransferContext<'a>, start: u64, total: Option<u64>) -> Self {
        Self {
            context,
            total,
            last_sent: Instant::now(),
            last_bytes: start,
            rate: 0.0,
        }
    }

    fn update(&mut self, transferred: u64, force: bool) {
        let elapsed = self.last_sent.elapsed();
        if !force && elapsed < Self::INTERVAL {
            return;
        }
        // The item's own update says it is done; a last progress event would say nothing more.
        if force && self.total == Some(transferred) && self.last_bytes == 0 {
            return;
        }
        let instant =
            (transferred.saturating_sub(self.last_bytes)) as f64 / elapsed.as_secs_f64().max(1e-3);
        self.rate = if self.rate == 0.0 {
            instant
        } else {
            0.7 * self.rate + 0.3 * instant
        };
        self.last_sent = Instant::now();
        self.last_bytes = transferred;
        self.context.sink.send(Event::Queue(QueueEvent::Progress {
            id: self.context.id,
            transferred,
            total: self.total,
            rate: self.rate,
        }));
    }
}

/// ASCII or binary for this file: the request's choice, or by extension.
fn is_ascii(request: &TransferRequest, name: &str, ascii_extensions: &[String]) -> bool {
    match request.transfer_type {
        TransferType::Ascii => true,
        TransferType::Binary => false,
        TransferType::Auto => {
            let extension = Path::new(name)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase());
            extension.is_some_and(|e| ascii_extensions.iter().any(|a| a.eq_ignore_ascii_case(&e)))
        }
    }
}

fn part_path(target: &Path) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    target.with_file_name(name)
}

/// `name (1).ext`, `name (2).ext`... the first that doesn't exist locally.
fn free_local_name(target: &Path) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..10_000)
        .map(|n| target.with_file_name(format!("{stem} ({n}){extension}")))
        .find(|candidate| !candidate.exists() && !part_path(candidate).exists())
        .unwrap_or_else(|| target.with_file_name(format!("{stem} (copy){extension}")))
}

fn local_facts(metadata: &std::fs::Metadata) -> FileFacts {
    FileFacts {
        size: Some(metadata.len()),
        modified: metadata
            .modified()
            .ok()
            .map(|t| DateTime::<Utc>::from(t).naive_utc()),
    }
}

/// What the conflict policy says about an existing target.
enum Decision {
    Write,
    /// Continue the existing target from its end.
    Append,
    WriteElsewhere,
    Skip(String),
    Refuse(String),
    Ask,
}

fn decide(policy: ConflictPolicy, source: &FileFacts, target: &FileFacts, what: &str) -> Decision {
    match policy {
        ConflictPolicy::Ask => Decision::Ask,
        ConflictPolicy::Refuse => Decision::Refuse(format!(
            "{what} already exists; not overwritten (choose overwrite, newer, resume, rename or skip)"
        )),
        ConflictPolicy::Overwrite => Decision::Write,
        ConflictPolicy::OverwriteIfNewer => match (source.modified, target.modified) {
            (Some(s), Some(t)) if s > t => Decision::Write,
            (Some(_), Some(_)) => Decision::Skip(format!("{what} is as new or newer")),
            // Without both times, "newer" can't be told: overwrite, as FileZilla does.
            _ => Decision::Write,
        },
        ConflictPolicy::OverwriteIfSizeDiffers => {
            if source.size == target.size && source.size.is_some() {
                Decision::Skip(format!("{what} has the same size"))
            } else {
                Decision::Write
            }
        }
        ConflictPolicy::Resume => match (source.size, target.size) {
            (Some(s), Some(t)) if t >= s => Decision::Skip(format!("{what} is already complete")),
            _ => Decision::Append,
        },
        ConflictPolicy::Rename => Decision::WriteElsewhere,
        ConflictPolicy::Skip => Decision::Skip(format!("{what} already exists")),
    }
}

fn io_failure(doing: &str, path: &Path, error: &std::io::Error) -> Outcome {
    Outcome::Failed(format!("{doing} {}: {error}", path.display()))
}

pub(crate) async fn download(
    session: &mut Session,
    request: &TransferRequest,
    context: &TransferContext<'_>,
) -> FtpResult<Outcome> {
    let remote = request.remote.as_bytes();
    let name = request
        .local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ascii = is_ascii(request, &name, context.ascii_extensions);
    session.set_type(ascii).await?;
    // SIZE counts bytes as stored; in ASCII mode the local file's length differs anyway. A size
    // and time from the listing save a round trip each per file (checked again if they
    // disagree with what arrives).
    let size = match (ascii, request.size) {
        (true, _) => None,
        (false, Some(listed)) => Some(listed),
        (false, None) => session.size(remote).await?,
    };
    let modified = match (context.preserve_times, request.modified) {
        (false, _) => None,
        (true, Some(listed)) => Some(listed),
        (true, None) => session.mdtm(remote).await?,
    };
    let source = FileFacts { size, modified };

    let mut target = request.local.clone();
    if request.after.is_some()
        && let Some(folder) = target.parent()
        && let Err(e) = std::fs::create_dir_all(folder)
    {
        return Ok(io_failure("could not create", folder, &e));
    }
    let mut offset = 0;
    let mut append_target = false;
    match std::fs::metadata(&target) {
        Ok(metadata) if metadata.is_dir() => {
            return Ok(Outcome::Failed(format!(
                "a folder named {} is in the way",
                target.display()
            )));
        }
        Ok(metadata) => match decide(
            context.policy,
            &source,
            &local_facts(&metadata),
            &target.display().to_string(),
        ) {
            Decision::Ask => {
                return Ok(Outcome::Ask {
                    source,
                    target: local_facts(&metadata),
                });
            }
            Decision::Refuse(why) => return Ok(Outcome::Failed(why)),
            Decision::Skip(why) => return Ok(Outcome::Skipped(why)),
            Decision::Write => {}
            Decision::Append => append_target = true,
            Decision::WriteElsewhere => target = free_local_name(&target),
        },
        Err(_) => {}
    }
    let part = part_path(&target);
    if append_target {
        // The existing file becomes the partial download it is.
        if let Err(e) = std::fs::rename(&target, &part) {
            return Ok(io_failure("could not resume", &target, &e));
        }
    }
    if let Ok(metadata) = std::fs::metadata(&part) {
        offset = metadata.len();
        if size.is_some_and(|s| offset > s) {
            context.log(format!(
                "{} is longer than the remote file; starting over",
                part.display()
            ));
            offset = 0;
        } else if offset > 0 {
            context.log(format!("Resuming {} at byte {offset}", part.display()));
        }
    }

    // At most two passes: the second only when the server turned out to ignore REST.
    for _ in 0..2 {
        if offset > 0 && !ascii && !session.rest(offset).await? {
            context.log("The server refuses REST; downloading from the start".to_owned());
            offset = 0;
        }
        let mut writer = match FileWriter::open(&part, offset, size).await {
            Ok(writer) => writer,
            Err(e) => return Ok(io_failure("could not write", &part, &e)),
        };
        let mut stream = match session.start_transfer("RETR", remote).await? {
            DataStart::Open(stream) => stream,
            DataStart::Done(reply) if reply.is_completion() => {
                // Some servers answer a zero-byte file without opening a data connection.
                let stamp = modified.map(|t| SystemTime::from(t.and_utc()));
                if let Err(e) = writer.finish(stamp).await {
                    return Ok(io_failure("could not write", &part, &e));
                }
                return finish_download(session, request, &part, &target, size).await;
            }
            DataStart::Done(reply) => {
                let _ = writer.finish(None).await;
                return Err(FtpError::reply(reply));
            }
        };
        let mut progress = Progress::new(context, offset, size);
        let mut transferred = offset;
        let mut converter = ascii.then(NetworkToLocal::default);
        let idle = session.reply_timeout();
        // A small file gets a small buffer: a megabyte per file would be mapped and unmapped by
        // the allocator for every one of them.
        let buffer_size = size.map_or(CHUNK, |s| {
            usize::try_from(s)
                .unwrap_or(CHUNK)
                .saturating_add(1)
                .clamp(16 * 1024, CHUNK)
        });
        let mut raw = vec![0u8; buffer_size];
        let mut disk_error = false;
        loop {
            if let Some(stopped) = context.stopped() {
                drop(stream);
                let _ = writer.finish(None).await;
                return Ok(Outcome::Stopped(stopped));
            }
            // Fill one buffer (or reach the end) before handing it to the disk; the speed limit
            // and a pause act on every read, not every buffer.
            let mut filled = 0;
            let mut eof = false;
            // Under a speed limit, small reads keep the pace even (a loopback read can return
            // megabytes at once).
            let step = if context.limiter.is_limited() {
                64 * 1024
            } else {
                raw.len()
            };
            while filled < raw.len() {
                let end = (filled + step).min(raw.len());
                match tokio::time::timeout(idle, stream.read(&mut raw[filled..end])).await {
                    Ok(Ok(0)) => {
                        eof = true;
                        break;
                    }
                    Ok(Ok(n)) => {
                        filled += n;
                        context.limiter.take(n).await;
                        progress.update(transferred + filled as u64, false);
                    }
                    Ok(Err(source)) => {
                        let _ = writer.finish(None).await;
                        return Err(FtpError::Io {
                            doing: "receiving the file".into(),
                            source,
                        });
                    }
                    Err(_) => {
                        let _ = writer.finish(None).await;
                        return Err(FtpError::Timeout {
                            doing: "waiting for the file's data".into(),
                            after: idle,
                        });
                    }
                }
                if context.stopped().is_some() {
                    break;
                }
            }
            let mut chunk = writer.buffer(filled);
            match &mut converter {
                Some(converter) => {
                    converter.convert(&raw[..filled], &mut chunk);
                    if eof {
                        converter.finish(&mut chunk);
                    }
                }
                None => chunk.extend_from_slice(&raw[..filled]),
            }
            transferred += chunk.len() as u64;
            if !chunk.is_empty() && writer.write(chunk).await.is_err() {
                disk_error = true;
                break;
            }
            progress.update(transferred, false);
            if eof {
                break;
            }
        }
        drop(stream);
        let written = match writer
            .finish(modified.map(|t| SystemTime::from(t.and_utc())))
            .await
        {
            Ok(written) => written,
            Err(e) => {
                // The server's reply still has to be read to keep the session in step.
                let _ = session.end_transfer().await;
                return Ok(io_failure("could not write", &part, &e));
            }
        };
        if disk_error {
            let _ = session.end_transfer().await;
            return Ok(Outcome::Failed(format!(
                "could not write {}",
                part.display()
            )));
        }
        progress.update(written, true);
        let reply = session.end_transfer().await?;
        if !reply.is_completion() {
            return Err(FtpError::reply(reply));
        }
        if let Some(expected) = size
            && offset > 0
            && written > expected
        {
            // The server said yes to REST but sent the file from its start: what was appended
            // is wrong. The .part never took the target's name, so nothing is lost: start over.
            context.log(format!(
                "The server ignored REST ({written} bytes instead of {expected}); downloading again from the start"
            ));
            offset = 0;
            continue;
        }
        return finish_download(session, request, &part, &target, size).await;
    }
    Ok(Outcome::Failed(
        "the server sends the wrong part of the file".into(),
    ))
}

/// Checks a finished `.part` (size, then digest) and gives it the target's name.
async fn finish_download(
    session: &mut Session,
    request: &TransferRequest,
    part: &Path,
    target: &Path,
    size: Option<u64>,
) -> FtpResult<Outcome> {
    let written = match std::fs::metadata(part) {
        Ok(m) => m.len(),
        Err(e) => return Ok(io_failure("could not read", part, &e)),
    };
    // The listing may be older than the file: ask the server before calling it a mismatch.
    let size = match size {
        Some(expected) if written != expected && request.size == Some(expected) => {
            session.size(request.remote.as_bytes()).await?.or(size)
        }
        other => other,
    };
    if let Some(expected) = size
        && written != expected
    {
        return Ok(Outcome::Failed(format!(
            "size mismatch: received {written} bytes, the server has {expected}; kept {}",
            part.display()
        )));
    }
    let mut checks = vec![format!("{written} bytes")];
    if let Some((algorithm, remote_digest)) = session.digest(request.remote.as_bytes()).await? {
        let local = match local_io::digest(part.to_path_buf(), algorithm).await {
            Ok(digest) => digest,
            Err(e) => return Ok(io_failure("could not read", part, &e)),
        };
        if local != remote_digest {
            return Ok(Outcome::Failed(format!(
                "{} mismatch: local {}, server {}; kept {}",
                algorithm.name(),
                to_hex(&local),
                to_hex(&remote_digest),
                part.display()
            )));
        }
        checks.push(format!("{} verified", algorithm.name()));
    }
    if let Err(e) = std::fs::rename(part, target) {
        return Ok(io_failure(
            "could not rename the finished download to",
            target,
            &e,
        ));
    }
    Ok(Outcome::Done(checks.join(", ")))
}

pub(crate) async fn upload(
    session: &mut Session,
    request: &TransferRequest,
    context: &TransferContext<'_>,
) -> FtpResult<Outcome> {
    let local = &request.local;
    let metadata = match std::fs::metadata(local) {
        Ok(m) if m.is_file() => m,
        Ok(_) => {
            return Ok(Outcome::Failed(format!(
                "{} is not a file",
                local.display()
            )));
        }
        Err(e) => return Ok(io_failure("could not read", local, &e)),
    };
    let local_size = metadata.len();
    let name = local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ascii = is_ascii(request, &name, context.ascii_extensions);
    session.set_type(ascii).await?;
    let mut remote = request.remote.clone();
    let source = local_facts(&metadata);
    let mut offset = 0;
    // What the policy needs to know about an existing target: nothing to overwrite it, its time
    // only to compare dates (or to show them when asking).
    let needs_time = matches!(
        context.policy,
        ConflictPolicy::Ask | ConflictPolicy::OverwriteIfNewer
    );
    let existing = if context.policy == ConflictPolicy::Overwrite && !context.resuming {
        None
    } else {
        session.remote_file(remote.as_bytes(), needs_time).await?
    };
    if let Some(existing) = existing {
        let remote_size = existing.size.unwrap_or(0);
        if context.resuming {
            // Our own partial upload from an earlier attempt.
            offset = remote_size.min(local_size);
        } else {
            let shown = remote.display();
            match decide(context.policy, &source, &existing, &shown) {
                Decision::Ask => {
                    return Ok(Outcome::Ask {
                        source,
                        target: existing,
                    });
                }
                Decision::Refuse(why) => return Ok(Outcome::Failed(why)),
                Decision::Skip(why) => return Ok(Outcome::Skipped(why)),
                Decision::Write => {}
                Decision::Append => offset = remote_size,
                Decision::WriteElsewhere => remote = free_remote_name(session, &remote).await?,
            }
        }
    }
    if ascii {
        offset = 0;
    }
    let mut verb = "STOR";
    if offset > 0 {
        if session.rest(offset).await? {
            context.log(format!(
                "Resuming the upload of {} at byte {offset}",
                local.display()
            ));
        } else {
            context.log("The server refuses REST; appending with APPE".to_owned());
            verb = "APPE";
        }
    }
    let mut reader = match FileReader::open(local, offset).await {
        Ok(reader) => reader,
        Err(e) => return Ok(io_failure("could not read", local, &e)),
    };
    let mut stream = match session.start_transfer(verb, remote.as_bytes()).await? {
        DataStart::Open(stream) => stream,
        DataStart::Done(reply) => return Err(FtpError::reply(reply)),
    };
    let mut progress = Progress::new(context, offset, Some(local_size));
    let mut sent = offset;
    let mut converter = ascii.then(LocalToNetwork::default);
    let mut converted = Vec::new();
    let idle = session.reply_timeout();
    while let Some(chunk) = reader.next().await {
        if let Some(stopped) = context.stopped() {
            return Ok(Outcome::Stopped(stopped));
        }
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                drop(stream);
                let _ = session.end_transfer().await;
                return Ok(io_failure("could not read", local, &e));
            }
        };
        let bytes: &[u8] = match &mut converter {
            Some(converter) => {
                converted.clear();
                converter.convert(&chunk, &mut converted);
                &converted
            }
            None => &chunk,
        };
        // Under a speed limit, in slices, so that the limit and a pause act within a buffer.
        let slice_size = if context.limiter.is_limited() {
            64 * 1024
        } else {
            CHUNK
        };
        for slice in bytes.chunks(slice_size) {
            context.limiter.take(slice.len()).await;
            match tokio::time::timeout(idle, stream.write_all(slice)).await {
                Ok(Ok(())) => {}
                Ok(Err(source)) => {
                    return Err(FtpError::Io {
                        doing: "sending the file".into(),
                        source,
                    });
                }
                Err(_) => {
                    return Err(FtpError::Timeout {
                        doing: "sending the file".into(),
                        after: idle,
                    });
                }
            }
            if let Some(stopped) = context.stopped() {
                return Ok(Outcome::Stopped(stopped));
            }
        }
        sent += chunk.len() as u64;
        reader.recycle(chunk);
        progress.update(sent, false);
    }
    // Close our side and wait for the server to close: ending with unread bytes in the socket
    // (TLS session tickets, say) would reset the connection and cut the file short.
    let _ = stream.shutdown().await;
    let mut drain = [0u8; 512];
    let _ = tokio::time::timeout(idle, async {
        while matches!(stream.read(&mut drain).await, Ok(n) if n > 0) {}
    })
    .await;
    drop(stream);
    progress.update(sent, true);
    let reply = session.end_transfer().await?;
    if !reply.is_completion() {
        return Err(FtpError::reply(reply));
    }
    let mut checks = vec![format!("{local_size} bytes")];
    if !ascii {
        match session.size(remote.as_bytes()).await? {
            Some(stored) if stored != local_size => {
                return Ok(Outcome::Failed(format!(
                    "size mismatch: sent {local_size} bytes, the server stored {stored}"
                )));
            }
            _ => {}
        }
        if let Some((algorithm, remote_digest)) = session.digest(remote.as_bytes()).await? {
            let local_digest = match local_io::digest(local.clone(), algorithm).await {
                Ok(digest) => digest,
                Err(e) => return Ok(io_failure("could not read", local, &e)),
            };
            if local_digest != remote_digest {
                return Ok(Outcome::Failed(format!(
                    "{} mismatch after upload: local {}, server {}",
                    algorithm.name(),
                    to_hex(&local_digest),
                    to_hex(&remote_digest)
                )));
            }
            checks.push(format!("{} verified", algorithm.name()));
        }
    }
    if context.preserve_times
        && let Some(time) = source.modified
    {
        session.mfmt(remote.as_bytes(), time).await?;
    }
    Ok(Outcome::Done(checks.join(", ")))
}

/// `name (1).ext` on the server: the first that SIZE doesn't find.
async fn free_remote_name(
    session: &mut Session,
    remote: &crate::protocol::path::RemotePath,
) -> FtpResult<crate::protocol::path::RemotePath> {
    let name = remote
        .file_name()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (name.clone(), String::new()),
    };
    let parent = remote
        .parent()
        .unwrap_or_else(crate::protocol::path::RemotePath::root);
    for n in 1..1000 {
        let candidate = parent.join(format!("{stem} ({n}){extension}").as_bytes());
        if session
            .remote_file(candidate.as_bytes(), false)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Ok(parent.join(format!("{stem} (copy){extension}").as_bytes()))
}

/// Which way and which file, for log lines.
pub(crate) fn describe(request: &TransferRequest) -> String {
    match request.direction {
        Direction::Download => format!("{} → {}", request.remote, request.local.display()),
        Direction::Upload => format!("{} → {}", request.local.display(), request.remote),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_count_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.pdf");
        std::fs::write(&target, b"x").unwrap();
        assert_eq!(free_local_name(&target), dir.path().join("report (1).pdf"));
        std::fs::write(dir.path().join("report (1).pdf"), b"x").unwrap();
        assert_eq!(free_local_name(&target), dir.path().join("report (2).pdf"));
        assert_eq!(part_path(&target), dir.path().join("report.pdf.part"));
    }

    #[test]
    fn policies_decide_as_named() {
        let old = FileFacts {
            size: Some(10),
            modified: chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
        };
        let new = FileFacts {
            size: Some(20),
            modified: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
        };
        assert!(matches!(
            decide(ConflictPolicy::OverwriteIfNewer, &new, &old, "x"),
            Decision::Write
        ));
        assert!(matches!(
            decide(ConflictPolicy::OverwriteIfNewer, &old, &new, "x"),
            Decision::Skip(_)
        ));
        assert!(matches!(
            decide(ConflictPolicy::OverwriteIfSizeDiffers, &old, &old, "x"),
            Decision::Skip(_)
        ));
        assert!(matches!(
            decide(ConflictPolicy::OverwriteIfSizeDiffers, &new, &old, "x"),
            Decision::Write
        ));
        assert!(matches!(
            decide(ConflictPolicy::Resume, &new, &old, "x"),
            Decision::Append
        ));
        assert!(matches!(
            decide(ConflictPolicy::Resume, &old, &new, "x"),
            Decision::Skip(_)
        ));
        assert!(matches!(
            decide(ConflictPolicy::Refuse, &new, &old, "x"),
            Decision::Refuse(_)
        ));
        assert!(matches!(
            decide(ConflictPolicy::Ask, &new, &old, "x"),
            Decision::Ask
        ));
    }

    #[test]
    fn ascii_by_extension_unless_told() {
        let request = TransferRequest {
            direction: Direction::Download,
            remote: crate::protocol::path::RemotePath::from_text("/a.TXT"),
            local: PathBuf::from("a.TXT"),
            is_dir: false,
            size: None,
            modified: None,
            transfer_type: TransferType::Auto,
            conflict: None,
            after: None,
        };
        let extensions = vec!["txt".to_owned()];
        assert!(is_ascii(&request, "a.TXT", &extensions));
        assert!(!is_ascii(&request, "a.bin", &extensions));
        let binary = TransferRequest {
            transfer_type: TransferType::Binary,
            conflict: None,
            after: None,
            ..request
        };
        assert!(!is_ascii(&binary, "a.txt", &extensions));
    }
}
