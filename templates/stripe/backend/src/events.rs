//! Events (retrieve, list) and webhook endpoints (create, retrieve, update, delete, list).

use serde_json::{Value, json};

use crate::customers::previous;
use crate::cx::{Cx, Filter};
use crate::error::{ApiError, ApiResult};
use crate::params::{Params, apply_metadata};

/// `GET /v1/events/{id}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("event", "event", id, "id", false).await
}

/// `GET /v1/events` (`type` with `*` wildcards, `types[]`, `created`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "type",
        "types",
        "created",
        "delivery_success",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(kind) = cx.params.str("type")?.filter(|s| !s.is_empty()) {
        filters.push((
            "data->>'type' LIKE {}",
            kind.replace('_', "\\_").replace('*', "%"),
        ));
    }
    if let Some(types) = cx.params.strings("types")? {
        filters.push((
            "data->>'type' = ANY(string_to_array({}, ','))",
            types.join(","),
        ));
    }
    cx.created_filters(&mut filters)?;
    cx.list("event", "event", &filters).await
}

fn check_url(url: &str) -> ApiResult<()> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_param(
            "url",
            format!("Invalid URL: {url}. URLs must begin with http:// or https://."),
        ))
    }
}

fn enabled_events(params: &Params) -> ApiResult<Option<Vec<String>>> {
    let events = params.strings("enabled_events")?;
    if let Some(events) = &events {
        if events.is_empty() {
            return Err(ApiError::missing("enabled_events"));
        }
        if let Some(bad) = events.iter().find(|e| *e != "*" && !e.contains('.')) {
            return Err(ApiError::invalid_param(
                "enabled_events",
                format!("Invalid event type: {bad}"),
            ));
        }
    }
    Ok(events)
}

/// `POST /v1/webhook_endpoints` (`url`, `enabled_events[]`): the only answer carrying `secret`.
pub(crate) async fn create_endpoint(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "url",
        "enabled_events",
        "description",
        "metadata",
        "api_version",
        "connect",
        "disabled",
    ])?;
    let params = cx.params.clone();
    let url = params.required("url")?.to_owned();
    check_url(&url)?;
    let events = enabled_events(&params)?.ok_or_else(|| ApiError::missing("enabled_events"))?;
    let (id, seq) = cx.new_id("we_").await?;
    let secret = format!("whsec_{}", asym_kit::token::random_alnum(32));
    let mut endpoint = json!({
        "id": id,
        "object": "webhook_endpoint",
        "api_version": params.str("api_version")?.filter(|s| !s.is_empty()),
        "application": null,
        "created": cx.now,
        "description": params.str("description")?.filter(|s| !s.is_empty()),
        "enabled_events": events,
        "livemode": false,
        "metadata": {},
        "status": "enabled",
        "url": url,
    });
    apply_metadata(&mut endpoint, &params)?;
    cx.insert(seq, &endpoint).await?;
    cx.tx
        .execute(
            "INSERT INTO webhook_secrets (endpoint_id, secret) VALUES ($1, $2)",
            &[&id, &secret],
        )
        .await?;
    endpoint["secret"] = json!(secret);
    Ok(endpoint)
}

/// `GET /v1/webhook_endpoints/{id}`.
pub(crate) async fn retrieve_endpoint(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("webhook_endpoint", "webhook endpoint", id, "id", false)
        .await
}

/// `POST /v1/webhook_endpoints/{id}` (`url`, `enabled_events[]`, `disabled`, …).
pub(crate) async fn update_endpoint(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "url",
        "enabled_events",
        "description",
        "metadata",
        "disabled",
    ])?;
    let params = cx.params.clone();
    let mut endpoint = cx
        .fetch("webhook_endpoint", "webhook endpoint", id, "id", true)
        .await?;
    let _ = previous(&endpoint, &endpoint);
    if let Some(url) = params.str("url")? {
        check_url(url)?;
        endpoint["url"] = json!(url);
    }
    if let Some(events) = enabled_events(&params)? {
        endpoint["enabled_events"] = json!(events);
    }
    if let Some(description) = params.nullable("description")? {
        endpoint["description"] = description;
    }
    if let Some(disabled) = params.bool("disabled")? {
        endpoint["status"] = json!(if disabled { "disabled" } else { "enabled" });
    }
    apply_metadata(&mut endpoint, &params)?;
    cx.save(&endpoint).await?;
    Ok(endpoint)
}

/// `DELETE /v1/webhook_endpoints/{id}`.
pub(crate) async fn delete_endpoint(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("webhook_endpoint", "webhook endpoint", id, "id", true)
        .await?;
    cx.delete(id).await?;
    Ok(json!({"id": id, "object": "webhook_endpoint", "deleted": true}))
}

/// `GET /v1/webhook_endpoints`.
pub(crate) async fn list_endpoints(cx: &mut Cx<'_>) -> ApiResult {
    cx.params
        .allow(&["limit", "starting_after", "ending_before"])?;
    let list: Value = cx.list("webhook_endpoint", "webhook endpoint", &[]).await?;
    Ok(list)
}
