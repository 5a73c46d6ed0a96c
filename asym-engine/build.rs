//! Embeds the manifests of the templates shipped in this repository.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    // Read when the script runs, not when it was compiled: cargo shares one build of this
    // script between checkouts of the workspace that share a target directory (worktrees).
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let templates = Path::new(&manifest_dir).join("../templates");
    println!("cargo:rerun-if-changed={}", templates.display());
    // A copy of the crate without its templates must not build an engine that knows none.
    let mut names: Vec<_> = fs::read_dir(&templates)
        .unwrap_or_else(|e| panic!("reading {}: {e}", templates.display()))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("clone.manifest.json").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut code = String::from(
        "/// Templates shipped with asym: (name, manifest JSON).\npub(crate) const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        let manifest = templates.join(name).join("clone.manifest.json");
        println!("cargo:rerun-if-changed={}", manifest.display());
        let path = fs::canonicalize(&manifest).expect("manifest path");
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display()).expect("write");
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_templates.rs");
    fs::write(out, code).expect("write builtin_templates.rs");
}
