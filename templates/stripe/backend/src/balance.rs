//! The balance and its transactions: `GET /v1/balance`, `GET /v1/balance_transactions`
//! (and its older name `/v1/balance/history`), retrieve.

use axum::Router;
use serde_json::Value;

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::ApiResult;
use crate::kinds::BALANCE_TRANSACTION;
use crate::model::balance::{self, current};
use asym_kit::Kit;

/// The balance and balance transactions: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/balance" => get(retrieve_balance);
        "/v1/balance_transactions" => get(list_transactions);
        "/v1/balance_transactions/{id}" => get(retrieve_transaction, 1);
        "/v1/balance/history" => get(list_transactions);
        "/v1/balance/history/{id}" => get(retrieve_transaction, 2);
    }
}

/// `GET /v1/balance`.
pub(crate) async fn retrieve_balance(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[])?;
    balance::balance(cx).await
}

/// `GET /v1/balance_transactions` (`type`, `source`, `currency`, `payout`, `created`).
pub(crate) async fn list_transactions(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("type", "data->>'type' = {}"),
        ("source", "data->>'source' = {}"),
        ("currency", "data->>'currency' = {}"),
        ("payout", "data->>'payout' = {}"),
    ];
    let mut page = BALANCE_TRANSACTION.list_by(cx, &keys, &[]).await?;
    if let Some(data) = page["data"].as_array_mut() {
        data.iter_mut().for_each(|t| current(t, cx.now));
    }
    Ok(page)
}

/// `GET /v1/balance_transactions/{id}`.
pub(crate) async fn retrieve_transaction(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let mut transaction: Value = BALANCE_TRANSACTION.retrieve(cx, id).await?;
    current(&mut transaction, cx.now);
    Ok(transaction)
}
