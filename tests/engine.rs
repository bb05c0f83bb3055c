//! The engine against the embedded server (libunftp) and against a scripted misbehaving server.

mod support;

use std::time::Duration;

use ferry::engine::{Command, DataMode, DirTarget, Engine, Event, FailureKind, Login, RemoteItem};
use ferry::protocol::listing::RemoteName;
use ferry::protocol::path::RemotePath;
use support::scripted::{ScriptedServer, Step, login_steps, send};
use support::{PASSWORD, TestServer, collect_until, log_text, request_to};

fn is_listing(event: &Event) -> bool {
    matches!(event, Event::Listing(_))
}

fn listing_names(event: &Event) -> Vec<String> {
    match event {
        Event::Listing(listing) => listing
            .listing
            .entries
            .iter()
            .map(|e| e.name.text.clone())
            .collect(),
        other => panic!("not a listing: {other:?}"),
    }
}

fn disconnect_reason(events: &[Event]) -> ferry::engine::Failure {
    match events.last() {
        Some(Event::Disconnected {
            reason: Some(failure),
        }) => failure.clone(),
        other => panic!("expected a disconnect with a reason, got {other:?}"),
    }
}

#[test]
fn connects_lists_and_browses_the_embedded_server() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    let seen = collect_until(&events, is_listing);
    let info = seen
        .iter()
        .find_map(|e| match e {
            Event::Connected(info) => Some(info.clone()),
            _ => None,
        })
        .expect("connected");
    assert!(
        info.greeting
            .iter()
            .any(|l| l.contains("Ferry demo server")),
        "{:?}",
        info.greeting
    );
    assert_eq!(info.cwd.display(), "/");
    let names = listing_names(seen.last().unwrap());
    for expected in [
        "welcome.txt",
        "Documents",
        "My Projects",
        "Music",
        ".hidden-settings",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    let log = log_text(&seen);
    assert!(log.contains("> PASS ****"), "{log}");
    assert!(!log.contains(PASSWORD), "the password is in the log");

    engine.send(Command::ChangeDir {
        from: RemotePath::root(),
        target: DirTarget::Child(RemoteName::from_text("Documents")),
    });
    let seen = collect_until(&events, is_listing);
    let Event::Listing(listing) = seen.last().unwrap() else {
        unreachable!()
    };
    assert_eq!(listing.path.display(), "/Documents");
    let names = listing_names(seen.last().unwrap());
    assert!(names.contains(&"readme.txt".to_owned()), "{names:?}");
    assert!(names.contains(&"Reports".to_owned()), "{names:?}");

    engine.send(Command::ChangeDir {
        from: RemotePath::from_text("/Documents"),
        target: DirTarget::Parent,
    });
    let seen = collect_until(&events, is_listing);
    let Event::Listing(listing) = seen.last().unwrap() else {
        unreachable!()
    };
    assert_eq!(listing.path.display(), "/");

    // A folder that isn't there: refused, and the session goes on.
    engine.send(Command::ChangeDir {
        from: RemotePath::root(),
        target: DirTarget::Child(RemoteName::from_text("no such folder")),
    });
    let seen = collect_until(&events, |e| matches!(e, Event::CommandFailed { .. }));
    let Some(Event::CommandFailed { failure, .. }) = seen.last() else {
        unreachable!()
    };
    assert_eq!(failure.kind, FailureKind::Remote);
    assert_eq!(failure.code, Some(550));
    engine.send(Command::List(RemotePath::root()));
    let seen = collect_until(&events, is_listing);
    let Event::Listing(listing) = seen.last().unwrap() else {
        unreachable!()
    };
    assert!(!listing.entered, "a refresh lists without entering");
}

#[test]
fn active_mode_lists_too() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    let mut request = server.request(PASSWORD);
    request.data_mode = DataMode::Active;
    engine.send(Command::Connect(request));
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::Disconnected { .. })
    });
    let log = log_text(&seen);
    assert!(log.contains("Data connections: active"), "{log}");
    assert!(is_listing(seen.last().unwrap()), "{log}");
    assert!(listing_names(seen.last().unwrap()).contains(&"welcome.txt".to_owned()));
}

/// The window's listing of a big folder: its bytes, more than the few buffers they are read
/// into hold together, are parsed on a thread beside the reading (past 128 KiB), and every
/// entry arrives once, in the listing the window shows.
#[test]
fn a_big_folder_is_listed_whole_for_the_window() {
    const FILES: usize = 12_000;
    let server = TestServer::start();
    let folder = server.path().join("big");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..FILES {
        std::fs::write(folder.join(format!("entry-{i:05}.txt")), b"").unwrap();
    }
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
    engine.send(Command::List(RemotePath::from_text("/big")));
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::CommandFailed { .. } | Event::Disconnected { .. })
    });
    let mut names = listing_names(seen.last().unwrap());
    names.sort();
    let expected: Vec<String> = (0..FILES).map(|i| format!("entry-{i:05}.txt")).collect();
    assert_eq!(names.len(), FILES, "{}", log_text(&seen));
    assert_eq!(names, expected);
}

#[test]
fn disconnect_and_reconnect_many_times() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    for round in 0..5 {
        engine.send(Command::Connect(server.request(PASSWORD)));
        collect_until(&events, is_listing);
        engine.send(Command::Disconnect);
        let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
        assert!(
            matches!(seen.last(), Some(Event::Disconnected { reason: None })),
            "round {round}: {seen:?}"
        );
    }
}

#[test]
fn wrong_password_is_530_and_a_retry_works() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request("wrong")));
    let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
    let failure = disconnect_reason(&seen);
    assert_eq!(failure.kind, FailureKind::Login);
    assert!(failure.message.starts_with("530"), "{}", failure.message);
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
}

#[test]
fn connection_refused_is_explained() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(port, Login::Anonymous)));
    let failure = disconnect_reason(&collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. })
    }));
    assert_eq!(failure.kind, FailureKind::Connect);
    assert!(failure.message.contains("refused"), "{}", failure.message);
}

#[test]
fn unknown_host_is_explained() {
    let (engine, events) = Engine::start(None).unwrap();
    let mut request = request_to(21, Login::Anonymous);
    request.host = "no-such-host.invalid".into();
    engine.send(Command::Connect(request));
    let failure = disconnect_reason(&collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. })
    }));
    assert!(
        matches!(failure.kind, FailureKind::Connect | FailureKind::Timeout),
        "{failure:?}"
    );
    assert!(
        failure.message.contains("no-such-host.invalid"),
        "{}",
        failure.message
    );
}

#[test]
fn a_server_that_never_greets_times_out() {
    let server = ScriptedServer::start(vec![Step::Silence]);
    let (engine, events) = Engine::start(None).unwrap();
    let mut request = request_to(server.port, Login::Anonymous);
    request.timeouts.connect = Duration::from_secs(1);
    engine.send(Command::Connect(request));
    let failure = disconnect_reason(&collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. })
    }));
    assert_eq!(failure.kind, FailureKind::Timeout);
    assert!(failure.message.contains("greeting"), "{}", failure.message);
}

#[test]
fn disconnect_cancels_a_connect_in_progress() {
    let server = ScriptedServer::start(vec![Step::Silence]);
    let (engine, events) = Engine::start(None).unwrap();
    let mut request = request_to(server.port, Login::Anonymous);
    // Long enough that only the Disconnect can end this wait within the test's patience.
    request.timeouts.connect = Duration::from_secs(3600);
    engine.send(Command::Connect(request));
    collect_until(&events, |e| matches!(e, Event::Connecting { .. }));
    engine.send(Command::Disconnect);
    let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
    assert!(matches!(
        seen.last(),
        Some(Event::Disconnected { reason: None })
    ));
    // The server sees the connection go away.
    server.finish();
}

#[test]
fn a_server_closing_mid_login_is_reported() {
    // The same on every attempt: Ferry tries again twice (a dropped login may be a busy
    // server), then says what happened.
    let script = vec![
        send("220 hello\r\n"),
        Step::Expect("USER"),
        send("331 Password please\r\n"),
        Step::Expect("PASS"),
        Step::Close,
    ];
    let server = ScriptedServer::start_each(vec![script.clone(), script.clone(), script]);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
    assert_eq!(log_text(&seen).matches("trying again").count(), 2);
    let failure = disconnect_reason(&seen);
    assert_eq!(failure.kind, FailureKind::Protocol);
    assert!(
        failure.message.contains("closed the connection"),
        "{}",
        failure.message
    );
    server.finish();
}

#[test]
fn a_421_greeting_is_reported() {
    let busy = vec![send("421 Too many connections, try later\r\n"), Step::Close];
    let server = ScriptedServer::start_each(vec![busy.clone(), busy.clone(), busy]);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let failure = disconnect_reason(&collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. })
    }));
    assert_eq!(failure.message, "421 Too many connections, try later");
}

#[test]
fn a_421_before_the_first_listing_logs_in_again_and_lists() {
    use support::faulty::{FailAt, FailHow, FailPoint, Faults, FaultyServer};
    let server = FaultyServer::start();
    server.add_file("/first.txt", b"1".to_vec());
    // The first connection is told 421 at its TYPE, just before the first listing.
    server.set_faults(Faults {
        fail_at: vec![FailAt {
            connection: 0,
            at: FailPoint::Verb("TYPE"),
            how: FailHow::Reply421,
        }],
        ..Faults::default()
    });
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::Disconnected { .. })
    });
    let log = log_text(&seen);
    assert!(is_listing(seen.last().unwrap()), "{log}");
    assert_eq!(listing_names(seen.last().unwrap()), ["first.txt"], "{log}");
    assert!(log.contains("421 Service not available"), "{log}");
    assert_eq!(server.count("USER"), 2, "{log}");
}

/// Connects to a scripted server that logs in normally after `greeting`, and returns what the
/// engine reported once logged in.
fn connect_with_greeting(greeting: Vec<u8>, pwd_reply: &[u8]) -> ferry::engine::ServerInfo {
    let mut script = vec![Step::Send(greeting)];
    script.extend(login_steps(pwd_reply));
    script.push(Step::Silence);
    let server = ScriptedServer::start(script);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Connected(_) | Event::Disconnected { .. })
    });
    match seen.last() {
        Some(Event::Connected(info)) => *info.clone(),
        other => panic!("not connected: {other:?}\n{}", log_text(&seen)),
    }
}

#[test]
fn a_greeting_of_hundreds_of_lines_arrives_whole() {
    let mut greeting = b"220-Line zero\r\n".to_vec();
    for i in 1..=600 {
        greeting.extend_from_slice(format!("220-Line {i}\r\n").as_bytes());
    }
    greeting.extend_from_slice(b"220 The end\r\n");
    let info = connect_with_greeting(greeting, b"257 \"/\"\r\n");
    assert_eq!(info.greeting.len(), 602);
    assert_eq!(info.greeting[600], "Line 600");
    assert_eq!(info.greeting[601], "The end");
}

/// suppaftp ends a reply at the first `ddd ` line, whatever its code (servers such as glFTPd
/// need that). A greeting that quotes a `230 ` line is cut there: the connection fails cleanly,
/// and no login is ever taken for done.
#[test]
fn a_stray_code_inside_the_greeting_fails_the_connection_cleanly() {
    let server = ScriptedServer::start(vec![
        send("220-Welcome\r\n230 this line is not a login\r\n220 ready\r\n"),
        Step::Silence,
    ]);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Connected(_) | Event::Disconnected { .. })
    });
    let failure = disconnect_reason(&seen);
    assert!(
        failure.message.contains("230 this line is not a login"),
        "{failure:?}"
    );
    drop(engine);
    let received = server.finish();
    assert!(
        !received.iter().any(|l| l.starts_with("USER")),
        "{received:?}"
    );
}

#[test]
fn non_utf8_bytes_in_greeting_and_pwd_are_shown_not_fatal() {
    let info = connect_with_greeting(
        b"220 Caf\xe9 server\r\n".to_vec(),
        b"257 \"/home/caf\xe9\" is cwd\r\n",
    );
    assert_eq!(info.greeting, vec!["Caf\u{FFFD} server"]);
    assert_eq!(info.cwd.as_bytes(), b"/home/caf\xe9");
}

#[test]
fn garbage_instead_of_a_reply_is_reported() {
    let server = ScriptedServer::start(vec![send("SSH-2.0-OpenSSH_9.2\r\n"), Step::Silence]);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let failure = disconnect_reason(&collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. })
    }));
    assert_eq!(failure.kind, FailureKind::Protocol);
    assert!(
        failure.message.contains("not an FTP reply"),
        "{}",
        failure.message
    );
}

#[test]
fn a_lying_pasv_reply_is_not_followed() {
    // The server refuses EPSV and names a third-party address in PASV; the engine must connect to
    // the server's own address instead (and the listing must then arrive from there).
    let data = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let data_port = data.local_addr().unwrap().port();
    let pasv = format!(
        "227 Entering Passive Mode (10,99,99,99,{},{})\r\n",
        data_port / 256,
        data_port % 256
    );
    let mut script = vec![send("220 hi\r\n")];
    script.extend(login_steps(b"257 \"/\"\r\n"));
    script.extend([
        Step::Expect("TYPE"),
        send("200 ok\r\n"),
        Step::Expect("EPSV"),
        send("500 EPSV not understood\r\n"),
        Step::Expect("PASV"),
        Step::Send(pasv.into_bytes()),
        Step::Expect("LIST"),
        send("150 here it comes\r\n"),
    ]);
    let data_thread = std::thread::spawn(move || {
        use std::io::Write;
        let (mut stream, from) = data.accept().unwrap();
        assert!(from.ip().is_loopback());
        stream
            .write_all(b"-rw-r--r--    1 0        0              42 Nov 23 19:05 only-file.txt\r\n")
            .unwrap();
    });
    script.extend([send("226 done\r\n"), Step::Silence]);
    let server = ScriptedServer::start(script);
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::Disconnected { .. })
    });
    // The data connection came to the server's own address (the thread accepted it there).
    data_thread.join().unwrap();
    let log = log_text(&seen);
    assert!(log.contains("trying PASV"), "{log}");
    assert!(is_listing(seen.last().unwrap()), "{log}");
}

/// Waits for the listing that follows a change, and returns the names in it.
fn names_after_change(events: &ferry::engine::EventReceiver) -> (Vec<Event>, Vec<String>) {
    let seen = collect_until(events, is_listing);
    let names = listing_names(seen.last().unwrap());
    (seen, names)
}

#[test]
fn mkdir_rename_and_recursive_delete_change_the_server_and_relist() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
    let root = RemotePath::root();

    engine.send(Command::Mkdir {
        dir: root.clone(),
        name: b"New stuff".to_vec(),
    });
    let (_, names) = names_after_change(&events);
    assert!(names.contains(&"New stuff".to_owned()), "{names:?}");
    assert!(server.path().join("New stuff").is_dir());

    engine.send(Command::Rename {
        dir: root.clone(),
        from: RemoteName::from_text("welcome.txt"),
        to: b"hello.txt".to_vec(),
    });
    let (_, names) = names_after_change(&events);
    assert!(names.contains(&"hello.txt".to_owned()) && !names.contains(&"welcome.txt".to_owned()));
    assert!(server.path().join("hello.txt").is_file());

    engine.send(Command::Delete {
        dir: root.clone(),
        items: vec![
            RemoteItem {
                name: RemoteName::from_text("hello.txt"),
                is_dir: false,
            },
            RemoteItem {
                name: RemoteName::from_text("Documents"),
                is_dir: true,
            },
        ],
    });
    let (seen, names) = names_after_change(&events);
    assert!(!names.contains(&"hello.txt".to_owned()), "{names:?}");
    assert!(!names.contains(&"Documents".to_owned()), "{names:?}");
    assert!(
        !server.path().join("Documents").exists(),
        "{}",
        log_text(&seen)
    );
    // The nested content went first: files, then the folders bottom-up.
    let log = log_text(&seen);
    assert!(log.contains("> DELE summary.csv"), "{log}");
    assert!(log.contains("> RMD 2025"), "{log}");
    assert!(log.contains("> RMD Documents"), "{log}");
}

#[test]
fn a_refused_change_is_reported_and_the_folder_relisted() {
    let server = TestServer::start();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
    engine.send(Command::Rename {
        dir: RemotePath::root(),
        from: RemoteName::from_text("no-such-file"),
        to: b"x".to_vec(),
    });
    let seen = collect_until(&events, |e| matches!(e, Event::CommandFailed { .. }));
    let Some(Event::CommandFailed { what, failure, .. }) = seen.last() else {
        unreachable!()
    };
    assert!(what.contains("rename no-such-file"), "{what}");
    assert_eq!(failure.kind, FailureKind::Remote);
    // The session goes on.
    engine.send(Command::List(RemotePath::root()));
    collect_until(&events, is_listing);
}

/// A rename onto a name that is taken would let the server replace that file (most do, RNTO
/// onto a file): Ferry doesn't send it, says why, and both files stay as they were. A name in
/// another folder counts too, and a change of letter case alone is not a clash.
#[test]
fn a_rename_onto_a_name_that_is_taken_changes_nothing() {
    let server = TestServer::start();
    std::fs::write(server.path().join("hello.txt"), b"hello").unwrap();
    std::fs::write(server.path().join("notes.txt"), b"notes").unwrap();
    std::fs::create_dir(server.path().join("sub")).unwrap();
    std::fs::write(server.path().join("sub/hello.txt"), b"other").unwrap();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
    for to in ["notes.txt", "sub/hello.txt", "/sub/hello.txt"] {
        engine.send(Command::Rename {
            dir: RemotePath::root(),
            from: RemoteName::from_text("hello.txt"),
            to: to.as_bytes().to_vec(),
        });
        let seen = collect_until(&events, |e| matches!(e, Event::CommandFailed { .. }));
        let Some(Event::CommandFailed { failure, .. }) = seen.last() else {
            unreachable!()
        };
        assert!(
            failure.message.contains("already exists"),
            "{to}: {failure:?}"
        );
        let log = log_text(&seen);
        assert!(!log.contains("> RNFR"), "{to}: {log}");
        // The window is shown the folder as it is, and a clash found in a listing of this
        // folder needs no second one.
        assert!(seen.iter().any(is_listing), "{to}: {log}");
        let listings = log
            .lines()
            .filter(|line| line.contains("> MLSD") || line.contains("> LIST"))
            .count();
        assert_eq!(listings, 1, "{to}: {log}");
        assert_eq!(
            std::fs::read(server.path().join("hello.txt")).unwrap(),
            b"hello"
        );
        assert_eq!(
            std::fs::read(server.path().join("notes.txt")).unwrap(),
            b"notes"
        );
        assert_eq!(
            std::fs::read(server.path().join("sub/hello.txt")).unwrap(),
            b"other"
        );
    }
    // A free name is renamed to.
    engine.send(Command::Rename {
        dir: RemotePath::root(),
        from: RemoteName::from_text("hello.txt"),
        to: b"Hello.txt".to_vec(),
    });
    let (_, names) = names_after_change(&events);
    assert!(names.contains(&"Hello.txt".to_owned()), "{names:?}");
    assert_eq!(
        std::fs::read(server.path().join("Hello.txt")).unwrap(),
        b"hello"
    );
}

/// A move (a drag onto another folder of the server pane) puts each entry into that folder and
/// lists both folders again; a name taken there moves none of them.
#[test]
fn a_move_puts_entries_into_another_folder_and_a_taken_name_moves_none() {
    let server = TestServer::start();
    std::fs::write(server.path().join("a.txt"), b"alpha").unwrap();
    std::fs::create_dir(server.path().join("box")).unwrap();
    std::fs::write(server.path().join("box/taken.txt"), b"old").unwrap();
    std::fs::write(server.path().join("taken.txt"), b"new").unwrap();
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(server.request(PASSWORD)));
    collect_until(&events, is_listing);
    let into = RemotePath::from_text("/box");

    // One name is taken: nothing moves, not even the other.
    engine.send(Command::Move {
        dir: RemotePath::root(),
        names: vec![
            RemoteName::from_text("a.txt"),
            RemoteName::from_text("taken.txt"),
        ],
        into: into.clone(),
    });
    let seen = collect_until(&events, |e| matches!(e, Event::CommandFailed { .. }));
    let Some(Event::CommandFailed { failure, .. }) = seen.last() else {
        unreachable!()
    };
    assert!(failure.message.contains("nothing was moved"), "{failure:?}");
    assert!(!log_text(&seen).contains("> RNFR"), "{}", log_text(&seen));
    assert_eq!(
        std::fs::read(server.path().join("a.txt")).unwrap(),
        b"alpha"
    );
    assert_eq!(
        std::fs::read(server.path().join("taken.txt")).unwrap(),
        b"new"
    );
    assert_eq!(
        std::fs::read(server.path().join("box/taken.txt")).unwrap(),
        b"old"
    );

    // Free names: both move (a folder too), and both folders are listed again.
    engine.send(Command::Move {
        dir: RemotePath::root(),
        names: vec![
            RemoteName::from_text("a.txt"),
            RemoteName::from_text("Documents"),
        ],
        into: into.clone(),
    });
    let mut listed = Vec::new();
    while listed.len() < 2 {
        let seen = collect_until(&events, is_listing);
        listed.push((
            listing_path(seen.last()),
            listing_names(seen.last().unwrap()),
        ));
    }
    assert_eq!(listed[0].0, "/box");
    assert!(listed[0].1.contains(&"a.txt".to_owned()), "{listed:?}");
    assert_eq!(listed[1].0, "/");
    assert!(!listed[1].1.contains(&"a.txt".to_owned()), "{listed:?}");
    assert_eq!(
        std::fs::read(server.path().join("box/a.txt")).unwrap(),
        b"alpha"
    );
    assert!(server.path().join("box/Documents/readme.txt").is_file());
    assert!(!server.path().join("Documents").exists());
}

fn browse_faulty(
    server: &support::faulty::FaultyServer,
    keep_alive: Option<(Duration, Duration)>,
) -> (ferry::engine::EngineHandle, ferry::engine::EventReceiver) {
    let mut request = server.request();
    request.timeouts.keep_alive = keep_alive;
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request));
    collect_until(&events, is_listing);
    engine.send(Command::ChangeDir {
        from: RemotePath::root(),
        target: DirTarget::Path(RemotePath::from_text("/docs")),
    });
    collect_until(&events, is_listing);
    (engine, events)
}

fn listing_path(event: Option<&Event>) -> String {
    match event {
        Some(Event::Listing(listing)) => listing.path.display(),
        other => panic!("not a listing: {other:?}"),
    }
}

#[test]
fn a_421_while_browsing_logs_in_again_returns_to_the_folder_and_goes_on() {
    use support::faulty::{Faults, FaultyServer};
    let server = FaultyServer::start();
    server.add_file("/docs/inner/a.txt", b"a".to_vec());
    let (engine, events) = browse_faulty(&server, None);
    server.set_faults(Faults {
        hang_up_on: Some("CWD"),
        ..Faults::default()
    });
    engine.send(Command::ChangeDir {
        from: RemotePath::from_text("/docs"),
        target: DirTarget::Child(RemoteName::from_text("inner")),
    });
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::Disconnected { .. })
    });
    let log = log_text(&seen);
    assert_eq!(listing_path(seen.last()), "/docs/inner", "{log}");
    assert!(log.contains("421 Timeout"), "{log}");
    assert!(log.contains("logging in again"), "{log}");
    assert!(log.contains("Logged in again; back in /docs"), "{log}");
    assert_eq!(server.count("USER"), 2);
}

#[test]
fn keep_alive_sends_noop_and_a_drop_it_finds_is_mended_at_the_next_action() {
    use support::faulty::{Faults, FaultyServer};
    let server = FaultyServer::start();
    server.add_file("/docs/inner/a.txt", b"a".to_vec());
    // Milliseconds instead of the 30-60 s people get, so the test sees several rounds.
    let quick = Some((Duration::from_millis(5), Duration::from_millis(20)));
    let (engine, events) = browse_faulty(&server, quick);
    let is_noop_answer =
        |e: &Event| matches!(e, Event::Log(line) if line.to_text().contains("200 ok"));
    let seen = collect_until(
        &events,
        |e| matches!(e, Event::Log(line) if line.to_text().contains("> NOOP")),
    );
    assert!(!seen.iter().any(|e| matches!(e, Event::Disconnected { .. })));
    collect_until(&events, is_noop_answer);

    server.set_faults(Faults {
        hang_up_on: Some("NOOP"),
        ..Faults::default()
    });
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Log(line) if line.to_text().contains("at the next action"))
            || matches!(e, Event::Disconnected { .. })
    });
    assert!(
        !matches!(seen.last(), Some(Event::Disconnected { .. })),
        "{}",
        log_text(&seen)
    );
    assert_eq!(
        server.count("USER"),
        1,
        "no login until there is something to do"
    );

    engine.send(Command::ChangeDir {
        from: RemotePath::from_text("/docs"),
        target: DirTarget::Child(RemoteName::from_text("inner")),
    });
    let seen = collect_until(&events, |e| {
        is_listing(e) || matches!(e, Event::Disconnected { .. })
    });
    assert_eq!(
        listing_path(seen.last()),
        "/docs/inner",
        "{}",
        log_text(&seen)
    );
    assert_eq!(server.count("USER"), 2);
}

#[test]
fn a_server_that_keeps_hanging_up_ends_the_session_after_bounded_attempts() {
    use support::faulty::{Faults, FaultyServer};
    let server = FaultyServer::start();
    server.add_file("/docs/inner/a.txt", b"a".to_vec());
    let (engine, events) = browse_faulty(&server, None);
    server.set_faults(Faults {
        hang_up_on: Some("PWD"),
        keep_hanging_up: true,
        ..Faults::default()
    });
    engine.send(Command::ChangeDir {
        from: RemotePath::from_text("/docs"),
        target: DirTarget::Child(RemoteName::from_text("inner")),
    });
    let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
    let failure = disconnect_reason(&seen);
    assert_eq!(failure.code, Some(421), "{failure:?}\n{}", log_text(&seen));
    // The first login, then three attempts to log in again.
    assert_eq!(server.count("USER"), 4, "{}", log_text(&seen));
}

#[test]
fn a_self_signed_certificate_is_refused_until_trusted_then_everything_is_encrypted() {
    let server = TestServer::start_tls();
    let mut request = server.request(PASSWORD);
    request.tls = ferry::engine::TlsOptions {
        mode: ferry::engine::TlsMode::IfAvailable,
        ..Default::default()
    };
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(Command::Connect(request.clone()));
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. } | Event::Listing(_))
    });
    let failure = disconnect_reason(&seen);
    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:?}");
    let certificate = failure.certificate.expect("the certificate, to show");
    assert_eq!(certificate.fingerprint, server.fingerprint());
    assert!(!certificate.changed);
    let log = log_text(&seen);
    assert!(
        !log.contains("PASS"),
        "the password went out before TLS: {log}"
    );

    request.tls.trusted = vec![server.fingerprint()];
    engine.send(Command::Connect(request));
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Disconnected { .. } | Event::Listing(_))
    });
    let log = log_text(&seen);
    let info = seen
        .iter()
        .find_map(|e| match e {
            Event::Connected(info) => Some(info.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not connected: {log}"));
    assert!(
        info.security.control && info.security.data,
        "{:?}",
        info.security
    );
    assert!(listing_names(seen.last().unwrap()).contains(&"welcome.txt".to_owned()));
}

/// "TLS if available" on a server that has no AUTH TLS yet refuses plain logins (as vsftpd with
/// `force_local_logins_ssl` answers USER): the password must never go out in the clear.
#[test]
fn a_server_demanding_tls_never_receives_the_password_in_the_clear() {
    // Its features list no AUTH TLS: plain FTP, said in the log, and USER is refused.
    let plain_features = vec![
        send("220 hi\r\n"),
        Step::Expect("FEAT"),
        send("211-Features:\r\n UTF8\r\n211 End\r\n"),
        Step::Expect("USER"),
        send("530 Non-anonymous sessions must use encryption.\r\n"),
        Step::Silence,
    ];
    // It won't list features before login and refuses AUTH TLS: the connection is made again
    // in plain FTP, and USER is refused there.
    let refused_auth = vec![
        vec![
            send("220 hi\r\n"),
            Step::Expect("FEAT"),
            send("530 Please login first\r\n"),
            Step::Expect("AUTH TLS"),
            send("500 AUTH not understood\r\n"),
            Step::Close,
        ],
        vec![
            send("220 hi\r\n"),
            Step::Expect("USER"),
            send("530 Non-anonymous sessions must use encryption.\r\n"),
            Step::Silence,
        ],
    ];
    for scripts in [vec![plain_features], refused_auth] {
        let server = ScriptedServer::start_each(scripts);
        let mut request = request_to(
            server.port,
            Login::Normal {
                user: "alice".into(),
                password: ferry::store::secret::Secret::new(PASSWORD),
            },
        );
        request.tls.mode = ferry::engine::TlsMode::IfAvailable;
        let (engine, events) = Engine::start(None).unwrap();
        engine.send(Command::Connect(request));
        let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
        let failure = disconnect_reason(&seen);
        assert_eq!(failure.code, Some(530), "{failure:?}");
        let log = log_text(&seen);
        assert!(log.contains("continuing with plain FTP"), "{log}");
        drop(engine);
        let received = server.finish();
        assert!(
            !received.iter().any(|line| line.starts_with("PASS")),
            "{received:?}"
        );
    }
}

/// The folder the local pane shows is listed again when another program changes it: a file
/// created, one renamed, one deleted, each shows without asking (as WinSCP does).
#[test]
fn the_local_folder_watched_is_listed_again_when_another_program_changes_it() {
    use ferry::engine::LocalCommand;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.txt"), b"old").unwrap();
    let (engine, events) = Engine::start(None).unwrap();
    let names_listed = |events: &ferry::engine::EventReceiver, want: &[&str]| {
        collect_until(events, |event| match event {
            Event::LocalListing(listing) => {
                let mut names: Vec<&str> =
                    listing.entries.iter().map(|e| e.name.as_str()).collect();
                names.sort_unstable();
                names == want
            }
            _ => false,
        });
    };
    engine.send(Command::Local(LocalCommand::Watch(Some(
        dir.path().to_path_buf(),
    ))));
    // Starting the watch lists the folder.
    names_listed(&events, &["old.txt"]);
    std::fs::write(dir.path().join("new.txt"), b"new").unwrap();
    names_listed(&events, &["new.txt", "old.txt"]);
    std::fs::rename(dir.path().join("old.txt"), dir.path().join("renamed.txt")).unwrap();
    names_listed(&events, &["new.txt", "renamed.txt"]);
    std::fs::remove_file(dir.path().join("new.txt")).unwrap();
    names_listed(&events, &["renamed.txt"]);
    // Another folder: the first one is no longer watched, the second is.
    let other = tempfile::tempdir().unwrap();
    engine.send(Command::Local(LocalCommand::Watch(Some(
        other.path().to_path_buf(),
    ))));
    names_listed(&events, &[]);
    std::fs::write(other.path().join("here.txt"), b"here").unwrap();
    names_listed(&events, &["here.txt"]);
}

/// A server that closes an idle connection (vsftpd's `idle_session_timeout`, a 421 first or not
/// a word) is noticed at once, with no command sent, and the window is told why; the session
/// goes on and logs in again at the next action.
#[test]
fn a_server_closing_an_idle_connection_is_noticed_at_once() {
    let cases: [(&str, Vec<Step>, &str); 2] = [
        (
            "421 first",
            vec![send("421 Timeout.\r\n"), Step::Close],
            "421 Timeout.",
        ),
        ("closed", vec![Step::Close], "closed the connection"),
    ];
    for (what, ending, said) in cases {
        let mut script = vec![send("220 Hello\r\n")];
        script.extend(login_steps(b"257 \"/\"\r\n"));
        // The first listing, empty, then nothing until the server ends it.
        let data = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let epsv = format!(
            "229 Extended Passive Mode (|||{}|)\r\n",
            data.local_addr().unwrap().port()
        );
        let data_thread = std::thread::spawn(move || drop(data.accept()));
        script.extend([
            Step::Expect("TYPE I"),
            send("200 Binary\r\n"),
            Step::Expect("EPSV"),
            Step::Send(epsv.into_bytes()),
            Step::Expect("LIST"),
            send("150 Here it comes\r\n"),
            send("226 Done\r\n"),
        ]);
        script.extend(ending);
        let server = ScriptedServer::start(script);
        let (engine, events) = Engine::start(None).unwrap();
        engine.send(Command::Connect(request_to(server.port, Login::Anonymous)));
        let seen = collect_until(&events, |e| {
            matches!(
                e,
                Event::ConnectionDropped { .. } | Event::Disconnected { .. }
            )
        });
        match seen.last() {
            Some(Event::ConnectionDropped { why }) => {
                assert!(why.contains(said), "{what}: {why}")
            }
            other => panic!("{what}: {other:?}\n{}", log_text(&seen)),
        }
        assert!(
            log_text(&seen).contains("logs in again at the next action"),
            "{what}"
        );
        drop(engine);
        data_thread.join().unwrap();
        let received = server.finish();
        assert!(
            !received.iter().any(|l| l.starts_with("NOOP")),
            "{what}: {received:?}"
        );
    }
}
