//! Mutations: issues (numbering, state timestamps, history, labels, archive, trash, batch),
//! comments, labels, projects, cycles, attachments, workflow states.

use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, archive_payload, argument_error, ask, client, count, delete_payload, missing,
    mutate, query, refused_as, with_id,
};

const CREATE: &str = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) {
    success lastSyncId issue { id identifier number priority priorityLabel labelIds dueDate
      startedAt completedAt canceledAt state { name } assignee { id } creator { id } } } }";
const UPDATE: &str =
    "mutation($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) {
    success issue { identifier priority estimate labelIds startedAt completedAt canceledAt
      state { name } assignee { id } parent { identifier } } } }";

/// The id of ENG's state named `name`.
async fn state(api: &asym_kit::testing::Api, name: &str) -> String {
    let got = query(api, "query($name: String!) { workflowStates(filter: { name: { eq: $name } }) { nodes { id } } }", json!({"name": name})).await;
    got["workflowStates"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[asym::clone("linear", seed = "basic")]
async fn issues_are_numbered_per_team_and_follow_their_state(linear: asym::Linear) {
    let api = client(&linear);
    let input = json!({"teamId": ENG, "title": "Dark mode", "priority": 3, "dueDate": "2024-05-01",
                       "labelIds": ["e0000000-0000-4000-8000-000000000002"]});
    let created = mutate(&api, CREATE, json!({"input": input})).await;
    assert!(created["lastSyncId"].as_f64().unwrap() > 0.0);
    let issue = &created["issue"];
    assert_eq!(issue["identifier"], "ENG-7");
    assert_eq!(issue["priorityLabel"], "Medium");
    assert_eq!(issue["state"]["name"], "Backlog");
    assert_eq!(issue["creator"]["id"], ADA);
    assert_eq!(issue["dueDate"], "2024-05-01");
    let id = issue["id"].as_str().unwrap().to_owned();
    let second = query(
        &api,
        CREATE,
        json!({"input": {"teamId": ENG, "title": "Next"}}),
    )
    .await;
    assert_eq!(second["issueCreate"]["issue"]["identifier"], "ENG-8");

    let started = state(&api, "In Progress").await;
    let moved = query(
        &api,
        UPDATE,
        json!({"id": id, "input": {"stateId": started, "assigneeId": BEN, "estimate": 2}}),
    )
    .await;
    let moved = &moved["issueUpdate"]["issue"];
    assert!(moved["startedAt"].is_string() && moved["completedAt"].is_null());
    assert_eq!(moved["assignee"]["id"], BEN);
    let done = state(&api, "Done").await;
    let finished = query(
        &api,
        UPDATE,
        json!({"id": "ENG-7", "input": {"stateId": done, "assigneeId": null}}),
    )
    .await;
    let finished = &finished["issueUpdate"]["issue"];
    assert!(finished["completedAt"].is_string());
    assert!(finished["assignee"].is_null());
    let canceled = query(
        &api,
        UPDATE,
        json!({"id": id, "input": {"stateId": state(&api, "Canceled").await}}),
    )
    .await;
    let canceled = &canceled["issueUpdate"]["issue"];
    assert!(canceled["canceledAt"].is_string() && canceled["completedAt"].is_null());

    let history = query(&api, "query($id: String!) { issue(id: $id) { history { nodes { fromStateId toStateId toAssigneeId actor { id } } } } }", json!({"id": id})).await;
    let entries = history["issue"]["history"]["nodes"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(
        entries
            .iter()
            .any(|h| h["fromStateId"] == json!(started) && h["toStateId"] == json!(done))
    );
    assert!(entries.iter().all(|h| h["actor"]["id"] == ADA));

    let unsupported = "Input field `subscriberIds` is not supported by the asym Linear clone";
    for (input, message, presentable) in [
        (
            json!({"teamId": ENG, "title": "x", "priority": 7}),
            "Argument Validation Error: priority must be between 0 and 4",
            "",
        ),
        argument_error(
            json!({"teamId": ENG, "title": " "}),
            "title should not be empty",
        ),
        argument_error(
            json!({"teamId": ENG, "title": "x", "dueDate": "soon"}),
            "A date or time in the input is not valid.",
        ),
        (
            json!({"teamId": ENG, "title": "x", "subscriberIds": [ADA]}),
            unsupported,
            "",
        ),
    ] {
        // Linear shows its validators' own messages to the user as they are.
        let presentable = if presentable.is_empty() {
            message
        } else {
            presentable
        };
        refused_as(&api, CREATE, json!({"input": input}), message, presentable).await;
    }
    for (input, entity) in [
        (json!({"teamId": "nope", "title": "x"}), "Team"),
        (
            json!({"teamId": ENG, "title": "x", "stateId": "nope"}),
            "WorkflowState",
        ),
        (
            json!({"teamId": ENG, "title": "x", "assigneeId": "nope"}),
            "User",
        ),
        (
            json!({"teamId": ENG, "title": "x", "labelIds": ["nope"]}),
            "IssueLabel",
        ),
        (
            json!({"teamId": ENG, "title": "x", "templateId": "t"}),
            "Template",
        ),
    ] {
        missing(&api, CREATE, json!({"input": input}), entity).await;
    }
    assert_eq!(
        count(&api, "issues").await,
        8,
        "failed creates wrote nothing"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn labels_archive_trash_and_batches(linear: asym::Linear) {
    let api = client(&linear);
    let bug = "e0000000-0000-4000-8000-000000000001";
    let add = "mutation($id: String!, $label: String!) { issueAddLabel(id: $id, labelId: $label) { issue { labelIds } } }";
    let got = query(&api, add, json!({"id": "ENG-1", "label": bug})).await;
    assert_eq!(
        got["issueAddLabel"]["issue"]["labelIds"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let remove = "mutation($id: String!, $label: String!) { issueRemoveLabel(id: $id, labelId: $label) { issue { labelIds } } }";
    let got = query(&api, remove, json!({"id": "ENG-1", "label": bug})).await;
    assert_eq!(
        got["issueRemoveLabel"]["issue"]["labelIds"],
        json!(["e0000000-0000-4000-8000-000000000002"])
    );

    let archived = archive_payload(&api, "issueArchive", "ENG-5", "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let list = |include: bool| {
        let api = api.clone();
        async move {
            let got = query(
                &api,
                "query($a: Boolean) { issues(includeArchived: $a) { nodes { identifier } } }",
                json!({"a": include}),
            )
            .await;
            crate::identifiers(&got["issues"])
        }
    };
    assert!(!list(false).await.contains(&"ENG-5".to_owned()));
    assert!(list(true).await.contains(&"ENG-5".to_owned()));
    archive_payload(&api, "issueUnarchive", "ENG-5", "archivedAt").await;
    assert!(list(false).await.contains(&"ENG-5".to_owned()));
    let trashed = archive_payload(&api, "issueDelete", "ENG-5", "trashed archivedAt").await;
    assert_eq!(trashed["trashed"], true);
    let gone = ask(
        &api,
        "mutation { issueDelete(id: \"ENG-6\", permanentlyDelete: true) { success } }",
    )
    .await;
    assert_eq!(gone["issueDelete"]["success"], true);
    missing(&api, "{ issue(id: \"ENG-6\") { id } }", json!({}), "Issue").await;

    let batch = "mutation($ids: [UUID!]!, $input: IssueUpdateInput!) { issueBatchUpdate(ids: $ids, input: $input) { success issues { identifier priority } } }";
    let ids = json!([
        "20000000-0000-4000-8000-000000000002",
        "20000000-0000-4000-8000-000000000003"
    ]);
    let got = query(&api, batch, json!({"ids": ids, "input": {"priority": 4}})).await;
    assert!(
        got["issueBatchUpdate"]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["priority"] == 4.0)
    );
    let bad = json!([
        "20000000-0000-4000-8000-000000000002",
        "20000000-0000-4000-8000-0000000000ff"
    ]);
    let bad_batch = json!({"ids": bad, "input": {"priority": 0}});
    missing(&api, batch, bad_batch, "Issue").await;
    let unchanged = ask(&api, "{ issue(id: \"ENG-2\") { priority } }").await;
    assert_eq!(
        unchanged["issue"]["priority"], 4.0,
        "a failed batch changes nothing"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn comments_labels_projects_cycles_states_attachments(linear: asym::Linear) {
    let api = client(&linear);
    let comment = mutate(&api, "mutation($i: CommentCreateInput!) { commentCreate(input: $i) { success comment { id body url user { id } issue { identifier } } } }", json!({"i": {"issueId": "ENG-4", "body": "On it"}})).await;
    // An identifier names the issue as its UUID does (Linear: "a UUID or issue identifier").
    assert_eq!(comment["comment"]["issue"]["identifier"], "ENG-4");
    assert!(
        comment["comment"]["url"]
            .as_str()
            .unwrap()
            .contains("/issue/ENG-4/")
    );
    let id = comment["comment"]["id"].clone();
    let edited = mutate(&api, "mutation($id: String!) { commentUpdate(id: $id, input: { body: \"Done\" }) { success comment { body editedAt } } }", json!({"id": id})).await;
    assert!(edited["comment"]["editedAt"].is_string());
    delete_payload(&api, "commentDelete", &id).await;

    let label = mutate(&api, "mutation { issueLabelCreate(input: { name: \"Security\", teamId: \"c0000000-0000-4000-8000-000000000001\" }) { success issueLabel { id name color team { key } } } }", json!({})).await;
    assert_eq!(label["issueLabel"]["team"]["key"], "ENG");
    let label_id = label["issueLabel"]["id"].clone();
    mutate(&api, "mutation($id: String!) { issueLabelUpdate(id: $id, input: { color: \"#000000\" }) { success } }", json!({"id": label_id})).await;
    query(
        &api,
        "mutation($id: String!) { issueAddLabel(id: \"ENG-5\", labelId: $id) { success } }",
        json!({"id": label_id}),
    )
    .await;
    delete_payload(&api, "issueLabelDelete", &label_id).await;
    let after = ask(&api, "{ issue(id: \"ENG-5\") { labelIds } }").await;
    assert_eq!(
        after["issue"]["labelIds"].as_array().unwrap().len(),
        1,
        "a deleted label leaves its issues"
    );

    let project = mutate(&api, "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { success project { id name state status { type } teams { nodes { key } } } } }", json!({"i": {"name": "Mobile", "teamIds": [ENG], "leadId": BEN}})).await;
    assert_eq!(project["project"]["state"], "planned");
    assert_eq!(project["project"]["teams"]["nodes"][0]["key"], "ENG");
    let project_id = project["project"]["id"].clone();
    let updated = mutate(&api, "mutation($id: String!) { projectUpdate(id: $id, input: { name: \"Mobile app\", priority: 1 }) { success project { name priorityLabel } } }", json!({"id": project_id})).await;
    assert_eq!(updated["project"]["priorityLabel"], "Urgent");
    let archived = archive_payload(&api, "projectArchive", &project_id, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let slug = with_id(
        &api,
        "query($id: String!) { project(id: $id) { slugId } }",
        &project_id,
    )
    .await["project"]["slugId"]
        .clone();
    let restored = archive_payload(&api, "projectUnarchive", &slug, "archivedAt trashed").await;
    assert_eq!(
        restored,
        json!({"archivedAt": null, "trashed": null}),
        "restored by slugId"
    );
    let deleted = archive_payload(&api, "projectDelete", &project_id, "archivedAt trashed").await;
    assert_eq!(deleted["trashed"], true, "projectDelete trashes");
    assert!(deleted["archivedAt"].is_string());
    let no_teams = "Argument Validation Error: teamIds should not be empty";
    refused_as(
        &api,
        "mutation { projectCreate(input: { name: \"x\", teamIds: [] }) { success } }",
        json!({}),
        no_teams,
        no_teams,
    )
    .await;

    let cycle = mutate(&api, "mutation($i: CycleCreateInput!) { cycleCreate(input: $i) { success cycle { id number isFuture } } }", json!({"i": {"teamId": ENG, "startsAt": "2030-01-07T00:00:00Z", "endsAt": "2030-01-21T00:00:00Z"}})).await;
    assert_eq!(cycle["cycle"]["number"], 2.0);
    assert_eq!(cycle["cycle"]["isFuture"], true);
    mutate(
        &api,
        "mutation($id: String!) { cycleUpdate(id: $id, input: { name: \"Polish\" }) { success } }",
        json!({"id": cycle["cycle"]["id"]}),
    )
    .await;
    refused_as(&api, "mutation($i: CycleCreateInput!) { cycleCreate(input: $i) { success } }",
        json!({"i": {"teamId": ENG, "startsAt": "2030-02-07T00:00:00Z", "endsAt": "2030-01-21T00:00:00Z"}}),
        "Argument Validation Error", "endsAt must be after startsAt.").await;

    let state = mutate(&api, "mutation { workflowStateCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", name: \"QA\", type: \"started\", color: \"#00ff00\" }) { success workflowState { name position } } }", json!({})).await;
    assert_eq!(state["workflowState"]["name"], "QA");
    refused_as(&api, "mutation { workflowStateCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", name: \"X\", type: \"limbo\", color: \"#000\" }) { success } }", json!({}),
        "Argument Validation Error", "type must be one of triage, backlog, unstarted, started, completed, canceled.").await;

    let link = mutate(&api, "mutation { attachmentLinkURL(issueId: \"eng-4\", url: \"https://example.com/log\") { success attachment { id title } } }", json!({})).await;
    assert_eq!(link["attachment"]["title"], "https://example.com/log");
    let again = mutate(&api, "mutation($i: AttachmentCreateInput!) { attachmentCreate(input: $i) { success attachment { id title } } }", json!({"i": {"issueId": "20000000-0000-4000-8000-000000000004", "url": "https://example.com/log", "title": "Crash log"}})).await;
    assert_eq!(
        again["attachment"]["id"], link["attachment"]["id"],
        "same URL, same attachment"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn updates_move_an_issue_and_its_history_records_each_move(linear: asym::Linear) {
    let api = client(&linear);
    let update = "mutation($id: String!, $input: IssueUpdateInput!) {
        issueUpdate(id: $id, input: $input) { issue { estimate dueDate labelIds subIssueSortOrder
          parent { identifier } project { name } cycle { number } addedToCycleAt
          history(first: 1) { nodes { fromCycleId toCycleId fromProjectId toProjectId
            fromParentId toParentId fromEstimate toEstimate fromDueDate toDueDate
            addedLabelIds removedLabelIds } } } } }";
    let (launch, cycle) = (
        "f0000000-0000-4000-8000-000000000001",
        "10000000-0000-4000-8000-000000000001",
    );
    let (bug, feature) = (
        "e0000000-0000-4000-8000-000000000001",
        "e0000000-0000-4000-8000-000000000002",
    );
    let eng4 = "20000000-0000-4000-8000-000000000004";
    let moved = query(
        &api,
        update,
        json!({"id": "ENG-5", "input": {"cycleId": cycle, "projectId": launch, "parentId": eng4,
            "estimate": 3, "dueDate": "2025-03-01", "addedLabelIds": [bug, feature],
            "subIssueSortOrder": 2.5}}),
    )
    .await["issueUpdate"]["issue"]
        .clone();
    assert_eq!(moved["estimate"], 3);
    assert_eq!(moved["dueDate"], "2025-03-01");
    assert_eq!(moved["subIssueSortOrder"], 2.5);
    assert_eq!(moved["parent"]["identifier"], "ENG-4");
    assert_eq!(moved["project"]["name"], "Launch");
    assert_eq!(moved["cycle"]["number"], 1);
    assert!(moved["addedToCycleAt"].is_string());
    assert!(moved["labelIds"].as_array().unwrap().contains(&json!(bug)));
    let entry = &moved["history"]["nodes"][0];
    for (field, value) in [
        ("toCycleId", json!(cycle)),
        ("toProjectId", json!(launch)),
        ("toParentId", json!(eng4)),
        ("toEstimate", json!(3)),
        ("toDueDate", json!("2025-03-01")),
        ("addedLabelIds", json!([bug, feature])),
        ("fromCycleId", Value::Null),
    ] {
        assert_eq!(entry[field], value, "{field}: {entry}");
    }

    let back = query(
        &api,
        update,
        json!({"id": "ENG-5", "input": {"cycleId": null, "removedLabelIds": [bug]}}),
    )
    .await["issueUpdate"]["issue"]
        .clone();
    assert!(back["cycle"].is_null() && back["addedToCycleAt"].is_null());
    assert!(!back["labelIds"].as_array().unwrap().contains(&json!(bug)));
    let entry = &back["history"]["nodes"][0];
    assert_eq!(entry["fromCycleId"], cycle);
    assert_eq!(entry["removedLabelIds"], json!([bug]));

    // ENG-2 and ENG-3 are ENG-1's sub-issues: neither ENG-1 itself nor they may be its parent.
    let cycle_message = "Argument Validation Error: an issue cannot be its own parent or a \
                         sub-issue of its own sub-issues";
    let before = ask(&api, "{ issue(id: \"ENG-1\") { parent { id } updatedAt } }").await;
    for parent in [
        "20000000-0000-4000-8000-000000000001",
        "20000000-0000-4000-8000-000000000002",
    ] {
        let input = json!({"id": "ENG-1", "input": {"parentId": parent}});
        refused_as(&api, UPDATE, input, cycle_message, cycle_message).await;
    }
    let itself = "Argument Validation Error: an issue cannot be its own parent";
    refused_as(
        &api,
        CREATE,
        json!({"input": {"id": "99999999-0000-4000-8000-000000000001", "teamId": ENG,
            "title": "Loop", "parentId": "99999999-0000-4000-8000-000000000001"}}),
        itself,
        itself,
    )
    .await;
    let after = ask(&api, "{ issue(id: \"ENG-1\") { parent { id } updatedAt } }").await;
    assert_eq!(after, before, "refused updates changed nothing");
}

#[asym::clone("linear", seed = "basic")]
async fn user_profiles_are_updated_and_statuses_lapse(linear: asym::Linear) {
    let api = client(&linear);
    let update = "mutation($id: String!, $i: UserUpdateInput!) { userUpdate(id: $id, input: $i) {
        success lastSyncId user { id name title description avatarUrl statusEmoji statusLabel
          statusUntilAt timezone } } }";
    let mine = json!({"id": "me", "i": {"title": "CTO", "description": "Builds things",
        "avatarUrl": "https://example.com/ada.png", "statusEmoji": ":palm_tree:",
        "statusLabel": "Away", "statusUntilAt": "2099-01-01T00:00:00Z",
        "timezone": "Europe/Paris", "name": null}});
    let got = mutate(&api, update, mine).await;
    assert_eq!(
        got["user"],
        json!({"id": ADA, "name": "Ada Admin", "title": "CTO", "description": "Builds things",
               "avatarUrl": "https://example.com/ada.png", "statusEmoji": ":palm_tree:",
               "statusLabel": "Away", "statusUntilAt": "2099-01-01T00:00:00.000Z",
               "timezone": "Europe/Paris"})
    );
    // A status whose time has passed is no status.
    let lapsed = json!({"id": BEN, "i": {"statusEmoji": ":x:", "statusLabel": "Out",
        "statusUntilAt": "2000-01-01T00:00:00Z"}});
    let ben = mutate(&api, update, lapsed).await;
    assert_eq!(
        (
            &ben["user"]["statusEmoji"],
            &ben["user"]["statusLabel"],
            &ben["user"]["statusUntilAt"]
        ),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    let viewer = ask(&api, "{ viewer { title statusLabel } }").await;
    assert_eq!(
        viewer["viewer"],
        json!({"title": "CTO", "statusLabel": "Away"})
    );
    let unknown = json!({"id": "nope", "i": {"title": "x"}});
    missing(&api, update, unknown, "User").await;
    let bad_time = json!({"id": "me", "i": {"statusUntilAt": "soon"}});
    let invalid = "A date or time in the input is not valid.";
    refused_as(&api, update, bad_time, "Argument Validation Error", invalid).await;
}

/// Twenty `cycleCreate`s for one team at once each succeed with a number of its own, as
/// twenty `issueCreate`s do.
#[asym::clone("linear", seed = "basic")]
async fn cycles_created_at_once_are_numbered_apart(linear: asym::Linear) {
    let api = client(&linear);
    let create =
        "mutation($i: CycleCreateInput!) { cycleCreate(input: $i) { success cycle { number } } }";
    let mut calls = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (api, day) = (api.clone(), 10 + n);
        let input = json!({"teamId": ENG, "startsAt": format!("2050-01-{day}T00:00:00Z"),
                           "endsAt": format!("2050-03-{day}T00:00:00Z")});
        calls.spawn(async move { mutate(&api, create, json!({ "i": input })).await });
    }
    let mut numbers: Vec<f64> = calls
        .join_all()
        .await
        .iter()
        .map(|payload| payload["cycle"]["number"].as_f64().unwrap())
        .collect();
    numbers.sort_by(f64::total_cmp);
    let expected: Vec<f64> = (2..22).map(f64::from).collect();
    assert_eq!(numbers, expected);
}

/// An issue's `stateHistory`: the span of each state it was in, newest first.
const SPANS: &str = "query($id: String!) { issue(id: $id) { createdAt
    stateHistory { nodes { id stateId state { id name } startedAt endedAt } } } }";

#[asym::clone("linear", seed = "basic")]
async fn state_history_spans_each_state_an_issue_was_in(linear: asym::Linear) {
    let api = client(&linear);
    // A seeded issue never moved: one open span, from its creation, in its state.
    let seeded = with_id(&api, SPANS, "ENG-1").await;
    let spans = seeded["issue"]["stateHistory"]["nodes"].as_array().unwrap();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0]["state"]["name"], "In Progress");
    assert_eq!(spans[0]["startedAt"], seeded["issue"]["createdAt"]);
    assert!(spans[0]["endedAt"].is_null());
    // Backlog, then In Progress, then Done: three spans, each ending when the next begins.
    let created = mutate(
        &api,
        "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id } } }",
        json!({"input": {"teamId": ENG, "title": "Moves along"}}),
    )
    .await;
    let id = created["issue"]["id"].as_str().unwrap().to_owned();
    let update = "mutation($id: String!, $state: String!) {
        issueUpdate(id: $id, input: { stateId: $state }) { success } }";
    for state in [
        "d0000000-0000-4000-8000-000000000003",
        "d0000000-0000-4000-8000-000000000005",
    ] {
        mutate(&api, update, json!({"id": id, "state": state})).await;
    }
    let moved = with_id(&api, SPANS, &id).await;
    let spans = moved["issue"]["stateHistory"]["nodes"].as_array().unwrap();
    let names: Vec<&Value> = spans.iter().map(|s| &s["state"]["name"]).collect();
    assert_eq!(
        names,
        [&json!("Done"), &json!("In Progress"), &json!("Backlog")]
    );
    assert!(spans[0]["endedAt"].is_null(), "the current span is open");
    assert_eq!(spans[1]["endedAt"], spans[0]["startedAt"]);
    assert_eq!(spans[2]["endedAt"], spans[1]["startedAt"]);
    assert_eq!(spans[2]["startedAt"], moved["issue"]["createdAt"]);
    assert!(spans.iter().all(|s| s["stateId"] == s["state"]["id"]));
    let ids: std::collections::HashSet<&str> =
        spans.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3, "distinct ids");
    let again = with_id(&api, SPANS, &id).await;
    assert_eq!(
        again["issue"]["stateHistory"], moved["issue"]["stateHistory"],
        "stable ids"
    );
}
