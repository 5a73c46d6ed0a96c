//! What every model module's lookups share: a row or 404, and path ids.

use std::str::FromStr;

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;

use crate::error::{ApiError, ApiResult};

/// The row `sql` selects over `params`, or 404 `Not Found`.
pub(crate) async fn found(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult<Row> {
    let statement = client.prepare_cached(sql).await?;
    client
        .query_opt(&statement, params)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// A number from the path (an issue number, a comment id, …), 404 when it is not one.
pub(crate) fn id<T: FromStr>(text: &str) -> ApiResult<T> {
    text.parse().map_err(|_| ApiError::not_found())
}
