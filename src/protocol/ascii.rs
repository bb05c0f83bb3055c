//! ASCII-mode transfers: on the wire every line ends in CRLF (RFC 959 §3.1.1.1); on the local
//! disk lines end the platform's way. These convert chunk by chunk, carrying a CR that ends one
//! chunk over to the next.

/// Download direction: CRLF from the network becomes LF (on Windows CRLF is kept as it is).
#[derive(Debug, Default)]
pub struct NetworkToLocal {
    pending_cr: bool,
}

impl NetworkToLocal {
    pub fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        if cfg!(windows) {
            out.extend_from_slice(input);
            return;
        }
        out.reserve(input.len() + 1);
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                if b != b'\n' {
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
        if std::mem::take(&mut self.pending_cr) {
            out.push(b'\r');
        }
    }
}

/// Upload direction: a bare LF becomes CRLF; a CRLF already there stays one.
#[derive(Debug, Default)]
pub struct LocalToNetwork {
    last_was_cr: bool,
}

impl LocalToNetwork {
    pub fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 32);
        for &b in input {
            if b == b'\n' && !self.last_was_cr {
                out.push(b'\r');
            }
            out.push(b);
            self.last_was_cr = b == b'\r';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(not(windows))]
    #[test]
    fn round_trip_of_unix_text() {
        let text = b"line one\nline two\n\nlast";
        assert_eq!(download(&[&upload(&[text])]), text);
    }
}
