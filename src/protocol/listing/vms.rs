//! OpenVMS listings: `NAME.EXT;VERSION` then, in any order, the size in 512-byte blocks
//! (`213` or `used/allocated` `213/216`, or with a unit `2KB`), the date `29-JAN-1996`, an
//! optional time `03:33:12[.45]`, an optional owner `[GROUP,USER]` (or a bare name) and
//! optional protection `(RWED,RWED,RE,)`.
//!
//! ```text
//! CII-MANUAL.TEX;1  213/216  29-JAN-1996 03:33:12  [ANONYMOU,ANONYMOUS]   (RWED,RWED,,)
//! SUBDIR.DIR;1        1/3    19-NOV-2001 21:41     [ROOT,ROOT]  (RWE,RWE,RE,RE)
//! A-VERY-LONG-FILE-NAME-THAT-DOES-NOT-FIT.TXT;1
//!                 170774/170775  24-APR-2003 08:16:15  [FTP_CLIENT,SCOT]  (RWED,RWED,RE,)
//! ```
//!
//! Folders are `NAME.DIR;N` and are listed as `NAME`; files keep their version (`;1`), which is
//! what commands naming that version need. A name too long for its column sits alone on a line
//! with the rest on the next ([`parse_joined`]). The `Directory …` header and the
//! `Total of …` footers are skipped.

use super::common::{Tokens, all_digits, parse_size_with_unit, parse_u64};
use super::dates::{local_modified, parse_month_name_date, parse_time};
use super::{Entry, EntryKind, LineResult, ListingContext};

const BLOCK: u64 = 512;

pub(crate) fn parse_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len == 0 {
        return None;
    }
    let name = t.get(0);
    let Some(base_len) = versioned_name(name) else {
        return noise(&t);
    };
    if t.len < 2 {
        return None;
    }

    let mut size: Option<u64> = None;
    let mut date = None;
    let mut time = None;
    let mut owner: Option<&[u8]> = None;
    let mut perms: Option<&[u8]> = None;
    let mut i = 1;
    while i < t.len {
        let tok = t.get(i);
        let first = tok[0];
        if first == b'(' || first == b'[' {
            // Protection or owner, possibly with blanks inside: up to the closing bracket.
            let close = if first == b'(' { b')' } else { b']' };
            let start = t.span(i)?.start;
            let rel = t.line[start..].iter().position(|&b| b == close)?;
            let inner = &t.line[start + 1..start + rel];
            if first == b'(' {
                if perms.replace(inner).is_some() {
                    return None;
                }
            } else if owner.replace(inner).is_some() {
                return None;
            }
            let end = start + rel + 1;
            while i < t.len && t.span(i)?.end <= end {
                i += 1;
            }
            if i < t.len && t.span(i)?.start < end {
                return None;
            }
            continue;
        }
        if date.is_none()
            && let Some(d) = parse_month_name_date(tok)
        {
            date = Some(d);
        } else if time.is_none() && date.is_some() && tok.contains(&b':') {
            time = Some(parse_time(tok)?);
        } else if size.is_none()
            && let Some(s) = parse_blocks(tok)
        {
            size = Some(s);
        } else if owner.is_none() && is_bare_owner(tok) {
            owner = Some(tok);
        } else {
            return None;
        }
        i += 1;
    }
    let date = date?;
    let modified = local_modified(ctx, date, time)?;

    let base = &name[..base_len];
    let (kind, shown) = if base.len() > 4 && base[base.len() - 4..].eq_ignore_ascii_case(b".DIR") {
        (EntryKind::Dir, &base[..base.len() - 4])
    } else {
        (EntryKind::File, name)
    };
    Some(LineResult::Entry(Entry {
        name: ctx.name(shown),
        kind,
        size,
        modified: Some(modified),
        permissions: perms.map(|p| ctx.short(p)),
        owner: owner.map(|o| ctx.short(o)),
        group: None,
        raw_line: line.to_vec(),
    }))
}

/// A name alone on its line (`LONG-NAME.TXT;1`) followed by the rest of the entry.
pub(crate) fn parse_joined(line: &[u8], next: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len != 1 {
        return None;
    }
    let name = t.get(0);
    versioned_name(name)?;
    let n = Tokens::new(next);
    if n.len == 0 || versioned_name(n.get(0)).is_some() {
        return None;
    }
    let mut joined = Vec::with_capacity(name.len() + 1 + next.len());
    joined.extend_from_slice(name);
    joined.push(b' ');
    joined.extend_from_slice(next);
    match parse_line(&joined, ctx)? {
        LineResult::Entry(mut e) => {
            let mut raw = Vec::with_capacity(line.len() + 1 + next.len());
            raw.extend_from_slice(line);
            raw.push(b'\n');
            raw.extend_from_slice(next);
            e.raw_line = raw;
            Some(LineResult::Entry(e))
        }
        _ => None,
    }
}

/// `NAME.EXT;12` → the length of `NAME.EXT`.
fn versioned_name(tok: &[u8]) -> Option<usize> {
    let semi = tok.iter().rposition(|&b| b == b';')?;
    let version = &tok[semi + 1..];
    (semi > 0 && !version.is_empty() && version.len() <= 5 && all_digits(version)).then_some(semi)
}

/// `213`, `213/216` (blocks) or `2KB`, `1.5MB` (bytes).
fn parse_blocks(tok: &[u8]) -> Option<u64> {
    if let Some(slash) = tok.iter().position(|&b| b == b'/') {
        let used = parse_u64(&tok[..slash])?;
        parse_u64(&tok[slash + 1..])?;
        return used.checked_mul(BLOCK);
    }
    if all_digits(tok) {
        return parse_u64(tok)?.checked_mul(BLOCK);
    }
    let unit = tok.strip_suffix(b"B").or_else(|| tok.strip_suffix(b"b"))?;
    if unit.last().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    parse_size_with_unit(unit)
}

/// An owner without brackets: `PRONAS`, `SYSTEM`.
fn is_bare_owner(tok: &[u8]) -> bool {
    tok.len() <= 32
        && tok[0].is_ascii_alphabetic()
        && tok
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b','))
}

/// `Directory DKA100:[USER]`, `Total of 3 files, 12/48 blocks.`, `Grand total of …`.
fn noise(t: &Tokens) -> Option<LineResult> {
    let a = t.get(0);
    let b = t.get(1);
    let c = t.get(2);
    let header = a == b"Directory" && t.len == 2 && (b.contains(&b'[') || b.contains(&b':'));
    let total = a == b"Total" && b == b"of";
    let grand = a == b"Grand" && b == b"total" && c == b"of";
    (header || total || grand).then_some(LineResult::Skip)
}

#[cfg(test)]
mod tests {
    use super::super::dates::make_datetime;
    use super::super::{TimePrecision, parse_listing};
    use super::*;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    fn entry(line: &str) -> Entry {
        match parse_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn classic() {
        let e = entry(
            "CII-MANUAL.TEX;1  213/216  29-JAN-1996 03:33:12  [ANONYMOU,ANONYMOUS]   (RWED,RWED,,)",
        );
        assert_eq!(e.name.text, "CII-MANUAL.TEX;1");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(213 * 512));
        assert_eq!(e.owner.as_deref(), Some("ANONYMOU,ANONYMOUS"));
        assert_eq!(e.permissions.as_deref(), Some("RWED,RWED,,"));
        let m = e.modified.unwrap();
        assert_eq!(m.time, make_datetime(1996, 1, 29, 3, 33, 12).unwrap());
        assert_eq!(m.precision, TimePrecision::Second);
    }

    #[test]
    fn directories_drop_dir_and_version() {
        let e = entry("SUBDIR.DIR;1  1 19-NOV-2001 21:41 [root,root] (RWE,RWE,RE,RE)");
        assert_eq!(e.name.text, "SUBDIR");
        assert!(e.is_dir());
        assert_eq!(e.size, Some(512));
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2001, 11, 19, 21, 41, 0).unwrap()
        );
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Minute);
    }

    #[test]
    fn variants() {
        let e = entry("LOGIN.COM;7       155   2-JUL-2003 10:30:13.64");
        assert_eq!(e.size, Some(155 * 512));
        assert_eq!(e.owner, None);
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2003, 7, 2, 10, 30, 13).unwrap()
        );
        let e = entry("NOTIME.TXT;1    2/8    7-JAN-2000    [IV2_XXX]   (RWED,RWED,RE,)");
        assert_eq!(e.size, Some(1024));
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Day);
        let e = entry("FRENCH.TXT;1    6/8    15-JUI-2002    PRONAS   (RWED,RWED,RE,)");
        assert_eq!(e.owner.as_deref(), Some("PRONAS"));
        assert_eq!(
            e.modified.unwrap().time.date(),
            chrono::NaiveDate::from_ymd_opt(2002, 7, 15).unwrap()
        );
        let e = entry("ORDER.TXT;1   [SUMMARY]    1/3     2-AUG-2006 13:05  (RWE,RWE,RE,)");
        assert_eq!(e.owner.as_deref(), Some("SUMMARY"));
        assert_eq!(e.size, Some(512));
        let e = entry("ORDER2.TXT;1       17-JUN-1994 17:25:37     6308/13     (RWED,RWED,R,)");
        assert_eq!(e.size, Some(6308 * 512));
        let e = entry("UNITS.TXT;1 2KB 23-SEP-2005 14:57:07.27");
        assert_eq!(e.size, Some(2048));
        let e = entry("SPACED.TXT;2  4/4  1-JAN-2020 00:00:01  [GROUP, USER]  (RWED, RWED, RE, )");
        assert_eq!(e.owner.as_deref(), Some("GROUP, USER"));
        assert_eq!(e.permissions.as_deref(), Some("RWED, RWED, RE, "));
    }

    #[test]
    fn multi_line_entries_and_noise() {
        let listing = b"\r\nDirectory DISK$USER:[ANONYMOUS]\r\n\r\n\
A-VERY-LONG-FILE-NAME-THAT-DOES-NOT-FIT-IN-THE-COLUMN.TXT;1\r\n\
            170774/170775     24-APR-2003 08:16:15  [FTP_CLIENT,SCOT]      (RWED,RWED,RE,)\r\n\
SHORT.TXT;1          10     2-JUL-2003 10:30:08.59  [FTP_CLIENT,SCOT]      (RWED,RWED,RE,)\r\n\
ANOTHER-LONG-NAME.DIR;1\r\n\
    1/3  2-JUL-2003 10:30  [FTP_CLIENT,SCOT]      (RWE,RWE,RE,)\r\n\
\r\nTotal of 3 files, 170785/170781 blocks.\r\n";
        let ctx = ctx().with_system("VMS OpenVMS V8.4");
        let l = parse_listing(listing, &ctx);
        assert!(l.unparsed.is_empty(), "{:?}", l.unparsed);
        assert_eq!(l.entries.len(), 3);
        let e = &l.entries[0];
        assert_eq!(
            e.name.text,
            "A-VERY-LONG-FILE-NAME-THAT-DOES-NOT-FIT-IN-THE-COLUMN.TXT;1"
        );
        assert_eq!(e.size, Some(170774 * 512));
        assert!(e.raw_line.contains(&b'\n'));
        assert_eq!(l.entries[1].name.text, "SHORT.TXT;1");
        assert_eq!(l.entries[2].name.text, "ANOTHER-LONG-NAME");
        assert!(l.entries[2].is_dir());
    }

    #[test]
    fn not_vms() {
        for l in [
            "NAME.TXT;1",
            "NAME.TXT;1  12  13",
            "NAME.TXT;1  12  30-FEB-2001",
            "NAME.TXT;1  12  1-JAN-2001 (RWED",
            "NAME.TXT;X  12  1-JAN-2001",
            ";1  12  1-JAN-2001",
            "weird;name&$chars.txt 12 1-JAN-2001",
        ] {
            assert!(
                !matches!(parse_line(l.as_bytes(), &ctx()), Some(LineResult::Entry(_))),
                "{l:?}"
            );
        }
    }
}
