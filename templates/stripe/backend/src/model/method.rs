//! Payment methods: a new card, resolving a payment method reference (a test card name
//! makes a fresh one), attaching one to a customer.

use serde_json::{Map, Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, PAYMENT_METHOD};
use crate::model::card::{self, TestCard, luhn_ok};
use crate::model::{bank, source};
use crate::params::{int_at, string_at};

/// Builds (and stores) a new card payment method.
pub(crate) async fn new_card(
    cx: &mut Cx<'_>,
    number: &str,
    brand: &str,
    funding: &str,
    exp: (i64, i64),
    billing: Option<&Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("pm_").await?;
    let last4 = &number[number.len().saturating_sub(4)..];
    let test = card::by_number(number);
    let [cvc, line1, postal_code] = test
        .map_or(card::UNCHECKED, |c| c.checks)
        .map(|check| Some(check).filter(|c| !c.is_empty()));
    let supported = test.is_none_or(|c| c.three_ds != card::ThreeDs::NotSupported);
    let method = json!({
        "id": id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": billing_details(billing),
        "card": {
            "brand": brand,
            "checks": {"address_line1_check": line1, "address_postal_code_check": postal_code,
                       "cvc_check": cvc},
            "country": test.map_or("US", |c| c.country),
            "display_brand": brand,
            "exp_month": exp.0,
            "exp_year": exp.1,
            "fingerprint": crate::ids::base62(&format!("fp:{number}"), 16),
            "funding": funding,
            "generated_from": null,
            "last4": last4,
            "networks": {"available": [brand], "preferred": null},
            "three_d_secure_usage": {"supported": supported},
            "wallet": null,
        },
        "created": cx.now,
        "customer": null,
        "livemode": false,
        "metadata": {},
        "type": "card",
        "_number": number,
    });
    cx.insert(seq, &method)?;
    Ok(method)
}

/// A payment method's `billing_details`: every field, `null` unless `billing` (a request's
/// hash) gives it.
pub(crate) fn billing_details(billing: Option<&Value>) -> Value {
    let mut details = json!({
        "address": {"city": null, "country": null, "line1": null, "line2": null,
                    "postal_code": null, "state": null},
        "email": null, "name": null, "phone": null,
    });
    if let Some(Value::Object(given)) = billing {
        for (key, value) in given {
            match (key.as_str(), value) {
                ("address", Value::Object(address)) => {
                    for (k, v) in address {
                        details["address"][k.as_str()] = v.clone();
                    }
                }
                (k, v) => details[k] = v.clone(),
            }
        }
    }
    details
}

/// A stored payment method from a test card name.
pub(crate) async fn from_test_card(cx: &mut Cx<'_>, card: &TestCard) -> ApiResult<Value> {
    new_card(cx, card.number, card.brand, card.funding, (12, 2034), None).await
}

/// Resolves a payment method reference: a test card name (`pm_card_visa`, `tok_visa`)
/// makes a fresh payment method, as Stripe does; anything else must be a stored one.
pub(crate) async fn resolve(cx: &mut Cx<'_>, reference: &str, param: &str) -> ApiResult<Value> {
    if let Some(card) = card::named(reference) {
        return from_test_card(cx, card).await;
    }
    if let Some(account) = bank::named(reference) {
        return bank::from_test_account(cx, account).await;
    }
    PAYMENT_METHOD.lock_named(cx, reference, param).await
}

/// Attaches `reference` to `customer`, failing for cards Stripe's card check declines.
pub(crate) async fn attach(
    cx: &mut Cx<'_>,
    reference: &str,
    customer: &str,
    param: &str,
) -> ApiResult<Value> {
    CUSTOMER.named(cx, customer, "customer").await?;
    let mut method = resolve(cx, reference, param).await?;
    match method["customer"].as_str() {
        Some(c) if c == customer => return Ok(method),
        Some(_) => {
            return Err(ApiError::invalid(
                "The payment method you provided has already been attached to a customer.",
            )
            .code("payment_method_unexpected_state"));
        }
        None => {}
    }
    if let Some(decline) = card::attach_refusal(method["_number"].as_str().unwrap_or_default()) {
        return Err(decline.error());
    }
    method["customer"] = json!(customer);
    cx.save(&method)?;
    cx.emit("payment_method.attached", &method, None).await?;
    Ok(method)
}

/// A card's number and expiry as hash `at` of a request gives them (`number`, `exp_month`,
/// `exp_year`; a two-digit year is this century's): a number failing the Luhn check is
/// Stripe's `incorrect_number`, a month outside 1–12 its `invalid_expiry_month`.
pub(crate) fn number_and_expiry(
    card: &Map<String, Value>,
    at: &str,
) -> ApiResult<(String, (i64, i64))> {
    let param = |key: &str| format!("{at}[{key}]");
    let number: String = string_at(card.get("number"), &param("number"))?
        .ok_or_else(|| ApiError::missing(&param("number")))?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !luhn_ok(&number) {
        return Err(
            ApiError::card("incorrect_number", None, "Your card number is incorrect.")
                .param(&param("number")),
        );
    }
    let month = int_at(card.get("exp_month"), &param("exp_month"))?
        .ok_or_else(|| ApiError::missing(&param("exp_month")))?;
    let year = int_at(card.get("exp_year"), &param("exp_year"))?
        .ok_or_else(|| ApiError::missing(&param("exp_year")))?;
    expiry_month(month, &param("exp_month"))?;
    Ok((number, (month, if year < 100 { 2000 + year } else { year })))
}

/// Refuses a month outside 1–12 as Stripe's `invalid_expiry_month`, naming `param`.
pub(crate) fn expiry_month(month: i64, param: &str) -> ApiResult<()> {
    if (1..=12).contains(&month) {
        return Ok(());
    }
    Err(ApiError::card(
        "invalid_expiry_month",
        None,
        "Your card's expiration month is invalid.",
    )
    .param(param))
}

/// The payment method `charge` was paid with: a stored payment method, or the card (a
/// customer's source, or a token's) seen as one; `null` when neither is stored.
pub(crate) async fn of_charge(cx: &Cx<'_>, charge: &Value) -> ApiResult<Value> {
    let id = charge["payment_method"].as_str().unwrap_or_default();
    Ok(if id.starts_with("card_") {
        cx.get("card", id, false)
            .await?
            .map(|c| source::as_method(&c))
    } else {
        cx.get("payment_method", id, false).await?
    }
    .unwrap_or(Value::Null))
}
