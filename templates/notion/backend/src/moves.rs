//! Pages, continued: moving a page (under a page, or into a data source) and reading one
//! property's items.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::ancestry;
use crate::blocks;
use crate::error::{ApiError, ApiResult};
use crate::pages::{
    Parent, Placement, View, answer, child_page_block, event_parent, json_column, load,
    parse_parent, props_and_meta, returning, rolled_for,
};
use crate::relations::Rolled;
use crate::request::{Ctx, Paging, path_id};
use crate::schema;
use crate::values;
use crate::webhooks;

/// `POST /v1/pages/{id}/move` `{parent: {page_id | data_source_id}}`: a page moved into a
/// data source keeps only its title.
pub(crate) async fn move_page(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    let parent = parse_parent(body.get("parent"))?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let (row, old_schema) = load(&tx, &id, true).await?;
    let title_value = old_schema
        .iter()
        .find(|(_, p)| schema::kind(p) == "title")
        .and_then(|(tid, _)| match json_column(&row, 5) {
            Value::Object(m) => m.get(tid).cloned(),
            _ => None,
        })
        .unwrap_or_else(|| json!([]));
    tx.execute(
        "DELETE FROM blocks WHERE id = $1 AND type = 'child_page'",
        &[&id],
    )
    .await?;
    let title: String = crate::richtext::plain(&title_value);
    let placement = match &parent {
        Parent::Page(page) => {
            if page == &id {
                return Err(ApiError::validation("A page cannot be moved under itself."));
            }
            blocks::locate(&tx, page, "page").await?.writable()?;
            ancestry::refuse_cycle(&tx, ("page_id", page), ("page_id", &id), "page").await?;
            child_page_block(&tx, page, &id, &title, &ctx.bot, blocks::Place::End).await?;
            Placement::page(page)
        }
        Parent::DataSource(source) | Parent::Database(source) => {
            let placement =
                Placement::data_source(&tx, source, matches!(parent, Parent::Database(_))).await?;
            let into = (
                "data_source_id",
                placement.data_source_id.as_deref().unwrap_or(source),
            );
            ancestry::refuse_cycle(&tx, into, ("page_id", &id), "page").await?;
            placement
        }
        Parent::Workspace => {
            return Err(ApiError::validation(
                "Pages can be moved only under a page or into a data source.",
            ));
        }
    };
    let Placement {
        parent_type,
        parent_id,
        data_source_id: ds,
        database_id: db,
        schema,
    } = placement;
    let title_id = schema
        .iter()
        .find(|(_, p)| schema::kind(p) == "title")
        .map_or("title", |(k, _)| k.as_str());
    let props = json!({ title_id: title_value });
    let fv = json!({ title_id: title });
    let row = returning(
        &tx,
        "UPDATE pages AS p SET parent_type = $2, parent_id = $3, data_source_id = $4, database_id = $5,
            props = $6::text::json, fv = $7::text::jsonb, last_edited_time = now(), last_edited_by = $8
         WHERE id = $1",
        &[
            &id,
            &parent_type,
            &parent_id,
            &ds,
            &db,
            &props.to_string(),
            &fv.to_string(),
            &ctx.bot,
        ],
    )
    .await?;
    let data = json!({ "parent": event_parent(&row) });
    let wake = webhooks::emit(&tx, "page.moved", &id, data, &ctx.bot).await?;
    let page = answer(&tx, &row, &schema, View::of(ctx)).await?;
    ctx.commit(tx, wake).await?;
    Ok(page)
}

/// The page's stored array `source` (a property's values): its length, and the elements
/// after the cursor's position (up to the page's limit), read by their ordinality.
///
/// # Errors
/// Notion's validation error for a cursor holding no position; the database's.
async fn stored_items(
    client: &impl GenericClient,
    page: &str,
    source: &str,
    paging: &Paging,
) -> ApiResult<(i64, Vec<Value>)> {
    let statement = client
        .prepare_cached(
            "SELECT json_array_length(a.items)::bigint, e.v::text FROM pages p
             CROSS JOIN LATERAL (SELECT CASE WHEN json_typeof(p.props -> $2) = 'array'
                 THEN p.props -> $2 ELSE '[]'::json END AS items) a
             LEFT JOIN LATERAL (SELECT x.v, x.n FROM json_array_elements(a.items) WITH ORDINALITY x(v, n)
                 WHERE x.n > $3 ORDER BY x.n LIMIT $4) e ON TRUE
             WHERE p.id = $1 ORDER BY e.n",
        )
        .await?;
    let (position, limit) = (paging.position()?, paging.limit());
    let rows = client
        .query(&statement, &[&page, &source, &position, &limit])
        .await?;
    let total = rows.first().map_or(0, |row| row.get(0));
    let items = rows
        .iter()
        .filter_map(|row| row.get::<_, Option<&str>>(1))
        .filter_map(|text| serde_json::from_str(text).ok())
        .collect();
    Ok((total, items))
}

/// `GET /v1/pages/{id}/properties/{property_id}`: a list of property items for title,
/// rich text, people and relation; the one item otherwise.
pub(crate) async fn property_item(
    ctx: &Ctx,
    id: &str,
    property: &str,
    paging: Paging,
) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    let client = ctx.kit.db().await?;
    let (row, schema) = load(&client, &id, false).await?;
    let (prop_id, prop) =
        schema::find(&schema, property).ok_or_else(|| ApiError::not_found("property", property))?;
    let (props, meta) = props_and_meta(&row);
    let kind = schema::kind(prop);
    let rolled = match kind {
        "rollup" => rolled_for(&client, &schema, &[&row]).await?,
        _ => Rolled::new(),
    };
    let rendered = values::render_property(prop_id, prop, &schema, &props, meta, rolled.get(&id));
    let item = |value: Value| json!({ "object": "property_item", "id": prop_id, "type": kind, kind: value });
    // A rollup lists its relation's items (the related pages).
    let relation = prop["rollup"]["relation_property_id"]
        .as_str()
        .unwrap_or_default();
    let related = |value: Value| json!({ "object": "property_item", "id": relation, "type": "relation", "relation": { "id": value["id"] } });
    let source = match kind {
        "title" | "rich_text" | "people" | "relation" => prop_id,
        "rollup" => relation,
        _ => return Ok(item(rendered[kind].clone())),
    };
    let (total, items) = stored_items(&client, &id, source, &paging).await?;
    let items = items
        .into_iter()
        .map(|value| match kind {
            "rollup" => related(value),
            _ => item(value),
        })
        .collect();
    let mut list = paging.positioned(items, paging.position()?, total, "property_item")?;
    let summary = match kind {
        "rollup" => rendered[kind].clone(),
        _ => json!({}),
    };
    list["property_item"] = json!({ "id": prop_id, "next_url": null, "type": kind, kind: summary });
    Ok(list)
}
