//! Clients for a GitHub clone and the fixture's names.

#![allow(dead_code, reason = "each test module uses a different subset")]

use asym_kit::testing::{Api, Received, Receiver, Reply};
use serde_json::{Value, json};

/// The fixture repository.
pub(crate) const REPO: &str = "/repos/acme/hello-world";
/// The README blob and the `main` commit of the fixture (real git ids).
pub(crate) const README_SHA: &str = "e97975bd8bbb070102a3d5695dc0c18070a7c9aa";
/// The first commit on `main`.
pub(crate) const MAIN_SHA: &str = "b76e68b34d9b55a728b183e4436bcdeca7b30937";

/// The owner (`octocat`, org admin).
pub(crate) fn api(gh: &asym::GitHub) -> Api {
    Api::new(gh.api_url()).bearer(gh.token())
}

/// The second user (`hubot`, org member, write collaborator).
pub(crate) fn reviewer(gh: &asym::GitHub) -> Api {
    Api::new(gh.api_url()).with_header("Authorization", format!("token {}", gh.reviewer_token()))
}

/// The GitHub App installation (`acme-bot[bot]`).
pub(crate) fn app(gh: &asym::GitHub) -> Api {
    Api::new(gh.api_url()).bearer(gh.app_token())
}

/// No credentials.
pub(crate) fn anonymous(gh: &asym::GitHub) -> Api {
    Api::new(gh.api_url())
}

/// The admin surface.
pub(crate) fn admin(gh: &asym::GitHub) -> Api {
    Api::new(gh.api_url()).with_header("X-Asym-Admin-Secret", gh.admin_secret())
}

/// Asserts GitHub's error envelope with `status`; returns the message.
#[track_caller]
pub(crate) fn error(reply: Reply, status: u16) -> String {
    let body = reply.expect(status);
    assert_eq!(body["status"], status.to_string(), "{body}");
    assert!(body["documentation_url"].is_string(), "{body}");
    body["message"].as_str().unwrap().to_owned()
}

/// The first `errors[].code` of a 422.
#[track_caller]
pub(crate) fn code(reply: Reply) -> String {
    let body = reply.expect(422);
    body["errors"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The JSON `GET path` answers (a 200 expected).
pub(crate) async fn fetch(api: &Api, path: &str) -> Value {
    api.get(path).await.expect(200)
}

/// The JSON `POST path` with `body` answers, as the caller of `api` (a 201 expected).
pub(crate) async fn created(api: &Api, path: &str, body: &Value) -> Value {
    api.post(path, body).await.expect(201)
}

/// The JSON `PATCH path` with `body` answers, as the caller of `api` (a 200 expected).
pub(crate) async fn updated(api: &Api, path: &str, body: &Value) -> Value {
    api.patch(path, body).await.expect(200)
}

/// Asserts that a `GET` of each of `paths`, as the caller of `api`, answers 404: what is not
/// there, or what GitHub hides from that caller.
pub(crate) async fn not_found(api: &Api, paths: &[&str]) {
    for path in paths {
        let reply = api.get(path).await;
        assert_eq!(reply.status, 404, "GET {path}: {}", reply.body);
    }
}

/// A connection to the clone's own database, for what the API does not show.
pub(crate) async fn database(gh: &asym::GitHub) -> asym_kit::tokio_postgres::Client {
    let (db, connection) =
        asym_kit::tokio_postgres::connect(gh.database_url(), asym_kit::tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    db
}

/// `DELETE path`, without a body.
pub(crate) async fn delete(api: &Api, path: &str) -> Reply {
    api.send(reqwest::Method::DELETE, path, None).await
}

/// `POST …/git/refs` on the fixture repository: the ref `name` (`refs/heads/topic`) at `sha`.
pub(crate) async fn create_ref(api: &Api, name: &str, sha: impl Into<Value>) -> Reply {
    let body = json!({ "ref": name, "sha": sha.into() });
    api.post(&format!("{REPO}/git/refs"), &body).await
}

/// Creates `branch` from main with one new file, as the caller of `api`.
pub(crate) async fn branch(api: &Api, branch: &str, file: &str, text: &str) {
    let main = fetch(api, &format!("{REPO}/git/ref/heads/main")).await;
    create_ref(
        api,
        &format!("refs/heads/{branch}"),
        main["object"]["sha"].clone(),
    )
    .await
    .expect(201);
    api.put(
        &format!("{REPO}/contents/{file}"),
        &json!({ "message": format!("Add {file}"), "content": b64(text), "branch": branch }),
    )
    .await
    .expect(201);
}

/// `POST …/pulls` on the fixture repository with `body`.
pub(crate) async fn create_pull(api: &Api, body: &Value) -> Reply {
    api.post(&format!("{REPO}/pulls"), body).await
}

/// Opens a pull request of `head` into main on the fixture repository: its JSON.
pub(crate) async fn open_pull(api: &Api, title: &str, head: &str) -> Value {
    let body = json!({ "title": title, "head": head, "base": "main" });
    create_pull(api, &body).await.expect(201)
}

/// Approves pull request `number` of the fixture repository as the caller of `api`.
pub(crate) async fn approve(api: &Api, number: impl std::fmt::Display) {
    let path = format!("{REPO}/pulls/{number}/reviews");
    api.post(&path, &json!({ "event": "APPROVE" }))
        .await
        .expect(200);
}

/// `PUT …/pulls/{number}/merge` on the fixture repository with `body`.
pub(crate) async fn merge_pull(api: &Api, number: impl std::fmt::Display, body: Value) -> Reply {
    api.put(&format!("{REPO}/pulls/{number}/merge"), &body)
        .await
}

/// `POST {repo}/releases` with `body` (`repo`: a repository's path, such as [`REPO`]): the
/// release (a 201 expected).
pub(crate) async fn release(api: &Api, repo: &str, body: Value) -> Value {
    created(api, &format!("{repo}/releases"), &body).await
}

/// Creates the caller's repository `name` with a first commit (`auto_init`): its JSON.
pub(crate) async fn new_repo(api: &Api, name: &str) -> Value {
    let body = json!({ "name": name, "auto_init": true });
    created(api, "/user/repos", &body).await
}

/// The clone path of comment `item`'s own `url`, which must be `expected`; asserts that a
/// `GET` there answers the comment's body.
pub(crate) async fn comment_at(
    gh: &asym::GitHub,
    api: &Api,
    item: &Value,
    expected: String,
) -> String {
    let path = item["url"].as_str().unwrap().replace(gh.api_url(), "");
    assert_eq!(path, expected);
    assert_eq!(fetch(api, &path).await["body"], item["body"]);
    path
}

/// Edits comment `item`, at `path`, to `body` as the caller of `api`: the answer must be the
/// same comment with the new body.
pub(crate) async fn edit_comment(api: &Api, path: &str, item: &Value, body: &str) {
    let edited = api.patch(path, &json!({ "body": body })).await.expect(200);
    assert_eq!(fields(&edited, ["/id", "/body"]), json!([item["id"], body]));
}

/// How many items `GET path` lists (a 200 expected).
pub(crate) async fn count(api: &Api, path: &str) -> usize {
    fetch(api, path).await.as_array().unwrap().len()
}

/// The values at the JSON `pointers` in `value` (`null` where absent), as one array.
pub(crate) fn fields<const N: usize>(value: &Value, pointers: [&str; N]) -> Value {
    pointers
        .iter()
        .map(|p| value.pointer(p).cloned().unwrap_or(Value::Null))
        .collect()
}

/// Base64 of `text`.
pub(crate) fn b64(text: &str) -> String {
    asym_kit::cursor::base64(text.as_bytes())
}

/// The `rel` names of a `Link` header.
pub(crate) fn rels(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get("link")
        .map(|v| {
            v.to_str()
                .unwrap()
                .split(", ")
                .map(|l| {
                    l.rsplit("rel=")
                        .next()
                        .unwrap()
                        .trim_matches('"')
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The value of `key` in each item of `list`, as one array (`null` where absent).
pub(crate) fn each(list: &Value, key: &str) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].clone())
        .collect()
}

/// [`names`] of the list `GET path` answers (a 200 expected).
pub(crate) async fn names_at(api: &Api, path: &str, key: &str) -> Vec<String> {
    names(&fetch(api, path).await, key)
}

/// Logins of a list of users or of `key` inside each item.
pub(crate) fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The next delivery `receiver` takes, which must be the event `event` (`X-GitHub-Event`).
pub(crate) async fn delivered(receiver: &Receiver, event: &str) -> Received {
    let got = receiver.delivery().await;
    assert_eq!(got.header("x-github-event"), Some(event));
    got
}

/// A receiver for the fixture repository's hook subscribed (as the caller of `api`) to
/// `events`, its ping taken (and checked to be one).
pub(crate) async fn listen(api: &Api, events: &[&str]) -> Receiver {
    let receiver = Receiver::start().await;
    let config = json!({ "url": receiver.url(), "content_type": "json" });
    created(
        api,
        &format!("{REPO}/hooks"),
        &json!({ "config": config, "events": events }),
    )
    .await;
    delivered(&receiver, "ping").await;
    receiver
}

/// The next delivery, which must be `event` with `action` and hold `expected` at `pointers`:
/// its payload.
pub(crate) async fn next<const N: usize>(
    receiver: &Receiver,
    (event, action): (&str, &str),
    pointers: [&str; N],
    expected: Value,
) -> Value {
    let payload = delivered(receiver, event).await.json();
    assert_eq!(payload["action"], action, "{payload}");
    assert_eq!(fields(&payload, pointers), expected, "{payload}");
    payload
}

/// `method path` once with each of `bodies`, as the caller of `api`, all sent at once: the
/// answers, in the order of `bodies`.
pub(crate) async fn at_once(
    api: &Api,
    method: reqwest::Method,
    path: &str,
    bodies: Vec<Value>,
) -> Vec<Reply> {
    let calls: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (api, method, path) = (api.clone(), method.clone(), path.to_owned());
            tokio::spawn(async move { api.send(method, &path, Some(&body)).await })
        })
        .collect();
    let mut replies = Vec::new();
    for call in calls {
        replies.push(call.await.unwrap());
    }
    replies
}

/// The `number`s of a list of issues.
pub(crate) fn numbers(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect()
}

/// Opens an issue titled `title` in `repo` (`/repos/{o}/{r}`): its id.
pub(crate) async fn issue_id(api: &Api, repo: &str, title: &str) -> i64 {
    let made = created(api, &format!("{repo}/issues"), &json!({ "title": title })).await;
    made["id"].as_i64().unwrap()
}

/// Closes issue `number` of the fixture repository.
pub(crate) async fn close_issue(api: &Api, number: i64) {
    let path = format!("{REPO}/issues/{number}");
    updated(api, &path, &json!({ "state": "closed" })).await;
}

/// The field `key` of issue `number` of the fixture repository.
pub(crate) async fn issue_field(api: &Api, number: i64, key: &str) -> Value {
    fetch(api, &format!("{REPO}/issues/{number}")).await[key].clone()
}
