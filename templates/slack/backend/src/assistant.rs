//! AI apps' assistant threads: `assistant.threads.setStatus`, `.setTitle` and
//! `.setSuggestedPrompts`. What they set only shows in Slack's clients, so nothing reads it
//! back; the clone keeps it in `assistant_threads`.

use serde_json::{Map, Value};

use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult};
use crate::model::conversation::{Conversation, Naming, resolve};
use crate::{AppState, Call};

/// Most suggested prompts, and most loading messages.
const MAX_PROMPTS: usize = 4;
const MAX_LOADING_MESSAGES: usize = 10;

/// The caller (holding `chat:write`, or the older `assistant:write`) and the conversation
/// of the call's `channel_id`, open and with the caller in it.
async fn thread_channel(state: &AppState, call: &Call) -> Result<(Caller, Conversation), ApiError> {
    let caller = caller_with(state, call, &["chat:write", "assistant:write"]).await?;
    let channel = call.args.non_empty_or("channel_id", "channel_not_found")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    conversation.check_member_of_open()?;
    Ok((caller, conversation))
}

/// The call's `thread_ts`, which `required` methods must send.
fn thread_ts(call: &Call, required: bool) -> Result<String, ApiError> {
    match call.args.ts("thread_ts", "invalid_thread_ts")? {
        Some(ts) => Ok(ts.to_string()),
        None if required => Err(ApiError::invalid_arguments(
            "missing required field: thread_ts",
        )),
        None => Ok("0".to_owned()),
    }
}

/// Writes `column` (`status` or `title`) of an assistant thread.
async fn set(
    state: &AppState,
    channel: &str,
    thread_ts: &str,
    column: &'static str,
    value: &str,
) -> Result<(), ApiError> {
    let client = state.kit.db().await?;
    let sql = format!(
        "INSERT INTO assistant_threads (channel_id, thread_ts, {column}, updated)
         VALUES ($1, $2::text::numeric, $3, extract(epoch FROM now())::bigint)
         ON CONFLICT (channel_id, thread_ts)
         DO UPDATE SET {column} = EXCLUDED.{column}, updated = EXCLUDED.updated"
    );
    client
        .execute(&sql, &[&channel, &thread_ts, &value])
        .await?;
    Ok(())
}

/// `assistant.threads.setStatus`: the app's status line in a thread (`""` clears it).
pub(crate) async fn set_status(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = thread_channel(state, call).await?;
    let thread_ts = thread_ts(call, true)?;
    if !call.args.has("status") {
        return Err(ApiError::invalid_arguments(
            "missing required field: status",
        ));
    }
    if call.args.list("loading_messages").len() > MAX_LOADING_MESSAGES {
        return Err(ApiError::invalid_arguments(
            "loading_messages takes at most 10 messages",
        ));
    }
    let status = call.args.string("status").unwrap_or_default();
    set(state, &conversation.id, &thread_ts, "status", &status).await?;
    Ok(Map::new())
}

/// `assistant.threads.setTitle`: a thread's title.
pub(crate) async fn set_title(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = thread_channel(state, call).await?;
    let thread_ts = thread_ts(call, true)?;
    let title = call.args.required("title")?;
    set(state, &conversation.id, &thread_ts, "title", &title).await?;
    Ok(Map::new())
}

/// `assistant.threads.setSuggestedPrompts`: up to four `{title, message}` prompts, for a
/// thread or (without `thread_ts`) the conversation.
pub(crate) async fn set_suggested_prompts(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = thread_channel(state, call).await?;
    let thread_ts = thread_ts(call, false)?;
    let prompts = match call.args.json("prompts", "invalid_arguments")? {
        Some(Value::Array(prompts)) if !prompts.is_empty() => prompts,
        _ => {
            return Err(ApiError::invalid_arguments(
                "missing required field: prompts",
            ));
        }
    };
    let well_formed = prompts.iter().all(|prompt| {
        ["title", "message"].iter().all(|key| {
            prompt
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty())
        })
    });
    if prompts.len() > MAX_PROMPTS || !well_formed {
        return Err(ApiError::invalid_arguments(
            "prompts takes 1 to 4 objects with a title and a message",
        ));
    }
    let client = state.kit.db().await?;
    client
        .execute(
            "INSERT INTO assistant_threads (channel_id, thread_ts, prompts, prompts_title, updated)
             VALUES ($1, $2::text::numeric, $3::text::json, $4, extract(epoch FROM now())::bigint)
             ON CONFLICT (channel_id, thread_ts)
             DO UPDATE SET prompts = EXCLUDED.prompts, prompts_title = EXCLUDED.prompts_title,
                           updated = EXCLUDED.updated",
            &[
                &conversation.id,
                &thread_ts,
                &Value::Array(prompts).to_string(),
                &call.args.non_empty("title"),
            ],
        )
        .await?;
    Ok(Map::new())
}
