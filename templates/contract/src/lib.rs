//! The template contract, read once, by the engine, the `#[asym::clone]` macro and the kit:
//!
//! - [`catalog`]: where templates are found (one search path, in one documented order), the
//!   manifest file, the fixture glob, and a dependency-free summary (name, modes, fixtures)
//!   the macro validates against at compile time;
//! - [`is_seed_file`]: when a `seed` argument is a path rather than a fixture name;
//! - [`extends`]: the fixture a fixture builds on (`-- asym:extends basic`);
//! - [`wire`]: what the engine injects into a backend and the routes it calls;
//! - [`closest`]: the "did you mean" of every refusal that names a wrong word.
//!
//! The engine parses manifests fully (with serde, validating every key); this crate reads only
//! what the macro needs, from the same directories, by the same rules.

pub mod catalog;
mod json;
#[cfg(feature = "serde")]
pub mod webhook;
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

/// The candidate closest to a mistyped `word` by edit distance, when close enough to be what
/// was meant: at most 2 edits, or a third of the candidate's length for longer words, and
/// fewer edits than the candidate has characters.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
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

    #[test]
    fn the_closest_candidate_is_suggested_when_near_enough() {
        assert_eq!(super::edit_distance("slak", "slack"), 1);
        assert_eq!(super::edit_distance("", "abc"), 3);
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
        assert_eq!(super::closest("slak", ["stripe", "slack"]), Some("slack"));
        assert_eq!(super::closest("xyz", ["slack"]), None);
        assert_eq!(super::closest("a", ["b"]), None);
    }
}
