//! Comments: create (on a page, on a block, or in a discussion thread), list for a page or
//! block, retrieve; update and delete the integration's own. The text is `rich_text` or
//! inline `markdown` ([`crate::markdown::inline`]).

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::blocks;
use crate::error::{ApiError, ApiResult};
use crate::request::{Ctx, Paging, body_id, path_id};
use crate::richtext;
use crate::rows;
use crate::seek::{Keyed, Order};
use crate::uploads;
use crate::webhooks;

const COLUMNS: &str = "c.id, c.discussion_id, c.parent_type, c.parent_id, c.rich_text::text,
    nt(c.created_time), nt(c.last_edited_time), c.created_by, coalesce(u.name, 'Integration'), coalesce(u.type, 'bot'),
    c.display_name, c.attachments::text";

fn render(row: &Row) -> Value {
    let parent_type: String = row.get(2);
    let display_name = match row.get::<_, Option<String>>(10) {
        Some(custom) => json!({ "type": "custom", "resolved_name": custom }),
        None if row.get::<_, &str>(9) == "bot" => {
            json!({ "type": "integration", "resolved_name": row.get::<_, String>(8) })
        }
        None => json!({ "type": "user", "resolved_name": row.get::<_, String>(8) }),
    };
    json!({
        "object": "comment",
        "id": row.get::<_, String>(0),
        "parent": { "type": parent_type, parent_type.as_str(): row.get::<_, String>(3) },
        "discussion_id": row.get::<_, String>(1),
        "created_time": row.get::<_, String>(5),
        "last_edited_time": row.get::<_, String>(6),
        "created_by": { "object": "user", "id": row.get::<_, String>(7) },
        "rich_text": serde_json::from_str::<Value>(row.get(4)).unwrap_or_else(|_| json!([])),
        "display_name": display_name,
        "attachments": serde_json::from_str::<Value>(row.get(11)).unwrap_or_else(|_| json!([])),
    })
}

/// A comment's text: exactly one of `rich_text` and `markdown` (inline markdown).
fn text_of(body: &Map<String, Value>) -> ApiResult<Value> {
    let given = |key| body.get(key).filter(|v: &&Value| !v.is_null());
    match (given("rich_text"), given("markdown")) {
        (Some(rich), None) => richtext::normalize(rich, "body.rich_text"),
        (None, Some(Value::String(text))) => {
            crate::markdown::version(body.get("markdown_version"), "body.markdown_version")?;
            richtext::normalize(&crate::markdown::inline(text)?, "body.markdown")
        }
        (None, Some(other)) => Err(crate::error::invalid("body.markdown", "a string", other)),
        (Some(_), Some(_)) => Err(ApiError::validation(
            "body failed validation: body.markdown should be not present when body.rich_text is.",
        )),
        (None, None) => Err(ApiError::validation(
            "body failed validation. Fix one: body.rich_text should be defined, instead was `undefined`. body.markdown should be defined, instead was `undefined`.",
        )),
    }
}

/// A new comment's custom name (`display_name: {type: "custom", custom: {name}}`); `None`
/// for the integration's own (`integration`, the default). `user` names the person a
/// public integration acts for: the clone's integration is internal, so it is refused.
fn display_name(body: &Map<String, Value>) -> ApiResult<Option<String>> {
    let Some(given) = body.get("display_name").filter(|d| !d.is_null()) else {
        return Ok(None);
    };
    match given.get("type").and_then(Value::as_str) {
        Some("integration") => Ok(None),
        Some("custom") => given
            .get("custom")
            .and_then(|c| c.get("name"))
            .and_then(Value::as_str)
            .filter(|name| !name.trim().is_empty())
            .map(|name| Some(name.to_owned()))
            .ok_or_else(|| {
                crate::error::invalid(
                    "body.display_name.custom.name",
                    "a non-empty string",
                    given.get("custom").unwrap_or(&Value::Null),
                )
            }),
        Some("user") => Err(ApiError::validation(
            "body failed validation: body.display_name `user` needs a public integration acting for a user; this clone's integration is internal.",
        )),
        _ => Err(crate::error::invalid(
            "body.display_name.type",
            "`integration`, `user` or `custom`",
            given.get("type").unwrap_or(&Value::Null),
        )),
    }
}

/// A new comment's `attachments` (`[{file_upload_id, type?: "file_upload"}]`) as file
/// objects for [`uploads::attach`], each with the `category` it fills in.
fn attachments(body: &Map<String, Value>) -> ApiResult<Value> {
    let Some(given) = body.get("attachments").filter(|a| !a.is_null()) else {
        return Ok(json!([]));
    };
    let items = crate::error::array_at(given, "body.attachments", 3)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let id = body_id(
                &format!("body.attachments[{i}].file_upload_id"),
                item.get("file_upload_id"),
            )?;
            Ok(json!({ "type": "file_upload", "file_upload": { "id": id }, "category": null }))
        })
        .collect::<ApiResult<Vec<_>>>()
        .map(Value::Array)
}

/// `POST /v1/comments` `{parent: {page_id | block_id} | discussion_id, rich_text | markdown,
/// display_name?, attachments?}`.
pub(crate) async fn create(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let mut text = text_of(body)?;
    let display = display_name(body)?;
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
    let mut files = attachments(body)?;
    uploads::attach(&tx, ctx, [&mut files]).await?;
    let files: Vec<Value> = files
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| json!({ "category": f["category"], "file": f["file"] }))
        .collect();
    let id = crate::ids::new_uuid();
    tx.execute(
        "INSERT INTO comments (id, discussion_id, parent_type, parent_id, rich_text, created_by, display_name, attachments)
         VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8::text::jsonb)",
        &[&id, &discussion, &parent_type, &parent_id, &text.to_string(), &ctx.bot, &display, &Value::Array(files).to_string()],
    )
    .await?;
    let anchor = Anchor {
        page_id: target.page_id,
        parent_type,
        parent_id,
    };
    finish(ctx, tx, "comment.created", &id, &anchor).await
}

/// Where a comment is: its page, and the page or block it is on.
struct Anchor {
    page_id: String,
    parent_type: String,
    parent_id: String,
}

/// Queues the `comment.*` event `event` for comment `id` at `anchor`.
async fn announce(
    tx: &Transaction<'_>,
    event: &str,
    id: &str,
    anchor: &Anchor,
    author: &str,
) -> ApiResult<bool> {
    let kind = if anchor.parent_type == "page_id" {
        "page"
    } else {
        "block"
    };
    let data = json!({
        "page_id": anchor.page_id,
        "parent": { "id": anchor.parent_id, "type": kind },
    });
    webhooks::emit(tx, event, id, data, author).await
}

/// Announces `event` for the comment `id` just written, commits, and answers the comment.
async fn finish(
    ctx: &Ctx,
    tx: Transaction<'_>,
    event: &str,
    id: &str,
    anchor: &Anchor,
) -> ApiResult<Value> {
    let wake = announce(&tx, event, id, anchor, &ctx.bot).await?;
    let row = tx
        .query_one(&format!("SELECT {COLUMNS} {VISIBLE}"), &[&id])
        .await?;
    ctx.commit(tx, wake).await?;
    Ok(render(&row))
}

/// The comment `id` as the integration sees it, with the page it is on (404 when absent,
/// on a page not shared, or, when `own`, written by someone else).
const VISIBLE: &str = "FROM comments c LEFT JOIN users u ON u.id = c.created_by
    JOIN pages p ON p.id = (SELECT coalesce((SELECT b.page_id FROM blocks b WHERE b.id = c.parent_id AND b.type <> 'child_page'), c.parent_id))
    WHERE c.id = $1 AND p.shared";

/// `PATCH /v1/comments/{id}` `{rich_text | markdown}`: only the integration's own comments
/// (another's is Notion's 404).
pub(crate) async fn update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("comment_id", id)?;
    let mut text = text_of(body)?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let anchor = own(&tx, &id, &ctx.bot).await?;
    richtext::name_mentions(&tx, [&mut text]).await?;
    tx.execute(
        "UPDATE comments SET rich_text = $2::text::jsonb, last_edited_time = now() WHERE id = $1",
        &[&id, &text.to_string()],
    )
    .await?;
    finish(ctx, tx, "comment.updated", &id, &anchor).await
}

/// `DELETE /v1/comments/{id}`: deletes one of the integration's own comments (another's is
/// Notion's 404) and answers it as it was.
pub(crate) async fn delete(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = path_id("comment_id", id)?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let anchor = own(&tx, &id, &ctx.bot).await?;
    let row = tx
        .query_one(&format!("SELECT {COLUMNS} {VISIBLE}"), &[&id])
        .await?;
    tx.execute("DELETE FROM comments WHERE id = $1", &[&id])
        .await?;
    let wake = announce(&tx, "comment.deleted", &id, &anchor, &ctx.bot).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(&row))
}

/// Where comment `id` is, when `author` wrote it and the integration sees it; Notion's 404
/// otherwise. Locks the comment.
async fn own(tx: &Transaction<'_>, id: &str, author: &str) -> ApiResult<Anchor> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT p.id, c.parent_type, c.parent_id, c.created_by {VISIBLE} FOR UPDATE OF c"
            ),
            &[&id],
        )
        .await?
        .filter(|row| row.get::<_, &str>(3) == author)
        .ok_or_else(|| ApiError::not_found("comment", id))?;
    Ok(Anchor {
        page_id: row.get(0),
        parent_type: row.get(1),
        parent_id: row.get(2),
    })
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
    let list = Keyed {
        order: Order::new("c.id").by("c.created_time", false),
        select: &|seek, order| {
            format!(
                "SELECT {COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.created_by
                 WHERE c.parent_id = $1 AND {seek} ORDER BY {order} LIMIT $2"
            )
        },
        start: "FROM comments c WHERE c.id = $3 AND c.parent_id = $1",
        exists: "SELECT 1 FROM comments WHERE id = $1 AND parent_id = $2",
    };
    let limit = paging.limit();
    let rows = paging
        .keyed(&client, &list, vec![&id, &limit], &[&id])
        .await?;
    Ok(paging.list(rows.iter().map(render).collect(), "comment"))
}

/// `GET /v1/comments/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = path_id("comment_id", id)?;
    let client = ctx.kit.db().await?;
    let sql = format!("SELECT {COLUMNS} {VISIBLE}");
    Ok(render(&rows::by_id(&client, &sql, "comment", &id).await?))
}
