//! DOS / Windows / IIS listings:
//!
//! ```text
//! 04-27-00  09:09PM       <DIR>          licensed
//! 07-18-00  10:16AM            1,234,567 file.exe
//! 2002-09-02  18:48       <DIR>          dir name
//! 11/23/2026  07:05 PM             9,730 readme.txt     (Windows `dir` style)
//! ```
//!
//! Dates are US order (`MM-DD-YY[YY]`) unless the first field is a year or cannot be a month;
//! times are 12-hour with AM/PM (glued or separate) or 24-hour. Sizes may have thousands
//! separators. The name is the rest of the line after the blanks that follow the size column.

use super::common::{Tokens, parse_grouped_u64};
use super::dates::{local_modified, parse_numeric_date, parse_time_ampm};
use super::{Entry, EntryKind, LineResult, ListingContext};

pub(crate) fn parse_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 3 {
        return None;
    }
    let first = t.get(0);
    if !first.first().is_some_and(u8::is_ascii_digit) {
        return dos_noise(&t);
    }
    let Some(date) = parse_numeric_date(first) else {
        return is_dir_summary(&t).then_some(LineResult::Skip);
    };
    let mut i = 1;
    let mut time = parse_time_ampm(t.get(i))?;
    i += 1;
    // `07:05 PM` with the suffix apart.
    let suffix = t.get(i);
    if suffix.eq_ignore_ascii_case(b"AM") || suffix.eq_ignore_ascii_case(b"PM") {
        let mut glued = [0u8; 16];
        let tok = t.get(1);
        if tok.len() + 2 > glued.len() {
            return None;
        }
        glued[..tok.len()].copy_from_slice(tok);
        glued[tok.len()..tok.len() + 2].copy_from_slice(suffix);
        time = parse_time_ampm(&glued[..tok.len() + 2])?;
        i += 1;
    }
    let col = t.get(i);
    let (kind, size) = if col.eq_ignore_ascii_case(b"<DIR>") {
        (EntryKind::Dir, None)
    } else if col.eq_ignore_ascii_case(b"<JUNCTION>")
        || col.eq_ignore_ascii_case(b"<SYMLINKD>")
        || col.eq_ignore_ascii_case(b"<SYMLINK>")
    {
        (EntryKind::Link { target: None }, None)
    } else {
        (EntryKind::File, Some(parse_grouped_u64(col)?))
    };
    let mut name = t.rest_after(i);
    if name.is_empty() {
        return None;
    }
    let mut kind = kind;
    // Windows `dir`: `<JUNCTION>     name [target]`.
    if let EntryKind::Link { target } = &mut kind
        && name.ends_with(b"]")
        && let Some(open) = name.iter().rposition(|&b| b == b'[')
        && open >= 2
        && name[open - 1] == b' '
    {
        *target = Some(ctx.text(&name[open + 1..name.len() - 1]));
        name = &name[..open - 1];
    }
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    let modified = local_modified(ctx, date, Some(time))?;
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size,
        modified: Some(modified),
        permissions: None,
        owner: None,
        group: None,
        raw_line: line.to_vec(),
    }))
}

/// The header and footer of a Windows `dir` listing (some servers pass it through):
/// ` Volume in drive C is X`, ` Directory of C:\x`, `3 File(s) 1,234 bytes`,
/// `2 Dir(s) 5,678 bytes free`.
fn dos_noise(t: &Tokens) -> Option<LineResult> {
    let a = t.get(0);
    let b = t.get(1);
    let skip = (a.eq_ignore_ascii_case(b"Volume")
        && (b.eq_ignore_ascii_case(b"in") || b.eq_ignore_ascii_case(b"Serial")))
        || (a.eq_ignore_ascii_case(b"Directory") && b.eq_ignore_ascii_case(b"of"));
    skip.then_some(LineResult::Skip)
}

/// `3 File(s)  1,234 bytes` / `2 Dir(s)  5,678 bytes free`.
fn is_dir_summary(t: &Tokens) -> bool {
    let b = t.get(1);
    let last = t.get(t.len.saturating_sub(1));
    parse_grouped_u64(t.get(0)).is_some()
        && (b.eq_ignore_ascii_case(b"File(s)") || b.eq_ignore_ascii_case(b"Dir(s)"))
        && (last.eq_ignore_ascii_case(b"bytes") || last.eq_ignore_ascii_case(b"free"))
}

#[cfg(test)]
mod tests {
    use super::super::TimePrecision;
    use super::super::dates::make_datetime;
    use super::*;
    use chrono::NaiveDateTime;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    fn entry(line: &str) -> Entry {
        match parse_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        make_datetime(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn iis_dir_and_file() {
        let e = entry("04-27-00  09:09PM       <DIR>          licensed");
        assert_eq!(e.name.text, "licensed");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.size, None);
        let m = e.modified.unwrap();
        assert_eq!(m.time, dt(2000, 4, 27, 21, 9));
        assert_eq!(m.precision, TimePrecision::Minute);

        let e = entry("07-18-00  10:16AM            1,234,567 file.exe");
        assert_eq!(e.name.text, "file.exe");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(1_234_567));
        assert_eq!(e.modified.unwrap().time, dt(2000, 7, 18, 10, 16));

        let e = entry("07-18-00 10:16AM 1,234,567 file.exe");
        assert_eq!(e.size, Some(1_234_567));
    }

    #[test]
    fn twelve_oclock_and_24_hour() {
        assert_eq!(
            entry("04-27-00  12:09PM  <DIR>  noon")
                .modified
                .unwrap()
                .time,
            dt(2000, 4, 27, 12, 9)
        );
        assert_eq!(
            entry("04-27-00  12:09AM  <DIR>  midnight")
                .modified
                .unwrap()
                .time,
            dt(2000, 4, 27, 0, 9)
        );
        let e = entry("2002-09-02  18:48       <DIR>          dir with spaces");
        assert_eq!(e.name.text, "dir with spaces");
        assert_eq!(e.modified.unwrap().time, dt(2002, 9, 2, 18, 48));
        let e = entry("2002-09-02  19:06                9,730 four digit year.txt");
        assert_eq!(e.size, Some(9730));
        assert_eq!(e.name.text, "four digit year.txt");
    }

    #[test]
    fn windows_dir_style() {
        let e = entry("11/23/2026  07:05 PM             9,730 readme.txt");
        assert_eq!(e.modified.unwrap().time, dt(2026, 11, 23, 19, 5));
        assert_eq!(e.size, Some(9730));
        assert_eq!(e.name.text, "readme.txt");
        let e = entry("23.11.2026  19:05    <DIR>          Ordner");
        assert_eq!(e.modified.unwrap().time, dt(2026, 11, 23, 19, 5));
        assert!(e.is_dir());
        let e =
            entry("11/23/2026  07:05 PM    <JUNCTION>     Documents [C:\\Users\\me\\Documents]");
        assert_eq!(e.name.text, "Documents");
        assert_eq!(
            e.kind,
            EntryKind::Link {
                target: Some("C:\\Users\\me\\Documents".into())
            }
        );
        assert!(matches!(
            parse_line(b" Volume in drive C is OS", &ctx()),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(b" Directory of C:\\ftp", &ctx()),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(b"               3 File(s)          1,234 bytes", &ctx()),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(
                b"               2 Dir(s)  52,213,760,000 bytes free",
                &ctx()
            ),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(b"               3 File(s)          1,234 bytes", &ctx()),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(
                b"               2 Dir(s)  52,213,760,000 bytes free",
                &ctx()
            ),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_line(b"11/23/2026  07:05 PM    <DIR>          .", &ctx()),
            Some(LineResult::Skip)
        ));
    }

    #[test]
    fn offset_applies() {
        let ctx = ctx().with_server_offset_minutes(-300);
        let Some(LineResult::Entry(e)) = parse_line(b"04-27-00  09:09PM  <DIR>  x", &ctx) else {
            panic!()
        };
        assert_eq!(e.modified.unwrap().time, dt(2000, 4, 28, 2, 9));
    }

    #[test]
    fn not_dos() {
        for l in [
            "04-27-00  09:09PM       <DIR>",
            "04-27-00  13:09PM       <DIR>   x",
            "04-27-00  09:09PM       1,23,4   x",
            "04-27-00  09:09PM       12a   x",
            "13-45-00  09:09PM       12   x",
            "-rw-r--r-- 1 u g 5 Jan 01 2019 x",
        ] {
            assert!(
                !matches!(parse_line(l.as_bytes(), &ctx()), Some(LineResult::Entry(_))),
                "{l:?}"
            );
        }
    }
}
