//! Sign in with Slack: `openid.connect.token`, `openid.connect.userInfo`, the JWKS, and the
//! legacy `users.identity`.

use serde_json::{Value, json};

use crate::common::{Api, err, ok};
use crate::oauth::{client, code};

/// The JSON of one base64url (unpadded) part of a JWT.
fn part(encoded: &str) -> Value {
    let mut padded = encoded.replace('-', "+").replace('_', "/");
    while !padded.len().is_multiple_of(4) {
        padded.push('=');
    }
    serde_json::from_str(&asym_kit::cursor::decode(&padded).unwrap()).unwrap()
}

/// `openid.connect.token` with the client's credentials and `code`, as a form.
async fn exchange(slack: &Api<'_>, code: &str, redirect: &str) -> Value {
    let (id, secret) = client(slack).await;
    let pairs = [
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
        ("code", code),
        ("redirect_uri", redirect),
    ];
    slack.form("", "openid.connect.token", &pairs).await
}

#[asym::clone("slack", seed = "basic")]
async fn sign_in_codes_give_a_user_token_and_a_signed_id_token(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (client_id, _) = client(&slack).await;
    let approve = json!({"user": "U0000000003", "scopes": [], "nonce": "n-0S6_WzA2Mj",
                         "userScopes": ["openid", "email", "profile"],
                         "redirectUri": "https://app.test/signin"});
    let signin = code(&slack, approve).await;
    err(
        exchange(&slack, &signin, "https://app.test/elsewhere").await,
        "bad_redirect_uri",
    );
    let got = ok(exchange(&slack, &signin, "https://app.test/signin").await);
    assert_eq!(got["token_type"], "Bearer");
    let access = got["access_token"].as_str().unwrap();
    assert!(access.starts_with("xoxp-"), "{got}");
    err(
        exchange(&slack, &signin, "https://app.test/signin").await,
        "invalid_code",
    );

    let jwt: Vec<&str> = got["id_token"].as_str().unwrap().split('.').collect();
    assert_eq!(jwt.len(), 3);
    let header = part(jwt[0]);
    assert_eq!(
        (&header["alg"], &header["typ"]),
        (&json!("RS256"), &json!("JWT"))
    );
    let claims = part(jwt[1]);
    assert_eq!(
        (
            &claims["iss"],
            &claims["aud"],
            &claims["sub"],
            &claims["nonce"]
        ),
        (
            &json!("https://slack.com"),
            &json!(client_id),
            &json!("U0000000003"),
            &json!("n-0S6_WzA2Mj")
        )
    );
    assert_eq!(claims["https://slack.com/user_id"], "U0000000003");
    assert_eq!(claims["https://slack.com/team_id"], "T0000000001");
    assert_eq!(claims["https://slack.com/team_domain"], "acme");
    assert_eq!(
        (&claims["email"], &claims["email_verified"], &claims["name"]),
        (
            &json!("alice@acme.test"),
            &json!(true),
            &json!("Alice Archer")
        )
    );
    assert_eq!(
        (&claims["given_name"], &claims["family_name"]),
        (&json!("Alice"), &json!("Archer"))
    );
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 300);
    assert_eq!(claims["at_hash"].as_str().unwrap().len(), 22);

    // The key that signed it is published, under the header's kid.
    let keys = slack
        .anonymous()
        .get("/openid/connect/keys")
        .await
        .expect(200);
    let key = &keys["keys"][0];
    assert_eq!(
        (&key["kid"], &key["kty"], &key["e"]),
        (&header["kid"], &json!("RSA"), &json!("AQAB"))
    );
    assert_eq!(key["n"].as_str().unwrap().len(), 342, "a 2048-bit modulus");
    let discovery = slack
        .anonymous()
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    assert!(
        discovery["jwks_uri"]
            .as_str()
            .unwrap()
            .ends_with("/openid/connect/keys")
    );

    // userInfo answers the same person for the token.
    let info = slack.ok(access, "openid.connect.userInfo", json!({})).await;
    assert_eq!(
        (
            &info["sub"],
            &info["email"],
            &info["https://slack.com/team_name"]
        ),
        (
            &json!("U0000000003"),
            &json!("alice@acme.test"),
            &json!("Acme")
        )
    );
    assert!(
        info["https://slack.com/user_image_512"].is_string(),
        "{info}"
    );
}

#[asym::clone("slack", seed = "basic")]
async fn sign_in_claims_follow_the_scopes_and_errors_are_slacks(slack: asym::Slack) {
    let slack = Api::new(&slack);
    // openid alone: ids, no email, no profile; no nonce asked, none in the token.
    let bare = code(&slack, json!({"scopes": [], "userScopes": ["openid"]})).await;
    let got = ok(exchange(&slack, &bare, "").await);
    let claims = part(got["id_token"].as_str().unwrap().split('.').nth(1).unwrap());
    assert_eq!(claims["sub"], "U0000000001");
    for absent in ["email", "name", "nonce", "https://slack.com/team_name"] {
        assert!(claims.get(absent).is_none(), "{absent}: {claims}");
    }
    let access = got["access_token"].as_str().unwrap();
    let info = slack.ok(access, "openid.connect.userInfo", json!({})).await;
    assert!(info.get("email").is_none(), "{info}");

    // A code of an ordinary install is not a sign-in, and stays good for oauth.v2.access.
    let install = code(&slack, json!({"userScopes": ["search:read"]})).await;
    err(exchange(&slack, &install, "").await, "invalid_code");
    let (id, secret) = client(&slack).await;
    let pairs = [
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
        ("code", install.as_str()),
    ];
    ok(slack.form("", "oauth.v2.access", &pairs).await);

    let fresh = code(&slack, json!({"scopes": [], "userScopes": ["openid"]})).await;
    let wrong_secret = [
        ("client_id", id.as_str()),
        ("client_secret", "nope"),
        ("code", fresh.as_str()),
    ];
    err(
        slack.form("", "openid.connect.token", &wrong_secret).await,
        "bad_client_secret",
    );
    let no_client = [("code", fresh.as_str())];
    err(
        slack.form("", "openid.connect.token", &no_client).await,
        "invalid_client_id",
    );
    let refresh = [
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
        ("grant_type", "refresh_token"),
        ("refresh_token", "xoxe-1-abc"),
    ];
    err(
        slack.form("", "openid.connect.token", &refresh).await,
        "invalid_refresh_token",
    );

    // userInfo wants a Sign in with Slack user token.
    slack
        .bot_err(
            "openid.connect.userInfo",
            json!({}),
            "not_allowed_token_type",
        )
        .await;
    slack
        .missing_scope(slack.user_token(), "openid.connect.userInfo", json!({}))
        .await;
    slack
        .err(
            "xoxp-0-nope",
            "openid.connect.userInfo",
            json!({}),
            "invalid_auth",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn users_identity_answers_what_the_identity_scopes_allow(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let basic = slack
        .mint("user", Some("U0000000004"), Some(&["identity.basic"]))
        .await;
    let got = slack.ok(&basic, "users.identity", json!({})).await;
    assert_eq!(
        got["user"],
        json!({"name": "Bob Baker", "id": "U0000000004"})
    );
    assert_eq!(got["team"], json!({"id": "T0000000001"}));

    let scopes = [
        "identity.basic",
        "identity.email",
        "identity.avatar",
        "identity.team",
    ];
    let full = slack.mint("user", Some("U0000000004"), Some(&scopes)).await;
    let got = slack.ok(&full, "users.identity", json!({})).await;
    assert_eq!(got["user"]["email"], "bob@acme.test");
    assert!(
        got["user"]["image_192"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{got}"
    );
    assert_eq!(
        (&got["team"]["name"], &got["team"]["domain"]),
        (&json!("Acme"), &json!("acme"))
    );

    // A photo set with users.setPhoto is the picture Sign in with Slack answers.
    let bob = slack.mint("user", Some("U0000000004"), None).await;
    let gif = b"GIF89a\x00\x02\x00\x02\x00\x00\x00".to_vec();
    let parts = [("image", Some("me.gif"), gif.as_slice())];
    ok(slack.multipart(&bob, "users.setPhoto", &parts).await);
    let got = slack.ok(&full, "users.identity", json!({})).await;
    let image = got["user"]["image_192"].as_str().unwrap();
    assert!(
        image.contains("/avatars/U0000000004-") && image.ends_with("_192.gif"),
        "{got}"
    );

    slack
        .missing_scope(slack.user_token(), "users.identity", json!({}))
        .await;
    slack
        .bot_err("users.identity", json!({}), "not_allowed_token_type")
        .await;
}
