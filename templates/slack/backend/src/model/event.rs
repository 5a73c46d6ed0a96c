//! Events: queueing an Events API event in the transaction of the change it describes, as
//! the `event_callback` Slack posts to the app's Request URL, in the kit's outbox (signed
//! `v0=` at send time, retried on the subscription's delays with `X-Slack-Retry-Num`).

use std::sync::LazyLock;
use std::time::Duration;

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::outbox::{self, Delivery, Signer};
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::model::socket;

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

/// The topic of Events API deliveries in the kit's outbox.
pub(crate) const TOPIC: &str = "events";

/// The `User-Agent` Slack's event requests carry.
const USER_AGENT: &str = "Slackbot 1.0 (+https://api.slack.com/robots)";

/// The installed app, as event envelopes name it.
pub(crate) struct AppIdentity {
    /// Signs every request Slack sends the app.
    pub(crate) signing_secret: String,
    /// The legacy verification token envelopes carry.
    pub(crate) verification_token: String,
    /// The workspace.
    pub(crate) team_id: String,
    /// The app (`A…`).
    pub(crate) app_id: String,
    /// The app's bot user (`U…`).
    pub(crate) bot_user: String,
    /// The app's bot (`B…`).
    pub(crate) bot_id: String,
}

/// The columns [`AppIdentity::from_row`] reads, from `bots b`.
const APP_COLUMNS: &str = "COALESCE((SELECT value FROM settings WHERE key = 'signing_secret'), ''),
    COALESCE((SELECT value FROM settings WHERE key = 'verification_token'), ''),
    b.team_id, b.app_id, b.user_id, b.id";

impl AppIdentity {
    /// Reads [`APP_COLUMNS`] starting at column `at`.
    fn from_row(row: &Row, at: usize) -> Self {
        Self {
            signing_secret: row.get(at),
            verification_token: row.get(at + 1),
            team_id: row.get(at + 2),
            app_id: row.get(at + 3),
            bot_user: row.get(at + 4),
            bot_id: row.get(at + 5),
        }
    }

    /// The `event_callback` envelope Slack posts for `event` on this app's behalf.
    fn envelope(&self, event: &Value, event_id: &str, event_time: i64) -> String {
        json!({
            "token": self.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": null,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": event_time,
            "authorizations": [{
                "enterprise_id": null,
                "team_id": self.team_id,
                "user_id": self.bot_user,
                "is_bot": true,
                "is_enterprise_install": false,
            }],
            "is_ext_shared_channel": false,
            "event_context": event_context(&self.team_id, event_id),
        })
        .to_string()
    }
}

/// The `event_context` of event `event_id` in workspace `team`: an opaque string (`4-` and
/// base64), as Slack's.
pub(crate) fn event_context(team: &str, event_id: &str) -> String {
    format!(
        "4-{}",
        asym_kit::cursor::encode(&format!("{team}:{event_id}"))
    )
}

/// The workspace of an [`event_context`], when it is one (its event id in Slack's shape).
pub(crate) fn context_team(context: &str) -> Option<String> {
    let inner = asym_kit::cursor::decode(context.strip_prefix("4-")?).ok()?;
    let (team, event) = inner.split_once(':')?;
    let id = event.strip_prefix("Ev")?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| team.to_owned())
}

/// The installed app (its bot of lowest id).
///
/// # Errors
///
/// `internal_error` when the query fails or no bot is installed.
pub(crate) async fn app_identity(client: &impl GenericClient) -> Result<AppIdentity, ApiError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {APP_COLUMNS} FROM bots b WHERE NOT b.deleted ORDER BY b.id LIMIT 1")
    });
    let row = client.query_one(SQL.as_str(), &[]).await?;
    Ok(AppIdentity::from_row(&row, 0))
}

/// Queues `event` (the inner `event` object) under subscription name `subscription`, if a
/// subscription wants it; `channel` limits it to the bot's conversations. With Socket Mode
/// on, it is queued for the app's socket instead (whatever Request URL is set).
///
/// # Errors
///
/// `internal_error` when a statement fails.
pub(crate) async fn emit(
    tx: &Transaction<'_>,
    subscription: &str,
    channel: Option<&str>,
    event: &Value,
) -> Result<(), ApiError> {
    // One look when nothing is subscribed (most tests): the event id is drawn only when the
    // subscription wants the event, and only once the writers' lock is held, so that a reset
    // (which rewinds `event_id_seq`) cannot hand the same id out again. Built once: every
    // post emits.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT s.request_url, s.retry_delays_ms, s.timeout_ms,
                extract(epoch FROM now())::bigint, {APP_COLUMNS}
         FROM (SELECT NULL::text AS request_url, event_types, retry_delays_ms,
                      ack_timeout_ms AS timeout_ms, 0 AS socket_first FROM socket_mode
               UNION ALL
               SELECT request_url, event_types, retry_delays_ms, timeout_ms, 1
               FROM event_subscriptions
               ORDER BY socket_first LIMIT 1) s
         JOIN LATERAL (SELECT * FROM bots WHERE NOT deleted ORDER BY id LIMIT 1) b ON true
         WHERE (cardinality(s.event_types) = 0 OR $1 = ANY(s.event_types)
                OR split_part($1, '.', 1) = ANY(s.event_types))
           AND ($2::text IS NULL OR EXISTS (
                SELECT 1 FROM conversation_members cm WHERE cm.user_id = b.user_id
                  AND cm.conversation_id = $2))"
        )
    });
    let statement = tx.prepare_cached(SQL.as_str()).await?;
    let Some(row) = tx.query_opt(&statement, &[&subscription, &channel]).await? else {
        return Ok(());
    };
    let (url, delays, timeout_ms): (Option<String>, Vec<i32>, i32) =
        (row.get(0), row.get(1), row.get(2));
    let event_time: i64 = row.get(3);
    let app = AppIdentity::from_row(&row, 4);
    asym_kit::hold_writers(tx).await?;
    let drawn = tx
        .prepare_cached("SELECT slack_id('Ev', nextval('event_id_seq'))")
        .await?;
    let event_id: String = tx.query_one(&drawn, &[]).await?.get(0);
    let envelope = app.envelope(event, &event_id, event_time);
    // Socket Mode on: the event goes over the app's socket, not to a Request URL.
    let Some(url) = url else {
        return socket::enqueue(tx, subscription, &envelope).await;
    };
    let delivery = Delivery::new(
        TOPIC,
        subscription,
        url,
        Signer::Slack,
        app.signing_secret,
        envelope,
    )
    .header("User-Agent", USER_AGENT)
    .retry_delays_ms(delays)
    .timeout(Duration::from_millis(
        u64::try_from(timeout_ms).unwrap_or(3000),
    ));
    outbox::enqueue(tx, &delivery).await?;
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

/// Queues the `app_mention` event of `message` (as [`message_event`] built it) when its text
/// mentions the app's bot user (`<@U…>`): a person's or another bot's post, not a system
/// message and not the app's own post. Costs a query only when the text mentions someone.
///
/// # Errors
///
/// `internal_error` when a statement fails.
pub(crate) async fn emit_app_mention(
    tx: &Transaction<'_>,
    channel: &str,
    event: &Value,
) -> Result<(), ApiError> {
    let text = event["text"].as_str().unwrap_or_default();
    let posted = matches!(event["subtype"].as_str(), None | Some("thread_broadcast"));
    if !posted || !text.contains("<@") {
        return Ok(());
    }
    let app = app_identity(tx).await?;
    let mentions = text.contains(&format!("<@{}>", app.bot_user))
        || text.contains(&format!("<@{}|", app.bot_user));
    if !mentions || event["user"].as_str() == Some(app.bot_user.as_str()) {
        return Ok(());
    }
    let mut mention = event.clone();
    if let Value::Object(fields) = &mut mention {
        fields.insert("type".into(), json!("app_mention"));
        fields.remove("subtype");
        fields.remove("channel_type");
    }
    emit(tx, "app_mention", Some(channel), &mention).await
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

    /// An event's id is drawn only once the writers' lock is held: an emit racing a reset
    /// (which holds the lock while it rewinds `event_id_seq`) waits for it, so it cannot keep
    /// an id the reset hands out again. Whatever the transaction wrote before (here nothing).
    #[asym::clone("slack", seed = "basic")]
    async fn emit_draws_no_event_id_during_a_reset(slack: asym::Slack) {
        let url = slack.database_url().to_owned();
        let kit = asym_kit::testing::kit_on("slack-emit-under-reset", &url);
        let client = kit.db().await.expect("the clone's database");
        client
            .execute(
                "INSERT INTO event_subscriptions (request_url, created)
                 VALUES ('http://127.0.0.1:9/events', 0)
                 ON CONFLICT (id) DO UPDATE SET event_types = '{}'",
                &[],
            )
            .await
            .expect("a subscription to every event");
        drop(client);
        asym_kit::testing::draws_no_id_during_a_reset(&url, "event_id_seq", async move {
            let mut client = kit.db().await.expect("a connection");
            let tx = client.transaction().await.expect("a transaction");
            let event = json!({ "type": "tokens_revoked", "tokens": { "oauth": ["U0000000001"] } });
            emit(&tx, "tokens_revoked", None, &event)
                .await
                .expect("the event queued");
            tx.commit().await.expect("the write committed");
        })
        .await;
    }
}
