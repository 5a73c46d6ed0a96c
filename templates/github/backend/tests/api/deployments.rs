//! Deployments: create (the ref resolved, the required contexts checked: 409 on a failing
//! one), list with filters, read, delete (an active one refused); statuses (auto-inactive,
//! `log_url`/`target_url`, a move to another environment); environments (created with a
//! deployment, put, read, listed, deleted); the `deployment` and `deployment_status` webhooks.

use serde_json::json;

use crate::common::{
    MAIN_SHA, REPO, api, code, created, delete, error, fetch, listen, names, names_at, next,
    reviewer,
};

#[asym::clone("github", seed = "basic")]
async fn deployments_check_contexts_take_statuses_and_announce_them(gh: asym::GitHub) {
    let owner = api(&gh);
    let receiver = listen(&owner, &["deployment", "deployment_status"]).await;
    let deployments = format!("{REPO}/deployments");

    // Bad bodies and refs.
    assert_eq!(
        code(owner.post(&deployments, &json!({"task": "deploy"})).await),
        "missing_field"
    );
    let message = error(owner.post(&deployments, &json!({"ref": "nope"})).await, 422);
    assert_eq!(message, "No ref found for: nope");
    error(
        owner
            .post(&deployments, &json!({"ref": "main", "payload": 3}))
            .await,
        422,
    );
    error(
        owner
            .post(&deployments, &json!({"ref": "main", "auto_merge": "yes"}))
            .await,
        422,
    );
    // hubot writes the repository; anonymous callers do not.
    error(
        crate::common::anonymous(&gh)
            .post(&deployments, &json!({"ref": "main"}))
            .await,
        401,
    );

    // A failing context refuses it (every context when none are named), 409.
    let status = format!("{REPO}/statuses/{MAIN_SHA}");
    created(
        &owner,
        &status,
        &json!({"state": "failure", "context": "ci/build"}),
    )
    .await;
    created(
        &owner,
        &status,
        &json!({"state": "success", "context": "ci/lint"}),
    )
    .await;
    let refused = owner
        .post(&deployments, &json!({"ref": "main"}))
        .await
        .expect(409);
    assert_eq!(
        refused["message"],
        "Conflict: Commit status checks failed for main."
    );
    assert_eq!(
        refused["errors"][0]["contexts"],
        json!([{"context": "ci/build", "state": "failure"}])
    );
    assert_eq!(refused["errors"][0]["field"], "required_contexts");
    let missing = json!({"ref": "main", "required_contexts": ["ci/lint", "ci/deploy"]});
    let refused = owner.post(&deployments, &missing).await.expect(409);
    assert_eq!(
        refused["errors"][0]["contexts"],
        json!([{"context": "ci/deploy", "state": "missing"}])
    );

    let first = created(
        &owner,
        &deployments,
        &json!({"ref": "main", "required_contexts": ["ci/lint"], "payload": "{\"app\": \"web\"}",
                "environment": "staging", "description": "Deploy request from octocat", "auto_merge": false}),
    )
    .await;
    assert_eq!(
        (
            &first["sha"],
            &first["ref"],
            &first["task"],
            &first["environment"]
        ),
        (
            &json!(MAIN_SHA),
            &json!("main"),
            &json!("deploy"),
            &json!("staging")
        )
    );
    assert_eq!(first["payload"], json!({"app": "web"}));
    assert_eq!(
        (&first["production_environment"], &first["creator"]["login"]),
        (&json!(false), &json!("octocat"))
    );
    next(
        &receiver,
        ("deployment", "created"),
        ["/deployment/id", "/repository/full_name"],
        json!([first["id"], "acme/hello-world"]),
    )
    .await;
    let id = first["id"].as_i64().unwrap();
    let second = created(
        &owner,
        &deployments,
        &json!({"ref": MAIN_SHA, "required_contexts": [], "task": "deploy:migrations"}),
    )
    .await;
    assert_eq!(
        (&second["environment"], &second["production_environment"]),
        (&json!("production"), &json!(true))
    );
    next(
        &receiver,
        ("deployment", "created"),
        ["/deployment/task"],
        json!(["deploy:migrations"]),
    )
    .await;

    assert_eq!(
        names_at(&owner, &deployments, "task").await,
        ["deploy:migrations", "deploy"]
    );
    assert_eq!(
        names_at(
            &owner,
            &format!("{deployments}?environment=staging"),
            "task"
        )
        .await,
        ["deploy"]
    );
    assert_eq!(
        names_at(
            &owner,
            &format!("{deployments}?task=deploy:migrations"),
            "environment"
        )
        .await,
        ["production"]
    );
    assert_eq!(
        fetch(&owner, &format!("{deployments}/{id}")).await["description"],
        "Deploy request from octocat"
    );
    error(owner.get(&format!("{deployments}/999999")).await, 404);
    // Creating them made their environments.
    let environments = fetch(&owner, &format!("{REPO}/environments")).await;
    assert_eq!(environments["total_count"], 2);
    assert_eq!(
        names(&environments["environments"], "name"),
        ["production", "staging"]
    );

    // Statuses.
    let statuses = format!("{deployments}/{id}/statuses");
    assert_eq!(
        code(owner.post(&statuses, &json!({"state": "done"})).await),
        "invalid"
    );
    let success = created(&owner, &statuses, &json!({"state": "success", "log_url": "https://ci.example/1", "environment_url": "https://staging.example"})).await;
    assert_eq!(
        (&success["target_url"], &success["log_url"]),
        (
            &json!("https://ci.example/1"),
            &json!("https://ci.example/1")
        )
    );
    assert_eq!(success["environment"], "staging");
    let payload = next(
        &receiver,
        ("deployment_status", "created"),
        ["/deployment_status/state", "/deployment/id"],
        json!(["success", id]),
    )
    .await;
    assert_eq!(
        payload["deployment_status"]["environment_url"],
        "https://staging.example"
    );
    let got = fetch(&owner, &format!("{statuses}/{}", success["id"])).await;
    assert_eq!(got["deployment_url"], first["url"]);

    // An active deployment with another in its environment cannot be deleted.
    let third = created(
        &owner,
        &deployments,
        &json!({"ref": "main", "required_contexts": [], "environment": "staging"}),
    )
    .await;
    next(
        &receiver,
        ("deployment", "created"),
        ["/deployment/id"],
        json!([third["id"]]),
    )
    .await;
    let refused = error(delete(&owner, &format!("{deployments}/{id}")).await, 422);
    assert_eq!(
        refused,
        "We cannot delete an active deployment unless it is the only deployment in a given environment."
    );
    // A success of the newer one makes the older inactive (auto_inactive); then it goes.
    created(
        &owner,
        &format!("{deployments}/{}/statuses", third["id"]),
        &json!({"state": "success"}),
    )
    .await;
    assert_eq!(
        names_at(&owner, &statuses, "state").await,
        ["inactive", "success"]
    );
    delete(&owner, &format!("{deployments}/{id}"))
        .await
        .expect(204);
    error(owner.get(&format!("{deployments}/{id}")).await, 404);
    // The only deployment of its environment goes even when active.
    created(
        &owner,
        &format!("{deployments}/{}/statuses", second["id"]),
        &json!({"state": "success"}),
    )
    .await;
    delete(&owner, &format!("{deployments}/{}", second["id"]))
        .await
        .expect(204);

    // A status may move a deployment to another environment.
    let moved = created(
        &owner,
        &format!("{deployments}/{}/statuses", third["id"]),
        &json!({"state": "in_progress", "environment": "qa"}),
    )
    .await;
    assert_eq!(moved["environment"], "qa");
    assert_eq!(
        fetch(&owner, &format!("{deployments}/{}", third["id"])).await["environment"],
        "qa"
    );
}

#[asym::clone("github", seed = "basic")]
async fn environments_are_put_read_listed_and_deleted(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let environment = format!("{REPO}/environments/production");
    error(owner.get(&environment).await, 404);
    let put = owner
        .put(&environment, &json!({"wait_timer": 30}))
        .await
        .expect(200);
    assert_eq!(
        (&put["name"], &put["protection_rules"][0]["wait_timer"]),
        (&json!("production"), &json!(30))
    );
    assert!(
        put["url"]
            .as_str()
            .unwrap()
            .ends_with("/repos/acme/hello-world/environments/production")
    );
    let again = owner.put(&environment, &json!({})).await.expect(200);
    assert_eq!(
        (&again["id"], &again["protection_rules"][0]["wait_timer"]),
        (&put["id"], &json!(30))
    );
    assert_eq!(fetch(&hubot, &environment).await["id"], put["id"]);
    assert_eq!(
        code(
            owner
                .put(&environment, &json!({"wait_timer": 50_000}))
                .await
        ),
        "invalid"
    );
    error(
        owner.put(&environment, &json!({"reviewers": "me"})).await,
        422,
    );
    // hubot writes the repository, but does not administer it.
    error(
        hubot
            .put(&format!("{REPO}/environments/qa"), &json!({}))
            .await,
        403,
    );
    error(delete(&hubot, &environment).await, 403);
    assert_eq!(
        fetch(&owner, &format!("{REPO}/environments")).await["total_count"],
        1
    );
    delete(&owner, &environment).await.expect(204);
    error(owner.get(&environment).await, 404);
    error(delete(&owner, &environment).await, 404);
}
