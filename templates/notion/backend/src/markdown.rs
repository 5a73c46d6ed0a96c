//! Notion-flavored (enhanced) markdown: stored blocks rendered as markdown (here), and
//! markdown parsed into request blocks (`parse`; inline rich text: `inline`) that
//! [`crate::content`] then checks like any other. Pure: no database.
//!
//! Rendered as Notion's enhanced markdown reference writes them: paragraphs
//! (`<empty-block/>` when empty), headings 1–4 (`{toggle="true"}`), bulleted / numbered
//! list items, to-dos, quotes, toggles (`<details>`), callouts (`::: callout {…}` … `:::`), code,
//! dividers, equations, tables, images (`![caption](url)`), files, videos, audio and PDFs
//! (`<file src="…">caption</file>`), tables of contents, child pages (`<page url>`) and
//! databases (`<database url>`), column lists (`<columns>` of `<column>`s), synced blocks
//! (`<synced_block url>`, a duplicate `<synced_block_reference url>` naming its original);
//! block colours as `{color="…"}`. Rich text: bold, italic,
//! strikethrough, underline and colour spans, inline code, links, inline equations, `<br>`,
//! user / page / database / date mentions. Bookmarks, embeds and breadcrumbs are
//! `<unknown url="…" alt="type"/>`, as Notion renders them; a child page not shared with
//! the integration is `<unknown …/>` and its id is reported (`unknown_block_ids`).
//!
//! Parsed: the same (headings 5 and 6 as heading 4, as Notion documents; callouts also in
//! the older `<callout>` tag form), except references (`<page>`, `<database>`,
//! `<unknown>`) and what the clone does not store (`<meeting-notes>`), which are refused
//! naming the construct. Media parse as external files. Synced blocks that name a block by
//! `url` parse as duplicates of it carrying what is written inside, for
//! [`crate::synced_markdown`] to resolve.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

mod inline;
mod parse;

pub(crate) use inline::inline;
pub(crate) use parse::parse;

/// One stored block and its children, as loaded for rendering.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The block's id.
    pub(crate) id: String,
    /// Its type.
    pub(crate) kind: String,
    /// Its stored content.
    pub(crate) content: Value,
    /// For a child page: whether the page is shared with the integration.
    pub(crate) shared: bool,
    /// For a child database: whether it is inline.
    pub(crate) inline: bool,
    /// For a child database: its emoji icon, if it has one.
    pub(crate) icon: Option<String>,
    /// Its children, in order.
    pub(crate) children: Vec<Node>,
}

/// Where rendered markdown goes, with what it could not show.
#[derive(Debug)]
pub(crate) struct Writer<'a> {
    /// The text so far.
    pub(crate) out: String,
    /// Ids of blocks shown as `<unknown>` because the integration cannot read them.
    pub(crate) unknown: Vec<String>,
    /// The clone's base URL (for `url` attributes).
    base: &'a str,
    /// The page being rendered (for `<unknown>` URLs).
    page: &'a str,
}

impl<'a> Writer<'a> {
    /// An empty writer for page `page`.
    pub(crate) fn new(base: &'a str, page: &'a str) -> Self {
        Self {
            out: String::new(),
            unknown: Vec::new(),
            base,
            page,
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.extend(std::iter::repeat_n('\t', depth));
        self.out.push_str(text);
    }

    fn url(&self, id: &str) -> String {
        format!("{}/{}", self.base, id.replace('-', ""))
    }

    fn unknown(&mut self, depth: usize, node: &Node) {
        let url = format!(
            "{}/{}#{}",
            self.base,
            self.page.replace('-', ""),
            node.id.replace('-', "")
        );
        self.line(
            depth,
            &format!("<unknown url=\"{url}\" alt=\"{}\"/>", node.kind),
        );
    }

    /// Renders `nodes` (siblings) at `depth`.
    pub(crate) fn blocks(&mut self, nodes: &[Node], depth: usize) {
        let mut number = 0;
        for node in nodes {
            number = number_of(node, number);
            self.block(node, depth, number);
        }
    }

    /// Renders `node` at `depth`; `number` is its place in a numbered list.
    pub(crate) fn block(&mut self, node: &Node, depth: usize, number: usize) {
        let c = &node.content;
        let rich = || rich_text(&c["rich_text"], self.base);
        let attrs = block_attrs(c);
        let children = &node.children;
        match node.kind.as_str() {
            "paragraph" if rich().is_empty() && children.is_empty() && attrs.is_empty() => {
                self.line(depth, "<empty-block/>");
            }
            "paragraph" => self.line(depth, &format!("{}{attrs}", rich())),
            "heading_1" | "heading_2" | "heading_3" | "heading_4" => {
                let level = usize::from(node.kind.as_bytes()[8] - b'0');
                self.line(depth, &format!("{} {}{attrs}", "#".repeat(level), rich()));
            }
            "bulleted_list_item" => self.line(depth, &format!("- {}{attrs}", rich())),
            "numbered_list_item" => self.line(depth, &format!("{number}. {}{attrs}", rich())),
            "to_do" => {
                let mark = if c["checked"] == true { "x" } else { " " };
                self.line(depth, &format!("- [{mark}] {}{attrs}", rich()));
            }
            "quote" => self.line(depth, &format!("> {}{attrs}", rich())),
            "toggle" => {
                self.line(depth, &format!("<details{}>", color_attr(c)));
                self.line(depth, &format!("<summary>{}</summary>", rich()));
                self.blocks(children, depth + 1);
                self.line(depth, "</details>");
                return;
            }
            "callout" => {
                // A Pandoc-style fenced div, its text and children at the fence's depth.
                let icon = match c["icon"]["type"].as_str() {
                    Some(kind) if kind != "emoji" => c["icon"][kind]["url"].as_str(),
                    _ => c["icon"]["emoji"].as_str(),
                };
                let mut attrs: Vec<String> = icon
                    .map(|i| format!("icon=\"{}\"", attr_escape(i)))
                    .into_iter()
                    .collect();
                attrs.extend(markdown_color(c).map(|color| format!("color=\"{color}\"")));
                let fence = if attrs.is_empty() {
                    "::: callout".to_owned()
                } else {
                    format!("::: callout {{{}}}", attrs.join(" "))
                };
                self.line(depth, &fence);
                let text = rich();
                if !text.is_empty() {
                    self.line(depth, &text);
                } else if !children.is_empty() {
                    self.line(depth, "<empty-block/>");
                }
                self.blocks(children, depth);
                self.line(depth, ":::");
                return;
            }
            "code" => {
                let language = c["language"].as_str().unwrap_or("plain text");
                self.line(depth, &format!("```{language}"));
                for line in plain(&c["rich_text"]).split('\n') {
                    self.line(depth, line);
                }
                self.line(depth, "```");
            }
            "divider" => self.line(depth, "---"),
            "equation" => {
                self.line(depth, "$$");
                self.line(depth, c["expression"].as_str().unwrap_or_default());
                self.line(depth, "$$");
            }
            "table" => {
                let mut head = String::from("<table");
                for (flag, name) in [
                    ("has_column_header", "header-row"),
                    ("has_row_header", "header-column"),
                ] {
                    if c[flag] == true {
                        head.push_str(&format!(" {name}=\"true\""));
                    }
                }
                head.push('>');
                self.line(depth, &head);
                for row in children {
                    self.line(depth + 1, "<tr>");
                    for cell in row.content["cells"].as_array().into_iter().flatten() {
                        self.line(
                            depth + 2,
                            &format!("<td>{}</td>", rich_text(cell, self.base)),
                        );
                    }
                    self.line(depth + 1, "</tr>");
                }
                self.line(depth, "</table>");
                return;
            }
            "image" | "file" | "video" | "audio" | "pdf" => {
                let source = c["type"].as_str().unwrap_or("external");
                let url = c[source]["url"].as_str().unwrap_or_default();
                let caption = rich_text(&c["caption"], self.base);
                let text = if node.kind == "image" {
                    format!("![{caption}]({url})")
                } else {
                    format!(
                        "<{kind} src=\"{}\">{caption}</{kind}>",
                        attr_escape(url),
                        kind = node.kind
                    )
                };
                self.line(depth, &text);
            }
            "table_of_contents" => {
                self.line(depth, &format!("<table_of_contents{}/>", color_attr(c)));
            }
            "column_list" | "column" => {
                let tag = if node.kind == "column" {
                    "column"
                } else {
                    "columns"
                };
                self.line(depth, &format!("<{tag}>"));
                self.blocks(children, depth + 1);
                self.line(depth, &format!("</{tag}>"));
                return;
            }
            "synced_block" => {
                // A duplicate names its original, whose blocks it was given as children.
                let (tag, id) = match c["synced_from"]["block_id"].as_str() {
                    Some(original) => ("synced_block_reference", original),
                    None => ("synced_block", node.id.as_str()),
                };
                self.line(depth, &format!("<{tag} url=\"{}\">", self.url(id)));
                self.blocks(children, depth + 1);
                self.line(depth, &format!("</{tag}>"));
                return;
            }
            "child_page" if node.shared => {
                let title = escape(c["title"].as_str().unwrap_or_default());
                let url = self.url(&node.id);
                self.line(depth, &format!("<page url=\"{url}\">{title}</page>"));
                return;
            }
            "child_page" => {
                self.unknown(depth, node);
                self.unknown.push(node.id.clone());
                return;
            }
            "child_database" => {
                let title = escape(c["title"].as_str().unwrap_or_default());
                let url = self.url(&node.id);
                let icon = node
                    .icon
                    .as_deref()
                    .map_or_else(String::new, |i| format!(" icon=\"{}\"", attr_escape(i)));
                self.line(
                    depth,
                    &format!(
                        "<database url=\"{url}\" inline=\"{}\"{icon}>{title}</database>",
                        node.inline
                    ),
                );
                return;
            }
            _ => {
                self.unknown(depth, node);
                return;
            }
        }
        self.blocks(children, depth + 1);
    }
}

/// The number of `node` in a numbered list after a sibling numbered `previous` (0 when
/// it is not a numbered list item).
pub(crate) fn number_of(node: &Node, previous: usize) -> usize {
    if node.kind == "numbered_list_item" {
        previous + 1
    } else {
        0
    }
}

/// `{color="…"}` (and `toggle="true"` for a toggleable heading), or nothing.
fn block_attrs(content: &Value) -> String {
    let mut attrs = Vec::new();
    if content["is_toggleable"] == true {
        attrs.push("toggle=\"true\"".to_owned());
    }
    if let Some(color) = markdown_color(content) {
        attrs.push(format!("color=\"{color}\""));
    }
    if attrs.is_empty() {
        String::new()
    } else {
        format!(" {{{}}}", attrs.join(" "))
    }
}

/// ` color="…"` inside a tag, or nothing.
fn color_attr(content: &Value) -> String {
    markdown_color(content).map_or_else(String::new, |c| format!(" color=\"{c}\""))
}

/// A block's colour as markdown names it (`blue_bg` for `blue_background`), unless default.
fn markdown_color(content: &Value) -> Option<String> {
    content["color"]
        .as_str()
        .filter(|c| *c != "default")
        .map(|c| c.replace("_background", "_bg"))
}

/// The characters escaped outside code.
const SPECIAL: &[char] = &[
    '\\', '*', '~', '`', '$', '[', ']', '<', '>', '{', '}', '|', '^',
];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("<br>"),
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn attr_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;")
}

/// The plain text of a stored rich-text array.
fn plain(value: &Value) -> String {
    crate::richtext::plain(value)
}

/// A stored rich-text array as inline markdown.
pub(crate) fn rich_text(value: &Value, base: &str) -> String {
    let mut out = String::new();
    for item in value.as_array().into_iter().flatten() {
        let a = &item["annotations"];
        let mut text = match item["type"].as_str() {
            Some("text") if a["code"] == true => {
                format!("`{}`", item["text"]["content"].as_str().unwrap_or_default())
            }
            Some("text") => {
                let content = escape(item["text"]["content"].as_str().unwrap_or_default());
                match item["text"]["link"]["url"].as_str() {
                    Some(url) => format!("[{content}]({url})"),
                    None => content,
                }
            }
            Some("equation") => {
                // `$`…`$` when the expression holds what would end `$…$` early.
                let expression = item["equation"]["expression"].as_str().unwrap_or_default();
                if expression.contains('$') {
                    format!("$`{expression}`$")
                } else {
                    format!("${expression}$")
                }
            }
            Some("mention") => mention(item, base),
            _ => continue,
        };
        for (flag, mark) in [("bold", "**"), ("italic", "*"), ("strikethrough", "~~")] {
            if a[flag] == true {
                text = format!("{mark}{text}{mark}");
            }
        }
        if a["underline"] == true {
            text = format!("<span underline=\"true\">{text}</span>");
        }
        if let Some(color) = markdown_color(a) {
            text = format!("<span color=\"{color}\">{text}</span>");
        }
        out.push_str(&text);
    }
    out
}

fn mention(item: &Value, base: &str) -> String {
    let m = &item["mention"];
    let name = escape(
        item["plain_text"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('@'),
    );
    match m["type"].as_str() {
        Some("user") => format!(
            "<mention-user url=\"user://{}\">{name}</mention-user>",
            m["user"]["id"].as_str().unwrap_or_default()
        ),
        Some(kind @ ("page" | "database")) => format!(
            "<mention-{kind} url=\"{base}/{}\">{name}</mention-{kind}>",
            m[kind]["id"].as_str().unwrap_or_default().replace('-', "")
        ),
        Some("date") => date_tag(&m["date"]),
        _ => name,
    }
}

/// A date mention as `<mention-date start="YYYY-MM-DD" …/>`: a date with a time zone is
/// split into `start` / `startTime` (`end` / `endTime`) and `timeZone`, as Notion documents;
/// other dates keep their ISO text.
fn date_tag(date: &Value) -> String {
    let zone = date["time_zone"].as_str();
    let mut tag = String::from("<mention-date");
    for (key, time_key) in [("start", "startTime"), ("end", "endTime")] {
        let Some(value) = date[key].as_str() else {
            continue;
        };
        let split = value
            .split_once('T')
            .and_then(|(day, time)| Some((day, time.get(..5)?)));
        match (zone, split) {
            (Some(_), Some((day, time))) => {
                tag.push_str(&format!(" {key}=\"{day}\" {time_key}=\"{time}\""));
            }
            _ => tag.push_str(&format!(" {key}=\"{}\"", attr_escape(value))),
        }
    }
    if let Some(zone) = zone {
        tag.push_str(&format!(" timeZone=\"{}\"", attr_escape(zone)));
    }
    tag.push_str("/>");
    tag
}

/// Checks a `markdown_version` (at `path`): enhanced markdown (`v1`, the default) is what
/// the clone reads and writes; Notion-flavored Markdown `v2` is refused by name.
pub(crate) fn version(given: Option<&Value>, path: &str) -> ApiResult<()> {
    match given {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(v)) if v == "v1" => Ok(()),
        Some(Value::String(v)) if v == "v2" => Err(ApiError::validation(format!(
            "{place} failed validation: {path} `v2` (Notion-flavored Markdown) is not supported by this clone: it reads and writes enhanced markdown (`v1`).",
            place = path.split('.').next().unwrap_or(path)
        ))),
        Some(other) => Err(crate::error::invalid(path, "`v1` or `v2`", other)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(kind: &str, content: Value, children: Vec<Node>) -> Node {
        Node {
            id: "b0000000-0000-4000-8000-000000000001".into(),
            kind: kind.into(),
            content,
            shared: true,
            inline: false,
            icon: None,
            children,
        }
    }

    fn stored(text: &str) -> Value {
        crate::richtext::normalize(&inline(text).unwrap(), "t").unwrap()
    }

    #[test]
    fn blocks_render_as_notion_markdown() {
        let nodes = vec![
            node(
                "heading_1",
                json!({ "rich_text": stored("Title"), "color": "blue" }),
                vec![],
            ),
            node(
                "toggle",
                json!({ "rich_text": stored("More"), "color": "default" }),
                vec![node(
                    "paragraph",
                    json!({ "rich_text": stored("**in** it"), "color": "default" }),
                    vec![],
                )],
            ),
            node(
                "to_do",
                json!({ "rich_text": stored("Done"), "checked": true, "color": "default" }),
                vec![],
            ),
            node(
                "numbered_list_item",
                json!({ "rich_text": stored("a"), "color": "default" }),
                vec![],
            ),
            node(
                "numbered_list_item",
                json!({ "rich_text": stored("b"), "color": "default" }),
                vec![],
            ),
            node(
                "code",
                json!({ "rich_text": stored("x = 1\ny = 2"), "language": "python" }),
                vec![],
            ),
            node("divider", json!({}), vec![]),
            node("bookmark", json!({ "url": "https://x" }), vec![]),
        ];
        let mut writer = Writer::new("http://c", "p");
        writer.blocks(&nodes, 0);
        assert_eq!(
            writer.out,
            "# Title {color=\"blue\"}\n<details>\n<summary>More</summary>\n\t**in** it\n</details>\n- [x] Done\n1. a\n2. b\n```python\nx = 1\ny = 2\n```\n---\n<unknown url=\"http://c/p#b0000000000040008000000000000001\" alt=\"bookmark\"/>"
        );
    }

    #[test]
    fn inline_round_trips() {
        for text in [
            "plain \\*star\\*",
            "**bold** and *italic* and ~~gone~~",
            "`code` [link](https://example.com) $x^2$",
            "<span underline=\"true\">under</span><span color=\"red\">red</span>",
            "a<br>b",
            "<mention-date start=\"2025-01-01\"/>",
        ] {
            assert_eq!(rich_text(&stored(text), "http://c"), text, "{text}");
        }
    }
}
