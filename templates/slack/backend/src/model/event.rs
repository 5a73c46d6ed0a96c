//! Events: queueing an Events API event in the transaction of the change it describes.

use asym_kit::deadpool_postgres::Transaction;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// The Events API subscription name of a message event in a conversation of `kind`.
pub(crate) fn message_subscription(kind: &str) -> &'static str {
    match kind {
        "public_channel" => "message.channels",
        "private_channel" => "message.groups",
        "mpim" => "message.mpim",
        _ => "message.im",
    }
}

/// The `channel_type` of message events for a conversation of `kind`.
pub(crate) fn channel_type(kind: &str) -> &'static str {
    match kind {
        "public_channel" => "channel",
        "private_channel" => "group",
        "mpim" => "mpim",
        _ => "im",
    }
}

/// Queues `event` (the inner `event` object) under subscription name `subscription`, if a
/// subscription wants it; `channel` limits it to the bot's conversations.
///
/// # Errors
///
/// `internal_error` when the insert fails.
pub(crate) async fn emit(
    tx: &Transaction<'_>,
    subscription: &str,
    channel: Option<&str>,
    event: &Value,
) -> Result<(), ApiError> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO event_deliveries (event_id, event_type, payload)
             SELECT slack_id('Ev', nextval('event_id_seq')), $1, $2
             FROM event_subscriptions s
             WHERE (cardinality(s.event_types) = 0 OR $1 = ANY(s.event_types)
                    OR split_part($1, '.', 1) = ANY(s.event_types))
               AND ($3::text IS NULL OR EXISTS (
                    SELECT 1 FROM conversation_members cm JOIN bots b ON b.user_id = cm.user_id
                    WHERE cm.conversation_id = $3))",
        )
        .await?;
    tx.execute(&statement, &[&subscription, &event.to_string(), &channel])
        .await?;
    Ok(())
}

/// Stamps `event` with its `event_ts`, queues it under its own `type` (as [`emit`] does,
/// `channel` limiting it to the bot's conversations), commits `tx` and answers Slack's bare
/// success: how a call ends whose change one event tells (reactions, pins, file deletion).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn emit_and_commit(
    state: &AppState,
    tx: Transaction<'_>,
    channel: Option<&str>,
    mut event: Value,
) -> ApiResult {
    event["event_ts"] = json!(crate::ts::event_ts());
    let subscription = event["type"].as_str().unwrap_or_default();
    emit(&tx, subscription, channel, &event).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// The event of a message: the message object plus `channel`, `event_ts` and
/// `channel_type`.
pub(crate) fn message_event(message: &Value, channel: &str, kind: &str) -> Value {
    let mut event = message.clone();
    if let Value::Object(fields) = &mut event {
        fields.insert("channel".into(), json!(channel));
        let ts = fields.get("ts").cloned().unwrap_or(Value::Null);
        fields.insert("event_ts".into(), ts);
        fields.insert("channel_type".into(), json!(channel_type(kind)));
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_events_name_their_channel() {
        let event = message_event(
            &json!({"type": "message", "ts": "1.000001", "text": "hi"}),
            "C1",
            "private_channel",
        );
        assert_eq!(event["channel"], "C1");
        assert_eq!(event["event_ts"], "1.000001");
        assert_eq!(event["channel_type"], "group");
        assert_eq!(message_subscription("im"), "message.im");
    }
}
