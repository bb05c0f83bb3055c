//! Pure FTP knowledge: no I/O, no async. Every function here maps bytes to values and is
//! unit-tested (and fuzzed, for the parsers that read what a server sends).

pub mod ascii;
pub mod command;
pub mod features;
/// The fuzz targets' checks (see `fuzz/`): built for tests and fuzzing only.
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzz_checks;
pub mod listing;
pub mod local_name;
pub mod passive;
pub mod path;
pub mod permissions;
pub mod reply;
pub mod url;
pub mod verify;
