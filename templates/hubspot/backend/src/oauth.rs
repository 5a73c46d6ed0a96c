//! HubSpot's OAuth token metadata (`GET /oauth/v1/access-tokens/{token}`, the SDKs'
//! `oauth.accessTokensApi.get` / `oauth.access_tokens_api.get`): what an app reads after an
//! install to learn which account and user a token is for. The clone's tokens (the provisioned
//! one and those the admin surface mints) stand for the access tokens an OAuth install gives;
//! the call takes no credentials, as HubSpot's takes none beside the token in its path.

use asym_kit::Kit;
use asym_kit::credentials;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::subscriptions::APP_ID;
use crate::types::PORTAL_ID;

/// The account's domain, as the metadata names it (the clone's: HubSpot's is the portal's).
const HUB_DOMAIN: &str = "asym-hubspot.example";

/// Seconds an access token is answered to live: HubSpot's OAuth access tokens expire 30
/// minutes after they are issued; the clone's do not expire, so every read answers the whole
/// lifetime.
const EXPIRES_IN: i64 = 1800;

/// The OAuth metadata route.
pub(crate) fn routes() -> Router<Kit> {
    Router::new().route("/oauth/v1/access-tokens/{token}", get(read))
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
    let principal = credentials::authenticate(&kit, &token)
        .await?
        .filter(|p| p.kind == "private_app")
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
