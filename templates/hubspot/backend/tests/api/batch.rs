//! Batch create, read, update, upsert and archive: at most 100 inputs, invalid values refuse
//! the whole batch, unknown ids come back as 207 multi-status errors.

use serde_json::{Value, json};

use crate::{api, contact_count, id, len, prop};

fn contacts(n: usize, domain: &str) -> Value {
    let inputs: Vec<Value> = (0..n)
        .map(|i| json!({"properties": {"email": format!("c{i}@{domain}"), "firstname": format!("C{i}")}}))
        .collect();
    json!({ "inputs": inputs })
}

#[asym::clone("hubspot", seed = "basic")]
async fn batches_create_read_update_and_archive(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let created = api
        .post(
            "/crm/v3/objects/contacts/batch/create",
            &contacts(100, "batch.example"),
        )
        .await
        .expect(201);
    assert_eq!(created["status"], "COMPLETE");
    assert!(created["startedAt"].is_string() && created["completedAt"].is_string());
    let ids: Vec<String> = created["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(ids.len(), 100);

    let read = api
        .post(
            "/crm/v3/objects/contacts/batch/read",
            &json!({"properties": ["email"], "inputs": [{"id": ids[0]}, {"id": "999"}, {"id": ids[1]}]}),
        )
        .await
        .expect(207);
    assert_eq!(len(&read["results"]), 2);
    assert_eq!(read["numErrors"], 1);
    assert_eq!(read["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(read["errors"][0]["context"]["ids"][0], "999");

    let by_email = api
        .post(
            "/crm/v3/objects/contacts/batch/read",
            &json!({"idProperty": "email", "properties": ["firstname"], "inputs": [{"id": "c5@batch.example"}]}),
        )
        .await
        .expect(200);
    assert_eq!(prop(&by_email["results"][0], "firstname"), "C5");

    let updated = api
        .post(
            "/crm/v3/objects/contacts/batch/update",
            &json!({"inputs": [{"id": ids[2], "properties": {"lastname": "Two"}}, {"id": "12345", "properties": {"lastname": "X"}}]}),
        )
        .await
        .expect(207);
    assert_eq!(prop(&updated["results"][0], "lastname"), "Two");
    assert_eq!(updated["errors"][0]["context"]["ids"][0], "12345");

    let archive: Vec<Value> = ids[..50].iter().map(|id| json!({ "id": id })).collect();
    api.post(
        "/crm/v3/objects/contacts/batch/archive",
        &json!({ "inputs": archive }),
    )
    .await
    .expect(204);
    let search = api
        .post(
            "/crm/v3/objects/contacts/search",
            &json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@batch.example"}]}]}),
        )
        .await
        .expect(200);
    assert_eq!(search["total"], 50);
}

#[asym::clone("hubspot", seed = "basic")]
async fn upsert_by_email_creates_or_updates(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let upserted = api
        .post(
            "/crm/v3/objects/contacts/batch/upsert",
            &json!({"inputs": [
                {"idProperty": "email", "id": "jane.doe@example.com", "properties": {"jobtitle": "CTO"}},
                {"idProperty": "email", "id": "new@upsert.example", "properties": {"firstname": "New"}},
            ]}),
        )
        .await
        .expect(200);
    let results = upserted["results"].as_array().unwrap();
    assert_eq!(
        (results[0]["id"].as_str(), results[0]["new"].as_bool()),
        (Some("201"), Some(false))
    );
    assert_eq!(prop(&results[0], "jobtitle"), "CTO");
    assert_eq!(results[1]["new"], true);
    assert_eq!(prop(&results[1], "email"), "new@upsert.example");
}

#[asym::clone("hubspot", seed = "basic")]
async fn bad_batches_change_nothing(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let mut invalid = contacts(3, "bad.example");
    invalid["inputs"][1]["properties"]["lifecyclestage"] = json!("nope");
    let mut duplicate = contacts(2, "dup.example");
    duplicate["inputs"][1]["properties"]["email"] = json!("jane.doe@example.com");
    for (body, status, category) in [
        (contacts(101, "many.example"), 400, "VALIDATION_ERROR"),
        (invalid, 400, "VALIDATION_ERROR"),
        (duplicate, 409, "CONFLICT"),
        (json!({"inputs": "nope"}), 400, "VALIDATION_ERROR"),
        (json!({}), 400, "VALIDATION_ERROR"),
    ] {
        let err = api
            .post("/crm/v3/objects/contacts/batch/create", &body)
            .await
            .expect(status);
        assert_eq!(err["category"], category);
    }
    assert_eq!(contact_count(&api).await, 3);
    api.post(
        "/crm/v3/objects/contacts/batch/explode",
        &json!({"inputs": []}),
    )
    .await
    .expect(404);
}
