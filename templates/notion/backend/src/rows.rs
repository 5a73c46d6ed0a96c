//! The one statement shape every resource reads an object with: one row by id, or the
//! object's 404.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;

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
