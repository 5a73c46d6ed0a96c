//! Stripe's test cards (<https://docs.stripe.com/testing>): each number with its
//! `pm_card_…` / `tok_…` names, and what a payment with it does — succeed, decline with the
//! issuer's reason, be blocked by Radar, or ask for 3-D Secure first ([`step`]).

use serde_json::{Value, json};

mod table;

pub(crate) use table::{TEST_CARDS, UNCHECKED};

/// How a card fails when charged: the error's `code`, `decline_code` and `message`, and who
/// refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decline {
    pub(crate) code: &'static str,
    pub(crate) decline_code: &'static str,
    pub(crate) message: &'static str,
    /// Radar blocked the payment before it reached the network (`outcome.type: blocked`).
    pub(crate) blocked: bool,
}

impl Decline {
    /// The 402 `card_error` this decline answers.
    pub(crate) fn error(&self) -> crate::error::ApiError {
        crate::error::ApiError::card(self.code, Some(self.decline_code), self.message)
    }

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

const fn issuer(code: &'static str, decline_code: &'static str, message: &'static str) -> Decline {
    Decline {
        code,
        decline_code,
        message,
        blocked: false,
    }
}

const DECLINED: &str = "Your card was declined.";

/// `card_declined` / `generic_decline`.
pub(crate) const GENERIC: Decline = issuer("card_declined", "generic_decline", DECLINED);
const INSUFFICIENT_FUNDS: Decline = issuer(
    "card_declined",
    "insufficient_funds",
    "Your card has insufficient funds.",
);
const PROCESSING_ERROR: Decline = issuer(
    "processing_error",
    "processing_error",
    "An error occurred while processing your card. Try again in a little bit.",
);
const INCORRECT_CVC: Decline = issuer(
    "incorrect_cvc",
    "incorrect_cvc",
    "Your card's security code is incorrect.",
);
/// What an off-session payment (or one made with `error_on_requires_action`) answers when
/// the card asks for authentication.
pub(crate) const AUTHENTICATION_REQUIRED: Decline = issuer(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
);
const FRAUDULENT: Decline = Decline {
    code: "card_declined",
    decline_code: "fraudulent",
    message: DECLINED,
    blocked: true,
};

/// When a card asks for 3-D Secure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThreeDs {
    /// Not supported: never asked (`pm_card_amex_threeDSecureNotSupported`).
    NotSupported,
    /// Supported but not enrolled: never asked (`pm_card_visa`).
    NotEnrolled,
    /// Asked only when the intent requests it (`request_three_d_secure: any|challenge`).
    Optional,
    /// Like `Optional`, but the lookup fails with `processing_error` when asked.
    OptionalLookupFails,
    /// Asked on every on-session payment; off-session ones are declined.
    Required,
    /// Required, but the lookup fails with `processing_error`.
    RequiredLookupFails,
    /// Asked on-session, and off-session until the card was set up for future use.
    UnlessSetUp,
    /// Asked on-session only: off-session payments go through as if it was set up.
    OnSessionOnly,
}

/// A test card.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestCard {
    /// The suffixes of `pm_card_…` / `tok_…` standing for it (several where Stripe's docs
    /// renamed one, e.g. `chargeDeclined` and `visa_chargeDeclined`).
    pub(crate) names: &'static [&'static str],
    pub(crate) number: &'static str,
    /// `visa`, `mastercard`, …
    pub(crate) brand: &'static str,
    /// `credit`, `debit`, `prepaid`.
    pub(crate) funding: &'static str,
    /// Where it was issued (ISO 3166-1 alpha-2).
    pub(crate) country: &'static str,
    /// How a charge fails (after authentication, when the card asks for it).
    pub(crate) decline: Option<Decline>,
    /// Whether attaching it to a customer works although charges fail
    /// (`pm_card_chargeCustomerFail`, the 3-D Secure cards that decline afterwards).
    pub(crate) attach_ok: bool,
    /// Radar's `risk_level` for its charges.
    pub(crate) risk: &'static str,
    pub(crate) three_ds: ThreeDs,
    /// Its charges' funds are available at once (`pm_card_bypassPending`).
    pub(crate) bypass_pending: bool,
    /// `card.checks`: `cvc_check`, `address_line1_check`, `address_postal_code_check` (empty
    /// for `null`: no address was checked).
    pub(crate) checks: [&'static str; 3],
    /// The dispute its captured charges are opened with (Stripe's dispute test cards).
    pub(crate) dispute: Option<Disputed>,
}

/// How a dispute test card's charges are disputed: the dispute's `reason`, whether it is an
/// inquiry (`warning_needs_response`, no funds withdrawn) rather than a chargeback, and the
/// card network's reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Disputed {
    pub(crate) reason: &'static str,
    pub(crate) inquiry: bool,
    pub(crate) network_reason_code: Option<&'static str>,
}

/// The test card a `pm_card_…` / `tok_…` name stands for.
pub(crate) fn named(reference: &str) -> Option<&'static TestCard> {
    let name = reference
        .strip_prefix("pm_card_")
        .or_else(|| reference.strip_prefix("tok_"))?;
    TEST_CARDS.iter().find(|c| c.names.contains(&name))
}

/// The test card with this number.
pub(crate) fn by_number(number: &str) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|c| c.number == number)
}

/// The test card a stored payment method was made from (its hidden `_number`).
pub(crate) fn of(method: &Value) -> Option<&'static TestCard> {
    by_number(method.get("_number").and_then(Value::as_str)?)
}

/// What a payment attempt does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Charge the card (which may still decline it).
    Charge,
    /// Ask the customer to authenticate (`requires_action`).
    Authenticate,
    /// Refuse at once, before any authentication.
    Decline(Decline),
}

/// What paying with `card` does: `off_session` when the customer is away, `requested` the
/// intent's `request_three_d_secure`, `set_up` whether the card was set up for future use.
pub(crate) fn step(
    card: Option<&TestCard>,
    off_session: bool,
    requested: &str,
    set_up: bool,
) -> Step {
    let Some(card) = card else {
        return Step::Charge;
    };
    let asked = requested == "any" || requested == "challenge";
    let away = card.decline.unwrap_or(AUTHENTICATION_REQUIRED);
    match card.three_ds {
        ThreeDs::NotSupported | ThreeDs::NotEnrolled => Step::Charge,
        ThreeDs::Optional if asked && !off_session => Step::Authenticate,
        ThreeDs::OptionalLookupFails if asked && !off_session => Step::Decline(PROCESSING_ERROR),
        ThreeDs::Optional | ThreeDs::OptionalLookupFails => Step::Charge,
        ThreeDs::RequiredLookupFails => Step::Decline(PROCESSING_ERROR),
        ThreeDs::Required if off_session => Step::Decline(away),
        ThreeDs::UnlessSetUp if off_session && set_up => Step::Charge,
        ThreeDs::UnlessSetUp if off_session => Step::Decline(away),
        ThreeDs::OnSessionOnly if off_session => Step::Charge,
        ThreeDs::Required | ThreeDs::UnlessSetUp | ThreeDs::OnSessionOnly => Step::Authenticate,
    }
}

/// What setting up `card` for future use does (a setup intent is on-session).
pub(crate) fn setup_step(card: Option<&TestCard>, requested: &str) -> Step {
    match step(card, false, requested, false) {
        Step::Charge => match card
            .and_then(|c| c.decline)
            .filter(|_| card.is_some_and(|c| !c.attach_ok))
        {
            Some(decline) => Step::Decline(decline),
            None => Step::Charge,
        },
        other => other,
    }
}

/// A charge's `outcome`: Radar's verdict and the network's.
pub(crate) fn outcome(card: Option<&TestCard>, decline: Option<Decline>) -> Value {
    let risk = card.map_or("normal", |c| c.risk);
    let score = match risk {
        "highest" => 95,
        "elevated" => 75,
        _ => 32,
    };
    match decline {
        None => json!({"network_status": "approved_by_network", "reason": null,
                       "risk_level": risk, "risk_score": score,
                       "seller_message": "Payment complete.", "type": "authorized"}),
        Some(d) if d.blocked => json!({"network_status": "not_sent_to_network",
                                       "reason": "highest_risk_level", "risk_level": risk,
                                       "risk_score": score,
                                       "seller_message": "Stripe blocked this payment as too risky.",
                                       "type": "blocked"}),
        Some(d) => json!({"network_status": "declined_by_network", "reason": d.decline_code,
                          "risk_level": risk, "risk_score": score,
                          "seller_message": "The bank did not return any further details with this decline.",
                          "type": "issuer_declined"}),
    }
}

/// Whether `number` passes the Luhn check.
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

/// The brand and funding of card `number`: a test card's own, else the brand its first digits
/// name, as credit.
pub(crate) fn brand_and_funding(number: &str) -> (&'static str, &'static str) {
    by_number(number).map_or((brand_of(number), "credit"), |c| (c.brand, c.funding))
}

/// The refusal attaching card `number` to a customer meets: the test cards that decline
/// fail Stripe's card check on attachment (but `chargeCustomerFail` and the 3-D Secure cards
/// that decline only once authenticated).
pub(crate) fn attach_refusal(number: &str) -> Option<Decline> {
    by_number(number)
        .filter(|c| !c.attach_ok)
        .and_then(|c| c.decline)
}

/// The brand a card number's first digits name.
pub(crate) fn brand_of(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5' | b'2') => "mastercard",
        Some(b'3') if number.starts_with("34") || number.starts_with("37") => "amex",
        Some(b'6') => "discover",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_unique_and_every_number_passes_luhn() {
        let mut names: Vec<&str> = TEST_CARDS
            .iter()
            .flat_map(|c| c.names.iter().copied())
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name stands for one card");
        for card in TEST_CARDS {
            assert!(luhn_ok(card.number), "{} passes Luhn", card.number);
            assert_eq!(by_number(card.number).map(|c| c.names), Some(card.names));
        }
        assert!(!luhn_ok("4242424242424241"));
    }

    #[test]
    fn names_resolve_with_either_prefix() {
        assert_eq!(named("pm_card_visa").unwrap().number, "4242424242424242");
        assert_eq!(named("tok_mastercard").unwrap().brand, "mastercard");
        for name in [
            "pm_card_visa_chargeDeclinedInsufficientFunds",
            "tok_chargeDeclinedInsufficientFunds",
        ] {
            assert_eq!(
                named(name).unwrap().decline.unwrap().decline_code,
                "insufficient_funds"
            );
        }
        assert!(named("pm_1234").is_none());
        assert!(named("pm_card_nope").is_none());
    }

    #[test]
    fn three_d_secure_steps() {
        let card = |name| named(name);
        let charge_or_auth = [
            // (card, off session, requested, set up, step)
            ("pm_card_visa", false, "any", false, Step::Charge),
            (
                "pm_card_amex_threeDSecureNotSupported",
                false,
                "challenge",
                false,
                Step::Charge,
            ),
            (
                "pm_card_threeDSecureOptional",
                false,
                "automatic",
                false,
                Step::Charge,
            ),
            (
                "pm_card_threeDSecureOptional",
                false,
                "any",
                false,
                Step::Authenticate,
            ),
            (
                "pm_card_threeDSecureOptionalProcessingError",
                false,
                "automatic",
                false,
                Step::Charge,
            ),
            (
                "pm_card_threeDSecureOptionalProcessingError",
                false,
                "any",
                false,
                Step::Decline(PROCESSING_ERROR),
            ),
            (
                "pm_card_threeDSecure2Required",
                false,
                "automatic",
                false,
                Step::Authenticate,
            ),
            (
                "pm_card_threeDSecure2Required",
                true,
                "automatic",
                false,
                Step::Decline(AUTHENTICATION_REQUIRED),
            ),
            (
                "pm_card_threeDSecureRequiredProcessingError",
                false,
                "automatic",
                false,
                Step::Decline(PROCESSING_ERROR),
            ),
            (
                "pm_card_authenticationRequiredOnSetup",
                true,
                "automatic",
                false,
                Step::Decline(AUTHENTICATION_REQUIRED),
            ),
            (
                "pm_card_authenticationRequiredOnSetup",
                true,
                "automatic",
                true,
                Step::Charge,
            ),
            (
                "pm_card_authenticationRequiredOnSetup",
                false,
                "automatic",
                true,
                Step::Authenticate,
            ),
            (
                "pm_card_authenticationRequired",
                true,
                "automatic",
                true,
                Step::Decline(AUTHENTICATION_REQUIRED),
            ),
            (
                "pm_card_authenticationRequiredSetupForOffSession",
                true,
                "automatic",
                false,
                Step::Charge,
            ),
            (
                "pm_card_authenticationRequiredSetupForOffSession",
                false,
                "automatic",
                false,
                Step::Authenticate,
            ),
            (
                "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
                true,
                "automatic",
                true,
                Step::Decline(INSUFFICIENT_FUNDS),
            ),
        ];
        for (name, off, requested, set_up, expected) in charge_or_auth {
            assert_eq!(
                step(card(name), off, requested, set_up),
                expected,
                "{name} off={off} {requested}"
            );
        }
        assert_eq!(
            setup_step(card("pm_card_chargeDeclined"), "automatic"),
            Step::Decline(GENERIC)
        );
        assert_eq!(
            setup_step(card("pm_card_chargeCustomerFail"), "automatic"),
            Step::Charge
        );
        assert_eq!(
            setup_step(card("pm_card_authenticationRequiredOnSetup"), "automatic"),
            Step::Authenticate
        );
    }

    #[test]
    fn radar_outcomes() {
        let blocked = outcome(named("pm_card_radarBlock"), Some(FRAUDULENT));
        assert_eq!(
            (blocked["type"].as_str(), blocked["risk_level"].as_str()),
            (Some("blocked"), Some("highest"))
        );
        let elevated = outcome(named("pm_card_riskLevelElevated"), None);
        assert_eq!(
            (elevated["type"].as_str(), elevated["risk_level"].as_str()),
            (Some("authorized"), Some("elevated"))
        );
    }
}
