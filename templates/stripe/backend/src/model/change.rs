//! A change of a subscription's items: `items[n]` entries applied to them, and what the change
//! bills (prorations, an invoice at once, a restarted period), shared by subscription updates
//! and the `/v1/subscription_items` writes.

use serde_json::{Value, json};

use crate::clock::add_intervals;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::model::invoice::subscription_invoice;
use crate::model::proration::{self, Behavior};
use crate::model::subscription::{
    check_line, collect, interval_of, interval_of_items, new_item, quantity_at, set_period,
};
use crate::model::tax;
use crate::params::{Params, bool_at, merge_metadata, string_at};

/// Applies `items[n]` changes to `sub`'s items: an `id` names an item to change (its price,
/// quantity, tax rates, metadata) or, with `deleted`, to remove; without one, an item is added.
pub(crate) async fn change_items(
    cx: &mut Cx<'_>,
    sub: &mut Value,
    items: &[Value],
    now: i64,
) -> ApiResult<()> {
    let id = sub["id"].as_str().unwrap_or_default().to_owned();
    let id = id.as_str();
    let mut current: Vec<Value> = sub["items"]["data"].as_array().cloned().unwrap_or_default();
    for (index, spec) in items.iter().enumerate() {
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_param("items", "Invalid array"))?;
        let existing =
            string_at(spec.get("id"), &format!("items[{index}][id]"))?.map(str::to_owned);
        let deleted =
            bool_at(spec.get("deleted"), &format!("items[{index}][deleted]"))?.unwrap_or(false);
        match existing {
            Some(item_id) => {
                let position = current
                    .iter()
                    .position(|i| i["id"] == item_id.as_str())
                    .ok_or_else(|| {
                        ApiError::missing_resource(
                            "subscription item",
                            &item_id,
                            &format!("items[{index}][id]"),
                        )
                    })?;
                if deleted {
                    current.remove(position);
                    continue;
                }
                if spec.contains_key("price") || spec.contains_key("price_data") {
                    let mut replacement = new_item(cx, spec, index, id, now).await?;
                    replacement["id"] = json!(item_id);
                    if !spec.contains_key("quantity") {
                        replacement["quantity"] = current[position]["quantity"].clone();
                    }
                    current[position] = replacement;
                } else if let Some(q) =
                    quantity_at(spec.get("quantity"), &format!("items[{index}][quantity]"))?
                {
                    current[position]["quantity"] = json!(q);
                }
                let at = format!("items[{index}][tax_rates]");
                if let Some(rates) = tax::rates(cx, spec.get("tax_rates"), &at).await? {
                    tax::check_behavior(&current[position]["price"], &rates)?;
                    current[position]["tax_rates"] = json!(rates);
                }
                if let Some(meta) = spec.get("metadata") {
                    merge_metadata(&mut current[position], meta)?;
                }
                check_line(&current[position], &format!("items[{index}][quantity]"))?;
            }
            None => current.push(new_item(cx, spec, index, id, now).await?),
        }
    }
    if current.is_empty() {
        return Err(ApiError::invalid_param(
            "items",
            "A subscription must have at least one item.",
        ));
    }
    sub["items"]["total_count"] = json!(current.len());
    sub["plan"] = if current.len() == 1 {
        current[0]["plan"].clone()
    } else {
        Value::Null
    };
    sub["quantity"] = if current.len() == 1 {
        current[0]["quantity"].clone()
    } else {
        Value::Null
    };
    sub["items"]["data"] = Value::Array(current);
    let (start, end) = proration::period_of(sub, now);
    set_period(sub, start, end);
    check_items_agree(sub["items"]["data"].as_array().map_or(&[], Vec::as_slice))
}

/// That `items` bill in one currency and at one interval, as Stripe requires.
pub(crate) fn check_items_agree(items: &[Value]) -> ApiResult<()> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let (currency, interval) = (&first["price"]["currency"], &first["price"]["recurring"]);
    for item in &items[1..] {
        if item["price"]["currency"] != *currency {
            return Err(ApiError::invalid_param(
                "items",
                "All prices on a subscription must have the same currency.",
            ));
        }
        if item["price"]["recurring"]["interval"] != interval["interval"]
            || item["price"]["recurring"]["interval_count"] != interval["interval_count"]
        {
            return Err(ApiError::invalid_param(
                "items",
                "All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.",
            ));
        }
    }
    Ok(())
}

/// A change of a subscription's items: the items before it, and how it is prorated.
pub(crate) struct Change {
    old: Vec<Value>,
    behavior: Behavior,
    /// When it is prorated (`proration_date`, else now).
    at: i64,
    now: i64,
    off_session: bool,
    /// `payment_behavior=error_if_incomplete`: a failed payment refuses the change.
    error_if_incomplete: bool,
}

impl Change {
    /// The change a request (`proration_behavior`, `proration_date`, `off_session`) makes to
    /// `sub` at `now`.
    pub(crate) fn of(params: &Params, sub: &Value, now: i64) -> ApiResult<Self> {
        const BEHAVIORS: &[&str] = &[
            "allow_incomplete",
            "default_incomplete",
            "error_if_incomplete",
            "pending_if_incomplete",
        ];
        match params.one_of("payment_behavior", BEHAVIORS)? {
            Some("pending_if_incomplete") => {
                return Err(ApiError::invalid_param(
                    "payment_behavior",
                    "This Stripe clone does not keep pending updates (not implemented): \
                     payment_behavior=pending_if_incomplete is refused on updates.",
                ));
            }
            Some("default_incomplete") => {
                return Err(ApiError::invalid_param(
                    "payment_behavior",
                    "This Stripe clone collects an update's invoice at once (not implemented: \
                     payment_behavior=default_incomplete, which leaves it to be confirmed).",
                ));
            }
            _ => {}
        }
        let period = proration::period_of(sub, now);
        Ok(Self {
            old: sub["items"]["data"].as_array().cloned().unwrap_or_default(),
            behavior: proration::behavior(params.get("proration_behavior"), "proration_behavior")?,
            at: proration::date(params.get("proration_date"), "proration_date", period, now)?,
            now,
            off_session: params.bool("off_session")?.unwrap_or(false),
            error_if_incomplete: params.str("payment_behavior")? == Some("error_if_incomplete"),
        })
    }

    /// Collects `invoice`, made by this change, as `sub`'s collection method does: a failed
    /// payment makes `sub` `past_due`, or, with `error_if_incomplete`, is the request's error
    /// and nothing of the change is kept.
    async fn collect(
        &self,
        cx: &mut Cx<'_>,
        (sub, customer): (&mut Value, &Value),
        invoice: &mut Value,
    ) -> ApiResult<()> {
        let failure = collect(cx, (sub, customer), invoice, self.now, self.off_session).await?;
        match failure {
            Some(err) if self.error_if_incomplete => Err(ApiError {
                persist: false,
                ..err
            }),
            _ => Ok(()),
        }
    }
}

/// Bills a change of `sub`'s items from `change.old`: prorations as pending invoice items
/// (`create_prorations`), invoiced and collected at once (`always_invoice`), or nothing
/// (`none`). A change of billing interval restarts the period now (below).
pub(crate) async fn bill_change(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    change: &Change,
) -> ApiResult<()> {
    if interval_of_items(&change.old) != interval_of(sub) && sub["status"] != "trialing" {
        return restart_period(cx, (sub, customer), change).await;
    }
    if change.behavior == Behavior::None {
        return Ok(());
    }
    let new = sub["items"]["data"].as_array().cloned().unwrap_or_default();
    let at = (change.at, change.now);
    let prorations = proration::items(cx, (sub, customer), &change.old, &new, at).await?;
    if prorations.is_empty() {
        return Ok(());
    }
    proration::store(cx, prorations).await?;
    invoice_if_always(cx, (sub, customer), change).await
}

/// With `always_invoice`, invoices `sub`'s pending invoice items at once and collects them.
async fn invoice_if_always(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    change: &Change,
) -> ApiResult<()> {
    if change.behavior != Behavior::AlwaysInvoice {
        return Ok(());
    }
    let now = change.now;
    let reason = "subscription_update";
    let mut invoice = subscription_invoice(cx, sub, customer, (now, None), reason, false).await?;
    change.collect(cx, (sub, customer), &mut invoice).await
}

/// Credits the unused time of `change.old` from the change's proration date as pending invoice
/// items, unless `proration_behavior=none`.
async fn credit_unused(
    cx: &mut Cx<'_>,
    (sub, customer): (&Value, &Value),
    change: &Change,
) -> ApiResult<()> {
    if change.behavior == Behavior::None {
        return Ok(());
    }
    let at = (change.at, change.now);
    let credits = proration::items(cx, (sub, customer), &change.old, &[], at).await?;
    proration::store(cx, credits).await
}

/// Puts `sub` on a trial until `end` (a future `trial_end`), the billing cycle then anchored
/// there. A trial already under way is lengthened or shortened; one that starts now starts a
/// period now, ending at `end`, and credits the old items' unused time as a change would
/// (invoiced at once with `always_invoice`, nothing with `none`).
pub(crate) async fn start_trial(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    change: &Change,
    end: i64,
) -> ApiResult<()> {
    let now = change.now;
    if sub["status"] == "trialing" {
        let start = sub["current_period_start"].as_i64().unwrap_or(now);
        set_period(sub, start, end);
    } else {
        credit_unused(cx, (sub, customer), change).await?;
        invoice_if_always(cx, (sub, customer), change).await?;
        sub["status"] = json!("trialing");
        sub["trial_start"] = json!(now);
        set_period(sub, now, end);
    }
    sub["trial_end"] = json!(end);
    sub["billing_cycle_anchor"] = json!(end);
    sub["_cycle"] = json!(0);
    Ok(())
}

/// Starts a new period of `sub` now, anchored there, and invoices it at once (with the
/// pending invoice items) as its collection method does: a trial ended by `trial_end=now`,
/// `billing_cycle_anchor=now`, or a change of billing interval, which first credit the old
/// items' unused time unless `proration_behavior=none`.
pub(crate) async fn restart_period(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    change: &Change,
) -> ApiResult<()> {
    let now = change.now;
    credit_unused(cx, (sub, customer), change).await?;
    sub["billing_cycle_anchor"] = json!(now);
    sub["_cycle"] = json!(0);
    let (interval, count) = interval_of(sub);
    let end = add_intervals(now, &interval, count, 1);
    set_period(sub, now, end);
    let period = (now, Some((now, end)));
    let reason = "subscription_update";
    let mut invoice = subscription_invoice(cx, sub, customer, period, reason, false).await?;
    change.collect(cx, (sub, customer), &mut invoice).await
}
