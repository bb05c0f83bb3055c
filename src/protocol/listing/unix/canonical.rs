//! The layout nearly every Unix server prints (`ls -l` in the C locale), read in one pass:
//!
//! ```text
//! -rw-r--r--    1 1001     1001         4096 Nov 30 08:25 name
//! drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 name
//! ```
//!
//! permissions, link count, owner, group, size in bytes, English month, day, time or year, one
//! blank, the name. The general reading ([`super::parse_general`]) looks for the size and date
//! columns among all of a line's tokens, trying each position in every date layout it knows; on
//! a 100,000-line vsftpd listing that search was most of the parse (callgrind). This reading
//! walks the columns where this layout has them, and gives up (`None`) on anything else.
//!
//! It never gives a different answer: for every line it reads, the entry is the one the
//! general reading gives. It uses the general reading's own column rules, and turns away a line
//! where the general reading could see a date starting earlier (an owner named `Jan`, a size
//! followed by a month-like group...). The tests and the listing fuzz target hold the two
//! readings to each other line by line.

use super::super::common::{Shape, Span, all_digits, parse_u64, tokenize, tokenize_like};
use chrono::NaiveDate;

use super::super::dates::{infer_year, local_modified, month_from_name};
use super::super::{LineResult, ListingContext, Modified, PlainLine, Viewed, plain_text};
use super::date::{TimeOrYear, month_day, time_or_year};
use super::{Fields, entry, is_permissions, view};

/// `None` when the line is not in this layout, or might read otherwise in the general reading.
pub(crate) fn parse(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    entry(line, ctx, fields(line, ctx, None)?)
}

/// [`parse`]'s reading, borrowed from the line: a plain line as its slices, any other as its
/// view, and `.` and `..` as [`Viewed::Dot`].
// Inlined: see `unix::view`.
#[inline]
pub(crate) fn parse_view<'a>(
    line: &'a [u8],
    ctx: &ListingContext,
    memory: &mut LineMemory,
) -> Option<Viewed<'a>> {
    let fields = fields(line, ctx, Some(memory))?;
    if let Some(plain) = plain(line, &fields) {
        return Some(Viewed::Plain(plain));
    }
    Some(view(line, ctx, fields)?.map_or(Viewed::Dot, Viewed::View))
}

/// The line as a [`PlainLine`], when it is one: a file or a folder, every byte printable ASCII
/// other than `"` and `\`, and not `.` or `..`.
#[inline]
fn plain<'a>(line: &'a [u8], fields: &Fields<'a>) -> Option<PlainLine<'a>> {
    let is_dir = match fields.type_char {
        b'-' => false,
        b'd' => true,
        _ => return None,
    };
    if matches!(fields.name, b"." | b"..") {
        return None;
    }
    // Printable ASCII reads as it is in every encoding; the columns are cut from the line's
    // text where they lie in its bytes (on ASCII, every place is a character's boundary).
    let whole = plain_text(line)?;
    let text = |part: &'a [u8]| {
        let start = (part.as_ptr() as usize).checked_sub(line.as_ptr() as usize)?;
        whole.get(start..start + part.len())
    };
    Some(PlainLine {
        line: whole,
        is_dir,
        permissions: text(fields.permissions)?,
        owner: text(fields.owner?)?,
        group: text(fields.group?)?,
        size: fields.size?,
        modified: fields.modified,
        name: text(fields.name)?,
    })
}

/// What the streaming reading of one listing keeps from line to line, each part what a line
/// reads as when it is the same as before (callgrind, `ls --json` of 100,000 lines):
/// - the dates of `Mon DD HH:MM` lines with their year worked out, each month and day once,
///   not once a line (the listing's "now" does not change). The year and chrono's date
///   arithmetic were 5 % of the parse and print.
/// - the last line's date columns as they read: the files of a folder often share their date
///   and time (written together: an unpacked archive, a copied tree, a night's logs). Reading
///   them was a ninth.
/// - where the last line's columns were ([`Shape`]): a listing's columns are mostly of the
///   same widths from line to line. Finding them was a quarter.
#[derive(Default)]
pub(crate) struct LineMemory {
    /// By `(month - 1) * 31 + day - 1`, once worked out; empty until the first.
    dates: Vec<Option<Option<NaiveDate>>>,
    /// The eight columns before the name.
    shape: Option<Shape<8>>,
    /// The text from the month to the time or year column of the last line read (blanks
    /// between included), up to its first [`LAST_TEXT`] bytes, and what it read as.
    last: Option<([u8; LAST_TEXT], usize, Modified)>,
}

/// Longer date columns than this (the blanks between included) are read each time.
const LAST_TEXT: usize = 24;

impl LineMemory {
    /// What `text` (the date columns) read as, when it is the last line's.
    fn same_as_last(&self, text: &[u8]) -> Option<Modified> {
        let (last, len, modified) = self.last.as_ref()?;
        (text.len() == *len && last.get(..*len)? == text).then_some(*modified)
    }

    fn remember(&mut self, text: &[u8], modified: Modified) {
        let mut kept = [0; LAST_TEXT];
        self.last = match kept.get_mut(..text.len()) {
            Some(part) => {
                part.copy_from_slice(text);
                Some((kept, text.len(), modified))
            }
            None => None,
        };
    }

    fn date(&mut self, ctx: &ListingContext, month: u32, day: u32) -> Option<NaiveDate> {
        // Months 1 to 12 and days 1 to 31, as the columns were read.
        let index = (month as usize).checked_sub(1)? * 31 + (day as usize).checked_sub(1)?;
        if self.dates.is_empty() {
            self.dates = vec![None; 12 * 31];
        }
        *self
            .dates
            .get_mut(index)?
            .get_or_insert_with(|| infer_year(month, day, ctx.server_now()))
    }
}

/// The columns of a line in this layout.
fn fields<'a>(
    line: &'a [u8],
    ctx: &ListingContext,
    mut memory: Option<&mut LineMemory>,
) -> Option<Fields<'a>> {
    // The eight columns before the name: where the line before had them, when its blanks are
    // at the same places.
    let mut spans = [Span::default(); 8];
    let found = match memory.as_deref_mut() {
        Some(memory) => tokenize_like(line, &mut spans, &mut memory.shape),
        None => tokenize(line, &mut spans) == spans.len(),
    };
    if !found {
        return None;
    }
    // Each column cut on its own: `spans.map(...)` built the array of eight slices through
    // `try_map`'s generic machinery, 2.4 % of `ls --json` (callgrind).
    let column = |i: usize| line.get(spans[i].start..spans[i].end).unwrap_or_default();
    let permissions = column(0);
    let links = column(1);
    let owner = column(2);
    let group = column(3);
    let size_column = column(4);
    let month_column = column(5);
    let day_column = column(6);
    let time_column = column(7);
    // Files, folders and links; devices (whose size column is `major, minor`) and the rest
    // take the general reading.
    if !is_permissions(permissions) || !matches!(permissions[0], b'-' | b'd' | b'l') {
        return None;
    }
    if !all_digits(links)
        // `major,` before a number reads as a device's size column.
        || group.ends_with(b",")
        || may_start_date(owner, group, size_column)
        || may_start_date(group, size_column, month_column)
        || may_start_date(size_column, month_column, day_column)
    {
        return None;
    }
    let size = parse_u64(size_column)?;
    let modified = match memory {
        Some(memory) => {
            let text = line.get(spans[5].start..spans[7].end).unwrap_or_default();
            match memory.same_as_last(text) {
                Some(modified) => modified,
                None => {
                    let modified = date(ctx, month_column, day_column, time_column, Some(memory))?;
                    memory.remember(text, modified);
                    modified
                }
            }
        }
        None => date(ctx, month_column, day_column, time_column, None)?,
    };
    // After exactly one blank: a name's own leading blanks are kept.
    let name = &line[(spans[7].end + 1).min(line.len())..];
    if name.is_empty() {
        return None;
    }
    Some(Fields {
        type_char: permissions[0],
        permissions,
        owner: Some(owner),
        group: Some(group),
        group_is_one_word: true,
        size: Some(size),
        modified,
        name,
    })
}

/// The date of the month, day and time-or-year columns; with the year of a `Mon DD HH:MM`
/// from `memory`'s table.
fn date(
    ctx: &ListingContext,
    month_column: &[u8],
    day_column: &[u8],
    time_column: &[u8],
    memory: Option<&mut LineMemory>,
) -> Option<Modified> {
    let month = english_month(month_column)?;
    let day = day_of_month(day_column)?;
    let time = time_or_year(time_column)?;
    // `HH:MM:SS` may be `ls -T`'s `HH:MM:SS YYYY`: the general reading's.
    if let TimeOrYear::Time((_, _, _, true)) = time {
        return None;
    }
    match (time, memory) {
        // `month_day`'s reading, with the year from the table.
        (TimeOrYear::Time(time), Some(memory)) => {
            local_modified(ctx, memory.date(ctx, month, day)?, Some(time))
        }
        (time, _) => month_day(ctx, month, day, time),
    }
}

/// Whether the general reading could find a date starting at column `a` (followed by `next`
/// and `after`): `false` only where none of its layouts can start there (see
/// `date::parse_date`); `true` sends the line to it.
#[inline(always)]
fn may_start_date(a: &[u8], next: &[u8], after: &[u8]) -> bool {
    let Some(&first) = a.first() else {
        return true;
    };
    if all_digits(a) {
        return match a.len() {
            // A year, but only before a CJK month (digits and a non-ASCII suffix).
            4 => !next.is_ascii(),
            // `DD Mon (HH:MM|YYYY)`: one or two digits after the month are neither.
            // (The month is looked up last: it is the dearer test.)
            1..=3 => !(after.len() <= 2 && all_digits(after)) && month_from_name(next).is_some(),
            // No layout is five or more digits alone.
            _ => false,
        };
    }
    if first.is_ascii_alphabetic() && a.is_ascii() {
        // `Mon DD …`, or a date in one token with a month name (`Feb-28-1998`).
        return month_from_name(a).is_some() || a.contains(&b'-');
    }
    true
}

/// `Jan` … `Dec`, as `ls` prints them in the C locale.
fn english_month(column: &[u8]) -> Option<u32> {
    const NAMES: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    // Three bytes compared as one number each time (comparing slices called `bcmp` for each
    // name: 2 % of `ls --json`, callgrind).
    let word = |name: &[u8; 3]| u32::from_le_bytes([name[0], name[1], name[2], 0]);
    let column: &[u8; 3] = column.try_into().ok()?;
    let wanted = word(column);
    let position = NAMES.iter().position(|name| word(name) == wanted)?;
    Some(position as u32 + 1)
}

/// `1` … `31`, one or two digits.
fn day_of_month(column: &[u8]) -> Option<u32> {
    if column.len() > 2 {
        return None;
    }
    let day = parse_u64(column)?;
    (1..=31).contains(&day).then_some(day as u32)
}
