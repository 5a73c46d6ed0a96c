//! Batch create, read, update, upsert and archive: at most 100 inputs, invalid values refuse
//! the whole batch (input by input when every create input has an `objectWriteTraceId`),
//! unknown ids come back as 207 multi-status errors.

use asym_kit::testing::{Api, assert_contains, assert_prefix};
use serde_json::{Value, json};

use crate::{api, contact_count, len, post_at_once, prop, search, strs};

fn contacts(n: usize, domain: &str) -> Value {
    let inputs: Vec<Value> = (0..n)
        .map(|i| json!({"properties": {"email": format!("c{i}@{domain}"), "firstname": format!("C{i}")}}))
        .collect();
    json!({ "inputs": inputs })
}

/// A batch body whose inputs name contacts by email: `(email, properties)`.
fn by_email(inputs: &[(&str, Value)]) -> Value {
    let inputs: Vec<Value> = inputs
        .iter()
        .map(|(email, properties)| json!({"idProperty": "email", "id": email, "properties": properties}))
        .collect();
    json!({ "inputs": inputs })
}

/// `POST /crm/v3/objects/contacts/batch/{operation}` with `body`, expecting `status`; the
/// reply's body.
async fn batch(api: &Api, operation: &str, body: &Value, status: u16) -> Value {
    api.post(&format!("/crm/v3/objects/contacts/batch/{operation}"), body)
        .await
        .expect(status)
}

#[asym::clone("hubspot", seed = "basic")]
async fn batches_create_read_update_and_archive(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let created = batch(&api, "create", &contacts(100, "batch.example"), 201).await;
    assert_eq!(created["status"], "COMPLETE");
    assert!(created["startedAt"].is_string() && created["completedAt"].is_string());
    let ids = strs(&created["results"], "id");
    assert_eq!(ids.len(), 100);

    let read = batch(&api, "read", &json!({"properties": ["email"], "inputs": [{"id": ids[0]}, {"id": "999"}, {"id": ids[1]}]}), 207).await;
    assert_eq!(len(&read["results"]), 2);
    assert_eq!(read["numErrors"], 1);
    assert_eq!(read["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(read["errors"][0]["context"]["ids"][0], "999");

    let by_email = batch(&api, "read", &json!({"idProperty": "email", "properties": ["firstname"], "inputs": [{"id": "c5@batch.example"}]}), 200).await;
    assert_eq!(prop(&by_email["results"][0], "firstname"), "C5");

    let updated = batch(&api, "update", &json!({"inputs": [{"id": ids[2], "properties": {"lastname": "Two"}}, {"id": "12345", "properties": {"lastname": "X"}}]}), 207).await;
    assert_eq!(prop(&updated["results"][0], "lastname"), "Two");
    assert_eq!(updated["errors"][0]["context"]["ids"][0], "12345");

    let archive: Vec<Value> = ids[..50].iter().map(|id| json!({ "id": id })).collect();
    batch(&api, "archive", &json!({ "inputs": archive }), 204).await;
    let found = search(&api, "contacts", &json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@batch.example"}]}]})).await;
    assert_eq!(found["total"], 50);
}

#[asym::clone("hubspot", seed = "basic")]
async fn bad_batches_change_nothing(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let mut invalid = contacts(3, "bad.example");
    invalid["inputs"][1]["properties"]["lifecyclestage"] = json!("nope");
    let mut duplicate = contacts(2, "dup.example");
    duplicate["inputs"][1]["properties"]["email"] = json!("jane.doe@example.com");
    let mut twice = contacts(3, "twice.example");
    twice["inputs"][2]["properties"]["email"] = json!("C0@Twice.example");
    let mut unknown_target = contacts(2, "assoc.example");
    unknown_target["inputs"][1]["associations"] = json!([{"to": {"id": "999999"}, "types": []}]);
    for (body, status, category) in [
        (contacts(101, "many.example"), 400, "VALIDATION_ERROR"),
        (invalid, 400, "VALIDATION_ERROR"),
        (duplicate, 409, "CONFLICT"),
        (twice, 409, "CONFLICT"),
        (unknown_target, 400, "VALIDATION_ERROR"),
        (json!({"inputs": "nope"}), 400, "VALIDATION_ERROR"),
        (json!({}), 400, "VALIDATION_ERROR"),
    ] {
        let err = batch(&api, "create", &body, status).await;
        assert_eq!(err["category"], category);
    }
    assert_eq!(contact_count(&api).await, 3);
    batch(&api, "explode", &json!({"inputs": []}), 404).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn batch_create_associates_each_input(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let mut body = contacts(3, "linked.example");
    body["inputs"][0]["associations"] = json!([{"to": {"id": "301"}, "types": []}]);
    body["inputs"][2]["associations"] = json!([{"to": {"id": "301"}, "types": []}]);
    let created = batch(&api, "create", &body, 201).await;
    let ids = strs(&created["results"], "id");
    for (i, companies) in [(0, 1), (1, 0), (2, 1)] {
        let read = api
            .get(&format!(
                "/crm/v4/objects/contacts/{}/associations/companies",
                ids[i]
            ))
            .await
            .expect(200);
        assert_eq!(len(&read["results"]), companies, "contact {i}");
        let email = &created["results"][i]["properties"]["email"];
        assert_eq!(email, &json!(format!("c{i}@linked.example")));
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn batches_keyed_by_email_and_repeated_ids(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let inputs = by_email(&[
        ("jane.doe@example.com", json!({"jobtitle": "CTO"})),
        ("new@upsert.example", json!({"firstname": "New"})),
    ]);
    let upserted = batch(&api, "upsert", &inputs, 200).await;
    let results = upserted["results"].as_array().unwrap();
    assert_eq!(
        (results[0]["id"].as_str(), results[0]["new"].as_bool()),
        (Some("201"), Some(false))
    );
    assert_eq!(prop(&results[0], "jobtitle"), "CTO");
    assert_eq!(results[1]["new"], true);
    assert_eq!(prop(&results[1], "email"), "new@upsert.example");

    let inputs = by_email(&[
        ("JANE.DOE@example.com", json!({"jobtitle": "CEO"})),
        ("nobody@example.com", json!({"jobtitle": "X"})),
    ]);
    let updated = batch(&api, "update", &inputs, 207).await;
    assert_eq!(updated["results"][0]["id"], "201");
    assert_eq!(prop(&updated["results"][0], "jobtitle"), "CEO");
    assert_eq!(
        updated["errors"][0]["context"]["ids"][0],
        "nobody@example.com"
    );

    let mut by_id_and_email = by_email(&[("jane.doe@example.com", json!({"jobtitle": "B"}))]);
    by_id_and_email["inputs"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "201", "properties": {"jobtitle": "A"}}));
    let twice = by_email(&[
        ("a@twice.example", json!({})),
        ("A@twice.example", json!({})),
    ]);
    for (operation, body) in [("update", by_id_and_email), ("upsert", twice)] {
        let err = batch(&api, operation, &body, 400).await;
        assert_eq!(err["category"], "VALIDATION_ERROR", "{operation}");
        assert_prefix(&err["message"], "Duplicate IDs");
    }
    let jane = api
        .get("/crm/v3/objects/contacts/201?properties=jobtitle")
        .await
        .expect(200);
    assert_eq!(prop(&jane, "jobtitle"), "CEO");
    assert_eq!(contact_count(&api).await, 4);
}

#[asym::clone("hubspot", seed = "basic")]
async fn traced_creates_report_each_refused_input_and_create_the_rest(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let inputs = json!({"inputs": [
        {"objectWriteTraceId": "t-ok", "properties": {"email": "ok@traced.example"}},
        {"objectWriteTraceId": "t-unknown", "properties": {"missing": "1"}},
        {"objectWriteTraceId": "t-email", "properties": {"email": "not-an-email"}},
        {"objectWriteTraceId": "t-taken", "properties": {"email": "jane.doe@example.com"}},
        {"objectWriteTraceId": "t-assoc", "properties": {"email": "a@traced.example"},
         "associations": [{"to": {"id": "999999"}, "types": []}]},
        {"objectWriteTraceId": "t-ok2", "properties": {"firstname": "Second"}},
        {"objectWriteTraceId": "t-twice", "properties": {"email": "OK@traced.example"}},
    ]});
    let answer = batch(&api, "create", &inputs, 207).await;
    assert_eq!(answer["status"], "COMPLETE");
    assert_eq!(
        strs(&answer["results"], "objectWriteTraceId"),
        ["t-ok", "t-ok2"]
    );
    assert_eq!(prop(&answer["results"][0], "email"), "ok@traced.example");
    assert_eq!(answer["numErrors"], 5);
    let errors = answer["errors"].as_array().unwrap();
    let traced: Vec<&str> = errors
        .iter()
        .map(|e| e["context"]["objectWriteTraceId"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        traced,
        ["t-unknown", "t-email", "t-taken", "t-assoc", "t-twice"]
    );
    assert_contains(
        &errors[4]["message"],
        "already has that value (propertyName=email, held by another input of this batch)",
    );
    assert_eq!(
        errors[0]["message"],
        "Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"missing\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"missing\",\"localizedErrorMessage\":\"Property \\\"missing\\\" does not exist\",\"portalId\":62515}]"
    );
    assert_eq!(
        errors[1]["message"],
        "Property values were not valid: [{\"isValid\":false,\"message\":\"Email address not-an-email is invalid\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]"
    );
    assert_eq!(errors[2]["category"], "CONFLICT");
    assert_eq!(
        errors[2]["message"],
        "Contact already exists. Existing ID: 201"
    );
    assert_eq!(contact_count(&api).await, 5);
    // Without a trace id on every input, one bad input still refuses the batch.
    let mut untraced = inputs.clone();
    untraced["inputs"][0]
        .as_object_mut()
        .unwrap()
        .remove("objectWriteTraceId");
    untraced["inputs"][0]["properties"]["email"] = json!("fresh@traced.example");
    batch(&api, "create", &untraced, 400).await;
    assert_eq!(contact_count(&api).await, 5);
    // Updates and upserts echo their inputs' trace ids too.
    for (operation, input, trace) in [
        (
            "update",
            json!({"id": "202", "objectWriteTraceId": "u1", "properties": {"jobtitle": "CTO"}}),
            "u1",
        ),
        (
            "upsert",
            json!({"idProperty": "email", "id": "new@traced.example", "objectWriteTraceId": "s1",
                   "properties": {}}),
            "s1",
        ),
    ] {
        let answer = batch(&api, operation, &json!({ "inputs": [input] }), 200).await;
        assert_eq!(
            answer["results"][0]["objectWriteTraceId"], trace,
            "{operation}"
        );
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn concurrent_upserts_of_one_email_make_one_contact(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = json!({"inputs": [
        {"id": "Rush@Example.com", "idProperty": "email", "properties": {"firstname": "Rush"}}]});
    let statuses = post_at_once(&api, "/crm/v3/objects/contacts/batch/upsert", &body, 12).await;
    assert_eq!(statuses, vec![200; 12]);
    assert_eq!(contact_count(&api).await, 4);
}

#[asym::clone("hubspot", seed = "basic")]
async fn reads_with_property_history_return_at_most_fifty_objects(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let ids = |n: usize| -> Value {
        (0..n)
            .map(|i| json!({ "id": (201 + i % 3).to_string() }))
            .collect()
    };
    let history = |n: usize| json!({"inputs": ids(n), "propertiesWithHistory": ["email"]});
    let err = batch(&api, "read", &history(51), 400).await;
    assert_eq!(err["category"], "VALIDATION_ERROR");
    assert_eq!(
        err["message"],
        "The maximum number of inputs supported in a batch request for property histories is 50. \
         Please reduce the number of items and try again"
    );
    let read = batch(&api, "read", &history(50), 200).await;
    assert!(read["results"][0]["propertiesWithHistory"]["email"].is_array());
    batch(&api, "read", &json!({ "inputs": ids(100) }), 200).await;

    let page = |query: &str| format!("/crm/v3/objects/contacts?{query}");
    let err = api
        .get(&page("limit=51&propertiesWithHistory=email"))
        .await
        .expect(400);
    assert_eq!(err["category"], "VALIDATION_ERROR");
    assert_contains(&err["message"], "property histories is 50");
    for query in [
        "limit=50&propertiesWithHistory=email",
        "limit=100",
        "limit=100&propertiesWithHistory=",
    ] {
        api.get(&page(query)).await.expect(200);
    }
}
