//! Project updates: posted, read by id and by slug within the project, listed and filtered,
//! edited, archived, restored and deleted; the project's health follows its latest update;
//! the `ProjectUpdate` webhooks.

use asym_kit::testing::{Api, assert_suffix, pluck};
use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, archive_payload, assert_fields, assert_filtered, client, delete_payload,
    delivered, mutate, not_found, oauth_client, query, refused_filter, refused_inputs, subscribed,
    with_id,
};

/// @linear/sdk's `ProjectUpdate` fragment.
const PROJECT_UPDATE: &str = "__typename shortSummary reactionData commentCount reactions { id }
    url diffMarkdown diff health updatedAt project { id } archivedAt createdAt editedAt id body
    slugId user { id } isDiffHidden isStale";

/// Project Launch.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

/// `projectUpdateCreate(input)`'s update.
async fn post(api: &Api, input: Value) -> Value {
    let text = format!(
        "mutation($input: ProjectUpdateCreateInput!) {{
           projectUpdateCreate(input: $input) {{ success lastSyncId projectUpdate {{ {PROJECT_UPDATE} }} }} }}"
    );
    mutate(api, &text, json!({ "input": input })).await["projectUpdate"].clone()
}

/// Launch's health, when it was last set and its latest update.
async fn launch_health(api: &Api) -> Value {
    with_id(
        api,
        "query($id: String!) { project(id: $id) { health healthUpdatedAt lastUpdate { id } } }",
        LAUNCH,
    )
    .await["project"]
        .clone()
}

#[asym::clone("linear", seed = "basic")]
async fn project_updates_are_posted_and_set_the_health(linear: asym::Linear) {
    let api = client(&linear);
    assert_eq!(
        launch_health(&api).await,
        json!({"health": null, "healthUpdatedAt": null, "lastUpdate": null})
    );
    let first = post(
        &api,
        json!({"projectId": LAUNCH, "body": "Beta is out", "health": "onTrack"}),
    )
    .await;
    assert_fields(
        &first,
        &json!({"__typename": "ProjectUpdate", "body": "Beta is out", "user": {"id": ADA},
                "project": {"id": LAUNCH}, "isStale": false, "isDiffHidden": false,
                "commentCount": 0, "reactions": [], "editedAt": null}),
    );
    let id = first["id"].as_str().unwrap();
    assert_eq!(first["slugId"], &id[..8], "the id's first eight digits");
    assert_suffix(
        &first["url"],
        &format!("/updates#project-update-{}", &id[..8]),
    );
    let url = first["url"].as_str().unwrap();
    assert!(url.contains("/acme/project/launch-"), "{url}");

    let risky = post(
        &api,
        json!({"projectId": LAUNCH, "body": "GA slips", "health": "atRisk"}),
    )
    .await;
    let health = launch_health(&api).await;
    assert_eq!(health["health"], "atRisk");
    assert_eq!(health["healthUpdatedAt"], risky["createdAt"]);
    assert_eq!(health["lastUpdate"]["id"], risky["id"]);
    let defaulted = post(&api, json!({"projectId": LAUNCH, "body": "Same as before"})).await;
    assert_eq!(
        defaulted["health"], "atRisk",
        "the project's current health"
    );

    let oauth = oauth_client(&linear);
    let edited = with_id(
        &oauth,
        "mutation($id: String!) { projectUpdateUpdate(id: $id, input: { body: \"GA slips a week\", health: offTrack }) {
            success projectUpdate { body health editedAt user { id } } } }",
        &risky["id"],
    )
    .await["projectUpdateUpdate"]["projectUpdate"]
        .clone();
    assert_eq!(edited["body"], "GA slips a week");
    assert!(edited["editedAt"].is_string());
    assert_eq!(edited["user"]["id"], ADA, "still its author's");

    let archived =
        archive_payload(&api, "projectUpdateArchive", &defaulted["id"], "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    assert_eq!(
        launch_health(&api).await["health"],
        "offTrack",
        "the latest not archived"
    );
    let restored = archive_payload(
        &api,
        "projectUpdateUnarchive",
        &defaulted["id"],
        "archivedAt",
    )
    .await;
    assert_eq!(restored["archivedAt"], Value::Null);
    delete_payload(&api, "projectUpdateDelete", &first["id"]).await;
    not_found(&api, "projectUpdate", &first["id"], "ProjectUpdate").await;

    refused_inputs(
        &api,
        "mutation($input: ProjectUpdateCreateInput!) { projectUpdateCreate(input: $input) { success } }",
        [
            (
                json!({"projectId": "nope", "body": "x"}),
                "Entity not found: Project",
            ),
            (
                json!({"projectId": LAUNCH, "bodyData": {}}),
                "`bodyData` is not supported",
            ),
        ],
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn project_updates_are_read_listed_and_filtered(linear: asym::Linear) {
    let api = client(&linear);
    let mine = post(&api, json!({"projectId": LAUNCH, "body": "Mine"})).await;
    let oauth = oauth_client(&linear);
    let bens = post(&oauth, json!({"projectId": LAUNCH, "body": "Ben's"})).await;
    assert_eq!(bens["user"]["id"], BEN);
    let read = query(
        &api,
        "query($id: String!, $slug: String!, $project: String!) {
            byId: projectUpdate(id: $id) { body }
            bySlug: projectUpdate(id: $slug, projectId: $project) { body }
            projectUpdates { nodes { body } }
            byBen: projectUpdates(filter: { user: { id: { eq: \"b0000000-0000-4000-8000-000000000002\" } } }) { nodes { body } }
            ofLaunch: projectUpdates(filter: { project: { name: { eq: \"Launch\" } } }) { nodes { body } }
            project(id: $project) { projectUpdates(first: 1) { nodes { body } pageInfo { hasNextPage } } } }",
        json!({"id": mine["id"], "slug": mine["slugId"], "project": LAUNCH}),
    )
    .await;
    assert_eq!(read["byId"]["body"], "Mine");
    assert_eq!(
        read["bySlug"]["body"], "Mine",
        "by slugId within the project"
    );
    assert_eq!(
        pluck(&read["projectUpdates"]["nodes"], "body"),
        ["Ben's", "Mine"],
        "newest first"
    );
    assert_eq!(pluck(&read["byBen"]["nodes"], "body"), ["Ben's"]);
    assert_eq!(pluck(&read["ofLaunch"]["nodes"], "body"), ["Ben's", "Mine"]);
    assert_eq!(
        read["project"]["projectUpdates"],
        json!({"nodes": [{"body": "Ben's"}], "pageInfo": {"hasNextPage": true}})
    );
    // None has reactions.
    let reacted = json!({"reactions": {"length": {"gt": 0}}});
    assert_filtered(
        &api,
        "projectUpdates",
        "ProjectUpdateFilter",
        "id",
        [(reacted, &[][..])],
    )
    .await;
    let custom = "{ reactions: { customEmojiId: { eq: \"x\" } } }";
    refused_filter(&api, "projectUpdates", custom, "customEmojiId").await;
}

#[asym::clone("linear", seed = "basic")]
async fn project_updates_send_webhooks(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = subscribed(&api, "ProjectUpdate", Some(ENG)).await;
    let update = post(&api, json!({"projectId": LAUNCH, "body": "Hooked"})).await;
    let body = delivered(&receiver, "ProjectUpdate", "create").await;
    assert_eq!(body["data"]["body"], "Hooked");
    assert_eq!(body["data"]["projectId"], LAUNCH);
    assert_eq!(body["data"]["userId"], ADA);
    assert_eq!(body["url"], update["url"]);
}
