//! Paying an invoice: with a payment method, marked paid, settled by its payment intent, and
//! the subscription an incomplete first invoice activates.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::PAYMENT_INTENT;
use crate::model::intent::{Attempted, How, attempt};

/// Pays an open invoice with `method` (or marks a zero one paid), `off_session` when the
/// customer is away. `Ok(Some(402))` on a decline, or when the card asks for 3-D Secure
/// (the invoice's payment intent is left in `requires_action`); persisted: the attempt
/// counts.
pub(crate) async fn pay(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    method: Option<&str>,
    now: i64,
    out_of_band: bool,
    off_session: bool,
) -> ApiResult<Option<ApiError>> {
    let before = invoice.clone();
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    if due > 0 && !out_of_band {
        let method_id = method.ok_or_else(|| {
            ApiError::invalid("This customer has no attached payment source or default payment method. Please consider adding a default payment method.")
        })?;
        let pi_id = invoice["payment_intent"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut intent = PAYMENT_INTENT
            .lock_named(cx, &pi_id, "payment_intent")
            .await?;
        let pm = crate::model::method::resolve(cx, method_id, "payment_method").await?;
        intent["payment_method"] = pm["id"].clone();
        invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
        invoice["attempted"] = json!(true);
        let how = How {
            off_session,
            ..How::default()
        };
        let failure = match attempt(cx, &mut intent, &pm, &how).await? {
            Attempted::Charged => None,
            Attempted::Declined(err) => Some(("invoice.payment_failed", err)),
            Attempted::RequiresAction => Some((
                "invoice.payment_action_required",
                ApiError::card(
                    "invoice_payment_intent_requires_action",
                    None,
                    "This payment requires additional user action before it can be completed \
                     successfully. Payment can be completed using the PaymentIntent associated \
                     with the invoice. For more details see: \
                     https://stripe.com/docs/billing/subscriptions/overview#requires-action",
                )
                .persist(),
            )),
        };
        invoice["charge"] = intent["latest_charge"].clone();
        if let Some((event, err)) = failure {
            invoice["next_payment_attempt"] = Value::Null;
            cx.save_changed(event, &before, invoice).await?;
            return Ok(Some(err));
        }
        invoice["default_payment_method"] = Value::Null;
    }
    mark_paid(cx, invoice, &before, now, out_of_band).await?;
    Ok(None)
}

pub(crate) async fn mark_paid(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    before: &Value,
    now: i64,
    out_of_band: bool,
) -> ApiResult<()> {
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    invoice["amount_paid"] = json!(invoice["amount_paid"].as_i64().unwrap_or(0) + due);
    invoice["amount_remaining"] = json!(0);
    invoice["paid"] = json!(true);
    invoice["paid_out_of_band"] = json!(out_of_band);
    invoice["status"] = json!("paid");
    invoice["attempted"] = json!(true);
    invoice["status_transitions"]["paid_at"] = json!(now);
    cx.save_changed("invoice.paid", before, invoice).await?;
    cx.emit_changed("invoice.payment_succeeded", before, invoice)
        .await?;
    Ok(())
}

/// Called when a payment intent made for an invoice succeeds outside [`pay`] (the client
/// confirmed it): the invoice is paid and its subscription becomes active.
pub(crate) async fn intent_succeeded(cx: &mut Cx<'_>, intent: &Value) -> ApiResult<()> {
    let Some(invoice_id) = intent["invoice"].as_str() else {
        return Ok(());
    };
    let Some(mut invoice) = cx.get("invoice", invoice_id, true).await? else {
        return Ok(());
    };
    if invoice["status"] != "open" {
        return Ok(());
    }
    let before = invoice.clone();
    invoice["charge"] = intent["latest_charge"].clone();
    invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
    mark_paid(cx, &mut invoice, &before, cx.now, false).await?;
    activate_subscription(cx, &invoice, Some(&intent["payment_method"])).await
}

/// After `invoice` was paid: its subscription, if it was waiting on the payment, becomes
/// active, keeping `paid_with` as its default payment method when it saves the one it is
/// paid with.
pub(crate) async fn activate_subscription(
    cx: &Cx<'_>,
    invoice: &Value,
    paid_with: Option<&Value>,
) -> ApiResult<()> {
    if let Some(sub_id) = invoice["subscription"].as_str()
        && let Some(mut sub) = cx.get("subscription", sub_id, true).await?
        && matches!(
            sub["status"].as_str(),
            Some("incomplete" | "past_due" | "unpaid")
        )
    {
        let old = sub.clone();
        sub["status"] = json!("active");
        if let Some(method) = paid_with
            && sub["payment_settings"]["save_default_payment_method"] == "on_subscription"
        {
            sub["default_payment_method"] = method.clone();
        }
        cx.save_changed("customer.subscription.updated", &old, &sub)
            .await?;
    }
    Ok(())
}
