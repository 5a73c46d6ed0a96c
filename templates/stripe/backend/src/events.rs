//! Events (retrieve, list) and webhook endpoints (create, retrieve, update, delete, list).

use axum::Router;
use serde_json::json;

use crate::cx::{Cx, Filter, allow_paging, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{EVENT, WEBHOOK_ENDPOINT};
use crate::params::{Params, Takes, apply_metadata};
use asym_kit::Kit;

/// Events and webhook endpoints: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/events" => get(list);
        "/v1/events/{id}" => get(EVENT.retrieve, 1);
        "/v1/webhook_endpoints" => post(create_endpoint), get(list_endpoints);
        "/v1/webhook_endpoints/{id}" =>
            get(WEBHOOK_ENDPOINT.retrieve, 1), post(update_endpoint, 1), delete(delete_endpoint, 1);
    }
}

/// `GET /v1/events` (`type` with `*` wildcards, `types[]`, `created`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["type", "types", "delivery_success"])?;
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
    EVENT.list(cx, &filters).await
}

/// The objects Stripe sends events about: an event type is `<one of these>.<action>`.
const EVENT_OBJECTS: &[&str] = &[
    "account",
    "account.application",
    "account.external_account",
    "application_fee",
    "application_fee.refund",
    "balance",
    "billing_portal.configuration",
    "billing_portal.session",
    "capability",
    "cash_balance",
    "charge",
    "charge.dispute",
    "charge.dispute.funds",
    "charge.refund",
    "checkout.session",
    "coupon",
    "credit_note",
    "customer",
    "customer.discount",
    "customer.source",
    "customer.subscription",
    "customer.tax_id",
    "customer_cash_balance_transaction",
    "file",
    "financial_connections.account",
    "invoice",
    "invoice.payment",
    "invoiceitem",
    "issuing_authorization",
    "issuing_card",
    "issuing_cardholder",
    "issuing_dispute",
    "issuing_transaction",
    "mandate",
    "payment_intent",
    "payment_intent.amount_capturable",
    "payment_link",
    "payment_method",
    "payout",
    "person",
    "plan",
    "price",
    "product",
    "promotion_code",
    "quote",
    "radar.early_fraud_warning",
    "refund",
    "review",
    "setup_intent",
    "sigma.scheduled_query_run",
    "source",
    "source.transaction",
    "subscription_schedule",
    "tax.settings",
    "tax_rate",
    "terminal.reader",
    "test_helpers.test_clock",
    "topup",
    "transfer",
];

/// Whether `kind` names an event Stripe sends (`customer.created`, `invoice.paid`, …).
fn known_event_type(kind: &str) -> bool {
    kind.rsplit_once('.').is_some_and(|(object, action)| {
        !action.is_empty()
            && action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && EVENT_OBJECTS.contains(&object)
    })
}

fn enabled_events(params: &Params) -> ApiResult<Option<Vec<String>>> {
    let events = params.strings("enabled_events")?;
    if let Some(events) = &events {
        if events.is_empty() {
            return Err(ApiError::missing("enabled_events"));
        }
        if let Some(bad) = events.iter().find(|e| *e != "*" && !known_event_type(e)) {
            return Err(ApiError::invalid_param(
                "enabled_events",
                format!("Invalid event type: {bad}"),
            ));
        }
    }
    Ok(events)
}

/// What `POST /v1/webhook_endpoints` takes: endpoints for this account's own events.
const ENDPOINT_CREATE: Takes = Takes {
    route: "webhook endpoint creation",
    serves: &[&[
        "url",
        "enabled_events",
        "description",
        "metadata",
        "api_version",
    ]],
    refuses: &[&["connect"]],
    nested: &[],
};

/// `POST /v1/webhook_endpoints` (`url`, `enabled_events[]`): the only answer carrying `secret`.
pub(crate) async fn create_endpoint(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&ENDPOINT_CREATE)?;
    let params = cx.params.clone();
    params.required("url")?;
    let url = params.url("url")?.unwrap_or_default().to_owned();
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
    cx.insert(seq, &endpoint)?;
    cx.tx
        .execute(
            "INSERT INTO webhook_secrets (endpoint_id, secret) VALUES ($1, $2)",
            &[&id, &secret],
        )
        .await?;
    endpoint["secret"] = json!(secret);
    Ok(endpoint)
}

/// What `POST /v1/webhook_endpoints/{id}` takes.
const ENDPOINT_UPDATE: Takes = Takes::serving(
    "webhook endpoint updates",
    &[&[
        "url",
        "enabled_events",
        "description",
        "metadata",
        "disabled",
    ]],
);

/// `POST /v1/webhook_endpoints/{id}` (`url`, `enabled_events[]`, `disabled`, …).
pub(crate) async fn update_endpoint(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut endpoint) = WEBHOOK_ENDPOINT
        .for_update(cx, id, &ENDPOINT_UPDATE)
        .await?;
    if let Some(url) = params.url("url")? {
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
    cx.save(&endpoint)?;
    Ok(endpoint)
}

/// `DELETE /v1/webhook_endpoints/{id}`.
pub(crate) async fn delete_endpoint(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    WEBHOOK_ENDPOINT.lock(cx, id).await?;
    cx.delete(id).await?;
    Ok(json!({"id": id, "object": "webhook_endpoint", "deleted": true}))
}

/// `GET /v1/webhook_endpoints`.
pub(crate) async fn list_endpoints(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &[])?;
    WEBHOOK_ENDPOINT.list(cx, &[]).await
}
