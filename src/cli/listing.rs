//! `ferry info` and `ferry ls`: what a server says about itself, and a folder's entries as
//! `ls -l`-like lines or JSON.

use std::borrow::Cow;
use std::io::Write;

use super::{CliError, CliOptions, Connection, connect_request, exit};
use crate::engine::{EngineOptions, Event};
use crate::protocol::listing::{
    EntrySink, EntryView, ListingContext, ListingParser, PlainLine, ViewKind, unread_lines_shown,
};

/// `ferry info URL`: the greeting, the login message, SYST, FEAT and the current folder.
pub fn info(url: &str, options: &CliOptions) -> Result<(), CliError> {
    let request = connect_request(url, options)?;
    let names_folder = request.initial_path.is_some();
    let connection = Connection::open(request, options.verbose)?;
    let info = connection.wait_connected()?;
    // When the URL names a folder, report it once the engine has entered it.
    let cwd = if names_folder {
        connection.wait_listing()?.path
    } else {
        info.cwd.clone()
    };
    let mut out = std::io::stdout().lock();
    let mut print = || -> std::io::Result<()> {
        writeln!(out, "Server:   {}:{}", info.host, info.port)?;
        writeln!(out, "Greeting:")?;
        for line in &info.greeting {
            writeln!(out, "  {line}")?;
        }
        writeln!(out, "Login:")?;
        for line in &info.login_message {
            writeln!(out, "  {line}")?;
        }
        writeln!(
            out,
            "System:   {}",
            info.system.as_deref().unwrap_or("(not given)")
        )?;
        writeln!(out, "Features:")?;
        for feature in &info.features.lines {
            writeln!(out, "  {feature}")?;
        }
        writeln!(out, "Folder:   {cwd}")?;
        Ok(())
    };
    print().map_err(output_error)
}

/// `ferry ls [--json] URL`: the folder's entries, as `ls -l`-like lines or one JSON object each.
pub fn ls(url: &str, json: bool, options: &CliOptions) -> Result<(), CliError> {
    // The listing's bytes come here as they arrive, and each line is printed as it is parsed,
    // borrowed from the bytes: no `Entry` is built for it.
    let engine_options = EngineOptions {
        log: options.verbose,
        listing_bytes: true,
        ..EngineOptions::default()
    };
    let connection = Connection::open_with(
        connect_request(url, options)?,
        options.verbose,
        engine_options,
    )?;
    let mut printing = None;
    loop {
        match connection.next()? {
            Event::ListingFormat(context) => {
                printing = Some(ListingPrinter::new(
                    *context,
                    json,
                    std::io::stdout().lock(),
                ));
            }
            Event::ListingBytes(bytes) => {
                if let Some(printing) = &mut printing {
                    printing.feed(&bytes);
                }
            }
            Event::Listing(_) => break,
            _ => {}
        }
    }
    let unparsed = match printing {
        Some(printing) => printing.finish().map_err(output_error)?,
        None => Vec::new(),
    };
    report_unparsed(&unparsed, options.verbose);
    Ok(())
}

/// A listing's bytes printed as `ferry ls` prints them, each line as soon as it has come.
pub struct ListingPrinter<W: Write> {
    parser: ListingParser,
    printer: Printer<W>,
}

impl<W: Write> ListingPrinter<W> {
    /// Entries as JSON objects (`json`) or `ls -l`-like lines, into `out`.
    pub fn new(context: ListingContext, json: bool, out: W) -> Self {
        let style = if json { Style::Json } else { Style::Long };
        Self {
            parser: ListingParser::new(context),
            printer: Printer::new(out, style),
        }
    }

    /// The listing's next bytes, cut anywhere.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.parser.feed_into(bytes, &mut self.printer);
    }

    /// Prints what is left; gives the lines no parser could read.
    pub fn finish(mut self) -> std::io::Result<Vec<Vec<u8>>> {
        let unparsed = self.parser.finish_into(&mut self.printer).unparsed;
        self.printer.finish()?;
        Ok(unparsed)
    }
}

/// Lines no parser could read: counted, and with `--verbose` the first of them shown.
fn report_unparsed(lines: &[Vec<u8>], verbose: bool) {
    if lines.is_empty() {
        return;
    }
    if !verbose {
        eprintln!(
            "ferry: {} listing lines could not be read (see --verbose)",
            lines.len()
        );
        return;
    }
    let (shown, more) = unread_lines_shown(lines);
    for line in shown {
        eprintln!("ferry: could not read listing line: {line}");
    }
    if more > 0 {
        eprintln!("ferry: ... and {more} more unreadable lines");
    }
}

fn output_error(e: std::io::Error) -> CliError {
    CliError {
        code: exit::OTHER,
        message: format!("could not write the output: {e}"),
    }
}

/// One entry as a JSON object, one per line (`ls --json`):
/// `{"name":…,"size":…,"modified":…,"is_dir":…,"is_link":…,"target":…,"permissions":…,"raw":…}`.
///
/// Written by hand rather than through serde: at 100,000 entries serde_json's per-byte string
/// escaping and the per-field calls were over half of the client side's instructions
/// (callgrind). The test below holds it to serde_json's output, byte for byte.
fn json_line(line: &mut Vec<u8>, entry: &EntryView, stamp: &mut TimestampText) {
    // Checked strictly first: the standard library's check is several times faster than the
    // lossy one, and nearly every line is valid.
    let raw = match entry
        .raw_text
        .ok_or(())
        .or_else(|()| std::str::from_utf8(entry.raw_line))
    {
        Ok(raw) => Cow::Borrowed(raw),
        Err(_) => String::from_utf8_lossy(entry.raw_line),
    };
    // A line with nothing to escape has nothing to escape in any part of it: the parts borrowed
    // from it are then copied without looking (one look at the line instead of one per part).
    let plain_line = !has_any_to_escape(raw.as_bytes());
    let string = |line: &mut Vec<u8>, text: &str| {
        if plain_line && is_part_of(text, &raw) {
            json_plain_string(line, text);
        } else {
            json_string(line, text);
        }
    };
    // The fixed text between the values goes in as few pieces as it can: a quote next to
    // fixed text is part of it where the value is known to need no escaping.
    line.extend_from_slice(b"{\"name\":");
    string(line, &entry.name);
    match entry.size {
        Some(size) => {
            line.extend_from_slice(b",\"size\":");
            line.extend_from_slice(itoa::Buffer::new().format(size).as_bytes());
        }
        None => line.extend_from_slice(b",\"size\":null"),
    }
    match entry.modified {
        // Digits, signs, `:` and `T`: nothing to escape.
        Some(modified) => {
            line.extend_from_slice(b",\"modified\":\"");
            line.extend_from_slice(stamp.format(modified.time));
            line.push(b'"');
        }
        None => line.extend_from_slice(b",\"modified\":null"),
    }
    line.extend_from_slice(match (entry.is_dir(), entry.is_link()) {
        (false, false) => b",\"is_dir\":false,\"is_link\":false,\"target\":",
        (true, false) => b",\"is_dir\":true,\"is_link\":false,\"target\":",
        (false, true) => b",\"is_dir\":false,\"is_link\":true,\"target\":",
        (true, true) => b",\"is_dir\":true,\"is_link\":true,\"target\":",
    });
    match entry.target.as_deref() {
        Some(target) => string(line, target),
        None => line.extend_from_slice(b"null"),
    }
    line.extend_from_slice(b",\"permissions\":");
    match entry.permissions.as_deref() {
        Some(permissions) => string(line, permissions),
        None => line.extend_from_slice(b"null"),
    }
    if plain_line {
        line.extend_from_slice(b",\"raw\":\"");
        line.extend_from_slice(raw.as_bytes());
        line.extend_from_slice(b"\"}\n");
    } else {
        line.extend_from_slice(b",\"raw\":");
        json_string(line, &raw);
        line.extend_from_slice(b"}\n");
    }
}

/// [`json_line`] of a plain line: nothing in it to escape, so each part goes in as it is.
fn json_plain_line(out: &mut Vec<u8>, line: &PlainLine, stamp: &mut TimestampText) {
    out.extend_from_slice(b"{\"name\":\"");
    out.extend_from_slice(line.name.as_bytes());
    out.extend_from_slice(b"\",\"size\":");
    out.extend_from_slice(itoa::Buffer::new().format(line.size).as_bytes());
    out.extend_from_slice(b",\"modified\":\"");
    out.extend_from_slice(stamp.format(line.modified.time));
    out.extend_from_slice(if line.is_dir {
        b"\",\"is_dir\":true,\"is_link\":false,\"target\":null,\"permissions\":\""
    } else {
        b"\",\"is_dir\":false,\"is_link\":false,\"target\":null,\"permissions\":\""
    });
    out.extend_from_slice(line.permissions.as_bytes());
    out.extend_from_slice(b"\",\"raw\":\"");
    out.extend_from_slice(line.line.as_bytes());
    out.extend_from_slice(b"\"}\n");
}

/// Whether `part` lies within `whole` (is a slice of it).
fn is_part_of(part: &str, whole: &str) -> bool {
    let whole = whole.as_bytes().as_ptr_range();
    let part = part.as_bytes().as_ptr_range();
    whole.start <= part.start && part.end <= whole.end
}

/// A JSON string of text known to hold nothing to escape.
fn json_plain_string(line: &mut Vec<u8>, text: &str) {
    line.push(b'"');
    line.extend_from_slice(text.as_bytes());
    line.push(b'"');
}

/// Whether any byte needs escaping: one pass without early exits over all of them, which the
/// compiler turns into vector instructions (nearly every string has none).
fn has_any_to_escape(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(false, |found, &b| found | needs_escape(b))
}

/// A JSON string, escaped as serde_json escapes it (short escapes where JSON has them,
/// `\u00xx` for the other control characters, everything else as it is).
fn json_string(line: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    if !has_any_to_escape(bytes) {
        return json_plain_string(line, text);
    }
    line.push(b'"');
    let mut plain_from = 0;
    while let Some(found) = first_to_escape(&bytes[plain_from..]) {
        let at = plain_from + found;
        line.extend_from_slice(&bytes[plain_from..at]);
        plain_from = at + 1;
        match bytes[at] {
            b'"' => line.extend_from_slice(b"\\\""),
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            b'\t' => line.extend_from_slice(b"\\t"),
            0x08 => line.extend_from_slice(b"\\b"),
            0x0c => line.extend_from_slice(b"\\f"),
            byte => line.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]),
        }
    }
    line.extend_from_slice(&bytes[plain_from..]);
    line.push(b'"');
}

/// A quote, a backslash or a control character.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Where the first byte JSON must escape is: a quote, a backslash or a control character.
/// Eight bytes are looked at in one step (a listing line is mostly plain ASCII), and the byte
/// loop finds the exact place in the first group that has one.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Non-zero when a byte of `word` is below `limit` (at most 0x80).
    let any_below =
        |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGHS;
    let needs = needs_escape;
    let mut groups = bytes.chunks_exact(8);
    let mut skipped = 0;
    for group in &mut groups {
        let mut word = [0u8; 8];
        word.copy_from_slice(group);
        let word = u64::from_le_bytes(word);
        let suspicious = any_below(word, 0x20)
            | any_below(word ^ (ONES * u64::from(b'"')), 1)
            | any_below(word ^ (ONES * u64::from(b'\\')), 1);
        if suspicious != 0 {
            return group.iter().position(|&b| needs(b)).map(|at| skipped + at);
        }
        skipped += 8;
    }
    groups
        .remainder()
        .iter()
        .position(|&b| needs(b))
        .map(|at| skipped + at)
}

/// How `ls` prints an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// [`long_line`]
    Long,
    /// [`json_line`]
    Json,
}

/// Prints each entry as the parser hands it over (the parser's sink). Lines are gathered in
/// one buffer written out a megabyte at a time (its own rather than a `BufWriter`'s: a line is
/// built where it is written, not copied once more); the first write error is kept, ends the
/// printing, and is returned by [`Printer::finish`].
struct Printer<W> {
    out: W,
    style: Style,
    buffer: Vec<u8>,
    stamp: TimestampText,
    failed: Option<std::io::Error>,
}

impl<W: Write> Printer<W> {
    const WRITE_AT: usize = 256 * 1024;

    fn new(out: W, style: Style) -> Self {
        Self {
            out,
            style,
            buffer: Vec::with_capacity(Self::WRITE_AT + 64 * 1024),
            stamp: TimestampText::default(),
            failed: None,
        }
    }

    fn write_out(&mut self) {
        if let Err(e) = self.out.write_all(&self.buffer) {
            self.failed = Some(e);
        }
        self.buffer.clear();
    }

    /// Writes out what is left; gives the writer back.
    fn finish(mut self) -> std::io::Result<W> {
        if self.failed.is_none() {
            self.write_out();
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => self.out.flush().map(|()| self.out),
        }
    }
}

impl<W: Write> EntrySink for Printer<W> {
    fn view(&mut self, entry: EntryView<'_>) {
        if self.failed.is_some() {
            return;
        }
        match self.style {
            Style::Json => json_line(&mut self.buffer, &entry, &mut self.stamp),
            Style::Long => long_line(&mut self.buffer, &entry, &mut self.stamp),
        }
        if self.buffer.len() >= Self::WRITE_AT {
            self.write_out();
        }
    }

    fn plain(&mut self, line: PlainLine<'_>) {
        if self.failed.is_some() {
            return;
        }
        match self.style {
            Style::Json => json_plain_line(&mut self.buffer, &line, &mut self.stamp),
            Style::Long => long_line(&mut self.buffer, &line.view(), &mut self.stamp),
        }
        if self.buffer.len() >= Self::WRITE_AT {
            self.write_out();
        }
    }
}

/// `2026-11-30T08:25:00`, written by hand into a buffer kept across entries: chrono's `format`
/// interprets its pattern for every call, which was a quarter of `ls --json`'s CPU on 100,000
/// entries (callgrind). The date part is kept while the entries' dates are the same (a folder's
/// files are often of a few days), so mostly only the time is written.
///
/// ASCII bytes, not a `String`: making text of them checked them again each time (2 % of
/// `ls --json`, callgrind).
///
/// The whole text is kept too, for the next entry of the same time (files written together).
#[derive(Default)]
struct TimestampText {
    text: Vec<u8>,
    /// The date `text` begins with (`YYYY-MM-DD` and the separator), when it does.
    date: Option<(chrono::NaiveDate, u8)>,
    /// The time `text` is, and whether with seconds, when it is all of one.
    written: Option<(chrono::NaiveDateTime, bool)>,
}

impl TimestampText {
    /// `2026-11-30T08:25:00`, for `ls --json`.
    fn format(&mut self, time: chrono::NaiveDateTime) -> &[u8] {
        self.write(time, true)
    }

    /// `2026-11-30 08:25`, for `ls` without `--json`.
    fn minutes(&mut self, time: chrono::NaiveDateTime) -> &[u8] {
        self.write(time, false)
    }

    /// With `seconds`, `--json`'s form; without, `ls`'s. Chrono writes the years of other than
    /// four digits (with a sign or more).
    fn write(&mut self, time: chrono::NaiveDateTime, seconds: bool) -> &[u8] {
        use chrono::{Datelike, Timelike};
        if self.written == Some((time, seconds)) {
            return &self.text;
        }
        self.written = Some((time, seconds));
        let (separator, pattern) = if seconds {
            (b'T', "%Y-%m-%dT%H:%M:%S")
        } else {
            (b' ', "%Y-%m-%d %H:%M")
        };
        let date = time.date();
        if !(0..=9999).contains(&date.year()) {
            use std::io::Write as _;
            self.date = None;
            self.text.clear();
            let _ = write!(self.text, "{}", time.format(pattern));
            return &self.text;
        }
        if self.date != Some((date, separator)) {
            let mut digits = *b"0000-00-00T";
            put_digits(&mut digits[0..4], date.year().unsigned_abs());
            put_digits(&mut digits[5..7], date.month());
            put_digits(&mut digits[8..10], date.day());
            digits[10] = separator;
            self.text.clear();
            self.text.extend_from_slice(&digits);
            self.date = Some((date, separator));
        }
        self.text.truncate(DATE_LEN);
        let two = |value: u32| {
            let at = 2 * (value as usize % 100);
            [TWO_DIGITS[at], TWO_DIGITS[at + 1]]
        };
        let ([h1, h2], [m1, m2], [s1, s2]) =
            (two(time.hour()), two(time.minute()), two(time.second()));
        let clock = [h1, h2, b':', m1, m2, b':', s1, s2];
        let clock = if seconds { &clock[..] } else { &clock[..5] };
        self.text.extend_from_slice(clock);
        &self.text
    }
}

/// `YYYY-MM-DD` and the separator: the part of a timestamp kept from one entry to the next.
const DATE_LEN: usize = 11;

/// `00` to `99`, each two digits: the time of day, written every line, is three lookups
/// (dividing by ten for each digit was a third of the timestamp's cost, callgrind).
const TWO_DIGITS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `value`'s last `into.len()` decimal digits, with leading zeros, into `into`.
fn put_digits(into: &mut [u8], mut value: u32) {
    for digit in into.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// `ls` without `--json`: one line an entry, `-rw-r--r--     1234  2026-11-30 08:25  name`,
/// with its line end, appended to `line` (no allocation a line, and the time written by hand
/// as in `--json`). The columns are padded by hand, as `format!` would pad them (by characters):
/// `write!` with its padding was a third of plain `ls`'s CPU on 100,000 entries (perf), more
/// than the parse.
fn long_line(line: &mut Vec<u8>, entry: &EntryView, stamp: &mut TimestampText) {
    let kind = match entry.kind {
        ViewKind::Dir => b'd',
        ViewKind::Link => b'l',
        ViewKind::File => b'-',
        ViewKind::Other => b'?',
    };
    line.push(kind);
    line.push(b' ');
    let permissions = entry.permissions.as_deref().unwrap_or("-");
    push_left_aligned(line, permissions, 11);
    line.push(b' ');
    let mut digits = itoa::Buffer::new();
    let size = entry.size.map_or("-", |size| digits.format(size));
    push_right_aligned(line, size, 14);
    line.extend_from_slice(b"  ");
    // ASCII: as many characters as bytes.
    let modified = entry.modified.map_or(&b"-"[..], |m| stamp.minutes(m.time));
    line.extend_from_slice(modified);
    push_blanks(line, 16usize.saturating_sub(modified.len()));
    line.extend_from_slice(b"  ");
    line.extend_from_slice(entry.name.as_bytes());
    if let Some(target) = &entry.target {
        line.extend_from_slice(b" -> ");
        line.extend_from_slice(target.as_bytes());
    }
    line.push(b'\n');
}

/// `text`, then blanks up to `width` characters (`{text:<width}`).
fn push_left_aligned(line: &mut Vec<u8>, text: &str, width: usize) {
    line.extend_from_slice(text.as_bytes());
    push_blanks(line, width.saturating_sub(char_count(text)));
}

/// Blanks up to `width` characters, then `text` (`{text:>width}`).
fn push_right_aligned(line: &mut Vec<u8>, text: &str, width: usize) {
    push_blanks(line, width.saturating_sub(char_count(text)));
    line.extend_from_slice(text.as_bytes());
}

/// Characters, as `format!` counts them for padding; the bytes when all are ASCII (nearly
/// always: digits, dates, `rwx` letters).
fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

fn push_blanks(line: &mut Vec<u8>, count: usize) {
    line.resize(line.len() + count, b' ');
}

#[cfg(test)]
mod tests {
    use super::{Printer, Style, TimestampText};
    use crate::protocol::listing::EntrySink;
    use crate::protocol::listing::{Entry, EntryKind, Modified, RemoteName, TimePrecision};
    use chrono::NaiveDate;
    use serde::Serialize;

    /// What `ls` prints for `entry` in `style`.
    fn printed(style: Style, entry: &Entry) -> String {
        let mut printer = Printer::new(Vec::new(), style);
        printer.view(entry.view());
        String::from_utf8(printer.finish().expect("written")).expect("UTF-8")
    }

    /// Entries printed as the parser reads them (borrowed from their lines) read exactly as
    /// the same entries parsed owned, as the window keeps them, in every name encoding.
    #[test]
    fn lines_print_as_their_owned_entries_do() {
        use crate::protocol::listing::{ListingContext, NameEncoding};
        let listing: &[u8] = b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry_000001.txt\r\n\
lrwxrwxrwx    1 0        0              11 Jan 02  2025 link -> target dir\r\n\
-rw-r--r--    1 j\xc3\xb6rg   gr\xc3\xbcppe         531 Jan 29 03:26 na\xc3\xafve caf\xc3\xa9.txt\r\n\
-rw-r--r--    1 j\xf6rg    group          531 Jan 29 03:26 caf\xe9 latin.txt\r\n\
-rw-r--r--    1 owner    group            5 Jan 02  2025 tab\there \"quoted\" back\\slash\r\n\
crw-rw-rw-    1 root     root       1,   3 Jan 02  2025 null\r\n\
01-02-25  10:31AM                  512 windows.txt\r\n";
        for &encoding in NameEncoding::ALL {
            let context = ListingContext::for_tests().with_encoding(encoding);
            for style in [Style::Json, Style::Long] {
                let both = printed_both_ways(listing, &context, style, 13);
                assert!(both.streamed_unread.is_empty());
                assert_eq!(both.entries, 7);
                assert_eq!(
                    String::from_utf8_lossy(&both.streamed),
                    String::from_utf8_lossy(&both.kept),
                    "{encoding:?}, {style:?}"
                );
                assert_eq!(both.streamed, both.kept, "{encoding:?}, {style:?}");
            }
        }
    }

    /// A listing printed two ways: as `ls` prints it while it arrives (in pieces of `piece`
    /// bytes), and its entries parsed owned, as the window keeps them, printed one by one.
    struct BothWays {
        streamed: Vec<u8>,
        streamed_unread: Vec<Vec<u8>>,
        kept: Vec<u8>,
        kept_unread: Vec<Vec<u8>>,
        entries: usize,
    }

    fn printed_both_ways(
        listing: &[u8],
        context: &crate::protocol::listing::ListingContext,
        style: Style,
        piece: usize,
    ) -> BothWays {
        use crate::protocol::listing::{ListingParser, parse_listing};
        let mut printer = Printer::new(Vec::new(), style);
        let mut parser = ListingParser::new(context.clone());
        for piece in listing.chunks(piece) {
            parser.feed_into(piece, &mut printer);
        }
        let streamed_unread = parser.finish_into(&mut printer).unparsed;
        let streamed = printer.finish().expect("written");
        let owned = parse_listing(listing, context);
        let mut printer = Printer::new(Vec::new(), style);
        for entry in &owned.entries {
            printer.view(entry.view());
        }
        BothWays {
            streamed,
            streamed_unread,
            kept: printer.finish().expect("written"),
            kept_unread: owned.unparsed,
            entries: owned.entries.len(),
        }
    }

    /// Every capture of a real server's listing (most of whose lines are plain, printed from
    /// their slices: `PlainLine`) prints as its entries parsed owned do, in both styles.
    #[test]
    fn every_capture_prints_as_its_owned_entries_do() {
        use crate::protocol::listing::ListingContext;
        let captures = crate::protocol::listing::tests::every_capture();
        assert!(captures.len() > 20, "{} captures", captures.len());
        for (path, format, bytes) in captures {
            let now = NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(19, 5, 0));
            let context = ListingContext::new(format, now.expect("a real date"));
            for style in [Style::Json, Style::Long] {
                let both = printed_both_ways(&bytes, &context, style, 1000);
                assert_eq!(both.streamed_unread, both.kept_unread, "{path:?}");
                assert_eq!(
                    String::from_utf8_lossy(&both.streamed),
                    String::from_utf8_lossy(&both.kept),
                    "{path:?}, {style:?}"
                );
            }
        }
    }

    /// What `ls --json` wrote through serde_json before it was written by hand.
    #[derive(Serialize)]
    struct SerdeEntry<'a> {
        name: &'a str,
        size: Option<u64>,
        modified: Option<String>,
        is_dir: bool,
        is_link: bool,
        target: Option<&'a str>,
        permissions: Option<&'a str>,
        raw: std::borrow::Cow<'a, str>,
    }

    fn serde_line(entry: &Entry) -> String {
        let target = match &entry.kind {
            EntryKind::Link { target } => target.as_deref(),
            _ => None,
        };
        let json = SerdeEntry {
            name: &entry.name.text,
            size: entry.size,
            modified: entry
                .modified
                .map(|m| m.time.format("%Y-%m-%dT%H:%M:%S").to_string()),
            is_dir: entry.is_dir(),
            is_link: entry.is_link(),
            target,
            permissions: entry.permissions.as_deref(),
            raw: String::from_utf8_lossy(&entry.raw_line),
        };
        serde_json::to_string(&json).expect("serialisable") + "\n"
    }

    #[test]
    fn every_ascii_byte_at_every_place_is_escaped_as_serde_json_does() {
        for length in [1, 7, 8, 9, 16, 21] {
            for at in 0..length {
                for byte in 0u8..0x80 {
                    let mut text = vec![b'a'; length];
                    text[at] = byte;
                    let text = String::from_utf8(text).expect("ASCII");
                    let mut written = Vec::new();
                    super::json_string(&mut written, &text);
                    assert_eq!(
                        String::from_utf8(written).expect("UTF-8"),
                        serde_json::to_string(&text).expect("serialisable"),
                        "byte {byte:#x} at {at} of {length}"
                    );
                }
            }
        }
    }

    #[test]
    fn json_lines_are_serde_json_s_byte_for_byte() {
        let time = NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(8, 25, 7))
            .expect("a valid date");
        let names = [
            "plain.txt",
            "",
            "quote\" and \\ backslash",
            "controls \u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1b}\u{1f} end",
            "delete \u{7f}, naïve café, 日本語, 🚢",
            "/slashes/stay/",
        ];
        let kinds = [
            EntryKind::File,
            EntryKind::Dir,
            EntryKind::Link {
                target: Some("to \"there\"".into()),
            },
            EntryKind::Link { target: None },
            EntryKind::Other,
        ];
        let raws: [&[u8]; 3] = [
            b"-rw-r--r-- 1 a b 0 Nov 30 08:25 x",
            b"bad \xff\xfe utf-8",
            b"",
        ];
        let mut case = 0;
        for name in names {
            for kind in &kinds {
                for raw in raws {
                    case += 1;
                    let entry = Entry {
                        name: RemoteName::from_text(name),
                        kind: kind.clone(),
                        size: (case % 3 != 0).then_some(case * 1_000_003 + u64::MAX / (case + 1)),
                        modified: (case % 4 != 0).then_some(Modified {
                            time,
                            precision: TimePrecision::Second,
                        }),
                        permissions: (case % 2 == 0).then(|| "-rw-r--r--".into()),
                        owner: None,
                        group: None,
                        raw_line: raw.to_vec(),
                    };
                    assert_eq!(
                        printed(Style::Json, &entry),
                        serde_line(&entry),
                        "case {case}"
                    );
                }
            }
        }
    }

    /// What `ls` wrote a line as before it was written without allocating.
    fn long_line_as_it_was(entry: &Entry) -> String {
        let kind = match entry.kind {
            EntryKind::Dir => 'd',
            EntryKind::Link { .. } => 'l',
            EntryKind::File => '-',
            EntryKind::Other => '?',
        };
        let size = entry.size.map_or_else(|| "-".to_owned(), |s| s.to_string());
        let modified = entry.modified.map_or_else(
            || "-".to_owned(),
            |m| m.time.format("%Y-%m-%d %H:%M").to_string(),
        );
        let mut line = format!(
            "{kind} {:<11} {size:>14}  {modified:<16}  {}",
            entry.permissions.as_deref().unwrap_or("-"),
            entry.name.text
        );
        if let EntryKind::Link {
            target: Some(target),
        } = &entry.kind
        {
            line.push_str(" -> ");
            line.push_str(target);
        }
        line + "\n"
    }

    #[test]
    fn long_lines_read_as_they_did() {
        let times = [
            (2026, 11, 30, 8, 25, 7),
            (1999, 1, 2, 23, 5, 0),
            (12345, 6, 7, 1, 2, 3),
        ];
        let kinds = [
            EntryKind::File,
            EntryKind::Dir,
            EntryKind::Link {
                target: Some("there".into()),
            },
            EntryKind::Link { target: None },
            EntryKind::Other,
        ];
        let permissions = [
            None,
            Some("-rw-r--r--"),
            Some("drwxr-xr-x+"),
            Some("ŕẃẍ"),
            Some("drwxr-xr-x+@"),
            Some("ŕẃẍŕẃẍŕẃẍŕẃẍ"),
        ];
        let sizes = [
            0,
            7,
            1_000_003,
            99_999_999_999_999,
            100_000_000_000_000,
            u64::MAX,
        ];
        let mut case = 0u64;
        for (year, month, day, hour, minute, second) in times {
            let time = NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_opt(hour, minute, second))
                .expect("a valid date");
            for kind in &kinds {
                for permission in permissions {
                    case += 1;
                    let entry = Entry {
                        name: RemoteName::from_text(["a.txt", "naïve café", ""][case as usize % 3]),
                        kind: kind.clone(),
                        size: (!case.is_multiple_of(7)).then_some(sizes[case as usize % 6]),
                        modified: (!case.is_multiple_of(4)).then_some(Modified {
                            time,
                            precision: TimePrecision::Minute,
                        }),
                        permissions: permission.map(Into::into),
                        owner: None,
                        group: None,
                        raw_line: Vec::new(),
                    };
                    assert_eq!(
                        printed(Style::Long, &entry),
                        long_line_as_it_was(&entry),
                        "case {case}"
                    );
                }
            }
        }
    }

    #[test]
    fn timestamps_read_as_chrono_writes_them() {
        let cases = [
            (2026, 11, 30, 8, 25, 0),
            // The same day again, then another time of it.
            (2026, 11, 30, 8, 25, 0),
            (2026, 11, 30, 23, 5, 9),
            (2026, 11, 29, 23, 5, 9),
            (1970, 1, 1, 0, 0, 0),
            (999, 12, 31, 23, 59, 59),
            (0, 1, 1, 0, 0, 0),
            (9999, 12, 31, 23, 59, 59),
            (10000, 1, 1, 0, 0, 0),
            (10000, 1, 1, 0, 0, 0),
            (-1, 6, 15, 12, 30, 45),
            (2026, 11, 30, 8, 25, 0),
        ];
        let mut text = TimestampText::default();
        for (year, month, day, hour, minute, second) in cases {
            let time = NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_opt(hour, minute, second))
                .expect("a valid date");
            assert_eq!(
                text.format(time),
                time.format("%Y-%m-%dT%H:%M:%S").to_string().into_bytes(),
                "{year}-{month}-{day} {hour}:{minute}:{second}"
            );
            // The `ls` format in between changes the buffer: the next one is whole again.
            assert_eq!(
                text.minutes(time),
                time.format("%Y-%m-%d %H:%M").to_string().into_bytes(),
                "{year}-{month}-{day} {hour}:{minute}"
            );
            assert_eq!(
                text.format(time),
                time.format("%Y-%m-%dT%H:%M:%S").to_string().into_bytes(),
                "{year}-{month}-{day} {hour}:{minute}:{second}, after minutes"
            );
        }
    }
}
