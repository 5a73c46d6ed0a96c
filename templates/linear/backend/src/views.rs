//! Custom views: `customViewCreate`, `customViewUpdate`, `customViewDelete`. A view saves an
//! issue filter (`filterData`), a project filter (`projectFilterData`) or an initiative filter
//! (`initiativeFilterData`); each is checked as the clone's filters read it when written, so a
//! filter field the clone does not implement is refused by name then rather than when the
//! view is read. Its owner is its creator unless `ownerId` says otherwise; `updatedBy` is
//! whoever last wrote it.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::context;
use crate::connection::Where;
use crate::error::Result;
use crate::filter::{self, Kind};
use crate::simple::{self, Spec};
use crate::write::Rule;
use crate::{Viewer, write};

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
