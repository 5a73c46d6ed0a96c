//! Invoice items (`/v1/invoiceitems`): created, changed and deleted while pending or on a
//! draft invoice, whose lines and totals follow.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::{line_amount, timestamp_at};
use crate::cx::{Cx, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::invoices::{for_customer, push_item_line};
use crate::kinds::{INVOICE, INVOICE_ITEM, PRICE};
use crate::model::intent::currency;
use crate::model::invoice::{item_line, total};
use crate::model::invoice_item::{Billed, describe, invoice_item, tiered_unit};
use crate::model::subscription::quantity_at;
use crate::model::{tax, tiers};
use crate::params::{Nested, Params, Takes, apply_metadata, string_at};
use asym_kit::Kit;

/// Invoice items: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/invoiceitems" => post(create_invoice_item), get(list_invoice_items);
        "/v1/invoiceitems/{id}" => get(INVOICE_ITEM.retrieve, 1), post(update_invoice_item, 1),
            delete(delete_invoice_item, 1);
    }
}

/// What an invoice item's create and update both serve.
#[rustfmt::skip]
const ITEM_SERVED: &[&str] = &[
    "amount", "description", "discountable", "metadata", "period", "price", "pricing", "quantity",
    "tax_rates", "unit_amount",
];

/// What Stripe takes on an invoice item's create and update that this clone does not serve:
/// inline prices, decimal amounts and quantities, discounts, Stripe Tax.
#[rustfmt::skip]
const ITEM_UNSERVED: &[&str] = &[
    "discounts", "price_data", "quantity_decimal", "tax_behavior", "tax_code",
    "unit_amount_decimal",
];

/// The hashes an invoice item's create and update check inside.
const ITEM_NESTED: Nested = &[("pricing", &PRICING), ("period", &PERIOD)];

/// An invoice item's `pricing`: its price.
const PRICING: Takes = Takes::serving("invoice items", &[&["price"]]);

/// An invoice item's `period`.
const PERIOD: Takes = Takes::serving("invoice items", &[&["start", "end"]]);

/// What `POST /v1/invoiceitems` takes.
const ITEM_CREATE: Takes = Takes {
    route: "invoice item creation",
    serves: &[ITEM_SERVED, &["customer", "currency", "invoice"]],
    refuses: &[ITEM_UNSERVED, &["customer_account", "subscription"]],
    nested: ITEM_NESTED,
};

/// What `POST /v1/invoiceitems/{id}` takes.
const ITEM_UPDATE: Takes = Takes {
    route: "invoice item updates",
    serves: &[ITEM_SERVED],
    refuses: &[ITEM_UNSERVED, &["invoicing_rules"]],
    nested: ITEM_NESTED,
};

/// `POST /v1/invoiceitems` (`customer`, `amount` + `currency` or `price`, `quantity`, `invoice`).
pub(crate) async fn create_invoice_item(cx: &mut Cx<'_>) -> ApiResult {
    let (params, _, customer, now) = for_customer(cx, &ITEM_CREATE).await?;
    let quantity = quantity_at(params.get("quantity"), "quantity")?.unwrap_or(1);
    let (price, unit, currency) = match named_price(&params)? {
        Some((price_id, param)) => {
            let price = PRICE.named(cx, price_id, param).await?;
            let unit = price["unit_amount"].as_i64().unwrap_or(0);
            let currency = price["currency"].as_str().unwrap_or("usd").to_owned();
            (price, unit, currency)
        }
        None => {
            let currency = currency(&params)?;
            let unit = match given_unit(&params, quantity)? {
                Some(unit) => unit,
                None => return Err(ApiError::missing("amount")),
            };
            (Value::Null, unit, currency)
        }
    };
    let rates = tax::rates(cx, params.get("tax_rates"), "tax_rates").await?;
    tax::check_behavior(&price, rates.as_deref().unwrap_or_default())?;
    let (id, seq) = cx.new_id("ii_").await?;
    let amount = match &price {
        Value::Null => line_amount(unit, quantity, "quantity")?,
        price => tiers::line_total(price, quantity, "quantity")?,
    };
    let billed = Billed {
        customer: &customer,
        price,
        currency: json!(currency),
        unit,
        quantity,
        amount,
        tax_rates: rates.unwrap_or_default(),
        subscription: Value::Null,
    };
    let mut item = invoice_item(billed, now);
    item["id"] = json!(id);
    apply_terms(&mut item, &params)?;
    describe(cx, &mut item).await?;
    if let Some(invoice_id) = params.str("invoice")?.filter(|s| !s.is_empty()) {
        let mut invoice = INVOICE.lock_named(cx, invoice_id, "invoice").await?;
        if invoice["status"] != "draft" {
            return Err(not_editable());
        }
        item["invoice"] = json!(invoice_id);
        push_item_line(&mut invoice, &item);
        total(&mut invoice);
        cx.save(&invoice)?;
    }
    cx.insert(seq, &item)?;
    cx.emit("invoiceitem.created", &item, None).await?;
    Ok(item)
}

/// The price an invoice item's create or update names, with the parameter naming it:
/// `pricing[price]`, as Stripe spells it from 2025-03-31.basil, or the older `price`.
fn named_price(params: &Params) -> ApiResult<Option<(&str, &'static str)>> {
    if let Some(pricing) = params.hash("pricing")? {
        let price = string_at(pricing.get("price"), "pricing[price]")?;
        return Ok(price
            .filter(|s| !s.is_empty())
            .map(|p| (p, "pricing[price]")));
    }
    Ok(params
        .str("price")?
        .filter(|s| !s.is_empty())
        .map(|p| (p, "price")))
}

/// Applies what a create or update says of an invoice item besides its amount and tax rates:
/// `description`, `discountable`, `period[start|end]` and `metadata`.
fn apply_terms(item: &mut Value, params: &Params) -> ApiResult<()> {
    params.copy_nullable(item, &["description"])?;
    if let Some(discountable) = params.bool("discountable")? {
        item["discountable"] = json!(discountable);
    }
    if let Some(period) = params.hash("period")? {
        for key in ["start", "end"] {
            if let Some(at) = timestamp_at(period.get(key), &format!("period[{key}]"))? {
                item["period"][key] = json!(at);
            }
        }
    }
    apply_metadata(item, params)
}

/// The unit amount a create or update gives: `amount` (the line's, shared among `quantity`) or
/// `unit_amount`, each within Stripe's eight digits (a credit negative); `None` for neither.
fn given_unit(params: &Params, quantity: i64) -> ApiResult<Option<i64>> {
    Ok(
        match (
            params.amount("amount", -MAX_AMOUNT)?,
            params.amount("unit_amount", -MAX_AMOUNT)?,
        ) {
            (Some(amount), _) => Some(amount / quantity.max(1)),
            (None, unit) => unit,
        },
    )
}

/// Stripe's refusal to change what a finalized invoice bills.
fn not_editable() -> ApiError {
    ApiError::state(
        "invoice_not_editable",
        "Invalid invoice: This invoice is no longer editable",
    )
    .param("invoice")
}

/// Invoice item `id`, locked, with the draft invoice it is on (locked too; `None` while it is
/// pending); refused once that invoice is finalized.
async fn editable_item(cx: &Cx<'_>, id: &str) -> ApiResult<(Value, Option<Value>)> {
    let item = INVOICE_ITEM.lock(cx, id).await?;
    let Some(invoice_id) = item["invoice"].as_str() else {
        return Ok((item, None));
    };
    let invoice = INVOICE.lock(cx, invoice_id).await?;
    if invoice["status"] != "draft" {
        return Err(not_editable());
    }
    Ok((item, Some(invoice)))
}

/// Puts `item`'s line on its draft `invoice` in place of the old one (or takes it off when
/// `item` is `None`), and saves the invoice with its new totals.
fn relined(cx: &Cx<'_>, mut invoice: Value, id: &str, item: Option<&Value>) -> ApiResult<()> {
    let line = item.map(|i| item_line(&invoice, i));
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        let at = lines.iter().position(|l| l["invoice_item"] == id);
        match (at, line) {
            (Some(at), Some(line)) => lines[at] = line,
            (Some(at), None) => {
                lines.remove(at);
            }
            (None, Some(line)) => lines.push(line),
            (None, None) => {}
        }
    }
    total(&mut invoice);
    cx.save(&invoice)
}

/// `POST /v1/invoiceitems/{id}`: its amount (`amount`, or `price` / `unit_amount` times
/// `quantity`), description, period, tax rates, metadata; the draft invoice it is on follows.
pub(crate) async fn update_invoice_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&ITEM_UPDATE)?;
    let params = cx.params.clone();
    let (mut item, invoice) = editable_item(cx, id).await?;
    let before = item.clone();
    let quantity = quantity_at(params.get("quantity"), "quantity")?
        .or_else(|| item["quantity"].as_i64())
        .unwrap_or(1);
    if let Some((price_id, param)) = named_price(&params)? {
        let price = PRICE.named(cx, price_id, param).await?;
        item["unit_amount"] = price["unit_amount"].clone();
        item["price"] = price;
    }
    let unit = match given_unit(&params, quantity)? {
        Some(unit) => unit,
        None => item["unit_amount"].as_i64().unwrap_or(0),
    };
    item["quantity"] = json!(quantity);
    item["unit_amount"] = json!(unit);
    item["unit_amount_decimal"] = json!(unit.to_string());
    item["amount"] = json!(line_amount(unit, quantity, "quantity")?);
    if given_unit(&params, quantity)?.is_none() && tiers::tiers_of(&item["price"]).is_some() {
        let amount = tiers::line_total(&item["price"], quantity, "quantity")?;
        tiered_unit(&mut item, amount, quantity);
        item["amount"] = json!(amount);
    }
    apply_terms(&mut item, &params)?;
    if let Some(rates) = tax::rates(cx, params.get("tax_rates"), "tax_rates").await? {
        item["tax_rates"] = json!(rates);
    }
    let rates = item["tax_rates"].as_array().cloned().unwrap_or_default();
    tax::check_behavior(&item["price"], &rates)?;
    if let Some(invoice) = invoice {
        relined(cx, invoice, id, Some(&item))?;
    }
    cx.save_if_changed("invoiceitem.updated", &before, item)
        .await
}

/// `DELETE /v1/invoiceitems/{id}`: while pending or on a draft (whose line goes with it).
pub(crate) async fn delete_invoice_item(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let (item, invoice) = editable_item(cx, id).await?;
    if let Some(invoice) = invoice {
        relined(cx, invoice, id, None)?;
    }
    cx.delete(id).await?;
    cx.emit("invoiceitem.deleted", &item, None).await?;
    Ok(json!({"id": id, "object": "invoiceitem", "deleted": true}))
}

/// `GET /v1/invoiceitems` (`customer`, `invoice`, `pending`).
pub(crate) async fn list_invoice_items(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer", "invoice", "pending"])?;
    let mut filters = Vec::new();
    if let Some(customer) = cx.params.str("customer")?.filter(|s| !s.is_empty()) {
        filters.push(("customer = {}", customer.to_owned()));
    }
    if let Some(invoice) = cx.params.str("invoice")?.filter(|s| !s.is_empty()) {
        filters.push(("data->>'invoice' = {}", invoice.to_owned()));
    }
    if cx.params.bool("pending")? == Some(true) {
        filters.push(("data->>'invoice' IS NULL AND {} = ''", String::new()));
    }
    cx.created_filters(&mut filters)?;
    INVOICE_ITEM.list(cx, &filters).await
}
