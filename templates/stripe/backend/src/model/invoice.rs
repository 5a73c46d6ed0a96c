//! Invoices: a new draft, totals, the invoice of a subscription period, finalizing, paying.

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::kinds::{CUSTOMER, PAYMENT_INTENT};
use crate::model::closing::{UNCOLLECTIBLE, VOID, close};
use crate::model::intent::{Attempted, How, attempt, new_intent};
use crate::model::{customer_balance, discount, proration, tax, tiers};

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

/// The name of `price`'s product (empty when it is gone).
pub(crate) async fn product_name(cx: &Cx<'_>, price: &Value) -> ApiResult<String> {
    let product = price["product"].as_str().unwrap_or_default();
    Ok(match cx.get("product", product, false).await? {
        Some(p) => p["name"].as_str().unwrap_or_default().to_owned(),
        None => String::new(),
    })
}

/// The lines (without ids) billing `items` of subscription `sub` for the period
/// `(start, end)` on `invoice`: one per item, at no charge in a trial. They have no
/// `invoice_item` (Stripe's spec allows an id or an object there, not `null`).
async fn period_lines(
    cx: &Cx<'_>,
    items: &[Value],
    sub: &Value,
    invoice: &Value,
    (start, end): (i64, i64),
    trial: bool,
) -> ApiResult<Vec<Value>> {
    let currency = invoice["currency"].as_str().unwrap_or("usd");
    let mut lines = Vec::new();
    // Stripe lists a subscription's items in reverse chronological order.
    let mut items: Vec<&Value> = items.iter().collect();
    items.sort_by_key(|item| std::cmp::Reverse(item["created"].as_i64().unwrap_or(0)));
    for item in items {
        let quantity = item["quantity"].as_i64().unwrap_or(1);
        let product_name = product_name(cx, &item["price"]).await?;
        for bill in period_bills(&item["price"], quantity, currency, &product_name, trial) {
            let Bill {
                quantity,
                amount,
                description,
                unit,
            } = bill;
            lines.push(with_parent(json!({
                "id": null,
                "object": "line_item",
                "amount": amount,
                "amount_excluding_tax": amount,
                "currency": currency,
                "description": description,
                "discount_amounts": [],
                "discountable": true,
                "discounts": [],
                "invoice": invoice["id"],
                "livemode": false,
                "metadata": item["metadata"],
                "period": {"end": end, "start": start},
                "plan": item["plan"],
                "price": item["price"],
                "proration": false,
                "proration_details": {"credited_items": null},
                "quantity": quantity,
                "subscription": sub["id"],
                "subscription_item": item["id"],
                "subtotal": amount,
                "tax_amounts": [],
                "tax_rates": item["tax_rates"],
                "taxes": [],
                "type": "subscription",
                "unit_amount_excluding_tax": unit,
            })));
        }
    }
    Ok(lines)
}

/// What one line of a period bills: its quantity, amount, description and
/// `unit_amount_excluding_tax`.
struct Bill {
    quantity: i64,
    amount: i64,
    description: String,
    unit: Value,
}

/// The lines an item of `price` × `quantity` bills a period: one at its unit amount, at no
/// charge in a trial; for a tiered price, as Stripe bills them, a line for the units of each
/// tier reached ("31 × Product (Tier 2 at $0.036 / month)") and one for each such tier's flat
/// amount ("Product (Tier 1 at $9.00 / month)", quantity 0).
fn period_bills(
    price: &Value,
    quantity: i64,
    currency: &str,
    product_name: &str,
    trial: bool,
) -> Vec<Bill> {
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    let tiered = tiers::tiers_of(price).is_some();
    let unit = price["unit_amount"].as_i64().unwrap_or(0);
    if trial {
        return vec![Bill {
            quantity,
            amount: 0,
            description: format!("Trial period for {product_name}"),
            unit: if tiered {
                json!("0")
            } else {
                json!(unit.to_string())
            },
        }];
    }
    if !tiered {
        return vec![Bill {
            quantity,
            amount: unit * quantity,
            description: format!(
                "{quantity} × {product_name} (at {} / {interval})",
                money(unit, currency)
            ),
            unit: json!(unit.to_string()),
        }];
    }
    let mut bills = Vec::new();
    for segment in tiers::segments(price, quantity) {
        let n = segment.tier;
        bills.push(Bill {
            quantity: segment.quantity,
            amount: segment.units_amount,
            description: format!(
                "{} × {product_name} (Tier {n} at {} / {interval})",
                segment.quantity,
                segment.unit_money(currency)
            ),
            unit: json!(segment.unit_rounded().to_string()),
        });
        if let Some(flat) = segment.flat_amount {
            bills.push(Bill {
                quantity: 0,
                amount: flat,
                description: format!(
                    "{product_name} (Tier {n} at {} / {interval})",
                    money(flat, currency)
                ),
                unit: Value::Null,
            });
        }
    }
    bills
}

/// `line` with its `parent` (from 2025-03-31.basil, beside the older fields it gathers): the
/// subscription item that made it (`subscription_item_details`, with the invoice item of a
/// proration), or the invoice item (`invoice_item_details`).
fn with_parent(mut line: Value) -> Value {
    let mut details = json!({
        "invoice_item": line.get("invoice_item"),
        "proration": line["proration"],
        "proration_details": line["proration_details"],
        "subscription": line["subscription"],
    });
    let kind = if line["subscription_item"].is_string() {
        details["subscription_item"] = line["subscription_item"].clone();
        "subscription_item_details"
    } else {
        "invoice_item_details"
    };
    let mut parent = json!({
        "invoice_item_details": null,
        "subscription_item_details": null,
        "type": kind,
    });
    parent[kind] = details;
    line["parent"] = parent;
    line
}

/// The line an invoice item adds to `invoice` (a proration names its subscription item).
pub(crate) fn item_line(invoice: &Value, item: &Value) -> Value {
    let mut line = json!({
        "id": format!("il_{}", item["id"].as_str().unwrap_or_default().trim_start_matches("ii_")),
        "object": "line_item",
        "amount": item["amount"],
        "amount_excluding_tax": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        "discountable": item["discountable"] != false,
        "discounts": [],
        "invoice": invoice["id"],
        "invoice_item": item["id"],
        "livemode": false,
        "metadata": item["metadata"],
        "period": item["period"],
        "price": item["price"],
        "proration": item["proration"] == true,
        "proration_details": {"credited_items": item.get(proration::CREDITED)},
        "quantity": item["quantity"],
        "subscription": item["subscription"],
        "subtotal": item["amount"],
        "tax_amounts": [],
        "tax_rates": item["tax_rates"],
        "taxes": [],
        "type": "invoiceitem",
    });
    if let Some(si) = item.get("subscription_item") {
        line["subscription_item"] = si.clone();
    }
    with_parent(line)
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

/// Pays an open invoice with `method` (or marks a zero one paid), `off_session` when the
/// customer is away. `Ok(Some(402))` on a decline, or when the card asks for 3-D Secure
/// (the invoice's payment intent is left in `requires_action`); persisted: the attempt
/// counts.
pub(crate) async fn pay(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    method: Option<&str>,
    now: i64,
    out_of_band: bool,
    off_session: bool,
) -> ApiResult<Option<ApiError>> {
    let before = invoice.clone();
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    if due > 0 && !out_of_band {
        let method_id = method.ok_or_else(|| {
            ApiError::invalid("This customer has no attached payment source or default payment method. Please consider adding a default payment method.")
        })?;
        let pi_id = invoice["payment_intent"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut intent = PAYMENT_INTENT
            .lock_named(cx, &pi_id, "payment_intent")
            .await?;
        let pm = crate::model::method::resolve(cx, method_id, "payment_method").await?;
        intent["payment_method"] = pm["id"].clone();
        invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
        invoice["attempted"] = json!(true);
        let how = How {
            off_session,
            ..How::default()
        };
        let failure = match attempt(cx, &mut intent, &pm, &how).await? {
            Attempted::Charged => None,
            Attempted::Declined(err) => Some(("invoice.payment_failed", err)),
            Attempted::RequiresAction => Some((
                "invoice.payment_action_required",
                ApiError::card(
                    "invoice_payment_intent_requires_action",
                    None,
                    "This payment requires additional user action before it can be completed \
                     successfully. Payment can be completed using the PaymentIntent associated \
                     with the invoice. For more details see: \
                     https://stripe.com/docs/billing/subscriptions/overview#requires-action",
                )
                .persist(),
            )),
        };
        invoice["charge"] = intent["latest_charge"].clone();
        if let Some((event, err)) = failure {
            invoice["next_payment_attempt"] = Value::Null;
            cx.save_changed(event, &before, invoice).await?;
            return Ok(Some(err));
        }
        invoice["default_payment_method"] = Value::Null;
    }
    mark_paid(cx, invoice, &before, now, out_of_band).await?;
    Ok(None)
}

pub(crate) async fn mark_paid(
    cx: &mut Cx<'_>,
    invoice: &mut Value,
    before: &Value,
    now: i64,
    out_of_band: bool,
) -> ApiResult<()> {
    let due = invoice["amount_remaining"].as_i64().unwrap_or(0);
    invoice["amount_paid"] = json!(invoice["amount_paid"].as_i64().unwrap_or(0) + due);
    invoice["amount_remaining"] = json!(0);
    invoice["paid"] = json!(true);
    invoice["paid_out_of_band"] = json!(out_of_band);
    invoice["status"] = json!("paid");
    invoice["attempted"] = json!(true);
    invoice["status_transitions"]["paid_at"] = json!(now);
    cx.save_changed("invoice.paid", before, invoice).await?;
    cx.emit_changed("invoice.payment_succeeded", before, invoice)
        .await?;
    Ok(())
}

/// Called when a payment intent made for an invoice succeeds outside [`pay`] (the client
/// confirmed it): the invoice is paid and its subscription becomes active.
pub(crate) async fn intent_succeeded(cx: &mut Cx<'_>, intent: &Value) -> ApiResult<()> {
    let Some(invoice_id) = intent["invoice"].as_str() else {
        return Ok(());
    };
    let Some(mut invoice) = cx.get("invoice", invoice_id, true).await? else {
        return Ok(());
    };
    if invoice["status"] != "open" {
        return Ok(());
    }
    let before = invoice.clone();
    invoice["charge"] = intent["latest_charge"].clone();
    invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
    mark_paid(cx, &mut invoice, &before, cx.now, false).await?;
    activate_subscription(cx, &invoice, Some(&intent["payment_method"])).await
}

/// After `invoice` was paid: its subscription, if it was waiting on the payment, becomes
/// active, keeping `paid_with` as its default payment method when it saves the one it is
/// paid with.
pub(crate) async fn activate_subscription(
    cx: &Cx<'_>,
    invoice: &Value,
    paid_with: Option<&Value>,
) -> ApiResult<()> {
    if let Some(sub_id) = invoice["subscription"].as_str()
        && let Some(mut sub) = cx.get("subscription", sub_id, true).await?
        && matches!(
            sub["status"].as_str(),
            Some("incomplete" | "past_due" | "unpaid")
        )
    {
        let old = sub.clone();
        sub["status"] = json!("active");
        if let Some(method) = paid_with
            && sub["payment_settings"]["save_default_payment_method"] == "on_subscription"
        {
            sub["default_payment_method"] = method.clone();
        }
        cx.save_changed("customer.subscription.updated", &old, &sub)
            .await?;
    }
    Ok(())
}
