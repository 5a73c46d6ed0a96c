//! Invoices: created, listed, updated, finalized, paid, voided, marked uncollectible; their
//! lines. Invoice items and previews have modules of their own.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::MAX_DAYS_UNTIL_DUE;
use crate::cx::{Cx, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, INVOICE};
use crate::model::closing::{self, Closing, UNCOLLECTIBLE, VOID};
use crate::model::invoice::{
    activate_subscription, finalize, item_line, mark_paid, new_invoice, newest_first, pay, total,
};
use crate::model::subscription::{customer_now, default_method};
use crate::model::{discount, tax};
use crate::params::{Params, Takes, apply_metadata};
use asym_kit::Kit;

/// Invoices: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/invoices" => post(create_invoice), get(list_invoices);
        "/v1/invoices/search" => get(INVOICE.search);
        "/v1/invoices/{id}" =>
            get(INVOICE.retrieve, 1), post(update_invoice, 1), delete(delete_invoice, 1);
        "/v1/invoices/{id}/lines" => get(invoice_lines, 1);
        "/v1/invoices/{id}/finalize" => post(finalize_invoice_route, 1);
        "/v1/invoices/{id}/pay" => post(pay_invoice_route, 1);
        "/v1/invoices/{id}/send" => post(send_invoice, 1);
        "/v1/invoices/{id}/void" => post(void_invoice, 1);
        "/v1/invoices/{id}/mark_uncollectible" => post(mark_uncollectible, 1);
    }
}

/// What an invoice's create and update both serve.
#[rustfmt::skip]
const INVOICE_SERVED: &[&str] = &[
    "auto_advance", "collection_method", "days_until_due", "default_payment_method",
    "default_tax_rates", "description", "footer", "metadata", "statement_descriptor",
];

/// What Stripe takes on an invoice's create and update that this clone does not serve.
#[rustfmt::skip]
const INVOICE_UNSERVED: &[&str] = &[
    "account_tax_ids", "application_fee_amount", "automatic_tax", "automatically_finalizes_at",
    "custom_fields", "default_source", "discounts", "due_date", "effective_at", "issuer",
    "number", "on_behalf_of", "payment_settings", "rendering", "shipping_cost",
    "shipping_details", "transfer_data",
];

/// What `POST /v1/invoices` takes.
const INVOICE_CREATE: Takes = Takes {
    route: "invoice creation",
    serves: &[
        INVOICE_SERVED,
        &["customer", "currency", "pending_invoice_items_behavior"],
    ],
    refuses: &[
        INVOICE_UNSERVED,
        &["customer_account", "from_invoice", "subscription"],
    ],
    nested: &[],
};

/// What `POST /v1/invoices/{id}` takes.
const INVOICE_UPDATE: Takes = Takes {
    route: "invoice updates",
    serves: &[INVOICE_SERVED],
    refuses: &[INVOICE_UNSERVED],
    nested: &[],
};

/// What a create request for a customer's object starts from: its parameters (checked against
/// what `route` takes), the `customer` id, that customer, and the time on the customer's clock.
pub(crate) async fn for_customer(
    cx: &mut Cx<'_>,
    route: &Takes,
) -> ApiResult<(Params, String, Value, i64)> {
    cx.params.take(route)?;
    let params = cx.params.clone();
    let customer_id = params.required("customer")?.to_owned();
    let customer = CUSTOMER.named(cx, &customer_id, "customer").await?;
    let now = customer_now(cx, &customer).await?;
    Ok((params, customer_id, customer, now))
}

/// `POST /v1/invoices`: a draft for `customer`, with its pending invoice items when
/// `pending_invoice_items_behavior=include`.
pub(crate) async fn create_invoice(cx: &mut Cx<'_>) -> ApiResult {
    let (params, customer_id, customer, now) = for_customer(cx, &INVOICE_CREATE).await?;
    let currency = params.str("currency")?.unwrap_or("usd").to_lowercase();
    let mut invoice = new_invoice(cx, &customer, now, &currency, "manual", None).await?;
    // A manual invoice advances only when asked (Stripe's "Defaults to false").
    invoice["auto_advance"] = json!(false);
    apply_invoice(cx, &mut invoice, &params).await?;
    if params.str("pending_invoice_items_behavior")? == Some("include") {
        let id = invoice["id"].as_str().unwrap_or_default().to_owned();
        let pending = [
            ("customer = {}", customer_id.clone()),
            ("data->>'invoice' IS NULL AND {} = {}", String::new()),
        ];
        for mut item in newest_first(cx.all("invoiceitem", &pending).await?) {
            item["invoice"] = json!(id);
            cx.save(&item)?;
            push_item_line(&mut invoice, &item);
        }
    }
    manual_invoice_made(cx, invoice, now).await
}

/// A manual `invoice` (of no subscription) with its lines, made at `now`: totaled, saved and
/// announced by `invoice.created`; a `once` discount it used is spent.
pub(crate) async fn manual_invoice_made(cx: &Cx<'_>, mut invoice: Value, now: i64) -> ApiResult {
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
    let days = params.int_within("days_until_due", (0, MAX_DAYS_UNTIL_DUE))?;
    if let Some(days) = days {
        invoice["days_until_due"] = json!(days);
    }
    // Stripe's recorded refusals (no `code`, no `param`): a due date goes with
    // `send_invoice` and only with it.
    match (invoice["collection_method"].as_str(), days) {
        (Some("send_invoice"), _) if invoice["days_until_due"].is_null() => {
            return Err(ApiError::invalid(
                "If invoice collection method is 'send_invoice', you must specify 'due_date' or \
                 'days_until_due'.",
            ));
        }
        (Some("charge_automatically"), Some(_)) => {
            return Err(ApiError::invalid(
                "You can only specify 'due_date' or 'days_until_due' if invoice collection \
                 method is 'send_invoice'.",
            ));
        }
        _ => {}
    }
    params.copy_nullable(invoice, INVOICE_TEXT)?;
    apply_metadata(invoice, params)
}

pub(crate) fn push_item_line(invoice: &mut Value, item: &Value) {
    let line = item_line(invoice, item);
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
}

/// `POST /v1/invoices/{id}`.
pub(crate) async fn update_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut invoice) = INVOICE.for_update(cx, id, &INVOICE_UPDATE).await?;
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
pub(crate) fn page_lines(cx: &Cx<'_>, invoice: &Value, url: &str) -> ApiResult {
    let lines = invoice["lines"]["data"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    crate::cx::page_of(cx, lines, url)
}

/// `POST /v1/invoices/{id}/finalize`.
pub(crate) async fn finalize_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["auto_advance"])?;
    let mut invoice = INVOICE.lock(cx, id).await?;
    finalize_now(cx, &mut invoice).await?;
    Ok(invoice)
}

/// Finalizes `invoice` at its customer's now; one with nothing due is paid at once.
async fn finalize_now(cx: &mut Cx<'_>, invoice: &mut Value) -> ApiResult<()> {
    let customer = cx.customer_of(invoice).await?;
    let now = customer_now(cx, &customer).await?;
    finalize(cx, invoice, now).await?;
    if invoice["amount_due"] == 0 {
        let before = invoice.clone();
        mark_paid(cx, invoice, &before, now, false).await?;
    }
    Ok(())
}

/// `POST /v1/invoices/{id}/pay` (`payment_method`, `paid_out_of_band`).
pub(crate) async fn pay_invoice_route(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut invoice) = INVOICE
        .for_update(
            cx,
            id,
            &Takes {
                route: "invoice payment",
                serves: &[&["payment_method", "paid_out_of_band", "off_session"]],
                refuses: &[&["forgive", "mandate", "source"]],
                nested: &[],
            },
        )
        .await?;
    let customer = cx.customer_of(&invoice).await?;
    let now = customer_now(cx, &customer).await?;
    if invoice["status"] == "draft" {
        finalize(cx, &mut invoice, now).await?;
    }
    match invoice["status"].as_str() {
        // An uncollectible invoice can still be paid (Stripe's invoice status transitions).
        Some("open" | "uncollectible") => {}
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

/// `POST /v1/invoices/{id}/send`: a `send_invoice` invoice sent to its customer outside the
/// schedule; a draft is finalized first. In test mode Stripe sends no email but emits
/// `invoice.sent`, and so does the clone.
pub(crate) async fn send_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut invoice = INVOICE.lock_named(cx, id, "invoice").await?;
    if invoice["collection_method"] != "send_invoice" {
        return Err(ApiError::invalid(
            "You can only manually send an invoice if its collection method is 'send_invoice'.",
        ));
    }
    match invoice["status"].as_str() {
        Some("draft") => finalize_now(cx, &mut invoice).await?,
        Some("open") => {}
        _ => {
            return Err(ApiError::invalid(
                "This invoice cannot be sent right now. Please contact us via \
                 https://support.stripe.com/contact with details, so we can help.",
            ));
        }
    }
    cx.emit("invoice.sent", &invoice, None).await?;
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/void`: cancels its unpaid payment intent too.
pub(crate) async fn void_invoice(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    close(cx, id, &VOID).await
}

/// `POST /v1/invoices/{id}/mark_uncollectible`.
pub(crate) async fn mark_uncollectible(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    close(cx, id, &UNCOLLECTIBLE).await
}

/// Closes invoice `id` as `closing` says ([`closing::close`]).
async fn close(cx: &Cx<'_>, id: &str, closing: &Closing) -> ApiResult {
    cx.params.allow(&[])?;
    let mut invoice = INVOICE.lock(cx, id).await?;
    closing::close(cx, &mut invoice, closing, cx.now).await?;
    Ok(invoice)
}

/// `GET /v1/invoices` (`customer`, `subscription`, `status`, `collection_method`).
pub(crate) async fn list_invoices(cx: &mut Cx<'_>) -> ApiResult {
    let statuses = ["draft", "open", "void", "paid", "uncollectible"];
    cx.params.one_of("status", &statuses)?;
    let keys = [
        ("customer", "customer = {}"),
        ("subscription", "data->>'subscription' = {}"),
        ("status", "data->>'status' = {}"),
        ("collection_method", "data->>'collection_method' = {}"),
    ];
    INVOICE.list_by(cx, &keys, &["due_date"]).await
}
