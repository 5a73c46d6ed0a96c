//! Payment methods: Stripe's test cards and what charging one does, resolving a payment
//! method reference, attaching one to a customer.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, PAYMENT_METHOD};

/// How a test card fails when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decline {
    pub(crate) code: &'static str,
    pub(crate) decline_code: &'static str,
    pub(crate) message: &'static str,
}

impl Decline {
    /// The error a declined attempt records on its intent (`last_payment_error`,
    /// `last_setup_error`): the failed `charge` when there is one, and the `method`.
    pub(crate) fn recorded(&self, charge: Option<&Value>, method: &Value) -> Value {
        let mut error = serde_json::Map::new();
        if let Some(charge) = charge {
            error.insert("charge".into(), charge.clone());
        }
        let doc_url = format!(
            "https://stripe.com/docs/error-codes/{}",
            self.code.replace('_', "-")
        );
        for (key, value) in [
            ("code", json!(self.code)),
            ("decline_code", json!(self.decline_code)),
            ("doc_url", json!(doc_url)),
            ("message", json!(self.message)),
            ("payment_method", method.clone()),
            ("type", json!("card_error")),
        ] {
            error.insert(key.into(), value);
        }
        Value::Object(error)
    }
}

/// A test card.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestCard {
    /// The suffix of `pm_card_…` / `tok_…`.
    pub(crate) name: &'static str,
    /// The card number.
    pub(crate) number: &'static str,
    /// `visa`, `mastercard`, …
    pub(crate) brand: &'static str,
    /// `credit`, `debit`, …
    pub(crate) funding: &'static str,
    /// How a charge fails, if it does.
    pub(crate) decline: Option<Decline>,
    /// Attaching works although charges fail (`pm_card_chargeCustomerFail`).
    pub(crate) attach_ok: bool,
}

pub(crate) const GENERIC: Decline = Decline {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
};

pub(crate) const fn card(
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

pub(crate) const fn declining(
    name: &'static str,
    number: &'static str,
    decline: Decline,
) -> TestCard {
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

pub(crate) fn card_by_number(number: &str) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|c| c.number == number)
}

/// The decline a stored payment method is set up to produce when charged.
pub(crate) fn decline_of(method: &Value) -> Option<Decline> {
    let number = method.get("_number").and_then(Value::as_str)?;
    card_by_number(number).and_then(|c| c.decline)
}

pub(crate) fn luhn_ok(number: &str) -> bool {
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

pub(crate) fn brand_of(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5' | b'2') => "mastercard",
        Some(b'3') if number.starts_with("34") || number.starts_with("37") => "amex",
        Some(b'6') => "discover",
        _ => "unknown",
    }
}

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
pub(crate) async fn from_test_card(cx: &mut Cx<'_>, card: &TestCard) -> ApiResult<Value> {
    new_card(cx, card.number, card.brand, card.funding, (12, 2034), None).await
}

/// Resolves a payment method reference: a test card name (`pm_card_visa`, `tok_visa`)
/// makes a fresh payment method, as Stripe does; anything else must be a stored one.
pub(crate) async fn resolve(cx: &mut Cx<'_>, reference: &str, param: &str) -> ApiResult<Value> {
    if let Some(card) = test_card(reference) {
        return from_test_card(cx, card).await;
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
