//! FTP over TLS with rustls: explicit (AUTH TLS) and implicit, control and data protected, data
//! connections resuming the control connection's TLS session (vsftpd's `require_ssl_reuse`,
//! FileZilla Server and others refuse data connections that don't).
//!
//! Certificates are checked against the OS's roots (rustls-platform-verifier). A certificate the
//! person chose to trust (by its SHA-256 fingerprint) is accepted as it is; any other that fails
//! is reported with what is needed to decide: subject, issuer, validity, fingerprint, and why.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::error::{FtpError, FtpResult};

pub use super::api::certificate::{
    CertificateInfo, Fingerprint, TlsMode, TlsOptions, TlsVersions, fingerprint, fingerprint_text,
    parse_fingerprint,
};

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
/// (so their sessions resume), and the name the certificate must carry.
#[derive(Clone)]
pub(crate) struct Tls {
    connector: TlsConnector,
    server_name: ServerName<'static>,
    verifier: Arc<Verifier>,
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
        })
    }

    /// The TLS handshake over `tcp`, as the client.
    pub async fn handshake(
        &self,
        tcp: TcpStream,
        timeout: std::time::Duration,
    ) -> FtpResult<Box<TlsStream<TcpStream>>> {
        let connect = self.connector.connect(self.server_name.clone(), tcp);
        match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(stream)) => Ok(Box::new(stream)),
            Ok(Err(e)) => Err(self.failure(e)),
            Err(_) => Err(FtpError::Timeout {
                doing: "in the TLS handshake".into(),
                after: timeout,
            }),
        }
    }

    /// A handshake error: the certificate question when it was the certificate.
    fn failure(&self, error: std::io::Error) -> FtpError {
        let refused = self.verifier.refused.lock().ok().and_then(|mut r| r.take());
        match refused {
            Some(info) => FtpError::Untrusted(Box::new(info)),
            None => FtpError::Io {
                doing: "in the TLS handshake".into(),
                source: error,
            },
        }
    }
}

/// A control or data connection, plain or protected.
pub(crate) enum NetStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl NetStream {
    pub fn is_protected(&self) -> bool {
        matches!(self, NetStream::Tls(_))
    }

    /// The TLS version and cipher suite, for the connection details.
    pub fn describe(&self) -> Option<String> {
        let NetStream::Tls(stream) = self else {
            return None;
        };
        let (_, connection) = stream.get_ref();
        let version = connection.protocol_version().map(|v| format!("{v:?}"))?;
        let suite = connection
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))?;
        Some(format!("{version}, {suite}"))
    }
}

impl tokio::io::AsyncRead for NetStream {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Plain(s) => std::pin::Pin::new(s).poll_read(cx, buf),
            NetStream::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl tokio::io::AsyncWrite for NetStream {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            NetStream::Plain(s) => std::pin::Pin::new(s).poll_write(cx, buf),
            NetStream::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Plain(s) => std::pin::Pin::new(s).poll_flush(cx),
            NetStream::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Plain(s) => std::pin::Pin::new(s).poll_shutdown(cx),
            NetStream::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
