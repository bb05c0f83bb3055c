//! Format detection across families: each family found with and without its SYST hint, junk
//! reported rather than dropped, MLSD answered in LIST form, name encodings, time zones.

use super::super::dates::make_datetime;
use super::super::*;
use super::format_case::now as capture_now;

fn dt(t: (i32, u32, u32, u32, u32, u32)) -> chrono::NaiveDateTime {
    make_datetime(t.0, t.1, t.2, t.3, t.4, t.5).unwrap()
}

#[test]
fn unparsed_lines_are_reported_not_dropped() {
    let bytes =
        b"-rw-r--r-- 1 u g 5 Jan 01 2019 ok\r\nthis is not a listing line\r\n\r\ntotal 5\r\n";
    let ctx = ListingContext::new(ListingFormat::List, capture_now());
    let listing = parse_listing(bytes, &ctx);
    assert_eq!(listing.entries.len(), 1);
    assert_eq!(
        listing.unparsed,
        vec![b"this is not a listing line".to_vec()]
    );
}

#[test]
fn mlsd_falls_back_to_list_lines() {
    let bytes = b"type=file;size=1; a\r\n-rw-r--r-- 1 u g 5 Jan 01 2019 b\r\n";
    let ctx = ListingContext::new(ListingFormat::Mlsd, capture_now());
    let listing = parse_listing(bytes, &ctx);
    assert_eq!(listing.entries.len(), 2);
    assert!(listing.unparsed.is_empty());
}

#[test]
fn non_utf8_names_keep_raw_bytes() {
    let bytes = b"-rw-r--r-- 1 u g 5 Jan 01 2019 caf\xe9.txt\r\n";
    for (enc, text) in [
        (NameEncoding::Auto, "café.txt"),
        (NameEncoding::Latin1, "café.txt"),
        (NameEncoding::Utf8, "caf\u{fffd}.txt"),
    ] {
        let ctx = ListingContext::new(ListingFormat::List, capture_now()).with_encoding(enc);
        let listing = parse_listing(bytes, &ctx);
        assert_eq!(listing.entries[0].name.raw, b"caf\xe9.txt");
        assert_eq!(listing.entries[0].name.text, text);
    }
    // BEGIN encoding_rs
    let sjis = b"-rw-r--r-- 1 u g 5 Jan 01 2019 \x93\xfa\x96\x7b.txt\r\n";
    let ctx = ListingContext::new(ListingFormat::List, capture_now())
        .with_encoding(NameEncoding::ShiftJis);
    let listing = parse_listing(sjis, &ctx);
    assert_eq!(listing.entries[0].name.text, "日本.txt");
    assert_eq!(listing.entries[0].name.raw, b"\x93\xfa\x96\x7b.txt");
    // END encoding_rs
}

/// One line of each LIST family, auto-detected with no SYST hint and with the matching hint:
/// (system, line, name, kind, size, modified as printed, precision).
#[test]
fn every_family_is_detected() {
    use EntryKind::{Dir, File};
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        EntryKind,
        Option<u64>,
        Option<(i32, u32, u32, u32, u32, u32)>,
        TimePrecision,
    );
    let cases: &[Case] = &[
        (
            "UNIX Type: L8",
            "-rw-r--r--   1 root     other        531 Jan 29 03:26 README",
            "README",
            File,
            Some(531),
            Some((2026, 1, 29, 3, 26, 0)),
            TimePrecision::Minute,
        ),
        (
            "UNIX Type: L8",
            "d [R----F--] supervisor            512       Jan 16 18:53    login",
            "login",
            Dir,
            Some(512),
            Some((2026, 1, 16, 18, 53, 0)),
            TimePrecision::Minute,
        ),
        (
            "Windows_NT",
            "04-27-00  09:09PM       <DIR>          licensed",
            "licensed",
            Dir,
            None,
            Some((2000, 4, 27, 21, 9, 0)),
            TimePrecision::Minute,
        ),
        (
            "Windows_NT",
            "07-18-00 10:16AM 1,234,567 file.exe",
            "file.exe",
            File,
            Some(1234567),
            Some((2000, 7, 18, 10, 16, 0)),
            TimePrecision::Minute,
        ),
        (
            "UNIX Type: L8",
            "+i8388621.29609,m824255902,/,\tdev",
            "dev",
            Dir,
            None,
            Some((1996, 2, 13, 23, 58, 22)),
            TimePrecision::Second,
        ),
        (
            "VMS OpenVMS V7.3",
            "CII-MANUAL.TEX;1  213/216  29-JAN-1996 03:33:12  [ANONYMOU,ANONYMOUS]   (RWED,RWED,,)",
            "CII-MANUAL.TEX;1",
            File,
            Some(213 * 512),
            Some((1996, 1, 29, 3, 33, 12)),
            TimePrecision::Second,
        ),
        (
            "VMS OpenVMS V7.3",
            "PUB.DIR;1  1/3  19-NOV-2001 21:41 [ROOT,ROOT] (RWE,RWE,RE,RE)",
            "PUB",
            Dir,
            Some(512),
            Some((2001, 11, 19, 21, 41, 0)),
            TimePrecision::Minute,
        ),
        (
            "OS/2",
            "0 DIR 05-12-97 16:44 PSFONTS",
            "PSFONTS",
            Dir,
            Some(0),
            Some((1997, 5, 12, 16, 44, 0)),
            TimePrecision::Minute,
        ),
        (
            "NETWARE",
            "- [RWCEAFMS] rhesus  214059  Oct 20 15:27 cx.exe",
            "cx.exe",
            File,
            Some(214059),
            Some((2026, 10, 20, 15, 27, 0)),
            TimePrecision::Minute,
        ),
        (
            "OS/400 is the remote operating system.",
            "QSYS  77824 02/23/00 15:09:55 *DIR QOpenSys/",
            "QOpenSys",
            Dir,
            Some(77824),
            Some((2000, 2, 23, 15, 9, 55)),
            TimePrecision::Second,
        ),
        (
            "MVS is the operating system of this server.",
            "WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  USER.FILE",
            "USER.FILE",
            File,
            None,
            Some((2003, 5, 21, 0, 0, 0)),
            TimePrecision::Day,
        ),
        (
            "VxWorks",
            "    5024    JUN-01-2004  17:25:10   vxWorks.st",
            "vxWorks.st",
            File,
            Some(5024),
            Some((2004, 6, 1, 17, 25, 10)),
            TimePrecision::Second,
        ),
        (
            "UNIX Type: L8",
            "type=file;size=1234;modify=20081105165215; mlsd in list",
            "mlsd in list",
            File,
            Some(1234),
            Some((2008, 11, 5, 16, 52, 15)),
            TimePrecision::Second,
        ),
    ];
    for &(system, line, name, ref kind, size, time, precision) in cases {
        for system in [None, Some(system)] {
            let mut ctx = ListingContext::new(ListingFormat::List, capture_now());
            ctx.system = system.map(str::to_owned);
            let listing = parse_listing(line.as_bytes(), &ctx);
            assert!(listing.unparsed.is_empty(), "{system:?} {line:?}");
            let [e] = listing.entries.as_slice() else {
                panic!("{system:?} {line:?}: {:?}", listing.entries)
            };
            assert_eq!(e.name.text, name, "{line:?}");
            assert_eq!(&e.kind, kind, "{line:?}");
            assert_eq!(e.size, size, "{line:?}");
            assert_eq!(e.modified.map(|m| m.time), time.map(dt), "{line:?}");
            if time.is_some() {
                assert_eq!(e.modified.unwrap().precision, precision, "{line:?}");
            }
            assert_eq!(e.raw_line, line.as_bytes());
        }
    }
}

/// A listing that mixes header lines, a VMS two-line entry and junk: the junk is reported,
/// nothing else is.
#[test]
fn mixed_listing_reports_only_junk() {
    let bytes = b"total 8\r\n\
drwxr-xr-x   2 u g 4096 Jan 01  2019 dir\r\n\
LONG-NAME-ON-ITS-OWN-LINE.TXT;3\r\n\
      12/12  1-JAN-2020 10:00:00  [SYSTEM]  (RWED,RWED,RE,)\r\n\
04-27-00  09:09PM       <DIR>          dosdir\r\n\
550 No files found.\r\n\
\x00\x01\x02 binary junk\r\n";
    let ctx = ListingContext::new(ListingFormat::List, capture_now());
    let listing = parse_listing(bytes, &ctx);
    let names: Vec<&str> = listing
        .entries
        .iter()
        .map(|e| e.name.text.as_str())
        .collect();
    assert_eq!(names, ["dir", "LONG-NAME-ON-ITS-OWN-LINE.TXT;3", "dosdir"]);
    assert_eq!(
        listing.unparsed,
        vec![
            b"550 No files found.".to_vec(),
            b"\x00\x01\x02 binary junk".to_vec()
        ]
    );
}

/// The server offset moves LIST times (printed in the server's zone) but not MLSD or EPLF
/// times (UTC already), nor dates without a time.
#[test]
fn server_offset_applies_to_list_times_only() {
    let ctx =
        |format| ListingContext::new(format, capture_now()).with_server_offset_minutes(-8 * 60);
    let time = |format, line: &[u8]| {
        let l = parse_listing(line, &ctx(format));
        l.entries[0].modified.unwrap().time
    };
    // 11:00 in UTC-8 is 19:00 UTC.
    assert_eq!(
        time(ListingFormat::List, b"-rw-r--r-- 1 u g 1 Nov 23 11:00 a"),
        make_datetime(2026, 11, 23, 19, 0, 0).unwrap()
    );
    assert_eq!(
        time(ListingFormat::List, b"11-23-26  11:00AM  1  a"),
        make_datetime(2026, 11, 23, 19, 0, 0).unwrap()
    );
    assert_eq!(
        time(ListingFormat::Mlsd, b"type=file;modify=20261123110000; a"),
        make_datetime(2026, 11, 23, 11, 0, 0).unwrap()
    );
    assert_eq!(
        time(ListingFormat::List, b"+m824255902,r,\ta"),
        make_datetime(1996, 2, 13, 23, 58, 22).unwrap()
    );
    assert_eq!(
        time(ListingFormat::List, b"-rw-r--r-- 1 u g 1 Jan  1  2019 a"),
        make_datetime(2019, 1, 1, 0, 0, 0).unwrap()
    );
    // Year inference uses the server's "now": at 2026-11-23 19:05 UTC it is still 11:05 in
    // UTC-8, so "Nov 24 10:00" is within a day ahead: this year.
    assert_eq!(
        time(ListingFormat::List, b"-rw-r--r-- 1 u g 1 Nov 24 10:00 a"),
        make_datetime(2026, 11, 24, 18, 0, 0).unwrap()
    );
}

#[test]
fn syst_hints() {
    use super::super::SystemHint as H;
    for (syst, hint) in [
        ("215 UNIX Type: L8", H::Unix),
        ("UNIX Type: L8 Version: BSD-199506", H::Unix),
        ("Windows_NT", H::Windows),
        ("215 VMS OpenVMS V8.4", H::Vms),
        (
            "MVS is the operating system of this server. FTP Server is running on z/OS.",
            H::Mvs,
        ),
        (
            "OS/400 is the remote operating system. The TCP/IP version is \"V7R3M0\".",
            H::Os400,
        ),
        ("OS/2", H::Os2),
        ("NETWARE  Type: L8", H::NetWare),
        ("VxWorks", H::VxWorks),
        ("Something else", H::Unknown),
    ] {
        assert_eq!(H::from_syst(Some(syst)), hint, "{syst}");
    }
    assert_eq!(H::from_syst(None), H::Unknown);
}
