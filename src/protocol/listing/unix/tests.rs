//! Unix-style lines, one layout at a time.

use super::super::dates::make_datetime;
use super::super::{TimePrecision, Viewed};
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
    let LineResult::Entry(e) = parse_line_with(b"-rw-r--r-- 1 u g 7 Nov 23 20:00 a", &ctx) else {
        panic!()
    };
    assert_eq!(e.modified.unwrap().time, dt(2026, 11, 23, 18, 0));
    // Dates without a time are not shifted.
    let LineResult::Entry(e) = parse_line_with(b"-rw-r--r-- 1 u g 7 Jan  1  2019 a", &ctx) else {
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
    assert_eq!(e.name.text, "dotted year first");
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
    assert_eq!(e.name.text, "login");
    let e = entry("- [RWCEAFMS] rhesus               214059       Oct 20 15:27 cx.exe");
    assert_eq!(e.kind, EntryKind::File);
    assert_eq!(e.size, Some(214059));
    assert_eq!(e.owner.as_deref(), Some("rhesus"));
    assert_eq!(e.permissions.as_deref(), Some("- [RWCEAFMS]"));
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

/// The one-pass reading of the common layout (`canonical.rs`) against the general one: the
/// same entry for every line it reads, and `None` for every other. `true` when it read it.
/// The borrowed reading the streaming parser uses, with `dates` kept from the lines before as
/// the parser keeps them, reads it the same again.
fn readings_agree(line: &[u8], ctx: &ListingContext, memory: &mut LineMemory) -> bool {
    let shown = String::from_utf8_lossy(line);
    let viewed = parse_canonical_view(line, ctx, memory).map(Viewed::into_result);
    let Some(canonical) = parse_canonical(line, ctx) else {
        assert_eq!(viewed, None, "{shown:?}");
        return false;
    };
    assert_eq!(viewed.as_ref(), Some(&canonical), "{shown:?}");
    assert_eq!(Some(canonical), parse_general(line, ctx), "{shown:?}");
    true
}

#[test]
fn the_common_layout_reads_as_the_general_reading_does_in_every_capture() {
    let ctx = ListingContext::new(ListingFormat::List, now());
    let mut memory = LineMemory::default();
    let mut read = 0;
    let mut lines_seen = 0;
    for (_, format, bytes) in super::super::tests::every_capture() {
        if format != ListingFormat::List {
            continue;
        }
        for line in crate::protocol::listing::lines(&bytes) {
            lines_seen += 1;
            read += usize::from(readings_agree(line, &ctx, &mut memory));
        }
    }
    // vsftpd, proftpd and pure-ftpd print this layout for every entry.
    assert!(lines_seen > 100, "{lines_seen} lines");
    assert!(
        read * 2 > lines_seen,
        "{read} of {lines_seen} lines read in one pass"
    );
}

#[test]
fn the_common_layout_reads_as_the_general_reading_does_whatever_the_columns_hold() {
    // Each column's usual values and the ones that make the general reading see a date, a
    // device or a different layout: an owner called `Jan`, a size of `12` before a group
    // that names a month, `1,` as a group, `ls -T` seconds, a year out of range...
    const PERMISSIONS: &[&str] = &[
        "-rw-r--r--",
        "drwxr-xr-x",
        "lrwxrwxrwx",
        "-rw-r--r--+",
        "crw-rw-rw-",
        "-rw-r--r-",
    ];
    const LINKS: &[&str] = &["1", "12", "x"];
    const NAMES: &[&str] = &[
        "1001",
        "0",
        "ftp",
        "Jan",
        "nov",
        "mai",
        "12",
        "31",
        "2019",
        "1900",
        "1,",
        "Feb-28-1998",
        "user-x",
        "Ünï",
        "4月",
        "33.5k",
        "2005-06-07",
        "09-26",
        "5.",
        "-",
    ];
    const SIZES: &[&str] = &["0", "7", "12", "31", "4096", "2019", "123456789", "1,", "3"];
    const MONTHS: &[&str] = &["Jan", "Nov", "Dec", "nov", "Mai", "Foo", "12"];
    const DAYS: &[&str] = &["1", "01", "30", "31", "32", "0", "5.", "1,"];
    const TIMES: &[&str] = &[
        "08:25", "8:25", "2024", "24:00", "12:34:56", "1899", "25:00", "2026",
    ];
    const FILE_NAMES: &[&str] = &[
        "name",
        "two  words",
        " leading",
        "link -> target",
        ".",
        "..",
        "",
        "2019 x",
        "Jan 01 2019 y",
    ];
    let ctx = ListingContext::new(ListingFormat::List, now());
    let mut memory = LineMemory::default();
    let pick = |state: &mut u64, from: &[&'static str]| {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        from[(*state % from.len() as u64) as usize]
    };
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut read = 0;
    let mut date = String::new();
    for round in 0..120_000 {
        let blank = if round % 3 == 0 { "\t" } else { "  " };
        // Every fourth line has the date columns of the line before, as the files of a folder
        // written together do (the streaming reading keeps the last date it read).
        if round % 4 != 1 {
            date = format!(
                "{}{blank}{}{blank}{}",
                pick(&mut state, MONTHS),
                pick(&mut state, DAYS),
                pick(&mut state, TIMES),
            );
        }
        let line = format!(
            "{}{blank}{}{blank}{}{blank}{}{blank}{}{blank}{date} {}",
            pick(&mut state, PERMISSIONS),
            pick(&mut state, LINKS),
            pick(&mut state, NAMES),
            pick(&mut state, NAMES),
            pick(&mut state, SIZES),
            pick(&mut state, FILE_NAMES),
        );
        read += usize::from(readings_agree(line.as_bytes(), &ctx, &mut memory));
    }
    // Enough lines fit the layout for the comparison to mean something.
    assert!(read > 400, "{read} lines read in one pass");
}

/// Which lines of the common layout are handed on as their slices ([`PlainLine`]), with no
/// entry built: files and folders whose every byte is printable ASCII other than `"` and `\`.
#[test]
fn plain_lines_are_handed_on_as_their_slices_and_the_others_as_views() {
    #[derive(Debug, PartialEq)]
    enum Read {
        Plain,
        View,
        Dot,
        NotThisLayout,
    }
    let cases: &[(&[u8], Read)] = &[
        (
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry.txt",
            Read::Plain,
        ),
        (
            b"drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 folder",
            Read::Plain,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024  leading blank",
            Read::Plain,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 it's ~ {fine}",
            Read::Plain,
        ),
        (
            b"lrwxrwxrwx    1 ftp      ftp             7 Jan 02  2024 link -> target",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 a \"quote\"",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 back\\slash",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 tab\there",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 del\x7f",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 caf\xc3\xa9",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 ftp      ftp             7 Jan 02  2024 caf\xe9",
            Read::View,
        ),
        (
            b"-rw-r--r--    1 o\"wner   ftp             7 Jan 02  2024 owner",
            Read::View,
        ),
        (
            b"drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 .",
            Read::Dot,
        ),
        (
            b"drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 ..",
            Read::Dot,
        ),
        (
            b"crw-rw-rw-    1 root     root       1,   3 Jan 02  2019 null",
            Read::NotThisLayout,
        ),
        (b"total 12", Read::NotThisLayout),
    ];
    let ctx = ListingContext::new(ListingFormat::List, now());
    let mut memory = LineMemory::default();
    for (line, expected) in cases {
        let read = match parse_canonical_view(line, &ctx, &mut memory) {
            Some(Viewed::Plain(plain)) => {
                assert_eq!(plain.line.as_bytes(), *line);
                Read::Plain
            }
            Some(Viewed::View(_)) => Read::View,
            Some(Viewed::Dot) => Read::Dot,
            Some(Viewed::Owned(_)) | None => Read::NotThisLayout,
        };
        assert_eq!(&read, expected, "{}", String::from_utf8_lossy(line));
        // Whichever way it is handed on, the entry is the general reading's.
        if read != Read::NotThisLayout {
            assert!(readings_agree(line, &ctx, &mut memory));
        }
    }
}

#[test]
fn the_common_layout_takes_what_vsftpd_proftpd_and_pure_ftpd_print() {
    let ctx = ListingContext::new(ListingFormat::List, now());
    let mut memory = LineMemory::default();
    for line in [
        "-rw-r--r--    1 1001     1001     5368709120 Nov 23 19:05 big-5GiB.sparse",
        "drwxr-xr-x    7 0        0            4096 Jan 02  2024 ..",
        "lrwxrwxrwx    1 1001     1001           14 Nov 23 19:05 broken-link -> does-not-exist",
        "-rw-r--r--   1 ftp      ftp            13 Nov 23 19:05 README.txt",
        "drwxr-xr-x    2 1001       1001             4096 Nov 23 19:05 dir with spaces",
    ] {
        assert!(readings_agree(line.as_bytes(), &ctx, &mut memory), "{line}");
    }
}
