//! The listing parser's tests that span formats: real captures, every format FileZilla's own
//! parser test covers, and hostile input. (Each format's own unit tests sit in its file.)

mod corpus;
mod detection;
mod format_case;
mod hostile;
mod other_formats;
mod unix_formats;

use super::{LineText, ListingContext, ListingFormat, NameEncoding};

/// Every capture of a real server's listing in `tests/fixtures/listings/` (see corpus.rs): its
/// path, its format (`LIST…` or `MLSD…` files) and its bytes.
pub(crate) fn every_capture() -> Vec<(std::path::PathBuf, ListingFormat, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/listings");
    let mut captures = Vec::new();
    for server in std::fs::read_dir(root).expect("the captures are in the repository") {
        let server = server.expect("a capture folder").path();
        if !server.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&server).expect("a capture folder") {
            let path = file.expect("a capture").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let format = if name.starts_with("LIST") {
                ListingFormat::List
            } else if name.starts_with("MLSD") {
                ListingFormat::Mlsd
            } else {
                continue;
            };
            let bytes = std::fs::read(&path).expect("a readable capture");
            captures.push((path, format, bytes));
        }
    }
    captures
}

/// A part of a line decoded through the line's text equals the part decoded alone, in every
/// encoding, for every slice of lines that are UTF-8, ASCII, or neither.
#[test]
fn line_text_decodes_every_part_as_alone() {
    let lines: [&[u8]; 4] = [
        b"-rw-r--r-- 1 owner group 531 Jan 29 03:26 plain.txt",
        "-rw-r--r-- 1 jörg grüppe 531 Jan 29 03:26 naïve café → ☃.txt".as_bytes(),
        b"-rw-r--r-- 1 j\xf6rg group 531 Jan 29 03:26 caf\xe9.txt",
        b"-rw-r--r-- 1 \x82\xa0 group 531 Jan 29 03:26 \x93\xfa\x96{",
    ];
    for &encoding in NameEncoding::ALL {
        let context = ListingContext::for_tests().with_encoding(encoding);
        for line in lines {
            let text = LineText::new(line, &context);
            for start in 0..=line.len() {
                for end in start..=line.len() {
                    let part = &line[start..end];
                    assert_eq!(
                        text.cow(part),
                        context.text(part),
                        "{encoding:?}, {part:?} of {line:?}"
                    );
                }
            }
            // Bytes that are not part of the line are decoded alone too.
            let elsewhere = line.to_vec();
            assert_eq!(text.cow(&elsewhere), context.text(&elsewhere));
        }
    }
}
