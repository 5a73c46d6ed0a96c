//! Usage-based billing: meters (`/v1/billing/meters`: create, retrieve, update, list,
//! deactivate, reactivate, event summaries) and meter events (`/v1/billing/meter_events`).
//! A price's `recurring[meter]` bills a meter's usage (`model::meter`) on each invoice of a
//! subscription, for the period just ended.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::{MAX_TIMESTAMP, timestamp_at};
use crate::cx::{Cx, allow_paging, list_value};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, METER};
use crate::model::meter::{payload_keys, usage};
use crate::params::{Params, Takes, listed};
use asym_kit::Kit;

/// Meters and meter events: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/billing/meters" => post(create_meter), get(list_meters);
        "/v1/billing/meters/{id}" => get(METER.retrieve, 2), post(update_meter, 2);
        "/v1/billing/meters/{id}/deactivate" => post(deactivate_meter, 2);
        "/v1/billing/meters/{id}/reactivate" => post(reactivate_meter, 2);
        "/v1/billing/meters/{id}/event_summaries" => get(event_summaries, 2);
        "/v1/billing/meter_events" => post(create_event);
    }
}

/// What `POST /v1/billing/meters` takes.
const CREATE: Takes = Takes {
    route: "meter creation",
    serves: &[&[
        "customer_mapping",
        "default_aggregation",
        "display_name",
        "event_name",
        "event_time_window",
        "value_settings",
    ]],
    refuses: &[],
    nested: &[
        (
            "customer_mapping",
            &Takes::serving("meters", &[&["event_payload_key", "type"]]),
        ),
        (
            "default_aggregation",
            &Takes::serving("meters", &[&["formula"]]),
        ),
        (
            "value_settings",
            &Takes::serving("meters", &[&["event_payload_key"]]),
        ),
    ],
};

/// A required string inside hash `at` of `params` (`default_aggregation[formula]`).
fn nested_str<'p>(params: &'p Params, at: &str, key: &str) -> ApiResult<Option<&'p str>> {
    let hash = params.hash(at)?;
    crate::params::string_at(
        hash.and_then(|h| h.get(key)),
        &crate::params::inside(at, key),
    )
}

/// The active meters of `event_name` (at most one: a second is refused on create).
async fn active_meters(cx: &Cx<'_>, event_name: &str) -> ApiResult<Vec<Value>> {
    let filters = [
        ("data->>'event_name' = {}", event_name.to_owned()),
        ("data->>'status' = {}", "active".to_owned()),
    ];
    cx.all("billing.meter", &filters).await
}

/// `POST /v1/billing/meters`: `display_name`, `event_name` (one active meter each),
/// `default_aggregation[formula]` (`sum`, `count`, `last`), `customer_mapping` and
/// `value_settings` (the payload keys naming the customer and the value), `event_time_window`.
pub(crate) async fn create_meter(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    let display_name = params.required("display_name")?.to_owned();
    let event_name = params.required("event_name")?.to_owned();
    let formula = nested_str(&params, "default_aggregation", "formula")?
        .ok_or_else(|| ApiError::missing("default_aggregation[formula]"))?;
    const FORMULAS: &[&str] = &["count", "last", "sum"];
    if !FORMULAS.contains(&formula) {
        return Err(ApiError::invalid_param(
            "default_aggregation[formula]",
            format!(
                "Invalid default_aggregation[formula]: must be one of {}",
                listed(FORMULAS)
            ),
        ));
    }
    let customer_key = nested_str(&params, "customer_mapping", "event_payload_key")?
        .unwrap_or("stripe_customer_id");
    if let Some(kind) = nested_str(&params, "customer_mapping", "type")?
        && kind != "by_id"
    {
        return Err(ApiError::invalid_param(
            "customer_mapping[type]",
            "Invalid customer_mapping[type]: must be by_id",
        ));
    }
    let value_key = nested_str(&params, "value_settings", "event_payload_key")?.unwrap_or("value");
    let window = params.one_of("event_time_window", &["day", "hour"])?;
    let taken = active_meters(cx, &event_name).await?;
    if let Some(other) = taken.first() {
        return Err(ApiError::invalid_param(
            "event_name",
            format!(
                "An active meter with event_name '{event_name}' already exists: {}.",
                other["id"].as_str().unwrap_or_default()
            ),
        ));
    }
    let (id, seq) = cx.new_id("mtr_").await?;
    let meter = json!({
        "id": id,
        "object": "billing.meter",
        "created": cx.now,
        "customer_mapping": {"event_payload_key": customer_key, "type": "by_id"},
        "default_aggregation": {"formula": formula},
        "display_name": display_name,
        "event_name": event_name,
        "event_time_window": window,
        "livemode": false,
        "status": "active",
        "status_transitions": {"deactivated_at": null},
        "updated": cx.now,
        "value_settings": {"event_payload_key": value_key},
    });
    cx.insert(seq, &meter)?;
    Ok(meter)
}

/// `POST /v1/billing/meters/{id}`: its `display_name`.
pub(crate) async fn update_meter(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut meter) = METER
        .for_update(
            cx,
            id,
            &Takes::serving("meter updates", &[&["display_name"]]),
        )
        .await?;
    if let Some(name) = params.str("display_name")? {
        meter["display_name"] = json!(name);
        meter["updated"] = json!(cx.now);
        cx.save(&meter)?;
    }
    Ok(meter)
}

/// `GET /v1/billing/meters` (`status`).
pub(crate) async fn list_meters(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &["status"])?;
    let mut filters = Vec::new();
    if let Some(status) = cx.params.one_of("status", &["active", "inactive"])? {
        filters.push(("data->>'status' = {}", status.to_owned()));
    }
    METER.list(cx, &filters).await
}

/// Sets meter `id`'s status (`active`, `inactive`), which must change.
async fn set_status(cx: &mut Cx<'_>, id: &str, status: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut meter = METER.lock(cx, id).await?;
    if meter["status"] == status {
        return Err(ApiError::invalid(format!(
            "This meter is already {status}."
        )));
    }
    meter["status"] = json!(status);
    meter["status_transitions"]["deactivated_at"] = if status == "inactive" {
        json!(cx.now)
    } else {
        Value::Null
    };
    meter["updated"] = json!(cx.now);
    cx.save(&meter)?;
    Ok(meter)
}

/// `POST /v1/billing/meters/{id}/deactivate`: it takes no more events.
pub(crate) async fn deactivate_meter(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    set_status(cx, id, "inactive").await
}

/// `POST /v1/billing/meters/{id}/reactivate`.
pub(crate) async fn reactivate_meter(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    set_status(cx, id, "active").await
}

/// `GET /v1/billing/meters/{id}/event_summaries` (`customer`, `start_time`, `end_time`): one
/// summary of the customer's usage over the range (`value_grouping_window` is not served).
pub(crate) async fn event_summaries(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(
        cx,
        &[
            "customer",
            "start_time",
            "end_time",
            "value_grouping_window",
        ],
    )?;
    if cx.params.has("value_grouping_window") {
        return Err(crate::params::unserved(
            "value_grouping_window",
            "meter event summaries",
        ));
    }
    let meter = METER.find(cx, id).await?;
    let customer = cx.params.required("customer")?.to_owned();
    let start = cx
        .params
        .timestamp("start_time")?
        .ok_or_else(|| ApiError::missing("start_time"))?;
    let end = cx
        .params
        .timestamp("end_time")?
        .ok_or_else(|| ApiError::missing("end_time"))?;
    if end <= start {
        return Err(ApiError::invalid_param(
            "end_time",
            "end_time must be after start_time.",
        ));
    }
    let value = usage(cx, &meter, &customer, (start, end)).await?;
    let summary = json!({
        "id": crate::ids::object_id("mtrusg_", cx.now),
        "object": "billing.meter_event_summary",
        "aggregated_value": value,
        "end_time": end,
        "livemode": false,
        "meter": id,
        "start_time": start,
    });
    Ok(list_value(
        vec![summary],
        false,
        &format!("/v1/billing/meters/{id}/event_summaries"),
    ))
}

/// `POST /v1/billing/meter_events`: `event_name` (an active meter's), `payload` (the
/// customer's id and a numeric value under the meter's keys), `identifier` (unique; generated
/// when absent), `timestamp` (default now).
pub(crate) async fn create_event(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&Takes::serving(
        "meter events",
        &[&["event_name", "identifier", "payload", "timestamp"]],
    ))?;
    let params = cx.params.clone();
    let event_name = params.required("event_name")?.to_owned();
    let payload = params
        .hash("payload")?
        .cloned()
        .ok_or_else(|| ApiError::missing("payload"))?;
    let meters = active_meters(cx, &event_name).await?;
    let Some(meter) = meters.first() else {
        return Err(ApiError::invalid_param(
            "event_name",
            format!("No active meter was found for event_name '{event_name}'."),
        ));
    };
    let (customer_key, value_key) = payload_keys(meter);
    let customer_param = format!("payload[{customer_key}]");
    let customer = crate::params::string_at(payload.get(customer_key), &customer_param)?
        .ok_or_else(|| ApiError::missing(&customer_param))?;
    CUSTOMER.named(cx, customer, &customer_param).await?;
    let value_param = format!("payload[{value_key}]");
    let value = crate::params::string_at(payload.get(value_key), &value_param)?;
    if value.is_some_and(|v| v.parse::<f64>().map_or(true, |n| !n.is_finite())) {
        return Err(ApiError::invalid_param(
            &value_param,
            format!("Invalid {value_param}: must be a number."),
        ));
    }
    if value.is_none() && meter["default_aggregation"]["formula"] != "count" {
        return Err(ApiError::missing(&value_param));
    }
    let timestamp = match timestamp_at(params.get("timestamp"), "timestamp")? {
        Some(at) => at.min(MAX_TIMESTAMP),
        None => {
            crate::model::subscription::customer_now(cx, &CUSTOMER.find(cx, customer).await?)
                .await?
        }
    };
    let (id, seq) = cx.new_id("mtrev_").await?;
    let identifier = match params.str("identifier")?.filter(|s| !s.is_empty()) {
        Some(given) => {
            let used = cx
                .all(
                    "billing.meter_event",
                    &[("data->>'identifier' = {}", given.to_owned())],
                )
                .await?;
            if !used.is_empty() {
                return Err(ApiError::invalid_param(
                    "identifier",
                    format!("A meter event with identifier '{given}' already exists."),
                ));
            }
            given.to_owned()
        }
        None => id.clone(),
    };
    let mut event = json!({
        "id": id,
        "object": "billing.meter_event",
        "created": cx.now,
        "event_name": event_name,
        "identifier": identifier,
        "livemode": false,
        "payload": payload,
        "timestamp": timestamp,
        "_seq": seq,
    });
    cx.insert(seq, &event)?;
    if let Some(object) = event.as_object_mut() {
        object.remove("id");
    }
    Ok(event)
}
