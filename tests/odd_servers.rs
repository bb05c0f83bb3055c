//! Servers that answer oddly: a reply with no code, a code no RFC has, garbage values, an error
//! written in the clear inside a TLS session. One odd answer fails one command, in plain words;
//! the session goes on.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::Arc;

use ferry::engine::{Command as EngineCommand, Engine, Event, Login, TlsMode};
use support::faulty::{Faults, FaultyServer};
use support::{PASSWORD, collect_until, log_text, request_to};

fn ferry(args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("FERRY_PASSWORD", PASSWORD)
        .env("FERRY_CONFIG_DIR", config.path())
        .output()
        .expect("run ferry")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn odd_server(odd: Vec<(&'static str, &'static str)>) -> FaultyServer {
    let server = FaultyServer::start();
    server.add_folder("/pub");
    server.add_file("/pub/a.bin", b"0123456789".to_vec());
    server.set_faults(Faults {
        odd_replies: odd,
        ..Faults::default()
    });
    server
}

/// `ferry ls` used to end with "the server sent a line that is not an FTP reply" when SYST was
/// answered without a code.
#[test]
fn a_reply_with_no_code_fails_only_its_command() {
    let server = odd_server(vec![("SYST", "UNIX emulated, no code at all\r\n")]);
    let url = format!("ftp://u@127.0.0.1:{}/pub", server.port);
    let ls = ferry(&["ls", "--tls", "off", &url]);
    assert!(ls.status.success(), "{}", text(&ls.stderr));
    assert!(text(&ls.stdout).contains("a.bin"), "{}", text(&ls.stdout));
    let info = ferry(&["info", "--tls", "off", &url]);
    assert!(info.status.success(), "{}", text(&info.stderr));
    assert!(text(&info.stdout).contains("System:   (not given)"));
}

#[test]
fn a_code_no_rfc_has_is_a_refusal_and_the_session_goes_on() {
    let server = odd_server(vec![("SYST", "600 no idea what you mean\r\n")]);
    let url = format!("ftp://u@127.0.0.1:{}/pub", server.port);
    let ls = ferry(&["ls", "-v", "--tls", "off", &url]);
    assert!(ls.status.success(), "{}", text(&ls.stderr));
    assert!(
        text(&ls.stderr).contains("< 600 no idea"),
        "the reply is in the log"
    );
    assert!(text(&ls.stdout).contains("a.bin"));
}

/// `213 -5` to SIZE and a month 13 in MDTM: the size and the time are unknown, the download
/// goes on and arrives whole.
#[test]
fn garbage_values_leave_facts_unknown_and_the_download_whole() {
    let server = odd_server(vec![
        ("SIZE", "213 -5\r\n"),
        ("MDTM", "213 20261399999999\r\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("ftp://u@127.0.0.1:{}/pub/a.bin", server.port);
    let get = ferry(&[
        "get",
        "-v",
        "--tls",
        "off",
        &url,
        dir.path().to_str().unwrap(),
    ]);
    assert!(get.status.success(), "{}", text(&get.stderr));
    assert_eq!(
        std::fs::read(dir.path().join("a.bin")).unwrap(),
        b"0123456789"
    );
}

/// A garbled reply in the middle of a browsing session: that command fails, the next works.
#[test]
fn after_a_garbled_reply_the_next_command_works() {
    let server = odd_server(vec![("MKD", "what is this\r\n")]);
    let (engine, events) = Engine::start(None).unwrap();
    let mut request = request_to(server.port, Login::Anonymous);
    request.initial_path = Some(ferry::protocol::path::RemotePath::from_text("/pub"));
    engine.send(EngineCommand::Connect(request));
    collect_until(&events, |e| matches!(e, Event::Listing(_)));
    engine.send(EngineCommand::Mkdir {
        dir: ferry::protocol::path::RemotePath::from_text("/pub"),
        name: b"new".to_vec(),
    });
    // The folder is listed again after any change, then the failure is told.
    let seen = collect_until(&events, |e| {
        matches!(e, Event::CommandFailed { .. } | Event::Disconnected { .. })
    });
    match seen.last() {
        Some(Event::CommandFailed { failure, .. }) => {
            assert!(failure.message.contains("not an FTP reply"), "{failure:?}")
        }
        other => panic!("the MKD should fail: {other:?}\n{}", log_text(&seen)),
    }
    // The session is still there: a listing works.
    engine.send(EngineCommand::List(
        ferry::protocol::path::RemotePath::from_text("/pub"),
    ));
    let seen = collect_until(&events, |e| {
        matches!(e, Event::Listing(_) | Event::Disconnected { .. })
    });
    assert!(
        matches!(seen.last(), Some(Event::Listing(_))),
        "{}",
        log_text(&seen)
    );
}

/// vsftpd that fails after TLS is set up (a missing home folder) writes `500 OOPS: ...` in the
/// clear. TLS can only call that a corrupt record; the person needs the server's words.
#[test]
fn an_error_written_in_the_clear_inside_tls_is_shown_as_the_server_wrote_it() {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let certificate = generated.cert.der().to_vec();
    let key = generated.signing_key.serialize_der();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut tcp, _) = listener.accept()?;
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
        let mut plain = BufReader::new(tcp.try_clone()?);
        let mut line = String::new();
        tcp.write_all(b"220 hi\r\n")?;
        plain.read_line(&mut line)?; // FEAT
        tcp.write_all(b"211-Features:\r\n AUTH TLS\r\n211 End\r\n")?;
        line.clear();
        plain.read_line(&mut line)?; // AUTH TLS
        tcp.write_all(b"234 go ahead\r\n")?;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(certificate)],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .map_err(std::io::Error::other)?;
        let connection =
            rustls::ServerConnection::new(Arc::new(config)).map_err(std::io::Error::other)?;
        let mut tls = rustls::StreamOwned::new(connection, tcp.try_clone()?);
        let read_line = |tls: &mut rustls::StreamOwned<_, _>| -> std::io::Result<String> {
            let mut bytes = Vec::new();
            let mut byte = [0u8];
            while tls.read(&mut byte)? == 1 && byte[0] != b'\n' {
                bytes.push(byte[0]);
            }
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        };
        for reply in [&b"200 PBSZ=0\r\n"[..], b"200 PROT now Private\r\n"] {
            read_line(&mut tls)?;
            tls.write_all(reply)?;
        }
        read_line(&mut tls)?; // USER
        // The child process that held the TLS session is gone; its parent writes in the clear.
        tcp.write_all(b"500 OOPS: cannot change directory:/home/x\r\n")?;
        drop(tls);
        Ok(())
    });
    let mut request = request_to(
        port,
        Login::Normal {
            user: "x".into(),
            password: ferry::store::secret::Secret::new(PASSWORD),
        },
    );
    request.tls.mode = TlsMode::IfAvailable;
    request.tls.trusted = vec![ferry::engine::tls::fingerprint(generated.cert.der())];
    let (engine, events) = Engine::start(None).unwrap();
    engine.send(EngineCommand::Connect(request));
    let seen = collect_until(&events, |e| matches!(e, Event::Disconnected { .. }));
    let Some(Event::Disconnected {
        reason: Some(failure),
    }) = seen.last()
    else {
        panic!("not disconnected with a reason: {seen:?}");
    };
    assert_eq!(
        failure.message,
        "500 OOPS: cannot change directory:/home/x",
        "{}",
        log_text(&seen)
    );
    server.join().unwrap().unwrap();
}
