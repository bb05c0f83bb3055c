//! The window with 100,000 entries in one folder: time of the frame that shows the listing,
//! frame times while scrolling, the frame that re-sorts by size, and resident memory.
//! Run with `cargo bench --bench gui_listing`; figures go to BENCHMARKS.md.
//!
//! Frames are run by egui_kittest without a GPU: each figure is the CPU work of a frame (layout,
//! widgets, tessellation, accessibility tree), which is what a slow frame would come from.

// The allocator the `ferry` binary uses (see main.rs), so memory and frame times are Ferry's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ferry::engine::{DirListing, Event};
use ferry::protocol::listing::{ListingContext, ListingFormat, parse_listing};
use ferry::protocol::path::RemotePath;
use ferry::ui::{AppOptions, FerryApp};

const ENTRIES: usize = 100_000;
const SCROLL_FRAMES: usize = 300;

fn listing_bytes() -> Vec<u8> {
    let mut out = String::with_capacity(ENTRIES * 80);
    for i in 0..ENTRIES {
        if i % 10 == 0 {
            out.push_str(&format!(
                "drwxr-xr-x    2 ftpuser  ftpgroup      4096 Nov {:>2} 12:{:02} folder {i:06}\r\n",
                i % 28 + 1,
                i % 60
            ));
        } else {
            out.push_str(&format!(
                "-rw-r--r--    1 ftpuser  ftpgroup {:>9} Nov {:>2} 12:{:02} file {i:06}.dat\r\n",
                (i * 7919) % 10_000_000,
                i % 28 + 1,
                i % 60
            ));
        }
    }
    out.into_bytes()
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p) as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let now = NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("date");
    let bytes = listing_bytes();
    let listing = parse_listing(&bytes, &ListingContext::new(ListingFormat::List, now));
    assert_eq!(listing.entries.len(), ENTRIES);
    drop(bytes);

    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| FerryApp::new(cc, AppOptions::default()));
    harness.step();
    let rss_before = rss_mib();

    let started = Instant::now();
    harness
        .state_mut()
        .handle_event(Event::Listing(Box::new(DirListing {
            path: RemotePath::from_text("/big"),
            listing,
            entered: true,
        })));
    harness.step();
    let first_frame = started.elapsed();
    let rss_loaded = rss_mib();

    // Scroll down through the table with the mouse wheel.
    harness.hover_at(egui::pos2(900.0, 600.0));
    let mut scroll = Vec::with_capacity(SCROLL_FRAMES);
    for _ in 0..SCROLL_FRAMES {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -300.0),
            phase: egui::TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        });
        let t = Instant::now();
        harness.step();
        scroll.push(t.elapsed());
    }

    // Re-sort by size, then back to descending, each in the frame of the click.
    let mut sort = Vec::new();
    for _ in 0..4 {
        harness.get_by_label("Remote files: sort by Size").click();
        let t = Instant::now();
        harness.step();
        sort.push(t.elapsed());
    }
    let rss_after = rss_mib();

    println!("entries:                         {ENTRIES}");
    println!("frame showing the listing:       {}", ms(first_frame));
    println!(
        "scroll frame, median / p95 / max: {} / {} / {}",
        ms(median(scroll.clone())),
        ms(percentile(scroll.clone(), 0.95)),
        ms(*scroll.iter().max().expect("frames"))
    );
    println!(
        "re-sort frame, median / max:     {} / {}",
        ms(median(sort.clone())),
        ms(*sort.iter().max().expect("frames"))
    );
    println!(
        "resident memory: {rss_before:.0} MiB empty, {rss_loaded:.0} MiB with the listing, {rss_after:.0} MiB at the end"
    );
}
