//! Commit statuses and check runs.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::common::{
    MAIN_SHA, REPO, api, app, code, created, error, fetch, fields, listen, names_at, new_repo,
    next, rels, reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn statuses_and_combined_state(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/statuses/{MAIN_SHA}");
    let ci = created(
        &api,
        &path,
        &json!({ "state": "pending", "context": "ci/build", "target_url": "https://ci.test/1" }),
    )
    .await;
    assert_eq!(
        (ci["state"].as_str(), ci["creator"]["login"].as_str()),
        (Some("pending"), Some("octocat"))
    );
    created(
        &reviewer(&gh),
        &path,
        &json!({ "state": "success", "context": "ci/build" }),
    )
    .await;
    created(
        &app(&gh),
        &format!("{REPO}/statuses/main"),
        &json!({ "state": "failure", "context": "lint", "description": "2 errors" }),
    )
    .await;
    let combined = fetch(&api, &format!("{REPO}/commits/main/status")).await;
    assert_eq!(
        (combined["state"].as_str(), combined["total_count"].as_i64()),
        (Some("failure"), Some(2))
    );
    assert_eq!(combined["sha"], MAIN_SHA);
    assert_eq!(
        names_at(
            &api,
            &format!("{REPO}/commits/{MAIN_SHA}/statuses"),
            "state"
        )
        .await,
        ["failure", "success", "pending"]
    );
    created(
        &app(&gh),
        &path,
        &json!({ "state": "success", "context": "lint" }),
    )
    .await;
    assert_eq!(
        fetch(&api, &format!("{REPO}/commits/main/status")).await["state"],
        "success"
    );
    assert_eq!(
        code(api.post(&path, &json!({ "state": "great" })).await),
        "invalid"
    );
    assert!(
        error(
            api.post(
                &format!("{REPO}/statuses/{}", "a".repeat(40)),
                &json!({ "state": "success" })
            )
            .await,
            422
        )
        .starts_with("No commit found")
    );
    api.get(&format!("{REPO}/commits/nope/status"))
        .await
        .expect(422);
}

#[asym::clone("github", seed = "basic")]
async fn check_runs_are_for_apps(gh: asym::GitHub) {
    let run = json!({ "name": "tests", "head_sha": MAIN_SHA, "status": "in_progress", "external_id": "42" });
    assert_eq!(
        error(
            api(&gh).post(&format!("{REPO}/check-runs"), &run).await,
            403
        ),
        "You must authenticate via a GitHub App."
    );
    let app = app(&gh);
    let made = created(&app, &format!("{REPO}/check-runs"), &run).await;
    assert_eq!(
        (made["status"].as_str(), made["app"]["slug"].as_str()),
        (Some("in_progress"), Some("acme-bot"))
    );
    let id = made["id"].as_i64().unwrap();
    let done = updated(&app, &format!("{REPO}/check-runs/{id}"), &json!({ "conclusion": "success", "output": { "title": "All green", "summary": "12 passed" } })).await;
    assert_eq!(
        (done["status"].as_str(), done["conclusion"].as_str()),
        (Some("completed"), Some("success"))
    );
    assert_eq!(done["output"]["summary"], "12 passed");
    assert!(done["completed_at"].is_string());
    // Only the app that made a run updates it.
    let queued = json!({ "status": "queued" });
    api(&gh)
        .patch(&format!("{REPO}/check-runs/{id}"), &queued)
        .await
        .expect(403);
    // A completed run needs a conclusion, a conclusion is one of GitHub's, and `head_sha` is
    // a commit's full id: no branch name, no abbreviation, nothing the repository lacks.
    let unknown = "0".repeat(40);
    for (bad, message) in [
        (
            json!({ "name": "x", "head_sha": MAIN_SHA, "status": "completed" }),
            "Invalid request.",
        ),
        (
            json!({ "name": "x", "head_sha": MAIN_SHA, "conclusion": "meh" }),
            "Validation Failed",
        ),
        (
            json!({ "name": "x", "head_sha": "main" }),
            "No commit found for SHA: main",
        ),
        (
            json!({ "name": "x", "head_sha": &MAIN_SHA[..7] }),
            "No commit found for SHA: b76e68b",
        ),
        (
            json!({ "name": "x", "head_sha": unknown }),
            "No commit found for SHA: 0000",
        ),
    ] {
        let refused = error(app.post(&format!("{REPO}/check-runs"), &bad).await, 422);
        assert!(refused.starts_with(message), "{bad}: {refused}");
    }
    let listed = fetch(&api(&gh), &format!("{REPO}/commits/main/check-runs")).await;
    assert_eq!(listed["total_count"], 1);
    assert_eq!(listed["check_runs"][0]["id"], id);
    assert_eq!(
        fetch(
            &api(&gh),
            &format!("{REPO}/commits/main/check-runs?check_name=other")
        )
        .await["total_count"],
        0
    );
    let suites = fetch(&api(&gh), &format!("{REPO}/commits/main/check-suites")).await;
    assert_eq!(
        (
            suites["total_count"].as_i64(),
            suites["check_suites"][0]["conclusion"].as_str()
        ),
        (Some(1), Some("success"))
    );
    let suite = suites["check_suites"][0]["id"].as_i64().unwrap();
    for (path, field, expected) in [
        (
            format!("{REPO}/check-suites/{suite}"),
            "head_branch",
            "main",
        ),
        (format!("{REPO}/check-runs/{id}"), "name", "tests"),
    ] {
        assert_eq!(fetch(&api(&gh), &path).await[field], expected);
    }
    api(&gh)
        .get(&format!("{REPO}/check-runs/999999"))
        .await
        .expect(404);
}

#[asym::clone("github", seed = "basic")]
async fn check_suites_made_on_their_own_and_their_runs(gh: asym::GitHub) {
    let (api, app) = (api(&gh), app(&gh));
    let suites = format!("{REPO}/check-suites");
    let head = json!({ "head_sha": MAIN_SHA });
    let suite = created(&app, &suites, &head).await;
    assert_eq!(
        fields(
            &suite,
            [
                "/head_sha",
                "/head_branch",
                "/status",
                "/conclusion",
                "/app/slug",
                "/latest_check_runs_count"
            ]
        ),
        json!([MAIN_SHA, "main", "queued", null, "acme-bot", 0])
    );
    // The app's suite for that commit again: 200, the same one.
    let again = app.post(&suites, &head).await.expect(200);
    assert_eq!(again["id"], suite["id"]);
    // A check run made on the commit joins it.
    for name in ["lint", "test"] {
        let run = json!({ "name": name, "head_sha": MAIN_SHA, "status": "in_progress" });
        let made = created(&app, &format!("{REPO}/check-runs"), &run).await;
        assert_eq!(made["check_suite"]["id"], suite["id"]);
    }
    let runs = format!("{suites}/{}/check-runs", suite["id"]);
    let listed = fetch(&api, &runs).await;
    assert_eq!(listed["total_count"], 2);
    assert_eq!(listed["check_runs"][0]["name"], "test");
    let page = api.get(&format!("{runs}?per_page=1")).await;
    assert!(rels(&page).contains(&"next".to_owned()));
    let named = fetch(&api, &format!("{runs}?check_name=lint&filter=all")).await;
    assert_eq!(named["total_count"], 1);
    assert_eq!(
        code(api.get(&format!("{runs}?status=done")).await),
        "invalid"
    );
    for missing in [
        format!("{suites}/999999/check-runs"),
        format!("{suites}/x/check-runs"),
    ] {
        assert_eq!(api.get(&missing).await.status, 404, "{missing}");
    }
    // Refusals: a person's token, no head_sha, a sha of no commit.
    let person = api.post(&suites, &head).await;
    assert_eq!(
        error(person, 403),
        "You must authenticate via a GitHub App."
    );
    assert_eq!(code(app.post(&suites, &json!({})).await), "missing_field");
    let unknown = app
        .post(&suites, &json!({ "head_sha": "0".repeat(40) }))
        .await;
    assert_eq!(
        error(unknown, 422),
        format!("No commit found for SHA: {}", "0".repeat(40))
    );
}

#[asym::clone("github", seed = "basic")]
async fn check_run_annotations_are_kept_and_appended(gh: asym::GitHub) {
    let (api, app) = (api(&gh), app(&gh));
    let note = |line: i64, level: &str| {
        json!({ "path": "README.md", "start_line": line, "end_line": line, "annotation_level": level,
                "message": format!("line {line}"), "title": "lint" })
    };
    let output = json!({ "title": "Lint", "summary": "two", "annotations": [note(1, "warning"), note(2, "failure")] });
    let body = json!({ "name": "lint", "head_sha": MAIN_SHA, "output": output });
    let run = created(&app, &format!("{REPO}/check-runs"), &body).await;
    assert_eq!(run["output"]["annotations_count"], 2);
    let path = format!("{REPO}/check-runs/{}", run["id"]);
    let more = json!({ "output": { "title": "Lint", "summary": "three", "annotations": [note(3, "notice")] } });
    assert_eq!(
        updated(&app, &path, &more).await["output"]["annotations_count"],
        3
    );
    let listed = fetch(&api, &format!("{path}/annotations")).await;
    assert_eq!(
        fields(
            &listed,
            ["/0/annotation_level", "/2/message", "/1/start_column"]
        ),
        json!(["warning", "line 3", null])
    );
    assert_eq!(
        listed[0]["blob_href"],
        format!(
            "{}/acme/hello-world/blob/{MAIN_SHA}/README.md",
            gh.api_url()
        )
    );
    let page = api.get(&format!("{path}/annotations?per_page=2")).await;
    assert!(rels(&page).contains(&"next".to_owned()));
    let bad = [
        json!({ "annotations": [{ "path": "a", "start_line": 1, "end_line": 1, "annotation_level": "loud", "message": "m" }] }),
        json!({ "annotations": [{ "start_line": 1, "end_line": 1, "annotation_level": "notice", "message": "m" }] }),
        json!({ "annotations": (0..51).map(|n| note(n, "notice")).collect::<Vec<_>>() }),
    ];
    for output in bad {
        let reply = app.patch(&path, &json!({ "output": output })).await;
        assert_eq!(reply.status, 422, "{}", reply.body);
    }
    assert_eq!(
        api.get(&format!("{REPO}/check-runs/999999/annotations"))
            .await
            .status,
        404
    );
}

/// The `status` and `conclusion` of the run or suite at `path`.
async fn state(api: &Api, path: &str) -> Value {
    fields(&fetch(api, path).await, ["/status", "/conclusion"])
}

/// Re-requests the run or suite at `path` as the caller of `app`: GitHub's 201 `{}`.
async fn rerequest(app: &Api, path: &str) {
    let reply = app.post(&format!("{path}/rerequest"), &json!({})).await;
    assert_eq!(reply.expect(201), json!({}));
}

#[asym::clone("github", seed = "basic")]
async fn rerequests_queue_the_suite_again_and_tell_the_app(gh: asym::GitHub) {
    let (api, app) = (api(&gh), app(&gh));
    let receiver = listen(&api, &["check_run", "check_suite"]).await;
    let run = json!({ "name": "tests", "head_sha": MAIN_SHA, "conclusion": "failure" });
    let made = created(&app, &format!("{REPO}/check-runs"), &run).await;
    let (id, suite) = (&made["id"], &made["check_suite"]["id"]);
    let run_id = ["/check_run/id"];
    next(&receiver, ("check_run", "created"), run_id, json!([id])).await;
    let run = format!("{REPO}/check-runs/{id}");
    let suite = format!("{REPO}/check-suites/{suite}");
    assert_eq!(state(&api, &suite).await, json!(["completed", "failure"]));
    // A run's re-request queues its suite again and leaves the run as it was.
    rerequest(&app, &run).await;
    let said = ["/check_run/id", "/check_run/status", "/sender/login"];
    let expected = json!([id, "completed", "acme-bot[bot]"]);
    next(&receiver, ("check_run", "rerequested"), said, expected).await;
    assert_eq!(state(&api, &suite).await, json!(["queued", null]));
    assert_eq!(state(&api, &run).await, json!(["completed", "failure"]));
    // The app's update of the run: the suite follows its runs again.
    updated(&app, &run, &json!({ "conclusion": "success" })).await;
    next(&receiver, ("check_run", "completed"), run_id, json!([id])).await;
    assert_eq!(state(&api, &suite).await, json!(["completed", "success"]));
    // A suite's re-request.
    rerequest(&app, &suite).await;
    let said = [
        "/check_suite/status",
        "/check_suite/conclusion",
        "/check_suite/head_sha",
    ];
    let expected = json!(["queued", null, MAIN_SHA]);
    next(&receiver, ("check_suite", "rerequested"), said, expected).await;
    assert_eq!(state(&api, &suite).await, json!(["queued", null]));
    // Refusals: a person's token, a run not completed, what the repository does not have.
    let queued = json!({ "name": "lint", "head_sha": MAIN_SHA });
    let queued = created(&app, &format!("{REPO}/check-runs"), &queued).await["id"].clone();
    let apps = "You must authenticate via a GitHub App.";
    for (caller, path, status, message) in [
        (&api, format!("{run}/rerequest"), 403, apps),
        (&api, format!("{suite}/rerequest"), 403, apps),
        (
            &app,
            format!("{REPO}/check-runs/{queued}/rerequest"),
            422,
            "Invalid check_run_id",
        ),
        (
            &app,
            format!("{REPO}/check-runs/999999/rerequest"),
            404,
            "Not Found",
        ),
        (
            &app,
            format!("{REPO}/check-suites/999999/rerequest"),
            404,
            "Not Found",
        ),
        (
            &app,
            format!("{REPO}/check-suites/x/rerequest"),
            404,
            "Not Found",
        ),
    ] {
        let reply = caller.post(&path, &json!({})).await;
        assert_eq!(error(reply, status), message, "{path}");
    }
}

#[asym::clone("github", seed = "basic")]
async fn check_suite_preferences_are_kept_per_repository(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/check-suites/preferences");
    let off = json!({ "auto_trigger_checks": [{ "app_id": 1, "setting": false }] });
    let answer = updated(&api, &path, &off).await;
    assert_eq!(
        fields(
            &answer,
            ["/preferences/auto_trigger_checks", "/repository/full_name"]
        ),
        json!([[{ "app_id": 1, "setting": false }], "acme/hello-world"])
    );
    // The last setting an app is given wins; an empty body answers what is kept.
    let twice = json!({ "auto_trigger_checks": [
        { "app_id": 1, "setting": false }, { "app_id": 1, "setting": true }
    ] });
    updated(&api, &path, &twice).await;
    let kept = updated(&api, &path, &json!({})).await;
    assert_eq!(
        kept["preferences"]["auto_trigger_checks"],
        json!([{ "app_id": 1, "setting": true }])
    );
    // Another repository has its own (none).
    new_repo(&api, "elsewhere").await;
    let other = updated(
        &api,
        "/repos/octocat/elsewhere/check-suites/preferences",
        &json!({}),
    )
    .await;
    assert_eq!(other["preferences"]["auto_trigger_checks"], json!([]));
    // Administrators only; bad bodies are 422.
    assert_eq!(
        error(reviewer(&gh).patch(&path, &off).await, 403),
        "Must have admin rights to Repository."
    );
    for (bad, message) in [
        (
            json!("x"),
            "Invalid request.\n\nFor 'properties/auto_trigger_checks', \"x\" is not an array.",
        ),
        (
            json!([5]),
            "Invalid request.\n\nFor 'items', 5 is not an object.",
        ),
        (
            json!([{ "setting": true }]),
            "Invalid request.\n\n\"app_id\" wasn't supplied.",
        ),
        (
            json!([{ "app_id": 1 }]),
            "Invalid request.\n\n\"setting\" wasn't supplied.",
        ),
        (
            json!([{ "app_id": 1, "setting": "no" }]),
            "Invalid request.\n\nFor 'properties/setting', \"no\" is not a boolean.",
        ),
        (
            json!([{ "app_id": 999, "setting": true }]),
            "Validation Failed",
        ),
    ] {
        let body = json!({ "auto_trigger_checks": bad });
        assert_eq!(error(api.patch(&path, &body).await, 422), message, "{body}");
    }
}
