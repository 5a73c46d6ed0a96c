//! Issues, comments, labels, milestones, assignees, reactions and events.

use asym_kit::testing::assert_suffix;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    MAIN_SHA, REPO, api, branch, code, count, created, delete, edit_comment, error, fetch, fields,
    names, names_at, not_found, numbers, open_pull, reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn create_filter_and_update(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/issues");
    let seeded = fetch(&api, &path).await;
    assert_eq!(numbers(&seeded), [1]);
    assert_eq!(seeded[0]["labels"][0]["name"], "bug");
    assert_eq!(seeded[0]["author_association"], "MEMBER");
    let made = created(&api, &path, &json!({ "title": "Crash", "body": "boom @hubot", "labels": ["bug", "triage"], "assignees": ["hubot"] })).await;
    assert_eq!(made["number"], 2);
    assert_eq!(made["url"], format!("{}{REPO}/issues/2", gh.api_url()));
    assert_eq!(names(&made["labels"], "name"), ["bug", "triage"]);
    assert_eq!(made["assignee"]["login"], "hubot");
    assert_eq!(made["state"], "open");
    // A collaborator with write access sets labels too.
    let theirs = created(
        &reviewer(&gh),
        &path,
        &json!({ "title": "Mine", "labels": ["bug"] }),
    )
    .await;
    assert_eq!(names(&theirs["labels"], "name"), ["bug"]);
    // One error naming the login, as GitHub answers.
    let unassignable = api
        .post(&path, &json!({ "title": "x", "assignees": ["ghost"] }))
        .await
        .expect(422);
    assert_eq!(
        unassignable["errors"],
        json!([{ "value": "ghost", "resource": "Issue", "field": "assignees", "code": "invalid" }])
    );
    assert_eq!(
        code(api.post(&path, &json!({ "title": "   " })).await),
        "missing_field"
    );
    // Filters.
    let filters: [(&str, &[i64]); 7] = [
        ("labels=bug,triage", &[2]),
        ("labels=bug&direction=asc", &[1, 2, 3]),
        ("assignee=hubot", &[2]),
        ("assignee=none&sort=created&direction=asc", &[1, 3]),
        ("creator=hubot", &[3, 1]),
        ("mentioned=octocat", &[1]),
        ("since=2030-01-01T00:00:00Z", &[]),
    ];
    for (filter, expected) in filters {
        let listed = fetch(&api, &format!("{path}?{filter}")).await;
        assert_eq!(numbers(&listed), expected, "{filter}");
    }
    for bad in [
        "state=weird",
        "sort=stars",
        "direction=up",
        "since=yesterday",
    ] {
        assert_eq!(
            code(api.get(&format!("{path}?{bad}")).await),
            "invalid",
            "{bad}"
        );
    }
    // Close with a reason, reopen, lock.
    let closed = updated(
        &api,
        &format!("{path}/2"),
        &json!({ "state": "closed", "state_reason": "not_planned" }),
    )
    .await;
    assert_eq!(
        (closed["state"].as_str(), closed["state_reason"].as_str()),
        (Some("closed"), Some("not_planned"))
    );
    assert_eq!(closed["closed_by"]["login"], "octocat");
    assert!(closed["closed_at"].is_string());
    assert_eq!(
        numbers(&fetch(&api, &format!("{path}?state=closed")).await),
        [2]
    );
    let reopened = updated(&api, &format!("{path}/2"), &json!({ "state": "open" })).await;
    assert_eq!(
        fields(&reopened, ["/state_reason", "/closed_at"]),
        json!(["reopened", null])
    );
    let renamed = updated(
        &reviewer(&gh),
        &format!("{path}/3"),
        &json!({ "title": "Mine, edited" }),
    )
    .await;
    assert_eq!(renamed["title"], "Mine, edited");
    api.put(
        &format!("{path}/2/lock"),
        &json!({ "lock_reason": "resolved" }),
    )
    .await
    .expect(204);
    let locked = fetch(&api, &format!("{path}/2")).await;
    assert_eq!(
        fields(&locked, ["/locked", "/active_lock_reason"]),
        json!([true, "resolved"])
    );
    delete(&api, &format!("{path}/2/lock")).await.expect(204);
    // A state and a lock reason GitHub does not know.
    for (method, tail, body) in [
        (Method::PATCH, "", json!({ "state": "done" })),
        (Method::PUT, "/lock", json!({ "lock_reason": "bored" })),
    ] {
        let reply = api
            .send(method, &format!("{path}/2{tail}"), Some(&body))
            .await;
        assert_eq!(code(reply), "invalid", "{body}");
    }
    // Events recorded along the way, from the labels and assignee it was opened with.
    let events = fetch(&api, &format!("{path}/2/events")).await;
    let opened = ["labeled", "labeled", "assigned"];
    let then = ["closed", "reopened", "locked", "unlocked"];
    assert_eq!(names(&events, "event"), [&opened[..], &then].concat());
    // The viewer's issues across repositories.
    assert_eq!(numbers(&fetch(&reviewer(&gh), "/issues").await), [2]);
    assert_eq!(
        numbers(&fetch(&api, "/issues?filter=created&state=all").await),
        [2]
    );
}

#[asym::clone("github", seed = "basic")]
async fn comments_and_reactions(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/issues/1/comments");
    let first = created(&api, &path, &json!({ "body": "Looking" })).await;
    assert_eq!(first["user"]["login"], "octocat");
    assert_eq!(first["author_association"], "MEMBER");
    assert_suffix(
        &first["html_url"],
        &format!("#issuecomment-{}", first["id"]),
    );
    created(&reviewer(&gh), &path, &json!({ "body": "Thanks" })).await;
    assert_eq!(
        fetch(&api, &format!("{REPO}/issues/1")).await["comments"],
        2
    );
    assert_eq!(names_at(&api, &path, "body").await, ["Looking", "Thanks"]);
    let id = first["id"].as_i64().unwrap();
    let one = format!("{REPO}/issues/comments/{id}");
    edit_comment(&api, &one, &first, "Fixed").await;
    let anonymous = asym_kit::testing::Api::new(gh.api_url());
    assert_eq!(
        error(anonymous.patch(&one, &json!({ "body": "no" })).await, 401),
        "Requires authentication"
    );
    assert_eq!(
        code(api.post(&path, &json!({ "body": "" })).await),
        "missing_field"
    );
    api.post(&path, &json!({})).await.expect(422);
    let repo_wide = fetch(
        &api,
        &format!("{REPO}/issues/comments?since=2020-01-01T00:00:00Z"),
    )
    .await;
    assert_eq!(repo_wide.as_array().unwrap().len(), 2);
    // Reactions.
    let heart = api
        .post(&format!("{one}/reactions"), &json!({ "content": "heart" }))
        .await;
    assert_eq!(heart.status, 201);
    api.post(&format!("{one}/reactions"), &json!({ "content": "heart" }))
        .await
        .expect(200);
    assert_eq!(
        code(
            api.post(&format!("{one}/reactions"), &json!({ "content": "wow" }))
                .await
        ),
        "invalid"
    );
    let plus = created(
        &api,
        &format!("{REPO}/issues/1/reactions"),
        &json!({ "content": "+1" }),
    )
    .await;
    let issue = fetch(&api, &format!("{REPO}/issues/1")).await;
    assert_eq!(
        fields(&issue, ["/reactions/total_count", "/reactions/+1"]),
        json!([1, 1])
    );
    // Deleting a reaction: only one's own, only where it is.
    let on_issue = format!("{REPO}/issues/1/reactions/{}", plus["id"]);
    delete(&reviewer(&gh), &on_issue).await.expect(404);
    delete(&api, &format!("{one}/reactions/{}", plus["id"]))
        .await
        .expect(404);
    delete(&api, &on_issue).await.expect(204);
    delete(&api, &on_issue).await.expect(404);
    let issue = fetch(&api, &format!("{REPO}/issues/1")).await;
    assert_eq!(issue["reactions"]["total_count"], 0);
    assert_eq!(
        fetch(&api, &format!("{one}/reactions")).await[0]["content"],
        "heart"
    );
    let heart_id = heart.expect(201)["id"].clone();
    delete(&api, &format!("{one}/reactions/{heart_id}"))
        .await
        .expect(204);
    assert_eq!(count(&api, &format!("{one}/reactions")).await, 0);
    delete(&api, &one).await.expect(204);
    api.get(&one).await.expect(404);
    assert_eq!(
        fetch(&api, &format!("{REPO}/issues/1")).await["comments"],
        1
    );
}

#[asym::clone("github", seed = "basic")]
async fn labels_milestones_and_assignees(gh: asym::GitHub) {
    let api = api(&gh);
    let labels = format!("{REPO}/labels");
    assert_eq!(
        names_at(&api, &labels, "name").await,
        ["bug", "enhancement"]
    );
    let made = created(
        &api,
        &labels,
        &json!({ "name": "good first issue", "color": "#7057FF", "description": "Easy" }),
    )
    .await;
    assert_eq!(
        (made["color"].as_str(), made["default"].as_bool()),
        (Some("7057ff"), Some(false))
    );
    assert_eq!(
        made["url"],
        format!("{}{REPO}/labels/good%20first%20issue", gh.api_url())
    );
    assert_eq!(
        code(api.post(&labels, &json!({ "name": "BUG" })).await),
        "already_exists"
    );
    assert_eq!(
        code(
            api.post(&labels, &json!({ "name": "x", "color": "red" }))
                .await
        ),
        "invalid"
    );
    created(&reviewer(&gh), &labels, &json!({ "name": "mine" })).await;
    let renamed = updated(
        &api,
        &format!("{labels}/good%20first%20issue"),
        &json!({ "new_name": "easy" }),
    )
    .await;
    assert_eq!(renamed["name"], "easy");
    assert_eq!(
        fetch(&api, &format!("{labels}/easy")).await["description"],
        "Easy"
    );
    // On an issue.
    let on = format!("{REPO}/issues/1/labels");
    // Added (as an object or a bare list), then replaced.
    for (method, body, after) in [
        (
            Method::POST,
            json!({ "labels": ["easy"] }),
            &["bug", "easy"][..],
        ),
        (
            Method::POST,
            json!(["enhancement"]),
            &["bug", "easy", "enhancement"],
        ),
        (Method::PUT, json!({ "labels": ["easy"] }), &["easy"]),
    ] {
        let reply = api.send(method.clone(), &on, Some(&body)).await;
        assert_eq!(names(&reply.expect(200), "name"), after, "{method} {body}");
    }
    assert_eq!(
        names(
            &delete(&api, &format!("{on}/easy")).await.expect(200),
            "name"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        error(delete(&api, &format!("{on}/easy")).await, 404),
        "Label does not exist"
    );
    api.post(&on, &json!(["bug"])).await.expect(200);
    delete(&api, &on).await.expect(204);
    delete(&api, &format!("{labels}/easy")).await.expect(204);
    api.get(&format!("{labels}/easy")).await.expect(404);
    // Milestones.
    let milestones = format!("{REPO}/milestones");
    let m = created(
        &api,
        &milestones,
        &json!({ "title": "v1", "due_on": "2030-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(
        (m["number"].as_i64(), m["open_issues"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        code(api.post(&milestones, &json!({ "title": "v1" })).await),
        "already_exists"
    );
    // The number, or a string of it (as the REST description allows both).
    for number in [json!(1), json!("1")] {
        let with = updated(
            &api,
            &format!("{REPO}/issues/1"),
            &json!({ "milestone": number }),
        )
        .await;
        assert_eq!(with["milestone"]["title"], "v1");
    }
    assert_eq!(
        fetch(&api, &format!("{milestones}/1")).await["open_issues"],
        1
    );
    assert_eq!(
        numbers(&fetch(&api, &format!("{REPO}/issues?milestone=1")).await),
        [1]
    );
    // An unknown milestone is named back, as given, in a write and in a list filter.
    let unknown = |value: Value| json!([{ "value": value, "resource": "Issue", "field": "milestone", "code": "invalid" }]);
    for number in [json!(9), json!("one")] {
        let patch = json!({ "milestone": number });
        let answer = api.patch(&format!("{REPO}/issues/1"), &patch).await;
        assert_eq!(answer.expect(422)["errors"], unknown(number));
    }
    for number in ["9", "one"] {
        let answer = api.get(&format!("{REPO}/issues?milestone={number}")).await;
        assert_eq!(answer.expect(422)["errors"], unknown(json!(number)));
    }
    let closed = updated(
        &api,
        &format!("{milestones}/1"),
        &json!({ "state": "closed" }),
    )
    .await;
    assert!(closed["closed_at"].is_string());
    assert_eq!(fetch(&api, &milestones).await, json!([]));
    assert_eq!(count(&api, &format!("{milestones}?state=all")).await, 1);
    delete(&api, &format!("{milestones}/1")).await.expect(204);
    assert!(fetch(&api, &format!("{REPO}/issues/1")).await["milestone"].is_null());
    // Assignees.
    assert_eq!(
        names_at(&api, &format!("{REPO}/assignees"), "login").await,
        ["hubot", "octocat"]
    );
    api.get(&format!("{REPO}/assignees/hubot"))
        .await
        .expect(204);
    api.get(&format!("{REPO}/assignees/acme-bot[bot]"))
        .await
        .expect(404);
    let added = created(
        &api,
        &format!("{REPO}/issues/1/assignees"),
        &json!({ "assignees": ["hubot", "octocat"] }),
    )
    .await;
    assert_eq!(names(&added["assignees"], "login").len(), 2);
    let removed = api
        .send(
            Method::DELETE,
            &format!("{REPO}/issues/1/assignees"),
            Some(&json!({ "assignees": ["hubot"] })),
        )
        .await
        .expect(200);
    assert_eq!(names(&removed["assignees"], "login"), ["octocat"]);
}

#[asym::clone("github", seed = "basic")]
async fn stored_renderings_follow_a_rename(gh: asym::GitHub) {
    let api = api(&gh);
    // A write stores the issue's rendering; the rename must clear it.
    updated(
        &api,
        &format!("{REPO}/issues/1"),
        &json!({ "title": "Stored" }),
    )
    .await;
    updated(&api, REPO, &json!({ "name": "renamed" })).await;
    let issue = fetch(&api, "/repos/acme/renamed/issues/1").await;
    assert_eq!(
        issue["url"],
        format!("{}/repos/acme/renamed/issues/1", gh.api_url())
    );
}

#[asym::clone("github", seed = "basic")]
async fn repository_issue_events(gh: asym::GitHub) {
    let api = api(&gh);
    let issue = format!("{REPO}/issues/1");
    updated(&api, &issue, &json!({ "state": "closed" })).await;
    api.post(
        &format!("{issue}/labels"),
        &json!({ "labels": ["enhancement"] }),
    )
    .await
    .expect(200);
    let events = fetch(&api, &format!("{REPO}/issues/events")).await;
    assert_eq!(names(&events, "event"), ["labeled", "closed"]);
    assert_eq!(
        fields(&events[0], ["/label/name", "/issue/number", "/actor/login"]),
        json!(["enhancement", 1, "octocat"])
    );
    // Each event at its `url`, the same as in the issue's own events.
    let url = events[1]["url"].as_str().unwrap().replace(gh.api_url(), "");
    assert_eq!(url, format!("{REPO}/issues/events/{}", events[1]["id"]));
    let one = fetch(&reviewer(&gh), &url).await;
    assert_eq!(
        fields(&one, ["/event", "/issue/state"]),
        json!(["closed", "closed"])
    );
    let of_issue = fetch(&api, &format!("{issue}/events")).await;
    assert_eq!(of_issue[0]["url"], events[1]["url"]);
    assert!(of_issue[0].get("issue").is_none());
    // Paged, and 404 for what is not there.
    let page = api.get(&format!("{REPO}/issues/events?per_page=1")).await;
    assert_eq!(crate::common::rels(&page), ["next", "last"]);
    let unknown = format!("{REPO}/issues/events/abc");
    not_found(&api, &[&unknown, "/repos/acme/nope/issues/events"]).await;
    let hubot = reviewer(&gh);
    not_found(&hubot, &["/repos/octocat/private-notes/issues/events"]).await;
}

#[asym::clone("github", seed = "basic")]
async fn an_issue_timeline(gh: asym::GitHub) {
    let api = api(&gh);
    let issue = format!("{REPO}/issues/1");
    let labels = json!({ "labels": ["enhancement"] });
    api.post(&format!("{issue}/labels"), &labels)
        .await
        .expect(200);
    let comment = created(
        &api,
        &format!("{issue}/comments"),
        &json!({ "body": "On it" }),
    )
    .await;
    let assignees = json!({ "assignees": ["hubot"] });
    created(&api, &format!("{issue}/assignees"), &assignees).await;
    let renamed = json!({ "title": "Found two bugs" });
    updated(&api, &issue, &renamed).await;
    // The same title again is no rename.
    updated(&api, &issue, &renamed).await;
    updated(&api, &issue, &json!({ "state": "closed" })).await;
    // The issue's `timeline_url` answers, in the order things happened.
    let url = fetch(&api, &issue).await["timeline_url"]
        .as_str()
        .unwrap()
        .replace(gh.api_url(), "");
    assert_eq!(url, format!("{issue}/timeline"));
    let timeline = fetch(&reviewer(&gh), &url).await;
    assert_eq!(
        names(&timeline, "event"),
        ["labeled", "commented", "assigned", "renamed", "closed"]
    );
    assert_eq!(timeline[0]["label"]["name"], "enhancement");
    assert_eq!(
        fields(
            &timeline[1],
            ["/id", "/body", "/actor/login", "/user/login", "/html_url"]
        ),
        fields(
            &comment,
            ["/id", "/body", "/user/login", "/user/login", "/html_url"]
        )
    );
    assert_eq!(
        fields(&timeline[2], ["/assignee/login", "/assigner/login"]),
        json!(["hubot", "octocat"])
    );
    assert_eq!(
        timeline[3]["rename"],
        json!({ "from": "Found a bug", "to": "Found two bugs" })
    );
    // The rename is an issue event too.
    let events = fetch(&api, &format!("{issue}/events")).await;
    assert_eq!(events[2]["rename"], timeline[3]["rename"]);
    // Paged with `Link`; 404 for an issue that is not there.
    let page = api.get(&format!("{url}?per_page=2&page=2")).await;
    assert_eq!(
        crate::common::rels(&page),
        ["prev", "next", "last", "first"]
    );
    assert_eq!(names(&page.expect(200), "event"), ["assigned", "renamed"]);
    not_found(&api, &[&format!("{REPO}/issues/99/timeline")]).await;
    let hidden = "/repos/octocat/private-notes/issues/1/timeline";
    not_found(&crate::common::anonymous(&gh), &[hidden]).await;
}

#[asym::clone("github", seed = "acme-corp")]
async fn reactions_go_with_what_they_are_on(gh: asym::GitHub) {
    let api = api(&gh);
    let issue = created(
        &api,
        &format!("{REPO}/issues"),
        &json!({ "title": "doomed" }),
    )
    .await;
    let line = json!({ "body": "c", "path": "README.md", "line": 1 });
    let mut comments = Vec::new();
    for (subject, on) in [
        (
            "comment",
            format!("{REPO}/issues/{}/comments", issue["number"]),
        ),
        ("review_comment", format!("{REPO}/pulls/3/comments")),
        (
            "commit_comment",
            format!("{REPO}/commits/{MAIN_SHA}/comments"),
        ),
    ] {
        let made = created(&api, &on, &line).await;
        let path = made["url"].as_str().unwrap().replace(gh.api_url(), "");
        comments.push((subject, made["id"].as_i64().unwrap(), path));
    }
    let mut subjects = comments.clone();
    subjects.push((
        "issue",
        issue["id"].as_i64().unwrap(),
        format!("{REPO}/issues/{}", issue["number"]),
    ));
    for (_, _, path) in &subjects {
        for content in ["heart", "rocket"] {
            created(
                &api,
                &format!("{path}/reactions"),
                &json!({ "content": content }),
            )
            .await;
        }
    }
    let db = crate::common::database(&gh).await;
    for (subject, id, path) in &comments {
        assert_eq!(reactions_on(&db, subject, *id).await, 2, "{subject}");
        delete(&api, path).await.expect(204);
        assert_eq!(reactions_on(&db, subject, *id).await, 0, "{subject} {path}");
    }
    // The issue's go with its repository.
    assert_eq!(
        reactions_on(&db, "issue", issue["id"].as_i64().unwrap()).await,
        2
    );
    delete(&api, REPO).await.expect(204);
    assert_eq!(
        reactions_on(&db, "issue", issue["id"].as_i64().unwrap()).await,
        0
    );
}

/// How many reactions the database holds on `subject` `id`.
async fn reactions_on(db: &asym_kit::tokio_postgres::Client, subject: &str, id: i64) -> i64 {
    const SQL: &str = "SELECT count(*) FROM reactions WHERE subject = $1 AND subject_id = $2";
    db.query_one(SQL, &[&subject, &id]).await.unwrap().get(0)
}

#[asym::clone("github", seed = "basic")]
async fn a_number_rewound_under_a_kept_issue_is_not_taken_again(gh: asym::GitHub) {
    let api = api(&gh);
    let issues = format!("{REPO}/issues");
    created(&api, &issues, &json!({ "title": "kept" })).await;
    // What a reset landing between a create's number and its insert leaves: the counter
    // rewound under an issue written after the reset (a 503 on the next create, before).
    let db = crate::common::database(&gh).await;
    let rewind =
        "UPDATE repos SET next_number = next_number - 1 WHERE full_name = 'acme/hello-world'";
    db.execute(rewind, &[]).await.unwrap();
    let next = created(&api, &issues, &json!({ "title": "next" })).await;
    assert_eq!(next["number"], 3);
    db.execute(rewind, &[]).await.unwrap();
    branch(&api, "topic", "topic.txt", "t").await;
    let pull = open_pull(&api, "p", "topic").await;
    assert_eq!(pull["number"], 4);
}

#[asym::clone("github", seed = "basic")]
async fn an_organizations_issues(gh: asym::GitHub) {
    let api = api(&gh);
    crate::common::new_repo(&api, "mine").await;
    created(
        &api,
        "/repos/octocat/mine/issues",
        &json!({ "title": "Not acme's" }),
    )
    .await;
    let all = fetch(&api, "/orgs/acme/issues?filter=all").await;
    assert_eq!(names(&all, "title"), ["Found a bug"]);
    assert_eq!(all[0]["repository"]["full_name"], "acme/hello-world");
    let everywhere = fetch(&api, "/issues?filter=all").await;
    assert_eq!(everywhere.as_array().unwrap().len(), 2);
    let created = fetch(&reviewer(&gh), "/orgs/acme/issues?filter=created").await;
    assert_eq!(names(&created, "title"), ["Found a bug"]);
    assert_eq!(fetch(&api, "/orgs/acme/issues").await, json!([]));
    not_found(&api, &["/orgs/nope/issues", "/orgs/octocat/issues"]).await;
}
