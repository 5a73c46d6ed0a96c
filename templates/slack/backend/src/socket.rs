//! Socket Mode: `apps.connections.open` (an app-level token with `connections:write`
//! answers a `ws://` URL with a one-use ticket), the WebSocket served there (a `hello`, then
//! the app's envelopes: `events_api` from the queue in `model::socket`, `interactive` and
//! `slash_commands` from `model::interaction`; the client's acks; pings; `disconnect` when
//! the clone refreshes or ends the link) and the admin routes that switch it on and off.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use crate::admin::{AdminResult, delivery_schedule, invalid, json_body};
use crate::error::{ApiError, ApiResult};
use crate::hub::Outgoing;
use crate::model::event::app_identity;
use crate::model::socket::{
    CONNECTIONS_WRITE, claim_due, envelopes, mint_ticket, require_app_token, use_ticket,
};
use crate::{AppState, Call};

/// Socket Mode's routes: the WebSocket and the admin switch.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/link", get(link))
        .route("/link/", get(link))
        .route(
            "/api/admin/socket-mode",
            get(get_mode).post(set_mode).delete(unset_mode),
        )
        .route("/api/admin/socket-mode/envelopes", get(list_envelopes))
        .route("/api/admin/socket-mode/refresh", post(refresh))
}

/// How often a connection looks for envelopes due (a write that queues one wakes it at once).
const POLL: Duration = Duration::from_millis(250);

/// How often the clone pings a connection, as Slack's servers do.
const PING: Duration = Duration::from_secs(10);

/// How long a connection told to `disconnect` waits for the client to close it.
const FAREWELL: Duration = Duration::from_secs(5);

/// The host `debug_info` names.
const HOST: &str = "applink-asym";

/// `apps.connections.open`: an app-level token with `connections:write` gets the URL of a
/// new connection, `ws://<clone>/link/?ticket=…&app_id=A…` (Slack's is
/// `wss://wss-primary.slack.com/link/?ticket=…&app_id=…`).
pub(crate) async fn connections_open(state: &AppState, call: &Call) -> ApiResult {
    require_app_token(state, call, CONNECTIONS_WRITE).await?;
    let client = state.kit.db().await?;
    let ticket = mint_ticket(&client).await?;
    let app = app_identity(&client).await?;
    let public = &state.kit.config().public_url;
    let base = match public.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", public.trim_start_matches("http://")),
    };
    let url = format!("{base}/link/?ticket={ticket}&app_id={}", app.app_id);
    Ok(Map::from_iter([("url".to_owned(), json!(url))]))
}

/// `GET /link/?ticket=…`: the WebSocket of a ticket from `apps.connections.open` (once).
/// 400 `invalid_arguments` for a request that is not a WebSocket upgrade, 401 `invalid_auth`
/// for a ticket the clone did not hand out or that was used.
async fn link(State(state): State<AppState>, mut request: Request) -> Response {
    let Some(accept) = accept_key(request.headers()) else {
        return ApiError::status(StatusCode::BAD_REQUEST, "invalid_arguments")
            .with("message", "a WebSocket upgrade (version 13) is expected")
            .into_response();
    };
    let query = request.uri().query().unwrap_or_default().as_bytes();
    let params = asym_kit::form::parse(query);
    let param = |wanted: &str| {
        params
            .iter()
            .find_map(|(name, value)| (name == wanted).then_some(value.as_str()))
    };
    let ticket = param("ticket").unwrap_or_default().to_owned();
    let debug = param("debug_reconnects") == Some("true");
    let opened = async {
        let client = state.kit.db().await?;
        if !use_ticket(&client, &ticket).await? {
            return Err(ApiError::status(StatusCode::UNAUTHORIZED, "invalid_auth"));
        }
        let lifetime = if debug {
            Some(debug_lifetime(&client).await?)
        } else {
            None
        };
        Ok((app_identity(&client).await?.app_id, lifetime))
    }
    .await;
    let (app_id, lifetime) = match opened {
        Ok(opened) => opened,
        Err(err) => return err.into_response(),
    };
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else {
            return;
        };
        let io = TokioIo::new(upgraded);
        let socket = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
        serve(state, socket, app_id, lifetime).await;
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(CONNECTION, "Upgrade")
        .header(UPGRADE, "websocket")
        .header(SEC_WEBSOCKET_ACCEPT, accept)
        .body(Body::empty())
        .unwrap_or_default()
}

/// The `Sec-WebSocket-Accept` of a WebSocket upgrade request, `None` when it is not one.
fn accept_key(headers: &HeaderMap) -> Option<String> {
    let says = |name, wanted: &str| {
        headers.get_all(name).iter().any(|value| {
            value.to_str().is_ok_and(|value| {
                value
                    .split(',')
                    .any(|v| v.trim().eq_ignore_ascii_case(wanted))
            })
        })
    };
    let version = headers.get("sec-websocket-version").map(|v| v.as_bytes());
    if !says(UPGRADE, "websocket") || !says(CONNECTION, "upgrade") || version != Some(b"13") {
        return None;
    }
    let key = headers.get(SEC_WEBSOCKET_KEY)?;
    Some(derive_accept_key(key.as_bytes()))
}

/// Whether a connection goes on after a look at the queue.
enum Flow {
    /// It does.
    Open,
    /// Socket Mode was turned off (or the clone reset) since it opened.
    Disabled,
    /// The client is gone.
    Closed,
}

/// How long a connection opened with `debug_reconnects=true` lasts: the app's Socket Mode
/// `debugConnectionMs` (Slack's 360 seconds while Socket Mode is off or unset).
async fn debug_lifetime(
    client: &asym_kit::deadpool_postgres::Object,
) -> Result<Duration, ApiError> {
    let ms: Option<i32> = client
        .query_opt("SELECT debug_connection_ms FROM socket_mode", &[])
        .await?
        .map(|row| row.get(0));
    let ms = ms.unwrap_or(DEBUG_CONNECTION_MS);
    Ok(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

/// Slack's lifetime of a `debug_reconnects` connection, in milliseconds.
const DEBUG_CONNECTION_MS: i32 = 360_000;

/// How long before a refresh Slack warns a connection (`disconnect`, `warning`).
const WARNING_LEAD: Duration = Duration::from_secs(10);

/// Resolves at `at`, never when there is none.
async fn at_or_never(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One connection: `hello`, then envelopes out and acks in until either side ends it; one
/// with a `lifetime` (`debug_reconnects=true`) is warned `WARNING_LEAD` before it ends (half
/// its lifetime before, for a shorter one) and then refreshed (`refresh_requested`), as Slack
/// refreshes any connection every few hours.
async fn serve<S>(
    state: AppState,
    socket: WebSocketStream<S>,
    app_id: String,
    lifetime: Option<Duration>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = socket.split();
    let Some((id, mut mailbox, open)) = state.sockets.join() else {
        // Slack's answer to one connection past the app's limit: no `hello`, a disconnect.
        let _ = sink
            .send(Message::text(disconnect_message("too_many_websockets")))
            .await;
        let _ = sink.close().await;
        return;
    };
    let hello = json!({
        "type": "hello",
        "num_connections": open,
        "debug_info": {
            "host": HOST,
            "build_number": 1,
            "approximate_connection_time": lifetime.map_or(18060, |l| l.as_secs().max(1)),
        },
        "connection_info": { "app_id": app_id },
    });
    let opened = tokio::time::Instant::now();
    let mut warn_at = lifetime.map(|l| opened + l.saturating_sub(WARNING_LEAD.min(l / 2)));
    let end_at = lifetime.map(|l| opened + l);
    let mut woken = state.sockets.woken();
    let mut poll = tokio::time::interval(POLL);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING, PING);
    // Whether Socket Mode was seen on: a connection opened while it is off waits for it.
    let mut seen_on = false;
    let mut farewell = None;
    if sink.send(Message::text(hello.to_string())).await.is_ok() {
        loop {
            let flow = tokio::select! {
                frame = stream.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        acked(&state, text.as_str()).await;
                        Flow::Open
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => Flow::Closed,
                    Some(Ok(_)) => Flow::Open,
                },
                outgoing = mailbox.recv() => match outgoing {
                    Some(Outgoing::Envelope(text)) => sent(sink.send(Message::text(text)).await),
                    Some(Outgoing::Disconnect(reason)) => {
                        farewell = Some(reason);
                        Flow::Closed
                    }
                    Some(Outgoing::Warning) => {
                        sent(sink.send(Message::text(disconnect_message("warning"))).await)
                    }
                    None => Flow::Closed,
                },
                _ = woken.changed() => send_due(&state, &mut sink, &mut seen_on).await,
                _ = poll.tick() => send_due(&state, &mut sink, &mut seen_on).await,
                _ = ping.tick() => sent(sink.send(Message::Ping(Bytes::new())).await),
                () = at_or_never(warn_at) => {
                    warn_at = None;
                    sent(sink.send(Message::text(disconnect_message("warning"))).await)
                }
                () = at_or_never(end_at) => {
                    farewell = Some("refresh_requested");
                    Flow::Closed
                }
            };
            match flow {
                Flow::Open => {}
                Flow::Disabled => {
                    farewell = Some("link_disabled");
                    break;
                }
                Flow::Closed => break,
            }
        }
    }
    state.sockets.leave(id);
    if let Some(reason) = farewell
        && sink
            .send(Message::text(disconnect_message(reason)))
            .await
            .is_ok()
    {
        // The client closes on `disconnect` (and opens a new connection).
        let closed = async { while let Some(Ok(_)) = stream.next().await {} };
        let _ = tokio::time::timeout(FAREWELL, closed).await;
    }
    let _ = sink.close().await;
}

/// Slack's `disconnect` message with `reason` (`refresh_requested`, `link_disabled`,
/// `warning`, `too_many_websockets`).
fn disconnect_message(reason: &str) -> String {
    json!({
        "type": "disconnect",
        "reason": reason,
        "debug_info": { "host": HOST },
    })
    .to_string()
}

/// [`Flow::Open`] when a frame went out, else [`Flow::Closed`].
fn sent<E>(result: Result<(), E>) -> Flow {
    if result.is_ok() {
        Flow::Open
    } else {
        Flow::Closed
    }
}

/// Sends the `events_api` envelopes due now (no pooled connection is held while sending).
async fn send_due<S>(state: &AppState, sink: &mut S, seen_on: &mut bool) -> Flow
where
    S: futures_util::Sink<Message> + Unpin,
{
    let claimed = async {
        let client = state.kit.db().await?;
        claim_due(&client, 20).await
    }
    .await;
    let due = match claimed {
        Ok(Some(due)) => due,
        Ok(None) if *seen_on => return Flow::Disabled,
        // Off, or the look failed: look again at the next tick.
        Ok(None) | Err(_) => return Flow::Open,
    };
    *seen_on = true;
    for envelope in due {
        if sink.send(Message::text(envelope.message())).await.is_err() {
            return Flow::Closed;
        }
    }
    Flow::Open
}

/// A client's message: an ack `{"envelope_id": …, "payload"?: …}` answers the request
/// waiting for it, or marks a queued event delivered. Anything else is ignored, as Slack does.
async fn acked(state: &AppState, text: &str) {
    let Ok(Value::Object(mut ack)) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let Some(Value::String(envelope_id)) = ack.remove("envelope_id") else {
        return;
    };
    let payload = ack.remove("payload").unwrap_or(Value::Null);
    if state.sockets.answer(&envelope_id, payload) {
        return;
    }
    if let Ok(client) = state.kit.db().await {
        let _ = crate::model::socket::ack(&client, &envelope_id).await;
    }
}

/// What `POST /api/admin/socket-mode` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ModeBody {
    /// Subscription names (`message.channels`, `reaction_added`, …); empty means all.
    #[serde(default)]
    events: Vec<String>,
    /// Delays before retries 1, 2, 3 of an unacked envelope (default Slack's).
    #[serde(default)]
    retry_delays_ms: Option<Vec<i32>>,
    /// How long an envelope waits for its ack (default 3000).
    #[serde(default)]
    ack_timeout_ms: Option<i32>,
    /// How long a `debug_reconnects=true` connection lasts (default Slack's 360000).
    #[serde(default)]
    debug_connection_ms: Option<i32>,
}

/// The setting as the admin surface shows it, `null` when Socket Mode is off.
async fn mode_json(state: &AppState) -> Result<Value, ApiError> {
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "SELECT event_types, retry_delays_ms, ack_timeout_ms, debug_connection_ms
             FROM socket_mode",
            &[],
        )
        .await?;
    Ok(row.map_or(Value::Null, |row| {
        json!({
            "events": row.get::<_, Vec<String>>(0),
            "retryDelaysMs": row.get::<_, Vec<i32>>(1),
            "ackTimeoutMs": row.get::<_, i32>(2),
            "debugConnectionMs": row.get::<_, i32>(3),
        })
    }))
}

/// `GET /api/admin/socket-mode`: `{"socketMode": {events, retryDelaysMs, ackTimeoutMs} |
/// null, "connections": n}`.
async fn get_mode(State(state): State<AppState>) -> AdminResult {
    let mode = mode_json(&state).await?;
    let connections = state.sockets.connections();
    Ok(Json(
        json!({ "ok": true, "socketMode": mode, "connections": connections }),
    ))
}

/// `POST /api/admin/socket-mode {"events"?, "retryDelaysMs"?, "ackTimeoutMs"?,
/// "debugConnectionMs"?}`: turns
/// Socket Mode on for the app (or changes its setting): events then go over its socket
/// instead of to the Request URL, and interactions and commands too.
async fn set_mode(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ModeBody = json_body(if body.is_empty() { b"{}" } else { &body })?;
    let (delays, ack_timeout) = delivery_schedule(request.retry_delays_ms, request.ack_timeout_ms)?;
    let debug_ms = request.debug_connection_ms.unwrap_or(DEBUG_CONNECTION_MS);
    if !(100..=DEBUG_CONNECTION_MS).contains(&debug_ms) {
        return Err(invalid("debugConnectionMs: from 100 to 360000"));
    }
    let client = state.kit.db().await?;
    client
        .execute(
            "INSERT INTO socket_mode (id, event_types, retry_delays_ms, ack_timeout_ms,
                                      debug_connection_ms)
             VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET event_types = EXCLUDED.event_types,
                 retry_delays_ms = EXCLUDED.retry_delays_ms,
                 ack_timeout_ms = EXCLUDED.ack_timeout_ms,
                 debug_connection_ms = EXCLUDED.debug_connection_ms",
            &[&request.events, &delays, &ack_timeout, &debug_ms],
        )
        .await?;
    drop(client);
    state.sockets.wake();
    let mode = mode_json(&state).await?;
    Ok(Json(json!({ "ok": true, "socketMode": mode })))
}

/// `DELETE /api/admin/socket-mode`: turns Socket Mode off and drops the envelopes queued;
/// open connections are told `disconnect` (`link_disabled`).
async fn unset_mode(State(state): State<AppState>) -> AdminResult {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM socket_envelopes", &[]).await?;
    tx.execute("DELETE FROM socket_mode", &[]).await?;
    tx.commit().await?;
    let disconnected = state.sockets.disconnect_all("link_disabled");
    Ok(Json(
        json!({ "ok": true, "socketMode": null, "disconnected": disconnected }),
    ))
}

/// `GET /api/admin/socket-mode/envelopes`: every `events_api` envelope queued, oldest first,
/// with `status` (`pending`, `acked`, `failed`) and `attempts`.
async fn list_envelopes(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    let items = envelopes(&client).await?;
    Ok(Json(json!({ "ok": true, "envelopes": items })))
}

/// What `POST /api/admin/socket-mode/refresh` may carry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefreshBody {
    /// How long after the `warning` the `refresh_requested` comes (default Slack's ten
    /// seconds; at most a minute).
    #[serde(default)]
    warning_ms: Option<u64>,
}

/// `POST /api/admin/socket-mode/refresh` `{"warningMs"?: 10000}`: the clone refreshes every
/// open connection, as Slack does every few hours: each is told `disconnect` (`warning`) at
/// once, then (`warningMs` later) `disconnect` (`refresh_requested`) and closed once the
/// client closes it (its client opens a new one). Answers how many were warned.
async fn refresh(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: RefreshBody = json_body(if body.is_empty() { b"{}" } else { &body })?;
    let lead = request.warning_ms.unwrap_or(10_000);
    if lead > 60_000 {
        return Err(invalid("warningMs: at most 60000"));
    }
    let warned = state.sockets.warn_all();
    let sockets = state.sockets.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(lead)).await;
        sockets.disconnect_all("refresh_requested");
    });
    Ok(Json(json!({ "ok": true, "disconnected": warned })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_websocket_upgrade_is_accepted() {
        let mut headers = HeaderMap::new();
        headers.insert(UPGRADE, "websocket".parse().unwrap());
        headers.insert(CONNECTION, "keep-alive, Upgrade".parse().unwrap());
        headers.insert("sec-websocket-version", "13".parse().unwrap());
        headers.insert(
            SEC_WEBSOCKET_KEY,
            "dGhlIHNhbXBsZSBub25jZQ==".parse().unwrap(),
        );
        // RFC 6455's own example.
        assert_eq!(
            accept_key(&headers).as_deref(),
            Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        );
        headers.insert("sec-websocket-version", "8".parse().unwrap());
        assert_eq!(accept_key(&headers), None);
        headers.insert("sec-websocket-version", "13".parse().unwrap());
        headers.remove(UPGRADE);
        assert_eq!(accept_key(&headers), None);
    }
}
