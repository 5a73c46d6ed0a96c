//! Sub-issues: add, list, parent, reprioritize, remove, and the summary an issue shows.

use reqwest::Method;
use serde_json::json;

use crate::common::{
    REPO, api, close_issue, created, error, fetch, issue_field, issue_id as issue, not_found,
    numbers, rels, reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn sub_issues_link_order_and_summarise(gh: asym::GitHub) {
    let api = api(&gh);
    let parent = format!("{REPO}/issues/1");
    let subs = format!("{parent}/sub_issues");
    let (a, b, c) = (
        issue(&api, REPO, "a").await,
        issue(&api, REPO, "b").await,
        issue(&api, REPO, "c").await,
    );
    let fresh = fetch(&api, &parent).await;
    assert_eq!(
        fresh["sub_issues_summary"],
        json!({ "total": 0, "completed": 0, "percent_completed": 0 })
    );
    assert!(fresh.get("parent_issue_url").is_none());
    for id in [a, b, c] {
        let answered = created(&api, &subs, &json!({ "sub_issue_id": id })).await;
        assert_eq!(answered["number"], 1);
    }
    assert_eq!(numbers(&fetch(&api, &subs).await), [2, 3, 4]);
    // Closing one completes a third.
    close_issue(&api, 2).await;
    let summary = issue_field(&api, 1, "sub_issues_summary").await;
    assert_eq!(
        summary,
        json!({ "total": 3, "completed": 1, "percent_completed": 33 })
    );
    let child = fetch(&api, &format!("{REPO}/issues/3")).await;
    assert_eq!(
        child["parent_issue_url"],
        format!("{}{parent}", gh.api_url())
    );
    assert_eq!(
        fetch(&api, &format!("{REPO}/issues/3/parent")).await["number"],
        1
    );
    // Reorder: c before a, then a after b.
    let priority = format!("{subs}/priority");
    let moves = [
        (json!({ "sub_issue_id": c, "before_id": a }), [4, 2, 3]),
        (json!({ "sub_issue_id": a, "after_id": b }), [4, 3, 2]),
    ];
    for (body, order) in moves {
        updated(&api, &priority, &body).await;
        assert_eq!(numbers(&fetch(&api, &subs).await), order, "{body}");
    }
    let page = api.get(&format!("{subs}?per_page=2")).await;
    assert!(rels(&page).contains(&"next".to_owned()));
    // Removed: no parent any more.
    let removed = api
        .send(
            Method::DELETE,
            &format!("{parent}/sub_issue"),
            Some(&json!({ "sub_issue_id": b })),
        )
        .await
        .expect(200);
    assert_eq!(removed["sub_issues_summary"]["total"], 2);
    not_found(&api, &[&format!("{REPO}/issues/3/parent")]).await;
    assert!(
        fetch(&api, &format!("{REPO}/issues/3"))
            .await
            .get("parent_issue_url")
            .is_none()
    );
}

#[asym::clone("github", seed = "basic")]
async fn sub_issue_refusals(gh: asym::GitHub) {
    let api = api(&gh);
    let (a, b) = (issue(&api, REPO, "a").await, issue(&api, REPO, "b").await);
    let other = created(&api, "/orgs/acme/repos", &json!({ "name": "elsewhere" })).await;
    let far = issue(
        &api,
        &format!("/repos/{}", other["full_name"].as_str().unwrap()),
        "far",
    )
    .await;
    let mine = "/repos/octocat/private-notes";
    let foreign = issue(&api, mine, "mine").await;
    let subs = |n: i64| format!("{REPO}/issues/{n}/sub_issues");
    created(&api, &subs(2), &json!({ "sub_issue_id": b })).await;
    // Another repository of the owner is allowed.
    created(&api, &subs(2), &json!({ "sub_issue_id": far })).await;
    // The issue itself, one it has, one with another parent, an ancestor, another owner's.
    let refused = [(2, a), (2, b), (1, b), (3, a), (1, foreign)];
    for (n, id) in refused {
        let reply = api.post(&subs(n), &json!({ "sub_issue_id": id })).await;
        assert_eq!(error(reply, 422), "Validation Failed", "{n} {id}");
    }
    let missing = api.post(&subs(2), &json!({})).await;
    let wording = "Invalid request.\n\n\"sub_issue_id\" wasn't supplied.";
    assert_eq!(error(missing, 422), wording);
    let unknown = api
        .post(&subs(1), &json!({ "sub_issue_id": 999_999 }))
        .await;
    assert_eq!(error(unknown, 404), "The provided sub-issue does not exist");
    let no_parent = api.post(&subs(99), &json!({ "sub_issue_id": b })).await;
    assert_eq!(error(no_parent, 404), "Not Found");
    let refused = api
        .post(&subs(1), &json!({ "sub_issue_id": b }))
        .await
        .expect(422);
    assert_eq!(
        refused["errors"][0]["message"],
        "Sub issue may only have one parent"
    );
    // Moved with replace_parent.
    created(
        &api,
        &subs(1),
        &json!({ "sub_issue_id": b, "replace_parent": true }),
    )
    .await;
    assert_eq!(
        fetch(&api, &format!("{REPO}/issues/3/parent")).await["number"],
        1
    );
    // A cycle: 1 is 3's parent; 1 cannot go under 3.
    let cycle = api
        .post(
            &subs(3),
            &json!({ "sub_issue_id": fetch(&api, &format!("{REPO}/issues/1")).await["id"] }),
        )
        .await;
    assert_eq!(error(cycle, 422), "Validation Failed");
    // Priority needs exactly one anchor among the sub-issues.
    let priority = format!("{}/priority", subs(1));
    for body in [
        json!({ "sub_issue_id": b }),
        json!({ "sub_issue_id": b, "after_id": b }),
        json!({ "sub_issue_id": b, "after_id": far }),
    ] {
        assert_eq!(
            error(api.patch(&priority, &body).await, 422),
            "Validation Failed",
            "{body}"
        );
    }
    // A collaborator who may triage links too; removing what is not a sub-issue is 404.
    let reply = reviewer(&gh)
        .post(&subs(1), &json!({ "sub_issue_id": a }))
        .await;
    assert_eq!(reply.status, 201, "the reviewer may triage: {}", reply.body);
    let gone = api
        .send(
            Method::DELETE,
            &format!("{REPO}/issues/2/sub_issue"),
            Some(&json!({ "sub_issue_id": b })),
        )
        .await;
    assert_eq!(error(gone, 404), "Not Found");
}
