//! Auth, errors, headers, pagination, conditional requests and bad input.

use asym_kit::testing::Api;
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::common::{
    MAIN_SHA, REPO, admin, anonymous, api, create_ref, created, delete, error, fetch, rels,
    reviewer,
};

#[asym::clone("github", seed = "basic")]
async fn auth_errors_and_scopes(gh: asym::GitHub) {
    assert_eq!(
        error(anonymous(&gh).get("/user").await, 401),
        "Requires authentication"
    );
    for header in ["Bearer ghp_nope", "token ghp_nope", "Digest abc"] {
        let bad = Api::new(gh.api_url()).with_header("Authorization", header);
        assert_eq!(
            error(bad.get("/user").await, 401),
            "Bad credentials",
            "{header}"
        );
    }
    let me = api(&gh).get("/user").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["login"], "octocat");
    let scopes = me.headers["x-oauth-scopes"].to_str().unwrap();
    assert!(
        scopes.contains("repo") && scopes.contains("delete_repo"),
        "{scopes}"
    );
    assert_eq!(me.headers["x-accepted-oauth-scopes"], "user");
    let theirs = fetch(&reviewer(&gh), "/user").await;
    assert_eq!(theirs["login"], "hubot");
    // A scope the reviewer lacks.
    let reply = delete(&reviewer(&gh), "/repos/octocat/private-notes").await;
    assert_eq!(
        reply.status, 404,
        "private repositories are hidden, not forbidden"
    );
    // Public resources answer without a token.
    assert_eq!(
        fetch(&anonymous(&gh), REPO).await["full_name"],
        "acme/hello-world"
    );
    anonymous(&gh)
        .get("/repos/octocat/private-notes")
        .await
        .expect(404);
}

#[asym::clone("github", seed = "basic")]
async fn rate_limit_headers_and_enforcement(gh: asym::GitHub) {
    let api = api(&gh);
    let first = api.get("/user").await;
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-used",
        "x-ratelimit-resource",
    ] {
        assert!(first.headers.contains_key(name), "{name}");
    }
    assert_eq!(first.headers["x-ratelimit-limit"], "5000");
    let used: u64 = first.headers["x-ratelimit-used"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let second = api.get("/user").await;
    assert_eq!(
        second.headers["x-ratelimit-used"].to_str().unwrap(),
        (used + 1).to_string()
    );
    let limits = fetch(&api, "/rate_limit").await;
    assert_eq!(limits["resources"]["core"]["limit"], 5000);
    assert_eq!(limits["rate"], limits["resources"]["core"]);
    // Enforcement is off until switched on.
    admin(&gh)
        .put("/api/admin/rate-limit", &json!({ "limit": 2 }))
        .await
        .expect(200);
    let reply = api.get("/user").await;
    assert_eq!(reply.status, 403);
    assert!(reply.headers.contains_key("retry-after"));
    assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
    assert!(error(reply, 403).starts_with("API rate limit exceeded"));
    admin(&gh)
        .put("/api/admin/rate-limit", &json!({ "limit": null }))
        .await
        .expect(200);
    fetch(&api, "/user").await;
}

#[asym::clone("github", seed = "basic")]
async fn pagination_etags_versions_and_unknown_routes(gh: asym::GitHub) {
    let api = api(&gh);
    for i in 0..5 {
        created(
            &api,
            &format!("{REPO}/issues"),
            &json!({ "title": format!("page {i}") }),
        )
        .await;
    }
    let first = api.get(&format!("{REPO}/issues?per_page=2")).await;
    assert_eq!(first.body.as_array().unwrap().len(), 2);
    assert_eq!(rels(&first), ["next", "last"]);
    let link = first.headers["link"].to_str().unwrap().to_owned();
    assert!(
        link.contains(&format!(
            "{}{REPO}/issues?per_page=2&page=3>; rel=\"last\"",
            gh.api_url()
        )),
        "{link}"
    );
    let middle = api.get(&format!("{REPO}/issues?per_page=2&page=2")).await;
    assert_eq!(rels(&middle), ["prev", "next", "last", "first"]);
    let capped = fetch(&api, &format!("{REPO}/issues?per_page=500")).await;
    assert_eq!(capped.as_array().unwrap().len(), 6);
    // ETag and If-None-Match.
    let reply = api.get(REPO).await;
    let tag = reply.headers["etag"].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""));
    assert_eq!(
        reply.headers["last-modified"],
        "Tue, 14 Nov 2023 22:13:20 GMT"
    );
    let again = api
        .clone()
        .with_header("If-None-Match", tag.clone())
        .get(REPO)
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.body, serde_json::Value::Null);
    // Versions.
    let versioned = api
        .clone()
        .with_header("X-GitHub-Api-Version", "2022-11-28")
        .get("/user")
        .await;
    assert_eq!(
        versioned.headers["x-github-api-version-selected"],
        "2022-11-28"
    );
    let old = api
        .clone()
        .with_header("X-GitHub-Api-Version", "2001-01-01")
        .get("/user")
        .await;
    assert!(error(old, 400).contains("not supported"));
    // Unknown routes and ids.
    for path in [
        "/nope",
        "/repos/acme/nope",
        &format!("{REPO}/issues/999"),
        &format!("{REPO}/issues/abc"),
        "/users/ghost",
    ] {
        assert_eq!(error(api.get(path).await, 404), "Not Found", "{path}");
    }
    // A route asked with a method it does not take is as unknown, not axum's bare 405.
    for path in ["/user", &format!("{REPO}/issues/1"), "/rate_limit"] {
        assert_eq!(error(api.delete(path).await, 404), "Not Found", "{path}");
    }
    let preferences = format!("{REPO}/check-suites/preferences");
    assert_eq!(error(api.get(&preferences).await, 404), "Not Found");
}

#[asym::clone("github", seed = "basic")]
async fn bad_input_never_5xx_and_leaves_data(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/issues");
    let deep = format!("{{\"title\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let mut many: Map<String, Value> = (0..10_001).map(|i| (format!("k{i}"), json!(1))).collect();
    many.insert("title".into(), json!("x"));
    let many = Value::Object(many).to_string();
    let huge = json!({ "title": "a".repeat(2 << 20) }).to_string();
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (b"{not json".to_vec(), 400),
        (deep.into_bytes(), 400),
        (many.into_bytes(), 400),
        (br#"{"title":"nul\u0000byte"}"#.to_vec(), 422),
        (b"{\"title\":\"\xff\xfe\"}".to_vec(), 400),
        (huge.into_bytes(), 413),
        (br#"{"title":["a"]}"#.to_vec(), 422),
        (br#"{"title":"x","labels":"#.to_vec(), 400),
        (br#"[1,2]"#.to_vec(), 400),
        (br#"{"title":"x","assignees":[1]}"#.to_vec(), 422),
    ];
    for (body, status) in cases {
        let reply = api
            .send_raw(Method::POST, &path, "application/json", body.clone())
            .await;
        assert_eq!(
            reply.status,
            status,
            "{}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
        error(reply, status);
    }
    // Traversal in a content path, invalid refs and shas.
    let put = json!({ "message": "m", "content": "eA==" });
    api.put(&format!("{REPO}/contents/a%2F..%2F..%2Fetc%2Fpasswd"), &put)
        .await
        .expect(422);
    api.put(
        &format!("{REPO}/contents/x"),
        &json!({ "message": "m", "content": "%%%" }),
    )
    .await
    .expect(422);
    api.get(&format!("{REPO}/git/commits/zzzz"))
        .await
        .expect(404);
    create_ref(&api, "refs/heads/a..b", MAIN_SHA)
        .await
        .expect(422);
    create_ref(&api, "refs/heads/ok", "0".repeat(40))
        .await
        .expect(422);
    // Nothing was written.
    let issues = fetch(&api, &format!("{REPO}/issues?state=all")).await;
    assert_eq!(issues.as_array().unwrap().len(), 1);
    let commits = fetch(&api, &format!("{REPO}/commits")).await;
    assert_eq!(commits.as_array().unwrap().len(), 1);
}

#[asym::clone("github", seed = "basic")]
async fn meta_routes(gh: asym::GitHub) {
    let anon = anonymous(&gh);
    let zen = anon.get("/zen").await;
    assert_eq!(zen.status, 200);
    assert!(zen.body.as_str().unwrap().ends_with('.'));
    assert!(
        anon.get("/octocat?s=hi")
            .await
            .body
            .as_str()
            .unwrap()
            .contains("hi")
    );
    assert!(fetch(&anon, "/meta").await["hooks"].is_array());
    assert!(
        fetch(&anon, "/").await["current_user_url"]
            .as_str()
            .unwrap()
            .starts_with(gh.api_url())
    );
    assert_eq!(
        fetch(&anon, "/rate_limit").await["resources"]["core"]["limit"],
        60
    );
}
