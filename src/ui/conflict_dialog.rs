//! The question when a transfer's target exists: which way the file goes, both files with their
//! full paths, sizes and dates, and what to do. "Rename" shows the name the copy would get and
//! lets the person change it. Esc or "Decide later" leaves the question open: that item is paused,
//! unanswered, and the rest of the queue goes on.

use egui::{Key, RichText, TextEdit};

use super::format;
use super::queue_panel::QueueView;
use crate::engine::{
    Command, Conflict, ConflictAnswer, ConflictPolicy, Direction, FileFacts, QueueAction,
};

/// A conflict waiting for the person's answer, and the answer as it is being chosen.
#[derive(Debug, Clone)]
pub struct Question {
    pub conflict: Conflict,
    pub choice: ConflictPolicy,
    /// The name for "Rename", starting as the suggested one.
    pub rename_to: String,
    pub for_all: bool,
    /// When the dialog first showed it (egui's clock, in seconds). A question shown stays
    /// first, whatever arrives after it; Enter answers it only once it has been on screen for
    /// [`ENTER_AFTER`].
    pub shown_at: Option<f64>,
}

/// How long a question is on screen before Enter answers it. A walk pressed Enter twice to
/// download a file: the question came up between the two presses, and the second one
/// overwrote the file in the way with nobody having read the question. (Browsers hold their
/// download and permission dialogs' keys for the same reason.) Clicks are not held: the
/// buttons are not where the panes' rows are.
pub const ENTER_AFTER: f64 = 0.5;

impl Question {
    pub fn new(conflict: Conflict) -> Self {
        Self {
            rename_to: conflict.suggested_name.clone(),
            conflict,
            choice: ConflictPolicy::Overwrite,
            for_all: false,
            shown_at: None,
        }
    }
}

/// The choice above (`down == false`) or below the current one, skipping Resume when it can't
/// be chosen; the first and last stay where they are.
fn stepped_choice(current: ConflictPolicy, down: bool, resume_possible: bool) -> ConflictPolicy {
    let offered: Vec<ConflictPolicy> = ConflictPolicy::CHOICES
        .into_iter()
        .filter(|&c| resume_possible || c != ConflictPolicy::Resume)
        .collect();
    let Some(at) = offered.iter().position(|&c| c == current) else {
        return offered.first().copied().unwrap_or(current);
    };
    let to = if down {
        (at + 1).min(offered.len() - 1)
    } else {
        at.saturating_sub(1)
    };
    offered[to]
}

/// Where a new question goes among those waiting, given each waiting one's place in the queue
/// and whether it has been shown: questions are asked in the queue's order (two transfers
/// running side by side find their targets in either order), except that the one on screen
/// is never replaced under the person's pointer.
pub fn question_place(waiting: &[(usize, bool)], new: usize) -> usize {
    waiting
        .iter()
        .position(|&(place, shown)| !shown && place > new)
        .unwrap_or(waiting.len())
}

fn facts_text(facts: &FileFacts) -> String {
    let size = facts.size.map_or_else(
        || "size unknown".to_owned(),
        |s| format!("{} bytes", format::grouped(s)),
    );
    let when = facts.modified.map_or_else(
        || "date unknown".to_owned(),
        |m| m.format("%Y-%m-%d %H:%M:%S").to_string(),
    );
    format!("{size}, modified {when}")
}

/// Why "Resume" can't continue the existing file, when it can't: the file goes in text mode, it
/// is not shorter than the new one, or its size is unknown. (The engine would skip or refuse
/// it; the choice is not offered.)
fn why_resume_cannot(
    source: &FileFacts,
    target: &FileFacts,
    text_mode: bool,
) -> Option<&'static str> {
    if text_mode {
        // A walk chose it for a .txt and had the item fail.
        return Some(
            "it goes as text (ASCII), whose line ends change the sizes: no offset to continue from",
        );
    }
    match (source.size, target.size) {
        (_, None) => Some("the existing file's size is unknown: no end to continue from"),
        (Some(new), Some(old)) if old == new => {
            Some("the existing file is already as large as the new one")
        }
        (Some(new), Some(old)) if old > new => {
            Some("the existing file is larger than the new one: not a part of it")
        }
        _ => None,
    }
}

/// The name field of Rename (clicking into it or typing chooses Rename), and a line under it
/// that says what is wrong with the name typed; that problem, when Rename is chosen.
fn rename_field(ui: &mut egui::Ui, question: &mut Question) -> Option<&'static str> {
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        let label = ui.label("New name:");
        let field = ui
            .add(TextEdit::singleline(&mut question.rename_to).desired_width(300.0))
            .labelled_by(label.id);
        // Clicking into the name or typing one is choosing Rename. A walk clicked into the
        // field while Overwrite was chosen (it was greyed out then, and took nothing), typed
        // a name, pressed Enter, and the file in the way was overwritten.
        if field.clicked() || field.changed() {
            question.choice = ConflictPolicy::Rename;
        }
    });
    let renaming = question.choice == ConflictPolicy::Rename;
    let problem = name_problem(&question.rename_to).filter(|_| renaming);
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        // Always a line here, so the dialog keeps its height.
        match problem {
            Some(problem) => ui.colored_label(ui.visuals().warn_fg_color, problem),
            None => ui.weak("The name the new file gets with Rename."),
        };
    });
    problem
}

/// Whether a typed name can be used: one name, no folders.
fn name_problem(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        Some("Enter a name")
    } else if name.contains(['/', '\\', '\r', '\n', '\0']) {
        Some("A name can't contain / \\ or line breaks")
    } else if name == "." || name == ".." {
        Some("Choose another name")
    } else {
        None
    }
}

enum Outcome {
    Open,
    Answered,
    /// Esc or "Decide later": pause the item, unanswered.
    Paused,
}

/// Asks about the first waiting conflict; returns the command once the person has decided, and
/// what to tell them when the question was closed unanswered (the item waits, paused).
pub fn show(ctx: &egui::Context, queue: &mut QueueView) -> Option<(Command, Option<String>)> {
    let question = queue.questions.front_mut()?;
    let now = ctx.input(|i| i.time);
    let read_for = now - *question.shown_at.get_or_insert(now);
    if read_for < ENTER_AFTER {
        // Not for the dialog, nor for a button the keyboard's focus may be on.
        ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Enter));
    }
    let mut outcome = Outcome::Open;
    let (way, others, there) = match question.conflict.direction {
        Direction::Upload => ("Upload", "uploads", "on the server"),
        Direction::Download => ("Download", "downloads", "on this computer"),
    };
    let modal = egui::Modal::new(egui::Id::unique("conflict_dialog")).show(ctx, |ui| {
        // A fixed width, rows laid out in one pass (no Grid, which sizes from the previous
        // frame), and the name field always there: the dialog never moves under the pointer.
        ui.set_width(560.0);
        ui.heading("The target already exists");
        ui.label(format!("{way}: the file is already there {there}."));
        ui.add_space(4.0);
        for (title, path, facts) in [
            (
                "Existing:",
                &question.conflict.target_path,
                &question.conflict.target,
            ),
            ("New:", &question.conflict.source_path, &question.conflict.source),
        ] {
            ui.horizontal_top(|ui| {
                ui.scope(|ui| {
                    ui.set_width(70.0);
                    ui.label(title);
                });
                ui.vertical(|ui| {
                    ui.add(egui::Label::new(RichText::new(path.as_str()).strong()).wrap());
                    ui.label(facts_text(facts));
                });
            });
        }
        ui.separator();
        let conflict = &question.conflict;
        let cannot_resume = why_resume_cannot(&conflict.source, &conflict.target, conflict.text_mode);
        if cannot_resume.is_some() && question.choice == ConflictPolicy::Resume {
            question.choice = ConflictPolicy::Overwrite;
        }
        // Up and Down move among the choices, as in a radio group of any dialog, also from the
        // name field (one line: the arrows have nothing to do there). Every press of the frame
        // counts: quick presses arrive together, and one was lost each time.
        let (downs, ups) = ui.input_mut(|i| {
            (
                i.count_and_consume_key(egui::Modifiers::NONE, Key::ArrowDown),
                i.count_and_consume_key(egui::Modifiers::NONE, Key::ArrowUp),
            )
        });
        if downs + ups > 0 {
            // Not also egui's own move of the keyboard's focus to the widget below or above.
            ui.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
            let resume_possible = cannot_resume.is_none();
            for _ in 0..downs {
                question.choice = stepped_choice(question.choice, true, resume_possible);
            }
            for _ in 0..ups {
                question.choice = stepped_choice(question.choice, false, resume_possible);
            }
        }
        let mut problem = None;
        for choice in ConflictPolicy::CHOICES {
            match cannot_resume.filter(|_| choice == ConflictPolicy::Resume) {
                // The reason beside the greyed choice, not in a hover that would cover the
                // choices below it.
                Some(why) => {
                    ui.horizontal(|ui| {
                        ui.add_enabled(false, egui::RadioButton::new(false, choice.label()));
                        ui.add(egui::Label::new(RichText::new(format!("({why})")).weak()).wrap());
                    });
                }
                None => {
                    ui.radio_value(&mut question.choice, choice, choice.label());
                }
            }
            // The name Rename gives, right under it.
            if choice == ConflictPolicy::Rename {
                problem = rename_field(ui, question);
            }
        }
        ui.checkbox(
            &mut question.for_all,
            format!("Do the same for the other {others} in this queue"),
        );
        ui.separator();
        let can_answer = problem.is_none();
        ui.horizontal(|ui| {
            if ui.add_enabled(can_answer, egui::Button::new("OK")).clicked() {
                outcome = Outcome::Answered;
            }
            if ui
                .button("Decide later")
                .on_hover_text("Leave this file for later (Esc): it is paused in the queue, and the other transfers go on; resume it to be asked again")
                .clicked()
            {
                outcome = Outcome::Paused;
            }
        });
        if can_answer && read_for >= ENTER_AFTER && ui.input(|i| i.key_pressed(Key::Enter)) {
            outcome = Outcome::Answered;
        }
    });
    // Esc leaves it for later, as "Decide later" does; a click beside the dialog does nothing,
    // as beside FileZilla's: a walk's stray click (a right-click in the queue) paused the item
    // without a choice.
    if !modal.backdrop_response.clicked() && modal.should_close() {
        outcome = Outcome::Paused;
    }
    let id = question.conflict.id;
    match outcome {
        Outcome::Open => None,
        Outcome::Paused => {
            let question = queue.questions.pop_front()?;
            let mut ids = vec![id];
            if question.for_all {
                // "Do the same for the others" ticked: the questions waiting about the same
                // way are left for later too (a walk ticked it, chose Decide later, and was
                // asked the next one at once).
                let direction = question.conflict.direction;
                queue.questions.retain(|q| {
                    let same_way = q.conflict.direction == direction;
                    if same_way {
                        ids.push(q.conflict.id);
                    }
                    !same_way
                });
            }
            let note = match ids.len() {
                1 => format!(
                    "Left for later, paused: {}. Resume it in the queue to be asked again.",
                    question.conflict.source_path
                ),
                n => format!(
                    "Left for later, paused: {} and {} more. Resume them in the queue to be \
                     asked again.",
                    question.conflict.source_path,
                    n - 1
                ),
            };
            Some((
                Command::Queue {
                    ids,
                    action: QueueAction::Pause,
                },
                Some(note),
            ))
        }
        Outcome::Answered => {
            let question = queue.questions.pop_front()?;
            let direction = question.conflict.direction;
            if question.for_all {
                // The engine answers the others going the same way; drop their questions here.
                queue
                    .questions
                    .retain(|q| q.conflict.direction != direction);
            }
            let typed = question.rename_to.trim().to_owned();
            let rename_to = (question.choice == ConflictPolicy::Rename
                && typed != question.conflict.suggested_name)
                .then_some(typed);
            Some((
                Command::AnswerConflict {
                    id,
                    answer: ConflictAnswer {
                        choice: question.choice,
                        rename_to,
                        for_all: question.for_all,
                    },
                },
                None,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::ConflictPolicy::{self, *};

    #[test]
    fn arrows_step_through_the_choices_that_can_be_chosen() {
        // (current, down, Resume possible, result)
        let cases: [(ConflictPolicy, bool, bool, ConflictPolicy); 8] = [
            (Overwrite, true, true, OverwriteIfNewer),
            (Overwrite, false, true, Overwrite),
            (OverwriteIfSizeDiffers, true, true, Resume),
            (OverwriteIfSizeDiffers, true, false, Rename),
            (Rename, false, false, OverwriteIfSizeDiffers),
            (Skip, true, true, Skip),
            (Skip, false, true, Rename),
            // Resume chosen although it can't be (never shown so): the first choice.
            (Resume, true, false, Overwrite),
        ];
        for (current, down, resume, result) in cases {
            assert_eq!(
                super::stepped_choice(current, down, resume),
                result,
                "{current:?} down={down} resume={resume}"
            );
        }
    }

    #[test]
    fn questions_are_asked_in_the_queue_s_order_but_the_one_shown_stays() {
        // (waiting: place in the queue and shown, new one's place, where it goes)
        type Waiting = &'static [(usize, bool)];
        let cases: [(Waiting, usize, usize); 7] = [
            (&[], 3, 0),
            // Arrived together, the later one first: the earlier goes in front.
            (&[(5, false)], 2, 0),
            (&[(2, false)], 5, 1),
            // The one on screen stays first, even when the new one is earlier.
            (&[(5, true)], 2, 1),
            (&[(5, true), (7, false)], 2, 1),
            (&[(1, true), (3, false), (7, false)], 5, 2),
            // An item no longer in the queue (place unknown) sorts last.
            (&[(usize::MAX, false)], 4, 0),
        ];
        for (waiting, new, place) in cases {
            assert_eq!(
                super::question_place(waiting, new),
                place,
                "{waiting:?} + {new}"
            );
        }
    }

    #[test]
    fn resume_is_offered_only_when_the_existing_file_is_shorter() {
        use super::why_resume_cannot;
        use crate::engine::FileFacts;
        let facts = |size| FileFacts {
            size,
            modified: None,
        };
        // (new file's size, existing file's size, in text mode, offered?)
        let table = [
            (Some(10), Some(5), false, true),
            (Some(10), Some(0), false, true),
            (None, Some(5), false, true),
            (Some(10), Some(10), false, false),
            (Some(10), Some(11), false, false),
            (Some(10), None, false, false),
            (None, None, false, false),
            (Some(10), Some(5), true, false),
        ];
        for (new, old, text, offered) in table {
            assert_eq!(
                why_resume_cannot(&facts(new), &facts(old), text).is_none(),
                offered,
                "new {new:?}, existing {old:?}, text {text}"
            );
        }
    }

    #[test]
    fn names_with_folders_are_refused() {
        use super::name_problem;
        assert!(name_problem("report (1).pdf").is_none());
        assert!(name_problem(" ").is_some());
        assert!(name_problem("a/b").is_some());
        assert!(name_problem("..").is_some());
    }
}
