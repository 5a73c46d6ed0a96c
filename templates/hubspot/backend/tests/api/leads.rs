//! Leads (`0-136`): created with `hs_lead_name` and an association to an existing contact or
//! company (HubSpot's leads guide), read, updated through the lead pipeline's stages, searched,
//! written in batches and archived; the lead pipeline as HubSpot seeds it.

use serde_json::{Value, json};

use crate::{
    api, archive, assert_props, id, len, link, patch, post, prop, read, scoped, search, strs,
};

/// The type ids of `path`'s v4 associations to `to`.
async fn type_ids(api: &asym_kit::testing::Api, path: &str, to: &str) -> Vec<i64> {
    let page = read(api, path).await;
    let found = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["toObjectId"].as_i64() == to.parse().ok())
        .unwrap_or_else(|| panic!("no {to} in {page}"));
    let mut ids: Vec<i64> = found["associationTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["typeId"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[asym::clone("hubspot", seed = "basic")]
async fn leads_are_created_with_their_contact_and_worked_through_the_lead_pipeline(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    // The guide's body: a warm new-business lead with its primary contact (578), here also
    // its company (610), in a stage of the lead pipeline, which a create need not name.
    let lead = post(
        &api,
        "/crm/v3/objects/leads",
        &json!({"properties": {"hs_lead_name": "Jane Doe", "hs_lead_type": "NEW BUSINESS",
                "hs_lead_label": "WARM", "hs_pipeline_stage": "attempting-stage-id"},
               "associations": [link("201", 578), link("301", 610)]}),
        201,
    )
    .await;
    let lead_id = id(&lead);
    assert_props(
        &lead,
        &[
            ("hs_lead_name", "Jane Doe"),
            ("hs_pipeline", "lead-pipeline-id"),
            ("hs_pipeline_stage", "attempting-stage-id"),
        ],
    );
    for path in [
        format!("/crm/v3/objects/leads/{lead_id}"),
        format!("/crm/v3/objects/lead/{lead_id}"),
        format!("/crm/v3/objects/0-136/{lead_id}?associations=contacts"),
    ] {
        let got = read(&api, &path).await;
        assert_props(&got, &[("hs_lead_name", "Jane Doe")]);
        assert_eq!(prop(&got, "hs_lead_label"), &Value::Null, "not asked for");
    }
    // Both directions of each link: the contact and company see the lead.
    assert_eq!(
        type_ids(
            &api,
            &format!("/crm/v4/objects/leads/{lead_id}/associations/contacts"),
            "201"
        )
        .await,
        [578]
    );
    assert_eq!(
        type_ids(
            &api,
            "/crm/v4/objects/contacts/201/associations/leads",
            &lead_id
        )
        .await,
        [579]
    );
    assert_eq!(
        type_ids(
            &api,
            "/crm/v4/objects/companies/301/associations/leads",
            &lead_id
        )
        .await,
        [611]
    );
    // A stage of the lead pipeline is taken; a deal's stage is not one of its options.
    let moved = patch(
        &api,
        &format!("/crm/v3/objects/leads/{lead_id}"),
        &json!({"properties": {"hs_pipeline_stage": "connected-stage-id"}}),
    )
    .await;
    assert_eq!(prop(&moved, "hs_pipeline_stage"), "connected-stage-id");
    let refused = api
        .patch(
            &format!("/crm/v3/objects/leads/{lead_id}"),
            &json!({"properties": {"hs_pipeline_stage": "closedwon"}}),
        )
        .await
        .expect(400);
    assert_eq!(refused["errors"][0]["code"], "INVALID_OPTION");
    let found = search(&api, "leads", &json!({"query": "jane", "filterGroups": [{"filters": [
            {"propertyName": "hs_pipeline_stage", "operator": "EQ", "value": "connected-stage-id"}]}]}))
    .await;
    assert_eq!(found["total"], 1);
    let listed = read(&api, "/crm/v3/objects/leads?properties=hs_lead_label").await;
    assert_eq!(prop(&listed["results"][0], "hs_lead_label"), "WARM");
    archive(&api, &format!("/crm/v3/objects/leads/{lead_id}")).await;

    let pipelines = read(&api, "/crm/v3/pipelines/leads").await;
    assert_eq!(strs(&pipelines["results"], "id"), ["lead-pipeline-id"]);
    assert_eq!(
        strs(&pipelines["results"][0]["stages"], "id"),
        [
            "new-stage-id",
            "attempting-stage-id",
            "connected-stage-id",
            "qualified-stage-id",
            "unqualified-stage-id"
        ]
    );
    let labels = read(&api, "/crm/v4/associations/leads/contacts/labels").await;
    let primary = labels["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["label"] == "Primary")
        .unwrap_or_else(|| panic!("no Primary label in {labels}"));
    assert_eq!(primary["typeId"], 578);
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_lead_needs_its_name_and_a_contact_or_company(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let name = json!({"hs_lead_name": "Nobody's"});
    // No association, or only one to a note: refused; nothing is left behind.
    let note = post(
        &api,
        "/crm/v3/objects/notes",
        &json!({"properties": {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_note_body": "x"}}),
        201,
    )
    .await;
    for associations in [json!([]), json!([link(&id(&note), 854)])] {
        let refused = post(
            &api,
            "/crm/v3/objects/leads",
            &json!({"properties": name, "associations": associations}),
            400,
        )
        .await;
        assert_eq!(refused["category"], "VALIDATION_ERROR");
        assert_eq!(
            refused["message"],
            "Error creating LEAD. A lead must be associated with an existing contact or company."
        );
    }
    assert_eq!(
        len(&read(&api, "/crm/v3/objects/leads").await["results"]),
        0
    );
    // A contact that does not exist is HubSpot's refusal of any such link.
    let ghost = post(
        &api,
        "/crm/v3/objects/leads",
        &json!({"properties": name, "associations": [link("999", 578)]}),
        400,
    )
    .await;
    assert_eq!(
        ghost["context"]["INVALID_OBJECT_IDS"][0],
        "CONTACT=999 is not valid"
    );
    let unnamed = post(
        &api,
        "/crm/v3/objects/leads",
        &json!({"properties": {"hs_lead_label": "HOT"}, "associations": [link("201", 578)]}),
        400,
    )
    .await;
    assert_eq!(
        unnamed["message"],
        "Error creating LEAD. Some required properties were not set."
    );
    // A batch: every input needs its link (one without refuses the batch); then read,
    // update and archive them by id.
    let unlinked = post(
        &api,
        "/crm/v3/objects/leads/batch/create",
        &json!({"inputs": [
            {"properties": {"hs_lead_name": "A"}, "associations": [link("202", 608)]},
            {"properties": {"hs_lead_name": "B"}}]}),
        400,
    )
    .await;
    assert_eq!(unlinked["category"], "VALIDATION_ERROR");
    let made = post(
        &api,
        "/crm/v3/objects/leads/batch/create",
        &json!({"inputs": [
            {"properties": {"hs_lead_name": "A"}, "associations": [link("202", 608)]},
            {"properties": {"hs_lead_name": "B"}, "associations": [link("302", 610)]}]}),
        201,
    )
    .await;
    let ids: Vec<Value> = made["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"id": r["id"]}))
        .collect();
    let updated = post(
        &api,
        "/crm/v3/objects/leads/batch/update",
        &json!({"inputs": ids.iter().map(|i| json!({"id": i["id"], "properties": {"hs_lead_label": "COLD"}})).collect::<Vec<_>>()}),
        200,
    )
    .await;
    assert_eq!(len(&updated["results"]), 2);
    let back = post(
        &api,
        "/crm/v3/objects/leads/batch/read",
        &json!({"inputs": ids, "properties": ["hs_lead_label"]}),
        200,
    )
    .await;
    assert!(
        back["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| prop(r, "hs_lead_label") == "COLD"),
        "{back}"
    );
    api.post(
        "/crm/v3/objects/leads/batch/archive",
        &json!({"inputs": ids}),
    )
    .await
    .expect(204);
    assert_eq!(
        len(&read(&api, "/crm/v3/objects/leads").await["results"]),
        0
    );
    // The leads scopes: a token with only the contacts' cannot read them.
    let contacts_only = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    let denied = contacts_only.get("/crm/v3/objects/leads").await.expect(403);
    assert_eq!(denied["category"], "MISSING_SCOPES");
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_contact_or_company_associates_itself_with_a_lead_from_its_own_side(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    let lead = post(
        &api,
        "/crm/v3/objects/leads",
        &json!({"properties": {"hs_lead_name": "Both ways"}, "associations": [link("201", 608)]}),
        201,
    )
    .await;
    let lead_id = id(&lead);
    let from_lead = format!("/crm/v4/objects/leads/{lead_id}/associations/contacts");
    // Contact 202 links itself to the lead with contact → lead (609), as the primary contact
    // too (579): the lead sees both, by their inverses.
    let linked = api
        .put(
            &format!("/crm/v4/objects/contacts/202/associations/leads/{lead_id}"),
            &json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 609},
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 579}]),
        )
        .await
        .expect(201);
    assert_eq!(linked["fromObjectTypeId"], "0-1");
    assert_eq!(linked["toObjectTypeId"], "0-136");
    assert_eq!(type_ids(&api, &from_lead, "202").await, [578, 608]);
    assert_eq!(type_ids(&api, &from_lead, "201").await, [608]);
    // Company 302's default association to the lead (611) is the lead's 610 to it.
    api.put(
        &format!("/crm/v4/objects/companies/302/associations/default/leads/{lead_id}"),
        &json!(null),
    )
    .await
    .expect(200);
    assert_eq!(
        type_ids(
            &api,
            &format!("/crm/v4/objects/leads/{lead_id}/associations/companies"),
            "302"
        )
        .await,
        [610]
    );
    assert_eq!(
        type_ids(
            &api,
            "/crm/v4/objects/companies/302/associations/leads",
            &lead_id
        )
        .await,
        [611]
    );
    // v3 reads of either side agree.
    let read_v3 = post(
        &api,
        "/crm/v3/associations/contacts/leads/batch/read",
        &json!({"inputs": [{"id": "202"}]}),
        200,
    )
    .await;
    assert_eq!(read_v3["results"][0]["to"][0]["id"], lead_id.as_str());
    let got = read(
        &api,
        &format!("/crm/v3/objects/leads/{lead_id}?associations=contacts,companies"),
    )
    .await;
    assert_eq!(len(&got["associations"]["companies"]["results"]), 1);
    // Removed from the contact's side, the link is gone from the lead's too.
    api.delete(&format!(
        "/crm/v4/objects/contacts/202/associations/leads/{lead_id}"
    ))
    .await
    .expect(204);
    let left = read(&api, &from_lead).await;
    assert_eq!(left["results"].as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left["results"][0]["toObjectId"].as_i64(), Some(201));
    // The contact → lead and company → lead types are listed with their labels.
    let labels = read(&api, "/crm/v4/associations/contacts/leads/labels").await;
    let mut ids: Vec<i64> = labels["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["typeId"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [579, 609]);
    let types = read(&api, "/crm/v3/associations/companies/leads/types").await;
    assert_eq!(types["results"][0]["id"], "611");
}
