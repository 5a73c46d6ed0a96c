//! Credit notes (`/v1/credit_notes`: create, retrieve, update, list, void, lines, and the
//! preview of one with its lines, nothing written): an adjustment of a finalized invoice. What it credits first reduces what an open invoice
//! still owes (`pre_payment_amount`; owing nothing, the invoice is paid); the rest
//! (`post_payment_amount`) is refunded to the card (`refund_amount`), credited to the
//! customer's balance (`credit_amount`) or recorded as credited outside Stripe
//! (`out_of_band_amount`), which must add up to it.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::bounds::{amount_at, line_amount};
use crate::cx::{self, CURSOR, Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::kinds::{CHARGE, CREDIT_NOTE, CUSTOMER, INVOICE};
use crate::model::customer_balance::{self, Entry};
use crate::model::invoice::{mark_paid, total};
use crate::model::refund::refund;
use crate::model::subscription::quantity_at;
use crate::params::{Params, Takes, apply_metadata, string_at};
use asym_kit::Kit;

/// Credit notes: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/credit_notes" => post(create_credit_note), get(list_credit_notes);
        "/v1/credit_notes/preview" => get(preview_credit_note);
        "/v1/credit_notes/preview/lines" => get(preview_credit_note_lines);
        "/v1/credit_notes/{id}" => get(CREDIT_NOTE.retrieve, 1), post(update_credit_note, 1);
        "/v1/credit_notes/{id}/void" => post(void_credit_note, 1);
        "/v1/credit_notes/{id}/lines" => get(credit_note_lines, 1);
    }
}

/// What `POST /v1/credit_notes` takes.
#[rustfmt::skip]
const CREATE: Takes = Takes {
    route: "credit note creation",
    serves: &[&[
        "invoice", "amount", "lines", "reason", "memo", "metadata", "credit_amount",
        "refund_amount", "out_of_band_amount",
    ]],
    refuses: &[&["refunds", "refund", "shipping_cost", "email_type", "effective_at"]],
    nested: &[("lines", &LINE)],
};

/// What one of a credit note's `lines` takes.
#[rustfmt::skip]
const LINE: Takes = Takes {
    route: "credit note lines",
    serves: &[&[
        "type", "invoice_line_item", "amount", "quantity", "unit_amount", "description",
    ]],
    refuses: &[&["unit_amount_decimal", "tax_rates", "tax_amounts", "metadata"]],
    nested: &[],
};

/// Stripe's reasons for a credit note.
const REASONS: &[&str] = &[
    "duplicate",
    "fraudulent",
    "order_change",
    "product_unsatisfactory",
];

/// The lines `lines` (named `lines`) credit on `invoice` (without ids), and their total.
fn credited_lines(invoice: &Value, lines: &[Value]) -> ApiResult<(Vec<Value>, i64)> {
    let mut out = Vec::new();
    let mut sum = 0_i64;
    for (n, line) in lines.iter().enumerate() {
        let at = format!("lines[{n}]");
        let line = line
            .as_object()
            .ok_or_else(|| ApiError::invalid_param(&at, format!("Invalid hash: {at}")))?;
        let spec = Params(line.clone());
        let kind = spec
            .one_of("type", &["invoice_line_item", "custom_line_item"])
            .map_err(|err| err.rename_param(&format!("{at}[type]")))?
            .ok_or_else(|| ApiError::missing(&format!("{at}[type]")))?;
        let built = if kind == "invoice_line_item" {
            invoice_line(invoice, line, &at)?
        } else {
            custom_line(line, &at)?
        };
        sum += built["amount"].as_i64().unwrap_or(0);
        out.push(built);
    }
    Ok((out, sum))
}

/// A line crediting invoice line `invoice_line_item` by `amount` or `quantity`.
fn invoice_line(invoice: &Value, line: &Map<String, Value>, at: &str) -> ApiResult<Value> {
    let param = format!("{at}[invoice_line_item]");
    let id = string_at(line.get("invoice_line_item"), &param)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing(&param))?;
    let original = invoice["lines"]["data"]
        .as_array()
        .and_then(|lines| lines.iter().find(|l| l["id"] == id))
        .ok_or_else(|| ApiError::missing_resource("invoice line item", id, &param))?;
    let billed = original["amount"].as_i64().unwrap_or(0);
    let billed_quantity = original["quantity"].as_i64().unwrap_or(1).max(1);
    let unit = billed / billed_quantity;
    let (amount, quantity) = match (
        amount_at(line.get("amount"), &format!("{at}[amount]"), 1)?,
        quantity_at(line.get("quantity"), &format!("{at}[quantity]"))?,
    ) {
        (Some(amount), _) => (amount, 1),
        (None, Some(quantity)) => (
            line_amount(unit, quantity, &format!("{at}[quantity]"))?,
            quantity,
        ),
        (None, None) => return Err(ApiError::missing(&format!("{at}[amount]"))),
    };
    if amount > billed {
        return Err(ApiError::invalid_param(
            &format!("{at}[amount]"),
            format!("The amount credited ({amount}) exceeds the line item's amount ({billed})."),
        ));
    }
    Ok(note_line(
        "invoice_line_item",
        amount,
        quantity,
        original["description"].clone(),
        json!(id),
    ))
}

/// A custom line: `unit_amount` × `quantity`, with its `description`.
fn custom_line(line: &Map<String, Value>, at: &str) -> ApiResult<Value> {
    let unit = amount_at(line.get("unit_amount"), &format!("{at}[unit_amount]"), 0)?
        .ok_or_else(|| ApiError::missing(&format!("{at}[unit_amount]")))?;
    let quantity = quantity_at(line.get("quantity"), &format!("{at}[quantity]"))?.unwrap_or(1);
    let amount = line_amount(unit, quantity, &format!("{at}[quantity]"))?;
    let description = string_at(line.get("description"), &format!("{at}[description]"))?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing(&format!("{at}[description]")))?;
    let mut built = note_line(
        "custom_line_item",
        amount,
        quantity,
        json!(description),
        Value::Null,
    );
    built["unit_amount"] = json!(unit);
    built["unit_amount_decimal"] = json!(unit.to_string());
    // Stripe leaves `invoice_line_item` out of a line that credits none (its description has
    // it optional and not nullable).
    if let Some(map) = built.as_object_mut() {
        map.shift_remove("invoice_line_item");
    }
    Ok(built)
}

/// A credit note line object.
fn note_line(kind: &str, amount: i64, quantity: i64, description: Value, of: Value) -> Value {
    json!({
        "object": "credit_note_line_item",
        "amount": amount,
        "description": description,
        "discount_amount": 0,
        "discount_amounts": [],
        "invoice_line_item": of,
        "livemode": false,
        "quantity": quantity,
        "tax_amounts": [],
        "tax_rates": [],
        "taxes": [],
        "type": kind,
        "unit_amount": null,
        "unit_amount_decimal": null,
    })
}

/// How a note's post-payment amount is settled: refunded to the invoice's charge, credited to
/// the customer's balance, or credited outside Stripe.
struct Settlement {
    /// `refund_amount`.
    refund: i64,
    /// `credit_amount`.
    credit: i64,
    /// `out_of_band_amount`, `null` when not sent.
    out_of_band: Option<i64>,
}

impl Settlement {
    /// The request's `refund_amount`, `credit_amount` and `out_of_band_amount`, which must add
    /// up to the note's post-payment amount `post` (a note that only lowers what an open
    /// invoice owes takes none of them).
    fn of(params: &Params, post: i64) -> ApiResult<Self> {
        let [refund, credit, out_of_band] =
            ["refund_amount", "credit_amount", "out_of_band_amount"]
                .map(|key| params.amount(key, 0));
        let settlement = Self {
            refund: refund?.unwrap_or(0),
            credit: credit?.unwrap_or(0),
            out_of_band: out_of_band?,
        };
        let settled = settlement.refund + settlement.credit + settlement.out_of_band.unwrap_or(0);
        if settled != post {
            // Stripe's rule in its own words (the API reference's credit note create), with
            // the figures.
            return Err(ApiError::invalid(format!(
                "The sum of refunds, customer balance credits, and outside of Stripe credits \
                 ({settled}) must equal the post_payment_amount ({post})."
            )));
        }
        Ok(settlement)
    }
}

/// A credit note of the request's parameters, as `POST /v1/credit_notes` would issue it on
/// its invoice, checked as issuing it is, nothing stored: the note (its lines without ids,
/// no refund nor balance credit made yet), its invoice (locked when `lock`) and how its
/// post-payment amount is settled.
async fn draft(cx: &Cx<'_>, params: &Params, lock: bool) -> ApiResult<(Value, Value, Settlement)> {
    let invoice_id = params.required("invoice")?.to_owned();
    let invoice = if lock {
        INVOICE.lock_named(cx, &invoice_id, "invoice").await?
    } else {
        INVOICE.named(cx, &invoice_id, "invoice").await?
    };
    let status = invoice["status"].as_str().unwrap_or_default().to_owned();
    if !["open", "paid"].contains(&status.as_str()) {
        return Err(ApiError::invalid_param(
            "invoice",
            format!(
                "A credit note can only be issued for an open or paid invoice; this one is {status}."
            ),
        ));
    }
    params.one_of("reason", REASONS)?;
    let (lines, total_amount) = match (params.amount("amount", 1)?, params.array("lines")?) {
        (_, Some(lines)) => credited_lines(&invoice, lines)?,
        (Some(amount), None) => (Vec::new(), amount),
        (None, None) => {
            return Err(ApiError::invalid(
                "One of amount, lines, or shipping_cost must be provided.",
            ));
        }
    };
    if let Some(amount) = params.amount("amount", 1)?
        && amount != total_amount
    {
        return Err(ApiError::invalid_param(
            "amount",
            format!("The amount ({amount}) must equal the sum of the lines ({total_amount})."),
        ));
    }
    let credited = invoice["pre_payment_credit_notes_amount"]
        .as_i64()
        .unwrap_or(0)
        + invoice["post_payment_credit_notes_amount"]
            .as_i64()
            .unwrap_or(0);
    let creditable = invoice["total"].as_i64().unwrap_or(0) - credited;
    if total_amount > creditable {
        return Err(ApiError::invalid_param(
            "amount",
            format!(
                "The credit note's total ({total_amount}) exceeds what remains creditable on the invoice ({creditable})."
            ),
        ));
    }
    let remaining = invoice["amount_remaining"].as_i64().unwrap_or(0);
    let pre = if status == "open" {
        total_amount.min(remaining)
    } else {
        0
    };
    let post = total_amount - pre;
    let settlement = Settlement::of(params, post)?;
    if settlement.refund > 0 {
        // The charge refunded: named by `refund_amount` when the invoice has none.
        let charge_id = invoice["charge"].as_str().unwrap_or_default();
        CHARGE.named(cx, charge_id, "refund_amount").await?;
    }
    let count = cx
        .all(
            CREDIT_NOTE.object,
            &[("data->>'invoice' = {}", invoice_id.clone())],
        )
        .await?
        .len();
    let mut note = json!({
        "object": "credit_note",
        "amount": total_amount,
        "amount_shipping": 0,
        "created": cx.now,
        "currency": invoice["currency"].as_str().unwrap_or("usd"),
        "customer": invoice["customer"].clone(),
        "customer_balance_transaction": null,
        "discount_amount": 0,
        "discount_amounts": [],
        "effective_at": null,
        "invoice": invoice_id,
        "lines": lines,
        "livemode": false,
        "memo": params.str("memo")?.filter(|s| !s.is_empty()),
        "metadata": {},
        "number": format!("{}-CN-{:02}", invoice["number"].as_str().unwrap_or("CN"), count + 1),
        "out_of_band_amount": settlement.out_of_band,
        "post_payment_amount": post,
        "pre_payment_amount": pre,
        "reason": params.str("reason")?.filter(|s| !s.is_empty()),
        "refund": null,
        "refunds": [],
        "shipping_cost": null,
        "status": "issued",
        "subtotal": total_amount,
        "subtotal_excluding_tax": total_amount,
        "tax_amounts": [],
        "total": total_amount,
        "total_excluding_tax": total_amount,
        "total_taxes": [],
        "type": match (pre, post) {
            (_, 0) => "pre_payment",
            (0, _) => "post_payment",
            _ => "mixed",
        },
        "voided_at": null,
    });
    apply_metadata(&mut note, params)?;
    Ok((note, invoice, settlement))
}

/// Gives `note` its `id`, `pdf` and its lines' ids (`line_id` of each line's index), its lines
/// as a list.
fn identify(cx: &Cx<'_>, note: &mut Value, id: &str, line_ids: &[String]) {
    let mut lines = note["lines"].as_array().cloned().unwrap_or_default();
    for (line, line_id) in lines.iter_mut().zip(line_ids) {
        line["id"] = json!(line_id);
    }
    let public = &cx.kit.config().public_url;
    note["id"] = json!(id);
    note["pdf"] = json!(format!("{public}/credit_notes/{id}/pdf"));
    note["lines"] = cx::list_value(lines, false, &format!("/v1/credit_notes/{id}/lines"));
}

/// `POST /v1/credit_notes`.
pub(crate) async fn create_credit_note(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    let (mut note, mut invoice, settlement) = draft(cx, &params, true).await?;
    let before = invoice.clone();
    let invoice_id = note["invoice"].as_str().unwrap_or_default().to_owned();
    let currency = note["currency"].as_str().unwrap_or("usd").to_owned();
    let customer_id = note["customer"].as_str().unwrap_or_default().to_owned();
    let (pre, post) = (
        note["pre_payment_amount"].as_i64().unwrap_or(0),
        note["post_payment_amount"].as_i64().unwrap_or(0),
    );
    let (id, seq) = cx.new_id("cn_").await?;
    let mut line_ids = Vec::new();
    for _ in note["lines"].as_array().map_or(&[][..], Vec::as_slice) {
        line_ids.push(cx.new_id("cnli_").await?.0);
    }
    identify(cx, &mut note, &id, &line_ids);
    note["effective_at"] = json!(cx.now);
    // What the refund and the balance credit make.
    if settlement.refund > 0 {
        let charge_id = invoice["charge"].as_str().unwrap_or_default().to_owned();
        let charge = CHARGE.lock_named(cx, &charge_id, "refund_amount").await?;
        let mut asked = Params::default();
        asked
            .0
            .insert("amount".to_owned(), json!(settlement.refund.to_string()));
        let (made, _) = refund(cx, charge, &asked).await?;
        note["refund"] = made["id"].clone();
        note["refunds"] = json!([{"amount_refunded": settlement.refund, "refund": made["id"]}]);
    }
    if settlement.credit > 0 {
        let mut customer = CUSTOMER.lock_named(cx, &customer_id, "customer").await?;
        let customer_before = customer.clone();
        let entry = Entry {
            amount: -settlement.credit,
            currency: &currency,
            kind: "credit_note",
            invoice: Some(&invoice_id),
            description: None,
        };
        let made = customer_balance::record(cx, &mut customer, &entry).await?;
        note["customer_balance_transaction"] = made["id"].clone();
        cx.save_changed("customer.updated", &customer_before, &customer)
            .await?;
    }
    // The invoice: what is owed falls by the pre-payment part (owing nothing, it is paid).
    for (key, part) in [("pre_payment", pre), ("post_payment", post)] {
        let field = format!("{key}_credit_notes_amount");
        invoice[&field] = json!(invoice[&field].as_i64().unwrap_or(0) + part);
    }
    total(&mut invoice);
    cx.insert(seq, &note)?;
    cx.emit("credit_note.created", &note, None).await?;
    settle_invoice(cx, &mut invoice, &before).await?;
    Ok(note)
}

/// What `GET /v1/credit_notes/preview` takes: the create's parameters.
#[rustfmt::skip]
const PREVIEW: Takes = Takes {
    route: "credit note previews",
    serves: CREATE.serves,
    refuses: CREATE.refuses,
    nested: CREATE.nested,
};

/// What `GET /v1/credit_notes/preview/lines` takes: the preview's and a page's.
#[rustfmt::skip]
const PREVIEW_LINES: Takes = Takes {
    route: "credit note previews",
    serves: &[CREATE.serves[0], CURSOR],
    refuses: CREATE.refuses,
    nested: CREATE.nested,
};

/// The credit note the request previews: checked as `POST /v1/credit_notes` checks it, nothing
/// written; its ids derive from its invoice and how many notes that has, so the same preview
/// pages the same lines.
async fn preview(cx: &Cx<'_>) -> ApiResult {
    let params = cx.params.clone();
    let (mut note, _, _) = draft(cx, &params, false).await?;
    let seed = format!("credit_note_preview:{}:{}", note["invoice"], note["number"]);
    let id = format!("cn_{}", ids::base62(&seed, 24));
    let count = note["lines"].as_array().map_or(0, Vec::len);
    let line_ids: Vec<String> = (0..count)
        .map(|n| format!("cnli_{}", ids::base62(&format!("{seed}:{n}"), 24)))
        .collect();
    identify(cx, &mut note, &id, &line_ids);
    Ok(note)
}

/// `GET /v1/credit_notes/preview` (stripe-python's `CreditNote.preview`, stripe-node's
/// `creditNotes.preview`).
pub(crate) async fn preview_credit_note(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PREVIEW)?;
    preview(cx).await
}

/// `GET /v1/credit_notes/preview/lines` (`CreditNote.preview_lines`,
/// `creditNotes.listPreviewLineItems`): the preview's lines, paged.
pub(crate) async fn preview_credit_note_lines(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PREVIEW_LINES)?;
    let note = preview(cx).await?;
    let lines = note["lines"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    cx::page_of(cx, &lines, "/v1/credit_notes/preview/lines")
}

/// Saves `invoice` after a credit note changed what it owes: an open one owing nothing more
/// is paid (its payment intent, not needed, canceled), one still owing asks its payment
/// intent for what remains.
async fn settle_invoice(cx: &mut Cx<'_>, invoice: &mut Value, before: &Value) -> ApiResult<()> {
    let remaining = invoice["amount_remaining"].as_i64().unwrap_or(0);
    let open = invoice["status"] == "open";
    if open
        && let Some(pi) = invoice["payment_intent"].as_str()
        && let Some(mut intent) = cx.get("payment_intent", pi, true).await?
        && intent["status"] != "succeeded"
    {
        if remaining > 0 {
            intent["amount"] = json!(remaining);
        } else {
            intent["status"] = json!("canceled");
            intent["canceled_at"] = json!(cx.now);
        }
        cx.save(&intent)?;
    }
    if open && remaining == 0 {
        let now = cx.now;
        return mark_paid(cx, invoice, before, now, false).await;
    }
    cx.save_changed("invoice.updated", before, invoice).await
}

/// `POST /v1/credit_notes/{id}` (`memo`, `metadata`).
pub(crate) async fn update_credit_note(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let route = Takes::serving("credit note updates", &[&["memo", "metadata"]]);
    let (params, mut note) = CREDIT_NOTE.for_update(cx, id, &route).await?;
    let before = note.clone();
    params.copy_nullable(&mut note, &["memo"])?;
    apply_metadata(&mut note, &params)?;
    cx.save_if_changed("credit_note.updated", &before, note)
        .await
}

/// `POST /v1/credit_notes/{id}/void`: an issued credit note that refunded and credited nothing
/// is voided, giving back to an open invoice what it took off.
pub(crate) async fn void_credit_note(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut note = CREDIT_NOTE.lock(cx, id).await?;
    if note["status"] != "issued" {
        return Err(ApiError::invalid(
            "This credit note has already been voided.",
        ));
    }
    if !note["refunds"].as_array().is_none_or(Vec::is_empty)
        || !note["customer_balance_transaction"].is_null()
    {
        return Err(ApiError::invalid(
            "This Stripe clone does not void a credit note that refunded or credited the \
             customer's balance (not implemented).",
        ));
    }
    let invoice_id = note["invoice"].as_str().unwrap_or_default().to_owned();
    let mut invoice = INVOICE.lock(cx, &invoice_id).await?;
    if invoice["status"] != "open" && note["pre_payment_amount"].as_i64().unwrap_or(0) > 0 {
        return Err(ApiError::invalid(
            "A credit note can only be voided while its invoice is open.",
        ));
    }
    let before_note = note.clone();
    let before = invoice.clone();
    for key in ["pre_payment", "post_payment"] {
        let field = format!("{key}_credit_notes_amount");
        let taken = note[format!("{key}_amount")].as_i64().unwrap_or(0);
        invoice[&field] = json!(invoice[&field].as_i64().unwrap_or(0) - taken);
    }
    total(&mut invoice);
    note["status"] = json!("void");
    note["voided_at"] = json!(cx.now);
    cx.save_changed("credit_note.voided", &before_note, &note)
        .await?;
    settle_invoice(cx, &mut invoice, &before).await?;
    Ok(note)
}

/// `GET /v1/credit_notes` (`invoice`, `customer`, `created`).
pub(crate) async fn list_credit_notes(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["invoice", "customer", "customer_account"])?;
    let mut filters: Vec<Filter> = Vec::new();
    for (key, sql) in [
        ("invoice", "data->>'invoice' = {}"),
        ("customer", "customer = {}"),
    ] {
        if let Some(value) = cx.params.str(key)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    cx.created_filters(&mut filters)?;
    CREDIT_NOTE.list(cx, &filters).await
}

/// `GET /v1/credit_notes/{id}/lines`.
pub(crate) async fn credit_note_lines(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx::allow_paging(cx, &[])?;
    let note = CREDIT_NOTE.find(cx, id).await?;
    Ok(note["lines"].clone())
}
