//! HubSpot's webhooks API (`/webhooks/v3/{appId}/…`, the SDKs' `webhooks` client), called
//! with the app's developer API key (`hapikey`): the app's settings (target URL, throttling)
//! and its subscriptions, legacy (`contact.creation`) and generic (`object.creation` with
//! `objectTypeId`, the only ones custom objects have).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::objects::{batch_answer, batch_error, batch_inputs, now};
use crate::request::{self, Args, Call, JsonBody, string_field};
use crate::subscriptions::{self, Settings};

/// The webhooks API's routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            "/webhooks/v3/{appId}/settings",
            get(read_settings).put(configure).delete(clear),
        )
        .route("/webhooks/v3/{appId}/subscriptions", get(list).post(create))
        .route(
            "/webhooks/v3/{appId}/subscriptions/batch/update",
            post(update_batch),
        )
        .route(
            "/webhooks/v3/{appId}/subscriptions/{subscriptionId}",
            get(read).patch(update).delete(archive),
        )
}

/// The path's app, after checking the call's developer API key (`hapikey`): its id, once the
/// clone's app is the one the path names.
///
/// # Errors
///
/// 401 `INVALID_AUTHENTICATION` without a live developer API key; 404 for another app.
pub(crate) async fn app(
    call: &Call,
    args: &Args,
    client: &impl GenericClient,
) -> Result<i64, ApiError> {
    request::developer(&call.kit, args.get("hapikey")).await?;
    let named = call.param("appId");
    let current = subscriptions::settings(client).await?.map(|s| s.app_id);
    current
        .filter(|id| id.to_string() == named)
        .ok_or_else(|| ApiError::missing(format!("App {named} does not exist.")))
}

/// HubSpot's `SettingsResponse`.
fn settings_json(settings: &Settings, url: &str) -> Value {
    json!({
        "targetUrl": url,
        "throttling": { "maxConcurrentRequests": settings.max_concurrent_requests },
        "createdAt": settings.created_at,
        "updatedAt": settings.updated_at,
    })
}

/// `GET /webhooks/v3/{appId}/settings`: 404 until a target URL is set.
async fn read_settings(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let settings = subscriptions::settings(&client).await?;
    let (settings, url) = settings
        .and_then(|s| s.target_url.clone().map(|url| (s, url)))
        .ok_or_else(|| ApiError::missing("No webhook settings are set for this app."))?;
    Ok(axum::Json(settings_json(&settings, &url)).into_response())
}

/// `PUT /webhooks/v3/{appId}/settings` `{targetUrl, throttling: {maxConcurrentRequests}}`.
async fn configure(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    let app_id = app(&call, &args, &client).await?;
    let url = string_field(&body, "targetUrl");
    let max = body["throttling"]["maxConcurrentRequests"].as_i64();
    let unset: Vec<&str> = [("targetUrl", url.is_none()), ("throttling", max.is_none())]
        .into_iter()
        .filter_map(|(field, absent)| absent.then_some(field))
        .collect();
    let (Some(url), Some(max)) = (url, max) else {
        return Err(ApiError::unbuilt("SettingsChangeRequest", &unset));
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::validation(format!(
            "targetUrl {url} is not an http(s) URL"
        )));
    }
    let max = i32::try_from(max)
        .ok()
        .filter(|max| *max > 0)
        .ok_or_else(|| {
            ApiError::validation("throttling.maxConcurrentRequests must be a positive integer")
        })?;
    let settings = subscriptions::configure(&client, app_id, Some((&url, max)))
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(settings_json(&settings, &url)).into_response())
}

/// `DELETE /webhooks/v3/{appId}/settings`: clears the target URL, which pauses every
/// subscription until one is set again.
async fn clear(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    let app_id = app(&call, &args, &client).await?;
    subscriptions::configure(&client, app_id, None).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /webhooks/v3/{appId}/subscriptions` → `{results}`.
async fn list(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let results = subscriptions::subscriptions(&client).await?;
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `POST /webhooks/v3/{appId}/subscriptions` `SubscriptionCreateRequest` (paused unless
/// `active`, as HubSpot's reference has it) → 201.
async fn create(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let subscription = subscriptions::subscribe(&client, &body, false).await?;
    Ok((StatusCode::CREATED, axum::Json(subscription)).into_response())
}

/// `GET /webhooks/v3/{appId}/subscriptions/{subscriptionId}`.
async fn read(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let subscription = subscriptions::subscription(&client, call.param("subscriptionId")).await?;
    Ok(axum::Json(subscription).into_response())
}

/// `PATCH /webhooks/v3/{appId}/subscriptions/{subscriptionId}` `{active}`.
async fn update(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let id = call.param("subscriptionId");
    let subscription = subscriptions::subscription(&client, id).await?;
    let Some(active) = body["active"].as_bool() else {
        return Ok(axum::Json(subscription).into_response());
    };
    let numeric = id
        .parse()
        .map_err(|_| subscriptions::unknown_subscription(id))?;
    let mut changed = subscriptions::set_active(&client, &[(numeric, active)]).await?;
    let subscription = changed
        .pop()
        .ok_or_else(|| subscriptions::unknown_subscription(id))?;
    Ok(axum::Json(subscription).into_response())
}

/// `DELETE /webhooks/v3/{appId}/subscriptions/{subscriptionId}` → 204.
async fn archive(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    subscriptions::unsubscribe(&client, call.param("subscriptionId")).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /webhooks/v3/{appId}/subscriptions/batch/update` `{inputs: [{id, active}]}`: the
/// subscriptions changed (207 with an error for each id that names none).
async fn update_batch(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let started_at = now();
    let client = call.kit.db().await?;
    app(&call, &args, &client).await?;
    let changes = batch_inputs(&body)?
        .iter()
        .map(
            |input| match (input["id"].as_i64(), input["active"].as_bool()) {
                (Some(id), Some(active)) => Ok((id, active)),
                _ => Err(ApiError::unbuilt(
                    "SubscriptionBatchUpdateRequest",
                    &["id", "active"],
                )),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let results = subscriptions::set_active(&client, &changes).await?;
    let errors: Vec<Value> = changes
        .iter()
        .filter(|(id, _)| {
            !results
                .iter()
                .any(|r| r["id"].as_str().and_then(|s| s.parse().ok()) == Some(*id))
        })
        .map(|(id, _)| batch_error(&subscriptions::unknown_subscription(id)))
        .collect();
    Ok(batch_answer(StatusCode::OK, results, errors, &started_at))
}
