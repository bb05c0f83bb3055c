//! Hostile LIST input: whatever bytes a server sends, the parser lists every entry it can,
//! counts the lines it could not read, never panics and never takes quadratic time.

use super::super::*;
use super::format_case::now as capture_now;

/// Arbitrary bytes never panic, and every non-blank line ends up as an entry, a skip or unparsed.
#[test]
fn never_panics_on_junk() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[u8] =
        b" \t-drwxl0123456789:.,;=/<>[]()JanFebMarNovDec AMPM DIR\r\n\xc3\xa4\xe6\x9c\x88+@*";
    let samples: Vec<&[u8]> = vec![
        b"-rw-r--r--   1 root     other        531 Jan 29 03:26 README",
        b"type=file;size=13;modify=20261123190514; README.txt",
        b"04-27-00  09:09PM       <DIR>          licensed",
        b"CII-MANUAL.TEX;1  213/216  29-JAN-1996 03:33:12  [ANONYMOU,ANONYMOUS]   (RWED,RWED,,)",
        b"+i8388621.29609,m824255902,/,\tdev",
        b"QSYS            77824 02/23/00 15:09:55 *DIR       QOpenSys/",
    ];
    for ctx in [
        ListingContext::new(ListingFormat::List, capture_now()),
        ListingContext::new(ListingFormat::Mlsd, capture_now()),
    ] {
        for i in 0..20_000 {
            let mut buf: Vec<u8> = if i % 2 == 0 {
                samples[(next() % samples.len() as u64) as usize].to_vec()
            } else {
                Vec::new()
            };
            let n = (next() % 80) as usize;
            for _ in 0..n {
                let r = next();
                match r % 4 {
                    0 if !buf.is_empty() => {
                        let at = (r >> 8) as usize % buf.len();
                        buf.remove(at);
                    }
                    1 => buf.push((r >> 16) as u8),
                    _ => {
                        let at = if buf.is_empty() {
                            0
                        } else {
                            (r >> 8) as usize % (buf.len() + 1)
                        };
                        buf.insert(at, alphabet[(r >> 24) as usize % alphabet.len()]);
                    }
                }
            }
            let listing = parse_listing(&buf, &ctx);
            let blank_free = lines(&buf)
                .filter(|l| l.iter().any(|&b| b != b' ' && b != b'\t'))
                .count();
            assert!(listing.entries.len() + listing.unparsed.len() <= blank_free);
        }
    }
}

const GOOD_A: &[u8] = b"-rw-r--r--   1 ftp      ftp          531 Jan 29 03:26 a.txt";
const GOOD_B: &[u8] = b"drwxr-xr-x   2 ftp      ftp         4096 Jan  1  2019 b dir";

fn list_context() -> ListingContext {
    ListingContext::new(ListingFormat::List, capture_now())
}

/// The names listed, and how many lines could not be read: parsed whole, and streamed in
/// pieces of several sizes (which must agree).
fn parse(bytes: &[u8]) -> (Vec<String>, usize) {
    let whole = parse_listing(bytes, &list_context());
    for piece in [1, 7, 4096] {
        let mut parser = ListingParser::new(list_context());
        for chunk in bytes.chunks(piece) {
            parser.feed(chunk);
        }
        assert_eq!(parser.finish(), whole, "fed in pieces of {piece}");
    }
    let names = whole.entries.iter().map(|e| e.name.text.clone()).collect();
    (names, whole.unparsed.len())
}

fn join(lines: &[&[u8]], end: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line);
        out.extend_from_slice(end);
    }
    out
}

#[test]
fn bare_lf_line_ends_read_like_crlf() {
    let crlf = parse(&join(&[GOOD_A, GOOD_B], b"\r\n"));
    let lf = parse(&join(&[GOOD_A, GOOD_B], b"\n"));
    assert_eq!(crlf, (vec!["a.txt".into(), "b dir".into()], 0));
    assert_eq!(lf, crlf);
    // Both in one listing.
    let mut mixed = join(&[GOOD_A], b"\n");
    mixed.extend_from_slice(&join(&[GOOD_B], b"\r\n"));
    assert_eq!(parse(&mixed), crlf);
}

#[test]
fn no_final_line_end() {
    let mut bytes = join(&[GOOD_A], b"\r\n");
    bytes.extend_from_slice(GOOD_B);
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 0));
    // A final CR with no LF is a line end too.
    bytes.push(b'\r');
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 0));
}

#[test]
fn blank_lines_are_skipped_not_counted() {
    let bytes = join(
        &[b"", GOOD_A, b"", b"   ", b"\t", b" \t \r", GOOD_B, b""],
        b"\r\n",
    );
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 0));
    assert_eq!(parse(b"\r\n\n\r\n"), (vec![], 0));
    assert_eq!(parse(b""), (vec![], 0));
}

#[test]
fn nul_bytes() {
    // A NUL inside a line: that line can't be read (no file name holds a NUL, and taking the
    // part before it would name another file); its neighbours are listed.
    let bytes = join(
        &[
            GOOD_A,
            b"-rw-r--r--   1 ftp      ftp          531 Jan 29 03:26 c\0d.txt",
            b"\0\0\0\0 binary junk \0",
            GOOD_B,
        ],
        b"\r\n",
    );
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 2));
    // NULs as padding after the last line, or around a line, are no line at all.
    let mut bytes = join(&[GOOD_A, GOOD_B], b"\r\n");
    bytes.extend_from_slice(&[0; 512]);
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 0));
    let mut padded = b"\0\0".to_vec();
    padded.extend_from_slice(GOOD_A);
    padded.extend_from_slice(b"\0\0\r\n");
    assert_eq!(parse(&padded), (vec!["a.txt".into()], 0));
    // A NUL-joined name is never glued to the next line as a two-line VMS entry.
    let vms =
        b"LONG\0NAME.TXT;1\r\n      12/12  1-JAN-2020 10:00:00  [SYSTEM]  (RWED,RWED,RE,)\r\n";
    let (names, unparsed) = parse(vms);
    assert!(names.iter().all(|n| !n.contains('\0')), "{names:?}");
    assert_eq!(unparsed, 2);
}

#[test]
fn a_100_kb_line_is_counted_and_its_neighbours_listed() {
    let long = vec![b'x'; 100 * 1024];
    let long_entry = {
        // A valid-looking entry whose name alone is 100 kB.
        let mut l = b"-rw-r--r--   1 ftp ftp 5 Jan 29 03:26 ".to_vec();
        l.extend_from_slice(&long);
        l
    };
    let bytes = join(&[GOOD_A, &long, &long_entry, GOOD_B], b"\r\n");
    assert_eq!(parse(&bytes), (vec!["a.txt".into(), "b dir".into()], 2));
    // What is kept of an unreadable line is bounded, however long it was.
    let listing = parse_listing(&bytes, &list_context());
    assert!(listing.unparsed.iter().all(|l| l.len() <= 64 * 1024 + 1));
    // The same line as the last, with no line end.
    let mut bytes = join(&[GOOD_A], b"\r\n");
    bytes.extend_from_slice(&long);
    assert_eq!(parse(&bytes), (vec!["a.txt".into()], 1));
}

/// A hostile input of about the given size.
type MakeInput = Box<dyn Fn(usize) -> Vec<u8>>;

/// Work grows in step with the input for every shape of hostile input. 2 MiB of each is
/// parsed (fed in pieces, as from the network) well within a few seconds even unoptimised,
/// where anything quadratic — in the whole input, or in one 64 KiB line — would take hours.
/// (A bound on the time, not a ratio of two timings: ratios swing with caches and with other
/// work on a shared machine.)
#[test]
fn hostile_input_takes_linear_time() {
    let shapes: Vec<(&str, MakeInput)> = vec![
        ("one endless line", Box::new(|n| vec![b'-'; n])),
        (
            "endless blanks and tokens",
            Box::new(|n| b"-rw-r--r-- 1 a ".repeat(n / 15)),
        ),
        (
            "unreadable lines, each tried joined with the next",
            Box::new(|n| b"LONG-NAME.TXT;1\r\n".repeat(n / 17)),
        ),
        (
            "brackets never closed",
            Box::new(|n| {
                let mut l = b"NAME.TXT;1 (".to_vec();
                l.extend(b" [ (".repeat(n / 4));
                l
            }),
        ),
        ("NULs", Box::new(|n| vec![0; n])),
        (
            "lines just under the longest read, of short tokens",
            Box::new(|n| {
                let mut line = b"1 ".repeat(30 * 1024);
                line.extend_from_slice(b"\r\n");
                line.repeat(n / line.len())
            }),
        ),
        (
            "link entries whose names are all arrows",
            Box::new(|n| {
                let mut line = b"lrwxrwxrwx 1 u g 5 Jan 29 03:26 ".to_vec();
                line.extend(b"a -> ".repeat(12 * 1024));
                line.extend_from_slice(b"\r\n");
                line.repeat(n / line.len())
            }),
        ),
        (
            "junk lines between entries",
            Box::new(|n| {
                let mut unit = join(&[GOOD_A, b"\0junk\0", b""], b"\n");
                unit.extend_from_slice(b"\r\n\r\n");
                unit.repeat(n / unit.len())
            }),
        ),
    ];
    const SIZE: usize = 2 * 1024 * 1024;
    const LIMIT: std::time::Duration = std::time::Duration::from_secs(5);
    for (what, make) in &shapes {
        let bytes = make(SIZE);
        let start = std::time::Instant::now();
        let mut parser = ListingParser::new(list_context());
        for chunk in bytes.chunks(1000) {
            parser.feed(chunk);
        }
        let listing = parser.finish();
        let took = start.elapsed();
        assert!(took < LIMIT, "{what}: {} bytes took {took:?}", bytes.len());
        // Whatever the shape, nothing is listed twice and nothing is invented.
        assert!(listing.entries.len() + listing.unparsed.len() <= bytes.len() / 2 + 1);
    }
}
