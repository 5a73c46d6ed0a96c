//! Charges and refunds.

use axum::Router;
use serde_json::Value;

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CHARGE, PAYMENT_INTENT, REFUND};
use crate::model::intent::capture;
use crate::model::refund::refund;
use crate::params::{Takes, apply_metadata, unserved};
use crate::shapes::TRACKED_SHIPPING;
use asym_kit::Kit;

/// Charges and refunds: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/charges" => post(create_charge), get(list_charges);
        "/v1/charges/search" => get(CHARGE.search);
        "/v1/charges/{id}" => get(CHARGE.retrieve, 1), post(update_charge, 1);
        "/v1/charges/{id}/capture" => post(capture_charge, 1);
        "/v1/charges/{id}/refund" => post(refund_charge, 1);
        "/v1/refunds" => post(create_refund), get(list_refunds);
        "/v1/refunds/{id}" => get(REFUND.retrieve, 1), post(update_refund, 1);
        "/v1/refunds/{id}/cancel" => post(cancel_refund, 1);
    }
}

/// `POST /v1/charges`, the legacy Charges API: without a `source` or `customer` it is
/// Stripe's recorded `parameter_missing` "Must provide source or customer."; with one the
/// clone refuses it by name (Stripe answers new integrations with refusals that point to
/// PaymentIntents; the clone charges through payment intents only).
pub(crate) async fn create_charge(cx: &mut Cx<'_>) -> ApiResult {
    for key in ["source", "customer"] {
        if cx.params.str(key)?.is_some_and(|s| !s.is_empty()) {
            return Err(unserved(key, "charge creation (use a payment intent)"));
        }
    }
    Err(ApiError::invalid("Must provide source or customer.").code("parameter_missing"))
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
/// an uncaptured charge: its payment intent is captured as `POST
/// /v1/payment_intents/{id}/capture` captures it, and the charge answered. A charge captured
/// already is Stripe's `charge_already_captured` ("Charge ch_… has already been captured.", as
/// recorded), one whose payment intent was canceled `charge_expired_for_capture`.
pub(crate) async fn capture_charge(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, charge) = CHARGE.for_update(cx, id, &CHARGE_CAPTURE).await?;
    let intent = charge["payment_intent"].as_str().unwrap_or_default();
    let mut intent = PAYMENT_INTENT.lock_named(cx, intent, "id").await?;
    if charge["captured"] == true {
        let said = format!("Charge {id} has already been captured.");
        return Err(ApiError::invalid(said).code("charge_already_captured"));
    }
    if intent["status"] == "canceled" {
        let said = "The charge cannot be captured as the authorization has expired.";
        return Err(ApiError::invalid(said).code("charge_expired_for_capture"));
    }
    if intent["status"] != "requires_capture" {
        let said = format!("Charge {id} cannot be captured: it did not succeed.");
        return Err(ApiError::invalid(said));
    }
    let before = intent.clone();
    let amount = params.int("amount")?;
    let mut charge = capture(cx, (&before, &mut intent), amount, "amount").await?;
    if let Some(email) = params.nullable("receipt_email")? {
        charge["receipt_email"] = email;
        cx.save(&charge)?;
    }
    Ok(charge)
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
