//! Cards as the legacy APIs have them (`card_…`, `object: "card"`): what a token carries
//! (`tok_…`, single-use), a customer's sources with its `default_source`, and the payment
//! method a charge sees in one.

use serde_json::{Map, Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CARD, TOKEN};
use crate::model::card;

/// A card's billing fields, as a token's `card[…]` and a source's update name them.
pub(crate) const ADDRESS_FIELDS: &[&str] = &[
    "address_city",
    "address_country",
    "address_line1",
    "address_line2",
    "address_state",
    "address_zip",
];

/// The brand a card object names (`Visa`, `American Express`, …) for a payment method's
/// brand code (`visa`, `amex`, …).
fn brand_name(code: &str) -> &'static str {
    match code {
        "visa" => "Visa",
        "mastercard" => "MasterCard",
        "amex" => "American Express",
        "discover" => "Discover",
        "diners" => "Diners Club",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        _ => "Unknown",
    }
}

/// A new card (not stored: its sequence value is kept as `_seq` for when it is) for `number`, expiring `exp`, with the cardholder's `name` and
/// address fields from `given` (the others `null`); Radar's checks are the test card's,
/// an address check `null` when no such line was given.
pub(crate) async fn new_card(
    cx: &Cx<'_>,
    number: &str,
    exp: (i64, i64),
    given: &Map<String, Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("card_").await?;
    let (brand, funding) = card::brand_and_funding(number);
    let test = card::by_number(number);
    let [cvc, line1, zip] = test.map_or(card::UNCHECKED, |c| c.checks);
    let check = |field: &str, result: &str| {
        given
            .get(field)
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            .map(|_| json!(if result.is_empty() { "pass" } else { result }))
            .unwrap_or(Value::Null)
    };
    let mut card = json!({
        "id": id,
        "object": "card",
        "address_city": null,
        "address_country": null,
        "address_line1": null,
        "address_line1_check": check("address_line1", line1),
        "address_line2": null,
        "address_state": null,
        "address_zip": null,
        "address_zip_check": check("address_zip", zip),
        "brand": brand_name(brand),
        "country": test.map_or("US", |c| c.country),
        "customer": null,
        "cvc_check": cvc,
        "dynamic_last4": null,
        "exp_month": exp.0,
        "exp_year": exp.1,
        "fingerprint": crate::ids::base62(&format!("fp:{number}"), 16),
        "funding": funding,
        "last4": &number[number.len().saturating_sub(4)..],
        "metadata": {},
        "name": null,
        "networks": {"preferred": null},
        "regulated_status": null,
        "tokenization_method": null,
        "_number": number,
        "_seq": seq,
    });
    for key in ADDRESS_FIELDS.iter().chain(&["name"]) {
        if let Some(Value::String(value)) = given.get(*key) {
            card[*key] = json!(value);
        }
    }
    Ok(card)
}

/// A new token (stored, unused) carrying `card`.
pub(crate) async fn new_token(cx: &Cx<'_>, card: Value) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("tok_").await?;
    let token = json!({"id": id, "object": "token", "card": card, "client_ip": null,
                       "created": cx.now, "livemode": false, "type": "card", "used": false});
    cx.insert(seq, &token)?;
    Ok(token)
}

/// The card a token reference stands for, stored (no customer yet): a test token
/// (`tok_visa`, `tok_chargeDeclined`, …) makes a fresh one each time, as Stripe's do; a
/// token from `POST /v1/tokens` is spent (`used`), a second use Stripe's
/// `token_already_used`. Anything else is `No such token`, naming `param`.
pub(crate) async fn spend_token(cx: &Cx<'_>, reference: &str, param: &str) -> ApiResult<Value> {
    let card = if let Some(test) = card::named(reference).filter(|_| reference.starts_with("tok_"))
    {
        new_card(cx, test.number, (12, 2034), &Map::new()).await?
    } else {
        let mut token = TOKEN.lock_named(cx, reference, param).await?;
        if token["used"] == true {
            return Err(ApiError::invalid_param(
                param,
                format!("You cannot use a Stripe token more than once: {reference}."),
            )
            .code("token_already_used"));
        }
        token["used"] = json!(true);
        cx.save(&token)?;
        token["card"].take()
    };
    cx.insert(card["_seq"].as_i64().unwrap_or_default(), &card)?;
    Ok(card)
}

/// Adds the card token `reference` stands for to `customer` as a source: refused as
/// Stripe's card check refuses the test cards that decline; it becomes the customer's
/// `default_source` when it has none (the caller saves the customer). Emits
/// `customer.source.created`. The card, as stored.
pub(crate) async fn add(
    cx: &Cx<'_>,
    customer: &mut Value,
    reference: &str,
    param: &str,
) -> ApiResult<Value> {
    let mut card = spend_token(cx, reference, param).await?;
    if let Some(decline) = card::attach_refusal(card["_number"].as_str().unwrap_or_default()) {
        return Err(decline.error());
    }
    card["customer"] = customer["id"].clone();
    cx.save(&card)?;
    if customer["default_source"].is_null() {
        customer["default_source"] = card["id"].clone();
    }
    cx.emit("customer.source.created", &card, None).await?;
    Ok(card)
}

/// The card `id` of customer `owner`, locked, or `No such source` naming `id` (rename the
/// parameter where a request names it otherwise).
pub(crate) async fn of_customer(cx: &Cx<'_>, owner: &Value, id: &str) -> ApiResult<Value> {
    let card = CARD.lock(cx, id).await?;
    if card["customer"] != owner["id"] {
        return Err(ApiError::missing_resource("source", id, "id"));
    }
    Ok(card)
}

/// Removes `card` from its customer (`customer`, locked, saved by the caller): it is
/// deleted, and when it was the default the most recently added remaining card (or none)
/// becomes the default, as Stripe's API reference says. Emits `customer.source.deleted`.
pub(crate) async fn remove(cx: &Cx<'_>, customer: &mut Value, card: &Value) -> ApiResult<()> {
    let id = card["id"].as_str().unwrap_or_default();
    cx.delete(id).await?;
    if customer["default_source"].as_str() == Some(id) {
        let owner = customer["id"].as_str().unwrap_or_default().to_owned();
        let rest = cx.all("card", &[("customer = {}", owner)]).await?;
        customer["default_source"] = rest.first().map_or(Value::Null, |c| c["id"].clone());
    }
    cx.emit("customer.source.deleted", card, None).await?;
    Ok(())
}

/// `card` seen as a card payment method (what a charge is made from): its billing fields
/// as `billing_details`, its details under `card` with the brand's code and the checks.
pub(crate) fn as_method(card: &Value) -> Value {
    let number = card["_number"].as_str().unwrap_or_default();
    json!({
        "id": card["id"],
        "object": "payment_method",
        "billing_details": {
            "address": {"city": card["address_city"], "country": card["address_country"],
                        "line1": card["address_line1"], "line2": card["address_line2"],
                        "postal_code": card["address_zip"], "state": card["address_state"]},
            "email": null, "name": card["name"], "phone": null,
        },
        "card": {
            "brand": card::brand_and_funding(number).0,
            "checks": {"address_line1_check": card["address_line1_check"],
                       "address_postal_code_check": card["address_zip_check"],
                       "cvc_check": card["cvc_check"]},
            "country": card["country"],
            "exp_month": card["exp_month"],
            "exp_year": card["exp_year"],
            "fingerprint": card["fingerprint"],
            "funding": card["funding"],
            "last4": card["last4"],
        },
        "customer": card["customer"],
        "type": "card",
        "_number": number,
    })
}
