//! The values read from replies: SIZE, MDTM, HASH and X… digests, PWD, FEAT, PASV, EPSV.
//! See `ferry::protocol::fuzz_checks::reply_values` for what must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferry::protocol::fuzz_checks::reply_values(data));
