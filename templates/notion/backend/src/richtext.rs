//! Rich text: request items (`text`, `mention`, `equation`) normalised to the answered form
//! (`annotations`, `plain_text`, `href` filled in), with Notion's size limits.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, array_at, invalid, member, object_at, string_at};

/// Most characters in one text item's `content` (and a link's URL).
pub(crate) const MAX_TEXT: usize = 2000;
/// Most items in one rich-text array.
pub(crate) const MAX_ITEMS: usize = 100;

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
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| {
            ["text", "mention", "equation"]
                .into_iter()
                .find(|k| object.contains_key(*k))
        })
        .ok_or_else(|| invalid(&format!("{path}.text"), "defined", &Value::Null))?;
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
            let length = content.encode_utf16().count();
            if length > MAX_TEXT {
                return Err(ApiError::validation(format!(
                    "body failed validation: {path}.text.content.length should be ≤ `{MAX_TEXT}`, instead was `{length}`."
                )));
            }
            let link = match text.get("link") {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Object(link)) => match link.get("url").and_then(Value::as_str) {
                    Some(url) if !url.is_empty() && url.len() <= MAX_TEXT => json!({ "url": url }),
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
            (
                json!({ "expression": expression }),
                expression.to_owned(),
                Value::Null,
            )
        }
        other => {
            return Err(invalid(
                &format!("{path}.type"),
                "`text`, `mention` or `equation`",
                &json!(other),
            ));
        }
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
            "color" => item.is_string(),
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
