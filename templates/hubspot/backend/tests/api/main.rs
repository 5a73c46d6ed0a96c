//! The HubSpot clone's tests: through the HTTP API of real clones leased from the harness,
//! each reset to the `basic` seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod associations;
mod batch;
mod engagements;
mod forms;
mod goals;
mod imports;
mod leads;
mod list_folders;
mod lists;
mod oauth;
mod objects;
mod owners_pipelines;
mod preferences;
mod properties;
mod protocol;
mod schemas;
mod search;
mod timeline;
mod users;
mod webhooks;

use asym_kit::testing::Api;
use serde_json::{Value, json};

/// A client for the clone's API with its provisioned private app token.
pub(crate) fn api(hubspot: &asym::HubSpot) -> Api {
    Api::new(hubspot.api_url()).bearer(hubspot.token())
}

/// A client for the clone's admin surface.
pub(crate) fn admin(hubspot: &asym::HubSpot) -> Api {
    Api::new(hubspot.api_url()).with_header("X-Asym-Admin-Secret", hubspot.admin_secret())
}

/// A client for the clone's API with a further private app token holding only `scopes`.
pub(crate) async fn scoped(hubspot: &asym::HubSpot, scopes: &[&str]) -> Api {
    let minted = admin(hubspot)
        .post("/api/admin/private-apps", &json!({ "scopes": scopes }))
        .await
        .expect(201);
    Api::new(hubspot.api_url()).bearer(minted["token"].as_str().unwrap())
}

/// An object's property.
pub(crate) fn prop<'a>(object: &'a Value, name: &str) -> &'a Value {
    &object["properties"][name]
}

/// Asserts that `object` holds each `(property, value)`, naming the property that differs.
pub(crate) fn assert_props(object: &Value, expected: &[(&str, &str)]) {
    for &(name, value) in expected {
        assert_eq!(prop(object, name), value, "{name}");
    }
}

/// An object's id.
pub(crate) fn id(object: &Value) -> String {
    object["id"].as_str().unwrap().to_owned()
}

/// `GET path` with `api`, asserting HTTP 200; the body.
pub(crate) async fn read(api: &Api, path: &str) -> Value {
    api.get(path).await.expect(200)
}

/// `POST path` with `body` with `api`, asserting HTTP `status`; the body.
pub(crate) async fn post(api: &Api, path: &str, body: &Value, status: u16) -> Value {
    api.post(path, body).await.expect(status)
}

/// `POST /crm/v3/objects/{kind}/search` with `body` with `api`, asserting HTTP 200; the body.
pub(crate) async fn search(api: &Api, kind: &str, body: &Value) -> Value {
    post(api, &format!("/crm/v3/objects/{kind}/search"), body, 200).await
}

/// `POST path` with `body` with `api`, `times` requests at once; their statuses, sorted.
pub(crate) async fn post_at_once(api: &Api, path: &str, body: &Value, times: usize) -> Vec<u16> {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..times {
        let (api, path, body) = (api.clone(), path.to_owned(), body.clone());
        calls.spawn(async move { api.post(&path, &body).await.status });
    }
    let mut statuses = calls.join_all().await;
    statuses.sort_unstable();
    statuses
}

/// `PATCH path` with `body` with `api`, asserting HTTP 200; the body.
pub(crate) async fn patch(api: &Api, path: &str, body: &Value) -> Value {
    api.patch(path, body).await.expect(200)
}

/// A create input's `HUBSPOT_DEFINED` association to object `to` with association type
/// `type_id`.
pub(crate) fn link(to: &str, type_id: i64) -> Value {
    json!({"to": {"id": to}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
}

/// `PUT /crm/v4/objects/{from}/associations/default/{to}` (each `type/id`) with `api`,
/// asserting HTTP 200; the body.
pub(crate) async fn link_default(api: &Api, from: &str, to: &str) -> Value {
    api.put(
        &format!("/crm/v4/objects/{from}/associations/default/{to}"),
        &json!(null),
    )
    .await
    .expect(200)
}

/// `DELETE path` with `api`, asserting HTTP `status`; the body.
pub(crate) async fn delete(api: &Api, path: &str, status: u16) -> Value {
    api.delete(path).await.expect(status)
}

/// `GET path` with `api`, asserting HTTP 404: nothing is there.
pub(crate) async fn missing(api: &Api, path: &str) {
    api.get(path).await.expect(404);
}

/// `DELETE path` with `api` (204), after which `GET path` answers 404.
pub(crate) async fn archive(api: &Api, path: &str) {
    api.delete(path).await.expect(204);
    missing(api, path).await;
}

/// `POST /crm/v3/objects/{kind}` with `properties`, expecting `status`; the reply's body.
pub(crate) async fn create(api: &Api, kind: &str, properties: &Value, status: u16) -> Value {
    api.post(
        &format!("/crm/v3/objects/{kind}"),
        &json!({ "properties": properties }),
    )
    .await
    .expect(status)
}

/// The string `field` of each item of the array `list`.
pub(crate) fn strs<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap())
        .collect()
}

/// The item of the array `list` whose `id` is `id` (failing with the list when none is).
pub(crate) fn by_id<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list}"))
}

/// How many items the array `list` holds.
pub(crate) fn len(list: &Value) -> usize {
    list.as_array().unwrap().len()
}

/// How many live contacts the clone holds (the seed has 3): what a refused write must leave.
pub(crate) async fn contact_count(api: &Api) -> usize {
    len(&api
        .get("/crm/v3/objects/contacts?limit=100")
        .await
        .expect(200)["results"])
}
