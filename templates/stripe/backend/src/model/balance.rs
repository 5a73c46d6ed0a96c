//! The account's balance: one balance transaction per movement of funds (a captured charge,
//! a refund), and the balance summed from them.
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
    record(
        cx,
        charge,
        "charge",
        amount,
        (fee, fee_details),
        available_on,
    )
    .await
}

/// Records the balance transaction taking `refund` from the balance, and answers its id.
pub(crate) async fn refunded(cx: &Cx<'_>, refund: &Value) -> ApiResult<String> {
    let amount = refund["amount"].as_i64().unwrap_or(0);
    record(cx, refund, "refund", -amount, (0, json!([])), cx.now).await
}

async fn record(
    cx: &Cx<'_>,
    source: &Value,
    kind: &str,
    amount: i64,
    (fee, fee_details): (i64, Value),
    available_on: i64,
) -> ApiResult<String> {
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
        "reporting_category": kind,
        "source": source["id"],
        "status": if available_on <= cx.now { "available" } else { "pending" },
        "type": kind,
    });
    cx.insert(seq, &transaction)?;
    Ok(id)
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
