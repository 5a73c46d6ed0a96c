//! Data source queries (and 2022's database queries) with compound filters and sorts, and
//! search over pages and data sources (databases in 2022).

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value};

use crate::computed;
use crate::databases::{DB_COLUMNS, DS_COLUMNS, render_data_source, render_database};
use crate::error::{ApiError, ApiResult, invalid};
use crate::filter::{Compiler, Param};
use crate::pages::{self, COLUMNS, View};
use crate::request::{Ctx, Paging, Version, path_id};
use crate::schema::{self, Schema};
use crate::seek::{Keyed, Order};

/// `POST /v1/data_sources/{id}/query` (`by_database`: `POST /v1/databases/{id}/query`,
/// 2022 only, over the database's first data source).
pub(crate) async fn query(
    ctx: &Ctx,
    id: &str,
    by_database: bool,
    body: &Map<String, Value>,
    only: &[String],
) -> ApiResult<Value> {
    if by_database && ctx.version == Version::V2025 {
        return Err(ApiError::invalid_url());
    }
    let id = path_id(
        if by_database {
            "database_id"
        } else {
            "data_source_id"
        },
        id,
    )?;
    let paging = Paging::from_body(body)?;
    let in_trash = match body.get("in_trash").or_else(|| body.get("archived")) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "body failed validation: body.in_trash should be a boolean, instead was `{other}`."
            )));
        }
    };
    let client = ctx.kit.db().await?;
    let (data_source, _, schema) = pages::data_source(&client, &id, by_database, true).await?;
    // A data source holds pages only (no wiki's child data sources): `data_source` finds none.
    match body.get("result_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(kind)) if kind == "page" => {}
        Some(Value::String(kind)) if kind == "data_source" => {
            return Ok(paging.list(Vec::new(), mixed_list_type(ctx.version)));
        }
        Some(other) => {
            return Err(crate::error::invalid(
                "body.result_type",
                "`page` or `data_source`",
                other,
            ));
        }
    }
    // The trash condition is written, not bound, so the partial index on live pages applies.
    // A template is a page of the data source that queries leave out, as Notion's do.
    let scope = if in_trash { TRASHED } else { LIVE };
    let filters = [body.get("filter")];
    let found = Found {
        filters: &filters,
        sorts: body.get("sorts"),
        scope,
    };
    let listed = (data_source.as_str(), &schema);
    let limit = Some(paging.limit());
    let rows = matching_from(&client, listed, found, COLUMNS, (limit, &paging)).await?;
    let exists = "SELECT 1 FROM pages WHERE id = $1 AND data_source_id = $2 AND shared";
    paging
        .confirm(&client, rows.is_empty(), exists, &[&data_source])
        .await?;
    let rolled = pages::rolled_for(&client, &schema, &rows.iter().collect::<Vec<_>>()).await?;
    let view = View {
        only: (!only.is_empty()).then_some(only),
        rolled: Some(&rolled),
        ..View::of(ctx)
    };
    let results = rows
        .iter()
        .map(|row| pages::render(row, &schema, view))
        .collect();
    Ok(paging.list(results, mixed_list_type(ctx.version)))
}

/// The pages a data source query answers: shared, not templates, out of the trash ...
pub(crate) const LIVE: &str = "NOT p.in_trash AND p.shared AND NOT p.is_template";
/// ... or in it (`in_trash: true`).
const TRASHED: &str = "p.in_trash AND p.shared AND NOT p.is_template";

/// What a data source query keeps and how it orders it.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a> {
    /// Filters (each as a query's `filter`), all of which a page must pass.
    pub(crate) filters: &'a [Option<&'a Value>],
    /// A query's `sorts`.
    pub(crate) sorts: Option<&'a Value>,
    /// The pages it looks at ([`LIVE`], …), written into the statement.
    pub(crate) scope: &'a str,
}

/// The `columns` of the pages of `data_source` (of `schema`) that `found` keeps, in its
/// order, up to `limit`: the statement of a data source query (and of a view's).
///
/// # Errors
///
/// The validation error of a filter or sort the schema refuses; the statement's error.
pub(crate) async fn matching(
    client: &impl GenericClient,
    (data_source, schema): (&str, &Schema),
    found: Found<'_>,
    columns: &str,
    limit: Option<i64>,
) -> ApiResult<Vec<Row>> {
    let whole = Paging::default();
    matching_from(
        client,
        (data_source, schema),
        found,
        columns,
        (limit, &whole),
    )
    .await
}

/// The [`matching`] rows from where `paging`'s cursor starts its page (a keyed seek:
/// [`crate::seek`]), up to `limit`.
///
/// # Errors
///
/// As [`matching`].
async fn matching_from(
    client: &impl GenericClient,
    (data_source, schema): (&str, &Schema),
    found: Found<'_>,
    columns: &str,
    (limit, paging): (Option<i64>, &Paging),
) -> ApiResult<Vec<Row>> {
    let mut compiler = Compiler::new(schema, 3);
    let mut conditions = Vec::with_capacity(found.filters.len());
    for filter in found.filters {
        conditions.push(compiler.filter(*filter)?);
    }
    let condition = conditions.join(") AND (");
    let order = compiler.sorts(found.sorts)?;
    let scope = found.scope;
    if !compiler.computed.is_empty() {
        let needs = std::mem::take(&mut compiler.computed);
        let computed = computed::resolve(client, (data_source, scope), schema, &needs).await?;
        compiler.fill(computed);
    }
    // The cursor is bound after the filters' and sorts' parameters; a page of the data
    // source that has left the list (trashed, filtered out) still has its place in it.
    let cursor = 3 + compiler.params.len();
    let start =
        format!("FROM pages p WHERE p.id = ${cursor} AND p.data_source_id = $1 AND p.shared");
    let seek = paging.seek(&order, &start);
    let sql = format!(
        "SELECT {columns} FROM pages p WHERE p.data_source_id = $1 AND {scope} AND ({condition})
         AND {seek} ORDER BY {order} LIMIT $2"
    );
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&data_source, &limit];
    params.extend(
        compiler
            .params
            .iter()
            .map(|p: &Param| &**p as &(dyn ToSql + Sync)),
    );
    let statement = client.prepare_cached(&sql).await?;
    Ok(client.query(&statement, &paging.bind(params)).await?)
}

/// `POST /v1/search`.
pub(crate) async fn search(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let paging = Paging::from_body(body)?;
    let text = match body.get("query") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(q)) => q.clone(),
        Some(other) => {
            return Err(ApiError::validation(format!(
                "body failed validation: body.query should be a string, instead was `{other}`."
            )));
        }
    };
    let container = match ctx.version {
        Version::V2025 => "data_source",
        Version::V2022 => "database",
    };
    let filter = body.get("filter").filter(|f| !f.is_null());
    if let Some(filter) = filter.filter(|f| !f.is_object()) {
        return Err(invalid("body.filter", "an object", filter));
    }
    // `filter.in_trash` (with or without the object filter): `true` finds what is in the
    // trash instead of what is not.
    let in_trash = match filter.and_then(|f| f.get("in_trash")) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(invalid("body.filter.in_trash", "a boolean", other)),
    };
    let (want_pages, want_containers) = match filter {
        None => (true, true),
        Some(f)
            if f.get("in_trash").is_some()
                && f.get("property").is_none()
                && f.get("value").is_none() =>
        {
            (true, true)
        }
        Some(filter) => match (filter.get("property"), filter.get("value")) {
            (Some(property), _) if property != "object" => {
                return Err(invalid("body.filter.property", "`\"object\"`", property));
            }
            (_, Some(value)) if value == "page" => (true, false),
            (_, Some(value)) if value == container => (false, true),
            (_, value) => {
                let was = value.map_or_else(|| "undefined".to_owned(), Value::to_string);
                return Err(ApiError::validation(format!(
                    "body failed validation: body.filter.value should be `\"page\"` or `\"{container}\"`, instead was `{was}`."
                )));
            }
        },
    };
    let ascending = match body.get("sort") {
        None | Some(Value::Null) => false,
        // Relevance: the clone does not rank, so it answers its default order.
        Some(sort) if sort.get("property").is_some_and(|p| p == "relevance") => false,
        Some(sort) if sort.get("property").is_some() && sort.get("timestamp").is_none() => {
            return Err(invalid(
                "body.sort.property",
                "`\"relevance\"`",
                &sort["property"],
            ));
        }
        Some(sort) => {
            if sort.get("timestamp").and_then(Value::as_str) != Some("last_edited_time") {
                return Err(ApiError::validation(
                    "body failed validation: body.sort.timestamp should be `\"last_edited_time\"`.",
                ));
            }
            match sort.get("direction").and_then(Value::as_str) {
                Some("ascending") => true,
                Some("descending") => false,
                _ => {
                    return Err(ApiError::validation(
                        "body failed validation: body.sort.direction should be `ascending` or `descending`.",
                    ));
                }
            }
        }
    };
    // Not a parameter: one of two constants, so each has its own cached statement.
    let not = if in_trash { "" } else { "NOT " };
    let containers = match ctx.version {
        Version::V2025 => format!("SELECT 'c', d.id, d.last_edited_time FROM data_sources d JOIN databases db ON db.id = d.database_id
             WHERE $2 AND db.shared AND {not}d.in_trash
               AND strpos(lower((SELECT coalesce(string_agg(e->>'plain_text', ''), '') FROM jsonb_array_elements(d.title) e)), lower($3)) > 0"),
        Version::V2022 => format!("SELECT 'c', db.id, db.last_edited_time FROM databases db
             WHERE $2 AND db.shared AND {not}db.in_trash
               AND strpos(lower((SELECT coalesce(string_agg(e->>'plain_text', ''), '') FROM jsonb_array_elements(db.title) e)), lower($3)) > 0"),
    };
    // A cursor is any result the integration could find, wherever it sorts now.
    let searchable = match ctx.version {
        Version::V2025 => SEARCHABLE_2025,
        Version::V2022 => SEARCHABLE_2022,
    };
    let start = format!("FROM ({searchable}) found WHERE found.id = $5");
    let exists = format!("SELECT 1 FROM ({searchable}) found WHERE found.id = $1");
    let list = Keyed {
        order: Order::new("found.id").by("found.t", !ascending),
        select: &|seek, order| {
            format!(
                "SELECT kind, id FROM (
                    SELECT 'p' AS kind, p.id, p.last_edited_time AS t FROM pages p
                    WHERE $1 AND p.shared AND {not}p.in_trash AND NOT p.is_template AND strpos(lower(p.title), lower($3)) > 0
                    UNION ALL {containers}
                 ) found WHERE {seek} ORDER BY {order} LIMIT $4"
            )
        },
        start: &start,
        exists: &exists,
    };
    let client = ctx.kit.db().await?;
    let limit = paging.limit();
    let params: Vec<&(dyn ToSql + Sync)> = vec![&want_pages, &want_containers, &text, &limit];
    let found = paging.keyed(&client, &list, params, &[]).await?;
    let ids = |kind: &str| -> Vec<String> {
        found
            .iter()
            .filter(|r| r.get::<_, &str>(0) == kind)
            .map(|r| r.get(1))
            .collect()
    };
    let (page_ids, container_ids) = (ids("p"), ids("c"));
    let mut rendered: Map<String, Value> = Map::new();
    if !page_ids.is_empty() {
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, d.schema::text FROM pages p LEFT JOIN data_sources d ON d.id = p.data_source_id WHERE p.id = ANY($1)"
            ))
            .await?;
        for row in client.query(&statement, &[&page_ids]).await? {
            let schema = row
                .get::<_, Option<&str>>(14)
                .map_or_else(schema::title_only, schema::load);
            let page = pages::answer(&client, &row, &schema, View::of(ctx)).await?;
            rendered.insert(row.get(0), page);
        }
    }
    if !container_ids.is_empty() {
        let sql = match ctx.version {
            Version::V2025 => format!(
                "SELECT {DS_COLUMNS} FROM data_sources d JOIN databases db ON db.id = d.database_id WHERE d.id = ANY($1)"
            ),
            Version::V2022 => {
                format!("SELECT {DB_COLUMNS} FROM databases db WHERE db.id = ANY($1)")
            }
        };
        let statement = client.prepare_cached(&sql).await?;
        for row in client.query(&statement, &[&container_ids]).await? {
            let value = match ctx.version {
                Version::V2025 => render_data_source(&row),
                Version::V2022 => render_database(&row, ctx.version),
            };
            rendered.insert(row.get(0), value);
        }
    }
    let results = found
        .iter()
        .filter_map(|row| rendered.remove(row.get::<_, &str>(1)))
        .collect();
    Ok(paging.list(results, mixed_list_type(ctx.version)))
}

/// Every result search may answer (`id`, `t`), whatever its text (2025-09-03: pages and data
/// sources) ...
const SEARCHABLE_2025: &str = "SELECT p.id, p.last_edited_time AS t FROM pages p WHERE p.shared AND NOT p.is_template
    UNION ALL SELECT d.id, d.last_edited_time FROM data_sources d JOIN databases db ON db.id = d.database_id WHERE db.shared";
/// ... (2022-06-28: pages and databases).
const SEARCHABLE_2022: &str =
    "SELECT p.id, p.last_edited_time AS t FROM pages p WHERE p.shared AND NOT p.is_template
    UNION ALL SELECT db.id, db.last_edited_time FROM databases db WHERE db.shared";

/// The list `type` of results mixing pages with data sources (2025-09-03) or with databases
/// (2022-06-28).
fn mixed_list_type(version: Version) -> &'static str {
    match version {
        Version::V2025 => "page_or_data_source",
        Version::V2022 => "page_or_database",
    }
}
