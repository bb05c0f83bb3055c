//! The quick-connect history: servers connected to lately, newest first, without passwords.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{load_toml_or_default, save_toml};

pub const FILE_NAME: &str = "history.toml";
const KEEP: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    pub host: String,
    pub port: u16,
    /// Empty for anonymous.
    pub user: String,
}

impl Recent {
    pub fn label(&self) -> String {
        if self.user.is_empty() {
            format!("{}:{}", self.host, self.port)
        } else {
            format!("{}@{}:{}", self.user, self.host, self.port)
        }
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
        self.recent.retain(|r| *r != recent);
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
        };
        let b = Recent {
            host: "b".into(),
            port: 21,
            user: String::new(),
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
            });
        }
        assert_eq!(history.recent.len(), KEEP);
    }
}
