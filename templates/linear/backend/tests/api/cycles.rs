//! Cycle schedules: `cycleShiftAll` moves a cycle and the later ones, `cycleStartUpcomingCycleToday`
//! starts the next one at midnight (completing the current one, its unfinished issues rolled
//! over), `teamCyclesDelete` takes every cycle of a team away; `teamKeyDelete` finds no key.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::{ENG, client, delivered, missing, mutate, query, refused_as, subscribed, with_id};

/// Cycle 1 of ENG in the seed: the current one, holding ENG-1 (in progress) and ENG-4 (todo).
const CYCLE_1: &str = "10000000-0000-4000-8000-000000000001";
const ENG_4: &str = "20000000-0000-4000-8000-000000000004";
const DONE: &str = "d0000000-0000-4000-8000-000000000005";

const FIELDS: &str = "id number startsAt endsAt completedAt isActive isPast isNext";

/// Runs `cycleShiftAll` from `id` by `days`: the payload's cycle.
async fn shift(api: &Api, id: &str, days: f64) -> Value {
    let text = format!(
        "mutation($input: CycleShiftAllInput!) {{ cycleShiftAll(input: $input) {{
            success lastSyncId cycle {{ {FIELDS} }} }} }}"
    );
    let input = json!({"input": {"id": id, "daysToShift": days}});
    mutate(api, &text, input).await["cycle"].clone()
}

/// Creates an ENG cycle from `starts` to `ends`: its id.
async fn create(api: &Api, starts: &str, ends: &str) -> String {
    let text =
        "mutation($i: CycleCreateInput!) { cycleCreate(input: $i) { success cycle { id } } }";
    let input = json!({"i": {"teamId": ENG, "startsAt": starts, "endsAt": ends}});
    let got = mutate(api, text, input).await;
    got["cycle"]["id"].as_str().unwrap().to_owned()
}

/// ENG's cycles, by start.
async fn schedule(api: &Api) -> Vec<Value> {
    let text = format!("{{ cycles(first: 10) {{ nodes {{ {FIELDS} }} }} }}");
    let mut cycles = query(api, &text, json!({})).await["cycles"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    cycles.sort_by_key(|c| c["startsAt"].as_str().unwrap().to_owned());
    cycles
}

const START: &str = "mutation($id: String!) { cycleStartUpcomingCycleToday(id: $id) {
    success cycle { id startsAt endsAt isActive issues { nodes { identifier } } } } }";

#[asym::clone("linear", seed = "basic")]
async fn cycles_shift_and_the_next_one_starts_today(linear: asym::Linear) {
    let api = client(&linear);
    // A week back, so the current cycle began before today whatever the day.
    let current = shift(&api, CYCLE_1, -7.0).await;
    assert_eq!(current["isActive"], true, "{current}");
    let second = create(&api, "2031-01-01T00:00:00Z", "2031-01-15T00:00:00Z").await;
    let third = create(&api, "2031-01-15T00:00:00Z", "2031-01-29T00:00:00Z").await;
    let receiver = subscribed(&api, "Cycle", Some(ENG)).await;

    // From the second on, by two and a half days: the current one stays.
    let moved = shift(&api, &second, 2.5).await;
    assert_eq!(
        (&moved["id"], &moved["startsAt"], &moved["endsAt"]),
        (
            &json!(second),
            &json!("2031-01-03T12:00:00.000Z"),
            &json!("2031-01-17T12:00:00.000Z")
        )
    );
    let cycles = schedule(&api).await;
    assert_eq!(cycles[0]["startsAt"], current["startsAt"]);
    assert_eq!(
        pluck(&json!(cycles[1..]), "startsAt"),
        ["2031-01-03T12:00:00.000Z", "2031-01-17T12:00:00.000Z"]
    );
    let mut heard = Vec::new();
    for _ in 0..2 {
        heard.push(delivered(&receiver, "Cycle", "update").await);
    }
    heard.sort_by_key(|body| body["data"]["number"].as_i64());
    assert_eq!(heard[0]["data"]["id"], second);
    assert_eq!(
        heard[0]["updatedFrom"]["startsAt"],
        "2031-01-01T00:00:00.000Z"
    );
    assert_eq!(
        heard[1]["updatedFrom"]["endsAt"],
        "2031-01-29T00:00:00.000Z"
    );

    // Only the next cycle starts early; ENG-4 done first stays in the completed cycle.
    let refusal = "Only the next upcoming cycle of the team can be started.";
    let variables = json!({"id": third});
    refused_as(&api, START, variables, refusal, refusal).await;
    let text = "mutation($id: String!, $s: String) { issueUpdate(id: $id, input: {stateId: $s}) { success } }";
    query(&api, text, json!({"id": ENG_4, "s": DONE})).await;
    let started = with_id(&api, START, &second).await["cycleStartUpcomingCycleToday"].clone();
    let cycle = &started["cycle"];
    let midnight = cycle["startsAt"].as_str().unwrap();
    assert!(midnight.ends_with("T00:00:00.000Z"), "{cycle}");
    assert_eq!(cycle["isActive"], true, "{cycle}");
    assert_eq!(cycle["endsAt"], "2031-01-17T12:00:00.000Z");
    assert_eq!(pluck(&cycle["issues"]["nodes"], "identifier"), ["ENG-1"]);
    let closed = with_id(
        &api,
        "query($id: String!) { cycle(id: $id) { endsAt completedAt isPast
            uncompletedIssuesUponClose { nodes { identifier } } issues { nodes { identifier } } } }",
        CYCLE_1,
    )
    .await["cycle"]
        .clone();
    assert_eq!(closed["endsAt"], midnight, "{closed}");
    assert!(closed["completedAt"].is_string(), "{closed}");
    assert_eq!(closed["isPast"], true, "{closed}");
    let rolled = &closed["uncompletedIssuesUponClose"]["nodes"];
    assert_eq!(pluck(rolled, "identifier"), ["ENG-1"]);
    assert_eq!(pluck(&closed["issues"]["nodes"], "identifier"), ["ENG-4"]);
    // The completed cycle and the started one, each an update.
    let mut heard = Vec::new();
    for _ in 0..2 {
        heard.push(delivered(&receiver, "Cycle", "update").await);
    }
    heard.sort_by_key(|body| body["data"]["number"].as_i64());
    assert!(
        heard[0]["updatedFrom"]["completedAt"].is_null(),
        "{}",
        heard[0]
    );
    assert!(heard[0]["data"]["completedAt"].is_string(), "{}", heard[0]);
    assert_eq!(
        heard[1]["updatedFrom"]["startsAt"],
        "2031-01-03T12:00:00.000Z"
    );
    // The started cycle is no longer upcoming.
    refused_as(&api, START, json!({"id": second}), refusal, refusal).await;

    for id in ["10000000-0000-4000-8000-00000000ffff", "nope"] {
        let text = "mutation($id: String!) { cycleShiftAll(input: {id: $id, daysToShift: 1}) { success } }";
        missing(&api, text, json!({"id": id}), "Cycle").await;
        missing(&api, START, json!({"id": id}), "Cycle").await;
    }
}

#[asym::clone("linear", seed = "basic")]
async fn a_teams_cycles_are_deleted(linear: asym::Linear) {
    let api = client(&linear);
    let later = create(&api, "2031-01-01T00:00:00Z", "2031-01-15T00:00:00Z").await;
    let receiver = subscribed(&api, "Cycle", Some(ENG)).await;
    let text = "mutation($id: String!) { teamCyclesDelete(id: $id) {
        success lastSyncId team { key cyclesEnabled activeCycle { id } cycles { nodes { id } } } } }";
    let team = with_id(&api, text, "ENG").await["teamCyclesDelete"]["team"].clone();
    assert_eq!(
        team,
        json!({"key": "ENG", "cyclesEnabled": false, "activeCycle": null, "cycles": {"nodes": []}})
    );
    let mut removed = Vec::new();
    for _ in 0..2 {
        removed.push(delivered(&receiver, "Cycle", "remove").await["data"]["id"].clone());
    }
    let mut expected = [json!(CYCLE_1), json!(later)];
    removed.sort_by_key(Value::to_string);
    expected.sort_by_key(Value::to_string);
    assert_eq!(removed, expected);
    let left = query(
        &api,
        "{ issues(filter: { cycle: { null: false } }) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(left["issues"]["nodes"], json!([]));
    let gone = "query($id: String!) { cycle(id: $id) { id } }";
    missing(&api, gone, json!({"id": CYCLE_1}), "Cycle").await;
    missing(&api, text, json!({"id": "NOPE"}), "Team").await;
    // A team's key never changes in the clone: there is no former key to delete.
    let key = "mutation($id: String!) { teamKeyDelete(id: $id) { success entityId } }";
    missing(&api, key, json!({"id": "ENG"}), "TeamKey").await;
}
