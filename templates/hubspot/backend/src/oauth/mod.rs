//! HubSpot's OAuth routes. Metadata: an access token's (`GET /oauth/v1/access-tokens/{token}`,
//! the SDKs' `oauth.accessTokensApi.get` / `oauth.access_tokens_api.get`), what an app reads
//! after an install to learn which account and user a token is for, and a refresh token's
//! (`GET /oauth/v1/refresh-tokens/{token}`, `oauth.refreshTokensApi.get`), which also names
//! the app's client id; a refresh token's deletion (`DELETE /oauth/v1/refresh-tokens/{token}`,
//! `oauth.refreshTokensApi.archive`). The grants — the install page `/oauth/authorize`, the
//! admin surface's codes and `POST /oauth/v1/token` — are in [`grant`]. The clone's tokens
//! (the provisioned one and those the admin surface mints) stand for the access tokens an
//! OAuth install gives; provisioning also mints the app's `clientId` and a `refreshToken` of
//! every scope. The calls take no credentials beside the tokens and client credentials they
//! are sent, as HubSpot's take none.

mod grant;

use asym_kit::Kit;
use asym_kit::credentials::{self, Principal};
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::expiry::{self, Left};
use crate::request::{ACCESS_TOKEN, JsonBody, credential};
use crate::subscriptions::APP_ID;
use crate::types::PORTAL_ID;

/// The kind of credential provisioning mints as the app's OAuth client id.
pub(crate) const CLIENT_ID: &str = "oauth_client_id";

/// The kind of credential provisioning mints as a refresh token.
pub(crate) const REFRESH_TOKEN: &str = "oauth_refresh_token";

/// The account's domain, as the metadata names it (the clone's: HubSpot's is the portal's).
const HUB_DOMAIN: &str = "asym-hubspot.example";

/// The OAuth routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/oauth/v1/access-tokens/{token}", get(read_access))
        .route(
            "/oauth/v1/refresh-tokens/{token}",
            get(read_refresh).delete(delete_refresh),
        )
        .route("/oauth/v1/token", post(grant::exchange))
        .route("/oauth/authorize", get(grant::authorize))
}

/// The admin surface's OAuth routes.
pub(crate) fn admin_routes() -> Router<Kit> {
    Router::new()
        .route("/api/admin/oauth/codes", post(grant::admin_code))
        .route("/api/admin/oauth/advance", post(advance))
}

/// Records `client_id` as the OAuth app's (provisioning), replacing the one before.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn set_client_id(
    client: &impl GenericClient,
    client_id: &str,
) -> Result<(), asym_kit::tokio_postgres::Error> {
    client.execute("DELETE FROM oauth_app", &[]).await?;
    client
        .execute(
            "INSERT INTO oauth_app (client_id) VALUES ($1)",
            &[&client_id],
        )
        .await
        .map(drop)
}

/// The live credential of kind `kind` that `token` names.
///
/// # Errors
///
/// 404 `OBJECT_NOT_FOUND` for any other token (the text is the clone's, HubSpot documents
/// none); the store's error.
async fn live(kit: &Kit, token: &str, kind: &str) -> Result<Principal, ApiError> {
    credential(kit, Some(token), kind)
        .await?
        .ok_or_else(|| not_found(token))
}

/// The clone's 404 for a token it does not know (HubSpot documents none).
fn not_found(token: &str) -> ApiError {
    ApiError::missing(format!("Token {token} was not found."))
}

/// What an access and a refresh token's metadata share: `{token, user, hub_domain, scopes,
/// hub_id, user_id}`; `user` and `user_id` are the account's first live owner's email and
/// user id.
async fn metadata(
    client: &impl GenericClient,
    token: &str,
    principal: Principal,
) -> Result<Value, ApiError> {
    let owner = client
        .query_opt(
            "SELECT email, user_id FROM owners WHERE NOT archived ORDER BY id LIMIT 1",
            &[],
        )
        .await?;
    let (user, user_id) = owner.map_or((None, None), |row| {
        (Some(row.get::<_, String>(0)), Some(row.get::<_, i64>(1)))
    });
    Ok(json!({
        "token": token,
        "user": user,
        "hub_domain": HUB_DOMAIN,
        "scopes": principal.scopes,
        "hub_id": PORTAL_ID.parse::<i64>().unwrap_or_default(),
        "user_id": user_id,
    }))
}

/// `GET /oauth/v1/access-tokens/{token}` → `{token, user, hub_domain, scopes, hub_id, app_id,
/// expires_in, user_id, token_type: "access"}`.
///
/// # Errors
///
/// 404 `OBJECT_NOT_FOUND` for a token that is not a live access token of the clone (a
/// developer API key included).
async fn read_access(State(kit): State<Kit>, Path(token): Path<String>) -> ApiResult {
    let principal = live(&kit, &token, ACCESS_TOKEN).await?;
    let client = kit.db().await?;
    let expires_in = match expiry::left(&client, &token).await? {
        Left::Forever => expiry::ACCESS_TOKEN,
        Left::Seconds(left) => left,
        Left::Expired(..) => return Err(not_found(&token)),
    };
    let mut answer = metadata(&client, &token, principal).await?;
    answer["app_id"] = json!(APP_ID);
    answer["expires_in"] = json!(expires_in);
    answer["token_type"] = json!("access");
    Ok(axum::Json(answer).into_response())
}

/// `GET /oauth/v1/refresh-tokens/{token}` → `{token, user, hub_domain, scopes, hub_id,
/// client_id, user_id, token_type: "refresh"}`.
///
/// # Errors
///
/// 404 `OBJECT_NOT_FOUND` for a token that is not a live refresh token (one deleted
/// included).
async fn read_refresh(State(kit): State<Kit>, Path(token): Path<String>) -> ApiResult {
    let principal = live(&kit, &token, REFRESH_TOKEN).await?;
    let client = kit.db().await?;
    let mut answer = metadata(&client, &token, principal).await?;
    let client_id = client
        .query_opt("SELECT client_id FROM oauth_app", &[])
        .await?
        .map(|row| row.get::<_, String>(0));
    answer["client_id"] = json!(client_id);
    answer["token_type"] = json!("refresh");
    Ok(axum::Json(answer).into_response())
}

/// `DELETE /oauth/v1/refresh-tokens/{token}` → 204: the refresh token no longer issues access
/// tokens (nor answers its metadata). As HubSpot's reference says, the access tokens it
/// issued are not affected.
///
/// # Errors
///
/// 404 `OBJECT_NOT_FOUND` for a token that is not a live refresh token.
async fn delete_refresh(State(kit): State<Kit>, Path(token): Path<String>) -> ApiResult {
    live(&kit, &token, REFRESH_TOKEN).await?;
    credentials::revoke(&kit.db().await?, &token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/admin/oauth/advance` `{seconds}` → `{advanced: n}`: every OAuth access token
/// and code expires `seconds` earlier, as if that much time had passed for them.
///
/// # Errors
///
/// 400 when `seconds` is not a positive whole number.
async fn advance(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let seconds = body
        .get("seconds")
        .and_then(Value::as_i64)
        .filter(|s| *s > 0)
        .ok_or_else(|| ApiError::validation("seconds must be a positive whole number"))?;
    let advanced = expiry::advance(&kit.db().await?, seconds).await?;
    Ok(axum::Json(json!({ "advanced": advanced })).into_response())
}
