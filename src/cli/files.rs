//! `ferry rm`, `ferry mkdir` and `ferry mv`: the window's file operations for scripts. Each
//! is checked against the folder's listing afterwards, so success means it is so on the server.

use super::{CliError, CliOptions, Connection, connect_request, exit};
use crate::engine::{Command, RemoteItem};
use crate::protocol::listing::{Entry, EntryKind};
use crate::protocol::path::RemotePath;

/// The URL's path split into its folder and its last name; the connection lists that folder.
fn open_parent(
    url: &str,
    options: &CliOptions,
    what: &str,
) -> Result<(Connection, RemotePath, Vec<u8>), CliError> {
    let mut request = connect_request(url, options)?;
    let path = request.initial_path.take().ok_or_else(|| {
        CliError::usage(format!(
            "the URL must name the {what}, e.g. ftp://host/dir/name"
        ))
    })?;
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(CliError::usage(format!("the root can't be the {what}")));
    };
    let name = name.to_vec();
    request.initial_path = Some(parent.clone());
    request.list_start = true;
    let connection = Connection::open(request, options.verbose)?;
    Ok((connection, parent, name))
}

fn find<'a>(entries: &'a [Entry], name: &[u8]) -> Option<&'a Entry> {
    entries.iter().find(|e| e.name.raw == name)
}

fn missing(parent: &RemotePath, name: &[u8]) -> CliError {
    CliError {
        code: exit::REMOTE,
        message: format!("{}: no such file or folder", parent.join(name)),
    }
}

/// After a change, the folder is listed again: until the listing shows it done, the server's
/// refusal (which follows the listing) is what the person hears.
fn confirm(
    connection: &Connection,
    done: impl Fn(&[Entry]) -> bool,
    what: &str,
) -> Result<(), CliError> {
    let listing = connection.wait_listing()?;
    if done(&listing.listing.entries) {
        return Ok(());
    }
    loop {
        // A `CommandFailed` ends this with the server's words; anything else is news of nothing.
        match connection.next() {
            Err(error) => return Err(error),
            Ok(crate::engine::Event::Listing(listing)) if done(&listing.listing.entries) => {
                return Ok(());
            }
            Ok(crate::engine::Event::Listing(_)) => {
                return Err(CliError {
                    code: exit::REMOTE,
                    message: format!("the server did not {what}"),
                });
            }
            Ok(_) => {}
        }
    }
}

/// `ferry rm [-r] URL`.
pub fn rm(url: &str, recursive: bool, options: &CliOptions) -> Result<(), CliError> {
    let (connection, parent, name) = open_parent(url, options, "file or folder to delete")?;
    let listing = connection.wait_listing()?;
    let entry = find(&listing.listing.entries, &name).ok_or_else(|| missing(&parent, &name))?;
    let is_dir = entry.kind == EntryKind::Dir;
    if is_dir && !recursive {
        return Err(CliError::usage(format!(
            "{} is a folder: ferry rm -r deletes it with everything in it",
            parent.join(&name)
        )));
    }
    connection.engine.send(Command::Delete {
        dir: parent,
        items: vec![RemoteItem {
            name: entry.name.clone(),
            is_dir,
        }],
    });
    confirm(
        &connection,
        |entries| find(entries, &name).is_none(),
        "delete it",
    )
}

/// `ferry mkdir URL`: the folder (an existing one is an error, as with mkdir).
pub fn mkdir(url: &str, options: &CliOptions) -> Result<(), CliError> {
    let (connection, parent, name) = open_parent(url, options, "folder to create")?;
    let listing = connection.wait_listing()?;
    if find(&listing.listing.entries, &name).is_some() {
        return Err(CliError {
            code: exit::REMOTE,
            message: format!("{} exists already", parent.join(&name)),
        });
    }
    connection.engine.send(Command::Mkdir {
        dir: parent,
        name: name.clone(),
    });
    confirm(
        &connection,
        |entries| find(entries, &name).is_some_and(|e| e.kind == EntryKind::Dir),
        "create the folder",
    )
}

/// `ferry mv URL NEW`: NEW is a name in the same folder, or a path on the server (`/a/b`, or
/// relative to the folder).
pub fn mv(url: &str, to: &str, options: &CliOptions) -> Result<(), CliError> {
    if to.is_empty() || to.contains(['\r', '\n', '\0']) {
        return Err(CliError::usage(
            "the new name can't be empty or hold line breaks",
        ));
    }
    let (connection, parent, name) = open_parent(url, options, "file or folder to move")?;
    let listing = connection.wait_listing()?;
    let entry = find(&listing.listing.entries, &name).ok_or_else(|| missing(&parent, &name))?;
    let to = to.as_bytes().to_vec();
    let stays_here = !to.contains(&b'/');
    connection.engine.send(Command::Rename {
        dir: parent,
        from: entry.name.clone(),
        to: to.clone(),
    });
    confirm(
        &connection,
        |entries| find(entries, &name).is_none() && (!stays_here || find(entries, &to).is_some()),
        "move it",
    )
}
