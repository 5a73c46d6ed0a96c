//! Closing an open invoice: voided or marked uncollectible, by its route or by a paused
//! subscription's renewal.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::model::customer_balance;

/// Closing an open invoice: the statuses it may leave (refused with `refusals` for the
/// status named there, else [`NOT_OPEN`]), the status it takes, the `status_transitions`
/// stamp it gets and the event it emits.
pub(crate) struct Closing {
    from: &'static [&'static str],
    refusals: &'static [(&'static str, &'static str)],
    status: &'static str,
    stamp: &'static str,
    event: &'static str,
}

/// Stripe's refusal (recorded, without a `code`) to close an invoice that is not open.
const NOT_OPEN: &str = "You can only pass in open invoices. This invoice isn't open.";

pub(crate) const VOID: Closing = Closing {
    from: &["open", "uncollectible"],
    refusals: &[("paid", "Invoices with `paid` payments cannot be voided.")],
    status: "void",
    stamp: "voided_at",
    event: "invoice.voided",
};

pub(crate) const UNCOLLECTIBLE: Closing = Closing {
    from: &["open"],
    refusals: &[(
        "uncollectible",
        "This invoice has already been marked uncollectible.",
    )],
    status: "uncollectible",
    stamp: "marked_uncollectible_at",
    event: "invoice.marked_uncollectible",
};

/// Closes `invoice` (locked) as `closing` says at `now`, refused in Stripe's words when its
/// status may not be left; a voided invoice's payment intent, unless it succeeded, is
/// canceled, and the customer balance it applied given back. Saved, with `closing`'s event.
pub(crate) async fn close(
    cx: &Cx<'_>,
    invoice: &mut Value,
    closing: &Closing,
    now: i64,
) -> ApiResult<()> {
    let status = invoice["status"].as_str().unwrap_or_default();
    if !closing.from.contains(&status) {
        let refusal = closing.refusals.iter().find(|(from, _)| *from == status);
        return Err(ApiError::invalid(
            refusal.map_or(NOT_OPEN, |(_, said)| said),
        ));
    }
    let before = invoice.clone();
    invoice["status"] = json!(closing.status);
    invoice["status_transitions"][closing.stamp] = json!(now);
    if closing.status == "void"
        && let Some(pi) = invoice["payment_intent"].as_str()
        && let Some(mut intent) = cx.get("payment_intent", pi, true).await?
        && intent["status"] != "succeeded"
    {
        intent["status"] = json!("canceled");
        intent["canceled_at"] = json!(now);
        cx.save(&intent)?;
    }
    if closing.status == "void" {
        customer_balance::unapply(cx, invoice).await?;
    }
    cx.save_changed(closing.event, &before, invoice).await
}
