//! Properties and property groups: stock definitions, custom ones with options and value
//! validation, archive.

use serde_json::json;

use crate::{api, prop};

#[asym::clone("hubspot", seed = "basic")]
async fn stock_properties_and_groups_are_listed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = api.get("/crm/v3/properties/contacts").await.expect(200);
    let names: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
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
    let stage = api
        .get("/crm/v3/properties/contacts/lifecyclestage")
        .await
        .expect(200);
    assert_eq!(stage["type"], "enumeration");
    assert_eq!(stage["options"][1]["value"], "lead");
    assert_eq!(stage["modificationMetadata"]["readOnlyDefinition"], true);
    let groups = api.get("/crm/v3/properties/deals/groups").await.expect(200);
    assert_eq!(groups["results"][0]["name"], "dealinformation");
    api.get("/crm/v3/properties/contacts/nope")
        .await
        .expect(404);
}

#[asym::clone("hubspot", seed = "basic")]
async fn custom_properties_validate_values(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    api.post(
        "/crm/v3/properties/contacts/groups",
        &json!({"name": "integration", "label": "Integration", "displayOrder": 5}),
    )
    .await
    .expect(201);
    let created = api
        .post(
            "/crm/v3/properties/contacts",
            &json!({"name": "tier", "label": "Tier", "type": "enumeration", "fieldType": "select",
                    "groupName": "integration",
                    "options": [{"label": "Gold", "value": "gold"}, {"label": "Silver", "value": "silver"}]}),
        )
        .await
        .expect(201);
    assert_eq!(created["hubspotDefined"], false);
    assert_eq!(created["options"][0]["displayOrder"], 0);

    let contact = api
        .post(
            "/crm/v3/objects/contacts",
            &json!({"properties": {"tier": "gold"}}),
        )
        .await
        .expect(201);
    assert_eq!(prop(&contact, "tier"), "gold");
    let err = api
        .post(
            "/crm/v3/objects/contacts",
            &json!({"properties": {"tier": "bronze"}}),
        )
        .await
        .expect(400);
    assert_eq!(err["errors"][0]["code"], "INVALID_OPTION");

    let updated = api
        .patch(
            "/crm/v3/properties/contacts/tier",
            &json!({"label": "Customer tier", "options": [{"label": "Gold", "value": "gold"}, {"label": "Bronze", "value": "bronze"}]}),
        )
        .await
        .expect(200);
    assert_eq!(updated["label"], "Customer tier");
    api.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"tier": "bronze"}}),
    )
    .await
    .expect(201);

    for (body, status) in [
        (
            json!({"name": "tier", "label": "T", "type": "string", "fieldType": "text", "groupName": "integration"}),
            409,
        ),
        (
            json!({"name": "Bad Name", "label": "T", "type": "string", "fieldType": "text", "groupName": "integration"}),
            400,
        ),
        (
            json!({"name": "x", "label": "T", "type": "blob", "fieldType": "text", "groupName": "integration"}),
            400,
        ),
        (
            json!({"name": "x", "label": "T", "type": "string", "fieldType": "text", "groupName": "nope"}),
            400,
        ),
        (
            json!({"name": "x", "label": "T", "type": "enumeration", "fieldType": "select", "groupName": "integration"}),
            400,
        ),
        (json!({"label": "T"}), 400),
    ] {
        api.post("/crm/v3/properties/contacts", &body)
            .await
            .expect(status);
    }

    api.delete("/crm/v3/properties/contacts/tier")
        .await
        .expect(204);
    api.get("/crm/v3/properties/contacts/tier")
        .await
        .expect(404);
    api.get("/crm/v3/properties/contacts/tier?archived=true")
        .await
        .expect(200);
    api.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"tier": "gold"}}),
    )
    .await
    .expect(400);
    api.delete("/crm/v3/properties/contacts/email")
        .await
        .expect(400);
}

#[asym::clone("hubspot", seed = "basic")]
async fn properties_are_read_and_archived_in_batches(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let read = api
        .post(
            "/crm/v3/properties/contacts/batch/read",
            &json!({"archived": false, "inputs": [{"name": "email"}, {"name": "firstname"}, {"name": "no_such"}]}),
        )
        .await
        .expect(207);
    let mut names: Vec<&str> = read["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["email", "firstname"]);
    assert_eq!(read["numErrors"], 1);
    assert_eq!(read["errors"][0]["category"], "OBJECT_NOT_FOUND");

    for name in ["batch_one", "batch_two"] {
        api.post(
            "/crm/v3/properties/contacts",
            &json!({"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "contactinformation"}),
        )
        .await
        .expect(201);
    }
    api.post(
        "/crm/v3/properties/contacts/batch/archive",
        &json!({"inputs": [{"name": "batch_one"}, {"name": "email"}]}),
    )
    .await
    .expect(400);
    api.post(
        "/crm/v3/properties/contacts/batch/archive",
        &json!({"inputs": [{"name": "batch_one"}, {"name": "batch_two"}, {"name": "no_such"}]}),
    )
    .await
    .expect(204);
    let archived = api
        .post(
            "/crm/v3/properties/contacts/batch/read",
            &json!({"archived": true, "inputs": [{"name": "batch_one"}, {"name": "batch_two"}]}),
        )
        .await
        .expect(200);
    assert_eq!(archived["results"].as_array().unwrap().len(), 2);
    api.get("/crm/v3/properties/contacts/batch_one")
        .await
        .expect(404);
}

#[asym::clone("hubspot", seed = "basic")]
async fn properties_are_created_in_batches_with_an_error_per_refused_input(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let text = |name: &str| json!({"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "contactinformation"});
    let all_new = api
        .post(
            "/crm/v3/properties/contacts/batch/create",
            &json!({"inputs": [text("made_one"), text("made_two")]}),
        )
        .await
        .expect(201);
    assert_eq!(all_new["results"].as_array().unwrap().len(), 2);

    let mixed = api
        .post(
            "/crm/v3/properties/contacts/batch/create",
            &json!({"inputs": [text("made_three"), text("made_one"), text("Bad Name")]}),
        )
        .await
        .expect(207);
    assert_eq!(mixed["results"][0]["name"], "made_three");
    let categories: Vec<&str> = mixed["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    assert_eq!(categories, ["OBJECT_ALREADY_EXISTS", "VALIDATION_ERROR"]);
    api.get("/crm/v3/properties/contacts/made_three")
        .await
        .expect(200);
}
