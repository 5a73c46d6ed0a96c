//! The Linear clone's tests: through `POST /graphql` of real clones leased from the harness,
//! each reset to its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod auth;
mod documents;
mod initiatives;
mod project_updates;
mod protocol;
mod reads;
mod relations;
mod templates;
mod webhooks;
mod writes;

use std::time::Duration;

use asym_kit::testing::{Api, Receiver, Reply, pluck};
use serde_json::{Value, json};

/// ENG's id in every fixture.
pub(crate) const ENG: &str = "c0000000-0000-4000-8000-000000000001";
/// Ada, the admin (`apiKey`).
pub(crate) const ADA: &str = "b0000000-0000-4000-8000-000000000001";
/// Ben (`oauthToken`).
pub(crate) const BEN: &str = "b0000000-0000-4000-8000-000000000002";

/// A client authenticated with the clone's personal API key (no scheme, as Linear wants).
pub(crate) fn client(linear: &asym::Linear) -> Api {
    Api::new(linear.endpoint("backend").unwrap()).with_header("Authorization", linear.api_key())
}

/// Runs `query` with `variables`.
pub(crate) async fn gql(api: &Api, query: &str, variables: Value) -> Reply {
    api.post(
        "/graphql",
        &json!({ "query": query, "variables": variables }),
    )
    .await
}

/// Runs `query` and answers its `data`, failing on any error.
#[track_caller]
pub(crate) fn data(reply: Reply) -> Value {
    assert!(
        reply.body.get("errors").is_none(),
        "unexpected errors: {}",
        reply.body
    );
    reply.expect(200)["data"].clone()
}

/// Runs `query` with `variables` and answers its `data`, failing on any error.
pub(crate) async fn query(api: &Api, query: &str, variables: Value) -> Value {
    data(gql(api, query, variables).await)
}

/// Asserts `reply` is one Linear error of `code` with HTTP `status`; answers its message.
#[track_caller]
pub(crate) fn error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    let first = &reply.body["errors"][0];
    assert_eq!(first["extensions"]["code"], code, "{}", reply.body);
    assert!(first["extensions"]["type"].is_string(), "{}", reply.body);
    assert!(
        first["extensions"]["userPresentableMessage"].is_string(),
        "{}",
        reply.body
    );
    first["message"].as_str().unwrap().to_owned()
}

/// Runs `query` with `variables`, asserting Linear refuses it as invalid input (400);
/// answers the message.
pub(crate) async fn refused(api: &Api, query: &str, variables: Value) -> String {
    error(&gql(api, query, variables).await, 400, "INVALID_INPUT")
}

/// The identifiers of a connection's nodes, in order.
pub(crate) fn identifiers(connection: &Value) -> Vec<String> {
    pluck(&connection["nodes"], "identifier")
}

/// A receiver subscribed to webhooks of resource type `resource` for `team` (by id), or for
/// every public team.
pub(crate) async fn subscribed(api: &Api, resource: &str, team: Option<&str>) -> Receiver {
    let receiver = Receiver::start().await;
    let mut input = json!({"url": format!("{}/linear", receiver.url()),
                           "resourceTypes": [resource]});
    match team {
        Some(team) => input["teamId"] = json!(team),
        None => input["allPublicTeams"] = json!(true),
    }
    query(
        api,
        "mutation($i: WebhookCreateInput!) { webhookCreate(input: $i) { success } }",
        json!({ "i": input }),
    )
    .await;
    receiver
}

/// The body of the next delivery `receiver` gets, asserting it is a `resource` event.
pub(crate) async fn delivered(receiver: &Receiver, resource: &str) -> Value {
    let got = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a delivery");
    assert_eq!(got.header("linear-event"), Some(resource));
    let body = got.json();
    assert_eq!(body["type"], resource);
    body
}
