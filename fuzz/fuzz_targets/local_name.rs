//! The local-name sanitiser: a server's name in, one safe path component out.
//! See `ferry::protocol::fuzz_checks::local_name` for what must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferry::protocol::fuzz_checks::local_name(data));
