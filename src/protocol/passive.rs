//! The address parts of PASV (227) and EPSV (229) replies.

use std::net::Ipv4Addr;

/// `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).`: the address and port. Servers vary the
/// wrapping (no parentheses, spaces after commas), so the first run of six comma-separated
/// numbers is taken.
pub fn parse_pasv(text: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let compact: Vec<u8> = text.iter().copied().filter(|b| *b != b' ').collect();
    compact
        .split(|b| !(b.is_ascii_digit() || *b == b','))
        .find_map(parse_six)
}

fn parse_six(token: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let mut numbers = [0u8; 6];
    let mut parts = token.split(|b| *b == b',');
    for slot in &mut numbers {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 {
            return None;
        }
        *slot = std::str::from_utf8(part).ok()?.parse::<u8>().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    let [a, b, c, d, p1, p2] = numbers;
    Some((
        Ipv4Addr::new(a, b, c, d),
        u16::from(p1) * 256 + u16::from(p2),
    ))
}

/// `229 Entering Extended Passive Mode (|||6446|)`: the port. The delimiter is whatever character
/// follows the parenthesis (RFC 2428), used four times.
pub fn parse_epsv(text: &[u8]) -> Option<u16> {
    let open = text.iter().position(|&b| b == b'(')?;
    let rest = &text[open + 1..];
    let delimiter = *rest.first()?;
    if !(33..=126).contains(&delimiter) || delimiter.is_ascii_digit() {
        return None;
    }
    let mut fields = rest.split(|&b| b == delimiter);
    let (_, empty1, empty2, port) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if !empty1.is_empty() || !empty2.is_empty() {
        return None;
    }
    let port = std::str::from_utf8(port).ok()?.parse::<u16>().ok()?;
    (port != 0).then_some(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasv_forms() {
        assert_eq!(
            parse_pasv(b"Entering Passive Mode (127,0,0,1,117,48)."),
            Some((Ipv4Addr::new(127, 0, 0, 1), 117 * 256 + 48))
        );
        assert_eq!(
            parse_pasv(b"Entering Passive Mode 10,1,2,3,4,5"),
            Some((Ipv4Addr::new(10, 1, 2, 3), 1029))
        );
        assert_eq!(parse_pasv(b"Entering Passive Mode (300,0,0,1,1,1)"), None);
        assert_eq!(parse_pasv(b"nothing here"), None);
        assert_eq!(parse_pasv(b"(1,2,3)"), None);
        assert_eq!(
            parse_pasv(b"Entering Passive Mode (127, 0, 0, 1, 0, 21)"),
            Some((Ipv4Addr::new(127, 0, 0, 1), 21))
        );
    }

    #[test]
    fn epsv_forms() {
        assert_eq!(
            parse_epsv(b"Entering Extended Passive Mode (|||6446|)"),
            Some(6446)
        );
        assert_eq!(
            parse_epsv(b"Entering Extended Passive Mode (!!!6446!)"),
            Some(6446)
        );
        assert_eq!(parse_epsv(b"(|||0|)"), None);
        assert_eq!(parse_epsv(b"(|||99999|)"), None);
        assert_eq!(parse_epsv(b"(|1|6446|)"), None);
        assert_eq!(parse_epsv(b"no parens"), None);
    }
}
