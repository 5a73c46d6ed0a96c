//! What Notion's app makes and the API only lists (`migrations/0003`): a data source's page
//! templates (`GET /v1/data_sources/{id}/templates`) and the workspace's custom emojis
//! (`GET /v1/custom_emojis`). Both lists are short and keyed by id: the cursor is the id of
//! the next item, as Notion documents for templates.

use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::request::{Ctx, Query, path_id};

/// The page of `items` (objects with an `id`) that starts at the item `start_cursor` names,
/// with the id of the next one when there are more.
fn by_id(items: Vec<Value>, query: &Query) -> ApiResult<(Vec<Value>, Option<String>)> {
    let paging = query.paging()?;
    let mut page = paging.rows(items, |item| {
        item["id"].as_str().unwrap_or_default().to_owned()
    })?;
    let next = paging.cut(&mut page);
    Ok((page, next))
}

/// `GET /v1/data_sources/{id}/templates?name=…`: `{templates: [{id, name, is_default}],
/// has_more, next_cursor}`; `name` keeps the templates whose name contains it, ignoring case.
pub(crate) async fn templates(ctx: &Ctx, id: &str, query: &Query) -> ApiResult<Value> {
    let id = path_id("data_source_id", id)?;
    let client = ctx.kit.db().await?;
    crate::pages::data_source(&client, &id, false, false).await?;
    let statement = client
        .prepare_cached(
            "SELECT id, name, is_default FROM data_source_templates
             WHERE data_source_id = $1 AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
             ORDER BY ord, id",
        )
        .await?;
    let name = query.get("name");
    let rows = client.query(&statement, &[&id, &name]).await?;
    let items = rows
        .iter()
        .map(|row| json!({ "id": row.get::<_, String>(0), "name": row.get::<_, String>(1), "is_default": row.get::<_, bool>(2) }))
        .collect();
    let (page, next) = by_id(items, query)?;
    Ok(json!({ "templates": page, "has_more": next.is_some(), "next_cursor": next }))
}

/// `GET /v1/custom_emojis?name=…`: the workspace's custom emojis `{id, name, url}` in a
/// list; `name` keeps the one of exactly that name.
pub(crate) async fn custom_emojis(ctx: &Ctx, query: &Query) -> ApiResult<Value> {
    let client = ctx.kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT id, name, url FROM custom_emojis WHERE $1::text IS NULL OR name = $1 ORDER BY ord, id",
        )
        .await?;
    let name = query.get("name");
    let rows = client.query(&statement, &[&name]).await?;
    let items = rows
        .iter()
        .map(|row| json!({ "id": row.get::<_, String>(0), "name": row.get::<_, String>(1), "url": row.get::<_, String>(2) }))
        .collect();
    let (page, next) = by_id(items, query)?;
    Ok(json!({
        "object": "list",
        "results": page,
        "next_cursor": next,
        "has_more": next.is_some(),
        "type": "custom_emoji",
        "custom_emoji": {},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_the_next_id() {
        let items: Vec<Value> = (1..=3).map(|i| json!({ "id": format!("id{i}") })).collect();
        let query = |q: &str| Query::parse(q);
        let (page, next) = by_id(items.clone(), &query("page_size=2")).unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(next.as_deref(), Some("id3"));
        let (page, next) = by_id(items.clone(), &query("start_cursor=id3")).unwrap();
        assert_eq!(page, vec![json!({ "id": "id3" })]);
        assert_eq!(next, None);
        assert!(by_id(items, &query("start_cursor=nope")).is_err());
    }
}
