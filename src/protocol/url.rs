//! `ftp://user:password@host:port/path` addresses, as typed into the host field or given to the
//! CLI. Parsing follows the URL standard through the `url` crate (percent-decoding, IPv6 in
//! brackets); what is FTP-specific is here.

use percent_encoding::percent_decode_str;

use super::path::RemotePath;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ftp://`: TLS as the connection's settings say.
    Ftp,
    /// `ftpes://`: FTP with explicit TLS (AUTH TLS on the FTP port, 21), or no connection —
    /// FileZilla's and WinSCP's name for it.
    Ftpes,
    /// `ftps://`: FTP over implicit TLS (TLS from the first byte, port 990).
    Ftps,
}

impl Scheme {
    /// The scheme a URL's `name://` names, in any letter case.
    fn from_name(name: &str) -> Option<Self> {
        [
            ("ftp", Scheme::Ftp),
            ("ftpes", Scheme::Ftpes),
            ("ftps", Scheme::Ftps),
        ]
        .into_iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n))
        .map(|(_, scheme)| scheme)
    }

    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Ftp | Scheme::Ftpes => 21,
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
    #[error(
        "{0}:// is not supported: Ferry speaks FTP (ftp://) and FTP over TLS (ftpes:// for \
         explicit TLS, ftps:// for implicit TLS)"
    )]
    UnsupportedScheme(String),
    /// SFTP is another protocol (SSH's file transfer), whatever its name suggests: said at
    /// once, not after a connection attempt that could only fail.
    #[error(
        "SFTP is not supported by Ferry: it speaks FTP and FTP over TLS (ftp://, ftpes://, \
         ftps://), not SSH"
    )]
    Sftp,
    #[error("the address has no host name")]
    NoHost,
}

/// True when the text looks like a URL rather than a bare host name, so that pasting one into the
/// host field can fill the other fields (or say at once why it can't: `sftp://`).
pub fn looks_like_url(text: &str) -> bool {
    match text.trim_start().split_once("://") {
        Some((scheme, _)) => Scheme::from_name(scheme).is_some() || is_sftp(scheme),
        None => false,
    }
}

fn is_sftp(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("sftp")
}

/// Parses `ftp://…`, `ftpes://…`, `ftps://…`, or a bare `host`, `host:port`, `user@host`.
pub fn parse_url(input: &str) -> Result<FtpUrl, UrlError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(UrlError::NoHost);
    }
    let (scheme, with_scheme) = match input.split_once("://") {
        Some((name, _)) if is_sftp(name) => return Err(UrlError::Sftp),
        Some((name, _)) => match Scheme::from_name(name) {
            Some(scheme) => (scheme, input.to_owned()),
            None => return Err(UrlError::UnsupportedScheme(name.to_ascii_lowercase())),
        },
        None => (Scheme::Ftp, format!("ftp://{input}")),
    };
    // Each scheme is parsed as itself: were `ftps://h:21` parsed as `ftp://`, the URL parser
    // would drop the `:21` as ftp's default port, and the default for ftps (990) would win.
    let url =
        url::Url::parse(&with_scheme).map_err(|e| UrlError::Invalid(format!("{input} ({e})")))?;
    let host = match url.host() {
        Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err(UrlError::NoHost),
    };
    let port = url.port().unwrap_or(scheme.default_port());
    if port == 0 {
        return Err(UrlError::Invalid(format!("{input} (port 0)")));
    }
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = (!url.username().is_empty()).then(|| decode(url.username()));
    let password = url.password().map(decode);
    // FTP has no query or fragment (RFC 1738): a `?` or `#` in the address is part of a name.
    let mut raw_path = url.path().to_owned();
    if let Some(query) = url.query() {
        raw_path.push('?');
        raw_path.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        raw_path.push('#');
        raw_path.push_str(fragment);
    }
    // `ftps://h?x` has an empty path before its `?` (ftp:// would have `/`): the same name.
    if !raw_path.is_empty() && !raw_path.starts_with('/') {
        raw_path.insert(0, '/');
    }
    // `;type=i` (RFC 1738) is a transfer hint, not part of the name.
    let raw_path = raw_path.split(";type=").next().unwrap_or(&raw_path);
    let path_bytes = without_dot_segments(&percent_decode_str(raw_path).collect::<Vec<u8>>());
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

/// `.` and `..` are never names on an FTP server: they are folded away as a URL parser folds them
/// (RFC 3986, 5.2.4), also where the parser left them (after a `?` or `#`, which are part of a
/// name here, or written as `%2e`), so an address means one path however it is written.
fn without_dot_segments(path: &[u8]) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    let segments: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    let last = segments.len() - 1;
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            b"." | b".." => {
                if *segment == b".." && kept.len() > 1 {
                    kept.pop();
                }
                // `/a/.` is the folder `/a/`: the trailing slash stays.
                if index == last {
                    kept.push(b"");
                }
            }
            other => kept.push(other),
        }
    }
    kept.join(&b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_fold_away() {
        for (path, expected) in [
            ("/a/b", "/a/b"),
            ("/a/./b", "/a/b"),
            ("/a/.", "/a/"),
            ("/a/b/..", "/a/"),
            ("/a/../b", "/b"),
            ("/../a", "/a"),
            ("/..", "/"),
            ("/#x:/.", "/#x:/"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("", ""),
        ] {
            let got = without_dot_segments(path.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), expected, "{path}");
        }
        let url = parse_url("ftp://h/pub/%2e%2e/x#y/../z").unwrap();
        assert_eq!(url.path.unwrap().as_bytes(), b"/z");
    }

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

    /// FTP addresses have no query or fragment (RFC 1738): `?` and `#` are part of a name.
    #[test]
    fn question_marks_and_hashes_belong_to_the_name() {
        for (text, path) in [
            ("ftp://h/pub/file#1.txt", "/pub/file#1.txt"),
            ("ftp://h/what?.txt", "/what?.txt"),
            ("ftps://h/a?b#c", "/a?b#c"),
            ("ftp://h/a%3Fb", "/a?b"),
            ("ftps://h?x", "/?x"),
            ("ftp://h?x", "/?x"),
        ] {
            let url = parse_url(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                url.path.map(|p| p.display()).as_deref(),
                Some(path),
                "{text}"
            );
        }
    }

    #[test]
    fn port_zero_is_no_port() {
        assert!(matches!(parse_url("ftp://h:0"), Err(UrlError::Invalid(_))));
        assert!(matches!(
            parse_url("ftps://h:0/x"),
            Err(UrlError::Invalid(_))
        ));
    }

    #[test]
    fn non_utf8_path_bytes_survive() {
        let url = parse_url("ftp://h/caf%E9").unwrap();
        assert_eq!(url.path.unwrap().as_bytes(), b"/caf\xe9");
    }

    /// Scheme → (scheme, default port), in any letter case, with and without a port.
    #[test]
    fn schemes_and_their_ports() {
        for (text, scheme, port) in [
            ("ftp://h", Scheme::Ftp, 21),
            ("FTP://h", Scheme::Ftp, 21),
            ("h", Scheme::Ftp, 21),
            // Explicit TLS (AUTH TLS on the FTP port): FileZilla's and WinSCP's ftpes://.
            ("ftpes://h", Scheme::Ftpes, 21),
            ("FtpEs://h", Scheme::Ftpes, 21),
            ("ftpes://h:2121/x", Scheme::Ftpes, 2121),
            // Implicit TLS: TLS from the first byte, on port 990.
            ("ftps://h", Scheme::Ftps, 990),
            ("FTPS://h:2990", Scheme::Ftps, 2990),
            // A port that is another scheme's default stays as written.
            ("ftps://h:21", Scheme::Ftps, 21),
            ("ftpes://h:990", Scheme::Ftpes, 990),
        ] {
            let url = parse_url(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((url.scheme, url.port), (scheme, port), "{text}");
            assert_eq!(url.host, "h", "{text}");
        }
    }

    #[test]
    fn sftp_is_refused_at_once_and_plainly() {
        for text in ["sftp://h", "SFTP://alice@h:22/x", "  sftp://[::1]"] {
            let err = parse_url(text).unwrap_err();
            assert_eq!(err, UrlError::Sftp, "{text}");
            assert_eq!(
                err.to_string().split(':').next(),
                Some("SFTP is not supported by Ferry")
            );
        }
        // It is recognised as an address, so the window answers as soon as it is pasted.
        assert!(looks_like_url("sftp://h"));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_url(""), Err(UrlError::NoHost));
        for (text, scheme) in [
            ("http://h", "http"),
            ("scp://h", "scp"),
            ("FTPX://h", "ftpx"),
        ] {
            assert_eq!(
                parse_url(text),
                Err(UrlError::UnsupportedScheme(scheme.into())),
                "{text}"
            );
        }
        assert!(matches!(
            parse_url("ftp://h:99999"),
            Err(UrlError::Invalid(_))
        ));
        assert!(parse_url("ftp://").is_err());
        assert!(parse_url("ftpes://").is_err());
        for text in ["  FTP://x", "ftpes://x", "FTPS://x", "sftp://x"] {
            assert!(looks_like_url(text), "{text}");
        }
        for text in ["x.org", "ftp.x.org", "user@x.org:21", "ftpes"] {
            assert!(!looks_like_url(text), "{text}");
        }
    }
}
