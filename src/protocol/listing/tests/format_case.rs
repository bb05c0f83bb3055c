//! The harness of the per-format tables (`unix_formats.rs`, `other_formats.rs`): a listing
//! line (or two, for VMS) and the one entry it must give, every field checked: name, kind,
//! size, time and its precision, permissions, owner, group.
//!
//! Each line is parsed alone with no SYST hint (as with a server that answers SYST oddly), and
//! with the hint when the format can only be told apart with it (MVS members).

use chrono::NaiveDateTime;

use super::super::dates::make_datetime;
use super::super::*;

/// "Now" for every case: 2026-11-23 19:05 in the server's zone.
pub(super) fn now() -> NaiveDateTime {
    make_datetime(2026, 11, 23, 19, 5, 0).unwrap()
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    File,
    Dir,
    Link(Option<&'static str>),
    Other,
}

/// A listing line (or two, for VMS) and the one entry it must give.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) bytes: &'static [u8],
    /// The SYST reply the format needs to be recognised at all.
    pub(super) needs_syst: Option<&'static str>,
    pub(super) name: &'static str,
    pub(super) kind: Kind,
    pub(super) size: Option<u64>,
    pub(super) modified: Option<(NaiveDateTime, TimePrecision)>,
    pub(super) permissions: Option<&'static str>,
    pub(super) owner: Option<&'static str>,
    pub(super) group: Option<&'static str>,
}

pub(super) fn line(text: &'static str) -> Case {
    raw(text.as_bytes())
}

pub(super) fn raw(bytes: &'static [u8]) -> Case {
    Case {
        bytes,
        needs_syst: None,
        name: "",
        kind: Kind::File,
        size: None,
        modified: None,
        permissions: None,
        owner: None,
        group: None,
    }
}

impl Case {
    pub(super) fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }
    pub(super) fn dir(mut self) -> Self {
        self.kind = Kind::Dir;
        self
    }
    pub(super) fn link(mut self, target: Option<&'static str>) -> Self {
        self.kind = Kind::Link(target);
        self
    }
    pub(super) fn size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }
    pub(super) fn day(mut self, y: i32, m: u32, d: u32) -> Self {
        self.modified = Some((dt(y, m, d, 0, 0, 0), TimePrecision::Day));
        self
    }
    pub(super) fn minute(mut self, y: i32, m: u32, d: u32, h: u32, mi: u32) -> Self {
        self.modified = Some((dt(y, m, d, h, mi, 0), TimePrecision::Minute));
        self
    }
    pub(super) fn second(mut self, y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> Self {
        self.modified = Some((dt(y, m, d, h, mi, s), TimePrecision::Second));
        self
    }
    pub(super) fn perms(mut self, permissions: &'static str) -> Self {
        self.permissions = Some(permissions);
        self
    }
    pub(super) fn owner(mut self, owner: &'static str) -> Self {
        self.owner = Some(owner);
        self
    }
    pub(super) fn group(mut self, group: &'static str) -> Self {
        self.group = Some(group);
        self
    }
    pub(super) fn needs(mut self, syst: &'static str) -> Self {
        self.needs_syst = Some(syst);
        self
    }

    /// Checks the one entry a listing of this case gave.
    pub(super) fn check(&self, e: &Entry, how: &str) {
        let what = format!("{:?} ({how})", String::from_utf8_lossy(self.bytes));
        assert_eq!(e.name.text, self.name, "name of {what}");
        let kind = match &e.kind {
            EntryKind::File => Kind::File,
            EntryKind::Dir => Kind::Dir,
            EntryKind::Other => Kind::Other,
            EntryKind::Link { target } => {
                let want = match &self.kind {
                    Kind::Link(t) => *t,
                    _ => None,
                };
                assert_eq!(target.as_deref(), want, "link target of {what}");
                Kind::Link(want)
            }
        };
        assert_eq!(kind, self.kind, "kind of {what}");
        assert_eq!(e.size, self.size, "size of {what}");
        assert_eq!(
            e.modified.map(|m| (m.time, m.precision)),
            self.modified,
            "time of {what}"
        );
        assert_eq!(
            e.permissions.as_deref(),
            self.permissions,
            "permissions of {what}"
        );
        assert_eq!(e.owner.as_deref(), self.owner, "owner of {what}");
        assert_eq!(e.group.as_deref(), self.group, "group of {what}");
        // The raw line is what came in (a two-line VMS entry joined by its line end).
        let want_raw: Vec<u8> = String::from_utf8_lossy(self.bytes)
            .replace("\r\n", "\n")
            .into_bytes();
        if self.bytes.is_ascii() {
            assert_eq!(e.raw_line, want_raw, "raw line of {what}");
        }
    }
}

pub(super) fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    make_datetime(y, m, d, h, mi, s).unwrap()
}

pub(super) fn context(syst: Option<&str>, format: ListingFormat) -> ListingContext {
    let mut ctx = ListingContext::new(format, now());
    ctx.system = syst.map(str::to_owned);
    ctx
}

/// Each case alone: with no SYST hint (unless the format needs one), and with its hint.
pub(super) fn check_each(cases: &[Case]) {
    for case in cases {
        let mut bytes = case.bytes.to_vec();
        bytes.extend_from_slice(b"\r\n");
        for syst in [None, case.needs_syst] {
            if syst.is_none() && case.needs_syst.is_some() {
                continue;
            }
            let listing = parse_listing(&bytes, &context(syst, ListingFormat::List));
            let how = format!("SYST {syst:?}");
            assert!(
                listing.unparsed.is_empty(),
                "{:?} ({how}): unparsed {:?}",
                String::from_utf8_lossy(case.bytes),
                listing.unparsed
            );
            let [entry] = listing.entries.as_slice() else {
                panic!(
                    "{:?} ({how}): {} entries: {:?}",
                    String::from_utf8_lossy(case.bytes),
                    listing.entries.len(),
                    listing.entries
                );
            };
            case.check(entry, &how);
        }
    }
}
