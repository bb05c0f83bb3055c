//! Exclusion rules for a sync, as people write them in `.gitignore`: `*.tmp` (a name anywhere),
//! `node_modules/` (a folder anywhere, with everything in it), `build/out.log` (a path from the
//! synced folder's top). An excluded folder's contents are excluded with it.

use globset::{Glob, GlobMatcher};

#[derive(Debug, Clone)]
struct Rule {
    matcher: GlobMatcher,
    /// Ends in `/`: folders only.
    folders_only: bool,
    /// Has a `/` inside: matched against the whole relative path, else against each name.
    anchored: bool,
}

/// A set of rules; empty excludes nothing.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    rules: Vec<Rule>,
    texts: Vec<String>,
}

impl Exclusions {
    /// The rules as typed; an unreadable pattern is an error that names it.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, String> {
        let mut rules = Vec::new();
        let mut texts = Vec::new();
        for pattern in patterns {
            let text = pattern.as_ref().trim();
            if text.is_empty() {
                continue;
            }
            let folders_only = text.ends_with('/');
            let body = text.trim_end_matches('/').trim_start_matches('/');
            let anchored = body.contains('/') || text.starts_with('/');
            let glob = Glob::new(body).map_err(|e| {
                format!("the exclusion {text:?} is not a pattern Ferry can read: {e}")
            })?;
            rules.push(Rule {
                matcher: glob.compile_matcher(),
                folders_only,
                anchored,
            });
            texts.push(text.to_owned());
        }
        Ok(Self { rules, texts })
    }

    /// The rules as given, for saving with a site.
    pub fn patterns(&self) -> &[String] {
        &self.texts
    }

    /// Whether `path` (relative, `/`-separated) is excluded, itself or through a folder it is in.
    pub fn excludes(&self, path: &str, is_dir: bool) -> bool {
        if self.rules.is_empty() {
            return false;
        }
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        for (index, name) in parts.iter().enumerate() {
            let last = index + 1 == parts.len();
            // Every folder above the entry is a folder; the entry is what it says.
            let folder = !last || is_dir;
            let prefix = parts[..=index].join("/");
            for rule in &self.rules {
                if rule.folders_only && !folder {
                    continue;
                }
                let subject = if rule.anchored { prefix.as_str() } else { name };
                if rule.matcher.is_match(subject) {
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_as_people_write_them() {
        let rules = Exclusions::new(&[
            ".git/",
            "node_modules/",
            "*.tmp",
            "build/out.log",
            "/top.txt",
        ])
        .expect("rules");
        let cases: &[(&str, bool, bool)] = &[
            (".git", true, true),
            (".git/config", false, true),
            ("sub/.git/HEAD", false, true),
            (".git", false, false), // a file named .git is not the folder rule's
            ("node_modules/a/b.js", false, true),
            ("web/node_modules", true, true),
            ("a.tmp", false, true),
            ("deep/down/x.tmp", false, true),
            ("a.tmp.txt", false, false),
            ("build/out.log", false, true),
            ("other/build/out.log", false, false),
            ("top.txt", false, true),
            ("sub/top.txt", false, false),
            ("index.html", false, false),
            ("css/site.css", false, false),
        ];
        for (path, is_dir, excluded) in cases {
            assert_eq!(
                rules.excludes(path, *is_dir),
                *excluded,
                "{path} (dir: {is_dir})"
            );
        }
    }

    #[test]
    fn no_rules_exclude_nothing_and_a_bad_one_is_named() {
        let none = Exclusions::new::<&str>(&[]).expect("empty");
        assert!(!none.excludes("anything", false));
        let error = Exclusions::new(&["a[b"]).expect_err("unclosed class");
        assert!(error.contains("a[b"), "{error}");
    }
}
