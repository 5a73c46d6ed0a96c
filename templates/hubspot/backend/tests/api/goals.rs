//! Goals (`0-74`, `/crm/v3/objects/goal_targets`): read, listed, batch read and searched;
//! every write refused, as HubSpot's goals API only retrieves goals.

use serde_json::json;

use crate::{api, post, prop, read, scoped, search, strs};

#[asym::clone("hubspot", seed = "basic")]
async fn goals_are_read_and_searched_never_written(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = read(&api, "/crm/v3/objects/goal_targets").await;
    assert_eq!(strs(&all["results"], "id"), ["601", "602"]);
    assert_eq!(prop(&all["results"][1], "hs_target_amount"), "12000");
    assert_eq!(
        prop(&all["results"][1], "hs_start_datetime"),
        "2024-02-01T00:00:00.000Z"
    );
    for path in [
        "/crm/v3/objects/goal_targets/601?properties=hubspot_owner_id",
        "/crm/v3/objects/goals/601?properties=hubspot_owner_id",
        "/crm/v3/objects/0-74/601?properties=hubspot_owner_id",
    ] {
        assert_eq!(
            prop(&read(&api, path).await, "hubspot_owner_id"),
            "101",
            "{path}"
        );
    }
    let found = search(
        &api,
        "goal_targets",
        &json!({"query": "revenue", "filterGroups": [{"filters": [
            {"propertyName": "hs_target_amount", "operator": "GT", "value": "11000"}]}]}),
    )
    .await;
    assert_eq!(strs(&found["results"], "id"), ["602"]);
    let batch = post(
        &api,
        "/crm/v3/objects/goal_targets/batch/read",
        &json!({"inputs": [{"id": "601"}, {"id": "602"}], "properties": ["hs_goal_name"]}),
        200,
    )
    .await;
    assert_eq!(batch["results"].as_array().unwrap().len(), 2);
    // No write goes through: create, update, archive, their batches.
    let update = json!({"properties": {"hs_target_amount": "1"}});
    for (refused, verb) in [
        (
            api.post("/crm/v3/objects/goal_targets", &update)
                .await
                .expect(400),
            "created",
        ),
        (
            api.patch("/crm/v3/objects/goal_targets/601", &update)
                .await
                .expect(400),
            "updated",
        ),
        (
            api.delete("/crm/v3/objects/goal_targets/601")
                .await
                .expect(400),
            "archived",
        ),
        (
            api.post(
                "/crm/v3/objects/goal_targets/batch/update",
                &json!({"inputs": [{"id": "601", "properties": {"hs_target_amount": "1"}}]}),
            )
            .await
            .expect(400),
            "updated",
        ),
    ] {
        assert_eq!(
            refused["message"],
            format!("GOAL_TARGET records cannot be {verb} through the CRM objects API")
        );
    }
    assert_eq!(
        prop(
            &read(&api, "/crm/v3/objects/goal_targets/601").await,
            "hs_target_amount"
        ),
        "10000"
    );
    let contacts_only = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    let denied = contacts_only
        .get("/crm/v3/objects/goal_targets")
        .await
        .expect(403);
    assert_eq!(denied["category"], "MISSING_SCOPES");
}
