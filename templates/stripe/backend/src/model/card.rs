//! Stripe's test cards (<https://docs.stripe.com/testing>): each number with its
//! `pm_card_…` / `tok_…` names, and what a payment with it does — succeed, decline with the
//! issuer's reason, be blocked by Radar, or ask for 3-D Secure first ([`step`]).

use serde_json::{Value, json};

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
}

/// The CVC passed, no address was checked.
pub(crate) const UNCHECKED: [&str; 3] = ["pass", "", ""];

const fn card(
    names: &'static [&'static str],
    number: &'static str,
    brand: &'static str,
    funding: &'static str,
) -> TestCard {
    TestCard {
        names,
        number,
        brand,
        funding,
        country: "US",
        decline: None,
        attach_ok: true,
        risk: "normal",
        three_ds: ThreeDs::NotEnrolled,
        bypass_pending: false,
        checks: UNCHECKED,
    }
}

/// A card issued in `country`, paying normally (Stripe's international test cards).
const fn abroad(
    names: &'static [&'static str],
    number: &'static str,
    country: &'static str,
    brand: &'static str,
    funding: &'static str,
) -> TestCard {
    TestCard {
        country,
        ..card(names, number, brand, funding)
    }
}

/// A Visa credit card declined with `decline` (attaching it fails too).
const fn declining(
    names: &'static [&'static str],
    number: &'static str,
    decline: Decline,
) -> TestCard {
    TestCard {
        decline: Some(decline),
        attach_ok: false,
        ..card(names, number, "visa", "credit")
    }
}

/// A Visa credit card that asks for 3-D Secure as `three_ds` says.
const fn secure(
    names: &'static [&'static str],
    number: &'static str,
    three_ds: ThreeDs,
) -> TestCard {
    TestCard {
        three_ds,
        ..card(names, number, "visa", "credit")
    }
}

/// A Visa credit card whose Radar checks read `checks`.
const fn checked(
    names: &'static [&'static str],
    number: &'static str,
    checks: [&'static str; 3],
) -> TestCard {
    TestCard {
        checks,
        ..card(names, number, "visa", "credit")
    }
}

/// Stripe's documented test cards: by brand, by country, declines, fraud prevention, 3-D
/// Secure. (The dispute and refund-failure cards are not here: those flows are not
/// modelled.)
#[rustfmt::skip]
pub(crate) const TEST_CARDS: &[TestCard] = &[
    card(&["visa", "us"], "4242424242424242", "visa", "credit"),
    card(&["visa_debit"], "4000056655665556", "visa", "debit"),
    card(&["mastercard"], "5555555555554444", "mastercard", "credit"),
    card(&["mastercard_debit"], "5200828282828210", "mastercard", "debit"),
    card(&["mastercard_prepaid"], "5105105105105100", "mastercard", "prepaid"),
    TestCard {
        three_ds: ThreeDs::NotSupported,
        ..card(&["amex", "amex_threeDSecureNotSupported"], "378282246310005", "amex", "credit")
    },
    card(&["discover"], "6011111111111117", "discover", "credit"),
    card(&["diners"], "3056930009020004", "diners", "credit"),
    card(&["jcb"], "3566002020360505", "jcb", "credit"),
    card(&["unionpay"], "6200000000000005", "unionpay", "credit"),
    TestCard { bypass_pending: true, ..card(&["bypassPending"], "4000000000000077", "visa", "credit") },
    TestCard {
        bypass_pending: true,
        ..abroad(&["bypassPendingInternational"], "4000003720000278", "IE", "visa", "credit")
    },
    // International cards, by country.
    abroad(&["ar"], "4000000320000021", "AR", "visa", "credit"),
    abroad(&["br"], "4000000760000002", "BR", "visa", "credit"),
    abroad(&["ca"], "4000001240000000", "CA", "visa", "credit"),
    abroad(&["cl"], "4000001520000001", "CL", "visa", "credit"),
    abroad(&["co"], "4000001700000003", "CO", "visa", "credit"),
    abroad(&["cr"], "4000001880000005", "CR", "visa", "credit"),
    abroad(&["ec"], "4000002180000000", "EC", "visa", "credit"),
    abroad(&["mx"], "4000004840008001", "MX", "visa", "credit"),
    abroad(&["pa"], "4000005910000000", "PA", "visa", "credit"),
    abroad(&["py"], "4000006000000066", "PY", "visa", "credit"),
    abroad(&["pe"], "4000006040000068", "PE", "visa", "credit"),
    abroad(&["uy"], "4000008580000003", "UY", "visa", "credit"),
    abroad(&["ae"], "4000007840000001", "AE", "visa", "credit"),
    abroad(&["ae_mastercard"], "5200007840000022", "AE", "mastercard", "credit"),
    abroad(&["at"], "4000000400000008", "AT", "visa", "credit"),
    abroad(&["be"], "4000000560000004", "BE", "visa", "credit"),
    abroad(&["bg"], "4000001000000000", "BG", "visa", "credit"),
    abroad(&["by"], "4000001120000005", "BY", "visa", "credit"),
    abroad(&["hr"], "4000001910000009", "HR", "visa", "credit"),
    abroad(&["cy"], "4000001960000008", "CY", "visa", "credit"),
    abroad(&["cz"], "4000002030000002", "CZ", "visa", "credit"),
    abroad(&["dk"], "4000002080000001", "DK", "visa", "credit"),
    abroad(&["ee"], "4000002330000009", "EE", "visa", "credit"),
    abroad(&["fi"], "4000002460000001", "FI", "visa", "credit"),
    abroad(&["fr"], "4000002500000003", "FR", "visa", "credit"),
    abroad(&["de"], "4000002760000016", "DE", "visa", "credit"),
    abroad(&["gi"], "4000002920000005", "GI", "visa", "credit"),
    abroad(&["gr"], "4000003000000030", "GR", "visa", "credit"),
    abroad(&["hu"], "4000003480000005", "HU", "visa", "credit"),
    abroad(&["ie"], "4000003720000005", "IE", "visa", "credit"),
    abroad(&["it"], "4000003800000008", "IT", "visa", "credit"),
    abroad(&["lv"], "4000004280000005", "LV", "visa", "credit"),
    abroad(&["li"], "4000004380000004", "LI", "visa", "credit"),
    abroad(&["lt"], "4000004400000000", "LT", "visa", "credit"),
    abroad(&["lu"], "4000004420000006", "LU", "visa", "credit"),
    abroad(&["mt"], "4000004700000007", "MT", "visa", "credit"),
    abroad(&["nl"], "4000005280000002", "NL", "visa", "credit"),
    abroad(&["no"], "4000005780000007", "NO", "visa", "credit"),
    abroad(&["pl"], "4000006160000005", "PL", "visa", "credit"),
    abroad(&["pt"], "4000006200000007", "PT", "visa", "credit"),
    abroad(&["ro"], "4000006420000001", "RO", "visa", "credit"),
    abroad(&["sa"], "4000006820000007", "SA", "visa", "credit"),
    abroad(&["si"], "4000007050000006", "SI", "visa", "credit"),
    abroad(&["sk"], "4000007030000001", "SK", "visa", "credit"),
    abroad(&["es"], "4000007240000007", "ES", "visa", "credit"),
    abroad(&["se"], "4000007520000008", "SE", "visa", "credit"),
    abroad(&["ch"], "4000007560000009", "CH", "visa", "credit"),
    abroad(&["gb"], "4000008260000000", "GB", "visa", "credit"),
    abroad(&["gb_debit"], "4000058260000005", "GB", "visa", "debit"),
    abroad(&["gb_mastercard"], "5555558265554449", "GB", "mastercard", "credit"),
    abroad(&["au"], "4000000360000006", "AU", "visa", "credit"),
    abroad(&["cn"], "4000001560000002", "CN", "visa", "credit"),
    abroad(&["hk"], "4000003440000004", "HK", "visa", "credit"),
    abroad(&["in"], "4000003560000008", "IN", "visa", "credit"),
    abroad(&["jp"], "4000003920000003", "JP", "visa", "credit"),
    abroad(&["my"], "4000004580000002", "MY", "visa", "credit"),
    abroad(&["nz"], "4000005540000008", "NZ", "visa", "credit"),
    abroad(&["sg"], "4000007020000003", "SG", "visa", "credit"),
    abroad(&["tw"], "4000001580000008", "TW", "visa", "credit"),
    abroad(&["th_credit"], "4000007640000003", "TH", "visa", "credit"),
    abroad(&["th_debit"], "4000057640000008", "TH", "visa", "debit"),
    // Declined payments.
    declining(&["visa_chargeDeclined", "chargeDeclined"], "4000000000000002", GENERIC),
    declining(&["visa_chargeDeclinedInsufficientFunds", "chargeDeclinedInsufficientFunds"],
              "4000000000009995", INSUFFICIENT_FUNDS),
    declining(&["visa_chargeDeclinedLostCard", "chargeDeclinedLostCard"], "4000000000009987",
              issuer("card_declined", "lost_card", DECLINED)),
    declining(&["visa_chargeDeclinedStolenCard", "chargeDeclinedStolenCard"], "4000000000009979",
              issuer("card_declined", "stolen_card", DECLINED)),
    declining(&["chargeDeclinedExpiredCard", "visa_chargeDeclinedExpiredCard"], "4000000000000069",
              issuer("expired_card", "expired_card", "Your card has expired.")),
    declining(&["chargeDeclinedIncorrectCvc", "visa_chargeDeclinedIncorrectCvc"],
              "4000000000000127", INCORRECT_CVC),
    declining(&["chargeDeclinedProcessingError", "visa_chargeDeclinedProcessingError"],
              "4000000000000119", PROCESSING_ERROR),
    declining(&["visa_chargeDeclinedVelocityLimitExceeded", "chargeDeclinedVelocityLimitExceeded"],
              "4000000000006975",
              issuer("card_declined", "card_velocity_exceeded",
                     "Your card was declined for making repeated attempts too frequently or \
                      exceeding its amount limit.")),
    TestCard { attach_ok: true, ..declining(&["chargeCustomerFail"], "4000000000000341", GENERIC) },
    // Fraud prevention (Radar).
    TestCard {
        risk: "highest",
        ..declining(&["radarBlock", "chargeDeclinedFraudulent", "visa_chargeDeclinedFraudulent"],
                    "4100000000000019", FRAUDULENT)
    },
    TestCard { risk: "highest", ..declining(&["riskLevelHighest"], "4000000000004954", FRAUDULENT) },
    TestCard { risk: "elevated", ..card(&["riskLevelElevated"], "4000000000009235", "visa", "credit") },
    TestCard {
        checks: ["fail", "", ""],
        ..declining(&["cvcCheckFail"], "4000000000000101", INCORRECT_CVC)
    },
    checked(&["avsFail"], "4000000000000010", ["pass", "fail", "fail"]),
    checked(&["avsLine1Fail"], "4000000000000028", ["pass", "fail", "pass"]),
    checked(&["avsZipFail"], "4000000000000036", ["pass", "pass", "fail"]),
    checked(&["avsUnchecked"], "4000000000000044", ["pass", "unavailable", "unavailable"]),
    // 3-D Secure and regulatory (SCA) cards.
    secure(&["threeDSecure2Required"], "4000000000003220", ThreeDs::Required),
    secure(&["threeDSecureRequired"], "4000000000003063", ThreeDs::Required),
    TestCard {
        decline: Some(GENERIC),
        ..secure(&["threeDSecureRequiredChargeDeclined"], "4000008400001629", ThreeDs::Required)
    },
    secure(&["threeDSecureRequiredProcessingError"], "4000008400001280",
           ThreeDs::RequiredLookupFails),
    secure(&["threeDSecureOptional"], "4000000000003055", ThreeDs::Optional),
    secure(&["threeDSecureOptionalProcessingError"], "4000000000003097",
           ThreeDs::OptionalLookupFails),
    secure(&["authenticationRequiredOnSetup"], "4000002500003155", ThreeDs::UnlessSetUp),
    secure(&["authenticationRequired"], "4000002760003184", ThreeDs::Required),
    secure(&["authenticationRequiredSetupForOffSession"], "4000003800000446",
           ThreeDs::OnSessionOnly),
    TestCard {
        decline: Some(INSUFFICIENT_FUNDS),
        ..secure(&["authenticationRequiredChargeDeclinedInsufficientFunds"], "4000008260003178",
                 ThreeDs::Required)
    },
];

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
