//! Payment intents: a new intent, and an attempt to charge one (its charge, its decline).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::method::{self, Decline};
use crate::params::Params;

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

/// Charges `method` for `intent` and saves both: `Ok(None)` on success, `Ok(Some(402))`
/// (with the intent, persisted) on a decline.
pub(crate) async fn attempt(
    cx: &mut Cx<'_>,
    intent: &mut Value,
    method: &Value,
) -> ApiResult<Option<ApiError>> {
    let before = intent.clone();
    let decline = method::decline_of(method);
    let manual = intent["capture_method"] == "manual";
    let charge = new_charge(cx, intent, method, decline, manual).await?;
    let charge_id = charge["id"].clone();
    intent["latest_charge"] = charge_id.clone();
    if let Some(decline) = decline {
        let mut method_json = method.clone();
        crate::cx::strip_hidden(&mut method_json);
        intent["last_payment_error"] = decline.recorded(Some(&charge_id), &method_json);
        intent["payment_method"] = Value::Null;
        intent["status"] = json!("requires_payment_method");
        cx.save(intent).await?;
        cx.emit("charge.failed", &charge, None).await?;
        cx.emit_changed("payment_intent.payment_failed", &before, intent)
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
        method::attach(cx, &id, &customer, "payment_method").await?;
    }
    cx.save(intent).await?;
    cx.emit("charge.succeeded", &charge, None).await?;
    let event = if manual {
        "payment_intent.amount_capturable_updated"
    } else {
        "payment_intent.succeeded"
    };
    cx.emit_changed(event, &before, intent).await?;
    Ok(None)
}

/// The 402 a declined card answers.
pub(crate) fn card_error(decline: Decline) -> ApiError {
    ApiError::card(decline.code, Some(decline.decline_code), decline.message)
}

pub(crate) async fn new_charge(
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
