//! Clients for a Notion clone and the fixture's ids.

#![allow(dead_code, reason = "each test module uses a different subset")]

use asym_kit::testing::{Api, Receiver, Reply, pluck};
use serde_json::{Value, json};

pub(crate) const PROJECTS: &str = "10000000-0000-4000-8000-000000000001";
pub(crate) const MEETING: &str = "10000000-0000-4000-8000-000000000002";
pub(crate) const PRIVATE: &str = "10000000-0000-4000-8000-000000000099";
pub(crate) const DATABASE: &str = "20000000-0000-4000-8000-000000000001";
pub(crate) const TASKS: &str = "30000000-0000-4000-8000-000000000001";
pub(crate) const TASK1: &str = "40000000-0000-4000-8000-000000000001";
pub(crate) const TASK2: &str = "40000000-0000-4000-8000-000000000002";
pub(crate) const ADA: &str = "a0000000-0000-4000-8000-000000000001";
pub(crate) const BOT: &str = "b0700000-0000-4000-8000-000000000001";

/// A client sending `token` and speaking API version `version`.
pub(crate) fn client(notion: &asym::Notion, token: &str, version: &str) -> Api {
    Api::new(notion.api_url())
        .bearer(token)
        .with_header("Notion-Version", version)
}

/// A client speaking `2025-09-03` with the integration token.
pub(crate) fn api(notion: &asym::Notion) -> Api {
    client(notion, notion.token(), "2025-09-03")
}

/// A client speaking `2022-06-28`.
pub(crate) fn legacy(notion: &asym::Notion) -> Api {
    client(notion, notion.token(), "2022-06-28")
}

/// A client speaking `2026-03-11`.
pub(crate) fn current(notion: &asym::Notion) -> Api {
    client(notion, notion.token(), "2026-03-11")
}

/// A client for the admin surface.
pub(crate) fn admin(notion: &asym::Notion) -> Api {
    Api::new(notion.api_url()).with_header("X-Asym-Admin-Secret", notion.admin_secret())
}

/// A rich-text array holding `content`.
pub(crate) fn text(content: &str) -> Value {
    json!([{ "type": "text", "text": { "content": content } }])
}

/// Asserts a Notion error envelope with `status` and `code`; returns its message.
#[track_caller]
pub(crate) fn error(reply: asym_kit::testing::Reply, status: u16, code: &str) -> String {
    let body = reply.expect(status);
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["request_id"].is_string(), "{body}");
    body["message"].as_str().unwrap().to_owned()
}

/// Asserts Notion's 404 `object_not_found`, its answer for an id that does not exist or is
/// not shared with the integration; returns its message.
#[track_caller]
pub(crate) fn not_found(reply: asym_kit::testing::Reply) -> String {
    error(reply, 404, "object_not_found")
}

/// Asserts Notion's 403 `restricted_resource`, its answer for a route the integration's
/// capabilities do not cover; returns its message.
#[track_caller]
pub(crate) fn restricted(reply: asym_kit::testing::Reply) -> String {
    error(reply, 403, "restricted_resource")
}

/// Asserts Notion's 400 `validation_error`, its most common refusal; returns its message.
#[track_caller]
pub(crate) fn invalid(reply: asym_kit::testing::Reply) -> String {
    error(reply, 400, "validation_error")
}

/// The first plain text of a title or rich-text property value.
pub(crate) fn plain(property: &Value) -> String {
    let kind = property["type"].as_str().unwrap();
    pluck(&property[kind], "plain_text").concat()
}

/// Creates a task in the Tasks data source titled `title`; answers the page.
pub(crate) async fn task(api: &Api, title: &str, extra: Value) -> Value {
    let mut properties = json!({ "Name": { "title": text(title) } });
    for (key, value) in extra.as_object().into_iter().flatten() {
        properties[key] = value.clone();
    }
    post(
        api,
        "/v1/pages",
        &json!({ "parent": { "data_source_id": TASKS }, "properties": properties }),
    )
    .await
}

/// The body of `POST /v1/pages` for a page titled `title` under page `parent`.
pub(crate) fn page_under(parent: &str, title: &str) -> Value {
    json!({ "parent": { "page_id": parent }, "properties": { "title": { "title": text(title) } } })
}

/// Creates a page titled `title` under page `parent`; answers the page.
pub(crate) async fn child_page(api: &Api, parent: &str, title: &str) -> Value {
    post(api, "/v1/pages", &page_under(parent, title)).await
}

/// Creates a page under `parent` (`{"page_id": …}` or `{"data_source_id": …}`) from `markdown`;
/// answers the page.
pub(crate) async fn from_markdown(api: &Api, parent: Value, markdown: &str) -> Value {
    let body = json!({ "parent": parent, "markdown": markdown });
    post(api, "/v1/pages", &body).await
}

/// The path of page `id`'s markdown (`/v1/pages/{id}/markdown`).
pub(crate) fn markdown_path(id: &str) -> String {
    format!("/v1/pages/{id}/markdown")
}

/// The markdown text `GET /v1/pages/{id}/markdown` answers for page `id`.
pub(crate) async fn markdown_text(api: &Api, id: &str) -> String {
    let page = read(api, &markdown_path(id)).await;
    page["markdown"].as_str().unwrap().to_owned()
}

/// The path of the Tasks data source's query (`POST /v1/data_sources/{TASKS}/query`).
pub(crate) fn tasks_query() -> String {
    format!("/v1/data_sources/{TASKS}/query")
}

/// Queries the Tasks data source with `body`, asserting HTTP 200; answers the list.
pub(crate) async fn query_tasks(api: &Api, body: &Value) -> Value {
    post(api, &tasks_query(), body).await
}

/// The titles (`Name`) of the pages in a list's `results`, in order.
pub(crate) fn titles(list: &Value) -> Vec<String> {
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|page| plain(&page["properties"]["Name"]))
        .collect()
}

/// Sets page `id`'s `properties` (`PATCH /v1/pages/{id}`); answers the page.
pub(crate) async fn set_properties(api: &Api, id: &str, properties: Value) -> Value {
    update_page(api, id, &json!({ "properties": properties })).await
}

/// `PATCH /v1/pages/{id}` with `body`, asserting HTTP 200; the page.
pub(crate) async fn update_page(api: &Api, id: &str, body: &Value) -> Value {
    patch(api, &format!("/v1/pages/{id}"), body).await
}

/// Moves the page, block, database or data source at `path` (`/v1/pages/{id}`, …) to the
/// trash (`in_trash` true) or out of it (`PATCH {in_trash}`), asserting HTTP 200; answers it.
pub(crate) async fn set_trash(api: &Api, path: &str, in_trash: bool) -> Value {
    patch(api, path, &json!({ "in_trash": in_trash })).await
}

/// Adds (or changes) `properties` in the Tasks data source's schema; answers the data source.
pub(crate) async fn tasks_schema(api: &Api, properties: Value) -> Value {
    let body = json!({ "properties": properties });
    patch(api, &format!("/v1/data_sources/{TASKS}"), &body).await
}

/// Creates a database titled `title` under Projects whose initial data source has
/// `properties` (`POST /v1/databases`); answers the database.
pub(crate) async fn database(api: &Api, title: &str, properties: Value) -> Value {
    database_in(api, PROJECTS, title, properties).await
}

/// [`database`] under page `page`.
pub(crate) async fn database_in(api: &Api, page: &str, title: &str, properties: Value) -> Value {
    let body = json!({
        "parent": { "type": "page_id", "page_id": page },
        "title": text(title),
        "initial_data_source": { "properties": properties }
    });
    post(api, "/v1/databases", &body).await
}

/// Creates a data source with only a `Name` title in database `database`
/// (`POST /v1/data_sources`); answers the data source.
pub(crate) async fn data_source_in(api: &Api, database: &str) -> Value {
    let body =
        json!({ "parent": { "database_id": database }, "properties": { "Name": { "title": {} } } });
    post(api, "/v1/data_sources", &body).await
}

/// Comments `words` under `parent` (`{"page_id": …}` or `{"block_id": …}`); answers the comment.
pub(crate) async fn comment(api: &Api, parent: Value, words: &str) -> Value {
    let body = json!({ "parent": parent, "rich_text": text(words) });
    post(api, "/v1/comments", &body).await
}

/// `GET path` with `api`, asserting HTTP 200; the body.
pub(crate) async fn read(api: &Api, path: &str) -> Value {
    api.get(path).await.expect(200)
}

/// `POST path` with `body` with `api`, asserting HTTP 200; the body.
pub(crate) async fn post(api: &Api, path: &str, body: &Value) -> Value {
    api.post(path, body).await.expect(200)
}

/// `PATCH path` with `body` with `api`, asserting HTTP 200; the body.
pub(crate) async fn patch(api: &Api, path: &str, body: &Value) -> Value {
    api.patch(path, body).await.expect(200)
}

/// The page after `first` of the listing at `path` (its query kept), asserting that `first`
/// says there is more.
pub(crate) async fn next_page(api: &Api, path: &str, first: &Value) -> Value {
    assert_eq!(first["has_more"], true, "{first}");
    let cursor = first["next_cursor"].as_str().unwrap();
    let join = if path.contains('?') { '&' } else { '?' };
    read(api, &format!("{path}{join}start_cursor={cursor}")).await
}

/// How many items the array `list` holds.
pub(crate) fn len(list: &Value) -> usize {
    list.as_array().unwrap().len()
}

/// The integration's capabilities, as the admin surface answers them.
pub(crate) async fn read_capabilities(admin: &Api) -> Value {
    read(admin, "/api/admin/capabilities").await
}

/// Changes the integration's capabilities named in `changes` through the admin surface,
/// asserting HTTP 200; answers the capabilities it holds now.
pub(crate) async fn set_capabilities(admin: &Api, changes: Value) -> Value {
    let reply = admin.put("/api/admin/capabilities", &changes).await;
    reply.expect(200)
}

/// Subscribes `receiver` to the clone's webhooks through the admin surface, asserting HTTP
/// 201; answers the (not yet verified) subscription.
pub(crate) async fn subscribe(admin: &Api, receiver: &Receiver) -> Value {
    subscribe_with(admin, receiver, json!({})).await
}

/// [`subscribe`] with the subscription's `choices` (`api_version`, `event_types`).
pub(crate) async fn subscribe_with(admin: &Api, receiver: &Receiver, choices: Value) -> Value {
    let mut body = choices;
    body["url"] = json!(format!("{}/notion", receiver.url()));
    admin.post("/api/admin/webhooks", &body).await.expect(201)
}

/// Answers subscription `id`'s handshake with `token`, as its owner pastes it in Notion.
pub(crate) async fn verify(admin: &Api, id: &str, token: &str) -> Reply {
    let path = format!("/api/admin/webhooks/{id}/verify");
    admin
        .post(&path, &json!({ "verification_token": token }))
        .await
}

/// A webhook receiver subscribed to the clone and verified (Notion's handshake done): it
/// hears every event from then on.
pub(crate) async fn verified_receiver(notion: &asym::Notion) -> Receiver {
    verified_receiver_with(notion, json!({})).await
}

/// [`verified_receiver`] for a subscription made with `choices` (`api_version`,
/// `event_types`).
pub(crate) async fn verified_receiver_with(notion: &asym::Notion, choices: Value) -> Receiver {
    let receiver = Receiver::start().await;
    let admin = admin(notion);
    let subscription = subscribe_with(&admin, &receiver, choices).await;
    let handshake = receiver.delivery().await.json();
    let token = handshake["verification_token"].as_str().unwrap();
    let id = subscription["id"].as_str().unwrap();
    verify(&admin, id, token).await.expect(200);
    receiver
}

/// The next event `receiver` hears, checked to be a `kind` event.
pub(crate) async fn heard(receiver: &Receiver, kind: &str) -> Value {
    let event = receiver.delivery().await.json();
    assert_eq!(event["type"], kind, "{event}");
    event
}
