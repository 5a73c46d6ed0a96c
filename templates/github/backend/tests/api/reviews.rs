//! Pull-request reviews once written (editing, deleting a pending one, a review's comments),
//! the `pull_request_review` / `pull_request_review_comment` webhooks and a pull request's
//! timeline.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::common::{
    REPO, api, code, count, created, delete, error, fetch, fields, listen, merge_pull, names,
    names_at, next, reviewer, updated,
};

/// Pull request #3 of the `acme-corp` seed (hubot's, approved by octocat).
const PULL: &str = "/repos/acme/hello-world/pulls/3";

/// A review comment `body` on README.md's first line, as a review holds it or as one posted on
/// its own.
fn on_readme(body: &str) -> Value {
    json!({ "body": body, "path": "README.md", "line": 1 })
}

/// `POST` [`PULL`]`/reviews` with `review` as the caller of `api`: the review (a 200 expected).
async fn review(api: &Api, review: Value) -> Value {
    api.post(&format!("{PULL}/reviews"), &review)
        .await
        .expect(200)
}

/// `POST` [`PULL`]`/comments` of [`on_readme`]`(body)` as the caller of `api`: the comment (a
/// 201 expected).
async fn line_comment(api: &Api, body: &str) -> Value {
    created(api, &format!("{PULL}/comments"), &on_readme(body)).await
}

#[asym::clone("github", seed = "acme-corp")]
async fn pending_review_edited_read_and_deleted(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let draft = json!({ "body": "Draft", "comments": [on_readme("nit")] });
    let pending = review(&api, draft).await;
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
    let comment = line_comment(&api, "typo").await;
    const COMMENT: &str = "pull_request_review_comment";
    const REVIEW: &str = "pull_request_review";
    // A comment on its own is a submitted review of its own, holding it (webhooks name a
    // review's state in lower case).
    let pointers = [
        "/review/id",
        "/review/state",
        "/review/body",
        "/pull_request/number",
    ];
    let expected = json!([comment["pull_request_review_id"], "commented", "", 3]);
    next(&receiver, (REVIEW, "submitted"), pointers, expected).await;
    let pointers = [
        "/comment/id",
        "/pull_request/number",
        "/repository/full_name",
        "/sender/login",
    ];
    let expected = json!([comment["id"], 3, "acme/hello-world", "octocat"]);
    next(&receiver, (COMMENT, "created"), pointers, expected).await;
    let url = format!("{REPO}/pulls/comments/{}", comment["id"]);
    updated(&api, &url, &json!({ "body": "typo fixed" })).await;
    let pointers = ["/comment/body", "/changes/body/from"];
    let expected = json!(["typo fixed", "typo"]);
    next(&receiver, (COMMENT, "edited"), pointers, expected).await;
    delete(&api, &url).await.expect(204);
    let expected = json!([comment["id"]]);
    next(&receiver, (COMMENT, "deleted"), ["/comment/id"], expected).await;
    // A pending review and its comments are announced when it is submitted.
    let pending = review(&api, json!({ "comments": [on_readme("nit")] })).await;
    let one = format!("{PULL}/reviews/{}", pending["id"]);
    api.put(&one, &json!({ "body": "Soon" })).await.expect(200);
    api.post(&format!("{one}/events"), &json!({ "event": "COMMENT" }))
        .await
        .expect(200);
    let pointers = ["/review/body", "/review/state"];
    let expected = json!(["Soon", "commented"]);
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
    created(
        &hubot,
        &format!("{REPO}/issues/3/comments"),
        &json!({ "body": "Ready" }),
    )
    .await;
    // A pending review is not in anyone's timeline until it is submitted.
    review(&api, json!({ "body": "Hmm" })).await;
    updated(&api, PULL, &json!({ "title": "Greet the world" })).await;
    let merged = merge_pull(&api, 3, json!({})).await.expect(200);
    let timeline = fetch(&api, &format!("{REPO}/issues/3/timeline")).await;
    // Issue #1's comment mentions #3 (the fixture's); the head's commit, the approval.
    assert_eq!(
        names(&timeline, "event"),
        [
            "cross-referenced",
            "committed",
            "reviewed",
            "commented",
            "renamed",
            "merged",
            "closed"
        ]
    );
    let head = &fetch(&api, &format!("{PULL}/commits")).await[0];
    assert_eq!(
        fields(
            &timeline[1],
            [
                "/sha",
                "/message",
                "/author/name",
                "/tree/sha",
                "/verification/verified"
            ]
        ),
        fields(
            head,
            [
                "/sha",
                "/commit/message",
                "/commit/author/name",
                "/commit/tree/sha",
                "/commit/verification/verified"
            ]
        )
    );
    assert_eq!(
        fields(&timeline[2], ["/state", "/user/login", "/pull_request_url"]),
        json!(["approved", "octocat", format!("{}{PULL}", gh.api_url())])
    );
    assert_eq!(timeline[3]["actor"]["login"], "hubot");
    for closing in &timeline.as_array().unwrap()[5..] {
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

#[asym::clone("github", seed = "acme-corp")]
async fn a_review_comment_on_its_own_is_a_review(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let requested = format!("{PULL}/requested_reviewers");
    created(&hubot, &requested, &json!({ "reviewers": ["octocat"] })).await;
    let comment = line_comment(&api, "typo").await;
    // A submitted COMMENTED review of octocat's holds it, and answers the request.
    let held = format!("{PULL}/reviews/{}", comment["pull_request_review_id"]);
    let review = fetch(&hubot, &held).await;
    assert_eq!(
        fields(&review, ["/state", "/body", "/user/login", "/commit_id"]),
        json!(["COMMENTED", "", "octocat", comment["commit_id"]])
    );
    assert!(review["submitted_at"].is_string(), "{review}");
    let reviews = fetch(&hubot, &format!("{PULL}/reviews")).await;
    assert_eq!(names(&reviews, "state"), ["APPROVED", "COMMENTED"]);
    let comments = fetch(&hubot, &format!("{held}/comments")).await;
    assert_eq!(names(&comments, "body"), ["typo"]);
    assert_eq!(fetch(&hubot, &requested).await["users"], json!([]));
    // A reply is one too, of its author's.
    let reply = created(
        &hubot,
        &format!("{PULL}/comments/{}/replies", comment["id"]),
        &json!({ "body": "fixed" }),
    )
    .await;
    let by_body = json!({ "body": "thanks", "in_reply_to": comment["id"] });
    let other = created(&api, &format!("{PULL}/comments"), &by_body).await;
    let ids = [&comment, &reply, &other].map(|c| c["pull_request_review_id"].clone());
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    assert_eq!(other["in_reply_to_id"], comment["id"]);
    let reviews = fetch(&api, &format!("{PULL}/reviews")).await;
    assert_eq!(
        fields(&reviews, ["/2/id", "/2/user/login", "/3/id", "/3/state"]),
        json!([ids[1], "hubot", ids[2], "COMMENTED"])
    );
    // They show in the timeline as reviews.
    let timeline = fetch(&api, &format!("{REPO}/issues/3/timeline")).await;
    let reviewed = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "reviewed");
    assert_eq!(reviewed.count(), 4);
}

#[asym::clone("github", seed = "acme-corp")]
async fn a_pending_review_comment_is_its_author_own(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let anonymous = crate::common::anonymous(&gh);
    let pending = review(&api, json!({ "comments": [on_readme("nit")] })).await;
    line_comment(&hubot, "seen").await;
    let lists = [format!("{PULL}/comments"), format!("{REPO}/pulls/comments")];
    for list in &lists {
        assert_eq!(
            names_at(&api, list, "body").await,
            ["nit", "seen"],
            "{list}"
        );
        assert_eq!(names_at(&hubot, list, "body").await, ["seen"], "{list}");
        assert_eq!(names_at(&anonymous, list, "body").await, ["seen"], "{list}");
    }
    // Nor in the pull request's count, for anyone.
    for caller in [&api, &hubot] {
        assert_eq!(fetch(caller, PULL).await["review_comments"], 1);
    }
    let one = &fetch(&api, &format!("{PULL}/reviews/{}/comments", pending["id"])).await[0];
    let url = format!("{REPO}/pulls/comments/{}", one["id"]);
    assert_eq!(fetch(&api, &url).await["body"], "nit");
    let (mine, eyes) = (json!({ "body": "mine" }), json!({ "content": "eyes" }));
    let others = [
        hubot.get(&url).await,
        anonymous.get(&url).await,
        hubot.patch(&url, &mine).await,
        delete(&hubot, &url).await,
        hubot
            .post(&format!("{PULL}/comments/{}/replies", one["id"]), &mine)
            .await,
        hubot.get(&format!("{url}/reactions")).await,
        hubot.post(&format!("{url}/reactions"), &eyes).await,
    ];
    for reply in others {
        reply.expect(404);
    }
    // Submitted, it is everyone's.
    let submit = json!({ "event": "COMMENT", "body": "Done" });
    api.post(&format!("{PULL}/reviews/{}/events", pending["id"]), &submit)
        .await
        .expect(200);
    assert_eq!(fetch(&hubot, &url).await["body"], "nit");
    assert_eq!(fetch(&hubot, PULL).await["review_comments"], 2);
    assert_eq!(
        names_at(&anonymous, &lists[1], "body").await,
        ["nit", "seen"]
    );
}
