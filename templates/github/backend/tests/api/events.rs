//! Issue events a pull request's reviewer requests, a review's dismissal and an issue's
//! milestone record, and the timeline's mentions (`cross-referenced`) and commits
//! (`committed`).

use serde_json::{Value, json};

use crate::common::{
    REPO, api, branch, create_pull, created, each, fetch, fields, listen, names, next, reviewer,
    updated,
};

/// The entries of `list` whose `event` is `event`.
fn only(list: &Value, event: &str) -> Vec<Value> {
    let all = list.as_array().unwrap().iter();
    all.filter(|e| e["event"] == event).cloned().collect()
}

#[asym::clone("github", seed = "acme-corp")]
async fn review_requests_and_milestones_are_events(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let requested = format!("{REPO}/pulls/3/requested_reviewers");
    let octocat = json!({ "reviewers": ["octocat"] });
    // Asking again is no new request; removing one is an event of its own.
    for _ in 0..2 {
        created(&hubot, &requested, &octocat).await;
    }
    let removed = hubot
        .send(reqwest::Method::DELETE, &requested, Some(&octocat))
        .await;
    removed.expect(200);
    let events = fetch(&api, &format!("{REPO}/issues/3/events")).await;
    assert_eq!(
        names(&events, "event"),
        ["review_requested", "review_request_removed"]
    );
    for event in events.as_array().unwrap() {
        let who = [
            "/actor/login",
            "/review_requester/login",
            "/requested_reviewer/login",
        ];
        assert_eq!(
            fields(event, who),
            json!(["hubot", "hubot", "octocat"]),
            "{event}"
        );
        assert_eq!(event["commit_id"], Value::Null);
    }
    // A milestone moved, cleared, set (the fixture's #1 is on v1.0): each change names the
    // milestone by its title.
    let issue = format!("{REPO}/issues/1");
    for milestone in [json!("2"), Value::Null, Value::Null, json!(1), json!(1)] {
        updated(&api, &issue, &json!({ "milestone": milestone })).await;
    }
    let events = fetch(&api, &format!("{issue}/events")).await;
    assert_eq!(
        names(&events, "event"),
        ["demilestoned", "milestoned", "demilestoned", "milestoned"]
    );
    assert_eq!(
        each(&events, "milestone"),
        json!([{ "title": "v1.0" }, { "title": "v0.9" }, { "title": "v0.9" }, { "title": "v1.0" }])
    );
    // The same in the repository's events (newest first, with the issue) and the timeline.
    let all = fetch(&api, &format!("{REPO}/issues/events")).await;
    assert_eq!(
        fields(
            &all,
            [
                "/0/event",
                "/0/issue/number",
                "/0/milestone/title",
                "/5/event"
            ]
        ),
        json!(["milestoned", 1, "v1.0", "review_requested"])
    );
    let timeline = fetch(&api, &format!("{issue}/timeline")).await;
    assert_eq!(only(&timeline, "milestoned").len(), 2);
    let pull_timeline = fetch(&hubot, &format!("{REPO}/issues/3/timeline")).await;
    assert_eq!(
        only(&pull_timeline, "review_request_removed")[0]["requested_reviewer"]["login"],
        "octocat"
    );
}

#[asym::clone("github", seed = "basic")]
async fn mentions_and_commits_in_the_timeline(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = reviewer(&gh);
    let issues = format!("{REPO}/issues");
    let open = |body: &str| json!({ "title": "Related", "body": body });
    let citing = created(&hubot, &issues, &open("See #1.")).await;
    // A second mention from the same issue is not a second reference; these are none.
    let also = json!({ "body": "Also #1" });
    created(&api, &format!("{issues}/2/comments"), &also).await;
    for body in ["a#1", "&#1;", "path/#1", "#10", "#1x"] {
        created(&api, &issues, &open(body)).await;
    }
    created(
        &api,
        &format!("{issues}/1/comments"),
        &json!({ "body": "#1 itself" }),
    )
    .await;
    let later = created(&api, &issues, &open("Later")).await;
    let fixes = json!({ "body": "Fixes #1" });
    created(
        &api,
        &format!("{issues}/{}/comments", later["number"]),
        &fixes,
    )
    .await;
    let timeline = fetch(&api, &format!("{issues}/1/timeline")).await;
    let mentions = only(&timeline, "cross-referenced");
    let pointers = [
        "/actor/login",
        "/source/type",
        "/source/issue/number",
        "/source/issue/title",
        "/source/issue/repository/full_name",
    ];
    assert_eq!(
        mentions
            .iter()
            .map(|m| fields(m, pointers))
            .collect::<Vec<_>>(),
        [
            json!([
                "hubot",
                "issue",
                citing["number"],
                "Related",
                "acme/hello-world"
            ]),
            json!([
                "octocat",
                "issue",
                later["number"],
                "Related",
                "acme/hello-world"
            ])
        ]
    );
    assert!(mentions[0]["created_at"].is_string() && mentions[0]["updated_at"].is_string());
    // Timeline only: not among the issue's events.
    assert!(
        only(
            &fetch(&api, &format!("{issues}/1/events")).await,
            "cross-referenced"
        )
        .is_empty()
    );
    // A pull request's commits, as git data shows them; an issue has none.
    branch(&hubot, "topic", "topic.txt", "topic\n").await;
    let body = json!({ "title": "Topic", "head": "topic", "base": "main", "body": "Closes #1" });
    let pull = create_pull(&hubot, &body).await.expect(201);
    let timeline = fetch(&api, &format!("{issues}/{}/timeline", pull["number"])).await;
    let committed = only(&timeline, "committed");
    let sha = pull["head"]["sha"].as_str().unwrap();
    let git = fetch(&api, &format!("{REPO}/git/commits/{sha}")).await;
    let shape = [
        "/sha",
        "/node_id",
        "/url",
        "/html_url",
        "/author",
        "/committer",
        "/tree",
        "/message",
        "/parents",
        "/verification",
    ];
    assert_eq!(committed.len(), 1);
    assert_eq!(fields(&committed[0], shape), fields(&git, shape));
    assert!(
        only(
            &fetch(&api, &format!("{issues}/1/timeline")).await,
            "committed"
        )
        .is_empty()
    );
    // The pull request's body mentions #1: a reference whose source is the pull request.
    let timeline = fetch(&api, &format!("{issues}/1/timeline")).await;
    let last = only(&timeline, "cross-referenced").pop().unwrap();
    assert_eq!(last["source"]["issue"]["number"], pull["number"]);
    assert!(
        last["source"]["issue"]["pull_request"].is_object(),
        "{last}"
    );
}

#[asym::clone("github", seed = "acme-corp")]
async fn a_dismissed_review_is_an_event(gh: asym::GitHub) {
    let api = api(&gh);
    let receiver = listen(&api, &["pull_request_review"]).await;
    // The fixture's #3 is approved by octocat (review 1).
    let dismissal = format!("{REPO}/pulls/3/reviews/1/dismissals");
    let message = json!({ "message": "Stale now" });
    let dismissed = api.put(&dismissal, &message).await.expect(200);
    assert_eq!(dismissed["state"], "DISMISSED");
    let said = ["/review/id", "/review/state", "/pull_request/number"];
    let expected = json!([1, "dismissed", 3]);
    next(
        &receiver,
        ("pull_request_review", "dismissed"),
        said,
        expected,
    )
    .await;
    // The state it had, in lower case, its id and the message; no commit for a dismissal
    // made through the API.
    let was = json!({ "state": "approved", "review_id": 1, "dismissal_message": "Stale now" });
    let events = fetch(&api, &format!("{REPO}/issues/3/events")).await;
    let event = only(&events, "review_dismissed").pop().unwrap();
    assert_eq!(event["dismissed_review"], was);
    assert_eq!(
        fields(&event, ["/actor/login", "/commit_id"]),
        json!(["octocat", null])
    );
    let timeline = fetch(&reviewer(&gh), &format!("{REPO}/issues/3/timeline")).await;
    let last = timeline.as_array().unwrap().last().unwrap();
    assert_eq!(
        fields(last, ["/event", "/dismissed_review"]),
        json!(["review_dismissed", was])
    );
    // The review itself shows as dismissed where it was submitted.
    assert_eq!(only(&timeline, "reviewed")[0]["state"], "dismissed");
}
