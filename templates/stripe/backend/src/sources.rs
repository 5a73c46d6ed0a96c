//! The legacy card APIs: card tokens (`POST /v1/tokens`, `GET /v1/tokens/{id}`) and a
//! customer's card sources (`/v1/customers/{id}/sources`).

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, allow_paging, list_value};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CARD, CUSTOMER, TOKEN};
use crate::model::card;
use crate::model::method::{expiry_month, number_and_expiry};
use crate::model::source::{self, ADDRESS_FIELDS, new_card, new_token};
use crate::params::{Takes, apply_metadata, int_at, string_at, unserved};
use asym_kit::Kit;

/// Tokens and a customer's sources: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/tokens" => post(create_token);
        "/v1/tokens/{id}" => get(retrieve_token, 1);
        "/v1/customers/{id}/sources" => post(create_source, 1), get(list_sources, 1);
        "/v1/customers/{id}/sources/{card}" => get(retrieve_source, 1, 3), post(update_source, 1, 3), delete(delete_source, 1, 3);
        "/v1/customers/{id}/sources/{card}/verify" => post(verify_source, 1, 3);
    }
}

/// What `POST /v1/tokens` takes: card tokens only (bank accounts, accounts, persons, PII and
/// CVC updates are refused by name).
#[rustfmt::skip]
const TOKEN_CREATE: Takes = Takes {
    route: "token creation",
    serves: &[&["card"]],
    refuses: &[&["account", "bank_account", "customer", "cvc_update", "person", "pii"]],
    nested: &[("card", &TOKEN_CARD)],
};

/// A token's `card`: its number, expiry, CVC, cardholder and billing address (the
/// preferred network and a currency, for payout cards, are not served).
const TOKEN_CARD: Takes = Takes {
    route: "token creation",
    serves: &[
        &["number", "exp_month", "exp_year", "cvc", "name"],
        ADDRESS_FIELDS,
    ],
    refuses: &[&["currency", "networks"]],
    nested: &[],
};

/// `POST /v1/tokens` with `card[number]`, `card[exp_month]`, `card[exp_year]` (and `cvc`,
/// `name`, `address_…`): a single-use card token. The clone's account takes raw card
/// numbers in test mode, as its payment methods do (an account without Stripe's raw card
/// data access is refused them).
pub(crate) async fn create_token(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&TOKEN_CREATE)?;
    let Some(Value::Object(given)) = cx.params.get("card").cloned() else {
        return match cx.params.get("card") {
            None => Err(ApiError::missing("card")),
            // A card's id (`card=card_…`) tokenizes a customer's card for a connected
            // account: Connect is not served.
            Some(_) => Err(unserved("card", "token creation (a card id: Connect)")),
        };
    };
    let (number, exp) = number_and_expiry(&given, "card")?;
    let card = new_card(cx, &number, exp, &given).await?;
    new_token(cx, card).await
}

/// `GET /v1/tokens/{id}`: a test token's name (`tok_visa`) gives a fresh token of its card.
pub(crate) async fn retrieve_token(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    if let Some(test) = card::named(id).filter(|_| id.starts_with("tok_")) {
        let card = new_card(cx, test.number, (12, 2034), &serde_json::Map::new()).await?;
        return new_token(cx, card).await;
    }
    TOKEN.find(cx, id).await
}

/// What `POST /v1/customers/{id}/sources` takes: a card token as `source` (`validate` is
/// taken and changes nothing: test cards are checked either way).
const SOURCE_CREATE: Takes = Takes::serving(
    "customer source creation",
    &[&["source", "metadata", "validate"]],
);

/// `POST /v1/customers/{id}/sources` (`source=tok_…`, `metadata`): the token's card added to
/// the customer, its `default_source` when it had none (`customer.updated`).
pub(crate) async fn create_source(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    cx.params.take(&SOURCE_CREATE)?;
    let params = cx.params.clone();
    params.bool("validate")?;
    let reference = params.required("source")?.to_owned();
    let mut owner = CUSTOMER.lock(cx, customer).await?;
    let before = owner.clone();
    let mut card = source::add(cx, &mut owner, &reference, "source").await?;
    if params.has("metadata") {
        apply_metadata(&mut card, &params)?;
        cx.save(&card)?;
    }
    if owner != before {
        cx.save_changed("customer.updated", &before, &owner).await?;
    }
    Ok(card)
}

/// `GET /v1/customers/{id}/sources` (`object`): the customer's cards, newest first; bank
/// accounts and sources (`object=bank_account`, `source`) are not served, so none.
pub(crate) async fn list_sources(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    allow_paging(cx, &["object"])?;
    CUSTOMER.find(cx, customer).await?;
    let kinds = ["alipay_account", "bank_account", "card", "source"];
    if cx
        .params
        .one_of("object", &kinds)?
        .is_some_and(|k| k != "card")
    {
        return Ok(list_value(Vec::new(), false, &cx.path));
    }
    CARD.list(cx, &[("customer = {}", customer.to_owned())])
        .await
}

/// `GET /v1/customers/{id}/sources/{card}`.
pub(crate) async fn retrieve_source(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let owner = CUSTOMER.find(cx, customer).await?;
    source::of_customer(cx, &owner, id).await
}

/// What `POST /v1/customers/{id}/sources/{card}` takes: a card's cardholder, billing address,
/// expiry and metadata (a bank account's holder and a source's owner are refused by name).
#[rustfmt::skip]
const SOURCE_UPDATE: Takes = Takes {
    route: "customer source updates",
    serves: &[ADDRESS_FIELDS, &["exp_month", "exp_year", "metadata", "name"]],
    refuses: &[&["account_holder_name", "account_holder_type", "owner"]],
    nested: &[],
};

/// `POST /v1/customers/{id}/sources/{card}` (`name`, `address_…`, `exp_month`, `exp_year`,
/// `metadata`): `customer.source.updated` when it changes.
pub(crate) async fn update_source(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.take(&SOURCE_UPDATE)?;
    let params = cx.params.clone();
    let owner = CUSTOMER.find(cx, customer).await?;
    let mut card = source::of_customer(cx, &owner, id).await?;
    let before = card.clone();
    for key in ADDRESS_FIELDS.iter().chain(&["name"]) {
        if let Some(value) = string_at(params.get(key), key)? {
            card[*key] = if value.is_empty() {
                Value::Null
            } else {
                json!(value)
            };
        }
    }
    if let Some(month) = int_at(params.get("exp_month"), "exp_month")? {
        expiry_month(month, "exp_month")?;
        card["exp_month"] = json!(month);
    }
    if let Some(year) = int_at(params.get("exp_year"), "exp_year")? {
        card["exp_year"] = json!(if year < 100 { 2000 + year } else { year });
    }
    apply_metadata(&mut card, &params)?;
    cx.save_if_changed("customer.source.updated", &before, card)
        .await
}

/// `DELETE /v1/customers/{id}/sources/{card}`: `{id, object: "card", deleted: true}`; the
/// default moves to the newest remaining card (`customer.updated`).
pub(crate) async fn delete_source(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut owner = CUSTOMER.lock(cx, customer).await?;
    let card = source::of_customer(cx, &owner, id).await?;
    let before = owner.clone();
    source::remove(cx, &mut owner, &card).await?;
    if owner != before {
        cx.save_changed("customer.updated", &before, &owner).await?;
    }
    Ok(json!({"id": id, "object": "card", "deleted": true}))
}

/// `POST /v1/customers/{id}/sources/{card}/verify`: bank account verification, refused by
/// name (bank accounts are not served; a card needs none).
pub(crate) async fn verify_source(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&["amounts"])?;
    let owner = CUSTOMER.find(cx, customer).await?;
    source::of_customer(cx, &owner, id).await?;
    Err(unserved(
        "amounts",
        "customer source verification (bank accounts)",
    ))
}
