//! Unix `ls -l` lines and their many variants:
//!
//! ```text
//! -rw-r--r--   1 owner  group      531 Jan 29 03:26 name
//! dr-xr-xr-x   2 owner             512 Apr  8  1994 group missing
//! lrwxrwxrwx   1 owner  group        7 Jan 25 00:17 link -> target
//! crw-rw-rw-   1 root   root     1,  3 Jan 01  2019 null          (device: major, minor)
//! -rw-r--r--+  1 owner  group      531 2005-06-07 21:22 ACL marker, ISO date
//! -rw-r--r--   1 owner  group      531 09-26 2000 name
//! -rw-r--r--   1 owner  group      531 26.09.2000 name           (dotted date)
//! -rw-r--r--   1 owner  group    33.5k 5. Mär 12:34 name         (localised month, size unit)
//!   123456  8 -rw-r--r-- 1 owner group 531 Jan 29 03:26 name     (inode/blocks first)
//! d [R----F--] supervisor          512 Jan 16 18:53 login        (NetWare)
//! ```
//!
//! The name starts after exactly one blank following the time/year column, so leading spaces
//! of a name are kept; `total N` and the `.`/`..` entries are skipped.

use chrono::{NaiveDate, NaiveDateTime};

use super::common::{
    Tokens, all_digits, cjk_number, find, local_modified, month_day_time, month_from_name,
    parse_day, parse_month_name_date, parse_numeric_date, parse_size_with_unit, parse_time,
    parse_u32, parse_u64,
};
use super::{Entry, EntryKind, LineResult, ListingContext, ListingFormat, Modified};

/// Parses one Unix-style LIST line; `now` is the server's local time (for the year of
/// `Mon DD HH:MM` dates). Names are decoded with the Auto encoding.
pub fn parse_line(line: &[u8], now: NaiveDateTime) -> LineResult {
    parse_line_with(line, &ListingContext::new(ListingFormat::List, now))
}

/// Parses one Unix-style LIST line with a site's context.
pub fn parse_line_with(line: &[u8], ctx: &ListingContext) -> LineResult {
    parse_line_opt(line, ctx).unwrap_or(LineResult::Unparsed)
}

/// `None` when the line is not a Unix-style line.
pub(crate) fn parse_line_opt(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    if line.len() > super::MAX_LINE {
        return None;
    }
    let t = Tokens::new(line);
    if t.len == 0 {
        return None;
    }
    if t.len == 2 && is_total(t.get(0)) && parse_size_with_unit(t.get(1)).is_some() {
        return Some(LineResult::Skip);
    }

    // The permissions column, possibly after an inode number and a block count (`ls -lis`).
    let mut p = 0;
    let mut netware = false;
    loop {
        if p > 2 || p >= t.len {
            return None;
        }
        let tok = t.get(p);
        if is_permissions(tok) {
            break;
        }
        if tok.len() == 1 && matches!(tok[0], b'd' | b'-') && is_netware_rights(t.get(p + 1)) {
            netware = true;
            break;
        }
        if !all_digits(tok) {
            return None;
        }
        p += 1;
    }
    let type_char = t.get(p)[0];
    let (permissions_tok, first_after) = if netware {
        (t.get(p + 1), p + 2)
    } else {
        (t.get(p), p + 1)
    };

    // Find the date: the first token position k (after at least a size column) where a date
    // parses and the size column before it reads.
    let mut k = first_after + 1;
    let found = loop {
        if k + 1 >= t.len {
            return dateless(&t, line, type_char, first_after, netware, ctx);
        }
        if let Some((size, size_first)) = parse_size_column(&t, k, first_after)
            && let Some((after_date, modified)) = parse_date(&t, k, ctx)
        {
            break (size, size_first, after_date, modified);
        }
        k += 1;
    };
    let (size, size_first, after_date, modified) = found;

    // The name: everything after exactly one blank following the date.
    let name = t.rest_after_one_blank(after_date - 1);
    if name.is_empty() {
        return None;
    }

    let (owner, group) = owner_group(&t, first_after, size_first, netware);

    let mut kind = match type_char {
        b'-' | b'f' => EntryKind::File,
        b'd' => EntryKind::Dir,
        b'l' => EntryKind::Link { target: None },
        _ => EntryKind::Other,
    };
    let mut name_bytes = name;
    if let EntryKind::Link { target } = &mut kind
        && let Some(arrow) = find(name, b" -> ")
    {
        name_bytes = &name[..arrow];
        let tgt = &name[arrow + 4..];
        if !tgt.is_empty() {
            *target = Some(ctx.text(tgt));
        }
    }
    if name_bytes.is_empty() {
        return None;
    }
    if name_bytes == b"." || name_bytes == b".." {
        return Some(LineResult::Skip);
    }
    let size = match kind {
        EntryKind::Other if matches!(type_char, b'b' | b'c') => None,
        _ => size,
    };

    Some(LineResult::Entry(Entry {
        name: ctx.name(name_bytes),
        kind,
        size,
        modified: Some(modified),
        permissions: Some(ctx.text(permissions_tok)),
        owner: owner.map(|o| ctx.text(o)),
        group: group.map(|g| ctx.text(g)),
        raw_line: line.to_vec(),
    }))
}

/// `drwxr-xr-x 3 owner group 512 name` — no date at all (seen on some embedded servers):
/// links, owner, group and size must all be there.
fn dateless(
    t: &Tokens,
    line: &[u8],
    type_char: u8,
    first_after: usize,
    netware: bool,
    ctx: &ListingContext,
) -> Option<LineResult> {
    if netware || t.len < first_after + 5 || !all_digits(t.get(first_after)) {
        return None;
    }
    let size = parse_u64(t.get(first_after + 3))?;
    // What follows must not look like a broken date (`Foo 01 2019 x`, `Jan 41 2019 x`).
    for i in first_after + 4..first_after + 6 {
        let tok = t.get(i);
        if month_from_name(tok).is_some()
            || all_digits(tok)
            || parse_time(tok).is_some()
            || parse_numeric_date(tok).is_some()
        {
            return None;
        }
    }
    let name = t.rest_after_one_blank(first_after + 3);
    if name.is_empty() || name.starts_with(b" ") {
        return None;
    }
    let kind = match type_char {
        b'-' => EntryKind::File,
        b'd' => EntryKind::Dir,
        _ => return None,
    };
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size: Some(size),
        modified: None,
        permissions: Some(ctx.text(t.get(first_after - 1))),
        owner: Some(ctx.text(t.get(first_after + 1))),
        group: Some(ctx.text(t.get(first_after + 2))),
        raw_line: line.to_vec(),
    }))
}

fn is_total(tok: &[u8]) -> bool {
    const WORDS: [&[u8]; 6] = [
        b"total",
        b"insgesamt",
        b"totale",
        b"totalt",
        b"totaal",
        b"razem",
    ];
    WORDS.iter().any(|w| tok.eq_ignore_ascii_case(w))
}

/// `drwxr-xr-x`, `-rw-r--r--+`, `-rw-r--r--@`, `lrwxrwxrwx.`, `crw-rw-rw-`...
fn is_permissions(tok: &[u8]) -> bool {
    if tok.len() < 10 || tok.len() > 11 {
        return false;
    }
    if !matches!(
        tok[0],
        b'-' | b'd' | b'l' | b'b' | b'c' | b'p' | b's' | b'D' | b'n' | b'?' | b'f'
    ) {
        return false;
    }
    if !tok[1..10].iter().all(|b| {
        matches!(
            b,
            b'r' | b'w' | b'x' | b's' | b'S' | b't' | b'T' | b'l' | b'L' | b'-'
        )
    }) {
        return false;
    }
    tok.len() == 10 || matches!(tok[10], b'+' | b'@' | b'.' | b'*')
}

/// NetWare's `[RWCEAFMS]` / `[R----F--]`.
fn is_netware_rights(tok: &[u8]) -> bool {
    tok.len() >= 3
        && tok.len() <= 12
        && tok[0] == b'['
        && tok[tok.len() - 1] == b']'
        && tok[1..tok.len() - 1]
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'-')
}

/// The size column just before the date token `k`: returns (size, index of its first token).
/// Device files print `major, minor` (`1,  3` or `1,3`) instead: size unknown.
fn parse_size_column(t: &Tokens, k: usize, first_after: usize) -> Option<(Option<u64>, usize)> {
    if k <= first_after {
        return None;
    }
    let s = t.get(k - 1);
    if let Some(v) = parse_size_with_unit(s) {
        // `1, 3`: a major number with a comma before it.
        if k >= first_after + 2 {
            let prev = t.get(k - 2);
            if let Some(major) = prev.strip_suffix(b",")
                && all_digits(major)
            {
                return Some((None, k - 2));
            }
        }
        return Some((Some(v), k - 1));
    }
    // `1,3` or `1,` (minor glued or missing) in one token.
    if let Some(c) = s.iter().position(|&b| b == b',') {
        let (a, b) = (&s[..c], &s[c + 1..]);
        if all_digits(a) && (b.is_empty() || all_digits(b)) {
            return Some((None, k - 1));
        }
    }
    None
}

/// Owner and group from the tokens between the permissions and the size column:
/// `[links] owner [group]`.
fn owner_group<'a>(
    t: &Tokens<'a>,
    from: usize,
    to: usize,
    netware: bool,
) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let mut from = from;
    if to <= from {
        return (None, None);
    }
    // A leading number is the link count (when it is alone, too: `-r--r--r-- 1 12 Nov 11 2005`).
    if !netware && all_digits(t.get(from)) {
        from += 1;
    }
    match to - from {
        0 => (None, None),
        1 => (Some(t.get(from)), None),
        _ => {
            // The group: from the second token to the end of the last one before the size.
            let (Some(g0), Some(g1)) = (t.span(from + 1), t.span(to - 1)) else {
                return (Some(t.get(from)), None);
            };
            (Some(t.get(from)), Some(&t.line[g0.start..g1.end]))
        }
    }
}

/// A time `HH:MM[:SS]` or a 4-digit year in the "time or year" column.
enum TimeOrYear {
    Time((u32, u32, u32, bool)),
    Year(i32),
}

fn time_or_year(tok: &[u8]) -> Option<TimeOrYear> {
    if tok.len() == 4 && all_digits(tok) {
        let y = parse_u32(tok)? as i32;
        return (1900..=2199).contains(&y).then_some(TimeOrYear::Year(y));
    }
    parse_time(tok).map(TimeOrYear::Time)
}

/// Builds the time of a `month day (time|year)` date.
fn month_day(ctx: &ListingContext, month: u32, day: u32, ty: TimeOrYear) -> Option<Modified> {
    match ty {
        TimeOrYear::Time(time) => month_day_time(ctx, month, day, time),
        TimeOrYear::Year(y) => local_modified(ctx, NaiveDate::from_ymd_opt(y, month, day)?, None),
    }
}

/// A day token: `5`, `05`, `5.`, `5,` or with a CJK suffix (`5日`).
fn day_token(tok: &[u8]) -> Option<u32> {
    parse_day(tok).or_else(|| cjk_number(tok).filter(|d| (1..=31).contains(d)))
}

/// A year token: `2003`, or `2003年` / `2005년`.
fn year_token(tok: &[u8]) -> Option<i32> {
    let y = if tok.len() == 4 {
        parse_u32(tok)?
    } else {
        let y = cjk_number(tok)?;
        if tok.iter().take_while(|b| b.is_ascii_digit()).count() != 4 {
            return None;
        }
        y
    } as i32;
    (1900..=2199).contains(&y).then_some(y)
}

/// Parses a date starting at token `k`; returns the index after its last token.
pub(crate) fn parse_date(t: &Tokens, k: usize, ctx: &ListingContext) -> Option<(usize, Modified)> {
    let a = t.get(k);
    let first = *a.first()?;
    if !first.is_ascii_digit() {
        // `Mon DD (HH:MM|YYYY)`, `Mon DD HH:MM:SS YYYY` (ls -T), `Mon DD, YYYY HH:MM` (VShell),
        // `Feb-28-1998`.
        if let Some(month) = month_from_name(a) {
            let day_tok = t.get(k + 1);
            let day = day_token(day_tok)?;
            let ty = time_or_year(t.get(k + 2))?;
            match ty {
                TimeOrYear::Time((h, m, s, true)) if t.len > k + 4 => {
                    if let Some(TimeOrYear::Year(y)) = time_or_year(t.get(k + 3)) {
                        let date = NaiveDate::from_ymd_opt(y, month, day)?;
                        let time = Some((h, m, s, true));
                        return Some((k + 4, local_modified(ctx, date, time)?));
                    }
                }
                TimeOrYear::Year(y) if day_tok.ends_with(b",") && t.len > k + 4 => {
                    if let Some(time) = parse_time(t.get(k + 3)) {
                        let date = NaiveDate::from_ymd_opt(y, month, day)?;
                        return Some((k + 4, local_modified(ctx, date, Some(time))?));
                    }
                }
                _ => {}
            }
            return Some((k + 3, month_day(ctx, month, day, ty)?));
        }
        let date = parse_month_name_date(a)?;
        return date_then_time(t, k + 1, date, ctx);
    }
    if !a.is_ascii() {
        // CJK: `4月 18日 2003年`, `8月 17 08:52`, `2005년 1월 6일`.
        if let Some(month) = month_from_name(a) {
            let day = day_token(t.get(k + 1))?;
            let next = t.get(k + 2);
            if let Some(y) = year_token(next) {
                let date = NaiveDate::from_ymd_opt(y, month, day)?;
                return Some((k + 3, local_modified(ctx, date, None)?));
            }
            let time = parse_time(next)?;
            return Some((k + 3, month_day_time(ctx, month, day, time)?));
        }
        let y = year_token(a)?;
        return cjk_year_first(t, k, y, ctx);
    }
    // `DD Mon (HH:MM|YYYY)` and `DD. Mon …`.
    if a.len() <= 3 {
        let day = parse_day(a)?;
        let month = month_from_name(t.get(k + 1))?;
        let ty = time_or_year(t.get(k + 2))?;
        return Some((k + 3, month_day(ctx, month, day, ty)?));
    }
    // `YYYY. Mon DD.` (Hungarian) [time].
    if a.len() == 5 && a[4] == b'.' && all_digits(&a[..4]) {
        let y = parse_u32(&a[..4])? as i32;
        let month = month_from_name(t.get(k + 1))?;
        let day = parse_day(t.get(k + 2))?;
        let date = NaiveDate::from_ymd_opt(y, month, day)?;
        return date_then_time(t, k + 3, date, ctx);
    }
    // `2003 3月 20` (year, CJK month, day).
    if a.len() == 4
        && all_digits(a)
        && let Some(y) = year_token(a)
        && t.get(k + 1).first().is_some_and(u8::is_ascii_digit)
        && !t.get(k + 1).is_ascii()
    {
        return cjk_year_first(t, k, y, ctx);
    }
    // `MM-DD (HH:MM|YYYY)`.
    if a.len() == 5 && (a[2] == b'-' || a[2] == b'/') {
        let month = parse_u32(&a[..2])?;
        let day = parse_u32(&a[3..])?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let ty = time_or_year(t.get(k + 1))?;
        return Some((k + 2, month_day(ctx, month, day, ty)?));
    }
    // `01-jun-99`.
    if let Some(date) = parse_month_name_date(a) {
        return date_then_time(t, k + 1, date, ctx);
    }
    // `YYYY-MM-DD [HH:MM[:SS[.nnn]] [+ZZZZ]]`, `DD.MM.YYYY [HH:MM]`, `YYYY/MM/DD`...
    let date = parse_numeric_date(a)?;
    date_then_time(t, k + 1, date, ctx)
}

/// `YYYY(年) M月 D(日) [HH:MM]` starting at token `k` (the year).
fn cjk_year_first(t: &Tokens, k: usize, y: i32, ctx: &ListingContext) -> Option<(usize, Modified)> {
    let month = month_from_name(t.get(k + 1))?;
    let day = day_token(t.get(k + 2))?;
    let date = NaiveDate::from_ymd_opt(y, month, day)?;
    date_then_time(t, k + 3, date, ctx)
}

/// A date already read, then an optional time at token `k` (and, after a time, an optional
/// numeric zone `+0200` as `ls --full-time` prints).
fn date_then_time(
    t: &Tokens,
    k: usize,
    date: NaiveDate,
    ctx: &ListingContext,
) -> Option<(usize, Modified)> {
    let Some(time) = parse_time(t.get(k)) else {
        return Some((k, local_modified(ctx, date, None)?));
    };
    let end = k + 1;
    let z = t.get(end);
    if z.len() == 5 && matches!(z[0], b'+' | b'-') && all_digits(&z[1..]) && t.len > end + 1 {
        let offset = parse_u64(&z[1..])?;
        let minutes = (offset / 100 * 60 + offset % 100) as i64;
        let minutes = if z[0] == b'-' { -minutes } else { minutes };
        let local = local_modified(&ListingContext::new(ctx.format, ctx.now), date, Some(time))?;
        let utc = local
            .time
            .checked_sub_signed(chrono::Duration::minutes(minutes))?;
        return Some((
            end + 1,
            Modified {
                time: utc,
                precision: local.precision,
            },
        ));
    }
    Some((end, local_modified(ctx, date, Some(time))?))
}

#[cfg(test)]
mod tests {
    use super::super::TimePrecision;
    use super::super::common::make_datetime;
    use super::*;

    fn now() -> NaiveDateTime {
        make_datetime(2026, 11, 23, 19, 5, 0).unwrap()
    }

    fn entry(line: &str) -> Entry {
        entry_bytes(line.as_bytes())
    }

    fn entry_bytes(line: &[u8]) -> Entry {
        match parse_line(line, now()) {
            LineResult::Entry(e) => e,
            other => panic!("{:?} → {other:?}", String::from_utf8_lossy(line)),
        }
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        make_datetime(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn standard() {
        let e = entry("-rw-r--r--   1 root     other        531 Jan 29 03:26 README");
        assert_eq!(e.name.text, "README");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(531));
        assert_eq!(e.owner.as_deref(), Some("root"));
        assert_eq!(e.group.as_deref(), Some("other"));
        assert_eq!(e.permissions.as_deref(), Some("-rw-r--r--"));
        let m = e.modified.unwrap();
        assert_eq!(m.time, dt(2026, 1, 29, 3, 26));
        assert_eq!(m.precision, TimePrecision::Minute);
    }

    #[test]
    fn group_missing() {
        let e = entry("dr-xr-xr-x   2 root                  512 Apr  8  1994 etc");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.owner.as_deref(), Some("root"));
        assert_eq!(e.group, None);
        assert_eq!(e.size, Some(512));
        assert_eq!(e.modified.unwrap().time, dt(1994, 4, 8, 0, 0));
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Day);
    }

    #[test]
    fn links_and_arrows() {
        let e = entry("lrwxrwxrwx   1 root     other          7 Jan 25 00:17 bin -> usr/bin");
        assert_eq!(e.name.text, "bin");
        assert_eq!(
            e.kind,
            EntryKind::Link {
                target: Some("usr/bin".into())
            }
        );
        // A file (not a link) whose name contains " -> " keeps it all.
        let e = entry("-rw-r--r--   1 root     other          7 Jan 25 00:17 a -> b");
        assert_eq!(e.name.text, "a -> b");
        assert_eq!(e.kind, EntryKind::File);
        // A link whose name contains " -> ": the first arrow splits.
        let e = entry("lrwxrwxrwx   1 root     other          7 Jan 25 00:17 x -> y -> z");
        assert_eq!(e.name.text, "x");
        assert_eq!(
            e.kind,
            EntryKind::Link {
                target: Some("y -> z".into())
            }
        );
    }

    #[test]
    fn skip_total_dot_dotdot() {
        assert!(matches!(parse_line(b"total 123", now()), LineResult::Skip));
        assert!(matches!(
            parse_line(b"insgesamt 12", now()),
            LineResult::Skip
        ));
        assert!(matches!(
            parse_line(
                b"drwxr-xr-x    5 1001     1001         4096 Nov 23 19:05 .",
                now()
            ),
            LineResult::Skip
        ));
        assert!(matches!(
            parse_line(
                b"drwxr-xr-x    7 0        0            4096 Nov 23 19:05 ..",
                now()
            ),
            LineResult::Skip
        ));
    }

    #[test]
    fn leading_and_trailing_spaces_in_names() {
        let e = entry("-rw-r--r--   1 u g 7 Nov 23 19:05  lead");
        assert_eq!(e.name.text, " lead");
        let e = entry("-rw-r--r--   1 u g 7 Jan  1  2019   two lead and trail  ");
        assert_eq!(e.name.text, "  two lead and trail  ");
    }

    #[test]
    fn year_inference_and_future() {
        let e = entry("-rw-r--r--    1 ftptest    ftptest             7 Nov 25 19:05 future.txt");
        assert_eq!(e.modified.unwrap().time, dt(2025, 11, 25, 19, 5));
        let e = entry("-rw-r--r--    1 ftptest    ftptest             7 Nov 24 19:05 tomorrow.txt");
        assert_eq!(e.modified.unwrap().time, dt(2026, 11, 24, 19, 5));
    }

    #[test]
    fn time_zone_offset() {
        let ctx = ListingContext::new(ListingFormat::List, now()).with_server_offset_minutes(120);
        // Server local now = 21:05 on Nov 23; printed 20:00 local = 18:00 UTC.
        let LineResult::Entry(e) = parse_line_with(b"-rw-r--r-- 1 u g 7 Nov 23 20:00 a", &ctx)
        else {
            panic!()
        };
        assert_eq!(e.modified.unwrap().time, dt(2026, 11, 23, 18, 0));
        // Dates without a time are not shifted.
        let LineResult::Entry(e) = parse_line_with(b"-rw-r--r-- 1 u g 7 Jan  1  2019 a", &ctx)
        else {
            panic!()
        };
        assert_eq!(e.modified.unwrap().time, dt(2019, 1, 1, 0, 0));
    }

    #[test]
    fn acl_markers_and_devices() {
        let e = entry("-rw-r--r--+  1 user group 100 Jan 01 2019 acl");
        assert_eq!(e.name.text, "acl");
        assert_eq!(e.permissions.as_deref(), Some("-rw-r--r--+"));
        let e = entry("drwxr-xr-x@ 12 user staff 408 Jan 01 2019 mac");
        assert_eq!(e.kind, EntryKind::Dir);
        let e = entry("crw-rw-rw-   1 root     root       1,   3 Jan  1  2019 null");
        assert_eq!(e.kind, EntryKind::Other);
        assert_eq!(e.size, None);
        assert_eq!(e.group.as_deref(), Some("root"));
        assert_eq!(e.name.text, "null");
        let e = entry("brw-rw----   1 root     disk       8,0 Jan  1  2019 sda");
        assert_eq!(e.size, None);
        assert_eq!(e.name.text, "sda");
    }

    #[test]
    fn numeric_owner_inode_and_blocks() {
        let e = entry("  1234567   8 -rw-r--r--   1 1001 1001  531 Jan 29 03:26 inode");
        assert_eq!(e.name.text, "inode");
        assert_eq!(e.owner.as_deref(), Some("1001"));
        assert_eq!(e.size, Some(531));
    }

    #[test]
    fn date_variants() {
        let e = entry("-rw-r--r--   1 root     other        531 09-26 2000 README2");
        assert_eq!(e.modified.unwrap().time, dt(2000, 9, 26, 0, 0));
        assert_eq!(e.name.text, "README2");
        let e = entry("-rw-r--r--   1 root     other        531 09-26 13:45 README3");
        assert_eq!(e.modified.unwrap().time, dt(2026, 9, 26, 13, 45));
        let e = entry("-rw-r--r--   1 root     other        531 2005-06-07 21:22 README4");
        assert_eq!(e.modified.unwrap().time, dt(2005, 6, 7, 21, 22));
        assert_eq!(e.name.text, "README4");
        let e = entry("-rw-r--r-- 1 u g 531 2005-06-07 21:22:33.123456789 +0200 full iso");
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2005, 6, 7, 19, 22, 33).unwrap()
        );
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Second);
        assert_eq!(e.name.text, "full iso");
        let e = entry("-rw-r--r--   1 root     other        531 26.09.2000 dotted");
        assert_eq!(e.modified.unwrap().time, dt(2000, 9, 26, 0, 0));
        let e = entry("-rw-r--r--   1 root     other        531 2000.09.26 12:00 dotted2");
        assert_eq!(e.modified.unwrap().time, dt(2000, 9, 26, 12, 0));
        let e = entry("-rw-r--r--   1 root     other        531 Jan 25 00:17:12 2005 lsT");
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2005, 1, 25, 0, 17, 12).unwrap()
        );
        assert_eq!(e.name.text, "lsT");
        let e = entry("-rw-r--r--   1 root     other        531 3 Sep 2004 dayfirst");
        assert_eq!(e.modified.unwrap().time, dt(2004, 9, 3, 0, 0));
        assert_eq!(e.name.text, "dayfirst");
    }

    #[test]
    fn localised_months_and_units() {
        let e = entry("-rw-r--r--   1 root     other      33.5k Mär 25  2005 german");
        assert_eq!(e.size, Some(34304));
        assert_eq!(e.modified.unwrap().time, dt(2005, 3, 25, 0, 0));
        let e = entry("-rw-r--r--   1 root     other        531 déc.  5  2005 french");
        assert_eq!(e.modified.unwrap().time, dt(2005, 12, 5, 0, 0));
        let e = entry("-rw-r--r--   1 root     other        531 ene 15 12:00 spanish");
        assert_eq!(e.modified.unwrap().time, dt(2026, 1, 15, 12, 0));
        let e = entry("-rw-r--r--   1 root     other        531 2008. szept. 11. 13:36 hungarian");
        assert_eq!(e.modified.unwrap().time, dt(2008, 9, 11, 13, 36));
        assert_eq!(e.name.text, "hungarian");
        let e = entry("-rw-r--r--   1 root     other        531 12月 25  2005 japanese");
        assert_eq!(e.modified.unwrap().time, dt(2005, 12, 25, 0, 0));
        let e = entry("-rw-r--r--   1 root     other        531 5月 25日 12:00 japanese2");
        assert_eq!(e.modified.unwrap().time, dt(2026, 5, 25, 12, 0));
        let e = entry_bytes(b"-rw-r--r--   1 root     other        531 m\xe4r 25  2005 latin1");
        assert_eq!(e.modified.unwrap().time, dt(2005, 3, 25, 0, 0));
    }

    #[test]
    fn more_date_layouts() {
        // VShell: year and time after a comma.
        let e = entry("-rwxr-xr-x    1 user group        9 Oct 08, 2002 09:47 vshell new");
        assert_eq!(e.modified.unwrap().time, dt(2002, 10, 8, 9, 47));
        assert_eq!(e.name.text, "vshell new");
        // German: day first with dots and commas.
        let e = entry("dr-xr-xr-x   2 root     other      2235 26. Juli, 20:10 german dir");
        assert_eq!(e.modified.unwrap().time, dt(2026, 7, 26, 20, 10));
        assert_eq!(e.name.text, "german dir");
        let e = entry("drwxr-xr-x 6 user sys 1024 30. Jan., 12:40 jan dot comma");
        assert_eq!(e.modified.unwrap().time, dt(2026, 1, 30, 12, 40));
        let e = entry("-r-xr-xr-x   2 root     other      2235 2.   Okt.  2003 okt");
        assert_eq!(e.modified.unwrap().time, dt(2003, 10, 2, 0, 0));
        assert_eq!(e.name.text, "okt");
        // Hungarian month first.
        let e = entry("dr-xr-xr-x   2 root     other      2235 szept 26 20:10 hungarian");
        assert_eq!(e.modified.unwrap().time, dt(2026, 9, 26, 20, 10));
        // Numeric dates.
        let e = entry("-r-xr-xr-x   2 root     other      2235 1999/10/12 17:12 slashes");
        assert_eq!(e.modified.unwrap().time, dt(1999, 10, 12, 17, 12));
        let e = entry("-r-xr-xr-x   2 root     other      2235 24-04-2003 17:12 day first");
        assert_eq!(e.modified.unwrap().time, dt(2003, 4, 24, 17, 12));
        let e = entry("-r-xr-xr-x   2 root  root  96 2004.07.15   dotted year first");
        assert_eq!(e.modified.unwrap().time, dt(2004, 7, 15, 0, 0));
        assert_eq!(e.name.text, "  dotted year first");
        let e = entry("-r-xr-xr-x 2 owner group 4512 01-jun-99 short month");
        assert_eq!(e.modified.unwrap().time, dt(1999, 6, 1, 0, 0));
        assert_eq!(e.name.text, "short month");
        let e = entry("drwxr-xr-x 3 user group 512 01 oct 2004 swapped");
        assert_eq!(e.modified.unwrap().time, dt(2004, 10, 1, 0, 0));
        let e = entry("drwxrwxrwx   1 0        0               0 29 Jul 02:27 2014 Invoices");
        assert_eq!(e.modified.unwrap().time, dt(2026, 7, 29, 2, 27));
        assert_eq!(e.name.text, "2014 Invoices");
        assert_eq!(e.owner.as_deref(), Some("0"));
        let e = entry("-rw-------      1  99999999 0              3 Apr   4 24:00 midnight");
        assert_eq!(e.modified.unwrap().time, dt(2026, 4, 5, 0, 0));
        let e = entry("-rw-r--r-- 1 u g 3 Jan  2  2019 ls -lT");
        assert_eq!(e.modified.unwrap().time, dt(2019, 1, 2, 0, 0));
        assert_eq!(e.name.text, "ls -lT");
    }

    #[test]
    fn cjk_dates() {
        // Shift-JIS 月/日/年 (not UTF-8).
        let e = entry_bytes(
            b"-rw-r--r--   1 root       sys           8473  4\x8c\x8e 18\x93\xfa 2003\x94\x4e japanese",
        );
        assert_eq!(e.modified.unwrap().time, dt(2003, 4, 18, 0, 0));
        assert_eq!(e.name.text, "japanese");
        let e = entry_bytes(b"-rwxrwxrwx   1 root     staff          0 2003   3\xed\xef 20 asian");
        assert_eq!(e.modified.unwrap().time, dt(2003, 3, 20, 0, 0));
        assert_eq!(e.name.text, "asian");
        let e = entry_bytes(b"-r--r--r-- 1 root root 2096 8\xed 17 08:52 asian time");
        assert_eq!(e.modified.unwrap().time, dt(2026, 8, 17, 8, 52));
        let e = entry("drwxr-xr-x   5 root     sys          512 2005년  1월  6일 korean");
        assert_eq!(e.modified.unwrap().time, dt(2005, 1, 6, 0, 0));
        assert_eq!(e.name.text, "korean");
        assert!(e.is_dir());
        let e = entry("-rw-r--r-- 1 u g 5 янв 15 12:00 russian");
        assert_eq!(e.modified.unwrap().time, dt(2026, 1, 15, 12, 0));
    }

    #[test]
    fn odd_columns() {
        // NetPresenz (Mac): no link count; numeric owner.
        let e = entry("drwxrwxr-x               folder        2 May 10  1996 netpresenz dir");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.size, Some(2));
        assert_eq!(e.owner.as_deref(), Some("folder"));
        // Windows servers with a domain column.
        let e = entry("-rw-r--r--   1 group domain user 531 Jan 29 03:26 domain");
        assert_eq!(e.owner.as_deref(), Some("group"));
        assert_eq!(e.group.as_deref(), Some("domain user"));
        // Link count only.
        let e = entry("-r--r--r-- 0125039 12 Nov 11 2005 no owner");
        assert_eq!(e.size, Some(12));
        assert_eq!(e.owner, None);
        // No date at all.
        let e = entry("drwxr-xr-x 3 slopri devlab 512 dateless dir");
        assert_eq!(e.name.text, "dateless dir");
        assert_eq!(e.size, Some(512));
        assert_eq!(e.modified, None);
        assert!(e.is_dir());
        // Other types.
        let e = entry("prw-r--r-- 1 u g 0 Jan 01 2019 fifo");
        assert_eq!(e.kind, EntryKind::Other);
        let e = entry("srwxrwxrwx 1 u g 0 Jan 01 2019 socket");
        assert_eq!(e.kind, EntryKind::Other);
    }

    #[test]
    fn netware() {
        let e = entry("d [R----F--] supervisor            512       Jan 16 18:53    login");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.name.text, "   login");
        let e = entry("- [RWCEAFMS] rhesus               214059       Oct 20 15:27 cx.exe");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(214059));
        assert_eq!(e.owner.as_deref(), Some("rhesus"));
        assert_eq!(e.permissions.as_deref(), Some("[RWCEAFMS]"));
        assert_eq!(e.name.text, "cx.exe");
    }

    #[test]
    fn names_that_look_like_dates() {
        let e = entry("-rw-r--r-- 1 u g 5 Jan 01 2019 Feb 02 2020 x");
        assert_eq!(e.name.text, "Feb 02 2020 x");
        assert_eq!(e.modified.unwrap().time, dt(2019, 1, 1, 0, 0));
        let e = entry("-rw-r--r-- 1 may jun 5 Jan 01 2019 owners are months");
        assert_eq!(e.owner.as_deref(), Some("may"));
        assert_eq!(e.group.as_deref(), Some("jun"));
    }

    #[test]
    fn not_unix() {
        for l in [
            "garbage",
            "-rw-r--r-- 1 u g 5 Jan 01 2019",
            "-rw-r--r-- 1 u g 5 Jan 01 2019 ",
            "-rw-r--r-- 1 u g x Jan 01 2019 name",
            "-rw-r--r-- 1 u g 5 Foo 01 2019 name",
            "-rw-r--r-- 1 u g 5 Jan 41 2019 name",
            "-rw-r--r-- 1 u g 5 Feb 30 2019 name",
            "drwxr-xr-x",
            "04-27-00  09:09PM       <DIR>          licensed",
        ] {
            assert!(
                matches!(parse_line(l.as_bytes(), now()), LineResult::Unparsed),
                "{l:?}"
            );
        }
    }
}
