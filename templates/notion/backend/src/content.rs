//! Block shapes: a request's block (`{"type": "paragraph", "paragraph": {…, "children": […]}}`)
//! checked and normalised into its stored content, with its nested children split off.

use serde_json::{Map, Value, json};

use crate::error::{
    ApiError, ApiResult, MAX_BLOCKS, MAX_EXPRESSION, MAX_URL, array_at, at_most, invalid, member,
    object_at, undefined,
};
use crate::richtext;

/// Most blocks in one `children` array.
pub(crate) const MAX_CHILDREN: usize = 100;

/// Block types whose content is rich text (with a colour).
const TEXT_TYPES: [&str; 12] = [
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "heading_4",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "quote",
    "callout",
    "code",
];

/// Block types that hold a file or a link.
const MEDIA_TYPES: [&str; 7] = [
    "image", "file", "video", "pdf", "audio", "bookmark", "embed",
];

/// Every block type a request may create.
pub(crate) fn creatable(kind: &str) -> bool {
    TEXT_TYPES.contains(&kind)
        || MEDIA_TYPES.contains(&kind)
        || matches!(
            kind,
            "divider"
                | "table"
                | "table_row"
                | "equation"
                | "breadcrumb"
                | "table_of_contents"
                | "column_list"
                | "column"
                | "link_to_page"
                | "synced_block"
                | "tab"
        )
}

/// A block ready to store: its type, its content, its own children.
#[derive(Debug, Clone)]
pub(crate) struct NewBlock {
    /// The block type.
    pub(crate) kind: String,
    /// Its content as stored and answered.
    pub(crate) content: Value,
    /// Nested children.
    pub(crate) children: Vec<NewBlock>,
    /// The id of the block it is, when it is one that exists already (a synced block a
    /// markdown edit keeps); a new id otherwise.
    pub(crate) id: Option<String>,
}

/// Checks a `children` array at `path`; `depth` counts the levels left for nesting.
pub(crate) fn blocks(value: &Value, path: &str, depth: usize) -> ApiResult<Vec<NewBlock>> {
    array_at(value, path, MAX_CHILDREN)?
        .iter()
        .enumerate()
        .map(|(i, item)| block(item, &format!("{path}[{i}]"), depth))
        .collect()
}

/// Checks a request's `children` array at `path` as [`blocks`] does, and Notion's limit on
/// the block elements of one request ([`MAX_BLOCKS`], nested children counted).
///
/// # Errors
///
/// 400 `validation_error` for a block [`blocks`] refuses, or more than [`MAX_BLOCKS`] in
/// all (the wording is the clone's: Notion documents the limit, not its message).
pub(crate) fn request_blocks(value: &Value, path: &str, depth: usize) -> ApiResult<Vec<NewBlock>> {
    let checked = blocks(value, path, depth)?;
    let count = count(&checked);
    if count > MAX_BLOCKS {
        return Err(ApiError::validation(format!(
            "body failed validation: {path} holds {count} block elements counting their children, more than the {MAX_BLOCKS} one request may hold."
        )));
    }
    Ok(checked)
}

/// How many blocks `blocks` holds, their children's children included.
fn count(blocks: &[NewBlock]) -> usize {
    blocks.iter().map(|b| 1 + count(&b.children)).sum()
}

/// Checks blocks parsed from markdown ([`crate::markdown`]): any number at the top, nested
/// as deep as the markdown nests them (up to 64 levels). A parsed block carrying `id` (set
/// only by [`crate::page_markdown`] for a synced block it keeps) keeps that id.
pub(crate) fn tree(items: &[Value], path: &str) -> ApiResult<Vec<NewBlock>> {
    let mut out = items
        .iter()
        .enumerate()
        .map(|(i, item)| block(item, &format!("{path}[{i}]"), 64))
        .collect::<ApiResult<Vec<_>>>()?;
    keep_ids(items, &mut out);
    Ok(out)
}

/// Copies each parsed block's `id` onto the block checked from it.
fn keep_ids(items: &[Value], blocks: &mut [NewBlock]) {
    for (item, block) in items.iter().zip(blocks) {
        block.id = item["id"].as_str().map(str::to_owned);
        if let Some(children) = item[&block.kind]["children"].as_array() {
            keep_ids(children, &mut block.children);
        }
    }
}

fn block(value: &Value, path: &str, depth: usize) -> ApiResult<NewBlock> {
    let object = object_at(value, path)?;
    let kind = match object.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        Some(other) => return Err(invalid(&format!("{path}.type"), "a block type", other)),
        None => object
            .keys()
            .map(String::as_str)
            .find(|k| *k != "object" && *k != "type"),
    }
    .ok_or_else(|| invalid(path, "a block object", value))?;
    if !creatable(kind) {
        return Err(ApiError::validation(format!(
            "body failed validation: {path}.{kind} should be not present, instead was `{}`.",
            object.get(kind).unwrap_or(&Value::Null)
        )));
    }
    let given = object.get(kind).cloned().unwrap_or_else(|| json!({}));
    let mut given = match given {
        Value::Object(map) => map,
        other => return Err(invalid(&format!("{path}.{kind}"), "an object", &other)),
    };
    if kind == "column_list" && depth < 2 {
        return Err(ApiError::validation(format!(
            "body failed validation: {path}.column_list should be not present: a column list goes only among a request's top blocks."
        )));
    }
    let at = format!("{path}.{kind}.children");
    let children = match given.remove("children") {
        None | Some(Value::Null) => Vec::new(),
        Some(_) if depth == 0 => {
            return Err(ApiError::validation(format!(
                "body failed validation: {at} should be not present: blocks nest at most two levels in one request."
            )));
        }
        // A column list takes no level of its own: its columns' blocks nest as a
        // request's top blocks do.
        Some(children) if kind == "column_list" => blocks(&children, &at, depth)?,
        Some(children) => blocks(&children, &at, depth - 1)?,
    };
    let content = normalize(kind, &given, &format!("{path}.{kind}"))?;
    new_children(kind, &content, &children, &at)?;
    Ok(NewBlock {
        kind: kind.to_owned(),
        content,
        children,
        id: None,
    })
}

/// What Notion checks of a new block's `children` (at `path`): a table holds table rows;
/// a column list is created with two columns or more, a column with a block or more; a tab
/// with one paragraph or more (its items: the title, an icon, the item's blocks); a
/// duplicate synced block holds none of its own (it shows its original's).
fn new_children(kind: &str, content: &Value, children: &[NewBlock], path: &str) -> ApiResult<()> {
    let count = json!(children.len());
    match kind {
        "table" if children.iter().any(|c| c.kind != "table_row") => {
            Err(invalid(path, "table_row blocks", &Value::Null))
        }
        "table"
            if children
                .iter()
                .any(|row| cells(row) != content["table_width"]) =>
        {
            Err(ApiError::validation(
                "Number of cells in table row must match the table width of the parent table.",
            ))
        }
        "column_list" if children.len() < 2 => Err(invalid(path, "at least 2 columns", &count)),
        "column" if children.is_empty() => Err(invalid(path, "at least 1 block", &count)),
        "tab" if children.is_empty() => Err(invalid(path, "at least 1 tab item", &count)),
        "tab" => match children.iter().position(|c| c.kind != "paragraph") {
            Some(i) => Err(invalid(
                &format!("{path}[{i}].type"),
                "`paragraph` (a tab's items are paragraphs)",
                &json!(children[i].kind),
            )),
            None => Ok(()),
        },
        "synced_block" if !content["synced_from"].is_null() && !children.is_empty() => {
            Err(ApiError::validation(format!(
                "body failed validation: {path} should be not present: a duplicate synced block shows its original's children."
            )))
        }
        _ => fits_under(kind, children, path),
    }
}

/// How many cells a table row holds.
fn cells(row: &NewBlock) -> Value {
    json!(row.content["cells"].as_array().map_or(0, Vec::len))
}

/// Checks that `blocks` (at `path`) may go under a `parent` block (`page` for a page's own
/// blocks): a column list holds only columns, and columns go nowhere else.
///
/// # Errors
///
/// 400 `validation_error` naming the first block out of place.
pub(crate) fn fits_under(parent: &str, blocks: &[NewBlock], path: &str) -> ApiResult<()> {
    let in_columns = parent == "column_list";
    match blocks
        .iter()
        .position(|b| (b.kind == "column") != in_columns)
    {
        Some(i) if in_columns => Err(invalid(
            &format!("{path}[{i}].type"),
            "`column` (a column list holds only columns)",
            &json!(blocks[i].kind),
        )),
        Some(i) => Err(invalid(
            &format!("{path}[{i}].type"),
            "not `column` (a column goes only in a column list)",
            &json!("column"),
        )),
        None => Ok(()),
    }
}

/// The languages a code block may be in: Notion's enum (its API reference's, the SDK's
/// `LanguageRequest`), in its order.
pub(crate) const LANGUAGES: [&str; 90] = [
    "abap",
    "abc",
    "agda",
    "arduino",
    "ascii art",
    "assembly",
    "bash",
    "basic",
    "bnf",
    "c",
    "c#",
    "c++",
    "clojure",
    "coffeescript",
    "coq",
    "css",
    "dart",
    "dhall",
    "diff",
    "docker",
    "ebnf",
    "elixir",
    "elm",
    "erlang",
    "f#",
    "flow",
    "fortran",
    "gherkin",
    "glsl",
    "go",
    "graphql",
    "groovy",
    "haskell",
    "hcl",
    "html",
    "idris",
    "java",
    "javascript",
    "json",
    "julia",
    "kotlin",
    "latex",
    "less",
    "lisp",
    "livescript",
    "llvm ir",
    "lua",
    "makefile",
    "markdown",
    "markup",
    "matlab",
    "mathematica",
    "mermaid",
    "nix",
    "notion formula",
    "objective-c",
    "ocaml",
    "pascal",
    "perl",
    "php",
    "plain text",
    "powershell",
    "prolog",
    "protobuf",
    "purescript",
    "python",
    "r",
    "racket",
    "reason",
    "ruby",
    "rust",
    "sass",
    "scala",
    "scheme",
    "scss",
    "shell",
    "smalltalk",
    "solidity",
    "sql",
    "swift",
    "toml",
    "typescript",
    "vb.net",
    "verilog",
    "vhdl",
    "visual basic",
    "webassembly",
    "xml",
    "yaml",
    "java/c/c++/c#",
];

/// Whether `language` is one of Notion's code block [`LANGUAGES`].
pub(crate) fn is_language(language: &str) -> bool {
    LANGUAGES.contains(&language)
}

/// A block's content, normalised (also used on a stored content overlaid with an update).
pub(crate) fn normalize(kind: &str, given: &Map<String, Value>, path: &str) -> ApiResult<Value> {
    let mut out = Map::new();
    if TEXT_TYPES.contains(&kind) {
        let rich = given
            .get("rich_text")
            .ok_or_else(|| undefined(&format!("{path}.rich_text")))?;
        out.insert(
            "rich_text".into(),
            richtext::normalize(rich, &format!("{path}.rich_text"))?,
        );
        if kind != "code" {
            out.insert("color".into(), color(given.get("color"), path)?);
        }
        match kind {
            "to_do" => {
                let checked = given.get("checked").map_or(Ok(false), |c| {
                    c.as_bool()
                        .ok_or_else(|| invalid(&format!("{path}.checked"), "a boolean", c))
                })?;
                out.insert("checked".into(), checked.into());
            }
            "heading_1" | "heading_2" | "heading_3" | "heading_4" => {
                let toggle = given.get("is_toggleable").map_or(Ok(false), |t| {
                    t.as_bool()
                        .ok_or_else(|| invalid(&format!("{path}.is_toggleable"), "a boolean", t))
                })?;
                out.insert("is_toggleable".into(), toggle.into());
            }
            "paragraph" => {
                // A tab item's icon; other paragraphs may carry one too.
                if let Some(icon) = given.get("icon").filter(|i| !i.is_null()) {
                    object_at(icon, &format!("{path}.icon"))?;
                    out.insert("icon".into(), icon.clone());
                }
            }
            "callout" => {
                let icon = match given.get("icon") {
                    Some(Value::Object(icon)) if icon.contains_key("emoji") => {
                        let emoji = &icon["emoji"];
                        if !emoji.as_str().is_some_and(is_emoji) {
                            return Err(invalid(&format!("{path}.icon.emoji"), "an emoji", emoji));
                        }
                        Value::Object(icon.clone())
                    }
                    Some(icon) => icon.clone(),
                    None => json!({ "type": "emoji", "emoji": "💡" }),
                };
                out.insert("icon".into(), icon);
            }
            "code" => {
                // Required on create (a stored block always holds one, so an update may
                // leave it out); Notion has no default.
                let language = match given.get("language") {
                    None => return Err(undefined(&format!("{path}.language"))),
                    Some(Value::String(language)) if is_language(language) => language.as_str(),
                    Some(other) => {
                        let one_of: Vec<String> =
                            LANGUAGES.iter().map(|l| format!("`\"{l}\"`")).collect();
                        return Err(invalid(
                            &format!("{path}.language"),
                            &one_of.join(", "),
                            other,
                        ));
                    }
                };
                out.insert("caption".into(), caption(given.get("caption"), path)?);
                out.insert("language".into(), language.into());
            }
            _ => {}
        }
        return Ok(Value::Object(out));
    }
    match kind {
        "bookmark" | "embed" => {
            let url = member(given, "url", path, "a non-empty string", |url| {
                url.as_str().filter(|u| !u.is_empty())
            })?;
            at_most(url, &format!("{path}.url"), MAX_URL)?;
            out.insert("caption".into(), caption(given.get("caption"), path)?);
            out.insert("url".into(), url.into());
        }
        "image" | "file" | "video" | "pdf" | "audio" => {
            let source = file_object(given, path)?;
            out.insert("caption".into(), caption(given.get("caption"), path)?);
            if kind == "file" {
                // An upload's name is its file's, known once it is attached.
                let name = given.get("name").and_then(Value::as_str).map_or_else(
                    || match source.get("external") {
                        Some(external) => {
                            let url = external["url"].as_str().unwrap_or_default();
                            url.rsplit('/').next().unwrap_or(url).into()
                        }
                        None => Value::Null,
                    },
                    Value::from,
                );
                out.insert("name".into(), name);
            }
            out.extend(source);
        }
        "table" => {
            let width = member(given, "table_width", path, "a positive integer", |width| {
                width.as_u64().filter(|w| (1..=100).contains(w))
            })?;
            out.insert("table_width".into(), width.into());
            for flag in ["has_column_header", "has_row_header"] {
                out.insert(
                    flag.into(),
                    given
                        .get(flag)
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                        .into(),
                );
            }
        }
        "table_row" => {
            let cells = member(given, "cells", path, "an array", Value::as_array)?;
            let cells = cells
                .iter()
                .enumerate()
                .map(|(i, cell)| richtext::normalize(cell, &format!("{path}.cells[{i}]")))
                .collect::<ApiResult<Vec<_>>>()?;
            out.insert("cells".into(), Value::Array(cells));
        }
        "equation" => {
            let expression = given
                .get("expression")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(&format!("{path}.expression"), "a string", &Value::Null))?;
            at_most(expression, &format!("{path}.expression"), MAX_EXPRESSION)?;
            out.insert("expression".into(), expression.into());
        }
        "breadcrumb" | "divider" | "column_list" | "tab" => {}
        "column" => {
            if let Some(ratio) = given.get("width_ratio").filter(|r| !r.is_null()) {
                let ratio = ratio
                    .as_f64()
                    .filter(|r| *r > 0.0 && *r <= 1.0)
                    .ok_or_else(|| {
                        invalid(&format!("{path}.width_ratio"), "a number in (0, 1]", ratio)
                    })?;
                out.insert("width_ratio".into(), ratio.into());
            }
        }
        "link_to_page" => {
            let named = given.get("type").and_then(Value::as_str);
            let kind = named
                .or_else(|| LINK_TARGETS.into_iter().find(|t| given.contains_key(*t)))
                .filter(|t| LINK_TARGETS.contains(t))
                .ok_or_else(|| {
                    invalid(
                        &format!("{path}.page_id"),
                        "defined",
                        given.get("type").unwrap_or(&Value::Null),
                    )
                })?;
            let id = crate::request::body_id(&format!("{path}.{kind}"), given.get(kind))?;
            out.insert("type".into(), kind.into());
            out.insert(kind.into(), id.into());
        }
        "synced_block" => {
            let from = match given.get("synced_from") {
                None | Some(Value::Null) => Value::Null,
                Some(from) => {
                    let id = crate::request::body_id(
                        &format!("{path}.synced_from.block_id"),
                        from.get("block_id"),
                    )?;
                    json!({ "type": "block_id", "block_id": id })
                }
            };
            out.insert("synced_from".into(), from);
        }
        "table_of_contents" => {
            out.insert("color".into(), color(given.get("color"), path)?);
        }
        "child_page" | "child_database" => {
            out.insert(
                "title".into(),
                given.get("title").cloned().unwrap_or_else(|| "".into()),
            );
        }
        other => return Err(invalid(path, "a known block type", &json!(other))),
    }
    Ok(Value::Object(out))
}

/// What a `link_to_page` block may point at.
const LINK_TARGETS: [&str; 3] = ["page_id", "database_id", "comment_id"];

/// The file objects a request may give: an external URL, a file upload (attached by
/// [`crate::uploads::attach`] before it is stored), or a Notion-hosted file as answered.
const FILE_SOURCES: [&str; 3] = ["file_upload", "external", "file"];

/// Checks an `icon` or `cover` value (`null` clears it): an emoji (icons), an external
/// file or a file upload (attached with the page's other uploads by [`attach_uploads`]).
pub(crate) fn decoration(value: &Value, field: &str) -> ApiResult<Option<Value>> {
    let fail = || {
        ApiError::validation(format!(
            "body failed validation: body.{field} should be an emoji or an external file, instead was `{value}`."
        ))
    };
    match value {
        Value::Null => Ok(None),
        Value::Object(object) => {
            if let (Some(emoji), "icon") = (object.get("emoji"), field) {
                return match emoji.as_str().filter(|e| is_emoji(e)) {
                    Some(emoji) => Ok(Some(json!({ "type": "emoji", "emoji": emoji }))),
                    None => Err(invalid("body.icon.emoji", "an emoji", emoji)),
                };
            }
            if !["external", "file_upload", "file"]
                .iter()
                .any(|k| object.contains_key(*k))
            {
                return Err(fail());
            }
            Ok(Some(Value::Object(file_object(
                object,
                &format!("body.{field}"),
            )?)))
        }
        _ => Err(fail()),
    }
}

/// Whether `text` reads as one emoji (Notion takes its own list of them): at most 16
/// characters, none of them an ASCII letter, space or control character (keycaps such as
/// `1️⃣` start with a digit).
pub(crate) fn is_emoji(text: &str) -> bool {
    let count = text.chars().count();
    (1..=16).contains(&count)
        && !text
            .chars()
            .any(|c| c.is_ascii_alphabetic() || c.is_whitespace() || c.is_control())
}

/// The file object in `given` (the body value at `path`: a media block's content, an icon,
/// a cover, a `files` item) as `{type, <type>: …}`: `external` (an http(s) URL),
/// `file_upload` (an id) or `file` (kept as answered). `type` picks one when several are
/// present (a block's update overlaid on its stored content).
pub(crate) fn file_object(given: &Map<String, Value>, path: &str) -> ApiResult<Map<String, Value>> {
    let named = given
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| FILE_SOURCES.contains(t) && given.contains_key(*t));
    let kind = named
        .or_else(|| FILE_SOURCES.into_iter().find(|t| given.contains_key(*t)))
        .unwrap_or("external");
    let value = match kind {
        "file_upload" => {
            let id = crate::request::body_id(
                &format!("{path}.file_upload.id"),
                given.get("file_upload").and_then(|f| f.get("id")),
            )?;
            json!({ "id": id })
        }
        "file" => {
            let file = given.get("file").unwrap_or(&Value::Null);
            member(
                object_at(file, &format!("{path}.file"))?,
                "url",
                &format!("{path}.file"),
                "a string",
                Value::as_str,
            )?;
            file.clone()
        }
        _ => {
            let url = given
                .get("external")
                .and_then(|e| e.get("url"))
                .and_then(Value::as_str)
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .ok_or_else(|| {
                    invalid(
                        &format!("{path}.external.url"),
                        "an http(s) URL",
                        &Value::Null,
                    )
                })?;
            at_most(url, &format!("{path}.external.url"), MAX_URL)?;
            json!({ "url": url })
        }
    };
    let mut out = Map::new();
    out.insert("type".into(), kind.into());
    out.insert(kind.into(), value);
    Ok(out)
}

/// A block update `given` for a media block names a new file source: the stored one goes.
pub(crate) fn replace_source(stored: &mut Map<String, Value>, given: &Map<String, Value>) {
    if FILE_SOURCES.iter().any(|t| given.contains_key(*t)) {
        for key in FILE_SOURCES.iter().chain(&["type"]) {
            stored.remove(*key);
        }
    }
}

/// Whether blocks of `kind` hold a file object (which may be a file upload to attach).
pub(crate) fn holds_file(kind: &str) -> bool {
    matches!(kind, "image" | "file" | "video" | "pdf" | "audio")
}

fn color(value: Option<&Value>, path: &str) -> ApiResult<Value> {
    match value {
        None | Some(Value::Null) => Ok("default".into()),
        Some(Value::String(c)) if richtext::is_color(c) => Ok(c.clone().into()),
        Some(other) => Err(invalid(&format!("{path}.color"), "a color", other)),
    }
}

fn caption(value: Option<&Value>, path: &str) -> ApiResult<Value> {
    match value {
        None | Some(Value::Null) => Ok(json!([])),
        Some(caption) => richtext::normalize(caption, &format!("{path}.caption")),
    }
}

/// The plain text of a block.
#[cfg(test)]
fn plain(content: &Value) -> String {
    richtext::plain(&content["rich_text"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_nest_two_levels() {
        let two = json!([{ "toggle": { "rich_text": [], "children": [
            { "paragraph": { "rich_text": [], "children": [{ "divider": {} }] } }
        ] } }]);
        assert_eq!(
            blocks(&two, "body.children", 2).unwrap()[0].children[0]
                .children
                .len(),
            1
        );
        assert!(blocks(&two, "body.children", 1).is_err());
        let too_many = Value::Array(vec![json!({ "divider": {} }); 101]);
        assert!(blocks(&too_many, "body.children", 2).is_err());
        assert!(blocks(&json!([{ "child_page": { "title": "x" } }]), "c", 2).is_err());
        let todo = &blocks(&json!([{ "type": "to_do", "to_do": { "rich_text": [{ "text": { "content": "x" } }] } }]), "c", 2).unwrap()[0];
        assert_eq!(todo.content["checked"], false);
        assert_eq!(plain(&todo.content), "x");
    }

    #[test]
    fn columns_hold_blocks_and_take_no_level() {
        let column = |children: Value| json!({ "column": { "children": children } });
        let deep = json!([{ "toggle": { "rich_text": [], "children": [{ "divider": {} }] } }]);
        let two = json!([{ "column_list": { "children": [column(deep.clone()), column(deep)] } }]);
        let list = &blocks(&two, "body.children", 2).unwrap()[0];
        assert_eq!(list.children[1].children[0].children[0].kind, "divider");
        let one = json!([{ "column_list": { "children": [column(json!([{ "divider": {} }]))] } }]);
        let empty =
            json!([{ "column_list": { "children": [column(json!([])), column(json!([]))] } }]);
        let stray = json!([{ "toggle": { "rich_text": [], "children": [column(json!([{ "divider": {} }]))] } }]);
        let nested = json!([{ "toggle": { "rich_text": [], "children": two } }]);
        for refused in [one, empty, stray, nested] {
            assert!(blocks(&refused, "body.children", 2).is_err(), "{refused}");
        }
        let ratio = json!([{ "column": { "width_ratio": 0.25, "children": [{ "divider": {} }] } }]);
        assert_eq!(
            blocks(&ratio, "c", 2).unwrap()[0].content["width_ratio"],
            0.25
        );
        let wide = json!([{ "column": { "width_ratio": 2, "children": [{ "divider": {} }] } }]);
        assert!(blocks(&wide, "c", 2).is_err());
    }
}
