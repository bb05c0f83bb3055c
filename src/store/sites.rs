//! Saved sites: a tree of folders and sites in `sites.toml`, versioned and written atomically.
//! A file that can't be read (corrupt, or from a newer Ferry) is set aside as
//! `sites.toml.bad-<time>` and reported, never overwritten. Passwords are not in it: they live
//! in the OS keyring (see `secrets`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::write_atomically;
use super::settings::{DataMode, TransferType};
use crate::protocol::listing::NameEncoding;

pub const SITES_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Protocol {
    /// FTP; with `tls_if_available`, explicit TLS when the server offers it.
    #[default]
    Ftp,
    /// FTP over explicit TLS (AUTH TLS), required.
    FtpsExplicit,
    /// FTP over implicit TLS (usually port 990).
    FtpsImplicit,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [
        Protocol::Ftp,
        Protocol::FtpsExplicit,
        Protocol::FtpsImplicit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Protocol::Ftp => "FTP",
            Protocol::FtpsExplicit => "FTP over explicit TLS",
            Protocol::FtpsImplicit => "FTP over implicit TLS",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Protocol::FtpsImplicit => 990,
            _ => 21,
        }
    }

    /// The port after switching from `self` to `to`: the new protocol's default when `port`
    /// was the old one's, else `port` as typed (as FileZilla does: a server's own port is not
    /// lost by choosing its encryption).
    pub fn port_on_switch(self, to: Protocol, port: u16) -> u16 {
        if port == self.default_port() {
            to.default_port()
        } else {
            port
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Logon {
    Anonymous,
    /// User and password (the password in the keyring).
    #[default]
    Normal,
    /// User here, password asked at every connection.
    AskPassword,
}

impl Logon {
    pub const ALL: [Logon; 3] = [Logon::Anonymous, Logon::Normal, Logon::AskPassword];

    pub fn label(self) -> &'static str {
        match self {
            Logon::Anonymous => "Anonymous",
            Logon::Normal => "Normal",
            Logon::AskPassword => "Ask for password",
        }
    }
}

fn yes() -> bool {
    true
}

fn encoding_label<S: serde::Serializer>(encoding: &NameEncoding, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(encoding.label())
}

fn encoding_from_label<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NameEncoding, D::Error> {
    let label = String::deserialize(d)?;
    NameEncoding::from_label(&label)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown encoding {label:?}")))
}

/// One saved server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Site {
    /// Stable across renames: the key of the password in the keyring.
    pub id: String,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub protocol: Protocol,
    /// For plain FTP: try AUTH TLS first, fall back (and say so) when the server has none.
    #[serde(default = "yes")]
    pub tls_if_available: bool,
    pub logon: Logon,
    pub user: String,
    pub transfer_mode: DataMode,
    /// Binary, ASCII or Auto for this site; `None` uses the setting.
    pub transfer_type: Option<TransferType>,
    #[serde(
        serialize_with = "encoding_label",
        deserialize_with = "encoding_from_label"
    )]
    pub encoding: NameEncoding,
    /// The server's time zone, minutes east of UTC.
    pub server_offset_minutes: i32,
    pub remote_dir: String,
    pub local_dir: String,
    /// Simultaneous transfers for this site; 0 = the global setting.
    pub parallel: usize,
    pub comments: String,
}

impl Default for Site {
    fn default() -> Self {
        Self {
            id: new_id(),
            name: "New site".into(),
            host: String::new(),
            port: 21,
            protocol: Protocol::Ftp,
            tls_if_available: true,
            logon: Logon::Normal,
            user: String::new(),
            transfer_mode: DataMode::Auto,
            transfer_type: None,
            encoding: NameEncoding::Auto,
            server_offset_minutes: 0,
            remote_dir: String::new(),
            local_dir: String::new(),
            parallel: 0,
            comments: String::new(),
        }
    }
}

/// An id unique enough for a person's sites: time and a counter.
pub fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A folder of sites (and folders).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteFolder {
    pub name: String,
    pub folders: Vec<SiteFolder>,
    pub sites: Vec<Site>,
}

impl SiteFolder {
    /// Every site with its folder path (`Work/Clients`), depth first.
    pub fn all_sites(&self) -> Vec<(String, &Site)> {
        let mut found = Vec::new();
        self.collect("", &mut found);
        found
    }

    fn collect<'a>(&'a self, prefix: &str, found: &mut Vec<(String, &'a Site)>) {
        for site in &self.sites {
            found.push((prefix.to_owned(), site));
        }
        for folder in &self.folders {
            let path = if prefix.is_empty() {
                folder.name.clone()
            } else {
                format!("{prefix}/{}", folder.name)
            };
            folder.collect(&path, found);
        }
    }

    /// A site by name, or by `Folder/Sub/Name`; names are matched without regard to case.
    pub fn find(&self, wanted: &str) -> Option<&Site> {
        let sites = self.all_sites();
        sites
            .iter()
            .find(|(folder, site)| {
                let full = if folder.is_empty() {
                    site.name.clone()
                } else {
                    format!("{folder}/{}", site.name)
                };
                full.eq_ignore_ascii_case(wanted)
            })
            .or_else(|| {
                sites
                    .iter()
                    .find(|(_, site)| site.name.eq_ignore_ascii_case(wanted))
            })
            .map(|(_, site)| *site)
    }

    pub fn find_mut(&mut self, id: &str) -> Option<&mut Site> {
        if let Some(site) = self.sites.iter_mut().find(|s| s.id == id) {
            return Some(site);
        }
        self.folders.iter_mut().find_map(|f| f.find_mut(id))
    }

    /// Removes a site anywhere in the tree; returns it.
    pub fn remove_site(&mut self, id: &str) -> Option<Site> {
        if let Some(at) = self.sites.iter().position(|s| s.id == id) {
            return Some(self.sites.remove(at));
        }
        self.folders.iter_mut().find_map(|f| f.remove_site(id))
    }
}

/// The file: a version and the root folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitesFile {
    pub version: u32,
    #[serde(default)]
    pub root: SiteFolder,
}

#[derive(Debug, thiserror::Error)]
pub enum SitesError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not save {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What loading found, besides the sites: a problem the person should hear about.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sites: SiteFolder,
    /// "sites.toml could not be read (…); kept as sites.toml.bad-…"
    pub warning: Option<String>,
}

pub const FILE_NAME: &str = "sites.toml";

pub fn load(config_dir: &Path) -> Result<Loaded, SitesError> {
    let path = config_dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Ok(set_aside(&path, "it is not text"));
        }
        Err(source) => return Err(SitesError::Read { path, source }),
    };
    // The version first, so a newer file is never half-read by an older Ferry.
    #[derive(Deserialize)]
    struct Version {
        version: Option<u32>,
    }
    match toml::from_str::<Version>(&text) {
        Ok(Version { version: Some(v) }) if v > SITES_VERSION => {
            return Ok(set_aside(
                &path,
                &format!("it is version {v}, from a newer Ferry"),
            ));
        }
        Ok(_) => {}
        Err(e) => return Ok(set_aside(&path, e.message())),
    }
    match toml::from_str::<SitesFile>(&text) {
        Ok(file) => Ok(Loaded {
            sites: file.root,
            warning: None,
        }),
        Err(e) => Ok(set_aside(&path, e.message())),
    }
}

/// Moves an unreadable file aside (never deleting it) and says so.
fn set_aside(path: &Path, why: &str) -> Loaded {
    let aside = path.with_file_name(format!(
        "{FILE_NAME}.bad-{}",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    let warning = match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "{} could not be read ({why}); it was kept as {} and Ferry started with no sites",
            path.display(),
            aside.display()
        ),
        Err(e) => format!(
            "{} could not be read ({why}) nor set aside ({e})",
            path.display()
        ),
    };
    Loaded {
        sites: SiteFolder::default(),
        warning: Some(warning),
    }
}

pub fn save(config_dir: &Path, sites: &SiteFolder) -> Result<(), SitesError> {
    let path = config_dir.join(FILE_NAME);
    let file = SitesFile {
        version: SITES_VERSION,
        root: sites.clone(),
    };
    let text = toml::to_string_pretty(&file).map_err(|e| SitesError::Write {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    write_atomically(&path, text.as_bytes()).map_err(|source| SitesError::Write { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_port_survives_a_change_of_protocol() {
        use Protocol::{Ftp, FtpsExplicit, FtpsImplicit};
        // (from, to, port before, port after)
        let cases = [
            (Ftp, FtpsImplicit, 21, 990),
            (FtpsImplicit, Ftp, 990, 21),
            (FtpsImplicit, FtpsExplicit, 990, 21),
            (Ftp, FtpsExplicit, 21, 21),
            (Ftp, FtpsExplicit, 21210, 21210),
            (Ftp, FtpsImplicit, 2121, 2121),
            (FtpsImplicit, Ftp, 21211, 21211),
            // 990 typed for plain FTP is the person's own port too.
            (Ftp, FtpsExplicit, 990, 990),
        ];
        for (from, to, before, after) in cases {
            assert_eq!(
                from.port_on_switch(to, before),
                after,
                "{from:?} -> {to:?} at {before}"
            );
        }
    }

    fn sample() -> SiteFolder {
        SiteFolder {
            name: String::new(),
            sites: vec![Site {
                name: "Home".into(),
                host: "home.example".into(),
                ..Site::default()
            }],
            folders: vec![SiteFolder {
                name: "Work".into(),
                folders: vec![],
                sites: vec![Site {
                    name: "Build box".into(),
                    host: "build.example".into(),
                    user: "ci".into(),
                    protocol: Protocol::FtpsExplicit,
                    encoding: NameEncoding::Latin1,
                    ..Site::default()
                }],
            }],
        }
    }

    #[test]
    fn round_trip_and_find_by_name_or_path() {
        let dir = tempfile::tempdir().unwrap();
        let sites = sample();
        save(dir.path(), &sites).unwrap();
        let loaded = load(dir.path()).unwrap();
        assert!(loaded.warning.is_none());
        assert_eq!(loaded.sites, sites);
        assert_eq!(
            loaded.sites.find("build box").unwrap().host,
            "build.example"
        );
        assert_eq!(loaded.sites.find("Work/Build box").unwrap().user, "ci");
        assert!(loaded.sites.find("nope").is_none());
    }

    #[test]
    fn a_corrupt_or_newer_file_is_kept_aside_not_lost() {
        for content in ["this is [not toml", "version = 99\n[root]\n"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(FILE_NAME);
            std::fs::write(&path, content).unwrap();
            let loaded = load(dir.path()).unwrap();
            assert!(
                loaded.warning.as_deref().unwrap_or("").contains("kept as"),
                "{:?}",
                loaded.warning
            );
            assert!(!path.exists());
            let kept: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
            assert_eq!(kept.len(), 1);
            assert_eq!(std::fs::read_to_string(kept[0].path()).unwrap(), content);
        }
    }
}
