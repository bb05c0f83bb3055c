//! Remote paths. Kept as raw bytes, because a folder whose name is not UTF-8 must still be
//! entered, listed and named in commands exactly as the server spelled it.

use std::fmt;

use super::listing::RemoteName;
use super::reply::Reply;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RemotePath {
    raw: Vec<u8>,
}

impl RemotePath {
    pub fn root() -> Self {
        Self { raw: b"/".to_vec() }
    }

    pub fn from_bytes(raw: impl Into<Vec<u8>>) -> Self {
        Self { raw: raw.into() }
    }

    pub fn from_text(text: &str) -> Self {
        Self::from_bytes(text.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// For display: bytes that are not UTF-8 show as U+FFFD.
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    pub fn is_absolute(&self) -> bool {
        self.raw.first() == Some(&b'/')
    }

    pub fn is_root(&self) -> bool {
        self.raw == b"/"
    }

    /// `/a/b` + `c` = `/a/b/c` (Unix-style servers; other servers are browsed with relative
    /// CWD commands and the path they report back).
    pub fn join(&self, name: &[u8]) -> Self {
        let mut raw = self.raw.clone();
        if !raw.ends_with(b"/") {
            raw.push(b'/');
        }
        raw.extend_from_slice(name);
        Self { raw }
    }

    pub fn join_name(&self, name: &RemoteName) -> Self {
        self.join(&name.raw)
    }

    /// The folder above, or `None` at the root (or for a path with no `/`).
    pub fn parent(&self) -> Option<Self> {
        let trimmed = trim_trailing_slashes(&self.raw);
        if trimmed.is_empty() || trimmed == b"/" {
            return None;
        }
        let cut = trimmed.iter().rposition(|&b| b == b'/')?;
        let parent = trim_trailing_slashes(&trimmed[..cut]);
        Some(if parent.is_empty() {
            Self::root()
        } else {
            Self::from_bytes(parent)
        })
    }

    /// The last component's bytes (`c` for `/a/b/c`).
    pub fn file_name(&self) -> Option<&[u8]> {
        let trimmed = trim_trailing_slashes(&self.raw);
        let start = trimmed
            .iter()
            .rposition(|&b| b == b'/')
            .map_or(0, |i| i + 1);
        let name = &trimmed[start..];
        (!name.is_empty()).then_some(name)
    }

    /// The chain from the root down to this path: `/`, `/a`, `/a/b`.
    pub fn ancestors_and_self(&self) -> Vec<Self> {
        let mut chain = vec![self.clone()];
        let mut current = self.clone();
        while let Some(parent) = current.parent() {
            chain.push(parent.clone());
            current = parent;
        }
        chain.reverse();
        chain
    }
}

/// Saved as text when the path is UTF-8 (readable queue files), as bytes otherwise.
impl serde::Serialize for RemotePath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.raw) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => serializer.serialize_bytes(&self.raw),
        }
    }
}

impl<'de> serde::Deserialize<'de> for RemotePath {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Saved {
            Text(String),
            Bytes(Vec<u8>),
        }
        Ok(match Saved::deserialize(deserializer)? {
            Saved::Text(text) => Self::from_text(&text),
            Saved::Bytes(bytes) => Self::from_bytes(bytes),
        })
    }
}

fn trim_trailing_slashes(mut raw: &[u8]) -> &[u8] {
    while raw.len() > 1 && raw.ends_with(b"/") {
        raw = &raw[..raw.len() - 1];
    }
    raw
}

impl fmt::Debug for RemotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RemotePath({:?})", self.display())
    }
}

impl fmt::Display for RemotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// The path in a `257 "/some ""quoted"" dir" is current directory` reply (RFC 959 appendix II:
/// a quote inside the name is doubled). Servers that don't quote get the first word.
pub fn parse_pwd_reply(reply: &Reply) -> Option<RemotePath> {
    let text = reply.first_line_text_bytes();
    let text = trim_ascii_start(text);
    if let Some(rest) = text.strip_prefix(b"\"") {
        let mut path = Vec::with_capacity(rest.len());
        let mut bytes = rest.iter().copied().peekable();
        while let Some(b) = bytes.next() {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                    path.push(b'"');
                    continue;
                }
                return (!path.is_empty()).then(|| RemotePath::from_bytes(path));
            }
            path.push(b);
        }
        None
    } else {
        let word: Vec<u8> = text.iter().copied().take_while(|b| *b != b' ').collect();
        (!word.is_empty()).then(|| RemotePath::from_bytes(word))
    }
}

fn trim_ascii_start(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &[u8]) -> Reply {
        Reply {
            code: 257,
            lines: vec![line.to_vec()],
        }
    }

    #[test]
    fn pwd_with_doubled_quotes_and_raw_bytes() {
        let path = parse_pwd_reply(&reply(b"257 \"/a \"\"b\"\" caf\xe9\" is current directory"));
        assert_eq!(path.unwrap().as_bytes(), b"/a \"b\" caf\xe9");
    }

    #[test]
    fn pwd_without_quotes() {
        assert_eq!(
            parse_pwd_reply(&reply(b"257 /home/x is cwd"))
                .unwrap()
                .as_bytes(),
            b"/home/x"
        );
        assert_eq!(parse_pwd_reply(&reply(b"257 \"unterminated")), None);
        assert_eq!(parse_pwd_reply(&reply(b"257")), None);
    }

    #[test]
    fn saved_as_text_or_bytes() {
        for path in [
            RemotePath::from_text("/a b/ü"),
            RemotePath::from_bytes(b"/caf\xe9".to_vec()),
        ] {
            let json = serde_json::to_string(&path).unwrap();
            assert_eq!(
                serde_json::from_str::<RemotePath>(&json).unwrap(),
                path,
                "{json}"
            );
        }
    }

    #[test]
    fn join_and_parent() {
        let root = RemotePath::root();
        let a = root.join(b"a");
        assert_eq!(a.as_bytes(), b"/a");
        let ab = a.join(b"b c");
        assert_eq!(ab.as_bytes(), b"/a/b c");
        assert_eq!(ab.parent().unwrap(), a);
        assert_eq!(a.parent().unwrap(), root);
        assert_eq!(root.parent(), None);
        assert_eq!(RemotePath::from_text("/a/b/").parent().unwrap(), a);
        assert_eq!(ab.file_name(), Some(&b"b c"[..]));
        assert_eq!(
            ab.ancestors_and_self(),
            vec![RemotePath::root(), a.clone(), ab.clone()]
        );
    }
}
