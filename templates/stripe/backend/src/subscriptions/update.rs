//! A subscription's update (`POST /v1/subscriptions/{id}`): its items, billing cycle
//! (`trial_end`, `billing_cycle_anchor`), collection, pause, cancellation details and tax
//! rates.

use serde_json::{Value, json};

use crate::bounds::{MAX_DAYS_UNTIL_DUE, timestamp_at};
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::SUBSCRIPTION;
use crate::model::additions::add_invoice_items;
use crate::model::change::{Change, bill_change, change_items, restart_period, start_trial};
use crate::model::discount;
use crate::model::subscribe::{default_tax_rates, recurring_amount};
use crate::model::subscription::customer_now;
use crate::params::{Params, Takes, apply_metadata, string_at};

use super::{SERVED, UNSERVED, UPDATE_NESTED, refuse_trial_from_plan};

/// What `POST /v1/subscriptions/{id}` takes, as Stripe's update does (no `customer`,
/// `currency`, `trial_period_days` or `backdate_start_date`: those are the create's).
#[rustfmt::skip]
const UPDATE: Takes = Takes {
    route: "subscription updates",
    serves: &[SERVED, &[
        "proration_date", "billing_cycle_anchor", "cancellation_details", "pause_collection",
    ]],
    refuses: &[UNSERVED, &["payment_settings"]],
    nested: UPDATE_NESTED,
};

/// What an update does to a subscription's billing cycle: `trial_end` and
/// `billing_cycle_anchor`.
enum Cycle {
    /// Neither: the change is billed within the current period.
    Unchanged,
    /// `billing_cycle_anchor=now`, or `trial_end=now` on a trialing subscription: a new period
    /// starts now and is invoiced at once.
    RestartNow,
    /// A future `trial_end`: a trial until then.
    TrialUntil(i64),
}

impl Cycle {
    /// The cycle change `params` ask of `sub` at `now`, refused by name when Stripe refuses it
    /// or the clone does not serve it.
    fn of(params: &Params, sub: &Value, now: i64) -> ApiResult<Self> {
        // A string before 2026-10-28.endive, `billing_cycle_anchor[type]` from then on.
        let (anchor, param) = match params.get("billing_cycle_anchor") {
            Some(Value::Object(given)) => {
                let param = "billing_cycle_anchor[type]";
                (string_at(given.get("type"), param)?, param)
            }
            _ => (params.str("billing_cycle_anchor")?, "billing_cycle_anchor"),
        };
        let anchor_now = match anchor {
            None | Some("unchanged") => false,
            Some("now") => true,
            Some(other) => {
                return Err(ApiError::invalid_param(
                    param,
                    format!("Invalid {param}: must be one of now or unchanged (got {other})"),
                ));
            }
        };
        refuse_trial_from_plan(params)?;
        let trialing = sub["status"] == "trialing";
        let trial = match params.str("trial_end")? {
            None => None,
            Some("now") if trialing => return Ok(Self::RestartNow),
            Some("now") => {
                return Err(ApiError::invalid_param(
                    "trial_end",
                    "trial_end=now ends a trial, and this subscription is not trialing.",
                ));
            }
            Some(_) => params.timestamp("trial_end")?,
        };
        if anchor_now && (trialing || trial.is_some()) {
            return Err(ApiError::invalid_param(
                "billing_cycle_anchor",
                "billing_cycle_anchor=now cannot be set during a trial: end the trial with \
                 trial_end=now instead.",
            ));
        }
        Ok(match trial {
            Some(end) if end <= now => {
                return Err(ApiError::invalid_param(
                    "trial_end",
                    "Invalid timestamp: must be an integer Unix timestamp in the future.",
                ));
            }
            Some(end) => Self::TrialUntil(end),
            None if anchor_now => Self::RestartNow,
            None => Self::Unchanged,
        })
    }
}

/// `POST /v1/subscriptions/{id}`: items (prorated), metadata, description, payment method,
/// tax rates, discounts, collection method, cancellation at the period's end, the billing
/// cycle (`billing_cycle_anchor`, `trial_end`); what Stripe takes and this clone does not ([`UPDATE`]) is refused.
pub(crate) async fn update_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut sub) = SUBSCRIPTION.for_update(cx, id, &UPDATE).await?;
    if sub["status"] == "canceled" {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata."
                .to_owned(),
        ));
    }
    let before = sub.clone();
    let customer = cx.customer_of(&sub).await?;
    let now = customer_now(cx, &customer).await?;
    let cycle = Cycle::of(&params, &sub, now)?;
    collection_method(&params, &mut sub)?;
    cancellation_details(&params, &mut sub)?;
    pause_collection(&params, &mut sub, now)?;
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
    add_invoice_items(cx, &params, &sub, &customer, now).await?;
    match cycle {
        Cycle::RestartNow => {
            if sub["status"] == "trialing" {
                sub["trial_end"] = json!(now);
            }
            restart_period(cx, (&mut sub, &customer), &change).await?;
        }
        Cycle::TrialUntil(end) => start_trial(cx, (&mut sub, &customer), &change, end).await?,
        Cycle::Unchanged => bill_change(cx, (&mut sub, &customer), &change).await?,
    }
    apply_metadata(&mut sub, &params)?;
    cx.save_if_changed("customer.subscription.updated", &before, sub)
        .await
}

/// Sets or clears (`pause_collection=`) `sub`'s `pause_collection`: its renewals' invoices are
/// then left drafts (`keep_as_draft`), voided (`void`) or marked uncollectible
/// (`mark_uncollectible`) and nothing is charged, until `resumes_at` (a future timestamp) if
/// given.
fn pause_collection(params: &Params, sub: &mut Value, now: i64) -> ApiResult<()> {
    const BEHAVIORS: &[&str] = &["keep_as_draft", "mark_uncollectible", "void"];
    if params.get("pause_collection") == Some(&json!("")) {
        sub["pause_collection"] = Value::Null;
        return Ok(());
    }
    let Some(pause) = params.hash("pause_collection")? else {
        return Ok(());
    };
    let pause = Params(pause.clone());
    let behavior = pause
        .one_of("behavior", BEHAVIORS)
        .map_err(|err| err.rename_param("pause_collection[behavior]"))?
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::missing("pause_collection[behavior]"))?;
    let resumes_at = timestamp_at(pause.get("resumes_at"), "pause_collection[resumes_at]")?;
    if resumes_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_param(
            "pause_collection[resumes_at]",
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
        ));
    }
    sub["pause_collection"] = json!({"behavior": behavior, "resumes_at": resumes_at});
    Ok(())
}

/// Sets `sub`'s `collection_method` and `days_until_due` when the request names them:
/// `send_invoice` needs days until due, `charge_automatically` has none.
fn collection_method(params: &Params, sub: &mut Value) -> ApiResult<()> {
    const METHODS: &[&str] = &["charge_automatically", "send_invoice"];
    if let Some(method) = params.one_of("collection_method", METHODS)? {
        sub["collection_method"] = json!(method);
        sub["days_until_due"] = Value::Null;
    }
    if let Some(days) = params.int_within("days_until_due", (0, MAX_DAYS_UNTIL_DUE))? {
        sub["days_until_due"] = json!(days);
    }
    match (
        sub["collection_method"].as_str(),
        sub["days_until_due"].is_null(),
    ) {
        (Some("send_invoice"), true) => Err(ApiError::missing("days_until_due")),
        (Some("charge_automatically"), false) => Err(ApiError::invalid_param(
            "days_until_due",
            "Invalid days_until_due: it can only be set when collection_method is send_invoice.",
        )),
        _ => Ok(()),
    }
}

/// Sets the `comment` and `feedback` of `sub`'s `cancellation_details` the request names.
pub(super) fn cancellation_details(params: &Params, sub: &mut Value) -> ApiResult<()> {
    if let Some(details) = params.hash("cancellation_details")? {
        for key in ["comment", "feedback"] {
            if let Some(v) = details.get(key) {
                sub["cancellation_details"][key] = v.clone();
            }
        }
    }
    Ok(())
}
