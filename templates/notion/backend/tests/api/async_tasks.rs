//! Async tasks: `allow_async: true` on a markdown create or edit answers 202 with an
//! `async_task`, and `GET /v1/async_tasks/{id}` answers it `succeeded` with the operation's
//! result.

use serde_json::{Value, json};

use crate::common::{
    PROJECTS, api, current, error, invalid, markdown_path, markdown_text, not_found, read,
};
use asym_kit::testing::Api;

/// Asserts a 202 `async_task` of `operation` answered `queued`; reads it back, asserting it
/// `succeeded`; answers its `result`.
async fn completed(api: &Api, reply: asym_kit::testing::Reply, operation: &str) -> Value {
    let task = reply.expect(202);
    assert_eq!(task["object"], "async_task", "{task}");
    assert_eq!(task["status"], "queued", "{task}");
    assert_eq!(
        task["operation"],
        json!({ "surface": "rest", "name": operation })
    );
    assert!(task["poll_after_seconds"].as_i64().unwrap() >= 1, "{task}");
    assert!(task["created_time"].as_str().unwrap().ends_with(":00.000Z"));
    let id = task["id"].as_str().unwrap();
    let url = task["status_url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/v1/async_tasks/{id}")), "{url}");
    let done = read(api, &format!("/v1/async_tasks/{id}")).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["id"], task["id"]);
    assert_eq!(done["status_url"], task["status_url"]);
    assert_eq!(done["operation"], task["operation"]);
    assert!(done.get("poll_after_seconds").is_none(), "{done}");
    done["result"].clone()
}

#[asym::clone("notion", seed = "basic")]
async fn markdown_writes_answer_async_tasks_when_asked(notion: asym::Notion) {
    let api = api(&notion);
    let body = json!({ "parent": { "page_id": PROJECTS }, "markdown": "# Later\n\nWritten in the background",
                       "allow_async": true });
    let page = completed(&api, api.post("/v1/pages", &body).await, "POST /v1/pages").await;
    assert_eq!(page["object"], "page", "{page}");
    let id = page["id"].as_str().unwrap();
    assert_eq!(
        read(&api, &format!("/v1/pages/{id}")).await["id"],
        page["id"]
    );
    assert_eq!(markdown_text(&api, id).await, "Written in the background");

    let edit = json!({ "type": "insert_content", "insert_content": { "content": "More" },
                       "allow_async": true });
    let reply = api.patch(&markdown_path(id), &edit).await;
    let answer = completed(&api, reply, "PATCH /v1/pages/:page_id/markdown").await;
    assert_eq!(answer["object"], "page_markdown", "{answer}");
    assert_eq!(answer["markdown"], "Written in the background\nMore");
    assert_eq!(
        markdown_text(&api, id).await,
        "Written in the background\nMore"
    );

    // `false`, or no markdown to create from, keeps the synchronous answer.
    let edit = json!({ "type": "insert_content", "insert_content": { "content": "Now" },
                       "allow_async": false });
    assert_eq!(
        api.patch(&markdown_path(id), &edit).await.expect(200)["object"],
        "page_markdown"
    );
    let plain = json!({ "parent": { "page_id": PROJECTS }, "allow_async": true });
    assert_eq!(
        api.post("/v1/pages", &plain).await.expect(200)["object"],
        "page"
    );

    // Validation is the synchronous request's: nothing is accepted, no task is made.
    let tasks = || async {
        notion
            .query("SELECT count(*) FROM async_tasks")
            .await
            .unwrap()[0]
            .get::<_, i64>(0)
    };
    let before = tasks().await;
    let missing = json!({ "parent": { "page_id": PROJECTS.replace('1', "7") }, "markdown": "x",
                          "allow_async": true });
    not_found(api.post("/v1/pages", &missing).await);
    let message = invalid(
        api.post(
            "/v1/pages",
            &json!({ "parent": { "page_id": PROJECTS },
        "markdown": "x", "allow_async": "yes" }),
        )
        .await,
    );
    assert!(
        message.contains("body.allow_async should be a boolean"),
        "{message}"
    );
    let unmatched = json!({ "type": "update_content", "allow_async": true,
        "update_content": { "content_updates": [{ "old_str": "nowhere", "new_str": "x" }] } });
    invalid(api.patch(&markdown_path(id), &unmatched).await);
    assert_eq!(tasks().await, before);

    // A task is the integration's; an unknown one is Notion's 404.
    let unknown = error(
        api.get("/v1/async_tasks/task_abc123").await,
        404,
        "object_not_found",
    );
    assert!(unknown.contains("task_abc123"), "{unknown}");
    notion
        .query("UPDATE async_tasks SET expires_at = now() - interval '1 second'")
        .await
        .unwrap();
    let (id,): (String,) = {
        let rows = notion
            .query("SELECT id FROM async_tasks LIMIT 1")
            .await
            .unwrap();
        (rows[0].get(0),)
    };
    not_found(api.get(&format!("/v1/async_tasks/{id}")).await);

    // Under 2026-03-11 the result is answered as that version answers the page.
    let api = current(&notion);
    let body =
        json!({ "parent": { "page_id": PROJECTS }, "markdown": "v2026", "allow_async": true });
    let page = completed(&api, api.post("/v1/pages", &body).await, "POST /v1/pages").await;
    assert!(page.get("archived").is_none(), "{page}");
    assert_eq!(page["in_trash"], false);
}
