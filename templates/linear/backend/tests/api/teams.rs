//! Teams written through the API: `teamCreate` (default workflow states, the creator an
//! owner), `teamUpdate`, `teamDelete` (archives).

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::{
    ADA, ENG, ask, assert_filtered, client, eng_nodes, missing, mutate, refused_as,
    refused_inputs_as, with_id,
};

/// As @linear/sdk's `createTeam` sends it, with what a new team holds.
const CREATE: &str = "mutation($input: TeamCreateInput!) { teamCreate(input: $input) {
    success lastSyncId team { id key name private cyclesEnabled timezone
      states { nodes { name type position } } memberships { nodes { owner user { id } } }
      defaultIssueState { name } } } }";

/// A new team from `input`; answers it.
async fn team(api: &asym_kit::testing::Api, input: Value) -> Value {
    mutate(api, CREATE, json!({ "input": input })).await["team"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn teams_are_created_with_their_states_updated_and_archived(linear: asym::Linear) {
    let api = client(&linear);
    let design = team(&api, json!({"name": "Design", "private": true})).await;
    assert_eq!(design["key"], "DES", "drawn from the name");
    assert_eq!(
        (&design["private"], &design["cyclesEnabled"]),
        (&json!(true), &json!(true))
    );
    let mut states: Vec<(f64, String, String)> = design["states"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |key: &str| s[key].as_str().unwrap().to_owned();
            (s["position"].as_f64().unwrap(), text("name"), text("type"))
        })
        .collect();
    states.sort_by(|a, b| a.0.total_cmp(&b.0));
    let names: Vec<(&str, &str)> = states
        .iter()
        .map(|(_, name, kind)| (name.as_str(), kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("Backlog", "backlog"),
            ("Todo", "unstarted"),
            ("In Progress", "started"),
            ("In Review", "started"),
            ("Done", "completed"),
            ("Canceled", "canceled"),
            ("Duplicate", "canceled"),
        ]
    );
    assert_eq!(
        design["memberships"]["nodes"],
        json!([{"owner": true, "user": {"id": ADA}}])
    );
    assert_eq!(design["defaultIssueState"]["name"], "Backlog");
    // Its issues are numbered under its key, in its first backlog state.
    let first = mutate(
        &api,
        "mutation($t: String!) { issueCreate(input: { teamId: $t, title: \"Palette\" }) {
            success issue { identifier state { name } } } }",
        json!({"t": design["id"]}),
    )
    .await;
    assert_eq!(
        first["issue"],
        json!({"identifier": "DES-1", "state": {"name": "Backlog"}})
    );
    let ops = team(&api, json!({"name": "Operations", "key": "ops2"})).await;
    assert_eq!(ops["key"], "OPS2");

    let update = "mutation($id: String!) { teamUpdate(id: $id, input: {
        name: \"Designers\", description: \"Pixels\", cyclesEnabled: false }) {
          success team { key name description cyclesEnabled } } }";
    let updated = with_id(&api, update, "DES").await["teamUpdate"].clone();
    assert_eq!(
        updated["team"],
        json!({"key": "DES", "name": "Designers", "description": "Pixels", "cyclesEnabled": false})
    );
    let delete = "mutation($id: String!) { teamDelete(id: $id) { success entityId } }";
    let deleted = with_id(&api, delete, "OPS2").await["teamDelete"].clone();
    assert_eq!(deleted, json!({"success": true, "entityId": ops["id"]}));
    let keys = ask(&api, "{ teams { nodes { key } } }").await;
    assert_eq!(pluck(&keys["teams"]["nodes"], "key"), ["DES", "ENG"]);
    let archived = ask(&api, "{ teams(includeArchived: true) { nodes { key } } }").await;
    assert_eq!(
        pluck(&archived["teams"]["nodes"], "key"),
        ["OPS2", "DES", "ENG"]
    );
}

#[asym::clone("linear", seed = "basic")]
async fn teams_refuse_what_the_clone_cannot_write(linear: asym::Linear) {
    let api = client(&linear);
    let bad_key = "key must be 1 to 7 letters or digits, starting with a letter.";
    let validation = "Argument Validation Error";
    let triage =
        "Input field `requirePriorityToLeaveTriage` is not supported by the asym Linear clone";
    let taken = "A team with this key already exists.";
    let cases = [
        (json!({"name": "x", "key": "1AB"}), validation, bad_key),
        (
            json!({"name": "x", "key": "TOOLONGKEY"}),
            validation,
            bad_key,
        ),
        (json!({"name": "!!"}), validation, bad_key),
        (json!({"name": "x", "key": "eng"}), taken, taken),
        (
            json!({"name": "x", "requirePriorityToLeaveTriage": true}),
            triage,
            triage,
        ),
    ];
    refused_inputs_as(&api, CREATE, cases).await;
    let copy = "Argument `copySettingsFromTeamId` is not supported by the asym Linear clone";
    refused_as(
        &api,
        "mutation { teamCreate(input: { name: \"x\" }, copySettingsFromTeamId: \"ENG\") { success } }",
        json!({}),
        copy,
        copy,
    )
    .await;
    let rekey = "Input field `key` is not supported by the asym Linear clone";
    let update = "mutation { teamUpdate(id: \"ENG\", input: { key: \"ENGX\" }) { success } }";
    refused_as(&api, update, json!({}), rekey, rekey).await;
    let delete = "mutation { teamDelete(id: \"NOPE\") { success } }";
    missing(&api, delete, json!({}), "Team").await;
    let keys = ask(&api, "{ teams { nodes { key } } }").await;
    assert_eq!(pluck(&keys["teams"]["nodes"], "key"), ["ENG"]);
}

#[asym::clone("linear", seed = "basic")]
async fn states_are_updated_and_archived_and_teams_unarchived(linear: asym::Linear) {
    let api = client(&linear);
    // ENG's Backlog holds issues; In Review (…004) holds none.
    let backlog = "d0000000-0000-4000-8000-000000000001";
    let review = "d0000000-0000-4000-8000-000000000004";
    let update = "mutation($id: String!) { workflowStateUpdate(id: $id, input: {
        name: \"Review\", color: \"#00aa00\", description: \"Waiting\", position: 3.5 }) {
          success workflowState { name color description position type } } }";
    let updated = with_id(&api, update, review).await["workflowStateUpdate"].clone();
    assert_eq!(
        updated["workflowState"],
        json!({"name": "Review", "color": "#00aa00", "description": "Waiting",
               "position": 3.5, "type": "started"})
    );
    let archive = "mutation($id: String!) { workflowStateArchive(id: $id) {
        success entity { id archivedAt } } }";
    let busy = "Only states with issues that have all been archived can be archived.";
    refused_as(
        &api,
        archive,
        json!({"id": backlog}),
        "Argument Validation Error",
        busy,
    )
    .await;
    let archived = with_id(&api, archive, review).await["workflowStateArchive"].clone();
    assert_eq!(archived["entity"]["id"], review);
    assert!(archived["entity"]["archivedAt"].is_string());
    let states = eng_nodes(&api, "states", "id").await;
    assert!(!states.contains(&review.to_owned()));
    missing(&api, archive, json!({"id": "nope"}), "WorkflowState").await;

    let research = team(&api, json!({"name": "Research"})).await;
    let delete = "mutation($id: String!) { teamDelete(id: $id) { success } }";
    with_id(&api, delete, &research["id"]).await;
    let unarchive = "mutation($id: String!) { teamUnarchive(id: $id) {
        success entity { key archivedAt } } }";
    let back = with_id(&api, unarchive, "RES").await["teamUnarchive"].clone();
    assert_eq!(back["entity"], json!({"key": "RES", "archivedAt": null}));
    let keys = ask(&api, "{ teams { nodes { key } } }").await;
    assert_eq!(pluck(&keys["teams"]["nodes"], "key"), ["RES", "ENG"]);
}

/// What a team's triage answers: whether it is on, its triage state, its states by type.
const TRIAGE: &str = "query($id: String!) { team(id: $id) { triageEnabled
    triageIssueState { id name type color description } states { nodes { id type } } } }";

#[asym::clone("linear", seed = "basic")]
async fn triage_switched_on_gives_a_team_its_triage_state(linear: asym::Linear) {
    let api = client(&linear);
    let off = with_id(&api, TRIAGE, "ENG").await;
    assert_eq!(off["team"]["triageEnabled"], false);
    assert!(off["team"]["triageIssueState"].is_null());
    let update = "mutation($input: TeamUpdateInput!) { teamUpdate(id: \"ENG\", input: $input) {
        success team { triageEnabled } } }";
    mutate(&api, update, json!({"input": {"triageEnabled": true}})).await;
    let on = with_id(&api, TRIAGE, "ENG").await;
    let state = &on["team"]["triageIssueState"];
    assert_eq!(on["team"]["triageEnabled"], true);
    assert_eq!(
        (&state["name"], &state["type"]),
        (&json!("Triage"), &json!("triage"))
    );
    // Its colour and description as Linear's own Triage state has them.
    assert_eq!(
        (&state["color"], &state["description"]),
        (&json!("#FC7840"), &json!("Issue needs to be triaged"))
    );
    let triage_states = |team: &Value| {
        team["states"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["type"] == "triage")
            .count()
    };
    assert_eq!(triage_states(&on["team"]), 1);
    // An issue opened into it is in triage; triage's issues filter by the state's type.
    let create = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) {
        success issue { identifier state { type } } } }";
    let input = json!({"teamId": ENG, "title": "From support", "stateId": state["id"]});
    let issue = mutate(&api, create, json!({ "input": input })).await;
    assert_eq!(issue["issue"]["state"]["type"], "triage");
    let identifier = issue["issue"]["identifier"].as_str().unwrap();
    let in_triage = json!({"state": {"type": {"eq": "triage"}}});
    assert_filtered(
        &api,
        "issues",
        "IssueFilter",
        "identifier",
        [(in_triage, &[identifier][..])],
    )
    .await;
    // Moved out of triage, it is triaged: `triagedAt` is set, and filters find it.
    let todo = "d0000000-0000-4000-8000-000000000002";
    let moved = mutate(
        &api,
        "mutation($id: String!, $state: String!) { issueUpdate(id: $id, input: { stateId: $state }) {
            success issue { identifier triagedAt updatedAt } } }",
        json!({"id": issue["issue"]["identifier"], "state": todo}),
    )
    .await;
    assert!(moved["issue"]["triagedAt"].is_string(), "{moved}");
    let triaged = ask(
        &api,
        "{ issues(filter: { triagedAt: { null: false } }) { nodes { identifier triagedAt } } }",
    )
    .await;
    assert_eq!(
        triaged["issues"]["nodes"],
        json!([{"identifier": moved["issue"]["identifier"], "triagedAt": moved["issue"]["triagedAt"]}])
    );
    // Off again: the state stays (its issues keep it), the team no longer names it; on
    // again, it is the same state.
    mutate(&api, update, json!({"input": {"triageEnabled": false}})).await;
    let again_off = with_id(&api, TRIAGE, "ENG").await;
    assert_eq!(again_off["team"]["triageEnabled"], false);
    assert!(again_off["team"]["triageIssueState"].is_null());
    mutate(&api, update, json!({"input": {"triageEnabled": true}})).await;
    let again_on = with_id(&api, TRIAGE, "ENG").await;
    assert_eq!(again_on["team"]["triageIssueState"]["id"], state["id"]);
    assert_eq!(triage_states(&again_on["team"]), 1);
    // A team created with triage on has it from the start, before its other states.
    let created = mutate(
        &api,
        "mutation { teamCreate(input: { name: \"Support\", triageEnabled: true }) {
            success team { triageEnabled triageIssueState { type position }
                   states { nodes { type position } } } } }",
        json!({}),
    )
    .await;
    let support = &created["team"];
    assert_eq!(support["triageIssueState"]["type"], "triage");
    let lowest = support["states"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["position"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(
        support["triageIssueState"]["position"].as_f64().unwrap(),
        lowest
    );
}
