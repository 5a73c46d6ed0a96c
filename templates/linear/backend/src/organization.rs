//! The workspace, what only its admins may do: `organizationUpdate` (its settings merged
//! over what was written before, read back through `organization`, `viewer.organization` and
//! the payload's `organization`; Linear sends no webhook for it, its webhooks having no
//! `Organization` resource type), and `userSuspend`, `userUnsuspend` and `userChangeRole`
//! (another user's `active` and `admin`, announced as `User` webhooks). Anyone else is
//! refused as Linear refuses a role it requires, before the input is looked at.
//! `organizationExists(urlKey:)` says whether the clone's one workspace has that URL key.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{self, context};
use crate::error::{self, Result, db};
use crate::simple::{self, Spec};
use crate::write::{self, Range, Rule};
use crate::{Shared, Viewer};

type Input = Map<String, serde_json::Value>;

/// The `OrganizationUpdateInput` fields the clone keeps (each read back on `Organization`);
/// the others (agents, code intelligence, IP restrictions, themes, Slack channels, …) are
/// refused by name.
const SUPPORTED: &[&str] = &[
    "name",
    "urlKey",
    "logoUrl",
    "gitBranchFormat",
    "gitLinkbackMessagesEnabled",
    "gitPublicLinkbackMessagesEnabled",
    "gitLinkbackDescriptionsEnabled",
    "pullRequestIssueMode",
    "pullRequestTourEnabled",
    "roadmapEnabled",
    "feedEnabled",
    "customersEnabled",
    "hipaaComplianceEnabled",
    "aiDiscussionSummariesEnabled",
    "aiThreadSummariesEnabled",
    "allowedFileUploadContentTypes",
    "defaultHomeView",
    "defaultFeedSummarySchedule",
    "fiscalYearStartMonth",
    "projectUpdateReminderFrequencyInWeeks",
    "projectUpdateRemindersDay",
    "projectUpdateRemindersHour",
    "initiativeUpdateReminderFrequencyInWeeks",
    "initiativeUpdateRemindersDay",
    "initiativeUpdateRemindersHour",
    "slackProjectChannelPrefix",
    "authSettings",
    "securitySettings",
    "customersConfiguration",
];

/// The `CustomersConfigurationInput` fields the clone keeps (its attributes data source
/// needs an integration, which the clone has none of).
const CUSTOMERS: &[&str] = &[
    "defaultTeamId",
    "excludeList",
    "ignoreList",
    "revenueCurrencyCode",
    "revenueDisplay",
];

/// What the settings' text fields are held to.
const RULES: &[(&str, Rule)] = &[
    ("name", Rule::NotBlank),
    ("urlKey", Rule::UrlKey),
    ("logoUrl", Rule::Url),
    (
        "pullRequestIssueMode",
        Rule::OneOf(&["off", "suggest", "autoOnMerge"]),
    ),
    (
        "slackProjectChannelPrefix",
        Rule::OneOf(&["p-", "proj-", "project-"]),
    ),
];

/// The numeric settings' bounds, as Linear's schema describes them (a month 0 to 11, an
/// hour 0 to 23, a reminder every 0 to 8 weeks).
const RANGES: &[Range] = &[
    range("fiscalYearStartMonth", 11.0),
    range("projectUpdateRemindersHour", 23.0),
    range("initiativeUpdateRemindersHour", 23.0),
    range("projectUpdateReminderFrequencyInWeeks", 8.0),
    range("initiativeUpdateReminderFrequencyInWeeks", 8.0),
];

/// `field` from 0 to `max`.
const fn range(field: &'static str, max: f64) -> Range {
    Range {
        field,
        min: 0.0,
        max,
    }
}

/// Writes the settings `$1` (JSON) over the workspace's, with its name `$2` and URL key
/// `$3` when given: a new key keeps the one it replaces among the previous three, newest
/// first.
const UPDATE: &str = "UPDATE organization o SET
    name = coalesce($2, o.name),
    url_key = coalesce($3, o.url_key),
    previous_url_keys = CASE WHEN $3::text IS NULL OR $3 = o.url_key THEN o.previous_url_keys
        ELSE (array_prepend(o.url_key, array_remove(o.previous_url_keys, $3)))[1:3] END,
    settings = jsonb_merge_deep(o.settings, $1::text::jsonb),
    updated_at = now()
RETURNING o.id";

/// Refuses `viewer` unless a workspace admin, `presentable` saying what was refused.
///
/// # Errors
///
/// `Invalid role: admin required` (`forbidden`, 403).
async fn admin_only(shared: &Shared, viewer: &Viewer, presentable: &str) -> Result<()> {
    let refusal = error::admin_required(presentable);
    write::viewer_must_be(shared, viewer, "admin", refusal).await
}

/// `organizationUpdate(input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let refused = "You need to be a workspace admin to update the workspace's settings.";
    admin_only(shared, viewer, refused).await?;
    let mut input = write::input(ctx)?;
    check(shared, &input).await?;
    let name = take_text(&mut input, "name")?;
    let url_key = take_text(&mut input, "urlKey")?;
    let settings = serde_json::Value::Object(input).to_string();
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let row = write::one(&tx, UPDATE, &[&settings, &name, &url_key], "Organization").await?;
    let id: String = row.get(0);
    let (object, _, sync) = write::render(&tx, shared, viewer, "Organization", &id).await?;
    tx.commit().await.map_err(db)?;
    Ok(write::payload("organization", object, sync))
}

/// What an admin changes of another user: whether they are active and an admin. Announced
/// as `User` updates, heard by the webhooks of all public teams (a user has no team).
const USER_ADMIN: Spec = Spec {
    hook: Some("User"),
    fields: &[("bool", &["active", "admin"])],
    ..Spec::new("User", "users", "user")
};

/// `userSuspend(id:, forceBypassScimRestrictions:)`: the user deactivated.
pub(crate) async fn suspend(ctx: &ResolverContext<'_>) -> Result<Value> {
    administer(ctx, "suspend", ("active", false)).await
}

/// `userUnsuspend(id:, forceBypassScimRestrictions:)`: the user active again.
pub(crate) async fn unsuspend(ctx: &ResolverContext<'_>) -> Result<Value> {
    administer(ctx, "unsuspend", ("active", true)).await
}

/// `userChangeRole(id:, role:)`: `admin` or `user` (a member); the clone has no guests,
/// owners nor app users, so those roles are refused by name.
pub(crate) async fn change_role(ctx: &ResolverContext<'_>) -> Result<Value> {
    let role = args::Args::of(ctx).enum_name("role")?.unwrap_or_default();
    let admin = match role {
        "admin" => true,
        "user" => false,
        other => {
            // Refused after the viewer's own role, as every refusal here is.
            let (shared, viewer) = context(ctx)?;
            admin_only(shared, viewer, ROLE_REFUSED).await?;
            return Err(error::invalid(format!(
                "Role `{other}` is not supported by the asym Linear clone"
            )));
        }
    };
    administer(ctx, "change the role of", ("admin", admin)).await
}

/// The refusal of a member's `userChangeRole`.
const ROLE_REFUSED: &str = "You need to be a workspace admin to change the role of a user.";

/// Sets `field` of the user the `id` argument names to `value`, as an admin may and not of
/// themselves (`verb` says what was asked, in the refusals); answers `UserAdminPayload`.
async fn administer(
    ctx: &ResolverContext<'_>,
    verb: &str,
    (field, value): (&str, bool),
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let refused = format!("You need to be a workspace admin to {verb} a user.");
    admin_only(shared, viewer, &refused).await?;
    let id = args::arg_str(ctx, "id")?;
    write::lookup(shared, "SELECT id FROM users WHERE id = $1", &id, "User").await?;
    if id == viewer.user_id {
        return Err(error::validation(&format!("You cannot {verb} yourself.")));
    }
    let input = Map::from_iter([(field.to_owned(), serde_json::Value::Bool(value))]);
    simple::update_row(ctx, &USER_ADMIN, &id, &input, &[]).await?;
    Ok(crate::connection::object([(
        "success",
        Value::Boolean(true),
    )]))
}

/// Refuses what the clone does not keep, values Linear's validators refuse, and a
/// customers' default team that does not exist.
async fn check(shared: &crate::Shared, input: &Input) -> Result<()> {
    write::only(input, SUPPORTED)?;
    write::check_ranged(input, RULES, RANGES)?;
    let Some(customers) = input
        .get("customersConfiguration")
        .and_then(|c| c.as_object())
    else {
        return Ok(());
    };
    write::only(customers, CUSTOMERS)?;
    if let Some(team) = write::text(customers, "defaultTeamId")? {
        write::lookup(shared, "SELECT id FROM teams WHERE id = $1", &team, "Team").await?;
    }
    Ok(())
}

/// Removes text field `key` from `input`, answering it (null and absent alike as none: the
/// workspace always has a name and a URL key).
fn take_text(input: &mut Input, key: &str) -> Result<Option<String>> {
    let text = write::text(input, key)?;
    input.remove(key);
    Ok(text)
}

/// `organizationExists(urlKey:)`: `{success, exists}`, whether the workspace's URL key is
/// `urlKey` (the clone has one workspace; any credential may ask).
pub(crate) async fn exists(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let key = args::arg_str(ctx, "urlKey")?;
    let client = shared.kit.db().await.map_err(error::internal)?;
    let sql = "SELECT EXISTS (SELECT 1 FROM organization WHERE url_key = $1)";
    let found: bool = client.query_one(sql, &[&key]).await.map_err(db)?.get(0);
    Ok(crate::connection::object([
        ("success", Value::Boolean(true)),
        ("exists", Value::Boolean(found)),
    ]))
}
