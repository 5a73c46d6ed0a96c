//! Project labels: `projectLabelCreate`/`Update`/`Delete`, `projectLabelRetire`/`Restore`, and
//! a project's labels (`projectAddLabel`, `projectRemoveLabel`). Reads (`projectLabels`,
//! `projectLabel`, `organization.projectLabels`, `project.labels`, a label's `children` and
//! `projects`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};

/// A project label: the workspace's, or a team's (`teamId`).
const LABEL: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "name",
                "description",
                "color",
                "parentId",
                "teamId",
                "groupType",
            ],
        ),
        ("bool", &["isGroup"]),
        ("timestamptz", &["retiredAt"]),
    ],
    required: &["name"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    // Its projects lose it; its children stay, at the top level.
    unlink: &[
        "UPDATE projects SET label_ids = array_remove(label_ids, $1) WHERE $1 = ANY(label_ids)",
        "UPDATE project_labels SET parent_id = NULL WHERE parent_id = $1",
    ],
    ..Spec::new("ProjectLabel", "project_labels", "projectLabel")
};

/// A label's retirement, written by `projectLabelRetire` and `projectLabelRestore`.
const RETIREMENT: Spec = Spec::retirement(LABEL);

/// Refuses `replaceTeamLabels: true` (the clone does not merge team labels into a workspace
/// label); null or false is what it does anyway.
fn no_replacing(ctx: &ResolverContext<'_>) -> Result<()> {
    let replace = ctx.args.get("replaceTeamLabels");
    if replace.and_then(|value| value.boolean().ok()) == Some(true) {
        return Err(error::invalid(
            "Argument `replaceTeamLabels` is not supported by the asym Linear clone",
        ));
    }
    Ok(())
}

/// `projectLabelCreate(input:, replaceTeamLabels:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    no_replacing(ctx)?;
    simple::create_plain(ctx, &LABEL).await
}

/// `projectLabelUpdate(id:, input:, replaceTeamLabels:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    no_replacing(ctx)?;
    simple::update_plain(ctx, &LABEL).await
}

simple::delegate!(
    delete => simple::delete, LABEL, "projectLabelDelete(id:)";
    // A retired label stays on its projects.
    retire => simple::retire, RETIREMENT, "projectLabelRetire(id:)";
    restore => simple::restore, RETIREMENT, "projectLabelRestore(id:)";
);

/// `projectAddLabel(id:, labelId:)`: the project (by id or `slugId`) has the label once;
/// the label was last applied now.
pub(crate) async fn add(ctx: &ResolverContext<'_>) -> Result<Value> {
    relabel(
        ctx,
        "UPDATE projects SET label_ids = array_append(label_ids, $2), updated_at = now()
         WHERE id = $1 AND NOT $2 = ANY(label_ids)",
        Some("UPDATE project_labels SET last_applied_at = now() WHERE id = $1"),
    )
    .await
}

/// `projectRemoveLabel(id:, labelId:)`.
pub(crate) async fn remove(ctx: &ResolverContext<'_>) -> Result<Value> {
    relabel(
        ctx,
        "UPDATE projects SET label_ids = array_remove(label_ids, $2), updated_at = now()
         WHERE id = $1 AND $2 = ANY(label_ids)",
        None,
    )
    .await
}

/// Changes the labels of the project `id` names by `change` (the project's id `$1`, the
/// label's `$2`), then `applied` (the label's id `$1`) if it changed anything; answers
/// `ProjectPayload`. Either unknown is not found.
async fn relabel(ctx: &ResolverContext<'_>, change: &str, applied: Option<&str>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let project = write::id_or_slug(shared, "Project", &arg_str(ctx, "id")?).await?;
    let label = arg_str(ctx, "labelId")?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let known = "SELECT 1 FROM project_labels WHERE id = $1";
    write::one(&tx, known, &[&label], "ProjectLabel").await?;
    if tx.execute(change, &[&project, &label]).await.map_err(db)? > 0
        && let Some(applied) = applied
    {
        tx.execute(applied, &[&label]).await.map_err(db)?;
    }
    let (object, _, sync) = write::render(&tx, shared, viewer, "Project", &project).await?;
    write::commit(shared, tx, false).await?;
    Ok(write::payload("project", object, sync))
}
