//! Subscriptions.

use crate::cx::{Cx, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::SUBSCRIPTION;
use crate::model::additions::ADDITION;
use crate::model::discount;
use crate::model::proration;
use crate::model::subscribe;
use crate::model::subscription::{self, customer_now, mark_canceled};
use crate::params::{Nested, Params, Takes};
use crate::shapes::{DISCOUNT, ITEM_PRICE_DATA};
use asym_kit::Kit;
use axum::Router;

mod update;

use update::{cancellation_details, update_subscription};

/// Subscriptions: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/subscriptions" => post(create_subscription), get(list_subscriptions);
        "/v1/subscriptions/search" => get(SUBSCRIPTION.search);
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
pub(crate) async fn create_subscription(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    subscribe::create(cx, &params, None).await
}

/// `DELETE /v1/subscriptions/{id}/discount`.
pub(crate) async fn delete_discount(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let sub = SUBSCRIPTION.lock(cx, id).await?;
    discount::delete_from(cx, sub, "customer.subscription.updated").await
}

/// `DELETE /v1/subscriptions/{id}` (and `POST …/cancel`): cancels at once; `prorate=true`
/// credits the unused time as pending invoice items, `invoice_now=true` bills what is pending
/// on a final invoice.
pub(crate) async fn cancel_subscription(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&CANCEL)?;
    let invoice_now = cx.params.bool("invoice_now")? == Some(true);
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
    if invoice_now {
        subscription::invoice_now(cx, (&mut sub, &customer), now).await?;
    }
    mark_canceled(&mut sub, now);
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
