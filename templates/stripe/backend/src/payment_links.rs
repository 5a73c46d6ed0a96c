//! Payment links (`/v1/payment_links`): a shareable `https://buy.stripe.com/test_…` address
//! selling line items of prices (one-time and recurring together, as Stripe allows), with
//! what the buyer sees after paying (`after_completion`); retrieved, updated (`active`,
//! `metadata`, `after_completion`, line quantities), listed, and their line items listed.
//! Lines are checkout's (`checkout::line_items`).

use axum::Router;
use serde_json::{Value, json};

use crate::checkout::{line_items, line_items_page};
use crate::cx::{Cx, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{PAYMENT_LINK, PRICE};
use crate::params::{Params, Takes, apply_metadata, string_at};
use asym_kit::Kit;

/// Payment links: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/payment_links" => post(create_link), get(list_links);
        "/v1/payment_links/{id}" => get(PAYMENT_LINK.retrieve, 1), post(update_link, 1);
        "/v1/payment_links/{id}/line_items" => get(link_line_items, 1);
    }
}

/// `after_completion` on a create and an update.
const AFTER_COMPLETION: Takes = Takes {
    route: "payment link after_completion",
    serves: &[&["hosted_confirmation", "redirect", "type"]],
    refuses: &[],
    nested: &[
        ("hosted_confirmation", &HOSTED_CONFIRMATION),
        ("redirect", &REDIRECT),
    ],
};

/// `after_completion[hosted_confirmation]`.
const HOSTED_CONFIRMATION: Takes =
    Takes::serving("payment link after_completion", &[&["custom_message"]]);

/// `after_completion[redirect]`.
const REDIRECT: Takes = Takes::serving("payment link after_completion", &[&["url"]]);

/// One of a create's `line_items`.
const LINE: Takes = Takes {
    route: "payment link line items",
    serves: &[&["price", "price_data", "quantity"]],
    refuses: &[&["adjustable_quantity"]],
    nested: &[],
};

/// One of an update's `line_items`: an existing line by `id`, its new `quantity`.
const LINE_UPDATE: Takes = Takes {
    route: "payment link line items",
    serves: &[&["id", "quantity"]],
    refuses: &[&["adjustable_quantity"]],
    nested: &[],
};

/// What Stripe takes on both a create and an update that the clone does not serve.
#[rustfmt::skip]
const UNSERVED: &[&str] = &[
    "allow_promotion_codes", "application_fee_amount", "application_fee_percent",
    "automatic_tax", "billing_address_collection", "consent_collection", "custom_fields",
    "custom_text", "customer_creation", "inactive_message", "invoice_creation",
    "name_collection", "on_behalf_of", "optional_items", "payment_intent_data",
    "payment_method_collection", "payment_method_options", "payment_method_types",
    "phone_number_collection", "restrictions", "shipping_address_collection",
    "shipping_options", "submit_type", "subscription_data", "tax_id_collection",
    "transfer_data",
];

/// What `POST /v1/payment_links` takes.
const CREATE: Takes = Takes {
    route: "payment link creation",
    serves: &[&["after_completion", "line_items", "metadata"]],
    refuses: &[UNSERVED, &["currency", "managed_payments"]],
    nested: &[
        ("after_completion", &AFTER_COMPLETION),
        ("line_items", &LINE),
    ],
};

/// What `POST /v1/payment_links/{id}` takes.
const UPDATE: Takes = Takes {
    route: "payment link updates",
    serves: &[&["active", "after_completion", "line_items", "metadata"]],
    refuses: &[UNSERVED],
    nested: &[
        ("after_completion", &AFTER_COMPLETION),
        ("line_items", &LINE_UPDATE),
    ],
};

/// A new active payment link `id` made at `now` (its lines set by the caller), at a `url` of
/// Stripe's form (`https://buy.stripe.com/test_` and 20 letters and digits).
fn new_link(id: &str, now: i64) -> Value {
    // Derived from the id, as the id is from its sequence: a reset clone hands out the same.
    let url = format!("https://buy.stripe.com/test_{}", crate::ids::base62(id, 20));
    json!({
        "id": id,
        "object": "payment_link",
        "active": true,
        "after_completion": {"hosted_confirmation": {"custom_message": null}, "type": "hosted_confirmation"},
        "allow_promotion_codes": false,
        "application": null,
        "application_fee_amount": null,
        "application_fee_percent": null,
        "automatic_tax": {"enabled": false, "liability": null},
        "billing_address_collection": "auto",
        "consent_collection": null,
        "created": now,
        "currency": "usd",
        "custom_fields": [],
        "custom_text": {
            "after_submit": null,
            "shipping_address": null,
            "submit": null,
            "terms_of_service_acceptance": null,
        },
        "customer_creation": "if_required",
        "inactive_message": null,
        "invoice_creation": null,
        "livemode": false,
        "metadata": {},
        "on_behalf_of": null,
        "optional_items": null,
        "payment_intent_data": null,
        "payment_method_collection": "always",
        "payment_method_types": null,
        "phone_number_collection": {"enabled": false},
        "restrictions": null,
        "shipping_address_collection": null,
        "shipping_options": [],
        "submit_type": "auto",
        "subscription_data": null,
        "tax_id_collection": {"enabled": false, "required": "never"},
        "transfer_data": null,
        "url": url,
        "_line_items": [],
    })
}

/// `POST /v1/payment_links`: `line_items` (required; each a price, active, or `price_data`,
/// with a quantity), `after_completion`, `metadata`.
pub(crate) async fn create_link(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    let specs = params
        .array("line_items")?
        .filter(|specs| !specs.is_empty())
        .ok_or_else(|| ApiError::missing("line_items"))?;
    for (n, spec) in specs.iter().enumerate() {
        check_active(cx, spec, n).await?;
    }
    let (items, currency) = line_items(cx, specs, None, None).await?;
    let (id, seq) = cx.new_id("plink_").await?;
    let mut link = new_link(&id, cx.now);
    link["currency"] = json!(currency.unwrap_or_else(|| "usd".to_owned()));
    link["_line_items"] = json!(items);
    apply(&mut link, &params)?;
    cx.insert(seq, &link)?;
    cx.emit("payment_link.created", &link, None).await?;
    Ok(link)
}

/// Refuses line `n`'s `price` when it is inactive, in Stripe's words.
async fn check_active(cx: &Cx<'_>, spec: &Value, n: usize) -> ApiResult<()> {
    let param = format!("line_items[{n}][price]");
    let Some(id) = string_at(spec.get("price"), &param)? else {
        return Ok(());
    };
    let price = PRICE.named(cx, id, &param).await?;
    if price["active"] == false {
        return Err(ApiError::invalid_param(
            &param,
            "The price specified is inactive. This field only accepts active prices.",
        ));
    }
    Ok(())
}

/// Applies a create's or an update's `after_completion` and `metadata` to `link`.
fn apply(link: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(after) = params.hash("after_completion")? {
        let after = Params(after.clone());
        let kind = after
            .one_of("type", &["hosted_confirmation", "redirect"])
            .map_err(|e| e.nested_in("after_completion"))?
            .ok_or_else(|| ApiError::missing("after_completion[type]"))?;
        link["after_completion"] = match kind {
            "redirect" => {
                let redirect = after.hash("redirect")?.cloned().unwrap_or_default();
                let url = Params(redirect)
                    .url("url")
                    .map_err(|e| e.nested_in("after_completion[redirect]"))?
                    .ok_or_else(|| ApiError::missing("after_completion[redirect][url]"))?
                    .to_owned();
                json!({"redirect": {"url": url}, "type": "redirect"})
            }
            _ => {
                let confirmation = after
                    .hash("hosted_confirmation")?
                    .cloned()
                    .unwrap_or_default();
                let message = Params(confirmation)
                    .nullable("custom_message")
                    .map_err(|e| e.nested_in("after_completion[hosted_confirmation]"))?
                    .unwrap_or(Value::Null);
                json!({
                    "hosted_confirmation": {"custom_message": message},
                    "type": "hosted_confirmation",
                })
            }
        };
    }
    apply_metadata(link, params)
}

/// `POST /v1/payment_links/{id}`: `active`, `after_completion`, `metadata`, and the
/// `quantity` of lines named by `id`.
pub(crate) async fn update_link(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut link) = PAYMENT_LINK.for_update(cx, id, &UPDATE).await?;
    let before = link.clone();
    if let Some(active) = params.bool("active")? {
        link["active"] = json!(active);
    }
    if let Some(specs) = params.array("line_items")? {
        link["_line_items"] = json!(requantified(cx, &link, specs).await?);
    }
    apply(&mut link, &params)?;
    cx.save_if_changed("payment_link.updated", &before, link)
        .await
}

/// `link`'s lines with the quantities `specs` give the lines they name by `id` (each line
/// made again from its price, keeping its id); the lines not named are kept as they are.
async fn requantified(cx: &mut Cx<'_>, link: &Value, specs: &[Value]) -> ApiResult<Vec<Value>> {
    let mut lines = link["_line_items"].as_array().cloned().unwrap_or_default();
    for (n, spec) in specs.iter().enumerate() {
        let at = format!("line_items[{n}][id]");
        let line_id = string_at(spec.get("id"), &at)?.ok_or_else(|| ApiError::missing(&at))?;
        let Some(line) = lines.iter_mut().find(|l| l["id"] == line_id) else {
            return Err(ApiError::missing_resource("line item", line_id, &at));
        };
        let Some(quantity) = spec.get("quantity") else {
            continue;
        };
        let again = json!({"price": line["price"]["id"], "quantity": quantity});
        let (mut made, _) = line_items(cx, &[again], None, None).await.map_err(|e| {
            e.map_param(|p| Some(p.replace("line_items[0]", &format!("line_items[{n}]"))))
        })?;
        let mut remade = made.remove(0);
        remade["id"] = line["id"].clone();
        *line = remade;
    }
    Ok(lines)
}

/// `GET /v1/payment_links` (`active`, paging).
pub(crate) async fn list_links(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.bool("active")?;
    let keys = [("active", "data->>'active' = {}")];
    PAYMENT_LINK.list_by(cx, &keys, &[]).await
}

/// `GET /v1/payment_links/{id}/line_items`.
pub(crate) async fn link_line_items(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    allow_paging(cx, &[])?;
    let link = PAYMENT_LINK.find(cx, id).await?;
    line_items_page(cx, &link)
}
