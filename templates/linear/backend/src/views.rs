//! Custom views: `customViewCreate`, `customViewUpdate`, `customViewDelete`. A view saves an
//! issue filter (`filterData`), a project filter (`projectFilterData`) or an initiative filter
//! (`initiativeFilterData`); each is checked as the clone's filters read it when written, so a
//! filter field the clone does not implement is refused by name then rather than when the
//! view is read. Its owner is its creator unless `ownerId` says otherwise; `updatedBy` is
//! whoever last wrote it. Reads: `customViews` (the shared views and the viewer's own),
//! `customView`, and the issues and projects a view selects.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{arg_str, context};
use crate::connection::{self, Where};
use crate::entity::{self, CTX};
use crate::error::{self, Result};
use crate::filter::{self, Kind};
use crate::simple::{self, Spec};
use crate::write::Rule;
use crate::{Viewer, queries, write};

type Input = Map<String, serde_json::Value>;

/// `updatedById` is never a client's (Linear's inputs lack it): the resolvers set it.
/// `feedItemFilterData`, `projectId` and `initiativeId` (feed views, and views of one
/// project's or initiative's issues) are not served: refused by name.
const VIEW: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "name",
                "description",
                "icon",
                "color",
                "teamId",
                "ownerId",
                "updatedById",
            ],
        ),
        ("bool", &["shared"]),
        (
            "jsonb",
            &["filterData", "projectFilterData", "initiativeFilterData"],
        ),
    ],
    required: &["name"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    ..Spec::new("CustomView", "custom_views", "customView")
};

/// The saved filters of a view, each with the kind of filter it is.
const FILTERS: [(&str, Kind); 3] = [
    ("filterData", Kind::Issue),
    ("projectFilterData", Kind::Project),
    ("initiativeFilterData", Kind::Initiative),
];

/// `customViewCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let input = prepare(viewer, write::input(ctx)?)?;
    Ok(simple::create(ctx, &VIEW, &input, &[], None).await?.0)
}

/// `customViewUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let input = prepare(viewer, write::input(ctx)?)?;
    simple::update_from(ctx, &VIEW, &input, &[]).await
}

simple::delegate!(
    delete => simple::delete, VIEW, "customViewDelete(id:)";
);

/// A create or update input as written: its filters checked, the viewer as `updatedBy`.
fn prepare(viewer: &Viewer, mut input: Input) -> Result<Input> {
    for (field, kind) in FILTERS {
        if let Some(saved) = input.get(field).filter(|v| !v.is_null()) {
            let saved = Value::from_json(saved.clone()).map_err(crate::error::internal)?;
            filter::apply(&mut Where::default(), kind, Some(&saved))?;
        }
    }
    input.insert("updatedById".to_owned(), viewer.user_id.clone().into());
    Ok(input)
}

/// Whether custom view `t` is one the viewer sees: shared, or the viewer's own.
const VISIBLE_VIEW: &str = "(t.shared OR t.owner_id = {})";

/// `customViewHasSubscribers(id:)`: whether any user has an active notification
/// subscription to the view (by id or `slugId`, one the viewer can see), `{hasSubscribers}`.
pub(crate) async fn has_subscribers(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM notification_subscriptions s
                        WHERE s.custom_view_id = t.id AND s.active)
         FROM custom_views t WHERE (t.id = $1 OR t.slug_id = $1) AND {}",
        VISIBLE_VIEW.replace("{}", "$2")
    );
    let client = shared.kit.db().await.map_err(error::internal)?;
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 2] =
        [&arg_str(ctx, "id")?, &viewer.user_id];
    let row = write::one(&client, &sql, &params, "CustomView").await?;
    Ok(connection::object([(
        "hasSubscribers",
        Value::Boolean(row.get(0)),
    )]))
}

/// `customViews(filter:)`: the views shared with the workspace and the viewer's own.
pub(crate) async fn custom_views(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let scope = (VISIBLE_VIEW, vec![viewer.user_id.clone()]);
    queries::scoped(ctx, "CustomView", Some(Kind::CustomView), Some(scope)).await
}

/// `customView(id:)`: by id or `slugId`; another user's personal view is not found.
pub(crate) async fn custom_view(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = crate::write::id_or_slug(shared, "CustomView", &arg_str(ctx, "id")?).await?;
    let sql = format!(
        "{CTX}SELECT custom_view_doc(t)::text FROM ctx, custom_views t
         WHERE t.id = $3 AND {}",
        VISIBLE_VIEW.replace("{}", "ctx.viewer")
    );
    entity::query(shared, viewer, &sql, &[&id])
        .await?
        .pop()
        .ok_or_else(|| error::not_found("CustomView"))
}

/// `customView.issues(filter:)`: the issues a view of issues selects (its `filterData`, in
/// its team when it has one) and `filter` too; none for a view of anything else.
pub(crate) async fn custom_view_issues(ctx: &ResolverContext<'_>) -> Result<Value> {
    let team = "t.team_id = {}";
    viewed(ctx, ("Issue", Kind::Issue), "filterData", team).await
}

/// `customView.projects(filter:)`: the projects a view of projects selects (its
/// `projectFilterData`, of its team when it has one) and `filter` too; none for a view of
/// anything else.
pub(crate) async fn custom_view_projects(ctx: &ResolverContext<'_>) -> Result<Value> {
    let team = "t.id IN (SELECT project_id FROM project_teams WHERE team_id = {})";
    viewed(ctx, ("Project", Kind::Project), "projectFilterData", team).await
}

/// `customView.initiatives(filter:)`: the initiatives a view of initiatives selects (its
/// `initiativeFilterData`, those its team leads when it has one) and `filter` too; none for a
/// view of anything else.
pub(crate) async fn custom_view_initiatives(ctx: &ResolverContext<'_>) -> Result<Value> {
    let team = "t.lead_team_id = {}";
    viewed(
        ctx,
        ("Initiative", Kind::Initiative),
        "initiativeFilterData",
        team,
    )
    .await
}

/// The page of `entity` a custom view (the parent) of that model lists: the view's `saved`
/// filter, `team` (a condition on `{}`, the team's id) when it is a team's view, and the
/// field's `filter` argument.
async fn viewed(
    ctx: &ResolverContext<'_>,
    (entity, kind): (&str, Kind),
    saved: &str,
    team: &str,
) -> Result<Value> {
    let Some(Value::Object(view)) = crate::args::parent_json(ctx.parent_value) else {
        return Err(error::internal("parent is not an object"));
    };
    let mut conditions = Where::default();
    if view.get("modelName") == Some(&Value::from(entity)) {
        filter::apply(&mut conditions, kind, view.get(saved))?;
        if let Some(Value::Object(owner)) = view.get("team")
            && let Some(Value::String(id)) = owner.get("id")
        {
            let placeholder = conditions.param(id.clone());
            conditions.push(team.replace("{}", &placeholder));
        }
    } else {
        conditions.push("false");
    }
    filter::apply(
        &mut conditions,
        kind,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    connection::list(ctx, entity, conditions).await
}
