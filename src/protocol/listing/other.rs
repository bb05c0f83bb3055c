//! The smaller families: OS/2, VxWorks, VShell, and Nortel's wfFtp.
//!
//! ```text
//!      0 DIR       05-12-97  16:44  PSFONTS                       (OS/2)
//!  36611      A    04-23-103  10:57  README.TXT                   (OS/2, year 2003 printed 103)
//!     5024    JUN-01-2004  17:25:10   vxWorks.st                  (VxWorks)
//!      512    JAN-01-1980  00:00:00   DIR1          <DIR>
//! 206876  Apr 04, 2000 21:06 name                                 (VShell)
//! config.cfg       1014196  06/03/04  Thur.   10:20:03            (Nortel wfFtp)
//! ```

use chrono::NaiveDate;

use super::common::{Tokens, all_digits, parse_u32, parse_u64, trim_end_blanks};
use super::dates::{
    expand_year, local_modified, month_from_name, parse_day, parse_month_name_date, parse_time,
};
use super::{Entry, EntryKind, LineResult, ListingContext, Modified};

fn entry(
    ctx: &ListingContext,
    line: &[u8],
    name: &[u8],
    kind: EntryKind,
    size: Option<u64>,
    modified: Modified,
) -> Option<LineResult> {
    if name.is_empty() {
        return None;
    }
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
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

/// `size [attributes…] MM-DD-YY[Y] HH:MM name`; `DIR` among the attributes makes a folder.
pub(crate) fn parse_os2_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 4 {
        return None;
    }
    let size = parse_u64(t.get(0))?;
    let mut dir = false;
    let mut i = 1;
    let date = loop {
        let tok = t.get(i);
        if tok.first().is_some_and(u8::is_ascii_digit) {
            break os2_date(tok)?;
        }
        if tok.is_empty() || tok.len() > 3 || !tok.iter().all(u8::is_ascii_uppercase) || i > 4 {
            return None;
        }
        dir |= tok == b"DIR";
        i += 1;
    };
    let time = parse_time(t.get(i + 1))?;
    let name = t.rest_after(i + 1);
    let kind = if dir { EntryKind::Dir } else { EntryKind::File };
    let modified = local_modified(ctx, date, Some(time))?;
    entry(ctx, line, name, kind, Some(size), modified)
}

/// `MM-DD-YY`, `MM-DD-YYYY`, and the Y2K-broken `MM-DD-1YY` (years since 1900).
fn os2_date(s: &[u8]) -> Option<NaiveDate> {
    let mut it = s.split(|&b| b == b'-');
    let (m, d, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || m.len() != 2 || d.len() != 2 || !all_digits(y) {
        return None;
    }
    let year = parse_u32(y)? as i32;
    let year = match y.len() {
        2 => expand_year(year),
        3 => 1900 + year,
        4 => year,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, parse_u32(m)?, parse_u32(d)?)
}

/// `size MON-DD-YYYY HH:MM:SS name [<DIR>]`, and its column headers.
pub(crate) fn parse_vxworks_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len == 0 {
        return None;
    }
    let a = t.get(0);
    if (a == b"size" && t.get(1) == b"date" && t.get(2) == b"time")
        || (t.len >= 3 && (0..t.len).all(|i| t.get(i).iter().all(|&b| b == b'-')))
    {
        return Some(LineResult::Skip);
    }
    if t.len < 4 {
        return parse_vshell_line(line, ctx);
    }
    let size = parse_u64(a)?;
    let Some(date) = parse_month_name_date(t.get(1)) else {
        return parse_vshell_line(line, ctx);
    };
    let time = parse_time(t.get(2))?;
    let mut name = t.rest_after(2);
    let mut kind = EntryKind::File;
    if let Some(rest) = name.strip_suffix(b"<DIR>") {
        let trimmed = trim_end_blanks(rest);
        if trimmed.len() < rest.len() {
            name = trimmed;
            kind = EntryKind::Dir;
        }
    }
    let modified = local_modified(ctx, date, Some(time))?;
    entry(ctx, line, name, kind, Some(size), modified)
}

/// VShell: `size  Mon DD, YYYY HH:MM name` (a trailing `/` marks a folder).
fn parse_vshell_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 6 {
        return None;
    }
    let size = parse_u64(t.get(0))?;
    let month = month_from_name(t.get(1))?;
    let day_tok = t.get(2);
    if !day_tok.ends_with(b",") {
        return None;
    }
    let day = parse_day(day_tok)?;
    let year_tok = t.get(3);
    if year_tok.len() != 4 {
        return None;
    }
    let year = parse_u32(year_tok)? as i32;
    let time = parse_time(t.get(4))?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let name = t.rest_after_one_blank(4);
    let (name, kind) = match name.strip_suffix(b"/") {
        Some(n) => (n, EntryKind::Dir),
        None => (name, EntryKind::File),
    };
    let modified = local_modified(ctx, date, Some(time))?;
    entry(ctx, line, name, kind, Some(size), modified)
}

/// Nortel's wfFtp (routers): `name size MM/DD/YY weekday. HH:MM:SS`, nothing else. The
/// weekday (`Thur.`, `Fri.`) says nothing the date does not.
pub(crate) fn parse_wfftp_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len != 5 {
        return None;
    }
    let size = parse_u64(t.get(1))?;
    let date = us_short_date(t.get(2))?;
    if !is_weekday_abbreviation(t.get(3)) {
        return None;
    }
    let time = parse_time(t.get(4))?;
    let modified = local_modified(ctx, date, Some(time))?;
    entry(ctx, line, t.get(0), EntryKind::File, Some(size), modified)
}

/// `MM/DD/YY`.
fn us_short_date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() != 8 || s[2] != b'/' || s[5] != b'/' {
        return None;
    }
    let (m, d, y) = (&s[..2], &s[3..5], &s[6..]);
    if !all_digits(m) || !all_digits(d) || !all_digits(y) {
        return None;
    }
    let year = expand_year(parse_u32(y)? as i32);
    NaiveDate::from_ymd_opt(year, parse_u32(m)?, parse_u32(d)?)
}

/// `Mon.`, `Tues.`, `Thur.`: two to four letters and a dot.
fn is_weekday_abbreviation(s: &[u8]) -> bool {
    match s.strip_suffix(b".") {
        Some(word) => (2..=4).contains(&word.len()) && word.iter().all(u8::is_ascii_alphabetic),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::TimePrecision;
    use super::super::dates::make_datetime;
    use super::*;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    fn os2(line: &str) -> Entry {
        match parse_os2_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    fn vx(line: &str) -> Entry {
        match parse_vxworks_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn os2_entries() {
        let e = os2("0 DIR 05-12-97 16:44 PSFONTS");
        assert_eq!(e.name.text, "PSFONTS");
        assert!(e.is_dir());
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(1997, 5, 12, 16, 44, 0).unwrap()
        );
        let e = os2("36611      A    04-23-103  10:57  README.TXT");
        assert_eq!(e.size, Some(36611));
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2003, 4, 23, 10, 57, 0).unwrap()
        );
        let e = os2(" 1123      A    07-14-99   12:37  with spaces.txt");
        assert_eq!(e.name.text, "with spaces.txt");
        assert_eq!(
            e.modified.unwrap().time.date(),
            NaiveDate::from_ymd_opt(1999, 7, 14).unwrap()
        );
        let e = os2(" 1123 DIR  A    10-05-100  23:38  OS2DIR");
        assert!(e.is_dir());
        assert_eq!(
            e.modified.unwrap().time.date(),
            NaiveDate::from_ymd_opt(2000, 10, 5).unwrap()
        );
    }

    #[test]
    fn vxworks_entries() {
        let e = vx("    5024    JUN-01-2004  17:25:10   vxWorks.st");
        assert_eq!(e.name.text, "vxWorks.st");
        assert_eq!(e.size, Some(5024));
        let m = e.modified.unwrap();
        assert_eq!(m.time, make_datetime(2004, 6, 1, 17, 25, 10).unwrap());
        assert_eq!(m.precision, TimePrecision::Second);
        let e = vx("     512    JAN-01-1980  00:00:00   DIR1          <DIR>");
        assert_eq!(e.name.text, "DIR1");
        assert!(e.is_dir());
        let e = vx("2048    Feb-28-1998  05:23:30   nortel dir <DIR>");
        assert_eq!(e.name.text, "nortel dir");
        assert!(e.is_dir());
        assert!(matches!(
            parse_vxworks_line(b"  size          date       time       name", &ctx()),
            Some(LineResult::Skip)
        ));
        assert!(matches!(
            parse_vxworks_line(b"--------       ------     ------    --------", &ctx()),
            Some(LineResult::Skip)
        ));
    }

    #[test]
    fn vshell_entries() {
        let e = vx("206876  Apr 04, 2000 21:06 vshell file");
        assert_eq!(e.name.text, "vshell file");
        assert_eq!(e.size, Some(206876));
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2000, 4, 4, 21, 6, 0).unwrap()
        );
        let e = vx("0  Dec 12, 2002 02:13 vshell dir/");
        assert_eq!(e.name.text, "vshell dir");
        assert!(e.is_dir());
    }

    #[test]
    fn wfftp_needs_every_column() {
        for l in [
            "name 1014196 06/03/04 Thur. 10:20:03 extra",
            "name 1014196 06/03/04 Thursday 10:20:03",
            "name 1014196 06-03-04 Thur. 10:20:03",
            "name 1014196 13/03/04 Thur. 10:20:03",
            "name size 06/03/04 Thur. 10:20:03",
        ] {
            assert!(parse_wfftp_line(l.as_bytes(), &ctx()).is_none(), "{l:?}");
        }
    }

    #[test]
    fn not_these() {
        for l in [
            "0 DIR 13-12-97 16:44 X",
            "0 dir 05-12-97 16:44 X",
            "12 JUN-01-2004 25:00:00 x",
            "x",
        ] {
            assert!(
                !matches!(
                    parse_os2_line(l.as_bytes(), &ctx()),
                    Some(LineResult::Entry(_))
                ) && !matches!(
                    parse_vxworks_line(l.as_bytes(), &ctx()),
                    Some(LineResult::Entry(_))
                ),
                "{l:?}"
            );
        }
    }
}
