//! Payment intents (create, retrieve, update, confirm, capture, cancel), charges, refunds and
//! setup intents, moving through Stripe's statuses with the test cards' outcomes.

use serde_json::{Value, json};

use crate::customers::previous;
use crate::cx::{Cx, Filter};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::methods::{self, Decline};
use crate::params::{Params, apply_metadata};
use crate::search;

const INTENT_FIELDS: &[&str] = &[
    "amount",
    "currency",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_types",
    "confirm",
    "capture_method",
    "confirmation_method",
    "automatic_payment_methods",
    "receipt_email",
    "setup_future_usage",
    "off_session",
    "return_url",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "shipping",
    "payment_method_options",
    "payment_method_data",
    "error_on_requires_action",
    "mandate_data",
    "use_stripe_sdk",
    "transfer_group",
    "on_behalf_of",
    "application_fee_amount",
    "transfer_data",
    "radar_options",
    "payment_method_configuration",
];

/// Validates `currency` (three lower-case letters).
pub(crate) fn currency(params: &Params) -> ApiResult<String> {
    let currency = params.required("currency")?.to_lowercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, gbp, …"
            ),
        ));
    }
    Ok(currency)
}

fn check_amount(amount: i64, currency: &str) -> ApiResult<()> {
    let minimum = match currency {
        "jpy" | "krw" | "vnd" | "clp" => 50,
        _ => 50,
    };
    if amount < minimum {
        return Err(ApiError::invalid_param(
            "amount",
            format!("Amount must be at least $0.50 {currency}"),
        )
        .code("amount_too_small"));
    }
    if amount > 99_999_999 {
        return Err(
            ApiError::invalid_param("amount", "Amount must be no more than $999,999.99")
                .code("amount_too_large"),
        );
    }
    Ok(())
}

/// A new payment intent (not stored).
pub(crate) async fn new_intent(
    cx: &mut Cx<'_>,
    amount: i64,
    currency: &str,
    customer: Option<&str>,
    created: i64,
) -> ApiResult<(Value, i64)> {
    let (id, seq) = cx.new_id("pi_").await?;
    let intent = json!({
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": ids::client_secret(&id),
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": customer,
        "description": null,
        "invoice": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": false,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {"card": {"installments": null, "mandate_options": null,
                                            "network": null, "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "requires_payment_method",
        "transfer_data": null,
        "transfer_group": null,
    });
    Ok((intent, seq))
}

/// Applies the updatable fields of a create/update request.
async fn apply_intent(cx: &mut Cx<'_>, intent: &mut Value, params: &Params) -> ApiResult<()> {
    for key in [
        "description",
        "receipt_email",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_group",
    ] {
        if let Some(value) = params.nullable(key)? {
            intent[key] = value;
        }
    }
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
    if let Some(method) = params.str("capture_method")? {
        if !["automatic", "automatic_async", "manual"].contains(&method) {
            return Err(ApiError::invalid_param(
                "capture_method",
                format!("Invalid capture_method: {method}"),
            ));
        }
        intent["capture_method"] = json!(method);
    }
    if let Some(shipping) = params.hash("shipping")? {
        intent["shipping"] = Value::Object(shipping.clone());
    }
    if let Some(types) = params.strings("payment_method_types")? {
        if let Some(other) = types.iter().find(|t| t.as_str() != "card") {
            return Err(ApiError::invalid_param(
                "payment_method_types",
                format!("The payment method type \"{other}\" is not supported by this clone."),
            ));
        }
        intent["payment_method_types"] = json!(types);
        intent["automatic_payment_methods"] = Value::Null;
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
            cx.fetch("customer", "customer", id, "customer", false)
                .await?;
        }
        intent["customer"] = customer;
    }
    if let Some(pm) = params.str("payment_method")? {
        if pm.is_empty() {
            intent["payment_method"] = Value::Null;
        } else {
            let method = methods::resolve(cx, pm, "payment_method").await?;
            check_method_customer(&method, intent)?;
            intent["payment_method"] = method["id"].clone();
        }
    }
    if params.has("payment_method_data") {
        let data = params
            .hash("payment_method_data")?
            .cloned()
            .unwrap_or_default();
        let token = data
            .get("card")
            .and_then(|c| c.get("token"))
            .and_then(Value::as_str)
            .unwrap_or("tok_visa")
            .to_owned();
        let method = methods::resolve(cx, &token, "payment_method_data[card][token]").await?;
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
    cx.params.allow(INTENT_FIELDS)?;
    let params = cx.params.clone();
    let amount = params
        .int("amount")?
        .ok_or_else(|| ApiError::missing("amount"))?;
    let currency = currency(&params)?;
    check_amount(amount, &currency)?;
    let (mut intent, seq) = new_intent(cx, amount, &currency, None, cx.now).await?;
    if !params.has("payment_method_types") {
        intent["automatic_payment_methods"] = json!({"allow_redirects": "always", "enabled": true});
    }
    apply_intent(cx, &mut intent, &params).await?;
    if !intent["payment_method"].is_null() {
        intent["status"] = json!("requires_confirmation");
    }
    cx.insert(seq, &intent).await?;
    cx.emit("payment_intent.created", &intent, None).await?;
    if params.bool("confirm")?.unwrap_or(false) {
        confirm(cx, &mut intent, &params).await?;
    }
    Ok(intent)
}

/// `GET /v1/payment_intents/{id}`.
pub(crate) async fn retrieve_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["client_secret"])?;
    cx.fetch("payment_intent", "payment_intent", id, "intent", false)
        .await
}

async fn fetch_intent(cx: &Cx<'_>, id: &str) -> ApiResult<Value> {
    cx.fetch("payment_intent", "payment_intent", id, "intent", true)
        .await
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
    cx.params.allow(INTENT_FIELDS)?;
    let params = cx.params.clone();
    let mut intent = fetch_intent(cx, id).await?;
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
    if intent != before {
        cx.save(&intent).await?;
        cx.emit(
            "payment_intent.updated",
            &intent,
            Some(previous(&before, &intent)),
        )
        .await?;
    }
    Ok(intent)
}

/// `POST /v1/payment_intents/{id}/confirm`.
pub(crate) async fn confirm_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "payment_method",
        "return_url",
        "off_session",
        "setup_future_usage",
        "receipt_email",
        "shipping",
        "payment_method_options",
        "payment_method_data",
        "error_on_requires_action",
        "mandate_data",
        "use_stripe_sdk",
        "capture_method",
        "client_secret",
        "payment_method_types",
        "radar_options",
    ])?;
    let params = cx.params.clone();
    let mut intent = fetch_intent(cx, id).await?;
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
    let method = cx
        .fetch(
            "payment_method",
            "PaymentMethod",
            &method_id,
            "payment_method",
            true,
        )
        .await?;
    match attempt(cx, intent, &method).await? {
        None => {
            if intent["status"] == "succeeded" && !intent["invoice"].is_null() {
                crate::billing::intent_succeeded(cx, intent).await?;
            }
            Ok(())
        }
        Some(err) => Err(err),
    }
}

/// Charges `method` for `intent` and saves both: `Ok(None)` on success, `Ok(Some(402))`
/// (with the intent, persisted) on a decline.
pub(crate) async fn attempt(
    cx: &mut Cx<'_>,
    intent: &mut Value,
    method: &Value,
) -> ApiResult<Option<ApiError>> {
    let before = intent.clone();
    let decline = methods::decline_of(method);
    let manual = intent["capture_method"] == "manual";
    let charge = new_charge(cx, intent, method, decline, manual).await?;
    let charge_id = charge["id"].clone();
    intent["latest_charge"] = charge_id.clone();
    if let Some(decline) = decline {
        let mut method_json = method.clone();
        crate::cx::strip_hidden(&mut method_json);
        let error = json!({
            "charge": charge_id,
            "code": decline.code,
            "decline_code": decline.decline_code,
            "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
            "message": decline.message,
            "payment_method": method_json,
            "type": "card_error",
        });
        intent["last_payment_error"] = error;
        intent["payment_method"] = Value::Null;
        intent["status"] = json!("requires_payment_method");
        cx.save(intent).await?;
        cx.emit("charge.failed", &charge, None).await?;
        cx.emit(
            "payment_intent.payment_failed",
            intent,
            Some(previous(&before, intent)),
        )
        .await?;
        let mut shown = intent.clone();
        crate::cx::strip_hidden(&mut shown);
        return Ok(Some(
            card_error(decline)
                .with("charge", charge_id)
                .with("payment_intent", shown)
                .with("payment_method", method_json)
                .persist(),
        ));
    }
    intent["last_payment_error"] = Value::Null;
    if manual {
        intent["status"] = json!("requires_capture");
        intent["amount_capturable"] = intent["amount"].clone();
    } else {
        intent["status"] = json!("succeeded");
        intent["amount_received"] = intent["amount"].clone();
    }
    if !intent["setup_future_usage"].is_null()
        && let Some(customer) = intent["customer"].as_str().map(str::to_owned)
        && method["customer"].is_null()
    {
        let id = method["id"].as_str().unwrap_or_default().to_owned();
        methods::attach(cx, &id, &customer, "payment_method").await?;
    }
    cx.save(intent).await?;
    cx.emit("charge.succeeded", &charge, None).await?;
    if manual {
        cx.emit(
            "payment_intent.amount_capturable_updated",
            intent,
            Some(previous(&before, intent)),
        )
        .await?;
    } else {
        cx.emit(
            "payment_intent.succeeded",
            intent,
            Some(previous(&before, intent)),
        )
        .await?;
    }
    Ok(None)
}

/// The 402 a declined card answers.
pub(crate) fn card_error(decline: Decline) -> ApiError {
    ApiError::card(decline.code, Some(decline.decline_code), decline.message)
}

async fn new_charge(
    cx: &mut Cx<'_>,
    intent: &Value,
    method: &Value,
    decline: Option<Decline>,
    manual: bool,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("ch_").await?;
    let amount = intent["amount"].as_i64().unwrap_or(0);
    let succeeded = decline.is_none();
    let card = &method["card"];
    let outcome = match decline {
        None => json!({"network_status": "approved_by_network", "reason": null,
                       "risk_level": "normal", "risk_score": 32,
                       "seller_message": "Payment complete.", "type": "authorized"}),
        Some(d) => json!({"network_status": "declined_by_network", "reason": d.decline_code,
                          "risk_level": "normal", "risk_score": 45,
                          "seller_message": "The bank did not return any further details with this decline.",
                          "type": "issuer_declined"}),
    };
    let charge = json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": if succeeded && !manual { amount } else { 0 },
        "amount_refunded": 0,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": method["billing_details"].clone(),
        "calculated_statement_descriptor": "ASYM",
        "captured": succeeded && !manual,
        "created": cx.now,
        "currency": intent["currency"].clone(),
        "customer": intent["customer"].clone(),
        "description": intent["description"].clone(),
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": decline.map(|d| d.code),
        "failure_message": decline.map(|d| d.message),
        "fraud_details": {},
        "invoice": intent["invoice"].clone(),
        "livemode": false,
        "metadata": intent["metadata"].clone(),
        "on_behalf_of": null,
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": intent["id"].clone(),
        "payment_method": method["id"].clone(),
        "payment_method_details": {
            "card": {
                "amount_authorized": if succeeded { json!(amount) } else { Value::Null },
                "brand": card["brand"].clone(),
                "checks": card["checks"].clone(),
                "country": card["country"].clone(),
                "exp_month": card["exp_month"].clone(),
                "exp_year": card["exp_year"].clone(),
                "fingerprint": card["fingerprint"].clone(),
                "funding": card["funding"].clone(),
                "installments": null,
                "last4": card["last4"].clone(),
                "mandate": null,
                "network": card["brand"].clone(),
                "three_d_secure": null,
                "wallet": null,
            },
            "type": "card",
        },
        "receipt_email": intent["receipt_email"].clone(),
        "receipt_number": null,
        "receipt_url": format!("{}/receipts/{id}", cx.state.kit.config().public_url),
        "refunded": false,
        "review": null,
        "shipping": intent["shipping"].clone(),
        "source": null,
        "source_transfer": null,
        "statement_descriptor": intent["statement_descriptor"].clone(),
        "statement_descriptor_suffix": intent["statement_descriptor_suffix"].clone(),
        "status": if succeeded { "succeeded" } else { "failed" },
        "transfer_data": null,
        "transfer_group": null,
    });
    cx.insert(seq, &charge).await?;
    Ok(charge)
}

/// `POST /v1/payment_intents/{id}/capture` (`amount_to_capture`).
pub(crate) async fn capture_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "amount_to_capture",
        "metadata",
        "final_capture",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "application_fee_amount",
    ])?;
    let params = cx.params.clone();
    let mut intent = fetch_intent(cx, id).await?;
    if intent["status"] != "requires_capture" {
        return Err(unexpected_state(&intent, "capture", &["requires_capture"]));
    }
    let before = intent.clone();
    let capturable = intent["amount_capturable"].as_i64().unwrap_or(0);
    let amount = params.int("amount_to_capture")?.unwrap_or(capturable);
    if amount > capturable || amount < 1 {
        return Err(ApiError::invalid_param(
            "amount_to_capture",
            format!(
                "The amount to capture ({amount}) must be between 1 and the amount capturable ({capturable})."
            ),
        ));
    }
    apply_metadata(&mut intent, &params)?;
    let charge_id = intent["latest_charge"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut charge = cx
        .fetch("charge", "charge", &charge_id, "charge", true)
        .await?;
    let charge_before = charge.clone();
    charge["captured"] = json!(true);
    charge["amount_captured"] = json!(amount);
    if amount < capturable {
        charge["amount_refunded"] = json!(capturable - amount);
    }
    cx.save(&charge).await?;
    intent["status"] = json!("succeeded");
    intent["amount_capturable"] = json!(0);
    intent["amount_received"] = json!(amount);
    cx.save(&intent).await?;
    cx.emit(
        "charge.captured",
        &charge,
        Some(previous(&charge_before, &charge)),
    )
    .await?;
    cx.emit(
        "payment_intent.succeeded",
        &intent,
        Some(previous(&before, &intent)),
    )
    .await?;
    Ok(intent)
}

/// `POST /v1/payment_intents/{id}/cancel` (`cancellation_reason`).
pub(crate) async fn cancel_intent(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["cancellation_reason"])?;
    let reason = cx.params.str("cancellation_reason")?.map(str::to_owned);
    if let Some(r) = &reason
        && ![
            "duplicate",
            "fraudulent",
            "requested_by_customer",
            "abandoned",
        ]
        .contains(&r.as_str())
    {
        return Err(ApiError::invalid_param(
            "cancellation_reason",
            format!("Invalid cancellation_reason: {r}"),
        ));
    }
    let mut intent = fetch_intent(cx, id).await?;
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
        cx.save(&charge).await?;
    }
    intent["status"] = json!("canceled");
    intent["canceled_at"] = json!(cx.now);
    intent["cancellation_reason"] = json!(reason);
    intent["amount_capturable"] = json!(0);
    cx.save(&intent).await?;
    cx.emit(
        "payment_intent.canceled",
        &intent,
        Some(previous(&before, &intent)),
    )
    .await?;
    Ok(intent)
}

fn list_filters(cx: &Cx<'_>, keys: &[(&str, &'static str)]) -> ApiResult<Vec<Filter>> {
    let mut filters: Vec<Filter> = Vec::new();
    for (param, sql) in keys {
        if let Some(value) = cx.params.str(param)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    cx.created_filters(&mut filters)?;
    Ok(filters)
}

const PAGING: &[&str] = &["limit", "starting_after", "ending_before", "created"];

fn allow_with(cx: &Cx<'_>, extra: &[&str]) -> ApiResult<()> {
    let mut all = PAGING.to_vec();
    all.extend_from_slice(extra);
    cx.params.allow(&all)
}

/// `GET /v1/payment_intents` (`customer`).
pub(crate) async fn list_intents(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer"])?;
    let filters = list_filters(cx, &[("customer", "customer = {}")])?;
    cx.list("payment_intent", "payment_intent", &filters).await
}

/// `GET /v1/payment_intents/search`.
pub(crate) async fn search_intents(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "payment_intent",
        "payment_intents",
        &["amount", "created", "currency", "customer", "status"],
    )
    .await
}

/// `GET /v1/charges` (`customer`, `payment_intent`).
pub(crate) async fn list_charges(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer", "payment_intent", "transfer_group"])?;
    let filters = list_filters(
        cx,
        &[
            ("customer", "customer = {}"),
            ("payment_intent", "data->>'payment_intent' = {}"),
        ],
    )?;
    cx.list("charge", "charge", &filters).await
}

/// `GET /v1/charges/search`.
pub(crate) async fn search_charges(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "charge",
        "charges",
        &[
            "amount",
            "created",
            "currency",
            "customer",
            "status",
            "payment_intent",
            "refunded",
            "disputed",
        ],
    )
    .await
}

/// `GET /v1/charges/{id}`.
pub(crate) async fn retrieve_charge(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("charge", "charge", id, "id", false).await
}

/// `POST /v1/charges/{id}` (`description`, `metadata`, `receipt_email`, `shipping`).
pub(crate) async fn update_charge(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "description",
        "metadata",
        "receipt_email",
        "shipping",
        "fraud_details",
        "transfer_group",
        "customer",
    ])?;
    let params = cx.params.clone();
    let mut charge = cx.fetch("charge", "charge", id, "id", true).await?;
    let before = charge.clone();
    for key in ["description", "receipt_email", "transfer_group"] {
        if let Some(value) = params.nullable(key)? {
            charge[key] = value;
        }
    }
    if let Some(shipping) = params.hash("shipping")? {
        charge["shipping"] = Value::Object(shipping.clone());
    }
    apply_metadata(&mut charge, &params)?;
    cx.save(&charge).await?;
    cx.emit("charge.updated", &charge, Some(previous(&before, &charge)))
        .await?;
    Ok(charge)
}

/// `POST /v1/refunds` (`charge` or `payment_intent`, `amount`, `reason`, `metadata`).
pub(crate) async fn create_refund(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "charge",
        "payment_intent",
        "amount",
        "reason",
        "metadata",
        "instructions_email",
        "refund_application_fee",
        "reverse_transfer",
        "origin",
        "currency",
        "customer",
    ])?;
    let params = cx.params.clone();
    let charge_id = match (
        params.str("charge")?.filter(|s| !s.is_empty()),
        params.str("payment_intent")?.filter(|s| !s.is_empty()),
    ) {
        (Some(charge), _) => charge.to_owned(),
        (None, Some(pi)) => {
            let intent = cx
                .fetch(
                    "payment_intent",
                    "payment_intent",
                    pi,
                    "payment_intent",
                    false,
                )
                .await?;
            match intent["latest_charge"].as_str() {
                Some(ch) if intent["status"] == "succeeded" => ch.to_owned(),
                _ => {
                    return Err(ApiError::invalid_param(
                        "payment_intent",
                        format!(
                            "This PaymentIntent ({pi}) does not have a successful charge to refund."
                        ),
                    ));
                }
            }
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "One of the following params should be provided for this request: payment_intent or charge.",
            ));
        }
    };
    let mut charge = cx
        .fetch("charge", "charge", &charge_id, "charge", true)
        .await?;
    if charge["status"] != "succeeded" {
        return Err(ApiError::invalid_param(
            "charge",
            format!("Charge {charge_id} cannot be refunded: it did not succeed."),
        ));
    }
    if charge["captured"] != true {
        return Err(ApiError::invalid_param(
            "charge",
            format!(
                "Charge {charge_id} has not been captured: cancel its PaymentIntent to release the funds instead."
            ),
        ));
    }
    let captured = charge["amount_captured"].as_i64().unwrap_or(0);
    let refunded = charge["amount_refunded"].as_i64().unwrap_or(0);
    let remaining = captured - refunded;
    if remaining <= 0 {
        return Err(ApiError::invalid_param(
            "charge",
            format!("Charge {charge_id} has already been refunded."),
        )
        .code("charge_already_refunded"));
    }
    let amount = params.int("amount")?.unwrap_or(remaining);
    if amount < 1 {
        return Err(ApiError::invalid_param(
            "amount",
            "Refund amount must be positive.",
        ));
    }
    if amount > remaining {
        return Err(ApiError::invalid_param(
            "amount",
            format!(
                "Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})"
            ),
        ));
    }
    if let Some(reason) = params.str("reason")?
        && !["duplicate", "fraudulent", "requested_by_customer", ""].contains(&reason)
    {
        return Err(ApiError::invalid_param(
            "reason",
            format!("Invalid reason: {reason}"),
        ));
    }
    let (id, seq) = cx.new_id("re_").await?;
    let mut refund = json!({
        "id": id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": null,
        "charge": charge_id,
        "created": cx.now,
        "currency": charge["currency"].clone(),
        "destination_details": {"card": {"reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund"}, "type": "card"},
        "metadata": {},
        "payment_intent": charge["payment_intent"].clone(),
        "reason": params.str("reason")?.filter(|s| !s.is_empty()),
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
        "transfer_reversal": null,
    });
    apply_metadata(&mut refund, &params)?;
    cx.insert(seq, &refund).await?;
    let before = charge.clone();
    charge["amount_refunded"] = json!(refunded + amount);
    charge["refunded"] = json!(refunded + amount >= captured);
    cx.save(&charge).await?;
    cx.emit("refund.created", &refund, None).await?;
    cx.emit("charge.refunded", &charge, Some(previous(&before, &charge)))
        .await?;
    Ok(refund)
}

/// `GET /v1/refunds` (`charge`, `payment_intent`).
pub(crate) async fn list_refunds(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["charge", "payment_intent"])?;
    let filters = list_filters(
        cx,
        &[
            ("charge", "data->>'charge' = {}"),
            ("payment_intent", "data->>'payment_intent' = {}"),
        ],
    )?;
    cx.list("refund", "refund", &filters).await
}

/// `GET /v1/refunds/{id}`.
pub(crate) async fn retrieve_refund(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("refund", "refund", id, "id", false).await
}

/// `POST /v1/refunds/{id}` (`metadata`).
pub(crate) async fn update_refund(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["metadata"])?;
    let params = cx.params.clone();
    let mut refund = cx.fetch("refund", "refund", id, "id", true).await?;
    let before = refund.clone();
    apply_metadata(&mut refund, &params)?;
    cx.save(&refund).await?;
    cx.emit("refund.updated", &refund, Some(previous(&before, &refund)))
        .await?;
    Ok(refund)
}

const SETUP_FIELDS: &[&str] = &[
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_types",
    "usage",
    "confirm",
    "return_url",
    "automatic_payment_methods",
    "payment_method_options",
    "payment_method_data",
    "mandate_data",
    "on_behalf_of",
    "single_use",
    "attach_to_self",
    "flow_directions",
    "use_stripe_sdk",
    "payment_method_configuration",
];

/// `POST /v1/setup_intents`.
pub(crate) async fn create_setup(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(SETUP_FIELDS)?;
    let params = cx.params.clone();
    let (id, seq) = cx.new_id("seti_").await?;
    let mut setup = json!({
        "id": id,
        "object": "setup_intent",
        "application": null,
        "automatic_payment_methods": if params.has("payment_method_types") { Value::Null } else { json!({"allow_redirects": "always", "enabled": true}) },
        "cancellation_reason": null,
        "client_secret": ids::client_secret(&id),
        "created": cx.now,
        "customer": null,
        "description": null,
        "flow_directions": null,
        "last_setup_error": null,
        "latest_attempt": null,
        "livemode": false,
        "mandate": null,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {"card": {"mandate_options": null, "network": null, "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "single_use_mandate": null,
        "status": "requires_payment_method",
        "usage": "off_session",
    });
    apply_setup(cx, &mut setup, &params).await?;
    cx.insert(seq, &setup).await?;
    cx.emit("setup_intent.created", &setup, None).await?;
    if params.bool("confirm")?.unwrap_or(false) {
        confirm_setup_inner(cx, &mut setup).await?;
    }
    Ok(setup)
}

async fn apply_setup(cx: &mut Cx<'_>, setup: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(value) = params.nullable("description")? {
        setup["description"] = value;
    }
    if let Some(usage) = params.str("usage")? {
        if !["on_session", "off_session"].contains(&usage) {
            return Err(ApiError::invalid_param(
                "usage",
                format!("Invalid usage: {usage}"),
            ));
        }
        setup["usage"] = json!(usage);
    }
    if let Some(customer) = params.nullable("customer")? {
        if let Some(id) = customer.as_str() {
            cx.fetch("customer", "customer", id, "customer", false)
                .await?;
        }
        setup["customer"] = customer;
    }
    if let Some(types) = params.strings("payment_method_types")? {
        setup["payment_method_types"] = json!(types);
    }
    if let Some(pm) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        let method = methods::resolve(cx, pm, "payment_method").await?;
        setup["payment_method"] = method["id"].clone();
        if setup["status"] == "requires_payment_method" {
            setup["status"] = json!("requires_confirmation");
        }
    }
    apply_metadata(setup, params)
}

/// `GET /v1/setup_intents/{id}`.
pub(crate) async fn retrieve_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["client_secret"])?;
    cx.fetch("setup_intent", "setup_intent", id, "intent", false)
        .await
}

/// `POST /v1/setup_intents/{id}`.
pub(crate) async fn update_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(SETUP_FIELDS)?;
    let params = cx.params.clone();
    let mut setup = cx
        .fetch("setup_intent", "setup_intent", id, "intent", true)
        .await?;
    let before = setup.clone();
    apply_setup(cx, &mut setup, &params).await?;
    cx.save(&setup).await?;
    cx.emit(
        "setup_intent.updated",
        &setup,
        Some(previous(&before, &setup)),
    )
    .await?;
    Ok(setup)
}

/// `GET /v1/setup_intents` (`customer`, `payment_method`).
pub(crate) async fn list_setups(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer", "payment_method", "attach_to_self"])?;
    let filters = list_filters(
        cx,
        &[
            ("customer", "customer = {}"),
            ("payment_method", "data->>'payment_method' = {}"),
        ],
    )?;
    cx.list("setup_intent", "setup_intent", &filters).await
}

/// `POST /v1/setup_intents/{id}/confirm`.
pub(crate) async fn confirm_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "payment_method",
        "return_url",
        "mandate_data",
        "payment_method_options",
        "payment_method_data",
        "use_stripe_sdk",
        "client_secret",
    ])?;
    let params = cx.params.clone();
    let mut setup = cx
        .fetch("setup_intent", "setup_intent", id, "intent", true)
        .await?;
    let allowed = [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ];
    if !allowed.contains(&setup["status"].as_str().unwrap_or_default()) {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            format!(
                "You cannot confirm this SetupIntent because it has a status of {}.",
                setup["status"].as_str().unwrap_or_default()
            ),
        ));
    }
    if let Some(pm) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        let method = methods::resolve(cx, pm, "payment_method").await?;
        setup["payment_method"] = method["id"].clone();
    }
    confirm_setup_inner(cx, &mut setup).await?;
    Ok(setup)
}

async fn confirm_setup_inner(cx: &mut Cx<'_>, setup: &mut Value) -> ApiResult<()> {
    let before = setup.clone();
    let Some(method_id) = setup["payment_method"].as_str().map(str::to_owned) else {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            "You cannot confirm this SetupIntent because it's missing a payment method.",
        ));
    };
    let method = cx
        .fetch(
            "payment_method",
            "PaymentMethod",
            &method_id,
            "payment_method",
            true,
        )
        .await?;
    let number = method["_number"].as_str().unwrap_or_default().to_owned();
    let fails = methods::decline_of(&method).filter(|_| method_attach_fails(&number));
    if let Some(decline) = fails {
        let mut method_json = method.clone();
        crate::cx::strip_hidden(&mut method_json);
        setup["last_setup_error"] = json!({
            "code": decline.code,
            "decline_code": decline.decline_code,
            "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
            "message": decline.message,
            "payment_method": method_json,
            "type": "card_error",
        });
        setup["payment_method"] = Value::Null;
        setup["status"] = json!("requires_payment_method");
        cx.save(setup).await?;
        cx.emit(
            "setup_intent.setup_failed",
            setup,
            Some(previous(&before, setup)),
        )
        .await?;
        let mut shown = setup.clone();
        crate::cx::strip_hidden(&mut shown);
        return Err(card_error(decline).with("setup_intent", shown).persist());
    }
    if let Some(customer) = setup["customer"].as_str().map(str::to_owned) {
        methods::attach(cx, &method_id, &customer, "payment_method").await?;
    }
    setup["status"] = json!("succeeded");
    setup["last_setup_error"] = Value::Null;
    cx.save(setup).await?;
    cx.emit(
        "setup_intent.succeeded",
        setup,
        Some(previous(&before, setup)),
    )
    .await?;
    Ok(())
}

fn method_attach_fails(number: &str) -> bool {
    number != "4000000000000341"
}

/// `POST /v1/setup_intents/{id}/cancel`.
pub(crate) async fn cancel_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["cancellation_reason"])?;
    let reason = cx.params.str("cancellation_reason")?.map(str::to_owned);
    let mut setup = cx
        .fetch("setup_intent", "setup_intent", id, "intent", true)
        .await?;
    if ["succeeded", "canceled"].contains(&setup["status"].as_str().unwrap_or_default()) {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            format!(
                "You cannot cancel this SetupIntent because it has a status of {}.",
                setup["status"].as_str().unwrap_or_default()
            ),
        ));
    }
    let before = setup.clone();
    setup["status"] = json!("canceled");
    setup["cancellation_reason"] = json!(reason);
    cx.save(&setup).await?;
    cx.emit(
        "setup_intent.canceled",
        &setup,
        Some(previous(&before, &setup)),
    )
    .await?;
    Ok(setup)
}
