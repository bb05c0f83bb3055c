//! A server that fails inside a TLS session often writes its error in the clear: vsftpd's child
//! process that held the session is gone, and its parent writes `500 OOPS: ...` on the bare
//! socket. TLS can only call that a corrupt record; the person needs the server's words.
//!
//! The bytes read on the control connection are followed record by record (a 5-byte header
//! giving the record's length), so where the records stop and plain text starts is known
//! exactly. Looking for a reply code in the last bytes read instead was fooled by a ciphertext
//! byte that happened to be a digit just before `500`.

use crate::protocol::reply::Reply;

/// Follows the TLS record framing of the bytes read and keeps what comes after the last whole
/// record when that is no record at all.
#[derive(Debug, Default)]
pub(crate) struct ClearTextWatch {
    /// The header of the next record, as far as it has been read.
    header: Vec<u8>,
    /// How much of the current record's body is still to come.
    body_left: usize,
    /// The bytes from the first one that could not start a record (the first `KEEP` of them).
    clear: Option<Vec<u8>>,
}

impl ClearTextWatch {
    const HEADER: usize = 5;
    const KEEP: usize = 1024;

    pub fn read(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if let Some(clear) = &mut self.clear {
                let room = Self::KEEP.saturating_sub(clear.len());
                clear.extend_from_slice(&bytes[..bytes.len().min(room)]);
                return;
            }
            if self.body_left > 0 {
                let skip = self.body_left.min(bytes.len());
                self.body_left -= skip;
                bytes = &bytes[skip..];
                continue;
            }
            let take = (Self::HEADER - self.header.len()).min(bytes.len());
            self.header.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if !could_start_a_record(&self.header) {
                self.clear = Some(std::mem::take(&mut self.header));
            } else if self.header.len() == Self::HEADER {
                self.body_left = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                self.header.clear();
            }
        }
    }

    /// What was read after the last whole TLS record, if it was not TLS.
    pub fn clear_text(&self) -> Option<&[u8]> {
        self.clear.as_deref()
    }

    /// The reply the server wrote in the clear (its last line), if that text is one.
    pub fn reply(&self) -> Option<Reply> {
        let line = self
            .clear_text()?
            .split(|&b| b == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .rfind(|line| !line.is_empty())?;
        let digits = line.get(..3)?;
        if !digits.iter().all(u8::is_ascii_digit)
            || !matches!(line.get(3), None | Some(b' ' | b'-'))
        {
            return None;
        }
        let code = digits
            .iter()
            .fold(0u16, |code, digit| code * 10 + u16::from(digit - b'0'));
        Some(Reply::from_raw(code, line))
    }
}

/// Whether these first bytes of a record header (any number up to five) fit TLS: a content type
/// of 20 to 24 and a major version of 3.
fn could_start_a_record(header: &[u8]) -> bool {
    header.first().is_none_or(|kind| (20..=24).contains(kind))
        && header.get(1).is_none_or(|&major| major == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &[u8] = b"\x17\x03\x03\x00\x047500";

    #[test]
    fn clear_text_is_found_exactly_where_the_records_stop() {
        let oops = &b"500 OOPS: cannot change directory:/home/x\r\n"[..];
        let after_records = [RECORD, RECORD, oops].concat();
        // (case, the reads, the clear text wanted)
        type Case<'a> = (&'a str, Vec<&'a [u8]>, Option<&'a [u8]>);
        let cases: &[Case] = &[
            ("records only", vec![RECORD, RECORD], None),
            ("nothing read", vec![], None),
            ("text after records", vec![&after_records], Some(oops)),
            (
                "a record's body ending in digits, then the text",
                vec![&RECORD[..6], &RECORD[6..], oops],
                Some(oops),
            ),
            (
                "a header split in two reads",
                vec![&RECORD[..2], &RECORD[2..], oops],
                Some(oops),
            ),
            ("text from the first byte", vec![oops], Some(oops)),
            ("a partial header is no text yet", vec![&RECORD[..3]], None),
            (
                "a bad version starts the text",
                vec![b"\x17\x09", b"x"],
                Some(b"\x17\x09x"),
            ),
            ("one byte of text", vec![RECORD, b"5"], Some(b"5")),
        ];
        for (case, reads, wanted) in cases {
            let mut watch = ClearTextWatch::default();
            for read in reads {
                watch.read(read);
            }
            assert_eq!(watch.clear_text(), *wanted, "{case}");
        }
    }

    #[test]
    fn the_text_is_a_reply_only_if_its_last_line_is_one() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (
                b"500 OOPS: cannot change directory:/home/x\r\n",
                Some("500 OOPS: cannot change directory:/home/x"),
            ),
            (
                b"500 OOPS: vsf_sysutil_bind\r\n500 OOPS: child died\r\n",
                Some("500 OOPS: child died"),
            ),
            (b"421\r\n", Some("421")),
            (b"SSH-2.0-OpenSSH_9.6\r\n", None),
            (b"5000 no\r\n", None),
            (b"+50 signed\r\n", None),
            (b"\r\n\r\n", None),
        ];
        for (text, wanted) in cases {
            let mut watch = ClearTextWatch::default();
            watch.read(RECORD);
            watch.read(text);
            let reply = watch.reply().map(|reply| reply.summary());
            assert_eq!(
                reply.as_deref(),
                *wanted,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn only_the_first_kilobyte_of_text_is_kept() {
        let mut watch = ClearTextWatch::default();
        for _ in 0..100 {
            watch.read(&[b'x'; 100]);
        }
        assert_eq!(watch.clear_text().map(<[u8]>::len), Some(1024));
    }
}
