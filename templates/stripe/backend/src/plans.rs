//! Plans, the legacy form of recurring prices (`stripe.Plan`, `stripe.plans`): a plan is a
//! recurring price seen as `object: "plan"` (`amount`, `interval`, …), with the same id, so a
//! plan subscribes as `items[0][price]` (or `[plan]`) and every recurring price reads as a plan.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::catalog::product_from;
use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::PRODUCT;
use crate::model::price::new_price;
use crate::model::subscription::plan_of;
use crate::params::{Params, Takes, apply_metadata};
use asym_kit::Kit;

/// Plans: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/plans" => post(create_plan), get(list_plans);
        "/v1/plans/{id}" => get(retrieve_plan, 1), post(update_plan, 1), delete(delete_plan, 1);
    }
}

/// What `POST /v1/plans` takes.
#[rustfmt::skip]
const PLAN_CREATE: Takes = Takes {
    route: "plan creation",
    serves: &[&[
        "active", "amount", "amount_decimal", "billing_scheme", "currency", "id", "interval",
        "interval_count", "metadata", "nickname", "product", "trial_period_days", "usage_type",
        "tiers", "tiers_mode",
    ]],
    refuses: &[&["meter", "transform_usage"]],
    nested: &[("tiers", &crate::model::tiers::TIER)],
};

/// What `POST /v1/plans/{id}` takes.
const PLAN_UPDATE: Takes = Takes::serving(
    "plan updates",
    &[&["active", "metadata", "nickname", "trial_period_days"]],
);

/// A plan's parameter for a price's (`amount` for `unit_amount`, `interval` for
/// `recurring[interval]`, …), so that refusals name what the request sent.
const PLAN_NAMES: &[(&str, &str)] = &[
    ("unit_amount_decimal", "amount_decimal"),
    ("unit_amount", "amount"),
    ("recurring[interval_count]", "interval_count"),
    ("recurring[interval]", "interval"),
    ("recurring[trial_period_days]", "trial_period_days"),
    ("recurring[usage_type]", "usage_type"),
];

/// `err` with the price's parameter names as the plan's.
fn plan_param(err: ApiError) -> ApiError {
    err.map_param(|param| {
        PLAN_NAMES
            .iter()
            .find(|(price, _)| *price == param)
            .map(|(_, plan)| (*plan).to_owned())
    })
}

/// `POST /v1/plans`: a recurring price from `amount`, `currency`, `interval` and the rest, for
/// `product` (an id, or a hash making one with its `name`); `id` when the request names one.
pub(crate) async fn create_plan(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PLAN_CREATE)?;
    let params = cx.params.clone();
    if let Some(id) = params.str("id")?.filter(|s| !s.is_empty())
        && (cx.get_any(id).await?.is_some() || cx.exists_deleted("price", id).await?)
    {
        return Err(
            ApiError::invalid_param("id", "Plan already exists.").code("resource_already_exists")
        );
    }
    let product = match params.get("product") {
        Some(Value::String(id)) if !id.is_empty() => {
            PRODUCT.named(cx, id, "product").await?;
            id.clone()
        }
        Some(Value::Object(data)) => product_from(cx, data, "product").await?,
        _ => return Err(ApiError::missing("product")),
    };
    let price = new_price(cx, &price_data(&params), &product, "")
        .await
        .map_err(plan_param)?;
    let plan = plan_of(&price);
    cx.emit("plan.created", &plan, None).await?;
    Ok(plan)
}

/// A plan create's parameters as a price create's.
fn price_data(params: &Params) -> Map<String, Value> {
    let mut data = Map::new();
    let mut recurring = Map::new();
    for (key, value) in &params.0 {
        let (target, name) = match key.as_str() {
            "amount" => (&mut data, "unit_amount"),
            "amount_decimal" => (&mut data, "unit_amount_decimal"),
            "interval" | "interval_count" | "trial_period_days" | "usage_type" => {
                (&mut recurring, key.as_str())
            }
            "product" | "expand" => continue,
            other => (&mut data, other),
        };
        target.insert(name.to_owned(), value.clone());
    }
    data.insert("recurring".to_owned(), Value::Object(recurring));
    data
}

/// Recurring price `id` (every plan is one), or `No such plan`.
async fn plan_price(cx: &Cx<'_>, id: &str, lock: bool) -> ApiResult<Value> {
    cx.get("price", id, lock)
        .await?
        .filter(|price| price["type"] == "recurring")
        .ok_or_else(|| ApiError::missing_resource("plan", id, "id"))
}

/// `GET /v1/plans/{id}`.
pub(crate) async fn retrieve_plan(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    Ok(plan_of(&plan_price(cx, id, false).await?))
}

/// `POST /v1/plans/{id}` (`active`, `metadata`, `nickname`, `trial_period_days`).
pub(crate) async fn update_plan(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&PLAN_UPDATE)?;
    let params = cx.params.clone();
    let mut price = plan_price(cx, id, true).await?;
    let before = plan_of(&price);
    if let Some(active) = params.bool("active")? {
        price["active"] = json!(active);
    }
    if let Some(nickname) = params.nullable("nickname")? {
        price["nickname"] = nickname;
    }
    let most = crate::bounds::MAX_TRIAL_DAYS;
    if let Some(days) = params.int_within("trial_period_days", (0, most))? {
        price["recurring"]["trial_period_days"] = json!(days);
    }
    apply_metadata(&mut price, &params)?;
    let plan = plan_of(&price);
    if plan != before {
        cx.save(&price)?;
        cx.emit_changed("plan.updated", &before, &plan).await?;
    }
    Ok(plan)
}

/// `DELETE /v1/plans/{id}`: gone as a plan and as a price; subscriptions keep their copy.
pub(crate) async fn delete_plan(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let price = plan_price(cx, id, true).await?;
    cx.delete(id).await?;
    cx.emit("plan.deleted", &plan_of(&price), None).await?;
    Ok(json!({"id": id, "object": "plan", "deleted": true}))
}

/// `GET /v1/plans` (`active`, `product`, `created`): the recurring prices, as plans.
pub(crate) async fn list_plans(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["active", "product"])?;
    let mut filters: Vec<Filter> = vec![("data->>'type' = {}", "recurring".to_owned())];
    if let Some(active) = cx.params.bool("active")? {
        filters.push(("data->>'active' = {}", active.to_string()));
    }
    if let Some(product) = cx.params.str("product")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'product' = {}", product.to_owned()));
    }
    cx.created_filters(&mut filters)?;
    let mut page = cx.list_parsed("price", "plan", &filters).await?;
    if let Some(data) = page["data"].as_array_mut() {
        data.iter_mut().for_each(|price| *price = plan_of(price));
    }
    Ok(page)
}
