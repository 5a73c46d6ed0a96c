//! OAuth for a public integration: codes and the client secret from the admin surface,
//! `POST /v1/oauth/token` (both grants), `/introspect` and `/revoke` under HTTP Basic client
//! authentication, and the tokens working (or not) on the API.

use asym_kit::testing::{Api, Reply};
use serde_json::{Value, json};

use crate::common::{ADA, BOT, admin, client, post, read};

/// The integration's `{client_id, client_secret}`, freshly minted.
async fn oauth_client(notion: &asym::Notion) -> Value {
    post(&admin(notion), "/api/admin/oauth/client", &json!({})).await
}

/// An authorization code for `redirect_uri`.
async fn code(notion: &asym::Notion, redirect_uri: Value) -> String {
    let minted = post(
        &admin(notion),
        "/api/admin/oauth/codes",
        &json!({ "redirect_uri": redirect_uri }),
    )
    .await;
    minted["code"].as_str().unwrap().to_owned()
}

/// A client authenticating as `id` with `secret` (HTTP Basic), as the SDKs' `oauth.*` do.
fn basic(notion: &asym::Notion, id: &str, secret: &str) -> Api {
    let pair = asym_kit::cursor::base64(format!("{id}:{secret}").as_bytes());
    Api::new(notion.api_url())
        .with_header("Authorization", format!("Basic {pair}"))
        .with_header("Notion-Version", "2025-09-03")
}

/// The integration's client for `credentials` (`{client_id, client_secret}`).
fn integration(notion: &asym::Notion, credentials: &Value) -> Api {
    basic(
        notion,
        credentials["client_id"].as_str().unwrap(),
        credentials["client_secret"].as_str().unwrap(),
    )
}

/// Asserts an OAuth refusal with `status` and `error`.
#[track_caller]
fn refused(reply: Reply, status: u16, error: &str) {
    let body = reply.expect(status);
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

/// `POST /v1/oauth/token` with `body`.
async fn exchange(api: &Api, body: Value) -> Reply {
    api.post("/v1/oauth/token", &body).await
}

#[asym::clone("notion", seed = "basic")]
async fn codes_become_tokens_that_refresh_introspect_and_revoke(notion: asym::Notion) {
    let credentials = oauth_client(&notion).await;
    let api = integration(&notion, &credentials);
    let redirect = "https://example.com/callback";
    let first = code(&notion, json!(redirect)).await;
    let grant =
        json!({ "grant_type": "authorization_code", "code": first, "redirect_uri": redirect });
    let tokens = exchange(&api, grant.clone()).await.expect(200);
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["bot_id"], BOT);
    assert_eq!(tokens["owner"]["type"], "user");
    assert_eq!(tokens["owner"]["user"]["id"], ADA);
    assert!(tokens["workspace_id"].is_string(), "{tokens}");
    assert_eq!(tokens["duplicated_template_id"], Value::Null);
    let access = tokens["access_token"].as_str().unwrap();
    assert!(access.starts_with("ntn_"), "{access}");
    // The access token works on the API, as the integration.
    let me = read(&client(&notion, access, "2025-09-03"), "/v1/users/me").await;
    assert_eq!(me["id"], BOT);
    // A code is used once.
    refused(exchange(&api, grant).await, 400, "invalid_grant");

    let seen = api
        .post("/v1/oauth/introspect", &json!({ "token": access }))
        .await
        .expect(200);
    assert_eq!(seen["active"], true);
    assert!(
        seen["scope"].as_str().unwrap().contains("read_content"),
        "{seen}"
    );
    assert!(seen["iat"].as_i64().unwrap() > 1_700_000_000_000, "{seen}");

    // Refreshing answers new tokens and uses the refresh token up.
    let old_refresh = tokens["refresh_token"].as_str().unwrap();
    let refresh = json!({ "grant_type": "refresh_token", "refresh_token": old_refresh });
    let renewed = exchange(&api, refresh.clone()).await.expect(200);
    let new_access = renewed["access_token"].as_str().unwrap();
    assert_ne!(new_access, access);
    refused(exchange(&api, refresh).await, 400, "invalid_grant");
    read(&client(&notion, new_access, "2025-09-03"), "/v1/users/me").await;

    // Revoking the access token ends its grant: the token and its refresh token.
    let revoked = api
        .post("/v1/oauth/revoke", &json!({ "token": new_access }))
        .await
        .expect(200);
    assert!(revoked["request_id"].is_string(), "{revoked}");
    let seen = api
        .post("/v1/oauth/introspect", &json!({ "token": new_access }))
        .await
        .expect(200);
    assert_eq!(seen["active"], false);
    let gone = client(&notion, new_access, "2025-09-03")
        .get("/v1/users/me")
        .await;
    assert_eq!(gone.status, 401);
    let refresh =
        json!({ "grant_type": "refresh_token", "refresh_token": renewed["refresh_token"] });
    refused(exchange(&api, refresh).await, 400, "invalid_grant");
}

#[asym::clone("notion", seed = "basic")]
async fn oauth_refusals(notion: asym::Notion) {
    let old = oauth_client(&notion).await;
    let credentials = oauth_client(&notion).await;
    let id = credentials["client_id"].as_str().unwrap();
    let secret = credentials["client_secret"].as_str().unwrap();
    let first = code(&notion, Value::Null).await;
    let grant = json!({ "grant_type": "authorization_code", "code": first });
    // Client authentication: none, a wrong secret, a wrong id, a rotated secret.
    let anonymous = Api::new(notion.api_url()).with_header("Notion-Version", "2025-09-03");
    for api in [
        anonymous,
        basic(&notion, id, "secret_nope"),
        basic(&notion, "c1a00000-0000-4000-8000-000000000002", secret),
        integration(&notion, &old),
    ] {
        refused(exchange(&api, grant.clone()).await, 401, "invalid_client");
        refused(
            api.post("/v1/oauth/introspect", &json!({ "token": "x" }))
                .await,
            401,
            "invalid_client",
        );
    }
    let api = integration(&notion, &credentials);
    for (body, status, error) in [
        (json!({ "code": first }), 400, "unsupported_grant_type"),
        (
            json!({ "grant_type": "password", "code": first }),
            400,
            "unsupported_grant_type",
        ),
        (
            json!({ "grant_type": "authorization_code" }),
            400,
            "invalid_request",
        ),
        (
            json!({ "grant_type": "refresh_token", "refresh_token": 3 }),
            400,
            "invalid_request",
        ),
        (
            json!({ "grant_type": "authorization_code", "code": "code_nope" }),
            400,
            "invalid_grant",
        ),
        (
            json!({ "grant_type": "authorization_code", "code": first, "redirect_uri": "https://elsewhere.example" }),
            400,
            "invalid_grant",
        ),
        (
            json!({ "grant_type": "refresh_token", "refresh_token": first }),
            400,
            "invalid_grant",
        ),
    ] {
        refused(exchange(&api, body).await, status, error);
    }
    // The code was not used up by the refusals.
    exchange(&api, grant).await.expect(200);
    // A code is exchanged within ten minutes of being issued.
    let age = |minutes: i32| {
        format!(
            "UPDATE asym_credentials SET created_at = now() - make_interval(mins => {minutes}) WHERE kind = 'oauth_code'"
        )
    };
    let late = code(&notion, Value::Null).await;
    notion.query(&age(11)).await.unwrap();
    let stale = json!({ "grant_type": "authorization_code", "code": late });
    let reply = exchange(&api, stale).await;
    let description = reply.body["error_description"].as_str().unwrap().to_owned();
    assert!(description.contains("expired"), "{description}");
    refused(reply, 400, "invalid_grant");
    let in_time = code(&notion, Value::Null).await;
    notion.query(&age(9)).await.unwrap();
    let fresh = json!({ "grant_type": "authorization_code", "code": in_time });
    exchange(&api, fresh).await.expect(200);
    // Revoking what is unknown succeeds, as OAuth's revocation does.
    api.post("/v1/oauth/revoke", &json!({ "token": "ntn_nope" }))
        .await
        .expect(200);
    refused(
        api.post("/v1/oauth/revoke", &json!({})).await,
        400,
        "invalid_request",
    );
}
