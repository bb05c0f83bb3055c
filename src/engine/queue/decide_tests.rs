//! The decision as a table: explicit rows for what each rule means, then the promises checked
//! over every combination of inputs.

use super::*;
use chrono::{NaiveDate, NaiveDateTime};

const ALL_RULES: [ConflictPolicy; 8] = [
    ConflictPolicy::Ask,
    ConflictPolicy::Refuse,
    ConflictPolicy::Overwrite,
    ConflictPolicy::OverwriteIfNewer,
    ConflictPolicy::OverwriteIfSizeDiffers,
    ConflictPolicy::Resume,
    ConflictPolicy::Rename,
    ConflictPolicy::Skip,
];
const ALL_ATTEMPTS: [Attempt; 4] = [
    Attempt::First,
    Attempt::AfterAnswer,
    Attempt::Again,
    Attempt::Restored,
];

fn day(d: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(2026, 1, d).and_then(|d| d.and_hms_opt(12, 0, 0))
}

fn facts(size: u64, d: u32) -> FileFacts {
    FileFacts {
        size: Some(size),
        modified: day(d),
    }
}

use Attempt::*;
use ConflictPolicy as R;
use Direction::{Download as Down, Upload as Up};

/// One row: direction, rule, attempt, source, target, partial → plan.
struct Row {
    direction: Direction,
    rule: ConflictPolicy,
    attempt: Attempt,
    source: FileFacts,
    target: Target,
    partial: Option<u64>,
    ascii: bool,
    plan: Plan,
}

fn row(
    direction: Direction,
    rule: ConflictPolicy,
    attempt: Attempt,
    source: FileFacts,
    target: Target,
    partial: Option<u64>,
    plan: Plan,
) -> Row {
    Row {
        direction,
        rule,
        attempt,
        source,
        target,
        partial,
        ascii: false,
        plan,
    }
}

fn skip(why: &str) -> Plan {
    Plan::Skip(why.into())
}

#[test]
fn each_rule_does_what_it_says() {
    let src = facts(10, 20); // 10 bytes, the 20th
    let older = Target::Foreign(facts(5, 10));
    let newer = Target::Foreign(facts(5, 25));
    let same_size = Target::Foreign(facts(10, 10));
    let bigger = Target::Foreign(facts(15, 10));
    let no_time = Target::Foreign(FileFacts {
        size: Some(5),
        modified: None,
    });
    let rows = vec![
        // Nothing there: write, whatever the rule.
        row(
            Up,
            R::Ask,
            First,
            src.clone(),
            Target::Missing,
            None,
            Plan::FromStart,
        ),
        row(
            Down,
            R::Refuse,
            First,
            src.clone(),
            Target::Missing,
            None,
            Plan::FromStart,
        ),
        row(
            Up,
            R::Resume,
            First,
            src.clone(),
            Target::Missing,
            None,
            Plan::FromStart,
        ),
        // A download's .ferrypart is Ferry's: continued.
        row(
            Down,
            R::Ask,
            First,
            src.clone(),
            Target::Missing,
            Some(4),
            Plan::ResumeAt(4),
        ),
        row(
            Down,
            R::Ask,
            Again,
            src.clone(),
            Target::Missing,
            Some(4),
            Plan::ResumeAt(4),
        ),
        row(
            Down,
            R::Ask,
            Restored,
            src.clone(),
            Target::Missing,
            Some(10),
            Plan::ResumeAt(10),
        ),
        // ... unless it is longer than the source, or empty.
        row(
            Down,
            R::Ask,
            Again,
            src.clone(),
            Target::Missing,
            Some(11),
            Plan::FromStart,
        ),
        row(
            Down,
            R::Ask,
            Again,
            src.clone(),
            Target::Missing,
            Some(0),
            Plan::FromStart,
        ),
        // Someone's file: the rule.
        row(
            Up,
            R::Ask,
            First,
            src.clone(),
            older.clone(),
            None,
            Plan::Ask,
        ),
        row(
            Down,
            R::Ask,
            First,
            src.clone(),
            older.clone(),
            None,
            Plan::Ask,
        ),
        row(
            Up,
            R::Skip,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            skip("already exists"),
        ),
        row(
            Down,
            R::Skip,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            skip("already exists"),
        ),
        row(
            Up,
            R::Overwrite,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::FromStart,
        ),
        row(
            Down,
            R::Overwrite,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::FromStart,
        ),
        row(
            Up,
            R::Rename,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::Elsewhere,
        ),
        row(
            Down,
            R::Rename,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::Elsewhere,
        ),
        row(
            Up,
            R::OverwriteIfNewer,
            First,
            src.clone(),
            older.clone(),
            None,
            Plan::FromStart,
        ),
        row(
            Up,
            R::OverwriteIfNewer,
            First,
            src.clone(),
            newer.clone(),
            None,
            skip("the existing file is as new or newer"),
        ),
        row(
            Down,
            R::OverwriteIfNewer,
            First,
            src.clone(),
            no_time.clone(),
            None,
            skip("can't tell which is newer (a modification time is unknown)"),
        ),
        row(
            Up,
            R::OverwriteIfSizeDiffers,
            First,
            src.clone(),
            older.clone(),
            None,
            Plan::FromStart,
        ),
        row(
            Up,
            R::OverwriteIfSizeDiffers,
            First,
            src.clone(),
            same_size.clone(),
            None,
            skip("the sizes are the same"),
        ),
        // The person's "Resume" continues their file...
        row(
            Up,
            R::Resume,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::ContinueTarget(5),
        ),
        row(
            Down,
            R::Resume,
            AfterAnswer,
            src.clone(),
            older.clone(),
            None,
            Plan::ContinueTarget(5),
        ),
        row(
            Up,
            R::Resume,
            First,
            src.clone(),
            same_size.clone(),
            None,
            skip("already complete (same size)"),
        ),
        // ... but never past the source's end.
        row(
            Down,
            R::Resume,
            AfterAnswer,
            src.clone(),
            bigger.clone(),
            None,
            Plan::Refuse(
                "can't resume: the existing file (15 bytes) is larger than the source (10 bytes)"
                    .into(),
            ),
        ),
        // Overwriting a download target continues Ferry's own .ferrypart rather than refetching it.
        row(
            Down,
            R::Overwrite,
            Again,
            src.clone(),
            older.clone(),
            Some(7),
            Plan::ResumeAt(7),
        ),
        // Ferry's own upload target, after a drop or a restart: continued, not asked about.
        row(
            Up,
            R::Ask,
            Again,
            src.clone(),
            Target::Ours(facts(6, 30)),
            None,
            Plan::ResumeAt(6),
        ),
        row(
            Up,
            R::Ask,
            Restored,
            src.clone(),
            Target::Ours(facts(6, 30)),
            None,
            Plan::ResumeAt(6),
        ),
        // Newer-only must not compare the source with Ferry's own half-written copy.
        row(
            Up,
            R::OverwriteIfNewer,
            Again,
            src.clone(),
            Target::Ours(facts(6, 30)),
            None,
            Plan::ResumeAt(6),
        ),
        row(
            Up,
            R::Skip,
            Again,
            src.clone(),
            Target::Ours(facts(12, 30)),
            None,
            Plan::FromStart,
        ),
        row(
            Up,
            R::Ask,
            Again,
            src.clone(),
            Target::Ours(FileFacts {
                size: None,
                modified: None,
            }),
            None,
            Plan::FromStart,
        ),
        // A download's own finished file, renamed before the end was noted: check it.
        row(
            Down,
            R::Ask,
            Restored,
            src.clone(),
            Target::Ours(facts(10, 20)),
            None,
            Plan::Verify,
        ),
        // "Ours" on a first attempt is not believed: someone's file, the rule applies.
        row(
            Up,
            R::Ask,
            First,
            src.clone(),
            Target::Ours(facts(6, 30)),
            None,
            Plan::Ask,
        ),
        row(
            Up,
            R::Skip,
            AfterAnswer,
            src.clone(),
            Target::Ours(facts(6, 30)),
            None,
            skip("already exists"),
        ),
    ];
    for (n, r) in rows.iter().enumerate() {
        let situation = Situation {
            direction: r.direction,
            rule: r.rule,
            attempt: r.attempt,
            ascii: r.ascii,
            source: r.source.clone(),
            target: r.target.clone(),
            partial: r.partial,
        };
        assert_eq!(decide(&situation), r.plan, "row {n}: {situation:#?}");
    }
}

#[test]
fn ascii_never_continues_anything() {
    let src = facts(10, 20);
    for direction in [Down, Up] {
        let resume = Situation {
            direction,
            rule: R::Resume,
            attempt: AfterAnswer,
            ascii: true,
            source: src.clone(),
            target: Target::Foreign(facts(5, 1)),
            partial: None,
        };
        assert!(matches!(decide(&resume), Plan::Refuse(_)), "{direction:?}");
        let own = Situation {
            rule: R::Ask,
            attempt: Again,
            target: if direction == Down {
                Target::Missing
            } else {
                Target::Ours(facts(5, 1))
            },
            partial: (direction == Down).then_some(5),
            ..resume
        };
        assert_eq!(decide(&own), Plan::FromStart, "{direction:?}");
    }
}

/// Every combination of inputs, and the promises that must hold for each.
#[test]
fn promises_hold_for_every_combination() {
    let sources = [
        facts(10, 20),
        FileFacts {
            size: None,
            modified: None,
        },
    ];
    let targets = [
        Target::Missing,
        Target::Foreign(facts(5, 10)),
        Target::Foreign(facts(10, 25)),
        Target::Foreign(facts(15, 10)),
        Target::Foreign(FileFacts::default()),
        Target::Ours(facts(5, 30)),
        Target::Ours(facts(15, 30)),
        Target::Ours(FileFacts::default()),
    ];
    let mut checked = 0;
    for direction in [Down, Up] {
        for rule in ALL_RULES {
            for attempt in ALL_ATTEMPTS {
                for ascii in [false, true] {
                    for source in &sources {
                        for target in &targets {
                            for partial in [None, Some(0), Some(5), Some(12)] {
                                let situation = Situation {
                                    direction,
                                    rule,
                                    attempt,
                                    ascii,
                                    source: source.clone(),
                                    target: target.clone(),
                                    partial,
                                };
                                check_promises(&situation, &decide(&situation));
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 8 * 4 * 2 * 2 * 8 * 4);
}

fn check_promises(s: &Situation, plan: &Plan) {
    let believed_ours = matches!(s.target, Target::Ours(_))
        && matches!(s.attempt, Attempt::Again | Attempt::Restored);
    let foreign = matches!(s.target, Target::Foreign(_))
        || (matches!(s.target, Target::Ours(_)) && !believed_ours);
    let writes = matches!(
        plan,
        Plan::FromStart | Plan::ResumeAt(_) | Plan::ContinueTarget(_)
    );
    // Someone's file is written onto only when the rule allows overwriting or resuming it.
    if foreign && writes {
        assert!(
            matches!(
                s.rule,
                R::Overwrite | R::OverwriteIfNewer | R::OverwriteIfSizeDiffers | R::Resume
            ),
            "wrote onto a foreign target: {s:#?} → {plan:?}"
        );
    }
    // Ask, Skip, Refuse and Rename never touch someone's file.
    if foreign && matches!(s.rule, R::Ask | R::Skip | R::Refuse | R::Rename) {
        assert!(!writes, "{s:#?} → {plan:?}");
    }
    // Continuing at N: only Ferry's own bytes (a download's .ferrypart, an upload target it wrote),
    // or the person's Resume.
    match plan {
        Plan::ResumeAt(n) => {
            assert!(!s.ascii, "{s:#?}");
            let own_partial = s.direction == Down && s.partial == Some(*n);
            let own_target = s.direction == Up
                && believed_ours
                && matches!(&s.target, Target::Ours(f) if f.size == Some(*n));
            assert!(
                own_partial || own_target,
                "resumed on bytes not Ferry's: {s:#?}"
            );
            if let Some(size) = s.source.size {
                assert!(*n <= size, "{s:#?}");
            }
        }
        Plan::ContinueTarget(n) => {
            assert_eq!(s.rule, R::Resume, "{s:#?}");
            assert!(!s.ascii && foreign, "{s:#?}");
            assert!(
                matches!(&s.target, Target::Foreign(f) | Target::Ours(f) if f.size == Some(*n))
            );
        }
        // Nothing to ask or skip about when nothing is there.
        Plan::Ask | Plan::Skip(_) | Plan::Refuse(_) | Plan::Elsewhere => {
            assert!(!matches!(s.target, Target::Missing), "{s:#?} → {plan:?}");
        }
        Plan::Verify => assert!(s.direction == Down && believed_ours, "{s:#?}"),
        Plan::FromStart => {}
    }
    // The person is asked only when the rule says so.
    if *plan == Plan::Ask {
        assert_eq!(s.rule, R::Ask);
    }
}
