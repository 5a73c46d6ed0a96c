//! HubSpot's OAuth token routes: a token's metadata (`GET /oauth/v1/access-tokens/{token}`,
//! the SDKs' `oauth.accessTokensApi.get` / `oauth.access_tokens_api.get`), what an app reads
//! after an install to learn which account and user a token is for, and the refresh of an
//! access token (`POST /oauth/v1/token` with `grant_type=refresh_token`, `oauth.tokensApi.create`
//! / `oauth.tokens_api.create`). The clone's tokens (the provisioned one and those the admin
//! surface mints) stand for the access tokens an OAuth install gives; provisioning also mints
//! the app's `clientId` and a `refreshToken` of every scope. The calls take no credentials
//! beside the tokens and client credentials they are sent, as HubSpot's take none.

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::request::{ACCESS_TOKEN, credential};
use crate::subscriptions::{self, APP_ID};
use crate::types::PORTAL_ID;

/// The kind of credential provisioning mints as the app's OAuth client id.
pub(crate) const CLIENT_ID: &str = "oauth_client_id";

/// The kind of credential provisioning mints as a refresh token.
pub(crate) const REFRESH_TOKEN: &str = "oauth_refresh_token";

/// The account's domain, as the metadata names it (the clone's: HubSpot's is the portal's).
const HUB_DOMAIN: &str = "asym-hubspot.example";

/// Seconds an access token is answered to live: HubSpot's OAuth access tokens expire 30
/// minutes after they are issued; the clone's do not expire, so every read answers the whole
/// lifetime.
const EXPIRES_IN: i64 = 1800;

/// The OAuth metadata route.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/oauth/v1/access-tokens/{token}", get(read))
        .route("/oauth/v1/token", post(exchange))
}

/// `GET /oauth/v1/access-tokens/{token}` → `{token, user, hub_domain, scopes, hub_id, app_id,
/// expires_in, user_id, token_type: "access"}`; `user` and `user_id` are the account's first
/// live owner's email and user id.
///
/// # Errors
///
/// 404 `OBJECT_NOT_FOUND` for a token that is not a live access token of the clone (a
/// developer API key included); the text is the clone's, HubSpot documents none.
async fn read(State(kit): State<Kit>, Path(token): Path<String>) -> ApiResult {
    let principal = credential(&kit, Some(&token), ACCESS_TOKEN)
        .await?
        .ok_or_else(|| ApiError::missing(format!("Token {token} was not found.")))?;
    let owner = kit
        .db()
        .await?
        .query_opt(
            "SELECT email, user_id FROM owners WHERE NOT archived ORDER BY id LIMIT 1",
            &[],
        )
        .await?;
    let (user, user_id) = owner.map_or((None, None), |row| {
        (Some(row.get::<_, String>(0)), Some(row.get::<_, i64>(1)))
    });
    Ok(axum::Json(json!({
        "token": token,
        "user": user,
        "hub_domain": HUB_DOMAIN,
        "scopes": principal.scopes,
        "hub_id": PORTAL_ID.parse::<i64>().unwrap_or_default(),
        "app_id": APP_ID,
        "expires_in": EXPIRES_IN,
        "user_id": user_id,
        "token_type": "access",
    }))
    .into_response())
}

/// HubSpot's refusal of a token request: 400 `{status: code, message, correlationId}` (its
/// OAuth errors name their code in `status`: `BAD_REFRESH_TOKEN`, `BAD_CLIENT_ID`, …).
fn refused(code: &str, message: &str) -> Response {
    let body = json!({
        "status": code,
        "message": message,
        "correlationId": asym_kit::token::random_uuid(),
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// `POST /oauth/v1/token` (a form: `grant_type`, `client_id`, `client_secret`,
/// `refresh_token`, `code`, `redirect_uri`): for `grant_type=refresh_token` with the app's
/// client id and secret and a live refresh token, a new access token of the refresh token's
/// scopes → `{token_type: "bearer", refresh_token, access_token, expires_in}`. The clone runs
/// no authorization page, so it issues no authorization codes: `authorization_code` answers
/// `BAD_AUTH_CODE`.
async fn exchange(State(kit): State<Kit>, body: Bytes) -> Response {
    match issue(&kit, &asym_kit::form::parse(&body)).await {
        Ok(answer) => answer,
        Err(err) => err.into_response(),
    }
}

/// [`exchange`]'s answer, or the store's error.
async fn issue(kit: &Kit, form: &[(String, String)]) -> Result<Response, ApiError> {
    let field = |name: &str| asym_kit::form::first(form, name);
    let grant = field("grant_type").unwrap_or_default();
    if !matches!(grant, "refresh_token" | "authorization_code") {
        return Ok(refused("BAD_GRANT_TYPE", "missing or invalid grant_type"));
    }
    if credential(kit, field("client_id"), CLIENT_ID)
        .await?
        .is_none()
    {
        return Ok(refused("BAD_CLIENT_ID", "missing or invalid client_id"));
    }
    let client = kit.db().await?;
    let secret = subscriptions::settings(&client).await?.map(|s| s.secret);
    if secret.is_none() || field("client_secret") != secret.as_deref() {
        return Ok(refused(
            "BAD_CLIENT_SECRET",
            "missing or invalid client_secret",
        ));
    }
    if grant == "authorization_code" {
        return Ok(refused("BAD_AUTH_CODE", "missing or unknown auth code"));
    }
    let refresh_token = field("refresh_token").unwrap_or_default();
    let Some(refresh) = credential(kit, Some(refresh_token), REFRESH_TOKEN).await? else {
        return Ok(refused(
            "BAD_REFRESH_TOKEN",
            "missing or invalid refresh token",
        ));
    };
    let access_token = format!("CN{}", asym_kit::token::random_uuid().replace('-', ""));
    let minted = Mint::new("oauth_access_token", access_token.clone())
        .subject(PORTAL_ID)
        .kind(ACCESS_TOKEN)
        .scopes(refresh.scopes);
    credentials::store(&client, &minted, false).await?;
    let answer: Value = json!({
        "token_type": "bearer",
        "refresh_token": refresh_token,
        "access_token": access_token,
        "expires_in": EXPIRES_IN,
    });
    Ok(axum::Json(answer).into_response())
}
