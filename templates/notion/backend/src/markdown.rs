//! Notion-flavored (enhanced) markdown: stored blocks rendered as markdown, and markdown
//! parsed into request blocks (`{"type": "paragraph", "paragraph": {…, "children": […]}}`)
//! that [`crate::content`] then checks like any other. Pure: no database.
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

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};

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
                self.line(
                    depth,
                    &format!(
                        "<database url=\"{url}\" inline=\"{}\">{title}</database>",
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

/// The API's colour for a markdown one (`blue_background` for `blue_bg`).
fn api_color(color: &str) -> String {
    color
        .strip_suffix("_bg")
        .map_or_else(|| color.to_owned(), |c| format!("{c}_background"))
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

fn attr_unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&amp;", "&")
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

// ---------------------------------------------------------------------------------------
// Parsing

/// Parses `markdown` into request blocks (with nested `children`).
pub(crate) fn parse(markdown: &str) -> ApiResult<Vec<Value>> {
    let mut parser = Parser {
        lines: markdown.split('\n').collect(),
        at: 0,
    };
    let blocks = parser.blocks(0)?;
    match parser.lines.get(parser.at) {
        Some(line) => Err(ApiError::validation(format!(
            "body failed validation: markdown line {} `{}` closes no open block.",
            parser.at + 1,
            line.trim()
        ))),
        None => Ok(blocks),
    }
}

/// Whether `text` (trimmed) closes a fenced div: three colons or more, alone.
fn fence_end(text: &str) -> bool {
    text.len() >= 3 && text.bytes().all(|b| b == b':')
}

/// The attributes of a callout's opening fence (`::: callout {icon="💡" color="…"}`).
fn callout_fence(text: &str) -> Option<Map<String, Value>> {
    let rest = text.trim_start_matches(':');
    if text.len() - rest.len() < 3 {
        return None;
    }
    let rest = rest.trim_start().strip_prefix("callout")?.trim();
    if rest.is_empty() {
        return Some(Map::new());
    }
    let inner = rest.strip_prefix('{')?.strip_suffix('}')?;
    Some(parse_attrs(inner))
}

/// `line` without up to `n` leading tabs.
fn untab(line: &str, n: usize) -> &str {
    &line[n.min(tabs(line))..]
}

/// A callout of `children` (its first, when a childless paragraph, is its text) and the
/// `icon` and `color` of `attrs`.
fn callout(attrs: &Map<String, Value>, mut children: Vec<Value>) -> Value {
    let first_is_text = children
        .first()
        .is_some_and(|c| c["type"] == "paragraph" && c["paragraph"]["children"].is_null());
    let rich = if first_is_text {
        children.remove(0)["paragraph"]["rich_text"].take()
    } else {
        json!([])
    };
    let mut callout = json!({ "rich_text": rich });
    if let Some(icon) = attrs.get_str("icon").filter(|i| !i.is_empty()) {
        callout["icon"] = if icon.starts_with("http") {
            json!({ "type": "external", "external": { "url": icon } })
        } else {
            json!({ "type": "emoji", "emoji": icon })
        };
    }
    if let Some(color) = attrs.get_str("color") {
        callout["color"] = api_color(color).into();
    }
    if !children.is_empty() {
        callout["children"] = Value::Array(children);
    }
    json!({ "type": "callout", "callout": callout })
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    at: usize,
}

/// The refusal of a construct the clone cannot turn into blocks.
fn unsupported(what: &str) -> ApiError {
    ApiError::validation(format!(
        "body failed validation: markdown `{what}` is not supported by this clone."
    ))
}

fn tabs(line: &str) -> usize {
    line.len() - line.trim_start_matches('\t').len()
}

impl<'a> Parser<'a> {
    /// The next line's text at `depth` (its tabs removed), unless it is less indented.
    fn peek(&self, depth: usize) -> Option<&'a str> {
        let line: &'a str = self.lines.get(self.at).copied()?;
        (line.trim().is_empty() || tabs(line) >= depth).then(|| line.trim_start_matches('\t'))
    }

    fn blocks(&mut self, depth: usize) -> ApiResult<Vec<Value>> {
        let mut out = Vec::new();
        while let Some(text) = self.peek(depth) {
            if text.trim().is_empty() {
                self.at += 1;
                continue;
            }
            if text.starts_with("</") || fence_end(text.trim()) {
                break;
            }
            self.at += 1;
            out.push(self.block(text.trim_end(), depth)?);
        }
        Ok(out)
    }

    /// Lines up to one that is `end` (trimmed), which is consumed.
    fn until(&mut self, end: &str) -> Vec<&'a str> {
        let mut inner = Vec::new();
        while let Some(line) = self.lines.get(self.at) {
            self.at += 1;
            if line.trim() == end {
                break;
            }
            inner.push(*line);
        }
        inner
    }

    fn block(&mut self, text: &str, depth: usize) -> ApiResult<Value> {
        if let Some(language) = text.strip_prefix("```") {
            let lines: Vec<&str> = self
                .until("```")
                .into_iter()
                .map(|l| l.get(depth.min(tabs(l))..).unwrap_or(l))
                .collect();
            let language = if language.is_empty() {
                "plain text"
            } else {
                language
            };
            return Ok(json!({ "type": "code", "code": {
                "rich_text": plain_items(&lines.join("\n")), "language": language
            } }));
        }
        if text == "$$" {
            let lines = self.until("$$");
            let expression: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
            return Ok(
                json!({ "type": "equation", "equation": { "expression": expression.join("\n") } }),
            );
        }
        if let Some(inner) = text
            .strip_prefix("$$")
            .and_then(|t| t.strip_suffix("$$"))
            .filter(|t| !t.is_empty())
        {
            return Ok(json!({ "type": "equation", "equation": { "expression": inner } }));
        }
        if text.starts_with("<details") {
            let attrs = tag_attrs(text);
            let summary = self.peek(depth).map(str::trim).unwrap_or_default();
            let title = match summary
                .strip_prefix("<summary>")
                .and_then(|s| s.strip_suffix("</summary>"))
            {
                Some(title) => {
                    self.at += 1;
                    title.to_owned()
                }
                None => String::new(),
            };
            let children = self.blocks(depth + 1)?;
            self.close("</details>");
            return Ok(text_block(
                "toggle",
                &title,
                attrs.get_str("color"),
                children,
            ));
        }
        if let Some(attrs) = callout_fence(text) {
            let children = self.blocks(depth)?;
            if self.lines.get(self.at).is_some_and(|l| fence_end(l.trim())) {
                self.at += 1;
            }
            return Ok(callout(&attrs, children));
        }
        if text.starts_with("<callout") {
            // The tag form enhanced markdown used before its fenced div.
            let attrs = tag_attrs(text);
            let children = self.blocks(depth + 1)?;
            self.close("</callout>");
            return Ok(callout(&attrs, children));
        }
        if text.starts_with("<synced_block") {
            return self.synced(text, depth);
        }
        for (tag, kind) in [("<columns>", "column_list"), ("<column>", "column")] {
            if text == tag {
                let children = self.blocks(depth + 1)?;
                self.close(&tag.replacen('<', "</", 1));
                return Ok(json!({ "type": kind, kind: { "children": children } }));
            }
        }
        if text.starts_with("<table") && !text.starts_with("<table_of_contents") {
            return self.table(text);
        }
        if text.starts_with('|') {
            return self.pipe_table(text, depth);
        }
        if text.starts_with("<table_of_contents") {
            let attrs = tag_attrs(text);
            let color = attrs.get_str("color").map_or("default".into(), api_color);
            return Ok(
                json!({ "type": "table_of_contents", "table_of_contents": { "color": color } }),
            );
        }
        if text == "<empty-block/>" {
            return Ok(json!({ "type": "paragraph", "paragraph": { "rich_text": [] } }));
        }
        for kind in ["file", "video", "audio", "pdf"] {
            if text.starts_with(&format!("<{kind} ")) {
                let attrs = tag_attrs(text);
                let caption = text
                    .split_once('>')
                    .map(|(_, rest)| rest.trim_end_matches(&format!("</{kind}>")))
                    .unwrap_or_default();
                let url = attrs
                    .get_str("src")
                    .or_else(|| attrs.get_str("source"))
                    .unwrap_or_default();
                return Ok(json!({ "type": kind, kind: {
                    "type": "external", "external": { "url": url }, "caption": inline(caption)?
                } }));
            }
        }
        if let Some(tag) = text.strip_prefix('<') {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if matches!(
                name.as_str(),
                "page" | "database" | "unknown" | "meeting-notes"
            ) {
                return Err(unsupported(&format!("<{name}>")));
            }
        }
        if let Some(rest) = text.strip_prefix("![")
            && let Some((caption, url)) = rest
                .split_once("](")
                .and_then(|(c, u)| Some((c, u.split_once(')')?.0)))
        {
            return Ok(json!({ "type": "image", "image": {
                "type": "external", "external": { "url": url }, "caption": inline(caption)?
            } }));
        }
        if matches!(text, "---" | "***" | "___") {
            return Ok(json!({ "type": "divider", "divider": {} }));
        }
        let (body, attrs) = trailing_attrs(text);
        let hashes = body.len() - body.trim_start_matches('#').len();
        if hashes > 0 && body[hashes..].starts_with(' ') {
            if hashes > 6 {
                return Err(unsupported(&"#".repeat(hashes)));
            }
            let kind = format!("heading_{}", hashes.min(4));
            let children = self.blocks(depth + 1)?;
            let mut block =
                text_block(&kind, &body[hashes + 1..], attrs.get_str("color"), children);
            if attrs.get_str("toggle") == Some("true") {
                block[&kind]["is_toggleable"] = true.into();
            }
            return Ok(block);
        }
        let (kind, rest, checked) = if let Some(rest) = body.strip_prefix("- [ ] ") {
            ("to_do", rest, Some(false))
        } else if let Some(rest) = body
            .strip_prefix("- [x] ")
            .or_else(|| body.strip_prefix("- [X] "))
        {
            ("to_do", rest, Some(true))
        } else if let Some(rest) = ["- ", "* ", "+ "].iter().find_map(|p| body.strip_prefix(p)) {
            ("bulleted_list_item", rest, None)
        } else if let Some(rest) = numbered(body) {
            ("numbered_list_item", rest, None)
        } else if let Some(rest) = body.strip_prefix("> ").or_else(|| body.strip_prefix('>')) {
            ("quote", rest, None)
        } else {
            ("paragraph", body, None)
        };
        let children = self.blocks(depth + 1)?;
        let mut block = text_block(kind, rest, attrs.get_str("color"), children);
        if let Some(checked) = checked {
            block["to_do"]["checked"] = checked.into();
        }
        Ok(block)
    }

    /// A synced block whose opening tag is `text`: `<synced_block>` (a new original) or,
    /// naming a block by its `url`, `<synced_block url>` / `<synced_block_reference url>`.
    /// The latter two parse as a duplicate of the block named, carrying the blocks written
    /// inside (`shown`) and their markdown (`shown_markdown`, unindented) for
    /// [`crate::page_markdown`] to compare with the original's; `original` tells which tag.
    fn synced(&mut self, text: &str, depth: usize) -> ApiResult<Value> {
        let name = if text.starts_with("<synced_block_reference") {
            "synced_block_reference"
        } else {
            "synced_block"
        };
        let attrs = tag_attrs(text);
        let from = self.at;
        let children = self.blocks(depth + 1)?;
        let shown: Vec<&str> = self.lines[from..self.at]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| untab(l, depth + 1))
            .collect();
        self.close(&format!("</{name}>"));
        let Some(url) = attrs.get_str("url") else {
            if name == "synced_block" {
                return Ok(json!({ "type": "synced_block", "synced_block": {
                    "synced_from": null, "children": children
                } }));
            }
            return Err(ApiError::validation(
                "body failed validation: markdown `<synced_block_reference>` needs the url of its original synced block.",
            ));
        };
        let id = url_id(url).ok_or_else(|| {
            ApiError::validation(format!(
                "body failed validation: markdown `<{name}>` url `{url}` names no block."
            ))
        })?;
        Ok(json!({
            "type": "synced_block",
            "synced_block": { "synced_from": { "type": "block_id", "block_id": id } },
            "original": name == "synced_block",
            "shown": children,
            "shown_markdown": shown.join("\n"),
        }))
    }

    /// Consumes the closing tag `end` if it is the next line.
    fn close(&mut self, end: &str) {
        if self.lines.get(self.at).is_some_and(|l| l.trim() == end) {
            self.at += 1;
        }
    }

    /// A pipe table (`| a | b |`, then `|---|---|` for a header row, then rows) whose first
    /// line is `first`: the lines that follow at `depth` and start with `|`.
    fn pipe_table(&mut self, first: &str, depth: usize) -> ApiResult<Value> {
        let mut lines = vec![first];
        while let Some(line) = self.peek(depth).filter(|l| l.trim_start().starts_with('|')) {
            lines.push(line.trim());
            self.at += 1;
        }
        let cells = |line: &str| -> Vec<String> {
            let inner = line.trim().trim_start_matches('|');
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            let mut out = vec![String::new()];
            let mut escaped = false;
            for ch in inner.chars() {
                match ch {
                    '|' if !escaped => out.push(String::new()),
                    c => {
                        escaped = c == '\\' && !escaped;
                        if let Some(cell) = out.last_mut() {
                            cell.push(c);
                        }
                    }
                }
            }
            out.into_iter().map(|c| c.trim().to_owned()).collect()
        };
        let separator = |line: &str| {
            cells(line)
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
        };
        let header = lines.len() > 1 && separator(lines[1]);
        let rows = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !(header && *i == 1))
            .map(|(_, line)| {
                let row = cells(line)
                    .iter()
                    .map(|cell| inline(cell))
                    .collect::<ApiResult<Vec<_>>>()?;
                Ok(json!({ "type": "table_row", "table_row": { "cells": row } }))
            })
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(table_of(rows, header, false))
    }

    fn table(&mut self, head: &str) -> ApiResult<Value> {
        let attrs = tag_attrs(head);
        let body = self.until("</table>").join("\n");
        let mut rows = Vec::new();
        for row in tag_split(&body, "<tr").into_iter().skip(1) {
            let row = tag_split(row, "</tr>")[0];
            let cells = tag_split(row, "<td")
                .into_iter()
                .skip(1)
                .map(|cell| {
                    let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                    inline(tag_split(inner, "</td>")[0].trim())
                })
                .collect::<ApiResult<Vec<_>>>()?;
            rows.push(json!({ "type": "table_row", "table_row": { "cells": cells } }));
        }
        let flag = |name: &str| attrs.get_str(name) == Some("true");
        Ok(table_of(rows, flag("header-row"), flag("header-column")))
    }
}

/// `text` split at each `tag` that is not escaped (`\<tr>` in a cell is text).
fn tag_split<'t>(text: &'t str, tag: &str) -> Vec<&'t str> {
    let mut parts = Vec::new();
    let mut from = 0;
    for (at, _) in text.match_indices(tag) {
        let slashes = text[..at].bytes().rev().take_while(|b| *b == b'\\').count();
        if slashes % 2 == 0 && at >= from {
            parts.push(&text[from..at]);
            from = at + tag.len();
        }
    }
    parts.push(&text[from..]);
    parts
}

/// A table block of `rows` (table rows), each padded to the widest.
fn table_of(mut rows: Vec<Value>, column_header: bool, row_header: bool) -> Value {
    let width = rows
        .iter()
        .map(|r| r["table_row"]["cells"].as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0)
        .max(1);
    for row in &mut rows {
        if let Some(cells) = row["table_row"]["cells"].as_array_mut() {
            cells.resize(width, json!([]));
        }
    }
    json!({ "type": "table", "table": {
        "table_width": width,
        "has_column_header": column_header,
        "has_row_header": row_header,
        "children": rows
    } })
}

fn numbered(text: &str) -> Option<&str> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    (digits > 0)
        .then(|| text[digits..].strip_prefix(". "))
        .flatten()
}

/// A block of a rich-text type holding `text` (inline markdown).
fn text_block(kind: &str, text: &str, color: Option<&str>, children: Vec<Value>) -> Value {
    let rich = inline(text).unwrap_or_else(|_| plain_items(text));
    let mut inner = json!({ "rich_text": rich });
    if let Some(color) = color {
        inner["color"] = api_color(color).into();
    }
    if !children.is_empty() {
        inner["children"] = Value::Array(children);
    }
    json!({ "type": kind, kind: inner })
}

/// `text` as plain text items of at most 2,000 characters each.
fn plain_items(text: &str) -> Value {
    let mut out = Vec::new();
    push_text(&mut out, text, &Annotations::default(), None);
    Value::Array(out)
}

/// A line's trailing `{key="value" …}`, split off.
fn trailing_attrs(text: &str) -> (&str, Map<String, Value>) {
    if let Some(open) = text.rfind(" {")
        && text.ends_with('}')
        && !text[..open].ends_with('\\')
    {
        let attrs = parse_attrs(&text[open + 2..text.len() - 1]);
        if !attrs.is_empty() {
            return (&text[..open], attrs);
        }
    }
    (text, Map::new())
}

/// The attributes of an opening tag (`<callout icon="💡" color="blue_bg">`).
fn tag_attrs(text: &str) -> Map<String, Value> {
    let inner = text.split_once('>').map_or(text, |(head, _)| head);
    let inner = inner
        .split_once(|c: char| c.is_whitespace())
        .map_or("", |(_, rest)| rest);
    parse_attrs(inner.trim_end_matches('/'))
}

fn parse_attrs(text: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let mut rest = text.trim();
    while let Some((key, after)) = rest.split_once("=\"") {
        let Some((value, tail)) = after.split_once('"') else {
            break;
        };
        out.insert(key.trim().to_owned(), attr_unescape(value).into());
        rest = tail.trim_start();
    }
    out
}

/// Attribute map lookups as strings.
trait Attr {
    fn get_str(&self, key: &str) -> Option<&str>;
}

impl Attr for Map<String, Value> {
    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

#[derive(Debug, Clone, Default)]
struct Annotations {
    bold: bool,
    italic: bool,
    strikethrough: bool,
    underline: bool,
    code: bool,
    color: Option<String>,
}

impl Annotations {
    fn json(&self) -> Value {
        json!({
            "bold": self.bold, "italic": self.italic, "strikethrough": self.strikethrough,
            "underline": self.underline, "code": self.code,
            "color": self.color.as_deref().map_or("default".into(), api_color)
        })
    }
}

fn push_text(out: &mut Vec<Value>, text: &str, ann: &Annotations, link: Option<&str>) {
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(crate::richtext::MAX_TEXT / 2) {
        let content: String = chunk.iter().collect();
        let link = link.map_or(Value::Null, |url| json!({ "url": url }));
        out.push(json!({ "type": "text", "text": { "content": content, "link": link }, "annotations": ann.json() }));
    }
}

/// Inline markdown as request rich-text items.
pub(crate) fn inline(text: &str) -> ApiResult<Value> {
    let mut out = Vec::new();
    spans(text, &Annotations::default(), None, &mut out);
    Ok(Value::Array(out))
}

/// The end of the first unescaped `delim` in `text` (from its start), as its byte offset.
fn find_closing(text: &str, delim: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if ch == '\\' {
            escaped = true;
            continue;
        }
        if text[i..].starts_with(delim) && !(delim == "*" && text[i..].starts_with("**")) {
            return Some(i);
        }
    }
    None
}

/// The matching `</span>` of a span whose inner text starts `text`.
fn span_end(text: &str) -> Option<usize> {
    let mut level = 0usize;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("<span") {
            level += 1;
        } else if rest.starts_with("</span>") {
            if level == 0 {
                return Some(i);
            }
            level -= 1;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn spans(text: &str, ann: &Annotations, link: Option<&str>, out: &mut Vec<Value>) {
    let mut buffer = String::new();
    let mut rest = text;
    macro_rules! flush {
        () => {
            if !buffer.is_empty() {
                push_text(out, &buffer, ann, link);
                buffer.clear();
            }
        };
    }
    while let Some(ch) = rest.chars().next() {
        let after = &rest[ch.len_utf8()..];
        if ch == '\\'
            && let Some(next) = after.chars().next()
        {
            buffer.push(next);
            rest = &after[next.len_utf8()..];
            continue;
        }
        let styled = [("**", 0), ("~~", 1), ("*", 2)]
            .into_iter()
            .find(|(d, _)| rest.starts_with(d));
        if let Some((delim, which)) = styled
            && let Some(end) = find_closing(&rest[delim.len()..], delim).filter(|e| *e > 0)
        {
            flush!();
            let mut inner = ann.clone();
            match which {
                0 => inner.bold = true,
                1 => inner.strikethrough = true,
                _ => inner.italic = true,
            }
            spans(&rest[delim.len()..delim.len() + end], &inner, link, out);
            rest = &rest[delim.len() * 2 + end..];
            continue;
        }
        if ch == '`'
            && let Some(end) = after.find('`')
        {
            flush!();
            let mut inner = ann.clone();
            inner.code = true;
            push_text(out, &after[..end], &inner, link);
            rest = &after[end + 1..];
            continue;
        }
        if ch == '$'
            && let Some(inner) = after.strip_prefix('`')
            && let Some(end) = inner.find("`$")
        {
            // `$`equation`$`, for an equation holding markdown's delimiters.
            flush!();
            out.push(json!({ "type": "equation", "equation": { "expression": &inner[..end] }, "annotations": ann.json() }));
            rest = &inner[end + 2..];
            continue;
        }
        if ch == '$'
            && let Some(end) = find_closing(after, "$").filter(|e| *e > 0)
        {
            flush!();
            out.push(json!({ "type": "equation", "equation": { "expression": &after[..end] }, "annotations": ann.json() }));
            rest = &after[end + 1..];
            continue;
        }
        if ch == '['
            && let Some(close) = find_closing(after, "](")
            && let Some(end) = after[close + 2..].find(')')
        {
            flush!();
            let url = &after[close + 2..close + 2 + end];
            spans(&after[..close], ann, Some(url), out);
            rest = &after[close + 3 + end..];
            continue;
        }
        if ch == '<' {
            if let Some(tail) = rest
                .strip_prefix("<br>")
                .or_else(|| rest.strip_prefix("<br/>"))
            {
                buffer.push('\n');
                rest = tail;
                continue;
            }
            if rest.starts_with("<span")
                && let Some(open) = rest.find('>')
                && let Some(end) = span_end(&rest[open + 1..])
            {
                flush!();
                let attrs = tag_attrs(&rest[..=open]);
                let mut inner = ann.clone();
                if attrs.get_str("underline") == Some("true") {
                    inner.underline = true;
                }
                if let Some(color) = attrs.get_str("color") {
                    inner.color = Some(color.to_owned());
                }
                spans(&rest[open + 1..open + 1 + end], &inner, link, out);
                rest = &rest[open + 1 + end + "</span>".len()..];
                continue;
            }
            if rest.starts_with("<mention-")
                && let Some((item, used)) = mention_tag(rest, ann)
            {
                flush!();
                out.push(item);
                rest = &rest[used..];
                continue;
            }
        }
        buffer.push(ch);
        rest = after;
    }
    flush!();
}

/// The id a Notion URL names (`user://…`, `<base>/<id>`, `<base>/<page>#<block>`): its last
/// 32 hex digits, dashes aside.
fn url_id(url: &str) -> Option<String> {
    let tail: Vec<char> = url.chars().rev().filter(|c| *c != '-').take(32).collect();
    crate::ids::parse(&tail.into_iter().rev().collect::<String>())
}

/// A mention tag at the start of `text`: the request item and the bytes it spans.
fn mention_tag(text: &str, ann: &Annotations) -> Option<(Value, usize)> {
    let open = text.find('>')?;
    let head = &text[..=open];
    let kind = head["<mention-".len()..]
        .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .next()?;
    let close = format!("</mention-{kind}>");
    let used = if head.ends_with("/>") {
        open + 1
    } else {
        open + 1 + text[open + 1..].find(&close)? + close.len()
    };
    let attrs = tag_attrs(head);
    let mention = match kind {
        "date" => {
            // `start` (and `end`) with an optional `startTime` (`endTime`) and `timeZone`.
            let moment = |day: &str, time: Option<&str>| match time {
                Some(time) => format!("{day}T{time}:00"),
                None => day.to_owned(),
            };
            let mut date =
                json!({ "start": moment(attrs.get_str("start")?, attrs.get_str("startTime")) });
            if let Some(end) = attrs.get_str("end") {
                date["end"] = moment(end, attrs.get_str("endTime")).into();
            }
            if let Some(zone) = attrs.get_str("timeZone") {
                date["time_zone"] = zone.into();
            }
            json!({ "type": "date", "date": date })
        }
        "user" | "page" | "database" => {
            let id = url_id(attrs.get_str("url")?)?;
            json!({ "type": kind, kind: { "id": id } })
        }
        _ => return None,
    };
    Some((
        json!({ "type": "mention", "mention": mention, "annotations": ann.json() }),
        used,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: &str, content: Value, children: Vec<Node>) -> Node {
        Node {
            id: "b0000000-0000-4000-8000-000000000001".into(),
            kind: kind.into(),
            content,
            shared: true,
            inline: false,
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
    fn markdown_parses_into_blocks() {
        let blocks = parse(
            "## Plan {toggle=\"true\"}\n\t- one\n\t\t- [ ] nested\n> quote {color=\"red_bg\"}\n<callout icon=\"🎯\">\n\tShip **now**\n</callout>\n```\nraw *x*\n```\n<table header-row=\"true\">\n\t<tr>\n\t\t<td>a</td>\n\t\t<td>b</td>\n\t</tr>\n</table>",
        )
        .unwrap();
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[0]["heading_2"]["is_toggleable"], true);
        assert_eq!(
            blocks[0]["heading_2"]["children"][0]["type"],
            "bulleted_list_item"
        );
        assert_eq!(
            blocks[0]["heading_2"]["children"][0]["bulleted_list_item"]["children"][0]["type"],
            "to_do"
        );
        assert_eq!(blocks[1]["quote"]["color"], "red_background");
        assert_eq!(blocks[2]["callout"]["icon"]["emoji"], "🎯");
        assert_eq!(
            blocks[2]["callout"]["rich_text"][1]["annotations"]["bold"],
            true
        );
        assert_eq!(
            blocks[3]["code"]["rich_text"][0]["text"]["content"],
            "raw *x*"
        );
        assert_eq!(blocks[4]["table"]["table_width"], 2);
        let piped = parse("| Status | Owner |\n|---|---|\n| Done | **Ada** |").unwrap();
        assert_eq!(piped[0]["table"]["has_column_header"], true);
        let rows = piped[0]["table"]["children"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1]["table_row"]["cells"][1][0]["annotations"]["bold"],
            true
        );
        assert_eq!(parse("#### four").unwrap()[0]["type"], "heading_4");
        assert_eq!(parse("###### six").unwrap()[0]["type"], "heading_4");
        assert!(parse("####### seven").is_err());
        let columns = parse("<columns>\n\t<column>\n\t\ta\n\t</column>\n\t<column>\n\t\tb\n\t</column>\n</columns>\nafter").unwrap();
        assert_eq!(
            columns[0]["column_list"]["children"][1]["column"]["children"][0]["paragraph"]["rich_text"]
                [0]["text"]["content"],
            "b"
        );
        assert_eq!(columns[1]["type"], "paragraph");
        assert!(parse("<synced_block url=\"http://c/x\">").is_err());
        assert!(parse("a\n</details>\nb").is_err(), "a stray closing tag");
        let fenced = parse("::: callout {icon=\"💡\" color=\"blue_bg\"}\nNote **this**\n- child\n\t::: callout\n\tinner\n\t:::\n:::\nafter").unwrap();
        assert_eq!(fenced.len(), 2);
        let callout = &fenced[0]["callout"];
        assert_eq!(callout["icon"]["emoji"], "💡");
        assert_eq!(callout["color"], "blue_background");
        assert_eq!(callout["rich_text"][0]["text"]["content"], "Note ");
        assert_eq!(callout["children"][0]["type"], "bulleted_list_item");
        assert_eq!(
            callout["children"][0]["bulleted_list_item"]["children"][0]["callout"]["rich_text"][0]
                ["text"]["content"],
            "inner"
        );
        let synced = parse("<synced_block>\n\tshared\n</synced_block>\n<synced_block_reference url=\"http://c/p#b0000000000040008000000000000001\">\n\tshared\n\t\tdeeper\n</synced_block_reference>").unwrap();
        assert!(synced[0]["synced_block"]["synced_from"].is_null());
        assert_eq!(
            synced[0]["synced_block"]["children"][0]["type"],
            "paragraph"
        );
        assert_eq!(
            synced[1]["synced_block"]["synced_from"]["block_id"],
            "b0000000-0000-4000-8000-000000000001"
        );
        assert_eq!(synced[1]["shown_markdown"], "shared\n\tdeeper");
        assert_eq!(synced[1]["original"], false);
        assert!(parse("<synced_block_reference>\n\tx\n</synced_block_reference>").is_err());
        let escaped =
            parse("<table>\n\t<tr>\n\t\t<td>a \\<tr\\> \\</td\\></td>\n\t</tr>\n</table>").unwrap();
        let cells = &escaped[0]["table"]["children"];
        assert_eq!(cells.as_array().unwrap().len(), 1, "{escaped:?}");
        assert_eq!(
            cells[0]["table_row"]["cells"][0][0]["text"]["content"],
            "a <tr> </td>"
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
