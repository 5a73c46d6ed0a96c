//! Async tasks: `allow_async: true` on `POST /v1/pages` (with `markdown`) and on
//! `PATCH /v1/pages/{id}/markdown` answers 202 with an `async_task` instead of the
//! operation's answer, and `GET /v1/async_tasks/{id}` tells how it went. The clone carries
//! the operation out within the request (validation, permissions and the write are the
//! synchronous request's, as Notion's "`allow_async` changes response behavior only"), so
//! the task is accepted `queued` and read back `succeeded`, its `result` the answer the
//! synchronous request gives. A task is kept for an hour, then answers 404.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, invalid};
use crate::request::Ctx;

/// How long a task is kept (Notion's reference: "retained for a bounded period").
const KEPT: &str = "1 hour";

/// The seconds a client is asked to wait before it polls (the task is already done).
const POLL_AFTER_SECONDS: i64 = 1;

/// Whether the body asks for an async task: `allow_async` is absent, `null` or a boolean.
///
/// # Errors
/// A `validation_error` for any other value.
pub(crate) fn wanted(body: &Map<String, Value>) -> ApiResult<bool> {
    match body.get("allow_async") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(wanted)) => Ok(*wanted),
        Some(other) => Err(invalid("body.allow_async", "a boolean", other)),
    }
}

/// The task's `status_url`.
fn status_url(ctx: &Ctx, id: &str) -> String {
    format!("{}/v1/async_tasks/{id}", ctx.base_url())
}

/// The task object, without its status.
fn object(ctx: &Ctx, id: &str, operation: &str, created_time: &str) -> Map<String, Value> {
    let Value::Object(object) = json!({
        "object": "async_task",
        "id": id,
        "status_url": status_url(ctx, id),
        "created_time": created_time,
        "operation": { "surface": "rest", "name": operation },
    }) else {
        unreachable!("a JSON object literal")
    };
    object
}

/// Keeps `answer` (what the synchronous request answers, [`Ctx::answer`] applied) as the
/// result of a new task of `operation` (`POST /v1/pages`), and answers 202 with the task.
///
/// # Errors
/// The database's.
pub(crate) async fn accept(ctx: &Ctx, operation: &str, answer: Json<Value>) -> ApiResult<Response> {
    let id = crate::ids::new_uuid();
    let client = ctx.kit.db().await?;
    let statement = client
        .prepare_cached(&format!(
            "WITH gone AS (DELETE FROM async_tasks WHERE expires_at < now())
             INSERT INTO async_tasks (id, bot_id, operation, result, expires_at)
             VALUES ($1, $2, $3, $4::text::jsonb, now() + interval '{KEPT}')
             RETURNING nt(created_time)"
        ))
        .await?;
    let result = answer.0.to_string();
    let row = client
        .query_one(&statement, &[&id, &ctx.bot, &operation, &result])
        .await?;
    let mut task = object(ctx, &id, operation, row.get(0));
    task.insert("status".into(), "queued".into());
    task.insert("poll_after_seconds".into(), POLL_AFTER_SECONDS.into());
    Ok((StatusCode::ACCEPTED, Json(Value::Object(task))).into_response())
}

/// Answers `answer` as it is, or, when the body asked for it, as an async task of
/// `operation`.
///
/// # Errors
/// The database's.
pub(crate) async fn reply(
    ctx: &Ctx,
    asked: bool,
    operation: &str,
    answer: Json<Value>,
) -> ApiResult<Response> {
    if asked {
        accept(ctx, operation, answer).await
    } else {
        Ok(answer.into_response())
    }
}

/// `GET /v1/async_tasks/{id}`: the integration's own task, `succeeded` with its `result`;
/// an unknown or expired one is a 404.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    // Any text names a task (Notion's task ids are not documented to be UUIDs).
    let id = crate::ids::parse(id).unwrap_or_else(|| id.to_owned());
    let client = ctx.kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT operation, result::text, nt(created_time) FROM async_tasks
             WHERE id = $1 AND bot_id = $2 AND expires_at > now()",
        )
        .await?;
    let row = client
        .query_opt(&statement, &[&id, &ctx.bot])
        .await?
        .ok_or_else(|| ApiError::not_found("async task", &id))?;
    let mut task = object(ctx, &id, row.get(0), row.get(2));
    let result: Value = serde_json::from_str(row.get(1)).unwrap_or(Value::Null);
    task.insert("status".into(), "succeeded".into());
    task.insert("result".into(), result);
    Ok(Value::Object(task))
}
