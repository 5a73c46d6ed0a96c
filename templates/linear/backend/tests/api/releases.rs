//! Releases: pipelines (with their default stages), stages, releases moving through them
//! (lifecycle stamps, `releaseComplete`, `releaseUpdateByPipeline`), the issues a release
//! ships, archive and trash, filters, `Release` webhooks, and the refusals.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::{
    ADA, ENG, Writes, archive_payload, ask, assert_filtered, client, delete_payload, delivered,
    invalid_argument, missing, mutate, not_found, query, refused_for, refuses, subscribed, with_id,
};

const PIPELINE: &str = "id name slugId type isProduction rolloverIssuesOnCompletion
    includePathPatterns approximateReleaseCount url trashed archivedAt
    teams { nodes { key } } stages { nodes { name type position frozen } }";
const STAGE: &str = "id name color type position frozen archivedAt pipeline { id }";
const NOTE: &str = "id title slugId url releaseCount releases { id } firstRelease { id }
    lastRelease { id } documentContent { content } pipeline { id }";
const RELEASE: &str = "id name version slugId url trashed archivedAt startDate startedAt
    completedAt canceledAt issueCount currentProgress creator { id }
    pipeline { id } stage { name type } issues { nodes { identifier } }
    documents { nodes { id } } links { nodes { id } } releaseNotes { id }";

/// The `field` of each node of the one connection `text` reads (at its first or second
/// level).
async fn nodes_of(api: &Api, text: &str, field: &str) -> Vec<String> {
    let got = ask(api, text).await;
    let (_, top) = got.as_object().unwrap().iter().next().unwrap();
    let connection = match top.get("nodes") {
        Some(_) => top,
        None => top.as_object().unwrap().values().next().unwrap(),
    };
    pluck(&connection["nodes"], field)
}

/// `items` in order.
fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

/// A pipeline of `input`'s, made through `writes`: its id and its stages' ids by type.
async fn pipeline(api: &Api, input: Value) -> (String, Value) {
    let made = Writes::new(api, "ReleasePipeline", "releasePipeline", "id")
        .create(input)
        .await;
    let id = made["id"].as_str().unwrap().to_owned();
    let text = "query($id: String!) { releasePipeline(id: $id) { stages { nodes { id type } } } }";
    let stages = with_id(api, text, &id).await["releasePipeline"]["stages"]["nodes"].clone();
    let mut by_type = json!({});
    for stage in stages.as_array().unwrap() {
        by_type[stage["type"].as_str().unwrap()] = stage["id"].clone();
    }
    (id, by_type)
}

#[asym::clone("linear", seed = "basic")]
async fn a_pipeline_has_its_stages_teams_and_releases(linear: asym::Linear) {
    let api = client(&linear);
    let writes = Writes::new(&api, "ReleasePipeline", "releasePipeline", PIPELINE);
    let made = writes
        .create(json!({"name": "Web", "slugId": "web", "teamIds": [ENG]}))
        .await;
    assert_eq!(
        (&made["type"], &made["isProduction"], &made["slugId"]),
        (&json!("continuous"), &json!(true), &json!("web"))
    );
    assert_eq!(pluck(&made["teams"]["nodes"], "key"), ["ENG"]);
    assert_eq!(
        pluck(&made["stages"]["nodes"], "type"),
        ["canceled", "completed", "started", "planned"],
        "newest first, one of each type"
    );
    let id = made["id"].as_str().unwrap();
    let by_slug = "query($id: String!) { releasePipeline(id: $id) { id } }";
    assert_eq!(
        with_id(&api, by_slug, "web").await["releasePipeline"]["id"],
        id
    );
    let team = "{ team(id: \"ENG\") { releasePipelines { nodes { name } } } }";
    assert_eq!(nodes_of(&api, team, "name").await, ["Web"]);

    let updated = writes
        .update(
            id,
            json!({"name": "Web app", "type": "scheduled", "teamIds": []}),
        )
        .await;
    assert_eq!(
        (&updated["name"], &updated["type"]),
        (&json!("Web app"), &json!("scheduled"))
    );
    assert!(updated["teams"]["nodes"].as_array().unwrap().is_empty());
    assert_filtered(
        &api,
        "releasePipelines",
        "ReleasePipelineFilter",
        "name",
        [
            (json!({"type": {"eq": "scheduled"}}), &["Web app"][..]),
            (json!({"isProduction": {"eq": false}}), &[]),
        ],
    )
    .await;

    // Trashed, then restored; archived, then out of the archive.
    let trashed = archive_payload(&api, "releasePipelineDelete", id, "trashed archivedAt").await;
    assert_eq!(trashed["trashed"], true);
    assert!(trashed["archivedAt"].is_string());
    let back = archive_payload(&api, "releasePipelineUnarchive", id, "trashed archivedAt").await;
    assert_eq!(
        (&back["trashed"], &back["archivedAt"]),
        (&Value::Null, &Value::Null)
    );
    let archived = archive_payload(&api, "releasePipelineArchive", id, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());

    let nowhere = ["c9999999-0000-4000-8000-000000000000"];
    #[rustfmt::skip]
    let cases = [
        (json!({"name": " "}), "name should not be empty"),
        (json!({"name": "x", "slugId": "Not A Slug"}), "slugId must only contain lowercase letters, numbers and dashes"),
        (json!({"name": "Again", "slugId": "web"}), "A release pipeline with this slug already exists."),
        (json!({"name": "x", "teamIds": nowhere}), "Could not find referenced Team."),
    ];
    refuses(&api, &writes.create_doc, &cases).await;
    not_found(&api, "releasePipeline", "nope", "ReleasePipeline").await;
}

#[asym::clone("linear", seed = "basic")]
async fn stages_are_added_edited_and_archived_as_linear_allows(linear: asym::Linear) {
    let api = client(&linear);
    let (pipeline, stages) = pipeline(&api, json!({"name": "Mobile", "type": "scheduled"})).await;
    let writes = Writes::new(&api, "ReleaseStage", "releaseStage", STAGE);
    let beta = writes
        .create(
            json!({"pipelineId": pipeline, "name": "Beta", "color": "#00ff00",
                       "type": "started", "position": 2.5}),
        )
        .await;
    assert_eq!(
        (&beta["type"], &beta["frozen"]),
        (&json!("started"), &json!(false))
    );
    // A canonical duplicate (another planned stage) answers the existing one.
    let planned = writes
        .create(
            json!({"pipelineId": pipeline, "name": "Planned", "color": "#bec2c8",
                       "type": "planned", "position": 9}),
        )
        .await;
    assert_eq!(planned["id"], stages["planned"]);
    let beta_id = beta["id"].as_str().unwrap();
    let frozen = writes
        .update(beta_id, json!({"name": "Beta 2", "frozen": true}))
        .await;
    assert_eq!(
        (&frozen["name"], &frozen["frozen"]),
        (&json!("Beta 2"), &json!(true))
    );
    let listed = "{ releaseStages(filter: {name: {eq: \"Beta 2\"}}) { nodes { id } } }";
    assert_eq!(nodes_of(&api, listed, "id").await, [beta_id]);

    // Only started stages are edited or archived; the last unfrozen one stays.
    for (id, input, message) in [
        (
            &stages["completed"],
            json!({"name": "Done"}),
            "Only started stages can be edited.",
        ),
        (
            &stages["started"],
            json!({"frozen": true}),
            "At least one started stage must remain unfrozen.",
        ),
    ] {
        let variables = json!({"id": id, "input": input});
        invalid_argument(&api, &writes.update_doc, variables, message).await;
    }
    let archive = "mutation($id: String!) { releaseStageArchive(id: $id) { success } }";
    for (id, message) in [
        (&stages["planned"], "Only started stages can be archived."),
        (
            &stages["started"],
            "The last unfrozen started stage cannot be archived.",
        ),
    ] {
        invalid_argument(&api, archive, json!({ "id": id }), message).await;
    }
    let archived = archive_payload(&api, "releaseStageArchive", beta_id, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let back = archive_payload(&api, "releaseStageUnarchive", beta_id, "archivedAt").await;
    assert_eq!(back["archivedAt"], Value::Null);
    let stage = |pipeline: &str, color: &str| json!({"pipelineId": pipeline, "name": "x", "color": color, "type": "started", "position": 1});
    let cases = [
        (
            stage(&pipeline, "green"),
            "color must be a hexadecimal color",
        ),
        (
            stage("nope", "#000"),
            "Could not find referenced ReleasePipeline.",
        ),
    ];
    refuses(&api, &writes.create_doc, &cases).await;
    not_found(&api, "releaseStage", "nope", "ReleaseStage").await;
}

#[asym::clone("linear", seed = "basic")]
async fn a_release_moves_through_its_stages_and_ships_issues(linear: asym::Linear) {
    let api = client(&linear);
    let hooks = subscribed(&api, "Release", None).await;
    let (continuous, _) = pipeline(&api, json!({"name": "API"})).await;
    let (scheduled, stages) = pipeline(&api, json!({"name": "App", "type": "scheduled"})).await;
    let writes = Writes::new(&api, "Release", "release", RELEASE);

    // Without a stage: a continuous pipeline's release is completed, a scheduled one's started.
    let shipped = writes
        .create(json!({"pipelineId": continuous, "name": "1.0", "version": "1.0.0"}))
        .await;
    assert_eq!(shipped["stage"]["type"], "completed");
    assert!(shipped["completedAt"].is_string());
    let sent = delivered(&hooks, "Release", "create").await;
    assert_eq!(
        (&sent["data"]["id"], &sent["data"]["pipelineId"]),
        (&shipped["id"], &json!(continuous))
    );
    let release = writes
        .create(json!({"pipelineId": scheduled, "name": "Sprint 1", "version": "2025.1"}))
        .await;
    assert_eq!(
        (
            &release["stage"]["type"],
            &release["creator"]["id"],
            &release["completedAt"]
        ),
        (&json!("started"), &json!(ADA), &Value::Null)
    );
    assert!(release["startedAt"].is_string() && release["startDate"].is_string());
    let id = release["id"].as_str().unwrap().to_owned();
    delivered(&hooks, "Release", "create").await;

    // Issues join it (by identifier too), once each.
    let link =
        "mutation($input: IssueToReleaseCreateInput!) { issueToReleaseCreate(input: $input) {
        success issueToRelease { id issue { identifier } release { id } } } }";
    let joined = mutate(
        &api,
        link,
        json!({"input": {"issueId": "ENG-1", "releaseId": id}}),
    )
    .await;
    let link_id = joined["issueToRelease"]["id"].as_str().unwrap().to_owned();
    mutate(
        &api,
        link,
        json!({"input": {"issueId": "ENG-2", "releaseId": id}}),
    )
    .await;
    let joins = |release: &str| json!({"issueId": "ENG-1", "releaseId": release});
    let cases = [
        (joins(&id), "The issue is already in the release."),
        (joins("nope"), "Could not find referenced Release."),
    ];
    refuses(&api, link, &cases).await;
    let one = format!("query($id: String!) {{ release(id: $id) {{ {RELEASE} }} }}");
    let got = with_id(&api, &one, &id).await["release"].clone();
    assert_eq!(
        sorted(pluck(&got["issues"]["nodes"], "identifier")),
        ["ENG-1", "ENG-2"]
    );
    assert_eq!(got["issueCount"], 2);
    // An archived issue counts only when asked to.
    let archive = "mutation($id: String!) { issueArchive(id: $id) { success } }";
    mutate(&api, archive, json!({"id": "ENG-2"})).await;
    let counts = "query($id: String!) { release(id: $id) { issueCount all: issueCount(includeArchived: true) } }";
    let counted = with_id(&api, counts, &id).await["release"].clone();
    assert_eq!(
        (&counted["issueCount"], &counted["all"]),
        (&json!(1), &json!(2))
    );
    let unarchive = "mutation($id: String!) { issueUnarchive(id: $id) { success } }";
    mutate(&api, unarchive, json!({"id": "ENG-2"})).await;
    assert!(got["currentProgress"].is_object());
    assert!(got["documents"]["nodes"].as_array().unwrap().is_empty());
    let issue = "{ issue(id: \"ENG-1\") { releases { nodes { name } } } }";
    assert_eq!(nodes_of(&api, issue, "name").await, ["Sprint 1"]);
    let shipping = "{ issues(filter: {releases: {some: {name: {eq: \"Sprint 1\"}}}}) { nodes { identifier } } }";
    assert_eq!(
        sorted(nodes_of(&api, shipping, "identifier").await),
        ["ENG-1", "ENG-2"]
    );
    let all = "{ issueToReleases { nodes { id } } }";
    assert_eq!(nodes_of(&api, all, "id").await.len(), 2);

    // Canceled, then planned: the stamps follow the stage.
    let canceled = writes
        .update(&id, json!({"stageId": stages["canceled"]}))
        .await;
    assert!(canceled["canceledAt"].is_string());
    let updated = delivered(&hooks, "Release", "update").await;
    assert!(updated["updatedFrom"].get("stageId").is_some(), "{updated}");
    let planned = writes
        .update(
            &id,
            json!({"stageId": stages["planned"], "name": "Sprint one"}),
        )
        .await;
    assert_eq!(
        (&planned["canceledAt"], &planned["name"]),
        (&Value::Null, &json!("Sprint one"))
    );
    delivered(&hooks, "Release", "update").await;

    // releaseUpdateByPipeline finds it by version and moves it by stage name; releaseComplete
    // completes the latest started one.
    let by_pipeline =
        "mutation($input: ReleaseUpdateByPipelineInput!) { releaseUpdateByPipeline(input: $input) {
        success release { id stage { type } } } }";
    let moved = mutate(
        &api,
        by_pipeline,
        json!({"input": {"pipelineId": scheduled, "version": "2025.1", "stage": "in progress"}}),
    )
    .await;
    assert_eq!(
        (&moved["release"]["id"], &moved["release"]["stage"]["type"]),
        (&json!(id), &json!("started"))
    );
    delivered(&hooks, "Release", "update").await;
    let complete = "mutation($input: ReleaseCompleteInput!) { releaseComplete(input: $input) {
        success release { id completedAt stage { type } } } }";
    let done = mutate(&api, complete, json!({"input": {"pipelineId": scheduled}})).await;
    delivered(&hooks, "Release", "update").await;
    assert_eq!(
        (&done["release"]["id"], &done["release"]["stage"]["type"]),
        (&json!(id), &json!("completed"))
    );
    let again = [(
        json!({"pipelineId": scheduled}),
        "Could not find referenced Release.",
    )];
    refuses(&api, complete, &again).await;
    refused_for(
        &api,
        complete,
        json!({"input": {"pipelineId": scheduled, "links": [{"url": "https://x.dev"}]}}),
        "`links`",
    )
    .await;
    assert_filtered(
        &api,
        "releases",
        "ReleaseFilter",
        "name",
        [
            (
                json!({"pipeline": {"name": {"eq": "App"}}}),
                &["Sprint one"][..],
            ),
            (
                json!({"stage": {"type": {"eq": "completed"}}, "version": {"eq": "1.0.0"}}),
                &["1.0"],
            ),
            (json!({"hasReleaseNotes": {"eq": true}}), &[]),
        ],
    )
    .await;

    // A version is the pipeline's once; a stage is of the release's pipeline.
    #[rustfmt::skip]
    let cases = [
        (json!({"pipelineId": continuous, "name": "again", "version": "1.0.0"}), "A release with this version already exists in the pipeline."),
        (json!({"pipelineId": continuous, "name": "x", "stageId": stages["planned"]}), "The stage must belong to the release's pipeline."),
        (json!({"pipelineId": continuous, "name": ""}), "name should not be empty"),
        (json!({"pipelineId": "nope", "name": "x"}), "Could not find referenced ReleasePipeline."),
    ];
    refuses(&api, &writes.create_doc, &cases).await;

    // The issue leaves; the release goes to the trash and back, to the archive and back.
    delete_payload(&api, "issueToReleaseDelete", &link_id).await;
    let by_both = "mutation($i: String!, $r: String!) { issueToReleaseDeleteByIssueAndRelease(issueId: $i, releaseId: $r) { success entityId } }";
    mutate(&api, by_both, json!({"i": "ENG-2", "r": id})).await;
    missing(
        &api,
        by_both,
        json!({"i": "ENG-2", "r": id}),
        "IssueToRelease",
    )
    .await;
    let trashed = archive_payload(&api, "releaseDelete", &id, "trashed archivedAt").await;
    assert_eq!(trashed["trashed"], true);
    delivered(&hooks, "Release", "remove").await;
    let back = archive_payload(&api, "releaseUnarchive", &id, "trashed archivedAt").await;
    assert_eq!(back["trashed"], Value::Null);
    archive_payload(&api, "releaseArchive", &id, "archivedAt").await;
    let listed = nodes_of(&api, "{ releases { nodes { name } } }", "name").await;
    assert_eq!(listed, ["1.0"], "archived left out");
    not_found(&api, "release", "nope", "Release").await;
    not_found(&api, "issueToRelease", "nope", "IssueToRelease").await;
}

#[asym::clone("linear", seed = "basic")]
async fn release_notes_cover_a_pipelines_releases_and_releases_are_searched(linear: asym::Linear) {
    let api = client(&linear);
    let (pipeline, _) = pipeline(&api, json!({"name": "Docs"})).await;
    let hooks = subscribed(&api, "ReleaseNote", None).await;
    let writes = Writes::new(&api, "Release", "release", "id");
    let mut ids = Vec::new();
    for name in ["r1", "r2", "r3"] {
        let made = writes
            .create(json!({"pipelineId": pipeline, "name": name}))
            .await;
        ids.push(made["id"].as_str().unwrap().to_owned());
    }
    let notes = Writes::new(&api, "ReleaseNote", "releaseNote", NOTE);
    let range = json!({"pipelineId": pipeline, "title": "Week 1", "content": "# Shipped",
                       "rangeFromReleaseId": ids[0], "rangeToReleaseId": ids[1]});
    let note = notes.create(range).await;
    assert_eq!(pluck(&note["releases"], "id"), ids[..2]);
    assert_eq!(
        (
            &note["releaseCount"],
            &note["firstRelease"]["id"],
            &note["lastRelease"]["id"]
        ),
        (&json!(2), &json!(ids[0]), &json!(ids[1]))
    );
    assert_eq!(note["documentContent"]["content"], "# Shipped");
    let id = note["id"].as_str().unwrap();
    let sent = delivered(&hooks, "ReleaseNote", "create").await;
    assert_eq!(
        (&sent["data"]["releaseIds"], &sent["data"]["lastReleaseId"]),
        (&json!(ids[..2]), &json!(ids[1]))
    );

    // The pipeline's latest note is one covering its latest release (r3: none, then one).
    let latest = "query($id: String!) { releasePipeline(id: $id) { latestReleaseNote { id } } }";
    let latest_of = || async {
        with_id(&api, latest, &pipeline).await["releasePipeline"]["latestReleaseNote"].clone()
    };
    assert_eq!(latest_of().await, Value::Null);
    let moved = notes
        .update(id, json!({"releaseIds": [ids[2]], "title": "Week 2"}))
        .await;
    assert_eq!(pluck(&moved["releases"], "id"), [ids[2].as_str()]);
    assert_eq!(latest_of().await["id"], id);
    let of_release = "query($id: String!) { release(id: $id) { releaseNotes { id title } } }";
    let got = with_id(&api, of_release, &ids[2]).await["release"].clone();
    assert_eq!(pluck(&got["releaseNotes"], "id"), [id]);
    assert_eq!(pluck(&got["releaseNotes"], "title"), ["Week 2"]);
    assert_filtered(
        &api,
        "releaseNotes",
        "ReleaseNoteFilter",
        "title",
        [
            (json!({"release": {"name": {"eq": "r3"}}}), &["Week 2"][..]),
            (json!({"release": {"name": {"eq": "r1"}}}), &[]),
        ],
    )
    .await;
    let noted = [(json!({"hasReleaseNotes": {"eq": true}}), &["r3"][..])];
    assert_filtered(&api, "releases", "ReleaseFilter", "name", noted).await;

    // releaseSearch: by name, version or pipeline name (case aside), newest first in a stage.
    let search = "query($term: String) { releaseSearch(term: $term) { name } }";
    for (term, expected) in [
        ("R2", &["r2"][..]),
        ("docs", &["r3", "r2", "r1"]),
        ("nothing", &[]),
    ] {
        let found = query(&api, search, json!({ "term": term })).await;
        assert_eq!(pluck(&found["releaseSearch"], "name"), expected, "{term}");
    }

    #[rustfmt::skip]
    let cases = [
        (json!({"pipelineId": "nope"}), "Could not find referenced ReleasePipeline."),
        (json!({"pipelineId": pipeline, "releaseIds": ["nope"]}), "Could not find referenced Release."),
        (json!({"pipelineId": pipeline, "rangeFromReleaseId": "nope"}), "Could not find referenced Release."),
    ];
    refuses(&api, &notes.create_doc, &cases).await;
    delivered(&hooks, "ReleaseNote", "update").await;
    delete_payload(&api, "releaseNoteDelete", id).await;
    delivered(&hooks, "ReleaseNote", "remove").await;
    not_found(&api, "releaseNote", id, "ReleaseNote").await;
}

#[asym::clone("linear", seed = "basic")]
async fn release_sync_makes_or_finds_the_release_of_a_build(linear: asym::Linear) {
    let api = client(&linear);
    let (continuous, _) = pipeline(&api, json!({"name": "Service"})).await;
    let (scheduled, _) = pipeline(&api, json!({"name": "Train", "type": "scheduled"})).await;
    let sync = "mutation($input: ReleaseSyncInput!) { releaseSync(input: $input) { success
        release { id name version commitSha stage { type } issues { nodes { identifier } } } } }";
    let synced = |input: Value| {
        let api = &api;
        async move { mutate(api, sync, json!({ "input": input })).await["release"].clone() }
    };
    let refs = |identifiers: &[&str]| -> Value {
        identifiers
            .iter()
            .map(|identifier| json!({"identifier": identifier, "commitSha": "abc1234def"}))
            .collect()
    };

    // Continuous: a completed release per commit; the same commit syncs the same release.
    let first = synced(json!({"pipelineId": continuous, "commitSha": "abc1234def",
        "issueReferences": refs(&["ENG-1", "eng-2", "ENG-999"]),
        "repository": {"owner": "acme", "name": "api", "provider": "github", "url": "https://github.com/acme/api"}}))
    .await;
    assert_eq!(
        (&first["name"], &first["commitSha"], &first["stage"]["type"]),
        (&json!("abc1234"), &json!("abc1234def"), &json!("completed"))
    );
    assert_eq!(
        sorted(pluck(&first["issues"]["nodes"], "identifier")),
        ["ENG-1", "ENG-2"]
    );
    let again = synced(json!({"pipelineId": continuous, "commitSha": "abc1234def",
        "version": "1.2.0", "revertedIssueReferences": refs(&["ENG-2"])}))
    .await;
    assert_eq!(
        (&again["id"], &again["version"]),
        (&first["id"], &json!("1.2.0"))
    );
    assert_eq!(pluck(&again["issues"]["nodes"], "identifier"), ["ENG-1"]);

    // Scheduled: builds accumulate into the started release.
    let train = synced(
        json!({"pipelineId": scheduled, "commitSha": "1111111aaa", "name": "Train 1",
        "issueReferences": refs(&["ENG-3"])}),
    )
    .await;
    assert_eq!(train["stage"]["type"], "started");
    let next = synced(json!({"pipelineId": scheduled, "commitSha": "2222222bbb",
        "issueReferences": refs(&["ENG-4"])}))
    .await;
    assert_eq!(
        (&next["id"], &next["name"]),
        (&train["id"], &json!("Train 1"))
    );
    assert_eq!(
        sorted(pluck(&next["issues"]["nodes"], "identifier")),
        ["ENG-3", "ENG-4"]
    );

    let prs = json!([{"number": 1, "repositoryOwner": "acme", "repositoryName": "api"}]);
    let input = json!({"pipelineId": continuous, "commitSha": "c", "pullRequestReferences": prs});
    refused_for(
        &api,
        sync,
        json!({ "input": input }),
        "`pullRequestReferences`",
    )
    .await;
    let nowhere = [(
        json!({"pipelineId": "nope", "commitSha": "c"}),
        "Could not find referenced ReleasePipeline.",
    )];
    refuses(&api, sync, &nowhere).await;
}
