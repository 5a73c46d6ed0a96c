//! Commit comments: a commit's and the repository's lists, one by id, and the
//! `commit_comment` webhook.

use serde_json::json;

use crate::common::{
    MAIN_SHA, REPO, api, code, comment_at, count, created, delete, delivered, edit_comment, error,
    fetch, fields, listen, names, names_at, not_found, rels, reviewer,
};

#[asym::clone("github", seed = "basic")]
async fn commit_comments(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["commit_comment"]).await;
    let on_main = format!("{REPO}/commits/{MAIN_SHA}/comments");
    let note = json!({ "body": "Nice", "path": "README.md", "position": 1 });
    let made = created(&api, &on_main, &note).await;
    assert_eq!(
        fields(
            &made,
            [
                "/body",
                "/path",
                "/position",
                "/line",
                "/commit_id",
                "/user/login"
            ]
        ),
        json!(["Nice", "README.md", 1, null, MAIN_SHA, "octocat"])
    );
    let delivery = delivered(&receiver, "commit_comment").await;
    assert_eq!(
        fields(
            &delivery.json(),
            [
                "/action",
                "/comment/id",
                "/repository/full_name",
                "/sender/login"
            ]
        ),
        json!(["created", made["id"], "acme/hello-world", "octocat"])
    );
    // A branch names its head commit; a comment needs no path.
    let theirs = created(
        &reviewer(&gh),
        &format!("{REPO}/commits/main/comments"),
        &json!({ "body": "Agreed" }),
    )
    .await;
    assert_eq!(
        fields(&theirs, ["/commit_id", "/path", "/user/login"]),
        json!([MAIN_SHA, null, "hubot"])
    );
    // The commit counts them, read alone or in a list.
    let commit = format!("{REPO}/commits/{MAIN_SHA}");
    assert_eq!(fetch(&api, &commit).await["commit"]["comment_count"], 2);
    let listed = fetch(&api, &format!("{REPO}/commits")).await;
    assert_eq!(listed[0]["commit"]["comment_count"], 2);
    assert_eq!(names_at(&api, &on_main, "body").await, ["Nice", "Agreed"]);
    let page = api.get(&format!("{REPO}/comments?per_page=1")).await;
    assert_eq!(rels(&page), ["next", "last"]);
    assert_eq!(names(&page.expect(200), "body"), ["Nice"]);
    // One by id, at its `url`.
    let one = comment_at(&gh, &api, &made, format!("{REPO}/comments/{}", made["id"])).await;
    edit_comment(&api, &one, &made, "Very nice").await;
    // Refusals.
    assert_eq!(
        code(api.patch(&one, &json!({ "body": "" })).await),
        "missing_field"
    );
    assert_eq!(code(api.post(&on_main, &json!({})).await), "missing_field");
    api.post(&on_main, &json!({ "body": "x", "position": "one" }))
        .await
        .expect(422);
    let unknown = "0".repeat(40);
    assert_eq!(
        error(
            api.post(
                &format!("{REPO}/commits/{unknown}/comments"),
                &json!({ "body": "x" })
            )
            .await,
            422
        ),
        format!("No commit found for SHA: {unknown}")
    );
    error(
        crate::common::anonymous(&gh)
            .post(&on_main, &json!({ "body": "x" }))
            .await,
        401,
    );
    // Deleted, then not found; another repository's id and a word are not found either.
    delete(&api, &one).await.expect(204);
    delete(&api, &one).await.expect(404);
    let elsewhere = format!("/repos/octocat/private-notes/comments/{}", theirs["id"]);
    not_found(&api, &[&one, &elsewhere, &format!("{REPO}/comments/abc")]).await;
    assert_eq!(count(&api, &format!("{REPO}/comments")).await, 1);
    assert_eq!(fetch(&api, &commit).await["commit"]["comment_count"], 1);
}

#[asym::clone("github", seed = "basic")]
async fn reactions_on_a_commit_comment(gh: asym::GitHub) {
    let api = api(&gh);
    let on_main = format!("{REPO}/commits/{MAIN_SHA}/comments");
    let made = created(&api, &on_main, &json!({ "body": "Ship it" })).await;
    let reactions = format!("{REPO}/comments/{}/reactions", made["id"]);
    let heart = json!({ "content": "heart" });
    let first = created(&api, &reactions, &heart).await;
    assert_eq!(
        fields(&first, ["/content", "/user/login"]),
        json!(["heart", "octocat"])
    );
    // The same reaction again is the one there (200).
    let again = api.post(&reactions, &heart).await.expect(200);
    assert_eq!(again["id"], first["id"]);
    created(&reviewer(&gh), &reactions, &json!({ "content": "+1" })).await;
    assert_eq!(names_at(&api, &reactions, "content").await, ["heart", "+1"]);
    assert_eq!(
        names_at(&api, &format!("{reactions}?content=%2B1"), "content").await,
        ["+1"]
    );
    let comment = fetch(&api, &format!("{REPO}/comments/{}", made["id"])).await;
    assert_eq!(
        fields(
            &comment,
            [
                "/reactions/total_count",
                "/reactions/heart",
                "/reactions/+1"
            ]
        ),
        json!([2, 1, 1])
    );
    let removed = delete(&api, &format!("{reactions}/{}", first["id"])).await;
    assert_eq!(removed.status, 204);
    assert_eq!(count(&api, &reactions).await, 1);
    assert_eq!(
        code(api.post(&reactions, &json!({ "content": "wow" })).await),
        "invalid"
    );
    not_found(&api, &[&format!("{REPO}/comments/999999/reactions")]).await;
}
