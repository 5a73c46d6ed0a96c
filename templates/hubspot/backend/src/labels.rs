//! Association labels (v4 definitions) between two object types: list, create (with an
//! inverse label), rename, delete (with every association of the label).

use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::assoc::{self, AssociationType};
use crate::error::{ApiError, ApiResult};
use crate::names;
use crate::objects::pair;
use crate::request::{Call, JsonBody, string_field};

/// `{results: [{category, typeId, label}]}`.
fn spec_list(kinds: &[AssociationType]) -> Value {
    json!({ "results": kinds.iter().map(AssociationType::spec).collect::<Vec<_>>() })
}

/// `GET /crm/v4/associations/{from}/{to}/labels`.
pub(crate) async fn list(call: Call) -> ApiResult {
    let (from, to) = pair(&call, false).await?;
    let client = call.kit.db().await?;
    let kinds = assoc::types_between(&client, &from.name, &to.name).await?;
    Ok(axum::Json(spec_list(&kinds)).into_response())
}

/// `POST /crm/v4/associations/{from}/{to}/labels` `{label, name, inverseLabel?}`.
pub(crate) async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (from, to) = pair(&call, true).await?;
    let label = string_field(&body, "label").filter(|l| !l.trim().is_empty());
    let name = string_field(&body, "name").filter(|n| !n.trim().is_empty());
    let (Some(label), Some(name)) = (label, name) else {
        return Err(ApiError::validation("label and name are required"));
    };
    let inverse = string_field(&body, "inverseLabel").unwrap_or_else(|| label.clone());
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    // The label's type ids are drawn in this transaction's SQL.
    asym_kit::hold_writers(&tx).await?;
    names::lock(&tx, &names::association_pair(&from.name, &to.name)).await?;
    let taken = tx
        .query_opt(
            "SELECT 1 FROM association_types WHERE from_type = $1 AND to_type = $2 AND name = $3",
            &[&from.name, &to.name, &name],
        )
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(format!(
            "An association label named {name} already exists between {} and {}",
            from.name, to.name
        )));
    }
    tx.execute(
        "WITH ids AS (SELECT nextval('association_type_ids')::int AS a,
                             CASE WHEN $1 = $2 AND $3 = $4 THEN currval('association_type_ids')::int
                                  ELSE nextval('association_type_ids')::int END AS b)
         INSERT INTO association_types (type_id, from_type, to_type, category, label, name, inverse_id)
         SELECT a, $1, $2, 'USER_DEFINED', $3, $5, b FROM ids
         UNION ALL
         SELECT b, $2, $1, 'USER_DEFINED', $4, $5 || '_inverse', a FROM ids WHERE a <> b",
        &[&from.name, &to.name, &label, &inverse, &name],
    )
    .await?;
    let kinds = assoc::types_between(&tx, &from.name, &to.name).await?;
    tx.commit().await?;
    let created: Vec<AssociationType> = kinds
        .into_iter()
        .filter(|k| k.category == "USER_DEFINED" && k.name == name)
        .collect();
    Ok(axum::Json(spec_list(&created)).into_response())
}

/// `PUT /crm/v4/associations/{from}/{to}/labels` `{associationTypeId, label, inverseLabel?}`.
pub(crate) async fn update(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (from, to) = pair(&call, true).await?;
    let type_id = string_field(&body, "associationTypeId")
        .and_then(|id| id.parse::<i32>().ok())
        .ok_or_else(|| ApiError::validation("associationTypeId is required"))?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    tx.query_opt(
        "SELECT 1 FROM association_types
         WHERE type_id = $1 AND from_type = $2 AND to_type = $3 AND category = 'USER_DEFINED'
         FOR UPDATE",
        &[&type_id, &from.name, &to.name],
    )
    .await?
    .ok_or_else(ApiError::not_found)?;
    let label =
        string_field(&body, "label").ok_or_else(|| ApiError::validation("label is required"))?;
    let inverse = string_field(&body, "inverseLabel");
    let row = tx
        .query_opt(
            "UPDATE association_types SET label = $4
             WHERE type_id = $1 AND from_type = $2 AND to_type = $3 AND category = 'USER_DEFINED'
             RETURNING inverse_id",
            &[&type_id, &from.name, &to.name, &label],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    if let Some(inverse) = inverse {
        let inverse_id: i32 = row.get(0);
        tx.execute(
            "UPDATE association_types SET label = $2
             WHERE type_id = $1 AND category = 'USER_DEFINED' AND type_id <> $3",
            &[&inverse_id, &inverse, &type_id],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /crm/v4/associations/{from}/{to}/labels/{type_id}`: the label, its inverse and
/// every association of those types.
pub(crate) async fn delete(call: Call) -> ApiResult {
    let (from, to) = pair(&call, true).await?;
    let type_id: i32 = call.numeric_param("type_id")?;
    let client = call.kit.db().await?;
    let row = client
        .query_one(
            "WITH t AS (SELECT type_id, inverse_id FROM association_types
                        WHERE type_id = $1 AND from_type = $2 AND to_type = $3
                          AND category = 'USER_DEFINED'),
                  a AS (DELETE FROM associations WHERE category = 'USER_DEFINED'
                        AND type_id IN (SELECT type_id FROM t UNION SELECT inverse_id FROM t)),
                  d AS (DELETE FROM association_types WHERE category = 'USER_DEFINED'
                        AND type_id IN (SELECT type_id FROM t UNION SELECT inverse_id FROM t)
                        RETURNING 1)
             SELECT count(*) FROM d",
            &[&type_id, &from.name, &to.name],
        )
        .await?;
    if row.get::<_, i64>(0) == 0 {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
