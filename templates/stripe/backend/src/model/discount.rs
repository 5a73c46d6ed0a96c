//! Discounts: a coupon or promotion code redeemed onto a customer or a subscription (the
//! `discount` object, `di_…`), the discount an invoice gets from them, and what it takes off
//! the invoice's lines. One discount at a time on each holder (Stripe's `discount`; the
//! `discounts` list holds its id).

use serde_json::{Map, Value, json};

use crate::clock::add_intervals;
use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{COUPON, PROMOTION_CODE};
use crate::params::{Params, string_at};

/// What a request names to redeem, and the parameter that named it.
#[derive(Debug, PartialEq)]
pub(crate) enum Source {
    Coupon(String, String),
    PromotionCode(String, String),
    /// `discounts[0][discount]`: the holder's current discount, kept.
    Existing(String),
}

/// The discount a create or update request asks for: `coupon`, `promotion_code`, or
/// `discounts[0][coupon|promotion_code|discount]`. `Some(None)` when it removes the discount
/// (`coupon=`, `discounts=`), `None` when it says nothing about it.
pub(crate) fn requested(params: &Params) -> ApiResult<Option<Option<Source>>> {
    let mut found = Vec::new();
    for key in ["coupon", "promotion_code"] {
        if let Some(id) = params.str(key)? {
            found.push(source(key, id, key));
        }
    }
    if let Some(value) = params.get("discounts") {
        found.push(from_discounts(value)?);
    }
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(ApiError::invalid(
            "You may only specify one of these parameters: coupon, discounts, promotion_code.",
        )),
    }
}

fn source(key: &str, id: &str, param: &str) -> Option<Source> {
    let (id, param) = (id.to_owned(), param.to_owned());
    match key {
        _ if id.is_empty() => None,
        "coupon" => Some(Source::Coupon(id, param)),
        "promotion_code" => Some(Source::PromotionCode(id, param)),
        _ => Some(Source::Existing(id)),
    }
}

/// `discounts`: empty (none), or one `{coupon}`, `{promotion_code}` or `{discount}`.
fn from_discounts(value: &Value) -> ApiResult<Option<Source>> {
    let entries = match value {
        Value::String(s) if s.is_empty() => return Ok(None),
        Value::Array(entries) => entries,
        _ => {
            return Err(ApiError::invalid_param(
                "discounts",
                "Invalid array: discounts must be an array",
            ));
        }
    };
    if entries.len() > 1 {
        return Err(ApiError::invalid_param(
            "discounts[1]",
            "This Stripe clone applies one discount at a time: several `discounts` are not implemented.",
        ));
    }
    let Some(entry) = entries.first() else {
        return Ok(None);
    };
    let entry = crate::params::hash_at(Some(entry), "discounts[0]")?
        .cloned()
        .unwrap_or_default();
    let named: Vec<(&str, &Value)> = ["coupon", "promotion_code", "discount"]
        .into_iter()
        .filter_map(|k| entry.get(k).map(|v| (k, v)))
        .collect();
    match named.as_slice() {
        [(key, value)] => {
            let param = format!("discounts[0][{key}]");
            let id = string_at(Some(value), &param)?.unwrap_or_default();
            Ok(source(key, id, &param))
        }
        [] => Err(ApiError::missing("discounts[0][coupon]")),
        _ => Err(ApiError::invalid_param(
            "discounts[0]",
            "You may only specify one of these parameters: coupon, discount, promotion_code.",
        )),
    }
}

/// Whether `coupon` can still be redeemed at `now`.
pub(crate) fn coupon_valid(coupon: &Value, now: i64) -> bool {
    let used_up = coupon["max_redemptions"]
        .as_i64()
        .is_some_and(|max| coupon["times_redeemed"].as_i64().unwrap_or(0) >= max);
    let expired = coupon["redeem_by"].as_i64().is_some_and(|by| by <= now);
    !used_up && !expired
}

/// A promotion code refusal: 400 naming `param`.
fn refused(param: &str, why: &str) -> ApiError {
    ApiError::invalid_param(
        param,
        format!("This promotion code cannot be redeemed because {why}."),
    )
}

/// What the discount is redeemed onto: a customer or a subscription (its `object` says),
/// with the amount and currency of what it will first discount, when known.
pub(crate) struct Holder<'h> {
    pub(crate) object: &'h Value,
    pub(crate) first: Option<(i64, &'h str)>,
}

/// Counts `coupon` (and its promotion code `promo`) as redeemed at `now`: the coupon and the
/// promotion code's id, as saved.
fn count_redemption(
    cx: &Cx<'_>,
    (mut coupon, promo): (Value, Option<Value>),
    now: i64,
) -> ApiResult<(Value, Option<String>)> {
    let promo = match promo {
        Some(mut promo) => {
            promo["times_redeemed"] = json!(promo["times_redeemed"].as_i64().unwrap_or(0) + 1);
            cx.save(&promo)?;
            promo["id"].as_str().map(str::to_owned)
        }
        None => None,
    };
    coupon["times_redeemed"] = json!(coupon["times_redeemed"].as_i64().unwrap_or(0) + 1);
    coupon["valid"] = json!(coupon_valid(&coupon, now));
    cx.save(&coupon)?;
    Ok((coupon, promo))
}

/// The coupon behind `source` and its promotion code (both locked), checked as a redemption
/// onto `holder` would be, or the refusal Stripe answers.
async fn resolve(
    cx: &Cx<'_>,
    source: &Source,
    holder: &Holder<'_>,
    customer: &str,
    now: i64,
) -> ApiResult<(Value, Option<Value>)> {
    let (coupon_id, param, promo) = match source {
        Source::Coupon(id, param) => (id.clone(), param.clone(), None),
        Source::PromotionCode(id, param) => {
            let promo = PROMOTION_CODE.lock_named(cx, id, param).await?;
            check_promotion(cx, &promo, param, holder, customer, now).await?;
            let coupon = promo["promotion"]["coupon"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (coupon, param.clone(), Some(promo))
        }
        Source::Existing(id) => {
            return Err(ApiError::missing_resource(
                "discount",
                id,
                "discounts[0][discount]",
            ));
        }
    };
    let coupon = COUPON.lock_named(cx, &coupon_id, &param).await?;
    if !coupon_valid(&coupon, now) {
        return Err(
            ApiError::invalid_param(&param, format!("Coupon expired: {coupon_id}"))
                .code("coupon_expired"),
        );
    }
    if let (Some(currency), Some((_, wanted))) = (coupon["currency"].as_str(), holder.first)
        && coupon["amount_off"].is_i64()
        && currency != wanted
    {
        return Err(ApiError::invalid_param(
            &param,
            format!(
                "The coupon's currency ({currency}) must match the currency of the {} ({wanted}).",
                holder.object["object"].as_str().unwrap_or_default()
            ),
        ));
    }
    Ok((coupon, promo))
}

/// Refuses a promotion code that is inactive, expired, used up, someone else's, restricted to
/// first-time customers or above what is billed.
async fn check_promotion(
    cx: &Cx<'_>,
    promo: &Value,
    param: &str,
    holder: &Holder<'_>,
    customer: &str,
    now: i64,
) -> ApiResult<()> {
    if promo["active"] != true {
        return Err(refused(param, "it is inactive"));
    }
    if promo["expires_at"].as_i64().is_some_and(|at| at <= now) {
        return Err(refused(param, "it has expired"));
    }
    if promo["max_redemptions"]
        .as_i64()
        .is_some_and(|max| promo["times_redeemed"].as_i64().unwrap_or(0) >= max)
    {
        return Err(refused(
            param,
            "it has been redeemed the maximum number of times",
        ));
    }
    if let Some(only) = promo["customer"].as_str()
        && only != customer
    {
        return Err(refused(param, "it is restricted to a different customer"));
    }
    let restrictions = &promo["restrictions"];
    if restrictions["first_time_transaction"] == true {
        let paid = [
            ("customer = {}", customer.to_owned()),
            ("data->>'status' = {}", "succeeded".to_owned()),
        ];
        if !cx.all("charge", &paid).await?.is_empty() {
            return Err(refused(
                param,
                "the associated customer has prior transactions",
            ));
        }
    }
    if let (Some(minimum), Some((amount, currency))) =
        (restrictions["minimum_amount"].as_i64(), holder.first)
        && restrictions["minimum_amount_currency"].as_str() == Some(currency)
        && amount < minimum
    {
        return Err(refused(
            param,
            &format!(
                "the minimum amount of {} is not met",
                crate::model::invoice::money(minimum, currency)
            ),
        ));
    }
    Ok(())
}

/// Applies what the request says about the holder's discount (see [`requested`]) to
/// `holder.object` (a customer or a subscription): redeems a new one (`start` its start),
/// removes the current one, or leaves it.
pub(crate) async fn change(
    cx: &Cx<'_>,
    params: &Params,
    holder: &mut Value,
    first: Option<(i64, &str)>,
    start: i64,
) -> ApiResult<()> {
    let Some(wanted) = requested(params)? else {
        return Ok(());
    };
    let current = holder["discount"]["id"].as_str().map(str::to_owned);
    match wanted {
        Some(Source::Existing(id)) if current.as_deref() == Some(id.as_str()) => Ok(()),
        None => {
            end(cx, holder).await?;
            Ok(())
        }
        Some(source) => {
            let view = Holder {
                object: holder,
                first,
            };
            let discount = redeem(cx, &source, &view, start).await?;
            end(cx, holder).await?;
            set(holder, discount);
            Ok(())
        }
    }
}

/// The customer a discount on `object` belongs to (a customer, or what it belongs to).
fn customer_of(object: &Value) -> &str {
    let key = if object["object"] == "customer" {
        "id"
    } else {
        "customer"
    };
    object[key].as_str().unwrap_or_default()
}

/// A discount for quote `holder.object`: `source` checked as its redemption would be, stored
/// (`discounts` shows its id) but neither counted nor announced — the subscription or invoice
/// the quote is accepted into redeems it ([`redeem_onto_invoice`], or a subscription's
/// `discounts`).
pub(crate) async fn quoted(
    cx: &Cx<'_>,
    source: &Source,
    holder: &Holder<'_>,
    start: i64,
) -> ApiResult<Value> {
    let customer = customer_of(holder.object);
    let (coupon, promo) = resolve(cx, source, holder, customer, start).await?;
    let promo = promo.map_or(Value::Null, |p| p["id"].clone());
    let (id, seq) = cx.new_id("di_").await?;
    let discount = discount_value(&id, coupon, (customer, promo), Value::Null, start);
    cx.insert(seq, &discount)?;
    Ok(discount)
}

/// Redeems `source` onto draft `invoice`, which then shows it (`discount`, `discounts`) and
/// takes it off its lines when totalled; announced by `customer.discount.created`.
pub(crate) async fn redeem_onto_invoice(
    cx: &Cx<'_>,
    source: &Source,
    invoice: &mut Value,
    start: i64,
) -> ApiResult<()> {
    let view = Holder {
        object: invoice,
        first: None,
    };
    let mut discount = redeem(cx, source, &view, start).await?;
    discount["invoice"] = invoice["id"].clone();
    cx.save(&discount)?;
    set(invoice, discount);
    Ok(())
}

/// A discount object `id` of `coupon` for `customer` (through promotion code `promo`, or
/// `null`) on `subscription` (or `null`) from `start`.
fn discount_value(
    id: &str,
    coupon: Value,
    (customer, promo): (&str, Value),
    subscription: Value,
    start: i64,
) -> Value {
    let end = match coupon["duration"].as_str() {
        Some("repeating") => json!(add_intervals(
            start,
            "month",
            coupon["duration_in_months"].as_i64().unwrap_or(1),
            1
        )),
        _ => Value::Null,
    };
    json!({
        "id": id,
        "object": "discount",
        "checkout_session": null,
        "coupon": coupon,
        "customer": customer,
        "end": end,
        "invoice": null,
        "invoice_item": null,
        "promotion_code": promo,
        "source": {"coupon": coupon["id"], "type": "coupon"},
        "start": start,
        "subscription": subscription,
        "subscription_item": null,
    })
}

/// Redeems `source` onto `holder`: the stored discount, announced by
/// `customer.discount.created`.
async fn redeem(cx: &Cx<'_>, source: &Source, holder: &Holder<'_>, start: i64) -> ApiResult<Value> {
    let object = holder.object;
    let customer = customer_of(object);
    let subscription = if object["object"] == "subscription" {
        object["id"].clone()
    } else {
        Value::Null
    };
    let resolved = resolve(cx, source, holder, customer, start).await?;
    let (coupon, promo) = count_redemption(cx, resolved, start)?;
    let (id, seq) = cx.new_id("di_").await?;
    let discount = discount_value(&id, coupon, (customer, json!(promo)), subscription, start);
    cx.insert(seq, &discount)?;
    cx.emit("customer.discount.created", &discount, None)
        .await?;
    Ok(discount)
}

/// Puts `discount` on `holder` (`discount`, and `discounts` where the object has it).
fn set(holder: &mut Value, discount: Value) {
    if let Some(map) = holder.as_object_mut() {
        if map.contains_key("discounts") {
            let ids = match &discount {
                Value::Null => json!([]),
                d => json!([d["id"]]),
            };
            map.insert("discounts".into(), ids);
        }
        map.insert("discount".into(), discount);
    }
}

/// Takes the discount off `holder` (announced by `customer.discount.deleted`): the discount
/// removed, or `None` when it had none.
pub(crate) async fn end(cx: &Cx<'_>, holder: &mut Value) -> ApiResult<Option<Value>> {
    let discount = holder["discount"].take();
    if !discount.is_object() {
        holder["discount"] = Value::Null;
        return Ok(None);
    }
    set(holder, Value::Null);
    let id = discount["id"].as_str().unwrap_or_default();
    cx.delete(id).await?;
    cx.emit("customer.discount.deleted", &discount, None)
        .await?;
    Ok(Some(discount))
}

/// The discount an invoice starting at `at` gets: its subscription's, else its customer's,
/// while it lasts; `null` when none.
pub(crate) fn for_invoice(subscription: Option<&Value>, customer: &Value, at: i64) -> Value {
    let lasting = |d: &Value| d.is_object() && d["end"].as_i64().is_none_or(|end| end > at);
    subscription
        .filter(|s| s[SPENT].is_null() || s[SPENT] != s["discount"]["id"])
        .map(|s| &s["discount"])
        .filter(|d| lasting(d))
        .or_else(|| Some(&customer["discount"]).filter(|d| lasting(d)))
        .cloned()
        .unwrap_or(Value::Null)
}

/// What the invoice's discount takes off its lines (their `discount_amounts`, the invoice's
/// `total_discount_amounts`): a percentage of each discountable line, rounded to the nearest
/// unit, or an amount shared among them in proportion and capped at their sum. The total
/// taken off.
pub(crate) fn take_off(invoice: &mut Value) -> i64 {
    let discount = &invoice["discount"];
    if !discount.is_object() {
        return 0;
    }
    let id = discount["id"].clone();
    let coupon = discount["coupon"].clone();
    let same_currency = coupon["currency"].is_null() || coupon["currency"] == invoice["currency"];
    let Some(lines) = invoice["lines"]["data"].as_array_mut() else {
        return 0;
    };
    let amounts: Vec<i64> = lines
        .iter()
        .map(|l| match l["discountable"].as_bool() {
            Some(false) => 0,
            _ => l["amount"].as_i64().unwrap_or(0).max(0),
        })
        .collect();
    let base: i64 = amounts.iter().sum();
    let offs = shares(&coupon, &amounts, base, same_currency);
    for (line, off) in lines.iter_mut().zip(&offs) {
        line["discount_amounts"] = json!([{"amount": off, "discount": id}]);
    }
    let total: i64 = offs.iter().sum();
    invoice["total_discount_amounts"] = json!([{"amount": total, "discount": id}]);
    total
}

/// Each line's share of `coupon` on lines of `amounts` (summing to `base`).
pub(crate) fn shares(coupon: &Value, amounts: &[i64], base: i64, same_currency: bool) -> Vec<i64> {
    if let Some(percent) = coupon["percent_off"].as_f64() {
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            reason = "cents"
        )]
        return amounts
            .iter()
            .map(|a| ((*a as f64) * percent / 100.0).round() as i64)
            .collect();
    }
    let off = if same_currency {
        coupon["amount_off"].as_i64().unwrap_or(0).min(base)
    } else {
        0
    };
    if base == 0 {
        return vec![0; amounts.len()];
    }
    let mut out: Vec<i64> = amounts.iter().map(|a| off * a / base).collect();
    let rest = off - out.iter().sum::<i64>();
    if let Some(largest) = (0..amounts.len()).max_by_key(|&i| amounts[i]) {
        out[largest] += rest;
    }
    out
}

/// A subscription's hidden note of the `once` discount it has used (the discount stays on it
/// until the next invoice, as on Stripe, but discounts nothing more).
const SPENT: &str = "_discount_spent";

/// After `invoice` (of `subscription`, if any) was made: a `once` discount that discounted
/// something is spent (a customer's is taken off at once, a subscription's at its next
/// invoice), and a subscription's discount past its `end` is over. A customer is saved here;
/// the subscription is the caller's to save.
pub(crate) async fn after_invoice(
    cx: &Cx<'_>,
    invoice: &Value,
    subscription: Option<&mut Value>,
    at: i64,
) -> ApiResult<()> {
    let applied = &invoice["discount"];
    let spent = applied["coupon"]["duration"] == "once" && invoice["subtotal"].as_i64() > Some(0);
    if let Some(sub) = subscription {
        let current = sub["discount"]["id"].clone();
        let over = sub["discount"]["end"].as_i64().is_some_and(|end| end <= at)
            || (!current.is_null() && sub[SPENT] == current);
        if over {
            end(cx, sub).await?;
        }
        if let Some(map) = sub.as_object_mut() {
            map.shift_remove(SPENT);
            if spent && applied["id"] == current && !over {
                map.insert(SPENT.into(), current);
            }
        }
    }
    if spent && applied["subscription"].is_null() {
        let id = invoice["customer"].as_str().unwrap_or_default();
        let mut customer = crate::kinds::CUSTOMER.lock(cx, id).await?;
        if customer["discount"]["id"] == applied["id"] {
            end(cx, &mut customer).await?;
            cx.save(&customer)?;
        }
    }
    Ok(())
}

/// `DELETE /v1/customers/{id}/discount` and `/v1/subscriptions/{id}/discount`: ends the
/// holder's discount and saves the holder with an `event`; the removed discount with
/// `deleted: true` (without `end`, as Stripe's `deleted_discount`), or Stripe's 404 when there
/// is none.
pub(crate) async fn delete_from(cx: &Cx<'_>, mut holder: Value, event: &str) -> ApiResult {
    let before = holder.clone();
    let kind = holder["object"].as_str().unwrap_or_default().to_owned();
    let id = holder["id"].as_str().unwrap_or_default().to_owned();
    let Some(discount) = end(cx, &mut holder).await? else {
        return Err(ApiError::not_found(format!(
            "No active discount for {kind}: {id}"
        )));
    };
    cx.save_changed(event, &before, &holder).await?;
    let mut shown: Map<String, Value> = discount.as_object().cloned().unwrap_or_default();
    // Stripe's `deleted_discount` has no `end`.
    shown.shift_remove("end");
    shown.insert("deleted".into(), json!(true));
    Ok(Value::Object(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_per_line_and_amounts_are_capped_and_shared() {
        let pct = json!({"percent_off": 33.3});
        assert_eq!(shares(&pct, &[1000, 1005], 2005, true), [333, 335]);
        let off = json!({"amount_off": 5000});
        assert_eq!(
            shares(&off, &[1000, 3000], 4000, true),
            [1000, 3000],
            "capped"
        );
        let off = json!({"amount_off": 100});
        assert_eq!(shares(&off, &[1000, 2000], 3000, true), [33, 67]);
        assert_eq!(shares(&off, &[1000], 1000, false), [0], "another currency");
    }

    #[test]
    fn a_coupon_is_valid_until_used_up_or_past_redeem_by() {
        assert!(coupon_valid(&json!({"times_redeemed": 0}), 10));
        assert!(!coupon_valid(
            &json!({"times_redeemed": 2, "max_redemptions": 2}),
            10
        ));
        assert!(!coupon_valid(
            &json!({"times_redeemed": 0, "redeem_by": 10}),
            10
        ));
    }

    #[test]
    fn requests_name_one_discount_or_none() {
        let p = |pairs: &[(&str, &str)]| {
            crate::params::decode(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).into(), (*v).into()))
                    .collect(),
            )
            .unwrap()
        };
        assert_eq!(requested(&p(&[])).unwrap(), None);
        assert_eq!(requested(&p(&[("coupon", "")])).unwrap(), Some(None));
        assert_eq!(
            requested(&p(&[("discounts[0][promotion_code]", "promo_1")])).unwrap(),
            Some(Some(Source::PromotionCode(
                "promo_1".into(),
                "discounts[0][promotion_code]".into()
            )))
        );
        assert!(requested(&p(&[("coupon", "A"), ("promotion_code", "B")])).is_err());
    }
}
