//! What Notion's app makes and the API only lists (`migrations/0003`): a data source's page
//! templates (`GET /v1/data_sources/{id}/templates`) and the workspace's custom emojis
//! (`GET /v1/custom_emojis`). The cursor is the id of the next item, as Notion documents for
//! templates; a page starts by a keyed seek on the list's order (`ord`, id: [`crate::seek`]).

use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::request::{Ctx, Query, path_id};
use crate::seek::{Keyed, Order};

/// `GET /v1/data_sources/{id}/templates?name=…`: `{templates: [{id, name, is_default}],
/// has_more, next_cursor}`; `name` keeps the templates whose name contains it, ignoring case.
pub(crate) async fn templates(ctx: &Ctx, id: &str, query: &Query) -> ApiResult<Value> {
    let id = path_id("data_source_id", id)?;
    let paging = query.paging()?;
    let client = ctx.kit.db().await?;
    crate::pages::data_source(&client, &id, false, false).await?;
    let list = Keyed {
        order: Order::new("t.id").by("t.ord", false),
        select: &|seek, order| {
            format!(
                "SELECT id, name, is_default FROM data_source_templates t
                 WHERE data_source_id = $1 AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
                   AND {seek} ORDER BY {order} LIMIT $3"
            )
        },
        start: "FROM data_source_templates t WHERE t.id = $4 AND t.data_source_id = $1",
        exists: "SELECT 1 FROM data_source_templates WHERE id = $1 AND data_source_id = $2",
    };
    let (name, limit) = (query.get("name"), paging.limit());
    let rows = paging
        .keyed(&client, &list, vec![&id, &name, &limit], &[&id])
        .await?;
    let mut page = rows
        .iter()
        .map(|row| json!({ "id": row.get::<_, String>(0), "name": row.get::<_, String>(1), "is_default": row.get::<_, bool>(2) }))
        .collect();
    let next = paging.cut(&mut page);
    Ok(json!({ "templates": page, "has_more": next.is_some(), "next_cursor": next }))
}

/// `GET /v1/custom_emojis?name=…`: the workspace's custom emojis `{id, name, url}` in a
/// list; `name` keeps the one of exactly that name.
pub(crate) async fn custom_emojis(ctx: &Ctx, query: &Query) -> ApiResult<Value> {
    let paging = query.paging()?;
    let client = ctx.kit.db().await?;
    let list = Keyed {
        order: Order::new("e.id").by("e.ord", false),
        select: &|seek, order| {
            format!(
                "SELECT id, name, url FROM custom_emojis e WHERE ($1::text IS NULL OR name = $1)
                   AND {seek} ORDER BY {order} LIMIT $2"
            )
        },
        start: "FROM custom_emojis e WHERE e.id = $3",
        exists: "SELECT 1 FROM custom_emojis WHERE id = $1",
    };
    let (name, limit) = (query.get("name"), paging.limit());
    let rows = paging
        .keyed(&client, &list, vec![&name, &limit], &[])
        .await?;
    let mut page = rows
        .iter()
        .map(|row| json!({ "id": row.get::<_, String>(0), "name": row.get::<_, String>(1), "url": row.get::<_, String>(2) }))
        .collect();
    let next = paging.cut(&mut page);
    Ok(json!({
        "object": "list",
        "results": page,
        "next_cursor": next,
        "has_more": next.is_some(),
        // Notion's reference answers no `custom_emoji: {}` beside the type, unlike its
        // other lists (and @notionhq/client's `ListCustomEmojisResponse` has none).
        "type": "custom_emoji",
    }))
}
