//! System messages: what Slack itself posts into a channel when someone joins or leaves it,
//! or when it is renamed, given a topic or purpose, archived or unarchived.
//!
//! They are messages like any other — in `conversations.history`, delivered as `message`
//! events (`message.channels` / `message.groups`) to an app whose bot is in the channel — told
//! apart by `subtype`, with the acting user in `user`, a `text` written for people, and the
//! fields Slack documents for each subtype (`inviter`, `old_name` and `name`, `topic`,
//! `purpose`). Private channels get the same `channel_*` subtypes as public ones, as in
//! today's Slack; group DMs and DMs get none.

use asym_kit::deadpool_postgres::Transaction;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::model::message::{NewMessage, SystemFields, insert_message};

/// What happened to a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change<'a> {
    /// The user joined, or was added by `inviter` (`conversations.invite`).
    Joined {
        /// Who invited them, if someone did.
        inviter: Option<&'a str>,
    },
    /// The user left, or was removed (`conversations.kick`).
    Left,
    /// The user renamed the channel.
    Renamed {
        /// The name before.
        from: &'a str,
        /// The name now.
        to: &'a str,
    },
    /// The user set the topic (empty: cleared it).
    Topic(&'a str),
    /// The user set the purpose (empty: cleared it).
    Purpose(&'a str),
    /// The user archived the channel.
    Archived,
    /// The user unarchived the channel.
    Unarchived,
}

/// The `subtype`, `text` and extra top-level fields of the message Slack posts when `user`
/// makes `change`.
pub(crate) fn message(
    user: &str,
    change: Change<'_>,
) -> (&'static str, String, Map<String, Value>) {
    let who = format!("<@{user}>");
    let mut extras = Map::new();
    let (subtype, text) = match change {
        Change::Joined { inviter } => {
            if let Some(inviter) = inviter {
                extras.insert("inviter".into(), json!(inviter));
            }
            ("channel_join", format!("{who} has joined the channel"))
        }
        Change::Left => ("channel_leave", format!("{who} has left the channel")),
        Change::Renamed { from, to } => {
            extras.insert("old_name".into(), json!(from));
            extras.insert("name".into(), json!(to));
            (
                "channel_name",
                format!("{who} has renamed the channel from \"{from}\" to \"{to}\""),
            )
        }
        Change::Topic(value) | Change::Purpose(value) => {
            let (field, subtype) = if matches!(change, Change::Topic(_)) {
                ("topic", "channel_topic")
            } else {
                ("purpose", "channel_purpose")
            };
            extras.insert(field.into(), json!(value));
            let text = if value.is_empty() {
                format!("{who} cleared channel {field}")
            } else {
                format!("{who} set the channel {field}: {value}")
            };
            (subtype, text)
        }
        Change::Archived => ("channel_archive", format!("{who} archived the channel")),
        Change::Unarchived => (
            "channel_unarchive",
            format!("{who} un-archived the channel"),
        ),
    };
    (subtype, text, extras)
}

/// Posts the system message for `change` by `user` into channel `channel` (of `kind`) and
/// queues its `message` event, inside `tx`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn post(
    tx: &Transaction<'_>,
    channel: &str,
    kind: &str,
    team: &str,
    user: &str,
    change: Change<'_>,
) -> Result<(), ApiError> {
    let (subtype, text, extras) = message(user, change);
    let message = NewMessage {
        user_id: user.to_owned(),
        team_id: team.to_owned(),
        text,
        mrkdwn: true,
        system: Some(SystemFields {
            subtype: Some(subtype),
            extras: (!extras.is_empty()).then(|| Value::Object(extras).to_string()),
        }),
        ..NewMessage::default()
    };
    insert_message(tx, channel, kind, &message).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(change: Change<'_>) -> String {
        message("U1", change).1
    }

    #[test]
    fn texts_read_as_slack_writes_them() {
        assert_eq!(
            text(Change::Joined { inviter: None }),
            "<@U1> has joined the channel"
        );
        assert_eq!(text(Change::Left), "<@U1> has left the channel");
        assert_eq!(
            text(Change::Renamed {
                from: "random",
                to: "watercooler"
            }),
            "<@U1> has renamed the channel from \"random\" to \"watercooler\""
        );
        assert_eq!(
            text(Change::Topic("hello world")),
            "<@U1> set the channel topic: hello world"
        );
        assert_eq!(text(Change::Topic("")), "<@U1> cleared channel topic");
        assert_eq!(
            text(Change::Purpose("whatever")),
            "<@U1> set the channel purpose: whatever"
        );
        assert_eq!(text(Change::Purpose("")), "<@U1> cleared channel purpose");
        assert_eq!(text(Change::Archived), "<@U1> archived the channel");
        assert_eq!(text(Change::Unarchived), "<@U1> un-archived the channel");
    }

    #[test]
    fn subtypes_carry_their_documented_fields() {
        let (subtype, _, extras) = message(
            "U1",
            Change::Joined {
                inviter: Some("U2"),
            },
        );
        assert_eq!(subtype, "channel_join");
        assert_eq!(Value::Object(extras), json!({"inviter": "U2"}));
        let (_, _, extras) = message("U1", Change::Joined { inviter: None });
        assert!(extras.is_empty());
        let (subtype, _, extras) = message("U1", Change::Renamed { from: "a", to: "b" });
        assert_eq!(subtype, "channel_name");
        let keys: Vec<&String> = extras.keys().collect();
        assert_eq!(keys, ["old_name", "name"]);
        let (subtype, _, extras) = message("U1", Change::Purpose("p"));
        assert_eq!(subtype, "channel_purpose");
        assert_eq!(Value::Object(extras), json!({"purpose": "p"}));
        assert_eq!(message("U1", Change::Topic("t")).0, "channel_topic");
        assert_eq!(message("U1", Change::Left).0, "channel_leave");
        assert_eq!(message("U1", Change::Archived).0, "channel_archive");
        assert_eq!(message("U1", Change::Unarchived).0, "channel_unarchive");
    }
}
