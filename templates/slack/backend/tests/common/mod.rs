//! Helpers for driving a Slack clone over HTTP: Web API calls and their errors, the admin
//! surface, extra tokens, channels and their history.

#![allow(dead_code, reason = "each test module uses a different subset")]

use asym_kit::testing::{Received, Reply};
use reqwest::Method;
use serde_json::{Value, json};

/// One test's view of a leased Slack clone: the clone (its tokens and URLs, through `Deref`)
/// and the one HTTP client (the kit's, rooted at the clone's base URL) every call of the test
/// goes through.
#[derive(Debug)]
pub(crate) struct Api<'a> {
    slack: &'a asym::Slack,
    root: asym_kit::testing::Api,
}

impl<'a> Api<'a> {
    /// A client for `slack`; make one per test (`let slack = Api::new(&slack);`).
    pub(crate) fn new(slack: &'a asym::Slack) -> Self {
        let root = slack.api_url().trim_end_matches("/api").to_owned();
        Self {
            slack,
            root: asym_kit::testing::Api::new(root),
        }
    }

    /// The clone's base URL (without `/api`).
    pub(crate) fn base_url(&self) -> &str {
        self.root.base()
    }

    /// The test's client, sending no credentials.
    pub(crate) fn anonymous(&self) -> &asym_kit::testing::Api {
        &self.root
    }

    /// The test's client sending `Authorization: Bearer <token>`.
    pub(crate) fn authorized(&self, token: &str) -> asym_kit::testing::Api {
        self.root.clone().bearer(token)
    }

    /// The path of `url` on the clone.
    ///
    /// # Panics
    ///
    /// When the clone does not serve `url`.
    pub(crate) fn path_of<'u>(&self, url: &'u str) -> &'u str {
        url.strip_prefix(self.base_url())
            .unwrap_or_else(|| panic!("{url} is served by the clone"))
    }

    /// Sends `method` a JSON body with the token in `Authorization`, as the Python SDK sends
    /// `chat.postMessage`; the whole reply.
    pub(crate) async fn send(&self, token: &str, method: &str, args: Value) -> Reply {
        self.authorized(token)
            .post(&format!("/api/{method}"), &args)
            .await
    }

    /// [`Api::send`], asserting HTTP 200 (as the Web API answers errors too); the body.
    pub(crate) async fn call(&self, token: &str, method: &str, args: Value) -> Value {
        self.send(token, method, args).await.expect(200)
    }

    /// [`Api::call`], asserting `ok: true`; the body.
    pub(crate) async fn ok(&self, token: &str, method: &str, args: Value) -> Value {
        ok(self.call(token, method, args).await)
    }

    /// [`Api::call`] with the seed's bot token.
    pub(crate) async fn bot(&self, method: &str, args: Value) -> Value {
        self.call(self.bot_token(), method, args).await
    }

    /// [`Api::call`] with the seed's user token.
    pub(crate) async fn user(&self, method: &str, args: Value) -> Value {
        self.call(self.user_token(), method, args).await
    }

    /// [`Api::call`], asserting `ok: false` with `error` (a failure names the method and its
    /// arguments, so a case in a table of them names itself); the body.
    pub(crate) async fn err(&self, token: &str, method: &str, args: Value, error: &str) -> Value {
        let case = format!("{method} {args}");
        let body = self.call(token, method, args).await;
        assert_eq!(body["error"], error, "{case}: {body}");
        err(body, error)
    }

    /// [`Api::err`] with the seed's bot token.
    pub(crate) async fn bot_err(&self, method: &str, args: Value, error: &str) -> Value {
        self.err(self.bot_token(), method, args, error).await
    }

    /// [`Api::err`] with the seed's user token.
    pub(crate) async fn user_err(&self, method: &str, args: Value, error: &str) -> Value {
        self.err(self.user_token(), method, args, error).await
    }

    /// [`Api::call`] with `token`, asserting `ok: true`, then the same call again, asserting
    /// `again` (a second delete, reaction or pin finds nothing to do); the first body.
    pub(crate) async fn ok_then_err(
        &self,
        token: &str,
        method: &str,
        args: Value,
        again: &str,
    ) -> Value {
        let body = self.ok(token, method, args.clone()).await;
        self.err(token, method, args, again).await;
        body
    }

    /// [`Api::ok_then_err`] with the seed's bot token.
    pub(crate) async fn bot_ok_then_err(&self, method: &str, args: Value, again: &str) -> Value {
        self.ok_then_err(self.bot_token(), method, args, again)
            .await
    }

    /// [`Api::ok_then_err`] with the seed's user token.
    pub(crate) async fn user_ok_then_err(&self, method: &str, args: Value, again: &str) -> Value {
        self.ok_then_err(self.user_token(), method, args, again)
            .await
    }

    /// [`Api::call`] with `token`, asserting the `missing_scope` error; its body (`needed`,
    /// `provided`).
    pub(crate) async fn missing_scope(&self, token: &str, method: &str, args: Value) -> Value {
        self.err(token, method, args, "missing_scope").await
    }

    /// [`Api::missing_scope`] without arguments, asserting the scope it names as `needed`.
    pub(crate) async fn needs_scope(&self, token: &str, method: &str, scope: &str) {
        let refused = self.missing_scope(token, method, json!({})).await;
        assert_eq!(refused["needed"], scope, "{method}: {refused}");
    }

    /// Every page of `method` with `args` and `token`, following `next_cursor` to the last
    /// (each asserted `ok: true`).
    pub(crate) async fn pages(&self, token: &str, method: &str, args: Value) -> Vec<Value> {
        let mut pages = Vec::new();
        let mut cursor = String::new();
        loop {
            let mut args = args.clone();
            args["cursor"] = json!(cursor);
            let page = self.ok(token, method, args).await;
            cursor = page["response_metadata"]["next_cursor"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            pages.push(page);
            if cursor.is_empty() {
                return pages;
            }
        }
    }

    /// Calls `method` with a form body (the token among the fields), as the Node SDK does;
    /// the body.
    pub(crate) async fn form(&self, token: &str, method: &str, args: &[(&str, &str)]) -> Value {
        let mut encoded = reqwest::Url::parse("http://form.invalid/").expect("a URL");
        encoded
            .query_pairs_mut()
            .append_pair("token", token)
            .extend_pairs(args);
        let body = encoded.query().unwrap_or_default().to_owned();
        self.root
            .send_raw(
                Method::POST,
                &format!("/api/{method}"),
                "application/x-www-form-urlencoded",
                body,
            )
            .await
            .expect(200)
    }

    /// A private file URL's content, fetched with `token` as Slack's URLs require.
    ///
    /// # Panics
    ///
    /// When the clone does not serve `url`, or the file is JSON rather than text.
    pub(crate) async fn download(&self, url: &str, token: &str) -> String {
        let reply = self.authorized(token).get(self.path_of(url)).await;
        let body = reply.expect(200);
        body.as_str().expect("a text file").to_owned()
    }

    /// `chat.postMessage` of `text` into `channel` with `token`, asserting `ok: true`; the
    /// body (`ts`, `message`).
    pub(crate) async fn post(&self, token: &str, channel: &str, text: &str) -> Value {
        let args = json!({ "channel": channel, "text": text });
        self.ok(token, "chat.postMessage", args).await
    }

    /// [`Api::bot`], asserting `ok: true`.
    pub(crate) async fn bot_ok(&self, method: &str, args: Value) -> Value {
        ok(self.bot(method, args).await)
    }

    /// [`Api::user`], asserting `ok: true`.
    pub(crate) async fn user_ok(&self, method: &str, args: Value) -> Value {
        ok(self.user(method, args).await)
    }

    /// Creates public channel `name` as the holder of `token`; its id.
    pub(crate) async fn create(&self, token: &str, name: &str) -> String {
        self.channel_id("conversations.create", token, json!({ "name": name }))
            .await
    }

    /// Creates private channel `name` as the holder of `token`; its id.
    pub(crate) async fn create_private(&self, token: &str, name: &str) -> String {
        let args = json!({ "name": name, "is_private": true });
        self.channel_id("conversations.create", token, args).await
    }

    /// Opens (or finds) the bot's DM with `users`, or its group DM when they are several
    /// (comma-separated); its id.
    pub(crate) async fn open(&self, users: &str) -> String {
        let args = json!({ "users": users });
        self.channel_id("conversations.open", self.bot_token(), args)
            .await
    }

    /// Calls `method` with `token`, asserting `ok: true`; the `id` of its `channel`.
    async fn channel_id(&self, method: &str, token: &str, args: Value) -> String {
        let body = self.ok(token, method, args).await;
        body["channel"]["id"].as_str().expect("an id").to_owned()
    }

    /// A channel's whole history, newest first, read with the workspace owner's token.
    pub(crate) async fn history(&self, channel: &str) -> Vec<Value> {
        let args = json!({ "channel": channel, "limit": 999 });
        let mut body = self.user_ok("conversations.history", args).await;
        match body["messages"].take() {
            Value::Array(messages) => messages,
            other => panic!("messages: {other}"),
        }
    }

    /// Texts of a channel's history, oldest first.
    pub(crate) async fn texts(&self, channel: &str) -> Vec<String> {
        let mut texts: Vec<String> = self
            .history(channel)
            .await
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
            .collect();
        texts.reverse();
        texts
    }

    /// Calls the admin surface: `method /api/admin/<path>` with the clone's admin secret.
    pub(crate) async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.root
            .clone()
            .with_header("x-asym-admin-secret", self.admin_secret())
            .send(method, &format!("/api/admin/{path}"), body.as_ref())
            .await
    }

    /// [`Api::admin`], asserting HTTP 200; the body.
    pub(crate) async fn admin_ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        self.admin(method, path, body).await.expect(200)
    }

    /// Runs `sql` on the clone's database.
    pub(crate) async fn execute(&self, sql: &str) {
        let (db, connection) =
            asym_kit::tokio_postgres::connect(self.database_url(), asym_kit::tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        db.execute(sql, &[]).await.unwrap();
    }

    /// Ages the clone's rows of `table` by `interval`, as time passing would: the clone has no
    /// clock a test can move, and tests do not sleep.
    pub(crate) async fn age(&self, table: &str, interval: &str) {
        let sql = format!("UPDATE {table} SET created = created - interval '{interval}'");
        self.execute(&sql).await;
    }

    /// `method` with a multipart body (boundary `b`) of `(name, filename, content)` parts, as
    /// the SDKs send one with a file argument, by the holder of `token`; the reply's body.
    pub(crate) async fn multipart(
        &self,
        token: &str,
        method: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Value {
        let mut body = Vec::new();
        for (name, file, content) in parts {
            let filename = file
                .map(|f| format!("; filename=\"{f}\""))
                .unwrap_or_default();
            body.extend(
                format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n")
                    .bytes(),
            );
            body.extend_from_slice(content);
            body.extend(b"\r\n");
        }
        body.extend(b"--b--\r\n");
        self.authorized(token)
            .send_raw(
                Method::POST,
                &format!("/api/{method}"),
                "multipart/form-data; boundary=b",
                body,
            )
            .await
            .expect(200)
    }

    /// Mints a token through the admin surface: a user token for `user`, or a token of
    /// `kind` with only `scopes`.
    pub(crate) async fn mint(
        &self,
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
        let body = self.admin(Method::POST, "tokens", Some(body)).await;
        body.expect(200)["token"]
            .as_str()
            .expect("a token")
            .to_owned()
    }
}

impl std::ops::Deref for Api<'_> {
    type Target = asym::Slack;

    fn deref(&self) -> &asym::Slack {
        self.slack
    }
}

/// The clock's time now, in Unix seconds (as `post_at` and reminders' `time` take it).
pub(crate) fn now() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock past 1970");
    i64::try_from(since_epoch.as_secs()).expect("seconds within i64")
}

/// Asserts `request` (a callback the clone sent an app) carries the `X-Slack-Signature` of
/// its timestamp and body under the clone's signing secret.
pub(crate) fn assert_signed(slack: &Api<'_>, request: &Received) {
    let timestamp = request.header("x-slack-request-timestamp").unwrap();
    let body = std::str::from_utf8(&request.body).unwrap();
    let base = format!("v0:{timestamp}:{body}");
    let expected = format!(
        "v0={}",
        asym_kit::token::hmac_sha256_hex(slack.signing_secret().as_bytes(), base.as_bytes())
    );
    assert_eq!(request.header("x-slack-signature").unwrap(), expected);
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

/// Asserts `reply` is HTTP `status` with `error` in its body, as the admin surface refuses;
/// the body.
#[track_caller]
pub(crate) fn refused(reply: Reply, status: u16, error: &str) -> Value {
    let body = reply.expect(status);
    assert_eq!(body["error"], error, "{body}");
    body
}

/// The string fields `names` of each object, in order.
pub(crate) fn fields<'a, const N: usize>(
    objects: &'a [Value],
    names: [&str; N],
) -> Vec<[&'a str; N]> {
    objects
        .iter()
        .map(|o| names.map(|name| o[name].as_str().expect("a string field")))
        .collect()
}
