//! Integration capabilities: each one removed answers its routes 403 `restricted_resource`
//! and writes nothing, while the others still answer; user information without email
//! addresses; reprovisioning keeps them; a reset puts back the baseline's.

use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{
    ADA, TASK1, TASKS, admin, api, client, invalid, len, query_tasks, read, read_capabilities,
    restricted, set_capabilities, tasks_query, text, titles,
};

const FIRST_BLOCK: &str = "50000000-0000-4000-8000-000000000002";

/// What the admin surface answers for an integration holding everything.
fn everything() -> Value {
    json!({
        "read_content": true, "update_content": true, "insert_content": true,
        "read_comments": true, "insert_comments": true, "user_information": "with_email"
    })
}

/// The tasks' titles, the first task's `Done` and block count, and the comments on it: what
/// a refused write would have changed.
async fn state(api: &asym_kit::testing::Api) -> Value {
    let tasks = query_tasks(api, &json!({})).await;
    let page = read(api, &format!("/v1/pages/{TASK1}")).await;
    let blocks = read(api, &format!("/v1/blocks/{TASK1}/children")).await;
    let comments = read(api, &format!("/v1/comments?block_id={TASK1}")).await;
    json!({
        "titles": titles(&tasks),
        "done": page["properties"]["Done"],
        "title": page["properties"]["Name"]["title"][0]["plain_text"],
        "blocks": len(&blocks["results"]),
        "comments": len(&comments["results"]),
    })
}

#[asym::clone("notion", seed = "basic")]
async fn each_capability_guards_its_routes(notion: asym::Notion) {
    let api = api(&notion);
    let admin = admin(&notion);
    assert_eq!(read_capabilities(&admin).await, everything());
    let before = state(&api).await;
    let task = format!("/v1/pages/{TASK1}");
    let new_page = json!({ "parent": { "data_source_id": TASKS }, "properties": { "Name": { "title": text("Refused") } } });
    let paragraph = json!({ "children": [{ "paragraph": { "rich_text": text("Refused") } }] });
    let comment = json!({ "parent": { "page_id": TASK1 }, "rich_text": text("Refused") });
    let done = json!({ "properties": { "Done": { "checkbox": false }, "Name": { "title": text("Renamed") } } });
    let database = json!({
        "parent": { "type": "page_id", "page_id": crate::common::PROJECTS },
        "title": text("Refused"),
        "initial_data_source": { "properties": { "Name": { "title": {} } } }
    });
    let requests = |capability: &str| -> Vec<(Method, String, Option<Value>)> {
        match capability {
            "read_content" => vec![
                (Method::GET, task.clone(), None),
                (Method::POST, "/v1/search".into(), Some(json!({}))),
                (Method::POST, tasks_query(), Some(json!({}))),
                (Method::GET, format!("/v1/data_sources/{TASKS}"), None),
                (Method::GET, format!("/v1/blocks/{TASK1}/children"), None),
                (Method::GET, format!("/v1/blocks/{FIRST_BLOCK}"), None),
                (Method::GET, format!("{task}/properties/title"), None),
                (Method::GET, "/v1/file_uploads".into(), None),
            ],
            "update_content" => vec![
                (Method::PATCH, task.clone(), Some(done.clone())),
                (Method::DELETE, format!("/v1/blocks/{FIRST_BLOCK}"), None),
                (
                    Method::PATCH,
                    format!("/v1/data_sources/{TASKS}"),
                    Some(json!({ "title": text("Renamed") })),
                ),
                (
                    Method::POST,
                    format!("{task}/move"),
                    Some(json!({ "parent": { "page_id": crate::common::PROJECTS } })),
                ),
            ],
            "insert_content" => vec![
                (Method::POST, "/v1/pages".into(), Some(new_page.clone())),
                (
                    Method::PATCH,
                    format!("/v1/blocks/{TASK1}/children"),
                    Some(paragraph.clone()),
                ),
                (Method::POST, "/v1/databases".into(), Some(database.clone())),
                (Method::POST, "/v1/file_uploads".into(), Some(json!({}))),
                (
                    Method::POST,
                    format!("/v1/file_uploads/{TASK1}/complete"),
                    Some(json!({})),
                ),
            ],
            "read_comments" => vec![(Method::GET, format!("/v1/comments?block_id={TASK1}"), None)],
            _ => vec![(Method::POST, "/v1/comments".into(), Some(comment.clone()))],
        }
    };
    let capabilities = [
        "read_content",
        "update_content",
        "insert_content",
        "read_comments",
        "insert_comments",
    ];
    for removed in capabilities {
        let held = set_capabilities(&admin, json!({ removed: false })).await;
        assert_eq!(held[removed], false, "{held}");
        for (method, path, body) in requests(removed) {
            let message = restricted(api.send(method.clone(), &path, body.as_ref()).await);
            assert_eq!(
                message, "Insufficient permissions for this endpoint.",
                "{method} {path}"
            );
        }
        // The others still answer (the bot user needs no capability at all).
        read(&api, "/v1/users/me").await;
        let other = if removed == "read_content" {
            "read_comments"
        } else {
            "read_content"
        };
        for (method, path, body) in requests(other) {
            let status = api.send(method.clone(), &path, body.as_ref()).await.status;
            assert_eq!(status, 200, "{method} {path} without {removed}");
        }
        set_capabilities(&admin, json!({ removed: true })).await;
        assert_eq!(
            state(&api).await,
            before,
            "a refused {removed} request wrote"
        );
    }
    // Restored, every capability's first route answers again (the writes now happen).
    assert_eq!(read_capabilities(&admin).await, everything());
    for capability in capabilities {
        let (method, path, body) = requests(capability).remove(0);
        let status = api.send(method.clone(), &path, body.as_ref()).await.status;
        assert_eq!(status, 200, "{method} {path} with {capability} restored");
    }
    assert_ne!(state(&api).await, before);
}

#[asym::clone("notion", seed = "basic")]
async fn user_information_levels(notion: asym::Notion) {
    let api = api(&notion);
    let admin = admin(&notion);
    let ada = format!("/v1/users/{ADA}");
    assert_eq!(read(&api, &ada).await["person"]["email"], "ada@example.com");
    let held = set_capabilities(&admin, json!({ "user_information": "without_email" })).await;
    assert_eq!(held["user_information"], "without_email");
    let user = read(&api, &ada).await;
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["person"], json!({}), "{user}");
    let listed = read(&api, "/v1/users").await;
    assert!(
        listed["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["person"].get("email").is_none() || u["type"] == "bot"),
        "{listed}"
    );
    set_capabilities(&admin, json!({ "user_information": "none" })).await;
    for path in [ada.as_str(), "/v1/users"] {
        restricted(api.get(path).await);
    }
    assert_eq!(read(&api, "/v1/users/me").await["type"], "bot");
    for bad in [
        json!({ "user_information": "some" }),
        json!({ "read_content": "no" }),
        json!({ "write_everything": true }),
    ] {
        invalid(admin.put("/api/admin/capabilities", &bad).await);
    }
    // Reprovisioning rotates the token and keeps the capabilities.
    let minted = admin
        .post("/api/admin/provision", &json!({ "reprovision": true }))
        .await
        .expect(200);
    let token = minted["tokens"]["token"].as_str().unwrap();
    let rotated = client(&notion, token, "2025-09-03");
    restricted(rotated.get("/v1/users").await);
    assert_eq!(read_capabilities(&admin).await["user_information"], "none");
}

#[asym::clone("notion", seed = "basic")]
async fn a_reset_returns_to_the_baseline_capabilities(notion: asym::Notion) {
    let api = api(&notion);
    let admin = admin(&notion);
    set_capabilities(
        &admin,
        json!({ "insert_content": false, "user_information": "none" }),
    )
    .await;
    restricted(api.get("/v1/users").await);
    notion.reset().await.unwrap();
    assert_eq!(read_capabilities(&admin).await, everything());
    read(&api, "/v1/users").await;
}
