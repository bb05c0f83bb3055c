//! What the window keeps about servers and logins: the quick-connect history, trusted
//! certificates, whether there is a keyring, and the certificate question. No I/O here: saving
//! goes through the window's jobs.

use crate::engine::{CertificateInfo, ConnectRequest, Login};
use crate::store::history::{History, Recent};
use crate::store::sites::{Logon, SiteFolder};
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
    /// Certificates trusted until Ferry closes: kept like `trusted`, never saved.
    pub trusted_until_closed: TrustedCertificates,
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
            trusted_until_closed: TrustedCertificates::default(),
        }
    }

    pub fn keyring_missing(&self) -> bool {
        matches!(self.keyring, KeyringState::Missing(_))
    }

    /// What the status line says when the system turns out to have no keyring: only when a
    /// saved site keeps its password there (its logon is Normal), as only those change (their
    /// password is asked when connecting). A first start, the demo or quick connect have no
    /// use for a keyring and get no warning; the reason goes to the log either way, and the
    /// Site Manager says it where a password would be typed.
    pub fn missing_keyring_notice(sites: &SiteFolder) -> Option<&'static str> {
        sites
            .all_sites()
            .iter()
            .any(|(_, site)| site.logon == Logon::Normal)
            .then_some(
                "No password keyring on this system: Ferry will ask for saved sites' passwords when connecting",
            )
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
            tls: request.tls.mode,
        });
    }
}

#[cfg(test)]
mod keyring_notice_tests {
    use super::Accounts;
    use crate::store::sites::{Logon, Site, SiteFolder};

    fn site(logon: Logon) -> Site {
        Site {
            logon,
            ..Site::default()
        }
    }

    #[test]
    fn a_missing_keyring_is_told_only_when_a_saved_site_keeps_its_password_there() {
        let nested = |sites| SiteFolder {
            folders: vec![SiteFolder {
                name: "Work".into(),
                sites,
                ..SiteFolder::default()
            }],
            ..SiteFolder::default()
        };
        let cases = [
            (
                "no sites (a first start, the demo)",
                SiteFolder::default(),
                false,
            ),
            (
                "anonymous and asked passwords only",
                nested(vec![site(Logon::Anonymous), site(Logon::AskPassword)]),
                false,
            ),
            (
                "a site with its password in the keyring, in a folder",
                nested(vec![site(Logon::AskPassword), site(Logon::Normal)]),
                true,
            ),
            (
                "a site with its password in the keyring, at the top",
                SiteFolder {
                    sites: vec![site(Logon::Normal)],
                    ..SiteFolder::default()
                },
                true,
            ),
        ];
        for (case, sites, told) in cases {
            assert_eq!(
                Accounts::missing_keyring_notice(&sites).is_some(),
                told,
                "{case}"
            );
        }
    }
}
