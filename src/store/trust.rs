//! Certificates the person chose to always trust, by server: `trusted_certificates.toml` in the
//! config folder. A fingerprint is trusted for the host and port it was seen on, nowhere else.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{load_toml_or_default, save_toml};

pub const FILE_NAME: &str = "trusted_certificates.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedCertificates {
    #[serde(default)]
    pub server: Vec<TrustedServer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedServer {
    pub host: String,
    pub port: u16,
    /// SHA-256 fingerprints, as `AB:CD:...`.
    pub fingerprints: Vec<String>,
}

impl TrustedCertificates {
    /// A missing or unreadable file trusts nothing (and so asks again).
    pub fn load(config_dir: &Path) -> Self {
        load_toml_or_default(&config_dir.join(FILE_NAME))
    }

    pub fn save(&self, config_dir: &Path) -> std::io::Result<()> {
        save_toml(&config_dir.join(FILE_NAME), self)
    }

    pub fn for_server(&self, host: &str, port: u16) -> Vec<String> {
        self.server
            .iter()
            .filter(|s| s.host.eq_ignore_ascii_case(host) && s.port == port)
            .flat_map(|s| s.fingerprints.iter().cloned())
            .collect()
    }

    pub fn add(&mut self, host: &str, port: u16, fingerprint: String) {
        match self
            .server
            .iter_mut()
            .find(|s| s.host.eq_ignore_ascii_case(host) && s.port == port)
        {
            Some(server) if !server.fingerprints.contains(&fingerprint) => {
                server.fingerprints.push(fingerprint)
            }
            Some(_) => {}
            None => self.server.push(TrustedServer {
                host: host.to_owned(),
                port,
                fingerprints: vec![fingerprint],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_per_host_and_port() {
        let dir = tempfile::tempdir().unwrap();
        let mut trusted = TrustedCertificates::default();
        trusted.add("ftp.example", 21, "AA:BB".into());
        trusted.add("ftp.example", 21, "AA:BB".into());
        trusted.save(dir.path()).unwrap();
        let loaded = TrustedCertificates::load(dir.path());
        assert_eq!(loaded.for_server("FTP.example", 21), vec!["AA:BB"]);
        assert!(loaded.for_server("ftp.example", 990).is_empty());
    }
}
