//! The message log: every command and reply with its time, coloured by direction. It follows new
//! lines while it is scrolled to the end; scrolled up, it stays where the person put it, and
//! scrolled back to the end it follows again.

use std::collections::VecDeque;

use egui::Color32;

use crate::engine::{LogKind, LogLine};

/// The log keeps the newest lines; a day-long session can't grow it without bound.
const MAX_LINES: usize = 20_000;

pub struct MessageLog {
    lines: VecDeque<LogLine>,
    /// Keep the newest line in view (the view is at the end).
    follow: bool,
    /// Where the end of the lines was last frame (the largest scroll offset then).
    end: f32,
}

impl Default for MessageLog {
    fn default() -> Self {
        Self {
            lines: VecDeque::new(),
            follow: true,
            end: 0.0,
        }
    }
}

impl MessageLog {
    pub fn push(&mut self, line: LogLine) {
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    pub fn last(&self) -> Option<&LogLine> {
        self.lines.back()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            text.push_str(&line.to_text());
            text.push('\n');
        }
        text
    }

    pub fn clear(&mut self) {
        self.lines.clear();
    }
}

fn colour(kind: LogKind, dark: bool) -> Color32 {
    match (kind, dark) {
        (LogKind::Command, true) => Color32::from_rgb(120, 170, 255),
        (LogKind::Command, false) => Color32::from_rgb(20, 70, 180),
        (LogKind::Reply, true) => Color32::from_rgb(130, 210, 130),
        (LogKind::Reply, false) => Color32::from_rgb(20, 120, 40),
        (LogKind::Error, true) => Color32::from_rgb(255, 120, 110),
        (LogKind::Error, false) => Color32::from_rgb(190, 30, 30),
        (LogKind::Status, true) => Color32::from_gray(175),
        (LogKind::Status, false) => Color32::from_gray(90),
    }
}

fn prefix(kind: LogKind) -> &'static str {
    match kind {
        LogKind::Status => "Status:",
        LogKind::Command => "Command:",
        LogKind::Reply => "Response:",
        LogKind::Error => "Error:",
    }
}

/// Copy and Clear, for the area's title line.
pub fn buttons(ui: &mut egui::Ui, log: &mut MessageLog) {
    if ui
        .small_button("Copy log")
        .on_hover_text("Copy the whole log to the clipboard")
        .clicked()
    {
        ui.ctx().copy_text(log.to_text());
    }
    if ui.small_button("Clear log").clicked() {
        log.clear();
    }
}

pub fn show(ui: &mut egui::Ui, log: &mut MessageLog) {
    let dark = ui.visuals().dark_mode;
    // One label per line (time, kind and text in one galley), exactly one text line high: the
    // height `show_rows` counts with, so the view's end is where the last line is.
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    let mut area = egui::ScrollArea::both()
        .id_salt("message_log")
        .auto_shrink(false);
    if log.follow {
        // Back to the end as it was last frame (an offset past it would make the scroll area
        // spring back), and stuck there: egui then keeps the newest line in view as lines come.
        area = area.vertical_scroll_offset(log.end).stick_to_bottom(true);
    }
    let output = area.show_rows(ui, row_height, log.len(), |ui, rows| {
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let weak = ui.visuals().weak_text_color();
        for line in log.lines.range(rows) {
            let color = colour(line.kind, dark);
            let mut job = egui::text::LayoutJob::default();
            let format = |color| egui::TextFormat::simple(font.clone(), color);
            job.append(
                &line.time.format("%H:%M:%S ").to_string(),
                0.0,
                format(weak),
            );
            job.append(prefix(line.kind), 0.0, format(color));
            job.append(" ", 0.0, format(color));
            job.append(&line.text, 0.0, format(color));
            ui.add(egui::Label::new(job).extend().selectable(true));
        }
    });
    // Where the view is now, after any wheel or scroll bar this frame: at the end (within a
    // line) it follows; anywhere else it stays.
    let end = (output.content_size.y - output.inner_rect.height()).max(0.0);
    log.end = end;
    log.follow = output.state.clamped_offset().y >= end - row_height;
}
