//! The workspace's project statuses: `projectStatusCreate`/`Update`/`Archive`/`Unarchive`
//! (Linear sends no webhook for them). Reads (`projectStatuses`, `projectStatus`) are in
//! `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::Result;
use crate::simple::{self, Archival, Spec};
use crate::write::Rule;

/// A project status: its `type` (one of `ProjectStatusType`, which GraphQL holds it to) is
/// what a project in it counts as; archived, it is listed only with `includeArchived`, and
/// the projects in it keep it.
const STATUS: Spec = Spec {
    fields: &[
        ("text", &["id", "name", "color", "description", "type"]),
        ("float8", &["position"]),
        ("bool", &["indefinite"]),
    ],
    required: &["name", "color", "position", "type"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    ..Spec::new("ProjectStatus", "project_statuses", "status")
};

simple::delegate!(
    create => simple::create_plain, STATUS, "projectStatusCreate(input:)";
    update => simple::update_plain, STATUS, "projectStatusUpdate(id:, input:)";
);

/// `projectStatusArchive(id:)`: `{success, lastSyncId, entity}`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &STATUS, Archival::Archive).await
}

/// `projectStatusUnarchive(id:)`.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &STATUS, Archival::Unarchive).await
}
