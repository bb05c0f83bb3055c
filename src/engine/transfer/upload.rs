//! An upload: STOR (or REST + STOR, or APPE) from a local file, then the checks (the server's
//! size, and its digest when offered). The queue notes that the target is Ferry's before the
//! first byte goes, so a later attempt continues it, and only it.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::super::api::queue::{Conflict, Direction, FileFacts};
use super::super::connection::DataStart;
use super::super::connection::{FolderMade, Session, TimeKept};
use super::super::error::{FtpError, FtpResult};
use super::super::local_io::{self, FileReader};
use super::super::queue::decide::{Plan, Situation, Target, decide};
use super::super::queue::state::{Finish, Written};
use super::continuing::{RESUME_OVERLAP, read_end, remote_bytes};
use super::{
    Progress, TEXT_CHANGED, TEXT_CHANGED_LOG, TransferContext, free_remote_name, text_changed,
};
use crate::engine::api::queue::ConflictPolicy;
use crate::protocol::ascii::{LocalToNetwork, ascii_sizes_agree};
use crate::protocol::path::RemotePath;
use crate::protocol::verify::to_hex;

fn local_failure(doing: &str, path: &std::path::Path, error: &std::io::Error) -> Finish {
    Finish::Failed(format!("{doing} {}: {error}", path.display()))
}

pub(crate) async fn upload(
    session: &mut Session,
    context: &TransferContext<'_>,
) -> FtpResult<Finish> {
    let start = context.start;
    let request = &start.request;
    let local = &request.local;
    let metadata = match std::fs::metadata(local) {
        Ok(m) if m.is_file() => m,
        Ok(_) => {
            return Ok(Finish::Failed(format!("{} is not a file", local.display())));
        }
        Err(e) => return Ok(local_failure("could not read", local, &e)),
    };
    let name = local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Chosen by itself too (a Ctrl+A over a folder with a download in it): a walk saw the
    // zeros of a paused 1 GiB download's `.ferrypart` going up.
    if super::is_partial_file(&name) {
        return Ok(Finish::Skipped(super::PARTIAL_NOT_SENT.into()));
    }
    // By extension, on a server seen to keep text uploads' CRLF, text goes in binary (below).
    let by_extension = context.type_by_extension();
    let text = context.wants_ascii(&name) && !(by_extension && session.keeps_text_as_sent());
    let ascii = session.set_type(text).await?;
    let source = FileFacts {
        size: Some(metadata.len()),
        modified: metadata
            .modified()
            .ok()
            .map(|t| chrono::DateTime::<chrono::Utc>::from(t).naive_utc()),
    };
    let remote = request.remote.clone();
    let situation = situation(session, context, &remote, &source, ascii).await?;
    let mut persons_file = false;
    let (remote, offset) = match decide(&situation) {
        Plan::FromStart => (remote, 0),
        Plan::ResumeAt(at) => (remote, at),
        Plan::ContinueTarget(at) => {
            persons_file = true;
            (remote, at)
        }
        Plan::Elsewhere => match elsewhere(session, context, &remote, &source, ascii).await? {
            Ok(other) => (other, 0),
            Err(finish) => return Ok(finish),
        },
        // Uploads have no `.ferrypart`: a target of their own is continued, never just checked.
        Plan::Verify => (remote, 0),
        Plan::Skip(why) => return Ok(Finish::Skipped(why)),
        Plan::Refuse(why) => return Ok(Finish::Failed(why)),
        Plan::Ask => {
            return ask(
                session,
                context,
                &remote,
                &situation.source,
                situation.target,
                ascii,
            )
            .await;
        }
    };
    let offset = if offset > 0 && !ascii {
        match continue_at(session, context, &remote, offset, persons_file).await? {
            Ok(offset) => offset,
            Err(finish) => return Ok(finish),
        }
    } else {
        offset
    };
    let kept_before = session.keeps_text_as_sent();
    let sent = send(session, context, &remote, offset, ascii, &source).await;
    // A Unix server that stores a text upload with the wire's CRLF line ends (vsftpd's
    // default, `ascii_upload_enable=NO`) holds a copy that differs from the file byte for byte,
    // which a later download in binary or a sync brings back over the original (a walk saw
    // sync rewrite a person's text files so). Chosen by extension, the file goes again in
    // binary, once: the target is this item's own by now.
    if ascii
        && by_extension
        && !kept_before
        && session.keeps_text_as_sent()
        && matches!(sent, Ok(Finish::Done(_)))
    {
        context.log(format!(
            "The server keeps text uploads with CRLF line ends, as they were sent (it doesn't \
             convert ASCII): sending {} again in binary, byte for byte (and text files after \
             it on this connection)",
            context.start.request.local.display()
        ));
        session.set_type(false).await?;
        return send(session, context, &remote, 0, false, &source).await;
    }
    // Its CRs would not survive text mode there (see `TEXT_CHANGED`): sent by extension, it
    // goes again in binary over the copy just made, which is this item's own.
    if let Ok(finish) = &sent
        && text_changed(finish, ascii, context)
    {
        context.log(format!(
            "{}: {TEXT_CHANGED_LOG}: sending it again in binary, byte for byte",
            context.start.request.local.display()
        ));
        session.set_type(false).await?;
        return send(session, context, &remote, 0, false, &source).await;
    }
    // A folder missing on the server (typed in a path, or removed meanwhile) is made, as
    // FileZilla does, and the file sent once more. Servers refuse the STOR (vsftpd: 553) or
    // take the bytes and refuse them after (libunftp: 150, then 550).
    if let Err(FtpError::Reply(reply)) = &sent
        && offset == 0
        && matches!(reply.code, 550 | 553)
    {
        match folder_after_refusal(session, context, &remote).await? {
            FolderCheck::Made => {
                return send(session, context, &remote, offset, ascii, &source).await;
            }
            // "550 File not found" said nothing of why.
            FolderCheck::There if session.enters(&remote).await? => {
                return Ok(Finish::Failed(folder_in_the_way(&remote)));
            }
            FolderCheck::There | FolderCheck::NotMade => {}
        }
    }
    sent
}

/// Why an upload onto a folder's name fails (the download's words for the same).
fn folder_in_the_way(remote: &RemotePath) -> String {
    format!("a folder named {remote} is in the way on the server")
}

/// Where an upload that would continue the server's file at `offset` goes on: there, when the
/// server's last bytes before it are this file's; else from the start, or, for the person's own
/// file ("Resume"), nowhere (the item fails and the file is left as it was). Checked before the
/// target is noted as Ferry's.
async fn continue_at(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    offset: u64,
    persons_file: bool,
) -> FtpResult<Result<u64, Finish>> {
    if offset <= RESUME_OVERLAP && !persons_file {
        return Ok(Ok(0));
    }
    let local = &context.start.request.local;
    let overlap = offset.min(RESUME_OVERLAP);
    let theirs = remote_bytes(session, context, remote, offset - overlap, overlap).await?;
    let why = match theirs {
        None => "the server won't send those bytes back to be compared",
        Some(theirs) if read_end(local, offset, overlap).is_ok_and(|ours| ours == theirs) => {
            return Ok(Ok(offset));
        }
        Some(_) => "its last bytes differ from this file's there, so it is not the start of it",
    };
    if persons_file {
        return Ok(Err(Finish::Failed(format!(
            "{remote} on the server was not resumed and is left as it was: {why}; choose Overwrite or Rename"
        ))));
    }
    context.log(format!(
        "{remote} on the server can't be continued at byte {offset} ({why}): uploading from the start"
    ));
    Ok(Ok(0))
}

/// The facts about the remote target.
async fn situation(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    source: &FileFacts,
    ascii: bool,
) -> FtpResult<Situation> {
    let start = context.start;
    let ours = matches!(&start.written, Some(Written::Remote { path }) if path == remote);
    // Overwriting someone's file or writing a new one come to the same: a bulk upload saves a
    // SIZE per file. A target of Ferry's own is looked at, to continue it.
    let target = if start.rule == ConflictPolicy::Overwrite && !ours {
        Target::Missing
    } else {
        let needs_time = matches!(
            start.rule,
            ConflictPolicy::Ask | ConflictPolicy::OverwriteIfNewer
        );
        match session.remote_file(remote.as_bytes(), needs_time).await? {
            None => Target::Missing,
            Some(facts) if ours => Target::Ours(facts),
            Some(facts) => Target::Foreign(facts),
        }
    };
    Ok(Situation {
        direction: Direction::Upload,
        rule: start.rule,
        attempt: start.attempt,
        ascii,
        source: source.clone(),
        target,
        partial: None,
    })
}

async fn ask(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    source: &FileFacts,
    found: Target,
    text_mode: bool,
) -> FtpResult<Finish> {
    // Some servers answer SIZE for a folder (libunftp: 213 4096): the question would offer to
    // overwrite it as a file of 4,096 bytes. Asked of the person only, so the CWD costs a
    // bulk upload nothing.
    if session.enters(remote).await? {
        return Ok(Finish::Failed(folder_in_the_way(remote)));
    }
    let target = match found {
        Target::Foreign(facts) | Target::Ours(facts) => facts,
        Target::Missing => FileFacts::default(),
    };
    let suggested = free_remote_name(session, remote)
        .await?
        .and_then(|p| {
            p.file_name()
                .map(|n| String::from_utf8_lossy(n).into_owned())
        })
        .unwrap_or_default();
    Ok(Finish::Ask(Box::new(Conflict {
        id: context.start.id,
        direction: Direction::Upload,
        source_path: context.start.request.local.display().to_string(),
        target_path: remote.display(),
        source: source.clone(),
        target,
        suggested_name: suggested,
        text_mode,
    })))
}

/// "Rename": the name the person typed, or the first free `name (n).ext`. A typed name that is
/// taken too becomes the target, and the question is asked about it.
async fn elsewhere(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    source: &FileFacts,
    ascii: bool,
) -> FtpResult<Result<RemotePath, Finish>> {
    let parent = remote.parent().unwrap_or_else(RemotePath::root);
    let chosen = match &context.start.rename_to {
        Some(typed) => {
            let typed = typed.trim();
            if typed.is_empty() || typed.contains(['/', '\r', '\n', '\0']) || typed == ".." {
                return Ok(Err(Finish::Failed(format!(
                    "{typed:?} can't be a file name; retry and choose another"
                ))));
            }
            parent.join(&context.encoding.encode(typed))
        }
        None => match free_remote_name(session, remote).await? {
            Some(free) => free,
            None => {
                return Ok(Err(Finish::Failed(format!("no free name beside {remote}"))));
            }
        },
    };
    let mut request = context.start.request.clone();
    request.remote = chosen.clone();
    context.report.retarget(request);
    if context.start.rename_to.is_some()
        && let Some(facts) = session.remote_file(chosen.as_bytes(), true).await?
    {
        let finish = ask(
            session,
            context,
            &chosen,
            source,
            Target::Foreign(facts),
            ascii,
        )
        .await?;
        return Ok(Err(finish));
    }
    Ok(Ok(chosen))
}

/// What became of a refused STOR's folder.
enum FolderCheck {
    /// It was missing and is made now: the file may go again.
    Made,
    /// It is there: the refusal was about the file itself.
    There,
    /// Missing, and it could not be made.
    NotMade,
}

/// After a refused STOR: whether the file's folder was missing, and is made now.
async fn folder_after_refusal(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
) -> FtpResult<FolderCheck> {
    let Some(folder) = remote.parent() else {
        return Ok(FolderCheck::There);
    };
    if session.enters(&folder).await? {
        return Ok(FolderCheck::There);
    }
    match session.make_dir(&folder).await {
        Ok(FolderMade::Made) => {
            context.log(format!("Made the folder {folder} on the server"));
            Ok(FolderCheck::Made)
        }
        Ok(FolderMade::WasThere) => Ok(FolderCheck::Made),
        Err(e) if e.is_fatal() => Err(e),
        // The STOR's refusal is the one to report.
        Err(_) => Ok(FolderCheck::NotMade),
    }
}

/// Sends the file from `offset` on, and checks what the server stored.
async fn send(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    mut offset: u64,
    ascii: bool,
    source: &FileFacts,
) -> FtpResult<Finish> {
    let local = &context.start.request.local;
    let local_size = source.size.unwrap_or(0);
    if ascii {
        offset = 0;
    }
    // From here on the target holds Ferry's bytes: noted (and saved) before the first goes.
    context.report.writing(Written::Remote {
        path: remote.clone(),
    });
    let mut wire = 0u64;
    let mut converter = ascii.then(LocalToNetwork::default);
    if offset < local_size || local_size == 0 {
        // The probes may have switched to binary.
        session.set_type(ascii).await?;
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
        let mut reader = match FileReader::open(local, offset, Some(local_size)).await {
            Ok(reader) => reader,
            Err(e) => return Ok(local_failure("could not read", local, &e)),
        };
        let mut stream = match session.start_transfer(verb, remote.as_bytes()).await? {
            DataStart::Open(stream) => stream,
            DataStart::Done(reply) => return Err(FtpError::reply(reply)),
        };
        let mut progress = Progress::new(context, offset, Some(local_size));
        let mut sent = offset;
        let mut converted = Vec::new();
        let idle = session.reply_timeout();
        while let Some(piece) = reader.next() {
            if let Some(stopped) = context.stopped() {
                return Ok(Finish::Stopped(stopped));
            }
            let piece = match piece {
                Ok(piece) => piece,
                Err(e) => {
                    let _ = session.finish_transfer(stream).await;
                    return Ok(local_failure("could not read", local, &e));
                }
            };
            let bytes: &[u8] = match &mut converter {
                Some(converter) => {
                    converted.clear();
                    converter.convert(&piece, &mut converted);
                    &converted
                }
                None => &piece,
            };
            // Under a speed limit the piece goes in smaller ones (a tenth of a second of the
            // limit each), so that a pause and the progress shown act within that.
            let mut written = 0;
            while written < bytes.len() {
                if let Some(stopped) = context.stopped() {
                    return Ok(Finish::Stopped(stopped));
                }
                let part = &bytes[written..][..context.limiter.piece(bytes.len() - written)];
                context.pace(part.len()).await;
                if let Some(stopped) = context.stopped() {
                    return Ok(Finish::Stopped(stopped));
                }
                match tokio::time::timeout(idle, stream.write_all(part)).await {
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
                context.count_moved(part.len());
                written += part.len();
                if written < bytes.len() {
                    // In the file's bytes: converted line ends make the wire's a little longer.
                    let of_file = written as u128 * piece.len() as u128 / bytes.len() as u128;
                    progress.update(sent + of_file as u64, false);
                }
            }
            wire += bytes.len() as u64;
            sent += piece.len() as u64;
            reader.recycle(piece);
            progress.update(sent, false);
        }
        // Close our side and wait for the server to close: ending with unread bytes in the
        // socket (TLS session tickets, say) would reset the connection and cut the file short.
        let _ = stream.shutdown().await;
        let mut drain = [0u8; 512];
        let _ = tokio::time::timeout(idle, async {
            while matches!(stream.read(&mut drain).await, Ok(n) if n > 0) {}
        })
        .await;
        progress.update(sent, true);
        session.finish_transfer(stream).await?;
    }
    verify(session, context, remote, ascii, local_size, wire, converter).await
}

/// The server's size (and digest, for binary) against what was sent.
async fn verify(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    ascii: bool,
    local_size: u64,
    wire: u64,
    converter: Option<LocalToNetwork>,
) -> FtpResult<Finish> {
    let local = &context.start.request.local;
    let mut checks = vec![format!("{local_size} bytes")];
    if ascii {
        // Servers answer SIZE in binary terms (or not at all in TYPE A).
        session.set_type(false).await?;
    }
    let stored = session.size(remote.as_bytes()).await?;
    let line_ends = converter.as_ref().map_or(0, |c| c.line_ends);
    if let (true, Some(stored)) = (ascii, stored) {
        session.note_text_upload(stored, wire, line_ends, local_size);
    }
    let own_crs = converter.as_ref().map_or(0, |c| c.own_crs);
    // Chosen by the person, text mode is theirs: its line ends are what they asked for.
    if own_crs > 0 && session.is_unix() && context.type_by_extension() {
        return Ok(Finish::Failed(format!(
            "{TEXT_CHANGED} ({own_crs} CR bytes of its own, which a server storing LF line ends \
             takes out): transfer it as Binary"
        )));
    }
    match stored {
        Some(stored) if ascii && !ascii_sizes_agree(stored, wire, line_ends) => {
            return Ok(Finish::Failed(format!(
                "size mismatch: sent {wire} bytes as text, the server stored {stored}"
            )));
        }
        // Fewer bytes stored than sent: the data connection was cut on the way; another
        // attempt continues the target, which is Ferry's own.
        Some(stored) if !ascii && stored < local_size => {
            return Err(FtpError::Closed {
                doing: format!("after {stored} of {local_size} bytes were stored"),
            });
        }
        Some(stored) if !ascii && stored != local_size => {
            return Ok(Finish::Failed(format!(
                "size mismatch: sent {local_size} bytes, the server stored {stored}"
            )));
        }
        // A server with SIZE that has no size for the name just written: it may have stored
        // it under another (pure-ftpd turns a trailing space into `_`), or refuses SIZE in an
        // upload-only folder. Done, as the server said, but not called checked.
        None if session.offers("SIZE") => {
            checks.push("the server gives no size under this name: not checked".into());
        }
        _ => {}
    }
    if !ascii && let Some((algorithm, remote_digest)) = session.digest(remote.as_bytes()).await? {
        let local_digest = match local_io::digest(local.clone(), algorithm).await {
            Ok(digest) => digest,
            Err(e) => return Ok(local_failure("could not read", local, &e)),
        };
        if local_digest != remote_digest {
            return Ok(Finish::Failed(format!(
                "{} mismatch after upload: local {}, server {}",
                algorithm.name(),
                to_hex(&local_digest),
                to_hex(&remote_digest)
            )));
        }
        checks.push(format!("{} verified", algorithm.name()));
    }
    if ascii {
        checks.push(format!("sent as text ({wire} bytes on the wire)"));
    }
    if context.preserve_times
        && let Some(time) = std::fs::metadata(local)
            .ok()
            .and_then(|m| m.modified().ok())
            .map(|t| chrono::DateTime::<chrono::Utc>::from(t).naive_utc())
    {
        // Said, not failed: the bytes are there; only the time is the upload's.
        match session.mfmt(remote.as_bytes(), time).await? {
            TimeKept::Kept => checks.push("modification time kept".into()),
            TimeKept::NotOffered => {
                checks.push("modification time not kept (the server cannot set it: no MFMT)".into())
            }
            TimeKept::Refused(reply) => {
                checks.push(format!("modification time not kept (MFMT: {reply})"))
            }
        }
    }
    Ok(Finish::Done(checks.join(", ")))
}
