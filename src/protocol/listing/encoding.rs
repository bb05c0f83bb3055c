//! The per-site encoding of file names.

/// How a site's file names are decoded for display (and encoded for names the user types).
/// The raw bytes of listed names are always kept and sent back as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NameEncoding {
    /// UTF-8 when the bytes are valid UTF-8, else Windows-1252 (every byte decodes).
    #[default]
    Auto,
    Utf8,
    /// ISO-8859-1 proper: every byte is the code point of the same value.
    Latin1,
    /// ISO-8859-2 (Central European).
    Latin2,
    /// ISO-8859-15 (Latin-9, with €).
    Latin9,
    Windows1250,
    Windows1251,
    Windows1252,
    ShiftJis,
    EucJp,
    Gbk,
    Gb18030,
    Big5,
    EucKr,
    Koi8R,
    Koi8U,
}

impl NameEncoding {
    pub const ALL: &'static [NameEncoding] = &[
        NameEncoding::Auto,
        NameEncoding::Utf8,
        NameEncoding::Latin1,
        NameEncoding::Latin2,
        NameEncoding::Latin9,
        NameEncoding::Windows1250,
        NameEncoding::Windows1251,
        NameEncoding::Windows1252,
        NameEncoding::ShiftJis,
        NameEncoding::EucJp,
        NameEncoding::Gbk,
        NameEncoding::Gb18030,
        NameEncoding::Big5,
        NameEncoding::EucKr,
        NameEncoding::Koi8R,
        NameEncoding::Koi8U,
    ];

    /// A stable name for settings files and the UI.
    pub fn label(self) -> &'static str {
        match self {
            NameEncoding::Auto => "auto",
            NameEncoding::Utf8 => "utf-8",
            NameEncoding::Latin1 => "iso-8859-1",
            NameEncoding::Latin2 => "iso-8859-2",
            NameEncoding::Latin9 => "iso-8859-15",
            NameEncoding::Windows1250 => "windows-1250",
            NameEncoding::Windows1251 => "windows-1251",
            NameEncoding::Windows1252 => "windows-1252",
            NameEncoding::ShiftJis => "shift_jis",
            NameEncoding::EucJp => "euc-jp",
            NameEncoding::Gbk => "gbk",
            NameEncoding::Gb18030 => "gb18030",
            NameEncoding::Big5 => "big5",
            NameEncoding::EucKr => "euc-kr",
            NameEncoding::Koi8R => "koi8-r",
            NameEncoding::Koi8U => "koi8-u",
        }
    }

    /// Parses [`label`](Self::label) and the usual aliases (`utf8`, `latin1`, `sjis`, `cp1252`...).
    pub fn from_label(label: &str) -> Option<Self> {
        let l = label.trim().to_ascii_lowercase();
        let found = match l.as_str() {
            "auto" | "" => NameEncoding::Auto,
            "utf-8" | "utf8" => NameEncoding::Utf8,
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" => NameEncoding::Latin1,
            "iso-8859-2" | "iso8859-2" | "latin2" | "latin-2" => NameEncoding::Latin2,
            "iso-8859-15" | "iso8859-15" | "latin9" | "latin-9" => NameEncoding::Latin9,
            "windows-1250" | "cp1250" => NameEncoding::Windows1250,
            "windows-1251" | "cp1251" => NameEncoding::Windows1251,
            "windows-1252" | "cp1252" => NameEncoding::Windows1252,
            "shift_jis" | "shift-jis" | "sjis" | "cp932" => NameEncoding::ShiftJis,
            "euc-jp" | "eucjp" => NameEncoding::EucJp,
            "gbk" | "cp936" | "gb2312" => NameEncoding::Gbk,
            "gb18030" => NameEncoding::Gb18030,
            "big5" | "big-5" | "cp950" => NameEncoding::Big5,
            "euc-kr" | "euckr" | "cp949" => NameEncoding::EucKr,
            "koi8-r" | "koi8r" => NameEncoding::Koi8R,
            "koi8-u" | "koi8u" => NameEncoding::Koi8U,
            _ => return None,
        };
        Some(found)
    }

    /// The text of `raw` when it decodes as it is: valid UTF-8 for Auto and UTF-8, and pure
    /// ASCII for every other encoding (all of them are ASCII-compatible).
    pub(crate) fn as_is(self, raw: &[u8]) -> Option<&str> {
        // Nearly every line is ASCII: `is_ascii` reads it a word at a time, several times
        // cheaper than `from_utf8` (whose byte-by-byte start up to an aligned word was 6 % of
        // `ls --json` on 100,000 lines, callgrind).
        if raw.is_ascii() {
            // SAFETY: every byte is below 0x80, and ASCII is valid UTF-8.
            return Some(unsafe { std::str::from_utf8_unchecked(raw) });
        }
        std::str::from_utf8(raw)
            .ok()
            .filter(|_| matches!(self, NameEncoding::Auto | NameEncoding::Utf8))
    }

    /// Decodes raw bytes for display. Never fails: undecodable bytes become U+FFFD.
    pub fn decode(self, raw: &[u8]) -> String {
        if let Some(s) = self.as_is(raw) {
            return s.to_owned();
        }
        match self {
            NameEncoding::Auto | NameEncoding::Windows1252 => {
                raw.iter().map(|&b| windows_1252_char(b)).collect()
            }
            NameEncoding::Latin1 => raw.iter().map(|&b| b as char).collect(),
            other => decode_other(other, raw),
        }
    }

    /// Encodes a name typed by the user into the bytes to send (Auto sends UTF-8).
    /// Characters the encoding lacks become `?`.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            NameEncoding::Auto | NameEncoding::Utf8 => text.as_bytes().to_vec(),
            NameEncoding::Latin1 => text
                .chars()
                .map(|c| if (c as u32) < 256 { c as u8 } else { b'?' })
                .collect(),
            other => encode_other(other, text),
        }
    }
}

/// Windows-1252: Latin-1 but for 0x80–0x9F (the five unassigned bytes map to C1 controls,
/// as in the WHATWG encoding standard).
fn windows_1252_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

// BEGIN encoding_rs
fn encoding_rs_of(enc: NameEncoding) -> Option<&'static encoding_rs::Encoding> {
    Some(match enc {
        NameEncoding::Auto | NameEncoding::Latin1 => return None,
        NameEncoding::Utf8 => encoding_rs::UTF_8,
        NameEncoding::Latin2 => encoding_rs::ISO_8859_2,
        NameEncoding::Latin9 => encoding_rs::ISO_8859_15,
        NameEncoding::Windows1250 => encoding_rs::WINDOWS_1250,
        NameEncoding::Windows1251 => encoding_rs::WINDOWS_1251,
        NameEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        NameEncoding::ShiftJis => encoding_rs::SHIFT_JIS,
        NameEncoding::EucJp => encoding_rs::EUC_JP,
        NameEncoding::Gbk => encoding_rs::GBK,
        NameEncoding::Gb18030 => encoding_rs::GB18030,
        NameEncoding::Big5 => encoding_rs::BIG5,
        NameEncoding::EucKr => encoding_rs::EUC_KR,
        NameEncoding::Koi8R => encoding_rs::KOI8_R,
        NameEncoding::Koi8U => encoding_rs::KOI8_U,
    })
}

fn decode_other(enc: NameEncoding, raw: &[u8]) -> String {
    match encoding_rs_of(enc) {
        Some(enc) => enc.decode_without_bom_handling(raw).0.into_owned(),
        None => String::from_utf8_lossy(raw).into_owned(),
    }
}

fn encode_other(enc: NameEncoding, text: &str) -> Vec<u8> {
    match encoding_rs_of(enc) {
        Some(enc) => {
            let mut encoder = enc.new_encoder();
            let mut out = Vec::with_capacity(text.len() * 2 + 8);
            let mut input = text;
            loop {
                let needed = encoder
                    .max_buffer_length_from_utf8_without_replacement(input.len())
                    .unwrap_or(input.len() * 4 + 16);
                out.reserve(needed);
                let (result, read) =
                    encoder.encode_from_utf8_to_vec_without_replacement(input, &mut out, true);
                input = &input[read..];
                match result {
                    encoding_rs::EncoderResult::InputEmpty => break,
                    encoding_rs::EncoderResult::OutputFull => {}
                    encoding_rs::EncoderResult::Unmappable(_) => out.push(b'?'),
                }
            }
            out
        }
        None => text.as_bytes().to_vec(),
    }
}
// END encoding_rs

#[cfg(test)]
mod tests {
    use super::NameEncoding;

    #[test]
    fn auto_is_utf8_when_valid_else_windows_1252() {
        assert_eq!(
            NameEncoding::Auto.decode("naïve 日本".as_bytes()),
            "naïve 日本"
        );
        assert_eq!(NameEncoding::Auto.decode(b"caf\xe9 \x80"), "café €");
        assert_eq!(NameEncoding::Utf8.decode(b"caf\xe9"), "caf\u{fffd}");
    }

    // BEGIN encoding_rs
    #[test]
    fn legacy_encodings_decode() {
        assert_eq!(NameEncoding::Latin1.decode(b"caf\xe9\x80"), "café\u{80}");
        assert_eq!(NameEncoding::Windows1252.decode(b"\x80"), "€");
        assert_eq!(NameEncoding::ShiftJis.decode(b"\x93\xfa\x96\x7b"), "日本");
        assert_eq!(NameEncoding::Gbk.decode(b"\xd6\xd0\xce\xc4"), "中文");
        assert_eq!(NameEncoding::Big5.decode(b"\xa4\xa4\xa4\xe5"), "中文");
        assert_eq!(NameEncoding::EucKr.decode(b"\xc7\xd1\xb1\xdb"), "한글");
        assert_eq!(
            NameEncoding::Koi8R.decode(b"\xf0\xd2\xc9\xd7\xc5\xd4"),
            "Привет"
        );
        assert_eq!(NameEncoding::Windows1251.decode(b"\xcf\xf0\xe8"), "При");
    }

    #[test]
    fn encode_round_trips() {
        for &enc in NameEncoding::ALL {
            assert_eq!(enc.decode(&enc.encode("plain.txt")), "plain.txt");
            assert_eq!(NameEncoding::from_label(enc.label()), Some(enc));
        }
        assert_eq!(NameEncoding::ShiftJis.encode("日本"), b"\x93\xfa\x96\x7b");
        assert_eq!(NameEncoding::Latin1.encode("café€"), b"caf\xe9?");
        assert_eq!(NameEncoding::Windows1252.encode("a€日"), b"a\x80?");
    }
    // END encoding_rs
}
