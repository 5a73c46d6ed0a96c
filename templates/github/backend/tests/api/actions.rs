//! GitHub Actions: workflows read from `.github/workflows`, dispatches, and a run's life
//! (queued, cancelled, rerun, completed through the admin route, deleted).

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::common::{
    REPO, admin, anonymous, api, b64, created, delete, delivered, each, error, fetch, fields,
};

/// Commits `.github/workflows/{file}` with `text` to main.
async fn workflow(api: &asym_kit::testing::Api, file: &str, text: &str) {
    let body = json!({ "message": format!("Add {file}"), "content": b64(text) });
    api.put(&format!("{REPO}/contents/.github/workflows/{file}"), &body)
        .await
        .expect(201);
}

/// Commits a Deploy workflow that runs only when dispatched and dispatches it `times` on
/// main: the runs, newest first.
async fn dispatched(api: &asym_kit::testing::Api, times: usize) -> Value {
    workflow(api, "deploy.yml", "name: Deploy\non: workflow_dispatch\n").await;
    let dispatches = format!("{REPO}/actions/workflows/deploy.yml/dispatches");
    for _ in 0..times {
        api.post(&dispatches, &json!({ "ref": "main" }))
            .await
            .expect(204);
    }
    fetch(api, &format!("{REPO}/actions/runs")).await["workflow_runs"].clone()
}

/// The `(status, conclusion, run_attempt)` of run `id`.
async fn state(api: &asym_kit::testing::Api, id: &Value) -> Value {
    let run = fetch(api, &format!("{REPO}/actions/runs/{id}")).await;
    json!([run["status"], run["conclusion"], run["run_attempt"]])
}

#[asym::clone("github", seed = "basic")]
async fn workflows_are_the_files_of_the_default_branch(gh: asym::GitHub) {
    let api = api(&gh);
    let none = fetch(&api, &format!("{REPO}/actions/workflows")).await;
    assert_eq!(none, json!({ "total_count": 0, "workflows": [] }));
    workflow(&api, "ci.yml", "name: CI\non: [push, pull_request]\n").await;
    workflow(
        &api,
        "deploy.yaml",
        "name: Deploy\non:\n  workflow_dispatch:\n",
    )
    .await;
    let listed = fetch(&api, &format!("{REPO}/actions/workflows")).await;
    assert_eq!(listed["total_count"], 2);
    assert_eq!(each(&listed["workflows"], "name"), json!(["CI", "Deploy"]));
    let deploy = &listed["workflows"][1];
    assert_eq!(
        (deploy["path"].as_str(), deploy["state"].as_str()),
        (Some(".github/workflows/deploy.yaml"), Some("active"))
    );
    let by_id = fetch(
        &anonymous(&gh),
        &format!("{REPO}/actions/workflows/{}", deploy["id"]),
    )
    .await;
    let by_file = fetch(&api, &format!("{REPO}/actions/workflows/deploy.yaml")).await;
    assert_eq!((&by_id, &by_file), (deploy, deploy));
    let url = deploy["url"].as_str().unwrap().replace(gh.api_url(), "");
    assert_eq!(url, format!("{REPO}/actions/workflows/{}", deploy["id"]));
    error(
        api.get(&format!("{REPO}/actions/workflows/missing.yml"))
            .await,
        404,
    );
    error(api.get(&format!("{REPO}/actions/workflows/12")).await, 404);
}

#[asym::clone("github", seed = "basic")]
async fn a_dispatch_queues_a_run_that_the_admin_route_completes(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = Receiver::start().await;
    created(
        &api,
        &format!("{REPO}/hooks"),
        &json!({ "config": { "url": receiver.url(), "content_type": "json" },
                 "events": ["workflow_dispatch", "workflow_run"] }),
    )
    .await;
    delivered(&receiver, "ping").await;
    workflow(&api, "ci.yml", "name: CI\non: push\n").await;
    workflow(
        &api,
        "deploy.yml",
        "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      env: {}\n",
    )
    .await;
    let refused = api
        .post(
            &format!("{REPO}/actions/workflows/ci.yml/dispatches"),
            &json!({ "ref": "main" }),
        )
        .await;
    assert_eq!(
        error(refused, 422),
        "Workflow does not have 'workflow_dispatch' trigger"
    );
    let dispatches = format!("{REPO}/actions/workflows/deploy.yml/dispatches");
    assert_eq!(
        error(
            api.post(&dispatches, &json!({ "ref": "nowhere" })).await,
            422
        ),
        "No ref found for: nowhere"
    );
    error(api.post(&dispatches, &json!({ "inputs": {} })).await, 422);
    error(
        anonymous(&gh)
            .post(&dispatches, &json!({ "ref": "main" }))
            .await,
        401,
    );
    let reply = api
        .post(
            &dispatches,
            &json!({ "ref": "main", "inputs": { "env": "prod" } }),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let dispatched = delivered(&receiver, "workflow_dispatch").await;
    assert_eq!(dispatched.json()["inputs"], json!({ "env": "prod" }));
    assert_eq!(dispatched.json()["ref"], "refs/heads/main");
    let requested = receiver.delivery().await.json();
    assert_eq!(
        (
            requested["action"].as_str(),
            requested["workflow_run"]["status"].as_str()
        ),
        (Some("requested"), Some("queued"))
    );

    let runs = fetch(&api, &format!("{REPO}/actions/runs")).await;
    assert_eq!(runs["total_count"], 1);
    let run = &runs["workflow_runs"][0];
    let main = fetch(&api, &format!("{REPO}/git/ref/heads/main")).await;
    assert_eq!(
        json!([
            run["name"],
            run["event"],
            run["status"],
            run["head_branch"],
            run["run_number"],
            run["actor"]["login"]
        ]),
        json!([
            "Deploy",
            "workflow_dispatch",
            "queued",
            "main",
            1,
            "octocat"
        ])
    );
    assert_eq!(run["head_sha"], main["object"]["sha"]);
    assert_eq!(run["head_commit"]["id"], main["object"]["sha"]);
    let id = run["id"].clone();
    for filter in [
        "branch=main",
        "event=workflow_dispatch",
        "status=queued",
        "actor=octocat",
    ] {
        let found = fetch(&api, &format!("{REPO}/actions/runs?{filter}")).await;
        assert_eq!(found["total_count"], 1, "{filter}");
    }
    for filter in [
        "branch=topic",
        "event=push",
        "status=completed",
        "head_sha=0000",
    ] {
        let found = fetch(&api, &format!("{REPO}/actions/runs?{filter}")).await;
        assert_eq!(
            found,
            json!({ "total_count": 0, "workflow_runs": [] }),
            "{filter}"
        );
    }
    let of_ci = fetch(&api, &format!("{REPO}/actions/workflows/ci.yml/runs")).await;
    assert_eq!(of_ci["total_count"], 0);
    let of_deploy = fetch(&api, &format!("{REPO}/actions/workflows/deploy.yml/runs")).await;
    assert_eq!(of_deploy["workflow_runs"][0]["id"], id);

    let run_path = format!("{REPO}/actions/runs/{id}");
    let rerun = api.post(&format!("{run_path}/rerun"), &json!({})).await;
    assert_eq!(error(rerun, 403), "This workflow is already running");
    let advanced = admin(&gh)
        .post(
            &format!("/api/admin/actions/runs/{id}"),
            &json!({ "status": "in_progress" }),
        )
        .await
        .expect(200);
    assert_eq!(advanced["status"], "in_progress");
    assert_eq!(receiver.delivery().await.json()["action"], "in_progress");
    let done = admin(&gh)
        .post(
            &format!("/api/admin/actions/runs/{id}"),
            &json!({ "conclusion": "failure" }),
        )
        .await
        .expect(200);
    assert_eq!(
        (done["status"].as_str(), done["conclusion"].as_str()),
        (Some("completed"), Some("failure"))
    );
    let completed = receiver.delivery().await.json();
    assert_eq!(
        (
            completed["action"].as_str(),
            completed["workflow_run"]["conclusion"].as_str()
        ),
        (Some("completed"), Some("failure"))
    );
    assert_eq!(
        completed["workflow"]["path"],
        ".github/workflows/deploy.yml"
    );
    let cancel = api.post(&format!("{run_path}/cancel"), &json!({})).await;
    assert_eq!(
        error(cancel, 409),
        "Cannot cancel a workflow run that is completed."
    );
    assert_eq!(
        created(&api, &format!("{run_path}/rerun"), &json!({})).await,
        json!({})
    );
    assert_eq!(state(&api, &id).await, json!(["queued", null, 2]));
    assert_eq!(
        api.post(&format!("{run_path}/cancel"), &json!({}))
            .await
            .expect(202),
        json!({})
    );
    assert_eq!(state(&api, &id).await, json!(["completed", "cancelled", 2]));
    assert_eq!(
        fetch(&api, &format!("{REPO}/actions/runs?status=cancelled")).await["total_count"],
        1
    );
    let bad = admin(&gh)
        .post(
            &format!("/api/admin/actions/runs/{id}"),
            &json!({ "conclusion": "great" }),
        )
        .await;
    error(bad, 422);
    let bad = admin(&gh)
        .post(
            &format!("/api/admin/actions/runs/{id}"),
            &json!({ "status": "completed" }),
        )
        .await;
    error(bad, 422);

    api.post(&dispatches, &json!({ "ref": "main" }))
        .await
        .expect(204);
    let second = fetch(&api, &format!("{REPO}/actions/runs?per_page=1")).await;
    assert_eq!(
        (
            second["total_count"].as_i64(),
            second["workflow_runs"][0]["run_number"].as_i64()
        ),
        (Some(2), Some(2))
    );
    // Without credentials a run's writes answer 401, as GitHub's do, not 403.
    let nobody = anonymous(&gh);
    error(delete(&nobody, &run_path).await, 401);
    error(
        nobody.post(&format!("{run_path}/cancel"), &json!({})).await,
        401,
    );
    error(
        nobody.post(&format!("{run_path}/rerun"), &json!({})).await,
        401,
    );
    assert_eq!(delete(&api, &run_path).await.status, 204);
    error(api.get(&run_path).await, 404);
    error(api.get(&format!("{REPO}/actions/runs/nope")).await, 404);
    assert_eq!(
        fetch(&api, &format!("{REPO}/actions/runs")).await["total_count"],
        1
    );
}

/// Moves run `id` on through the admin route with `body`.
async fn advance(gh: &asym::GitHub, id: &Value, body: Value) {
    admin(gh)
        .post(&format!("/api/admin/actions/runs/{id}"), &body)
        .await
        .expect(200);
}

#[asym::clone("github", seed = "basic")]
async fn a_run_has_one_job_per_attempt_that_follows_it(gh: asym::GitHub) {
    let api = api(&gh);
    let run = dispatched(&api, 1).await[0].clone();
    let id = run["id"].clone();
    let run_path = format!("{REPO}/actions/runs/{id}");
    let queued = fetch(&api, &format!("{run_path}/jobs")).await;
    assert_eq!(queued["total_count"], 1);
    let job = &queued["jobs"][0];
    assert_eq!(
        fields(
            job,
            [
                "/run_id",
                "/status",
                "/steps",
                "/runner_name",
                "/run_attempt"
            ]
        ),
        json!([id, "queued", [], null, 1])
    );
    advance(&gh, &id, json!({ "status": "in_progress" })).await;
    let job_path = format!("{REPO}/actions/jobs/{}", job["id"]);
    let running = fetch(&api, &job_path).await;
    assert_eq!(
        fields(&running, ["/status", "/steps/0/status", "/steps/1/status"]),
        json!(["in_progress", "completed", "in_progress"])
    );
    advance(&gh, &id, json!({ "conclusion": "failure" })).await;
    let failed = fetch(&api, &job_path).await;
    assert_eq!(
        fields(&failed, ["/status", "/conclusion", "/steps/1/conclusion"]),
        json!(["completed", "failure", "failure"])
    );

    created(&api, &format!("{run_path}/rerun"), &json!({})).await;
    advance(&gh, &id, json!({ "conclusion": "success" })).await;
    let latest = fetch(&api, &format!("{run_path}/jobs")).await;
    assert_eq!(
        fields(
            &latest,
            ["/total_count", "/jobs/0/run_attempt", "/jobs/0/conclusion"]
        ),
        json!([1, 2, "success"])
    );
    let all = fetch(&api, &format!("{run_path}/jobs?filter=all")).await;
    assert_eq!(
        each(&all["jobs"], "conclusion"),
        json!(["success", "failure"])
    );
    assert_eq!(fetch(&api, &job_path).await["conclusion"], "failure");
    let first = fetch(&api, &format!("{run_path}/attempts/1")).await;
    assert_eq!(
        fields(&first, ["/id", "/run_attempt", "/conclusion"]),
        json!([id, 1, "failure"])
    );
    let second = fetch(&api, &format!("{run_path}/attempts/2")).await;
    assert_eq!(
        (&second["conclusion"], &second["previous_attempt_url"]),
        (
            &json!("success"),
            &json!(format!("{}{run_path}/attempts/1", gh.api_url()))
        )
    );
    let first_jobs = fetch(&api, &format!("{run_path}/attempts/1/jobs")).await;
    assert_eq!(first_jobs["jobs"][0]["id"], job["id"]);
    error(api.get(&format!("{run_path}/jobs?filter=some")).await, 422);
    for missing in ["attempts/3", "attempts/0", "attempts/x"] {
        error(api.get(&format!("{run_path}/{missing}")).await, 404);
    }
    let other = job["id"].as_i64().unwrap() + 5;
    error(api.get(&format!("{REPO}/actions/jobs/{other}")).await, 404);
}

/// Records through the admin route an artifact `name` of `size` bytes of run `run`.
async fn upload(gh: &asym::GitHub, run: &Value, name: &str, size: i64) -> Value {
    let path = format!("/api/admin/actions/runs/{run}/artifacts");
    let body = json!({ "name": name, "size_in_bytes": size });
    admin(gh).post(&path, &body).await.expect(201)
}

#[asym::clone("github", seed = "basic")]
async fn artifacts_a_run_uploaded_are_listed_read_and_deleted(gh: asym::GitHub) {
    let api = api(&gh);
    let runs = dispatched(&api, 2).await;
    let (newer, older) = (&runs[0]["id"], &runs[1]["id"]);
    let report = upload(&gh, older, "report", 1024).await;
    upload(&gh, newer, "report", 2048).await;
    let dist = upload(&gh, newer, "dist", 10).await;
    assert_eq!(
        fields(
            &report,
            ["/name", "/size_in_bytes", "/expired", "/workflow_run/id"]
        ),
        json!(["report", 1024, false, older])
    );
    let path = format!("{REPO}/actions/artifacts/{}", report["id"]);
    assert_eq!(fetch(&anonymous(&gh), &path).await, report);
    let all = fetch(&api, &format!("{REPO}/actions/artifacts")).await;
    assert_eq!(all["total_count"], 3);
    assert_eq!(all["artifacts"][0], dist);
    let named = fetch(&api, &format!("{REPO}/actions/artifacts?name=report")).await;
    assert_eq!(named["total_count"], 2);
    let of_newer = fetch(&api, &format!("{REPO}/actions/runs/{newer}/artifacts")).await;
    assert_eq!(
        each(&of_newer["artifacts"], "name"),
        json!(["dist", "report"])
    );

    error(delete(&anonymous(&gh), &path).await, 401);
    assert_eq!(delete(&api, &path).await.status, 204);
    error(api.get(&path).await, 404);
    error(
        api.get(&format!("{REPO}/actions/runs/1/artifacts")).await,
        404,
    );
    let nameless = admin(&gh)
        .post(
            &format!("/api/admin/actions/runs/{newer}/artifacts"),
            &json!({}),
        )
        .await;
    error(nameless, 422);
}
