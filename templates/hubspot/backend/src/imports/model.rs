//! The imports model: an import's record (`imports`) and its refused rows (`import_errors`),
//! rendered as HubSpot's `PublicImportResponse` and `PublicImportError`.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use super::run::{Outcome, RowError};
use crate::error::ApiError;
use crate::objects::model::ISO;

/// The columns [`render`] reads.
fn columns() -> String {
    format!(
        "id, name, state, request::text, mapped_object_type_ids, counters::text, file_ids,
         opt_out, to_char(created_at AT TIME ZONE 'UTC', {ISO}),
         to_char(updated_at AT TIME ZONE 'UTC', {ISO})"
    )
}

/// One import as HubSpot answers it.
fn render(row: &Row) -> Value {
    let id: i64 = row.get(0);
    let parse = |index: usize| serde_json::from_str::<Value>(row.get(index)).unwrap_or_default();
    json!({
        "id": id.to_string(),
        "importName": row.get::<_, String>(1),
        "state": row.get::<_, String>(2),
        "importRequestJson": parse(3),
        "mappedObjectTypeIds": row.get::<_, Vec<String>>(4),
        "metadata": {
            "counters": parse(5),
            "fileIds": row.get::<_, Vec<String>>(6),
            "objectLists": [],
        },
        "optOutImport": row.get::<_, bool>(7),
        "importSource": "API",
        "createdAt": row.get::<_, String>(8),
        "updatedAt": row.get::<_, String>(9),
    })
}

/// Records a new import of `name` (its `request` as sent, the types it maps), `PROCESSING`;
/// its id.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn start(
    client: &impl GenericClient,
    name: &str,
    request: &Value,
    type_ids: &[String],
) -> Result<i64, ApiError> {
    let opt_out = request.get("optOutImport").and_then(Value::as_bool) == Some(true);
    let row = client
        .query_one(
            "INSERT INTO imports (name, state, request, mapped_object_type_ids, counters,
                                  file_ids, opt_out)
             VALUES ($1, 'PROCESSING', $2::text::jsonb, $3, '{}', '{}', $4) RETURNING id",
            &[&name, &request.to_string(), &type_ids, &opt_out],
        )
        .await?;
    Ok(row.get(0))
}

/// The id of the `index`th file (from 0) of import `id`.
pub(crate) fn file_id(id: i64, index: usize) -> i64 {
    id * 1000 + i64::try_from(index).unwrap_or(0) + 1
}

/// Marks import `id` `DONE` with what `outcome` wrote and its `files` file ids, and records
/// its refused rows (one statement each).
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn finish(
    client: &impl GenericClient,
    id: i64,
    files: usize,
    outcome: &Outcome,
) -> Result<(), ApiError> {
    let file_ids: Vec<String> = (0..files).map(|i| file_id(id, i).to_string()).collect();
    client
        .execute(
            "UPDATE imports SET state = 'DONE', counters = $2::text::jsonb, file_ids = $3,
                                updated_at = now()
             WHERE id = $1",
            &[&id, &outcome.counters().to_string(), &file_ids],
        )
        .await?;
    if outcome.errors.is_empty() {
        return Ok(());
    }
    let errors: Vec<Value> = outcome.errors.iter().map(record).collect();
    client
        .execute(
            "INSERT INTO import_errors (import_id, error_type, object_type_id, object_type,
                 message, invalid_value, column_number, row_data, line_number, file_id, created_at)
             SELECT $1, e.error_type, e.object_type_id, e.object_type, e.message, e.invalid_value,
                    e.column_number, e.row_data, e.line_number, e.file_id,
                    (extract(epoch FROM now()) * 1000)::bigint
             FROM ROWS FROM (jsonb_to_recordset($2::text::jsonb) AS (error_type text,
                 object_type_id text, object_type text, message text, invalid_value text,
                 column_number integer, row_data jsonb, line_number integer, file_id bigint))
                 WITH ORDINALITY AS e (error_type, object_type_id, object_type, message,
                     invalid_value, column_number, row_data, line_number, file_id, ord)
             ORDER BY e.ord",
            &[&id, &Value::Array(errors).to_string()],
        )
        .await?;
    Ok(())
}

/// A refused row as [`finish`] stores it.
fn record(error: &RowError) -> Value {
    json!({
        "error_type": error.error_type,
        "object_type_id": error.object_type_id,
        "object_type": error.object_type,
        "message": error.message,
        "invalid_value": error.invalid_value,
        "column_number": error.column,
        "row_data": error.row,
        "line_number": error.line,
        "file_id": error.file_id,
    })
}

/// Import `id`.
///
/// # Errors
///
/// 404 when there is none; the statement's error.
pub(crate) async fn get(client: &impl GenericClient, id: i64) -> Result<Value, ApiError> {
    let row = client
        .query_opt(
            &format!("SELECT {} FROM imports WHERE id = $1", columns()),
            &[&id],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(render(&row))
}

/// Up to `limit` imports after id `after`, oldest first.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn list(
    client: &impl GenericClient,
    after: i64,
    limit: i64,
) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM imports WHERE id > $1 ORDER BY id LIMIT $2",
                columns()
            ),
            &[&after, &limit],
        )
        .await?;
    Ok(rows.iter().map(render).collect())
}

/// Up to `limit` refused rows of import `id` after error id `after`, in the order they were
/// read; each with its `errorMessage` when `messages`, its row's fields when `row_data`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn errors(
    client: &impl GenericClient,
    id: i64,
    after: i64,
    limit: i64,
    (messages, row_data): (bool, bool),
) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            "SELECT id, error_type, object_type_id, object_type, message, invalid_value,
                    column_number, row_data::text, line_number, file_id, created_at
             FROM import_errors WHERE import_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            &[&id, &after, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let id: i64 = row.get(0);
            let fields = if row_data {
                serde_json::from_str(row.get(7)).unwrap_or_else(|_| json!([]))
            } else {
                json!([])
            };
            let mut error = json!({
                "id": id.to_string(),
                "errorType": row.get::<_, String>(1),
                "createdAt": row.get::<_, i64>(10),
                "sourceData": {
                    "rowData": fields,
                    "additionalRowData": [],
                    "containsEncryptedProperties": false,
                    "lineNumber": row.get::<_, i32>(8),
                    "fileId": row.get::<_, i64>(9),
                },
            });
            let optional = [
                ("objectTypeId", row.get::<_, Option<String>>(2)),
                ("objectType", row.get::<_, Option<String>>(3)),
                ("errorMessage", messages.then(|| row.get::<_, String>(4))),
                ("invalidValue", row.get::<_, Option<String>>(5)),
            ];
            for (name, value) in optional {
                if let Some(value) = value {
                    error[name] = json!(value);
                }
            }
            if let Some(column) = row.get::<_, Option<i32>>(6) {
                error["knownColumnNumber"] = json!(column);
            }
            error
        })
        .collect())
}
