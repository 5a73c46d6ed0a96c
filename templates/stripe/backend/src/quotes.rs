//! Quotes (`/v1/quotes`): a draft of prices for a customer, finalized (`open`, numbered),
//! then accepted — which starts the subscription of its recurring lines (one-time lines on
//! its first invoice) or makes the invoice of its one-time lines — or canceled. Lines are
//! checkout's (`checkout::line_items`), the subscription is `model::subscribe`'s.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::bounds::{MAX_DAYS_UNTIL_DUE, MAX_TRIAL_DAYS, int_within, timestamp_at};
use crate::checkout::{line_items, line_items_page};
use crate::cx::{Cx, allow_paging, allow_with, list_filters};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::invoices::{manual_invoice_made, push_item_line};
use crate::kinds::{CUSTOMER, QUOTE};
use crate::model::discount::{self, Holder, Source};
use crate::model::invoice::new_invoice;
use crate::model::invoice_item::{Billed, describe, invoice_item};
use crate::model::subscription::customer_now;
use crate::model::{schedule, subscribe, tax};
use crate::params::{Params, Takes, apply_metadata, merge_metadata};
use crate::shapes::ITEM_RECURRING;
use asym_kit::Kit;

/// Quotes: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/quotes" => post(create_quote), get(list_quotes);
        "/v1/quotes/{id}" => get(retrieve_quote, 1), post(update_quote, 1);
        "/v1/quotes/{id}/finalize" => post(finalize_quote, 1);
        "/v1/quotes/{id}/accept" => post(accept_quote, 1);
        "/v1/quotes/{id}/cancel" => post(cancel_quote, 1);
        "/v1/quotes/{id}/line_items" => get(quote_line_items, 1);
        "/v1/quotes/{id}/computed_upfront_line_items" => get(upfront_line_items, 1);
        "/v1/quotes/{id}/pdf" => get(quote_pdf, 1);
    }
}

/// How long a quote is open by default: 30 days, as Stripe's quote template sets it.
const DEFAULT_VALIDITY: i64 = 30 * 86_400;

/// A line's `price_data`: a price of an existing product, one-time or recurring.
#[rustfmt::skip]
const LINE_PRICE_DATA: Takes = Takes {
    route: "quote line items",
    serves: &[&[
        "currency", "product", "recurring", "tax_behavior", "unit_amount", "unit_amount_decimal",
    ]],
    refuses: &[],
    nested: &[("recurring", &ITEM_RECURRING)],
};

/// One of a create's `line_items`.
const LINE: Takes = Takes {
    route: "quote line items",
    serves: &[&["price", "price_data", "quantity", "tax_rates"]],
    refuses: &[&["discounts"]],
    nested: &[("price_data", &LINE_PRICE_DATA)],
};

/// One of an update's `line_items` (`id` keeps an existing line).
const LINE_UPDATE: Takes = Takes {
    route: "quote line items",
    serves: &[&["id", "price", "price_data", "quantity", "tax_rates"]],
    refuses: &[&["discounts"]],
    nested: &[("price_data", &LINE_PRICE_DATA)],
};

/// A quote's `invoice_settings`.
const INVOICE_SETTINGS: Takes = Takes {
    route: "quote invoice settings",
    serves: &[&["days_until_due"]],
    refuses: &[&["custom_fields", "description", "footer", "issuer"]],
    nested: &[],
};

/// What a create's and an update's `subscription_data` serve.
const SUBSCRIPTION_DATA_SERVED: &[&str] = &[
    "description",
    "effective_date",
    "metadata",
    "trial_period_days",
];

/// A create's `subscription_data`.
const SUBSCRIPTION_DATA: Takes = Takes {
    route: "quote subscription data",
    serves: &[SUBSCRIPTION_DATA_SERVED],
    refuses: &[&["billing_mode"]],
    nested: &[],
};

/// An update's `subscription_data` (no `billing_mode` there).
const SUBSCRIPTION_DATA_UPDATE: Takes =
    Takes::serving("quote subscription data", &[SUBSCRIPTION_DATA_SERVED]);

/// What a create and an update both serve.
#[rustfmt::skip]
const SERVED: &[&str] = &[
    "collection_method", "customer", "default_tax_rates", "description", "discounts",
    "expires_at", "footer", "header", "invoice_settings", "line_items", "metadata",
    "subscription_data",
];

/// What Stripe takes on both that the clone does not serve.
#[rustfmt::skip]
const UNSERVED: &[&str] = &[
    "application_fee_amount", "application_fee_percent", "automatic_tax", "customer_account",
    "on_behalf_of", "transfer_data",
];

/// One of a quote's `discounts`: a coupon or a promotion code (or the quote's own discount,
/// kept).
const DISCOUNT: Takes = Takes::serving(
    "quote discounts",
    &[&["coupon", "discount", "promotion_code"]],
);

/// What `POST /v1/quotes` takes.
const CREATE: Takes = Takes {
    route: "quote creation",
    serves: &[SERVED],
    refuses: &[UNSERVED, &["from_quote", "test_clock"]],
    nested: &[
        ("line_items", &LINE),
        ("invoice_settings", &INVOICE_SETTINGS),
        ("subscription_data", &SUBSCRIPTION_DATA),
        ("discounts", &DISCOUNT),
    ],
};

/// What `POST /v1/quotes/{id}` takes.
const UPDATE: Takes = Takes {
    route: "quote updates",
    serves: &[SERVED],
    refuses: &[UNSERVED],
    nested: &[
        ("line_items", &LINE_UPDATE),
        ("invoice_settings", &INVOICE_SETTINGS),
        ("subscription_data", &SUBSCRIPTION_DATA_UPDATE),
        ("discounts", &DISCOUNT),
    ],
};

/// The totals of no line.
fn no_totals() -> Value {
    json!({"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0})
}

/// A new draft quote `id` made at `now` (its customer and lines set by the caller).
fn new_quote(id: &str, now: i64) -> Value {
    json!({
        "id": id,
        "object": "quote",
        "amount_subtotal": 0,
        "amount_total": 0,
        "application": null,
        "application_fee_amount": null,
        "application_fee_percent": null,
        "automatic_tax": {"enabled": false, "liability": null, "provider": null, "status": null},
        "collection_method": "charge_automatically",
        "computed": {
            "recurring": null,
            "upfront": {"amount_subtotal": 0, "amount_total": 0, "total_details": no_totals()},
        },
        "created": now,
        "currency": null,
        "customer": null,
        "customer_account": null,
        "default_tax_rates": [],
        "description": null,
        "discounts": [],
        "expires_at": now + DEFAULT_VALIDITY,
        "footer": null,
        "from_quote": null,
        "header": null,
        "invoice": null,
        "invoice_settings": {"days_until_due": null, "issuer": {"type": "self"}},
        "livemode": false,
        "metadata": {},
        "number": null,
        "on_behalf_of": null,
        "status": "draft",
        "status_transitions": {"accepted_at": null, "canceled_at": null, "finalized_at": null},
        "subscription": null,
        "subscription_data": {
            "billing_mode": {"type": "classic"},
            "description": null,
            "effective_date": null,
            "metadata": null,
            "trial_period_days": null,
        },
        "subscription_schedule": null,
        "test_clock": null,
        "total_details": no_totals(),
        "transfer_data": null,
        "_line_items": [],
        "_default_tax_rates": [],
    })
}

/// The time on the quote's customer's clock (the wall clock without a customer).
async fn quote_now(cx: &Cx<'_>, quote: &Value) -> ApiResult<i64> {
    match quote["customer"].as_str() {
        Some(_) => customer_now(cx, &cx.customer_of(quote).await?).await,
        None => Ok(cx.now),
    }
}

/// `POST /v1/quotes`: a draft.
pub(crate) async fn create_quote(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    let (id, seq) = cx.new_id("qt_").await?;
    let mut quote = new_quote(&id, cx.now);
    apply(cx, &params, &mut quote).await?;
    let now = quote_now(cx, &quote).await?;
    quote["created"] = json!(now);
    if !params.has("expires_at") {
        quote["expires_at"] = json!(now + DEFAULT_VALIDITY);
    }
    cx.insert(seq, &quote)?;
    cx.emit("quote.created", &quote, None).await?;
    Ok(quote)
}

/// Applies a create's or an update's fields to a draft `quote`, and its totals.
async fn apply(cx: &mut Cx<'_>, params: &Params, quote: &mut Value) -> ApiResult<()> {
    if let Some(id) = params.str("customer")?.filter(|s| !s.is_empty()) {
        let customer = CUSTOMER.named(cx, id, "customer").await?;
        quote["customer"] = json!(id);
        quote["test_clock"] = customer["test_clock"].clone();
    }
    let methods = ["charge_automatically", "send_invoice"];
    if let Some(method) = params.one_of("collection_method", &methods)? {
        quote["collection_method"] = json!(method);
    }
    if let Some(settings) = params.hash("invoice_settings")? {
        let at = "invoice_settings[days_until_due]";
        let days = int_within(settings.get("days_until_due"), at, (0, MAX_DAYS_UNTIL_DUE))?;
        quote["invoice_settings"]["days_until_due"] = json!(days);
    }
    params.copy_nullable(quote, &["description", "footer", "header"])?;
    if let Some(expires) = params.timestamp("expires_at")? {
        check_expiry(quote, expires, quote_now(cx, quote).await?, "expires_at")?;
        quote["expires_at"] = json!(expires);
    }
    if let Some(rates) =
        tax::rates(cx, params.get("default_tax_rates"), "default_tax_rates").await?
    {
        quote["default_tax_rates"] = json!(ids(&rates));
        quote["_default_tax_rates"] = json!(rates);
    }
    if let Some(data) = params.hash("subscription_data")? {
        let data = Params(data.clone());
        let target = &mut quote["subscription_data"];
        if let Some(description) = data.nullable("description")? {
            target["description"] = description;
        }
        if let Some(meta) = data.get("metadata") {
            let mut holder = json!({"metadata": target["metadata"].take()});
            if !holder["metadata"].is_object() {
                holder["metadata"] = json!({});
            }
            merge_metadata(&mut holder, meta)?;
            target["metadata"] = holder["metadata"].take();
        }
        if data.has("trial_period_days") {
            let at = "subscription_data[trial_period_days]";
            let days = int_within(data.get("trial_period_days"), at, (0, MAX_TRIAL_DAYS))?;
            target["trial_period_days"] = json!(days);
        }
        if let Some(date) = data.get("effective_date") {
            target["effective_date"] = effective_date(date)?;
        }
    }
    apply_metadata(quote, params)?;
    if let Some(specs) = params.array("line_items")? {
        let specs = kept_lines(quote, specs)?;
        let (mut items, currency) = line_items(cx, &specs, None, Some(1)).await?;
        for (item, spec) in items.iter_mut().zip(&specs) {
            if let Some(id) = spec.get("id") {
                item["id"] = id.clone();
            }
        }
        check_intervals(&items)?;
        quote["currency"] = json!(currency);
        quote["_line_items"] = json!(items);
    }
    apply_discount(cx, params, quote).await?;
    compute(quote);
    Ok(())
}

/// A quote's `discounts` (one at a time, as on subscriptions): the coupon or promotion code
/// checked as its redemption would be and kept as the quote's discount (`_discount`, its id
/// in `discounts`); `discounts=` removes it. Redeemed when the quote is accepted.
async fn apply_discount(cx: &Cx<'_>, params: &Params, quote: &mut Value) -> ApiResult<()> {
    let Some(wanted) = discount::requested(params)? else {
        return Ok(());
    };
    let current = quote[QUOTED]["id"].as_str().map(str::to_owned);
    if let (Some(Source::Existing(id)), Some(current)) = (&wanted, &current)
        && id == current
    {
        return Ok(());
    }
    let mut found = None;
    if let Some(source) = &wanted {
        let upfront: i64 = upfront_lines(quote)
            .iter()
            .filter_map(|l| l["amount_subtotal"].as_i64())
            .sum();
        let currency = quote["currency"].as_str().unwrap_or("usd").to_owned();
        let holder = Holder {
            object: quote,
            first: Some((upfront, &currency)),
        };
        found = Some(discount::quoted(cx, source, &holder, quote_now(cx, quote).await?).await?);
    }
    if let Some(current) = current {
        cx.delete(&current).await?;
    }
    quote["discounts"] = json!(found.iter().map(|d| d["id"].clone()).collect::<Vec<_>>());
    quote[QUOTED] = found.unwrap_or(Value::Null);
    Ok(())
}

/// The quote's discount as a subscription's (or a phase's) `discounts` take it.
fn discount_spec(quote: &Value) -> Option<Value> {
    match quoted_source(quote)? {
        Source::PromotionCode(id, _) => Some(json!([{"promotion_code": id}])),
        Source::Coupon(id, _) => Some(json!([{"coupon": id}])),
        Source::Existing(_) => None,
    }
}

/// Where a quote keeps its discount (the stored `discount` object).
const QUOTED: &str = "_discount";

/// The quote's discount as a subscription's or an invoice's `discounts[0]` names it: its
/// promotion code, else its coupon.
fn quoted_source(quote: &Value) -> Option<Source> {
    let discount = &quote[QUOTED];
    let param = |key: &str| format!("discounts[0][{key}]");
    match (
        discount["promotion_code"].as_str(),
        discount["coupon"]["id"].as_str(),
    ) {
        (Some(promo), _) => Some(Source::PromotionCode(
            promo.to_owned(),
            param("promotion_code"),
        )),
        (None, Some(coupon)) => Some(Source::Coupon(coupon.to_owned(), param("coupon"))),
        _ => None,
    }
}

/// A `subscription_data[effective_date]`: a timestamp, or `null` sent empty.
/// `current_period_end` is for a quote that updates a subscription, which the clone does not
/// serve.
fn effective_date(date: &Value) -> ApiResult<Value> {
    let at = "subscription_data[effective_date]";
    match date.as_str() {
        Some("") => Ok(Value::Null),
        Some("current_period_end") => Err(ApiError::invalid_param(
            at,
            "This Stripe clone does not serve `current_period_end` as a quote's effective date: \
             it applies to a quote that updates a subscription (not implemented).",
        )),
        _ => Ok(json!(timestamp_at(Some(date), at)?)),
    }
}

/// The ids of `objects`.
fn ids(objects: &[Value]) -> Vec<Value> {
    objects.iter().map(|o| o["id"].clone()).collect()
}

/// Refuses an `expires_at` (named `param`) that is not after `now`.
fn check_expiry(quote: &Value, expires: i64, now: i64, param: &str) -> ApiResult<()> {
    if expires <= now {
        return Err(ApiError::invalid_param(
            param,
            format!(
                "The quote {} must expire in the future: `{param}` must be after the current \
                 time.",
                quote["id"].as_str().unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// An update's `line_items`: a line naming an existing one by `id` keeps its price, quantity
/// and tax rates unless it sends others; the rest are new lines.
fn kept_lines(quote: &Value, specs: &[Value]) -> ApiResult<Vec<Value>> {
    let existing = quote["_line_items"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let mut out = Vec::with_capacity(specs.len());
    for (n, spec) in specs.iter().enumerate() {
        let Some(id) = spec.get("id") else {
            out.push(spec.clone());
            continue;
        };
        let at = format!("line_items[{n}][id]");
        let id = crate::params::string_at(Some(id), &at)?.unwrap_or_default();
        let line = existing
            .iter()
            .find(|l| l["id"] == id)
            .ok_or_else(|| ApiError::missing_resource("line item", id, &at))?;
        let mut kept = Map::new();
        kept.insert("price".into(), line["price"]["id"].clone());
        kept.insert("quantity".into(), json!(line["quantity"].to_string()));
        let rates = line["_tax_rates"].as_array().cloned().unwrap_or_default();
        kept.insert(
            "tax_rates".into(),
            if rates.is_empty() {
                json!("")
            } else {
                json!(rates)
            },
        );
        if let Some(given) = spec.as_object() {
            if given.contains_key("price_data") {
                kept.remove("price");
            }
            kept.extend(given.clone());
        }
        out.push(Value::Object(kept));
    }
    Ok(out)
}

/// Refuses recurring lines of different billing intervals (a quote starts one subscription).
fn check_intervals(items: &[Value]) -> ApiResult<()> {
    let mut intervals = items
        .iter()
        .map(|i| &i["price"]["recurring"])
        .filter(|r| r.is_object())
        .map(|r| (&r["interval"], r["interval_count"].as_i64().unwrap_or(1)));
    if let Some(first) = intervals.next()
        && intervals.any(|other| other != first)
    {
        return Err(ApiError::invalid_param(
            "line_items",
            "All recurring line items of a quote must have the same billing interval.",
        ));
    }
    Ok(())
}

/// A line's subtotal, discount, tax and total, `off` taken off it: its own tax (in
/// proportion to what is left), or the quote's default tax rates' when it has none of its own.
fn line_amounts(line: &Value, defaults: &[Value], off: i64) -> [i64; 4] {
    let subtotal = line["amount_subtotal"].as_i64().unwrap_or(0);
    let left = subtotal - off;
    let own = line["_tax_rates"].as_array().is_some_and(|r| !r.is_empty());
    if own || defaults.is_empty() {
        let tax = line["amount_tax"].as_i64().unwrap_or(0);
        let exclusive = line["amount_total"].as_i64().unwrap_or(0) - subtotal;
        let part = |amount: i64| match subtotal {
            0 => 0,
            _ => (i128::from(amount) * i128::from(left) / i128::from(subtotal)) as i64,
        };
        return [subtotal, off, part(tax), left + part(exclusive)];
    }
    let (inclusive, exclusive) = tax::on_amount(defaults, left);
    [subtotal, off, inclusive + exclusive, left + exclusive]
}

/// Totals of some lines: `{amount_subtotal, amount_total, total_details}`.
#[derive(Default)]
struct Sums {
    subtotal: i64,
    discount: i64,
    tax: i64,
    total: i64,
}

impl Sums {
    /// The sums of `lines`, less what `coupon` (if any) takes off them.
    fn of(lines: &[&Value], defaults: &[Value], coupon: Option<&Value>) -> Self {
        let amounts: Vec<i64> = lines
            .iter()
            .map(|l| l["amount_subtotal"].as_i64().unwrap_or(0).max(0))
            .collect();
        let offs = match coupon {
            Some(coupon) => {
                let currency = lines.first().map(|l| &l["currency"]);
                let same = coupon["currency"].is_null() || currency == Some(&coupon["currency"]);
                discount::shares(coupon, &amounts, amounts.iter().sum(), same)
            }
            None => vec![0; lines.len()],
        };
        let mut sums = Self::default();
        for (line, off) in lines.iter().zip(offs) {
            let [subtotal, discount, tax, total] = line_amounts(line, defaults, off);
            sums.subtotal += subtotal;
            sums.discount += discount;
            sums.tax += tax;
            sums.total += total;
        }
        sums
    }

    fn value(&self) -> Value {
        json!({
            "amount_subtotal": self.subtotal,
            "amount_total": self.total,
            "total_details": {"amount_discount": self.discount, "amount_shipping": 0,
                              "amount_tax": self.tax},
        })
    }
}

/// Whether a quote's lines start with a trial (then its recurring lines bill nothing upfront).
fn has_trial(quote: &Value) -> bool {
    quote["subscription_data"]["trial_period_days"]
        .as_i64()
        .is_some_and(|d| d > 0)
}

/// The lines a quote bills on its first invoice: its one-time lines, and its recurring ones
/// unless a trial starts the subscription.
fn upfront_lines(quote: &Value) -> Vec<Value> {
    let trial = has_trial(quote);
    let lines = quote["_line_items"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    lines
        .iter()
        .filter(|l| !trial || l["price"]["type"] != "recurring")
        .cloned()
        .collect()
}

/// Sets a quote's totals from its lines: `amount_subtotal`, `amount_total` and
/// `total_details` of them all, `computed.upfront` of what its first invoice bills and
/// `computed.recurring` of what each period bills after it.
fn compute(quote: &mut Value) {
    let defaults = quote["_default_tax_rates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let lines = quote["_line_items"].as_array().cloned().unwrap_or_default();
    let coupon = Some(&quote[QUOTED]["coupon"]).filter(|c| c.is_object());
    // A `once` coupon discounts the first invoice only.
    let lasting = coupon.filter(|c| c["duration"] != "once");
    let periodic: Vec<&Value> = lines
        .iter()
        .filter(|l| l["price"]["type"] == "recurring")
        .collect();
    let all = Sums::of(&lines.iter().collect::<Vec<_>>(), &defaults, coupon);
    let recurring = Sums::of(&periodic, &defaults, lasting);
    let first = upfront_lines(quote);
    let upfront = Sums::of(&first.iter().collect::<Vec<_>>(), &defaults, coupon);
    quote["amount_subtotal"] = json!(all.subtotal);
    quote["amount_total"] = json!(all.total);
    quote["total_details"] = all.value()["total_details"].take();
    quote["computed"]["upfront"] = upfront.value();
    quote["computed"]["recurring"] = match lines.iter().find(|l| l["price"]["type"] == "recurring")
    {
        Some(line) => {
            let mut value = recurring.value();
            value["interval"] = line["price"]["recurring"]["interval"].clone();
            value["interval_count"] = line["price"]["recurring"]["interval_count"].clone();
            value
        }
        None => Value::Null,
    };
}

/// A draft or open quote past its `expires_at` is canceled (as Stripe cancels it then,
/// announced by `quote.canceled`).
async fn expire_if_due(cx: &Cx<'_>, quote: &mut Value) -> ApiResult<()> {
    if !matches!(quote["status"].as_str(), Some("draft" | "open")) {
        return Ok(());
    }
    let now = quote_now(cx, quote).await?;
    if quote["expires_at"].as_i64().is_some_and(|at| at <= now) {
        let before = quote.clone();
        quote["status"] = json!("canceled");
        quote["status_transitions"]["canceled_at"] = quote["expires_at"].clone();
        cx.save_changed("quote.canceled", &before, quote).await?;
    }
    Ok(())
}

/// The quote `id`, locked, canceled first if it has expired.
async fn current(cx: &Cx<'_>, id: &str) -> ApiResult<Value> {
    let mut quote = QUOTE.lock(cx, id).await?;
    expire_if_due(cx, &mut quote).await?;
    Ok(quote)
}

/// Refuses to `what` a quote whose status is not one of `allowed` (the clone's words).
fn check_status(quote: &Value, what: &str, allowed: &[&str]) -> ApiResult<()> {
    let status = quote["status"].as_str().unwrap_or_default();
    if allowed.contains(&status) {
        return Ok(());
    }
    let allowed: Vec<String> = allowed.iter().map(|s| format!("`{s}`")).collect();
    Err(ApiError::invalid(format!(
        "This quote cannot be {what} because its status is `{status}`: only a quote in {} \
         status can be.",
        allowed.join(" or ")
    )))
}

/// `GET /v1/quotes/{id}`.
pub(crate) async fn retrieve_quote(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    current(cx, id).await
}

/// `POST /v1/quotes/{id}`: a draft's fields; an open quote takes only a new `expires_at`.
pub(crate) async fn update_quote(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&UPDATE)?;
    let params = cx.params.clone();
    let mut quote = current(cx, id).await?;
    let before = quote.clone();
    if quote["status"] == "open" {
        if let Some(other) = params
            .0
            .keys()
            .find(|k| !["expires_at", "expand"].contains(&k.as_str()))
        {
            return Err(ApiError::invalid_param(
                other,
                "An open quote can only have its `expires_at` updated; other fields can be \
                 changed while the quote is a draft.",
            ));
        }
        if let Some(expires) = params.timestamp("expires_at")? {
            check_expiry(&quote, expires, quote_now(cx, &quote).await?, "expires_at")?;
            quote["expires_at"] = json!(expires);
        }
        cx.save(&quote)?;
        return Ok(quote);
    }
    check_status(&quote, "updated", &["draft"])?;
    apply(cx, &params, &mut quote).await?;
    if quote != before {
        cx.save(&quote)?;
    }
    Ok(quote)
}

/// `GET /v1/quotes` (`customer`, `status`, `test_clock`).
pub(crate) async fn list_quotes(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["customer", "status", "test_clock"])?;
    cx.params
        .one_of("status", &["accepted", "canceled", "draft", "open"])?;
    let filters = list_filters(
        cx,
        &[
            ("customer", "customer = {}"),
            ("status", "data->>'status' = {}"),
            ("test_clock", "data->>'test_clock' = {}"),
        ],
    )?;
    QUOTE.list(cx, &filters).await
}

/// `POST /v1/quotes/{id}/finalize` (`expires_at`): a draft with a customer and lines becomes
/// `open`, numbered `QT-<the customer's invoice prefix>-<its quote count>-1`.
pub(crate) async fn finalize_quote(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params
        .take(&Takes::serving("quote finalization", &[&["expires_at"]]))?;
    let mut quote = current(cx, id).await?;
    check_status(&quote, "finalized", &["draft"])?;
    let Some(customer_id) = quote["customer"].as_str().map(str::to_owned) else {
        return Err(ApiError::invalid_param(
            "customer",
            "A quote needs a customer before it can be finalized.",
        ));
    };
    if quote["_line_items"].as_array().is_none_or(Vec::is_empty) {
        return Err(ApiError::invalid_param(
            "line_items",
            "A quote needs at least one line item before it can be finalized.",
        ));
    }
    let now = quote_now(cx, &quote).await?;
    if let Some(expires) = cx.params.timestamp("expires_at")? {
        check_expiry(&quote, expires, now, "expires_at")?;
        quote["expires_at"] = json!(expires);
    }
    let before = quote.clone();
    let customer = CUSTOMER.named(cx, &customer_id, "customer").await?;
    let numbered = cx
        .all("quote", &[("customer = {}", customer_id)])
        .await?
        .iter()
        .filter(|q| q["number"].is_string())
        .count();
    let prefix = customer["invoice_prefix"].as_str().unwrap_or("ASYM");
    quote["number"] = json!(format!("QT-{prefix}-{:04}-1", numbered + 1));
    quote["status"] = json!("open");
    quote["status_transitions"]["finalized_at"] = json!(now);
    cx.save_changed("quote.finalized", &before, &quote).await?;
    Ok(quote)
}

/// `POST /v1/quotes/{id}/accept`: an open quote is accepted. With recurring lines it starts
/// their subscription (`quote.subscription`; one-time lines are added to its first invoice,
/// `quote.invoice`), else it makes a draft invoice of its lines (`quote.invoice`).
pub(crate) async fn accept_quote(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut quote = current(cx, id).await?;
    check_status(&quote, "accepted", &["open"])?;
    let before = quote.clone();
    let customer = cx.customer_of(&quote).await?;
    let now = customer_now(cx, &customer).await?;
    let lines = quote["_line_items"].as_array().cloned().unwrap_or_default();
    let recurring = lines.iter().any(|l| l["price"]["type"] == "recurring");
    let effective = quote["subscription_data"]["effective_date"].as_i64();
    if let Some(start) = effective.filter(|at| recurring && *at > now) {
        let sched = scheduled(cx, &quote, (&customer, &lines), (start, now)).await?;
        quote["subscription_schedule"] = sched["id"].clone();
    } else if recurring {
        let sub = subscribe::create(cx, &subscription_params(&quote, &lines), None).await?;
        quote["subscription"] = sub["id"].clone();
        quote["invoice"] = sub["latest_invoice"].clone();
    } else {
        let invoice = one_time_invoice(cx, &quote, (&customer, &lines), now).await?;
        quote["invoice"] = invoice["id"].clone();
    }
    quote["status"] = json!("accepted");
    quote["status_transitions"]["accepted_at"] = json!(now);
    cx.save_changed("quote.accepted", &before, &quote).await?;
    Ok(quote)
}

/// What `POST /v1/subscriptions` is sent for an accepted quote's lines.
fn subscription_params(quote: &Value, lines: &[Value]) -> Params {
    let (recurring, once): (Vec<&Value>, Vec<&Value>) = lines
        .iter()
        .partition(|l| l["price"]["type"] == "recurring");
    let mut params = json!({
        "customer": quote["customer"],
        "items": recurring.into_iter().map(subscribe::line_spec).collect::<Vec<_>>(),
        "collection_method": quote["collection_method"],
    });
    if !once.is_empty() {
        params["add_invoice_items"] = json!(
            once.into_iter()
                .map(subscribe::line_spec)
                .collect::<Vec<_>>()
        );
    }
    if quote["collection_method"] == "send_invoice" {
        let days = quote["invoice_settings"]["days_until_due"]
            .as_i64()
            .unwrap_or(30);
        params["days_until_due"] = json!(days.to_string());
    }
    let data = &quote["subscription_data"];
    if data["description"].is_string() {
        params["description"] = data["description"].clone();
    }
    if data["metadata"].is_object() {
        params["metadata"] = data["metadata"].clone();
    }
    if let Some(days) = data["trial_period_days"].as_i64() {
        params["trial_period_days"] = json!(days.to_string());
    }
    if let Some(rates) = quote["default_tax_rates"]
        .as_array()
        .filter(|r| !r.is_empty())
    {
        params["default_tax_rates"] = json!(rates);
    }
    if let Some(discounts) = discount_spec(quote) {
        params["discounts"] = discounts;
    }
    Params(params.as_object().cloned().unwrap_or_default())
}

/// The subscription schedule an accepted quote with a future `subscription_data[effective_date]`
/// (`start`) makes for `customer`: one phase of its `lines` from then, its first invoice
/// billing the one-time ones, released at its end (so the subscription goes on). Not served:
/// lines of a price made from `price_data`, tax rates (the phases take none).
async fn scheduled(
    cx: &Cx<'_>,
    quote: &Value,
    (customer, lines): (&Value, &[Value]),
    (start, now): (i64, i64),
) -> ApiResult {
    let taxed = lines
        .iter()
        .any(|l| l["_tax_rates"].as_array().is_some_and(|r| !r.is_empty()));
    if taxed
        || quote["default_tax_rates"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
        || lines.iter().any(|l| l["price"]["active"] == false)
    {
        return Err(ApiError::invalid_param(
            "subscription_data[effective_date]",
            "This Stripe clone does not serve a quote's subscription schedule (a future \
             `effective_date`) with tax rates or lines of `price_data` (not implemented).",
        ));
    }
    let spec =
        |line: &Value| schedule::spec_of(&line["price"]["id"], &line["quantity"], &json!({}));
    let (recurring, once): (Vec<&Value>, Vec<&Value>) = lines
        .iter()
        .partition(|l| l["price"]["type"] == "recurring");
    let data = &quote["subscription_data"];
    let mut phase = json!({
        "items": recurring.into_iter().map(spec).collect::<Vec<_>>(),
        "add_invoice_items": once.into_iter().map(spec).collect::<Vec<_>>(),
    });
    for key in ["metadata", "description"] {
        if !data[key].is_null() {
            phase[key] = data[key].clone();
        }
    }
    if let Some(days) = data["trial_period_days"].as_i64().filter(|d| *d > 0) {
        phase["trial_end"] = json!((start + days * 86_400).to_string());
    }
    if let Some(discounts) = discount_spec(quote) {
        phase["discounts"] = discounts;
    }
    let phases = schedule::phases(cx, &[phase], start).await?;
    let (id, seq) = cx.new_id("sub_sched_").await?;
    let mut sched = schedule::new_schedule(&id, customer, now);
    sched["phases"] = json!(phases);
    let defaults = &mut sched["default_settings"];
    defaults["collection_method"] = quote["collection_method"].clone();
    if quote["collection_method"] == "send_invoice" {
        let days = quote["invoice_settings"]["days_until_due"].as_i64();
        defaults["invoice_settings"]["days_until_due"] = json!(days.unwrap_or(30));
    }
    cx.insert(seq, &sched)?;
    cx.emit("subscription_schedule.created", &sched, None)
        .await?;
    Ok(sched)
}

/// The draft invoice an accepted quote of one-time `lines` makes for `customer`: an invoice
/// item per line, the quote's collection method, due days, description, footer and default
/// tax rates.
async fn one_time_invoice(
    cx: &mut Cx<'_>,
    quote: &Value,
    (customer, lines): (&Value, &[Value]),
    now: i64,
) -> ApiResult {
    let currency = quote["currency"].as_str().unwrap_or("usd");
    let mut invoice = new_invoice(cx, customer, now, currency, "manual", None).await?;
    invoice["collection_method"] = quote["collection_method"].clone();
    if quote["collection_method"] == "send_invoice" {
        invoice["days_until_due"] = json!(
            quote["invoice_settings"]["days_until_due"]
                .as_i64()
                .unwrap_or(30)
        );
    }
    invoice["default_tax_rates"] = quote["_default_tax_rates"].clone();
    for key in ["description", "footer"] {
        invoice[key] = quote[key].clone();
    }
    if let Some(source) = quoted_source(quote) {
        discount::redeem_onto_invoice(cx, &source, &mut invoice, now).await?;
    }
    let invoice_id = invoice["id"].clone();
    for (n, line) in lines.iter().enumerate() {
        let at = format!("line_items[{n}][tax_rates]");
        let rates = tax::rates(cx, line.get("_tax_rates"), &at).await?;
        let quantity = line["quantity"].as_i64().unwrap_or(1);
        let billed = Billed {
            customer,
            price: line["price"].clone(),
            currency: line["currency"].clone(),
            unit: line["price"]["unit_amount"].as_i64().unwrap_or(0),
            quantity,
            amount: line["amount_subtotal"].as_i64().unwrap_or(0),
            tax_rates: rates.unwrap_or_default(),
            subscription: Value::Null,
        };
        let mut item = invoice_item(billed, now);
        item["invoice"] = invoice_id.clone();
        describe(cx, &mut item).await?;
        let (id, seq) = cx.new_id("ii_").await?;
        item["id"] = json!(id);
        cx.insert(seq, &item)?;
        cx.emit("invoiceitem.created", &item, None).await?;
        push_item_line(&mut invoice, &item);
    }
    manual_invoice_made(cx, invoice, now).await
}

/// `POST /v1/quotes/{id}/cancel`: a draft or open quote is canceled.
pub(crate) async fn cancel_quote(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut quote = current(cx, id).await?;
    check_status(&quote, "canceled", &["draft", "open"])?;
    let before = quote.clone();
    let now = quote_now(cx, &quote).await?;
    quote["status"] = json!("canceled");
    quote["status_transitions"]["canceled_at"] = json!(now);
    cx.save_changed("quote.canceled", &before, &quote).await?;
    Ok(quote)
}

/// `GET /v1/quotes/{id}/line_items`.
pub(crate) async fn quote_line_items(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(cx, &[])?;
    let quote = QUOTE.find(cx, id).await?;
    line_items_page(cx, &quote)
}

/// `GET /v1/quotes/{id}/computed_upfront_line_items`: the lines its first invoice bills.
pub(crate) async fn upfront_line_items(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(cx, &[])?;
    let quote = QUOTE.find(cx, id).await?;
    let url = format!("/v1/quotes/{id}/computed_upfront_line_items");
    crate::cx::page_of(cx, &upfront_lines(&quote), &url)
}

/// `GET /v1/quotes/{id}/pdf`: not served (Stripe renders a PDF on its files host).
pub(crate) async fn quote_pdf(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    QUOTE.find(cx, id).await?;
    Err(ApiError::invalid(
        "This Stripe clone does not serve quote PDFs (GET /v1/quotes/{quote}/pdf, not \
         implemented).",
    ))
}
