//! Folder comparison: rows that exist on one side only, or differ in size or date from the
//! row of the same name on the other side, are tinted.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use egui::Color32;

use super::file_table::{ItemKind, TableItem};

#[derive(Debug, Clone, Copy)]
struct Facts {
    folder: bool,
    size: Option<u64>,
    modified: Option<NaiveDateTime>,
}

fn facts<T: TableItem>(item: &T) -> Facts {
    Facts {
        folder: item.kind() == ItemKind::Folder,
        size: item.size(),
        modified: item.modified().map(|m| m.time),
    }
}

/// How a row differs from the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    OnlyHere,
    Size,
    Newer,
}

impl Difference {
    /// In the order the legend shows them.
    pub const ALL: [Difference; 3] = [Difference::OnlyHere, Difference::Size, Difference::Newer];

    fn rgb(self) -> [u8; 3] {
        match self {
            Difference::OnlyHere => [60, 170, 90],
            Difference::Size => [220, 70, 60],
            Difference::Newer => [230, 180, 40],
        }
    }

    /// The row tint: translucent, so a chosen row still shows it is chosen.
    pub fn colour(self) -> Color32 {
        let [r, g, b] = self.rgb();
        Color32::from_rgba_unmultiplied(r, g, b, 60)
    }

    /// The legend's marker: the tint's colour, strong enough to see on its own.
    pub fn marker(self) -> Color32 {
        let [r, g, b] = self.rgb();
        Color32::from_rgba_unmultiplied(r, g, b, 190)
    }

    /// The legend's words for the tint.
    pub fn meaning(self) -> &'static str {
        match self {
            Difference::OnlyHere => "Only on this side",
            Difference::Size => "Size differs",
            Difference::Newer => "Newer here",
        }
    }
}

/// The other side's entries by name.
pub struct Comparison {
    others: HashMap<String, Facts>,
}

impl Comparison {
    pub fn against<T: TableItem>(other: &[T]) -> Self {
        Self {
            others: other
                .iter()
                .map(|i| (i.name().to_owned(), facts(i)))
                .collect(),
        }
    }

    pub fn difference<T: TableItem>(&self, item: &T) -> Option<Difference> {
        let mine = facts(item);
        let Some(theirs) = self.others.get(item.name()) else {
            return Some(Difference::OnlyHere);
        };
        if mine.folder || theirs.folder {
            return None;
        }
        if mine.size != theirs.size && mine.size.is_some() && theirs.size.is_some() {
            return Some(Difference::Size);
        }
        // Listing times are often to the minute: newer means by more than a minute.
        match (mine.modified, theirs.modified) {
            (Some(a), Some(b)) if (a - b).num_seconds() > 60 => Some(Difference::Newer),
            _ => None,
        }
    }

    pub fn tint<T: TableItem>(&self, item: &T) -> Option<Color32> {
        self.difference(item).map(Difference::colour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::listing::{Entry, EntryKind};

    fn file(name: &str, size: u64) -> Entry {
        Entry::sample(name, EntryKind::File, size)
    }

    #[test]
    fn tells_only_here_from_size_differences() {
        let other = vec![file("same.txt", 10), file("bigger.txt", 99)];
        let comparison = Comparison::against(&other);
        assert_eq!(comparison.difference(&file("same.txt", 10)), None);
        assert_eq!(
            comparison.difference(&file("bigger.txt", 1)),
            Some(Difference::Size)
        );
        assert_eq!(
            comparison.difference(&file("new.txt", 1)),
            Some(Difference::OnlyHere)
        );
    }
}
