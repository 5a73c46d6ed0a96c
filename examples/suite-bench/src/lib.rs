//! The work of one benchmark test, and the two baselines asym is measured against.
//!
//! `bash scripts/bench-suite.sh` runs the 200 generated tests under `cargo nextest` three ways:
//! `pooled_*` with `#[asym::clone]` (leased from the warm pool, reset before each test),
//! `shared_*` against one clone spun by hand and never reset (the floor: no isolation at all),
//! and `fresh_*` spinning and destroying a clone per test (the testcontainers pattern).

use serde_json::{Value, json};

/// Posts `text` to #general and reads the channel back; with `isolated`, asserts the history is
/// exactly the `basic` seed plus this one message (it only holds if every test starts clean).
///
/// # Panics
/// When Slack answers an error or the history is not what the test expects.
pub async fn post_and_read(api: &str, token: &str, text: &str, isolated: bool) {
    let http = reqwest::Client::new();
    let call = |method: &str, body: Value| {
        http.post(format!("{api}/{method}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let posted: Value = call(
        "chat.postMessage",
        json!({ "channel": "C0000000001", "text": text }),
    )
    .await
    .expect("post")
    .json()
    .await
    .expect("post JSON");
    assert_eq!(posted["ok"], true, "{posted}");
    let history: Value = call(
        "conversations.history",
        json!({ "channel": "C0000000001", "limit": 1000 }),
    )
    .await
    .expect("history")
    .json()
    .await
    .expect("history JSON");
    let messages = history["messages"].as_array().expect("messages");
    if isolated {
        assert_eq!(messages[0]["text"], text, "newest first");
        let mine = messages
            .iter()
            .filter(|m| m["ts"].as_str() > Some("1700001000"))
            .count();
        assert_eq!(
            mine, 1,
            "only this test's message beyond the seed: {history}"
        );
    } else {
        // Others post to the same channel meanwhile: ours is somewhere in the page.
        assert!(
            messages.iter().any(|m| m["text"] == text),
            "{text} not in {history}"
        );
    }
}

/// The never-reset clone's API URL and bot token, from `SUITE_SLACK_API` / `SUITE_SLACK_BOT`.
///
/// # Panics
/// When the variables are not set (run through `scripts/bench-suite.sh`).
pub fn shared_clone() -> (String, String) {
    let var = |name: &str| {
        std::env::var(name)
            .unwrap_or_else(|_| panic!("{name} is not set; run scripts/bench-suite.sh"))
    };
    (var("SUITE_SLACK_API"), var("SUITE_SLACK_BOT"))
}

/// Spins a Slack clone for this test alone, runs the work on it and destroys it.
///
/// # Panics
/// When the engine fails.
pub async fn with_fresh_clone(text: &str) {
    use asym_engine::{CloneProvider as _, CloneSpec, LocalDockerProvider, SeedSpec};
    let provider = LocalDockerProvider::new().expect("engine");
    let spec = CloneSpec {
        seed: Some(SeedSpec::Fixture("basic".into())),
        ..CloneSpec::new("slack")
    };
    let clone = provider
        .create(spec)
        .await
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let token = clone.record.tokens["bot"].clone();
    post_and_read(&clone.endpoints.api, &token, text, true).await;
    provider
        .destroy(&clone.record.id)
        .await
        .unwrap_or_else(|e| panic!("{}", e.render()));
}
