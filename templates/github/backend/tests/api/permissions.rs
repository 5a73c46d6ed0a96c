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
    let (fork, member, empty) = (
        json!({ "organization": "acme", "name": "fork" }),
        json!({ "role": "member" }),
        json!({}),
    );
    // (token, method and path below the repository, body, status, accepted, refusal's page)
    let create = "issues/issues#create-an-issue";
    for (who, call, body, status, accepted, page) in [
        (&issues_read, "GET issues", None, 200, "issues=read", ""),
        (&issues_read, "GET issues/1", None, 200, "issues=read", ""),
        (
            &issues_read,
            "POST issues",
            Some(&issue),
            403,
            "issues=write",
            create,
        ),
        (&issues_read, "GET ", None, 200, "metadata=read", ""),
        (
            &contents_read,
            "GET contents/README.md",
            None,
            200,
            "contents=read",
            "",
        ),
        (
            &contents_read,
            "PUT contents/notes.txt",
            Some(&notes),
            403,
            "contents=write",
            "repos/contents#create-or-update-file-contents",
        ),
        (
            &contents_read,
            "GET issues",
            None,
            403,
            "issues=read",
            "issues/issues#list-repository-issues",
        ),
        (
            &pulls_write,
            "POST issues",
            Some(&issue),
            403,
            "issues=write",
            create,
        ),
        // GitHub grants an issue's comments to `pull_requests` too.
        (
            &pulls_write,
            "POST issues/1/comments",
            Some(&comment),
            201,
            "issues=write; pull_requests=write",
            "",
        ),
        // The provisioned token holds the app's permissions, and only those.
        (&app, "POST issues", Some(&issue), 201, "issues=write", ""),
        (
            &app,
            "PUT contents/bot.txt",
            Some(&bot),
            201,
            "contents=write",
            "",
        ),
        (
            &app,
            "GET hooks",
            None,
            403,
            "repository_hooks=read",
            "repos/webhooks#list-repository-webhooks",
        ),
        (
            &app,
            "POST /orgs/acme/repos",
            Some(&repo),
            403,
            "administration=write",
            "repos/repos#create-an-organization-repository",
        ),
        // A fork needs both `administration: write` and `contents: read`.
        (
            &app,
            "POST forks",
            Some(&fork),
            403,
            "administration=write,contents=read",
            "repos/forks#create-a-fork",
        ),
        // The legacy team paths need `members`, as the org-name ones do.
        (
            &app,
            "GET /teams/1/members",
            None,
            403,
            "members=read",
            "teams/members#list-team-members-legacy",
        ),
        (
            &app,
            "PUT /organizations/100/team/1/memberships/hubot",
            Some(&member),
            403,
            "members=write",
            "teams/members#add-or-update-team-membership-for-a-user",
        ),
        // GitHub's list of installation-token routes holds these two (`pull_requests: write`):
        // past the check, the pull request the basic seed lacks is 404.
        (
            &app,
            "PUT pulls/9/update-branch",
            Some(&empty),
            404,
            "pull_requests=write",
            "",
        ),
        (
            &app,
            "POST pulls/9/comments/1/replies",
            Some(&comment),
            404,
            "pull_requests=write",
            "",
        ),
        (
            &contents_read,
            "PUT pulls/9/update-branch",
            Some(&empty),
            403,
            "pull_requests=write",
            "pulls/pulls#update-a-pull-request-branch",
        ),
    ] {
        let (method, path) = call.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let path = match path {
            "" => REPO.to_owned(),
            absolute if absolute.starts_with('/') => absolute.to_owned(),
            below => format!("{REPO}/{below}"),
        };
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
    let reply = owner.post(&format!("{REPO}/issues"), &issue).await;
    assert_eq!(reply.header("x-accepted-github-permissions"), None);
    reply.expect(201);
    fetch(&owner, &format!("{REPO}/hooks")).await;
}
