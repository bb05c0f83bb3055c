//! The listings the listing benches read, generated: 100,000 Unix `ls -l` lines of every kind,
//! and the suite's 100,000-entry folder as vsftpd lists it; and `ferry ls`'s printing of them.
//! Included by `listing_parse.rs` (criterion, wall time) and `listing_instructions.rs` (one
//! round, for callgrind's instruction counts).

use ferry::cli::ListingPrinter;
use ferry::protocol::listing::ListingContext;

pub const LINES: usize = 100_000;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn unix_listing() -> Vec<u8> {
    let mut out = String::with_capacity(LINES * 80);
    out.push_str("total 123456\r\n");
    for i in 0..LINES {
        let month = MONTHS[i % 12];
        let day = i % 28 + 1;
        let line = match i % 5 {
            0 => format!(
                "drwxr-xr-x    2 ftpuser  ftpgroup      4096 {month} {day:>2} {:02}:{:02} directory {i}\r\n",
                i % 24,
                i % 60
            ),
            1 => format!(
                "lrwxrwxrwx    1 ftpuser  ftpgroup        11 {month} {day:>2}  2019 link-{i} -> target-{i}\r\n"
            ),
            _ => format!(
                "-rw-r--r--    1 ftpuser  ftpgroup {:>9} {month} {day:>2} {:02}:{:02} file-{i}.txt\r\n",
                (i as u64) * 7919,
                i % 24,
                i % 60
            ),
        };
        out.push_str(&line);
    }
    out.into_bytes()
}

/// The suite's `many100k` folder as vsftpd lists it: empty files made in the same minute.
pub fn suite_listing() -> Vec<u8> {
    let mut out = Vec::with_capacity(LINES * 74);
    for i in 1..=LINES {
        out.extend_from_slice(
            format!("-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry_{i:06}.txt\r\n")
                .as_bytes(),
        );
    }
    out
}

/// `ferry ls`'s output (`ls -l`-like lines, `json` false) or `ls --json`'s of `listing`, written
/// nowhere; the count of lines no parser could read.
pub fn print(listing: &[u8], ctx: &ListingContext, json: bool) -> usize {
    // Fed in 64 KiB pieces, about what one read of the data connection brings.
    let mut printer = ListingPrinter::new(ctx.clone(), json, std::io::sink());
    for piece in listing.chunks(64 * 1024) {
        printer.feed(piece);
    }
    printer
        .finish()
        .map(|unparsed| unparsed.len())
        .unwrap_or(usize::MAX)
}
