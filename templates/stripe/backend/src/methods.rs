//! Payment methods: Stripe's test cards (`pm_card_visa`, `tok_visa`, `4242…`, the decline
//! cards), create, retrieve, update, attach, detach, list.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, Filter, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, PAYMENT_METHOD};
use crate::model::method::{attach, new_card, number_and_expiry, resolve};
use crate::model::{bank, card};
use crate::params::{Params, Takes, apply_metadata, string_at};
use crate::shapes::{BANK_ACCOUNT, BILLING_DETAILS, OTHER_TYPES};
use asym_kit::Kit;

/// Payment methods, also under a customer: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/payment_methods" => post(create), get(list);
        "/v1/payment_methods/{id}" => get(retrieve, 1), post(update, 1);
        "/v1/payment_methods/{id}/attach" => post(attach_route, 1);
        "/v1/payment_methods/{id}/detach" => post(detach, 1);
        "/v1/customers/{id}/payment_methods" => get(list_for_customer, 1);
        "/v1/customers/{id}/payment_methods/{pm}" => get(retrieve_for_customer, 1, 3);
    }
}

/// What `POST /v1/payment_methods` takes: cards and US bank accounts, so every other type's
/// details are refused by name (as is Radar's session).
#[rustfmt::skip]
const CREATE: Takes = Takes {
    route: "payment method creation",
    serves: &[&[
        "type", "card", "us_bank_account", "billing_details", "metadata", "allow_redisplay",
        "customer", "payment_method",
    ]],
    refuses: &[OTHER_TYPES, &["custom"]],
    nested: &[
        ("card", &CARD),
        ("us_bank_account", &BANK_ACCOUNT),
        ("billing_details", &BILLING_DETAILS),
    ],
};

/// A new card's `card`: its number and expiry, or a test token (the CVC is taken, as test
/// cards take any); the preferred network is not served.
pub(crate) const CARD: Takes = Takes {
    route: "payment method creation",
    serves: &[&["number", "exp_month", "exp_year", "cvc", "token"]],
    refuses: &[&["networks"]],
    nested: &[],
};

/// What `POST /v1/payment_methods/{id}` takes.
const UPDATE: Takes = Takes {
    route: "payment method updates",
    serves: &[&["billing_details", "metadata", "card", "allow_redisplay"]],
    refuses: &[&["us_bank_account"]],
    nested: &[
        ("card", &CARD_UPDATE),
        ("billing_details", &BILLING_DETAILS),
    ],
};

/// What a card's update changes: its expiry.
const CARD_UPDATE: Takes = Takes {
    route: "payment method updates",
    serves: &[&["exp_month", "exp_year"]],
    refuses: &[&["networks"]],
    nested: &[],
};

/// Stripe's `allow_redisplay` values.
const REDISPLAY: &[&str] = &["always", "limited", "unspecified"];

/// `POST /v1/payment_methods`: `type=card` with `card[token]=tok_…` or `card[number]…`.
pub(crate) async fn create(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    if let Some(source) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        // Cloning a connected account's method: here, a copy of the named one.
        let original = resolve(cx, source, "payment_method").await?;
        return Ok(original);
    }
    let kind = params.required("type")?;
    if kind == "us_bank_account" {
        let method = bank::create(cx, &params).await?;
        return finish_create(cx, method, &params).await;
    }
    if kind != "card" {
        return Err(ApiError::invalid_param(
            "type",
            format!(
                "The payment method type `{kind}` is not supported by this clone; use `card` or \
                 `us_bank_account`."
            ),
        ));
    }
    let card = params
        .hash("card")?
        .ok_or_else(|| ApiError::missing("card"))?;
    let method = if let Some(token) = string_at(card.get("token"), "card[token]")? {
        let test = card::named(token)
            .ok_or_else(|| ApiError::missing_resource("token", token, "card[token]"))?;
        let billing = params.get("billing_details").cloned();
        new_card(
            cx,
            test.number,
            test.brand,
            test.funding,
            (12, 2034),
            billing.as_ref(),
        )
        .await?
    } else {
        let (number, exp) = number_and_expiry(card, "card")?;
        let (brand, funding) = card::brand_and_funding(&number);
        let billing = params.get("billing_details").cloned();
        new_card(cx, &number, brand, funding, exp, billing.as_ref()).await?
    };
    finish_create(cx, method, &params).await
}

/// What every new payment method takes after its type's details: `allow_redisplay`,
/// `metadata` and the `customer` it is attached to.
async fn finish_create(cx: &mut Cx<'_>, mut method: Value, params: &Params) -> ApiResult {
    if let Some(value) = params.one_of("allow_redisplay", REDISPLAY)? {
        method["allow_redisplay"] = json!(value);
    }
    apply_metadata(&mut method, params)?;
    cx.save(&method)?;
    if let Some(customer) = params.str("customer")?.filter(|s| !s.is_empty()) {
        let id = method["id"].as_str().unwrap_or_default().to_owned();
        method = attach(cx, &id, customer, "customer").await?;
    }
    Ok(method)
}

/// `GET /v1/payment_methods/{id}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    if card::named(id).is_some() || bank::named(id).is_some() {
        return resolve(cx, id, "").await;
    }
    PAYMENT_METHOD.find(cx, id).await
}

/// `POST /v1/payment_methods/{id}`: `billing_details`, `metadata`, `card[exp_month|exp_year]`.
pub(crate) async fn update(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&UPDATE)?;
    let mut method = PAYMENT_METHOD.lock(cx, id).await?;
    let before = method.clone();
    let params = cx.params.clone();
    if let Some(billing) = params.hash("billing_details")? {
        for (key, value) in billing {
            method["billing_details"][key.as_str()] = value.clone();
        }
    }
    if let Some(card) = params.hash("card")? {
        for key in ["exp_month", "exp_year"] {
            if let Some(n) = crate::params::int_at(card.get(key), key)? {
                method["card"][key] = json!(n);
            }
        }
    }
    if let Some(value) = params.one_of("allow_redisplay", REDISPLAY)? {
        method["allow_redisplay"] = json!(value);
    }
    apply_metadata(&mut method, &params)?;
    cx.save_if_changed("payment_method.updated", &before, method)
        .await
}

/// `POST /v1/payment_methods/{id}/attach` (`customer`).
pub(crate) async fn attach_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&Takes {
        route: "payment method attachment",
        serves: &[&["customer"]],
        refuses: &[&["customer_account"]],
        nested: &[],
    })?;
    let customer = cx.params.required("customer")?.to_owned();
    attach(cx, id, &customer, "payment_method").await
}

/// `POST /v1/payment_methods/{id}/detach`.
pub(crate) async fn detach(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut method = PAYMENT_METHOD.lock(cx, id).await?;
    let Some(customer_id) = method["customer"].as_str().map(str::to_owned) else {
        return Err(ApiError::invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
        )
        .code("payment_method_unexpected_state"));
    };
    let before = method.clone();
    method["customer"] = Value::Null;
    cx.save(&method)?;
    if let Some(mut customer) = cx.get("customer", &customer_id, true).await?
        && customer["invoice_settings"]["default_payment_method"].as_str() == Some(id)
    {
        let old = customer.clone();
        customer["invoice_settings"]["default_payment_method"] = Value::Null;
        cx.save_changed("customer.updated", &old, &customer).await?;
    }
    cx.emit_changed("payment_method.detached", &before, &method)
        .await?;
    Ok(method)
}

/// `GET /v1/payment_methods` (`customer`, `type`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &["customer", "type", "allow_redisplay"])?;
    let customer = cx.params.str("customer")?.filter(|s| !s.is_empty());
    let filters = customer.map(|c| ("customer = {}", c.to_owned()));
    list_cards(cx, filters.into_iter().collect()).await
}

/// `GET /v1/customers/{id}/payment_methods`.
pub(crate) async fn list_for_customer(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    allow_paging(cx, &["type", "allow_redisplay"])?;
    CUSTOMER.named(cx, customer, "customer").await?;
    list_cards(cx, vec![("customer = {}", customer.to_owned())]).await
}

/// A page of payment methods matching `filters` and the request's `type`.
async fn list_cards(cx: &Cx<'_>, mut filters: Vec<Filter>) -> ApiResult {
    if let Some(kind) = cx.params.str("type")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'type' = {}", kind.to_owned()));
    }
    PAYMENT_METHOD.list(cx, &filters).await
}

/// `GET /v1/customers/{id}/payment_methods/{pm}`.
pub(crate) async fn retrieve_for_customer(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let method = PAYMENT_METHOD.find(cx, id).await?;
    if method["customer"].as_str() != Some(customer) {
        return Err(ApiError::missing_resource("PaymentMethod", id, ""));
    }
    Ok(method)
}
