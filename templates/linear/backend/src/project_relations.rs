//! Project dependencies: `projectRelationCreate`/`Update`/`Delete`. The validators' values
//! (`type` `dependency`; each anchor `start`, `end` or `milestone`) are the spec's rules, every
//! broken one named at once as Linear's validator names them; the refusal of a second
//! dependency between two projects is a check of the table, worded in `error`. Reads
//! (`projectRelations`, `projectRelation`, `project.relations`, `project.inverseRelations`) are
//! in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::Result;
use crate::simple::{self, Spec};
use crate::write::Rule;

/// Where a dependency is anchored at each end, as Linear's validator enumerates them.
const ANCHORS: &[&str] = &["start", "end", "milestone"];

/// A dependency of `relatedProjectId` on `projectId`, recorded with whoever made it.
const RELATION: Spec = Spec {
    fields: &[(
        "text",
        &[
            "id",
            "projectId",
            "relatedProjectId",
            "projectMilestoneId",
            "relatedProjectMilestoneId",
            "type",
            "anchorType",
            "relatedAnchorType",
        ],
    )],
    required: &[
        "projectId",
        "relatedProjectId",
        "type",
        "anchorType",
        "relatedAnchorType",
    ],
    creator: Some("user_id"),
    rules: &[
        ("type", Rule::OneOf(&["dependency"])),
        ("anchorType", Rule::OneOf(ANCHORS)),
        ("relatedAnchorType", Rule::OneOf(ANCHORS)),
    ],
    ..Spec::new("ProjectRelation", "project_relations", "projectRelation")
};

simple::delegate!(
    create => simple::create_plain, RELATION, "projectRelationCreate(input:)";
    update => simple::update_plain, RELATION, "projectRelationUpdate(id:, input:)";
    delete => simple::delete, RELATION, "projectRelationDelete(id:)";
);
