//! An installation token's permissions: a route needs the one GitHub's "Permissions
//! required for GitHub Apps" names, at `read` or `write`; without it GitHub's 403 with the
//! operation's page and `X-Accepted-GitHub-Permissions`. Persons' tokens are not concerned.

use asym_kit::testing::Api;
use reqwest::Method;
use serde_json::{Value, json};

use crate::apps::app_jwt;
use crate::common::*;

/// An installation token the app mints with `permissions`.
async fn minted(gh: &asym::GitHub, permissions: Value) -> Api {
    let body = json!({ "permissions": permissions });
    let token = created(&app_jwt(gh), "/app/installations/1/access_tokens", &body).await;
    Api::new(gh.api_url()).bearer(token["token"].as_str().unwrap())
}

#[asym::clone("github", seed = "basic")]
async fn an_installation_token_is_held_to_its_permissions(gh: asym::GitHub) {
    let issues_read = minted(&gh, json!({ "issues": "read" })).await;
    let contents_read = minted(&gh, json!({ "contents": "read" })).await;
    let pulls_write = minted(&gh, json!({ "pull_requests": "write" })).await;
    let (app, owner) = (app(&gh), api(&gh));
    let issue = json!({ "title": "from a token" });
    let file = |path: &str| json!({ "message": format!("Add {path}"), "content": b64("hi\n") });
    let (notes, bot) = (file("notes.txt"), file("bot.txt"));
    let (comment, repo) = (json!({ "body": "seen" }), json!({ "name": "bot-made" }));
    let issues = "/repos/acme/hello-world/issues";
    let contents = "/repos/acme/hello-world/contents";
    for (who, method, path, body, status, accepted, page) in [
        (
            &issues_read,
            Method::GET,
            issues.to_owned(),
            None,
            200,
            "issues=read",
            "",
        ),
        (
            &issues_read,
            Method::GET,
            format!("{issues}/1"),
            None,
            200,
            "issues=read",
            "",
        ),
        (
            &issues_read,
            Method::POST,
            issues.to_owned(),
            Some(&issue),
            403,
            "issues=write",
            "issues/issues#create-an-issue",
        ),
        (
            &issues_read,
            Method::GET,
            "/repos/acme/hello-world".to_owned(),
            None,
            200,
            "metadata=read",
            "",
        ),
        (
            &contents_read,
            Method::GET,
            format!("{contents}/README.md"),
            None,
            200,
            "contents=read",
            "",
        ),
        (
            &contents_read,
            Method::PUT,
            format!("{contents}/notes.txt"),
            Some(&notes),
            403,
            "contents=write",
            "repos/contents#create-or-update-file-contents",
        ),
        (
            &contents_read,
            Method::GET,
            issues.to_owned(),
            None,
            403,
            "issues=read",
            "issues/issues#list-repository-issues",
        ),
        (
            &pulls_write,
            Method::POST,
            issues.to_owned(),
            Some(&issue),
            403,
            "issues=write",
            "issues/issues#create-an-issue",
        ),
        // GitHub grants an issue's comments to `pull_requests` too.
        (
            &pulls_write,
            Method::POST,
            format!("{issues}/1/comments"),
            Some(&comment),
            201,
            "issues=write; pull_requests=write",
            "",
        ),
        // The provisioned token holds the app's permissions, and only those.
        (
            &app,
            Method::POST,
            issues.to_owned(),
            Some(&issue),
            201,
            "issues=write",
            "",
        ),
        (
            &app,
            Method::PUT,
            format!("{contents}/bot.txt"),
            Some(&bot),
            201,
            "contents=write",
            "",
        ),
        (
            &app,
            Method::GET,
            "/repos/acme/hello-world/hooks".to_owned(),
            None,
            403,
            "repository_hooks=read",
            "repos/webhooks#list-repository-webhooks",
        ),
        (
            &app,
            Method::POST,
            "/orgs/acme/repos".to_owned(),
            Some(&repo),
            403,
            "administration=write",
            "repos/repos#create-an-organization-repository",
        ),
    ] {
        let reply = who.send(method.clone(), &path, body).await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        assert_eq!(
            reply.header("x-accepted-github-permissions"),
            Some(accepted),
            "{method} {path}"
        );
        if status == 403 {
            assert_eq!(
                fields(&reply.body, ["/message", "/documentation_url", "/status"]),
                json!([
                    "Resource not accessible by integration",
                    format!("https://docs.github.com/rest/{page}"),
                    "403"
                ]),
                "{method} {path}"
            );
        }
    }
    // A person's token: classic scopes, as before, and no such header.
    let reply = owner.post(issues, &issue).await;
    assert_eq!(reply.header("x-accepted-github-permissions"), None);
    reply.expect(201);
    fetch(&owner, "/repos/acme/hello-world/hooks").await;
}
