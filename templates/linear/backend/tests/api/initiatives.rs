//! Initiatives: the seeded one read by id and by `slugId`, listed and filtered, with its
//! projects and documents; created, updated (status times, trash), archived, restored and
//! deleted (to the trash); projects joining and leaving them; the `Initiative` webhooks.

use asym_kit::testing::{Api, assert_suffix, pluck};
use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, Writes, archive_payload, argument_error, ask, assert_fields, assert_filtered,
    client, delete_payload, delivered, mutate, not_found, query, refused_filter, refused_for,
    refused_inputs, subscribed, with_id,
};

/// @linear/sdk's `Initiative` fragment (`documentContent` by its id only).
const INITIATIVE: &str = "__typename trashed url parentInitiative { id }
    integrationsSettings { id } labelIds documentContent { id } updateRemindersDay description
    targetDate updateReminderFrequency updateRemindersHour icon color content slugId updatedAt
    status lastUpdate { id } updateReminderFrequencyInWeeks name health priority
    targetDateResolution frequencyResolution prioritySortOrder sortOrder leadTeam { id }
    archivedAt createdAt healthUpdatedAt startedAt completedAt id creator { id } owner { id }
    visibility";

/// The seeded "Ship v1".
const SHIP_V1: &str = "91000000-0000-4000-8000-000000000001";
/// Project Launch.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

const CREATE: &str = "mutation($input: InitiativeCreateInput!) {
    initiativeCreate(input: $input) { success lastSyncId initiative { id name status priority
        targetDate startedAt completedAt url slugId owner { id } creator { id } leadTeam { key }
        visibility frequencyResolution } } }";

/// `initiativeCreate(input)`'s initiative.
async fn create(api: &Api, input: Value) -> Value {
    mutate(api, CREATE, json!({ "input": input })).await["initiative"].clone()
}

/// `initiativeUpdate(id, input)`'s initiative (its status and times).
async fn update(api: &Api, id: &str, input: Value) -> Value {
    query(
        api,
        "mutation($id: String!, $input: InitiativeUpdateInput!) {
            initiativeUpdate(id: $id, input: $input) { success initiative {
                status startedAt completedAt trashed archivedAt } } }",
        json!({"id": id, "input": input}),
    )
    .await["initiativeUpdate"]["initiative"]
        .clone()
}

#[asym::clone("linear", seed = "basic")]
async fn initiatives_are_read_with_their_projects(linear: asym::Linear) {
    let api = client(&linear);
    let read = query(
        &api,
        &format!(
            "query($id: String!, $slug: String!, $project: String!) {{
               initiative(id: $id) {{ {INITIATIVE}
                 projects {{ nodes {{ name }} }} documents {{ nodes {{ id }} }} }}
               bySlug: initiative(id: $slug) {{ id }}
               initiatives {{ nodes {{ name }} }}
               initiativeToProjects {{ nodes {{ initiative {{ id }} project {{ id }} sortOrder }} }}
               project(id: $project) {{ initiatives {{ nodes {{ name }} }}
                 initiativeToProjects {{ nodes {{ id }} }} }} }}"
        ),
        json!({"id": SHIP_V1, "slug": "8c2d4e6f8a0b", "project": LAUNCH}),
    )
    .await;
    let ship = &read["initiative"];
    assert_fields(
        ship,
        &json!({"__typename": "Initiative", "name": "Ship v1", "status": "Active", "priority": 2,
                "targetDate": "2024-06-30", "startedAt": "2024-01-04T09:00:00.000Z",
                "owner": {"id": ADA}, "creator": {"id": ADA}, "leadTeam": {"id": ENG},
                "visibility": "public", "frequencyResolution": "weekly", "labelIds": [],
                "health": null, "lastUpdate": null,
                "parentInitiative": null, "projects": {"nodes": [{"name": "Launch"}]},
                "documents": {"nodes": []}}),
    );
    assert!(ship["documentContent"]["id"].is_string(), "{ship}");
    assert_suffix(&ship["url"], "/acme/initiative/ship-v1-8c2d4e6f8a0b");
    assert_eq!(read["bySlug"]["id"], SHIP_V1);
    assert_eq!(read["initiatives"]["nodes"], json!([{"name": "Ship v1"}]));
    assert_eq!(
        read["initiativeToProjects"]["nodes"],
        json!([{"initiative": {"id": SHIP_V1}, "project": {"id": LAUNCH}, "sortOrder": "0"}])
    );
    assert_eq!(
        read["project"]["initiatives"]["nodes"],
        json!([{"name": "Ship v1"}])
    );
    not_found(&api, "initiative", "nope", "Initiative").await;
}

#[asym::clone("linear", seed = "basic")]
async fn initiatives_are_written_and_move_through_statuses(linear: asym::Linear) {
    let api = client(&linear);
    let created = create(
        &api,
        json!({"name": "Grow revenue", "description": "More", "priority": 1,
               "targetDate": "2025-03-31", "targetDateResolution": "quarter",
               "ownerId": BEN, "leadTeamId": ENG}),
    )
    .await;
    assert_eq!(created["status"], "Planned", "Linear's default status");
    assert_eq!(created["owner"]["id"], BEN);
    assert_eq!(created["creator"]["id"], ADA);
    assert_eq!(created["leadTeam"]["key"], "ENG");
    assert_eq!(created["startedAt"], Value::Null);
    let id = created["id"].as_str().unwrap().to_owned();

    let active = update(&api, &id, json!({"status": "Active"})).await;
    assert!(active["startedAt"].is_string(), "{active}");
    let done = update(&api, &id, json!({"status": "Completed"})).await;
    assert_eq!(done["startedAt"], active["startedAt"], "kept");
    assert!(done["completedAt"].is_string(), "{done}");
    let reopened = update(&api, &id, json!({"status": "Active"})).await;
    assert_eq!(reopened["completedAt"], Value::Null);
    let trashed = update(&api, &id, json!({"trashed": true})).await;
    assert_eq!(trashed["trashed"], true);
    assert!(trashed["archivedAt"].is_string());
    let restored = update(&api, &id, json!({"trashed": null})).await;
    assert_eq!(restored["trashed"], Value::Null, "null restores");
    assert_eq!(restored["archivedAt"], Value::Null);

    let archived = archive_payload(&api, "initiativeArchive", &id, "id archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let names = |found: &Value| pluck(&found["initiatives"]["nodes"], "name");
    let lists = "{ initiatives { nodes { name } } }";
    assert_eq!(names(&ask(&api, lists).await), ["Ship v1"]);
    let unarchived = archive_payload(&api, "initiativeUnarchive", &id, "archivedAt").await;
    assert_eq!(unarchived["archivedAt"], Value::Null);
    let deleted = delete_payload(&api, "initiativeDelete", &id).await;
    assert!(deleted["lastSyncId"].is_number());
    let trashed = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) { trashed archivedAt } }",
        &id,
    )
    .await;
    assert_eq!(
        trashed["initiative"]["trashed"], true,
        "delete trashes, as Linear does"
    );

    let cases = [
        (
            json!({"name": "x", "labelIds": ["l"]}),
            "Entity not found: InitiativeLabel",
        ),
        (
            json!({"name": "x", "ownerId": "nope"}),
            "Entity not found: User",
        ),
        (
            json!({"name": "x", "priority": 9}),
            "Argument Validation Error",
        ),
    ];
    refused_inputs(&api, CREATE, cases).await;
}

/// What the tests select of a project's place in an initiative.
const LINK: &str = "id sortOrder initiative { name } project { name }";

#[asym::clone("linear", seed = "basic")]
async fn projects_join_and_leave_initiatives(linear: asym::Linear) {
    let api = client(&linear);
    let initiative = create(&api, json!({"name": "Platform"})).await;
    let id = initiative["id"].as_str().unwrap();
    let links = Writes::new(&api, "InitiativeToProject", "initiativeToProject", LINK);
    let link = links
        .create(json!({"initiativeId": id, "projectId": LAUNCH, "sortOrder": 2.5}))
        .await;
    assert_eq!(link["sortOrder"], "2.5");
    assert_eq!(link["initiative"]["name"], "Platform");
    let link_id = link["id"].as_str().unwrap();
    let projects = query(
        &api,
        "query($p: String!) { project(id: $p) { initiatives { nodes { name } } } }",
        json!({"p": LAUNCH}),
    )
    .await;
    let mut names = pluck(&projects["project"]["initiatives"]["nodes"], "name");
    names.sort();
    assert_eq!(names, ["Platform", "Ship v1"]);
    // A project joins once.
    refused_for(
        &api,
        &links.create_doc,
        json!({"input": {"initiativeId": id, "projectId": LAUNCH}}),
        "already exists",
    )
    .await;
    let moved = links.update(link_id, json!({"sortOrder": 1})).await;
    assert_eq!(moved["sortOrder"], "1");
    delete_payload(&api, "initiativeToProjectDelete", link_id).await;
    let after = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) { projects { nodes { id } } } }",
        id,
    )
    .await;
    assert_eq!(after["initiative"]["projects"]["nodes"], json!([]));

    let doc = query(
        &api,
        "mutation($input: DocumentCreateInput!) { documentCreate(input: $input) {
            document { id initiative { id } } } }",
        json!({"input": {"title": "Strategy", "initiativeId": id}}),
    )
    .await["documentCreate"]["document"]
        .clone();
    assert_eq!(doc["initiative"]["id"], id);
    let docs = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) { documents { nodes { title } } }
            documents(filter: { initiative: { name: { eq: \"Platform\" } } }) { nodes { title } } }",
        id,
    )
    .await;
    assert_eq!(
        docs["initiative"]["documents"]["nodes"],
        json!([{"title": "Strategy"}])
    );
    assert_eq!(docs["documents"]["nodes"], json!([{"title": "Strategy"}]));
}

#[asym::clone("linear", seed = "basic")]
async fn initiatives_are_filtered(linear: asym::Linear) {
    let api = client(&linear);
    create(
        &api,
        json!({"name": "Hiring", "ownerId": BEN, "priority": 3}),
    )
    .await;
    create(
        &api,
        json!({"name": "Compliance", "status": "Proposed", "targetDate": "2030-01-01"}),
    )
    .await;
    let cases = [
        (json!({"status": {"eq": "Active"}}), &["Ship v1"][..]),
        (json!({"owner": {"id": {"eq": BEN}}}), &["Hiring"]),
        (json!({"priority": {"gte": 2}}), &["Hiring", "Ship v1"]),
        (json!({"targetDate": {"gt": "2029-01-01"}}), &["Compliance"]),
        (
            json!({"leadTeam": {"null": true}}),
            &["Compliance", "Hiring"],
        ),
        (
            json!({"or": [{"slugId": {"eq": "8c2d4e6f8a0b"}},
                          {"name": {"startsWithIgnoreCase": "comp"}}]}),
            &["Compliance", "Ship v1"],
        ),
    ];
    assert_filtered(&api, "initiatives", "InitiativeFilter", "name", cases).await;
    let health = "{ health: { eq: \"onTrack\" } }";
    refused_filter(&api, "initiatives", health, "health").await;
}

#[asym::clone("linear", seed = "basic")]
async fn initiative_changes_send_webhooks(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = subscribed(&api, "Initiative", None).await;
    let created = create(&api, json!({"name": "Hooked"})).await;
    let body = delivered(&receiver, "Initiative", "create").await;
    assert_eq!(body["data"]["name"], "Hooked");
    assert_eq!(body["data"]["creatorId"], ADA);
    assert_eq!(body["url"], created["url"]);
}

#[asym::clone("linear", seed = "basic")]
async fn initiative_updates_are_posted_and_set_the_health(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = subscribed(&api, "InitiativeUpdate", None).await;
    let posted = mutate(
        &api,
        "mutation($input: InitiativeUpdateCreateInput!) { initiativeUpdateCreate(input: $input) {
            success initiativeUpdate { __typename id slugId url body health user { id }
              initiative { id } isStale commentCount reactionData diff editedAt } } }",
        json!({"input": {"initiativeId": SHIP_V1, "body": "Launch slipped", "health": "offTrack"}}),
    )
    .await["initiativeUpdate"]
        .clone();
    let id = posted["id"].as_str().unwrap();
    assert_eq!(posted["__typename"], "InitiativeUpdate");
    assert_eq!(posted["slugId"], &id[..8]);
    let slug = &id[..8];
    let url = format!("/initiative/ship-v1-8c2d4e6f8a0b/updates#initiative-update-{slug}");
    assert_suffix(&posted["url"], &url);
    assert_eq!(posted["user"]["id"], ADA);
    assert_eq!(posted["initiative"]["id"], SHIP_V1);
    let body = delivered(&receiver, "InitiativeUpdate", "create").await;
    assert_eq!(body["data"]["initiativeId"], SHIP_V1);
    assert_eq!(body["url"], posted["url"]);

    let read = query(
        &api,
        "query($id: String!, $update: String!) {
            initiative(id: $id) { health healthUpdatedAt lastUpdate { id }
              initiativeUpdates { nodes { body } } }
            initiativeUpdate(id: $update) { body }
            initiativeUpdates(filter: { initiative: { name: { eq: \"Ship v1\" } } }) { nodes { id } } }",
        json!({"id": SHIP_V1, "update": id}),
    )
    .await;
    assert_eq!(read["initiative"]["health"], "offTrack");
    assert_eq!(read["initiative"]["lastUpdate"]["id"], id);
    assert_eq!(
        read["initiative"]["initiativeUpdates"]["nodes"],
        json!([{"body": "Launch slipped"}])
    );
    assert_eq!(read["initiativeUpdate"]["body"], "Launch slipped");
    assert_eq!(read["initiativeUpdates"]["nodes"], json!([{"id": id}]));

    let edited = with_id(
        &api,
        "mutation($id: String!) { initiativeUpdateUpdate(id: $id, input: { health: atRisk }) {
            initiativeUpdate { health editedAt } } }",
        id,
    )
    .await["initiativeUpdateUpdate"]["initiativeUpdate"]
        .clone();
    assert_eq!(edited["health"], "atRisk");
    assert!(edited["editedAt"].is_string());
    archive_payload(&api, "initiativeUpdateArchive", id, "archivedAt").await;
    let health = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) { health lastUpdate { id } } }",
        SHIP_V1,
    )
    .await;
    assert_eq!(
        health["initiative"],
        json!({"health": null, "lastUpdate": null}),
        "no update left"
    );
}

/// What the tests select of a sub-initiative's place under its parent.
const RELATION: &str = "id sortOrder initiative { id } relatedInitiative { name } user { id }";

#[asym::clone("linear", seed = "basic")]
async fn initiatives_have_sub_initiatives(linear: asym::Linear) {
    let api = client(&linear);
    let child = create(&api, json!({"name": "Ship the API"})).await;
    let child_id = child["id"].as_str().unwrap();
    let relations = Writes::new(&api, "InitiativeRelation", "initiativeRelation", RELATION);
    let relation = relations
        .create(json!({"initiativeId": SHIP_V1, "relatedInitiativeId": child_id, "sortOrder": 1}))
        .await;
    assert_eq!(relation["initiative"]["id"], SHIP_V1);
    assert_eq!(relation["relatedInitiative"]["name"], "Ship the API");
    assert_eq!(relation["user"]["id"], ADA);
    let read = query(
        &api,
        "query($id: String!, $child: String!, $relation: String!) {
            initiative(id: $id) { subInitiatives { nodes { name } } parentInitiative { id } }
            child: initiative(id: $child) { parentInitiative { name } }
            initiativeRelation(id: $relation) { sortOrder }
            initiativeRelations { nodes { id } } }",
        json!({"id": SHIP_V1, "child": child_id, "relation": relation["id"]}),
    )
    .await;
    assert_eq!(
        read["initiative"],
        json!({"subInitiatives": {"nodes": [{"name": "Ship the API"}]}, "parentInitiative": null})
    );
    assert_eq!(read["child"]["parentInitiative"]["name"], "Ship v1");
    // A grandchild of Ship v1 with project Launch: the child's own projects are none, its
    // sub-initiatives' are Launch.
    let grandchild = create(&api, json!({"name": "API docs"})).await;
    for (mutation, input) in [
        (
            "initiativeRelationCreate(input: { initiativeId: $a, relatedInitiativeId: $b })",
            json!({"a": child_id, "b": grandchild["id"]}),
        ),
        (
            "initiativeToProjectCreate(input: { initiativeId: $a, projectId: $b })",
            json!({"a": grandchild["id"], "b": LAUNCH}),
        ),
    ] {
        query(
            &api,
            &format!("mutation($a: String!, $b: String!) {{ {mutation} {{ success }} }}"),
            input,
        )
        .await;
    }
    let projects = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) {
            own: projects { nodes { name } }
            all: projects(includeSubInitiatives: true) { nodes { name } } } }",
        child_id,
    )
    .await;
    assert_eq!(projects["initiative"]["own"]["nodes"], json!([]));
    assert_eq!(
        projects["initiative"]["all"]["nodes"],
        json!([{"name": "Launch"}])
    );
    assert_eq!(read["initiativeRelation"]["sortOrder"], 1.0);
    assert_eq!(
        read["initiativeRelations"]["nodes"],
        json!([{"id": relation["id"]}])
    );
    refused_inputs(
        &api,
        &relations.create_doc,
        [
            (
                json!({"initiativeId": SHIP_V1, "relatedInitiativeId": SHIP_V1}),
                "Argument Validation Error",
            ),
            (
                json!({"initiativeId": SHIP_V1, "relatedInitiativeId": child_id}),
                "already exists",
            ),
        ],
    )
    .await;
    delete_payload(&api, "initiativeRelationDelete", &relation["id"]).await;
    let after = with_id(
        &api,
        "query($id: String!) { initiative(id: $id) { parentInitiative { id } } }",
        child_id,
    )
    .await;
    assert_eq!(after["initiative"]["parentInitiative"], Value::Null);
}

/// External links: `entityExternalLinkCreate` of a project's or an initiative's (exactly one),
/// `entityExternalLink`, `Project.externalLinks` and `Initiative.links`, update and delete.
#[asym::clone("linear", seed = "basic")]
async fn projects_and_initiatives_have_external_links(linear: asym::Linear) {
    let api = client(&linear);
    let fields = "id url label sortOrder creator { id } project { id } initiative { id }";
    let writes = crate::Writes::new(&api, "EntityExternalLink", "entityExternalLink", fields);
    let launch = "f0000000-0000-4000-8000-000000000001";
    let ship = "91000000-0000-4000-8000-000000000001";
    let input = json!({"url": "https://example.com/spec", "label": "Spec", "projectId": launch,
                       "sortOrder": 1});
    let link = writes.create(input).await;
    assert_fields(
        &link,
        &json!({"url": "https://example.com/spec", "label": "Spec", "sortOrder": 1,
                "creator": {"id": ADA}, "project": {"id": launch}, "initiative": null}),
    );
    let id = link["id"].as_str().unwrap().to_owned();
    let of_initiative = json!({"url": "https://example.com/okrs", "label": "OKRs",
                               "initiativeId": ship});
    writes.create(of_initiative).await;
    let read = with_id(
        &api,
        &format!("query($id: String!) {{ entityExternalLink(id: $id) {{ {fields} }} }}"),
        &id,
    )
    .await;
    assert_eq!(read["entityExternalLink"], link);
    let listed = query(
        &api,
        "query($p: String!, $i: String!) {
           project(id: $p) { externalLinks { nodes { label } } }
           initiative(id: $i) { links { nodes { label } } } }",
        json!({"p": launch, "i": ship}),
    )
    .await;
    assert_eq!(
        pluck(&listed["project"]["externalLinks"]["nodes"], "label"),
        ["Spec"]
    );
    assert_eq!(
        pluck(&listed["initiative"]["links"]["nodes"], "label"),
        ["OKRs"]
    );

    let changed = writes.update(&id, json!({"label": "Design spec"})).await;
    assert_eq!(changed["label"], "Design spec");

    let one_parent = "Exactly one of projectId or initiativeId must be defined.";
    crate::refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            argument_error(
                json!({"url": "https://example.com", "label": "Both", "projectId": launch,
                       "initiativeId": ship}),
                one_parent,
            ),
            argument_error(
                json!({"url": "https://example.com", "label": "None"}),
                one_parent,
            ),
            argument_error(
                json!({"url": "example", "label": "Bad", "projectId": launch}),
                "url must be a URL address",
            ),
            (
                json!({"url": "https://example.com", "label": "Lost", "projectId": "nope"}),
                "Entity not found: Project",
                "Could not find referenced Project.",
            ),
        ],
    )
    .await;
    delete_payload(&api, "entityExternalLinkDelete", &id).await;
    not_found(&api, "entityExternalLink", &id, "EntityExternalLink").await;
}
