//! What a face (GUI or CLI) asks of the engine.

use std::time::Duration;

use crate::protocol::listing::RemoteName;
use crate::protocol::path::RemotePath;
use crate::store::secret::Secret;
use crate::store::settings::Settings;

#[derive(Debug)]
pub enum Command {
    /// Connect the browsing session (dropping any current one) and list the start folder.
    Connect(ConnectRequest),
    /// Drop the browsing session at once, even in the middle of connecting.
    Disconnect,
    /// Enter a folder and list it.
    ChangeDir(DirTarget),
    /// List the current folder again.
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirTarget {
    Path(RemotePath),
    Child(RemoteName),
    Parent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Anonymous,
    Normal { user: String, password: Secret },
}

impl Login {
    pub fn user(&self) -> &str {
        match self {
            Login::Anonymous => "anonymous",
            Login::Normal { user, .. } => user,
        }
    }
}

/// Who opens the data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DataMode {
    /// The client connects to the server (EPSV, then PASV): works through NAT and firewalls.
    #[default]
    Passive,
    /// The server connects back to the client (EPRT, then PORT).
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub command: Duration,
}

impl Timeouts {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            connect: settings.connect_timeout(),
            command: settings.command_timeout(),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self::from_settings(&Settings::default())
    }
}

#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub host: String,
    pub port: u16,
    pub login: Login,
    pub data_mode: DataMode,
    /// The folder to open after login; `None` for the server's login folder.
    pub initial_path: Option<RemotePath>,
    pub timeouts: Timeouts,
}
