//! The transfer queue. `state` holds the rules (no tokio, no I/O): the items, their
//! transitions, and, in `decide`, the one decision about an existing target. `workers` carries
//! them out on tokio with a pool of sessions; `saved` keeps the queue on disk as a journal;
//! `settling` says when a face reading on its own tick must hear of a change at once.

pub(crate) mod decide;
pub(crate) mod saved;
mod settling;
pub(crate) mod state;
mod workers;

pub use state::Restore;
pub(crate) use workers::Queue;
pub use workers::QueueFile;
