//! Prorations: what a change of a subscription's items in the middle of its period credits for
//! the old items' unused time and charges for the new items' remaining time, as pending invoice
//! items (`proration: true`) that the subscription's next invoice bills.

use serde_json::{Value, json};

use crate::clock::day_label;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::model::discount;
use crate::model::invoice::product_name;
use crate::params::{int_at, string_at};

/// What a change does about prorations (`proration_behavior`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Behavior {
    /// `create_prorations`, Stripe's default: pending invoice items the next invoice bills.
    Create,
    /// `always_invoice`: the same items, invoiced at once.
    AlwaysInvoice,
    /// `none`: no prorations.
    None,
}

/// The behavior sent as `value` (parameter `param`); Stripe's default when absent.
pub(crate) fn behavior(value: Option<&Value>, param: &str) -> ApiResult<Behavior> {
    Ok(match string_at(value, param)? {
        None | Some("create_prorations") => Behavior::Create,
        Some("always_invoice") => Behavior::AlwaysInvoice,
        Some("none") => Behavior::None,
        Some(other) => {
            return Err(ApiError::invalid_param(
                param,
                format!("Invalid {param}: {other}"),
            ));
        }
    })
}

/// When a change is prorated: the `proration_date` sent as `value` (within `period`, the
/// subscription's current one), else `now`.
pub(crate) fn date(
    value: Option<&Value>,
    param: &str,
    period: (i64, i64),
    now: i64,
) -> ApiResult<i64> {
    match int_at(value, param)? {
        None => Ok(now),
        Some(at) if (period.0..=period.1).contains(&at) => Ok(at),
        Some(_) => Err(ApiError::invalid_param(
            param,
            "The proration date must be within the subscription's current billing period.",
        )),
    }
}

/// `sub`'s current period.
pub(crate) fn period_of(sub: &Value, now: i64) -> (i64, i64) {
    (
        sub["current_period_start"].as_i64().unwrap_or(now),
        sub["current_period_end"].as_i64().unwrap_or(now),
    )
}

/// The prorations (invoice items, not stored and without ids) of `sub` going from items `old`
/// to items `new` at `at`, made at `now`: for each item whose price or quantity changed or
/// that is removed, a credit for its unused time, and for each changed or added one, a charge
/// for its remaining time. None in a trial (it costs nothing), once the period is over, or for
/// metered items (billed for their usage, not prorated).
///
/// A credit is the unused time of what the item was billed after its discount, as Stripe
/// credits it (by the discount last used: the line that charged the item, less its
/// `discount_amounts`; without such a line, less the current discount); a change that would
/// charge a discounted subscription's items is refused (not implemented).
pub(crate) async fn items(
    cx: &Cx<'_>,
    (sub, customer): (&Value, &Value),
    old: &[Value],
    new: &[Value],
    (at, now): (i64, i64),
) -> ApiResult<Vec<Value>> {
    let (start, end) = period_of(sub, now);
    if sub["status"] == "trialing" || at >= end || end <= start {
        return Ok(Vec::new());
    }
    let licensed = |i: &&Value| i["price"]["recurring"]["usage_type"] != "metered";
    let (old, new): (Vec<&Value>, Vec<&Value>) = (
        old.iter().filter(licensed).collect(),
        new.iter().filter(licensed).collect(),
    );
    let same = |a: &Value, b: &Value| !a["id"].is_null() && a["id"] == b["id"];
    let mut changes: Vec<(&Value, i64)> = Vec::new();
    for &item in &old {
        let kept = new.iter().copied().find(|n| same(n, item));
        let unchanged = kept.is_some_and(|n| {
            n["price"]["id"] == item["price"]["id"] && n["quantity"] == item["quantity"]
        });
        if !unchanged {
            changes.push((item, -1));
            changes.extend(kept.map(|n| (n, 1)));
        }
    }
    changes.extend(
        new.iter()
            .filter(|n| !old.iter().any(|o| same(o, n)))
            .map(|&n| (n, 1)),
    );
    let discount = discount::for_invoice(Some(sub), customer, at);
    if discount.is_object() && changes.iter().any(|(_, sign)| *sign > 0) {
        return Err(ApiError::invalid(
            "This Stripe clone does not prorate charges for changes to a discounted \
             subscription (not implemented); pass proration_behavior=none.",
        ));
    }
    let mut made = Vec::new();
    for (item, sign) in changes {
        let amount = sign * prorated(unit_total(item), end - at, end - start);
        if sign > 0 {
            made.push(invoice_item(cx, (sub, customer), item, amount, (at, end, now)).await?);
            continue;
        }
        let billed = billed_line(cx, sub, item, at).await?;
        let amount = match &billed {
            Some((_, line)) if discounted(line) => -unused_net(line, at),
            None if discount.is_object() => {
                let coupon = &discount["coupon"];
                let same = coupon["currency"].is_null() || coupon["currency"] == sub["currency"];
                amount + discount::shares(coupon, &[-amount], -amount, same)[0]
            }
            _ => amount,
        };
        let mut proration = invoice_item(cx, (sub, customer), item, amount, (at, end, now)).await?;
        proration[CREDITED] = billed.map_or(
            Value::Null,
            |(invoice, line)| json!({"invoice": invoice, "invoice_line_items": [line["id"]]}),
        );
        made.push(proration);
    }
    Ok(made)
}

/// What discounts took off `line`.
fn discounted_by(line: &Value) -> i64 {
    line["discount_amounts"]
        .as_array()
        .map_or(0, |d| d.iter().filter_map(|a| a["amount"].as_i64()).sum())
}

/// Whether a discount took something off `line`.
fn discounted(line: &Value) -> bool {
    discounted_by(line) != 0
}

/// What `line` billed after its discounts, for its period's time left after `at`.
fn unused_net(line: &Value, at: i64) -> i64 {
    let net = line["amount"].as_i64().unwrap_or(0) - discounted_by(line);
    let (start, end) = (
        line["period"]["start"].as_i64().unwrap_or(at),
        line["period"]["end"].as_i64().unwrap_or(at),
    );
    prorated(net, end - at, end - start)
}

/// Where a credit proration keeps the line it credits (its line's
/// `proration_details.credited_items`); hidden from the invoice item's answers.
pub(crate) const CREDITED: &str = "_credited_items";

/// The debit `item` of `sub` was billed at `at` by: the line of the newest invoice of `sub`
/// that charged the item over that time (its period's line, or a debit proration), with that
/// invoice's id (a credit's `credited_items`); `None` when none did.
async fn billed_line(
    cx: &Cx<'_>,
    sub: &Value,
    item: &Value,
    at: i64,
) -> ApiResult<Option<(Value, Value)>> {
    let sub_id = sub["id"].as_str().unwrap_or_default().to_owned();
    let invoices = cx
        .all("invoice", &[("data->>'subscription' = {}", sub_id)])
        .await?;
    let billed = |line: &&Value| {
        line["subscription_item"] == item["id"]
            && line["amount"].as_i64().is_some_and(|a| a > 0)
            && line["period"]["start"].as_i64().is_some_and(|s| s <= at)
            && line["period"]["end"].as_i64().is_some_and(|e| at < e)
    };
    for invoice in invoices.iter().filter(|i| i["status"] != "void") {
        let lines = invoice["lines"]["data"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        if let Some(line) = lines.iter().find(billed) {
            return Ok(Some((invoice["id"].clone(), line.clone())));
        }
    }
    Ok(None)
}

/// What `item` bills a full period.
fn unit_total(item: &Value) -> i64 {
    crate::model::tiers::price_amount(&item["price"], item["quantity"].as_i64().unwrap_or(1))
        .unwrap_or(0)
}

/// `amount` for `remaining` seconds of a period of `length`, rounded to the unit (halves
/// away from zero).
pub(crate) fn prorated(amount: i64, remaining: i64, length: i64) -> i64 {
    let exact = i128::from(amount) * i128::from(remaining);
    let length = i128::from(length.max(1));
    let rounded = (2 * exact.abs() + length) / (2 * length);
    i64::try_from(rounded).unwrap_or(i64::MAX) * amount.signum()
}

/// The proration invoice item billing `amount` for `item` of `sub` from `at` to `end`.
async fn invoice_item(
    cx: &Cx<'_>,
    (sub, customer): (&Value, &Value),
    item: &Value,
    amount: i64,
    (at, end, now): (i64, i64, i64),
) -> ApiResult<Value> {
    let quantity = item["quantity"].as_i64().unwrap_or(1);
    let name = product_name(cx, &item["price"]).await?;
    let what = if quantity == 1 {
        name
    } else {
        format!("{quantity} × {name}")
    };
    let time = if amount < 0 { "Unused" } else { "Remaining" };
    Ok(json!({
        "id": null,
        "object": "invoiceitem",
        "amount": amount,
        "currency": sub["currency"],
        "customer": customer["id"],
        "date": now,
        "description": format!("{time} time on {what} after {}", day_label(at)),
        // Classic billing discounts debit prorations on the invoice that bills them; a credit
        // is computed at the proration (see `items`) and not discounted again.
        "discountable": amount >= 0,
        "discounts": [],
        "invoice": null,
        "livemode": false,
        "metadata": {},
        "period": {"end": end, "start": at},
        "price": item["price"],
        "proration": true,
        "quantity": quantity,
        "subscription": sub["id"],
        "subscription_item": item["id"],
        "tax_rates": item["tax_rates"],
        "test_clock": customer["test_clock"],
        "unit_amount": null,
        "unit_amount_decimal": unit_decimal(amount, quantity),
        "created": now,
    }))
}

/// `amount / quantity` as a decimal string (up to 12 places, as Stripe's decimals).
pub(crate) fn unit_decimal(amount: i64, quantity: i64) -> String {
    let quantity = quantity.max(1);
    if amount % quantity == 0 {
        return (amount / quantity).to_string();
    }
    let scaled = i128::from(amount) * 1_000_000_000_000 / i128::from(quantity);
    let sign = if scaled < 0 { "-" } else { "" };
    let (whole, fraction) = (
        scaled.abs() / 1_000_000_000_000,
        scaled.abs() % 1_000_000_000_000,
    );
    let fraction = format!("{fraction:012}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// Stores `items` as pending invoice items (`invoiceitem.created` for each).
pub(crate) async fn store(cx: &mut Cx<'_>, items: Vec<Value>) -> ApiResult<()> {
    for mut item in items {
        let (id, seq) = cx.new_id("ii_").await?;
        item["id"] = json!(id);
        cx.insert(seq, &item)?;
        cx.emit("invoiceitem.created", &item, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{prorated, unit_decimal};

    #[test]
    fn prorations_round_each_line_to_the_unit() {
        assert_eq!(prorated(2000, 15, 30), 1000);
        assert_eq!(prorated(2000, 1, 3), 667);
        assert_eq!(prorated(1000, 1, 8), 125);
        assert_eq!(prorated(5, 1, 2), 3, "halves away from zero");
        assert_eq!(prorated(-5, 1, 2), -3);
    }

    #[test]
    fn unit_amounts_keep_their_fraction() {
        assert_eq!(unit_decimal(-1000, 2), "-500");
        assert_eq!(unit_decimal(1001, 2), "500.5");
        assert_eq!(unit_decimal(-1000, 3), "-333.333333333333");
    }
}
