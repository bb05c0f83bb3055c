//! One round of `ferry ls`'s parse and print of a generated 100,000-line listing, to count its
//! instructions with callgrind (a count doesn't move with the machine's noise as wall time does;
//! BENCHMARKS.md gives the listing's cost in instructions a line):
//!
//! ```text
//! CARGO_PROFILE_BENCH_STRIP=false CARGO_PROFILE_BENCH_DEBUG=line-tables-only \
//!   cargo bench --bench listing_instructions --no-run
//! valgrind --tool=callgrind target/release/deps/listing_instructions-HASH [suite|unix] [json|long]
//! callgrind_annotate --inclusive=yes callgrind.out.PID | grep 'ListingParser::line \['
//! ```
//!
//! (The release profile strips symbols, and callgrind needs them to name the functions.)
//!
//! `ListingParser::line`'s inclusive count, over 100,000, is the instructions a line: the parse
//! and the printing, without generating the listing. Run without valgrind
//! (`cargo bench --bench listing_instructions`), it prints how long the round took.

// The allocator the `ferry` binary uses (see main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use ferry::protocol::listing::{ListingContext, ListingFormat};

#[path = "shared/listings.rs"]
mod listings;
use listings::{LINES, print, suite_listing, unix_listing};

fn main() {
    // `cargo bench` adds `--bench`.
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let (name, listing) = match args.next().as_deref() {
        Some("unix") => ("unix", unix_listing()),
        _ => ("suite", suite_listing()),
    };
    let json = args.next().as_deref() != Some("long");
    let now = NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(19, 5, 0))
        .expect("a valid date");
    let context = ListingContext::new(ListingFormat::List, now);
    let started = std::time::Instant::now();
    let unreadable = print(&listing, &context, json);
    let took = started.elapsed();
    assert_eq!(unreadable, 0, "every generated line reads");
    println!(
        "{LINES} {name} lines printed as {}: {took:?}",
        if json { "--json" } else { "ls -l lines" }
    );
}
