//! Documents: the seeded one read by id and by `slugId`, listed, filtered and under its
//! project; created under a project, an issue or a team; updated, trashed, restored; and the
//! `Document` webhooks.

use asym_kit::testing::{Api, assert_suffix};
use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, archive_payload, ask, assert_fields, assert_filtered, client, delivered, error,
    gql, mutate, not_found, oauth_client, query, refused, refused_filter, refused_for,
    refused_inputs, subscribed, with_id,
};

/// @linear/sdk's `Document` fragment.
const DOCUMENT: &str = "__typename trashed documentContentId url content slugId color icon
    initiative { id } issue { id } lastAppliedTemplate { id } updatedAt owner { id }
    project { id } release { id } sortOrder hiddenAt archivedAt createdAt title id
    creator { id } updatedBy { id }";

/// The seeded "Launch plan".
const LAUNCH_PLAN: &str = "90000000-0000-4000-8000-000000000001";
/// Project Launch.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

const CREATE: &str = "mutation($input: DocumentCreateInput!) {
    documentCreate(input: $input) { success lastSyncId document { id url slugId title content updatedAt
        icon color sortOrder project { id } issue { id } owner { id } creator { id }
        updatedBy { id } } } }";

/// `documentCreate(input)`'s document.
async fn create(api: &Api, input: Value) -> Value {
    mutate(api, CREATE, json!({ "input": input })).await["document"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn documents_are_read_by_id_and_slug_and_listed(linear: asym::Linear) {
    let api = client(&linear);
    let read = query(
        &api,
        &format!(
            "query($id: String!, $slug: String!, $project: String!) {{
               document(id: $id) {{ {DOCUMENT} }}
               bySlug: document(id: $slug) {{ id }}
               documents {{ nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }}
               project(id: $project) {{ documents {{ nodes {{ title }} }} }} }}"
        ),
        json!({"id": LAUNCH_PLAN, "slug": "5f1a2b3c4d5e", "project": LAUNCH}),
    )
    .await;
    let plan = &read["document"];
    assert_fields(
        plan,
        &json!({"__typename": "Document", "title": "Launch plan",
                "content": "# Launch plan\n\n- [ ] Beta\n- [ ] GA", "slugId": "5f1a2b3c4d5e",
                "project": {"id": LAUNCH}, "creator": {"id": ADA}, "owner": {"id": ADA},
                "updatedBy": {"id": BEN}, "icon": ":rocket:", "sortOrder": 1.0,
                "initiative": null, "issue": null, "release": null,
                "lastAppliedTemplate": null, "archivedAt": null}),
    );
    assert_suffix(&plan["url"], "/acme/document/launch-plan-5f1a2b3c4d5e");
    assert_eq!(read["bySlug"]["id"], LAUNCH_PLAN);
    assert_eq!(read["documents"]["nodes"], json!([{"id": LAUNCH_PLAN}]));
    assert_eq!(
        read["project"]["documents"]["nodes"],
        json!([{"title": "Launch plan"}])
    );
    not_found(&api, "document", "nope", "Document").await;
}

#[asym::clone("linear", seed = "basic")]
async fn documents_are_created_under_one_parent(linear: asym::Linear) {
    let api = client(&linear);
    let spec = create(
        &api,
        json!({"title": "Spec: the launch", "content": "## Goals", "icon": "Document",
               "color": "#ff0000", "projectId": LAUNCH}),
    )
    .await;
    assert_eq!(spec["project"]["id"], LAUNCH);
    assert_eq!(spec["content"], "## Goals");
    let launch = with_id(
        &api,
        "query($id: String!) { project(id: $id) { resourceCount } }",
        LAUNCH,
    )
    .await;
    assert_eq!(
        launch["project"]["resourceCount"], 2,
        "Launch plan and this one"
    );
    assert_eq!(spec["owner"]["id"], ADA, "the creator owns it");
    assert_eq!(spec["creator"]["id"], ADA);
    assert_eq!(spec["updatedBy"]["id"], ADA);
    let slug = spec["slugId"].as_str().unwrap();
    assert_eq!(slug.len(), 12);
    assert!(slug.chars().all(|c| c.is_ascii_hexdigit()), "{slug}");
    assert_suffix(&spec["url"], &format!("/document/spec-the-launch-{slug}"));

    let notes = create(
        &api,
        json!({"title": "Notes", "issueId": "ENG-1", "ownerId": null}),
    )
    .await;
    assert_eq!(notes["owner"], Value::Null, "ownerId null: no owner");
    assert_eq!(notes["project"], Value::Null);
    let issue = ask(
        &api,
        "{ issue(id: \"ENG-1\") { id documents { nodes { title issue { id } } } } }",
    )
    .await;
    let nodes = &issue["issue"]["documents"]["nodes"];
    assert_eq!(nodes[0]["title"], "Notes");
    assert_eq!(nodes[0]["issue"]["id"], issue["issue"]["id"]);
    let deleted = ask(
        &api,
        "mutation { issueDelete(id: \"ENG-1\", permanentlyDelete: true) { success } }",
    )
    .await;
    assert_eq!(
        deleted["issueDelete"]["success"], true,
        "its documents go with it"
    );
    not_found(&api, "document", &notes["id"], "Document").await;
    let team_doc = create(&api, json!({"title": "Handbook", "teamId": ENG})).await;
    assert_eq!(team_doc["project"], Value::Null);

    for input in [
        json!({"title": "Orphan"}),
        json!({"title": "Twice", "projectId": LAUNCH, "teamId": ENG}),
    ] {
        let reply = gql(&api, CREATE, json!({ "input": input })).await;
        assert_eq!(
            error(&reply, 400, "INPUT_ERROR"),
            "Argument Validation Error"
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["userPresentableMessage"],
            "Exactly one of initiativeId, teamId, issueId, releaseId, cycleId or projectId must be defined."
        );
    }
    let cases = [
        (
            json!({"title": "x", "cycleId": "10000000-0000-4000-8000-000000000001"}),
            "`cycleId` is not supported",
        ),
        (
            json!({"title": "x", "initiativeId": "nope"}),
            "Entity not found: Initiative",
        ),
        (
            json!({"title": "x", "projectId": LAUNCH, "subscriberIds": [ADA]}),
            "`subscriberIds` is not supported",
        ),
        (
            json!({"title": "x", "projectId": "nope"}),
            "Entity not found: Project",
        ),
        (
            json!({"title": "x", "issueId": "ENG-99"}),
            "Entity not found: Issue",
        ),
        (
            json!({"title": "x", "teamId": ENG, "id": "not-a-uuid"}),
            "Argument Validation Error",
        ),
    ];
    refused_inputs(&api, CREATE, cases).await;
}

#[asym::clone("linear", seed = "basic")]
async fn documents_are_updated_trashed_and_restored(linear: asym::Linear) {
    let api = client(&linear);
    let oauth = oauth_client(&linear);
    let updated = ask(&oauth, "mutation { documentUpdate(id: \"5f1a2b3c4d5e\", input: {
            title: \"Launch plan v2\", content: \"# v2\", teamId: \"c0000000-0000-4000-8000-000000000001\" }) {
            success document { id title content url project { id } updatedBy { id } creator { id } } } }")
    .await["documentUpdate"]["document"]
        .clone();
    assert_eq!(updated["id"], LAUNCH_PLAN, "by slugId");
    assert_eq!(updated["title"], "Launch plan v2");
    assert_eq!(updated["content"], "# v2");
    assert_eq!(updated["project"], Value::Null, "moved to the team");
    assert_eq!(updated["updatedBy"]["id"], BEN);
    assert_eq!(updated["creator"]["id"], ADA);
    assert_suffix(&updated["url"], "/launch-plan-v2-5f1a2b3c4d5e");
    let message = refused(
        &api,
        "mutation { documentUpdate(id: \"5f1a2b3c4d5e\", input: { teamId: null }) { success } }",
        json!({}),
    )
    .await;
    assert_eq!(message, "Argument Validation Error");
    let moved = query(
        &api,
        "mutation($project: String!) { documentUpdate(id: \"5f1a2b3c4d5e\",
            input: { teamId: null, projectId: $project }) { document { project { id } } } }",
        json!({"project": LAUNCH}),
    )
    .await;
    assert_eq!(
        moved["documentUpdate"]["document"]["project"]["id"], LAUNCH,
        "one parent cleared, another set"
    );

    let deleted =
        archive_payload(&api, "documentDelete", LAUNCH_PLAN, "id trashed archivedAt").await;
    assert_eq!(deleted["trashed"], true);
    assert!(deleted["archivedAt"].is_string());
    let lists = "{ documents { nodes { id } } all: documents(includeArchived: true) { nodes { id trashed } } }";
    let listed = ask(&api, lists).await;
    assert_eq!(listed["documents"]["nodes"], json!([]));
    assert_eq!(
        listed["all"]["nodes"],
        json!([{"id": LAUNCH_PLAN, "trashed": true}])
    );
    let read = with_id(
        &api,
        "query($id: String!) { document(id: $id) { trashed } }",
        LAUNCH_PLAN,
    )
    .await;
    assert_eq!(read["document"]["trashed"], true, "still read by id");

    let restored =
        archive_payload(&api, "documentUnarchive", LAUNCH_PLAN, "trashed archivedAt").await;
    assert_eq!(restored, json!({"trashed": null, "archivedAt": null}));
    let trashed = with_id(
        &api,
        "mutation($id: String!) { documentUpdate(id: $id, input: { trashed: true }) { document { trashed archivedAt } } }",
        LAUNCH_PLAN,
    )
    .await;
    assert_eq!(
        trashed["documentUpdate"]["document"]["trashed"], true,
        "trashed through an update"
    );
    refused_for(
        &api,
        "mutation { documentDelete(id: \"90000000-0000-4000-8000-000000000001\", ifParentDocumentId: \"x\") { success } }",
        json!({}),
        "`ifParentDocumentId`",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn documents_are_filtered(linear: asym::Linear) {
    let api = client(&linear);
    create(&api, json!({"title": "Runbook", "teamId": ENG})).await;
    create(
        &api,
        json!({"title": "Retro", "issueId": "ENG-2", "ownerId": BEN}),
    )
    .await;
    let cases = [
        (
            json!({"title": {"containsIgnoreCase": "R"}}),
            &["Retro", "Runbook"][..],
        ),
        (json!({"project": {"id": {"eq": LAUNCH}}}), &["Launch plan"]),
        (json!({"team": {"key": {"eq": "ENG"}}}), &["Runbook"]),
        (json!({"issue": {"number": {"eq": 2}}}), &["Retro"]),
        (json!({"owner": {"id": {"eq": BEN}}}), &["Retro"]),
        (
            json!({"or": [{"slugId": {"eq": "5f1a2b3c4d5e"}},
                          {"creator": {"isMe": {"eq": true}}, "title": {"startsWith": "Ru"}}]}),
            &["Runbook", "Launch plan"],
        ),
    ];
    assert_filtered(&api, "documents", "DocumentFilter", "title", cases).await;
    let release = "{ release: { id: { eq: \"x\" } } }";
    refused_filter(&api, "documents", release, "release").await;
}

#[asym::clone("linear", seed = "basic")]
async fn document_changes_send_webhooks(linear: asym::Linear) {
    let api = client(&linear);
    // The project's team hears about its documents.
    let receiver = subscribed(&api, "Document", Some(ENG)).await;
    let doc = create(&api, json!({"title": "Hooked", "projectId": LAUNCH})).await;
    let body = delivered(&receiver, "Document", "create").await;
    assert_eq!(body["data"]["id"], doc["id"]);
    assert_eq!(body["data"]["projectId"], LAUNCH);
    assert_eq!(body["data"]["creatorId"], ADA);
    assert_eq!(body["url"], doc["url"]);

    with_id(
        &api,
        "mutation($id: String!) { documentUpdate(id: $id, input: { title: \"Hooked again\" }) { success } }",
        &doc["id"],
    )
    .await;
    let body = delivered(&receiver, "Document", "update").await;
    assert_eq!(body["data"]["title"], "Hooked again");
    assert_eq!(
        body["updatedFrom"]["title"], "Hooked",
        "the previous values of what changed"
    );
    assert_eq!(
        body["updatedFrom"]["updatedAt"], doc["updatedAt"],
        "as Linear writes timestamps"
    );
    assert!(body["updatedFrom"].get("projectId").is_none(), "{body}");

    archive_payload(&api, "documentDelete", &doc["id"], "id").await;
    let body = delivered(&receiver, "Document", "remove").await;
    assert_eq!(body["data"]["trashed"], true);
}

#[asym::clone("linear", seed = "basic")]
async fn documents_are_searched(linear: asym::Linear) {
    let api = client(&linear);
    let gone = create(
        &api,
        json!({"title": "Old launch notes", "content": "Beta went fine", "teamId": ENG}),
    )
    .await;
    archive_payload(&api, "documentDelete", &gone["id"], "id").await;
    let search = |term: &str, archived: bool| {
        let api = api.clone();
        let term = term.to_owned();
        async move {
            query(
                &api,
                &format!(
                    "query($term: String!, $archived: Boolean) {{
                       searchDocuments(term: $term, includeArchived: $archived) {{
                         totalCount nodes {{ {DOCUMENT} metadata }}
                         pageInfo {{ hasNextPage }}
                         archivePayload {{ archive totalCount databaseVersion includesDependencies }} }} }}"
                ),
                json!({"term": term, "archived": archived}),
            )
            .await["searchDocuments"]
                .clone()
        }
    };
    let found = search("BETA", false).await;
    assert_eq!(found["totalCount"], 1.0, "{found}");
    assert_eq!(found["nodes"][0]["id"], LAUNCH_PLAN, "in the content");
    assert_eq!(found["nodes"][0]["__typename"], "DocumentSearchResult");
    assert_eq!(found["nodes"][0]["metadata"], json!({}));
    let with_archived = search("beta", true).await;
    assert_eq!(with_archived["totalCount"], 2.0, "the trashed one too");
    assert_eq!(
        search("5f1a2b3c4d5e", false).await["totalCount"],
        1.0,
        "by slugId"
    );
    assert_eq!(
        search("100%", false).await["totalCount"],
        0.0,
        "wildcards are text"
    );
}
