//! The conflict dialog: every choice, both ways, with the bytes on both sides checked after.

use std::time::Duration;

use egui_kittest::kittest::{NodeT, Queryable};

use ferry::engine::ItemState;

use crate::support::TestServer;
use crate::window::{FRAME_SECONDS, Window, wait_for_row};

/// The file sent (the newer one) and the file in the way (older and shorter), in most tests.
const NEW: &[u8] = b"0123456789";
const OLD: &[u8] = b"ABCDE";

/// A day of 2020, in seconds since 1970: the date of the file in the way.
const OLD_TIME: u64 = 1_580_000_000;

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).unwrap()
}

/// Sets a file's modification time to a day of 2020 (`old`) or to now.
fn set_time(path: &std::path::Path, old: bool) {
    let when = if old {
        std::time::UNIX_EPOCH + Duration::from_secs(OLD_TIME)
    } else {
        std::time::SystemTime::now()
    };
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .unwrap();
}

/// `d.bin` on the side it is sent from and on the side it goes to.
fn source_and_target(
    server: &TestServer,
    window: &Window,
    upload: bool,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let local = window.downloads.path().join("d.bin");
    let remote = server.path().join("d.bin");
    if upload {
        (local, remote)
    } else {
        (remote, local)
    }
}

/// Puts `new` (newer) on one side and `in_the_way` (older) on the other as `d.bin`, connects,
/// and sends the file across with a double-click, up to the conflict question.
fn ask_about_d_bin(upload: bool, new: &[u8], in_the_way: &[u8]) -> (TestServer, Window) {
    let server = TestServer::start();
    let mut window = Window::open();
    let (source, target) = source_and_target(&server, &window, upload);
    std::fs::write(&source, new).unwrap();
    std::fs::write(&target, in_the_way).unwrap();
    set_time(&source, false);
    set_time(&target, true);
    window.open_local_again();
    window.connect_to(&server);
    if upload {
        window.local_row("d.bin").click();
        window.harness.step();
        window.local_row("d.bin").click();
        window.harness.step();
    } else {
        window.double_click("d.bin");
    }
    window.run_until("the conflict question", |h| {
        h.query_by_label("The target already exists").is_some()
    });
    (server, window)
}

/// Waits until the question is gone and the queue's `tab` (`Successful (1)`...) shows.
fn answered(window: &mut Window, tab: &str) {
    window.run_until(tab, |h| {
        h.query_by_label(tab).is_some() && h.query_by_label("The target already exists").is_none()
    });
}

/// Whether the question's choice `label` is the one chosen.
fn chosen(window: &Window, label: &str) -> bool {
    window
        .harness
        .get_by_label(label)
        .accesskit_node()
        .toggled()
        == Some(egui::accesskit::Toggled::True)
}

/// The new file is `0123456789` (newer); the one in the way `ABCDE` (older, shorter), or
/// `01234` (its start) for the second Resume.
#[test]
fn every_conflict_choice_in_both_directions() {
    // The choice clicked, a name typed for Rename, the file in the way, what the target holds
    // afterwards, the copy (its name and bytes), and the queue tab the item ends in.
    type Copy = Option<(&'static str, &'static [u8])>;
    type Row = (
        &'static str,
        Option<&'static str>,
        &'static [u8],
        &'static [u8],
        Copy,
        &'static str,
    );
    let table: [Row; 9] = [
        ("Overwrite", None, OLD, NEW, None, "Successful (1)"),
        ("Overwrite if newer", None, OLD, NEW, None, "Successful (1)"),
        (
            "Overwrite if size differs",
            None,
            OLD,
            NEW,
            None,
            "Successful (1)",
        ),
        // The end of the file in the way is compared with the new file's bytes there before
        // it is continued: `ABCDE` is not the start of the new file, so it is left as it was
        // and the item fails; `01234` is, and the rest is added.
        ("Resume", None, OLD, OLD, None, "Failed (1)"),
        ("Resume", None, b"01234", NEW, None, "Successful (1)"),
        (
            "Rename",
            None,
            OLD,
            OLD,
            Some(("d (1).bin", NEW)),
            "Successful (1)",
        ),
        (
            "Rename",
            Some("mine.bin"),
            OLD,
            OLD,
            Some(("mine.bin", NEW)),
            "Successful (1)",
        ),
        ("Skip", None, OLD, OLD, None, "Skipped (1)"),
        // "Decide later" (or Esc) leaves the question: the item waits in the queue, paused.
        ("Decide later", None, OLD, OLD, None, "Queued (1)"),
    ];
    for (choice, typed, in_the_way, target_after, copy_after, tab) in table {
        for upload in [true, false] {
            let (server, mut window) = ask_about_d_bin(upload, NEW, in_the_way);
            let (source, target) = source_and_target(&server, &window, upload);
            let what = format!(
                "{choice} {typed:?}, {}",
                if upload { "upload" } else { "download" }
            );
            let way = if upload { "Upload:" } else { "Download:" };
            assert!(window.has_label_containing(way), "{what}");
            assert!(
                window.has_label_containing("5 bytes"),
                "{what}: the existing size"
            );
            assert!(
                window.has_label_containing("10 bytes"),
                "{what}: the new size"
            );
            assert!(
                window.has_label(&target.display().to_string()) || window.has_label("/d.bin"),
                "{what}: the target's full path"
            );
            if choice == "Decide later" {
                window.harness.get_by_label("Decide later").click();
            } else {
                window.harness.get_by_label(choice).click();
                window.harness.step();
                if let Some(name) = typed {
                    let field = window.harness.get_by_label("New name:");
                    assert_eq!(field.value().as_deref(), Some("d (1).bin"), "{what}");
                    field.click();
                    window.harness.step();
                    window
                        .harness
                        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
                    window.harness.step();
                    window.harness.get_by_label("New name:").type_text(name);
                    window.harness.step();
                }
                window.harness.get_by_label("OK").click();
            }
            answered(&mut window, tab);
            if choice == "Decide later" {
                window.run_until("the paused item", |h| {
                    h.query_all_by_label_contains("Paused").next().is_some()
                });
                // Said, not hidden: the status line and the log tell what happened to it.
                let notice = window.notice();
                assert!(notice.contains("Left for later"), "{what}: {notice:?}");
                let log = window.harness.state().log_text();
                assert!(log.contains("Resume it in the queue"), "{what}: {log}");
            }
            if tab == "Failed (1)" {
                // Said in the status line, with why, and not only counted in the tab.
                let notice = window.notice();
                assert!(
                    notice.contains("d.bin failed: ") && notice.contains("not resumed"),
                    "{what}: {notice:?}"
                );
            }
            assert_eq!(std::fs::read(&target).unwrap(), target_after, "{what}");
            assert_eq!(std::fs::read(&source).unwrap(), NEW, "{what}: the source");
            if choice == "Resume" && !upload && target_after == NEW {
                // The log names the person's file, not the `.ferrypart` it is while it grows.
                let log = window.harness.state().log_text();
                let said = format!("Continuing {} from byte", target.display());
                assert!(log.contains(&said), "{what}: {log}");
            }
            if target_after == in_the_way {
                // Left as it was, its date too (a failed Resume cut it to its own length,
                // which dated it now: the walk after 5920599).
                assert_eq!(
                    modified(&target),
                    std::time::UNIX_EPOCH + Duration::from_secs(OLD_TIME),
                    "{what}: the date of the file left alone"
                );
            }
            if let Some((name, bytes)) = copy_after {
                let copy = target.with_file_name(name);
                assert_eq!(std::fs::read(copy).unwrap(), bytes, "{what}");
                // The queue's row says where the file went.
                window.harness.get_by_label(tab).click();
                window.harness.run_steps(2);
                assert!(
                    window.has_label(&format!("d.bin, saved as {name}")),
                    "{what}"
                );
            }
            assert!(
                !window.downloads.path().join("d.bin.ferrypart").exists(),
                "{what}"
            );
        }
    }
}

/// The question answered Skip: the item is counted as skipped, and both files are as they were.
fn skipped_and_both_untouched(
    server: &TestServer,
    window: &mut Window,
    upload: bool,
    new: &[u8],
    in_the_way: &[u8],
) {
    window.run_until("Skipped (1)", |h| {
        h.query_by_label("Skipped (1)").is_some()
            && h.query_by_label("The target already exists").is_none()
    });
    let what = if upload { "upload" } else { "download" };
    let (source, target) = source_and_target(server, window, upload);
    assert_eq!(std::fs::read(source).unwrap(), new, "{what}");
    assert_eq!(std::fs::read(target).unwrap(), in_the_way, "{what}");
}

/// Resume can't continue a file that is not shorter than the new one: it is greyed out with the
/// reason written beside it (a hover would cover the choices below), and Skip, below it, still
/// answers. Both files stay as they were.
#[test]
fn resume_is_greyed_out_with_its_reason_when_the_file_in_the_way_is_larger() {
    const LARGER: &[u8] = b"0123456789ABCDEF";
    for upload in [true, false] {
        let (server, mut window) = ask_about_d_bin(upload, NEW, LARGER);
        let what = if upload { "upload" } else { "download" };
        let resume = window.harness.get_by_label("Resume");
        assert!(resume.accesskit_node().is_disabled(), "{what}");
        assert!(
            window.has_label("(the existing file is larger than the new one: not a part of it)"),
            "{what}"
        );
        window.harness.get_by_label("Skip").click();
        window.harness.step();
        window.harness.get_by_label("OK").click();
        skipped_and_both_untouched(&server, &mut window, upload, NEW, LARGER);
    }
}

/// The walk: arrows did not move between the dialog's choices, as they do in any dialog's
/// radio group. Down steps over the greyed-out Resume to Skip and stops at the last choice;
/// Enter answers. Both ways, both files stay as they were.
#[test]
fn the_arrow_keys_move_between_the_conflict_choices() {
    const LARGER: &[u8] = b"0123456789ABCDEF";
    for upload in [true, false] {
        let (server, mut window) = ask_about_d_bin(upload, NEW, LARGER);
        let what = if upload { "upload" } else { "download" };
        assert!(chosen(&window, "Overwrite"), "{what}");
        // Overwrite → if newer → if size differs → (Resume greyed) Rename → Skip, and no further.
        for _ in 0..5 {
            window.press(egui::Key::ArrowDown);
        }
        assert!(chosen(&window, "Skip"), "{what}");
        window.press(egui::Key::ArrowUp);
        assert!(chosen(&window, "Rename"), "{what}");
        // The second walk: quick presses were lost, several arriving within one frame.
        window.harness.get_by_label("Overwrite if newer").click();
        window.harness.step();
        let presses = |window: &mut Window, key: egui::Key| {
            for _ in 0..3 {
                window.harness.input_mut().events.push(egui::Event::Key {
                    key,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: egui::Modifiers::NONE,
                });
            }
            window.harness.run_steps(2);
        };
        presses(&mut window, egui::Key::ArrowDown);
        assert!(chosen(&window, "Skip"), "{what}: three Downs at once");
        presses(&mut window, egui::Key::ArrowUp);
        assert!(chosen(&window, "Overwrite if newer"), "{what}: three Ups");
        presses(&mut window, egui::Key::ArrowDown);
        window.press(egui::Key::Enter);
        skipped_and_both_untouched(&server, &mut window, upload, NEW, LARGER);
    }
}

/// The walk pressed Enter twice to download a file: the question came up between the two
/// presses, and the second press overwrote the file in the way before anyone read it. Enter
/// now answers only once the question has been on screen a moment; the press before that does
/// nothing, and a later one answers as chosen. Both ways, bytes checked on both sides.
#[test]
fn enter_pressed_as_the_question_comes_up_does_not_answer_it() {
    for upload in [true, false] {
        let (server, mut window) = ask_about_d_bin(upload, NEW, OLD);
        let (source, target) = source_and_target(&server, &window, upload);
        let what = if upload { "upload" } else { "download" };
        window.press(egui::Key::Enter);
        window.harness.run_steps(2);
        assert!(
            window.has_label("The target already exists"),
            "{what}: the question is still asked"
        );
        assert_eq!(
            std::fs::read(&target).unwrap(),
            OLD,
            "{what}: nothing written"
        );

        let frames = (ferry::ui::conflict_dialog::ENTER_AFTER / f64::from(FRAME_SECONDS)).ceil();
        let frames = frames as usize;
        window.harness.run_steps(frames);
        window.press(egui::Key::Enter);
        answered(&mut window, "Successful (1)");
        assert_eq!(std::fs::read(&target).unwrap(), NEW, "{what}: overwritten");
        assert_eq!(std::fs::read(&source).unwrap(), NEW, "{what}: the source");
    }
}

/// A click beside the question, either button, leaves it asked and nothing written (a walk's
/// stray right-click in the queue paused the item without a choice); Esc leaves it for later,
/// as "Decide later" does. Both ways, both files checked.
#[test]
fn a_click_beside_the_question_does_not_answer_it() {
    for upload in [true, false] {
        let (server, mut window) = ask_about_d_bin(upload, NEW, OLD);
        let (source, target) = source_and_target(&server, &window, upload);
        let what = if upload { "upload" } else { "download" };
        let beside = egui::pos2(20.0, window.size.y - 60.0);
        window.tap(beside);
        window.right_click_at(beside);
        window.harness.run_steps(3);
        assert!(
            window.has_label("The target already exists"),
            "{what}: the question is still asked"
        );
        assert!(
            !window.notice().contains("Left for later"),
            "{what}: {:?}",
            window.notice()
        );
        assert_eq!(
            std::fs::read(&target).unwrap(),
            OLD,
            "{what}: nothing written"
        );

        window.press(egui::Key::Escape);
        window.run_until("the paused item", |h| {
            h.query_all_by_label_contains("Paused").next().is_some()
        });
        assert!(window.notice().contains("Left for later"), "{what}");
        assert_eq!(
            std::fs::read(&target).unwrap(),
            OLD,
            "{what}: the file in the way"
        );
        assert_eq!(std::fs::read(&source).unwrap(), NEW, "{what}: the source");
    }
}

/// The walk after 5920599 clicked into the new name while Overwrite was chosen, typed a name and
/// pressed Enter: the field had been greyed out and took nothing, and the file in the way was
/// overwritten. Clicking into the name now chooses Rename. Both ways: the file in the way stays,
/// and the new file is saved under the typed name.
#[test]
fn clicking_into_the_new_name_chooses_rename() {
    for upload in [true, false] {
        let (server, mut window) = ask_about_d_bin(upload, NEW, OLD);
        let (source, target) = source_and_target(&server, &window, upload);
        let what = if upload { "upload" } else { "download" };
        window.harness.get_by_label("New name:").click();
        window.harness.step();
        window
            .harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        window.harness.step();
        window
            .harness
            .get_by_label("New name:")
            .type_text("typed.bin");
        window.harness.step();
        assert!(chosen(&window, "Rename"), "{what}");
        window.harness.get_by_label("OK").click();
        answered(&mut window, "Successful (1)");
        assert_eq!(std::fs::read(&target).unwrap(), OLD, "{what}: left alone");
        assert_eq!(
            std::fs::read(target.with_file_name("typed.bin")).unwrap(),
            NEW,
            "{what}: the copy"
        );
        assert_eq!(std::fs::read(&source).unwrap(), NEW, "{what}: the source");
    }
}

/// `a.bin` and `b.bin` on both sides, newer on the side they are sent from (`from`) than on the
/// side they go to (`to`); connected, both listed.
fn two_files_in_the_way(
    upload: bool,
) -> (TestServer, Window, std::path::PathBuf, std::path::PathBuf) {
    let server = TestServer::start();
    let mut window = Window::open();
    let (local, remote) = (window.downloads.path().to_owned(), server.path().to_owned());
    let (from, to) = if upload {
        (local, remote)
    } else {
        (remote, local)
    };
    for name in ["a.bin", "b.bin"] {
        std::fs::write(from.join(name), NEW).unwrap();
        std::fs::write(to.join(name), OLD).unwrap();
        set_time(&from.join(name), false);
        set_time(&to.join(name), true);
    }
    window.open_local_again();
    window.connect_to(&server);
    wait_for_row(&mut window, "b.bin", true);
    (server, window, from, to)
}

/// Both files chosen and Enter pressed, both questions waiting, the first answered "Decide
/// later" with "Do the same for the others" ticked: both are left for later, paused, and nothing
/// is asked or written. Both ways.
#[test]
fn decide_later_for_the_others_too_leaves_every_waiting_question() {
    for upload in [true, false] {
        let way = if upload { "upload" } else { "download" };
        let (_server, mut window, from, to) = two_files_in_the_way(upload);
        for (name, modifiers) in [
            ("a.bin", egui::Modifiers::NONE),
            ("b.bin", egui::Modifiers::COMMAND),
        ] {
            if upload {
                window.local_row(name).click_modifiers(modifiers);
            } else {
                window.row(name).click_modifiers(modifiers);
            }
            window.harness.step();
        }
        window.press(egui::Key::Enter);
        window.run_until("both questions waiting", |h| {
            let items = h.state().queue_items();
            items.len() == 2 && items.iter().all(|i| i.state == ItemState::Asking)
        });
        window
            .harness
            .get_by_label(&format!("Do the same for the other {way}s in this queue"))
            .click();
        window.harness.step();
        window.harness.get_by_label("Decide later").click();
        window.run_until("both paused", |h| {
            let items = h.state().queue_items();
            items.len() == 2 && items.iter().all(|i| i.state == ItemState::Paused)
        });
        window.harness.run_steps(5);
        assert!(
            !window.has_label("The target already exists"),
            "{way}: asked again"
        );
        let notice = window.notice();
        assert!(notice.contains("and 1 more"), "{way}: {notice:?}");
        for name in ["a.bin", "b.bin"] {
            assert_eq!(std::fs::read(to.join(name)).unwrap(), OLD, "{way}: {name}");
            assert_eq!(
                std::fs::read(from.join(name)).unwrap(),
                NEW,
                "{way}: {name}"
            );
        }
    }
}

/// "Decide later" on one file, then Overwrite "for all" on another: the file left for later is
/// not decided by that answer; resumed from the queue's menu, it is asked about again, and Skip
/// leaves it as it was. Both ways, the bytes (and the date of what is left alone) checked on
/// both sides. (A walk saw the resumed file decided without a question, by the other file's
/// answer, although the status line had said "Resume it in the queue to be asked again".)
#[test]
fn a_file_left_for_later_is_asked_again_after_an_answer_for_all() {
    for upload in [true, false] {
        let way = if upload { "upload" } else { "download" };
        let (_server, mut window, from, to) = two_files_in_the_way(upload);
        let others = format!("Do the same for the other {way}s in this queue");
        for (name, answer) in [("a.bin", "Decide later"), ("b.bin", "OK")] {
            if upload {
                for _ in 0..2 {
                    window.local_row(name).click();
                    window.harness.step();
                }
            } else {
                window.double_click(name);
            }
            window.run_until("the conflict question", |h| {
                h.query_by_label("The target already exists").is_some()
            });
            assert!(window.has_label(&format!("/{name}")), "{way}: about {name}");
            if answer == "OK" {
                window.harness.get_by_label("Overwrite").click();
                window.harness.step();
                window.harness.get_by_label(&others).click();
                window.harness.step();
            }
            window.harness.get_by_label(answer).click();
            window.run_until("the question gone", |h| {
                h.query_by_label("The target already exists").is_none()
            });
            // A person's next double-click comes later than egui's double-click time after this
            // click (sooner, its first click would be read as the second of this one).
            window.harness.run_steps(10);
        }
        answered(&mut window, "Successful (1)");
        assert_eq!(std::fs::read(to.join("b.bin")).unwrap(), NEW, "{way}: b");
        assert_eq!(std::fs::read(to.join("a.bin")).unwrap(), OLD, "{way}: a");

        let item = window.queue_row("Queued (1)", "a.bin");
        window.right_click_at(item);
        window.harness.get_by_label("Resume").click();
        window.run_until("the question about a.bin again", |h| {
            h.query_by_label("The target already exists").is_some()
        });
        assert!(window.has_label("/a.bin"), "{way}: asked about a.bin");
        // The status line's "Left for later … resume it to be asked again" has been kept.
        let notice = window.notice();
        assert!(!notice.contains("Left for later"), "{way}: {notice:?}");
        window.harness.get_by_label("Skip").click();
        window.harness.step();
        window.harness.get_by_label("OK").click();
        answered(&mut window, "Skipped (1)");
        assert_eq!(std::fs::read(to.join("a.bin")).unwrap(), OLD, "{way}: a");
        assert_eq!(
            modified(&to.join("a.bin")),
            std::time::UNIX_EPOCH + Duration::from_secs(OLD_TIME),
            "{way}: the date of the file left alone"
        );
        for name in ["a.bin", "b.bin"] {
            assert_eq!(
                std::fs::read(from.join(name)).unwrap(),
                NEW,
                "{way}: {name}"
            );
        }
    }
}
