//! Disputes: `/v1/disputes` list, retrieve, update (evidence, metadata, submit) and close.
//! A dispute is opened by a dispute test card's charge (`model::dispute`).

use axum::Router;
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::ApiResult;
use crate::kinds::DISPUTE;
use crate::model::dispute::{FILE_EVIDENCE, TEXT_EVIDENCE, check_open, closed, concede, submitted};
use crate::params::{Takes, apply_metadata, inside, string_at};
use asym_kit::Kit;

/// Disputes: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/disputes" => get(list_disputes);
        "/v1/disputes/{id}" => get(DISPUTE.retrieve, 1), post(update_dispute, 1);
        "/v1/disputes/{id}/close" => post(close_dispute, 1);
    }
}

/// `GET /v1/disputes` (`charge`, `payment_intent`, `created`).
pub(crate) async fn list_disputes(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("charge", "data->>'charge' = {}"),
        ("payment_intent", "data->>'payment_intent' = {}"),
    ];
    DISPUTE.list_by(cx, &keys, &[]).await
}

/// What `evidence` takes: its text fields; those holding a file upload's id are refused
/// (the clone serves no files), as is `enhanced_evidence`.
const EVIDENCE: Takes = Takes {
    route: "dispute evidence",
    serves: &[TEXT_EVIDENCE],
    refuses: &[FILE_EVIDENCE, &["enhanced_evidence"]],
    nested: &[],
};

/// What `POST /v1/disputes/{id}` takes.
const UPDATE: Takes = Takes {
    route: "dispute updates",
    serves: &[&["evidence", "metadata", "submit"]],
    refuses: &[],
    nested: &[("evidence", &EVIDENCE)],
};

/// `POST /v1/disputes/{id}` (`evidence`, `metadata`, `submit`): evidence is staged on a
/// dispute awaiting a response (a field sent empty is unset) and, unless `submit` is false,
/// submitted (see `model::dispute::submitted`); `charge.dispute.updated` is emitted, and
/// `charge.dispute.closed` (with `charge.dispute.funds_reinstated` for a won chargeback)
/// when the submission decides it.
pub(crate) async fn update_dispute(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut dispute) = DISPUTE.for_update(cx, id, &UPDATE).await?;
    let before = dispute.clone();
    let evidence = params.hash("evidence")?;
    let submit = params.bool("submit")?;
    if evidence.is_some() || submit == Some(true) {
        check_open(&dispute)?;
    }
    if let Some(evidence) = evidence {
        for (key, value) in evidence {
            let text = string_at(Some(value), &inside("evidence", key))?;
            dispute["evidence"][key] = match text {
                Some(text) if !text.is_empty() => json!(text),
                _ => Value::Null,
            };
        }
        let staged = TEXT_EVIDENCE
            .iter()
            .any(|key| !dispute["evidence"][*key].is_null());
        dispute["evidence_details"]["has_evidence"] = json!(staged);
    }
    apply_metadata(&mut dispute, &params)?;
    if submit.unwrap_or(evidence.is_some()) {
        submitted(cx, &mut dispute).await?;
    }
    let dispute = cx
        .save_if_changed("charge.dispute.updated", &before, dispute)
        .await?;
    if dispute["status"] == "won" && before["status"] != "won" {
        cx.emit("charge.dispute.funds_reinstated", &dispute, None)
            .await?;
    }
    if closed(&dispute["status"]) && !closed(&before["status"]) {
        cx.emit("charge.dispute.closed", &dispute, None).await?;
    }
    Ok(dispute)
}

/// `POST /v1/disputes/{id}/close`: concedes a dispute awaiting a response (`lost`; an
/// inquiry `warning_closed`), emitting `charge.dispute.closed`.
pub(crate) async fn close_dispute(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (_, mut dispute) = DISPUTE
        .for_update(cx, id, &Takes::serving("dispute closing", &[]))
        .await?;
    concede(&mut dispute)?;
    cx.save(&dispute)?;
    cx.emit("charge.dispute.closed", &dispute, None).await?;
    Ok(dispute)
}
