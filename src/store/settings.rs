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
    /// Send NOOP on an idle browsing connection so servers and NAT routers don't drop it.
    pub keep_alive: bool,
    /// The keep-alive waits a random time in this range (seconds): servers that drop clients
    /// for a fixed NOOP rhythm don't see one.
    pub keep_alive_min_secs: u64,
    pub keep_alive_max_secs: u64,
    pub transfers: TransferSettings,
    pub window: WindowSettings,
    pub sync: SyncSettings,
}

/// What the Synchronize dialog remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncSettings {
    /// Exclusion rules per server (`user@host:port`), as last used there.
    pub exclude: std::collections::BTreeMap<String, Vec<String>>,
    /// The rules for a server that has none of its own yet.
    pub default_exclude: Vec<String>,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            exclude: Default::default(),
            default_exclude: [".git/", ".svn/", "node_modules/", "*.tmp", "*.swp", "~*"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 20,
            command_timeout_secs: 20,
            keep_alive: true,
            keep_alive_min_secs: 30,
            keep_alive_max_secs: 60,
            transfers: TransferSettings::default(),
            window: WindowSettings::default(),
            sync: SyncSettings::default(),
        }
    }
}

/// How the window behaves and looks. The sizes are what the person last dragged the dividers
/// to; the window fits them into whatever size it has (the file lists always keep most of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WindowSettings {
    /// The local pane on the right and the remote one on the left (FileZilla has local left).
    pub local_on_right: bool,
    /// Upload a file opened with Edit as soon as it is saved, without asking.
    pub upload_edits_without_asking: bool,
    /// Light or dark, or whatever the OS uses.
    pub theme: Theme,
    /// Dotfiles (and files marked hidden) in the local pane.
    pub show_hidden_local: bool,
    /// Dotfiles in the server's pane (`.htaccess` and the like are often what one came for).
    pub show_hidden_remote: bool,
    /// Height of the welcome and message log area, in points, when it is open.
    pub log_height: f32,
    /// The welcome and message log area folded to its title line.
    pub log_collapsed: bool,
    /// The welcome view's share of that area's width (the log has the rest).
    pub welcome_share: f32,
    /// Height of the transfer queue, in points, once the person has dragged it (until then a
    /// share of the window's height: a fixed default showed three transfers at 1200×800).
    pub queue_height: Option<f32>,
    /// The left pane's share of the width the two panes have.
    pub pane_share: f32,
    /// The folder tree's share of its pane's width (the same on both sides).
    pub tree_share: f32,
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            local_on_right: false,
            upload_edits_without_asking: false,
            theme: Theme::System,
            show_hidden_local: false,
            show_hidden_remote: true,
            log_height: 140.0,
            log_collapsed: false,
            welcome_share: 0.4,
            queue_height: None,
            pane_share: 0.5,
            tree_share: 0.3,
        }
    }
}

/// The window's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    /// Light or dark as the OS is, following it when it changes.
    #[default]
    System,
    Light,
    Dark,
}

/// How the queue moves files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransferSettings {
    /// Simultaneous transfers (sessions besides the browsing one), 1 to 10.
    pub parallel: usize,
    /// Attempts after the first when a connection drops, with growing pauses between.
    pub retries: u32,
    /// The first pause before trying again (milliseconds); it doubles each time, up to 30 s.
    pub retry_delay_ms: u64,
    /// Give downloaded files the server's modification time (and uploads the local one, with
    /// MFMT).
    pub preserve_times: bool,
    /// Files with these extensions go in ASCII mode (line endings converted); the rest binary.
    pub ascii_extensions: Vec<String>,
    /// KiB per second for all downloads together; 0 = no limit.
    pub download_limit_kib: u64,
    /// KiB per second for all uploads together; 0 = no limit.
    pub upload_limit_kib: u64,
    /// What to do when a target exists.
    pub conflict_policy: ConflictPolicy,
    /// Binary, ASCII, or by extension (`ascii_extensions`); a site can choose its own.
    pub transfer_type: TransferType,
    /// A transfer connection with nothing to do is closed after this long.
    pub idle_close_secs: u64,
    /// Connections for one large download (its byte ranges fetched side by side); 1 = never
    /// split. Servers that limit each connection's speed give this many times the speed.
    pub segments: usize,
    /// Downloads at least this big (MiB) are split, when the server offers `REST STREAM`.
    pub segment_threshold_mib: u64,
    /// Split from the first byte into `segments` ranges (`ferry get --segments N`, like `lftp
    /// pget -n N`), rather than letting more connections join only once a download turns out
    /// to be slow. Asked for per run, never saved.
    #[serde(skip)]
    pub segments_from_start: bool,
}

impl TransferSettings {
    pub fn retry_delay(&self) -> Duration {
        Duration::from_millis(self.retry_delay_ms.clamp(10, 30_000))
    }
}

impl Default for TransferSettings {
    fn default() -> Self {
        Self {
            parallel: 2,
            retries: 5,
            retry_delay_ms: 1000,
            preserve_times: true,
            ascii_extensions: [
                "txt", "htm", "html", "css", "js", "php", "sh", "pl", "py", "c", "h", "cpp", "xml",
                "csv", "md", "ini", "conf",
            ]
            .map(String::from)
            .to_vec(),
            download_limit_kib: 0,
            upload_limit_kib: 0,
            conflict_policy: ConflictPolicy::Ask,
            transfer_type: TransferType::Auto,
            idle_close_secs: 60,
            segments: 4,
            segment_threshold_mib: 64,
            segments_from_start: false,
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

    /// The first pause before trying a dropped connection again.
    pub fn retry_delay(&self) -> Duration {
        self.transfers.retry_delay()
    }

    /// The range keep-alive intervals are drawn from, or `None` when keep-alive is off.
    pub fn keep_alive(&self) -> Option<(Duration, Duration)> {
        let low = self.keep_alive_min_secs.max(1);
        let high = self.keep_alive_max_secs.max(low);
        self.keep_alive
            .then(|| (Duration::from_secs(low), Duration::from_secs(high)))
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

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConflictPolicy {
    /// Ask the person (the window's default).
    #[default]
    Ask,
    /// Fail the item, saying the target exists (the CLI's default).
    Refuse,
    Overwrite,
    OverwriteIfNewer,
    OverwriteIfSizeDiffers,
    /// Continue a shorter target from where it ends.
    Resume,
    /// Keep both: the new one becomes `name (1).ext`.
    Rename,
    Skip,
}

impl ConflictPolicy {
    pub const CHOICES: [ConflictPolicy; 6] = [
        ConflictPolicy::Overwrite,
        ConflictPolicy::OverwriteIfNewer,
        ConflictPolicy::OverwriteIfSizeDiffers,
        ConflictPolicy::Resume,
        ConflictPolicy::Rename,
        ConflictPolicy::Skip,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ConflictPolicy::Ask => "Ask",
            ConflictPolicy::Refuse => "Refuse",
            ConflictPolicy::Overwrite => "Overwrite",
            ConflictPolicy::OverwriteIfNewer => "Overwrite if newer",
            ConflictPolicy::OverwriteIfSizeDiffers => "Overwrite if size differs",
            ConflictPolicy::Resume => "Resume",
            ConflictPolicy::Rename => "Rename",
            ConflictPolicy::Skip => "Skip",
        }
    }
}

/// How file bytes travel: unchanged (binary), with line endings converted (ASCII), or decided
/// by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TransferType {
    /// ASCII for the extensions listed in the settings (`txt`, `html`...), binary for the rest.
    #[default]
    Auto,
    Binary,
    Ascii,
}

impl TransferType {
    pub const CHOICES: [TransferType; 3] = [
        TransferType::Auto,
        TransferType::Binary,
        TransferType::Ascii,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TransferType::Auto => "Auto (ASCII for text files)",
            TransferType::Binary => "Binary",
            TransferType::Ascii => "ASCII",
        }
    }

    /// The more specific of two choices: `self` unless it is `Auto`.
    pub fn or(self, fallback: TransferType) -> TransferType {
        match self {
            TransferType::Auto => fallback,
            chosen => chosen,
        }
    }
}

/// Who opens the data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DataMode {
    /// Passive, and active when a passive data connection can't be opened.
    #[default]
    Auto,
    /// The client connects to the server (EPSV, then PASV): works through NAT and firewalls.
    Passive,
    /// The server connects back to the client (EPRT, then PORT).
    Active,
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
    fn an_old_file_without_the_window_sizes_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(Settings::FILE_NAME),
            "[window]\nlocal_on_right = true\n",
        )
        .unwrap();
        let settings = Settings::load(dir.path()).unwrap();
        assert!(settings.window.local_on_right);
        assert_eq!(settings.window.queue_height, None);
        assert_eq!(settings.window.theme, Theme::System);
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
