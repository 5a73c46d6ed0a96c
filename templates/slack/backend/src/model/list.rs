//! Slack Lists: a list is a file (`F…`) with a schema of columns (`Col…`), holding items
//! (`Rec…`) with a field per column they have a value in. This module owns who may do what
//! with a list (its owner, its grants to people and to channels' members), the list read back
//! as the file it is, the schema as `slackLists.create` takes it, the fields as the item
//! methods take and answer them, and a list's CSV export.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token::random_alnum;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::model::canvas::Access;
use crate::model::list_item::CELL_LIMIT;
use crate::model::token::Reader;

/// Most columns a list holds (`over_column_maximum`; the clone's figure).
pub(crate) const COLUMN_LIMIT: usize = 50;
/// Most items a list holds (`over_row_maximum`; the clone's figure).
pub(crate) const ROW_LIMIT: i64 = 10_000;
/// Longest list name (`over_title_length_maximum`; the clone's figure).
pub(crate) const TITLE_LIMIT: usize = 255;

/// Each column type a schema takes, with the field key its items' values are sent under.
const COLUMN_TYPES: [(&str, &str); 19] = [
    ("text", "rich_text"),
    ("number", "number"),
    ("select", "select"),
    ("date", "date"),
    ("user", "user"),
    ("checkbox", "checkbox"),
    ("email", "email"),
    ("phone", "phone"),
    ("channel", "channel"),
    ("rating", "rating"),
    ("timestamp", "timestamp"),
    ("link", "link"),
    ("message", "message"),
    ("attachment", "attachment"),
    ("reference", "reference"),
    ("vote", "vote"),
    ("todo_completed", "checkbox"),
    ("todo_assignee", "user"),
    ("todo_due_date", "date"),
];

/// The field key of a column of type `kind`.
pub(crate) fn value_key(kind: &str) -> Option<&'static str> {
    COLUMN_TYPES
        .iter()
        .find(|(known, _)| *known == kind)
        .map(|(_, key)| *key)
}

/// A JSON column read as text.
pub(crate) fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// A new id: `prefix` then ten upper-case letters and digits, as Slack's column ids.
fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", random_alnum(10).to_uppercase())
}

/// A list as a person sees it.
#[derive(Debug)]
pub(crate) struct List {
    /// `F…`.
    pub(crate) id: String,
    /// Its workspace.
    team_id: String,
    /// Its owner (creator).
    owner: String,
    /// Its name.
    pub(crate) name: String,
    /// Its description (rich text blocks).
    description_blocks: Value,
    /// Whether it tracks to-dos.
    todo_mode: bool,
    /// Its columns, in order.
    pub(crate) schema: Vec<Value>,
    /// The list it was copied from.
    copied_from: Option<String>,
    /// When it was created and last edited (Unix seconds), and by whom.
    created: i64,
    updated: i64,
    last_editor: String,
    /// Its live items.
    rows: i64,
    /// What the person may do with it.
    pub(crate) access: Access,
}

/// A list with the access of the person `$2` (workspace `$1`): 3 owner, 2 write, 1 read, 0
/// none; a grant to a channel reaches its members.
const LIST_SQL: &str = "SELECT l.id, l.team_id, l.owner, l.name, l.description_blocks::text,
        l.todo_mode, l.schema::text, l.copied_from, l.created, l.updated, l.last_editor,
        (SELECT count(*) FROM list_items i WHERE i.list_id = l.id AND NOT i.deleted),
        GREATEST(
          CASE WHEN l.owner = $2 THEN 3 ELSE 0 END,
          COALESCE((SELECT max(CASE a.level WHEN 'owner' THEN 3 WHEN 'write' THEN 2 ELSE 1 END)
                    FROM list_access a
                    WHERE a.list_id = l.id AND (a.principal = $2 OR EXISTS (
                          SELECT 1 FROM conversation_members cm
                          WHERE cm.conversation_id = a.principal AND cm.user_id = $2))), 0))
     FROM lists l WHERE l.team_id = $1 AND l.id = $3";

/// Export `$1` of workspace `$2`: its list and its CSV.
const EXPORT_SQL: &str = "SELECT list_id, csv FROM list_exports WHERE id = $1 AND team_id = $2";

impl List {
    /// List `id` as `reader` sees it (of their workspace); `None` when there is none or they
    /// may not see it.
    ///
    /// # Errors
    ///
    /// `internal_error` when Postgres fails.
    pub(crate) async fn load(
        client: &impl GenericClient,
        reader: &Reader,
        id: &str,
    ) -> Result<Option<Self>, ApiError> {
        let (team, user) = (&reader.team, &reader.user);
        let row = client.query_opt(LIST_SQL, &[team, user, &id]).await?;
        Ok(row
            .map(|row| Self::from_row(&row))
            .filter(|list| list.access > Access::None))
    }

    /// From a row of [`LIST_SQL`].
    fn from_row(row: &Row) -> Self {
        let schema: Value = parse(row.get(6));
        Self {
            id: row.get(0),
            team_id: row.get(1),
            owner: row.get(2),
            name: row.get(3),
            description_blocks: parse(row.get(4)),
            todo_mode: row.get(5),
            schema: schema.as_array().cloned().unwrap_or_default(),
            copied_from: row.get(7),
            created: row.get(8),
            updated: row.get(9),
            last_editor: row.get(10),
            rows: row.get(11),
            access: Access::from_level(row.get(12)),
        }
    }

    /// Succeeds when the person may at least `needed`.
    ///
    /// # Errors
    ///
    /// `denied` (the method's own code) otherwise.
    pub(crate) fn require(&self, needed: Access, denied: &'static str) -> Result<(), ApiError> {
        if self.access >= needed {
            Ok(())
        } else {
            Err(ApiError::new(denied))
        }
    }

    /// The column `id` of the schema.
    pub(crate) fn column(&self, id: &str) -> Option<&Value> {
        self.schema.iter().find(|column| column["id"] == id)
    }

    /// Whether the list already holds as many items as it may.
    pub(crate) fn is_full(&self) -> bool {
        self.rows >= ROW_LIMIT
    }

    /// `list_metadata`: the schema, its one table view, and how the list was made.
    pub(crate) fn metadata(&self) -> Value {
        let mut metadata = metadata_of(&self.id, &self.schema, &self.owner, self.created);
        metadata["description_blocks"] = self.description_blocks.clone();
        metadata["description"] = json!(plain_text(&self.description_blocks));
        metadata["todo_mode"] = json!(self.todo_mode);
        metadata["icon"] = json!("");
        metadata["is_trial"] = json!(false);
        if let Some(source) = &self.copied_from {
            metadata["creation_source"] = json!({"type": "copy_from_list", "reference_id": source});
        }
        metadata
    }

    /// The list as the file it is (`slackLists.items.info`'s `list`).
    pub(crate) fn file(&self, public_url: &str) -> Value {
        let (team, id) = (&self.team_id, &self.id);
        let slug = slug(&self.name);
        let private = format!("{public_url}/files-pri/{team}-{id}/{slug}");
        json!({
            "id": id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.name,
            "mimetype": "application/vnd.slack-list",
            "filetype": "list",
            "pretty_type": "List",
            "user": self.owner,
            "user_team": team,
            "editable": self.access >= Access::Write,
            "size": 0,
            "mode": "list",
            "is_external": false,
            "external_type": "",
            "is_public": false,
            "public_url_shared": false,
            "display_as_bot": false,
            "username": "",
            "list_metadata": self.metadata(),
            "list_limits": {
                "over_row_maximum": self.rows >= ROW_LIMIT,
                "row_count_limit": ROW_LIMIT,
                "row_count": self.rows,
                "archived_row_count": 0,
                "over_column_maximum": self.schema.len() > COLUMN_LIMIT,
                "column_count": self.schema.len(),
                "column_count_limit": COLUMN_LIMIT,
                "over_view_maximum": false,
                "view_count": 1,
                "view_count_limit": 100,
                "max_attachments_per_cell": CELL_LIMIT,
            },
            "url_private": private,
            "url_private_download": format!("{public_url}/files-pri/{team}-{id}/download/{slug}"),
            "permalink": format!("{public_url}/lists/{team}/{id}"),
            "permalink_public": format!("{public_url}/{team}-{id}-{}", &asym_kit::token::hash(id)[..10]),
            "last_editor": self.last_editor,
            "list_csv_download_url": format!("{public_url}/files-pri/{team}-{id}/download/{slug}.csv"),
            "updated": self.updated,
            "is_starred": false,
            "skipped_shares": true,
            "teams_shared_with": [],
            "is_restricted_sharing_enabled": false,
            "has_rich_preview": false,
            "file_access": "visible",
            "access": self.access.name(),
            "org_or_workspace_access": "none",
            "is_ai_suggested": false,
        })
    }
}

/// A list's name as a file name.
pub(crate) fn slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if slug.is_empty() {
        "list".to_owned()
    } else {
        slug
    }
}

/// `list_metadata` of a list `id` with `schema` (`slackLists.create`'s answer): the schema,
/// no subtask schema, one table view of every column.
pub(crate) fn metadata_of(id: &str, schema: &[Value], owner: &str, created: i64) -> Value {
    let columns: Vec<Value> = schema
        .iter()
        .enumerate()
        .map(|(position, column)| {
            json!({"visible": true, "key": column["key"], "id": column["id"],
                   "position": position.to_string()})
        })
        .collect();
    json!({
        "schema": schema,
        "subtask_schema": [],
        "views": [{
            "id": format!("View{}", id.trim_start_matches('F')),
            "name": "All items",
            "type": "table",
            "is_locked": false,
            "position": "0",
            "columns": columns,
            "date_created": created,
            "created_by": owner,
            "stick_column_left": false,
            "is_all_items_view": true,
            "default_view_key": "all_items",
            "show_completed_items": true,
        }],
        "integrations": [],
    })
}

/// The text of rich text blocks: every `text` element's text (and a link's URL when it has
/// none), each section on its own line.
pub(crate) fn plain_text(blocks: &Value) -> String {
    fn walk(value: &Value, out: &mut String) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::Object(object) => {
                match object.get("type").and_then(Value::as_str) {
                    Some("text" | "link") => {
                        let text = object.get("text").or_else(|| object.get("url"));
                        out.push_str(text.and_then(Value::as_str).unwrap_or_default());
                    }
                    Some("user") => {
                        let id = object
                            .get("user_id")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        out.push_str(&format!("<@{id}>"));
                    }
                    _ => {}
                }
                if let Some(elements) = object.get("elements") {
                    if !out.is_empty()
                        && object.get("type").and_then(Value::as_str) == Some("rich_text_section")
                    {
                        out.push('\n');
                    }
                    walk(elements, out);
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    walk(blocks, &mut out);
    out.trim().to_owned()
}

/// Whether `blocks` is an array of `rich_text` blocks, as descriptions and text fields are.
pub(crate) fn is_rich_text(blocks: &Value) -> bool {
    blocks.as_array().is_some_and(|blocks| {
        blocks.iter().all(|block| {
            block["type"] == "rich_text" && block.get("elements").is_some_and(Value::is_array)
        })
    })
}

/// A column of `kind`, `key` and `name`, with a new id.
fn column(key: &str, name: &str, kind: &str, primary: bool) -> Value {
    json!({"id": new_id("Col"), "key": key, "name": name, "type": kind,
           "is_primary_column": primary})
}

/// The schema of a new list: `columns` (`slackLists.create`'s `schema`) with new ids, or one
/// primary text column `Name` without; with the three to-do columns added in `todo_mode`.
///
/// # Errors
///
/// `invalid_schema` for a column without a `key`, `name` or `type` (or a `key` twice),
/// `invalid_column_type` for a type lists do not have, `invalid_primary_column` unless
/// exactly one column is primary and it is a text column, `over_column_maximum`.
pub(crate) fn schema_of(columns: Option<&Value>, todo_mode: bool) -> Result<Vec<Value>, ApiError> {
    let mut schema = match columns {
        None => vec![column("name", "Name", "text", true)],
        Some(Value::Array(columns)) => columns
            .iter()
            .map(checked_column)
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::new("invalid_schema")),
    };
    let mut keys: Vec<&str> = schema.iter().filter_map(|c| c["key"].as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(ApiError::new("invalid_schema"));
    }
    let primary: Vec<&Value> = schema
        .iter()
        .filter(|c| c["is_primary_column"] == true)
        .collect();
    if primary.len() != 1 || primary[0]["type"] != "text" {
        return Err(ApiError::new("invalid_primary_column"));
    }
    if todo_mode {
        add_todo_columns(&mut schema);
    }
    if schema.len() > COLUMN_LIMIT {
        return Err(ApiError::new("over_column_maximum"));
    }
    Ok(schema)
}

/// Adds the to-do columns (`Completed`, `Assignee`, `Due date`) `schema` does not have yet.
pub(crate) fn add_todo_columns(schema: &mut Vec<Value>) {
    for (kind, key, name) in [
        ("todo_completed", "todo_completed", "Completed"),
        ("todo_assignee", "todo_assignee", "Assignee"),
        ("todo_due_date", "todo_due_date", "Due date"),
    ] {
        if !schema.iter().any(|c| c["type"] == kind) {
            schema.push(column(key, name, kind, false));
        }
    }
}

/// One column of a `schema` argument, checked, with a new id.
fn checked_column(sent: &Value) -> Result<Value, ApiError> {
    let text = |name: &str| {
        sent.get(name)
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
    };
    let (Some(key), Some(name), Some(kind)) = (text("key"), text("name"), text("type")) else {
        return Err(ApiError::new("invalid_schema"));
    };
    if value_key(kind).is_none() {
        return Err(ApiError::new("invalid_column_type"));
    }
    let primary = match sent.get("is_primary_column") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(ApiError::new("invalid_schema")),
    };
    let mut out = column(key, name, kind, primary);
    match sent.get("options") {
        None | Some(Value::Null) => {}
        Some(Value::Object(options)) => {
            let choices_ok = options.get("choices").is_none_or(|choices| {
                choices.as_array().is_some_and(|choices| {
                    choices
                        .iter()
                        .all(|choice| choice.get("value").is_some_and(Value::is_string))
                })
            });
            if !choices_ok {
                return Err(ApiError::new("invalid_schema"));
            }
            out["options"] = Value::Object(options.clone());
        }
        Some(_) => return Err(ApiError::new("invalid_schema")),
    }
    Ok(out)
}

/// The CSV of export `job` for `reader`, when they may read its list.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn export(
    client: &impl GenericClient,
    reader: &Reader,
    job: &str,
) -> Result<Option<String>, ApiError> {
    let Some(row) = client.query_opt(EXPORT_SQL, &[&job, &reader.team]).await? else {
        return Ok(None);
    };
    let list: String = row.get(0);
    let readable = List::load(client, reader, &list).await?;
    Ok(readable.map(|_| row.get(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_need_one_primary_text_column() {
        let schema = schema_of(None, true).unwrap();
        let types: Vec<&str> = schema.iter().filter_map(|c| c["type"].as_str()).collect();
        assert_eq!(
            types,
            ["text", "todo_completed", "todo_assignee", "todo_due_date"]
        );
        let two = json!([{"key": "a", "name": "A", "type": "text", "is_primary_column": true},
                         {"key": "b", "name": "B", "type": "text", "is_primary_column": true}]);
        assert_eq!(
            schema_of(Some(&two), false).unwrap_err().code(),
            "invalid_primary_column"
        );
        let odd = json!([{"key": "a", "name": "A", "type": "hologram"}]);
        assert_eq!(
            schema_of(Some(&odd), false).unwrap_err().code(),
            "invalid_column_type"
        );
    }

    #[test]
    fn rich_text_reads_as_its_text() {
        let blocks = json!([{"type": "rich_text", "elements": [{"type": "rich_text_section",
            "elements": [{"type": "text", "text": "Ship "}, {"type": "text", "text": "it"}]}]}]);
        assert_eq!(plain_text(&blocks), "Ship it");
    }
}
