//! Ferry: a desktop FTP client. The library holds every layer; `main.rs` picks a face.

pub mod cli;
pub mod demo;
pub mod engine;
pub mod protocol;
pub mod store;
pub mod ui;
