//! The other listing formats, one table each: every layout FileZilla's own parser test covers
//! (`tests/dirparsertest.cpp`) besides the Unix-like ones, with lines in that layout; then all
//! of them at once in one listing, as a server might send a mixed bag. Where Ferry
//! deliberately differs from FileZilla, the case says why.

use super::super::{ListingFormat, parse_listing};
use super::format_case::{Case, check_each, context, line};
use super::unix_formats::{
    connect_enterprise_cases, localised_cases, netpresenz_cases, netware_cases, numeric_unix_cases,
    unix_cases,
};

/// EPLF: facts, a TAB, the name; times in seconds since 1970 (UTC).
fn eplf_cases() -> Vec<Case> {
    vec![
        line("+i8388621.48594,m825718503,r,s280,up755\teplf file")
            .name("eplf file")
            .size(280)
            .second(1996, 3, 1, 22, 15, 3)
            .perms("755"),
        line("+i8388621.50690,m824255907,/,\teplf dir")
            .name("eplf dir")
            .dir()
            .second(1996, 2, 13, 23, 58, 27),
    ]
}

#[test]
fn eplf() {
    check_each(&eplf_cases());
}

/// DOS and IIS: US dates, AM/PM or 24-hour times, `<DIR>`, sizes with separators.
fn dos_cases() -> Vec<Case> {
    vec![
        line("04-27-00  12:09PM       <DIR>          dos dir")
            .name("dos dir")
            .dir()
            .minute(2000, 4, 27, 12, 9),
        line("04-06-00  03:47PM                  589 dos file")
            .name("dos file")
            .size(589)
            .minute(2000, 4, 6, 15, 47),
        line("2002-09-02  18:48       <DIR>          long year dir")
            .name("long year dir")
            .dir()
            .minute(2002, 9, 2, 18, 48),
        line("2002-09-02  19:06                9,730 long year file")
            .name("long year file")
            .size(9730)
            .minute(2002, 9, 2, 19, 6),
    ]
}

#[test]
fn dos() {
    check_each(&dos_cases());
}

/// Old VShell: size, `Mon DD, YYYY HH:MM`, name (a trailing `/` marks a folder).
fn vshell_cases() -> Vec<Case> {
    vec![
        line("206876  Apr 04, 2000 21:06 vshell file")
            .name("vshell file")
            .size(206876)
            .minute(2000, 4, 4, 21, 6),
        line("0  Dec 12, 2002 02:13 vshell dir/")
            .name("vshell dir")
            .dir()
            .size(0)
            .minute(2002, 12, 12, 2, 13),
    ]
}

#[test]
fn vshell() {
    check_each(&vshell_cases());
}

/// OS/2: size, attributes (`DIR`, `A`), `MM-DD-YY` (some print the year since 1900: `103`).
fn os2_cases() -> Vec<Case> {
    vec![
        line("36611      A    04-23-103  10:57  os2 file")
            .name("os2 file")
            .size(36611)
            .minute(2003, 4, 23, 10, 57),
        line(" 1123      A    07-14-99   12:37  os2 old file")
            .name("os2 old file")
            .size(1123)
            .minute(1999, 7, 14, 12, 37),
        line("    0 DIR       02-11-103  16:15  os2 dir")
            .name("os2 dir")
            .dir()
            .size(0)
            .minute(2003, 2, 11, 16, 15),
        line(" 1123 DIR  A    10-05-100  23:38  os2 archived dir")
            .name("os2 archived dir")
            .dir()
            .size(1123)
            .minute(2000, 10, 5, 23, 38),
    ]
}

#[test]
fn os2() {
    check_each(&os2_cases());
}

/// OpenVMS: sizes in 512-byte blocks (or with a unit), fields in any order, long names on a
/// line of their own.
fn vms_cases() -> Vec<Case> {
    vec![
        line("VMSDIR.DIR;1  1 19-NOV-2001 21:41 [root,root] (RWE,RWE,RE,RE)")
            .name("VMSDIR")
            .dir()
            .size(512)
            .minute(2001, 11, 19, 21, 41)
            .perms("RWE,RWE,RE,RE")
            .owner("root,root"),
        line("VMSFILE.TXT;1       155   2-JUL-2003 10:30:13.64")
            .name("VMSFILE.TXT;1")
            .size(155 * 512)
            .second(2003, 7, 2, 10, 30, 13),
        line("NOTIME.TXT;1    2/8    7-JAN-2000    [IV2_XXX]   (RWED,RWED,RE,)")
            .name("NOTIME.TXT;1")
            .size(1024)
            .day(2000, 1, 7)
            .perms("RWED,RWED,RE,")
            .owner("IV2_XXX"),
        // French month (JUI = juillet) and an owner without brackets.
        line("FRENCH.TXT;1    6/8    15-JUI-2002    PRONAS   (RWED,RWED,RE,)")
            .name("FRENCH.TXT;1")
            .size(3072)
            .day(2002, 7, 15)
            .perms("RWED,RWED,RE,")
            .owner("PRONAS"),
        line("A-LONG-NAME-ON-ITS-OWN-LINE.TXT;1\r\n170774/170775     24-APR-2003 08:16:15  [FTP_CLIENT,SCOT]      (RWED,RWED,RE,)")
            .name("A-LONG-NAME-ON-ITS-OWN-LINE.TXT;1")
            .size(170774 * 512)
            .second(2003, 4, 24, 8, 16, 15)
            .perms("RWED,RWED,RE,")
            .owner("FTP_CLIENT,SCOT"),
        line("ANOTHER-LONG-NAME.TXT;1\r\n10     2-JUL-2003 10:30:08.59  [FTP_CLIENT,SCOT]      (RWED,RWED,RE,)")
            .name("ANOTHER-LONG-NAME.TXT;1")
            .size(5120)
            .second(2003, 7, 2, 10, 30, 8)
            .perms("RWED,RWED,RE,")
            .owner("FTP_CLIENT,SCOT"),
        line("OWNER-FIRST.TXT;1   [SUMMARY]    1/3     2-AUG-2006 13:05  (RWE,RWE,RE,)")
            .name("OWNER-FIRST.TXT;1")
            .size(512)
            .minute(2006, 8, 2, 13, 5)
            .perms("RWE,RWE,RE,")
            .owner("SUMMARY"),
        line("DATE-FIRST.TXT;1       17-JUN-1994 17:25:37     6308/13     (RWED,RWED,R,)")
            .name("DATE-FIRST.TXT;1")
            .size(6308 * 512)
            .second(1994, 6, 17, 17, 25, 37)
            .perms("RWED,RWED,R,"),
        line("UNIT-SIZE.TXT;1 2KB 23-SEP-2005 14:57:07.27")
            .name("UNIT-SIZE.TXT;1")
            .size(2048)
            .second(2005, 9, 23, 14, 57, 7),
    ]
}

#[test]
fn vms() {
    check_each(&vms_cases());
}

/// IBM AS/400: owner, size, date (US, day-first or dotted), time, object type, name.
fn as400_cases() -> Vec<Case> {
    vec![
        line("QSYS            77824 02/23/00 15:09:55 *DIR as400 dir/")
            .name("as400 dir")
            .dir()
            .size(77824)
            .second(2000, 2, 23, 15, 9, 55)
            .owner("QSYS"),
        line("QSYS            77824 23/02/00 15:09:55 *FILE as400 day first")
            .name("as400 day first")
            .size(77824)
            .second(2000, 2, 23, 15, 9, 55)
            .owner("QSYS"),
        line("QPGMR           36864 18.09.06 14:21:26 *FILE      AS400.FILE")
            .name("AS400.FILE")
            .size(36864)
            .second(2006, 9, 18, 14, 21, 26)
            .owner("QPGMR"),
    ]
}

#[test]
fn as400() {
    check_each(&as400_cases());
}

/// Routers: Nortel's wfFtp (name, size, `MM/DD/YY`, weekday, time) and VxWorks.
fn router_cases() -> Vec<Case> {
    vec![
        line("nortel-wfftp-file       1014196  06/03/04  Thur.   10:20:03")
            .name("nortel-wfftp-file")
            .size(1014196)
            .second(2004, 6, 3, 10, 20, 3),
        line("config.cfg       2048  12/31/99  Fri.   23:59:59")
            .name("config.cfg")
            .size(2048)
            .second(1999, 12, 31, 23, 59, 59),
        line("2048    Feb-28-1998  05:23:30   vxworks dir <DIR>")
            .name("vxworks dir")
            .dir()
            .size(2048)
            .second(1998, 2, 28, 5, 23, 30),
    ]
}

#[test]
fn routers() {
    check_each(&router_cases());
}

/// Microware OS-9: owner (`group.user`), `YY/MM/DD`, `HHMM`, attributes (`d` first for a
/// folder), starting sector, size, name. FileZilla keeps only the day; the `HHMM` column is
/// the time of day, so Ferry keeps the minute too.
fn os9_cases() -> Vec<Case> {
    vec![
        line("20.20 07/03/29 1026 d-ewrewr 2650 85920 os9 dir")
            .name("os9 dir")
            .dir()
            .size(85920)
            .minute(2007, 3, 29, 10, 26)
            .perms("d-ewrewr")
            .owner("20.20"),
        line("0.0 97/06/13 1436 ----r-wr 14A 1040 os9 file")
            .name("os9 file")
            .size(1040)
            .minute(1997, 6, 13, 14, 36)
            .perms("----r-wr")
            .owner("0.0"),
    ]
}

#[test]
fn os9() {
    check_each(&os9_cases());
}

/// HP NonStop (Tandem Guardian): name, file code, size, date, time, owner `group,user`
/// (with or without a blank after the comma), the security string in quotes.
fn hp_nonstop_cases() -> Vec<Case> {
    vec![
        line("NONSTOP1 101 528 6-Apr-07 14:21:18 255, 0 \"oooo\"")
            .name("NONSTOP1")
            .size(528)
            .second(2007, 4, 6, 14, 21, 18)
            .perms("oooo")
            .owner("255, 0"),
        line("NONSTOP2 101 528 6-Apr-07 14:21:18 255,255 \"nunu\"")
            .name("NONSTOP2")
            .size(528)
            .second(2007, 4, 6, 14, 21, 18)
            .perms("nunu")
            .owner("255,255"),
    ]
}

#[test]
fn hp_nonstop() {
    check_each(&hp_nonstop_cases());
}

const MVS: &str = "MVS is the operating system of this server. FTP Server is running on z/OS.";

/// MVS datasets (`Volume Unit Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname`): sizes are
/// tracks, not bytes, so Ferry leaves them unknown (FileZilla shows a made-up 100); PO and
/// PO-E datasets are folders.
fn mvs_dataset_cases() -> Vec<Case> {
    vec![
        line("WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  USER.FILE")
            .name("USER.FILE")
            .day(2003, 5, 21),
        line("WPTA01 3290   2004/03/04  1    3  FB      80  3125  PO  USER.DATASET")
            .name("USER.DATASET")
            .dir()
            .day(2004, 3, 4),
        line("NRP004 3390   **NONE**    1   15  NONE     0     0  PO  NEVER.USED")
            .name("NEVER.USED")
            .dir(),
        line("TSO005 3390   2005/06/06 213000 U 0 27998 PO USER.LOADLIB")
            .name("USER.LOADLIB")
            .dir()
            .day(2005, 6, 6),
        line("TSO004 3390   VSAM USER.VSAM").name("USER.VSAM"),
        line("WYOSPT 3420   2003/05/21  1 ????  FB      80  8053  PS  UNKNOWN.USED")
            .name("UNKNOWN.USED")
            .day(2003, 5, 21),
        line("GISBWI 3390   2011/08/25  2 ++++  FB     904 18080  PS  MANY.USED")
            .name("MANY.USED")
            .day(2011, 8, 25),
        line("WYOSPT 3420   2003/05/21  1 3 U 6447    6447  PO-E USER.PDSE")
            .name("USER.PDSE")
            .dir()
            .day(2003, 5, 21),
        line("V43525 Tape                                             USER.TAPE.FILE")
            .name("USER.TAPE.FILE"),
    ]
}

#[test]
fn mvs_datasets() {
    check_each(&mvs_dataset_cases());
}

/// Members of a partitioned dataset, which only an MVS server sends (and some so bare that
/// only the SYST hint tells them from anything else). A PDS member's size column counts
/// records, so it stays unknown; a load module's is bytes, in hexadecimal.
fn mvs_member_cases() -> Vec<Case> {
    vec![
        line("BAREMEMBER").name("BAREMEMBER").needs(MVS),
        line("PDSMEMBER 01.01 2004/06/22 2004/06/22 16:32   128   128    0 BOBY12")
            .name("PDSMEMBER")
            .minute(2004, 6, 22, 16, 32)
            .needs(MVS),
        line("LOADMOD1 00B308 000411  00 FO                31    ANY")
            .name("LOADMOD1")
            .size(45832)
            .needs(MVS),
        line("LOADMOD2 00B308 000411  00 FO        RU      ANY    24")
            .name("LOADMOD2")
            .size(45832)
            .needs(MVS),
        line("Migrated\t\t\t\tSOME.MIGRATED.FILE")
            .name("SOME.MIGRATED.FILE")
            .needs(MVS),
    ]
}

#[test]
fn mvs_members() {
    check_each(&mvs_member_cases());
}

/// IBM z/VM (CMS): name, type, record format (F or V), record length, records, blocks, date,
/// time, owner. Shown as `NAME.TYPE`; the size is records × length for fixed records and
/// unknown for variable ones (where the length is only the longest record; FileZilla shows
/// the product anyway).
fn zvm_cases() -> Vec<Case> {
    vec![
        line("ZVMFILE  TRACE   V        65      107        2 2005-10-04 15:28:42 060191")
            .name("ZVMFILE.TRACE")
            .second(2005, 10, 4, 15, 28, 42)
            .owner("060191"),
        line("PROFILE  EXEC    F        80       12        1 2019-01-02 03:04:05 ADMIN1")
            .name("PROFILE.EXEC")
            .size(960)
            .second(2019, 1, 2, 3, 4, 5)
            .owner("ADMIN1"),
    ]
}

#[test]
fn zvm() {
    check_each(&zvm_cases());
}

/// MLSD lines, also where a server sends them to LIST: any case for fact names, blanks kept
/// in names, UNIX.mode over an empty perm, link types, the old draft's facts with no final
/// `;`, a TAB before the name, dates before 1970.
fn mlsd_cases() -> Vec<Case> {
    vec![
        line("Type=file;mOdIfY=20081105165215;size=1234; mixed case facts")
            .name("mixed case facts")
            .size(1234)
            .second(2008, 11, 5, 16, 52, 15),
        line("Type=file; trailing blanks\t ").name("trailing blanks\t "),
        line("Type=file; \t leading blanks").name("\t leading blanks"),
        line("modify=20080426135501;perm=;size=65718921;type=file;unique=802U1066013B;UNIX.group=1179;UNIX.mode=00;UNIX.owner=1179; empty perm")
            .name("empty perm")
            .size(65718921)
            .second(2008, 4, 26, 13, 55, 1)
            .perms("00")
            .owner("1179")
            .group("1179"),
        line("type=OS.unix=slink:/foo; link with target")
            .name("link with target")
            .link(Some("/foo")),
        line("type=OS.UNIX=symlink; upper case link").name("upper case link").link(None),
        line("type=file old draft facts < mlst-07")
            .name("old draft facts < mlst-07"),
        line("type=OS.unix=slink; link without target")
            .name("link without target")
            .link(None),
        line("size=1365694195;type=file;modify=20090722092510;\tadsl TV 2009-07-22 08-25-10 tab")
            .name("adsl TV 2009-07-22 08-25-10 tab")
            .size(1365694195)
            .second(2009, 7, 22, 9, 25, 10),
        line("Type=file;mOdIfY=19681105165215;size=1234; before 1970")
            .name("before 1970")
            .size(1234)
            .second(1968, 11, 5, 16, 52, 15),
    ]
}

#[test]
fn mlsd_lines() {
    check_each(&mlsd_cases());
    // The same lines from MLSD itself.
    for case in mlsd_cases() {
        let listing = parse_listing(case.bytes, &context(None, ListingFormat::Mlsd));
        let [entry] = listing.entries.as_slice() else {
            panic!("{:?}: {:?}", case.name, listing)
        };
        case.check(entry, "MLSD");
    }
}

/// Every case that needs no hint, in one listing (as FileZilla's test does): no line may
/// swallow, split or spoil its neighbour.
#[test]
fn all_formats_in_one_listing() {
    let families = [
        unix_cases(),
        numeric_unix_cases(),
        localised_cases(),
        netware_cases(),
        netpresenz_cases(),
        connect_enterprise_cases(),
        eplf_cases(),
        dos_cases(),
        vshell_cases(),
        os2_cases(),
        vms_cases(),
        as400_cases(),
        router_cases(),
        os9_cases(),
        hp_nonstop_cases(),
        mvs_dataset_cases(),
        zvm_cases(),
        mlsd_cases(),
    ];
    let cases: Vec<Case> = families.concat();
    // CRLF line ends, then bare LF (the two-line VMS entries keep their own CRLF inside).
    for end in ["\r\n", "\n"] {
        let mut bytes = Vec::new();
        for case in &cases {
            assert!(case.needs_syst.is_none());
            bytes.extend_from_slice(case.bytes);
            bytes.extend_from_slice(end.as_bytes());
        }
        let listing = parse_listing(&bytes, &context(None, ListingFormat::List));
        assert!(listing.unparsed.is_empty(), "{:?}", listing.unparsed);
        assert_eq!(listing.entries.len(), cases.len());
        for (case, entry) in cases.iter().zip(&listing.entries) {
            case.check(entry, &format!("all in one listing, line end {end:?}"));
        }
    }
}
