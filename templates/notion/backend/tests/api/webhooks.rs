//! Integration webhooks: the verification handshake, then signed events.

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::common::{
    DATABASE, PROJECTS, TASK1, TASKS, admin, api, comment, len, patch, read, subscribe, task,
    tasks_schema, text, verify,
};

#[asym::clone("notion", seed = "basic")]
async fn handshake_then_signed_events(notion: asym::Notion) {
    let receiver = Receiver::start().await;
    let admin = admin(&notion);
    let api = api(&notion);
    let subscription = subscribe(&admin, &receiver).await;
    let id = subscription["id"].as_str().unwrap();
    assert_eq!(subscription["verified"], false);
    let handshake = receiver.delivery().await;
    let token = handshake.json()["verification_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("secret_"));
    // Nothing is sent before verification: the write's transaction queues no delivery (the
    // outbox holds the handshake alone), so nothing can be sent later either.
    let unheard = task(&api, "Unheard", json!({})).await;
    let outbox = admin.get("/api/admin/outbox").await.expect(200);
    let queued = outbox["deliveries"].as_array().unwrap();
    assert_eq!(queued.len(), 1, "{outbox}");
    let body = queued[0]["body"].as_str().unwrap();
    assert!(body.contains("verification_token"), "{body}");
    assert!(!body.contains(unheard["id"].as_str().unwrap()));
    verify(&admin, id, "wrong").await.expect(400);
    let verified = verify(&admin, id, &token).await.expect(200);
    assert_eq!(verified["verified"], true);

    let page = task(&api, "Heard", json!({})).await;
    let created = receiver.delivery().await;
    created.assert_sha256_signature("x-notion-signature", &token);
    let event = created.json();
    assert_eq!(event["type"], "page.created");
    assert_eq!(event["entity"], json!({ "id": page["id"], "type": "page" }));
    assert_eq!(event["subscription_id"], id);

    patch(
        &api,
        &format!("/v1/pages/{}", page["id"].as_str().unwrap()),
        &json!({ "properties": { "Done": { "checkbox": true } } }),
    )
    .await;
    let updated = receiver.delivery().await.json();
    assert_eq!(updated["type"], "page.properties_updated");
    assert_eq!(updated["data"]["updated_properties"], json!(["done"]));

    patch(
        &api,
        &format!("/v1/blocks/{TASK1}/children"),
        &json!({ "children": [{ "divider": {} }] }),
    )
    .await;
    let content = receiver.delivery().await.json();
    assert_eq!(content["type"], "page.content_updated");
    assert_eq!(content["entity"]["id"], TASK1);

    let made = comment(&api, json!({ "page_id": TASK1 }), "ping").await;
    let comment = receiver.delivery().await;
    comment.assert_sha256_signature("x-notion-signature", &token);
    assert_eq!(comment.json()["type"], "comment.created");
    let comment_path = format!("/v1/comments/{}", made["id"].as_str().unwrap());
    patch(&api, &comment_path, &json!({ "rich_text": text("pong") })).await;
    let edited = receiver.delivery().await.json();
    assert_eq!(edited["type"], "comment.updated");
    assert_eq!(edited["entity"]["id"], made["id"]);
    assert_eq!(edited["data"]["page_id"], TASK1);
    api.delete(&comment_path).await.expect(200);
    assert_eq!(receiver.delivery().await.json()["type"], "comment.deleted");

    tasks_schema(&api, json!({ "Size": { "number": {} } })).await;
    let schema = receiver.delivery().await.json();
    assert_eq!(schema["type"], "data_source.schema_updated");
    assert_eq!(
        schema["data"]["updated_properties"][0]["name"],
        Value::from("Size")
    );

    let listed = read(&admin, "/api/admin/webhooks").await;
    assert_eq!(len(&listed["subscriptions"]), 1);
    admin
        .delete(&format!("/api/admin/webhooks/{id}"))
        .await
        .expect(200);
}

/// `PATCH path` `{in_trash: trash}`.
async fn set_trash(api: &asym_kit::testing::Api, path: &str, trash: bool) {
    patch(api, path, &json!({ "in_trash": trash })).await;
}

#[asym::clone("notion", seed = "basic")]
async fn trash_moves_and_deletes_name_their_parent(notion: asym::Notion) {
    let receiver = crate::common::verified_receiver(&notion).await;
    let api = api(&notion);
    // Trashing and restoring a data source or a database: `<kind>.deleted` / `.undeleted`.
    for (path, id, kind, parent) in [
        (
            "data_sources",
            TASKS,
            "data_source",
            json!({ "id": DATABASE, "type": "database" }),
        ),
        (
            "databases",
            DATABASE,
            "database",
            json!({ "id": PROJECTS, "type": "page" }),
        ),
    ] {
        for (trash, event) in [(true, "deleted"), (false, "undeleted")] {
            set_trash(&api, &format!("/v1/{path}/{id}"), trash).await;
            let heard = receiver.delivery().await.json();
            assert_eq!(heard["type"], format!("{kind}.{event}"), "{heard}");
            assert_eq!(heard["entity"], json!({ "id": id, "type": kind }));
            assert_eq!(heard["data"]["parent"], parent);
        }
    }
    // Leaving the flag as it is sends nothing: the next event is the page's.
    set_trash(&api, &format!("/v1/databases/{DATABASE}"), false).await;
    set_trash(&api, &format!("/v1/pages/{TASK1}"), true).await;
    let deleted = receiver.delivery().await.json();
    assert_eq!(deleted["type"], "page.deleted");
    let page_parent = json!({ "id": DATABASE, "type": "database", "data_source_id": TASKS });
    assert_eq!(deleted["data"]["parent"], page_parent);
    let page = task(&api, "Mover", json!({})).await;
    assert_eq!(receiver.delivery().await.json()["type"], "page.created");
    let page_id = page["id"].as_str().unwrap();
    // Locking and unlocking (a lock that changes nothing sends nothing).
    let page_path = format!("/v1/pages/{page_id}");
    for (locked, event) in [(true, "page.locked"), (true, ""), (false, "page.unlocked")] {
        patch(&api, &page_path, &json!({ "is_locked": locked })).await;
        if !event.is_empty() {
            let heard = receiver.delivery().await.json();
            assert_eq!(heard["type"], event, "{heard}");
            assert_eq!(heard["entity"], json!({ "id": page_id, "type": "page" }));
            assert_eq!(heard["data"]["parent"], page_parent);
        }
    }
    let moved = json!({ "parent": { "page_id": PROJECTS } });
    crate::common::post(&api, &format!("/v1/pages/{page_id}/move"), &moved).await;
    let heard = receiver.delivery().await.json();
    assert_eq!(heard["type"], "page.moved");
    assert_eq!(
        heard["data"]["parent"],
        json!({ "id": PROJECTS, "type": "page" })
    );
}
