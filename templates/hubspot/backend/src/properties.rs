//! Properties v3: definitions per object type (list, get, create, update, archive, batch
//! create, read and archive) and property groups (list, get, create, update, archive).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, found};
use crate::fieldtypes;
use crate::objects::model::ISO;
use crate::objects::render::json_column;
use crate::objects::{batch_answer, batch_error, batch_inputs, now};
use crate::request::{Args, Call, JsonBody, array_field, i32_field, string_field};
use crate::types::{ObjectType, Type, custom_id};

/// The property and group routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/properties/{type}", get(list).post(create))
        .route(
            "/crm/v3/properties/{type}/groups",
            get(groups).post(create_group),
        )
        .route(
            "/crm/v3/properties/{type}/groups/{name}",
            get(group).patch(update_group).delete(archive_group),
        )
        .route(
            "/crm/v3/properties/{type}/{name}",
            get(read).patch(update).delete(archive),
        )
        .route("/crm/v3/properties/{type}/batch/create", post(batch_create))
        .route("/crm/v3/properties/{type}/batch/read", post(batch_read))
        .route(
            "/crm/v3/properties/{type}/batch/archive",
            post(batch_archive),
        )
}

/// The `name`s of a batch's `inputs` (`[{name}]`).
fn input_names(body: &Value) -> Result<Vec<String>, ApiError> {
    batch_inputs(body)?
        .iter()
        .map(|input| {
            string_field(input, "name")
                .ok_or_else(|| ApiError::validation("each input needs a property name"))
        })
        .collect()
}

/// `POST /crm/v3/properties/{type}/batch/read` `{inputs: [{name}], archived}`: the found
/// properties, 207 with an `OBJECT_NOT_FOUND` error per name that is not.
async fn batch_read(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, false).await?;
    let started_at = now();
    let names = input_names(&body)?;
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM properties
                 WHERE object_type = $1 AND name = ANY($2) AND archived = $3",
                columns()
            ),
            &[
                &object_type.name,
                &names,
                &body["archived"].as_bool().unwrap_or(false),
            ],
        )
        .await?;
    let found: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    let errors: Vec<Value> = names
        .iter()
        .filter(|name| !found.contains(name))
        .map(|name| batch_error(&missing_property(name, &object_type)))
        .collect();
    let results = rows.iter().map(property).collect();
    Ok(batch_answer(StatusCode::OK, results, errors, &started_at))
}

/// `POST /crm/v3/properties/{type}/batch/archive` `{inputs: [{name}]}`: archives the named
/// custom properties (names not found are skipped); 400 when one is HubSpot-defined.
async fn batch_archive(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let names = input_names(&body)?;
    let defaults = client
        .query(
            "WITH named AS (
                 SELECT name, hubspot_defined FROM properties
                 WHERE object_type = $1 AND name = ANY($2) AND NOT archived),
             archived AS (
                 UPDATE properties p SET archived = true, archived_at = now(), updated_at = now()
                 FROM named WHERE NOT EXISTS (SELECT 1 FROM named WHERE hubspot_defined)
                     AND p.object_type = $1 AND p.name = named.name
                 RETURNING p.name)
             SELECT name FROM named WHERE hubspot_defined",
            &[&object_type.name, &names],
        )
        .await?;
    if let Some(row) = defaults.first() {
        return Err(cannot_archive(row.get(0)));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// 404 for a property `name` that `object_type` does not have.
fn missing_property(name: &str, object_type: &ObjectType) -> ApiError {
    ApiError::missing(format!(
        "Unable to find property {name} for object type {}",
        object_type.name
    ))
}

/// 400 for archiving HubSpot-defined property `name`.
fn cannot_archive(name: &str) -> ApiError {
    ApiError::validation(format!(
        "{name} is a HubSpot default property and cannot be archived"
    ))
}

/// The scope reading (or changing) a type's schema needs.
fn schema_scope(object_type: &ObjectType, write: bool) -> &'static str {
    match (object_type.name.as_ref(), write) {
        ("contacts", false) => "crm.schemas.contacts.read",
        ("contacts", true) => "crm.schemas.contacts.write",
        ("companies", false) => "crm.schemas.companies.read",
        ("companies", true) => "crm.schemas.companies.write",
        ("deals", false) => "crm.schemas.deals.read",
        ("deals", true) => "crm.schemas.deals.write",
        (name, false) if custom_id(name).is_some() => "crm.schemas.custom.read",
        (name, true) if custom_id(name).is_some() => "crm.schemas.custom.write",
        _ => object_type.scope(write),
    }
}

/// The type the path names, after checking the caller's schema scope, and a connection.
async fn gate(call: &Call, write: bool) -> Result<(Type, Object), ApiError> {
    let object_type = call
        .gate("type", |object_type| Ok(schema_scope(object_type, write)))
        .await?;
    Ok((object_type, call.kit.db().await?))
}

/// Two columns: the name, and the property in HubSpot's `Property` shape, built by Postgres.
fn columns() -> String {
    format!(
        "name, json_build_object('name', name, 'label', label, 'type', type,
             'fieldType', field_type, 'groupName', group_name, 'description', description,
             'options', options, 'displayOrder', display_order,
             'hasUniqueValue', has_unique_value, 'hidden', hidden, 'formField', form_field,
             'calculated', calculated, 'externalOptions', false,
             'hubspotDefined', hubspot_defined, 'archived', archived,
             'createdAt', to_char(created_at AT TIME ZONE 'UTC', {ISO}),
             'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', {ISO}),
             'modificationMetadata', json_build_object('archivable', NOT hubspot_defined,
                 'readOnlyDefinition', hubspot_defined, 'readOnlyValue', read_only_value),
             'archivedAt', to_char(archived_at AT TIME ZONE 'UTC', {ISO}))::text"
    )
}

/// A property in HubSpot's `Property` shape (`archivedAt` only once archived).
pub(crate) fn property(row: &Row) -> Value {
    let mut body = json_column(row, 1);
    if let Some(fields) = body.as_object_mut()
        && fields.get("archivedAt").is_some_and(Value::is_null)
    {
        fields.remove("archivedAt");
    }
    body
}

/// `GET /crm/v3/properties/{type}` (`archived=true` lists archived ones).
async fn list(call: Call, args: Args) -> ApiResult {
    let (object_type, client) = gate(&call, false).await?;
    let results = of_type(&client, &object_type.name, args.flag("archived")).await?;
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// The properties of the type stored as `object_type` (the archived ones when `archived`),
/// in HubSpot's `Property` shape.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn of_type(
    client: &impl GenericClient,
    object_type: &str,
    archived: bool,
) -> Result<Vec<Value>, ApiError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {} FROM properties WHERE object_type = $1 AND archived = $2
             ORDER BY group_name, display_order, name",
            columns()
        ))
        .await?;
    let rows = client.query(&statement, &[&object_type, &archived]).await?;
    Ok(rows.iter().map(property).collect())
}

/// `GET /crm/v3/properties/{type}/{name}`.
async fn read(call: Call, args: Args) -> ApiResult {
    let (object_type, client) = gate(&call, false).await?;
    let (name, archived) = (call.param("name"), args.flag("archived"));
    let row = client
        .query_opt(
            &format!(
                "SELECT {} FROM properties WHERE object_type = $1 AND name = $2 AND archived = $3",
                columns()
            ),
            &[&object_type.name, &name, &archived],
        )
        .await?
        .ok_or_else(|| missing_property(name, &object_type))?;
    Ok(axum::Json(property(&row)).into_response())
}

/// Checks `options` (`[{label, value, displayOrder?, hidden?, description?}]`), filling
/// HubSpot's defaults.
fn options(body: &Value) -> Result<Value, ApiError> {
    let checked: Vec<Value> = array_field(body, "options")?
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (Some(label), Some(value)) = (string_field(o, "label"), string_field(o, "value"))
            else {
                return Err(ApiError::validation(
                    "each option needs a label and a value",
                ));
            };
            Ok(json!({
                "label": label, "value": value,
                "displayOrder": o["displayOrder"].as_i64().unwrap_or(i64::try_from(i).unwrap_or(0)),
                "hidden": o["hidden"].as_bool().unwrap_or(false),
                "description": o["description"].as_str().unwrap_or(""),
            }))
        })
        .collect::<Result<_, _>>()?;
    Ok(Value::Array(checked))
}

fn valid_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 100
}

/// `POST /crm/v3/properties/{type}`.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let row = insert(&client, &object_type, &body).await?;
    Ok((StatusCode::CREATED, axum::Json(property(&row))).into_response())
}

/// `POST /crm/v3/properties/{type}/batch/create` `{inputs: [PropertyCreate]}`: 201 with the
/// created properties, 207 with an error per input that was refused.
async fn batch_create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let started_at = now();
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    for input in batch_inputs(&body)? {
        match insert(&client, &object_type, input).await {
            Ok(row) => results.push(property(&row)),
            Err(err) => errors.push(batch_error(&err)),
        }
    }
    Ok(batch_answer(
        StatusCode::CREATED,
        results,
        errors,
        &started_at,
    ))
}

/// Checks a `PropertyCreate` body and inserts the property.
///
/// # Errors
///
/// 400 for a missing field, a bad name, type or option, or an unknown group; 409 when the name
/// is taken.
pub(crate) async fn insert(
    client: &impl GenericClient,
    object_type: &ObjectType,
    body: &Value,
) -> Result<Row, ApiError> {
    let field = |name: &str| string_field(body, name).filter(|v| !v.is_empty());
    let (Some(name), Some(label), Some(kind), Some(field_type), Some(group)) = (
        field("name"),
        field("label"),
        field("type"),
        field("fieldType"),
        field("groupName"),
    ) else {
        return Err(ApiError::validation(
            "name, label, type, fieldType and groupName are required",
        ));
    };
    if !valid_name(&name) {
        return Err(ApiError::validation(format!(
            "Property name {name} is invalid: use lowercase letters, digits and underscores, starting with a letter"
        )));
    }
    fieldtypes::check(&kind, &field_type)?;
    let options = options(body)?;
    if kind == "enumeration" && options.as_array().is_none_or(Vec::is_empty) {
        return Err(ApiError::validation("enumeration properties need options"));
    }
    let group_exists = client
        .query_opt(
            "SELECT 1 FROM property_groups WHERE object_type = $1 AND name = $2 AND NOT archived",
            &[&object_type.name, &group],
        )
        .await?
        .is_some();
    if !group_exists {
        return Err(ApiError::validation(format!(
            "Property group {group} does not exist"
        )));
    }
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO properties (object_type, name, label, type, field_type, group_name,
                     description, options, display_order, has_unique_value, hidden, form_field,
                     hubspot_defined, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12, false, now(), now())
                 ON CONFLICT DO NOTHING RETURNING {}",
                columns()
            ),
            &[
                &object_type.name,
                &name,
                &label,
                &kind,
                &field_type,
                &group,
                &body["description"].as_str().unwrap_or(""),
                &options.to_string(),
                &i32_field(body, "displayOrder").unwrap_or(-1),
                &body["hasUniqueValue"].as_bool().unwrap_or(false),
                &body["hidden"].as_bool().unwrap_or(false),
                &body["formField"].as_bool().unwrap_or(true),
            ],
        )
        .await?;
    row.ok_or_else(|| {
        ApiError::already_exists(format!("A property named '{name}' already exists."))
    })
}

/// 201 with the row an insert returned, in `render`'s shape; 409 `OBJECT_ALREADY_EXISTS`
/// when it returned none (`what` was taken).
fn created(row: Option<Row>, render: fn(&Row) -> Value, what: &str) -> ApiResult {
    let row = row.ok_or_else(|| ApiError::already_exists(format!("{what} already exists.")))?;
    Ok((StatusCode::CREATED, axum::Json(render(&row))).into_response())
}

/// `PATCH /crm/v3/properties/{type}/{name}`: label, description, group, options, display
/// order, hidden, formField, type and fieldType (a HubSpot-defined property keeps its type and
/// field type; the pair a custom one ends with must be one HubSpot takes).
async fn update(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let current = client
        .query_opt(
            "SELECT type, field_type, hubspot_defined FROM properties
             WHERE object_type = $1 AND name = $2 AND NOT archived",
            &[&object_type.name, &call.param("name")],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    let options = match body.get("options") {
        None | Some(Value::Null) => None,
        Some(_) => Some(options(&body)?.to_string()),
    };
    let kind = string_field(&body, "type");
    let field_type = string_field(&body, "fieldType");
    if kind.as_deref().is_some_and(|k| !fieldtypes::is_type(k)) {
        return Err(ApiError::validation("Invalid type"));
    }
    if (kind.is_some() || field_type.is_some()) && !current.get::<_, bool>(2) {
        fieldtypes::check(
            kind.as_deref().unwrap_or(current.get(0)),
            field_type.as_deref().unwrap_or(current.get(1)),
        )?;
    }
    let row = client
        .query_opt(
            &format!(
                "UPDATE properties SET
                     label = coalesce($3, label), description = coalesce($4, description),
                     group_name = coalesce($5, group_name),
                     options = coalesce($6::text::jsonb, options),
                     display_order = coalesce($7, display_order), hidden = coalesce($8, hidden),
                     form_field = coalesce($9, form_field),
                     type = CASE WHEN hubspot_defined THEN type ELSE coalesce($10, type) END,
                     field_type = CASE WHEN hubspot_defined THEN field_type
                                       ELSE coalesce($11, field_type) END,
                     updated_at = now()
                 WHERE object_type = $1 AND name = $2 AND NOT archived RETURNING {}",
                columns()
            ),
            &[
                &object_type.name,
                &call.param("name"),
                &string_field(&body, "label"),
                &string_field(&body, "description"),
                &string_field(&body, "groupName"),
                &options,
                &i32_field(&body, "displayOrder"),
                &body["hidden"].as_bool(),
                &body["formField"].as_bool(),
                &kind,
                &field_type,
            ],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(property(&row)).into_response())
}

/// `DELETE /crm/v3/properties/{type}/{name}`: archives a custom property.
async fn archive(call: Call) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let name = call.param("name");
    let row = client
        .query_opt(
            "SELECT hubspot_defined FROM properties WHERE object_type = $1 AND name = $2 AND NOT archived",
            &[&object_type.name, &name],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    if row.get::<_, bool>(0) {
        return Err(cannot_archive(name));
    }
    client
        .execute(
            "UPDATE properties SET archived = true, archived_at = now(), updated_at = now()
             WHERE object_type = $1 AND name = $2",
            &[&object_type.name, &name],
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What a group statement selects or returns, in [`group_json`]'s order.
const GROUP_COLUMNS: &str = "name, label, display_order, archived";

fn group_json(row: &Row) -> Value {
    json!({
        "name": row.get::<_, String>(0),
        "label": row.get::<_, String>(1),
        "displayOrder": row.get::<_, i32>(2),
        "archived": row.get::<_, bool>(3),
    })
}

/// `GET /crm/v3/properties/{type}/groups`.
async fn groups(call: Call) -> ApiResult {
    let (object_type, client) = gate(&call, false).await?;
    let rows = client
        .query(
            &format!(
                "SELECT {GROUP_COLUMNS} FROM property_groups
                 WHERE object_type = $1 AND NOT archived ORDER BY display_order, name"
            ),
            &[&object_type.name],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(group_json).collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `GET /crm/v3/properties/{type}/groups/{name}`.
async fn group(call: Call) -> ApiResult {
    let (object_type, client) = gate(&call, false).await?;
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM property_groups
         WHERE object_type = $1 AND name = $2 AND NOT archived"
    );
    group_row(&client, &sql, &[&object_type.name, &call.param("name")]).await
}

/// Runs `sql` (selecting or returning [`GROUP_COLUMNS`]) and answers its group; 404 when it
/// finds none.
async fn group_row(client: &Object, sql: &str, params: &[&(dyn ToSql + Sync)]) -> ApiResult {
    let row = client
        .query_opt(sql, params)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(group_json(&row)).into_response())
}

/// `POST /crm/v3/properties/{type}/groups` `{name, label, displayOrder?}`.
async fn create_group(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let (Some(name), Some(label)) = (string_field(&body, "name"), string_field(&body, "label"))
    else {
        return Err(ApiError::validation("name and label are required"));
    };
    if !valid_name(&name) {
        return Err(ApiError::validation(format!(
            "Group name {name} is invalid"
        )));
    }
    let order = i32_field(&body, "displayOrder").unwrap_or(-1);
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO property_groups (object_type, name, label, display_order)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (object_type, name) DO UPDATE SET label = EXCLUDED.label,
                     display_order = EXCLUDED.display_order, archived = false
                     WHERE property_groups.archived
                 RETURNING {GROUP_COLUMNS}"
            ),
            &[&object_type.name, &name, &label, &order],
        )
        .await?;
    created(row, group_json, &format!("A property group named '{name}'"))
}

/// `PATCH /crm/v3/properties/{type}/groups/{name}` `{label?, displayOrder?}`.
async fn update_group(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let sql = format!(
        "UPDATE property_groups SET label = coalesce($3, label),
             display_order = coalesce($4, display_order)
         WHERE object_type = $1 AND name = $2 AND NOT archived
         RETURNING {GROUP_COLUMNS}"
    );
    let params: [&(dyn ToSql + Sync); 4] = [
        &object_type.name,
        &call.param("name"),
        &string_field(&body, "label"),
        &i32_field(&body, "displayOrder"),
    ];
    group_row(&client, &sql, &params).await
}

/// `DELETE /crm/v3/properties/{type}/groups/{name}`.
async fn archive_group(call: Call) -> ApiResult {
    let (object_type, client) = gate(&call, true).await?;
    let rows = client
        .execute(
            "UPDATE property_groups SET archived = true
             WHERE object_type = $1 AND name = $2 AND NOT archived",
            &[&object_type.name, &call.param("name")],
        )
        .await?;
    found(rows)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
