//! Integration webhooks: the verification handshake, then signed events.

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, PROJECTS, TASK1, TASKS, admin, api, comment, data_source_in, database,
    heard, legacy, len, patch, post, read, set_trash, subscribe, task, tasks_schema, text,
    verified_receiver, verified_receiver_with, verify,
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
    // A row of a data source: its data source's content changed too.
    let row = heard(&receiver, "data_source.content_updated").await;
    assert_eq!(row["entity"], json!({ "id": TASKS, "type": "data_source" }));
    assert_eq!(
        row["data"],
        json!({ "parent": { "id": DATABASE, "type": "database" },
                "updated_blocks": [{ "id": page["id"], "type": "page" }] })
    );

    patch(
        &api,
        &format!("/v1/pages/{}", page["id"].as_str().unwrap()),
        &json!({ "properties": { "Done": { "checkbox": true } } }),
    )
    .await;
    let updated = receiver.delivery().await.json();
    assert_eq!(updated["type"], "page.properties_updated");
    assert_eq!(updated["data"]["updated_properties"], json!(["done"]));
    let row = heard(&receiver, "data_source.content_updated").await;
    assert_eq!(row["data"]["updated_blocks"][0]["id"], page["id"]);

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

#[asym::clone("notion", seed = "basic")]
async fn trash_moves_and_deletes_name_their_parent(notion: asym::Notion) {
    let receiver = verified_receiver(&notion).await;
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
    let row = heard(&receiver, "data_source.content_updated").await;
    assert_eq!(row["data"]["updated_blocks"][0]["id"], TASK1);
    let page = task(&api, "Mover", json!({})).await;
    heard(&receiver, "page.created").await;
    heard(&receiver, "data_source.content_updated").await;
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
    post(&api, &format!("/v1/pages/{page_id}/move"), &moved).await;
    let heard = receiver.delivery().await.json();
    assert_eq!(heard["type"], "page.moved");
    assert_eq!(
        heard["data"]["parent"],
        json!({ "id": PROJECTS, "type": "page" })
    );
}

#[asym::clone("notion", seed = "basic")]
async fn subscriptions_choose_their_version_and_event_types(notion: asym::Notion) {
    let admin = admin(&notion);
    let api = api(&notion);
    for bad in [
        json!({ "api_version": "2024-01-01" }),
        json!({ "event_types": ["page.exploded"] }),
        json!({ "event_types": [] }),
        json!({ "event_types": "page.created" }),
    ] {
        let mut body = bad.clone();
        body["url"] = json!("http://127.0.0.1:9/notion");
        let reply = admin.post("/api/admin/webhooks", &body).await;
        assert_eq!(reply.expect(400)["code"], "validation_error", "{bad}");
    }
    // On 2022-06-28 a data source's content and schema events are its database's deprecated
    // ones, and its other events are not sent.
    let old = verified_receiver_with(&notion, json!({ "api_version": "2022-06-28" })).await;
    let rows = verified_receiver_with(
        &notion,
        json!({ "event_types": ["data_source.content_updated", "database.moved"] }),
    )
    .await;
    let page = task(&api, "Versioned", json!({})).await;
    let created = heard(&old, "page.created").await;
    assert_eq!(created["api_version"], "2022-06-28");
    let content = heard(&old, "database.content_updated").await;
    assert_eq!(content["api_version"], "2022-06-28");
    assert_eq!(
        content["entity"],
        json!({ "id": DATABASE, "type": "database" })
    );
    assert_eq!(
        content["data"],
        json!({ "parent": { "id": PROJECTS, "type": "page" },
                "updated_blocks": [{ "id": page["id"], "type": "page" }] })
    );
    let row = heard(&rows, "data_source.content_updated").await;
    assert_eq!(row["api_version"], "2025-09-03");
    assert_eq!(row["entity"], json!({ "id": TASKS, "type": "data_source" }));

    patch(
        &legacy(&notion),
        &format!("/v1/databases/{DATABASE}"),
        &json!({ "properties": { "Size": { "number": {} } } }),
    )
    .await;
    let schema = heard(&old, "database.schema_updated").await;
    assert_eq!(
        schema["entity"],
        json!({ "id": DATABASE, "type": "database" })
    );
    assert_eq!(
        schema["data"]["parent"],
        json!({ "id": PROJECTS, "type": "page" })
    );
    assert_eq!(schema["data"]["updated_properties"][0]["name"], "Size");
    // A data source trashed: nothing on 2022-06-28; the database moved is heard by both.
    let tasks = format!("/v1/data_sources/{TASKS}");
    set_trash(&api, &tasks, true).await;
    set_trash(&api, &tasks, false).await;
    let moved = json!({ "parent": { "type": "page_id", "page_id": MEETING } });
    patch(&api, &format!("/v1/databases/{DATABASE}"), &moved).await;
    for receiver in [&old, &rows] {
        let event = heard(receiver, "database.moved").await;
        assert_eq!(
            event["data"]["parent"],
            json!({ "id": MEETING, "type": "page" })
        );
    }
}

#[asym::clone("notion", seed = "basic")]
async fn databases_and_data_sources_move(notion: asym::Notion) {
    let receiver = verified_receiver(&notion).await;
    let api = api(&notion);
    let made = database(&api, "Movable", json!({ "Name": { "title": {} } })).await;
    let id = made["id"].as_str().unwrap();
    heard(&receiver, "database.created").await;
    let children = |page: &str| format!("/v1/blocks/{page}/children");
    let path = format!("/v1/databases/{id}");
    let to_meeting = json!({ "parent": { "type": "page_id", "page_id": MEETING } });
    let moved = patch(&api, &path, &to_meeting).await;
    assert_eq!(
        moved["parent"],
        json!({ "type": "page_id", "page_id": MEETING })
    );
    let ids = |list: Value| asym_kit::testing::pluck(&list["results"], "id");
    assert!(ids(read(&api, &children(MEETING)).await).contains(&id.to_owned()));
    assert!(!ids(read(&api, &children(PROJECTS)).await).contains(&id.to_owned()));
    let event = heard(&receiver, "database.moved").await;
    assert_eq!(event["entity"], json!({ "id": id, "type": "database" }));
    assert_eq!(
        event["data"]["parent"],
        json!({ "id": MEETING, "type": "page" })
    );
    // Under the same page again: nothing moves, nothing is sent; into the workspace.
    patch(&api, &path, &to_meeting).await;
    let to_workspace =
        json!({ "parent": { "type": "workspace", "workspace": true }, "title": text("Top") });
    let top = patch(&api, &path, &to_workspace).await;
    assert_eq!(
        top["parent"],
        json!({ "type": "workspace", "workspace": true })
    );
    assert!(!ids(read(&api, &children(MEETING)).await).contains(&id.to_owned()));
    let event = heard(&receiver, "database.moved").await;
    assert_eq!(event["data"]["parent"]["type"], "space");
    assert_eq!(event["data"]["parent"]["id"], event["workspace_id"]);
    // Not under a page that is not there.
    let gone = "10000000-0000-4000-8000-00000000dead";
    let absent = json!({ "parent": { "type": "page_id", "page_id": gone } });
    let reply = api.patch(&path, &absent).await;
    assert_eq!(reply.expect(404)["code"], "object_not_found");

    // A second data source of the new database moves to Tasks' database, with its pages.
    let source = data_source_in(&api, id).await;
    let source_id = source["id"].as_str().unwrap();
    heard(&receiver, "data_source.created").await;
    let source_path = format!("/v1/data_sources/{source_id}");
    let into = json!({ "parent": { "type": "database_id", "database_id": DATABASE } });
    let moved = patch(&api, &source_path, &into).await;
    assert_eq!(
        moved["parent"],
        json!({ "type": "database_id", "database_id": DATABASE })
    );
    let event = heard(&receiver, "data_source.moved").await;
    assert_eq!(
        event["entity"],
        json!({ "id": source_id, "type": "data_source" })
    );
    assert_eq!(
        event["data"]["parent"],
        json!({ "id": DATABASE, "type": "database" })
    );
    let holder = read(&api, &format!("/v1/databases/{DATABASE}")).await;
    assert_eq!(
        asym_kit::testing::pluck(&holder["data_sources"], "id"),
        [TASKS, source_id]
    );
    let page = post(&api, "/v1/pages", &json!({ "parent": { "data_source_id": source_id }, "properties": { "Name": { "title": text("Moved row") } } })).await;
    assert_eq!(page["parent"]["database_id"], DATABASE);
    // The new database's only data source stays.
    let only = &made["data_sources"][0]["id"];
    let reply = api
        .patch(
            &format!("/v1/data_sources/{}", only.as_str().unwrap()),
            &into,
        )
        .await;
    assert_eq!(reply.expect(400)["code"], "validation_error");
}
