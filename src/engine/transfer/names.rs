//! The names a transfer writes under: a download's `.ferrypart`, and the free `name (1).ext` that
//! "Rename" gives the new file on either side.

use std::path::{Path, PathBuf};

use super::super::connection::Session;
use super::super::error::FtpResult;
use crate::protocol::path::RemotePath;

/// How many numbered names are tried before giving up on finding a free one.
const MAX_NUMBER: u32 = 1000;

/// The suffix of a download's partial file.
const PARTIAL_SUFFIX: &str = ".ferrypart";

/// Whether a file of this name is one of Ferry's partial downloads or a segmented one's map
/// (`NAME.ferrypart`, `NAME.ferrypart.segments`, the map's `.new` while it is written): Ferry's
/// working files, not the person's, which a synchronisation neither sends nor deletes.
pub(crate) fn is_partial_file(name: &str) -> bool {
    [
        PARTIAL_SUFFIX,
        ".ferrypart.segments",
        ".ferrypart.segments.new",
    ]
    .iter()
    .any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
}

/// Why an upload leaves out Ferry's own partial downloads, chosen or in a folder (as a sync
/// does): half a file, which the server would keep under a name no one meant to give it.
pub(crate) const PARTIAL_NOT_SENT: &str =
    "a partial download of Ferry's, not uploaded (it becomes the file once its download ends)";

/// `report.pdf` → `report.pdf.ferrypart`: where a download's bytes go until they are checked.
///
/// A suffix of Ferry's own (as WinSCP has `.filepart`): a partial file under it is Ferry's, to
/// continue or to start again. Under `.part` it could be another program's (Firefox names its
/// downloads so), which a download into the same folder then continued or removed.
pub(crate) fn part_path(target: &Path) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(PARTIAL_SUFFIX);
    target.with_file_name(name)
}

/// `report.pdf` → `report (n).pdf`; `.bashrc` → `.bashrc (n)`; `archive` → `archive (n)`.
pub(crate) fn numbered_name(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem} ({n}).{extension}"),
        _ => format!("{name} ({n})"),
    }
}

/// The first `name (n).ext` beside `target` that is free, with no `.ferrypart` of its own either.
pub(crate) fn free_local_name(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy().into_owned();
    (1..MAX_NUMBER)
        .map(|n| target.with_file_name(numbered_name(&name, n)))
        .find(|candidate| !candidate.exists() && !part_path(candidate).exists())
}

/// The first `name (n).ext` on the server that isn't there. `None` when every number is taken.
pub(crate) async fn free_remote_name(
    session: &mut Session,
    remote: &RemotePath,
) -> FtpResult<Option<RemotePath>> {
    let Some(name) = remote.file_name() else {
        return Ok(None);
    };
    let name = String::from_utf8_lossy(name).into_owned();
    let parent = remote.parent().unwrap_or_else(RemotePath::root);
    for n in 1..MAX_NUMBER {
        let candidate = parent.join(numbered_name(&name, n).as_bytes());
        if session
            .remote_file(candidate.as_bytes(), false)
            .await?
            .is_none()
        {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ferrys_working_files_are_known_by_name() {
        let cases = [
            ("big.iso.ferrypart", true),
            ("big.iso.ferrypart.segments", true),
            ("big.iso.ferrypart.segments.new", true),
            ("big.iso.part", false),
            ("big.iso", false),
            (".ferrypart", false),
            ("notes.ferrypart.txt", false),
        ];
        for (name, partial) in cases {
            assert_eq!(is_partial_file(name), partial, "{name}");
        }
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered_name("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered_name("a.tar.gz", 2), "a.tar (2).gz");
        assert_eq!(numbered_name(".bashrc", 1), ".bashrc (1)");
        assert_eq!(numbered_name("README", 3), "README (3)");
    }

    #[test]
    fn free_local_names_count_up_past_parts() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.pdf");
        std::fs::write(&target, b"x").unwrap();
        assert_eq!(
            free_local_name(&target),
            Some(dir.path().join("report (1).pdf"))
        );
        std::fs::write(dir.path().join("report (1).pdf.ferrypart"), b"x").unwrap();
        assert_eq!(
            free_local_name(&target),
            Some(dir.path().join("report (2).pdf"))
        );
        assert_eq!(part_path(&target), dir.path().join("report.pdf.ferrypart"));
    }
}
