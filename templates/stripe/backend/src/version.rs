//! Answers in the shape of the `Stripe-Version` a request names (or the account default,
//! [`crate::cx::DEFAULT_API_VERSION`]). Objects are stored in the newest shape; an older
//! version gets them rewritten on the way out.
//!
//! | change | version |
//! |---|---|
//! | a product's `features` renamed `marketing_features` | [`MARKETING_FEATURES`] |

use serde_json::{Map, Value};

/// The version that renamed a product's `features` to `marketing_features`
/// (<https://docs.stripe.com/changelog/2024-04-10/renames-features-attribute-product-object>).
pub(crate) const MARKETING_FEATURES: &str = "2024-04-10";

/// Whether `version` (`2023-10-16`, `2024-09-30.acacia`, …) predates `change`.
pub(crate) fn before(version: &str, change: &str) -> bool {
    version.get(..10).unwrap_or(version) < change
}

/// Whether stored objects of type `kind` are rewritten for `version` (so a list of them
/// must be parsed, not answered as stored).
pub(crate) fn reshapes(kind: &str, version: &str) -> bool {
    kind == "product" && before(version, MARKETING_FEATURES)
}

/// Rewrites every object in `value` into the shape of `version`, but for events' data,
/// which keep the shape of the version they were made in.
pub(crate) fn shape(value: &mut Value, version: &str) {
    if before(version, MARKETING_FEATURES) {
        walk(value);
    }
}

fn walk(value: &mut Value) {
    match value {
        // An event keeps the shape of the version it was made in (its `api_version`).
        Value::Object(map) if map.get("object").and_then(Value::as_str) == Some("event") => {}
        Value::Object(map) => {
            if map.get("object").and_then(Value::as_str) == Some("product")
                && map.contains_key("marketing_features")
            {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(key, v)| match key.as_str() {
                        "marketing_features" => ("features".to_owned(), v),
                        _ => (key, v),
                    })
                    .collect::<Map<String, Value>>();
            }
            for (key, v) in map.iter_mut() {
                if key != "metadata" {
                    walk(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn versions_compare_by_their_date() {
        assert!(before("2023-10-16", MARKETING_FEATURES));
        assert!(!before("2024-04-10", MARKETING_FEATURES));
        assert!(!before("2024-09-30.acacia", MARKETING_FEATURES));
    }

    #[test]
    fn products_get_features_before_the_rename() {
        let stored = json!({"object": "list", "data": [
            {"id": "prod_1", "object": "product", "marketing_features": [{"name": "Fast"}],
             "metadata": {"marketing_features": "kept"}, "name": "P"}]});
        let mut old = stored.clone();
        shape(&mut old, "2023-08-16");
        let product = &old["data"][0];
        assert_eq!(product["features"], json!([{"name": "Fast"}]));
        assert!(product.get("marketing_features").is_none());
        assert_eq!(product["metadata"]["marketing_features"], "kept");
        let keys: Vec<&String> = product.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "object", "features", "metadata", "name"],
            "in place"
        );
        let mut new = stored.clone();
        shape(&mut new, "2024-06-20");
        assert_eq!(new, stored);
        let event = json!({"object": "event", "data": {"object": stored["data"][0].clone()}});
        let mut seen = event.clone();
        shape(&mut seen, "2023-08-16");
        assert_eq!(seen, event, "an event keeps its own version's shape");
    }
}
