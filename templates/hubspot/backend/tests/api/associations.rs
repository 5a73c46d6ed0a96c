//! Associations v4 (default, labelled, batch, labels), the v3 batch API, and their v3 reads on
//! objects.

use serde_json::{Value, json};

use crate::{api, id, len, link, link_default, post, post_at_once, read, strs};

/// The type id of the association label `label` among a labels answer's `results`.
fn labelled(labels: &Value, label: &str) -> Option<i64> {
    labels["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .map(|r| r["typeId"].as_i64().unwrap())
}

#[asym::clone("hubspot", seed = "basic")]
async fn default_and_labelled_associations_read_back_in_v4_and_v3(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let default = link_default(&api, "contacts/203", "companies/302").await;
    assert_eq!(
        default["results"][0]["associationSpec"]["associationTypeId"],
        279
    );

    let label = post(&api, "/crm/v4/associations/contacts/companies/labels", &json!({"label": "Billing contact", "name": "billing_contact", "inverseLabel": "Billed company"}), 200).await;
    let type_id = labelled(&label, "Billing contact").unwrap();
    let labelled = api
        .put(
            "/crm/v4/objects/contacts/203/associations/companies/301",
            &json!([{"associationCategory": "USER_DEFINED", "associationTypeId": type_id}]),
        )
        .await
        .expect(201);
    assert_eq!(labelled["labels"], json!(["Billing contact"]));
    assert_eq!(labelled["fromObjectTypeId"], "0-1");

    let listed = read(&api, "/crm/v4/objects/contacts/203/associations/companies").await;
    let results = listed["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["toObjectId"], 301);
    assert_eq!(
        results[0]["associationTypes"][0]["label"],
        "Billing contact"
    );

    let inverse = read(&api, "/crm/v4/objects/companies/301/associations/contacts").await;
    let billed = inverse["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["associationTypes"].as_array().unwrap())
        .any(|t| t["label"] == "Billed company");
    assert!(billed, "{inverse}");

    let v3 = read(&api, "/crm/v3/objects/contacts/203?associations=companies").await;
    let ids = strs(&v3["associations"]["companies"]["results"], "id");
    assert!(ids.contains(&"301") && ids.contains(&"302"));

    api.delete("/crm/v4/objects/contacts/203/associations/companies/301")
        .await
        .expect(204);
    let after = read(&api, "/crm/v4/objects/companies/301/associations/contacts").await;
    assert!(
        after["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["toObjectId"] != 203)
    );
    api.delete(&format!(
        "/crm/v4/associations/contacts/companies/labels/{type_id}"
    ))
    .await
    .expect(204);
}

#[asym::clone("hubspot", seed = "basic")]
async fn batches_associate_read_and_archive(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let deal = post(
        &api,
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "Bundle"},
                    "associations": [link("301", 341)]}),
        201,
    )
    .await;
    let deal = id(&deal);
    let created = post(&api, "/crm/v4/associations/deals/contacts/batch/create", &json!({"inputs": [
                {"from": {"id": deal}, "to": {"id": "201"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]},
                {"from": {"id": deal}, "to": {"id": "999"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]},
            ]}), 207).await;
    assert_eq!(len(&created["results"]), 1);
    assert_eq!(created["errors"][0]["category"], "VALIDATION_ERROR");
    assert_eq!(
        created["errors"][0]["context"]["INVALID_OBJECT_IDS"],
        json!(["CONTACT=999 is not valid"])
    );

    let found = post(
        &api,
        "/crm/v4/associations/deals/companies/batch/read",
        &json!({"inputs": [{"id": deal}, {"id": "402"}]}),
        200,
    )
    .await;
    assert_eq!(found["results"][0]["to"][0]["toObjectId"], 301);
    assert_eq!(found["results"][1]["to"][0]["toObjectId"], 302);
    // A batch read takes up to 1,000 ids (unknown ones are reported per id), the other
    // association batches 100.
    let ids = |n| json!({"inputs": vec![json!({"id": "402"}); n]});
    for (path, allowed) in [("batch/read", 1000), ("batch/archive", 100)] {
        let path = format!("/crm/v4/associations/deals/companies/{path}");
        let refused = post(&api, &path, &ids(allowed + 1), 400).await;
        assert_eq!(
            refused["message"],
            format!(
                "Too many inputs: {} were sent, the limit is {allowed}",
                allowed + 1
            )
        );
    }
    post(
        &api,
        "/crm/v4/associations/deals/companies/batch/read",
        &ids(1000),
        200,
    )
    .await;

    post(
        &api,
        "/crm/v4/associations/deals/contacts/batch/archive",
        &json!({"inputs": [{"from": {"id": deal}, "to": [{"id": "201"}]}]}),
        204,
    )
    .await;
    let contacts = read(
        &api,
        &format!("/crm/v4/objects/deals/{deal}/associations/contacts"),
    )
    .await;
    assert!(contacts["results"].as_array().unwrap().is_empty());

    for (body, status) in [
        (
            json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 999}]),
            400,
        ),
        (json!([{"associationTypeId": 3}]), 400),
        (json!({"not": "a list"}), 400),
    ] {
        api.put(
            &format!("/crm/v4/objects/deals/{deal}/associations/contacts/201"),
            &body,
        )
        .await
        .expect(status);
    }
    // HubSpot's refusal of a v4 PUT naming an object that does not exist
    // (HubSpot/hubspot-api-nodejs#646): 400, not 404.
    let refused = api
        .put(
            "/crm/v4/objects/deals/401/associations/contacts/999999",
            &json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]),
        )
        .await
        .expect(400);
    assert_eq!(refused["category"], "VALIDATION_ERROR");
    assert_eq!(refused["message"], "One or more associations are invalid");
    assert_eq!(
        refused["context"],
        json!({"INVALID_OBJECT_IDS": ["CONTACT=999999 is not valid"],
               "objectId": ["999999"], "objectType": ["CONTACT"]})
    );
    // A company id where the path says contact is not a contact; nor is a missing deal.
    let wrong = api
        .put(
            "/crm/v4/objects/deals/999998/associations/default/contacts/301",
            &json!(null),
        )
        .await
        .expect(400);
    assert_eq!(
        wrong["context"]["INVALID_OBJECT_IDS"],
        json!(["DEAL=999998 is not valid", "CONTACT=301 is not valid"])
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn labels_under_the_schema_api_path_are_the_v4_labels(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = "/crm/associations/v4/contacts/deals/labels";
    let v4 = "/crm/v4/associations/contacts/deals/labels";
    let created = post(
        &api,
        schema,
        &json!({"label": "Sponsor", "name": "sponsor"}),
        200,
    )
    .await;
    let type_id = labelled(&created, "Sponsor").unwrap();
    let listed = read(&api, v4).await;
    assert_eq!(labelled(&listed, "Sponsor"), Some(type_id));

    api.put(
        schema,
        &json!({"associationTypeId": type_id, "label": "Executive sponsor"}),
    )
    .await
    .expect(204);
    let renamed = read(&api, schema).await;
    assert_eq!(labelled(&renamed, "Executive sponsor"), Some(type_id));

    api.delete(&format!("{schema}/{type_id}")).await.expect(204);
    let after = read(&api, v4).await;
    assert_eq!(labelled(&after, "Executive sponsor"), None);
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_v3_batch_api_reads_creates_and_archives_by_type_name(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let types = read(&api, "/crm/v3/associations/contacts/companies/types").await;
    assert!(
        types["results"]
            .as_array()
            .unwrap()
            .contains(&json!({"id": "279", "name": "contact_to_company_unlabeled"}))
    );
    let created = post(
        &api,
        "/crm/v3/associations/deals/contacts/batch/create",
        &json!({"inputs": [
            {"from": {"id": "402"}, "to": {"id": "203"}, "type": "deal_to_contact"},
            {"from": {"id": "402"}, "to": {"id": "99999"}, "type": "deal_to_contact"},
        ]}),
        207,
    )
    .await;
    assert_eq!(
        created["results"],
        json!([{"from": {"id": "402"}, "to": {"id": "203"}, "type": "deal_to_contact"}])
    );
    assert_eq!(created["errors"][0]["category"], "VALIDATION_ERROR");
    let unknown = post(
        &api,
        "/crm/v3/associations/deals/contacts/batch/create",
        &json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "203"}, "type": "deal_to_widget"}]}),
        400,
    )
    .await;
    assert_eq!(unknown["category"], "VALIDATION_ERROR");

    let body = json!({"inputs": [{"id": "402"}, {"id": "401"}, {"id": "99999"}]});
    let found = post(
        &api,
        "/crm/v3/associations/deals/contacts/batch/read",
        &body,
        207,
    )
    .await;
    assert_eq!(
        found["results"],
        json!([
            {"from": {"id": "402"}, "to": [{"id": "202", "type": "deal_to_contact"}, {"id": "203", "type": "deal_to_contact"}]},
            {"from": {"id": "401"}, "to": [{"id": "201", "type": "deal_to_contact"}]},
        ])
    );
    assert_eq!(
        found["errors"][0]["context"]["fromObjectId"],
        json!(["99999"])
    );

    api.post(
        "/crm/v3/associations/deals/contacts/batch/archive",
        &json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "203"}, "type": "deal_to_contact"}]}),
    )
    .await
    .expect(204);
    let after = read(&api, "/crm/v4/objects/contacts/203/associations/deals").await;
    assert_eq!(len(&after["results"]), 0);
}

#[asym::clone("hubspot", seed = "basic")]
async fn concurrent_creates_of_one_label_name_make_one_label(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let path = "/crm/v4/associations/contacts/companies/labels";
    let body = json!({"label": "Rush", "name": "rush"});
    let statuses = post_at_once(&api, path, &body, 12).await;
    assert_eq!(statuses, [vec![200], vec![409; 11]].concat());
    // The name stays taken, refused again rather than failing.
    api.post(path, &body).await.expect(409);
    let labels = read(&api, path).await;
    let results = labels["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|l| l["label"] == "Rush").count(), 1);
}
