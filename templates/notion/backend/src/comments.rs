//! Comments: create (on a page, on a block, or in a discussion thread), list for a page or
//! block, retrieve.

use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::blocks;
use crate::error::{ApiError, ApiResult};
use crate::request::{Ctx, Paging, body_id, path_id};
use crate::richtext;
use crate::rows;
use crate::webhooks;

const COLUMNS: &str = "c.id, c.discussion_id, c.parent_type, c.parent_id, c.rich_text::text,
    nt(c.created_time), nt(c.last_edited_time), c.created_by, coalesce(u.name, 'Integration'), coalesce(u.type, 'bot')";

fn render(row: &Row) -> Value {
    let parent_type: String = row.get(2);
    let is_bot = row.get::<_, &str>(9) == "bot";
    json!({
        "object": "comment",
        "id": row.get::<_, String>(0),
        "parent": { "type": parent_type, parent_type.as_str(): row.get::<_, String>(3) },
        "discussion_id": row.get::<_, String>(1),
        "created_time": row.get::<_, String>(5),
        "last_edited_time": row.get::<_, String>(6),
        "created_by": { "object": "user", "id": row.get::<_, String>(7) },
        "rich_text": serde_json::from_str::<Value>(row.get(4)).unwrap_or_else(|_| json!([])),
        "display_name": { "type": if is_bot { "integration" } else { "user" }, "resolved_name": row.get::<_, String>(8) },
        "attachments": [],
    })
}

/// `POST /v1/comments` `{parent: {page_id | block_id} | discussion_id, rich_text}`.
pub(crate) async fn create(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let mut text = richtext::normalize(
        body.get("rich_text").ok_or_else(|| {
            ApiError::validation("body failed validation: body.rich_text should be defined, instead was `undefined`.")
        })?,
        "body.rich_text",
    )?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let (discussion, parent_type, parent_id) = match (body.get("discussion_id"), body.get("parent"))
    {
        (Some(discussion), _) => {
            let discussion = body_id("body.discussion_id", Some(discussion))?;
            let row = tx
                .query_opt("SELECT parent_type, parent_id FROM comments WHERE discussion_id = $1 ORDER BY created_time LIMIT 1", &[&discussion])
                .await?
                .ok_or_else(|| ApiError::not_found("discussion", &discussion))?;
            (discussion, row.get::<_, String>(0), row.get::<_, String>(1))
        }
        (None, Some(parent)) => {
            let (kind, id) = match (parent.get("page_id"), parent.get("block_id")) {
                (Some(page), _) => ("page_id", body_id("body.parent.page_id", Some(page))?),
                (None, Some(block)) => ("block_id", body_id("body.parent.block_id", Some(block))?),
                _ => {
                    return Err(ApiError::validation(
                        "body failed validation: body.parent should define `page_id` or `block_id`.",
                    ));
                }
            };
            (crate::ids::new_uuid(), kind.to_owned(), id)
        }
        (None, None) => {
            return Err(ApiError::validation(
                "body failed validation. Fix one: body.parent should be defined, instead was `undefined`. body.discussion_id should be defined, instead was `undefined`.",
            ));
        }
    };
    let target = blocks::locate(
        &tx,
        &parent_id,
        if parent_type == "page_id" {
            "page"
        } else {
            "block"
        },
    )
    .await?;
    richtext::name_mentions(&tx, [&mut text]).await?;
    let id = crate::ids::new_uuid();
    tx.execute(
        "INSERT INTO comments (id, discussion_id, parent_type, parent_id, rich_text, created_by) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)",
        &[&id, &discussion, &parent_type, &parent_id, &text.to_string(), &ctx.bot],
    )
    .await?;
    let data = json!({
        "page_id": target.page_id,
        "parent": { "id": parent_id, "type": if parent_type == "page_id" { "page" } else { "block" } },
    });
    let wake = webhooks::emit(&tx, "comment.created", &id, data, &ctx.bot).await?;
    let row = tx
        .query_one(&format!("SELECT {COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.created_by WHERE c.id = $1"), &[&id])
        .await?;
    ctx.commit(tx, wake).await?;
    Ok(render(&row))
}

/// `GET /v1/comments?block_id=…` (a page id is a block id too).
pub(crate) async fn list(ctx: &Ctx, block_id: Option<&str>, paging: Paging) -> ApiResult<Value> {
    let Some(block_id) = block_id else {
        return Err(ApiError::validation(
            "query failed validation: query.block_id should be defined, instead was `undefined`.",
        ));
    };
    let id = path_id("block_id", block_id).map_err(|_| {
        ApiError::validation(format!("query failed validation: query.block_id should be a valid uuid, instead was `\"{block_id}\"`."))
    })?;
    let client = ctx.kit.db().await?;
    blocks::locate(&client, &id, "block").await?;
    let statement = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.created_by
             WHERE c.parent_id = $1 ORDER BY c.created_time, c.id OFFSET $2 LIMIT $3"
        ))
        .await?;
    let rows = client
        .query(&statement, &[&id, &paging.offset, &paging.limit()])
        .await?;
    Ok(paging.list(rows.iter().map(render).collect(), "comment"))
}

/// `GET /v1/comments/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = path_id("comment_id", id)?;
    let client = ctx.kit.db().await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.created_by
         JOIN pages p ON p.id = (SELECT coalesce((SELECT b.page_id FROM blocks b WHERE b.id = c.parent_id AND b.type <> 'child_page'), c.parent_id))
         WHERE c.id = $1 AND p.shared"
    );
    Ok(render(&rows::by_id(&client, &sql, "comment", &id).await?))
}
