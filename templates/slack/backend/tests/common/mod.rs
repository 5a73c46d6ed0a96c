//! Helpers for driving a Slack clone over HTTP: Web API calls, the admin surface, extra
//! tokens.

#![allow(dead_code, reason = "each test module uses a different subset")]

use serde_json::{Value, json};

/// One test's view of a leased Slack clone: the clone (its tokens and URLs, through `Deref`)
/// and the one HTTP client every call of the test goes through.
#[derive(Debug)]
pub(crate) struct Api<'a> {
    slack: &'a asym::Slack,
    http: reqwest::Client,
}

impl<'a> Api<'a> {
    /// A client for `slack`; make one per test (`let slack = Api::new(&slack);`).
    pub(crate) fn new(slack: &'a asym::Slack) -> Self {
        Self {
            slack,
            http: reqwest::Client::new(),
        }
    }

    /// The test's HTTP client, for requests the helpers do not cover.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `method` with a JSON body and the token in `Authorization`, as the Python SDK
    /// sends `chat.postMessage`.
    pub(crate) async fn call(&self, token: &str, method: &str, args: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/{method}", self.api_url()))
            .bearer_auth(token)
            .json(&args)
            .send()
            .await
            .expect("the clone answers");
        assert_eq!(response.status().as_u16(), 200, "{method}");
        response.json().await.expect("a JSON body")
    }

    /// [`Api::call`] with the seed's bot token.
    pub(crate) async fn bot(&self, method: &str, args: Value) -> Value {
        self.call(self.bot_token(), method, args).await
    }

    /// [`Api::call`] with the seed's user token.
    pub(crate) async fn user(&self, method: &str, args: Value) -> Value {
        self.call(self.user_token(), method, args).await
    }

    /// [`Api::call`] with `token`, asserting the `missing_scope` error; its body (`needed`,
    /// `provided`).
    pub(crate) async fn missing_scope(&self, token: &str, method: &str, args: Value) -> Value {
        err(self.call(token, method, args).await, "missing_scope")
    }

    /// A private file URL's bytes, fetched with `token` as Slack's URLs require.
    pub(crate) async fn download(&self, url: &str, token: &str) -> Vec<u8> {
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("the clone answers");
        response.bytes().await.expect("a body").to_vec()
    }

    /// `chat.postMessage` of `text` into `channel` with `token`, asserting `ok: true`; the
    /// body (`ts`, `message`).
    pub(crate) async fn post(&self, token: &str, channel: &str, text: &str) -> Value {
        let args = json!({ "channel": channel, "text": text });
        ok(self.call(token, "chat.postMessage", args).await)
    }

    /// [`Api::bot`], asserting `ok: true`.
    pub(crate) async fn bot_ok(&self, method: &str, args: Value) -> Value {
        ok(self.bot(method, args).await)
    }

    /// [`Api::user`], asserting `ok: true`.
    pub(crate) async fn user_ok(&self, method: &str, args: Value) -> Value {
        ok(self.user(method, args).await)
    }
}

impl std::ops::Deref for Api<'_> {
    type Target = asym::Slack;

    fn deref(&self) -> &asym::Slack {
        self.slack
    }
}

/// Calls `method` with a form body (the token among the fields), as the Node SDK does.
pub(crate) async fn form(
    slack: &Api<'_>,
    token: &str,
    method: &str,
    args: &[(&str, &str)],
) -> Value {
    let mut fields: Vec<(&str, &str)> = vec![("token", token)];
    fields.extend_from_slice(args);
    let response = slack
        .http
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
pub(crate) fn base_url(slack: &Api<'_>) -> String {
    slack.api_url().trim_end_matches("/api").to_owned()
}

/// Calls the admin surface: `POST`/`GET`/`DELETE /api/admin/<path>`.
pub(crate) async fn admin(
    slack: &Api<'_>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = slack
        .http
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
    slack: &Api<'_>,
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
pub(crate) async fn texts(slack: &Api<'_>, channel: &str) -> Vec<String> {
    let body = ok(slack
        .user(
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
