//! `auth.revoke`: a token's holder revokes it; `apps.uninstall`: the app revokes every token
//! of its installation. (`auth` resolves tokens for every method and sits below the model
//! layer; these handlers queue events, so they live apart.)

use serde_json::{Map, Value, json};

use crate::auth::{caller, token};
use crate::error::ApiResult;
use crate::model::event::emit;
use crate::oauth::check_client;
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

/// `apps.uninstall`: the app, by its `client_id` and `client_secret`, uninstalls itself from
/// the caller's workspace: every token of the installation (bot and user, long-lived and
/// expiring, and their refresh tokens) is revoked at once, each answering `token_revoked`
/// since, and Slack sends `tokens_revoked` (the people's and the bot's user ids) and
/// `app_uninstalled`. Any token of the installation may ask; no scope is needed.
pub(crate) async fn uninstall(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    check_client(&tx, call).await?;
    let team = &caller.team_id;
    let rows = tx
        .query(
            "WITH gone AS (DELETE FROM tokens WHERE team_id = $1 RETURNING token_hash, kind,
                                                                           user_id),
                  kept AS (INSERT INTO revoked_tokens (token_hash, revoked)
                           SELECT token_hash, extract(epoch FROM now())::bigint FROM gone
                           ON CONFLICT DO NOTHING)
             SELECT kind, array_agg(DISTINCT user_id ORDER BY user_id) FROM gone GROUP BY kind",
            &[team],
        )
        .await?;
    tx.execute("DELETE FROM refresh_tokens WHERE team_id = $1", &[team])
        .await?;
    let mut revoked = json!({});
    for row in &rows {
        let kind = if row.get::<_, &str>(0) == "bot" {
            "bot"
        } else {
            "oauth"
        };
        revoked[kind] = json!(row.get::<_, Vec<String>>(1));
    }
    let event_ts = crate::ts::event_ts();
    let tokens = json!({ "type": "tokens_revoked", "tokens": revoked, "event_ts": event_ts });
    emit(&tx, "tokens_revoked", None, &tokens).await?;
    let uninstalled = json!({ "type": "app_uninstalled", "event_ts": event_ts });
    emit(&tx, "app_uninstalled", None, &uninstalled).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}
