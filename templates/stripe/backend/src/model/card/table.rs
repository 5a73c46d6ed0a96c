//! The table of Stripe's test cards (<https://docs.stripe.com/testing>) and the constructors
//! that keep each entry to what sets it apart.

use super::{
    DECLINED, Decline, Disputed, FRAUDULENT, GENERIC, INCORRECT_CVC, INSUFFICIENT_FUNDS,
    PROCESSING_ERROR, TestCard, ThreeDs, issuer,
};

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
        dispute: None,
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

/// A Visa credit card whose charges succeed and are then disputed as `dispute` says.
const fn disputing(
    names: &'static [&'static str],
    number: &'static str,
    dispute: Disputed,
) -> TestCard {
    TestCard {
        dispute: Some(dispute),
        ..card(names, number, "visa", "credit")
    }
}

/// A chargeback for `reason`, with Visa's `code`.
const fn chargeback(reason: &'static str, code: &'static str) -> Disputed {
    Disputed {
        reason,
        inquiry: false,
        network_reason_code: Some(code),
    }
}

/// Stripe's documented test cards: by brand, by country, declines, fraud prevention,
/// disputes, 3-D Secure. (The refund-failure cards and the multiple-disputes card are not
/// here: those flows are not modelled.)
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
    // Disputes: the charge succeeds, then is disputed.
    disputing(&["createDispute"], "4000000000000259", chargeback("fraudulent", "10.4")),
    disputing(&["createDisputeProductNotReceived"], "4000000000002685",
              chargeback("product_not_received", "13.1")),
    disputing(&["createDisputeInquiry"], "4000000000001976",
              Disputed { reason: "general", inquiry: true, network_reason_code: None }),
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
