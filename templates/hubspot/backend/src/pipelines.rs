//! Pipelines v3 for deals, tickets and leads: list, get, create, update (PATCH), replace (PUT),
//! delete; and their stages: list, get, create, update, replace, delete.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, found};
use crate::names;
use crate::objects::model::ISO;
use crate::objects::render::json_column;
use crate::request::{Call, JsonBody, i32_field, string_field};
use crate::types::{ObjectType, Type};

/// The pipeline routes.
pub(crate) fn routes() -> Router<Kit> {
    let base = "/crm/v3/pipelines/{type}";
    Router::new()
        .route(base, get(list).post(create))
        .route(
            &format!("{base}/{{id}}"),
            get(read).patch(update).put(replace).delete(remove),
        )
        .route(
            &format!("{base}/{{id}}/stages"),
            get(stages).post(create_stage),
        )
        .route(
            &format!("{base}/{{id}}/stages/{{stage}}"),
            get(read_stage)
                .patch(update_stage)
                .put(update_stage)
                .delete(remove_stage),
        )
}

/// Deals, tickets or leads, after checking the caller's scope.
async fn gate(call: &Call, write: bool) -> Result<Type, ApiError> {
    call.gate("type", |object_type| {
        if matches!(object_type.name.as_ref(), "deals" | "tickets" | "leads") {
            Ok(object_type.scope(write))
        } else {
            Err(ApiError::validation(format!(
                "{} do not have pipelines",
                object_type.name
            )))
        }
    })
    .await
}

/// Every live pipeline of `object_type` (or only `id`), stages included, in one statement.
async fn load(
    client: &impl GenericClient,
    object_type: &str,
    id: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT json_build_object('id', p.id, 'label', p.label,
                    'displayOrder', p.display_order, 'archived', p.archived,
                    'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', {ISO}),
                    'updatedAt', to_char(p.updated_at AT TIME ZONE 'UTC', {ISO}),
                    'stages', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'id', s.id, 'label', s.label, 'displayOrder', s.display_order,
                        'metadata', s.metadata, 'archived', s.archived,
                        'writePermissions', 'CRM_PERMISSIONS_ENFORCEMENT',
                        'createdAt', to_char(s.created_at AT TIME ZONE 'UTC', {ISO}),
                        'updatedAt', to_char(s.updated_at AT TIME ZONE 'UTC', {ISO}))
                        ORDER BY s.display_order, s.id)
                      FROM pipeline_stages s
                      WHERE s.object_type = p.object_type AND s.pipeline_id = p.id
                        AND NOT s.archived), '[]'))::text
             FROM pipelines p
             WHERE p.object_type = $1 AND NOT p.archived AND ($2::text IS NULL OR p.id = $2)
             ORDER BY p.display_order, p.id"
        ))
        .await?;
    let rows = client.query(&statement, &[&object_type, &id]).await?;
    Ok(rows.iter().map(|row| json_column(row, 0)).collect())
}

async fn one(client: &impl GenericClient, object_type: &str, id: &str) -> Result<Value, ApiError> {
    load(client, object_type, Some(id))
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// The pipeline the path names, for a read.
async fn current(call: &Call) -> Result<Value, ApiError> {
    let object_type = gate(call, false).await?;
    one(&call.kit.db().await?, &object_type.name, call.param("id")).await
}

/// `GET /crm/v3/pipelines/{type}`.
async fn list(call: Call) -> ApiResult {
    let object_type = gate(&call, false).await?;
    let results = load(&call.kit.db().await?, &object_type.name, None).await?;
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `GET /crm/v3/pipelines/{type}/{id}`.
async fn read(call: Call) -> ApiResult {
    Ok(axum::Json(current(&call).await?).into_response())
}

/// A stage's `metadata` (strings, as HubSpot returns them); deal stages need a
/// `probability` between 0 and 1.
fn metadata(object_type: &ObjectType, stage: &Value) -> Result<String, ApiError> {
    let mut out = Map::new();
    if let Some(given) = stage.get("metadata").and_then(Value::as_object) {
        for (key, value) in given {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.insert(key.clone(), Value::String(text));
        }
    }
    if object_type.name == "deals" {
        let probability = out
            .get("probability")
            .and_then(Value::as_str)
            .and_then(|p| p.parse::<f64>().ok())
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| {
                ApiError::validation("deal stages need metadata.probability between 0.0 and 1.0")
            })?;
        let closed = if probability >= 1.0 { "true" } else { "false" };
        out.entry("isClosed")
            .or_insert_with(|| Value::String(closed.to_owned()));
    } else if object_type.name == "tickets" && !out.contains_key("ticketState") {
        out.insert("ticketState".to_owned(), json!("OPEN"));
    }
    Ok(Value::Object(out).to_string())
}

/// A stage's `label`.
///
/// # Errors
///
/// 400 when it has none.
fn stage_label(stage: &Value) -> Result<String, ApiError> {
    string_field(stage, "label").ok_or_else(|| ApiError::validation("each stage needs a label"))
}

/// HubSpot's refusal of a stage label the pipeline already has: its pipelines guide asks that
/// each stage's label be unique.
fn label_taken(label: &str) -> ApiError {
    ApiError::validation(format!(
        "A stage labeled {label} already exists in this pipeline: each stage's label must be unique"
    ))
    .with("context", json!({ "label": [label] }))
}

/// Takes the lock on the stage labels of `object_type`'s pipeline `pipeline` for the rest of
/// `tx` (and the writers' lock: stage ids are drawn from `pipeline_ids` in the statement).
async fn lock_stages(
    tx: &impl GenericClient,
    object_type: &str,
    pipeline: &str,
) -> Result<(), ApiError> {
    asym_kit::hold_writers(tx).await?;
    names::lock(tx, &[format!("pipeline stages {object_type} {pipeline}")]).await?;
    Ok(())
}

/// The live pipeline `id` of `object_type` (stages included), its stages locked for this
/// transaction ([`lock_stages`]).
///
/// # Errors
///
/// 404 when there is no such live pipeline; the statements' errors.
async fn locked(tx: &impl GenericClient, object_type: &str, id: &str) -> Result<Value, ApiError> {
    lock_stages(tx, object_type, id).await?;
    one(tx, object_type, id).await
}

/// Refuses `label` when another live stage of the pipeline (not `except`) holds it.
///
/// # Errors
///
/// [`label_taken`]; the statement's error.
async fn refuse_taken_label(
    client: &impl GenericClient,
    object_type: &str,
    pipeline: &str,
    label: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let taken = client
        .query_opt(
            "SELECT 1 FROM pipeline_stages
             WHERE object_type = $1 AND pipeline_id = $2 AND label = $3 AND NOT archived
               AND ($4::text IS NULL OR id <> $4)",
            &[&object_type, &pipeline, &label, &except],
        )
        .await?;
    match taken {
        Some(_) => Err(label_taken(label)),
        None => Ok(()),
    }
}

async fn insert_stage(
    client: &impl GenericClient,
    object_type: &ObjectType,
    pipeline: &str,
    stage: &Value,
) -> Result<(), ApiError> {
    let label = stage_label(stage)?;
    let order = i32_field(stage, "displayOrder").unwrap_or(0);
    let metadata = metadata(object_type, stage)?;
    client
        .execute(
            "INSERT INTO pipeline_stages (object_type, pipeline_id, id, label, display_order, metadata)
             VALUES ($1, $2, nextval('pipeline_ids')::text, $3, $4, $5::text::jsonb)",
            &[&object_type.name, &pipeline, &label, &order, &metadata],
        )
        .await?;
    Ok(())
}

/// A whole pipeline's `label` and `stages` (at least one, each labelled, no label twice).
fn definition(body: &Value) -> Result<(String, &Vec<Value>), ApiError> {
    let label =
        string_field(body, "label").ok_or_else(|| ApiError::validation("label is required"))?;
    let stages = body["stages"]
        .as_array()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::validation("a pipeline needs at least one stage"))?;
    let mut seen = std::collections::HashSet::new();
    for stage in stages {
        let stage_label = stage_label(stage)?;
        if !seen.insert(stage_label.clone()) {
            return Err(label_taken(&stage_label));
        }
    }
    Ok((label, stages))
}

/// Sets a live pipeline's label and display order (each kept when `None`).
///
/// # Errors
///
/// 404 when there is no such live pipeline.
async fn relabel(
    client: &impl GenericClient,
    object_type: &str,
    id: &str,
    label: Option<String>,
    order: Option<i32>,
) -> Result<(), ApiError> {
    let rows = client
        .execute(
            "UPDATE pipelines SET label = coalesce($3, label),
                 display_order = coalesce($4, display_order), updated_at = now()
             WHERE object_type = $1 AND id = $2 AND NOT archived",
            &[&object_type, &id, &label, &order],
        )
        .await?;
    found(rows)
}

/// `POST /crm/v3/pipelines/{type}` `{label, displayOrder, stages: [{label, displayOrder, metadata}]}`.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let (label, stages) = definition(&body)?;
    let order = i32_field(&body, "displayOrder").unwrap_or(0);
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    asym_kit::hold_writers(&tx).await?;
    names::lock(&tx, &[format!("pipelines {}", object_type.name)]).await?;
    let taken = tx
        .query_opt(
            "SELECT 1 FROM pipelines WHERE object_type = $1 AND label = $2 AND NOT archived",
            &[&object_type.name, &label],
        )
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(format!(
            "A pipeline with label {label} already exists"
        )));
    }
    let id: String = tx
        .query_one(
            "INSERT INTO pipelines (object_type, id, label, display_order)
             VALUES ($1, nextval('pipeline_ids')::text, $2, $3) RETURNING id",
            &[&object_type.name, &label, &order],
        )
        .await?
        .get(0);
    for stage in stages {
        insert_stage(&tx, &object_type, &id, stage).await?;
    }
    let created = one(&tx, &object_type.name, &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

/// `PATCH /crm/v3/pipelines/{type}/{id}` `{label?, displayOrder?}`.
async fn update(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let (client, id) = (call.kit.db().await?, call.param("id"));
    let label = string_field(&body, "label");
    relabel(
        &client,
        &object_type.name,
        id,
        label,
        i32_field(&body, "displayOrder"),
    )
    .await?;
    Ok(axum::Json(one(&client, &object_type.name, id).await?).into_response())
}

/// `PUT /crm/v3/pipelines/{type}/{id}`: label, order and the whole stage list replaced.
async fn replace(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let id = call.param("id");
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    locked(&tx, &object_type.name, id).await?;
    let (label, stages) = definition(&body)?;
    relabel(
        &tx,
        &object_type.name,
        id,
        Some(label),
        i32_field(&body, "displayOrder"),
    )
    .await?;
    tx.execute(
        "DELETE FROM pipeline_stages WHERE object_type = $1 AND pipeline_id = $2",
        &[&object_type.name, &id],
    )
    .await?;
    for stage in stages {
        insert_stage(&tx, &object_type, id, stage).await?;
    }
    let replaced = one(&tx, &object_type.name, id).await?;
    tx.commit().await?;
    Ok(axum::Json(replaced).into_response())
}

/// The property naming an object's pipeline.
fn pipeline_property(object_type: &ObjectType) -> &'static str {
    if object_type.name == "deals" {
        "pipeline"
    } else {
        "hs_pipeline"
    }
}

/// `DELETE /crm/v3/pipelines/{type}/{id}`: refused while live objects are in it.
async fn remove(call: Call) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let (client, id) = (call.kit.db().await?, call.param("id"));
    let in_use = client
        .query_opt(
            "SELECT 1 FROM objects WHERE type = $1 AND NOT archived AND properties->>$2::text = $3 LIMIT 1",
            &[&object_type.name, &pipeline_property(&object_type), &id],
        )
        .await?;
    if in_use.is_some() {
        return Err(ApiError::validation(format!(
            "Pipeline {id} still holds {}; move them before deleting it",
            object_type.name
        )));
    }
    found(
        client
            .execute(
                "DELETE FROM pipelines WHERE object_type = $1 AND id = $2",
                &[&object_type.name, &id],
            )
            .await?,
    )?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /crm/v3/pipelines/{type}/{id}/stages`.
async fn stages(call: Call) -> ApiResult {
    let pipeline = current(&call).await?;
    Ok(axum::Json(json!({ "results": pipeline["stages"] })).into_response())
}

fn find_stage(pipeline: &Value, stage: &str) -> Result<Value, ApiError> {
    pipeline["stages"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == stage).cloned())
        .ok_or_else(ApiError::not_found)
}

/// `GET /crm/v3/pipelines/{type}/{id}/stages/{stage}`.
async fn read_stage(call: Call) -> ApiResult {
    let pipeline = current(&call).await?;
    Ok(axum::Json(find_stage(&pipeline, call.param("stage"))?).into_response())
}

/// `POST /crm/v3/pipelines/{type}/{id}/stages` `{label, displayOrder, metadata}`.
async fn create_stage(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let id = call.param("id");
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    locked(&tx, &object_type.name, id).await?;
    refuse_taken_label(&tx, &object_type.name, id, &stage_label(&body)?, None).await?;
    insert_stage(&tx, &object_type, id, &body).await?;
    let stage_id: String = tx
        .query_one("SELECT currval('pipeline_ids')::text", &[])
        .await?
        .get(0);
    let pipeline = one(&tx, &object_type.name, id).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(find_stage(&pipeline, &stage_id)?),
    )
        .into_response())
}

/// `PATCH` or `PUT /crm/v3/pipelines/{type}/{id}/stages/{stage}` `{label?, displayOrder?, metadata?}`.
async fn update_stage(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let (id, stage) = (call.param("id"), call.param("stage"));
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    find_stage(&locked(&tx, &object_type.name, id).await?, stage)?;
    let metadata = match body.get("metadata") {
        Some(Value::Object(_)) => Some(metadata(&object_type, &body)?),
        _ => None,
    };
    let label = string_field(&body, "label");
    if let Some(label) = &label {
        refuse_taken_label(&tx, &object_type.name, id, label, Some(stage)).await?;
    }
    let rows = tx
        .execute(
            "UPDATE pipeline_stages SET label = coalesce($4, label),
                 display_order = coalesce($5, display_order),
                 metadata = coalesce($6::text::jsonb, metadata), updated_at = now()
             WHERE object_type = $1 AND pipeline_id = $2 AND id = $3 AND NOT archived",
            &[
                &object_type.name,
                &id,
                &stage,
                &label,
                &i32_field(&body, "displayOrder"),
                &metadata,
            ],
        )
        .await?;
    found(rows)?;
    let pipeline = one(&tx, &object_type.name, id).await?;
    tx.commit().await?;
    Ok(axum::Json(find_stage(&pipeline, stage)?).into_response())
}

/// `DELETE /crm/v3/pipelines/{type}/{id}/stages/{stage}`.
async fn remove_stage(call: Call) -> ApiResult {
    let object_type = gate(&call, true).await?;
    let client = call.kit.db().await?;
    let rows = client
        .execute(
            "DELETE FROM pipeline_stages WHERE object_type = $1 AND pipeline_id = $2 AND id = $3",
            &[&object_type.name, &call.param("id"), &call.param("stage")],
        )
        .await?;
    found(rows)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
