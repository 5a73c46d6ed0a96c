//! The workspace: `organizationUpdate` (a workspace admin's; its settings merged over what
//! was written before, read back through `organization`, `viewer.organization` and the
//! payload's `organization`). Linear sends no webhook for it (its webhooks have no
//! `Organization` resource type).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::context;
use crate::error::{self, Result, db};
use crate::write::{self, Range, Rule};

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

/// Writes the settings `$2` (JSON) over the workspace's, with its name `$3` and URL key
/// `$4` when given: a new key keeps the one it replaces among the previous three, newest
/// first.
const UPDATE: &str = "UPDATE organization o SET
    name = coalesce($3, o.name),
    url_key = coalesce($4, o.url_key),
    previous_url_keys = CASE WHEN $4::text IS NULL OR $4 = o.url_key THEN o.previous_url_keys
        ELSE (array_prepend(o.url_key, array_remove(o.previous_url_keys, $4)))[1:3] END,
    settings = jsonb_merge_deep(o.settings, $2::text::jsonb),
    updated_at = now()
WHERE o.id = $1
RETURNING o.id";

/// `organizationUpdate(input:)`: a workspace admin's (anyone else's is `Invalid role: admin
/// required`, before the input is looked at).
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let found = "SELECT (SELECT id FROM organization LIMIT 1), admin FROM users WHERE id = $1";
    let row = write::lookup(shared, found, &viewer.user_id, "User").await?;
    if !row.get::<_, bool>(1) {
        return Err(error::admin_required(
            "You need to be a workspace admin to update the workspace's settings.",
        ));
    }
    let id: String = row
        .get::<_, Option<String>>(0)
        .ok_or_else(|| error::not_found("Organization"))?;
    let mut input = write::input(ctx)?;
    check(shared, &input).await?;
    let name = take_text(&mut input, "name")?;
    let url_key = take_text(&mut input, "urlKey")?;
    let settings = serde_json::Value::Object(input).to_string();
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 4] =
        [&id, &settings, &name, &url_key];
    write::one(&tx, UPDATE, &params, "Organization").await?;
    let (object, _, sync) = write::render(&tx, shared, viewer, "Organization", &id).await?;
    tx.commit().await.map_err(db)?;
    Ok(write::payload("organization", object, sync))
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
