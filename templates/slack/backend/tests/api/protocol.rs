//! Wire protocol: argument encodings, token placement, rate limits.

use serde_json::json;

use crate::common::{Api, admin, err, ok};

#[asym::clone("slack", seed = "basic")]
async fn get_with_a_query_string_and_token_argument(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let url = format!(
        "{}/conversations.info?channel=C0000000001&token={}",
        slack.api_url(),
        slack.user_token()
    );
    let body: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(ok(body)["channel"]["name"], "general");
}

#[asym::clone("slack", seed = "basic")]
async fn rate_limits_are_off_until_switched_on(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for _ in 0..5 {
        slack.bot_ok("users.list", json!({})).await;
    }
    let (status, body) = admin(
        &slack,
        reqwest::Method::POST,
        "rate-limits",
        Some(json!({"enabled": true, "methods": {"users.list": 2}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    slack.bot_ok("users.list", json!({})).await;
    slack.bot_ok("users.list", json!({})).await;
    let response = slack
        .http()
        .clone()
        .post(format!("{}/users.list", slack.api_url()))
        .bearer_auth(slack.bot_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.unwrap();
    err(body, "ratelimited");
    // Other methods have their own allowance.
    slack.bot_ok("auth.test", json!({})).await;
    // chat.postMessage: one per second per channel.
    slack.post(slack.bot_token(), "C0000000001", "a").await;
    let second = slack
        .http()
        .clone()
        .post(format!("{}/chat.postMessage", slack.api_url()))
        .bearer_auth(slack.bot_token())
        .json(&json!({"channel": "C0000000001", "text": "b"}))
        .send()
        .await
        .unwrap();
    // The two posts may straddle a second boundary; a third in the same second cannot pass.
    if second.status().as_u16() == 200 {
        let third = slack
            .bot(
                "chat.postMessage",
                json!({"channel": "C0000000001", "text": "c"}),
            )
            .await;
        assert!(third["ok"] == true || third["error"] == "ratelimited");
    }
    let (_, body) = admin(&slack, reqwest::Method::GET, "rate-limits", None).await;
    assert_eq!(body["rateLimits"]["enabled"], true);
}

#[asym::clone("slack", seed = "basic")]
async fn admin_surface_needs_the_secret(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let response = slack
        .http()
        .clone()
        .post(format!("{}/admin/tokens", slack.api_url()))
        .json(&json!({"kind": "bot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[asym::clone("slack", seed = "basic")]
async fn admin_requests_that_do_not_fit_are_refused_with_why(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for (path, body, message) in [
        ("tokens", json!({"kind": "robot"}), "kind must be"),
        (
            "tokens",
            json!({"kind": "bot", "colour": "red"}),
            "unknown field",
        ),
        ("rate-limits", json!({"enabled": "yes"}), "invalid type"),
        (
            "events",
            json!({"url": "ftp://example.test/"}),
            "http(s) URL",
        ),
        (
            "events",
            json!({"url": "http://x.test/", "retryDelaysMs": [-1]}),
            "non-negative",
        ),
        ("events", json!({}), "missing field `url`"),
    ] {
        let (status, answer) = admin(&slack, reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert_eq!(answer["ok"], false, "{path}: {answer}");
        assert_eq!(answer["error"], "invalid_arguments", "{path}: {answer}");
        let said = answer["message"].as_str().unwrap_or_default();
        assert!(said.contains(message), "{path}: {said}");
    }
    let (status, answer) = admin(
        &slack,
        reqwest::Method::POST,
        "tokens",
        Some(json!({"kind": "user", "user": "U0NOPE"})),
    )
    .await;
    assert_eq!((status, &answer["error"]), (404, &json!("user_not_found")));
}
