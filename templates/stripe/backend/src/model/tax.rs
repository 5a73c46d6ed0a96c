//! Tax rates on invoices: the rates a request names, and what they add to each line and to
//! the invoice (Stripe's manual tax rates: exclusive rates are added on top of what a line
//! bills after its discount, inclusive ones are taken out of it).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::TAX_RATE;

/// The tax rates named by parameter `param` (`default_tax_rates`, `items[0][tax_rates]`):
/// `None` when absent, no rates when it is an empty string (what clears them), else each
/// rate, which must be active.
pub(crate) async fn rates(
    cx: &Cx<'_>,
    value: Option<&Value>,
    param: &str,
) -> ApiResult<Option<Vec<Value>>> {
    let ids: Vec<&Value> = match value {
        None => return Ok(None),
        Some(Value::String(s)) if s.is_empty() => return Ok(Some(Vec::new())),
        Some(Value::Array(ids)) => ids.iter().collect(),
        Some(_) => {
            return Err(ApiError::invalid_param(
                param,
                format!("Invalid array: {param} must be an array"),
            ));
        }
    };
    let mut out = Vec::with_capacity(ids.len());
    for (n, id) in ids.into_iter().enumerate() {
        let at = format!("{param}[{n}]");
        let id = id
            .as_str()
            .ok_or_else(|| ApiError::invalid_param(&at, format!("Invalid string: {at}")))?;
        let rate = TAX_RATE.named(cx, id, &at).await?;
        if rate["active"] != true {
            return Err(ApiError::invalid_param(
                &at,
                format!("The tax rate {id} is inactive and cannot be applied to new objects."),
            ));
        }
        out.push(rate);
    }
    Ok(Some(out))
}

/// Refuses `rates` on a line billing `price` when the price's `tax_behavior` (`inclusive` or
/// `exclusive`; `unspecified` takes either) disagrees with a rate's `inclusive`.
pub(crate) fn check_behavior(price: &Value, rates: &[Value]) -> ApiResult<()> {
    let inclusive = match price["tax_behavior"].as_str() {
        Some("inclusive") => true,
        Some("exclusive") => false,
        _ => return Ok(()),
    };
    if rates
        .iter()
        .any(|r| r["inclusive"].as_bool() != Some(inclusive))
    {
        return Err(ApiError::invalid(
            "One or more prices has a `tax_behavior` that conflicts with the tax rates that apply \
             to the corresponding line item.",
        ));
    }
    Ok(())
}

/// The objects that embed a tax rate (`default_tax_rates`, items' and lines' `tax_rates`).
const HOLDERS: &[&str] = &["subscription", "invoice", "invoiceitem"];

/// After tax rate `rate` changed: every object embedding it shows it as it is now (Stripe
/// renders them by id).
pub(crate) async fn refresh(cx: &Cx<'_>, rate: &Value) -> ApiResult<()> {
    let id = rate["id"].as_str().unwrap_or_default();
    let mentions = [("data::text LIKE {}", format!("%\"{id}\"%"))];
    for kind in HOLDERS {
        for mut holder in cx.all(kind, &mentions).await? {
            if replace(&mut holder, rate) {
                cx.save(&holder)?;
            }
        }
    }
    Ok(())
}

/// Puts `rate` in place of every embedded copy of it in `value`: whether there was one.
fn replace(value: &mut Value, rate: &Value) -> bool {
    match value {
        Value::Object(map) if map.get("object") == Some(&json!("tax_rate")) => {
            let same = map.get("id") == rate.get("id");
            if same {
                *value = rate.clone();
            }
            same
        }
        Value::Object(map) => map
            .values_mut()
            .fold(false, |hit, v| replace(v, rate) | hit),
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |hit, v| replace(v, rate) | hit),
        _ => false,
    }
}

/// What the tax rates of an invoice came to (see [`apply`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Taxes {
    /// Tax added on top of the lines.
    pub(crate) exclusive: i64,
    /// Tax included in the lines' amounts (after discounts).
    pub(crate) inclusive: i64,
    /// The lines' amounts less their inclusive tax, before discounts.
    pub(crate) subtotal_excluding_tax: i64,
    /// Whether any line was taxed at all (the invoice's `tax` is `null` otherwise).
    pub(crate) taxed: bool,
}

/// `amount * percent / 100`, rounded to the nearest unit.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    reason = "cents"
)]
fn part(amount: i64, percent: f64, of: f64) -> i64 {
    ((amount as f64) * percent / of).round() as i64
}

/// One rate's tax on a line: (rate, tax).
type Levied<'r> = Vec<(&'r Value, i64)>;

/// The tax `rates` levy on `amount`: each inclusive rate's share of it, and each exclusive
/// rate's percentage of what is left; and what is left (the taxable amount).
fn levy(rates: &[Value], amount: i64) -> (Levied<'_>, i64) {
    let inclusive: f64 = rates
        .iter()
        .filter(|r| r["inclusive"] == true)
        .filter_map(|r| r["percentage"].as_f64())
        .sum();
    let mut levied: Levied<'_> = Vec::new();
    for rate in rates.iter().filter(|r| r["inclusive"] == true) {
        let percent = rate["percentage"].as_f64().unwrap_or(0.0);
        levied.push((rate, part(amount, percent, 100.0 + inclusive)));
    }
    let taxable = amount - levied.iter().map(|(_, t)| t).sum::<i64>();
    for rate in rates.iter().filter(|r| r["inclusive"] != true) {
        let percent = rate["percentage"].as_f64().unwrap_or(0.0);
        levied.push((rate, part(taxable, percent, 100.0)));
    }
    (levied, taxable)
}

/// What `rates` levy on a line of `amount`: (inclusive tax, exclusive tax).
pub(crate) fn on_amount(rates: &[Value], amount: i64) -> (i64, i64) {
    let (levied, _) = levy(rates, amount);
    levied
        .iter()
        .fold((0, 0), |(inclusive, exclusive), (rate, tax)| {
            if rate["inclusive"] == true {
                (inclusive + tax, exclusive)
            } else {
                (inclusive, exclusive + tax)
            }
        })
}

/// The two shapes Stripe gives one rate's tax: `tax_amounts` (before 2025-03-31.basil) and
/// `taxes` (from then on).
fn shapes(rate: &Value, amount: i64, taxable: i64) -> (Value, Value) {
    let inclusive = rate["inclusive"] == true;
    (
        json!({
            "amount": amount,
            "inclusive": inclusive,
            "tax_rate": rate["id"],
            "taxability_reason": null,
            "taxable_amount": taxable,
        }),
        json!({
            "amount": amount,
            "tax_behavior": if inclusive { "inclusive" } else { "exclusive" },
            "tax_rate_details": {"tax_rate": rate["id"]},
            "taxability_reason": "not_available",
            "taxable_amount": taxable,
            "type": "tax_rate_details",
        }),
    )
}

/// Taxes `invoice`'s lines (after their discounts: `discount_amounts`) at their own
/// `tax_rates`, else the invoice's `default_tax_rates`: each line's `tax_amounts`, `taxes`
/// and `amount_excluding_tax`, the invoice's `total_tax_amounts` and `total_taxes` (one entry
/// per rate). What they came to.
pub(crate) fn apply(invoice: &mut Value) -> Taxes {
    let defaults = invoice["default_tax_rates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut out = Taxes::default();
    // (rate, tax, taxable amount), in the order rates first appear.
    let mut totals: Vec<(Value, i64, i64)> = Vec::new();
    let Some(lines) = invoice["lines"]["data"].as_array_mut() else {
        return out;
    };
    for line in lines {
        let own = line["tax_rates"].as_array().cloned().unwrap_or_default();
        let rates = if own.is_empty() { &defaults } else { &own };
        let amount = line["amount"].as_i64().unwrap_or(0);
        let off: i64 = line["discount_amounts"]
            .as_array()
            .map_or(0, |d| d.iter().filter_map(|d| d["amount"].as_i64()).sum());
        let (levied, taxable) = levy(rates, amount - off);
        let (undiscounted, _) = levy(rates, amount);
        let included: i64 = undiscounted
            .iter()
            .filter(|(r, _)| r["inclusive"] == true)
            .map(|(_, t)| t)
            .sum();
        let (mut amounts, mut taxes) = (Vec::new(), Vec::new());
        for (rate, tax) in &levied {
            let (old, new) = shapes(rate, *tax, taxable);
            amounts.push(old);
            taxes.push(new);
            if rate["inclusive"] == true {
                out.inclusive += tax;
            } else {
                out.exclusive += tax;
            }
            match totals.iter_mut().find(|t| t.0["id"] == rate["id"]) {
                Some(total) => {
                    total.1 += tax;
                    total.2 += taxable;
                }
                None => totals.push(((*rate).clone(), *tax, taxable)),
            }
        }
        out.taxed |= !levied.is_empty();
        out.subtotal_excluding_tax += amount - included;
        line["amount_excluding_tax"] = json!(amount - included);
        line["tax_amounts"] = Value::Array(amounts);
        line["taxes"] = Value::Array(taxes);
    }
    let (mut amounts, mut taxes) = (Vec::new(), Vec::new());
    for (rate, tax, taxable) in &totals {
        let (old, new) = shapes(rate, *tax, *taxable);
        amounts.push(old);
        taxes.push(new);
    }
    invoice["total_tax_amounts"] = Value::Array(amounts);
    invoice["total_taxes"] = Value::Array(taxes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(id: &str, percentage: f64, inclusive: bool) -> Value {
        json!({"id": id, "percentage": percentage, "inclusive": inclusive})
    }

    #[test]
    fn inclusive_rates_share_the_amount_and_exclusive_ones_add_to_what_is_left() {
        let exclusive = [rate("a", 20.0, false)];
        let (levied, taxable) = levy(&exclusive, 1000);
        assert_eq!((levied[0].1, taxable), (200, 1000));
        let inclusive = [rate("b", 20.0, true)];
        let (levied, taxable) = levy(&inclusive, 1200);
        assert_eq!((levied[0].1, taxable), (200, 1000));
        let both = [rate("c", 10.0, true), rate("d", 5.0, false)];
        let (levied, taxable) = levy(&both, 1100);
        assert_eq!((levied[0].1, levied[1].1, taxable), (100, 50, 1000));
        assert_eq!(on_amount(&both, 1100), (100, 50));
    }

    #[test]
    fn lines_take_their_own_rates_else_the_defaults_after_discounts() {
        let mut invoice = json!({
            "default_tax_rates": [rate("txr_d", 10.0, false)],
            "lines": {"data": [
                {"amount": 2000, "discount_amounts": [{"amount": 1000}], "tax_rates": []},
                {"amount": 1200, "tax_rates": [rate("txr_i", 20.0, true)]},
            ]},
        });
        let taxes = apply(&mut invoice);
        assert_eq!(
            taxes,
            Taxes {
                exclusive: 100,
                inclusive: 200,
                subtotal_excluding_tax: 3000,
                taxed: true
            }
        );
        assert_eq!(invoice["total_taxes"][0]["taxable_amount"], 1000);
        assert_eq!(
            invoice["lines"]["data"][1]["tax_amounts"][0]["inclusive"],
            true
        );
    }

    #[test]
    fn embedded_copies_of_a_rate_are_replaced() {
        let old = json!({"id": "txr_1", "object": "tax_rate", "active": true});
        let new = json!({"id": "txr_1", "object": "tax_rate", "active": false});
        let other = json!({"id": "txr_2", "object": "tax_rate", "active": true});
        let mut sub = json!({"default_tax_rates": [old, other],
                             "items": {"data": [{"tax_rates": [old]}]}});
        assert!(replace(&mut sub, &new));
        assert_eq!(sub["default_tax_rates"][0]["active"], false);
        assert_eq!(sub["default_tax_rates"][1]["active"], true);
        assert_eq!(sub["items"]["data"][0]["tax_rates"][0]["active"], false);
        assert!(!replace(&mut json!({"tax_rates": []}), &new));
    }

    #[test]
    fn a_price_s_tax_behavior_must_agree_with_its_rates() {
        let exclusive = [rate("a", 10.0, false)];
        assert!(check_behavior(&json!({"tax_behavior": "unspecified"}), &exclusive).is_ok());
        assert!(check_behavior(&json!({"tax_behavior": "exclusive"}), &exclusive).is_ok());
        assert!(check_behavior(&json!({"tax_behavior": "inclusive"}), &exclusive).is_err());
    }
}
