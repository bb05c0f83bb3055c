//! FTP over TLS with rustls, for suppaftp: the connector it calls for the control connection and
//! for every data connection, so that all of them share one client configuration and the data
//! connections resume the control connection's TLS session (vsftpd's `require_ssl_reuse`,
//! FileZilla Server and others refuse data connections that don't).
//!
//! Certificates are checked against the OS's roots (rustls-platform-verifier). A certificate the
//! person chose to trust (by its SHA-256 fingerprint) is accepted as it is; any other that fails
//! is reported with what is needed to decide: subject, issuer, validity, fingerprint, and why.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use suppaftp::tokio::{AsyncTlsConnector, TokioTlsStream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::super::api::certificate::{
    CertificateInfo, Fingerprint, TlsOptions, TlsVersions, fingerprint,
};
use super::super::error::{FtpError, FtpResult};
use super::clear_text::ClearTextWatch;
use crate::protocol::reply::Reply;

/// What is wrong with a certificate, in words a person can weigh in the trust dialog.
fn problem_text(error: &rustls::Error) -> String {
    use rustls::CertificateError as Why;
    let rustls::Error::InvalidCertificate(why) = error else {
        return error.to_string();
    };
    match why {
        Why::UnknownIssuer => {
            "it is not signed by an authority this computer trusts (self-signed or unknown issuer)"
                .into()
        }
        Why::Expired | Why::ExpiredContext { .. } => "it has expired".into(),
        Why::NotValidYet | Why::NotValidYetContext { .. } => "it is not valid yet".into(),
        Why::NotValidForName | Why::NotValidForNameContext { .. } => {
            "it was issued for another host name".into()
        }
        Why::Revoked => "it has been revoked".into(),
        Why::BadSignature => "its signature is invalid".into(),
        // webpki's "CA used as end entity": the typical self-signed server certificate.
        Why::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "it is self-signed (not issued by an authority this computer trusts)".into()
        }
        other => format!("it could not be verified ({other})"),
    }
}

/// The OS's verifier, with the person's trusted fingerprints accepted first; remembers the
/// certificate it refused, for the question.
#[derive(Debug)]
struct Verifier {
    platform: Arc<dyn ServerCertVerifier>,
    trusted: Vec<Fingerprint>,
    refused: Mutex<Option<CertificateInfo>>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.trusted.contains(&fingerprint(end_entity)) {
            return Ok(ServerCertVerified::assertion());
        }
        self.platform
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .inspect_err(|e| {
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = Some(CertificateInfo::from_der(end_entity, problem_text(e)));
                }
            })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.platform.supported_verify_schemes()
    }
}

/// One connection's TLS: a client configuration shared by the control and every data connection
/// (so their sessions resume), the name the certificate must carry, and what the control
/// connection read in the clear after its TLS records (see `ClearTextWatch`).
#[derive(Clone)]
pub(crate) struct Tls {
    connector: TlsConnector,
    server_name: ServerName<'static>,
    verifier: Arc<Verifier>,
    clear_text: Arc<Mutex<ClearTextWatch>>,
    /// The version and cipher suite of the first handshake (the control connection's).
    description: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl Tls {
    pub fn new(host: &str, options: &TlsOptions) -> FtpResult<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let platform = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| {
            FtpError::Protocol(format!("could not load the system's certificates: {e}"))
        })?;
        let verifier = Arc::new(Verifier {
            platform: Arc::new(platform),
            trusted: options.trusted.clone(),
            refused: Mutex::new(None),
        });
        let versions: &[&'static rustls::SupportedProtocolVersion] = match options.versions {
            TlsVersions::Any => &[&rustls::version::TLS13, &rustls::version::TLS12],
            TlsVersions::Only12 => &[&rustls::version::TLS12],
            TlsVersions::Only13 => &[&rustls::version::TLS13],
        };
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| FtpError::Protocol(format!("TLS setup: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        let server_name = ServerName::try_from(host.to_owned()).map_err(|e| {
            FtpError::Protocol(format!(
                "{host} can't be checked against a certificate: {e}"
            ))
        })?;
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            server_name,
            verifier,
            clear_text: Arc::default(),
            description: Arc::default(),
        })
    }

    pub fn description(&self) -> Option<String> {
        self.description.lock().ok().and_then(|d| d.clone())
    }

    /// The name the certificate is checked against (suppaftp passes it back to `connect`).
    pub fn domain(&self) -> String {
        match &self.server_name {
            ServerName::DnsName(name) => name.as_ref().to_owned(),
            ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
            other => format!("{other:?}"),
        }
    }

    /// The certificate the handshake refused, if that is why it failed.
    pub fn refused_certificate(&self) -> Option<CertificateInfo> {
        self.verifier.refused.lock().ok().and_then(|mut r| r.take())
    }

    /// The reply the server wrote in the clear where TLS records were expected on the control
    /// connection (vsftpd's `500 OOPS: ...`), which TLS can only call a corrupt record.
    pub fn clear_text_reply(&self) -> Option<Reply> {
        self.clear_text.lock().ok()?.reply()
    }
}

#[async_trait::async_trait]
impl AsyncTlsConnector for Tls {
    type Stream = FerryTlsStream;

    async fn connect(&self, _domain: &str, stream: TcpStream) -> suppaftp::FtpResult<Self::Stream> {
        // Only the first connection is the control connection; data connections are not
        // recorded (their bytes are not replies, and copying them would cost time).
        let first = self
            .description
            .lock()
            .map(|d| d.is_none())
            .unwrap_or(false);
        let recorded = Recorded {
            tcp: stream,
            clear_text: first.then(|| self.clear_text.clone()),
        };
        let stream = self
            .connector
            .connect(self.server_name.clone(), recorded)
            .await
            .map(|stream| FerryTlsStream { stream })
            .map_err(|e| suppaftp::FtpError::SecureError(e.to_string()))?;
        if let Ok(mut description) = self.description.lock()
            && description.is_none()
        {
            *description = stream.describe();
        }
        Ok(stream)
    }
}

/// A TCP socket whose reads are followed for text in the clear (the control connection's).
#[derive(Debug)]
pub(crate) struct Recorded {
    tcp: TcpStream,
    clear_text: Option<Arc<Mutex<ClearTextWatch>>>,
}

impl AsyncRead for Recorded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.tcp).poll_read(cx, buf);
        if let (Some(watch), true) = (&this.clear_text, result.is_ready())
            && let Ok(mut watch) = watch.lock()
        {
            watch.read(&buf.filled()[before..]);
        }
        result
    }
}

impl AsyncWrite for Recorded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

/// A control or data connection protected with TLS, as suppaftp holds it.
#[derive(Debug)]
pub(crate) struct FerryTlsStream {
    stream: TlsStream<Recorded>,
}

impl FerryTlsStream {
    /// The TLS version and cipher suite, for the connection details.
    pub fn describe(&self) -> Option<String> {
        let (_, connection) = self.stream.get_ref();
        let version = connection.protocol_version().map(|v| format!("{v:?}"))?;
        let suite = connection
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))?;
        Some(format!("{version}, {suite}"))
    }
}

impl FerryTlsStream {
    /// Sends what TLS still holds of our own writes. tokio-rustls takes a write's bytes and
    /// reports them written even when the socket would not take the encrypted record just then
    /// (the task had used up tokio's budget, say), keeping the record until the next write or
    /// flush; suppaftp never flushes a command. The command then never left, and the read of
    /// its reply waited until the time ran out: joining connections of split FTPS downloads
    /// (every connection polled in one task) hung so at their PBSZ, PASS or RETR.
    fn poll_send_held(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.stream.get_ref().1.wants_write() {
            Pin::new(&mut self.stream).poll_flush(cx)
        } else {
            Poll::Ready(Ok(()))
        }
    }
}

impl AsyncRead for FerryTlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        // Nothing is waited for while what it answers may still be ours to send.
        std::task::ready!(this.poll_send_held(cx))?;
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FerryTlsStream {
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

impl TokioTlsStream for FerryTlsStream {
    type InnerStream = TlsStream<Recorded>;

    fn tcp_stream(self) -> suppaftp::FtpResult<TcpStream> {
        Ok(self.stream.into_inner().0.tcp)
    }

    fn get_ref(&self) -> &TcpStream {
        &self.stream.get_ref().0.tcp
    }

    fn mut_ref(&mut self) -> &mut Self::InnerStream {
        &mut self.stream
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::api::certificate::{fingerprint_text, parse_fingerprint};
    use super::*;

    /// A TLS server on its own thread that reads one line and answers `200 ok`; returns the
    /// line it read.
    fn answer_one_line(
        listener: std::net::TcpListener,
        certificate: Vec<u8>,
        key: Vec<u8>,
    ) -> std::thread::JoinHandle<std::io::Result<String>> {
        use std::io::{Read, Write};
        std::thread::spawn(move || {
            let (tcp, _) = listener.accept()?;
            tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(certificate)],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
            )
            .map_err(std::io::Error::other)?;
            let connection =
                rustls::ServerConnection::new(Arc::new(config)).map_err(std::io::Error::other)?;
            let mut tls = rustls::StreamOwned::new(connection, tcp);
            let mut line = Vec::new();
            let mut byte = [0u8];
            // Bounded by the read limit and the line's length.
            while line.len() < 100 && tls.read(&mut byte)? == 1 && byte[0] != b'\n' {
                line.push(byte[0]);
            }
            tls.write_all(b"200 ok\r\n")?;
            tls.flush()?;
            Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
        })
    }

    #[test]
    fn a_command_tls_held_back_goes_out_before_its_reply_is_awaited() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()])
            .expect("a self-signed certificate");
        let certificate = generated.cert.der().to_vec();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("its address").port();
        let server = answer_one_line(
            listener,
            certificate.clone(),
            generated.signing_key.serialize_der(),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let reply = runtime.block_on(async {
            let options = TlsOptions {
                trusted: vec![fingerprint(&certificate)],
                ..TlsOptions::default()
            };
            let tls = Tls::new("127.0.0.1", &options).expect("a TLS set-up");
            let tcp = TcpStream::connect(("127.0.0.1", port))
                .await
                .expect("connected");
            let mut stream = tls.connect("127.0.0.1", tcp).await.expect("a handshake");
            // The command is written by a task that has used up tokio's budget: the socket
            // says "not now", and tokio-rustls reports the bytes written while it keeps the
            // record (what suppaftp's command writing met in a busy task).
            std::future::poll_fn(|cx| {
                while let Poll::Ready(progress) = tokio::task::coop::poll_proceed(cx) {
                    progress.made_progress();
                }
                let write = stream.write_all(b"NOOP\r\n");
                std::pin::pin!(write).poll(cx)
            })
            .await
            .expect("the command is taken");
            assert!(
                stream.stream.get_ref().1.wants_write(),
                "the record went out at once: this test no longer holds one back"
            );
            let mut reply = [0u8; 64];
            // Bounded: without the record sent, the server never answers.
            let read =
                tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut reply))
                    .await
                    .expect("the reply came (the command was sent)")
                    .expect("the reply reads");
            String::from_utf8_lossy(&reply[..read]).into_owned()
        });
        assert_eq!(reply, "200 ok\r\n");
        let line = server
            .join()
            .expect("the server thread")
            .expect("the server");
        assert_eq!(line, "NOOP");
    }

    #[test]
    fn fingerprints_read_and_print() {
        let fp = fingerprint(b"certificate bytes");
        let text = fingerprint_text(&fp);
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(parse_fingerprint(&text), Some(fp));
        assert_eq!(
            parse_fingerprint(&text.replace(':', "").to_lowercase()),
            Some(fp)
        );
        assert_eq!(parse_fingerprint("AB:CD"), None);
        assert_eq!(parse_fingerprint(&format!("{text}zz")), None);
    }
}
