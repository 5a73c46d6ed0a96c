//! Products and prices (one-time and recurring, `lookup_key`s).

use serde_json::{Map, Value, json};

use crate::customers::previous;
use crate::cx::{Cx, Filter};
use crate::error::{ApiError, ApiResult};
use crate::params::{Params, apply_metadata, bool_at, int_at, string_at};
use crate::search;

const PRODUCT_FIELDS: &[&str] = &[
    "id",
    "name",
    "active",
    "description",
    "images",
    "metadata",
    "default_price_data",
    "statement_descriptor",
    "tax_code",
    "unit_label",
    "url",
    "shippable",
    "type",
    "package_dimensions",
    "marketing_features",
    "default_price",
    "features",
    "attributes",
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
    for key in [
        "description",
        "statement_descriptor",
        "tax_code",
        "unit_label",
        "url",
    ] {
        if let Some(value) = params.nullable(key)? {
            product[key] = value;
        }
    }
    if let Some(shippable) = params.bool("shippable")? {
        product["shippable"] = json!(shippable);
    }
    if let Some(images) = params.strings("images")? {
        product["images"] = json!(images);
    } else if params.str("images").ok().flatten() == Some("") {
        product["images"] = json!([]);
    }
    apply_metadata(product, params)
}

/// `POST /v1/products`.
pub(crate) async fn create_product(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(PRODUCT_FIELDS)?;
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
    cx.insert(seq, &product).await?;
    cx.emit("product.created", &product, None).await?;
    if let Some(data) = params.hash("default_price_data")? {
        let price = new_price(cx, data, &id, "default_price_data").await?;
        product["default_price"] = price["id"].clone();
        cx.save(&product).await?;
    }
    Ok(product)
}

/// `GET /v1/products/{id}`.
pub(crate) async fn retrieve_product(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("product", "product", id, "id", false).await
}

/// `POST /v1/products/{id}`.
pub(crate) async fn update_product(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(PRODUCT_FIELDS)?;
    let params = cx.params.clone();
    let mut product = cx.fetch("product", "product", id, "id", true).await?;
    let before = product.clone();
    apply_product(&mut product, &params)?;
    if let Some(price) = params.nullable("default_price")? {
        if let Some(price_id) = price.as_str() {
            let found = cx
                .fetch("price", "price", price_id, "default_price", false)
                .await?;
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
        cx.save(&product).await?;
        cx.emit(
            "product.updated",
            &product,
            Some(previous(&before, &product)),
        )
        .await?;
    }
    Ok(product)
}

/// `DELETE /v1/products/{id}`: only products without prices can go.
pub(crate) async fn delete_product(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let product = cx.fetch("product", "product", id, "id", true).await?;
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
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "active",
        "created",
        "ids",
        "shippable",
        "url",
        "type",
    ])?;
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(active) = cx.params.bool("active")? {
        filters.push(("data->>'active' = {}", active.to_string()));
    }
    if let Some(ids) = cx.params.strings("ids")? {
        filters.push(("id = ANY(string_to_array({}, ','))", ids.join(",")));
    }
    cx.created_filters(&mut filters)?;
    cx.list("product", "product", &filters).await
}

/// `GET /v1/products/search`.
pub(crate) async fn search_products(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "product",
        "products",
        &[
            "active",
            "created",
            "description",
            "name",
            "shippable",
            "url",
        ],
    )
    .await
}

/// Builds and stores a price for `product` from `data` (the create parameters, or
/// `default_price_data` / `price_data`).
pub(crate) async fn new_price(
    cx: &mut Cx<'_>,
    data: &Map<String, Value>,
    product: &str,
    param: &str,
) -> ApiResult<Value> {
    let name = |k: &str| {
        if param.is_empty() {
            k.to_owned()
        } else {
            format!("{param}[{k}]")
        }
    };
    let currency = string_at(data.get("currency"), &name("currency"))?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing(&name("currency")))?
        .to_lowercase();
    let unit_amount = match (data.get("unit_amount"), data.get("unit_amount_decimal")) {
        (Some(v), _) => int_at(Some(v), &name("unit_amount"))?,
        (None, Some(Value::String(d))) => Some(
            d.parse::<f64>()
                .map_err(|_| {
                    ApiError::invalid_param(
                        &name("unit_amount_decimal"),
                        format!("Invalid decimal: {d}"),
                    )
                })?
                .round() as i64,
        ),
        _ => None,
    };
    let Some(unit_amount) = unit_amount else {
        if data.contains_key("custom_unit_amount") {
            return Err(ApiError::invalid_param(
                &name("custom_unit_amount"),
                "custom_unit_amount is not supported by this clone.",
            ));
        }
        return Err(ApiError::missing(&name("unit_amount")));
    };
    if unit_amount < 0 {
        return Err(ApiError::invalid_param(
            &name("unit_amount"),
            "This value must be greater than or equal to 0.",
        ));
    }
    let recurring = match data.get("recurring") {
        None => Value::Null,
        Some(Value::Object(r)) => {
            let interval = string_at(r.get("interval"), &name("recurring[interval]"))?
                .ok_or_else(|| ApiError::missing(&name("recurring[interval]")))?;
            if !["day", "week", "month", "year"].contains(&interval) {
                return Err(ApiError::invalid_param(
                    &name("recurring[interval]"),
                    "Invalid recurring[interval]: must be one of day, week, month, or year"
                        .to_owned(),
                ));
            }
            let count = int_at(r.get("interval_count"), "recurring[interval_count]")?.unwrap_or(1);
            if count < 1 {
                return Err(ApiError::invalid_param(
                    &name("recurring[interval_count]"),
                    "Interval count must be at least 1.",
                ));
            }
            json!({
                "aggregate_usage": null,
                "interval": interval,
                "interval_count": count,
                "meter": null,
                "trial_period_days": int_at(r.get("trial_period_days"), "recurring[trial_period_days]")?,
                "usage_type": string_at(r.get("usage_type"), "recurring[usage_type]")?.unwrap_or("licensed"),
            })
        }
        Some(_) => {
            return Err(ApiError::invalid_param(
                &name("recurring"),
                "Invalid object: recurring",
            ));
        }
    };
    let lookup_key = string_at(data.get("lookup_key"), "lookup_key")?.filter(|s| !s.is_empty());
    if let Some(key) = lookup_key
        && bool_at(data.get("transfer_lookup_key"), "transfer_lookup_key")?.unwrap_or(false)
    {
        for mut other in cx
            .all("price", &[("data->>'lookup_key' = {}", key.to_owned())])
            .await?
        {
            other["lookup_key"] = Value::Null;
            cx.save(&other).await?;
        }
    }
    let (id, seq) = cx.new_id("price_").await?;
    let mut price = json!({
        "id": id,
        "object": "price",
        "active": bool_at(data.get("active"), "active")?.unwrap_or(true),
        "billing_scheme": string_at(data.get("billing_scheme"), "billing_scheme")?.unwrap_or("per_unit"),
        "created": cx.now,
        "currency": currency,
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": lookup_key,
        "metadata": {},
        "nickname": string_at(data.get("nickname"), "nickname")?.filter(|s| !s.is_empty()),
        "product": product,
        "recurring": recurring,
        "tax_behavior": string_at(data.get("tax_behavior"), "tax_behavior")?.unwrap_or("unspecified"),
        "tiers_mode": null,
        "transform_quantity": null,
        "type": if recurring.is_null() { "one_time" } else { "recurring" },
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount.to_string(),
    });
    if let Some(meta) = data.get("metadata") {
        let mut p = Params::default();
        p.0.insert("metadata".into(), meta.clone());
        apply_metadata(&mut price, &p)?;
    }
    cx.insert(seq, &price).await?;
    cx.emit("price.created", &price, None).await?;
    Ok(price)
}

/// `POST /v1/prices`.
pub(crate) async fn create_price(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "currency",
        "unit_amount",
        "unit_amount_decimal",
        "product",
        "product_data",
        "recurring",
        "lookup_key",
        "transfer_lookup_key",
        "nickname",
        "metadata",
        "active",
        "tax_behavior",
        "billing_scheme",
        "custom_unit_amount",
        "tiers",
        "tiers_mode",
        "transform_quantity",
        "currency_options",
    ])?;
    let params = cx.params.clone();
    let product = match (
        params.str("product")?.filter(|s| !s.is_empty()),
        params.hash("product_data")?,
    ) {
        (Some(id), _) => {
            cx.fetch("product", "product", id, "product", false).await?;
            id.to_owned()
        }
        (None, Some(data)) => {
            let sub = Params(data.clone());
            let name = sub
                .required("name")
                .map_err(|_| ApiError::missing("product_data[name]"))?
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
            cx.insert(seq, &product).await?;
            cx.emit("product.created", &product, None).await?;
            id
        }
        (None, None) => return Err(ApiError::missing("product")),
    };
    new_price(cx, &params.0, &product, "").await
}

/// `GET /v1/prices/{id}`.
pub(crate) async fn retrieve_price(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    cx.fetch("price", "price", id, "price", false).await
}

/// `POST /v1/prices/{id}` (`active`, `metadata`, `nickname`, `lookup_key`, `tax_behavior`).
pub(crate) async fn update_price(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[
        "active",
        "metadata",
        "nickname",
        "lookup_key",
        "transfer_lookup_key",
        "tax_behavior",
        "currency_options",
    ])?;
    let params = cx.params.clone();
    let mut price = cx.fetch("price", "price", id, "price", true).await?;
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
                    cx.save(&other).await?;
                }
            }
        }
        price["lookup_key"] = key;
    }
    apply_metadata(&mut price, &params)?;
    if price != before {
        cx.save(&price).await?;
        cx.emit("price.updated", &price, Some(previous(&before, &price)))
            .await?;
    }
    Ok(price)
}

/// `GET /v1/prices` (`active`, `currency`, `product`, `type`, `lookup_keys[]`, `recurring`).
pub(crate) async fn list_prices(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.allow(&[
        "limit",
        "starting_after",
        "ending_before",
        "active",
        "currency",
        "product",
        "type",
        "lookup_keys",
        "recurring",
        "created",
    ])?;
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
    cx.list("price", "price", &filters).await
}

/// `GET /v1/prices/search`.
pub(crate) async fn search_prices(cx: &mut Cx<'_>) -> ApiResult {
    search::run(
        cx,
        "price",
        "prices",
        &[
            "active",
            "created",
            "currency",
            "lookup_key",
            "product",
            "type",
        ],
    )
    .await
}
