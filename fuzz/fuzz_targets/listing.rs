//! Fuzzes the directory-listing parser: any bytes, as MLSD and as LIST, with and without a
//! SYST hint, must parse without panicking, and every non-blank line must end up as an entry,
//! a skipped line or an unparsed line (never more entries than lines).
//!
//! Run from the crate root: `cargo +nightly fuzz run listing -- -max_total_time=60`

#![no_main]

use chrono::NaiveDate;
use ferry::protocol::listing::{ListingContext, ListingFormat, NameEncoding, lines, parse_listing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(now) = NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(19, 5, 0))
    else {
        return;
    };
    // The first byte picks the hints, so the fuzzer explores them too.
    let (hint, bytes) = match data.split_first() {
        Some((&h, rest)) => (h, rest),
        None => (0, data),
    };
    let systems = [
        None,
        Some("UNIX Type: L8"),
        Some("VMS"),
        Some("MVS"),
        Some("OS/400"),
        Some("Windows_NT"),
    ];
    let system = systems[usize::from(hint) % systems.len()];
    let encoding = NameEncoding::ALL[usize::from(hint >> 3) % NameEncoding::ALL.len()];
    let offset = i32::from(hint as i8) * 15;

    let non_blank = lines(bytes)
        .filter(|l| l.iter().any(|&b| b != b' ' && b != b'\t'))
        .count();
    for format in [ListingFormat::Mlsd, ListingFormat::List] {
        let mut ctx = ListingContext::new(format, now)
            .with_encoding(encoding)
            .with_server_offset_minutes(offset);
        ctx.system = system.map(str::to_owned);
        let listing = parse_listing(bytes, &ctx);
        assert!(listing.entries.len() + listing.unparsed.len() <= non_blank);
        for entry in &listing.entries {
            assert!(!entry.name.raw.is_empty());
            assert!(!entry.raw_line.is_empty());
        }
    }
});
