//! Release notes: `releaseNoteCreate`/`Update`/`Delete` (a pipeline's note covering the
//! releases `releaseIds` names, or those from `rangeFromReleaseId` to `rangeToReleaseId`),
//! and what reads them through a release or a pipeline (`release.releaseNotes`,
//! `releaseNote.releases`, `releasePipeline.latestReleaseNote`);
//! `releaseSearch`. The root reads (`releaseNotes`, `releaseNote`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{Args, arg_str, context, parent_str};
use crate::connection::Where;
use crate::entity::{self, CTX};
use crate::error::{self, Result, db};
use crate::filter::{self, Kind};
use crate::simple::{self, Spec};
use crate::write;

/// A release note of a pipeline, covering some of its releases; it sends `ReleaseNote`
/// webhooks, as Linear's schema has a payload of them.
const NOTE: Spec = Spec {
    hook: Some("ReleaseNote"),
    fields: &[
        ("text", &["id", "pipelineId", "title", "content"]),
        ("text[]", &["releaseIds"]),
    ],
    linked: &["rangeFromReleaseId", "rangeToReleaseId"],
    required: &["pipelineId"],
    ..Spec::new("ReleaseNote", "release_notes", "releaseNote")
};

/// `releaseNoteCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    let pipeline = write::text(&input, "pipelineId")?.unwrap_or_default();
    let sql = "SELECT id FROM release_pipelines WHERE id = $1";
    write::lookup(shared, sql, &pipeline, "ReleasePipeline").await?;
    covered(ctx, &pipeline, &mut input).await?;
    Ok(simple::create(ctx, &NOTE, &input, &[], None).await?.0)
}

/// `releaseNoteUpdate(id:, input:)`: a new range or list of releases replaces the old.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let sql = "SELECT pipeline_id FROM release_notes WHERE id = $1";
    let pipeline: String = write::lookup(shared, sql, &id, "ReleaseNote").await?.get(0);
    let mut input = write::input(ctx)?;
    if input.contains_key("pipelineId") {
        return Err(error::invalid(
            "Input field `pipelineId` is not supported by the asym Linear clone",
        ));
    }
    covered(ctx, &pipeline, &mut input).await?;
    simple::update_row(ctx, &NOTE, &id, &input, &[]).await
}

/// `releaseNoteDelete(id:)`.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::delete(ctx, &NOTE).await
}

/// Sets `input`'s `releaseIds` to the releases of `pipeline` it covers: those its
/// `rangeFromReleaseId` to `rangeToReleaseId` span (by creation, either end open when left
/// out), else those `releaseIds` names, each a release of the pipeline, else
/// `Entity not found: Release`.
async fn covered(
    ctx: &ResolverContext<'_>,
    pipeline: &str,
    input: &mut Map<String, serde_json::Value>,
) -> Result<()> {
    let (shared, _) = context(ctx)?;
    let from = write::text(input, "rangeFromReleaseId")?;
    let to = write::text(input, "rangeToReleaseId")?;
    let named = if from.is_some() || to.is_some() {
        let ends: Vec<String> = from.iter().chain(to.iter()).cloned().collect();
        let sql = "SELECT coalesce(array_agg(r.id ORDER BY r.created_at, r.id), '{}'),
                          (SELECT count(*) FROM releases e WHERE e.id = ANY($4) AND e.pipeline_id = $1)
                   FROM releases r
                   WHERE r.pipeline_id = $1
                     AND r.created_at >= coalesce((SELECT created_at FROM releases WHERE id = $2), '-infinity')
                     AND r.created_at <= coalesce((SELECT created_at FROM releases WHERE id = $3), 'infinity')";
        let client = shared.kit.db().await.map_err(error::internal)?;
        let row = client
            .query_one(sql, &[&pipeline, &from, &to, &ends])
            .await
            .map_err(db)?;
        if row.get::<_, i64>(1) != ends.len() as i64 {
            return Err(error::not_found("Release"));
        }
        Some(row.get::<_, Vec<String>>(0))
    } else {
        write::texts(input, "releaseIds")?
    };
    input.remove("rangeFromReleaseId");
    input.remove("rangeToReleaseId");
    let Some(named) = named else {
        return Ok(());
    };
    let mut ids: Vec<String> = Vec::with_capacity(named.len());
    for id in named {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let sql = "SELECT count(*) FROM releases WHERE id = ANY($1) AND pipeline_id = $2";
    write::all_found(shared, sql, &[&ids, &pipeline], ids.len(), "Release").await?;
    input.insert("releaseIds".to_owned(), ids.into());
    Ok(())
}

/// Each row `sql` (with [`CTX`], the parent's id as `$3`) renders, as a list.
async fn listed(ctx: &ResolverContext<'_>, sql: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let parent = parent_str(ctx, "id")?;
    let sql = format!("{CTX}{sql}");
    Ok(Value::List(
        entity::query(shared, viewer, &sql, &[&parent]).await?,
    ))
}

/// The first row of [`listed`], else null.
async fn first(ctx: &ResolverContext<'_>, sql: &str) -> Result<Value> {
    match listed(ctx, sql).await? {
        Value::List(mut rows) if !rows.is_empty() => Ok(rows.swap_remove(0)),
        _ => Ok(Value::Null),
    }
}

/// The notes not archived that cover release `$3`, oldest first.
const NOTES_OF_RELEASE: &str =
    "SELECT release_note_doc(t, ctx.base)::text FROM ctx, release_notes t
    WHERE $3 = ANY(t.release_ids) AND t.archived_at IS NULL ORDER BY t.created_at, t.id";

/// `release.releaseNotes`: the notes covering it.
pub(crate) async fn of_release(ctx: &ResolverContext<'_>) -> Result<Value> {
    listed(ctx, NOTES_OF_RELEASE).await
}

/// `releaseNote.releases`: the releases it covers, oldest first.
pub(crate) async fn releases(ctx: &ResolverContext<'_>) -> Result<Value> {
    listed(
        ctx,
        "SELECT release_doc(t, ctx.base)::text FROM ctx, releases t
         WHERE t.id IN (SELECT unnest(n.release_ids) FROM release_notes n WHERE n.id = $3)
         ORDER BY t.created_at, t.id",
    )
    .await
}

/// `releasePipeline.latestReleaseNote`: the newest of its notes whose last release is the
/// pipeline's latest release not archived, else null.
pub(crate) async fn latest(ctx: &ResolverContext<'_>) -> Result<Value> {
    first(
        ctx,
        "SELECT release_note_doc(t, ctx.base)::text FROM ctx, release_notes t
         WHERE t.pipeline_id = $3 AND t.archived_at IS NULL
           AND (SELECT r.id FROM releases r WHERE r.id = ANY(t.release_ids)
                ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
             = (SELECT r.id FROM releases r WHERE r.pipeline_id = $3 AND r.archived_at IS NULL
                ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
         ORDER BY t.created_at DESC, t.id DESC",
    )
    .await
}

/// `releaseSearch(term:, filter:, first:)`: releases not archived whose name, version or
/// pipeline's name holds `term` (case aside), by stage (started, planned, completed,
/// canceled: the clone's order of "stage priority"), newest first within one; at most
/// `first` (20 unless given, at most 250).
pub(crate) async fn search(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let args = Args::of(ctx);
    let first = args.int("first")?.unwrap_or(20).clamp(0, 250);
    let mut conditions = Where::after(2);
    conditions.push("t.archived_at IS NULL");
    if let Some(term) = args.string("term")? {
        let pattern = conditions.param(crate::search::containing(term));
        conditions.push(format!(
            "(t.name ILIKE {pattern} OR t.version ILIKE {pattern}
              OR (SELECT p.name FROM release_pipelines p WHERE p.id = t.pipeline_id) ILIKE {pattern})"
        ));
    }
    filter::apply(&mut conditions, Kind::Release, args.get("filter"))?;
    let sql = format!(
        "{CTX}SELECT release_doc(t, ctx.base)::text FROM ctx, releases t
         WHERE {}
         ORDER BY array_position(ARRAY['started', 'planned', 'completed', 'canceled'],
                  (SELECT s.type FROM release_stages s WHERE s.id = t.stage_id)),
                  t.created_at DESC, t.id DESC
         LIMIT {first}",
        conditions.sql()
    );
    Ok(Value::List(
        entity::query(shared, viewer, &sql, &conditions.params()).await?,
    ))
}
