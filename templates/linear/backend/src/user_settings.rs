//! User settings: `userSettings` (the viewer's notification preferences, email subscriptions
//! and UI preferences; every user has them, Linear's defaults until written) and
//! `userSettingsUpdate` (the viewer's own, its input merged over what was written before).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
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

/// Writes input `$2` over the stored settings `$1` of user `$3` (made when the user was, as
/// the settings were answered before), its `feedLastSeenTime` read as a timestamp; answers
/// the settings' id, none when `$1` is not that user's.
const MERGE: &str = "WITH input AS (
    SELECT CASE WHEN jsonb_typeof(j -> 'feedLastSeenTime') = 'string'
        THEN jsonb_set(j, '{feedLastSeenTime}', to_jsonb(iso((j ->> 'feedLastSeenTime')::timestamptz)))
        ELSE j END AS j
    FROM (SELECT $2::text::jsonb AS j) raw)
INSERT INTO user_settings AS s (user_id, prefs, created_at)
SELECT t.user_id, input.j, t.created_at FROM user_settings_all t, input
WHERE t.id = $1 AND t.user_id = $3
ON CONFLICT (user_id) DO UPDATE SET prefs = jsonb_merge_deep(s.prefs, EXCLUDED.prefs),
    updated_at = now()
RETURNING user_settings_id(user_id)";

/// `userSettingsUpdate(id:, input:)`: the viewer's settings (another user's are not found).
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let input = serde_json::Value::Object(write::input(ctx)?).to_string();
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let row = write::one(&tx, MERGE, &[&id, &input, &viewer.user_id], ENTITY).await?;
    let id: String = row.get(0);
    let (object, _, sync) = write::render(&tx, shared, viewer, ENTITY, &id).await?;
    tx.commit().await.map_err(db)?;
    Ok(write::payload("userSettings", object, sync))
}
