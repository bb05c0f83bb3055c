//! What a server's FEAT reply (RFC 2389) says it can do.

use super::reply::Reply;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Every feature line as sent, without the leading space.
    pub lines: Vec<String>,
}

impl Features {
    /// A 211 reply's middle lines are the features; a refused FEAT (500/502) means none.
    pub fn from_reply(reply: &Reply) -> Self {
        if reply.code != 211 || reply.lines.len() < 2 {
            return Self::default();
        }
        let lines = reply.lines[1..reply.lines.len() - 1]
            .iter()
            .map(|line| String::from_utf8_lossy(line).trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect();
        Self { lines }
    }

    /// The argument text of a feature (`MLST type*;size*;` → `type*;size*;`), matched without
    /// regard to case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lines.iter().find_map(|line| {
            let (feature, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            feature.eq_ignore_ascii_case(name).then_some(rest.trim())
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn mlsd(&self) -> bool {
        self.has("MLST")
    }

    pub fn utf8(&self) -> bool {
        self.has("UTF8")
    }

    /// `AUTH TLS` (or `AUTH TLS;SSL`, `AUTH SSL TLS`...): explicit FTPS is on offer.
    pub fn auth_tls(&self) -> bool {
        self.get("AUTH")
            .is_some_and(|methods| methods.to_ascii_uppercase().contains("TLS"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_feature_lines() {
        let reply = Reply {
            code: 211,
            lines: vec![
                b"211-Features:".to_vec(),
                b" EPRT".to_vec(),
                b" MLST type*;size*;modify*;".to_vec(),
                b" utf8".to_vec(),
                b"211 End".to_vec(),
            ],
        };
        let features = Features::from_reply(&reply);
        assert!(features.mlsd());
        assert!(features.utf8());
        assert!(!features.has("MDTM"));
        assert_eq!(features.get("mlst"), Some("type*;size*;modify*;"));
        assert_eq!(features.lines.len(), 3);
    }

    #[test]
    fn refused_feat_is_empty() {
        let reply = Reply {
            code: 502,
            lines: vec![b"502 not implemented".to_vec()],
        };
        assert_eq!(Features::from_reply(&reply), Features::default());
    }
}
