//! Documents: `documentCreate`, `documentUpdate`, `documentDelete` (to the trash) and
//! `documentUnarchive`. A document belongs to exactly one project, initiative, issue or team; its owner
//! is its creator unless `ownerId` says otherwise (null: none), `updatedBy` whoever last
//! wrote it.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{self, arg_str, context};
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write::Rule;
use crate::{Shared, Viewer, write};

type Input = Map<String, serde_json::Value>;

/// `updatedById` is never a client's (Linear's inputs lack it): the resolvers set it.
const DOCUMENT: Spec = Spec {
    hook: Some("Document"),
    fields: &[
        (
            "text",
            &[
                "id",
                "title",
                "content",
                "color",
                "icon",
                "projectId",
                "initiativeId",
                "issueId",
                "teamId",
                "ownerId",
                "lastAppliedTemplateId",
                "updatedById",
            ],
        ),
        ("float8", &["sortOrder"]),
        ("timestamptz", &["hiddenAt"]),
    ],
    linked: &["trashed"],
    required: &["title"],
    rules: &[("title", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    team: Some("SELECT document_team($1)"),
    ..Spec::new("Document", "documents", "document")
};

/// The parents a document may have, as input fields and columns.
const PARENTS: [(&str, &str); 4] = [
    ("projectId", "project_id"),
    ("initiativeId", "initiative_id"),
    ("issueId", "issue_id"),
    ("teamId", "team_id"),
];

/// Linear's message for a document with no parent, or more than one.
const ONE_PARENT: &str = "Exactly one of initiativeId, teamId, issueId, releaseId, cycleId or projectId must be defined.";

/// `documentCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let mut input = prepare(shared, viewer, write::input(ctx)?).await?;
    if parents(&input).len() != 1 && !has_unsupported_parent(&input) {
        return Err(error::validation(ONE_PARENT));
    }
    if !input.contains_key("ownerId") {
        input.insert("ownerId".to_owned(), viewer.user_id.clone().into());
    }
    Ok(simple::create(ctx, &DOCUMENT, &input, &[], None).await?.0)
}

/// `documentUpdate(id:, input:)`: `id` is the document's id or its `slugId`; a new parent
/// replaces the old; `trashed` moves it to the trash or out of it.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = write::id_or_slug(shared, "Document", &arg_str(ctx, "id")?).await?;
    let input = prepare(shared, viewer, write::input(ctx)?).await?;
    let mut extra = Vec::new();
    if PARENTS.iter().any(|(field, _)| input.contains_key(*field)) {
        if parents(&input).len() != 1 {
            return Err(error::validation(ONE_PARENT));
        }
        // The parent named replaces the one it had.
        extra.extend(
            PARENTS
                .iter()
                .filter(|(field, _)| !input.contains_key(*field))
                .map(|(_, column)| format!("{column} = NULL")),
        );
    }
    if let Some(archival) = Archival::of_trashed(&input) {
        extra.push(archival.sets().to_owned());
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    simple::update_row(ctx, &DOCUMENT, &id, &input, &extra).await
}

/// `documentDelete(id:)`: to the trash (archived and `trashed`), as Linear does.
/// `ifParentDocumentId` (sub-documents, which the clone does not have) is refused.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    args::unsupported(ctx, "ifParentDocumentId")?;
    simple::archival_of(ctx, &DOCUMENT, Archival::Trash).await
}

/// `documentUnarchive(id:)`: out of the archive and the trash.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &DOCUMENT, Archival::Restore).await
}

/// The parents `input` sets (not null).
fn parents(input: &Input) -> Vec<&'static str> {
    PARENTS
        .iter()
        .filter(|(field, _)| input.get(*field).is_some_and(|v| !v.is_null()))
        .map(|(field, _)| *field)
        .collect()
}

/// Whether `input` names a parent the clone does not have (cycles, releases, folders):
/// [`simple::create`] then refuses it by name, rather than the parent rule answering.
fn has_unsupported_parent(input: &Input) -> bool {
    ["cycleId", "releaseId", "resourceFolderId"]
        .iter()
        .any(|field| input.get(*field).is_some_and(|v| !v.is_null()))
}

/// A create or update input as written: `issueId` by identifier (`ENG-1`) resolved to the
/// issue's id, the viewer as `updatedBy`.
async fn prepare(shared: &Shared, viewer: &Viewer, mut input: Input) -> Result<Input> {
    if let Some(issue) = write::text(&input, "issueId")? {
        let id = crate::issues::resolve_id(shared, &issue).await?;
        input.insert("issueId".to_owned(), id.into());
    }
    input.insert("updatedById".to_owned(), viewer.user_id.clone().into());
    Ok(input)
}
