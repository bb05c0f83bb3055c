//! The TLS vocabulary of the engine's door: how a connection uses TLS, which certificates the
//! person trusts, and what is shown when a certificate is refused.

use serde::{Deserialize, Serialize};
use sha2::Digest;

/// How a connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TlsMode {
    /// Plain FTP: everything, the password too, in the clear.
    Plain,
    /// AUTH TLS when the server offers it, plain FTP (with a warning) when it doesn't.
    #[default]
    IfAvailable,
    /// AUTH TLS, or no connection.
    Explicit,
    /// TLS from the first byte (port 990).
    Implicit,
}

/// Which TLS versions may be used (tests pin one; people leave it at `Any`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersions {
    #[default]
    Any,
    Only12,
    Only13,
}

/// What the person decided to trust, and what was trusted before for this server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    pub mode: TlsMode,
    pub versions: TlsVersions,
    /// SHA-256 fingerprints of leaf certificates accepted as they are.
    pub trusted: Vec<Fingerprint>,
}

pub type Fingerprint = [u8; 32];

pub fn fingerprint(der: &[u8]) -> Fingerprint {
    sha2::Sha256::digest(der).into()
}

/// `AB:CD:...`, the way certificate fingerprints are shown.
pub fn fingerprint_text(fingerprint: &Fingerprint) -> String {
    fingerprint
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Reads `AB:CD:..`, `abcd...` or with spaces.
pub fn parse_fingerprint(text: &str) -> Option<Fingerprint> {
    let hex: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 64
        || text
            .chars()
            .any(|c| !(c.is_ascii_hexdigit() || c == ':' || c == ' '))
    {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What the person needs to decide whether to trust a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub valid_from: String,
    pub valid_until: String,
    pub fingerprint: Fingerprint,
    /// Why it was not accepted.
    pub problem: String,
    /// The server presented another certificate before and the person trusted that one.
    pub changed: bool,
}

impl CertificateInfo {
    pub(crate) fn from_der(der: &[u8], problem: String) -> Self {
        let fingerprint = fingerprint(der);
        match x509_parser::parse_x509_certificate(der) {
            Ok((_, cert)) => Self {
                subject: cert.subject().to_string(),
                issuer: cert.issuer().to_string(),
                valid_from: cert.validity().not_before.to_string(),
                valid_until: cert.validity().not_after.to_string(),
                fingerprint,
                problem,
                changed: false,
            },
            Err(e) => Self {
                subject: format!("(unreadable certificate: {e})"),
                issuer: String::new(),
                valid_from: String::new(),
                valid_until: String::new(),
                fingerprint,
                problem,
                changed: false,
            },
        }
    }
}
