//! The control connection, on suppaftp. suppaftp reads the replies (any `ddd ` line ends one, as
//! servers such as glFTPd need), opens the data connections (EPSV, PASV to the control
//! connection's address, PORT/EPRT accepting only the server) and wraps them in TLS; Ferry adds
//! what makes it Ferry on top: a time limit around every call (after one, the session is
//! dropped), the message log (what is sent, with passwords masked, and each reply's raw text),
//! raw name bytes (a byte-for-byte `Encoding`: Ferry decodes names itself, per site), and plain
//! words for what went wrong.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use suppaftp::tokio::{AsyncDataStream, ImplAsyncFtpStream, TransferStream};
use suppaftp::{Mode, Status};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::tls::{FerryTlsStream, Tls};
use super::wake::{self, PATIENCE, WakeThreshold};
use crate::engine::EventSink;
use crate::engine::api::command::DataMode;
use crate::engine::api::event::LogKind;
use crate::engine::error::{FtpError, FtpResult};
use crate::engine::splice::Pipe;
use crate::protocol::command::CommandLine;
use crate::protocol::reply::Reply;

type Ftp = ImplAsyncFtpStream<FerryTlsStream>;

/// Names travel as the bytes they are: one char per byte on Ferry's side (see
/// `CommandLine::as_latin1`), one byte per char on the wire.
#[derive(Debug)]
struct Bytes;

impl suppaftp::Encoding for Bytes {
    fn decode(&self, bytes: &[u8]) -> String {
        bytes.iter().map(|&b| char::from(b)).collect()
    }

    fn encode(&self, text: &str) -> std::io::Result<Vec<u8>> {
        text.chars()
            .map(|c| {
                u8::try_from(u32::from(c)).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a byte")
                })
            })
            .collect()
    }
}

/// What the session learned about the server's data connections.
#[derive(Debug, Default, Clone, Copy)]
struct DataSupport {
    /// EPSV worked once: a refusal now is the command's, not EPSV's.
    epsv_works: bool,
    epsv_refused: bool,
    /// In `Auto` mode, passive failed once: active from now on.
    passive_failed: bool,
}

pub(crate) struct Control {
    /// `None` only while TLS is being set up (suppaftp takes the stream and gives a new one).
    ftp: Option<Ftp>,
    sink: EventSink,
    reply_timeout: Duration,
    tls: Option<Tls>,
    data_mode: DataMode,
    data: DataSupport,
    /// The way data connections were opened last, as told in the log.
    announced: Option<Mode>,
    /// The offset of a REST the server accepted, for the data command that follows it: a
    /// data command tried again must be preceded by it again.
    restart_at: Option<u64>,
}

/// How long to wait before trying a data command again after `code`, when `tries` have been
/// made: only "425 can't open data connection", which says nothing happened and the control
/// connection is in step (a server out of passive ports says so: pure-ftpd under a burst of
/// small files, "425 Unable to identify the local data socket: Address already in use").
/// Retrying on the spot keeps the session; failing the file instead cost a new login and the
/// queue's retry delay (about half a second in all, on 2,000 uploads).
pub(crate) fn data_retry_after(code: u16, tries: u32) -> Option<Duration> {
    const MORE_TRIES: u32 = 2;
    (code == 425 && (1..=MORE_TRIES).contains(&tries))
        .then(|| Duration::from_millis(50 * 4u64.pow(tries - 1)))
}

/// What came of a data command.
pub(crate) enum DataStart {
    /// The data connection is open; `Transfer::finish` reads the closing reply.
    Open(Transfer),
    /// The server answered at once with a completion (no data, e.g. an empty file) or a
    /// refusal.
    Done(Reply),
}

impl Control {
    /// Connects to the first address of `host` that answers and reads the greeting (over TLS
    /// from the first byte when `implicit` is given).
    pub async fn connect(
        host: &str,
        port: u16,
        connect_timeout: Duration,
        reply_timeout: Duration,
        implicit: Option<&Tls>,
        data_mode: DataMode,
        sink: EventSink,
    ) -> FtpResult<(Self, Reply)> {
        let addresses = resolve(host, port, connect_timeout).await?;
        let mut last_error = None;
        for addr in addresses {
            sink.log(LogKind::Status, format!("Connecting to {addr}..."));
            let connected = match implicit {
                None => connect_plain(addr, connect_timeout).await,
                Some(tls) => connect_implicit(addr, tls, connect_timeout).await,
            };
            match connected {
                Ok(ftp) => {
                    let mut control = Self {
                        ftp: Some(ftp),
                        sink,
                        reply_timeout,
                        tls: implicit.cloned(),
                        data_mode,
                        data: DataSupport::default(),
                        announced: None,
                        restart_at: None,
                    };
                    let greeting = control.greeting().await;
                    return Ok((control, greeting));
                }
                Err(error @ FtpError::Reply(_)) | Err(error @ FtpError::Untrusted(_)) => {
                    return Err(error);
                }
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| FtpError::Resolve {
            host: host.to_owned(),
            reason: "no addresses".into(),
        }))
    }

    /// The 220 greeting, raw, logged.
    async fn greeting(&mut self) -> Reply {
        let ftp = self.ftp.as_mut();
        let raw: Vec<u8> = match ftp {
            Some(ftp) => {
                ftp.set_encoding(Bytes).await;
                // Decoded with `Bytes`: one char per byte, so the bytes come back whole.
                ftp.get_welcome_msg()
                    .map(|text| text.chars().map(|c| c as u8).collect())
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        let reply = Reply::from_raw(220, &raw);
        self.log_reply(&reply);
        self.configure_data();
        reply
    }

    fn configure_data(&mut self) {
        let Some(ftp) = self.ftp.as_mut() else {
            return;
        };
        // PASV names an address; a server behind NAT names a private one, a hostile one a third
        // party. The data connection always goes to the server's own address.
        ftp.set_passive_nat_workaround(true);
        ftp.set_active_peer_check(suppaftp::ActivePeerCheck::ControlPeer);
        let mode = match self.data_mode {
            DataMode::Active => Mode::Active,
            _ if self.data.passive_failed => Mode::Active,
            _ if self.data.epsv_refused => Mode::Passive,
            _ => Mode::ExtendedPassive,
        };
        ftp.set_mode(mode);
    }

    pub fn sink(&self) -> &EventSink {
        &self.sink
    }

    pub fn reply_timeout(&self) -> Duration {
        self.reply_timeout
    }

    pub fn is_protected(&self) -> bool {
        self.tls.is_some()
    }

    /// The TLS version and cipher suite, once TLS is on.
    pub fn tls_description(&self) -> Option<String> {
        self.tls.as_ref()?.description()
    }

    fn ftp(&mut self) -> FtpResult<&mut Ftp> {
        self.ftp.as_mut().ok_or_else(|| {
            FtpError::Protocol("the connection was lost while setting up TLS".into())
        })
    }

    /// AUTH TLS, the handshake, then PBSZ 0 and PROT P (data connections protected too).
    pub async fn secure(&mut self, tls: &Tls) -> FtpResult<()> {
        let ftp = self
            .ftp
            .take()
            .ok_or_else(|| FtpError::Protocol("no connection to secure".into()))?;
        self.sink.log(LogKind::Command, "AUTH TLS");
        let secured = tokio::time::timeout(
            self.reply_timeout * 2,
            ftp.into_secure(tls.clone(), &tls.domain()),
        )
        .await;
        match secured {
            Ok(Ok(ftp)) => {
                self.ftp = Some(ftp);
                self.tls = Some(tls.clone());
                self.sink.log(
                    LogKind::Status,
                    "TLS connection established (PBSZ 0, PROT P: data connections encrypted too)",
                );
                self.configure_data();
                Ok(())
            }
            Ok(Err(error)) => Err(self.explain(error, "setting up TLS", Some(tls))),
            Err(_) => Err(FtpError::Timeout {
                doing: "setting up TLS".into(),
                after: self.reply_timeout * 2,
            }),
        }
    }

    /// Sends a command and reads its reply, whatever the code. A 421 (service closing) is an
    /// error at once: nothing more will come on this connection.
    pub async fn execute(&mut self, command: &CommandLine) -> FtpResult<Reply> {
        // Any command after a REST ends it (the REST itself is remembered by `restart_from`).
        self.restart_at = None;
        self.sink.log(LogKind::Command, command.shown());
        let doing = verb_of(command).to_owned();
        let timeout = self.reply_timeout;
        let text = command.as_latin1();
        let ftp = self.ftp()?;
        // No expected code: every reply comes back as "unexpected", raw, for Ferry to read.
        let result = tokio::time::timeout(timeout, ftp.custom_command(text, &[])).await;
        let reply = match result {
            Ok(Err(suppaftp::FtpError::UnexpectedResponse(response))) => reply_of(&response),
            Ok(Ok(response)) => reply_of(&response),
            Ok(Err(error)) => return Err(self.explain(error, &doing, self.tls.clone().as_ref())),
            Err(_) => {
                return Err(FtpError::Timeout {
                    doing: format!("waiting for the reply to {doing}"),
                    after: timeout,
                });
            }
        };
        self.log_reply(&reply);
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

    /// Opens a data connection for `command` (RETR, STOR, APPE, LIST, MLSD...) and sends it.
    /// Passive mode tries EPSV, then PASV; `Auto` falls back to active once passive fails.
    pub async fn data_command(&mut self, command: &CommandLine) -> FtpResult<DataStart> {
        let restart_at = self.restart_at.take();
        let mut refused_tries = 0;
        // Bounded: EPSV → PASV → active, each at most once, and a 425 tried again twice.
        for _ in 0..6 {
            let mode = self.current_mode();
            if self.announced != Some(mode) {
                self.announced = Some(mode);
                let how = match mode {
                    Mode::ExtendedPassive => "passive (EPSV)",
                    Mode::Passive => {
                        "passive (PASV, to the server's own address whatever it names)"
                    }
                    Mode::Active => "active (PORT/EPRT, accepted only from the server)",
                };
                self.sink
                    .log(LogKind::Status, format!("Data connections: {how}"));
            }
            self.sink.log(LogKind::Command, command.shown());
            let doing = verb_of(command).to_owned();
            let timeout = self.reply_timeout * 2;
            let text = command.as_latin1();
            let ftp = self.ftp()?;
            let opened = tokio::time::timeout(
                timeout,
                ftp.custom_data_command(text, &[Status::AboutToSend, Status::AlreadyOpen]),
            )
            .await;
            let error = match opened {
                Ok(Ok((opening, stream))) => {
                    self.log_reply(&reply_of(&opening));
                    if mode == Mode::ExtendedPassive {
                        self.data.epsv_works = true;
                    }
                    // Without it, the last bytes of each piece an upload writes (a 64 KiB
                    // write is one full loopback segment and 53 bytes) waited for the
                    // server's acknowledgement of the rest: 1 GiB plain uploads to vsftpd took
                    // 1.41-1.54 s against 1.11 s with it (curl, which sets it too, 1.13 s).
                    // A piece is written whole, so no tiny segments come of it.
                    let _ = stream.get_ref().get_ref().set_nodelay(true);
                    return Ok(DataStart::Open(Transfer {
                        stream,
                        wake: WakeThreshold::default(),
                    }));
                }
                Ok(Err(suppaftp::FtpError::UnexpectedResponse(response))) => {
                    let reply = reply_of(&response);
                    self.log_reply(&reply);
                    // EPSV or PASV refused (the command was never sent): try the next way.
                    let mode_refused = matches!(reply.code, 500 | 501 | 502 | 504 | 522)
                        && !(mode == Mode::ExtendedPassive && self.data.epsv_works);
                    if mode_refused && mode == Mode::ExtendedPassive {
                        self.sink.log(
                            LogKind::Status,
                            format!("EPSV refused ({}); trying PASV", reply.summary()),
                        );
                        self.data.epsv_refused = true;
                        self.configure_data();
                        continue;
                    }
                    refused_tries += 1;
                    if let Some(pause) = data_retry_after(reply.code, refused_tries) {
                        self.sink.log(
                            LogKind::Status,
                            format!("The server could not open the data connection; trying again in {} ms", pause.as_millis()),
                        );
                        tokio::time::sleep(pause).await;
                        if let Some(offset) = restart_at {
                            // A failed data command ends the REST before it.
                            let again = self
                                .execute(&CommandLine::with_text("REST", &offset.to_string())?)
                                .await?;
                            if again.code != 350 {
                                return Err(FtpError::reply(again));
                            }
                        }
                        continue;
                    }
                    if reply.code == 421 || !reply.is_completion() {
                        return Err(FtpError::reply(reply));
                    }
                    return Ok(DataStart::Done(reply));
                }
                Ok(Err(suppaftp::FtpError::ConnectionError(source)))
                    if mode != Mode::Active && self.data_mode == DataMode::Auto =>
                {
                    // The data connection could not be opened: no command went out, the
                    // control connection is in step, and active mode may work.
                    self.sink.log(
                        LogKind::Status,
                        format!("Passive mode failed ({source}); trying active mode"),
                    );
                    self.data.passive_failed = true;
                    self.configure_data();
                    continue;
                }
                Ok(Err(error)) => self.explain(error, &doing, self.tls.clone().as_ref()),
                Err(_) => FtpError::Timeout {
                    doing: format!("opening the data connection for {doing}"),
                    after: timeout,
                },
            };
            return Err(error);
        }
        Err(FtpError::Protocol(
            "no way to open a data connection worked (EPSV, PASV, active)".into(),
        ))
    }

    fn current_mode(&self) -> Mode {
        match self.data_mode {
            DataMode::Active => Mode::Active,
            _ if self.data.passive_failed => Mode::Active,
            _ if self.data.epsv_refused => Mode::Passive,
            _ => Mode::ExtendedPassive,
        }
    }

    /// Marks the REST the server just accepted, for the data command that comes next.
    pub fn restart_from(&mut self, offset: u64) {
        self.restart_at = Some(offset);
    }

    /// The closing reply of a transfer, once its data connection is done (or to be abandoned).
    pub async fn finish(&mut self, transfer: Transfer) -> FtpResult<()> {
        let timeout = self.reply_timeout;
        match tokio::time::timeout(timeout, transfer.stream.finish()).await {
            Ok(Ok(())) => {
                self.sink.log(
                    LogKind::Status,
                    "The server confirmed the end of the transfer",
                );
                Ok(())
            }
            Ok(Err(suppaftp::FtpError::UnexpectedResponse(response))) => {
                let reply = reply_of(&response);
                self.log_reply(&reply);
                Err(FtpError::reply(reply))
            }
            Ok(Err(error)) => Err(self.explain(error, "the end of the transfer", None)),
            Err(_) => Err(FtpError::Timeout {
                doing: "waiting for the end of the transfer".into(),
                after: timeout,
            }),
        }
    }

    fn log_reply(&self, reply: &Reply) {
        for line in &reply.lines {
            self.sink.log(LogKind::Reply, String::from_utf8_lossy(line));
        }
    }

    /// suppaftp's error, in Ferry's words. A TLS stream that could not be read may hide a
    /// server's error written in the clear (vsftpd's `500 OOPS: ...`): that text is what the
    /// person needs.
    fn explain(&self, error: suppaftp::FtpError, doing: &str, tls: Option<&Tls>) -> FtpError {
        if let Some(tls) = tls {
            if let Some(info) = tls.refused_certificate() {
                return FtpError::Untrusted(Box::new(info));
            }
            if let Some(reply) = tls.clear_text_reply() {
                self.log_reply(&reply);
                return FtpError::reply(reply);
            }
        }
        match error {
            suppaftp::FtpError::UnexpectedResponse(response) => {
                let reply = reply_of(&response);
                self.log_reply(&reply);
                FtpError::reply(reply)
            }
            suppaftp::FtpError::BadResponse => FtpError::BadReply {
                doing: doing.to_owned(),
            },
            suppaftp::FtpError::ConnectionError(source) => match source.kind() {
                std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => FtpError::Closed {
                    doing: format!("during {doing}"),
                },
                std::io::ErrorKind::InvalidData if source.to_string().contains("large") => {
                    FtpError::Protocol(format!("the server's answer to {doing} is far too long"))
                }
                _ => FtpError::Io {
                    doing: doing.to_owned(),
                    source,
                },
            },
            suppaftp::FtpError::SecureError(text) => FtpError::Protocol(format!("TLS: {text}")),
            other => FtpError::Protocol(format!("{doing}: {other}")),
        }
    }

    /// Waits, between commands, for the server to speak unasked, and returns what it said: a
    /// reply (a 421 before it closes an idle connection, say) or `Closed` when it closed the
    /// connection without one. Cancel-safe: nothing is read until bytes (or the end) arrive.
    ///
    /// Bytes that are no reply within a moment (a TLS record with no text) are `Ok(None)`.
    pub async fn spoken_unasked(&mut self) -> FtpResult<Option<Reply>> {
        /// The rest of a reply whose first bytes came: it is sent whole, so a moment is plenty,
        /// and a command the person gives meanwhile waits no longer than that.
        const REST_OF_REPLY: Duration = Duration::from_secs(1);
        let ftp = self.ftp()?;
        {
            // Peeked, not read: a command sent meanwhile finds the bytes where they were.
            let socket = ftp.get_ref().await;
            let mut first = [0u8; 1];
            let _ = socket.peek(&mut first).await;
        }
        // At the end too: a reply that came with the last one read may be buffered already.
        let read = tokio::time::timeout(REST_OF_REPLY, ftp.read_response_in(&[])).await;
        let reply = match read {
            Err(_) => return Ok(None),
            Ok(Err(suppaftp::FtpError::UnexpectedResponse(response))) => reply_of(&response),
            Ok(Ok(response)) => reply_of(&response),
            Ok(Err(_)) => {
                return Err(FtpError::Closed {
                    doing: "while Ferry waited for the next command".into(),
                });
            }
        };
        self.log_reply(&reply);
        Ok(Some(reply))
    }

    /// QUIT, politely, without waiting long: the connection is dropped either way.
    pub async fn quit(mut self) {
        if let Some(ftp) = self.ftp.as_mut() {
            let _ = tokio::time::timeout(Duration::from_secs(2), ftp.quit()).await;
        }
    }
}

/// Where received bytes go.
enum Destination<'a> {
    /// The spare room of a buffer.
    Buffer(&'a mut Vec<u8>),
    /// A pipe to the file (plain connections only).
    Pipe(&'a Pipe),
}

#[cfg(target_os = "linux")]
async fn splice_when_ready(socket: &TcpStream, pipe: &Pipe, most: usize) -> std::io::Result<usize> {
    use std::os::fd::AsRawFd;
    // Bounded by the data: each pass waits for the socket, and a pass that finds nothing (the
    // readiness was stale) clears it, so the next waits for new bytes or the end.
    loop {
        socket.readable().await?;
        match socket.try_io(tokio::io::Interest::READABLE, || {
            pipe.fill_from(socket.as_raw_fd(), most)
        }) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            done => return done,
        }
    }
}

#[cfg(not(target_os = "linux"))]
async fn splice_when_ready(
    _socket: &TcpStream,
    pipe: &Pipe,
    _most: usize,
) -> std::io::Result<usize> {
    match *pipe {}
}

/// A data connection in use: bytes in or out, then `Control::finish`. Dropped unfinished, its
/// closing reply is read (by suppaftp) before the next command.
pub(crate) struct Transfer {
    stream: TransferStream<FerryTlsStream>,
    /// After how many waiting bytes the kernel wakes this connection's reader.
    wake: WakeThreshold,
}

impl Transfer {
    /// Reads what has come, at most `most` bytes, into the spare room of `into` (nothing is
    /// zeroed first); 0 at the end of the data. Waiting longer than `idle` is an error.
    pub async fn receive(
        &mut self,
        into: &mut Vec<u8>,
        most: usize,
        idle: Duration,
    ) -> FtpResult<usize> {
        self.receive_into(Destination::Buffer(into), most, idle)
            .await
    }

    /// Moves what has come, at most `most` bytes, into `pipe`, which must be empty (see
    /// `splice`); 0 at the end of the data. Plain data connections only: over TLS the bytes
    /// must be decrypted here.
    pub async fn receive_spliced(
        &mut self,
        pipe: &Pipe,
        most: usize,
        idle: Duration,
    ) -> FtpResult<usize> {
        if !self.is_plain() {
            return Err(FtpError::Io {
                doing: "receiving the file".into(),
                source: std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "encrypted bytes can't be moved to a file unread",
                ),
            });
        }
        self.receive_into(Destination::Pipe(pipe), most, idle).await
    }

    async fn receive_into(
        &mut self,
        mut into: Destination<'_>,
        most: usize,
        idle: Duration,
    ) -> FtpResult<usize> {
        let mut waited = Duration::ZERO;
        if self.wake.current() > 1 {
            match tokio::time::timeout(PATIENCE, self.read_some(&mut into, most)).await {
                Ok(read) => return self.after_read(read),
                Err(_) => {
                    // Fewer bytes than the threshold came: the pace fell, or the data ended
                    // short of it. From now on every byte wakes the reader again.
                    if let Some(lower) = self.wake.waited_long() {
                        self.ask_kernel(lower);
                    }
                    waited = PATIENCE;
                }
            }
        }
        match tokio::time::timeout(idle.saturating_sub(waited), self.read_some(&mut into, most))
            .await
        {
            Ok(read) => self.after_read(read),
            Err(_) => Err(FtpError::Timeout {
                doing: "waiting for the file's data".into(),
                after: idle,
            }),
        }
    }

    /// Whether the bytes come in the clear (no TLS to decrypt).
    pub fn is_plain(&self) -> bool {
        matches!(self.stream.get_ref(), AsyncDataStream::Tcp(_))
    }

    /// Cancel-safe: a read (or splice) either happened or left every byte where it was.
    async fn read_some(
        &mut self,
        into: &mut Destination<'_>,
        most: usize,
    ) -> std::io::Result<usize> {
        match into {
            Destination::Buffer(buffer) => {
                use tokio::io::AsyncReadExt;
                let mut room = bytes::BufMut::limit(&mut **buffer, most);
                self.stream.read_buf(&mut room).await
            }
            Destination::Pipe(pipe) => {
                let socket = self.stream.get_ref().get_ref();
                splice_when_ready(socket, pipe, most).await
            }
        }
    }

    fn after_read(&mut self, read: std::io::Result<usize>) -> FtpResult<usize> {
        let n = read.map_err(|source| FtpError::Io {
            doing: "receiving the file".into(),
            source,
        })?;
        if n > 0
            && let Some(threshold) = self.wake.received(n, std::time::Instant::now())
        {
            self.ask_kernel(threshold);
        }
        Ok(n)
    }

    /// Plain data connections only. Over TLS from vsftpd, a reader woken later was slower:
    /// 1 GiB in 1.60-2.52 s against 1.24-1.76 s (8 interleaved rounds, 7,300 involuntary
    /// context switches against 1,900).
    fn ask_kernel(&mut self, threshold: u32) {
        if !self.is_plain() {
            return;
        }
        if let Some(taken) = wake::ask_kernel(self.stream.get_ref().get_ref(), threshold) {
            self.wake.set(taken);
        }
    }
}

impl AsyncRead for Transfer {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Transfer {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

fn reply_of(response: &suppaftp::types::Response) -> Reply {
    // The code as written on the line that ended the reply (suppaftp's `Status` knows only the
    // codes of the RFCs, and calls the others `Unknown`).
    let written = response
        .body
        .split(|&b| b == b'\n')
        .filter(|line| line.len() >= 4 && line[3] == b' ')
        .rev()
        .find_map(|line| std::str::from_utf8(&line[..3]).ok()?.parse::<u16>().ok());
    let code = written.unwrap_or(response.status.code() as u16);
    Reply::from_raw(code, &response.body)
}

fn verb_of(command: &CommandLine) -> &str {
    command.shown().split(' ').next().unwrap_or("the command")
}

async fn connect_tcp(addr: SocketAddr, timeout: Duration) -> FtpResult<TcpStream> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
        Ok(Err(source)) if source.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(FtpError::Refused { addr })
        }
        Ok(Err(source)) => Err(FtpError::Connect { addr, source }),
        Err(_) => Err(FtpError::Timeout {
            doing: format!("connecting to {addr}"),
            after: timeout,
        }),
    }
}

async fn connect_plain(addr: SocketAddr, timeout: Duration) -> FtpResult<Ftp> {
    let tcp = connect_tcp(addr, timeout).await?;
    match tokio::time::timeout(timeout, Ftp::connect_with_stream(tcp)).await {
        Ok(Ok(ftp)) => Ok(ftp),
        Ok(Err(error)) => Err(greeting_error(error)),
        Err(_) => Err(FtpError::Timeout {
            // A server that wants implicit TLS says nothing until TLS starts: a walk waited
            // here for one picked from the recent servers without it.
            doing: "waiting for the server's greeting (a server on implicit TLS, as on port \
                    990, says nothing until TLS starts: choose implicit TLS for it)"
                .into(),
            after: timeout,
        }),
    }
}

/// Implicit TLS (port 990): the handshake first, then the greeting. suppaftp has it behind its
/// `deprecated` feature, since RFC 4217 prefers AUTH TLS; servers still run it.
async fn connect_implicit(addr: SocketAddr, tls: &Tls, timeout: Duration) -> FtpResult<Ftp> {
    let domain = tls.domain();
    let connect = Ftp::connect_secure_implicit(addr, tls.clone(), &domain);
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(ftp)) => Ok(ftp),
        Ok(Err(error)) => {
            if let Some(info) = tls.refused_certificate() {
                return Err(FtpError::Untrusted(Box::new(info)));
            }
            match error {
                suppaftp::FtpError::ConnectionError(source)
                    if source.kind() == std::io::ErrorKind::ConnectionRefused =>
                {
                    Err(FtpError::Refused { addr })
                }
                // The handshake read a plain greeting ("220 …"): rustls's words for that
                // ("received corrupt message of type InvalidContentType") told a walk nothing.
                suppaftp::FtpError::SecureError(text) if text.contains("InvalidContentType") => {
                    Err(FtpError::Protocol(format!(
                        "the server answered in plain FTP, not TLS: port {} doesn't take implicit \
                         TLS (choose TLS if the server offers it, or its implicit TLS port, \
                         usually 990)",
                        addr.port()
                    )))
                }
                other => Err(greeting_error(other)),
            }
        }
        Err(_) => Err(FtpError::Timeout {
            doing: format!("connecting to {addr} with TLS"),
            after: timeout,
        }),
    }
}

fn greeting_error(error: suppaftp::FtpError) -> FtpError {
    match error {
        suppaftp::FtpError::UnexpectedResponse(response) => {
            let reply = reply_of(&response);
            match reply.code {
                // 421 (too many users...) and other refusals say why in their own words.
                400.. => FtpError::reply(reply),
                _ => FtpError::Protocol(format!(
                    "the server's greeting ended with a line of another code ({}), not 220; not logging in",
                    String::from_utf8_lossy(reply.lines.last().map_or(&[][..], |l| l.as_slice()))
                )),
            }
        }
        suppaftp::FtpError::BadResponse => FtpError::BadReply {
            doing: "the connection (its greeting)".into(),
        },
        suppaftp::FtpError::ConnectionError(source) => FtpError::Closed {
            doing: format!("before its greeting ({source})"),
        },
        suppaftp::FtpError::SecureError(text) => FtpError::Protocol(format!("TLS: {text}")),
        other => FtpError::Protocol(other.to_string()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_425_is_tried_again_and_only_twice() {
        let ms = Duration::from_millis;
        let cases: [(u16, u32, Option<Duration>); 10] = [
            (425, 0, None),
            (425, 1, Some(ms(50))),
            (425, 2, Some(ms(200))),
            (425, 3, None),
            (426, 1, None),
            (421, 1, None),
            (450, 1, None),
            (451, 1, None),
            (550, 1, None),
            (226, 1, None),
        ];
        for (code, tries, wanted) in cases {
            assert_eq!(
                data_retry_after(code, tries),
                wanted,
                "{code} after {tries}"
            );
        }
    }

    #[test]
    fn names_go_through_the_encoding_byte_for_byte() {
        use suppaftp::Encoding as _;
        let raw: Vec<u8> = (0..=255).collect();
        let text = Bytes.decode(&raw);
        assert_eq!(Bytes.encode(&text).unwrap(), raw);
        assert!(Bytes.encode("€").is_err());
    }
}
