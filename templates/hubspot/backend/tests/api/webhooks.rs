//! App webhooks: subscriptions through the admin surface, events batched into one JSON array
//! per write, signed with `X-HubSpot-Signature-v3` and `X-HubSpot-Signature` (v1).

use asym_kit::testing::{Api, Receiver, assert_contains};
use serde_json::{Value, json};

use crate::schemas::car_schema;
use crate::{admin, api, archive, create, delete, id, link_default, post, read, strs};

const SECRET: &str = "app-client-secret";

/// The admin route of the app's webhook subscriptions.
const SUBSCRIPTIONS: &str = "/api/admin/webhooks/subscriptions";

/// A receiver the app's webhooks now go to, with `subscriptions` (bodies of the admin route)
/// added.
pub(crate) async fn subscribed(hubspot: &asym::HubSpot, subscriptions: &[Value]) -> Receiver {
    let receiver = Receiver::start().await;
    let admin = admin(hubspot);
    admin
        .put(
            "/api/admin/webhooks/settings",
            &json!({"targetUrl": receiver.url(), "clientSecret": SECRET, "appId": 4242}),
        )
        .await
        .expect(200);
    for subscription in subscriptions {
        post(&admin, SUBSCRIPTIONS, subscription, 201).await;
    }
    receiver
}

/// The events of the next delivery, after checking its signatures with [`SECRET`].
pub(crate) async fn next(receiver: &Receiver) -> Vec<Value> {
    next_signed(receiver, SECRET).await
}

/// The events of the next delivery, after checking its signatures with `secret`: v3, and v1
/// (`X-HubSpot-Signature`, the SHA-256 of the secret and the body), which HubSpot still sends
/// for webhooks API subscriptions and the SDKs' `Signature.isValid` checks by default.
async fn next_signed(receiver: &Receiver, secret: &str) -> Vec<Value> {
    let got = receiver.delivery().await;
    let timestamp = got
        .header("x-hubspot-request-timestamp")
        .unwrap()
        .to_owned();
    let body = String::from_utf8(got.body.to_vec()).unwrap();
    let base = format!("POST{}{body}{timestamp}", receiver.url());
    let expected = asym_kit::cursor::base64(&asym_kit::token::hmac_sha256(
        secret.as_bytes(),
        base.as_bytes(),
    ));
    assert_eq!(
        got.header("x-hubspot-signature-v3"),
        Some(expected.as_str())
    );
    let v1 = asym_kit::token::hash(&format!("{secret}{body}"));
    assert_eq!(got.header("x-hubspot-signature"), Some(v1.as_str()));
    assert_eq!(got.header("x-hubspot-signature-version"), Some("v1"));
    got.json().as_array().unwrap().clone()
}

/// The `subscriptionType` of each of a delivery's events.
pub(crate) fn subscription_types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["subscriptionType"].as_str().unwrap())
        .collect()
}

#[asym::clone("hubspot", seed = "basic")]
async fn writes_raise_signed_batched_events(hubspot: asym::HubSpot) {
    let receiver = subscribed(
        &hubspot,
        &[
            json!({"eventType": "contact.creation"}),
            json!({"eventType": "contact.propertyChange", "propertyName": "firstname"}),
            json!({"eventType": "contact.deletion"}),
            json!({"eventType": "contact.associationChange"}),
            json!({"eventType": "deal.creation"}),
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
    assert_eq!(
        subscription_types(&events),
        ["contact.creation", "contact.propertyChange"]
    );
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
    assert_eq!(
        subscription_types(&events),
        ["deal.creation"; 3],
        "one request for the whole batch"
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn subscriptions_are_managed_and_checked(hubspot: asym::HubSpot) {
    let admin = admin(&hubspot);
    let created = post(
        &admin,
        SUBSCRIPTIONS,
        &json!({"eventType": "deal.deletion"}),
        201,
    )
    .await;
    let listed = read(&admin, SUBSCRIPTIONS).await;
    assert_eq!(listed["results"][0]["eventType"], "deal.deletion");
    for body in [
        json!({"eventType": "contact.teleported"}),
        json!({"eventType": "contact.propertyChange"}),
        // HubSpot has no legacy types for engagements, nor product.associationChange; the
        // restore types are not served.
        json!({"eventType": "note.creation"}),
        json!({"eventType": "product.associationChange"}),
        json!({"eventType": "contact.restore"}),
        json!({"eventType": "object.restore", "objectTypeId": "0-1"}),
        json!({}),
    ] {
        post(&admin, SUBSCRIPTIONS, &body, 400).await;
    }
    delete(&admin, &format!("{SUBSCRIPTIONS}/{}", id(&created)), 204).await;
    api(&hubspot).get(SUBSCRIPTIONS).await.expect(401);
}

#[asym::clone("hubspot", seed = "basic")]
async fn generic_subscriptions_hear_custom_and_hubspot_types(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = post(&api, "/crm/v3/schemas", &car_schema(), 201).await;
    let car_type = schema["objectTypeId"].as_str().unwrap();
    let receiver = subscribed(
        &hubspot,
        &[
            json!({"eventType": "object.creation", "objectTypeId": "p62515_car"}),
            json!({"eventType": "object.propertyChange", "objectTypeId": "contacts", "propertyName": "firstname"}),
            json!({"eventType": "object.associationChange", "objectTypeId": car_type}),
            json!({"eventType": "object.deletion", "objectTypeId": "p_car"}),
        ],
    )
    .await;
    let listed = read(&admin(&hubspot), SUBSCRIPTIONS).await;
    let heard = strs(&listed["results"], "objectTypeId");
    assert_eq!(heard, [car_type, "0-1", car_type, car_type]);

    // A custom record's creation, its object type id in the event; its property values
    // are heard by nobody.
    let car = id(&create(&api, car_type, &json!({"vin": "V1", "model": "T"}), 201).await);
    let events = next(&receiver).await;
    assert_eq!(subscription_types(&events), ["object.creation"]);
    assert_eq!(events[0]["objectTypeId"], car_type);
    assert_eq!(events[0]["objectId"].as_i64().unwrap().to_string(), car);
    assert_eq!(events[0]["changeFlag"], "NEW");

    // One of HubSpot's types through a generic subscription.
    create(&api, "contacts", &json!({"firstname": "Gen"}), 201).await;
    let events = next(&receiver).await;
    assert_eq!(subscription_types(&events), ["object.propertyChange"]);
    assert_eq!(events[0]["objectTypeId"], "0-1");
    assert_eq!(events[0]["propertyValue"], "Gen");

    // The car's side of an association with a contact.
    link_default(&api, &format!("{car_type}/{car}"), "contacts/201").await;
    let events = next(&receiver).await;
    assert_eq!(subscription_types(&events), ["object.associationChange"]);
    assert_eq!(events[0]["fromObjectTypeId"], car_type);
    assert_eq!(events[0]["toObjectTypeId"], "0-1");
    assert_eq!(events[0]["toObjectId"], 201);
    assert_eq!(events[0]["associationType"], "CAR_TO_CONTACT");

    api.delete(&format!("/crm/v3/objects/{car_type}/{car}"))
        .await
        .expect(204);
    let events = next(&receiver).await;
    assert_eq!(events[0]["subscriptionType"], "object.deletion");
    assert_eq!(events[0]["objectTypeId"], car_type);

    // Custom types have no legacy subscription types; generic ones name what they hear.
    let admin = admin(&hubspot);
    for body in [
        json!({"eventType": "car.creation"}),
        json!({"eventType": "object.creation"}),
        json!({"eventType": "object.creation", "objectTypeId": "p62515_boat"}),
        json!({"eventType": "contact.creation", "objectTypeId": "0-2"}),
    ] {
        post(&admin, SUBSCRIPTIONS, &body, 400).await;
    }
    // A legacy type may repeat its own object type id; it stays a legacy subscription.
    let legacy = json!({"eventType": "contact.creation", "objectTypeId": "0-1"});
    let created = post(&admin, SUBSCRIPTIONS, &legacy, 201).await;
    assert!(created.get("objectTypeId").is_none(), "{created}");
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_webhooks_api_sets_the_apps_target_and_subscriptions(hubspot: asym::HubSpot) {
    let key = hubspot.developer_api_key();
    let secret = hubspot.client_secret();
    let developer = Api::new(hubspot.api_url());
    let app = |path: &str| format!("/webhooks/v3/1000001{path}?hapikey={key}");
    // The developer API key of the app the path names, and nothing else, opens it.
    for (path, status) in [
        ("/webhooks/v3/1000001/subscriptions".to_owned(), 401),
        (
            format!(
                "/webhooks/v3/1000001/subscriptions?hapikey={}",
                hubspot.token()
            ),
            401,
        ),
        (format!("/webhooks/v3/42/subscriptions?hapikey={key}"), 404),
        (app("/settings"), 404),
    ] {
        developer.get(&path).await.expect(status);
    }
    let receiver = Receiver::start().await;
    let target = json!({"targetUrl": receiver.url(), "throttling": {"maxConcurrentRequests": 10}});
    let settings = developer.put(&app("/settings"), &target).await.expect(200);
    assert_eq!(settings["targetUrl"], receiver.url());
    assert_eq!(settings["throttling"]["maxConcurrentRequests"], 10);
    assert!(settings["createdAt"].is_string());
    assert_eq!(read(&developer, &app("/settings")).await, settings);
    let unbuilt = developer
        .put(&app("/settings"), &json!({"targetUrl": receiver.url()}))
        .await
        .expect(400);
    assert_contains(&unbuilt["message"], "[throttling]");

    // A generic subscription for a custom type, paused as created, then activated: only
    // the record created after hears it, signed with the app's client secret.
    let api = api(&hubspot);
    let schema = post(&api, "/crm/v3/schemas", &car_schema(), 201).await;
    let car_type = schema["objectTypeId"].as_str().unwrap();
    let subscription = post(
        &developer,
        &app("/subscriptions"),
        &json!({"eventType": "object.creation", "objectTypeId": car_type}),
        201,
    )
    .await;
    assert_eq!(subscription["active"], false);
    assert_eq!(subscription["objectTypeId"], car_type);
    let path = app(&format!("/subscriptions/{}", id(&subscription)));
    create(&api, car_type, &json!({"vin": "PAUSED"}), 201).await;
    let active = developer
        .patch(&path, &json!({"active": true}))
        .await
        .expect(200);
    assert_eq!(active["active"], true);
    let heard = id(&create(&api, car_type, &json!({"vin": "HEARD"}), 201).await);
    let events = next_signed(&receiver, secret).await;
    assert_eq!(events[0]["objectId"].as_i64().unwrap().to_string(), heard);
    assert_eq!(events[0]["appId"], 1_000_001);
    assert_eq!(events[0]["objectTypeId"], car_type);

    // Paused in a batch that also names a subscription that does not exist (207).
    let numeric: i64 = id(&subscription).parse().unwrap();
    let batch = post(
        &developer,
        &app("/subscriptions/batch/update"),
        &json!({"inputs": [{"id": numeric, "active": false}, {"id": 999_999, "active": true}]}),
        207,
    )
    .await;
    assert_eq!(batch["results"][0]["active"], false);
    assert_eq!(batch["numErrors"], 1);
    let listed = read(&developer, &app("/subscriptions")).await;
    assert_eq!(listed["results"][0]["active"], false);
    archive(&developer, &path).await;
    archive(&developer, &app("/settings")).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn merges_are_heard_by_merge_subscriptions(hubspot: asym::HubSpot) {
    let receiver = subscribed(
        &hubspot,
        &[
            json!({"eventType": "contact.merge"}),
            json!({"eventType": "object.merge", "objectTypeId": "0-1"}),
        ],
    )
    .await;
    let api = api(&hubspot);
    let primary = id(&create(&api, "contacts", &json!({"email": "keep@example.com"}), 201).await);
    let merged = id(&create(
        &api,
        "contacts",
        &json!({"email": "gone@example.com", "phone": "555"}),
        201,
    )
    .await);
    post(
        &api,
        "/crm/v3/objects/contacts/merge",
        &json!({"primaryObjectId": primary, "objectIdToMerge": merged}),
        200,
    )
    .await;
    let events = next(&receiver).await;
    assert_eq!(
        subscription_types(&events),
        ["contact.merge", "object.merge"]
    );
    for event in &events {
        assert_eq!(
            event["primaryObjectId"].as_i64().unwrap().to_string(),
            primary
        );
        assert_eq!(event["newObjectId"], event["primaryObjectId"]);
        assert_eq!(
            event["mergedObjectIds"],
            json!([merged.parse::<i64>().unwrap()])
        );
        assert_eq!(event["numberOfPropertiesMoved"], 1, "{event}");
    }
    assert_eq!(events[1]["objectTypeId"], "0-1");
}
