//! GitHub App authentication: the app's JSON web token, signed with the private key
//! provisioning hands out, on the app routes, and the installation tokens it mints.

use asym_kit::testing::Api;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::*;

/// A token the app's private key signs, with `claims` (times relative to now in seconds).
fn signed(gh: &asym::GitHub, claims: &Value) -> String {
    let key = asym::AnyClone::token(gh, "appPrivateKey").unwrap();
    let key = EncodingKey::from_rsa_pem(key.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

/// Now, in Unix seconds.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .cast_signed()
}

/// The app, as @octokit/auth-app signs (`iss` the app id, `iat` 30 s back, 10 minutes).
pub(crate) fn app_jwt(gh: &asym::GitHub) -> Api {
    let iss = asym::AnyClone::token(gh, "appId").unwrap();
    let at = now() - 30;
    let token = signed(gh, &json!({ "iat": at, "exp": at + 600, "iss": iss }));
    Api::new(gh.api_url()).bearer(&token)
}

#[asym::clone("github", seed = "basic")]
async fn provisioning_hands_out_the_apps_credentials(gh: asym::GitHub) {
    let token = |name| asym::AnyClone::token(&gh, name).unwrap().to_owned();
    assert!(token("appPrivateKey").starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(token("appClientId").starts_with("Iv23"));
    assert_eq!(token("appId"), "1");
    assert_eq!(token("appInstallationId"), "1");
    let app = fetch(&app_jwt(&gh), "/app").await;
    assert_eq!(
        fields(&app, ["/slug", "/client_id", "/installations_count"]),
        json!(["acme-bot", token("appClientId"), 1])
    );
    // The client id is an issuer too (GitHub's newer form).
    let at = now() - 60;
    let by_client = signed(
        &gh,
        &json!({ "iat": at, "exp": at + 300, "iss": token("appClientId") }),
    );
    Api::new(gh.api_url())
        .bearer(&by_client)
        .get("/app")
        .await
        .expect(200);
}

#[asym::clone("github", seed = "basic")]
async fn a_jwt_is_refused_in_githubs_words(gh: asym::GitHub) {
    let at = now();
    let cases = [
        (
            json!({ "iat": at - 60, "exp": at + 660, "iss": "1" }),
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            json!({ "iat": at - 700, "exp": at - 100, "iss": "1" }),
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        ),
        (
            json!({ "iat": at + 300, "exp": at + 500, "iss": "1" }),
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        ),
        (
            json!({ "iat": at - 60, "exp": at + 300, "iss": "acme-bot" }),
            "'Issuer' claim ('iss') must be an Integer",
        ),
        (
            json!({ "iat": at - 60, "exp": at + 300 }),
            "Missing 'issuer' claim ('iss') in assertion",
        ),
        (
            json!({ "iat": at - 60, "exp": at + 300, "iss": "999" }),
            "A JSON web token could not be decoded",
        ),
    ];
    for (claims, message) in cases {
        let api = Api::new(gh.api_url()).bearer(&signed(&gh, &claims));
        assert_eq!(error(api.get("/app").await, 401), message, "{claims}");
    }
    // A signature that does not hold, and a token that is not one.
    let good = signed(&gh, &json!({ "iat": at - 60, "exp": at + 300, "iss": "1" }));
    let (head, rest) = good.split_at(good.len() - 8);
    let tampered = format!(
        "{head}{}",
        if rest.starts_with('A') {
            "BBBBBBBB"
        } else {
            "AAAAAAAA"
        }
    );
    for token in [tampered.as_str(), "eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln"] {
        let api = Api::new(gh.api_url()).bearer(token);
        assert_eq!(
            error(api.get("/app").await, 401),
            "A JSON web token could not be decoded"
        );
    }
    // A person's or an installation's token on an app route; no token at all.
    for api in [api(&gh), app(&gh)] {
        assert_eq!(
            error(api.get("/app/installations").await, 401),
            "A JSON web token could not be decoded"
        );
    }
    assert_eq!(
        error(anonymous(&gh).get("/app").await, 401),
        "Requires authentication"
    );
    // The app's token on a route that needs an installation or a person.
    let jwt = app_jwt(&gh);
    assert_eq!(
        error(jwt.get("/repos/acme/hello-world/issues").await, 403),
        "Resource not accessible by integration"
    );
    assert_eq!(
        error(jwt.get("/installation/repositories").await, 403),
        "You must authenticate with an installation access token in order to list repositories for an installation."
    );
}

#[asym::clone("github", seed = "basic")]
async fn an_app_finds_its_installations(gh: asym::GitHub) {
    let jwt = app_jwt(&gh);
    let listed = fetch(&jwt, "/app/installations").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(
        fields(
            &listed[0],
            [
                "/id",
                "/account/login",
                "/target_type",
                "/app_slug",
                "/repository_selection"
            ]
        ),
        json!([1, "acme", "Organization", "acme-bot", "all"])
    );
    for path in [
        "/app/installations/1",
        "/repos/acme/hello-world/installation",
        "/orgs/acme/installation",
        "/users/acme/installation",
    ] {
        assert_eq!(fetch(&jwt, path).await["id"], 1, "{path}");
    }
    not_found(
        &jwt,
        &[
            "/app/installations/2",
            "/app/installations/x",
            "/repos/octocat/private-notes/installation",
            "/orgs/nobody/installation",
            "/users/octocat/installation",
            "/orgs/octocat/installation",
        ],
    )
    .await;
    // Uninstalling: 204, then 404; the installation's token reaches nothing of the org.
    assert_eq!(jwt.delete("/app/installations/1").await.status, 204);
    jwt.delete("/app/installations/1").await.expect(404);
    assert_eq!(fetch(&jwt, "/app/installations").await, json!([]));
}

#[asym::clone("github", seed = "basic")]
async fn a_minted_token_works_within_its_narrowing(gh: asym::GitHub) {
    let jwt = app_jwt(&gh);
    created(
        &api(&gh),
        "/orgs/acme/repos",
        &json!({ "name": "vault", "private": true }),
    )
    .await;
    // Every repository, the app's permissions.
    let all = created(&jwt, "/app/installations/1/access_tokens", &json!({})).await;
    assert!(all["token"].as_str().unwrap().starts_with("ghs_"));
    assert_eq!(all["repository_selection"], "all");
    assert_eq!(all["permissions"]["issues"], "write");
    let expires = all["expires_at"].as_str().unwrap();
    assert!(expires.ends_with('Z'), "{expires}");
    let full = Api::new(gh.api_url()).with_header(
        "Authorization",
        format!("token {}", all["token"].as_str().unwrap()),
    );
    assert_eq!(
        fetch(&full, "/installation/repositories").await["total_count"],
        2
    );
    // One repository, by name, issues read.
    let one = created(
        &jwt,
        "/app/installations/1/access_tokens",
        &json!({ "repositories": ["hello-world"], "permissions": { "issues": "read" } }),
    )
    .await;
    assert_eq!(
        fields(
            &one,
            [
                "/repository_selection",
                "/permissions",
                "/repositories/0/full_name"
            ]
        ),
        json!(["selected", { "issues": "read" }, "acme/hello-world"])
    );
    let narrow = Api::new(gh.api_url()).bearer(one["token"].as_str().unwrap());
    let listed = fetch(&narrow, "/installation/repositories").await;
    assert_eq!(
        fields(&listed, ["/total_count", "/repository_selection"]),
        json!([1, "selected"])
    );
    // By id: the private one only; a public repository outside it is read, not written.
    let vault_id = fetch(&api(&gh), "/repos/acme/vault").await["id"].clone();
    let by_id = created(
        &jwt,
        "/app/installations/1/access_tokens",
        &json!({ "repository_ids": [vault_id] }),
    )
    .await;
    let vault = Api::new(gh.api_url()).bearer(by_id["token"].as_str().unwrap());
    let issue = json!({ "title": "x" });
    for (api, method, path, status) in [
        (&narrow, "GET", "/repos/acme/hello-world/issues/1", 200),
        (&narrow, "GET", "/repos/acme/vault", 404),
        (&full, "GET", "/repos/acme/vault", 200),
        (&vault, "GET", "/repos/acme/vault", 200),
        (&vault, "GET", "/repos/acme/hello-world", 200),
        (&vault, "POST", "/repos/acme/hello-world/issues", 403),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == reqwest::Method::POST).then_some(&issue);
        let reply = api.send(method, path, body).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
    }
}

#[asym::clone("github", seed = "basic")]
async fn minting_refuses_what_the_installation_lacks(gh: asym::GitHub) {
    let (jwt, path) = (app_jwt(&gh), "/app/installations/1/access_tokens");
    let (outside, ungranted) = (
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
        "The permissions requested are not granted to this installation.",
    );
    for (body, message) in [
        (json!({ "repositories": ["nope"] }), outside),
        (json!({ "repositories": ["private-notes"] }), outside),
        (json!({ "repository_ids": [2] }), outside),
        (
            json!({ "permissions": { "administration": "write" } }),
            ungranted,
        ),
        (json!({ "permissions": { "metadata": "write" } }), ungranted),
        (json!({ "permissions": { "issues": "own" } }), ungranted),
    ] {
        assert_eq!(error(jwt.post(path, &body).await, 422), message, "{body}");
    }
    for body in [
        json!({ "repositories": "hello-world" }),
        json!({ "repository_ids": ["1"] }),
        json!({ "permissions": ["issues"] }),
    ] {
        jwt.post(path, &body).await.expect(422);
    }
    jwt.post("/app/installations/9/access_tokens", &json!({}))
        .await
        .expect(404);
    assert_eq!(
        error(app(&gh).post(path, &json!({})).await, 401),
        "A JSON web token could not be decoded"
    );
}

#[asym::clone("github", seed = "basic")]
async fn the_apps_permissions_have_one_source(gh: asym::GitHub) {
    let db = database(&gh).await;
    let row = db
        .query_one("SELECT gh_app_permissions()::text", &[])
        .await
        .unwrap();
    let source: Value = serde_json::from_str(row.get(0)).unwrap();
    assert_eq!(source["issues"], "write");
    // What the app, its installation and a token minted without (or with empty) permissions
    // answer.
    let jwt = app_jwt(&gh);
    let path = "/app/installations/1/access_tokens";
    for shown in [
        fetch(&jwt, "/app").await["permissions"].clone(),
        fetch(&jwt, "/app/installations/1").await["permissions"].clone(),
        created(&jwt, path, &json!({})).await["permissions"].clone(),
        created(&jwt, path, &json!({ "permissions": {} })).await["permissions"].clone(),
    ] {
        assert_eq!(shown, source);
    }
    // The provisioned `app` token carries them in its credential, as a minted one does.
    let row = db
        .query_one(
            "SELECT scopes FROM asym_credentials
             WHERE name = 'app' AND provisioned AND revoked_at IS NULL",
            &[],
        )
        .await
        .unwrap();
    let mut stored: Vec<String> = row.get(0);
    stored.sort();
    let mut expected: Vec<String> = source
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, level)| format!("permission:{name}:{}", level.as_str().unwrap()))
        .collect();
    expected.sort();
    assert_eq!(stored, expected);
}
