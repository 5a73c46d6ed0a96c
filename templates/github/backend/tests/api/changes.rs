//! What a write changes of an issue's labels, assignees and milestone: issue events, and
//! `issues` (or, for a pull request, `pull_request`) webhooks naming each change.

use std::time::Duration;

use asym_kit::testing::{Api, Receiver, assert_suffix};
use serde_json::{Value, json};

use crate::common::{REPO, api, created, delete, fetch, listen, names, next, updated};

/// The owner's client, and a receiver of the fixture repository's `issues` and
/// `pull_request` deliveries.
async fn listening(gh: &asym::GitHub) -> (Api, Receiver) {
    let api = api(gh);
    let receiver = listen(&api, &["issues", "pull_request"]).await;
    (api, receiver)
}

/// Takes the next deliveries, which must be `event` with these actions, each holding its
/// value at its pointer.
async fn expect_all(receiver: &Receiver, event: &str, expected: &[(&str, &str, Value)]) {
    for (action, pointer, value) in expected {
        next(receiver, (event, action), [*pointer], json!([value])).await;
    }
}

/// The events of issue `number`, whose names must be `expected`, in order.
async fn events_of(api: &Api, number: &Value, expected: &[&str]) -> Value {
    let events = fetch(api, &format!("{REPO}/issues/{number}/events")).await;
    assert_eq!(names(&events, "event"), expected);
    events
}

/// Asserts that nothing more is delivered.
async fn quiet(receiver: &Receiver) {
    assert!(receiver.next(Duration::from_millis(300)).await.is_none());
}

#[asym::clone("github", seed = "acme-corp")]
async fn a_patch_announces_and_records_each_change(gh: asym::GitHub) {
    let (api, receiver) = listening(&gh).await;
    // #1 has `bug`, octocat and v1.0: every kind of change at once, in one documented order.
    let issue = format!("{REPO}/issues/1");
    let patch = json!({ "title": "Two bugs", "state": "closed", "labels": ["enhancement", "docs"],
                        "assignees": ["hubot"], "milestone": 2 });
    updated(&api, &issue, &patch).await;
    let label = "/label/name";
    let (assignee, milestone) = ("/assignee/login", "/milestone/title");
    let expected = [
        ("edited", "/changes/title/from", json!("Found a bug")),
        ("closed", "/issue/state", json!("closed")),
        ("unlabeled", label, json!("bug")),
        ("labeled", label, json!("enhancement")),
        ("labeled", label, json!("docs")),
        ("unassigned", assignee, json!("octocat")),
        ("assigned", assignee, json!("hubot")),
        ("demilestoned", milestone, json!("v1.0")),
        ("milestoned", milestone, json!("v0.9")),
    ];
    expect_all(&receiver, "issues", &expected).await;
    let recorded = ["renamed", "closed", "unlabeled", "labeled", "labeled"];
    let recorded = [
        &recorded[..],
        &["unassigned", "assigned", "demilestoned", "milestoned"],
    ]
    .concat();
    let events = events_of(&api, &json!(1), &recorded).await;
    assert_eq!(
        events[3]["label"],
        json!({ "name": "enhancement", "color": "a2eeef" })
    );
    // The same values again change nothing: no event, no delivery.
    updated(&api, &issue, &patch).await;
    quiet(&receiver).await;
    assert_eq!(events_of(&api, &json!(1), &recorded).await, events);
    // A pull request edited as an issue announces `pull_request` with the same actions.
    let pull = json!({ "title": "Greet", "labels": ["enhancement", "bug"], "assignees": ["octocat"], "milestone": null });
    updated(&api, &format!("{REPO}/issues/3"), &pull).await;
    let payload = next(
        &receiver,
        ("pull_request", "edited"),
        ["/number", "/changes/title/from"],
        json!([3, "Add a greeting"]),
    )
    .await;
    assert!(payload.get("issue").is_none(), "{payload}");
    let expected = [
        ("labeled", label, json!("bug")),
        ("assigned", assignee, json!("octocat")),
        ("demilestoned", milestone, json!("v1.0")),
    ];
    expect_all(&receiver, "pull_request", &expected).await;
}

#[asym::clone("github", seed = "acme-corp")]
async fn opening_an_issue_with_labels_assignees_and_a_milestone(gh: asym::GitHub) {
    let api = api(&gh);
    let issues = format!("{REPO}/issues");
    let opened = json!({ "title": "Triaged", "labels": ["bug", "triage"], "assignees": ["hubot"], "milestone": 1 });
    let recorded = ["labeled", "labeled", "assigned", "milestoned"];
    // Without hooks (one statement) and with them: the same events.
    let quietly = created(&api, &issues, &opened).await;
    events_of(&api, &quietly["number"], &recorded).await;
    let receiver = listen(&api, &["issues"]).await;
    let made = created(&api, &issues, &opened).await;
    events_of(&api, &made["number"], &recorded).await;
    // `opened`, then a delivery for each label, assignee and the milestone, as GitHub sends.
    let expected = [
        ("opened", "/issue/title", json!("Triaged")),
        ("labeled", "/label/name", json!("bug")),
        ("labeled", "/label/name", json!("triage")),
        ("assigned", "/assignee/login", json!("hubot")),
        ("milestoned", "/milestone/title", json!("v1.0")),
    ];
    expect_all(&receiver, "issues", &expected).await;
    // An issue opened with none of them sends `opened` alone.
    created(&api, &issues, &json!({ "title": "Bare" })).await;
    next(
        &receiver,
        ("issues", "opened"),
        ["/issue/labels"],
        json!([[]]),
    )
    .await;
    quiet(&receiver).await;
}

#[asym::clone("github", seed = "acme-corp")]
async fn label_and_assignee_routes_announce_what_changed(gh: asym::GitHub) {
    let (api, receiver) = listening(&gh).await;
    let labels = format!("{REPO}/issues/1/labels");
    // Adding a label the issue has is no change; replacing takes off what is not named.
    api.post(&labels, &json!({ "labels": ["bug", "docs"] }))
        .await
        .expect(200);
    let payload = next(
        &receiver,
        ("issues", "labeled"),
        ["/label/name", "/label/color", "/label/default"],
        json!(["docs", "0075ca", true]),
    )
    .await;
    assert_suffix(&payload["label"]["url"], "/labels/docs");
    api.put(&labels, &json!(["docs", "enhancement"]))
        .await
        .expect(200);
    delete(&api, &format!("{labels}/docs")).await.expect(200);
    delete(&api, &labels).await.expect(204);
    let label = "/label/name";
    let expected = [
        ("unlabeled", label, json!("bug")),
        ("labeled", label, json!("enhancement")),
        ("unlabeled", label, json!("docs")),
        ("unlabeled", label, json!("enhancement")),
    ];
    expect_all(&receiver, "issues", &expected).await;
    let recorded = ["labeled", "unlabeled", "labeled", "unlabeled", "unlabeled"];
    events_of(&api, &json!(1), &recorded).await;
    // Assignees: only who is newly assigned or no longer is.
    let assignees = format!("{REPO}/issues/1/assignees");
    let both = json!({ "assignees": ["octocat", "hubot"] });
    created(&api, &assignees, &both).await;
    let gone = api.send(reqwest::Method::DELETE, &assignees, Some(&both));
    gone.await.expect(200);
    let who = "/assignee/login";
    let expected = [
        ("assigned", who, json!("hubot")),
        ("unassigned", who, json!("octocat")),
        ("unassigned", who, json!("hubot")),
    ];
    expect_all(&receiver, "issues", &expected).await;
    // On a pull request: `pull_request` events.
    api.post(&format!("{REPO}/issues/3/labels"), &json!(["bug"]))
        .await
        .expect(200);
    let expected = json!(["bug", 3]);
    next(
        &receiver,
        ("pull_request", "labeled"),
        [label, "/number"],
        expected,
    )
    .await;
    quiet(&receiver).await;
}

#[asym::clone("github", seed = "acme-corp")]
async fn locking_is_announced(gh: asym::GitHub) {
    let (api, receiver) = listening(&gh).await;
    for number in [1, 3] {
        let lock = format!("{REPO}/issues/{number}/lock");
        api.put(&lock, &json!({ "lock_reason": "resolved" }))
            .await
            .expect(204);
        delete(&api, &lock).await.expect(204);
    }
    let state = ["/issue/locked", "/issue/active_lock_reason"];
    next(
        &receiver,
        ("issues", "locked"),
        state,
        json!([true, "resolved"]),
    )
    .await;
    next(
        &receiver,
        ("issues", "unlocked"),
        state,
        json!([false, null]),
    )
    .await;
    // A pull request's: `pull_request` events.
    let state = ["/number", "/pull_request/locked"];
    next(
        &receiver,
        ("pull_request", "locked"),
        state,
        json!([3, true]),
    )
    .await;
    next(
        &receiver,
        ("pull_request", "unlocked"),
        state,
        json!([3, false]),
    )
    .await;
    quiet(&receiver).await;
}
