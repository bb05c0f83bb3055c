//! Data connections: passive (EPSV, then PASV) and active (EPRT, then PORT).
//!
//! Passive connections always go to the control connection's address, whatever a PASV reply
//! names: a server behind NAT often names a private address, and a hostile one could name a third
//! party. Active connections are accepted only from the server's address.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

use super::api::command::DataMode;
use super::api::event::LogKind;
use super::control::Control;
use super::error::{FtpError, FtpResult};
use super::tls::{NetStream, Tls};
use crate::protocol::command::CommandLine;
use crate::protocol::passive::{parse_epsv, parse_pasv};
use crate::protocol::reply::Reply;

/// What the session learned about the server's data-connection commands.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DataSupport {
    pub epsv_refused: bool,
    pub eprt_refused: bool,
    /// In `Auto` mode, passive failed once: use active from now on.
    pub passive_failed: bool,
}

enum Prepared {
    Connected(TcpStream),
    Listening(TcpListener),
}

/// What came of sending a data command.
pub(crate) enum DataStart {
    /// The data connection is open; the closing reply comes after the data.
    Open(NetStream),
    /// The server answered at once with a completion (no data) or a refusal.
    Done(Reply),
}

/// Opens the data connection (protected with `tls` when PROT P is in force) and sends the
/// command that uses it.
pub(crate) async fn start_data_command(
    control: &mut Control,
    support: &mut DataSupport,
    mode: DataMode,
    tls: Option<&Tls>,
    command: &CommandLine,
) -> FtpResult<DataStart> {
    let prepared = match mode {
        DataMode::Passive => Prepared::Connected(open_passive(control, support).await?),
        DataMode::Active => Prepared::Listening(open_active(control, support).await?),
        DataMode::Auto if support.passive_failed => {
            Prepared::Listening(open_active(control, support).await?)
        }
        DataMode::Auto => match open_passive(control, support).await {
            Ok(stream) => Prepared::Connected(stream),
            Err(error) if !error.is_fatal() => {
                control.sink().log(
                    LogKind::Status,
                    format!("Passive mode failed ({error}); trying active mode"),
                );
                support.passive_failed = true;
                Prepared::Listening(open_active(control, support).await?)
            }
            Err(error) => return Err(error),
        },
    };
    let reply = control.execute(command).await?;
    if !reply.is_preliminary() {
        return Ok(DataStart::Done(reply));
    }
    let stream = match prepared {
        Prepared::Connected(stream) => stream,
        Prepared::Listening(listener) => accept_from_server(control, listener).await?,
    };
    // The server starts its side of TLS once it has answered the command, so the handshake
    // comes after the preliminary reply, not before the command.
    match tls {
        Some(tls) => Ok(DataStart::Open(NetStream::Tls(
            tls.handshake(stream, control.reply_timeout()).await?,
        ))),
        None => Ok(DataStart::Open(NetStream::Plain(stream))),
    }
}

async fn open_passive(control: &mut Control, support: &mut DataSupport) -> FtpResult<TcpStream> {
    let server_ip = control.peer().ip();
    let port = if support.epsv_refused {
        None
    } else {
        let reply = control.execute(&CommandLine::bare("EPSV")).await?;
        if reply.code == 229 {
            Some(parse_epsv(reply.first_line_text_bytes()).ok_or_else(|| {
                FtpError::Protocol(format!(
                    "could not read the port in the EPSV reply: {}",
                    reply.summary()
                ))
            })?)
        } else {
            support.epsv_refused = true;
            None
        }
    };
    let port = match port {
        Some(port) => port,
        None => {
            if server_ip.is_ipv6() {
                return Err(FtpError::Protocol(
                    "the server refused EPSV, and PASV cannot be used over IPv6".into(),
                ));
            }
            let reply = control.execute(&CommandLine::bare("PASV")).await?;
            if reply.code != 227 {
                return Err(FtpError::reply(reply));
            }
            let (named_ip, port) = parse_pasv(reply.first_line_text_bytes()).ok_or_else(|| {
                FtpError::Protocol(format!(
                    "could not read the address in the PASV reply: {}",
                    reply.summary()
                ))
            })?;
            if IpAddr::V4(named_ip) != server_ip {
                control.sink().log(
                    LogKind::Status,
                    format!(
                        "The server named {named_ip} for the data connection; connecting to {server_ip} (the server's own address) instead"
                    ),
                );
            }
            port
        }
    };
    let addr = SocketAddr::new(server_ip, port);
    let timeout = control.reply_timeout();
    // No command is waiting for a reply yet, so a failure here leaves the control connection
    // in step: it is not fatal.
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(source)) => Err(FtpError::DataConnect {
            addr,
            reason: source.to_string(),
        }),
        Err(_) => Err(FtpError::DataConnect {
            addr,
            reason: format!("no answer within {} s", timeout.as_secs()),
        }),
    }
}

async fn open_active(control: &mut Control, support: &mut DataSupport) -> FtpResult<TcpListener> {
    let local_ip = control.local().ip();
    let listener = TcpListener::bind(SocketAddr::new(local_ip, 0))
        .await
        .map_err(|source| FtpError::Io {
            doing: "listening for the active-mode data connection".into(),
            source,
        })?;
    let port = listener
        .local_addr()
        .map_err(|source| FtpError::Io {
            doing: "reading the listening port".into(),
            source,
        })?
        .port();
    if !support.eprt_refused {
        let family = if local_ip.is_ipv4() { 1 } else { 2 };
        let eprt = CommandLine::with_text("EPRT", &format!("|{family}|{local_ip}|{port}|"))?;
        let reply = control.execute(&eprt).await?;
        if reply.is_completion() {
            return Ok(listener);
        }
        if !matches!(reply.code, 500 | 501 | 502 | 504 | 522) || local_ip.is_ipv6() {
            return Err(FtpError::reply(reply));
        }
        support.eprt_refused = true;
    }
    let IpAddr::V4(v4) = local_ip else {
        return Err(FtpError::Protocol("PORT cannot be used over IPv6".into()));
    };
    let [a, b, c, d] = v4.octets();
    let port_arg = format!("{a},{b},{c},{d},{},{}", port / 256, port % 256);
    control
        .expect_completion(&CommandLine::with_text("PORT", &port_arg)?)
        .await?;
    Ok(listener)
}

async fn accept_from_server(control: &mut Control, listener: TcpListener) -> FtpResult<TcpStream> {
    let server_ip = control.peer().ip();
    let timeout = control.reply_timeout();
    let deadline = tokio::time::Instant::now() + timeout;
    // A stranger that connects first is turned away; the count bounds the loop.
    for _ in 0..16 {
        match tokio::time::timeout_at(deadline, listener.accept()).await {
            Ok(Ok((stream, from))) if from.ip() == server_ip => return Ok(stream),
            Ok(Ok((_, from))) => control.sink().log(
                LogKind::Error,
                format!(
                    "Refused a data connection from {from}: it is not the server ({server_ip})"
                ),
            ),
            Ok(Err(source)) => {
                return Err(FtpError::Io {
                    doing: "accepting the active-mode data connection".into(),
                    source,
                });
            }
            Err(_) => break,
        }
    }
    Err(FtpError::Timeout {
        doing: "waiting for the server to open the active-mode data connection".into(),
        after: timeout,
    })
}

/// Reads a data connection to its end, handing each chunk to `take` as it arrives. Each read
/// may wait `idle` at most; more than `limit` bytes is an error, so an endless listing can't run
/// forever.
pub(crate) async fn read_chunks(
    stream: &mut NetStream,
    idle: Duration,
    limit: usize,
    mut take: impl FnMut(&[u8]),
) -> FtpResult<()> {
    let mut chunk = vec![0u8; 256 * 1024];
    let mut total = 0usize;
    loop {
        match tokio::time::timeout(idle, stream.read(&mut chunk)).await {
            Ok(Ok(0)) => return Ok(()),
            Ok(Ok(n)) => {
                total += n;
                if total > limit {
                    return Err(FtpError::Protocol(format!(
                        "the listing is larger than {} MiB; stopped reading",
                        limit / (1024 * 1024)
                    )));
                }
                take(&chunk[..n]);
            }
            Ok(Err(source)) => {
                return Err(FtpError::Io {
                    doing: "reading the data connection".into(),
                    source,
                });
            }
            Err(_) => {
                return Err(FtpError::Timeout {
                    doing: "waiting for data on the data connection".into(),
                    after: idle,
                });
            }
        }
    }
}
