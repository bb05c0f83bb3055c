//! The engine's door: the vocabulary faces use to talk to it, and nothing else. Commands go in
//! (`command`), events come out (`event`, a listing's bytes in `listing_chunk`), about the
//! queue (`queue`), the local disk (`local`) and TLS certificates (`certificate`).

pub mod certificate;
pub mod command;
pub mod event;
pub mod listing_chunk;
pub mod local;
pub mod queue;
