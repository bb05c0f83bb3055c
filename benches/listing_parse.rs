//! Listing parser throughput: 100,000 generated Unix `ls -l` lines and 100,000 MLSD lines,
//! parsed into the entries the window keeps, and printed as `ferry ls --json` prints them (the
//! Unix lines, and the suite's 100,000-entry folder as vsftpd lists it).
//! Run with `cargo bench --bench listing_parse`; throughput is reported in lines (elements).

use std::hint::black_box;

// The allocator the `ferry` binary uses (see main.rs): every entry allocates its name and
// fields, so the parser's speed in Ferry is its speed with this allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ferry::protocol::listing::{ListingContext, ListingFormat, parse_listing};

#[path = "shared/listings.rs"]
mod listings;
use listings::{LINES, print, suite_listing, unix_listing};

fn mlsd_listing() -> Vec<u8> {
    let mut out = String::with_capacity(LINES * 120);
    for i in 0..LINES {
        let line = if i % 5 == 0 {
            format!(
                "type=dir;sizd=4096;modify=2026{:02}{:02}120000;UNIX.mode=0755;UNIX.uid=1001;UNIX.gid=1001;unique=fe{i:x}; directory {i}\r\n",
                i % 12 + 1,
                i % 28 + 1
            )
        } else {
            format!(
                "type=file;size={};modify=2026{:02}{:02}120000.123;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=1001;unique=fe{i:x}; file-{i}.txt\r\n",
                (i as u64) * 7919,
                i % 12 + 1,
                i % 28 + 1
            )
        };
        out.push_str(&line);
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let now = NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(19, 5, 0)
        .unwrap();
    let unix = unix_listing();
    let mlsd = mlsd_listing();

    let mut group = c.benchmark_group("listing_parse");
    group.sample_size(20);
    group.throughput(Throughput::Elements(LINES as u64));

    let ctx = ListingContext::new(ListingFormat::List, now);
    assert_eq!(parse_listing(&unix, &ctx).entries.len(), LINES);
    group.bench_function("unix_100k", |b| {
        b.iter(|| parse_listing(black_box(&unix), &ctx))
    });

    assert_eq!(print(&unix, &ctx, true), 0);
    group.bench_function("ls_json_unix_100k", |b| {
        b.iter(|| print(black_box(&unix), &ctx, true))
    });
    let suite = suite_listing();
    assert_eq!(print(&suite, &ctx, true), 0);
    group.bench_function("ls_json_suite_100k", |b| {
        b.iter(|| print(black_box(&suite), &ctx, true))
    });
    assert_eq!(print(&suite, &ctx, false), 0);
    group.bench_function("ls_long_suite_100k", |b| {
        b.iter(|| print(black_box(&suite), &ctx, false))
    });

    let ctx = ListingContext::new(ListingFormat::Mlsd, now);
    assert_eq!(parse_listing(&mlsd, &ctx).entries.len(), LINES);
    group.bench_function("mlsd_100k", |b| {
        b.iter(|| parse_listing(black_box(&mlsd), &ctx))
    });

    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
