//! The admin surface (behind the kit's `X-Asym-Admin-Secret` guard): provisioning and
//! further private app tokens with chosen scopes. (Webhook settings and subscriptions are
//! in `subscriptions::admin`, rate limits in `ratelimit`.)

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::request::{ACCESS_TOKEN, DEVELOPER_KEY, JsonBody, SCOPES};
use crate::{oauth, subscriptions, types};

/// A private app token in HubSpot's shape: `pat-na1-<uuid>`.
fn mint_token() -> String {
    format!("pat-na1-{}", asym_kit::token::random_uuid())
}

/// `POST /api/admin/provision`: mints `token`, a private app token with every scope, the OAuth
/// app's `clientId` and a `refreshToken` of every scope (for `POST /oauth/v1/token`), and
/// sets up the developer app `1000001` (its webhooks API and events): `developerApiKey`, its
/// developer API key (`hapikey`), and `clientSecret`, the secret that signs its events
/// (kept in `webhook_settings`, not a credential).
pub(crate) async fn provision(State(kit): State<Kit>, body: Bytes) -> Response {
    credentials::provision_with(&kit, &body, credentials::CREDENTIALS, async |tx| {
        credentials::revoke_provisioned(tx).await?;
        let client_id = asym_kit::token::random_uuid();
        oauth::set_client_id(tx, &client_id).await?;
        let minted = [
            Mint::new("token", mint_token())
                .subject(types::PORTAL_ID)
                .kind(ACCESS_TOKEN)
                .scopes(SCOPES),
            Mint::new(
                "refreshToken",
                format!("na1-{}", asym_kit::token::random_uuid()),
            )
            .subject(types::PORTAL_ID)
            .kind(oauth::REFRESH_TOKEN)
            .scopes(SCOPES),
            Mint::new("clientId", client_id)
                .subject(types::PORTAL_ID)
                .kind(oauth::CLIENT_ID),
            Mint::new("developerApiKey", asym_kit::token::random_uuid())
                .subject(types::PORTAL_ID)
                .kind(DEVELOPER_KEY),
        ];
        let mut tokens = Map::new();
        for mint in minted {
            credentials::store(tx, &mint, true).await?;
            tokens.insert(mint.name, Value::String(mint.token));
        }
        let secret = asym_kit::token::random_uuid();
        subscriptions::replace(tx, subscriptions::APP_ID, None, &secret).await?;
        tokens.insert("clientSecret".to_owned(), Value::String(secret));
        Ok(tokens)
    })
    .await
}

/// `POST /api/admin/private-apps` `{scopes: [...]}`: another private app token with only
/// those scopes (to exercise `MISSING_SCOPES`).
pub(crate) async fn mint(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let scopes: Vec<String> = body["scopes"]
        .as_array()
        .ok_or_else(|| ApiError::validation("scopes must be an array of strings"))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let token = mint_token();
    let minted = Mint::new("private_app", token.clone())
        .subject(types::PORTAL_ID)
        .kind(ACCESS_TOKEN)
        .scopes(scopes.clone());
    let client = kit.db().await?;
    credentials::store(&client, &minted, false).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "token": token, "scopes": scopes })),
    )
        .into_response())
}
