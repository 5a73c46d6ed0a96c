//! GitHub Actions secrets (the repository's public key, sealed values stored as given) and
//! configuration variables: created, read, listed, updated and deleted, names upper-cased.

use serde_json::json;

use crate::common::{
    REPO, anonymous, api, app, created, delete, each, error, fetch, fields, reviewer,
};

#[asym::clone("github", seed = "basic")]
async fn secrets_are_sealed_to_the_repositorys_key_and_never_shown(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let key = fetch(&owner, &format!("{REPO}/actions/secrets/public-key")).await;
    assert_eq!(
        fetch(&hubot, &format!("{REPO}/actions/secrets/public-key")).await,
        key
    );
    let other = created(&api(&gh), "/user/repos", &json!({ "name": "other" })).await;
    let elsewhere = fetch(&owner, "/repos/octocat/other/actions/secrets/public-key").await;
    assert_ne!(elsewhere["key"], key["key"], "{other}");
    assert_eq!(key["key"].as_str().unwrap().len(), 44);

    let path = format!("{REPO}/actions/secrets/deploy_token");
    let sealed = json!({ "encrypted_value": "c2VhbGVk", "key_id": key["key_id"] });
    assert_eq!(owner.put(&path, &sealed).await.expect(201), json!({}));
    let again = json!({ "encrypted_value": "YWdhaW4=", "key_id": key["key_id"] });
    owner.put(&path, &again).await.expect(204);
    let secret = fetch(&owner, &path).await;
    assert_eq!(secret["name"], "DEPLOY_TOKEN");
    assert_eq!(
        secret.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["name", "created_at", "updated_at"]
    );
    let listed = fetch(&hubot, &format!("{REPO}/actions/secrets")).await;
    assert_eq!(listed, json!({ "total_count": 1, "secrets": [secret] }));

    for (body, name) in [
        (json!({ "key_id": "1" }), "deploy_token"),
        (json!({ "encrypted_value": "c2VhbGVk" }), "deploy_token"),
        (
            json!({ "encrypted_value": "not base64!", "key_id": "1" }),
            "deploy_token",
        ),
        (sealed.clone(), "GITHUB_TOKEN"),
        (sealed.clone(), "1ST"),
    ] {
        let path = format!("{REPO}/actions/secrets/{name}");
        error(owner.put(&path, &body).await, 422);
    }
    error(anonymous(&gh).get(&path).await, 401);
    delete(&owner, &path).await.expect(204);
    error(owner.get(&path).await, 404);
    error(delete(&owner, &path).await, 404);
}

#[asym::clone("github", seed = "basic")]
async fn variables_are_created_read_renamed_and_deleted(gh: asym::GitHub) {
    let owner = api(&gh);
    let variables = format!("{REPO}/actions/variables");
    let body = json!({ "name": "region", "value": "eu-west-1" });
    assert_eq!(created(&owner, &variables, &body).await, json!({}));
    assert_eq!(
        error(owner.post(&variables, &body).await, 409),
        "Already exists - Variable already exists."
    );
    error(owner.post(&variables, &json!({ "name": "x" })).await, 422);
    let read = fetch(&owner, &format!("{variables}/REGION")).await;
    assert_eq!(
        (&read["name"], &read["value"]),
        (&json!("REGION"), &json!("eu-west-1"))
    );
    created(&owner, &variables, &json!({ "name": "ZONE", "value": "a" })).await;
    let listed = fetch(&owner, &variables).await;
    assert_eq!(listed["total_count"], 2);
    assert_eq!(
        each(&listed["variables"], "name"),
        json!(["REGION", "ZONE"])
    );

    let edit = json!({ "name": "area", "value": "us-east-1" });
    owner
        .patch(&format!("{variables}/region"), &edit)
        .await
        .expect(204);
    let moved = fetch(&owner, &format!("{variables}/AREA")).await;
    assert_eq!(moved["value"], "us-east-1");
    error(owner.get(&format!("{variables}/REGION")).await, 404);
    let clash = json!({ "name": "ZONE" });
    error(owner.patch(&format!("{variables}/AREA"), &clash).await, 409);
    error(
        owner
            .patch(&format!("{variables}/NOPE"), &json!({ "value": "v" }))
            .await,
        404,
    );
    error(
        reviewer(&gh)
            .get("/repos/octocat/private-notes/actions/variables")
            .await,
        404,
    );
    delete(&owner, &format!("{variables}/AREA"))
        .await
        .expect(204);
    assert_eq!(fetch(&owner, &variables).await["total_count"], 1);
}

#[asym::clone("github", seed = "basic")]
async fn an_environment_has_secrets_and_variables_of_its_own(gh: asym::GitHub) {
    let owner = api(&gh);
    let production = format!("{REPO}/environments/production");
    owner.put(&production, &json!({})).await.expect(200);
    let key = fetch(&owner, &format!("{production}/secrets/public-key")).await;
    let repository_key = fetch(&owner, &format!("{REPO}/actions/secrets/public-key")).await;
    assert_ne!(key["key"], repository_key["key"]);

    let sealed = json!({ "encrypted_value": "c2VhbGVk", "key_id": key["key_id"] });
    let path = format!("{production}/secrets/deploy_token");
    assert_eq!(owner.put(&path, &sealed).await.expect(201), json!({}));
    owner.put(&path, &sealed).await.expect(204);
    let secret = fetch(&owner, &path).await;
    assert_eq!(secret["name"], "DEPLOY_TOKEN");
    let listed = fetch(&owner, &format!("{production}/secrets")).await;
    assert_eq!(listed, json!({ "total_count": 1, "secrets": [secret] }));
    let repository = fetch(&owner, &format!("{REPO}/actions/secrets")).await;
    assert_eq!(repository["total_count"], 0);

    let variables = format!("{production}/variables");
    let body = json!({ "name": "region", "value": "eu-west-1" });
    assert_eq!(created(&owner, &variables, &body).await, json!({}));
    error(owner.post(&variables, &body).await, 409);
    let edit = json!({ "value": "us-east-1" });
    owner
        .patch(&format!("{variables}/REGION"), &edit)
        .await
        .expect(204);
    let listed = fetch(&owner, &variables).await;
    assert_eq!(
        fields(
            &listed,
            ["/total_count", "/variables/0/name", "/variables/0/value"]
        ),
        json!([1, "REGION", "us-east-1"])
    );
    let repository = fetch(&owner, &format!("{REPO}/actions/variables")).await;
    assert_eq!(repository["total_count"], 0);

    // An environment the repository does not have; a caller without credentials.
    for path in [
        format!("{REPO}/environments/staging/secrets"),
        format!("{REPO}/environments/staging/variables/REGION"),
    ] {
        error(owner.get(&path).await, 404);
    }
    error(anonymous(&gh).get(&path).await, 401);
    delete(&owner, &path).await.expect(204);
    delete(&owner, &format!("{variables}/REGION"))
        .await
        .expect(204);
    assert_eq!(fetch(&owner, &variables).await["total_count"], 0);
    // Without its environment, its secrets and variables are gone.
    delete(&owner, &production).await.expect(204);
    error(owner.get(&variables).await, 404);
}

/// An organization's secrets path.
const ORG: &str = "/orgs/acme/actions";

#[asym::clone("github", seed = "basic")]
async fn an_organizations_secrets_say_which_repositories_use_them(gh: asym::GitHub) {
    let owner = api(&gh);
    let key = fetch(&owner, &format!("{ORG}/secrets/public-key")).await;
    let repository_key = fetch(&owner, &format!("{REPO}/actions/secrets/public-key")).await;
    assert_ne!(key["key"], repository_key["key"]);
    let private = created(
        &owner,
        "/orgs/acme/repos",
        &json!({ "name": "vault", "private": true }),
    )
    .await;
    let public = fetch(&owner, REPO).await;

    let sealed = |visibility: &str| json!({ "encrypted_value": "c2VhbGVk", "key_id": key["key_id"], "visibility": visibility });
    let everyone = format!("{ORG}/secrets/everyone");
    assert_eq!(
        owner.put(&everyone, &sealed("all")).await.expect(201),
        json!({})
    );
    owner.put(&everyone, &sealed("all")).await.expect(204);
    owner
        .put(&format!("{ORG}/secrets/hidden"), &sealed("private"))
        .await
        .expect(201);
    let mut chosen = sealed("selected");
    chosen["selected_repository_ids"] = json!([public["id"]]);
    let picked = format!("{ORG}/secrets/picked");
    owner.put(&picked, &chosen).await.expect(201);

    let secret = fetch(&owner, &picked).await;
    let base = gh.api_url().trim_end_matches('/').to_owned();
    assert_eq!(
        fields(
            &secret,
            ["/name", "/visibility", "/selected_repositories_url"]
        ),
        json!([
            "PICKED",
            "selected",
            format!("{base}{ORG}/secrets/PICKED/repositories")
        ])
    );
    let all = fetch(&owner, &everyone).await;
    assert_eq!(
        all.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["name", "created_at", "updated_at", "visibility"]
    );
    let listed = fetch(&owner, &format!("{ORG}/secrets")).await;
    assert_eq!(listed["total_count"], 3);
    assert_eq!(
        each(&listed["secrets"], "name"),
        json!(["EVERYONE", "HIDDEN", "PICKED"])
    );

    // What each repository may use.
    let shared = |repo: &str| format!("/repos/acme/{repo}/actions/organization-secrets");
    let seen = fetch(&owner, &shared("hello-world")).await;
    assert_eq!(
        each(&seen["secrets"], "name"),
        json!(["EVERYONE", "PICKED"])
    );
    assert_eq!(
        seen["secrets"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["name", "created_at", "updated_at"]
    );
    let seen = fetch(&owner, &shared("vault")).await;
    assert_eq!(
        each(&seen["secrets"], "name"),
        json!(["EVERYONE", "HIDDEN"])
    );
    let mine = fetch(
        &owner,
        "/repos/octocat/private-notes/actions/organization-secrets",
    )
    .await;
    assert_eq!(mine, json!({ "total_count": 0, "secrets": [] }));

    // The selection, listed, replaced, added to and removed from.
    let repositories = format!("{picked}/repositories");
    let listed = fetch(&owner, &repositories).await;
    assert_eq!(
        fields(&listed, ["/total_count", "/repositories/0/full_name"]),
        json!([1, "acme/hello-world"])
    );
    let both = json!({ "selected_repository_ids": [public["id"], private["id"]] });
    owner.put(&repositories, &both).await.expect(204);
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 2);
    let vault = format!("{repositories}/{}", private["id"]);
    delete(&owner, &vault).await.expect(204);
    delete(&owner, &vault).await.expect(204);
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 1);
    owner.put(&vault, &json!({})).await.expect(204);
    owner.put(&vault, &json!({})).await.expect(204);
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 2);
    error(
        owner
            .put(&format!("{repositories}/99999"), &json!({}))
            .await,
        404,
    );
    error(
        owner.put(&format!("{repositories}/x"), &json!({})).await,
        404,
    );
    let elsewhere = json!({ "selected_repository_ids": [99999] });
    error(owner.put(&repositories, &elsewhere).await, 422);
    error(owner.put(&repositories, &json!({})).await, 422);
    error(
        owner.get(&format!("{ORG}/secrets/NOPE/repositories")).await,
        404,
    );

    // A secret that is not `selected`: 409 on the selection's routes; its value and
    // visibility put again drop the selection.
    let everyone_repositories = format!("{everyone}/repositories");
    error(owner.get(&everyone_repositories).await, 409);
    error(owner.put(&everyone_repositories, &both).await, 409);
    let added = format!("{everyone_repositories}/{}", public["id"]);
    error(owner.put(&added, &json!({})).await, 409);
    error(delete(&owner, &added).await, 409);
    owner.put(&picked, &sealed("private")).await.expect(204);
    owner.put(&picked, &sealed("selected")).await.expect(204);
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 0);

    // Bad input.
    let no_visibility = json!({ "encrypted_value": "c2VhbGVk", "key_id": key["key_id"] });
    assert_eq!(
        error(owner.put(&everyone, &no_visibility).await, 422),
        "Invalid request.\n\n\"visibility\" wasn't supplied."
    );
    for body in [
        sealed("public"),
        json!({ "encrypted_value": "c2VhbGVk", "key_id": "1", "visibility": "all",
                "selected_repository_ids": [public["id"]] }),
        json!({ "encrypted_value": "c2VhbGVk", "key_id": "1", "visibility": "selected",
                "selected_repository_ids": [true] }),
        json!({ "encrypted_value": "c2VhbGVk", "visibility": "all" }),
    ] {
        error(owner.put(&everyone, &body).await, 422);
    }
    error(
        owner
            .put(&format!("{ORG}/secrets/github_x"), &sealed("all"))
            .await,
        422,
    );

    // Who may: an owner with `admin:org`; a member is refused, an installation without
    // `organization_secrets` too (GitHub's 403), anyone else is not told.
    assert_eq!(
        error(reviewer(&gh).get(&format!("{ORG}/secrets")).await, 403),
        "You must be an org admin or have the actions secrets fine-grained permission."
    );
    assert_eq!(
        error(app(&gh).get(&format!("{ORG}/secrets")).await, 403),
        "Resource not accessible by integration"
    );
    error(anonymous(&gh).get(&format!("{ORG}/secrets")).await, 401);
    error(owner.get("/orgs/nope/actions/secrets").await, 404);
    error(owner.get("/orgs/octocat/actions/secrets").await, 404);

    delete(&owner, &picked).await.expect(204);
    error(owner.get(&picked).await, 404);
    error(delete(&owner, &picked).await, 404);
    assert_eq!(
        fetch(&owner, &format!("{ORG}/secrets")).await["total_count"],
        2
    );
}

#[asym::clone("github", seed = "basic")]
async fn an_organizations_variables_say_which_repositories_use_them(gh: asym::GitHub) {
    let owner = api(&gh);
    let public = fetch(&owner, REPO).await;
    let variables = format!("{ORG}/variables");
    let body = json!({ "name": "region", "value": "eu-west-1", "visibility": "selected",
                       "selected_repository_ids": [public["id"]] });
    assert_eq!(created(&owner, &variables, &body).await, json!({}));
    error(owner.post(&variables, &body).await, 409);
    let everyone = json!({ "name": "zone", "value": "a", "visibility": "all" });
    created(&owner, &variables, &everyone).await;
    let variable = fetch(&owner, &format!("{variables}/REGION")).await;
    assert_eq!(
        fields(&variable, ["/name", "/value", "/visibility"]),
        json!(["REGION", "eu-west-1", "selected"])
    );
    let seen = fetch(&owner, &format!("{REPO}/actions/organization-variables")).await;
    assert_eq!(
        fields(
            &seen,
            ["/total_count", "/variables/0/name", "/variables/0/value"]
        ),
        json!([2, "REGION", "eu-west-1"])
    );
    assert!(seen["variables"][0].get("visibility").is_none());

    // Renamed, its selection follows it; made `all`, the selection is gone.
    let edit = json!({ "name": "area", "value": "us-east-1" });
    owner
        .patch(&format!("{variables}/region"), &edit)
        .await
        .expect(204);
    let repositories = format!("{variables}/AREA/repositories");
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 1);
    error(
        owner
            .patch(&format!("{variables}/AREA"), &json!({ "name": "ZONE" }))
            .await,
        409,
    );
    let widen = json!({ "visibility": "all" });
    owner
        .patch(&format!("{variables}/AREA"), &widen)
        .await
        .expect(204);
    error(owner.get(&repositories).await, 409);
    let narrow = json!({ "visibility": "selected", "selected_repository_ids": [] });
    owner
        .patch(&format!("{variables}/AREA"), &narrow)
        .await
        .expect(204);
    assert_eq!(fetch(&owner, &repositories).await["total_count"], 0);
    let seen = fetch(&owner, &format!("{REPO}/actions/organization-variables")).await;
    assert_eq!(each(&seen["variables"], "name"), json!(["ZONE"]));

    // Bad input, and who may.
    for bad in [
        json!({ "name": "x", "value": "v" }),
        json!({ "name": "x", "value": "v", "visibility": "everyone" }),
        json!({ "name": "x", "value": "v", "visibility": "selected",
                "selected_repository_ids": ["1"] }),
    ] {
        error(owner.post(&variables, &bad).await, 422);
    }
    error(
        owner
            .patch(&format!("{variables}/NOPE"), &json!({ "value": "v" }))
            .await,
        404,
    );
    assert_eq!(
        error(reviewer(&gh).get(&variables).await, 403),
        "You must be an org admin or have the actions variables fine-grained permission."
    );
    delete(&owner, &format!("{variables}/AREA"))
        .await
        .expect(204);
    assert_eq!(fetch(&owner, &variables).await["total_count"], 1);
}
