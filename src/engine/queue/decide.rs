//! The one decision about an existing target: may Ferry write onto it, and from which byte?
//!
//! Pure: the facts come in (direction, the rule, why this attempt starts, what is on both sides),
//! a plan comes out. Workers gather the facts (a `stat`, a `SIZE`) and carry the plan out.
//!
//! The promise it keeps: a file Ferry did not write is changed only when the person's rule or
//! answer says so, and continuing at byte N happens only on bytes that are Ferry's own (its
//! `.ferrypart` for a download; for an upload, a target this item created) or that the person said
//! to continue ("Resume").

use super::super::api::queue::{ConflictPolicy, Direction, FileFacts};

/// Why this attempt at an item starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The item's first start.
    First,
    /// The person answered the question about this item.
    AfterAnswer,
    /// Again after a dropped connection, a pause or a retry: Ferry's own bytes may be in place.
    Again,
    /// The first start after Ferry was restarted (a crash, or a quit with the queue unfinished).
    Restored,
}

/// What stands under the target's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Missing,
    /// A file Ferry has no record of writing: someone else's.
    Foreign(FileFacts),
    /// A file this item wrote: an upload's target after its STOR began, a download's finished
    /// `.ferrypart` after it took the target's name.
    Ours(FileFacts),
}

/// Everything the decision looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub direction: Direction,
    /// The person's answer for this item, else the item's own policy, else the queue's.
    pub rule: ConflictPolicy,
    pub attempt: Attempt,
    /// Line endings are converted: byte offsets on the two sides don't match, so nothing can be
    /// continued.
    pub ascii: bool,
    pub source: FileFacts,
    pub target: Target,
    /// Downloads: the length of the target's `.ferrypart`, Ferry's partial file, when there is one.
    pub partial: Option<u64>,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Write the whole file from byte 0 (a download into its `.ferrypart`, which is emptied first).
    FromStart,
    /// Continue Ferry's own bytes at this offset: the `.ferrypart` of a download, the target of an
    /// upload (REST, or APPE).
    ResumeAt(u64),
    /// The person said "Resume": continue the existing target itself from its end (a download
    /// turns it into the `.ferrypart`).
    ContinueTarget(u64),
    /// Write under another, free name (`name (1).ext`, or the name the person gave).
    Elsewhere,
    /// This item's own finished file is in place: only check it.
    Verify,
    /// Leave the target alone; the item is skipped, not failed.
    Skip(String),
    /// Ask the person (the item waits).
    Ask,
    /// Leave the target alone and fail the item, saying why.
    Refuse(String),
}

/// The decision. Total: every combination of inputs has an answer (see the table in the tests).
pub fn decide(situation: &Situation) -> Plan {
    let source = &situation.source;
    // Before this item ever wrote, nothing can be its own: a record that says otherwise is not
    // trusted with someone's file.
    let target = match (&situation.target, situation.attempt) {
        (Target::Ours(facts), Attempt::First | Attempt::AfterAnswer) => {
            Target::Foreign(facts.clone())
        }
        (target, _) => target.clone(),
    };
    match &target {
        Target::Missing => match situation.partial {
            // A `.ferrypart` is Ferry's by name; uploads have none.
            Some(have) if situation.direction == Direction::Download => resume_own(situation, have),
            _ => Plan::FromStart,
        },
        Target::Ours(target) => match situation.direction {
            // The renamed `.ferrypart`: the transfer ended, a restart or drop came before Ferry noted it.
            Direction::Download => Plan::Verify,
            Direction::Upload => match target.size {
                Some(have) => resume_own(situation, have),
                // No SIZE: the target is ours, so writing it again loses nobody's bytes.
                None => Plan::FromStart,
            },
        },
        Target::Foreign(target) => by_rule(situation, source, target),
    }
}

/// Continue Ferry's own `have` bytes, when they can be the start of the source.
fn resume_own(situation: &Situation, have: u64) -> Plan {
    if situation.ascii || have == 0 {
        return Plan::FromStart;
    }
    match situation.source.size {
        // Longer than the source: not a start of it. Ours, so it may be written over.
        Some(size) if have > size => Plan::FromStart,
        _ => Plan::ResumeAt(have),
    }
}

/// A foreign target: the rule says.
fn by_rule(situation: &Situation, source: &FileFacts, target: &FileFacts) -> Plan {
    // For a download, an existing `.ferrypart` holds Ferry's bytes of the same file: overwriting the
    // target continues it rather than fetching those bytes again.
    let write = || match (situation.direction, situation.partial) {
        (Direction::Download, Some(have)) => resume_own(situation, have),
        _ => Plan::FromStart,
    };
    match situation.rule {
        ConflictPolicy::Ask => Plan::Ask,
        ConflictPolicy::Refuse => Plan::Refuse(
            "the target already exists; not overwritten (choose overwrite, newer, resume, rename or skip)"
                .into(),
        ),
        ConflictPolicy::Skip => Plan::Skip("already exists".into()),
        ConflictPolicy::Overwrite => write(),
        ConflictPolicy::OverwriteIfNewer => match (source.modified, target.modified) {
            (Some(new), Some(old)) if new > old => write(),
            (Some(_), Some(_)) => Plan::Skip("the existing file is as new or newer".into()),
            // "Newer" can't be told: leave the file, and say so (the person may overwrite).
            _ => Plan::Skip("can't tell which is newer (a modification time is unknown)".into()),
        },
        ConflictPolicy::OverwriteIfSizeDiffers => match (source.size, target.size) {
            (Some(new), Some(old)) if new == old => Plan::Skip("the sizes are the same".into()),
            _ => write(),
        },
        ConflictPolicy::Resume => {
            if situation.ascii {
                return Plan::Refuse(
                    "can't resume an ASCII transfer (line endings change the sizes); choose overwrite or rename"
                        .into(),
                );
            }
            match (source.size, target.size) {
                (Some(new), Some(old)) if old == new => {
                    Plan::Skip("already complete (same size)".into())
                }
                (Some(new), Some(old)) if old > new => Plan::Refuse(format!(
                    "can't resume: the existing file ({old} bytes) is larger than the source ({new} bytes)"
                )),
                (_, Some(old)) => Plan::ContinueTarget(old),
                (_, None) => {
                    Plan::Refuse("can't resume: the existing file's size is unknown".into())
                }
            }
        }
        ConflictPolicy::Rename => Plan::Elsewhere,
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
