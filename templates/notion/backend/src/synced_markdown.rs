//! Synced blocks in page markdown: loading the blocks a page's markdown shows (a duplicate
//! synced block shows its original's), and what a markdown edit does with the synced blocks
//! it names.
//!
//! `<synced_block url>` and `<synced_block_reference url>` parse (in [`crate::markdown`]) as
//! duplicates of the block named, carrying the blocks written inside them. Before the edit's
//! blocks are checked, [`resolve`] turns them into what they stand for:
//!
//! - `<synced_block url>` naming an original synced block the edit replaces keeps that block
//!   (same id, moved where the markdown puts it); its children stay when their markdown is
//!   unchanged and are replaced otherwise. Naming an original elsewhere makes a duplicate of
//!   it, as pasting a synced block does;
//! - `<synced_block_reference url>` is a duplicate of the original (keeping the id of a
//!   duplicate of it the edit replaces); when the blocks written inside differ from the
//!   original's, the original's children are replaced by them (Notion: "You can directly
//!   update the children of the synced block reference and it will update both").

use std::collections::{HashMap, HashSet};

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use serde_json::Value;

use crate::blocks::{self, Place};
use crate::content;
use crate::error::ApiResult;
use crate::markdown::{Node, Writer};
use crate::request::Ctx;

/// What [`assemble`] reads of each block, after `FROM blocks b`.
pub(crate) const NODE_COLUMNS: &str = "b.id, b.parent_id, b.type, b.content::text,
    b.type <> 'child_page' OR EXISTS (SELECT 1 FROM pages c WHERE c.id = b.id AND c.shared),
    CASE WHEN b.type = 'child_database' THEN (SELECT d.is_inline FROM databases d WHERE d.id = b.id) END,
    CASE WHEN b.type = 'child_database' THEN (SELECT d.icon->>'emoji' FROM databases d WHERE d.id = b.id) END";

/// Block rows (read with [`NODE_COLUMNS`]) as the tree of the blocks under `root`.
pub(crate) fn assemble(rows: Vec<Row>, root: &str) -> Vec<Node> {
    let mut by_parent: HashMap<String, Vec<Node>> = HashMap::new();
    for row in rows {
        let node = Node {
            id: row.get(0),
            kind: row.get(2),
            content: serde_json::from_str(row.get(3)).unwrap_or(Value::Null),
            shared: row.get(4),
            inline: row.get::<_, Option<bool>>(5).unwrap_or(false),
            icon: row.get(6),
            children: Vec::new(),
        };
        by_parent.entry(row.get(1)).or_default().push(node);
    }
    fn attach(nodes: &mut [Node], by_parent: &mut HashMap<String, Vec<Node>>) {
        for node in nodes {
            if let Some(mut children) = by_parent.remove(&node.id) {
                attach(&mut children, by_parent);
                node.children = children;
            }
        }
    }
    let mut top = by_parent.remove(root).unwrap_or_default();
    attach(&mut top, &mut by_parent);
    top
}

/// The blocks (not in the trash) under each of `originals`, wherever they are.
pub(crate) async fn shown(
    client: &impl GenericClient,
    originals: &[String],
) -> ApiResult<HashMap<String, Vec<Node>>> {
    let statement = client
        .prepare_cached(&format!(
            "WITH RECURSIVE below(id) AS (
                 SELECT id FROM blocks WHERE parent_id = ANY($1) AND NOT in_trash
                 UNION ALL
                 SELECT c.id FROM blocks c JOIN below ON c.parent_id = below.id WHERE NOT c.in_trash)
             SELECT {NODE_COLUMNS} FROM blocks b JOIN below USING (id) ORDER BY b.pos"
        ))
        .await?;
    let rows = client.query(&statement, &[&originals]).await?;
    Ok(originals
        .iter()
        .map(|original| (original.clone(), assemble(rows.clone(), original)))
        .collect())
}

/// The original a synced block node duplicates, if it is a duplicate.
fn original_of(node: &Node) -> Option<&str> {
    (node.kind == "synced_block")
        .then(|| node.content["synced_from"]["block_id"].as_str())
        .flatten()
}

/// The originals of the duplicate synced blocks among `nodes` (and below them).
pub(crate) fn references(nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        match original_of(node) {
            Some(original) => out.push(original.to_owned()),
            None => references(&node.children, out),
        }
    }
}

/// Gives each duplicate synced block among `nodes` its original's blocks from `shown`.
pub(crate) fn fill_references(nodes: &mut [Node], shown: &HashMap<String, Vec<Node>>) {
    for node in nodes {
        match original_of(node) {
            Some(original) => node.children = shown.get(original).cloned().unwrap_or_default(),
            None => fill_references(&mut node.children, shown),
        }
    }
}

/// What [`resolve`] found to do beyond inserting the edit's blocks.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    /// Existing blocks the edit keeps (out of the trash it would send them to).
    pub(crate) kept: HashSet<String>,
    /// Originals whose children are replaced: the original, the new children.
    replaced: Vec<(String, Vec<Value>)>,
}

/// The blocks the synced tags of an edit work on: the originals and duplicates among the
/// blocks it replaces, and what each original shows now.
struct Scope<'a> {
    originals: HashMap<&'a str, &'a Node>,
    duplicates: HashMap<&'a str, Vec<&'a str>>,
    base: &'a str,
    page: &'a str,
}

impl<'a> Scope<'a> {
    fn gather(&mut self, nodes: &'a [Node]) {
        for node in nodes {
            match original_of(node) {
                Some(original) => self.duplicates.entry(original).or_default().push(&node.id),
                None if node.kind == "synced_block" => {
                    self.originals.insert(&node.id, node);
                    self.gather(&node.children);
                }
                None => self.gather(&node.children),
            }
        }
    }

    /// The markdown of `nodes`, unindented.
    fn text(&self, nodes: &[Node]) -> String {
        let mut writer = Writer::new(self.base, self.page);
        writer.blocks(nodes, 0);
        writer.out
    }
}

/// Resolves the synced tags among `parsed` (an edit of page `page`, replacing `removed`;
/// `page_nodes` are the page's blocks as rendered): see the module's docs.
///
/// # Errors
///
/// Only the database's.
pub(crate) async fn resolve(
    client: &impl GenericClient,
    ctx: &Ctx,
    page: &str,
    page_nodes: &[Node],
    removed: &[Node],
    parsed: &mut [Value],
) -> ApiResult<Resolved> {
    let mut scope = Scope {
        originals: HashMap::new(),
        duplicates: HashMap::new(),
        base: ctx.base_url(),
        page,
    };
    scope.gather(removed);
    // What every original named shows now: from the page's own blocks where they are, else
    // read.
    let mut named = Vec::new();
    tags(parsed, &mut |tag| {
        if let Some(id) = tag["synced_block"]["synced_from"]["block_id"].as_str() {
            named.push(id.to_owned());
        }
    });
    let mut current: HashMap<String, String> = HashMap::new();
    let mut elsewhere = Vec::new();
    for id in named {
        match find_shown(page_nodes, &id) {
            Some(nodes) => {
                current.insert(id, scope.text(nodes));
            }
            None => elsewhere.push(id),
        }
    }
    if !elsewhere.is_empty() {
        for (id, nodes) in shown(client, &elsewhere).await? {
            current.insert(id, scope.text(&nodes));
        }
    }
    let mut resolved = Resolved::default();
    let mut updated = HashSet::new();
    tags(parsed, &mut |tag| {
        let Some(object) = tag.as_object_mut() else {
            return;
        };
        let original = object.remove("original") == Some(Value::Bool(true));
        let shown = object.remove("shown").unwrap_or_default();
        let markdown = object.remove("shown_markdown").unwrap_or_default();
        let Some(id) = object["synced_block"]["synced_from"]["block_id"]
            .as_str()
            .map(str::to_owned)
        else {
            return;
        };
        let unchanged = current.get(&id).map(String::as_str) == markdown.as_str();
        if original && scope.originals.contains_key(id.as_str()) && resolved.kept.insert(id.clone())
        {
            // The original itself, kept where the markdown puts it.
            let mut synced = serde_json::json!({ "synced_from": null });
            if !unchanged {
                synced["children"] = shown;
                resolved.replaced.push((id.clone(), Vec::new()));
            }
            object.insert("synced_block".into(), synced);
            object.insert("id".into(), id.clone().into());
            updated.insert(id);
            return;
        }
        if let Some(reused) = scope
            .duplicates
            .get_mut(id.as_str())
            .and_then(|ids| (!ids.is_empty()).then(|| ids.remove(0)))
        {
            resolved.kept.insert(reused.to_owned());
            object.insert("id".into(), reused.into());
        }
        if !unchanged
            && updated.insert(id.clone())
            && let Value::Array(children) = shown
        {
            resolved.replaced.push((id, children));
        }
    });
    Ok(resolved)
}

/// Calls `f` on every parsed synced tag naming a block (it has `shown_markdown`), at any depth.
fn tags(blocks: &mut [Value], f: &mut impl FnMut(&mut Value)) {
    for block in blocks {
        if block.get("shown_markdown").is_some() {
            f(block);
            continue;
        }
        let kind = block["type"].as_str().unwrap_or_default().to_owned();
        if let Some(children) = block[&kind]["children"].as_array_mut() {
            tags(children, f);
        }
    }
}

/// What the original `id` shows among `nodes`: its own children, or a duplicate's.
fn find_shown<'n>(nodes: &'n [Node], id: &str) -> Option<&'n [Node]> {
    nodes.iter().find_map(|node| {
        if node.id == id || original_of(node) == Some(id) {
            Some(node.children.as_slice())
        } else {
            find_shown(&node.children, id)
        }
    })
}

impl Resolved {
    /// Before the edit's blocks go in: the children of kept originals whose markdown
    /// changed go to the trash (the new ones come with the original).
    pub(crate) async fn clear(&self, tx: &Transaction<'_>, author: &str) -> ApiResult<()> {
        let kept: Vec<&String> = self
            .replaced
            .iter()
            .filter(|(_, children)| children.is_empty())
            .map(|(id, _)| id)
            .collect();
        trash_children(tx, &kept, author).await
    }

    /// After the edit's blocks are in (so the duplicates are checked): the originals whose
    /// duplicates were written with other blocks get those blocks instead of theirs.
    /// Answers the new blocks' ids, by the page they are on.
    pub(crate) async fn apply(
        &self,
        tx: &Transaction<'_>,
        ctx: &Ctx,
    ) -> ApiResult<HashMap<String, Vec<String>>> {
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for (original, children) in self.replaced.iter().filter(|(_, c)| !c.is_empty()) {
            let new = content::tree(children, "body.markdown")?;
            trash_children(tx, &[original], &ctx.bot).await?;
            let target = blocks::locate(tx, original, "block").await?;
            let added = blocks::insert(
                tx,
                ("block_id", original),
                &target.page_id,
                &new,
                Place::End,
                ctx,
            )
            .await?;
            ids.entry(target.page_id).or_default().extend(added);
        }
        Ok(ids)
    }
}

/// Moves the children of `parents` to the trash.
async fn trash_children(tx: &Transaction<'_>, parents: &[&String], author: &str) -> ApiResult<()> {
    if parents.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE blocks SET in_trash = true, last_edited_time = now(), last_edited_by = $2
         WHERE parent_id = ANY($1) AND NOT in_trash",
        &[&parents, &author],
    )
    .await?;
    Ok(())
}
