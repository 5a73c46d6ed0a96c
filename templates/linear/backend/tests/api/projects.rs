//! A project's members (`memberIds` on create and update, `project.members`), and the
//! connections of what the clone does not record on a project: customer needs, attachments
//! (made by integrations) and history, each an empty connection of Linear's type.

use serde_json::{Value, json};

use asym_kit::testing::pluck;

use crate::{ADA, BEN, ENG, client, missing, mutate, with_id};

const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

const MEMBERS: &str = "query($id: String!) { project(id: $id) {
    members(first: 5, orderBy: createdAt) { nodes { id name } edges { cursor }
        pageInfo { hasNextPage hasPreviousPage } } } }";

/// The ids of project `id`'s members.
async fn members(api: &asym_kit::testing::Api, id: &Value) -> Vec<String> {
    let got = with_id(api, MEMBERS, id).await;
    pluck(&got["project"]["members"]["nodes"], "id")
}

#[asym::clone("linear", seed = "basic")]
async fn a_project_lists_the_members_it_is_given(linear: asym::Linear) {
    let api = client(&linear);
    assert!(
        members(&api, &json!(LAUNCH)).await.is_empty(),
        "seeded without members"
    );
    let create = "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) {
        success project { id } } }";
    let made = mutate(
        &api,
        create,
        json!({"i": {"name": "Crew", "teamIds": [ENG], "memberIds": [ADA, BEN]}}),
    )
    .await;
    let id = made["project"]["id"].clone();
    // Newest first, as every connection of the clone.
    assert_eq!(members(&api, &id).await, [BEN, ADA]);
    let filtered = with_id(
        &api,
        "query($id: String!) { project(id: $id) {
            members(filter: {displayName: {eq: \"ada\"}}) { nodes { id } } } }",
        &id,
    )
    .await;
    assert_eq!(pluck(&filtered["project"]["members"]["nodes"], "id"), [ADA]);
    // `ProjectFilter.members` ranges over them.
    for (filter, expected) in [
        (
            json!({"members": {"some": {"id": {"eq": BEN}}}}),
            vec![id.clone()],
        ),
        (json!({"members": {"length": {"eq": 2}}}), vec![id.clone()]),
        (
            json!({"members": {"length": {"eq": 0}}, "name": {"eq": "Launch"}}),
            vec![json!(LAUNCH)],
        ),
        (
            json!({"members": {"every": {"displayName": {"eq": "ben"}}}, "name": {"eq": "Crew"}}),
            vec![],
        ),
    ] {
        let got = crate::query(
            &api,
            "query($f: ProjectFilter) { projects(filter: $f) { nodes { id } } }",
            json!({ "f": filter }),
        )
        .await;
        let ids: Vec<Value> = got["projects"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|node| node["id"].clone())
            .collect();
        assert_eq!(ids, expected, "{filter}");
    }

    let update = "mutation($id: String!, $i: ProjectUpdateInput!) {
        projectUpdate(id: $id, input: $i) { success project { id } } }";
    mutate(&api, update, json!({"id": id, "i": {"memberIds": [BEN]}})).await;
    assert_eq!(members(&api, &id).await, [BEN], "memberIds replaces them");
    mutate(&api, update, json!({"id": id, "i": {"memberIds": []}})).await;
    assert!(members(&api, &id).await.is_empty());

    // A member who is no user is not found, and the project keeps its members.
    mutate(&api, update, json!({"id": id, "i": {"memberIds": [ADA]}})).await;
    let nobody = "b0000000-0000-4000-8000-0000000000ff";
    missing(
        &api,
        update,
        json!({"id": id, "i": {"memberIds": [ADA, nobody]}}),
        "User",
    )
    .await;
    missing(
        &api,
        create,
        json!({"i": {"name": "Ghosts", "teamIds": [ENG], "memberIds": [nobody]}}),
        "User",
    )
    .await;
    assert_eq!(members(&api, &id).await, [ADA]);
}

/// `project.needs`, `project.attachments` and `project.history`, with the arguments
/// @linear/sdk passes: empty connections (no customer needs, no integration attachments, no
/// recorded project history); an unknown project is not found.
#[asym::clone("linear", seed = "basic")]
async fn a_project_has_no_needs_attachments_or_history(linear: asym::Linear) {
    let api = client(&linear);
    let page = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }";
    let text = format!(
        "query($id: String!) {{ project(id: $id) {{
            needs(first: 5, includeArchived: true, filter: {{priority: {{eq: 1}}}}) {{
                nodes {{ id priority }} edges {{ cursor }} {page} }}
            attachments(first: 5, orderBy: updatedAt) {{
                nodes {{ id title url metadata source sourceType creator {{ id }} }} {page} }}
            history(last: 3, includeArchived: true) {{
                nodes {{ id entries createdAt project {{ id }} }} {page} }} }} }}"
    );
    let got = with_id(&api, &text, LAUNCH).await;
    let empty = json!({"hasNextPage": false, "hasPreviousPage": false,
        "startCursor": null, "endCursor": null});
    for field in ["needs", "attachments", "history"] {
        let connection = &got["project"][field];
        assert_eq!(connection["nodes"], json!([]), "{field}: {got}");
        assert_eq!(connection["pageInfo"], empty, "{field}: {got}");
    }
    assert_eq!(got["project"]["needs"]["edges"], json!([]));
    let unknown = "f0000000-0000-4000-8000-0000000000ff";
    missing(&api, &text, json!({ "id": unknown }), "Project").await;
}
