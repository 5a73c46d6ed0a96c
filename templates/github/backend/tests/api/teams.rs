//! Teams: create, read (by slug, by its `url`, by the legacy id route), list, update, delete;
//! members and memberships (roles, pending for a user outside the organization, child teams'
//! members inherited); repositories and the permission a team gives its members there
//! (counted in the member's repository permission, a parent's reaching its child teams);
//! `GET /repos/{o}/{r}/teams`, `GET /user/teams`; and GitHub's errors.

use serde_json::{Value, json};

use crate::common::{
    api, app, code, count, created, database, delete, error, fetch, names, names_at, reviewer,
    updated,
};

/// hubot's permission on `repo` (`acme/…`), as `…/collaborators/hubot/permission` says it.
async fn hubot_role(owner: &asym_kit::testing::Api, repo: &str) -> Value {
    fetch(
        owner,
        &format!("/repos/acme/{repo}/collaborators/hubot/permission"),
    )
    .await["role_name"]
        .clone()
}

#[asym::clone("github", seed = "basic")]
async fn teams_are_created_read_listed_updated_and_deleted(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let team = created(
        &owner,
        "/orgs/acme/teams",
        &json!({"name": "Justice League", "description": "A great team.", "privacy": "closed",
                "repo_names": ["acme/hello-world"]}),
    )
    .await;
    assert_eq!(team["slug"], "justice-league");
    assert_eq!(team["privacy"], "closed");
    assert_eq!(team["permission"], "pull");
    assert_eq!(team["notification_setting"], "notifications_enabled");
    assert_eq!(team["parent"], Value::Null);
    // The creator is its maintainer; the repository is added with the team's permission.
    assert_eq!(
        (&team["members_count"], &team["repos_count"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(team["organization"]["login"], "acme");
    let url = team["url"].as_str().unwrap();
    let path = &url[gh.api_url().trim_end_matches('/').len()..];
    assert!(path.starts_with("/organizations/"), "{path}");
    assert!(
        team["html_url"]
            .as_str()
            .unwrap()
            .ends_with("/orgs/acme/teams/justice-league")
    );
    let id = team["id"].as_i64().unwrap();
    for read in [
        "/orgs/acme/teams/justice-league",
        "/orgs/ACME/teams/Justice-League",
        path,
        &format!("/teams/{id}"),
    ] {
        assert_eq!(fetch(&owner, read).await["id"], id, "{read}");
    }
    assert_eq!(
        names_at(&hubot, "/orgs/acme/teams", "slug").await,
        ["justice-league"]
    );

    // A secret team is seen by owners and its own members only.
    created(&owner, "/orgs/acme/teams", &json!({"name": "Cabal"})).await;
    assert_eq!(
        fetch(&owner, "/orgs/acme/teams/cabal").await["privacy"],
        "secret"
    );
    error(hubot.get("/orgs/acme/teams/cabal").await, 404);
    assert_eq!(
        names_at(&owner, "/orgs/acme/teams", "slug").await,
        ["cabal", "justice-league"]
    );
    assert_eq!(
        names_at(&hubot, "/orgs/acme/teams", "slug").await,
        ["justice-league"]
    );

    // A team of another organization, or none, is 404 however it is named.
    let org_id = team["organization"]["id"].as_i64().unwrap();
    for missing in [
        "/orgs/nope/teams/justice-league".to_owned(),
        "/orgs/acme/teams/nope".to_owned(),
        format!("/organizations/1/team/{id}"),
        format!("/organizations/{org_id}/team/999999"),
        "/teams/abc".to_owned(),
    ] {
        error(owner.get(&missing).await, 404);
    }

    // Bad bodies: GitHub's 422s.
    let taken = owner
        .post("/orgs/acme/teams", &json!({"name": "justice league"}))
        .await
        .expect(422);
    assert_eq!(
        taken["errors"][0]["message"],
        "Name must be unique for this org"
    );
    for (body, field) in [
        (json!({"name": "x", "privacy": "open"}), "privacy"),
        (
            json!({"name": "x", "notification_setting": "loud"}),
            "notification_setting",
        ),
        (json!({"name": "x", "permission": "write"}), "permission"),
        (
            json!({"name": "x", "parent_team_id": 999_999}),
            "parent_team_id",
        ),
        (
            json!({"name": "x", "maintainers": ["nobody-here"]}),
            "maintainers",
        ),
        (
            json!({"name": "x", "repo_names": ["octocat/private-notes"]}),
            "repo_names",
        ),
    ] {
        let body = owner.post("/orgs/acme/teams", &body).await.expect(422);
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(
        code(
            owner
                .post("/orgs/acme/teams", &json!({"description": "no name"}))
                .await
        ),
        "missing_field"
    );
    // hubot's classic token has `read:org`, not `admin:org`.
    let refused = error(
        hubot
            .post("/orgs/acme/teams", &json!({"name": "Mine"}))
            .await,
        403,
    );
    assert!(refused.contains("admin:org"), "{refused}");
    error(
        owner.post("/orgs/nope/teams", &json!({"name": "x"})).await,
        404,
    );

    // An update: a new name moves the slug; privacy, description, a parent.
    let edited = updated(
        &owner,
        "/orgs/acme/teams/justice-league",
        &json!({"name": "Justice Society", "description": null, "notification_setting": "notifications_disabled"}),
    )
    .await;
    assert_eq!(
        (&edited["slug"], &edited["description"]),
        (&json!("justice-society"), &Value::Null)
    );
    assert_eq!(edited["notification_setting"], "notifications_disabled");
    error(owner.get("/orgs/acme/teams/justice-league").await, 404);
    assert_eq!(
        owner
            .patch(path, &json!({"privacy": "open"}))
            .await
            .expect(422)["errors"][0]["field"],
        "privacy"
    );
    let clash = owner
        .patch(path, &json!({"name": "Cabal"}))
        .await
        .expect(422);
    assert_eq!(
        clash["errors"][0]["message"],
        "Name must be unique for this org"
    );

    delete(&owner, path).await.expect(204);
    error(owner.get(path).await, 404);
    assert_eq!(
        names_at(&owner, "/orgs/acme/teams", "slug").await,
        ["cabal"]
    );
}

#[asym::clone("github", seed = "basic")]
async fn memberships_have_roles_and_states_and_child_teams_count(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let db = database(&gh).await;
    db.execute(
        "INSERT INTO users (id, login, name) VALUES (50, 'mona', 'Mona')",
        &[],
    )
    .await
    .unwrap();
    let parent = created(
        &owner,
        "/orgs/acme/teams",
        &json!({"name": "Platform", "privacy": "closed"}),
    )
    .await;
    let child = created(
        &owner,
        "/orgs/acme/teams",
        &json!({"name": "Storage", "parent_team_id": parent["id"]}),
    )
    .await;
    // A child team is closed by default, and cannot be secret.
    assert_eq!(child["privacy"], "closed");
    assert_eq!(child["parent"]["slug"], "platform");
    let secret = json!({"name": "Deep", "parent_team_id": parent["id"], "privacy": "secret"});
    assert_eq!(
        owner.post("/orgs/acme/teams", &secret).await.expect(422)["errors"][0]["field"],
        "privacy"
    );
    assert_eq!(
        names_at(&owner, "/orgs/acme/teams/platform/teams", "slug").await,
        ["storage"]
    );
    // A team cannot be made its own descendant's child.
    let cycle = owner
        .patch(
            "/orgs/acme/teams/platform",
            &json!({"parent_team_id": child["id"]}),
        )
        .await;
    assert_eq!(cycle.expect(422)["errors"][0]["field"], "parent_team_id");

    let membership = "/orgs/acme/teams/storage/memberships/hubot";
    let added = owner
        .put(membership, &json!({"role": "maintainer"}))
        .await
        .expect(200);
    assert_eq!(
        (&added["role"], &added["state"]),
        (&json!("maintainer"), &json!("active"))
    );
    assert!(
        added["url"]
            .as_str()
            .unwrap()
            .ends_with("/memberships/hubot")
    );
    assert_eq!(fetch(&owner, membership).await["role"], "maintainer");
    assert_eq!(
        owner.put(membership, &json!({})).await.expect(200)["role"],
        "member"
    );
    assert_eq!(
        code(owner.put(membership, &json!({"role": "owner"})).await),
        "invalid"
    );

    // The parent's members include the child's, marked inherited; the creator (an owner) is
    // a maintainer.
    let members = fetch(&owner, "/orgs/acme/teams/platform/members").await;
    assert_eq!(names(&members, "login"), ["octocat", "hubot"]);
    assert_eq!(
        (&members[0]["role"], &members[0]["inherited"]),
        (&json!("maintainer"), &json!(false))
    );
    assert_eq!(
        (&members[1]["role"], &members[1]["inherited"]),
        (&json!("member"), &json!(true))
    );
    let maintainers = fetch(&owner, "/orgs/acme/teams/platform/members?role=maintainer").await;
    assert_eq!(names(&maintainers, "login"), ["octocat"]);
    assert_eq!(
        code(
            owner
                .get("/orgs/acme/teams/platform/members?role=boss")
                .await
        ),
        "invalid"
    );
    assert_eq!(
        fetch(&owner, "/orgs/acme/teams/platform/memberships/hubot").await["state"],
        "active"
    );
    let platform = parent["url"]
        .as_str()
        .unwrap()
        .replace(gh.api_url().trim_end_matches('/'), "");
    owner
        .get(&format!("{platform}/members/hubot"))
        .await
        .expect(204);

    // A user outside the organization is pending, and not a member yet.
    let pending = owner
        .put("/orgs/acme/teams/platform/memberships/mona", &json!({}))
        .await
        .expect(200);
    assert_eq!(pending["state"], "pending");
    error(owner.get(&format!("{platform}/members/mona")).await, 404);
    assert_eq!(
        names_at(&owner, "/orgs/acme/teams/platform/members", "login").await,
        ["octocat", "hubot"]
    );
    // No user of that login: an unknown one, an organization.
    for login in ["nobody-here", "acme"] {
        let path = format!("/orgs/acme/teams/platform/memberships/{login}");
        error(owner.put(&path, &json!({})).await, 404);
    }

    // The caller's teams.
    assert_eq!(names_at(&hubot, "/user/teams", "slug").await, ["storage"]);
    assert_eq!(
        fetch(&hubot, "/user/teams").await[0]["organization"]["login"],
        "acme"
    );
    let refused = error(app(&gh).get("/user/teams").await, 403);
    assert_eq!(refused, "Resource not accessible by integration");

    // Removal, through the membership and the legacy route; a user who is not in it is 404.
    delete(&owner, membership).await.expect(204);
    error(owner.get(membership).await, 404);
    error(delete(&owner, membership).await, 404);
    owner
        .put(&format!("{platform}/members/hubot"), &json!(null))
        .await
        .expect(204);
    assert_eq!(
        fetch(&owner, "/orgs/acme/teams/platform/memberships/hubot").await["role"],
        "member"
    );
    delete(&owner, &format!("{platform}/members/hubot"))
        .await
        .expect(204);
    assert_eq!(count(&hubot, "/user/teams").await, 0);

    // Leaving the organization leaves its teams; deleting a parent deletes its children.
    owner
        .put("/orgs/acme/teams/storage/memberships/hubot", &json!({}))
        .await
        .expect(200);
    delete(&owner, "/orgs/acme/members/hubot").await.expect(204);
    error(
        owner
            .get("/orgs/acme/teams/storage/memberships/hubot")
            .await,
        404,
    );
    delete(&owner, "/orgs/acme/teams/platform")
        .await
        .expect(204);
    error(owner.get("/orgs/acme/teams/storage").await, 404);
}

#[asym::clone("github", seed = "basic")]
async fn a_teams_repository_permission_counts_for_its_members(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    created(
        &owner,
        "/orgs/acme/repos",
        &json!({"name": "vault", "private": true}),
    )
    .await;
    let parent = created(
        &owner,
        "/orgs/acme/teams",
        &json!({"name": "Ops", "privacy": "closed"}),
    )
    .await;
    created(
        &owner,
        "/orgs/acme/teams",
        &json!({"name": "Oncall", "parent_team_id": parent["id"]}),
    )
    .await;
    // An organization member reads its repositories; nothing more.
    assert_eq!(hubot_role(&owner, "vault").await, "read");
    let on_repo = "/orgs/acme/teams/ops/repos/acme/vault";
    error(owner.get(on_repo).await, 404);

    for (body, field) in [
        (json!({"permission": "write"}), "permission"),
        (json!({"permission": 3}), ""),
    ] {
        let reply = owner.put(on_repo, &body).await;
        assert!(reply.status == 422, "{body}: {}", reply.body);
        if !field.is_empty() {
            assert_eq!(reply.body["errors"][0]["field"], field);
        }
    }
    // Only the organization's repositories (or their direct forks).
    error(
        owner
            .put(
                "/orgs/acme/teams/ops/repos/octocat/private-notes",
                &json!({}),
            )
            .await,
        422,
    );
    // hubot may not administer the repository.
    error(
        hubot.put(on_repo, &json!({"permission": "admin"})).await,
        403,
    );

    owner
        .put(on_repo, &json!({"permission": "maintain"}))
        .await
        .expect(204);
    owner.get(on_repo).await.expect(204);
    let full = owner
        .clone()
        .with_header("Accept", "application/vnd.github.v3.repository+json")
        .get(on_repo)
        .await
        .expect(200);
    assert_eq!(full["full_name"], "acme/vault");
    assert_eq!(full["role_name"], "maintain");
    assert_eq!(
        full["permissions"],
        json!({"admin": false, "maintain": true, "push": true, "triage": true, "pull": true})
    );
    let listed = fetch(&owner, "/orgs/acme/teams/ops/repos").await;
    assert_eq!(names(&listed, "full_name"), ["acme/vault"]);
    // A child team reaches its parent's repositories.
    owner
        .get("/orgs/acme/teams/oncall/repos/acme/vault")
        .await
        .expect(204);
    assert_eq!(
        names_at(&owner, "/orgs/acme/teams/oncall/repos", "full_name").await,
        ["acme/vault"]
    );

    let teams = fetch(&owner, "/repos/acme/vault/teams").await;
    assert_eq!(names(&teams, "slug"), ["ops"]);
    assert_eq!(teams[0]["permission"], "maintain");
    assert_eq!(teams[0]["permissions"]["maintain"], true);

    // A member of the child team holds the parent's permission there.
    owner
        .put("/orgs/acme/teams/oncall/memberships/hubot", &json!({}))
        .await
        .expect(200);
    assert_eq!(hubot_role(&owner, "vault").await, "maintain");
    assert_eq!(
        fetch(&hubot, "/repos/acme/vault").await["permissions"]["maintain"],
        true
    );
    let collaborators = fetch(&owner, "/repos/acme/vault/collaborators").await;
    assert_eq!(names(&collaborators, "login"), ["octocat", "hubot"]);
    let direct = fetch(&owner, "/repos/acme/vault/collaborators?affiliation=direct").await;
    assert!(direct.as_array().unwrap().is_empty());
    // A collaborator's own permission and the team's: the higher counts.
    for (own, counted) in [("triage", "maintain"), ("admin", "admin")] {
        owner
            .put(
                "/repos/acme/vault/collaborators/hubot",
                &json!({"permission": own}),
            )
            .await;
        assert_eq!(hubot_role(&owner, "vault").await, counted, "{own}");
    }
    delete(&owner, "/repos/acme/vault/collaborators/hubot")
        .await
        .expect(204);

    // The team leaves the repository: the member is back to reading it.
    delete(&owner, on_repo).await.expect(204);
    error(owner.get(on_repo).await, 404);
    assert_eq!(hubot_role(&owner, "vault").await, "read");
    assert_eq!(count(&owner, "/repos/acme/vault/teams").await, 0);
    // Without a permission, the team's own (`permission`, `push` here) is given.
    updated(
        &owner,
        "/orgs/acme/teams/ops",
        &json!({"permission": "push"}),
    )
    .await;
    owner.put(on_repo, &json!({})).await.expect(204);
    assert_eq!(hubot_role(&owner, "vault").await, "write");
}
