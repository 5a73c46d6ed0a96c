//! `oauth.v2.access` and the install codes of the admin surface.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, err, ok};

/// The app's client id and secret.
pub(crate) async fn client(slack: &Api<'_>) -> (String, String) {
    let got = slack.admin_ok(Method::GET, "oauth", None).await;
    assert_eq!(got["appId"], "A0000000001");
    let field = |name: &str| got[name].as_str().unwrap().to_owned();
    (field("clientId"), field("clientSecret"))
}

/// A code for the install `body` describes.
pub(crate) async fn code(slack: &Api<'_>, body: Value) -> String {
    let minted = slack
        .admin_ok(Method::POST, "oauth/codes", Some(body))
        .await;
    minted["code"].as_str().unwrap().to_owned()
}

/// `oauth.v2.access` with `pairs` as a form, as the Node SDK sends it (no token).
async fn access(slack: &Api<'_>, pairs: Vec<(&str, String)>) -> Value {
    unauthed(slack, "oauth.v2.access", pairs).await
}

/// `method` with `pairs` as a form and no token.
async fn unauthed(slack: &Api<'_>, method: &str, pairs: Vec<(&str, String)>) -> Value {
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    slack.form("", method, &pairs).await
}

#[asym::clone("slack", seed = "basic")]
async fn install_codes_are_exchanged_once_for_tokens(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (id, secret) = client(&slack).await;
    let install = json!({"user": "U0000000003", "scopes": ["chat:write", "channels:read"],
                         "userScopes": ["search:read"], "redirectUri": "https://app.test/done"});
    let first = code(&slack, install).await;
    let exchange = |code: &str, redirect: &str| {
        vec![
            ("client_id", id.clone()),
            ("client_secret", secret.clone()),
            ("code", code.to_owned()),
            ("redirect_uri", redirect.to_owned()),
        ]
    };
    let wrong = access(&slack, exchange(&first, "https://app.test/other")).await;
    err(wrong, "bad_redirect_uri");
    let got = ok(access(&slack, exchange(&first, "https://app.test/done")).await);
    assert_eq!(
        (
            &got["token_type"],
            &got["scope"],
            &got["bot_user_id"],
            &got["app_id"]
        ),
        (
            &json!("bot"),
            &json!("chat:write,channels:read"),
            &json!("U0000000002"),
            &json!("A0000000001")
        )
    );
    assert_eq!(got["team"], json!({"id": "T0000000001", "name": "Acme"}));
    assert_eq!(
        (&got["enterprise"], &got["is_enterprise_install"]),
        (&Value::Null, &json!(false))
    );
    let authed = &got["authed_user"];
    assert_eq!(
        (&authed["id"], &authed["scope"], &authed["token_type"]),
        (&json!("U0000000003"), &json!("search:read"), &json!("user"))
    );

    // The tokens work, with the scopes asked for and nothing more.
    let bot = got["access_token"].as_str().unwrap();
    assert!(bot.starts_with("xoxb-"), "{got}");
    let me = slack.ok(bot, "auth.test", json!({})).await;
    assert_eq!(me["bot_id"], "B0000000001");
    slack.missing_scope(bot, "users.list", json!({})).await;
    let person = authed["access_token"].as_str().unwrap();
    assert_eq!(
        slack.ok(person, "auth.test", json!({})).await["user_id"],
        "U0000000003"
    );
    err(
        access(&slack, exchange(&first, "https://app.test/done")).await,
        "invalid_code",
    );

    // Sign in only (user scopes, no bot): no bot token; the credentials as HTTP Basic auth.
    let sign_in = code(
        &slack,
        json!({"scopes": [], "userScopes": ["identity.basic"]}),
    )
    .await;
    let basic = asym_kit::cursor::encode(&format!("{id}:{secret}"));
    let reply = slack
        .anonymous()
        .clone()
        .with_header("authorization", format!("Basic {basic}"))
        .send_raw(
            Method::POST,
            "/api/oauth.v2.access",
            "application/x-www-form-urlencoded",
            format!("code={sign_in}"),
        )
        .await;
    let signed_in = ok(reply.expect(200));
    assert!(signed_in.get("access_token").is_none(), "{signed_in}");
    assert_eq!(signed_in["authed_user"]["id"], "U0000000001");

    let fresh = code(&slack, json!({})).await;
    for (pairs, error) in [
        (vec![("code", fresh.clone())], "invalid_client_id"),
        (
            vec![
                ("client_id", "1.2".to_owned()),
                ("client_secret", secret.clone()),
                ("code", fresh.clone()),
            ],
            "invalid_client_id",
        ),
        (
            vec![
                ("client_id", id.clone()),
                ("client_secret", "nope".to_owned()),
                ("code", fresh.clone()),
            ],
            "bad_client_secret",
        ),
        (
            vec![("client_id", id.clone()), ("client_secret", secret.clone())],
            "invalid_code",
        ),
        (
            vec![
                ("client_id", id.clone()),
                ("client_secret", secret.clone()),
                ("code", "123.456.abc".to_owned()),
            ],
            "invalid_code",
        ),
        (
            vec![
                ("client_id", id.clone()),
                ("client_secret", secret.clone()),
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", "xoxe-1".to_owned()),
            ],
            "invalid_refresh_token",
        ),
        (
            vec![("grant_type", "password".to_owned())],
            "invalid_grant_type",
        ),
    ] {
        err(access(&slack, pairs).await, error);
    }
    // A code is good for ten minutes.
    slack.age("oauth_codes", "10 minutes").await;
    err(access(&slack, exchange(&fresh, "")).await, "invalid_code");

    for (body, status) in [
        (json!({"scopes": [], "userScopes": []}), 400),
        (json!({"scopes": ["chat:write,users:read"]}), 400),
        (json!({"scopes": ["chat:write", "incoming-webhook"]}), 400),
        (json!({"user": "U0000000002"}), 404),
        (json!({"user": "U0NOPE"}), 404),
        (json!({"scope": ["chat:write"]}), 400),
    ] {
        slack
            .admin(Method::POST, "oauth/codes", Some(body))
            .await
            .expect(status);
    }
}

#[asym::clone("slack", seed = "basic")]
async fn rotating_tokens_expire_and_are_refreshed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (id, secret) = client(&slack).await;
    let credentials = || vec![("client_id", id.clone()), ("client_secret", secret.clone())];
    // Without rotation: a long-lived token, which oauth.v2.exchange will not trade yet.
    // The token to trade is the call's `token`, as the SDKs send it.
    let exchange = |token: &str| {
        let (slack, token, id, secret) = (&slack, token.to_owned(), id.clone(), secret.clone());
        async move {
            let pairs = [
                ("client_id", id.as_str()),
                ("client_secret", secret.as_str()),
            ];
            slack.form(&token, "oauth.v2.exchange", &pairs).await
        }
    };
    let refused = exchange(slack.bot_token()).await;
    err(refused, "token_rotation_not_enabled");
    let on = json!({"enabled": true});
    slack
        .admin_ok(Method::POST, "oauth/rotation", Some(on))
        .await;

    let install = json!({"user": "U0000000003", "scopes": ["chat:write"],
                         "userScopes": ["search:read"]});
    let mut pairs = credentials();
    pairs.push(("code", code(&slack, install).await));
    let got = ok(access(&slack, pairs).await);
    let bot = got["access_token"].as_str().unwrap().to_owned();
    assert!(bot.starts_with("xoxe.xoxb-"), "{got}");
    assert!(
        got["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("xoxe-1-")
    );
    assert_eq!(got["expires_in"], 43_200);
    let person = &got["authed_user"];
    assert!(
        person["access_token"]
            .as_str()
            .unwrap()
            .starts_with("xoxe.xoxp-"),
        "{got}"
    );
    assert_eq!(person["expires_in"], 43_200);
    assert!(person["refresh_token"].is_string());
    slack.ok(&bot, "auth.test", json!({})).await;

    // Its twelve hours up: token_expired; the refresh token mints a new one.
    let expire = json!({"token": bot});
    slack
        .admin_ok(Method::POST, "tokens/expire", Some(expire))
        .await;
    slack
        .err(&bot, "auth.test", json!({}), "token_expired")
        .await;
    let refresh = got["refresh_token"].as_str().unwrap().to_owned();
    let mut pairs = credentials();
    pairs.extend([
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh.clone()),
    ]);
    let refreshed = ok(access(&slack, pairs.clone()).await);
    assert_eq!(refreshed["token_type"], "bot");
    assert_eq!(refreshed["bot_user_id"], "U0000000002");
    assert_eq!(refreshed["scope"], "chat:write");
    assert_eq!(refreshed["refresh_token"], refresh.as_str());
    assert_eq!(refreshed["expires_in"], 43_200);
    let fresh = refreshed["access_token"].as_str().unwrap();
    assert!(
        fresh.starts_with("xoxe.xoxb-") && fresh != bot,
        "{refreshed}"
    );
    slack.ok(fresh, "auth.test", json!({})).await;
    pairs[1].1 = "wrong".to_owned();
    err(access(&slack, pairs).await, "bad_client_secret");

    // A long-lived token traded for an expiring one; it keeps working.
    let traded = ok(exchange(slack.user_token()).await);
    assert_eq!(traded["token_type"], "user");
    assert_eq!(traded["user_id"], "U0000000001");
    assert!(
        traded["access_token"]
            .as_str()
            .unwrap()
            .starts_with("xoxe.xoxp-")
    );
    slack.ok(slack.user_token(), "auth.test", json!({})).await;
    err(exchange("xoxb-nope").await, "invalid_auth");

    // A configuration token rotates: the refresh token is used up.
    let config = slack
        .admin_ok(Method::POST, "tokens/config", Some(json!({})))
        .await;
    let first = config["refreshToken"].as_str().unwrap().to_owned();
    let rotate = vec![("refresh_token", first.clone())];
    let rotated = ok(unauthed(&slack, "tooling.tokens.rotate", rotate.clone()).await);
    assert!(rotated["token"].as_str().unwrap().starts_with("xoxe.xoxp-"));
    assert_ne!(rotated["refresh_token"], first.as_str());
    assert_eq!(
        rotated["exp"].as_i64().unwrap() - rotated["iat"].as_i64().unwrap(),
        43_200
    );
    err(
        unauthed(&slack, "tooling.tokens.rotate", rotate).await,
        "invalid_refresh_token",
    );
}

/// `oauth.v2.exchange` of `token` by the client `client_id` with `client_secret`.
async fn exchange_with(
    slack: &Api<'_>,
    client_id: &str,
    client_secret: &str,
    token: &str,
) -> Value {
    let pairs = [("client_id", client_id), ("client_secret", client_secret)];
    slack.form(token, "oauth.v2.exchange", &pairs).await
}

/// A refresh (`oauth.v2.access`, `grant_type=refresh_token`) and an exchange
/// (`oauth.v2.exchange`) check in one order, as `oauth.v2.access` checks a code: the client's
/// id, then its secret, then (an exchange) rotation, then what is presented. So a call wrong in
/// several ways answers the first of them, the same for both.
#[asym::clone("slack", seed = "basic")]
async fn a_refresh_and_an_exchange_check_in_one_order(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (id, secret) = client(&slack).await;
    let refresh = |client_id: &str, client_secret: &str| {
        vec![
            ("client_id", client_id.to_owned()),
            ("client_secret", client_secret.to_owned()),
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", "xoxe-1-unknown".to_owned()),
        ]
    };
    let exchange =
        |client_id, client_secret, token| exchange_with(&slack, client_id, client_secret, token);
    // Rotation off, everything else wrong too: the client is checked first.
    for (client_id, client_secret, error) in [
        ("1.2", "nope", "invalid_client_id"),
        (id.as_str(), "nope", "bad_client_secret"),
    ] {
        err(
            access(&slack, refresh(client_id, client_secret)).await,
            error,
        );
        err(exchange(client_id, client_secret, "xoxb-nope").await, error);
    }
    err(
        exchange(&id, &secret, "xoxb-nope").await,
        "token_rotation_not_enabled",
    );
    err(
        access(&slack, refresh(&id, &secret)).await,
        "invalid_refresh_token",
    );
    slack
        .admin_ok(
            Method::POST,
            "oauth/rotation",
            Some(json!({"enabled": true})),
        )
        .await;
    err(
        exchange("1.2", &secret, "xoxb-nope").await,
        "invalid_client_id",
    );
    err(exchange(&id, &secret, "xoxb-nope").await, "invalid_auth");
    err(
        access(&slack, refresh(&id, &secret)).await,
        "invalid_refresh_token",
    );
}

/// `apps.uninstall`: the app's client id and secret revoke every token of the installation
/// (each then `token_revoked`), Slack sends `tokens_revoked` and `app_uninstalled`, and the
/// app can be installed again.
#[asym::clone("slack", seed = "basic")]
async fn uninstalling_revokes_every_token_of_the_install(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver =
        crate::events::subscribe(&slack, 0, json!(["tokens_revoked", "app_uninstalled"])).await;
    let (id, secret) = client(&slack).await;
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    for (args, error) in [
        (json!({}), "invalid_client_id"),
        (
            json!({"client_id": "1.2", "client_secret": secret}),
            "invalid_client_id",
        ),
        (json!({"client_id": id}), "bad_client_secret"),
        (
            json!({"client_id": id, "client_secret": "nope"}),
            "bad_client_secret",
        ),
    ] {
        slack.bot_err("apps.uninstall", args, error).await;
    }
    let pair = json!({"client_id": id, "client_secret": secret});
    err(slack.form("", "apps.uninstall", &[]).await, "not_authed");
    slack.bot_ok("apps.uninstall", pair.clone()).await;
    for token in [slack.bot_token(), slack.user_token(), alice.as_str()] {
        slack
            .err(token, "auth.test", json!({}), "token_revoked")
            .await;
    }
    slack
        .err(slack.bot_token(), "apps.uninstall", pair, "token_revoked")
        .await;

    let mut events = Vec::new();
    for _ in 0..2 {
        events.push(crate::events::next_event(&receiver).await);
    }
    events.sort_by_key(|event| event["type"].as_str().unwrap().to_owned());
    assert_eq!(events[0]["type"], "app_uninstalled", "{events:?}");
    assert_eq!(
        events[1]["tokens"],
        json!({"oauth": ["U0000000001", "U0000000003"], "bot": ["U0000000002"]})
    );

    // Installed again, the new bot token works.
    let again = code(&slack, json!({})).await;
    let pairs = vec![
        ("client_id", id),
        ("client_secret", secret),
        ("code", again),
    ];
    let got = ok(access(&slack, pairs).await);
    slack
        .ok(
            got["access_token"].as_str().unwrap(),
            "auth.test",
            json!({}),
        )
        .await;
}
