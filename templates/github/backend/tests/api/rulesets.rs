//! Repository rulesets: written, read, listed, updated and deleted; bodies checked against
//! GitHub's schema; the rules that apply to a branch; and what active rulesets refuse
//! (creations, updates, deletions, force pushes, merge commits, direct pushes, merges without
//! the required reviews or checks), bypass actors let through.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::common::{
    MAIN_SHA, REPO, api, approve, b64, branch, create_ref, created, delete, error, fetch,
    merge_pull, open_pull, reviewer, updated,
};

const RULESETS: &str = "/repos/acme/hello-world/rulesets";

/// The message of a refusal by rulesets: GitHub's heading, then each violation.
fn violations(found: &[&str]) -> String {
    let mut message = "Repository rule violations found\n\n".to_owned();
    for violation in found {
        message.push_str(violation);
        message.push_str("\n\n");
    }
    message
}

/// Creates an active branch ruleset `name` over `include` with `rules`: its JSON.
async fn ruleset(owner: &Api, name: &str, include: &[&str], rules: Value) -> Value {
    let body = json!({
        "name": name, "enforcement": "active",
        "conditions": { "ref_name": { "include": include, "exclude": [] } },
        "rules": rules,
    });
    created(owner, RULESETS, &body).await
}

/// `PUT …/rulesets/{id}` with `body`: the ruleset.
async fn update(owner: &Api, set: &Value, body: Value) -> Value {
    let path = format!("{RULESETS}/{}", set["id"]);
    owner.put(&path, &body).await.expect(200)
}

#[asym::clone("github", seed = "basic")]
async fn rulesets_are_written_read_listed_and_removed(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let body = json!({
        "name": "main", "target": "branch", "enforcement": "active",
        "bypass_actors": [{ "actor_id": 5, "actor_type": "RepositoryRole" }],
        "conditions": { "ref_name": { "include": ["~DEFAULT_BRANCH"], "exclude": ["refs/heads/dev*"] } },
        "rules": [{ "type": "deletion" }, { "type": "non_fast_forward" }, { "type": "pull_request" }],
    });
    error(hubot.post(RULESETS, &body).await, 403);
    let created = created(&owner, RULESETS, &body).await;
    assert_eq!(
        (
            &created["source_type"],
            &created["source"],
            &created["current_user_can_bypass"]
        ),
        (
            &json!("Repository"),
            &json!("acme/hello-world"),
            &json!("always")
        )
    );
    assert_eq!(
        created["bypass_actors"],
        json!([{ "actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always" }])
    );
    assert_eq!(created["conditions"], body["conditions"]);
    assert_eq!(
        created["rules"][2]["parameters"]["required_approving_review_count"],
        0
    );
    let path = format!("{RULESETS}/{}", created["id"]);
    assert_eq!(fetch(&owner, &path).await, created);
    let seen = fetch(&hubot, &path).await;
    assert_eq!(seen["current_user_can_bypass"], "never");
    let listed = fetch(&owner, RULESETS).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &listed[0]["id"],
            &listed[0]["enforcement"],
            listed[0].get("rules")
        ),
        (&created["id"], &json!("active"), None)
    );
    assert_eq!(
        fetch(&owner, &format!("{RULESETS}?targets=tag")).await,
        json!([])
    );

    let updated = update(&owner, &created, json!({ "enforcement": "disabled" })).await;
    assert_eq!(
        (&updated["name"], &updated["enforcement"], &updated["rules"]),
        (&json!("main"), &json!("disabled"), &created["rules"])
    );
    let twin = json!({ "name": "main", "enforcement": "active" });
    assert_eq!(
        error(owner.post(RULESETS, &twin).await, 422),
        "Validation Failed"
    );
    delete(&owner, &path).await.expect(204);
    error(owner.get(&path).await, 404);
    error(owner.get(&format!("{RULESETS}/x")).await, 404);
}

#[asym::clone("github", seed = "basic")]
async fn a_ruleset_body_is_checked_against_the_schema(gh: asym::GitHub) {
    let owner = api(&gh);
    let no_input = |at: &str| {
        format!(
            "Invalid request.\n\nInvalid property {at}: data matches no possible input. See `documentation_url`."
        )
    };
    let with = |extra: Value| {
        let mut body = json!({ "name": "r", "enforcement": "active" });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let checks = |check: Value| {
        json!({ "rules": [{ "type": "deletion" }, { "type": "required_status_checks", "parameters": {
            "strict_required_status_checks_policy": false, "required_status_checks": [check] } }] })
    };
    for (body, message) in [
        (
            json!({ "name": "r" }),
            "Invalid request.\n\n\"enforcement\" wasn't supplied.".to_owned(),
        ),
        (
            with(json!({ "enforcement": "enabled" })),
            "Invalid request.\n\nInvalid property /enforcement: `enabled` is not a possible value. Must be one of the following: disabled, active, evaluate.".to_owned(),
        ),
        (
            with(json!({ "target": "repository" })),
            "Invalid request.\n\nInvalid property /target: `repository` is not a possible value. Must be one of the following: branch, tag, push.".to_owned(),
        ),
        (with(json!({ "rules": [{ "type": "nope" }] })), no_input("/rules/0")),
        (
            with(json!({ "rules": [{ "type": "pull_request", "parameters": { "required_approving_review_count": 1 } }] })),
            no_input("/rules/0"),
        ),
        (
            with(json!({ "rules": [{ "type": "max_file_size", "parameters": { "max_file_size": 101 } }] })),
            no_input("/rules/0"),
        ),
        (
            with(checks(json!({ "context": "ci", "integration_id": null }))),
            no_input("/rules/1"),
        ),
        (
            with(json!({ "bypass_actors": [{ "actor_type": "Robot", "actor_id": 1 }] })),
            "Invalid request.\n\nInvalid property /bypass_actors/0/actor_type: `Robot` is not a possible value. Must be one of the following: Integration, OrganizationAdmin, RepositoryRole, Team, DeployKey, User.".to_owned(),
        ),
        (
            with(json!({ "conditions": { "ref_name": { "include": "main" } } })),
            "Invalid request.\n\nInvalid property /conditions/ref_name/include: `\"main\"` is not of type `array`.".to_owned(),
        ),
    ] {
        assert_eq!(error(owner.post(RULESETS, &body).await, 422), message, "{body}");
    }
    let fine = with(checks(json!({ "context": "ci", "integration_id": 7 })));
    created(&owner, RULESETS, &fine).await;
    assert_eq!(fetch(&owner, RULESETS).await.as_array().unwrap().len(), 1);
}

#[asym::clone("github", seed = "basic")]
async fn a_branch_has_the_rules_of_the_active_rulesets_that_match_it(gh: asym::GitHub) {
    let owner = api(&gh);
    let main = ruleset(
        &owner,
        "main",
        &["~DEFAULT_BRANCH"],
        json!([{ "type": "deletion" }]),
    )
    .await;
    let features = ruleset(
        &owner,
        "features",
        &["refs/heads/feature/**"],
        json!([{ "type": "non_fast_forward" }, { "type": "creation" }]),
    )
    .await;
    let off = ruleset(
        &owner,
        "off",
        &["~ALL"],
        json!([{ "type": "update", "parameters": { "update_allows_fetch_and_merge": false } }]),
    )
    .await;
    update(&owner, &off, json!({ "enforcement": "evaluate" })).await;
    let tags = json!({ "name": "tags", "target": "tag", "enforcement": "active",
        "conditions": { "ref_name": { "include": ["~ALL"] } }, "rules": [{ "type": "deletion" }] });
    created(&owner, RULESETS, &tags).await;

    let rules = fetch(&owner, &format!("{REPO}/rules/branches/main")).await;
    assert_eq!(
        rules,
        json!([{ "type": "deletion", "ruleset_source_type": "Repository",
                 "ruleset_source": "acme/hello-world", "ruleset_id": main["id"] }])
    );
    let nested = fetch(&owner, &format!("{REPO}/rules/branches/feature/a/b")).await;
    let kinds: Vec<(&Value, &Value)> = nested
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["type"], &r["ruleset_id"]))
        .collect();
    assert_eq!(
        kinds,
        [
            (&json!("non_fast_forward"), &features["id"]),
            (&json!("creation"), &features["id"])
        ]
    );
    assert_eq!(
        fetch(&owner, &format!("{REPO}/rules/branches/other")).await,
        json!([])
    );
}

#[asym::clone("github", seed = "basic")]
async fn active_rulesets_refuse_pushes_their_bypass_actors_may_make(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    branch(&owner, "topic", "topic.txt", "topic\n").await;
    let topic =
        fetch(&owner, &format!("{REPO}/git/ref/heads/topic")).await["object"]["sha"].clone();
    let main = ruleset(
        &owner,
        "main",
        &["~DEFAULT_BRANCH"],
        json!([{ "type": "deletion" }, { "type": "non_fast_forward" }]),
    )
    .await;
    let main_ref = format!("{REPO}/git/refs/heads/main");
    updated(&owner, &main_ref, &json!({ "sha": topic })).await;
    let back = json!({ "sha": MAIN_SHA, "force": true });
    assert_eq!(
        error(owner.patch(&main_ref, &back).await, 422),
        violations(&["Cannot force-push to this branch"])
    );
    assert_eq!(
        error(delete(&owner, &main_ref).await, 422),
        violations(&["Cannot delete this branch"])
    );

    // Creations under a pattern, tags included.
    let locked = json!([{ "type": "creation" }]);
    ruleset(&owner, "locked", &["refs/heads/locked/*"], locked.clone()).await;
    let tags = json!({ "name": "tags", "target": "tag", "enforcement": "active",
        "conditions": { "ref_name": { "include": ["refs/tags/v*"] } }, "rules": locked });
    created(&owner, RULESETS, &tags).await;
    let restricted = violations(&["Cannot create ref due to creations being restricted."]);
    for name in ["refs/heads/locked/a", "refs/tags/v1"] {
        let refused = create_ref(&hubot, name, MAIN_SHA).await;
        assert_eq!(error(refused, 422), restricted, "{name}");
    }
    for name in ["refs/heads/locked/a/b", "refs/tags/w1"] {
        create_ref(&hubot, name, MAIN_SHA).await.expect(201);
    }

    // Bypass: the admin role passes, a writer does not; a disabled ruleset binds no one.
    let admins =
        json!([{ "actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always" }]);
    update(&owner, &main, json!({ "bypass_actors": admins })).await;
    updated(&owner, &main_ref, &back).await;
    let push = json!({ "sha": topic, "force": true });
    updated(&hubot, &main_ref, &push).await;
    assert_eq!(
        error(hubot.patch(&main_ref, &back).await, 422),
        violations(&["Cannot force-push to this branch"])
    );
    update(&owner, &main, json!({ "enforcement": "disabled" })).await;
    updated(&hubot, &main_ref, &back).await;

    // Direct pushes: a pull request required, then merge commits refused.
    let direct = ruleset(
        &owner,
        "direct",
        &["refs/heads/main"],
        json!([{ "type": "pull_request" }, { "type": "required_linear_history" }]),
    )
    .await;
    let write = json!({ "message": "direct", "content": b64("a") });
    assert_eq!(
        error(
            owner
                .put(&format!("{REPO}/contents/direct.txt"), &write)
                .await,
            409
        ),
        violations(&["Changes must be made through a pull request."])
    );
    let merge = json!({ "base": "main", "head": "topic" });
    assert_eq!(
        error(owner.post(&format!("{REPO}/merges"), &merge).await, 409),
        violations(&[
            "Changes must be made through a pull request.",
            "This branch must not contain merge commits."
        ])
    );
    update(&owner, &direct, json!({ "rules": [{ "type": "update", "parameters": { "update_allows_fetch_and_merge": true } }] })).await;
    assert_eq!(
        error(owner.patch(&main_ref, &push).await, 422),
        violations(&["Cannot update this protected ref."])
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_merge_needs_what_the_rulesets_require(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    branch(&hubot, "feature", "feature.txt", "new\n").await;
    let pull = open_pull(&hubot, "Feature", "feature").await;
    let number = &pull["number"];
    let gate = ruleset(
        &owner,
        "gate",
        &["~DEFAULT_BRANCH"],
        json!([
            { "type": "required_linear_history" },
            { "type": "pull_request", "parameters": {
                "dismiss_stale_reviews_on_push": false, "require_code_owner_review": false,
                "require_last_push_approval": false, "required_approving_review_count": 1,
                "required_review_thread_resolution": false } },
            { "type": "required_status_checks", "parameters": {
                "strict_required_status_checks_policy": false,
                "required_status_checks": [{ "context": "ci/build" }] } },
        ]),
    )
    .await;
    let squash = || json!({ "merge_method": "squash" });
    assert_eq!(
        error(merge_pull(&hubot, number, json!({})).await, 405),
        violations(&["This branch must not contain merge commits."])
    );
    assert_eq!(
        error(merge_pull(&hubot, number, squash()).await, 405),
        violations(&["At least 1 approving review is required by reviewers with write access."])
    );
    approve(&owner, number).await;
    assert_eq!(
        error(merge_pull(&hubot, number, squash()).await, 405),
        violations(&["Required status check \"ci/build\" is expected."])
    );
    // Owners bypass it for pull requests only: their merge goes through, their push does not.
    let admins =
        json!([{ "actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "pull_request" }]);
    let gate = update(&owner, &gate, json!({ "bypass_actors": admins })).await;
    assert_eq!(
        fetch(&owner, &format!("{RULESETS}/{}", gate["id"])).await["current_user_can_bypass"],
        "pull_requests_only"
    );
    let write = json!({ "message": "direct", "content": b64("a") });
    error(
        owner
            .put(&format!("{REPO}/contents/direct.txt"), &write)
            .await,
        409,
    );
    let merged = merge_pull(&owner, number, squash()).await.expect(200);
    assert_eq!(merged["merged"], true);
}
