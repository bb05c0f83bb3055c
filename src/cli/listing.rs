//! `ferry info` and `ferry ls`: what a server says about itself, and a folder's entries as
//! `ls -l`-like lines or JSON.

use std::io::Write;

use serde::Serialize;

use super::{CliError, CliOptions, Connection, connect_request, exit};
use crate::engine::{EngineOptions, Event};
use crate::protocol::listing::{Entry, EntryKind};

/// `ferry info URL`: the greeting, the login message, SYST, FEAT and the current folder.
pub fn info(url: &str, options: &CliOptions) -> Result<(), CliError> {
    let request = connect_request(url, options)?;
    let names_folder = request.initial_path.is_some();
    let connection = Connection::open(request, options.verbose)?;
    let info = connection.wait_connected()?;
    // When the URL names a folder, report it once the engine has entered it.
    let cwd = if names_folder {
        connection.wait_listing()?.path
    } else {
        info.cwd.clone()
    };
    let mut out = std::io::stdout().lock();
    let mut print = || -> std::io::Result<()> {
        writeln!(out, "Server:   {}:{}", info.host, info.port)?;
        writeln!(out, "Greeting:")?;
        for line in &info.greeting {
            writeln!(out, "  {line}")?;
        }
        writeln!(out, "Login:")?;
        for line in &info.login_message {
            writeln!(out, "  {line}")?;
        }
        writeln!(
            out,
            "System:   {}",
            info.system.as_deref().unwrap_or("(not given)")
        )?;
        writeln!(out, "Features:")?;
        for feature in &info.features.lines {
            writeln!(out, "  {feature}")?;
        }
        writeln!(out, "Folder:   {cwd}")?;
        Ok(())
    };
    print().map_err(output_error)
}

/// `ferry ls [--json] URL`: the folder's entries, as `ls -l`-like lines or one JSON object each.
pub fn ls(url: &str, json: bool, options: &CliOptions) -> Result<(), CliError> {
    // Entries are printed as they are parsed, while the rest of a big listing still arrives.
    let engine_options = EngineOptions {
        log: options.verbose,
        stream_listings: true,
        ..EngineOptions::default()
    };
    let connection = Connection::open_with(
        connect_request(url, options)?,
        options.verbose,
        engine_options,
    )?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let write = |out: &mut std::io::BufWriter<_>, entries: &[Entry]| {
        if json {
            write_json(out, entries)
        } else {
            write_long(out, entries)
        }
    };
    let listing = loop {
        match connection.next()? {
            Event::ListingPart(entries) => write(&mut out, &entries).map_err(output_error)?,
            Event::Listing(listing) => break listing.listing,
            _ => {}
        }
    };
    write(&mut out, &listing.entries)
        .and_then(|()| out.flush())
        .map_err(output_error)?;
    if !listing.unparsed.is_empty() {
        eprintln!(
            "ferry: {} listing lines could not be read (see --verbose)",
            listing.unparsed.len()
        );
    }
    // The process ends now: freeing a big listing entry by entry would only delay that.
    std::mem::forget(listing);
    Ok(())
}

fn output_error(e: std::io::Error) -> CliError {
    CliError {
        code: exit::OTHER,
        message: format!("could not write the output: {e}"),
    }
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    name: &'a str,
    size: Option<u64>,
    modified: Option<String>,
    is_dir: bool,
    is_link: bool,
    target: Option<&'a str>,
    permissions: Option<&'a str>,
    raw: std::borrow::Cow<'a, str>,
}

fn write_json(out: &mut impl Write, entries: &[Entry]) -> std::io::Result<()> {
    for entry in entries {
        let target = match &entry.kind {
            EntryKind::Link { target } => target.as_deref(),
            _ => None,
        };
        let json = JsonEntry {
            name: &entry.name.text,
            size: entry.size,
            modified: entry
                .modified
                .map(|m| m.time.format("%Y-%m-%dT%H:%M:%S").to_string()),
            is_dir: entry.is_dir(),
            is_link: entry.is_link(),
            target,
            permissions: entry.permissions.as_deref(),
            raw: String::from_utf8_lossy(&entry.raw_line),
        };
        serde_json::to_writer(&mut *out, &json)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_long(out: &mut impl Write, entries: &[Entry]) -> std::io::Result<()> {
    for entry in entries {
        writeln!(out, "{}", long_line(entry))?;
    }
    Ok(())
}

fn long_line(entry: &Entry) -> String {
    let kind = match entry.kind {
        EntryKind::Dir => 'd',
        EntryKind::Link { .. } => 'l',
        EntryKind::File => '-',
        EntryKind::Other => '?',
    };
    let size = entry.size.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let modified = entry.modified.map_or_else(
        || "-".to_owned(),
        |m| m.time.format("%Y-%m-%d %H:%M").to_string(),
    );
    let mut line = format!(
        "{kind} {:<11} {size:>14}  {modified:<16}  {}",
        entry.permissions.as_deref().unwrap_or("-"),
        entry.name.text
    );
    if let EntryKind::Link {
        target: Some(target),
    } = &entry.kind
    {
        line.push_str(" -> ");
        line.push_str(target);
    }
    line
}
