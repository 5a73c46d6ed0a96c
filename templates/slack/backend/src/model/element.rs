//! Interactive block elements: finding one in a message's or a view's blocks, and what a
//! person's choice in it reads as in an interaction payload (`value`, `selected_option`,
//! `selected_users`, …).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// An interactive element and the block it sits in.
#[derive(Debug)]
pub(crate) struct Located<'a> {
    /// The block's `block_id`.
    pub(crate) block_id: &'a str,
    /// The element.
    pub(crate) element: &'a Value,
}

/// The interactive elements of `blocks`: an `actions` block's elements, a `section`'s
/// accessory, an `input`'s element, a `context`'s elements that have an `action_id`.
pub(crate) fn elements(blocks: &Value) -> Vec<Located<'_>> {
    let mut found = Vec::new();
    for block in blocks.as_array().into_iter().flatten() {
        let block_id = block["block_id"].as_str().unwrap_or_default();
        let held: Vec<&Value> = match block["type"].as_str() {
            Some("actions" | "context") => {
                block["elements"].as_array().into_iter().flatten().collect()
            }
            Some("section") => vec![&block["accessory"]],
            Some("input") => vec![&block["element"]],
            _ => Vec::new(),
        };
        found.extend(
            held.into_iter()
                .filter(|element| element.get("action_id").is_some())
                .map(|element| Located { block_id, element }),
        );
    }
    found
}

/// The element with `action_id` (in block `block_id`, when given).
///
/// # Errors
///
/// 404 `action_not_found` naming what was looked for.
pub(crate) fn find<'a>(
    blocks: &'a Value,
    action_id: &str,
    block_id: Option<&str>,
) -> Result<Located<'a>, ApiError> {
    elements(blocks)
        .into_iter()
        .find(|located| {
            located.element["action_id"] == action_id
                && block_id.is_none_or(|id| id == located.block_id)
        })
        .ok_or_else(|| {
            let place = block_id
                .map(|id| format!(" in block {id}"))
                .unwrap_or_default();
            ApiError::status(StatusCode::NOT_FOUND, "action_not_found").with(
                "message",
                format!("no element with action_id {action_id}{place}"),
            )
        })
}

/// 400 `invalid_value` saying what the element of `kind` takes.
fn invalid(kind: &str, takes: &str) -> ApiError {
    ApiError::status(StatusCode::BAD_REQUEST, "invalid_value")
        .with("message", format!("a {kind} takes {takes}"))
}

/// The options of a select, radio group, checkbox group or overflow menu (groups flattened).
fn options(element: &Value) -> Vec<&Value> {
    let direct = element["options"].as_array().into_iter().flatten();
    let grouped = element["option_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["options"].as_array().into_iter().flatten());
    direct.chain(grouped).collect()
}

/// The option of `element` whose `value` is `value`.
fn option<'a>(element: &'a Value, kind: &str, value: &Value) -> Result<&'a Value, ApiError> {
    let value = value
        .as_str()
        .ok_or_else(|| invalid(kind, "an option's value"))?;
    options(element)
        .into_iter()
        .find(|option| option["value"] == value)
        .ok_or_else(|| {
            ApiError::status(StatusCode::BAD_REQUEST, "option_not_found").with(
                "message",
                format!("the {kind} has no option with value {value}"),
            )
        })
}

/// An option of an external select, which the app loaded: an option object as the app
/// sent it (with a `value`), or a value, shown as its own text.
fn loaded(kind: &str, value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Object(option) if option.get("value").is_some_and(Value::is_string) => {
            Ok(value.clone())
        }
        Value::String(text) => Ok(json!({
            "text": { "type": "plain_text", "text": text, "emoji": true },
            "value": text,
        })),
        _ => Err(invalid(
            kind,
            "an option (an object with a value) or a value",
        )),
    }
}

/// The strings of `value`, a list.
fn strings(value: &Value, kind: &str, takes: &str) -> Result<Vec<Value>, ApiError> {
    let items = value.as_array().ok_or_else(|| invalid(kind, takes))?;
    if items.iter().all(Value::is_string) {
        Ok(items.clone())
    } else {
        Err(invalid(kind, takes))
    }
}

/// What choosing `value` in `element` reads as: the element's `type` with the fields Slack
/// sends for it (`value`, `selected_option(s)`, `selected_user(s)`,
/// `selected_conversation(s)`, `selected_channel(s)`, `selected_date`, `selected_time`,
/// `selected_date_time`). `None` is nothing chosen (a button sends its own `value`).
///
/// # Errors
///
/// 400 `invalid_value` for a value of the wrong shape, `option_not_found` for an option the
/// element does not offer.
pub(crate) fn choose(
    element: &Value,
    value: Option<&Value>,
) -> Result<Map<String, Value>, ApiError> {
    let kind = element["type"].as_str().unwrap_or_default();
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    let single = |field: &str, out: &mut Map<String, Value>| -> Result<(), ApiError> {
        let chosen = match value {
            None | Some(Value::Null) => Value::Null,
            Some(Value::String(text)) => json!(text),
            Some(_) => return Err(invalid(kind, "a string")),
        };
        out.insert(field.into(), chosen);
        Ok(())
    };
    let many = |field: &str, out: &mut Map<String, Value>| -> Result<(), ApiError> {
        let chosen = match value {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => strings(value, kind, "a list of ids")?,
        };
        out.insert(field.into(), Value::Array(chosen));
        Ok(())
    };
    match kind {
        "button" => {
            for field in ["text", "value", "style"] {
                if let Some(found) = element.get(field) {
                    out.insert(field.into(), found.clone());
                }
            }
        }
        "external_select" => {
            let chosen = value.map_or(Ok(Value::Null), |value| loaded(kind, value))?;
            out.insert("selected_option".into(), chosen);
        }
        "multi_external_select" => {
            let chosen = match value {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| loaded(kind, item))
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(invalid(kind, "a list of options")),
            };
            out.insert("selected_options".into(), Value::Array(chosen));
        }
        "static_select" | "radio_buttons" | "overflow" => {
            let chosen = match value {
                None | Some(Value::Null) => Value::Null,
                Some(value) => option(element, kind, value)?.clone(),
            };
            out.insert("selected_option".into(), chosen);
        }
        "multi_static_select" | "checkboxes" => {
            let chosen = match value {
                None | Some(Value::Null) => Vec::new(),
                Some(value) => strings(value, kind, "a list of option values")?
                    .iter()
                    .map(|value| option(element, kind, value).cloned())
                    .collect::<Result<_, _>>()?,
            };
            out.insert("selected_options".into(), Value::Array(chosen));
        }
        "users_select" => single("selected_user", &mut out)?,
        "conversations_select" => single("selected_conversation", &mut out)?,
        "channels_select" => single("selected_channel", &mut out)?,
        "datepicker" => single("selected_date", &mut out)?,
        "timepicker" => single("selected_time", &mut out)?,
        "multi_users_select" => many("selected_users", &mut out)?,
        "multi_conversations_select" => many("selected_conversations", &mut out)?,
        "multi_channels_select" => many("selected_channels", &mut out)?,
        "datetimepicker" => {
            let chosen = match value {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Number(n)) => Value::Number(n.clone()),
                Some(_) => return Err(invalid(kind, "a Unix timestamp")),
            };
            out.insert("selected_date_time".into(), chosen);
        }
        _ => single("value", &mut out)?,
    }
    Ok(out)
}

/// A modal's `state.values` from `values` (by `action_id`) for its `input` blocks:
/// `{block_id: {action_id: {type, …}}}`.
///
/// # Errors
///
/// 400 `input_required` for a required input left without a value, 404 `action_not_found`
/// for a value no input takes; as [`choose`].
pub(crate) fn view_state(blocks: &Value, values: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut state = Map::new();
    let mut used = 0;
    for block in blocks.as_array().into_iter().flatten() {
        if block["type"] != "input" {
            continue;
        }
        let element = &block["element"];
        let Some(action_id) = element["action_id"].as_str() else {
            continue;
        };
        let value = values.get(action_id);
        used += usize::from(value.is_some());
        let optional = block["optional"].as_bool().unwrap_or(false);
        if value.is_none_or(Value::is_null) && !optional {
            return Err(ApiError::status(StatusCode::BAD_REQUEST, "input_required")
                .with("message", format!("the input {action_id} is required")));
        }
        let block_id = block["block_id"].as_str().unwrap_or_default();
        let mut by_action = Map::new();
        by_action.insert(action_id.into(), Value::Object(choose(element, value)?));
        state.insert(block_id.into(), Value::Object(by_action));
    }
    if used < values.len() {
        let unknown = values
            .keys()
            .find(|key| find(blocks, key, None).is_err())
            .cloned()
            .unwrap_or_default();
        return Err(ApiError::status(StatusCode::NOT_FOUND, "action_not_found")
            .with("message", format!("no input with action_id {unknown}")));
    }
    Ok(json!({ "values": state }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select() -> Value {
        json!({"type": "static_select", "action_id": "env", "options": [
            {"text": {"type": "plain_text", "text": "Prod"}, "value": "prod"}]})
    }

    #[test]
    fn choices_read_as_slack_sends_them() {
        let chosen = choose(&select(), Some(&json!("prod"))).unwrap();
        assert_eq!(chosen["selected_option"]["value"], "prod");
        assert_eq!(
            choose(&select(), Some(&json!("qa"))).unwrap_err().code(),
            "option_not_found"
        );
        let users = json!({"type": "multi_users_select", "action_id": "u"});
        let chosen = choose(&users, Some(&json!(["U1", "U2"]))).unwrap();
        assert_eq!(chosen["selected_users"], json!(["U1", "U2"]));
        let input = json!({"type": "plain_text_input", "action_id": "t"});
        assert_eq!(choose(&input, None).unwrap()["value"], Value::Null);
    }

    #[test]
    fn elements_are_found_in_every_block_that_holds_them() {
        let blocks = json!([
            {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "x"},
             "accessory": select()},
            {"type": "actions", "block_id": "a", "elements": [
                {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"}}]},
        ]);
        assert_eq!(find(&blocks, "env", None).unwrap().block_id, "s");
        assert_eq!(find(&blocks, "go", Some("a")).unwrap().block_id, "a");
        assert_eq!(
            find(&blocks, "go", Some("s")).unwrap_err().code(),
            "action_not_found"
        );
    }
}
