//! The sync plan: two trees in (what is here, what is on the server, and what both were after
//! the last sync), a list of actions out, each with its reason. No I/O: the walks gather the
//! trees, the queue carries the actions out, and nothing moves before the person has seen the
//! plan.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::protocol::listing::TimePrecision;

/// One side's facts about an entry, by its path relative to the synced folder (`a/b.txt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncEntry {
    pub is_dir: bool,
    pub size: Option<u64>,
    /// UTC (the site's time-zone setting already applied to a listing's local times).
    pub modified: Option<NaiveDateTime>,
    /// How much of the time the side gave: a listing may give only minutes, or only the day.
    #[serde(with = "precision_serde")]
    pub precision: TimePrecision,
    /// A checksum of the content, lowercase hex, when comparing by checksum.
    #[serde(default)]
    pub digest: Option<String>,
}

/// Every entry of one side, by relative path.
pub type Tree = BTreeMap<String, SyncEntry>;

/// Which way files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncDirection {
    /// Local → server.
    Up,
    /// Server → local.
    Down,
    /// The newer side wins; a file changed on both sides since the last sync is a conflict.
    Both,
}

/// How two files of the same name are told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompareBy {
    /// Newer by more than the tolerance, or a different size.
    Time,
    Size,
    /// The content's checksum (the server's HASH/XSHA256/XMD5): both sides' digests.
    Checksum,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    pub direction: SyncDirection,
    /// Mirror: remove on the target what is gone from the source.
    pub delete: bool,
    pub compare: CompareBy,
}

/// The side an entry is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Local,
    Remote,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Local => Side::Remote,
            Side::Remote => Side::Local,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Side::Local => "here",
            Side::Remote => "on the server",
        }
    }
}

/// What to do to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncAction {
    Upload,
    Download,
    /// A folder made on the server (before what goes into it).
    MakeRemoteFolder,
    MakeLocalFolder,
    /// Removed (a folder with everything in it).
    DeleteRemote,
    DeleteLocal,
    /// Listed, and not touched.
    Conflict,
}

impl SyncAction {
    pub fn is_delete(self) -> bool {
        matches!(self, SyncAction::DeleteLocal | SyncAction::DeleteRemote)
    }

    pub fn label(self) -> &'static str {
        match self {
            SyncAction::Upload => "upload",
            SyncAction::Download => "download",
            SyncAction::MakeRemoteFolder => "make folder on the server",
            SyncAction::MakeLocalFolder => "make folder here",
            SyncAction::DeleteRemote => "delete on the server",
            SyncAction::DeleteLocal => "delete here",
            SyncAction::Conflict => "conflict: not touched",
        }
    }
}

/// Why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "why", content = "side")]
pub enum Reason {
    /// Only on this side, and new there.
    New(Side),
    /// Newer on this side.
    Newer(Side),
    SizeDiffers,
    ChecksumDiffers,
    /// Gone from this side (the source), still on the other: removed when mirroring.
    Gone(Side),
    /// Changed on both sides since the last sync.
    ChangedOnBoth,
    /// A folder on one side, a file on the other.
    KindDiffers,
    /// The same size and time within the tolerance, but no way to say which is newer.
    Undecidable,
}

impl Reason {
    pub fn text(self) -> String {
        match self {
            Reason::New(side) => format!("new {}", side.label()),
            Reason::Newer(side) => format!("newer {}", side.label()),
            Reason::SizeDiffers => "size differs".into(),
            Reason::ChecksumDiffers => "checksum differs".into(),
            Reason::Gone(side) => format!("not {}", side.label()),
            Reason::ChangedOnBoth => "changed on both sides since the last sync".into(),
            Reason::KindDiffers => "a folder on one side, a file on the other".into(),
            Reason::Undecidable => "differs, and neither side is newer".into(),
        }
    }
}

/// One planned action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub action: SyncAction,
    pub path: String,
    pub reason: Reason,
    pub is_dir: bool,
    /// Bytes that will move (the source's size), for the totals.
    pub size: Option<u64>,
}

/// What both sides were when the last sync of this pair of folders ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub local: Tree,
    pub remote: Tree,
}

/// How precise a local file's time is to be taken: a time on the whole minute (to the
/// nanosecond) was most likely set from a listing that gave only minutes (a download stamped
/// from vsftpd's `LIST`: 06:10:00 for a file the server's MDTM says is 06:10:21, which a walk's
/// sync then took for "newer on the server"), and one at midnight from a listing that gave only
/// the day. Edited since, a file has seconds again. (On a file system that keeps whole seconds,
/// one file in sixty edited on the minute is compared to the minute.)
pub fn local_precision(time: NaiveDateTime) -> TimePrecision {
    use chrono::Timelike;
    if time.second() != 0 || time.nanosecond() != 0 {
        TimePrecision::Second
    } else if time.minute() != 0 || time.hour() != 0 {
        TimePrecision::Minute
    } else {
        TimePrecision::Day
    }
}

/// Two seconds always (FAT keeps times to 2 s, and clocks round); a minute when either side
/// gave minutes; a day when either gave only the day.
pub fn tolerance_secs(a: TimePrecision, b: TimePrecision) -> i64 {
    match a.min(b) {
        TimePrecision::Second => 2,
        TimePrecision::Minute => 60,
        TimePrecision::Day => 86_400,
    }
}

/// Which file is newer, by more than the tolerance; `None`: neither (or a time is unknown).
fn newer(local: &SyncEntry, remote: &SyncEntry) -> Option<Side> {
    let (Some(l), Some(r)) = (local.modified, remote.modified) else {
        return None;
    };
    let tolerance = tolerance_secs(local.precision, remote.precision);
    let difference = (l - r).num_seconds();
    if difference > tolerance {
        Some(Side::Local)
    } else if -difference > tolerance {
        Some(Side::Remote)
    } else {
        None
    }
}

/// Whether two files count as the same under `compare`.
fn same_content(local: &SyncEntry, remote: &SyncEntry, compare: CompareBy) -> Option<Reason> {
    let sizes_differ = matches!((local.size, remote.size), (Some(a), Some(b)) if a != b);
    match compare {
        CompareBy::Size => sizes_differ.then_some(Reason::SizeDiffers),
        CompareBy::Checksum => match (&local.digest, &remote.digest) {
            (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some(Reason::ChecksumDiffers),
            (Some(_), Some(_)) => None,
            // No digest on one side: the size is all there is.
            _ => sizes_differ.then_some(Reason::SizeDiffers),
        },
        CompareBy::Time => match newer(local, remote) {
            Some(side) => Some(Reason::Newer(side)),
            None => sizes_differ.then_some(Reason::SizeDiffers),
        },
    }
}

/// Whether an entry is as the baseline knew it (within the time tolerance).
fn unchanged(now: &SyncEntry, then: Option<&SyncEntry>) -> bool {
    let Some(then) = then else {
        return false;
    };
    if now.is_dir || then.is_dir {
        return now.is_dir == then.is_dir;
    }
    let same_time = match (now.modified, then.modified) {
        (Some(a), Some(b)) => {
            (a - b).num_seconds().abs() <= tolerance_secs(now.precision, then.precision)
        }
        (None, None) => true,
        _ => false,
    };
    now.size == then.size && same_time
}

/// The plan for two trees. Entries that are the same on both sides are not in it, so a sync
/// followed by another plan gives an empty one. Folders to make come before what goes in them;
/// a folder to delete stands for everything in it.
pub fn plan(
    local: &Tree,
    remote: &Tree,
    options: &SyncOptions,
    baseline: Option<&Baseline>,
) -> Vec<Planned> {
    let paths: BTreeSet<&String> = local.keys().chain(remote.keys()).collect();
    // In the order people read names (as the panes sort them); a folder still comes before
    // what is in it, since its path is a prefix of theirs.
    let mut paths: Vec<&String> = paths.into_iter().collect();
    paths.sort_by_cached_key(|p| (p.to_lowercase(), (*p).clone()));
    let mut planned = Vec::new();
    // Folders being deleted: what is inside goes with them.
    let mut deleted: Vec<String> = Vec::new();
    for path in paths {
        if deleted.iter().any(|folder| {
            path.starts_with(folder.as_str()) && path[folder.len()..].starts_with('/')
        }) {
            continue;
        }
        let here = local.get(path);
        let there = remote.get(path);
        let Some((action, reason, source)) = decide(
            here,
            there,
            options,
            baseline.map(|b| (b.local.get(path), b.remote.get(path))),
        ) else {
            continue;
        };
        let is_dir = source.is_dir;
        if action.is_delete() && is_dir {
            deleted.push(path.clone());
        }
        planned.push(Planned {
            action,
            path: path.clone(),
            reason,
            is_dir,
            size: match action {
                SyncAction::Upload | SyncAction::Download => source.size,
                _ => None,
            },
        });
    }
    planned
}

/// The decision for one path: the action, its reason, and the entry it is about.
fn decide<'a>(
    here: Option<&'a SyncEntry>,
    there: Option<&'a SyncEntry>,
    options: &SyncOptions,
    baseline: Option<(Option<&SyncEntry>, Option<&SyncEntry>)>,
) -> Option<(SyncAction, Reason, &'a SyncEntry)> {
    use SyncAction::*;
    use SyncDirection::*;
    let copy_to = |to: Side, entry: &SyncEntry| match (to, entry.is_dir) {
        (Side::Remote, true) => MakeRemoteFolder,
        (Side::Remote, false) => Upload,
        (Side::Local, true) => MakeLocalFolder,
        (Side::Local, false) => Download,
    };
    let delete_on = |side: Side| match side {
        Side::Local => DeleteLocal,
        Side::Remote => DeleteRemote,
    };
    let (was_here, was_there) = baseline.unwrap_or((None, None));
    match (here, there) {
        (None, None) => None,
        (Some(entry), None) | (None, Some(entry)) => {
            let on = if here.is_some() {
                Side::Local
            } else {
                Side::Remote
            };
            // The side it is missing from lost it since the last sync, if it was there then
            // and this side's copy has not changed since.
            let was_on_other = match on {
                Side::Local => was_there.is_some(),
                Side::Remote => was_here.is_some(),
            };
            let unchanged_here = match on {
                Side::Local => unchanged(entry, was_here),
                Side::Remote => unchanged(entry, was_there),
            };
            let source = match options.direction {
                Up => Side::Local,
                Down => Side::Remote,
                Both => on,
            };
            if options.direction == Both {
                if options.delete && was_on_other && unchanged_here {
                    return Some((delete_on(on), Reason::Gone(on.other()), entry));
                }
                return Some((copy_to(on.other(), entry), Reason::New(on), entry));
            }
            if on == source {
                Some((copy_to(source.other(), entry), Reason::New(on), entry))
            } else if options.delete {
                Some((delete_on(on), Reason::Gone(source), entry))
            } else {
                None
            }
        }
        (Some(l), Some(r)) => {
            if l.is_dir != r.is_dir {
                return Some((Conflict, Reason::KindDiffers, l));
            }
            if l.is_dir {
                return None;
            }
            let difference = same_content(l, r, options.compare)?;
            match options.direction {
                Up => match difference {
                    // The server's copy is newer: an upload would go back in time.
                    Reason::Newer(Side::Remote) => None,
                    _ => Some((Upload, difference, l)),
                },
                Down => match difference {
                    Reason::Newer(Side::Local) => None,
                    _ => Some((Download, difference, r)),
                },
                Both => {
                    let changed_here = !unchanged(l, was_here);
                    let changed_there = !unchanged(r, was_there);
                    let known = was_here.is_some() && was_there.is_some();
                    if known && changed_here && changed_there {
                        return Some((Conflict, Reason::ChangedOnBoth, l));
                    }
                    // Neither changed since the last sync left them in step (an upload to a
                    // server without MFMT got the server's time then): nothing to do.
                    if known && !changed_here && !changed_there {
                        return None;
                    }
                    if known && changed_here != changed_there {
                        return Some(if changed_here {
                            (Upload, Reason::Newer(Side::Local), l)
                        } else {
                            (Download, Reason::Newer(Side::Remote), r)
                        });
                    }
                    // No last sync to go by: the newer side wins.
                    match newer(l, r) {
                        Some(Side::Local) => Some((Upload, Reason::Newer(Side::Local), l)),
                        Some(Side::Remote) => Some((Download, Reason::Newer(Side::Remote), r)),
                        None => Some((Conflict, Reason::Undecidable, l)),
                    }
                }
            }
        }
    }
}

/// Files, bytes and deletions of a plan, for the preview's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub uploads: usize,
    pub downloads: usize,
    pub bytes: u64,
    pub deletes: usize,
    pub conflicts: usize,
    pub folders: usize,
}

pub fn totals<'a>(plan: impl IntoIterator<Item = &'a Planned>) -> Totals {
    let mut totals = Totals::default();
    for planned in plan {
        match planned.action {
            SyncAction::Upload => totals.uploads += 1,
            SyncAction::Download => totals.downloads += 1,
            SyncAction::DeleteLocal | SyncAction::DeleteRemote => totals.deletes += 1,
            SyncAction::Conflict => totals.conflicts += 1,
            SyncAction::MakeLocalFolder | SyncAction::MakeRemoteFolder => totals.folders += 1,
        }
        if matches!(planned.action, SyncAction::Upload | SyncAction::Download) {
            totals.bytes += planned.size.unwrap_or(0);
        }
    }
    totals
}

mod precision_serde {
    use super::TimePrecision;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &TimePrecision, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match p {
            TimePrecision::Day => "day",
            TimePrecision::Minute => "minute",
            TimePrecision::Second => "second",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimePrecision, D::Error> {
        Ok(match String::deserialize(d)?.as_str() {
            "day" => TimePrecision::Day,
            "minute" => TimePrecision::Minute,
            _ => TimePrecision::Second,
        })
    }
}
