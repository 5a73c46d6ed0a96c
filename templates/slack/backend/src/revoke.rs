//! `auth.revoke`: a token's holder revokes it. (`auth` resolves tokens for every method and
//! sits below the model layer; this handler queues an event, so it lives apart.)

use serde_json::{Map, Value, json};

use crate::auth::{caller, token};
use crate::error::ApiResult;
use crate::model::event::emit;
use crate::{AppState, Call};

/// `auth.revoke`: revokes the call's token (with `test`, only says it would); Slack then
/// sends the app `tokens_revoked`.
pub(crate) async fn revoke(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    if call.args.flag("test").unwrap_or(false) {
        return Ok(Map::from_iter([("revoked".to_owned(), Value::Bool(false))]));
    }
    let token = token(&call.headers, &call.args).unwrap_or_default();
    let hash = asym_kit::token::hash(token);
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM tokens WHERE token_hash = $1", &[&hash])
        .await?;
    tx.execute(
        "INSERT INTO revoked_tokens (token_hash, revoked)
         VALUES ($1, extract(epoch FROM now())::bigint) ON CONFLICT DO NOTHING",
        &[&hash],
    )
    .await?;
    let kind = if caller.is_bot() { "bot" } else { "oauth" };
    let event = json!({
        "type": "tokens_revoked",
        "tokens": { kind: [caller.user_id] },
        "event_ts": crate::ts::event_ts(),
    });
    emit(&tx, "tokens_revoked", None, &event).await?;
    state.commit(tx).await?;
    Ok(Map::from_iter([("revoked".to_owned(), Value::Bool(true))]))
}
