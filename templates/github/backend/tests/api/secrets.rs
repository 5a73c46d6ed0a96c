//! GitHub Actions secrets (the repository's public key, sealed values stored as given) and
//! configuration variables: created, read, listed, updated and deleted, names upper-cased.

use serde_json::json;

use crate::common::{REPO, anonymous, api, created, delete, each, error, fetch, fields, reviewer};

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
