//! HP NonStop (Tandem Guardian): the file name, its file code, the size, the date and time,
//! the owner as `group,user` (with or without a blank after the comma), and the security
//! string in quotes.
//!
//! ```text
//! TACLCSTM 101 528 6-Apr-07 14:21:18 255, 0 "oooo"
//! EDITFILE 101 528 6-Apr-07 14:21:18 255,255 "nunu"
//! ```

use super::common::{Tokens, all_digits, parse_u64};
use super::dates::{local_modified, parse_month_name_date, parse_time};
use super::{Entry, EntryKind, LineResult, ListingContext};

pub(crate) fn parse_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if !(7..=8).contains(&t.len) {
        return None;
    }
    let name = t.get(0);
    if !all_digits(t.get(1)) {
        return None;
    }
    let size = parse_u64(t.get(2))?;
    let date = parse_month_name_date(t.get(3))?;
    let time = parse_time(t.get(4))?;
    // The owner: `255,255` in one token or `255,` `0` in two; then the quoted security.
    let owner_first = t.span(5)?;
    let security = t.get(t.len - 1);
    let owner_last = t.span(t.len - 2)?;
    let owner = &line[owner_first.start..owner_last.end];
    if !is_owner(owner) {
        return None;
    }
    let security = security.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind: EntryKind::File,
        size: Some(size),
        modified: Some(local_modified(ctx, date, Some(time))?),
        permissions: Some(ctx.short(security)),
        owner: Some(ctx.short(owner)),
        group: None,
        raw_line: line.to_vec(),
    }))
}

/// `group,user`: two numbers, a comma and at most blanks between them.
fn is_owner(s: &[u8]) -> bool {
    let Some(comma) = s.iter().position(|&b| b == b',') else {
        return false;
    };
    let user = s[comma + 1..].trim_ascii_start();
    all_digits(&s[..comma]) && all_digits(user)
}

#[cfg(test)]
mod tests {

    use super::*;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    #[test]
    fn not_nonstop() {
        for line in [
            // File code not a number, no quotes, owner not `n,n`, a date without a month name.
            "NAME x 528 6-Apr-07 14:21:18 255,255 \"oooo\"",
            "NAME 101 528 6-Apr-07 14:21:18 255,255 oooo",
            "NAME 101 528 6-Apr-07 14:21:18 root \"oooo\"",
            "NAME 101 528 2007-04-06 14:21:18 255,255 \"oooo\"",
            "NAME 101 528 6-Apr-07 14:21:18 255, 0 \"oooo\" extra words",
        ] {
            assert!(parse_line(line.as_bytes(), &ctx()).is_none(), "{line:?}");
        }
    }
}
