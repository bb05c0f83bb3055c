//! The check before a file is continued: the last bytes before the point where it goes on are
//! fetched again from the server and compared with the local ones. A partial file that is not
//! the start of this file (another version of it, a partial file another program left, a person's file
//! answered "Resume") would otherwise be completed into a file of the right size with wrong
//! bytes, which the size check can't see and a server without HASH never shows.

use std::path::Path;

use super::super::connection::{DataStart, Session, Transfer};
use super::super::error::FtpResult;
use super::{Progress, TransferContext};
use crate::protocol::path::RemotePath;

/// How many bytes before the point where a file is continued are compared. A partial file no
/// longer than this is not worth the check: it is sent or fetched again whole.
pub(super) const RESUME_OVERLAP: u64 = 64 * 1024;

/// The `length` bytes of a local file that end at `end`.
pub(super) fn read_end(path: &Path, end: u64, length: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(end - length))?;
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.take(length).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Up to `length` bytes from a data connection (fewer when it ends first). `received` hears
/// how many are in after each read: under a low speed limit the 64 KiB a resume compares take
/// a while (16 s at 4 KiB/s), and the item shows them moving rather than "Connecting".
pub(super) async fn receive_exactly(
    stream: &mut Transfer,
    length: u64,
    context: &TransferContext<'_>,
    idle: std::time::Duration,
    mut received: impl FnMut(u64),
) -> FtpResult<Vec<u8>> {
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(length.min(RESUME_OVERLAP as usize));
    while bytes.len() < length {
        let want = context.limiter.piece(length - bytes.len());
        match stream.receive(&mut bytes, want, idle).await? {
            0 => break,
            n => {
                context.count_moved(n);
                received(bytes.len() as u64);
                context.pace(n).await;
            }
        }
    }
    Ok(bytes)
}

/// The server's bytes of `remote` from `from`, `length` of them (fewer when the file ends
/// first), on a data connection of their own that is closed once they are in. `None` when the
/// server won't send them (a folder where files can be written but not read, REST refused).
pub(super) async fn remote_bytes(
    session: &mut Session,
    context: &TransferContext<'_>,
    remote: &RemotePath,
    from: u64,
    length: u64,
) -> FtpResult<Option<Vec<u8>>> {
    session.set_type(false).await?;
    if from > 0 && !session.rest(from).await? {
        return Ok(None);
    }
    let mut stream = match session.start_transfer("RETR", remote.as_bytes()).await? {
        DataStart::Open(stream) => stream,
        // Refused, or an empty file answered at once.
        DataStart::Done(reply) => return Ok(reply.is_completion().then(Vec::new)),
    };
    let idle = session.reply_timeout();
    // Shown as the item's progress: the server's file up to here is what is being compared.
    let mut progress = Progress::new(context, from, None);
    let bytes = receive_exactly(&mut stream, length, context, idle, |received| {
        progress.update(from + received, false);
    })
    .await?;
    close_early(session, stream, from > 0).await?;
    Ok(Some(bytes))
}

/// Closes a data connection before the file's end: the server answers that (426, 451, or 226)
/// and the session goes on. After a REST (`rested`) the offset is set back to 0: some servers
/// (libunftp) keep it when the transfer it was for ends early, and the next RETR or STOR would
/// start there.
pub(super) async fn close_early(
    session: &mut Session,
    stream: Transfer,
    rested: bool,
) -> FtpResult<()> {
    match session.finish_transfer(stream).await {
        Err(e) if e.is_fatal() => return Err(e),
        _ => {}
    }
    if rested {
        session.rest(0).await?;
    }
    Ok(())
}
