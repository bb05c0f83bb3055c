//! Directory listings (MLSD and LIST, every SYST hint, name encoding and time-zone offset):
//! see `ferry::protocol::fuzz_checks::listing` for what must hold.
//!
//! `fuzz/run-all.sh SECONDS` runs every target; this one alone, from the crate root:
//! `cargo +nightly fuzz run listing -- -max_total_time=60`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferry::protocol::fuzz_checks::listing(data));
