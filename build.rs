//! Stamps the binary with the git commit it was built from, for `ferry --version`
//! ("ferry 0.1.0 (abc1234)"). Outside a git checkout (a source tarball) the commit is
//! "unknown", unless FERRY_GIT_COMMIT names it.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=FERRY_GIT_COMMIT");
    let commit = std::env::var("FERRY_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=7", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=FERRY_VERSION={version} ({commit})");

    // Build again when HEAD moves: a checkout changes .git/HEAD, a commit changes the branch's
    // ref (a loose file, or packed-refs once git has packed it).
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]).map(PathBuf::from) {
        let head = git_dir.join("HEAD");
        println!("cargo:rerun-if-changed={}", head.display());
        if let Some(reference) = std::fs::read_to_string(&head)
            .ok()
            .and_then(|h| h.strip_prefix("ref:").map(|r| r.trim().to_owned()))
        {
            let loose = git_dir.join(&reference);
            if loose.exists() {
                println!("cargo:rerun-if-changed={}", loose.display());
            }
        }
        let packed = git_dir.join("packed-refs");
        if packed.exists() {
            println!("cargo:rerun-if-changed={}", packed.display());
        }
    }
}

/// One line of git's output, or None when git is missing or fails (not a checkout).
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let line = text.trim();
    (!line.is_empty()).then(|| line.to_owned())
}
