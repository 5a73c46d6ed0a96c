//! `POST /v1/blocks/meeting_notes/query` (`blocks.meetingNotes.query` / `blocks.meeting_notes
//! .query`): the meeting notes whose attendees include the integration's user. Notion makes
//! meeting notes in its app (AI meeting notes) and the API cannot create a `meeting_notes`
//! block, so a clone's workspace holds none: a well-formed query answers `{results: [],
//! has_more: false}` (the endpoint has no cursors), a malformed one Notion's
//! `validation_error` naming the member.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, array_at, invalid, object_at, undefined};
use crate::request::Ctx;

/// Most results one query may ask for (`limit`).
const MAX_LIMIT: i64 = 50;

/// Checks a compound filter at `path`: `{operator: "and" | "or", filters?: [...]}`, each of
/// whose items is a compound filter again or `{property, filter}`.
fn compound(filter: &Value, path: &str) -> ApiResult<()> {
    let object = object_at(filter, path)?;
    match object.get("operator") {
        None => return Err(undefined(&format!("{path}.operator"))),
        Some(op) if op == "and" || op == "or" => {}
        Some(other) => {
            return Err(invalid(
                &format!("{path}.operator"),
                "`\"and\"` or `\"or\"`",
                other,
            ));
        }
    }
    let Some(filters) = object.get("filters") else {
        return Ok(());
    };
    for (i, item) in array_at(filters, &format!("{path}.filters"), 100)?
        .iter()
        .enumerate()
    {
        let at = format!("{path}.filters[{i}]");
        let fields = object_at(item, &at)?;
        if fields.contains_key("operator") {
            compound(item, &at)?;
        } else if !fields.get("property").is_some_and(Value::is_string) {
            return Err(undefined(&format!("{at}.property")));
        } else if !fields.get("filter").is_some_and(Value::is_object) {
            return Err(undefined(&format!("{at}.filter")));
        }
    }
    Ok(())
}

/// `POST /v1/blocks/meeting_notes/query` `{filter?, sort?, limit?}`.
pub(crate) async fn query(_ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    if let Some(filter) = body.get("filter").filter(|f| !f.is_null()) {
        compound(filter, "body.filter")?;
    }
    if let Some(sort) = body.get("sort").filter(|s| !s.is_null()) {
        for (i, item) in array_at(sort, "body.sort", 100)?.iter().enumerate() {
            let at = format!("body.sort[{i}]");
            let fields = object_at(item, &at)?;
            if !fields.get("property").is_some_and(Value::is_string) {
                return Err(undefined(&format!("{at}.property")));
            }
            match fields.get("direction") {
                Some(d) if d == "ascending" || d == "descending" => {}
                other => {
                    let was = other.cloned().unwrap_or(Value::Null);
                    return Err(invalid(
                        &format!("{at}.direction"),
                        "`\"ascending\"` or `\"descending\"`",
                        &was,
                    ));
                }
            }
        }
    }
    match body.get("limit") {
        None | Some(Value::Null) => {}
        Some(limit) => match limit.as_i64() {
            Some(n) if (1..=MAX_LIMIT).contains(&n) => {}
            Some(n) if n > MAX_LIMIT => {
                return Err(ApiError::validation(format!(
                    "body failed validation: body.limit should be ≤ `{MAX_LIMIT}`, instead was `{n}`."
                )));
            }
            _ => return Err(invalid("body.limit", "a positive integer", limit)),
        },
    }
    Ok(json!({ "results": [], "has_more": false }))
}
