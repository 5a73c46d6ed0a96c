//! Errata: corrections to a product's published description where the product itself
//! answers otherwise, each with its evidence. `verify` applies them (unless `--no-errata`)
//! and lists the ones that changed the description, so a clone that answers as the product
//! does is not marked down for the description's own faults, and the reader sees which.
//!
//! An erratum merges a JSON object (RFC 7386 merge patch) into the value at a JSON pointer;
//! one whose target a description lacks, or already satisfies (fixed upstream), changes
//! nothing and is not listed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One correction to a description.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct Erratum {
    /// A short name.
    pub(crate) id: String,
    /// Where it applies (JSON pointer into the description).
    pub(crate) pointer: String,
    /// What is merged there.
    pub(crate) merge: Value,
    /// What the product does that the description says otherwise.
    pub(crate) why: String,
    /// Where that is shown.
    pub(crate) evidence: Vec<String>,
}

/// The errata `verify` knows for `template`.
pub(crate) fn builtin(template: &str) -> Vec<Erratum> {
    let text = match template {
        "github" => include_str!("errata/github.json"),
        "hubspot" => include_str!("errata/hubspot.json"),
        "notion" => include_str!("errata/notion.json"),
        "slack" => include_str!("errata/slack.json"),
        _ => return Vec::new(),
    };
    // Checked by this module's tests.
    serde_json::from_str(text).unwrap_or_default()
}

/// Applies `errata` to each of `documents`; the errata that changed one, once each.
pub(crate) fn apply(documents: &mut [Value], errata: &[Erratum]) -> Vec<Erratum> {
    errata
        .iter()
        .filter(|erratum| {
            let mut changed = false;
            for document in documents.iter_mut() {
                if let Some(target) = document.pointer_mut(&erratum.pointer) {
                    let before = target.clone();
                    merge(target, &erratum.merge);
                    changed |= *target != before;
                }
            }
            changed
        })
        .cloned()
        .collect()
}

/// RFC 7386: `patch`'s members replace or (when null) remove `target`'s, recursively.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_builtin_erratum_parses_and_says_why_with_evidence() {
        for template in ["github", "hubspot", "notion", "slack"] {
            let errata = builtin(template);
            assert!(!errata.is_empty(), "{template}");
            for e in &errata {
                assert!(e.pointer.starts_with('/') && !e.why.is_empty(), "{}", e.id);
                assert!(
                    e.evidence.iter().all(|u| u.starts_with("https://")),
                    "{}",
                    e.id
                );
            }
        }
    }

    #[test]
    fn an_erratum_applies_where_needed_and_only_there() {
        let errata = builtin("github");
        let faulty = json!({"components": {"schemas": {
            "organization-full": {"properties": {"company": {"type": "string"}}},
            "validation-error": {"properties": {"message": {"type": "string"}}}}}});
        let mut documents = vec![faulty];
        let applied = apply(&mut documents, &errata);
        assert_eq!(applied.len(), 2);
        let schemas = &documents[0]["components"]["schemas"];
        assert_eq!(
            schemas["organization-full"]["properties"]["company"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schemas["validation-error"]["properties"]["status"],
            json!({"type": "string"})
        );
        // Fixed upstream, or absent: nothing to apply, nothing listed.
        assert!(apply(&mut documents, &errata).is_empty());
        assert!(apply(&mut [json!({"paths": {}})], &errata).is_empty());
    }

    #[test]
    fn merge_follows_rfc_7386() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
    }
}
