//! The admin surface's webhook routes, which stand in for the developer portal: the app's
//! id, target URL and client secret, and its subscriptions.

use asym_kit::Kit;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::request::{JsonBody, string_field};
use crate::subscriptions;

/// The admin webhook routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            "/api/admin/webhooks/settings",
            get(get_settings).put(put_settings),
        )
        .route(
            "/api/admin/webhooks/subscriptions",
            get(subscriptions).post(subscribe),
        )
        .route(
            "/api/admin/webhooks/subscriptions/{id}",
            axum::routing::delete(unsubscribe),
        )
}

fn settings_json(app_id: i64, url: &str, secret: &str) -> Value {
    json!({ "appId": app_id, "targetUrl": url, "clientSecret": secret })
}

/// `GET /api/admin/webhooks/settings`: 404 until a target URL is set.
async fn get_settings(State(kit): State<Kit>) -> ApiResult {
    let client = kit.db().await?;
    let settings = subscriptions::settings(&client).await?;
    let (settings, url) = settings
        .and_then(|s| s.target_url.clone().map(|url| (s, url)))
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(settings_json(settings.app_id, &url, &settings.secret)).into_response())
}

/// `PUT /api/admin/webhooks/settings` `{targetUrl, clientSecret?, appId?}`: the app whose
/// events go where (the provisioned app's id and secret when not given).
async fn put_settings(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let url = string_field(&body, "targetUrl")
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or_else(|| ApiError::validation("targetUrl must be an http(s) URL"))?;
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let current = subscriptions::settings(&tx).await?;
    let secret = string_field(&body, "clientSecret")
        .or_else(|| current.map(|s| s.secret))
        .unwrap_or_else(|| asym_kit::token::random_hex(32));
    let app_id = body["appId"].as_i64().unwrap_or(subscriptions::APP_ID);
    subscriptions::replace(&tx, app_id, Some(&url), &secret).await?;
    tx.commit().await?;
    Ok(axum::Json(settings_json(app_id, &url, &secret)).into_response())
}

/// `POST /api/admin/webhooks/subscriptions` `{eventType, objectTypeId?, propertyName?,
/// active?}` (active unless said otherwise).
async fn subscribe(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let client = kit.db().await?;
    let subscription = subscriptions::subscribe(&client, &body, true).await?;
    Ok((StatusCode::CREATED, axum::Json(subscription)).into_response())
}

/// `GET /api/admin/webhooks/subscriptions`.
async fn subscriptions(State(kit): State<Kit>) -> ApiResult {
    let client = kit.db().await?;
    let results = subscriptions::subscriptions(&client).await?;
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `DELETE /api/admin/webhooks/subscriptions/{id}`.
async fn unsubscribe(State(kit): State<Kit>, Path(id): Path<String>) -> ApiResult {
    let client = kit.db().await?;
    subscriptions::unsubscribe(&client, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
