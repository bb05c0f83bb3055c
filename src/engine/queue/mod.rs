//! The transfer queue. `state` holds the rules (no tokio, no I/O): the items, their
//! transitions, and, in `decide`, the one decision about an existing target. `workers` carries
//! them out on tokio with a pool of sessions; `saved` keeps the queue on disk as a journal.

pub(crate) mod decide;
pub(crate) mod saved;
pub(crate) mod state;
mod workers;

pub use state::Restore;
pub(crate) use workers::Queue;
pub use workers::QueueFile;
