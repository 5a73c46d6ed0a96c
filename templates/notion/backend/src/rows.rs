//! The one statement shape every resource reads an object with (one row by id, or the
//! object's 404), and the edit stamps every object's row carries.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};

/// The row `sql` (a statement whose one parameter is the id) finds for `id`.
///
/// # Errors
///
/// Notion's 404 for the `kind` object `id` when there is none; the statement's error.
pub(crate) async fn by_id(
    client: &impl GenericClient,
    sql: &str,
    kind: &str,
    id: &str,
) -> ApiResult<Row> {
    let statement = client.prepare_cached(sql).await?;
    client
        .query_opt(&statement, &[&id])
        .await?
        .ok_or_else(|| ApiError::not_found(kind, id))
}

/// Notion's four edit stamps (`created_time`, `last_edited_time`, `created_by`,
/// `last_edited_by`), read from the four columns of `row` from `first`, in that order.
pub(crate) fn stamps(row: &Row, first: usize) -> [(String, Value); 4] {
    let user = |index: usize| json!({ "object": "user", "id": row.get::<_, String>(index) });
    [
        ("created_time".into(), row.get::<_, String>(first).into()),
        (
            "last_edited_time".into(),
            row.get::<_, String>(first + 1).into(),
        ),
        ("created_by".into(), user(first + 2)),
        ("last_edited_by".into(), user(first + 3)),
    ]
}
