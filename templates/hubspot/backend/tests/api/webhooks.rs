//! App webhooks: subscriptions through the admin surface, events batched into one JSON array
//! per write, signed with `X-HubSpot-Signature-v3`.

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::{admin, api, create, id, link_default, post, read};

const SECRET: &str = "app-client-secret";

async fn subscribe(hubspot: &asym::HubSpot, receiver: &Receiver, events: &[(&str, Option<&str>)]) {
    let admin = admin(hubspot);
    admin
        .put(
            "/api/admin/webhooks/settings",
            &json!({"targetUrl": receiver.url(), "clientSecret": SECRET, "appId": 4242}),
        )
        .await
        .expect(200);
    for (event, property) in events {
        post(
            &admin,
            "/api/admin/webhooks/subscriptions",
            &json!({"eventType": event, "propertyName": property}),
            201,
        )
        .await;
    }
}

/// The events of the next delivery, after checking its v3 signature.
async fn next(receiver: &Receiver) -> Vec<Value> {
    let got = receiver.delivery().await;
    let timestamp = got
        .header("x-hubspot-request-timestamp")
        .unwrap()
        .to_owned();
    let body = String::from_utf8(got.body.to_vec()).unwrap();
    let base = format!("POST{}{body}{timestamp}", receiver.url());
    let expected = asym_kit::cursor::base64(&asym_kit::token::hmac_sha256(
        SECRET.as_bytes(),
        base.as_bytes(),
    ));
    assert_eq!(
        got.header("x-hubspot-signature-v3"),
        Some(expected.as_str())
    );
    got.json().as_array().unwrap().clone()
}

#[asym::clone("hubspot", seed = "basic")]
async fn writes_raise_signed_batched_events(hubspot: asym::HubSpot) {
    let receiver = Receiver::start().await;
    subscribe(
        &hubspot,
        &receiver,
        &[
            ("contact.creation", None),
            ("contact.propertyChange", Some("firstname")),
            ("contact.deletion", None),
            ("contact.associationChange", None),
            ("deal.creation", None),
        ],
    )
    .await;
    let api = api(&hubspot);
    let contact = create(
        &api,
        "contacts",
        &json!({"email": "hook@example.com", "firstname": "Hook", "lastname": "Ignored"}),
        201,
    )
    .await;
    let contact = id(&contact);
    let events = next(&receiver).await;
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["subscriptionType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["contact.creation", "contact.propertyChange"]);
    assert_eq!(events[0]["objectId"].as_i64().unwrap().to_string(), contact);
    assert_eq!(events[0]["portalId"], 62515);
    assert_eq!(events[0]["appId"], 4242);
    assert_eq!(events[1]["propertyName"], "firstname");
    assert_eq!(events[1]["propertyValue"], "Hook");
    assert!(events[1]["eventId"].as_i64().unwrap() > events[0]["eventId"].as_i64().unwrap());

    link_default(&api, &format!("contacts/{contact}"), "companies/301").await;
    let events = next(&receiver).await;
    assert_eq!(events[0]["subscriptionType"], "contact.associationChange");
    assert_eq!(events[0]["associationType"], "CONTACT_TO_COMPANY");
    assert_eq!(events[0]["associationRemoved"], false);

    api.delete(&format!("/crm/v3/objects/contacts/{contact}"))
        .await
        .expect(204);
    let events = next(&receiver).await;
    assert_eq!(events[0]["subscriptionType"], "contact.deletion");

    let deals: Vec<Value> = (0..3)
        .map(|i| json!({"properties": {"dealname": format!("D{i}")}}))
        .collect();
    post(
        &api,
        "/crm/v3/objects/deals/batch/create",
        &json!({ "inputs": deals }),
        201,
    )
    .await;
    let events = next(&receiver).await;
    assert_eq!(events.len(), 3, "one request for the whole batch");
    assert!(
        events
            .iter()
            .all(|e| e["subscriptionType"] == "deal.creation")
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn subscriptions_are_managed_and_checked(hubspot: asym::HubSpot) {
    let admin = admin(&hubspot);
    let created = post(
        &admin,
        "/api/admin/webhooks/subscriptions",
        &json!({"eventType": "deal.deletion"}),
        201,
    )
    .await;
    let listed = read(&admin, "/api/admin/webhooks/subscriptions").await;
    assert_eq!(listed["results"][0]["eventType"], "deal.deletion");
    for body in [
        json!({"eventType": "contact.teleported"}),
        json!({"eventType": "contact.propertyChange"}),
        json!({}),
    ] {
        post(&admin, "/api/admin/webhooks/subscriptions", &body, 400).await;
    }
    admin
        .delete(&format!(
            "/api/admin/webhooks/subscriptions/{}",
            created["id"].as_str().unwrap()
        ))
        .await
        .expect(204);
    api(&hubspot)
        .get("/api/admin/webhooks/subscriptions")
        .await
        .expect(401);
}
