//! The queue on disk, as a journal: a header line, then one JSON line per change of the queue
//! (the `SaveOp`s of one transition). A line is appended before the change acts on any file,
//! so a process killed at any moment leaves a journal that says which bytes were Ferry's. Now
//! and then the journal is rewritten whole (atomically) to the records it describes.
//!
//! A line cut short by a crash (only the last can be) is dropped on reading. A file that can't
//! be read at all is kept aside, never lost.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state::{Record, SaveOp};
use crate::engine::api::queue::TransferId;
use crate::store::atomic::write_atomically;

const VERSION: u32 = 2;

/// Rewrite the journal whole once it has this many lines and twice as many as records.
const COMPACT_AFTER_LINES: usize = 1000;

#[derive(Serialize, Deserialize)]
struct Header {
    ferry_queue: u32,
}

/// The queue file of Ferry 0.1 (version 1): the items in one JSON document.
#[derive(Deserialize)]
struct Legacy {
    version: u32,
    items: Vec<Record>,
}

/// What was read, and anything the person should hear about it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    pub warning: Option<String>,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    lines: usize,
}

impl Journal {
    /// Reads the queue at `path` (none is an empty queue), and opens it for the changes to come,
    /// rewritten to what it holds.
    pub fn open(path: &Path) -> std::io::Result<(Self, Loaded)> {
        let loaded = match std::fs::read(path) {
            Ok(bytes) => read(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Loaded::default(),
            Err(e) => return Err(e),
        };
        let journal = Self::create(path, &loaded.records)?;
        Ok((journal, loaded))
    }

    /// Writes `records` as the whole journal, atomically, and appends from then on.
    fn create(path: &Path, records: &[Record]) -> std::io::Result<Self> {
        let mut text = serde_json::to_string(&Header {
            ferry_queue: VERSION,
        })
        .map_err(std::io::Error::other)?;
        text.push('\n');
        if !records.is_empty() {
            let ops = [SaveOp::Insert {
                after: None,
                records: records.to_vec(),
            }];
            text.push_str(&serde_json::to_string(&ops).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        write_atomically(path, text.as_bytes())?;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            lines: 2,
        })
    }

    /// Appends one change (one line). Returns whether the journal should now be compacted.
    pub fn append(&mut self, ops: &[SaveOp], records: usize) -> std::io::Result<bool> {
        if ops.is_empty() {
            return Ok(false);
        }
        let mut line = serde_json::to_vec(ops).map_err(std::io::Error::other)?;
        line.push(b'\n');
        // One write: a kill leaves the line whole or, at worst, cut at the end of the file.
        self.file.write_all(&line)?;
        self.lines += 1;
        Ok(self.lines > COMPACT_AFTER_LINES && self.lines > 2 * records)
    }

    /// Rewrites the journal as these records.
    pub fn compact<'a>(
        &mut self,
        records: impl Iterator<Item = &'a Record>,
    ) -> std::io::Result<()> {
        let records: Vec<Record> = records.cloned().collect();
        *self = Self::create(&self.path, &records)?;
        Ok(())
    }
}

/// The records a journal describes.
fn read(path: &Path, bytes: &[u8]) -> Loaded {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    match serde_json::from_str::<Header>(first) {
        Ok(header) if header.ferry_queue > VERSION => {
            return set_aside(path, "it is from a newer Ferry".into());
        }
        Ok(_) => {}
        Err(_) => {
            return match serde_json::from_slice::<Legacy>(bytes) {
                Ok(legacy) if legacy.version == 1 => Loaded {
                    records: legacy.items,
                    warning: None,
                },
                Ok(_) => set_aside(path, "it is from a newer Ferry".into()),
                Err(e) => set_aside(path, e.to_string()),
            };
        }
    }
    let mut replay = Replay::default();
    let lines: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    for (n, line) in lines.iter().enumerate() {
        match serde_json::from_str::<Vec<SaveOp>>(line) {
            Ok(ops) => ops.into_iter().for_each(|op| replay.apply(op)),
            // The last line is cut short when Ferry was killed while writing it: that change
            // never acted on a file.
            Err(_) if n + 1 == lines.len() => break,
            Err(e) => {
                let kept = set_aside(path, format!("line {}: {e}", n + 2));
                return Loaded {
                    records: replay.records(),
                    warning: kept.warning,
                };
            }
        }
    }
    Loaded {
        records: replay.records(),
        warning: None,
    }
}

/// Copies an unreadable queue file aside (`queue.jsonl.bad-<time>`) and says so.
fn set_aside(path: &Path, why: String) -> Loaded {
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".bad-{stamp}"));
    let aside = PathBuf::from(aside);
    let kept = std::fs::copy(path, &aside).is_ok();
    Loaded {
        records: Vec::new(),
        warning: Some(if kept {
            format!(
                "The saved queue could not be read ({why}); kept as {}",
                aside.display()
            )
        } else {
            format!("The saved queue could not be read ({why})")
        }),
    }
}

/// The queue rebuilt from its changes, in order.
#[derive(Default)]
struct Replay {
    order: Vec<TransferId>,
    records: HashMap<TransferId, Record>,
}

impl Replay {
    fn apply(&mut self, op: SaveOp) {
        match op {
            SaveOp::Insert { after, records } => {
                let at = after
                    .and_then(|a| self.order.iter().position(|&id| id == a))
                    .map_or(self.order.len(), |p| p + 1);
                let ids: Vec<TransferId> = records
                    .iter()
                    .map(|r| r.item.id)
                    .filter(|id| !self.records.contains_key(id))
                    .collect();
                self.order.splice(at..at, ids);
                for record in records {
                    self.records.entry(record.item.id).or_insert(record);
                }
            }
            SaveOp::Put(record) => {
                let id = record.item.id;
                if self.records.insert(id, *record).is_none() {
                    self.order.push(id);
                }
            }
            SaveOp::Remove(ids) => {
                for id in &ids {
                    self.records.remove(id);
                }
                self.order.retain(|id| !ids.contains(id));
            }
            SaveOp::Order(order) => {
                let mut seen: Vec<TransferId> = order
                    .into_iter()
                    .filter(|id| self.records.contains_key(id))
                    .collect();
                // Anything the order line didn't name keeps its place at the end.
                for id in &self.order {
                    if !seen.contains(id) {
                        seen.push(*id);
                    }
                }
                self.order = seen;
            }
        }
    }

    fn records(mut self) -> Vec<Record> {
        self.order
            .iter()
            .filter_map(|id| self.records.remove(id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::queue::{
        ConflictPolicy, Direction, ItemState, QueueItem, SiteKey, TransferRequest, TransferType,
    };
    use crate::protocol::path::RemotePath;

    fn record(id: TransferId, state: ItemState) -> Record {
        Record {
            item: QueueItem::new(
                id,
                TransferRequest {
                    direction: Direction::Download,
                    remote: RemotePath::from_text(&format!("/f{id}")),
                    local: PathBuf::from(format!("/tmp/f{id}")),
                    is_dir: false,
                    size: Some(3),
                    modified: None,
                    transfer_type: TransferType::Binary,
                    conflict: None,
                    after: None,
                },
                state,
            ),
            site: SiteKey {
                host: "h".into(),
                port: 21,
                user: "u".into(),
            },
            answer: Some(ConflictPolicy::Overwrite),
            rename_to: None,
            written: None,
            left_for_later: false,
            attempt: super::super::decide::Attempt::First,
            failures: 0,
            not_before: None,
        }
    }

    fn ids(records: &[Record]) -> Vec<TransferId> {
        records.iter().map(|r| r.item.id).collect()
    }

    #[test]
    fn changes_replay_in_order_after_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.jsonl");
        let (mut journal, loaded) = Journal::open(&path).unwrap();
        assert!(loaded.records.is_empty() && loaded.warning.is_none());
        let ops = [SaveOp::Insert {
            after: None,
            records: vec![record(1, ItemState::Queued), record(2, ItemState::Queued)],
        }];
        journal.append(&ops, 2).unwrap();
        journal
            .append(
                &[SaveOp::Insert {
                    after: Some(1),
                    records: vec![record(3, ItemState::Queued)],
                }],
                3,
            )
            .unwrap();
        journal
            .append(&[SaveOp::Put(Box::new(record(2, ItemState::Done)))], 3)
            .unwrap();
        journal.append(&[SaveOp::Order(vec![2, 1])], 3).unwrap();
        journal.append(&[SaveOp::Remove(vec![1])], 2).unwrap();
        drop(journal);
        let (_, loaded) = Journal::open(&path).unwrap();
        assert_eq!(ids(&loaded.records), vec![2, 3]);
        assert_eq!(loaded.records[0].item.state, ItemState::Done);
        assert_eq!(loaded.records[0].answer, Some(ConflictPolicy::Overwrite));
        // Reopening rewrote it whole: reading again gives the same.
        let (_, again) = Journal::open(&path).unwrap();
        assert_eq!(again.records, loaded.records);
    }

    #[test]
    fn a_line_cut_by_a_kill_is_dropped_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.jsonl");
        let (mut journal, _) = Journal::open(&path).unwrap();
        journal
            .append(
                &[SaveOp::Insert {
                    after: None,
                    records: vec![record(1, ItemState::Queued)],
                }],
                1,
            )
            .unwrap();
        drop(journal);
        let mut bytes = std::fs::read(&path).unwrap();
        let whole =
            serde_json::to_vec(&[SaveOp::Put(Box::new(record(1, ItemState::Done)))]).unwrap();
        bytes.extend_from_slice(&whole[..whole.len() / 2]);
        std::fs::write(&path, &bytes).unwrap();
        let (_, loaded) = Journal::open(&path).unwrap();
        assert_eq!(ids(&loaded.records), vec![1]);
        assert_eq!(loaded.records[0].item.state, ItemState::Queued);
        assert!(loaded.warning.is_none());
    }

    #[test]
    fn an_unreadable_file_is_kept_aside_and_the_queue_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.jsonl");
        std::fs::write(&path, b"this is not a queue").unwrap();
        let (_, loaded) = Journal::open(&path).unwrap();
        assert!(loaded.records.is_empty());
        assert!(loaded.warning.unwrap().contains("kept as"));
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".bad-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read(aside[0].path()).unwrap(),
            b"this is not a queue"
        );
    }

    #[test]
    fn the_version_1_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.jsonl");
        let legacy = serde_json::json!({
            "version": 1,
            "items": [{"item": record(7, ItemState::Paused).item, "site": record(7, ItemState::Paused).site}],
        });
        std::fs::write(&path, serde_json::to_vec_pretty(&legacy).unwrap()).unwrap();
        let (_, loaded) = Journal::open(&path).unwrap();
        assert_eq!(ids(&loaded.records), vec![7]);
        assert_eq!(loaded.records[0].answer, None);
    }

    #[test]
    fn a_long_journal_asks_to_be_compacted_and_compaction_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.jsonl");
        let (mut journal, _) = Journal::open(&path).unwrap();
        let records = vec![record(1, ItemState::Queued), record(2, ItemState::Queued)];
        journal
            .append(
                &[SaveOp::Insert {
                    after: None,
                    records: records.clone(),
                }],
                2,
            )
            .unwrap();
        let mut due = false;
        for _ in 0..COMPACT_AFTER_LINES {
            due = journal
                .append(
                    &[SaveOp::Put(Box::new(record(1, ItemState::Transferring)))],
                    2,
                )
                .unwrap();
        }
        assert!(due);
        journal.compact(records.iter()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        journal
            .append(&[SaveOp::Put(Box::new(record(2, ItemState::Done)))], 2)
            .unwrap();
        let (_, loaded) = Journal::open(&path).unwrap();
        assert_eq!(ids(&loaded.records), vec![1, 2]);
        assert_eq!(loaded.records[1].item.state, ItemState::Done);
    }
}
