//! A listing's bytes as they come off the data connection, in buffers that go back to the
//! reading once their reader is done with them.
//!
//! A 100,000-entry listing is 7 MB. Read into a fresh buffer for each read and freed on the
//! thread that parses it, it was a page fault every 4 KiB on the reading side (a third of the
//! engine thread's CPU on `ferry ls`, perf) and freed pages handed back to the kernel on the
//! other; and while the parser was behind, all of the listing waited in memory. A few buffers
//! going round stay in the cache, cost no faults after the first round, and bound what waits:
//! when every buffer is still being read, the data connection waits (the server's bytes stay in
//! the socket, and TCP slows the server) until one comes back.

use std::ops::Deref;

use tokio::sync::mpsc;

/// Bytes of a listing, as the server sent them. Dropping it gives its buffer back to the
/// [`ChunkPool`] it came from (when that still reads).
pub struct ListingChunk {
    bytes: Vec<u8>,
    home: Option<mpsc::UnboundedSender<Vec<u8>>>,
}

impl ListingChunk {
    /// Bytes that belong to no pool (tests, a face's own copy).
    pub fn detached(bytes: Vec<u8>) -> Self {
        Self { bytes, home: None }
    }
}

impl Deref for ListingChunk {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for ListingChunk {
    fn drop(&mut self) {
        if let Some(home) = self.home.take() {
            // The pool is gone once its listing has been read: then the buffer is just freed.
            let _ = home.send(std::mem::take(&mut self.bytes));
        }
    }
}

/// A copy is the face's own: it goes back to no pool.
impl Clone for ListingChunk {
    fn clone(&self) -> Self {
        Self::detached(self.bytes.clone())
    }
}

impl std::fmt::Debug for ListingChunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ListingChunk({} bytes)", self.bytes.len())
    }
}

/// The buffers one listing is read into.
pub(crate) struct ChunkPool {
    returned: mpsc::UnboundedReceiver<Vec<u8>>,
    return_to: mpsc::UnboundedSender<Vec<u8>>,
    made: usize,
}

impl ChunkPool {
    /// Buffers going round. Four of 256 KiB keep the parser busy (one read fills a buffer in a
    /// fraction of the time its parse takes) and fit in a core's cache.
    pub(crate) const BUFFERS: usize = 4;
    /// What one read may bring.
    pub(crate) const CAPACITY: usize = 256 * 1024;

    pub(crate) fn new() -> Self {
        let (return_to, returned) = mpsc::unbounded_channel();
        Self {
            returned,
            return_to,
            made: 0,
        }
    }

    /// An empty buffer of [`Self::CAPACITY`]: one given back, a new one while fewer than
    /// [`Self::BUFFERS`] exist, or else the next one given back (waiting for it).
    pub(crate) async fn empty_buffer(&mut self) -> Vec<u8> {
        let mut buffer = match self.returned.try_recv() {
            Ok(buffer) => buffer,
            Err(_) if self.made < Self::BUFFERS => {
                self.made += 1;
                Vec::new()
            }
            // `None` can't happen (the pool keeps a sender); a new buffer would do anyway.
            Err(_) => self.returned.recv().await.unwrap_or_default(),
        };
        buffer.clear();
        buffer.reserve_exact(Self::CAPACITY);
        buffer
    }

    /// `bytes` as a chunk that comes back here when dropped.
    pub(crate) fn chunk(&self, bytes: Vec<u8>) -> ListingChunk {
        ListingChunk {
            bytes,
            home: Some(self.return_to.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn buffers_go_round_and_the_reading_waits_for_one_when_all_are_out() {
        let mut pool = ChunkPool::new();
        let mut out = Vec::new();
        for i in 0..ChunkPool::BUFFERS {
            let mut buffer = pool.empty_buffer().await;
            assert!(buffer.capacity() >= ChunkPool::CAPACITY);
            buffer.push(i as u8);
            out.push(pool.chunk(buffer));
        }
        let addresses: Vec<*const u8> = out.iter().map(|c| c.as_ptr()).collect();
        // Every buffer is out: the next one waits for one to come back.
        let waiting = tokio::time::timeout(std::time::Duration::ZERO, pool.empty_buffer()).await;
        assert!(waiting.is_err(), "a fifth buffer was made");
        // Given back (dropped), a chunk's buffer is the next one handed out, empty.
        let given_back = out.remove(2);
        assert_eq!(&given_back[..], &[2]);
        drop(given_back);
        let again = pool.empty_buffer().await;
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), addresses[2]);
    }

    #[test]
    fn a_copy_belongs_to_no_pool() {
        let pool = ChunkPool::new();
        let chunk = pool.chunk(b"abc".to_vec());
        let copy = chunk.clone();
        assert!(copy.home.is_none());
        assert_eq!(&copy[..], b"abc");
        assert_eq!(format!("{copy:?}"), "ListingChunk(3 bytes)");
    }
}
