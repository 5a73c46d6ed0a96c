//! Subscriptions: items, periods, the payment method charged, and renewals up to a time.

use serde_json::{Map, Value, json};

use crate::clock::add_intervals;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{PRICE, PRODUCT};
use crate::model::invoice::{pay, pending_items, subscription_invoice};
use crate::model::tax;
use crate::params::{at_least, int_at, merge_metadata, string_at};

/// "now" for `customer`: its test clock's frozen time, or the wall clock.
pub(crate) async fn customer_now(cx: &Cx<'_>, customer: &Value) -> ApiResult<i64> {
    if let Some(clock) = customer["test_clock"].as_str()
        && let Some(clock) = cx.get("test_helpers.test_clock", clock, false).await?
    {
        return Ok(clock["frozen_time"].as_i64().unwrap_or(cx.now));
    }
    Ok(cx.now)
}

/// Builds a subscription item for `price` (an `items[n]` entry).
pub(crate) async fn new_item(
    cx: &mut Cx<'_>,
    spec: &Map<String, Value>,
    index: usize,
    subscription: &str,
    created: i64,
) -> ApiResult<Value> {
    let param = format!("items[{index}]");
    let price = match (spec.get("price"), spec.get("price_data"), spec.get("plan")) {
        (Some(v), _, _) | (None, None, Some(v)) => {
            let id = string_at(Some(v), &format!("{param}[price]"))?.unwrap_or_default();
            PRICE.named(cx, id, &format!("{param}[price]")).await?
        }
        (None, Some(Value::Object(data)), _) => {
            let product = string_at(
                data.get("product"),
                &format!("{param}[price_data][product]"),
            )?
            .ok_or_else(|| ApiError::missing(&format!("{param}[price_data][product]")))?
            .to_owned();
            PRODUCT
                .named(cx, &product, &format!("{param}[price_data][product]"))
                .await?;
            crate::model::price::new_price(cx, data, &product, &format!("{param}[price_data]"))
                .await?
        }
        _ => return Err(ApiError::missing(&format!("{param}[price]"))),
    };
    if price["type"] != "recurring" {
        return Err(ApiError::invalid_param(
            &format!("{param}[price]"),
            "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.".to_owned(),
        ));
    }
    if price["active"] == false {
        return Err(ApiError::invalid_param(
            &format!("{param}[price]"),
            "The price specified is inactive. This field only accepts active prices.".to_owned(),
        ));
    }
    let quantity = quantity_at(spec.get("quantity"), &format!("{param}[quantity]"))?.unwrap_or(1);
    let rates = tax::rates(cx, spec.get("tax_rates"), &format!("{param}[tax_rates]")).await?;
    tax::check_behavior(&price, rates.as_deref().unwrap_or_default())?;
    let (id, _) = cx.new_id("si_").await?;
    let mut item = json!({
        "id": id,
        "object": "subscription_item",
        "billing_thresholds": null,
        "created": created,
        "current_period_end": null,
        "current_period_start": null,
        "discounts": [],
        "metadata": {},
        "plan": plan_of(&price),
        "price": price,
        "quantity": quantity,
        "subscription": subscription,
        "tax_rates": rates.unwrap_or_default(),
    });
    if let Some(meta) = spec.get("metadata") {
        merge_metadata(&mut item, meta)?;
    }
    check_line(&item, &format!("{param}[quantity]"))?;
    Ok(item)
}

/// That an item bills at most Stripe's largest amount a period (its price's unit amount times
/// its quantity), else `amount_too_large` naming `param`, its quantity.
pub(crate) fn check_line(item: &Value, param: &str) -> ApiResult<()> {
    crate::model::tiers::line_total(
        &item["price"],
        item["quantity"].as_i64().unwrap_or(1),
        param,
    )
    .map(drop)
}

/// An item's quantity, `param`: an integer of 0 or more.
pub(crate) fn quantity_at(value: Option<&Value>, param: &str) -> ApiResult<Option<i64>> {
    let quantity = int_at(value, param)?;
    if quantity.is_some_and(|q| q < 0) {
        return Err(at_least(param, 0));
    }
    Ok(quantity)
}

/// The legacy `plan` view of a recurring price.
pub(crate) fn plan_of(price: &Value) -> Value {
    json!({
        "id": price["id"],
        "object": "plan",
        "active": price["active"],
        "aggregate_usage": null,
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": price["billing_scheme"],
        "created": price["created"],
        "currency": price["currency"],
        "interval": price["recurring"]["interval"],
        "interval_count": price["recurring"]["interval_count"],
        "livemode": false,
        "metadata": price["metadata"],
        "nickname": price["nickname"],
        "product": price["product"],
        "tiers_mode": price["tiers_mode"],
        "transform_usage": null,
        "trial_period_days": price["recurring"]["trial_period_days"],
        "usage_type": price["recurring"]["usage_type"],
        // A tiered plan's tiers, shown as its price's are: with `expand[]=tiers`.
        crate::model::tiers::STORED: price[crate::model::tiers::STORED],
    })
}

/// (interval, count) of a subscription: its first item's price.
pub(crate) fn interval_of(sub: &Value) -> (String, i64) {
    interval_of_items(sub["items"]["data"].as_array().map_or(&[], Vec::as_slice))
}

/// (interval, count) of subscription items: the first one's price.
pub(crate) fn interval_of_items(items: &[Value]) -> (String, i64) {
    let recurring = items
        .first()
        .map_or(&Value::Null, |i| &i["price"]["recurring"]);
    (
        recurring["interval"].as_str().unwrap_or("month").to_owned(),
        recurring["interval_count"].as_i64().unwrap_or(1),
    )
}

/// Sets the current period on the subscription and its items.
pub(crate) fn set_period(sub: &mut Value, start: i64, end: i64) {
    sub["current_period_start"] = json!(start);
    sub["current_period_end"] = json!(end);
    if let Some(items) = sub["items"]["data"].as_array_mut() {
        for item in items {
            item["current_period_start"] = json!(start);
            item["current_period_end"] = json!(end);
        }
    }
}

pub(crate) fn subscription_active(status: &str) -> bool {
    matches!(
        status,
        "active" | "trialing" | "past_due" | "unpaid" | "incomplete"
    )
}

/// The payment method a subscription charges: its own default, else the customer's.
pub(crate) async fn default_method(
    cx: &Cx<'_>,
    sub: &Value,
    customer: &Value,
) -> ApiResult<Option<String>> {
    if let Some(pm) = sub["default_payment_method"].as_str() {
        return Ok(Some(pm.to_owned()));
    }
    if let Some(pm) = customer["invoice_settings"]["default_payment_method"].as_str() {
        return Ok(Some(pm.to_owned()));
    }
    // Stripe falls back to the customer's default source; here, its only attached card.
    let methods = cx
        .all(
            "payment_method",
            &[(
                "customer = {}",
                customer["id"].as_str().unwrap_or_default().to_owned(),
            )],
        )
        .await?;
    Ok(if methods.len() == 1 {
        methods[0]["id"].as_str().map(str::to_owned)
    } else {
        None
    })
}

/// Collects `invoice`, made at `now` by a change of `sub` (not a renewal), as `sub`'s
/// collection method does: charged to its payment method, `off_session` when the customer is
/// away (a failure makes `sub` `past_due`, a success `active`; nothing due is paid without a
/// method), or left open to be paid (`send_invoice`). The failure, if the payment failed.
pub(crate) async fn collect(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    invoice: &mut Value,
    now: i64,
    off_session: bool,
) -> ApiResult<Option<ApiError>> {
    if sub["collection_method"] != "charge_automatically" {
        return Ok(None);
    }
    let failure = match default_method(cx, sub, customer).await? {
        Some(m) => pay(cx, invoice, Some(&m), now, false, off_session).await?,
        None if invoice["amount_due"] == 0 => pay(cx, invoice, None, now, false, false).await?,
        None => Some(ApiError::invalid(
            "This customer has no attached payment source or default payment method. Please \
             consider adding a default payment method.",
        )),
    };
    sub["status"] = json!(if failure.is_some() {
        "past_due"
    } else {
        "active"
    });
    Ok(failure)
}

/// A cancellation's `invoice_now`: a final invoice, at `now`, of the pending invoice items
/// `sub` bills (its prorations among them), collected as `sub`'s collection method does;
/// none when nothing is pending. `sub` keeps its status (the cancellation then sets it).
pub(crate) async fn invoice_now(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    now: i64,
) -> ApiResult<()> {
    if pending_items(cx, customer, sub["id"].as_str())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let status = sub["status"].clone();
    let reason = "subscription_update";
    let mut invoice = subscription_invoice(cx, sub, customer, (now, None), reason, false).await?;
    collect(cx, (sub, customer), &mut invoice, now, true).await?;
    sub["status"] = status;
    Ok(())
}

/// Marks `sub` canceled at `at`, at its customer's request.
pub(crate) fn mark_canceled(sub: &mut Value, at: i64) {
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(at);
    sub["ended_at"] = json!(at);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
}

/// Runs one subscription's renewals up to `target`.
pub(crate) async fn advance_subscription(cx: &mut Cx<'_>, id: &str, target: i64) -> ApiResult<()> {
    for _ in 0..120 {
        let Some(mut sub) = cx.get("subscription", id, true).await? else {
            return Ok(());
        };
        let status = sub["status"].as_str().unwrap_or_default().to_owned();
        if !subscription_active(&status) {
            return Ok(());
        }
        let end = sub["current_period_end"].as_i64().unwrap_or(i64::MAX);
        if status == "incomplete" {
            let expires = sub["created"].as_i64().unwrap_or(0) + 23 * 3600;
            if expires <= target {
                let before = sub.clone();
                sub["status"] = json!("incomplete_expired");
                sub["ended_at"] = json!(expires);
                cx.save_changed("customer.subscription.updated", &before, &sub)
                    .await?;
            }
            return Ok(());
        }
        if end > target {
            return Ok(());
        }
        let before = sub.clone();
        let cancel_at = sub["cancel_at"].as_i64();
        if sub["cancel_at_period_end"] == true || cancel_at.is_some_and(|c| c <= end) {
            sub["status"] = json!("canceled");
            sub["ended_at"] = json!(end);
            sub["canceled_at"] = json!(sub["canceled_at"].as_i64().unwrap_or(end));
            sub["cancellation_details"]["reason"] = json!("cancellation_requested");
            cx.save_changed("customer.subscription.deleted", &before, &sub)
                .await?;
            return Ok(());
        }
        let (interval, count) = interval_of(&sub);
        let trial_ending = status == "trialing";
        let cycle = if trial_ending {
            0
        } else {
            sub["_cycle"].as_i64().unwrap_or(0) + 1
        };
        let anchor = sub["billing_cycle_anchor"].as_i64().unwrap_or(end);
        let start = if trial_ending {
            end
        } else {
            add_intervals(anchor, &interval, count, cycle)
        };
        let next_end = add_intervals(anchor, &interval, count, cycle + 1);
        sub["_cycle"] = json!(cycle);
        set_period(&mut sub, start, next_end);
        // A pause of collection ends at its `resumes_at`; while it lasts nothing is charged.
        if sub["pause_collection"]["resumes_at"]
            .as_i64()
            .is_some_and(|at| at <= start)
        {
            sub["pause_collection"] = Value::Null;
        }
        let paused = !sub["pause_collection"].is_null();
        let customer = cx.customer_of(&sub).await?;
        let mut invoice = subscription_invoice(
            cx,
            &mut sub,
            &customer,
            (start, Some((start, next_end))),
            "subscription_cycle",
            false,
        )
        .await?;
        if sub["collection_method"] == "charge_automatically" && !paused {
            let method = default_method(cx, &sub, &customer).await?;
            let failed = match method {
                Some(m) => pay(cx, &mut invoice, Some(&m), start, false, true)
                    .await?
                    .is_some(),
                None => {
                    let old = invoice.clone();
                    invoice["attempted"] = json!(true);
                    invoice["attempt_count"] = json!(1);
                    cx.save_changed("invoice.payment_failed", &old, &invoice)
                        .await?;
                    true
                }
            };
            sub["status"] = json!(if failed { "past_due" } else { "active" });
        } else {
            sub["status"] = json!("active");
        }
        if trial_ending {
            sub["trial_end"] = json!(end);
        }
        cx.save_changed("customer.subscription.updated", &before, &sub)
            .await?;
    }
    Ok(())
}
