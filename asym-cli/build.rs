//! Names the commit the CLI was built from in `asym --version` (`ASYM_COMMIT`), so a binary
//! installed with `cargo install --git` says which revision it is.

use std::path::Path;
use std::process::Command;

/// `git args` in this crate's directory, read when the script runs: cargo shares one build of
/// the script between checkouts that share a target directory (worktrees), so a path compiled
/// in would name another checkout's commit.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(std::env::var_os("CARGO_MANIFEST_DIR")?)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn main() {
    let commit = std::env::var("ASYM_COMMIT")
        .ok()
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=ASYM_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=ASYM_COMMIT");
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        for watched in ["HEAD", "refs/heads", "packed-refs"] {
            let path = Path::new(&dir).join(watched);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
