//! `~/.netrc` (or `$NETRC`), as curl, lftp and ftp(1) read it: `machine HOST login USER
//! password PASS`, a `default` entry for every other host, `account` and `macdef` skipped.
//! Tokens are separated by any white space; a token may be quoted ("two words", with `\"`).
//! (The netrc crates on crates.io are unmaintained and read neither quotes nor macdef, and the
//! format is small: this is the whole of it.)

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetrcEntry {
    /// `None` for the `default` entry.
    pub machine: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
}

fn tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        // A `#` where a keyword could stand starts a comment (a password may hold one).
        let expecting_value = tokens
            .last()
            .is_some_and(|t| matches!(t.as_str(), "machine" | "login" | "password" | "account"));
        if c == '#' && !expecting_value {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        let mut token = String::new();
        if c == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(next) = chars.next() {
                            token.push(next);
                        }
                    }
                    '"' => break,
                    c => token.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                token.push(c);
                chars.next();
            }
        }
        if token == "macdef" {
            // The macro's name and body run to the next empty line: not netrc at all.
            let mut line_has_text = true;
            for c in chars.by_ref() {
                match c {
                    '\n' if !line_has_text => break,
                    '\n' => line_has_text = false,
                    '\r' => {}
                    _ => line_has_text = true,
                }
            }
            continue;
        }
        tokens.push(token);
    }
    tokens
}

/// Every entry of a netrc file's text, in order. Unknown words are skipped.
pub fn parse(text: &str) -> Vec<NetrcEntry> {
    let tokens = tokens(text);
    let mut entries: Vec<NetrcEntry> = Vec::new();
    let mut words = tokens.into_iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "machine" => entries.push(NetrcEntry {
                machine: words.next(),
                login: None,
                password: None,
            }),
            "default" => entries.push(NetrcEntry {
                machine: None,
                login: None,
                password: None,
            }),
            "login" => {
                let value = words.next();
                if let Some(entry) = entries.last_mut() {
                    entry.login = value;
                }
            }
            "password" => {
                let value = words.next();
                if let Some(entry) = entries.last_mut() {
                    entry.password = value;
                }
            }
            "account" => {
                words.next();
            }
            _ => {}
        }
    }
    entries
}

/// The entry for `host` (and `user`, when the URL names one): the first machine entry that
/// matches, else `default`.
pub fn find<'a>(
    entries: &'a [NetrcEntry],
    host: &str,
    user: Option<&str>,
) -> Option<&'a NetrcEntry> {
    let fits_user = |entry: &&NetrcEntry| match (user, &entry.login) {
        (Some(wanted), Some(login)) => wanted == login,
        _ => true,
    };
    entries
        .iter()
        .filter(|e| {
            e.machine
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(host))
        })
        .find(fits_user)
        .or_else(|| {
            entries
                .iter()
                .filter(|e| e.machine.is_none())
                .find(fits_user)
        })
}

/// Where the netrc file is: `$NETRC`, else `~/.netrc` (`~/_netrc` on Windows, as curl).
pub fn path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NETRC") {
        return Some(PathBuf::from(path));
    }
    let home = directories::BaseDirs::new()?.home_dir().to_path_buf();
    let name = if cfg!(windows) { "_netrc" } else { ".netrc" };
    Some(home.join(name))
}

/// The netrc file's entries, or none when there is no readable file.
pub fn load() -> Vec<NetrcEntry> {
    path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|text| parse(&text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(machine: Option<&str>, login: Option<&str>, password: Option<&str>) -> NetrcEntry {
        NetrcEntry {
            machine: machine.map(str::to_owned),
            login: login.map(str::to_owned),
            password: password.map(str::to_owned),
        }
    }

    #[test]
    fn files_as_people_write_them() {
        let cases: &[(&str, &str, Vec<NetrcEntry>)] = &[
            (
                "one line",
                "machine ftp.example.com login alice password s3cret",
                vec![entry(
                    Some("ftp.example.com"),
                    Some("alice"),
                    Some("s3cret"),
                )],
            ),
            (
                "one word per line, tabs, and a default",
                "machine a\n\tlogin u\n\tpassword p\n\ndefault login anonymous password me@x\n",
                vec![
                    entry(Some("a"), Some("u"), Some("p")),
                    entry(None, Some("anonymous"), Some("me@x")),
                ],
            ),
            (
                "a quoted password with a space and a quote",
                "machine a login u password \"two \\\"words\\\"\"",
                vec![entry(Some("a"), Some("u"), Some("two \"words\""))],
            ),
            (
                "account skipped, macdef body ignored",
                "machine a login u account acct password p\nmacdef init\ncd /pub\nls\n\nmachine b login v password q\n",
                vec![
                    entry(Some("a"), Some("u"), Some("p")),
                    entry(Some("b"), Some("v"), Some("q")),
                ],
            ),
            (
                "a comment line",
                "# my servers\nmachine a login u password p # the old one\n",
                vec![entry(Some("a"), Some("u"), Some("p"))],
            ),
            (
                "a password with a hash",
                "machine a login u password pa#ss",
                vec![entry(Some("a"), Some("u"), Some("pa#ss"))],
            ),
            ("empty", "", vec![]),
            (
                "login without a machine is ignored",
                "login x password y machine a login u",
                vec![entry(Some("a"), Some("u"), None)],
            ),
        ];
        for (name, text, expected) in cases {
            assert_eq!(&parse(text), expected, "{name}");
        }
    }

    #[test]
    fn the_machine_then_the_user_then_default() {
        let entries = parse(
            "machine h login alice password a1\nmachine h login bob password b1\nmachine H2 login c password c1\ndefault login anonymous password guest",
        );
        let password = |host: &str, user: Option<&str>| {
            find(&entries, host, user).and_then(|e| e.password.clone())
        };
        assert_eq!(password("h", None).as_deref(), Some("a1"));
        assert_eq!(password("h", Some("bob")).as_deref(), Some("b1"));
        assert_eq!(
            password("h2", None).as_deref(),
            Some("c1"),
            "hosts ignore case"
        );
        assert_eq!(password("elsewhere", None).as_deref(), Some("guest"));
        assert_eq!(password("h", Some("carol")), None, "no entry for that user");
    }
}
