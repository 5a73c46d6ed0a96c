//! Wire protocol: argument encodings, token placement, rate limits.

use asym_kit::testing::{assert_contains, pluck};
use reqwest::Method;
use serde_json::json;

use crate::common::{Api, err, ok, refused};
use crate::files::upload;

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
    // Windows are wall-clock minutes, and calls that straddle one's end count in two: two
    // pass per window, so the first refusal is the third call, or at most the fifth when a
    // minute ends among them.
    let mut passed = 0;
    let limited = loop {
        let reply = slack.send(slack.bot_token(), "users.list", json!({})).await;
        if reply.status != 200 {
            break reply;
        }
        passed += 1;
        assert!(passed <= 4, "{passed} calls passed an allowance of 2");
    };
    assert!(passed >= 2, "refused after {passed}");
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
    // The two posts may straddle a second boundary (likelier the slower the machine); then a
    // third is in the second's second (refused, HTTP 429) or, slower still, in a new one.
    let refused = if second.status == 200 {
        let third = json!({"channel": "C0000000001", "text": "c"});
        let third = slack
            .send(slack.bot_token(), "chat.postMessage", third)
            .await;
        (third.status != 200).then_some(third)
    } else {
        Some(second)
    };
    if let Some(refused) = refused {
        err(refused.expect(429), "ratelimited");
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

/// `calls` of `method` with `args(n)` sent at once with `token`, each answering HTTP 200; the
/// bodies, in the order sent.
async fn at_once(
    slack: &Api<'_>,
    token: &str,
    method: &str,
    calls: usize,
    args: impl Fn(usize) -> serde_json::Value,
) -> Vec<serde_json::Value> {
    let mut sent = tokio::task::JoinSet::new();
    for n in 0..calls {
        let (client, path, body) = (slack.authorized(token), format!("/api/{method}"), args(n));
        sent.spawn(async move { (n, client.post(&path, &body).await.expect(200)) });
    }
    let mut bodies = sent.join_all().await;
    bodies.sort_by_key(|(n, _)| *n);
    bodies.into_iter().map(|(_, body)| body).collect()
}

/// The `error` of each body (`""` for `ok: true`), sorted.
fn outcomes(bodies: &[serde_json::Value]) -> Vec<String> {
    let mut outcomes: Vec<String> = bodies
        .iter()
        .map(|body| body["error"].as_str().unwrap_or_default().to_owned())
        .collect();
    outcomes.sort();
    outcomes
}

/// The sorted [`outcomes`] of twenty calls of which one succeeds and the rest answer `error`.
fn once_then(error: &str) -> Vec<String> {
    let mut outcomes = vec![error.to_owned(); 19];
    outcomes.insert(0, String::new());
    outcomes
}

#[asym::clone("slack", seed = "basic")]
async fn twenty_writes_at_once_each_answer_without_starving_the_connection_pool(
    slack: asym::Slack,
) {
    let slack = Api::new(&slack);
    let bot = slack.bot_token();
    // Twenty creates of one name: one channel, nineteen name_taken.
    let created = at_once(
        &slack,
        bot,
        "conversations.create",
        20,
        |_| json!({"name": "one-name"}),
    )
    .await;
    assert_eq!(outcomes(&created), once_then("name_taken"));
    // Twenty creates of twenty names, twenty edits of one channel, twenty profile edits.
    let created = at_once(
        &slack,
        bot,
        "conversations.create",
        20,
        |n| json!({"name": format!("many-{n}")}),
    )
    .await;
    assert_eq!(outcomes(&created), vec![String::new(); 20]);
    let topics = at_once(
        &slack,
        bot,
        "conversations.setTopic",
        20,
        |n| json!({"channel": "C0000000001", "topic": format!("topic {n}")}),
    )
    .await;
    assert_eq!(outcomes(&topics), vec![String::new(); 20]);
    let user = slack.user_token();
    let edits = at_once(
        &slack,
        user,
        "users.profile.set",
        20,
        |n| json!({"profile": {"status_text": format!("status {n}")}}),
    )
    .await;
    assert_eq!(outcomes(&edits), vec![String::new(); 20]);
}

#[asym::clone("slack", seed = "basic")]
async fn a_nul_in_an_admin_or_file_path_query_or_body_is_refused_not_a_503(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let client = slack
        .authorized(slack.bot_token())
        .with_header("x-asym-admin-secret", slack.admin_secret());
    let empty = json!({});
    let raw = |method: Method, path: &'static str| client.send(method, path, Some(&empty));
    for path in [
        "/api/admin/reminders/Rm%00/due",
        "/upload/v1/%00",
        "/hooks/commands/T0000000001/1/%00",
    ] {
        refused(raw(Method::POST, path).await, 404, "not_found");
    }
    let file = raw(Method::GET, "/files-pri/T0000000001-F%00/x").await;
    refused(file, 404, "not_found");
    let shortcut = raw(Method::DELETE, "/api/admin/shortcuts/a%00").await;
    refused(shortcut, 404, "not_found");
    let modals = raw(Method::GET, "/api/admin/interactions/modals?user=U%00").await;
    refused(modals, 400, "invalid_arguments");
    let nobody = json!({"kind": "user", "user": "U\u{0}"});
    let minted = slack.admin(Method::POST, "tokens", Some(nobody)).await;
    let said = refused(minted, 400, "invalid_arguments");
    assert_contains(&said["message"], "NUL");
}

#[asym::clone("slack", seed = "basic")]
async fn a_file_or_admin_path_that_is_not_utf8_is_a_404_in_slacks_envelope(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let client = slack
        .authorized(slack.bot_token())
        .with_header("x-asym-admin-secret", slack.admin_secret());
    for (method, path) in [
        (Method::GET, "/files-pri/T0000000001-F0000000001/%FF"),
        (Method::DELETE, "/api/admin/commands/%FF"),
        (Method::POST, "/api/admin/reminders/Rm%FF/due"),
    ] {
        refused(client.send(method, path, None).await, 404, "not_found");
    }
}

#[asym::clone("slack", seed = "basic")]
async fn a_method_name_that_is_not_utf8_is_an_unknown_method(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack.anonymous().get("/api/%FF").await.expect(200);
    assert_eq!(err(body, "unknown_method")["req_method"], "%FF");
}

#[asym::clone("slack", seed = "basic")]
async fn twenty_deletes_archives_and_replacements_at_once_take_effect_once(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let bot = slack.bot_token();
    let channel = slack.create(bot, "archived-once").await;
    let archived = at_once(
        &slack,
        bot,
        "conversations.archive",
        20,
        |_| json!({"channel": channel}),
    )
    .await;
    assert_eq!(outcomes(&archived), once_then("already_archived"));
    let history = slack
        .bot_ok("conversations.history", json!({"channel": channel}))
        .await;
    let subtypes = pluck(&history["messages"], "subtype");
    assert_eq!(subtypes, ["channel_archive", "channel_join"]);
    let ts = slack.post(bot, "C0000000001", "gone soon").await["ts"].clone();
    let deleted = at_once(
        &slack,
        bot,
        "chat.delete",
        20,
        |_| json!({"channel": "C0000000001", "ts": ts}),
    )
    .await;
    assert_eq!(outcomes(&deleted), once_then("message_not_found"));
    let file = upload(&slack, "once.txt", "x", json!({})).await["files"][0]["id"].clone();
    let gone = at_once(&slack, bot, "files.delete", 20, |_| json!({"file": file})).await;
    assert_eq!(outcomes(&gone), once_then("file_deleted"));
    let group = json!({"name": "Racers", "handle": "racers"});
    let group = slack.bot_ok("usergroups.create", group).await["usergroup"]["id"].clone();
    let replaced = at_once(&slack, bot, "usergroups.users.update", 20, |n| {
        let users = if n % 2 == 0 {
            "U0000000003"
        } else {
            "U0000000004"
        };
        json!({"usergroup": group, "users": users})
    })
    .await;
    assert_eq!(outcomes(&replaced), vec![String::new(); 20]);
}
