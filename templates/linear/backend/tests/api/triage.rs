//! Triage responsibility: `triageResponsibilityCreate`/`Update`/`Delete`, the reads of it
//! (`triageResponsibilities`, `triageResponsibility`, `Team.triageResponsibility`), and
//! `administrableTeams`.

use asym_kit::testing::pluck;
use serde_json::json;

use crate::{
    ADA, BEN, ENG, Writes, argument_error, ask, client, delete_payload, missing, not_found,
    refused_inputs_as, with_id,
};

/// A triage responsibility as @linear/sdk's fragment selects it, with its current user.
const FIELDS: &str = "id action manualSelection { userIds } team { id } timeSchedule { id }
    currentUser { id email } createdAt updatedAt archivedAt";

/// What a team answers of its triage responsibility.
const OF_TEAM: &str =
    "query($id: String!) { team(id: $id) { triageResponsibility { id action } } }";

#[asym::clone("linear", seed = "basic")]
async fn a_team_has_one_triage_responsibility_that_assigns_or_notifies(linear: asym::Linear) {
    let api = client(&linear);
    let writes = Writes::new(&api, "TriageResponsibility", "triageResponsibility", FIELDS);
    let input = json!({"teamId": ENG, "action": "assign",
        "manualSelection": {"userIds": [ADA, BEN], "assignmentIndex": 1}});
    let responsibility = &writes.create(input).await;
    let id = responsibility["id"].as_str().unwrap().to_owned();
    assert_eq!(responsibility["action"], "assign");
    assert_eq!(
        responsibility["manualSelection"]["userIds"],
        json!([ADA, BEN])
    );
    assert_eq!(responsibility["team"]["id"], ENG);
    assert!(responsibility["timeSchedule"].is_null());
    assert!(responsibility["archivedAt"].is_null());
    // The selected user whose turn it is: the second, at index 1.
    assert_eq!(responsibility["currentUser"]["email"], "ben@acme.test");
    assert_eq!(
        responsibility["createdAt"], responsibility["updatedAt"],
        "{responsibility}"
    );

    // The team names it; the root reads find it.
    let team = with_id(&api, OF_TEAM, "ENG").await;
    assert_eq!(
        team["team"]["triageResponsibility"],
        json!({"id": id, "action": "assign"})
    );
    let one = format!("query($id: String!) {{ triageResponsibility(id: $id) {{ {FIELDS} }} }}");
    assert_eq!(
        with_id(&api, &one, &id).await["triageResponsibility"],
        *responsibility
    );
    let all = ask(
        &api,
        "{ triageResponsibilities { nodes { id team { key } } } }",
    )
    .await;
    assert_eq!(
        pluck(&all["triageResponsibilities"]["nodes"], "id"),
        std::slice::from_ref(&id)
    );

    // A team has one (checked after the rest: each other case is ENG's too); the action is
    // assign or notify; the users and the team exist; the clone has no time schedules.
    refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            (
                json!({"teamId": ENG, "action": "notify"}),
                "The team already has a triage responsibility.",
                "The team already has a triage responsibility.",
            ),
            argument_error(
                json!({"teamId": ENG, "action": "escalate"}),
                "action must be one of the following values: assign, notify",
            ),
            (
                json!({"teamId": ENG, "action": "assign",
                       "manualSelection": {"userIds": [ADA, "b0000000-0000-4000-8000-00000000ffff"]}}),
                "Entity not found: User",
                "Could not find referenced User.",
            ),
            (
                json!({"teamId": "c0000000-0000-4000-8000-00000000ffff", "action": "notify"}),
                "Entity not found: Team",
                "Could not find referenced Team.",
            ),
            (
                json!({"teamId": ENG, "action": "notify",
                       "timeScheduleId": "a-schedule"}),
                "Input field `timeScheduleId` is not supported by the asym Linear clone",
                "Input field `timeScheduleId` is not supported by the asym Linear clone",
            ),
        ],
    )
    .await;

    // Updated: it notifies one user, who is then the current one.
    let input = json!({"action": "notify", "manualSelection": {"userIds": [ADA]}});
    let updated = writes.update(&id, input).await;
    assert_eq!(updated["action"], "notify");
    assert_eq!(updated["currentUser"]["id"], ADA, "{updated}");
    missing(
        &api,
        &writes.update_doc,
        json!({"id": "nope", "input": {"action": "notify"}}),
        "TriageResponsibility",
    )
    .await;

    // Deleted: the team has none, and it is not found.
    delete_payload(&api, "triageResponsibilityDelete", &id).await;
    let team = with_id(&api, OF_TEAM, "ENG").await;
    assert!(team["team"]["triageResponsibility"].is_null(), "{team}");
    not_found(&api, "triageResponsibility", &id, "TriageResponsibility").await;
}

#[asym::clone("linear", seed = "basic")]
async fn administrable_teams_are_every_team(linear: asym::Linear) {
    let api = client(&linear);
    let keys = |data: &serde_json::Value, field: &str| {
        let mut keys = pluck(&data[field]["nodes"], "key");
        keys.sort();
        keys
    };
    let both = ask(
        &api,
        "{ teams { nodes { key } } administrableTeams { nodes { key } } }",
    )
    .await;
    assert!(!keys(&both, "teams").is_empty());
    assert_eq!(keys(&both, "administrableTeams"), keys(&both, "teams"));
    let filtered = ask(
        &api,
        "{ administrableTeams(filter: { key: { eq: \"ENG\" } }) { nodes { key } } }",
    )
    .await;
    assert_eq!(keys(&filtered, "administrableTeams"), ["ENG"]);
}
