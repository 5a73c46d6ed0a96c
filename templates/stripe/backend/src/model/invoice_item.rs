//! A new invoice item, as `POST /v1/invoiceitems` and a subscription's `add_invoice_items`
//! make one (prorations have their own, in `proration`).

use serde_json::{Value, json};

/// What a new invoice item bills, and for whom.
pub(crate) struct Billed<'a> {
    /// The customer billed.
    pub(crate) customer: &'a Value,
    /// The price (or `null` for a bare amount) and the item's currency.
    pub(crate) price: Value,
    pub(crate) currency: Value,
    /// The unit amount, the quantity and their product (checked by the caller).
    pub(crate) unit: i64,
    pub(crate) quantity: i64,
    pub(crate) amount: i64,
    /// The tax rates applied and the subscription billed with (or `null`).
    pub(crate) tax_rates: Vec<Value>,
    pub(crate) subscription: Value,
}

/// A pending invoice item of `billed` made at `now` (without its id), for a period of `now`.
pub(crate) fn invoice_item(billed: Billed<'_>, now: i64) -> Value {
    json!({
        "object": "invoiceitem",
        "amount": billed.amount,
        "currency": billed.currency,
        "customer": billed.customer["id"],
        "date": now,
        "description": null,
        "discountable": true,
        "discounts": [],
        "invoice": null,
        "livemode": false,
        "metadata": {},
        "period": {"end": now, "start": now},
        "price": billed.price,
        "proration": false,
        "quantity": billed.quantity,
        "subscription": billed.subscription,
        "tax_rates": billed.tax_rates,
        "test_clock": billed.customer["test_clock"],
        "unit_amount": billed.unit,
        "unit_amount_decimal": billed.unit.to_string(),
        "created": now,
    })
}
