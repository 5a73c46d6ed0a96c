//! Invoices: a new draft, totals, the invoice of a subscription period, finalizing, paying.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::kinds::CUSTOMER;
use crate::model::closing::{UNCOLLECTIBLE, VOID, close};
use crate::model::intent::new_intent;
use crate::model::{customer_balance, discount, tax};

mod lines;
mod payment;

use lines::period_lines;
pub(crate) use lines::{item_line, product_name};
pub(crate) use payment::{activate_subscription, intent_succeeded, mark_paid, pay};

pub(crate) fn money(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "usd" => "$",
        "eur" => "€",
        "gbp" => "£",
        _ => "",
    };
    format!("{symbol}{}.{:02}", amount / 100, amount % 100)
}

/// A new draft invoice (stored) for `customer`.
pub(crate) async fn new_invoice(
    cx: &mut Cx<'_>,
    customer: &Value,
    created: i64,
    currency: &str,
    reason: &str,
    subscription: Option<&Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("in_").await?;
    let mut invoice = draft(&id, customer, created, currency, reason, subscription);
    invoice["customer_tax_ids"] = customer_tax_ids(cx, &invoice).await?;
    cx.insert(seq, &invoice)?;
    Ok(invoice)
}

/// An invoice's `customer_tax_ids`: its customer's tax ids as they are now.
async fn customer_tax_ids(cx: &Cx<'_>, invoice: &Value) -> ApiResult<Value> {
    let customer = invoice["customer"].as_str().unwrap_or_default();
    crate::model::tax_id::for_invoice(cx, customer).await
}

/// A draft invoice `id` for `customer` (not stored).
fn draft(
    id: &str,
    customer: &Value,
    created: i64,
    currency: &str,
    reason: &str,
    subscription: Option<&Value>,
) -> Value {
    let collection = subscription
        .and_then(|s| s["collection_method"].as_str())
        .unwrap_or("charge_automatically");
    let discount = discount::for_invoice(subscription, customer, created);
    let discounts = match &discount {
        Value::Null => json!([]),
        d => json!([d["id"]]),
    };
    json!({
        "id": id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "asym",
        "amount_due": 0,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": null,
        "attempt_count": 0,
        "attempted": false,
        "auto_advance": true,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null, "status": null},
        "billing_reason": reason,
        "charge": null,
        "collection_method": collection,
        "created": created,
        "currency": currency,
        "customer": customer["id"],
        "customer_address": customer["address"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": customer["shipping"],
        "customer_tax_ids": [],
        "customer_tax_exempt": customer["tax_exempt"],
        "default_payment_method": null,
        "default_source": null,
        "default_tax_rates": subscription.map_or(json!([]), |s| s["default_tax_rates"].clone()),
        "description": null,
        "discount": discount,
        "discounts": discounts,
        "due_date": null,
        "effective_at": null,
        "ending_balance": null,
        "footer": null,
        "hosted_invoice_url": null,
        "invoice_pdf": null,
        "issuer": {"type": "self"},
        "last_finalization_error": null,
        "lines": {"object": "list", "data": [], "has_more": false, "total_count": 0,
                  "url": format!("/v1/invoices/{id}/lines")},
        "livemode": false,
        "metadata": {},
        "next_payment_attempt": null,
        "number": null,
        "paid": false,
        "paid_out_of_band": false,
        "payment_intent": null,
        "payment_settings": {"default_mandate": null, "payment_method_options": null,
                             "payment_method_types": null},
        "period_end": created,
        "period_start": created,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "starting_balance": customer["balance"].as_i64().unwrap_or(0),
        "status": "draft",
        "status_transitions": {"finalized_at": null, "marked_uncollectible_at": null,
                               "paid_at": null, "voided_at": null},
        "subscription": subscription.map(|s| s["id"].clone()),
        "subscription_details": {"metadata": subscription.map(|s| s["metadata"].clone())},
        "subtotal": 0,
        "subtotal_excluding_tax": 0,
        "tax": null,
        "test_clock": customer["test_clock"],
        "total": 0,
        "total_discount_amounts": [],
        "total_excluding_tax": 0,
        "total_tax_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": null,
        "days_until_due": subscription.map(|s| s["days_until_due"].clone()),
    })
}

/// Recomputes an invoice's totals from its lines: less what its discount takes off, plus
/// the exclusive tax on what is left (inclusive tax is in the lines' amounts), and, once
/// finalized, with the customer balance it applied (`starting_balance` − `ending_balance`)
/// and less what credit notes took off while it was open.
pub(crate) fn total(invoice: &mut Value) {
    let sum: i64 = invoice["lines"]["data"]
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l["amount"].as_i64()).sum())
        .unwrap_or(0);
    let count = invoice["lines"]["data"].as_array().map_or(0, Vec::len);
    invoice["lines"]["total_count"] = json!(count);
    let off = discount::take_off(invoice);
    let taxes = tax::apply(invoice);
    let total = sum - off + taxes.exclusive;
    let applied = match invoice["ending_balance"].as_i64() {
        Some(ending) => invoice["starting_balance"].as_i64().unwrap_or(0) - ending,
        None => 0,
    };
    // Credit notes issued while it was open take their part off what is due.
    let credited = invoice["pre_payment_credit_notes_amount"]
        .as_i64()
        .unwrap_or(0);
    let due = (total + applied - credited).max(0);
    for (key, value) in [
        ("subtotal", sum),
        ("subtotal_excluding_tax", taxes.subtotal_excluding_tax),
        ("total", total),
        ("total_excluding_tax", sum - off - taxes.inclusive),
        ("amount_due", due),
    ] {
        invoice[key] = json!(value);
    }
    invoice["tax"] = if taxes.taxed {
        json!(taxes.exclusive + taxes.inclusive)
    } else {
        Value::Null
    };
    let paid = invoice["amount_paid"].as_i64().unwrap_or(0);
    invoice["amount_remaining"] = json!(due - paid);
}

/// The invoice `sub` makes at `start`, stored, finalized and made `sub`'s `latest_invoice`:
/// a line per item for `period` (none without one: an invoice of prorations) and the pending
/// invoice items it bills ([`pending_items`]).
pub(crate) async fn subscription_invoice(
    cx: &mut Cx<'_>,
    sub: &mut Value,
    customer: &Value,
    (start, period): (i64, Option<(i64, i64)>),
    reason: &str,
    trial: bool,
) -> ApiResult<Value> {
    let currency = sub["currency"].as_str().unwrap_or("usd").to_owned();
    let mut invoice = new_invoice(cx, customer, start, &currency, reason, Some(&*sub)).await?;
    let items = sub["items"]["data"].as_array().cloned().unwrap_or_default();
    // Stripe's order: the pending invoice items (prorations included) first, then the
    // period's lines.
    let mut lines = Vec::new();
    for mut item in pending_items(cx, customer, sub["id"].as_str()).await? {
        item["invoice"] = invoice["id"].clone();
        cx.save(&item)?;
        lines.push(item_line(&invoice, &item));
    }
    if let Some(period) = period {
        for mut line in period_lines(cx, &items, sub, &invoice, period, trial).await? {
            line["id"] = json!(cx.new_id("il_").await?.0);
            lines.push(line);
        }
        lines::mark_billed(sub, start);
    }
    invoice["lines"]["data"] = Value::Array(lines);
    invoice["period_start"] = json!(start);
    invoice["period_end"] = json!(start);
    total(&mut invoice);
    cx.save(&invoice)?;
    cx.emit("invoice.created", &invoice, None).await?;
    discount::after_invoice(cx, &invoice, Some(sub), start).await?;
    sub["latest_invoice"] = invoice["id"].clone();
    // A renewal while collection is paused: left a draft, or finalized and closed at once.
    let paused = match reason {
        "subscription_cycle" => sub["pause_collection"]["behavior"].as_str(),
        _ => None,
    };
    if paused == Some("keep_as_draft") {
        invoice["auto_advance"] = json!(false);
        cx.save(&invoice)?;
        return Ok(invoice);
    }
    let closing = match paused {
        Some("void") => Some(&VOID),
        Some("mark_uncollectible") => Some(&UNCOLLECTIBLE),
        _ => None,
    };
    finalize(cx, &mut invoice, start).await?;
    if let Some(closing) = closing {
        close(cx, &mut invoice, closing, start).await?;
    }
    Ok(invoice)
}

/// `customer`'s pending invoice items that an invoice of subscription `sub` (or one without a
/// subscription) bills: those of no subscription and those of `sub`, in the order an invoice
/// lists them ([`newest_first`]).
pub(crate) async fn pending_items(
    cx: &Cx<'_>,
    customer: &Value,
    sub: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let pending = [
        (
            "customer = {}",
            customer["id"].as_str().unwrap_or_default().to_owned(),
        ),
        ("data->>'invoice' IS NULL AND {} = ''", String::new()),
        (
            "coalesce(data->>'subscription', '') IN ('', {})",
            sub.unwrap_or_default().to_owned(),
        ),
    ];
    Ok(newest_first(cx.all("invoiceitem", &pending).await?))
}

/// Pending invoice items (as [`Cx::all`] reads them, newest first) in the order an invoice
/// lists them: Stripe's "pending invoice items (including prorations) in reverse
/// chronological order", the items one change made at the same time in the order it made
/// them (a proration's credit before its debit, as in Stripe's examples).
pub(crate) fn newest_first(mut items: Vec<Value>) -> Vec<Value> {
    items.reverse();
    items.sort_by_key(|item| std::cmp::Reverse(item["date"].as_i64().unwrap_or(0)));
    items
}

/// What the next invoice would be (not stored): for `customer`, billing `items` of `sub` for
/// `period` (a subscription's next period, or a new subscription's first) and the
/// customer's pending invoice items that invoice bills with `prorations` (invoice items not
/// stored), less what the customer's balance would take. `id` is the preview's
/// (`create_preview`) or none (`upcoming`). `None` when it would bill nothing.
pub(crate) async fn preview(
    cx: &Cx<'_>,
    (customer, sub): (&Value, &Value),
    (items, prorations): (&[Value], &[Value]),
    (period, reason): ((i64, i64), &str),
    id: Option<&str>,
) -> ApiResult<Option<Value>> {
    let currency = items
        .first()
        .and_then(|i| i["price"]["currency"].as_str())
        .or_else(|| sub["currency"].as_str())
        .unwrap_or("usd");
    let subscription = Some(sub).filter(|s| !s.is_null());
    let mut invoice = draft(
        id.unwrap_or_default(),
        customer,
        period.0,
        currency,
        reason,
        subscription,
    );
    invoice["customer_tax_ids"] = customer_tax_ids(cx, &invoice).await?;
    // Stripe's order: pending invoice items first, newest first (the proposed prorations are
    // the newest), then the period's lines.
    let mut lines = Vec::new();
    for item in prorations {
        // Not stored: no invoice item to name, and an id of the preview's.
        let mut line = item_line(&invoice, item);
        line["id"] = Value::Null;
        if let Some(line) = line.as_object_mut() {
            line.shift_remove("invoice_item");
        }
        lines.push(line);
    }
    for item in pending_items(cx, customer, sub["id"].as_str()).await? {
        lines.push(item_line(&invoice, &item));
    }
    lines.extend(period_lines(cx, items, sub, &invoice, period, false).await?);
    if lines.is_empty() {
        return Ok(None);
    }
    let seed = format!("{}:{}", customer["id"], period.0);
    for (n, line) in lines.iter_mut().enumerate() {
        if line["id"].is_null() {
            line["id"] = json!(format!(
                "il_tmp_{}",
                ids::base62(&format!("{seed}:{n}"), 14)
            ));
        }
    }
    invoice["lines"]["data"] = Value::Array(lines);
    invoice["lines"]["url"] = json!("/v1/invoices/upcoming/lines");
    invoice["next_payment_attempt"] = json!(period.0);
    invoice["period_start"] = sub
        .get("current_period_start")
        .cloned()
        .unwrap_or(json!(period.0));
    invoice["period_end"] = json!(period.0);
    total(&mut invoice);
    // What the customer's balance would take once finalized.
    customer_balance::settle(customer, &mut invoice);
    total(&mut invoice);
    if id.is_none()
        && let Some(fields) = invoice.as_object_mut()
    {
        fields.shift_remove("id");
    }
    Ok(Some(invoice))
}

/// The period `items` bill from `start`: one interval of the first item's price.
pub(crate) fn next_period(items: &[Value], start: i64) -> (i64, i64) {
    let recurring = &items
        .first()
        .map_or(Value::Null, |i| i["price"]["recurring"].clone());
    let interval = recurring["interval"].as_str().unwrap_or("month");
    let count = recurring["interval_count"].as_i64().unwrap_or(1);
    (
        start,
        crate::clock::add_intervals(start, interval, count, 1),
    )
}

/// A preview's 404 when nothing would be billed: `invoice_upcoming_none`.
pub(crate) fn none_upcoming(customer: &str) -> ApiError {
    ApiError::not_found(format!("No upcoming invoices for customer: {customer}"))
        .code("invoice_upcoming_none")
}

/// Finalizes a draft: `open`, a number, a payment intent for what is due.
pub(crate) async fn finalize(cx: &mut Cx<'_>, invoice: &mut Value, now: i64) -> ApiResult<()> {
    if invoice["status"] != "draft" {
        return Err(ApiError::state(
            "invoice_not_editable",
            "This invoice is already finalized, you can't re-finalize a non-draft invoice."
                .to_owned(),
        ));
    }
    let before = invoice.clone();
    // Stripe: the customer's tax ids until the invoice is finalized, no longer updated after.
    invoice["customer_tax_ids"] = customer_tax_ids(cx, invoice).await?;
    let customer_id = invoice["customer"].as_str().unwrap_or_default().to_owned();
    let mut customer = CUSTOMER.lock_named(cx, &customer_id, "customer").await?;
    let customer_before = customer.clone();
    let sequence = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let prefix = customer["invoice_prefix"]
        .as_str()
        .unwrap_or("ASYM")
        .to_owned();
    customer["next_invoice_sequence"] = json!(sequence + 1);
    customer_balance::apply_to_invoice(cx, &mut customer, invoice).await?;
    if customer["balance"] == customer_before["balance"] {
        cx.save(&customer)?;
    } else {
        cx.save_changed("customer.updated", &customer_before, &customer)
            .await?;
    }
    total(invoice);
    let id = invoice["id"].as_str().unwrap_or_default().to_owned();
    let public = cx.kit.config().public_url.clone();
    invoice["number"] = json!(format!("{prefix}-{sequence:04}"));
    invoice["status"] = json!("open");
    invoice["status_transitions"]["finalized_at"] = json!(now);
    invoice["effective_at"] = json!(now);
    invoice["hosted_invoice_url"] = json!(format!("{public}/invoices/{id}"));
    invoice["invoice_pdf"] = json!(format!("{public}/invoices/{id}/pdf"));
    if invoice["collection_method"] == "send_invoice" {
        let days = invoice["days_until_due"].as_i64().unwrap_or(30);
        invoice["due_date"] = json!(now + days * 86_400);
    }
    let due = invoice["amount_due"].as_i64().unwrap_or(0);
    if due > 0 {
        let currency = invoice["currency"].as_str().unwrap_or("usd").to_owned();
        let (mut intent, seq) = new_intent(cx, due, &currency, Some(&customer_id), now).await?;
        intent["invoice"] = json!(id);
        intent["description"] = json!(if invoice["subscription"].is_null() {
            "Invoice payment"
        } else {
            "Subscription creation"
        });
        cx.insert(seq, &intent)?;
        cx.emit("payment_intent.created", &intent, None).await?;
        invoice["payment_intent"] = intent["id"].clone();
    }
    total(invoice);
    cx.save_changed("invoice.finalized", &before, invoice)
        .await?;
    Ok(())
}
