//! User settings: `userSettings` (the viewer's notification preferences, email subscriptions
//! and UI preferences; every user has them, Linear's defaults until written) and
//! `userSettingsUpdate` (the viewer's own, its input merged over what was written before);
//! the viewer's settings flags, `userFlagUpdate` and `userSettingsFlagsReset`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{Args, arg_str, context};
use crate::connection::object;
use crate::entity::{self, CTX};
use crate::error::{self, Result, db};
use crate::write;

/// The user's settings' type (and the entity rendered).
const ENTITY: &str = "UserSettings";

/// `userSettings`: the viewer's.
pub(crate) async fn settings(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "{CTX}SELECT user_settings_doc(t)::text FROM ctx, user_settings_all t \
         WHERE t.user_id = ctx.viewer"
    );
    entity::query(shared, viewer, &sql, &[])
        .await?
        .pop()
        .ok_or_else(|| error::not_found(ENTITY))
}

/// Writes input `$2` over the stored settings `$1` (null: their own) of user `$3` (made when
/// the user was, as the settings were answered before), its `feedLastSeenTime` read as a
/// timestamp; answers the settings' id, none when `$1` is not that user's.
const MERGE: &str = "WITH input AS (
    SELECT CASE WHEN jsonb_typeof(j -> 'feedLastSeenTime') = 'string'
        THEN jsonb_set(j, '{feedLastSeenTime}', to_jsonb(iso((j ->> 'feedLastSeenTime')::timestamptz)))
        ELSE j END AS j
    FROM (SELECT $2::text::jsonb AS j) raw)
INSERT INTO user_settings AS s (user_id, prefs, created_at)
SELECT t.user_id, input.j, t.created_at FROM user_settings_all t, input
WHERE t.id = coalesce($1::text, user_settings_id($3)) AND t.user_id = $3
ON CONFLICT (user_id) DO UPDATE SET prefs = jsonb_merge_deep(s.prefs, EXCLUDED.prefs),
    updated_at = now()
RETURNING user_settings_id(user_id)";

/// `userSettingsUpdate(id:, input:)`: the viewer's settings (another user's are not found).
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    let input = serde_json::Value::Object(write::input(ctx)?);
    merge(ctx, Some(id), &input).await
}

/// `notificationCategoryChannelSubscriptionUpdate(category:, channel:, subscribe:)`: the
/// viewer's preference of one notification category on one channel, written as
/// `userSettingsUpdate` writes `notificationCategoryPreferences`; `UserSettingsPayload`.
pub(crate) async fn category_channel(ctx: &ResolverContext<'_>) -> Result<Value> {
    let args = Args::of(ctx);
    let required = |name: &str| error::invalid(format!("Argument `{name}` is required"));
    let category = args
        .enum_name("category")?
        .ok_or_else(|| required("category"))?;
    let channel = args
        .enum_name("channel")?
        .ok_or_else(|| required("channel"))?;
    let subscribe = ctx.args.try_get("subscribe")?.boolean()?;
    let input = serde_json::json!({
        "notificationCategoryPreferences": { category: { channel: subscribe } }
    });
    merge(ctx, None, &input).await
}

/// Merges `input` over the viewer's settings `id` (none: their own): `UserSettingsPayload`.
async fn merge(
    ctx: &ResolverContext<'_>,
    id: Option<String>,
    input: &serde_json::Value,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = input.to_string();
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let row = write::one(&tx, MERGE, &[&id, &input, &viewer.user_id], ENTITY).await?;
    let id: String = row.get(0);
    let (object, _, sync) = write::render(&tx, shared, viewer, ENTITY, &id).await?;
    tx.commit().await.map_err(db)?;
    Ok(write::payload("userSettings", object, sync))
}

/// Applies operation `$3` to the viewer `$1`'s flag `$2`: `incr` adds one, `decr` takes one
/// off, `clear` sets it to 0 and `lock` fixes it (no operation changes it until it is reset);
/// a flag never written starts at 0. Answers the value after it and the next `lastSyncId`.
const FLAG: &str = "INSERT INTO user_flags AS f (user_id, flag, value, locked)
VALUES ($1, $2, CASE $3::text WHEN 'incr' THEN 1 WHEN 'decr' THEN -1 ELSE 0 END, $3::text = 'lock')
ON CONFLICT (user_id, flag) DO UPDATE SET
    value = CASE WHEN f.locked THEN f.value
        WHEN $3::text = 'incr' THEN f.value + 1 WHEN $3::text = 'decr' THEN f.value - 1
        WHEN $3::text = 'clear' THEN 0 ELSE f.value END,
    locked = f.locked OR $3::text = 'lock', updated_at = now()
RETURNING value, nextval('sync_id_seq')";

/// `userFlagUpdate(flag:, operation:)`: the viewer's flag after the operation,
/// `{flag, value, success, lastSyncId}`. `all` names every flag, which only a reset takes.
pub(crate) async fn flag_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let args = Args::of(ctx);
    let flag = args
        .enum_name("flag")?
        .ok_or_else(|| error::invalid("Argument `flag` is required"))?;
    let operation = args
        .enum_name("operation")?
        .ok_or_else(|| error::invalid("Argument `operation` is required"))?;
    if flag == "all" {
        return Err(error::validation(
            "The flag `all` can only be reset (userSettingsFlagsReset), not updated.",
        ));
    }
    let client = shared.kit.db().await.map_err(error::internal)?;
    let row = client
        .query_one(FLAG, &[&viewer.user_id, &flag, &operation])
        .await
        .map_err(db)?;
    let value: i32 = row.get(0);
    let sync: i64 = row.get(1);
    Ok(object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        ("flag", Value::from(flag)),
        ("value", Value::from(value)),
    ]))
}

/// `userSettingsFlagsReset(flags:)`: the viewer's flags named (every one without `flags`, or
/// with `all` among them) back to never written: unlocked, counting from 0 again.
pub(crate) async fn flags_reset(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let flags: Option<Vec<String>> = match Args::of(ctx).get("flags") {
        None => None,
        Some(Value::List(items)) => Some(
            items
                .iter()
                .map(|item| match item {
                    Value::Enum(name) => Ok(name.to_string()),
                    Value::String(name) => Ok(name.clone()),
                    _ => Err(error::invalid(
                        "Argument `flags` must be a list of UserFlagType",
                    )),
                })
                .collect::<Result<_>>()?,
        ),
        Some(_) => {
            return Err(error::invalid(
                "Argument `flags` must be a list of UserFlagType",
            ));
        }
    };
    let client = shared.kit.db().await.map_err(error::internal)?;
    let row = client
        .query_one(
            "WITH reset AS (DELETE FROM user_flags WHERE user_id = $1
                 AND ($2::text[] IS NULL OR 'all' = ANY($2) OR flag = ANY($2)))
             SELECT nextval('sync_id_seq')",
            &[&viewer.user_id, &flags],
        )
        .await
        .map_err(db)?;
    let sync: i64 = row.get(0);
    Ok(object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
    ]))
}
