//! Time schedules: `timeScheduleCreate`/`Update`/`Delete`, `timeScheduleUpsertExternal`, the
//! reads, `timeScheduleRefreshIntegrationSchedule` refused, and what each refuses.

use serde_json::json;

use crate::{
    BEN, Writes, client, count, delete_payload, mutate, not_found, refused_for, refuses, with_id,
};

const SCHEDULE: &str = "id name externalId externalUrl integration { id }
    entries { startsAt endsAt userId userEmail }";

#[asym::clone("linear", seed = "basic")]
async fn a_time_schedule_keeps_its_rotation(linear: asym::Linear) {
    let api = client(&linear);
    let schedules = Writes::new(&api, "TimeSchedule", "timeSchedule", SCHEDULE);
    let week = json!([
        {"startsAt": "2027-01-04T09:00:00Z", "endsAt": "2027-01-08T17:00:00Z", "userId": BEN},
        {"startsAt": "2027-01-11T09:00:00Z", "endsAt": "2027-01-15T17:00:00Z", "userEmail": "ada@acme.test"},
    ]);
    let made = schedules
        .create(json!({"name": "Primary", "entries": week}))
        .await;
    assert_eq!(made["entries"][0]["userId"], BEN);
    assert_eq!(made["entries"][1]["startsAt"], "2027-01-11T09:00:00.000Z");
    assert_eq!(made["integration"], json!(null));
    let id = made["id"].as_str().unwrap();
    let one = format!("query($id: String!) {{ timeSchedule(id: $id) {{ {SCHEDULE} }} }}");
    assert_eq!(with_id(&api, &one, id).await["timeSchedule"], made);
    let renamed = schedules
        .update(id, json!({"name": "Primary on-call", "entries": []}))
        .await;
    assert_eq!(
        (&renamed["name"], &renamed["entries"]),
        (&json!("Primary on-call"), &json!([]))
    );

    // Upserted by an external id: made once, then updated.
    let upsert = "mutation($e: String!, $input: TimeScheduleUpdateInput!) {
        timeScheduleUpsertExternal(externalId: $e, input: $input) { success timeSchedule { id name } } }";
    let first = mutate(
        &api,
        upsert,
        json!({"e": "PD-1", "input": {"name": "PagerDuty", "entries": []}}),
    )
    .await;
    let again = mutate(
        &api,
        upsert,
        json!({"e": "PD-1", "input": {"name": "PagerDuty 2"}}),
    )
    .await;
    assert_eq!(first["timeSchedule"]["id"], again["timeSchedule"]["id"]);
    assert_eq!(again["timeSchedule"]["name"], "PagerDuty 2");
    assert_eq!(count(&api, "timeSchedules").await, 2);

    let backwards = json!([{"startsAt": "2027-01-08T09:00:00Z", "endsAt": "2027-01-04T09:00:00Z"}]);
    #[rustfmt::skip]
    let cases = [
        (json!({"name": " ", "entries": []}), "name should not be empty"),
        (json!({"name": "x", "entries": backwards}), "An entry's endsAt must be after its startsAt."),
        (json!({"name": "x", "entries": [], "externalId": "PD-1"}), "A time schedule with this external ID already exists."),
    ];
    refuses(&api, &schedules.create_doc, &cases).await;
    let refresh =
        "mutation($id: String!) { timeScheduleRefreshIntegrationSchedule(id: $id) { success } }";
    refused_for(&api, refresh, json!({"id": id}), "no integration").await;
    delete_payload(&api, "timeScheduleDelete", id).await;
    not_found(&api, "timeSchedule", id, "TimeSchedule").await;
}
