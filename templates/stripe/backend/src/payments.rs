//! Payment intents: create, retrieve, update, confirm, capture, cancel, list, search.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, PAYMENT_INTENT, PAYMENT_METHOD};
use crate::model::intent::{
    Attempted, How, attempt, capture, check_amount, currency, method_types, new_intent,
    options_for_types, requested_three_d_secure,
};
use crate::model::{bank, method};
use crate::params::{Nested, Params, Takes, apply_metadata, string_at, unserved};
use crate::shapes::{
    AUTOMATIC_PAYMENT_METHODS, BANK_ACCOUNT, BILLING_DETAILS, CARD_OPTIONS_SERVED,
    CARD_OPTIONS_UNSERVED, MANDATE_DATA, OTHER_TYPES, TRACKED_SHIPPING,
};
use asym_kit::Kit;

/// Payment intents: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/payment_intents" => post(create_intent), get(list_intents);
        "/v1/payment_intents/search" => get(PAYMENT_INTENT.search);
        "/v1/payment_intents/{id}" => get(retrieve_intent, 1), post(update_intent, 1);
        "/v1/payment_intents/{id}/confirm" => post(confirm_intent, 1);
        "/v1/payment_intents/{id}/capture" => post(capture_intent, 1);
        "/v1/payment_intents/{id}/cancel" => post(cancel_intent, 1);
    }
}

/// What a payment intent's create and update both serve.
#[rustfmt::skip]
const INTENT_SERVED: &[&str] = &[
    "amount", "currency", "customer", "description", "metadata", "payment_method",
    "payment_method_types", "allowed_payment_method_types", "capture_method", "receipt_email",
    "setup_future_usage", "statement_descriptor", "statement_descriptor_suffix", "shipping",
    "payment_method_options", "payment_method_data", "transfer_group",
];

/// What Stripe takes on a payment intent's create and update that this clone does not serve:
/// Connect, payment method configurations and exclusions, amount and payment details, hooks.
#[rustfmt::skip]
const INTENT_UNSERVED: &[&str] = &[
    "amount_details", "application_fee_amount", "customer_account",
    "excluded_payment_method_types", "hooks", "payment_details",
    "payment_method_configuration", "transfer_data",
];

/// What Stripe takes on a create or a confirm that this clone does not serve: an existing
/// mandate by id, confirmation tokens, Radar sessions.
#[rustfmt::skip]
const CONFIRM_UNSERVED: &[&str] = &[
    "confirmation_token", "mandate", "radar_options",
];

/// The hashes a payment intent's create, update and confirm check inside.
const INTENT_NESTED: Nested = &[
    ("shipping", &TRACKED_SHIPPING),
    ("payment_method_options", &OPTIONS),
    ("payment_method_data", &METHOD_DATA),
    ("automatic_payment_methods", &AUTOMATIC_PAYMENT_METHODS),
];

/// What a payment intent's `payment_method_data` takes: a card, by its test token, or a US
/// bank account, with billing details (every other type's details and metadata are refused
/// by name, as is a `type` other than those two).
const METHOD_DATA: Takes = Takes {
    route: "payment intents",
    serves: &[&["type", "card", "us_bank_account", "billing_details"]],
    refuses: &[OTHER_TYPES, &["allow_redisplay", "metadata"]],
    nested: &[
        ("card", &METHOD_DATA_CARD),
        ("us_bank_account", &BANK_ACCOUNT),
        ("billing_details", &BILLING_DETAILS),
    ],
};

/// `payment_method_data[card]`: its token (`tok_visa`, …), not a card's number.
const METHOD_DATA_CARD: Takes = Takes {
    route: "payment intents",
    serves: &[&["token"]],
    refuses: &[&["number", "exp_month", "exp_year", "cvc", "networks"]],
    nested: &[],
};

/// What a payment intent's `payment_method_options` take: cards' only (every other type's
/// options are refused by name).
#[rustfmt::skip]
const OPTIONS: Takes = Takes {
    route: "payment intents",
    serves: &[&["card"]],
    refuses: &[&[
        "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay",
        "au_becs_debit", "bacs_debit", "bancontact", "billie", "bizum", "blik", "boleto",
        "card_present", "cashapp", "crypto", "customer_balance", "eps", "fpx", "giropay",
        "grabpay", "ideal", "interac_present", "kakao_pay", "klarna", "konbini", "kr_card", "link",
        "mb_way", "mobilepay", "multibanco", "naver_pay", "nz_bank_account", "oxxo", "p24",
        "pay_by_bank", "payco", "paynow", "paypal", "paypay", "payto", "pix", "promptpay",
        "revolut_pay", "samsung_pay", "satispay", "scalapay", "sepa_debit", "sequra", "sofort",
        "sunbit", "swish", "twint", "upi", "us_bank_account", "wechat_pay", "zip",
    ]],
    nested: &[("card", &CARD_OPTIONS)],
};

/// What `payment_method_options[card]` takes on a payment intent: a setup intent's card
/// options, and refuses what only payments take there.
#[rustfmt::skip]
const CARD_OPTIONS: Takes = Takes {
    route: "payment intents",
    serves: &[CARD_OPTIONS_SERVED],
    refuses: &[CARD_OPTIONS_UNSERVED, &[
        "capture_method", "cvc_token", "installments", "request_extended_authorization",
        "request_incremental_authorization", "request_multicapture", "request_overcapture",
        "require_cvc_recollection", "setup_future_usage", "statement_descriptor_suffix_kana",
        "statement_descriptor_suffix_kanji", "stored_credential_usage",
    ]],
    nested: &[],
};

/// What `POST /v1/payment_intents` takes.
#[rustfmt::skip]
const CREATE: Takes = Takes {
    route: "payment intent creation",
    serves: &[INTENT_SERVED, &[
        "confirm", "confirmation_method", "automatic_payment_methods", "off_session",
        "return_url", "error_on_requires_action", "use_stripe_sdk", "mandate_data",
    ]],
    refuses: &[INTENT_UNSERVED, CONFIRM_UNSERVED, &["on_behalf_of"]],
    nested: CONFIRM_NESTED,
};

/// The hashes a payment intent's create and confirm check inside: an update's and
/// `mandate_data`.
const CONFIRM_NESTED: Nested = &[
    ("shipping", &TRACKED_SHIPPING),
    ("payment_method_options", &OPTIONS),
    ("payment_method_data", &METHOD_DATA),
    ("automatic_payment_methods", &AUTOMATIC_PAYMENT_METHODS),
    ("mandate_data", &MANDATE_DATA),
];

/// What `POST /v1/payment_intents/{id}` takes.
const UPDATE: Takes = Takes {
    route: "payment intent updates",
    serves: &[INTENT_SERVED],
    refuses: &[INTENT_UNSERVED],
    nested: INTENT_NESTED,
};

/// Applies the updatable fields of a create/update request.
async fn apply_intent(cx: &mut Cx<'_>, intent: &mut Value, params: &Params) -> ApiResult<()> {
    #[rustfmt::skip]
    const PLAIN: &[&str] = &[
        "description", "receipt_email", "statement_descriptor", "statement_descriptor_suffix",
        "transfer_group",
    ];
    params.copy_nullable(intent, PLAIN)?;
    if let Some(value) = params.nullable("setup_future_usage")? {
        if let Some(s) = value.as_str()
            && !["on_session", "off_session"].contains(&s)
        {
            return Err(ApiError::invalid_param(
                "setup_future_usage",
                format!("Invalid setup_future_usage: {s}"),
            ));
        }
        intent["setup_future_usage"] = value;
    }
    let capture = ["automatic", "automatic_async", "manual"];
    if let Some(method) = params.one_of("capture_method", &capture)? {
        intent["capture_method"] = json!(method);
    }
    if let Some(shipping) = params.hash("shipping")? {
        intent["shipping"] = Value::Object(shipping.clone());
    }
    if let Some(types) = method_types(params)? {
        options_for_types(&mut intent["payment_method_options"], &types);
        intent["payment_method_types"] = json!(types);
        intent["automatic_payment_methods"] = Value::Null;
    }
    if let Some(value) = requested_three_d_secure(params)? {
        intent["payment_method_options"]["card"]["request_three_d_secure"] = json!(value);
    }
    if let Some(auto) = params.hash("automatic_payment_methods")? {
        let enabled =
            crate::params::bool_at(auto.get("enabled"), "automatic_payment_methods[enabled]")?
                .unwrap_or(false);
        intent["automatic_payment_methods"] = if enabled {
            json!({"allow_redirects": auto.get("allow_redirects").cloned().unwrap_or(json!("always")),
                   "enabled": true})
        } else {
            Value::Null
        };
    }
    if let Some(customer) = params.nullable("customer")? {
        if let Some(id) = customer.as_str() {
            CUSTOMER.named(cx, id, "customer").await?;
        }
        intent["customer"] = customer;
    }
    if let Some(pm) = params.str("payment_method")? {
        if pm.is_empty() {
            intent["payment_method"] = Value::Null;
        } else {
            let method = method::resolve(cx, pm, "payment_method").await?;
            check_method_customer(&method, intent)?;
            intent["payment_method"] = method["id"].clone();
        }
    }
    if params.has("payment_method_data") {
        let data = params
            .hash("payment_method_data")?
            .cloned()
            .unwrap_or_default();
        let at = "payment_method_data[type]";
        let method = match string_at(data.get("type"), at)? {
            Some("card") => {
                let token = data
                    .get("card")
                    .and_then(|c| c.get("token"))
                    .and_then(Value::as_str)
                    .unwrap_or("tok_visa")
                    .to_owned();
                let at = "payment_method_data[card][token]";
                let mut method = method::resolve(cx, &token, at).await?;
                if let Some(billing) = data.get("billing_details") {
                    method["billing_details"] = method::billing_details(Some(billing));
                    cx.save(&method)?;
                }
                method
            }
            Some("us_bank_account") => bank::create(cx, &Params(data))
                .await
                .map_err(|err| err.nested_in("payment_method_data"))?,
            Some("") | None => return Err(ApiError::missing(at)),
            Some(_) => return Err(unserved(at, METHOD_DATA.route)),
        };
        intent["payment_method"] = method["id"].clone();
    }
    apply_metadata(intent, params)
}

fn check_method_customer(method: &Value, intent: &Value) -> ApiResult<()> {
    if let Some(owner) = method["customer"].as_str()
        && intent["customer"].as_str() != Some(owner)
    {
        return Err(ApiError::invalid_param(
            "payment_method",
            format!(
                "The provided PaymentMethod was previously used with a PaymentIntent without \
                 Customer attachment, shared with a connected account without Customer \
                 attachment, or was detached from a Customer. It may not be used again. \
                 (It belongs to {owner}; pass customer={owner}.)"
            ),
        )
        .code("payment_method_unexpected_state"));
    }
    Ok(())
}

/// `POST /v1/payment_intents`.
pub(crate) async fn create_intent(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    if params.one_of("confirmation_method", &["automatic", "manual"])? == Some("manual") {
        return Err(ApiError::invalid_param(
            "confirmation_method",
            "This Stripe clone does not serve confirmation_method=manual on payment intent \
             creation (not implemented): confirmation is automatic.",
        ));
    }
    let amount = params
        .int("amount")?
        .ok_or_else(|| ApiError::missing("amount"))?;
    let currency = currency(&params)?;
    check_amount(amount, &currency)?;
    let (mut intent, seq) = new_intent(cx, amount, &currency, None, cx.now).await?;
    if !params.has("payment_method_types") && !params.has("allowed_payment_method_types") {
        intent["automatic_payment_methods"] = json!({"allow_redirects": "always", "enabled": true});
    }
    apply_intent(cx, &mut intent, &params).await?;
    if !intent["payment_method"].is_null() {
        intent["status"] = json!("requires_confirmation");
    }
    cx.insert(seq, &intent)?;
    cx.emit("payment_intent.created", &intent, None).await?;
    if params.bool("confirm")?.unwrap_or(false) {
        confirm(cx, &mut intent, &params).await?;
    }
    Ok(intent)
}

/// `GET /v1/payment_intents/{id}`.
pub(crate) async fn retrieve_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["client_secret"])?;
    PAYMENT_INTENT.find(cx, id).await
}

fn unexpected_state(intent: &Value, action: &str, allowed: &[&str]) -> ApiError {
    let status = intent["status"].as_str().unwrap_or_default();
    ApiError::state(
        "payment_intent_unexpected_state",
        format!(
            "You cannot {action} this PaymentIntent because it has a status of {status}. Only a \
             PaymentIntent with one of the following statuses may be {}: {}.",
            if action == "confirm" {
                "confirmed"
            } else if action == "capture" {
                "captured"
            } else {
                "canceled"
            },
            allowed.join(", ")
        ),
    )
    .with("payment_intent", intent.clone())
}

/// `POST /v1/payment_intents/{id}`.
pub(crate) async fn update_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut intent) = PAYMENT_INTENT.for_update(cx, id, &UPDATE).await?;
    let before = intent.clone();
    let status = intent["status"].as_str().unwrap_or_default().to_owned();
    let open = [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ]
    .contains(&status.as_str());
    let restricted = [
        "amount",
        "currency",
        "payment_method",
        "customer",
        "capture_method",
    ];
    if !open && let Some(key) = restricted.iter().find(|k| params.has(k)) {
        return Err(ApiError::state(
            "payment_intent_unexpected_state",
            format!(
                "This PaymentIntent's {key} could not be updated because it has a status of {status}. You may only update the {key} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action."
            ),
        ));
    }
    if let Some(amount) = params.int("amount")? {
        let currency = params.str("currency")?.map_or_else(
            || intent["currency"].as_str().unwrap_or("usd").to_owned(),
            str::to_lowercase,
        );
        check_amount(amount, &currency)?;
        intent["amount"] = json!(amount);
    }
    if params.has("currency") {
        intent["currency"] = json!(currency(&params)?);
    }
    apply_intent(cx, &mut intent, &params).await?;
    if intent["status"] == "requires_payment_method" && !intent["payment_method"].is_null() {
        intent["status"] = json!("requires_confirmation");
    }
    cx.save_if_changed("payment_intent.updated", &before, intent)
        .await
}

/// `POST /v1/payment_intents/{id}/confirm`.
pub(crate) async fn confirm_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut intent) = PAYMENT_INTENT
        .for_update(
            cx,
            id,
            &Takes {
                route: "payment intent confirmation",
                #[rustfmt::skip]
                serves: &[&[
                    "payment_method", "return_url", "off_session", "setup_future_usage",
                    "receipt_email", "shipping", "payment_method_options", "payment_method_data",
                    "error_on_requires_action", "use_stripe_sdk", "capture_method",
                    "client_secret", "payment_method_types", "mandate_data",
                ]],
                #[rustfmt::skip]
                refuses: &[CONFIRM_UNSERVED, &[
                    "allowed_payment_method_types", "amount_details", "amount_to_confirm",
                    "excluded_payment_method_types", "hooks", "payment_details",
                ]],
                nested: CONFIRM_NESTED,
            },
        )
        .await?;
    confirm(cx, &mut intent, &params).await?;
    Ok(intent)
}

/// Confirms `intent` (already stored): charges its payment method and moves its status.
/// A decline answers 402 with the intent, keeping the failed charge.
pub(crate) async fn confirm(cx: &mut Cx<'_>, intent: &mut Value, params: &Params) -> ApiResult<()> {
    let allowed = [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ];
    if !allowed.contains(&intent["status"].as_str().unwrap_or_default()) {
        return Err(unexpected_state(intent, "confirm", &allowed));
    }
    let mut update = params.clone();
    for key in [
        "amount",
        "currency",
        "customer",
        "confirm",
        "metadata",
        "description",
        "automatic_payment_methods",
        "payment_method_types",
        "capture_method",
    ] {
        update.0.remove(key);
    }
    apply_intent(cx, intent, &update).await?;
    if let Some(method) = params.str("capture_method")? {
        intent["capture_method"] = json!(method);
    }
    let Some(method_id) = intent["payment_method"].as_str().map(str::to_owned) else {
        return Err(ApiError::state(
            "payment_intent_unexpected_state",
            "You cannot confirm this PaymentIntent because it's missing a payment method. To \
             confirm the PaymentIntent, specify a payment method with the `payment_method` parameter.",
        )
        .with("payment_intent", intent.clone()));
    };
    let method = PAYMENT_METHOD
        .lock_named(cx, &method_id, "payment_method")
        .await?;
    if bank::is_bank(&method) {
        return bank::debit(cx, (intent, &method), params).await.map(drop);
    }
    match attempt(cx, intent, &method, &How::from_params(params)?).await? {
        Attempted::Charged => {
            if intent["status"] == "succeeded" && !intent["invoice"].is_null() {
                crate::model::invoice::intent_succeeded(cx, intent).await?;
            }
            Ok(())
        }
        Attempted::RequiresAction => Ok(()),
        Attempted::Declined(err) => Err(err),
    }
}

/// `POST /v1/payment_intents/{id}/capture` (`amount_to_capture`).
pub(crate) async fn capture_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut intent) = PAYMENT_INTENT
        .for_update(
            cx,
            id,
            &Takes {
                route: "payment intent capture",
                serves: &[&["amount_to_capture", "metadata"]],
                #[rustfmt::skip]
                refuses: &[&[
                    "amount_details", "application_fee_amount", "final_capture", "hooks",
                    "payment_details", "statement_descriptor", "statement_descriptor_suffix",
                    "transfer_data",
                ]],
                nested: &[],
            },
        )
        .await?;
    if intent["status"] != "requires_capture" {
        return Err(unexpected_state(&intent, "capture", &["requires_capture"]));
    }
    let before = intent.clone();
    apply_metadata(&mut intent, &params)?;
    let amount = params.int("amount_to_capture")?;
    capture(cx, (&before, &mut intent), amount, "amount_to_capture").await?;
    Ok(intent)
}

/// `POST /v1/payment_intents/{id}/cancel` (`cancellation_reason`).
pub(crate) async fn cancel_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["cancellation_reason"])?;
    let reasons = [
        "duplicate",
        "fraudulent",
        "requested_by_customer",
        "abandoned",
    ];
    let reason = cx
        .params
        .one_of("cancellation_reason", &reasons)?
        .map(str::to_owned);
    let mut intent = PAYMENT_INTENT.lock(cx, id).await?;
    let allowed = [
        "requires_payment_method",
        "requires_capture",
        "requires_confirmation",
        "requires_action",
        "processing",
    ];
    if !allowed.contains(&intent["status"].as_str().unwrap_or_default()) {
        return Err(unexpected_state(&intent, "cancel", &allowed));
    }
    let before = intent.clone();
    if intent["status"] == "requires_capture"
        && let Some(charge_id) = intent["latest_charge"].as_str().map(str::to_owned)
        && let Some(mut charge) = cx.get("charge", &charge_id, true).await?
    {
        charge["amount_refunded"] = charge["amount"].clone();
        charge["refunded"] = json!(true);
        cx.save(&charge)?;
    }
    intent["status"] = json!("canceled");
    intent["next_action"] = Value::Null;
    intent["canceled_at"] = json!(cx.now);
    intent["cancellation_reason"] = json!(reason);
    intent["amount_capturable"] = json!(0);
    cx.save_changed("payment_intent.canceled", &before, &intent)
        .await?;
    Ok(intent)
}

/// `GET /v1/payment_intents` (`customer`).
pub(crate) async fn list_intents(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [("customer", "customer = {}")];
    PAYMENT_INTENT.list_by(cx, &keys, &[]).await
}
