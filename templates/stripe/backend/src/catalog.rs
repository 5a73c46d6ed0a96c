//! Products and prices (one-time and recurring, `lookup_key`s).

use axum::Router;
use serde_json::{Value, json};

use crate::cx::{Cx, Filter, allow_with};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{PRICE, PRODUCT};
use crate::model::price::new_price;
use crate::model::tiers;
use crate::params::{Params, Takes, apply_metadata, string_at};
use crate::shapes::ITEM_RECURRING;
use asym_kit::Kit;

/// Products and prices: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/products" => post(create_product), get(list_products);
        "/v1/products/search" => get(PRODUCT.search);
        "/v1/products/{id}" =>
            get(PRODUCT.retrieve, 1), post(update_product, 1), delete(delete_product, 1);
        "/v1/prices" => post(create_price), get(list_prices);
        "/v1/prices/search" => get(PRICE.search);
        "/v1/prices/{id}" => get(PRICE.retrieve, 1), post(update_price, 1);
    }
}

/// What a product's create and update both serve (`features` is `marketing_features`' name
/// before 2024-04-10).
#[rustfmt::skip]
const PRODUCT_SERVED: &[&str] = &[
    "name", "active", "description", "images", "metadata", "statement_descriptor", "tax_code",
    "unit_label", "url", "shippable", "marketing_features", "features",
];

/// What `POST /v1/products` takes.
const PRODUCT_CREATE: Takes = Takes {
    route: "product creation",
    serves: &[PRODUCT_SERVED, &["id", "type", "default_price_data"]],
    refuses: &[&["package_dimensions", "tax_details"]],
    nested: &[
        ("default_price_data", &DEFAULT_PRICE_DATA),
        ("marketing_features", &FEATURE),
        ("features", &FEATURE),
    ],
};

/// What `POST /v1/products/{id}` takes.
const PRODUCT_UPDATE: Takes = Takes {
    route: "product updates",
    serves: &[PRODUCT_SERVED, &["default_price"]],
    refuses: &[&["package_dimensions", "tax_details"]],
    nested: &[("marketing_features", &FEATURE), ("features", &FEATURE)],
};

/// One of a product's `marketing_features`.
const FEATURE: Takes = Takes::serving("products", &[&["name"]]);

/// A product's `default_price_data`: the price made with it.
const DEFAULT_PRICE_DATA: Takes = Takes {
    route: "product creation",
    serves: &[&[
        "currency",
        "metadata",
        "recurring",
        "tax_behavior",
        "unit_amount",
        "unit_amount_decimal",
    ]],
    refuses: &[&["currency_options", "custom_unit_amount"]],
    nested: &[("recurring", &ITEM_RECURRING)],
};

/// A price's `product_data`: the product made with it (its name and metadata).
const PRODUCT_DATA: Takes = Takes {
    route: "price creation",
    serves: &[&["name", "metadata"]],
    refuses: &[&[
        "active",
        "id",
        "statement_descriptor",
        "tax_code",
        "tax_details",
        "unit_label",
    ]],
    nested: &[],
};

/// A price's `recurring`.
const RECURRING: Takes = Takes {
    route: "price creation",
    serves: &[&[
        "interval",
        "interval_count",
        "trial_period_days",
        "usage_type",
        "meter",
    ]],
    refuses: &[],
    nested: &[],
};

/// What `POST /v1/prices` takes: per-unit amounts in one currency.
#[rustfmt::skip]
const PRICE_CREATE: Takes = Takes {
    route: "price creation",
    serves: &[&[
        "currency", "unit_amount", "unit_amount_decimal", "product", "product_data", "recurring",
        "lookup_key", "transfer_lookup_key", "nickname", "metadata", "active", "tax_behavior",
        "billing_scheme", "tiers", "tiers_mode",
    ]],
    refuses: &[&["currency_options", "custom_unit_amount", "transform_quantity"]],
    nested: &[
        ("product_data", &PRODUCT_DATA), ("recurring", &RECURRING), ("tiers", &tiers::TIER),
    ],
};

/// A product's text fields: set from their parameters, emptied by an empty one.
#[rustfmt::skip]
const PRODUCT_TEXT: &[&str] = &[
    "description", "statement_descriptor", "tax_code", "unit_label", "url",
];

fn apply_product(product: &mut Value, params: &Params) -> ApiResult<()> {
    if let Some(name) = params.str("name")? {
        if name.is_empty() {
            return Err(ApiError::invalid_param(
                "name",
                "You must supply a non-empty name.",
            ));
        }
        product["name"] = json!(name);
    }
    if let Some(active) = params.bool("active")? {
        product["active"] = json!(active);
    }
    params.copy_nullable(product, PRODUCT_TEXT)?;
    if let Some(shippable) = params.bool("shippable")? {
        product["shippable"] = json!(shippable);
    }
    if let Some(images) = params.strings("images")? {
        product["images"] = json!(images);
    } else if params.str("images").ok().flatten() == Some("") {
        product["images"] = json!([]);
    }
    for key in ["marketing_features", "features"] {
        if let Some(features) = params.array(key)? {
            let mut named = Vec::new();
            for (n, feature) in features.iter().enumerate() {
                let at = format!("{key}[{n}][name]");
                let name = crate::params::hash_at(Some(feature), &format!("{key}[{n}]"))?
                    .and_then(|f| string_at(f.get("name"), &at).transpose())
                    .transpose()?
                    .ok_or_else(|| ApiError::missing(&at))?;
                named.push(json!({"name": name}));
            }
            product["marketing_features"] = json!(named);
        } else if params.str(key).ok().flatten() == Some("") {
            product["marketing_features"] = json!([]);
        }
    }
    apply_metadata(product, params)
}

/// `POST /v1/products`.
pub(crate) async fn create_product(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PRODUCT_CREATE)?;
    let params = cx.params.clone();
    params.required("name")?;
    let (generated, seq) = cx.new_id("prod_").await?;
    let id = match params.str("id")?.filter(|s| !s.is_empty()) {
        Some(custom) => {
            if cx.get_any(custom).await?.is_some() || cx.exists_deleted("product", custom).await? {
                return Err(
                    ApiError::invalid_param("id", "Product already exists.".to_owned())
                        .code("resource_already_exists"),
                );
            }
            custom.to_owned()
        }
        None => generated,
    };
    let mut product = json!({
        "id": id,
        "object": "product",
        "active": true,
        "attributes": [],
        "created": cx.now,
        "default_price": null,
        "description": null,
        "images": [],
        "livemode": false,
        "marketing_features": [],
        "metadata": {},
        "name": "",
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": null,
        "tax_code": null,
        "type": params.str("type")?.unwrap_or("service"),
        "unit_label": null,
        "updated": cx.now,
        "url": null,
    });
    apply_product(&mut product, &params)?;
    cx.insert(seq, &product)?;
    cx.emit("product.created", &product, None).await?;
    if let Some(data) = params.hash("default_price_data")? {
        let price = new_price(cx, data, &id, "default_price_data").await?;
        product["default_price"] = price["id"].clone();
        cx.save(&product)?;
    }
    Ok(product)
}

/// `POST /v1/products/{id}`.
pub(crate) async fn update_product(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut product) = PRODUCT.for_update(cx, id, &PRODUCT_UPDATE).await?;
    let before = product.clone();
    apply_product(&mut product, &params)?;
    if let Some(price) = params.nullable("default_price")? {
        if let Some(price_id) = price.as_str() {
            let found = PRICE.named(cx, price_id, "default_price").await?;
            if found["product"].as_str() != Some(id) {
                return Err(ApiError::invalid_param(
                    "default_price",
                    format!("The price {price_id} does not belong to product {id}."),
                ));
            }
        }
        product["default_price"] = price;
    }
    if product != before {
        product["updated"] = json!(cx.now);
        cx.save_changed("product.updated", &before, &product)
            .await?;
    }
    Ok(product)
}

/// `DELETE /v1/products/{id}`: only products without prices can go.
pub(crate) async fn delete_product(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let product = PRODUCT.lock(cx, id).await?;
    let prices = cx
        .all("price", &[("data->>'product' = {}", id.to_owned())])
        .await?;
    if !prices.is_empty() {
        return Err(ApiError::invalid(
            "This product cannot be deleted because it has one or more user-created prices.",
        ));
    }
    cx.delete(id).await?;
    cx.emit("product.deleted", &product, None).await?;
    Ok(json!({"id": id, "object": "product", "deleted": true}))
}

/// `GET /v1/products` (`active`, `ids[]`, `created`).
pub(crate) async fn list_products(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(cx, &["active", "ids", "shippable", "url", "type"])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(active) = cx.params.bool("active")? {
        filters.push(("data->>'active' = {}", active.to_string()));
    }
    if let Some(ids) = cx.params.strings("ids")? {
        filters.push(("id = ANY(string_to_array({}, ','))", ids.join(",")));
    }
    cx.created_filters(&mut filters)?;
    PRODUCT.list(cx, &filters).await
}

/// `POST /v1/prices`.
pub(crate) async fn create_price(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&PRICE_CREATE)?;
    let params = cx.params.clone();
    let product = match (
        params.str("product")?.filter(|s| !s.is_empty()),
        params.hash("product_data")?,
    ) {
        (Some(id), _) => {
            PRODUCT.named(cx, id, "product").await?;
            id.to_owned()
        }
        (None, Some(data)) => product_from(cx, data, "product_data").await?,
        (None, None) => return Err(ApiError::missing("product")),
    };
    new_price(cx, &params.0, &product, "").await
}

/// Creates the product a price's `product_data` (a plan's `product`), `param`, describes:
/// its `name` (required) and `metadata`. Its id.
pub(crate) async fn product_from(
    cx: &Cx<'_>,
    data: &serde_json::Map<String, Value>,
    param: &str,
) -> ApiResult<String> {
    let sub = Params(data.clone());
    let name = sub
        .required("name")
        .map_err(|_| ApiError::missing(&format!("{param}[name]")))?
        .to_owned();
    let (id, seq) = cx.new_id("prod_").await?;
    let mut product = json!({
        "id": id, "object": "product", "active": true, "attributes": [], "created": cx.now,
        "default_price": null, "description": null, "images": [], "livemode": false,
        "marketing_features": [], "metadata": {}, "name": name, "package_dimensions": null,
        "shippable": null, "statement_descriptor": null, "tax_code": null, "type": "service",
        "unit_label": null, "updated": cx.now, "url": null,
    });
    apply_metadata(&mut product, &sub)?;
    cx.insert(seq, &product)?;
    cx.emit("product.created", &product, None).await?;
    Ok(id)
}

/// What `POST /v1/prices/{id}` takes.
#[rustfmt::skip]
const PRICE_UPDATE: Takes = Takes {
    route: "price updates",
    serves: &[&[
        "active", "metadata", "nickname", "lookup_key", "transfer_lookup_key", "tax_behavior",
    ]],
    refuses: &[&["currency_options"]],
    nested: &[],
};

/// `POST /v1/prices/{id}` (`active`, `metadata`, `nickname`, `lookup_key`, `tax_behavior`).
pub(crate) async fn update_price(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut price) = PRICE.for_update(cx, id, &PRICE_UPDATE).await?;
    let before = price.clone();
    if let Some(active) = params.bool("active")? {
        price["active"] = json!(active);
    }
    if let Some(nickname) = params.nullable("nickname")? {
        price["nickname"] = nickname;
    }
    if let Some(tax) = params.str("tax_behavior")? {
        price["tax_behavior"] = json!(tax);
    }
    if let Some(key) = params.nullable("lookup_key")? {
        if let Some(k) = key.as_str()
            && params.bool("transfer_lookup_key")?.unwrap_or(false)
        {
            for mut other in cx
                .all("price", &[("data->>'lookup_key' = {}", k.to_owned())])
                .await?
            {
                if other["id"] != price["id"] {
                    other["lookup_key"] = Value::Null;
                    cx.save(&other)?;
                }
            }
        }
        price["lookup_key"] = key;
    }
    apply_metadata(&mut price, &params)?;
    cx.save_if_changed("price.updated", &before, price).await
}

/// `GET /v1/prices` (`active`, `currency`, `product`, `type`, `lookup_keys[]`, `recurring`).
pub(crate) async fn list_prices(cx: &mut Cx<'_>) -> ApiResult {
    allow_with(
        cx,
        &[
            "active",
            "currency",
            "product",
            "type",
            "lookup_keys",
            "recurring",
        ],
    )?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(active) = cx.params.bool("active")? {
        filters.push(("data->>'active' = {}", active.to_string()));
    }
    for (param, sql) in [
        ("currency", "data->>'currency' = {}"),
        ("product", "data->>'product' = {}"),
        ("type", "data->>'type' = {}"),
    ] {
        if let Some(value) = cx.params.str(param)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    if let Some(keys) = cx.params.strings("lookup_keys")? {
        if keys.len() > 10 {
            return Err(ApiError::invalid_param(
                "lookup_keys",
                "You may pass at most 10 lookup keys.",
            ));
        }
        filters.push((
            "data->>'lookup_key' = ANY(string_to_array({}, chr(31)))",
            keys.join("\u{1f}"),
        ));
    }
    if let Some(recurring) = cx.params.hash("recurring")?
        && let Some(interval) = string_at(recurring.get("interval"), "recurring[interval]")?
    {
        filters.push(("data->'recurring'->>'interval' = {}", interval.to_owned()));
    }
    cx.created_filters(&mut filters)?;
    PRICE.list(cx, &filters).await
}
