//! Custom functions' completion: `functions.completeSuccess` and `functions.completeError`.
//!
//! Slack starts an execution when a workflow reaches a step the app's function provides (the
//! `function_executed` event carries its `function_execution_id`); the clone starts one
//! through its admin surface, sends no event, and shows the outcome there.

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::tokio_postgres::Row;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::admin::{AdminResult, invalid, json_body};
use crate::auth::caller;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Call};

/// The admin routes: start an execution, read one back.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/functions/executions", post(start))
        .route("/api/admin/functions/executions/{id}", get(execution))
}

/// The columns [`execution_json`] reads.
const COLUMNS: &str =
    "id, callback_id, inputs::text, required_outputs, state, outputs::text, error";

/// An execution as the admin surface shows it.
fn execution_json(row: &Row) -> Value {
    let parsed = |column: usize| {
        row.get::<_, Option<String>>(column)
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .unwrap_or(Value::Null)
    };
    json!({
        "id": row.get::<_, String>(0),
        "callbackId": row.get::<_, String>(1),
        "inputs": parsed(2),
        "requiredOutputs": row.get::<_, Vec<String>>(3),
        "state": row.get::<_, String>(4),
        "outputs": parsed(5),
        "error": row.get::<_, Option<String>>(6),
    })
}

/// What `POST /api/admin/functions/executions` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StartBody {
    /// The function's `callback_id` in the app's manifest.
    callback_id: String,
    /// The step's inputs.
    #[serde(default)]
    inputs: Map<String, Value>,
    /// The output parameters a success must carry.
    #[serde(default)]
    required_outputs: Vec<String>,
}

/// `POST /api/admin/functions/executions {"callbackId", "inputs"?, "requiredOutputs"?}`: a
/// running execution of the app's function, as a workflow step starts one; answers it
/// (`{"ok": true, "execution": {"id": "Fx…", "state": "running", …}}`).
async fn start(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: StartBody = json_body(&body)?;
    let callback_id = request.callback_id.trim();
    if callback_id.is_empty() {
        return Err(invalid("callbackId: a function's callback_id"));
    }
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO function_executions (callback_id, inputs, required_outputs, created)
                 VALUES ($1, $2::text::jsonb, $3, extract(epoch FROM now())::bigint)
                 RETURNING {COLUMNS}"
            ),
            &[
                &callback_id,
                &Value::Object(request.inputs).to_string(),
                &request.required_outputs,
            ],
        )
        .await?;
    Ok(Json(
        json!({ "ok": true, "execution": execution_json(&row) }),
    ))
}

/// `GET /api/admin/functions/executions/{id}`: the execution with its outcome (`state`
/// `completed` with `outputs`, `failed` with `error`); 404 `function_execution_not_found`.
async fn execution(State(state): State<AppState>, Path(id): Path<String>) -> AdminResult {
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM function_executions WHERE id = $1"),
            &[&id],
        )
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, "function_execution_not_found"))?;
    Ok(Json(
        json!({ "ok": true, "execution": execution_json(&row) }),
    ))
}

/// The running execution the call's `function_execution_id` names, locked for its
/// completion; the outputs a success must carry.
///
/// # Errors
///
/// `invalid_arguments` without the id; `function_execution_not_found` for one the clone
/// never started, `execution_not_in_running_state` for one already completed or failed.
async fn running(tx: &Transaction<'_>, call: &Call) -> Result<(String, Vec<String>), ApiError> {
    let id = call.args.required("function_execution_id")?;
    let row = tx
        .query_opt(
            "SELECT state, required_outputs FROM function_executions WHERE id = $1 FOR UPDATE",
            &[&id.trim()],
        )
        .await?
        .ok_or_else(|| ApiError::new("function_execution_not_found"))?;
    if row.get::<_, &str>(0) != "running" {
        return Err(ApiError::new("execution_not_in_running_state"));
    }
    Ok((id.trim().to_owned(), row.get(1)))
}

/// `functions.completeSuccess`: completes a running execution with its `outputs` (a JSON
/// object holding every required output). Any token of the workspace; no scope.
///
/// # Errors
///
/// `invalid_arguments` without `outputs` or for one that is not an object;
/// `parameter_validation_failed` when a required output is missing; those of [`running`].
pub(crate) async fn complete_success(state: &AppState, call: &Call) -> ApiResult {
    caller(state, call).await?;
    let outputs = match call.args.json("outputs", "invalid_arguments")? {
        Some(Value::Object(outputs)) => outputs,
        Some(_) => return Err(ApiError::invalid_arguments("outputs must be an object")),
        None => {
            return Err(ApiError::invalid_arguments(
                "missing required field: outputs",
            ));
        }
    };
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let (id, required) = running(&tx, call).await?;
    if let Some(missing) = required.iter().find(|name| !outputs.contains_key(*name)) {
        let message = format!("[ERROR] missing required output parameter: {missing}");
        let details = json!({ "messages": [message] });
        return Err(ApiError::new("parameter_validation_failed").with("response_metadata", details));
    }
    tx.execute(
        "UPDATE function_executions SET state = 'completed', outputs = $2::text::jsonb
         WHERE id = $1",
        &[&id, &Value::Object(outputs).to_string()],
    )
    .await?;
    tx.commit().await?;
    Ok(Map::new())
}

/// `functions.completeError`: fails a running execution with `error`, the message Slack
/// shows the person. Any token of the workspace; no scope.
///
/// # Errors
///
/// `invalid_arguments` without `error`; those of [`running`].
pub(crate) async fn complete_error(state: &AppState, call: &Call) -> ApiResult {
    caller(state, call).await?;
    let error = call.args.required("error")?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let (id, _) = running(&tx, call).await?;
    tx.execute(
        "UPDATE function_executions SET state = 'failed', error = $2 WHERE id = $1",
        &[&id, &error],
    )
    .await?;
    tx.commit().await?;
    Ok(Map::new())
}
