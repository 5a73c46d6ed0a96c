//! Subscriptions and subscription items.

use axum::Router;
use serde_json::{Value, json};

use crate::clock::add_intervals;
use crate::cx::{Cx, Filter, allow_paging, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, SUBSCRIPTION};
use crate::model::invoice::{pay, subscription_invoice};
use crate::model::proration::{self, Behavior};
use crate::model::subscription::{
    collect, customer_now, default_method, interval_of, interval_of_items, new_item, set_period,
};
use crate::model::{discount, tax};
use crate::params::{Params, apply_metadata, bool_at, int_at, merge_metadata, string_at};
use asym_kit::Kit;

/// Subscriptions and their items: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/subscriptions" => post(create_subscription), get(list_subscriptions);
        "/v1/subscriptions/search" => get(SUBSCRIPTION.search),
            post(update_subscription, 1), delete(cancel_subscription, 1);
        "/v1/subscriptions/{id}" => get(SUBSCRIPTION.retrieve, 1),
            post(update_subscription, 1), delete(cancel_subscription, 1);
        "/v1/subscriptions/{id}/cancel" => post(cancel_subscription, 1);
        "/v1/subscriptions/{id}/discount" => delete(delete_discount, 1);
        "/v1/subscription_items" =>
            post(create_subscription_item), get(list_subscription_items);
        "/v1/subscription_items/{id}" => get(retrieve_subscription_item, 1),
            post(update_subscription_item, 1), delete(delete_subscription_item, 1);
    }
}

#[rustfmt::skip]
const SUB_FIELDS: &[&str] = &[
    "customer", "items", "default_payment_method", "payment_behavior", "trial_period_days",
    "trial_end", "metadata", "cancel_at_period_end", "cancel_at", "collection_method",
    "days_until_due", "description", "payment_settings", "proration_behavior", "proration_date",
    "billing_cycle_anchor", "off_session", "currency", "automatic_tax", "trial_from_plan",
    "default_tax_rates", "coupon", "promotion_code", "discounts", "expand",
    "add_invoice_items", "backdate_start_date", "trial_settings", "default_source",
    "application_fee_percent", "transfer_data", "on_behalf_of",
    "pending_invoice_item_interval", "billing_thresholds", "cancellation_details",
    "pause_collection", "quantity", "plan",
];

/// `POST /v1/subscriptions`.
pub(crate) async fn create_subscription(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(SUB_FIELDS)?;
    let params = cx.params.clone();
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
    let days_until_due = params.int("days_until_due")?;
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
        Some(_) => params.int("trial_end")?,
    };
    let trial_days = params.int("trial_period_days")?;
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

/// `POST /v1/subscriptions/{id}`: items, metadata, cancel_at_period_end,
/// default_payment_method, trial_end=now, …
pub(crate) async fn update_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut sub) = SUBSCRIPTION.for_update(cx, id, SUB_FIELDS).await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata."
                .to_owned(),
        ));
    }
    let before = sub.clone();
    let customer = cx.customer_of(&sub).await?;
    let now = customer_now(cx, &customer).await?;
    if let Some(cancel) = params.bool("cancel_at_period_end")? {
        sub["cancel_at_period_end"] = json!(cancel);
        sub["cancel_at"] = if cancel {
            sub["current_period_end"].clone()
        } else {
            Value::Null
        };
        sub["canceled_at"] = if cancel { json!(now) } else { Value::Null };
    }
    if let Some(description) = params.nullable("description")? {
        sub["description"] = description;
    }
    if let Some(pm) = params.str("default_payment_method")? {
        sub["default_payment_method"] = if pm.is_empty() {
            Value::Null
        } else {
            let method = crate::model::method::resolve(cx, pm, "default_payment_method").await?;
            method["id"].clone()
        };
    }
    let change = Change::of(&params, &sub, now)?;
    if let Some(items) = params.array("items")? {
        change_items(cx, &mut sub, items, now).await?;
    }
    default_tax_rates(cx, &params, &mut sub).await?;
    let currency = sub["currency"].as_str().unwrap_or("usd").to_owned();
    let first = (recurring_amount(&sub), currency.as_str());
    discount::change(cx, &params, &mut sub, Some(first), now).await?;
    if params.str("trial_end")? == Some("now") && sub["status"] == "trialing" {
        sub["trial_end"] = json!(now);
        restart_period(cx, (&mut sub, &customer), &change).await?;
    } else {
        bill_change(cx, (&mut sub, &customer), &change).await?;
    }
    apply_metadata(&mut sub, &params)?;
    cx.save_if_changed("customer.subscription.updated", &before, sub)
        .await
}

/// Applies `items[n]` changes to `sub`'s items: an `id` names an item to change (its price,
/// quantity, tax rates, metadata) or, with `deleted`, to remove; without one, an item is added.
async fn change_items(
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
                    int_at(spec.get("quantity"), &format!("items[{index}][quantity]"))?
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
fn check_items_agree(items: &[Value]) -> ApiResult<()> {
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
struct Change {
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
    fn of(params: &Params, sub: &Value, now: i64) -> ApiResult<Self> {
        if params.str("payment_behavior")? == Some("pending_if_incomplete") {
            return Err(ApiError::invalid_param(
                "payment_behavior",
                "This Stripe clone does not keep pending updates (not implemented): \
                 payment_behavior=pending_if_incomplete is refused on updates.",
            ));
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
async fn bill_change(
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
    if change.behavior == Behavior::AlwaysInvoice {
        let now = change.now;
        let reason = "subscription_update";
        let mut invoice =
            subscription_invoice(cx, sub, customer, (now, None), reason, false).await?;
        change.collect(cx, (sub, customer), &mut invoice).await?;
    }
    Ok(())
}

/// Starts a new period of `sub` now, anchored there, and invoices it at once (with the
/// pending invoice items) as its collection method does: a trial ended by `trial_end=now`, or
/// a change of billing interval, which first credits the old items' unused time unless
/// `proration_behavior=none`.
async fn restart_period(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    change: &Change,
) -> ApiResult<()> {
    let now = change.now;
    if change.behavior != Behavior::None {
        let at = (change.at, now);
        let credits = proration::items(cx, (sub, customer), &change.old, &[], at).await?;
        proration::store(cx, credits).await?;
    }
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

/// Sets `sub`'s `default_tax_rates` when the request names them (an empty value clears them).
async fn default_tax_rates(cx: &Cx<'_>, params: &Params, sub: &mut Value) -> ApiResult<()> {
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

/// What `sub`'s items bill a period, before discounts.
fn recurring_amount(sub: &Value) -> i64 {
    sub["items"]["data"].as_array().map_or(0, |items| {
        items
            .iter()
            .map(|i| {
                i["price"]["unit_amount"].as_i64().unwrap_or(0)
                    * i["quantity"].as_i64().unwrap_or(1)
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
    cx.params
        .allow(&["invoice_now", "prorate", "cancellation_details"])?;
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
    if let Some(details) = cx.params.hash("cancellation_details")? {
        for key in ["comment", "feedback"] {
            if let Some(v) = details.get(key) {
                sub["cancellation_details"][key] = v.clone();
            }
        }
    }
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
    match cx.params.str("status")?.unwrap_or("") {
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

async fn items_of(cx: &Cx<'_>, subscription: Option<&str>) -> ApiResult<Vec<Value>> {
    let filters: Vec<Filter> = match subscription {
        Some(id) => vec![("id = {}", id.to_owned())],
        None => Vec::new(),
    };
    Ok(cx
        .all("subscription", &filters)
        .await?
        .into_iter()
        .flat_map(|s| s["items"]["data"].as_array().cloned().unwrap_or_default())
        .collect())
}

/// `GET /v1/subscription_items?subscription=…`.
pub(crate) async fn list_subscription_items(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &["subscription"])?;
    let sub = cx.params.required("subscription")?.to_owned();
    SUBSCRIPTION.named(cx, &sub, "subscription").await?;
    let items = items_of(cx, Some(&sub)).await?;
    Ok(crate::cx::list_value(
        items,
        false,
        "/v1/subscription_items",
    ))
}

/// What `/v1/subscription_items` writes accept: the item's fields (as an `items[n]` entry of a
/// subscription update) and how the change is made.
#[rustfmt::skip]
const ITEM_FIELDS: &[&str] = &[
    "subscription", "price", "price_data", "plan", "quantity", "tax_rates", "metadata",
    "proration_behavior", "proration_date", "payment_behavior", "off_session",
];

/// How the change is made, not the item's own fields.
const ITEM_CHANGE_FIELDS: &[&str] = &[
    "subscription",
    "proration_behavior",
    "proration_date",
    "payment_behavior",
    "off_session",
    "expand",
    "clear_usage",
];

/// Changes subscription `sub_id`'s items by one `items[n]` entry, `spec`: prorated, saved with
/// `customer.subscription.updated`, as a subscription update with that entry would be. The
/// subscription after.
async fn change_one_item(cx: &mut Cx<'_>, sub_id: &str, spec: Value) -> ApiResult {
    let params = cx.params.clone();
    let mut sub = SUBSCRIPTION.lock_named(cx, sub_id, "subscription").await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata.",
        ));
    }
    let before = sub.clone();
    let customer = cx.customer_of(&sub).await?;
    let now = customer_now(cx, &customer).await?;
    let change = Change::of(&params, &sub, now)?;
    change_items(cx, &mut sub, &[spec], now).await?;
    bill_change(cx, (&mut sub, &customer), &change).await?;
    cx.save_if_changed("customer.subscription.updated", &before, sub)
        .await
}

/// The request's item fields as an `items[n]` entry (with `id` when it names one).
fn item_spec(params: &Params, id: Option<&str>) -> Value {
    let mut spec = params.0.clone();
    spec.retain(|key, _| !ITEM_CHANGE_FIELDS.contains(&key.as_str()));
    if let Some(id) = id {
        spec.insert("id".to_owned(), json!(id));
    }
    Value::Object(spec)
}

/// The subscription that has item `id`, or `resource_missing`.
async fn subscription_of_item(cx: &Cx<'_>, id: &str) -> ApiResult<String> {
    items_of(cx, None)
        .await?
        .into_iter()
        .find(|i| i["id"] == id)
        .and_then(|i| i["subscription"].as_str().map(str::to_owned))
        .ok_or_else(|| ApiError::missing_resource("subscription_item", id, "id"))
}

/// The item `id` of `sub`.
fn item_of(sub: &Value, id: &str) -> ApiResult {
    sub["items"]["data"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .cloned()
        .ok_or_else(|| ApiError::missing_resource("subscription_item", id, "id"))
}

/// `POST /v1/subscription_items`: adds an item to `subscription` (prorated).
pub(crate) async fn create_subscription_item(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(ITEM_FIELDS)?;
    let sub_id = cx.params.required("subscription")?.to_owned();
    let spec = item_spec(&cx.params, None);
    let sub = change_one_item(cx, &sub_id, spec).await?;
    let items = sub["items"]["data"].as_array().cloned().unwrap_or_default();
    items
        .last()
        .cloned()
        .ok_or_else(|| ApiError::internal("a subscription without items"))
}

/// `POST /v1/subscription_items/{id}`: its price, quantity, tax rates, metadata (prorated).
pub(crate) async fn update_subscription_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(ITEM_FIELDS)?;
    if cx.params.has("subscription") {
        return Err(ApiError::unknown("subscription"));
    }
    let sub_id = subscription_of_item(cx, id).await?;
    let spec = item_spec(&cx.params, Some(id));
    let sub = change_one_item(cx, &sub_id, spec).await?;
    item_of(&sub, id)
}

/// `DELETE /v1/subscription_items/{id}`: removes it (its unused time credited unless
/// `proration_behavior=none`); a subscription keeps at least one item.
pub(crate) async fn delete_subscription_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "proration_behavior",
        "proration_date",
        "clear_usage",
        "payment_behavior",
    ])?;
    let sub_id = subscription_of_item(cx, id).await?;
    change_one_item(cx, &sub_id, json!({"id": id, "deleted": "true"})).await?;
    Ok(json!({"id": id, "object": "subscription_item", "deleted": true}))
}

/// `GET /v1/subscription_items/{id}`.
pub(crate) async fn retrieve_subscription_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    items_of(cx, None)
        .await?
        .into_iter()
        .find(|i| i["id"] == id)
        .ok_or_else(|| ApiError::missing_resource("subscription_item", id, "id"))
}
