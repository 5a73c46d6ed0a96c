//! What a create or update route takes ([`Takes`]), and the walk of a request against it:
//! unknown parameters (with the key each is a typo of) and those refused by name.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// What a create or update route takes: the parameters it serves, and those Stripe takes
/// there that this clone does not serve (each refused by name, in Stripe's error envelope with
/// `param` set, rather than ignored). Anything else is Stripe's `parameter_unknown`.
pub(crate) struct Takes {
    /// What the route does, as a refusal names it (`customer creation`, `price updates`).
    pub(crate) route: &'static str,
    /// The parameters served (`expand` always is), as lists so that routes can share one.
    pub(crate) serves: &'static [&'static [&'static str]],
    /// The parameters Stripe takes there that are not served, as lists too.
    pub(crate) refuses: &'static [&'static [&'static str]],
    /// The served hashes whose keys are checked in turn (`items`, `price_data`, `address`),
    /// with what each takes: a hash, or each hash of an array (`items[0][price]`). A hash not
    /// named here keeps free keys (`metadata[anything]`); a refusal inside one names the
    /// nested table's `route`.
    pub(crate) nested: Nested,
}

impl Takes {
    /// A table that serves `serves` and nothing more: Stripe takes nothing else there, and no
    /// hash inside is checked (a nested hash of plain keys, most often).
    pub(crate) const fn serving(
        route: &'static str,
        serves: &'static [&'static [&'static str]],
    ) -> Self {
        Self {
            route,
            serves,
            refuses: &[],
            nested: &[],
        }
    }
}

/// The hashes a [`Takes`] checks inside: each served parameter with what it takes.
pub(crate) type Nested = &'static [(&'static str, &'static Takes)];

/// Whether `lists` hold `key`.
fn holds(lists: &[&[&str]], key: &str) -> bool {
    lists.iter().any(|list| list.contains(&key))
}

/// The refusal of `param`, which Stripe takes on `route` and this clone does not serve.
pub(crate) fn unserved(param: &str, route: &str) -> ApiError {
    ApiError::invalid_param(
        param,
        format!("This Stripe clone does not serve {param} on {route} (not implemented)."),
    )
}

/// An unknown parameter's full name, and the key it is a typo of, if any.
pub(super) type Unknown<'k> = (String, Option<&'k str>);

/// What [`audit`] finds in a request: every unknown parameter, and the first refused one with
/// the route that refuses it.
#[derive(Default)]
pub(super) struct Found {
    pub(super) unknown: Vec<Unknown<'static>>,
    pub(super) refused: Option<(String, &'static str)>,
}

/// Walks `hash` (named `at`, `None` at the top, where `expand` is always taken) against
/// `route`, noting into `found` what it neither serves nor refuses and what it refuses. Served
/// hashes of `route.nested` are walked in turn.
pub(super) fn audit(hash: &Map<String, Value>, route: &Takes, at: Option<&str>, found: &mut Found) {
    let name = |key: &str| match at {
        Some(at) => format!("{at}[{key}]"),
        None => key.to_owned(),
    };
    for (key, value) in hash {
        if at.is_none() && key == "expand" {
            continue;
        }
        if holds(route.serves, key) {
            if let Some((_, inner)) = route.nested.iter().find(|(k, _)| k == key) {
                let at = name(key);
                match value {
                    Value::Object(map) => audit(map, inner, Some(&at), found),
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            if let Value::Object(map) = item {
                                audit(map, inner, Some(&format!("{at}[{i}]")), found);
                            }
                        }
                    }
                    _ => {}
                }
            }
        } else if holds(route.refuses, key) {
            if found.refused.is_none() {
                found.refused = Some((name(key), route.route));
            }
        } else {
            let known = route
                .serves
                .iter()
                .chain(route.refuses)
                .flat_map(|l| l.iter());
            found
                .unknown
                .push((name(key), closest(key, known.copied())));
        }
    }
}

/// Stripe's `parameter_unknown` for `unknown` (one at least), naming the first as `param`:
/// `Received unknown parameter: items[0][pricee]. Did you mean price?` (the key a typo is
/// closest to, when there is one), or `Received unknown parameters: a, b` for several.
pub(super) fn received_unknown(unknown: &[Unknown<'_>]) -> ApiError {
    let first = unknown.first().map_or("", |(name, _)| name.as_str());
    let message = match unknown {
        [(name, Some(typo_of))] => {
            format!("Received unknown parameter: {name}. Did you mean {typo_of}?")
        }
        [(name, None)] => format!("Received unknown parameter: {name}"),
        _ => {
            let names: Vec<&str> = unknown.iter().map(|(name, _)| name.as_str()).collect();
            format!("Received unknown parameters: {}", names.join(", "))
        }
    };
    ApiError::invalid(message)
        .code("parameter_unknown")
        .param(first)
}

/// The key of `known` that `key` is a typo of, as Stripe's "Did you mean …?" names one: the
/// nearest by edit distance, when at most a third of `key`'s letters (one at least) differ;
/// the first of equals.
pub(super) fn closest<'k>(key: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let most = (key.chars().count() / 3).max(1);
    known
        .map(|candidate| (edits(key, candidate), candidate))
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The edit distance between `a` and `b`: letters inserted, deleted, replaced, or two
/// neighbours swapped (`widht`), one edit each.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // d[i][j]: the distance between the first i letters of a and the first j of b.
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let replace = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = replace.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}
