//! Properties and property groups: stock definitions, custom ones with options and value
//! validation, archive.

use asym_kit::testing::{Api, assert_contains};
use serde_json::{Value, json};

use crate::{api, archive, create, delete, len, missing, patch, post, prop, read, strs};

/// A text property `name` in the stock `contactinformation` group.
fn text_property(name: &str) -> Value {
    json!({"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "contactinformation"})
}

/// `POST /crm/v3/properties/contacts/batch/{operation}` with `body`, expecting `status`; the
/// reply's body.
async fn batch(api: &Api, operation: &str, body: &Value, status: u16) -> Value {
    let path = format!("/crm/v3/properties/contacts/batch/{operation}");
    post(api, &path, body, status).await
}

/// A batch's inputs naming the properties `names`.
fn named(names: &[&str]) -> Value {
    names.iter().map(|name| json!({ "name": name })).collect()
}

#[asym::clone("hubspot", seed = "basic")]
async fn stock_properties_and_groups_are_listed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = read(&api, "/crm/v3/properties/contacts").await;
    let names = strs(&all["results"], "name");
    for name in [
        "email",
        "firstname",
        "lifecyclestage",
        "hs_object_id",
        "createdate",
        "lastmodifieddate",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let stage = read(&api, "/crm/v3/properties/contacts/lifecyclestage").await;
    assert_eq!(stage["type"], "enumeration");
    assert_eq!(stage["options"][1]["value"], "lead");
    assert_eq!(stage["modificationMetadata"]["readOnlyDefinition"], true);
    let groups = read(&api, "/crm/v3/properties/deals/groups").await;
    assert_eq!(groups["results"][0]["name"], "dealinformation");
    missing(&api, "/crm/v3/properties/contacts/nope").await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn custom_properties_validate_values(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    post(
        &api,
        "/crm/v3/properties/contacts/groups",
        &json!({"name": "integration", "label": "Integration", "displayOrder": 5}),
        201,
    )
    .await;
    let created = post(&api, "/crm/v3/properties/contacts", &json!({"name": "tier", "label": "Tier", "type": "enumeration", "fieldType": "select",
                    "groupName": "integration",
                    "options": [{"label": "Gold", "value": "gold"}, {"label": "Silver", "value": "silver"}]}), 201).await;
    assert_eq!(created["hubspotDefined"], false);
    assert_eq!(created["options"][0]["displayOrder"], 0);

    let contact = create(&api, "contacts", &json!({"tier": "gold"}), 201).await;
    assert_eq!(prop(&contact, "tier"), "gold");
    let err = create(&api, "contacts", &json!({"tier": "bronze"}), 400).await;
    assert_eq!(err["errors"][0]["code"], "INVALID_OPTION");

    let relabelled = json!({"label": "Customer tier", "options": [{"label": "Gold", "value": "gold"}, {"label": "Bronze", "value": "bronze"}]});
    let updated = patch(&api, "/crm/v3/properties/contacts/tier", &relabelled).await;
    assert_eq!(updated["label"], "Customer tier");
    create(&api, "contacts", &json!({"tier": "bronze"}), 201).await;

    for (name, kind, field_type, group, status) in [
        ("tier", "string", "text", "integration", 409),
        ("Bad Name", "string", "text", "integration", 400),
        ("x", "blob", "text", "integration", 400),
        ("x", "string", "text", "nope", 400),
        ("x", "enumeration", "select", "integration", 400),
    ] {
        let body = json!({"name": name, "label": "T", "type": kind, "fieldType": field_type, "groupName": group});
        api.post("/crm/v3/properties/contacts", &body)
            .await
            .expect(status);
    }
    post(
        &api,
        "/crm/v3/properties/contacts",
        &json!({"label": "T"}),
        400,
    )
    .await;

    archive(&api, "/crm/v3/properties/contacts/tier").await;
    read(&api, "/crm/v3/properties/contacts/tier?archived=true").await;
    create(&api, "contacts", &json!({"tier": "gold"}), 400).await;
    delete(&api, "/crm/v3/properties/contacts/email", 400).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn properties_are_read_and_archived_in_batches(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let asked = json!({"archived": false, "inputs": named(&["email", "firstname", "no_such"])});
    let found = batch(&api, "read", &asked, 207).await;
    let mut names = strs(&found["results"], "name");
    names.sort_unstable();
    assert_eq!(names, ["email", "firstname"]);
    assert_eq!(found["numErrors"], 1);
    assert_eq!(found["errors"][0]["category"], "OBJECT_NOT_FOUND");

    for name in ["batch_one", "batch_two"] {
        post(
            &api,
            "/crm/v3/properties/contacts",
            &text_property(name),
            201,
        )
        .await;
    }
    // A batch naming a stock property is refused; one naming a property that does not exist
    // is not.
    for (names, status) in [
        (named(&["batch_one", "email"]), 400),
        (named(&["batch_one", "batch_two", "no_such"]), 204),
    ] {
        batch(&api, "archive", &json!({ "inputs": names }), status).await;
    }
    let asked = json!({"archived": true, "inputs": named(&["batch_one", "batch_two"])});
    let archived = batch(&api, "read", &asked, 200).await;
    assert_eq!(len(&archived["results"]), 2);
    missing(&api, "/crm/v3/properties/contacts/batch_one").await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn properties_are_created_in_batches_with_an_error_per_refused_input(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let both = json!({"inputs": [text_property("made_one"), text_property("made_two")]});
    let all_new = batch(&api, "create", &both, 201).await;
    assert_eq!(len(&all_new["results"]), 2);

    let inputs = ["made_three", "made_one", "Bad Name"].map(text_property);
    let mixed = batch(&api, "create", &json!({ "inputs": inputs }), 207).await;
    assert_eq!(mixed["results"][0]["name"], "made_three");
    assert_eq!(
        strs(&mixed["errors"], "category"),
        ["OBJECT_ALREADY_EXISTS", "VALIDATION_ERROR"]
    );
    read(&api, "/crm/v3/properties/contacts/made_three").await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_type_takes_only_its_field_types(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (kind, field_type) in [
        ("number", "checkbox"),
        ("bool", "select"),
        ("string", "number"),
        ("datetime", "text"),
    ] {
        let body = json!({"name": "paired", "label": "Paired", "type": kind,
                          "fieldType": field_type, "groupName": "contactinformation",
                          "options": [{"label": "A", "value": "a"}]});
        let err = post(&api, "/crm/v3/properties/contacts", &body, 400).await;
        assert_eq!(err["category"], "VALIDATION_ERROR", "{kind} {field_type}");
        assert_contains(
            &err["message"],
            &format!("does not support fieldType {field_type}"),
        );
    }
    missing(&api, "/crm/v3/properties/contacts/paired").await;
    // In a batch, the refused input is reported beside the created one.
    let mixed = json!({"inputs": [
        text_property("paired_text"),
        {"name": "paired_number", "label": "N", "type": "number", "fieldType": "checkbox",
         "groupName": "contactinformation"},
    ]});
    let reply = batch(&api, "create", &mixed, 207).await;
    assert_eq!(strs(&reply["results"], "name"), ["paired_text"]);
    assert_eq!(reply["errors"][0]["category"], "VALIDATION_ERROR");
    // An update is checked against the pair it leaves.
    let path = "/crm/v3/properties/contacts/paired_text";
    for body in [json!({"fieldType": "checkbox"}), json!({"type": "number"})] {
        api.patch(path, &body).await.expect(400);
    }
    let moved = patch(&api, path, &json!({"fieldType": "textarea"})).await;
    assert_eq!(moved["fieldType"], "textarea");
    let numeric = patch(
        &api,
        path,
        &json!({"type": "number", "fieldType": "number"}),
    )
    .await;
    assert_eq!(
        (&numeric["type"], &numeric["fieldType"]),
        (&json!("number"), &json!("number"))
    );
}
