//! The quick-connect history: servers connected to lately, newest first, without passwords.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{load_toml_or_default, save_toml};
use crate::engine::TlsMode;

pub const FILE_NAME: &str = "history.toml";
const KEEP: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    pub host: String,
    pub port: u16,
    /// Empty for anonymous.
    pub user: String,
    /// The encryption it was connected with: a server reached only with implicit TLS timed
    /// out when picked again with the bar's default (a walk). Older files have none.
    #[serde(default)]
    pub tls: TlsMode,
}

impl Recent {
    pub fn label(&self) -> String {
        let server = if self.user.is_empty() {
            format!("{}:{}", self.host, self.port)
        } else {
            format!("{}@{}:{}", self.user, self.host, self.port)
        };
        match self.tls {
            TlsMode::IfAvailable => server,
            TlsMode::Plain => format!("{server} (plain FTP)"),
            TlsMode::Explicit => format!("{server} (explicit TLS)"),
            TlsMode::Implicit => format!("{server} (implicit TLS)"),
        }
    }

    /// The same server and user, whatever the encryption.
    fn same_login(&self, other: &Recent) -> bool {
        (&self.host, self.port, &self.user) == (&other.host, other.port, &other.user)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    #[serde(default)]
    pub recent: Vec<Recent>,
}

impl History {
    pub fn load(config_dir: &Path) -> Self {
        load_toml_or_default(&config_dir.join(FILE_NAME))
    }

    pub fn save(&self, config_dir: &Path) -> std::io::Result<()> {
        save_toml(&config_dir.join(FILE_NAME), self)
    }

    /// Puts `recent` first (once), keeping the newest few.
    pub fn remember(&mut self, recent: Recent) {
        self.recent.retain(|r| !r.same_login(&recent));
        self.recent.insert(0, recent);
        self.recent.truncate(KEEP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates() {
        let mut history = History::default();
        let a = Recent {
            host: "a".into(),
            port: 21,
            user: "x".into(),
            tls: TlsMode::IfAvailable,
        };
        let b = Recent {
            host: "b".into(),
            port: 21,
            user: String::new(),
            tls: TlsMode::IfAvailable,
        };
        history.remember(a.clone());
        history.remember(b.clone());
        history.remember(a.clone());
        assert_eq!(history.recent, vec![a, b]);
        for i in 0..30 {
            history.remember(Recent {
                host: format!("h{i}"),
                port: 21,
                user: String::new(),
                tls: TlsMode::IfAvailable,
            });
        }
        assert_eq!(history.recent.len(), KEEP);
    }

    #[test]
    fn a_server_keeps_its_encryption_and_is_listed_once() {
        let mut history = History::default();
        let plain = Recent {
            host: "h".into(),
            port: 990,
            user: "u".into(),
            tls: TlsMode::IfAvailable,
        };
        let implicit = Recent {
            tls: TlsMode::Implicit,
            ..plain.clone()
        };
        history.remember(plain);
        history.remember(implicit.clone());
        assert_eq!(history.recent, vec![implicit.clone()]);
        assert_eq!(implicit.label(), "u@h:990 (implicit TLS)");
        // A file from before: no encryption written, the bar's default.
        let old: History = toml::from_str("[[recent]]\nhost = \"h\"\nport = 21\nuser = \"\"\n")
            .expect("an older history file");
        assert_eq!(old.recent[0].tls, TlsMode::IfAvailable);
        assert_eq!(old.recent[0].label(), "h:21");
    }
}
