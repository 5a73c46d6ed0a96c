//! Block Kit as messages and views take it: which blocks each may carry and what each needs,
//! the way Slack refuses the rest (`invalid_blocks`, each problem named with a JSON pointer in
//! `errors` and in `response_metadata.messages`).

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// Most blocks one message may carry.
const MAX_BLOCKS: usize = 50;
/// Most blocks one view may carry.
const MAX_VIEW_BLOCKS: usize = 100;
/// Longest `block_id`.
const MAX_BLOCK_ID: usize = 255;
/// Longest text of a section.
const MAX_SECTION_TEXT: usize = 3000;
/// Longest text of a header.
const MAX_HEADER_TEXT: usize = 150;
/// Most fields of a section.
const MAX_FIELDS: usize = 10;
/// Most elements of a context block.
const MAX_CONTEXT_ELEMENTS: usize = 10;
/// Most elements of an actions block.
const MAX_ACTIONS_ELEMENTS: usize = 25;

/// Where blocks are shown: messages take fewer than views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    /// A message: at most 50 blocks.
    Message,
    /// A Home tab or modal: at most 100 blocks.
    View,
}

/// Checks a message's `blocks` (an array) the way Slack checks them.
///
/// # Errors
///
/// `invalid_blocks`, naming every problem found.
pub(crate) fn validate(blocks: &[Value]) -> Result<(), ApiError> {
    validate_on(blocks, Surface::Message)
}

/// Checks `blocks` (an array) shown on `surface` the way Slack checks them.
///
/// # Errors
///
/// `invalid_blocks`, naming every problem found.
pub(crate) fn validate_on(blocks: &[Value], surface: Surface) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let most = match surface {
        Surface::Message => MAX_BLOCKS,
        Surface::View => MAX_VIEW_BLOCKS,
    };
    if blocks.len() > most {
        problems.push(format!(
            "no more than {most} items allowed [json-pointer:/blocks]"
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (index, block) in blocks.iter().enumerate() {
        let at = format!("/blocks/{index}");
        let Value::Object(fields) = block else {
            problems.push(format!("must be an object [json-pointer:{at}]"));
            continue;
        };
        if let Some(id) = fields.get("block_id") {
            match id.as_str() {
                Some(id) if id.chars().count() > MAX_BLOCK_ID => problems.push(format!(
                    "must be less than {} characters [json-pointer:{at}/block_id]",
                    MAX_BLOCK_ID + 1
                )),
                Some(id) if !ids.insert(id.to_owned()) => problems.push(format!(
                    "duplicate block_id: {id} [json-pointer:{at}/block_id]"
                )),
                Some(_) => {}
                None => problems.push(format!("must be a string [json-pointer:{at}/block_id]")),
            }
        }
        // A remote file's block shows in messages only: "You can't add this block to app
        // surfaces directly" (Slack's block reference), and no view takes one.
        if surface == Surface::View && fields.get("type").and_then(Value::as_str) == Some("file") {
            problems.push(format!("unsupported type: file [json-pointer:{at}/type]"));
            continue;
        }
        check_block(fields, &at, &mut problems);
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(refusal(&problems))
}

/// Slack's `invalid_blocks`: each of `problems` in `errors` and, as `[ERROR] …`, in
/// `response_metadata.messages`.
pub(crate) fn refusal(problems: &[String]) -> ApiError {
    let messages: Vec<String> = problems.iter().map(|p| format!("[ERROR] {p}")).collect();
    ApiError::new("invalid_blocks")
        .with("errors", json!(problems))
        .with("response_metadata", json!({ "messages": messages }))
}

/// The `external_id`s of the remote-file blocks (`{"type": "file", "source": "remote"}`) among
/// `blocks` (an array, already validated), with the JSON pointer of each.
pub(crate) fn remote_file_ids(blocks: &Value) -> Vec<(String, String)> {
    let Value::Array(items) = blocks else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, block)| block["type"] == "file")
        .filter_map(|(index, block)| {
            let id = block["external_id"].as_str()?;
            Some((id.to_owned(), format!("/blocks/{index}/external_id")))
        })
        .collect()
}

/// Appends what is wrong with one block (at JSON pointer `at`) to `problems`.
fn check_block(block: &Map<String, Value>, at: &str, problems: &mut Vec<String>) {
    let kind = block
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match kind {
        "section" => {
            let text = block.get("text");
            let fields = block.get("fields");
            if text.is_none() && fields.is_none() {
                problems.push(format!(
                    "must provide either text or fields [json-pointer:{at}]"
                ));
            }
            if let Some(text) = text {
                check_text(
                    text,
                    &format!("{at}/text"),
                    false,
                    MAX_SECTION_TEXT,
                    problems,
                );
            }
            if let Some(fields) = fields {
                let items = check_list(fields, &format!("{at}/fields"), MAX_FIELDS, problems);
                for (i, field) in items.iter().enumerate() {
                    check_text(field, &format!("{at}/fields/{i}"), false, 2000, problems);
                }
            }
        }
        "header" => match block.get("text") {
            Some(text) => check_text(text, &format!("{at}/text"), true, MAX_HEADER_TEXT, problems),
            None => problems.push(format!("missing required field: text [json-pointer:{at}]")),
        },
        "context" => {
            check_list_field(block, "elements", at, MAX_CONTEXT_ELEMENTS, problems);
        }
        "actions" => {
            check_list_field(block, "elements", at, MAX_ACTIONS_ELEMENTS, problems);
        }
        "image" => {
            if !block.contains_key("image_url") && !block.contains_key("slack_file") {
                problems.push(format!(
                    "must provide either image_url or slack_file [json-pointer:{at}]"
                ));
            }
            if !block.get("alt_text").is_some_and(Value::is_string) {
                problems.push(format!(
                    "missing required field: alt_text [json-pointer:{at}]"
                ));
            }
        }
        "rich_text" => {
            check_list_field(block, "elements", at, usize::MAX, problems);
        }
        "markdown" if !block.get("text").is_some_and(Value::is_string) => {
            problems.push(format!("missing required field: text [json-pointer:{at}]"));
        }
        // Input blocks are taken in messages too (Slack's surfaces list: modals, messages,
        // Home tabs).
        "input" => {
            match block.get("label") {
                Some(label) => check_text(label, &format!("{at}/label"), true, 2000, problems),
                None => problems.push(format!("missing required field: label [json-pointer:{at}]")),
            }
            if !block.get("element").is_some_and(Value::is_object) {
                problems.push(format!(
                    "missing required field: element [json-pointer:{at}]"
                ));
            }
        }
        // A remote file's block: its `external_id` and `source` (always `remote`), as in
        // Slack's "missing required field: source [json-pointer:/blocks/0]".
        "file" => {
            for field in ["external_id", "source"] {
                if !block.get(field).is_some_and(Value::is_string) {
                    problems.push(format!(
                        "missing required field: {field} [json-pointer:{at}]"
                    ));
                }
            }
            if block
                .get("source")
                .and_then(Value::as_str)
                .is_some_and(|s| s != "remote")
            {
                problems.push(format!("must be remote [json-pointer:{at}/source]"));
            }
        }
        "" => problems.push(format!("missing required field: type [json-pointer:{at}]")),
        // `divider`, `video`, `table`, … need nothing more here. Slack keeps adding
        // block types (card, carousel, container, plan, task_card, …): one the clone does not
        // know is passed through unchecked rather than refused.
        _ => {}
    }
}

/// Checks that `block[name]` is a non-empty array of at most `max` items.
fn check_list_field(
    block: &Map<String, Value>,
    name: &str,
    at: &str,
    max: usize,
    problems: &mut Vec<String>,
) {
    match block.get(name) {
        Some(list) => {
            check_list(list, &format!("{at}/{name}"), max, problems);
        }
        None => problems.push(format!(
            "missing required field: {name} [json-pointer:{at}]"
        )),
    }
}

/// Checks that `list` is a non-empty array of at most `max` items; its items.
fn check_list<'a>(
    list: &'a Value,
    at: &str,
    max: usize,
    problems: &mut Vec<String>,
) -> &'a [Value] {
    match list.as_array() {
        Some(items) if items.is_empty() => {
            problems.push(format!("must provide at least 1 item [json-pointer:{at}]"));
            items
        }
        Some(items) if items.len() > max => {
            problems.push(format!(
                "no more than {max} items allowed [json-pointer:{at}]"
            ));
            items
        }
        Some(items) => items,
        None => {
            problems.push(format!("must be an array [json-pointer:{at}]"));
            &[]
        }
    }
}

/// Checks a text object: `plain_text` (or, unless `plain_only`, `mrkdwn`) with a non-empty
/// `text` of at most `max` characters.
fn check_text(text: &Value, at: &str, plain_only: bool, max: usize, problems: &mut Vec<String>) {
    let kind = text.get("type").and_then(Value::as_str);
    let allowed = match kind {
        Some("plain_text") => true,
        Some("mrkdwn") => !plain_only,
        _ => false,
    };
    if !allowed {
        let expected = if plain_only {
            "plain_text"
        } else {
            "plain_text or mrkdwn"
        };
        problems.push(format!(
            "must be a {expected} text object [json-pointer:{at}]"
        ));
        return;
    }
    match text.get("text").and_then(Value::as_str) {
        None => problems.push(format!("missing required field: text [json-pointer:{at}]")),
        Some("") => {
            problems.push(format!(
                "must be more than 0 characters [json-pointer:{at}/text]"
            ));
        }
        Some(value) if value.chars().count() > max => problems.push(format!(
            "must be less than {} characters [json-pointer:{at}/text]",
            max + 1
        )),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(blocks: Value) -> Vec<String> {
        match validate(blocks.as_array().unwrap()) {
            Ok(()) => Vec::new(),
            Err(err) => {
                assert_eq!(err.code(), "invalid_blocks");
                let body = err.fields()["errors"].clone();
                serde_json::from_value(body).unwrap()
            }
        }
    }

    #[test]
    fn well_formed_message_blocks_pass() {
        let blocks = json!([
            {"type": "header", "text": {"type": "plain_text", "text": "Deploy"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}]},
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "by bot"}]},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Ok"}}]},
            {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"},
        ]);
        assert_eq!(problems(blocks), Vec::<String>::new());
    }

    #[test]
    fn each_problem_is_named_where_it_is() {
        let blocks = json!([
            {"type": "section"},
            {"type": "header", "text": {"type": "mrkdwn", "text": "x"}},
            {"type": "input", "label": {"type": "plain_text", "text": "x"}},
            {"type": "card_of_the_future"},
            {"type": "context", "elements": []},
            {"type": "divider", "block_id": "a"},
            {"type": "divider", "block_id": "a"},
            {"type": "section", "text": {"type": "mrkdwn", "text": ""}},
        ]);
        assert_eq!(
            problems(blocks),
            [
                "must provide either text or fields [json-pointer:/blocks/0]",
                "must be a plain_text text object [json-pointer:/blocks/1/text]",
                "missing required field: element [json-pointer:/blocks/2]",
                "must provide at least 1 item [json-pointer:/blocks/4/elements]",
                "duplicate block_id: a [json-pointer:/blocks/6/block_id]",
                "must be more than 0 characters [json-pointer:/blocks/7/text/text]",
            ]
        );
    }

    #[test]
    fn a_remote_file_block_needs_its_id_and_source_and_shows_in_messages_only() {
        let blocks = json!([
            {"type": "file", "external_id": "doc-1", "source": "remote"},
            {"type": "file", "external_id": "doc-2"},
            {"type": "file", "source": "local", "external_id": "doc-3"},
        ]);
        assert_eq!(
            problems(blocks.clone()),
            [
                "missing required field: source [json-pointer:/blocks/1]",
                "must be remote [json-pointer:/blocks/2/source]",
            ]
        );
        assert_eq!(
            remote_file_ids(&blocks),
            [
                ("doc-1".to_owned(), "/blocks/0/external_id".to_owned()),
                ("doc-2".to_owned(), "/blocks/1/external_id".to_owned()),
                ("doc-3".to_owned(), "/blocks/2/external_id".to_owned()),
            ]
        );
        let in_view = validate_on(&blocks.as_array().unwrap()[..1], Surface::View).unwrap_err();
        assert_eq!(
            in_view.fields()["errors"],
            json!(["unsupported type: file [json-pointer:/blocks/0/type]"])
        );
    }
}
