//! Helpers for driving a Slack clone over HTTP: Web API calls, the admin surface, extra
//! tokens.

#![allow(dead_code, reason = "each test module uses a different subset")]

use serde_json::{Value, json};

/// Calls `method` with a JSON body and the token in `Authorization`, as the Python SDK
/// sends `chat.postMessage`.
pub(crate) async fn call(slack: &asym::Slack, token: &str, method: &str, args: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/{method}", slack.api_url()))
        .bearer_auth(token)
        .json(&args)
        .send()
        .await
        .expect("the clone answers");
    assert_eq!(response.status().as_u16(), 200, "{method}");
    response.json().await.expect("a JSON body")
}

/// Calls `method` with a form body (the token among the fields), as the Node SDK does.
pub(crate) async fn form(
    slack: &asym::Slack,
    token: &str,
    method: &str,
    args: &[(&str, &str)],
) -> Value {
    let mut fields: Vec<(&str, &str)> = vec![("token", token)];
    fields.extend_from_slice(args);
    let response = reqwest::Client::new()
        .post(format!("{}/{method}", slack.api_url()))
        .form(&fields)
        .send()
        .await
        .expect("the clone answers");
    response.json().await.expect("a JSON body")
}

/// Asserts `ok: true` and returns the body.
pub(crate) fn ok(body: Value) -> Value {
    assert_eq!(body["ok"], true, "expected ok: {body}");
    body
}

/// Asserts `ok: false` with `error` and returns the body.
pub(crate) fn err(body: Value, error: &str) -> Value {
    assert_eq!(body["ok"], false, "expected {error}: {body}");
    assert_eq!(body["error"], error, "{body}");
    body
}

/// The clone's base URL (without `/api`).
pub(crate) fn base_url(slack: &asym::Slack) -> String {
    slack.api_url().trim_end_matches("/api").to_owned()
}

/// Calls the admin surface: `POST`/`GET`/`DELETE /api/admin/<path>`.
pub(crate) async fn admin(
    slack: &asym::Slack,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/admin/{path}", slack.api_url()))
        .header("x-asym-admin-secret", slack.admin_secret());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the clone answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Mints a token through the admin surface: a user token for `user`, or a token of `kind`
/// with only `scopes`.
pub(crate) async fn mint(
    slack: &asym::Slack,
    kind: &str,
    user: Option<&str>,
    scopes: Option<&[&str]>,
) -> String {
    let mut body = json!({ "kind": kind });
    if let Some(user) = user {
        body["user"] = json!(user);
    }
    if let Some(scopes) = scopes {
        body["scopes"] = json!(scopes);
    }
    let (status, body) = admin(slack, reqwest::Method::POST, "tokens", Some(body)).await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("a token").to_owned()
}

/// Texts of a channel's history, oldest first.
pub(crate) async fn texts(slack: &asym::Slack, channel: &str) -> Vec<String> {
    let body = ok(call(
        slack,
        slack.user_token(),
        "conversations.history",
        json!({ "channel": channel, "limit": 999 }),
    )
    .await);
    let mut texts: Vec<String> = body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.reverse();
    texts
}
