//! Project dependencies: `projectRelationCreate`/`Update`/`Delete` and the reads of them
//! (`projectRelations`, `projectRelation`, `project.relations`, `project.inverseRelations`).

use asym_kit::testing::pluck;
use serde_json::json;

use crate::{
    ADA, ENG, Writes, argument_error, ask, assert_filtered, client, create_project, delete_payload,
    missing, mutate, not_found, refused_inputs_as, with_id,
};

/// Launch, the seeded project, and its milestone GA.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";
const GA: &str = "70000000-0000-4000-8000-000000000002";

/// A relation as @linear/sdk's fragment selects it.
const FIELDS: &str = "id type anchorType relatedAnchorType project { id } relatedProject { id }
    projectMilestone { id name } relatedProjectMilestone { id } user { id } createdAt archivedAt";

#[asym::clone("linear", seed = "basic")]
async fn a_project_depends_on_another_once(linear: asym::Linear) {
    let api = client(&linear);
    let docs = create_project(&api, json!({"name": "Docs site", "teamIds": [ENG]})).await;
    let writes = Writes::new(&api, "ProjectRelation", "projectRelation", FIELDS);
    // Launch's GA milestone ends before the docs site starts: Launch blocks it.
    let input = json!({"projectId": LAUNCH, "relatedProjectId": docs, "type": "dependency",
        "anchorType": "milestone", "projectMilestoneId": GA, "relatedAnchorType": "start"});
    let created = writes.create(input).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            &created["type"],
            &created["anchorType"],
            &created["relatedAnchorType"]
        ),
        (&json!("dependency"), &json!("milestone"), &json!("start"))
    );
    assert_eq!(created["project"]["id"], LAUNCH);
    assert_eq!(created["relatedProject"]["id"], json!(docs));
    assert_eq!(created["projectMilestone"]["name"], "GA");
    assert!(created["relatedProjectMilestone"].is_null());
    assert_eq!(created["user"]["id"], ADA);

    // The blocker lists it among its relations, the blocked project among its inverse ones.
    let of_project = "query($id: String!) { project(id: $id) {
        relations { nodes { id } } inverseRelations { nodes { id } } } }";
    let launch = with_id(&api, of_project, LAUNCH).await;
    assert_eq!(
        pluck(&launch["project"]["relations"]["nodes"], "id"),
        [id.as_str()]
    );
    assert_eq!(launch["project"]["inverseRelations"]["nodes"], json!([]));
    let blocked = with_id(&api, of_project, &docs).await;
    assert_eq!(blocked["project"]["relations"]["nodes"], json!([]));
    assert_eq!(
        pluck(&blocked["project"]["inverseRelations"]["nodes"], "id"),
        [id.as_str()]
    );
    // ProjectFilter's relation comparators: Launch blocks (is depended on by), the docs site
    // is blocked by (depends on); both have related relations. Newest first.
    assert_filtered(
        &api,
        "projects",
        "ProjectFilter",
        "name",
        [
            (
                json!({"hasBlockingRelations": {"eq": true}}),
                &["Launch"][..],
            ),
            (
                json!({"hasDependedOnByRelations": {"eq": true}}),
                &["Launch"],
            ),
            (
                json!({"hasBlockedByRelations": {"eq": true}}),
                &["Docs site"],
            ),
            (
                json!({"hasDependsOnRelations": {"eq": true}}),
                &["Docs site"],
            ),
            (
                json!({"hasBlockingRelations": {"eq": false}}),
                &["Docs site"],
            ),
            (
                json!({"hasRelatedRelations": {"eq": true}}),
                &["Docs site", "Launch"],
            ),
        ],
    )
    .await;
    let one = format!("query($id: String!) {{ projectRelation(id: $id) {{ {FIELDS} }} }}");
    assert_eq!(with_id(&api, &one, &id).await["projectRelation"], created);
    let all = ask(&api, "{ projectRelations { nodes { id } } }").await;
    assert_eq!(
        pluck(&all["projectRelations"]["nodes"], "id"),
        [id.as_str()]
    );

    // Linear's validators: one dependency between two projects, whichever way (checked after
    // the values: each case but the last is between the same two); `type` `dependency`;
    // anchors `start`, `end` or `milestone`; projects that exist.
    let from = |overrides: serde_json::Value| {
        let mut input = json!({"projectId": docs, "relatedProjectId": LAUNCH,
            "type": "dependency", "anchorType": "end", "relatedAnchorType": "start"});
        for (key, value) in overrides.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    };
    refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            (
                from(json!({})),
                "A dependency of the same type already exists between the two projects",
                "A dependency of the same type already exists between the two projects",
            ),
            argument_error(
                from(json!({"type": "blocks"})),
                "type must be one of the following values: dependency",
            ),
            argument_error(
                from(json!({"anchorType": "project"})),
                "anchorType must be one of the following values: start, end, milestone",
            ),
            argument_error(
                from(json!({"relatedAnchorType": "project"})),
                "relatedAnchorType must be one of the following values: start, end, milestone",
            ),
            argument_error(
                from(json!({"relatedProjectId": docs})),
                "A project cannot depend on itself.",
            ),
            (
                from(json!({"relatedProjectId": "f0000000-0000-4000-8000-00000000ffff"})),
                "Entity not found: Project",
                "Could not find referenced Project.",
            ),
        ],
    )
    .await;

    // Updated to end at the project's end; deleted, it is gone from both projects.
    let updated = writes
        .update(
            &id,
            json!({"anchorType": "end", "projectMilestoneId": null}),
        )
        .await;
    assert_eq!(updated["anchorType"], "end");
    assert!(updated["projectMilestone"].is_null(), "{updated}");
    missing(
        &api,
        &writes.update_doc,
        json!({"id": "nope", "input": {"anchorType": "end"}}),
        "ProjectRelation",
    )
    .await;
    missing(
        &api,
        &writes.update_doc,
        json!({"id": id, "input": {"relatedProjectMilestoneId": "nope"}}),
        "ProjectMilestone",
    )
    .await;
    delete_payload(&api, "projectRelationDelete", &id).await;
    let blocked = with_id(&api, of_project, &docs).await;
    assert_eq!(blocked["project"]["inverseRelations"]["nodes"], json!([]));
    not_found(&api, "projectRelation", &id, "ProjectRelation").await;
    assert_filtered(
        &api,
        "projects",
        "ProjectFilter",
        "name",
        [(json!({"hasRelatedRelations": {"eq": true}}), &[][..])],
    )
    .await;
}

/// `ProjectFilter.hasViolatedRelations`: the projects at either end of a dependency whose
/// blocker's anchor date falls after the blocked project's (the end anchored at its start
/// waits, whichever slot it is in); and the filter's collections of a
/// project's milestones, updates and initiatives, and `InitiativeFilter.initiativeUpdates`.
#[asym::clone("linear", seed = "basic")]
async fn violated_dependencies_and_a_projects_collections_filter_projects(linear: asym::Linear) {
    let api = client(&linear);
    let made = async |input: serde_json::Value| create_project(&api, input).await;
    let early = made(json!({"name": "Early", "teamIds": [ENG], "targetDate": "2030-03-01"})).await;
    let late = made(json!({"name": "Late", "teamIds": [ENG], "startDate": "2030-02-01"})).await;
    let apart = made(json!({"name": "Apart", "teamIds": [ENG], "startDate": "2030-01-01"})).await;
    let relations = Writes::new(&api, "ProjectRelation", "projectRelation", "id");
    // Late waits for Early's end, but starts before it: both ends are violated.
    relations
        .create(
            json!({"projectId": early, "relatedProjectId": late, "type": "dependency",
                       "anchorType": "end", "relatedAnchorType": "start"}),
        )
        .await;
    // Launch's GA milestone has no date: its dependency cannot be violated.
    relations
        .create(
            json!({"projectId": LAUNCH, "relatedProjectId": late, "type": "dependency",
                       "anchorType": "milestone", "projectMilestoneId": GA,
                       "relatedAnchorType": "start"}),
        )
        .await;
    // Apart, anchored at its start in the `project` slot, waits for Launch's end (as a live
    // Linear reads the anchors), which comes long before: not violated.
    relations
        .create(
            json!({"projectId": apart, "relatedProjectId": LAUNCH, "type": "dependency",
                       "anchorType": "start", "relatedAnchorType": "end"}),
        )
        .await;
    let violated = json!({"hasViolatedRelations": {"eq": true}});
    let kept = json!({"hasViolatedRelations": {"eq": false}});
    assert_filtered(
        &api,
        "projects",
        "ProjectFilter",
        "name",
        [
            (violated.clone(), &["Late", "Early"][..]),
            (kept.clone(), &["Apart", "Launch"]),
            (
                json!({"hasBlockedByRelations": {"eq": true}}),
                &["Apart", "Late"],
            ),
            (
                json!({"hasBlockingRelations": {"eq": true}}),
                &["Early", "Launch"],
            ),
        ],
    )
    .await;
    // Late moved to start after Early ends: nothing is violated.
    let update = "mutation($id: String!, $i: ProjectUpdateInput!) { projectUpdate(id: $id, input: $i) { success } }";
    mutate(
        &api,
        update,
        json!({"id": late, "i": {"startDate": "2030-03-02"}}),
    )
    .await;

    // A project's milestones, status updates and initiatives; an initiative's updates.
    mutate(
        &api,
        "mutation($i: ProjectUpdateCreateInput!) { projectUpdateCreate(input: $i) { success } }",
        json!({"i": {"projectId": LAUNCH, "body": "On track", "health": "onTrack"}}),
    )
    .await;
    assert_filtered(
        &api,
        "projects",
        "ProjectFilter",
        "name",
        [
            (violated, &[][..]),
            (
                json!({"projectMilestones": {"some": {"name": {"eq": "GA"}}}}),
                &["Launch"][..],
            ),
            (
                json!({"projectMilestones": {"length": {"eq": 0}}}),
                &["Apart", "Late", "Early"],
            ),
            (
                json!({"projectUpdates": {"length": {"gt": 0}}}),
                &["Launch"],
            ),
            (
                json!({"initiatives": {"some": {"name": {"eq": "Ship v1"}}}}),
                &["Launch"],
            ),
            (
                json!({"initiatives": {"length": {"eq": 0}}}),
                &["Apart", "Late", "Early"],
            ),
        ],
    )
    .await;
    assert_filtered(
        &api,
        "initiatives",
        "InitiativeFilter",
        "name",
        [(
            json!({"initiativeUpdates": {"length": {"eq": 0}}}),
            &["Ship v1"][..],
        )],
    )
    .await;
}
