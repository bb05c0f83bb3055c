//! What must hold for every parser of untrusted text, whatever the input: the bodies of the
//! cargo-fuzz targets in `fuzz/` (run with `fuzz/run-all.sh`), kept here so that every build
//! of the tests compiles them and replays the inputs fuzzing found (`tests` below). Each check
//! panics when an invariant breaks; not panicking is the first of them.
//!
//! Compiled for the crate's tests and with the `fuzzing` feature only (the fuzz crate turns it
//! on); never part of the program.

use std::path::{Component, Path};

use chrono::NaiveDate;

use super::features::Features;
use super::listing::{
    EntryKind, Listing, ListingContext, ListingFormat, ListingParser, NameEncoding, Viewed, lines,
    parse_listing, unix,
};
use super::local_name::{NameRules, join_inside, safe_local_name, safe_local_name_for};
use super::passive::{parse_epsv, parse_pasv};
use super::path::{RemotePath, parse_pwd_reply};
use super::reply::Reply;
use super::url::{Scheme, UrlError, looks_like_url, parse_url};
use super::verify::{
    HashAlgorithm, mfmt_time, parse_digest, parse_mdtm_reply, parse_size_reply, to_hex,
};

/// Listings: any bytes, as MLSD and as LIST, with the SYST hint, name encoding and time-zone
/// offset the first byte picks. Never more entries and unreadable lines than lines; no entry
/// without a name or with a NUL or line end in it; the streaming parser, fed in pieces of a
/// size the input picks, agrees with the whole parse.
pub fn listing(data: &[u8]) {
    let Some(now) = NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(19, 5, 0))
    else {
        return;
    };
    let (hint, bytes) = match data.split_first() {
        Some((&h, rest)) => (h, rest),
        None => (0, data),
    };
    let systems = [
        None,
        Some("UNIX Type: L8"),
        Some("VMS"),
        Some("MVS is the operating system of this server."),
        Some("OS/400 is the remote operating system."),
        Some("Windows_NT"),
        Some("OS/2"),
        Some("VxWorks"),
    ];
    let system = systems[usize::from(hint) % systems.len()];
    let encoding = NameEncoding::ALL[usize::from(hint >> 3) % NameEncoding::ALL.len()];
    let offset = i32::from(hint as i8) * 15;
    let piece = usize::from(hint % 61) + 1;

    let lines_sent = lines(bytes).count();
    for format in [ListingFormat::Mlsd, ListingFormat::List] {
        let mut context = ListingContext::new(format, now)
            .with_encoding(encoding)
            .with_server_offset_minutes(offset);
        context.system = system.map(str::to_owned);
        let whole = parse_listing(bytes, &context);
        check_listing(&whole, lines_sent);
        // The one-pass reading of the common Unix layout reads a line as the general one does,
        // and its borrowed form (the streaming parser's, keeping the dates of the lines before)
        // as the owned one.
        let mut memory = unix::LineMemory::default();
        for line in lines(bytes) {
            let viewed =
                unix::parse_canonical_view(line, &context, &mut memory).map(Viewed::into_result);
            let canonical = unix::parse_canonical(line, &context);
            assert_eq!(viewed, canonical, "{line:?}");
            if let Some(canonical) = canonical {
                assert_eq!(
                    Some(canonical),
                    unix::parse_general(line, &context),
                    "{line:?}"
                );
            }
        }
        let mut parser = ListingParser::new(context);
        for chunk in bytes.chunks(piece) {
            parser.feed(chunk);
        }
        assert_eq!(parser.finish(), whole, "fed in pieces of {piece}");
    }
}

fn check_listing(listing: &Listing, lines_sent: usize) {
    assert!(listing.entries.len() + listing.unparsed.len() <= lines_sent);
    for entry in &listing.entries {
        let name = &entry.name.raw;
        assert!(!name.is_empty(), "{entry:?}");
        assert!(!name.contains(&0) && !name.contains(&b'\n'), "{entry:?}");
        assert!(!entry.raw_line.is_empty(), "{entry:?}");
        if let EntryKind::Link {
            target: Some(target),
        } = &entry.kind
        {
            assert!(!target.is_empty(), "{entry:?}");
        }
    }
    for line in &listing.unparsed {
        assert!(line.len() <= 64 * 1024 + 1);
    }
}

/// A reply built from fuzz bytes: the first byte picks the code, the rest is its text, one
/// reply line per line (a FEAT reply's lines become its feature lines).
fn reply_from(data: &[u8]) -> Reply {
    const CODES: [u16; 8] = [213, 250, 257, 211, 227, 229, 500, 150];
    let (selector, text) = match data.split_first() {
        Some((&s, rest)) => (s, rest),
        None => (0, data),
    };
    let code = CODES[usize::from(selector) % CODES.len()];
    let mut text_lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if code == 211 {
        let mut lines = vec![b"211-Features:".to_vec()];
        lines.extend(text_lines.iter().map(|l| [b" ", *l].concat()));
        lines.push(b"211 End".to_vec());
        return Reply { code, lines };
    }
    let first = text_lines.remove(0);
    let mut lines = vec![[format!("{code} ").as_bytes(), first].concat()];
    lines.extend(text_lines.iter().map(|l| l.to_vec()));
    Reply { code, lines }
}

const ALGORITHMS: [HashAlgorithm; 5] = [
    HashAlgorithm::Sha256,
    HashAlgorithm::Sha512,
    HashAlgorithm::Sha1,
    HashAlgorithm::Md5,
    HashAlgorithm::Crc32,
];

fn reply(code: u16, text: &str) -> Reply {
    Reply {
        code,
        lines: vec![format!("{code} {text}").into_bytes()],
    }
}

/// The values Ferry reads from replies — SIZE, MDTM, HASH/XSHA…/XCRC digests, PWD, FEAT,
/// PASV, EPSV. Whatever is read back must say the same when written the standard way and
/// read again; digests have their algorithm's length; no port is 0.
pub fn reply_values(data: &[u8]) {
    let reply = reply_from(data);

    if let Some(size) = parse_size_reply(&reply) {
        assert_eq!(reply.code, 213);
        assert_eq!(
            parse_size_reply(&self::reply(213, &size.to_string())),
            Some(size)
        );
    }
    if let Some(time) = parse_mdtm_reply(&reply) {
        assert_eq!(reply.code, 213);
        let stamp = mfmt_time(time);
        assert!(
            stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()),
            "{stamp}"
        );
        assert_eq!(parse_mdtm_reply(&self::reply(213, &stamp)), Some(time));
    }
    for algorithm in ALGORITHMS {
        if let Some(digest) = parse_digest(&reply, algorithm) {
            assert_eq!(digest.len(), algorithm.digest_len(), "{algorithm:?}");
            let again = self::reply(
                213,
                &format!("{} 0-1 {} name", algorithm.name(), to_hex(&digest)),
            );
            assert_eq!(
                parse_digest(&again, algorithm),
                Some(digest),
                "{algorithm:?}"
            );
        }
    }
    if let Some(path) = parse_pwd_reply(&reply) {
        assert!(!path.as_bytes().is_empty());
        // RFC 959: the path in quotes, a quote inside it doubled.
        let mut quoted = b"257 \"".to_vec();
        for &b in path.as_bytes() {
            quoted.push(b);
            if b == b'"' {
                quoted.push(b'"');
            }
        }
        quoted.extend_from_slice(b"\" is the current directory");
        let again = Reply {
            code: 257,
            lines: vec![quoted],
        };
        assert_eq!(
            parse_pwd_reply(&again),
            Some(RemotePath::from_bytes(path.as_bytes()))
        );
    }
    let features = Features::from_reply(&reply);
    for line in &features.lines {
        assert!(!line.is_empty() && line.trim() == line, "{line:?}");
        let name = line.split(' ').next().unwrap_or_default();
        assert!(features.has(name), "{line:?}");
    }

    let text = reply.first_line_text_bytes();
    if let Some((ip, port)) = parse_pasv(text) {
        let [a, b, c, d] = ip.octets();
        let again = format!(
            "Entering Passive Mode ({a},{b},{c},{d},{},{}).",
            port >> 8,
            port & 0xff
        );
        assert_eq!(parse_pasv(again.as_bytes()), Some((ip, port)));
    }
    if let Some(port) = parse_epsv(text) {
        assert_ne!(port, 0);
        let again = format!("Entering Extended Passive Mode (|||{port}|)");
        assert_eq!(parse_epsv(again.as_bytes()), Some(port));
    }
}

/// Addresses: whatever parses has a host and a port, says the scheme it was written with,
/// and comes back the same when written out again with every part percent-encoded. `sftp://`
/// is always the SFTP error; an address `looks_like_url` rejects is read as a bare host.
pub fn url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_url(text);
    let scheme_written = text
        .trim()
        .split_once("://")
        .map(|(s, _)| s.to_ascii_lowercase());
    if scheme_written.as_deref() == Some("sftp") {
        assert_eq!(parsed, Err(UrlError::Sftp));
    }
    let Ok(url) = parsed else {
        return;
    };
    assert!(!url.host.is_empty());
    assert_ne!(url.port, 0);
    let name = match url.scheme {
        Scheme::Ftp => "ftp",
        Scheme::Ftpes => "ftpes",
        Scheme::Ftps => "ftps",
    };
    match scheme_written.as_deref() {
        Some(written) => assert_eq!(written, name),
        None => assert_eq!(url.scheme, Scheme::Ftp),
    }
    if looks_like_url(text) {
        assert!(scheme_written.is_some());
    }

    let mut again = format!("{name}://");
    if let Some(user) = &url.user {
        again.push_str(&encode(user.as_bytes()));
        if let Some(password) = &url.password {
            again.push(':');
            again.push_str(&encode(password.as_bytes()));
        }
        again.push('@');
    }
    if url.host.contains(':') {
        again.push_str(&format!("[{}]", url.host));
    } else {
        again.push_str(&url.host);
    }
    again.push_str(&format!(":{}", url.port));
    if let Some(path) = &url.path {
        let bytes = path.as_bytes();
        if !bytes.starts_with(b"/") {
            again.push('/');
        }
        for segment in bytes.split(|&b| b == b'/').enumerate() {
            if segment.0 > 0 {
                again.push('/');
            }
            again.push_str(&encode(segment.1));
        }
    }
    let reparsed =
        parse_url(&again).unwrap_or_else(|e| panic!("{text:?} → {again:?} does not parse: {e}"));
    assert_eq!(reparsed.scheme, url.scheme, "{again}");
    assert_eq!(
        reparsed.host.to_ascii_lowercase(),
        url.host.to_ascii_lowercase(),
        "{again}"
    );
    assert_eq!(reparsed.port, url.port, "{again}");
    assert_eq!(reparsed.user, url.user, "{again}");
    if url.user.is_some() {
        assert_eq!(reparsed.password, url.password, "{again}");
    }
    assert_eq!(reparsed.path, url.path, "{again}");
}

/// Percent-encodes every byte but the unreserved ones (RFC 3986).
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Local names: what comes out of the sanitiser is one plain path component under either
/// system's rules — no separator, no `.` or `..`, no control character; under Windows' rules
/// also no drive, forbidden character or trailing dot or space — it is a fixed point
/// (sanitising it again changes nothing), and joined to a folder it stays inside that folder.
pub fn local_name(data: &[u8]) {
    let name = String::from_utf8_lossy(data);
    for rules in [NameRules::Posix, NameRules::Windows] {
        let Ok(safe) = safe_local_name_for(&name, rules) else {
            continue;
        };
        assert!(!safe.is_empty());
        assert!(!safe.contains('/'), "{name:?} → {safe:?}");
        if rules == NameRules::Windows {
            assert!(
                !safe.contains(['\\', ':', '*', '?', '"', '<', '>', '|']),
                "{name:?} → {safe:?}"
            );
            assert!(!safe.ends_with(['.', ' ']), "{name:?} → {safe:?}");
        }
        assert!(!safe.chars().any(char::is_control), "{name:?} → {safe:?}");
        assert!(safe != "." && safe != "..", "{name:?} → {safe:?}");
        assert_eq!(
            safe_local_name_for(&safe, rules).as_deref(),
            Ok(safe.as_str()),
            "{name:?} under {rules:?}"
        );
    }
    // Joined under this system's rules, on this system's paths.
    let Ok(safe) = safe_local_name(&name) else {
        return;
    };
    let components: Vec<Component> = Path::new(&safe).components().collect();
    assert!(
        matches!(components.as_slice(), [Component::Normal(_)]),
        "{name:?} → {safe:?}: {components:?}"
    );
    let base = Path::new("/downloads/here");
    let joined = join_inside(base, Path::new(&safe)).expect("a safe name joins");
    assert!(joined.starts_with(base) && joined != base, "{joined:?}");
    assert_eq!(joined.parent(), Some(base), "{joined:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check over inputs that once broke a parser (each named for what it found) and
    /// seeds from each format, then a bounded stream of pseudo-random inputs — the fuzz
    /// targets, run briefly on stable Rust by every `cargo test`.
    /// Inputs libFuzzer found, kept fixed (the target each went to is in its first byte for
    /// `listing` and `reply_values`; the others take the bytes as they are).
    const FOUND: &[(&str, &[u8])] = &[(
        "url: a `.` segment after `#` (part of a name in FTP) came back folded on the way round",
        b"ft\0\0\0\0\0\x0040s%cret@filecret@filfte.#fAo64p2:/%2e",
    )];

    const SEEDS: &[&[u8]] = &[
        b"\x01-rw-r--r--   1 root     other        531 Jan 29 03:26 README\r\n",
        b"\x00type=file;size=13;modify=20261123190514; README.txt\r\n",
        b"\x05LONG-NAME.TXT;1\r\n  12/12  1-JAN-2020 10:00:00  [SYSTEM]  (RWED,RWED,RE,)\r\n",
        b"\x00213 20261123190512.123",
        b"\x00SHA-256 0-0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 f",
        b"\x02\"/a \"\"quoted\"\" dir\" is current",
        b"\x03MLST type*;size*;\nUTF8\nHASH SHA-256*;MD5",
        b"\x04Entering Passive Mode (127,0,0,1,4,1).",
        b"\x05Entering Extended Passive Mode (|||6446|)",
        b"ftp://alice:s%40cret@files.example.com:2121/pub/my%20dir;type=i",
        b"ftps://[::1]/x",
        b"ftpes://h:990",
        b"sftp://h",
        b"../../etc/passwd",
        b"con.txt",
        b"a. ",
    ];

    fn all_checks(input: &[u8]) {
        listing(input);
        reply_values(input);
        url(input);
        local_name(input);
    }

    #[test]
    fn inputs_fuzzing_found_stay_fixed() {
        for (what, input) in FOUND {
            let result = std::panic::catch_unwind(|| all_checks(input));
            assert!(result.is_ok(), "{what}: {input:?}");
        }
    }

    #[test]
    fn seeds_and_a_bounded_random_run() {
        for seed in SEEDS {
            all_checks(seed);
        }
        // xorshift: the same inputs every run, so a failure here is reproducible.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3_000 {
            let mut input = SEEDS[(next() % SEEDS.len() as u64) as usize].to_vec();
            for _ in 0..next() % 8 {
                let r = next();
                let at = (r >> 8) as usize % (input.len() + 1);
                match r % 3 {
                    0 if at < input.len() => {
                        input.remove(at);
                    }
                    1 => input.insert(at, (r >> 16) as u8),
                    _ => {
                        const ALPHABET: &[u8] = b" /.:;\"%-\r\n0129[]@";
                        input.insert(at, ALPHABET[(r >> 24) as usize % ALPHABET.len()])
                    }
                }
            }
            all_checks(&input);
        }
    }
}
