//! Remote files (`files.remote.*`): files that live elsewhere (a document in the app's own
//! service), known to Slack by the `external_id` the app chose and the `external_url` they
//! open at. The app's bot adds, updates and removes them; they are the workspace's (any
//! token of the app reads them); `files.remote.share` posts one into channels, after which
//! `files.info`, `files.list` and `search.files` see it like any shared file.

use asym_kit::tokio_postgres::Row;
use serde_json::Value;

use crate::args::{cursor_value, id_page};
use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::files::{FILE_COLUMNS, answered_rows, share as post_files, tombstone};
use crate::model::blocks::{refusal, remote_file_ids};
use crate::model::conversation::{Conversation, Naming, channel_filter, resolve};
use crate::model::event::emit_and_commit;
use crate::model::message::NewMessage;
use crate::model::preview::Preview;
use crate::{AppState, Call};

/// A live remote file of team `$1`, by id `$2` and/or external id `$3` (either may be null).
const FIND: &str = "f.team_id = $1 AND f.external_id IS NOT NULL AND NOT f.deleted
    AND ($2::text IS NULL OR f.id = $2) AND ($3::text IS NULL OR f.external_id = $3)";

/// The remote file a call names: `file` (its `F…` id) or `external_id`, as `(file,
/// external_id)`.
///
/// # Errors
///
/// `invalid_arguments` when it names neither; `too_many_ids` when it names both and
/// `both_allowed` is false (`files.remote.share` takes both, which must then agree).
fn named(call: &Call, both_allowed: bool) -> Result<(Option<String>, Option<String>), ApiError> {
    let file = call.args.non_empty("file").map(|id| id.trim().to_owned());
    let external_id = call.args.non_empty("external_id");
    match (&file, &external_id) {
        (None, None) => Err(ApiError::invalid_arguments(
            "either file or external_id is required",
        )),
        (Some(_), Some(_)) if !both_allowed => Err(ApiError::new("too_many_ids")),
        _ => Ok((file, external_id)),
    }
}

/// The longest `title` and `external_id` the clone takes, in characters (Slack documents
/// `bad_title`, "The title provided is too long.", and `invalid_external_id`, "The
/// external_id provided is too long.", not the bound).
const MAX_LENGTH: usize = 255;

/// `name`'s value (`required` or not), at most [`MAX_LENGTH`] characters.
///
/// # Errors
///
/// `invalid_arguments` when required and missing; `too_long` when longer.
fn bounded(
    call: &Call,
    name: &str,
    required: bool,
    too_long: &'static str,
) -> Result<Option<String>, ApiError> {
    let value = if required {
        Some(call.args.required(name)?)
    } else {
        call.args.non_empty(name)
    };
    match value {
        Some(value) if value.chars().count() > MAX_LENGTH => Err(ApiError::new(too_long)),
        value => Ok(value),
    }
}

/// The `preview_image` sent, read ([`Preview::read`]: `bad_image`, `too_large`), as the
/// columns it is kept in: `(bytes, width, height, kind)`.
type PreviewColumns = (
    Option<Vec<u8>>,
    Option<i32>,
    Option<i32>,
    Option<&'static str>,
);

fn preview(call: &Call) -> Result<PreviewColumns, ApiError> {
    Ok(match call.args.upload("preview_image") {
        Some(bytes) => {
            let image = Preview::read(bytes)?;
            (
                Some(image.bytes),
                Some(image.width),
                Some(image.height),
                Some(image.kind),
            )
        }
        None => (None, None, None, None),
    })
}

/// The caller, a bot holding `remote_files:write` (remote files are added by an app's bot).
///
/// # Errors
///
/// As [`caller_with`]; `bot_user_required` for a user token.
async fn app_bot(state: &AppState, call: &Call) -> Result<Caller, ApiError> {
    let caller = caller_with(state, call, &["remote_files:write"]).await?;
    if !caller.is_bot() {
        return Err(ApiError::new("bot_user_required"));
    }
    Ok(caller)
}

/// The remote file `named` names in the caller's workspace, as a row of [`FILE_COLUMNS`].
///
/// # Errors
///
/// `file_not_found` when there is none (or it was removed).
async fn find(
    client: &asym_kit::deadpool_postgres::Object,
    caller: &Caller,
    (file, external_id): &(Option<String>, Option<String>),
) -> Result<Row, ApiError> {
    client
        .query_opt(
            &format!("SELECT {FILE_COLUMNS} FROM files f WHERE {FIND}"),
            &[&caller.team_id, file, external_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("file_not_found"))
}

/// `{"file": <the file object of row>}`, with its shares.
async fn answer(
    state: &AppState,
    client: &asym_kit::deadpool_postgres::Object,
    row: &Row,
) -> ApiResult {
    let file = answered_rows(state, client, &[row]).await?.pop();
    reply([("file", file.unwrap_or(Value::Null))])
}

/// `files.remote.add`: registers a remote file (`external_id`, `external_url`, `title`,
/// `filetype`, `indexable_file_contents`, `preview_image`). An `external_id` added before is
/// updated instead, as Slack's upsert does.
///
/// # Errors
///
/// `invalid_arguments` without `external_id`, `external_url` or `title`;
/// `invalid_external_id` and `bad_title` for ones over [`MAX_LENGTH`]; `bad_image` and
/// `too_large` for the preview ([`Preview::read`]).
pub(crate) async fn add(state: &AppState, call: &Call) -> ApiResult {
    let caller = app_bot(state, call).await?;
    let external_id = bounded(call, "external_id", true, "invalid_external_id")?;
    let external_url = call.args.required("external_url")?;
    let title = bounded(call, "title", true, "bad_title")?;
    let (image, width, height, kind) = preview(call)?;
    let filetype = call.args.non_empty("filetype");
    let indexable = call.args.non_empty("indexable_file_contents");
    let upload_key = format!("remote-{}", asym_kit::token::random_alnum(32));
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO files AS f (team_id, user_id, bot_id, created, name, title, length,
                                         upload_key, completed, external_id, external_url,
                                         remote_type, indexable, preview, preview_w,
                                         preview_h, preview_type)
                 VALUES ($1, $2, $3, extract(epoch FROM now())::bigint, $4, $4, 0, $5, true,
                         $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (team_id, external_id) WHERE external_id IS NOT NULL AND NOT deleted
                 DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title,
                     external_url = EXCLUDED.external_url,
                     remote_type = COALESCE(EXCLUDED.remote_type, f.remote_type),
                     indexable = COALESCE(EXCLUDED.indexable, f.indexable),
                     {KEEP_PREVIEW}
                 RETURNING {FILE_COLUMNS}"
            ),
            &[
                &caller.team_id,
                &caller.user_id,
                &caller.bot_id,
                &title,
                &upload_key,
                &external_id,
                &external_url,
                &filetype,
                &indexable,
                &image,
                &width,
                &height,
                &kind,
            ],
        )
        .await?;
    answer(state, &client, &row).await
}

/// An upsert's `SET` of the preview: the one sent (`EXCLUDED`), else the one kept.
const KEEP_PREVIEW: &str = "preview = COALESCE(EXCLUDED.preview, f.preview),
    preview_w = COALESCE(EXCLUDED.preview_w, f.preview_w),
    preview_h = COALESCE(EXCLUDED.preview_h, f.preview_h),
    preview_type = COALESCE(EXCLUDED.preview_type, f.preview_type)";

/// `files.remote.info`: one remote file of the workspace, by `file` or `external_id`.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["remote_files:read"]).await?;
    let named = named(call, false)?;
    let client = state.kit.db().await?;
    let row = find(&client, &caller, &named).await?;
    answer(state, &client, &row).await
}

/// `files.remote.update`: changes a remote file's `title`, `external_url`, `filetype`,
/// `indexable_file_contents` or `preview_image` (those sent), answering the file.
///
/// # Errors
///
/// As [`named`]; `bad_title` for a title over [`MAX_LENGTH`] (Slack's code for one on
/// `files.remote.add`; it documents none for `update`); `bad_image` and
/// `too_large` for the preview; `file_not_found`.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let caller = app_bot(state, call).await?;
    let (file, external_id) = named(call, false)?;
    let title = bounded(call, "title", false, "bad_title")?;
    let (image, width, height, kind) = preview(call)?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!(
                "UPDATE files f SET name = COALESCE($4, f.name), title = COALESCE($4, f.title),
                     external_url = COALESCE($5, f.external_url),
                     remote_type = COALESCE($6, f.remote_type),
                     indexable = COALESCE($7, f.indexable),
                     preview = COALESCE($8, f.preview), preview_w = COALESCE($9, f.preview_w),
                     preview_h = COALESCE($10, f.preview_h),
                     preview_type = COALESCE($11, f.preview_type)
                 WHERE {FIND} RETURNING {FILE_COLUMNS}"
            ),
            &[
                &caller.team_id,
                &file,
                &external_id,
                &title,
                &call.args.non_empty("external_url"),
                &call.args.non_empty("filetype"),
                &call.args.non_empty("indexable_file_contents"),
                &image,
                &width,
                &height,
                &kind,
            ],
        )
        .await?
        .ok_or_else(|| ApiError::new("file_not_found"))?;
    answer(state, &client, &row).await
}

/// `files.remote.remove`: removes a remote file from Slack (not from where it lives): its
/// shares become tombstones and `file_deleted` goes out, as for `files.delete`; its
/// `external_id` is free to be added again.
pub(crate) async fn remove(state: &AppState, call: &Call) -> ApiResult {
    let caller = app_bot(state, call).await?;
    let (file, external_id) = named(call, false)?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let id: String = tx
        .query_opt(
            &format!("UPDATE files f SET deleted = true WHERE {FIND} RETURNING f.id"),
            &[&caller.team_id, &file, &external_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("file_not_found"))?
        .get(0);
    let event = tombstone(&tx, &id).await?;
    emit_and_commit(state, tx, None, event).await
}

/// `files.remote.list`: the workspace's remote files, newest first, filtered by `channel`
/// (shared there), `ts_from` and `ts_to` (creation, inclusive), paged by `limit` and
/// `cursor`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["remote_files:read"]).await?;
    let channel = channel_filter(state, &caller, call).await?;
    let ts_from = call.args.seconds("ts_from", "invalid_ts")?;
    let ts_to = call.args.seconds("ts_to", "invalid_ts")?;
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "file")?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {FILE_COLUMNS} FROM files f
                 WHERE f.team_id = $1 AND f.external_id IS NOT NULL AND NOT f.deleted
                   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM file_shares s
                        WHERE s.file_id = f.id AND s.channel_id = $2))
                   AND ($3::bigint IS NULL OR f.created >= $3)
                   AND ($4::bigint IS NULL OR f.created <= $4)
                   AND ($5::text IS NULL OR (f.created, f.id) <= (
                        SELECT created, id FROM files WHERE id = $5))
                 ORDER BY f.created DESC, f.id DESC LIMIT $6"
            ),
            &[
                &caller.team_id,
                &channel,
                &ts_from,
                &ts_to,
                &after,
                &(limit + 1),
            ],
        )
        .await?;
    let rows: Vec<&Row> = rows.iter().collect();
    let mut files = answered_rows(state, &client, &rows).await?;
    let metadata = id_page(&mut files, limit, "file");
    reply([
        ("files", Value::Array(files)),
        ("response_metadata", metadata),
    ])
}

/// `files.remote.share`: posts a remote file (by `file`, `external_id` or both) into each of
/// `channels` (comma-separated ids) as the caller, answering the file with its shares.
///
/// # Errors
///
/// `invalid_arguments` without `channels`; `channel_not_found` for one the caller cannot
/// see, `not_in_channel` for one it is not in (`is_archived` for an archived one);
/// `file_not_found`.
pub(crate) async fn share(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["remote_files:share"]).await?;
    let named = named(call, true)?;
    let channels = call.args.list("channels");
    if channels.is_empty() {
        return Err(ApiError::invalid_arguments(
            "missing required field: channels",
        ));
    }
    let mut conversations = Vec::new();
    for channel in &channels {
        let conversation = resolve(state, &caller, channel, Naming::IdOnly).await?;
        conversation.check_member_of_open()?;
        conversations.push(conversation);
    }
    let mut client = state.kit.db().await?;
    let row = find(&client, &caller, &named).await?;
    let bare = answered_rows(state, &client, &[&row]).await?;
    let tx = client.transaction().await?;
    for conversation in &conversations {
        post_files(&tx, &caller, conversation, &bare, NewMessage::default()).await?;
    }
    state.commit(tx).await?;
    let row = find(&client, &caller, &named).await?;
    answer(state, &client, &row).await
}

/// The remote files `message`'s blocks show (`{"type": "file", "external_id", "source":
/// "remote"}`), as `(external_id, JSON pointer)`; none for a message without such a block.
pub(crate) fn shown_files(message: &NewMessage) -> Vec<(String, String)> {
    message
        .blocks
        .as_deref()
        .filter(|blocks| blocks.contains("\"file\""))
        .and_then(|blocks| serde_json::from_str(blocks).ok())
        .map(|blocks: Value| remote_file_ids(&blocks))
        .unwrap_or_default()
}

/// Posts `message`, whose blocks show the remote files `shown` ([`shown_files`]), into
/// `conversation` as the caller: with the files, as `files.remote.share` posts one (each
/// file's share recorded, `file_shared` sent); answers the message.
///
/// # Errors
///
/// `invalid_blocks` naming each block whose `external_id` is no live remote file of the
/// workspace; as [`post_files`].
pub(crate) async fn post_showing(
    state: &AppState,
    caller: &Caller,
    conversation: &Conversation,
    message: NewMessage,
    shown: &[(String, String)],
) -> Result<Value, ApiError> {
    let mut ids: Vec<&str> = shown.iter().map(|(id, _)| id.as_str()).collect();
    ids.dedup();
    let mut client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {FILE_COLUMNS} FROM files f WHERE f.team_id = $1
                   AND f.external_id = ANY($2) AND NOT f.deleted"
            ),
            &[&caller.team_id, &ids],
        )
        .await?;
    let row_of = |id: &str| {
        rows.iter()
            .find(|row| row.get::<_, Option<&str>>(12) == Some(id))
    };
    let unknown: Vec<String> = shown
        .iter()
        .filter(|(id, _)| row_of(id).is_none())
        .map(|(id, at)| format!("unknown remote file: {id} [json-pointer:{at}]"))
        .collect();
    if !unknown.is_empty() {
        return Err(refusal(&unknown));
    }
    let mut files: Vec<&Row> = Vec::new();
    for row in ids.iter().filter_map(|id| row_of(id)) {
        if !files
            .iter()
            .any(|seen| seen.get::<_, &str>(0) == row.get::<_, &str>(0))
        {
            files.push(row);
        }
    }
    let bare = answered_rows(state, &client, &files).await?;
    let tx = client.transaction().await?;
    let posted = post_files(&tx, caller, conversation, &bare, message).await?;
    state.commit(tx).await?;
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(query: &str) -> Call {
        Call {
            method: "files.remote.info".into(),
            headers: axum::http::HeaderMap::new(),
            args: crate::args::Args::parse(None, Some(query), b"").unwrap(),
        }
    }

    #[test]
    fn a_remote_file_is_named_by_one_id() {
        let ids =
            |query: &str, both| named(&call(query), both).map_err(|err| err.code().to_owned());
        assert_eq!(
            ids("file=F1", false).unwrap(),
            (Some("F1".to_owned()), None)
        );
        assert_eq!(
            ids("external_id=doc-1", false).unwrap(),
            (None, Some("doc-1".to_owned()))
        );
        assert_eq!(ids("", false).unwrap_err(), "invalid_arguments");
        assert_eq!(
            ids("file=&external_id=", true).unwrap_err(),
            "invalid_arguments"
        );
        assert_eq!(
            ids("file=F1&external_id=x", false).unwrap_err(),
            "too_many_ids"
        );
        assert!(ids("file=F1&external_id=x", true).is_ok());
    }
}
