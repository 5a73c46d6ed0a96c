//! Renaming a branch: the ref, the default branch, the open pull requests into it (retargeted)
//! and from it (closed), draft releases and protection move with it; who may rename what.

use serde_json::{Value, json};

use crate::common::{REPO, api, branch, create_pull, error, fetch, open_pull, release, reviewer};

/// `POST …/branches/{name}/rename` on the fixture repository with `new_name`.
fn rename_path(name: &str) -> String {
    format!("{REPO}/branches/{name}/rename")
}

#[asym::clone("github", seed = "basic")]
async fn a_renamed_branch_takes_its_pull_requests_releases_and_protection(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    branch(&hubot, "feature", "feature.txt", "new\n").await;
    branch(&hubot, "topic", "topic.txt", "topic\n").await;
    let body = json!({ "title": "Topic", "head": "topic", "base": "feature" });
    let into = create_pull(&hubot, &body).await.expect(201);
    let from = open_pull(&hubot, "Feature", "feature").await;
    let draft = json!({ "tag_name": "v2", "target_commitish": "feature", "draft": true });
    let draft = release(&owner, REPO, draft).await;
    // A branch without protection: renamed by anyone who can push.
    let renamed = hubot
        .post(&rename_path("topic"), &json!({ "new_name": "topic-2" }))
        .await
        .expect(201);
    assert_eq!(renamed["name"], "topic-2");
    let pull = |n: &Value| format!("{REPO}/pulls/{n}");
    assert_eq!(
        fetch(&owner, &pull(&into["number"])).await["state"],
        "closed"
    );
    // A protected branch: only an administrator renames it, and its protection follows.
    let protection = format!("{REPO}/branches/feature/protection");
    let rules = json!({ "required_status_checks": null, "enforce_admins": true,
                        "required_pull_request_reviews": null, "restrictions": null });
    owner.put(&protection, &rules).await.expect(200);
    let to = json!({ "new_name": "feature/v2" });
    assert_eq!(
        error(hubot.post(&rename_path("feature"), &to).await, 403),
        "Must have admin rights to Repository."
    );
    let renamed = owner.post(&rename_path("feature"), &to).await.expect(201);
    assert_eq!(
        (renamed["name"].as_str(), renamed["protected"].as_bool()),
        (Some("feature/v2"), Some(true))
    );
    assert!(
        renamed["protection_url"]
            .as_str()
            .unwrap()
            .ends_with("/branches/feature/v2/protection")
    );
    fetch(&owner, &format!("{REPO}/branches/feature/v2/protection")).await;
    for gone in [format!("{REPO}/branches/feature"), protection] {
        error(owner.get(&gone).await, 404);
    }
    let headed = fetch(&owner, &pull(&from["number"])).await;
    assert_eq!(
        (headed["state"].as_str(), headed["head"]["ref"].as_str()),
        (Some("closed"), Some("feature"))
    );
    let drafted = fetch(&owner, &format!("{REPO}/releases/{}", draft["id"])).await;
    assert_eq!(drafted["target_commitish"], "feature/v2");

    // The default branch: an administrator's, and the repository follows it.
    let main = json!({ "new_name": "trunk" });
    error(hubot.post(&rename_path("main"), &main).await, 403);
    owner.post(&rename_path("main"), &main).await.expect(201);
    assert_eq!(fetch(&owner, REPO).await["default_branch"], "trunk");
    assert_eq!(
        fetch(&owner, &format!("{REPO}/branches/trunk")).await["name"],
        "trunk"
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_pull_request_into_a_renamed_branch_is_retargeted(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    branch(&hubot, "topic", "topic.txt", "topic\n").await;
    let pull = open_pull(&hubot, "Topic", "topic").await;
    owner
        .post(&rename_path("main"), &json!({ "new_name": "trunk" }))
        .await
        .expect(201);
    let now = fetch(&owner, &format!("{REPO}/pulls/{}", pull["number"])).await;
    assert_eq!(
        (now["state"].as_str(), now["base"]["ref"].as_str()),
        (Some("open"), Some("trunk"))
    );
    // Refusals, as GitHub's description lists them: 404 for a branch of no such name, 422 for
    // a missing, invalid or taken new name.
    for (name, body, status) in [
        ("nope", json!({ "new_name": "x" }), 404),
        ("topic", json!({}), 422),
        ("topic", json!({ "new_name": "a..b" }), 422),
        ("topic", json!({ "new_name": "trunk" }), 422),
        ("topic", json!({ "new_name": 7 }), 422),
    ] {
        let reply = owner.post(&rename_path(name), &body).await;
        assert_eq!(reply.status, status, "{name} {body}");
    }
    let taken = owner
        .post(&rename_path("topic"), &json!({ "new_name": "trunk" }))
        .await;
    assert_eq!(
        taken.expect(422)["errors"][0]["message"],
        "A branch named 'trunk' already exists."
    );
    // Read access renames nothing.
    let private = "/repos/octocat/private-notes/branches/main/rename";
    error(hubot.post(private, &json!({ "new_name": "x" })).await, 404);
}
