//! Enhanced markdown parsed into request blocks (`{"type": "paragraph", "paragraph": {…,
//! "children": […]}}`) and inline markdown into request rich text, for
//! [`crate::content`] to check like any other. Pure: no database.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};

use super::inline::{Attr, api_color, inline, parse_attrs, plain_items, tag_attrs, url_id};

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
    // An icon that is neither a URL nor an emoji is left out (read leniently, as colours are).
    match attrs.get_str("icon") {
        Some(url) if url.starts_with("http") => {
            callout["icon"] = json!({ "type": "external", "external": { "url": url } });
        }
        Some(emoji) if crate::content::is_emoji(emoji) => {
            callout["icon"] = json!({ "type": "emoji", "emoji": emoji });
        }
        _ => {}
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
            // A fence's language Notion does not know is imported as plain text.
            let language = match language.trim() {
                known if crate::content::is_language(known) => known,
                _ => "plain text",
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
