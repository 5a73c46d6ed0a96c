//! `2026-03-11` beside `2025-09-03`: `archived` gone from answers and refused in bodies,
//! `after` refused on append; dates between the two are `2025-09-03`, later ones refused.

use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, TASK1, TASKS, api, client, current, invalid, patch, post, query_tasks, read,
    task, tasks_query, text, update_page,
};

#[track_caller]
fn without_archived(object: &Value) {
    assert!(object.get("archived").is_none(), "{object}");
    assert!(object["in_trash"].is_boolean(), "{object}");
}

#[asym::clone("notion", seed = "basic")]
async fn archived_is_gone_in_2026(notion: asym::Notion) {
    let new = current(&notion);
    let old = api(&notion);
    for path in [
        format!("/v1/pages/{TASK1}"),
        format!("/v1/blocks/{MEETING}"),
        format!("/v1/databases/{DATABASE}"),
        format!("/v1/data_sources/{TASKS}"),
    ] {
        without_archived(&read(&new, &path).await);
        assert_eq!(read(&old, &path).await["archived"], false, "{path}");
    }
    let children = read(&new, &format!("/v1/blocks/{MEETING}/children")).await;
    children["results"]
        .as_array()
        .unwrap()
        .iter()
        .for_each(without_archived);
    let query = query_tasks(&new, &json!({})).await;
    query["results"]
        .as_array()
        .unwrap()
        .iter()
        .for_each(without_archived);
    let found = post(&new, "/v1/search", &json!({ "query": "Meeting" })).await;
    without_archived(&found["results"][0]);

    let page = task(&new, "Trash me", json!({})).await;
    without_archived(&page);
    let id = page["id"].as_str().unwrap();
    let message = invalid(
        new.patch(&format!("/v1/pages/{id}"), &json!({ "archived": true }))
            .await,
    );
    assert_eq!(
        message,
        "body failed validation: body.archived should be not present, instead was `true`."
    );
    assert_eq!(
        read(&old, &format!("/v1/pages/{id}")).await["in_trash"],
        false
    );
    let trashed = update_page(&new, id, &json!({ "in_trash": true })).await;
    assert_eq!(trashed["in_trash"], true);
    without_archived(&trashed);
    // 2025-09-03 still takes `archived` and answers it.
    let restored = update_page(&old, id, &json!({ "archived": false })).await;
    assert_eq!(restored["archived"], false);
    invalid(new.post(&tasks_query(), &json!({ "archived": true })).await);
}

#[asym::clone("notion", seed = "basic")]
async fn append_takes_position_only_in_2026(notion: asym::Notion) {
    let new = current(&notion);
    let path = format!("/v1/blocks/{MEETING}/children");
    let first = read(&new, &path).await["results"][0]["id"].clone();
    let message = invalid(
        new.patch(
            &path,
            &json!({ "children": [{ "paragraph": { "rich_text": text("x") } }], "after": first }),
        )
        .await,
    );
    assert_eq!(
        message,
        format!("body failed validation: body.after should be not present, instead was `{first}`.")
    );
    let placed = patch(
        &new,
        &path,
        &json!({
            "children": [{ "paragraph": { "rich_text": text("second") } }],
            "position": { "type": "after_block", "after_block": { "id": first } }
        }),
    )
    .await;
    without_archived(&placed["results"][0]);
    let list = read(&new, &path).await;
    assert_eq!(list["results"][1]["id"], placed["results"][0]["id"]);
    // 2025-09-03 still takes `after`.
    patch(
        &api(&notion),
        &path,
        &json!({ "children": [{ "divider": {} }], "after": first }),
    )
    .await;
    // Neither version creates meeting notes (nor transcriptions).
    for kind in ["meeting_notes", "transcription"] {
        invalid(
            new.patch(&path, &json!({ "children": [{ "type": kind, kind: {} }] }))
                .await,
        );
    }
}

#[asym::clone("notion", seed = "basic")]
async fn versions_between_and_after(notion: asym::Notion) {
    let with = |version: &str| client(&notion, notion.token(), version);
    // Between 2025-09-03 and 2026-03-11: 2025 semantics.
    let page = read(&with("2025-12-01"), &format!("/v1/pages/{TASK1}")).await;
    assert_eq!(page["archived"], false);
    let message = invalid(with("2026-12-01").get("/v1/users/me").await);
    assert!(message.contains("not served"), "{message}");
    let message = invalid(with("2027-01-01").get("/v1/users/me").await);
    assert!(message.contains("2026-03-11"), "{message}");
}

/// Whether `value` holds an `archived` key at any depth.
fn holds_archived(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("archived") || map.values().any(holds_archived),
        Value::Array(items) => items.iter().any(holds_archived),
        _ => false,
    }
}

#[asym::clone("notion", seed = "basic")]
async fn nested_answers_and_events_follow_2026(notion: asym::Notion) {
    let new = current(&notion);
    assert!(holds_archived(&json!({ "a": [{ "archived": false }] })));
    // An async task's result, a view query's pages, a moved page: no `archived` at any depth.
    let body =
        json!({ "parent": { "page_id": MEETING }, "markdown": "# Later", "allow_async": true });
    let task_id = new.post("/v1/pages", &body).await.expect(202)["id"].clone();
    let done = read(
        &new,
        &format!("/v1/async_tasks/{}", task_id.as_str().unwrap()),
    )
    .await;
    assert_eq!(done["result"]["object"], "page", "{done}");
    let views = read(&new, &format!("/v1/views?data_source_id={TASKS}")).await;
    let view = views["results"][0]["id"].as_str().unwrap().to_owned();
    let results = post(&new, &format!("/v1/views/{view}/queries"), &json!({})).await;
    let moved = post(
        &new,
        &format!("/v1/pages/{}/move", done["result"]["id"].as_str().unwrap()),
        &json!({ "parent": { "page_id": crate::common::PROJECTS } }),
    )
    .await;
    for answer in [&done, &results, &moved] {
        assert!(!holds_archived(answer), "{answer}");
    }
    // A subscription on 2026-03-11 hears its events in that version.
    let receiver =
        crate::common::verified_receiver_with(&notion, json!({ "api_version": "2026-03-11" }))
            .await;
    task(&new, "Heard in 2026", json!({})).await;
    let created = crate::common::heard(&receiver, "page.created").await;
    assert_eq!(created["api_version"], "2026-03-11");
    assert!(!holds_archived(&created), "{created}");
}
