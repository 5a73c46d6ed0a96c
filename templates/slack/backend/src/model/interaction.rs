//! Interactivity: what the clone sends an app when a person uses it (a slash command, a
//! click, a modal submitted or closed) and what those requests hand the app — a
//! `trigger_id` (three seconds, once: for `views.open`/`views.push`) and a `response_url`
//! (five uses in thirty minutes: a message back into the conversation).

use std::time::{Duration, SystemTime};

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::outbox::Signer;
use asym_kit::token::{random_alnum, random_digits, random_hex};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::hub::Undelivered;
use crate::model::event::AppIdentity;
use crate::model::message::{
    self, Edit, NewMessage, commit_edit, insert_ephemeral, insert_message,
};
use crate::model::socket;
use crate::ts::Ts;

/// The `settings` key of the app's Interactivity Request URL.
pub(crate) const INTERACTIVITY_URL: &str = "interactivity_url";

/// The `settings` key of the app's Options Load URL.
pub(crate) const OPTIONS_LOAD_URL: &str = "options_load_url";

/// How long Slack waits for an app to acknowledge a request.
pub(crate) const ACK_TIMEOUT: Duration = Duration::from_secs(3);

/// The `User-Agent` of Slack's requests to apps.
const USER_AGENT: &str = "Slackbot 1.0 (+https://api.slack.com/robots)";

/// How an app answered a request the clone sent it.
#[derive(Debug)]
pub(crate) struct Answer {
    /// Its HTTP status.
    pub(crate) status: StatusCode,
    /// Its body, as text.
    pub(crate) body: String,
}

impl Answer {
    /// Whether the app acknowledged (a 2xx).
    pub(crate) fn acknowledged(&self) -> bool {
        self.status.is_success()
    }

    /// The body as a JSON object, when it is one.
    pub(crate) fn json(&self) -> Option<Value> {
        serde_json::from_str::<Value>(&self.body)
            .ok()
            .filter(Value::is_object)
    }
}

/// POSTs `body` (of `content_type`) to `url` signed as Slack signs (`X-Slack-Signature`
/// `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` under `secret`, `X-Slack-Request-Timestamp`);
/// answers the app's [`Answer`], or `operation_timeout` / `dispatch_failed` when none came
/// within `timeout`.
pub(crate) async fn post_signed(
    state: &AppState,
    secret: &str,
    url: &str,
    content_type: &str,
    body: &str,
    timeout: Duration,
) -> Result<Answer, &'static str> {
    let mut request = state
        .kit
        .http()
        .post(url)
        .timeout(timeout)
        .header("content-type", content_type)
        .header("user-agent", USER_AGENT)
        .body(body.to_owned());
    for (name, value) in Signer::Slack.headers(secret, url, body, SystemTime::now()) {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            "operation_timeout"
        } else {
            "dispatch_failed"
        }
    })?;
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::OK);
    let body = response.text().await.unwrap_or_default();
    Ok(Answer { status, body })
}

/// Sends `payload` over the app's socket as an envelope of `kind` (`interactive`,
/// `slash_commands`) when Socket Mode is on, waiting for the ack as for an HTTP answer: the
/// ack's `payload` is the answer's body (`operation_timeout` without an ack in three seconds,
/// `dispatch_failed` when no connection is open). `None` when Socket Mode is off.
pub(crate) async fn over_socket(
    state: &AppState,
    kind: &str,
    payload: &Value,
) -> Option<Result<Answer, &'static str>> {
    let on = match state.kit.db().await {
        Ok(client) => socket::enabled(&client).await.unwrap_or(false),
        Err(_) => false,
    };
    if !on {
        return None;
    }
    // Slack lets these answer in their ack (a command's message, a submission's
    // response_action, options), not a click or a shortcut.
    let accepts = kind == "slash_commands"
        || matches!(
            payload["type"].as_str(),
            Some("view_submission" | "block_suggestion")
        );
    let ack = state
        .sockets
        .request(kind, payload.clone(), accepts, ACK_TIMEOUT)
        .await;
    Some(match ack {
        Ok(payload) => {
            let body = match payload {
                Value::Null => String::new(),
                Value::Object(fields) if fields.is_empty() => String::new(),
                Value::String(text) => text,
                other => other.to_string(),
            };
            Ok(Answer {
                status: StatusCode::OK,
                body,
            })
        }
        Err(Undelivered::NoConnection) => Err("dispatch_failed"),
        Err(Undelivered::Timeout) => Err("operation_timeout"),
    })
}

/// Sends an interaction `payload` to the app's Interactivity Request URL, as Slack does: a
/// signed form POST of `payload=<json>` (over its socket with Socket Mode on).
pub(crate) async fn send_payload(
    state: &AppState,
    app: &AppIdentity,
    url: &str,
    payload: &Value,
) -> Result<Answer, &'static str> {
    if let Some(answer) = over_socket(state, "interactive", payload).await {
        return answer;
    }
    let body = format!("payload={}", asym_kit::form::encode(&payload.to_string()));
    let form = "application/x-www-form-urlencoded";
    post_signed(state, &app.signing_secret, url, form, &body, ACK_TIMEOUT).await
}

/// The person acting, as interaction payloads name them.
#[derive(Debug)]
pub(crate) struct Person {
    /// `U…`.
    pub(crate) id: String,
    /// Their handle.
    pub(crate) name: String,
    /// Their workspace.
    pub(crate) team_id: String,
    /// The workspace's domain.
    pub(crate) team_domain: String,
}

impl Person {
    /// The payload's `user`.
    pub(crate) fn user_json(&self) -> Value {
        json!({
            "id": self.id,
            "username": self.name,
            "name": self.name,
            "team_id": self.team_id,
        })
    }

    /// The payload's `team`.
    pub(crate) fn team_json(&self) -> Value {
        json!({ "id": self.team_id, "domain": self.team_domain })
    }
}

/// The active person `id` (not a bot).
///
/// # Errors
///
/// 404 `user_not_found`; `internal_error` when Postgres fails.
pub(crate) async fn person(client: &impl GenericClient, id: &str) -> Result<Person, ApiError> {
    let row = client
        .query_opt(
            "SELECT u.id, u.name, u.team_id, t.domain FROM users u JOIN teams t ON t.id = u.team_id
             WHERE u.id = $1 AND NOT u.deleted AND NOT u.is_bot",
            &[&id],
        )
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, "user_not_found"))?;
    Ok(Person {
        id: row.get(0),
        name: row.get(1),
        team_id: row.get(2),
        team_domain: row.get(3),
    })
}

/// The URL kept in `settings` under `key`, if set.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn configured_url(
    client: &impl GenericClient,
    key: &str,
) -> Result<Option<String>, ApiError> {
    let row = client
        .query_opt("SELECT value FROM settings WHERE key = $1", &[&key])
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// Where the app takes requests of the kind `key` names: the URL kept in `settings`, or
/// `""` (the socket) for an app in Socket Mode without one.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
async fn destination(client: &impl GenericClient, key: &str) -> Result<Option<String>, ApiError> {
    let row = client
        .query_one(
            "SELECT COALESCE((SELECT value FROM settings WHERE key = $1),
                             (SELECT '' FROM socket_mode))",
            &[&key],
        )
        .await?;
    Ok(row.get(0))
}

/// The app's Interactivity Request URL (`""` in Socket Mode without one).
///
/// # Errors
///
/// 409 `interactivity_not_configured` when none is set.
pub(crate) async fn interactivity_url(client: &impl GenericClient) -> Result<String, ApiError> {
    destination(client, INTERACTIVITY_URL)
        .await?
        .ok_or_else(|| {
            ApiError::status(StatusCode::CONFLICT, "interactivity_not_configured").with(
                "message",
                "set the app's Interactivity Request URL first (POST /api/admin/interactivity)",
            )
        })
}

/// The app's Options Load URL (where external selects load their options; `""` in Socket
/// Mode without one).
///
/// # Errors
///
/// 409 `options_load_url_not_configured` when none is set.
pub(crate) async fn options_load_url(client: &impl GenericClient) -> Result<String, ApiError> {
    destination(client, OPTIONS_LOAD_URL).await?.ok_or_else(|| {
        ApiError::status(StatusCode::CONFLICT, "options_load_url_not_configured").with(
            "message",
            "set the app's Options Load URL first (optionsLoadUrl of POST /api/admin/interactivity)",
        )
    })
}

/// Mints a `trigger_id` for `user` (in Slack's shape, `<digits>.<digits>.<hex>`), from the
/// modal `view_id` when the interaction happened in one.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn mint_trigger(
    client: &impl GenericClient,
    user: &str,
    view_id: Option<&str>,
) -> Result<String, ApiError> {
    let id = format!(
        "{}.{}.{}",
        random_digits(13),
        random_digits(12),
        random_hex(32)
    );
    client
        .execute(
            "INSERT INTO triggers (id, user_id, view_id) VALUES ($1, $2, $3)",
            &[&id, &user, &view_id],
        )
        .await?;
    Ok(id)
}

/// What a `trigger_id` was minted for.
#[derive(Debug)]
pub(crate) struct Trigger {
    /// The person who interacted.
    pub(crate) user_id: String,
    /// The modal they interacted in, if any.
    pub(crate) view_id: Option<String>,
}

/// Exchanges `trigger_id` (once, within three seconds of its minting).
///
/// # Errors
///
/// `invalid_trigger_id` for one the clone never minted, `exchanged_trigger_id` for one
/// already used, `expired_trigger_id` past three seconds.
pub(crate) async fn exchange_trigger(
    tx: &Transaction<'_>,
    trigger_id: &str,
) -> Result<Trigger, ApiError> {
    let row = tx
        .query_opt(
            "SELECT user_id, view_id, used,
                    created > clock_timestamp() - interval '3 seconds'
             FROM triggers WHERE id = $1 FOR UPDATE",
            &[&trigger_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_trigger_id"))?;
    if row.get::<_, bool>(2) {
        return Err(ApiError::new("exchanged_trigger_id"));
    }
    if !row.get::<_, bool>(3) {
        return Err(ApiError::new("expired_trigger_id"));
    }
    tx.execute(
        "UPDATE triggers SET used = true WHERE id = $1",
        &[&trigger_id],
    )
    .await?;
    Ok(Trigger {
        user_id: row.get(0),
        view_id: row.get(1),
    })
}

/// Where a `response_url` posts: into `channel_id` (ephemeral messages to `user_id`); an
/// action's names the message clicked (`message_ts`).
#[derive(Debug)]
pub(crate) struct ResponseTarget {
    /// `commands` or `actions`.
    pub(crate) kind: &'static str,
    /// The conversation.
    pub(crate) channel_id: String,
    /// The person who interacted.
    pub(crate) user_id: String,
    /// The message clicked.
    pub(crate) message_ts: Option<String>,
    /// Whether that message is an ephemeral one (shown only to `user_id`).
    pub(crate) ephemeral: bool,
}

/// Mints a `response_url` on the clone for `target`:
/// `<public url>/hooks/<kind>/<team>/<digits>/<secret>`, as Slack's
/// `https://hooks.slack.com/commands/T…/…/…`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn mint_response_url(
    state: &AppState,
    client: &impl GenericClient,
    team_id: &str,
    target: &ResponseTarget,
) -> Result<String, ApiError> {
    let secret = random_alnum(24);
    client
        .execute(
            "INSERT INTO response_urls (secret, kind, channel_id, user_id, message_ts,
                                        ephemeral)
             VALUES ($1, $2, $3, $4, $5::text::numeric, $6)",
            &[
                &secret,
                &target.kind,
                &target.channel_id,
                &target.user_id,
                &target.message_ts,
                &target.ephemeral,
            ],
        )
        .await?;
    let base = &state.kit.config().public_url;
    Ok(format!(
        "{base}/hooks/{}/{team_id}/{}/{secret}",
        target.kind,
        random_digits(13)
    ))
}

/// Most uses of one `response_url`.
const RESPONSE_URL_USES: i32 = 5;

/// Uses the `response_url` of `secret` once: at most five times, within thirty minutes.
///
/// # Errors
///
/// 404 `expired_url` past thirty minutes or for an unknown URL, 404 `used_url` past five
/// uses.
pub(crate) async fn use_response_url(
    tx: &Transaction<'_>,
    secret: &str,
) -> Result<ResponseTarget, ApiError> {
    let row = tx
        .query_opt(
            "SELECT kind, channel_id, user_id, message_ts::text, uses,
                    created > clock_timestamp() - interval '30 minutes', ephemeral
             FROM response_urls WHERE secret = $1 FOR UPDATE",
            &[&secret],
        )
        .await?;
    let expired = || ApiError::status(StatusCode::NOT_FOUND, "expired_url");
    let row = row.ok_or_else(expired)?;
    if !row.get::<_, bool>(5) {
        return Err(expired());
    }
    if row.get::<_, i32>(4) >= RESPONSE_URL_USES {
        return Err(ApiError::status(StatusCode::NOT_FOUND, "used_url"));
    }
    tx.execute(
        "UPDATE response_urls SET uses = uses + 1 WHERE secret = $1",
        &[&secret],
    )
    .await?;
    let kind = if row.get::<_, &str>(0) == "actions" {
        "actions"
    } else {
        "commands"
    };
    Ok(ResponseTarget {
        kind,
        channel_id: row.get(1),
        user_id: row.get(2),
        message_ts: row.get(3),
        ephemeral: row.get(6),
    })
}

/// Posts what an app answers to a slash command, or sends to a `response_url`, as Slack
/// does: a JSON message (`text`, `blocks`, `attachments`, `thread_ts`) shown only to the
/// person (`response_type` `ephemeral`, the default) or posted in the conversation by the
/// app's bot (`in_channel`); for an action's, `replace_original` edits the message clicked
/// and `delete_original` deletes it. Answers what happened.
///
/// # Errors
///
/// 400 `invalid_payload` for a body that is not a JSON object; the content's errors
/// (`no_text`, `invalid_blocks`, …); `internal_error` when Postgres fails.
pub(crate) async fn respond(
    state: &AppState,
    tx: Transaction<'_>,
    target: &ResponseTarget,
    body: &Value,
) -> Result<Value, ApiError> {
    if !body.is_object() {
        return Err(ApiError::status(StatusCode::BAD_REQUEST, "invalid_payload"));
    }
    let args =
        crate::args::Args::parse(Some("application/json"), None, body.to_string().as_bytes())?;
    let call = crate::Call {
        method: "chat.postMessage".to_owned(),
        headers: axum::http::HeaderMap::new(),
        args,
    };
    let flag = |name: &str| call.args.flag(name).unwrap_or(false);
    let app = crate::model::event::app_identity(&tx).await?;
    let kind: String = tx
        .query_one(
            "SELECT kind FROM conversations WHERE id = $1",
            &[&target.channel_id],
        )
        .await?
        .get(0);
    let channel = (target.channel_id.as_str(), kind.as_str());
    let acts_on_original = flag("delete_original") || flag("replace_original");
    if let Some(ts) = target
        .message_ts
        .as_ref()
        .filter(|_| target.ephemeral && acts_on_original)
    {
        let draft = if flag("delete_original") {
            None
        } else {
            Some(NewMessage::draft(&call)?)
        };
        let changed =
            message::edit_ephemeral(&tx, channel.0, ts, &target.user_id, draft.as_ref()).await?;
        state.commit(tx).await?;
        let done = if draft.is_some() {
            "replaced"
        } else {
            "deleted"
        };
        return Ok(json!({ done: changed, "ephemeral": true, "channel": channel.0, "ts": ts }));
    }
    let original = match &target.message_ts {
        Some(ts) if acts_on_original => {
            let ts = Ts::parse(ts).ok_or_else(|| ApiError::new("message_not_found"))?;
            Some((ts, message::find(&tx, channel.0, ts, true).await?))
        }
        _ => None,
    };
    if let Some((ts, previous)) = original.as_ref().filter(|_| flag("delete_original")) {
        tx.execute(
            "DELETE FROM messages WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&channel.0, &ts.to_string()],
        )
        .await?;
        commit_edit(state, tx, channel, Edit::Deleted(*ts), previous.clone()).await?;
        return Ok(json!({ "deleted": true, "channel": channel.0, "ts": ts.to_string() }));
    }
    let mut draft = NewMessage::draft(&call)?;
    draft.user_id.clone_from(&app.bot_user);
    draft.bot_id = Some(app.bot_id.clone());
    draft.team_id.clone_from(&app.team_id);
    if let Some((ts, previous)) = original {
        tx.execute(
            "UPDATE messages SET text = $3, blocks = $4::text::json, attachments = $5::text::json,
                    edited_user = $6, edited_ts = round(extract(epoch FROM clock_timestamp()), 6)
             WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[
                &channel.0,
                &ts.to_string(),
                &draft.text,
                &draft.blocks,
                &draft.attachments,
                &app.bot_user,
            ],
        )
        .await?;
        let message = message::find(&tx, channel.0, ts, true).await?;
        commit_edit(state, tx, channel, Edit::Changed(message.clone()), previous).await?;
        return Ok(json!({ "replaced": true, "channel": channel.0, "message": message }));
    }
    if call.args.string("response_type").as_deref() == Some("in_channel") {
        let message = insert_message(&tx, channel.0, channel.1, &draft).await?;
        state.commit(tx).await?;
        return Ok(json!({
            "responseType": "in_channel", "channel": channel.0, "ts": message["ts"],
            "message": message,
        }));
    }
    let ts = insert_ephemeral(&tx, channel.0, &target.user_id, &draft).await?;
    state.commit(tx).await?;
    Ok(json!({
        "responseType": "ephemeral", "channel": channel.0, "ts": ts, "user": target.user_id,
        "message": {
            "type": "message", "subtype": "bot_message", "text": draft.text,
            "blocks": draft.blocks.and_then(|blocks| serde_json::from_str::<Value>(&blocks).ok()),
            "bot_id": app.bot_id, "user": app.bot_user,
        },
    }))
}
