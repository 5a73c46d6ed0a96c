//! Billing meters' usage: the meter events of a customer in a time range, aggregated by the
//! meter's formula (`sum`, `count`, `last`), as summaries show it and invoices bill it.

use serde_json::Value;

use crate::cx::Cx;
use crate::error::ApiResult;

/// The payload keys of `meter`'s events naming the customer and holding the value.
pub(crate) fn payload_keys(meter: &Value) -> (&str, &str) {
    (
        meter["customer_mapping"]["event_payload_key"]
            .as_str()
            .unwrap_or("stripe_customer_id"),
        meter["value_settings"]["event_payload_key"]
            .as_str()
            .unwrap_or("value"),
    )
}

/// `meter`'s aggregated usage by `customer` over `[start, end)`: the sum or count of its events'
/// values, or the last one (0 without events).
pub(crate) async fn usage(
    cx: &Cx<'_>,
    meter: &Value,
    customer: &str,
    (start, end): (i64, i64),
) -> ApiResult<f64> {
    let (customer_key, value_key) = payload_keys(meter);
    let event_name = meter["event_name"].as_str().unwrap_or_default();
    let mut events = cx
        .all(
            "billing.meter_event",
            &[
                ("data->>'event_name' = {}", event_name.to_owned()),
                (
                    "(data->>'timestamp')::bigint >= ({}::text)::bigint",
                    start.to_string(),
                ),
                (
                    "(data->>'timestamp')::bigint < ({}::text)::bigint",
                    end.to_string(),
                ),
            ],
        )
        .await?;
    events.retain(|e| e["payload"][customer_key] == customer);
    events.sort_by_key(|e| (e["timestamp"].as_i64(), e["_seq"].as_i64()));
    let value = |e: &Value| {
        e["payload"][value_key]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Ok(match meter["default_aggregation"]["formula"].as_str() {
        Some("count") => events.len() as f64,
        Some("last") => events.last().map_or(0.0, value),
        _ => events.iter().map(value).sum(),
    })
}

/// A usage as a quantity an invoice line bills: whole units, rounded half up (the clone's
/// reading; Stripe bills decimal usage to the price's precision).
pub(crate) fn quantity_of(usage: f64) -> i64 {
    if usage.is_finite() && usage > 0.0 {
        usage.round().min(1e15) as i64
    } else {
        0
    }
}
