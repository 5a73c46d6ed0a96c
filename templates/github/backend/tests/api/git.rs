//! Contents, commits and git data: one object model with git's real ids.

use reqwest::Method;
use serde_json::json;

use crate::common::{
    MAIN_SHA, README_SHA, REPO, api, b64, code, count, create_ref, created, delete, each, error,
    fetch, fields, names, names_at, reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn contents_writes_are_commits(gh: asym::GitHub) {
    let api = api(&gh);
    let readme = fetch(&api, &format!("{REPO}/contents/README.md")).await;
    assert_eq!(
        fields(&readme, ["/sha", "/type", "/encoding"]),
        json!([README_SHA, "file", "base64"])
    );
    assert!(
        readme["content"]
            .as_str()
            .unwrap()
            .starts_with("IyBoZWxsby13b3JsZA")
    );
    // Create: `hello\n` is git's ce01362….
    let made = api
        .put(
            &format!("{REPO}/contents/docs/hello.txt"),
            &json!({ "message": "Add hello", "content": b64("hello\n") }),
        )
        .await;
    assert_eq!(made.status, 201);
    assert_eq!(
        made.body["content"]["sha"],
        "ce013625030ba8dba906f756967f9e9ca394464a"
    );
    let commit = made.body["commit"]["sha"].as_str().unwrap().to_owned();
    assert_eq!(made.body["commit"]["parents"][0]["sha"], MAIN_SHA);
    assert_eq!(made.body["commit"]["message"], "Add hello");
    // The branch, the commits list and the git data routes all see it.
    assert_eq!(
        fetch(&api, &format!("{REPO}/git/ref/heads/main")).await["object"]["sha"],
        commit.as_str()
    );
    let commits = fetch(&api, &format!("{REPO}/commits")).await;
    assert_eq!(
        names(&commits, "sha"),
        [commit.clone(), MAIN_SHA.to_owned()]
    );
    assert_eq!(commits[0]["author"]["login"], "octocat");
    let tree = fetch(&api, &format!("{REPO}/git/trees/{commit}?recursive=1")).await;
    assert_eq!(
        names(&tree["tree"], "path"),
        ["README.md", "docs", "docs/hello.txt"]
    );
    let dir = fetch(&api, &format!("{REPO}/contents/docs")).await;
    assert_eq!(names(&dir, "name"), ["hello.txt"]);
    // Update needs the current sha: missing 422, stale 409.
    let path = format!("{REPO}/contents/docs/hello.txt");
    api.put(&path, &json!({ "message": "m", "content": b64("x") }))
        .await
        .expect(422);
    let stale = api
        .put(
            &path,
            &json!({ "message": "m", "content": b64("x"), "sha": README_SHA }),
        )
        .await;
    assert!(error(stale, 409).contains("does not match"));
    let updated = api
        .put(&path, &json!({ "message": "Update", "content": b64("bye\n"), "sha": "ce013625030ba8dba906f756967f9e9ca394464a",
                              "committer": { "name": "Bot", "email": "bot@acme.test", "date": "2024-01-01T00:00:00Z" } }))
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.body["commit"]["committer"]["date"],
        "2024-01-01T00:00:00Z"
    );
    // Commits filtered by path and author; one commit with its files.
    for (filter, expected) in [
        ("path=README.md", 1),
        ("path=docs/hello.txt", 2),
        ("author=hubot", 0),
        ("per_page=1", 1),
    ] {
        let listed = fetch(&api, &format!("{REPO}/commits?{filter}")).await;
        assert_eq!(listed.as_array().unwrap().len(), expected, "{filter}");
    }
    let one = fetch(&api, &format!("{REPO}/commits/{commit}")).await;
    assert_eq!(one["files"][0]["filename"], "docs/hello.txt");
    assert_eq!(
        (
            one["files"][0]["status"].as_str(),
            one["stats"]["additions"].as_i64()
        ),
        (Some("added"), Some(1))
    );
    api.get(&format!("{REPO}/commits/nope")).await.expect(422);
    // Delete.
    let current = fetch(&api, &path).await["sha"].as_str().unwrap().to_owned();
    api.send(
        Method::DELETE,
        &path,
        Some(&json!({ "message": "rm", "sha": README_SHA })),
    )
    .await
    .expect(409);
    let gone = api
        .send(
            Method::DELETE,
            &path,
            Some(&json!({ "message": "rm", "sha": current })),
        )
        .await
        .expect(200);
    assert!(gone["content"].is_null());
    api.get(&path).await.expect(404);
    api.get(&format!("{REPO}/contents/docs")).await.expect(404);
    // Other branches, and who may write.
    api.put(
        &format!("{REPO}/contents/a.txt"),
        &json!({ "message": "m", "content": "", "branch": "nope" }),
    )
    .await
    .expect(404);
    reviewer(&gh)
        .put(
            &format!("{REPO}/contents/h.txt"),
            &json!({ "message": "m", "content": b64("h") }),
        )
        .await
        .expect(201);
    // An empty repository's git reads are 409 until its first commit.
    for path in ["commits", "git/refs", "git/matching-refs/heads"] {
        let empty = api
            .get(&format!("/repos/octocat/private-notes/{path}"))
            .await;
        assert_eq!(error(empty, 409), "Git Repository is empty.", "{path}");
    }
    api.put(
        "/repos/octocat/private-notes/contents/a.md",
        &json!({ "message": "first", "content": b64("a") }),
    )
    .await
    .expect(201);
    assert_eq!(
        fetch(&api, "/repos/octocat/private-notes/branches").await[0]["name"],
        "main"
    );
}

#[asym::clone("github", seed = "basic")]
async fn git_data_and_refs(gh: asym::GitHub) {
    let api = api(&gh);
    let blob = created(
        &api,
        &format!("{REPO}/git/blobs"),
        &json!({ "content": "hello\n" }),
    )
    .await;
    assert_eq!(blob["sha"], "ce013625030ba8dba906f756967f9e9ca394464a");
    let b64blob = created(
        &api,
        &format!("{REPO}/git/blobs"),
        &json!({ "content": b64("hello\n"), "encoding": "base64" }),
    )
    .await;
    assert_eq!(b64blob["sha"], blob["sha"]);
    assert_eq!(
        fetch(
            &api,
            &format!("{REPO}/git/blobs/{}", blob["sha"].as_str().unwrap())
        )
        .await["size"],
        6
    );
    let base = fetch(&api, &format!("{REPO}/git/commits/{MAIN_SHA}")).await;
    assert_eq!(base["message"], "Initial commit");
    let tree = created(
        &api,
        &format!("{REPO}/git/trees"),
        &json!({ "base_tree": base["tree"]["sha"], "tree": [
            { "path": "src/lib.rs", "mode": "100644", "type": "blob", "content": "// lib\n" },
            { "path": "hello.txt", "mode": "100644", "type": "blob", "sha": blob["sha"] } ] }),
    )
    .await;
    assert_eq!(
        names(&tree["tree"], "path"),
        ["README.md", "hello.txt", "src"]
    );
    assert_eq!(
        code(
            api.post(
                &format!("{REPO}/git/trees"),
                &json!({ "tree": [{ "path": "x", "mode": "999999", "sha": MAIN_SHA }] })
            )
            .await
        ),
        "invalid"
    );
    let commit = created(&api, &format!("{REPO}/git/commits"), &json!({ "message": "Via git data", "tree": tree["sha"], "parents": [MAIN_SHA],
              "author": { "name": "Octo", "email": "octocat@acme.test", "date": "2024-02-02T00:00:00Z" } })).await;
    let sha = commit["sha"].as_str().unwrap().to_owned();
    assert_eq!(commit["author"]["date"], "2024-02-02T00:00:00Z");
    api.post(
        &format!("{REPO}/git/commits"),
        &json!({ "message": "x", "tree": MAIN_SHA }),
    )
    .await
    .expect(422);
    // Refs: create, duplicate, fast-forward, force, delete.
    let made = create_ref(&api, "refs/heads/topic", MAIN_SHA)
        .await
        .expect(201);
    assert_eq!(made["object"]["type"], "commit");
    assert_eq!(
        error(create_ref(&api, "refs/heads/topic", MAIN_SHA).await, 422),
        "Reference already exists"
    );
    let moved = updated(
        &api,
        &format!("{REPO}/git/refs/heads/topic"),
        &json!({ "sha": sha }),
    )
    .await;
    assert_eq!(moved["object"]["sha"], sha.as_str());
    assert_eq!(
        error(
            api.patch(
                &format!("{REPO}/git/refs/heads/topic"),
                &json!({ "sha": MAIN_SHA })
            )
            .await,
            422
        ),
        "Update is not a fast forward"
    );
    updated(
        &api,
        &format!("{REPO}/git/refs/heads/topic"),
        &json!({ "sha": MAIN_SHA, "force": true }),
    )
    .await;
    assert_eq!(count(&api, &format!("{REPO}/git/refs/heads")).await, 2);
    assert_eq!(
        names_at(&api, &format!("{REPO}/git/matching-refs/heads/to"), "ref").await,
        ["refs/heads/topic"]
    );
    assert_eq!(
        fetch(&api, &format!("{REPO}/git/matching-refs/heads/zz")).await,
        json!([])
    );
    api.get(&format!("{REPO}/git/ref/heads/nope"))
        .await
        .expect(404);
    delete(&api, &format!("{REPO}/git/refs/heads/topic"))
        .await
        .expect(204);
    delete(&api, &format!("{REPO}/git/refs/heads/topic"))
        .await
        .expect(422);
    // Annotated tags.
    let tag = created(
        &api,
        &format!("{REPO}/git/tags"),
        &json!({ "tag": "v1.0", "message": "First", "object": MAIN_SHA, "type": "commit" }),
    )
    .await;
    assert_eq!(
        fetch(
            &api,
            &format!("{REPO}/git/tags/{}", tag["sha"].as_str().unwrap())
        )
        .await["tag"],
        "v1.0"
    );
    create_ref(&api, "refs/tags/v1.0", tag["sha"].clone())
        .await
        .expect(201);
    assert_eq!(
        fetch(&api, &format!("{REPO}/commits/v1.0")).await["sha"],
        MAIN_SHA
    );
    // The tags list: the annotated tag followed to its commit, a lightweight one as it is,
    // newest name first.
    create_ref(&api, "refs/tags/v0.9", MAIN_SHA)
        .await
        .expect(201);
    let tags = fetch(&api, &format!("{REPO}/tags")).await;
    assert_eq!(
        fields(
            &tags,
            ["/0/name", "/0/commit/sha", "/1/name", "/1/commit/sha"]
        ),
        json!(["v1.0", MAIN_SHA, "v0.9", MAIN_SHA])
    );
    assert_eq!(
        tags[0]["zipball_url"],
        format!("{}{REPO}/zipball/refs/tags/v1.0", gh.api_url())
    );
    // Compare the new commit with main.
    create_ref(&api, "refs/heads/next", sha).await.expect(201);
    let compare = fetch(&api, &format!("{REPO}/compare/main...acme:next")).await;
    assert_eq!(
        fields(&compare, ["/status", "/ahead_by", "/behind_by"]),
        json!(["ahead", 1, 0])
    );
    assert_eq!(
        names(&compare["files"], "filename"),
        ["hello.txt", "src/lib.rs"]
    );
    api.get(&format!("{REPO}/compare/main...nope"))
        .await
        .expect(404);
}

#[asym::clone("github", seed = "basic")]
async fn merging_a_branch_makes_a_merge_commit(gh: asym::GitHub) {
    let api = api(&gh);
    let merges = format!("{REPO}/merges");
    crate::common::branch(&api, "topic", "topic.txt", "t\n").await;
    let made = created(&api, &merges, &json!({ "base": "main", "head": "topic" })).await;
    assert_eq!(made["commit"]["message"], "Merge topic into main");
    assert_eq!(made["parents"].as_array().unwrap().len(), 2);
    let main = fetch(&api, &format!("{REPO}/git/ref/heads/main")).await;
    assert_eq!(main["object"]["sha"], made["sha"]);
    // Nothing left to merge: 204.
    let again = api
        .post(&merges, &json!({ "base": "main", "head": "topic" }))
        .await;
    assert_eq!(again.status, 204);
    for (body, message) in [
        (
            json!({ "base": "nope", "head": "topic" }),
            "Base does not exist",
        ),
        (
            json!({ "base": "main", "head": "nope" }),
            "Head does not exist",
        ),
    ] {
        assert_eq!(error(api.post(&merges, &body).await, 404), message);
    }
    // The same file made differently on both sides: 409.
    crate::common::branch(&api, "other", "same.txt", "theirs\n").await;
    let ours = json!({ "message": "Ours", "content": b64("ours\n"), "branch": "main" });
    api.put(&format!("{REPO}/contents/same.txt"), &ours)
        .await
        .expect(201);
    let conflict = api
        .post(&merges, &json!({ "base": "main", "head": "other" }))
        .await;
    assert_eq!(error(conflict, 409), "Merge conflict");
    assert_eq!(
        code(api.post(&merges, &json!({ "base": "main" })).await),
        "missing_field"
    );
    let denied = reviewer(&gh)
        .post(
            "/repos/octocat/private-notes/merges",
            &json!({ "base": "main", "head": "x" }),
        )
        .await;
    assert_eq!(denied.status, 404);
}

#[asym::clone("github", seed = "basic")]
async fn merging_a_pull_requests_head_marks_it_merged(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = crate::common::listen(&api, &["pull_request"]).await;
    crate::common::branch(&api, "landed", "landed.txt", "l\n").await;
    crate::common::branch(&api, "waiting", "waiting.txt", "w\n").await;
    let landed = crate::common::open_pull(&api, "Land me", "landed").await;
    let waiting = crate::common::open_pull(&api, "Wait", "waiting").await;
    for _ in 0..2 {
        receiver.delivery().await;
    }
    let made = created(
        &api,
        &format!("{REPO}/merges"),
        &json!({ "base": "main", "head": "landed" }),
    )
    .await;
    let number = landed["number"].as_i64().unwrap();
    let pull = fetch(&api, &format!("{REPO}/pulls/{number}")).await;
    assert_eq!(
        fields(
            &pull,
            ["/state", "/merged", "/merge_commit_sha", "/merged_by/login"]
        ),
        json!(["closed", true, made["sha"], "octocat"])
    );
    assert!(pull["merged_at"].is_string() && pull["closed_at"].is_string());
    let merged = api.get(&format!("{REPO}/pulls/{number}/merge")).await;
    assert_eq!(merged.status, 204);
    let events = fetch(&api, &format!("{REPO}/issues/{number}/events")).await;
    assert_eq!(names(&events, "event"), ["merged", "closed"]);
    assert_eq!(events[0]["commit_id"], made["sha"]);
    // The hooks hear it closed, merged.
    let closed = crate::common::next(
        &receiver,
        ("pull_request", "closed"),
        ["/number", "/pull_request/merged"],
        json!([number, true]),
    )
    .await;
    assert_eq!(closed["pull_request"]["merge_commit_sha"], made["sha"]);
    // A pull request whose head did not reach its base stays open.
    let other = waiting["number"].as_i64().unwrap();
    let open = fetch(&api, &format!("{REPO}/pulls/{other}")).await;
    assert_eq!(fields(&open, ["/state", "/merged"]), json!(["open", false]));
    // The pull requests that carry a commit: its head's, the merge commit's; none for a
    // commit of the base.
    let carrying = |rev: String| {
        let api = api.clone();
        async move {
            let list = fetch(&api, &format!("{REPO}/commits/{rev}/pulls")).await;
            each(&list, "number")
        }
    };
    assert_eq!(
        carrying(landed["head"]["sha"].as_str().unwrap().to_owned()).await,
        json!([number])
    );
    assert_eq!(
        carrying(made["sha"].as_str().unwrap().to_owned()).await,
        json!([number])
    );
    assert_eq!(carrying("waiting".to_owned()).await, json!([other]));
    assert_eq!(carrying(MAIN_SHA.to_owned()).await, json!([]));
    assert_eq!(
        error(api.get(&format!("{REPO}/commits/nope/pulls")).await, 422),
        "No commit found for SHA: nope"
    );
    // Main merged into the head, then fast-forwarded onto it: merged, into that head.
    let merge = json!({ "base": "waiting", "head": "main" });
    created(&api, &format!("{REPO}/merges"), &merge).await;
    let onto = fetch(&api, &format!("{REPO}/git/ref/heads/waiting")).await["object"]["sha"].clone();
    updated(
        &api,
        &format!("{REPO}/git/refs/heads/main"),
        &json!({ "sha": onto }),
    )
    .await;
    let ff = fetch(&api, &format!("{REPO}/pulls/{other}")).await;
    assert_eq!(
        fields(&ff, ["/state", "/merged", "/merge_commit_sha"]),
        json!(["closed", true, onto])
    );
}

#[asym::clone("github", seed = "basic")]
async fn updating_a_pull_requests_branch_merges_its_base_in(gh: asym::GitHub) {
    let api = api(&gh);
    crate::common::branch(&api, "behind", "behind.txt", "b\n").await;
    let pull = crate::common::open_pull(&api, "Behind", "behind").await;
    let update = format!("{REPO}/pulls/{}/update-branch", pull["number"]);
    let old_head = pull["head"]["sha"].as_str().unwrap().to_owned();
    assert_eq!(
        error(api.put(&update, &json!({})).await, 422),
        "There are no new commits on the base branch."
    );
    let on_main = json!({ "message": "Main moves", "content": b64("m\n") });
    let moved = api
        .put(&format!("{REPO}/contents/main.txt"), &on_main)
        .await
        .expect(201);
    let main = moved["commit"]["sha"].as_str().unwrap().to_owned();
    let stale = api
        .put(&update, &json!({ "expected_head_sha": MAIN_SHA }))
        .await;
    assert_eq!(
        error(stale, 422),
        "expected head sha didn't match current head ref."
    );
    // A write collaborator may update it.
    let queued = reviewer(&gh)
        .put(&update, &json!({ "expected_head_sha": old_head }))
        .await
        .expect(202);
    assert_eq!(queued["message"], "Updating pull request branch.");
    assert!(
        queued["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/acme/hello-world/pull/{}", pull["number"]))
    );
    let head = fetch(&api, &format!("{REPO}/commits/behind")).await;
    assert_eq!(head["commit"]["message"], "Merge branch 'main' into behind");
    assert_eq!(
        names(&head["parents"], "sha"),
        [old_head.as_str(), main.as_str()]
    );
    assert_eq!(head["author"]["login"], "hubot");
    let now = fetch(&api, &format!("{REPO}/pulls/{}", pull["number"])).await;
    assert_eq!(now["head"]["sha"], head["sha"]);
    assert!(fetch(&api, &format!("{REPO}/contents/main.txt?ref=behind")).await["sha"].is_string());
    // The same file made differently on both sides: a conflict.
    let theirs = json!({ "message": "Theirs", "content": b64("t\n"), "branch": "behind" });
    api.put(&format!("{REPO}/contents/both.txt"), &theirs)
        .await
        .expect(201);
    let ours = json!({ "message": "Ours", "content": b64("o\n") });
    api.put(&format!("{REPO}/contents/both.txt"), &ours)
        .await
        .expect(201);
    assert_eq!(
        error(api.put(&update, &json!({})).await, 422),
        "merge conflict between base and head"
    );
    let missing = api
        .put(&format!("{REPO}/pulls/999/update-branch"), &json!({}))
        .await;
    assert_eq!(missing.status, 404);
}
