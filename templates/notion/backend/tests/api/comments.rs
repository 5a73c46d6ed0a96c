//! Comments on pages and blocks, in discussion threads.

use serde_json::json;

use crate::common::{BOT, MEETING, PRIVATE, TASK1, api, error, invalid, post, read, text};

#[asym::clone("notion", seed = "basic")]
async fn threads_and_lists(notion: asym::Notion) {
    let api = api(&notion);
    let seeded = read(&api, &format!("/v1/comments?block_id={TASK1}")).await;
    assert_eq!(seeded["type"], "comment");
    let list = seeded["results"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["discussion_id"], list[1]["discussion_id"]);
    let new = post(
        &api,
        "/v1/comments",
        &json!({ "parent": { "page_id": TASK1 }, "rich_text": text("hello") }),
    )
    .await;
    assert_eq!(new["object"], "comment");
    assert_eq!(new["created_by"]["id"], BOT);
    let reply = post(
        &api,
        "/v1/comments",
        &json!({ "discussion_id": new["discussion_id"], "rich_text": text("reply") }),
    )
    .await;
    assert_eq!(
        reply["parent"],
        json!({ "type": "page_id", "page_id": TASK1 })
    );
    let page = read(&api, &format!("/v1/comments?block_id={TASK1}&page_size=3")).await;
    assert_eq!(page["has_more"], true);
    let one = read(
        &api,
        &format!("/v1/comments/{}", reply["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["rich_text"][0]["plain_text"], "reply");

    let block =
        read(&api, &format!("/v1/blocks/{MEETING}/children")).await["results"][0]["id"].clone();
    let on_block = post(
        &api,
        "/v1/comments",
        &json!({ "parent": { "block_id": block }, "rich_text": text("on a block") }),
    )
    .await;
    assert_eq!(on_block["parent"]["type"], "block_id");

    for body in [
        json!({ "parent": { "page_id": TASK1 } }),
        json!({ "rich_text": text("orphan") }),
        json!({ "parent": { "page_id": TASK1 }, "rich_text": "plain" }),
    ] {
        invalid(api.post("/v1/comments", &body).await);
    }
    error(
        api.post(
            "/v1/comments",
            &json!({ "parent": { "page_id": PRIVATE }, "rich_text": text("x") }),
        )
        .await,
        404,
        "object_not_found",
    );
    invalid(api.get("/v1/comments").await);
}
