//! Billing: subscriptions (which generate invoices), invoices and invoice items, and test
//! clocks whose advance renews subscriptions — invoicing and charging them — without waiting.

use serde_json::{Map, Value, json};

use crate::clock::add_intervals;
use crate::customers::previous;
use crate::cx::{Cx, Filter};
use crate::error::{ApiError, ApiResult};
use crate::params::{Params, apply_metadata, bool_at, int_at, string_at};
use crate::{catalog, payments, search};

/// "now" for `customer`: its test clock's frozen time, or the wall clock.
async fn customer_now(cx: &Cx<'_>, customer: &Value) -> ApiResult<i64> {
    if let Some(clock) = customer["test_clock"].as_str()
        && let Some(clock) = cx.get("test_helpers.test_clock", clock, false).await?
    {
        return Ok(clock["frozen_time"].as_i64().unwrap_or(cx.now));
    }
    Ok(cx.now)
}

fn money(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "usd" => "$",
        "eur" => "€",
        "gbp" => "£",
        _ => "",
    };
    format!("{symbol}{}.{:02}", amount / 100, amount % 100)
}

// ---------------------------------------------------------------------------------------
// Subscriptions

const SUB_FIELDS: &[&str] = &[
    "customer",
    "items",
    "default_payment_method",
    "payment_behavior",
    "trial_period_days",
    "trial_end",
    "metadata",
    "cancel_at_period_end",
    "cancel_at",
    "collection_method",
    "days_until_due",
    "description",
    "payment_settings",
    "proration_behavior",
    "billing_cycle_anchor",
    "off_session",
    "currency",
    "automatic_tax",
    "trial_from_plan",
    "default_tax_rates",
    "coupon",
    "promotion_code",
    "discounts",
    "expand",
    "add_invoice_items",
    "backdate_start_date",
    "trial_settings",
    "default_source",
    "application_fee_percent",
    "transfer_data",
    "on_behalf_of",
    "pending_invoice_item_interval",
    "billing_thresholds",
    "cancellation_details",
    "pause_collection",
    "quantity",
    "plan",
];

/// Builds a subscription item for `price` (an `items[n]` entry).
async fn new_item(
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
            cx.fetch("price", "price", id, &format!("{param}[price]"), false)
                .await?
        }
        (None, Some(Value::Object(data)), _) => {
            let product = string_at(
                data.get("product"),
                &format!("{param}[price_data][product]"),
            )?
            .ok_or_else(|| ApiError::missing(&format!("{param}[price_data][product]")))?
            .to_owned();
            cx.fetch(
                "product",
                "product",
                &product,
                &format!("{param}[price_data][product]"),
                false,
            )
            .await?;
            catalog::new_price(cx, data, &product, &format!("{param}[price_data]")).await?
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
    let quantity = int_at(spec.get("quantity"), &format!("{param}[quantity]"))?.unwrap_or(1);
    if quantity < 0 {
        return Err(ApiError::invalid_param(
            &format!("{param}[quantity]"),
            "This value must be greater than or equal to 0.",
        ));
    }
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
        "tax_rates": [],
    });
    if let Some(meta) = spec.get("metadata") {
        let mut p = Params::default();
        p.0.insert("metadata".into(), meta.clone());
        apply_metadata(&mut item, &p)?;
    }
    Ok(item)
}

/// The legacy `plan` view of a recurring price.
fn plan_of(price: &Value) -> Value {
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
        "tiers_mode": null,
        "transform_usage": null,
        "trial_period_days": null,
        "usage_type": price["recurring"]["usage_type"],
    })
}

/// (interval, count) of a subscription: its first item's price.
fn interval_of(sub: &Value) -> (String, i64) {
    let recurring = &sub["items"]["data"][0]["price"]["recurring"];
    (
        recurring["interval"].as_str().unwrap_or("month").to_owned(),
        recurring["interval_count"].as_i64().unwrap_or(1),
    )
}

/// Sets the current period on the subscription and its items.
fn set_period(sub: &mut Value, start: i64, end: i64) {
    sub["current_period_start"] = json!(start);
    sub["current_period_end"] = json!(end);
    if let Some(items) = sub["items"]["data"].as_array_mut() {
        for item in items {
            item["current_period_start"] = json!(start);
            item["current_period_end"] = json!(end);
        }
    }
}

fn subscription_active(status: &str) -> bool {
    matches!(
        status,
        "active" | "trialing" | "past_due" | "unpaid" | "incomplete"
    )
}

/// `POST /v1/subscriptions`.
pub(crate) async fn create_subscription(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(SUB_FIELDS)?;
    let params = cx.params.clone();
    let customer_id = params.required("customer")?.to_owned();
    let customer = cx
        .fetch("customer", "customer", &customer_id, "customer", true)
        .await?;
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
    let currency = built[0]["price"]["currency"]
        .as_str()
        .unwrap_or("usd")
        .to_owned();
    let interval = built[0]["price"]["recurring"].clone();
    for item in &built[1..] {
        if item["price"]["currency"] != currency.as_str() {
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
            let method = crate::methods::resolve(cx, pm, "default_payment_method").await?;
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
    if let Some(cancel) = params.bool("cancel_at_period_end")? {
        sub["cancel_at_period_end"] = json!(cancel);
    }
    if let Some(settings) = params.hash("payment_settings")?
        && let Some(save) = settings.get("save_default_payment_method")
    {
        sub["payment_settings"]["save_default_payment_method"] = save.clone();
    }
    apply_metadata(&mut sub, &params)?;
    cx.insert(seq, &sub).await?;
    cx.emit("customer.subscription.created", &sub, None).await?;

    // The first invoice: the trial's (zero) or the first period's.
    let reason = "subscription_create";
    let mut invoice = subscription_invoice(
        cx,
        &sub,
        &customer,
        now,
        period_end,
        reason,
        trial_end.is_some(),
    )
    .await?;
    sub["latest_invoice"] = invoice["id"].clone();
    finalize(cx, &mut invoice, now).await?;
    let before = sub.clone();
    let outcome = if trial_end.is_some() {
        pay(cx, &mut invoice, None, now, false).await?
    } else if collection == "charge_automatically" && behavior != "default_incomplete" {
        let method = default_method(cx, &sub, &customer).await?;
        if method.is_none() && behavior == "error_if_incomplete" {
            return Err(ApiError::invalid(
                "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
            ));
        }
        match method {
            Some(_) => pay(cx, &mut invoice, method.as_deref(), now, false).await?,
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
    cx.save(&sub).await?;
    if sub != before {
        cx.emit(
            "customer.subscription.updated",
            &sub,
            Some(previous(&before, &sub)),
        )
        .await?;
    }
    Ok(sub)
}

/// The payment method a subscription charges: its own default, else the customer's.
async fn default_method(cx: &Cx<'_>, sub: &Value, customer: &Value) -> ApiResult<Option<String>> {
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

/// `GET /v1/subscriptions/{id}`.
pub(crate) async fn retrieve_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("subscription", "subscription", id, "id", false)
        .await
}

/// `POST /v1/subscriptions/{id}`: items, metadata, cancel_at_period_end,
/// default_payment_method, trial_end=now, …
pub(crate) async fn update_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(SUB_FIELDS)?;
    let params = cx.params.clone();
    let mut sub = cx
        .fetch("subscription", "subscription", id, "id", true)
        .await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata."
                .to_owned(),
        ));
    }
    let before = sub.clone();
    let customer = cx
        .fetch(
            "customer",
            "customer",
            sub["customer"].as_str().unwrap_or_default(),
            "customer",
            false,
        )
        .await?;
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
            let method = crate::methods::resolve(cx, pm, "default_payment_method").await?;
            method["id"].clone()
        };
    }
    if let Some(items) = params.array("items")?.cloned() {
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
                    if let Some(meta) = spec.get("metadata") {
                        let mut p = Params::default();
                        p.0.insert("metadata".into(), meta.clone());
                        apply_metadata(&mut current[position], &p)?;
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
        let (start, end) = (
            sub["current_period_start"].as_i64().unwrap_or(now),
            sub["current_period_end"].as_i64().unwrap_or(now),
        );
        set_period(&mut sub, start, end);
    }
    if params.str("trial_end")? == Some("now") && sub["status"] == "trialing" {
        sub["trial_end"] = json!(now);
        sub["billing_cycle_anchor"] = json!(now);
        sub["_cycle"] = json!(0);
        let (interval, count) = interval_of(&sub);
        let end = add_intervals(now, &interval, count, 1);
        set_period(&mut sub, now, end);
        let mut invoice =
            subscription_invoice(cx, &sub, &customer, now, end, "subscription_update", false)
                .await?;
        sub["latest_invoice"] = invoice["id"].clone();
        finalize(cx, &mut invoice, now).await?;
        let method = default_method(cx, &sub, &customer).await?;
        let failed = match method {
            Some(m) => pay(cx, &mut invoice, Some(&m), now, false).await?.is_some(),
            None => true,
        };
        sub["status"] = json!(if failed { "past_due" } else { "active" });
    }
    apply_metadata(&mut sub, &params)?;
    if sub != before {
        cx.save(&sub).await?;
        cx.emit(
            "customer.subscription.updated",
            &sub,
            Some(previous(&before, &sub)),
        )
        .await?;
    }
    Ok(sub)
}

/// `DELETE /v1/subscriptions/{id}` (and `POST …/cancel`): cancels at once.
pub(crate) async fn cancel_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params
        .allow(&["invoice_now", "prorate", "cancellation_details"])?;
    let mut sub = cx
        .fetch("subscription", "subscription", id, "id", true)
        .await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::missing_resource("subscription", id, "id").code("resource_missing"));
    }
    let customer = cx
        .fetch(
            "customer",
            "customer",
            sub["customer"].as_str().unwrap_or_default(),
            "customer",
            false,
        )
        .await?;
    let now = customer_now(cx, &customer).await?;
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
    cx.save(&sub).await?;
    cx.emit(
        "customer.subscription.deleted",
        &sub,
        Some(previous(&before, &sub)),
    )
    .await?;
    Ok(sub)
}

/// `GET /v1/subscriptions` (`customer`, `price`, `status` — default: all but canceled).
pub(crate) async fn list_subscriptions(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "customer",
        "price",
        "status",
        "created",
        "collection_method",
        "test_clock",
        "current_period_end",
        "current_period_start",
        "automatic_tax",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(customer) = cx.params.str("customer")?.filter(|s| !s.is_empty()) {
        filters.push(("customer = {}", customer.to_owned()));
    }
    if let Some(price) = cx.params.str("price")?.filter(|s| !s.is_empty()) {
        filters.push((
            "data::text LIKE '%\"price\":{\"id\":\"' || {} || '\"%'",
            price.to_owned(),
        ));
    }
    if let Some(method) = cx
        .params
        .str("collection_method")?
        .filter(|s| !s.is_empty())
    {
        filters.push(("data->>'collection_method' = {}", method.to_owned()));
    }
    if let Some(clock) = cx.params.str("test_clock")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'test_clock' = {}", clock.to_owned()));
    }
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
    cx.created_filters(&mut filters)?;
    cx.list("subscription", "subscription", &filters).await
}

/// `GET /v1/subscriptions/search`.
pub(crate) async fn search_subscriptions(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "subscription",
        "subscriptions",
        &[
            "created",
            "status",
            "customer",
            "current_period_end",
            "current_period_start",
            "canceled_at",
        ],
    )
    .await
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
    cx.params
        .allow(&["limit", "starting_after", "ending_before", "subscription"])?;
    let sub = cx.params.required("subscription")?.to_owned();
    cx.fetch("subscription", "subscription", &sub, "subscription", false)
        .await?;
    let items = items_of(cx, Some(&sub)).await?;
    Ok(crate::cx::list_value(
        items,
        false,
        "/v1/subscription_items",
    ))
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

// ---------------------------------------------------------------------------------------
// Invoices

/// A new draft invoice (stored) for `customer`.
async fn new_invoice(
    cx: &mut Cx<'_>,
    customer: &Value,
    created: i64,
    currency: &str,
    reason: &str,
    subscription: Option<&Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("in_").await?;
    let collection = subscription
        .and_then(|s| s["collection_method"].as_str())
        .unwrap_or("charge_automatically");
    let invoice = json!({
        "id": id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "asym",
        "amount_due": 0,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": null,
        "attempt_count": 0,
        "attempted": false,
        "auto_advance": true,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null, "status": null},
        "billing_reason": reason,
        "charge": null,
        "collection_method": collection,
        "created": created,
        "currency": currency,
        "customer": customer["id"],
        "customer_address": customer["address"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": customer["shipping"],
        "customer_tax_exempt": customer["tax_exempt"],
        "default_payment_method": null,
        "default_source": null,
        "default_tax_rates": [],
        "description": null,
        "discount": null,
        "discounts": [],
        "due_date": null,
        "effective_at": null,
        "ending_balance": null,
        "footer": null,
        "hosted_invoice_url": null,
        "invoice_pdf": null,
        "issuer": {"type": "self"},
        "last_finalization_error": null,
        "lines": {"object": "list", "data": [], "has_more": false, "total_count": 0,
                  "url": format!("/v1/invoices/{id}/lines")},
        "livemode": false,
        "metadata": {},
        "next_payment_attempt": null,
        "number": null,
        "paid": false,
        "paid_out_of_band": false,
        "payment_intent": null,
        "payment_settings": {"default_mandate": null, "payment_method_options": null,
                             "payment_method_types": null},
        "period_end": created,
        "period_start": created,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "starting_balance": 0,
        "status": "draft",
        "status_transitions": {"finalized_at": null, "marked_uncollectible_at": null,
                               "paid_at": null, "voided_at": null},
        "subscription": subscription.map(|s| s["id"].clone()),
        "subscription_details": {"metadata": subscription.map(|s| s["metadata"].clone())},
        "subtotal": 0,
        "subtotal_excluding_tax": 0,
        "tax": null,
        "test_clock": customer["test_clock"],
        "total": 0,
        "total_excluding_tax": 0,
        "total_tax_amounts": [],
        "webhooks_delivered_at": null,
        "days_until_due": subscription.map(|s| s["days_until_due"].clone()),
    });
    cx.insert(seq, &invoice).await?;
    Ok(invoice)
}

/// Recomputes an invoice's totals from its lines.
fn total(invoice: &mut Value) {
    let sum: i64 = invoice["lines"]["data"]
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l["amount"].as_i64()).sum())
        .unwrap_or(0);
    let count = invoice["lines"]["data"].as_array().map_or(0, Vec::len);
    invoice["lines"]["total_count"] = json!(count);
    for key in [
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
        "amount_due",
    ] {
        invoice[key] = json!(sum);
    }
    let paid = invoice["amount_paid"].as_i64().unwrap_or(0);
    invoice["amount_remaining"] = json!(sum - paid);
}

/// The invoice for one period of `sub` (stored, draft, with a line per item).
async fn subscription_invoice(
    cx: &mut Cx<'_>,
    sub: &Value,
    customer: &Value,
    start: i64,
    end: i64,
    reason: &str,
    trial: bool,
) -> ApiResult<Value> {
    let currency = sub["currency"].as_str().unwrap_or("usd").to_owned();
    let mut invoice = new_invoice(cx, customer, start, &currency, reason, Some(sub)).await?;
    let invoice_id = invoice["id"].as_str().unwrap_or_default().to_owned();
    let mut lines = Vec::new();
    for item in sub["items"]["data"].as_array().cloned().unwrap_or_default() {
        let quantity = item["quantity"].as_i64().unwrap_or(1);
        let unit = item["price"]["unit_amount"].as_i64().unwrap_or(0);
        let amount = if trial { 0 } else { unit * quantity };
        let product_name = match cx
            .get(
                "product",
                item["price"]["product"].as_str().unwrap_or_default(),
                false,
            )
            .await?
        {
            Some(p) => p["name"].as_str().unwrap_or_default().to_owned(),
            None => String::new(),
        };
        let description = if trial {
            format!("Trial period for {product_name}")
        } else {
            format!(
                "{quantity} × {product_name} (at {} / {})",
                money(unit, &currency),
                item["price"]["recurring"]["interval"]
                    .as_str()
                    .unwrap_or("month")
            )
        };
        let (line_id, _) = cx.new_id("il_").await?;
        lines.push(json!({
            "id": line_id,
            "object": "line_item",
            "amount": amount,
            "amount_excluding_tax": amount,
            "currency": currency,
            "description": description,
            "discount_amounts": [],
            "discountable": true,
            "discounts": [],
            "invoice": invoice_id,
            "invoice_item": null,
            "livemode": false,
            "metadata": item["metadata"],
            "period": {"end": end, "start": start},
            "plan": item["plan"],
            "price": item["price"],
            "proration": false,
            "proration_details": {"credited_items": null},
            "quantity": quantity,
            "subscription": sub["id"],
            "subscription_item": item["id"],
            "subtotal": amount,
            "tax_amounts": [],
            "tax_rates": [],
            "type": "subscription",
            "unit_amount_excluding_tax": unit.to_string(),
        }));
    }
    invoice["lines"]["data"] = Value::Array(lines);
    invoice["period_start"] = json!(start);
    invoice["period_end"] = json!(start);
    total(&mut invoice);
    cx.save(&invoice).await?;
    cx.emit("invoice.created", &invoice, None).await?;
    Ok(invoice)
}

/// Finalizes a draft: `open`, a number, a payment intent for what is due.
async fn finalize(cx: &mut Cx<'_>, invoice: &mut Value, now: i64) -> ApiResult<()> {
    if invoice["status"] != "draft" {
        return Err(ApiError::state(
            "invoice_not_editable",
            "This invoice is already finalized, you can't re-finalize a non-draft invoice."
                .to_owned(),
        ));
    }
    let before = invoice.clone();
    let customer_id = invoice["customer"].as_str().unwrap_or_default().to_owned();
    let mut customer = cx
        .fetch("customer", "customer", &customer_id, "customer", true)
        .await?;
    let sequence = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let prefix = customer["invoice_prefix"]
        .as_str()
        .unwrap_or("ASYM")
        .to_owned();
    customer["next_invoice_sequence"] = json!(sequence + 1);
    cx.save(&customer).await?;
    let id = invoice["id"].as_str().unwrap_or_default().to_owned();
    let public = cx.state.kit.config().public_url.clone();
    invoice["number"] = json!(format!("{prefix}-{sequence:04}"));
    invoice["status"] = json!("open");
    invoice["status_transitions"]["finalized_at"] = json!(now);
    invoice["effective_at"] = json!(now);
    invoice["hosted_invoice_url"] = json!(format!("{public}/invoices/{id}"));
    invoice["invoice_pdf"] = json!(format!("{public}/invoices/{id}/pdf"));
    if invoice["collection_method"] == "send_invoice" {
        let days = invoice["days_until_due"].as_i64().unwrap_or(30);
        invoice["due_date"] = json!(now + days * 86_400);
    }
    let due = invoice["amount_due"].as_i64().unwrap_or(0);
    if due > 0 {
        let currency = invoice["currency"].as_str().unwrap_or("usd").to_owned();
        let (mut intent, seq) =
            payments::new_intent(cx, due, &currency, Some(&customer_id), now).await?;
        intent["invoice"] = json!(id);
        intent["description"] = json!(if invoice["subscription"].is_null() {
            "Invoice payment"
        } else {
            "Subscription creation"
        });
        cx.insert(seq, &intent).await?;
        cx.emit("payment_intent.created", &intent, None).await?;
        invoice["payment_intent"] = intent["id"].clone();
    }
    total(invoice);
    cx.save(invoice).await?;
    cx.emit(
        "invoice.finalized",
        invoice,
        Some(previous(&before, invoice)),
    )
    .await?;
    Ok(())
}

/// Pays an open invoice with `method` (or marks a zero one paid). `Ok(Some(402))` on a
/// decline (persisted: the attempt counts).
async fn pay(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    method: Option<&str>,
    now: i64,
    out_of_band: bool,
) -> ApiResult<Option<ApiError>> {
    let before = invoice.clone();
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    if due > 0 && !out_of_band {
        let method_id = method.ok_or_else(|| {
            ApiError::invalid("This customer has no attached payment source or default payment method. Please consider adding a default payment method.")
        })?;
        let pi_id = invoice["payment_intent"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut intent = cx
            .fetch(
                "payment_intent",
                "payment_intent",
                &pi_id,
                "payment_intent",
                true,
            )
            .await?;
        let pm = crate::methods::resolve(cx, method_id, "payment_method").await?;
        intent["payment_method"] = pm["id"].clone();
        invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
        invoice["attempted"] = json!(true);
        if let Some(err) = payments::attempt(cx, &mut intent, &pm).await? {
            invoice["charge"] = intent["latest_charge"].clone();
            invoice["next_payment_attempt"] = Value::Null;
            cx.save(invoice).await?;
            cx.emit(
                "invoice.payment_failed",
                invoice,
                Some(previous(&before, invoice)),
            )
            .await?;
            return Ok(Some(err));
        }
        invoice["charge"] = intent["latest_charge"].clone();
        invoice["default_payment_method"] = Value::Null;
    }
    mark_paid(cx, invoice, &before, now, out_of_band).await?;
    Ok(None)
}

async fn mark_paid(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    before: &Value,
    now: i64,
    out_of_band: bool,
) -> ApiResult<()> {
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    invoice["amount_paid"] = json!(invoice["amount_paid"].as_i64().unwrap_or(0) + due);
    invoice["amount_remaining"] = json!(0);
    invoice["paid"] = json!(true);
    invoice["paid_out_of_band"] = json!(out_of_band);
    invoice["status"] = json!("paid");
    invoice["attempted"] = json!(true);
    invoice["status_transitions"]["paid_at"] = json!(now);
    cx.save(invoice).await?;
    cx.emit("invoice.paid", invoice, Some(previous(before, invoice)))
        .await?;
    cx.emit(
        "invoice.payment_succeeded",
        invoice,
        Some(previous(before, invoice)),
    )
    .await?;
    Ok(())
}

/// Called when a payment intent made for an invoice succeeds outside [`pay`] (the client
/// confirmed it): the invoice is paid and its subscription becomes active.
pub(crate) async fn intent_succeeded(cx: &mut Cx<'_>, intent: &Value) -> ApiResult<()> {
    let Some(invoice_id) = intent["invoice"].as_str() else {
        return Ok(());
    };
    let Some(mut invoice) = cx.get("invoice", invoice_id, true).await? else {
        return Ok(());
    };
    if invoice["status"] != "open" {
        return Ok(());
    }
    let before = invoice.clone();
    invoice["charge"] = intent["latest_charge"].clone();
    invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
    mark_paid(cx, &mut invoice, &before, cx.now, false).await?;
    if let Some(sub_id) = invoice["subscription"].as_str()
        && let Some(mut sub) = cx.get("subscription", sub_id, true).await?
        && matches!(
            sub["status"].as_str(),
            Some("incomplete" | "past_due" | "unpaid")
        )
    {
        let old = sub.clone();
        sub["status"] = json!("active");
        if sub["payment_settings"]["save_default_payment_method"] == "on_subscription" {
            sub["default_payment_method"] = intent["payment_method"].clone();
        }
        cx.save(&sub).await?;
        cx.emit(
            "customer.subscription.updated",
            &sub,
            Some(previous(&old, &sub)),
        )
        .await?;
    }
    Ok(())
}

const INVOICE_FIELDS: &[&str] = &[
    "customer",
    "auto_advance",
    "collection_method",
    "days_until_due",
    "description",
    "metadata",
    "subscription",
    "pending_invoice_items_behavior",
    "default_payment_method",
    "footer",
    "currency",
    "due_date",
    "automatic_tax",
    "custom_fields",
    "statement_descriptor",
];

/// `POST /v1/invoices`: a draft for `customer`, with its pending invoice items when
/// `pending_invoice_items_behavior=include`.
pub(crate) async fn create_invoice(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(INVOICE_FIELDS)?;
    let params = cx.params.clone();
    let customer_id = params.required("customer")?.to_owned();
    let customer = cx
        .fetch("customer", "customer", &customer_id, "customer", false)
        .await?;
    let now = customer_now(cx, &customer).await?;
    let currency = params.str("currency")?.unwrap_or("usd").to_lowercase();
    let mut invoice = new_invoice(cx, &customer, now, &currency, "manual", None).await?;
    apply_invoice(&mut invoice, &params)?;
    if params.str("pending_invoice_items_behavior")? == Some("include") {
        let id = invoice["id"].as_str().unwrap_or_default().to_owned();
        for mut item in cx
            .all(
                "invoiceitem",
                &[
                    ("customer = {}", customer_id.clone()),
                    ("data->>'invoice' IS NULL AND {} = {}", String::new()),
                ],
            )
            .await?
        {
            item["invoice"] = json!(id);
            cx.save(&item).await?;
            push_item_line(&mut invoice, &item);
        }
    }
    total(&mut invoice);
    cx.save(&invoice).await?;
    cx.emit("invoice.created", &invoice, None).await?;
    Ok(invoice)
}

fn apply_invoice(invoice: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(v) = params.bool("auto_advance")? {
        invoice["auto_advance"] = json!(v);
    }
    if let Some(method) = params.str("collection_method")? {
        if !["charge_automatically", "send_invoice"].contains(&method) {
            return Err(ApiError::invalid_param(
                "collection_method",
                format!("Invalid collection_method: {method}"),
            ));
        }
        invoice["collection_method"] = json!(method);
    }
    if let Some(days) = params.int("days_until_due")? {
        invoice["days_until_due"] = json!(days);
    }
    for key in [
        "description",
        "footer",
        "default_payment_method",
        "statement_descriptor",
    ] {
        if let Some(value) = params.nullable(key)? {
            invoice[key] = value;
        }
    }
    apply_metadata(invoice, params)
}

fn push_item_line(invoice: &mut Value, item: &Value) {
    let line = json!({
        "id": format!("il_{}", item["id"].as_str().unwrap_or_default().trim_start_matches("ii_")),
        "object": "line_item",
        "amount": item["amount"],
        "amount_excluding_tax": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        "discountable": true,
        "discounts": [],
        "invoice": invoice["id"],
        "invoice_item": item["id"],
        "livemode": false,
        "metadata": item["metadata"],
        "period": item["period"],
        "price": item["price"],
        "proration": false,
        "quantity": item["quantity"],
        "subscription": null,
        "subtotal": item["amount"],
        "tax_amounts": [],
        "tax_rates": [],
        "type": "invoiceitem",
    });
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
}

/// `GET /v1/invoices/{id}`.
pub(crate) async fn retrieve_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("invoice", "invoice", id, "invoice", false).await
}

/// `POST /v1/invoices/{id}`.
pub(crate) async fn update_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(INVOICE_FIELDS)?;
    let params = cx.params.clone();
    let mut invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    let only_metadata = params.0.keys().all(|k| k == "metadata" || k == "expand");
    if invoice["status"] != "draft" && !only_metadata {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only update the metadata of a finalized invoice.",
        ));
    }
    let before = invoice.clone();
    apply_invoice(&mut invoice, &params)?;
    cx.save(&invoice).await?;
    cx.emit(
        "invoice.updated",
        &invoice,
        Some(previous(&before, &invoice)),
    )
    .await?;
    Ok(invoice)
}

/// `DELETE /v1/invoices/{id}`: drafts only.
pub(crate) async fn delete_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    if invoice["status"] != "draft" {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only delete draft invoices.",
        ));
    }
    cx.delete(id).await?;
    cx.emit("invoice.deleted", &invoice, None).await?;
    Ok(json!({"id": id, "object": "invoice", "deleted": true}))
}

/// `GET /v1/invoices/{id}/lines`.
pub(crate) async fn invoice_lines(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params
        .allow(&["limit", "starting_after", "ending_before"])?;
    let invoice = cx.fetch("invoice", "invoice", id, "invoice", false).await?;
    let lines = invoice["lines"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let limit = usize::try_from(cx.limit()?).unwrap_or(10);
    let start = match cx.params.str("starting_after")?.filter(|s| !s.is_empty()) {
        Some(after) => lines
            .iter()
            .position(|l| l["id"] == after)
            .map_or(lines.len(), |p| p + 1),
        None => 0,
    };
    let page: Vec<Value> = lines.iter().skip(start).take(limit).cloned().collect();
    let has_more = start + page.len() < lines.len();
    Ok(crate::cx::list_value(
        page,
        has_more,
        &format!("/v1/invoices/{id}/lines"),
    ))
}

/// `POST /v1/invoices/{id}/finalize`.
pub(crate) async fn finalize_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["auto_advance"])?;
    let mut invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    let customer = cx
        .fetch(
            "customer",
            "customer",
            invoice["customer"].as_str().unwrap_or_default(),
            "customer",
            false,
        )
        .await?;
    let now = customer_now(cx, &customer).await?;
    finalize(cx, &mut invoice, now).await?;
    if invoice["amount_due"] == 0 {
        let before = invoice.clone();
        mark_paid(cx, &mut invoice, &before, now, false).await?;
    }
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/pay` (`payment_method`, `paid_out_of_band`).
pub(crate) async fn pay_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "payment_method",
        "paid_out_of_band",
        "off_session",
        "forgive",
        "source",
        "mandate",
    ])?;
    let params = cx.params.clone();
    let mut invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    let customer = cx
        .fetch(
            "customer",
            "customer",
            invoice["customer"].as_str().unwrap_or_default(),
            "customer",
            false,
        )
        .await?;
    let now = customer_now(cx, &customer).await?;
    if invoice["status"] == "draft" {
        finalize(cx, &mut invoice, now).await?;
    }
    match invoice["status"].as_str() {
        Some("open") => {}
        Some("paid") => {
            return Err(ApiError::state(
                "invoice_already_paid",
                "Invoice is already paid",
            ));
        }
        Some(status) => {
            return Err(ApiError::state(
                "invoice_not_editable",
                format!("You cannot pay an invoice with status {status}."),
            ));
        }
        None => {}
    }
    let out_of_band = params.bool("paid_out_of_band")?.unwrap_or(false);
    let method = match params.str("payment_method")?.filter(|s| !s.is_empty()) {
        Some(pm) => Some(pm.to_owned()),
        None => match invoice["default_payment_method"].as_str() {
            Some(pm) => Some(pm.to_owned()),
            None => match invoice["subscription"].as_str() {
                Some(sub_id) => match cx.get("subscription", sub_id, false).await? {
                    Some(sub) => default_method(cx, &sub, &customer).await?,
                    None => None,
                },
                None => default_method(cx, &json!({}), &customer).await?,
            },
        },
    };
    if let Some(err) = pay(cx, &mut invoice, method.as_deref(), now, out_of_band).await? {
        return Err(err);
    }
    if let Some(sub_id) = invoice["subscription"].as_str()
        && let Some(mut sub) = cx.get("subscription", sub_id, true).await?
        && matches!(
            sub["status"].as_str(),
            Some("incomplete" | "past_due" | "unpaid")
        )
    {
        let old = sub.clone();
        sub["status"] = json!("active");
        cx.save(&sub).await?;
        cx.emit(
            "customer.subscription.updated",
            &sub,
            Some(previous(&old, &sub)),
        )
        .await?;
    }
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/void`.
pub(crate) async fn void_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    if !matches!(invoice["status"].as_str(), Some("open" | "uncollectible")) {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only void open or uncollectible invoices.",
        ));
    }
    let before = invoice.clone();
    invoice["status"] = json!("void");
    invoice["status_transitions"]["voided_at"] = json!(cx.now);
    if let Some(pi) = invoice["payment_intent"].as_str()
        && let Some(mut intent) = cx.get("payment_intent", pi, true).await?
        && intent["status"] != "succeeded"
    {
        intent["status"] = json!("canceled");
        intent["canceled_at"] = json!(cx.now);
        cx.save(&intent).await?;
    }
    cx.save(&invoice).await?;
    cx.emit(
        "invoice.voided",
        &invoice,
        Some(previous(&before, &invoice)),
    )
    .await?;
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/mark_uncollectible`.
pub(crate) async fn mark_uncollectible(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut invoice = cx.fetch("invoice", "invoice", id, "invoice", true).await?;
    if invoice["status"] != "open" {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only mark open invoices as uncollectible.",
        ));
    }
    let before = invoice.clone();
    invoice["status"] = json!("uncollectible");
    invoice["status_transitions"]["marked_uncollectible_at"] = json!(cx.now);
    cx.save(&invoice).await?;
    cx.emit(
        "invoice.marked_uncollectible",
        &invoice,
        Some(previous(&before, &invoice)),
    )
    .await?;
    Ok(invoice)
}

/// `GET /v1/invoices` (`customer`, `subscription`, `status`, `collection_method`).
pub(crate) async fn list_invoices(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "customer",
        "subscription",
        "status",
        "collection_method",
        "created",
        "due_date",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(customer) = cx.params.str("customer")?.filter(|s| !s.is_empty()) {
        filters.push(("customer = {}", customer.to_owned()));
    }
    for (param, sql) in [
        ("subscription", "data->>'subscription' = {}"),
        ("status", "data->>'status' = {}"),
        ("collection_method", "data->>'collection_method' = {}"),
    ] {
        if let Some(value) = cx.params.str(param)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    cx.created_filters(&mut filters)?;
    cx.list("invoice", "invoice", &filters).await
}

/// `GET /v1/invoices/search`.
pub(crate) async fn search_invoices(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "invoice",
        "invoices",
        &[
            "created",
            "currency",
            "customer",
            "number",
            "status",
            "subscription",
            "total",
        ],
    )
    .await
}

/// `POST /v1/invoiceitems` (`customer`, `amount` + `currency` or `price`, `quantity`, `invoice`).
pub(crate) async fn create_invoice_item(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "customer",
        "amount",
        "currency",
        "price",
        "price_data",
        "quantity",
        "description",
        "invoice",
        "metadata",
        "period",
        "subscription",
        "unit_amount",
        "unit_amount_decimal",
        "discountable",
        "tax_behavior",
    ])?;
    let params = cx.params.clone();
    let customer_id = params.required("customer")?.to_owned();
    let customer = cx
        .fetch("customer", "customer", &customer_id, "customer", false)
        .await?;
    let now = customer_now(cx, &customer).await?;
    let quantity = params.int("quantity")?.unwrap_or(1);
    let (price, unit, currency) = match params.str("price")?.filter(|s| !s.is_empty()) {
        Some(price_id) => {
            let price = cx.fetch("price", "price", price_id, "price", false).await?;
            let unit = price["unit_amount"].as_i64().unwrap_or(0);
            let currency = price["currency"].as_str().unwrap_or("usd").to_owned();
            (price, unit, currency)
        }
        None => {
            let currency = payments::currency(&params)?;
            let unit = match (params.int("amount")?, params.int("unit_amount")?) {
                (Some(amount), _) => amount / quantity.max(1),
                (None, Some(unit)) => unit,
                (None, None) => return Err(ApiError::missing("amount")),
            };
            (Value::Null, unit, currency)
        }
    };
    let (id, seq) = cx.new_id("ii_").await?;
    let mut item = json!({
        "id": id,
        "object": "invoiceitem",
        "amount": unit * quantity,
        "currency": currency,
        "customer": customer_id,
        "date": now,
        "description": params.str("description")?.filter(|s| !s.is_empty()),
        "discountable": true,
        "discounts": [],
        "invoice": null,
        "livemode": false,
        "metadata": {},
        "period": {"end": now, "start": now},
        "price": price,
        "proration": false,
        "quantity": quantity,
        "subscription": null,
        "tax_rates": [],
        "test_clock": customer["test_clock"],
        "unit_amount": unit,
        "unit_amount_decimal": unit.to_string(),
        "created": now,
    });
    apply_metadata(&mut item, &params)?;
    if let Some(invoice_id) = params.str("invoice")?.filter(|s| !s.is_empty()) {
        let mut invoice = cx
            .fetch("invoice", "invoice", invoice_id, "invoice", true)
            .await?;
        if invoice["status"] != "draft" {
            return Err(ApiError::state(
                "invoice_not_editable",
                "You can only add invoice items to draft invoices.",
            ));
        }
        item["invoice"] = json!(invoice_id);
        push_item_line(&mut invoice, &item);
        total(&mut invoice);
        cx.save(&invoice).await?;
    }
    cx.insert(seq, &item).await?;
    cx.emit("invoiceitem.created", &item, None).await?;
    Ok(item)
}

/// `GET /v1/invoiceitems` (`customer`, `invoice`, `pending`).
pub(crate) async fn list_invoice_items(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "customer",
        "invoice",
        "pending",
        "created",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(customer) = cx.params.str("customer")?.filter(|s| !s.is_empty()) {
        filters.push(("customer = {}", customer.to_owned()));
    }
    if let Some(invoice) = cx.params.str("invoice")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'invoice' = {}", invoice.to_owned()));
    }
    if cx.params.bool("pending")? == Some(true) {
        filters.push(("data->>'invoice' IS NULL AND {} = ''", String::new()));
    }
    cx.created_filters(&mut filters)?;
    cx.list("invoiceitem", "invoiceitem", &filters).await
}

/// `GET /v1/invoiceitems/{id}`.
pub(crate) async fn retrieve_invoice_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("invoiceitem", "invoiceitem", id, "id", false)
        .await
}

// ---------------------------------------------------------------------------------------
// Test clocks

/// `POST /v1/test_helpers/test_clocks` (`frozen_time`, `name`).
pub(crate) async fn create_clock(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&["frozen_time", "name"])?;
    let frozen = cx
        .params
        .int("frozen_time")?
        .ok_or_else(|| ApiError::missing("frozen_time"))?;
    let name = cx
        .params
        .str("name")?
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let (id, seq) = cx.new_id("clock_").await?;
    let clock = json!({
        "id": id,
        "object": "test_helpers.test_clock",
        "created": cx.now,
        "deletes_after": cx.now + 30 * 86_400,
        "frozen_time": frozen,
        "livemode": false,
        "name": name,
        "status": "ready",
        "status_details": {},
    });
    cx.insert(seq, &clock).await?;
    cx.emit("test_helpers.test_clock.created", &clock, None)
        .await?;
    Ok(clock)
}

/// `GET /v1/test_helpers/test_clocks/{id}`.
pub(crate) async fn retrieve_clock(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch(
        "test_helpers.test_clock",
        "test_helpers.test_clock",
        id,
        "test_clock",
        false,
    )
    .await
}

/// `GET /v1/test_helpers/test_clocks`.
pub(crate) async fn list_clocks(cx: &mut Cx<'_>) -> ApiResult {
    cx.params
        .allow(&["limit", "starting_after", "ending_before"])?;
    cx.list("test_helpers.test_clock", "test_helpers.test_clock", &[])
        .await
}

/// `DELETE /v1/test_helpers/test_clocks/{id}`: deletes the clock's customers too.
pub(crate) async fn delete_clock(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let clock = cx
        .fetch(
            "test_helpers.test_clock",
            "test_helpers.test_clock",
            id,
            "test_clock",
            true,
        )
        .await?;
    for customer in cx
        .all("customer", &[("data->>'test_clock' = {}", id.to_owned())])
        .await?
    {
        let cid = customer["id"].as_str().unwrap_or_default().to_owned();
        cx.delete(&cid).await?;
    }
    cx.delete(id).await?;
    cx.emit("test_helpers.test_clock.deleted", &clock, None)
        .await?;
    Ok(json!({"id": id, "object": "test_helpers.test_clock", "deleted": true}))
}

/// `POST /v1/test_helpers/test_clocks/{id}/advance` (`frozen_time`): moves the clock and
/// runs everything due in between — renewals (invoice, finalize, charge), cancellations at
/// period end, trial ends. Processing is synchronous, so the clock answers `ready`.
pub(crate) async fn advance_clock(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["frozen_time"])?;
    let target = cx
        .params
        .int("frozen_time")?
        .ok_or_else(|| ApiError::missing("frozen_time"))?;
    let mut clock = cx
        .fetch(
            "test_helpers.test_clock",
            "test_helpers.test_clock",
            id,
            "test_clock",
            true,
        )
        .await?;
    let current = clock["frozen_time"].as_i64().unwrap_or(0);
    if target <= current {
        return Err(ApiError::invalid_param(
            "frozen_time",
            format!(
                "The frozen time ({target}) must be after the current frozen time ({current})."
            ),
        ));
    }
    clock["status"] = json!("advancing");
    clock["status_details"] = json!({"advancing": {"target_frozen_time": target}});
    cx.emit("test_helpers.test_clock.advancing", &clock, None)
        .await?;

    let customers = cx
        .all("customer", &[("data->>'test_clock' = {}", id.to_owned())])
        .await?;
    for customer in customers {
        let cid = customer["id"].as_str().unwrap_or_default().to_owned();
        let mut subs = cx
            .all("subscription", &[("customer = {}", cid.clone())])
            .await?;
        subs.sort_by_key(|s| s["created"].as_i64().unwrap_or(0));
        for sub in subs {
            let sub_id = sub["id"].as_str().unwrap_or_default().to_owned();
            advance_subscription(cx, &sub_id, target).await?;
        }
    }
    clock["frozen_time"] = json!(target);
    clock["status"] = json!("ready");
    clock["status_details"] = json!({});
    cx.save(&clock).await?;
    cx.emit("test_helpers.test_clock.ready", &clock, None)
        .await?;
    Ok(clock)
}

/// Runs one subscription's renewals up to `target`.
async fn advance_subscription(cx: &mut Cx<'_>, id: &str, target: i64) -> ApiResult<()> {
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
                cx.save(&sub).await?;
                cx.emit(
                    "customer.subscription.updated",
                    &sub,
                    Some(previous(&before, &sub)),
                )
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
            cx.save(&sub).await?;
            cx.emit(
                "customer.subscription.deleted",
                &sub,
                Some(previous(&before, &sub)),
            )
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
        let customer = cx
            .fetch(
                "customer",
                "customer",
                sub["customer"].as_str().unwrap_or_default(),
                "customer",
                false,
            )
            .await?;
        let mut invoice = subscription_invoice(
            cx,
            &sub,
            &customer,
            start,
            next_end,
            "subscription_cycle",
            false,
        )
        .await?;
        sub["latest_invoice"] = invoice["id"].clone();
        finalize(cx, &mut invoice, start).await?;
        if sub["collection_method"] == "charge_automatically" {
            let method = default_method(cx, &sub, &customer).await?;
            let failed = match method {
                Some(m) => pay(cx, &mut invoice, Some(&m), start, false)
                    .await?
                    .is_some(),
                None => {
                    let old = invoice.clone();
                    invoice["attempted"] = json!(true);
                    invoice["attempt_count"] = json!(1);
                    cx.save(&invoice).await?;
                    cx.emit(
                        "invoice.payment_failed",
                        &invoice,
                        Some(previous(&old, &invoice)),
                    )
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
        cx.save(&sub).await?;
        cx.emit(
            "customer.subscription.updated",
            &sub,
            Some(previous(&before, &sub)),
        )
        .await?;
    }
    Ok(())
}
