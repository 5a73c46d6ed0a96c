//! Repository webhooks: signed deliveries to a loopback receiver, the deliveries API and
//! redelivery.

use std::time::Duration;

use asym_kit::testing::{Received, Receiver};
use serde_json::json;

use crate::common::{
    MAIN_SHA, REPO, admin, api, b64, code, count, create_ref, created, delete, delivered, fetch,
    fields, listen, names, next, reviewer, updated,
};

fn verify(delivery: &Received, secret: &str) {
    delivery.assert_sha256_signature("x-hub-signature-256", secret);
    let guid = delivery.header("x-github-delivery").unwrap();
    assert_eq!(guid.len(), 36, "{guid}");
    assert!(delivery.header("x-github-hook-id").is_some());
    assert_eq!(
        delivery.header("x-github-hook-installation-target-type"),
        Some("repository")
    );
}

#[asym::clone("github", seed = "basic")]
async fn signed_events_reach_a_receiver(gh: asym::GitHub) {
    let receiver = Receiver::start().await;
    let api = api(&gh);
    let hook = created(&api, &format!("{REPO}/hooks"), &json!({ "config": { "url": format!("{}/gh", receiver.url()), "content_type": "json", "secret": "s3cret" },
            "events": ["push", "issues", "issue_comment", "pull_request", "status"] })).await;
    assert_eq!(hook["config"]["secret"], "********");
    let id = hook["id"].as_i64().unwrap();
    let ping = receiver.delivery().await;
    verify(&ping, "s3cret");
    assert_eq!(ping.header("x-github-event"), Some("ping"));
    assert_eq!(ping.json()["hook_id"], id);
    created(
        &api,
        &format!("{REPO}/issues"),
        &json!({ "title": "Hooked" }),
    )
    .await;
    let opened = receiver.delivery().await;
    verify(&opened, "s3cret");
    assert_eq!(opened.header("x-github-event"), Some("issues"));
    let body = opened.json();
    assert_eq!(
        (body["action"].as_str(), body["issue"]["title"].as_str()),
        (Some("opened"), Some("Hooked"))
    );
    assert_eq!(
        fields(&body, ["/repository/full_name", "/sender/login"]),
        json!(["acme/hello-world", "octocat"])
    );
    assert_eq!(body["organization"]["login"], "acme");
    created(
        &reviewer(&gh),
        &format!("{REPO}/issues/2/comments"),
        &json!({ "body": "me too" }),
    )
    .await;
    let comment = delivered(&receiver, "issue_comment").await;
    assert_eq!(comment.json()["comment"]["body"], "me too");
    api.put(
        &format!("{REPO}/contents/pushed.txt"),
        &json!({ "message": "Push it", "content": b64("p") }),
    )
    .await
    .expect(201);
    let push = delivered(&receiver, "push").await;
    let push = push.json();
    assert_eq!(
        (push["ref"].as_str(), push["before"].as_str()),
        (Some("refs/heads/main"), Some(crate::common::MAIN_SHA))
    );
    assert_eq!(push["commits"][0]["added"], json!(["pushed.txt"]));
    assert_eq!(push["head_commit"]["message"], "Push it");
    created(
        &api,
        &format!("{REPO}/statuses/main"),
        &json!({ "state": "success" }),
    )
    .await;
    delivered(&receiver, "status").await;
    // Events the hook does not subscribe to are not sent.
    created(&api, &format!("{REPO}/labels"), &json!({ "name": "quiet" })).await;
    assert!(receiver.next(Duration::from_millis(300)).await.is_none());
    // The deliveries API.
    let deliveries = fetch(&api, &format!("{REPO}/hooks/{id}/deliveries")).await;
    assert_eq!(
        names(&deliveries, "event"),
        ["status", "push", "issue_comment", "issues", "ping"]
    );
    assert_eq!(deliveries[3]["action"], "opened");
    let one = fetch(
        &api,
        &format!("{REPO}/hooks/{id}/deliveries/{}", deliveries[0]["id"]),
    )
    .await;
    assert_eq!(one["request"]["payload"]["state"], "success");
}

#[asym::clone("github", seed = "basic")]
async fn hook_crud_failures_and_redelivery(gh: asym::GitHub) {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let api = api(&gh);
    let hooks = format!("{REPO}/hooks");
    // No URL, an unknown event.
    for bad in [
        json!({ "config": {} }),
        json!({ "config": { "url": "http://x" }, "events": ["nope"] }),
    ] {
        assert_eq!(code(api.post(&hooks, &bad).await), "custom", "{bad}");
    }
    reviewer(&gh).get(&hooks).await.expect(404);
    let hook = created(
        &api,
        &hooks,
        &json!({ "config": { "url": receiver.url() }, "events": ["issues"] }),
    )
    .await;
    let id = hook["id"].as_i64().unwrap();
    assert_eq!(hook["config"]["content_type"], "form");
    let ping = receiver.delivery().await;
    assert!(String::from_utf8_lossy(&ping.body).starts_with("payload="));
    assert_eq!(
        ping.header("x-hub-signature-256"),
        None,
        "no secret, no signature"
    );
    // A failed delivery is recorded, then redelivered once the receiver is back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let failed = fetch(&api, &format!("{hooks}/{id}/deliveries")).await;
    assert_eq!(failed[0]["status_code"], 500);
    receiver.answer(200);
    api.post(
        &format!("{hooks}/{id}/deliveries/{}/attempts", failed[0]["id"]),
        &json!({}),
    )
    .await
    .expect(202);
    let again = loop {
        let got = receiver.delivery().await;
        if got.header("x-github-delivery") == ping.header("x-github-delivery") {
            break got;
        }
    };
    assert_eq!(again.header("x-github-event"), Some("ping"));
    // The kit's admin surface lists the same deliveries and redelivers one by id.
    let admin = admin(&gh);
    let outbox = fetch(&admin, "/api/admin/outbox?limit=1").await;
    let latest = &outbox["deliveries"].as_array().unwrap()[..];
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0]["redeliveryOf"], failed[0]["id"], "{outbox}");
    admin.get("/api/admin/outbox?limit=0").await.expect(400);
    admin
        .post("/api/admin/outbox/x/redeliver", &json!({}))
        .await
        .expect(404);
    let copy = admin
        .post(
            &format!("/api/admin/outbox/{}/redeliver", latest[0]["id"]),
            &json!({}),
        )
        .await
        .expect(202);
    assert!(copy["id"].as_i64().unwrap() > latest[0]["id"].as_i64().unwrap());
    // Update, list, ping, delete.
    let updated = updated(
        &api,
        &format!("{hooks}/{id}"),
        &json!({ "add_events": ["push"], "remove_events": ["issues"], "active": false }),
    )
    .await;
    assert_eq!(
        (updated["events"].clone(), updated["active"].as_bool()),
        (json!(["push"]), Some(false))
    );
    assert_eq!(count(&api, &hooks).await, 1);
    api.post(&format!("{hooks}/{id}/pings"), &json!({}))
        .await
        .expect(204);
    delete(&api, &format!("{hooks}/{id}")).await.expect(204);
    api.get(&format!("{hooks}/{id}")).await.expect(404);
}

#[asym::clone("github", seed = "acme-corp")]
async fn edited_events_say_what_changed(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["issues", "pull_request"]).await;
    let issue = format!("{REPO}/issues/1");
    let edit = json!({ "title": "Found two bugs", "body": "Both crash." });
    updated(&api, &issue, &edit).await;
    let said = ["/changes/title/from", "/changes/body/from", "/issue/title"];
    let was = "The greeting is missing a comma. cc @octocat";
    let expected = json!(["Found a bug", was, "Found two bugs"]);
    next(&receiver, ("issues", "edited"), said, expected).await;
    // Only what changed: the same title again is not a change.
    let edit = json!({ "title": "Found two bugs", "body": "Only one." });
    updated(&api, &issue, &edit).await;
    let payload = next(
        &receiver,
        ("issues", "edited"),
        said,
        json!([null, "Both crash.", "Found two bugs"]),
    )
    .await;
    assert_eq!(
        payload["changes"].as_object().unwrap().len(),
        1,
        "{payload}"
    );
    // Closing alone is no edit; a new title with a reopening is both, the edit first.
    updated(&api, &issue, &json!({ "state": "closed" })).await;
    let state = ["/issue/state"];
    next(&receiver, ("issues", "closed"), state, json!(["closed"])).await;
    let edit = json!({ "state": "open", "title": "Found bugs" });
    updated(&api, &issue, &edit).await;
    let expected = json!(["Found two bugs", null, "Found bugs"]);
    next(&receiver, ("issues", "edited"), said, expected).await;
    next(&receiver, ("issues", "reopened"), state, json!(["open"])).await;
    // A pull request's new base: its ref and sha before.
    create_ref(&api, "refs/heads/develop", MAIN_SHA)
        .await
        .expect(201);
    let edit = json!({ "base": "develop", "title": "Greet" });
    updated(&api, &format!("{REPO}/pulls/3"), &edit).await;
    let said = [
        "/changes/base/ref/from",
        "/changes/base/sha/from",
        "/changes/title/from",
        "/pull_request/base/ref",
        "/number",
    ];
    let expected = json!(["main", MAIN_SHA, "Add a greeting", "develop", 3]);
    let payload = next(&receiver, ("pull_request", "edited"), said, expected).await;
    assert!(payload["changes"].get("body").is_none(), "{payload}");
    // The pull request as `GET` answers it, its counts and merge state included.
    let got = fetch(&api, &format!("{REPO}/pulls/3")).await;
    let counts = [
        "/commits",
        "/additions",
        "/deletions",
        "/changed_files",
        "/mergeable_state",
    ];
    assert_eq!(
        fields(&payload["pull_request"], counts),
        fields(&got, counts)
    );
    assert!(got["commits"].as_u64().unwrap() > 0, "{got}");
    // A reviewer requested, then no longer.
    let requested = format!("{REPO}/pulls/3/requested_reviewers");
    let octocat = json!({ "reviewers": ["octocat"] });
    created(&api, &requested, &octocat).await;
    let said = ["/requested_reviewer/login", "/number", "/sender/login"];
    let expected = json!(["octocat", 3, "octocat"]);
    next(
        &receiver,
        ("pull_request", "review_requested"),
        said,
        expected.clone(),
    )
    .await;
    let removed = api.send(reqwest::Method::DELETE, &requested, Some(&octocat));
    removed.await.expect(200);
    next(
        &receiver,
        ("pull_request", "review_request_removed"),
        said,
        expected,
    )
    .await;
}

#[asym::clone("github", seed = "basic")]
async fn a_second_hook_with_the_same_url_is_refused(gh: asym::GitHub) {
    let api = api(&gh);
    let hooks = format!("{REPO}/hooks");
    let body = |url: &str| json!({ "config": { "url": url, "content_type": "json" } });
    let first = created(&api, &hooks, &body("http://127.0.0.1:9/a")).await;
    let second = created(&api, &hooks, &body("http://127.0.0.1:9/b")).await;
    // GitHub's answer, no `field` in the error.
    let again = api
        .post(&hooks, &body("http://127.0.0.1:9/a"))
        .await
        .expect(422);
    assert_eq!(
        again,
        json!({
            "message": "Validation Failed",
            "errors": [{ "resource": "Hook", "code": "custom", "message": "Hook already exists on this repository" }],
            "documentation_url": again["documentation_url"],
            "status": "422",
        })
    );
    // Moving another hook onto that URL is refused too; a hook keeps its own.
    let taken = api
        .patch(
            &format!("{hooks}/{}", second["id"]),
            &json!({ "config": { "url": "http://127.0.0.1:9/a" } }),
        )
        .await;
    assert_eq!(code(taken), "custom");
    updated(
        &api,
        &format!("{hooks}/{}", first["id"]),
        &json!({ "config": { "url": "http://127.0.0.1:9/a" }, "active": false }),
    )
    .await;
    // Another repository may use it; deleting the first frees it.
    let other = crate::common::new_repo(&api, "hooked").await;
    let other_hooks = format!("/repos/{}/hooks", other["full_name"].as_str().unwrap());
    created(&api, &other_hooks, &body("http://127.0.0.1:9/a")).await;
    let deleted = delete(&api, &format!("{hooks}/{}", first["id"])).await;
    assert_eq!(deleted.status, 204);
    created(&api, &hooks, &body("http://127.0.0.1:9/a")).await;
}

#[asym::clone("github", seed = "basic")]
async fn a_repository_dispatch_reaches_the_hooks(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["repository_dispatch"]).await;
    let dispatches = format!("{REPO}/dispatches");
    let sent = api
        .post(
            &dispatches,
            &json!({ "event_type": "deploy", "client_payload": { "env": "staging" } }),
        )
        .await;
    assert_eq!(sent.status, 204);
    next(
        &receiver,
        ("repository_dispatch", "deploy"),
        [
            "/branch",
            "/client_payload",
            "/repository/full_name",
            "/sender/login",
        ],
        json!(["main", { "env": "staging" }, "acme/hello-world", "octocat"]),
    )
    .await;
    let bare = reviewer(&gh)
        .post(&dispatches, &json!({ "event_type": "ping-me" }))
        .await;
    assert_eq!(bare.status, 204);
    next(
        &receiver,
        ("repository_dispatch", "ping-me"),
        ["/client_payload", "/sender/login"],
        json!([{}, "hubot"]),
    )
    .await;
    assert_eq!(
        code(api.post(&dispatches, &json!({})).await),
        "missing_field"
    );
    let typed = api
        .post(
            &dispatches,
            &json!({ "event_type": "x", "client_payload": [1] }),
        )
        .await;
    assert_eq!(
        crate::common::error(typed, 422),
        "Invalid request.\n\nFor 'properties/client_payload', [1] is not an object."
    );
}

#[asym::clone("github", seed = "basic")]
async fn label_changes_reach_the_hooks(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["label"]).await;
    let labels = format!("{REPO}/labels");
    let body = json!({ "name": "triage", "color": "00ff00", "description": "to sort" });
    let made = created(&api, &labels, &body).await;
    let shape = [
        "/label/name",
        "/label/color",
        "/label/description",
        "/sender/login",
    ];
    let created = next(
        &receiver,
        ("label", "created"),
        shape,
        json!(["triage", "00ff00", "to sort", "octocat"]),
    )
    .await;
    assert_eq!(created["label"], made);
    assert_eq!(created["repository"]["full_name"], "acme/hello-world");
    assert!(created.get("changes").is_none(), "{created}");
    // An edit names what it changed (only that) by its old value.
    let edit = json!({ "new_name": "sorting", "color": "00ff00", "description": "sorted" });
    updated(&api, &format!("{labels}/triage"), &edit).await;
    next(
        &receiver,
        ("label", "edited"),
        ["/label/name", "/label/description", "/changes"],
        json!(["sorting", "sorted", { "name": { "from": "triage" }, "description": { "from": "to sort" } }]),
    )
    .await;
    // An edit that changes nothing is not announced; a deletion sends the label as it was.
    updated(
        &api,
        &format!("{labels}/sorting"),
        &json!({ "color": "00FF00" }),
    )
    .await;
    delete(&api, &format!("{labels}/sorting")).await.expect(204);
    next(
        &receiver,
        ("label", "deleted"),
        ["/label/name", "/label/color", "/sender/login"],
        json!(["sorting", "00ff00", "octocat"]),
    )
    .await;
    // A refused write sends nothing.
    let taken = api.post(&labels, &json!({ "name": "bug" })).await;
    assert_eq!(code(taken), "already_exists");
    assert!(receiver.next(Duration::from_millis(300)).await.is_none());
}

#[asym::clone("github", seed = "basic")]
async fn a_hook_test_sends_the_latest_push(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["push"]).await;
    let quiet = listen(&api, &["push"]).await;
    let hooks = fetch(&api, &format!("{REPO}/hooks")).await;
    let [tests, other_tests] = [0, 1].map(|i| format!("{REPO}/hooks/{}/tests", hooks[i]["id"]));
    assert_eq!(api.post(&tests, &json!({})).await.status, 204);
    let push = delivered(&receiver, "push").await;
    assert_eq!(
        fields(
            &push.json(),
            [
                "/ref",
                "/after",
                "/head_commit/id",
                "/commits/0/message",
                "/sender/login"
            ]
        ),
        json!([
            "refs/heads/main",
            MAIN_SHA,
            MAIN_SHA,
            "Initial commit",
            "octocat"
        ])
    );
    // Only that hook hears it; a hook not subscribed to `push` hears nothing, and answers 204.
    assert!(quiet.next(Duration::from_millis(300)).await.is_none());
    let other = format!("{REPO}/hooks/{}", hooks[1]["id"]);
    updated(&api, &other, &json!({ "events": ["issues"] })).await;
    assert_eq!(api.post(&other_tests, &json!({})).await.status, 204);
    assert!(quiet.next(Duration::from_millis(300)).await.is_none());
    assert!(receiver.next(Duration::from_millis(300)).await.is_none());
    // An unknown hook, and a caller who does not administer the repository: 404.
    for (caller, path) in [
        (api.clone(), format!("{REPO}/hooks/999999/tests")),
        (reviewer(&gh), tests),
    ] {
        crate::common::error(caller.post(&path, &json!({})).await, 404);
    }
}

#[asym::clone("github", seed = "basic")]
async fn a_push_ends_with_its_head_whatever_the_dates(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["push"]).await;
    let tree = fetch(&api, &format!("{REPO}/git/commits/{MAIN_SHA}")).await["tree"]["sha"].clone();
    let commit = |message: &str, parents: Vec<String>, date: &str| {
        let person = json!({ "name": "Octo", "email": "octocat@acme.test", "date": date });
        let body = json!({ "message": message, "tree": tree, "parents": parents,
                           "author": person, "committer": person });
        let api = api.clone();
        async move {
            let made = created(&api, &format!("{REPO}/git/commits"), &body).await;
            made["sha"].as_str().unwrap().to_owned()
        }
    };
    // The merged side was committed (by a clock ahead) after the merge that takes it in.
    let side = commit("Side", vec![MAIN_SHA.into()], "2030-01-01T00:00:10Z").await;
    let merge = commit(
        "Merge",
        vec![MAIN_SHA.into(), side.clone()],
        "2030-01-01T00:00:00Z",
    )
    .await;
    updated(
        &api,
        &format!("{REPO}/git/refs/heads/main"),
        &json!({ "sha": merge }),
    )
    .await;
    let push = receiver.delivery().await.json();
    assert_eq!(
        fields(
            &push,
            [
                "/after",
                "/head_commit/id",
                "/commits/0/id",
                "/commits/1/id"
            ]
        ),
        json!([merge, merge, side, merge])
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_hooks_configuration_is_read_and_written_on_its_own(gh: asym::GitHub) {
    let api = api(&gh);
    let hooks = format!("{REPO}/hooks");
    let config = json!({ "url": "https://example.com/a", "content_type": "json", "secret": "s" });
    let hook = created(
        &api,
        &hooks,
        &json!({ "config": config, "events": ["push"] }),
    )
    .await;
    created(
        &api,
        &hooks,
        &json!({ "config": { "url": "https://example.com/b" } }),
    )
    .await;
    let path = format!("{hooks}/{}/config", hook["id"]);
    assert_eq!(
        fetch(&api, &path).await,
        json!({ "content_type": "json", "insecure_ssl": "0", "secret": "********", "url": "https://example.com/a" })
    );
    let changed = updated(
        &api,
        &path,
        &json!({ "content_type": "form", "insecure_ssl": 1 }),
    )
    .await;
    assert_eq!(
        fields(
            &changed,
            ["/content_type", "/insecure_ssl", "/url", "/secret"]
        ),
        json!(["form", "1", "https://example.com/a", "********"])
    );
    // The rest of the hook is untouched.
    let whole = fetch(&api, &format!("{hooks}/{}", hook["id"])).await;
    assert_eq!(
        fields(&whole, ["/events/0", "/config/content_type"]),
        json!(["push", "form"])
    );
    let refusals = [
        (json!({ "content_type": "xml" }), "invalid"),
        (json!({ "url": "ftp://example.com" }), "custom"),
        (json!({ "url": "https://example.com/b" }), "custom"),
    ];
    for (body, expected) in refusals {
        assert_eq!(code(api.patch(&path, &body).await), expected, "{body}");
    }
    for missing in [
        format!("{hooks}/999999/config"),
        format!("{hooks}/x/config"),
    ] {
        assert_eq!(api.get(&missing).await.status, 404, "{missing}");
        assert_eq!(
            api.patch(&missing, &json!({})).await.status,
            404,
            "{missing}"
        );
    }
    // Administrators only: a collaborator with write access sees no hook.
    assert_eq!(reviewer(&gh).get(&path).await.status, 404);
}
