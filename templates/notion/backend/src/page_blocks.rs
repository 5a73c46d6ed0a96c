//! `PATCH` / `DELETE /v1/blocks/{id}`: a block of its own ([`crate::blocks::update`]), or a
//! page that has none (a data source's row, a page at the workspace's top), which `GET`
//! answers as a `child_page` block and these update as the page ([`crate::pages::update`]).

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::request::{Ctx, path_id};

/// `PATCH /v1/blocks/{id}`.
pub(crate) async fn update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("block_id", id)?;
    match crate::blocks::update(ctx, &id, body).await? {
        Some(block) => Ok(block),
        None => page_update(ctx, &id, body).await,
    }
}

/// `DELETE /v1/blocks/{id}`: moves the block (or the page) to the trash and answers it.
pub(crate) async fn delete(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let mut body = Map::new();
    body.insert("in_trash".into(), true.into());
    update(ctx, id, &body).await
}

/// `PATCH` / `DELETE /v1/blocks/{id}` of a page with no block of its own (a data source's
/// row, a page at the workspace's top), which `GET` answers as a `child_page` block: the
/// page's own update (`in_trash` / `archived`, and `child_page.title` as its title, with the
/// page's events), answered as that block; 404 for what is no page either.
async fn page_update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    crate::blocks::retrieve(ctx, id).await?;
    let mut page = Map::new();
    for (key, value) in body {
        match key.as_str() {
            "in_trash" | "archived" => {
                page.insert(key.clone(), value.clone());
            }
            "type" | "object" => {}
            "child_page" => {
                let title = crate::error::string_at(value, &["title"], "body.child_page")?;
                let title = json!([{ "type": "text", "text": { "content": title } }]);
                page.insert("properties".into(), json!({ "title": { "title": title } }));
            }
            _ => {
                return Err(ApiError::validation(format!(
                    "body failed validation: body.{key} should be not present: the block is a child_page."
                )));
            }
        }
    }
    crate::pages::update(ctx, id, &page).await?;
    crate::blocks::retrieve(ctx, id).await
}
