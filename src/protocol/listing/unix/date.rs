//! The date column of a Unix-style line, in every layout servers print: `Mon DD HH:MM`,
//! `Mon DD YYYY`, `DD Mon`, `MM-DD`, ISO, dotted, slashed, localised month names (German,
//! French, Hungarian, Russian...), CJK dates in UTF-8 or legacy encodings, `ls -T` and
//! `--full-time` layouts.

use chrono::NaiveDate;

use super::super::common::{Tokens, all_digits, parse_u32, parse_u64};
use super::super::dates::{
    cjk_number, local_modified, month_day_time, month_from_name, parse_day, parse_month_name_date,
    parse_numeric_date, parse_time,
};
use super::super::{ListingContext, Modified};

/// A time `HH:MM[:SS]` or a 4-digit year in the "time or year" column.
pub(super) enum TimeOrYear {
    Time((u32, u32, u32, bool)),
    Year(i32),
}

pub(super) fn time_or_year(tok: &[u8]) -> Option<TimeOrYear> {
    if tok.len() == 4 && all_digits(tok) {
        let y = parse_u32(tok)? as i32;
        return (1900..=2199).contains(&y).then_some(TimeOrYear::Year(y));
    }
    parse_time(tok).map(TimeOrYear::Time)
}

/// Builds the time of a `month day (time|year)` date.
pub(super) fn month_day(
    ctx: &ListingContext,
    month: u32,
    day: u32,
    ty: TimeOrYear,
) -> Option<Modified> {
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
pub(super) fn parse_date(t: &Tokens, k: usize, ctx: &ListingContext) -> Option<(usize, Modified)> {
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
    // Four digits are a date only as a year before a CJK month: `2003 3月 20` (year, month,
    // day). No other layout starts with them, so numeric owners and groups, as vsftpd prints
    // them (`1001`), are turned away here, at each of the columns tried.
    if a.len() == 4 && all_digits(a) {
        let y = year_token(a)?;
        let month = t.get(k + 1);
        if month.first().is_some_and(u8::is_ascii_digit) && !month.is_ascii() {
            return cjk_year_first(t, k, y, ctx);
        }
        return None;
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

/// `M D (HH:MM|YYYY)` with the month as a number too (`3 29 03:26`, `12 25  2019`), as some
/// servers print. Only tried on lines no other date layout fits (see `Reading`): `1 12 2019`
/// is also a link count, a group and a size.
pub(super) fn parse_numeric_month_day(
    t: &Tokens,
    k: usize,
    ctx: &ListingContext,
) -> Option<(usize, Modified)> {
    let (m, d) = (t.get(k), t.get(k + 1));
    if m.len() > 2 || d.len() > 2 || !all_digits(m) || !all_digits(d) {
        return None;
    }
    let month = parse_u32(m)?;
    let day = parse_u32(d)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let ty = time_or_year(t.get(k + 2))?;
    Some((k + 3, month_day(ctx, month, day, ty)?))
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
