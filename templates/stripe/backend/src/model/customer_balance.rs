//! A customer's invoice credit balance (`customer.balance`) and its ledger, the customer
//! balance transactions (`cbtxn_…`): adjustments, and what invoices take from it when they are
//! finalized (or give back when voided). A negative balance is a credit, a positive one a debit.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};

/// One change to a customer's balance.
pub(crate) struct Entry<'e> {
    /// What it adds to the balance (negative: a credit).
    pub(crate) amount: i64,
    pub(crate) currency: &'e str,
    /// Stripe's transaction `type` (`adjustment`, `initial`, `applied_to_invoice`, …).
    pub(crate) kind: &'e str,
    pub(crate) invoice: Option<&'e str>,
    pub(crate) description: Option<&'e str>,
}

/// Records `entry` on `customer` (stored; the customer's `balance` follows: the caller saves
/// the customer): the transaction. Refused in another currency than the customer's.
pub(crate) async fn record(
    cx: &Cx<'_>,
    customer: &mut Value,
    entry: &Entry<'_>,
) -> ApiResult<Value> {
    let currency = entry.currency.to_lowercase();
    if let Some(own) = customer["currency"].as_str()
        && own != currency
    {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "The currency of the transaction ({currency}) must match the customer's currency ({own})."
            ),
        ));
    }
    let ending = customer["balance"]
        .as_i64()
        .unwrap_or(0)
        .checked_add(entry.amount)
        .ok_or_else(|| ApiError::too_large("amount"))?;
    customer["balance"] = json!(ending);
    let now = crate::model::subscription::customer_now(cx, customer).await?;
    let (id, seq) = cx.new_id("cbtxn_").await?;
    let transaction = json!({
        "id": id,
        "object": "customer_balance_transaction",
        "amount": entry.amount,
        "checkout_session": null,
        "created": now,
        "credit_note": null,
        "currency": currency,
        "customer": customer["id"],
        "customer_account": null,
        "description": entry.description,
        "ending_balance": ending,
        "invoice": entry.invoice,
        "livemode": false,
        "metadata": {},
        "type": entry.kind,
    });
    cx.insert(seq, &transaction)?;
    Ok(transaction)
}

/// What of `balance` an invoice totalling `total` takes: all of a debit, a credit up to the
/// total; nothing from an invoice with nothing to bill. A negative invoice (prorations
/// crediting more than it bills) gives its total to the balance as a credit instead.
fn used(balance: i64, total: i64) -> i64 {
    match balance {
        _ if total < 0 => -total,
        _ if total == 0 => 0,
        b if b < 0 => b.max(-total),
        b => b,
    }
}

/// Sets `invoice`'s `starting_balance` (the customer's balance) and `ending_balance` (what is
/// left once the invoice took its share, see [`used`]; nothing from another currency than
/// the customer's): what it takes.
pub(crate) fn settle(customer: &Value, invoice: &mut Value) -> i64 {
    let start = customer["balance"].as_i64().unwrap_or(0);
    let currency = invoice["currency"].as_str().unwrap_or("usd");
    let used = if customer["currency"].as_str().is_none_or(|c| c == currency) {
        used(start, invoice["total"].as_i64().unwrap_or(0))
    } else {
        0
    };
    invoice["starting_balance"] = json!(start);
    invoice["ending_balance"] = json!(start - used);
    used
}

/// Applies `customer`'s balance to `invoice` as it is finalized ([`settle`]), recording an
/// `applied_to_invoice` transaction for what it took (the caller recomputes the invoice's
/// `amount_due` and saves both).
pub(crate) async fn apply_to_invoice(
    cx: &Cx<'_>,
    customer: &mut Value,
    invoice: &mut Value,
) -> ApiResult<()> {
    let used = settle(customer, invoice);
    if used != 0 {
        let currency = invoice["currency"].as_str().unwrap_or("usd").to_owned();
        let entry = Entry {
            amount: -used,
            currency: &currency,
            kind: "applied_to_invoice",
            invoice: invoice["id"].as_str(),
            description: None,
        };
        record(cx, customer, &entry).await?;
    }
    Ok(())
}

/// Gives back to its customer the balance a voided `invoice` took (an
/// `unapplied_from_invoice` transaction, announced by `customer.updated`).
pub(crate) async fn unapply(cx: &Cx<'_>, invoice: &Value) -> ApiResult<()> {
    let (Some(start), Some(end)) = (
        invoice["starting_balance"].as_i64(),
        invoice["ending_balance"].as_i64(),
    ) else {
        return Ok(());
    };
    if start == end {
        return Ok(());
    }
    let id = invoice["customer"].as_str().unwrap_or_default();
    let mut customer = crate::kinds::CUSTOMER
        .lock_named(cx, id, "customer")
        .await?;
    let before = customer.clone();
    let entry = Entry {
        amount: start - end,
        currency: invoice["currency"].as_str().unwrap_or("usd"),
        kind: "unapplied_from_invoice",
        invoice: invoice["id"].as_str(),
        description: None,
    };
    record(cx, &mut customer, &entry).await?;
    cx.save_changed("customer.updated", &before, &customer)
        .await
}

#[cfg(test)]
mod tests {
    use super::used;

    #[test]
    fn an_invoice_takes_a_debit_whole_and_a_credit_up_to_its_total() {
        assert_eq!(used(-500, 2000), -500);
        assert_eq!(used(-5000, 2000), -2000);
        assert_eq!(used(300, 2000), 300);
        assert_eq!(used(-500, 0), 0, "nothing billed takes nothing");
        assert_eq!(
            used(-500, -700),
            700,
            "a negative invoice credits the balance"
        );
    }
}
