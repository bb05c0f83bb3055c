//! IBM hosts: AS/400 (OS/400, IBM i) and MVS (z/OS).
//!
//! AS/400: `owner size date time *TYPE name`; members have only `owner *MEM name`.
//!
//! ```text
//! QSYS            77824 02/23/00 15:09:55 *DIR       QOpenSys/
//! QPGMR           36864 18.09.06 14:21:26 *FILE      MYLIB.FILE
//! QPGMR                                   *MEM       MYLIB.FILE/MEMBER.MBR
//! ```
//!
//! MVS datasets (`Volume Unit Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname`), partitioned
//! (`Dsorg` PO, PO-E) datasets being folders; PDS members (`Name VV.MM Created Changed Size
//! Init Mod Id`); load-module members (hexadecimal size); migrated and tape datasets. MVS sizes
//! are tracks or records, not bytes, so they are left unknown — except load modules, whose
//! size is in bytes.
//!
//! z/VM (CMS) files: `NAME TYPE format lrecl records blocks date time owner`, named
//! `NAME.TYPE` as z/VM's FTP server expects them back. With fixed-length records (`F`) the
//! size is records × length; with variable ones (`V`) the length is only the longest record,
//! so the size is unknown.
//!
//! ```text
//! PROFILE  EXEC    F        80       12        1 2019-01-02 03:04:05 ADMIN1
//! ```

use super::common::{Tokens, all_digits, parse_u64};
use super::dates::{local_modified, parse_numeric_date, parse_time};
use super::{Entry, EntryKind, LineResult, ListingContext, SystemHint};

fn entry(
    ctx: &ListingContext,
    line: &[u8],
    name: &[u8],
    kind: EntryKind,
    size: Option<u64>,
    modified: Option<super::Modified>,
    owner: Option<&[u8]>,
) -> Option<LineResult> {
    if name.is_empty() {
        return None;
    }
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size,
        modified,
        permissions: None,
        owner: owner.map(|o| ctx.short(o)),
        group: None,
        raw_line: line.to_vec(),
    }))
}

pub(crate) fn parse_as400_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len < 3 {
        return None;
    }
    let owner = t.get(0);
    if !owner[0].is_ascii_alphabetic() {
        return None;
    }
    // `owner *MEM name` (no size or date).
    if t.get(1).starts_with(b"*") {
        let ty = t.get(1);
        return as400_entry(ctx, line, ty, t.rest_after(1), None, None, owner);
    }
    if t.len < 6 {
        return None;
    }
    let size = parse_u64(t.get(1))?;
    let date = parse_numeric_date(t.get(2))?;
    let time = parse_time(t.get(3))?;
    let ty = t.get(4);
    if !ty.starts_with(b"*") {
        return None;
    }
    let modified = local_modified(ctx, date, Some(time))?;
    as400_entry(
        ctx,
        line,
        ty,
        t.rest_after(4),
        Some(size),
        Some(modified),
        owner,
    )
}

fn as400_entry(
    ctx: &ListingContext,
    line: &[u8],
    ty: &[u8],
    name: &[u8],
    size: Option<u64>,
    modified: Option<super::Modified>,
    owner: &[u8],
) -> Option<LineResult> {
    let upper = |s: &[u8]| ty.eq_ignore_ascii_case(s);
    if ty.len() < 2 || !ty[1..].iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let (name, slash) = match name.strip_suffix(b"/") {
        Some(n) => (n, true),
        None => (name, false),
    };
    let kind = if slash || upper(b"*DIR") || upper(b"*DDIR") || upper(b"*LIB") || upper(b"*FLR") {
        EntryKind::Dir
    } else if upper(b"*SYMLNK") || upper(b"*LNK") {
        EntryKind::Link { target: None }
    } else {
        EntryKind::File
    };
    entry(ctx, line, name, kind, size, modified, Some(owner))
}

pub(crate) fn parse_mvs_line(
    line: &[u8],
    ctx: &ListingContext,
    hint: SystemHint,
) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len == 0 {
        return None;
    }
    let a = t.get(0);
    let b = t.get(1);
    // Column headers.
    if (a == b"Volume" && b == b"Unit")
        || (a == b"Name" && (b == b"VV.MM" || b == b"Size"))
        || (a == b"JOBNAME" && b == b"JOBID")
    {
        return Some(LineResult::Skip);
    }
    let mvs = hint == SystemHint::Mvs;
    // `Migrated  SOME.DATASET` (archived by HSM).
    if t.len == 2 && a == b"Migrated" {
        return entry(ctx, line, b, EntryKind::File, None, None, None);
    }
    if t.len >= 3 && is_volume(a) {
        let name = t.get(t.len - 1);
        // `V43525 Tape  NAME` and `TSO004 3390 VSAM NAME`.
        if (b.eq_ignore_ascii_case(b"Tape") && t.len == 3) || (t.get(2) == b"VSAM" && t.len == 4) {
            return entry(ctx, line, name, EntryKind::File, None, None, None);
        }
        let referred = t.get(2);
        if t.len >= 5 && all_digits(b) && b.len() == 4 {
            let modified = if referred == b"**NONE**" {
                None
            } else {
                let date = parse_numeric_date(referred)?;
                if referred.len() != 10 {
                    return None;
                }
                Some(local_modified(ctx, date, None)?)
            };
            let dsorg = t.get(t.len - 2);
            let kind = if dsorg == b"PO" || dsorg == b"PO-E" {
                EntryKind::Dir
            } else {
                EntryKind::File
            };
            return entry(ctx, line, name, kind, None, modified, None);
        }
    }
    // PDS member: `NAME  VV.MM  Created  Changed  Time  Size  Init  Mod  Id`.
    if t.len >= 5 && is_vv_mm(b) {
        parse_numeric_date(t.get(2))?;
        let changed = parse_numeric_date(t.get(3))?;
        let time = parse_time(t.get(4))?;
        let modified = local_modified(ctx, changed, Some(time))?;
        return entry(ctx, line, a, EntryKind::File, None, Some(modified), None);
    }
    if !mvs {
        return None;
    }
    // Load module member: `NAME  00B308  000411  00 FO  31  ANY` (size in hex bytes).
    if t.len >= 3 && is_hex6(b) && is_hex6(t.get(2)) {
        let size = u64::from_str_radix(std::str::from_utf8(b).ok()?, 16).ok()?;
        return entry(ctx, line, a, EntryKind::File, Some(size), None, None);
    }
    // A member without any attributes.
    if t.len == 1 {
        return entry(ctx, line, a, EntryKind::File, None, None, None);
    }
    None
}

pub(crate) fn parse_zvm_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let t = Tokens::new(line);
    if t.len != 9 {
        return None;
    }
    let record_format = t.get(2);
    if record_format != b"F" && record_format != b"V" {
        return None;
    }
    let record_length = parse_u64(t.get(3))?;
    let records = parse_u64(t.get(4))?;
    parse_u64(t.get(5))?;
    let date = t.get(6);
    if date.len() != 10 || date[4] != b'-' {
        return None;
    }
    let date = parse_numeric_date(date)?;
    let time = parse_time(t.get(7))?;
    let size = if record_format == b"F" {
        record_length.checked_mul(records)
    } else {
        None
    };
    let (file_name, file_type) = (t.get(0), t.get(1));
    let mut name = Vec::with_capacity(file_name.len() + 1 + file_type.len());
    name.extend_from_slice(file_name);
    name.push(b'.');
    name.extend_from_slice(file_type);
    let modified = local_modified(ctx, date, Some(time))?;
    entry(
        ctx,
        line,
        &name,
        EntryKind::File,
        size,
        Some(modified),
        Some(t.get(8)),
    )
}

/// A volume serial: 1–6 upper-case letters, digits, `#`, `$`, `@`.
fn is_volume(s: &[u8]) -> bool {
    (1..=6).contains(&s.len())
        && s.iter().all(|&b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'#' | b'$' | b'@')
        })
}

fn is_vv_mm(s: &[u8]) -> bool {
    s.len() == 5 && s[2] == b'.' && all_digits(&s[..2]) && all_digits(&s[3..])
}

fn is_hex6(s: &[u8]) -> bool {
    s.len() == 6 && s.iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::super::dates::make_datetime;
    use super::super::{TimePrecision, parse_listing};
    use super::*;
    use chrono::NaiveDate;

    fn ctx() -> ListingContext {
        ListingContext::for_tests()
    }

    fn as400(line: &str) -> Entry {
        match parse_as400_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    fn mvs(line: &str, ctx: &ListingContext) -> Entry {
        match parse_mvs_line(line.as_bytes(), ctx, ctx.system_hint()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn as400_objects() {
        let e = as400("QSYS            77824 02/23/00 15:09:55 *DIR       QOpenSys/");
        assert_eq!(e.name.text, "QOpenSys");
        assert!(e.is_dir());
        assert_eq!(e.size, Some(77824));
        assert_eq!(e.owner.as_deref(), Some("QSYS"));
        let m = e.modified.unwrap();
        assert_eq!(m.time, make_datetime(2000, 2, 23, 15, 9, 55).unwrap());
        assert_eq!(m.precision, TimePrecision::Second);
        let e = as400("QSYS  77824 02/23/00 15:09:55 *DIR QOpenSys/");
        assert_eq!(e.name.text, "QOpenSys");
        let e = as400("QPGMR           36864 18.09.06 14:21:26 *FILE      MYLIB.FILE");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2006, 9, 18, 14, 21, 26).unwrap()
        );
        let e = as400("QSYS            77824 23/02/00 15:09:55 *FILE day first.file");
        assert_eq!(e.name.text, "day first.file");
        assert_eq!(
            e.modified.unwrap().time.date(),
            NaiveDate::from_ymd_opt(2000, 2, 23).unwrap()
        );
        let e = as400("QPGMR                                   *MEM       MYLIB.FILE/MEMBER.MBR");
        assert_eq!(e.name.text, "MYLIB.FILE/MEMBER.MBR");
        assert_eq!(e.size, None);
        assert_eq!(e.modified, None);
        let e = as400("QSYS  5120 11/23/26 19:05:00 *STMF  notes with spaces.txt");
        assert_eq!(e.name.text, "notes with spaces.txt");
    }

    #[test]
    fn mvs_datasets() {
        let c = ctx();
        let e = mvs(
            "WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  USER.DATA.FILE",
            &c,
        );
        assert_eq!(e.name.text, "USER.DATA.FILE");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, None);
        assert_eq!(
            e.modified.unwrap().time.date(),
            NaiveDate::from_ymd_opt(2003, 5, 21).unwrap()
        );
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Day);
        let e = mvs(
            "WPTA01 3290   2004/03/04  1    3  FB      80  3125  PO  USER.PDS",
            &c,
        );
        assert!(e.is_dir());
        let e = mvs(
            "WYOSPT 3420   2003/05/21  1 3 U 6447    6447  PO-E USER.PDSE",
            &c,
        );
        assert!(e.is_dir());
        let e = mvs(
            "NRP004 3390   **NONE**    1   15  NONE     0     0  PO  NEVER.USED",
            &c,
        );
        assert!(e.is_dir());
        assert_eq!(e.modified, None);
        let e = mvs(
            "GISBWI 3390   2011/08/25  2 ++++  FB     904 18080  PS  MANY.BLOCKS",
            &c,
        );
        assert_eq!(e.name.text, "MANY.BLOCKS");
        let e = mvs("TSO004 3390   VSAM USER.VSAM.FILE", &c);
        assert_eq!(e.name.text, "USER.VSAM.FILE");
        let e = mvs(
            "V43525 Tape                                             USER.TAPE.FILE",
            &c,
        );
        assert_eq!(e.name.text, "USER.TAPE.FILE");
        let e = mvs("Migrated                USER.OLD.FILE", &c);
        assert_eq!(e.name.text, "USER.OLD.FILE");
    }

    #[test]
    fn mvs_members() {
        let c = ctx().with_system(
            "MVS is the operating system of this server. FTP Server is running on z/OS.",
        );
        let e = mvs(
            "MEMBER1  01.01 2004/06/22 2004/06/22 16:32   128   128    0 BOBY12",
            &c,
        );
        assert_eq!(e.name.text, "MEMBER1");
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(2004, 6, 22, 16, 32, 0).unwrap()
        );
        let e = mvs("LOADMOD  00B308 000411  00 FO                31    ANY", &c);
        assert_eq!(e.size, Some(0xB308));
        let e = mvs("BAREMEM", &c);
        assert_eq!(e.name.text, "BAREMEM");
        // Without the MVS hint, a bare word is not an entry.
        assert!(parse_mvs_line(b"BAREMEM", &ctx(), SystemHint::Unknown).is_none());
    }

    #[test]
    fn zvm_needs_every_column() {
        for l in [
            "PROFILE  EXEC    X        80       12        1 2019-01-02 03:04:05 ADMIN1",
            "PROFILE  EXEC    F        80       12        1 01/02/2019 03:04:05 ADMIN1",
            "PROFILE  EXEC    F        80       ab        1 2019-01-02 03:04:05 ADMIN1",
            "PROFILE  EXEC    F        80       12        1 2019-01-02 03:04:05",
        ] {
            assert!(parse_zvm_line(l.as_bytes(), &ctx()).is_none(), "{l:?}");
        }
        // A record count times a length that overflows gives no size, not a wrong one.
        let l = b"BIG  FILE  F  9999999999999999999  2  1 2019-01-02 03:04:05 ADMIN1";
        let Some(LineResult::Entry(e)) = parse_zvm_line(l, &ctx()) else {
            panic!()
        };
        assert_eq!(e.size, None);
    }

    #[test]
    fn mvs_listing_with_header() {
        let bytes = b"Volume Unit    Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname\r\n\
WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  USER.DATA.FILE\r\n\
WPTA01 3290   2004/03/04  1    3  FB      80  3125  PO  USER.PDS\r\n";
        let c = ctx().with_system(
            "MVS is the operating system of this server. FTP Server is running on z/OS.",
        );
        let l = parse_listing(bytes, &c);
        assert!(l.unparsed.is_empty(), "{:?}", l.unparsed);
        assert_eq!(l.entries.len(), 2);
        let c = ctx();
        let l = parse_listing(bytes, &c);
        assert!(l.unparsed.is_empty(), "{:?}", l.unparsed);
        assert_eq!(l.entries.len(), 2);
    }
}
