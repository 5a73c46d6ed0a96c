//! Custom object schemas (`/crm/v3/schemas`, also at the SDKs' `/crm-object-schemas/v3/schemas`):
//! list, create, read, update, archive and purge custom object types and their association
//! definitions. A schema is a row of `object_schemas`; its type is stored as its object type
//! id (`2-1001`), so its records, properties and associations go through the object engine
//! as HubSpot's own types do ([`types::resolve`]).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::names;
use crate::objects::model::ISO;
use crate::properties;
use crate::request::{Args, Call, JsonBody, array_field, string_field, string_list};
use crate::types::{self, CALCULATED, ObjectType, PORTAL_ID};

const READ: &str = "crm.schemas.custom.read";
const WRITE: &str = "crm.schemas.custom.write";

/// The schema routes, under both paths HubSpot serves them at.
pub(crate) fn routes() -> Router<Kit> {
    let mut router = Router::new();
    for base in ["/crm/v3/schemas", "/crm-object-schemas/v3/schemas"] {
        router = router
            .route(base, get(list).post(create))
            .route(
                &format!("{base}/{{objectType}}"),
                get(read).patch(update).delete(archive),
            )
            .route(
                &format!("{base}/{{objectType}}/associations"),
                post(create_association),
            )
            .route(
                &format!("{base}/{{objectType}}/associations/{{associationIdentifier}}"),
                axum::routing::delete(remove_association),
            );
    }
    router
}

/// What a schema statement selects or returns, in [`definition`]'s order.
fn columns() -> String {
    format!(
        "id, name, singular_label, plural_label, description, primary_display_property,
         secondary_display_properties, searchable_properties, required_properties, archived,
         to_char(created_at AT TIME ZONE 'UTC', {ISO}), to_char(updated_at AT TIME ZONE 'UTC', {ISO})"
    )
}

/// A schema row: its id and name.
fn key(row: &Row) -> (i64, String) {
    (row.get(0), row.get(1))
}

/// A schema row in HubSpot's `ObjectTypeDefinition` shape.
fn definition(row: &Row) -> Map<String, Value> {
    let (id, name) = key(row);
    let body = json!({
        "id": id.to_string(),
        "objectTypeId": types::custom_type_id(id),
        "fullyQualifiedName": types::qualified(&name),
        "name": name,
        "labels": { "singular": row.get::<_, String>(2), "plural": row.get::<_, String>(3) },
        "secondaryDisplayProperties": row.get::<_, Vec<String>>(6),
        "searchableProperties": row.get::<_, Vec<String>>(7),
        "requiredProperties": row.get::<_, Vec<String>>(8),
        "archived": row.get::<_, bool>(9),
        "createdAt": row.get::<_, String>(10),
        "updatedAt": row.get::<_, String>(11),
        "metaType": "PORTAL_SPECIFIC",
    });
    let Value::Object(mut fields) = body else {
        return Map::new();
    };
    for (column, field) in [(4, "description"), (5, "primaryDisplayProperty")] {
        if let Some(value) = row.get::<_, Option<String>>(column) {
            fields.insert(field.to_owned(), json!(value));
        }
    }
    fields
}

/// A schema row in HubSpot's `ObjectSchema` shape: its definition, properties and
/// association definitions.
async fn schema(client: &impl GenericClient, row: &Row) -> Result<Value, ApiError> {
    let mut body = definition(row);
    let type_id = types::custom_type_id(key(row).0);
    let properties = properties::of_type(client, &type_id, false).await?;
    body.insert("properties".to_owned(), json!(properties));
    body.insert(
        "associations".to_owned(),
        json!(associations(client, &type_id).await?),
    );
    Ok(Value::Object(body))
}

/// The association definitions from the custom type stored as `type_id`:
/// `[{id, fromObjectTypeId, toObjectTypeId, name}]`.
async fn associations(client: &impl GenericClient, type_id: &str) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            "SELECT type_id, to_type, name FROM association_types
             WHERE from_type = $1 AND category = 'USER_DEFINED' AND label IS NULL
             ORDER BY type_id",
            &[&type_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let to: String = row.get(1);
            json!({
                "id": row.get::<_, i32>(0).to_string(),
                "fromObjectTypeId": type_id,
                "toObjectTypeId": types::type_id_of(&to),
                "name": row.get::<_, String>(2),
            })
        })
        .collect())
}

/// The schema the path's `{objectType}` names (archived ones too), by object type id, fully
/// qualified or short-hand name (not by its bare name, as HubSpot no longer does).
///
/// # Errors
///
/// 404 when there is none.
async fn find(client: &impl GenericClient, name: &str) -> Result<Row, ApiError> {
    let (id, bare) = types::schema_key(name).ok_or_else(|| unknown(name))?;
    client
        .query_opt(
            &format!(
                "SELECT {} FROM object_schemas WHERE id = $1 OR lower(name) = lower($2)",
                columns()
            ),
            &[&id, &bare],
        )
        .await?
        .ok_or_else(|| unknown(name))
}

/// 404 for a schema `name` does not name.
fn unknown(name: &str) -> ApiError {
    ApiError::missing(format!("Unable to find object type {name}"))
}

/// The live schema the path names, as [`find`].
async fn find_live(client: &impl GenericClient, name: &str) -> Result<Row, ApiError> {
    let row = find(client, name).await?;
    if row.get::<_, bool>(9) {
        return Err(unknown(name));
    }
    Ok(row)
}

/// The custom type of a schema row.
fn object_type(row: &Row) -> ObjectType {
    let (id, name) = key(row);
    types::custom(id, name, row.get(7), row.get(8))
}

/// `GET /crm/v3/schemas` (`archived=true` lists the archived ones).
async fn list(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM object_schemas WHERE archived = $1 ORDER BY id",
                columns()
            ),
            &[&args.flag("archived")],
        )
        .await?;
    let mut results = Vec::with_capacity(rows.len());
    for row in &rows {
        results.push(schema(&client, row).await?);
    }
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `GET /crm/v3/schemas/{objectType}`.
async fn read(call: Call) -> ApiResult {
    call.authorize(&[READ]).await?;
    let client = call.kit.db().await?;
    let row = find_live(&client, call.param("objectType")).await?;
    Ok(axum::Json(schema(&client, &row).await?).into_response())
}

/// Whether `name` can name a schema or property: a lowercase letter, then lowercase letters,
/// digits and underscores.
fn valid_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The display, searchable and required property lists of a body, each checked against
/// `known` (the type's property names).
///
/// # Errors
///
/// 400 naming each property that is not one of the type's.
fn check_named(body: &Value, known: &[String]) -> Result<(), ApiError> {
    let mut unknown: Vec<String> = Vec::new();
    for field in [
        "requiredProperties",
        "searchableProperties",
        "secondaryDisplayProperties",
    ] {
        unknown.extend(
            string_list(body, field)?
                .into_iter()
                .filter(|name| !known.contains(name)),
        );
    }
    if let Some(primary) = string_field(body, "primaryDisplayProperty")
        && !known.contains(&primary)
    {
        unknown.push(primary);
    }
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.dedup();
    Err(ApiError::validation(format!(
        "Properties do not exist on this object type: {}",
        unknown.join(", ")
    ))
    .with("context", json!({ "propertyName": unknown })))
}

/// `POST /crm/v3/schemas` `ObjectSchemaEgg`: the type, its property group, calculated and
/// given properties and association definitions, in one transaction; 201 with the schema.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let name = string_field(&body, "name").filter(|n| !n.is_empty());
    let singular = body["labels"]["singular"]
        .as_str()
        .filter(|l| !l.is_empty());
    let plural = body["labels"]["plural"].as_str().filter(|l| !l.is_empty());
    let (Some(name), Some(singular), Some(plural)) = (&name, singular, plural) else {
        let unset: Vec<&str> = [
            ("name", name.is_none()),
            ("labels", singular.is_none() || plural.is_none()),
        ]
        .into_iter()
        .filter_map(|(field, absent)| absent.then_some(field))
        .collect();
        return Err(ApiError::unbuilt("ObjectSchemaEgg", &unset));
    };
    if !valid_name(name) {
        return Err(ApiError::validation(format!(
            "Object type name {name} is invalid: use letters, digits and underscores, starting with a letter"
        )));
    }
    let inputs = array_field(&body, "properties")?;
    let mut known: Vec<String> = CALCULATED.iter().map(|n| (*n).to_owned()).collect();
    known.extend(inputs.iter().filter_map(|p| string_field(p, "name")));
    check_named(&body, &known)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    // The schema's id (and define_association's type ids) are drawn in this transaction's SQL.
    asym_kit::hold_writers(&tx).await?;
    let row = tx
        .query_opt(
            &format!(
                "INSERT INTO object_schemas (id, name, singular_label, plural_label, description,
                     primary_display_property, secondary_display_properties,
                     searchable_properties, required_properties, created_at, updated_at)
                 VALUES (nextval('object_schema_ids'), $1, $2, $3, $4, $5, $6, $7, $8, now(), now())
                 ON CONFLICT DO NOTHING RETURNING {}",
                columns()
            ),
            &[
                &name,
                &singular,
                &plural,
                &string_field(&body, "description"),
                &string_field(&body, "primaryDisplayProperty"),
                &string_list(&body, "secondaryDisplayProperties")?,
                &string_list(&body, "searchableProperties")?,
                &string_list(&body, "requiredProperties")?,
            ],
        )
        .await?
        .ok_or_else(|| {
            ApiError::already_exists(format!(
                "An object type named {name} already exists (archived ones keep their name until purged)."
            ))
        })?;
    let custom = object_type(&row);
    let group = format!("{name}_information");
    tx.execute(
        "INSERT INTO property_groups (object_type, name, label, display_order) VALUES ($1, $2, $3, 0)",
        &[&custom.name, &group, &format!("{singular} information")],
    )
    .await?;
    // The calculated properties every type has, as the companies' stock definitions have them.
    tx.execute(
        "INSERT INTO properties (object_type, name, label, type, field_type, group_name,
             display_order, calculated, read_only_value, form_field, created_at, updated_at)
         SELECT $1, name, label, type, field_type, $2, display_order, calculated,
             read_only_value, form_field, now(), now()
         FROM properties WHERE object_type = 'companies' AND name = ANY($3)",
        &[&custom.name, &group, &CALCULATED.to_vec()],
    )
    .await?;
    for input in inputs {
        let mut input = input.clone();
        if let Some(fields) = input.as_object_mut() {
            fields
                .entry("groupName")
                .or_insert_with(|| json!(group.clone()));
        }
        properties::insert(&tx, &custom, &input).await?;
    }
    for other in string_list(&body, "associatedObjects")? {
        let to = types::resolve(&tx, &other).await?;
        define_association(&tx, &custom, &to, None).await?;
    }
    let answer = schema(&tx, &row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// Defines an association between `from` and `to` (named `name`, else
/// `{from}_to_{to}`), both directions, `USER_DEFINED`; the pair's first is its default.
/// Returns the definition from `from`'s side. `client` is the caller's transaction: the lock
/// on the pair's names ([`names::lock`]) lasts until it ends.
///
/// # Errors
///
/// 409 when the pair already has a definition of that name.
async fn define_association(
    client: &impl GenericClient,
    from: &ObjectType,
    to: &ObjectType,
    name: Option<String>,
) -> Result<Value, ApiError> {
    let name = name.unwrap_or_else(|| format!("{}_to_{}", from.singular, to.singular));
    let inverse = format!("{}_to_{}", to.singular, from.singular);
    names::lock(client, &names::association_pair(&from.name, &to.name)).await?;
    let row = client
        .query_opt(
            "WITH taken AS (SELECT 1 FROM association_types
                            WHERE from_type = $1 AND to_type = $2 AND name = $3),
                  first AS (SELECT NOT EXISTS (SELECT 1 FROM association_types
                            WHERE from_type = $1 AND to_type = $2 AND is_default) AS is_default),
                  ids AS (SELECT nextval('association_type_ids')::int AS a,
                                 nextval('association_type_ids')::int AS b
                          WHERE NOT EXISTS (SELECT 1 FROM taken)),
                  written AS (
                      INSERT INTO association_types (type_id, from_type, to_type, category, label,
                          name, inverse_id, is_default)
                      SELECT a, $1, $2, 'USER_DEFINED', NULL, $3, b, first.is_default FROM ids, first
                      UNION ALL
                      SELECT b, $2, $1, 'USER_DEFINED', NULL, $4, a, first.is_default FROM ids, first
                      RETURNING type_id, from_type)
             SELECT type_id FROM written WHERE from_type = $1",
            &[&from.name, &to.name, &name, &inverse],
        )
        .await?
        .ok_or_else(|| {
            ApiError::already_exists(format!("An association named {name} already exists."))
        })?;
    Ok(json!({
        "id": row.get::<_, i32>(0).to_string(),
        "fromObjectTypeId": from.type_id,
        "toObjectTypeId": to.type_id,
        "name": name,
    }))
}

/// `PATCH /crm/v3/schemas/{objectType}` `ObjectTypeDefinitionPatch`: labels, description,
/// display, searchable and required properties (each naming one of the type's properties);
/// the definition.
async fn update(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let client = call.kit.db().await?;
    let row = find_live(&client, call.param("objectType")).await?;
    let type_id = types::custom_type_id(key(&row).0);
    let known: Vec<String> = client
        .query(
            "SELECT name FROM properties WHERE object_type = $1 AND NOT archived",
            &[&type_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    check_named(&body, &known)?;
    let list = |field: &str| {
        body.get(field)
            .map(|_| string_list(&body, field))
            .transpose()
    };
    let row = client
        .query_one(
            &format!(
                "UPDATE object_schemas SET
                     singular_label = coalesce($2, singular_label),
                     plural_label = coalesce($3, plural_label),
                     description = CASE WHEN $4 THEN NULL ELSE coalesce($5, description) END,
                     primary_display_property = coalesce($6, primary_display_property),
                     secondary_display_properties = coalesce($7, secondary_display_properties),
                     searchable_properties = coalesce($8, searchable_properties),
                     required_properties = coalesce($9, required_properties),
                     updated_at = now()
                 WHERE id = $1 RETURNING {}",
                columns()
            ),
            &[
                &key(&row).0,
                &body["labels"]["singular"].as_str(),
                &body["labels"]["plural"].as_str(),
                &body["clearDescription"].as_bool().unwrap_or(false),
                &string_field(&body, "description"),
                &string_field(&body, "primaryDisplayProperty"),
                &list("secondaryDisplayProperties")?,
                &list("searchableProperties")?,
                &list("requiredProperties")?,
            ],
        )
        .await?;
    let mut answer = definition(&row);
    answer.insert("portalId".to_owned(), json!(PORTAL_ID.parse::<i64>().ok()));
    Ok(axum::Json(Value::Object(answer)).into_response())
}

/// `DELETE /crm/v3/schemas/{objectType}`: archives a live schema that holds no live
/// records; with `archived=true`, purges an archived one.
async fn archive(call: Call, args: Args) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let name = call.param("objectType");
    let mut client = call.kit.db().await?;
    let row = find(&client, name).await?;
    let (id, _) = key(&row);
    match (args.flag("archived"), row.get::<_, bool>(9)) {
        (false, false) => retire(&client, id).await?,
        (false, true) => return Err(unknown(name)),
        (true, false) => {
            return Err(ApiError::validation(format!(
                "Object type 2-{id} is not archived: archive it before purging it."
            )));
        }
        (true, true) => {
            let tx = client.transaction().await?;
            purge(&tx, id).await?;
            tx.commit().await?;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Archives schema `id` unless one of its records lives (checked by the statement that
/// archives it).
///
/// # Errors
///
/// 400 naming how many records live.
async fn retire(client: &impl GenericClient, id: i64) -> Result<(), ApiError> {
    let type_id = types::custom_type_id(id);
    let updated = client
        .execute(
            "UPDATE object_schemas SET archived = true, archived_at = now(), updated_at = now()
             WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM objects WHERE type = $2 AND NOT archived)",
            &[&id, &type_id],
        )
        .await?;
    if updated > 0 {
        return Ok(());
    }
    let live: i64 = client
        .query_one(
            "SELECT count(*) FROM objects WHERE type = $1 AND NOT archived",
            &[&type_id],
        )
        .await?
        .get(0);
    Err(ApiError::validation(format!(
        "Object type {type_id} still has {live} records: delete them before deleting its schema."
    )))
}

/// Deletes schema `id` with its records, properties, groups, association definitions,
/// associations and lists, freeing its name.
///
/// # Errors
///
/// The statements' errors.
async fn purge(client: &impl GenericClient, id: i64) -> Result<(), ApiError> {
    let type_id = types::custom_type_id(id);
    for sql in [
        "DELETE FROM associations WHERE from_type = $1 OR to_type = $1",
        "DELETE FROM association_types WHERE from_type = $1 OR to_type = $1",
        "DELETE FROM objects WHERE type = $1",
        "DELETE FROM properties WHERE object_type = $1",
        "DELETE FROM property_groups WHERE object_type = $1",
        "DELETE FROM lists WHERE object_type_id = $1",
    ] {
        client.execute(sql, &[&type_id]).await?;
    }
    client
        .execute("DELETE FROM object_schemas WHERE id = $1", &[&id])
        .await?;
    Ok(())
}

/// `POST /crm/v3/schemas/{objectType}/associations` `{fromObjectTypeId, toObjectTypeId,
/// name?}`: 201 with the `AssociationDefinition` (`fromObjectTypeId` must be the schema's).
async fn create_association(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    // define_association draws the association types' ids in its SQL.
    asym_kit::hold_writers(&tx).await?;
    let custom = object_type(&find_live(&tx, call.param("objectType")).await?);
    let (from, to) = (
        string_field(&body, "fromObjectTypeId"),
        string_field(&body, "toObjectTypeId"),
    );
    let missing: Vec<&str> = [("fromObjectTypeId", &from), ("toObjectTypeId", &to)]
        .into_iter()
        .filter_map(|(field, value)| value.is_none().then_some(field))
        .collect();
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::unbuilt("AssociationDefinitionEgg", &missing));
    };
    if types::resolve(&tx, &from).await?.type_id != custom.type_id {
        return Err(ApiError::validation(format!(
            "fromObjectTypeId {from} must be the schema's object type {}",
            custom.type_id
        )));
    }
    let to = types::resolve(&tx, &to).await?;
    let defined = define_association(&tx, &custom, &to, string_field(&body, "name")).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(defined)).into_response())
}

/// `DELETE /crm/v3/schemas/{objectType}/associations/{associationIdentifier}`: removes the
/// definition (both directions) and the associations written with it.
async fn remove_association(call: Call) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let custom = object_type(&find_live(&tx, call.param("objectType")).await?);
    let type_id: i32 = call.numeric_param("associationIdentifier")?;
    let removed = tx
        .query(
            "DELETE FROM association_types
             WHERE category = 'USER_DEFINED' AND label IS NULL
               AND type_id IN (SELECT unnest(ARRAY[type_id, inverse_id]) FROM association_types
                               WHERE type_id = $1 AND from_type = $2 AND category = 'USER_DEFINED')
             RETURNING type_id",
            &[&type_id, &custom.name],
        )
        .await?;
    if removed.is_empty() {
        return Err(ApiError::not_found());
    }
    let ids: Vec<i32> = removed.iter().map(|r| r.get(0)).collect();
    tx.execute(
        "DELETE FROM associations WHERE category = 'USER_DEFINED' AND type_id = ANY($1)",
        &[&ids],
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
