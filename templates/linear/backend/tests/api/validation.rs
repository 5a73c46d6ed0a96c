//! What Linear's validators refuse before anything is written: a second relation of the same
//! issues and type, an attachment whose `url` is not a URL, a blank name or title, a colour
//! that is not a hex colour. Each answers `Argument Validation Error` (`INPUT_ERROR`)
//! naming the field, as class-validator words it, and lists every field it refused under
//! `extensions.validationErrors` as class-validator reports them.

use serde_json::{Value, json};

use crate::{
    ENG, ask, client, delete_payload, invalid_argument, mutate, query, refused_for,
    validation_errors,
};

/// As @linear/sdk's `createIssueRelation` sends it.
const RELATE: &str = "mutation($input: IssueRelationCreateInput!, $overrideCreatedAt: DateTime) {
    issueRelationCreate(input: $input, overrideCreatedAt: $overrideCreatedAt) {
      success issueRelation { id type } } }";

/// How many issues, labels, projects, teams, cycles, states and attachments there are.
async fn counts(api: &asym_kit::testing::Api) -> Value {
    ask(
        api,
        "{ issues(includeArchived: true) { nodes { id } } issueLabels { nodes { id } }
           projects { nodes { id } } teams { nodes { id } } cycles { nodes { id } }
           workflowStates { nodes { id } } attachments { nodes { id } } }",
    )
    .await
}

#[asym::clone("linear", seed = "basic")]
async fn a_second_relation_of_the_same_issues_and_type_is_refused(linear: asym::Linear) {
    let api = client(&linear);
    let duplicate = "The issues already have a relation of this type.";
    // The seed's ENG-5 blocks ENG-4: again, by identifier or by id, is refused.
    let again = json!({"issueId": "ENG-5", "relatedIssueId": "ENG-4", "type": "blocks"});
    refused_for(&api, RELATE, json!({"input": again}), duplicate).await;
    let ids = ask(
        &api,
        "{ a: issue(id: \"ENG-5\") { id } b: issue(id: \"ENG-4\") { id } }",
    )
    .await;
    let by_id =
        json!({"issueId": ids["a"]["id"], "relatedIssueId": ids["b"]["id"], "type": "blocks"});
    refused_for(&api, RELATE, json!({"input": by_id}), duplicate).await;
    // Another type, or the other way round, is another relation.
    let related = json!({"issueId": "ENG-5", "relatedIssueId": "ENG-4", "type": "related"});
    let created = mutate(&api, RELATE, json!({"input": related})).await;
    let id = created["issueRelation"]["id"].as_str().unwrap().to_owned();
    let inverse = json!({"issueId": "ENG-4", "relatedIssueId": "ENG-5", "type": "blocks"});
    mutate(&api, RELATE, json!({"input": inverse})).await;
    // An update that would make a second one is refused too; the relation is left as it was.
    let update = "mutation($id: String!, $input: IssueRelationUpdateInput!) {
        issueRelationUpdate(id: $id, input: $input) { success } }";
    let variables = json!({"id": id, "input": {"type": "blocks"}});
    refused_for(&api, update, variables, duplicate).await;
    let kept = query(
        &api,
        "query($id: String!) { issueRelation(id: $id) { type } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(kept["issueRelation"]["type"], "related");
    // Once deleted, it may be made again.
    delete_payload(&api, "issueRelationDelete", &id).await;
    mutate(&api, RELATE, json!({"input": related})).await;
}

#[asym::clone("linear", seed = "basic")]
async fn blank_names_urls_that_are_not_urls_and_colours_that_are_not_hex_are_refused(
    linear: asym::Linear,
) {
    let api = client(&linear);
    let before = counts(&api).await;
    let cycle = json!({"teamId": ENG, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-15T00:00:00Z"});
    let with = |base: &Value, field: &str, value: &str| {
        let mut input = base.clone();
        input[field] = json!(value);
        json!({ "input": input })
    };
    let create = |mutation: &str, input: &str| {
        format!("mutation($input: {input}!) {{ {mutation}(input: $input) {{ success }} }}")
    };
    let team = create("teamCreate", "TeamCreateInput");
    let project = create("projectCreate", "ProjectCreateInput");
    let label = create("issueLabelCreate", "IssueLabelCreateInput");
    let cycle_create = create("cycleCreate", "CycleCreateInput");
    let issue = create("issueCreate", "IssueCreateInput");
    let state = create("workflowStateCreate", "WorkflowStateCreateInput");
    let attachment = create("attachmentCreate", "AttachmentCreateInput");
    let named_team = json!({"name": "Mobile"});
    let named_project = json!({"name": "Beta", "teamIds": [ENG]});
    let named_label = json!({"name": "Docs", "teamId": ENG});
    let titled = json!({"teamId": ENG, "title": "x"});
    let named_state = json!({"teamId": ENG, "name": "QA", "type": "started", "color": "#00ff00"});
    let linked = json!({"issueId": "ENG-2", "title": "Spec", "url": "https://example.com/spec"});
    let cases = [
        (
            &team,
            with(&named_team, "name", ""),
            "name should not be empty",
        ),
        (
            &team,
            with(&named_team, "name", "   "),
            "name should not be empty",
        ),
        (
            &project,
            with(&named_project, "name", " "),
            "name should not be empty",
        ),
        (
            &label,
            with(&named_label, "name", ""),
            "name should not be empty",
        ),
        (
            &cycle_create,
            with(&cycle, "name", "  "),
            "name should not be empty",
        ),
        (
            &issue,
            with(&titled, "title", ""),
            "title should not be empty",
        ),
        (
            &state,
            with(&named_state, "name", "\t"),
            "name should not be empty",
        ),
        (
            &attachment,
            with(&linked, "title", " "),
            "title should not be empty",
        ),
        (
            &attachment,
            with(&linked, "url", "not a url"),
            "url must be a URL address",
        ),
        (
            &attachment,
            with(&linked, "url", "example.com/spec"),
            "url must be a URL address",
        ),
        (
            &team,
            with(&named_team, "color", "blue"),
            "color must be a hexadecimal color",
        ),
        (
            &project,
            with(&named_project, "color", "#12345"),
            "color must be a hexadecimal color",
        ),
        (
            &label,
            with(&named_label, "color", "#bec2cz"),
            "color must be a hexadecimal color",
        ),
        (
            &state,
            with(&named_state, "color", "green"),
            "color must be a hexadecimal color",
        ),
    ];
    for (mutation, variables, expected) in cases {
        invalid_argument(&api, mutation, variables, expected).await;
    }
    let link = "mutation($url: String!) {
        attachmentLinkURL(issueId: \"ENG-2\", url: $url) { success } }";
    invalid_argument(
        &api,
        link,
        json!({"url": "spec"}),
        "url must be a URL address",
    )
    .await;
    assert_eq!(counts(&api).await, before, "nothing was written");

    // Updates keep the same rules.
    let update = |mutation: &str, input: &str| {
        format!(
            "mutation($id: String!, $input: {input}!) {{ {mutation}(id: $id, input: $input) {{ success }} }}"
        )
    };
    let team_update = update("teamUpdate", "TeamUpdateInput");
    let issue_update = update("issueUpdate", "IssueUpdateInput");
    let label_update = update("issueLabelUpdate", "IssueLabelUpdateInput");
    for (mutation, id, input, expected) in [
        (
            &team_update,
            ENG,
            json!({"name": ""}),
            "name should not be empty",
        ),
        (
            &team_update,
            ENG,
            json!({"color": "#gggggg"}),
            "color must be a hexadecimal color",
        ),
        (
            &issue_update,
            "ENG-1",
            json!({"title": " "}),
            "title should not be empty",
        ),
        (
            &label_update,
            "e0000000-0000-4000-8000-000000000001",
            json!({"name": ""}),
            "name should not be empty",
        ),
    ] {
        invalid_argument(&api, mutation, json!({"id": id, "input": input}), expected).await;
    }
    let kept = ask(
        &api,
        "{ team(id: \"ENG\") { name } issue(id: \"ENG-1\") { title } }",
    )
    .await;
    assert_eq!(kept["team"]["name"], "Engineering");
    assert!(!kept["issue"]["title"].as_str().unwrap().trim().is_empty());

    // Values that keep the rules are taken: hex colours with or without `#`, any scheme.
    let fine = [
        (
            &team,
            json!({"input": {"name": "Mobile", "color": "#0a0B0c"}}),
        ),
        (
            &label,
            json!({"input": {"name": "Docs", "teamId": ENG, "color": "bec2c8"}}),
        ),
        (
            &attachment,
            json!({"input": {"issueId": "ENG-2", "title": "Spec", "url": "figma://file/42"}}),
        ),
    ];
    for (mutation, variables) in fine {
        mutate(&api, mutation, variables).await;
    }
}

/// A class-validator refusal of `property` breaking `constraint`, saying `message`.
fn refusal(property: &str, constraint: &str, message: &str) -> Value {
    json!({"property": property, "constraints": {constraint: message}, "children": []})
}

#[asym::clone("linear", seed = "basic")]
async fn refusals_list_every_field_under_validation_errors(linear: asym::Linear) {
    let api = client(&linear);
    let relate = "mutation($input: ProjectRelationCreateInput!) {
        projectRelationCreate(input: $input) { success } }";
    let team = "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { success } }";
    let issue = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success } }";
    let hook = "mutation($input: WebhookCreateInput!) { webhookCreate(input: $input) { success } }";
    let triage = "mutation($input: TriageResponsibilityCreateInput!) {
        triageResponsibilityCreate(input: $input) { success } }";
    let launch = "f0000000-0000-4000-8000-000000000001";
    let anchors = "must be one of the following values: start, end, milestone";
    for (mutation, input, expected) in [
        // Both anchors refused at once, as a live Linear named them.
        (
            relate,
            json!({"projectId": launch, "relatedProjectId": launch, "type": "dependency",
                   "anchorType": "project", "relatedAnchorType": "project"}),
            json!([
                refusal("anchorType", "isEnum", &format!("anchorType {anchors}")),
                refusal(
                    "relatedAnchorType",
                    "isEnum",
                    &format!("relatedAnchorType {anchors}")
                ),
            ]),
        ),
        (
            relate,
            json!({"projectId": launch, "relatedProjectId": launch, "type": "blocks",
                   "anchorType": "end", "relatedAnchorType": "start"}),
            json!([refusal(
                "type",
                "isEnum",
                "type must be one of the following values: dependency"
            )]),
        ),
        (
            team,
            json!({"name": " ", "color": "blue"}),
            json!([
                refusal("name", "isNotEmpty", "name should not be empty"),
                refusal("color", "isHexColor", "color must be a hexadecimal color"),
            ]),
        ),
        (
            issue,
            json!({"teamId": ENG}),
            json!([refusal("title", "isNotEmpty", "title should not be empty")]),
        ),
        (
            issue,
            json!({"teamId": ENG, "title": "x", "id": "not-a-uuid"}),
            json!([refusal("id", "isUuid", "id must be a UUID.")]),
        ),
        (
            hook,
            json!({"url": "ftp://example.com/hook", "resourceTypes": ["Issue"]}),
            json!([refusal("url", "isUrl", "url must be a URL address")]),
        ),
        (
            triage,
            json!({"teamId": ENG, "action": "ping"}),
            json!([refusal(
                "action",
                "isEnum",
                "action must be one of the following values: assign, notify"
            )]),
        ),
    ] {
        let found = validation_errors(&api, mutation, json!({ "input": input })).await;
        assert_eq!(found, expected, "{mutation}");
    }
    // A refusal that is the clone's own rule, not a class-validator constraint, lists none.
    let keyed = json!({"input": {"name": "Mobile", "key": "1AB"}});
    let found = validation_errors(&api, team, keyed).await;
    assert!(found.is_null(), "{found}");
}
