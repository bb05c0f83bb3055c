//! `--on-conflict ask`: the question on the terminal (or answers piped in), one key per choice.

use std::io::BufRead;

use crate::engine::{Conflict, ConflictAnswer, ConflictPolicy, Direction, FileFacts};

/// The keys and what they mean, as the prompt shows them.
pub const PROMPT: &str = "[o]verwrite, if [n]ewer, if size [d]iffers, [r]esume, [c]opy under a new name, [s]kip (add ! for all): ";

/// How many unreadable answers are let pass before the item is left alone.
const MAX_TRIES: usize = 5;

/// Reads one answer: a key, optionally followed by `!` ("the same for all"). `None` for
/// anything else.
pub fn parse_answer(line: &str) -> Option<ConflictAnswer> {
    let line = line.trim();
    let (key, for_all) = match line.strip_suffix('!') {
        Some(key) => (key.trim(), true),
        None => (line, false),
    };
    let choice = match key {
        "o" => ConflictPolicy::Overwrite,
        "n" => ConflictPolicy::OverwriteIfNewer,
        "d" => ConflictPolicy::OverwriteIfSizeDiffers,
        "r" => ConflictPolicy::Resume,
        "c" => ConflictPolicy::Rename,
        "s" => ConflictPolicy::Skip,
        _ => return None,
    };
    Some(ConflictAnswer {
        choice,
        rename_to: None,
        for_all,
    })
}

fn facts(f: &FileFacts) -> String {
    format!(
        "{} bytes, modified {}",
        f.size.map_or("?".into(), |s| s.to_string()),
        f.modified
            .map_or("?".into(), |m| m.format("%Y-%m-%d %H:%M:%S").to_string())
    )
}

/// Asks about `conflict` on stderr and reads the answer from `input`. With no answer (the end
/// of the input, or only unreadable lines), the target is left alone and the item fails.
pub fn ask(conflict: &Conflict, input: &mut impl BufRead) -> ConflictAnswer {
    let way = match conflict.direction {
        Direction::Upload => "Upload",
        Direction::Download => "Download",
    };
    eprintln!(
        "{way}: {} exists ({}).\n  new: {} ({})",
        conflict.target_path,
        facts(&conflict.target),
        conflict.source_path,
        facts(&conflict.source)
    );
    if !conflict.suggested_name.is_empty() {
        eprintln!("  a copy would be named {:?}", conflict.suggested_name);
    }
    for _ in 0..MAX_TRIES {
        eprint!("{PROMPT}");
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if let Some(answer) = parse_answer(&line) {
                    return answer;
                }
                eprintln!("(one of o, n, d, r, c, s)");
            }
        }
    }
    eprintln!("no answer: {} is left as it is", conflict.target_path);
    ConflictAnswer::new(ConflictPolicy::Refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_means_one_choice() {
        let table = [
            ("o", Some((ConflictPolicy::Overwrite, false))),
            ("n\n", Some((ConflictPolicy::OverwriteIfNewer, false))),
            (" d ", Some((ConflictPolicy::OverwriteIfSizeDiffers, false))),
            ("r", Some((ConflictPolicy::Resume, false))),
            ("c", Some((ConflictPolicy::Rename, false))),
            ("s", Some((ConflictPolicy::Skip, false))),
            ("s!", Some((ConflictPolicy::Skip, true))),
            ("o !", Some((ConflictPolicy::Overwrite, true))),
            ("", None),
            ("x", None),
            ("overwrite", None),
        ];
        for (line, expected) in table {
            let got = parse_answer(line).map(|a| (a.choice, a.for_all));
            assert_eq!(got, expected, "{line:?}");
        }
    }

    #[test]
    fn no_answer_leaves_the_target_alone() {
        let conflict = Conflict {
            id: 1,
            direction: Direction::Upload,
            source_path: "d.txt".into(),
            target_path: "/d.txt".into(),
            source: FileFacts::default(),
            target: FileFacts::default(),
            suggested_name: "d (1).txt".into(),
            text_mode: false,
        };
        let answer = ask(&conflict, &mut std::io::Cursor::new(b"what\n\n".to_vec()));
        assert_eq!(answer.choice, ConflictPolicy::Refuse);
        let answer = ask(&conflict, &mut std::io::Cursor::new(b"zz\ns\n".to_vec()));
        assert_eq!(answer.choice, ConflictPolicy::Skip);
    }
}
