//! Comments on pages and blocks, in discussion threads.

use serde_json::json;

use crate::common::{
    BOT, MEETING, PRIVATE, TASK1, api, comment, invalid, not_found, post, read, text,
};

#[asym::clone("notion", seed = "basic")]
async fn threads_and_lists(notion: asym::Notion) {
    let api = api(&notion);
    let seeded = read(&api, &format!("/v1/comments?block_id={TASK1}")).await;
    assert_eq!(seeded["type"], "comment");
    let list = seeded["results"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["discussion_id"], list[1]["discussion_id"]);
    let new = comment(&api, json!({ "page_id": TASK1 }), "hello").await;
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
    let on_block = comment(&api, json!({ "block_id": block }), "on a block").await;
    assert_eq!(on_block["parent"]["type"], "block_id");

    for body in [
        json!({ "parent": { "page_id": TASK1 } }),
        json!({ "rich_text": text("orphan") }),
        json!({ "parent": { "page_id": TASK1 }, "rich_text": "plain" }),
    ] {
        invalid(api.post("/v1/comments", &body).await);
    }
    not_found(
        api.post(
            "/v1/comments",
            &json!({ "parent": { "page_id": PRIVATE }, "rich_text": text("x") }),
        )
        .await,
    );
    invalid(api.get("/v1/comments").await);
}

#[asym::clone("notion", seed = "basic")]
async fn own_comments_are_updated_and_deleted(notion: asym::Notion) {
    let api = api(&notion);
    let new = post(
        &api,
        "/v1/comments",
        &json!({ "parent": { "page_id": TASK1 }, "markdown": "Draft **one**" }),
    )
    .await;
    assert_eq!(new["rich_text"][1]["annotations"]["bold"], true);
    let id = new["id"].as_str().unwrap();
    let path = format!("/v1/comments/{id}");
    let updated = api
        .patch(&path, &json!({ "rich_text": text("Final") }))
        .await
        .expect(200);
    assert_eq!(updated["id"], id);
    assert_eq!(updated["rich_text"][0]["plain_text"], "Final");
    assert_eq!(updated["discussion_id"], new["discussion_id"]);
    let by_markdown = api
        .patch(
            &path,
            &json!({ "markdown": "With a [link](https://example.com)" }),
        )
        .await
        .expect(200);
    assert_eq!(by_markdown["rich_text"][1]["href"], "https://example.com");
    assert_eq!(
        read(&api, &path).await["rich_text"][1]["plain_text"],
        "link"
    );
    for body in [
        json!({}),
        json!({ "rich_text": text("a"), "markdown": "b" }),
        json!({ "rich_text": "plain" }),
    ] {
        invalid(api.patch(&path, &body).await);
    }
    // Another's comment (a person's, seeded) answers 404 to both.
    let seeded = read(&api, &format!("/v1/comments?block_id={TASK1}")).await["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = format!("/v1/comments/{seeded}");
    not_found(api.patch(&theirs, &json!({ "rich_text": text("x") })).await);
    not_found(api.delete(&theirs).await);

    let deleted = api.delete(&path).await.expect(200);
    assert_eq!(deleted["object"], "comment");
    assert_eq!(deleted["id"], id);
    not_found(api.get(&path).await);
    not_found(api.delete(&path).await);
    let listed = read(&api, &format!("/v1/comments?block_id={TASK1}")).await;
    assert_eq!(listed["results"].as_array().unwrap().len(), 2);
}
