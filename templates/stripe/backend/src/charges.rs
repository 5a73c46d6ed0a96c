//! Charges and refunds.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, strip_hidden};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CHARGE, CUSTOMER, PAYMENT_INTENT, REFUND};
use crate::model::card::{self, Step};
use crate::model::dispute;
use crate::model::intent::{
    capturable_amount, capture, capture_charge, check_amount, currency, new_charge,
};
use crate::model::refund::refund;
use crate::model::source::{as_method, spend_token};
use crate::params::{Takes, apply_metadata};
use crate::shapes::TRACKED_SHIPPING;
use asym_kit::Kit;

/// Charges and refunds: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/charges" => post(create_charge), get(list_charges);
        "/v1/charges/search" => get(CHARGE.search);
        "/v1/charges/{id}" => get(CHARGE.retrieve, 1), post(update_charge, 1);
        "/v1/charges/{id}/capture" => post(capture_charge_route, 1);
        "/v1/charges/{id}/refund" => post(refund_charge, 1);
        "/v1/refunds" => post(create_refund), get(list_refunds);
        "/v1/refunds/{id}" => get(REFUND.retrieve, 1), post(update_refund, 1);
        "/v1/refunds/{id}/cancel" => post(cancel_refund, 1);
    }
}

/// What `POST /v1/charges` takes: a card charge in the account's name (Connect's fields
/// and Radar sessions are refused by name).
#[rustfmt::skip]
const CHARGE_CREATE: Takes = Takes {
    route: "charge creation",
    serves: &[&[
        "amount", "currency", "customer", "source", "capture", "description", "metadata",
        "receipt_email", "shipping", "statement_descriptor", "statement_descriptor_suffix",
        "transfer_group",
    ]],
    refuses: &[&[
        "application_fee", "application_fee_amount", "destination", "on_behalf_of",
        "radar_options", "transfer_data",
    ]],
    nested: &[("shipping", &TRACKED_SHIPPING)],
};

/// `POST /v1/charges`, the legacy Charges API: `amount` and `currency`, and `source` (a
/// token) or `customer` (its `default_source`, or `source` naming one of its cards);
/// `capture=false` authorizes only. A decline is a 402 `card_error` naming the failed charge,
/// which stays (`charge.failed`); a card asking for 3-D Secure is declined with
/// `authentication_required` (the Charges API cannot authenticate).
pub(crate) async fn create_charge(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CHARGE_CREATE)?;
    let params = cx.params.clone();
    let given = |key| params.str(key).map(|v| v.filter(|s| !s.is_empty()));
    let (customer, source) = (given("customer")?, given("source")?);
    if customer.is_none() && source.is_none() {
        return Err(ApiError::invalid("Must provide source or customer.").code("parameter_missing"));
    }
    let amount = params
        .int("amount")?
        .ok_or_else(|| ApiError::missing("amount"))?;
    let currency = currency(&params)?;
    check_amount(amount, &currency)?;
    let card = match customer {
        Some(customer) => customer_card(cx, customer, source).await?,
        None => spend_token(cx, source.unwrap_or_default(), "source").await?,
    };
    let method = as_method(&card);
    let mut payment = json!({
        "id": null, "amount": amount, "currency": currency, "customer": customer,
        "invoice": null, "metadata": {},
    });
    #[rustfmt::skip]
    params.copy_nullable(&mut payment, &[
        "description", "receipt_email", "statement_descriptor", "statement_descriptor_suffix",
        "transfer_group",
    ])?;
    payment["shipping"] = params
        .hash("shipping")?
        .cloned()
        .map_or(Value::Null, Value::Object);
    apply_metadata(&mut payment, &params)?;
    let test = card::of(&method);
    let decline = match card::step(test, false, "automatic", false) {
        Step::Authenticate => Some(card::AUTHENTICATION_REQUIRED),
        Step::Decline(decline) => Some(decline),
        Step::Charge => test.and_then(|c| c.decline),
    };
    let manual = !params.bool("capture")?.unwrap_or(true);
    let mut charge = new_charge(cx, &payment, &method, decline, manual, None).await?;
    let mut shown = card;
    strip_hidden(&mut shown);
    charge["source"] = shown;
    charge["transfer_group"] = payment["transfer_group"].clone();
    cx.save(&charge)?;
    if let Some(decline) = decline {
        cx.emit("charge.failed", &charge, None).await?;
        return Err(decline
            .error()
            .with("charge", charge["id"].clone())
            .persist());
    }
    cx.emit("charge.succeeded", &charge, None).await?;
    if !manual {
        dispute::open(cx, &mut charge, &method).await?;
    }
    Ok(charge)
}

/// The card a charge of `customer` (by id) is made from: `source`, which must be one of its
/// cards (Stripe's `missing`, 404, otherwise: a token is not), else its `default_source`
/// (Stripe's 402 `missing` without one).
async fn customer_card(cx: &Cx<'_>, customer: &str, source: Option<&str>) -> ApiResult<Value> {
    let found = CUSTOMER.named(cx, customer, "customer").await?;
    let Some(id) = source.or_else(|| found["default_source"].as_str()) else {
        return Err(ApiError::card(
            "missing",
            None,
            "Cannot charge a customer that has no active card",
        )
        .param("card"));
    };
    match cx.get("card", id, true).await? {
        Some(card) if card["customer"].as_str() == Some(customer) => Ok(card),
        _ => Err(ApiError::not_found(format!(
            "Customer {customer} does not have a linked source with ID {id}."
        ))
        .code("missing")
        .param("source")),
    }
}

/// `GET /v1/charges` (`customer`, `payment_intent`).
pub(crate) async fn list_charges(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("customer", "customer = {}"),
        ("payment_intent", "data->>'payment_intent' = {}"),
    ];
    CHARGE.list_by(cx, &keys, &["transfer_group"]).await
}

/// What `POST /v1/charges/{id}` takes.
const CHARGE_UPDATE: Takes = Takes {
    route: "charge updates",
    serves: &[&[
        "description",
        "metadata",
        "receipt_email",
        "shipping",
        "transfer_group",
    ]],
    refuses: &[&["customer", "fraud_details"]],
    nested: &[("shipping", &TRACKED_SHIPPING)],
};

/// What `POST /v1/refunds` takes: a refund of a card charge, in its currency, to its card.
#[rustfmt::skip]
const REFUND_CREATE: Takes = Takes {
    route: "refund creation",
    serves: &[&["charge", "payment_intent", "amount", "reason", "metadata"]],
    refuses: &[&[
        "currency", "customer", "instructions_email", "origin", "refund_application_fee",
        "reverse_transfer",
    ]],
    nested: &[],
};

/// `POST /v1/charges/{id}` (`description`, `metadata`, `receipt_email`, `shipping`).
pub(crate) async fn update_charge(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut charge) = CHARGE.for_update(cx, id, &CHARGE_UPDATE).await?;
    let before = charge.clone();
    params.copy_nullable(
        &mut charge,
        &["description", "receipt_email", "transfer_group"],
    )?;
    if let Some(shipping) = params.hash("shipping")? {
        charge["shipping"] = Value::Object(shipping.clone());
    }
    apply_metadata(&mut charge, &params)?;
    cx.save_if_changed("charge.updated", &before, charge).await
}

/// `POST /v1/refunds` (`charge` or `payment_intent`, `amount`, `reason`, `metadata`).
pub(crate) async fn create_refund(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&REFUND_CREATE)?;
    let params = cx.params.clone();
    let charge_id = match (
        params.str("charge")?.filter(|s| !s.is_empty()),
        params.str("payment_intent")?.filter(|s| !s.is_empty()),
    ) {
        (Some(charge), _) => charge.to_owned(),
        (None, Some(pi)) => {
            let intent = PAYMENT_INTENT.named(cx, pi, "payment_intent").await?;
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
    // Stripe names the charge's id, not the parameter, when it knows no such charge.
    let charge = CHARGE.lock_named(cx, &charge_id, "id").await?;
    Ok(refund(cx, charge, &params).await?.0)
}

/// What the legacy `POST /v1/charges/{id}/refund` takes: a refund's parameters but `charge`
/// (the path names it) and `payment_intent`.
#[rustfmt::skip]
const CHARGE_REFUND: Takes = Takes {
    route: "charge refunds",
    serves: &[&["amount", "reason", "metadata"]],
    refuses: &[&[
        "instructions_email", "payment_intent", "refund_application_fee", "reverse_transfer",
    ]],
    nested: &[],
};

/// `POST /v1/charges/{id}/refund`, the deprecated form of creating a refund of charge `id`
/// (`amount`, `reason`, `metadata`): the same refund, answered with the charge.
pub(crate) async fn refund_charge(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, charge) = CHARGE.for_update(cx, id, &CHARGE_REFUND).await?;
    Ok(refund(cx, charge, &params).await?.1)
}

/// What `POST /v1/charges/{id}/capture` takes.
#[rustfmt::skip]
const CHARGE_CAPTURE: Takes = Takes {
    route: "charge captures",
    serves: &[&["amount", "receipt_email"]],
    refuses: &[&[
        "application_fee", "application_fee_amount", "statement_descriptor",
        "statement_descriptor_suffix", "transfer_data", "transfer_group",
    ]],
    nested: &[],
};

/// `POST /v1/charges/{id}/capture` (`amount`, `receipt_email`), the Charges API's capture of
/// an uncaptured charge: its payment intent, if it has one, is captured as `POST
/// /v1/payment_intents/{id}/capture` captures it, else the charge alone; the charge answered. A charge captured
/// already is Stripe's `charge_already_captured` ("Charge ch_… has already been captured.", as
/// recorded), one whose payment intent was canceled `charge_expired_for_capture`.
pub(crate) async fn capture_charge_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, charge) = CHARGE.for_update(cx, id, &CHARGE_CAPTURE).await?;
    if charge["captured"] == true {
        let said = format!("Charge {id} has already been captured.");
        return Err(ApiError::invalid(said).code("charge_already_captured"));
    }
    let amount = params.int("amount")?;
    let mut charge = match charge["payment_intent"].as_str() {
        Some(intent) => {
            let mut intent = PAYMENT_INTENT.lock_named(cx, intent, "id").await?;
            if intent["status"] == "canceled" {
                let said = "The charge cannot be captured as the authorization has expired.";
                return Err(ApiError::invalid(said).code("charge_expired_for_capture"));
            }
            if intent["status"] != "requires_capture" {
                return Err(not_captured(id));
            }
            let before = intent.clone();
            capture(cx, (&before, &mut intent), amount, "amount").await?
        }
        // A charge of the Charges API (no payment intent) is captured by itself.
        None if charge["status"] == "succeeded" => {
            let capturable = charge["amount"].as_i64().unwrap_or(0);
            let amount = capturable_amount(amount, capturable, "amount")?;
            let (mut charge, method) = capture_charge(cx, charge, amount, capturable).await?;
            dispute::open(cx, &mut charge, &method).await?;
            charge
        }
        None => return Err(not_captured(id)),
    };
    if let Some(email) = params.nullable("receipt_email")? {
        charge["receipt_email"] = email;
        cx.save(&charge)?;
    }
    Ok(charge)
}

/// The refusal to capture charge `id`, which failed.
fn not_captured(id: &str) -> ApiError {
    ApiError::invalid(format!(
        "Charge {id} cannot be captured: it did not succeed."
    ))
}

/// `POST /v1/refunds/{id}/cancel`: only a refund awaiting action can be canceled, and the
/// clone's card refunds succeed at once, so every one is refused as Stripe refuses a
/// succeeded refund.
pub(crate) async fn cancel_refund(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    REFUND.find(cx, id).await?;
    Err(ApiError::invalid("Canceling this refund is unsupported."))
}

/// `GET /v1/refunds` (`charge`, `payment_intent`).
pub(crate) async fn list_refunds(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("charge", "data->>'charge' = {}"),
        ("payment_intent", "data->>'payment_intent' = {}"),
    ];
    REFUND.list_by(cx, &keys, &[]).await
}

/// `POST /v1/refunds/{id}` (`metadata`).
pub(crate) async fn update_refund(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut refund) = REFUND
        .for_update(cx, id, &Takes::serving("refund updates", &[&["metadata"]]))
        .await?;
    let before = refund.clone();
    apply_metadata(&mut refund, &params)?;
    cx.save_if_changed("refund.updated", &before, refund).await
}
