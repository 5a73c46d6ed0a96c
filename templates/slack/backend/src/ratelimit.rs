//! Slack's per-method rate-limit tiers, off by default and switched on per clone through
//! `POST /api/admin/rate-limits` (the setting lives in the `settings` table, the counters
//! under the clone's Redis prefix, so a reset turns limits off and clears the counters).
//!
//! Windows are fixed: a tier's allowance per minute, `chat.postMessage`'s per channel per
//! second. A call past its allowance answers HTTP 429 `{"ok":false,"error":"ratelimited"}`
//! with `Retry-After` set to the seconds left in the window.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::error::ApiError;
use crate::{AppState, Call};

/// How a method is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Tier 1: 1+ per minute.
    One,
    /// Tier 2: 20+ per minute.
    Two,
    /// Tier 3: 50+ per minute.
    Three,
    /// Tier 4: 100+ per minute.
    Four,
    /// `chat.postMessage`: one message per second per channel.
    PostMessage,
}

/// The tier Slack documents for `method`.
pub(crate) fn tier(method: &str) -> Tier {
    match method {
        "chat.postMessage" => Tier::PostMessage,
        "apps.uninstall" => Tier::One,
        "conversations.list"
        | "conversations.create"
        | "conversations.archive"
        | "conversations.unarchive"
        | "conversations.rename"
        | "conversations.setTopic"
        | "conversations.setPurpose"
        | "users.list"
        | "reactions.remove"
        | "pins.add"
        | "pins.remove"
        | "pins.list"
        | "team.info"
        | "reactions.list"
        | "users.setPresence"
        | "conversations.close"
        | "usergroups.create"
        | "usergroups.list"
        | "usergroups.update"
        | "usergroups.disable"
        | "usergroups.enable"
        | "usergroups.users.list"
        | "usergroups.users.update"
        | "search.messages"
        | "emoji.list"
        | "reminders.add"
        | "reminders.info"
        | "reminders.list"
        | "reminders.complete"
        | "reminders.delete"
        | "bookmarks.add"
        | "bookmarks.edit"
        | "bookmarks.remove"
        | "dnd.setSnooze"
        | "dnd.endSnooze"
        | "dnd.endDnd"
        | "dnd.teamInfo"
        | "files.remote.add"
        | "files.remote.info"
        | "files.remote.list"
        | "files.remote.update"
        | "files.remote.remove"
        | "files.remote.share"
        | "stars.add"
        | "stars.remove"
        | "team.billableInfo"
        | "users.setPhoto"
        | "users.deletePhoto" => Tier::Two,
        "auth.test"
        | "api.test"
        | "chat.postEphemeral"
        | "chat.getPermalink"
        | "conversations.members"
        | "users.info"
        | "users.profile.get"
        | "files.getUploadURLExternal"
        | "files.completeUploadExternal"
        | "files.info"
        | "views.publish"
        | "views.update"
        | "views.open"
        | "views.push"
        | "dnd.info"
        | "apps.event.authorizations.list" => Tier::Four,
        _ => Tier::Three,
    }
}

/// The admin setting, as stored.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Limits {
    /// Whether limits apply at all.
    #[serde(default)]
    pub(crate) enabled: bool,
    /// Per-minute allowance by tier (`"1"`…`"4"`), overriding Slack's.
    #[serde(default)]
    pub(crate) tiers: HashMap<String, u64>,
    /// Per-window allowance by method, overriding its tier.
    #[serde(default)]
    pub(crate) methods: HashMap<String, u64>,
}

impl Limits {
    /// `(allowance, window in seconds)` for `method`.
    fn allowance(&self, method: &str) -> (u64, u64) {
        let tier = tier(method);
        let (default, window, key) = match tier {
            Tier::One => (1, 60, "1"),
            Tier::Two => (20, 60, "2"),
            Tier::Three => (50, 60, "3"),
            Tier::Four => (100, 60, "4"),
            Tier::PostMessage => (1, 1, ""),
        };
        let allowance = self
            .methods
            .get(method)
            .or_else(|| self.tiers.get(key))
            .copied()
            .unwrap_or(default);
        (allowance, window)
    }
}

/// Counts the call against its method's allowance.
///
/// # Errors
///
/// `ratelimited` (HTTP 429) past the allowance; `internal_error` when Redis fails.
pub(crate) async fn check(state: &AppState, call: &Call, setting: &str) -> Result<(), ApiError> {
    let Ok(limits) = serde_json::from_str::<Limits>(setting) else {
        return Ok(());
    };
    if !limits.enabled {
        return Ok(());
    }
    let (allowance, window) = limits.allowance(&call.method);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let slot = now / window;
    let scope = if tier(&call.method) == Tier::PostMessage {
        call.args.string("channel").unwrap_or_default()
    } else {
        String::new()
    };
    let key = state
        .kit
        .redis_key(&format!("rate:{}:{scope}:{slot}", call.method));
    let mut redis = state.kit.redis().await?;
    let (count,): (u64,) = asym_kit::redis::pipe()
        .atomic()
        .incr(&key, 1)
        .expire(&key, i64::try_from(window + 1).unwrap_or(61))
        .ignore()
        .query_async(&mut redis)
        .await
        .map_err(|err| ApiError::internal(&asym_kit::BackendError::Redis(err)))?;
    if count > allowance {
        let retry_after = (slot + 1) * window - now;
        return Err(ApiError::ratelimited(retry_after.max(1)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_fall_in_slacks_tiers() {
        assert_eq!(tier("chat.postMessage"), Tier::PostMessage);
        assert_eq!(tier("apps.uninstall"), Tier::One);
        assert_eq!(tier("conversations.list"), Tier::Two);
        assert_eq!(tier("conversations.history"), Tier::Three);
        assert_eq!(tier("users.info"), Tier::Four);
    }

    #[test]
    fn overrides_win_over_tiers() {
        let limits: Limits =
            serde_json::from_str(r#"{"enabled":true,"tiers":{"3":5},"methods":{"users.info":2}}"#)
                .unwrap();
        assert_eq!(limits.allowance("conversations.history"), (5, 60));
        assert_eq!(limits.allowance("users.info"), (2, 60));
        assert_eq!(limits.allowance("users.list"), (20, 60));
        assert_eq!(limits.allowance("chat.postMessage"), (1, 1));
    }
}
