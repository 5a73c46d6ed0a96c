//! Prices: a new price from `price_data` or `POST /v1/prices`.

use serde_json::{Map, Value, json};

use crate::bounds::{MAX_TRIAL_DAYS, amount_at, at_most, int_within};
use crate::cx::Cx;
use crate::error::MAX_AMOUNT;
use crate::error::{ApiError, ApiResult};
use crate::kinds::METER;
use crate::model::tiers;
use crate::params::{at_least, bool_at, inside, int_at, merge_metadata, required_at, string_at};

/// Builds and stores a price for `product` from `data` (the create parameters, or
/// `default_price_data` / `price_data`).
pub(crate) async fn new_price(
    cx: &mut Cx<'_>,
    data: &Map<String, Value>,
    product: &str,
    param: &str,
) -> ApiResult<Value> {
    let name = |k: &str| inside(param, k);
    let currency = required_at(data, "currency", &name("currency"))?.to_lowercase();
    let (scheme, tiers_mode, tiers) = tiers::scheme_of(data, &name)?;
    let unit_amount = match (data.get("unit_amount"), data.get("unit_amount_decimal")) {
        _ if tiers.is_some() => Some(0),
        (Some(v), _) => amount_at(Some(v), &name("unit_amount"), 0)?,
        (None, Some(Value::String(d))) => Some(decimal_amount(d, &name("unit_amount_decimal"))?),
        _ => None,
    };
    let Some(unit_amount) = unit_amount else {
        if data.contains_key("custom_unit_amount") {
            return Err(ApiError::invalid_param(
                &name("custom_unit_amount"),
                "custom_unit_amount is not supported by this clone.",
            ));
        }
        return Err(ApiError::missing(&name("unit_amount")));
    };
    let recurring = match data.get("recurring") {
        None => Value::Null,
        Some(Value::Object(r)) => {
            let interval = string_at(r.get("interval"), &name("recurring[interval]"))?
                .ok_or_else(|| ApiError::missing(&name("recurring[interval]")))?;
            if !["day", "week", "month", "year"].contains(&interval) {
                return Err(ApiError::invalid_param(
                    &name("recurring[interval]"),
                    "Invalid recurring[interval]: must be one of day, week, month, or year"
                        .to_owned(),
                ));
            }
            let count = int_at(r.get("interval_count"), "recurring[interval_count]")?.unwrap_or(1);
            if count < 1 {
                return Err(ApiError::invalid_param(
                    &name("recurring[interval_count]"),
                    "Interval count must be at least 1.",
                ));
            }
            if count > longest_interval(interval) {
                return Err(ApiError::invalid_param(
                    &name("recurring[interval_count]"),
                    "Invalid recurring[interval_count]: the longest interval allowed is three \
                     years (3 years, 36 months, 156 weeks or 1095 days).",
                ));
            }
            let usage_type =
                string_at(r.get("usage_type"), "recurring[usage_type]")?.unwrap_or("licensed");
            let meter = match string_at(r.get("meter"), &name("recurring[meter]"))? {
                Some(id) if !id.is_empty() => {
                    if usage_type != "metered" {
                        return Err(ApiError::invalid_param(
                            &name("recurring[meter]"),
                            "A meter can only be set on a price with recurring[usage_type]=metered.",
                        ));
                    }
                    METER.named(cx, id, &name("recurring[meter]")).await?["id"].clone()
                }
                _ => Value::Null,
            };
            json!({
                "aggregate_usage": null,
                "interval": interval,
                "interval_count": count,
                "meter": meter,
                "trial_period_days": int_within(r.get("trial_period_days"), &name("recurring[trial_period_days]"), (0, MAX_TRIAL_DAYS))?,
                "usage_type": usage_type,
            })
        }
        Some(_) => {
            return Err(ApiError::invalid_param(
                &name("recurring"),
                "Invalid object: recurring",
            ));
        }
    };
    let lookup_key = string_at(data.get("lookup_key"), "lookup_key")?.filter(|s| !s.is_empty());
    if let Some(key) = lookup_key
        && bool_at(data.get("transfer_lookup_key"), "transfer_lookup_key")?.unwrap_or(false)
    {
        for mut other in cx
            .all("price", &[("data->>'lookup_key' = {}", key.to_owned())])
            .await?
        {
            other["lookup_key"] = Value::Null;
            cx.save(&other)?;
        }
    }
    // A plan's own `id` (`POST /v1/plans`, checked free by the caller); else a new one.
    let (generated, seq) = cx.new_id("price_").await?;
    let id = string_at(data.get("id"), "id")?
        .filter(|s| !s.is_empty())
        .map_or(generated, str::to_owned);
    let mut price = json!({
        "id": id,
        "object": "price",
        "active": bool_at(data.get("active"), "active")?.unwrap_or(true),
        "billing_scheme": scheme,
        "created": cx.now,
        "currency": currency,
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": lookup_key,
        "metadata": {},
        "nickname": string_at(data.get("nickname"), "nickname")?.filter(|s| !s.is_empty()),
        "product": product,
        "recurring": recurring,
        "tax_behavior": string_at(data.get("tax_behavior"), "tax_behavior")?.unwrap_or("unspecified"),
        "tiers_mode": tiers_mode,
        "transform_quantity": null,
        "type": if recurring.is_null() { "one_time" } else { "recurring" },
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount.to_string(),
    });
    if let Some(tiers) = tiers {
        price["unit_amount"] = Value::Null;
        price["unit_amount_decimal"] = Value::Null;
        price[tiers::STORED] = json!(tiers);
    }
    if let Some(meta) = data.get("metadata") {
        merge_metadata(&mut price, meta)?;
    }
    cx.insert(seq, &price)?;
    cx.emit("price.created", &price, None).await?;
    Ok(price)
}

/// The most intervals of `interval` a price may bill at once: Stripe's three years.
fn longest_interval(interval: &str) -> i64 {
    match interval {
        "day" => 1095,
        "week" => 156,
        "month" => 36,
        _ => 3,
    }
}

/// A `unit_amount_decimal`, rounded to the unit, within the bounds of a `unit_amount`.
fn decimal_amount(decimal: &str, param: &str) -> ApiResult<i64> {
    let value = decimal
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| ApiError::invalid_param(param, format!("Invalid decimal: {decimal}")))?
        .round();
    if value < 0.0 {
        return Err(at_least(param, 0));
    }
    if value > MAX_AMOUNT as f64 {
        return Err(at_most(param, MAX_AMOUNT, decimal));
    }
    Ok(value as i64)
}
