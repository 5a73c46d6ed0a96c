//! Checkout sessions (create, retrieve, list, line items, expire) and billing portal sessions.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::cx::{Cx, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CHECKOUT_SESSION, CUSTOMER, PORTAL_CONFIGURATION, PRICE, PRODUCT};
use crate::model::subscription::quantity_at;
use crate::model::{checkout, price, tax};
use crate::params::{Takes, apply_metadata, string_at};
use crate::portal::DEFAULT_CONFIGURATION;
use crate::shapes::ITEM_RECURRING;
use asym_kit::Kit;

/// Checkout and billing portal sessions: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/checkout/sessions" => post(create_session), get(list_sessions);
        "/v1/checkout/sessions/{id}" => get(retrieve_session, 2);
        "/v1/checkout/sessions/{id}/line_items" => get(session_line_items, 2);
        "/v1/checkout/sessions/{id}/expire" => post(expire_session, 2);
        "/v1/billing_portal/sessions" => post(create_portal_session);
    }
}

/// What `POST /v1/checkout/sessions` takes. What only shapes the checkout page or what
/// completing it makes (collection, consent, custom fields,
/// the payment intent's, setup intent's or subscription's data, …) is refused by name.
#[rustfmt::skip]
const SESSION_CREATE: Takes = Takes {
    route: "checkout session creation",
    serves: &[&[
        "mode", "line_items", "success_url", "cancel_url", "customer", "customer_email",
        "client_reference_id", "metadata", "payment_method_types", "currency", "expires_at",
        "customer_creation",
        "allow_promotion_codes", "billing_address_collection", "locale", "ui_mode",
        "submit_type", "discounts",
    ]],
    refuses: &[&[
        "adaptive_pricing", "after_expiration", "allowed_payment_method_types", "automatic_tax",
        "branding_settings", "consent_collection", "custom_fields", "custom_text",
        "customer_account", "customer_update",
        "excluded_payment_method_types", "integration_identifier", "invoice_creation",
        "managed_payments", "name_collection", "optional_items", "origin_context",
        "payment_intent_data", "payment_method_collection", "payment_method_configuration",
        "payment_method_data", "payment_method_options", "permissions",
        "phone_number_collection", "redirect_on_completion", "return_url",
        "saved_payment_method_options", "setup_intent_data", "shipping_address_collection",
        "shipping_options", "subscription_data", "tax_id_collection", "wallet_options",
    ]],
    nested: &[("line_items", &LINE_ITEM), ("discounts", &SESSION_DISCOUNT)],
};

/// One of a session's `line_items`: a price (by id or `price_data`), its quantity and tax
/// rates. Adjustable quantities and metadata are refused by name, as are dynamic tax rates
/// (which stripe-python 16.1 does not list there, and sessions refused before).
const LINE_ITEM: Takes = Takes {
    route: "checkout sessions",
    serves: &[&["price", "price_data", "quantity", "tax_rates"]],
    refuses: &[&["adjustable_quantity", "dynamic_tax_rates", "metadata"]],
    nested: &[("price_data", &LINE_PRICE_DATA)],
};

/// A line item's `price_data`, its product by id or by `product_data`.
#[rustfmt::skip]
const LINE_PRICE_DATA: Takes = Takes {
    route: "checkout sessions",
    serves: &[&[
        "currency", "product", "product_data", "recurring", "tax_behavior", "unit_amount",
        "unit_amount_decimal",
    ]],
    refuses: &[],
    nested: &[("product_data", &LINE_PRODUCT_DATA), ("recurring", &ITEM_RECURRING)],
};

/// A line item's `product_data`: the product's name and description.
#[rustfmt::skip]
const LINE_PRODUCT_DATA: Takes = Takes {
    route: "checkout sessions",
    serves: &[&["name", "description"]],
    refuses: &[&["images", "metadata", "tax_code", "tax_details", "unit_label"]],
    nested: &[],
};

/// One of a session's `discounts` (refused whole after this check: see [`create_session`]).
const SESSION_DISCOUNT: Takes =
    Takes::serving("checkout sessions", &[&["coupon", "promotion_code"]]);

/// `POST /v1/checkout/sessions`.
pub(crate) async fn create_session(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&SESSION_CREATE)?;
    let params = cx.params.clone();
    if params
        .array("discounts")
        .ok()
        .flatten()
        .is_some_and(|d| !d.is_empty())
    {
        return Err(ApiError::invalid_param(
            "discounts",
            "This Stripe clone does not apply discounts to checkout sessions (not implemented); \
             use `allow_promotion_codes` or apply the coupon to the subscription.",
        ));
    }
    let mode = params.required("mode")?.to_owned();
    if !["payment", "subscription", "setup"].contains(&mode.as_str()) {
        return Err(ApiError::invalid_param(
            "mode",
            "Invalid mode: must be one of payment, setup, or subscription".to_owned(),
        ));
    }
    let customer = match params.str("customer")?.filter(|s| !s.is_empty()) {
        Some(id) => {
            CUSTOMER.named(cx, id, "customer").await?;
            Some(id.to_owned())
        }
        None => None,
    };
    let creation = params.one_of("customer_creation", &["always", "if_required"])?;
    if creation.is_some() && mode == "subscription" {
        return Err(ApiError::invalid_param(
            "customer_creation",
            "`customer_creation` can only be used in `payment` and `setup` mode.",
        ));
    }
    let creation = match creation {
        Some(given) => json!(given),
        None if customer.is_none() && mode == "payment" => json!("if_required"),
        None => Value::Null,
    };
    let specs = params.array("line_items")?.cloned().unwrap_or_default();
    if mode != "setup" && specs.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
    let currency: Option<String> = params.str("currency")?.map(str::to_lowercase);
    let (items, currency) = line_items(cx, &specs, currency, None).await?;
    if mode == "subscription" && !items.iter().any(|i| i["price"]["type"] == "recurring") {
        return Err(ApiError::invalid_param(
            "line_items",
            "You must provide at least one recurring price in `subscription` mode when using prices.",
        ));
    }
    if mode == "payment" && items.iter().any(|i| i["price"]["type"] == "recurring") {
        return Err(ApiError::invalid_param(
            "line_items",
            "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
        ));
    }
    let sum = |key: &str| -> i64 { items.iter().filter_map(|i| i[key].as_i64()).sum() };
    let (subtotal, tax, total) = (
        sum("amount_subtotal"),
        sum("amount_tax"),
        sum("amount_total"),
    );
    let (id, seq) = cx.new_id("cs_test_").await?;
    let expires_at = params.timestamp("expires_at")?.unwrap_or(cx.now + 86_400);
    let public = cx.kit.config().public_url.clone();
    let mut session = json!({
        "id": id,
        "object": "checkout.session",
        "after_expiration": null,
        "allow_promotion_codes": params.bool("allow_promotion_codes")?,
        "amount_subtotal": if mode == "setup" { Value::Null } else { json!(subtotal) },
        "amount_total": if mode == "setup" { Value::Null } else { json!(total) },
        "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "billing_address_collection": params.str("billing_address_collection")?,
        "cancel_url": params.url("cancel_url")?,
        "client_reference_id": params.str("client_reference_id")?.filter(|s| !s.is_empty()),
        "client_secret": null,
        "consent": null,
        "consent_collection": null,
        "created": cx.now,
        "currency": currency,
        "custom_fields": [],
        "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "customer": customer,
        "customer_creation": creation,
        "customer_details": params.str("customer_email")?.map(|e| json!({"address": null, "email": e, "name": null, "phone": null, "tax_exempt": "none", "tax_ids": null})),
        "customer_email": params.str("customer_email")?,
        "expires_at": expires_at,
        "invoice": null,
        "invoice_creation": null,
        "livemode": false,
        "locale": params.str("locale")?,
        "metadata": {},
        "mode": mode,
        "payment_intent": null,
        "payment_link": null,
        "payment_method_collection": if mode == "payment" { Value::Null } else { json!("always") },
        "payment_method_configuration_details": null,
        "payment_method_options": {},
        "payment_method_types": params.strings("payment_method_types")?.unwrap_or_else(|| vec!["card".to_owned()]),
        "payment_status": if mode == "setup" { "no_payment_required" } else { "unpaid" },
        "phone_number_collection": {"enabled": false},
        "recovered_from": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_details": null,
        "shipping_options": [],
        "status": "open",
        "submit_type": params.str("submit_type")?,
        "subscription": null,
        "success_url": params.url("success_url")?,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": tax},
        "ui_mode": params.str("ui_mode")?.unwrap_or("hosted"),
        "url": format!("{public}{}{id}", checkout::PAY_PATH),
        "_line_items": items,
    });
    apply_metadata(&mut session, &params)?;
    cx.insert(seq, &session)?;
    Ok(session)
}

/// The line items `specs` describe (`line_items[n]` of a checkout session or a quote), all in
/// one currency (`currency` when given), and that currency. A line without a `quantity` has
/// `default_quantity` (sessions have none: it is required there).
pub(crate) async fn line_items(
    cx: &mut Cx<'_>,
    specs: &[Value],
    mut currency: Option<String>,
    default_quantity: Option<i64>,
) -> ApiResult<(Vec<Value>, Option<String>)> {
    let mut items = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_param("line_items", "Invalid array"))?;
        let item = line_item(cx, spec, index, default_quantity).await?;
        let item_currency = item["currency"].as_str().unwrap_or("usd").to_owned();
        if currency.as_deref().is_some_and(|c| c != item_currency) {
            return Err(ApiError::invalid_param(
                "line_items",
                "All line items must have the same currency.",
            ));
        }
        currency = Some(item_currency);
        items.push(item);
    }
    Ok((items, currency))
}

/// One line item, `line_items[index]`: its price (by id or `price_data`), quantity, tax rates
/// (kept beside it as `_tax_rates`) and amounts.
async fn line_item(
    cx: &mut Cx<'_>,
    spec: &Map<String, Value>,
    index: usize,
    default_quantity: Option<i64>,
) -> ApiResult<Value> {
    let param = format!("line_items[{index}]");
    let price = match (spec.get("price"), spec.get("price_data")) {
        (Some(v), _) => {
            let id = string_at(Some(v), &format!("{param}[price]"))?.unwrap_or_default();
            PRICE.named(cx, id, &format!("{param}[price]")).await?
        }
        (None, Some(Value::Object(data))) => {
            let product = match (data.get("product"), data.get("product_data")) {
                (Some(Value::String(p)), _) => {
                    PRODUCT
                        .named(cx, p, &format!("{param}[price_data][product]"))
                        .await?;
                    p.clone()
                }
                (None, Some(Value::Object(pd))) => {
                    let name = string_at(
                        pd.get("name"),
                        &format!("{param}[price_data][product_data][name]"),
                    )?
                    .ok_or_else(|| {
                        ApiError::missing(&format!("{param}[price_data][product_data][name]"))
                    })?
                    .to_owned();
                    let (id, seq) = cx.new_id("prod_").await?;
                    let product = json!({
                        "id": id, "object": "product", "active": false, "attributes": [], "created": cx.now,
                        "default_price": null, "description": pd.get("description").cloned().unwrap_or(Value::Null),
                        "images": [], "livemode": false, "marketing_features": [], "metadata": {}, "name": name,
                        "package_dimensions": null, "shippable": null, "statement_descriptor": null,
                        "tax_code": null, "type": "service", "unit_label": null, "updated": cx.now, "url": null,
                    });
                    cx.insert(seq, &product)?;
                    id
                }
                _ => return Err(ApiError::missing(&format!("{param}[price_data][product]"))),
            };
            let mut price =
                price::new_price(cx, data, &product, &format!("{param}[price_data]")).await?;
            price["active"] = json!(false);
            cx.save(&price)?;
            price
        }
        _ => return Err(ApiError::missing(&format!("{param}[price]"))),
    };
    let quantity = quantity_at(spec.get("quantity"), &format!("{param}[quantity]"))?;
    let quantity = quantity
        .or(default_quantity)
        .ok_or_else(|| ApiError::missing(&format!("{param}[quantity]")))?;
    let rates = tax::rates(cx, spec.get("tax_rates"), &format!("{param}[tax_rates]"))
        .await?
        .unwrap_or_default();
    tax::check_behavior(&price, &rates)?;
    // A session pays its total in one payment: a line above Stripe's largest is refused
    // rather than overflowing.
    let subtotal =
        crate::model::tiers::line_total(&price, quantity, &format!("{param}[quantity]"))?;
    let (inclusive, exclusive) = tax::on_amount(&rates, subtotal);
    let description = match cx
        .get_any(price["product"].as_str().unwrap_or_default())
        .await?
    {
        Some(p) => p["name"].clone(),
        None => Value::Null,
    };
    let (id, _) = cx.new_id("li_").await?;
    Ok(json!({
        "id": id,
        "object": "item",
        "amount_discount": 0,
        // As an invoice's `subtotal`: inclusive tax in, exclusive tax out.
        "amount_subtotal": subtotal,
        "amount_tax": inclusive + exclusive,
        "amount_total": subtotal + exclusive,
        "currency": price["currency"],
        "description": description,
        "price": price,
        "quantity": quantity,
        "_tax_rates": rates.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
    }))
}

/// The `line_items` list of a stored checkout session or quote (kept beside it as
/// `_line_items`).
pub(crate) fn line_items_value(holder: &Map<String, Value>) -> Value {
    let field = |key: &str| holder.get(key).and_then(Value::as_str).unwrap_or_default();
    let url = match field("object") {
        "quote" => format!("/v1/quotes/{}/line_items", field("id")),
        "payment_link" => format!("/v1/payment_links/{}/line_items", field("id")),
        _ => format!("/v1/checkout/sessions/{}/line_items", field("id")),
    };
    let items = holder
        .get("_line_items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    crate::cx::list_value(items, false, &url)
}

/// `GET /v1/checkout/sessions/{id}`.
pub(crate) async fn retrieve_session(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    checkout::current(cx, id).await
}

/// `GET /v1/checkout/sessions/{id}/line_items`.
pub(crate) async fn session_line_items(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(cx, &[])?;
    let session = CHECKOUT_SESSION.find(cx, id).await?;
    line_items_page(cx, &session)
}

/// A page of the line items of `holder`, a checkout session or a quote.
pub(crate) fn line_items_page(cx: &Cx<'_>, holder: &Value) -> ApiResult {
    let list = holder
        .as_object()
        .map(line_items_value)
        .unwrap_or(Value::Null);
    let items = list["data"].as_array().map_or(&[][..], Vec::as_slice);
    crate::cx::page_of(cx, items, list["url"].as_str().unwrap_or_default())
}

/// `POST /v1/checkout/sessions/{id}/expire`.
pub(crate) async fn expire_session(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let mut session = CHECKOUT_SESSION.lock(cx, id).await?;
    if session["status"] != "open" {
        return Err(ApiError::invalid(format!(
            "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{}\".",
            session["status"].as_str().unwrap_or_default()
        )));
    }
    let before = session.clone();
    session["status"] = json!("expired");
    cx.save_changed("checkout.session.expired", &before, &session)
        .await?;
    Ok(session)
}

/// `GET /v1/checkout/sessions` (`customer`, `payment_intent`, `subscription`, `status`).
pub(crate) async fn list_sessions(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("customer", "customer = {}"),
        ("payment_intent", "data->>'payment_intent' = {}"),
        ("subscription", "data->>'subscription' = {}"),
        ("status", "data->>'status' = {}"),
    ];
    let ignored = ["customer_details", "payment_link"];
    CHECKOUT_SESSION.list_by(cx, &keys, &ignored).await
}

/// `POST /v1/billing_portal/sessions` (`customer`, `return_url`).
pub(crate) async fn create_portal_session(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&Takes {
        route: "billing portal session creation",
        serves: &[&["customer", "return_url", "configuration", "locale"]],
        refuses: &[&[
            "after_expiration",
            "customer_account",
            "flow_data",
            "on_behalf_of",
        ]],
        nested: &[],
    })?;
    let customer = cx.params.required("customer")?.to_owned();
    CUSTOMER.named(cx, &customer, "customer").await?;
    let return_url = cx.params.url("return_url")?.map(str::to_owned);
    let configuration = match cx.params.str("configuration")?.filter(|s| !s.is_empty()) {
        Some(id) => {
            let config = PORTAL_CONFIGURATION.named(cx, id, "configuration").await?;
            if config["active"] == false {
                return Err(ApiError::invalid_param(
                    "configuration",
                    format!("The configuration {id} is not active."),
                ));
            }
            id.to_owned()
        }
        None => DEFAULT_CONFIGURATION.to_owned(),
    };
    let locale = cx.params.str("locale")?.map(str::to_owned);
    let (id, seq) = cx.new_id("bps_").await?;
    let public = cx.kit.config().public_url.clone();
    let session = json!({
        "id": id,
        "object": "billing_portal.session",
        "configuration": configuration,
        "created": cx.now,
        "customer": customer,
        "flow": null,
        "livemode": false,
        "locale": locale,
        "on_behalf_of": null,
        "return_url": return_url,
        "url": format!("{public}/p/session/{id}"),
    });
    cx.insert(seq, &session)?;
    Ok(session)
}
