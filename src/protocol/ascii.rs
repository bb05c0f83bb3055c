//! ASCII-mode transfers: on the wire every line ends in CRLF (RFC 959 §3.1.1.1); on the local
//! disk lines end the platform's way. These convert chunk by chunk, carrying a CR that ends one
//! chunk over to the next.

/// Download direction: CRLF from the network becomes LF (on Windows CRLF is kept as it is).
#[derive(Debug, Default)]
pub struct NetworkToLocal {
    pending_cr: bool,
    /// CRLF pairs seen on the wire: a server that stores LF line ends has the file this many
    /// bytes shorter than what it sent.
    pub line_ends: u64,
}

impl NetworkToLocal {
    pub fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        if cfg!(windows) {
            out.extend_from_slice(input);
            self.line_ends += count_crlf(input, &mut self.pending_cr);
            return;
        }
        out.reserve(input.len() + 1);
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                if b == b'\n' {
                    self.line_ends += 1;
                } else {
                    out.push(b'\r');
                }
            }
            if b == b'\r' {
                self.pending_cr = true;
            } else {
                out.push(b);
            }
        }
    }

    /// A CR at the very end of the file is kept.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        // On Windows the CR went out with its chunk; elsewhere it was held back.
        if std::mem::take(&mut self.pending_cr) && !cfg!(windows) {
            out.push(b'\r');
        }
    }
}

/// Upload direction: a bare LF becomes CRLF; a CRLF already there stays one.
#[derive(Debug, Default)]
pub struct LocalToNetwork {
    last_was_cr: bool,
    /// Line ends sent (every LF goes out as CRLF).
    pub line_ends: u64,
    /// CRs of the file's own (before an LF or alone): a server that stores LF line ends takes
    /// them out with the wire's, so its copy is not the file.
    pub own_crs: u64,
}

impl LocalToNetwork {
    pub fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 32);
        for &b in input {
            if b == b'\n' {
                self.line_ends += 1;
                if !self.last_was_cr {
                    out.push(b'\r');
                }
            }
            out.push(b);
            self.last_was_cr = b == b'\r';
            self.own_crs += u64::from(self.last_was_cr);
        }
    }
}

/// CRLF pairs in `input`, carrying a CR at its end over to the next chunk.
fn count_crlf(input: &[u8], pending_cr: &mut bool) -> u64 {
    let mut pairs = 0;
    for &b in input {
        if *pending_cr && b == b'\n' {
            pairs += 1;
        }
        *pending_cr = b == b'\r';
    }
    pairs
}

/// After an ASCII transfer: does the size the server has agree with the `wire` bytes that
/// crossed, `line_ends` of them CRLF pairs? A server storing CRLF (Windows, or RFC 3659's SIZE
/// in TYPE A) has `wire` bytes; one storing LF (Unix) has a byte less per line end.
pub fn ascii_sizes_agree(stored: u64, wire: u64, line_ends: u64) -> bool {
    stored == wire || stored.saturating_add(line_ends) == wire
}

/// After a text upload from a file of `local` bytes, whose `line_ends` line ends went as CRLF
/// (`wire` bytes), of which the server stored `stored`: whether it kept the wire's CRLF. Only a
/// Unix server's is judged: a Windows server keeps CRLF as its own line end.
pub fn kept_wire_line_ends(unix: bool, stored: u64, wire: u64, line_ends: u64, local: u64) -> bool {
    unix && line_ends > 0 && stored == wire && wire != local
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_counts_the_files_own_crs() {
        // (the file, line ends sent, CRs of its own)
        let cases: [(&[u8], u64, u64); 5] = [
            (b"a\nb\n", 2, 0),
            (b"a\r\nb\r\n", 2, 2),
            (b"c\rd", 0, 1),
            (b"a\r\nb\nc\rd\n", 3, 2),
            (b"", 0, 0),
        ];
        for (file, line_ends, own_crs) in cases {
            let mut converter = LocalToNetwork::default();
            let mut wire = Vec::new();
            // One byte at a time: a CR and its LF in separate chunks are one line end.
            for byte in file.chunks(1) {
                converter.convert(byte, &mut wire);
            }
            assert_eq!(
                (converter.line_ends, converter.own_crs),
                (line_ends, own_crs),
                "{:?}",
                String::from_utf8_lossy(file)
            );
        }
    }

    #[test]
    fn a_unix_server_that_stores_the_wires_crlf_is_told_apart() {
        // (unix, stored, wire, line ends, local, kept the wire's line ends)
        let cases = [
            // "a\nb\n": 4 bytes, 6 on the wire.
            (true, 6, 6, 2, 4, true),
            // Converted back to LF: the server's copy is the file.
            (true, 4, 6, 2, 4, false),
            // A Windows server keeps CRLF as its own.
            (false, 6, 6, 2, 4, false),
            // No line ends: nothing to tell.
            (true, 3, 3, 0, 3, false),
            // The file had CRLF already (nothing added on the way).
            (true, 6, 6, 2, 6, false),
            // Cut short: not this question (the size check fails the upload).
            (true, 5, 6, 2, 4, false),
        ];
        for (unix, stored, wire, line_ends, local, kept) in cases {
            assert_eq!(
                kept_wire_line_ends(unix, stored, wire, line_ends, local),
                kept,
                "{unix} {stored} {wire} {line_ends} {local}"
            );
        }
    }

    fn download(chunks: &[&[u8]]) -> Vec<u8> {
        let mut converter = NetworkToLocal::default();
        let mut out = Vec::new();
        for chunk in chunks {
            converter.convert(chunk, &mut out);
        }
        converter.finish(&mut out);
        out
    }

    fn upload(chunks: &[&[u8]]) -> Vec<u8> {
        let mut converter = LocalToNetwork::default();
        let mut out = Vec::new();
        for chunk in chunks {
            converter.convert(chunk, &mut out);
        }
        out
    }

    #[cfg(not(windows))]
    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries() {
        assert_eq!(download(&[b"a\r\nb\r", b"\nc\r"]), b"a\nb\nc\r");
        assert_eq!(download(&[b"lone\rcr\r\n"]), b"lone\rcr\n");
        assert_eq!(download(&[b"", b"x"]), b"x");
    }

    #[test]
    fn lf_becomes_crlf_once() {
        assert_eq!(upload(&[b"a\nb\r", b"\nc\n"]), b"a\r\nb\r\nc\r\n");
        assert_eq!(upload(&[b"already\r\nfine\r\n"]), b"already\r\nfine\r\n");
    }

    #[test]
    fn line_ends_are_counted_both_ways() {
        let mut up = LocalToNetwork::default();
        let mut wire = Vec::new();
        up.convert(b"a\nb\r", &mut wire);
        up.convert(b"\nc\n", &mut wire);
        assert_eq!(up.line_ends, 3);
        let mut down = NetworkToLocal::default();
        let mut local = Vec::new();
        down.convert(&wire[..4], &mut local);
        down.convert(&wire[4..], &mut local);
        assert_eq!(down.line_ends, 3);
        // "a\nb\r\nc\n" (7 bytes) went as 9; a Unix server keeps "a\nb\nc\n" (6), a Windows
        // one all 9.
        assert_eq!(wire.len(), 9);
        assert!(ascii_sizes_agree(6, 9, 3));
        assert!(ascii_sizes_agree(9, 9, 3));
        assert!(!ascii_sizes_agree(7, 9, 3));
        assert!(!ascii_sizes_agree(0, 9, 3));
    }

    #[cfg(not(windows))]
    #[test]
    fn round_trip_of_unix_text() {
        let text = b"line one\nline two\n\nlast";
        assert_eq!(download(&[&upload(&[text])]), text);
    }
}
