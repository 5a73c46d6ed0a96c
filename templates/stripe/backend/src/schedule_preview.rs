//! The invoice preview of a subscription schedule: `POST /v1/invoices/create_preview` with
//! `schedule` (an existing schedule), `schedule_details` (its phases and end as proposed: of
//! `schedule`, or of a new schedule of `customer`) or both, and `GET /v1/invoices/upcoming`
//! with `schedule`. A schedule whose subscription runs previews that subscription's next
//! renewal in the phase in effect then; one not started, or a new one, its first invoice.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{COUPON, CUSTOMER, PRICE, PROMOTION_CODE, SUBSCRIPTION, SUBSCRIPTION_SCHEDULE};
use crate::model::invoice::{next_period, none_upcoming, preview};
use crate::model::invoice_item::{Billed, describe, invoice_item};
use crate::model::phase::discount_specs;
use crate::model::schedule::{END_BEHAVIORS, phases};
use crate::model::subscription::{customer_now, plan_of};
use crate::params::{Params, Takes};
use crate::subscription_schedules::PHASE_UPDATE;

/// A preview's `schedule_details`: the proposed phases and end behaviour.
pub(crate) const SCHEDULE_DETAILS: Takes = Takes {
    route: "invoice previews",
    serves: &[&["end_behavior", "phases"]],
    refuses: &[&["billing_mode", "pause_schedules", "proration_behavior"]],
    nested: &[("phases", &PHASE_UPDATE)],
};

/// How a schedule's preview is made: `apply` puts the request's `customer_details` on the
/// customer; `id` is the preview's (`create_preview`'s; none for `upcoming`).
pub(crate) struct Asked<'a> {
    pub(crate) apply: &'a (dyn Fn(&mut Value) + Sync),
    pub(crate) id: Option<&'a str>,
}

/// The invoice preview of the request's `schedule` and/or `schedule_details` (the caller has
/// checked the parameters): `None` when the request names neither.
pub(crate) async fn schedule_preview(
    cx: &mut Cx<'_>,
    asked: &Asked<'_>,
) -> ApiResult<Option<Value>> {
    let params = cx.params.clone();
    let named = params.str("schedule")?.filter(|s| !s.is_empty());
    let details = params.hash("schedule_details")?.cloned();
    if named.is_none() && details.is_none() {
        return Ok(None);
    }
    if params.has("subscription") || params.has("subscription_details") {
        let with = if params.has("subscription") {
            "subscription"
        } else {
            "subscription_details"
        };
        let given = if named.is_some() {
            "schedule"
        } else {
            "schedule_details"
        };
        return Err(ApiError::invalid(format!(
            "You may only specify one of these parameters: {given}, {with}."
        )));
    }
    let schedule = match named {
        Some(id) => Some(SUBSCRIPTION_SCHEDULE.named(cx, id, "schedule").await?),
        None => None,
    };
    let customer_id = match (&schedule, params.str("customer")?.filter(|s| !s.is_empty())) {
        (Some(s), _) => s["customer"].as_str().unwrap_or_default().to_owned(),
        (None, Some(customer)) => customer.to_owned(),
        (None, None) => return Err(ApiError::missing("customer")),
    };
    let mut customer = CUSTOMER.named(cx, &customer_id, "customer").await?;
    (asked.apply)(&mut customer);
    let now = customer_now(cx, &customer).await?;
    let live = schedule
        .as_ref()
        .is_some_and(|s| matches!(s["status"].as_str(), Some("not_started" | "active")));
    if schedule.is_some() && !live {
        return Err(none_upcoming(&customer_id));
    }
    let details = Params(details.unwrap_or_default());
    let end_behavior = match details.one_of("end_behavior", END_BEHAVIORS) {
        Ok(Some(given)) => given.to_owned(),
        Ok(None) => schedule
            .as_ref()
            .and_then(|s| s["end_behavior"].as_str())
            .unwrap_or("release")
            .to_owned(),
        Err(err) => return Err(err.rename_param("schedule_details[end_behavior]")),
    };
    let sub = match schedule.as_ref().and_then(|s| s["subscription"].as_str()) {
        Some(id) => Some(SUBSCRIPTION.find(cx, id).await?),
        None => None,
    };
    let stored = schedule
        .as_ref()
        .and_then(|s| s["phases"].as_array().cloned())
        .unwrap_or_default();
    let plan = match details.array("phases")? {
        Some(specs) => {
            let start = match (&schedule, stored.first()) {
                (Some(s), Some(_)) if s["status"] == "active" => {
                    s["current_phase"]["start_date"].as_i64().unwrap_or(now)
                }
                (_, Some(first)) => first["start_date"].as_i64().unwrap_or(now),
                _ => now,
            };
            phases(cx, specs, start)
                .await
                .map_err(|err| err.nested_in("schedule_details"))?
        }
        None => stored,
    };
    match sub {
        Some(sub) => renewal(cx, (&customer, &sub), (&plan, &end_behavior), asked.id).await,
        None => first_invoice(cx, &customer, &plan, (now, asked.id)).await,
    }
    .map(Some)
}

/// The subscription items a phase bills (not stored), with their prices.
async fn phase_items(cx: &Cx<'_>, phase: &Value) -> ApiResult<Vec<Value>> {
    let mut items = Vec::new();
    for item in phase["items"].as_array().map_or(&[][..], Vec::as_slice) {
        let price = PRICE
            .find(cx, item["price"].as_str().unwrap_or_default())
            .await?;
        items.push(json!({
            "id": null, "object": "subscription_item", "metadata": item["metadata"],
            "plan": plan_of(&price), "price": price, "quantity": item["quantity"],
            "tax_rates": item["tax_rates"],
        }));
    }
    Ok(items)
}

/// A phase's `add_invoice_items` as the (unstored) invoice items its first invoice bills.
async fn phase_additions(
    cx: &Cx<'_>,
    (customer, sub): (&Value, &Value),
    phase: &Value,
    now: i64,
) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for added in phase["add_invoice_items"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
    {
        let price = PRICE
            .find(cx, added["price"].as_str().unwrap_or_default())
            .await?;
        let quantity = added["quantity"].as_i64().unwrap_or(1);
        let amount = crate::model::tiers::line_total(&price, quantity, "add_invoice_items")?;
        let billed = Billed {
            customer,
            currency: price["currency"].clone(),
            unit: price["unit_amount"].as_i64().unwrap_or(0),
            price,
            quantity,
            amount,
            tax_rates: added["tax_rates"].as_array().cloned().unwrap_or_default(),
            subscription: sub["id"].clone(),
        };
        let mut item = invoice_item(billed, now);
        describe(cx, &mut item).await?;
        out.push(item);
    }
    Ok(out)
}

/// The discount `phase` will redeem (not stored: its coupon, or its promotion code's), or
/// `None` when it names none or keeps the subscription's own (`discount`).
async fn phase_discount(cx: &Cx<'_>, phase: &Value) -> ApiResult<Option<Value>> {
    let Some(specs) = discount_specs(phase) else {
        return Ok(None);
    };
    let entry = &specs[0];
    let coupon = match (entry["coupon"].as_str(), entry["promotion_code"].as_str()) {
        (Some(coupon), _) => coupon.to_owned(),
        (None, Some(code)) => {
            let promo = PROMOTION_CODE.find(cx, code).await?;
            promo["promotion"]["coupon"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        (None, None) => return Ok(None),
    };
    let coupon = COUPON.find(cx, &coupon).await?;
    Ok(Some(
        json!({"id": null, "object": "discount", "coupon": coupon, "end": null}),
    ))
}

/// The first invoice of a schedule not started yet (or proposed): its first phase's items
/// and added items, from that phase's start.
async fn first_invoice(
    cx: &Cx<'_>,
    customer: &Value,
    plan: &[Value],
    (now, id): (i64, Option<&str>),
) -> ApiResult {
    let phase = plan.first().cloned().unwrap_or(Value::Null);
    let items = phase_items(cx, &phase).await?;
    let start = phase["start_date"].as_i64().unwrap_or(now);
    let additions = phase_additions(cx, (customer, &Value::Null), &phase, start).await?;
    // A new subscription's preview has no subscription object: one holding only the phase's
    // discount bills the same.
    let sub = match phase_discount(cx, &phase).await? {
        Some(discount) => json!({"default_tax_rates": [], "discount": discount}),
        None => Value::Null,
    };
    let lines = (&items[..], &additions[..]);
    billed(
        cx,
        (customer, &sub),
        lines,
        (start, "subscription_create"),
        id,
    )
    .await
}

/// The next renewal of a schedule's running subscription `sub`: the items of the phase in
/// effect at its period's end (with that phase's added items when it starts then); after the
/// last phase, the subscription's own items (`release`) or none (`cancel`).
async fn renewal(
    cx: &Cx<'_>,
    (customer, sub): (&Value, &Value),
    (plan, end_behavior): (&[Value], &str),
    id: Option<&str>,
) -> ApiResult {
    let customer_id = customer["id"].as_str().unwrap_or_default();
    let at = sub["current_period_end"].as_i64().unwrap_or_default();
    let phase = plan.iter().find(|p| {
        p["start_date"].as_i64().is_some_and(|s| s <= at)
            && p["end_date"].as_i64().is_none_or(|e| at < e)
    });
    let (items, additions) = match phase {
        Some(phase) => {
            let additions = if phase["start_date"].as_i64() == Some(at) {
                phase_additions(cx, (customer, sub), phase, at).await?
            } else {
                Vec::new()
            };
            (phase_items(cx, phase).await?, additions)
        }
        None if end_behavior == "cancel" => return Err(none_upcoming(customer_id)),
        None => (
            sub["items"]["data"].as_array().cloned().unwrap_or_default(),
            Vec::new(),
        ),
    };
    let mut sub = sub.clone();
    if let Some(phase) = phase.filter(|p| p["start_date"].as_i64() == Some(at)) {
        let previous = plan.iter().find(|p| p["end_date"].as_i64() == Some(at));
        sub["discount"] = match phase_discount(cx, phase).await? {
            Some(discount) => discount,
            None if previous.is_some_and(|p| discount_specs(p).is_some()) => Value::Null,
            None => sub["discount"].clone(),
        };
    }
    let lines = (&items[..], &additions[..]);
    billed(cx, (customer, &sub), lines, (at, "subscription_cycle"), id).await
}

/// The [`preview`] of a schedule's invoice billing `lines` (its items and added items) for
/// the period of those items starting `at`, or Stripe's "No upcoming invoices" for `customer`
/// when it would bill nothing.
async fn billed(
    cx: &Cx<'_>,
    (customer, sub): (&Value, &Value),
    lines: (&[Value], &[Value]),
    (at, reason): (i64, &str),
    id: Option<&str>,
) -> ApiResult {
    let period = next_period(lines.0, at);
    preview(cx, (customer, sub), lines, (period, reason), id)
        .await?
        .ok_or_else(|| none_upcoming(customer["id"].as_str().unwrap_or_default()))
}
