//! Plain downloads moved from the data connection to the file inside the kernel (Linux).
//!
//! A download read into a buffer is copied twice on this machine: from the socket into the
//! buffer, and from the buffer into the file's page cache. `splice(2)` moves the received pages
//! into a pipe without a copy and from the pipe into the file with one, and the bytes never
//! pass through Ferry's memory. 1 GiB from vsftpd on loopback, 8 interleaved rounds: 0.79 →
//! 0.49 s (CPU 0.67 → 0.44 s); from pure-ftpd, whose own copy bounds it, the same time with a
//! fifth less CPU (BENCHMARKS.md, "The stop after 1cfa5d6"). Only where the bytes arrive as they are stored: not over TLS
//! (they are decrypted in Ferry), not in ASCII mode (converted), not for a small file (the
//! pipe costs more than the copies it saves).
//!
//! Elsewhere there is no [`Pipe`], and downloads read into buffers as everywhere.

/// Files with fewer bytes to fetch than this are read into a buffer: for them, making and
/// closing the pipe costs about what splicing saves.
pub(crate) const SPLICE_FROM: u64 = 1024 * 1024;

/// The most taken from the socket at once, and the pipe's size: as much as the engine reads
/// into one buffer otherwise (`local_io::CHUNK`).
pub(crate) const MOST: usize = 1024 * 1024;

/// The most moved from the pipe into the file at once. 16 KiB moves (the size `local_io` writes
/// in, for the page cache's sake) took as long as reading and writing; 64 KiB ones were the
/// quickest and the steadiest of 16 KiB to 1 MiB.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const INTO_FILE: usize = 64 * 1024;

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::os::unix::fs::FileExt;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A pipe between a data connection and a file. Emptied into the file after every fill, so
    /// a fill never finds it full (and never waits on it).
    #[derive(Debug)]
    pub(crate) struct Pipe {
        read_end: File,
        write_end: OwnedFd,
        /// The file system took no splice (some FUSE and network ones, a file opened to
        /// append): the pipe is emptied by reading and writing, and the caller goes back to
        /// buffers.
        refused_by_file: AtomicBool,
    }

    impl Pipe {
        /// A new pipe, as large as [`super::MOST`] when the system allows it (else its default,
        /// 64 KiB, and the fills are smaller). `None` if none can be made: the download reads
        /// into buffers then.
        pub(crate) fn new() -> Option<Self> {
            let mut ends: [libc::c_int; 2] = [-1; 2];
            // SAFETY: pipe2 writes two descriptors into the array on success; each is owned by
            // one OwnedFd from here on, which closes it.
            let (read_end, write_end) = unsafe {
                if libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
                    return None;
                }
                (
                    File::from(OwnedFd::from_raw_fd(ends[0])),
                    OwnedFd::from_raw_fd(ends[1]),
                )
            };
            let size = libc::c_int::try_from(super::MOST).unwrap_or(libc::c_int::MAX);
            // SAFETY: F_SETPIPE_SZ takes an int and touches no memory; a refusal (a limit set
            // lower by the system) leaves the pipe as it was.
            unsafe { libc::fcntl(write_end.as_raw_fd(), libc::F_SETPIPE_SZ, size) };
            Some(Self {
                read_end,
                write_end,
                refused_by_file: AtomicBool::new(false),
            })
        }

        /// Moves up to `most` bytes waiting on `socket` (non-blocking) into the pipe, which must
        /// be empty. 0 at the end of the data; `WouldBlock` when nothing waits.
        pub(crate) fn fill_from(&self, socket: RawFd, most: usize) -> std::io::Result<usize> {
            splice(
                socket,
                (self.write_end.as_raw_fd(), None),
                most.min(super::MOST),
                libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK,
            )
        }

        /// Moves the `len` bytes the last fill put in the pipe into `file`: at its position, or
        /// from offset `at` on (its position unchanged, as `pwrite`).
        pub(crate) fn empty_into(
            &self,
            file: &File,
            len: usize,
            mut at: Option<u64>,
        ) -> std::io::Result<()> {
            let mut left = len;
            while left > 0 {
                if self.refused_by_file() {
                    return self.copy_into(file, left, at);
                }
                match splice(
                    self.read_end.as_raw_fd(),
                    (file.as_raw_fd(), at.as_mut()),
                    left.min(super::INTO_FILE),
                    libc::SPLICE_F_MOVE,
                ) {
                    // The pipe holds what the fill said it put there: this is not expected.
                    Ok(0) => {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::WriteZero,
                            "the file took none of the received bytes",
                        ));
                    }
                    Ok(moved) => left -= moved,
                    Err(e) if refuses_splice(&e) => {
                        self.refused_by_file.store(true, Ordering::Relaxed);
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }

        /// Whether the file took no splice: the rest goes through buffers.
        pub(crate) fn refused_by_file(&self) -> bool {
            self.refused_by_file.load(Ordering::Relaxed)
        }

        /// Empties `len` bytes of the pipe into `file` by reading and writing them.
        fn copy_into(&self, file: &File, len: usize, at: Option<u64>) -> std::io::Result<()> {
            let mut buffer = vec![0; len.min(super::MOST)];
            let mut left = len;
            let mut at = at;
            while left > 0 {
                let want = left.min(buffer.len());
                (&self.read_end).read_exact(&mut buffer[..want])?;
                match &mut at {
                    Some(at) => {
                        file.write_all_at(&buffer[..want], *at)?;
                        *at += want as u64;
                    }
                    None => (&*file).write_all(&buffer[..want])?,
                }
                left -= want;
            }
            Ok(())
        }
    }

    /// The errors of a file system (or a file's mode) that takes no splice.
    fn refuses_splice(error: &std::io::Error) -> bool {
        matches!(
            error.raw_os_error(),
            Some(libc::EINVAL | libc::EOPNOTSUPP | libc::ENOSYS)
        )
    }

    /// `splice(2)` from `from`, at its position, to `to`: at its position, or at the offset
    /// given (which it advances).
    fn splice(
        from: RawFd,
        to: (RawFd, Option<&mut u64>),
        len: usize,
        flags: libc::c_uint,
    ) -> std::io::Result<usize> {
        let (to, at) = to;
        let mut offset = at.as_deref().map(|&at| offset_of(at)).transpose()?;
        loop {
            let offset_ptr = offset
                .as_mut()
                .map_or(std::ptr::null_mut(), |offset| offset as *mut _);
            // SAFETY: both descriptors are open for the duration of the call (borrowed from
            // their owners); the offset pointer is null or points to a live loff_t on this
            // stack, which splice reads and advances; no other memory is touched.
            let moved =
                unsafe { libc::splice(from, std::ptr::null_mut(), to, offset_ptr, len, flags) };
            match usize::try_from(moved) {
                Ok(moved) => {
                    if let (Some(at), Some(now)) = (at, offset) {
                        *at = u64::try_from(now).unwrap_or(*at);
                    }
                    return Ok(moved);
                }
                Err(_) => {
                    let error = std::io::Error::last_os_error();
                    if error.kind() != std::io::ErrorKind::Interrupted {
                        return Err(error);
                    }
                }
            }
        }
    }

    fn offset_of(at: u64) -> std::io::Result<libc::loff_t> {
        libc::loff_t::try_from(at).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "offset beyond a file's")
        })
    }
}

#[cfg(target_os = "linux")]
pub(crate) use linux::Pipe;

/// No pipe here: downloads read into buffers.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
pub(crate) enum Pipe {}

#[cfg(not(target_os = "linux"))]
impl Pipe {
    pub(crate) fn new() -> Option<Self> {
        None
    }

    pub(crate) fn empty_into(
        &self,
        _file: &std::fs::File,
        _len: usize,
        _at: Option<u64>,
    ) -> std::io::Result<()> {
        match *self {}
    }

    pub(crate) fn refused_by_file(&self) -> bool {
        match *self {}
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    /// A connected pair; the receiving end non-blocking, as a data connection's socket is.
    fn socket_pair() -> (UnixStream, UnixStream) {
        let (sender, receiver) = UnixStream::pair().expect("socket pair");
        receiver.set_nonblocking(true).expect("non-blocking");
        (sender, receiver)
    }

    /// Sends `bytes` and moves them into the pipe in one fill (they are few).
    fn send_and_fill(
        sender: &mut UnixStream,
        receiver: &UnixStream,
        pipe: &Pipe,
        bytes: &[u8],
    ) -> usize {
        sender.write_all(bytes).expect("send");
        let n = pipe
            .fill_from(receiver.as_raw_fd(), MOST)
            .expect("fill the pipe");
        assert_eq!(n, bytes.len());
        n
    }

    /// A file holding `bytes`, opened with `options`.
    fn file_holding(
        dir: &tempfile::TempDir,
        bytes: &[u8],
        options: &std::fs::OpenOptions,
    ) -> (std::path::PathBuf, std::fs::File) {
        let path = dir.path().join("file");
        std::fs::write(&path, bytes).expect("write");
        let file = options.open(&path).expect("open");
        (path, file)
    }

    #[test]
    fn received_bytes_land_in_the_file_after_what_is_there() {
        let (mut sender, receiver) = socket_pair();
        let dir = tempfile::tempdir().expect("temp dir");
        // At its end, as a resume opens it (splice takes no file opened to append).
        let (path, mut file) =
            file_holding(&dir, b"kept:", std::fs::OpenOptions::new().write(true));
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).expect("seek");
        let pipe = Pipe::new().expect("a pipe");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut moved = 0;
        // Bounded: the socket pair holds at least some of it each time.
        for _ in 0..1_000 {
            if moved == bytes.len() {
                break;
            }
            let end = (moved + 50_000).min(bytes.len());
            sender.write_all(&bytes[moved..end]).expect("send");
            let mut filled = 0;
            while filled < end - moved {
                let n = pipe
                    .fill_from(receiver.as_raw_fd(), MOST)
                    .expect("fill the pipe");
                pipe.empty_into(&file, n, None).expect("empty the pipe");
                filled += n;
            }
            moved = end;
        }
        drop(sender);
        assert_eq!(
            pipe.fill_from(receiver.as_raw_fd(), MOST).expect("the end"),
            0
        );
        file.flush().expect("flush");
        let mut written = Vec::new();
        std::fs::File::open(&path)
            .expect("open")
            .read_to_end(&mut written)
            .expect("read");
        assert_eq!(&written[..5], b"kept:");
        assert!(written[5..] == bytes[..], "the bytes differ");
    }

    #[test]
    fn bytes_given_an_offset_land_there_and_the_files_position_stays() {
        let (mut sender, receiver) = socket_pair();
        let dir = tempfile::tempdir().expect("temp dir");
        let (path, file) = file_holding(&dir, &[b'.'; 10], std::fs::OpenOptions::new().write(true));
        let pipe = Pipe::new().expect("a pipe");
        let n = send_and_fill(&mut sender, &receiver, &pipe, b"abc");
        pipe.empty_into(&file, n, Some(4)).expect("empty the pipe");
        assert_eq!(std::fs::read(&path).expect("read"), b"....abc...");
        let n = send_and_fill(&mut sender, &receiver, &pipe, b"X");
        pipe.empty_into(&file, n, None).expect("empty");
        assert_eq!(std::fs::read(&path).expect("read"), b"X...abc...");
    }

    #[test]
    fn a_file_that_takes_no_splice_gets_the_bytes_all_the_same() {
        let (mut sender, receiver) = socket_pair();
        let dir = tempfile::tempdir().expect("temp dir");
        // Linux refuses to splice into a file opened to append (EINVAL), as some file systems
        // refuse any splice.
        let (path, file) = file_holding(&dir, b"kept:", std::fs::OpenOptions::new().append(true));
        let pipe = Pipe::new().expect("a pipe");
        let n = send_and_fill(&mut sender, &receiver, &pipe, b"first");
        pipe.empty_into(&file, n, None).expect("emptied by copying");
        assert!(pipe.refused_by_file());
        let n = send_and_fill(&mut sender, &receiver, &pipe, b", second");
        pipe.empty_into(&file, n, None).expect("emptied by copying");
        assert_eq!(std::fs::read(&path).expect("read"), b"kept:first, second");
    }

    #[test]
    fn nothing_waiting_is_would_block_not_the_end() {
        let (_sender, receiver) = socket_pair();
        let pipe = Pipe::new().expect("a pipe");
        let error = pipe
            .fill_from(receiver.as_raw_fd(), MOST)
            .expect_err("nothing waits");
        assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
    }
}
