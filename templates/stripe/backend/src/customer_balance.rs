//! Customer balance transactions (`/v1/customers/{id}/balance_transactions`): create (the
//! customer's `balance` follows, announced by `customer.updated`), retrieve, update
//! (`description`, `metadata`), list. The ledger itself is `model::customer_balance`'s.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::kinds::{CUSTOMER, CUSTOMER_BALANCE_TRANSACTION};
use crate::model::customer_balance::{Entry, record};
use crate::params::apply_metadata;
use asym_kit::Kit;

/// Customer balance transactions: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/customers/{id}/balance_transactions" => post(create, 1), get(list, 1);
        "/v1/customers/{id}/balance_transactions/{txn}" =>
            get(retrieve, 1, 3), post(update, 1, 3);
    }
}

/// `POST /v1/customers/{id}/balance_transactions` (`amount`, `currency` required).
pub(crate) async fn create(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    cx.params
        .allow(&["amount", "currency", "description", "metadata"])?;
    let params = cx.params.clone();
    let amount = params
        .amount("amount", -MAX_AMOUNT)?
        .ok_or_else(|| ApiError::missing("amount"))?;
    let currency = params.required("currency")?;
    let mut customer = CUSTOMER.lock(cx, customer).await?;
    let before = customer.clone();
    let entry = Entry {
        amount,
        currency,
        kind: "adjustment",
        invoice: None,
        description: params.str("description")?.filter(|s| !s.is_empty()),
    };
    let mut transaction = record(cx, &mut customer, &entry).await?;
    // Stripe: "If the customer's `currency` is not set, it will be updated to this value."
    if customer["currency"].is_null() {
        customer["currency"] = json!(currency.to_lowercase());
    }
    if params.has("metadata") {
        apply_metadata(&mut transaction, &params)?;
        cx.save(&transaction)?;
    }
    cx.save_changed("customer.updated", &before, &customer)
        .await?;
    Ok(transaction)
}

/// Transaction `id` of customer `customer` (Stripe's 404s: the customer, then the
/// transaction), locked when `lock`.
async fn find(cx: &Cx<'_>, customer: &str, id: &str, lock: bool) -> ApiResult<Value> {
    CUSTOMER.find(cx, customer).await?;
    let transaction = if lock {
        CUSTOMER_BALANCE_TRANSACTION.lock(cx, id).await?
    } else {
        CUSTOMER_BALANCE_TRANSACTION.find(cx, id).await?
    };
    if transaction["customer"] != customer {
        return Err(ApiError::missing_resource(
            "customer balance transaction",
            id,
            "transaction",
        ));
    }
    Ok(transaction)
}

/// `GET /v1/customers/{id}/balance_transactions/{txn}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    find(cx, customer, id, false).await
}

/// `POST /v1/customers/{id}/balance_transactions/{txn}`: `description`, `metadata`.
pub(crate) async fn update(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&["description", "metadata"])?;
    let params = cx.params.clone();
    let mut transaction = find(cx, customer, id, true).await?;
    let before = transaction.clone();
    params.copy_nullable(&mut transaction, &["description"])?;
    apply_metadata(&mut transaction, &params)?;
    if transaction != before {
        cx.save(&transaction)?;
    }
    Ok(transaction)
}

/// `GET /v1/customers/{id}/balance_transactions` (`invoice`, `created`).
pub(crate) async fn list(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    allow_with(cx, &["invoice"])?;
    CUSTOMER.find(cx, customer).await?;
    let mut filters = list_filters(cx, &[("invoice", "data->>'invoice' = {}")])?;
    filters.push(("customer = {}", customer.to_owned()));
    CUSTOMER_BALANCE_TRANSACTION.list(cx, &filters).await
}
