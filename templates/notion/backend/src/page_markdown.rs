//! `GET/PATCH /v1/pages/{id}/markdown`: a page's blocks as Notion-flavored markdown
//! ([`crate::markdown`]), and edits made on that text.
//!
//! An edit (`insert_content`, `replace_content_range`, `update_content`, `replace_content`)
//! is applied to the page's rendered text; the new text is compared with the old one top
//! block by top block: the unchanged blocks at the start and at the end keep their ids, the
//! ones between go to the trash, and the new text between is parsed and inserted in their
//! place (one transaction). Removing a child page or database needs `allow_deleting_content`.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::blocks::{self, Place};
use crate::content;
use crate::error::{ApiError, ApiResult, invalid};
use crate::markdown::{self, Node, Writer};
use crate::request::{Ctx, Query, path_id};
use crate::synced_markdown::{self, NODE_COLUMNS};

/// The page `id` as the integration may see it; whether it is in the trash. A database or
/// a block is refused as Notion does; anything else is Notion's 404.
async fn page(client: &impl GenericClient, id: &str, lock: bool) -> ApiResult<bool> {
    let sql = if lock {
        "SELECT in_trash FROM pages WHERE id = $1 AND shared FOR UPDATE"
    } else {
        "SELECT in_trash FROM pages WHERE id = $1 AND shared"
    };
    let statement = client.prepare_cached(sql).await?;
    if let Some(row) = client.query_opt(&statement, &[&id]).await? {
        return Ok(row.get(0));
    }
    let statement = client
        .prepare_cached(
            "SELECT 1 FROM databases WHERE id = $1 AND shared
             UNION ALL SELECT 1 FROM blocks b JOIN pages p ON p.id = b.page_id WHERE b.id = $1 AND p.shared
             LIMIT 1",
        )
        .await?;
    if client.query_opt(&statement, &[&id]).await?.is_some() {
        return Err(ApiError::validation(format!(
            "The provided ID {id} is a database or non-page block: use the database or block API for it."
        )));
    }
    Err(ApiError::not_found("page", id))
}

/// The page's blocks (not in the trash) as a tree, top blocks first; a duplicate synced
/// block holds its original's blocks, as Notion renders it.
async fn tree(client: &impl GenericClient, id: &str) -> ApiResult<Vec<Node>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {NODE_COLUMNS} FROM blocks b WHERE b.page_id = $1 AND NOT b.in_trash ORDER BY b.pos"
        ))
        .await?;
    let mut top = synced_markdown::assemble(client.query(&statement, &[&id]).await?, id);
    let mut originals = Vec::new();
    synced_markdown::references(&top, &mut originals);
    if originals.is_empty() {
        return Ok(top);
    }
    // The originals' blocks, wherever they are (the page of each is shared: a duplicate
    // is made only of an original the integration can read).
    let shown = synced_markdown::shown(client, &originals).await?;
    synced_markdown::fill_references(&mut top, &shown);
    Ok(top)
}

/// The page's top blocks, each rendered on its own, and what could not be shown.
struct Rendered {
    nodes: Vec<Node>,
    texts: Vec<String>,
    unknown: Vec<String>,
}

impl Rendered {
    async fn load(client: &impl GenericClient, ctx: &Ctx, id: &str) -> ApiResult<Self> {
        let nodes = tree(client, id).await?;
        let mut texts = Vec::with_capacity(nodes.len());
        let mut unknown = Vec::new();
        let mut number = 0;
        for node in &nodes {
            let mut writer = Writer::new(ctx.base_url(), id);
            number = markdown::number_of(node, number);
            writer.block(node, 0, number);
            unknown.append(&mut writer.unknown);
            texts.push(writer.out);
        }
        Ok(Self {
            nodes,
            texts,
            unknown,
        })
    }

    fn text(&self) -> String {
        self.texts.join("\n")
    }

    /// The `page_markdown` object.
    fn answer(&self, id: &str) -> Value {
        answer(id, self.text(), &self.unknown)
    }

    /// How many top blocks `new` keeps unchanged at its start and at its end, and the
    /// text between them.
    fn diff<'n>(&self, new: &'n str) -> (usize, usize, &'n str) {
        let (mut start, mut kept) = (0, 0);
        for text in &self.texts {
            let rest = &new[start..];
            let whole = rest.starts_with(text.as_str())
                && (rest.len() == text.len() || rest.as_bytes()[text.len()] == b'\n');
            if !whole || (text.is_empty() && rest.is_empty()) {
                break;
            }
            start = (start + text.len() + 1).min(new.len());
            kept += 1;
        }
        let (mut end, mut tail) = (new.len(), 0);
        for text in self.texts[kept..].iter().rev() {
            let head = &new[start.min(end)..end];
            let whole = head.ends_with(text.as_str())
                && (head.len() == text.len()
                    || head.as_bytes()[head.len() - text.len() - 1] == b'\n');
            if !whole {
                break;
            }
            end = (end - text.len()).saturating_sub(1).max(start);
            tail += 1;
        }
        (kept, tail, new.get(start..end).unwrap_or_default())
    }
}

/// `GET /v1/pages/{id}/markdown` (`include_transcript` changes nothing: the clone holds no
/// meeting notes); a block's id answers the subtree rooted at the block.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str, query: &Query) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    let given = query.get("markdown_version").map(Value::from);
    markdown::version(given.as_ref(), "query.markdown_version")?;
    let client = ctx.kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT b.page_id FROM blocks b JOIN pages p ON p.id = b.page_id
             WHERE b.id = $1 AND p.shared AND NOT b.in_trash AND b.type NOT IN ('child_page', 'child_database')",
        )
        .await?;
    let Some(row) = client.query_opt(&statement, &[&id]).await? else {
        page(&client, &id, false).await?;
        return Ok(Rendered::load(&client, ctx, &id).await?.answer(&id));
    };
    // A block of a page: the subtree rooted at it, as Notion answers the ids it reports in
    // `unknown_block_ids`.
    let page_id: String = row.get(0);
    let nodes = tree(&client, &page_id).await?;
    let node = find(&nodes, &id).ok_or_else(|| ApiError::not_found("block", &id))?;
    let mut writer = Writer::new(ctx.base_url(), &page_id);
    writer.blocks(std::slice::from_ref(node), 0);
    Ok(answer(&id, writer.out, &writer.unknown))
}

/// The `page_markdown` object for `id`: its `markdown`, and the ids it could not show.
fn answer(id: &str, markdown: String, unknown: &[String]) -> Value {
    json!({
        "object": "page_markdown",
        "id": id,
        "markdown": markdown,
        "truncated": !unknown.is_empty(),
        "unknown_block_ids": unknown,
    })
}

/// The node `id` among `nodes` and their descendants.
fn find<'n>(nodes: &'n [Node], id: &str) -> Option<&'n Node> {
    nodes.iter().find_map(|node| {
        (node.id == id)
            .then_some(node)
            .or_else(|| find(&node.children, id))
    })
}

/// The string at `key` of the command object `command` (named `kind` in messages).
fn string<'b>(command: &'b Map<String, Value>, kind: &str, key: &str) -> ApiResult<&'b str> {
    command.get(key).and_then(Value::as_str).ok_or_else(|| {
        invalid(
            &format!("body.{kind}.{key}"),
            "a string",
            command.get(key).unwrap_or(&Value::Null),
        )
    })
}

/// Where `selection` (`"start...end"` or an exact text) lies in `text`.
fn select(text: &str, selection: &str, kind: &str, key: &str) -> ApiResult<(usize, usize)> {
    let found = match selection.split_once("...") {
        Some((first, last)) if !first.is_empty() || !last.is_empty() => {
            text.find(first).and_then(|start| {
                let from = start + first.len();
                text[from..]
                    .find(last)
                    .map(|at| (start, from + at + last.len()))
            })
        }
        _ => text
            .find(selection)
            .map(|start| (start, start + selection.len())),
    };
    found.ok_or_else(|| {
        ApiError::validation(format!(
            "body failed validation: body.{kind}.{key} `{selection}` does not match any content in the page."
        ))
    })
}

/// The edit commands.
const COMMANDS: [&str; 4] = [
    "insert_content",
    "replace_content_range",
    "update_content",
    "replace_content",
];

/// The page's text after the command in `body`, and whether deleting child pages and
/// databases is allowed.
fn edited(body: &Map<String, Value>, old: &str) -> ApiResult<(String, bool)> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .filter(|k| COMMANDS.contains(k))
        .ok_or_else(|| {
            invalid(
                "body.type",
                "`insert_content`, `replace_content_range`, `update_content` or `replace_content`",
                body.get("type").unwrap_or(&Value::Null),
            )
        })?;
    let command = body
        .get(kind)
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(&format!("body.{kind}"), "an object", &Value::Null))?;
    let allow = command
        .get("allow_deleting_content")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let join = |a: &str, b: &str| match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_owned(),
        (_, true) => a.to_owned(),
        _ => format!("{a}\n{b}"),
    };
    let text = match kind {
        "insert_content" => {
            let content = string(command, kind, "content")?;
            let position = command.get("position").filter(|p| !p.is_null());
            match (command.get("after").and_then(Value::as_str), position) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::validation(
                        "body failed validation: provide only one of body.insert_content.after and body.insert_content.position.",
                    ));
                }
                (Some(after), None) => {
                    let (_, end) = select(old, after, kind, "after")?;
                    format!("{}\n{content}{}", &old[..end], &old[end..])
                }
                (None, Some(position)) => match position.get("type").and_then(Value::as_str) {
                    Some("start") => join(content, old),
                    Some("end") => join(old, content),
                    _ => {
                        return Err(invalid(
                            "body.insert_content.position.type",
                            "`start` or `end`",
                            position.get("type").unwrap_or(&Value::Null),
                        ));
                    }
                },
                (None, None) => join(old, content),
            }
        }
        "replace_content_range" => {
            let content = string(command, kind, "content")?;
            let range = string(command, kind, "content_range")?;
            let (start, end) = select(old, range, kind, "content_range")?;
            format!("{}{content}{}", &old[..start], &old[end..])
        }
        "update_content" => {
            let updates = command
                .get("content_updates")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    invalid(
                        "body.update_content.content_updates",
                        "an array",
                        &Value::Null,
                    )
                })?;
            let mut text = old.to_owned();
            for (i, update) in updates.iter().enumerate() {
                let path = format!("update_content.content_updates[{i}]");
                let update = update
                    .as_object()
                    .ok_or_else(|| invalid(&format!("body.{path}"), "an object", update))?;
                let from = string(update, &path, "old_str")?;
                let to = string(update, &path, "new_str")?;
                let all = update
                    .get("replace_all_matches")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let count = if from.is_empty() {
                    0
                } else {
                    text.matches(from).count()
                };
                match count {
                    0 => {
                        return Err(ApiError::validation(format!(
                            "body failed validation: body.{path}.old_str `{from}` was not found in the page."
                        )));
                    }
                    1 => text = text.replacen(from, to, 1),
                    _ if all => text = text.replace(from, to),
                    n => {
                        return Err(ApiError::validation(format!(
                            "body failed validation: body.{path}.old_str `{from}` matches {n} locations in the page: set replace_all_matches to replace them all."
                        )));
                    }
                }
            }
            text
        }
        _ => string(command, kind, "new_str")?.to_owned(),
    };
    Ok((text, allow))
}

/// The child pages and databases among `nodes` and their descendants.
fn protected(nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        if matches!(node.kind.as_str(), "child_page" | "child_database") {
            let title = node.content["title"].as_str().unwrap_or_default();
            out.push(format!("{} {} ({title})", node.kind, node.id));
        }
        protected(&node.children, out);
    }
}

/// `PATCH /v1/pages/{id}/markdown`: answers the page's markdown after the edit.
pub(crate) async fn update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    markdown::version(body.get("markdown_version"), "body.markdown_version")?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    if page(&tx, &id, true).await? {
        return Err(ApiError::archived());
    }
    let before = Rendered::load(&tx, ctx, &id).await?;
    let old = before.text();
    let (new, allow) = edited(body, &old)?;
    let (kept, tail, middle) = before.diff(&new);
    let removed = &before.nodes[kept..before.nodes.len() - tail];
    let mut children = Vec::new();
    protected(removed, &mut children);
    if !children.is_empty() && !allow {
        return Err(ApiError::validation(format!(
            "The operation would delete child pages or databases: {}. Set allow_deleting_content to true to delete them.",
            children.join(", ")
        )));
    }
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let mut parsed = markdown::parse(middle)?;
    let synced =
        synced_markdown::resolve(&tx, ctx, &id, &before.nodes, removed, &mut parsed).await?;
    let new_blocks = content::tree(&parsed, &format!("body.{kind}"))?;
    let removed_ids: Vec<String> = removed
        .iter()
        .map(|n| n.id.clone())
        .filter(|id| !synced.kept.contains(id))
        .collect();
    blocks::trash_all(&tx, &removed_ids, &ctx.bot).await?;
    synced.clear(&tx, &ctx.bot).await?;
    let place = match kept.checked_sub(1) {
        Some(last) => Place::After(&before.nodes[last].id),
        None => Place::Start,
    };
    let mut changed = blocks::insert(&tx, ("page_id", &id), &id, &new_blocks, place, ctx).await?;
    let mut elsewhere = synced.apply(&tx, ctx).await?;
    changed.extend(elsewhere.remove(&id).unwrap_or_default());
    changed.extend(removed_ids);
    let mut wake = if changed.is_empty() {
        false
    } else {
        blocks::content_updated(&tx, &id, &changed, &ctx.bot).await?
    };
    // An original on another page whose blocks a reference's edit replaced.
    for (page, added) in elsewhere {
        wake |= blocks::content_updated(&tx, &page, &added, &ctx.bot).await?;
    }
    let after = Rendered::load(&tx, ctx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(after.answer(&id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(texts: &[&str]) -> Rendered {
        Rendered {
            nodes: Vec::new(),
            texts: texts.iter().map(|t| (*t).to_owned()).collect(),
            unknown: Vec::new(),
        }
    }

    #[test]
    fn diff_keeps_whole_blocks_at_both_ends() {
        let page = rendered(&["# A", "b", "c"]);
        assert_eq!(page.diff("# A\nb\nc"), (3, 0, ""));
        assert_eq!(page.diff("# A\nB!\nc"), (1, 1, "B!"));
        assert_eq!(page.diff("new\n# A\nb\nc"), (0, 3, "new"));
        assert_eq!(page.diff("# A\nb\nc\nnew"), (3, 0, "new"));
        assert_eq!(page.diff("# A\nbc"), (1, 0, "bc"));
        assert_eq!(page.diff(""), (0, 0, ""));
        assert_eq!(rendered(&[]).diff("x"), (0, 0, "x"));
    }

    #[test]
    fn selections_span_from_start_to_end_text() {
        let text = "# Notes\nfirst\nsecond\nthird";
        assert_eq!(select(text, "first...second", "k", "a").unwrap(), (8, 20));
        assert_eq!(select(text, "third", "k", "a").unwrap(), (21, 26));
        assert!(select(text, "fourth", "k", "a").is_err());
    }
}
