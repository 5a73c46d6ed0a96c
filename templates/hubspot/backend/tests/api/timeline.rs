//! Timeline events: the app's event templates and tokens (developer API key), events written
//! on a contact by id or email (the contact created when none has it), their tokens checked,
//! a token's `objectPropertyName` set on the record, read back and rendered.

use asym_kit::testing::Api;
use serde_json::json;

use crate::{api, post, prop, read, scoped};

/// `path` under the app's templates, with its developer API key.
fn templates(hubspot: &asym::HubSpot, path: &str) -> String {
    format!(
        "/integrators/timeline/v3/1000001/event-templates{path}?hapikey={}",
        hubspot.developer_api_key()
    )
}

/// A contact template with a string, a number and an enumeration token, the last stamping
/// the contact's `lifecyclestage`; its id.
async fn template(hubspot: &asym::HubSpot) -> String {
    let created = Api::new(hubspot.api_url())
        .post(
            &templates(hubspot, ""),
            &json!({
                "name": "Webinar registration",
                "objectType": "contacts",
                "headerTemplate": "Registered for [{{webinarName}}]({{extraData.url}})",
                "detailTemplate": "{{#if seats}}Seats: {{seats}}{{/if}}",
                "tokens": [
                    {"name": "webinarName", "label": "Webinar", "type": "string"},
                    {"name": "seats", "label": "Seats", "type": "number"},
                    {"name": "stage", "label": "Stage", "type": "enumeration",
                        "objectPropertyName": "lifecyclestage",
                        "options": [{"label": "Lead", "value": "lead"},
                                    {"label": "Customer", "value": "customer"}]},
                ],
            }),
        )
        .await
        .expect(201);
    assert_eq!(created["objectType"], "contacts");
    assert_eq!(created["tokens"][2]["options"][1]["value"], "customer");
    created["id"].as_str().unwrap().to_owned()
}

#[asym::clone("hubspot", seed = "basic")]
async fn events_go_on_records_with_checked_tokens_and_render_their_templates(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    let id = template(&hubspot).await;
    let event = json!({
        "eventTemplateId": id, "id": "evt-1", "objectId": "202",
        "tokens": {"webinarName": "Rust 101", "seats": 3, "stage": "customer"},
        "extraData": {"url": "https://example.com/w"},
        "timestamp": "2026-01-02T03:04:05Z",
    });
    let created = post(&api, "/integrators/timeline/v3/events", &event, 201).await;
    assert_eq!(
        (
            &created["objectId"],
            &created["objectType"],
            &created["tokens"]["seats"]
        ),
        (&json!("202"), &json!("contacts"), &json!("3"))
    );
    assert_eq!(created["timestamp"], "2026-01-02T03:04:05.000Z");
    // The enumeration token set the contact's property.
    let contact = read(
        &api,
        "/crm/v3/objects/contacts/202?properties=lifecyclestage",
    )
    .await;
    assert_eq!(prop(&contact, "lifecyclestage"), "customer");
    let path = format!("/integrators/timeline/v3/events/{id}/evt-1");
    assert_eq!(read(&api, &path).await, created);
    assert_eq!(
        read(&api, &format!("{path}/detail")).await,
        json!({"details": "Seats: 3"})
    );
    let page = api.get(&format!("{path}/render")).await.expect(200);
    assert_eq!(page, "Registered for [Rust 101](https://example.com/w)");

    // By email: a contact no one has is created.
    let by_email = json!({"eventTemplateId": id, "id": "evt-2", "email": "new-tl@example.com",
        "tokens": {"webinarName": "Go 101"}});
    let created = post(&api, "/integrators/timeline/v3/events", &by_email, 201).await;
    let contact = read(
        &api,
        "/crm/v3/objects/contacts/new-tl@example.com?idProperty=email",
    )
    .await;
    assert_eq!(contact["id"], created["objectId"]);

    // Refusals: an id taken, a token the template lacks, a value its type refuses, a record
    // or template that does not exist; a batch reports each refused input.
    for (body, status) in [
        (by_email.clone(), 409),
        (
            json!({"eventTemplateId": id, "objectId": "201", "tokens": {"nope": "x"}}),
            400,
        ),
        (
            json!({"eventTemplateId": id, "objectId": "201", "tokens": {"seats": "many"}}),
            400,
        ),
        (
            json!({"eventTemplateId": id, "objectId": "201", "tokens": {"stage": "nope"}}),
            400,
        ),
        (json!({"eventTemplateId": id, "objectId": "999999"}), 404),
        (json!({"eventTemplateId": "999", "objectId": "201"}), 404),
        (json!({"eventTemplateId": id}), 400),
    ] {
        api.post("/integrators/timeline/v3/events", &body)
            .await
            .expect(status);
    }
    let batch = json!({"inputs": [
        {"eventTemplateId": id, "id": "evt-3", "objectId": "201", "tokens": {"seats": "2"}},
        {"eventTemplateId": id, "id": "evt-4", "objectId": "201", "tokens": {"seats": "x"}},
    ]});
    let written = post(
        &api,
        "/integrators/timeline/v3/events/batch/create",
        &batch,
        207,
    )
    .await;
    assert_eq!(written["results"][0]["id"], "evt-3");
    assert_eq!(written["numErrors"], 1);
    read(&api, &format!("/integrators/timeline/v3/events/{id}/evt-3")).await;
    api.get(&format!("/integrators/timeline/v3/events/{id}/evt-4"))
        .await
        .expect(404);

    // A token without `timeline` nor the contacts write scope is refused.
    let deals = scoped(&hubspot, &["crm.objects.deals.write"]).await;
    let refused = deals
        .post("/integrators/timeline/v3/events", &event)
        .await
        .expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    Api::new(hubspot.api_url())
        .post("/integrators/timeline/v3/events", &event)
        .await
        .expect(401);
}

#[asym::clone("hubspot", seed = "basic")]
async fn templates_and_their_tokens_are_written_with_the_developer_api_key(hubspot: asym::HubSpot) {
    let developer = Api::new(hubspot.api_url());
    let id = template(&hubspot).await;
    let one = |path: &str| templates(&hubspot, &format!("/{id}{path}"));
    let listed = read(&developer, &templates(&hubspot, "")).await;
    assert_eq!(listed["results"][0]["id"], id.as_str());

    let token = json!({"name": "room", "label": "Room", "type": "string"});
    let added = post(&developer, &one("/tokens"), &token, 200).await;
    assert_eq!(added["name"], "room");
    developer.post(&one("/tokens"), &token).await.expect(400);
    let relabelled = developer
        .put(
            &one("/tokens/room"),
            &json!({"label": "Meeting room", "options": []}),
        )
        .await
        .expect(200);
    assert_eq!(relabelled["label"], "Meeting room");
    assert_eq!(relabelled["type"], "string");
    // A body that is not an object is refused (it took the backend down once).
    developer
        .put(&one("/tokens/room"), &json!(["label"]))
        .await
        .expect(400);
    developer.delete(&one("/tokens/room")).await.expect(204);
    developer.delete(&one("/tokens/room")).await.expect(404);

    let replaced = developer
        .put(
            &one(""),
            &json!({"id": id, "name": "Renamed", "tokens": [
                {"name": "only", "label": "Only", "type": "date"}]}),
        )
        .await
        .expect(200);
    assert_eq!(replaced["name"], "Renamed");
    assert_eq!(replaced["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(
        replaced["headerTemplate"],
        "Registered for [{{webinarName}}]({{extraData.url}})"
    );

    // Refused: an unknown token type, an enumeration without options, no developer API key,
    // another app, a bearer token.
    for (body, status) in [
        (
            json!({"name": "x", "objectType": "contacts",
            "tokens": [{"name": "t", "label": "T", "type": "boolean"}]}),
            400,
        ),
        (
            json!({"name": "x", "objectType": "contacts",
            "tokens": [{"name": "t", "label": "T", "type": "enumeration"}]}),
            400,
        ),
        (
            json!({"name": "x", "objectType": "nope", "tokens": []}),
            400,
        ),
        (json!({"objectType": "contacts", "tokens": []}), 400),
    ] {
        developer
            .post(&templates(&hubspot, ""), &body)
            .await
            .expect(status);
    }
    developer
        .get("/integrators/timeline/v3/1000001/event-templates")
        .await
        .expect(401);
    developer
        .get(&format!(
            "/integrators/timeline/v3/42/event-templates?hapikey={}",
            hubspot.developer_api_key()
        ))
        .await
        .expect(404);
    api(&hubspot)
        .get("/integrators/timeline/v3/1000001/event-templates")
        .await
        .expect(401);

    developer.delete(&one("")).await.expect(204);
    developer.get(&one("")).await.expect(404);
    let event = json!({"eventTemplateId": id, "objectId": "201"});
    api(&hubspot)
        .post("/integrators/timeline/v3/events", &event)
        .await
        .expect(404);
}
