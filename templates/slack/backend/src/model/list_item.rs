//! Slack Lists' items: the fields `slackLists.items.create` and `.update` take (checked
//! against their column, with the people, channels and files they name checked against the
//! workspace), an item as Slack answers it, and the CSV of a list's items.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::model::list::{is_rich_text, parse, plain_text, value_key};

/// Most values one field holds (`over_cell_fields_limit`: Slack's limit for a select cell).
pub(crate) const CELL_LIMIT: usize = 50;

/// What a field's value may name that must be of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// A person (`U…`: user, to-do assignee and vote columns).
    User,
    /// A conversation (`C…`).
    Channel,
    /// A file, canvas or list (`F…`: attachments and references).
    File,
}

impl Named {
    /// The statement counting which of the ids `$2` are of workspace `$1`, and the error for
    /// one that is not.
    fn check(self) -> (&'static str, &'static str) {
        match self {
            Self::User => (
                "SELECT count(DISTINCT id) FROM users WHERE team_id = $1 AND id = ANY($2)",
                "user_not_found",
            ),
            Self::Channel => (
                "SELECT count(DISTINCT id) FROM conversations WHERE team_id = $1 AND id = ANY($2)",
                "channel_not_found",
            ),
            Self::File => (
                "SELECT count(DISTINCT id) FROM (
                     SELECT id FROM files WHERE team_id = $1 AND NOT deleted
                     UNION ALL SELECT id FROM canvases WHERE team_id = $1
                     UNION ALL SELECT id FROM lists WHERE team_id = $1) f
                 WHERE id = ANY($2)",
                "file_not_found",
            ),
        }
    }
}

/// The people, channels and files that fields (or a grant) name, each to be of the workspace.
#[derive(Debug, Default)]
pub(crate) struct References(Vec<(Named, String)>);

impl References {
    /// `ids`, all of kind `kind`.
    pub(crate) fn of(kind: Named, ids: &[String]) -> Self {
        Self(ids.iter().map(|id| (kind, id.clone())).collect())
    }

    /// Adds `id`, of kind `kind`.
    fn add(&mut self, kind: Named, id: &str) {
        self.0.push((kind, id.to_owned()));
    }

    /// Succeeds when every person, channel and file named is one of workspace `team`'s.
    ///
    /// # Errors
    ///
    /// `user_not_found`, `channel_not_found`, `file_not_found`; `internal_error` when
    /// Postgres fails.
    pub(crate) async fn check(
        &self,
        client: &impl GenericClient,
        team: &str,
    ) -> Result<(), ApiError> {
        for kind in [Named::User, Named::Channel, Named::File] {
            let mut ids: Vec<&str> = self
                .0
                .iter()
                .filter(|(named, _)| *named == kind)
                .map(|(_, id)| id.as_str())
                .collect();
            if ids.is_empty() {
                continue;
            }
            ids.sort_unstable();
            ids.dedup();
            let (sql, missing) = kind.check();
            let found: i64 = client.query_one(sql, &[&team, &ids]).await?.get(0);
            if usize::try_from(found).ok() != Some(ids.len()) {
                return Err(ApiError::new(missing));
            }
        }
        Ok(())
    }
}

/// A checked field of `cell` for `column`: `{<key>: value}` as it is stored (an empty one
/// clears the field), with what it names added to `refs`.
///
/// # Errors
///
/// `invalid_input_type` for a value under another key than the column's type takes, or of
/// the wrong shape; `over_cell_fields_limit`; `invalid_option_id` for a select value not
/// among the column's choices; `invalid_date`, `invalid_email`, `invalid_phone_number`,
/// `invalid_link`, `invalid_blocks`, `invalid_vote_value` for a malformed value.
pub(crate) fn field(
    column: &Value,
    cell: &Value,
    refs: &mut References,
) -> Result<Value, ApiError> {
    let kind = column["type"].as_str().unwrap_or_default();
    let key = value_key(kind).ok_or_else(|| ApiError::new("uneditable_column"))?;
    let Some(value) = cell.get(key) else {
        return Err(ApiError::new("invalid_input_type"));
    };
    let mut stored = Map::new();
    stored.insert(key.to_owned(), value.clone());
    if key == "checkbox" {
        return if value.is_boolean() {
            Ok(Value::Object(stored))
        } else {
            Err(ApiError::new("invalid_input_type"))
        };
    }
    if key == "rich_text" {
        return if is_rich_text(value) {
            Ok(Value::Object(stored))
        } else {
            Err(ApiError::new("invalid_blocks"))
        };
    }
    let values = value
        .as_array()
        .ok_or_else(|| ApiError::new("invalid_input_type"))?;
    if values.len() > CELL_LIMIT {
        return Err(ApiError::new("over_cell_fields_limit"));
    }
    for item in values {
        check_value(key, column, item, refs)?;
    }
    Ok(Value::Object(stored))
}

/// Checks one value of a multi-valued field under `key`.
fn check_value(
    key: &str,
    column: &Value,
    item: &Value,
    refs: &mut References,
) -> Result<(), ApiError> {
    let text = item.as_str();
    let bad = |code: &'static str| Err(ApiError::new(code));
    match key {
        "number" if item.is_number() => Ok(()),
        "timestamp" if item.is_i64() || item.is_u64() => Ok(()),
        "rating" => {
            let max = column["options"]["max"].as_i64().unwrap_or(5);
            match item.as_i64() {
                Some(rating) if (0..=max).contains(&rating) => Ok(()),
                _ => bad("invalid_input_type"),
            }
        }
        "date" => match text {
            Some(date) if is_date(date) => Ok(()),
            _ => bad("invalid_date"),
        },
        "email" => match text.and_then(|t| t.split_once('@')) {
            Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@') =>
            {
                Ok(())
            }
            _ => bad("invalid_email"),
        },
        "phone" => match text {
            Some(phone)
                if phone.chars().filter(char::is_ascii_digit).count() >= 3
                    && phone
                        .chars()
                        .all(|c| c.is_ascii_digit() || "+-() .".contains(c)) =>
            {
                Ok(())
            }
            _ => bad("invalid_phone_number"),
        },
        "select" => {
            let choices = column["options"]["choices"].as_array();
            let known = choices.is_some_and(|choices| choices.iter().any(|c| c["value"] == *item));
            if known {
                Ok(())
            } else {
                bad("invalid_option_id")
            }
        }
        "user" | "vote" => match text {
            Some(user) => {
                refs.add(Named::User, user);
                Ok(())
            }
            None if key == "vote" => bad("invalid_vote_value"),
            None => bad("invalid_input_type"),
        },
        "channel" => match text {
            Some(channel) => {
                refs.add(Named::Channel, channel);
                Ok(())
            }
            None => bad("invalid_input_type"),
        },
        "attachment" => match text {
            Some(file) => {
                refs.add(Named::File, file);
                Ok(())
            }
            None => bad("invalid_input_type"),
        },
        "reference" => match item["file"]["file_id"].as_str() {
            Some(file) => {
                refs.add(Named::File, file);
                Ok(())
            }
            None => bad("invalid_input_type"),
        },
        "link" => match item["original_url"].as_str() {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => Ok(()),
            _ => bad("invalid_link"),
        },
        "message" => match text {
            Some(url) if url.starts_with("http") && url.contains("/archives/") => Ok(()),
            _ => bad("invalid_link"),
        },
        _ => bad("invalid_input_type"),
    }
}

/// Whether `text` is a calendar date `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |part: &str, len: usize| {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// An item's `fields` as Slack answers them, in the schema's order: each `{key, column_id,
/// value, <key>: …}`; a text field also `text`, its plain text.
pub(crate) fn fields_json(schema: &[Value], stored: &Value) -> Vec<Value> {
    schema
        .iter()
        .filter_map(|column| {
            let id = column["id"].as_str()?;
            let field = stored.get(id)?.as_object()?;
            let (key, value) = field.iter().next()?;
            let mut out = json!({"key": column["key"], "column_id": id});
            out["value"] = match (key.as_str(), value) {
                ("rich_text", blocks) => {
                    let text = plain_text(blocks);
                    out["text"] = json!(text);
                    json!(text)
                }
                ("checkbox", flag) => flag.clone(),
                (_, Value::Array(items)) => {
                    json!(items.iter().map(display).collect::<Vec<_>>().join(","))
                }
                (_, other) => other.clone(),
            };
            out[key.as_str()] = value.clone();
            Some(out)
        })
        .collect()
}

/// One value of a multi-valued field as text (`value`, the CSV).
fn display(item: &Value) -> String {
    match item {
        Value::String(text) => text.clone(),
        Value::Object(_) => item["original_url"]
            .as_str()
            .or_else(|| item["file"]["file_id"].as_str())
            .unwrap_or_default()
            .to_owned(),
        other => other.to_string(),
    }
}

/// An item (`Rec…`) as Slack answers it, from `id, list_id, fields, created_by, updated_by,
/// date_created, updated::text, parent_id`.
pub(crate) fn item_json(schema: &[Value], row: &Row) -> Value {
    let fields = parse(row.get(2));
    let mut item = json!({
        "id": row.get::<_, String>(0),
        "list_id": row.get::<_, String>(1),
        "date_created": row.get::<_, i64>(5),
        "created_by": row.get::<_, String>(3),
        "updated_by": row.get::<_, String>(4),
        "updated_timestamp": row.get::<_, String>(6),
        "fields": fields_json(schema, &fields),
    });
    if let Some(parent) = row.get::<_, Option<String>>(7) {
        item["parent_record_id"] = json!(parent);
    }
    item
}

/// The columns of `list_items` [`item_json`] reads.
pub(crate) const ITEM_COLUMNS: &str =
    "id, list_id, fields::text, created_by, updated_by, date_created, updated::text, parent_id";

/// The CSV of `items` (rows of [`ITEM_COLUMNS`]) under `schema`: a header of column names,
/// then a line per item of its fields' values.
pub(crate) fn csv(schema: &[Value], items: &[Row]) -> String {
    let cell = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out: Vec<String> = vec![
        schema
            .iter()
            .map(|c| cell(c["name"].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(","),
    ];
    for row in items {
        let fields = parse(row.get(2));
        let values = fields_json(schema, &fields);
        let line: Vec<String> = schema
            .iter()
            .map(|column| {
                let value = values.iter().find(|v| v["column_id"] == column["id"]);
                cell(&value.map(|v| display(&v["value"])).unwrap_or_default())
            })
            .collect();
        out.push(line.join(","));
    }
    out.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_days() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("24-01-01"));
    }
}
