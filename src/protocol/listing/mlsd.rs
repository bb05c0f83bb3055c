//! MLSD / MLST lines (RFC 3659): `fact=value;fact=value; name`.
//!
//! Fact names are case-insensitive; the name is everything after the first space that follows
//! the facts (so it may hold spaces, `;` and `=`). `type=cdir` / `type=pdir` are skipped. Times
//! (`modify`) are UTC and are never shifted by the site's time-zone offset.

use chrono::NaiveDateTime;

use super::common::{find_byte, parse_u64};
use super::dates::make_datetime;
use super::{Entry, EntryKind, LineResult, ListingContext, ListingFormat, Modified, TimePrecision};

/// Parses one MLSD line (or an MLST reply line, which starts with a space), names decoded as
/// UTF-8 (lossy).
pub fn parse_line(line: &[u8]) -> LineResult {
    let ctx = ListingContext::new(ListingFormat::Mlsd, NaiveDateTime::default());
    parse_line_with(line, &ctx)
}

/// Parses one MLSD/MLST line with a site's context (name encoding).
pub fn parse_line_with(line: &[u8], ctx: &ListingContext) -> LineResult {
    match parse(line, ctx) {
        Some(r) => r,
        None => LineResult::Unparsed,
    }
}

/// `None` when the line is not an MLSD line.
pub(crate) fn parse_opt(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    parse(line, ctx)
}

fn parse(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    if line.len() > super::MAX_LINE {
        return None;
    }
    let mut body = line;
    if let Some(rest) = body.strip_prefix(b" ") {
        // An MLST reply line: " facts name". A space then no facts at all (" name") is an
        // entry with an empty fact list: then the rest is the name.
        match rest.iter().position(|&b| b == b' ') {
            Some(sp) if rest[..sp].contains(&b'=') => body = rest,
            _ => {
                // Only from MLSD/MLST itself: in a LIST, any junk line that starts with a
                // blank would otherwise become an entry.
                if rest.is_empty() || ctx.format != ListingFormat::Mlsd {
                    return None;
                }
                return Some(LineResult::Entry(Entry {
                    name: ctx.name(rest),
                    kind: EntryKind::File,
                    size: None,
                    modified: None,
                    permissions: None,
                    owner: None,
                    group: None,
                    raw_line: line.to_vec(),
                }));
            }
        }
    }
    // Facts end at the first space (RFC 3659); a few servers put a TAB there instead.
    let mut sp = find_byte(body, b' ')?;
    if let Some(tab) = find_byte(&body[..sp], b'\t') {
        sp = tab;
    }
    let facts = &body[..sp];
    let name = &body[sp + 1..];
    if name.is_empty() || facts.is_empty() {
        return None;
    }
    let mut any_fact = false;

    let mut kind: Option<EntryKind> = None;
    let mut size: Option<u64> = None;
    let mut sizd: Option<u64> = None;
    let mut modified: Option<Modified> = None;
    let mut mode: Option<&[u8]> = None;
    let mut perm: Option<&[u8]> = None;
    // Owner/group: names beat numbers.
    let mut owner: (u8, Option<&[u8]>) = (0, None);
    let mut group: (u8, Option<&[u8]>) = (0, None);

    let mut rest = facts;
    while !rest.is_empty() {
        let fact = match find_byte(rest, b';') {
            Some(p) => {
                let f = &rest[..p];
                rest = &rest[p + 1..];
                f
            }
            None => std::mem::take(&mut rest),
        };
        if fact.is_empty() {
            continue;
        }
        // A fact without `=` means this is not a fact list.
        let eq = find_byte(fact, b'=')?;
        any_fact = true;
        let key = &fact[..eq];
        let value = &fact[eq + 1..];
        if key.len() > 16 {
            continue;
        }
        let mut buf = [0u8; 16];
        for (d, &b) in buf.iter_mut().zip(key) {
            *d = b.to_ascii_lowercase();
        }
        match &buf[..key.len()] {
            b"type" => {
                kind = Some(match parse_type(value, ctx) {
                    TypeFact::Skip => return Some(LineResult::Skip),
                    TypeFact::Kind(k) => k,
                })
            }
            b"size" => size = parse_u64(value),
            b"sizd" => sizd = parse_u64(value),
            b"modify" => modified = parse_time_val(value),
            b"unix.mode" => mode = Some(value),
            b"perm" => perm = Some(value),
            b"unix.ownername" | b"unix.user" => owner = pick(owner, 3, value),
            b"unix.owner" => owner = pick(owner, 2, value),
            b"unix.uid" => owner = pick(owner, 1, value),
            b"unix.groupname" => group = pick(group, 3, value),
            b"unix.group" => group = pick(group, 2, value),
            b"unix.gid" => group = pick(group, 1, value),
            _ => {}
        }
    }

    if !any_fact {
        return None;
    }
    let kind = kind.unwrap_or(EntryKind::File);
    // A `.`/`..` that a server lists without cdir/pdir is not an entry either.
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    let permissions = mode.or(perm).map(|p| ctx.short(p));
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size: size.or(sizd),
        modified,
        permissions,
        owner: owner.1.map(|o| ctx.short(o)),
        group: group.1.map(|g| ctx.short(g)),
        raw_line: line.to_vec(),
    }))
}

fn pick<'a>(current: (u8, Option<&'a [u8]>), rank: u8, value: &'a [u8]) -> (u8, Option<&'a [u8]>) {
    if !value.is_empty() && rank > current.0 {
        (rank, Some(value))
    } else {
        current
    }
}

enum TypeFact {
    Skip,
    Kind(EntryKind),
}

fn parse_type(value: &[u8], ctx: &ListingContext) -> TypeFact {
    let eq = |s: &str| value.eq_ignore_ascii_case(s.as_bytes());
    if eq("file") {
        TypeFact::Kind(EntryKind::File)
    } else if eq("dir") {
        TypeFact::Kind(EntryKind::Dir)
    } else if eq("cdir") || eq("pdir") {
        TypeFact::Skip
    } else if value.len() >= 8 && value[..8].eq_ignore_ascii_case(b"os.unix=") {
        let sub = &value[8..];
        if sub.len() >= 5 && sub[..5].eq_ignore_ascii_case(b"slink") {
            // `slink` or `slink:target` (pure-ftpd sends an empty target).
            let target = sub[5..].strip_prefix(b":").filter(|t| !t.is_empty());
            TypeFact::Kind(EntryKind::Link {
                target: target.map(|t| ctx.text(t)),
            })
        } else if sub.eq_ignore_ascii_case(b"symlink") || sub.eq_ignore_ascii_case(b"link") {
            TypeFact::Kind(EntryKind::Link { target: None })
        } else if sub.eq_ignore_ascii_case(b"dir") {
            TypeFact::Kind(EntryKind::Dir)
        } else {
            TypeFact::Kind(EntryKind::Other)
        }
    } else {
        TypeFact::Kind(EntryKind::Other)
    }
}

/// `YYYYMMDDHHMMSS[.sss]` in UTC.
fn parse_time_val(v: &[u8]) -> Option<Modified> {
    if v.len() < 14 {
        return None;
    }
    let d = |a: usize, b: usize| parse_u64(&v[a..b]).map(|n| n as u32);
    let (y, mo, da, h, mi, s) = (
        d(0, 4)?,
        d(4, 6)?,
        d(6, 8)?,
        d(8, 10)?,
        d(10, 12)?,
        d(12, 14)?,
    );
    let mut time = make_datetime(y as i32, mo, da, h, mi, s.min(59))?;
    let frac = &v[14..];
    if let Some(frac) = frac.strip_prefix(b".") {
        let digits = &frac[..frac.len().min(9)];
        if let Some(n) = parse_u64(digits) {
            let nanos = n * 10u64.pow(9 - digits.len() as u32);
            time = time
                .checked_add_signed(chrono::Duration::nanoseconds(nanos as i64))
                .unwrap_or(time);
        }
    }
    Some(Modified {
        time,
        precision: TimePrecision::Second,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(line: &str) -> Entry {
        match parse_line(line.as_bytes()) {
            LineResult::Entry(e) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn basic_file() {
        let e = entry(
            "type=file;size=5368709120;modify=20261123190514;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=1001;unique=fe00g98c954; big-5GiB.sparse",
        );
        assert_eq!(e.name.text, "big-5GiB.sparse");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(5368709120));
        assert_eq!(e.permissions.as_deref(), Some("0644"));
        assert_eq!(e.owner.as_deref(), Some("1001"));
        assert_eq!(e.group.as_deref(), Some("1001"));
        let m = e.modified.unwrap();
        assert_eq!(m.time, make_datetime(2026, 11, 23, 19, 5, 14).unwrap());
        assert_eq!(m.precision, TimePrecision::Second);
    }

    #[test]
    fn case_insensitive_and_names() {
        let e = entry(
            "TYPE=DIR;Modify=20190101123456.789;unix.MODE=755;UNIX.ownername=alice;UNIX.owner=1000; dir with ; and = and  spaces ",
        );
        assert_eq!(e.name.text, "dir with ; and = and  spaces ");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.permissions.as_deref(), Some("755"));
        assert_eq!(e.owner.as_deref(), Some("alice"));
        let t = e.modified.unwrap().time;
        assert_eq!(t.and_utc().timestamp_subsec_millis(), 789);
    }

    #[test]
    fn skip_cdir_pdir() {
        assert!(matches!(
            parse_line(b"type=cdir;sizd=4096; ."),
            LineResult::Skip
        ));
        assert!(matches!(
            parse_line(b"Type=PDir;modify=20261123190514; .."),
            LineResult::Skip
        ));
    }

    #[test]
    fn links() {
        let e = entry("type=OS.unix=slink:/etc/passwd;size=10; pw");
        assert_eq!(
            e.kind,
            EntryKind::Link {
                target: Some("/etc/passwd".into())
            }
        );
        let e = entry("type=OS.unix=slink:;size=10; pw");
        assert_eq!(e.kind, EntryKind::Link { target: None });
        let e = entry("type=OS.unix=symlink;size=10; pw");
        assert!(e.is_link());
        let e = entry("type=OS.unix=blkdev;size=0; sda");
        assert_eq!(e.kind, EntryKind::Other);
    }

    #[test]
    fn mlst_reply_line() {
        let e = entry(" modify=20261123190514;perm=adfrw;size=13;type=file; /corpus/README.txt");
        assert_eq!(e.name.text, "/corpus/README.txt");
        assert_eq!(e.size, Some(13));
        assert_eq!(e.permissions.as_deref(), Some("adfrw"));
        let e = entry(" no-facts name");
        assert_eq!(e.name.text, "no-facts name");
    }

    #[test]
    fn separators_and_odd_facts() {
        let e =
            entry("size=1365694195;type=file;modify=20090722092510;\tTV 2009-07-22 08-25-10.ts");
        assert_eq!(e.name.text, "TV 2009-07-22 08-25-10.ts");
        assert_eq!(e.size, Some(1365694195));
        let e = entry("Type=file; \t leading blanks");
        assert_eq!(e.name.text, "\t leading blanks");
        let e = entry("Type=file; trailing blanks\t ");
        assert_eq!(e.name.text, "trailing blanks\t ");
        let e = entry("type=file no trailing semicolon");
        assert_eq!(e.name.text, "no trailing semicolon");
        let e = entry(
            "modify=20080426135501;perm=;size=65718921;type=file;UNIX.group=1179;UNIX.mode=00;UNIX.owner=1179; empty perm",
        );
        assert_eq!(e.permissions.as_deref(), Some("00"));
        assert_eq!(e.owner.as_deref(), Some("1179"));
        assert_eq!(e.group.as_deref(), Some("1179"));
        let e = entry("Type=file;mOdIfY=19681105165215;size=1234; pre-epoch");
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(1968, 11, 5, 16, 52, 15).unwrap()
        );
        let e = entry("type=OS.unix=slink; no target");
        assert_eq!(e.kind, EntryKind::Link { target: None });
        // `.`/`..` without cdir/pdir are not entries either.
        assert!(matches!(parse_line(b"type=dir; ."), LineResult::Skip));
    }

    #[test]
    fn not_mlsd() {
        for l in [
            "-rw-r--r-- 1 a b 3 Jan 01 2019 x",
            "garbage",
            "type=file;size=1;",
            "",
            " ",
        ] {
            assert!(
                matches!(parse_line(l.as_bytes()), LineResult::Unparsed),
                "{l:?}"
            );
        }
    }

    #[test]
    fn raw_bytes_kept() {
        let e = match parse_line(b"type=file;size=1; caf\xe9") {
            LineResult::Entry(e) => e,
            _ => panic!(),
        };
        assert_eq!(e.name.raw, b"caf\xe9");
        assert_eq!(e.name.text, "café"); // Auto: Windows-1252 fallback
    }
}
