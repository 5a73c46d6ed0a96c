//! The template contract, read once, by the engine, the `#[asym::clone]` macro and the kit:
//!
//! - [`catalog`]: where templates are found (one search path, in one documented order), the
//!   manifest file, the fixture glob, and a dependency-free summary (name, modes, fixtures)
//!   the macro validates against at compile time;
//! - [`is_seed_file`]: when a `seed` argument is a path rather than a fixture name;
//! - [`extends`]: the fixture a fixture builds on (`-- asym:extends basic`);
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

/// The first line a fixture starts with to build on another fixture of its template:
/// `-- asym:extends basic` applies `basic` first, then the rest of the file, in one
/// transaction (so `acme-corp` holds only what it adds to `basic`).
pub const EXTENDS: &str = "-- asym:extends ";

/// The fixture a fixture's SQL extends (its first line is [`EXTENDS`] and a fixture name).
pub fn extends(sql: &str) -> Option<&str> {
    let first = sql.lines().next()?;
    let name = first.strip_prefix(EXTENDS)?.trim();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed_files_and_fixtures() {
        assert!(super::is_seed_file("tests/seed.sql"));
        assert!(super::is_seed_file("./seeds/x"));
        assert!(!super::is_seed_file("basic"));
    }

    #[test]
    fn a_fixture_names_what_it_extends_on_its_first_line() {
        assert_eq!(
            super::extends("-- asym:extends basic\nINSERT"),
            Some("basic")
        );
        assert_eq!(super::extends("-- asym:extends  basic \r\n"), Some("basic"));
        assert_eq!(super::extends("-- asym:extends \n"), None);
        assert_eq!(super::extends("INSERT\n-- asym:extends basic"), None);
        assert_eq!(super::extends(""), None);
    }
}
