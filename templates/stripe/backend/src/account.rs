//! The account the keys belong to: `GET /v1/account` (stripe-python's `Account.retrieve()`,
//! stripe-node's `accounts.retrieve()` / `retrieveCurrent()`), the call apps make to check
//! their keys; `GET /v1/accounts/{id}` for its own id, and `GET /v1/accounts`, the connected
//! accounts of a platform, which this account is not (an empty list).

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{self, Cx, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use asym_kit::Kit;

/// The account: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/account" => get(retrieve_own);
        "/v1/accounts" => get(list_connected);
        "/v1/accounts/{id}" => get(retrieve, 1);
    }
}

/// The clone's account id: `acct_` and 16 characters, the same for the clone's whole life.
fn account_id(cx: &Cx<'_>) -> String {
    let digest = asym_kit::token::hash(&cx.kit.config().clone_id);
    format!("acct_{}", &digest[..16])
}

/// `GET /v1/account`.
pub(crate) async fn retrieve_own(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[])?;
    account(cx).await
}

/// `GET /v1/accounts/{id}`: the account itself by its id; any other is one this key cannot
/// reach (Stripe's 403 `account_invalid`).
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    if id != account_id(cx) {
        return Err(ApiError::forbidden(
            "account_invalid",
            format!(
                "The provided key does not have access to account '{id}' (or that account does \
                 not exist). Application access may have been revoked."
            ),
        ));
    }
    account(cx).await
}

/// The account: a test-mode standard account in the US, charging and paying out in dollars,
/// created when the clone's keys were.
async fn account(cx: &Cx<'_>) -> ApiResult {
    let created: Option<i64> = cx
        .tx
        .query_one("SELECT min(created) FROM api_keys", &[])
        .await?
        .get(0);
    Ok(json!({
        "id": account_id(cx),
        "object": "account",
        "business_profile": {
            "annual_revenue": null, "estimated_worker_count": null, "mcc": null,
            "name": "Asym test account", "product_description": null, "support_address": null,
            "support_email": null, "support_phone": null, "support_url": null, "url": null,
        },
        "business_type": null,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": true,
        "country": "US",
        "created": created.unwrap_or(cx.now),
        "default_currency": "usd",
        "details_submitted": true,
        "email": null,
        "metadata": {},
        "payouts_enabled": true,
        "settings": {
            "branding": {
                "icon": null, "logo": null, "primary_color": null, "secondary_color": null,
            },
            "card_payments": {
                "decline_on": {"avs_failure": false, "cvc_failure": false},
                "statement_descriptor_prefix": null, "statement_descriptor_prefix_kana": null,
                "statement_descriptor_prefix_kanji": null,
            },
            "dashboard": {"display_name": "Asym test account", "timezone": "Etc/UTC"},
            "payments": {
                "statement_descriptor": null, "statement_descriptor_kana": null,
                "statement_descriptor_kanji": null,
            },
        },
        "type": "standard",
    }))
}

/// `GET /v1/accounts`: no connected accounts.
pub(crate) async fn list_connected(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &["created"])?;
    Ok(cx::list_value(Vec::<Value>::new(), false, "/v1/accounts"))
}
