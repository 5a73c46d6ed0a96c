//! Issue dependencies: blocked by (add, list, remove), blocking, and the summary an issue shows.

use serde_json::{Value, json};

use crate::common::{
    REPO, anonymous, api, branch, close_issue, created, delete, error, fetch, issue_field,
    issue_id, numbers, open_pull,
};

#[asym::clone("github", seed = "basic")]
async fn dependencies_block_and_summarise(gh: asym::GitHub) {
    let api = api(&gh);
    let (a, b) = (
        issue_id(&api, REPO, "a").await,
        issue_id(&api, REPO, "b").await,
    );
    let blocked_by = format!("{REPO}/issues/1/dependencies/blocked_by");
    let fresh = fetch(&api, &format!("{REPO}/issues/1")).await;
    assert_eq!(
        fresh["issue_dependencies_summary"],
        json!({ "blocked_by": 0, "blocking": 0, "total_blocked_by": 0, "total_blocking": 0 })
    );
    for id in [a, b] {
        let answered = created(&api, &blocked_by, &json!({ "issue_id": id })).await;
        assert_eq!(answered["number"], 1);
    }
    assert_eq!(numbers(&fetch(&api, &blocked_by).await), [2, 3]);
    assert_eq!(
        numbers(&fetch(&api, &format!("{REPO}/issues/2/dependencies/blocking")).await),
        [1]
    );
    // A blocker closed no longer blocks, but is still counted in the totals.
    close_issue(&api, 2).await;
    let one = issue_field(&api, 1, "issue_dependencies_summary").await;
    let three = issue_field(&api, 3, "issue_dependencies_summary").await;
    let counts = |s: &Value| {
        [
            "blocked_by",
            "blocking",
            "total_blocked_by",
            "total_blocking",
        ]
        .map(|k| s[k].clone())
    };
    assert_eq!(counts(&one), [json!(1), json!(0), json!(2), json!(0)]);
    assert_eq!(counts(&three), [json!(0), json!(1), json!(0), json!(1)]);
    let removed = delete(&api, &format!("{blocked_by}/{a}")).await.expect(200);
    assert_eq!(removed["issue_dependencies_summary"]["total_blocked_by"], 1);
    assert_eq!(numbers(&fetch(&api, &blocked_by).await), [3]);
}

#[asym::clone("github", seed = "basic")]
async fn dependency_refusals(gh: asym::GitHub) {
    let api = api(&gh);
    let a = issue_id(&api, REPO, "a").await;
    branch(&api, "topic", "topic.txt", "topic\n").await;
    let pull = open_pull(&api, "a pull", "topic").await;
    let pull = fetch(&api, &format!("{REPO}/issues/{}", pull["number"])).await;
    let on = |n: i64| format!("{REPO}/issues/{n}/dependencies/blocked_by");
    created(&api, &on(1), &json!({ "issue_id": a })).await;
    let own = fetch(&api, &format!("{REPO}/issues/1")).await["id"].clone();
    let cases: [(String, Value, u16, &str); 6] = [
        (
            on(1),
            json!({}),
            422,
            "Invalid request.\n\n\"issue_id\" wasn't supplied.",
        ),
        (on(1), json!({ "issue_id": a }), 422, "Validation Failed"),
        (on(1), json!({ "issue_id": own }), 422, "Validation Failed"),
        (
            on(1),
            json!({ "issue_id": pull["id"] }),
            422,
            "Validation Failed",
        ),
        (on(1), json!({ "issue_id": 999_999 }), 404, "Not Found"),
        (on(99), json!({ "issue_id": a }), 404, "Not Found"),
    ];
    for (path, body, status, message) in cases {
        assert_eq!(
            error(api.post(&path, &body).await, status),
            message,
            "{path} {body}"
        );
    }
    for (path, status) in [
        (format!("{}/999999", on(1)), 404),
        (format!("{}/{a}", on(2)), 404),
        (format!("{}/x", on(1)), 404),
    ] {
        assert_eq!(delete(&api, &path).await.status, status, "{path}");
    }
    let signed_out = delete(&anonymous(&gh), &format!("{}/{a}", on(1))).await;
    assert_eq!(error(signed_out, 401), "Requires authentication");
}
