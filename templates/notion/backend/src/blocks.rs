//! Blocks: retrieve, update, delete (to the trash), children list and append (at the end,
//! `after` a block, or at the start), nested children, and the child-page blocks that
//! stand for pages under pages. What blocks point at is checked when they are written
//! (`link_to_page` targets, a duplicate synced block's original); a duplicate synced block
//! lists its original's children as its own.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::content::{self, NewBlock};
use crate::error::{ApiError, ApiResult};
use crate::request::{Ctx, Paging, body_id, path_id};
use crate::richtext;
use crate::rows;
use crate::seek::{Keyed, Order};
use crate::uploads;
use crate::webhooks;

/// The columns [`render`] reads.
const COLUMNS: &str = "b.id, b.parent_type, b.parent_id, b.type, b.content::text, b.in_trash,
    nt(b.created_time), nt(b.last_edited_time), b.created_by, b.last_edited_by,
    EXISTS (SELECT 1 FROM blocks c WHERE c.parent_id = coalesce(b.content->'synced_from'->>'block_id', b.id) AND NOT c.in_trash)";

/// A block row as answered.
pub(crate) fn render(row: &Row) -> Value {
    let kind: String = row.get(3);
    let parent_type: String = row.get(1);
    let mut content: Value = serde_json::from_str(row.get(4)).unwrap_or_else(|_| json!({}));
    // A paragraph answers its icon, `null` when it has none (@notionhq/client's
    // `ContentWithRichTextColorAndIconResponse`).
    if kind == "paragraph"
        && let Some(fields) = content.as_object_mut()
    {
        fields.entry("icon").or_insert(Value::Null);
    }
    let in_trash: bool = row.get(5);
    let mut out = Map::new();
    out.insert("object".into(), "block".into());
    out.insert("id".into(), row.get::<_, String>(0).into());
    out.insert(
        "parent".into(),
        json!({ "type": parent_type, parent_type.as_str(): row.get::<_, String>(2) }),
    );
    out.extend(rows::stamps(row, 6));
    out.insert("has_children".into(), row.get::<_, bool>(10).into());
    out.insert("archived".into(), in_trash.into());
    out.insert("in_trash".into(), in_trash.into());
    out.insert("type".into(), kind.clone().into());
    out.insert(kind, content);
    Value::Object(out)
}

/// Where blocks may go: a shared page, or a block of one.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// `page_id` or `block_id`.
    pub(crate) parent_type: &'static str,
    /// The page the blocks belong to.
    pub(crate) page_id: String,
    /// The block's type (`page` for a page).
    pub(crate) kind: String,
    /// Whose children it shows: its own id, or a duplicate synced block's original's.
    pub(crate) source: String,
    /// Whether it is in the trash (a block also when its page is).
    pub(crate) in_trash: bool,
}

impl Target {
    /// Checks that blocks, pages or databases may be written under it: not in the trash
    /// (Notion's "Can't edit block that is archived" otherwise).
    ///
    /// # Errors
    ///
    /// 400 `validation_error` when it is in the trash.
    pub(crate) fn writable(self) -> ApiResult<Self> {
        if self.in_trash {
            return Err(ApiError::archived());
        }
        Ok(self)
    }
}

/// Finds the page or block `id` (404 when absent, trashed pages included, or not shared).
pub(crate) async fn locate(client: &impl GenericClient, id: &str, kind: &str) -> ApiResult<Target> {
    let row = rows::by_id(
        client,
        "SELECT 'page_id', p.id, 'page', p.id, p.in_trash FROM pages p WHERE p.id = $1 AND p.shared
         UNION ALL
         SELECT 'block_id', b.page_id, b.type, coalesce(b.content->'synced_from'->>'block_id', b.id),
                b.in_trash OR p.in_trash
         FROM blocks b JOIN pages p ON p.id = b.page_id
         WHERE b.id = $1 AND p.shared AND b.type <> 'child_page'
         LIMIT 1",
        kind,
        id,
    )
    .await?;
    let parent_type = if row.get::<_, &str>(0) == "page_id" {
        "page_id"
    } else {
        "block_id"
    };
    Ok(Target {
        parent_type,
        page_id: row.get(1),
        kind: row.get(2),
        source: row.get(3),
        in_trash: row.get(4),
    })
}

/// One flattened block to insert.
struct Flat {
    id: String,
    parent_type: &'static str,
    parent_id: String,
    pos: i64,
    kind: String,
    content: Value,
}

fn flatten(
    blocks: &[NewBlock],
    parent_type: &'static str,
    parent_id: &str,
    first_pos: i64,
    out: &mut Vec<Flat>,
) -> Vec<String> {
    let mut ids = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let id = block.id.clone().unwrap_or_else(crate::ids::new_uuid);
        out.push(Flat {
            id: id.clone(),
            parent_type,
            parent_id: parent_id.to_owned(),
            pos: first_pos + i as i64,
            kind: block.kind.clone(),
            content: block.content.clone(),
        });
        flatten(&block.children, "block_id", &id, 1, out);
        ids.push(id);
    }
    ids
}

/// Where appended blocks go among their siblings.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    /// After the last.
    End,
    /// Before the first.
    Start,
    /// Right after this sibling.
    After(&'a str),
}

/// Makes room for `n` blocks under `parent_id` at `place`; answers the first position.
///
/// # Errors
///
/// A `validation_error` when `place` names a block that is not a child of `parent_id`.
pub(crate) async fn make_room(
    tx: &Transaction<'_>,
    parent_id: &str,
    place: Place<'_>,
    n: i64,
) -> ApiResult<i64> {
    Ok(match place {
        Place::Start => {
            tx.execute(
                "UPDATE blocks SET pos = pos + $2 WHERE parent_id = $1",
                &[&parent_id, &n],
            )
            .await?;
            1
        }
        Place::After(after) => {
            let pos: i64 = tx
                .query_opt(
                    "SELECT pos FROM blocks WHERE id = $1 AND parent_id = $2",
                    &[&after, &parent_id],
                )
                .await?
                .ok_or_else(|| {
                    ApiError::validation(format!("Block {after} is not a child of {parent_id}."))
                })?
                .get(0);
            tx.execute(
                "UPDATE blocks SET pos = pos + $3 WHERE parent_id = $1 AND pos > $2",
                &[&parent_id, &pos, &n],
            )
            .await?;
            pos + 1
        }
        Place::End => {
            let statement = tx
                .prepare_cached("SELECT coalesce(max(pos), 0) + 1 FROM blocks WHERE parent_id = $1")
                .await?;
            tx.query_one(&statement, &[&parent_id]).await?.get(0)
        }
    })
}

/// Inserts `blocks` under `parent` (in page `page_id`) at `place`, in one statement, by
/// the integration of `ctx` (attaching the file uploads they name); returns the top-level ids.
/// A block that names an existing one ([`NewBlock::id`]) moves that block here instead.
pub(crate) async fn insert(
    tx: &Transaction<'_>,
    parent: (&'static str, &str),
    page_id: &str,
    blocks: &[NewBlock],
    place: Place<'_>,
    ctx: &Ctx,
) -> ApiResult<Vec<String>> {
    let (parent_type, parent_id) = parent;
    let first = make_room(tx, parent_id, place, blocks.len() as i64).await?;
    if blocks.is_empty() {
        return Ok(Vec::new());
    }
    if parent_type == "page_id" {
        content::fits_under("page", blocks, "body.children")?;
    }
    let mut flat = Vec::new();
    let ids = flatten(blocks, parent_type, parent_id, first, &mut flat);
    let pointing: Vec<(&str, &Value)> =
        flat.iter().map(|f| (f.kind.as_str(), &f.content)).collect();
    check_references(tx, &pointing).await?;
    richtext::name_mentions(tx, flat.iter_mut().map(|f| &mut f.content)).await?;
    let files = flat.iter_mut().filter(|f| content::holds_file(&f.kind));
    uploads::attach(tx, ctx, files.map(|f| &mut f.content)).await?;
    let column = |f: fn(&Flat) -> String| flat.iter().map(f).collect::<Vec<String>>();
    let (id, ptype, pid, kind, content) = (
        column(|f| f.id.clone()),
        column(|f| f.parent_type.to_owned()),
        column(|f| f.parent_id.clone()),
        column(|f| f.kind.clone()),
        column(|f| f.content.to_string()),
    );
    let pos: Vec<i64> = flat.iter().map(|f| f.pos).collect();
    let statement = tx
        .prepare_cached(
            "INSERT INTO blocks (id, parent_type, parent_id, page_id, pos, type, content, created_by, last_edited_by)
             SELECT i, pt, pi, $4, ps, k, c::jsonb, $8, $8
             FROM unnest($1::text[], $2::text[], $3::text[], $5::bigint[], $6::text[], $7::text[]) AS u(i, pt, pi, ps, k, c)
             ON CONFLICT (id) DO UPDATE SET parent_type = excluded.parent_type, parent_id = excluded.parent_id,
                 page_id = excluded.page_id, pos = excluded.pos, in_trash = false,
                 last_edited_time = now(), last_edited_by = excluded.last_edited_by",
        )
        .await?;
    tx.execute(
        &statement,
        &[&id, &ptype, &pid, &page_id, &pos, &kind, &content, &ctx.bot],
    )
    .await?;
    Ok(ids)
}

/// Checks that what blocks point at is there and shared with the integration: a
/// `link_to_page` block's page, database or comment, a duplicate synced block's original.
///
/// # Errors
///
/// 404 `object_not_found` for a target that is not there or not shared; 400
/// `validation_error` when `synced_from` names a block that is not an original synced block.
async fn check_references(client: &impl GenericClient, blocks: &[(&str, &Value)]) -> ApiResult<()> {
    for &(kind, content) in blocks {
        match kind {
            "link_to_page" => {
                let target = content["type"].as_str().unwrap_or_default();
                let id = content[target].as_str().unwrap_or_default();
                let (sql, name) = match target {
                    "database_id" => ("SELECT 1 FROM databases WHERE id = $1 AND shared", "database"),
                    "comment_id" => (
                        "SELECT 1 FROM comments c
                         JOIN pages p ON p.id = coalesce((SELECT b.page_id FROM blocks b WHERE b.id = c.parent_id), c.parent_id)
                         WHERE c.id = $1 AND p.shared",
                        "comment",
                    ),
                    _ => ("SELECT 1 FROM pages WHERE id = $1 AND shared", "page"),
                };
                rows::by_id(client, sql, name, id).await?;
            }
            "synced_block" => {
                let Some(original) = content["synced_from"]["block_id"].as_str() else {
                    continue;
                };
                let row = rows::by_id(
                    client,
                    "SELECT b.type = 'synced_block' AND b.content->'synced_from' = 'null'::jsonb
                     FROM blocks b JOIN pages p ON p.id = b.page_id
                     WHERE b.id = $1 AND p.shared AND NOT b.in_trash",
                    "block",
                    original,
                )
                .await?;
                if !row.get::<_, bool>(0) {
                    return Err(ApiError::validation(format!(
                        "body failed validation: synced_from.block_id should be the id of an original synced block, instead was `\"{original}\"`."
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Marks page `page_id` edited by `author` and announces `page.content_updated`.
pub(crate) async fn content_updated(
    tx: &Transaction<'_>,
    page_id: &str,
    blocks: &[String],
    author: &str,
) -> ApiResult<bool> {
    tx.execute(
        "UPDATE pages SET last_edited_time = now(), last_edited_by = $2 WHERE id = $1",
        &[&page_id, &author],
    )
    .await?;
    let updated: Vec<Value> = blocks
        .iter()
        .map(|id| json!({ "id": id, "type": "block" }))
        .collect();
    webhooks::emit(
        tx,
        "page.content_updated",
        page_id,
        json!({ "parent": { "id": page_id, "type": "page" }, "updated_blocks": updated }),
        author,
    )
    .await
}

/// The statement reading a block of a shared page by id.
fn fetch_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM blocks b JOIN pages p ON p.id = b.page_id WHERE b.id = $1 AND p.shared"
    )
}

async fn fetch(client: &impl GenericClient, id: &str) -> ApiResult<Row> {
    rows::by_id(client, &fetch_sql(), "block", id).await
}

/// `GET /v1/blocks/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = path_id("block_id", id)?;
    let client = ctx.kit.db().await?;
    match fetch(&client, &id).await {
        Ok(row) => Ok(render(&row)),
        Err(not_found) => {
            // A page with no block of its own (in a data source, or at the workspace's top)
            // is still a `child_page` block, as Notion answers it.
            let statement = client
                .prepare_cached(
                    "SELECT p.id, CASE WHEN p.parent_type = 'data_source_id' THEN 'database_id' ELSE p.parent_type END,
                            coalesce(p.database_id, p.parent_id, ''), 'child_page', jsonb_build_object('title', p.title)::text,
                            p.in_trash, nt(p.created_time), nt(p.last_edited_time), p.created_by, p.last_edited_by,
                            EXISTS (SELECT 1 FROM blocks c WHERE c.parent_id = p.id AND NOT c.in_trash)
                     FROM pages p WHERE p.id = $1 AND p.shared",
                )
                .await?;
            let row = client
                .query_opt(&statement, &[&id])
                .await?
                .ok_or(not_found)?;
            let mut block = render(&row);
            if block["parent"]["type"] == "workspace" {
                block["parent"] = json!({ "type": "workspace", "workspace": true });
            }
            Ok(block)
        }
    }
}

/// `GET /v1/blocks/{id}/children`.
pub(crate) async fn children(ctx: &Ctx, id: &str, paging: Paging) -> ApiResult<Value> {
    let id = path_id("block_id", id)?;
    let client = ctx.kit.db().await?;
    let source = locate(&client, &id, "block").await?.source;
    let list = Keyed {
        order: Order::new("b.id").by("b.pos", false),
        select: &|seek, order| {
            format!(
                "SELECT {COLUMNS} FROM blocks b WHERE b.parent_id = $1 AND NOT b.in_trash AND {seek}
                 ORDER BY {order} LIMIT $2"
            )
        },
        start: "FROM blocks b WHERE b.id = $3 AND b.parent_id = $1",
        exists: "SELECT 1 FROM blocks WHERE id = $1 AND parent_id = $2",
    };
    let limit = paging.limit();
    let rows = paging
        .keyed(&client, &list, vec![&source, &limit], &[&source])
        .await?;
    Ok(paging.list(rows.iter().map(render).collect(), "block"))
}

/// `PATCH /v1/blocks/{id}/children` `{children, after?, position?}` (`after` is refused
/// under `2026-03-11`): answers the new top-level blocks.
pub(crate) async fn append(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("block_id", id)?;
    let new = content::request_blocks(
        body.get("children").ok_or_else(|| {
            ApiError::validation(
                "body failed validation: body.children should be defined, instead was `undefined`.",
            )
        })?,
        "body.children",
        2,
    )?;
    let after;
    let place = match (body.get("after"), body.get("position")) {
        (Some(given), _) if ctx.v2026 => return Err(crate::request::not_present("after", given)),
        (Some(given), _) => {
            after = body_id("body.after", Some(given))?;
            Place::After(&after)
        }
        (None, Some(position)) if !position.is_object() => {
            return Err(crate::error::invalid(
                "body.position",
                "an object",
                position,
            ));
        }
        (None, Some(position)) => match position.get("type").and_then(Value::as_str) {
            Some("after_block") => {
                after = body_id(
                    "body.position.after_block.id",
                    position.get("after_block").and_then(|a| a.get("id")),
                )?;
                Place::After(&after)
            }
            Some("start") => Place::Start,
            Some("end") | None => Place::End,
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "body failed validation: body.position.type should be `start`, `end` or `after_block`, instead was `\"{other}\"`."
                )));
            }
        },
        (None, None) => Place::End,
    };
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let target = locate(&tx, &id, "block").await?.writable()?;
    if target.source != id {
        return Err(ApiError::validation(format!(
            "Block {id} is a duplicate synced block: append children to its original, {}.",
            target.source
        )));
    }
    if target.parent_type == "block_id" {
        content::fits_under(&target.kind, &new, "body.children")?;
    }
    let ids = insert(
        &tx,
        (target.parent_type, &id),
        &target.page_id,
        &new,
        place,
        ctx,
    )
    .await?;
    let wake = content_updated(&tx, &target.page_id, &ids, &ctx.bot).await?;
    let statement = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM blocks b WHERE b.id = ANY($1) ORDER BY b.pos"
        ))
        .await?;
    let rows = tx.query(&statement, &[&ids]).await?;
    ctx.commit(tx, wake).await?;
    let paging = Paging {
        start: None,
        size: 100,
    };
    Ok(paging.list(rows.iter().map(render).collect(), "block"))
}

/// `PATCH /v1/blocks/{id}`: new content for the block's own type, `in_trash`/`archived`.
///
/// `None` when `id` (checked) names no block of its own: a page without one is updated by
/// [`crate::page_blocks`].
pub(crate) async fn update(
    ctx: &Ctx,
    id: &str,
    body: &Map<String, Value>,
) -> ApiResult<Option<Value>> {
    let id = id.to_owned();
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let Some(row) = tx.query_opt(&fetch_sql(), &[&id]).await? else {
        return Ok(None);
    };
    let kind: String = row.get(3);
    let mut stored: Map<String, Value> = serde_json::from_str(row.get(4)).unwrap_or_default();
    for key in body.keys() {
        let known =
            key == &kind || matches!(key.as_str(), "type" | "object" | "archived" | "in_trash");
        if !known {
            return Err(ApiError::validation(format!(
                "body failed validation: body.{key} should be not present: the block is a {kind}."
            )));
        }
    }
    if let Some(given) = body.get(&kind) {
        let given = given.as_object().ok_or_else(|| {
            ApiError::validation(format!(
                "body failed validation: body.{kind} should be an object, instead was `{given}`."
            ))
        })?;
        content::replace_source(&mut stored, given);
        stored.extend(
            given
                .iter()
                .filter(|(k, _)| *k != "children")
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let mut content = content::normalize(&kind, &stored, &format!("body.{kind}"))?;
        check_references(&tx, &[(kind.as_str(), &content)]).await?;
        richtext::name_mentions(&tx, [&mut content]).await?;
        if content::holds_file(&kind) {
            uploads::attach(&tx, ctx, [&mut content]).await?;
        }
        tx.execute(
            "UPDATE blocks SET content = $2::text::jsonb, last_edited_time = now(), last_edited_by = $3 WHERE id = $1",
            &[&id, &content.to_string(), &ctx.bot],
        )
        .await?;
    }
    if let Some(trash) = trash_flag(body)? {
        set_trash(&tx, &id, &kind, trash, &ctx.bot).await?;
    }
    let page_id = locate(&tx, &id, "block")
        .await
        .map(|t| t.page_id)
        .unwrap_or_else(|_| id.clone());
    let wake = content_updated(&tx, &page_id, std::slice::from_ref(&id), &ctx.bot).await?;
    let row = fetch(&tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(Some(render(&row)))
}

/// `in_trash` (or the older `archived`) of an update body.
pub(crate) fn trash_flag(body: &Map<String, Value>) -> ApiResult<Option<bool>> {
    match body.get("in_trash").or_else(|| body.get("archived")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(other) => Err(ApiError::validation(format!(
            "body failed validation: body.in_trash should be a boolean, instead was `{other}`."
        ))),
    }
}

async fn set_trash(
    tx: &Transaction<'_>,
    id: &str,
    kind: &str,
    trash: bool,
    author: &str,
) -> ApiResult<()> {
    tx.execute(
        "UPDATE blocks SET in_trash = $2, last_edited_time = now(), last_edited_by = $3 WHERE id = $1",
        &[&id, &trash, &author],
    )
    .await?;
    if kind == "child_page" {
        tx.execute(
            "UPDATE pages SET in_trash = $2 WHERE id = $1",
            &[&id, &trash],
        )
        .await?;
    }
    Ok(())
}

/// Moves blocks `ids` to the trash, with the pages and databases that are among them.
pub(crate) async fn trash_all(tx: &Transaction<'_>, ids: &[String], author: &str) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE blocks SET in_trash = true, last_edited_time = now(), last_edited_by = $2 WHERE id = ANY($1)",
        &[&ids, &author],
    )
    .await?;
    for table in ["pages", "databases"] {
        tx.execute(
            &format!("UPDATE {table} SET in_trash = true WHERE id = ANY($1)"),
            &[&ids],
        )
        .await?;
    }
    Ok(())
}
