//! The real window (`FerryApp`) driven by egui_kittest against the embedded server: type into the
//! connection bar, click Connect, and read what is on screen. One file per part of the window.

#[path = "../support/mod.rs"]
mod support;
mod window;

mod browse;
mod conflicts;
mod connection;
mod details;
mod keys;
mod layout;
mod message_log;
mod panes;
mod settings;
mod sites_and_trust;
mod synchronize;
mod transfers;
