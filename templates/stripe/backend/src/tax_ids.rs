//! Tax ids: a customer's (`/v1/customers/{id}/tax_ids`: create, retrieve, delete, list) and
//! the top-level `/v1/tax_ids` (create for a customer or the account itself, retrieve,
//! delete, list by `owner`). The objects are `model::tax_id`'s.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, TAX_ID};
use crate::model::tax_id::new_tax_id;
use crate::params::{Takes, required_at, unserved};
use asym_kit::Kit;

/// Tax ids: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/customers/{id}/tax_ids" => post(create_for_customer, 1), get(list_for_customer, 1);
        "/v1/customers/{id}/tax_ids/{tax_id}" =>
            get(retrieve_for_customer, 1, 3), delete(delete_for_customer, 1, 3);
        "/v1/tax_ids" => post(create), get(list);
        "/v1/tax_ids/{id}" => get(retrieve, 1), delete(delete, 1);
    }
}

/// What `POST /v1/customers/{id}/tax_ids` takes.
const CUSTOMER_CREATE: Takes = Takes::serving("customer tax id creation", &[&["type", "value"]]);

/// What `POST /v1/tax_ids` takes.
const CREATE: Takes = Takes {
    route: "tax id creation",
    serves: &[&["type", "value", "owner"]],
    refuses: &[],
    nested: &[("owner", &OWNER)],
};

/// A tax id's `owner` as created: a customer or the account itself.
const OWNER: Takes = Takes {
    route: "tax id creation",
    serves: &[&["type", "customer"]],
    refuses: &[&["account"]],
    nested: &[],
};

/// `POST /v1/customers/{id}/tax_ids` (`type`, `value`).
pub(crate) async fn create_for_customer(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    cx.params.take(&CUSTOMER_CREATE)?;
    CUSTOMER.find(cx, customer).await?;
    let params = cx.params.clone();
    new_tax_id(cx, &params.0, "", Some(customer)).await
}

/// Tax id `id` of customer `customer` (Stripe's 404s: the customer, then the tax id).
async fn of_customer(cx: &Cx<'_>, customer: &str, id: &str) -> ApiResult<Value> {
    CUSTOMER.find(cx, customer).await?;
    let tax_id = TAX_ID.find(cx, id).await?;
    if tax_id["customer"] != customer {
        return Err(ApiError::missing_resource("tax id", id, "id"));
    }
    Ok(tax_id)
}

/// `GET /v1/customers/{id}/tax_ids/{tax_id}`.
pub(crate) async fn retrieve_for_customer(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    of_customer(cx, customer, id).await
}

/// `DELETE /v1/customers/{id}/tax_ids/{tax_id}`.
pub(crate) async fn delete_for_customer(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let tax_id = of_customer(cx, customer, id).await?;
    remove(cx, &tax_id).await
}

/// Deletes `tax_id` (`customer.tax_id.deleted` for a customer's): Stripe's deleted object.
async fn remove(cx: &Cx<'_>, tax_id: &Value) -> ApiResult {
    let id = tax_id["id"].as_str().unwrap_or_default();
    cx.delete(id).await?;
    if tax_id["customer"].is_string() {
        cx.emit("customer.tax_id.deleted", tax_id, None).await?;
    }
    Ok(json!({"id": id, "object": "tax_id", "deleted": true}))
}

/// `GET /v1/customers/{id}/tax_ids`.
pub(crate) async fn list_for_customer(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    allow_with(cx, &[])?;
    CUSTOMER.find(cx, customer).await?;
    TAX_ID
        .list(cx, &[("customer = {}", customer.to_owned())])
        .await
}

/// The owner a top-level create or list names (`owner[type]`, `owner[customer]`): a
/// customer's id, or `None` for the account itself (`self`, the default).
async fn owner(cx: &Cx<'_>) -> ApiResult<Option<String>> {
    let Some(owner) = cx.params.hash("owner")? else {
        return Ok(None);
    };
    let kind = required_at(owner, "type", "owner[type]")?;
    match kind {
        "self" => Ok(None),
        "customer" => {
            let customer = required_at(owner, "customer", "owner[customer]")?;
            CUSTOMER.named(cx, customer, "owner[customer]").await?;
            Ok(Some(customer.to_owned()))
        }
        "account" | "application" => Err(unserved("owner[type]", "tax ids")),
        _ => Err(ApiError::invalid_param(
            "owner[type]",
            "Invalid owner[type]: must be one of account, application, customer, or self",
        )),
    }
}

/// `POST /v1/tax_ids` (`type`, `value`, `owner`).
pub(crate) async fn create(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let customer = owner(cx).await?;
    let params = cx.params.clone();
    new_tax_id(cx, &params.0, "", customer.as_deref()).await
}

/// `GET /v1/tax_ids/{id}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    TAX_ID.retrieve(cx, id).await
}

/// `DELETE /v1/tax_ids/{id}`.
pub(crate) async fn delete(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let tax_id = TAX_ID.lock(cx, id).await?;
    remove(cx, &tax_id).await
}

/// `GET /v1/tax_ids` (`owner[type]`, `owner[customer]`): the account's own by default.
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["owner"])?;
    let filter: Filter = match owner(cx).await? {
        Some(customer) => ("customer = {}", customer),
        None => ("data->'owner'->>'type' = {}", "self".to_owned()),
    };
    TAX_ID.list(cx, &[filter]).await
}
