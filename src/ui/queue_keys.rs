//! The transfer queue by keyboard, as rules apart from drawing: where the cursor goes, which
//! rows a key chooses, what can be done to the chosen items (for the row menu and the keys
//! alike), and what a key asks for. Each is a pure function with a table of cases as its test.
//!
//! The keys, once the queue has the keyboard (Tab reaches it after the panes, or a click in
//! it): Up, Down, Page Up, Page Down, Home and End move among the rows (Shift chooses the rows
//! passed over), Ctrl+A chooses them all, Left and Right (or Ctrl+Page Up and Page Down) switch
//! tabs, Space pauses or resumes, Enter retries a failed or skipped transfer, Ctrl+Up and
//! Ctrl+Down move it in the queue, Delete removes it, and the Menu key or Shift+F10 opens the
//! row's menu (Cancel and the rest) under the row.

use egui::{Key, Modifiers};

use crate::engine::{ItemState, QueueAction, QueueItem};

/// A move of the cursor among the rows shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Step {
    pub(super) fn of(key: Key) -> Option<Step> {
        Some(match key {
            Key::ArrowUp => Step::Up,
            Key::ArrowDown => Step::Down,
            Key::PageUp => Step::PageUp,
            Key::PageDown => Step::PageDown,
            Key::Home => Step::Home,
            Key::End => Step::End,
            _ => return None,
        })
    }
}

/// The row the cursor goes to, of `rows` shown (`None` when none are shown). Without a cursor,
/// every step lands on the first row but End, which lands on the last; a page is the rows that
/// fit in the list.
pub(super) fn stepped(
    rows: usize,
    cursor: Option<usize>,
    step: Step,
    page: usize,
) -> Option<usize> {
    let last = rows.checked_sub(1)?;
    let page = page.max(1);
    let to = match (cursor.map(|c| c.min(last)), step) {
        (_, Step::Home) => 0,
        (_, Step::End) => last,
        (None, _) => 0,
        (Some(c), Step::Up) => c.saturating_sub(1),
        (Some(c), Step::Down) => c + 1,
        (Some(c), Step::PageUp) => c.saturating_sub(page),
        (Some(c), Step::PageDown) => c + page,
    };
    Some(to.min(last))
}

/// The rows chosen once the cursor is at `cursor`: that row alone, or with Shift every row
/// from the anchor (where the last plain move or click left it) to the cursor.
pub(super) fn chosen_rows(
    anchor: Option<usize>,
    cursor: usize,
    extend: bool,
) -> std::ops::RangeInclusive<usize> {
    match anchor {
        Some(anchor) if extend => anchor.min(cursor)..=anchor.max(cursor),
        _ => cursor..=cursor,
    }
}

/// What can be done to the chosen items in the states they are in: the row menu's entries,
/// and what the keys may ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Offered {
    pub pause: bool,
    pub resume: bool,
    pub cancel: bool,
    pub retry: bool,
    pub move_up: bool,
    pub move_down: bool,
    pub remove: bool,
}

/// `(up, down)`: whether moving the chosen rows up or down would change the list shown.
pub(super) fn offered(chosen: &[&QueueItem], (up, down): (bool, bool)) -> Offered {
    let any = |test: fn(ItemState) -> bool| chosen.iter().any(|i| test(i.state));
    let waiting = |s: ItemState| {
        matches!(
            s,
            ItemState::Queued | ItemState::Connecting | ItemState::Transferring
        )
    };
    let stoppable = |s: ItemState| !s.is_finished();
    Offered {
        pause: any(waiting),
        resume: any(|s| s == ItemState::Paused),
        cancel: any(stoppable),
        retry: any(|s| matches!(s, ItemState::Failed | ItemState::Skipped)),
        move_up: up && any(stoppable),
        move_down: down && any(stoppable),
        remove: !chosen.is_empty(),
    }
}

/// What a key pressed in the queue asks of the chosen items, when it is offered.
pub(super) fn key_action(key: Key, modifiers: Modifiers, offered: Offered) -> Option<QueueAction> {
    let plain = modifiers.is_none();
    let command_only = modifiers.command_only();
    match key {
        Key::Delete if plain => offered.remove.then_some(QueueAction::Remove),
        // One key for both, as in download managers: what runs stops, what is paused goes on.
        Key::Space if plain => {
            if offered.pause {
                Some(QueueAction::Pause)
            } else {
                offered.resume.then_some(QueueAction::Resume)
            }
        }
        Key::Enter if plain => offered.retry.then_some(QueueAction::Retry),
        Key::ArrowUp if command_only => offered.move_up.then_some(QueueAction::MoveUp),
        Key::ArrowDown if command_only => offered.move_down.then_some(QueueAction::MoveDown),
        _ => None,
    }
}

/// Whether a key opens the chosen rows' menu: the Menu key, or Shift+F10 (Windows and most
/// Linux desktops).
pub(super) fn opens_menu(key: Key, modifiers: Modifiers) -> bool {
    match key {
        Key::Menu => modifiers.is_none(),
        Key::F10 => modifiers.shift_only(),
        _ => false,
    }
}

/// Which tab a key switches to, of `tabs` in a row (`None` when the key doesn't switch): Left
/// and Right, and Ctrl+Page Up and Ctrl+Page Down as in browsers; it goes round at the ends.
pub(super) fn switched_tab(
    key: Key,
    modifiers: Modifiers,
    tab: usize,
    tabs: usize,
) -> Option<usize> {
    if tabs == 0 {
        return None;
    }
    let forward = match key {
        Key::ArrowRight if modifiers.is_none() => true,
        Key::ArrowLeft if modifiers.is_none() => false,
        Key::PageDown if modifiers.command_only() => true,
        Key::PageUp if modifiers.command_only() => false,
        _ => return None,
    };
    Some(if forward {
        (tab + 1) % tabs
    } else {
        (tab + tabs - 1) % tabs
    })
}

/// The key's name as the row menu shows it beside an entry: Space beside the one of Pause and
/// Resume that it does for these items.
pub(super) fn shortcut_text(action: QueueAction, offered: Offered) -> Option<&'static str> {
    let command = if cfg!(target_os = "macos") {
        ("Cmd+Up", "Cmd+Down")
    } else {
        ("Ctrl+Up", "Ctrl+Down")
    };
    Some(match action {
        QueueAction::Pause | QueueAction::Resume
            if key_action(Key::Space, Modifiers::NONE, offered) == Some(action) =>
        {
            "Space"
        }
        QueueAction::Retry => "Enter",
        QueueAction::MoveUp => command.0,
        QueueAction::MoveDown => command.1,
        QueueAction::Remove => "Delete",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry of the menu.
    const EVERYTHING: Offered = Offered {
        pause: true,
        resume: true,
        cancel: true,
        retry: true,
        move_up: true,
        move_down: true,
        remove: true,
    };

    #[test]
    fn the_cursor_steps_within_the_rows() {
        // (rows, cursor, step, page, lands on)
        let cases = [
            (0, None, Step::Down, 10, None),
            (0, Some(3), Step::End, 10, None),
            (5, None, Step::Down, 10, Some(0)),
            (5, None, Step::Up, 10, Some(0)),
            (5, None, Step::End, 10, Some(4)),
            (5, Some(0), Step::Up, 10, Some(0)),
            (5, Some(0), Step::Down, 10, Some(1)),
            (5, Some(4), Step::Down, 10, Some(4)),
            (5, Some(2), Step::Home, 10, Some(0)),
            (5, Some(1), Step::PageDown, 10, Some(4)),
            (30, Some(1), Step::PageDown, 10, Some(11)),
            (30, Some(11), Step::PageUp, 10, Some(1)),
            (30, Some(5), Step::PageUp, 10, Some(0)),
            (30, Some(5), Step::PageDown, 0, Some(6)),
            // Rows went away under the cursor (finished, removed): it comes back in range.
            (3, Some(9), Step::Up, 10, Some(1)),
            (3, Some(9), Step::Down, 10, Some(2)),
        ];
        for (rows, cursor, step, page, expected) in cases {
            assert_eq!(
                stepped(rows, cursor, step, page),
                expected,
                "{step:?} from {cursor:?} of {rows} rows"
            );
        }
    }

    #[test]
    fn shift_chooses_the_rows_from_the_anchor() {
        // (anchor, cursor, shift, rows chosen)
        let cases = [
            (None, 3, false, 3..=3),
            (None, 3, true, 3..=3),
            (Some(1), 3, false, 3..=3),
            (Some(1), 3, true, 1..=3),
            (Some(5), 2, true, 2..=5),
            (Some(2), 2, true, 2..=2),
        ];
        for (anchor, cursor, extend, expected) in cases {
            assert_eq!(chosen_rows(anchor, cursor, extend), expected);
        }
    }

    #[test]
    fn what_is_offered_follows_the_chosen_items_states() {
        use ItemState::*;
        let none = Offered::default();
        // (states chosen, moves possible, offered)
        let cases: Vec<(Vec<ItemState>, (bool, bool), Offered)> = vec![
            (vec![], (true, true), none),
            (
                vec![Queued],
                (true, false),
                Offered {
                    pause: true,
                    cancel: true,
                    move_up: true,
                    remove: true,
                    ..none
                },
            ),
            (
                vec![Transferring],
                (false, true),
                Offered {
                    pause: true,
                    cancel: true,
                    move_down: true,
                    remove: true,
                    ..none
                },
            ),
            (
                vec![Paused],
                (false, false),
                Offered {
                    resume: true,
                    cancel: true,
                    remove: true,
                    ..none
                },
            ),
            (
                vec![Failed],
                (true, true),
                Offered {
                    retry: true,
                    remove: true,
                    ..none
                },
            ),
            (
                vec![Skipped],
                (false, false),
                Offered {
                    retry: true,
                    remove: true,
                    ..none
                },
            ),
            (
                vec![Done],
                (true, true),
                Offered {
                    remove: true,
                    ..none
                },
            ),
            (vec![Connecting, Paused, Failed], (true, true), EVERYTHING),
        ];
        for (states, moves, expected) in cases {
            let items: Vec<QueueItem> = states.iter().map(|&s| QueueItem::sample(s)).collect();
            let chosen: Vec<&QueueItem> = items.iter().collect();
            assert_eq!(offered(&chosen, moves), expected, "{states:?} {moves:?}");
        }
    }

    #[test]
    fn keys_ask_only_for_what_is_offered() {
        let paused = Offered {
            resume: true,
            cancel: true,
            remove: true,
            ..Offered::default()
        };
        let failed = Offered {
            retry: true,
            remove: true,
            ..Offered::default()
        };
        let none = Modifiers::NONE;
        let command = Modifiers::COMMAND;
        // (key, modifiers, offered, asks for)
        let cases = [
            (Key::Delete, none, EVERYTHING, Some(QueueAction::Remove)),
            (Key::Delete, none, Offered::default(), None),
            (Key::Delete, Modifiers::SHIFT, EVERYTHING, None),
            (Key::Space, none, EVERYTHING, Some(QueueAction::Pause)),
            (Key::Space, none, paused, Some(QueueAction::Resume)),
            (Key::Space, none, failed, None),
            (Key::Enter, none, failed, Some(QueueAction::Retry)),
            (Key::Enter, none, paused, None),
            (Key::ArrowUp, command, EVERYTHING, Some(QueueAction::MoveUp)),
            (
                Key::ArrowDown,
                command,
                EVERYTHING,
                Some(QueueAction::MoveDown),
            ),
            (Key::ArrowUp, command, failed, None),
            // Plain arrows move the cursor, not the items.
            (Key::ArrowUp, none, EVERYTHING, None),
            (Key::ArrowDown, Modifiers::SHIFT, EVERYTHING, None),
            (Key::A, none, EVERYTHING, None),
        ];
        for (key, modifiers, offered, expected) in cases {
            assert_eq!(
                key_action(key, modifiers, offered),
                expected,
                "{key:?} {modifiers:?} {offered:?}"
            );
        }
    }

    #[test]
    fn the_menu_opens_on_the_menu_key_and_shift_f10() {
        let cases = [
            (Key::Menu, Modifiers::NONE, true),
            (Key::F10, Modifiers::SHIFT, true),
            (Key::F10, Modifiers::NONE, false),
            (Key::Menu, Modifiers::COMMAND, false),
            (Key::Space, Modifiers::SHIFT, false),
        ];
        for (key, modifiers, opens) in cases {
            assert_eq!(opens_menu(key, modifiers), opens, "{key:?} {modifiers:?}");
        }
    }

    #[test]
    fn space_is_shown_beside_what_it_does() {
        let paused = Offered {
            resume: true,
            ..Offered::default()
        };
        // (action, offered, shown beside it)
        let cases = [
            (QueueAction::Pause, EVERYTHING, Some("Space")),
            (QueueAction::Resume, EVERYTHING, None),
            (QueueAction::Resume, paused, Some("Space")),
            (QueueAction::Pause, paused, None),
            (QueueAction::Remove, paused, Some("Delete")),
            (QueueAction::Cancel, EVERYTHING, None),
        ];
        for (action, offered, text) in cases {
            assert_eq!(shortcut_text(action, offered), text, "{action:?}");
        }
    }

    #[test]
    fn tabs_switch_round_with_left_right_and_ctrl_page_keys() {
        let none = Modifiers::NONE;
        let command = Modifiers::COMMAND;
        // (key, modifiers, tab, tabs, switches to)
        let cases = [
            (Key::ArrowRight, none, 0, 4, Some(1)),
            (Key::ArrowRight, none, 3, 4, Some(0)),
            (Key::ArrowLeft, none, 0, 4, Some(3)),
            (Key::ArrowLeft, none, 2, 4, Some(1)),
            (Key::PageDown, command, 1, 4, Some(2)),
            (Key::PageUp, command, 0, 4, Some(3)),
            (Key::PageDown, none, 1, 4, None),
            (Key::ArrowRight, Modifiers::SHIFT, 1, 4, None),
            (Key::ArrowRight, none, 0, 0, None),
        ];
        for (key, modifiers, tab, tabs, expected) in cases {
            assert_eq!(switched_tab(key, modifiers, tab, tabs), expected, "{key:?}");
        }
    }
}
