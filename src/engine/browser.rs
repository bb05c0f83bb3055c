//! The browsing session: one control connection that serves listings, folder changes and file
//! operations, one command at a time, in the order the user gave them.

use std::time::Duration;

use tokio::sync::mpsc;

use super::EventSink;
use super::api::command::{Command, ConnectRequest, DirTarget, FetchPart};
use super::api::event::{Event, LogKind, ServerInfo};
use super::connection::{DataStart, Session};
use super::error::FtpError;
use super::folder_changes::{self, send_listing};
use super::sync;
use crate::protocol::path::RemotePath;

/// A way back to the engine, for what the browsing session hands on (a sync's transfers).
pub(crate) type EngineLink = mpsc::WeakUnboundedSender<Command>;

/// What a command may need besides the session: the engine, and the login (for more
/// sessions to the same server, as a sync's walk takes).
pub(crate) struct Reach {
    engine: EngineLink,
    login: ConnectRequest,
}

/// What the user asked for, in words, for the log and for errors.
fn describe(command: &Command) -> String {
    {
        match command {
            Command::ChangeDir { target, .. } => match target {
                DirTarget::Path(path) => format!("open {path}"),
                DirTarget::Child(name) => format!("open {}", name.text),
                DirTarget::Parent => "go up".to_owned(),
            },
            Command::List(path) => format!("list {path}"),
            Command::Mkdir { name, .. } => {
                format!("create folder {}", String::from_utf8_lossy(name))
            }
            Command::Rename { from, to, .. } => {
                format!("rename {} to {}", from.text, String::from_utf8_lossy(to))
            }
            Command::Move { names, into, .. } => match names.as_slice() {
                [one] => format!("move {} into {into}", one.text),
                many => format!("move {} items into {into}", many.len()),
            },
            Command::Delete { items, .. } => match items.as_slice() {
                [one] => format!("delete {}", one.name.text),
                many => format!("delete {} items", many.len()),
            },
            Command::Chmod { names, mode, .. } => match names.as_slice() {
                [one] => format!("change the permissions of {} to {mode:o}", one.text),
                many => format!("change the permissions of {} items to {mode:o}", many.len()),
            },
            Command::PlanSync(request) => format!(
                "plan a sync of {} and {}",
                request.local.display(),
                request.remote
            ),
            Command::RunSync(_) => "run the sync".to_owned(),
            Command::RememberSync(_) => "remember the synced folders".to_owned(),
            other => format!("{other:?}"),
        }
    }
}

/// How often one action may log in again after losing the connection before the session is
/// given up for ended.
const RECONNECT_ATTEMPTS: u32 = 3;

/// Runs until the connection fails for good or the command channel closes (the user
/// disconnected). Every way out sends `Disconnected`, except being aborted, which the engine
/// reports itself. A connection the server drops (421, reset, silence) is logged in again at the
/// next action, back in the folder it was in.
pub(crate) async fn run(
    request: ConnectRequest,
    mut commands: mpsc::UnboundedReceiver<Command>,
    sink: EventSink,
    engine: EngineLink,
) {
    sink.send(Event::Connecting {
        host: request.host.clone(),
        port: request.port,
    });
    let request = match super::connection::resolve_login(&request).await {
        Ok(resolved) => resolved,
        Err(error) => return fail(&sink, &error),
    };
    let reach = Reach {
        engine,
        login: request.clone(),
    };
    let (session, info) = match connect_retrying(&request, &sink).await {
        Ok(connected) => connected,
        Err(error) => return fail(&sink, &error),
    };
    sink.log(
        LogKind::Status,
        format!("Logged in; current folder {}", info.cwd),
    );
    let login_folder = info.cwd.clone();
    sink.send(Event::Connected(Box::new(info)));

    // Where to return after logging in again.
    let mut folder = login_folder.clone();
    // `None` between a lost connection and the next action.
    let mut session = Some(session);
    // Show the start folder: the one the address named, else the login folder. Like every
    // action, it logs in again when the connection is lost on the way.
    if request.list_start {
        let start = request
            .initial_path
            .clone()
            .unwrap_or_else(|| login_folder.clone());
        let open = |target: RemotePath| Command::ChangeDir {
            from: login_folder.clone(),
            target: DirTarget::Path(target),
        };
        let opened = run_reconnecting(
            &mut session,
            &mut folder,
            &request,
            open(start.clone()),
            &sink,
            &reach,
        )
        .await;
        let fallback = match opened {
            Err(error) => return fail(&sink, &error),
            // The start folder could not be opened (that was said): the login folder instead.
            Ok(Err(_)) if start != login_folder => {
                run_reconnecting(
                    &mut session,
                    &mut folder,
                    &request,
                    open(login_folder.clone()),
                    &sink,
                    &reach,
                )
                .await
            }
            Ok(_) => Ok(Ok(())),
        };
        if let Err(error) = fallback {
            return fail(&sink, &error);
        }
    }
    if let Some(live) = &session {
        folder = live.cwd().clone();
    }
    loop {
        let command = match session.as_mut() {
            Some(live) => match wait_keeping_alive(live, &mut commands, &request).await {
                Waited::Command(command) => command,
                Waited::ChannelClosed => break,
                Waited::Lost(error) => {
                    folder = live.cwd().clone();
                    sink.log(
                        LogKind::Status,
                        format!("The connection was lost ({error}); Ferry logs in again at the next action"),
                    );
                    sink.send(Event::ConnectionDropped {
                        why: error.to_string(),
                    });
                    session = None;
                    continue;
                }
            },
            None => match commands.recv().await {
                Some(command) => command,
                None => return,
            },
        };
        if let Err(error) =
            run_reconnecting(&mut session, &mut folder, &request, command, &sink, &reach).await
        {
            return fail(&sink, &error);
        }
    }
    if let Some(live) = session {
        live.quit().await;
    }
}

/// Logs in, again after a short pause when the connection was lost on the way (a 421 while
/// the server is busy, a reset): bounded by `RECONNECT_ATTEMPTS`. A refusal (wrong password,
/// no server there, an untrusted certificate) is said at once.
async fn connect_retrying(
    request: &ConnectRequest,
    sink: &EventSink,
) -> Result<(Session, ServerInfo), FtpError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match Session::connect(request, sink.clone()).await {
            Err(error) if worth_another_login(&error, false) && attempt < RECONNECT_ATTEMPTS => {
                let pause = request.timeouts.retry_delay * attempt;
                sink.log(
                    LogKind::Error,
                    format!(
                        "Could not log in ({error}); trying again in {:.1} s",
                        pause.as_secs_f64()
                    ),
                );
                tokio::time::sleep(pause).await;
            }
            result => return result,
        }
    }
}

/// Whether a login that failed is worth another try (the callers bound how many). A lost
/// connection (a 421, a reset) may pass. Once the server was reached, so may a refused
/// connection or a timeout (a server restarting); before that, those mean a wrong address or a
/// server that is not there, said at once.
fn worth_another_login(error: &FtpError, reached: bool) -> bool {
    if reached {
        error.is_connection_lost()
            || matches!(error, FtpError::Refused { .. } | FtpError::Connect { .. })
    } else {
        error.is_connection_lost() && !error.is_timeout()
    }
}

enum Waited {
    Command(Command),
    ChannelClosed,
    Lost(FtpError),
}

/// The next command. Meanwhile the connection is watched, so that a server closing it (its
/// idle timeout) is noticed and said at once, as FileZilla does, and NOOP is sent at random
/// intervals when keep-alive is on.
async fn wait_keeping_alive(
    session: &mut Session,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    request: &ConnectRequest,
) -> Waited {
    let mut keep_alive = request.timeouts.keep_alive;
    // Bounded by the user and the server: each round returns, sends one NOOP, or reads one reply
    // the server sent unasked.
    loop {
        let pause = keep_alive.map(|(low, high)| random_between(low, high));
        let woke = tokio::select! {
            command = commands.recv() => {
                return command.map_or(Waited::ChannelClosed, Waited::Command);
            }
            spoken = session.spoken_unasked() => Woke::Spoken(spoken),
            () = sleep_or_never(pause) => Woke::KeepAlive,
        };
        match woke {
            Woke::Spoken(Ok(Some(reply))) if reply.code == 421 => {
                return Waited::Lost(FtpError::reply(reply));
            }
            // Anything else unasked is shown (logged by the session) and the session goes on.
            Woke::Spoken(Ok(_)) => {}
            Woke::Spoken(Err(error)) => return Waited::Lost(error),
            Woke::KeepAlive => match session.noop().await {
                Ok(()) => {}
                Err(error) if error.is_connection_lost() => return Waited::Lost(error),
                // A server that refuses NOOP (500) still lives: no more NOOPs until the next
                // command.
                Err(_) => keep_alive = None,
            },
        }
    }
}

enum Woke {
    Spoken(Result<Option<crate::protocol::reply::Reply>, FtpError>),
    KeepAlive,
}

/// Sleeps for `pause`, or for ever without one.
async fn sleep_or_never(pause: Option<Duration>) {
    match pause {
        Some(pause) => tokio::time::sleep(pause).await,
        None => std::future::pending().await,
    }
}

/// A duration in `[low, high]`, different each time (no `rand` needed for a keep-alive jitter).
fn random_between(low: Duration, high: Duration) -> Duration {
    use std::hash::BuildHasher;
    let spread = high.saturating_sub(low).as_millis() as u64;
    let noise = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    low + Duration::from_millis(noise % (spread + 1))
}

/// Runs one command; when the connection turns out to be gone, logs in again, returns to the
/// folder and runs it again, a bounded number of times. The outer error ends the session; the
/// inner one is the command's own (already told as `CommandFailed`).
async fn run_reconnecting(
    session: &mut Option<Session>,
    folder: &mut RemotePath,
    request: &ConnectRequest,
    command: Command,
    sink: &EventSink,
    reach: &Reach,
) -> Result<Result<(), FtpError>, FtpError> {
    let mut attempts = 0;
    loop {
        let live = match session {
            Some(live) => live,
            None => {
                attempts += 1;
                match reconnect(request, folder, sink).await {
                    Ok(live) => session.insert(live),
                    // A restarting server refuses connections for a moment: worth another try.
                    Err(error)
                        if worth_another_login(&error, true) && attempts < RECONNECT_ATTEMPTS =>
                    {
                        sink.log(LogKind::Error, format!("Could not log in again: {error}"));
                        // Give a restarting server a moment; bounded by RECONNECT_ATTEMPTS.
                        tokio::time::sleep(request.timeouts.retry_delay * attempts).await;
                        continue;
                    }
                    Err(error) => return Err(error),
                }
            }
        };
        match handle(live, command.clone(), sink, reach).await {
            Err(error) if error.is_connection_lost() && attempts < RECONNECT_ATTEMPTS => {
                *folder = live.cwd().clone();
                sink.log(
                    LogKind::Status,
                    format!("The connection was lost ({error}); logging in again"),
                );
                *session = None;
            }
            Err(error) if error.is_fatal() => return Err(error),
            done => return Ok(done),
        }
    }
}

/// Logs in again with the same request and goes back to `folder` (or stays in the login folder
/// when that one is gone).
async fn reconnect(
    request: &ConnectRequest,
    folder: &RemotePath,
    sink: &EventSink,
) -> Result<Session, FtpError> {
    let (mut session, _) = Session::connect(request, sink.clone()).await?;
    sink.send(Event::Reconnected);
    match session.ensure_at(folder).await {
        Ok(()) => sink.log(
            LogKind::Status,
            format!("Logged in again; back in {folder}"),
        ),
        Err(error) if !error.is_fatal() => sink.log(
            LogKind::Error,
            format!("Logged in again, but could not return to {folder}: {error}"),
        ),
        Err(error) => return Err(error),
    }
    Ok(session)
}

async fn handle(
    session: &mut Session,
    command: Command,
    sink: &EventSink,
    reach: &Reach,
) -> Result<(), FtpError> {
    let what = describe(&command);
    let opening = match &command {
        Command::ChangeDir {
            target: DirTarget::Path(path),
            ..
        } => Some(path.clone()),
        _ => None,
    };
    let result = run_command(session, command, sink, reach).await;
    if let Err(error) = &result
        && !error.is_fatal()
    {
        sink.log(LogKind::Error, format!("Could not {what}: {error}"));
        sink.send(Event::CommandFailed {
            what,
            failure: error.into(),
            opening,
        });
    }
    result
}

async fn run_command(
    session: &mut Session,
    command: Command,
    sink: &EventSink,
    reach: &Reach,
) -> Result<(), FtpError> {
    match command {
        Command::PlanSync(request) => {
            let plan = sync::run::make_plan(session, &reach.login, &request, sink).await?;
            sink.send(Event::SyncPlanned(Box::new(plan)));
            Ok(())
        }
        Command::RunSync(plan) => {
            let (started, transfers) = sync::run::start(session, &plan, sink).await?;
            // The queue runs the transfers; it belongs to the engine, which this reaches.
            if !transfers.is_empty()
                && let Some(engine) = reach.engine.upgrade()
            {
                let _ = engine.send(Command::Enqueue(transfers));
            }
            sink.send(Event::SyncStarted(started));
            Ok(())
        }
        Command::Fetch { path, into } => fetch(session, &path, &into).await,
        Command::RememberSync(request) => {
            sync::run::remember(session, &reach.login, &request, sink).await?;
            sink.send(Event::SyncRemembered);
            Ok(())
        }
        Command::ChangeDir { from, target } => {
            match &target {
                // Already there (the login folder, shown first): a listing is all it takes.
                DirTarget::Path(path) if path == session.cwd() => {}
                DirTarget::Path(_) => {
                    session.change_dir(&target).await?;
                }
                _ => {
                    session.ensure_at(&from).await?;
                    session.change_dir(&target).await?;
                }
            }
            send_listing(session, sink, true).await
        }
        Command::List(path) => {
            session.ensure_at(&path).await?;
            send_listing(session, sink, false).await
        }
        command @ (Command::Mkdir { .. }
        | Command::Rename { .. }
        | Command::Move { .. }
        | Command::Delete { .. }
        | Command::Chmod { .. }) => folder_changes::apply(session, sink, command).await,
        // The engine handles the rest itself and never forwards them.
        _ => Ok(()),
    }
}

/// Reads a remote file into `into`, chunk by chunk, as `ferry get URL -` writes it out.
async fn fetch(
    session: &mut Session,
    path: &RemotePath,
    into: &mpsc::Sender<FetchPart>,
) -> Result<(), FtpError> {
    let gone = || FtpError::Closed {
        doing: "writing the file out (the reader stopped)".into(),
    };
    session.set_type(false).await?;
    let size = session.size(path.as_bytes()).await?;
    into.send(FetchPart::Size(size)).await.map_err(|_| gone())?;
    let mut stream = match session.start_transfer("RETR", path.as_bytes()).await? {
        DataStart::Open(stream) => stream,
        DataStart::Done(reply) if reply.is_completion() => {
            into.send(FetchPart::End(0)).await.map_err(|_| gone())?;
            return Ok(());
        }
        DataStart::Done(reply) => return Err(FtpError::reply(reply)),
    };
    let idle = session.reply_timeout();
    let mut total = 0u64;
    loop {
        const PIECE: usize = 256 * 1024;
        let mut chunk = Vec::with_capacity(PIECE);
        let read = stream.receive(&mut chunk, PIECE, idle).await?;
        if read == 0 {
            break;
        }
        total += read as u64;
        // A reader that went away (a closed pipe) ends the transfer; the session is then out
        // of step, which the error says, and the next action logs in again.
        into.send(FetchPart::Bytes(chunk))
            .await
            .map_err(|_| gone())?;
    }
    session.finish_transfer(stream).await?;
    if let Some(expected) = size
        && expected != total
    {
        return Err(FtpError::Protocol(format!(
            "size mismatch: received {total} bytes, the server has {expected}"
        )));
    }
    into.send(FetchPart::End(total)).await.map_err(|_| gone())
}

fn fail(sink: &EventSink, error: &FtpError) {
    sink.log(LogKind::Error, error.to_string());
    sink.send(Event::Disconnected {
        reason: Some(error.into()),
    });
}
