//! Unix permission bits as listings show them (`-rwxr-xr-x`, MLSD's `UNIX.mode=0755`) and as
//! `SITE CHMOD` wants them (octal).

/// Reads `rwxr-xr-x` (with or without the leading type letter, with `s`/`t` bits) or an octal
/// number like `0755`.
pub fn parse_mode(text: &str) -> Option<u32> {
    let text = text.trim();
    if !text.is_empty() && text.len() <= 4 && text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(text, 8).ok();
    }
    let bytes = match text.as_bytes() {
        all @ [_, rest @ ..] if all.len() == 10 => rest,
        all if all.len() == 9 => all,
        _ => return None,
    };
    let mut mode = 0;
    for (group, chunk) in bytes.chunks(3).enumerate() {
        let shift = 6 - 3 * group as u32;
        let [r, w, x] = [chunk[0], chunk[1], chunk[2]];
        match r {
            b'r' => mode |= 4 << shift,
            b'-' => {}
            _ => return None,
        }
        match w {
            b'w' => mode |= 2 << shift,
            b'-' => {}
            _ => return None,
        }
        let special = [0o4000, 0o2000, 0o1000][group];
        match x {
            b'x' => mode |= 1 << shift,
            b's' | b't' => mode |= (1 << shift) | special,
            b'S' | b'T' => mode |= special,
            b'-' => {}
            _ => return None,
        }
    }
    Some(mode)
}

/// `0o755` → `rwxr-xr-x`.
pub fn mode_to_text(mode: u32) -> String {
    let mut text = String::with_capacity(9);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms() {
        assert_eq!(parse_mode("-rwxr-xr-x"), Some(0o755));
        assert_eq!(parse_mode("drwx------"), Some(0o700));
        assert_eq!(parse_mode("rw-r--r--"), Some(0o644));
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("755"), Some(0o755));
        assert_eq!(parse_mode("-rwsr-xr-t"), Some(0o5755));
        assert_eq!(parse_mode("RWCEAFMS"), None);
        assert_eq!(parse_mode("0999"), None);
        assert_eq!(parse_mode(""), None);
        assert_eq!(parse_mode("ä--------"), None);
    }

    #[test]
    fn writes_text() {
        assert_eq!(mode_to_text(0o755), "rwxr-xr-x");
        assert_eq!(mode_to_text(0o640), "rw-r-----");
    }
}
