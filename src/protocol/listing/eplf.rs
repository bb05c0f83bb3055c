//! EPLF (Easily Parsed LIST Format, D. J. Bernstein): `+facts<TAB>name`, facts separated by
//! commas: `/` a directory, `r` a file that can be retrieved, `s<size>`, `m<unix seconds>`
//! (UTC), `i<id>`, `up<octal mode>`.
//!
//! ```text
//! +i8388621.29609,m824255902,/,<TAB>dev
//! +i8388621.44468,m839956783,r,s10376,up644<TAB>RFCEPLF
//! ```

use chrono::DateTime;

use super::common::{find_byte, parse_u64};
use super::{Entry, EntryKind, LineResult, ListingContext, Modified, TimePrecision};

pub(crate) fn parse_line(line: &[u8], ctx: &ListingContext) -> Option<LineResult> {
    let body = line.strip_prefix(b"+")?;
    let tab = find_byte(body, b'\t')?;
    let facts = &body[..tab];
    let name = &body[tab + 1..];
    if name.is_empty() {
        return None;
    }
    let mut dir = false;
    let mut file = false;
    let mut size = None;
    let mut modified = None;
    let mut mode = None;
    for fact in facts.split(|&b| b == b',') {
        let Some((&tag, value)) = fact.split_first() else {
            continue;
        };
        match tag {
            b'/' => dir = true,
            b'r' => file = true,
            b's' => size = Some(parse_u64(value)?),
            b'm' => {
                let secs = parse_u64(value)?;
                let time = DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)?.naive_utc();
                modified = Some(Modified {
                    time,
                    precision: TimePrecision::Second,
                });
            }
            b'u' => {
                if let Some(m) = value.strip_prefix(b"p") {
                    mode = Some(m);
                }
            }
            // `i` (unique id) and facts from later versions are ignored.
            _ => {}
        }
    }
    if name == b"." || name == b".." {
        return Some(LineResult::Skip);
    }
    // Neither `/` nor `r`: neither listable nor retrievable (a device, say).
    let kind = if dir {
        EntryKind::Dir
    } else if file {
        EntryKind::File
    } else {
        EntryKind::Other
    };
    Some(LineResult::Entry(Entry {
        name: ctx.name(name),
        kind,
        size,
        modified,
        permissions: mode.map(|m| ctx.short(m)),
        owner: None,
        group: None,
        raw_line: line.to_vec(),
    }))
}

#[cfg(test)]
mod tests {

    use super::super::dates::make_datetime;
    use super::*;

    fn ctx() -> ListingContext {
        // A server offset must not move EPLF's UTC times.
        ListingContext::for_tests().with_server_offset_minutes(120)
    }

    fn entry(line: &str) -> Entry {
        match parse_line(line.as_bytes(), &ctx()) {
            Some(LineResult::Entry(e)) => e,
            other => panic!("{line:?} → {other:?}"),
        }
    }

    #[test]
    fn dir_and_file() {
        let e = entry("+i8388621.29609,m824255902,/,\tdev");
        assert_eq!(e.name.text, "dev");
        assert_eq!(e.kind, EntryKind::Dir);
        assert_eq!(e.size, None);
        assert_eq!(
            e.modified.unwrap().time,
            make_datetime(1996, 2, 13, 23, 58, 22).unwrap()
        );
        let e = entry("+i8388621.44468,m839956783,r,s10376,up644\tRFC EPLF.txt");
        assert_eq!(e.name.text, "RFC EPLF.txt");
        assert_eq!(e.kind, EntryKind::File);
        assert_eq!(e.size, Some(10376));
        assert_eq!(e.permissions.as_deref(), Some("644"));
        assert_eq!(e.modified.unwrap().precision, TimePrecision::Second);
        let e = entry("+s5368709120,r,\tbig");
        assert_eq!(e.size, Some(5368709120));
        assert_eq!(e.modified, None);
    }

    #[test]
    fn not_eplf() {
        for l in [
            "+i1,r no tab",
            "+r,\t",
            "i1,r,\tname",
            "+r,sXX,\tname",
            "+m99999999999999999,r,\tx",
        ] {
            assert!(parse_line(l.as_bytes(), &ctx()).is_none(), "{l:?}");
        }
    }
}
