//! Workspace invites: `organizationInviteCreate` (an email, as a member or an admin, to join
//! some teams), `organizationInviteUpdate` (its teams), `organizationInviteDelete` (archives
//! it, as Linear's schema says), `resendOrganizationInvite` and
//! `resendOrganizationInviteByEmail` (a pending invite; the clone sends no email). Reads
//! (`organizationInvites`, `organizationInvite`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{arg_str, context};
use crate::connection::object;
use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};

/// An invite, sent by the viewer; one pending invite an address
/// (`organization_invites_email_key`).
const INVITE: Spec = Spec {
    creator: Some("inviter_id"),
    rules: &[
        ("email", Rule::Email),
        ("role", Rule::OneOf(&["admin", "user"])),
    ],
    fields: &[
        ("text", &["id", "email", "role"]),
        ("text[]", &["teamIds"]),
        ("jsonb", &["metadata"]),
    ],
    required: &["email"],
    ..Spec::new(
        "OrganizationInvite",
        "organization_invites",
        "organizationInvite",
    )
};

/// What an update may change: the teams.
const TEAMS: Spec = Spec {
    fields: &[("text[]", &["teamIds"])],
    rules: &[],
    required: &[],
    creator: None,
    ..INVITE
};

/// A pending invite: neither deleted nor accepted.
const PENDING: &str = "archived_at IS NULL AND accepted_at IS NULL";

/// `organizationInviteCreate(input:)`: not for a member's address ("The user is already a
/// member of the workspace.", the clone's wording); each team one that exists.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let input = write::input(ctx)?;
    write::check(&input, INVITE.rules)?;
    if let Some(email) = write::text(&input, "email")? {
        let client = shared.kit.db().await.map_err(error::internal)?;
        let sql = "SELECT 1 FROM users WHERE lower(email) = lower($1)";
        if client
            .query_opt(sql, &[&email])
            .await
            .map_err(error::db)?
            .is_some()
        {
            return Err(error::validation(
                "The user is already a member of the workspace.",
            ));
        }
    }
    teams_exist(ctx, &input).await?;
    Ok(simple::create(ctx, &INVITE, &input, &[], None).await?.0)
}

/// `organizationInviteUpdate(id:, input:)`: the teams the invitee will join.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    teams_exist(ctx, &input).await?;
    simple::update_from(ctx, &TEAMS, &input, &[]).await
}

/// Refuses an input whose `teamIds` names a team that does not exist.
async fn teams_exist(
    ctx: &ResolverContext<'_>,
    input: &Map<String, serde_json::Value>,
) -> Result<()> {
    let (shared, _) = context(ctx)?;
    let Some(mut teams) = write::texts(input, "teamIds")? else {
        return Ok(());
    };
    teams.sort();
    teams.dedup();
    let sql = "SELECT count(*) FROM teams WHERE id = ANY($1)";
    write::all_found(shared, sql, &[&teams], teams.len(), "Team").await
}

/// `organizationInviteDelete(id:)`: archived, so it cannot be accepted; `DeletePayload`.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    let written =
        simple::update_row(ctx, &TEAMS, &id, &Map::new(), &["archived_at = now()"]).await?;
    Ok(deleted(&written, &id))
}

/// `resendOrganizationInvite(id:)`: a pending invite, else `Entity not found:
/// OrganizationInvite`; `DeletePayload`.
pub(crate) async fn resend(ctx: &ResolverContext<'_>) -> Result<Value> {
    resend_where(ctx, "id = $1", &arg_str(ctx, "id")?).await
}

/// `resendOrganizationInviteByEmail(email:)`: the pending invite of that address (case aside).
pub(crate) async fn resend_by_email(ctx: &ResolverContext<'_>) -> Result<Value> {
    resend_where(ctx, "lower(email) = lower($1)", &arg_str(ctx, "email")?).await
}

/// Resends the pending invite `condition` finds for `key` (its `updatedAt` the time sent).
async fn resend_where(ctx: &ResolverContext<'_>, condition: &str, key: &str) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let sql = format!("SELECT id FROM organization_invites WHERE {condition} AND {PENDING}");
    let id: String = write::lookup(shared, &sql, key, "OrganizationInvite")
        .await?
        .get(0);
    let written = simple::update_row(ctx, &TEAMS, &id, &Map::new(), &[]).await?;
    Ok(deleted(&written, &id))
}

/// Linear's `DeletePayload` (`{success, lastSyncId, entityId}`) of the write `written`.
fn deleted(written: &Value, id: &str) -> Value {
    let sync = match written {
        Value::Object(fields) => fields.get("lastSyncId").cloned(),
        _ => None,
    };
    object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", sync.unwrap_or(Value::from(0))),
        ("entityId", Value::from(id)),
    ])
}
