//! Small widgets the window uses in several places: an on/off switch that looks like one, and
//! the divider between two areas that the pointer drags.

use crate::store::settings::TransferSettings;
use egui::{Id, Rect, Response, Sense, Ui, WidgetInfo, accesskit::Role, pos2, vec2};

/// An on/off switch with its words beside it. A toggle button looks like a label until it is on;
/// a switch shows both states, as in the OS's own settings.
pub fn switch(ui: &mut Ui, on: &mut bool, text: &str) -> Response {
    let height = ui.spacing().interact_size.y * 0.8;
    let track = vec2(height * 1.8, height);
    let galley = ui.painter().layout_no_wrap(
        text.to_owned(),
        egui::TextStyle::Button.resolve(ui.style()),
        ui.visuals().text_color(),
    );
    let gap = ui.spacing().item_spacing.x;
    let size = vec2(
        track.x + gap + galley.size().x,
        ui.spacing().interact_size.y,
    );
    let (rect, mut response) = ui.allocate_exact_size(size, Sense::click());
    if response.clicked() {
        *on = !*on;
        response.mark_changed();
    }
    let (enabled, state) = (ui.is_enabled(), *on);
    response.widget_info(|| WidgetInfo::selected(Role::Switch, enabled, state, text));
    if ui.is_rect_visible(rect) {
        let how_on = ui.ctx().animate_bool_responsive(response.id, *on);
        let visuals = ui.style().interact_selectable(&response, *on);
        let track_rect =
            Rect::from_min_size(pos2(rect.left(), rect.center().y - track.y / 2.0), track);
        let radius = 0.5 * track.y;
        let fill = if *on {
            ui.visuals().selection.bg_fill
        } else {
            visuals.bg_fill
        };
        ui.painter().rect(
            track_rect,
            radius,
            fill,
            visuals.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let knob_x = egui::lerp(
            (track_rect.left() + radius)..=(track_rect.right() - radius),
            how_on,
        );
        let knob = pos2(knob_x, track_rect.center().y);
        ui.painter().circle(
            knob,
            0.75 * radius,
            visuals.fg_stroke.color,
            visuals.fg_stroke,
        );
        let text_pos = pos2(
            track_rect.right() + gap,
            rect.center().y - galley.size().y / 2.0,
        );
        ui.painter()
            .galley(text_pos, galley, ui.visuals().text_color());
    }
    response
}

/// Which way a divider lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divide {
    /// Side by side: the divider is a vertical line, dragged left and right.
    Columns,
    /// One above the other: the divider is a horizontal line, dragged up and down.
    Rows,
}

/// What the person did to a divider this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DividerDrag {
    None,
    /// Dragged: the first area's size is now this.
    Moved(f32),
    /// Let go: time to remember the size.
    Released,
}

/// Splits `rect` in two with a divider `first` points from its start (clamped to `range`), and
/// lets the pointer drag it. Returns the two areas and what happened to the divider. `name`
/// says what it resizes, for screen readers.
pub fn divider(
    ui: &mut Ui,
    id: Id,
    rect: Rect,
    divide: Divide,
    first: f32,
    range: egui::Rangef,
    name: &str,
) -> (Rect, Rect, DividerDrag) {
    const GAP: f32 = 6.0;
    let span = match divide {
        Divide::Columns => rect.width(),
        Divide::Rows => rect.height(),
    };
    let max = range.max.min(span - GAP).max(0.0);
    let min = range.min.min(max);
    // Whole points, so both sides stay on the pixel grid at any scale.
    let first = first.clamp(min, max).round();
    let (a, handle, b) = match divide {
        Divide::Columns => {
            let x = rect.left() + first;
            (
                Rect::from_min_max(rect.min, pos2(x, rect.bottom())),
                Rect::from_min_max(pos2(x, rect.top()), pos2(x + GAP, rect.bottom())),
                Rect::from_min_max(pos2(x + GAP, rect.top()), rect.max),
            )
        }
        Divide::Rows => {
            let y = rect.top() + first;
            (
                Rect::from_min_max(rect.min, pos2(rect.right(), y)),
                Rect::from_min_max(pos2(rect.left(), y), pos2(rect.right(), y + GAP)),
                Rect::from_min_max(pos2(rect.left(), y + GAP), rect.max),
            )
        }
    };
    let response = ui.interact(handle, id, Sense::drag());
    response.widget_info(|| WidgetInfo::labeled(Role::Splitter, true, name));
    let active = response.hovered() || response.dragged();
    if active {
        ui.ctx().set_cursor_icon(match divide {
            Divide::Columns => egui::CursorIcon::ResizeHorizontal,
            Divide::Rows => egui::CursorIcon::ResizeVertical,
        });
    }
    let stroke = if active {
        ui.visuals().widgets.active.fg_stroke
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    match divide {
        Divide::Columns => ui
            .painter()
            .vline(handle.center().x, handle.y_range(), stroke),
        Divide::Rows => ui
            .painter()
            .hline(handle.x_range(), handle.center().y, stroke),
    };
    let drag = if response.drag_stopped() {
        DividerDrag::Released
    } else if response.dragged()
        && let Some(at) = response.interact_pointer_pos()
    {
        let moved = match divide {
            Divide::Columns => at.x - rect.left() - GAP / 2.0,
            Divide::Rows => at.y - rect.top() - GAP / 2.0,
        };
        DividerDrag::Moved(moved.clamp(min, max))
    } else {
        DividerDrag::None
    };
    (a, b, drag)
}

/// Builds `add` in `rect`, with its own id and an accessible name.
pub fn area<R>(
    ui: &mut Ui,
    rect: Rect,
    id_salt: &str,
    name: &str,
    add: impl FnOnce(&mut Ui) -> R,
) -> R {
    ui.scope_builder(
        egui::UiBuilder::new()
            .id_salt(id_salt)
            .max_rect(rect)
            .layout(egui::Layout::top_down(egui::Align::Min))
            .accessibility_label(name),
        |ui| {
            ui.set_clip_rect(rect.intersect(ui.clip_rect()));
            add(ui)
        },
    )
    .inner
}

/// Esc closes a window (Settings, Site Manager) unless a modal question is open above it, or
/// a drop-down list or menu was open in it when the frame began (`popup_was_open`, taken
/// before the window is drawn: the list closes itself on the key while it is drawn). A walk
/// pressed Esc on the Site Manager's Protocol list and lost the whole window.
pub fn escape_for_window(ctx: &egui::Context, popup_was_open: bool) -> bool {
    ctx.input(|i| i.key_pressed(egui::Key::Escape))
        && !popup_was_open
        && ctx.memory(|m| m.top_modal_layer().is_none())
}

/// The most a speed limit field takes, in KiB/s (about 10 GB/s).
const MOST_LIMIT_KIB: u64 = 10_000_000;

/// A speed limit in KiB/s (0 = none) that reads what people type: `1.5 MiB`, `10 MB/s`,
/// `500k`, `2M`, `1,5` as well as a plain number of KiB. (egui's own reading kept the number
/// before a unit: `1.5 MiB` became 1 KiB/s, a thousand times slower than meant.)
pub fn speed_limit(ui: &mut Ui, value: &mut u64) -> Response {
    ui.add(
        egui::DragValue::new(value)
            .range(0..=MOST_LIMIT_KIB)
            .suffix(" KiB/s")
            .custom_parser(|text| parse_limit_kib(text).map(|kib| kib as f64)),
    )
}

/// The two speed limits' fields (name, value, hint), for the queue's toolbar and Settings.
pub fn speed_limit_fields(
    transfers: &mut TransferSettings,
) -> [(&'static str, &mut u64, &'static str); 2] {
    [
        (
            "Download limit:",
            &mut transfers.download_limit_kib,
            "For all downloads together; 0 = no limit. Type a unit for more: 1.5 MiB",
        ),
        (
            "Upload limit:",
            &mut transfers.upload_limit_kib,
            "For all uploads together; 0 = no limit. Type a unit for more: 1.5 MiB",
        ),
    ]
}

/// The frame of an area that takes the keyboard (a pane, the queue): drawn in the selection
/// colour while `focused`, thick enough to see at a glance, else with `unfocused`. egui draws
/// a frame's stroke inside it, so the thinner line gets the difference as margin and the
/// inside stays where it is when the focus moves.
pub fn focus_frame(ui: &Ui, focused: bool, unfocused: egui::Stroke, margin: f32) -> egui::Frame {
    const FOCUSED_STROKE: f32 = 2.0;
    let stroke = if focused {
        egui::Stroke::new(FOCUSED_STROKE, ui.visuals().selection.bg_fill)
    } else {
        unfocused
    };
    let margin = margin + (FOCUSED_STROKE - stroke.width).max(0.0);
    egui::Frame::new()
        .stroke(stroke)
        .corner_radius(3.0)
        .inner_margin(egui::Margin::same(margin.round() as i8))
}

/// A typed speed limit in KiB/s: a number (a decimal point or comma) and an optional unit of
/// B, K/KB/KiB, M/MB/MiB or G/GB/GiB, with or without `/s` (binary units throughout, as the
/// field shows). A limit above zero is at least 1 KiB/s. `None` when it doesn't read.
fn parse_limit_kib(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text
        .strip_suffix("/s")
        .or_else(|| text.strip_suffix("/S"))
        .unwrap_or(text)
        .trim_end();
    let unit_at = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    let number: f64 = number.trim().replace(',', ".").parse().ok()?;
    let kib_per_unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "k" | "kb" | "kib" => 1.0,
        "b" => 1.0 / 1024.0,
        "m" | "mb" | "mib" => 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0,
        _ => return None,
    };
    let kib = number * kib_per_unit;
    if !kib.is_finite() || kib < 0.0 {
        return None;
    }
    let rounded = kib.round().min(MOST_LIMIT_KIB as f64) as u64;
    Some(if kib > 0.0 { rounded.max(1) } else { 0 })
}

/// How wide `text` is on one line in the body font.
pub fn text_width(ui: &mut Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE))
        .size()
        .x
}

#[cfg(test)]
mod tests {
    use super::parse_limit_kib;

    #[test]
    fn a_typed_speed_limit_reads_with_its_unit() {
        let cases = [
            ("100", Some(100)),
            ("100 KiB/s", Some(100)),
            ("0", Some(0)),
            ("1.5 MiB", Some(1536)),
            ("1.5 MiB/s", Some(1536)),
            ("10 MB/s", Some(10_240)),
            ("500k", Some(500)),
            ("2M", Some(2048)),
            ("1G", Some(1_048_576)),
            ("1,5 M", Some(1536)),
            ("1.5", Some(2)),
            ("512 B/s", Some(1)),
            ("100 b", Some(1)),
            ("0.2", Some(1)),
            ("999999 G", Some(10_000_000)),
            ("", None),
            ("fast", None),
            ("10 furlongs", None),
            ("-5", None),
            ("1.2.3", None),
        ];
        for (typed, kib) in cases {
            assert_eq!(parse_limit_kib(typed), kib, "{typed:?}");
        }
    }
}
