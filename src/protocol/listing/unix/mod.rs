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
//! -rw-r--r--   1 owner  group      531 3 29 03:26 name           (month and day as numbers)
//! -r-xr-xr-x longowner longgroup123456 Feb 12 17:20 name         (size run into the group)
//!   123456  8 -rw-r--r-- 1 owner group 531 Jan 29 03:26 name     (inode/blocks first)
//! d [R----F--] supervisor          512 Jan 16 18:53    login     (NetWare)
//! -C--E-----FTP B BCC3I1  7670 1294495 Jan 13 07:42 name         (Connect:Enterprise)
//! 0100644   500  101   12345    123456789       name             (all numbers: numeric.rs)
//! ```
//!
//! The name starts after exactly one blank following the time/year column, so leading spaces
//! of a name are kept — except where the blanks are padding: NetWare's aligned name column,
//! and a one-token date with no time (`2004.07.15   name`), where a time would have stood.
//! `total N` and the `.`/`..` entries are skipped.

use chrono::NaiveDateTime;

use super::common::{Tokens, all_digits, find, is_blank, parse_size_with_unit, parse_u64};
use super::dates::{month_from_name, parse_numeric_date, parse_time};
use std::borrow::Cow;

use super::{
    Entry, EntryKind, EntryView, LineResult, LineText, ListingContext, ListingFormat,
    TimePrecision, ViewKind,
};

mod canonical;
mod date;
mod numeric;

pub(crate) use canonical::LineMemory;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use canonical::parse as parse_canonical;
pub(crate) use canonical::parse_view as parse_canonical_view;
use date::{parse_date, parse_numeric_month_day};
pub(crate) use numeric::parse_numeric_line;

/// Parses one Unix-style LIST line; `now` is the server's local time (for the year of
/// `Mon DD HH:MM` dates). Names are decoded with the Auto encoding.
pub fn parse_line(line: &[u8], now: NaiveDateTime) -> LineResult {
    parse_line_with(line, &ListingContext::new(ListingFormat::List, now))
}

/// Parses one Unix-style LIST line with a site's context.
pub fn parse_line_with(line: &[u8], ctx: &ListingContext) -> LineResult {
    parse_line_opt(line, ctx).unwrap_or(LineResult::Unparsed)
}

/// How hard to look for the size and date columns. The relaxed readings (month and day as
/// numbers, a size run into the group) are ambiguous with ordinary lines — `1 12 2019` could
/// be owner, group and size or a date — so they are tried only on a line that no strict
/// reading fits. Lines that parse today keep their meaning, and the fast path stays fast.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Strict,
    Relaxed,
}

/// Where the size and date columns were found.
struct Columns {
    size: Option<u64>,
    /// The first token of the size column (`1,` of a device's `1, 3`).
    size_first: usize,
    /// Bytes at the start of the size token that belong to the group (`longgroup123456`).
    glued_group: usize,
    /// The date's first token, and the token after its last.
    date_first: usize,
    after_date: usize,
    modified: super::Modified,
}

/// `None` when the line is not a Unix-style line.
pub(crate) fn parse_line_opt(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    if line.len() > super::MAX_LINE {
        return None;
    }
    canonical::parse(line, ctx).or_else(|| parse_general(line, ctx))
}

/// Every layout: the columns are looked for among the line's tokens. (`None` when the line is
/// not a Unix-style line.)
pub(crate) fn parse_general(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
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
        if is_permissions(tok) || is_connect_enterprise_permissions(tok) {
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
    let (permissions, first_after) = if netware {
        // NetWare's type and rights together, as the line shows them: `d [R----F--]`.
        let (Some(kind), Some(rights)) = (t.span(p), t.span(p + 1)) else {
            return None;
        };
        (&line[kind.start..rights.end], p + 2)
    } else {
        (t.get(p), p + 1)
    };

    let Some(columns) = find_columns(&t, first_after, ctx, Reading::Strict)
        .or_else(|| find_columns(&t, first_after, ctx, Reading::Relaxed))
    else {
        return dateless(&t, line, type_char, first_after, netware, ctx);
    };

    // The name: everything after exactly one blank following the date, unless those blanks
    // are padding (see the module's comment).
    let one_token_date_without_time = columns.after_date == columns.date_first + 1
        && columns.modified.precision == TimePrecision::Day;
    let name = if netware || one_token_date_without_time {
        t.rest_after(columns.after_date - 1)
    } else {
        t.rest_after_one_blank(columns.after_date - 1)
    };
    if name.is_empty() {
        return None;
    }

    let (owner, group) = owner_group(
        &t,
        first_after,
        columns.size_first,
        columns.glued_group,
        netware,
    );

    entry(
        line,
        ctx,
        Fields {
            type_char,
            permissions,
            owner,
            group,
            group_is_one_word: false,
            size: columns.size,
            modified: columns.modified,
            name,
        },
    )
}

/// The columns of a line once they are found, as slices of it.
struct Fields<'a> {
    type_char: u8,
    permissions: &'a [u8],
    owner: Option<&'a [u8]>,
    group: Option<&'a [u8]>,
    /// The group is one token (no blanks inside to even out).
    group_is_one_word: bool,
    /// As the size column reads (a device's is dropped below).
    size: Option<u64>,
    modified: super::Modified,
    /// Everything after the date: the name, and a link's ` -> target`.
    name: &'a [u8],
}

/// The entry of a line whose columns were found; `None` when it names nothing.
fn entry(line: &[u8], ctx: &ListingContext, fields: Fields) -> Option<LineResult> {
    Some(match view(line, ctx, fields)? {
        Some(view) => LineResult::Entry(view.into_entry()),
        None => LineResult::Skip,
    })
}

/// The entry of a line whose columns were found, borrowed from the line: `Some(None)` for the
/// `.` and `..` entries, `None` when it names nothing.
// Inlined, with the functions that hand the view on (`canonical::parse_view`,
// `parse_line_viewed`): the view, about 200 bytes, is then built where its reader takes it
// instead of being copied from frame to frame (8 % of `ls --json`, `cargo bench --bench
// listing_parse`).
#[inline]
fn view<'a>(
    line: &'a [u8],
    ctx: &ListingContext,
    fields: Fields<'a>,
) -> Option<Option<EntryView<'a>>> {
    let Fields {
        type_char,
        permissions,
        owner,
        group,
        group_is_one_word,
        size,
        modified,
        name,
    } = fields;
    let kind = match type_char {
        b'-' | b'f' => ViewKind::File,
        b'd' => ViewKind::Dir,
        b'l' => ViewKind::Link,
        _ => ViewKind::Other,
    };
    let text = LineText::new(line, ctx);
    let mut name_bytes = name;
    let mut target = None;
    if kind == ViewKind::Link
        && let Some(arrow) = find(name, b" -> ")
    {
        name_bytes = &name[..arrow];
        let tgt = &name[arrow + 4..];
        if !tgt.is_empty() {
            target = Some(text.cow(tgt));
        }
    }
    if name_bytes.is_empty() {
        return None;
    }
    if name_bytes == b"." || name_bytes == b".." {
        return Some(None);
    }
    let size = match kind {
        ViewKind::Other if matches!(type_char, b'b' | b'c') => None,
        _ => size,
    };
    Some(Some(EntryView {
        raw_name: name_bytes,
        name: text.cow(name_bytes),
        kind,
        target,
        size,
        modified: Some(modified),
        permissions: Some(text.cow(permissions)),
        owner: owner.map(|o| text.cow(o)),
        group: group.map(|g| {
            if group_is_one_word {
                text.cow(g)
            } else {
                one_blank_between_words(g, &text)
            }
        }),
        raw_line: line,
        raw_text: text.whole(),
    }))
}

/// A group of several words (`domain user`, Connect:Enterprise's `BCC3I1       7670`) as
/// words with one blank between them: the column alignment is no part of the group.
fn one_blank_between_words<'a>(group: &'a [u8], text: &LineText<'a>) -> Cow<'a, str> {
    // The common one-word group is decoded as it is (this runs for every line).
    if !group.iter().any(|&b| is_blank(b)) {
        return text.cow(group);
    }
    let words: Vec<&[u8]> = group
        .split(|&b| is_blank(b))
        .filter(|w| !w.is_empty())
        .collect();
    Cow::Owned(text.cow(&words.join(&b' ')).into_owned())
}

/// Finds the date: the first token position `k` (after at least a size column) where a date
/// parses and the size column before it reads.
fn find_columns(
    t: &Tokens,
    first_after: usize,
    ctx: &ListingContext,
    reading: Reading,
) -> Option<Columns> {
    let mut k = first_after + 1;
    while k + 1 < t.len {
        let size = match reading {
            Reading::Strict => parse_size_column(t, k, first_after),
            Reading::Relaxed => {
                parse_size_column(t, k, first_after).or_else(|| parse_glued_size(t, k, first_after))
            }
        };
        if let Some((size, size_first, glued_group)) = size {
            let date = match reading {
                Reading::Strict => parse_date(t, k, ctx),
                Reading::Relaxed => {
                    parse_date(t, k, ctx).or_else(|| parse_numeric_month_day(t, k, ctx))
                }
            };
            if let Some((after_date, modified)) = date {
                return Some(Columns {
                    size,
                    size_first,
                    glued_group,
                    date_first: k,
                    after_date,
                    modified,
                });
            }
        }
        k += 1;
    }
    None
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
        permissions: Some(ctx.short(t.get(first_after - 1))),
        owner: Some(ctx.short(t.get(first_after + 1))),
        group: Some(ctx.short(t.get(first_after + 2))),
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
    // One table lookup a letter, all nine looked at (no early exit): a `matches!` of ten
    // letters on each was 3 % of `ls --json` (callgrind).
    if !tok[1..10]
        .iter()
        .fold(true, |ok, &b| ok & MODE_LETTER[usize::from(b)])
    {
        return false;
    }
    tok.len() == 10 || matches!(tok[10], b'+' | b'@' | b'.' | b'*')
}

/// The letters of the nine mode columns: `rwx`, set-id and sticky (`sStT`), mandatory
/// locking (`lL`) and `-`.
const MODE_LETTER: [bool; 256] = {
    let mut table = [false; 256];
    let letters = b"rwxsStTlL-";
    let mut i = 0;
    while i < letters.len() {
        table[letters[i] as usize] = true;
        i += 1;
    }
    table
};

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

/// The size column just before the date token `k`: returns (size, index of its first token,
/// 0 bytes of it belonging to the group). Device files print `major, minor` (`1,  3` or `1,3`)
/// instead: size unknown.
fn parse_size_column(t: &Tokens, k: usize, first_after: usize) -> Option<SizeColumn> {
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
                return Some((None, k - 2, 0));
            }
        }
        return Some((Some(v), k - 1, 0));
    }
    // `1,3` or `1,` (minor glued or missing) in one token.
    if let Some(c) = s.iter().position(|&b| b == b',') {
        let (a, b) = (&s[..c], &s[c + 1..]);
        if all_digits(a) && (b.is_empty() || all_digits(b)) {
            return Some((None, k - 1, 0));
        }
    }
    None
}

/// (size, index of the size column's first token, bytes of that token that are the group's).
type SizeColumn = (Option<u64>, usize, usize);

/// A size run into the group when the group name filled its column: `longgroup123456` is
/// group `longgroup`, size 123456. The owner must stand before it (a lone `abc123` is more
/// likely an owner with digits than a group and size).
fn parse_glued_size(t: &Tokens, k: usize, first_after: usize) -> Option<SizeColumn> {
    if k < first_after + 2 {
        return None;
    }
    let tok = t.get(k - 1);
    let digits = tok.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let group_len = tok.len() - digits;
    if digits == 0 || group_len == 0 || !tok[..group_len].iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let size = parse_u64(&tok[group_len..])?;
    Some((Some(size), k - 1, group_len))
}

/// Owner and group from the tokens between the permissions and the size column:
/// `[links] owner [group]`; `glued` bytes at the start of the size token are the group's end.
fn owner_group<'a>(
    t: &Tokens<'a>,
    from: usize,
    to: usize,
    glued: usize,
    netware: bool,
) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let mut from = from;
    // A leading number is the link count (when it is alone, too: `-r--r--r-- 1 12 Nov 11 2005`).
    if !netware && from < to && all_digits(t.get(from)) {
        from += 1;
    }
    // The run ends where the size column starts, or inside it when the size is glued on.
    let (Some(size_span), Some(first)) = (t.span(to), t.span(from)) else {
        return (None, None);
    };
    let end = if glued > 0 {
        size_span.start + glued
    } else {
        match to.checked_sub(1).and_then(|i| t.span(i)) {
            Some(last) if to > from => last.end,
            _ => return (None, None),
        }
    };
    let tokens = to - from + usize::from(glued > 0);
    let owner = &t.line[first.start..first.end.min(end)];
    match tokens {
        0 => (None, None),
        1 => (Some(owner), None),
        _ => {
            // The group: from the second token to the end of the run.
            let Some(second) = t.span(from + 1) else {
                return (Some(owner), None);
            };
            (Some(owner), Some(&t.line[second.start..end]))
        }
    }
}

/// Connect:Enterprise (Sterling Commerce) puts ten flag letters and the protocol in the
/// permissions column: `-C--E-----FTP`, `-AR--M----TCP`.
fn is_connect_enterprise_permissions(tok: &[u8]) -> bool {
    tok.len() == 13
        && matches!(tok[0], b'-' | b'd')
        && tok[1..10]
            .iter()
            .all(|&b| b == b'-' || b.is_ascii_uppercase())
        && tok[10..].iter().all(u8::is_ascii_uppercase)
}

#[cfg(test)]
mod tests;
