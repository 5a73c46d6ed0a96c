//! The journal: what a test's code sent its clone and what the clone answered, read by the
//! test itself (`requests`, `requests_to`), followed by `asym requests --follow`, and shown
//! when a test fails (`harness.rs`).

use std::io::{BufRead as _, BufReader, Read};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{TestHome, slack};

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

/// `asym requests --follow`: what the clone had, then each request as it comes, a JSON object
/// a line; a reset is said on stderr and what follows it comes from its first request.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_follows_a_clones_requests_as_they_come_and_across_a_reset() {
    let home = TestHome::new("4510-4514", json!({}));
    let (id, api, token) = home.spin_basic("skeleton", "token");
    let client = reqwest::Client::new();
    let get = async |path: &str| {
        let request = client.get(format!("{api}{path}")).bearer_auth(&token);
        request.send().await.unwrap().status().as_u16()
    };
    assert_eq!(get("/v1/notes").await, 200);

    let mut follower = home
        .command(&["requests", &id, "--follow", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(follower.stdout.take().unwrap());
    let next = || {
        let line = lines.recv_timeout(Duration::from_secs(30)).expect("a line");
        serde_json::from_str::<Value>(&line).unwrap()
    };
    let seen = next();
    assert_eq!(
        (&seen["seq"], &seen["path"]),
        (&json!(1), &json!("/v1/notes"))
    );
    assert_eq!(get("/v1/notes/missing").await, 404);
    let seen = next();
    assert_eq!((&seen["seq"], &seen["status"]), (&json!(2), &json!(404)));
    assert!(home.asym(&["reset", &id]).status.success());
    get("/v1/notes?after-reset=1").await;
    let seen = next();
    assert_eq!(
        (&seen["seq"], &seen["query"]),
        (&json!(1), &json!("after-reset=1"))
    );

    follower.kill().unwrap();
    follower.wait().unwrap();
    let mut stderr = String::new();
    follower
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains(&format!("asym: {id} was reset")),
        "{stderr}"
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}

/// The lines a reader gives, as they come, on a channel (so that a test can wait for one with
/// a deadline rather than block for ever).
fn lines_of(reader: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    lines
}
