//! Random identifiers and secrets.

use rand::RngCore as _;

/// `n` random bytes as lowercase hex (`2n` characters), from the OS-seeded CSPRNG.
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A clone id: `<template>-<hex>`.
pub(crate) fn clone_id(template: &str) -> String {
    format!("{template}-{}", random_hex(3))
}

/// The database of a clone: `clone_<id>` with `-` turned into `_`.
pub(crate) fn database_name(name_template: &str, id: &str) -> String {
    name_template.replace("{id}", id).replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_database_names() {
        let id = clone_id("slack");
        assert!(
            id.starts_with("slack-") && id.len() == "slack-".len() + 6,
            "{id}"
        );
        assert_eq!(
            database_name("clone_{id}", "slack-1a2b3c"),
            "clone_slack_1a2b3c"
        );
        assert_ne!(random_hex(16), random_hex(16));
    }
}
