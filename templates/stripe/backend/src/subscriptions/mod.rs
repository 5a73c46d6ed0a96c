//! Subscriptions.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::{MAX_DAYS_UNTIL_DUE, MAX_TRIAL_DAYS};
use crate::clock::add_intervals;
use crate::cx::{Cx, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, SUBSCRIPTION};
use crate::model::additions::{ADDITION, add_invoice_items};
use crate::model::change::check_items_agree;
use crate::model::discount;
use crate::model::invoice::{pay, subscription_invoice};
use crate::model::proration;
use crate::model::subscription::{customer_now, default_method, new_item, set_period};
use crate::params::{Nested, Params, Takes, apply_metadata};
use crate::shapes::{DISCOUNT, ITEM_PRICE_DATA};
use asym_kit::Kit;

mod update;

use update::{cancellation_details, default_tax_rates, update_subscription};

/// Subscriptions: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/subscriptions" => post(create_subscription), get(list_subscriptions);
        "/v1/subscriptions/search" => get(SUBSCRIPTION.search),
            post(update_subscription, 1), delete(cancel_subscription, 1);
        "/v1/subscriptions/{id}" => get(SUBSCRIPTION.retrieve, 1),
            post(update_subscription, 1), delete(cancel_subscription, 1);
        "/v1/subscriptions/{id}/cancel" => post(cancel_subscription, 1);
        "/v1/subscriptions/{id}/discount" => delete(delete_discount, 1);
    }
}

/// What both a subscription's create and its update take and serve.
#[rustfmt::skip]
const SERVED: &[&str] = &[
    "items", "default_payment_method", "payment_behavior", "trial_end", "trial_from_plan",
    "metadata", "cancel_at_period_end", "collection_method", "days_until_due", "description",
    "proration_behavior", "off_session", "default_tax_rates", "coupon", "promotion_code",
    "discounts", "add_invoice_items",
];

/// What `POST /v1/subscriptions` takes, as Stripe's create does (no `proration_date`,
/// `cancellation_details` or `pause_collection`: those are the update's).
#[rustfmt::skip]
const CREATE: Takes = Takes {
    route: "subscription creation",
    serves: &[SERVED, &["customer", "trial_period_days", "payment_settings", "currency"]],
    refuses: &[UNSERVED, CREATE_UNSERVED],
    nested: CREATE_NESTED,
};

/// The hashes a subscription's create checks inside.
const CREATE_NESTED: Nested = &[
    ("items", &ITEM),
    ("add_invoice_items", &ADDITION),
    ("discounts", &DISCOUNT),
    ("payment_settings", &PAYMENT_SETTINGS),
];

/// The hashes a subscription's update checks inside.
const UPDATE_NESTED: Nested = &[
    ("items", &ITEM_CHANGE),
    ("add_invoice_items", &ADDITION),
    ("discounts", &DISCOUNT),
    ("cancellation_details", &CANCELLATION_DETAILS),
    ("pause_collection", &PAUSE_COLLECTION),
];

/// What an update's `pause_collection` takes.
const PAUSE_COLLECTION: Takes =
    Takes::serving("pausing collection", &[&["behavior", "resumes_at"]]);

/// What an item of a subscription's `items` serves (its price, by id or `price_data`, its
/// quantity, tax rates and metadata).
#[rustfmt::skip]
const ITEM_SERVED: &[&str] = &[
    "metadata", "plan", "price", "price_data", "quantity", "tax_rates",
];

/// What Stripe takes on an item of `items` that this clone does not serve (an item's
/// discounts among them: one discount at a time, on the subscription).
const ITEM_UNSERVED: &[&str] = &["billing_thresholds", "current_trial", "discounts"];

/// One of a subscription create's `items`.
const ITEM: Takes = Takes {
    route: "subscription items",
    serves: &[ITEM_SERVED],
    refuses: &[ITEM_UNSERVED],
    nested: &[("price_data", &ITEM_PRICE_DATA)],
};

/// One of a subscription update's `items`: an item added, changed (`id`) or removed
/// (`deleted`).
const ITEM_CHANGE: Takes = Takes {
    route: "subscription items",
    serves: &[ITEM_SERVED, &["id", "deleted"]],
    refuses: &[ITEM_UNSERVED, &["clear_usage"]],
    nested: &[("price_data", &ITEM_PRICE_DATA)],
};

/// A subscription's `payment_settings`: whether a payment saves its method as the default.
const PAYMENT_SETTINGS: Takes = Takes {
    route: "subscription creation",
    serves: &[&["save_default_payment_method"]],
    refuses: &[&["payment_method_options", "payment_method_types"]],
    nested: &[],
};

/// A subscription's `cancellation_details` (its `comment` and `feedback`).
const CANCELLATION_DETAILS: Takes = Takes {
    route: "subscription cancellation details",
    serves: &[&["comment", "feedback"]],
    refuses: &[&["feedback_option"]],
    nested: &[],
};

/// What `DELETE /v1/subscriptions/{id}` and `…/cancel` take.
const CANCEL: Takes = Takes {
    route: "subscription cancellation",
    serves: &[&["invoice_now", "prorate", "cancellation_details"]],
    refuses: &[],
    nested: &[("cancellation_details", &CANCELLATION_DETAILS)],
};

/// Parameters Stripe accepts on a subscription's create and update alike that this clone does
/// not serve: each is refused by name.
#[rustfmt::skip]
const UNSERVED: &[&str] = &[
    "application_fee_percent", "automatic_tax", "billing_thresholds",
    "cancel_at", "default_source", "invoice_settings", "on_behalf_of",
    "pending_invoice_item_interval", "transfer_data", "trial_settings", "billing_schedules",
];

/// The create's own parameters this clone does not serve, besides [`UNSERVED`]: the billing
/// cycle's anchor is the start (or the trial's end), never backdated.
#[rustfmt::skip]
const CREATE_UNSERVED: &[&str] = &[
    "backdate_start_date", "billing_cycle_anchor", "billing_cycle_anchor_config", "billing_mode",
    "customer_account",
];

/// Refuses `trial_from_plan=true` on a subscription's update (the create serves it; `false`
/// asks for nothing).
fn refuse_trial_from_plan(params: &Params) -> ApiResult<()> {
    if params.bool("trial_from_plan")? == Some(true) {
        return Err(ApiError::invalid_param(
            "trial_from_plan",
            "This Stripe clone does not serve trial_from_plan on subscription updates (not \
             implemented): set trial_end instead.",
        ));
    }
    Ok(())
}

/// `POST /v1/subscriptions`: items, trial, payment method and behaviour, collection method,
/// tax rates, discounts, metadata, …; what Stripe takes and this clone does not ([`CREATE`]) is refused.
/// `proration_behavior` only concerns a `billing_cycle_anchor`'s first period, so it is
/// checked and changes nothing here.
pub(crate) async fn create_subscription(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
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
        "schedule": null,
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
    default_tax_rates(cx, &params, &mut sub).await?;
    if let Some(cancel) = params.bool("cancel_at_period_end")? {
        sub["cancel_at_period_end"] = json!(cancel);
    }
    if let Some(settings) = params.hash("payment_settings")?
        && let Some(save) = settings.get("save_default_payment_method")
    {
        sub["payment_settings"]["save_default_payment_method"] = save.clone();
    }
    apply_metadata(&mut sub, &params)?;
    let first = (recurring_amount(&sub), currency.as_str());
    discount::change(cx, &params, &mut sub, Some(first), now).await?;
    cx.insert(seq, &sub)?;
    cx.emit("customer.subscription.created", &sub, None).await?;
    add_invoice_items(cx, &params, &sub, &customer, now).await?;

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
    let outcome = if trial_end.is_some() {
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
fn recurring_amount(sub: &Value) -> i64 {
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

/// `DELETE /v1/subscriptions/{id}/discount`.
pub(crate) async fn delete_discount(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let sub = SUBSCRIPTION.lock(cx, id).await?;
    discount::delete_from(cx, sub, "customer.subscription.updated").await
}

/// `DELETE /v1/subscriptions/{id}` (and `POST …/cancel`): cancels at once; `prorate=true`
/// credits the unused time as pending invoice items (`invoice_now` is not served).
pub(crate) async fn cancel_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&CANCEL)?;
    if cx.params.bool("invoice_now")? == Some(true) {
        return Err(ApiError::invalid_param(
            "invoice_now",
            "This Stripe clone does not invoice a subscription as it is canceled (not \
             implemented); its pending invoice items stay pending.",
        ));
    }
    let mut sub = SUBSCRIPTION.lock(cx, id).await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::missing_resource("subscription", id, "id").code("resource_missing"));
    }
    let customer = cx.customer_of(&sub).await?;
    let now = customer_now(cx, &customer).await?;
    if cx.params.bool("prorate")? == Some(true) {
        let old = sub["items"]["data"].as_array().cloned().unwrap_or_default();
        let credits = proration::items(cx, (&sub, &customer), &old, &[], (now, now)).await?;
        proration::store(cx, credits).await?;
    }
    let before = sub.clone();
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(now);
    sub["ended_at"] = json!(now);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    cancellation_details(&cx.params, &mut sub)?;
    cx.save_changed("customer.subscription.deleted", &before, &sub)
        .await?;
    Ok(sub)
}

/// `GET /v1/subscriptions` (`customer`, `price`, `status` — default: all but canceled).
pub(crate) async fn list_subscriptions(cx: &mut Cx<'_>) -> ApiResult {
    #[rustfmt::skip]
    const ALLOWED: &[&str] = &[
        "customer", "price", "status", "collection_method", "test_clock", "current_period_end",
        "current_period_start", "automatic_tax",
    ];
    allow_with(cx, ALLOWED)?;
    let mut filters = list_filters(
        cx,
        &[
            ("customer", "customer = {}"),
            (
                "price",
                "data::text LIKE '%\"price\":{\"id\":\"' || {} || '\"%'",
            ),
            ("collection_method", "data->>'collection_method' = {}"),
            ("test_clock", "data->>'test_clock' = {}"),
        ],
    )?;
    #[rustfmt::skip]
    const STATUSES: &[&str] = &[
        "active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due",
        "paused", "trialing", "unpaid",
    ];
    let status = cx.params.str("status")?.filter(|s| !s.is_empty());
    if status.is_some() {
        cx.params.one_of("status", STATUSES)?;
    }
    match status.unwrap_or("") {
        "" => filters.push((
            "data->>'status' NOT IN ('canceled', {})",
            "incomplete_expired".to_owned(),
        )),
        "all" => {}
        "ended" => filters.push((
            "data->>'status' IN ('canceled', {})",
            "incomplete_expired".to_owned(),
        )),
        status => filters.push(("data->>'status' = {}", status.to_owned())),
    }
    SUBSCRIPTION.list(cx, &filters).await
}
