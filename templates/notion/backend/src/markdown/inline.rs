//! Inline enhanced markdown (bold, italic, strikethrough, code, links, equations, `<br>`,
//! `<span underline color>`, mentions) as request rich-text items, and the tag attributes
//! both it and the block parser read. Pure: no database.

use serde_json::{Map, Value, json};

use crate::error::ApiResult;

/// The API's colour for a markdown one (`blue_background` for `blue_bg`); one the API does
/// not know reads as `default` (markdown is read leniently; the API's JSON refuses it).
pub(super) fn api_color(color: &str) -> String {
    let color = color
        .strip_suffix("_bg")
        .map_or_else(|| color.to_owned(), |c| format!("{c}_background"));
    if crate::richtext::is_color(&color) {
        color
    } else {
        "default".to_owned()
    }
}

fn attr_unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&amp;", "&")
}

/// `text` as plain text items of at most 2,000 characters each.
pub(super) fn plain_items(text: &str) -> Value {
    let mut out = Vec::new();
    push_text(&mut out, text, &Annotations::default(), None);
    Value::Array(out)
}

/// The attributes of an opening tag (`<callout icon="💡" color="blue_bg">`).
pub(super) fn tag_attrs(text: &str) -> Map<String, Value> {
    let inner = text.split_once('>').map_or(text, |(head, _)| head);
    let inner = inner
        .split_once(|c: char| c.is_whitespace())
        .map_or("", |(_, rest)| rest);
    parse_attrs(inner.trim_end_matches('/'))
}

pub(super) fn parse_attrs(text: &str) -> Map<String, Value> {
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
pub(super) trait Attr {
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
pub(super) fn url_id(url: &str) -> Option<String> {
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
