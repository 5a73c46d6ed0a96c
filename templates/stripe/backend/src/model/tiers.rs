//! Tiered prices (`billing_scheme=tiered`): their `tiers` and `tiers_mode`, checked as a price
//! is made, and what a quantity costs at them, tier by tier.
//!
//! Amounts are kept exact in picocents (a cent's 10^-12, the twelve decimal places Stripe's
//! `*_decimal` amounts take) and rounded to the unit per tier.

use serde_json::{Map, Value, json};

use crate::bounds::amount_at;
use crate::error::MAX_AMOUNT;
use crate::error::{ApiError, ApiResult};
use crate::model::invoice::money;
use crate::params::{Takes, at_least, int_at, listed, required_at, string_at};

/// What one of a price's `tiers` takes.
pub(crate) const TIER: Takes = Takes::serving(
    "price creation",
    &[&[
        "flat_amount",
        "flat_amount_decimal",
        "unit_amount",
        "unit_amount_decimal",
        "up_to",
    ]],
);

/// A cent in picocents.
const CENT: i128 = 1_000_000_000_000;

/// Stripe's two tier modes.
const MODES: &[&str] = &["graduated", "volume"];

/// A price's `billing_scheme`, `tiers_mode` and tiers (`None` for a per-unit price) from the
/// create parameters `data`, each named through `name`.
pub(crate) fn scheme_of(
    data: &Map<String, Value>,
    name: &dyn Fn(&str) -> String,
) -> ApiResult<(String, Value, Option<Vec<Value>>)> {
    let scheme = string_at(data.get("billing_scheme"), &name("billing_scheme"))?
        .filter(|s| !s.is_empty())
        .unwrap_or("per_unit");
    if !["per_unit", "tiered"].contains(&scheme) {
        return Err(ApiError::invalid_param(
            &name("billing_scheme"),
            "Invalid billing_scheme: must be one of per_unit or tiered",
        ));
    }
    if scheme == "per_unit" {
        for key in ["tiers", "tiers_mode"] {
            if data.contains_key(key) {
                return Err(ApiError::invalid_param(
                    &name(key),
                    format!("You may only specify `{key}` when `billing_scheme` is `tiered`."),
                ));
            }
        }
        return Ok((scheme.to_owned(), Value::Null, None));
    }
    for key in ["unit_amount", "unit_amount_decimal"] {
        if data.contains_key(key) {
            return Err(ApiError::invalid_param(
                &name(key),
                format!(
                    "You may not specify `{key}` when `billing_scheme` is `tiered`: each tier has \
                     its own."
                ),
            ));
        }
    }
    let mode = required_at(data, "tiers_mode", &name("tiers_mode"))?;
    if !MODES.contains(&mode) {
        return Err(ApiError::invalid_param(
            &name("tiers_mode"),
            format!("Invalid tiers_mode: must be one of {}", listed(MODES)),
        ));
    }
    let sent = match data.get("tiers") {
        Some(Value::Array(tiers)) if !tiers.is_empty() => tiers,
        None | Some(Value::String(_)) => return Err(ApiError::missing(&name("tiers"))),
        Some(_) => {
            return Err(ApiError::invalid_param(
                &name("tiers"),
                "Invalid array: tiers",
            ));
        }
    };
    let mut tiers = Vec::with_capacity(sent.len());
    let mut floor = 0;
    for (n, tier) in sent.iter().enumerate() {
        let at = name(&format!("tiers[{n}]"));
        let Value::Object(tier) = tier else {
            return Err(ApiError::invalid_param(
                &at,
                format!("Invalid object: {at}"),
            ));
        };
        let last = n + 1 == sent.len();
        let up_to = up_to(tier, &at, floor, last)?;
        floor = up_to.unwrap_or(floor);
        let (unit_amount, unit_decimal) = amount_pair(tier, &at, "unit_amount")?;
        let (flat_amount, flat_decimal) = amount_pair(tier, &at, "flat_amount")?;
        tiers.push(json!({
            "flat_amount": flat_amount,
            "flat_amount_decimal": flat_decimal,
            "unit_amount": unit_amount,
            "unit_amount_decimal": unit_decimal,
            "up_to": up_to,
        }));
    }
    Ok((scheme.to_owned(), json!(mode), Some(tiers)))
}

/// A tier's `up_to`: a whole number above the previous tier's (`floor`), or `inf`, which only
/// the last tier takes and the last tier must take.
fn up_to(tier: &Map<String, Value>, at: &str, floor: i64, last: bool) -> ApiResult<Option<i64>> {
    let param = format!("{at}[up_to]");
    match tier.get("up_to") {
        None => Err(ApiError::missing(&param)),
        Some(Value::String(s)) if s == "inf" => {
            if last {
                Ok(None)
            } else {
                Err(ApiError::invalid_param(
                    &param,
                    "Only the last tier may have `up_to` set to `inf`.",
                ))
            }
        }
        value => {
            let bound = int_at(value, &param)?.ok_or_else(|| ApiError::missing(&param))?;
            if last {
                return Err(ApiError::invalid_param(
                    &param,
                    "The last tier must have `up_to` set to `inf`.",
                ));
            }
            if bound < 1 {
                return Err(at_least(&param, 1));
            }
            if bound <= floor {
                return Err(ApiError::invalid_param(
                    &param,
                    "Each tier's `up_to` must be greater than the previous tier's.",
                ));
            }
            Ok(Some(bound))
        }
    }
}

/// A tier's `key` (`unit_amount`, `flat_amount`) and its `_decimal`, at most one of them
/// sent: `(integer or null, decimal string or null)` as Stripe answers them.
fn amount_pair(tier: &Map<String, Value>, at: &str, key: &str) -> ApiResult<(Value, Value)> {
    let decimal_key = format!("{key}_decimal");
    match (tier.get(key), tier.get(&decimal_key)) {
        (Some(_), Some(_)) => Err(ApiError::invalid_param(
            &format!("{at}[{key}]"),
            format!("You may only specify one of these parameters: {key}, {decimal_key}."),
        )),
        (Some(v), None) => Ok(match amount_at(Some(v), &format!("{at}[{key}]"), 0)? {
            Some(amount) => (json!(amount), json!(amount.to_string())),
            None => (Value::Null, Value::Null),
        }),
        (None, Some(v)) => {
            let param = format!("{at}[{decimal_key}]");
            let text = string_at(Some(v), &param)?.unwrap_or_default();
            let exact = picocents(text).ok_or_else(|| {
                ApiError::invalid_param(&param, format!("Invalid decimal: {text}"))
            })?;
            if exact > i128::from(MAX_AMOUNT) * CENT {
                return Err(crate::bounds::at_most(&param, MAX_AMOUNT, text));
            }
            let whole =
                (exact % CENT == 0).then(|| json!(i64::try_from(exact / CENT).unwrap_or(0)));
            Ok((whole.unwrap_or(Value::Null), json!(decimal_text(exact))))
        }
        (None, None) => Ok((Value::Null, Value::Null)),
    }
}

/// A non-negative decimal of cents with at most twelve places, in picocents.
fn picocents(text: &str) -> Option<i128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 12
        || whole.len() > 12
    {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i128 = format!("{fraction:0<12}").parse().ok()?;
    Some(whole * CENT + fraction)
}

/// Picocents as Stripe writes a decimal amount (`"3.6"`, `"500"`).
fn decimal_text(exact: i128) -> String {
    let fraction = format!("{:012}", exact % CENT);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        (exact / CENT).to_string()
    } else {
        format!("{}.{fraction}", exact / CENT)
    }
}

/// A tier's amount `key` in picocents (its `_decimal`, else 0).
fn exact_of(tier: &Value, key: &str) -> i128 {
    tier[format!("{key}_decimal")]
        .as_str()
        .and_then(picocents)
        .unwrap_or(0)
}

/// Picocents to the unit, halves away from zero.
fn rounded(exact: i128) -> i64 {
    i64::try_from((exact + CENT / 2) / CENT).unwrap_or(i64::MAX)
}

/// What one tier bills of a quantity: its units there and its flat amount.
pub(crate) struct Segment {
    /// The tier's position, from 1, as Stripe's descriptions count it.
    pub(crate) tier: usize,
    /// The units billed at this tier.
    pub(crate) quantity: i64,
    /// What the units cost, rounded.
    pub(crate) units_amount: i64,
    /// The tier's flat amount, rounded, when it has one.
    pub(crate) flat_amount: Option<i64>,
    unit_exact: i128,
}

impl Segment {
    /// Everything this tier bills.
    pub(crate) fn amount(&self) -> i64 {
        self.units_amount
            .saturating_add(self.flat_amount.unwrap_or(0))
    }

    /// The tier's unit amount rounded to the unit (a line's `unit_amount_excluding_tax`).
    pub(crate) fn unit_rounded(&self) -> i64 {
        rounded(self.unit_exact)
    }

    /// The tier's unit amount in `currency` as Stripe's line descriptions show it
    /// (`$0.036`, `$9.00`).
    pub(crate) fn unit_money(&self, currency: &str) -> String {
        money_exact(self.unit_exact, currency)
    }
}

/// Picocents as money: cents as [`money`] writes them, with the places a fraction of a cent
/// needs after them.
fn money_exact(exact: i128, currency: &str) -> String {
    let cents = i64::try_from(exact / CENT).unwrap_or(i64::MAX);
    let base = money(cents, currency);
    let fraction = format!("{:012}", exact % CENT);
    format!("{base}{}", fraction.trim_end_matches('0'))
}

/// The tiers of a tiered `price` (`None` for a per-unit one).
pub(crate) fn tiers_of(price: &Value) -> Option<&Vec<Value>> {
    (price["billing_scheme"] == "tiered")
        .then(|| price[STORED].as_array())
        .flatten()
}

/// Where a price keeps its tiers: shown only when `expand[]=tiers` asks, as Stripe does.
pub(crate) const STORED: &str = "_tiers";

/// What `quantity` units of a tiered `price` bill, tier by tier: in `graduated` mode each
/// tier its own units (and its flat amount once reached; the first tier's at any quantity), in
/// `volume` mode all units at the tier the quantity falls in.
pub(crate) fn segments(price: &Value, quantity: i64) -> Vec<Segment> {
    let Some(tiers) = tiers_of(price) else {
        return Vec::new();
    };
    let quantity = quantity.max(0);
    let segment = |n: usize, tier: &Value, units: i64| {
        let unit_exact = exact_of(tier, "unit_amount");
        Segment {
            tier: n + 1,
            quantity: units,
            units_amount: rounded(unit_exact.saturating_mul(i128::from(units))),
            flat_amount: (!tier["flat_amount_decimal"].is_null())
                .then(|| rounded(exact_of(tier, "flat_amount"))),
            unit_exact,
        }
    };
    let fits = |tier: &Value| tier["up_to"].as_i64().is_none_or(|up| quantity <= up);
    if price["tiers_mode"] == "volume" {
        let n = tiers.iter().position(fits).unwrap_or(tiers.len() - 1);
        return vec![segment(n, &tiers[n], quantity)];
    }
    let mut out = Vec::new();
    let mut floor = 0;
    for (n, tier) in tiers.iter().enumerate() {
        if n > 0 && quantity <= floor {
            break;
        }
        let top = tier["up_to"]
            .as_i64()
            .map_or(quantity, |up| up.min(quantity));
        out.push(segment(n, tier, top - floor));
        floor = tier["up_to"].as_i64().unwrap_or(i64::MAX);
    }
    out
}

/// What `quantity` units of `price` bill (tiered or per unit), `None` past `i64`.
pub(crate) fn price_amount(price: &Value, quantity: i64) -> Option<i64> {
    if tiers_of(price).is_some() {
        return segments(price, quantity)
            .iter()
            .try_fold(0i64, |sum, s| sum.checked_add(s.amount()));
    }
    price["unit_amount"]
        .as_i64()
        .unwrap_or(0)
        .checked_mul(quantity)
}

/// [`price_amount`] within Stripe's largest amount, else `amount_too_large` naming `param`
/// (the quantity).
pub(crate) fn line_total(price: &Value, quantity: i64, param: &str) -> ApiResult<i64> {
    price_amount(price, quantity)
        .filter(|amount| amount.abs() <= MAX_AMOUNT)
        .ok_or_else(|| ApiError::too_large(param))
}

/// The tiers of a price for `expand[]=tiers` (`null` for a per-unit price).
pub(crate) fn expanded(price: &Map<String, Value>) -> Value {
    price.get(STORED).cloned().unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(mode: &str, tiers: Value) -> Value {
        json!({"billing_scheme": "tiered", "tiers_mode": mode, STORED: tiers})
    }

    fn tier(up_to: Value, unit: &str, flat: Option<&str>) -> Value {
        json!({"up_to": up_to, "unit_amount_decimal": unit, "flat_amount_decimal": flat})
    }

    #[test]
    fn graduated_bills_each_tier_its_units_and_volume_all_at_one() {
        let tiers = json!([
            tier(json!(5), "1000", Some("500")),
            tier(json!(10), "800", None),
            tier(Value::Null, "3.6", Some("0")),
        ]);
        let graduated = price("graduated", tiers.clone());
        assert_eq!(price_amount(&graduated, 3), Some(3500));
        assert_eq!(price_amount(&graduated, 12), Some(5000 + 500 + 4000 + 7));
        assert_eq!(price_amount(&graduated, 0), Some(500));
        let volume = price("volume", tiers);
        assert_eq!(price_amount(&volume, 7), Some(5600));
        assert_eq!(price_amount(&volume, 5), Some(5500));
        assert_eq!(price_amount(&volume, 100), Some(360));
        assert_eq!(segments(&volume, 100)[0].unit_money("usd"), "$0.036");
    }

    #[test]
    fn decimals_keep_twelve_places_and_no_more() {
        assert_eq!(picocents("3.6"), Some(3_600_000_000_000));
        assert_eq!(picocents("0.000000000001"), Some(1));
        assert_eq!(picocents("0.0000000000001"), None);
        assert_eq!(picocents("-1"), None);
        assert_eq!(picocents("."), None);
        assert_eq!(decimal_text(3_600_000_000_000), "3.6");
        assert_eq!(decimal_text(500 * CENT), "500");
    }
}
