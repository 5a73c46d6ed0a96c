//! Subscription schedules: their phases and dates, the subscription a schedule starts, what
//! entering a phase does to it, and the schedule's end (`release` or `cancel`), run by a test
//! clock's advance.

use serde_json::{Map, Value, json};

use crate::bounds::timestamp_at;
use crate::clock::add_intervals;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{PRICE, SUBSCRIPTION};
use crate::model::change::{Change, bill_change, change_items};
use crate::model::subscription::{advance_subscription, mark_canceled, quantity_at};
use crate::model::{phase, subscribe};
use crate::params::{Params, at_least, hash_at, int_at, listed, string_at};

/// A phase's `proration_behavior` values.
pub(crate) const PRORATIONS: &[&str] = &["always_invoice", "create_prorations", "none"];

/// `end_behavior` values the clone serves (Stripe's `none` and `renew` are legacy).
pub(crate) const END_BEHAVIORS: &[&str] = &["cancel", "release"];

/// The phase settings copied onto a phase as given (`null` when absent).
const PHASE_SETTINGS: &[&str] = &["collection_method", "default_payment_method", "description"];

/// A new schedule of `customer` (`not_started`, phases set by the caller).
pub(crate) fn new_schedule(id: &str, customer: &Value, now: i64) -> Value {
    json!({
        "id": id,
        "object": "subscription_schedule",
        "application": null,
        "billing_mode": {"flexible": null, "type": "classic", "updated_at": now},
        "canceled_at": null,
        "completed_at": null,
        "created": now,
        "current_phase": null,
        "customer": customer["id"],
        "customer_account": null,
        "default_settings": {
            "application_fee_percent": null,
            "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
            "billing_cycle_anchor": "automatic",
            "billing_thresholds": null,
            "collection_method": "charge_automatically",
            "default_payment_method": null,
            "description": null,
            "invoice_settings": {"account_tax_ids": null, "days_until_due": null,
                                 "issuer": {"type": "self"}},
            "on_behalf_of": null,
            "transfer_data": null,
        },
        "end_behavior": "release",
        "livemode": false,
        "metadata": {},
        "phases": [],
        "released_at": null,
        "released_subscription": null,
        "status": "not_started",
        "subscription": null,
        "test_clock": customer["test_clock"],
    })
}

/// The phases `specs` (`phases[n]`) describe, the first starting at `start`: each ends at its
/// `end_date`, after `iterations` of its prices' interval, after its `duration`, or after one
/// interval; the next starts there.
pub(crate) async fn phases(cx: &Cx<'_>, specs: &[Value], start: i64) -> ApiResult<Vec<Value>> {
    if specs.is_empty() {
        return Err(ApiError::missing("phases"));
    }
    let mut at = start;
    let mut built = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let name = |key: &str| format!("phases[{index}][{key}]");
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_param("phases", "Invalid array"))?;
        if index > 0
            && let Some(given) = timestamp_at(spec.get("start_date"), &name("start_date"))?
            && given != at
        {
            return Err(ApiError::invalid_param(
                &name("start_date"),
                format!(
                    "A phase must start when the previous phase ends ({at}); phases[{index}] \
                     starts at {given}."
                ),
            ));
        }
        let (items, currency, interval) = phase_items(cx, spec, index).await?;
        let end = phase_end(spec, index, at, (&interval.0, interval.1))?;
        let proration = Params(spec.clone())
            .one_of("proration_behavior", PRORATIONS)
            .map_err(|err| err.rename_param(&name("proration_behavior")))?
            .unwrap_or("create_prorations")
            .to_owned();
        let mut phase = json!({
            "add_invoice_items": [],
            "application_fee_percent": null,
            "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
            "billing_cycle_anchor": null,
            "billing_thresholds": null,
            "currency": currency,
            "default_tax_rates": [],
            "discounts": [],
            "end_date": end,
            "invoice_settings": null,
            "items": items,
            "metadata": spec.get("metadata").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
            "on_behalf_of": null,
            "proration_behavior": proration,
            "start_date": at,
            "transfer_data": null,
            "trial_end": timestamp_at(spec.get("trial_end"), &name("trial_end"))?,
        });
        phase["add_invoice_items"] = phase::additions(cx, spec, index, &currency).await?;
        phase["discounts"] = phase::discounts(cx, spec, index).await?;
        for key in PHASE_SETTINGS {
            phase[*key] = match string_at(spec.get(*key), &name(key))? {
                Some(value) if !value.is_empty() => json!(value),
                _ => Value::Null,
            };
        }
        if let Some(method) = phase["collection_method"].as_str()
            && !["charge_automatically", "send_invoice"].contains(&method)
        {
            return Err(ApiError::invalid_param(
                &name("collection_method"),
                format!(
                    "Invalid collection_method: must be one of {}",
                    listed(&["charge_automatically", "send_invoice"])
                ),
            ));
        }
        built.push(phase);
        at = end;
    }
    Ok(built)
}

/// A phase's items (`phases[n][items]`, each a recurring price or plan and a quantity), the
/// currency they bill in and their interval.
async fn phase_items(
    cx: &Cx<'_>,
    spec: &Map<String, Value>,
    index: usize,
) -> ApiResult<(Vec<Value>, String, (String, i64))> {
    let param = format!("phases[{index}][items]");
    let specs = match spec.get("items") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err(ApiError::missing(&param)),
    };
    let mut items = Vec::new();
    let mut first: Option<Value> = None;
    for (n, item) in specs.iter().enumerate() {
        let at = format!("{param}[{n}]");
        let item = item
            .as_object()
            .ok_or_else(|| ApiError::invalid_param(&at, "Invalid object"))?;
        let price_param = format!("{at}[price]");
        let id = match item.get("price").or_else(|| item.get("plan")) {
            Some(value) => string_at(Some(value), &price_param)?.unwrap_or_default(),
            None => return Err(ApiError::missing(&price_param)),
        };
        let price = PRICE.named(cx, id, &price_param).await?;
        if price["recurring"].is_null() {
            return Err(ApiError::invalid_param(
                &price_param,
                "The price specified is set to `type=one_time` but this field only accepts \
                 prices with `type=recurring`.",
            ));
        }
        if let Some(first) = &first
            && (first["currency"] != price["currency"]
                || first["recurring"]["interval"] != price["recurring"]["interval"]
                || first["recurring"]["interval_count"] != price["recurring"]["interval_count"])
        {
            return Err(ApiError::invalid_param(
                &price_param,
                "The prices of a phase's items must have the same currency and billing \
                 interval.",
            ));
        }
        let quantity = quantity_at(item.get("quantity"), &format!("{at}[quantity]"))?.unwrap_or(1);
        items.push(json!({
            "billing_thresholds": null,
            "discounts": [],
            "metadata": item.get("metadata").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
            "plan": price["id"],
            "price": price["id"],
            "quantity": quantity,
            "tax_rates": [],
        }));
        first.get_or_insert(price);
    }
    let price = first.unwrap_or_default();
    let recurring = &price["recurring"];
    Ok((
        items,
        price["currency"].as_str().unwrap_or("usd").to_owned(),
        (
            recurring["interval"].as_str().unwrap_or("month").to_owned(),
            recurring["interval_count"].as_i64().unwrap_or(1),
        ),
    ))
}

/// When a phase starting at `start` ends: its `end_date`, `iterations` or `duration` (one of
/// them at most), else after one `interval` of its prices.
fn phase_end(
    spec: &Map<String, Value>,
    index: usize,
    start: i64,
    (interval, count): (&str, i64),
) -> ApiResult<i64> {
    let name = |key: &str| format!("phases[{index}][{key}]");
    let given: Vec<&str> = ["duration", "end_date", "iterations"]
        .into_iter()
        .filter(|key| spec.get(*key).is_some_and(|v| v != ""))
        .collect();
    if given.len() > 1 {
        return Err(ApiError::invalid_param(
            &name(given[1]),
            format!(
                "You may only specify one of these parameters: {}.",
                given.join(", ")
            ),
        ));
    }
    let end = if let Some(end) = timestamp_at(spec.get("end_date"), &name("end_date"))? {
        end
    } else if let Some(n) = int_at(spec.get("iterations"), &name("iterations"))? {
        if !(1..=1000).contains(&n) {
            return Err(at_least(&name("iterations"), 1));
        }
        add_intervals(start, interval, count, n)
    } else if let Some(duration) = hash_at(spec.get("duration"), &name("duration"))? {
        let unit = string_at(duration.get("interval"), &name("duration][interval"))?
            .ok_or_else(|| ApiError::missing(&format!("phases[{index}][duration][interval]")))?;
        if !["day", "week", "month", "year"].contains(&unit) {
            return Err(ApiError::invalid_param(
                &format!("phases[{index}][duration][interval]"),
                "Invalid duration[interval]: must be one of day, week, month, or year",
            ));
        }
        let n = int_at(
            duration.get("interval_count"),
            &format!("phases[{index}][duration][interval_count]"),
        )?
        .unwrap_or(1);
        if !(1..=1000).contains(&n) {
            return Err(at_least(
                &format!("phases[{index}][duration][interval_count]"),
                1,
            ));
        }
        add_intervals(start, unit, 1, n)
    } else {
        add_intervals(start, interval, count, 1)
    };
    if end <= start {
        return Err(ApiError::invalid_param(
            &name("end_date"),
            format!("A phase's end_date must be after its start date ({start})."),
        ));
    }
    Ok(end)
}

/// The settings of [`PHASE_SETTINGS`] that `phase` gives its subscription: the phase's own,
/// else the schedule's `defaults`, leaving out those neither sets.
fn phase_settings<'a>(
    phase: &'a Value,
    defaults: &'a Value,
) -> impl Iterator<Item = (&'static str, &'a Value)> {
    PHASE_SETTINGS.iter().filter_map(move |key| {
        let value = if phase[*key].is_null() {
            &defaults[*key]
        } else {
            &phase[*key]
        };
        (!value.is_null()).then_some((*key, value))
    })
}

/// The `POST /v1/subscriptions` parameters that make `schedule`'s subscription in its first
/// phase: its items, settings (the phase's, else the schedule's `default_settings`), trial
/// and metadata.
fn subscription_params(schedule: &Value) -> Params {
    let phase = &schedule["phases"][0];
    let defaults = &schedule["default_settings"];
    let mut params = Map::new();
    params.insert("customer".into(), schedule["customer"].clone());
    params.insert("items".into(), item_specs(phase));
    for (key, value) in phase_settings(phase, defaults) {
        params.insert(key.into(), value.clone());
    }
    if let Some(days) = defaults["invoice_settings"]["days_until_due"].as_i64() {
        params.insert("days_until_due".into(), json!(days.to_string()));
    }
    if let Some(end) = phase["trial_end"].as_i64() {
        params.insert("trial_end".into(), json!(end.to_string()));
    }
    params.insert("metadata".into(), phase["metadata"].clone());
    if let Some(additions) = phase::addition_specs(phase) {
        params.insert("add_invoice_items".into(), additions);
    }
    if let Some(discounts) = phase::discount_specs(phase) {
        params.insert("discounts".into(), discounts);
    }
    Params(params)
}

/// A phase's items as a subscription's `items[n]` take them.
fn item_specs(phase: &Value) -> Value {
    let items = phase["items"].as_array().map_or(&[][..], Vec::as_slice);
    Value::Array(
        items
            .iter()
            .map(|i| spec_of(&i["price"], &i["quantity"], &i["metadata"]))
            .collect(),
    )
}

/// An item as `items[n]` (and `phases[n][items][m]`) take it: form values are strings.
pub(crate) fn spec_of(price: &Value, quantity: &Value, metadata: &Value) -> Value {
    json!({
        "price": price,
        "quantity": quantity.as_i64().unwrap_or(1).to_string(),
        "metadata": metadata,
    })
}

/// Starts `schedule` now: its subscription is created from its first phase, attached
/// (`subscription.schedule`), and the schedule is `active` in that phase.
pub(crate) async fn start(cx: &mut Cx<'_>, schedule: &mut Value) -> ApiResult<()> {
    let params = subscription_params(schedule);
    let id = schedule["id"].as_str().unwrap_or_default().to_owned();
    let sub = subscribe::create(cx, &params, Some(&id)).await?;
    schedule["subscription"] = sub["id"].clone();
    schedule["status"] = json!("active");
    schedule["current_phase"] = current(&schedule["phases"][0]);
    Ok(())
}

/// A phase's dates, as `current_phase` shows them.
pub(crate) fn current(phase: &Value) -> Value {
    json!({"start_date": phase["start_date"], "end_date": phase["end_date"]})
}

/// Moves `schedule`'s subscription into `phase` at `at`: items of a price the phase keeps take
/// its quantity, the others are removed and the phase's new prices added, prorated as the
/// phase says (nothing at a period's end); the phase's settings (else the schedule's
/// `default_settings`) are applied. `entering` (the phase starts now, not an update of the
/// current one): what the phase adds (`model::phase`) is applied too.
pub(crate) async fn enter(
    cx: &mut Cx<'_>,
    schedule: &Value,
    phase: &Value,
    (at, entering): (i64, bool),
) -> ApiResult<()> {
    let sub_id = schedule["subscription"].as_str().unwrap_or_default();
    let mut sub = SUBSCRIPTION.lock(cx, sub_id).await?;
    let before = sub.clone();
    let old = sub["items"]["data"].as_array().cloned().unwrap_or_default();
    let wanted = item_specs(phase);
    let wanted = wanted.as_array().map_or(&[][..], Vec::as_slice);
    let mut changes: Vec<Value> = Vec::new();
    for item in &old {
        match wanted.iter().find(|w| w["price"] == item["price"]["id"]) {
            Some(w) => changes.push(json!({"id": item["id"], "quantity": w["quantity"]})),
            None => changes.push(json!({"id": item["id"], "deleted": "true"})),
        }
    }
    for w in wanted {
        if !old.iter().any(|i| i["price"]["id"] == w["price"]) {
            changes.push(w.clone());
        }
    }
    let behavior = if sub["current_period_end"].as_i64() == Some(at) {
        "none"
    } else {
        phase["proration_behavior"]
            .as_str()
            .unwrap_or("create_prorations")
    };
    let params = Params(
        json!({"proration_behavior": behavior})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    let change = Change::of(&params, &sub, at)?;
    change_items(cx, &mut sub, &changes, at).await?;
    let defaults = &schedule["default_settings"];
    for (key, value) in phase_settings(phase, defaults) {
        sub[key] = value.clone();
    }
    sub["days_until_due"] = match sub["collection_method"].as_str() {
        Some("send_invoice") => match &defaults["invoice_settings"]["days_until_due"] {
            Value::Null => sub["days_until_due"].clone(),
            days => days.clone(),
        },
        _ => Value::Null,
    };
    let customer = cx.customer_of(&sub).await?;
    if entering {
        let phases = schedule["phases"].as_array().map_or(&[][..], Vec::as_slice);
        let previous = phases.iter().find(|p| p["end_date"].as_i64() == Some(at));
        phase::enter(cx, (&mut sub, &customer), (phase, previous), at).await?;
    }
    bill_change(cx, (&mut sub, &customer), &change).await?;
    cx.save_if_changed("customer.subscription.updated", &before, sub)
        .await?;
    Ok(())
}

/// Detaches `schedule` from its subscription at `at` (`released`, or `completed` by the
/// `release` end behaviour's caller): the subscription goes on as it is, its `schedule` null.
pub(crate) async fn release(cx: &mut Cx<'_>, schedule: &mut Value, at: i64) -> ApiResult<()> {
    if let Some(sub_id) = schedule["subscription"].as_str() {
        let mut sub = SUBSCRIPTION.lock(cx, sub_id).await?;
        let before = sub.clone();
        sub["schedule"] = Value::Null;
        cx.save_changed("customer.subscription.updated", &before, &sub)
            .await?;
    }
    schedule["released_subscription"] = schedule["subscription"].take();
    schedule["released_at"] = json!(at);
    schedule["status"] = json!("released");
    schedule["current_phase"] = Value::Null;
    Ok(())
}

/// Cancels `schedule`'s subscription (if it has one) at `at`.
pub(crate) async fn cancel_subscription(
    cx: &mut Cx<'_>,
    schedule: &Value,
    at: i64,
) -> ApiResult<()> {
    let Some(sub_id) = schedule["subscription"].as_str() else {
        return Ok(());
    };
    let mut sub = SUBSCRIPTION.lock(cx, sub_id).await?;
    if sub["status"] == "canceled" {
        return Ok(());
    }
    let before = sub.clone();
    mark_canceled(&mut sub, at);
    cx.save_changed("customer.subscription.deleted", &before, &sub)
        .await
}

/// When `schedule` next acts by itself: its start (`not_started`) or its current phase's end
/// (`active`).
fn next_event(schedule: &Value) -> Option<i64> {
    match schedule["status"].as_str() {
        Some("not_started") => schedule["phases"][0]["start_date"].as_i64(),
        Some("active") => schedule["current_phase"]["end_date"].as_i64(),
        _ => None,
    }
}

/// Runs `schedule` at `at`, when it next acts: starts it, moves it into its next phase, or
/// ends it as its `end_behavior` says (`release`: released, its subscription going on;
/// `cancel`: completed, its subscription canceled).
async fn step(cx: &mut Cx<'_>, mut schedule: Value, at: i64) -> ApiResult<()> {
    let before = schedule.clone();
    if schedule["status"] == "not_started" {
        start(cx, &mut schedule).await?;
        return cx
            .save_changed("subscription_schedule.updated", &before, &schedule)
            .await;
    }
    let phases = schedule["phases"].as_array().cloned().unwrap_or_default();
    match phases.iter().find(|p| p["start_date"].as_i64() == Some(at)) {
        Some(phase) => {
            enter(cx, &schedule, phase, (at, true)).await?;
            schedule["current_phase"] = current(phase);
            cx.save_changed("subscription_schedule.updated", &before, &schedule)
                .await
        }
        None if schedule["end_behavior"] == "cancel" => {
            cancel_subscription(cx, &schedule, at).await?;
            schedule["status"] = json!("completed");
            schedule["completed_at"] = json!(at);
            schedule["current_phase"] = Value::Null;
            cx.save_changed("subscription_schedule.completed", &before, &schedule)
                .await
        }
        None => {
            release(cx, &mut schedule, at).await?;
            cx.save_changed("subscription_schedule.released", &before, &schedule)
                .await
        }
    }
}

/// Runs a test clock's customer up to `target`: its subscriptions' renewals, and its
/// schedules' starts, phases and ends in time order (a phase entered at a period's end is
/// what that renewal bills). `clock`'s `frozen_time` is moved to each schedule's moment, so
/// that what it does happens then.
pub(crate) async fn run_customer(
    cx: &mut Cx<'_>,
    customer: &str,
    clock: &mut Value,
    target: i64,
) -> ApiResult<()> {
    let by_customer = [("customer = {}", customer.to_owned())];
    for _ in 0..1000 {
        let schedules = cx.all("subscription_schedule", &by_customer).await?;
        let next = schedules
            .into_iter()
            .filter_map(|s| next_event(&s).map(|at| (at, s)))
            .filter(|(at, _)| *at <= target)
            .min_by_key(|(at, _)| *at);
        let Some((at, schedule)) = next else {
            break;
        };
        renew(cx, customer, at - 1).await?;
        clock["frozen_time"] = json!(at);
        cx.save(clock)?;
        step(cx, schedule, at).await?;
    }
    renew(cx, customer, target).await
}

/// Renews `customer`'s subscriptions up to `target`, oldest first.
async fn renew(cx: &mut Cx<'_>, customer: &str, target: i64) -> ApiResult<()> {
    let mut subs = cx
        .all("subscription", &[("customer = {}", customer.to_owned())])
        .await?;
    subs.sort_by_key(|s| s["created"].as_i64().unwrap_or(0));
    for sub in subs {
        let id = sub["id"].as_str().unwrap_or_default().to_owned();
        advance_subscription(cx, &id, target).await?;
    }
    Ok(())
}
