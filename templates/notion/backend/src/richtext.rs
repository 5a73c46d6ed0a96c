//! Rich text: request items (`text`, `mention`, `equation`) normalised to the answered form
//! (`annotations`, `plain_text`, `href` filled in), with Notion's size limits.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::error::{
    ApiResult, MAX_EXPRESSION, MAX_URL, array_at, at_most, invalid, member, object_at, string_at,
};

/// Most characters in one text item's `content`.
pub(crate) const MAX_TEXT: usize = 2000;
/// Most items in one rich-text array.
pub(crate) const MAX_ITEMS: usize = 100;

/// Notion's colours (`ApiColor`): text colours and their `_background` variants.
const COLORS: [&str; 10] = [
    "default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red",
];

/// Whether `color` is one of Notion's colours (of text, or `<colour>_background`).
pub(crate) fn is_color(color: &str) -> bool {
    COLORS.contains(&color.strip_suffix("_background").unwrap_or(color))
}

/// What a rich-text item's `type` may be.
const KINDS: &str = "`text`, `mention` or `equation`";

/// Normalises the rich-text array at `path`.
pub(crate) fn normalize(value: &Value, path: &str) -> ApiResult<Value> {
    array_at(value, path, MAX_ITEMS)?
        .iter()
        .enumerate()
        .map(|(i, item)| item_of(item, &format!("{path}[{i}]")))
        .collect::<ApiResult<Vec<_>>>()
        .map(Value::Array)
}

fn item_of(item: &Value, path: &str) -> ApiResult<Value> {
    let object = object_at(item, path)?;
    let annotations = annotations(object.get("annotations"), path)?;
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(other) => return Err(invalid(&format!("{path}.type"), KINDS, other)),
        None => ["text", "mention", "equation"]
            .into_iter()
            .find(|k| object.contains_key(*k))
            .ok_or_else(|| invalid(&format!("{path}.text"), "defined", &Value::Null))?,
    };
    let (inner, plain, href) = match kind {
        "text" => {
            let text = member(object, "text", path, "an object", Value::as_object)?;
            let content = text.get("content").and_then(Value::as_str).ok_or_else(|| {
                invalid(
                    &format!("{path}.text.content"),
                    "a string",
                    text.get("content").unwrap_or(&Value::Null),
                )
            })?;
            at_most(content, &format!("{path}.text.content"), MAX_TEXT)?;
            let link = match text.get("link") {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Object(link)) => match link.get("url").and_then(Value::as_str) {
                    Some(url) if !url.is_empty() => {
                        at_most(url, &format!("{path}.text.link.url"), MAX_URL)?;
                        json!({ "url": url })
                    }
                    _ => {
                        return Err(invalid(
                            &format!("{path}.text.link.url"),
                            "a non-empty string",
                            link.get("url").unwrap_or(&Value::Null),
                        ));
                    }
                },
                Some(other) => {
                    return Err(invalid(
                        &format!("{path}.text.link"),
                        "an object or `null`",
                        other,
                    ));
                }
            };
            let href = link.get("url").cloned().unwrap_or(Value::Null);
            (
                json!({ "content": content, "link": link }),
                content.to_owned(),
                href,
            )
        }
        "mention" => mention(object.get("mention").unwrap_or(&Value::Null), path)?,
        "equation" => {
            let expression = string_at(item, &["equation", "expression"], path)?;
            at_most(
                expression,
                &format!("{path}.equation.expression"),
                MAX_EXPRESSION,
            )?;
            (
                json!({ "expression": expression }),
                expression.to_owned(),
                Value::Null,
            )
        }
        other => return Err(invalid(&format!("{path}.type"), KINDS, &json!(other))),
    };
    let mut out = Map::new();
    out.insert("type".into(), kind.into());
    out.insert(kind.into(), inner);
    out.insert("annotations".into(), annotations);
    out.insert("plain_text".into(), plain.into());
    out.insert("href".into(), href);
    Ok(Value::Object(out))
}

fn annotations(value: Option<&Value>, path: &str) -> ApiResult<Value> {
    let mut out = json!({
        "bold": false, "italic": false, "strikethrough": false,
        "underline": false, "code": false, "color": "default"
    });
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(out);
    };
    let given = object_at(value, &format!("{path}.annotations"))?;
    for (key, item) in given {
        let fits = match key.as_str() {
            "color" => item.as_str().is_some_and(is_color),
            "bold" | "italic" | "strikethrough" | "underline" | "code" => item.is_boolean(),
            _ => false,
        };
        if !fits {
            return Err(invalid(
                &format!("{path}.annotations.{key}"),
                "a valid annotation",
                item,
            ));
        }
        out[key.as_str()] = item.clone();
    }
    Ok(out)
}

fn mention(value: &Value, path: &str) -> ApiResult<(Value, String, Value)> {
    let object = object_at(value, &format!("{path}.mention"))?;
    let kind = ["user", "page", "database", "date"]
        .into_iter()
        .find(|k| object.contains_key(*k))
        .ok_or_else(|| {
            invalid(
                &format!("{path}.mention"),
                "one of user, page, database or date",
                value,
            )
        })?;
    let id_of = |key: &str| -> ApiResult<String> {
        crate::request::body_id(&format!("{path}.mention.{key}.id"), object[key].get("id"))
    };
    Ok(match kind {
        "user" => {
            let id = id_of("user")?;
            (
                json!({ "type": "user", "user": { "object": "user", "id": id } }),
                "@Anonymous".to_owned(),
                Value::Null,
            )
        }
        "page" | "database" => {
            let id = id_of(kind)?;
            let href = format!("https://www.notion.so/{}", id.replace('-', ""));
            (
                json!({ "type": kind, kind: { "id": id } }),
                "Untitled".to_owned(),
                href.into(),
            )
        }
        _ => {
            let date = crate::dates::date(&object["date"], &format!("{path}.mention.date"))?;
            let plain = match date.get("end").and_then(Value::as_str) {
                Some(end) => format!("{} → {end}", date["start"].as_str().unwrap_or_default()),
                None => date["start"].as_str().unwrap_or_default().to_owned(),
            };
            (json!({ "type": "date", "date": date }), plain, Value::Null)
        }
    })
}

/// The id a rich-text item mentions, when it mentions a user, a page or a database.
fn mentioned(item: &Map<String, Value>) -> Option<&str> {
    let mention = item.get("mention").filter(|_| item["type"] == "mention")?;
    let kind = mention["type"].as_str()?;
    matches!(kind, "user" | "page" | "database")
        .then(|| mention[kind]["id"].as_str())
        .flatten()
}

/// Every mention item's id below `value`, or (with `names`) each such item's `plain_text`
/// set to the name found for it.
fn walk_mentions(
    value: &mut Value,
    ids: &mut Vec<String>,
    names: Option<&HashMap<String, String>>,
) {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| walk_mentions(item, ids, names)),
        Value::Object(object) => {
            if let Some(id) = mentioned(object).map(str::to_owned) {
                match names {
                    None => ids.push(id),
                    Some(names) => {
                        if let Some(name) = names.get(&id) {
                            object.insert("plain_text".into(), name.clone().into());
                        }
                    }
                }
                return;
            }
            object
                .values_mut()
                .for_each(|inner| walk_mentions(inner, ids, names));
        }
        _ => {}
    }
}

/// Names the user, page and database mentions anywhere in `values` as Notion does: a
/// user's `plain_text` is `@` and their name, a page's or database's its title (`Untitled`
/// when it has none). A mention of what the integration cannot see keeps its placeholder.
/// No statement runs when nothing is mentioned.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn name_mentions<'a>(
    client: &impl GenericClient,
    values: impl IntoIterator<Item = &'a mut Value>,
) -> ApiResult<()> {
    let mut values: Vec<&mut Value> = values.into_iter().collect();
    let mut ids = Vec::new();
    for value in &mut values {
        walk_mentions(value, &mut ids, None);
    }
    if ids.is_empty() {
        return Ok(());
    }
    let statement = client
        .prepare_cached(
            "SELECT id, '@' || name FROM users WHERE id = ANY($1)
             UNION ALL SELECT id, title FROM pages WHERE id = ANY($1) AND shared
             UNION ALL SELECT id, (SELECT coalesce(string_agg(e->>'plain_text', ''), '') FROM jsonb_array_elements(title) e)
               FROM databases WHERE id = ANY($1) AND shared",
        )
        .await?;
    let names: HashMap<String, String> = client
        .query(&statement, &[&ids])
        .await?
        .iter()
        .map(|row| {
            let name: String = row.get(1);
            let name = if name.is_empty() {
                "Untitled".to_owned()
            } else {
                name
            };
            (row.get(0), name)
        })
        .collect();
    for value in values {
        walk_mentions(value, &mut Vec::new(), Some(&names));
    }
    Ok(())
}

/// The plain text of a normalised rich-text array.
pub(crate) fn plain(value: &Value) -> String {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("plain_text").and_then(Value::as_str))
        .collect()
}

/// A normalised one-item text array holding `content` (for fixtures' titles in tests).
#[cfg(test)]
pub(crate) fn text(content: &str) -> Value {
    #[allow(clippy::unwrap_used, reason = "a fixed valid shape")]
    normalize(&json!([{ "text": { "content": content } }]), "t").unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_items_are_filled_in() {
        let item = &text("Hi")[0];
        assert_eq!(item["plain_text"], "Hi");
        assert_eq!(item["annotations"]["color"], "default");
        assert_eq!(item["text"]["link"], Value::Null);
    }

    #[test]
    fn limits_name_the_path() {
        let long = "x".repeat(2001);
        let err = normalize(&json!([{ "text": { "content": long } }]), "body.rich_text");
        assert!(format!("{:?}", err.err()).contains("body.rich_text[0].text.content.length"));
    }
}
