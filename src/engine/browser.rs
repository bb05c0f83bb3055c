//! The browsing session: one control connection that serves listings and folder changes, one
//! command at a time, in the order the user gave them.

use tokio::sync::mpsc;

use super::EventSink;
use super::command::{ConnectRequest, DirTarget};
use super::error::FtpError;
use super::event::{DirListing, Event, LogKind};
use super::session::Session;

#[derive(Debug)]
pub(crate) enum BrowseCommand {
    ChangeDir(DirTarget),
    Refresh,
}

/// Runs until the connection fails or the command channel closes (the user disconnected).
/// Every way out sends `Disconnected`, except being aborted, which the engine reports itself.
pub(crate) async fn run(
    request: ConnectRequest,
    mut commands: mpsc::UnboundedReceiver<BrowseCommand>,
    sink: EventSink,
) {
    sink.send(Event::Connecting {
        host: request.host.clone(),
        port: request.port,
    });
    let (mut session, info) = match Session::connect(&request, sink.clone()).await {
        Ok(connected) => connected,
        Err(error) => return fail(&sink, &error),
    };
    sink.log(
        LogKind::Status,
        format!("Logged in; current folder {}", info.cwd),
    );
    sink.send(Event::Connected(Box::new(info)));

    let first = match &request.initial_path {
        Some(path) => BrowseCommand::ChangeDir(DirTarget::Path(path.clone())),
        None => BrowseCommand::Refresh,
    };
    if let Err(error) = handle(&mut session, first, &sink).await {
        if error.is_fatal() {
            return fail(&sink, &error);
        }
        // The start folder could not be opened: show the login folder instead.
        if let Err(error) = handle(&mut session, BrowseCommand::Refresh, &sink).await {
            return fail(&sink, &error);
        }
    }

    while let Some(command) = commands.recv().await {
        if let Err(error) = handle(&mut session, command, &sink).await
            && error.is_fatal()
        {
            return fail(&sink, &error);
        }
    }
    session.quit().await;
}

async fn handle(
    session: &mut Session,
    command: BrowseCommand,
    sink: &EventSink,
) -> Result<(), FtpError> {
    let what = match &command {
        BrowseCommand::ChangeDir(DirTarget::Path(path)) => format!("open {path}"),
        BrowseCommand::ChangeDir(DirTarget::Child(name)) => format!("open {}", name.text),
        BrowseCommand::ChangeDir(DirTarget::Parent) => "go up".to_owned(),
        BrowseCommand::Refresh => format!("list {}", session.cwd()),
    };
    let result: Result<(), FtpError> = async {
        if let BrowseCommand::ChangeDir(target) = &command {
            session.change_dir(target).await?;
        }
        let listing = session.list_current().await?;
        sink.send(Event::Listing(Box::new(DirListing {
            path: session.cwd().clone(),
            listing,
        })));
        Ok(())
    }
    .await;
    if let Err(error) = &result
        && !error.is_fatal()
    {
        sink.log(LogKind::Error, format!("Could not {what}: {error}"));
        sink.send(Event::CommandFailed {
            what,
            failure: error.into(),
        });
    }
    result
}

fn fail(sink: &EventSink, error: &FtpError) {
    sink.log(LogKind::Error, error.to_string());
    sink.send(Event::Disconnected {
        reason: Some(error.into()),
    });
}
