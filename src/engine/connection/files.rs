//! File facts (SIZE, MDTM, the server's digest) and changes (MKD, RNFR/RNTO, DELE, RMD,
//! SITE CHMOD, MFMT), on a logged-in session.

use chrono::NaiveDateTime;

use super::Session;
use crate::engine::api::command::DirTarget;
use crate::engine::api::queue::FileFacts;
use crate::engine::error::{FtpError, FtpResult};
use crate::protocol::command::CommandLine;
use crate::protocol::listing::{EntryKind, RemoteName};
use crate::protocol::path::RemotePath;
use crate::protocol::reply::Reply;
use crate::protocol::verify::{
    HashAlgorithm, HashCommand, choose_hash, mfmt_time, parse_digest, parse_mdtm_reply,
    parse_size_reply,
};

/// Deeper than this, a recursive delete stops (a server that lists a folder inside itself).
const MAX_DELETE_DEPTH: usize = 64;

impl Session {
    /// The size of a remote file, or `None` when the server can't say (no SIZE, or no such file:
    /// the reply tells which, in the log).
    /// Whether the server listed `feature` (FEAT).
    pub fn offers(&self, feature: &str) -> bool {
        self.features.has(feature)
    }

    pub async fn size(&mut self, path: &[u8]) -> FtpResult<Option<u64>> {
        // SIZE counts in the current TYPE, and some servers refuse it in ASCII.
        self.ensure_binary().await?;
        let reply = self
            .control
            .execute(&CommandLine::with_arg("SIZE", path)?)
            .await?;
        Ok(parse_size_reply(&reply))
    }

    /// Whether a remote file exists, its size, and (when `with_time`) its modification time:
    /// `Err` only for a broken connection. SIZE answers it; a server without SIZE has its
    /// folder listed instead, since "not there" must never be a guess (it lets a file be
    /// overwritten).
    pub async fn remote_file(
        &mut self,
        path: &[u8],
        with_time: bool,
    ) -> FtpResult<Option<FileFacts>> {
        let reply = if self.features.has("SIZE") {
            // In ASCII mode a server may answer 550 for a file that is there.
            self.ensure_binary().await?;
            Some(
                self.control
                    .execute(&CommandLine::with_arg("SIZE", path)?)
                    .await?,
            )
        } else {
            None
        };
        let size = match &reply {
            Some(reply) if reply.code == 213 => parse_size_reply(reply),
            // 550: no such file (or a folder, which a STOR would be refused for anyway).
            Some(reply) if reply.code == 550 => return Ok(None),
            _ => return self.file_in_listing(path).await,
        };
        let modified = if with_time {
            self.mdtm(path).await?
        } else {
            None
        };
        Ok(Some(FileFacts { size, modified }))
    }

    /// Finds a file in its folder's listing (for servers that can't answer SIZE).
    async fn file_in_listing(&mut self, path: &[u8]) -> FtpResult<Option<FileFacts>> {
        let remote = RemotePath::from_bytes(path.to_vec());
        let (Some(parent), Some(name)) = (remote.parent(), remote.file_name()) else {
            return Ok(None);
        };
        let name = name.to_vec();
        let listing = match self.list_path(&parent).await {
            Ok(listing) => listing,
            Err(e) if e.is_fatal() => return Err(e),
            // A folder that can't be listed holds nothing Ferry can see.
            Err(_) => return Ok(None),
        };
        Ok(listing
            .entries
            .iter()
            .find(|entry| entry.name.raw == name)
            .map(|entry| FileFacts {
                size: entry.size,
                modified: entry.modified.map(|m| m.time),
            }))
    }

    pub async fn mdtm(&mut self, path: &[u8]) -> FtpResult<Option<NaiveDateTime>> {
        if !self.features.has("MDTM") {
            return Ok(None);
        }
        let reply = self
            .control
            .execute(&CommandLine::with_arg("MDTM", path)?)
            .await?;
        Ok(parse_mdtm_reply(&reply))
    }

    /// Sets the remote modification time, when the server has MFMT.
    pub async fn mfmt(&mut self, path: &[u8], time: NaiveDateTime) -> FtpResult<TimeKept> {
        if !self.features.has("MFMT") {
            return Ok(TimeKept::NotOffered);
        }
        let mut arg = format!("{} ", mfmt_time(time)).into_bytes();
        arg.extend_from_slice(path);
        let reply = self
            .control
            .execute(&CommandLine::with_arg("MFMT", &arg)?)
            .await?;
        Ok(if reply.is_completion() {
            TimeKept::Kept
        } else {
            TimeKept::Refused(reply.summary())
        })
    }

    /// REST: true when the server will start the next transfer at `offset`.
    pub async fn rest(&mut self, offset: u64) -> FtpResult<bool> {
        let reply = self
            .control
            .execute(&CommandLine::with_text("REST", &offset.to_string())?)
            .await?;
        if reply.code == 350 {
            self.control.restart_from(offset);
        }
        Ok(reply.code == 350)
    }

    /// The server's digest of a file, with the strongest algorithm it offers.
    pub async fn digest(&mut self, path: &[u8]) -> FtpResult<Option<(HashAlgorithm, Vec<u8>)>> {
        let Some(command) = choose_hash(&self.features) else {
            return Ok(None);
        };
        let algorithm = command.algorithm();
        let reply = match command {
            HashCommand::Hash { selected, .. } => {
                if !selected && !self.hash_selected {
                    let opts = format!("HASH {}", algorithm.name());
                    let chosen = self
                        .control
                        .execute(&CommandLine::with_text("OPTS", &opts)?)
                        .await?;
                    if !chosen.is_completion() {
                        return Ok(None);
                    }
                    self.hash_selected = true;
                }
                self.control
                    .execute(&CommandLine::with_arg("HASH", path)?)
                    .await?
            }
            HashCommand::X { verb, .. } => {
                self.control
                    .execute(&CommandLine::with_arg(verb, path)?)
                    .await?
            }
        };
        Ok(parse_digest(&reply, algorithm).map(|digest| (algorithm, digest)))
    }

    /// Makes sure the folder `path` is on the server, making it and any missing folder above
    /// it, as `mkdir -p` does (and FileZilla's uploads). Servers answer MKD with 550 for a folder
    /// that exists as for one they can't make, so a refused MKD is followed by a CWD to tell the
    /// two apart: one command more for a folder that is there, and the walk down from the root
    /// only for one that isn't. The error is the server's answer to making `path` itself.
    pub async fn make_dir(&mut self, path: &RemotePath) -> FtpResult<FolderMade> {
        let make = CommandLine::with_arg("MKD", path.as_bytes())?;
        let first = self.control.execute(&make).await?;
        if first.is_completion() {
            return Ok(FolderMade::Made);
        }
        if self.enters(path).await? {
            return Ok(FolderMade::WasThere);
        }
        let chain = path.ancestors_and_self();
        // From below the root down to the parent; a refusal here is a folder that is there, or
        // one that can't be made, which the last MKD tells.
        for above in chain.iter().skip(1).take(chain.len().saturating_sub(2)) {
            self.control
                .execute(&CommandLine::with_arg("MKD", above.as_bytes())?)
                .await?;
        }
        let again = self.control.execute(&make).await?;
        if again.is_completion() {
            return Ok(FolderMade::Made);
        }
        // Another connection of the pool may have made it meanwhile.
        if self.enters(path).await? {
            return Ok(FolderMade::WasThere);
        }
        Err(FtpError::reply(again))
    }

    /// CWD to a folder; whether the server let the session in (a folder that is there).
    pub async fn enters(&mut self, path: &RemotePath) -> FtpResult<bool> {
        let reply = self
            .control
            .execute(&CommandLine::with_arg("CWD", path.as_bytes())?)
            .await?;
        if reply.is_completion() {
            self.cwd = path.clone();
        }
        Ok(reply.is_completion())
    }

    /// A command on a name in the current folder that must end in a 2xx reply.
    async fn on_name(&mut self, verb: &str, name: &[u8]) -> FtpResult<Reply> {
        self.control
            .expect_completion(&CommandLine::with_arg(verb, name)?)
            .await
    }

    pub async fn mkdir(&mut self, name: &[u8]) -> FtpResult<()> {
        self.on_name("MKD", name).await.map(drop)
    }

    pub async fn rename(&mut self, from: &[u8], to: &[u8]) -> FtpResult<()> {
        let reply = self
            .control
            .execute(&CommandLine::with_arg("RNFR", from)?)
            .await?;
        if reply.code != 350 {
            return Err(FtpError::reply(reply));
        }
        self.on_name("RNTO", to).await.map(drop)
    }

    pub async fn delete_file(&mut self, name: &[u8]) -> FtpResult<()> {
        self.on_name("DELE", name).await.map(drop)
    }

    /// Deletes a folder and everything in it, depth first. Links inside are deleted as links,
    /// never followed. Stops at the first refusal: what could not be deleted stays, and the
    /// error says which.
    pub async fn delete_tree(&mut self, name: &RemoteName) -> FtpResult<()> {
        let top = self.cwd.clone();
        let result = self.delete_tree_from(name, 0).await;
        // Whatever happened, come back to where we started (unless the connection is gone).
        if !result.as_ref().is_err_and(FtpError::is_fatal) {
            self.ensure_at(&top).await?;
        }
        result
    }

    fn delete_tree_from<'a>(
        &'a mut self,
        name: &'a RemoteName,
        depth: usize,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = FtpResult<()>> + Send + 'a>> {
        Box::pin(async move {
            if depth > MAX_DELETE_DEPTH {
                return Err(FtpError::Protocol(format!(
                    "folders nested more than {MAX_DELETE_DEPTH} deep under {}; stopped",
                    name.text
                )));
            }
            let parent = self.cwd.clone();
            self.change_dir(&DirTarget::Child(name.clone())).await?;
            let listing = self.list_current().await?;
            for entry in &listing.entries {
                if entry.kind == EntryKind::Dir {
                    self.delete_tree_from(&entry.name, depth + 1).await?;
                } else {
                    self.delete_file(&entry.name.raw).await?;
                }
            }
            self.ensure_at(&parent).await?;
            self.on_name("RMD", &name.raw).await.map(drop)
        })
    }

    pub async fn chmod(&mut self, name: &[u8], mode: u32) -> FtpResult<()> {
        let mut arg = format!("CHMOD {mode:o} ").into_bytes();
        arg.extend_from_slice(name);
        self.on_name("SITE", &arg).await.map(drop)
    }
}

/// What [`Session::make_dir`] found: a folder it made, or one already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderMade {
    Made,
    WasThere,
}

/// Whether an uploaded file kept its modification time (MFMT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeKept {
    Kept,
    /// The server has no MFMT: its file has the time of the upload.
    NotOffered,
    /// The server answered MFMT with this (an error).
    Refused(String),
}
