//! Synchronized browsing: when one pane moves to another folder, the other opens the folder at
//! the same place relative to where both were when it was switched on. The decision is a state
//! machine apart from the window (DESIGN.md), fed what each pane shows every frame.
//!
//! Opening the other side's folder takes a while (a listing, a server's reply). Until it is
//! there, the other pane still shows its old folder; read as a move of that pane, it sent the
//! first one back where it came from, and the two went back and forth before settling. The
//! folder asked for is remembered (`pending`) and waited for, until it arrives, fails, or the
//! person moves on.

use std::path::{Path, PathBuf};

use crate::protocol::local_name::{local_name_bytes, safe_local_name};
use crate::protocol::path::RemotePath;

#[derive(Debug, Clone)]
pub struct SyncBrowsing {
    /// The two folders shown when it was switched on.
    base_local: PathBuf,
    base_remote: RemotePath,
    /// What the panes showed when it last looked.
    seen: (Option<PathBuf>, Option<RemotePath>),
    /// The folder it asked the other side to open and is waiting for.
    pending: Option<Pending>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Local(PathBuf),
    Remote(RemotePath),
}

/// What to do after a look at both panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follow {
    Nothing,
    OpenLocal(PathBuf),
    OpenRemote(RemotePath),
    /// A pane went above the folders it started in: nothing to follow there (the window
    /// switches synchronized browsing off).
    Left,
}

impl SyncBrowsing {
    pub fn new(local: PathBuf, remote: RemotePath) -> Self {
        Self {
            seen: (Some(local.clone()), Some(remote.clone())),
            base_local: local,
            base_remote: remote,
            pending: None,
        }
    }

    /// Takes what the panes show now; says what the other side should open.
    pub fn step(&mut self, local: Option<&PathBuf>, remote: Option<&RemotePath>) -> Follow {
        let now = (local.cloned(), remote.cloned());
        if let Some(pending) = &self.pending {
            let arrived = match pending {
                Pending::Local(path) => now.0.as_ref() == Some(path),
                Pending::Remote(path) => now.1.as_ref() == Some(path),
            };
            if arrived {
                self.pending = None;
                self.seen = now;
                return Follow::Nothing;
            }
            if now == self.seen {
                // Still on its way.
                return Follow::Nothing;
            }
            // The person moved on before it came: follow the newest move.
            self.pending = None;
        }
        if now == self.seen {
            return Follow::Nothing;
        }
        let (seen_local, seen_remote) = std::mem::replace(&mut self.seen, now.clone());
        if now.0 != seen_local
            && let Some(local) = &now.0
        {
            let Some(remote) = self.remote_for(local) else {
                return Follow::Left;
            };
            if now.1.as_ref() == Some(&remote) {
                return Follow::Nothing;
            }
            self.pending = Some(Pending::Remote(remote.clone()));
            return Follow::OpenRemote(remote);
        }
        if now.1 != seen_remote
            && let Some(remote) = &now.1
        {
            return match self.local_for(remote) {
                Some(Some(local)) if now.0.as_ref() != Some(&local) => {
                    self.pending = Some(Pending::Local(local.clone()));
                    Follow::OpenLocal(local)
                }
                Some(_) => Follow::Nothing,
                None => Follow::Left,
            };
        }
        Follow::Nothing
    }

    /// Opening `path` on this computer failed: whether it was the folder asked for (then it is
    /// waited for no longer, and the panes are out of step).
    pub fn local_failed(&mut self, path: &Path) -> bool {
        self.give_up(|pending| matches!(pending, Pending::Local(p) if p == path))
    }

    /// The same for a server folder.
    pub fn remote_failed(&mut self, path: &RemotePath) -> bool {
        self.give_up(|pending| matches!(pending, Pending::Remote(p) if p == path))
    }

    fn give_up(&mut self, was: impl Fn(&Pending) -> bool) -> bool {
        let asked = self.pending.as_ref().is_some_and(was);
        if asked {
            self.pending = None;
        }
        asked
    }

    /// The server folder at `local`'s place under the base (`None`: not under it).
    fn remote_for(&self, local: &Path) -> Option<RemotePath> {
        let relative = local.strip_prefix(&self.base_local).ok()?;
        Some(
            relative
                .components()
                .fold(self.base_remote.clone(), |remote, part| {
                    remote.join(&local_name_bytes(part.as_os_str()))
                }),
        )
    }

    /// The local folder at `remote`'s place under the base: `None` when `remote` is not under
    /// it, `Some(None)` when a name there can't be a local one.
    fn local_for(&self, remote: &RemotePath) -> Option<Option<PathBuf>> {
        let base = self.base_remote.as_bytes();
        let rest = remote
            .as_bytes()
            .strip_prefix(base)
            .filter(|rest| rest.is_empty() || rest.starts_with(b"/") || base.ends_with(b"/"))?;
        let mut local = self.base_local.clone();
        for part in rest.split(|b| *b == b'/').filter(|p| !p.is_empty()) {
            match safe_local_name(&String::from_utf8_lossy(part)) {
                Ok(name) => local.push(name),
                Err(_) => return Some(None),
            }
        }
        Some(Some(local))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One look at the panes, or a failure, and what should follow.
    enum Look {
        /// What the local and the server pane show, and what it should do.
        Panes(&'static str, &'static str, Follow),
        LocalFailed(&'static str, bool),
        RemoteFailed(&'static str, bool),
    }
    use Look::*;

    fn local(path: &str) -> PathBuf {
        PathBuf::from(format!("/home/me/site{path}"))
    }

    fn remote(path: &str) -> RemotePath {
        RemotePath::from_text(&format!("/www{path}"))
    }

    fn run(name: &str, looks: Vec<Look>) {
        let mut sync = SyncBrowsing::new(local(""), remote(""));
        for (n, look) in looks.into_iter().enumerate() {
            match look {
                Panes(l, r, wanted) => {
                    let follow = sync.step(Some(&local(l)), Some(&remote(r)));
                    assert_eq!(follow, wanted, "{name}, look {n}: ({l}, {r})");
                }
                LocalFailed(l, wanted) => {
                    assert_eq!(sync.local_failed(&local(l)), wanted, "{name}, look {n}");
                }
                RemoteFailed(r, wanted) => {
                    assert_eq!(sync.remote_failed(&remote(r)), wanted, "{name}, look {n}");
                }
            }
        }
    }

    #[test]
    fn each_move_is_followed_once_and_waited_for() {
        let to_local = |p: &str| Follow::OpenLocal(local(p));
        let to_remote = |p: &str| Follow::OpenRemote(remote(p));
        let cases: Vec<(&str, Vec<Look>)> = vec![
            ("nothing moves", vec![Panes("", "", Follow::Nothing)]),
            (
                // The server's listing takes a few frames: the local pane is not sent back.
                "local moves, the server follows slowly",
                vec![
                    Panes("/a", "", to_remote("/a")),
                    Panes("/a", "", Follow::Nothing),
                    Panes("/a", "", Follow::Nothing),
                    Panes("/a", "/a", Follow::Nothing),
                    Panes("/a", "/a", Follow::Nothing),
                ],
            ),
            (
                "server moves, local follows",
                vec![
                    Panes("", "/b", to_local("/b")),
                    Panes("", "/b", Follow::Nothing),
                    Panes("/b", "/b", Follow::Nothing),
                    // And back up, both.
                    Panes("/b", "", to_local("")),
                    Panes("", "", Follow::Nothing),
                ],
            ),
            (
                "a second move before the first arrived: the newest is followed",
                vec![
                    Panes("/a", "", to_remote("/a")),
                    Panes("/c", "", to_remote("/c")),
                    Panes("/c", "/c", Follow::Nothing),
                ],
            ),
            (
                "the server's folder isn't there: waited for no longer, nothing sent back",
                vec![
                    Panes("/new", "", to_remote("/new")),
                    RemoteFailed("/new", true),
                    Panes("/new", "", Follow::Nothing),
                    // Created and opened after all: in step again.
                    Panes("/new", "/new", Follow::Nothing),
                    Panes("", "/new", to_remote("")),
                ],
            ),
            (
                "the local folder isn't there",
                vec![
                    Panes("", "/x", to_local("/x")),
                    LocalFailed("/x", true),
                    Panes("", "/x", Follow::Nothing),
                    Panes("/x", "/x", Follow::Nothing),
                ],
            ),
            (
                "a failure of something else is not the folder asked for",
                vec![
                    Panes("/a", "", to_remote("/a")),
                    RemoteFailed("/elsewhere", false),
                    LocalFailed("/a", false),
                    Panes("/a", "/a", Follow::Nothing),
                ],
            ),
            (
                "the server pane already there",
                vec![Panes("/a", "/a", Follow::Nothing)],
            ),
        ];
        for (name, looks) in cases {
            run(name, looks);
        }
    }

    #[test]
    fn leaving_the_synchronized_folders_is_said_once() {
        let mut sync = SyncBrowsing::new(local(""), remote(""));
        let above = PathBuf::from("/home/me");
        assert_eq!(sync.step(Some(&above), Some(&remote(""))), Follow::Left);
        assert_eq!(sync.step(Some(&above), Some(&remote(""))), Follow::Nothing);
        let outside = RemotePath::from_text("/etc");
        assert_eq!(sync.step(Some(&above), Some(&outside)), Follow::Left);
    }

    #[test]
    fn a_server_name_that_cant_be_a_local_one_is_not_followed() {
        let mut sync = SyncBrowsing::new(local(""), remote(""));
        let odd = remote("/..");
        assert_eq!(sync.step(Some(&local("")), Some(&odd)), Follow::Nothing);
    }
}
