//! Microware OS-9 (`dir -e`): owner as `group.user`, the date `YY/MM/DD`, the time `HHMM`,
//! attributes (`d` first for a folder, then `s` and the `ewr` of others and owner), the
//! starting sector in hexadecimal, the size, the name.
//!
//! ```text
//! 20.20 07/03/29 1026 d-ewrewr 2650 85920 CMDS
//!   0.0 97/06/13 1436 ----r-wr  14A  1040 startup
//! ```
//!
//! FileZilla keeps only the day; the `HHMM` column is the time of day, so Ferry keeps it.

use chrono::NaiveDate;

use super::common::{Tokens, all_digits, parse_u32, parse_u64};
use super::dates::{expand_year, local_modified};
use super::{Entry, EntryKind, LineResult, ListingContext};

pub(crate) fn parse_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 7 {
        return None;
    }
    let owner = t.get(0);
    if !is_owner(owner) {
        return None;
    }
    let date = parse_date(t.get(1))?;
    let time = parse_hhmm(t.get(2))?;
    let attributes = t.get(3);
    if !is_attributes(attributes) {
        return None;
    }
    if !t.get(4).iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let size = parse_u64(t.get(5))?;
    let name = t.rest_after(5);
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    let kind = if attributes[0] == b'd' {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size: Some(size),
        modified: Some(local_modified(ctx, date, Some(time))?),
        permissions: Some(ctx.short(attributes)),
        owner: Some(ctx.short(owner)),
        group: None,
        raw_line: line.to_vec(),
    }))
}

/// `group.user`, both numbers: `0.0`, `20.20`.
fn is_owner(tok: &[u8]) -> bool {
    match tok.iter().position(|&b| b == b'.') {
        Some(dot) => all_digits(&tok[..dot]) && all_digits(&tok[dot + 1..]),
        None => false,
    }
}

/// `YY/MM/DD`, year first.
fn parse_date(tok: &[u8]) -> Option<NaiveDate> {
    if tok.len() != 8 || tok[2] != b'/' || tok[5] != b'/' {
        return None;
    }
    let (y, m, d) = (&tok[..2], &tok[3..5], &tok[6..]);
    if !all_digits(y) || !all_digits(m) || !all_digits(d) {
        return None;
    }
    let year = expand_year(parse_u32(y)? as i32);
    NaiveDate::from_ymd_opt(year, parse_u32(m)?, parse_u32(d)?)
}

/// `HHMM` as (hour, minute, second, has seconds).
fn parse_hhmm(tok: &[u8]) -> Option<(u32, u32, u32, bool)> {
    if tok.len() != 4 || !all_digits(tok) {
        return None;
    }
    let (h, m) = (parse_u32(&tok[..2])?, parse_u32(&tok[2..])?);
    (h < 24 && m < 60).then_some((h, m, 0, false))
}

/// Eight letters from `dsewrewr` or `-`, the first `d` or `-`.
fn is_attributes(tok: &[u8]) -> bool {
    tok.len() == 8
        && matches!(tok[0], b'd' | b'-')
        && tok[1..]
            .iter()
            .all(|b| matches!(b, b's' | b'e' | b'w' | b'r' | b'-'))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    #[test]
    fn not_os9() {
        for line in [
            // Owner not `n.n`, date not year first, time not HHMM, attributes not OS-9's,
            // sector not hexadecimal, no name.
            "root 07/03/29 1026 d-ewrewr 2650 85920 x",
            "20.20 07-03-29 1026 d-ewrewr 2650 85920 x",
            "20.20 07/13/29 1026 d-ewrewr 2650 85920 x",
            "20.20 07/03/29 2526 d-ewrewr 2650 85920 x",
            "20.20 07/03/29 10:26 d-ewrewr 2650 85920 x",
            "20.20 07/03/29 1026 drwxrwxr 2650 85920 x",
            "20.20 07/03/29 1026 d-ewrewr 26G0 85920 x",
            "20.20 07/03/29 1026 d-ewrewr 2650 85920",
        ] {
            assert!(parse_line(line.as_bytes(), &ctx()).is_none(), "{line:?}");
        }
    }
}
