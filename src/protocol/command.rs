//! Command lines sent on the control connection.

use std::fmt;

/// One command, ready to send: its bytes (without the line end; suppaftp adds CRLF and doubles
/// Telnet's IAC bytes) and the text for the message log, in which secrets are masked.
#[derive(Clone, PartialEq, Eq)]
pub struct CommandLine {
    wire: Vec<u8>,
    shown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("a name or path with a line break or NUL byte cannot be sent over FTP")]
    ForbiddenByte,
}

/// Verbs whose argument must never be shown or logged.
const SECRET_VERBS: [&str; 2] = ["PASS", "ACCT"];

impl CommandLine {
    /// A command with no argument.
    pub fn bare(verb: &str) -> Self {
        Self {
            wire: verb.as_bytes().to_vec(),
            shown: verb.to_owned(),
        }
    }

    /// A command with an argument given as raw bytes, so that a name which is not valid UTF-8 is
    /// sent back exactly as the server wrote it. CR, LF and NUL are refused: they would end the
    /// command early and let the rest be read as a second command.
    pub fn with_arg(verb: &str, arg: &[u8]) -> Result<Self, CommandError> {
        if arg.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(CommandError::ForbiddenByte);
        }
        let mut wire = Vec::with_capacity(verb.len() + arg.len() + 1);
        wire.extend_from_slice(verb.as_bytes());
        wire.push(b' ');
        wire.extend_from_slice(arg);
        let shown = if SECRET_VERBS.iter().any(|s| s.eq_ignore_ascii_case(verb)) {
            format!("{verb} ****")
        } else {
            format!("{verb} {}", String::from_utf8_lossy(arg))
        };
        Ok(Self { wire, shown })
    }

    pub fn with_text(verb: &str, arg: &str) -> Result<Self, CommandError> {
        Self::with_arg(verb, arg.as_bytes())
    }

    /// The command's bytes, without the line end.
    pub fn wire(&self) -> &[u8] {
        &self.wire
    }

    /// The bytes as a string of one char per byte (Latin-1), which the byte-for-byte `Encoding`
    /// the sessions give suppaftp turns back into exactly these bytes.
    pub fn as_latin1(&self) -> String {
        self.wire.iter().map(|&b| char::from(b)).collect()
    }

    /// The line for the message log (`PASS ****` for passwords).
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// Debug shows the logged form only, so a password can't leak through `{:?}`.
impl fmt::Debug for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommandLine({:?})", self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_masked_in_log_and_debug() {
        let cmd = CommandLine::with_text("PASS", "hunter2").unwrap();
        assert_eq!(cmd.wire(), b"PASS hunter2");
        assert_eq!(cmd.shown(), "PASS ****");
        assert!(!format!("{cmd:?}").contains("hunter2"));
    }

    #[test]
    fn raw_bytes_are_kept_and_travel_as_latin1() {
        let cmd = CommandLine::with_arg("CWD", b"caf\xe9\xff").unwrap();
        assert_eq!(cmd.wire(), b"CWD caf\xe9\xff");
        let latin1: Vec<u8> = cmd.as_latin1().chars().map(|c| c as u8).collect();
        assert_eq!(latin1, cmd.wire());
    }

    #[test]
    fn line_breaks_are_refused() {
        assert_eq!(
            CommandLine::with_text("CWD", "a\r\nDELE x"),
            Err(CommandError::ForbiddenByte)
        );
        assert!(CommandLine::with_arg("RETR", b"a\0b").is_err());
    }
}
