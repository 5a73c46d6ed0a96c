//! Token rotation: an app with rotation on (`POST /api/admin/oauth/rotation`) gets expiring
//! access tokens from `oauth.v2.access` (see `oauth`), each with a refresh token;
//! `oauth.v2.access` with `grant_type=refresh_token` mints a new access token for one,
//! `oauth.v2.exchange` trades a long-lived token for an expiring one, and
//! `tooling.tokens.rotate` rotates an app configuration token. An expired token answers
//! `token_expired` (`auth`).

use asym_kit::token::hash;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::admin::{AdminResult, json_body};
use crate::error::{ApiError, ApiResult};
use crate::model::token::{
    EXPIRES_IN, Holder, issue_with, mint_refresh_token, mint_user_token, rotation_enabled,
};
use crate::oauth::{INSTALLED, check_client};
use crate::{AppState, Call};

/// Token rotation's admin routes.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/admin/oauth/rotation",
            get(get_rotation).post(set_rotation),
        )
        .route("/api/admin/tokens/expire", post(expire))
        .route("/api/admin/tokens/config", post(mint_config_token))
}

/// The answer's common fields: the app, the workspace, no enterprise.
fn installed_fields(installed: &asym_kit::tokio_postgres::Row) -> Map<String, Value> {
    Map::from_iter([
        ("app_id".to_owned(), json!(installed.get::<_, String>(1))),
        (
            "team".to_owned(),
            json!({ "id": installed.get::<_, String>(2), "name": installed.get::<_, String>(3) }),
        ),
        ("enterprise".to_owned(), Value::Null),
        ("is_enterprise_install".to_owned(), json!(false)),
    ])
}

/// An expiring access token for the holder of `row` (`kind`, `user_id`, `team_id`,
/// `scopes`), keeping the refresh token `refresh` when given: the OAuth answer for it.
async fn expiring(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    row: &asym_kit::tokio_postgres::Row,
    refresh: Option<&str>,
) -> Result<Map<String, Value>, ApiError> {
    let (kind, user, team, scopes): (String, String, String, Vec<String>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let holder = Holder::new(&kind, &user, &team, &scopes);
    let installed = tx.query_one(INSTALLED, &[]).await?;
    let mut body = installed_fields(&installed);
    body.insert("scope".into(), json!(scopes.join(",")));
    body.extend(issue_with(tx, &holder, true, refresh).await?);
    let who = if kind == "bot" {
        "bot_user_id"
    } else {
        "user_id"
    };
    body.insert(who.into(), json!(user));
    Ok(body)
}

/// What a call trades for an expiring access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trade {
    /// `oauth.v2.access` with `grant_type=refresh_token`: a refresh token, kept.
    Refresh,
    /// `oauth.v2.exchange`: a long-lived bot or user token.
    Exchange,
}

impl Trade {
    /// What the call presents: the `refresh_token` argument; or the `token` argument, else
    /// the bearer token (the SDKs send the one to trade either way).
    fn presented(self, call: &Call) -> String {
        match self {
            Self::Refresh => call.args.non_empty("refresh_token").unwrap_or_default(),
            Self::Exchange => call
                .args
                .token()
                .filter(|token| !token.is_empty())
                .or_else(|| crate::auth::token(&call.headers, &call.args))
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// The holder of what is presented (`$1` its hash), as `kind, user_id, team_id, scopes`.
    const fn holder_sql(self) -> &'static str {
        match self {
            Self::Refresh => {
                "SELECT kind, user_id, team_id, scopes FROM refresh_tokens WHERE token_hash = $1"
            }
            Self::Exchange => {
                "SELECT kind, user_id, team_id, scopes FROM tokens
                 WHERE token_hash = $1 AND expires_at IS NULL"
            }
        }
    }

    /// The error for what the clone did not issue.
    const fn unknown(self) -> &'static str {
        match self {
            Self::Refresh => "invalid_refresh_token",
            Self::Exchange => "invalid_auth",
        }
    }
}

/// A new expiring access token for what the call presents, its checks in one order for both
/// trades, as `oauth.v2.access` checks a code: the client first (its id, then its secret),
/// then rotation (`oauth.v2.exchange` only), then what is presented.
///
/// # Errors
///
/// `invalid_client_id`, `bad_client_secret`; `token_rotation_not_enabled`; the trade's
/// [`Trade::unknown`].
async fn trade(state: &AppState, call: &Call, trade: Trade) -> ApiResult {
    let presented = trade.presented(call);
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    check_client(&tx, call).await?;
    if trade == Trade::Exchange && !rotation_enabled(&tx).await? {
        return Err(ApiError::new("token_rotation_not_enabled"));
    }
    let row = tx
        .query_opt(trade.holder_sql(), &[&hash(&presented)])
        .await?
        .ok_or_else(|| ApiError::new(trade.unknown()))?;
    let keep = (trade == Trade::Refresh).then_some(presented.as_str());
    let body = expiring(&tx, &row, keep).await?;
    state.commit(tx).await?;
    Ok(body)
}

/// `oauth.v2.access` with `grant_type=refresh_token`: a new expiring access token for the
/// refresh token (which stays good), with the app's client id and secret.
///
/// # Errors
///
/// As [`trade`]: the client's, then `invalid_refresh_token` for one the clone did not issue.
pub(crate) async fn refresh(state: &AppState, call: &Call) -> ApiResult {
    trade(state, call, Trade::Refresh).await
}

/// `oauth.v2.exchange`: trades a long-lived bot or user token (`token`) for an expiring one
/// and a refresh token, for an app with rotation on (`token_rotation_not_enabled` otherwise).
/// The long-lived token keeps working until it is revoked.
///
/// # Errors
///
/// As [`trade`]: the client's, `token_rotation_not_enabled`, then `invalid_auth` for an
/// unknown token.
pub(crate) async fn exchange(state: &AppState, call: &Call) -> ApiResult {
    trade(state, call, Trade::Exchange).await
}

/// `tooling.tokens.rotate`: an app configuration token's refresh token (`refresh_token`)
/// gets a new configuration token (`xoxe.xoxp-…`, twelve hours) and a new refresh token
/// (the presented one is used up), as Slack rotates them.
///
/// # Errors
///
/// `invalid_refresh_token` for one the clone did not issue, or one used before.
pub(crate) async fn rotate_config_token(state: &AppState, call: &Call) -> ApiResult {
    let presented = call.args.non_empty("refresh_token").unwrap_or_default();
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let row = tx
        .query_opt(
            "DELETE FROM refresh_tokens WHERE token_hash = $1 AND kind = 'user'
               AND 'config' = ANY(scopes)
             RETURNING user_id, team_id, extract(epoch FROM now())::bigint",
            &[&hash(&presented)],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_refresh_token"))?;
    let (user, team, now): (String, String, i64) = (row.get(0), row.get(1), row.get(2));
    let (token, refresh) = store_config_token(&tx, &user, &team).await?;
    state.commit(tx).await?;
    Ok(Map::from_iter([
        ("token".to_owned(), json!(token)),
        ("refresh_token".to_owned(), json!(refresh)),
        ("team_id".to_owned(), json!(team)),
        ("user_id".to_owned(), json!(user)),
        ("iat".to_owned(), json!(now)),
        ("exp".to_owned(), json!(now + EXPIRES_IN)),
    ]))
}

/// Mints an app configuration token for `user` (twelve hours) and its refresh token.
async fn store_config_token(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    user: &str,
    team: &str,
) -> Result<(String, String), ApiError> {
    let token = format!("xoxe.{}", mint_user_token());
    let refresh = mint_refresh_token();
    let scopes = vec!["config".to_owned()];
    client
        .execute(
            "INSERT INTO tokens (token_hash, kind, user_id, team_id, scopes, expires_at)
             VALUES ($1, 'user', $2, $3, $4, now() + interval '12 hours')",
            &[&hash(&token), &user, &team, &scopes],
        )
        .await?;
    client
        .execute(
            "INSERT INTO refresh_tokens (token_hash, kind, user_id, team_id, scopes)
             VALUES ($1, 'user', $2, $3, $4)",
            &[&hash(&refresh), &user, &team, &scopes],
        )
        .await?;
    Ok((token, refresh))
}

/// What `POST /api/admin/oauth/rotation` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RotationBody {
    /// Whether installs issue expiring tokens.
    enabled: bool,
}

/// `GET /api/admin/oauth/rotation`: `{"enabled": bool}`.
async fn get_rotation(State(state): State<AppState>) -> AdminResult {
    let enabled = rotation_enabled(&state.kit.db().await?).await?;
    Ok(Json(json!({ "ok": true, "enabled": enabled })))
}

/// `POST /api/admin/oauth/rotation {"enabled": true}`: turns token rotation on or off for
/// the app (off by default, and again after a reset).
async fn set_rotation(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: RotationBody = json_body(&body)?;
    let value = if request.enabled { "on" } else { "off" };
    state
        .kit
        .db()
        .await?
        .execute(
            "INSERT INTO settings (key, value) VALUES ('token_rotation', $1)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&value],
        )
        .await?;
    Ok(Json(json!({ "ok": true, "enabled": request.enabled })))
}

/// What `POST /api/admin/tokens/expire` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpireBody {
    /// An expiring token.
    token: String,
}

/// `POST /api/admin/tokens/expire {"token": "xoxe.xoxb-…"}`: the expiring token's twelve
/// hours are up now (the clone has no clock a test can move): it answers `token_expired`.
/// 404 `token_not_found` for a token that does not expire.
async fn expire(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ExpireBody = json_body(&body)?;
    let expired = state
        .kit
        .db()
        .await?
        .execute(
            "UPDATE tokens SET expires_at = now() WHERE token_hash = $1 AND expires_at IS NOT NULL",
            &[&hash(request.token.trim())],
        )
        .await?;
    if expired == 0 {
        return Err(ApiError::status(StatusCode::NOT_FOUND, "token_not_found").into());
    }
    Ok(Json(json!({ "ok": true })))
}

/// What `POST /api/admin/tokens/config` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigBody {
    /// Whose (default the primary owner).
    #[serde(default)]
    user: Option<String>,
}

/// `POST /api/admin/tokens/config {"user"?: "U…"}`: an app configuration token and its
/// refresh token, as a person generates them on Slack's app settings page:
/// `{"token": "xoxe.xoxp-…", "refreshToken": "xoxe-1-…"}`.
async fn mint_config_token(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ConfigBody = json_body(if body.is_empty() { b"{}" } else { &body })?;
    let db = state.kit.db().await?;
    let row = db
        .query_opt(
            "SELECT id, team_id FROM users
             WHERE NOT is_bot AND NOT deleted AND id <> 'USLACKBOT'
               AND (id = $1 OR ($1 IS NULL AND is_primary_owner))
             ORDER BY id LIMIT 1",
            &[&request.user],
        )
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, "user_not_found"))?;
    let (user, team): (String, String) = (row.get(0), row.get(1));
    let (token, refresh) = store_config_token(&db, &user, &team).await?;
    Ok(Json(
        json!({ "ok": true, "token": token, "refreshToken": refresh }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_have_slacks_shape() {
        let refresh = mint_refresh_token();
        assert!(refresh.starts_with("xoxe-1-"), "{refresh}");
        assert_eq!(refresh.len(), "xoxe-1-".len() + 146);
    }
}
