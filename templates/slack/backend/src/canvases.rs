//! Canvases: `canvases.create`, `canvases.edit`, `canvases.delete`, `canvases.access.set` and
//! `.delete`, `canvases.sections.lookup`, `canvases.getContent`,
//! `conversations.canvases.create`. A canvas is its
//! markdown cut into sections (each header line, each paragraph), which edits address by id.

use serde_json::{Map, Value, json};

use crate::args::grantees;
use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult};
use crate::model::canvas::{self, Access, Canvas, Section, sections, sections_of};
use crate::model::conversation::{Naming, resolve};
use crate::{AppState, Call};

/// The markdown of a `document_content`/`title_content` object (`{type: "markdown",
/// markdown}`).
fn markdown_of(content: Option<&Value>) -> Result<Option<String>, ApiError> {
    let Some(content) = content else {
        return Ok(None);
    };
    if content.get("type").and_then(Value::as_str) != Some("markdown") {
        return Err(ApiError::new("invalid_arguments"));
    }
    content
        .get("markdown")
        .and_then(Value::as_str)
        .map(|text| Some(text.to_owned()))
        .ok_or_else(|| ApiError::new("invalid_arguments"))
}

/// The canvas `canvas_id` names in the caller's workspace, which the caller may at least
/// `needed` (its owner, a person or a channel's member granted it, a channel canvas's
/// channel's members to write).
///
/// # Errors
///
/// `canvas_not_found` for no such canvas or one the caller may not see, `restricted_action`
/// for one it may see but not do this with.
async fn find(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    caller: &Caller,
    call: &Call,
    needed: Access,
) -> Result<String, ApiError> {
    let id = call.args.required("canvas_id")?;
    let canvas = Canvas::load(client, &caller.team_id, &caller.user_id, &id)
        .await?
        .ok_or_else(|| ApiError::new("canvas_not_found"))?;
    canvas.require(needed)?;
    Ok(canvas.id)
}

/// Creates a canvas with `title` and `markdown` (for `channel` when a channel canvas).
async fn insert(
    state: &AppState,
    caller: &Caller,
    call: &Call,
    channel: Option<&str>,
) -> ApiResult {
    let title = call.args.string("title").unwrap_or_default();
    let content = call.args.json("document_content", "invalid_arguments")?;
    let markdown = markdown_of(content.as_ref())?.unwrap_or_default();
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    if let Some(channel) = channel {
        let taken = tx
            .query_opt("SELECT 1 FROM canvases WHERE channel_id = $1", &[&channel])
            .await?;
        if taken.is_some() {
            return Err(ApiError::new("channel_canvas_already_exists"));
        }
    }
    let id: String = tx
        .query_one(
            "INSERT INTO canvases (team_id, owner, title, channel_id, created)
             VALUES ($1, $2, $3, $4, extract(epoch FROM now())::bigint) RETURNING id",
            &[&caller.team_id, &caller.user_id, &title, &channel],
        )
        .await?
        .get(0);
    store(&tx, &id, &sections_of(&markdown)).await?;
    state.commit(tx).await?;
    let mut body = Map::new();
    body.insert("canvas_id".into(), json!(id));
    Ok(body)
}

/// Replaces the stored sections of canvas `id` with `sections`, in order.
async fn store(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    id: &str,
    sections: &[Section],
) -> Result<(), ApiError> {
    tx.execute("DELETE FROM canvas_sections WHERE canvas_id = $1", &[&id])
        .await?;
    for (position, section) in (0i32..).zip(sections) {
        tx.execute(
            "INSERT INTO canvas_sections (canvas_id, id, position, kind, markdown)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &section.id,
                &position,
                &section.kind,
                &section.markdown,
            ],
        )
        .await?;
    }
    Ok(())
}

/// `canvases.create`: a standalone canvas owned by the caller.
pub(crate) async fn create(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    insert(state, &caller, call, None).await
}

/// `conversations.canvases.create`: the channel's canvas (one per channel).
pub(crate) async fn create_for_channel(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    let channel = call.args.required("channel_id")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    insert(state, &caller, call, Some(&conversation.id)).await
}

/// Applies one `canvases.edit` change to `sections`.
fn apply(sections: &mut Vec<Section>, change: &Value) -> Result<Option<String>, ApiError> {
    let operation = change.get("operation").and_then(Value::as_str);
    let section_id = change.get("section_id").and_then(Value::as_str);
    let content = markdown_of(change.get("document_content"))?;
    let at = |sections: &Vec<Section>| -> Result<usize, ApiError> {
        let wanted = section_id.ok_or_else(|| ApiError::new("invalid_arguments"))?;
        sections
            .iter()
            .position(|section| section.id == wanted)
            .ok_or_else(|| {
                ApiError::new("canvas_editing_failed")
                    .with("detail", format!("Section {wanted} was not found"))
            })
    };
    let new = || {
        content
            .as_deref()
            .map(sections_of)
            .ok_or_else(|| ApiError::new("invalid_arguments"))
    };
    match operation {
        Some("insert_at_start") => drop(sections.splice(0..0, new()?)),
        Some("insert_at_end") => sections.extend(new()?),
        Some("insert_before") => {
            let index = at(sections)?;
            drop(sections.splice(index..index, new()?));
        }
        Some("insert_after") => {
            let index = at(sections)? + 1;
            drop(sections.splice(index..index, new()?));
        }
        Some("replace") if section_id.is_none() => *sections = new()?,
        Some("replace") => {
            let index = at(sections)?;
            drop(sections.splice(index..=index, new()?));
        }
        Some("delete") => {
            let index = at(sections)?;
            sections.remove(index);
        }
        Some("rename") => {
            let title = markdown_of(change.get("title_content"))?
                .ok_or_else(|| ApiError::new("invalid_arguments"))?;
            return Ok(Some(title));
        }
        _ => return Err(ApiError::new("invalid_arguments")),
    }
    Ok(None)
}

/// `canvases.edit`: applies the one change of `changes` (Slack takes one operation per call:
/// more is `invalid_arguments`), for a caller who may write the canvas.
pub(crate) async fn edit(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    let changes = call.args.json("changes", "invalid_arguments")?;
    let Some(Value::Array(changes)) = changes else {
        return Err(ApiError::new("invalid_arguments"));
    };
    let [change] = changes.as_slice() else {
        return Err(ApiError::invalid_arguments(
            "changes must hold exactly one change: one operation per call is supported",
        ));
    };
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let id = find(&tx, &caller, call, Access::Write).await?;
    let mut sections = sections(&tx, &id).await?;
    let title = apply(&mut sections, change)?;
    tx.execute(
        "UPDATE canvases SET title = COALESCE($2, title), last_editor = $3,
             updated = extract(epoch FROM now())::bigint
         WHERE id = $1",
        &[&id, &title, &caller.user_id],
    )
    .await?;
    store(&tx, &id, &sections).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `canvases.delete`.
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    let db = state.kit.db().await?;
    let id = find(&db, &caller, call, Access::Owner).await?;
    db.execute("DELETE FROM canvases WHERE id = $1", &[&id])
        .await?;
    Ok(Map::new())
}

/// The users or the channels a `canvases.access.*` call names, and whether they are
/// channels.
fn principals(call: &Call) -> Result<(Vec<String>, bool), ApiError> {
    grantees(call).ok_or_else(|| ApiError::invalid_arguments("pass either channel_ids or user_ids"))
}

/// `canvases.access.set`: grants `access_level` (`read`, `write`, `owner`) to the users and
/// channels named.
pub(crate) async fn access_set(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    let level = call.args.required("access_level")?;
    if !["read", "write", "owner"].contains(&level.as_str()) {
        return Err(ApiError::new("invalid_arguments"));
    }
    let (named, channels) = principals(call)?;
    if channels && level == "owner" {
        return Err(ApiError::invalid_arguments("only users can be owners"));
    }
    let db = state.kit.db().await?;
    let id = find(&db, &caller, call, Access::Owner).await?;
    db.execute(
        "INSERT INTO canvas_access (canvas_id, principal, level)
         SELECT $1, p, $3 FROM unnest($2::text[]) p
         ON CONFLICT (canvas_id, principal) DO UPDATE SET level = EXCLUDED.level",
        &[&id, &named, &level],
    )
    .await?;
    Ok(Map::new())
}

/// `canvases.access.delete`: takes back the grants of the users and channels named.
pub(crate) async fn access_delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:write"]).await?;
    let (named, _) = principals(call)?;
    let db = state.kit.db().await?;
    let id = find(&db, &caller, call, Access::Owner).await?;
    db.execute(
        "DELETE FROM canvas_access WHERE canvas_id = $1 AND principal = ANY($2)",
        &[&id, &named],
    )
    .await?;
    Ok(Map::new())
}

/// `canvases.sections.lookup`: the ids of the sections matching `criteria`
/// (`section_types` among `h1`, `h2`, `h3`, `any_header`; `contains_text`).
pub(crate) async fn sections_lookup(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:read", "canvases:write"]).await?;
    let criteria = call
        .args
        .json("criteria", "invalid_arguments")?
        .filter(Value::is_object)
        .ok_or_else(|| ApiError::new("invalid_arguments"))?;
    let types: Vec<String> = criteria
        .get("section_types")
        .and_then(Value::as_array)
        .map(|types| {
            types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let text = criteria.get("contains_text").and_then(Value::as_str);
    if types.is_empty() && text.is_none() {
        return Err(ApiError::new("invalid_arguments"));
    }
    let db = state.kit.db().await?;
    let id = find(&db, &caller, call, Access::Read).await?;
    let rows = db
        .query(
            "SELECT id FROM canvas_sections WHERE canvas_id = $1
               AND (cardinality($2::text[]) = 0 OR kind = ANY($2)
                    OR ('any_header' = ANY($2) AND kind <> 'p'))
               AND ($3::text IS NULL OR strpos(lower(markdown), lower($3)) > 0)
             ORDER BY position",
            &[&id, &types, &text],
        )
        .await?;
    let sections: Vec<Value> = rows
        .iter()
        .map(|row| json!({ "id": row.get::<_, String>(0) }))
        .collect();
    let mut body = Map::new();
    body.insert("sections".into(), json!(sections));
    Ok(body)
}

/// `canvases.getContent`: the whole canvas in one `content` string, as `content_type`
/// `markdown` (the default: its sections' markdown) or `html` (what its `url_private`
/// serves); any other `content_type` is `invalid_arguments`.
pub(crate) async fn get_content(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["canvases:read"]).await?;
    let as_html = match call.args.non_empty("content_type").as_deref() {
        None | Some("markdown") => false,
        Some("html") => true,
        Some(_) => {
            return Err(ApiError::invalid_arguments(
                "content_type must be markdown or html",
            ));
        }
    };
    let db = state.kit.db().await?;
    let id = find(&db, &caller, call, Access::Read).await?;
    let sections = sections(&db, &id).await?;
    let content = if as_html {
        canvas::html(&sections)
    } else {
        canvas::markdown(&sections)
    };
    Ok(Map::from_iter([("content".to_owned(), json!(content))]))
}
