//! Reactions: deleting one's own on issues, issue comments and review comments; a release's
//! reactions (list, create, delete) and the rollup a release shows.

use serde_json::json;

use crate::common::{
    REPO, api, branch, code, count, created, delete, fetch, open_pull, release, reviewer,
};

#[asym::clone("github", seed = "basic")]
async fn reactions_are_deleted_by_their_author(gh: asym::GitHub) {
    let api = api(&gh);
    let comments = format!("{REPO}/issues/1/comments");
    let comment = created(&api, &comments, &json!({ "body": "hi" })).await;
    branch(&api, "topic", "topic.txt", "topic\n").await;
    let pull = open_pull(&api, "a pull", "topic").await;
    let head = pull["head"]["sha"].as_str().unwrap();
    let body = json!({ "body": "nit", "commit_id": head, "path": "topic.txt", "line": 1, "side": "RIGHT" });
    let review_comment = created(
        &api,
        &format!("{REPO}/pulls/{}/comments", pull["number"]),
        &body,
    )
    .await;
    let subjects = [
        format!("{REPO}/issues/1/reactions"),
        format!("{REPO}/issues/comments/{}/reactions", comment["id"]),
        format!("{REPO}/pulls/comments/{}/reactions", review_comment["id"]),
    ];
    for reactions in subjects {
        let mine = created(&api, &reactions, &json!({ "content": "rocket" })).await;
        let theirs = created(&reviewer(&gh), &reactions, &json!({ "content": "eyes" })).await;
        // Another's reaction, and one of another subject, are not the caller's to delete.
        for id in [&theirs["id"], &json!(999_999), &json!("x")] {
            assert_eq!(
                delete(&api, &format!("{reactions}/{id}")).await.status,
                404,
                "{reactions} {id}"
            );
        }
        let own = format!("{reactions}/{}", mine["id"]);
        assert_eq!(delete(&api, &own).await.status, 204);
        assert_eq!(count(&api, &reactions).await, 1, "{reactions}");
    }
}

#[asym::clone("github", seed = "basic")]
async fn release_reactions(gh: asym::GitHub) {
    let api = api(&gh);
    let made = release(&api, REPO, json!({ "tag_name": "v1.0.0" })).await;
    let one = format!("{REPO}/releases/{}", made["id"]);
    assert!(made.get("reactions").is_none(), "{made}");
    let reactions = format!("{one}/reactions");
    let first = created(&api, &reactions, &json!({ "content": "hooray" })).await;
    assert_eq!(first["content"], "hooray");
    assert_eq!(
        api.post(&reactions, &json!({ "content": "hooray" }))
            .await
            .status,
        200
    );
    created(&reviewer(&gh), &reactions, &json!({ "content": "heart" })).await;
    let shown = fetch(&api, &one).await;
    assert_eq!(shown["reactions"]["total_count"], 2);
    assert_eq!(shown["reactions"]["hooray"], 1);
    assert_eq!(
        shown["reactions"]["url"],
        format!("{}{reactions}", gh.api_url())
    );
    assert_eq!(count(&api, &format!("{reactions}?content=heart")).await, 1);
    // A release takes no -1 or confused.
    for content in ["-1", "confused"] {
        assert_eq!(
            code(api.post(&reactions, &json!({ "content": content })).await),
            "invalid"
        );
        assert_eq!(
            code(api.get(&format!("{reactions}?content={content}")).await),
            "invalid"
        );
    }
    let own = format!("{reactions}/{}", first["id"]);
    assert_eq!(delete(&api, &own).await.status, 204);
    assert_eq!(count(&api, &reactions).await, 1);
    for missing in [
        format!("{REPO}/releases/999999/reactions"),
        format!("{reactions}/999999"),
    ] {
        assert_eq!(api.get(&missing).await.status, 404, "{missing}");
    }
    // Deleting the release deletes its reactions.
    assert_eq!(delete(&api, &one).await.status, 204);
    let db = crate::common::database(&gh).await;
    let left: i64 = db
        .query_one(
            "SELECT count(*) FROM reactions WHERE subject = 'release'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}
