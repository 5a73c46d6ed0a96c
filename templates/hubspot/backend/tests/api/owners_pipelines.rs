//! Owners (list, by email, get), pipelines with stages (CRUD), and the stages deals and
//! tickets may take.

use asym_kit::testing::assert_contains;
use serde_json::json;

use crate::{
    api, archive, create, delete, id, len, missing, patch, post, post_at_once, read, strs,
};

#[asym::clone("hubspot", seed = "basic")]
async fn owners_are_listed_paged_and_found(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = read(&api, "/crm/v3/owners/").await;
    assert_eq!(len(&all["results"]), 2);
    assert_eq!(all["results"][0]["type"], "PERSON");
    let page = read(&api, "/crm/v3/owners/?limit=1").await;
    assert_eq!(page["paging"]["next"]["after"], "101");
    let by_email = read(&api, "/crm/v3/owners/?email=BOB@acme-sales.example").await;
    assert_eq!(by_email["results"][0]["id"], "102");
    let alice = read(&api, "/crm/v3/owners/101").await;
    assert_eq!(alice["firstName"], "Alice");
    let by_user = read(&api, "/crm/v3/owners/9002?idProperty=userId").await;
    assert_eq!(by_user["id"], "102");
    missing(&api, "/crm/v3/owners/555").await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn pipelines_and_stages_are_managed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let deals = read(&api, "/crm/v3/pipelines/deals").await;
    assert_eq!(deals["results"][0]["id"], "default");
    assert_eq!(len(&deals["results"][0]["stages"]), 7);
    let tickets = read(&api, "/crm/v3/pipelines/tickets/0").await;
    assert_eq!(tickets["stages"][3]["metadata"]["ticketState"], "CLOSED");

    let created = post(
        &api,
        "/crm/v3/pipelines/deals",
        &json!({"label": "Partners", "displayOrder": 1, "stages": [
            {"label": "Intro", "displayOrder": 0, "metadata": {"probability": "0.1"}},
            {"label": "Signed", "displayOrder": 1, "metadata": {"probability": 1.0}},
        ]}),
        201,
    )
    .await;
    let pipeline = id(&created);
    assert_eq!(created["stages"][1]["metadata"]["isClosed"], "true");
    let stage = post(
        &api,
        &format!("/crm/v3/pipelines/deals/{pipeline}/stages"),
        &json!({"label": "Review", "displayOrder": 2, "metadata": {"probability": "0.5"}}),
        201,
    )
    .await;
    let stage_id = id(&stage);
    let renamed = patch(
        &api,
        &format!("/crm/v3/pipelines/deals/{pipeline}/stages/{stage_id}"),
        &json!({"label": "Legal review"}),
    )
    .await;
    assert_eq!(renamed["label"], "Legal review");
    let patched = patch(
        &api,
        &format!("/crm/v3/pipelines/deals/{pipeline}"),
        &json!({"label": "Partner deals"}),
    )
    .await;
    assert_eq!(len(&patched["stages"]), 3);
    let stage_path = format!("/crm/v3/pipelines/deals/{pipeline}/stages/{stage_id}");
    delete(&api, &stage_path, 204).await;

    for (path, body, status) in [
        (
            "/crm/v3/pipelines/deals",
            json!({"label": "No stages", "stages": []}),
            400,
        ),
        (
            "/crm/v3/pipelines/deals",
            json!({"label": "Bad", "stages": [{"label": "S", "metadata": {}}]}),
            400,
        ),
        (
            "/crm/v3/pipelines/deals",
            json!({"label": "Partner deals", "stages": [{"label": "S", "metadata": {"probability": 0.2}}]}),
            409,
        ),
        (
            "/crm/v3/pipelines/contacts",
            json!({"label": "X", "stages": [{"label": "S"}]}),
            400,
        ),
    ] {
        api.post(path, &body).await.expect(status);
    }
    // A pipeline holding deals is not deleted.
    delete(&api, "/crm/v3/pipelines/deals/default", 400).await;
    archive(&api, &format!("/crm/v3/pipelines/deals/{pipeline}")).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn deal_and_ticket_stages_must_belong_to_their_pipeline(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let pipeline = post(
        &api,
        "/crm/v3/pipelines/deals",
        &json!({"label": "Renewals", "displayOrder": 1, "stages": [
            {"label": "Due", "displayOrder": 0, "metadata": {"probability": "0.5"}}]}),
        201,
    )
    .await;
    let (renewals, due) = (
        pipeline["id"].as_str().unwrap(),
        pipeline["stages"][0]["id"].as_str().unwrap(),
    );
    for (kind, properties, refused) in [
        (
            "deals",
            json!({"dealname": "x", "dealstage": "nope"}),
            "dealstage",
        ),
        (
            "deals",
            json!({"dealname": "x", "pipeline": "default", "dealstage": due}),
            "dealstage",
        ),
        (
            "deals",
            json!({"dealname": "x", "pipeline": "nope", "dealstage": "closedwon"}),
            "pipeline",
        ),
        // Without a pipeline a create is in the default one, which lacks this stage.
        (
            "deals",
            json!({"dealname": "x", "dealstage": due}),
            "dealstage",
        ),
        (
            "tickets",
            json!({"subject": "x", "hs_pipeline": "0", "hs_pipeline_stage": "9"}),
            "hs_pipeline_stage",
        ),
    ] {
        let err = create(&api, kind, &properties, 400).await;
        assert_eq!(err["errors"][0]["code"], "INVALID_OPTION", "{properties}");
        assert_eq!(
            err["errors"][0]["context"]["propertyName"],
            json!([refused])
        );
        assert_contains(
            &err["errors"][0]["message"],
            "was not one of the allowed options",
        );
    }
    for (properties, pipeline) in [
        (
            json!({"dealname": "x", "pipeline": renewals, "dealstage": due}),
            renewals,
        ),
        (
            json!({"dealname": "y", "dealstage": "closedwon"}),
            "default",
        ),
    ] {
        let deal = create(&api, "deals", &properties, 201).await;
        assert_eq!(deal["properties"]["pipeline"], pipeline);
    }
    let ticket = post(
        &api,
        "/crm/v3/objects/tickets/batch/create",
        &json!({"inputs": [{"properties": {"subject": "z", "hs_pipeline_stage": "2"}}]}),
        201,
    )
    .await;
    assert_eq!(ticket["results"][0]["properties"]["hs_pipeline"], "0");
    let moved = patch(
        &api,
        "/crm/v3/objects/deals/401",
        &json!({"properties": {"dealstage": "closedwon"}}),
    )
    .await;
    assert_eq!(moved["properties"]["dealstage"], "closedwon");
}

#[asym::clone("hubspot", seed = "basic")]
async fn concurrent_creates_of_one_pipeline_label_make_one_pipeline(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = json!({"label": "Rush", "displayOrder": 3, "stages": [
        {"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}]});
    let statuses = post_at_once(&api, "/crm/v3/pipelines/deals", &body, 12).await;
    assert_eq!(statuses, [vec![201], vec![409; 11]].concat());
    let pipelines = read(&api, "/crm/v3/pipelines/deals").await;
    let labels = strs(&pipelines["results"], "label");
    assert_eq!(labels.iter().filter(|label| **label == "Rush").count(), 1);
}

#[asym::clone("hubspot", seed = "basic")]
async fn stage_labels_are_unique_within_a_pipeline(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let stage = |label: &str| json!({"label": label, "metadata": {"probability": "0.5"}});
    let twice = json!({"label": "Twice", "stages": [stage("Open"), stage("Open")]});
    let err = post(&api, "/crm/v3/pipelines/deals", &twice, 400).await;
    assert_eq!(err["category"], "VALIDATION_ERROR");
    assert_contains(&err["message"], "Open");
    let pipelines = read(&api, "/crm/v3/pipelines/deals").await;
    assert!(!strs(&pipelines["results"], "label").contains(&"Twice"));

    let body = json!({"label": "Unique", "stages": [stage("Open"), stage("Won")]});
    let pipeline = id(&post(&api, "/crm/v3/pipelines/deals", &body, 201).await);
    let stages = format!("/crm/v3/pipelines/deals/{pipeline}/stages");
    post(&api, &stages, &stage("Won"), 400).await;
    let open = id(&read(&api, &stages).await["results"][0]);
    api.patch(&format!("{stages}/{open}"), &json!({"label": "Won"}))
        .await
        .expect(400);
    // A stage keeps its own label; another pipeline may use the same one.
    patch(
        &api,
        &format!("{stages}/{open}"),
        &json!({"label": "Open", "displayOrder": 4}),
    )
    .await;
    post(
        &api,
        "/crm/v3/pipelines/deals/default/stages",
        &stage("Open"),
        201,
    )
    .await;
    // A replacement naming one label twice changes nothing.
    let replaced = json!({"label": "Unique", "stages": [stage("A"), stage("A")]});
    api.put(&format!("/crm/v3/pipelines/deals/{pipeline}"), &replaced)
        .await
        .expect(400);
    let kept = read(&api, &stages).await;
    assert_eq!(strs(&kept["results"], "label"), ["Won", "Open"]);
}
