//! How numbers and dates read in the window.

use crate::protocol::listing::{Modified, TimePrecision};

/// `1.5 MiB`: binary units, one decimal from KiB up.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `1,234,567`, for exact sizes in tooltips.
pub fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// As precise as the server was, and no more.
pub fn modified(modified: &Modified) -> String {
    let format = match modified.precision {
        TimePrecision::Day => "%Y-%m-%d",
        TimePrecision::Minute => "%Y-%m-%d %H:%M",
        TimePrecision::Second => "%Y-%m-%d %H:%M:%S",
    };
    modified.time.format(format).to_string()
}

/// `3 files and 1 folder`, `1 file`: counts read as a person says them.
pub fn counted(files: usize, folders: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (files, folders) {
        (f, 0) => plural(f, "file", "files"),
        (0, d) => plural(d, "folder", "folders"),
        (f, d) => format!(
            "{} and {}",
            plural(f, "file", "files"),
            plural(d, "folder", "folders")
        ),
    }
}

/// What a folder's table shows: its files (and links and others), its folders, and how many
/// more entries the filter hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownCounts {
    pub files: usize,
    pub folders: usize,
    pub filtered_out: usize,
    /// The rows selected, when there are some.
    pub selected: Option<SelectedCounts>,
}

/// The selected rows: files (with their listed sizes added up) and folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectedCounts {
    pub files: usize,
    pub folders: usize,
    pub bytes: u64,
}

impl std::fmt::Display for ShownCounts {
    /// `3 files and 1 folder`, or `2 files (the filter hides 12)`: the count matches the rows
    /// the person sees, and says when there are more. Then what is selected, and its size, as
    /// FileZilla's status bar says it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&counted(self.files, self.folders))?;
        if self.filtered_out > 0 {
            write!(f, " (the filter hides {})", self.filtered_out)?;
        }
        if let Some(selected) = self.selected {
            write!(
                f,
                ", selected: {}",
                counted(selected.files, selected.folders)
            )?;
            if selected.files > 0 {
                write!(f, ", {}", human_size(selected.bytes))?;
                if selected.folders > 0 {
                    f.write_str(" in the files")?;
                }
            }
        }
        Ok(())
    }
}

/// `name` cut in its middle until `fits` says it does, as Finder does: the start and the end
/// (its extension whole when it can be) stay, so that `report-v2.pdf` and `report-v3.pdf`, or
/// `x.bin.part` and `x.bin.ferrypart`, still differ where a cut at the end hid the difference.
/// `None` when the whole name fits.
pub fn middle_elided(name: &str, mut fits: impl FnMut(&str) -> bool) -> Option<String> {
    if fits(name) {
        return None;
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 2 {
        // Nothing to cut around: the cell clips it.
        return None;
    }
    let extension = name
        .rfind('.')
        .filter(|&at| at > 0)
        .map_or(0, |at| name[at..].chars().count());
    let cut = |kept: usize| {
        let tail = (kept / 2).max(extension + 3).min(kept.saturating_sub(1));
        let head = kept - tail;
        let mut text: String = chars[..head].iter().collect();
        text.push('…');
        text.extend(&chars[chars.len() - tail..]);
        text
    };
    // The most characters kept that fit: what fits with k kept fits with fewer.
    let (mut fitting, mut too_many) = (1, chars.len());
    while too_many - fitting > 1 {
        let middle = (fitting + too_many) / 2;
        if fits(&cut(middle)) {
            fitting = middle;
        } else {
            too_many = middle;
        }
    }
    Some(cut(fitting))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_name_is_cut_in_its_middle_keeping_its_end() {
        // (name, characters that fit, shown)
        let cases = [
            ("short.txt", 20, None),
            (
                "ferry-demo-installer.bin.ferrypart",
                20,
                Some("ferry-…bin.ferrypart"),
            ),
            (
                "ferry-demo-installer.bin.part",
                20,
                Some("ferry-demo….bin.part"),
            ),
            ("report-final-v2.pdf", 12, Some("repo…-v2.pdf")),
            ("no-extension-at-all-here", 12, Some("no-ext…-here")),
            (".bashrc-with-a-long-name", 12, Some(".bashr…-name")),
            ("naïve-café-über-straße.txt", 16, Some("naïve-ca…aße.txt")),
            // Nothing fits: the shortest cut, which the cell then clips.
            ("abc", 1, Some("a…")),
            ("a", 0, None),
            ("", 0, None),
        ];
        for (name, room, shown) in cases {
            let got = super::middle_elided(name, |t| t.chars().count() <= room);
            assert_eq!(got.as_deref(), shown, "{name} in {room}");
        }
    }

    use super::*;

    #[test]
    fn shown_counts_say_what_the_filter_hides() {
        let cases = [
            ((3, 1, 0), "3 files and 1 folder"),
            ((2, 0, 12), "2 files (the filter hides 12)"),
            ((0, 1, 1), "1 folder (the filter hides 1)"),
            ((0, 0, 5), "0 files (the filter hides 5)"),
        ];
        for ((files, folders, filtered_out), text) in cases {
            let counts = ShownCounts {
                files,
                folders,
                filtered_out,
                selected: None,
            };
            assert_eq!(counts.to_string(), text);
        }
    }

    #[test]
    fn shown_counts_say_what_is_selected_and_its_size() {
        let cases = [
            ((1, 0, 0), "12 files and 2 folders, selected: 1 file, 0 B"),
            (
                (3, 0, 1_258_291),
                "12 files and 2 folders, selected: 3 files, 1.2 MiB",
            ),
            ((0, 2, 0), "12 files and 2 folders, selected: 2 folders"),
            (
                (2, 1, 2048),
                "12 files and 2 folders, selected: 2 files and 1 folder, 2.0 KiB in the files",
            ),
        ];
        for ((files, folders, bytes), text) in cases {
            let counts = ShownCounts {
                files: 12,
                folders: 2,
                filtered_out: 0,
                selected: Some(SelectedCounts {
                    files,
                    folders,
                    bytes,
                }),
            };
            assert_eq!(counts.to_string(), text);
        }
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(counted(1, 0), "1 file");
        assert_eq!(counted(0, 1), "1 folder");
        assert_eq!(counted(0, 2), "2 folders");
        assert_eq!(counted(3, 1), "3 files and 1 folder");
        assert_eq!(counted(0, 0), "0 files");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(grouped(5368709120), "5,368,709,120");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }
}
