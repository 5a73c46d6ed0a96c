//! Search: every operator, OR of ANDs, sorts, `query`, paging with `after` and `total`, and
//! HubSpot's limits.

use asym_kit::testing::{Api, assert_suffix};
use serde_json::{Value, json};

use crate::{api, id, len, post, search};

fn filter(name: &str, operator: &str, value: Value) -> Value {
    let mut f = json!({"propertyName": name, "operator": operator});
    match value {
        Value::Array(values) => f["values"] = Value::Array(values),
        Value::Null => {}
        value => f["value"] = value,
    }
    f
}

/// A search body whose one filter group holds only `condition`.
fn only(condition: Value) -> Value {
    json!({"filterGroups": [{"filters": [condition]}]})
}

/// The ids a search of `kind` with `body` finds, after checking that `total` counts them all.
async fn ids(api: &Api, kind: &str, body: Value) -> Vec<String> {
    let found = search(api, kind, &body).await;
    assert_eq!(
        found["total"].as_u64().unwrap() as usize,
        len(&found["results"]),
        "{body}"
    );
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

#[asym::clone("hubspot", seed = "basic")]
async fn every_operator_filters(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let between = json!({"propertyName": "amount", "operator": "BETWEEN", "value": "1000", "highValue": "6000"});
    let lead_or_subscriber = json!(["lead", "subscriber"]);
    for (kind, condition, expected) in [
        (
            "contacts",
            filter("email", "EQ", json!("JANE.DOE@example.com")),
            vec!["201"],
        ),
        (
            "contacts",
            filter("lifecyclestage", "NEQ", json!("customer")),
            vec!["202", "203"],
        ),
        (
            "contacts",
            filter("lifecyclestage", "IN", lead_or_subscriber.clone()),
            vec!["202", "203"],
        ),
        (
            "contacts",
            filter("lifecyclestage", "NOT_IN", lead_or_subscriber),
            vec!["201"],
        ),
        (
            "contacts",
            filter("phone", "HAS_PROPERTY", Value::Null),
            vec!["201"],
        ),
        (
            "contacts",
            filter("phone", "NOT_HAS_PROPERTY", Value::Null),
            vec!["202", "203"],
        ),
        (
            "contacts",
            filter("email", "CONTAINS_TOKEN", json!("*@example.com")),
            vec!["201", "202"],
        ),
        (
            "contacts",
            filter("email", "NOT_CONTAINS_TOKEN", json!("*@example.com")),
            vec!["203"],
        ),
        (
            "contacts",
            filter("createdate", "GTE", json!("1705399200000")),
            vec!["202", "203"],
        ),
        (
            "contacts",
            filter("createdate", "LT", json!("2024-01-16T10:00:00Z")),
            vec!["201"],
        ),
        (
            "companies",
            filter("numberofemployees", "GT", json!(300)),
            vec!["302"],
        ),
        (
            "companies",
            filter("numberofemployees", "LTE", json!("250")),
            vec!["301"],
        ),
        ("deals", between, vec!["402"]),
        (
            "deals",
            filter("hs_object_id", "EQ", json!("401")),
            vec!["401"],
        ),
    ] {
        let body = only(condition);
        assert_eq!(
            ids(&api, kind, body.clone()).await,
            expected,
            "{kind} {body}"
        );
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn groups_are_ored_sorts_and_query_apply(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = json!({
        "filterGroups": [
            {"filters": [filter("lifecyclestage", "EQ", json!("customer")), filter("firstname", "EQ", json!("jane"))]},
            {"filters": [filter("lastname", "EQ", json!("Lovelace"))]},
        ],
        "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}],
    });
    assert_eq!(ids(&api, "contacts", body).await, vec!["203", "201"]);
    let sorted = json!({"sorts": ["-amount"], "properties": ["amount", "dealname"]});
    assert_eq!(ids(&api, "deals", sorted).await, vec!["401", "402"]);
    // A query matches a searchable property; each word matches on its own, so a full name
    // spans two properties.
    for (kind, query, expected) in [
        ("contacts", "lovelace", vec!["203"]),
        ("companies", "globex.EX", vec!["302"]),
        ("contacts", "Jane Doe", vec!["201"]),
        ("contacts", "  ada   LOVELACE ", vec!["203"]),
        ("contacts", "Jane Smith", vec![]),
    ] {
        assert_eq!(
            ids(&api, kind, json!({ "query": query })).await,
            expected,
            "{kind} {query}"
        );
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn search_pages_and_enforces_limits(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let first = search(
        &api,
        "contacts",
        &json!({"limit": 2, "properties": ["email"]}),
    )
    .await;
    assert_eq!(first["total"], 3);
    assert_eq!(first["paging"]["next"]["after"], "2");
    assert_suffix(
        &first["paging"]["next"]["link"],
        "/crm/v3/objects/contacts/search?after=2",
    );
    assert_eq!(
        first["results"][0]["properties"]["email"],
        "jane.doe@example.com"
    );
    let rest = search(&api, "contacts", &json!({"limit": 2, "after": "2"})).await;
    assert_eq!(rest["results"][0]["id"], "203");
    assert!(rest.get("paging").is_none());

    let group = |n| json!({"filters": vec![filter("email", "HAS_PROPERTY", Value::Null); n]});
    for body in [
        json!({"filterGroups": vec![group(1); 6]}),
        json!({"filterGroups": [group(7)]}),
        json!({"filterGroups": vec![group(5); 4]}),
        only(filter("email", "LIKE", json!("x"))),
        only(json!({"operator": "EQ", "value": "x"})),
        only(json!({"propertyName": "email", "value": "x"})),
        only(filter("createdate", "BETWEEN", json!("1"))),
        json!({"filterGroups": "nope"}),
        json!({"limit": 201}),
        json!({"after": "9995", "limit": 10}),
        json!({"sorts": [42]}),
        json!([1, 2]),
    ] {
        let err = post(&api, "/crm/v3/objects/contacts/search", &body, 400).await;
        assert_eq!(err["category"], "VALIDATION_ERROR", "{body}");
    }
    // Three full groups are the 18 filters allowed in all.
    let eighteen = json!({"filterGroups": vec![group(6); 3]});
    let all = search(&api, "contacts", &eighteen).await;
    assert_eq!(all["total"], 3);
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_property_the_type_lacks_is_refused_not_matched(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    // `amount` is a deal's, not a contact's.
    for body in [
        only(filter("amount", "GT", json!("1"))),
        only(filter("amount", "NOT_HAS_PROPERTY", Value::Null)),
        json!({"sorts": [{"propertyName": "amount", "direction": "DESCENDING"}]}),
    ] {
        let err = post(&api, "/crm/v3/objects/contacts/search", &body, 400).await;
        assert_eq!(
            (err["category"].as_str(), err["message"].as_str()),
            (
                Some("VALIDATION_ERROR"),
                Some("Property \"amount\" does not exist")
            ),
            "{body}"
        );
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn associations_pseudo_properties_filter_on_associated_objects(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (kind, name, operator, value, expected) in [
        (
            "deals",
            "associations.contact",
            "EQ",
            json!("201"),
            vec!["401"],
        ),
        (
            "deals",
            "associations.contact",
            "NEQ",
            json!("201"),
            vec!["402"],
        ),
        (
            "contacts",
            "associations.company",
            "IN",
            json!(["301", "302"]),
            vec!["201", "202"],
        ),
        (
            "contacts",
            "associations.companies",
            "NOT_IN",
            json!(["301"]),
            vec!["202", "203"],
        ),
        (
            "contacts",
            "associations.ticket",
            "HAS_PROPERTY",
            Value::Null,
            vec!["201"],
        ),
        (
            "contacts",
            "associations.deal",
            "NOT_HAS_PROPERTY",
            Value::Null,
            vec!["203"],
        ),
    ] {
        let body = only(filter(name, operator, value));
        assert_eq!(
            ids(&api, kind, body).await,
            expected,
            "{kind} {name} {operator}"
        );
    }
    for (name, operator, value) in [
        ("associations.widget", "EQ", json!("1")),
        ("associations.company", "GT", json!("1")),
        ("associations.company", "EQ", json!("acme")),
    ] {
        let body = only(filter(name, operator, value));
        let refused = post(&api, "/crm/v3/objects/contacts/search", &body, 400).await;
        assert_eq!(refused["category"], "VALIDATION_ERROR", "{name} {operator}");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_token_of_many_wildcards_is_matched_or_refused_never_a_500(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let stars = "*".repeat(10_000);
    let every = ids(
        &api,
        "contacts",
        only(filter("email", "CONTAINS_TOKEN", json!(stars))),
    )
    .await;
    assert_eq!(every, ["201", "202", "203"]);
    let woven = "a*".repeat(20_000);
    let err = post(
        &api,
        "/crm/v3/objects/contacts/search",
        &only(filter("email", "CONTAINS_TOKEN", json!(woven))),
        400,
    )
    .await;
    assert_eq!(err["category"], "VALIDATION_ERROR");
}
