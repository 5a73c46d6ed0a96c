//! What a sweep of bad input over every route found: wrong types the clone took, answers
//! it failed to give, and concurrent writes that collided.

use reqwest::Method;
use serde_json::json;

use crate::common::{REPO, api, at_once, code, created, error, fetch, fields, reviewer, updated};

#[asym::clone("github", seed = "basic")]
async fn a_list_given_as_a_string_is_a_422(gh: asym::GitHub) {
    let api = api(&gh);
    let refused = api
        .post(
            &format!("{REPO}/issues"),
            &json!({ "title": "x", "labels": "bug" }),
        )
        .await;
    assert_eq!(
        error(refused, 422),
        "Invalid request.\n\nFor 'properties/labels', \"bug\" is not an array."
    );
    let issue = format!("{REPO}/issues/1");
    let assignees = api.patch(&issue, &json!({ "assignees": "hubot" })).await;
    let labels = api
        .post(&format!("{issue}/labels"), &json!({ "labels": "docs" }))
        .await;
    let topics = api
        .put(&format!("{REPO}/topics"), &json!({ "names": "rust" }))
        .await;
    for reply in [assignees, labels, topics] {
        assert!(error(reply, 422).ends_with("is not an array."));
    }
    // The labels routes take one label's name as the whole body, as GitHub documents.
    let added = api
        .send_raw(
            Method::POST,
            &format!("{issue}/labels"),
            "application/json",
            "\"docs\"",
        )
        .await
        .expect(200);
    assert_eq!(added.as_array().unwrap().len(), 2, "{added}");
}

#[asym::clone("github", seed = "basic")]
async fn a_label_name_past_50_characters_or_blank_is_a_422(gh: asym::GitHub) {
    let api = api(&gh);
    let long = "l".repeat(51);
    let on_issue = format!("{REPO}/issues/1/labels");
    for name in [long.as_str(), "", "  "] {
        let reply = api.post(&on_issue, &json!({ "labels": [name] })).await;
        let body = reply.expect(422);
        assert_eq!(
            body["errors"],
            json!([{ "value": name, "resource": "Label", "field": "name", "code": "invalid" }])
        );
        let opened = api
            .post(
                &format!("{REPO}/issues"),
                &json!({ "title": "x", "labels": [name] }),
            )
            .await;
        assert_eq!(code(opened), "invalid");
    }
    let made = api
        .post(&format!("{REPO}/labels"), &json!({ "name": long }))
        .await
        .expect(422);
    assert_eq!(
        made["errors"][0]["message"],
        "name is too long (maximum is 50 characters)"
    );
    let renamed = api
        .patch(&format!("{REPO}/labels/bug"), &json!({ "new_name": "" }))
        .await;
    assert_eq!(code(renamed), "invalid");
    let described = api
        .post(
            &format!("{REPO}/labels"),
            &json!({ "name": "ok", "description": "d".repeat(101) }),
        )
        .await
        .expect(422);
    assert_eq!(described["errors"][0]["field"], "description");
    assert_eq!(
        fetch(&api, &format!("{REPO}/labels/bug")).await["name"],
        "bug"
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_wrong_type_holding_text_past_60_bytes_is_a_422(gh: asym::GitHub) {
    // The schema error shows the start of the value: cut inside a character, it used to
    // abort the request without an answer.
    let body = json!({ "title": "x", "body": [format!("a{}", "é".repeat(40))] });
    let reply = api(&gh).post(&format!("{REPO}/issues"), &body).await;
    assert!(error(reply, 422).ends_with("is not a string."));
}

#[asym::clone("github", seed = "basic")]
async fn adding_no_assignees_answers_the_issue(gh: asym::GitHub) {
    let path = format!("{REPO}/issues/1/assignees");
    for body in [json!({}), json!({ "assignees": [] })] {
        let issue = created(&api(&gh), &path, &body).await;
        assert_eq!(issue["assignees"], json!([]), "{body}");
    }
}

#[asym::clone("github", seed = "basic")]
async fn documented_fields_the_clone_does_not_keep_are_still_type_checked(gh: asym::GitHub) {
    let api = api(&gh);
    let issues = format!("{REPO}/issues");
    let (post, patch) = (Method::POST, Method::PATCH);
    for (method, path, body) in [
        (&post, issues.clone(), json!({ "title": "x", "type": 7 })),
        (
            &post,
            issues.clone(),
            json!({ "title": "x", "issue_field_values": "v" }),
        ),
        (&post, issues.clone(), json!({ "title": 1.5 })),
        (
            &patch,
            format!("{issues}/1"),
            json!({ "duplicate_issue_id": "two" }),
        ),
        (
            &patch,
            REPO.to_owned(),
            json!({ "allow_auto_merge": "yes" }),
        ),
        (&patch, REPO.to_owned(), json!({ "merge_commit_title": 1 })),
        (
            &post,
            "/user/repos".to_owned(),
            json!({ "name": "typed", "gitignore_template": 1 }),
        ),
        (
            &post,
            format!("{REPO}/releases"),
            json!({ "tag_name": "v1", "discussion_category_name": 1 }),
        ),
    ] {
        let reply = api.send(method.clone(), &path, Some(&body)).await;
        assert!(
            error(reply, 422).starts_with("Invalid request."),
            "{path} {body}"
        );
    }
    assert_eq!(
        fetch(&api, &format!("{issues}/1")).await["title"],
        "Found a bug"
    );
}

#[asym::clone("github", seed = "basic")]
async fn requesting_a_team_review_is_a_422_without_teams(gh: asym::GitHub) {
    crate::common::branch(&api(&gh), "team", "team.txt", "t\n").await;
    let pull = crate::common::open_pull(&reviewer(&gh), "Team", "team").await;
    let path = format!("{REPO}/pulls/{}/requested_reviewers", pull["number"]);
    let message = error(
        api(&gh)
            .post(&path, &json!({ "team_reviewers": ["core"] }))
            .await,
        422,
    );
    assert!(message.starts_with("Reviews may only be requested from collaborators."));
    let typed = api(&gh).post(&path, &json!({ "team_reviewers": 3 })).await;
    assert!(error(typed, 422).contains("is not an array"));
}

#[asym::clone("github", seed = "basic")]
async fn concurrent_milestone_creates_each_get_their_own_number(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/milestones");
    let same = vec![json!({ "title": "same" }); 10];
    let mut statuses: Vec<u16> = at_once(&api, Method::POST, &path, same)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [vec![201], vec![422; 9]].concat());
    let distinct = (0..10)
        .map(|i| json!({ "title": format!("m{i}") }))
        .collect();
    let mut numbers: Vec<i64> = at_once(&api, Method::POST, &path, distinct)
        .await
        .into_iter()
        .map(|r| r.expect(201)["number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=11).collect::<Vec<_>>());
}

#[asym::clone("github", seed = "basic")]
async fn concurrent_forks_by_one_account_answer_the_same_fork(gh: asym::GitHub) {
    let path = format!("{REPO}/forks");
    let replies = at_once(&reviewer(&gh), Method::POST, &path, vec![json!({}); 10]).await;
    let names: Vec<(u16, String)> = replies
        .into_iter()
        .map(|r| {
            (
                r.status,
                r.body["full_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        names
            .iter()
            .all(|n| *n == (202, "hubot/hello-world".to_owned())),
        "{names:?}"
    );
}

#[asym::clone("github", seed = "basic")]
async fn null_for_a_field_that_may_not_be_null_is_a_422(gh: asym::GitHub) {
    let api = api(&gh);
    let issues = format!("{REPO}/issues");
    for (path, body, field, kind) in [
        (
            issues.clone(),
            json!({ "title": null }),
            "title",
            "a string",
        ),
        (
            issues.clone(),
            json!({ "title": "x", "labels": null }),
            "labels",
            "an array",
        ),
        (
            format!("{REPO}/labels"),
            json!({ "name": null }),
            "name",
            "a string",
        ),
        (
            format!("{REPO}/milestones"),
            json!({ "title": null }),
            "title",
            "a string",
        ),
        (
            format!("{REPO}/pulls"),
            json!({ "title": "x", "head": "main", "base": null }),
            "base",
            "a string",
        ),
        (
            format!("{REPO}/issues/1/reactions"),
            json!({ "content": null }),
            "content",
            "a string",
        ),
        (
            "/user/repos".to_owned(),
            json!({ "name": "n", "private": null }),
            "private",
            "a boolean",
        ),
        // A field inside an object is named by its own name, as GitHub names it.
        (
            format!("{REPO}/hooks"),
            json!({ "config": { "url": null } }),
            "url",
            "a string",
        ),
        (
            format!("{REPO}/git/commits"),
            json!({ "message": "m", "tree": "t", "author": { "name": null, "email": "a@b.c" } }),
            "name",
            "a string",
        ),
        (
            format!("{REPO}/git/tags"),
            json!({ "tag": "v", "message": "m", "object": "o", "type": "commit", "tagger": { "email": null } }),
            "email",
            "a string",
        ),
    ] {
        assert_eq!(
            error(api.post(&path, &body).await, 422),
            format!("Invalid request.\n\nFor 'properties/{field}', nil is not {kind}."),
            "{path} {body}"
        );
    }
    let state = api
        .patch(&format!("{issues}/1"), &json!({ "state": null }))
        .await;
    assert_eq!(
        error(state, 422),
        "Invalid request.\n\nFor 'properties/state', nil is not a string."
    );
    // What GitHub documents as nullable on an update still takes `null`: it clears.
    let cleared = updated(
        &api,
        &format!("{issues}/1"),
        &json!({ "body": null, "milestone": null, "assignee": null }),
    )
    .await;
    assert_eq!(
        fields(&cleared, ["/body", "/milestone"]),
        json!([null, null])
    );
    // Nothing was made by the refused requests.
    assert_eq!(crate::common::count(&api, &issues).await, 1);
    // An empty string clears a milestone too: what PyGithub's `edit(milestone=None)` sends.
    let made = created(
        &api,
        &format!("{REPO}/milestones"),
        &json!({ "title": "v1" }),
    )
    .await;
    let set = json!({ "milestone": made["number"] });
    let on = updated(&api, &format!("{issues}/1"), &set).await;
    assert_eq!(on["milestone"]["title"], "v1");
    let off = updated(&api, &format!("{issues}/1"), &json!({ "milestone": "" })).await;
    assert_eq!(off["milestone"], json!(null));
}

#[asym::clone("github", seed = "basic")]
async fn a_null_item_of_an_array_is_a_422(gh: asym::GitHub) {
    let api = api(&gh);
    let issues = format!("{REPO}/issues");
    // `For 'items', nil is not …`: an item that may be a name or an object (a label, an
    // assignee) names both types (what GitHub answered an issue's `labels: [null]`,
    // gitalk/gitalk#251).
    for (method, path, body, kind) in [
        (
            Method::POST,
            issues.clone(),
            json!({ "title": "x", "labels": [null] }),
            "a string or object",
        ),
        (
            Method::POST,
            issues.clone(),
            json!({ "title": "x", "assignees": ["octocat", null] }),
            "a string",
        ),
        (
            Method::PATCH,
            format!("{issues}/1"),
            json!({ "labels": ["bug", null] }),
            "a string or object",
        ),
        (
            Method::POST,
            format!("{issues}/1/assignees"),
            json!({ "assignees": [null] }),
            "a string or object",
        ),
        (
            Method::DELETE,
            format!("{issues}/1/assignees"),
            json!({ "assignees": [null] }),
            "a string",
        ),
        (
            Method::PUT,
            format!("{REPO}/topics"),
            json!({ "names": [null] }),
            "a string",
        ),
        (
            Method::POST,
            format!("{REPO}/hooks"),
            json!({ "config": { "url": "http://x.test" }, "events": [null] }),
            "a string",
        ),
        (
            Method::POST,
            format!("{REPO}/git/commits"),
            json!({ "message": "m", "tree": "t", "parents": [null] }),
            "a string",
        ),
    ] {
        let reply = api.send(method, &path, Some(&body)).await;
        assert_eq!(
            error(reply, 422),
            format!("Invalid request.\n\nFor 'items', nil is not {kind}."),
            "{path} {body}"
        );
    }
    // Nothing was made or changed by the refused requests.
    assert_eq!(crate::common::count(&api, &issues).await, 1);
    let issue = fetch(&api, &format!("{issues}/1")).await;
    assert_eq!(
        (
            issue["labels"].as_array().map(Vec::len),
            &issue["assignees"]
        ),
        (Some(1), &json!([]))
    );
}
