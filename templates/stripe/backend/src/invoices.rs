//! Invoices and invoice items.

use axum::Router;
use serde_json::{Value, json};

use crate::clock::add_intervals;
use crate::cx::{Cx, allow_paging, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, INVOICE, INVOICE_ITEM, PRICE, SUBSCRIPTION};
use crate::model::intent::currency;
use crate::model::invoice::{
    activate_subscription, finalize, item_line, mark_paid, new_invoice, pay, preview, total,
};
use crate::model::proration::{self, Behavior};
use crate::model::subscription::{
    customer_now, default_method, interval_of_items, plan_of, subscription_active,
};
use crate::model::{customer_balance, discount, tax};
use crate::params::{Params, apply_metadata, bool_at, int_at, string_at};
use asym_kit::Kit;

/// Invoices and invoice items: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/invoices" => post(create_invoice), get(list_invoices);
        "/v1/invoices/search" =>
            get(INVOICE.search), post(update_invoice, 1), delete(delete_invoice, 1);
        "/v1/invoices/upcoming" =>
            get(upcoming), post(update_invoice, 1), delete(delete_invoice, 1);
        "/v1/invoices/upcoming/lines" => get(upcoming_lines);
        "/v1/invoices/create_preview" =>
            post(create_preview), get(INVOICE.retrieve, 1), delete(delete_invoice, 1);
        "/v1/invoices/{id}" =>
            get(INVOICE.retrieve, 1), post(update_invoice, 1), delete(delete_invoice, 1);
        "/v1/invoices/{id}/lines" => get(invoice_lines, 1);
        "/v1/invoices/{id}/finalize" => post(finalize_invoice_route, 1);
        "/v1/invoices/{id}/pay" => post(pay_invoice_route, 1);
        "/v1/invoices/{id}/void" => post(void_invoice, 1);
        "/v1/invoices/{id}/mark_uncollectible" => post(mark_uncollectible, 1);
        "/v1/invoiceitems" => post(create_invoice_item), get(list_invoice_items);
        "/v1/invoiceitems/{id}" => get(INVOICE_ITEM.retrieve, 1), post(update_invoice_item, 1),
            delete(delete_invoice_item, 1);
    }
}

#[rustfmt::skip]
const INVOICE_FIELDS: &[&str] = &[
    "customer", "auto_advance", "collection_method", "days_until_due", "description",
    "metadata", "subscription", "pending_invoice_items_behavior", "default_payment_method",
    "footer", "currency", "due_date", "automatic_tax", "custom_fields", "statement_descriptor",
    "default_tax_rates",
];

/// What a create request for a customer's object starts from: its parameters (checked against
/// `fields`), the `customer` id, that customer, and the time on the customer's clock.
async fn for_customer(cx: &mut Cx<'_>, fields: &[&str]) -> ApiResult<(Params, String, Value, i64)> {
    cx.params.allow(fields)?;
    let params = cx.params.clone();
    let customer_id = params.required("customer")?.to_owned();
    let customer = CUSTOMER.named(cx, &customer_id, "customer").await?;
    let now = customer_now(cx, &customer).await?;
    Ok((params, customer_id, customer, now))
}

/// `POST /v1/invoices`: a draft for `customer`, with its pending invoice items when
/// `pending_invoice_items_behavior=include`.
pub(crate) async fn create_invoice(cx: &mut Cx<'_>) -> ApiResult {
    let (params, customer_id, customer, now) = for_customer(cx, INVOICE_FIELDS).await?;
    let currency = params.str("currency")?.unwrap_or("usd").to_lowercase();
    let mut invoice = new_invoice(cx, &customer, now, &currency, "manual", None).await?;
    apply_invoice(cx, &mut invoice, &params).await?;
    if params.str("pending_invoice_items_behavior")? == Some("include") {
        let id = invoice["id"].as_str().unwrap_or_default().to_owned();
        for mut item in cx
            .all(
                "invoiceitem",
                &[
                    ("customer = {}", customer_id.clone()),
                    ("data->>'invoice' IS NULL AND {} = {}", String::new()),
                ],
            )
            .await?
        {
            item["invoice"] = json!(id);
            cx.save(&item)?;
            push_item_line(&mut invoice, &item);
        }
    }
    total(&mut invoice);
    cx.save(&invoice)?;
    cx.emit("invoice.created", &invoice, None).await?;
    discount::after_invoice(cx, &invoice, None, now).await?;
    Ok(invoice)
}

/// An invoice's text fields: set from their parameters, emptied by an empty one.
#[rustfmt::skip]
const INVOICE_TEXT: &[&str] = &[
    "description", "footer", "default_payment_method", "statement_descriptor",
];

/// Applies a create or update request's fields to a draft `invoice`.
async fn apply_invoice(cx: &Cx<'_>, invoice: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(rates) =
        tax::rates(cx, params.get("default_tax_rates"), "default_tax_rates").await?
    {
        invoice["default_tax_rates"] = json!(rates);
    }
    if let Some(v) = params.bool("auto_advance")? {
        invoice["auto_advance"] = json!(v);
    }
    let methods = ["charge_automatically", "send_invoice"];
    if let Some(method) = params.one_of("collection_method", &methods)? {
        invoice["collection_method"] = json!(method);
    }
    if let Some(days) = params.int("days_until_due")? {
        invoice["days_until_due"] = json!(days);
    }
    params.copy_nullable(invoice, INVOICE_TEXT)?;
    apply_metadata(invoice, params)
}

fn push_item_line(invoice: &mut Value, item: &Value) {
    let line = item_line(invoice, item);
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
}

/// What `POST /v1/invoices/create_preview` and `GET /v1/invoices/upcoming` accept.
#[rustfmt::skip]
const PREVIEW_FIELDS: &[&str] = &[
    "customer", "subscription", "subscription_details", "subscription_items", "currency",
    "automatic_tax", "preview_mode", "customer_details", "issuer", "on_behalf_of",
    "subscription_proration_behavior", "subscription_cancel_at_period_end",
    "subscription_default_tax_rates", "subscription_proration_date",
];

/// The subscription changes a preview proposes: item changes, default tax rates, and how
/// the change is prorated and when, each with the parameter that names it (`create_preview`
/// nests them in `subscription_details[…]`, `upcoming` spells them `subscription_…`).
struct Proposal {
    items: Option<Value>,
    items_param: &'static str,
    rates: Option<Value>,
    rates_param: &'static str,
    proration: Option<Value>,
    proration_param: &'static str,
    date: Option<Value>,
    date_param: &'static str,
}

impl Proposal {
    /// What `GET /v1/invoices/upcoming` (and its `/lines`) proposes.
    fn upcoming(params: &Params) -> Self {
        let get = |key| params.get(key).cloned();
        Self {
            items: get("subscription_items"),
            items_param: "subscription_items",
            rates: get("subscription_default_tax_rates"),
            rates_param: "subscription_default_tax_rates",
            proration: get("subscription_proration_behavior"),
            proration_param: "subscription_proration_behavior",
            date: get("subscription_proration_date"),
            date_param: "subscription_proration_date",
        }
    }
}

/// `POST /v1/invoices/create_preview`: the next invoice, with an id of its own.
async fn create_preview(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(PREVIEW_FIELDS)?;
    let details = cx.params.hash("subscription_details")?;
    let get = |key| details.and_then(|d| d.get(key)).cloned();
    let proposal = Proposal {
        items: get("items"),
        items_param: "subscription_details[items]",
        rates: get("default_tax_rates"),
        rates_param: "subscription_details[default_tax_rates]",
        proration: get("proration_behavior"),
        proration_param: "subscription_details[proration_behavior]",
        date: get("proration_date"),
        date_param: "subscription_details[proration_date]",
    };
    let id = format!(
        "upcoming_in_{}",
        crate::ids::base62(&format!("preview:{}", cx.request_id), 24)
    );
    preview_invoice(cx, proposal, Some(&id)).await
}

/// `GET /v1/invoices/upcoming`: the next invoice (its older form, without an id).
async fn upcoming(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(PREVIEW_FIELDS)?;
    let proposal = Proposal::upcoming(&cx.params);
    preview_invoice(cx, proposal, None).await
}

/// `GET /v1/invoices/upcoming/lines`: the next invoice's lines, paged.
async fn upcoming_lines(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, PREVIEW_FIELDS)?;
    let proposal = Proposal::upcoming(&cx.params);
    let invoice = preview_invoice(cx, proposal, None).await?;
    page_lines(cx, &invoice, "/v1/invoices/upcoming/lines")
}

/// The next invoice of the request's `customer` or `subscription`: a subscription's next
/// period (with `proposal`'s item changes: `{id?, price?, quantity?, deleted?}`, and default
/// tax rates) and the prorations of those changes, or, when they change the billing interval
/// or are `always_invoice`, the invoice the change makes at once; a new subscription's first
/// (proposed items without a subscription); and pending invoice items. Nothing is stored; the
/// caller checks the parameters.
async fn preview_invoice(cx: &mut Cx<'_>, proposal: Proposal, id: Option<&str>) -> ApiResult {
    let proposed = proposal.items;
    let params = cx.params.clone();
    let named = params.str("subscription")?.filter(|s| !s.is_empty());
    let sub = match named {
        Some(sub) => Some(SUBSCRIPTION.named(cx, sub, "subscription").await?),
        None => None,
    };
    let customer_id = match (params.str("customer")?.filter(|s| !s.is_empty()), &sub) {
        (Some(customer), _) => customer.to_owned(),
        (None, Some(sub)) => sub["customer"].as_str().unwrap_or_default().to_owned(),
        (None, None) => return Err(ApiError::missing("customer")),
    };
    let customer = CUSTOMER.named(cx, &customer_id, "customer").await?;
    let sub = match sub {
        Some(sub) => Some(sub),
        // Without a subscription named, proposed items change the customer's subscription
        // when they name its items, and make a new one otherwise.
        None if proposed.as_ref().is_none_or(names_items) => cx
            .all("subscription", &[("customer = {}", customer_id.clone())])
            .await?
            .into_iter()
            .find(|s| subscription_active(s["status"].as_str().unwrap_or_default())),
        None => None,
    };
    let mut items = sub
        .as_ref()
        .and_then(|s| s["items"]["data"].as_array().cloned())
        .unwrap_or_default();
    let changing = proposed.is_some();
    if let Some(proposed) = proposed {
        change_items(cx, &mut items, &proposed, proposal.items_param).await?;
    }
    let now = customer_now(cx, &customer).await?;
    let behavior = proration::behavior(proposal.proration.as_ref(), proposal.proration_param)?;
    let mut prorations = Vec::new();
    let mut prorated_at = None;
    let mut billed = items.as_slice();
    let (period, reason) = match &sub {
        Some(sub)
            if sub["cancel_at_period_end"] == true
                || !subscription_active(sub["status"].as_str().unwrap_or_default()) =>
        {
            return Err(none_upcoming(&customer_id));
        }
        Some(sub) => {
            let old = sub["items"]["data"].as_array().cloned().unwrap_or_default();
            let current = proration::period_of(sub, now);
            let at = proration::date(proposal.date.as_ref(), proposal.date_param, current, now)?;
            let restarts = changing
                && sub["status"] != "trialing"
                && interval_of_items(&old) != interval_of_items(&items);
            if changing && behavior != Behavior::None {
                prorated_at = Some(at);
                let new = if restarts { &[][..] } else { &items };
                prorations = proration::items(cx, (sub, &customer), &old, new, (at, now)).await?;
            }
            if restarts {
                (next_period(&items, now), "subscription_update")
            } else if behavior == Behavior::AlwaysInvoice && !prorations.is_empty() {
                billed = &[];
                ((now, now), "subscription_update")
            } else {
                (next_period(&items, current.1), "subscription_cycle")
            }
        }
        None if !items.is_empty() => (next_period(&items, now), "subscription_create"),
        None => ((now, now), "manual"),
    };
    let mut sub = sub.unwrap_or(Value::Null);
    let rates = tax::rates(cx, proposal.rates.as_ref(), proposal.rates_param).await?;
    if let Some(rates) = rates {
        // A new subscription's preview has no subscription object: one holding only its
        // rates bills the same.
        sub["default_tax_rates"] = json!(rates);
    }
    let lines = (billed, prorations.as_slice());
    let mut invoice = preview(cx, (&customer, &sub), lines, (period, reason), id)
        .await?
        .ok_or_else(|| none_upcoming(&customer_id))?;
    if let Some(at) = prorated_at {
        // Stripe sets it only on previews of prorations: the time they are computed at.
        invoice["subscription_proration_date"] = json!(at);
    }
    Ok(invoice)
}

/// Whether proposed item changes name existing items (`[{id, …}]`).
fn names_items(proposed: &Value) -> bool {
    proposed
        .as_array()
        .is_some_and(|changes| changes.iter().any(|c| c.get("id").is_some()))
}

/// The period `items` bill from `start`: one interval of the first item's price.
fn next_period(items: &[Value], start: i64) -> (i64, i64) {
    let recurring = &items
        .first()
        .map_or(Value::Null, |i| i["price"]["recurring"].clone());
    let interval = recurring["interval"].as_str().unwrap_or("month");
    let count = recurring["interval_count"].as_i64().unwrap_or(1);
    (start, add_intervals(start, interval, count, 1))
}

/// Applies proposed item changes to `items`: an `id` names an item to change (or delete with
/// `deleted`), a `price` without one adds an item.
async fn change_items(
    cx: &Cx<'_>,
    items: &mut Vec<Value>,
    proposed: &Value,
    param: &str,
) -> ApiResult<()> {
    let changes = match proposed {
        Value::Array(changes) => changes.clone(),
        _ => {
            return Err(ApiError::invalid_param(
                param,
                format!("Invalid array: {param} must be an array"),
            ));
        }
    };
    for (n, change) in changes.iter().enumerate() {
        let at = format!("{param}[{n}]");
        let price = match string_at(change.get("price"), &format!("{at}[price]"))? {
            Some(price) => Some(PRICE.named(cx, price, &format!("{at}[price]")).await?),
            None => None,
        };
        let quantity = int_at(change.get("quantity"), &format!("{at}[quantity]"))?;
        let deleted = bool_at(change.get("deleted"), &format!("{at}[deleted]"))?.unwrap_or(false);
        let rates = tax::rates(cx, change.get("tax_rates"), &format!("{at}[tax_rates]")).await?;
        match string_at(change.get("id"), &format!("{at}[id]"))? {
            Some(id) => {
                let Some(pos) = items.iter().position(|i| i["id"] == id) else {
                    return Err(ApiError::missing_resource(
                        "subscription_item",
                        id,
                        &format!("{at}[id]"),
                    ));
                };
                if deleted {
                    items.remove(pos);
                    continue;
                }
                if let Some(price) = price {
                    items[pos]["plan"] = plan_of(&price);
                    items[pos]["price"] = price;
                }
                if let Some(quantity) = quantity {
                    items[pos]["quantity"] = json!(quantity);
                }
                if let Some(rates) = rates {
                    items[pos]["tax_rates"] = json!(rates);
                }
            }
            None => {
                let price = price.ok_or_else(|| ApiError::missing(&format!("{at}[price]")))?;
                items.push(
                    json!({"id": null, "object": "subscription_item", "metadata": {},
                                  "plan": plan_of(&price), "price": price,
                                  "quantity": quantity.unwrap_or(1),
                                  "tax_rates": rates.unwrap_or_default()}),
                );
            }
        }
    }
    Ok(())
}

/// 404 `invoice_upcoming_none`.
fn none_upcoming(customer: &str) -> ApiError {
    ApiError::not_found(format!("No upcoming invoices for customer: {customer}"))
        .code("invoice_upcoming_none")
}

/// `POST /v1/invoices/{id}`.
pub(crate) async fn update_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut invoice) = INVOICE.for_update(cx, id, INVOICE_FIELDS).await?;
    let only_metadata = params.0.keys().all(|k| k == "metadata" || k == "expand");
    if invoice["status"] != "draft" && !only_metadata {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only update the metadata of a finalized invoice.",
        ));
    }
    let before = invoice.clone();
    apply_invoice(cx, &mut invoice, &params).await?;
    if invoice["status"] == "draft" {
        total(&mut invoice);
    }
    cx.save_if_changed("invoice.updated", &before, invoice)
        .await
}

/// `DELETE /v1/invoices/{id}`: drafts only.
pub(crate) async fn delete_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let invoice = INVOICE.lock(cx, id).await?;
    if invoice["status"] != "draft" {
        return Err(ApiError::state(
            "invoice_not_editable",
            "You can only delete draft invoices.",
        ));
    }
    cx.delete(id).await?;
    cx.emit("invoice.deleted", &invoice, None).await?;
    Ok(json!({"id": id, "object": "invoice", "deleted": true}))
}

/// `GET /v1/invoices/{id}/lines`.
pub(crate) async fn invoice_lines(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(cx, &[])?;
    let invoice = INVOICE.find(cx, id).await?;
    page_lines(cx, &invoice, &format!("/v1/invoices/{id}/lines"))
}

/// A page of `invoice`'s lines, by the request's `limit` and `starting_after`.
fn page_lines(cx: &Cx<'_>, invoice: &Value, url: &str) -> ApiResult {
    let lines = invoice["lines"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let limit = usize::try_from(cx.limit()?).unwrap_or(10);
    let start = match cx.params.str("starting_after")?.filter(|s| !s.is_empty()) {
        Some(after) => lines
            .iter()
            .position(|l| l["id"] == after)
            .map_or(lines.len(), |p| p + 1),
        None => 0,
    };
    let page: Vec<Value> = lines.iter().skip(start).take(limit).cloned().collect();
    let has_more = start + page.len() < lines.len();
    Ok(crate::cx::list_value(page, has_more, url))
}

/// `POST /v1/invoices/{id}/finalize`.
pub(crate) async fn finalize_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["auto_advance"])?;
    let mut invoice = INVOICE.lock(cx, id).await?;
    let customer = cx.customer_of(&invoice).await?;
    let now = customer_now(cx, &customer).await?;
    finalize(cx, &mut invoice, now).await?;
    if invoice["amount_due"] == 0 {
        let before = invoice.clone();
        mark_paid(cx, &mut invoice, &before, now, false).await?;
    }
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/pay` (`payment_method`, `paid_out_of_band`).
pub(crate) async fn pay_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut invoice) = INVOICE
        .for_update(
            cx,
            id,
            &[
                "payment_method",
                "paid_out_of_band",
                "off_session",
                "forgive",
                "source",
                "mandate",
            ],
        )
        .await?;
    let customer = cx.customer_of(&invoice).await?;
    let now = customer_now(cx, &customer).await?;
    if invoice["status"] == "draft" {
        finalize(cx, &mut invoice, now).await?;
    }
    match invoice["status"].as_str() {
        Some("open") => {}
        Some("paid") => {
            return Err(ApiError::state(
                "invoice_already_paid",
                "Invoice is already paid",
            ));
        }
        Some(status) => {
            return Err(ApiError::state(
                "invoice_not_editable",
                format!("You cannot pay an invoice with status {status}."),
            ));
        }
        None => {}
    }
    let out_of_band = params.bool("paid_out_of_band")?.unwrap_or(false);
    let method = match params.str("payment_method")?.filter(|s| !s.is_empty()) {
        Some(pm) => Some(pm.to_owned()),
        None => match invoice["default_payment_method"].as_str() {
            Some(pm) => Some(pm.to_owned()),
            None => match invoice["subscription"].as_str() {
                Some(sub_id) => match cx.get("subscription", sub_id, false).await? {
                    Some(sub) => default_method(cx, &sub, &customer).await?,
                    None => None,
                },
                None => default_method(cx, &json!({}), &customer).await?,
            },
        },
    };
    let off_session = params.bool("off_session")?.unwrap_or(true);
    let method = method.as_deref();
    if let Some(err) = pay(cx, &mut invoice, method, now, out_of_band, off_session).await? {
        return Err(err);
    }
    activate_subscription(cx, &invoice, None).await?;
    Ok(invoice)
}

/// Closing an open invoice: the statuses it may leave (refused with `refusal` otherwise),
/// the status it takes, the `status_transitions` stamp it gets and the event it emits.
struct Closing {
    from: &'static [&'static str],
    refusal: &'static str,
    status: &'static str,
    stamp: &'static str,
    event: &'static str,
}

const VOID: Closing = Closing {
    from: &["open", "uncollectible"],
    refusal: "You can only void open or uncollectible invoices.",
    status: "void",
    stamp: "voided_at",
    event: "invoice.voided",
};

const UNCOLLECTIBLE: Closing = Closing {
    from: &["open"],
    refusal: "You can only mark open invoices as uncollectible.",
    status: "uncollectible",
    stamp: "marked_uncollectible_at",
    event: "invoice.marked_uncollectible",
};

/// `POST /v1/invoices/{id}/void`: cancels its unpaid payment intent too.
pub(crate) async fn void_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    close(cx, id, &VOID).await
}

/// `POST /v1/invoices/{id}/mark_uncollectible`.
pub(crate) async fn mark_uncollectible(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    close(cx, id, &UNCOLLECTIBLE).await
}

/// Closes invoice `id` as `closing` says; a voided invoice's payment intent, unless it
/// succeeded, is canceled.
async fn close(cx: &Cx<'_>, id: &str, closing: &Closing) -> ApiResult {
    cx.params.allow(&[])?;
    let mut invoice = INVOICE.lock(cx, id).await?;
    if !closing
        .from
        .contains(&invoice["status"].as_str().unwrap_or_default())
    {
        return Err(ApiError::state("invoice_not_editable", closing.refusal));
    }
    let before = invoice.clone();
    invoice["status"] = json!(closing.status);
    invoice["status_transitions"][closing.stamp] = json!(cx.now);
    if closing.status == "void"
        && let Some(pi) = invoice["payment_intent"].as_str()
        && let Some(mut intent) = cx.get("payment_intent", pi, true).await?
        && intent["status"] != "succeeded"
    {
        intent["status"] = json!("canceled");
        intent["canceled_at"] = json!(cx.now);
        cx.save(&intent)?;
    }
    if closing.status == "void" {
        customer_balance::unapply(cx, &invoice).await?;
    }
    cx.save_changed(closing.event, &before, &invoice).await?;
    Ok(invoice)
}

/// `GET /v1/invoices` (`customer`, `subscription`, `status`, `collection_method`).
pub(crate) async fn list_invoices(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("customer", "customer = {}"),
        ("subscription", "data->>'subscription' = {}"),
        ("status", "data->>'status' = {}"),
        ("collection_method", "data->>'collection_method' = {}"),
    ];
    INVOICE.list_by(cx, &keys, &["due_date"]).await
}

/// What `POST /v1/invoiceitems` accepts.
#[rustfmt::skip]
const ITEM_FIELDS: &[&str] = &[
    "customer", "amount", "currency", "price", "price_data", "quantity", "description",
    "invoice", "metadata", "period", "subscription", "unit_amount", "unit_amount_decimal",
    "discountable", "tax_behavior", "tax_rates",
];

/// `POST /v1/invoiceitems` (`customer`, `amount` + `currency` or `price`, `quantity`, `invoice`).
pub(crate) async fn create_invoice_item(cx: &mut Cx<'_>) -> ApiResult {
    let (params, customer_id, customer, now) = for_customer(cx, ITEM_FIELDS).await?;
    let quantity = params.int("quantity")?.unwrap_or(1);
    let (price, unit, currency) = match params.str("price")?.filter(|s| !s.is_empty()) {
        Some(price_id) => {
            let price = PRICE.find(cx, price_id).await?;
            let unit = price["unit_amount"].as_i64().unwrap_or(0);
            let currency = price["currency"].as_str().unwrap_or("usd").to_owned();
            (price, unit, currency)
        }
        None => {
            let currency = currency(&params)?;
            let unit = match (params.int("amount")?, params.int("unit_amount")?) {
                (Some(amount), _) => amount / quantity.max(1),
                (None, Some(unit)) => unit,
                (None, None) => return Err(ApiError::missing("amount")),
            };
            (Value::Null, unit, currency)
        }
    };
    let rates = tax::rates(cx, params.get("tax_rates"), "tax_rates").await?;
    tax::check_behavior(&price, rates.as_deref().unwrap_or_default())?;
    let (id, seq) = cx.new_id("ii_").await?;
    let mut item = json!({
        "id": id,
        "object": "invoiceitem",
        "amount": unit * quantity,
        "currency": currency,
        "customer": customer_id,
        "date": now,
        "description": params.str("description")?.filter(|s| !s.is_empty()),
        "discountable": true,
        "discounts": [],
        "invoice": null,
        "livemode": false,
        "metadata": {},
        "period": {"end": now, "start": now},
        "price": price,
        "proration": false,
        "quantity": quantity,
        "subscription": null,
        "tax_rates": rates.unwrap_or_default(),
        "test_clock": customer["test_clock"],
        "unit_amount": unit,
        "unit_amount_decimal": unit.to_string(),
        "created": now,
    });
    apply_metadata(&mut item, &params)?;
    if let Some(invoice_id) = params.str("invoice")?.filter(|s| !s.is_empty()) {
        let mut invoice = INVOICE.lock(cx, invoice_id).await?;
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

/// Stripe's refusal to change what a finalized invoice bills.
fn not_editable() -> ApiError {
    ApiError::state(
        "invoice_not_editable",
        "Invalid invoice: This invoice is no longer editable",
    )
    .param("invoice")
}

/// What `POST /v1/invoiceitems/{id}` accepts.
#[rustfmt::skip]
const ITEM_UPDATE_FIELDS: &[&str] = &[
    "amount", "description", "discountable", "metadata", "period", "price", "quantity",
    "tax_rates", "unit_amount", "unit_amount_decimal", "tax_behavior",
];

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
    cx.params.allow(ITEM_UPDATE_FIELDS)?;
    let params = cx.params.clone();
    let (mut item, invoice) = editable_item(cx, id).await?;
    let before = item.clone();
    let quantity = params
        .int("quantity")?
        .or_else(|| item["quantity"].as_i64())
        .unwrap_or(1);
    if let Some(price_id) = params.str("price")?.filter(|s| !s.is_empty()) {
        let price = PRICE.named(cx, price_id, "price").await?;
        item["unit_amount"] = price["unit_amount"].clone();
        item["price"] = price;
    }
    let unit = match (params.int("amount")?, params.int("unit_amount")?) {
        (Some(amount), _) => amount / quantity.max(1),
        (None, Some(unit)) => unit,
        (None, None) => item["unit_amount"].as_i64().unwrap_or(0),
    };
    item["quantity"] = json!(quantity);
    item["unit_amount"] = json!(unit);
    item["unit_amount_decimal"] = json!(unit.to_string());
    item["amount"] = json!(unit * quantity);
    params.copy_nullable(&mut item, &["description"])?;
    if let Some(discountable) = params.bool("discountable")? {
        item["discountable"] = json!(discountable);
    }
    if let Some(period) = params.hash("period")? {
        for key in ["start", "end"] {
            if let Some(at) = int_at(period.get(key), &format!("period[{key}]"))? {
                item["period"][key] = json!(at);
            }
        }
    }
    if let Some(rates) = tax::rates(cx, params.get("tax_rates"), "tax_rates").await? {
        item["tax_rates"] = json!(rates);
    }
    let rates = item["tax_rates"].as_array().cloned().unwrap_or_default();
    tax::check_behavior(&item["price"], &rates)?;
    apply_metadata(&mut item, &params)?;
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
