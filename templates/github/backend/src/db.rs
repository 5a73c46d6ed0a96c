//! What every model module's lookups share: a cached statement's value or row (or 404), and
//! path ids.

use std::str::FromStr;

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::types::{FromSqlOwned, ToSql};
use asym_kit::tokio_postgres::{Error, Row};

use crate::error::{ApiError, ApiResult};

/// The answer `sql` renders (its first column, JSON text) for `key` (`$1`; `$2` the clone's
/// address), or 404 `Not Found`.
pub(crate) async fn rendered(
    kit: &asym_kit::Kit,
    sql: &str,
    key: &(dyn ToSql + Sync),
) -> ApiResult {
    let client = kit.db().await?;
    let row = found(&client, sql, &[key, &kit.config().public_url]).await?;
    Ok(crate::req::ok(row.get(0)))
}

/// The row `sql` selects over `params`, or 404 `Not Found`.
pub(crate) async fn found(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult<Row> {
    row(client, sql, params)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The row `sql` selects over `params`, if there is one.
pub(crate) async fn row(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Option<Row>, Error> {
    let statement = client.prepare_cached(sql).await?;
    client.query_opt(&statement, params).await
}

/// The first column of the one row `sql` selects over `params` (a rendering, a flag, …).
pub(crate) async fn value<T: FromSqlOwned>(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<T, Error> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.query_one(&statement, params).await?.get(0))
}

/// The first column of the row `sql` selects over `params`, if there is one.
pub(crate) async fn first<T: FromSqlOwned>(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Option<T>, Error> {
    Ok(row(client, sql, params).await?.map(|row| row.get(0)))
}

/// Runs the write `sql` over `params`: how many rows it touched.
pub(crate) async fn execute(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, Error> {
    let statement = client.prepare_cached(sql).await?;
    client.execute(&statement, params).await
}

/// The row `sql` selects for the path's number `key` (`$1`, parsed as `T`) under `owner`
/// (`$2`: a repository's or an issue's id), or 404 when `key` is not a number or no row
/// matches.
pub(crate) async fn keyed<T: FromStr + ToSql + Sync>(
    client: &impl GenericClient,
    sql: &str,
    key: &str,
    owner: i64,
) -> ApiResult<Row> {
    let key: T = id(key)?;
    found(client, sql, &[&key, &owner]).await
}

/// A number from the path (an issue number, a comment id, …), 404 when it is not one.
pub(crate) fn id<T: FromStr>(text: &str) -> ApiResult<T> {
    text.parse().map_err(|_| ApiError::not_found())
}

/// What [`one_at_a_time`] serialises: writes that read what they must not duplicate (the next
/// milestone number, an account's fork of a repository) before they insert it.
#[derive(Clone, Copy)]
pub(crate) enum Serial {
    /// A repository's milestone creations.
    Milestones = 1,
    /// Forks of a repository.
    Forks = 2,
    /// Invitations to an organization (and their acceptance).
    Invitations = 3,
    /// A repository's code scanning alerts (their numbers).
    CodeScanningAlerts = 4,
}

/// Holds, until `tx` ends, the lock that makes `what` of the row `id` wait on each other, so
/// that concurrent ones see each other's inserts (a transaction-level advisory lock on the
/// pair; the single-key locks the kit takes are another key space).
pub(crate) async fn one_at_a_time(
    tx: &impl GenericClient,
    what: Serial,
    id: i64,
) -> Result<(), Error> {
    // Ids fit in an int4 key: they are drawn from sequences far below 2^31 in a clone.
    let key = i32::try_from(id).unwrap_or(i32::MAX);
    execute(
        tx,
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&(what as i32), &key],
    )
    .await
    .map(drop)
}
