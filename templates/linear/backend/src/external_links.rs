//! External links of projects and initiatives: `entityExternalLinkCreate`/`Update`/`Delete`
//! (Linear sends no webhook for them). Reads (`entityExternalLink`, `Project.externalLinks`,
//! `Initiative.links`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::Result;
use crate::simple::{self, Spec};
use crate::write::Rule;

/// A labelled URL of exactly one project or initiative (the table's check); the cycles,
/// releases, teams and resource folders Linear also links are not served (refused by name).
const LINK: Spec = Spec {
    fields: &[
        ("text", &["id", "url", "label", "projectId", "initiativeId"]),
        ("float8", &["sortOrder"]),
    ],
    required: &["url", "label"],
    rules: &[("url", Rule::Url), ("label", Rule::NotBlank)],
    creator: Some("creator_id"),
    ..Spec::new(
        "EntityExternalLink",
        "entity_external_links",
        "entityExternalLink",
    )
};

simple::delegate!(
    create => simple::create_plain, LINK, "entityExternalLinkCreate(input:)";
    update => simple::update_plain, LINK, "entityExternalLinkUpdate(id:, input:)";
    delete => simple::delete, LINK, "entityExternalLinkDelete(id:)";
);
