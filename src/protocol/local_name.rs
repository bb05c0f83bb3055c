//! Turning a name from the server into a safe name for the local disk.
//!
//! A server decides the names in its listings, and a hostile one can name a file `../../x`,
//! `/etc/passwd`, `C:evil` or `CON`. Every name that becomes a local file or folder goes through
//! here first; what comes out is one plain path component that stays inside the folder it is
//! joined to. The rules are the local system's: on Windows its forbidden characters, device
//! names and trailing dots are mapped too; on Linux and macOS, where `q?.txt` or `a:b` are
//! ordinary names, they are kept as the server has them (as FileZilla keeps them), so the
//! copy's names match the server's for a comparison, a sync or an upload back.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeName {
    #[error("the server sent an empty name")]
    Empty,
    #[error("the name {0:?} means the folder itself or its parent")]
    Dots(String),
}

/// Whose rules a local name must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRules {
    /// `/` separates; NUL can't be in a name.
    Posix,
    /// `\` and `/` separate, `C:` is a drive, `<>:"|?*` are refused, `CON` and its kin are
    /// devices, and trailing dots and spaces are dropped.
    Windows,
}

impl NameRules {
    /// This system's.
    pub const HERE: NameRules = if cfg!(windows) {
        NameRules::Windows
    } else {
        NameRules::Posix
    };
}

/// Windows refuses these as names, with any extension (`con.txt` too).
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// One safe path component for `name` under this system's rules (see `safe_local_name_for`).
pub fn safe_local_name(name: &str) -> Result<String, UnsafeName> {
    safe_local_name_for(name, NameRules::HERE)
}

/// One safe path component for `name`: separators, NUL and control characters become `_`
/// (a newline or an escape sequence in a file name misleads a terminal and scripts); under
/// Windows' rules also its forbidden characters and a drive's colon, a `_` prefix for its
/// device names, and trailing dots and spaces (which Windows drops) replaced. `.`, `..` and
/// names that are nothing but dots and separators are refused: they would mean the folder
/// itself or its parent.
pub fn safe_local_name_for(name: &str, rules: NameRules) -> Result<String, UnsafeName> {
    if name.is_empty() {
        return Err(UnsafeName::Empty);
    }
    if name.chars().all(|c| c == '.' || c == '/' || c == '\\') && name.contains('.') {
        return Err(UnsafeName::Dots(name.to_owned()));
    }
    let windows = rules == NameRules::Windows;
    let mut safe: String = name
        .chars()
        .map(|c| match c {
            '/' => '_',
            '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' if windows => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if windows {
        // "a. " would be saved by Windows as "a", which may then overwrite something else.
        let kept = safe.trim_end_matches(['.', ' ']).len();
        let dropped = safe.len() - kept;
        if dropped > 0 {
            safe.truncate(kept);
            safe.extend(std::iter::repeat_n('_', dropped));
        }
        let stem = safe.split('.').next().unwrap_or("").trim_end();
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
            safe.insert(0, '_');
        }
    }
    if safe == "." || safe == ".." {
        return Err(UnsafeName::Dots(name.to_owned()));
    }
    Ok(safe)
}

/// `base` joined with a relative path built only of safe components, or `None` when `relative`
/// holds anything else (a root, a drive, `..`). A last check for code that assembles paths.
pub fn join_inside(base: &Path, relative: &Path) -> Option<PathBuf> {
    let mut joined = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => joined.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(joined)
}

/// A local file name's bytes as they go to the server: on Unix exactly as stored (whatever
/// their encoding), elsewhere as UTF-8.
pub fn local_name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_unchanged() {
        for name in [
            "report.pdf",
            "naïve café 日本語.txt",
            ".hidden",
            "a b",
            "x..y",
        ] {
            assert_eq!(safe_local_name(name).unwrap(), name);
        }
    }

    #[test]
    fn hostile_names_are_refused_or_mapped() {
        use NameRules::{Posix, Windows};
        for rules in [Posix, Windows] {
            let safe = |name| safe_local_name_for(name, rules);
            assert!(matches!(safe(".."), Err(UnsafeName::Dots(_))), "{rules:?}");
            assert!(matches!(safe("."), Err(UnsafeName::Dots(_))), "{rules:?}");
            assert!(matches!(safe("../"), Err(UnsafeName::Dots(_))), "{rules:?}");
            assert!(
                matches!(safe("..\\"), Err(UnsafeName::Dots(_))),
                "{rules:?}"
            );
            assert_eq!(safe(""), Err(UnsafeName::Empty), "{rules:?}");
        }
        // (the server's name, under POSIX rules, under Windows')
        let cases = [
            ("../../x", ".._.._x", ".._.._x"),
            ("/etc/passwd", "_etc_passwd", "_etc_passwd"),
            ("a/b", "a_b", "a_b"),
            ("..\\..\\boot.ini", "..\\..\\boot.ini", ".._.._boot.ini"),
            ("C:evil", "C:evil", "C_evil"),
            ("nul\0byte", "nul_byte", "nul_byte"),
            ("bell\x07\n", "bell__", "bell__"),
            ("tab\tname.txt", "tab_name.txt", "tab_name.txt"),
            ("CON", "CON", "_CON"),
            ("con.txt", "con.txt", "_con.txt"),
            ("Lpt9.log", "Lpt9.log", "_Lpt9.log"),
            ("console", "console", "console"),
            ("trailing. ", "trailing. ", "trailing__"),
            ("dots...", "dots...", "dots___"),
            ("q?.txt", "q?.txt", "q_.txt"),
            ("x -> y.txt", "x -> y.txt", "x -_ y.txt"),
            (
                "Dec  4 12:17 notes",
                "Dec  4 12:17 notes",
                "Dec  4 12_17 notes",
            ),
            ("a<b>|\"c\"*", "a<b>|\"c\"*", "a_b___c__"),
        ];
        for (name, posix, windows) in cases {
            assert_eq!(safe_local_name_for(name, Posix).unwrap(), posix, "{name:?}");
            assert_eq!(
                safe_local_name_for(name, Windows).unwrap(),
                windows,
                "{name:?}"
            );
        }
    }

    #[test]
    fn every_output_is_one_normal_component() {
        let hostile = [
            "../../x",
            "/etc/passwd",
            "a/b",
            "C:\\Windows",
            "\\\\server\\share",
            "..\\x",
            "x/..",
            "./x",
            "~",
            "~/x",
            " .. ",
            "...",
            "\u{202e}txt.exe",
        ];
        // Under this system's rules: its paths are the ones the name is joined to.
        for name in hostile {
            if let Ok(safe) = safe_local_name(name) {
                let components: Vec<_> = Path::new(&safe).components().collect();
                assert_eq!(components.len(), 1, "{name:?} -> {safe:?}");
                assert!(
                    matches!(components[0], Component::Normal(_)),
                    "{name:?} -> {safe:?}"
                );
            }
        }
    }

    #[test]
    fn join_inside_refuses_escapes() {
        let base = Path::new("/downloads");
        assert_eq!(
            join_inside(base, Path::new("a/b")),
            Some(PathBuf::from("/downloads/a/b"))
        );
        assert_eq!(join_inside(base, Path::new("../x")), None);
        assert_eq!(join_inside(base, Path::new("/etc")), None);
    }
}
