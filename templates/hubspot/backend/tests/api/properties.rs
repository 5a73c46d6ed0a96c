//! Properties and property groups: stock definitions, custom ones with options and value
//! validation, archive.

use serde_json::{Value, json};

use crate::{api, archive, create, delete, len, missing, patch, post, prop, read, strs};

/// A text property `name` in the stock `contactinformation` group.
fn text_property(name: &str) -> Value {
    json!({"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "contactinformation"})
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
    let found = post(&api, "/crm/v3/properties/contacts/batch/read", &json!({"archived": false, "inputs": [{"name": "email"}, {"name": "firstname"}, {"name": "no_such"}]}), 207).await;
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
    post(
        &api,
        "/crm/v3/properties/contacts/batch/archive",
        &json!({"inputs": [{"name": "batch_one"}, {"name": "email"}]}),
        400,
    )
    .await;
    post(
        &api,
        "/crm/v3/properties/contacts/batch/archive",
        &json!({"inputs": [{"name": "batch_one"}, {"name": "batch_two"}, {"name": "no_such"}]}),
        204,
    )
    .await;
    let archived = post(
        &api,
        "/crm/v3/properties/contacts/batch/read",
        &json!({"archived": true, "inputs": [{"name": "batch_one"}, {"name": "batch_two"}]}),
        200,
    )
    .await;
    assert_eq!(len(&archived["results"]), 2);
    missing(&api, "/crm/v3/properties/contacts/batch_one").await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn properties_are_created_in_batches_with_an_error_per_refused_input(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all_new = post(
        &api,
        "/crm/v3/properties/contacts/batch/create",
        &json!({"inputs": [text_property("made_one"), text_property("made_two")]}),
        201,
    )
    .await;
    assert_eq!(len(&all_new["results"]), 2);

    let mixed = post(&api, "/crm/v3/properties/contacts/batch/create", &json!({"inputs": [text_property("made_three"), text_property("made_one"), text_property("Bad Name")]}), 207).await;
    assert_eq!(mixed["results"][0]["name"], "made_three");
    assert_eq!(
        strs(&mixed["errors"], "category"),
        ["OBJECT_ALREADY_EXISTS", "VALIDATION_ERROR"]
    );
    read(&api, "/crm/v3/properties/contacts/made_three").await;
}
