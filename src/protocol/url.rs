//! `ftp://user:password@host:port/path` addresses, as typed into the host field or given to the
//! CLI. Parsing follows the URL standard through the `url` crate (percent-decoding, IPv6 in
//! brackets); what is FTP-specific is here.

use percent_encoding::percent_decode_str;

use super::path::RemotePath;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ftp://`
    Ftp,
    /// `ftps://`: FTP over implicit TLS (port 990).
    Ftps,
}

impl Scheme {
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Ftp => 21,
            Scheme::Ftps => 990,
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct FtpUrl {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `None` when the URL names no folder: the server's login folder.
    pub path: Option<RemotePath>,
}

/// A password must never show in a `{:?}`.
impl std::fmt::Debug for FtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtpUrl")
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .field("path", &self.path)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("not a valid FTP address: {0}")]
    Invalid(String),
    #[error("{0}:// is not supported: Ferry speaks FTP (ftp://) and FTP over TLS (ftps://)")]
    UnsupportedScheme(String),
    #[error("the address has no host name")]
    NoHost,
}

/// True when the text looks like a URL rather than a bare host name, so that pasting one into the
/// host field can fill the other fields.
pub fn looks_like_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("ftp://") || lower.starts_with("ftps://")
}

/// Parses `ftp://…`, `ftps://…`, or a bare `host`, `host:port`, `user@host`.
pub fn parse_url(input: &str) -> Result<FtpUrl, UrlError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(UrlError::NoHost);
    }
    let with_scheme = match input.split_once("://") {
        Some((scheme, _)) => {
            let scheme = scheme.to_ascii_lowercase();
            if scheme != "ftp" && scheme != "ftps" {
                return Err(UrlError::UnsupportedScheme(scheme));
            }
            input.to_owned()
        }
        None => format!("ftp://{input}"),
    };
    let url =
        url::Url::parse(&with_scheme).map_err(|e| UrlError::Invalid(format!("{input} ({e})")))?;
    let scheme = if url.scheme() == "ftps" {
        Scheme::Ftps
    } else {
        Scheme::Ftp
    };
    let host = match url.host() {
        Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err(UrlError::NoHost),
    };
    let port = url.port().unwrap_or(scheme.default_port());
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = (!url.username().is_empty()).then(|| decode(url.username()));
    let password = url.password().map(decode);
    // `;type=i` (RFC 1738) is a transfer hint, not part of the name.
    let raw_path = url.path();
    let raw_path = raw_path.split(";type=").next().unwrap_or(raw_path);
    let path_bytes: Vec<u8> = percent_decode_str(raw_path).collect();
    let path =
        (!path_bytes.is_empty() && path_bytes != b"/").then(|| RemotePath::from_bytes(path_bytes));
    Ok(FtpUrl {
        scheme,
        host,
        port,
        user,
        password,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_url() {
        let url = parse_url("ftp://alice:s%40cret@files.example.com:2121/pub/my%20dir").unwrap();
        assert_eq!(url.scheme, Scheme::Ftp);
        assert_eq!(url.host, "files.example.com");
        assert_eq!(url.port, 2121);
        assert_eq!(url.user.as_deref(), Some("alice"));
        assert_eq!(url.password.as_deref(), Some("s@cret"));
        assert_eq!(url.path.unwrap().as_bytes(), b"/pub/my dir");
        assert!(!format!("{:?}", parse_url("ftp://a:hunter2@h").unwrap()).contains("hunter2"));
    }

    #[test]
    fn bare_host_and_defaults() {
        let url = parse_url("example.org").unwrap();
        assert_eq!((url.host.as_str(), url.port), ("example.org", 21));
        assert_eq!(url.user, None);
        assert_eq!(url.path, None);
        let url = parse_url("bob@127.0.0.1:2121").unwrap();
        assert_eq!((url.host.as_str(), url.port), ("127.0.0.1", 2121));
        assert_eq!(url.user.as_deref(), Some("bob"));
        assert_eq!(parse_url("ftp://h/").unwrap().path, None);
    }

    #[test]
    fn ipv6_and_ftps() {
        let url = parse_url("ftps://[::1]/x;type=i").unwrap();
        assert_eq!(url.scheme, Scheme::Ftps);
        assert_eq!(url.host, "::1");
        assert_eq!(url.port, 990);
        assert_eq!(url.path.unwrap().as_bytes(), b"/x");
    }

    #[test]
    fn non_utf8_path_bytes_survive() {
        let url = parse_url("ftp://h/caf%E9").unwrap();
        assert_eq!(url.path.unwrap().as_bytes(), b"/caf\xe9");
    }

    #[test]
    fn errors() {
        assert_eq!(parse_url(""), Err(UrlError::NoHost));
        assert!(
            matches!(parse_url("sftp://h"), Err(UrlError::UnsupportedScheme(s)) if s == "sftp")
        );
        assert!(matches!(
            parse_url("ftp://h:99999"),
            Err(UrlError::Invalid(_))
        ));
        assert!(parse_url("ftp://").is_err());
        assert!(looks_like_url("  FTP://x"));
        assert!(!looks_like_url("x.org"));
    }
}
