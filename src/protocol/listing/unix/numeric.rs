//! `ls -l` as a table of numbers, as some embedded servers print it:
//!
//! ```text
//! 0100644   500  101   12345    123456789       name
//! ```
//!
//! The octal mode with its file-type bits (`0100644` a file, `040755` a folder, `0120777` a
//! link), numeric owner and group, the size, the time in seconds since 1970 (UTC, so never
//! shifted by the site's time-zone offset), then the name after the blanks that align it.

use chrono::DateTime;

use super::super::common::{Tokens, all_digits, parse_u64};
use super::super::{Entry, EntryKind, LineResult, ListingContext, Modified, TimePrecision};

/// The file-type bits of a Unix mode (`S_IFMT`) and the types they name.
const TYPE_MASK: u32 = 0o170_000;
const REGULAR: u32 = 0o100_000;
const DIRECTORY: u32 = 0o040_000;
const SYMLINK: u32 = 0o120_000;
/// FIFO, character device, block device, socket.
const OTHER_TYPES: [u32; 4] = [0o010_000, 0o020_000, 0o060_000, 0o140_000];

pub(crate) fn parse_numeric_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 6 {
        return None;
    }
    let mode_tok = t.get(0);
    // Six or seven octal digits: enough to hold the type bits.
    if !(6..=7).contains(&mode_tok.len()) || !mode_tok.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    let mode = mode_tok
        .iter()
        .fold(0u32, |m, &b| (m << 3) | u32::from(b - b'0'));
    let kind = match mode & TYPE_MASK {
        REGULAR => EntryKind::File,
        DIRECTORY => EntryKind::Dir,
        SYMLINK => EntryKind::Link { target: None },
        other if OTHER_TYPES.contains(&other) => EntryKind::Other,
        _ => return None,
    };
    let (owner, group) = (t.get(1), t.get(2));
    if !all_digits(owner) || !all_digits(group) {
        return None;
    }
    let size = parse_u64(t.get(3))?;
    let seconds = parse_u64(t.get(4))?;
    let time = DateTime::from_timestamp(i64::try_from(seconds).ok()?, 0)?.naive_utc();
    let name = t.rest_after(4);
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size: Some(size),
        modified: Some(Modified {
            time,
            precision: TimePrecision::Second,
        }),
        permissions: Some(ctx.short(mode_tok)),
        owner: Some(ctx.short(owner)),
        group: Some(ctx.short(group)),
        raw_line: line.to_vec(),
    }))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    #[test]
    fn not_numeric_lines() {
        for line in [
            // Not octal, no type bits, a type that does not exist, a name missing.
            "0100648 500 101 12345 123456789 x",
            "000644 500 101 12345 123456789 x",
            "0070644 500 101 12345 123456789 x",
            "0100644 500 101 12345 123456789",
            "0100644 root 101 12345 123456789 x",
            "0100644 500 101 12345 12345678999999999999 x",
            "12345 500 101 12345 123456789 x",
        ] {
            assert!(
                parse_numeric_line(line.as_bytes(), &ctx()).is_none(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn dot_entries_are_skipped() {
        let r = parse_numeric_line(b"040755 0 0 4096 1700000000 ..", &ctx());
        assert!(matches!(r, Some(LineResult::Skip)));
    }
}
