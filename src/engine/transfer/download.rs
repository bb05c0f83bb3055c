//! A download: into `NAME.ferrypart`, checked (size, then the server's digest when offered), then
//! renamed to `NAME`. Nothing incomplete ever stands under the target's name.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use super::super::api::queue::{Conflict, Direction, FileFacts, TransferRequest};
use super::super::connection::{DataStart, Session, Transfer};
use super::super::error::{FtpError, FtpResult};
use super::super::local_io::{self, CHUNK, FileWriter};
use super::super::queue::decide::{Plan, Situation, Target, decide};
use super::super::queue::state::{Finish, Stop, Written};
use super::super::splice::{self, Pipe, SPLICE_FROM};
use super::continuing::{RESUME_OVERLAP, close_early, read_end, receive_exactly};
use super::segmented;
use super::segments::{SegmentMap, SplitFacts, connections_for};
use super::{
    Progress, TEXT_CHANGED, TEXT_CHANGED_LOG, TransferContext, free_local_name, part_path,
    text_changed,
};
use crate::protocol::ascii::{NetworkToLocal, ascii_sizes_agree};
use crate::protocol::local_name::safe_local_name;
use crate::protocol::verify::to_hex;

fn local_facts(metadata: &std::fs::Metadata) -> FileFacts {
    FileFacts {
        size: Some(metadata.len()),
        modified: metadata
            .modified()
            .ok()
            .map(|t| DateTime::<Utc>::from(t).naive_utc()),
    }
}

fn io_failure(doing: &str, path: &Path, error: &std::io::Error) -> Finish {
    Finish::Failed(format!("{doing} {}: {error}", path.display()))
}

/// What the wire carried, for the checks after an ASCII transfer.
struct Received {
    wire: u64,
    line_ends: u64,
}

pub(crate) async fn download(
    session: &mut Session,
    context: &TransferContext<'_>,
) -> FtpResult<Finish> {
    let start = context.start;
    let request = &start.request;
    let remote = request.remote.as_bytes();
    let name = request
        .local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ascii = session.set_type(context.wants_ascii(&name)).await?;
    // A size and time from the listing save a round trip each per file (checked again if they
    // disagree with what arrives). SIZE counts the stored bytes, which in ASCII mode are not
    // the bytes on the wire: the check afterwards knows.
    let size = match request.size {
        Some(listed) => Some(listed),
        None => session.size(remote).await?,
    };
    let modified = match (context.preserve_times, request.modified) {
        (false, _) => None,
        (true, Some(listed)) => Some(listed),
        (true, None) => session.mdtm(remote).await?,
    };
    let source = FileFacts { size, modified };

    let target = request.local.clone();
    if request.after.is_some()
        && let Some(folder) = target.parent()
        && let Err(e) = std::fs::create_dir_all(folder)
    {
        return Ok(io_failure("could not create", folder, &e));
    }
    let situation = match situation(context, &target, &source, ascii) {
        Ok(situation) => situation,
        Err(finish) => return Ok(finish),
    };
    let mut persons_file = false;
    let (target, offset) = match decide(&situation) {
        Plan::FromStart => (target, 0),
        Plan::ResumeAt(at) => (target, at),
        Plan::ContinueTarget(at) => {
            persons_file = true;
            // The person's file becomes the partial download it is (a plain one: no ranges).
            segmented::forget_map(&part_path(&target));
            if let Err(e) = std::fs::rename(&target, part_path(&target)) {
                return Ok(io_failure("could not resume", &target, &e));
            }
            (target, at)
        }
        Plan::Verify => {
            return Ok(match check_size(&target, &source, None, false) {
                Ok(bytes) => Finish::Done(format!("{bytes} bytes, already in place")),
                Err(why) => Finish::Failed(why),
            });
        }
        Plan::Elsewhere => match elsewhere(context, &target, &source, ascii) {
            Ok(other) => (other, 0),
            Err(finish) => return Ok(finish),
        },
        Plan::Skip(why) => return Ok(Finish::Skipped(why)),
        Plan::Refuse(why) => return Ok(Finish::Failed(why)),
        Plan::Ask => {
            return Ok(ask(
                context,
                &target,
                &situation.source,
                situation.target,
                ascii,
            ));
        }
    };
    let resume = Resume {
        offset,
        persons_file,
    };
    let finish = fetch(session, context, &target, resume, ascii, &source).await?;
    // Text by its name alone (Auto), but its bytes are not what text mode carries: the person
    // asked for the file, so it comes again as it is stored (see `TEXT_CHANGED`). Not over a
    // file of the person's that "Resume" continued: that one fails and stays as it is.
    if persons_file || !text_changed(&finish, ascii, context) {
        return Ok(finish);
    }
    context.log(format!(
        "{}: {TEXT_CHANGED_LOG}: downloading it again in binary, byte for byte",
        request.remote.display()
    ));
    let from_start = Resume {
        offset: 0,
        persons_file: false,
    };
    fetch(session, context, &target, from_start, false, &source).await
}

/// Where a download starts, and whose bytes are before that point.
struct Resume {
    offset: u64,
    /// The `.ferrypart` was the person's own file until they answered "Resume": if its end doesn't
    /// match the server's file, it gets its name back and the item fails, rather than being
    /// written over.
    persons_file: bool,
}

/// The facts about the local target and its `.ferrypart`.
fn situation(
    context: &TransferContext<'_>,
    target: &Path,
    source: &FileFacts,
    ascii: bool,
) -> Result<Situation, Finish> {
    let start = context.start;
    let existing = match std::fs::metadata(target) {
        Ok(metadata) if metadata.is_dir() => {
            return Err(Finish::Failed(format!(
                "a folder named {} is in the way",
                target.display()
            )));
        }
        Ok(metadata) => Some(local_facts(&metadata)),
        Err(_) => None,
    };
    let ours =
        matches!(&start.written, Some(Written::Finished { path }) if path.as_path() == target);
    let part = part_path(target);
    // A segmented `.ferrypart` has its full length from the start: what is in place is what its
    // map says. One whose map doesn't fit the file any more is worth nothing. (The map is read
    // only beside a `.ferrypart`: most downloads have none, and a map alone holds no bytes.)
    let partial = match std::fs::metadata(&part) {
        Ok(metadata) if metadata.is_file() => match segmented::saved_map(&part, source) {
            Ok(Some(map)) => Some(map.done()),
            Ok(None) => Some(metadata.len()),
            Err(()) => None,
        },
        _ => None,
    };
    Ok(Situation {
        direction: Direction::Download,
        rule: start.rule,
        attempt: start.attempt,
        ascii,
        source: source.clone(),
        target: match existing {
            None => Target::Missing,
            Some(facts) if ours && partial.is_none() => Target::Ours(facts),
            Some(facts) => Target::Foreign(facts),
        },
        partial,
    })
}

/// The question, with the name "Rename" would give.
fn ask(
    context: &TransferContext<'_>,
    target: &Path,
    source: &FileFacts,
    found: Target,
    text_mode: bool,
) -> Finish {
    let target_facts = match found {
        Target::Foreign(facts) | Target::Ours(facts) => facts,
        Target::Missing => FileFacts::default(),
    };
    let suggested = free_local_name(target)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    Finish::Ask(Box::new(Conflict {
        id: context.start.id,
        direction: Direction::Download,
        source_path: context.start.request.remote.display(),
        target_path: target.display().to_string(),
        source: source.clone(),
        target: target_facts,
        suggested_name: suggested,
        text_mode,
    }))
}

/// "Rename": the name the person typed, or the first free `name (n).ext`. A typed name that is
/// taken too becomes the target, and the question is asked about it.
fn elsewhere(
    context: &TransferContext<'_>,
    target: &Path,
    source: &FileFacts,
    ascii: bool,
) -> Result<PathBuf, Finish> {
    let chosen = match &context.start.rename_to {
        Some(typed) => match safe_local_name(typed.trim()) {
            Ok(name) if name == typed.trim() => target.with_file_name(name),
            Ok(_) | Err(_) => {
                return Err(Finish::Failed(format!(
                    "{typed:?} can't be a file name here; retry and choose another"
                )));
            }
        },
        None => free_local_name(target)
            .ok_or_else(|| Finish::Failed(format!("no free name beside {}", target.display())))?,
    };
    let mut request = context.start.request.clone();
    request.local = chosen.clone();
    context.report.retarget(request);
    if let Ok(metadata) = std::fs::metadata(&chosen) {
        let found = Target::Foreign(local_facts(&metadata));
        return Err(ask(context, &chosen, source, found, ascii));
    }
    Ok(chosen)
}

/// Moves the bytes into `target`'s `.ferrypart` from `offset`, checks them, and renames.
async fn fetch(
    session: &mut Session,
    context: &TransferContext<'_>,
    target: &Path,
    resume: Resume,
    ascii: bool,
    source: &FileFacts,
) -> FtpResult<Finish> {
    let mut offset = resume.offset;
    let request = &context.start.request;
    let remote = request.remote.as_bytes();
    let part = part_path(target);
    // A segmented `.ferrypart` goes on range by range from its map, which Ferry wrote with the
    // bytes; any other partial file from its end, the bytes before it compared first (below).
    let saved_ranges = if offset > 0 {
        segmented::saved_map(&part, source).ok().flatten()
    } else {
        None
    };
    // Said, so that the REST below it (before this offset) reads as meant: a walk took it for
    // a wrong offset.
    let overlap = match saved_ranges {
        Some(_) => 0,
        None => compared_before(offset, ascii),
    };
    let compared = match overlap {
        0 => String::new(),
        RESUME_OVERLAP => "; the 64 KiB before it come again first, to be compared".to_owned(),
        n => format!("; the {n} bytes before it come again first, to be compared"),
    };
    // A few kilobytes of Ferry's own are fetched again rather than checked (below): said there.
    if offset > 0 && resume.persons_file {
        // Named after the person's file, not the `.ferrypart` it is while it grows (a walk read
        // "Resuming … .ferrypart" about a file that had no `.ferrypart`).
        context.log(format!(
            "Continuing {} from byte {offset} (as {} until it is complete and checked){compared}",
            target.display(),
            part.file_name().unwrap_or_default().to_string_lossy()
        ));
    } else if offset > RESUME_OVERLAP {
        context.log(format!(
            "Resuming {} at byte {offset}{compared}",
            part.display()
        ));
    }
    let partial = Partial {
        offset,
        saved_ranges,
    };
    if let Some(finish) =
        fetch_segmented(session, context, &part, target, partial, ascii, source).await?
    {
        return Ok(finish);
    }
    let stamp = source.modified.map(|t| SystemTime::from(t.and_utc()));
    // At most two passes: the second only when the server turned out to ignore REST.
    for _ in 0..2 {
        if source.size.is_some_and(|size| offset >= size) && offset > 0 {
            // Every byte is here already: only the checks are left.
            return finish_download(session, context, &part, target, source, None).await;
        }
        // The probes above may have switched to binary.
        session.set_type(ascii).await?;
        // A few kilobytes of Ferry's own are not worth the check: they come again.
        if offset > 0 && offset <= RESUME_OVERLAP && !resume.persons_file {
            context.log(format!(
                "{} holds only {offset} bytes, fewer than a resume checks: fetching the file from byte 0",
                part.display()
            ));
            offset = 0;
        }
        // Continuing binary bytes: the last of them come again, to be compared.
        let overlap = compared_before(offset, ascii);
        let expected_end = match overlap {
            0 => Vec::new(),
            n => read_end(&part, offset, n).unwrap_or_default(),
        };
        let from = offset - overlap;
        if from > 0 && !session.rest(from).await? {
            if resume.persons_file {
                return Ok(give_back(
                    &part,
                    target,
                    "the server refuses REST, so it can't be resumed",
                ));
            }
            context.log("The server refuses REST; downloading from the start".to_owned());
            offset = 0;
        }
        let overlap = if offset == 0 { 0 } else { overlap };
        let mut writer = match FileWriter::open(&part, offset, source.size).await {
            Ok(writer) => writer,
            Err(e) => return Ok(io_failure("could not write", &part, &e)),
        };
        let started = match session.start_transfer("RETR", remote).await {
            Ok(DataStart::Done(reply)) if !reply.is_completion() => Err(FtpError::reply(reply)),
            started => started,
        };
        // Refused before a byte (or cut before the data came): the empty `.ferrypart` opened
        // for it would stay behind (a walk found one beside every refused file). One with
        // bytes of an earlier attempt is kept.
        let started = match started {
            Ok(started) => started,
            Err(e) => {
                let _ = writer.finish(None).await;
                if offset == 0 {
                    let _ = std::fs::remove_file(&part);
                }
                return Err(e);
            }
        };
        let mut stream = match started {
            DataStart::Open(stream) => stream,
            // A refusal became an error above; a completion without data is all that is left.
            DataStart::Done(_) => {
                // Some servers answer a zero-byte file without opening a data connection.
                if let Err(e) = writer.finish(stamp).await {
                    return Ok(io_failure("could not write", &part, &e));
                }
                let received = Received {
                    wire: 0,
                    line_ends: 0,
                };
                let checked = ascii.then_some(&received);
                return finish_download(session, context, &part, target, source, checked).await;
            }
        };
        let idle = session.reply_timeout();
        // From the first byte that comes, the compared ones included: the file up to there is
        // what the item holds.
        let first_byte = offset - overlap;
        let mut progress = Progress::new(context, first_byte, source.size);
        if overlap > 0 {
            let compared = receive_exactly(&mut stream, overlap, context, idle, |received| {
                progress.update(first_byte + received, false);
            });
            let again = match compared.await {
                Ok(again) => again,
                Err(e) => {
                    let _ = writer.finish(None).await;
                    return Err(e);
                }
            };
            if again != expected_end {
                // Not the start of this file. What becomes of the partial file is settled before
                // the data connection is closed early: a server that drops the session for that
                // must not leave the next attempt to continue these bytes again.
                let _ = writer.finish(None).await;
                let gave_back = resume.persons_file.then(|| {
                    give_back(
                        &part,
                        target,
                        "its last bytes differ from the server's file there, so it is not the start of it",
                    )
                });
                if gave_back.is_none() {
                    if let Err(e) = std::fs::remove_file(&part) {
                        return Ok(io_failure("could not remove", &part, &e));
                    }
                    context.log(format!(
                        "The end of {} doesn't match the server's file at byte {offset} (another version of the file, or not Ferry's): downloading from the start",
                        part.display()
                    ));
                }
                let closed = close_early(session, stream, from > 0).await;
                if let Some(finish) = gave_back {
                    return Ok(finish);
                }
                closed?;
                offset = 0;
                continue;
            }
        }
        let mut transferred = offset;
        let mut converter = ascii.then(NetworkToLocal::default);
        let mut disk_error = false;
        // The bytes as they come, from a plain connection to a file of some size: moved by the
        // kernel while the disk keeps up (see `splice`); the rest, if any, through buffers.
        let pipe = (converter.is_none()
            && stream.is_plain()
            && source
                .size
                .is_some_and(|size| size.saturating_sub(offset) >= SPLICE_FROM))
        .then(Pipe::new)
        .flatten();
        let mut ended = false;
        if let Some(pipe) = &pipe {
            let spliced = splice_while_quick(
                &mut stream,
                &mut writer,
                pipe,
                context,
                &mut progress,
                &mut transferred,
                idle,
            );
            match spliced.await {
                Ok(Spliced::End) => ended = true,
                Ok(Spliced::Buffers) => {}
                Ok(Spliced::DiskError) => disk_error = true,
                Ok(Spliced::Stopped(stopped)) => {
                    drop(stream);
                    let _ = writer.finish(None).await;
                    return Ok(Finish::Stopped(stopped));
                }
                Err(e) => {
                    let _ = writer.finish(None).await;
                    return Err(e);
                }
            }
        }
        // Binary: what came is what is written.
        let mut wire = transferred - offset;
        // A small file gets a small buffer: a megabyte per file would be mapped and unmapped by
        // the allocator for every one of them.
        let file_buffer = source.size.map_or(CHUNK, |s| {
            usize::try_from(s)
                .unwrap_or(CHUNK)
                .saturating_add(1)
                .clamp(16 * 1024, CHUNK)
        });
        // Binary data is read straight into the buffer that goes to the disk; ASCII is read
        // here first and converted into it.
        let mut raw = Vec::new();
        while !ended && !disk_error {
            if let Some(stopped) = context.stopped() {
                // Its closing reply is left unread: the worker drops this session.
                drop(stream);
                let _ = writer.finish(None).await;
                return Ok(Finish::Stopped(stopped));
            }
            // Under a speed limit (set now or while it runs), less: the disk sees the bytes
            // within a second or so.
            let buffer_size = context.limiter.disk_buffer(file_buffer);
            let mut chunk = writer.buffer(buffer_size);
            let target = if converter.is_some() {
                raw.clear();
                &mut raw
            } else {
                &mut chunk
            };
            target.reserve(buffer_size);
            // Fill one buffer (or reach the end) before handing it to the disk; the speed limit
            // and a pause act on every read, not every buffer.
            let mut eof = false;
            // Under a speed limit, small reads keep the pace even (a loopback read can return
            // megabytes at once).
            let step = context.limiter.piece(buffer_size);
            while target.len() < buffer_size {
                let want = step.min(buffer_size - target.len());
                // Into the buffer's spare room: nothing is zeroed or copied first.
                match stream.receive(target, want, idle).await {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        context.count_moved(n);
                        context.pace(n).await;
                        progress.update(transferred + target.len() as u64, false);
                    }
                    Err(e) => {
                        let _ = writer.finish(None).await;
                        return Err(e);
                    }
                }
                if context.stopped().is_some() {
                    break;
                }
            }
            wire += target.len() as u64;
            if let Some(converter) = &mut converter {
                converter.convert(&raw, &mut chunk);
                if eof {
                    converter.finish(&mut chunk);
                }
            }
            transferred += chunk.len() as u64;
            if !chunk.is_empty() && writer.write(chunk).await.is_err() {
                disk_error = true;
                break;
            }
            progress.update(transferred, false);
            ended = eof;
        }
        // The closing reply; read even after a disk error, to keep the session in step.
        let finished = session.finish_transfer(stream).await;
        let written = match writer.finish(stamp).await {
            Ok(written) => written,
            Err(e) => return Ok(io_failure("could not write", &part, &e)),
        };
        if disk_error {
            return Ok(Finish::Failed(format!(
                "could not write {}",
                part.display()
            )));
        }
        progress.update(written, true);
        finished?;
        if let Some(expected) = source.size
            && offset > 0
            && !ascii
            && written > expected
        {
            // The server said yes to REST but sent the file from its start: what was appended
            // is wrong. The .ferrypart never took the target's name, so nothing is lost: start over.
            context.log(format!(
                "The server ignored REST ({written} bytes instead of {expected}); downloading again from the start"
            ));
            offset = 0;
            continue;
        }
        let received = Received {
            wire,
            line_ends: converter.map_or(0, |c| c.line_ends),
        };
        let checked = ascii.then_some(&received);
        return finish_download(session, context, &part, target, source, checked).await;
    }
    Ok(Finish::Failed(
        "the server sends the wrong part of the file".into(),
    ))
}

/// Where a spliced download stopped splicing.
enum Spliced {
    /// Every byte is in the file.
    End,
    /// A write was slow (the rest goes through buffers to a writing thread), or the file
    /// takes no splice.
    Buffers,
    DiskError,
    Stopped(Stop),
}

/// Moves the data connection's bytes into the file through `pipe` while the writer writes where
/// they are received, counting them into `transferred`; with the speed limit, the pause and
/// the progress of the buffered loop.
async fn splice_while_quick(
    stream: &mut Transfer,
    writer: &mut FileWriter,
    pipe: &Pipe,
    context: &TransferContext<'_>,
    progress: &mut Progress<'_>,
    transferred: &mut u64,
    idle: std::time::Duration,
) -> FtpResult<Spliced> {
    // Bounded by the data: each pass moves bytes, or ends.
    while writer.takes_spliced() && !pipe.refused_by_file() {
        if let Some(stopped) = context.stopped() {
            return Ok(Spliced::Stopped(stopped));
        }
        let most = context.limiter.piece(splice::MOST);
        let moved = stream.receive_spliced(pipe, most, idle).await?;
        if moved == 0 {
            return Ok(Spliced::End);
        }
        if writer.write_spliced(pipe, moved).is_err() {
            return Ok(Spliced::DiskError);
        }
        *transferred += moved as u64;
        context.count_moved(moved);
        progress.update(*transferred, false);
        context.pace(moved).await;
    }
    Ok(Spliced::Buffers)
}

/// The person's file, turned into the `.ferrypart` for "Resume", can't be continued: it gets its
/// name back, unchanged, and the item fails saying why.
fn give_back(part: &Path, target: &Path, why: &str) -> Finish {
    match std::fs::rename(part, target) {
        Ok(()) => Finish::Failed(format!(
            "{} was not resumed and is left as it was: {why}; choose Overwrite or Rename",
            target.display()
        )),
        Err(e) => io_failure("could not give back its name to", part, &e),
    }
}

/// What is in place of a download about to go on.
struct Partial {
    offset: u64,
    /// The map of a segmented `.ferrypart`.
    saved_ranges: Option<SegmentMap>,
}

/// A download over several connections, when the file and the server are for it, or when its
/// `.ferrypart` is a segmented one already. `None`: the plain download goes ahead (a start from
/// scratch has removed any map).
async fn fetch_segmented(
    session: &mut Session,
    context: &TransferContext<'_>,
    part: &Path,
    target: &Path,
    partial: Partial,
    ascii: bool,
    source: &FileFacts,
) -> FtpResult<Option<Finish>> {
    let Partial {
        offset,
        saved_ranges: saved,
    } = partial;
    if offset == 0 {
        // From the start: an old map would describe bytes about to be cut.
        segmented::forget_map(part);
    } else if saved.is_none() {
        // A partial file with no map (the person's own, or one downloaded on one connection)
        // goes on on one connection, its last bytes compared with the server's first: in
        // ranges from its end, a copy that differs there was continued and called done.
        return Ok(None);
    }
    let connections = connections_for(&SplitFacts {
        size: source.size,
        setting: context.segments.connections,
        threshold: context.segments.threshold,
        per_item: context.start.segmented,
        rest_stream: session.restarts_anywhere(),
        ascii,
        // The pool lends what it can when the ranges start.
        spare_connections: usize::MAX,
    });
    let map = match (saved, source.size) {
        (Some(map), _) => map,
        (None, Some(size)) if connections > 1 => {
            // Ranges need the file's size as it is now, not as an older listing had it.
            let request = &context.start.request;
            if request.size.is_some()
                && session.size(request.remote.as_bytes()).await? != Some(size)
            {
                return Ok(None);
            }
            // Split as it goes unless asked for from the start: one range, which connections
            // that join later cut in two.
            let ranges = if context.segments.from_start {
                connections
            } else {
                1
            };
            SegmentMap::continuing(size, segmented::time_key(source), offset, ranges)
        }
        _ => return Ok(None),
    };
    // Continuing a segmented `.ferrypart` needs ranges even when splitting is now off for it.
    let connections = connections.max(1);
    match segmented::fetch_ranges(session, context, part, source, map, connections).await? {
        Some(finish) => Ok(Some(finish)),
        None => finish_download(session, context, part, target, source, None)
            .await
            .map(Some),
    }
}

/// How many bytes before `offset` come again to be compared when a download goes on there:
/// none for ASCII (the wire's bytes are not the file's).
fn compared_before(offset: u64, ascii: bool) -> u64 {
    if ascii { 0 } else { offset.min(RESUME_OVERLAP) }
}

/// The `.ferrypart` (or an ASCII transfer's wire bytes) against the server's size.
/// `byte_for_byte`: text mode chosen by extension from a server storing LF line ends, so CRLF
/// it sent as stored were the file's own, and taking them out changed the file.
fn check_size(
    file: &Path,
    source: &FileFacts,
    ascii: Option<&Received>,
    byte_for_byte: bool,
) -> Result<u64, String> {
    let written = std::fs::metadata(file)
        .map(|m| m.len())
        .map_err(|e| format!("could not read {}: {e}", file.display()))?;
    let Some(expected) = source.size else {
        return Ok(written);
    };
    let agrees = match ascii {
        Some(received) => ascii_sizes_agree(expected, received.wire, received.line_ends),
        None => written == expected,
    };
    let own_line_ends = ascii.is_some_and(|r| {
        byte_for_byte && r.line_ends > 0 && r.wire == expected && written != expected
    });
    if ascii.is_some() && (!agrees || own_line_ends) {
        Err(format!(
            "{TEXT_CHANGED} (received {written} bytes, {} on the wire, the server has {expected}): \
             it holds line ends or bytes of its own; transfer it as Binary; kept {}",
            ascii.map_or(0, |r| r.wire),
            file.display()
        ))
    } else if agrees {
        Ok(written)
    } else {
        Err(format!(
            "size mismatch: received {written} bytes, the server has {expected}; kept {}",
            file.display()
        ))
    }
}

/// Checks a finished `.ferrypart` (size, then digest) and gives it the target's name.
async fn finish_download(
    session: &mut Session,
    context: &TransferContext<'_>,
    part: &Path,
    target: &Path,
    source: &FileFacts,
    ascii: Option<&Received>,
) -> FtpResult<Finish> {
    let request: &TransferRequest = &context.start.request;
    let mut source = source.clone();
    let byte_for_byte = session.is_unix() && context.type_by_extension();
    let mut checked = check_size(part, &source, ascii, byte_for_byte);
    // The listing may be older than the file: ask the server before calling it a mismatch.
    if checked.is_err() && request.size == source.size && ascii.is_none() {
        source.size = session
            .size(request.remote.as_bytes())
            .await?
            .or(source.size);
        checked = check_size(part, &source, ascii, byte_for_byte);
    }
    let written = match checked {
        Ok(written) => written,
        Err(why) => {
            // Fewer bytes than the file has: the data connection was cut, whatever the server
            // said after it. Another attempt continues the `.ferrypart`.
            if let (None, Some(expected), Ok(have)) =
                (ascii, source.size, std::fs::metadata(part).map(|m| m.len()))
                && have < expected
            {
                return Err(FtpError::Closed {
                    doing: format!("after {have} of {expected} bytes of the file"),
                });
            }
            return Ok(Finish::Failed(why));
        }
    };
    let mut checks = vec![format!("{written} bytes")];
    // A digest is of the stored bytes: an ASCII download's differ.
    if ascii.is_none()
        && let Some((algorithm, remote_digest)) = session.digest(request.remote.as_bytes()).await?
    {
        let local = match local_io::digest(part.to_path_buf(), algorithm).await {
            Ok(digest) => digest,
            Err(e) => return Ok(io_failure("could not read", part, &e)),
        };
        if local != remote_digest {
            return Ok(Finish::Failed(format!(
                "{} mismatch: local {}, server {}; kept {}",
                algorithm.name(),
                to_hex(&local),
                to_hex(&remote_digest),
                part.display()
            )));
        }
        checks.push(format!("{} verified", algorithm.name()));
    }
    // Saved before the rename: after a crash between the two, the file under the target's
    // name is known to be this item's own, complete and checked.
    context.report.writing(Written::Finished {
        path: target.to_path_buf(),
    });
    if let Err(e) = std::fs::rename(part, target) {
        return Ok(io_failure(
            "could not rename the finished download to",
            target,
            &e,
        ));
    }
    Ok(Finish::Done(checks.join(", ")))
}
