//! Team memberships, issue subscribers, issue relations, comment replies and label groups:
//! read from the seed and written through their mutations.

use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, ask, client, delete_payload, eng_nodes, missing, mutate, not_found, query,
    refused_as, with_id,
};

/// The `field` of each node of a connection, in order.
fn each(connection: &Value, field: &str) -> Vec<Value> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node[field].clone())
        .collect()
}

/// The ids of the users subscribed to `issue`.
async fn subscribers(api: &asym_kit::testing::Api, issue: &str) -> Vec<Value> {
    let got = query(
        api,
        "query($id: String!) { issue(id: $id) { subscribers { nodes { id } } } }",
        json!({"id": issue}),
    )
    .await;
    each(&got["issue"]["subscribers"], "id")
}

#[asym::clone("linear", seed = "basic")]
async fn memberships_subscribers_and_relations_from_the_seed(linear: asym::Linear) {
    let api = client(&linear);
    let got = ask(
        &api,
        "{ team(id: \"ENG\") { memberships { nodes { id owner sortOrder createdAt updatedAt
               user { id } team { key } } } }
           viewer { teamMemberships { nodes { team { key } user { displayName } } } }
           teamMemberships { nodes { id } }
           issueRelations { nodes { id type issue { identifier } relatedIssue { identifier } } } }",
    )
    .await;
    let memberships = &got["team"]["memberships"];
    let users = each(memberships, "user");
    assert_eq!(users, [json!({"id": BEN}), json!({"id": ADA})]);
    assert_eq!(memberships["nodes"][0]["team"]["key"], "ENG");
    assert_eq!(memberships["nodes"][0]["owner"], false);
    assert_eq!(
        memberships["nodes"][0]["createdAt"],
        memberships["nodes"][0]["updatedAt"]
    );
    assert_eq!(
        got["viewer"]["teamMemberships"]["nodes"],
        json!([{"team": {"key": "ENG"}, "user": {"displayName": "ada"}}])
    );
    assert_eq!(got["teamMemberships"]["nodes"].as_array().unwrap().len(), 2);
    let membership = memberships["nodes"][1]["id"].clone();
    let one = with_id(
        &api,
        "query($id: String!) { teamMembership(id: $id) { user { id } } }",
        membership,
    )
    .await;
    assert_eq!(one["teamMembership"]["user"]["id"], ADA);

    let relations = &got["issueRelations"]["nodes"];
    assert_eq!(
        relations[1],
        json!({"id": "60000000-0000-4000-8000-000000000001", "type": "blocks",
               "issue": {"identifier": "ENG-5"}, "relatedIssue": {"identifier": "ENG-4"}})
    );
    let issue = ask(&api, "{ issue(id: \"ENG-4\") { relations { nodes { id } }
             inverseRelations { nodes { type issue { identifier } } } }
           issueRelation(id: \"60000000-0000-4000-8000-000000000002\") { type relatedIssue { identifier } } }")
    .await;
    assert_eq!(issue["issue"]["relations"]["nodes"], json!([]));
    assert_eq!(
        issue["issue"]["inverseRelations"]["nodes"],
        json!([{"type": "blocks", "issue": {"identifier": "ENG-5"}}])
    );
    assert_eq!(
        issue["issueRelation"],
        json!({"type": "related", "relatedIssue": {"identifier": "ENG-1"}})
    );

    // Creators, assignees and commenters are subscribed.
    assert_eq!(subscribers(&api, "ENG-5").await, [json!(ADA)]);
    assert_eq!(subscribers(&api, "ENG-2").await, [json!(BEN), json!(ADA)]);
    assert_eq!(subscribers(&api, "ENG-1").await, [json!(BEN), json!(ADA)]);
    not_found(&api, "teamMembership", "nope", "TeamMembership").await;
    not_found(&api, "issueRelation", "nope", "IssueRelation").await;
}

/// As @linear/sdk's `createIssueRelation` sends it: `overrideCreatedAt` always named, its
/// variable left out unless set.
const RELATE: &str = "mutation($input: IssueRelationCreateInput!, $overrideCreatedAt: DateTime) {
    issueRelationCreate(input: $input, overrideCreatedAt: $overrideCreatedAt) {
      success issueRelation { id type issue { identifier } relatedIssue { identifier } } } }";

#[asym::clone("linear", seed = "basic")]
async fn relations_subscriptions_replies_and_label_groups_are_written(linear: asym::Linear) {
    let api = client(&linear);
    let created = mutate(
        &api,
        RELATE,
        json!({"input": {"issueId": "ENG-3", "relatedIssueId": "ENG-6", "type": "duplicate"}}),
    )
    .await;
    let relation = &created["issueRelation"];
    assert_eq!(relation["issue"]["identifier"], "ENG-3");
    assert_eq!(relation["relatedIssue"]["identifier"], "ENG-6");
    let id = relation["id"].as_str().unwrap().to_owned();
    let updated = with_id(
        &api,
        "mutation($id: String!) { issueRelationUpdate(id: $id, input: { type: \"blocks\" }) {
            issueRelation { type } } }",
        &id,
    )
    .await;
    assert_eq!(
        updated["issueRelationUpdate"]["issueRelation"]["type"],
        "blocks"
    );
    let listed = ask(
        &api,
        "{ issue(id: \"ENG-6\") { inverseRelations { nodes { type issue { identifier } } } } }",
    )
    .await;
    assert_eq!(
        listed["issue"]["inverseRelations"]["nodes"],
        json!([{"type": "blocks", "issue": {"identifier": "ENG-3"}}])
    );
    delete_payload(&api, "issueRelationDelete", &id).await;
    not_found(&api, "issueRelation", &id, "IssueRelation").await;
    let itself = json!({"issueId": "ENG-3", "relatedIssueId": "ENG-3", "type": "related"});
    let validation = "Argument Validation Error";
    let presentable = "An issue cannot be related to itself.";
    refused_as(
        &api,
        RELATE,
        json!({"input": itself}),
        validation,
        presentable,
    )
    .await;
    let unknown = json!({"issueId": "ENG-99", "relatedIssueId": "ENG-3", "type": "related"});
    missing(&api, RELATE, json!({"input": unknown}), "Issue").await;

    // Subscriptions: by email, the viewer by default (even the creator may leave, and come
    // back), and assigning subscribes.
    let subscribe = "mutation($id: String!, $email: String) {
        issueSubscribe(id: $id, userEmail: $email) { success issue { identifier } } }";
    let got = query(
        &api,
        subscribe,
        json!({"id": "ENG-5", "email": "ben@acme.test"}),
    )
    .await;
    assert_eq!(got["issueSubscribe"]["issue"]["identifier"], "ENG-5");
    assert_eq!(subscribers(&api, "ENG-5").await, [json!(BEN), json!(ADA)]);
    let unsubscribe = "mutation { issueUnsubscribe(id: \"ENG-5\") { success } }";
    ask(&api, unsubscribe).await;
    assert_eq!(subscribers(&api, "ENG-5").await, [json!(BEN)]);
    query(&api, subscribe, json!({"id": "ENG-5"})).await;
    assert_eq!(subscribers(&api, "ENG-5").await, [json!(BEN), json!(ADA)]);
    with_id(
        &api,
        "mutation($id: String!) { issueUpdate(id: \"ENG-3\", input: { assigneeId: $id }) { success } }",
        BEN,
    )
    .await;
    assert_eq!(subscribers(&api, "ENG-3").await, [json!(BEN), json!(ADA)]);
    let nobody = json!({"id": "ENG-1", "email": "nobody@acme.test"});
    missing(&api, subscribe, nobody, "User").await;

    // A reply is its comment's child; a label in a group is the group's child.
    let comment =
        "mutation($input: CommentCreateInput!) { commentCreate(input: $input) { comment { id } } }";
    let parent = query(&api, comment, json!({"input": {"issueId": "20000000-0000-4000-8000-000000000005", "body": "Which driver?"}})).await["commentCreate"]["comment"]["id"].clone();
    query(&api, comment, json!({"input": {"issueId": "20000000-0000-4000-8000-000000000005", "body": "The Postgres one.", "parentId": parent}})).await;
    let replies = with_id(
        &api,
        "query($id: String!) { comment(id: $id) { children { nodes { body parent { id } } } } }",
        &parent,
    )
    .await;
    assert_eq!(
        replies["comment"]["children"]["nodes"],
        json!([{"body": "The Postgres one.", "parent": {"id": parent}}])
    );
    let label = "mutation($input: IssueLabelCreateInput!) { issueLabelCreate(input: $input) { issueLabel { id } } }";
    let group = query(
        &api,
        label,
        json!({"input": {"name": "Area", "isGroup": true, "teamId": ENG}}),
    )
    .await["issueLabelCreate"]["issueLabel"]["id"]
        .clone();
    query(
        &api,
        label,
        json!({"input": {"name": "Backend", "parentId": group, "teamId": ENG}}),
    )
    .await;
    let children = with_id(&api, "query($id: String!) { issueLabel(id: $id) { children { nodes { name parent { name } } } } }", &group).await;
    assert_eq!(
        children["issueLabel"]["children"]["nodes"],
        json!([{"name": "Backend", "parent": {"name": "Area"}}])
    );
}

/// What the milestone tests select of a `ProjectMilestone`.
const MILESTONE: &str = "id name description sortOrder targetDate progress status
    project { name } issues { nodes { identifier } }";

#[asym::clone("linear", seed = "basic")]
async fn project_milestones_are_read_and_written(linear: asym::Linear) {
    let api = client(&linear);
    let seeded = ask(
        &api,
        &format!(
            "{{ project(id: \"f0000000-0000-4000-8000-000000000001\") {{
                 projectMilestones {{ nodes {{ {MILESTONE} }} }} }}
               issue(id: \"ENG-2\") {{ projectMilestone {{ name }} }}
               projectMilestones(filter: {{ name: {{ eq: \"GA\" }} }}) {{ nodes {{ status }} }} }}"
        ),
    )
    .await;
    let nodes = &seeded["project"]["projectMilestones"]["nodes"];
    assert_eq!(
        each(&seeded["project"]["projectMilestones"], "name"),
        ["GA", "Beta"]
    );
    let beta = &nodes[1];
    assert_eq!(beta["progress"], 0.5);
    assert_eq!(beta["status"], "overdue");
    assert_eq!(beta["targetDate"], "2024-02-01");
    assert_eq!(beta["project"]["name"], "Launch");
    let mut issues = each(&beta["issues"], "identifier");
    issues.sort_by_key(ToString::to_string);
    assert_eq!(issues, ["ENG-1", "ENG-2"]);
    assert_eq!(seeded["issue"]["projectMilestone"]["name"], "Beta");
    assert_eq!(
        seeded["projectMilestones"]["nodes"],
        json!([{"status": "next"}])
    );

    let created = mutate(
        &api,
        &format!(
            "mutation($input: ProjectMilestoneCreateInput!) {{
                projectMilestoneCreate(input: $input) {{ success projectMilestone {{ {MILESTONE} }} }} }}"
        ),
        json!({"input": {"projectId": "f0000000-0000-4000-8000-000000000001", "name": "RC",
                         "sortOrder": 0.5, "targetDate": "2099-01-01"}}),
    )
    .await;
    let rc = &created["projectMilestone"];
    assert_eq!(rc["status"], "next");
    assert_eq!(rc["progress"], 0.0);
    let id = rc["id"].as_str().unwrap().to_owned();
    let moved = query(
        &api,
        "mutation($m: String!) { issueUpdate(id: \"ENG-1\", input: { projectMilestoneId: $m }) {
            issue { projectMilestone { name } } } }",
        json!({"m": id}),
    )
    .await;
    assert_eq!(
        moved["issueUpdate"]["issue"]["projectMilestone"]["name"],
        "RC"
    );
    let renamed = with_id(
        &api,
        "mutation($id: String!) { projectMilestoneUpdate(id: $id, input: { name: \"Release candidate\" }) {
            projectMilestone { name issues { nodes { identifier } } } } }",
        &id,
    )
    .await;
    assert_eq!(
        renamed["projectMilestoneUpdate"]["projectMilestone"],
        json!({"name": "Release candidate", "issues": {"nodes": [{"identifier": "ENG-1"}]}})
    );
    delete_payload(&api, "projectMilestoneDelete", &id).await;
    let after = ask(
        &api,
        "{ issue(id: \"ENG-1\") { projectMilestone { id } project { name } } }",
    )
    .await;
    assert_eq!(
        after["issue"],
        json!({"projectMilestone": null, "project": {"name": "Launch"}})
    );
    missing(
        &api,
        "mutation { issueUpdate(id: \"ENG-1\", input: { projectMilestoneId: \"nope\" }) { success } }",
        json!({}),
        "ProjectMilestone",
    )
    .await;
}

/// As @linear/sdk's `createTeamMembership` sends it.
const JOIN: &str = "mutation($input: TeamMembershipCreateInput!) {
    teamMembershipCreate(input: $input) {
      success lastSyncId teamMembership { id owner sortOrder team { key } user { id } } } }";
/// Ben's membership of ENG in the seed.
const BENS_MEMBERSHIP: &str = "c1000000-0000-4000-8000-000000000002";

#[asym::clone("linear", seed = "basic")]
async fn team_memberships_are_created_updated_and_deleted(linear: asym::Linear) {
    let api = client(&linear);
    let leave = "mutation($id: String!) {
        teamMembershipDelete(id: $id, alsoLeaveParentTeams: true) { success entityId } }";
    let left = with_id(&api, leave, BENS_MEMBERSHIP).await;
    assert_eq!(left["teamMembershipDelete"]["entityId"], BENS_MEMBERSHIP);
    assert_eq!(eng_nodes(&api, "members", "id").await, [ADA]);
    let bens_teams = with_id(
        &api,
        "query($id: String!) { user(id: $id) { teams { nodes { key } } } }",
        BEN,
    )
    .await;
    assert_eq!(bens_teams["user"]["teams"]["nodes"], json!([]));

    let ben = json!({"teamId": ENG, "userId": BEN, "sortOrder": 3});
    let joined = mutate(&api, JOIN, json!({"input": ben})).await;
    let membership = &joined["teamMembership"];
    assert_eq!(
        membership,
        &json!({"id": membership["id"], "owner": false, "sortOrder": 3,
                "team": {"key": "ENG"}, "user": {"id": BEN}})
    );
    assert_eq!(eng_nodes(&api, "members", "id").await, [BEN, ADA]);
    let update = "mutation($id: String!) {
        teamMembershipUpdate(id: $id, input: { owner: true, sortOrder: 1 }) {
          success teamMembership { owner sortOrder } } }";
    let updated = with_id(&api, update, &membership["id"]).await;
    assert_eq!(
        updated["teamMembershipUpdate"]["teamMembership"],
        json!({"owner": true, "sortOrder": 1})
    );

    // A user is a member of a team once; the team and the user must exist.
    let twice = "The user is already a member of the team.";
    let again = json!({"input": {"teamId": ENG, "userId": BEN}});
    refused_as(&api, JOIN, again, twice, twice).await;
    for (input, entity) in [
        (json!({"teamId": "nope", "userId": BEN}), "Team"),
        (json!({"teamId": ENG, "userId": "nope"}), "User"),
    ] {
        missing(&api, JOIN, json!({"input": input}), entity).await;
    }
    let bad_id = json!({"input": {"teamId": ENG, "userId": BEN, "id": "x"}});
    refused_as(
        &api,
        JOIN,
        bad_id,
        "Argument Validation Error",
        "id must be a UUID.",
    )
    .await;
    missing(&api, leave, json!({"id": "nope"}), "TeamMembership").await;
    missing(&api, update, json!({"id": "nope"}), "TeamMembership").await;
}
