//! Wire protocol: argument encodings, token placement, rate limits.

use reqwest::Method;
use serde_json::json;

use crate::common::{Api, err, ok};

#[asym::clone("slack", seed = "basic")]
async fn get_with_a_query_string_and_token_argument(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let path = format!(
        "/api/conversations.info?channel=C0000000001&token={}",
        slack.user_token()
    );
    let body = slack.anonymous().get(&path).await.expect(200);
    assert_eq!(ok(body)["channel"]["name"], "general");
}

#[asym::clone("slack", seed = "basic")]
async fn rate_limits_are_off_until_switched_on(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for _ in 0..5 {
        slack.bot_ok("users.list", json!({})).await;
    }
    let limits = json!({"enabled": true, "methods": {"users.list": 2}});
    let set = slack.admin(Method::POST, "rate-limits", Some(limits)).await;
    set.expect(200);
    slack.bot_ok("users.list", json!({})).await;
    slack.bot_ok("users.list", json!({})).await;
    let limited = slack.send(slack.bot_token(), "users.list", json!({})).await;
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    err(limited.expect(429), "ratelimited");
    // Other methods have their own allowance.
    slack.bot_ok("auth.test", json!({})).await;
    // chat.postMessage: one per second per channel.
    slack.post(slack.bot_token(), "C0000000001", "a").await;
    let second = slack
        .send(
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "b"}),
        )
        .await;
    // The two posts may straddle a second boundary; a third in the same second cannot pass.
    if second.status == 200 {
        let third = slack
            .bot(
                "chat.postMessage",
                json!({"channel": "C0000000001", "text": "c"}),
            )
            .await;
        assert!(third["ok"] == true || third["error"] == "ratelimited");
    }
    let limits = slack.admin(Method::GET, "rate-limits", None).await;
    assert_eq!(limits.expect(200)["rateLimits"]["enabled"], true);
}

#[asym::clone("slack", seed = "basic")]
async fn admin_surface_needs_the_secret(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let refused = slack
        .anonymous()
        .post("/api/admin/tokens", &json!({"kind": "bot"}))
        .await;
    assert_eq!(refused.status, 401);
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
        let answer = slack
            .admin(Method::POST, path, Some(body))
            .await
            .expect(400);
        let answer = err(answer, "invalid_arguments");
        let said = answer["message"].as_str().unwrap_or_default();
        assert!(said.contains(message), "{path}: {said}");
    }
    let nobody = json!({"kind": "user", "user": "U0NOPE"});
    let answer = slack.admin(Method::POST, "tokens", Some(nobody)).await;
    err(answer.expect(404), "user_not_found");
}
