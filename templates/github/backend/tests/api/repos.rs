//! Users, organizations, repositories, topics, collaborators and branches.

use serde_json::json;

use crate::common::{
    REPO, api, app, code, created, delete, error, fetch, fields, names, names_at, not_found, rels,
    reviewer, updated,
};

#[asym::clone("github", seed = "basic")]
async fn users_and_orgs(gh: asym::GitHub) {
    let api = api(&gh);
    let me = fetch(&api, "/user").await;
    assert_eq!(
        (me["id"].as_i64(), me["type"].as_str()),
        (Some(1), Some("User"))
    );
    assert_eq!(me["url"], format!("{}/users/octocat", gh.api_url()));
    assert!(me["plan"].is_object());
    let hubot = fetch(&api, "/users/HUBOT").await;
    assert_eq!(hubot["login"], "hubot");
    assert!(hubot.get("plan").is_none());
    assert_eq!(names_at(&api, "/user/orgs", "login").await, ["acme"]);
    let org = fetch(&api, "/orgs/acme").await;
    assert_eq!(
        (org["type"].as_str(), org["public_repos"].as_i64()),
        (Some("Organization"), Some(1))
    );
    assert_eq!(
        names_at(&api, "/orgs/acme/members", "login").await,
        ["octocat", "hubot"]
    );
    assert_eq!(
        names_at(&api, "/orgs/acme/members?role=admin", "login").await,
        ["octocat"]
    );
    api.get("/orgs/acme/members/hubot").await.expect(204);
    not_found(&api, &["/orgs/acme/members/acme-bot[bot]", "/orgs/octocat"]).await;
    assert_eq!(
        code(api.get("/orgs/acme/members?role=boss").await),
        "invalid"
    );
}

#[asym::clone("github", seed = "basic")]
async fn repository_lifecycle(gh: asym::GitHub) {
    let api = api(&gh);
    let made = created(
        &api,
        "/user/repos",
        &json!({ "name": "new thing", "description": "d", "private": true, "auto_init": true }),
    )
    .await;
    assert_eq!(made["full_name"], "octocat/new-thing");
    assert_eq!(
        (made["private"].as_bool(), made["visibility"].as_str()),
        (Some(true), Some("private"))
    );
    assert_eq!(made["permissions"]["admin"], true);
    assert_eq!(made["owner"]["login"], "octocat");
    let readme = fetch(&api, "/repos/octocat/new-thing/readme").await;
    assert_eq!(readme["path"], "README.md");
    let again = api
        .post("/user/repos", &json!({ "name": "new-thing" }))
        .await;
    assert_eq!(error(again.clone(), 422), "Repository creation failed.");
    assert_eq!(
        again.body["errors"][0]["message"],
        "name already exists on this account"
    );
    assert_eq!(
        code(api.post("/user/repos", &json!({ "name": "" })).await),
        "missing_field"
    );
    api.post("/user/repos", &json!({})).await.expect(422);
    // Org repositories: members may create them; the app only with `administration`, which
    // the seeded app has not.
    let org_repo = created(
        &reviewer(&gh),
        "/orgs/acme/repos",
        &json!({ "name": "tools" }),
    )
    .await;
    assert_eq!(org_repo["organization"]["login"], "acme");
    app(&gh)
        .post("/orgs/acme/repos", &json!({ "name": "bot-made" }))
        .await
        .expect(403);
    app(&gh)
        .post("/user/repos", &json!({ "name": "x" }))
        .await
        .expect(403);
    // Update, rename, default branch.
    let updated = updated(
        &api,
        "/repos/octocat/new-thing",
        &json!({ "name": "renamed", "description": "", "has_wiki": false }),
    )
    .await;
    assert_eq!(
        fields(&updated, ["/full_name", "/description"]),
        json!(["octocat/renamed", ""])
    );
    // The old name leads to the new one (a client follows GitHub's redirect).
    assert_eq!(
        fetch(&api, "/repos/octocat/new-thing").await["full_name"],
        "octocat/renamed"
    );
    assert_eq!(
        code(
            api.patch(
                "/repos/octocat/renamed",
                &json!({ "default_branch": "nope" })
            )
            .await
        ),
        "custom"
    );
    api.patch(REPO, &json!({ "private": "yes" }))
        .await
        .expect(422);
    // A name that is nothing once cleaned renames nothing.
    for blank in ["", "  ", ".."] {
        let reply = api.patch(REPO, &json!({ "name": blank })).await;
        assert_eq!(code(reply), "custom", "{blank:?}");
    }
    assert_eq!(fetch(&api, REPO).await["name"], "hello-world");
    reviewer(&gh)
        .patch(REPO, &json!({ "description": "mine" }))
        .await
        .expect(403);
    // Lists.
    let mine = names_at(&api, "/user/repos", "full_name").await;
    assert!(
        mine.contains(&"acme/hello-world".to_owned())
            && mine.contains(&"octocat/renamed".to_owned()),
        "{mine:?}"
    );
    let hubots = names_at(&reviewer(&gh), "/user/repos", "full_name").await;
    assert!(
        !hubots.contains(&"octocat/private-notes".to_owned()),
        "{hubots:?}"
    );
    let org = names_at(&api, "/orgs/acme/repos?sort=full_name", "name").await;
    assert_eq!(org, ["hello-world", "tools"]);
    assert_eq!(
        names_at(&api, "/users/octocat/repos?type=public", "name").await,
        Vec::<String>::new()
    );
    assert_eq!(code(api.get("/user/repos?sort=stars").await), "invalid");
    // Delete needs admin and the delete_repo scope.
    delete(&reviewer(&gh), "/repos/acme/tools")
        .await
        .expect(403);
    delete(&api, "/repos/octocat/renamed").await.expect(204);
    crate::common::not_found(
        &api,
        &["/repos/octocat/renamed", "/repos/octocat/new-thing"],
    )
    .await;
}

#[asym::clone("github", seed = "basic")]
async fn a_renamed_repository_redirects(gh: asym::GitHub) {
    let api = api(&gh);
    crate::common::new_repo(&api, "before").await;
    updated(
        &api,
        "/repos/octocat/before",
        &json!({ "name": "after", "private": true }),
    )
    .await;
    let raw = api
        .clone()
        .without_redirects()
        .with_header("Host", "elsewhere.example");
    let base = gh.api_url();
    let send = async |method: reqwest::Method, path: &str| {
        let answer = raw.send(method, path, Some(&json!({ "title": "t" }))).await;
        let location = answer.header("location").map(str::to_owned);
        (answer.status, location, answer.body)
    };
    // A read is moved permanently (301), a write temporarily (307), to the same route and
    // query under the repository's id, at the clone's address whatever `Host` said.
    let id = fetch(&api, "/repos/octocat/after").await["id"].clone();
    let moved = format!("{base}/repositories/{id}/issues?state=all");
    for (method, status) in [(reqwest::Method::GET, 301), (reqwest::Method::POST, 307)] {
        let (got, location, body) = send(method, "/repos/octocat/before/issues?state=all").await;
        assert_eq!((got, location.as_deref()), (status, Some(moved.as_str())));
        assert_eq!(
            fields(&body, ["/message", "/url", "/documentation_url"]),
            json!([
                "Moved Permanently",
                moved,
                "https://docs.github.com/v3/#http-redirects"
            ])
        );
    }
    // The redirect's target is served: the route under `/repositories/{id}` answers as under
    // the repository's name, writes included.
    let made = created(
        &api,
        &format!("/repositories/{id}/issues"),
        &json!({ "title": "by id" }),
    )
    .await;
    let path = format!("/repositories/{id}/issues/{}", made["number"]);
    let read = fetch(&api, &path).await;
    assert_eq!(
        (&read["title"], &read["repository_url"]),
        (
            &json!("by id"),
            &json!(format!("{base}/repos/octocat/after"))
        )
    );
    let listed = fetch(&api, &format!("/repositories/{id}/issues?state=all")).await;
    assert_eq!(names(&listed, "title"), ["by id"]);
    assert_eq!(
        fetch(&api, &format!("/repositories/{id}/readme")).await["path"],
        "README.md"
    );
    not_found(
        &reviewer(&gh),
        &[&path, &format!("/repositories/{id}/readme")],
    )
    .await;
    // Someone who cannot see it, and a route outside `/repos`, get 404.
    not_found(&reviewer(&gh), &["/repos/octocat/before"]).await;
    let (got, _, _) = send(reqwest::Method::GET, "/user/starred/octocat/before").await;
    assert_eq!(got, 404);
    // A repository made under the old name takes it back.
    crate::common::new_repo(&api, "before").await;
    assert_eq!(
        fetch(&api, "/repos/octocat/before").await["full_name"],
        "octocat/before"
    );
}

#[asym::clone("github", seed = "basic")]
async fn topics_collaborators_and_branches(gh: asym::GitHub) {
    let api = api(&gh);
    assert_eq!(
        fetch(&api, &format!("{REPO}/topics")).await["names"],
        json!([])
    );
    let set = api
        .put(
            &format!("{REPO}/topics"),
            &json!({ "names": ["Rust", "asym"] }),
        )
        .await
        .expect(200);
    assert_eq!(set["names"], json!(["rust", "asym"]));
    assert_eq!(fetch(&api, REPO).await["topics"], json!(["rust", "asym"]));
    assert_eq!(
        code(
            api.put(
                &format!("{REPO}/topics"),
                &json!({ "names": ["no spaces"] })
            )
            .await
        ),
        "invalid"
    );
    let collaborators = fetch(&api, &format!("{REPO}/collaborators")).await;
    assert!(names(&collaborators, "login").contains(&"hubot".to_owned()));
    api.get(&format!("{REPO}/collaborators/hubot"))
        .await
        .expect(204);
    let permission = fetch(&api, &format!("{REPO}/collaborators/hubot/permission")).await;
    assert_eq!(
        fields(&permission, ["/permission", "/user/login"]),
        json!(["write", "hubot"])
    );
    let private = fetch(
        &api,
        "/repos/octocat/private-notes/collaborators/hubot/permission",
    )
    .await;
    assert_eq!(private["permission"], "none");
    let invited = api
        .put(
            "/repos/octocat/private-notes/collaborators/hubot",
            &json!({ "permission": "pull" }),
        )
        .await
        .expect(201);
    assert_eq!(invited["invitee"]["login"], "hubot");
    fetch(&reviewer(&gh), "/repos/octocat/private-notes").await;
    api.put(
        "/repos/octocat/private-notes/collaborators/hubot",
        &json!({ "permission": "push" }),
    )
    .await
    .expect(204);
    assert_eq!(
        code(
            api.put(
                "/repos/octocat/private-notes/collaborators/hubot",
                &json!({ "permission": "god" })
            )
            .await
        ),
        "invalid"
    );
    delete(&api, "/repos/octocat/private-notes/collaborators/hubot")
        .await
        .expect(204);
    reviewer(&gh)
        .get("/repos/octocat/private-notes")
        .await
        .expect(404);
    let branches = fetch(&api, &format!("{REPO}/branches")).await;
    assert_eq!(names(&branches, "name"), ["main"]);
    let main = fetch(&api, &format!("{REPO}/branches/main")).await;
    assert_eq!(main["commit"]["sha"], crate::common::MAIN_SHA);
    assert_eq!(main["commit"]["commit"]["message"], "Initial commit");
    assert_eq!(
        error(
            api.get(&format!("{REPO}/branches/main/protection")).await,
            404
        ),
        "Branch not protected"
    );
    assert_eq!(
        error(api.get(&format!("{REPO}/branches/nope")).await, 404),
        "Branch not found"
    );
}

/// Writes `text` to `path` on `branch` (default: main) of the fixture repository.
async fn write(api: &asym_kit::testing::Api, path: &str, text: &str) {
    api.put(
        &format!("{REPO}/contents/{path}"),
        &json!({ "message": format!("Add {path}"), "content": crate::common::b64(text) }),
    )
    .await
    .expect(201);
}

#[asym::clone("github", seed = "basic")]
async fn languages_count_the_default_branch_files_and_name_the_repository_language(
    gh: asym::GitHub,
) {
    let api = api(&gh);
    let languages = format!("{REPO}/languages");
    // Only README.md: prose, not counted.
    assert_eq!(fetch(&api, &languages).await, json!({}));
    assert_eq!(fetch(&api, REPO).await["language"], json!(null));
    write(&api, "src/main.rs", "fn main() {}\n").await;
    write(&api, "web/app.js", "console.log(1);\nconsole.log(2);\n").await;
    write(&api, "web/index.html", "<p>hi</p>\n").await;
    write(&api, "vendor/lib.go", &"x".repeat(500)).await;
    write(&api, "config.json", &"1".repeat(500)).await;
    let answer = fetch(&api, &languages).await;
    assert_eq!(
        answer.as_object().unwrap().iter().collect::<Vec<_>>(),
        [
            (&"JavaScript".to_owned(), &json!(32)),
            (&"Rust".to_owned(), &json!(13)),
            (&"HTML".to_owned(), &json!(10)),
        ]
    );
    assert_eq!(fetch(&api, REPO).await["language"], "JavaScript");
    let listed = fetch(&api, "/orgs/acme/repos").await;
    assert_eq!(listed[0]["language"], "JavaScript");
    // Another branch does not change it; making that branch the default does.
    crate::common::branch(&api, "py", "tool.py", &"print(1)\n".repeat(10)).await;
    assert_eq!(fetch(&api, REPO).await["language"], "JavaScript");
    let patched = updated(&api, REPO, &json!({ "default_branch": "py" })).await;
    assert_eq!(patched["language"], "Python");
    assert_eq!(fetch(&api, &languages).await["Python"], 90);
    error(api.get("/repos/acme/nope/languages").await, 404);
    let empty = created(&api, "/user/repos", &json!({ "name": "blank" })).await;
    assert_eq!(empty["language"], json!(null));
    assert_eq!(
        fetch(&api, "/repos/octocat/blank/languages").await,
        json!({})
    );
}

#[asym::clone("github", seed = "basic")]
async fn contributors_count_default_branch_authors_and_forks_are_empty(gh: asym::GitHub) {
    let api = api(&gh);
    for (i, author) in [
        json!(null),
        json!(null),
        json!({ "name": "Ghost", "email": "ghost@example.com" }),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = json!({ "message": "Add", "content": crate::common::b64("x") });
        if !author.is_null() {
            body["author"] = author;
        }
        reviewer(&gh)
            .put(&format!("{REPO}/contents/f{i}.txt"), &body)
            .await
            .expect(201);
    }
    let people = fetch(&api, &format!("{REPO}/contributors")).await;
    assert_eq!(
        fields(
            &people,
            [
                "/0/login",
                "/0/contributions",
                "/1/login",
                "/1/contributions"
            ]
        ),
        json!(["hubot", 2, "octocat", 1])
    );
    assert_eq!(people.as_array().unwrap().len(), 2);
    let all = api
        .get(&format!("{REPO}/contributors?anon=1&per_page=1&page=2"))
        .await;
    assert!(all.header("link").unwrap().contains("rel=\"first\""));
    assert_eq!(
        all.expect(200),
        json!([{ "email": "ghost@example.com", "name": "Ghost", "type": "Anonymous", "contributions": 1 }])
    );
    created(&api, "/user/repos", &json!({ "name": "blank" })).await;
    let empty = api.get("/repos/octocat/blank/contributors").await;
    assert_eq!((empty.status, &empty.body), (204, &json!(null)));
    error(api.get("/repos/acme/nope/contributors").await, 404);
    assert_eq!(fetch(&api, &format!("{REPO}/forks")).await, json!([]));
    error(api.get("/repos/acme/nope/forks").await, 404);
}

/// A repository's keys come in GitHub's order (its renderer builds the object once, not
/// through jsonb, which sorts keys by length): the shared fields, `permissions`, then the full
/// repository's merge settings, organization and counts.
#[asym::clone("github", seed = "basic")]
async fn repository_keys_are_in_githubs_order(gh: asym::GitHub) {
    let api = api(&gh);
    let keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    let full = keys(&fetch(&api, REPO).await);
    assert_eq!(
        full[..6],
        ["id", "node_id", "name", "full_name", "private", "owner"]
    );
    assert_eq!(
        full[full.len() - 11..],
        [
            "default_branch",
            "permissions",
            "allow_squash_merge",
            "allow_merge_commit",
            "allow_rebase_merge",
            "allow_auto_merge",
            "delete_branch_on_merge",
            "allow_update_branch",
            "organization",
            "network_count",
            "subscribers_count"
        ]
    );
    let listed = fetch(&api, "/orgs/acme/repos").await;
    let listed = keys(&listed[0]);
    assert_eq!(listed[..6], full[..6]);
    assert_eq!(
        listed[listed.len() - 3..],
        ["default_branch", "delete_branch_on_merge", "permissions"]
    );
}

#[asym::clone("github", seed = "basic")]
async fn a_repository_and_an_account_are_found_by_id(gh: asym::GitHub) {
    let api = api(&gh);
    let hello = fetch(&api, REPO).await;
    let by_id = fetch(&api, &format!("/repositories/{}", hello["id"])).await;
    assert_eq!(by_id, hello);
    assert_eq!(
        fetch(&api, "/user/2").await,
        fetch(&api, "/users/hubot").await
    );
    let private = fetch(&api, "/repos/octocat/private-notes").await;
    let hidden = format!("/repositories/{}", private["id"]);
    not_found(
        &reviewer(&gh),
        &[
            &hidden,
            "/repositories/999999",
            "/repositories/x",
            "/user/999999",
            "/user/%00",
        ],
    )
    .await;
}

#[asym::clone("github", seed = "basic")]
async fn an_installation_lists_its_repositories(gh: asym::GitHub) {
    let listed = fetch(&app(&gh), "/installation/repositories").await;
    assert_eq!(
        fields(&listed, ["/total_count", "/repository_selection"]),
        json!([1, "all"])
    );
    assert_eq!(
        names(&listed["repositories"], "full_name"),
        ["acme/hello-world"]
    );
    // A repository made in the organization is the installation's too.
    created(
        &api(&gh),
        "/orgs/acme/repos",
        &json!({ "name": "bots", "private": true }),
    )
    .await;
    let page = app(&gh).get("/installation/repositories?per_page=1").await;
    assert_eq!(rels(&page), ["next", "last"]);
    assert_eq!(
        page.expect(200)["repositories"][0]["full_name"],
        "acme/bots"
    );
    let refused = api(&gh).get("/installation/repositories").await;
    assert_eq!(
        error(refused, 403),
        "You must authenticate with an installation access token in order to list repositories for an installation."
    );
}

#[asym::clone("github", seed = "basic")]
async fn an_installation_may_not_act_as_a_user(gh: asym::GitHub) {
    use reqwest::Method;
    let app = app(&gh);
    let body = json!({ "name": "bot-repo" });
    for (method, path, page) in [
        (
            Method::GET,
            "/user",
            "users/users#get-the-authenticated-user",
        ),
        (
            Method::GET,
            "/user/orgs",
            "orgs/orgs#list-organizations-for-the-authenticated-user",
        ),
        (
            Method::GET,
            "/user/repos",
            "repos/repos#list-repositories-for-the-authenticated-user",
        ),
        (
            Method::POST,
            "/user/repos",
            "repos/repos#create-a-repository-for-the-authenticated-user",
        ),
        (
            Method::GET,
            "/user/starred",
            "activity/starring#list-repositories-starred-by-the-authenticated-user",
        ),
        (
            Method::GET,
            "/user/starred/acme/hello-world",
            "activity/starring#check-if-a-repository-is-starred-by-the-authenticated-user",
        ),
        (
            Method::PUT,
            "/user/starred/acme/hello-world",
            "activity/starring#star-a-repository-for-the-authenticated-user",
        ),
        (
            Method::DELETE,
            "/user/starred/acme/hello-world",
            "activity/starring#unstar-a-repository-for-the-authenticated-user",
        ),
        (
            Method::GET,
            "/issues?filter=all",
            "issues/issues#list-issues-assigned-to-the-authenticated-user",
        ),
        (
            Method::GET,
            "/user/issues",
            "issues/issues#list-user-account-issues-assigned-to-the-authenticated-user",
        ),
        (
            Method::GET,
            "/orgs/acme/issues",
            "issues/issues#list-organization-issues-assigned-to-the-authenticated-user",
        ),
    ] {
        let answer = app
            .send(method.clone(), path, Some(&body))
            .await
            .expect(403);
        assert_eq!(
            answer,
            json!({
                "message": "Resource not accessible by integration",
                "documentation_url": format!("https://docs.github.com/rest/{page}"),
                "status": "403",
            }),
            "{method} {path}"
        );
    }
    // Nothing was starred; the routes that read no caller still serve the app.
    assert_eq!(
        fetch(&app, "/repos/acme/hello-world").await["stargazers_count"],
        0
    );
    assert_eq!(fetch(&app, "/user/2").await["login"], "hubot");
}

#[asym::clone("github", seed = "basic")]
async fn organization_memberships(gh: asym::GitHub) {
    let api = api(&gh);
    let hubot = fetch(&api, "/orgs/acme/memberships/hubot").await;
    assert_eq!(
        fields(
            &hubot,
            ["/state", "/role", "/organization/login", "/user/login"]
        ),
        json!(["active", "member", "acme", "hubot"])
    );
    assert!(
        hubot["url"]
            .as_str()
            .unwrap()
            .ends_with("/orgs/acme/memberships/hubot")
    );
    assert!(
        hubot["organization_url"]
            .as_str()
            .unwrap()
            .ends_with("/orgs/acme")
    );
    let mine = fetch(&api, "/user/memberships/orgs/acme").await;
    assert_eq!(
        fields(&mine, ["/role", "/user/login"]),
        json!(["admin", "octocat"])
    );
    let listed = fetch(&reviewer(&gh), "/user/memberships/orgs").await;
    assert_eq!(names(&listed, "role"), ["member"]);
    assert_eq!(
        fetch(&api, "/user/memberships/orgs?state=pending").await,
        json!([])
    );
    // Not members, unknown organizations: 404; without credentials: 401.
    not_found(
        &api,
        &[
            "/orgs/acme/memberships/nobody",
            "/orgs/nope/memberships/hubot",
            "/orgs/octocat/memberships/octocat",
            "/user/memberships/orgs/nope",
        ],
    )
    .await;
    let anonymous = crate::common::anonymous(&gh)
        .get("/user/memberships/orgs/acme")
        .await;
    assert_eq!(error(anonymous, 401), "Requires authentication");
}

#[asym::clone("github", seed = "basic")]
async fn an_owner_sets_and_removes_organization_memberships(gh: asym::GitHub) {
    use reqwest::Method;
    let api = api(&gh);
    let hubot = "/orgs/acme/memberships/hubot";
    // Promoted: answered as the membership reads, then listed and seen as an admin.
    let promoted = api.put(hubot, &json!({ "role": "admin" })).await;
    let promoted = promoted.expect(200);
    assert_eq!(promoted, fetch(&api, hubot).await);
    assert_eq!([&promoted["state"], &promoted["role"]], ["active", "admin"]);
    assert_eq!(
        fetch(&reviewer(&gh), "/user/memberships/orgs/acme").await["role"],
        "admin"
    );
    let admins = fetch(&api, "/orgs/acme/members?role=admin").await;
    assert_eq!(names(&admins, "login"), ["octocat", "hubot"]);
    // No `role` is `member`.
    assert_eq!(
        api.put(hubot, &json!({})).await.expect(200)["role"],
        "member"
    );
    // Refusals: a role GitHub does not know, an owner demoting themselves, a token without
    // `admin:org`, unknown users and organizations, a user who is not a member.
    assert_eq!(
        code(api.put(hubot, &json!({ "role": "owner" })).await),
        "invalid"
    );
    let demoted = api
        .put(
            "/orgs/acme/memberships/octocat",
            &json!({ "role": "member" }),
        )
        .await;
    assert_eq!(
        error(demoted, 403),
        "You cannot demote yourself. Admins must be demoted by another admin."
    );
    for method in [Method::PUT, Method::DELETE] {
        let reply = reviewer(&gh).send(method, hubot, Some(&json!({}))).await;
        assert!(error(reply, 403).contains("'admin:org' scope"));
    }
    for path in [
        "/orgs/acme/memberships/nobody",
        "/orgs/nope/memberships/hubot",
        "/orgs/acme/memberships/acme",
    ] {
        api.put(path, &json!({})).await.expect(404);
    }
    // Removed through either route: no longer a member, then 404.
    delete(&api, hubot).await.expect(204);
    not_found(&api, &["/orgs/acme/members/hubot", hubot]).await;
    delete(&api, hubot).await.expect(404);
    // A user who is not a member is invited: pending (not a member) until they accept.
    let invited = api.put(hubot, &json!({ "role": "member" })).await;
    let invited = invited.expect(200);
    assert_eq!([&invited["state"], &invited["role"]], ["pending", "member"]);
    not_found(&api, &["/orgs/acme/members/hubot"]).await;
    let accept = json!({ "state": "active" });
    let joined = updated(&reviewer(&gh), "/user/memberships/orgs/acme", &accept).await;
    assert_eq!([&joined["state"], &joined["role"]], ["active", "member"]);
    delete(&api, "/orgs/acme/members/hubot").await.expect(204);
    assert_eq!(
        names_at(&api, "/orgs/acme/members", "login").await,
        ["octocat"]
    );
}
