//! Customer portal configurations (`/v1/billing_portal/configurations`: create, retrieve,
//! update, list): what a portal session shows, stored as Stripe shapes it. Sessions
//! (`checkout`) name one by `configuration`, else the account's default one.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::PORTAL_CONFIGURATION;
use crate::params::{Params, Takes, apply_metadata, bool_at, string_at};
use asym_kit::Kit;

/// Portal configurations: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/billing_portal/configurations" => post(create_configuration), get(list_configurations);
        "/v1/billing_portal/configurations/{id}" =>
            get(retrieve_configuration, 2), post(update_configuration, 2);
    }
}

/// The id of the account's default configuration (seeded), which sessions without one use.
pub(crate) const DEFAULT_CONFIGURATION: &str = "bpc_asymDefaultConfig";

/// What a configuration's create and update take at the top (the hashes are checked against
/// [`features_default`]'s shape instead).
const SERVED: &[&str] = &[
    "business_profile",
    "default_return_url",
    "features",
    "login_page",
    "metadata",
    "name",
];

/// Every feature, off, as Stripe answers a configuration that does not set it: also the shape
/// a request's `features[…]` must follow.
fn features_default() -> Value {
    json!({
        "customer_update": {"allowed_updates": [], "enabled": false},
        "invoice_history": {"enabled": false},
        "payment_method_update": {"enabled": false},
        "subscription_cancel": {
            "cancellation_reason": {"enabled": false, "options": []},
            "enabled": false, "mode": "at_period_end", "proration_behavior": "none",
        },
        "subscription_update": {
            "default_allowed_updates": [], "enabled": false, "products": [],
            "proration_behavior": "none",
        },
    })
}

/// The values a feature's enumerated fields take, by their full name.
const CHOICES: &[(&str, &[&str])] = &[
    (
        "features[customer_update][allowed_updates]",
        &["address", "email", "name", "phone", "shipping", "tax_id"],
    ),
    (
        "features[subscription_cancel][mode]",
        &["at_period_end", "immediately"],
    ),
    (
        "features[subscription_cancel][proration_behavior]",
        &["always_invoice", "create_prorations", "none"],
    ),
    (
        "features[subscription_cancel][cancellation_reason][options]",
        &[
            "customer_service",
            "low_quality",
            "missing_features",
            "other",
            "switched_service",
            "too_complex",
            "too_expensive",
            "unused",
        ],
    ),
    (
        "features[subscription_update][default_allowed_updates]",
        &["price", "promotion_code", "quantity"],
    ),
    (
        "features[subscription_update][proration_behavior]",
        &["always_invoice", "create_prorations", "none"],
    ),
];

/// Merges the sent hash `sent` (named `at`) into `target`, whose shape it must follow: a key
/// `target` lacks is `parameter_unknown` by its full name, a boolean is `true`/`false`, a
/// list takes strings (a product list, hashes of `product` and `prices`), an enumerated
/// field one of [`CHOICES`].
fn merge(target: &mut Value, sent: &Map<String, Value>, at: &str) -> ApiResult<()> {
    for (key, value) in sent {
        let name = format!("{at}[{key}]");
        let Some(slot) = target.get_mut(key) else {
            return Err(ApiError::unknown(&name));
        };
        *slot = match (&*slot, value) {
            (Value::Object(_), Value::Object(inner)) => {
                merge(slot, inner, &name)?;
                continue;
            }
            (Value::Bool(_), _) => json!(bool_at(Some(value), &name)?.unwrap_or(false)),
            (Value::Array(_), Value::String(s)) if s.is_empty() => json!([]),
            (Value::Array(_), Value::Array(items)) if key == "products" => {
                json!(products(items, &name)?)
            }
            (Value::Array(_), Value::Array(items)) => {
                let strings = items
                    .iter()
                    .map(|item| string_at(Some(item), &name).map(|s| s.unwrap_or_default()))
                    .collect::<ApiResult<Vec<&str>>>()?;
                for s in &strings {
                    choose(&name, s)?;
                }
                json!(strings)
            }
            (_, Value::String(s)) => {
                choose(&name, s)?;
                json!(s)
            }
            _ => {
                return Err(ApiError::invalid_param(
                    &name,
                    format!("Invalid value: {name}"),
                ));
            }
        };
    }
    Ok(())
}

/// Refuses `value` for `name` when it is an enumerated field and `value` not one of its own.
fn choose(name: &str, value: &str) -> ApiResult<()> {
    match CHOICES.iter().find(|(field, _)| *field == name) {
        Some((_, allowed)) if !allowed.contains(&value) => Err(ApiError::invalid_param(
            name,
            format!(
                "Invalid {name}: must be one of {}",
                crate::params::listed(allowed)
            ),
        )),
        _ => Ok(()),
    }
}

/// `features[subscription_update][products]`: each a `product` and its `prices`.
fn products(items: &[Value], at: &str) -> ApiResult<Vec<Value>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = format!("{at}[{i}]");
            let mut product = json!({"product": "", "prices": []});
            let sent = item
                .as_object()
                .ok_or_else(|| ApiError::invalid_param(&name, format!("Invalid hash: {name}")))?;
            merge(&mut product, sent, &name)?;
            Ok(product)
        })
        .collect()
}

/// Applies a create's or update's parameters to `config`.
fn apply(config: &mut Value, params: &Params) -> ApiResult<()> {
    for (key, shape) in [
        (
            "business_profile",
            json!({"headline": null, "privacy_policy_url": null, "terms_of_service_url": null}),
        ),
        ("features", features_default()),
        ("login_page", json!({"enabled": false})),
    ] {
        if let Some(sent) = params.hash(key)? {
            if config[key].is_null() {
                config[key] = shape;
            }
            merge(&mut config[key], sent, key)?;
        }
    }
    if let Some(url) = params.url("default_return_url")? {
        config["default_return_url"] = json!(url);
    }
    params.copy_nullable(config, &["name"])?;
    if let Some(enabled) = config["login_page"]["enabled"].as_bool() {
        let id = config["id"].as_str().unwrap_or_default();
        let public = &config["_public"];
        config["login_page"]["url"] = if enabled {
            json!(format!(
                "{}/p/login/{id}",
                public.as_str().unwrap_or_default()
            ))
        } else {
            Value::Null
        };
    }
    apply_metadata(config, params)
}

/// A configuration as stored: every feature off but those `params` turn on.
async fn new_configuration(cx: &Cx<'_>, params: &Params) -> ApiResult<(Value, i64)> {
    let (id, seq) = cx.new_id("bpc_").await?;
    let mut config = json!({
        "id": id,
        "object": "billing_portal.configuration",
        "active": true,
        "application": null,
        "business_profile": {"headline": null, "privacy_policy_url": null, "terms_of_service_url": null},
        "created": cx.now,
        "default_return_url": null,
        "features": features_default(),
        "is_default": false,
        "livemode": false,
        "login_page": {"enabled": false, "url": null},
        "metadata": {},
        "name": null,
        "updated": cx.now,
        "_public": cx.kit.config().public_url,
    });
    apply(&mut config, params)?;
    strip(&mut config);
    Ok((config, seq))
}

/// Drops the working fields a stored configuration does not keep.
fn strip(config: &mut Value) {
    if let Some(map) = config.as_object_mut() {
        map.remove("_public");
    }
}

/// What a create takes.
const CREATE: Takes = Takes::serving("portal configuration creation", &[SERVED]);

/// `POST /v1/billing_portal/configurations` (`features` required).
pub(crate) async fn create_configuration(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    if params.hash("features")?.is_none() {
        return Err(ApiError::missing("features"));
    }
    let (config, seq) = new_configuration(cx, &params).await?;
    cx.insert(seq, &config)?;
    cx.emit("billing_portal.configuration.created", &config, None)
        .await?;
    Ok(config)
}

/// `GET /v1/billing_portal/configurations/{id}`.
pub(crate) async fn retrieve_configuration(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    PORTAL_CONFIGURATION.find(cx, id).await
}

/// What an update takes.
const UPDATE: Takes = Takes::serving("portal configuration updates", &[SERVED, &["active"]]);

/// `POST /v1/billing_portal/configurations/{id}`.
pub(crate) async fn update_configuration(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.take(&UPDATE)?;
    let params = cx.params.clone();
    let mut config = PORTAL_CONFIGURATION.lock(cx, id).await?;
    let before = config.clone();
    if let Some(active) = params.bool("active")? {
        config["active"] = json!(active);
    }
    config["_public"] = json!(cx.kit.config().public_url);
    apply(&mut config, &params)?;
    strip(&mut config);
    if config != before {
        config["updated"] = json!(cx.now);
    }
    cx.save_if_changed("billing_portal.configuration.updated", &before, config)
        .await
}

/// `GET /v1/billing_portal/configurations` (`active`, `is_default`).
pub(crate) async fn list_configurations(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["active", "is_default"])?;
    let mut filters: Vec<Filter> = Vec::new();
    for key in ["active", "is_default"] {
        if let Some(value) = cx.params.bool(key)? {
            filters.push((
                if key == "active" {
                    "data->>'active' = {}"
                } else {
                    "data->>'is_default' = {}"
                },
                value.to_string(),
            ));
        }
    }
    PORTAL_CONFIGURATION.list(cx, &filters).await
}
