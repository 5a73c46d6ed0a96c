//! Channel bookmarks: `bookmarks.add`, `.edit`, `.list`, `.remove` (links only, as Slack's
//! API takes them).

use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{Conversation, Naming, resolve};
use crate::{AppState, Call};

/// The columns [`bookmark_json`] reads over `bookmarks k`.
const COLUMNS: &str = "k.id, k.channel_id, k.title, k.link, k.emoji, k.app_id, k.position,
    k.date_created, k.date_updated, k.updated_by, k.team_id";

/// The bookmark object.
fn bookmark_json(row: &Row) -> Value {
    json!({
        "id": row.get::<_, String>(0),
        "channel_id": row.get::<_, String>(1),
        "title": row.get::<_, String>(2),
        "link": row.get::<_, String>(3),
        "emoji": row.get::<_, Option<String>>(4),
        "icon_url": null,
        "type": "link",
        "entity_id": null,
        "date_created": row.get::<_, i64>(7),
        "date_updated": row.get::<_, i64>(8),
        "rank": rank(row.get(6)),
        "last_updated_by_user_id": row.get::<_, String>(9),
        "last_updated_by_team_id": row.get::<_, String>(10),
        "shortcut_id": null,
        "app_id": row.get::<_, Option<String>>(5),
    })
}

/// A bookmark's `rank`: its position as lower-case letters, which sort as the positions do.
fn rank(position: i64) -> String {
    let mut digits = Vec::new();
    let mut n = position.max(0);
    loop {
        digits.push(char::from(b'a' + u8::try_from(n % 26).unwrap_or(0)));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    let pad = 4usize.saturating_sub(digits.len());
    std::iter::repeat_n('a', pad)
        .chain(digits.into_iter().rev())
        .collect()
}

/// The caller, holding `scope`, and the conversation of the call's `channel_id`.
async fn channel(
    state: &AppState,
    call: &Call,
    scope: &str,
) -> Result<(Caller, Conversation), ApiError> {
    let caller = caller_with(state, call, &[scope]).await?;
    let channel = call.args.non_empty_or("channel_id", "channel_not_found")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    Ok((caller, conversation))
}

/// [`channel`] for a change: `bookmarks:write`, in an open conversation the caller is in.
async fn writable(state: &AppState, call: &Call) -> Result<(Caller, Conversation), ApiError> {
    let (caller, conversation) = channel(state, call, "bookmarks:write").await?;
    conversation.check_member_of_open()?;
    Ok((caller, conversation))
}

/// `link` as Slack accepts it: `http://` or `https://`.
fn checked_link(link: &str) -> Result<String, ApiError> {
    let link = link.trim();
    if link.starts_with("http://") || link.starts_with("https://") {
        Ok(link.to_owned())
    } else {
        Err(ApiError::new("invalid_link"))
    }
}

/// The call's `emoji`, if any, checked.
fn emoji_arg(call: &Call) -> Result<Option<String>, ApiError> {
    call.args
        .non_empty("emoji")
        .map(|e| checked_emoji(&e))
        .transpose()
}

/// `emoji` as Slack accepts it: `:name:`.
fn checked_emoji(emoji: &str) -> Result<String, ApiError> {
    let name = emoji
        .trim()
        .strip_prefix(':')
        .and_then(|e| e.strip_suffix(':'));
    match name {
        Some(name)
            if !name.is_empty()
                && name.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '+')
                }) =>
        {
            Ok(emoji.trim().to_owned())
        }
        _ => Err(ApiError::new("invalid_emoji")),
    }
}

/// `bookmarks.add`: a link bookmark at the end of a channel's bookmarks.
pub(crate) async fn add(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    let title = call.args.required("title")?;
    if call.args.required("type")? != "link" {
        return Err(ApiError::new("invalid_bookmark_type"));
    }
    let link = checked_link(&call.args.required("link")?)?;
    let emoji = emoji_arg(call)?;
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO bookmarks AS k (channel_id, team_id, title, link, emoji, app_id,
                                             position, date_created, updated_by)
                 VALUES ($1, $2, $3, $4, $5, (SELECT app_id FROM bots WHERE id = $6),
                         (SELECT COALESCE(max(position) + 1, 0) FROM bookmarks
                          WHERE channel_id = $1),
                         extract(epoch FROM now())::bigint, $7)
                 RETURNING {COLUMNS}"
            ),
            &[
                &conversation.id,
                &caller.team_id,
                &title,
                &link,
                &emoji,
                &caller.bot_id,
                &caller.user_id,
            ],
        )
        .await?;
    reply([("bookmark", bookmark_json(&row))])
}

/// `bookmarks.edit`: a new `title`, `link` or `emoji`.
pub(crate) async fn edit(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    let id = call.args.non_empty_or("bookmark_id", "not_found")?;
    let link = call
        .args
        .non_empty("link")
        .map(|l| checked_link(&l))
        .transpose()?;
    let emoji = emoji_arg(call)?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!(
                "UPDATE bookmarks AS k SET title = COALESCE($3, title), link = COALESCE($4, link),
                        emoji = COALESCE($5, emoji), updated_by = $6,
                        date_updated = extract(epoch FROM now())::bigint
                 WHERE k.id = $1 AND k.channel_id = $2
                 RETURNING {COLUMNS}"
            ),
            &[
                &id.trim(),
                &conversation.id,
                &call.args.non_empty("title"),
                &link,
                &emoji,
                &caller.user_id,
            ],
        )
        .await?
        .ok_or_else(|| ApiError::new("not_found"))?;
    reply([("bookmark", bookmark_json(&row))])
}

/// `bookmarks.list`: a channel's bookmarks, in order.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = channel(state, call, "bookmarks:read").await?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM bookmarks k WHERE k.channel_id = $1
                 ORDER BY k.position, k.id"
            ),
            &[&conversation.id],
        )
        .await?;
    reply([("bookmarks", rows.iter().map(bookmark_json).collect())])
}

/// `bookmarks.remove`: takes a bookmark off its channel.
pub(crate) async fn remove(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = writable(state, call).await?;
    let id = call.args.non_empty_or("bookmark_id", "not_found")?;
    let client = state.kit.db().await?;
    let removed = client
        .execute(
            "DELETE FROM bookmarks WHERE id = $1 AND channel_id = $2",
            &[&id.trim(), &conversation.id],
        )
        .await?;
    if removed == 0 {
        return Err(ApiError::new("not_found"));
    }
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_sort_as_positions_do() {
        let ranks: Vec<String> = [0, 1, 25, 26, 676].into_iter().map(rank).collect();
        assert_eq!(ranks, ["aaaa", "aaab", "aaaz", "aaba", "abaa"]);
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(sorted, ranks);
    }

    #[test]
    fn links_and_emoji_are_checked() {
        assert!(checked_link("https://example.com").is_ok());
        assert_eq!(
            checked_link("example.com").unwrap_err().code(),
            "invalid_link"
        );
        assert!(checked_emoji(":clap:").is_ok());
        assert_eq!(checked_emoji("clap").unwrap_err().code(), "invalid_emoji");
    }
}
