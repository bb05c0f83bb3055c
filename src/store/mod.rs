//! What Ferry keeps on disk: settings (and, later, sites, trusted certificates and the queue),
//! under the OS's config and data folders. Writes are atomic; passwords never go into these files.

pub mod atomic;
pub mod filezilla;
pub mod history;
pub mod netrc;
pub mod secret;
pub mod secrets;
pub mod settings;
pub mod sites;
pub mod trust;

use std::path::PathBuf;

/// Ferry's folders: `~/.config/ferry` and `~/.local/share/ferry` on Linux, the Application
/// Support and AppData equivalents elsewhere. `FERRY_CONFIG_DIR` overrides both (tests, portable
/// installs).
#[derive(Debug, Clone)]
pub struct StoreDirs {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl StoreDirs {
    pub fn locate() -> Option<Self> {
        if let Some(dir) = std::env::var_os("FERRY_CONFIG_DIR") {
            let dir = PathBuf::from(dir);
            return Some(Self {
                config: dir.clone(),
                data: dir,
            });
        }
        let dirs = directories::ProjectDirs::from("org", "Ferry", "ferry")?;
        Some(Self {
            config: dirs.config_dir().to_path_buf(),
            data: dirs.data_dir().to_path_buf(),
        })
    }

    pub fn in_folder(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            config: dir.clone(),
            data: dir,
        }
    }
}
