//! Linear's Customers (customer requests): `customerCreate`/`Update`/`Delete`/`Upsert`/`Merge`,
//! the workspace's customer statuses and tiers (`customerStatusCreate`/`Update`/`Delete`, the
//! same of tiers), and customer needs (`customerNeedCreate`/`Update`/`Delete`/`Archive`/
//! `Unarchive`). Customers and needs send `Customer` and `CustomerNeed` webhooks. Reads
//! (`customers`, `customer`, `customerNeeds`, `issue.needs`, …) are in `queries`.

use async_graphql::dynamic::ResolverContext;
use async_graphql::{Name, Value};
use serde_json::Map;

use crate::Shared;
use crate::args::{arg_str, context, unsupported};
use crate::error::{self, Result, db};
use crate::simple::{self, Archival, Spec};
use crate::write::{self, Rule};

type Input = Map<String, serde_json::Value>;

/// A customer: its domains, external ids and Slack channel are no other customer's; without a
/// status it takes the first by position (`migrations/0049_customers.sql`).
const CUSTOMER: Spec = Spec {
    hook: Some("Customer"),
    fields: &[
        (
            "text",
            &["id", "name", "logoUrl", "mainSourceId", "ownerId"],
        ),
        ("text", &["slackChannelId", "statusId", "tierId"]),
        ("text[]", &["domains", "externalIds"]),
        ("int", &["revenue"]),
        ("float8", &["size"]),
    ],
    required: &["name"],
    rules: &[("name", Rule::NotBlank), ("logoUrl", Rule::Url)],
    ..Spec::new("Customer", "customers", "customer")
};

/// The fields a customer status and a customer tier share: `name` or `displayName` (each
/// stands for the other), a hex `color`, a `description`, a `position` (last when left out).
const RANKED: &[(&str, &[&str])] = &[
    (
        "text",
        &["id", "name", "displayName", "color", "description"],
    ),
    ("float8", &["position"]),
];
const RANKED_RULES: &[(&str, Rule)] = &[
    ("name", Rule::NotBlank),
    ("displayName", Rule::NotBlank),
    ("color", Rule::HexColor),
];

/// A customer status; deleted, its customers move to the first status left.
const STATUS: Spec = Spec {
    fields: RANKED,
    required: &["color"],
    rules: RANKED_RULES,
    unlink: &["UPDATE customers SET status_id = (
                   SELECT s.id FROM customer_statuses s WHERE s.id <> $1 AND s.archived_at IS NULL
                   ORDER BY s.position, s.created_at, s.id LIMIT 1)
               WHERE status_id = $1"],
    ..Spec::new("CustomerStatus", "customer_statuses", "status")
};

/// A customer tier; deleted, its customers have none.
const TIER: Spec = Spec {
    fields: RANKED,
    required: &["color"],
    rules: RANKED_RULES,
    unlink: &["UPDATE customers SET tier_id = NULL WHERE tier_id = $1"],
    ..Spec::new("CustomerTier", "customer_tiers", "tier")
};

/// A customer need, on exactly one issue or project; deleted, its source attachment goes
/// with it (unless `keepAttachment`).
const NEED: Spec = Spec {
    hook: Some("CustomerNeed"),
    fields: &[
        ("text", &["id", "customerId", "issueId", "projectId"]),
        ("text", &["attachmentId", "commentId", "body"]),
        ("float8", &["priority"]),
        ("timestamptz", &["createdAt"]),
    ],
    linked: &["attachmentUrl"],
    rules: &[("attachmentUrl", Rule::Url)],
    creator: Some("creator_id"),
    team: Some(NEED_TEAM),
    unlink: &[NEED_ATTACHMENT_GOES],
    ..Spec::new("CustomerNeed", "customer_needs", "need")
};

/// The team of need `$1` (its issue's), which hears its webhooks.
const NEED_TEAM: &str =
    "SELECT i.team_id FROM customer_needs n JOIN issues i ON i.id = n.issue_id WHERE n.id = $1";
/// Need `$1`'s source attachment, deleted with it.
const NEED_ATTACHMENT_GOES: &str =
    "DELETE FROM attachments WHERE id = (SELECT attachment_id FROM customer_needs WHERE id = $1)";

/// A need as an update writes it: no attachment made from a URL.
const NEED_UPDATE: Spec = Spec {
    linked: &[],
    ..NEED
};

/// A need deleted with `keepAttachment: true`: its attachment stays on the issue.
const NEED_KEEPING: Spec = Spec {
    unlink: &[],
    ..NEED
};

/// Makes (or finds, the same URL on the same issue) need `$1`'s attachment of URL `$2[1]`.
const ATTACH: &str = "WITH a AS (
        INSERT INTO attachments (issue_id, url, title, creator_id)
        SELECT n.issue_id, ($2::text[])[1], ($2::text[])[1], n.creator_id
        FROM customer_needs n WHERE n.id = $1
        ON CONFLICT (issue_id, url) DO UPDATE SET updated_at = now() RETURNING id)
    UPDATE customer_needs SET attachment_id = (SELECT id FROM a) WHERE id = $1";

// Customers, statuses and tiers: plain writes (their rules are the tables' constraints).
simple::delegate!(
    create => simple::create_plain, CUSTOMER, "customerCreate(input:)";
    update => simple::update_plain, CUSTOMER, "customerUpdate(id:, input:)";
    delete => simple::delete, CUSTOMER, "customerDelete(id:)";
);
// A status or a tier is named by `name` or `displayName`; deleted, it lets its customers go.
simple::delegate!(
    status_create => simple::create_plain, STATUS, "customerStatusCreate(input:)";
    tier_create => simple::create_plain, TIER, "customerTierCreate(input:)";
);
simple::delegate!(
    status_update => simple::update_plain, STATUS, "customerStatusUpdate(id:, input:)";
    tier_update => simple::update_plain, TIER, "customerTierUpdate(id:, input:)";
    status_delete => simple::delete, STATUS, "customerStatusDelete(id:)";
    tier_delete => simple::delete, TIER, "customerTierDelete(id:)";
);

/// `customerUpsert(input:)`: the customer of `id`, else the one with `externalId` among its
/// external ids, else the one of `slackChannelId`, else one with any of `domains`, updated
/// (the `externalId` added to its own); else a new one (`name` required) with `externalId` as
/// its external id.
pub(crate) async fn upsert(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    let id = write::text(&input, "id")?;
    let external = write::text(&input, "externalId")?;
    input.remove("externalId");
    let channel = write::text(&input, "slackChannelId")?;
    let domains = write::texts(&input, "domains")?.unwrap_or_default();
    let found = {
        let client = shared.kit.db().await.map_err(error::internal)?;
        client
            .query_opt(
                "SELECT id, external_ids FROM customers
                 WHERE id = $1 OR $2 = ANY(external_ids) OR slack_channel_id = $3
                    OR domains && $4::text[]
                 ORDER BY id = $1 DESC NULLS LAST, $2 = ANY(external_ids) DESC NULLS LAST,
                          slack_channel_id = $3 DESC NULLS LAST, created_at, id
                 LIMIT 1",
                &[&id, &external, &channel, &domains],
            )
            .await
            .map_err(db)?
    };
    match found {
        Some(row) => {
            let mut ids: Vec<String> = row.get(1);
            if let Some(external) = external
                && !ids.contains(&external)
            {
                ids.push(external);
                input.insert("externalIds".to_owned(), ids.into());
            }
            input.remove("id");
            simple::update_row(ctx, &CUSTOMER, row.get(0), &input, &[]).await
        }
        None => {
            if let Some(external) = external {
                input.insert("externalIds".to_owned(), vec![external].into());
            }
            Ok(simple::create(ctx, &CUSTOMER, &input, &[], None).await?.0)
        }
    }
}

/// `customerMerge(sourceCustomerId:, targetCustomerId:)`: the source's needs, domains and
/// external ids move to the target, and the source is deleted; answers the target.
pub(crate) async fn merge(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let source = arg_str(ctx, "sourceCustomerId")?;
    let target = arg_str(ctx, "targetCustomerId")?;
    if source == target {
        return Err(error::validation(
            "A customer cannot be merged into itself.",
        ));
    }
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let both = "SELECT count(*) FROM customers WHERE id = $1 OR id = $2";
    let row = tx.query_one(both, &[&source, &target]).await.map_err(db)?;
    if row.get::<_, i64>(0) != 2 {
        return Err(error::not_found("Customer"));
    }
    let moved =
        "UPDATE customer_needs SET customer_id = $2, updated_at = now() WHERE customer_id = $1";
    tx.execute(moved, &[&source, &target]).await.map_err(db)?;
    let gone = "DELETE FROM customers WHERE id = $1 RETURNING domains, external_ids";
    let row = tx.query_one(gone, &[&source]).await.map_err(db)?;
    let (domains, ids): (Vec<String>, Vec<String>) = (row.get(0), row.get(1));
    tx.execute(
        "UPDATE customers SET domains = domains || $2, external_ids = external_ids || $3,
                              updated_at = now() WHERE id = $1",
        &[&target, &domains, &ids],
    )
    .await
    .map_err(db)?;
    simple::finish(&CUSTOMER, shared, viewer, tx, &target, ("update", None)).await
}

/// A need's input with its references resolved: `customerExternalId` as the `customerId` of
/// the customer with that external id (not with `customerId` too), an issue identifier
/// (`ENG-1`) as the issue's id.
async fn resolved(shared: &Shared, mut input: Input) -> Result<Input> {
    if let Some(external) = write::text(&input, "customerExternalId")? {
        if write::text(&input, "customerId")?.is_some() {
            return Err(error::validation(
                "Only one of customerId or customerExternalId may be defined.",
            ));
        }
        let sql = "SELECT id FROM customers WHERE $1 = ANY(external_ids)";
        let row = write::lookup(shared, sql, &external, "Customer").await?;
        input.insert("customerId".to_owned(), row.get::<_, String>(0).into());
    }
    input.remove("customerExternalId");
    if let Some(issue) = write::text(&input, "issueId")? {
        let id = crate::issues::resolve_id(shared, &issue).await?;
        input.insert("issueId".to_owned(), id.into());
    }
    Ok(input)
}

/// `customerNeedCreate(input:)`: on exactly one issue (by id or identifier) or project, of a
/// customer by id or external id; `attachmentUrl` makes (or reuses) the issue's attachment of
/// that URL as its source.
pub(crate) async fn need_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let input = resolved(shared, write::input(ctx)?).await?;
    let link = match write::text(&input, "attachmentUrl")? {
        Some(_) if write::text(&input, "issueId")?.is_none() => {
            return Err(error::invalid(
                "Input field `attachmentUrl` of a project's need is not supported by the asym Linear clone",
            ));
        }
        Some(url) => Some((ATTACH, vec![url])),
        None => None,
    };
    Ok(simple::create(ctx, &NEED, &input, &[], link).await?.0)
}

/// `customerNeedUpdate(id:, input:, clearAttachment:)`: `{success, lastSyncId, need,
/// updatedRelatedNeeds}` (none: `applyPriorityToRelatedNeeds: true` is refused by name).
pub(crate) async fn need_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut input = write::input(ctx)?;
    if input.remove("applyPriorityToRelatedNeeds") == Some(serde_json::Value::Bool(true)) {
        return Err(error::invalid(
            "Input field `applyPriorityToRelatedNeeds` is not supported by the asym Linear clone",
        ));
    }
    let input = resolved(shared, input).await?;
    let clear = ctx
        .args
        .get("clearAttachment")
        .and_then(|v| v.boolean().ok())
        == Some(true);
    let extra: &[&str] = if clear {
        &["attachment_id = NULL"]
    } else {
        &[]
    };
    let id = arg_str(ctx, "id")?;
    let mut payload = simple::update_row(ctx, &NEED_UPDATE, &id, &input, extra).await?;
    if let Value::Object(fields) = &mut payload {
        fields.insert(Name::new("updatedRelatedNeeds"), Value::List(Vec::new()));
    }
    Ok(payload)
}

/// `customerNeedDelete(id:, keepAttachment:)`.
pub(crate) async fn need_delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    let keep = ctx
        .args
        .get("keepAttachment")
        .and_then(|v| v.boolean().ok())
        == Some(true);
    simple::delete(ctx, if keep { &NEED_KEEPING } else { &NEED }).await
}

/// `customerNeedArchive(id:)`: `{success, lastSyncId, entity}`.
pub(crate) async fn need_archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &NEED, Archival::Archive).await
}

/// `customerNeedUnarchive(id:)`.
pub(crate) async fn need_unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &NEED, Archival::Unarchive).await
}

/// `customerNeed(id:)` (`hash` is not supported).
pub(crate) async fn need(ctx: &ResolverContext<'_>) -> Result<Value> {
    unsupported(ctx, "hash")?;
    let (shared, viewer) = context(ctx)?;
    crate::entity::get(shared, viewer, "CustomerNeed", &arg_str(ctx, "id")?).await
}
