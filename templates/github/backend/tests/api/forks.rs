//! Forks: creation (the parent's git data at fork time, `parent`/`source`, counts, the `fork`
//! webhook), the forks list and its sorts, repository lists and search with and without
//! forks, names and refusals.

use asym_kit::testing::{Api, Reply};
use serde_json::{Value, json};

use crate::common::{
    MAIN_SHA, REPO, api, app, count, create_pull, create_ref, created, delivered, error, fetch,
    listen, names, names_at, new_repo, reviewer, updated,
};

/// `POST …/forks` of the fixture repository with `body`, as the caller of `api`.
async fn create_fork(api: &Api, body: Value) -> Reply {
    api.post(&format!("{REPO}/forks"), &body).await
}

#[asym::clone("github", seed = "basic")]
async fn a_fork_copies_the_git_data_counts_and_is_announced(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let receiver = listen(&owner, &["fork"]).await;

    let fork = create_fork(&hubot, json!({})).await.expect(202);
    assert_eq!(
        (&fork["full_name"], &fork["fork"], &fork["has_issues"]),
        (&json!("hubot/hello-world"), &json!(true), &json!(false))
    );
    assert_eq!(fork["parent"]["full_name"], "acme/hello-world");
    assert_eq!(fork["source"]["full_name"], "acme/hello-world");
    assert_eq!(fork["permissions"]["admin"], true);
    let event = delivered(&receiver, "fork").await;
    assert_eq!(event.json()["forkee"]["full_name"], "hubot/hello-world");
    assert_eq!(event.json()["repository"]["full_name"], "acme/hello-world");
    assert_eq!(event.json()["sender"]["login"], "hubot");
    assert!(event.json().get("action").is_none());

    // The fork holds the parent's commits and files; writes to it stay in it.
    let forked = "/repos/hubot/hello-world";
    assert_eq!(
        fetch(&hubot, &format!("{forked}/commits/main")).await["sha"],
        MAIN_SHA
    );
    assert_eq!(
        names_at(&hubot, &format!("{forked}/branches"), "name").await,
        ["main"]
    );
    fetch(&hubot, &format!("{forked}/contents/README.md")).await;
    hubot
        .put(
            &format!("{forked}/contents/fork.txt"),
            &json!({ "message": "fork only", "content": crate::common::b64("x") }),
        )
        .await
        .expect(201);
    assert_eq!(
        fetch(&owner, &format!("{REPO}/commits/main")).await["sha"],
        MAIN_SHA
    );

    let parent = fetch(&owner, REPO).await;
    assert_eq!(
        (
            &parent["forks_count"],
            &parent["forks"],
            &parent["network_count"],
            &parent["fork"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(false))
    );
    assert!(parent.get("parent").is_none());
    // Forking again answers the same fork and announces nothing.
    let again = create_fork(&hubot, json!(null)).await.expect(202);
    assert_eq!(again["id"], fork["id"]);

    create_fork(&owner, json!({ "name": "mine" }))
        .await
        .expect(202);
    let forks = format!("{REPO}/forks");
    assert_eq!(
        names_at(&owner, &forks, "full_name").await,
        ["octocat/mine", "hubot/hello-world"]
    );
    assert_eq!(
        names_at(&owner, &format!("{forks}?sort=oldest"), "full_name").await,
        ["hubot/hello-world", "octocat/mine"]
    );
    hubot
        .put("/user/starred/hubot/hello-world", &json!(null))
        .await
        .expect(204);
    assert_eq!(
        names_at(&owner, &format!("{forks}?sort=stargazers"), "full_name").await,
        ["hubot/hello-world", "octocat/mine"]
    );
    let page = owner.get(&format!("{forks}?per_page=1&page=2")).await;
    assert!(
        page.headers["link"]
            .to_str()
            .unwrap()
            .contains("rel=\"prev\"")
    );
    assert_eq!(names(&page.expect(200), "full_name"), ["hubot/hello-world"]);
    crate::common::code(owner.get(&format!("{forks}?sort=best")).await);
    assert_eq!(
        names_at(&hubot, "/user/repos?type=forks", "full_name").await,
        ["hubot/hello-world"]
    );
    assert!(
        !names_at(&hubot, "/user/repos?type=sources", "full_name")
            .await
            .contains(&"hubot/hello-world".to_owned())
    );
    // Repository search leaves forks out unless `fork:true` or `fork:only` asks for them.
    let search = |q: &str| {
        let path = format!("/search/repositories?q={q}&sort=updated&order=asc");
        let owner = owner.clone();
        async move {
            let found = fetch(&owner, &path).await;
            let mut names = names(&found["items"], "full_name");
            names.sort();
            names
        }
    };
    assert_eq!(search("hello").await, ["acme/hello-world"]);
    assert_eq!(
        search("hello+fork:true").await,
        ["acme/hello-world", "hubot/hello-world"]
    );
    assert_eq!(search("hello+fork:only").await, ["hubot/hello-world"]);
    // Deleting the fork takes it off the parent's counts.
    crate::common::delete(&owner, "/repos/octocat/mine")
        .await
        .expect(204);
    assert_eq!(fetch(&owner, REPO).await["forks_count"], 1);
}

#[asym::clone("github", seed = "basic")]
async fn fork_names_branches_and_refusals(gh: asym::GitHub) {
    let (owner, hubot, app) = (api(&gh), reviewer(&gh), app(&gh));
    // Into the parent's own account without a new name: the name is taken.
    let taken = create_fork(&owner, json!({ "organization": "acme" })).await;
    assert_eq!(
        taken.body["errors"][0]["message"],
        "name already exists on this account"
    );
    error(taken, 422);
    let named = create_fork(
        &owner,
        json!({ "organization": "acme", "name": "hello-fork" }),
    )
    .await
    .expect(202);
    assert_eq!(
        (&named["full_name"], &named["parent"]["full_name"]),
        (&json!("acme/hello-fork"), &json!("acme/hello-world"))
    );
    // A fork of the fork: its source is the root.
    let deeper = hubot
        .post("/repos/acme/hello-fork/forks", &json!({}))
        .await
        .expect(202);
    assert_eq!(
        (
            &deeper["parent"]["full_name"],
            &deeper["source"]["full_name"]
        ),
        (&json!("acme/hello-fork"), &json!("acme/hello-world"))
    );
    assert_eq!(fetch(&owner, REPO).await["network_count"], 2);

    let user = create_fork(&owner, json!({ "organization": "hubot" })).await;
    assert_eq!(
        error(user, 422),
        "'hubot' is the login for a user account. You must pass the login for an organization account."
    );
    crate::common::code(create_fork(&owner, json!({ "organization": "nobody-here" })).await);
    assert_eq!(
        error(create_fork(&app, json!({})).await, 403),
        "Resource not accessible by integration"
    );
    // The account's existing fork is answered, renamed to a new `name`; a taken one is 422.
    let renamed = create_fork(
        &owner,
        json!({ "organization": "acme", "name": "bot-fork" }),
    )
    .await
    .expect(202);
    assert_eq!(
        (&renamed["id"], &renamed["full_name"]),
        (&named["id"], &json!("acme/bot-fork"))
    );
    error(
        create_fork(
            &owner,
            json!({ "organization": "acme", "name": "hello-world" }),
        )
        .await,
        422,
    );
    error(
        hubot
            .post("/repos/octocat/private-notes/forks", &json!({}))
            .await,
        404,
    );

    // Another account's repository of the parent's name: the fork gets a suffix.
    created(&owner, "/user/repos", &json!({ "name": "hello-world" })).await;
    create_ref(&owner, "refs/heads/topic", MAIN_SHA)
        .await
        .expect(201);
    let suffixed = create_fork(&owner, json!({})).await.expect(202);
    assert_eq!(suffixed["full_name"], "octocat/hello-world-1");
    assert_eq!(
        names_at(&owner, "/repos/octocat/hello-world-1/branches", "name").await,
        ["main", "topic"]
    );
    let only = create_fork(&hubot, json!({ "default_branch_only": true }))
        .await
        .expect(202);
    assert_eq!(
        (&only["full_name"], &only["default_branch"]),
        (&json!("hubot/hello-world"), &json!("main"))
    );
    assert_eq!(
        names_at(&hubot, "/repos/hubot/hello-world/branches", "name").await,
        ["main"]
    );
}

/// Pushes `file` onto `branch` of the fork `forked`, as the caller of `api`: the reply.
async fn put_on(
    api: &asym_kit::testing::Api,
    forked: &str,
    branch: &str,
    file: &str,
) -> asym_kit::testing::Reply {
    let body = json!({ "message": format!("Add {file}"), "content": crate::common::b64(file), "branch": branch });
    api.put(&format!("{forked}/contents/{file}"), &body).await
}

/// Pushes `file` onto `branch` of the fork `forked`, as its owner.
async fn push_to_fork(api: &asym_kit::testing::Api, forked: &str, branch: &str, file: &str) {
    put_on(api, forked, branch, file).await.expect(201);
}

/// Forks the fixture repository as `login` (the caller of `api`) and pushes `fix.txt` onto a
/// new `fix` branch of the fork: the fork's path.
async fn fork_with_fix(api: &asym_kit::testing::Api, login: &str) -> String {
    create_fork(api, json!({})).await.expect(202);
    let forked = format!("/repos/{login}/hello-world");
    let fix = json!({ "ref": "refs/heads/fix", "sha": MAIN_SHA });
    created(api, &format!("{forked}/git/refs"), &fix).await;
    push_to_fork(api, &forked, "fix", "fix.txt").await;
    forked
}

/// octocat's fork of the fixture repository with its `fix` branch, and the pull request of
/// `octocat:fix` into main: the fork's path and the pull request.
async fn octocat_fork_pull(owner: &asym_kit::testing::Api) -> (String, serde_json::Value) {
    let forked = fork_with_fix(owner, "octocat").await;
    let body = json!({ "title": "Fix", "head": "octocat:fix", "base": "main" });
    let pull = create_pull(owner, &body).await.expect(201);
    (forked, pull)
}

#[asym::clone("github", seed = "basic")]
async fn a_pull_request_whose_fork_is_deleted_keeps_its_head_without_a_repository(
    gh: asym::GitHub,
) {
    let owner = api(&gh);
    let (forked, pull) = octocat_fork_pull(&owner).await;
    crate::common::delete(&owner, &forked).await.expect(204);
    let path = format!("{REPO}/pulls/{}", pull["number"]);
    let gone = fetch(&owner, &path).await;
    assert_eq!(
        crate::common::fields(
            &gone,
            [
                "/head/label",
                "/head/user/login",
                "/head/sha",
                "/head/repo",
                "/base/repo/full_name"
            ]
        ),
        json!([
            "octocat:fix",
            "octocat",
            pull["head"]["sha"],
            null,
            "acme/hello-world"
        ])
    );
    assert_eq!(
        names_at(&owner, &format!("{path}/files"), "filename").await,
        ["fix.txt"]
    );
    // The base repository's own branch of that name is not the pull request's head.
    create_ref(&owner, "refs/heads/fix", MAIN_SHA)
        .await
        .expect(201);
    assert_eq!(
        fetch(&owner, &path).await["head"]["sha"],
        pull["head"]["sha"]
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_pull_request_from_a_fork_spans_both_repositories_and_merges_its_commits(
    gh: asym::GitHub,
) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let forked = fork_with_fix(&hubot, "hubot").await;
    let forked = forked.as_str();
    let receiver = listen(&owner, &["pull_request"]).await;

    // The head is the fork's branch: label, user and repository are the fork's.
    let pull = create_pull(
        &hubot,
        &json!({ "title": "Fix", "head": "hubot:fix", "base": "main", "maintainer_can_modify": true }),
    )
    .await
    .expect(201);
    assert_eq!(
        crate::common::fields(
            &pull,
            [
                "/head/label",
                "/head/ref",
                "/head/user/login",
                "/head/repo/full_name",
                "/base/label",
                "/base/repo/full_name",
                "/commits",
                "/changed_files",
                "/maintainer_can_modify"
            ]
        ),
        json!([
            "hubot:fix",
            "fix",
            "hubot",
            "hubot/hello-world",
            "acme:main",
            "acme/hello-world",
            1,
            1,
            true
        ])
    );
    assert_eq!(pull["head"]["repo"]["fork"], true);
    assert_eq!(receiver.delivery().await.json()["action"], "opened");
    let number = pull["number"].as_i64().unwrap();
    let path = format!("{REPO}/pulls/{number}");
    assert_eq!(
        names_at(&owner, &format!("{path}/files"), "filename").await,
        ["fix.txt"]
    );
    // The same branch again is refused with the fork owner's label.
    let again = create_pull(
        &hubot,
        &json!({ "title": "Again", "head": "hubot:fix", "base": "main" }),
    )
    .await;
    assert_eq!(
        again.expect(422)["errors"][0]["message"],
        "A pull request already exists for hubot:fix."
    );

    // Listing by head filters on the owner too.
    let listed = |head: &str| format!("{REPO}/pulls?head={head}");
    assert_eq!(count(&owner, &listed("hubot:fix")).await, 1);
    assert_eq!(count(&owner, &listed("acme:fix")).await, 0);

    // A push to the fork's branch moves the pull request and synchronizes it on the base.
    push_to_fork(&hubot, forked, "fix", "more.txt").await;
    let sync = receiver.delivery().await.json();
    assert_eq!(sync["action"], "synchronize");
    assert_eq!(sync["repository"]["full_name"], "acme/hello-world");
    let moved = fetch(&owner, &path).await;
    let head = fetch(&hubot, &format!("{forked}/git/ref/heads/fix")).await;
    assert_eq!(
        (&sync["before"], &sync["after"]),
        (&pull["head"]["sha"], &head["object"]["sha"])
    );
    assert_eq!(moved["head"]["sha"], head["object"]["sha"]);
    assert_eq!(
        (&moved["commits"], &moved["changed_files"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(count(&owner, &format!("{path}/commits")).await, 2);

    // Merging brings the fork's commits into the base repository.
    let merged = owner
        .put(&format!("{path}/merge"), &json!({}))
        .await
        .expect(200);
    let commit = fetch(&owner, &format!("{REPO}/commits/main")).await;
    assert_eq!(commit["sha"], merged["sha"]);
    assert!(
        commit["commit"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Merge pull request #{number} from hubot/fix"))
    );
    fetch(&owner, &format!("{REPO}/contents/more.txt")).await;
    assert_eq!(
        fetch(
            &owner,
            &format!("{REPO}/commits/{}", head["object"]["sha"].as_str().unwrap())
        )
        .await["sha"],
        head["object"]["sha"]
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_head_outside_the_network_is_an_invalid_head(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    // hubot has no fork of the repository; octocat's own repository is not in its network.
    let refused = |head: &str| json!({ "title": "X", "head": head, "base": "main" });
    for head in ["hubot:main", "nobody:main"] {
        let reply = create_pull(&hubot, &refused(head)).await;
        assert_eq!(
            reply.expect(422)["errors"],
            json!([{ "resource": "PullRequest", "field": "head", "code": "invalid" }])
        );
    }
    new_repo(&owner, "elsewhere").await;
    let reply = create_pull(
        &owner,
        &json!({ "title": "X", "head": "octocat:main", "head_repo": "octocat/elsewhere", "base": "main" }),
    )
    .await;
    assert_eq!(reply.expect(422)["errors"][0]["field"], "head");
}

#[asym::clone("github", seed = "basic")]
async fn maintainers_push_to_a_fork_branch_only_while_its_pull_request_allows_it(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let (forked, pull) = octocat_fork_pull(&owner).await;
    assert_eq!(pull["maintainer_can_modify"], true);
    // hubot writes to the base repository, not to octocat's fork: only the pull request's branch.
    put_on(&hubot, &forked, "fix", "edit.txt").await.expect(201);
    error(put_on(&hubot, &forked, "main", "edit.txt").await, 403);
    updated(
        &owner,
        &format!("{REPO}/pulls/{}", pull["number"]),
        &json!({ "maintainer_can_modify": false }),
    )
    .await;
    error(put_on(&hubot, &forked, "fix", "again.txt").await, 403);
}

#[asym::clone("github", seed = "basic")]
async fn a_fork_merges_its_upstream_branch(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    create_fork(&hubot, json!({})).await.expect(202);
    let forked = "/repos/hubot/hello-world";
    let sync = async |body: Value| {
        let path = format!("{forked}/merge-upstream");
        hubot.post(&path, &body).await
    };
    let main = json!({ "branch": "main" });
    // Nothing new upstream.
    assert_eq!(
        sync(main.clone()).await.expect(200),
        json!({
            "message": "This branch is not behind the upstream acme:main.",
            "merge_type": "none",
            "base_branch": "acme:main",
        })
    );
    // Upstream moved alone: the fork's branch is fast-forwarded to it.
    put_on(&owner, REPO, "main", "up.txt").await.expect(201);
    let forwarded = sync(main.clone()).await.expect(200);
    assert_eq!(
        (&forwarded["merge_type"], &forwarded["message"]),
        (
            &json!("fast-forward"),
            &json!("Successfully fetched and fast-forwarded from upstream acme:main.")
        )
    );
    let head = async |api: &Api, repo: &str| {
        let branch = fetch(api, &format!("{repo}/branches/main")).await;
        branch["commit"]["sha"].as_str().unwrap().to_owned()
    };
    assert_eq!(head(&hubot, forked).await, head(&owner, REPO).await);
    fetch(&hubot, &format!("{forked}/contents/up.txt")).await;
    // Both moved: a merge commit of the two, holding both sides' files.
    put_on(&owner, REPO, "main", "up-again.txt")
        .await
        .expect(201);
    push_to_fork(&hubot, forked, "main", "mine.txt").await;
    let ours = head(&hubot, forked).await;
    let merged = sync(main.clone()).await.expect(200);
    assert_eq!(merged["merge_type"], "merge");
    let commit = fetch(&hubot, &format!("{forked}/commits/main")).await;
    assert_eq!(
        commit["commit"]["message"],
        "Merge branch 'acme:main' into main"
    );
    assert_eq!(
        names(&commit["parents"], "sha"),
        [ours, head(&owner, REPO).await]
    );
    for file in ["up-again.txt", "mine.txt"] {
        fetch(&hubot, &format!("{forked}/contents/{file}")).await;
    }
    // The same file changed differently on each side: 409.
    for (api, repo, text) in [(&owner, REPO, "theirs"), (&hubot, forked, "ours")] {
        let body = json!({ "message": "Clash", "content": crate::common::b64(text) });
        api.put(&format!("{repo}/contents/clash.txt"), &body)
            .await
            .expect(201);
    }
    assert_eq!(
        error(sync(main.clone()).await, 409),
        "There are merge conflicts"
    );
    // Not a fork, a branch upstream lacks, no branch at all.
    let plain = owner.post(&format!("{REPO}/merge-upstream"), &main).await;
    assert_eq!(error(plain, 422), "This repository is not a fork.");
    let unknown = sync(json!({ "branch": "nope" })).await;
    assert_eq!(
        error(unknown, 422),
        "The upstream branch acme:nope does not exist."
    );
    assert_eq!(crate::common::code(sync(json!({})).await), "missing_field");
}
