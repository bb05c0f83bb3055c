//! Hostile LIST input: whatever bytes a server sends, the parser lists every entry it can,
//! counts the lines it could not read, never panics and never takes quadratic time.

use super::super::*;
use super::format_case::now as capture_now;

/// Arbitrary bytes never panic, and every non-blank line ends up as an entry, a skip or unparsed.
#[test]
fn never_panics_on_junk() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[u8] =
        b" \t-drwxl0123456789:.,;=/<>[]()JanFebMarNovDec AMPM DIR\r\n\xc3\xa4\xe6\x9c\x88+@*";
    let samples: Vec<&[u8]> = vec![
        b"-rw-r--r--   1 root     other        531 Jan 29 03:26 README",
        b"type=file;size=13;modify=20261123190514; README.txt",
        b"04-27-00  09:09PM       <DIR>          licensed",
        b"CII-MANUAL.TEX;1  213/216  29-JAN-1996 03:33:12  [ANONYMOU,ANONYMOUS]   (RWED,RWED,,)",
        b"+i8388621.29609,m824255902,/,\tdev",
        b"QSYS            77824 02/23/00 15:09:55 *DIR       QOpenSys/",
    ];
    for ctx in [
        ListingContext::new(ListingFormat::List, capture_now()),
        ListingContext::new(ListingFormat::Mlsd, capture_now()),
    ] {
        for i in 0..20_000 {
            let mut buf: Vec<u8> = if i % 2 == 0 {
                samples[(next() % samples.len() as u64) as usize].to_vec()
            } else {
                Vec::new()
            };
            let n = (next() % 80) as usize;
            for _ in 0..n {
                let r = next();
                match r % 4 {
                    0 if !buf.is_empty() => {
                        let at = (r >> 8) as usize % buf.len();
                        buf.remove(at);
                    }
                    1 => buf.push((r >> 16) as u8),
                    _ => {
                        let at = if buf.is_empty() {
                            0
                        } else {
                            (r >> 8) as usize % (buf.len() + 1)
                        };
                        buf.insert(at, alphabet[(r >> 24) as usize % alphabet.len()]);
                    }
                }
            }
            let listing = parse_listing(&buf, &ctx);
            let blank_free = lines(&buf)
                .filter(|l| l.iter().any(|&b| b != b' ' && b != b'\t'))
                .count();
            assert!(listing.entries.len() + listing.unparsed.len() <= blank_free);
        }
    }
}
