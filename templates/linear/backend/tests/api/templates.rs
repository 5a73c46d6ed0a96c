//! Templates: the seeded ones read, created, updated and deleted, and an issue template
//! applied by `issueCreate(input: {templateId})` under the input's own values.

use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, ask, client, delete_payload, mutate, not_found, oauth_client, query,
    refused_inputs, with_id,
};

/// What the tests select of a `Template` (@linear/sdk's `Template` fragment, less nothing).
const TEMPLATE: &str = "id name description type color icon templateData content sortOrder
    createdAt updatedAt archivedAt lastAppliedAt team { key } creator { id }
    lastUpdatedBy { id } inheritedFrom { id } pipeline { id }";

/// ENG's seeded Bug report template.
const BUG_REPORT: &str = "80000000-0000-4000-8000-000000000001";
/// The label Bug.
const BUG: &str = "e0000000-0000-4000-8000-000000000001";

/// A template's `templateData`, which Linear answers as a JSON-encoded string.
fn data_of(template: &Value) -> Value {
    serde_json::from_str(template["templateData"].as_str().unwrap()).unwrap()
}

#[asym::clone("linear", seed = "basic")]
async fn templates_are_read_and_written(linear: asym::Linear) {
    let api = client(&linear);
    let seeded = query(
        &api,
        &format!(
            "query($id: String!, $team: String!) {{ templates {{ {TEMPLATE} }}
               template(id: $id) {{ name }}
               team(id: $team) {{ templates {{ nodes {{ name }} pageInfo {{ hasNextPage }} }} }} }}"
        ),
        json!({"id": BUG_REPORT, "team": ENG}),
    )
    .await;
    let all = seeded["templates"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    let bug = &all[0];
    assert_eq!(bug["name"], "Bug report");
    assert_eq!(bug["type"], "issue");
    assert_eq!(bug["team"], json!({"key": "ENG"}));
    assert_eq!(bug["creator"]["id"], ADA);
    assert_eq!(bug["content"], data_of(bug)["description"]);
    assert_eq!(data_of(bug)["labelIds"], json!([BUG]));
    assert_eq!(bug["pipeline"], Value::Null);
    assert_eq!(all[1]["team"], Value::Null, "the workspace's");
    assert_eq!(seeded["template"]["name"], "Bug report");
    assert_eq!(
        seeded["team"]["templates"],
        json!({"nodes": [{"name": "Bug report"}], "pageInfo": {"hasNextPage": false}})
    );

    let created = mutate(
        &api,
        &format!(
            "mutation($input: TemplateCreateInput!) {{
                templateCreate(input: $input) {{ success lastSyncId template {{ {TEMPLATE} }} }} }}"
        ),
        json!({"input": {"name": "Chore", "type": "issue", "teamId": "ENG",
                         "templateData": "{\"priority\": 4}", "sortOrder": 3}}),
    )
    .await;
    let chore = &created["template"];
    assert_eq!(chore["team"], json!({"key": "ENG"}), "teamId takes a key");
    assert_eq!(
        data_of(chore),
        json!({"priority": 4}),
        "a JSON string is parsed"
    );
    assert_eq!(chore["lastUpdatedBy"]["id"], ADA);
    let id = chore["id"].as_str().unwrap().to_owned();

    let oauth = oauth_client(&linear);
    let updated = with_id(
        &oauth,
        "mutation($id: String!) { templateUpdate(id: $id, input: {
            name: \"Chores\", teamId: null, templateData: {priority: 3, title: \"Chore\"} }) {
            template { name team { id } templateData lastUpdatedBy { id } creator { id } } } }",
        &id,
    )
    .await["templateUpdate"]["template"]
        .clone();
    assert_eq!(updated["name"], "Chores");
    assert_eq!(updated["team"], Value::Null, "shared with every team");
    assert_eq!(data_of(&updated), json!({"priority": 3, "title": "Chore"}));
    assert_eq!(updated["lastUpdatedBy"]["id"], BEN);
    assert_eq!(updated["creator"]["id"], ADA);

    delete_payload(&api, "templateDelete", &id).await;
    not_found(&api, "template", &id, "Template").await;
    refused_inputs(
        &api,
        "mutation($input: TemplateCreateInput!) { templateCreate(input: $input) { success } }",
        [
            (
                json!({"name": "x", "type": "issue", "templateData": "{nope"}),
                "templateData must be valid JSON",
            ),
            (
                json!({"name": "x", "type": "issue", "templateData": {}, "pipelineId": "p"}),
                "`pipelineId` is not supported",
            ),
            (
                json!({"name": "x", "type": "issue", "templateData": {}, "teamId": "NOPE"}),
                "Entity not found: Team",
            ),
        ],
    )
    .await;
}

/// What the template tests select of a created issue.
const CREATE: &str = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) {
    issue { title description priority labelIds } } }";

#[asym::clone("linear", seed = "basic")]
async fn issue_create_applies_a_template_under_its_input(linear: asym::Linear) {
    let api = client(&linear);
    let feature = "e0000000-0000-4000-8000-000000000002";
    let from_template = query(
        &api,
        CREATE,
        json!({"input": {"teamId": ENG, "templateId": BUG_REPORT}}),
    )
    .await["issueCreate"]["issue"]
        .clone();
    assert_eq!(
        from_template,
        json!({"title": "Bug: ", "priority": 2, "labelIds": [BUG],
               "description": "## Steps to reproduce\n\n## Expected\n\n## Actual"})
    );
    let overridden = query(
        &api,
        CREATE,
        json!({"input": {"teamId": ENG, "templateId": BUG_REPORT, "title": "Login fails",
                         "priority": 1, "description": null, "labelIds": [feature]}}),
    )
    .await["issueCreate"]["issue"]
        .clone();
    assert_eq!(
        overridden,
        json!({"title": "Login fails", "priority": 1, "description": null,
               "labelIds": [feature, BUG]}),
        "the input wins; labels of both"
    );
    let applied = with_id(
        &api,
        "query($id: String!) { template(id: $id) { lastAppliedAt } }",
        BUG_REPORT,
    )
    .await;
    assert!(applied["template"]["lastAppliedAt"].is_string());

    let project = ask(&api, "mutation { templateCreate(input: { name: \"Launch\", type: \"project\", templateData: {} }) {
            template { id } } }")
    .await["templateCreate"]["template"]["id"]
        .clone();
    let unknown = ask(
        &api,
        "mutation { templateCreate(input: { name: \"Rich\", type: \"issue\",
            templateData: {descriptionData: {type: \"doc\"}} }) { template { id } } }",
    )
    .await["templateCreate"]["template"]["id"]
        .clone();
    let cases = [
        (project, "must be an issue template"),
        (unknown.clone(), "`descriptionData` is not supported"),
        (json!("nope"), "Entity not found: Template"),
    ]
    .map(|(template, expected)| {
        let input = json!({"teamId": ENG, "templateId": template, "title": "x"});
        (input, expected)
    });
    refused_inputs(&api, CREATE, cases).await;
    let described = query(
        &api,
        CREATE,
        json!({"input": {"teamId": ENG, "templateId": unknown, "title": "Rich",
                         "description": "plain"}}),
    )
    .await;
    assert_eq!(
        described["issueCreate"]["issue"]["description"], "plain",
        "a description replaces the template's descriptionData"
    );
}

/// `organization.templates`: the workspace's own templates, not a team's; filtered by name.
#[asym::clone("linear", seed = "basic")]
async fn the_organization_lists_its_workspace_templates(linear: asym::Linear) {
    let api = client(&linear);
    let names = |data: &Value| {
        asym_kit::testing::pluck(&data["organization"]["templates"]["nodes"], "name")
    };
    let all = ask(
        &api,
        "{ organization { templates { nodes { name team { id } } } } }",
    )
    .await;
    assert_eq!(names(&all), ["Feature request"]);
    // A template created without a team is the workspace's too.
    let shared = mutate(
        &api,
        "mutation($i: TemplateCreateInput!) { templateCreate(input: $i) { success template { id } } }",
        json!({"i": {"name": "Incident", "type": "issue", "templateData": {"priority": 1}}}),
    )
    .await;
    assert!(shared["template"]["id"].is_string());
    let filtered = ask(
        &api,
        "{ organization { templates(filter: { name: { eq: \"Incident\" } }) { nodes { name } } } }",
    )
    .await;
    assert_eq!(names(&filtered), ["Incident"]);
}
