//! Pull requests: create, list, mergeability, reviews, requested reviewers, merges.

use asym_kit::testing::{Api, assert_suffix};
use serde_json::{Value, json};

use crate::common::{
    REPO, api, branch, code, comment_at, count, create_pull, created, delete, edit_comment, error,
    fetch, fields, merge_pull, names, names_at, not_found, open_pull, reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn open_review_and_merge(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    branch(&hubot, "feature", "feature.txt", "feature\n").await;
    let path = format!("{REPO}/pulls");
    let pull = created(&hubot, &path, &json!({ "title": "Add feature", "head": "acme:feature", "base": "main", "body": "Please" })).await;
    assert_eq!(pull["number"], 2);
    assert_eq!(
        fields(&pull, ["/mergeable", "/mergeable_state"]),
        json!([true, "clean"])
    );
    assert_eq!(
        (pull["commits"].as_i64(), pull["changed_files"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(pull["head"]["ref"], "feature");
    assert_eq!(pull["head"]["repo"]["full_name"], "acme/hello-world");
    // A pull request is an issue too.
    let issue = fetch(&api, &format!("{REPO}/issues/2")).await;
    assert_suffix(&issue["pull_request"]["url"], "/pulls/2");
    // Errors on create.
    let again = hubot
        .post(
            &path,
            &json!({ "title": "Again", "head": "feature", "base": "main" }),
        )
        .await;
    assert!(
        again.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("A pull request already exists")
    );
    for (head, expected) in [("nope", "invalid"), ("main", "custom")] {
        let made = hubot
            .post(
                &path,
                &json!({ "title": "x", "head": head, "base": "main" }),
            )
            .await;
        assert_eq!(code(made), expected, "{head}");
    }
    // Lists.
    assert_eq!(names_at(&api, &path, "title").await, ["Add feature"]);
    // A list shows the simple shape; the full pull request adds its merge state and counts.
    let listed = fetch(&api, &path).await;
    assert_eq!(
        (listed[0].get("merged"), pull.get("merged")),
        (None, Some(&json!(false)))
    );
    // A pull request's repository is the plain one: no network or subscriber counts.
    assert_eq!(pull["head"]["repo"].get("network_count"), None);
    assert_eq!(
        fetch(&api, &format!("{path}?head=acme:other")).await,
        json!([])
    );
    assert_eq!(
        fetch(&api, &format!("{path}?state=closed")).await,
        json!([])
    );
    assert_eq!(
        names_at(&api, &format!("{path}/2/files"), "filename").await,
        ["feature.txt"]
    );
    assert_eq!(
        fetch(&api, &format!("{path}/2/commits")).await[0]["commit"]["message"],
        "Add feature.txt"
    );
    // Reviews: the author may not approve their own pull request.
    let own = hubot
        .post(&format!("{path}/2/reviews"), &json!({ "event": "APPROVE" }))
        .await;
    assert_eq!(own.status, 422);
    assert_eq!(
        own.body["errors"][0],
        "Review Can not approve your own pull request"
    );
    api.post(
        &format!("{path}/2/reviews"),
        &json!({ "event": "REQUEST_CHANGES" }),
    )
    .await
    .expect(422);
    let requested = created(
        &api,
        &format!("{path}/2/requested_reviewers"),
        &json!({ "reviewers": ["octocat"] }),
    )
    .await;
    assert_eq!(
        names(&requested["requested_reviewers"], "login"),
        ["octocat"]
    );
    api.post(
        &format!("{path}/2/requested_reviewers"),
        &json!({ "reviewers": ["hubot"] }),
    )
    .await
    .expect(422);
    let changes = api
        .post(
            &format!("{path}/2/reviews"),
            &json!({ "event": "REQUEST_CHANGES", "body": "One thing" }),
        )
        .await
        .expect(200);
    assert_eq!(changes["state"], "CHANGES_REQUESTED");
    assert_eq!(
        fetch(&api, &format!("{path}/2/requested_reviewers")).await["users"],
        json!([])
    );
    let dismissed = api
        .put(
            &format!("{path}/2/reviews/{}/dismissals", changes["id"]),
            &json!({ "message": "Outdated" }),
        )
        .await
        .expect(200);
    assert_eq!(dismissed["state"], "DISMISSED");
    let pending = api.post(&format!("{path}/2/reviews"), &json!({ "body": "Later", "comments": [{ "path": "feature.txt", "line": 1, "body": "nit" }] })).await.expect(200);
    assert_eq!(pending["state"], "PENDING");
    assert_eq!(count(&hubot, &format!("{path}/2/reviews")).await, 1);
    let approved = api
        .post(
            &format!("{path}/2/reviews/{}/events", pending["id"]),
            &json!({ "event": "APPROVE" }),
        )
        .await
        .expect(200);
    assert_eq!(approved["state"], "APPROVED");
    assert_eq!(
        names_at(&api, &format!("{path}/2/reviews"), "state").await,
        ["DISMISSED", "APPROVED"]
    );
    let comments = fetch(&api, &format!("{path}/2/comments")).await;
    assert_eq!(names(&comments, "body"), ["nit"]);
    let reply = created(
        &hubot,
        &format!("{path}/2/comments"),
        &json!({ "body": "done", "in_reply_to": comments[0]["id"] }),
    )
    .await;
    assert_eq!(reply["path"], "feature.txt");
    let replies = format!("{path}/2/comments/{}/replies", comments[0]["id"]);
    let answer = created(&api, &replies, &json!({ "body": "thanks" })).await;
    assert_eq!(
        fields(&answer, ["/path", "/in_reply_to_id"]),
        json!(["feature.txt", comments[0]["id"]])
    );
    let nothing = format!("{path}/2/comments/99999/replies");
    api.post(&nothing, &json!({ "body": "x" }))
        .await
        .expect(404);
    // Merge: a stale sha is 409, then a squash lands on main.
    api.get(&format!("{path}/2/merge")).await.expect(404);
    let stale = merge_pull(&api, 2, json!({ "sha": "0".repeat(40) })).await;
    assert_eq!(
        error(stale, 409),
        "Head branch was modified. Review and try the merge again."
    );
    let merged = merge_pull(
        &api,
        2,
        json!({ "merge_method": "squash", "sha": pull["head"]["sha"] }),
    )
    .await
    .expect(200);
    assert_eq!(merged["merged"], true);
    let main = fetch(&api, &format!("{REPO}/commits/main")).await;
    assert_eq!(main["sha"], merged["sha"]);
    assert_eq!(main["commit"]["message"], "Add feature (#2)");
    fetch(&api, &format!("{REPO}/contents/feature.txt")).await;
    api.get(&format!("{path}/2/merge")).await.expect(204);
    let after = fetch(&api, &format!("{path}/2")).await;
    assert_eq!(
        (after["state"].as_str(), after["merged"].as_bool()),
        (Some("closed"), Some(true))
    );
    assert_eq!(after["merged_by"]["login"], "octocat");
    assert_eq!(
        error(merge_pull(&api, 2, json!({})).await, 405),
        "Pull Request is not mergeable"
    );
}

async fn conflicting(api: &Api) -> Value {
    branch(api, "left", "same.txt", "left\n").await;
    branch(api, "right", "same.txt", "right\n").await;
    let left = open_pull(api, "Left", "left").await;
    merge_pull(api, &left["number"], json!({ "merge_method": "merge" }))
        .await
        .expect(200);
    open_pull(api, "Right", "right").await
}

#[asym::clone("github", seed = "basic")]
async fn conflicts_rebases_and_updates(gh: asym::GitHub) {
    let api = api(&gh);
    let right = conflicting(&api).await;
    assert_eq!(
        fields(&right, ["/mergeable", "/mergeable_state"]),
        json!([false, "dirty"])
    );
    let number = right["number"].as_i64().unwrap();
    merge_pull(&api, number, json!({})).await.expect(405);
    let merge = fetch(&api, &format!("{REPO}/commits/main")).await;
    assert_eq!(merge["parents"].as_array().unwrap().len(), 2);
    assert!(
        merge["commit"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Merge pull request #2 from acme/left")
    );
    // Rebase a non-conflicting branch.
    branch(&api, "other", "other.txt", "other\n").await;
    let other = create_pull(
        &api,
        &json!({ "title": "Other", "head": "other", "base": "main", "draft": true }),
    )
    .await
    .expect(201);
    assert_eq!(other["mergeable_state"], "draft");
    let n = other["number"].as_i64().unwrap();
    let edited = updated(
        &api,
        &format!("{REPO}/pulls/{n}"),
        &json!({ "title": "Other, edited", "body": "b" }),
    )
    .await;
    assert_eq!(edited["title"], "Other, edited");
    // drafts are not mergeable
    merge_pull(&api, n, json!({ "merge_method": "rebase" }))
        .await
        .expect(405);
    // Close and reopen.
    for state in ["closed", "open"] {
        let changed = updated(
            &api,
            &format!("{REPO}/pulls/{number}"),
            &json!({ "state": state }),
        )
        .await;
        assert_eq!(changed["state"], state);
    }
    // A state a write cannot set, a sort a list does not know.
    let merged = json!({ "state": "merged" });
    for refused in [
        api.patch(&format!("{REPO}/pulls/{number}"), &merged).await,
        api.get(&format!("{REPO}/pulls?sort=size")).await,
    ] {
        assert_eq!(code(refused), "invalid");
    }
}

#[asym::clone("github", seed = "acme-corp")]
async fn the_acme_corp_fixture(gh: asym::GitHub) {
    let api = api(&gh);
    let pull = fetch(&api, &format!("{REPO}/pulls/3")).await;
    assert_eq!(
        (pull["head"]["ref"].as_str(), pull["mergeable"].as_bool()),
        (Some("feature/greeting"), Some(true))
    );
    assert_eq!(pull["user"]["login"], "hubot");
    let reviews = fetch(&api, &format!("{REPO}/pulls/3/reviews")).await;
    assert_eq!(names(&reviews, "state"), ["APPROVED"]);
    let sha = pull["head"]["sha"].as_str().unwrap();
    assert_eq!(
        fetch(&api, &format!("{REPO}/commits/{sha}/status")).await["state"],
        "success"
    );
    let runs = fetch(&api, &format!("{REPO}/commits/feature/greeting/check-runs")).await;
    assert_eq!(runs["check_runs"][0]["conclusion"], "success");
    let closed = fetch(&api, &format!("{REPO}/issues?state=closed")).await;
    assert_eq!(closed[0]["milestone"]["title"], "v0.9");
    assert_eq!(
        count(&api, &format!("{REPO}/milestones?state=all")).await,
        2
    );
    assert_eq!(
        fetch(&reviewer(&gh), "/repos/acme/infra").await["private"],
        true
    );
    fetch(&api, "/repos/acme/website/contents/README.md").await;
    let merged = merge_pull(&api, 3, json!({ "merge_method": "merge" }))
        .await
        .expect(200);
    assert_eq!(
        fetch(&api, &format!("{REPO}/branches/main")).await["commit"]["sha"],
        merged["sha"]
    );
}

#[asym::clone("github", seed = "acme-corp")]
async fn review_comments_by_id(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let on_pull = format!("{REPO}/pulls/3/comments");
    let line = |body: &str| json!({ "body": body, "path": "README.md", "line": 1 });
    let theirs = created(&hubot, &on_pull, &line("typo")).await;
    let mine = created(&api, &on_pull, &line("agreed")).await;
    let all = format!("{REPO}/pulls/comments");
    assert_eq!(names_at(&api, &all, "body").await, ["typo", "agreed"]);
    assert_eq!(
        names_at(&api, &format!("{all}?sort=created&direction=desc"), "body").await,
        ["agreed", "typo"]
    );
    assert_eq!(
        count(&api, &format!("{all}?since=2999-01-01T00:00:00Z")).await,
        0
    );
    assert_eq!(code(api.get(&format!("{all}?sort=size")).await), "invalid");
    // One comment, at the `url` it renders.
    let expected = format!("{REPO}/pulls/comments/{}", theirs["id"]);
    let one = comment_at(&gh, &api, &theirs, expected).await;
    edit_comment(&hubot, &one, &theirs, "typo fixed").await;
    assert_eq!(
        code(hubot.patch(&one, &json!({ "body": " " })).await),
        "missing_field"
    );
    hubot.patch(&one, &json!({ "body": 5 })).await.expect(422);
    error(
        crate::common::anonymous(&gh)
            .patch(&one, &json!({ "body": "x" }))
            .await,
        401,
    );
    assert_eq!(fetch(&api, &one).await["body"], "typo fixed");
    // Reactions on it.
    let reactions = format!("{one}/reactions");
    let eyes = created(&api, &reactions, &json!({ "content": "eyes" })).await;
    assert_eq!(fetch(&api, &one).await["reactions"]["eyes"], 1);
    delete(&api, &format!("{reactions}/{}", eyes["id"]))
        .await
        .expect(204);
    assert_eq!(count(&api, &reactions).await, 0);
    // Not found: another repository's id, a word, a deleted comment.
    let elsewhere = format!("/repos/acme/website/pulls/comments/{}", theirs["id"]);
    not_found(&api, &[&elsewhere, &format!("{REPO}/pulls/comments/abc")]).await;
    delete(&api, &one).await.expect(204);
    api.get(&one).await.expect(404);
    delete(&api, &one).await.expect(404);
    assert_eq!(names_at(&api, &all, "body").await, ["agreed"]);
    assert_eq!(mine["user"]["login"], "octocat");
}

/// A pull request closed keeps the commits it had, whichever route closes it (GitHub's
/// `issues.update` on a pull request's number closes it as `pulls.update` does): commits
/// pushed to its branches afterwards are not its head or base, and reopening it takes the
/// branches again.
#[asym::clone("github", seed = "basic")]
async fn a_closed_pull_request_keeps_its_commits(gh: asym::GitHub) {
    let api = api(&gh);
    for (route, name) in [("pulls", "close-by-pulls"), ("issues", "close-by-issues")] {
        branch(&api, name, &format!("{name}.md"), "one").await;
        let pull = open_pull(&api, name, name).await;
        let number = &pull["number"];
        let set_state = |state: &str| {
            let path = format!("{REPO}/{route}/{number}");
            let body = json!({ "state": state });
            let api = api.clone();
            async move { updated(&api, &path, &body).await }
        };
        // The base moves while the pull request is open: it follows.
        let base = push(&api, "main", &format!("{name}-base.md")).await;
        set_state("closed").await;
        let head =
            fetch(&api, &format!("{REPO}/git/ref/heads/{name}")).await["object"]["sha"].clone();
        let tips = [
            push(&api, name, "after.md").await,
            push(&api, "main", &format!("{name}-after.md")).await,
        ];
        let path = format!("{REPO}/pulls/{number}");
        let closed = fetch(&api, &path).await;
        assert_eq!(
            fields(&closed, ["/head/sha", "/base/sha"]),
            json!([head, base]),
            "{route}"
        );
        set_state("open").await;
        let open = fetch(&api, &path).await;
        assert_eq!(
            fields(&open, ["/head/sha", "/base/sha"]),
            json!(tips),
            "{route}"
        );
    }
}

/// Adds file `file` on `branch` of the fixture repository: the new commit's sha.
async fn push(api: &Api, branch: &str, file: &str) -> Value {
    let body = json!({ "message": format!("Add {file}"), "content": "dHdv", "branch": branch });
    let pushed = api
        .put(&format!("{REPO}/contents/{file}"), &body)
        .await
        .expect(201);
    pushed["commit"]["sha"].clone()
}
