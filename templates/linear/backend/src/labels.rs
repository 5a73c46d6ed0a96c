//! Project and initiative labels: `projectLabelCreate`/`Update`/`Delete`/`Retire`/`Restore`
//! and a project's labels (`projectAddLabel`, `projectRemoveLabel`); the same of initiative
//! labels and initiatives. Reads (`projectLabels`, `initiativeLabels`, `project.labels`, a
//! label's `children`, …) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};

/// A project label: the workspace's, or a team's (`teamId`); its creation, changes and removal
/// are `ProjectLabel` webhooks (heard by its team's, or every team's for a workspace label).
const LABEL: Spec = Spec {
    hook: Some("ProjectLabel"),
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
    team: Some("SELECT team_id FROM project_labels WHERE id = $1"),
    unlink: simple::label_unlink!("projects", "project_labels"),
    ..Spec::new("ProjectLabel", "project_labels", "projectLabel")
};

/// A label's retirement, written by `projectLabelRetire` and `projectLabelRestore`.
const RETIREMENT: Spec = Spec::retirement(LABEL);

/// An initiative label: the workspace's, written as a project label is (its input types have
/// no `teamId`, so none ever reaches it), but announced to no webhook (Linear's webhook
/// payloads have no initiative label).
const INITIATIVE_LABEL: Spec = Spec {
    entity: "InitiativeLabel",
    hook: None,
    team: None,
    table: "initiative_labels",
    key: "initiativeLabel",
    unlink: simple::label_unlink!("initiatives", "initiative_labels"),
    ..LABEL
};

/// An initiative label's retirement.
const INITIATIVE_RETIREMENT: Spec = Spec::retirement(INITIATIVE_LABEL);

/// What has labels: its entity and table, and its labels' entity and table.
struct Owner {
    entity: &'static str,
    /// The payload's key for it.
    key: &'static str,
    table: &'static str,
    label: &'static str,
    labels: &'static str,
}

const PROJECTS: Owner = Owner {
    entity: "Project",
    key: "project",
    table: "projects",
    label: "ProjectLabel",
    labels: "project_labels",
};

const INITIATIVES: Owner = Owner {
    entity: "Initiative",
    key: "initiative",
    table: "initiatives",
    label: "InitiativeLabel",
    labels: "initiative_labels",
};

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
    // A retired label stays on its projects (and initiatives).
    retire => simple::retire, RETIREMENT, "projectLabelRetire(id:)";
    restore => simple::restore, RETIREMENT, "projectLabelRestore(id:)";
    add => relabel_add, PROJECTS, "projectAddLabel(id:, labelId:)";
    remove => relabel_remove, PROJECTS, "projectRemoveLabel(id:, labelId:)";
    initiative_label_create => simple::create_plain, INITIATIVE_LABEL, "initiativeLabelCreate(input:)";
    initiative_label_update => simple::update_plain, INITIATIVE_LABEL, "initiativeLabelUpdate(id:, input:)";
    initiative_label_delete => simple::delete, INITIATIVE_LABEL, "initiativeLabelDelete(id:)";
    initiative_label_retire => simple::retire, INITIATIVE_RETIREMENT, "initiativeLabelRetire(id:)";
    initiative_label_restore => simple::restore, INITIATIVE_RETIREMENT, "initiativeLabelRestore(id:)";
    initiative_add => relabel_add, INITIATIVES, "initiativeAddLabel(id:, labelId:)";
    initiative_remove => relabel_remove, INITIATIVES, "initiativeRemoveLabel(id:, labelId:)";
);

/// `…AddLabel(id:, labelId:)`: the owner (by id or `slugId`) has the label once; the label was
/// last applied now.
async fn relabel_add(ctx: &ResolverContext<'_>, owner: &Owner) -> Result<Value> {
    let change = format!(
        "UPDATE {} SET label_ids = array_append(label_ids, $2), updated_at = now()
         WHERE id = $1 AND NOT $2 = ANY(label_ids)",
        owner.table
    );
    let applied = format!(
        "UPDATE {} SET last_applied_at = now() WHERE id = $1",
        owner.labels
    );
    relabel(ctx, owner, &change, Some(&applied)).await
}

/// `…RemoveLabel(id:, labelId:)`.
async fn relabel_remove(ctx: &ResolverContext<'_>, owner: &Owner) -> Result<Value> {
    let change = format!(
        "UPDATE {} SET label_ids = array_remove(label_ids, $2), updated_at = now()
         WHERE id = $1 AND $2 = ANY(label_ids)",
        owner.table
    );
    relabel(ctx, owner, &change, None).await
}

/// Changes the labels of the `owner` row `id` names by `change` (the row's id `$1`, the
/// label's `$2`), then `applied` (the label's id `$1`) if it changed anything; answers the
/// owner's payload. Either unknown is not found.
async fn relabel(
    ctx: &ResolverContext<'_>,
    owner: &Owner,
    change: &str,
    applied: Option<&str>,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = write::id_or_slug(shared, owner.entity, &arg_str(ctx, "id")?).await?;
    let label = arg_str(ctx, "labelId")?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let known = format!("SELECT 1 FROM {} WHERE id = $1", owner.labels);
    write::one(&tx, &known, &[&label], owner.label).await?;
    if tx.execute(change, &[&id, &label]).await.map_err(db)? > 0
        && let Some(applied) = applied
    {
        tx.execute(applied, &[&label]).await.map_err(db)?;
    }
    let (object, _, sync) = write::render(&tx, shared, viewer, owner.entity, &id).await?;
    write::commit(shared, tx, false).await?;
    Ok(write::payload(owner.key, object, sync))
}
