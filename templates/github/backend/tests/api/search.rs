//! Search over issues, pull requests and repositories.

use serde_json::json;

use crate::common::{REPO, anonymous, api, code, fetch, fields, names, reviewer};

#[asym::clone("github", seed = "basic")]
async fn issues_and_repositories(gh: asym::GitHub) {
    let api = api(&gh);
    api.post(
        &format!("{REPO}/issues"),
        &json!({ "title": "Login page crashes", "body": "stack trace", "labels": ["bug"] }),
    )
    .await
    .expect(201);
    api.post(
        &format!("{REPO}/issues"),
        &json!({ "title": "Dark mode", "labels": ["enhancement"], "assignees": ["hubot"] }),
    )
    .await
    .expect(201);
    let search = |q: &str| {
        let api = api.clone();
        let q = q.replace(' ', "+").replace(':', "%3A").replace('/', "%2F");
        async move { fetch(&api, &format!("/search/issues?q={q}")).await }
    };
    let all = search("repo:acme/hello-world").await;
    assert_eq!(
        fields(&all, ["/total_count", "/incomplete_results"]),
        json!([3, false])
    );
    assert!(all["items"][0]["score"].is_number());
    assert_eq!(
        names(
            &search("repo:acme/hello-world label:bug crash").await["items"],
            "title"
        ),
        ["Login page crashes"]
    );
    assert_eq!(
        search("repo:acme/hello-world is:pr").await["total_count"],
        0
    );
    assert_eq!(
        search("repo:acme/hello-world is:issue is:closed").await["total_count"],
        0
    );
    assert_eq!(
        names(&search("assignee:hubot").await["items"], "title"),
        ["Dark mode"]
    );
    assert_eq!(
        names(&search("author:hubot is:open").await["items"], "title"),
        ["Found a bug"]
    );
    assert_eq!(search("trace in:title").await["total_count"], 0);
    assert_eq!(search("trace in:body").await["total_count"], 1);
    assert_eq!(code(api.get("/search/issues").await), "missing");
    let page = api
        .get("/search/issues?q=repo%3Aacme%2Fhello-world&per_page=1")
        .await;
    assert!(page.headers.contains_key("link"));
    let repos = fetch(&api, "/search/repositories?q=hello+org%3Aacme").await;
    assert_eq!(names(&repos["items"], "full_name"), ["acme/hello-world"]);
    // Private repositories are found only by those who can see them.
    assert_eq!(
        fetch(&api, "/search/repositories?q=notes").await["total_count"],
        1
    );
    assert_eq!(
        fetch(&reviewer(&gh), "/search/repositories?q=notes").await["total_count"],
        0
    );
    assert_eq!(
        fetch(&anonymous(&gh), "/search/repositories?q=user%3Aoctocat").await["total_count"],
        0
    );
}
