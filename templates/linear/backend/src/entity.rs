//! The resources the clone stores: for each of Linear's object types, the table holding it
//! and the SQL function that renders a row as that type's JSON object. Reads by id and the
//! paginated lists ([`crate::connection`]) are built from these.

use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::Value;

use crate::error::{self, Result};
use crate::{Shared, Viewer};

/// A stored resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entity {
    /// Linear's type name.
    pub(crate) name: &'static str,
    /// The table, aliased `t` in every statement.
    pub(crate) table: &'static str,
    /// The JSON rendering of row `t` (with `ctx.base`, `ctx.viewer` in scope).
    pub(crate) doc: &'static str,
}

/// Every stored resource.
const ENTITIES: [Entity; 13] = [
    Entity {
        name: "Issue",
        table: "issues",
        doc: "issue_doc(t, ctx.base)",
    },
    Entity {
        name: "IssueSearchResult",
        table: "issues",
        doc: "issue_doc(t, ctx.base)",
    },
    Entity {
        name: "User",
        table: "users",
        doc: "user_doc(t, ctx.base, ctx.viewer)",
    },
    Entity {
        name: "Team",
        table: "teams",
        doc: "team_doc(t, ctx.base, ctx.viewer)",
    },
    Entity {
        name: "WorkflowState",
        table: "workflow_states",
        doc: "state_doc(t)",
    },
    Entity {
        name: "IssueLabel",
        table: "issue_labels",
        doc: "label_doc(t)",
    },
    Entity {
        name: "Project",
        table: "projects",
        doc: "project_doc(t, ctx.base)",
    },
    Entity {
        name: "Cycle",
        table: "cycles",
        doc: "cycle_doc(t)",
    },
    Entity {
        name: "Comment",
        table: "comments",
        doc: "comment_doc(t, ctx.base)",
    },
    Entity {
        name: "Attachment",
        table: "attachments",
        doc: "attachment_doc(t)",
    },
    Entity {
        name: "Webhook",
        table: "webhooks",
        doc: "webhook_doc(t)",
    },
    Entity {
        name: "IssueHistory",
        table: "issue_history",
        doc: "history_doc(t)",
    },
    Entity {
        name: "ProjectStatus",
        table: "project_statuses",
        doc: "project_status_doc(t)",
    },
];

/// The entity named `name`.
pub(crate) fn by_name(name: &str) -> Option<Entity> {
    ENTITIES.iter().find(|e| e.name == name).copied()
}

/// Whether `name` is a type the clone stores (so a `{"id"}` reference to it can be loaded).
pub(crate) fn is_entity(name: &str) -> bool {
    by_name(name).is_some()
}

/// The statement prefix that binds `$1` (the clone's public URL) and `$2` (the viewer) as
/// `ctx`: `ctx.base` is the workspace's URL (`<public URL>/<url key>`), computed once.
pub(crate) const CTX: &str = "WITH ctx AS (SELECT $1::text || '/' || coalesce((SELECT url_key FROM organization LIMIT 1), '') AS base, $2::text AS viewer) ";

/// Runs `sql` (which selects one JSON text column and uses [`CTX`]) with `params` after the
/// base URL and viewer, and parses each row.
///
/// # Errors
///
/// Postgres errors as Linear's internal error.
pub(crate) async fn query(
    shared: &Shared,
    viewer: &Viewer,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Value>> {
    let client = shared.kit.db().await.map_err(error::internal)?;
    let statement = client.prepare_cached(sql).await.map_err(error::internal)?;
    let mut all: Vec<&(dyn ToSql + Sync)> = vec![&shared.base, &viewer.user_id];
    all.extend_from_slice(params);
    let rows = client
        .query(&statement, &all)
        .await
        .map_err(error::internal)?;
    rows.iter().map(|row| parse(row.get(0))).collect()
}

/// Parses one JSON document Postgres rendered.
///
/// # Errors
///
/// An internal error when the text is not JSON (a bug in a document function).
pub(crate) fn parse(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(error::internal)
}

/// The entity `name` with id `id`, archived or not.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn load(
    shared: &Shared,
    viewer: &Viewer,
    name: &str,
    id: &str,
) -> Result<Option<Value>> {
    let Some(entity) = by_name(name) else {
        return Ok(None);
    };
    let sql = format!(
        "{CTX}SELECT {}::text FROM ctx, {} t WHERE t.id = $3",
        entity.doc, entity.table
    );
    Ok(query(shared, viewer, &sql, &[&id]).await?.pop())
}

/// Like [`load`], but a missing entity is Linear's "Entity not found" error.
///
/// # Errors
///
/// [`error::not_found`] or Postgres errors.
pub(crate) async fn get(shared: &Shared, viewer: &Viewer, name: &str, id: &str) -> Result<Value> {
    load(shared, viewer, name, id)
        .await?
        .ok_or_else(|| error::not_found(name))
}
