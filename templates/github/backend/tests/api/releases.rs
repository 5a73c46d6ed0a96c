//! Releases: create (a published one makes its tag), list, get by id, by tag and the latest,
//! update (publishing a draft), delete (the tag stays), their webhooks and errors.

use serde_json::json;

use crate::common::{
    MAIN_SHA, REPO, api, code, delete, delivered, each, fetch, fields, listen, not_found, release,
    reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn releases_are_published_with_their_tags_and_found_by_id_tag_and_latest(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["release", "push"]).await;
    api.get(&format!("{REPO}/releases/latest"))
        .await
        .expect(404);

    let v1 = release(
        &api,
        REPO,
        json!({ "tag_name": "v1.0.0", "name": "One", "body": "First", "generate_release_notes": false }),
    )
    .await;
    let id = v1["id"].as_i64().unwrap();
    let base = gh.api_url();
    assert_eq!(
        fields(
            &v1,
            [
                "/tag_name",
                "/target_commitish",
                "/draft",
                "/prerelease",
                "/author/login",
                "/url",
                "/html_url",
                "/upload_url"
            ]
        ),
        json!([
            "v1.0.0",
            "main",
            false,
            false,
            "octocat",
            format!("{base}{REPO}/releases/{id}"),
            format!("{base}/acme/hello-world/releases/tag/v1.0.0"),
            format!("{base}{REPO}/releases/{id}/assets{{?name,label}}")
        ])
    );
    assert!(v1["published_at"].is_string());
    // The tag is a ref at the target, announced as a push; then created, published, released.
    let tag = fetch(&api, &format!("{REPO}/git/ref/tags/v1.0.0")).await;
    assert_eq!(tag["object"]["sha"], MAIN_SHA);
    let push = delivered(&receiver, "push").await;
    assert_eq!(push.json()["ref"], "refs/tags/v1.0.0");
    for action in ["created", "published", "released"] {
        let delivery = delivered(&receiver, "release").await;
        let body = delivery.json();
        assert_eq!(
            (body["action"].as_str(), &body["release"]["id"]),
            (Some(action), &json!(id))
        );
    }

    // A prerelease is never the latest; a draft is seen only by those who can push.
    release(
        &api,
        REPO,
        json!({ "tag_name": "v2.0.0-rc.1", "prerelease": true }),
    )
    .await;
    let draft = release(&api, REPO, json!({ "tag_name": "v2.0.0", "draft": true })).await;
    assert!(draft["published_at"].is_null());
    api.get(&format!("{REPO}/git/ref/tags/v2.0.0"))
        .await
        .expect(404);
    assert_eq!(
        fetch(&api, &format!("{REPO}/releases/latest")).await["id"],
        id
    );
    let listed = fetch(&api, &format!("{REPO}/releases")).await;
    assert_eq!(
        each(&listed, "tag_name"),
        json!(["v2.0.0", "v2.0.0-rc.1", "v1.0.0"])
    );
    assert_eq!(
        fetch(&api, &format!("{REPO}/releases/tags/v1.0.0")).await["id"],
        id
    );
    api.get(&format!("{REPO}/releases/tags/v2.0.0"))
        .await
        .expect(404);
    assert_eq!(
        fetch(&api, &format!("{REPO}/releases/{id}/assets")).await,
        json!([])
    );

    // Publishing the draft makes its tag, and it becomes the latest.
    let draft_id = draft["id"].as_i64().unwrap();
    let published = updated(
        &api,
        &format!("{REPO}/releases/{draft_id}"),
        &json!({ "draft": false, "name": "Two" }),
    )
    .await;
    assert_eq!(
        fields(&published, ["/draft", "/name"]),
        json!([false, "Two"])
    );
    assert!(published["published_at"].is_string());
    fetch(&api, &format!("{REPO}/git/ref/tags/v2.0.0")).await;
    assert_eq!(
        fetch(&api, &format!("{REPO}/releases/latest")).await["id"],
        draft_id
    );
    // `make_latest: "true"` takes the older one back.
    updated(
        &api,
        &format!("{REPO}/releases/{id}"),
        &json!({ "make_latest": "true" }),
    )
    .await;
    assert_eq!(
        fetch(&api, &format!("{REPO}/releases/latest")).await["id"],
        id
    );

    // Deleting keeps the tag.
    delete(&api, &format!("{REPO}/releases/{id}"))
        .await
        .expect(204);
    api.get(&format!("{REPO}/releases/{id}")).await.expect(404);
    fetch(&api, &format!("{REPO}/git/ref/tags/v1.0.0")).await;
}

#[asym::clone("github", seed = "basic")]
async fn release_errors_are_githubs(gh: asym::GitHub) {
    let api = api(&gh);
    let releases = format!("{REPO}/releases");
    release(&api, REPO, json!({ "tag_name": "v1" })).await;
    let draft = release(&api, REPO, json!({ "tag_name": "v9", "draft": true })).await;
    for (body, field, expected) in [
        (json!({ "tag_name": "v1" }), "tag_name", "already_exists"),
        (json!({ "tag_name": "bad..name" }), "tag_name", "invalid"),
        (
            json!({ "tag_name": "v".repeat(256) }),
            "tag_name",
            "invalid",
        ),
        (
            json!({ "tag_name": "v2", "target_commitish": "nope" }),
            "target_commitish",
            "invalid",
        ),
        (
            json!({ "tag_name": "v2", "make_latest": "maybe" }),
            "make_latest",
            "invalid",
        ),
    ] {
        let reply = api.post(&releases, &body).await.expect(422);
        assert_eq!(
            (
                reply["errors"][0]["field"].as_str(),
                reply["errors"][0]["code"].as_str()
            ),
            (Some(field), Some(expected)),
            "{body}"
        );
    }
    assert_eq!(
        code(api.post(&releases, &json!({ "name": "no tag" })).await),
        "missing_field"
    );
    // Renaming onto another release's tag is refused.
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(
        code(
            api.patch(&format!("{releases}/{id}"), &json!({ "tag_name": "v1" }))
                .await
        ),
        "already_exists"
    );
    // Not there: a word, an unknown id; and a NUL, which is no name and no value: 404 in
    // the path, 422 in the query.
    let (word, unknown) = (format!("{releases}/nope"), format!("{releases}/999999"));
    let nul = format!("{releases}/tags/%00");
    not_found(&api, &[&word, &unknown, &nul, "/users/%00"]).await;
    api.get("/search/issues?q=%00").await.expect(422);
    // The reviewer can push here (a write collaborator): drafts are visible to them.
    assert_eq!(
        fetch(&reviewer(&gh), &format!("{releases}/{id}")).await["draft"],
        true
    );
}
