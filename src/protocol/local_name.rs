//! Turning a name from the server into a safe name for the local disk.
//!
//! A server decides the names in its listings, and a hostile one can name a file `../../x`,
//! `/etc/passwd`, `C:evil` or `CON`. Every name that becomes a local file or folder goes through
//! here first; what comes out is one plain path component that stays inside the folder it is
//! joined to, on every OS.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeName {
    #[error("the server sent an empty name")]
    Empty,
    #[error("the name {0:?} means the folder itself or its parent")]
    Dots(String),
}

/// Windows refuses these as names, with any extension (`con.txt` too).
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// One safe path component for `name`: separators, drive letters, NUL and control characters
/// and the characters Windows forbids become `_`; Windows' reserved device names get a `_`
/// prefix; trailing dots and spaces (which Windows drops) are replaced. `.`, `..` and names that
/// are nothing but those are refused: they would mean the folder itself or its parent.
pub fn safe_local_name(name: &str) -> Result<String, UnsafeName> {
    if name.is_empty() {
        return Err(UnsafeName::Empty);
    }
    if name.chars().all(|c| c == '.' || c == '/' || c == '\\') && name.contains('.') {
        return Err(UnsafeName::Dots(name.to_owned()));
    }
    let mut safe: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
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
        assert!(matches!(safe_local_name(".."), Err(UnsafeName::Dots(_))));
        assert!(matches!(safe_local_name("."), Err(UnsafeName::Dots(_))));
        assert!(matches!(safe_local_name("../"), Err(UnsafeName::Dots(_))));
        assert_eq!(safe_local_name(""), Err(UnsafeName::Empty));
        assert_eq!(safe_local_name("../../x").unwrap(), ".._.._x");
        assert_eq!(safe_local_name("/etc/passwd").unwrap(), "_etc_passwd");
        assert_eq!(safe_local_name("a/b").unwrap(), "a_b");
        assert_eq!(
            safe_local_name("..\\..\\boot.ini").unwrap(),
            ".._.._boot.ini"
        );
        assert_eq!(safe_local_name("C:evil").unwrap(), "C_evil");
        assert_eq!(safe_local_name("nul\0byte").unwrap(), "nul_byte");
        assert_eq!(safe_local_name("bell\x07\n").unwrap(), "bell__");
        assert_eq!(safe_local_name("CON").unwrap(), "_CON");
        assert_eq!(safe_local_name("con.txt").unwrap(), "_con.txt");
        assert_eq!(safe_local_name("Lpt9.log").unwrap(), "_Lpt9.log");
        assert_eq!(safe_local_name("console").unwrap(), "console");
        assert_eq!(safe_local_name("trailing. ").unwrap(), "trailing__");
        assert_eq!(safe_local_name("dots...").unwrap(), "dots___");
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
