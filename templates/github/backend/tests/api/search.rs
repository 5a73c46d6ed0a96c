//! Search over issues, pull requests, repositories, users, labels, commits and code; the
//! list of all users.

use serde_json::json;

use crate::common::{
    MAIN_SHA, README_SHA, REPO, anonymous, api, b64, code, created, error, fetch, fields, names,
    rels, reviewer,
};

/// `q` escaped for a query string.
fn q(text: &str) -> String {
    text.replace('%', "%25")
        .replace(' ', "+")
        .replace(':', "%3A")
        .replace('/', "%2F")
        .replace('>', "%3E")
        .replace('<', "%3C")
        .replace('"', "%22")
}

#[asym::clone("github", seed = "basic")]
async fn issues_and_repositories(gh: asym::GitHub) {
    let api = api(&gh);
    created(
        &api,
        &format!("{REPO}/issues"),
        &json!({ "title": "Login page crashes", "body": "stack trace", "labels": ["bug"] }),
    )
    .await;
    created(
        &api,
        &format!("{REPO}/issues"),
        &json!({ "title": "Dark mode", "labels": ["enhancement"], "assignees": ["hubot"] }),
    )
    .await;
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

#[asym::clone("github", seed = "basic")]
async fn users_by_words_and_qualifiers(gh: asym::GitHub) {
    let api = api(&gh);
    let search = |query: &str, extra: &str| {
        let api = api.clone();
        let path = format!("/search/users?q={}{extra}", q(query));
        async move { fetch(&api, &path).await }
    };
    let found = search("octo", "").await;
    assert_eq!(
        fields(&found, ["/total_count", "/incomplete_results"]),
        json!([1, false])
    );
    let octocat = &found["items"][0];
    assert_eq!(
        fields(octocat, ["/login", "/id", "/type", "/score"]),
        json!(["octocat", 1, "User", 1.0])
    );
    assert!(octocat["url"].as_str().unwrap().ends_with("/users/octocat"));
    // Words match login, name and public email; `in:` narrows that.
    assert_eq!(
        names(&search("Hubot", "").await["items"], "login"),
        ["hubot"]
    );
    assert_eq!(
        names(&search("acme.test in:email", "").await["items"], "login"),
        ["octocat", "hubot", "acme"]
    );
    assert_eq!(search("acme.test in:login", "").await["total_count"], 0);
    // Organizations are users of type Organization; app bots are not found.
    assert_eq!(
        names(&search("acme type:org", "").await["items"], "login"),
        ["acme"]
    );
    assert_eq!(
        names(
            &search("acme in:login type:user", "").await["items"],
            "login"
        ),
        Vec::<String>::new()
    );
    assert_eq!(search("bot", "").await["items"][0]["login"], "hubot");
    assert_eq!(search("bot", "").await["total_count"], 1);
    // Counts: acme owns one public repository, octocat one private one; nobody has followers.
    assert_eq!(
        names(&search("repos:>0", "").await["items"], "login"),
        ["acme"]
    );
    assert_eq!(search("repos:0 type:user", "").await["total_count"], 2);
    assert_eq!(search("followers:>0", "").await["total_count"], 0);
    assert_eq!(search("followers:0", "").await["total_count"], 3);
    assert_eq!(search("created:2023-11-14", "").await["total_count"], 3);
    assert_eq!(search("created:>2023-11-14", "").await["total_count"], 0);
    assert_eq!(search("location:francisco", "").await["total_count"], 2);
    // Sorts: repositories most first; joined, oldest first with `order=asc`.
    let by_repos = search("location:francisco", "&sort=repositories").await;
    assert_eq!(by_repos["items"][0]["login"], "acme");
    let joined = search("location:francisco", "&sort=joined&order=asc").await;
    assert_eq!(names(&joined["items"], "login"), ["octocat", "acme"]);
    let page = api
        .get(&format!(
            "/search/users?q={}&per_page=1",
            q("location:francisco")
        ))
        .await;
    assert_eq!(rels(&page), ["next", "last"]);
    for bad in [
        "/search/users",
        "/search/users?q=x&sort=stars",
        "/search/users?q=repos%3Amany",
    ] {
        assert!(
            ["missing", "invalid"].contains(&code(api.get(bad).await).as_str()),
            "{bad}"
        );
    }
}

#[asym::clone("github", seed = "basic")]
async fn labels_of_one_repository(gh: asym::GitHub) {
    let api = api(&gh);
    let repo = fetch(&api, REPO).await["id"].as_i64().unwrap();
    let found = fetch(&api, &format!("/search/labels?repository_id={repo}&q=bug")).await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(
        fields(
            &found["items"][0],
            ["/name", "/color", "/default", "/score"]
        ),
        json!(["bug", "d73a4a", true, 1.0])
    );
    assert!(
        found["items"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/repos/acme/hello-world/labels/bug")
    );
    // The description is searched too.
    let feature = fetch(
        &api,
        &format!("/search/labels?repository_id={repo}&q=feature"),
    )
    .await;
    assert_eq!(names(&feature["items"], "name"), ["enhancement"]);
    for without in ["q=bug".to_owned(), format!("repository_id={repo}")] {
        let reply = api.get(&format!("/search/labels?{without}")).await;
        assert_eq!(code(reply), "missing", "{without}");
    }
    // A repository the caller cannot see is not found.
    let notes = fetch(&api, "/repos/octocat/private-notes").await["id"]
        .as_i64()
        .unwrap();
    let hidden = reviewer(&gh)
        .get(&format!("/search/labels?repository_id={notes}&q=x"))
        .await;
    assert_eq!(error(hidden, 404), "Not Found");
}

#[asym::clone("github", seed = "basic")]
async fn commits_on_default_branches(gh: asym::GitHub) {
    let api = api(&gh);
    let put = json!({ "message": "Add greeting\n\nSays hello.", "content": b64("hello there\n") });
    let added = api
        .put(&format!("{REPO}/contents/src/greet.rs"), &put)
        .await
        .expect(201);
    let sha = added["commit"]["sha"].as_str().unwrap().to_owned();
    let search = |query: &str, extra: &str| {
        let api = api.clone();
        let path = format!("/search/commits?q={}{extra}", q(query));
        async move { fetch(&api, &path).await }
    };
    let all = search("repo:acme/hello-world", "").await;
    assert_eq!(all["total_count"], 2);
    // Newest first by committer date, each with its repository and score.
    let first = &all["items"][0];
    assert_eq!(
        fields(
            first,
            [
                "/sha",
                "/commit/message",
                "/repository/full_name",
                "/score",
                "/author/login"
            ]
        ),
        json!([
            sha,
            "Add greeting\n\nSays hello.",
            "acme/hello-world",
            1.0,
            "octocat"
        ])
    );
    assert!(first["commit"]["tree"]["sha"].is_string() && first["parents"][0]["sha"] == MAIN_SHA);
    let oldest = search("repo:acme/hello-world", "&sort=committer-date&order=asc").await;
    assert_eq!(oldest["items"][0]["sha"], MAIN_SHA);
    assert_eq!(
        names(&search("greeting", "").await["items"], "sha"),
        [sha.as_str()]
    );
    assert_eq!(
        search("initial author:octocat", "").await["items"][0]["sha"],
        MAIN_SHA
    );
    assert_eq!(search("author:hubot", "").await["total_count"], 0);
    assert_eq!(
        search(&format!("hash:{}", &sha[..7]), "").await["total_count"],
        1
    );
    assert_eq!(
        search(&format!("parent:{MAIN_SHA}"), "").await["total_count"],
        1
    );
    assert_eq!(search("merge:true", "").await["total_count"], 0);
    assert_eq!(
        search("author-date:<2024-01-01", "").await["total_count"],
        1
    );
    assert_eq!(
        search("committer-email:octocat@acme.test", "").await["total_count"],
        2
    );
    // Private repositories only for those who can see them (octocat/private-notes is empty).
    assert_eq!(search("is:private", "").await["total_count"], 0);
    assert_eq!(
        fetch(
            &reviewer(&gh),
            &format!("/search/commits?q={}", q("user:octocat"))
        )
        .await["total_count"],
        0
    );
    for bad in ["merge%3Amaybe", "x&sort=size"] {
        let reply = api.get(&format!("/search/commits?q={bad}")).await;
        assert_eq!(code(reply), "invalid", "{bad}");
    }
}

#[asym::clone("github", seed = "basic")]
async fn code_in_named_repositories(gh: asym::GitHub) {
    let api = api(&gh);
    for (path, text) in [
        ("src/lib.rs", "fn greet() {}\n"),
        ("docs/guide.md", "How to greet.\n"),
    ] {
        let put = json!({ "message": format!("Add {path}"), "content": b64(text) });
        api.put(&format!("{REPO}/contents/{path}"), &put)
            .await
            .expect(201);
    }
    let search = |query: &str| {
        let api = api.clone();
        let path = format!("/search/code?q={}", q(query));
        async move { fetch(&api, &path).await }
    };
    let found = search("greet repo:acme/hello-world").await;
    assert_eq!(
        names(&found["items"], "path"),
        ["docs/guide.md", "src/lib.rs"]
    );
    let lib = &found["items"][1];
    assert_eq!(
        fields(lib, ["/name", "/repository/full_name", "/score"]),
        json!(["lib.rs", "acme/hello-world", 1.0])
    );
    let blob = lib["git_url"].as_str().unwrap();
    assert!(blob.ends_with(&format!("/git/blobs/{}", lib["sha"].as_str().unwrap())));
    assert!(
        lib["url"]
            .as_str()
            .unwrap()
            .contains("/contents/src/lib.rs?ref=")
    );
    for (query, expected) in [
        ("greet org:acme language:rust", vec!["src/lib.rs"]),
        ("greet user:acme extension:md", vec!["docs/guide.md"]),
        ("greet repo:acme/hello-world path:src", vec!["src/lib.rs"]),
        ("repo:acme/hello-world filename:README", vec!["README.md"]),
        ("fixture repo:acme/hello-world", vec!["README.md"]),
        ("guide in:path repo:acme/hello-world", vec!["docs/guide.md"]),
        ("guide in:file repo:acme/hello-world", vec![]),
    ] {
        let paths = names(&search(query).await["items"], "path");
        assert_eq!(paths, expected, "{query}");
    }
    assert_eq!(
        search("fixture repo:acme/hello-world").await["items"][0]["sha"],
        README_SHA
    );
    // GitHub's refusals: no repository, user or organization named; one the caller cannot see;
    // no credentials.
    let unscoped = api.get("/search/code?q=greet").await.expect(422);
    assert_eq!(
        fields(
            &unscoped,
            ["/message", "/errors/0/message", "/errors/0/field"]
        ),
        json!([
            "Validation Failed",
            "Must include at least one user, organization, or repository",
            "q"
        ])
    );
    let hidden = reviewer(&gh)
        .get(&format!(
            "/search/code?q={}",
            q("x repo:octocat/private-notes")
        ))
        .await;
    assert_eq!(code(hidden), "invalid");
    let anonymous = anonymous(&gh)
        .get(&format!(
            "/search/code?q={}",
            q("greet repo:acme/hello-world")
        ))
        .await;
    assert_eq!(error(anonymous, 401), "Requires authentication");
}

#[asym::clone("github", seed = "basic")]
async fn all_users_listed_since_an_id(gh: asym::GitHub) {
    let anon = anonymous(&gh);
    let all = fetch(&anon, "/users").await;
    assert_eq!(names(&all, "login"), ["octocat", "hubot", "acme"]);
    let page = anon.get("/users?per_page=2").await;
    let link = page.headers["link"].to_str().unwrap().to_owned();
    let base = gh.api_url();
    assert_eq!(
        link,
        format!(
            "<{base}/users?per_page=2&since=2>; rel=\"next\", <{base}/users{{?since}}>; rel=\"first\""
        )
    );
    assert_eq!(names(&page.expect(200), "login"), ["octocat", "hubot"]);
    let rest = anon.get("/users?per_page=2&since=2").await;
    assert_eq!(
        rest.headers["link"].to_str().unwrap(),
        format!("<{base}/users{{?since}}>; rel=\"first\"")
    );
    assert_eq!(names(&rest.expect(200), "login"), ["acme"]);
    assert_eq!(fetch(&anon, "/users?since=100").await, json!([]));
}

#[asym::clone("github", seed = "basic")]
async fn topics_of_public_repositories(gh: asym::GitHub) {
    let api = api(&gh);
    let topics = |repo: &str, names: &[&str]| {
        let api = api.clone();
        let (path, body) = (format!("/repos/{repo}/topics"), json!({ "names": names }));
        async move { api.put(&path, &body).await.expect(200) }
    };
    topics("acme/hello-world", &["rust", "bots"]).await;
    crate::common::new_repo(&api, "other").await;
    topics("octocat/other", &["rust"]).await;
    topics("octocat/private-notes", &["secret-rust"]).await;
    let found = fetch(&api, "/search/topics?q=rust").await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(
        fields(
            &found["items"][0],
            [
                "/name",
                "/repository_count",
                "/featured",
                "/curated",
                "/score",
                "/display_name"
            ]
        ),
        json!(["rust", 2, false, false, 1.0, null])
    );
    let all = fetch(&api, &format!("/search/topics?q={}", q("repositories:>=1"))).await;
    assert_eq!(names(&all["items"], "name"), ["rust", "bots"]);
    assert_eq!(
        fetch(&api, &format!("/search/topics?q={}", q("rust is:featured"))).await["total_count"],
        0
    );
    assert_eq!(
        code(api.get("/search/topics?q=is%3Ashiny").await),
        "invalid"
    );
}
