//! `ftp://`, `ftpes://`, `ftps://` addresses and bare hosts (and `sftp://`, refused).
//! See `ferry::protocol::fuzz_checks::url` for what must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferry::protocol::fuzz_checks::url(data));
