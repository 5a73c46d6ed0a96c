//! Tax rates: create, retrieve, update (the fields Stripe lets change; the objects embedding
//! the rate show the change), list. What they add to invoices is `model::tax`'s.

use axum::Router;
use serde_json::json;

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::TAX_RATE;
use crate::model::tax;
use crate::params::{Params, Takes, apply_metadata};
use asym_kit::Kit;

/// Tax rates: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/tax_rates" => post(create), get(list);
        "/v1/tax_rates/{id}" => get(TAX_RATE.retrieve, 1), post(update, 1);
    }
}

/// What an update may change (`percentage` and `inclusive` are fixed once created: Stripe
/// answers `parameter_unknown` for them).
#[rustfmt::skip]
const MUTABLE: &[&str] = &[
    "active", "country", "description", "display_name", "jurisdiction", "metadata", "state",
    "tax_type",
];

/// Stripe's `tax_type` values.
#[rustfmt::skip]
const TAX_TYPES: &[&str] = &[
    "admissions_tax", "amusement_tax", "attendance_tax", "communications_tax",
    "digital_excise_tax", "entertainment_tax", "get_fund", "gross_receipts_tax", "gst",
    "hospitality_tax", "hst", "igst", "jct", "lease_tax", "luxury_tax",
    "mass_transit_parking_tax", "nhil", "parking_tax", "pst", "qst", "resort_tax",
    "retail_delivery_fee", "rst", "sales_tax", "service_tax", "tourism_tax",
    "utility_users_tax", "vat",
];

/// Copies the mutable fields a create or update sends onto `rate`.
fn apply(rate: &mut serde_json::Value, params: &Params) -> ApiResult<()> {
    if let Some(active) = params.bool("active")? {
        rate["active"] = json!(active);
    }
    if let Some(name) = params.str("display_name")? {
        if name.is_empty() {
            return Err(ApiError::missing("display_name"));
        }
        rate["display_name"] = json!(name);
    }
    params.copy_nullable(rate, &["country", "description", "jurisdiction", "state"])?;
    if let Some(kind) = params.one_of("tax_type", TAX_TYPES)? {
        rate["tax_type"] = if kind.is_empty() {
            serde_json::Value::Null
        } else {
            json!(kind)
        };
    }
    apply_metadata(rate, params)
}

/// `percentage`: a number from 0 to 100.
fn percentage(params: &Params) -> ApiResult<f64> {
    let text = params.required("percentage")?;
    let percent: f64 = text
        .parse()
        .map_err(|_| ApiError::invalid_param("percentage", format!("Invalid decimal: {text}")))?;
    if !(0.0..=100.0).contains(&percent) {
        return Err(ApiError::invalid_param(
            "percentage",
            "The percentage must be between 0 and 100.",
        ));
    }
    Ok(percent)
}

/// `POST /v1/tax_rates` (`display_name`, `percentage`, `inclusive` required).
pub(crate) async fn create(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&Takes::serving(
        "tax rate creation",
        &[MUTABLE, &["percentage", "inclusive"]],
    ))?;
    let params = cx.params.clone();
    params.required("display_name")?;
    let percentage = percentage(&params)?;
    let inclusive = params
        .bool("inclusive")?
        .ok_or_else(|| ApiError::missing("inclusive"))?;
    let (id, seq) = cx.new_id("txr_").await?;
    let mut rate = json!({
        "id": id,
        "object": "tax_rate",
        "active": true,
        "country": null,
        "created": cx.now,
        "description": null,
        "display_name": null,
        // Stripe Tax's fields: `null` on a rate made by hand.
        "effective_percentage": null,
        "flat_amount": null,
        "inclusive": inclusive,
        "jurisdiction": null,
        "jurisdiction_level": null,
        "livemode": false,
        "metadata": {},
        "percentage": percentage,
        "rate_type": null,
        "state": null,
        "tax_type": null,
    });
    apply(&mut rate, &params)?;
    cx.insert(seq, &rate)?;
    cx.emit("tax_rate.created", &rate, None).await?;
    Ok(rate)
}

/// `POST /v1/tax_rates/{id}`: only the fields of [`MUTABLE`].
pub(crate) async fn update(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut rate) = TAX_RATE
        .for_update(cx, id, &Takes::serving("tax rate updates", &[MUTABLE]))
        .await?;
    let before = rate.clone();
    apply(&mut rate, &params)?;
    if rate != before {
        tax::refresh(cx, &rate).await?;
    }
    cx.save_if_changed("tax_rate.updated", &before, rate).await
}

/// `GET /v1/tax_rates` (`active`, `inclusive`, `created`).
pub(crate) async fn list(cx: &mut Cx<'_>) -> ApiResult {
    // Both are booleans: checked as such, then matched as their JSON text.
    cx.params.bool("active")?;
    cx.params.bool("inclusive")?;
    let keys = [
        ("active", "data->>'active' = {}"),
        ("inclusive", "data->>'inclusive' = {}"),
    ];
    TAX_RATE.list_by(cx, &keys, &[]).await
}
