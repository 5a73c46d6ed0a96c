//! A message's content as a posting call sends it (`text`, `blocks`, `attachments`,
//! `metadata`), validated the way Slack validates it.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::Value;

use crate::Call;
use crate::error::ApiError;

/// Longest `text` Slack accepts, in characters.
const MAX_TEXT_CHARS: usize = 40_000;
/// Longest `markdown_text` Slack accepts, in characters.
const MAX_MARKDOWN_CHARS: usize = 12_000;
/// Most attachments one message may carry.
const MAX_ATTACHMENTS: usize = 100;

/// Gives every block without a `block_id` one, as Slack does: five characters, derived here
/// from the block and its position so a replayed post stores the same message, and unique
/// within the message.
pub(crate) fn with_block_ids(blocks: Value) -> Value {
    let Value::Array(mut items) = blocks else {
        return blocks;
    };
    let mut taken: std::collections::HashSet<String> = items
        .iter()
        .filter_map(|block| block.get("block_id")?.as_str().map(str::to_owned))
        .collect();
    for (index, block) in items.iter_mut().enumerate() {
        let Value::Object(fields) = block else {
            continue;
        };
        if fields.contains_key("block_id") {
            continue;
        }
        let seed = Value::Object(fields.clone()).to_string();
        let id = (0u32..)
            .map(|salt| asym_kit::token::hash(&format!("{index}:{salt}:{seed}"))[..5].to_owned())
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        taken.insert(id.clone());
        fields.insert("block_id".into(), Value::String(id));
    }
    Value::Array(items)
}

/// The content arguments of a post, validated.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Content {
    /// The text (may be empty when blocks or attachments are sent).
    pub(crate) text: String,
    /// The blocks, each with a `block_id`; `None` when absent or empty.
    pub(crate) blocks: Option<Value>,
    /// The attachments; `None` when absent or empty.
    pub(crate) attachments: Option<Value>,
    /// The metadata object.
    pub(crate) metadata: Option<Value>,
}

impl Content {
    /// Validates `text`, `blocks`, `attachments` and `metadata` the way Slack does.
    pub(crate) fn parse(call: &Call) -> Result<Self, ApiError> {
        let args = &call.args;
        let text = args.text("text")?.unwrap_or_default();
        let blocks = parse_blocks(call)?;
        let blocks = match markdown_blocks(call, &text, blocks.as_ref())? {
            Some(markdown) => Some(markdown),
            None => blocks,
        };
        let text = match args.non_empty("markdown_text") {
            Some(markdown) => markdown,
            None => text,
        };
        let attachments = args.json("attachments", "invalid_attachments")?;
        if let Some(attachments) = &attachments {
            let Value::Array(items) = attachments else {
                return Err(ApiError::new("invalid_attachments"));
            };
            if items.len() > MAX_ATTACHMENTS {
                return Err(ApiError::new("too_many_attachments"));
            }
            if !items.iter().all(Value::is_object) {
                return Err(ApiError::new("invalid_attachments"));
            }
        }
        let metadata = parse_metadata(call)?;
        let blocks = blocks
            .filter(|b| b.as_array().is_some_and(|a| !a.is_empty()))
            .map(with_block_ids);
        let attachments = attachments.filter(|a| a.as_array().is_some_and(|a| !a.is_empty()));
        if text.trim().is_empty() && blocks.is_none() && attachments.is_none() {
            return Err(ApiError::new("no_text"));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ApiError::new("msg_too_long"));
        }
        Ok(Self {
            text,
            blocks,
            attachments,
            metadata,
        })
    }
}

/// The call's `blocks`, validated.
///
/// # Errors
///
/// `invalid_blocks_format` when not an array; `invalid_blocks` for a malformed block.
pub(crate) fn parse_blocks(call: &Call) -> Result<Option<Value>, ApiError> {
    let blocks = call.args.json("blocks", "invalid_blocks_format")?;
    if let Some(blocks) = &blocks {
        let Value::Array(items) = blocks else {
            return Err(ApiError::new("invalid_blocks_format"));
        };
        crate::model::blocks::validate(items)?;
    }
    Ok(blocks)
}

/// The call's `metadata`, validated.
///
/// # Errors
///
/// `invalid_metadata_format` when not an object.
pub(crate) fn parse_metadata(call: &Call) -> Result<Option<Value>, ApiError> {
    let metadata = call.args.json("metadata", "invalid_metadata_format")?;
    if metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::new("invalid_metadata_format"));
    }
    Ok(metadata)
}

/// The `markdown` block a `markdown_text` argument stands for (Slack stores the message with
/// one), or `None` when none was sent.
///
/// # Errors
///
/// `markdown_text_conflict` when `text` or `blocks` come with it; `msg_too_long` over
/// 12,000 characters.
fn markdown_blocks(
    call: &Call,
    text: &str,
    blocks: Option<&Value>,
) -> Result<Option<Value>, ApiError> {
    let Some(markdown) = call.args.non_empty("markdown_text") else {
        return Ok(None);
    };
    if !text.is_empty() || blocks.is_some() {
        return Err(ApiError::new("markdown_text_conflict"));
    }
    if markdown.chars().count() > MAX_MARKDOWN_CHARS {
        return Err(ApiError::new("msg_too_long"));
    }
    Ok(Some(markdown_block(&markdown)))
}

/// The blocks of a message made of `markdown`: one `markdown` block.
pub(crate) fn markdown_block(markdown: &str) -> Value {
    serde_json::json!([{"type": "markdown", "text": markdown}])
}

/// What a streaming call (`chat.*Stream`) adds to its message.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct StreamPart {
    /// Its `markdown_text`, then the text of its `markdown_text` chunks, in order.
    pub(crate) markdown: String,
    /// The blocks of its `blocks` chunks, in order.
    pub(crate) blocks: Vec<Value>,
}

/// Statuses a `task_update` chunk may have.
const TASK_STATUSES: [&str; 4] = ["pending", "in_progress", "complete", "error"];

impl StreamPart {
    /// The call's `markdown_text` and `chunks`, validated. `task_update` and `plan_update`
    /// chunks are checked but add nothing to the stored message.
    ///
    /// # Errors
    ///
    /// `invalid_chunks` for chunks that are not an array, a chunk of an unknown type or
    /// without its fields (`markdown_text`: `text`; `task_update`: `id`, `title` and a
    /// known `status`; `plan_update`: `title`; `blocks`: `blocks`); a `blocks` chunk's
    /// blocks as `blocks` would be refused; `msg_too_long` over 12,000 characters.
    pub(crate) fn parse(call: &Call) -> Result<Self, ApiError> {
        let mut part = Self {
            markdown: call.args.string("markdown_text").unwrap_or_default(),
            blocks: Vec::new(),
        };
        if let Some(chunks) = call.args.json("chunks", "invalid_chunks")? {
            let Value::Array(chunks) = chunks else {
                return Err(ApiError::new("invalid_chunks"));
            };
            for chunk in chunks {
                part.add(chunk)?;
            }
        }
        if part.markdown.chars().count() > MAX_MARKDOWN_CHARS {
            return Err(ApiError::new("msg_too_long"));
        }
        Ok(part)
    }

    /// Adds one chunk.
    fn add(&mut self, chunk: Value) -> Result<(), ApiError> {
        let string = |name: &str| chunk[name].as_str();
        match string("type") {
            Some("markdown_text") if string("text").is_some() => {
                self.markdown.push_str(string("text").unwrap_or_default());
            }
            Some("task_update")
                if string("id").is_some()
                    && string("title").is_some()
                    && string("status").is_some_and(|s| TASK_STATUSES.contains(&s)) => {}
            Some("plan_update") if string("title").is_some() => {}
            Some("blocks") => {
                let Some(Value::Array(blocks)) = chunk.get("blocks") else {
                    return Err(ApiError::new("invalid_chunks"));
                };
                crate::model::blocks::validate(blocks)?;
                self.blocks.extend(blocks.iter().cloned());
            }
            _ => return Err(ApiError::new("invalid_chunks")),
        }
        Ok(())
    }
}

/// Whether a posting call asks Slack to link names (`link_names`, or `parse=full`).
pub(crate) fn wants_linked_names(call: &Call) -> bool {
    call.args.flag("link_names").unwrap_or(false)
        || call
            .args
            .string("parse")
            .is_some_and(|parse| parse.trim() == "full")
}

/// `text` with its names linked, as `link_names` asks: `@here`, `@channel` and `@everyone`
/// become `<!here>`, `<!channel>`, `<!everyone>`, and the handle of an enabled user group of
/// the workspace `<!subteam^S…>`. (Slack no longer links people's names this way.)
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn link_names(
    client: &impl GenericClient,
    team: &str,
    text: &str,
) -> Result<String, ApiError> {
    if !text.contains('@') {
        return Ok(text.to_owned());
    }
    let rows = client
        .query(
            "SELECT lower(handle), id FROM usergroups WHERE team_id = $1 AND date_delete = 0",
            &[&team],
        )
        .await?;
    let groups: Vec<(String, String)> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    Ok(linked(text, &groups))
}

/// [`link_names`] given the workspace's user groups as `(handle, id)`.
fn linked(text: &str, groups: &[(String, String)]) -> String {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(at) = rest.find('@') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        previous = before.chars().last().or(previous);
        let name_len = from[1..]
            .find(|c: char| !is_name(c))
            .unwrap_or(from.len() - 1);
        let name = from[1..=name_len].trim_end_matches('.');
        let starts_word = previous.is_none_or(|c| !is_name(c) && c != '<' && c != '|');
        let lower = name.to_ascii_lowercase();
        let link = match lower.as_str() {
            _ if !starts_word || name.is_empty() => None,
            "here" | "channel" | "everyone" => Some(format!("<!{lower}>")),
            _ => groups
                .iter()
                .find(|(handle, _)| *handle == lower)
                .map(|(_, id)| format!("<!subteam^{id}>")),
        };
        match link {
            Some(link) => {
                out.push_str(&link);
                rest = &from[1 + name.len()..];
                previous = Some('>');
            }
            None => {
                out.push('@');
                rest = &from[1..];
                previous = Some('@');
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Args;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn call(body: &str) -> Call {
        Call {
            method: "chat.postMessage".into(),
            headers: HeaderMap::new(),
            args: Args::parse(Some("application/json"), None, body.as_bytes()).unwrap(),
        }
    }

    fn error(body: &str) -> String {
        Content::parse(&call(body)).unwrap_err().code().to_owned()
    }

    #[test]
    fn names_are_linked_as_link_names_asks() {
        let groups = [("oncall".to_owned(), "S0000000001".to_owned())];
        assert_eq!(
            linked(
                "@here deploy failed, @OnCall please look. cc a@b.com @nobody",
                &groups
            ),
            "<!here> deploy failed, <!subteam^S0000000001> please look. cc a@b.com @nobody"
        );
        assert_eq!(linked("@channel.", &groups), "<!channel>.");
        assert_eq!(linked("no names", &groups), "no names");
    }

    #[test]
    fn text_blocks_or_attachments_are_required() {
        assert_eq!(error(r#"{"channel":"C1"}"#), "no_text");
        assert_eq!(error(r#"{"text":"  "}"#), "no_text");
        assert_eq!(error(r#"{"text":"","blocks":[]}"#), "no_text");
        assert!(Content::parse(&call(r#"{"blocks":[{"type":"divider"}]}"#)).is_ok());
        assert!(Content::parse(&call(r#"{"attachments":"[{\"text\":\"hi\"}]"}"#)).is_ok());
    }

    #[test]
    fn markdown_text_stands_alone_and_becomes_a_markdown_block() {
        let content = Content::parse(&call(r#"{"markdown_text":"**hi**"}"#)).unwrap();
        assert_eq!(content.text, "**hi**");
        let blocks = content.blocks.unwrap();
        assert_eq!(blocks[0]["type"], "markdown");
        assert_eq!(blocks[0]["text"], "**hi**");
        assert_eq!(
            error(r#"{"markdown_text":"**hi**","text":"hi"}"#),
            "markdown_text_conflict"
        );
        assert_eq!(
            error(r#"{"markdown_text":"x","blocks":[{"type":"divider"}]}"#),
            "markdown_text_conflict"
        );
        let long = format!(
            r#"{{"markdown_text":"{}"}}"#,
            "a".repeat(MAX_MARKDOWN_CHARS + 1)
        );
        assert_eq!(error(&long), "msg_too_long");
    }

    #[test]
    fn text_over_forty_thousand_characters_is_too_long() {
        let ok = format!(r#"{{"text":"{}"}}"#, "é".repeat(MAX_TEXT_CHARS));
        assert!(Content::parse(&call(&ok)).is_ok());
        let long = format!(r#"{{"text":"{}"}}"#, "a".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(error(&long), "msg_too_long");
    }

    #[test]
    fn malformed_blocks_attachments_and_metadata_are_named() {
        assert_eq!(
            error(r#"{"text":"x","blocks":"[oops"}"#),
            "invalid_blocks_format"
        );
        assert_eq!(
            error(r#"{"text":"x","blocks":{"type":"divider"}}"#),
            "invalid_blocks_format"
        );
        assert_eq!(
            error(r#"{"text":"x","blocks":[{"text":"no type"}]}"#),
            "invalid_blocks"
        );
        assert_eq!(
            error(r#"{"text":"x","attachments":"nope"}"#),
            "invalid_attachments"
        );
        assert_eq!(
            error(r#"{"text":"x","attachments":[1]}"#),
            "invalid_attachments"
        );
        assert_eq!(
            error(r#"{"text":"x","metadata":"[]"}"#),
            "invalid_metadata_format"
        );
    }

    #[test]
    fn blocks_get_stable_unique_block_ids_and_keep_their_own() {
        let blocks = json!([
            {"type": "divider"},
            {"type": "divider"},
            {"type": "section", "block_id": "mine", "text": {"type": "mrkdwn", "text": "x"}}
        ]);
        let first = with_block_ids(blocks.clone());
        assert_eq!(first, with_block_ids(blocks));
        let ids: Vec<&str> = first
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["block_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids[0].len(), 5);
        assert_ne!(ids[0], ids[1]);
        assert_eq!(ids[2], "mine");
        let keys: Vec<&String> = first[2].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["type", "block_id", "text"]);
    }
}
