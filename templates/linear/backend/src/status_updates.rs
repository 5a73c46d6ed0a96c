//! Status updates of projects and initiatives: `projectUpdateCreate`/`initiativeUpdateCreate`
//! (health defaults to the parent's current one, else onTrack), `…UpdateUpdate` (stamps
//! `editedAt`), `…UpdateArchive`/`Unarchive`, `projectUpdateDelete`; and
//! `projectUpdate(id:, projectId:)`, which finds an update by id, or by `slugId` within the
//! project `projectId` names.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{Args, arg_str, context};
use crate::entity;
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write;

/// One kind of status update: its spec and the input field naming its parent.
#[derive(Debug)]
struct Kind {
    spec: Spec,
    parent: &'static str,
}

/// The current health of the project or initiative `$1`, `onTrack` when it has no update.
const CURRENT_HEALTH: &str = "SELECT coalesce(latest_update($1) ->> 'health', 'onTrack')";

/// The kind of status update `entity` in `table`, answered under `key`, of the parent its
/// input field `parent` names; `team` finds an update's team. The two kinds differ in
/// nothing else.
macro_rules! kind {
    ($entity:literal, $table:literal, $key:literal, parent: $parent:literal, team: $team:literal) => {
        Kind {
            spec: Spec {
                hook: Some($entity),
                fields: &[
                    ("text", &["id", $parent, "body", "health"]),
                    ("bool", &["isDiffHidden"]),
                ],
                required: &[$parent],
                creator: Some("user_id"),
                team: Some($team),
                ..Spec::new($entity, $table, $key)
            },
            parent: $parent,
        }
    };
}

const PROJECT: Kind = kind!(
    "ProjectUpdate", "project_updates", "projectUpdate",
    parent: "projectId",
    team: "SELECT pt.team_id FROM project_updates u
           JOIN project_teams pt ON pt.project_id = u.project_id
           WHERE u.id = $1 ORDER BY pt.team_id LIMIT 1"
);

const INITIATIVE: Kind = kind!(
    "InitiativeUpdate", "initiative_updates", "initiativeUpdate",
    parent: "initiativeId",
    team: "SELECT i.lead_team_id FROM initiative_updates u
           JOIN initiatives i ON i.id = u.initiative_id WHERE u.id = $1"
);

/// `…UpdateCreate(input:)` of `kind`.
async fn create(ctx: &ResolverContext<'_>, kind: &Kind) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    if input.get("health").is_none_or(serde_json::Value::is_null) {
        let parent = write::text(&input, kind.parent)?.unwrap_or_default();
        let row = write::lookup(shared, CURRENT_HEALTH, &parent, kind.spec.entity).await?;
        input.insert("health".to_owned(), row.get::<_, String>(0).into());
    }
    Ok(simple::create(ctx, &kind.spec, &input, &[], None).await?.0)
}

/// `…UpdateUpdate(id:, input:)` of `kind`: an edit.
async fn update(ctx: &ResolverContext<'_>, kind: &Kind) -> Result<Value> {
    simple::update(ctx, &kind.spec, &["edited_at = now()"]).await
}

/// `…UpdateArchive(id:)` of `kind`.
async fn archive(ctx: &ResolverContext<'_>, kind: &Kind) -> Result<Value> {
    simple::archival_of(ctx, &kind.spec, Archival::Archive).await
}

/// `…UpdateUnarchive(id:)` of `kind`.
async fn unarchive(ctx: &ResolverContext<'_>, kind: &Kind) -> Result<Value> {
    simple::archival_of(ctx, &kind.spec, Archival::Unarchive).await
}

/// `projectUpdateDelete(id:)` (deprecated by Linear for `projectUpdateArchive`): gone.
async fn delete(ctx: &ResolverContext<'_>, kind: &Kind) -> Result<Value> {
    simple::delete(ctx, &kind.spec).await
}

simple::delegate!(
    project_create => create, PROJECT, "projectUpdateCreate(input:)";
    project_update => update, PROJECT, "projectUpdateUpdate(id:, input:)";
    project_archive => archive, PROJECT, "projectUpdateArchive(id:)";
    project_unarchive => unarchive, PROJECT, "projectUpdateUnarchive(id:)";
    project_delete => delete, PROJECT, "projectUpdateDelete(id:)";
    initiative_create => create, INITIATIVE, "initiativeUpdateCreate(input:)";
    initiative_update => update, INITIATIVE, "initiativeUpdateUpdate(id:, input:)";
    initiative_archive => archive, INITIATIVE, "initiativeUpdateArchive(id:)";
    initiative_unarchive => unarchive, INITIATIVE, "initiativeUpdateUnarchive(id:)";
);

/// `projectUpdate(id:, projectId:)`.
pub(crate) async fn project_read(ctx: &ResolverContext<'_>) -> Result<Value> {
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
