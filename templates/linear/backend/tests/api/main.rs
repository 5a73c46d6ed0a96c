//! The Linear clone's tests: through `POST /graphql` of real clones leased from the harness,
//! each reset to its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod agents;
mod attachments;
mod auth;
mod batches;
mod comment_parents;
mod customers;
mod cycles;
mod documents;
mod email_intake;
mod emojis;
mod favorites;
mod filters;
mod initiatives;
mod integrations;
mod invites;
mod labels;
mod notification_subscriptions;
mod notifications;
mod organization;
mod project_initiative_labels;
mod project_relations;
mod project_updates;
mod projects;
mod protocol;
mod reactions;
mod reads;
mod relations;
mod releases;
mod reminders;
mod roadmaps;
mod teams;
mod templates;
mod threads;
mod time_schedules;
mod triage;
mod uploads;
mod user_settings;
mod validation;
mod views;
mod webhooks;
mod writes;

use std::time::Duration;

use asym_kit::testing::{Api, Receiver, Reply, pluck};
use serde::Serialize;
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

/// A client authenticated as Ben, with the clone's OAuth token.
pub(crate) fn oauth_client(linear: &asym::Linear) -> Api {
    Api::new(linear.endpoint("backend").unwrap()).bearer(linear.oauth_token())
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

/// Runs `text`, which takes no variables, and answers its `data`, failing on any error.
pub(crate) async fn ask(api: &Api, text: &str) -> Value {
    query(api, text, json!({})).await
}

/// How many nodes the root `connection` answers (with its arguments, if any:
/// `issues(includeArchived: true)`).
pub(crate) async fn count(api: &Api, connection: &str) -> usize {
    let field = connection.split('(').next().unwrap();
    let got = ask(api, &format!("{{ {connection} {{ nodes {{ id }} }} }}")).await;
    got[field]["nodes"].as_array().unwrap().len()
}

/// Asserts `reply` is one Linear error of `code` with HTTP `status`; answers its message.
#[track_caller]
pub(crate) fn error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    let first = &reply.body["errors"][0];
    assert_eq!(first["extensions"]["code"], code, "{}", reply.body);
    assert!(first["extensions"]["type"].is_string(), "{}", reply.body);
    if code == "GRAPHQL_VALIDATION_FAILED" {
        // Linear's validation errors: the status under `http`, no presentable message.
        assert_eq!(
            first["extensions"]["http"]["status"], status,
            "{}",
            reply.body
        );
        assert!(first["extensions"].get("userPresentableMessage").is_none());
    } else {
        assert!(
            first["extensions"]["userPresentableMessage"].is_string(),
            "{}",
            reply.body
        );
    }
    first["message"].as_str().unwrap().to_owned()
}

/// Asserts `reply` is Linear's `invalid input` error: HTTP 400 and, on its first error,
/// `message` and the extensions Linear gives a user error (`type`, `code`, `statusCode`,
/// `userError`) with `presentable` as the `userPresentableMessage`; a class-validator
/// refusal's `validationErrors` besides, when there are any, say `presentable` first.
#[track_caller]
pub(crate) fn invalid_input(reply: &Reply, message: &str, presentable: &str) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    let first = &reply.body["errors"][0];
    assert_eq!(first["message"], message, "{}", reply.body);
    let mut found = first["extensions"].clone();
    if let Some(refusals) = found
        .as_object_mut()
        .and_then(|e| e.remove("validationErrors"))
    {
        assert_eq!(message, "Argument Validation Error", "{}", reply.body);
        let constraints = refusals[0]["constraints"].as_object().unwrap();
        assert_eq!(
            constraints.values().next().unwrap(),
            presentable,
            "{}",
            reply.body
        );
    }
    let extensions = json!({"type": "invalid input", "code": "INPUT_ERROR", "statusCode": 400,
                            "userError": true, "userPresentableMessage": presentable});
    assert_eq!(found, extensions, "{}", reply.body);
}

/// Runs `query` with `variables`, asserting Linear refuses it as an `Argument Validation
/// Error` of class-validator's: answers its `extensions.validationErrors`.
pub(crate) async fn validation_errors(api: &Api, query: &str, variables: Value) -> Value {
    let reply = gql(api, query, variables).await;
    let message = error(&reply, 400, "INPUT_ERROR");
    assert_eq!(message, "Argument Validation Error", "{}", reply.body);
    reply.body["errors"][0]["extensions"]["validationErrors"].clone()
}

/// A case of [`refused_inputs_as`]: `input` refused as an `Argument Validation Error`,
/// `presentable` to the user.
pub(crate) fn argument_error(input: Value, presentable: &str) -> (Value, &str, &str) {
    (input, "Argument Validation Error", presentable)
}

/// Runs `query` with `variables`, asserting Linear refuses it as [`invalid_input`] saying
/// `message`, `presentable` to the user.
pub(crate) async fn refused_as(
    api: &Api,
    query: &str,
    variables: Value,
    message: &str,
    presentable: &str,
) {
    invalid_input(&gql(api, query, variables).await, message, presentable);
}

/// Runs `mutation` with each case's `$input`, asserting Linear refuses it as
/// [`invalid_input`] saying the case's message, and its presentable message to the user.
pub(crate) async fn refused_inputs_as<'a>(
    api: &Api,
    mutation: &str,
    cases: impl IntoIterator<Item = (Value, &'a str, &'a str)>,
) {
    for (input, message, presentable) in cases {
        refused_as(
            api,
            mutation,
            json!({ "input": input }),
            message,
            presentable,
        )
        .await;
    }
}

/// Runs `query` with `variables`, asserting Linear refuses it as "Entity not found:
/// `entity`" ("Could not find referenced `entity`." to the user).
pub(crate) async fn missing(api: &Api, query: &str, variables: Value, entity: &str) {
    let message = format!("Entity not found: {entity}");
    let presentable = format!("Could not find referenced {entity}.");
    refused_as(api, query, variables, &message, &presentable).await;
}

/// Asserts `object` has each field of `expected` with its value (null: null or absent; a
/// number by its value, `1` as `1.0`); other fields may be there too.
#[track_caller]
pub(crate) fn assert_fields(object: &Value, expected: &Value) {
    let expected = expected.as_object().expect("an object of expected fields");
    for (field, value) in expected {
        let got = &object[field];
        match (got.as_f64(), value.as_f64()) {
            (Some(got), Some(value)) => assert_eq!(got, value, "{field} of {object}"),
            _ => assert_eq!(got, value, "{field} of {object}"),
        }
    }
}

/// The text of mutation `field(input:)` (`input` of `input_type`), selecting the payload's
/// `success`, `lastSyncId` and `fields` of its `key`.
pub(crate) fn create_text(field: &str, input_type: &str, key: &str, fields: &str) -> String {
    format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{
            success lastSyncId {key} {{ {fields} }} }} }}"
    )
}

/// The text of mutation `field(id:, input:)` (`input` of `input_type`), selecting the
/// payload's `success`, `lastSyncId` and `fields` of its `key`.
pub(crate) fn update_text(field: &str, input_type: &str, key: &str, fields: &str) -> String {
    format!(
        "mutation($id: String!, $input: {input_type}!) {{ {field}(id: $id, input: $input) {{
            success lastSyncId {key} {{ {fields} }} }} }}"
    )
}

/// A resource's `…Create(input:)` and `…Update(id:, input:)` mutations of `Type`
/// ([`create_text`], [`update_text`]), selecting `fields` of the payload's `key`.
pub(crate) struct Writes<'a> {
    api: &'a Api,
    key: &'a str,
    /// The create mutation's text.
    pub(crate) create_doc: String,
    /// The update mutation's text.
    pub(crate) update_doc: String,
}

impl<'a> Writes<'a> {
    /// The writes of type `ty` (`ProjectRelation`: `projectRelationCreate`,
    /// `ProjectRelationCreateInput`, …) through `api`.
    pub(crate) fn new(api: &'a Api, ty: &str, key: &'a str, fields: &str) -> Self {
        let field = format!("{}{}", ty[..1].to_lowercase(), &ty[1..]);
        let text = |write: &str| (format!("{field}{write}"), format!("{ty}{write}Input"));
        let (create, create_input) = text("Create");
        let (update, update_input) = text("Update");
        Self {
            api,
            key,
            create_doc: create_text(&create, &create_input, key, fields),
            update_doc: update_text(&update, &update_input, key, fields),
        }
    }

    /// Creates one of `input`, which must succeed: the payload's `key`.
    pub(crate) async fn create(&self, input: Value) -> Value {
        mutate(self.api, &self.create_doc, json!({ "input": input })).await[self.key].clone()
    }

    /// Updates `id` with `input`, which must succeed: the payload's `key`.
    pub(crate) async fn update(&self, id: impl Serialize, input: Value) -> Value {
        let variables = json!({ "id": id, "input": input });
        mutate(self.api, &self.update_doc, variables).await[self.key].clone()
    }
}

/// Runs `mutation` (of one field) and answers its payload, which must report success.
pub(crate) async fn mutate(api: &Api, mutation: &str, variables: Value) -> Value {
    let got = query(api, mutation, variables).await;
    let payload = got
        .as_object()
        .and_then(|fields| fields.values().next())
        .expect("one mutation field");
    assert_eq!(payload["success"], true, "{got}");
    payload.clone()
}

/// Runs `projectCreate(input:)` with `input`, which must succeed: the new project's id.
pub(crate) async fn create_project(api: &Api, input: Value) -> String {
    let text =
        "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { success project { id } } }";
    let got = mutate(api, text, json!({ "i": input })).await;
    got["project"]["id"].as_str().unwrap().to_owned()
}

/// Runs `query`, whose one variable is `$id`, with `id`; answers its `data`.
pub(crate) async fn with_id(api: &Api, text: &str, id: impl Serialize) -> Value {
    query(api, text, json!({ "id": id })).await
}

/// Runs `mutation(id:)`, a `…Delete` answering Linear's `DeletePayload`, asserting it
/// succeeds and names `id` as its `entityId`; answers the payload.
pub(crate) async fn delete_payload(api: &Api, mutation: &str, id: impl Serialize) -> Value {
    let id = json!(id);
    let text = format!(
        "mutation($id: String!) {{ {mutation}(id: $id) {{ success lastSyncId entityId }} }}"
    );
    let payload = with_id(api, &text, &id).await[mutation].clone();
    assert_eq!(payload["success"], true, "{payload}");
    assert_eq!(payload["entityId"], id, "{payload}");
    payload
}

/// Runs `mutation(id:)`, one answering Linear's `ArchivePayload` (an archive, an unarchive or
/// a delete to the trash), asserting it succeeds; answers its entity's `fields`.
pub(crate) async fn archive_payload(
    api: &Api,
    mutation: &str,
    id: impl Serialize,
    fields: &str,
) -> Value {
    let text = format!(
        "mutation($id: String!) {{ {mutation}(id: $id) {{ success lastSyncId entity {{ {fields} }} }} }}"
    );
    let payload = with_id(api, &text, id).await[mutation].clone();
    assert_eq!(payload["success"], true, "{payload}");
    payload["entity"].clone()
}

/// Runs `query` with `variables`, asserting Linear refuses it as invalid input (400);
/// answers the message.
pub(crate) async fn refused(api: &Api, query: &str, variables: Value) -> String {
    error(&gql(api, query, variables).await, 400, "INPUT_ERROR")
}

/// Runs `query` with `variables`, asserting Linear refuses it as invalid input (400) with a
/// message that contains `expected`.
pub(crate) async fn refused_for(api: &Api, query: &str, variables: Value, expected: &str) {
    let message = refused(api, query, variables).await;
    assert!(message.contains(expected), "{message} / {expected}");
}

/// Runs `query` with `variables`, asserting Linear refuses it as an `Argument Validation
/// Error` whose `userPresentableMessage` contains `expected`.
pub(crate) async fn invalid_argument(api: &Api, query: &str, variables: Value, expected: &str) {
    let reply = gql(api, query, variables).await;
    let message = error(&reply, 400, "INPUT_ERROR");
    assert_eq!(message, "Argument Validation Error", "{}", reply.body);
    let presentable = &reply.body["errors"][0]["extensions"]["userPresentableMessage"];
    let presentable = presentable.as_str().unwrap();
    assert!(presentable.contains(expected), "{presentable} / {expected}");
}

/// Runs `mutation` with each case's `$input`, asserting Linear refuses it as invalid input
/// with a message that contains the case's text.
pub(crate) async fn refused_inputs<'a>(
    api: &Api,
    mutation: &str,
    cases: impl IntoIterator<Item = (Value, &'a str)>,
) {
    for (input, expected) in cases {
        let message = refused(api, mutation, json!({ "input": input })).await;
        assert!(
            message.contains(expected),
            "{input}: {message} / {expected}"
        );
    }
}

/// Asserts `field(id:)` refuses `id` as "Entity not found: `entity`".
pub(crate) async fn not_found(api: &Api, field: &str, id: impl Serialize, entity: &str) {
    let text = format!("query($id: String!) {{ {field}(id: $id) {{ id }} }}");
    missing(api, &text, json!({ "id": id }), entity).await;
}

/// Asserts `connection(filter:)` refuses `filter` (a GraphQL literal) as invalid input with a
/// message that names `field`.
pub(crate) async fn refused_filter(api: &Api, connection: &str, filter: &str, field: &str) {
    let text = format!("{{ {connection}(filter: {filter}) {{ nodes {{ id }} }} }}");
    refused_for(api, &text, json!({}), &format!("`{field}`")).await;
}

/// Asserts what `connection(filter:)`, whose filter is a `filter_type`, answers for each case's
/// filter: the `field` of its nodes, newest first.
pub(crate) async fn assert_filtered<'a>(
    api: &Api,
    connection: &str,
    filter_type: &str,
    field: &str,
    cases: impl IntoIterator<Item = (Value, &'a [&'a str])>,
) {
    let text = format!(
        "query($f: {filter_type}) {{ {connection}(filter: $f) {{ nodes {{ {field} }} }} }}"
    );
    for (filter, expected) in cases {
        let found = query(api, &text, json!({ "f": filter })).await;
        let got = pluck(&found[connection]["nodes"], field);
        assert_eq!(got, expected, "{filter}");
    }
}

/// The `field` of each node of ENG's `connection`, in order.
pub(crate) async fn eng_nodes(api: &Api, connection: &str, field: &str) -> Vec<String> {
    let text = format!("{{ team(id: \"ENG\") {{ {connection} {{ nodes {{ {field} }} }} }} }}");
    pluck(
        &query(api, &text, json!({})).await["team"][connection]["nodes"],
        field,
    )
}

/// The identifiers of a connection's nodes, in order.
pub(crate) fn identifiers(connection: &Value) -> Vec<String> {
    pluck(&connection["nodes"], "identifier")
}

/// A receiver subscribed to webhooks of resource type `resource` for `team` (by id), or for
/// every public team.
pub(crate) async fn subscribed(api: &Api, resource: &str, team: Option<&str>) -> Receiver {
    subscribed_to(api, &[resource], team).await
}

/// A receiver subscribed to webhooks of the resource types `resources` for `team` (by id),
/// or for every public team.
pub(crate) async fn subscribed_to(api: &Api, resources: &[&str], team: Option<&str>) -> Receiver {
    let receiver = Receiver::start().await;
    let mut input = json!({"url": format!("{}/linear", receiver.url()),
                           "resourceTypes": resources});
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

/// The body of the next delivery `receiver` gets, asserting it is a `resource` event of
/// `action` (`create`, `update`, `remove`).
pub(crate) async fn delivered(receiver: &Receiver, resource: &str, action: &str) -> Value {
    let got = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a delivery");
    assert_eq!(got.header("linear-event"), Some(resource));
    let body = got.json();
    assert_eq!(body["type"], resource);
    assert_eq!(body["action"], action, "{body}");
    body
}

/// Asserts `mutation` refuses each case's `$input` as invalid input, saying the case's text
/// to the user (a validator's refusal, a constraint's, or a reference not found).
pub(crate) async fn refuses(api: &Api, mutation: &str, cases: &[(Value, &str)]) {
    for (input, presentable) in cases {
        let reply = gql(api, mutation, json!({ "input": input })).await;
        error(&reply, 400, "INPUT_ERROR");
        let said = &reply.body["errors"][0]["extensions"]["userPresentableMessage"];
        assert_eq!(said, presentable, "{input}");
    }
}
