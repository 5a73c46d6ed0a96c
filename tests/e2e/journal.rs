//! The journal: what a test's code sent its clone and what the clone answered, read by the
//! test itself (`requests`, `requests_to`), by `asym requests`, and shown when a test fails
//! (`harness.rs`).

use serde_json::json;

use crate::common::slack;

#[asym::clone("slack", seed = "basic")]
async fn a_test_reads_what_its_code_sent_and_what_the_clone_answered(clone: asym::Slack) {
    assert_eq!(
        clone.requests().await.unwrap(),
        vec![],
        "the reset forgot the tests before"
    );
    let (api, token) = (clone.api_url(), clone.bot_token());
    for channel in ["C0000000001", "C404"] {
        let args = json!({ "channel": channel, "text": "héllo" });
        slack(api, token, "chat.postMessage", args).await;
    }
    slack(api, token, "auth.test", json!({})).await;

    let all = clone.requests().await.unwrap();
    let seen: Vec<(u64, &str, &str, u16)> = all
        .iter()
        .map(|r| (r.seq, r.method.as_str(), r.path.as_str(), r.status))
        .collect();
    assert_eq!(
        seen,
        [
            (1, "POST", "/api/chat.postMessage", 200),
            (2, "POST", "/api/chat.postMessage", 200),
            (3, "POST", "/api/auth.test", 200),
        ]
    );
    let posts = clone
        .requests_to("POST", "/api/chat.postMessage")
        .await
        .unwrap();
    assert_eq!(posts, all[..2]);
    assert_eq!(posts[0].param("text").as_deref(), Some("héllo"));
    assert_eq!(posts[0].response_json().unwrap()["ok"], true);
    assert_eq!(
        posts[1].response_json().unwrap()["error"],
        "channel_not_found"
    );
    let shown = &posts[0].headers["authorization"];
    assert!(
        shown.starts_with("Bearer xoxb-") && shown.ends_with('…') && !shown.contains(token),
        "{shown}"
    );
    assert_eq!(clone.requests_to("GET", "/api/*").await.unwrap(), vec![]);

    assert_eq!(clone.clear_requests().await.unwrap(), 3);
    assert_eq!(clone.requests().await.unwrap(), vec![]);
}
