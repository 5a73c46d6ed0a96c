//! Roadmaps (deprecated by Linear for initiatives, still in its API): `roadmapCreate`/
//! `Update`/`Delete`/`Archive`/`Unarchive`, and the projects on them
//! (`roadmapToProjectCreate`/`Update`/`Delete`). Reads (`roadmaps`, `roadmap`,
//! `roadmap.projects`, `roadmapToProjects`, `roadmapToProject`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::Result;
use crate::simple::{self, Spec};
use crate::write::Rule;

/// A roadmap, made by the viewer, owned by `ownerId`.
const ROADMAP: Spec = Spec {
    creator: Some("creator_id"),
    fields: &[
        ("text", &["id", "name", "description"]),
        ("text", &["color", "ownerId"]),
        ("float8", &["sortOrder"]),
    ],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    required: &["name"],
    ..Spec::new("Roadmap", "roadmaps", "roadmap")
};

/// A project on a roadmap, once.
const ON_ROADMAP: Spec = Spec {
    required: &["roadmapId", "projectId"],
    fields: &[
        ("text", &["id", "roadmapId", "projectId"]),
        ("float8", &["sortOrder"]),
    ],
    ..Spec::new(
        "RoadmapToProject",
        "roadmap_to_projects",
        "roadmapToProject",
    )
};

/// Every roadmap mutation: the plain write its name says (`…Create`, `…Update`, `…Delete`,
/// `…Archive`, `…Unarchive`) of the resource it names. Archived, a roadmap keeps its
/// projects (it has no trash); deleted, its links go with it; a project is on a roadmap once
/// (`roadmap_to_projects_unique`).
pub(crate) async fn write(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::by_name(ctx, &[&ROADMAP, &ON_ROADMAP]).await
}
