//! Coupons (create with a custom or generated id, retrieve, update, delete, list) and
//! promotion codes (create, retrieve, update, list). Redeeming them onto customers and
//! subscriptions is `model::discount`'s.

use axum::Router;
use serde_json::{Value, json};

use crate::bounds::{MAX_MONTHS, amount_at, at_least_was};
use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::kinds::{COUPON, CUSTOMER, PROMOTION_CODE};
use crate::model::discount::coupon_valid;
use crate::params::{Params, Takes, apply_metadata, bool_at, hash_at, string_at};
use asym_kit::Kit;

/// Coupons and promotion codes: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/coupons" => post(create_coupon), get(list_coupons);
        "/v1/coupons/{id}" =>
            get(retrieve_coupon, 1), post(update_coupon, 1), delete(delete_coupon, 1);
        "/v1/promotion_codes" => post(create_promotion_code), get(list_promotion_codes);
        "/v1/promotion_codes/{id}" =>
            get(PROMOTION_CODE.retrieve, 1), post(update_promotion_code, 1);
    }
}

/// What `POST /v1/coupons` takes: amounts off in one currency.
#[rustfmt::skip]
const COUPON_CREATE: Takes = Takes {
    route: "coupon creation",
    serves: &[&[
        "id", "amount_off", "currency", "duration", "duration_in_months", "max_redemptions",
        "metadata", "name", "percent_off", "redeem_by", "applies_to",
    ]],
    refuses: &[&["currency_options"]],
    nested: &[("applies_to", &APPLIES_TO)],
};

/// `percent_off`: a number in (0, 100].
fn percent_off(params: &Params) -> ApiResult<Option<f64>> {
    let Some(text) = params.str("percent_off")?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let percent: f64 = text
        .parse()
        .map_err(|_| ApiError::invalid_param("percent_off", format!("Invalid decimal: {text}")))?;
    if !(percent > 0.0 && percent <= 100.0) {
        return Err(ApiError::invalid_param(
            "percent_off",
            "Percent off must be greater than 0 and less than or equal to 100.",
        ));
    }
    Ok(Some(percent))
}

/// A positive integer parameter of at most `max` (`max_redemptions`, `duration_in_months`,
/// `amount_off`).
fn positive(params: &Params, key: &str, max: i64) -> ApiResult<Option<i64>> {
    match params.int_within(key, (i64::MIN, max))? {
        Some(n) if n < 1 => Err(at_least_was(key, 1, n)),
        n => Ok(n),
    }
}

/// The coupon a create request describes, checked as Stripe checks it.
fn new_coupon(cx: &Cx<'_>, params: &Params, id: &str) -> ApiResult<Value> {
    let percent = percent_off(params)?;
    let amount = positive(params, "amount_off", MAX_AMOUNT)?;
    let currency = params.str("currency")?.filter(|s| !s.is_empty());
    match (percent, amount) {
        (None, None) => {
            return Err(ApiError::invalid(
                "You must pass either `percent_off` or `amount_off`.",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_param(
                "amount_off",
                "You may only specify one of these parameters: amount_off, percent_off.",
            ));
        }
        (None, Some(_)) if currency.is_none() => {
            return Err(ApiError::invalid_param(
                "currency",
                "You must pass a `currency` when creating a coupon with `amount_off`.",
            ));
        }
        _ => {}
    }
    let duration = params
        .one_of("duration", &["once", "repeating", "forever"])?
        .unwrap_or("once");
    let months = positive(params, "duration_in_months", MAX_MONTHS)?;
    match (duration, months) {
        ("repeating", None) => return Err(ApiError::missing("duration_in_months")),
        ("once" | "forever", Some(_)) => {
            return Err(ApiError::invalid_param(
                "duration_in_months",
                "You may only specify `duration_in_months` when `duration` is `repeating`.",
            ));
        }
        _ => {}
    }
    let redeem_by = params.timestamp("redeem_by")?;
    if redeem_by.is_some_and(|by| by <= cx.now) {
        return Err(ApiError::invalid_param(
            "redeem_by",
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
        ));
    }
    let applies_to = match params.hash("applies_to")? {
        None => Value::Null,
        Some(spec) => json!({"products": crate::params::Params(spec.clone()).strings("products")
            .map_err(|_| ApiError::invalid_param("applies_to[products]", "Invalid array"))?
            .unwrap_or_default()}),
    };
    let mut coupon = json!({
        "id": id,
        "object": "coupon",
        "amount_off": amount,
        "applies_to": applies_to,
        "created": cx.now,
        "currency": amount.and(currency.map(str::to_lowercase)),
        "duration": duration,
        "duration_in_months": months,
        "livemode": false,
        "max_redemptions": positive(params, "max_redemptions", i64::MAX)?,
        "metadata": {},
        "name": params.str("name")?.filter(|s| !s.is_empty()),
        "percent_off": percent,
        "redeem_by": redeem_by,
        "times_redeemed": 0,
        "valid": true,
    });
    if coupon["applies_to"].is_null()
        && let Some(map) = coupon.as_object_mut()
    {
        map.shift_remove("applies_to");
    }
    apply_metadata(&mut coupon, params)?;
    Ok(coupon)
}

/// `POST /v1/coupons`: with the request's `id`, or a generated one.
pub(crate) async fn create_coupon(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&COUPON_CREATE)?;
    let params = cx.params.clone();
    let (generated, seq) = cx.new_id("").await?;
    let id = match params.str("id")?.filter(|s| !s.is_empty()) {
        Some(custom) => {
            if cx.get_any(custom).await?.is_some() || cx.exists_deleted("coupon", custom).await? {
                return Err(ApiError::invalid_param("id", "Coupon already exists.")
                    .code("resource_already_exists"));
            }
            custom.to_owned()
        }
        // Stripe's generated coupon ids are 8 characters without a prefix.
        None => generated.chars().take(8).collect(),
    };
    let coupon = new_coupon(cx, &params, &id)?;
    cx.insert(seq, &coupon)?;
    cx.emit("coupon.created", &coupon, None).await?;
    Ok(coupon)
}

/// `GET /v1/coupons/{id}`: `valid` as of now.
pub(crate) async fn retrieve_coupon(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let mut coupon = COUPON.retrieve(cx, id).await?;
    coupon["valid"] = json!(coupon_valid(&coupon, cx.now));
    Ok(coupon)
}

/// `POST /v1/coupons/{id}`: only `name` and `metadata` change.
pub(crate) async fn update_coupon(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut coupon) = COUPON
        .for_update(
            cx,
            id,
            &Takes {
                route: "coupon updates",
                serves: &[&["name", "metadata"]],
                refuses: &[&["currency_options"]],
                nested: &[],
            },
        )
        .await?;
    let before = coupon.clone();
    params.copy_nullable(&mut coupon, &["name"])?;
    apply_metadata(&mut coupon, &params)?;
    cx.save_if_changed("coupon.updated", &before, coupon).await
}

/// `DELETE /v1/coupons/{id}`: discounts already redeemed keep it.
pub(crate) async fn delete_coupon(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let coupon = COUPON.lock(cx, id).await?;
    cx.delete(id).await?;
    cx.emit("coupon.deleted", &coupon, None).await?;
    Ok(json!({"id": id, "object": "coupon", "deleted": true}))
}

/// `GET /v1/coupons` (`created`).
pub(crate) async fn list_coupons(cx: &mut Cx<'_>) -> ApiResult {
    COUPON.list_by(cx, &[], &[]).await
}

/// A coupon's `applies_to`: the products it is for.
const APPLIES_TO: Takes = Takes::serving("coupons", &[&["products"]]);

/// A promotion code's `promotion`: the coupon it redeems.
const PROMOTION: Takes = Takes::serving("promotion codes", &[&["type", "coupon"]]);

/// A promotion code's `restrictions` as created.
#[rustfmt::skip]
const RESTRICTIONS: Takes = Takes::serving("promotion codes", &[&[
    "currency_options", "first_time_transaction", "minimum_amount", "minimum_amount_currency",
]]);

/// A promotion code's `restrictions` as updated: only its currency options.
const RESTRICTIONS_UPDATE: Takes = Takes::serving("promotion codes", &[&["currency_options"]]);

/// What `POST /v1/promotion_codes` takes (`coupon` is `promotion[coupon]` before
/// 2025-09-30.clover).
#[rustfmt::skip]
const PROMOTION_CREATE: Takes = Takes {
    route: "promotion code creation",
    serves: &[&[
        "coupon", "promotion", "code", "active", "customer", "expires_at", "max_redemptions",
        "metadata", "restrictions",
    ]],
    refuses: &[&["customer_account"]],
    nested: &[("promotion", &PROMOTION), ("restrictions", &RESTRICTIONS)],
};

/// The coupon a promotion code create names: `coupon` (before 2025-09-30.clover) or
/// `promotion[type]=coupon` with `promotion[coupon]` (from then on, what the SDKs here send).
fn promotion_coupon(params: &Params) -> ApiResult<(String, &'static str)> {
    if let Some(promotion) = params.hash("promotion")? {
        let kind = string_at(promotion.get("type"), "promotion[type]")?
            .ok_or_else(|| ApiError::missing("promotion[type]"))?;
        if kind != "coupon" {
            return Err(ApiError::invalid_param(
                "promotion[type]",
                format!("Invalid promotion[type]: must be one of coupon (got {kind})"),
            ));
        }
        let coupon = string_at(promotion.get("coupon"), "promotion[coupon]")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::missing("promotion[coupon]"))?;
        return Ok((coupon.to_owned(), "promotion[coupon]"));
    }
    match params.str("coupon")?.filter(|s| !s.is_empty()) {
        Some(coupon) => Ok((coupon.to_owned(), "coupon")),
        None => Err(ApiError::missing("promotion")),
    }
}

/// `restrictions[…]` of a promotion code create.
fn restrictions(params: &Params) -> ApiResult<Value> {
    let mut out = json!({
        "currency_options": {},
        "first_time_transaction": false,
        "minimum_amount": null,
        "minimum_amount_currency": null,
    });
    let Some(given) = params.hash("restrictions")? else {
        return Ok(out);
    };
    for (key, value) in given {
        let at = format!("restrictions[{key}]");
        match key.as_str() {
            "first_time_transaction" => out[key.as_str()] = json!(bool_at(Some(value), &at)?),
            "minimum_amount" => out[key.as_str()] = json!(amount_at(Some(value), &at, 0)?),
            "minimum_amount_currency" => {
                out[key.as_str()] = json!(string_at(Some(value), &at)?.map(str::to_lowercase));
            }
            // `currency_options` ([`RESTRICTIONS`] refused any other key).
            _ => {
                out[key.as_str()] = hash_at(Some(value), &at)?
                    .cloned()
                    .map_or(json!({}), Value::Object);
            }
        }
    }
    if out["minimum_amount"].is_i64() && out["minimum_amount_currency"].is_null() {
        return Err(ApiError::missing("restrictions[minimum_amount_currency]"));
    }
    Ok(out)
}

/// Refuses a second active promotion code spelled `code` (case aside).
async fn check_unique(cx: &Cx<'_>, code: &str, except: &str) -> ApiResult<()> {
    let same: [Filter; 3] = [
        ("lower(data->>'code') = lower({})", code.to_owned()),
        ("data->>'active' = {}", "true".to_owned()),
        ("id <> {}", except.to_owned()),
    ];
    if cx.all("promotion_code", &same).await?.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_param(
            "code",
            format!("An active promotion code with `code: {code}` already exists."),
        ))
    }
}

/// `POST /v1/promotion_codes`.
pub(crate) async fn create_promotion_code(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PROMOTION_CREATE)?;
    let params = cx.params.clone();
    let (coupon_id, param) = promotion_coupon(&params)?;
    let coupon = COUPON.named(cx, &coupon_id, param).await?;
    let (id, seq) = cx.new_id("promo_").await?;
    let code = match params.str("code")?.filter(|s| !s.is_empty()) {
        Some(code) => {
            if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(ApiError::invalid_param(
                    "code",
                    "Promotion codes may only contain letters, digits and dashes.",
                ));
            }
            code.to_owned()
        }
        None => crate::ids::base62(&format!("code:{id}"), 8).to_uppercase(),
    };
    let active = params.bool("active")?.unwrap_or(true);
    if active {
        check_unique(cx, &code, &id).await?;
    }
    let customer = match params.str("customer")?.filter(|s| !s.is_empty()) {
        Some(c) => Some(CUSTOMER.named(cx, c, "customer").await?["id"].clone()),
        None => None,
    };
    let expires_at = params.timestamp("expires_at")?;
    if let (Some(at), Some(by)) = (expires_at, coupon["redeem_by"].as_i64())
        && at > by
    {
        return Err(ApiError::invalid_param(
            "expires_at",
            "The promotion code's `expires_at` may not be after the coupon's `redeem_by`.",
        ));
    }
    let max = positive(&params, "max_redemptions", i64::MAX)?;
    if let (Some(max), Some(limit)) = (max, coupon["max_redemptions"].as_i64())
        && max > limit
    {
        return Err(ApiError::invalid_param(
            "max_redemptions",
            "The promotion code's `max_redemptions` may not exceed the coupon's `max_redemptions`.",
        ));
    }
    let mut promo = json!({
        "id": id,
        "object": "promotion_code",
        "active": active,
        "code": code,
        "coupon": coupon,
        "created": cx.now,
        "customer": customer,
        "customer_account": null,
        "expires_at": expires_at,
        "livemode": false,
        "max_redemptions": max,
        "metadata": {},
        "promotion": {"coupon": coupon_id, "type": "coupon"},
        "restrictions": restrictions(&params)?,
        "times_redeemed": 0,
    });
    apply_metadata(&mut promo, &params)?;
    cx.insert(seq, &promo)?;
    cx.emit("promotion_code.created", &promo, None).await?;
    Ok(promo)
}

/// `POST /v1/promotion_codes/{id}`: `active`, `metadata`, `restrictions[currency_options]`.
pub(crate) async fn update_promotion_code(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut promo) = PROMOTION_CODE
        .for_update(
            cx,
            id,
            &Takes {
                route: "promotion code updates",
                serves: &[&["active", "metadata", "restrictions"]],
                refuses: &[],
                nested: &[("restrictions", &RESTRICTIONS_UPDATE)],
            },
        )
        .await?;
    let before = promo.clone();
    if let Some(active) = params.bool("active")? {
        if active && promo["active"] == false {
            let code = promo["code"].as_str().unwrap_or_default().to_owned();
            check_unique(cx, &code, id).await?;
        }
        promo["active"] = json!(active);
    }
    if let Some(given) = params.hash("restrictions")? {
        // `currency_options`, the only key [`RESTRICTIONS_UPDATE`] takes.
        for value in given.values() {
            let at = "restrictions[currency_options]";
            promo["restrictions"]["currency_options"] = hash_at(Some(value), at)?
                .cloned()
                .map_or(json!({}), Value::Object);
        }
    }
    apply_metadata(&mut promo, &params)?;
    cx.save_if_changed("promotion_code.updated", &before, promo)
        .await
}

/// `GET /v1/promotion_codes` (`code`, `coupon`, `customer`, `active`, `created`).
pub(crate) async fn list_promotion_codes(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(
        cx,
        &["code", "coupon", "customer", "active", "customer_account"],
    )?;
    let mut filters = crate::cx::list_filters(
        cx,
        &[
            ("code", "lower(data->>'code') = lower({})"),
            ("coupon", "data->'promotion'->>'coupon' = {}"),
            ("customer", "customer = {}"),
        ],
    )?;
    if let Some(active) = cx.params.bool("active")? {
        filters.push(("data->>'active' = {}", active.to_string()));
    }
    PROMOTION_CODE.list(cx, &filters).await
}
