//! What Stripe's nested hashes take where several routes read them (addresses, shipping,
//! billing details, discounts, a subscription item's `price_data`), as [`Takes`] tables that a
//! route's own table names in its `nested` list. The keys are those of stripe-python 16.1's
//! typed request parameters (Stripe's API description); a route's other nested tables stay
//! beside its handler.

use crate::params::Takes;

/// What `payment_method_options[card]` serves on a payment or setup intent: 3-D Secure's
/// request.
pub(crate) const CARD_OPTIONS_SERVED: &[&str] = &["request_three_d_secure"];

/// What Stripe takes in `payment_method_options[card]` on payment and setup intents alike that
/// the clone does not serve (a payment intent's table refuses more).
#[rustfmt::skip]
pub(crate) const CARD_OPTIONS_UNSERVED: &[&str] = &[
    "mandate_options", "moto", "network", "setup_credential_usage", "three_d_secure",
];

/// An `address` hash (customers, shipping, billing details, preview customer details).
pub(crate) const ADDRESS: Takes = Takes::serving(
    "addresses",
    &[&["city", "country", "line1", "line2", "postal_code", "state"]],
);

/// A customer's `shipping` (and a preview's `customer_details[shipping]`).
pub(crate) const SHIPPING: Takes = Takes {
    route: "shipping",
    serves: &[&["address", "name", "phone"]],
    refuses: &[],
    nested: &[("address", &ADDRESS)],
};

/// A payment intent's or a charge's `shipping`, which also names the carrier.
pub(crate) const TRACKED_SHIPPING: Takes = Takes {
    route: "shipping",
    serves: &[&["address", "name", "phone", "carrier", "tracking_number"]],
    refuses: &[],
    nested: &[("address", &ADDRESS)],
};

/// A payment method's `billing_details`.
pub(crate) const BILLING_DETAILS: Takes = Takes {
    route: "billing details",
    serves: &[&["address", "email", "name", "phone", "tax_id"]],
    refuses: &[],
    nested: &[("address", &ADDRESS)],
};

/// One entry of `discounts[]` on a subscription (and a subscription item, which refuses it).
pub(crate) const DISCOUNT: Takes =
    Takes::serving("discounts", &[&["coupon", "discount", "promotion_code"]]);

/// The `recurring` of a subscription item's or a checkout line's `price_data`.
pub(crate) const ITEM_RECURRING: Takes =
    Takes::serving("prices", &[&["interval", "interval_count"]]);

/// A subscription item's `price_data` (subscriptions' `items[n]`, `/v1/subscription_items`).
pub(crate) const ITEM_PRICE_DATA: Takes = Takes {
    route: "prices",
    serves: &[&[
        "currency",
        "product",
        "recurring",
        "tax_behavior",
        "unit_amount",
        "unit_amount_decimal",
    ]],
    refuses: &[],
    nested: &[("recurring", &ITEM_RECURRING)],
};

/// A payment or setup intent's `automatic_payment_methods`.
pub(crate) const AUTOMATIC_PAYMENT_METHODS: Takes = Takes::serving(
    "automatic payment methods",
    &[&["allow_redirects", "enabled"]],
);

/// A new bank account's `us_bank_account` (a payment method's create, an intent's
/// `payment_method_data`): its numbers as typed in (a Financial Connections
/// account, which Stripe verifies instantly, is not served).
pub(crate) const BANK_ACCOUNT: Takes = Takes {
    route: "bank accounts",
    serves: &[&[
        "routing_number",
        "account_number",
        "account_holder_type",
        "account_type",
    ]],
    refuses: &[&["financial_connections_account"]],
    nested: &[],
};

/// A payment or setup intent's `mandate_data`: the customer's acceptance of an ACH Direct
/// Debit mandate.
pub(crate) const MANDATE_DATA: Takes = Takes {
    route: "mandates",
    serves: &[&["customer_acceptance"]],
    refuses: &[],
    nested: &[("customer_acceptance", &CUSTOMER_ACCEPTANCE)],
};

/// `mandate_data[customer_acceptance]`: online (with the customer's browser) or offline.
const CUSTOMER_ACCEPTANCE: Takes = Takes {
    route: "mandates",
    serves: &[&["type", "online", "offline", "accepted_at"]],
    refuses: &[],
    nested: &[
        ("online", &ONLINE_ACCEPTANCE),
        ("offline", &Takes::serving("mandates", &[])),
    ],
};

/// `mandate_data[customer_acceptance][online]`.
const ONLINE_ACCEPTANCE: Takes = Takes::serving("mandates", &[&["ip_address", "user_agent"]]);

/// Every payment method type's details but a card's and a US bank account's, and Radar's
/// session: what a payment method's create and an intent's `payment_method_data` refuse by
/// name (the latter refuses `us_bank_account` too).
#[rustfmt::skip]
pub(crate) const OTHER_TYPES: &[&str] = &[
    "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "au_becs_debit",
    "bacs_debit", "bancontact", "billie", "bizum", "blik", "boleto", "cashapp", "crypto",
    "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal", "interac_present",
    "kakao_pay", "klarna", "konbini", "kr_card", "link", "mb_way", "mobilepay", "multibanco",
    "naver_pay", "nz_bank_account", "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal",
    "paypay", "payto", "pix", "promptpay", "radar_options", "revolut_pay", "samsung_pay",
    "satispay", "scalapay", "sepa_debit", "sequra", "sofort", "sunbit", "swish", "twint", "upi",
    "wechat_pay", "zip",
];
