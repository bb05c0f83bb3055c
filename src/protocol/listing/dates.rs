//! Dates and times as listings print them, shared by the format parsers: month names in many
//! languages and encodings, `HH:MM[:SS]` and AM/PM times, numeric and month-name dates, and
//! the year of a date printed without one.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::common::{all_digits, parse_u32};
use super::{ListingContext, Modified, TimePrecision};

/// Month number from an English or localised month name (any case; a trailing `.` or `,`
/// allowed), `1`–`12` followed by 月/월 (CJK `ls`), in UTF-8 or Latin-1.
pub(crate) fn month_from_name(s: &[u8]) -> Option<u32> {
    // Trailing punctuation: `Okt.`, `Juli,`, `Jan.,`.
    let mut s = s;
    for _ in 0..2 {
        if let Some((&last, rest)) = s.split_last()
            && (last == b'.' || last == b',')
        {
            s = rest;
        }
    }
    if s.len() < 2 || s.len() > 9 {
        return None;
    }
    // CJK month: digits then a non-ASCII suffix (月 in UTF-8 or a legacy encoding, 월...).
    if s[0].is_ascii_digit() {
        return cjk_number(s).filter(|m| (1..=12).contains(m));
    }
    if s.len() < 3 {
        return None;
    }
    let mut buf = [0u8; 9];
    for (d, &b) in buf.iter_mut().zip(s) {
        *d = b.to_ascii_lowercase();
    }
    let l = &buf[..s.len()];
    // UTF-8 upper-case accented letters at the start (Ápr, Máj…) are rare; the lower-case forms
    // below are what `ls` prints.
    let m = match l {
        b"jan" | b"jan\xc3\xa1r" | b"janv" | b"janvier" | b"januar" | b"january" | b"ene"
        | b"gen" | b"jaan" => 1,
        b"feb" | b"febr" | b"february" | b"februar" | b"f\xc3\xa9v" | b"f\xc3\xa9vr" | b"fev"
        | b"fevr" | b"f\xe9v" | b"f\xe9vr" | b"veebr" => 2,
        b"mar" | b"mars" | b"march" | b"m\xc3\xa4r" | b"m\xc3\xa4rz" | b"m\xe4r" | b"m\xe4rz"
        | b"mrz" | b"maerz" | b"mrt" | b"m\xc3\xa1rc" | b"m\xe1rc" | b"marc" | b"m\xc3\xa4rts" => 3,
        b"apr" | b"april" | b"avr" | b"avril" | b"abr" | b"\xc3\xa1pr" | b"\xe1pr" => 4,
        b"may" | b"mai" | b"mei" | b"mag" | b"maj" | b"m\xc3\xa1j" | b"m\xe1j" => 5,
        b"jun" | b"june" | b"juni" | b"juin" | b"giu" | b"j\xc3\xban" | b"j\xfan" | b"kes" => 6,
        b"jul" | b"july" | b"juli" | b"juil" | b"lug" | b"j\xc3\xbal" | b"j\xfal" => 7,
        b"aug" | b"august" | b"ao\xc3\xbbt" | b"ao\xfbt" | b"aout" | b"ago" => 8,
        b"sep" | b"sept" | b"september" | b"set" | b"szept" => 9,
        b"oct" | b"october" | b"okt" | b"ott" | b"out" => 10,
        b"nov" | b"november" => 11,
        b"dec" | b"december" | b"dez" | b"d\xc3\xa9c" | b"d\xe9c" | b"dic" | b"des" => 12,
        b"jui" => 7, // French VMS: JUI(LLET); June is JUN
        b"aou" => 8,
        _ => return cyrillic_month(l),
    };
    Some(m)
}

/// A number followed by a non-ASCII suffix of at most six bytes: CJK dates print
/// `4月 18日 2003年` (in UTF-8, Shift-JIS, EUC-KR...). `None` without a suffix.
pub(crate) fn cjk_number(s: &[u8]) -> Option<u32> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let suffix = &s[digits..];
    // The suffix starts with a non-ASCII lead byte (Shift-JIS trail bytes may be ASCII: 年 is
    // 94 4E).
    if digits == 0 || digits > 4 || suffix.is_empty() || suffix.len() > 6 || suffix[0] < 0x80 {
        return None;
    }
    parse_u32(&s[..digits])
}

/// Russian `ls` month abbreviations (UTF-8, lower case as `ls` prints them).
fn cyrillic_month(l: &[u8]) -> Option<u32> {
    const NAMES: [(&str, u32); 14] = [
        ("янв", 1),
        ("фев", 2),
        ("мар", 3),
        ("апр", 4),
        ("мая", 5),
        ("май", 5),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("окт", 10),
        ("ноя", 11),
        ("дек", 12),
        ("сент", 9),
    ];
    NAMES
        .iter()
        .find(|(n, _)| n.as_bytes() == l)
        .map(|&(_, m)| m)
}

/// `HH:MM`, `H:MM`, `HH:MM:SS` or `HH:MM:SS.fff` → (hour, minute, second, has_seconds).
/// `24:00` (some servers' midnight) is returned as hour 24 and rolled over by
/// [`local_modified`].
pub(crate) fn parse_time(s: &[u8]) -> Option<(u32, u32, u32, bool)> {
    // `HH:MM`, as `ls` prints it, read directly (the general split below was 3 % of `ls
    // --json`, callgrind); the same answer as the general reading.
    if let &[h1, h2, b':', m1, m2] = s
        && [h1, h2, m1, m2].iter().all(u8::is_ascii_digit)
    {
        let h = u32::from(h1 - b'0') * 10 + u32::from(h2 - b'0');
        let m = u32::from(m1 - b'0') * 10 + u32::from(m2 - b'0');
        let ok = (h < 24 && m < 60) || (h == 24 && m == 0);
        return ok.then_some((h, m, 0, false));
    }
    let mut parts = s.splitn(3, |&b| b == b':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next();
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h = parse_u32(h)?;
    let m = parse_u32(m)?;
    let (s, has_s) = match sec {
        Some(sec) => {
            let whole = match sec.iter().position(|&b| b == b'.' || b == b',') {
                Some(p) => {
                    if !all_digits(&sec[p + 1..]) {
                        return None;
                    }
                    &sec[..p]
                }
                None => sec,
            };
            if whole.len() != 2 {
                return None;
            }
            (parse_u32(whole)?, true)
        }
        None => (0, false),
    };
    let ok = (h < 24 && m < 60 && s < 61) || (h == 24 && m == 0 && s == 0);
    ok.then_some((h, m, s.min(59), has_s))
}

/// A 12-hour time `HH:MM[:SS]AM`, `HH:MMPM` (DOS/IIS), or 24-hour without suffix.
pub(crate) fn parse_time_ampm(s: &[u8]) -> Option<(u32, u32, u32, bool)> {
    let lower = |b: u8| b.to_ascii_lowercase();
    let (core, pm) = match s.len() {
        n if n >= 2 && lower(s[n - 1]) == b'm' && matches!(lower(s[n - 2]), b'a' | b'p') => {
            (&s[..n - 2], Some(lower(s[n - 2]) == b'p'))
        }
        _ => (s, None),
    };
    let (mut h, m, sec, has_s) = parse_time(core)?;
    if let Some(pm) = pm {
        if h == 24 {
            return None;
        }
        if h == 0 || h > 12 {
            return None;
        }
        if h == 12 {
            h = 0;
        }
        if pm {
            h += 12;
        }
    }
    Some((h, m, sec, has_s))
}

pub(crate) fn expand_year(y: i32) -> i32 {
    if y >= 100 {
        y
    } else if y < 70 {
        2000 + y
    } else {
        1900 + y
    }
}

pub(crate) fn make_datetime(
    y: i32,
    m: u32,
    d: u32,
    h: u32,
    min: u32,
    s: u32,
) -> Option<NaiveDateTime> {
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let time = NaiveTime::from_hms_opt(h, min, s)?;
    Some(NaiveDateTime::new(date, time))
}

/// The year of a `Mon DD` date with no year: the most recent one that is not more than a day
/// ahead of the server's "now" (FileZilla's rule; `ls` prints a time instead of a year only for
/// recent files, and clocks or time zones may put a fresh file slightly in the future).
pub(crate) fn infer_year(month: u32, day: u32, server_now: NaiveDateTime) -> Option<NaiveDate> {
    let today = server_now.date();
    let limit = today.succ_opt().unwrap_or(today);
    let mut year = today.year();
    // Feb 29 may need to go back several years; eight is always enough.
    for _ in 0..9 {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
            && date <= limit
        {
            return Some(date);
        }
        year -= 1;
    }
    None
}

/// A date the listing printed in the server's local time, as the entry's [`Modified`].
pub(crate) fn local_modified(
    ctx: &ListingContext,
    date: NaiveDate,
    time: Option<(u32, u32, u32, bool)>,
) -> Option<Modified> {
    let (dt, precision) = match time {
        None => (date.and_hms_opt(0, 0, 0)?, TimePrecision::Day),
        Some((24, _, _, has_s)) => (
            date.succ_opt()?.and_hms_opt(0, 0, 0)?,
            if has_s {
                TimePrecision::Second
            } else {
                TimePrecision::Minute
            },
        ),
        Some((h, m, s, has_s)) => (
            date.and_hms_opt(h, m, s)?,
            if has_s {
                TimePrecision::Second
            } else {
                TimePrecision::Minute
            },
        ),
    };
    Some(ctx.local_to_entry_time(dt, precision))
}

/// A date `Mon DD` without a year at `HH:MM[:SS]` (year inferred).
pub(crate) fn month_day_time(
    ctx: &ListingContext,
    month: u32,
    day: u32,
    time: (u32, u32, u32, bool),
) -> Option<Modified> {
    let date = infer_year(month, day, ctx.server_now())?;
    local_modified(ctx, date, Some(time))
}

/// A day-of-month token: `1`–`31`, optionally followed by `.` or `,`.
pub(crate) fn parse_day(s: &[u8]) -> Option<u32> {
    let s = s
        .strip_suffix(b".")
        .or_else(|| s.strip_suffix(b","))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 2 {
        return None;
    }
    let d = parse_u32(s)?;
    (1..=31).contains(&d).then_some(d)
}

/// Splits `a<sep>b<sep>c` with one separator byte into three numeric parts.
pub(crate) fn split3_numeric(s: &[u8], sep: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let mut it = s.split(|&b| b == sep);
    let a = it.next()?;
    let b = it.next()?;
    let c = it.next()?;
    if it.next().is_some() || !all_digits(a) || !all_digits(b) || !all_digits(c) {
        return None;
    }
    Some((a, b, c))
}

/// A numeric date `MM-DD-YY[YY]`, `YYYY-MM-DD`, `DD.MM.YYYY`, `YYYY/MM/DD`, `MM/DD/YY`...
/// in one token. US order (month first) for `-` and `/` unless the first part is a year or
/// cannot be a month; day first for `.`.
pub(crate) fn parse_numeric_date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() < 6 || s.len() > 10 {
        return None;
    }
    let sep = *s.iter().find(|b| !b.is_ascii_digit())?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (a, b, c) = split3_numeric(s, sep)?;
    let (na, nb, nc) = (parse_u32(a)?, parse_u32(b)?, parse_u32(c)?);
    let (y, m, d) = if a.len() == 4 {
        (na as i32, nb, nc)
    } else if c.len() == 4 || c.len() == 2 {
        let y = expand_year(nc as i32);
        if sep == b'.' || na > 12 {
            (y, nb, na)
        } else {
            (y, na, nb)
        }
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date with a month name in one token: `29-JAN-1996` (VMS), `01-jun-99`, `6-Apr-07`,
/// `Feb-28-1998` (VxWorks), `JUN-01-2004`.
pub(crate) fn parse_month_name_date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() < 7 || s.len() > 16 {
        return None;
    }
    let (a, b, c) = {
        let mut it = s.split(|&x| x == b'-');
        let a = it.next()?;
        let b = it.next()?;
        let c = it.next()?;
        if it.next().is_some() {
            return None;
        }
        (a, b, c)
    };
    let (month, day) = if all_digits(a) {
        (month_from_name(b)?, parse_day(a)?)
    } else {
        (month_from_name(a)?, parse_day(b)?)
    };
    if !all_digits(c) || (c.len() != 2 && c.len() != 4) {
        return None;
    }
    let year = expand_year(parse_u32(c)? as i32);
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_times() {
        assert_eq!(month_from_name(b"Jan"), Some(1));
        assert_eq!(month_from_name(b"M\xc3\xa4r"), Some(3));
        assert_eq!(month_from_name(b"m\xc3\xa4r"), Some(3));
        assert_eq!(month_from_name(b"szept."), Some(9));
        assert_eq!(month_from_name("12月".as_bytes()), Some(12));
        assert_eq!(month_from_name(b"foo"), None);
        assert_eq!(parse_time(b"19:05"), Some((19, 5, 0, false)));
        assert_eq!(parse_time(b"9:05:33"), Some((9, 5, 33, true)));
        assert_eq!(parse_time(b"25:00"), None);
        assert_eq!(parse_time_ampm(b"09:09PM"), Some((21, 9, 0, false)));
        assert_eq!(parse_time_ampm(b"12:01AM"), Some((0, 1, 0, false)));
        assert_eq!(parse_time_ampm(b"12:01PM"), Some((12, 1, 0, false)));
    }

    #[test]
    fn year_inference() {
        let now = make_datetime(2026, 11, 23, 19, 5, 0).unwrap();
        assert_eq!(
            infer_year(11, 23, now),
            NaiveDate::from_ymd_opt(2026, 11, 23)
        );
        assert_eq!(
            infer_year(11, 24, now),
            NaiveDate::from_ymd_opt(2026, 11, 24)
        );
        assert_eq!(
            infer_year(11, 25, now),
            NaiveDate::from_ymd_opt(2025, 11, 25)
        );
        assert_eq!(
            infer_year(12, 31, now),
            NaiveDate::from_ymd_opt(2025, 12, 31)
        );
        assert_eq!(infer_year(1, 1, now), NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(infer_year(2, 29, now), NaiveDate::from_ymd_opt(2024, 2, 29));
        let new_year = make_datetime(2027, 1, 1, 0, 5, 0).unwrap();
        assert_eq!(
            infer_year(12, 31, new_year),
            NaiveDate::from_ymd_opt(2026, 12, 31)
        );
        assert_eq!(
            infer_year(1, 2, new_year),
            NaiveDate::from_ymd_opt(2027, 1, 2)
        );
    }

    #[test]
    fn month_name_dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_month_name_date(b"29-JAN-1996"), d(1996, 1, 29));
        assert_eq!(parse_month_name_date(b"2-JUL-2003"), d(2003, 7, 2));
        assert_eq!(parse_month_name_date(b"01-jun-99"), d(1999, 6, 1));
        assert_eq!(parse_month_name_date(b"Feb-28-1998"), d(1998, 2, 28));
        assert_eq!(parse_month_name_date(b"15-JUI-2002"), d(2002, 7, 15));
        assert_eq!(parse_month_name_date(b"29-FOO-1996"), None);
        assert_eq!(cjk_number("12月".as_bytes()), Some(12));
        assert_eq!(cjk_number(b"4\x8c\x8e"), Some(4));
        assert_eq!(cjk_number(b"4"), None);
        assert_eq!(cjk_number(b"4a"), None);
        assert_eq!(parse_time(b"24:00"), Some((24, 0, 0, false)));
        assert_eq!(parse_time(b"24:01"), None);
    }

    #[test]
    fn numeric_dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_numeric_date(b"04-27-00"), d(2000, 4, 27));
        assert_eq!(parse_numeric_date(b"2005-06-07"), d(2005, 6, 7));
        assert_eq!(parse_numeric_date(b"26.09.2000"), d(2000, 9, 26));
        assert_eq!(parse_numeric_date(b"27/04/2000"), d(2000, 4, 27));
        assert_eq!(parse_numeric_date(b"1-2-3"), None);
    }
}
