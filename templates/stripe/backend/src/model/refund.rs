//! Refunds of a card charge: what `POST /v1/refunds`, the legacy `/v1/charges/{id}/refund`
//! and a credit note's `refund_amount` make.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::model::{balance, dispute};
use crate::params::{Params, apply_metadata, at_least};

/// Refunds `charge` (locked) by the request's `amount` (what remains when absent), `reason`
/// and `metadata`: the refund and its balance transaction are stored, the charge's
/// `amount_refunded` and `refunded` follow, `refund.created` and `charge.refunded` are
/// emitted. The refund and the charge, as saved.
pub(crate) async fn refund(
    cx: &Cx<'_>,
    mut charge: Value,
    params: &Params,
) -> ApiResult<(Value, Value)> {
    let charge_id = charge["id"].as_str().unwrap_or_default().to_owned();
    crate::model::bank::refuse_pending_refund(&charge)?;
    if charge["status"] != "succeeded" {
        return Err(ApiError::invalid_param(
            "charge",
            format!("Charge {charge_id} cannot be refunded: it did not succeed."),
        ));
    }
    dispute::check_refundable(cx, &charge).await?;
    if charge["captured"] != true {
        return Err(ApiError::invalid_param(
            "charge",
            format!(
                "Charge {charge_id} has not been captured: cancel its PaymentIntent to release the funds instead."
            ),
        ));
    }
    // A partial capture released the rest as refunded (`amount_refunded`), so what is left
    // to refund is the charge's amount less everything refunded.
    let total = charge["amount"].as_i64().unwrap_or(0);
    let refunded = charge["amount_refunded"].as_i64().unwrap_or(0);
    let remaining = total - refunded;
    if remaining <= 0 {
        return Err(ApiError::invalid_param(
            "charge",
            format!("Charge {charge_id} has already been refunded."),
        )
        .code("charge_already_refunded"));
    }
    let amount = params.int("amount")?.unwrap_or(remaining);
    if amount < 1 {
        return Err(at_least("amount", 1));
    }
    let currency = charge["currency"].as_str().unwrap_or("usd");
    if amount > remaining {
        return Err(ApiError::invalid_param(
            "amount",
            format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                money(amount, currency),
                money(remaining, currency)
            ),
        ));
    }
    let reasons = ["duplicate", "fraudulent", "requested_by_customer"];
    let reason = params.str("reason")?.filter(|s| !s.is_empty());
    if reason.is_some() {
        params.one_of("reason", &reasons)?;
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
    apply_metadata(&mut refund, params)?;
    refund["balance_transaction"] = json!(balance::refunded(cx, &refund).await?);
    cx.insert(seq, &refund)?;
    let before = charge.clone();
    charge["amount_refunded"] = json!(refunded + amount);
    charge["refunded"] = json!(refunded + amount >= total);
    cx.save(&charge)?;
    cx.emit("refund.created", &refund, None).await?;
    cx.emit_changed("charge.refunded", &before, &charge).await?;
    Ok((refund, charge))
}

/// Currencies without a minor unit (Stripe's zero-decimal currencies).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// `amount` (in the currency's smallest unit) as Stripe writes it in a refusal: `$40.00`,
/// `€12.50` (the two symbols seen), else the code (`CHF 3.00`, `JPY 500`).
fn money(amount: i64, currency: &str) -> String {
    let number = if ZERO_DECIMAL.contains(&currency) {
        amount.to_string()
    } else {
        format!("{}.{:02}", amount / 100, (amount % 100).abs())
    };
    match currency {
        "usd" => format!("${number}"),
        "eur" => format!("€{number}"),
        _ => format!("{} {number}", currency.to_uppercase()),
    }
}
