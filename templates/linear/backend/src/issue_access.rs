//! `issueShare`/`issueUnshare`, `issueExternalSyncDisable` and `projectExternalSyncDisable`,
//! which the clone answers with
//! its refusals: Linear shares an issue only with a user who could not otherwise see it (one
//! outside a private team), and the clone has no private-team access checks, so every user
//! already has access to every issue and no issue is ever shared (`sharedAccess.isShared`
//! is false); and only an integration's synced attachment (Jira, GitHub issues, …) or a
//! project an integration syncs can have its sync disabled, which the clone has none of.
//! The issue, the user, the attachment and the project are looked up first, so an unknown
//! one is Linear's `Entity not found`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result};
use crate::write;

/// The issue (by id or identifier) and the user the arguments name, both existing.
async fn issue_and_user(ctx: &ResolverContext<'_>) -> Result<()> {
    let (shared, _) = context(ctx)?;
    let issue = crate::issues::resolve_id(shared, &arg_str(ctx, "id")?).await?;
    let found = "SELECT id FROM issues WHERE id = $1";
    write::lookup(shared, found, &issue, "Issue").await?;
    let found = "SELECT id FROM users WHERE id = $1";
    write::lookup(shared, found, &arg_str(ctx, "userId")?, "User").await?;
    Ok(())
}

/// `issueShare(id:, userId:)`: `INPUT_ERROR` "The user already has access to the issue."
/// (the clone's wording), every user having access to every issue.
pub(crate) async fn share(ctx: &ResolverContext<'_>) -> Result<Value> {
    issue_and_user(ctx).await?;
    Err(error::invalid("The user already has access to the issue."))
}

/// `issueUnshare(id:, userId:)`: `INPUT_ERROR` "The issue is not shared with the user." (the
/// clone's wording), no issue being shared.
pub(crate) async fn unshare(ctx: &ResolverContext<'_>) -> Result<Value> {
    issue_and_user(ctx).await?;
    Err(error::invalid("The issue is not shared with the user."))
}

/// `issueExternalSyncDisable(attachmentId:)`: `INPUT_ERROR` "The attachment does not sync the
/// issue with an external source." (the clone's wording): no attachment of the clone's
/// syncs.
pub(crate) async fn external_sync_disable(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let found = "SELECT id FROM attachments WHERE id = $1";
    write::lookup(shared, found, &arg_str(ctx, "attachmentId")?, "Attachment").await?;
    Err(error::invalid(
        "The attachment does not sync the issue with an external source.",
    ))
}

/// `projectExternalSyncDisable(projectId:, syncSource:)`: `INPUT_ERROR` "The project is not
/// synced with <syncSource>." (the clone's wording) for a project that exists (by id or
/// `slugId`): no project of the clone's syncs.
pub(crate) async fn project_sync_disable(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    write::id_or_slug(shared, "Project", &arg_str(ctx, "projectId")?).await?;
    let source = crate::args::Args::of(ctx)
        .enum_name("syncSource")?
        .unwrap_or_default();
    Err(error::invalid(format!(
        "The project is not synced with {source}."
    )))
}
