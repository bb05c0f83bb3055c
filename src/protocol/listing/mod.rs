//! Directory listings: from the raw bytes of an MLSD or LIST reply to entries, plus the lines that
//! could not be read (which are reported, never dropped and never turned into junk entries).
//!
//! The parsers are pure functions of the bytes and a [`ListingContext`]; they never panic on any
//! input (CRLF or bare LF line ends, NULs, blank lines, 100 kB lines, no final line end: every
//! readable line is listed, every other one counted) and do a bounded amount of work per line
//! (no regexes, no per-line allocation beyond the entry's own fields, except one buffer to join
//! a two-line VMS entry).
//!
//! Formats: MLSD/MLST (RFC 3659), Unix `ls -l` and its many variants (NetWare, NetPresenz,
//! Connect:Enterprise, all-numeric), DOS/IIS, EPLF, VMS (including entries split over two
//! lines), OS/2, AS/400 (OS/400), MVS, z/VM, VxWorks, Nortel wfFtp, OS-9 and HP NonStop:
//! every layout FileZilla's own parser test covers.
//! For LIST the format is detected per line, guided by the server's SYST reply when known.

use chrono::{Duration, NaiveDateTime};

use std::borrow::Cow;

mod common;
mod dates;
mod dos;
mod encoding;
mod eplf;
mod ibm;
pub mod mlsd;
mod nonstop;
mod os9;
mod other;
pub mod unix;
mod vms;

#[cfg(test)]
pub(crate) mod tests;

pub use encoding::NameEncoding;

/// A file name as the server sent it: the raw bytes (what commands naming the file must send
/// back) and the text decoded for display.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RemoteName {
    pub raw: Vec<u8>,
    pub text: String,
}

impl RemoteName {
    /// A name decoded as UTF-8, with invalid sequences shown as U+FFFD.
    pub fn from_bytes_lossy(raw: &[u8]) -> Self {
        Self {
            raw: raw.to_vec(),
            text: String::from_utf8_lossy(raw).into_owned(),
        }
    }

    pub fn from_text(text: &str) -> Self {
        Self {
            raw: text.as_bytes().to_vec(),
            text: text.to_owned(),
        }
    }

    /// Raw bytes decoded with a site's name encoding (the bytes are kept exactly).
    pub fn from_bytes(raw: &[u8], encoding: NameEncoding) -> Self {
        Self {
            raw: raw.to_vec(),
            text: encoding.decode(raw),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link; the target when the listing names it.
    Link {
        target: Option<String>,
    },
    /// Devices, sockets, pipes, and whatever else is neither file nor folder.
    Other,
}

/// How much of a modification time the listing gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimePrecision {
    Day,
    Minute,
    Second,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modified {
    /// In UTC when the format says so (MLSD) or after the site's time-zone offset is applied;
    /// otherwise the server's local time as printed. Times of [`TimePrecision::Day`] are never
    /// shifted (midnight of the printed day).
    pub time: NaiveDateTime,
    pub precision: TimePrecision,
}

/// A short text of an entry (permissions, owner, group): up to 23 bytes are kept inline, so
/// the common ones cost no allocation. A 100,000-line listing made 300,000 allocations for them.
pub type ShortText = smol_str::SmolStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: RemoteName,
    pub kind: EntryKind,
    pub size: Option<u64>,
    pub modified: Option<Modified>,
    /// As the server wrote it (`-rw-r--r--`, `0644` from MLSD's UNIX.mode, `RWCEAFMS`...).
    pub permissions: Option<ShortText>,
    pub owner: Option<ShortText>,
    pub group: Option<ShortText>,
    /// The listing line (or lines, for multi-line formats) this entry came from.
    pub raw_line: Vec<u8>,
}

impl Entry {
    /// The listed time, when it is close enough to stand for the file's in a download (to
    /// keep it, to tell newer from older): to the minute or better. A date alone is not (an
    /// old file's `ls -l` line): the download asks MDTM instead, rather than set midnight (a
    /// walk's "Overwrite if newer" skipped a file 3 hours newer than the copy).
    pub fn transfer_time(&self) -> Option<chrono::NaiveDateTime> {
        self.modified
            .filter(|m| m.precision >= TimePrecision::Minute)
            .map(|m| m.time)
    }

    /// A folder known by its name alone (nothing else listed): one the window knows only as the
    /// way down to the folder shown.
    pub fn folder_named(name: RemoteName) -> Self {
        Self {
            name,
            kind: EntryKind::Dir,
            size: None,
            modified: None,
            permissions: None,
            owner: None,
            group: None,
            raw_line: Vec::new(),
        }
    }
}

#[cfg(test)]
impl Entry {
    /// A bare entry (name, kind, size; nothing else known), for other modules' unit tests.
    pub(crate) fn sample(name: &str, kind: EntryKind, size: u64) -> Self {
        Self {
            kind,
            size: Some(size),
            ..Self::folder_named(RemoteName::from_text(name))
        }
    }
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }

    pub fn is_link(&self) -> bool {
        matches!(self.kind, EntryKind::Link { .. })
    }
}

/// An entry with its parts borrowed from its listing line (or from an [`Entry`]): what a face
/// that writes each entry out once (`ferry ls --json`) reads, without the owned strings an
/// `Entry` is built of. On a 100,000-line listing building and freeing those was most of the
/// parse (BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView<'a> {
    /// The name's bytes as sent, and its text in the site's encoding.
    pub raw_name: &'a [u8],
    pub name: Cow<'a, str>,
    pub kind: ViewKind,
    /// A link's target, when the listing names it.
    pub target: Option<Cow<'a, str>>,
    pub size: Option<u64>,
    pub modified: Option<Modified>,
    pub permissions: Option<Cow<'a, str>>,
    pub owner: Option<Cow<'a, str>>,
    pub group: Option<Cow<'a, str>>,
    pub raw_line: &'a [u8],
    /// `raw_line` as text, when the parser already found it to be valid UTF-8 (`None` says
    /// nothing either way).
    pub raw_text: Option<&'a str>,
}

/// A line of the layout nearly every Unix server prints (a file or a folder, not a link), read
/// by the streaming parser and handed on as the slices it is made of, with no [`EntryView`]
/// built: on a 100,000-line listing building the view and reading it back was a third of
/// `ls --json`'s parse and print (callgrind). Every byte of the line is printable ASCII other
/// than `"` and `\`, so its text reads the same in every name encoding, and a part of it can be
/// written out as it is, in JSON or not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlainLine<'a> {
    /// The whole line, without its line end.
    pub line: &'a str,
    pub is_dir: bool,
    pub permissions: &'a str,
    pub owner: &'a str,
    pub group: &'a str,
    pub size: u64,
    pub modified: Modified,
    pub name: &'a str,
}

impl<'a> PlainLine<'a> {
    /// The entry the line names, as the borrowed reading of any other line gives it.
    pub fn view(&self) -> EntryView<'a> {
        EntryView {
            raw_name: self.name.as_bytes(),
            name: Cow::Borrowed(self.name),
            kind: if self.is_dir {
                ViewKind::Dir
            } else {
                ViewKind::File
            },
            target: None,
            size: Some(self.size),
            modified: Some(self.modified),
            permissions: Some(Cow::Borrowed(self.permissions)),
            owner: Some(Cow::Borrowed(self.owner)),
            group: Some(Cow::Borrowed(self.group)),
            raw_line: self.line.as_bytes(),
            raw_text: Some(self.line),
        }
    }
}

/// `bytes` as text when every byte is printable ASCII other than `"` and `\` (see
/// [`PlainLine`]).
pub(crate) fn plain_text(bytes: &[u8]) -> Option<&str> {
    if !common::is_plain(bytes) {
        return None;
    }
    // SAFETY: every byte is printable ASCII (checked just above), and ASCII is valid UTF-8.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// [`EntryKind`] without the link's target (which an [`EntryView`] holds beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    File,
    Dir,
    Link,
    Other,
}

impl EntryView<'_> {
    pub fn is_dir(&self) -> bool {
        self.kind == ViewKind::Dir
    }

    pub fn is_link(&self) -> bool {
        self.kind == ViewKind::Link
    }

    /// The owned entry (what the window and the queue keep).
    pub fn into_entry(self) -> Entry {
        Entry {
            name: RemoteName {
                raw: self.raw_name.to_vec(),
                text: self.name.into_owned(),
            },
            kind: match self.kind {
                ViewKind::File => EntryKind::File,
                ViewKind::Dir => EntryKind::Dir,
                ViewKind::Link => EntryKind::Link {
                    target: self.target.map(Cow::into_owned),
                },
                ViewKind::Other => EntryKind::Other,
            },
            size: self.size,
            modified: self.modified,
            permissions: self.permissions.as_deref().map(ShortText::new),
            owner: self.owner.as_deref().map(ShortText::new),
            group: self.group.as_deref().map(ShortText::new),
            raw_line: self.raw_line.to_vec(),
        }
    }
}

impl Entry {
    /// This entry, seen as an [`EntryView`] (nothing is copied).
    pub fn view(&self) -> EntryView<'_> {
        let (kind, target) = match &self.kind {
            EntryKind::File => (ViewKind::File, None),
            EntryKind::Dir => (ViewKind::Dir, None),
            EntryKind::Link { target } => (ViewKind::Link, target.as_deref().map(Cow::Borrowed)),
            EntryKind::Other => (ViewKind::Other, None),
        };
        EntryView {
            raw_name: &self.name.raw,
            name: Cow::Borrowed(&self.name.text),
            kind,
            target,
            size: self.size,
            modified: self.modified,
            permissions: self.permissions.as_deref().map(Cow::Borrowed),
            owner: self.owner.as_deref().map(Cow::Borrowed),
            group: self.group.as_deref().map(Cow::Borrowed),
            raw_line: &self.raw_line,
            raw_text: None,
        }
    }
}

/// Which command produced the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingFormat {
    Mlsd,
    List,
}

/// What the parser may know besides the bytes.
#[derive(Debug, Clone)]
pub struct ListingContext {
    pub format: ListingFormat,
    /// The server's SYST reply text, when known (helps tell VMS, MVS, OS/400 ... apart).
    pub system: Option<String>,
    /// "Now", for the year of `Mon DD HH:MM` entries. With `server_offset_minutes == 0` (the
    /// default) this is taken to be in the server's time zone; otherwise it is UTC and the
    /// server's local "now" is `now + server_offset_minutes`.
    pub now: NaiveDateTime,
    /// How names (and link targets, owners...) are decoded for display. Raw bytes are always kept.
    pub encoding: NameEncoding,
    /// The server's time zone as minutes east of UTC (UTC+2 → 120). LIST times are printed in
    /// the server's local time; they are turned into UTC by subtracting this offset. MLSD times
    /// are UTC already and are never shifted.
    pub server_offset_minutes: i32,
}

impl ListingContext {
    /// A context with Auto name encoding, offset 0 and no SYST hint.
    pub fn new(format: ListingFormat, now: NaiveDateTime) -> Self {
        Self {
            format,
            system: None,
            now,
            encoding: NameEncoding::Auto,
            server_offset_minutes: 0,
        }
    }

    pub fn with_system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    pub fn with_encoding(mut self, encoding: NameEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    pub fn with_server_offset_minutes(mut self, minutes: i32) -> Self {
        self.server_offset_minutes = minutes;
        self
    }

    /// The server's local "now" (what `Mon DD HH:MM` entries are compared with).
    pub(crate) fn server_now(&self) -> NaiveDateTime {
        if self.server_offset_minutes == 0 {
            return self.now;
        }
        self.now
            .checked_add_signed(Duration::minutes(self.server_offset_minutes as i64))
            .unwrap_or(self.now)
    }

    /// A time printed by the server in its local time, turned into the time the entry carries.
    pub(crate) fn local_to_entry_time(
        &self,
        time: NaiveDateTime,
        precision: TimePrecision,
    ) -> Modified {
        let time = if precision == TimePrecision::Day || self.server_offset_minutes == 0 {
            time
        } else {
            time.checked_sub_signed(Duration::minutes(self.server_offset_minutes as i64))
                .unwrap_or(time)
        };
        Modified { time, precision }
    }

    pub(crate) fn name(&self, raw: &[u8]) -> RemoteName {
        RemoteName::from_bytes(raw, self.encoding)
    }

    pub(crate) fn text(&self, raw: &[u8]) -> String {
        self.encoding.decode(raw)
    }

    /// [`Self::text`] as a [`ShortText`], with no allocation when it decodes as it is.
    pub(crate) fn short(&self, raw: &[u8]) -> ShortText {
        match self.encoding.as_is(raw) {
            Some(text) => ShortText::new(text),
            None => ShortText::from(self.encoding.decode(raw)),
        }
    }

    /// What SYST says (computed once per listing: it allocates).
    pub(crate) fn system_hint(&self) -> SystemHint {
        SystemHint::from_syst(self.system.as_deref())
    }
}

/// One line's text, decoded once for all its parts.
///
/// A parser cuts a line's parts (name, owner, group...) at ASCII blanks and separators, so when
/// the whole line decodes as it is (valid UTF-8 with the Auto or UTF-8 encoding, or ASCII with
/// any), each part is a slice of that text. Checking each part on its own was the larger half
/// of the decoding cost (callgrind, a 100,000-line listing). A part that does not fall on the
/// text's character boundaries, or a line that does not decode as it is, is decoded alone,
/// exactly as [`ListingContext::text`] does.
pub(crate) struct LineText<'a> {
    line: &'a [u8],
    text: Option<&'a str>,
    encoding: NameEncoding,
}

impl<'a> LineText<'a> {
    pub(crate) fn new(line: &'a [u8], context: &ListingContext) -> Self {
        Self {
            line,
            text: context.encoding.as_is(line),
            encoding: context.encoding,
        }
    }

    /// The whole line's text, when it is valid UTF-8 and decodes as it is.
    pub(crate) fn whole(&self) -> Option<&'a str> {
        self.text
    }

    /// `part`'s text when it is a slice of this line on character boundaries.
    fn slice_of_line(&self, part: &[u8]) -> Option<&'a str> {
        let text = self.text?;
        let line = self.line.as_ptr_range();
        let within = part.as_ptr_range();
        if within.start < line.start || within.end > line.end {
            return None;
        }
        let start = within.start as usize - line.start as usize;
        text.get(start..start + part.len())
    }

    /// The text of `part` (a slice of the line, or any bytes), borrowed from the line when it
    /// decodes as it is.
    pub(crate) fn cow(&self, part: &'a [u8]) -> Cow<'a, str> {
        match self.slice_of_line(part) {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(self.encoding.decode(part)),
        }
    }
}

/// What the SYST reply says about the listing format to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SystemHint {
    Unknown,
    Unix,
    Windows,
    Vms,
    Mvs,
    Os400,
    Os2,
    NetWare,
    VxWorks,
}

impl SystemHint {
    pub(crate) fn from_syst(syst: Option<&str>) -> Self {
        let Some(s) = syst else {
            return SystemHint::Unknown;
        };
        // "215 UNIX Type: L8" or just "UNIX Type: L8".
        let s = s.trim();
        let s = s
            .strip_prefix("215")
            .map(|r| r.trim_start_matches(['-', ' ']))
            .unwrap_or(s);
        let upper = s.to_ascii_uppercase();
        let word = |w: &str| upper.contains(w);
        if word("OS/400") || word("OS400") || upper.starts_with("AS/400") {
            SystemHint::Os400
        } else if word("MVS") || word("Z/OS") || word("OS/390") {
            SystemHint::Mvs
        } else if word("VMS") {
            SystemHint::Vms
        } else if word("OS/2") {
            SystemHint::Os2
        } else if word("NETWARE") {
            SystemHint::NetWare
        } else if word("VXWORKS") {
            SystemHint::VxWorks
        } else if upper.starts_with("WINDOWS") || word("WIN32") || word("MS-DOS") {
            SystemHint::Windows
        } else if upper.starts_with("UNIX") || word("LINUX") || word("MACOS") {
            SystemHint::Unix
        } else {
            SystemHint::Unknown
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<Entry>,
    /// Lines that no parser could read, as sent (without the line end; of a line longer than
    /// any parser reads, its first 64 KiB and one byte). Lines with a NUL inside are among
    /// them; blank lines and NUL padding are not.
    pub unparsed: Vec<Vec<u8>>,
}

/// The unreadable lines of a listing a face shows: the first twenty as text (invalid UTF-8 as
/// U+FFFD), and how many more there are.
pub fn unread_lines_shown(unparsed: &[Vec<u8>]) -> (impl Iterator<Item = Cow<'_, str>>, usize) {
    const SHOWN: usize = 20;
    let shown = unparsed
        .iter()
        .take(SHOWN)
        .map(|line| String::from_utf8_lossy(line));
    (shown, unparsed.len().saturating_sub(SHOWN))
}

/// Splits listing bytes into lines (CRLF or bare LF), skipping empty ones.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    let mut done = bytes.is_empty();
    std::iter::from_fn(move || {
        while !done {
            let line = match common::find_byte(rest, b'\n') {
                Some(nl) => {
                    let line = &rest[..nl];
                    rest = &rest[nl + 1..];
                    line
                }
                None => {
                    done = true;
                    rest
                }
            };
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                return Some(line);
            }
        }
        None
    })
}

/// Parses a whole listing.
///
/// For LIST, a line no parser reads alone is tried joined with the next line (VMS and some MVS
/// servers put a long name alone on one line and the rest of the entry on the next). For MLSD, a
/// line that is not MLSD is tried as a LIST line (some servers answer MLSD in `ls -l` format).
pub fn parse_listing(bytes: &[u8], context: &ListingContext) -> Listing {
    let mut parser = ListingParser::new(context.clone());
    parser.feed(bytes);
    parser.finish()
}

/// A listing parsed as it arrives, chunk by chunk, so that parsing a big folder happens while
/// the rest of it is still on the wire. Gives the same result as [`parse_listing`] over the
/// whole bytes, however they are split.
pub struct ListingParser {
    context: ListingContext,
    hint: SystemHint,
    /// The start of a line whose end has not arrived.
    carry: Vec<u8>,
    /// A line no parser read alone, waiting to be tried joined with the next.
    waiting: Option<Vec<u8>>,
    memory: unix::LineMemory,
    listing: Listing,
}

impl ListingParser {
    pub fn new(context: ListingContext) -> Self {
        Self {
            hint: context.system_hint(),
            context,
            carry: Vec::new(),
            waiting: None,
            memory: unix::LineMemory::default(),
            listing: Listing::default(),
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        let mut entries = std::mem::take(&mut self.listing.entries);
        self.feed_into(bytes, &mut entries);
        self.listing.entries = entries;
    }

    /// [`Self::feed`], handing each entry to `sink` instead of keeping it.
    pub fn feed_into(&mut self, mut bytes: &[u8], sink: &mut impl EntrySink) {
        while let Some(end) = memchr::memchr(b'\n', bytes) {
            if self.carry.is_empty() {
                self.line(&bytes[..end], sink);
            } else {
                let mut line = std::mem::take(&mut self.carry);
                line.extend_from_slice(&bytes[..end]);
                self.line(&line, sink);
            }
            bytes = &bytes[end + 1..];
        }
        // A line longer than any parser reads is kept only up to what is needed to report it.
        let room = (MAX_LINE + 1).saturating_sub(self.carry.len());
        self.carry
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    pub fn finish(mut self) -> Listing {
        let mut entries = std::mem::take(&mut self.listing.entries);
        let mut listing = self.finish_into(&mut entries);
        listing.entries = entries;
        listing
    }

    /// [`Self::finish`], handing the last entries to `sink`; the listing returned holds the
    /// entries parsed before into the parser itself (by [`Self::feed`]) and the unread lines.
    pub fn finish_into(mut self, sink: &mut impl EntrySink) -> Listing {
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.line(&line, sink);
        }
        if let Some(line) = self.waiting.take() {
            self.unparsed(line);
        }
        self.listing
    }

    /// Reports a line no parser read: at most [`MAX_LINE`] + 1 bytes of it, which is all a
    /// parser looks at and as much as the streaming parser keeps of a line still arriving.
    fn unparsed(&mut self, mut line: Vec<u8>) {
        line.truncate(MAX_LINE + 1);
        self.listing.unparsed.push(line);
    }

    fn line(&mut self, sent: &[u8], sink: &mut impl EntrySink) {
        let sent = sent.strip_suffix(b"\r").unwrap_or(sent);
        let line = without_padding(sent);
        // Lines of blanks carry nothing; they are skipped like empty ones.
        if line.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
            return;
        }
        // A NUL inside a line: no file name holds one, and the part before it would name
        // another file. Such a line is reported, and never half of a two-line entry. (Only
        // names and unread lines are searched for a NUL: scanning every line costs speed.)
        if let Some(previous) = self.waiting.take() {
            let previous_line = without_padding(&previous);
            if !previous_line.contains(&0)
                && !line.contains(&0)
                && let Some(result) = parse_joined(previous_line, line, &self.context)
            {
                if let LineResult::Entry(entry) = result {
                    sink.owned(entry);
                }
                return;
            }
            self.unparsed(previous);
        }
        let result = match parse_line_viewed(line, &self.context, self.hint, &mut self.memory) {
            // No control byte in it, so no NUL.
            Viewed::Plain(plain) => return sink.plain(plain),
            Viewed::View(view) if has_nul(view.raw_name) => {
                return self.unparsed(sent.to_vec());
            }
            Viewed::View(view) => return sink.view(view),
            Viewed::Dot => return,
            Viewed::Owned(result) => result,
        };
        match result {
            LineResult::Entry(entry) if has_nul(&entry.name.raw) => self.unparsed(sent.to_vec()),
            LineResult::Entry(entry) => sink.owned(entry),
            LineResult::Skip => {}
            LineResult::Unparsed if line.contains(&0) => self.unparsed(sent.to_vec()),
            // Kept as sent, for the report; tried joined with the next line first.
            LineResult::Unparsed => self.waiting = Some(sent.to_vec()),
        }
    }
}

/// Where a [`ListingParser`]'s entries go: kept as [`Entry`]s (a `Vec`), or written out one
/// by one as they are read (`ferry ls --json`).
pub trait EntrySink {
    /// An entry borrowed from its line.
    fn view(&mut self, entry: EntryView<'_>);

    /// An entry a format's parser built owned (those without a borrowed reading).
    fn owned(&mut self, entry: Entry) {
        self.view(entry.view());
    }

    /// A plain line of the common layout (most lines of most listings), as its slices; by
    /// default, its view.
    fn plain(&mut self, line: PlainLine<'_>) {
        self.view(line.view());
    }
}

impl EntrySink for Vec<Entry> {
    fn view(&mut self, entry: EntryView<'_>) {
        self.push(entry.into_entry());
    }

    fn owned(&mut self, entry: Entry) {
        self.push(entry);
    }
}

/// A line read by the borrowed reading, or by the owned one.
pub(crate) enum Viewed<'a> {
    /// A plain line of the common layout, not built into a view.
    Plain(PlainLine<'a>),
    View(EntryView<'a>),
    /// `.` or `..`, read by the borrowed reading.
    Dot,
    Owned(LineResult),
}

impl Viewed<'_> {
    /// The owned reading's result for the line, which the tests hold the others to.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn into_result(self) -> LineResult {
        match self {
            Viewed::Plain(plain) => LineResult::Entry(plain.view().into_entry()),
            Viewed::View(view) => LineResult::Entry(view.into_entry()),
            Viewed::Dot => LineResult::Skip,
            Viewed::Owned(result) => result,
        }
    }
}

/// [`parse_line_hinted`], borrowed from the line where the layout nearly every Unix server
/// prints is read (the same reading, which comes first for LIST without another system's
/// hint); the other formats build their entries owned.
// Inlined: see `unix::view`.
#[inline]
fn parse_line_viewed<'a>(
    line: &'a [u8],
    context: &ListingContext,
    hint: SystemHint,
    memory: &mut unix::LineMemory,
) -> Viewed<'a> {
    let unix_first = matches!(
        hint,
        SystemHint::Unix | SystemHint::NetWare | SystemHint::Unknown
    );
    if context.format == ListingFormat::List
        && unix_first
        && line.len() <= MAX_LINE
        && let Some(read) = unix::parse_canonical_view(line, context, memory)
    {
        return read;
    }
    Viewed::Owned(parse_line_hinted(line, context, hint))
}

/// Whether a name holds a NUL: one pass over all of it with no early exit, which the compiler
/// turns into vector instructions (`contains` was 2.7 % of `ls --json`'s parse, on names of
/// 16 bytes).
fn has_nul(name: &[u8]) -> bool {
    name.iter().fold(false, |found, &b| found | (b == 0))
}

/// A line without its line end and without the NULs some servers pad lines or the whole
/// listing with (at either end; a NUL inside stays, and makes the line unreadable).
fn without_padding(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|&b| b != 0).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|&b| b != 0 && b != b'\r')
        .map_or(start, |last| last + 1);
    &line[start..end.max(start)]
}

/// Parses one line of a listing in the context's format (multi-line entries need
/// [`parse_listing`]).
pub fn parse_line(line: &[u8], context: &ListingContext) -> LineResult {
    parse_line_hinted(line, context, context.system_hint())
}

fn parse_line_hinted(line: &[u8], context: &ListingContext, hint: SystemHint) -> LineResult {
    match context.format {
        ListingFormat::Mlsd => match mlsd::parse_line_with(line, context) {
            LineResult::Unparsed => parse_list_line_hinted(line, context, hint),
            other => other,
        },
        ListingFormat::List => parse_list_line_hinted(line, context, hint),
    }
}

/// Parses one LIST line, detecting its format (guided by the SYST hint).
pub fn parse_list_line(line: &[u8], context: &ListingContext) -> LineResult {
    parse_list_line_hinted(line, context, context.system_hint())
}

fn parse_list_line_hinted(line: &[u8], context: &ListingContext, hint: SystemHint) -> LineResult {
    if line.len() > MAX_LINE {
        return LineResult::Unparsed;
    }
    // The hinted parser first; then all, the most common and the stricter formats first.
    let first: Option<Parser> = match hint {
        SystemHint::Vms => Some(|l, c, _| vms::parse_line(l, c)),
        SystemHint::Mvs => Some(ibm::parse_mvs_line),
        SystemHint::Os400 => Some(|l, c, _| ibm::parse_as400_line(l, c)),
        SystemHint::Os2 => Some(|l, c, _| other::parse_os2_line(l, c)),
        SystemHint::VxWorks => Some(|l, c, _| other::parse_vxworks_line(l, c)),
        SystemHint::Windows => Some(|l, c, _| dos::parse_line(l, c)),
        SystemHint::Unix | SystemHint::NetWare | SystemHint::Unknown => None,
    };
    if let Some(parser) = first
        && let Some(result) = parser(line, context, hint)
    {
        return result;
    }
    for parser in PARSERS {
        if let Some(result) = parser(line, context, hint) {
            return result;
        }
    }
    LineResult::Unparsed
}

/// The longest line any parser looks at (longer ones are reported unparsed).
pub(crate) const MAX_LINE: usize = 64 * 1024;

/// A format parser: `None` when the line is not in its format.
type Parser = fn(&[u8], &ListingContext, SystemHint) -> Option<LineResult>;

const PARSERS: &[Parser] = &[
    |l, c, _| unix::parse_line_opt(l, c),
    |l, c, _| unix::parse_numeric_line(l, c),
    |l, c, _| dos::parse_line(l, c),
    |l, c, _| eplf::parse_line(l, c),
    |l, c, _| vms::parse_line(l, c),
    |l, c, _| ibm::parse_as400_line(l, c),
    ibm::parse_mvs_line,
    |l, c, _| other::parse_os2_line(l, c),
    |l, c, _| other::parse_vxworks_line(l, c),
    |l, c, _| other::parse_wfftp_line(l, c),
    |l, c, _| os9::parse_line(l, c),
    |l, c, _| nonstop::parse_line(l, c),
    |l, c, _| ibm::parse_zvm_line(l, c),
    // Some servers answer LIST in MLSD format.
    |l, c, _| mlsd::parse_opt(l, c),
];

/// A line that no parser read alone, joined with the next one (multi-line VMS entries).
fn parse_joined(line: &[u8], next: &[u8], context: &ListingContext) -> Option<LineResult> {
    vms::parse_joined(line, next, context)
}

/// What one line turned out to be.
#[derive(Debug, PartialEq)]
pub enum LineResult {
    Entry(Entry),
    /// A line that carries no entry and is expected (`total 12`, MLSD's `cdir`/`pdir`, `.`/`..`).
    Skip,
    Unparsed,
}

#[cfg(test)]
impl ListingContext {
    /// LIST read on 2026-11-23 at 19:05 (the day of the real servers' captures): the context
    /// of the format modules' own tests.
    pub(crate) fn for_tests() -> Self {
        Self::new(
            ListingFormat::List,
            dates::make_datetime(2026, 11, 23, 19, 5, 0).expect("a real date"),
        )
    }
}

#[cfg(test)]
mod transfer_time_tests {
    use super::{Entry, EntryKind, Modified, TimePrecision, dates};

    #[test]
    fn a_listed_time_stands_for_the_files_only_to_the_minute_or_better() {
        let time = dates::make_datetime(2024, 3, 15, 13, 45, 0).expect("a real date");
        // (what the listing gave, what a download takes from it)
        let cases = [
            (None, None),
            (Some(TimePrecision::Day), None),
            (Some(TimePrecision::Minute), Some(time)),
            (Some(TimePrecision::Second), Some(time)),
        ];
        for (precision, taken) in cases {
            let entry = Entry {
                modified: precision.map(|precision| Modified { time, precision }),
                ..Entry::sample("old.txt", EntryKind::File, 9)
            };
            assert_eq!(entry.transfer_time(), taken, "{precision:?}");
        }
    }
}
