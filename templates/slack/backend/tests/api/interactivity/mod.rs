//! Interactivity: the app's configuration, slash commands, `response_url`s, block actions,
//! `trigger_id`s and modals, driven through the admin surface against an app the test runs
//! on loopback. The helpers every interactivity test shares are here; the tests are in
//! `commands` (commands, shortcuts, actions, `response_url`s) and `modals` (triggers, views).

mod commands;
mod modals;

use asym_kit::testing::{Received, Receiver, Reply};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, assert_signed, refused};

/// A request's form fields.
fn form(request: &Received) -> Value {
    let fields = asym_kit::form::parse(&request.body);
    Value::Object(fields.into_iter().map(|(k, v)| (k, json!(v))).collect())
}

/// The interaction payload of a request (`payload=<json>`).
fn payload(request: &Received) -> Value {
    serde_json::from_str(form(request)["payload"].as_str().unwrap()).unwrap()
}

/// Asserts the request is a form signed with the clone's signing secret.
fn assert_signed_form(slack: &Api<'_>, request: &Received) {
    assert_signed(slack, request);
    assert_eq!(
        request.header("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
}

/// Starts the test's app: a receiver answering every request with `answer`'s status and
/// body; configures it as the Interactivity Request URL and as `/deploy`'s.
async fn app(
    slack: &Api<'_>,
    answer: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
) -> Receiver {
    let receiver = Receiver::start().await;
    receiver.respond_with(answer);
    let url = format!("{}/slack/events", receiver.url());
    let set = json!({"url": url});
    slack
        .admin_ok(Method::POST, "interactivity", Some(set))
        .await;
    let command = json!({"command": "/deploy", "url": url, "description": "Ships it",
                         "usageHint": "[env]"});
    slack
        .admin_ok(Method::POST, "commands", Some(command))
        .await;
    receiver
}

/// Starts the test's app acknowledging every request with an empty 200 (as [`app`]).
async fn acking_app(slack: &Api<'_>) -> Receiver {
    app(slack, |_| (200, String::new())).await
}

/// The next request the app received, asserted signed by the clone; its interaction
/// payload.
async fn signed_payload(slack: &Api<'_>, receiver: &Receiver) -> Value {
    let request = receiver.delivery().await;
    assert_signed_form(slack, &request);
    payload(&request)
}

/// A person's interaction of `kind` (`command`, `action`, `shortcut`, `options`,
/// `view-submission`, `view-closed`), as the admin surface simulates it; the whole reply.
async fn interact(slack: &Api<'_>, kind: &str, interaction: Value) -> Reply {
    let path = format!("interactions/{kind}");
    slack.admin(Method::POST, &path, Some(interaction)).await
}

/// [`interact`], asserting the interaction is [`refused`] with HTTP `status` and `error`; the
/// body.
async fn interact_err(
    slack: &Api<'_>,
    kind: &str,
    interaction: Value,
    status: u16,
    error: &str,
) -> Value {
    refused(interact(slack, kind, interaction).await, status, error)
}

/// Runs `/deploy <text>` as alice in #general; the admin answer.
async fn deploy(slack: &Api<'_>, text: &str) -> Value {
    let run = json!({"command": "/deploy", "text": text, "user": "U0000000003",
                     "channel": "C0000000001"});
    interact(slack, "command", run).await.expect(200)
}

/// Posts `body` to the clone's `response_url`; the reply's status and body.
async fn post_response(slack: &Api<'_>, url: &str, body: &Value) -> (u16, Value) {
    let reply = slack.anonymous().post(slack.path_of(url), body).await;
    (reply.status, reply.body)
}
/// Clicks `action_id` (choosing `value`) on the message `ts` as alice; the whole reply.
async fn click(slack: &Api<'_>, ts: &str, action_id: &str, value: Value) -> Reply {
    let click = json!({"channel": "C0000000001", "ts": ts, "actionId": action_id,
                       "user": "U0000000003", "value": value});
    interact(slack, "action", click).await
}
/// A modal asking for a title, with `callback_id` `ship`.
fn modal(extra: Value) -> Value {
    let mut view = json!({
        "type": "modal", "callback_id": "ship", "private_metadata": "C0000000001",
        "title": {"type": "plain_text", "text": "Ship"},
        "submit": {"type": "plain_text", "text": "Go"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "input", "block_id": "t",
                    "label": {"type": "plain_text", "text": "Title"},
                    "element": {"type": "plain_text_input", "action_id": "title"}}],
    });
    for (key, value) in extra.as_object().unwrap() {
        view[key] = value.clone();
    }
    view
}
