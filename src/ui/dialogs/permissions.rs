//! Permissions (SITE CHMOD): checkboxes for read, write and execute, and the octal value, kept
//! in step. When the listing showed no permissions there is nothing to start from: the dialog
//! says so and waits for a choice instead of proposing 644.

use egui::{Key, TextEdit};

use super::{Outcome, buttons};
use crate::protocol::listing::RemoteName;
use crate::protocol::permissions::mode_to_text;

pub(super) fn body(
    ui: &mut egui::Ui,
    names: &[RemoteName],
    mode: &mut Option<u32>,
    octal: &mut String,
    listed: bool,
) -> Outcome {
    ui.heading("Change permissions");
    match names {
        [one] => ui.label(format!("Permissions of “{}”:", one.text)),
        many => ui.label(format!("Permissions of {} items:", many.len())),
    };
    // Said for as long as the dialog is open (not only until a box is ticked), so nothing
    // below it moves under the pointer.
    if !listed {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "The server's listing does not show the current permissions: choose them below.",
        );
    }
    let before = *mode;
    let mut bits = mode.unwrap_or(0);
    let mut ticked = false;
    // Columns wider than their words, so the grid is the same from its first frame on and a
    // click lands on the box it was aimed at.
    egui::Grid::new("permission_bits")
        .min_col_width(64.0)
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            for what in ["Read", "Write", "Execute"] {
                ui.label(what);
            }
            ui.end_row();
            for (who, shift) in [("Owner", 6), ("Group", 3), ("Others", 0)] {
                ui.label(who);
                for (what, bit) in [("read", 4), ("write", 2), ("execute", 1)] {
                    let mask = bit << shift;
                    let mut on = bits & mask != 0;
                    let response = ui.checkbox(&mut on, "");
                    let name = format!("{who} {what}");
                    response.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &name)
                    });
                    if response.changed() {
                        ticked = true;
                    }
                    if on {
                        bits |= mask;
                    } else {
                        bits &= !mask;
                    }
                }
                ui.end_row();
            }
        });
    if ticked {
        *mode = Some(bits);
    }
    if *mode != before
        && let Some(bits) = *mode
    {
        *octal = format!("{:03o}", bits & 0o7777);
    }
    let label = ui.label("Numeric value:");
    let field = ui
        .add(
            TextEdit::singleline(octal)
                .hint_text("e.g. 644")
                .desired_width(60.0),
        )
        .labelled_by(label.id);
    let typed = u32::from_str_radix(octal.trim(), 8)
        .ok()
        .filter(|m| *m <= 0o7777 && !octal.trim().is_empty());
    if field.changed()
        && let Some(parsed) = typed
    {
        *mode = Some(parsed);
    }
    match *mode {
        Some(bits) => ui.label(format!("= {}", mode_to_text(bits))),
        None => ui.weak("= not chosen yet"),
    };
    let valid = typed.is_some() && mode.is_some();
    if !valid && !octal.trim().is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Enter an octal number such as 644",
        );
    }
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    buttons(ui, "Apply", valid, entered)
}
