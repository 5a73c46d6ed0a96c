//! A subscription's `add_invoice_items` (create and update): one-time prices billed on its
//! next invoice, stored as pending invoice items of the subscription, which that invoice
//! takes as it takes any ([`crate::model::invoice::pending_items`]).

use serde_json::{Map, Value};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{PRICE, PRODUCT};
use crate::model::invoice_item::{Billed, invoice_item};
use crate::model::subscription::quantity_at;
use crate::model::{price, proration, tax};
use crate::params::{Params, Takes, string_at};

/// What one of `add_invoice_items` takes.
pub(crate) const ADDITION: Takes = Takes {
    route: "a subscription's added invoice items",
    serves: &[&["price", "price_data", "quantity", "tax_rates", "metadata"]],
    refuses: &[&["discounts", "period"]],
    nested: &[("price_data", &ONE_TIME_PRICE_DATA)],
};

/// An added item's `price_data`: a one-time price of an existing product.
const ONE_TIME_PRICE_DATA: Takes = Takes::serving(
    "prices",
    &[&[
        "currency",
        "product",
        "tax_behavior",
        "unit_amount",
        "unit_amount_decimal",
    ]],
);

/// Most items one request may add, as Stripe allows.
const MOST: usize = 20;

/// Stores the request's `add_invoice_items` as pending invoice items of `sub` (`customer`'s)
/// at `now`: each a one-time price (by id or `price_data`) in the subscription's currency,
/// times its `quantity`, with its `tax_rates` and `metadata`.
pub(crate) async fn add_invoice_items(
    cx: &mut Cx<'_>,
    params: &Params,
    sub: &Value,
    customer: &Value,
    now: i64,
) -> ApiResult<()> {
    let Some(specs) = params.array("add_invoice_items")?.cloned() else {
        return Ok(());
    };
    if specs.len() > MOST {
        return Err(ApiError::invalid_param(
            "add_invoice_items",
            format!("You may only add up to {MOST} invoice items at a time."),
        ));
    }
    let mut items = Vec::new();
    for (n, spec) in specs.iter().enumerate() {
        let at = format!("add_invoice_items[{n}]");
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_param(&at, format!("Invalid hash: {at}")))?;
        items.push(pending_item(cx, spec, &at, sub, (customer, now)).await?);
    }
    proration::store(cx, items).await
}

/// Refuses `price` (named `param`) as an added item billed in `currency`: a recurring price,
/// or one in another currency.
pub(crate) fn check_one_time(price: &Value, currency: &Value, param: &str) -> ApiResult<()> {
    if price["type"] != "one_time" {
        return Err(ApiError::invalid_param(
            param,
            "The price specified is set to `type=recurring` but this field only accepts prices \
             with `type=one_time`.",
        ));
    }
    if price["currency"] != *currency {
        return Err(ApiError::invalid_param(
            param,
            "The price's currency must match the subscription's currency.",
        ));
    }
    Ok(())
}

/// One added item, `at`, as the pending invoice item it makes.
async fn pending_item(
    cx: &mut Cx<'_>,
    spec: &Map<String, Value>,
    at: &str,
    sub: &Value,
    (customer, now): (&Value, i64),
) -> ApiResult<Value> {
    let price = match (spec.get("price"), spec.get("price_data")) {
        (Some(id), _) => {
            let id = string_at(Some(id), &format!("{at}[price]"))?.unwrap_or_default();
            PRICE.named(cx, id, &format!("{at}[price]")).await?
        }
        (None, Some(Value::Object(data))) => {
            let param = format!("{at}[price_data]");
            let product = string_at(data.get("product"), &format!("{param}[product]"))?
                .ok_or_else(|| ApiError::missing(&format!("{param}[product]")))?
                .to_owned();
            PRODUCT
                .named(cx, &product, &format!("{param}[product]"))
                .await?;
            price::new_price(cx, data, &product, &param).await?
        }
        _ => return Err(ApiError::missing(&format!("{at}[price]"))),
    };
    check_one_time(&price, &sub["currency"], &format!("{at}[price]"))?;
    let quantity = quantity_at(spec.get("quantity"), &format!("{at}[quantity]"))?.unwrap_or(1);
    let unit = price["unit_amount"].as_i64().unwrap_or(0);
    let amount = crate::model::tiers::line_total(&price, quantity, &format!("{at}[quantity]"))?;
    let rates = tax::rates(cx, spec.get("tax_rates"), &format!("{at}[tax_rates]")).await?;
    tax::check_behavior(&price, rates.as_deref().unwrap_or_default())?;
    let billed = Billed {
        customer,
        currency: price["currency"].clone(),
        price,
        unit,
        quantity,
        amount,
        tax_rates: rates.unwrap_or_default(),
        subscription: sub["id"].clone(),
    };
    let mut item = invoice_item(billed, now);
    if let Some(meta) = spec.get("metadata") {
        crate::params::merge_metadata(&mut item, meta)?;
    }
    crate::model::invoice_item::describe(cx, &mut item).await?;
    Ok(item)
}
