//! The control connection: one TCP stream, commands out, replies in, every line of both written
//! to the message log.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::tls::{NetStream, Tls};

use super::EventSink;
use super::api::event::LogKind;
use super::error::{FtpError, FtpResult};
use crate::protocol::command::CommandLine;
use crate::protocol::reply::{Reply, ReplyReader};

pub(crate) struct Control {
    stream: NetStream,
    reader: ReplyReader,
    buffer: Box<[u8]>,
    sink: EventSink,
    reply_timeout: Duration,
    peer: SocketAddr,
    local: SocketAddr,
}

impl Control {
    /// Resolves `host`, connects to the first address that answers, and reads nothing yet.
    pub async fn connect(
        host: &str,
        port: u16,
        timeout: Duration,
        reply_timeout: Duration,
        sink: EventSink,
    ) -> FtpResult<Self> {
        let addresses = resolve(host, port, timeout).await?;
        let mut last_error = None;
        for addr in addresses {
            sink.log(LogKind::Status, format!("Connecting to {addr}..."));
            match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => {
                    let _ = stream.set_nodelay(true);
                    let local = stream.local_addr().map_err(|source| FtpError::Io {
                        doing: "reading the local address".into(),
                        source,
                    })?;
                    return Ok(Self {
                        stream: NetStream::Plain(stream),
                        reader: ReplyReader::new(),
                        buffer: vec![0; 16 * 1024].into_boxed_slice(),
                        sink,
                        reply_timeout,
                        peer: addr,
                        local,
                    });
                }
                Ok(Err(source)) if source.kind() == std::io::ErrorKind::ConnectionRefused => {
                    last_error = Some(FtpError::Refused { addr });
                }
                Ok(Err(source)) => last_error = Some(FtpError::Connect { addr, source }),
                Err(_) => {
                    last_error = Some(FtpError::Timeout {
                        doing: format!("connecting to {addr}"),
                        after: timeout,
                    })
                }
            }
        }
        Err(last_error.unwrap_or_else(|| FtpError::Resolve {
            host: host.to_owned(),
            reason: "no addresses".into(),
        }))
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Switches the connection to TLS (after `AUTH TLS`, or at once for implicit TLS).
    pub async fn start_tls(self, tls: &Tls) -> FtpResult<Self> {
        if !self.reader.is_idle() {
            // Bytes after the 234 reply would be plain text inside the TLS stream.
            return Err(FtpError::Protocol(
                "the server sent more after agreeing to TLS".into(),
            ));
        }
        let NetStream::Plain(tcp) = self.stream else {
            return Ok(self);
        };
        let stream = tls.handshake(tcp, self.reply_timeout).await?;
        self.sink.log(LogKind::Status, "TLS connection established");
        Ok(Self {
            stream: NetStream::Tls(stream),
            ..self
        })
    }

    pub fn is_protected(&self) -> bool {
        self.stream.is_protected()
    }

    pub fn tls_description(&self) -> Option<String> {
        self.stream.describe()
    }

    pub fn local(&self) -> SocketAddr {
        self.local
    }

    pub fn reply_timeout(&self) -> Duration {
        self.reply_timeout
    }

    pub fn sink(&self) -> &EventSink {
        &self.sink
    }

    pub async fn send(&mut self, command: &CommandLine) -> FtpResult<()> {
        self.sink.log(LogKind::Command, command.shown());
        let write = self.stream.write_all(command.wire());
        match tokio::time::timeout(self.reply_timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(FtpError::Io {
                doing: format!("sending {}", verb_of(command)),
                source,
            }),
            Err(_) => Err(FtpError::Timeout {
                doing: format!("sending {}", verb_of(command)),
                after: self.reply_timeout,
            }),
        }
    }

    /// Reads the next whole reply; `waiting_for` says what for, in errors.
    pub async fn read_reply(&mut self, waiting_for: &str) -> FtpResult<Reply> {
        self.read_reply_within(waiting_for, self.reply_timeout)
            .await
    }

    pub async fn read_reply_within(
        &mut self,
        waiting_for: &str,
        limit: Duration,
    ) -> FtpResult<Reply> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(reply) = self.reader.next_reply()? {
                for line in &reply.lines {
                    self.sink.log(LogKind::Reply, String::from_utf8_lossy(line));
                }
                return Ok(reply);
            }
            let read = tokio::time::timeout_at(deadline, self.stream.read(&mut self.buffer));
            match read.await {
                Ok(Ok(0)) => {
                    return Err(FtpError::Closed {
                        doing: format!("while waiting for {waiting_for}"),
                    });
                }
                Ok(Ok(n)) => self.reader.feed(&self.buffer[..n]),
                Ok(Err(source)) => {
                    return Err(FtpError::Io {
                        doing: format!("reading the reply to {waiting_for}"),
                        source,
                    });
                }
                Err(_) => {
                    return Err(FtpError::Timeout {
                        doing: format!("waiting for {waiting_for}"),
                        after: limit,
                    });
                }
            }
        }
    }

    /// Sends a command and reads its reply, whatever the code. A 421 (service closing) is
    /// turned into an error at once: nothing more will come on this connection.
    pub async fn execute(&mut self, command: &CommandLine) -> FtpResult<Reply> {
        self.send(command).await?;
        let reply = self.read_reply(verb_of(command)).await?;
        if reply.code == 421 {
            return Err(FtpError::reply(reply));
        }
        Ok(reply)
    }

    /// Sends a command and expects a 2xx reply; anything else is an error carrying the reply.
    pub async fn expect_completion(&mut self, command: &CommandLine) -> FtpResult<Reply> {
        let reply = self.execute(command).await?;
        if reply.is_completion() {
            Ok(reply)
        } else {
            Err(FtpError::reply(reply))
        }
    }

    /// QUIT, politely, without waiting long: the connection is dropped either way.
    pub async fn quit(mut self) {
        let quit = CommandLine::bare("QUIT");
        if self.send(&quit).await.is_ok() {
            let _ = self.read_reply_within("QUIT", Duration::from_secs(2)).await;
        }
    }
}

fn verb_of(command: &CommandLine) -> &str {
    command.shown().split(' ').next().unwrap_or("the command")
}

async fn resolve(host: &str, port: u16, timeout: Duration) -> FtpResult<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lookup = tokio::net::lookup_host((host.to_owned(), port));
    match tokio::time::timeout(timeout, lookup).await {
        Ok(Ok(addresses)) => {
            let addresses: Vec<SocketAddr> = addresses.collect();
            if addresses.is_empty() {
                Err(FtpError::Resolve {
                    host: host.to_owned(),
                    reason: "the name has no addresses".into(),
                })
            } else {
                Ok(addresses)
            }
        }
        Ok(Err(e)) => Err(FtpError::Resolve {
            host: host.to_owned(),
            reason: e.to_string(),
        }),
        Err(_) => Err(FtpError::Timeout {
            doing: format!("looking up {host}"),
            after: timeout,
        }),
    }
}
