//! What a subscription schedule's phase adds to its subscription besides items: its
//! `add_invoice_items` (one-time prices billed on the phase's first invoice) and its
//! `discounts` (or the older `coupon`), checked when the phase is made and applied when the
//! subscription enters it.

use serde_json::{Map, Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{COUPON, PRICE, PROMOTION_CODE};
use crate::model::additions::{add_invoice_items, check_one_time};
use crate::model::discount::{self, Source};
use crate::model::subscribe::recurring_amount;
use crate::model::subscription::quantity_at;
use crate::model::tax;
use crate::params::{Params, hash_at, string_at};

/// Most items a phase may add, as Stripe allows.
const MOST: usize = 20;

/// A phase's `add_invoice_items` (`phases[index]`, billed in `currency`), as the phase shows
/// them: each an existing one-time price, its quantity, tax rates and metadata.
pub(crate) async fn additions(
    cx: &Cx<'_>,
    spec: &Map<String, Value>,
    index: usize,
    currency: &str,
) -> ApiResult<Value> {
    let name = format!("phases[{index}][add_invoice_items]");
    let list = match spec.get("add_invoice_items") {
        None => return Ok(json!([])),
        Some(Value::String(s)) if s.is_empty() => return Ok(json!([])),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ApiError::invalid_param(&name, "Invalid array")),
    };
    if list.len() > MOST {
        return Err(ApiError::invalid_param(
            &name,
            format!("You may only add up to {MOST} invoice items at a time."),
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (n, item) in list.iter().enumerate() {
        let at = format!("{name}[{n}]");
        let item = hash_at(Some(item), &at)?.cloned().unwrap_or_default();
        let price_param = format!("{at}[price]");
        let id = string_at(item.get("price"), &price_param)?
            .ok_or_else(|| ApiError::missing(&price_param))?;
        let price = PRICE.named(cx, id, &price_param).await?;
        check_one_time(&price, &json!(currency), &price_param)?;
        let quantity = quantity_at(item.get("quantity"), &format!("{at}[quantity]"))?.unwrap_or(1);
        crate::model::tiers::line_total(&price, quantity, &format!("{at}[quantity]"))?;
        let rates = tax::rates(cx, item.get("tax_rates"), &format!("{at}[tax_rates]")).await?;
        tax::check_behavior(&price, rates.as_deref().unwrap_or_default())?;
        out.push(json!({
            "discounts": [],
            "metadata": item.get("metadata").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
            "price": id,
            "quantity": quantity,
            "tax_rates": rates.unwrap_or_default(),
        }));
    }
    Ok(Value::Array(out))
}

/// A phase's `add_invoice_items` as a subscription's `add_invoice_items[n]` take them.
pub(crate) fn addition_specs(phase: &Value) -> Option<Value> {
    let items = phase["add_invoice_items"].as_array()?;
    if items.is_empty() {
        return None;
    }
    let specs = items
        .iter()
        .map(|i| {
            let rates: Vec<Value> = i["tax_rates"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|r| r["id"].clone())
                .collect();
            let mut spec = json!({
                "price": i["price"],
                "quantity": i["quantity"].as_i64().unwrap_or(1).to_string(),
                "metadata": i["metadata"],
            });
            if !rates.is_empty() {
                spec["tax_rates"] = json!(rates);
            }
            spec
        })
        .collect();
    Some(Value::Array(specs))
}

/// A phase's `discounts` (or `coupon`), `phases[index]`, as the phase shows them: the coupon,
/// promotion code or existing discount named, checked to exist; redeemed when the
/// subscription enters the phase.
pub(crate) async fn discounts(
    cx: &Cx<'_>,
    spec: &Map<String, Value>,
    index: usize,
) -> ApiResult<Value> {
    let outer = format!("phases[{index}]");
    let prefixed = |err: ApiError| err.nested_in(&outer);
    let entry = |coupon: Option<&str>, promo: Option<&str>, existing: Option<&str>| json!([{"coupon": coupon, "discount": existing, "promotion_code": promo}]);
    match discount::requested(&Params(spec.clone())).map_err(prefixed)? {
        None | Some(None) => Ok(json!([])),
        Some(Some(Source::Coupon(id, param))) => {
            COUPON.named(cx, &id, &param).await.map_err(prefixed)?;
            Ok(entry(Some(&id), None, None))
        }
        Some(Some(Source::PromotionCode(id, param))) => {
            PROMOTION_CODE
                .named(cx, &id, &param)
                .await
                .map_err(prefixed)?;
            Ok(entry(None, Some(&id), None))
        }
        Some(Some(Source::Existing(id))) => Ok(entry(None, None, Some(&id))),
    }
}

/// A phase's `discounts` as a subscription's `discounts` take them (`None` without any).
pub(crate) fn discount_specs(phase: &Value) -> Option<Value> {
    let entries = phase["discounts"].as_array().filter(|d| !d.is_empty())?;
    let specs = entries
        .iter()
        .map(|e| {
            let kept: Map<String, Value> = e
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(_, v)| v.is_string())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            Value::Object(kept)
        })
        .collect();
    Some(Value::Array(specs))
}

/// Applies what `phase` adds to `sub` (`customer`'s) as the subscription enters it at `at`
/// from `previous`: its added items become pending invoice items of the subscription (billed
/// on its next invoice), its discounts are redeemed onto it, and the discounts of a previous
/// phase end when this one has none.
pub(crate) async fn enter(
    cx: &mut Cx<'_>,
    (sub, customer): (&mut Value, &Value),
    (phase, previous): (&Value, Option<&Value>),
    at: i64,
) -> ApiResult<()> {
    if let Some(specs) = addition_specs(phase) {
        let params = Params(Map::from_iter([("add_invoice_items".to_owned(), specs)]));
        add_invoice_items(cx, &params, sub, customer, at).await?;
    }
    match discount_specs(phase) {
        Some(specs) => {
            let params = Params(Map::from_iter([("discounts".to_owned(), specs)]));
            let currency = sub["currency"].as_str().unwrap_or("usd").to_owned();
            let first = (recurring_amount(sub), currency.as_str());
            discount::change(cx, &params, sub, Some(first), at).await?;
        }
        None if previous.is_some_and(|p| discount_specs(p).is_some()) => {
            discount::end(cx, sub).await?;
        }
        None => {}
    }
    Ok(())
}
