//! Branch protection: writes, reads of the whole and of its parts, `protected` on branches,
//! `mergeable_state` `blocked`, and what it refuses: merges without the required reviews or checks, pushes, force pushes
//! and deletions of the protected branch, pushes by those the restrictions leave out.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::common::{
    MAIN_SHA, REPO, api, approve, b64, branch, created, delete, error, fetch, names, names_at,
    new_repo, open_pull, reviewer, updated,
};

const MAIN: &str = "/repos/acme/hello-world/branches/main/protection";

/// A `PUT …/protection` body: the four required keys, then `extra`.
fn rules(checks: Value, reviews: Value, restrictions: Value, extra: Value) -> Value {
    let mut body = json!({
        "required_status_checks": checks,
        "enforce_admins": null,
        "required_pull_request_reviews": reviews,
        "restrictions": restrictions,
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

/// Hubot's pull request of a new branch `feature` into main, opened before the owner protects
/// main with `checks` and `reviews`: the pull request.
async fn protected_pull(owner: &Api, hubot: &Api, checks: Value, reviews: Value) -> Value {
    branch(hubot, "feature", "feature.txt", "new\n").await;
    let pull = open_pull(hubot, "Feature", "feature").await;
    let protection = rules(checks, reviews, Value::Null, json!({}));
    owner.put(MAIN, &protection).await.expect(200);
    pull
}

/// Hubot's `ci/build` status `state` on commit `sha`.
async fn ci_build(hubot: &Api, sha: &Value, state: &str) {
    let status = json!({ "state": state, "context": "ci/build" });
    let path = format!("{REPO}/statuses/{}", sha.as_str().unwrap());
    created(hubot, &path, &status).await;
}

#[asym::clone("github", seed = "basic")]
async fn protection_is_written_read_and_removed(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    assert_eq!(error(owner.get(MAIN).await, 404), "Branch not protected");
    let checks = json!({ "strict": true, "contexts": ["ci/build"] });
    let body = rules(
        checks.clone(),
        json!({ "required_approving_review_count": 1 }),
        Value::Null,
        json!({ "enforce_admins": true, "allow_force_pushes": null }),
    );
    error(hubot.put(MAIN, &body).await, 403);
    let missing = json!({ "required_status_checks": null, "enforce_admins": null });
    error(owner.put(MAIN, &missing).await, 422);
    error(
        owner
            .put(&format!("{REPO}/branches/nope/protection"), &body)
            .await,
        404,
    );

    let set = owner.put(MAIN, &body).await.expect(200);
    // GitHub's order: the url, the four settings, then the `{"enabled": …}` flags.
    let keys: Vec<&str> = set
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let order = "url required_status_checks required_pull_request_reviews required_signatures \
                 enforce_admins required_linear_history allow_force_pushes allow_deletions \
                 required_conversation_resolution block_creations lock_branch allow_fork_syncing";
    assert_eq!(keys, order.split_whitespace().collect::<Vec<_>>());
    assert_eq!(set["url"], format!("{}{MAIN}", gh.api_url()));
    assert_eq!(
        set["required_status_checks"]["checks"],
        json!([{ "context": "ci/build", "app_id": null }])
    );
    assert_eq!(
        set["required_pull_request_reviews"]["required_approving_review_count"],
        1
    );
    assert_eq!(set["enforce_admins"]["enabled"], true);
    assert_eq!(fetch(&owner, MAIN).await, set);

    let main = fetch(&hubot, &format!("{REPO}/branches/main")).await;
    assert_eq!(main["protected"], true);
    assert_eq!(
        main["protection"]["required_status_checks"]["enforcement_level"],
        "everyone"
    );
    let listed = fetch(&hubot, &format!("{REPO}/branches")).await;
    assert_eq!(listed[0]["protected"], true);
    assert_eq!(
        names_at(&hubot, &format!("{REPO}/branches?protected=true"), "name").await,
        ["main"]
    );

    let status_checks = format!("{MAIN}/required_status_checks");
    assert_eq!(fetch(&hubot, &status_checks).await["strict"], true);
    assert_eq!(
        fetch(&hubot, &format!("{status_checks}/contexts")).await,
        json!(["ci/build"])
    );
    let patched = updated(
        &owner,
        &status_checks,
        &json!({ "contexts": ["ci/build", "ci/lint"] }),
    )
    .await;
    assert_eq!(
        (&patched["strict"], &patched["contexts"]),
        (&json!(true), &json!(["ci/build", "ci/lint"]))
    );
    let reviews = format!("{MAIN}/required_pull_request_reviews");
    let more = updated(
        &owner,
        &reviews,
        &json!({ "required_approving_review_count": 2 }),
    )
    .await;
    assert_eq!(more["required_approving_review_count"], 2);
    error(
        owner
            .patch(&reviews, &json!({ "required_approving_review_count": 7 }))
            .await,
        422,
    );

    let admins = format!("{MAIN}/enforce_admins");
    delete(&owner, &admins).await.expect(204);
    assert_eq!(fetch(&owner, &admins).await["enabled"], false);
    assert_eq!(
        owner.post(&admins, &json!(null)).await.expect(200)["enabled"],
        true
    );
    delete(&owner, &status_checks).await.expect(204);
    assert_eq!(
        error(owner.get(&status_checks).await, 404),
        "Required status checks not enabled"
    );
    delete(&owner, &reviews).await.expect(204);
    assert_eq!(
        error(owner.get(&reviews).await, 404),
        "Required pull request reviews not enabled"
    );

    // Push restrictions: users and apps of an organization's repository.
    let restricted = rules(
        Value::Null,
        Value::Null,
        json!({ "users": ["hubot"], "teams": [], "apps": ["acme-bot"] }),
        json!({}),
    );
    let set = owner.put(MAIN, &restricted).await.expect(200);
    assert_eq!(names(&set["restrictions"]["users"], "login"), ["hubot"]);
    assert_eq!(names(&set["restrictions"]["apps"], "slug"), ["acme-bot"]);
    assert!(set.get("required_status_checks").is_none());
    let restrictions = format!("{MAIN}/restrictions");
    assert_eq!(
        names(&fetch(&owner, &restrictions).await["users"], "login"),
        ["hubot"]
    );
    // The allowed users: added (a bare array), removed (`{"users": …}`), replaced.
    let users = format!("{restrictions}/users");
    let added = owner.post(&users, &json!(["octocat"])).await.expect(200);
    assert_eq!(names(&added, "login"), ["hubot", "octocat"]);
    let body = json!({ "users": ["hubot"] });
    let removed = owner
        .send(reqwest::Method::DELETE, &users, Some(&body))
        .await
        .expect(200);
    assert_eq!(names(&removed, "login"), ["octocat"]);
    let replaced = owner.put(&users, &body).await.expect(200);
    assert_eq!(names(&replaced, "login"), ["hubot"]);
    assert_eq!(
        names_at(&owner, &format!("{restrictions}/apps"), "slug").await,
        ["acme-bot"]
    );
    delete(&owner, &restrictions).await.expect(204);
    error(owner.get(&users).await, 404);
    error(owner.post(&users, &json!(["octocat"])).await, 404);

    // Required signatures: answered, turned on and off.
    let signatures = format!("{MAIN}/required_signatures");
    assert_eq!(fetch(&owner, &signatures).await["enabled"], false);
    assert_eq!(
        owner.post(&signatures, &json!(null)).await.expect(200)["enabled"],
        true
    );
    assert_eq!(
        fetch(&owner, MAIN).await["required_signatures"]["enabled"],
        true
    );
    delete(&owner, &signatures).await.expect(204);
    assert_eq!(fetch(&owner, &signatures).await["enabled"], false);
    assert_eq!(
        error(owner.get(&restrictions).await, 404),
        "Push restrictions not enabled"
    );
    new_repo(&owner, "solo").await;
    assert_eq!(
        error(
            owner
                .put("/repos/octocat/solo/branches/main/protection", &restricted)
                .await,
            422
        ),
        "Only organization repositories can have users and team restrictions"
    );

    delete(&owner, MAIN).await.expect(204);
    assert_eq!(error(owner.get(MAIN).await, 404), "Branch not protected");
    error(delete(&owner, MAIN).await, 404);
    assert_eq!(
        fetch(&owner, &format!("{REPO}/branches/main")).await["protected"],
        false
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_protected_branch_refuses_merges_and_pushes(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let checks = json!({ "strict": false, "contexts": ["ci/build"] });
    let reviews = json!({ "required_approving_review_count": 1 });
    let pull = protected_pull(&owner, &hubot, checks, reviews).await;
    let number = pull["number"].as_i64().unwrap();

    let merge = format!("{REPO}/pulls/{number}/merge");
    let pull_path = format!("{REPO}/pulls/{number}");
    let state = || async { fetch(&owner, &pull_path).await["mergeable_state"].clone() };
    assert_eq!(state().await, "blocked");
    assert_eq!(
        error(hubot.put(&merge, &json!({})).await, 405),
        "At least 1 approving review is required by reviewers with write access."
    );
    approve(&owner, number).await;
    assert_eq!(
        error(hubot.put(&merge, &json!({})).await, 405),
        "Required status check \"ci/build\" is expected."
    );
    let head = &pull["head"]["sha"];
    ci_build(&hubot, head, "failure").await;
    assert_eq!(
        error(hubot.put(&merge, &json!({})).await, 405),
        "Required status check \"ci/build\" is failing."
    );
    assert_eq!(state().await, "blocked");
    ci_build(&hubot, head, "success").await;
    assert_eq!(state().await, "clean");
    assert_eq!(
        hubot.put(&merge, &json!({})).await.expect(200)["merged"],
        true
    );

    // Pushes: reviews required, then status checks; an administrator passes unless enforced.
    let write = |text: &str| json!({ "message": "direct", "content": b64(text) });
    let contents = format!("{REPO}/contents/direct.txt");
    assert_eq!(
        error(hubot.put(&contents, &write("a")).await, 409),
        "Changes must be made through a pull request."
    );
    let created = owner.put(&contents, &write("a")).await.expect(201);
    owner
        .post(&format!("{MAIN}/enforce_admins"), &json!(null))
        .await
        .expect(200);
    let sha = created["content"]["sha"].clone();
    let update = json!({ "message": "again", "content": b64("b"), "sha": sha });
    error(owner.put(&contents, &update).await, 409);
    delete(&owner, &format!("{MAIN}/required_pull_request_reviews"))
        .await
        .expect(204);
    assert_eq!(
        error(hubot.put(&contents, &update).await, 409),
        "Required status check \"ci/build\" is expected."
    );

    // Force pushes and deletion of the branch.
    let main_ref = format!("{REPO}/git/refs/heads/main");
    let rewind = json!({ "sha": MAIN_SHA, "force": true });
    assert_eq!(
        error(hubot.patch(&main_ref, &rewind).await, 422),
        "Cannot force-push to this protected branch"
    );
    assert_eq!(
        error(delete(&hubot, &main_ref).await, 422),
        "Cannot delete this protected branch"
    );

    // Restrictions leave hubot out; its pushes to other branches are not affected.
    let only_octocat = json!({ "users": ["octocat"], "teams": [] });
    owner
        .put(
            MAIN,
            &rules(
                Value::Null,
                Value::Null,
                only_octocat,
                json!({ "allow_deletions": true }),
            ),
        )
        .await
        .expect(200);
    let refused = error(hubot.put(&contents, &update).await, 409);
    assert!(
        refused.starts_with("You're not authorized to push to this branch."),
        "{refused}"
    );
    hubot
        .put(
            &format!("{REPO}/contents/other.txt"),
            &json!({ "message": "m", "content": b64("x"), "branch": "feature" }),
        )
        .await
        .expect(201);
    owner.put(&contents, &update).await.expect(200);
}

#[asym::clone("github", seed = "basic")]
async fn strict_checks_need_a_head_that_contains_the_branch(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let checks = json!({ "strict": true, "contexts": ["ci/build"] });
    let pull = protected_pull(&owner, &hubot, checks, Value::Null).await;
    let pull_path = format!("{REPO}/pulls/{}", pull["number"]);
    ci_build(&hubot, &pull["head"]["sha"], "success").await;
    assert_eq!(fetch(&owner, &pull_path).await["mergeable_state"], "clean");

    // The owner (an administrator, not enforced) moves main on: the head is behind.
    let file = json!({ "message": "ahead", "content": b64("ahead") });
    owner
        .put(&format!("{REPO}/contents/ahead.txt"), &file)
        .await
        .expect(201);
    assert_eq!(fetch(&owner, &pull_path).await["mergeable_state"], "behind");
    let merge = format!("{pull_path}/merge");
    assert_eq!(
        error(hubot.put(&merge, &json!({})).await, 405),
        "Required status check \"ci/build\" is expected."
    );

    // A head built on the new main, with its check passing, merges.
    let main = fetch(&hubot, &format!("{REPO}/git/ref/heads/main")).await;
    let rebuilt = json!({ "sha": main["object"]["sha"], "force": true });
    updated(&hubot, &format!("{REPO}/git/refs/heads/feature"), &rebuilt).await;
    let again = json!({ "message": "again", "content": b64("new\n"), "branch": "feature" });
    hubot
        .put(&format!("{REPO}/contents/feature.txt"), &again)
        .await
        .expect(201);
    let head = &fetch(&owner, &pull_path).await["head"]["sha"];
    ci_build(&hubot, head, "success").await;
    assert_eq!(fetch(&owner, &pull_path).await["mergeable_state"], "clean");
    hubot.put(&merge, &json!({})).await.expect(200);
}

#[asym::clone("github", seed = "basic")]
async fn required_contexts_are_added_replaced_and_removed(gh: asym::GitHub) {
    let api = api(&gh);
    let contexts = format!("{MAIN}/required_status_checks/contexts");
    // Not protected, then protected without required checks: 404s.
    assert_eq!(
        error(api.post(&contexts, &json!(["lint"])).await, 404),
        "Branch not protected"
    );
    api.put(
        MAIN,
        &rules(Value::Null, Value::Null, Value::Null, json!({})),
    )
    .await
    .expect(200);
    let off = api.post(&contexts, &json!(["lint"])).await;
    assert_eq!(error(off, 404), "Required status checks not enabled");
    let checks = json!({ "strict": true, "checks": [{ "context": "ci/build", "app_id": 1 }] });
    api.put(MAIN, &rules(checks, Value::Null, Value::Null, json!({})))
        .await
        .expect(200);
    let steps = [
        (
            reqwest::Method::POST,
            json!(["lint", "ci/build"]),
            json!(["ci/build", "lint"]),
        ),
        (
            reqwest::Method::POST,
            json!({ "contexts": ["docs"] }),
            json!(["ci/build", "lint", "docs"]),
        ),
        (
            reqwest::Method::DELETE,
            json!(["lint"]),
            json!(["ci/build", "docs"]),
        ),
        (
            reqwest::Method::PUT,
            json!(["ci/build", "e2e"]),
            json!(["ci/build", "e2e"]),
        ),
    ];
    for (method, body, expected) in steps {
        let reply = api.send(method.clone(), &contexts, Some(&body)).await;
        assert_eq!(reply.expect(200), expected, "{method} {body}");
    }
    assert_eq!(fetch(&api, &contexts).await, json!(["ci/build", "e2e"]));
    // A check kept keeps its app; the others have none.
    let checks = fetch(&api, &format!("{MAIN}/required_status_checks")).await["checks"].clone();
    assert_eq!(
        checks,
        json!([{ "context": "ci/build", "app_id": 1 }, { "context": "e2e", "app_id": null }])
    );
    assert_eq!(
        error(api.post(&contexts, &json!("lint")).await, 400),
        "Problems parsing JSON"
    );
    let hubot = reviewer(&gh).post(&contexts, &json!(["x"])).await;
    assert_eq!(hubot.status, 403, "{}", hubot.body);
}

#[asym::clone("github", seed = "basic")]
async fn team_restrictions_let_their_members_and_child_teams_push(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let platform = created(&owner, "/orgs/acme/teams", &json!({ "name": "Platform" })).await;
    let child = json!({ "name": "Storage", "parent_team_id": platform["id"] });
    created(&owner, "/orgs/acme/teams", &child).await;
    created(&owner, "/orgs/acme/teams", &json!({ "name": "Docs" })).await;
    let only = json!({ "users": ["octocat"], "teams": ["docs"] });
    let set = owner
        .put(MAIN, &rules(Value::Null, Value::Null, only, json!({})))
        .await
        .expect(200);
    assert_eq!(names(&set["restrictions"]["teams"], "slug"), ["docs"]);
    assert!(
        set["restrictions"]["teams_url"]
            .as_str()
            .unwrap()
            .ends_with("/protection/restrictions/teams")
    );
    // Hubot is in none of the teams: refused.
    let contents = format!("{REPO}/contents/team.txt");
    let write = json!({ "message": "Add team.txt", "content": b64("team\n") });
    let refused = error(hubot.put(&contents, &write).await, 409);
    assert!(refused.starts_with("You're not authorized to push to this branch."));
    // The allowed teams: added (a bare array), replaced, removed (`{"teams": …}`).
    let teams = format!("{MAIN}/restrictions/teams");
    let added = owner.post(&teams, &json!(["platform"])).await.expect(200);
    assert_eq!(names(&added, "slug"), ["docs", "platform"]);
    assert_eq!(names_at(&owner, &teams, "slug").await, ["docs", "platform"]);
    // A member of a child team of an allowed team may push.
    let membership = "/orgs/acme/teams/storage/memberships/hubot";
    owner.put(membership, &json!({})).await.expect(200);
    hubot.put(&contents, &write).await.expect(201);
    let replaced = owner.put(&teams, &json!({ "teams": ["docs"] })).await;
    assert_eq!(names(&replaced.expect(200), "slug"), ["docs"]);
    let body = json!({ "teams": ["docs"] });
    let removed = owner
        .send(reqwest::Method::DELETE, &teams, Some(&body))
        .await;
    assert!(removed.expect(200).as_array().unwrap().is_empty());
    assert_eq!(
        fetch(&owner, &format!("{MAIN}/restrictions")).await["teams"],
        json!([])
    );
    // Refusals: a team the organization lacks, a branch without restrictions or protection.
    let unknown = json!(["ghosts"]);
    let field = |reply: asym_kit::testing::Reply| reply.expect(422)["errors"][0]["field"].clone();
    assert_eq!(field(owner.post(&teams, &unknown).await), "teams");
    let ghosts = json!({ "users": [], "teams": ["ghosts"] });
    let put = rules(Value::Null, Value::Null, ghosts, json!({}));
    assert_eq!(field(owner.put(MAIN, &put).await), "teams");
    delete(&owner, &format!("{MAIN}/restrictions"))
        .await
        .expect(204);
    for (method, message) in [
        (reqwest::Method::GET, "Push restrictions not enabled"),
        (reqwest::Method::POST, "Push restrictions not enabled"),
        (reqwest::Method::PUT, "Push restrictions not enabled"),
        (reqwest::Method::DELETE, "Push restrictions not enabled"),
    ] {
        let reply = owner
            .send(method.clone(), &teams, Some(&json!(["docs"])))
            .await;
        assert_eq!(error(reply, 404), message, "{method}");
    }
    delete(&owner, MAIN).await.expect(204);
    assert_eq!(error(owner.get(&teams).await, 404), "Branch not protected");
}
