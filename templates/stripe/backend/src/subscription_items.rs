//! Subscription items (`/v1/subscription_items`): listed and retrieved from their
//! subscriptions, and created, changed and deleted as changes of those subscriptions.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, Filter, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::SUBSCRIPTION;
use crate::model::change::{Change, bill_change, change_items};
use crate::model::subscription::customer_now;
use crate::params::{Params, Takes};
use crate::shapes::ITEM_PRICE_DATA;
use asym_kit::Kit;

/// Subscription items: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/subscription_items" =>
            post(create_subscription_item), get(list_subscription_items);
        "/v1/subscription_items/{id}" => get(retrieve_subscription_item, 1),
            post(update_subscription_item, 1), delete(delete_subscription_item, 1);
    }
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

/// What `/v1/subscription_items` writes serve: the item's fields (as an `items[n]` entry of a
/// subscription update) and how the change is made.
#[rustfmt::skip]
const ITEM_SERVED: &[&str] = &[
    "price", "price_data", "plan", "quantity", "tax_rates", "metadata", "proration_behavior",
    "proration_date", "payment_behavior",
];

/// What Stripe takes on an item's create and update that this clone does not serve.
const ITEM_UNSERVED: &[&str] = &["billing_thresholds", "current_trial", "discounts"];

/// What `POST /v1/subscription_items` takes.
const ITEM_CREATE: Takes = Takes {
    route: "subscription item creation",
    serves: &[ITEM_SERVED, &["subscription"]],
    refuses: &[ITEM_UNSERVED],
    nested: &[("price_data", &ITEM_PRICE_DATA)],
};

/// What `POST /v1/subscription_items/{id}` takes.
const ITEM_UPDATE: Takes = Takes {
    route: "subscription item updates",
    serves: &[ITEM_SERVED, &["off_session"]],
    refuses: &[ITEM_UNSERVED],
    nested: &[("price_data", &ITEM_PRICE_DATA)],
};

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
    change_items(cx, &mut sub, &[spec], now)
        .await
        .map_err(item_param)?;
    bill_change(cx, (&mut sub, &customer), &change).await?;
    cx.save_if_changed("customer.subscription.updated", &before, sub)
        .await
}

/// `err` named as this route's parameters are: `price`, `quantity`, `price_data[product]`, not
/// the `items[0][…]` of the subscription update the change is made as.
fn item_param(err: ApiError) -> ApiError {
    err.map_param(|param| {
        let inner = param.strip_prefix("items[0][")?;
        let (head, tail) = inner.split_once(']').unwrap_or((inner, ""));
        Some(format!("{head}{tail}"))
    })
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
    cx.params.take(&ITEM_CREATE)?;
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
    cx.params.take(&ITEM_UPDATE)?;
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
