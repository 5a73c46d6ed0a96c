//! The template contract, read once, by the engine, the `#[asym::clone]` macro and the kit:
//!
//! - [`catalog`]: where templates are found (one search path, in one documented order), the
//!   manifest file, the fixture glob, and a dependency-free summary (name, modes, fixtures)
//!   the macro validates against at compile time;
//! - [`is_seed_file`]: when a `seed` argument is a path rather than a fixture name;
//! - [`wire`]: what the engine injects into a backend and the routes it calls.
//!
//! The engine parses manifests fully (with serde, validating every key); this crate reads only
//! what the macro needs, from the same directories, by the same rules.

pub mod catalog;
mod json;
pub mod wire;

/// Whether a `seed` argument names a SQL file (it ends in `.sql` or holds a `/`) rather than
/// a fixture shipped in the template.
pub fn is_seed_file(seed: &str) -> bool {
    seed.ends_with(".sql") || seed.contains('/')
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed_files_and_fixtures() {
        assert!(super::is_seed_file("tests/seed.sql"));
        assert!(super::is_seed_file("./seeds/x"));
        assert!(!super::is_seed_file("basic"));
    }
}
