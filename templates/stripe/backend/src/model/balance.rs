//! The account's balance: one balance transaction per movement of funds (a captured charge,
//! a refund, a dispute's withdrawal and reinstatement), and the balance summed from them.
//!
//! Funds from a charge are `pending` until `available_on`, two days later (Stripe's standard
//! US schedule), or at once for `pm_card_bypassPending`; a refund is taken from the balance
//! at once. A transaction's `status` is stored as it was when it was written and shown as it
//! is at read time ([`current`]).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::ApiResult;
use crate::model::card;

/// How long a charge's funds are pending.
const PENDING_SECONDS: i64 = 2 * 86_400;

/// Stripe's standard card fee: 2.9% + 30¢ (in the currency's smallest unit), rounded.
fn card_fee(amount: i64) -> i64 {
    (amount * 29 + 500) / 1000 + 30
}

/// Records the balance transaction of `amount` captured by `charge` (paid with `method`),
/// and answers its id.
pub(crate) async fn charged(
    cx: &Cx<'_>,
    charge: &Value,
    method: &Value,
    amount: i64,
) -> ApiResult<String> {
    let bypass = card::of(method).is_some_and(|c| c.bypass_pending);
    let available_on = if bypass {
        cx.now
    } else {
        cx.now + PENDING_SECONDS
    };
    let fee = card_fee(amount);
    let fee_details = json!([{"amount": fee, "application": null, "currency": charge["currency"],
                              "description": "Stripe processing fees", "type": "stripe_fee"}]);
    let transaction = record(
        cx,
        charge,
        ("charge", "charge"),
        amount,
        (fee, fee_details),
        available_on,
    )
    .await?;
    Ok(id_of(&transaction))
}

/// Records the balance transaction taking `refund` from the balance, and answers its id.
pub(crate) async fn refunded(cx: &Cx<'_>, refund: &Value) -> ApiResult<String> {
    let amount = refund["amount"].as_i64().unwrap_or(0);
    let kind = ("refund", "refund");
    let transaction = record(cx, refund, kind, -amount, (0, json!([])), cx.now).await?;
    Ok(id_of(&transaction))
}

/// Stripe's dispute fee (15.00 in the charge's currency), withdrawn with a chargeback and
/// returned when the dispute is won.
pub(crate) const DISPUTE_FEE: i64 = 1500;

/// Records the balance transaction of `dispute` moving its amount and Stripe's dispute fee:
/// out of the balance when opened (`withdrawn`, category `dispute`), back when won (category
/// `dispute_reversal`). Answers the transaction.
pub(crate) async fn disputed(cx: &Cx<'_>, dispute: &Value, withdrawn: bool) -> ApiResult<Value> {
    let (sign, category, what) = if withdrawn {
        (-1, "dispute", "withdrawal")
    } else {
        (1, "dispute_reversal", "reversal")
    };
    let currency = &dispute["currency"];
    let charge = dispute["charge"].as_str().unwrap_or_default();
    let source = json!({"id": dispute["id"], "currency": currency,
                        "description": format!("Chargeback {what} for {charge}")});
    let fee = -sign * DISPUTE_FEE;
    let fee_details = json!([{"amount": fee, "application": null, "currency": currency,
                              "description": "Dispute fee", "type": "stripe_fee"}]);
    let amount = sign * dispute["amount"].as_i64().unwrap_or(0);
    let kind = ("adjustment", category);
    record(cx, &source, kind, amount, (fee, fee_details), cx.now).await
}

fn id_of(transaction: &Value) -> String {
    transaction["id"].as_str().unwrap_or_default().to_owned()
}

async fn record(
    cx: &Cx<'_>,
    source: &Value,
    (kind, category): (&str, &str),
    amount: i64,
    (fee, fee_details): (i64, Value),
    available_on: i64,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("txn_").await?;
    let transaction = json!({
        "id": id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": available_on,
        "created": cx.now,
        "currency": source["currency"],
        "description": source["description"],
        "exchange_rate": null,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": category,
        "source": source["id"],
        "status": if available_on <= cx.now { "available" } else { "pending" },
        "type": kind,
    });
    cx.insert(seq, &transaction)?;
    Ok(transaction)
}

/// `transaction` as it stands at `now`: `available` once its `available_on` has passed.
pub(crate) fn current(transaction: &mut Value, now: i64) {
    if transaction["available_on"]
        .as_i64()
        .is_some_and(|on| on <= now)
    {
        transaction["status"] = json!("available");
    }
}

/// The balance at `now`: per currency, what is available and what is pending.
pub(crate) async fn balance(cx: &Cx<'_>) -> ApiResult<Value> {
    let rows = cx
        .tx
        .query(
            "SELECT data->>'currency',
                    coalesce(sum((data->>'net')::bigint)
                             FILTER (WHERE (data->>'available_on')::bigint <= $1), 0)::bigint,
                    coalesce(sum((data->>'net')::bigint)
                             FILTER (WHERE (data->>'available_on')::bigint > $1), 0)::bigint
             FROM objects WHERE object = 'balance_transaction'
             GROUP BY 1 ORDER BY 1",
            &[&cx.now],
        )
        .await?;
    let funds = |amount: i64, currency: &str| json!({"amount": amount, "currency": currency, "source_types": {"card": amount}});
    let (mut available, mut pending) = (Vec::new(), Vec::new());
    for row in &rows {
        let currency: &str = row.get(0);
        available.push(funds(row.get(1), currency));
        pending.push(funds(row.get(2), currency));
    }
    if rows.is_empty() {
        available.push(funds(0, "usd"));
        pending.push(funds(0, "usd"));
    }
    Ok(
        json!({"object": "balance", "available": available, "livemode": false,
              "pending": pending}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_are_stripes_standard_rate() {
        assert_eq!(card_fee(2000), 88);
        assert_eq!(card_fee(1000), 59);
        assert_eq!(card_fee(50), 31);
    }

    #[test]
    fn pending_funds_become_available() {
        let mut txn = json!({"status": "pending", "available_on": 100});
        current(&mut txn, 99);
        assert_eq!(txn["status"], "pending");
        current(&mut txn, 100);
        assert_eq!(txn["status"], "available");
    }
}
