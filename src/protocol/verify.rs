//! What a server can tell us to check a transfer: its file's size (SIZE), modification time
//! (MDTM), and digest (HASH, or the older XSHA256/XSHA1/XMD5/XCRC).

use chrono::NaiveDateTime;

use super::features::Features;
use super::reply::Reply;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    Sha256,
    Sha512,
    Sha1,
    Md5,
    Crc32,
}

impl HashAlgorithm {
    /// The name in HASH's FEAT line and replies.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha512 => "SHA-512",
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Md5 => "MD5",
            HashAlgorithm::Crc32 => "CRC32",
        }
    }

    /// The length of the digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha512 => 64,
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Md5 => 16,
            HashAlgorithm::Crc32 => 4,
        }
    }

    fn x_command(self) -> Option<&'static str> {
        match self {
            HashAlgorithm::Sha256 => Some("XSHA256"),
            HashAlgorithm::Sha512 => Some("XSHA512"),
            HashAlgorithm::Sha1 => Some("XSHA1"),
            HashAlgorithm::Md5 => Some("XMD5"),
            HashAlgorithm::Crc32 => Some("XCRC"),
        }
    }
}

/// How to ask a server for a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashCommand {
    /// `OPTS HASH <name>` (when it isn't already selected), then `HASH <file>`.
    Hash {
        algorithm: HashAlgorithm,
        selected: bool,
    },
    /// `XSHA256 <file>` and friends.
    X {
        algorithm: HashAlgorithm,
        verb: &'static str,
    },
}

impl HashCommand {
    pub fn algorithm(&self) -> HashAlgorithm {
        match self {
            HashCommand::Hash { algorithm, .. } | HashCommand::X { algorithm, .. } => *algorithm,
        }
    }
}

/// Strongest first: the first the server offers is used.
const PREFERENCE: [HashAlgorithm; 5] = [
    HashAlgorithm::Sha256,
    HashAlgorithm::Sha512,
    HashAlgorithm::Sha1,
    HashAlgorithm::Md5,
    HashAlgorithm::Crc32,
];

/// The best digest the server's FEAT offers, if any.
pub fn choose_hash(features: &Features) -> Option<HashCommand> {
    if let Some(list) = features.get("HASH") {
        let offered: Vec<(String, bool)> = list
            .split(';')
            .map(|name| {
                let selected = name.trim().ends_with('*');
                (
                    name.trim().trim_end_matches('*').to_ascii_uppercase(),
                    selected,
                )
            })
            .collect();
        for algorithm in PREFERENCE {
            if let Some((_, selected)) = offered.iter().find(|(name, _)| name == algorithm.name()) {
                return Some(HashCommand::Hash {
                    algorithm,
                    selected: *selected,
                });
            }
        }
    }
    PREFERENCE.into_iter().find_map(|algorithm| {
        let verb = algorithm.x_command()?;
        features
            .has(verb)
            .then_some(HashCommand::X { algorithm, verb })
    })
}

/// The digest in a HASH reply (`213 SHA-256 0-49 <hex> <name>`) or an XSHA/XMD5/XCRC reply
/// (`250 <hex>`, some servers adding the name): the first word of the right length in hex.
pub fn parse_digest(reply: &Reply, algorithm: HashAlgorithm) -> Option<Vec<u8>> {
    if !reply.is_completion() {
        return None;
    }
    let text = String::from_utf8_lossy(reply.first_line_text_bytes()).into_owned();
    let want = algorithm.digest_len() * 2;
    text.split_whitespace()
        .filter(|word| word.len() == want)
        .find_map(decode_hex)
        // CRC32 is often printed without leading zeros.
        .or_else(|| {
            (algorithm == HashAlgorithm::Crc32)
                .then(|| {
                    text.split_whitespace()
                        .filter(|w| (1..8).contains(&w.len()))
                        .find_map(|w| u32::from_str_radix(w, 16).ok())
                })
                .flatten()
                .map(|crc| crc.to_be_bytes().to_vec())
        })
}

fn decode_hex(word: &str) -> Option<Vec<u8>> {
    if !word.len().is_multiple_of(2) {
        return None;
    }
    (0..word.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(word.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `213 12345`: the size in bytes.
pub fn parse_size_reply(reply: &Reply) -> Option<u64> {
    if reply.code != 213 {
        return None;
    }
    String::from_utf8_lossy(reply.first_line_text_bytes())
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `213 20261123190512[.123]`: the modification time, in UTC (RFC 3659).
pub fn parse_mdtm_reply(reply: &Reply) -> Option<NaiveDateTime> {
    if reply.code != 213 {
        return None;
    }
    let text = String::from_utf8_lossy(reply.first_line_text_bytes()).into_owned();
    let stamp = text.split_whitespace().next()?;
    let whole = stamp.split('.').next()?;
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").ok()
}

/// The argument of `MFMT` for a time (UTC).
pub fn mfmt_time(time: NaiveDateTime) -> String {
    time.format("%Y%m%d%H%M%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            lines: vec![format!("{code} {text}").into_bytes()],
        }
    }

    fn features(lines: &[&str]) -> Features {
        Features {
            lines: lines.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn chooses_the_strongest_offered() {
        assert_eq!(
            choose_hash(&features(&["HASH SHA-1*;MD5;SHA-256"])),
            Some(HashCommand::Hash {
                algorithm: HashAlgorithm::Sha256,
                selected: false
            })
        );
        assert_eq!(
            choose_hash(&features(&["XMD5", "XCRC"])),
            Some(HashCommand::X {
                algorithm: HashAlgorithm::Md5,
                verb: "XMD5"
            })
        );
        assert_eq!(choose_hash(&features(&["MDTM", "SIZE"])), None);
    }

    #[test]
    fn digests_from_both_reply_forms() {
        let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let hash = reply(213, &format!("SHA-256 0-0 {sha} empty.txt"));
        assert_eq!(
            to_hex(&parse_digest(&hash, HashAlgorithm::Sha256).unwrap()),
            sha
        );
        let x = reply(250, "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            to_hex(&parse_digest(&x, HashAlgorithm::Md5).unwrap()),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        let crc = reply(250, "1A2B3C");
        assert_eq!(
            parse_digest(&crc, HashAlgorithm::Crc32).unwrap(),
            vec![0, 0x1a, 0x2b, 0x3c]
        );
        assert_eq!(parse_digest(&reply(550, "no"), HashAlgorithm::Md5), None);
        assert_eq!(
            parse_digest(&reply(213, "SHA-256 0-0 zz"), HashAlgorithm::Sha256),
            None
        );
    }

    #[test]
    fn size_and_mdtm() {
        assert_eq!(
            parse_size_reply(&reply(213, "5368709120")),
            Some(5368709120)
        );
        assert_eq!(parse_size_reply(&reply(550, "no")), None);
        let time = parse_mdtm_reply(&reply(213, "20261123190512.123")).unwrap();
        assert_eq!(mfmt_time(time), "20261123190512");
        assert_eq!(parse_mdtm_reply(&reply(213, "2026112319")), None);
        assert_eq!(parse_mdtm_reply(&reply(213, "20261399999999")), None);
    }
}
