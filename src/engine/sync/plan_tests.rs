//! The plan's rules as a table: one path, both sides (and the last sync), each option, and the
//! action with its reason.

use chrono::NaiveDate;

use super::plan::*;
use crate::protocol::listing::TimePrecision;

fn at(seconds: i64) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a date")
        + chrono::Duration::seconds(seconds)
}

fn file(size: u64, seconds: i64) -> SyncEntry {
    SyncEntry {
        is_dir: false,
        size: Some(size),
        modified: Some(at(seconds)),
        precision: TimePrecision::Second,
        digest: None,
    }
}

fn minutes(mut entry: SyncEntry) -> SyncEntry {
    entry.precision = TimePrecision::Minute;
    entry
}

fn days(mut entry: SyncEntry) -> SyncEntry {
    entry.precision = TimePrecision::Day;
    entry
}

fn digest(mut entry: SyncEntry, hex: &str) -> SyncEntry {
    entry.digest = Some(hex.into());
    entry
}

fn folder() -> SyncEntry {
    SyncEntry {
        is_dir: true,
        size: None,
        modified: None,
        precision: TimePrecision::Second,
        digest: None,
    }
}

fn options(direction: SyncDirection, delete: bool, compare: CompareBy) -> SyncOptions {
    SyncOptions {
        direction,
        delete,
        compare,
    }
}

use CompareBy::{Checksum, Size, Time};
use Side::{Local, Remote};
use SyncAction::*;
use SyncDirection::{Both, Down, Up};

type Case = (
    &'static str,
    Option<SyncEntry>,
    Option<SyncEntry>,
    Option<(Option<SyncEntry>, Option<SyncEntry>)>,
    SyncOptions,
    Option<(SyncAction, Reason)>,
);

fn one_path(case: &Case) -> Option<(SyncAction, Reason)> {
    let (_, here, there, last, options, _) = case;
    let mut local = Tree::new();
    let mut remote = Tree::new();
    if let Some(entry) = here {
        local.insert("p".into(), entry.clone());
    }
    if let Some(entry) = there {
        remote.insert("p".into(), entry.clone());
    }
    let baseline = last.as_ref().map(|(l, r)| {
        let mut baseline = Baseline::default();
        if let Some(entry) = l {
            baseline.local.insert("p".into(), entry.clone());
        }
        if let Some(entry) = r {
            baseline.remote.insert("p".into(), entry.clone());
        }
        baseline
    });
    let planned = plan(&local, &remote, options, baseline.as_ref());
    assert!(planned.len() <= 1, "{planned:?}");
    planned.first().map(|p| (p.action, p.reason))
}

#[test]
fn one_path_every_rule() {
    let cases: Vec<Case> = vec![
        // One way up.
        (
            "new here goes up",
            Some(file(5, 0)),
            None,
            None,
            options(Up, false, Time),
            Some((Upload, Reason::New(Local))),
        ),
        (
            "new folder here is made there",
            Some(folder()),
            None,
            None,
            options(Up, false, Time),
            Some((MakeRemoteFolder, Reason::New(Local))),
        ),
        (
            "only on the server: kept without mirror",
            None,
            Some(file(5, 0)),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "only on the server: deleted when mirroring",
            None,
            Some(file(5, 0)),
            None,
            options(Up, true, Time),
            Some((DeleteRemote, Reason::Gone(Local))),
        ),
        (
            "a folder only on the server, mirrored",
            None,
            Some(folder()),
            None,
            options(Up, true, Time),
            Some((DeleteRemote, Reason::Gone(Local))),
        ),
        (
            "same size and time: nothing",
            Some(file(5, 0)),
            Some(file(5, 1)),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "newer here goes up",
            Some(file(5, 100)),
            Some(file(5, 0)),
            None,
            options(Up, false, Time),
            Some((Upload, Reason::Newer(Local))),
        ),
        (
            "newer on the server: not sent back in time",
            Some(file(5, 0)),
            Some(file(6, 100)),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "same time, other size: goes up",
            Some(file(5, 0)),
            Some(file(6, 0)),
            None,
            options(Up, false, Time),
            Some((Upload, Reason::SizeDiffers)),
        ),
        (
            "within FAT's 2 s: the same",
            Some(file(5, 2)),
            Some(file(5, 0)),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "3 s newer: newer",
            Some(file(5, 3)),
            Some(file(5, 0)),
            None,
            options(Up, false, Time),
            Some((Upload, Reason::Newer(Local))),
        ),
        (
            "a listing with minutes: 59 s is the same",
            Some(file(5, 59)),
            Some(minutes(file(5, 0))),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "a listing with minutes: 61 s is newer",
            Some(file(5, 61)),
            Some(minutes(file(5, 0))),
            None,
            options(Up, false, Time),
            Some((Upload, Reason::Newer(Local))),
        ),
        (
            "a listing with days: an hour is the same",
            Some(file(5, 3600)),
            Some(days(file(5, 0))),
            None,
            options(Up, false, Time),
            None,
        ),
        (
            "by size: newer but same size is the same",
            Some(file(5, 500)),
            Some(file(5, 0)),
            None,
            options(Up, false, Size),
            None,
        ),
        (
            "by size: other size goes up, even if older",
            Some(file(5, 0)),
            Some(file(6, 500)),
            None,
            options(Up, false, Size),
            Some((Upload, Reason::SizeDiffers)),
        ),
        (
            "by checksum: same digest is the same",
            Some(digest(file(5, 500), "ab")),
            Some(digest(file(5, 0), "AB")),
            None,
            options(Up, false, Checksum),
            None,
        ),
        (
            "by checksum: other digest goes up",
            Some(digest(file(5, 0), "ab")),
            Some(digest(file(5, 0), "cd")),
            None,
            options(Up, false, Checksum),
            Some((Upload, Reason::ChecksumDiffers)),
        ),
        (
            "by checksum without a digest: the size decides",
            Some(file(5, 0)),
            Some(file(7, 0)),
            None,
            options(Up, false, Checksum),
            Some((Upload, Reason::SizeDiffers)),
        ),
        (
            "a file here, a folder there: conflict",
            Some(file(5, 0)),
            Some(folder()),
            None,
            options(Up, false, Time),
            Some((Conflict, Reason::KindDiffers)),
        ),
        (
            "folders on both sides: nothing",
            Some(folder()),
            Some(folder()),
            None,
            options(Up, true, Time),
            None,
        ),
        // One way down.
        (
            "new on the server comes down",
            None,
            Some(file(5, 0)),
            None,
            options(Down, false, Time),
            Some((Download, Reason::New(Remote))),
        ),
        (
            "new folder on the server is made here",
            None,
            Some(folder()),
            None,
            options(Down, false, Time),
            Some((MakeLocalFolder, Reason::New(Remote))),
        ),
        (
            "only here: kept without mirror",
            Some(file(5, 0)),
            None,
            None,
            options(Down, false, Time),
            None,
        ),
        (
            "only here: deleted when mirroring down",
            Some(file(5, 0)),
            None,
            None,
            options(Down, true, Time),
            Some((DeleteLocal, Reason::Gone(Remote))),
        ),
        (
            "newer on the server comes down",
            Some(file(5, 0)),
            Some(file(5, 100)),
            None,
            options(Down, false, Time),
            Some((Download, Reason::Newer(Remote))),
        ),
        (
            "newer here: not overwritten by an older one",
            Some(file(5, 100)),
            Some(file(5, 0)),
            None,
            options(Down, false, Time),
            None,
        ),
        // Both ways, no last sync: the newer side wins.
        (
            "both: new here goes up",
            Some(file(5, 0)),
            None,
            None,
            options(Both, false, Time),
            Some((Upload, Reason::New(Local))),
        ),
        (
            "both: new there comes down",
            None,
            Some(file(5, 0)),
            None,
            options(Both, false, Time),
            Some((Download, Reason::New(Remote))),
        ),
        (
            "both: newer here goes up",
            Some(file(5, 100)),
            Some(file(5, 0)),
            None,
            options(Both, false, Time),
            Some((Upload, Reason::Newer(Local))),
        ),
        (
            "both: newer there comes down",
            Some(file(5, 0)),
            Some(file(5, 100)),
            None,
            options(Both, false, Time),
            Some((Download, Reason::Newer(Remote))),
        ),
        (
            "both: same time, other size: undecidable",
            Some(file(5, 0)),
            Some(file(6, 0)),
            None,
            options(Both, false, Time),
            Some((Conflict, Reason::Undecidable)),
        ),
        // Both ways, with the last sync.
        (
            "both: changed on both since the last sync",
            Some(file(6, 100)),
            Some(file(7, 200)),
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, false, Time),
            Some((Conflict, Reason::ChangedOnBoth)),
        ),
        (
            "both: changed here only goes up, even if the server's is newer",
            Some(file(6, 100)),
            Some(file(5, 900)),
            Some((Some(file(5, 0)), Some(file(5, 900)))),
            options(Both, false, Time),
            Some((Upload, Reason::Newer(Local))),
        ),
        (
            "both: changed there only comes down",
            Some(file(5, 0)),
            Some(file(9, 50)),
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, false, Time),
            Some((Download, Reason::Newer(Remote))),
        ),
        (
            "both: unchanged on both since the last sync, times apart: nothing",
            Some(file(5, 0)),
            Some(file(5, 700)),
            Some((Some(file(5, 0)), Some(file(5, 700)))),
            options(Both, false, Time),
            None,
        ),
        (
            "both: deleted there, unchanged here, mirror: deleted here",
            Some(file(5, 0)),
            None,
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, true, Time),
            Some((DeleteLocal, Reason::Gone(Remote))),
        ),
        (
            "both: deleted there, unchanged here, no mirror: copied back",
            Some(file(5, 0)),
            None,
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, false, Time),
            Some((Upload, Reason::New(Local))),
        ),
        (
            "both: deleted there but changed here: kept and sent",
            Some(file(6, 100)),
            None,
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, true, Time),
            Some((Upload, Reason::New(Local))),
        ),
        (
            "both: deleted here, unchanged there, mirror: deleted there",
            None,
            Some(file(5, 0)),
            Some((Some(file(5, 0)), Some(file(5, 0)))),
            options(Both, true, Time),
            Some((DeleteRemote, Reason::Gone(Local))),
        ),
        (
            "both: new here since the last sync is not a deletion there",
            Some(file(5, 0)),
            None,
            Some((None, None)),
            options(Both, true, Time),
            Some((Upload, Reason::New(Local))),
        ),
    ];
    for case in &cases {
        assert_eq!(one_path(case), case.5, "{}", case.0);
    }
}

fn tree(entries: &[(&str, SyncEntry)]) -> Tree {
    entries
        .iter()
        .map(|(p, e)| ((*p).to_owned(), e.clone()))
        .collect()
}

#[test]
fn a_folder_to_delete_stands_for_everything_in_it() {
    let local = tree(&[("keep.txt", file(1, 0))]);
    let remote = tree(&[
        ("keep.txt", file(1, 0)),
        ("old", folder()),
        ("old/a.txt", file(1, 0)),
        ("old/deep", folder()),
        ("old/deep/b.txt", file(1, 0)),
        ("older.txt", file(1, 0)),
    ]);
    let planned = plan(&local, &remote, &options(Up, true, Time), None);
    let paths: Vec<(&str, SyncAction)> = planned
        .iter()
        .map(|p| (p.path.as_str(), p.action))
        .collect();
    assert_eq!(paths, [("old", DeleteRemote), ("older.txt", DeleteRemote)]);
}

#[test]
fn folders_come_before_what_goes_in_them_and_totals_add_up() {
    let local = tree(&[
        ("site", folder()),
        ("site/index.html", file(100, 0)),
        ("site/css", folder()),
        ("site/css/a.css", file(20, 0)),
        ("same.txt", file(3, 0)),
    ]);
    let remote = tree(&[("same.txt", file(3, 0)), ("gone.txt", file(9, 0))]);
    let planned = plan(&local, &remote, &options(Up, true, Time), None);
    let order: Vec<&str> = planned.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        order,
        [
            "gone.txt",
            "site",
            "site/css",
            "site/css/a.css",
            "site/index.html"
        ]
    );
    assert_eq!(
        totals(&planned),
        Totals {
            uploads: 2,
            downloads: 0,
            bytes: 120,
            deletes: 1,
            conflicts: 0,
            folders: 2,
        }
    );
}

#[test]
fn the_same_trees_plan_nothing() {
    let both = tree(&[
        ("a", folder()),
        ("a/b.txt", file(4, 0)),
        ("c.txt", file(5, 7)),
    ]);
    for direction in [Up, Down, Both] {
        for compare in [Time, Size, Checksum] {
            for delete in [false, true] {
                let options = options(direction, delete, compare);
                assert!(plan(&both, &both, &options, None).is_empty(), "{options:?}");
            }
        }
    }
}

#[test]
fn tolerances() {
    use TimePrecision::{Day, Minute, Second};
    assert_eq!(tolerance_secs(Second, Second), 2);
    assert_eq!(tolerance_secs(Second, Minute), 60);
    assert_eq!(tolerance_secs(Day, Minute), 86_400);
}

#[test]
fn reasons_read_as_sentences() {
    assert_eq!(Reason::New(Local).text(), "new here");
    assert_eq!(Reason::Newer(Remote).text(), "newer on the server");
    assert_eq!(Reason::Gone(Local).text(), "not here");
    assert_eq!(Reason::Gone(Remote).text(), "not on the server");
    let json = serde_json::to_string(&Reason::Newer(Remote)).expect("json");
    assert_eq!(json, r#"{"why":"newer","side":"remote"}"#);
}

#[test]
fn a_local_time_on_the_whole_minute_or_day_is_compared_at_that_precision() {
    let at = |h, m, s, nanos| {
        NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_nano_opt(h, m, s, nanos)
            .unwrap()
    };
    // (time, precision)
    let cases = [
        (at(6, 10, 21, 0), TimePrecision::Second),
        (at(6, 10, 0, 1), TimePrecision::Second),
        (at(6, 10, 0, 0), TimePrecision::Minute),
        (at(0, 1, 0, 0), TimePrecision::Minute),
        (at(13, 0, 0, 0), TimePrecision::Minute),
        (at(0, 0, 0, 0), TimePrecision::Day),
        (at(0, 0, 1, 0), TimePrecision::Second),
        (at(0, 0, 0, 500_000_000), TimePrecision::Second),
    ];
    for (time, precision) in cases {
        assert_eq!(local_precision(time), precision, "{time}");
    }
    // The walk's case: downloaded with the listing's 06:10, the server's MDTM 06:10:21.
    assert_eq!(
        tolerance_secs(local_precision(at(6, 10, 0, 0)), TimePrecision::Second),
        60
    );
}
