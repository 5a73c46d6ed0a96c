//! OAuth v2: `oauth.v2.access` exchanges an authorization code for the app's bot token (and
//! the installing person's user token when user scopes were asked for), as Slack does at the
//! end of an app's install flow. The person's consent is played by the admin surface:
//! `POST /api/admin/oauth/codes` mints the code Slack would have sent to the app's redirect
//! URL; `GET /api/admin/oauth` tells the app its client id and secret.

use asym_kit::token::{constant_time_eq, hash, random_digits, random_hex};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::admin::{AdminResult, invalid, json_body};
use crate::auth::BOT_SCOPES;
use crate::error::{ApiError, ApiResult};
use crate::model::token::{self as tokens, Holder};
use crate::{AppState, Call};

/// How long a code can be exchanged: Slack's codes expire after ten minutes.
const CODE_LIFETIME: &str = "10 minutes";

/// The app's installed bot and its workspace: bot user, app id, team id and name.
pub(crate) const INSTALLED: &str = "SELECT b.user_id, b.app_id, t.id, t.name FROM bots b
                         JOIN teams t ON t.id = b.team_id
                         WHERE NOT b.deleted ORDER BY b.id LIMIT 1";

/// The admin routes of the install flow.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/oauth", get(client))
        .route("/api/admin/oauth/codes", post(mint_code))
}

/// The app's OAuth client id and secret, set at provisioning.
async fn credentials(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
) -> Result<(String, String), ApiError> {
    let rows = client
        .query(
            "SELECT key, value FROM settings WHERE key IN ('client_id', 'client_secret')",
            &[],
        )
        .await?;
    let value = |key: &str| {
        rows.iter()
            .find(|row| row.get::<_, &str>(0) == key)
            .map(|row| row.get::<_, String>(1))
    };
    match (value("client_id"), value("client_secret")) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(ApiError::status(StatusCode::CONFLICT, "not_provisioned")),
    }
}

/// `GET /api/admin/oauth`: `{"clientId", "clientSecret", "appId"}`, what the app is
/// configured with.
async fn client(State(state): State<AppState>) -> AdminResult {
    let db = state.kit.db().await?;
    let (id, secret) = credentials(&db).await?;
    let app: Option<String> = db.query_opt(INSTALLED, &[]).await?.map(|row| row.get(1));
    Ok(Json(
        json!({ "clientId": id, "clientSecret": secret, "appId": app }),
    ))
}

/// What `POST /api/admin/oauth/codes` takes: who installs, with which scopes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CodeBody {
    /// The installing person (default the primary owner).
    #[serde(default)]
    user: Option<String>,
    /// The bot scopes asked for (default the provisioned bot token's).
    #[serde(default)]
    scopes: Option<Vec<String>>,
    /// The user scopes asked for (default none: no user token).
    #[serde(default)]
    user_scopes: Vec<String>,
    /// The `redirect_uri` of the authorize request, which the exchange must repeat.
    #[serde(default)]
    redirect_uri: Option<String>,
    /// The `nonce` of a Sign in with Slack authorize request, repeated in the id_token.
    #[serde(default)]
    nonce: Option<String>,
}

/// Whether `scope` reads as a Slack scope (`chat:write`, `users:read.email`, `commands`).
fn is_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._:-".contains(&b))
}

/// `POST /api/admin/oauth/codes` `{"user"?, "scopes"?, "userScopes"?, "redirectUri"?,
/// "nonce"?}`: the
/// person approves the app's install; answers the `code` Slack would send to the app's
/// redirect URL (`{"code", "expiresIn": 600}`), exchangeable once within ten minutes.
/// `incoming-webhook` is refused: the clone has no incoming webhooks to install.
async fn mint_code(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: CodeBody = json_body(&body)?;
    let scopes = request
        .scopes
        .unwrap_or_else(|| BOT_SCOPES.iter().map(|s| (*s).to_owned()).collect());
    if scopes.is_empty() && request.user_scopes.is_empty() {
        return Err(invalid("ask for scopes, userScopes or both"));
    }
    if let Some(bad) = scopes
        .iter()
        .chain(&request.user_scopes)
        .find(|s| !is_scope(s))
    {
        return Err(invalid(format!("{bad:?} is not a scope")));
    }
    if scopes.iter().any(|scope| scope == "incoming-webhook") {
        return Err(invalid(
            "incoming-webhook: incoming webhooks are not served by the clone",
        ));
    }
    let code = format!(
        "{}.{}.{}",
        random_digits(12),
        random_digits(13),
        random_hex(64)
    );
    let db = state.kit.db().await?;
    let inserted = db
        .execute(
            "INSERT INTO oauth_codes
                 (code_hash, user_id, team_id, scopes, user_scopes, redirect_uri, nonce)
             SELECT $1, u.id, u.team_id, $3, $4, $5, $6 FROM users u
             WHERE NOT u.is_bot AND NOT u.deleted AND u.id <> 'USLACKBOT'
               AND (u.id = $2 OR ($2 IS NULL AND u.is_primary_owner))
             ORDER BY u.id LIMIT 1",
            &[
                &hash(&code),
                &request.user,
                &scopes,
                &request.user_scopes,
                &request.redirect_uri,
                &request.nonce,
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(ApiError::status(StatusCode::NOT_FOUND, "user_not_found").into());
    }
    Ok(Json(json!({ "code": code, "expiresIn": 600 })))
}

/// The client id and secret of an `oauth.v2.access` call: HTTP Basic auth (as Slack
/// prefers, and slack_sdk sends), else the `client_id` and `client_secret` arguments.
fn client_of(call: &Call) -> (Option<String>, Option<String>) {
    let basic = call
        .headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| asym_kit::cursor::decode(encoded.trim()).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|pair| pair.split_once(':')) {
        return (Some(id.to_owned()), Some(secret.to_owned()));
    }
    (
        call.args.non_empty("client_id"),
        call.args.non_empty("client_secret"),
    )
}

/// The app's client id, when the call carries it and its secret (HTTP Basic, or the
/// `client_id` and `client_secret` arguments).
///
/// # Errors
///
/// `invalid_client_id`, `bad_client_secret`.
pub(crate) async fn check_client(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    call: &Call,
) -> Result<String, ApiError> {
    let (id, secret) = client_of(call);
    let (client_id, client_secret) = credentials(client)
        .await
        .map_err(|_| ApiError::new("invalid_client_id"))?;
    if id.as_deref() != Some(client_id.as_str()) {
        return Err(ApiError::new("invalid_client_id"));
    }
    if !secret.is_some_and(|secret| constant_time_eq(&secret, &client_secret)) {
        return Err(ApiError::new("bad_client_secret"));
    }
    Ok(client_id)
}

/// What an authorization code granted: who approved which scopes, for which client.
pub(crate) struct Grant {
    /// The person who approved.
    pub(crate) user: String,
    /// Their workspace.
    pub(crate) team: String,
    /// The bot scopes.
    pub(crate) scopes: Vec<String>,
    /// The user scopes.
    pub(crate) user_scopes: Vec<String>,
    /// The authorize request's `nonce`.
    pub(crate) nonce: Option<String>,
    /// The app's client id.
    pub(crate) client_id: String,
}

/// Checks the client (id and secret) and the code of an exchange (`oauth.v2.access`,
/// `openid.connect.token`) and spends the code in `tx`: rolling `tx` back gives it back.
///
/// # Errors
///
/// Slack's: `invalid_grant_type`, `invalid_refresh_token` (the clone's app does not rotate
/// tokens), `invalid_client_id`, `bad_client_secret`, `invalid_code`, `bad_redirect_uri`.
pub(crate) async fn redeem(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    call: &Call,
) -> Result<Grant, ApiError> {
    match call.args.non_empty("grant_type").as_deref() {
        None | Some("authorization_code") => {}
        // `oauth.v2.access` refreshes in `rotation`; Sign in with Slack's tokens do not rotate.
        Some("refresh_token") => return Err(ApiError::new("invalid_refresh_token")),
        Some(_) => return Err(ApiError::new("invalid_grant_type")),
    }
    let code = call.args.non_empty("code");
    let redirect_uri = call.args.non_empty("redirect_uri");
    let client_id = check_client(tx, call).await?;
    let code = code.ok_or_else(|| ApiError::new("invalid_code"))?;
    let grant = tx
        .query_opt(
            &format!(
                "SELECT user_id, team_id, scopes, user_scopes, redirect_uri, nonce
                 FROM oauth_codes
                 WHERE code_hash = $1 AND NOT used
                   AND created > now() - interval '{CODE_LIFETIME}'
                 FOR UPDATE"
            ),
            &[&hash(&code)],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_code"))?;
    let asked: Option<String> = grant.get(4);
    if asked.is_some() && asked != redirect_uri {
        return Err(ApiError::new("bad_redirect_uri"));
    }
    tx.execute(
        "UPDATE oauth_codes SET used = true WHERE code_hash = $1",
        &[&hash(&code)],
    )
    .await?;
    Ok(Grant {
        user: grant.get(0),
        team: grant.get(1),
        scopes: grant.get(2),
        user_scopes: grant.get(3),
        nonce: grant.get(5),
        client_id,
    })
}

/// `oauth.v2.access`: the code's tokens, once (expiring ones, each with a refresh token, for
/// an app with token rotation on). (`grant_type=refresh_token` is `rotation`'s.)
pub(crate) async fn access(state: &AppState, call: &Call) -> ApiResult {
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let Grant {
        user,
        team,
        scopes,
        user_scopes,
        ..
    } = redeem(&tx, call).await?;
    let installed = tx.query_one(INSTALLED, &[]).await?;
    let rotating = tokens::rotation_enabled(&tx).await?;
    let mut body = Map::new();
    body.insert("app_id".into(), json!(installed.get::<_, String>(1)));
    let mut authed_user = Map::from_iter([("id".to_owned(), json!(user))]);
    if !user_scopes.is_empty() {
        let holder = Holder::new("user", &user, &team, &user_scopes);
        authed_user.insert("scope".into(), json!(user_scopes.join(",")));
        authed_user.extend(tokens::issue(&tx, &holder, rotating).await?);
    }
    body.insert("authed_user".into(), Value::Object(authed_user));
    if !scopes.is_empty() {
        let bot_user: String = installed.get(0);
        let holder = Holder::new("bot", &bot_user, &team, &scopes);
        body.insert("scope".into(), json!(scopes.join(",")));
        body.extend(tokens::issue(&tx, &holder, rotating).await?);
        body.insert("bot_user_id".into(), json!(bot_user));
    }
    body.insert(
        "team".into(),
        json!({ "id": team, "name": installed.get::<_, String>(3) }),
    );
    body.insert("enterprise".into(), Value::Null);
    body.insert("is_enterprise_install".into(), json!(false));
    state.commit(tx).await?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_as_slack_writes_them() {
        for scope in [
            "chat:write",
            "users:read.email",
            "commands",
            "incoming-webhook",
        ] {
            assert!(is_scope(scope), "{scope}");
        }
        for scope in ["", "chat:write,users:read", "Chat:Write", "chat write"] {
            assert!(!is_scope(scope), "{scope}");
        }
    }
}
