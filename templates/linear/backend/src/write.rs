//! What every mutation shares: its input object, one transaction opened and committed around
//! Postgres work only, the written object rendered inside that transaction (for the payload
//! and the webhook alike), `lastSyncId`, and Postgres errors mapped to Linear's.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::error::SqlState;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::connection::object;
use crate::entity;
use crate::error::{self, Result};
use crate::{Shared, Viewer};

/// The mutation's `input` argument as JSON (enums as strings).
///
/// # Errors
///
/// Invalid input when it is absent or not an object.
pub(crate) fn input(ctx: &ResolverContext<'_>) -> Result<Map<String, serde_json::Value>> {
    let value = ctx
        .args
        .get("input")
        .ok_or_else(|| error::invalid("Argument `input` is required"))?
        .as_value()
        .clone()
        .into_json()
        .map_err(error::internal)?;
    match value {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(error::invalid("`input` must be an object")),
    }
}

/// Refuses input fields the clone does not implement (rather than ignoring them).
///
/// # Errors
///
/// Invalid input naming the first unsupported field that is set.
pub(crate) fn only(input: &Map<String, serde_json::Value>, supported: &[&str]) -> Result<()> {
    match input
        .iter()
        .find(|(key, value)| !value.is_null() && !supported.contains(&key.as_str()))
    {
        Some((key, _)) => Err(error::invalid(format!(
            "Input field `{key}` is not supported by the asym Linear clone"
        ))),
        None => Ok(()),
    }
}

/// Runs cached statement `sql` with `params` on `tx` (a transaction, or a plain connection
/// for a single-statement write): the one row it finds.
///
/// # Errors
///
/// `entity` not found when there is none; Postgres errors as [`db`] maps them.
pub(crate) async fn one(
    tx: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    entity: &str,
) -> Result<Row> {
    let statement = tx.prepare_cached(sql).await.map_err(error::internal)?;
    tx.query_opt(&statement, params)
        .await
        .map_err(db)?
        .ok_or_else(|| error::not_found(entity))
}

/// An optional string field of `input`.
pub(crate) fn text(input: &Map<String, serde_json::Value>, key: &str) -> Result<Option<String>> {
    match input.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(error::invalid(format!("`{key}` must be a string"))),
    }
}

/// An optional list-of-strings field of `input`.
pub(crate) fn texts(
    input: &Map<String, serde_json::Value>,
    key: &str,
) -> Result<Option<Vec<String>>> {
    match input.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| error::invalid(format!("`{key}` must be a list of strings")))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(error::invalid(format!("`{key}` must be a list"))),
    }
}

/// A Postgres error from a read or a write, as Linear would word it.
pub(crate) fn db(err: asym_kit::tokio_postgres::Error) -> async_graphql::Error {
    match err.code() {
        Some(code) if *code == SqlState::FOREIGN_KEY_VIOLATION => {
            let entity = err
                .as_db_error()
                .and_then(|db| db.constraint())
                .map_or("entity", |constraint| referenced(constraint));
            error::not_found(entity)
        }
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
            error::invalid("An entity with this identifier already exists")
        }
        // A check constraint, or any data exception (class 22: a date that does not exist,
        // a NUL character, a number out of range, …): the input's fault.
        Some(code) if *code == SqlState::CHECK_VIOLATION || code.code().starts_with("22") => {
            error::invalid(format!(
                "Argument Validation Error: {}",
                err.as_db_error().map_or("invalid value", |db| db.message())
            ))
        }
        // Program limits (class 54: a filter too deep or too large for Postgres to plan).
        Some(code) if code.code().starts_with("54") => {
            error::invalid("Argument Validation Error: the filter is too complex; simplify it")
        }
        _ => error::internal(err),
    }
}

/// The type a foreign-key constraint points at (`issues_assignee_id_fkey` → `User`).
fn referenced(constraint: &str) -> &'static str {
    const COLUMNS: [(&str, &str); 12] = [
        ("_project_milestone_id_", "ProjectMilestone"),
        ("_team_id_", "Team"),
        ("_state_id_", "WorkflowState"),
        ("_assignee_id_", "User"),
        ("_creator_id_", "User"),
        ("_user_id_", "User"),
        ("_lead_id_", "User"),
        ("_parent_id_", "Entity"),
        ("_project_id_", "Project"),
        ("_cycle_id_", "Cycle"),
        ("_issue_id_", "Issue"),
        ("_status_id_", "ProjectStatus"),
    ];
    COLUMNS
        .iter()
        .find(|(column, _)| constraint.contains(column))
        .map_or("Entity", |(_, entity)| entity)
}

/// `entity` `id` rendered inside `tx` (as written), with the next `lastSyncId`.
///
/// # Errors
///
/// Not found, or Postgres errors.
pub(crate) async fn render(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    entity: &str,
    id: &str,
) -> Result<(Value, serde_json::Value, i64)> {
    let found = entity::by_name(entity).ok_or_else(|| error::internal("unknown entity"))?;
    let sql = format!(
        "{}SELECT {}::text, nextval('sync_id_seq') FROM ctx, {} t WHERE t.id = $3",
        entity::CTX,
        found.doc,
        found.table
    );
    let row = one(tx, &sql, &[&shared.base, &viewer.user_id, &id], entity).await?;
    rendered(&row)
}

/// A row of a document's JSON text and the next `lastSyncId`: the object as GraphQL and
/// as JSON (for webhooks), and the sync id.
///
/// # Errors
///
/// Internal when the text is not JSON.
pub(crate) fn rendered(row: &Row) -> Result<(Value, serde_json::Value, i64)> {
    let text: &str = row.get(0);
    let json: serde_json::Value = serde_json::from_str(text).map_err(error::internal)?;
    Ok((entity::parse(text)?, json, row.get(1)))
}

/// Commits and, when deliveries were queued, wakes the outbox.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn commit(shared: &Shared, tx: Transaction<'_>, queued: bool) -> Result<()> {
    tx.commit().await.map_err(error::internal)?;
    if queued {
        shared.kit.wake_outbox();
    }
    Ok(())
}

/// A `{success, lastSyncId, <key>: value}` payload.
pub(crate) fn payload(key: &str, value: Value, sync: i64) -> Value {
    object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        (key, value),
    ])
}
