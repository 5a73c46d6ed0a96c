//! `issueBatchCreate`: up to 50 issues in one transaction, each as `issueCreate` makes it.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::{ENG, client, delivered, eng_nodes, invalid_argument, mutate, refused_for, subscribed};

const BATCH: &str = "mutation($input: IssueBatchCreateInput!) { issueBatchCreate(input: $input) {
    success lastSyncId issues { id identifier title priority labelIds parent { identifier }
      state { name } } } }";

#[asym::clone("linear", seed = "basic")]
async fn a_batch_creates_every_issue_in_order(linear: asym::Linear) {
    let api = client(&linear);
    let hooks = subscribed(&api, "Issue", Some(ENG)).await;
    let parent = "20000000-0000-4000-8000-0000000000a1";
    let issues = json!([
        {"id": parent, "teamId": ENG, "title": "Import: epic", "priority": 2},
        {"teamId": ENG, "title": "Import: child", "parentId": parent,
         "labelIds": ["e0000000-0000-4000-8000-000000000002"]},
        {"teamId": ENG, "title": "App crashes", "templateId": "80000000-0000-4000-8000-000000000001"},
    ]);
    let payload = mutate(&api, BATCH, json!({"input": {"issues": issues}})).await;
    assert!(payload["lastSyncId"].as_f64().unwrap() > 0.0, "{payload}");
    let created = &payload["issues"];
    assert_eq!(pluck(created, "identifier"), ["ENG-7", "ENG-8", "ENG-9"]);
    assert_eq!(created[0]["id"], parent);
    assert_eq!(created[0]["state"]["name"], "Backlog");
    assert_eq!(created[1]["parent"]["identifier"], "ENG-7");
    assert_eq!(
        created[1]["labelIds"],
        json!(["e0000000-0000-4000-8000-000000000002"])
    );
    // The template's priority and label under the input's title.
    assert_eq!(created[2]["title"], "App crashes");
    assert_eq!(created[2]["priority"], 2.0);
    assert_eq!(
        created[2]["labelIds"],
        json!(["e0000000-0000-4000-8000-000000000001"])
    );
    // One transaction: the three share their `createdAt`, and are the newest.
    let mut newest = eng_nodes(&api, "issues", "identifier").await[..3].to_vec();
    newest.sort();
    assert_eq!(newest, ["ENG-7", "ENG-8", "ENG-9"]);
    for identifier in ["ENG-7", "ENG-8", "ENG-9"] {
        let body = delivered(&hooks, "Issue", "create").await;
        assert_eq!(body["data"]["identifier"], identifier);
    }
}

#[asym::clone("linear", seed = "basic")]
async fn a_refused_batch_creates_nothing(linear: asym::Linear) {
    let api = client(&linear);
    let good = json!({"teamId": ENG, "title": "Fine"});
    let cases: [(Value, &str); 4] = [
        (
            json!([good, {"teamId": ENG, "title": "Lost", "stateId": "d0000000-0000-4000-8000-0000000000ff"}]),
            "Entity not found: WorkflowState",
        ),
        (
            json!([good, {"teamId": "c0000000-0000-4000-8000-0000000000ff", "title": "Nowhere"}]),
            "Entity not found: Team",
        ),
        (
            json!([good, {"teamId": ENG, "title": "Odd", "subscriberIds": []}]),
            "`subscriberIds`",
        ),
        (json!(vec![good.clone(); 51]), "at most 50 issues"),
    ];
    for (issues, expected) in cases {
        refused_for(&api, BATCH, json!({"input": {"issues": issues}}), expected).await;
    }
    let blank = json!([good, {"teamId": ENG, "title": " "}]);
    let blank = json!({"input": {"issues": blank}});
    invalid_argument(&api, BATCH, blank, "title should not be empty").await;
    assert_eq!(
        eng_nodes(&api, "issues", "identifier").await[0],
        "ENG-6",
        "nothing was created"
    );
    let fifty = mutate(&api, BATCH, json!({"input": {"issues": vec![good; 50]}})).await;
    assert_eq!(
        fifty["issues"][49]["identifier"], "ENG-56",
        "numbering went on at ENG-7"
    );
}
