//! FTP replies (RFC 959 §4.2), read from raw control-connection bytes.
//!
//! A reply is one line `ddd text` or several: a first line `ddd-text`, then any lines at all, then
//! a last line that starts with the *same* code and a space. A line with another code in between
//! does not end the reply (servers quote other replies in their banners), which is where readers
//! that stop at the first `ddd ` line go wrong.

use std::fmt;

/// The most a single reply may hold. A greeting of thousands of lines fits; an endless one is cut
/// off with an error instead of eating memory.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    /// Every line as received, without its line ending; the first and last include their code.
    pub lines: Vec<Vec<u8>>,
}

/// The first digit of a reply code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyClass {
    PositivePreliminary,
    PositiveCompletion,
    PositiveIntermediate,
    TransientNegative,
    PermanentNegative,
}

impl Reply {
    pub fn class(&self) -> ReplyClass {
        match self.code / 100 {
            1 => ReplyClass::PositivePreliminary,
            2 => ReplyClass::PositiveCompletion,
            3 => ReplyClass::PositiveIntermediate,
            4 => ReplyClass::TransientNegative,
            _ => ReplyClass::PermanentNegative,
        }
    }

    pub fn is_preliminary(&self) -> bool {
        self.class() == ReplyClass::PositivePreliminary
    }

    pub fn is_completion(&self) -> bool {
        self.class() == ReplyClass::PositiveCompletion
    }

    pub fn is_intermediate(&self) -> bool {
        self.class() == ReplyClass::PositiveIntermediate
    }

    pub fn is_negative(&self) -> bool {
        matches!(
            self.class(),
            ReplyClass::TransientNegative | ReplyClass::PermanentNegative
        )
    }

    /// The text of each line with the code prefix (`ddd-` / `ddd `) removed where a line has it;
    /// lines in between are kept as sent. Bytes that are not UTF-8 show as U+FFFD.
    pub fn text_lines(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|line| String::from_utf8_lossy(strip_code(line, self.code)).into_owned())
            .collect()
    }

    /// The whole text without codes, one line per reply line.
    pub fn text(&self) -> String {
        self.text_lines().join("\n")
    }

    /// The raw bytes of the first line's text, for parsers such as PWD's and PASV's.
    pub fn first_line_text_bytes(&self) -> &[u8] {
        self.lines
            .first()
            .map(|line| strip_code(line, self.code))
            .unwrap_or_default()
    }

    /// `530 Login incorrect.`: the code and the first line of text, for status lines and errors.
    pub fn summary(&self) -> String {
        let first = String::from_utf8_lossy(self.first_line_text_bytes());
        format!("{} {}", self.code, first.trim())
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

fn strip_code(line: &[u8], code: u16) -> &[u8] {
    match line {
        [a, b, c, sep, rest @ ..]
            if (*sep == b'-' || *sep == b' ') && code_of(&[*a, *b, *c]) == Some(code) =>
        {
            rest
        }
        [a, b, c] if code_of(&[*a, *b, *c]) == Some(code) => &[],
        _ => line,
    }
}

fn code_of(digits: &[u8]) -> Option<u16> {
    match digits {
        [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the server sent a line that is not an FTP reply: {0:?}")]
    Garbled(String),
    #[error("the server sent a reply longer than {} bytes", MAX_REPLY_BYTES)]
    TooLarge,
}

/// Reads replies out of the byte stream of a control connection. Feed it what the socket gave,
/// then take replies until it returns `Ok(None)` (more bytes needed).
///
/// After an error the stream is out of step and the connection should be dropped.
#[derive(Debug, Default)]
pub struct ReplyReader {
    buffer: Vec<u8>,
    /// Where the next line starts in `buffer`.
    start: usize,
    /// How far `buffer` was already searched for a line end.
    scanned: usize,
    open: Option<Reply>,
    open_bytes: usize,
}

impl ReplyReader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buffer.len() {
            self.buffer.clear();
            self.scanned = 0;
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// True when no partial reply is waiting for more bytes.
    pub fn is_idle(&self) -> bool {
        self.open.is_none() && self.start == self.buffer.len()
    }

    pub fn next_reply(&mut self) -> Result<Option<Reply>, ReplyError> {
        loop {
            let Some(newline) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n') else {
                self.scanned = self.buffer.len();
                if self.buffer.len() - self.start + self.open_bytes > MAX_REPLY_BYTES {
                    return Err(ReplyError::TooLarge);
                }
                self.compact();
                return Ok(None);
            };
            let end = self.scanned + newline;
            let mut line = &self.buffer[self.start..end];
            if let Some(stripped) = line.strip_suffix(b"\r") {
                line = stripped;
            }
            let line = unescape_telnet(line);
            self.start = end + 1;
            self.scanned = self.start;
            self.open_bytes += line.len() + 2;
            if self.open_bytes > MAX_REPLY_BYTES {
                return Err(ReplyError::TooLarge);
            }
            if let Some(reply) = self.take_line(line)? {
                self.open_bytes = 0;
                return Ok(Some(reply));
            }
        }
    }

    fn take_line(&mut self, line: Vec<u8>) -> Result<Option<Reply>, ReplyError> {
        match &mut self.open {
            Some(open) => {
                let closes = line.len() >= 3
                    && code_of(&line[..3]) == Some(open.code)
                    && (line.len() == 3 || line[3] == b' ');
                open.lines.push(line);
                if closes {
                    return Ok(self.open.take());
                }
                Ok(None)
            }
            None => {
                let code = line.get(..3).and_then(code_of);
                match (code, line.get(3)) {
                    (Some(code), Some(b'-')) => {
                        self.open = Some(Reply {
                            code,
                            lines: vec![line],
                        });
                        Ok(None)
                    }
                    (Some(code), None | Some(b' ')) => Ok(Some(Reply {
                        code,
                        lines: vec![line],
                    })),
                    _ => Err(ReplyError::Garbled(
                        String::from_utf8_lossy(&line[..line.len().min(120)]).into_owned(),
                    )),
                }
            }
        }
    }

    fn compact(&mut self) {
        if self.start > 64 * 1024 {
            self.buffer.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
    }
}

/// The control connection is a Telnet stream: a literal 0xFF byte arrives doubled.
fn unescape_telnet(line: &[u8]) -> Vec<u8> {
    if !line.contains(&0xFF) {
        return line.to_vec();
    }
    let mut out = Vec::with_capacity(line.len());
    let mut bytes = line.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        out.push(b);
        if b == 0xFF && bytes.peek() == Some(&0xFF) {
            bytes.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<Vec<Reply>, ReplyError> {
        let mut reader = ReplyReader::new();
        reader.feed(bytes);
        let mut replies = Vec::new();
        while let Some(reply) = reader.next_reply()? {
            replies.push(reply);
        }
        Ok(replies)
    }

    #[test]
    fn single_line_reply() {
        let replies = read_all(b"220 Welcome\r\n").unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].code, 220);
        assert_eq!(replies[0].text(), "Welcome");
        assert_eq!(replies[0].summary(), "220 Welcome");
    }

    #[test]
    fn a_line_with_another_code_does_not_close_a_multiline_reply() {
        let bytes =
            b"220-Hello\r\n230 this is not a login\r\n  indented\r\n220-still open\r\n220 done\r\n";
        let replies = read_all(bytes).unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].code, 220);
        assert_eq!(
            replies[0].text_lines(),
            vec![
                "Hello",
                "230 this is not a login",
                "  indented",
                "still open",
                "done"
            ]
        );
    }

    #[test]
    fn replies_split_across_reads_and_lf_only() {
        let mut reader = ReplyReader::new();
        reader.feed(b"211-Feat");
        assert_eq!(reader.next_reply().unwrap(), None);
        reader.feed(b"ures:\n MLST type*;\n UTF8\n211 E");
        assert_eq!(reader.next_reply().unwrap(), None);
        assert!(!reader.is_idle());
        reader.feed(b"nd\n200 next\r\n");
        let first = reader.next_reply().unwrap().unwrap();
        assert_eq!(first.code, 211);
        assert_eq!(first.lines.len(), 4);
        let second = reader.next_reply().unwrap().unwrap();
        assert_eq!(second.code, 200);
        assert!(reader.is_idle());
    }

    #[test]
    fn bare_code_line_is_a_reply() {
        let replies = read_all(b"200\r\n").unwrap();
        assert_eq!(replies[0].code, 200);
        assert_eq!(replies[0].text(), "");
    }

    #[test]
    fn non_utf8_bytes_are_kept_raw_and_shown_replaced() {
        let replies = read_all(b"257 \"/caf\xe9\" is current\r\n").unwrap();
        assert_eq!(
            replies[0].first_line_text_bytes(),
            b"\"/caf\xe9\" is current"
        );
        assert!(replies[0].text().contains('\u{FFFD}'));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            read_all(b"hello there\r\n"),
            Err(ReplyError::Garbled(_))
        ));
        assert!(matches!(read_all(b"99 x\r\n"), Err(ReplyError::Garbled(_))));
        assert!(matches!(read_all(b"220x\r\n"), Err(ReplyError::Garbled(_))));
    }

    #[test]
    fn endless_reply_is_cut_off() {
        let mut reader = ReplyReader::new();
        reader.feed(b"220-start\r\n");
        let line = vec![b'x'; 1000];
        let mut result = Ok(None);
        for _ in 0..(MAX_REPLY_BYTES / 1000 + 2) {
            reader.feed(&line);
            reader.feed(b"\r\n");
            result = reader.next_reply();
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(ReplyError::TooLarge));
    }

    #[test]
    fn endless_line_without_newline_is_cut_off() {
        let mut reader = ReplyReader::new();
        let chunk = vec![b'2'; 64 * 1024];
        let mut result = Ok(None);
        for _ in 0..(MAX_REPLY_BYTES / chunk.len() + 2) {
            reader.feed(&chunk);
            result = reader.next_reply();
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(ReplyError::TooLarge));
    }

    #[test]
    fn hundreds_of_lines() {
        let mut bytes = b"220-first\r\n".to_vec();
        for i in 0..500 {
            bytes.extend_from_slice(format!("220-line {i}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"220 last\r\n");
        let replies = read_all(&bytes).unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].lines.len(), 502);
        assert_eq!(replies[0].text_lines()[501], "last");
    }

    #[test]
    fn telnet_iac_is_unescaped() {
        let replies = read_all(b"257 \"/a\xff\xffb\"\r\n").unwrap();
        assert_eq!(replies[0].first_line_text_bytes(), b"\"/a\xffb\"");
    }
}
