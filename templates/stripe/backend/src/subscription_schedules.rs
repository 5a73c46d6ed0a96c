//! Subscription schedules (`/v1/subscription_schedules`): create from a customer's phases or
//! from a subscription, retrieve, update, list, cancel, release. What a schedule does over
//! time (phases entered, its end) is `model::schedule`, run by test clocks.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, SUBSCRIPTION, SUBSCRIPTION_SCHEDULE};
use crate::model::proration;
use crate::model::schedule::{self, END_BEHAVIORS, PRORATIONS};
use crate::model::subscription::{self, customer_now};
use crate::params::{Params, Takes, apply_metadata, unserved};
use crate::shapes::DISCOUNT;
use asym_kit::Kit;

/// Subscription schedules: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/subscription_schedules" => post(create_schedule), get(list_schedules);
        "/v1/subscription_schedules/{id}" => get(SUBSCRIPTION_SCHEDULE.retrieve, 1),
            post(update_schedule, 1);
        "/v1/subscription_schedules/{id}/cancel" => post(cancel_schedule, 1);
        "/v1/subscription_schedules/{id}/release" => post(release_schedule, 1);
    }
}

/// What a phase's item serves, and what Stripe takes there that the clone does not.
const PHASE_ITEM: Takes = Takes {
    route: "subscription schedule phase items",
    serves: &[&["metadata", "plan", "price", "quantity"]],
    refuses: &[&["billing_thresholds", "discounts", "price_data", "tax_rates"]],
    nested: &[],
};

/// What a phase serves (`iterations`, the older way to give its length, and the older
/// `coupon`, too).
#[rustfmt::skip]
const PHASE_SERVED: &[&str] = &[
    "add_invoice_items", "collection_method", "coupon", "default_payment_method", "description",
    "discounts", "duration", "end_date", "items", "iterations", "metadata", "proration_behavior",
    "trial_end",
];

/// What Stripe takes on a phase that the clone does not serve.
#[rustfmt::skip]
const PHASE_UNSERVED: &[&str] = &[
    "application_fee_percent", "automatic_tax", "billing_cycle_anchor", "billing_thresholds",
    "currency", "default_tax_rates", "invoice_settings", "on_behalf_of", "transfer_data",
    "trial", "trial_continuation",
];

/// One of a phase's `add_invoice_items`: an existing one-time price.
const PHASE_ADDITION: Takes = Takes {
    route: "subscription schedule phases",
    serves: &[&["metadata", "price", "quantity", "tax_rates"]],
    refuses: &[&["discounts", "period", "price_data"]],
    nested: &[],
};

/// The hashes a phase holds, on a create's and an update's.
const PHASE_NESTED: &[(&str, &Takes)] = &[
    ("items", &PHASE_ITEM),
    ("duration", &DURATION),
    ("add_invoice_items", &PHASE_ADDITION),
    ("discounts", &DISCOUNT),
];

/// One of a create's `phases`.
const PHASE: Takes = Takes {
    route: "subscription schedule phases",
    serves: &[PHASE_SERVED],
    refuses: &[PHASE_UNSERVED],
    nested: PHASE_NESTED,
};

/// One of an update's `phases` (which may name its `start_date`).
pub(crate) const PHASE_UPDATE: Takes = Takes {
    route: "subscription schedule phases",
    serves: &[PHASE_SERVED, &["start_date"]],
    refuses: &[PHASE_UNSERVED],
    nested: PHASE_NESTED,
};

/// A phase's `duration`.
const DURATION: Takes = Takes::serving("phase durations", &[&["interval", "interval_count"]]);

/// A schedule's `default_settings`.
const DEFAULT_SETTINGS: Takes = Takes {
    route: "subscription schedule default settings",
    serves: &[&[
        "collection_method",
        "default_payment_method",
        "description",
        "invoice_settings",
    ]],
    refuses: &[&[
        "application_fee_percent",
        "automatic_tax",
        "billing_cycle_anchor",
        "billing_thresholds",
        "on_behalf_of",
        "transfer_data",
    ]],
    nested: &[("invoice_settings", &INVOICE_SETTINGS)],
};

/// A schedule's `default_settings[invoice_settings]`.
const INVOICE_SETTINGS: Takes = Takes {
    route: "subscription schedule invoice settings",
    serves: &[&["days_until_due"]],
    refuses: &[&[
        "account_tax_ids",
        "custom_fields",
        "description",
        "footer",
        "issuer",
    ]],
    nested: &[],
};

/// What `POST /v1/subscription_schedules` takes.
const CREATE: Takes = Takes {
    route: "subscription schedule creation",
    serves: &[&[
        "customer",
        "default_settings",
        "end_behavior",
        "from_subscription",
        "metadata",
        "phases",
        "start_date",
    ]],
    refuses: &[&["billing_mode", "customer_account", "pause_schedules"]],
    nested: &[("phases", &PHASE), ("default_settings", &DEFAULT_SETTINGS)],
};

/// What `POST /v1/subscription_schedules/{id}` takes.
const UPDATE: Takes = Takes {
    route: "subscription schedule updates",
    serves: &[&[
        "default_settings",
        "end_behavior",
        "metadata",
        "phases",
        "proration_behavior",
    ]],
    refuses: &[&["pause_schedules"]],
    nested: &[
        ("phases", &PHASE_UPDATE),
        ("default_settings", &DEFAULT_SETTINGS),
    ],
};

/// Applies `end_behavior`, `default_settings` and `metadata` from `params` to `schedule`.
fn apply_settings(params: &Params, schedule: &mut Value) -> ApiResult<()> {
    if let Some(end) = params.one_of("end_behavior", END_BEHAVIORS)? {
        schedule["end_behavior"] = json!(end);
    }
    if let Some(settings) = params.hash("default_settings")? {
        let settings = Params(settings.clone());
        let defaults = &mut schedule["default_settings"];
        if let Some(method) = settings
            .one_of(
                "collection_method",
                &["charge_automatically", "send_invoice"],
            )
            .map_err(|err| err.rename_param("default_settings[collection_method]"))?
        {
            defaults["collection_method"] = json!(method);
        }
        for key in ["default_payment_method", "description"] {
            if let Some(value) = settings.nullable(key)? {
                defaults[key] = value;
            }
        }
        if let Some(days) = settings
            .hash("invoice_settings")?
            .and_then(|s| s.get("days_until_due"))
        {
            let days = crate::bounds::int_within(
                Some(days),
                "default_settings[invoice_settings][days_until_due]",
                (0, crate::bounds::MAX_DAYS_UNTIL_DUE),
            )?;
            defaults["invoice_settings"]["days_until_due"] = json!(days);
        }
    }
    apply_metadata(schedule, params)
}

/// `POST /v1/subscription_schedules`: from a `customer` and its `phases` (starting
/// `start_date`, now by default, or later: `not_started` until then), or `from_subscription`
/// (one phase: the subscription's current period and items).
pub(crate) async fn create_schedule(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    if let Some(from) = params.str("from_subscription")?.filter(|s| !s.is_empty()) {
        for taken in ["customer", "phases", "start_date"] {
            if params.has(taken) {
                return Err(ApiError::invalid_param(
                    taken,
                    format!("You cannot set `{taken}` if `from_subscription` is set."),
                ));
            }
        }
        return from_subscription(cx, &params, from).await;
    }
    let customer_id = params.required("customer")?;
    let customer = CUSTOMER.lock_named(cx, customer_id, "customer").await?;
    let now = customer_now(cx, &customer).await?;
    let start = match params.get("start_date") {
        None => now,
        Some(Value::String(s)) if s == "now" => now,
        Some(_) => params.timestamp("start_date")?.unwrap_or(now),
    };
    if start < now {
        return Err(unserved(
            "start_date",
            "subscription schedules before now (backdating)",
        ));
    }
    let specs = params.array("phases")?.cloned().unwrap_or_default();
    let phases = schedule::phases(cx, &specs, start).await?;
    let (id, seq) = cx.new_id("sub_sched_").await?;
    let mut sched = schedule::new_schedule(&id, &customer, now);
    sched["phases"] = json!(phases);
    apply_settings(&params, &mut sched)?;
    cx.insert(seq, &sched)?;
    cx.emit("subscription_schedule.created", &sched, None)
        .await?;
    if start == now {
        let before = sched.clone();
        schedule::start(cx, &mut sched).await?;
        cx.save_changed("subscription_schedule.updated", &before, &sched)
            .await?;
    }
    Ok(sched)
}

/// A schedule of `from`, a live subscription without one: one phase, its current period and
/// items, `active` at once.
async fn from_subscription(cx: &mut Cx<'_>, params: &Params, from: &str) -> ApiResult {
    let mut sub = SUBSCRIPTION
        .lock_named(cx, from, "from_subscription")
        .await?;
    if let Some(other) = sub["schedule"].as_str() {
        return Err(ApiError::invalid_param(
            "from_subscription",
            format!("The subscription {from} is already attached to the schedule {other}."),
        ));
    }
    if matches!(
        sub["status"].as_str(),
        Some("canceled" | "incomplete_expired")
    ) {
        return Err(ApiError::invalid_param(
            "from_subscription",
            format!("The subscription {from} has ended and cannot be scheduled."),
        ));
    }
    let customer = cx.customer_of(&sub).await?;
    let now = customer_now(cx, &customer).await?;
    let (id, seq) = cx.new_id("sub_sched_").await?;
    let mut sched = schedule::new_schedule(&id, &customer, now);
    let items: Vec<Value> = sub["items"]["data"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|i| schedule::spec_of(&i["price"]["id"], &i["quantity"], &i["metadata"]))
        .collect();
    let end = sub["current_period_end"]
        .as_i64()
        .unwrap_or(now)
        .to_string();
    let spec = json!([{"items": items, "end_date": end}]);
    let start = sub["current_period_start"].as_i64().unwrap_or(now);
    let phases =
        schedule::phases(cx, spec.as_array().map_or(&[][..], Vec::as_slice), start).await?;
    sched["phases"] = json!(phases);
    for key in ["collection_method", "default_payment_method", "description"] {
        sched["default_settings"][key] = sub[key].clone();
    }
    sched["default_settings"]["invoice_settings"]["days_until_due"] = sub["days_until_due"].clone();
    sched["status"] = json!("active");
    sched["subscription"] = json!(from);
    sched["current_phase"] = schedule::current(&sched["phases"][0]);
    apply_settings(params, &mut sched)?;
    let before = sub.clone();
    sub["schedule"] = json!(id);
    cx.insert(seq, &sched)?;
    cx.emit("subscription_schedule.created", &sched, None)
        .await?;
    cx.save_changed("customer.subscription.updated", &before, &sub)
        .await?;
    Ok(sched)
}

/// Refuses a change to `schedule` once it has ended, as Stripe words it for updates.
fn check_live(schedule: &Value, what: &str) -> ApiResult<()> {
    let status = schedule["status"].as_str().unwrap_or_default();
    if matches!(status, "not_started" | "active") {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "You cannot {what} a subscription schedule that is currently in the `{status}` status."
    )))
}

/// `POST /v1/subscription_schedules/{id}`: `end_behavior`, `default_settings`, `metadata`,
/// and `phases` (all current and future ones: the first starts when the current phase
/// started; a change of its items applies now, prorated by `proration_behavior`).
pub(crate) async fn update_schedule(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut sched) = SUBSCRIPTION_SCHEDULE.for_update(cx, id, &UPDATE).await?;
    check_live(&sched, "update")?;
    let before = sched.clone();
    let customer = cx.customer_of(&sched).await?;
    let now = customer_now(cx, &customer).await?;
    let proration = params
        .one_of("proration_behavior", PRORATIONS)?
        .map(str::to_owned);
    apply_settings(&params, &mut sched)?;
    if let Some(specs) = params.array("phases")? {
        let active = sched["status"] == "active";
        let first = specs.first().and_then(Value::as_object);
        let given = first.and_then(|f| f.get("start_date"));
        let start = if active {
            sched["current_phase"]["start_date"].as_i64().unwrap_or(now)
        } else {
            match given {
                Some(Value::String(s)) if s == "now" => now,
                Some(v) => {
                    crate::bounds::timestamp_at(Some(v), "phases[0][start_date]")?.unwrap_or(now)
                }
                None => sched["phases"][0]["start_date"].as_i64().unwrap_or(now),
            }
        };
        if active
            && let Some(v) = given
            && v != "now"
            && crate::bounds::timestamp_at(Some(v), "phases[0][start_date]")? != Some(start)
        {
            return Err(ApiError::invalid_param(
                "phases[0][start_date]",
                "You can not modify the start date of the current phase.",
            ));
        }
        if !active && start < now {
            return Err(unserved(
                "phases[0][start_date]",
                "subscription schedules before now (backdating)",
            ));
        }
        let mut phases = schedule::phases(cx, specs, start).await?;
        if let Some(behavior) = &proration {
            phases[0]["proration_behavior"] = json!(behavior);
        }
        if active && phases[0]["end_date"].as_i64().is_some_and(|end| end <= now) {
            return Err(ApiError::invalid_param(
                "phases[0][end_date]",
                "The current phase must end in the future.",
            ));
        }
        sched["phases"] = json!(phases);
        if active {
            schedule::enter(cx, &sched, &sched["phases"][0], (now, false)).await?;
            sched["current_phase"] = schedule::current(&sched["phases"][0]);
        } else if start == now {
            schedule::start(cx, &mut sched).await?;
        }
    }
    cx.save_if_changed("subscription_schedule.updated", &before, sched)
        .await
}

/// `GET /v1/subscription_schedules` (`customer`, `scheduled`, `created`).
pub(crate) async fn list_schedules(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer", "scheduled"])?;
    let mut filters = list_filters(cx, &[("customer", "customer = {}")])?;
    match cx.params.bool("scheduled")? {
        Some(true) => filters.push(("data->>'status' = {}", "not_started".to_owned())),
        Some(false) => filters.push(("data->>'status' <> {}", "not_started".to_owned())),
        None => {}
    }
    SUBSCRIPTION_SCHEDULE.list(cx, &filters).await
}

/// `POST /v1/subscription_schedules/{id}/cancel`: cancels the schedule and its subscription
/// at once; `prorate` (default true) credits the subscription's unused time as pending
/// invoice items, and `invoice_now` (default true) bills what is pending on a final invoice.
pub(crate) async fn cancel_schedule(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&Takes::serving(
        "subscription schedule cancellation",
        &[&["invoice_now", "prorate"]],
    ))?;
    let invoice_now = cx.params.bool("invoice_now")?.unwrap_or(true);
    let prorate = cx.params.bool("prorate")?.unwrap_or(true);
    let mut sched = SUBSCRIPTION_SCHEDULE.lock(cx, id).await?;
    check_live(&sched, "cancel")?;
    let before = sched.clone();
    let customer = cx.customer_of(&sched).await?;
    let now = customer_now(cx, &customer).await?;
    if let Some(sub_id) = sched["subscription"].as_str() {
        let mut sub = SUBSCRIPTION.lock(cx, sub_id).await?;
        if sub["status"] != "canceled" {
            if prorate {
                let old = sub["items"]["data"].as_array().cloned().unwrap_or_default();
                let credits =
                    proration::items(cx, (&sub, &customer), &old, &[], (now, now)).await?;
                proration::store(cx, credits).await?;
            }
            if invoice_now {
                subscription::invoice_now(cx, (&mut sub, &customer), now).await?;
                cx.save(&sub)?;
            }
        }
    }
    schedule::cancel_subscription(cx, &sched, now).await?;
    sched["status"] = json!("canceled");
    sched["canceled_at"] = json!(now);
    sched["current_phase"] = Value::Null;
    cx.save_changed("subscription_schedule.canceled", &before, &sched)
        .await?;
    Ok(sched)
}

/// `POST /v1/subscription_schedules/{id}/release`: detaches the schedule from its
/// subscription, which goes on as it is (`preserve_cancel_date` is taken; the clone's
/// schedules set no cancellation date).
pub(crate) async fn release_schedule(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&Takes::serving(
        "subscription schedule release",
        &[&["preserve_cancel_date"]],
    ))?;
    cx.params.bool("preserve_cancel_date")?;
    let mut sched = SUBSCRIPTION_SCHEDULE.lock(cx, id).await?;
    check_live(&sched, "release")?;
    let before = sched.clone();
    let customer = cx.customer_of(&sched).await?;
    let now = customer_now(cx, &customer).await?;
    schedule::release(cx, &mut sched, now).await?;
    cx.save_changed("subscription_schedule.released", &before, &sched)
        .await?;
    Ok(sched)
}
