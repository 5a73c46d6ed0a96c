//! Relay connections for every list: `first/after/last/before` (default 50 forward, at most
//! 250), `includeArchived`, `orderBy` (`createdAt` or `updatedAt`, newest first), opaque
//! cursors ([`asym_kit::cursor`] of the node's id), answered as `{nodes, edges{node, cursor},
//! pageInfo{hasNextPage, hasPreviousPage, startCursor, endCursor}}` in one statement.

use asym_kit::cursor;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::dynamic::ResolverContext;
use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};

use crate::args::{Args, context};
use crate::entity::{self, CTX};
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

/// One page of a connection: the rows' documents (each row's one column, as Postgres
/// rendered it) in the page's order, and where the page sits.
pub(crate) struct Page {
    rows: Vec<Row>,
    /// Whether rows follow the page.
    pub(crate) has_next: bool,
    /// Whether rows precede the page.
    pub(crate) has_previous: bool,
}

impl Page {
    /// The rows' documents, as JSON text.
    pub(crate) fn documents(&self) -> impl ExactSizeIterator<Item = &str> {
        self.rows.iter().map(|row| row.get(0))
    }

    /// The connection object of this page, for async-graphql to resolve (`edges` only
    /// when the field selects them).
    ///
    /// # Errors
    ///
    /// An internal error when a document is not JSON.
    pub(crate) fn value(&self, ctx: &ResolverContext<'_>) -> Result<Value> {
        let nodes = entity::parse_all(self.documents())?;
        Ok(page(ctx, nodes, self.has_next, self.has_previous))
    }
}

/// The page of `entity` rows matching `conditions` that the connection arguments `args`
/// ask for, with the members that are the viewer's own only when `viewed`.
///
/// # Errors
///
/// Invalid pagination arguments or cursors as invalid input; Postgres errors.
pub(crate) async fn fetch(
    shared: &Shared,
    viewer: &Viewer,
    args: Args<'_>,
    entity: &str,
    mut conditions: Where,
    viewed: bool,
) -> Result<Page> {
    let entity = entity::by_name(entity).ok_or_else(|| error::internal("unknown entity"))?;
    let first = args.int("first")?;
    let last = args.int("last")?;
    let after = args.string("after")?;
    let before = args.string("before")?;
    for sort in ["sort", "sorts"] {
        if args.get(sort).is_some() {
            return Err(error::invalid(format!(
                "Argument `{sort}` is not supported by the asym Linear clone: use `orderBy`"
            )));
        }
    }
    let order = match args.enum_name("orderBy")? {
        Some("updatedAt") => "updated_at",
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
    if args.boolean("includeArchived")? != Some(true) {
        conditions.push("t.archived_at IS NULL");
    }
    let backward = last.is_some() || (before.is_some() && first.is_none());
    let size = if backward { last } else { first }.unwrap_or(DEFAULT_PAGE);
    for (raw, op) in [(after, "<"), (before, ">")] {
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
        if viewed {
            entity.doc
        } else {
            entity::unviewed(&entity)
        },
        entity.table,
        conditions.sql()
    );
    let mut rows = entity::rows(shared, viewer, &sql, &conditions.refs()).await?;
    let more = rows.len() as i64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(0));
    if backward {
        rows.reverse();
    }
    let (has_next, has_previous) = if backward {
        (before.is_some(), more)
    } else {
        (more, after.is_some())
    };
    Ok(Page {
        rows,
        has_next,
        has_previous,
    })
}

/// The connection of `entity` rows matching `conditions`, paged by the field's arguments.
///
/// # Errors
///
/// As [`fetch`].
pub(crate) async fn list(
    ctx: &ResolverContext<'_>,
    entity: &str,
    conditions: Where,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    fetch(shared, viewer, Args::of(ctx), entity, conditions, true)
        .await?
        .value(ctx)
}

/// A node's cursor: [`cursor::encode`] of its id.
pub(crate) fn cursor_of(id: &str) -> String {
    cursor::encode(id)
}

/// A connection with no nodes: what Linear answers of a kind of object the clone never
/// stores (a project's attachments).
pub(crate) fn empty(ctx: &ResolverContext<'_>) -> Value {
    page(ctx, Vec::new(), false, false)
}

/// The connection object for `nodes`.
fn page(ctx: &ResolverContext<'_>, nodes: Vec<Value>, has_next: bool, has_previous: bool) -> Value {
    let cursor_of = |node: &Value| match node {
        Value::Object(map) => match map.get("id") {
            Some(Value::String(id)) => Value::String(cursor_of(id)),
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
