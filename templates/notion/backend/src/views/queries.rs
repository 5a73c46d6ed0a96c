//! View queries: `POST /v1/views/{id}/queries` runs the view's `filter` (and its quick
//! filters) and `sorts` as a data source query ([`crate::query::matching`]) and keeps the
//! matching page ids, up to 10,000 as Notion's cache, for 15 minutes (`view_queries`, one
//! `view_query_results` row per page); `GET …/queries/{query_id}` pages through them by a
//! keyed seek ([`crate::seek`]: a page costs the same wherever it starts); `DELETE` forgets
//! them.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use super::{served, with_schema};
use crate::error::{ApiError, ApiResult};
use crate::pages::json_column;
use crate::query::{Found, LIVE, matching};
use crate::request::{Ctx, Paging, Query, path_id};
use crate::seek::{Keyed, Order};

/// How many results a view query keeps, as Notion's.
const LIMIT: usize = 10_000;

/// `request_status` of a result set cut at [`LIMIT`].
fn incomplete() -> Value {
    json!({ "type": "incomplete", "incomplete_reason": "query_result_limit_reached" })
}

/// The page of query `query_id`'s results that `paging` asks for (with the one after, to
/// learn `has_more`), as page references: from the cursor's row by a keyed seek on `ord`.
///
/// # Errors
/// Notion's validation error for a cursor naming no result of the query; the database's.
async fn page_of(
    client: &impl GenericClient,
    query_id: &str,
    paging: &Paging,
) -> ApiResult<Vec<Value>> {
    let list = Keyed {
        order: Order::new("r.page_id").by("r.ord", false),
        select: &|seek, order| {
            format!(
                "SELECT r.page_id FROM view_query_results r WHERE r.query_id = $1 AND {seek}
                 ORDER BY {order} LIMIT $2"
            )
        },
        start: "FROM view_query_results r WHERE r.query_id = $1 AND r.page_id = $3",
        exists: "SELECT 1 FROM view_query_results WHERE page_id = $1 AND query_id = $2",
    };
    let limit = paging.limit();
    let rows = paging
        .keyed(client, &list, vec![&query_id, &limit], &[&query_id])
        .await?;
    Ok(rows
        .iter()
        .map(|row| json!({ "object": "page", "id": row.get::<_, String>(0) }))
        .collect())
}

/// `POST /v1/views/{id}/queries` (`page_size`): `{object: "view_query", id, view_id,
/// expires_at, total_count, results, next_cursor, has_more}`.
pub(crate) async fn create(ctx: &Ctx, view: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    served(ctx)?;
    let paging = Paging::new(None, body.get("page_size"), "body")?;
    let mut client = ctx.kit.db().await?;
    let (row, schema) = with_schema(&client, view).await?;
    let (view, data_source): (String, String) = (row.get(0), row.get(2));
    let quick = json_column(&row, 7);
    let quick: Vec<Value> = quick
        .as_object()
        .into_iter()
        .flatten()
        .map(|(id, condition)| super::shape::expanded(&super::shape::quick_filter(id, condition)))
        .collect();
    let filter = super::shape::expanded(&json_column(&row, 5));
    let sorts = json_column(&row, 6);
    let filters: Vec<Option<&Value>> = std::iter::once(Some(&filter))
        .chain(quick.iter().map(Some))
        .collect();
    let found = Found {
        filters: &filters,
        sorts: Some(&sorts),
        scope: LIVE,
    };
    let limit = i64::try_from(LIMIT + 1).unwrap_or(i64::MAX);
    let rows = matching(&client, (&data_source, &schema), found, "p.id", Some(limit)).await?;
    let mut ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let truncated = ids.len() > LIMIT;
    ids.truncate(LIMIT);
    let id = crate::ids::new_uuid();
    let total = ids.len();
    let tx = client.transaction().await?;
    let statement = tx
        .prepare_cached(
            "WITH gone AS (DELETE FROM view_queries WHERE expires_at < now())
             INSERT INTO view_queries (id, view_id, truncated, expires_at)
             VALUES ($1, $2, $3, now() + interval '15 minutes')
             RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        )
        .await?;
    let expires_at: String = tx
        .query_one(&statement, &[&id, &view, &truncated])
        .await?
        .get(0);
    let statement = tx
        .prepare_cached(
            "INSERT INTO view_query_results (query_id, ord, page_id)
             SELECT $1, u.ord, u.page_id FROM unnest($2::text[]) WITH ORDINALITY u(page_id, ord)",
        )
        .await?;
    tx.execute(&statement, &[&id, &ids]).await?;
    let mut results = page_of(&tx, &id, &paging).await?;
    tx.commit().await?;
    let next = paging.cut(&mut results);
    let mut answer = json!({
        "object": "view_query",
        "id": id,
        "view_id": view,
        "expires_at": expires_at,
        "total_count": total,
        "results": results,
        "has_more": next.is_some(),
        "next_cursor": next,
    });
    if truncated {
        answer["request_status"] = incomplete();
    }
    Ok(answer)
}

/// `GET /v1/views/{id}/queries/{query_id}?start_cursor&page_size`: a page of the kept
/// results (`type: "page"`); an expired or deleted query is a 404.
pub(crate) async fn results(
    ctx: &Ctx,
    (view, query_id): (&str, &str),
    query: &Query,
) -> ApiResult<Value> {
    served(ctx)?;
    let paging = query.paging()?;
    let query_id = path_id("query_id", query_id)?;
    let client = ctx.kit.db().await?;
    let (row, _) = with_schema(&client, view).await?;
    let view: String = row.get(0);
    let statement = client
        .prepare_cached(
            "SELECT truncated FROM view_queries
             WHERE id = $1 AND view_id = $2 AND expires_at > now()",
        )
        .await?;
    let found = client
        .query_opt(&statement, &[&query_id, &view])
        .await?
        .ok_or_else(|| ApiError::not_found("view query", &query_id))?;
    let results = page_of(&client, &query_id, &paging).await?;
    let mut answer = paging.list(results, "page");
    if found.get::<_, bool>(0) {
        answer["request_status"] = incomplete();
    }
    Ok(answer)
}

/// `DELETE /v1/views/{id}/queries/{query_id}`: `{object: "view_query", id, deleted: true}`,
/// whether or not the query was still kept (as Notion's, idempotent).
pub(crate) async fn delete(ctx: &Ctx, (view, query_id): (&str, &str)) -> ApiResult<Value> {
    served(ctx)?;
    let query_id = path_id("query_id", query_id)?;
    let client = ctx.kit.db().await?;
    let (row, _) = with_schema(&client, view).await?;
    let statement = client
        .prepare_cached("DELETE FROM view_queries WHERE id = $1 AND view_id = $2")
        .await?;
    client
        .execute(&statement, &[&query_id, &row.get::<_, String>(0)])
        .await?;
    Ok(json!({ "object": "view_query", "id": query_id, "deleted": true }))
}
