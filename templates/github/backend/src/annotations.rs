//! A check run's annotations: read from `output.annotations` when a run is created or
//! updated (at most 50 a request, appended); `checks` lists them
//! (`GET …/check-runs/{id}/annotations`).

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::req::Body;

/// What an annotation's level may be.
const LEVELS: [&str; 3] = ["notice", "warning", "failure"];
/// How many annotations one request may add (GitHub's `maxItems`).
const MAX: usize = 50;

/// The annotations a run's body gives in `output.annotations` (none without), each checked:
/// `path`, `start_line`, `end_line`, `annotation_level` and `message` required.
pub(crate) fn parse(body: &Body) -> ApiResult<Vec<Value>> {
    let Some(output) = body.object("output")? else {
        return Ok(Vec::new());
    };
    let items = match output.get("annotations") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "Invalid request.\n\nFor 'properties/annotations', {other} is not an array."
            )));
        }
    };
    if items.len() > MAX {
        return Err(ApiError::invalid(format!(
            "Invalid request.\n\nFor 'properties/annotations', the array has {} items (maximum is {MAX}).",
            items.len()
        )));
    }
    items.iter().map(annotation).collect()
}

/// One annotation of a body, as stored.
fn annotation(item: &Value) -> ApiResult<Value> {
    let empty = Map::new();
    let fields = item.as_object().unwrap_or(&empty);
    let note = Body(fields.clone());
    let missing =
        |key: &str| ApiError::invalid(format!("Invalid request.\n\n\"{key}\" wasn't supplied."));
    let path = note.str("path")?.ok_or_else(|| missing("path"))?;
    let message = note.str("message")?.ok_or_else(|| missing("message"))?;
    let start = note
        .int("start_line")?
        .ok_or_else(|| missing("start_line"))?;
    let end = note.int("end_line")?.ok_or_else(|| missing("end_line"))?;
    let level = note
        .one_of("annotation_level", &LEVELS, "CheckRun")?
        .ok_or_else(|| missing("annotation_level"))?;
    Ok(json!({
        "path": path, "start_line": start, "end_line": end,
        "start_column": note.int("start_column")?, "end_column": note.int("end_column")?,
        "annotation_level": level, "title": note.str("title")?, "message": message,
        "raw_details": note.str("raw_details")?,
    }))
}

/// Appends `annotations` (from [`parse`]) to check run `run`.
pub(crate) async fn store(
    client: &impl GenericClient,
    run: i64,
    annotations: &[Value],
) -> ApiResult<()> {
    if annotations.is_empty() {
        return Ok(());
    }
    const SQL: &str =
        "INSERT INTO check_annotations (run_id, path, start_line, end_line, start_column,
                           end_column, annotation_level, title, message, raw_details)
                       SELECT $1, a.path, a.start_line, a.end_line, a.start_column, a.end_column,
                              a.annotation_level, a.title, a.message, a.raw_details
                       FROM json_populate_recordset(NULL::check_annotations, $2::text::json) a";
    let items = Value::Array(annotations.to_vec()).to_string();
    db::execute(client, SQL, &[&run, &items]).await?;
    Ok(())
}
