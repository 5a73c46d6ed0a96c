//! Pull-request reviews once written (editing, deleting a pending one, a review's comments),
//! the `pull_request_review` / `pull_request_review_comment` webhooks and a pull request's
//! timeline.

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::common::{
    REPO, api, code, count, delete, error, fetch, fields, listen, merge_pull, names, reviewer,
};

/// Pull request #3 of the `acme-corp` seed (hubot's, approved by octocat).
const PULL: &str = "/repos/acme/hello-world/pulls/3";

/// The next delivery, which must be `event` with `action` and hold `expected` at `pointers`:
/// its payload.
async fn next<const N: usize>(
    receiver: &Receiver,
    (event, action): (&str, &str),
    pointers: [&str; N],
    expected: Value,
) -> Value {
    let got = receiver.delivery().await;
    assert_eq!(got.header("x-github-event"), Some(event));
    let payload = got.json();
    assert_eq!(payload["action"], action, "{payload}");
    assert_eq!(fields(&payload, pointers), expected, "{payload}");
    payload
}

#[asym::clone("github", seed = "acme-corp")]
async fn pending_review_edited_read_and_deleted(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let draft =
        json!({ "body": "Draft", "comments": [{ "path": "README.md", "line": 1, "body": "nit" }] });
    let pending = api
        .post(&format!("{PULL}/reviews"), &draft)
        .await
        .expect(200);
    let one = format!("{PULL}/reviews/{}", pending["id"]);
    // Someone else's pending review is not there for them.
    hubot.get(&one).await.expect(404);
    hubot
        .put(&one, &json!({ "body": "mine" }))
        .await
        .expect(404);
    delete(&hubot, &one).await.expect(404);
    hubot.get(&format!("{one}/comments")).await.expect(404);
    let edited = api
        .put(&one, &json!({ "body": "Draft 2" }))
        .await
        .expect(200);
    assert_eq!(
        fields(&edited, ["/id", "/body", "/state"]),
        json!([pending["id"], "Draft 2", "PENDING"])
    );
    assert_eq!(
        code(api.put(&one, &json!({ "body": "" })).await),
        "missing_field"
    );
    assert_eq!(code(api.put(&one, &json!({})).await), "missing_field");
    // Its comments, under it.
    let comments = fetch(&api, &format!("{one}/comments")).await;
    assert_eq!(names(&comments, "body"), ["nit"]);
    assert_eq!(comments[0]["pull_request_review_id"], pending["id"]);
    // Deleting answers it as it was, and takes its comments with it.
    let deleted = delete(&api, &one).await.expect(200);
    assert_eq!(
        fields(&deleted, ["/id", "/body", "/state"]),
        json!([pending["id"], "Draft 2", "PENDING"])
    );
    api.get(&one).await.expect(404);
    delete(&api, &one).await.expect(404);
    assert_eq!(count(&api, &format!("{PULL}/comments")).await, 0);
    // A submitted review stays: 422; its body can still be edited.
    let approved = &fetch(&api, &format!("{PULL}/reviews")).await[0];
    let submitted = format!("{PULL}/reviews/{}", approved["id"]);
    let refused = delete(&api, &submitted).await.expect(422);
    assert_eq!(
        refused["errors"],
        json!(["Can not delete a non-pending pull request review"])
    );
    let reworded = api
        .put(&submitted, &json!({ "body": "LGTM!" }))
        .await
        .expect(200);
    assert_eq!(
        fields(&reworded, ["/body", "/state"]),
        json!(["LGTM!", "APPROVED"])
    );
    assert_eq!(count(&api, &format!("{submitted}/comments")).await, 0);
    // Unknown reviews, and a review under another pull request's number.
    for path in [
        format!("{PULL}/reviews/999999"),
        format!("{PULL}/reviews/abc"),
        format!("{REPO}/pulls/1/reviews/{}", approved["id"]),
    ] {
        api.put(&path, &json!({ "body": "x" })).await.expect(404);
        delete(&api, &path).await.expect(404);
        api.get(&format!("{path}/comments")).await.expect(404);
    }
    error(
        crate::common::anonymous(&gh)
            .put(&submitted, &json!({ "body": "x" }))
            .await,
        401,
    );
}

#[asym::clone("github", seed = "acme-corp")]
async fn review_and_review_comment_webhooks(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(
        &api,
        &["pull_request_review", "pull_request_review_comment"],
    )
    .await;
    let line = json!({ "body": "typo", "path": "README.md", "line": 1 });
    let comment = api
        .post(&format!("{PULL}/comments"), &line)
        .await
        .expect(201);
    const COMMENT: &str = "pull_request_review_comment";
    const REVIEW: &str = "pull_request_review";
    let pointers = [
        "/comment/id",
        "/pull_request/number",
        "/repository/full_name",
        "/sender/login",
    ];
    let expected = json!([comment["id"], 3, "acme/hello-world", "octocat"]);
    next(&receiver, (COMMENT, "created"), pointers, expected).await;
    let url = format!("{REPO}/pulls/comments/{}", comment["id"]);
    api.patch(&url, &json!({ "body": "typo fixed" }))
        .await
        .expect(200);
    let pointers = ["/comment/body", "/changes/body/from"];
    let expected = json!(["typo fixed", "typo"]);
    next(&receiver, (COMMENT, "edited"), pointers, expected).await;
    delete(&api, &url).await.expect(204);
    let expected = json!([comment["id"]]);
    next(&receiver, (COMMENT, "deleted"), ["/comment/id"], expected).await;
    // A pending review and its comments are announced when it is submitted.
    let draft = json!({ "comments": [{ "path": "README.md", "line": 1, "body": "nit" }] });
    let pending = api
        .post(&format!("{PULL}/reviews"), &draft)
        .await
        .expect(200);
    let one = format!("{PULL}/reviews/{}", pending["id"]);
    api.put(&one, &json!({ "body": "Soon" })).await.expect(200);
    api.post(&format!("{one}/events"), &json!({ "event": "COMMENT" }))
        .await
        .expect(200);
    let pointers = ["/review/body", "/review/state"];
    let expected = json!(["Soon", "COMMENTED"]);
    next(&receiver, (REVIEW, "submitted"), pointers, expected).await;
    let pointers = ["/comment/body", "/comment/pull_request_review_id"];
    let expected = json!(["nit", pending["id"]]);
    next(&receiver, (COMMENT, "created"), pointers, expected).await;
    api.put(&one, &json!({ "body": "Done" })).await.expect(200);
    let pointers = ["/review/body", "/changes/body/from", "/pull_request/number"];
    let expected = json!(["Done", "Soon", 3]);
    next(&receiver, (REVIEW, "edited"), pointers, expected).await;
}

#[asym::clone("github", seed = "acme-corp")]
async fn a_pull_request_timeline(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    hubot
        .post(
            &format!("{REPO}/issues/3/comments"),
            &json!({ "body": "Ready" }),
        )
        .await
        .expect(201);
    // A pending review is not in anyone's timeline until it is submitted.
    api.post(&format!("{PULL}/reviews"), &json!({ "body": "Hmm" }))
        .await
        .expect(200);
    api.patch(PULL, &json!({ "title": "Greet the world" }))
        .await
        .expect(200);
    let merged = merge_pull(&api, 3, json!({})).await.expect(200);
    let timeline = fetch(&api, &format!("{REPO}/issues/3/timeline")).await;
    assert_eq!(
        names(&timeline, "event"),
        ["reviewed", "commented", "renamed", "merged", "closed"]
    );
    assert_eq!(
        fields(&timeline[0], ["/state", "/user/login", "/pull_request_url"]),
        json!(["approved", "octocat", format!("{}{PULL}", gh.api_url())])
    );
    assert_eq!(timeline[1]["actor"]["login"], "hubot");
    for closing in &timeline.as_array().unwrap()[3..] {
        assert_eq!(closing["commit_id"], merged["sha"], "{closing}");
        assert_eq!(
            closing["commit_url"],
            format!(
                "{}{REPO}/commits/{}",
                gh.api_url(),
                merged["sha"].as_str().unwrap()
            )
        );
    }
}
