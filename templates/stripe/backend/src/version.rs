//! Answers in the shape of the `Stripe-Version` a request names (or the account default,
//! [`DEFAULT_API_VERSION`]). Objects are stored in the newest shape; a version older than the
//! default gets them rewritten on the way out, in one pass over the answer: a product's
//! `marketing_features` is `features` before [`MARKETING_FEATURES`], every field of [`ADDED`]
//! is left out before the version it carries, and every field of [`UNDATED`] before the
//! default (a dotted path through an array goes into each of its objects); a portal
//! configuration gets the `features.subscription_pause` older descriptions require. A
//! request at the default version or later is answered as stored (no pass).

use serde_json::{Map, Value};

/// The API version events are stamped with when the request names none.
pub(crate) const DEFAULT_API_VERSION: &str = "2024-06-20";

/// The version that renamed a product's `features` to `marketing_features`
/// (<https://docs.stripe.com/changelog/2024-04-10/renames-features-attribute-product-object>).
pub(crate) const MARKETING_FEATURES: &str = "2024-04-10";

/// Fields the clone renders that an older version's answers do not have, with the version
/// Stripe's changelog gives for them: (`object` type, field — dotted for one inside a nested
/// object —, the version that brought it). Derived, like [`UNDATED`], by comparing the
/// 2023-08-16 description with what the clone answers.
pub(crate) const ADDED: &[(&str, &str, &str)] = &[
    // <https://docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end>
    ("subscription_item", "current_period_end", "2025-03-31"),
    ("subscription_item", "current_period_start", "2025-03-31"),
    // <https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices>
    ("invoice", "amount_overpaid", "2025-03-31"),
    // <https://docs.stripe.com/changelog/basil/2025-03-31/invoice-tax-configurations>: an
    // invoice's `total_tax_amounts` and a line's `tax_amounts` became `total_taxes` and
    // `taxes` (the older fields are still answered, see the README).
    ("invoice", "total_taxes", "2025-03-31"),
    ("line_item", "taxes", "2025-03-31"),
    // The same change for credit notes: `tax_amounts` became `total_taxes` and `taxes`.
    ("credit_note", "total_taxes", "2025-03-31"),
    ("credit_note_line_item", "taxes", "2025-03-31"),
    // <https://docs.stripe.com/changelog/basil/2025-03-31/adds-new-parent-field-to-invoicing-objects>
    ("line_item", "parent", "2025-03-31"),
    // <https://docs.stripe.com/changelog/basil/2025-06-30/billing-mode>
    ("subscription", "billing_mode", "2025-06-30"),
    ("subscription_schedule", "billing_mode", "2025-06-30"),
    ("quote", "subscription_data.billing_mode", "2025-06-30"),
    // 2025-09-30.clover (the SDKs' `promotion[coupon]` and `Discount.source`): a promotion
    // code's `promotion` and a discount's `source` name its coupon.
    ("promotion_code", "promotion", "2025-09-30"),
    ("discount", "source", "2025-09-30"),
    // <https://docs.stripe.com/changelog/acacia/2024-09-30/disputes-case-type-card>
    (
        "dispute",
        "payment_method_details.card.case_type",
        "2024-09-30",
    ),
    // <https://docs.stripe.com/changelog/dahlia/2026-07-29/dispute-payment-method-details-card-network>
    (
        "dispute",
        "payment_method_details.card.network",
        "2026-07-29",
    ),
];

/// Fields older versions' descriptions do not have and the changelog does not date, per
/// `object` type, dated at [`DEFAULT_API_VERSION`]: additions Stripe made without a new
/// version (the changelog's "backward-compatible changes": new properties appear in every
/// version's answers), deprecated fields the description leaves out though Stripe still sends
/// them (`plan`, `quantity`, `recurring.trial_period_days`), and the `total_count` Stripe keeps
/// on embedded lists. Leaving them out gives older versions the shape their description gives.
pub(crate) const UNDATED: &[(&str, &[&str])] = &[
    (
        "charge",
        &["payment_method_details.card.amount_authorized", "source"],
    ),
    // A card's (a token's, a customer's source) fields the 2023-08-16 description lacks.
    ("card", &["networks", "regulated_status"]),
    (
        "checkout.session",
        &[
            "automatic_tax.liability",
            "client_secret",
            "custom_text.after_submit",
            "custom_text.terms_of_service_acceptance",
            "payment_method_configuration_details",
            "ui_mode",
        ],
    ),
    (
        "invoice",
        &[
            "automatic_tax.disabled_reason",
            "automatic_tax.liability",
            "days_until_due",
            "issuer",
        ],
    ),
    ("discount", &["subscription_item"]),
    (
        "dispute",
        &[
            "enhanced_eligibility_types",
            "evidence.enhanced_evidence",
            "evidence_details.enhanced_eligibility",
            "network_reason_code",
        ],
    ),
    (
        "credit_note",
        &["post_payment_amount", "pre_payment_amount", "refunds"],
    ),
    (
        "account",
        &[
            "business_profile.annual_revenue",
            "business_profile.estimated_worker_count",
        ],
    ),
    ("billing_portal.configuration", &["name"]),
    (
        "payment_link",
        &[
            "automatic_tax.liability",
            "created",
            "custom_text.after_submit",
            "custom_text.terms_of_service_acceptance",
            "inactive_message",
            "optional_items",
            "restrictions",
            "tax_id_collection.required",
        ],
    ),
    ("promotion_code", &["customer_account"]),
    (
        "subscription_schedule",
        &[
            "customer_account",
            "default_settings.automatic_tax.disabled_reason",
            "default_settings.automatic_tax.liability",
            "default_settings.invoice_settings.account_tax_ids",
            "default_settings.invoice_settings.issuer",
            "phases.automatic_tax.disabled_reason",
            "phases.automatic_tax.liability",
            "phases.discounts",
            "phases.items.discounts",
            "phases.items.plan",
        ],
    ),
    ("tax_id", &["owner"]),
    ("invoiceitem", &["created"]),
    ("line_item", &["invoice", "plan", "subtotal"]),
    ("list", &["total_count"]),
    (
        "payment_intent",
        &["payment_method_configuration_details", "source"],
    ),
    ("payment_method", &["allow_redisplay", "card.display_brand"]),
    ("price", &["recurring.meter", "recurring.trial_period_days"]),
    ("product", &["attributes", "type"]),
    (
        "quote",
        &[
            "automatic_tax.liability",
            "automatic_tax.provider",
            "customer_account",
            "invoice_settings.issuer",
            "subscription_data.metadata",
        ],
    ),
    ("refund", &["destination_details"]),
    ("setup_intent", &["payment_method_configuration_details"]),
    (
        "subscription",
        &[
            "automatic_tax.disabled_reason",
            "automatic_tax.liability",
            "billing_cycle_anchor_config",
            "billing_schedules",
            "discounts",
            "invoice_settings",
            "plan",
            "quantity",
        ],
    ),
    ("subscription_item", &["discounts", "plan"]),
    ("test_helpers.test_clock", &["status_details"]),
    (
        "tax_rate",
        &["flat_amount", "jurisdiction_level", "rate_type"],
    ),
    (
        "customer_balance_transaction",
        &["checkout_session", "customer_account"],
    ),
];

/// Whether `version` is shaped like one of Stripe's: a date (`2023-10-16`), from 2024-09-30 on
/// followed by its release's name (`2024-09-30.acacia`, `2026-09-30.endive`). Which dates
/// and names exist is Stripe's own list; the clone checks the shape only.
pub(crate) fn well_formed(version: &str) -> bool {
    let (date, name) = version.split_once('.').unwrap_or((version, "a"));
    let digits = |range: std::ops::Range<usize>| {
        date.get(range)
            .is_some_and(|part| part.bytes().all(|b| b.is_ascii_digit()))
    };
    date.len() == 10
        && digits(0..4)
        && date.as_bytes()[4] == b'-'
        && digits(5..7)
        && date.as_bytes()[7] == b'-'
        && digits(8..10)
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase())
}

/// Whether `version` (`2023-10-16`, `2024-09-30.acacia`, …) predates `change`.
pub(crate) fn before(version: &str, change: &str) -> bool {
    version.get(..10).unwrap_or(version) < change
}

/// Whether stored objects of type `kind` are rewritten for `version` (so a list of them must
/// be parsed, not answered as stored). A type the table does not name stores no object of a
/// type it does (a customer, coupon or balance transaction keeps the objects it points at as
/// ids; expanding them parses the answer anyway).
pub(crate) fn reshapes(kind: &str, version: &str) -> bool {
    before(version, DEFAULT_API_VERSION)
        && (kind == "product"
            || ADDED.iter().any(|(of, _, _)| *of == kind)
            || UNDATED.iter().any(|(of, _)| *of == kind))
}

/// Rewrites every object in `value` into the shape of `version`, but for events' data,
/// which keep the shape of the version they were made in.
pub(crate) fn shape(value: &mut Value, version: &str) {
    if before(version, DEFAULT_API_VERSION) {
        walk(value, version);
    }
}

fn walk(value: &mut Value, version: &str) {
    match value {
        // An event keeps the shape of the version it was made in (its `api_version`).
        Value::Object(map) if map.get("object").and_then(Value::as_str) == Some("event") => {}
        Value::Object(map) => {
            if let Some(kind) = map.get("object").and_then(Value::as_str) {
                let kind = kind.to_owned();
                reshape(map, &kind, version);
            }
            for (key, v) in map.iter_mut() {
                if key != "metadata" {
                    walk(v, version);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, version)),
        _ => {}
    }
}

/// Rewrites one object of type `kind` (not the objects inside it) for `version`.
fn reshape(map: &mut Map<String, Value>, kind: &str, version: &str) {
    for (_, field, _) in ADDED
        .iter()
        .filter(|(of, _, since)| *of == kind && before(version, since))
    {
        remove(map, field);
    }
    for (_, fields) in UNDATED.iter().filter(|(of, _)| *of == kind) {
        fields.iter().for_each(|field| remove(map, field));
    }
    // A portal configuration's `features.subscription_pause` (`{enabled}`, required by the
    // 2023-08-16 description; the clone's newest shape leaves it out) is never on: the clone
    // does not serve pausing from the portal.
    if kind == "billing_portal.configuration"
        && let Some(Value::Object(features)) = map.get_mut("features")
    {
        features
            .entry("subscription_pause")
            .or_insert_with(|| serde_json::json!({"enabled": false}));
    }
    if kind == "product"
        && before(version, MARKETING_FEATURES)
        && map.contains_key("marketing_features")
    {
        *map = std::mem::take(map)
            .into_iter()
            .map(|(key, v)| match key.as_str() {
                "marketing_features" => ("features".to_owned(), v),
                _ => (key, v),
            })
            .collect();
    }
}

/// Removes the field at dotted `path` in `map`, if it is there; a step through an array
/// (`phases.discounts`) goes into each of its objects.
fn remove(map: &mut Map<String, Value>, path: &str) {
    match path.split_once('.') {
        None => {
            map.shift_remove(path);
        }
        Some((head, rest)) => match map.get_mut(head) {
            Some(Value::Object(inner)) => remove(inner, rest),
            Some(Value::Array(items)) => items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(|inner| remove(inner, rest)),
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn versions_are_dates_with_a_release_name_or_none() {
        for good in ["2023-10-16", "2024-09-30.acacia", "2026-09-30.endive"] {
            assert!(well_formed(good), "{good}");
        }
        for bad in [
            "garbage",
            "2024-6-20",
            "2024-06-20.",
            "2024-06-20.Acacia",
            "20240620xx",
            "",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }

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

    #[test]
    fn fields_newer_than_the_version_are_left_out_at_every_depth() {
        let stored = json!({"id": "sub_1", "object": "subscription", "billing_mode": {"type": "classic"},
            "automatic_tax": {"enabled": false, "liability": null},
            "metadata": {"billing_mode": "kept"},
            "items": {"object": "list", "total_count": 1, "data": [
                {"object": "subscription_item", "current_period_end": 2, "plan": {},
                 "price": {"object": "price", "recurring": {"interval": "month", "meter": null}}}]}});
        let mut old = stored.clone();
        shape(&mut old, "2023-08-16");
        assert_eq!(
            old,
            json!({"id": "sub_1", "object": "subscription",
                "automatic_tax": {"enabled": false},
                "metadata": {"billing_mode": "kept"},
                "items": {"object": "list", "data": [
                    {"object": "subscription_item",
                     "price": {"object": "price", "recurring": {"interval": "month"}}}]}})
        );
        for (version, why) in [
            ("2024-06-20", "the default is answered as stored"),
            ("2026-09-30.endive", "a newer version keeps every field"),
        ] {
            let mut seen = stored.clone();
            shape(&mut seen, version);
            assert_eq!(seen, stored, "{why}");
        }
    }

    #[test]
    fn older_versions_lose_fields_inside_arrays_and_keep_the_portal_pause_feature() {
        let stored = json!({"id": "sub_sched_1", "object": "subscription_schedule",
            "phases": [{"discounts": [], "items": [{"price": "price_1", "plan": "price_1"}]}]});
        let mut old = stored.clone();
        shape(&mut old, "2023-08-16");
        assert_eq!(old["phases"], json!([{"items": [{"price": "price_1"}]}]));
        let portal = json!({"object": "billing_portal.configuration", "name": null,
            "features": {"invoice_history": {"enabled": true}}});
        let mut old = portal.clone();
        shape(&mut old, "2023-08-16");
        let want = json!({"object": "billing_portal.configuration", "features": {
            "invoice_history": {"enabled": true}, "subscription_pause": {"enabled": false}}});
        assert_eq!(old, want);
        let mut new = portal.clone();
        shape(&mut new, DEFAULT_API_VERSION);
        assert_eq!(new, portal);
    }

    #[test]
    fn only_types_with_older_shapes_are_parsed_for_a_list() {
        assert!(reshapes("subscription", "2023-08-16"));
        assert!(reshapes("product", "2023-08-16"));
        assert!(!reshapes("customer", "2023-08-16"));
        assert!(!reshapes("subscription", DEFAULT_API_VERSION));
    }

    #[test]
    fn every_field_is_dated_once() {
        let mut seen = std::collections::HashSet::new();
        for (kind, field, since) in ADDED {
            assert!(seen.insert((*kind, *field)), "{kind}.{field} twice");
            assert!(since.len() == 10 && since.as_bytes()[4] == b'-', "{since}");
        }
        for (kind, fields) in UNDATED {
            for field in *fields {
                assert!(seen.insert((*kind, *field)), "{kind}.{field} twice");
            }
        }
    }
}
