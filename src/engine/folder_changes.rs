//! Changes to the server's folders from the window (create, rename, move, delete, permissions):
//! each is followed by a fresh listing of the folder it changed, whether it worked or not.

use super::EventSink;
use super::api::command::Command;
use super::api::event::{DirListing, Event};
use super::connection::Session;
use super::error::FtpError;
use crate::protocol::listing::Listing;
use crate::protocol::path::RemotePath;

/// Carries out one of the change commands; any other command is ignored.
pub(super) async fn apply(
    session: &mut Session,
    sink: &EventSink,
    command: Command,
) -> Result<(), FtpError> {
    match command {
        Command::Mkdir { dir, name } => {
            session.ensure_at(&dir).await?;
            let result = session.mkdir(&name).await;
            relist_after(session, sink, &dir, result).await
        }
        Command::Rename { dir, from, to } => {
            session.ensure_at(&dir).await?;
            match name_taken(session, &from.raw, &to).await? {
                // Most servers let RNTO replace a file silently: that file would be lost.
                Some(clash) => {
                    let declined = FtpError::Declined(format!(
                        "“{}” was not renamed: “{}” already exists in {dir} (rename or delete that first)",
                        from.text, clash.taken
                    ));
                    match clash.listing {
                        // Nothing changed since this listing was read: show it, not a second one.
                        Some(listing) => {
                            show_listing(session, sink, listing, false);
                            Err(declined)
                        }
                        None => relist_after(session, sink, &dir, Err(declined)).await,
                    }
                }
                None => {
                    let result = session.rename(&from.raw, &to).await;
                    relist_after(session, sink, &dir, result).await
                }
            }
        }
        Command::Move { dir, names, into } => {
            // The folder they go into is listed first: a name taken there declines the whole
            // move (RNTO would replace a file, or an empty folder, on most servers).
            let there = session.list_path(&into).await?;
            let clash = names.iter().find_map(|name| {
                there
                    .entries
                    .iter()
                    .find(|entry| entry.name.raw == name.raw)
                    .map(|entry| entry.name.text.clone())
            });
            let mut result = match clash {
                Some(taken) => Err(FtpError::Declined(format!(
                    "nothing was moved: {into} already has “{taken}” (rename or delete that first)"
                ))),
                None => Ok(()),
            };
            if result.is_ok() {
                session.ensure_at(&dir).await?;
                result = async {
                    for name in &names {
                        session
                            .rename(&name.raw, into.join_name(name).as_bytes())
                            .await?;
                    }
                    Ok(())
                }
                .await;
                if result.as_ref().is_err_and(FtpError::is_fatal) {
                    return result;
                }
                // The window keeps a listing of that folder: it holds more now.
                let listing = session.list_path(&into).await?;
                show_listing(session, sink, listing, false);
            }
            relist_after(session, sink, &dir, result).await
        }
        Command::Delete { dir, items } => {
            session.ensure_at(&dir).await?;
            // Item by item, up to the first that fails; what went is shown either way.
            let result = async {
                for item in &items {
                    if item.is_dir {
                        session.delete_tree(&item.name).await?;
                    } else {
                        session.delete_file(&item.name.raw).await?;
                    }
                }
                Ok(())
            }
            .await;
            relist_after(session, sink, &dir, result).await
        }
        Command::Chmod { dir, names, mode } => {
            session.ensure_at(&dir).await?;
            let result = async {
                for name in &names {
                    session.chmod(&name.raw, mode).await?;
                }
                Ok(())
            }
            .await;
            relist_after(session, sink, &dir, result).await
        }
        _ => Ok(()),
    }
}

/// An entry already holding the name a rename would give.
struct NameClash {
    /// Its name as shown.
    taken: String,
    /// The listing of the current folder that showed it, when one was read to find it.
    listing: Option<Listing>,
}

/// Whether another entry of the current folder (as the server lists it now) has the name `to`.
/// Renaming a file onto its own name with other letter case is not a clash (a case-insensitive
/// server lists the one file).
async fn name_taken(
    session: &mut Session,
    from: &[u8],
    to: &[u8],
) -> Result<Option<NameClash>, FtpError> {
    if to.contains(&b'/') {
        // A move into another folder: a file there answers SIZE (a folder there makes the
        // server refuse RNTO anyway).
        let taken = session.size(to).await?.is_some();
        return Ok(taken.then(|| NameClash {
            taken: String::from_utf8_lossy(to).into_owned(),
            listing: None,
        }));
    }
    let listing = session.list_current().await?;
    let taken = listing
        .entries
        .iter()
        .find(|entry| entry.name.raw == to && entry.name.raw != from)
        .map(|entry| entry.name.text.clone());
    Ok(taken.map(|taken| NameClash {
        taken,
        listing: Some(listing),
    }))
}

/// Lists the folder a change was made in, whether the change worked or not (part of it may
/// have), so the view shows what is there now; then reports the change's own outcome.
async fn relist_after(
    session: &mut Session,
    sink: &EventSink,
    dir: &RemotePath,
    outcome: Result<(), FtpError>,
) -> Result<(), FtpError> {
    if outcome.as_ref().is_err_and(FtpError::is_fatal) {
        return outcome;
    }
    session.ensure_at(dir).await?;
    send_listing(session, sink, false).await?;
    outcome
}

pub(super) async fn send_listing(
    session: &mut Session,
    sink: &EventSink,
    entered: bool,
) -> Result<(), FtpError> {
    let listing = session.list_current_for_face().await?;
    show_listing(session, sink, listing, entered);
    Ok(())
}

/// Sends a listing of the current folder to the window.
fn show_listing(session: &Session, sink: &EventSink, listing: Listing, entered: bool) {
    sink.send(Event::Listing(Box::new(DirListing {
        path: session.cwd().clone(),
        listing,
        entered,
    })));
}
