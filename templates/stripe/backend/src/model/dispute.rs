//! Disputes of a card charge. Stripe's dispute test cards (`pm_card_createDispute`, …) have
//! their charges disputed as soon as they are captured ([`open`]); evidence submitted to one
//! is judged at once by Stripe's test evidence (`winning_evidence`, `losing_evidence`, see
//! [`submitted`]); closing one concedes it ([`concede`]).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::model::{balance, card};

/// The evidence fields Stripe takes as text (`evidence[<field>]`).
#[rustfmt::skip]
pub(crate) const TEXT_EVIDENCE: &[&str] = &[
    "access_activity_log", "billing_address", "cancellation_policy_disclosure",
    "cancellation_rebuttal", "customer_email_address", "customer_name", "customer_purchase_ip",
    "duplicate_charge_explanation", "duplicate_charge_id", "product_description",
    "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "shipping_address",
    "shipping_carrier", "shipping_date", "shipping_tracking_number", "uncategorized_text",
];

/// The evidence fields Stripe takes as the id of a file upload (files are not served).
#[rustfmt::skip]
pub(crate) const FILE_EVIDENCE: &[&str] = &[
    "cancellation_policy", "customer_communication", "customer_signature",
    "duplicate_charge_documentation", "receipt", "refund_policy", "service_documentation",
    "shipping_documentation", "uncategorized_file",
];

/// The statuses awaiting the merchant's response, in which evidence can be given.
const AWAITING: &[&str] = &["needs_response", "warning_needs_response"];

/// How long the merchant has to respond: to the end of the (UTC) day a week after opening.
fn due_by(now: i64) -> i64 {
    (now / 86_400 + 8) * 86_400 - 1
}

/// Whether `dispute` is an inquiry (a `warning_…` status) rather than a chargeback.
fn inquiry(dispute: &Value) -> bool {
    dispute["status"]
        .as_str()
        .is_some_and(|s| s.starts_with("warning_"))
}

/// Opens the dispute a dispute test card's `charge` (captured, saved) is given, when
/// `method` is such a card: the dispute is stored, the charge marked `disputed`, a chargeback
/// withdraws the amount and Stripe's dispute fee from the balance; `charge.dispute.created`
/// and (for a chargeback) `charge.dispute.funds_withdrawn` are emitted.
pub(crate) async fn open(cx: &Cx<'_>, charge: &mut Value, method: &Value) -> ApiResult<()> {
    let Some(disputed) = card::of(method).and_then(|c| c.dispute) else {
        return Ok(());
    };
    let (id, seq) = cx.new_id("dp_").await?;
    let mut evidence: serde_json::Map<String, Value> = TEXT_EVIDENCE
        .iter()
        .chain(FILE_EVIDENCE)
        .map(|key| ((*key).to_owned(), Value::Null))
        .collect();
    evidence.insert("enhanced_evidence".into(), json!({}));
    let (status, case_type) = if disputed.inquiry {
        ("warning_needs_response", "inquiry")
    } else {
        ("needs_response", "chargeback")
    };
    let mut dispute = json!({
        "id": id,
        "object": "dispute",
        "amount": charge["amount_captured"].clone(),
        "balance_transactions": [],
        "charge": charge["id"].clone(),
        "created": cx.now,
        "currency": charge["currency"].clone(),
        "enhanced_eligibility_types": [],
        "evidence": evidence,
        "evidence_details": {
            "due_by": due_by(cx.now),
            "enhanced_eligibility": {},
            "has_evidence": false,
            "past_due": false,
            "submission_count": 0,
        },
        "is_charge_refundable": disputed.inquiry,
        "livemode": false,
        "metadata": {},
        "network_reason_code": disputed.network_reason_code,
        "payment_intent": charge["payment_intent"].clone(),
        "payment_method_details": {
            "card": {
                "brand": charge["payment_method_details"]["card"]["brand"].clone(),
                "case_type": case_type,
                // The network the charge went through (2026-07-29.dahlia), its brand's.
                "network": charge["payment_method_details"]["card"]["network"].clone(),
                "network_reason_code": disputed.network_reason_code,
            },
            "type": "card",
        },
        "reason": disputed.reason,
        "status": status,
    });
    charge["disputed"] = json!(true);
    cx.save(charge)?;
    if !disputed.inquiry {
        let withdrawn = balance::disputed(cx, &dispute, true).await?;
        dispute["balance_transactions"] = json!([withdrawn]);
    }
    cx.insert(seq, &dispute)?;
    cx.emit("charge.dispute.created", &dispute, None).await?;
    if !disputed.inquiry {
        cx.emit("charge.dispute.funds_withdrawn", &dispute, None)
            .await?;
    }
    Ok(())
}

/// Refuses a change to `dispute`'s evidence unless it awaits a response.
pub(crate) fn check_open(dispute: &Value) -> ApiResult<()> {
    let status = dispute["status"].as_str().unwrap_or_default();
    if AWAITING.contains(&status) {
        return Ok(());
    }
    let id = dispute["id"].as_str().unwrap_or_default();
    let said = if matches!(status, "under_review" | "warning_under_review") {
        format!("The evidence of dispute {id} has already been submitted and is under review.")
    } else {
        format!("Dispute {id} is already closed.")
    };
    Err(ApiError::invalid(said))
}

/// Submits `dispute`'s evidence (awaiting a response): one more submission, and the status
/// Stripe's test evidence decides — `uncategorized_text` `winning_evidence` wins a chargeback
/// (its funds and fee reinstated) and closes an inquiry, `losing_evidence` loses a chargeback
/// and closes an inquiry, anything else is under review.
pub(crate) async fn submitted(cx: &Cx<'_>, dispute: &mut Value) -> ApiResult<()> {
    let details = &mut dispute["evidence_details"];
    let count = details["submission_count"].as_i64().unwrap_or(0);
    details["submission_count"] = json!(count + 1);
    let inquiry = inquiry(dispute);
    let status = match (dispute["evidence"]["uncategorized_text"].as_str(), inquiry) {
        (Some("winning_evidence" | "losing_evidence"), true) => "warning_closed",
        (Some("winning_evidence"), false) => "won",
        (Some("losing_evidence"), false) => "lost",
        (_, true) => "warning_under_review",
        (_, false) => "under_review",
    };
    dispute["status"] = json!(status);
    if status == "won" {
        let reinstated = balance::disputed(cx, dispute, false).await?;
        if let Some(transactions) = dispute["balance_transactions"].as_array_mut() {
            transactions.push(reinstated);
        }
    }
    Ok(())
}

/// Concedes `dispute` (awaiting a response): a chargeback is `lost`, an inquiry
/// `warning_closed`.
pub(crate) fn concede(dispute: &mut Value) -> ApiResult<()> {
    check_open(dispute)?;
    let status = if inquiry(dispute) {
        "warning_closed"
    } else {
        "lost"
    };
    dispute["status"] = json!(status);
    Ok(())
}

/// Whether `status` is final.
pub(crate) fn closed(status: &Value) -> bool {
    matches!(status.as_str(), Some("won" | "lost" | "warning_closed"))
}

/// Refuses a refund of `charge` when it was charged back (Stripe's `charge_disputed`); a
/// charge under an inquiry can be refunded.
pub(crate) async fn check_refundable(cx: &Cx<'_>, charge: &Value) -> ApiResult<()> {
    if charge["disputed"] != true {
        return Ok(());
    }
    let id = charge["id"].as_str().unwrap_or_default();
    let disputes = cx
        .all("dispute", &[("data->>'charge' = {}", id.to_owned())])
        .await?;
    if disputes.iter().all(|d| d["is_charge_refundable"] == true) {
        return Ok(());
    }
    Err(ApiError::invalid_param(
        "charge",
        format!("Charge {id} has been charged back; cannot issue a refund."),
    )
    .code("charge_disputed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispute_is_due_at_the_end_of_the_day_a_week_later() {
        let now = 1_700_000_000; // 2023-11-14 22:13:20 UTC
        assert_eq!(due_by(now), 1_700_611_199); // 2023-11-21 23:59:59 UTC
        assert_eq!(due_by(now) % 86_400, 86_399);
    }

    #[test]
    fn only_disputes_awaiting_a_response_take_evidence() {
        for (status, open) in [
            ("needs_response", true),
            ("warning_needs_response", true),
            ("under_review", false),
            ("lost", false),
            ("warning_closed", false),
        ] {
            let dispute = json!({"id": "dp_1", "status": status});
            assert_eq!(check_open(&dispute).is_ok(), open, "{status}");
        }
        let mut inquiry = json!({"id": "dp_1", "status": "warning_needs_response"});
        concede(&mut inquiry).unwrap();
        assert_eq!(inquiry["status"], "warning_closed");
        assert!(closed(&inquiry["status"]));
    }
}
