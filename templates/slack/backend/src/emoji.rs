//! `emoji.list`: the workspace's custom emoji.

use serde_json::{Map, Value, json};

use crate::auth::caller_with;
use crate::error::{ApiResult, reply};
use crate::{AppState, Call};

/// `emoji.list`: each custom emoji's image URL, or `alias:<name>` for an alias. Slack's
/// standard emoji are not listed (as in Slack); `include_categories` is not served.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["emoji:read"]).await?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT name, COALESCE(url, 'alias:' || alias_for),
                    COALESCE(max(created) OVER (), 0)
             FROM emoji WHERE team_id = $1 ORDER BY name",
            &[&caller.team_id],
        )
        .await?;
    let emoji: Map<String, Value> = rows
        .iter()
        .map(|row| (row.get::<_, String>(0), json!(row.get::<_, String>(1))))
        .collect();
    let cache_ts = rows.first().map_or(0, |row| row.get::<_, i64>(2));
    reply([
        ("emoji", Value::Object(emoji)),
        ("cache_ts", json!(format!("{cache_ts}.000000"))),
    ])
}
