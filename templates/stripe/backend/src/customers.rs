//! Customers: create, retrieve, update, delete, list (with `email`), search.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::MAX_INVOICE_SEQUENCE;
use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::kinds::{CUSTOMER, TEST_CLOCK};
use crate::model::customer::new_customer;
use crate::model::customer_balance::{self, Entry};
use crate::model::subscription::customer_now;
use crate::model::{discount, method, source, tax_id};
use crate::params::{Nested, Params, Takes, apply_metadata};
use crate::shapes::{ADDRESS, SHIPPING};
use asym_kit::Kit;

/// Customers: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/customers" => post(create), get(list);
        "/v1/customers/search" => get(CUSTOMER.search);
        "/v1/customers/{id}" => get(retrieve, 1), post(update, 1), delete(delete, 1);
        "/v1/customers/{id}/discount" => delete(delete_discount, 1);
    }
}

/// What a customer's create and update both serve.
#[rustfmt::skip]
const SERVED: &[&str] = &[
    "address", "balance", "coupon", "description", "email", "invoice_prefix", "invoice_settings",
    "metadata", "name", "next_invoice_sequence", "payment_method", "phone", "preferred_locales",
    "promotion_code", "shipping", "source", "tax_exempt",
];

/// What Stripe takes on a customer's create and update that this clone does not serve: cash
/// balances, Stripe Tax and tax ids, the split of `name`.
#[rustfmt::skip]
const UNSERVED: &[&str] = &[
    "business_name", "cash_balance", "individual_name", "tax", "validate",
];

/// What `POST /v1/customers` takes.
const CREATE: Takes = Takes {
    route: "customer creation",
    serves: &[SERVED, &["test_clock", "tax_id_data"]],
    refuses: &[UNSERVED],
    nested: CREATE_NESTED,
};

/// What `POST /v1/customers/{id}` takes.
const UPDATE: Takes = Takes {
    route: "customer updates",
    serves: &[SERVED, &["default_source"]],
    refuses: &[UNSERVED],
    nested: NESTED,
};

/// The hashes a customer's create and update check inside.
const NESTED: Nested = &[
    ("address", &ADDRESS),
    ("shipping", &SHIPPING),
    ("invoice_settings", &INVOICE_SETTINGS),
];

/// The hashes a customer's create checks inside: an update's and each `tax_id_data`.
const CREATE_NESTED: Nested = &[
    ("address", &ADDRESS),
    ("shipping", &SHIPPING),
    ("invoice_settings", &INVOICE_SETTINGS),
    ("tax_id_data", &TAX_ID_DATA),
];

/// One of a new customer's `tax_id_data`.
const TAX_ID_DATA: Takes = Takes::serving("customer creation", &[&["type", "value"]]);

/// What a customer's `invoice_settings` take (all served: kept as sent).
const INVOICE_SETTINGS: Takes = Takes {
    route: "customers",
    serves: &[&[
        "custom_fields",
        "default_payment_method",
        "footer",
        "rendering_options",
    ]],
    refuses: &[],
    nested: &[
        ("custom_fields", &CUSTOM_FIELD),
        ("rendering_options", &RENDERING_OPTIONS),
    ],
};

/// One of `invoice_settings[custom_fields]`.
const CUSTOM_FIELD: Takes = Takes::serving("customers", &[&["name", "value"]]);

/// `invoice_settings[rendering_options]`.
const RENDERING_OPTIONS: Takes =
    Takes::serving("customers", &[&["amount_tax_display", "template"]]);
/// Copies the plain fields of a create/update request onto `customer`.
fn apply(customer: &mut Value, params: &Params) -> ApiResult<()> {
    params.copy_nullable(customer, &["description", "email", "name", "phone"])?;
    for key in ["address", "shipping"] {
        match params.get(key) {
            None => {}
            Some(Value::String(s)) if s.is_empty() => customer[key] = Value::Null,
            Some(Value::Object(map)) => customer[key] = Value::Object(map.clone()),
            Some(_) => {
                return Err(ApiError::invalid_param(
                    key,
                    format!("Invalid object: {key}"),
                ));
            }
        }
    }
    if let Some(locales) = params.strings("preferred_locales")? {
        customer["preferred_locales"] = json!(locales);
    }
    if let Some(exempt) = params.str("tax_exempt")? {
        if !["none", "exempt", "reverse", ""].contains(&exempt) {
            return Err(ApiError::invalid_param(
                "tax_exempt",
                format!(
                    "Invalid tax_exempt: must be one of none, exempt, or reverse (got {exempt})"
                ),
            ));
        }
        customer["tax_exempt"] = json!(if exempt.is_empty() { "none" } else { exempt });
    }
    if let Some(prefix) = params.str("invoice_prefix")? {
        customer["invoice_prefix"] = json!(prefix.to_uppercase());
    }
    if let Some(n) = params.int_within("next_invoice_sequence", (1, MAX_INVOICE_SEQUENCE))? {
        customer["next_invoice_sequence"] = json!(n);
    }
    apply_metadata(customer, params)
}

/// Sets `customer`'s `balance` when the request names one, recording the difference as a
/// customer balance transaction of type `kind` (`initial` on create, `adjustment` after).
async fn set_balance(
    cx: &Cx<'_>,
    customer: &mut Value,
    params: &Params,
    kind: &str,
) -> ApiResult<()> {
    let Some(balance) = params.amount("balance", -MAX_AMOUNT)? else {
        return Ok(());
    };
    let amount = balance - customer["balance"].as_i64().unwrap_or(0);
    if amount == 0 {
        return Ok(());
    }
    let currency = customer["currency"].as_str().unwrap_or("usd").to_owned();
    let entry = Entry {
        amount,
        currency: &currency,
        kind,
        invoice: None,
        description: None,
    };
    customer_balance::record(cx, customer, &entry).await?;
    Ok(())
}

/// Applies `invoice_settings[…]` after the default payment method was checked. `attached` is
/// what the request's own `payment_method` attached: naming the same reference (Stripe's
/// documented `payment_method=pm_card_visa` with
/// `invoice_settings[default_payment_method]=pm_card_visa`) makes that method the default.
async fn apply_invoice_settings(
    cx: &mut Cx<'_>,
    customer: &mut Value,
    attached: Option<(&str, &Value)>,
) -> ApiResult<()> {
    let Some(settings) = cx.params.hash("invoice_settings")?.cloned() else {
        return Ok(());
    };
    for (key, value) in settings {
        match key.as_str() {
            "default_payment_method" => {
                let pm = value.as_str().unwrap_or_default();
                if pm.is_empty() {
                    customer["invoice_settings"]["default_payment_method"] = Value::Null;
                } else {
                    let id = customer["id"].as_str().unwrap_or_default().to_owned();
                    let method = match attached {
                        Some((reference, method)) if reference == pm => method.clone(),
                        _ => {
                            method::resolve(cx, pm, "invoice_settings[default_payment_method]")
                                .await?
                        }
                    };
                    let method_id = method["id"].as_str().unwrap_or_default().to_owned();
                    if method["customer"].as_str() != Some(id.as_str()) {
                        return Err(ApiError::invalid_param(
                            "invoice_settings[default_payment_method]",
                            format!(
                                "The customer does not have a payment method with the ID {method_id}. \
                                 The payment method must be attached to the customer."
                            ),
                        ));
                    }
                    customer["invoice_settings"]["default_payment_method"] = json!(method_id);
                }
            }
            // `footer`, `custom_fields`, `rendering_options` ([`INVOICE_SETTINGS`] refused
            // any other key).
            _ => {
                customer["invoice_settings"][key.as_str()] = match value {
                    Value::String(s) if s.is_empty() => Value::Null,
                    other => other,
                };
            }
        }
    }
    Ok(())
}

/// Attaches the request's `payment_method` to `customer`: the reference as given and the
/// method it attached.
async fn attach_given<'p>(
    cx: &mut Cx<'_>,
    params: &'p Params,
    customer: &str,
) -> ApiResult<Option<(&'p str, Value)>> {
    let Some(pm) = params.str("payment_method")?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    Ok(Some((
        pm,
        method::attach(cx, pm, customer, "payment_method").await?,
    )))
}

/// `POST /v1/customers`.
pub(crate) async fn create(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let clock = match cx.params.str("test_clock")?.filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => Some(
            cx.fetch(TEST_CLOCK.object, "test clock", id, "test_clock", false)
                .await?,
        ),
    };
    let (id, seq) = cx.new_id("cus_").await?;
    let created = clock
        .as_ref()
        .and_then(|c| c["frozen_time"].as_i64())
        .unwrap_or(cx.now);
    let mut customer = new_customer(&id, created, clock.as_ref().map(|c| c["id"].clone()));
    let params = cx.params.clone();
    apply(&mut customer, &params)?;
    if asks_discount(&params) {
        discount::change(cx, &params, &mut customer, None, created).await?;
    }
    set_balance(cx, &mut customer, &params, "initial").await?;
    cx.insert(seq, &customer)?;
    for (n, data) in params
        .array("tax_id_data")?
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Value::Object(data) = data else {
            return Err(ApiError::invalid_param(
                &format!("tax_id_data[{n}]"),
                format!("Invalid object: tax_id_data[{n}]"),
            ));
        };
        tax_id::new_tax_id(cx, data, &format!("tax_id_data[{n}]"), Some(&id)).await?;
    }
    let attached = attach_given(cx, &params, &id).await?;
    if params.has("invoice_settings") {
        apply_invoice_settings(cx, &mut customer, attached.as_ref().map(|(r, m)| (*r, m))).await?;
        cx.save(&customer)?;
    }
    if let Some(reference) = params.str("source")?.filter(|s| !s.is_empty()) {
        source::add(cx, &mut customer, reference, "source").await?;
        cx.save(&customer)?;
    }
    cx.emit("customer.created", &customer, None).await?;
    Ok(customer)
}

/// `GET /v1/customers/{id}`: a deleted customer answers `{id, object, deleted: true}`.
pub(crate) async fn retrieve(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    if let Some(customer) = cx.get("customer", id, false).await? {
        return Ok(customer);
    }
    if cx.exists_deleted("customer", id).await? {
        return Ok(json!({ "id": id, "object": "customer", "deleted": true }));
    }
    Err(ApiError::missing_resource("customer", id, "id"))
}

/// The live customer `id`, locked, or `resource_missing`.
pub(crate) async fn fetch(cx: &Cx<'_>, id: &str, param: &str) -> ApiResult<Value> {
    CUSTOMER.lock_named(cx, id, param).await
}

/// `POST /v1/customers/{id}`.
pub(crate) async fn update(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&UPDATE)?;
    let mut customer = fetch(cx, id, "id").await?;
    let before = customer.clone();
    let params = cx.params.clone();
    apply(&mut customer, &params)?;
    set_balance(cx, &mut customer, &params, "adjustment").await?;
    let attached = attach_given(cx, &params, id).await?;
    apply_invoice_settings(cx, &mut customer, attached.as_ref().map(|(r, m)| (*r, m))).await?;
    change_sources(cx, &mut customer, &params).await?;
    if asks_discount(&params) {
        let now = customer_now(cx, &customer).await?;
        discount::change(cx, &params, &mut customer, None, now).await?;
    }
    cx.save_if_changed("customer.updated", &before, customer)
        .await
}

/// An update's `source` (a token: its card added and made the default, the previous default
/// deleted, as Stripe's API reference says) and `default_source` (one of the customer's
/// cards, else `No such source` naming it).
async fn change_sources(cx: &Cx<'_>, customer: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(reference) = params.str("source")?.filter(|s| !s.is_empty()) {
        let old = customer["default_source"].take();
        source::add(cx, customer, reference, "source").await?;
        if let Some(old) = old.as_str() {
            let card = source::of_customer(cx, customer, old).await?;
            source::remove(cx, customer, &card).await?;
        }
    }
    if let Some(id) = params.str("default_source")? {
        customer["default_source"] = if id.is_empty() {
            Value::Null
        } else {
            let card = source::of_customer(cx, customer, id).await;
            card.map_err(|e| e.param("default_source"))?["id"].clone()
        };
    }
    Ok(())
}

/// Whether a create or update names a coupon or promotion code (most do not: they pay
/// nothing for discounts).
fn asks_discount(params: &Params) -> bool {
    params.has("coupon") || params.has("promotion_code")
}

/// `DELETE /v1/customers/{id}/discount`.
pub(crate) async fn delete_discount(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let customer = fetch(cx, id, "id").await?;
    discount::delete_from(cx, customer, "customer.updated").await
}

/// `DELETE /v1/customers/{id}`: cancels the customer's subscriptions and detaches its methods.
pub(crate) async fn delete(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let customer = fetch(cx, id, "id").await?;
    for mut sub in cx
        .all("subscription", &[("customer = {}", id.to_owned())])
        .await?
    {
        if sub["status"] != "canceled" && sub["status"] != "incomplete_expired" {
            let before = sub.clone();
            sub["status"] = json!("canceled");
            sub["canceled_at"] = json!(cx.now);
            sub["ended_at"] = json!(cx.now);
            cx.save_changed("customer.subscription.deleted", &before, &sub)
                .await?;
        }
    }
    cx.delete(id).await?;
    cx.emit("customer.deleted", &customer, None).await?;
    Ok(json!({ "id": id, "object": "customer", "deleted": true }))
}

/// `GET /v1/customers` (`email`, `created`, `test_clock`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["email", "test_clock"])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(email) = cx.params.str("email")? {
        if email.len() > 512 {
            return Err(ApiError::invalid_param("email", "Invalid email: too long"));
        }
        filters.push(("data->>'email' = {}", email.to_owned()));
    }
    if let Some(clock) = cx.params.str("test_clock")? {
        filters.push(("data->>'test_clock' = {}", clock.to_owned()));
    }
    cx.created_filters(&mut filters)?;
    CUSTOMER.list(cx, &filters).await
}
