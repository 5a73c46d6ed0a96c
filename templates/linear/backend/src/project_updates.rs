//! Project updates: `projectUpdateCreate` (health defaults to the project's current one, else
//! onTrack), `projectUpdateUpdate` (stamps `editedAt`), `projectUpdateArchive`/`Unarchive`,
//! `projectUpdateDelete`; and `projectUpdate(id:, projectId:)`, which finds an update by id,
//! or by `slugId` within the project `projectId` names.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{Args, arg_str, context};
use crate::entity;
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write;

const PROJECT_UPDATE: Spec = Spec {
    hook: Some("ProjectUpdate"),
    fields: &[
        ("text", &["id", "projectId", "body", "health"]),
        ("bool", &["isDiffHidden"]),
    ],
    required: &["projectId"],
    creator: Some("user_id"),
    team: Some(
        "SELECT pt.team_id FROM project_updates u JOIN project_teams pt ON pt.project_id = u.project_id
         WHERE u.id = $1 ORDER BY pt.team_id LIMIT 1",
    ),
    ..Spec::new("ProjectUpdate", "project_updates", "projectUpdate")
};

/// `projectUpdateCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    if input.get("health").is_none_or(serde_json::Value::is_null) {
        let project = write::text(&input, "projectId")?.unwrap_or_default();
        let row = write::lookup(
            shared,
            "SELECT coalesce((SELECT health FROM project_updates
                              WHERE project_id = $1 AND archived_at IS NULL
                              ORDER BY created_at DESC, id DESC LIMIT 1), 'onTrack')",
            &project,
            "Project",
        )
        .await?;
        input.insert("health".to_owned(), row.get::<_, String>(0).into());
    }
    Ok(simple::create(ctx, &PROJECT_UPDATE, &input, &[], None)
        .await?
        .0)
}

/// `projectUpdateUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::update(ctx, &PROJECT_UPDATE, &["edited_at = now()"]).await
}

/// `projectUpdateArchive(id:)`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &PROJECT_UPDATE, Archival::Archive).await
}

/// `projectUpdateUnarchive(id:)`.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &PROJECT_UPDATE, Archival::Unarchive).await
}

/// `projectUpdateDelete(id:)` (deprecated by Linear for `projectUpdateArchive`): gone.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::delete(ctx, &PROJECT_UPDATE).await
}

/// `projectUpdate(id:, projectId:)`.
pub(crate) async fn read(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let key = arg_str(ctx, "id")?;
    let id = match Args::of(ctx).string("projectId")? {
        Some(project) => {
            let project = write::id_or_slug(shared, "Project", project).await?;
            let client = shared.kit.db().await.map_err(error::internal)?;
            let row = write::one(
                &client,
                "SELECT id FROM project_updates WHERE (id = $1 OR slug_id = $1) AND project_id = $2",
                &[&key, &project],
                "ProjectUpdate",
            )
            .await?;
            row.get(0)
        }
        None => key,
    };
    entity::get(shared, viewer, "ProjectUpdate", &id).await
}
