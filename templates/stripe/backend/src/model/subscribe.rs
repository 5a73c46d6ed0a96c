//! A subscription's creation (`POST /v1/subscriptions`): its items, trial, payment, first
//! invoice and its collection; what creating and updating one share (`default_tax_rates`, the
//! recurring amount a discount is checked against).

use serde_json::{Value, json};

use crate::bounds::{MAX_DAYS_UNTIL_DUE, MAX_TRIAL_DAYS};
use crate::clock::add_intervals;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::CUSTOMER;
use crate::model::additions::add_invoice_items;
use crate::model::change::check_items_agree;
use crate::model::invoice::{pay, subscription_invoice};
use crate::model::subscription::{customer_now, default_method, new_item, set_period};
use crate::model::{discount, tax};
use crate::params::{Params, apply_metadata};

/// Creates the subscription `params` describe (`POST /v1/subscriptions`'s parameters, checked
/// against its table by the caller): items, trial, payment method and behaviour, collection
/// method, tax rates, discounts, metadata, …, with its first invoice, collected; attached to
/// `schedule` when a subscription schedule makes it.
/// `proration_behavior` only concerns a `billing_cycle_anchor`'s first period, so it is
/// checked and changes nothing here.
pub(crate) async fn create(cx: &mut Cx<'_>, params: &Params, schedule: Option<&str>) -> ApiResult {
    params.one_of(
        "proration_behavior",
        &["always_invoice", "create_prorations", "none"],
    )?;
    let customer_id = params.required("customer")?.to_owned();
    let customer = CUSTOMER.lock_named(cx, &customer_id, "customer").await?;
    let items = params.array("items")?.cloned().unwrap_or_default();
    if items.is_empty() {
        return Err(ApiError::missing("items"));
    }
    let now = customer_now(cx, &customer).await?;
    let (id, seq) = cx.new_id("sub_").await?;
    let mut built = Vec::new();
    for (index, spec) in items.iter().enumerate() {
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_param("items", "Invalid array"))?;
        built.push(new_item(cx, spec, index, &id, now).await?);
    }
    check_items_agree(&built)?;
    let currency = built[0]["price"]["currency"]
        .as_str()
        .unwrap_or("usd")
        .to_owned();
    if let Some(asked) = params.str("currency")?
        && !asked.eq_ignore_ascii_case(&currency)
    {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "This Stripe clone's prices have one currency each: the items' prices are in \
                 {currency}, not {asked} (currency options are not implemented)."
            ),
        ));
    }
    let interval = built[0]["price"]["recurring"].clone();
    let behavior = params
        .str("payment_behavior")?
        .unwrap_or("allow_incomplete")
        .to_owned();
    if ![
        "allow_incomplete",
        "default_incomplete",
        "error_if_incomplete",
        "pending_if_incomplete",
    ]
    .contains(&behavior.as_str())
    {
        return Err(ApiError::invalid_param(
            "payment_behavior",
            format!("Invalid payment_behavior: {behavior}"),
        ));
    }
    let collection = params
        .str("collection_method")?
        .unwrap_or("charge_automatically")
        .to_owned();
    if !["charge_automatically", "send_invoice"].contains(&collection.as_str()) {
        return Err(ApiError::invalid_param(
            "collection_method",
            format!("Invalid collection_method: {collection}"),
        ));
    }
    let days_until_due = params.int_within("days_until_due", (0, MAX_DAYS_UNTIL_DUE))?;
    if collection == "send_invoice" && days_until_due.is_none() {
        return Err(ApiError::missing("days_until_due"));
    }
    let default_pm = match params
        .str("default_payment_method")?
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(pm) => {
            let method = crate::model::method::resolve(cx, pm, "default_payment_method").await?;
            if method["customer"].as_str() != Some(customer_id.as_str()) {
                return Err(ApiError::invalid_param(
                    "default_payment_method",
                    format!(
                        "The customer does not have a payment method with the ID {}. The payment method must be attached to the customer.",
                        method["id"].as_str().unwrap_or_default()
                    ),
                ));
            }
            method["id"].as_str().map(str::to_owned)
        }
    };
    let trial_end = match params.str("trial_end")? {
        Some("now") | None => None,
        Some(_) => params.timestamp("trial_end")?,
    };
    // `trial_from_plan=true`: the trial of the first item's price that has one (a plan's
    // `trial_period_days`, a price's `recurring[trial_period_days]`).
    let trial_days = match params.int_within("trial_period_days", (0, MAX_TRIAL_DAYS))? {
        None if params.bool("trial_from_plan")? == Some(true) => built
            .iter()
            .find_map(|item| item["price"]["recurring"]["trial_period_days"].as_i64()),
        days => days,
    };
    let trial_end = match (trial_end, trial_days) {
        (Some(end), _) => {
            if end <= now {
                return Err(ApiError::invalid_param(
                    "trial_end",
                    "Invalid timestamp: must be an integer Unix timestamp in the future.",
                ));
            }
            Some(end)
        }
        (None, Some(days)) if days > 0 => Some(now + days * 86_400),
        _ => None,
    };
    let (interval_name, count) = (
        interval["interval"].as_str().unwrap_or("month").to_owned(),
        interval["interval_count"].as_i64().unwrap_or(1),
    );
    let anchor = trial_end.unwrap_or(now);
    let period_end = trial_end.unwrap_or_else(|| add_intervals(anchor, &interval_name, count, 1));
    let quantity = if built.len() == 1 {
        built[0]["quantity"].clone()
    } else {
        Value::Null
    };
    let plan = if built.len() == 1 {
        built[0]["plan"].clone()
    } else {
        Value::Null
    };
    let mut sub = json!({
        "id": id,
        "object": "subscription",
        "application": null,
        "application_fee_percent": null,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
        "billing_cycle_anchor": anchor,
        "billing_cycle_anchor_config": null,
        // The clone bills the classic way: no flexible-mode prorations or billing schedules.
        "billing_mode": {"flexible": null, "type": "classic", "updated_at": now},
        "billing_schedules": [],
        "billing_thresholds": null,
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "cancellation_details": {"comment": null, "feedback": null, "reason": null},
        "collection_method": collection,
        "created": now,
        "currency": currency,
        "current_period_end": null,
        "current_period_start": null,
        "customer": customer_id,
        "days_until_due": days_until_due,
        "default_payment_method": default_pm,
        "default_source": null,
        "default_tax_rates": [],
        "description": params.str("description")?.filter(|s| !s.is_empty()),
        "discount": null,
        "discounts": [],
        "ended_at": null,
        "invoice_settings": {"account_tax_ids": null, "issuer": {"type": "self"}},
        "items": {
            "object": "list",
            "data": built,
            "has_more": false,
            "total_count": items.len(),
            "url": format!("/v1/subscription_items?subscription={id}"),
        },
        "latest_invoice": null,
        "livemode": false,
        "metadata": {},
        "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null,
        "pause_collection": null,
        "payment_settings": {"payment_method_options": null, "payment_method_types": null,
                             "save_default_payment_method": "off"},
        "pending_invoice_item_interval": null,
        "pending_setup_intent": null,
        "pending_update": null,
        "plan": plan,
        "quantity": quantity,
        "schedule": schedule,
        "start_date": now,
        "status": if trial_end.is_some() { "trialing" } else { "incomplete" },
        "test_clock": customer["test_clock"].clone(),
        "transfer_data": null,
        "trial_end": trial_end,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": trial_end.map(|_| now),
        "_cycle": 0,
    });
    set_period(&mut sub, now, period_end);
    default_tax_rates(cx, params, &mut sub).await?;
    if let Some(cancel) = params.bool("cancel_at_period_end")? {
        sub["cancel_at_period_end"] = json!(cancel);
    }
    if let Some(settings) = params.hash("payment_settings")?
        && let Some(save) = settings.get("save_default_payment_method")
    {
        sub["payment_settings"]["save_default_payment_method"] = save.clone();
    }
    apply_metadata(&mut sub, params)?;
    let first = (recurring_amount(&sub), currency.as_str());
    discount::change(cx, params, &mut sub, Some(first), now).await?;
    cx.insert(seq, &sub)?;
    cx.emit("customer.subscription.created", &sub, None).await?;
    add_invoice_items(cx, params, &sub, &customer, now).await?;

    // The first invoice: the trial's (zero) or the first period's.
    let reason = "subscription_create";
    let mut invoice = subscription_invoice(
        cx,
        &mut sub,
        &customer,
        (now, Some((now, period_end))),
        reason,
        trial_end.is_some(),
    )
    .await?;
    let before = sub.clone();
    // A trial's invoice is paid without a charge, unless it bills added one-time items.
    let outcome = if trial_end.is_some() && invoice["amount_due"] == 0 {
        pay(cx, &mut invoice, None, now, false, false).await?
    } else if collection == "charge_automatically" && behavior != "default_incomplete" {
        let method = default_method(cx, &sub, &customer).await?;
        if method.is_none() && behavior == "error_if_incomplete" {
            return Err(ApiError::invalid(
                "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
            ));
        }
        match method {
            Some(_) => {
                let off_session = params.bool("off_session")?.unwrap_or(false);
                pay(cx, &mut invoice, method.as_deref(), now, false, off_session).await?
            }
            // Nothing due (a 100% discount): paid without a method.
            None if invoice["amount_due"] == 0 => {
                pay(cx, &mut invoice, None, now, false, false).await?
            }
            None => None,
        }
    } else {
        None
    };
    if let Some(err) = outcome
        && behavior == "error_if_incomplete"
    {
        {
            return Err(ApiError {
                persist: false,
                ..err
            });
        }
    }
    sub["status"] = json!(match invoice["status"].as_str() {
        Some("paid") if trial_end.is_some() => "trialing",
        Some("paid") => "active",
        _ if collection == "send_invoice" => "active",
        _ => "incomplete",
    });
    cx.save(&sub)?;
    if sub != before {
        cx.emit_changed("customer.subscription.updated", &before, &sub)
            .await?;
    }
    Ok(sub)
}

/// What `sub`'s items bill a period, before discounts.
pub(crate) fn recurring_amount(sub: &Value) -> i64 {
    sub["items"]["data"].as_array().map_or(0, |items| {
        items
            .iter()
            .map(|i| {
                crate::model::tiers::price_amount(&i["price"], i["quantity"].as_i64().unwrap_or(1))
                    .unwrap_or(0)
            })
            .sum()
    })
}

/// Sets `sub`'s `default_tax_rates` when the request names them (an empty value clears them).
pub(crate) async fn default_tax_rates(
    cx: &Cx<'_>,
    params: &Params,
    sub: &mut Value,
) -> ApiResult<()> {
    let given = params.get("default_tax_rates");
    if let Some(rates) = tax::rates(cx, given, "default_tax_rates").await? {
        let items = sub["items"]["data"].as_array().cloned().unwrap_or_default();
        for item in items.iter().filter(|i| i["tax_rates"] == json!([])) {
            tax::check_behavior(&item["price"], &rates)?;
        }
        sub["default_tax_rates"] = json!(rates);
    }
    Ok(())
}

/// A line as a subscription's `items[n]` or `add_invoice_items[n]`: its price (a price made
/// for the quote or session from `price_data` is inactive, so it is given again as `price_data`), its
/// quantity and tax rates.
pub(crate) fn line_spec(line: &Value) -> Value {
    let price = &line["price"];
    let mut spec = if price["active"] == false {
        let mut data = json!({
            "currency": price["currency"],
            "product": price["product"],
            "unit_amount_decimal": price["unit_amount_decimal"],
            "tax_behavior": price["tax_behavior"],
        });
        if price["recurring"].is_object() {
            data["recurring"] = json!({
                "interval": price["recurring"]["interval"],
                "interval_count": price["recurring"]["interval_count"].to_string(),
            });
        }
        json!({"price_data": data})
    } else {
        json!({"price": price["id"]})
    };
    spec["quantity"] = json!(line["quantity"].to_string());
    if let Some(rates) = line["_tax_rates"].as_array().filter(|r| !r.is_empty()) {
        spec["tax_rates"] = json!(rates);
    }
    spec
}
