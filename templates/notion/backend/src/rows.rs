//! The one statement shape every resource reads an object with (one row by id, or the
//! object's 404), and the edit stamps every object's row carries (as answered, and as a
//! page's computed properties read them).

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

/// What a page knows of itself for its computed properties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta<'a> {
    /// `created_time`, answered form.
    pub(crate) created_time: &'a str,
    /// `last_edited_time`, answered form.
    pub(crate) last_edited_time: &'a str,
    /// Creator's id.
    pub(crate) created_by: &'a str,
    /// Last editor's id.
    pub(crate) last_edited_by: &'a str,
}

/// The [`Meta`] of `row`, read from the four columns from `first`: `nt(created_time)`,
/// `nt(last_edited_time)`, `created_by`, `last_edited_by`.
pub(crate) fn meta(row: &Row, first: usize) -> Meta<'_> {
    Meta {
        created_time: row.get(first),
        last_edited_time: row.get(first + 1),
        created_by: row.get(first + 2),
        last_edited_by: row.get(first + 3),
    }
}
