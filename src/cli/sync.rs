//! `ferry sync`: the plan first (printed, or as JSON lines with `--json`), then, unless
//! `--dry-run`, the plan carried out: folders and deletions, then the transfers through the
//! queue, with the same summary and exit codes as `get` and `put`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::transfer::{Run, summarise};
use super::{CliError, CliOptions, Connection, connect_request, exit};
use crate::engine::sync::plan::{Planned, SyncOptions, totals};
use crate::engine::sync::run::{SyncPlan, SyncRequest, baseline_path};
use crate::engine::{Command, EngineOptions, Event, QueueEvent};
use crate::store::settings::TransferSettings;

/// What `ferry sync` takes.
#[derive(Debug, Clone)]
pub struct SyncArgs {
    pub local: PathBuf,
    pub url: String,
    pub options: SyncOptions,
    pub exclude: Vec<String>,
    pub dry_run: bool,
    pub json: bool,
    /// Where two-way syncs keep what both sides were (`None`: nowhere).
    pub state_dir: Option<PathBuf>,
    pub settings: TransferSettings,
}

#[derive(Serialize)]
struct JsonAction<'a> {
    action: &'static str,
    path: &'a str,
    reason: String,
    is_dir: bool,
    size: Option<u64>,
}

fn action_name(planned: &Planned) -> &'static str {
    use crate::engine::sync::plan::SyncAction::*;
    match planned.action {
        Upload => "upload",
        Download => "download",
        MakeRemoteFolder => "mkdir-remote",
        MakeLocalFolder => "mkdir-local",
        DeleteRemote => "delete-remote",
        DeleteLocal => "delete-local",
        Conflict => "conflict",
    }
}

fn print_plan(plan: &SyncPlan, json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for planned in &plan.actions {
        if json {
            let line = JsonAction {
                action: action_name(planned),
                path: &planned.path,
                reason: planned.reason.text(),
                is_dir: planned.is_dir,
                size: planned.size,
            };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        } else {
            let size = planned
                .size
                .map(|s| format!(" ({s} bytes)"))
                .unwrap_or_default();
            let slash = if planned.is_dir { "/" } else { "" };
            writeln!(
                out,
                "{:<14} {}{slash}{size}  [{}]",
                action_name(planned),
                planned.path,
                planned.reason.text()
            )?;
        }
    }
    out.flush()
}

/// `ferry sync [options] LOCAL URL`.
pub fn sync(args: &SyncArgs, options: &CliOptions) -> Result<(), CliError> {
    let mut request = connect_request(&args.url, options)?;
    let remote = request.initial_path.take().ok_or_else(|| {
        CliError::usage("the URL must name the remote folder, e.g. ftp://host/www")
    })?;
    if !args.local.is_dir() {
        return Err(CliError::usage(format!(
            "{} is not a folder",
            args.local.display()
        )));
    }
    let local = std::fs::canonicalize(&args.local).unwrap_or_else(|_| args.local.clone());
    // The remote folder is walked, not shown: no listing of it on connecting.
    request.list_start = false;
    let site = crate::engine::SiteKey::of(&request).to_string();
    let sync_request = SyncRequest {
        baseline_file: args
            .state_dir
            .as_deref()
            .map(|dir| baseline_path(&dir.join("sync"), &site, &local, &remote)),
        local,
        remote,
        options: args.options.clone(),
        exclude: args.exclude.clone(),
        connections: args.settings.parallel,
    };
    let engine_options = EngineOptions {
        transfers: args.settings.clone(),
        log: options.verbose,
        ..EngineOptions::default()
    };
    let connection = Connection::open_with(request, options.verbose, engine_options)?;
    connection.wait_connected()?;
    connection
        .engine
        .send(Command::PlanSync(Box::new(sync_request.clone())));
    let plan = loop {
        if let Event::SyncPlanned(plan) = connection.next_patiently()? {
            break *plan;
        }
    };
    print_plan(&plan, args.json).map_err(output_error)?;
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    for (path, why) in &plan.skipped {
        eprintln!("left out: {path}: {why}");
    }
    let sums = totals(&plan.actions);
    eprintln!(
        "plan: {} uploads, {} downloads ({} bytes), {} deletions, {} conflicts (not touched)",
        sums.uploads, sums.downloads, sums.bytes, sums.deletes, sums.conflicts
    );
    if args.dry_run {
        return Ok(());
    }
    let started_at = Instant::now();
    connection.engine.send(Command::RunSync(Box::new(plan)));
    let started = loop {
        if let Event::SyncStarted(started) = connection.next_patiently()? {
            break started;
        }
    };
    let mut run = Run::default();
    while started.transfers > 0 && (run.items.len() < started.transfers || !run.finished()) {
        if let Event::Queue(event) = connection.next()? {
            // The plan decided every transfer: no question is asked (they overwrite).
            if !matches!(event, QueueEvent::AskConflict(_)) {
                run.on_event(event, None);
            }
        }
    }
    for (path, why) in &started.failed {
        eprintln!("failed: {path}: {why}");
    }
    let transfers = if started.transfers > 0 {
        summarise(&run.items, started_at.elapsed())
    } else {
        Ok(())
    };
    if transfers.is_ok() && started.failed.is_empty() {
        // What both sides are now: the next two-way sync tells changes from this.
        connection
            .engine
            .send(Command::RememberSync(Box::new(sync_request)));
        loop {
            if let Event::SyncRemembered = connection.next_patiently()? {
                break;
            }
        }
    }
    eprintln!(
        "sync: {} folders made, {} deleted, {} transfers",
        started.folders_made, started.deleted, started.transfers
    );
    transfers?;
    if let Some((path, why)) = started.failed.first() {
        return Err(CliError {
            code: exit::OTHER,
            message: format!(
                "{} actions failed; the first: {path}: {why}",
                started.failed.len()
            ),
        });
    }
    Ok(())
}

fn output_error(e: std::io::Error) -> CliError {
    CliError {
        code: exit::OTHER,
        message: format!("could not write the output: {e}"),
    }
}
