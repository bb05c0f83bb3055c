//! What the window keeps about servers and logins: the quick-connect history, trusted
//! certificates, whether there is a keyring, and the certificate question. No I/O here: saving
//! goes through the window's jobs.

use crate::engine::{CertificateInfo, ConnectRequest, Login};
use crate::store::history::{History, Recent};
use crate::store::trust::TrustedCertificates;

/// Whether passwords can be kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeyringState {
    #[default]
    Unknown,
    Available,
    Missing(String),
}

/// The certificate question, with the connection to retry once answered.
pub struct TrustQuestion {
    pub info: CertificateInfo,
    pub request: ConnectRequest,
}

pub struct Accounts {
    pub history: History,
    pub trusted: TrustedCertificates,
    pub keyring: KeyringState,
    /// The last connection asked for, to retry after a trust decision (password in memory only).
    pub last_request: Option<ConnectRequest>,
    pub trust_question: Option<TrustQuestion>,
}

impl Accounts {
    /// Reads the history and trusted certificates (small files, read once at start-up).
    pub fn new(config: Option<&std::path::Path>) -> Self {
        let (history, trusted) = match config {
            Some(dir) => (History::load(dir), TrustedCertificates::load(dir)),
            None => Default::default(),
        };
        Self {
            history,
            trusted,
            keyring: KeyringState::Unknown,
            last_request: None,
            trust_question: None,
        }
    }

    pub fn keyring_missing(&self) -> bool {
        matches!(self.keyring, KeyringState::Missing(_))
    }

    /// A refused certificate: ask, with what is needed to decide.
    pub fn ask_trust(&mut self, info: CertificateInfo) {
        if let Some(request) = self.last_request.clone() {
            self.trust_question = Some(TrustQuestion { info, request });
        }
    }

    /// A server that took the login goes first in the history (without its password). Servers
    /// that could not be reached or refused the login are not kept.
    pub fn remember(&mut self, request: &ConnectRequest) {
        self.history.remember(Recent {
            host: request.host.clone(),
            port: request.port,
            user: match &request.login {
                Login::Anonymous => String::new(),
                other => other.user().to_owned(),
            },
        });
    }
}
