//! Payment methods: Stripe's test cards (`pm_card_visa`, `tok_visa`, `4242…`, the decline
//! cards), create, retrieve, update, attach, detach, list.

use serde_json::{Value, json};

use crate::customers::previous;
use crate::cx::{Cx, Filter};
use crate::error::{ApiError, ApiResult};
use crate::params::{apply_metadata, string_at};

/// How a test card fails when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decline {
    pub(crate) code: &'static str,
    pub(crate) decline_code: &'static str,
    pub(crate) message: &'static str,
}

/// A test card.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestCard {
    name: &'static str,
    number: &'static str,
    brand: &'static str,
    funding: &'static str,
    decline: Option<Decline>,
    /// Attaching works although charges fail (`pm_card_chargeCustomerFail`).
    attach_ok: bool,
}

const GENERIC: Decline = Decline {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
};

const fn card(
    name: &'static str,
    number: &'static str,
    brand: &'static str,
    funding: &'static str,
) -> TestCard {
    TestCard {
        name,
        number,
        brand,
        funding,
        decline: None,
        attach_ok: true,
    }
}

const fn declining(name: &'static str, number: &'static str, decline: Decline) -> TestCard {
    TestCard {
        name,
        number,
        brand: "visa",
        funding: "credit",
        decline: Some(decline),
        attach_ok: false,
    }
}

/// Stripe's documented test cards, by the suffix of `pm_card_…` / `tok_…`.
pub(crate) const TEST_CARDS: &[TestCard] = &[
    card("visa", "4242424242424242", "visa", "credit"),
    card("visa_debit", "4000056655665556", "visa", "debit"),
    card("us", "4242424242424242", "visa", "credit"),
    card("mastercard", "5555555555554444", "mastercard", "credit"),
    card(
        "mastercard_debit",
        "5200828282828210",
        "mastercard",
        "debit",
    ),
    card(
        "mastercard_prepaid",
        "5105105105105100",
        "mastercard",
        "prepaid",
    ),
    card("amex", "378282246310005", "amex", "credit"),
    card("discover", "6011111111111117", "discover", "credit"),
    card("diners", "3056930009020004", "diners", "credit"),
    card("jcb", "3566002020360505", "jcb", "credit"),
    card("unionpay", "6200000000000005", "unionpay", "credit"),
    declining("chargeDeclined", "4000000000000002", GENERIC),
    declining(
        "chargeDeclinedInsufficientFunds",
        "4000000000009995",
        Decline {
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        },
    ),
    declining(
        "chargeDeclinedLostCard",
        "4000000000009987",
        Decline {
            code: "card_declined",
            decline_code: "lost_card",
            message: "Your card was declined.",
        },
    ),
    declining(
        "chargeDeclinedStolenCard",
        "4000000000009979",
        Decline {
            code: "card_declined",
            decline_code: "stolen_card",
            message: "Your card was declined.",
        },
    ),
    declining(
        "chargeDeclinedExpiredCard",
        "4000000000000069",
        Decline {
            code: "expired_card",
            decline_code: "expired_card",
            message: "Your card has expired.",
        },
    ),
    declining(
        "chargeDeclinedIncorrectCvc",
        "4000000000000127",
        Decline {
            code: "incorrect_cvc",
            decline_code: "incorrect_cvc",
            message: "Your card's security code is incorrect.",
        },
    ),
    declining(
        "chargeDeclinedProcessingError",
        "4000000000000119",
        Decline {
            code: "processing_error",
            decline_code: "processing_error",
            message: "An error occurred while processing your card. Try again in a little bit.",
        },
    ),
    declining(
        "chargeDeclinedFraudulent",
        "4100000000000019",
        Decline {
            code: "card_declined",
            decline_code: "fraudulent",
            message: "Your card was declined.",
        },
    ),
    TestCard {
        name: "chargeCustomerFail",
        number: "4000000000000341",
        brand: "visa",
        funding: "credit",
        decline: Some(GENERIC),
        attach_ok: true,
    },
];

/// The test card a `pm_card_…` / `tok_…` name stands for.
pub(crate) fn test_card(reference: &str) -> Option<&'static TestCard> {
    let name = reference
        .strip_prefix("pm_card_")
        .or_else(|| reference.strip_prefix("tok_"))?;
    TEST_CARDS.iter().find(|c| c.name == name)
}

fn card_by_number(number: &str) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|c| c.number == number)
}

/// The decline a stored payment method is set up to produce when charged.
pub(crate) fn decline_of(method: &Value) -> Option<Decline> {
    let number = method.get("_number").and_then(Value::as_str)?;
    card_by_number(number).and_then(|c| c.decline)
}

fn luhn_ok(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 12 || digits.len() != number.len() {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn brand_of(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5' | b'2') => "mastercard",
        Some(b'3') if number.starts_with("34") || number.starts_with("37") => "amex",
        Some(b'6') => "discover",
        _ => "unknown",
    }
}

/// Builds (and stores) a new card payment method.
async fn new_card(
    cx: &mut Cx<'_>,
    number: &str,
    brand: &str,
    funding: &str,
    exp: (i64, i64),
    billing: Option<&Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("pm_").await?;
    let last4 = &number[number.len().saturating_sub(4)..];
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
    let method = json!({
        "id": id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": details,
        "card": {
            "brand": brand,
            "checks": {"address_line1_check": null, "address_postal_code_check": null,
                       "cvc_check": "pass"},
            "country": "US",
            "display_brand": brand,
            "exp_month": exp.0,
            "exp_year": exp.1,
            "fingerprint": crate::ids::base62(&format!("fp:{number}"), 16),
            "funding": funding,
            "generated_from": null,
            "last4": last4,
            "networks": {"available": [brand], "preferred": null},
            "three_d_secure_usage": {"supported": true},
            "wallet": null,
        },
        "created": cx.now,
        "customer": null,
        "livemode": false,
        "metadata": {},
        "type": "card",
        "_number": number,
    });
    cx.insert(seq, &method).await?;
    Ok(method)
}

/// A stored payment method from a test card name.
async fn from_test_card(cx: &mut Cx<'_>, card: &TestCard) -> ApiResult<Value> {
    new_card(cx, card.number, card.brand, card.funding, (12, 2034), None).await
}

/// Resolves a payment method reference: a test card name (`pm_card_visa`, `tok_visa`)
/// makes a fresh payment method, as Stripe does; anything else must be a stored one.
pub(crate) async fn resolve(cx: &mut Cx<'_>, reference: &str, param: &str) -> ApiResult<Value> {
    if let Some(card) = test_card(reference) {
        return from_test_card(cx, card).await;
    }
    cx.fetch("payment_method", "PaymentMethod", reference, param, true)
        .await
}

/// `POST /v1/payment_methods`: `type=card` with `card[token]=tok_…` or `card[number]…`.
pub(crate) async fn create(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "type",
        "card",
        "billing_details",
        "metadata",
        "allow_redisplay",
        "customer",
        "payment_method",
    ])?;
    let params = cx.params.clone();
    if let Some(source) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        // Cloning a connected account's method: here, a copy of the named one.
        let original = resolve(cx, source, "payment_method").await?;
        return Ok(original);
    }
    let kind = params.required("type")?;
    if kind != "card" {
        return Err(ApiError::invalid_param(
            "type",
            format!("The payment method type `{kind}` is not supported by this clone; use `card`."),
        ));
    }
    let card = params
        .hash("card")?
        .ok_or_else(|| ApiError::missing("card"))?;
    let mut method = if let Some(token) = string_at(card.get("token"), "card[token]")? {
        let test = test_card(token)
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
        let number: String = string_at(card.get("number"), "card[number]")?
            .ok_or_else(|| ApiError::missing("card[number]"))?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !luhn_ok(&number) {
            return Err(
                ApiError::card("incorrect_number", None, "Your card number is incorrect.")
                    .param("card[number]"),
            );
        }
        let month = crate::params::int_at(card.get("exp_month"), "card[exp_month]")?
            .ok_or_else(|| ApiError::missing("card[exp_month]"))?;
        let year = crate::params::int_at(card.get("exp_year"), "card[exp_year]")?
            .ok_or_else(|| ApiError::missing("card[exp_year]"))?;
        let year = if year < 100 { 2000 + year } else { year };
        if !(1..=12).contains(&month) {
            return Err(ApiError::card(
                "invalid_expiry_month",
                None,
                "Your card's expiration month is invalid.",
            )
            .param("card[exp_month]"));
        }
        let (brand, funding) =
            card_by_number(&number).map_or((brand_of(&number), "credit"), |c| (c.brand, c.funding));
        let billing = params.get("billing_details").cloned();
        new_card(cx, &number, brand, funding, (month, year), billing.as_ref()).await?
    };
    apply_metadata(&mut method, &params)?;
    cx.save(&method).await?;
    if let Some(customer) = params.str("customer")?.filter(|s| !s.is_empty()) {
        let id = method["id"].as_str().unwrap_or_default().to_owned();
        method = attach(cx, &id, customer, "customer").await?;
    }
    Ok(method)
}

/// `GET /v1/payment_methods/{id}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    if let Some(card) = test_card(id) {
        return from_test_card(cx, card).await;
    }
    cx.fetch("payment_method", "PaymentMethod", id, "", false)
        .await
}

/// `POST /v1/payment_methods/{id}`: `billing_details`, `metadata`, `card[exp_month|exp_year]`.
pub(crate) async fn update(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params
        .allow(&["billing_details", "metadata", "card", "allow_redisplay"])?;
    let mut method = cx
        .fetch("payment_method", "PaymentMethod", id, "", true)
        .await?;
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
    if let Some(value) = params.str("allow_redisplay")? {
        method["allow_redisplay"] = json!(value);
    }
    apply_metadata(&mut method, &params)?;
    cx.save(&method).await?;
    cx.emit(
        "payment_method.updated",
        &method,
        Some(previous(&before, &method)),
    )
    .await?;
    Ok(method)
}

/// Attaches `reference` to `customer`, failing for cards Stripe's card check declines.
pub(crate) async fn attach(
    cx: &mut Cx<'_>,
    reference: &str,
    customer: &str,
    param: &str,
) -> ApiResult<Value> {
    cx.fetch("customer", "customer", customer, "customer", false)
        .await?;
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
    let number = method["_number"].as_str().unwrap_or_default();
    if let Some(card) = card_by_number(number)
        && let Some(decline) = card.decline
        && !card.attach_ok
    {
        return Err(ApiError::card(
            decline.code,
            Some(decline.decline_code),
            decline.message,
        ));
    }
    method["customer"] = json!(customer);
    cx.save(&method).await?;
    cx.emit("payment_method.attached", &method, None).await?;
    Ok(method)
}

/// `POST /v1/payment_methods/{id}/attach` (`customer`).
pub(crate) async fn attach_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["customer"])?;
    let customer = cx.params.required("customer")?.to_owned();
    attach(cx, id, &customer, "payment_method").await
}

/// `POST /v1/payment_methods/{id}/detach`.
pub(crate) async fn detach(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut method = cx
        .fetch("payment_method", "PaymentMethod", id, "", true)
        .await?;
    let Some(customer_id) = method["customer"].as_str().map(str::to_owned) else {
        return Err(ApiError::invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
        )
        .code("payment_method_unexpected_state"));
    };
    let before = method.clone();
    method["customer"] = Value::Null;
    cx.save(&method).await?;
    if let Some(mut customer) = cx.get("customer", &customer_id, true).await?
        && customer["invoice_settings"]["default_payment_method"].as_str() == Some(id)
    {
        let old = customer.clone();
        customer["invoice_settings"]["default_payment_method"] = Value::Null;
        cx.save(&customer).await?;
        cx.emit(
            "customer.updated",
            &customer,
            Some(previous(&old, &customer)),
        )
        .await?;
    }
    cx.emit(
        "payment_method.detached",
        &method,
        Some(previous(&before, &method)),
    )
    .await?;
    Ok(method)
}

/// `GET /v1/payment_methods` (`customer`, `type`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "customer",
        "type",
        "limit",
        "starting_after",
        "ending_before",
        "allow_redisplay",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(customer) = cx.params.str("customer")?.filter(|s| !s.is_empty()) {
        filters.push(("customer = {}", customer.to_owned()));
    }
    if let Some(kind) = cx.params.str("type")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'type' = {}", kind.to_owned()));
    }
    cx.list("payment_method", "PaymentMethod", &filters).await
}

/// `GET /v1/customers/{id}/payment_methods`.
pub(crate) async fn list_for_customer(cx: &mut Cx<'_>, customer: &str) -> ApiResult {
    cx.params.allow(&[
        "type",
        "limit",
        "starting_after",
        "ending_before",
        "allow_redisplay",
    ])?;
    cx.fetch("customer", "customer", customer, "customer", false)
        .await?;
    let mut filters: Vec<Filter> = vec![("customer = {}", customer.to_owned())];
    if let Some(kind) = cx.params.str("type")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'type' = {}", kind.to_owned()));
    }
    cx.list("payment_method", "PaymentMethod", &filters).await
}

/// `GET /v1/customers/{id}/payment_methods/{pm}`.
pub(crate) async fn retrieve_for_customer(cx: &mut Cx<'_>, customer: &str, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let method = cx
        .fetch("payment_method", "PaymentMethod", id, "", false)
        .await?;
    if method["customer"].as_str() != Some(customer) {
        return Err(ApiError::missing_resource("PaymentMethod", id, ""));
    }
    Ok(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_card_names_and_numbers() {
        assert_eq!(
            test_card("pm_card_visa").unwrap().number,
            "4242424242424242"
        );
        assert_eq!(test_card("tok_mastercard").unwrap().brand, "mastercard");
        let declined = test_card("pm_card_chargeDeclinedInsufficientFunds").unwrap();
        assert_eq!(declined.decline.unwrap().decline_code, "insufficient_funds");
        assert!(test_card("pm_1234").is_none());
        assert!(
            TEST_CARDS.iter().all(|c| luhn_ok(c.number)),
            "test numbers pass Luhn"
        );
        assert!(!luhn_ok("4242424242424241"));
    }
}
