//! Views (`/v1/views…`, Notion's API from `2025-09-03`): a view belongs to a database and
//! shows one of its data sources with its own name, type, `filter`, `sorts`,
//! `quick_filters` and presentation `configuration` (`migrations/0007`: table `views`;
//! every data source gets a "Default view" table view when it is made, by a trigger).
//! A view is found as its data source is (its database shared, the data source out of the
//! trash). Queries of a view (`queries`) run its filter and sorts as a data source query.
//!
//! | route | function |
//! |---|---|
//! | `GET /v1/views?database_id=…&data_source_id=…` | [`list`] |
//! | `POST /v1/views`, `GET/PATCH/DELETE /v1/views/{id}` | [`create`], [`retrieve`], [`update`], [`delete`] |
//! | `POST /v1/views/{id}/queries`, `GET/DELETE /v1/views/{id}/queries/{query_id}` | `queries` |

mod queries;
mod shape;

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

pub(crate) use queries::{create as query, delete as delete_query, results as query_results};

use crate::error::{ApiError, ApiResult};
use crate::pages::{self, json_column};
use crate::request::{Ctx, Query, Version, body_uuid, path_id};
use crate::rows;
use crate::schema::Schema;
use crate::seek::{Keyed, Order};
use crate::webhooks;

/// The columns [`render`] reads, of `views v`.
const COLUMNS: &str = "v.id, v.database_id, v.data_source_id, v.name, v.type, v.filter::text,
    v.sorts::text, v.quick_filters::text, v.configuration::text,
    nt(v.created_time), nt(v.last_edited_time), v.created_by, v.last_edited_by";

/// The views the integration can see: their database shared, their data source not trashed.
const VISIBLE: &str = "FROM views v JOIN data_sources d ON d.id = v.data_source_id
    JOIN databases db ON db.id = v.database_id WHERE db.shared AND NOT d.in_trash";

/// The view object of `row` (of [`COLUMNS`]).
fn render(row: &Row) -> Value {
    let id: String = row.get(0);
    let database: String = row.get(1);
    let url = format!(
        "https://www.notion.so/{}?v={}",
        database.replace('-', ""),
        id.replace('-', "")
    );
    let mut view = Map::new();
    view.insert("object".into(), "view".into());
    view.insert("id".into(), id.into());
    view.insert("parent".into(), shape::parent(&database));
    view.insert("name".into(), row.get::<_, String>(3).into());
    view.insert("type".into(), row.get::<_, String>(4).into());
    view.insert("data_source_id".into(), row.get::<_, String>(2).into());
    for (index, key) in [
        (5, "filter"),
        (6, "sorts"),
        (7, "quick_filters"),
        (8, "configuration"),
    ] {
        view.insert(key.into(), json_column(row, index));
    }
    view.extend(rows::stamps(row, 9));
    view.insert("url".into(), url.into());
    Value::Object(view)
}

/// Views are of the data sources era: under `2022-06-28` their URLs are not served.
fn served(ctx: &Ctx) -> ApiResult<()> {
    match ctx.version {
        Version::V2025 => Ok(()),
        Version::V2022 => Err(ApiError::invalid_url()),
    }
}

/// The row of view `id` as the integration sees it, or Notion's 404.
async fn load(client: &impl GenericClient, id: &str) -> ApiResult<Row> {
    rows::by_id(
        client,
        &format!("SELECT {COLUMNS} {VISIBLE} AND v.id = $1"),
        "view",
        id,
    )
    .await
}

/// A view (`path` its id) and its data source's schema.
async fn with_schema(client: &impl GenericClient, id: &str) -> ApiResult<(Row, Schema)> {
    let id = path_id("view_id", id)?;
    let row = load(client, &id).await?;
    let (_, _, schema) = pages::data_source(client, row.get(2), false, false).await?;
    Ok((row, schema))
}

/// `GET /v1/views?database_id=…|data_source_id=…`: `{object: "list", results: [{object:
/// "view", id}], type: "view", view: {}}` in tab order, paginated (the cursor is the next
/// view's id).
pub(crate) async fn list(ctx: &Ctx, query: &Query) -> ApiResult<Value> {
    served(ctx)?;
    let paging = query.paging()?;
    let id_of = |name: &str| -> ApiResult<Option<String>> {
        query
            .get(name)
            .map(|text| {
                crate::ids::parse(text).ok_or_else(|| {
                    ApiError::validation(format!(
                        "query failed validation: query.{name} should be a valid uuid, instead was `\"{text}\"`."
                    ))
                })
            })
            .transpose()
    };
    let (database, data_source) = (id_of("database_id")?, id_of("data_source_id")?);
    if database.is_none() && data_source.is_none() {
        return Err(ApiError::validation(
            "query failed validation: one of query.database_id or query.data_source_id should be defined.",
        ));
    }
    let client = ctx.kit.db().await?;
    if let Some(id) = &data_source {
        pages::data_source(&client, id, false, false).await?;
    }
    if let Some(id) = &database {
        pages::data_source(&client, id, true, false).await?;
    }
    let exists = format!(
        "SELECT 1 {VISIBLE} AND v.id = $1
           AND ($2::text IS NULL OR v.database_id = $2) AND ($3::text IS NULL OR v.data_source_id = $3)"
    );
    let list = Keyed {
        order: Order::new("v.id")
            .by("v.ord", false)
            .by("v.created_time", false),
        select: &|seek, order| {
            format!(
                "SELECT v.id {VISIBLE}
                   AND ($1::text IS NULL OR v.database_id = $1)
                   AND ($2::text IS NULL OR v.data_source_id = $2)
                   AND {seek} ORDER BY {order} LIMIT $3"
            )
        },
        start: "FROM views v WHERE v.id = $4",
        exists: &exists,
    };
    let limit = paging.limit();
    let found = paging
        .keyed(
            &client,
            &list,
            vec![&database, &data_source, &limit],
            &[&database, &data_source],
        )
        .await?;
    let refs = found
        .iter()
        .map(|row| json!({ "object": "view", "id": row.get::<_, String>(0) }))
        .collect();
    Ok(paging.list(refs, "view"))
}

/// `GET /v1/views/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    served(ctx)?;
    let id = path_id("view_id", id)?;
    let client = ctx.kit.db().await?;
    Ok(render(&load(&client, &id).await?))
}

/// `POST /v1/views`: `data_source_id`, `name`, `type` (required), `database_id` (the data
/// source's database, which it defaults to), `filter`, `sorts`, `quick_filters`,
/// `configuration`, `position`. A dashboard's widget (`view_id`) and a new linked database
/// (`create_database`) are refused.
pub(crate) async fn create(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    served(ctx)?;
    let data_source = crate::request::body_id("body.data_source_id", body.get("data_source_id"))?;
    let name = shape::name(body.get("name"))?;
    let kind = shape::view_type(body.get("type"))?;
    for key in ["view_id", "create_database"] {
        if body.get(key).is_some_and(|v| !v.is_null()) {
            return Err(ApiError::validation(format!(
                "body failed validation: body.{key} is not supported by this clone (use database_id)."
            )));
        }
    }
    let database = match body.get("database_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(body_uuid("body.database_id", text)?),
        Some(other) => return Err(crate::error::invalid("body.database_id", "a string", other)),
    };
    let position = shape::position(body.get("position"))?;
    let mut client = ctx.kit.db().await?;
    let (data_source, owner, schema) =
        pages::data_source(&client, &data_source, false, false).await?;
    if let Some(database) = database.filter(|d| *d != owner) {
        pages::data_source(&client, &database, true, false).await?;
        return Err(ApiError::validation(format!(
            "Data source {data_source} does not belong to database {database}."
        )));
    }
    let filter = body.get("filter").filter(|f| !f.is_null());
    let sorts = body.get("sorts").filter(|s| !s.is_null());
    shape::check_query(&schema, filter, sorts)?;
    let quick = match body.get("quick_filters") {
        None => Value::Null,
        Some(given) => shape::quick_filters(&schema, Value::Null, given)?,
    };
    let configuration = match body.get("configuration") {
        None | Some(Value::Null) => Value::Null,
        Some(given) => shape::configuration(&schema, kind, Value::Null, given)?,
    };
    let tx = client.transaction().await?;
    let ord = place(&tx, &owner, position).await?;
    let id = crate::ids::new_uuid();
    let nullable = |v: Option<&Value>| v.map(Value::to_string);
    let statement = tx
        .prepare_cached(&format!(
            "WITH v AS (
               INSERT INTO views (id, database_id, data_source_id, name, type, filter, sorts,
                                  quick_filters, configuration, ord, created_by, last_edited_by)
               VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::text::jsonb,
                       $9::text::jsonb, $10, $11, $11) RETURNING *)
             SELECT {COLUMNS} FROM v"
        ))
        .await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &id,
                &owner,
                &data_source,
                &name,
                &kind,
                &nullable(filter),
                &nullable(sorts),
                &nullable(Some(&quick).filter(|q| !q.is_null())),
                &nullable(Some(&configuration).filter(|c| !c.is_null())),
                &ord,
                &ctx.bot,
            ],
        )
        .await?;
    let data = json!({ "parent": event_parent(&owner, &data_source), "view_type": kind });
    let wake = webhooks::emit(&tx, "view.created", &id, data, &ctx.bot).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(&row))
}

/// The `parent` of a view event: the view's database, with the data source it shows.
fn event_parent(database: &str, data_source: &str) -> Value {
    json!({ "id": database, "type": "database", "data_source_id": data_source })
}

/// The `ord` a new view takes in database `database`'s tab bar at `position`, moving the
/// tabs after it along.
async fn place(
    client: &impl GenericClient,
    database: &str,
    position: shape::Position,
) -> ApiResult<i32> {
    let after = match position {
        shape::Position::End => {
            let statement = client
                .prepare_cached(
                    "SELECT coalesce(max(ord) + 1, 0) FROM views WHERE database_id = $1",
                )
                .await?;
            return Ok(client.query_one(&statement, &[&database]).await?.get(0));
        }
        shape::Position::Start => None,
        shape::Position::After(view) => {
            let statement = client
                .prepare_cached("SELECT ord FROM views WHERE id = $1 AND database_id = $2")
                .await?;
            let row = client
                .query_opt(&statement, &[&view, &database])
                .await?
                .ok_or_else(|| ApiError::not_found("view", &view))?;
            Some(row.get::<_, i32>(0))
        }
    };
    let statement = client
        .prepare_cached(
            "UPDATE views SET ord = ord + 1 WHERE database_id = $1 AND ($2::int IS NULL OR ord > $2)",
        )
        .await?;
    client.execute(&statement, &[&database, &after]).await?;
    Ok(after.map_or(0, |ord| ord + 1))
}

/// `PATCH /v1/views/{id}`: `name`; `filter`, `sorts`, `quick_filters` (each key merged,
/// `null` removes one, `null` for all clears them) and `configuration` (merged likewise).
pub(crate) async fn update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    served(ctx)?;
    let mut client = ctx.kit.db().await?;
    let (row, schema) = with_schema(&client, id).await?;
    let kind: String = row.get(4);
    let name = match body.get("name") {
        None => row.get::<_, String>(3),
        given => shape::name(given)?,
    };
    let filter = match body.get("filter") {
        None => json_column(&row, 5),
        Some(given) => given.clone(),
    };
    let sorts = match body.get("sorts") {
        None => json_column(&row, 6),
        Some(given) => shape::property_sorts(given)?.clone(),
    };
    shape::check_query(&schema, Some(&filter), Some(&sorts))?;
    let quick = match body.get("quick_filters") {
        None => json_column(&row, 7),
        Some(given) => shape::quick_filters(&schema, json_column(&row, 7), given)?,
    };
    let configuration = match body.get("configuration") {
        None | Some(Value::Null) => json_column(&row, 8),
        Some(given) => shape::configuration(&schema, &kind, json_column(&row, 8), given)?,
    };
    let id: String = row.get(0);
    // The fields Notion's `view.updated` names: those the request gave (quick filters are
    // part of the filter bar, so they count as the filter).
    let updated_fields: Vec<&str> = [
        ("name", "name"),
        ("filter", "filter"),
        ("quick_filters", "filter"),
        ("sorts", "sorts"),
        ("configuration", "configuration"),
    ]
    .into_iter()
    .filter(|(key, _)| body.contains_key(*key))
    .map(|(_, field)| field)
    .fold(Vec::new(), |mut fields, field| {
        if !fields.contains(&field) {
            fields.push(field);
        }
        fields
    });
    let parent = event_parent(&row.get::<_, String>(1), &row.get::<_, String>(2));
    let tx = client.transaction().await?;
    let statement = tx
        .prepare_cached(&format!(
            "WITH v AS (
               UPDATE views SET name = $2, filter = $3::text::jsonb, sorts = $4::text::jsonb,
                 quick_filters = $5::text::jsonb, configuration = $6::text::jsonb,
                 last_edited_time = now(), last_edited_by = $7
               WHERE id = $1 RETURNING *)
             SELECT {COLUMNS} FROM v"
        ))
        .await?;
    let text = |v: &Value| (!v.is_null()).then(|| v.to_string());
    let row = tx
        .query_one(
            &statement,
            &[
                &id,
                &name,
                &text(&filter),
                &text(&sorts),
                &text(&quick),
                &text(&configuration),
                &ctx.bot,
            ],
        )
        .await?;
    let data = json!({ "parent": parent, "updated_fields": updated_fields });
    let wake = webhooks::emit(&tx, "view.updated", &id, data, &ctx.bot).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(&row))
}

/// `DELETE /v1/views/{id}`: answers `{object: "view", id, parent, type}`; a database's last
/// view is not deleted (Notion: delete the database instead).
pub(crate) async fn delete(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    served(ctx)?;
    let id = path_id("view_id", id)?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let row = load(&tx, &id).await?;
    let database: String = row.get(1);
    let statement = tx
        .prepare_cached(
            "DELETE FROM views WHERE id = $1
               AND EXISTS (SELECT 1 FROM views o WHERE o.database_id = $2 AND o.id <> $1)",
        )
        .await?;
    if tx.execute(&statement, &[&id, &database]).await? == 0 {
        return Err(ApiError::validation(
            "Cannot delete the last view of a database. Delete the database instead.",
        ));
    }
    let data = json!({ "parent": event_parent(&database, &row.get::<_, String>(2)) });
    let wake = webhooks::emit(&tx, "view.deleted", &id, data, &ctx.bot).await?;
    ctx.commit(tx, wake).await?;
    Ok(json!({
        "object": "view",
        "id": id,
        "parent": shape::parent(&database),
        "type": row.get::<_, String>(4),
    }))
}
