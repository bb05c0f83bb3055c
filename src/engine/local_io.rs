//! Local files for transfers. A download is written where it is received, in large buffers,
//! while the disk keeps up; once it is slow, by one blocking thread per open file, fed through
//! a short channel, so the network and the disk work at the same time and no chunk costs more
//! than one hand-off (see `super::write_place`). (Writing 8 KiB at a time through `tokio::fs`
//! ran about 4× slower than curl.) An upload is read where it is sent (see [`FileReader`]).
//! A small file is opened where it is moved (see [`INLINE_LIMIT`]).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::sync::mpsc;

use super::splice::Pipe;
use super::write_place::WritePlace;
use crate::protocol::verify::HashAlgorithm;

/// The size of one buffer between the network and the disk.
pub const CHUNK: usize = 1024 * 1024;

/// The most handed to the kernel in one write. Linux sizes a file's page-cache folios by the
/// write, and a large folio is taken from the high-order free blocks that a virtual machine with
/// free page reporting has handed back to its host: each first touch of one then faults on the
/// host, and the copy into the page cache runs 5-10× slower. Blocks of a few pages (16 KiB is
/// an order-2 folio) come from the kernel's per-CPU lists instead. On this project's CI machines
/// (Firecracker), right after another client's 1 GiB download had been deleted, `dd` wrote
/// 1 GiB in 0.22-1.58 s with 256 KiB writes, 0.38-1.05 s with 64 KiB ones and 0.39-0.43 s with
/// 16 KiB ones; Ferry's 1 GiB download from pure-ftpd, interleaved with curl and lftp, took
/// 0.62-2.28 s (mean 1.58) with 256 KiB writes and 0.61-1.07 s (mean 0.75) with 16 KiB ones.
/// (lftp writes 64 KiB at a time, curl 4-16 KiB. The network buffers stay [`CHUNK`]: 256 KiB
/// ones were slower.)
pub(crate) const WRITE_PIECE: usize = 16 * 1024;

/// Buffers in flight between the two sides.
const DEPTH: usize = 4;

/// Files with no more than this to move are opened on the transfer's own thread: for a few
/// kilobytes, handing the open to another thread costs more than the open (and the write or
/// read that follows).
const INLINE_LIMIT: u64 = 256 * 1024;

/// A file being written by a download, from an offset on: where it was received while that is
/// quick (see [`WritePlace`]), else by a blocking thread of its own.
pub(crate) struct FileWriter {
    state: WriterState,
    place: WritePlace,
}

enum WriterState {
    Here {
        file: File,
        written: u64,
        failed: Option<std::io::Error>,
        /// A written buffer, kept for the next.
        spare: Option<Vec<u8>>,
    },
    Threaded {
        chunks: Option<mpsc::Sender<Vec<u8>>>,
        spare: mpsc::UnboundedReceiver<Vec<u8>>,
        /// The time to give the file once written.
        stamp: Option<tokio::sync::oneshot::Sender<Option<SystemTime>>>,
        done: tokio::task::JoinHandle<std::io::Result<u64>>,
    },
}

fn open_for_writing(path: &Path, offset: u64) -> std::io::Result<File> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(offset == 0)
        .open(path)?;
    if offset > 0 {
        // Cut only what is beyond: cutting a file to its own length dates it now, and a
        // Resume of the person's file that then turns out not to match must leave it as it was.
        if file.metadata()?.len() != offset {
            file.set_len(offset)?;
        }
        file.seek(SeekFrom::Start(offset))?;
    }
    Ok(file)
}

/// Opens `path` at `offset` with `open`: a file of at most [`INLINE_LIMIT`] bytes to move
/// (`small`) on this thread, where the hand-off would cost more than the open; a larger one on
/// the blocking pool, as an open can wait on a slow disk.
async fn open_file(
    path: &Path,
    offset: u64,
    small: bool,
    open: fn(&Path, u64) -> std::io::Result<File>,
) -> std::io::Result<File> {
    if small {
        return open(path, offset);
    }
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || open(&path, offset))
        .await
        .map_err(std::io::Error::other)?
}

/// A blocking thread writing `file` from `written` on, fed through a short channel.
fn threaded(file: File, written: u64) -> WriterState {
    let (chunks, mut incoming) = mpsc::channel::<Vec<u8>>(DEPTH);
    let (give_back, spare) = mpsc::unbounded_channel();
    let (stamp, stamp_wanted) = tokio::sync::oneshot::channel::<Option<SystemTime>>();
    let done = tokio::task::spawn_blocking(move || {
        let mut file = file;
        let mut written = written;
        while let Some(mut chunk) = incoming.blocking_recv() {
            write_in_pieces(&mut file, &chunk)?;
            written += chunk.len() as u64;
            chunk.clear();
            let _ = give_back.send(chunk);
        }
        file.flush()?;
        if let Ok(Some(when)) = stamp_wanted.blocking_recv() {
            file.set_modified(when)?;
        }
        Ok(written)
    });
    WriterState::Threaded {
        chunks: Some(chunks),
        spare,
        stamp: Some(stamp),
        done,
    }
}

impl FileWriter {
    /// Opens `path` for writing at `offset`: 0 creates or truncates it, more keeps the first
    /// `offset` bytes (a resume) and cuts anything after them. `expected` is how much will be
    /// written, when known.
    pub async fn open(path: &Path, offset: u64, expected: Option<u64>) -> std::io::Result<Self> {
        let small = expected.is_some_and(|size| size.saturating_sub(offset) <= INLINE_LIMIT);
        let file = open_file(path, offset, small, open_for_writing).await?;
        Ok(Self {
            state: WriterState::Here {
                file,
                written: offset,
                failed: None,
                spare: None,
            },
            place: WritePlace::new(),
        })
    }

    /// An empty buffer for at least `len` bytes, reused when one has come back.
    pub fn buffer(&mut self, len: usize) -> Vec<u8> {
        let kept = match &mut self.state {
            WriterState::Threaded { spare, .. } => spare.try_recv().ok(),
            WriterState::Here { spare, .. } => spare.take(),
        };
        kept.unwrap_or_else(|| Vec::with_capacity(len.clamp(4096, CHUNK)))
    }

    /// Writes a filled buffer, or queues it for the disk. An error means the writer stopped
    /// (disk full, ...): `finish` says why.
    pub async fn write(&mut self, mut chunk: Vec<u8>) -> Result<(), ()> {
        if !self.place.inline() {
            self.hand_off();
        }
        match &mut self.state {
            WriterState::Threaded {
                chunks: Some(chunks),
                ..
            } => chunks.send(chunk).await.map_err(|_| ()),
            WriterState::Threaded { chunks: None, .. } => Err(()),
            WriterState::Here { .. } => {
                self.write_here(chunk.len(), |file| write_in_pieces(file, &chunk))?;
                chunk.clear();
                if let WriterState::Here { spare, .. } = &mut self.state {
                    *spare = Some(chunk);
                }
                Ok(())
            }
        }
    }

    /// Writes `len` bytes with `write` where they were received, timed for [`WritePlace`];
    /// a failure is kept for `finish`.
    fn write_here(
        &mut self,
        len: usize,
        write: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<(), ()> {
        let WriterState::Here {
            file,
            written,
            failed: failed @ None,
            ..
        } = &mut self.state
        else {
            return Err(());
        };
        let began = std::time::Instant::now();
        let result = write(file);
        self.place.wrote(began.elapsed());
        match result {
            Ok(()) => {
                *written += len as u64;
                Ok(())
            }
            Err(e) => {
                *failed = Some(e);
                Err(())
            }
        }
    }

    /// Whether received bytes can go into the file through a pipe now (see `splice`): while it
    /// is written where it is received, and has not failed.
    pub fn takes_spliced(&self) -> bool {
        self.place.inline() && matches!(self.state, WriterState::Here { failed: None, .. })
    }

    /// Writes the `len` bytes waiting in `pipe`, as [`Self::write`] writes a buffer (only while
    /// [`Self::takes_spliced`]). A slow write sends the writes after it to a blocking thread,
    /// through buffers: the caller asks [`Self::takes_spliced`] before each.
    pub fn write_spliced(&mut self, pipe: &Pipe, len: usize) -> Result<(), ()> {
        self.write_here(len, |file| pipe.empty_into(file, len, None))
    }

    /// From here on a blocking thread writes (a write here was slow). The thread gets its own
    /// handle of the file, at the same position.
    fn hand_off(&mut self) {
        let WriterState::Here {
            file,
            written,
            failed: None,
            ..
        } = &mut self.state
        else {
            return;
        };
        match file.try_clone() {
            Ok(handle) => self.state = threaded(handle, *written),
            // Written here after all.
            Err(_) => self.place = WritePlace::new(),
        }
    }

    /// Waits for every buffer to reach the file; returns the file's length. `modified` is set
    /// as the file's time before it is closed (saving an open by path afterwards).
    pub async fn finish(self, modified: Option<SystemTime>) -> std::io::Result<u64> {
        match self.state {
            WriterState::Threaded {
                chunks,
                done,
                mut stamp,
                ..
            } => {
                if let Some(stamp) = stamp.take() {
                    let _ = stamp.send(modified);
                }
                drop(chunks);
                done.await.map_err(std::io::Error::other)?
            }
            WriterState::Here {
                failed: Some(e), ..
            } => Err(e),
            WriterState::Here { file, written, .. } => {
                if let Some(when) = modified {
                    file.set_modified(when)?;
                }
                Ok(written)
            }
        }
    }
}

/// A file being read by an upload, from an offset on, on the transfer's own thread, a
/// [`READ_PIECE`] at a time, each piece sent before the next is read.
///
/// A reading thread handing megabyte buffers to the network (what this was) made 1 GiB plain
/// uploads 0.72-0.91x curl: each byte was copied into a buffer on one core and out of it, long
/// evicted from that core's cache, on another, and the two threads competed with the server for
/// two cores. Read and sent on one thread in 64 KiB pieces, as curl does (and with the data
/// connection's `TCP_NODELAY`, see `Control::data_command`), the same uploads are level with
/// curl (BENCHMARKS.md, "1 GiB plain uploads: read where they are sent"). A file read
/// from start to end is what the kernel reads ahead for, so a read seldom waits on the disk;
/// when one does (a slow disk, a network share), it holds up this connection, and the engine's
/// other thread goes on with the rest. Asking the kernel to read further ahead
/// (`posix_fadvise`) was tried and left out: the asking took the time the reads saved.
pub(crate) struct FileReader {
    /// `None` once the end is read.
    file: Option<File>,
    /// The bytes left, as far as the queue knows: a small file is read whole, in one buffer of
    /// its size.
    left: u64,
    /// A sent piece handed back, so each one isn't allocated anew.
    spare: Option<Vec<u8>>,
}

/// The most read (and so handed to the socket) at once. Larger pieces were slower on vsftpd
/// (1 GiB: 1.74 s with 256 KiB, 1.86 s with 1 MiB, 1.23-1.40 s with 32 or 64 KiB) and no faster
/// on pure-ftpd; a thread reading 64 KiB pieces for the sending one was slower than either.
const READ_PIECE: usize = 64 * 1024;

/// The buffer for reading `left` bytes: their size and a byte more (to see the end in the same
/// read), at most a piece.
fn buffer_for(left: u64) -> usize {
    usize::try_from(left.saturating_add(1)).map_or(READ_PIECE, |n| n.min(READ_PIECE))
}

fn open_for_reading(path: &Path, offset: u64) -> std::io::Result<File> {
    let mut file = File::open(path)?;
    if offset > 0 {
        file.seek(SeekFrom::Start(offset))?;
    }
    Ok(file)
}

impl FileReader {
    /// Opens `path` for reading from `offset`; `expected` is its size, when known.
    pub async fn open(path: &Path, offset: u64, expected: Option<u64>) -> std::io::Result<Self> {
        let left = expected.map_or(u64::MAX, |size| size.saturating_sub(offset));
        let file = open_file(path, offset, left <= INLINE_LIMIT, open_for_reading).await?;
        Ok(Self {
            file: Some(file),
            left,
            spare: None,
        })
    }

    /// The next piece, or `None` at the end of the file.
    pub fn next(&mut self) -> Option<std::io::Result<Vec<u8>>> {
        let file = self.file.as_mut()?;
        let wanted = buffer_for(self.left);
        // A piece handed back is read into again as it is (zeroed once, when first made).
        let mut piece = self
            .spare
            .take()
            .filter(|spare| spare.len() >= wanted)
            .unwrap_or_else(|| vec![0u8; wanted]);
        piece.truncate(wanted);
        // One `read` a piece from the page cache (`read_to_end` made four: it grows its reads
        // from 8 KiB on every call). A file that grew since it was listed fills the piece and
        // is read on; a short read is the end.
        let mut filled = 0;
        while filled < piece.len() {
            match file.read(&mut piece[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.file = None;
                    return Some(Err(e));
                }
            }
        }
        if filled < piece.len() {
            self.file = None;
        }
        if filled == 0 {
            return None;
        }
        piece.truncate(filled);
        self.left = match self.left.checked_sub(filled as u64) {
            Some(left) if left > 0 => left,
            // More than the queue knew of: the file grew, and is read on in whole pieces.
            _ => u64::MAX,
        };
        Some(Ok(piece))
    }

    /// Hands a sent piece back for reuse.
    pub fn recycle(&mut self, piece: Vec<u8>) {
        self.spare = Some(piece);
    }
}

/// The digest of a local file, computed on a blocking thread.
pub(crate) async fn digest(path: PathBuf, algorithm: HashAlgorithm) -> std::io::Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let mut file = File::open(&path)?;
        let mut hasher = Hasher::new(algorithm);
        let mut buffer = vec![0u8; CHUNK];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        Ok(hasher.finish())
    })
    .await
    .map_err(std::io::Error::other)?
}

enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
    Sha1(sha1::Sha1),
    Md5(md5::Md5),
    Crc32(crc32fast::Hasher),
}

impl Hasher {
    fn new(algorithm: HashAlgorithm) -> Self {
        use sha2::Digest;
        match algorithm {
            HashAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            HashAlgorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlgorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            HashAlgorithm::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Crc32(h) => h.update(bytes),
        }
    }

    fn finish(self) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Crc32(h) => h.finalize().to_be_bytes().to_vec(),
        }
    }
}

/// Writes all of `bytes` at the file's cursor, [`WRITE_PIECE`] at most per call.
fn write_in_pieces(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    bytes
        .chunks(WRITE_PIECE)
        .try_for_each(|piece| file.write_all(piece))
}

/// Writes all of `bytes` at `offset` without moving a shared cursor, so several connections
/// can write their ranges of one file at once ([`WRITE_PIECE`] at most per call on Unix, where
/// the page cache's folios follow the write's size).
pub(crate) fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut at = offset;
        for piece in bytes.chunks(WRITE_PIECE) {
            std::os::unix::fs::FileExt::write_all_at(file, piece, at)?;
            at += piece.len() as u64;
        }
        Ok(())
    }
    #[cfg(windows)]
    {
        let mut written = 0;
        while written < bytes.len() {
            let n = std::os::windows::fs::FileExt::seek_write(
                file,
                &bytes[written..],
                offset + written as u64,
            )?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            written += n;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ at every position, so a piece written at the wrong place shows.
    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i % 251) as u8 ^ (i / 251) as u8 ^ seed)
            .collect()
    }

    /// Everything a reader yields, joined.
    fn read_all(path: &Path, offset: u64, expected: Option<u64>) -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let mut reader = FileReader::open(path, offset, expected)
                .await
                .expect("the file opens");
            let mut read = Vec::new();
            // Bounded: no test file needs more than 64 pieces.
            for _ in 0..64 {
                match reader.next() {
                    Some(chunk) => read.extend(chunk.expect("the file reads")),
                    None => return read,
                }
            }
            panic!("the reader did not end");
        })
    }

    #[test]
    fn uploads_read_the_file_from_the_offset_whatever_its_size_or_the_size_expected() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // (file size, offset, size the queue expected): small files in one piece, others in
        // many; files that grew or shrank since they were listed.
        let cases: &[(usize, u64, Option<u64>)] = &[
            (0, 0, Some(0)),
            (4096, 0, Some(4096)),
            (4096, 1000, Some(4096)),
            (INLINE_LIMIT as usize, 0, Some(INLINE_LIMIT)),
            (3 * CHUNK + 17, 0, Some(100)),
            (3000, 0, Some(2 * CHUNK as u64)),
            (CHUNK + 1, 0, Some(CHUNK as u64 + 1)),
            (CHUNK + 1, 5, None),
            (2 * CHUNK, CHUNK as u64, Some(2 * CHUNK as u64)),
        ];
        for (i, &(size, offset, expected)) in cases.iter().enumerate() {
            let path = dir.path().join(format!("case-{i}"));
            let bytes = pattern(size, i as u8);
            std::fs::write(&path, &bytes).expect("the file is written");
            let read = read_all(&path, offset, expected);
            assert!(
                read[..] == bytes[offset as usize..],
                "case {i} ({size} bytes from {offset}, {expected:?} expected): {} bytes read",
                read.len()
            );
        }
    }

    #[test]
    fn writes_of_several_pieces_land_at_their_offsets() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("ranges.part");
        let size = 3 * WRITE_PIECE + 12_345;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .expect("the file opens");
        file.set_len(size as u64).expect("the file takes its size");
        // Two ranges of several pieces each, the second written first, neither on a piece's
        // boundary.
        let split = WRITE_PIECE + 777;
        let (first, second) = (pattern(split, 1), pattern(size - split, 2));
        write_at(&file, &second, split as u64).expect("the second range is written");
        write_at(&file, &first, 0).expect("the first range is written");
        let written = std::fs::read(&path).expect("the file reads back");
        assert_eq!(written.len(), size);
        assert!(written[..split] == first[..], "the first range differs");
        assert!(written[split..] == second[..], "the second range differs");
    }

    /// A resumed download written where it is received until one write is slow, then by a
    /// thread of its own: every byte lands after what was there, in order, and the file gets
    /// the server's time.
    #[test]
    fn a_download_goes_on_on_a_writing_thread_once_the_disk_is_slow() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("slow.part");
        let kept = pattern(1000, 5);
        std::fs::write(&path, &kept).expect("the partial file is written");
        let chunks: Vec<Vec<u8>> = (0..4u8).map(|i| pattern(CHUNK - 7, 6 + i)).collect();
        let when = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let written = runtime.block_on(async {
            let expected = kept.len() + chunks.len() * (CHUNK - 7);
            let mut writer = FileWriter::open(&path, kept.len() as u64, Some(expected as u64))
                .await
                .expect("the file opens");
            for (i, chunk) in chunks.iter().enumerate() {
                let mut buffer = writer.buffer(CHUNK);
                buffer.extend_from_slice(chunk);
                writer.write(buffer).await.expect("the chunk is written");
                let threaded = matches!(writer.state, WriterState::Threaded { .. });
                assert_eq!(threaded, i >= 2, "after chunk {i}");
                if i == 1 {
                    // The second write took long.
                    writer
                        .place
                        .wrote(super::super::write_place::SLOW_WRITE * 2);
                }
            }
            writer
                .finish(Some(when))
                .await
                .expect("the file is finished")
        });
        let on_disk = std::fs::read(&path).expect("the file reads back");
        let mut expected = kept.clone();
        chunks.iter().for_each(|c| expected.extend_from_slice(c));
        assert_eq!(written, expected.len() as u64);
        assert!(on_disk == expected, "the bytes differ");
        let modified = std::fs::metadata(&path).and_then(|m| m.modified());
        assert_eq!(modified.expect("a time"), when);
    }

    #[test]
    fn a_chunk_of_several_pieces_is_written_whole_after_what_is_there() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("resumed.part");
        let kept = pattern(1000, 3);
        std::fs::write(&path, &kept).expect("the partial file is written");
        let mut file = open_for_writing(&path, kept.len() as u64).expect("the file opens");
        let chunk = pattern(2 * WRITE_PIECE + 5, 4);
        write_in_pieces(&mut file, &chunk).expect("the chunk is written");
        drop(file);
        let written = std::fs::read(&path).expect("the file reads back");
        assert_eq!(written.len(), kept.len() + chunk.len());
        assert!(written[..kept.len()] == kept[..], "the kept part changed");
        assert!(written[kept.len()..] == chunk[..], "the chunk differs");
    }
}
