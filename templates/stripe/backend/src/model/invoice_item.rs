//! A new invoice item, as `POST /v1/invoiceitems` and a subscription's `add_invoice_items`
//! make one (prorations have their own, in `proration`).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::ApiResult;
use crate::model::invoice::product_name;

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
    let (amount, quantity) = (billed.amount, billed.quantity);
    let tiered = crate::model::tiers::tiers_of(&billed.price).is_some();
    let mut item = json!({
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
    });
    if tiered {
        tiered_unit(&mut item, amount, quantity);
    }
    item
}

/// An item billing a price without a `description` of its own is described by the price's
/// product's name, as Stripe writes it on the item and its invoice line.
pub(crate) async fn describe(cx: &Cx<'_>, item: &mut Value) -> ApiResult<()> {
    if item["description"].is_null() && item["price"].is_object() {
        item["description"] = json!(product_name(cx, &item["price"]).await?);
    }
    Ok(())
}

/// An item of a tiered price has no one unit amount: `unit_amount` is `null` and
/// `unit_amount_decimal` the amount's exact share per unit (the clone's reading).
pub(crate) fn tiered_unit(item: &mut Value, amount: i64, quantity: i64) {
    item["unit_amount"] = Value::Null;
    item["unit_amount_decimal"] = json!(crate::model::proration::unit_decimal(amount, quantity));
}
