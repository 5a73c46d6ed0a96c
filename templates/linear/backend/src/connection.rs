//! Relay connections for every list: `first/after/last/before` (default 50 forward, at most
//! 250), `includeArchived`, `orderBy` (`createdAt` or `updatedAt`, newest first), opaque
//! cursors ([`asym_kit::cursor`] of the node's id), answered as `{nodes, edges{node, cursor},
//! pageInfo{hasNextPage, hasPreviousPage, startCursor, endCursor}}` in one statement.

use asym_kit::cursor;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::dynamic::ResolverContext;
use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};

use crate::entity::{self, CTX, Entity};
use crate::error::{self, Result};
use crate::{Shared, Viewer};

/// Default page size.
const DEFAULT_PAGE: i64 = 50;
/// Largest page a client may ask for.
const MAX_PAGE: i64 = 250;

/// A statement's conditions and their parameters (numbered after `$1` base and `$2` viewer).
pub(crate) struct Where {
    conditions: Vec<String>,
    params: Vec<Box<dyn ToSql + Sync + Send>>,
    aliases: usize,
    offset: usize,
}

impl Default for Where {
    /// Placeholders from `$3`: `$1` and `$2` are the base URL and the viewer.
    fn default() -> Self {
        Self::after(2)
    }
}

impl Where {
    /// Placeholders numbered after the first `offset` parameters.
    pub(crate) fn after(offset: usize) -> Self {
        Self {
            conditions: Vec::new(),
            params: Vec::new(),
            aliases: 0,
            offset,
        }
    }

    /// Binds `value`, answering its placeholder.
    pub(crate) fn param<T: ToSql + Sync + Send + 'static>(&mut self, value: T) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len() + self.offset)
    }

    /// The bound parameters, in placeholder order.
    pub(crate) fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.refs()
    }

    /// Adds a condition (joined with AND).
    pub(crate) fn push(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// A fresh table alias for a subquery.
    pub(crate) fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("a{}", self.aliases)
    }

    /// The conditions joined with AND (`TRUE` when there are none).
    pub(crate) fn sql(&self) -> String {
        if self.conditions.is_empty() {
            "TRUE".to_owned()
        } else {
            self.conditions.join(" AND ")
        }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|param| param.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The connection of `entity` rows matching `conditions`, paged by the field's arguments.
///
/// # Errors
///
/// Invalid pagination arguments or cursors as invalid input; Postgres errors.
pub(crate) async fn list(
    ctx: &ResolverContext<'_>,
    entity: &str,
    mut conditions: Where,
) -> Result<Value> {
    let shared = ctx.data::<Shared>()?;
    let viewer = ctx.data::<Viewer>()?;
    let entity = entity::by_name(entity).ok_or_else(|| error::internal("unknown entity"))?;
    let arg = |name: &str| ctx.args.get(name).filter(|value| !value.is_null());
    let first = arg("first").map(|v| v.i64()).transpose()?;
    let last = arg("last").map(|v| v.i64()).transpose()?;
    let after = arg("after")
        .map(|v| v.string().map(str::to_owned))
        .transpose()?;
    let before = arg("before")
        .map(|v| v.string().map(str::to_owned))
        .transpose()?;
    if arg("sort").is_some() {
        return Err(error::invalid(
            "Argument `sort` is not supported by the asym Linear clone: use `orderBy`",
        ));
    }
    let include_archived = arg("includeArchived").map(|v| v.boolean()).transpose()?;
    let order = match arg("orderBy")
        .map(|v| v.enum_name().map(str::to_owned))
        .transpose()?
    {
        Some(name) if name == "updatedAt" => "updated_at",
        _ => "created_at",
    };
    for (name, value) in [("first", first), ("last", last)] {
        if let Some(n) = value
            && !(0..=MAX_PAGE).contains(&n)
        {
            return Err(error::invalid(format!(
                "Argument Validation Error: `{name}` must be between 0 and {MAX_PAGE}"
            )));
        }
    }
    if include_archived != Some(true) {
        conditions.push("t.archived_at IS NULL");
    }
    let backward = last.is_some() || (before.is_some() && first.is_none());
    let size = if backward { last } else { first }.unwrap_or(DEFAULT_PAGE);
    for (raw, op) in [(&after, "<"), (&before, ">")] {
        let Some(raw) = raw else { continue };
        let id = cursor::decode(raw)
            .map_err(|_| error::invalid("Argument Validation Error: invalid cursor"))?;
        let placeholder = conditions.param(id);
        conditions.push(format!(
            "(t.{order}, t.id) {op} (SELECT c.{order}, c.id FROM {} c WHERE c.id = {placeholder})",
            entity.table
        ));
    }
    let direction = if backward { "ASC" } else { "DESC" };
    let limit = conditions.param(size + 1);
    let sql = format!(
        "{CTX}SELECT {}::text FROM ctx, {} t WHERE {} ORDER BY t.{order} {direction}, t.id {direction} LIMIT {limit}",
        entity.doc,
        entity.table,
        conditions.sql()
    );
    let mut nodes = entity::query(shared, viewer, &sql, &conditions.refs()).await?;
    let more = nodes.len() as i64 > size;
    nodes.truncate(usize::try_from(size).unwrap_or(0));
    if backward {
        nodes.reverse();
    }
    let (has_next, has_previous) = if backward {
        (before.is_some(), more)
    } else {
        (more, after.is_some())
    };
    Ok(page(ctx, entity, nodes, has_next, has_previous))
}

/// The connection object for `nodes`.
pub(crate) fn page(
    ctx: &ResolverContext<'_>,
    _entity: Entity,
    nodes: Vec<Value>,
    has_next: bool,
    has_previous: bool,
) -> Value {
    let cursor_of = |node: &Value| match node {
        Value::Object(map) => match map.get("id") {
            Some(Value::String(id)) => Value::String(cursor::encode(id)),
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    let start = nodes.first().map(cursor_of).unwrap_or(Value::Null);
    let end = nodes.last().map(cursor_of).unwrap_or(Value::Null);
    let mut connection = IndexMap::new();
    if ctx.look_ahead().field("edges").exists() {
        let edges = nodes
            .iter()
            .map(|node| object([("node", node.clone()), ("cursor", cursor_of(node))]))
            .collect();
        connection.insert(Name::new("edges"), Value::List(edges));
    }
    connection.insert(Name::new("nodes"), Value::List(nodes));
    connection.insert(
        Name::new("pageInfo"),
        object([
            ("hasNextPage", Value::Boolean(has_next)),
            ("hasPreviousPage", Value::Boolean(has_previous)),
            ("startCursor", start),
            ("endCursor", end),
        ]),
    );
    Value::Object(connection)
}

/// A GraphQL object value from pairs.
pub(crate) fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(key, value)| (Name::new(key), value))
            .collect(),
    )
}

/// The column of an API field, in snake case: `addedToCycleAt` is `added_to_cycle_at`.
pub(crate) fn column(field: &str) -> String {
    let mut column = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    column
}
