//! An invoice's lines: a subscription period's (one per item, or per tier reached of a
//! tiered price) and an invoice item's, with their `parent`.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::ApiResult;
use crate::model::{meter, proration, tiers};

use super::money;

/// The name of `price`'s product (empty when it is gone).
pub(crate) async fn product_name(cx: &Cx<'_>, price: &Value) -> ApiResult<String> {
    let product = price["product"].as_str().unwrap_or_default();
    Ok(match cx.get("product", product, false).await? {
        Some(p) => p["name"].as_str().unwrap_or_default().to_owned(),
        None => String::new(),
    })
}

/// The lines (without ids) billing `items` of subscription `sub` for the period
/// `(start, end)` on `invoice`: one per item, at no charge in a trial. They have no
/// `invoice_item` (Stripe's spec allows an id or an object there, not `null`).
pub(super) async fn period_lines(
    cx: &Cx<'_>,
    items: &[Value],
    sub: &Value,
    invoice: &Value,
    (start, end): (i64, i64),
    trial: bool,
) -> ApiResult<Vec<Value>> {
    let currency = invoice["currency"].as_str().unwrap_or("usd");
    let mut lines = Vec::new();
    // Stripe lists a subscription's items in reverse chronological order.
    let mut items: Vec<&Value> = items.iter().collect();
    items.sort_by_key(|item| std::cmp::Reverse(item["created"].as_i64().unwrap_or(0)));
    for item in items {
        let (quantity, (from, to)) = billed(cx, item, sub, (start, end)).await?;
        let product_name = product_name(cx, &item["price"]).await?;
        for bill in period_bills(&item["price"], quantity, currency, &product_name, trial) {
            let Bill {
                quantity,
                amount,
                description,
                unit,
            } = bill;
            lines.push(with_parent(json!({
                "id": null,
                "object": "line_item",
                "amount": amount,
                "amount_excluding_tax": amount,
                "currency": currency,
                "description": description,
                "discount_amounts": [],
                "discountable": true,
                "discounts": [],
                "invoice": invoice["id"],
                "livemode": false,
                "metadata": item["metadata"],
                "period": {"end": to, "start": from},
                "plan": item["plan"],
                "price": item["price"],
                "proration": false,
                "proration_details": {"credited_items": null},
                "quantity": quantity,
                "subscription": sub["id"],
                "subscription_item": item["id"],
                "subtotal": amount,
                "tax_amounts": [],
                "tax_rates": item["tax_rates"],
                "taxes": [],
                "type": "subscription",
                "unit_amount_excluding_tax": unit,
            })));
        }
    }
    Ok(lines)
}

/// What `item` of `sub` bills on an invoice of the period `(start, end)`: its quantity for
/// that period, or, for a price with a meter, the usage since it was last billed (its creation
/// at first) up to `start`, for that time (in arrears, as Stripe bills usage).
async fn billed(
    cx: &Cx<'_>,
    item: &Value,
    sub: &Value,
    (start, end): (i64, i64),
) -> ApiResult<(i64, (i64, i64))> {
    let Some(meter) = item["price"]["recurring"]["meter"].as_str() else {
        return Ok((item["quantity"].as_i64().unwrap_or(1), (start, end)));
    };
    let from = item["_billed_until"]
        .as_i64()
        .or_else(|| item["created"].as_i64())
        .unwrap_or(start)
        .min(start);
    let Some(meter) = cx.get("billing.meter", meter, false).await? else {
        return Ok((0, (from, start)));
    };
    let customer = sub["customer"].as_str().unwrap_or_default();
    let used = meter::usage(cx, &meter, customer, (from, start)).await?;
    Ok((meter::quantity_of(used), (from, start)))
}

/// Marks the metered items of `sub` billed up to `at` (see [`billed`]).
pub(super) fn mark_billed(sub: &mut Value, at: i64) {
    if let Some(items) = sub["items"]["data"].as_array_mut() {
        for item in items
            .iter_mut()
            .filter(|i| i["price"]["recurring"]["meter"].is_string())
        {
            item["_billed_until"] = json!(at);
        }
    }
}

/// What one line of a period bills: its quantity, amount, description and
/// `unit_amount_excluding_tax`.
struct Bill {
    quantity: i64,
    amount: i64,
    description: String,
    unit: Value,
}

/// The lines an item of `price` × `quantity` bills a period: one at its unit amount, at no
/// charge in a trial; for a tiered price, as Stripe bills them, a line for the units of each
/// tier reached ("31 × Product (Tier 2 at $0.036 / month)") and one for each such tier's flat
/// amount ("Product (Tier 1 at $9.00 / month)", quantity 0).
fn period_bills(
    price: &Value,
    quantity: i64,
    currency: &str,
    product_name: &str,
    trial: bool,
) -> Vec<Bill> {
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    let tiered = tiers::tiers_of(price).is_some();
    let unit = price["unit_amount"].as_i64().unwrap_or(0);
    if trial {
        return vec![Bill {
            quantity,
            amount: 0,
            description: format!("Trial period for {product_name}"),
            unit: if tiered {
                json!("0")
            } else {
                json!(unit.to_string())
            },
        }];
    }
    if !tiered {
        return vec![Bill {
            quantity,
            amount: unit * quantity,
            description: format!(
                "{quantity} × {product_name} (at {} / {interval})",
                money(unit, currency)
            ),
            unit: json!(unit.to_string()),
        }];
    }
    let mut bills = Vec::new();
    for segment in tiers::segments(price, quantity) {
        let n = segment.tier;
        bills.push(Bill {
            quantity: segment.quantity,
            amount: segment.units_amount,
            description: format!(
                "{} × {product_name} (Tier {n} at {} / {interval})",
                segment.quantity,
                segment.unit_money(currency)
            ),
            unit: json!(segment.unit_rounded().to_string()),
        });
        if let Some(flat) = segment.flat_amount {
            bills.push(Bill {
                quantity: 0,
                amount: flat,
                description: format!(
                    "{product_name} (Tier {n} at {} / {interval})",
                    money(flat, currency)
                ),
                unit: Value::Null,
            });
        }
    }
    bills
}

/// `line` with its `parent` (from 2025-03-31.basil, beside the older fields it gathers): the
/// subscription item that made it (`subscription_item_details`, with the invoice item of a
/// proration), or the invoice item (`invoice_item_details`).
fn with_parent(mut line: Value) -> Value {
    let mut details = json!({
        "invoice_item": line.get("invoice_item"),
        "proration": line["proration"],
        "proration_details": line["proration_details"],
        "subscription": line["subscription"],
    });
    let kind = if line["subscription_item"].is_string() {
        details["subscription_item"] = line["subscription_item"].clone();
        "subscription_item_details"
    } else {
        "invoice_item_details"
    };
    let mut parent = json!({
        "invoice_item_details": null,
        "subscription_item_details": null,
        "type": kind,
    });
    parent[kind] = details;
    line["parent"] = parent;
    line
}

/// The line an invoice item adds to `invoice` (a proration names its subscription item).
pub(crate) fn item_line(invoice: &Value, item: &Value) -> Value {
    let mut line = json!({
        "id": format!("il_{}", item["id"].as_str().unwrap_or_default().trim_start_matches("ii_")),
        "object": "line_item",
        "amount": item["amount"],
        "amount_excluding_tax": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        "discountable": item["discountable"] != false,
        "discounts": [],
        "invoice": invoice["id"],
        "invoice_item": item["id"],
        "livemode": false,
        "metadata": item["metadata"],
        "period": item["period"],
        "price": item["price"],
        "proration": item["proration"] == true,
        "proration_details": {"credited_items": item.get(proration::CREDITED)},
        "quantity": item["quantity"],
        "subscription": item["subscription"],
        "subtotal": item["amount"],
        "tax_amounts": [],
        "tax_rates": item["tax_rates"],
        "taxes": [],
        "type": "invoiceitem",
    });
    if let Some(si) = item.get("subscription_item") {
        line["subscription_item"] = si.clone();
    }
    with_parent(line)
}
