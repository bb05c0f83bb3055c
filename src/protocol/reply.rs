//! FTP replies (RFC 959 §4.2) as values: the code and every line as the server sent it.
//! suppaftp reads them off the control connection; the values inside them (PWD, SIZE, MDTM,
//! FEAT, HASH...) are parsed here and in the modules beside this one.

use std::fmt;

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
    /// A reply from its code and its raw bytes (every line, line ends included). Telnet's
    /// doubled IAC bytes are collapsed, as RFC 854 framing says.
    pub fn from_raw(code: u16, raw: &[u8]) -> Self {
        let unescaped = unescape_iac(raw);
        let lines = unescaped
            .split(|&b| b == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
            .filter(|line| !line.is_empty())
            .collect();
        Self { code, lines }
    }

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
        match first.trim() {
            "" => self.code.to_string(),
            text => format!("{} {text}", self.code),
        }
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

fn unescape_iac(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !raw.windows(2).any(|pair| pair == [0xFF, 0xFF]) {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().peekable();
    while let Some(&b) = bytes.next() {
        out.push(b);
        if b == 0xFF && bytes.peek() == Some(&&0xFF) {
            bytes.next();
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_codes_and_text() {
        let reply = Reply::from_raw(
            211,
            b"211-Extensions supported:\r\n MLSD\r\n SIZE\n211 END\r\n",
        );
        assert_eq!(reply.lines.len(), 4);
        assert_eq!(
            reply.text_lines(),
            vec!["Extensions supported:", " MLSD", " SIZE", "END"]
        );
        assert_eq!(reply.summary(), "211 Extensions supported:");
        assert!(reply.is_completion());
    }

    #[test]
    fn non_utf8_bytes_are_kept_raw_and_shown_replaced() {
        let reply = Reply::from_raw(257, b"257 \"/caf\xe9\" is current\r\n");
        assert_eq!(reply.first_line_text_bytes(), b"\"/caf\xe9\" is current");
        assert!(reply.text().contains('\u{fffd}'));
    }

    #[test]
    fn telnet_iac_is_unescaped() {
        let reply = Reply::from_raw(257, b"257 \"/a\xff\xffb\"\r\n");
        assert_eq!(reply.first_line_text_bytes(), b"\"/a\xffb\"");
    }

    #[test]
    fn classes() {
        assert!(Reply::from_raw(150, b"150 ok").is_preliminary());
        assert!(Reply::from_raw(350, b"350 ok").is_intermediate());
        assert!(Reply::from_raw(421, b"421 bye").is_negative());
    }
}
