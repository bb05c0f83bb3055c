//! User settings, in `settings.toml` in the config folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomically;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How long to wait for a TCP connection and the server's greeting.
    pub connect_timeout_secs: u64,
    /// How long to wait for any reply, or for data to move on a data connection.
    pub command_timeout_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 20,
            command_timeout_secs: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("could not save {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Settings {
    pub const FILE_NAME: &'static str = "settings.toml";

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs.max(1))
    }

    pub fn command_timeout(&self) -> Duration {
        Duration::from_secs(self.command_timeout_secs.max(1))
    }

    /// Reads the settings; a missing file means the defaults.
    pub fn load(config_dir: &Path) -> Result<Self, SettingsError> {
        let path = config_dir.join(Self::FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(SettingsError::Read { path, source }),
        };
        toml::from_str(&text).map_err(|e| SettingsError::Parse {
            path,
            message: e.message().to_owned(),
        })
    }

    pub fn save(&self, config_dir: &Path) -> Result<(), SettingsError> {
        let path = config_dir.join(Self::FILE_NAME);
        let text = toml::to_string_pretty(self).map_err(|e| SettingsError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomically(&path, text.as_bytes())
            .map_err(|source| SettingsError::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let settings = Settings {
            connect_timeout_secs: 5,
            ..Settings::default()
        };
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), settings);
    }

    #[test]
    fn broken_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(Settings::FILE_NAME),
            "connect_timeout_secs = \"x\"",
        )
        .unwrap();
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("settings.toml"), "{error}");
    }
}
