//! Socket Mode: `apps.connections.open`, the WebSocket's `hello`, `events_api` envelopes
//! (retried until acked), commands and interactions answered in their acks, `disconnect`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::common::{Api, ok, refused};

/// The provisioned app-level token.
fn app_token(slack: &Api<'_>) -> String {
    slack
        .token("appToken")
        .expect("an app-level token")
        .to_owned()
}

/// A Socket Mode connection as an app's client holds it.
struct Socket(WebSocketStream<TcpStream>);

impl Socket {
    /// Opens a connection at the URL `apps.connections.open` answers `token`.
    async fn open(slack: &Api<'_>, token: &str) -> Self {
        let opened = slack.ok(token, "apps.connections.open", json!({})).await;
        Self::connect(opened["url"].as_str().unwrap()).await
    }

    /// Connects to `url` (`ws://host:port/link/?ticket=…`).
    async fn connect(url: &str) -> Self {
        let address = url.trim_start_matches("ws://").split('/').next().unwrap();
        let tcp = TcpStream::connect(address).await.unwrap();
        let (socket, _) = tokio_tungstenite::client_async(url, tcp).await.unwrap();
        Self(socket)
    }

    /// Opens a connection as [`Socket::open`] does and asserts its `hello`, which counts
    /// `connections` open.
    async fn greeted(slack: &Api<'_>, token: &str, connections: u64) -> Self {
        let mut socket = Self::open(slack, token).await;
        socket.hello(connections).await;
        socket
    }

    /// The next JSON message (pings are answered by the library).
    async fn next(&mut self) -> Value {
        let wait = Duration::from_secs(20);
        self.within(wait).await.expect("a message within 20 s")
    }

    /// The next JSON message within `wait`, `None` when none came.
    async fn within(&mut self, wait: Duration) -> Option<Value> {
        let next = async {
            loop {
                match self.0.next().await {
                    Some(Ok(Message::Text(text))) => break serde_json::from_str(&text).unwrap(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    other => panic!("a text message, not {other:?}"),
                }
            }
        };
        tokio::time::timeout(wait, next).await.ok()
    }

    /// The `hello`, asserted.
    async fn hello(&mut self, connections: u64) {
        let hello = self.next().await;
        assert_eq!(hello["type"], "hello");
        assert_eq!(hello["num_connections"], connections);
        assert_eq!(hello["connection_info"]["app_id"], "A0000000001");
        assert!(hello["debug_info"]["host"].is_string(), "{hello}");
    }

    /// Acks `envelope` with `payload`, as the SDKs do.
    async fn ack(&mut self, envelope: &Value, payload: Option<Value>) {
        let mut ack = json!({ "envelope_id": envelope["envelope_id"] });
        if let Some(payload) = payload {
            ack["payload"] = payload;
        }
        self.0.send(Message::text(ack.to_string())).await.unwrap();
    }
}

/// Turns Socket Mode on, unacked envelopes coming again after 100 ms.
async fn socket_mode(slack: &Api<'_>) {
    let body = json!({ "ackTimeoutMs": 100, "retryDelaysMs": [0, 0, 0] });
    let mode = slack
        .admin_ok(Method::POST, "socket-mode", Some(body))
        .await;
    assert_eq!(mode["socketMode"]["ackTimeoutMs"], 100);
}

#[asym::clone("slack", seed = "basic")]
async fn only_an_app_level_token_opens_a_connection(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let token = app_token(&slack);
    assert!(token.starts_with("xapp-1-A0000000001-"), "{token}");
    let opened = slack.ok(&token, "apps.connections.open", json!({})).await;
    let url = opened["url"].as_str().unwrap();
    let base = slack.base_url().replace("http://", "ws://");
    assert!(url.starts_with(&format!("{base}/link/?ticket=")), "{url}");
    assert!(url.ends_with("&app_id=A0000000001"), "{url}");

    let elsewhere = slack
        .mint("app", None, Some(&["authorizations:read"]))
        .await;
    let missing = slack
        .err(
            &elsewhere,
            "apps.connections.open",
            json!({}),
            "missing_scope",
        )
        .await;
    assert_eq!(missing["needed"], "connections:write");
    assert_eq!(missing["provided"], "authorizations:read");
    for (token, error) in [
        (slack.bot_token(), "not_allowed_token_type"),
        (slack.user_token(), "not_allowed_token_type"),
        ("xapp-1-A0000000001-1-unknown", "invalid_auth"),
        ("", "not_authed"),
    ] {
        slack
            .err(token, "apps.connections.open", json!({}), error)
            .await;
    }
    // An app-level token calls no other method.
    slack
        .err(&token, "auth.test", json!({}), "not_allowed_token_type")
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn a_ticket_opens_one_websocket(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let opened = slack
        .ok(&app_token(&slack), "apps.connections.open", json!({}))
        .await;
    let url = opened["url"].as_str().unwrap();
    let path = url.split_once("/link/").unwrap().1;
    // Not a WebSocket upgrade.
    let plain = slack.anonymous().get(&format!("/link/{path}")).await;
    refused(plain, 400, "invalid_arguments");

    let mut socket = Socket::connect(url).await;
    socket.hello(1).await;
    let address = url.trim_start_matches("ws://").split('/').next().unwrap();
    let tcp = TcpStream::connect(address).await.unwrap();
    let refusal = tokio_tungstenite::client_async(url, tcp).await;
    let Err(tokio_tungstenite::tungstenite::Error::Http(response)) = refusal else {
        panic!("a used ticket is refused");
    };
    assert_eq!(response.status(), 401);
}

#[asym::clone("slack", seed = "basic")]
async fn events_go_over_the_socket_until_acked(slack: asym::Slack) {
    let slack = Api::new(&slack);
    socket_mode(&slack).await;
    // Queued before a connection is open: sent once one is.
    slack
        .post(slack.user_token(), "C0000000001", "before the socket")
        .await;
    let mut socket = Socket::greeted(&slack, &app_token(&slack), 1).await;

    let first = socket.next().await;
    assert_eq!(first["type"], "events_api");
    assert_eq!(first["accepts_response_payload"], false);
    assert_eq!(first["retry_attempt"], 0);
    assert_eq!(first["retry_reason"], "");
    let payload = &first["payload"];
    assert_eq!(payload["type"], "event_callback");
    assert_eq!(payload["api_app_id"], "A0000000001");
    assert_eq!(payload["event"]["type"], "message");
    assert_eq!(payload["event"]["text"], "before the socket");

    // Not acked: sent again, the same envelope and event.
    let retry = socket.next().await;
    assert_eq!(retry["envelope_id"], first["envelope_id"]);
    assert_eq!(retry["payload"]["event_id"], payload["event_id"]);
    assert_eq!(retry["retry_attempt"], 1);
    assert_eq!(retry["retry_reason"], "timeout");
    socket.ack(&retry, None).await;

    slack
        .post(slack.user_token(), "C0000000001", "with the socket open")
        .await;
    let second = socket.next().await;
    assert_eq!(second["payload"]["event"]["text"], "with the socket open");
    assert_eq!(second["retry_attempt"], 0);
    socket.ack(&second, None).await;

    // Acked ones stay acked (the listing answers after the acks: poll it, not the clock).
    let statuses = async {
        loop {
            let listed = slack
                .admin_ok(Method::GET, "socket-mode/envelopes", None)
                .await;
            let envelopes = listed["envelopes"].as_array().unwrap().clone();
            if envelopes.iter().all(|e| e["status"] == "acked") {
                break envelopes;
            }
            tokio::task::yield_now().await;
        }
    };
    let envelopes = tokio::time::timeout(Duration::from_secs(20), statuses)
        .await
        .expect("both acked");
    assert_eq!(envelopes.len(), 2);
    assert_eq!(envelopes[0]["attempts"], 2);
    assert_eq!(envelopes[1]["attempts"], 1);
    assert_eq!(envelopes[1]["type"], "message.channels");
}

/// With several connections open, Slack sends each event to one of them (which one is its
/// choice: bolt-python#448, "each event to only 1 random connection"), never to all.
#[asym::clone("slack", seed = "basic")]
async fn each_event_goes_to_one_of_several_connections(slack: asym::Slack) {
    let slack = Api::new(&slack);
    // No retry within the test: a second sending would be a duplicate.
    let body = json!({ "ackTimeoutMs": 60_000 });
    slack
        .admin_ok(Method::POST, "socket-mode", Some(body))
        .await;
    let token = app_token(&slack);
    let mut sockets = Vec::new();
    for n in 1..=3 {
        sockets.push(Socket::greeted(&slack, &token, n).await);
    }
    let texts: Vec<String> = (0..9).map(|n| format!("event {n}")).collect();
    for text in &texts {
        slack.post(slack.user_token(), "C0000000001", text).await;
    }
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    // Read every connection until all nine came, then a moment more for any second copy.
    while tokio::time::Instant::now() < deadline {
        let mut quiet = true;
        for socket in &mut sockets {
            while let Some(envelope) = socket.within(Duration::from_millis(200)).await {
                assert_eq!(envelope["type"], "events_api", "{envelope}");
                assert_eq!(envelope["retry_attempt"], 0, "{envelope}");
                socket.ack(&envelope, None).await;
                let text = envelope["payload"]["event"]["text"].as_str().unwrap();
                seen.push(text.to_owned());
                quiet = false;
            }
        }
        if quiet && seen.len() >= texts.len() {
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, texts, "each event once, on one connection");
}

#[asym::clone("slack", seed = "basic")]
async fn a_command_is_answered_in_its_ack(slack: asym::Slack) {
    let slack = Api::new(&slack);
    socket_mode(&slack).await;
    // An app in Socket Mode has no Request URLs.
    let command = json!({ "command": "/deploy" });
    slack
        .admin_ok(Method::POST, "commands", Some(command))
        .await;
    let run = json!({"command": "/deploy", "text": "prod", "user": "U0000000003",
                     "channel": "C0000000001"});
    // No connection open: what Slack shows the person.
    let undelivered = slack
        .admin_ok(Method::POST, "interactions/command", Some(run.clone()))
        .await;
    assert_eq!(undelivered["error"], "dispatch_failed");

    let mut socket = Socket::greeted(&slack, &app_token(&slack), 1).await;
    let app = async {
        let envelope = socket.next().await;
        assert_eq!(envelope["type"], "slash_commands");
        assert_eq!(envelope["accepts_response_payload"], true);
        assert_eq!(envelope["payload"]["command"], "/deploy");
        assert_eq!(envelope["payload"]["text"], "prod");
        assert_eq!(envelope["payload"]["user_id"], "U0000000003");
        assert!(envelope["payload"]["trigger_id"].is_string());
        let answer = json!({ "response_type": "in_channel", "text": "Deploying prod" });
        socket.ack(&envelope, Some(answer)).await;
    };
    let (ran, ()) = tokio::join!(
        slack.admin_ok(Method::POST, "interactions/command", Some(run)),
        app
    );
    assert_eq!(ran["status"], 200, "{ran}");
    assert_eq!(ran["response"]["responseType"], "in_channel");
    let texts = slack.texts("C0000000001").await;
    assert_eq!(texts.last().unwrap(), "Deploying prod");
}

#[asym::clone("slack", seed = "basic")]
async fn a_click_goes_over_the_socket_as_interactive(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let blocks = json!([{"type": "actions", "elements": [
        {"type": "button", "action_id": "approve", "text": {"type": "plain_text", "text": "OK"},
         "value": "yes"}]}]);
    let posted = ok(slack
        .bot(
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "approve?",
                                        "blocks": blocks}),
        )
        .await);
    // Posted before Socket Mode is on: its event went nowhere.
    socket_mode(&slack).await;
    let mut socket = Socket::greeted(&slack, &app_token(&slack), 1).await;
    let click = json!({"channel": "C0000000001", "ts": posted["ts"], "actionId": "approve",
                       "user": "U0000000003"});
    let app = async {
        let envelope = socket.next().await;
        assert_eq!(envelope["type"], "interactive");
        assert_eq!(envelope["accepts_response_payload"], false);
        assert_eq!(envelope["payload"]["type"], "block_actions");
        assert_eq!(envelope["payload"]["actions"][0]["value"], "yes");
        socket.ack(&envelope, None).await;
    };
    let (clicked, ()) = tokio::join!(
        slack.admin_ok(Method::POST, "interactions/action", Some(click)),
        app
    );
    assert_eq!(clicked["status"], 200, "{clicked}");
}

#[asym::clone("slack", seed = "basic")]
async fn connections_are_told_to_disconnect(slack: asym::Slack) {
    let slack = Api::new(&slack);
    socket_mode(&slack).await;
    let token = app_token(&slack);
    let mut first = Socket::greeted(&slack, &token, 1).await;
    let mut second = Socket::greeted(&slack, &token, 2).await;
    let mode = slack.admin_ok(Method::GET, "socket-mode", None).await;
    assert_eq!(mode["connections"], 2);

    // Slack warns a connection (it stays open) before it asks for the refresh.
    let body = Some(json!({"warningMs": 100}));
    let refreshed = slack
        .admin_ok(Method::POST, "socket-mode/refresh", body)
        .await;
    assert_eq!(refreshed["disconnected"], 2);
    for socket in [&mut first, &mut second] {
        for reason in ["warning", "refresh_requested"] {
            let disconnect = socket.next().await;
            assert_eq!(disconnect["type"], "disconnect");
            assert_eq!(disconnect["reason"], reason);
        }
    }
    let too_long = slack
        .admin(
            Method::POST,
            "socket-mode/refresh",
            Some(json!({"warningMs": 60001})),
        )
        .await;
    refused(too_long, 400, "invalid_arguments");

    let mut third = Socket::greeted(&slack, &token, 1).await;
    let off = slack.admin_ok(Method::DELETE, "socket-mode", None).await;
    assert_eq!(off["socketMode"], Value::Null);
    let disconnect = third.next().await;
    assert_eq!(disconnect["reason"], "link_disabled");
}

/// Slack holds ten connections open per app; the eleventh is told `disconnect`
/// (`too_many_websockets`) instead of `hello`, and one closing makes room again.
#[asym::clone("slack", seed = "basic")]
async fn an_app_holds_ten_connections_at_most(slack: asym::Slack) {
    let slack = Api::new(&slack);
    socket_mode(&slack).await;
    let token = app_token(&slack);
    let mut open = Vec::new();
    for n in 1..=10 {
        open.push(Socket::greeted(&slack, &token, n).await);
    }
    let mut eleventh = Socket::open(&slack, &token).await;
    let refused = eleventh.next().await;
    assert_eq!(refused["type"], "disconnect");
    assert_eq!(refused["reason"], "too_many_websockets");
    let mode = slack.admin_ok(Method::GET, "socket-mode", None).await;
    assert_eq!(mode["connections"], 10);

    let mut first = open.remove(0);
    first.0.close(None).await.unwrap();
    // The clone forgets a connection once its close is seen: wait for the count to drop.
    let drop = async {
        loop {
            let mode = slack.admin_ok(Method::GET, "socket-mode", None).await;
            if mode["connections"] == 9 {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), drop)
        .await
        .expect("the closed connection is forgotten");
    Socket::greeted(&slack, &token, 10).await;
}

/// A connection opened with `debug_reconnects=true` on its URL (as slack-morphism and other
/// clients append it) is short-lived, as Slack's: `hello` says its lifetime
/// (`approximate_connection_time`, Slack's 360 seconds by default; `debugConnectionMs` shortens
/// it for a test), a `warning` comes before its end and `refresh_requested` at it, and the
/// client's next connection is served again. One without the flag lasts Slack's hours.
#[asym::clone("slack", seed = "basic")]
async fn a_debug_reconnects_connection_is_refreshed_when_its_time_is_up(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let token = app_token(&slack);
    let url = |opened: &Value| format!("{}&debug_reconnects=true", opened["url"].as_str().unwrap());

    // Socket Mode off: Slack's lifetime.
    let opened = slack.ok(&token, "apps.connections.open", json!({})).await;
    let mut socket = Socket::connect(&url(&opened)).await;
    let hello = socket.next().await;
    assert_eq!(
        hello["debug_info"]["approximate_connection_time"], 360,
        "{hello}"
    );
    drop(socket);
    let mut plain = Socket::open(&slack, &token).await;
    let hello = plain.next().await;
    assert_eq!(
        hello["debug_info"]["approximate_connection_time"], 18060,
        "{hello}"
    );

    let body = json!({ "debugConnectionMs": 1500 });
    let mode = slack
        .admin_ok(Method::POST, "socket-mode", Some(body))
        .await;
    assert_eq!(mode["socketMode"]["debugConnectionMs"], 1500);
    for wrong in [
        json!({"debugConnectionMs": 50}),
        json!({"debugConnectionMs": 400_000}),
    ] {
        let reply = slack.admin(Method::POST, "socket-mode", Some(wrong)).await;
        refused(reply, 400, "invalid_arguments");
    }
    for _ in 0..2 {
        let opened = slack.ok(&token, "apps.connections.open", json!({})).await;
        let mut socket = Socket::connect(&url(&opened)).await;
        let hello = socket.next().await;
        assert_eq!(hello["type"], "hello");
        assert_eq!(
            hello["debug_info"]["approximate_connection_time"], 1,
            "{hello}"
        );
        let warning = socket.next().await;
        assert_eq!(
            (&warning["type"], &warning["reason"]),
            (&json!("disconnect"), &json!("warning"))
        );
        let refresh = socket.next().await;
        assert_eq!(refresh["reason"], "refresh_requested", "{refresh}");
        socket.0.close(None).await.unwrap();
    }
    // The plain connection heard none of it: an envelope still reaches it.
    slack
        .post(slack.user_token(), "C0000000001", "still here")
        .await;
    let envelope = plain.next().await;
    assert_eq!(envelope["type"], "events_api", "{envelope}");
}
