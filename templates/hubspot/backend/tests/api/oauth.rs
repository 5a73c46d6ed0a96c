//! OAuth: token metadata (access and refresh tokens), refresh-token deletion, the install
//! page and the admin surface's authorization codes, and `POST /oauth/v1/token` for both
//! grants.

use asym_kit::testing::{Api, Reply};
use axum::http::Method;
use serde_json::{Value, json};

use crate::{admin, read};

/// `POST /oauth/v1/token` with the form `pairs`, as the SDKs' `tokensApi.create` sends it.
async fn exchange(hubspot: &asym::HubSpot, pairs: &[(&str, String)]) -> Reply {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", asym_kit::form::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    Api::new(hubspot.api_url())
        .send_raw(
            Method::POST,
            "/oauth/v1/token",
            "application/x-www-form-urlencoded",
            body,
        )
        .await
}

/// `pairs` with `field`'s value replaced by `value`.
fn replaced<'a>(pairs: &[(&'a str, String)], field: &str, value: &str) -> Vec<(&'a str, String)> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == field {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

/// A `refresh_token` exchange's form for `refresh_token`, with the app's client credentials.
fn refresh_grant(hubspot: &asym::HubSpot, refresh_token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "refresh_token".to_owned()),
        ("client_id", hubspot.client_id().to_owned()),
        ("client_secret", hubspot.client_secret().to_owned()),
        ("refresh_token", refresh_token.to_owned()),
    ]
}

/// An `authorization_code` exchange's form for `code` and `redirect_uri`.
fn code_grant(
    hubspot: &asym::HubSpot,
    code: &str,
    redirect_uri: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".to_owned()),
        ("client_id", hubspot.client_id().to_owned()),
        ("client_secret", hubspot.client_secret().to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("code", code.to_owned()),
    ]
}

/// `POST /api/admin/oauth/codes` with `body`, asserting HTTP 201: the code minted.
async fn mint_code(hubspot: &asym::HubSpot, body: &Value) -> Value {
    admin(hubspot)
        .post("/api/admin/oauth/codes", body)
        .await
        .expect(201)
}

/// `GET /oauth/authorize?{query}` without following its redirect: the status and `Location`.
async fn authorize(hubspot: &asym::HubSpot, query: &str) -> (u16, String) {
    let answer = Api::new(hubspot.api_url())
        .without_redirects()
        .get(&format!("/oauth/authorize?{query}"))
        .await;
    let location = answer.header("location").unwrap_or_default().to_owned();
    (answer.status, location)
}

/// The value of `name` in the query of the URL `url`.
fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    asym_kit::form::first(&asym_kit::form::parse(query.as_bytes()), name).map(str::to_owned)
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_access_tokens_metadata_names_its_account_user_and_scopes(hubspot: asym::HubSpot) {
    // No credentials beside the token in the path, as HubSpot's call takes none.
    let anyone = Api::new(hubspot.api_url());
    let path = |token: &str| format!("/oauth/v1/access-tokens/{token}");
    let info = read(&anyone, &path(hubspot.token())).await;
    assert_eq!(info["token"], hubspot.token());
    assert_eq!(info["hub_id"], 62515);
    assert_eq!(info["app_id"], 1_000_001);
    assert_eq!(info["user"], "alice@acme-sales.example");
    assert_eq!(info["user_id"], 9001);
    assert_eq!(info["token_type"], "access");
    assert!(info["expires_in"].as_i64().unwrap() > 0);
    assert!(info["hub_domain"].is_string());
    let scopes = info["scopes"].as_array().unwrap();
    assert!(scopes.contains(&json!("crm.objects.contacts.write")));
    assert!(scopes.contains(&json!("crm.lists.read")));
    // A token of fewer scopes answers its own.
    let minted = admin(&hubspot)
        .post(
            "/api/admin/private-apps",
            &json!({"scopes": ["crm.objects.deals.read"]}),
        )
        .await
        .expect(201);
    let token = minted["token"].as_str().unwrap();
    let limited = read(&anyone, &path(token)).await;
    assert_eq!(limited["scopes"], json!(["crm.objects.deals.read"]));
    // Not an access token: an unknown one, the developer API key.
    for token in [
        "pat-na1-00000000-0000-0000-0000-000000000000",
        hubspot.developer_api_key(),
    ] {
        let err = anyone.get(&path(token)).await.expect(404);
        assert_eq!(err["category"], "OBJECT_NOT_FOUND");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_refresh_token_and_the_apps_client_credentials_issue_an_access_token(
    hubspot: asym::HubSpot,
) {
    let refresh = hubspot.refresh_token().to_owned();
    let anyone = Api::new(hubspot.api_url());
    let good = refresh_grant(&hubspot, &refresh);
    let granted = exchange(&hubspot, &good).await.expect(200);
    assert_eq!(granted["token_type"], "bearer");
    assert_eq!(granted["refresh_token"], refresh.as_str());
    assert!(granted["expires_in"].as_i64().unwrap() > 0);
    let access = granted["access_token"].as_str().unwrap();
    // The new access token calls the API with the refresh token's scopes; the refresh token
    // itself is no access token.
    read(
        &Api::new(hubspot.api_url()).bearer(access),
        "/crm/v3/objects/contacts",
    )
    .await;
    let info = read(&anyone, &format!("/oauth/v1/access-tokens/{access}")).await;
    assert!(info["scopes"].as_array().unwrap().len() > 10);
    Api::new(hubspot.api_url())
        .bearer(&refresh)
        .get("/crm/v3/objects/contacts")
        .await
        .expect(401);
    // Each credential refused with HubSpot's code in `status`.
    for (field, value, code) in [
        ("grant_type", "password", "BAD_GRANT_TYPE"),
        ("client_id", "nope", "BAD_CLIENT_ID"),
        ("client_secret", "nope", "BAD_CLIENT_SECRET"),
        ("refresh_token", "na1-nope", "BAD_REFRESH_TOKEN"),
        ("grant_type", "authorization_code", "BAD_AUTH_CODE"),
    ] {
        let err = exchange(&hubspot, &replaced(&good, field, value))
            .await
            .expect(400);
        assert_eq!(err["status"], code, "{field}");
        assert!(err["message"].is_string());
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_refresh_tokens_metadata_names_the_app_and_deleting_it_stops_its_refreshes(
    hubspot: asym::HubSpot,
) {
    let anyone = Api::new(hubspot.api_url());
    let refresh = hubspot.refresh_token().to_owned();
    let path = format!("/oauth/v1/refresh-tokens/{refresh}");
    let info = read(&anyone, &path).await;
    assert_eq!(info["token"], refresh.as_str());
    assert_eq!(info["client_id"], hubspot.client_id());
    assert_eq!(info["hub_id"], 62515);
    assert_eq!(info["user"], "alice@acme-sales.example");
    assert_eq!(info["user_id"], 9001);
    assert_eq!(info["token_type"], "refresh");
    assert!(info["hub_domain"].is_string());
    assert!(
        info["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("crm.objects.contacts.read"))
    );
    // An access token, a private app token or an unknown one is no refresh token.
    for token in [hubspot.token(), "na1-nope", hubspot.client_id()] {
        let err = anyone
            .get(&format!("/oauth/v1/refresh-tokens/{token}"))
            .await
            .expect(404);
        assert_eq!(err["category"], "OBJECT_NOT_FOUND");
    }
    // An access token issued before the deletion keeps working; the refresh token stops.
    let good = refresh_grant(&hubspot, &refresh);
    let granted = exchange(&hubspot, &good).await.expect(200);
    let access = granted["access_token"].as_str().unwrap();
    anyone.delete(&path).await.expect(204);
    anyone.get(&path).await.expect(404);
    anyone.delete(&path).await.expect(404);
    let err = exchange(&hubspot, &good).await.expect(400);
    assert_eq!(err["status"], "BAD_REFRESH_TOKEN");
    read(
        &Api::new(hubspot.api_url()).bearer(access),
        "/crm/v3/objects/contacts",
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_install_page_redirects_with_a_code_exchanged_once_for_tokens(hubspot: asym::HubSpot) {
    let redirect_uri = "http://127.0.0.1:9/oauth-callback";
    let query = format!(
        "client_id={}&redirect_uri={}&scope=crm.objects.contacts.read%20oauth&optional_scope=crm.lists.read%20no.such.scope&state=a%20b",
        hubspot.client_id(),
        asym_kit::form::encode(redirect_uri),
    );
    let (status, location) = authorize(&hubspot, &query).await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with(&format!("{redirect_uri}?code=")),
        "{location}"
    );
    assert_eq!(query_value(&location, "state").as_deref(), Some("a b"));
    let code = query_value(&location, "code").unwrap();
    // The code's redirect URI must be named again.
    let err = exchange(
        &hubspot,
        &code_grant(&hubspot, &code, "http://127.0.0.1:9/other"),
    )
    .await
    .expect(400);
    assert_eq!(err["status"], "BAD_REDIRECT_URI");
    let granted = exchange(&hubspot, &code_grant(&hubspot, &code, redirect_uri))
        .await
        .expect(200);
    assert_eq!(granted["token_type"], "bearer");
    let access = granted["access_token"].as_str().unwrap();
    let refresh = granted["refresh_token"].as_str().unwrap();
    assert_ne!(refresh, hubspot.refresh_token());
    // The install's tokens carry the scopes asked and the known optional ones.
    let anyone = Api::new(hubspot.api_url());
    let info = read(&anyone, &format!("/oauth/v1/access-tokens/{access}")).await;
    assert_eq!(
        info["scopes"],
        json!(["crm.objects.contacts.read", "oauth", "crm.lists.read"])
    );
    let refresh_info = read(&anyone, &format!("/oauth/v1/refresh-tokens/{refresh}")).await;
    assert_eq!(refresh_info["scopes"], info["scopes"]);
    let reader = Api::new(hubspot.api_url()).bearer(access);
    read(&reader, "/crm/v3/objects/contacts").await;
    reader.get("/crm/v3/objects/deals").await.expect(403);
    // Spent: a second exchange is refused.
    let err = exchange(&hubspot, &code_grant(&hubspot, &code, redirect_uri))
        .await
        .expect(400);
    assert_eq!(err["status"], "BAD_AUTH_CODE");
    // The install's refresh token refreshes.
    let again = refresh_grant(&hubspot, refresh);
    exchange(&hubspot, &again).await.expect(200);
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_install_page_refuses_an_unknown_app_redirect_or_scope(hubspot: asym::HubSpot) {
    let client_id = hubspot.client_id();
    let to = asym_kit::form::encode("https://app.example/cb");
    for (query, code) in [
        (
            format!("client_id=nope&redirect_uri={to}&scope=oauth"),
            "BAD_CLIENT_ID",
        ),
        (format!("redirect_uri={to}&scope=oauth"), "BAD_CLIENT_ID"),
        (
            format!("client_id={client_id}&scope=oauth"),
            "BAD_REDIRECT_URI",
        ),
        (
            format!("client_id={client_id}&redirect_uri=ftp%3A%2F%2Fx&scope=oauth"),
            "BAD_REDIRECT_URI",
        ),
        (
            format!("client_id={client_id}&redirect_uri={to}&scope=oauth%20no.such.scope"),
            "BAD_SCOPE",
        ),
    ] {
        let client = reqwest::Client::new();
        let answer = client
            .get(format!("{}/oauth/authorize?{query}", hubspot.api_url()))
            .send()
            .await
            .unwrap();
        // A page for the user, as HubSpot's install page shows one, not a JSON body.
        assert_eq!(answer.status().as_u16(), 400, "{query}");
        let kind = answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{query}: {kind}");
        let page = answer.text().await.unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"), "{query}");
        assert!(page.contains(code), "{query}: {page}");
        assert!(serde_json::from_str::<Value>(&page).is_err(), "{query}");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_admin_surface_mints_codes_the_token_endpoint_exchanges(hubspot: asym::HubSpot) {
    let redirect_uri = "https://app.example/cb";
    let minted = mint_code(
        &hubspot,
        &json!({"redirectUri": redirect_uri, "scopes": ["crm.objects.deals.read"]}),
    )
    .await;
    assert_eq!(minted["scopes"], json!(["crm.objects.deals.read"]));
    let code = minted["code"].as_str().unwrap();
    let granted = exchange(&hubspot, &code_grant(&hubspot, code, redirect_uri))
        .await
        .expect(200);
    let deals = Api::new(hubspot.api_url()).bearer(granted["access_token"].as_str().unwrap());
    read(&deals, "/crm/v3/objects/deals").await;
    deals.get("/crm/v3/objects/contacts").await.expect(403);
    // Every scope without `scopes`; a bad redirect URI or scope list is refused.
    let all = mint_code(&hubspot, &json!({"redirectUri": redirect_uri})).await;
    assert!(all["scopes"].as_array().unwrap().len() > 10);
    for body in [
        json!({}),
        json!({"redirectUri": "nope"}),
        json!({"redirectUri": redirect_uri, "scopes": "oauth"}),
    ] {
        admin(&hubspot)
            .post("/api/admin/oauth/codes", &body)
            .await
            .expect(400);
    }
    // Only with the admin secret.
    Api::new(hubspot.api_url())
        .post(
            "/api/admin/oauth/codes",
            &json!({"redirectUri": redirect_uri}),
        )
        .await
        .expect(401);
}

/// `POST /api/admin/oauth/advance` `{seconds}`: that much time passes for OAuth credentials.
async fn advance(hubspot: &asym::HubSpot, seconds: i64) {
    admin(hubspot)
        .post("/api/admin/oauth/advance", &json!({ "seconds": seconds }))
        .await
        .expect(200);
}

#[asym::clone("hubspot", seed = "basic")]
async fn access_tokens_expire_after_expires_in_and_codes_soon_after_they_are_issued(
    hubspot: asym::HubSpot,
) {
    let anyone = Api::new(hubspot.api_url());
    let granted = exchange(&hubspot, &refresh_grant(&hubspot, hubspot.refresh_token()))
        .await
        .expect(200);
    assert_eq!(granted["expires_in"], 1800);
    let access = granted["access_token"].as_str().unwrap();
    let caller = Api::new(hubspot.api_url()).bearer(access);
    let metadata = format!("/oauth/v1/access-tokens/{access}");
    // Ten seconds before its end it still works, and says so.
    advance(&hubspot, 1790).await;
    read(&caller, "/crm/v3/objects/contacts").await;
    let left = read(&anyone, &metadata).await["expires_in"]
        .as_i64()
        .unwrap();
    assert!((1..=10).contains(&left), "{left}");
    // Past it: HubSpot's 401, whatever the route; the private app token is not affected.
    advance(&hubspot, 70).await;
    for path in ["/crm/v3/objects/contacts", "/crm/v3/imports"] {
        let err = caller.get(path).await.expect(401);
        assert_eq!(err["category"], "EXPIRED_AUTHENTICATION", "{path}");
        assert_eq!(
            err["message"],
            "The OAuth token used to make this call expired 1 minute(s) ago."
        );
        assert!(err["context"]["expire time"][0].is_string());
    }
    anyone.get(&metadata).await.expect(404);
    read(&crate::api(&hubspot), "/crm/v3/objects/contacts").await;
    // A fresh one from the same refresh token works.
    let again = exchange(&hubspot, &refresh_grant(&hubspot, hubspot.refresh_token()))
        .await
        .expect(200);
    read(
        &Api::new(hubspot.api_url()).bearer(again["access_token"].as_str().unwrap()),
        "/crm/v3/objects/contacts",
    )
    .await;

    // A code is good for ten minutes: one exchanged in time works, one past them is refused.
    let redirect_uri = "https://app.example/cb";
    let mut codes = Vec::new();
    for _ in 0..2 {
        let minted = mint_code(&hubspot, &json!({ "redirectUri": redirect_uri })).await;
        codes.push(minted["code"].as_str().unwrap().to_owned());
    }
    advance(&hubspot, 590).await;
    exchange(&hubspot, &code_grant(&hubspot, &codes[0], redirect_uri))
        .await
        .expect(200);
    advance(&hubspot, 10).await;
    let late = exchange(&hubspot, &code_grant(&hubspot, &codes[1], redirect_uri))
        .await
        .expect(400);
    assert_eq!(late["status"], "EXPIRED_AUTH_CODE");
    for seconds in [json!(0), json!("60"), json!(null)] {
        admin(&hubspot)
            .post("/api/admin/oauth/advance", &json!({ "seconds": seconds }))
            .await
            .expect(400);
    }
}
