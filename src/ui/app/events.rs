//! What comes back: the engine's events and the helper jobs' results, taken at the top of each
//! frame. They change the state; anything they lead to (listing a folder again after a
//! transfer into it) goes through the same actions the panels use.

use super::FerryApp;
use super::actions::{Action, Actions};
use crate::engine::{Direction, Event, ItemState, QueueEvent};
use crate::ui::ConnectionState;
use crate::ui::accounts::{Accounts, KeyringState};
use crate::ui::dialogs::Dialog;
use crate::ui::jobs::{Done, PickPurpose};

impl FerryApp {
    /// Takes every event the engine has sent since the last frame.
    pub(super) fn drain_events(&mut self, now: f64, actions: &mut Actions) {
        while let Ok(event) = self.events.try_recv() {
            self.on_event(event, now, actions);
        }
    }

    pub(super) fn on_event(&mut self, event: Event, now: f64, actions: &mut Actions) {
        let state = &mut self.state;
        match event {
            Event::Connecting { host, port } => {
                state.connection = ConnectionState::Connecting {
                    target: format!("{host}:{port}"),
                };
            }
            Event::Connected(info) => {
                state.connection = ConnectionState::Connected {
                    target: format!("{}:{}", info.host, info.port),
                    dropped: None,
                };
                // The names' encoding is the connection's (a saved site has its own).
                let encoding = state
                    .accounts
                    .last_request
                    .as_ref()
                    .map_or(state.form.encoding, |r| r.encoding);
                state.remote.connected(encoding, info.cwd.clone());
                state.server = Some(*info);
                self.remember_server();
            }
            Event::ConnectionDropped { why } => {
                if let ConnectionState::Connected { dropped, .. } = &mut state.connection {
                    *dropped = Some(why);
                }
            }
            Event::Reconnected => {
                if let ConnectionState::Connected { dropped, .. } = &mut state.connection {
                    *dropped = None;
                }
            }
            Event::Log(line) => state.log.push(line),
            Event::Listing(listing) => {
                if let Some(unparsed) = state.remote.on_listing(*listing) {
                    state.notices.note(
                        format!("{unparsed} listing lines could not be read; they are in the message log"),
                        now,
                    );
                }
            }
            // The window asks for parsed listings; bytes never come to it.
            Event::ListingFormat(_) | Event::ListingBytes(_) => {}
            Event::CommandFailed {
                what,
                failure,
                opening,
            } => {
                state.remote.on_failure();
                state.synchronize.on_failed();
                // Synchronized browsing opened a server folder that isn't there (550: no such
                // file or folder, or no access; creating it says which).
                let followed = match (&mut state.sync, &opening) {
                    (Some(sync), Some(path)) => sync.remote_failed(path),
                    _ => false,
                };
                if let (true, Some(550), None, Some(local), Some(path)) = (
                    followed,
                    failure.code,
                    &state.dialog,
                    state.local.current().cloned(),
                    opening,
                ) {
                    actions.push(Action::Ask(Dialog::SyncMissingRemote { local, path }));
                } else {
                    // Not only in the status line: a refused change is shown until seen.
                    state
                        .notices
                        .problem(format!("Could not {what}: {failure}"), now);
                }
            }
            Event::SyncPlanned(plan) => {
                if let Some(command) = state.synchronize.on_planned(*plan) {
                    actions.push(Action::Sync(command));
                }
            }
            Event::SyncStarted(started) => {
                for (path, why) in &started.failed {
                    state.log.push(crate::engine::LogLine::now(
                        crate::engine::LogKind::Error,
                        format!("Sync: {path}: {why}"),
                    ));
                }
                let (note, remember) = state.synchronize.on_started(&started);
                state.notices.note(note, now);
                if let Some(command) = remember {
                    actions.push(Action::Sync(command));
                }
                actions.push(Action::Refresh(crate::ui::Side::Local));
                actions.push(Action::Refresh(crate::ui::Side::Remote));
            }
            Event::SyncRemembered => {}
            Event::Watching { local, remote } => {
                state.notices.note(
                    format!(
                        "Keeping {remote} up to date: changes in {} are uploaded as they happen",
                        local.display()
                    ),
                    now,
                );
                state.watching = Some((local, remote));
            }
            Event::WatchStopped { why } => {
                if let Some((_, remote)) = state.watching.take() {
                    let text = format!("Stopped keeping {remote} up to date: {why}");
                    // Asked for (Stop, Disconnect) is news; anything else is a problem.
                    if why == "stopped" || why == "disconnected" || why == "connected elsewhere" {
                        state.notices.note(text, now);
                    } else {
                        state.notices.problem(text, now);
                    }
                }
            }
            Event::Queue(event) => {
                if let Some(command) = state.synchronize.on_queue_event(&event) {
                    actions.push(Action::Sync(command));
                }
                if let QueueEvent::Updated(item) = &event
                    && wrote_its_target(item.state)
                {
                    // A transfer into a folder a pane shows (or one inside it): list it again,
                    // so what arrived is there, or what a cancelled or failed one left.
                    match item.request.direction {
                        Direction::Download => {
                            if let Some(folder) = state.local.shows_ancestor_of(&item.request.local)
                            {
                                actions.push(Action::ListLocal(folder));
                            }
                        }
                        Direction::Upload => {
                            if let Some(folder) =
                                state.remote.shows_ancestor_of(&item.request.remote)
                            {
                                actions.push(Action::ListRemote(folder));
                            }
                        }
                    }
                }
                if let QueueEvent::Updated(item) = &event
                    && let Some(news) = state.queue.failure_news(item)
                {
                    // The status line (the newest failure), not the problems' box: a batch
                    // failing would pile up a box for each file.
                    state.notices.note(news, now);
                }
                state.queue.on_event(event);
            }
            Event::LocalListing(listing) => state.local.on_listing(*listing),
            Event::LocalFailed {
                path,
                reason,
                missing,
            } => {
                state.local.on_failure(&path);
                // Synchronized browsing asked for a folder that is only on the server.
                let followed = state
                    .sync
                    .as_mut()
                    .is_some_and(|sync| sync.local_failed(&path));
                let remote = state.remote.current().cloned();
                if let (true, true, None, Some(remote)) = (missing, followed, &state.dialog, remote)
                {
                    actions.push(Action::Ask(Dialog::SyncMissingLocal { remote, path }));
                } else {
                    state.notices.problem(reason, now);
                }
            }
            Event::EditedFileChanged { local, remote } => {
                if state.settings.window.upload_edits_without_asking {
                    actions.push(Action::UploadEdited { local, remote });
                } else if !state.edited.iter().any(|(l, _)| *l == local) {
                    state.edited.push_back((local, remote));
                }
            }
            Event::Disconnected { reason } => {
                state.remote.disconnected();
                state.server = None;
                if let Some(certificate) = reason.as_ref().and_then(|r| r.certificate.clone()) {
                    state.accounts.ask_trust(*certificate);
                }
                state.connection = ConnectionState::Disconnected {
                    reason: reason.map(|r| r.message),
                };
            }
        }
    }

    /// Takes what the helper jobs reported.
    pub(super) fn finished_jobs(&mut self, now: f64, actions: &mut Actions) {
        for done in self.jobs.finished() {
            let state = &mut self.state;
            match done {
                Done::Notice(text) => state.notices.note(text, now),
                Done::Problem(text) => state.notices.problem(text, now),
                Done::SitesSaved => state.site_manager.saved_at = Some(now),
                Done::Keyring(Ok(())) => state.accounts.keyring = KeyringState::Available,
                Done::Keyring(Err(e)) => {
                    // Said once; from then on the password is asked when connecting. The short
                    // form in the status line (when a saved site is concerned), the technical
                    // one in the log (as a status: it is how this system is, not something
                    // that went wrong).
                    if !state.accounts.keyring_missing() {
                        if let Some(notice) = Accounts::missing_keyring_notice(&state.sites) {
                            state.notices.note(notice, now);
                        }
                        state.log.push(crate::engine::LogLine::now(
                            crate::engine::LogKind::Status,
                            e.to_string(),
                        ));
                    }
                    state.accounts.keyring = KeyringState::Missing(e.to_string());
                }
                Done::Imported {
                    sites,
                    skipped,
                    passwords,
                } => {
                    let count = sites.all_sites().len();
                    state.sites.folders.push(crate::store::sites::SiteFolder {
                        name: "Imported from FileZilla".into(),
                        ..sites
                    });
                    actions.push(Action::SaveSites);
                    let mut note =
                        format!("Imported {count} sites ({passwords} passwords into the keyring)");
                    if !skipped.is_empty() {
                        note.push_str(&format!("; left out (not FTP): {}", skipped.join(", ")));
                    }
                    state.notices.note(note, now);
                }
                Done::Picked { purpose, paths } => {
                    if paths.is_empty() {
                        continue;
                    }
                    match purpose {
                        PickPurpose::DownloadTo { dir, entries } => {
                            actions.push(Action::Download {
                                dir,
                                entries,
                                into: paths.into_iter().next(),
                            });
                        }
                        PickPurpose::Upload(into) => actions.push(Action::Upload {
                            paths,
                            into: Some(into),
                        }),
                        PickPurpose::ImportSites => self.import_filezilla(paths),
                        PickPurpose::ExportSites => self.export_filezilla(paths),
                    }
                }
            }
        }
    }

    fn import_filezilla(&mut self, paths: Vec<std::path::PathBuf>) {
        let Some(path) = paths.into_iter().next() else {
            return;
        };
        self.jobs.run(move || {
            let secrets = crate::store::secrets::save_password;
            Some(match std::fs::read_to_string(&path) {
                Ok(xml) => match crate::store::filezilla::import(&xml) {
                    Ok(imported) => {
                        // Passwords go straight to the keyring; the sites come back without them.
                        let saved = imported
                            .passwords
                            .iter()
                            .filter(|(key, password)| secrets(key, password).is_ok())
                            .count();
                        Done::Imported {
                            sites: imported.sites,
                            skipped: imported.skipped,
                            passwords: saved,
                        }
                    }
                    Err(e) => Done::Problem(e.to_string()),
                },
                Err(e) => Done::Problem(format!("Could not read {}: {e}", path.display())),
            })
        });
    }

    fn export_filezilla(&mut self, paths: Vec<std::path::PathBuf>) {
        let Some(folder) = paths.into_iter().next() else {
            return;
        };
        let path = folder.join("sitemanager.xml");
        let xml = crate::store::filezilla::export(&self.state.sites);
        self.jobs.run(move || {
            Some(
                match crate::store::atomic::write_atomically(&path, xml.as_bytes()) {
                    Ok(()) => Done::Notice(format!(
                        "Exported the sites (without passwords) to {}",
                        path.display()
                    )),
                    Err(e) => Done::Problem(format!("Could not write {}: {e}", path.display())),
                },
            )
        });
    }
}

/// Whether an item in this state may have changed its target: finished, or stopped by a
/// failure or a cancel part way (the server keeps what came). A skipped one wrote nothing.
fn wrote_its_target(state: ItemState) -> bool {
    matches!(state, ItemState::Done | ItemState::Failed)
}
