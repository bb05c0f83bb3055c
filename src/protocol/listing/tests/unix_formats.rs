//! Unix-like listing formats, one table each: every layout of this family that FileZilla's own
//! parser test covers (`tests/dirparsertest.cpp`), with lines in that layout. Where Ferry
//! deliberately differs from FileZilla, the case says why.

use super::format_case::{Case, check_each, line, raw};

pub(super) fn unix_cases() -> Vec<Case> {
    vec![
        line("dr-xr-xr-x   2 root     other        512 Apr  8  1994 standard dir")
            .name("standard dir")
            .dir()
            .size(512)
            .day(1994, 4, 8)
            .perms("dr-xr-xr-x")
            .owner("root")
            .group("other"),
        // Month and day as numbers: `3 29` is March 29th.
        line("-rw-r--r--   1 root     other        531 3 29 03:26 numeric month day")
            .name("numeric month day")
            .size(531)
            .minute(2026, 3, 29, 3, 26)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        line("-rw-r--r--   1 root     other        531 12 25  2019 numeric month day year")
            .name("numeric month day year")
            .size(531)
            .day(2019, 12, 25)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        line("dr-xr-xr-x   2 root                  512 Apr  8  1994 no group")
            .name("no group")
            .dir()
            .size(512)
            .day(1994, 4, 8)
            .perms("dr-xr-xr-x")
            .owner("root"),
        line("lrwxrwxrwx   1 root     other          7 Jan 25 00:17 a link -> usr/bin")
            .name("a link")
            .link(Some("usr/bin"))
            .size(7)
            .minute(2026, 1, 25, 0, 17)
            .perms("lrwxrwxrwx")
            .owner("root")
            .group("other"),
        line("-rw-r--r--   1 root     other        531 09-26 2000 month-day year")
            .name("month-day year")
            .size(531)
            .day(2000, 9, 26)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        line("-rw-r--r--   1 root     other        531 09-26 13:45 month-day time")
            .name("month-day time")
            .size(531)
            .minute(2026, 9, 26, 13, 45)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        line("-rw-r--r--   1 root     other        531 2005-06-07 21:22 iso date")
            .name("iso date")
            .size(531)
            .minute(2005, 6, 7, 21, 22)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        // A size with a unit: 33.5 KiB.
        line("-rw-r--r--   1 root     other  33.5k Oct 5 21:22 size in k")
            .name("size in k")
            .size(34304)
            .minute(2026, 10, 5, 21, 22)
            .perms("-rw-r--r--")
            .owner("root")
            .group("other"),
        line("-rwxr-xr-x    1 user group        9 Oct 08, 2002 09:47 vshell new")
            .name("vshell new")
            .size(9)
            .minute(2002, 10, 8, 9, 47)
            .perms("-rwxr-xr-x")
            .owner("user")
            .group("group"),
        // A numeric owner, the group column so long that the size runs into it.
        line("-r-xr-xr-x longowner longgroup123456 Feb 12 17:20 size glued to group")
            .name("size glued to group")
            .size(123456)
            .minute(2026, 2, 12, 17, 20)
            .perms("-r-xr-xr-x")
            .owner("longowner")
            .group("longgroup"),
        line("-r-xr-xr-x 2 owner group 4512 01-jun-99 short month date")
            .name("short month date")
            .size(4512)
            .day(1999, 6, 1)
            .perms("-r-xr-xr-x")
            .owner("owner")
            .group("group"),
        line("drwxr-xr-x 3 user group 512 01 oct 2004 day before month")
            .name("day before month")
            .dir()
            .size(512)
            .day(2004, 10, 1)
            .perms("drwxr-xr-x")
            .owner("user")
            .group("group"),
        // A link count and no owner or group.
        line("-r--r--r-- 0125039 12 Nov 11 2005 no owner")
            .name("no owner")
            .size(12)
            .day(2005, 11, 11)
            .perms("-r--r--r--"),
        line("drwxr-xr-x 3 slopri devlab 512 no date at all")
            .name("no date at all")
            .dir()
            .size(512)
            .perms("drwxr-xr-x")
            .owner("slopri")
            .group("devlab"),
        // A name that starts with a year, after a `DD Mon HH:MM` date.
        line("drwxrwxrwx   1 0        0               0 29 Jul 02:27 2014 Invoices")
            .name("2014 Invoices")
            .dir()
            .size(0)
            .minute(2026, 7, 29, 2, 27)
            .perms("drwxrwxrwx")
            .owner("0")
            .group("0"),
        // `24:00` is midnight at the end of the day.
        line("-rw-------      1  99999999 0              3 Apr   4 24:00 midnight")
            .name("midnight")
            .size(3)
            .minute(2026, 4, 5, 0, 0)
            .perms("-rw-------")
            .owner("99999999")
            .group("0"),
        line("-rw-r--r--   1 group domain user 531 Jan 29 03:26 windows domain")
            .name("windows domain")
            .size(531)
            .minute(2026, 1, 29, 3, 26)
            .perms("-rw-r--r--")
            .owner("group")
            .group("domain user"),
    ]
}

#[test]
fn unix() {
    check_each(&unix_cases());
}

/// `ls -l` as a table of numbers: octal mode (with the file type bits), numeric owner and
/// group, size, and the time in seconds since 1970 (UTC). The name follows the blanks.
pub(super) fn numeric_unix_cases() -> Vec<Case> {
    vec![
        line("0100644   500  101   12345    123456789       numeric file")
            .name("numeric file")
            .size(12345)
            .second(1973, 11, 29, 21, 33, 9)
            .perms("0100644")
            .owner("500")
            .group("101"),
        line("040755   0  0   4096    1700000000 numeric dir")
            .name("numeric dir")
            .dir()
            .size(4096)
            .second(2023, 11, 14, 22, 13, 20)
            .perms("040755")
            .owner("0")
            .group("0"),
        line("0120777 1001 1001 11 1700000000 numeric link")
            .name("numeric link")
            .link(None)
            .size(11)
            .second(2023, 11, 14, 22, 13, 20)
            .perms("0120777")
            .owner("1001")
            .group("1001"),
    ]
}

#[test]
fn numeric_unix() {
    check_each(&numeric_unix_cases());
}

/// Localised `ls`: German, Hungarian, dotted and slashed dates, Japanese (Shift-JIS bytes),
/// another Asian encoding, Korean in UTF-8.
pub(super) fn localised_cases() -> Vec<Case> {
    vec![
        line("dr-xr-xr-x   2 root     other      2235 26. Juli, 20:10 german dir")
            .name("german dir")
            .dir()
            .size(2235)
            .minute(2026, 7, 26, 20, 10)
            .perms("dr-xr-xr-x")
            .owner("root")
            .group("other"),
        line("dr-xr-xr-x   2 root     other      2235 szept 26 20:10 hungarian dir")
            .name("hungarian dir")
            .dir()
            .size(2235)
            .minute(2026, 9, 26, 20, 10)
            .perms("dr-xr-xr-x")
            .owner("root")
            .group("other"),
        line("-r-xr-xr-x   2 root     other      2235 2.   Okt.  2003 german file")
            .name("german file")
            .size(2235)
            .day(2003, 10, 2)
            .perms("-r-xr-xr-x")
            .owner("root")
            .group("other"),
        line("-r-xr-xr-x   2 root     other      2235 1999/10/12 17:12 slashed date")
            .name("slashed date")
            .size(2235)
            .minute(1999, 10, 12, 17, 12)
            .perms("-r-xr-xr-x")
            .owner("root")
            .group("other"),
        line("-r-xr-xr-x   2 root     other      2235 24-04-2003 17:12 day first")
            .name("day first")
            .size(2235)
            .minute(2003, 4, 24, 17, 12)
            .perms("-r-xr-xr-x")
            .owner("root")
            .group("other"),
        raw(b"-rw-r--r--   1 root       sys           8473  4\x8c\x8e 18\x93\xfa 2003\x94\x4e japanese file")
            .name("japanese file")
            .size(8473)
            .day(2003, 4, 18)
            .perms("-rw-r--r--")
            .owner("root")
            .group("sys"),
        raw(b"-rwxrwxrwx   1 root     staff          0 2003   3\xed\xef 20 asian date")
            .name("asian date")
            .size(0)
            .day(2003, 3, 20)
            .perms("-rwxrwxrwx")
            .owner("root")
            .group("staff"),
        raw(b"-r--r--r-- 1 root root 2096 8\xed 17 08:52 asian time")
            .name("asian time")
            .size(2096)
            .minute(2026, 8, 17, 8, 52)
            .perms("-r--r--r--")
            .owner("root")
            .group("root"),
        // A dotted date and no time: the blanks where a time would be are padding.
        line("-r-xr-xr-x   2 root  root  96 2004.07.15   dotted date")
            .name("dotted date")
            .size(96)
            .day(2004, 7, 15)
            .perms("-r-xr-xr-x")
            .owner("root")
            .group("root"),
        line("drwxr-xr-x   5 root     sys          512 2005년  1월  6일 korean dir")
            .name("korean dir")
            .dir()
            .size(512)
            .day(2005, 1, 6)
            .perms("drwxr-xr-x")
            .owner("root")
            .group("sys"),
        line("drwxr-xr-x 6 user sys 1024 30. Jan., 12:40 german abbreviation")
            .name("german abbreviation")
            .dir()
            .size(1024)
            .minute(2026, 1, 30, 12, 40)
            .perms("drwxr-xr-x")
            .owner("user")
            .group("sys"),
    ]
}

#[test]
fn localised_unix() {
    check_each(&localised_cases());
}

/// NetWare: `d` or `-`, the rights in brackets, the owner; the name column is padded.
pub(super) fn netware_cases() -> Vec<Case> {
    vec![
        line("d [R----F--] supervisor            512       Jan 16 18:53    login")
            .name("login")
            .dir()
            .size(512)
            .minute(2026, 1, 16, 18, 53)
            .perms("d [R----F--]")
            .owner("supervisor"),
        line("- [RWCEAFMS] rhesus             214059       Oct 20 15:27    cx file.exe")
            .name("cx file.exe")
            .size(214059)
            .minute(2026, 10, 20, 15, 27)
            .perms("- [RWCEAFMS]")
            .owner("rhesus"),
    ]
}

#[test]
fn netware() {
    check_each(&netware_cases());
}

/// NetPresenz (classic Mac OS): no link count; a file's owner column is numeric.
/// (FileZilla reads the same columns: the first number is the link count.)
pub(super) fn netpresenz_cases() -> Vec<Case> {
    vec![
        line("-------r--         326  1391972  1392298 Nov 22  1995 netpresenz file")
            .name("netpresenz file")
            .size(1392298)
            .day(1995, 11, 22)
            .perms("-------r--")
            .owner("1391972"),
        line("drwxrwxr-x               folder        2 May 10  1996 netpresenz dir")
            .name("netpresenz dir")
            .dir()
            .size(2)
            .day(1996, 5, 10)
            .perms("drwxrwxr-x")
            .owner("folder"),
    ]
}

#[test]
fn netpresenz() {
    check_each(&netpresenz_cases());
}

/// Sterling Commerce's Connect:Enterprise: ten flag letters and the protocol in the
/// permissions column, then the batch's columns.
pub(super) fn connect_enterprise_cases() -> Vec<Case> {
    vec![
        line("-C--E-----FTP B BCC3I1       7670  1294495 Jan 13 07:42 mailbox file")
            .name("mailbox file")
            .size(1294495)
            .minute(2026, 1, 13, 7, 42)
            .perms("-C--E-----FTP")
            .owner("B")
            .group("BCC3I1 7670"),
        line("-AR--M----TCP B ceunix      17570  2819 Aug 22 12:37 other mailbox")
            .name("other mailbox")
            .size(2819)
            .minute(2026, 8, 22, 12, 37)
            .perms("-AR--M----TCP")
            .owner("B")
            .group("ceunix 17570"),
    ]
}

#[test]
fn connect_enterprise() {
    check_each(&connect_enterprise_cases());
}
