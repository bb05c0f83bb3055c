//! Small byte-level helpers shared by the format parsers: a whitespace tokenizer that keeps
//! offsets, number parsing that cannot overflow, byte search. (Dates are in `dates.rs`.)

/// A token: `start..end` byte offsets into the line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

#[inline]
pub(crate) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits `line` at runs of blanks into at most `out.len()` tokens (and [`MAX_TOKENS`]); returns
/// how many.
///
/// Sixty-four bytes at a time: each block gives a bit per blank byte, and tokens begin and end
/// where those bits change. (Byte by byte, this was a fifth of a listing's parsing: callgrind,
/// 840 instructions for a 67-byte `ls -l` line; sixteen bytes at a time, 324.) Changes
/// alternate between a token's start and its end, so they are noted in order as boundaries,
/// with no test of which one each is.
#[inline]
pub(crate) fn tokenize(line: &[u8], out: &mut [Span]) -> usize {
    let wanted = out.len().min(MAX_TOKENS);
    if wanted == 0 {
        return 0;
    }
    // Token i runs from boundaries[2i] to boundaries[2i + 1].
    let mut boundaries = [0usize; 2 * MAX_TOKENS];
    let limit = 2 * wanted;
    let mut found = 0;
    let mut base = 0;
    for block in line.chunks(BLOCK) {
        let blanks = if let Ok(whole) = <&[u8; BLOCK]>::try_from(block) {
            blank_bits(whole)
        } else {
            // Past the line's end counts as blank, which closes the last token there.
            let mut padded = [b' '; BLOCK];
            padded[..block.len()].copy_from_slice(block);
            blank_bits(&padded)
        };
        found = take_block(blanks, base, &mut boundaries, found, limit);
        if found == limit {
            break;
        }
        base += BLOCK;
    }
    if found % 2 == 1 {
        // A token open at the end of a line that filled its last block.
        boundaries[found] = line.len();
        found += 1;
    }
    spans_of(&boundaries, found / 2, out)
}

/// Bytes looked at in one step.
const BLOCK: usize = 64;

/// Where the first `N` tokens of a line were, and the blanks that placed them: a line whose
/// first block has its blanks at the same places, up to the blank after the last of those
/// tokens, has the same tokens there. A listing's lines are mostly in columns of the same
/// widths, so most are the shape of the line before.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<const N: usize> {
    /// The bits of the first block that placed the tokens (up to the blank after the last).
    care: u64,
    /// Which of those were blanks.
    blanks: u64,
    spans: [Span; N],
}

/// [`tokenize`] into all of `out` (`true` when the line has that many tokens), taking the last
/// line's `shape` when this line has it, and keeping this line's for the next. (Finding the
/// eight columns of an `ls -l` line was a quarter of `ls --json`'s parse and print; a line of
/// the last one's shape costs one block's blank bits, callgrind.)
#[inline]
pub(crate) fn tokenize_like<const N: usize>(
    line: &[u8],
    out: &mut [Span; N],
    shape: &mut Option<Shape<N>>,
) -> bool {
    let Some(first) = line.first_chunk::<BLOCK>() else {
        return tokenize(line, out) == N;
    };
    let blanks = blank_bits(first);
    if let Some(last) = shape
        && blanks & last.care == last.blanks
    {
        *out = last.spans;
        return true;
    }
    if N == 0 || tokenize(line, out) < N {
        return false;
    }
    // The blank after the last token is in the first block (and in the line, which is at least
    // a block long): the tokens' shape is all there.
    let end = out[N - 1].end;
    if end < BLOCK {
        // Bits 0 to `end`; `2 << 63` is 0, and 0 - 1 all the bits.
        let care = (2u64 << end).wrapping_sub(1);
        *shape = Some(Shape {
            care,
            blanks: blanks & care,
            spans: *out,
        });
    }
    true
}

/// Bit `i` set when byte `i` of the block is a blank (space or tab): two vector compares and a
/// mask for each sixteen bytes on x86-64 (written as a loop over the bytes, the compiler made a
/// chain of shifts and ors of it: a third of the tokenizer's time, perf).
#[cfg(target_arch = "x86_64")]
#[inline]
fn blank_bits(block: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut bits = 0u64;
    for (i, word) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2, all these need, is part of every x86-64 processor; the load reads the
        // sixteen bytes of `word` (an unaligned load, which `loadu` allows).
        let mask = unsafe {
            let word = _mm_loadu_si128(word.as_ptr().cast::<__m128i>());
            let blanks = _mm_or_si128(
                _mm_cmpeq_epi8(word, _mm_set1_epi8(b' ' as i8)),
                _mm_cmpeq_epi8(word, _mm_set1_epi8(b'\t' as i8)),
            );
            _mm_movemask_epi8(blanks)
        };
        // Sixteen bytes give sixteen bits: the upper half of the i32 is zero.
        bits |= u64::from(mask as u16) << (16 * i);
    }
    bits
}

/// Bit `i` set when byte `i` of the block is a blank (space or tab).
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn blank_bits(block: &[u8; BLOCK]) -> u64 {
    let mut bits = 0u64;
    for (i, &b) in block.iter().enumerate() {
        bits |= u64::from(is_blank(b)) << i;
    }
    bits
}

/// Whether every byte is printable ASCII (`' '` to `~`) other than `"` and `\`: sixteen bytes
/// a step on x86-64 (byte by byte, with no early exit, the compiler did not vectorise it: 270
/// instructions for a 67-byte line, callgrind).
#[inline]
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if bytes.len() >= 16 {
        let mut blocks = bytes.chunks_exact(16);
        let mut found = 0;
        for block in &mut blocks {
            found |= not_plain_bits(block);
        }
        // The last sixteen bytes, which overlap the blocks before: the bytes that were left.
        if !blocks.remainder().is_empty() {
            found |= not_plain_bits(&bytes[bytes.len() - 16..]);
        }
        return found == 0;
    }
    !bytes.iter().any(|&b| is_not_plain(b))
}

/// Outside `' '` to `~` (a control byte, DEL or any non-ASCII byte), `"` or `\`.
#[inline]
fn is_not_plain(b: u8) -> bool {
    b.wrapping_sub(b' ') > b'~' - b' ' || b == b'"' || b == b'\\'
}

/// A bit set for each of the first sixteen bytes of `block` that is not plain (see
/// [`is_plain`]): five vector compares and a mask.
#[cfg(target_arch = "x86_64")]
#[inline]
fn not_plain_bits(block: &[u8]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
        _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    assert!(block.len() >= 16);
    // SAFETY: SSE2, all these need, is part of every x86-64 processor; the load reads the first
    // sixteen bytes of `block`, which has them (asserted above; an unaligned load, which
    // `loadu` allows).
    let plain = unsafe {
        let bytes = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        // As signed bytes, ' ' to '~' are the ones above 0x1f and below 0x7f: the bytes from
        // 0x80 up are negative.
        let printable = _mm_and_si128(
            _mm_cmpgt_epi8(bytes, _mm_set1_epi8(0x1f)),
            _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x7f)),
        );
        let quoting = _mm_or_si128(
            _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8)),
            _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8)),
        );
        _mm_movemask_epi8(_mm_andnot_si128(quoting, printable))
    };
    !(plain as u32) & 0xffff
}

/// Notes the boundaries of tokens in one block after the `found` so far (an odd count: a token
/// is open); stops at `limit`. Returns the new count.
#[inline]
fn take_block(
    blanks: u64,
    base: usize,
    boundaries: &mut [usize; 2 * MAX_TOKENS],
    mut found: usize,
    limit: usize,
) -> usize {
    let inside = !blanks;
    // Bit i set where byte i differs from the byte before it (blank or not).
    let before = (inside << 1) | u64::from(found % 2 == 1);
    let mut changes = inside ^ before;
    while changes != 0 && found < limit {
        boundaries[found] = base + changes.trailing_zeros() as usize;
        found += 1;
        changes &= changes - 1;
    }
    found
}

/// The first `count` tokens of `boundaries` into `out`; returns `count`.
#[inline]
fn spans_of(boundaries: &[usize; 2 * MAX_TOKENS], count: usize, out: &mut [Span]) -> usize {
    for (span, pair) in out.iter_mut().zip(boundaries.chunks_exact(2)).take(count) {
        *span = Span {
            start: pair[0],
            end: pair[1],
        };
    }
    count
}

/// Fixed-capacity token list for one line.
pub(crate) struct Tokens<'a> {
    pub line: &'a [u8],
    spans: [Span; MAX_TOKENS],
    pub len: usize,
}

pub(crate) const MAX_TOKENS: usize = 16;

impl<'a> Tokens<'a> {
    #[inline]
    pub(crate) fn new(line: &'a [u8]) -> Self {
        let mut spans = [Span::default(); MAX_TOKENS];
        let len = tokenize(line, &mut spans);
        Tokens { line, spans, len }
    }

    /// The `i`th token, or an empty slice past the end.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &'a [u8] {
        if i < self.len {
            let s = self.spans[i];
            &self.line[s.start..s.end]
        } else {
            &[]
        }
    }

    #[inline]
    pub(crate) fn span(&self, i: usize) -> Option<Span> {
        (i < self.len).then(|| self.spans[i])
    }

    /// Everything after token `i` and the blanks that follow it (trailing blanks kept).
    pub(crate) fn rest_after(&self, i: usize) -> &'a [u8] {
        match self.span(i) {
            Some(s) => {
                let mut p = s.end;
                while p < self.line.len() && is_blank(self.line[p]) {
                    p += 1;
                }
                &self.line[p..]
            }
            None => &[],
        }
    }

    /// Everything after token `i` and exactly one blank (so leading spaces of a name are kept).
    pub(crate) fn rest_after_one_blank(&self, i: usize) -> &'a [u8] {
        match self.span(i) {
            Some(s) => {
                let p = (s.end + 1).min(self.line.len());
                &self.line[p..]
            }
            None => &[],
        }
    }
}

/// The first `needle` in `hay` (eight bytes at a time).
#[inline]
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let rep = LO.wrapping_mul(needle as u64);
    let mut i = 0;
    let mut chunks = hay.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word) ^ rep;
        let found = w.wrapping_sub(LO) & !w & HI;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|p| i + p)
}

/// Decimal digits only, no sign, no overflow (≤ 19 digits); `None` otherwise.
#[inline]
pub(crate) fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u64;
    }
    Some(v)
}

#[inline]
pub(crate) fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.len() > 9 {
        return None;
    }
    parse_u64(s).map(|v| v as u32)
}

pub(crate) fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// A number with thousands separators: `1,234,567` or `1.234.567` (groups of three).
pub(crate) fn parse_grouped_u64(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_u64(s) {
        return Some(v);
    }
    if s.len() > 27 {
        return None;
    }
    let sep = *s.iter().find(|b| !b.is_ascii_digit())?;
    if sep != b',' && sep != b'.' {
        return None;
    }
    let mut v: u64 = 0;
    for (i, group) in s.split(|&b| b == sep).enumerate() {
        let ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok || !all_digits(group) {
            return None;
        }
        v = v.checked_mul(1000)?.checked_add(parse_u64(group)?)?;
    }
    Some(v)
}

/// A size with an optional unit suffix: `123`, `33.5k`, `1.2M`, `4G` (binary units).
pub(crate) fn parse_size_with_unit(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_u64(s) {
        return Some(v);
    }
    let (&unit, number) = s.split_last()?;
    let mult: u64 = match unit.to_ascii_lowercase() {
        b'b' => 1,
        b'k' => 1 << 10,
        b'm' => 1 << 20,
        b'g' => 1 << 30,
        b't' => 1 << 40,
        _ => return None,
    };
    let (int, frac) = match number.iter().position(|&b| b == b'.' || b == b',') {
        Some(p) => (&number[..p], &number[p + 1..]),
        None => (number, &[][..]),
    };
    let int = parse_u64(int)?;
    if frac.len() > 6 || (!frac.is_empty() && !all_digits(frac)) {
        return None;
    }
    let mut value = int.checked_mul(mult)?;
    if !frac.is_empty() {
        let f = parse_u64(frac)?;
        let scale = 10u64.pow(frac.len() as u32);
        value = value.checked_add(f.checked_mul(mult)? / scale)?;
    }
    Some(value)
}

/// Strips one trailing `\r` and all trailing blanks — not used on names, whose trailing spaces
/// matter.
pub(crate) fn trim_end_blanks(s: &[u8]) -> &[u8] {
    let mut end = s.len();
    while end > 0 && is_blank(s[end - 1]) {
        end -= 1;
    }
    &s[..end]
}

/// Finds `needle` in `hay` (short needles; linear).
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&b| b == first) {
            Some(p) => {
                i += p;
                if &hay[i..i + needle.len()] == needle {
                    return Some(i);
                }
                i += 1;
            }
            None => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain byte-by-byte reading the word-at-a-time tokenizer must equal.
    fn tokenize_bytewise(line: &[u8], limit: usize) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut i = 0;
        while spans.len() < limit {
            while i < line.len() && is_blank(line[i]) {
                i += 1;
            }
            if i >= line.len() {
                break;
            }
            let start = i;
            while i < line.len() && !is_blank(line[i]) {
                i += 1;
            }
            spans.push(Span { start, end: i });
        }
        spans
    }

    #[test]
    fn tokenize_equals_the_bytewise_reading() {
        // Blanks, bytes next to them in value (\x08, \n, \x1f, !, \xa0), and high bytes, at
        // every length up to three blocks and with every token limit.
        const ALPHABET: &[u8] = b"  \t\ta\x08\n\x1f!\xa0\xe2\x80\xff-9\x00\r";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut lines: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Nov 30 08:25 entry_000001.txt".to_vec(),
            b"  leading and trailing  ".to_vec(),
            b"\t\t\t\t\t\t\t\t".to_vec(),
            b"abcdefgh ijklmnop".to_vec(),
        ];
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % (3 * BLOCK as u64 + 3)) as usize;
            let line = (0..len)
                .map(|i| ALPHABET[((state >> (i * 2 % 60)) as usize + i) % ALPHABET.len()])
                .collect();
            lines.push(line);
        }
        for line in &lines {
            for limit in 0..=MAX_TOKENS {
                let mut out = [Span::default(); MAX_TOKENS];
                let n = tokenize(line, &mut out[..limit]);
                assert_eq!(
                    out[..n],
                    tokenize_bytewise(line, limit)[..],
                    "{line:?}, at most {limit} tokens"
                );
            }
        }
    }

    /// The sixteen-bytes-a-step check equals the byte-by-byte one for every byte value at
    /// every place of lines of every length up to three steps (and the overlapping last step).
    #[test]
    fn is_plain_equals_the_bytewise_reading() {
        for len in 0..=48 {
            for at in 0..len {
                for byte in 0..=u8::MAX {
                    let mut line = vec![b'a'; len];
                    line[at] = byte;
                    let bytewise = !line.iter().any(|&b| is_not_plain(b));
                    assert_eq!(is_plain(&line), bytewise, "{byte:#x} at {at} of {len}");
                    // The reference itself: printable ASCII but for the quote and backslash.
                    let printable = (b' '..=b'~').contains(&byte) && !b"\"\\".contains(&byte);
                    assert_eq!(bytewise, printable, "{byte:#x}");
                }
            }
            assert!(is_plain(&vec![b'~'; len]));
        }
    }

    /// Tokens taken from the last line's shape are the line's own, whatever the lines before:
    /// every pair of the generated lines, and lines of the same columns but for one wider.
    #[test]
    fn tokens_of_the_last_line_s_shape_are_the_line_s_own() {
        let mut lines: Vec<Vec<u8>> = vec![
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry_000001.txt".to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry_000002.txt".to_vec(),
            b"-rw-r--r--    1 1001     1001         4096 Dec 02 13:13 entry_000003.txt".to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 e".to_vec(),
            b"-rw-r--r--    1 1001     1001  12345678901 Dec 02 13:13 entry_000004.txt".to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Dec 02  2025 entry_000005.txt".to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13 entry 000006 .txt".to_vec(),
            b"-rw-r--r--    1 1001     1001 0 Dec 02 13:13 entry_000007.txt and more words"
                .to_vec(),
            b"-rw-r--r--    1 1001     1001            0 Dec 02 13:13\t\tentry_000008.txt".to_vec(),
            b"-rw-r--r--    1 1001     10011           0 Dec 02 13:13 entry_000009.txt".to_vec(),
            b"drwxr-xr-x 1 a b 0 Dec 02 13:13 name after a short line, at least sixty-four"
                .to_vec(),
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        const ALPHABET: &[u8] = b"   \ta-9x";
        for _ in 0..300 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = 40 + (state % 100) as usize;
            lines.push(
                (0..len)
                    .map(|i| ALPHABET[((state >> (i * 3 % 60)) as usize + i) % ALPHABET.len()])
                    .collect(),
            );
        }
        fn check<const N: usize>(lines: &[Vec<u8>]) {
            for before in lines {
                for line in lines {
                    let mut shape = None;
                    let mut out = [Span::default(); N];
                    tokenize_like(before, &mut out, &mut shape);
                    let mut out = [Span::default(); N];
                    let all = tokenize_like(line, &mut out, &mut shape);
                    let mut expected = [Span::default(); N];
                    let found = tokenize(line, &mut expected);
                    assert_eq!(all, found == N, "{line:?} after {before:?}");
                    if all {
                        assert_eq!(out, expected, "{line:?} after {before:?}");
                    }
                }
            }
        }
        check::<8>(&lines);
        check::<3>(&lines);
        check::<1>(&lines);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"5368709120"), Some(5368709120));
        assert_eq!(parse_u64(b"99999999999999999999"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_grouped_u64(b"1,234,567"), Some(1234567));
        assert_eq!(parse_grouped_u64(b"1,23,567"), None);
        assert_eq!(parse_size_with_unit(b"33.5k"), Some(34304));
        assert_eq!(parse_size_with_unit(b"2M"), Some(2 << 20));
        assert_eq!(parse_size_with_unit(b"k"), None);
    }

    #[test]
    fn find_byte_works() {
        let hay = b"0123456789abcdefghij klmnop;qrs";
        for (i, &b) in hay.iter().enumerate() {
            assert_eq!(find_byte(hay, b), Some(i));
        }
        assert_eq!(find_byte(hay, b'!'), None);
        assert_eq!(find_byte(b"", b'a'), None);
        assert_eq!(
            find_byte(b"\x80\x80\x80\x80\x80\x80\x80\x81 ", b' '),
            Some(8)
        );
        assert_eq!(find_byte(b"\x01\x00\x01\x01\x01\x01\x01\x01", 0), Some(1));
    }

    #[test]
    fn find_works() {
        assert_eq!(find(b"a -> b", b" -> "), Some(1));
        assert_eq!(find(b"abc", b"abcd"), None);
        assert_eq!(find(b"xx -", b" -> "), None);
    }
}
