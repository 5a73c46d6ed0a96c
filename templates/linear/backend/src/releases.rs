//! Releases: release pipelines (`releasePipelineCreate`/`Update`/`Delete`/`Archive`/
//! `Unarchive`; a new one has a stage of each type), their stages (`releaseStageCreate`/
//! `Update`/`Archive`/`Unarchive`), releases (`releaseCreate`/`Update`/`Delete`/`Archive`/
//! `Unarchive`, `releaseComplete`, `releaseUpdateByPipeline`, `releaseSync`) and the issues they ship
//! (`issueToReleaseCreate`/`Delete`/`DeleteByIssueAndRelease`). Releases send `Release`
//! webhooks. Reads (`releases`, `release`, `issue.releases`, …) are in `queries`; the
//! lifecycle stamps a stage move sets are `migrations/0054_releases.sql`'s.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::simple::{self, Archival, Spec};
use crate::write::{self, Rule};

/// A release pipeline; `teamIds` its teams, each one that exists.
const PIPELINE: Spec = Spec {
    fields: &[
        ("text", &["id", "name", "slugId", "type"]),
        (
            "bool",
            &[
                "isProduction",
                "autoGenerateReleaseNotesOnCompletion",
                "rolloverIssuesOnCompletion",
            ],
        ),
        ("text[]", &["includePathPatterns", "teamIds"]),
    ],
    rules: &[("name", Rule::NotBlank), ("slugId", Rule::UrlKey)],
    required: &["name"],
    ..Spec::new("ReleasePipeline", "release_pipelines", "releasePipeline")
};

/// A stage of a pipeline.
const STAGE: Spec = Spec {
    required: &["pipelineId", "name", "color", "type", "position"],
    fields: &[
        ("text", &["id", "pipelineId", "name"]),
        ("text", &["color", "type"]),
        ("float8", &["position"]),
        ("bool", &["frozen"]),
    ],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    ..Spec::new("ReleaseStage", "release_stages", "releaseStage")
};

/// A release of a pipeline, in one of its stages; created by the viewer.
const RELEASE: Spec = Spec {
    hook: Some("Release"),
    fields: &[
        ("text", &["id", "pipelineId", "stageId"]),
        ("text", &["name", "description", "version", "commitSha"]),
        ("date", &["startDate", "targetDate"]),
        ("timestamptz", &["startedAt", "completedAt", "createdAt"]),
    ],
    linked: &["trashed"],
    required: &["name", "pipelineId"],
    rules: &[("name", Rule::NotBlank)],
    creator: Some("creator_id"),
    ..Spec::new("Release", "releases", "release")
};

/// An issue in a release.
const ISSUE_TO_RELEASE: Spec = Spec {
    fields: &[("text", &["id", "issueId", "releaseId"])],
    required: &["issueId", "releaseId"],
    ..Spec::new("IssueToRelease", "issue_to_releases", "issueToRelease")
};

/// The writes that are plain for their resource, by mutation: pipelines and releases go to
/// the trash on delete, as Linear's schema says, and out of it (and the archive) on
/// unarchive; a release's `trashed` moves it to the trash or out of it.
pub(crate) async fn plain(ctx: &ResolverContext<'_>) -> Result<Value> {
    match ctx.field().name() {
        "releasePipelineCreate" => simple::create_plain(ctx, &PIPELINE).await,
        "releasePipelineUpdate" => simple::update_plain(ctx, &PIPELINE).await,
        "releasePipelineArchive" => simple::archive(ctx, &PIPELINE).await,
        "releasePipelineDelete" => simple::trash(ctx, &PIPELINE).await,
        "releasePipelineUnarchive" => simple::untrash(ctx, &PIPELINE).await,
        "releaseUpdate" => simple::update_trashable(ctx, &RELEASE).await,
        "releaseArchive" => simple::archive(ctx, &RELEASE).await,
        "releaseDelete" => simple::trash(ctx, &RELEASE).await,
        "releaseUnarchive" => simple::untrash(ctx, &RELEASE).await,
        "releaseStageUnarchive" => simple::unarchive(ctx, &STAGE).await,
        "issueToReleaseDelete" => simple::delete(ctx, &ISSUE_TO_RELEASE).await,
        other => Err(error::internal(format!("no plain release write {other}"))),
    }
}

/// `releaseCreate(input:)`: without a `stageId`, the pipeline's first completed stage
/// (continuous) or first started stage (scheduled), as the migration's trigger picks it.
pub(crate) async fn release_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    if input.contains_key("trashed") {
        return Err(error::invalid(
            "Input field `trashed` is not supported by the asym Linear clone",
        ));
    }
    pipeline_exists(ctx, &input).await?;
    Ok(simple::create(ctx, &RELEASE, &input, &[], None).await?.0)
}

/// Refuses an input whose `pipelineId` names no pipeline, before the stage is looked for.
async fn pipeline_exists(
    ctx: &ResolverContext<'_>,
    input: &Map<String, serde_json::Value>,
) -> Result<()> {
    let (shared, _) = context(ctx)?;
    if let Some(pipeline) = write::text(input, "pipelineId")? {
        let sql = "SELECT id FROM release_pipelines WHERE id = $1";
        write::lookup(shared, sql, &pipeline, "ReleasePipeline").await?;
    }
    Ok(())
}

/// What Linear's schema says of a stage of another type than `started`.
const STARTED_ONLY: &str = "Only started stages can be edited.";

/// The type of stage `id`, and whether it has releases not archived.
async fn stage_of(ctx: &ResolverContext<'_>, id: &str) -> Result<(String, String, bool)> {
    let (shared, _) = context(ctx)?;
    let sql = "SELECT s.type, s.pipeline_id, EXISTS (SELECT 1 FROM releases r
                   WHERE r.stage_id = s.id AND r.archived_at IS NULL)
               FROM release_stages s WHERE s.id = $1";
    let row = write::lookup(shared, sql, id, "ReleaseStage").await?;
    Ok((row.get(0), row.get(1), row.get(2)))
}

/// `releaseStageCreate(input:)`: a started stage is added; a stage of another type is
/// unique in its pipeline, so a second answers the one the pipeline has (Linear's
/// "creating a canonical duplicate returns the existing stage").
pub(crate) async fn stage_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = write::input(ctx)?;
    pipeline_exists(ctx, &input).await?;
    let kind = write::text(&input, "type")?.unwrap_or_default();
    if input.get("frozen") == Some(&serde_json::Value::Bool(true)) && kind != "started" {
        return Err(error::validation("Only started stages can be frozen."));
    }
    if kind != "started"
        && let Some(pipeline) = write::text(&input, "pipelineId")?
    {
        let mut client = shared.kit.db().await.map_err(error::internal)?;
        let tx = client.transaction().await.map_err(error::internal)?;
        let existing = tx
            .query_opt(
                "SELECT id FROM release_stages WHERE pipeline_id = $1 AND type = $2
                 ORDER BY archived_at IS NULL DESC, position LIMIT 1",
                &[&pipeline, &kind],
            )
            .await
            .map_err(db)?;
        if let Some(row) = existing {
            let id: String = row.get(0);
            let (object, _, sync) = write::render(&tx, shared, viewer, "ReleaseStage", &id).await?;
            write::commit(shared, tx, false).await?;
            return Ok(write::payload("releaseStage", object, sync));
        }
    }
    Ok(simple::create(ctx, &STAGE, &input, &[], None).await?.0)
}

/// `releaseStageUpdate(id:, input:)`: only a started stage (its name, colour, position,
/// whether it is frozen); at least one started stage of its pipeline stays unfrozen.
pub(crate) async fn stage_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    let (kind, pipeline, _) = stage_of(ctx, &id).await?;
    if kind != "started" {
        return Err(error::validation(STARTED_ONLY));
    }
    let input = write::input(ctx)?;
    if input.get("frozen") == Some(&serde_json::Value::Bool(true))
        && others_started(ctx, &pipeline, &id).await? == 0
    {
        return Err(error::validation(
            "At least one started stage must remain unfrozen.",
        ));
    }
    simple::update_from(ctx, &STAGE, &input, &[]).await
}

/// How many started stages of `pipeline` other than `id` are neither archived nor frozen.
async fn others_started(ctx: &ResolverContext<'_>, pipeline: &str, id: &str) -> Result<i64> {
    let (shared, _) = context(ctx)?;
    let client = shared.kit.db().await.map_err(error::internal)?;
    let row = client
        .query_one(
            "SELECT count(*) FROM release_stages WHERE pipeline_id = $1 AND id <> $2
               AND type = 'started' AND archived_at IS NULL AND NOT frozen",
            &[&pipeline, &id],
        )
        .await
        .map_err(db)?;
    Ok(row.get(0))
}

/// `releaseStageArchive(id:)`: only a started stage with no release not archived, and not
/// the last started stage left unfrozen.
pub(crate) async fn stage_archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    let (kind, pipeline, busy) = stage_of(ctx, &id).await?;
    if kind != "started" {
        return Err(error::validation("Only started stages can be archived."));
    }
    if busy {
        return Err(error::validation(
            "A stage with active releases cannot be archived.",
        ));
    }
    if others_started(ctx, &pipeline, &id).await? == 0 {
        return Err(error::validation(
            "The last unfrozen started stage cannot be archived.",
        ));
    }
    simple::archival_at(ctx, &STAGE, &id, Archival::Archive).await
}

/// `issueToReleaseCreate(input:)`: `issueId` an id or an identifier (`ENG-1`); an issue is in
/// a release once.
pub(crate) async fn issue_to_release_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    if let Some(issue) = write::text(&input, "issueId")? {
        let id = crate::issues::resolve_id(shared, &issue).await?;
        input.insert("issueId".to_owned(), id.into());
    }
    Ok(simple::create(ctx, &ISSUE_TO_RELEASE, &input, &[], None)
        .await?
        .0)
}

/// `issueToReleaseDeleteByIssueAndRelease(issueId:, releaseId:)`: the issue (an id or an
/// identifier) leaves the release.
pub(crate) async fn unlink(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let issue = crate::issues::resolve_id(shared, &arg_str(ctx, "issueId")?).await?;
    let release = arg_str(ctx, "releaseId")?;
    let sql = "SELECT id FROM issue_to_releases WHERE issue_id = $1 AND release_id = $2";
    let row = write::find(shared, sql, &[&issue, &release], "IssueToRelease").await?;
    simple::delete_row(ctx, &ISSUE_TO_RELEASE, row.get(0)).await
}

/// `releaseComplete(input:)`: the release of `version` in the pipeline, else its latest
/// started one, moved to the pipeline's first completed stage (`name` and `commitSha`
/// written too). `documents`, `links` and `releaseNotes` are refused by name.
pub(crate) async fn complete(ctx: &ResolverContext<'_>) -> Result<Value> {
    by_pipeline(ctx, "completed", &["started"]).await
}

/// `releaseUpdateByPipeline(input:)`: the release of `version` in the pipeline, else its
/// latest started or planned one, moved to the stage named `stage` (if given; else
/// `Entity not found: ReleaseStage`) and renamed by `name`.
pub(crate) async fn update_by_pipeline(ctx: &ResolverContext<'_>) -> Result<Value> {
    by_pipeline(ctx, "", &["started", "planned"]).await
}

/// Finds a pipeline's release as [`complete`] and [`update_by_pipeline`] do and moves it to
/// the first stage of type `target` (or, when empty, the stage the input's `stage` names).
async fn by_pipeline(ctx: &ResolverContext<'_>, target: &str, latest: &[&str]) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    write::only(
        &input,
        &["pipelineId", "version", "name", "commitSha", "stage"],
    )?;
    pipeline_exists(ctx, &input).await?;
    let pipeline = write::text(&input, "pipelineId")?.unwrap_or_default();
    let version = write::text(&input, "version")?;
    let stage = write::text(&input, "stage")?;
    let latest: Vec<String> = latest.iter().map(|kind| (*kind).to_owned()).collect();
    let release = write::find(
        shared,
        "SELECT r.id FROM releases r JOIN release_stages s ON s.id = r.stage_id
         WHERE r.pipeline_id = $1 AND r.archived_at IS NULL
           AND CASE WHEN $2::text IS NULL THEN s.type = ANY($3) ELSE r.version = $2 END
         ORDER BY array_position($3, s.type), r.created_at DESC LIMIT 1",
        &[&pipeline, &version, &latest],
        "Release",
    )
    .await?;
    // The first stage of type `target`, else the one the input names (case aside).
    let (by, key) = match (target, stage) {
        ("", Some(name)) => ("lower(name) = lower($2)", name),
        ("", None) => ("", String::new()),
        (kind, _) => ("type = $2", kind.to_owned()),
    };
    if !by.is_empty() {
        let sql = format!(
            "SELECT id FROM release_stages WHERE pipeline_id = $1 AND archived_at IS NULL AND {by}
             ORDER BY position LIMIT 1"
        );
        let row = write::find(shared, &sql, &[&pipeline, &key], "ReleaseStage").await?;
        input.insert("stageId".to_owned(), row.get::<_, String>(0).into());
    }
    for field in ["pipelineId", "version", "stage"] {
        input.remove(field);
    }
    let id: String = release.get(0);
    simple::update_row(ctx, &RELEASE, &id, &input, &[]).await
}

/// `releaseSync(input:)`, as CI reports a build: the release it syncs is, in a continuous
/// pipeline, its release of `commitSha`, else a new one (completed); in a scheduled one, its
/// latest release in a started stage not frozen, else a new one (started). A new release is
/// named `name`, else `version`, else the commit's first seven characters (the clone's
/// default). The issues `issueReferences` name (by identifier; unknown ones skipped) join it
/// and those `revertedIssueReferences` name leave it. `repository` and `debugSink` are taken
/// and not kept; pull requests, documents, links and release notes are refused by name.
pub(crate) async fn sync(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = write::input(ctx)?;
    write::only(
        &input,
        &[
            "pipelineId",
            "commitSha",
            "name",
            "version",
            "issueReferences",
            "revertedIssueReferences",
            "repository",
            "debugSink",
        ],
    )?;
    pipeline_exists(ctx, &input).await?;
    let [pipeline, sha] = ["pipelineId", "commitSha"].map(|key| write::text(&input, key));
    let (pipeline, sha) = (pipeline?.unwrap_or_default(), sha?.unwrap_or_default());
    let (name, version) = (
        write::text(&input, "name")?,
        write::text(&input, "version")?,
    );
    let (joining, leaving) = (
        identifiers(&input, "issueReferences")?,
        identifiers(&input, "revertedIssueReferences")?,
    );
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let found = tx
        .query_opt(
            "SELECT r.id FROM releases r
               JOIN release_stages s ON s.id = r.stage_id
               JOIN release_pipelines p ON p.id = r.pipeline_id
             WHERE r.pipeline_id = $1 AND r.archived_at IS NULL
               AND CASE p.type WHEN 'continuous' THEN r.commit_sha = $2
                               ELSE s.type = 'started' AND NOT s.frozen END
             ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
            &[&pipeline, &sha],
        )
        .await
        .map_err(db)?;
    let (id, action): (String, &'static str) = match found {
        Some(row) => {
            let id: String = row.get(0);
            tx.execute(
                "UPDATE releases SET commit_sha = $2, name = coalesce($3, name),
                        version = coalesce($4, version), updated_at = now() WHERE id = $1",
                &[&id, &sha, &name, &version],
            )
            .await
            .map_err(db)?;
            (id, "update")
        }
        None => {
            let row = tx
                .query_one(
                    "INSERT INTO releases (pipeline_id, name, version, commit_sha, creator_id)
                     VALUES ($1, coalesce($2, $3, left($4, 7)), $3, $4, $5) RETURNING id",
                    &[&pipeline, &name, &version, &sha, &viewer.user_id],
                )
                .await
                .map_err(db)?;
            (row.get(0), "create")
        }
    };
    tx.execute(
        "INSERT INTO issue_to_releases (issue_id, release_id)
         SELECT i.id, $1 FROM issues i WHERE i.identifier = ANY($2)
         ON CONFLICT (issue_id, release_id) DO NOTHING",
        &[&id, &joining],
    )
    .await
    .map_err(db)?;
    tx.execute(
        "DELETE FROM issue_to_releases WHERE release_id = $1
           AND issue_id IN (SELECT i.id FROM issues i WHERE i.identifier = ANY($2))",
        &[&id, &leaving],
    )
    .await
    .map_err(db)?;
    simple::finish(&RELEASE, shared, viewer, tx, &id, (action, None)).await
}

/// The issue identifiers (upper-cased, as Linear writes them) of `input`'s list of
/// `IssueReferenceInput` under `key`.
fn identifiers(input: &Map<String, serde_json::Value>, key: &str) -> Result<Vec<String>> {
    let Some(serde_json::Value::Array(references)) = input.get(key) else {
        return Ok(Vec::new());
    };
    references
        .iter()
        .map(|reference| match reference.get("identifier") {
            Some(serde_json::Value::String(text)) => Ok(text.to_uppercase()),
            _ => Err(error::invalid(format!(
                "`{key}` items need an `identifier`"
            ))),
        })
        .collect()
}
