//! The harness across processes: a SIGKILLed test frees its lease and the next holder gets the
//! clone back at its baseline; a full pool gives LEASE_TIMEOUT naming who holds what.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{TestHome, assert_ok};

fn child(home: &TestHome, mode: &str, marker: &Path, lease_timeout: u64) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asym-e2e-child"));
    cmd.args([mode, marker.to_str().unwrap()])
        .env("ASYM_HOME", home.path())
        .env("ASYM_POOL_MAX", "1")
        .env("ASYM_PIN", "off")
        .env("ASYM_LEASE_TIMEOUT", lease_timeout.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn wait_for(marker: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(marker)
            && !text.is_empty()
        {
            return text;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no marker at {}", marker.display());
}

/// Runs the child in `mode` to the end, asserting it passed; what it wrote to its marker
/// `name` (in `home`).
fn passing_child(home: &TestHome, mode: &str, name: &str, env: &[(&str, &str)]) -> String {
    let marker = home.path().join(name);
    let out = child(home, mode, &marker, 60)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert_ok(&out);
    wait_for(&marker)
}

/// Runs the child in `mode` to the end in nextest run `run`, asserting it failed; its marker
/// and its stderr.
fn failing_child(home: &TestHome, mode: &str, name: &str, run: &str) -> (String, String) {
    let marker = home.path().join(name);
    let out = child(home, mode, &marker, 60)
        .env("NEXTEST_RUN_ID", run)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the failure reaches the test harness"
    );
    (
        wait_for(&marker),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The clone id at the start of a `check` marker (`<id> clean`).
fn id_of(marker: &str) -> String {
    marker.split(' ').next().unwrap().to_owned()
}

#[test]
fn a_killed_test_frees_its_lease_and_the_next_one_gets_a_reset_clone() {
    let home = TestHome::new("4240-4249", json!({}));
    let held = home.path().join("held");
    let mut holder = child(&home, "hold", &held, 60).spawn().unwrap();
    let id = wait_for(&held);

    // Pool of one, held: the next test waits, then fails naming the holder.
    let blocked = child(&home, "check", &home.path().join("blocked"), 1)
        .output()
        .unwrap();
    assert!(!blocked.status.success());
    let stderr = String::from_utf8_lossy(&blocked.stderr);
    assert!(stderr.contains("LEASE_TIMEOUT"), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", holder.id())),
        "names the holder: {stderr}"
    );

    holder.kill().unwrap(); // SIGKILL: no destructor, no atexit
    holder.wait().unwrap();

    assert_eq!(
        passing_child(&home, "check", "checked", &[]),
        format!("{id} clean"),
        "same clone, back at the seed"
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}

#[test]
fn a_failed_tests_clone_is_named_and_held_out_for_the_rest_of_the_run() {
    let home = TestHome::new("4250-4259", json!({}));
    let (id, stderr) = failing_child(&home, "fail", "failed", "run-a");
    let database = format!("clone_{}", id.replace('-', "_"));
    assert!(
        stderr.contains(&format!("clone {id} is held for inspection"))
            && stderr.contains(&database)
            && stderr.contains("/api"),
        "names id, API URL and database: {stderr}"
    );
    // Its last requests, each with the start of its answer; all of them from the CLI.
    assert!(
        stderr.contains(&format!(
            "the last 1 of the 1 requests the test sent clone {id} (`asym requests {id}`"
        )) && stderr.contains(
            r#"POST /api/chat.postMessage → 200 {"ok":false,"error":"channel_not_found"}"#
        ),
        "{stderr}"
    );
    let journal = home.asym_json(&["requests", &id]);
    assert_eq!(
        journal["requests"][0]["body"], "channel=C404&text=hi",
        "{journal}"
    );

    let other = passing_child(
        &home,
        "check",
        "next",
        &[("NEXTEST_RUN_ID", "run-a"), ("ASYM_POOL_MAX", "2")],
    );
    assert!(
        !other.starts_with(&id),
        "the failed clone stays out of this run's pool: {other}"
    );
    for clone in [id.as_str(), other.split(' ').next().unwrap()] {
        assert!(home.asym(&["destroy", clone]).status.success());
    }
}

#[asym::clone("slack", seed = "basic")]
async fn a_macro_test_in_this_binary(slack: asym::Slack) {
    let auth =
        crate::common::slack(slack.api_url(), slack.bot_token(), "auth.test", json!({})).await;
    assert_eq!(auth["team"], "Acme", "{auth}");
}

/// Spends the clone's one-call `auth.test` allowance: the counter lives in Redis.
async fn spend_the_auth_test_allowance(slack: &asym::Slack) -> Value {
    slack
        .admin_post(
            "rate-limits",
            json!({ "enabled": true, "methods": { "auth.test": 1 } }),
        )
        .await
        .unwrap();
    let call = || crate::common::slack(slack.api_url(), slack.bot_token(), "auth.test", json!({}));
    let first = call().await;
    assert_eq!(first["ok"], true, "{first}");
    call().await
}

#[asym::clone("slack", seed = "basic")]
async fn a_reset_clears_the_clones_redis_keys(slack: asym::Slack) {
    assert_eq!(
        spend_the_auth_test_allowance(&slack).await["error"],
        "ratelimited"
    );
    // From another process: the backend restores the baseline and clears its own prefix.
    let out = Command::new(crate::common::asym_bin())
        .args(["reset", slack.id()])
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(
        spend_the_auth_test_allowance(&slack).await["error"],
        "ratelimited",
        "the counter started again from zero"
    );
    // The backend's own route, which fresh test processes call, clears the prefix with the
    // clone's Redis user (an answer without `"redis": true` sends them down the slow path).
    let reset = slack.admin_post("reset", Value::Null).await.unwrap();
    assert_eq!(reset, json!({"ok": true, "redis": true}));
    let refused = slack.admin_get("no-such-route").await.unwrap_err();
    assert!(
        matches!(&refused, asym::Error::AdminRefused { status: 404, call, .. } if call == "GET /api/admin/no-such-route"),
        "{}",
        refused.render()
    );
    assert_eq!(
        spend_the_auth_test_allowance(&slack).await["error"],
        "ratelimited",
        "the counter started again from zero"
    );
    // In a process holding a database connection: the engine restores it and clears Redis.
    slack.query("select 1").await.unwrap();
    slack.reset().await.unwrap();
    assert_eq!(
        spend_the_auth_test_allowance(&slack).await["error"],
        "ratelimited",
        "the counter started again from zero"
    );
}

#[test]
fn listing_tests_starts_nothing() {
    // What nextest does first: list. Nothing may touch Docker or the home directory.
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("never-created");
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--list")
        .env("ASYM_HOME", &home)
        .env("DOCKER_HOST", "tcp://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("harness::a_macro_test_in_this_binary: test"),
        "{listed}"
    );
    assert!(!home.exists(), "listing created {}", home.display());
}

#[test]
fn a_pooled_clone_removed_behind_asyms_back_is_replaced() {
    let home = TestHome::new("4300-4309", json!({}));
    let id = id_of(&passing_child(&home, "check", "first", &[]));
    let removed = Command::new("docker")
        .args(["rm", "-f", &format!("asym-{id}-backend")])
        .output()
        .unwrap();
    assert!(removed.status.success());

    let second = passing_child(&home, "check", "second", &[]);
    let (other, state) = second.split_once(' ').unwrap();
    assert_ne!(other, id, "a new clone replaces the broken one");
    assert_eq!(state, "clean");
    assert_eq!(
        home.registry()["clones"].as_array().unwrap().len(),
        1,
        "the broken record is gone"
    );
    assert!(home.asym(&["destroy", other]).status.success());
}

#[test]
fn pooled_clones_idle_past_the_ttl_are_reaped_at_the_next_start() {
    let home = TestHome::new("4310-4319", json!({}));
    let id = id_of(&passing_child(&home, "check", "first", &[]));
    std::thread::sleep(Duration::from_millis(2500));
    let other = id_of(&passing_child(
        &home,
        "check",
        "second",
        &[("ASYM_IDLE_TTL", "2s")],
    ));
    assert_ne!(other, id, "the idle clone was reaped, a new one spun");
    assert!(!crate::common::container_exists(&format!(
        "asym-{id}-backend"
    )));
    let clones = home.registry()["clones"].as_array().unwrap().clone();
    assert_eq!(clones.len(), 1, "{clones:?}");
    assert!(home.asym(&["destroy", &other]).status.success());
}

#[test]
fn a_released_clone_is_reset_in_the_background_and_settled_by_the_next_holder() {
    let home = TestHome::new("4320-4329", json!({}));
    let id = passing_child(&home, "dirty", "dirtied", &[]);
    let lease = home.path().join("leases").join(format!("{id}.lock"));
    let released = std::fs::read_to_string(&lease).unwrap();
    assert!(released.starts_with("idle, reset "), "{released}");
    assert_eq!(
        passing_child(&home, "check", "after-release", &[]),
        format!("{id} clean")
    );

    // A backend restarted since the release cannot vouch for that reset (here the clone was
    // written to after it): the next holder resets the clone itself.
    assert_eq!(passing_child(&home, "dirty", "dirtied-again", &[]), id);
    let written = home.asym(&[
        "query",
        &id,
        "--write",
        "insert into messages (channel_id, ts, team_id, text) select channel_id, ts + 1, \
         team_id, 'written by a process that was then killed' from messages limit 1",
    ]);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let restarted = Command::new("docker")
        .args(["restart", "-t", "1", &format!("asym-{id}-backend")])
        .output()
        .unwrap();
    assert!(restarted.status.success());
    assert_eq!(
        passing_child(&home, "check", "after-restart", &[]),
        format!("{id} clean")
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}

#[test]
fn a_should_panic_test_that_panics_as_expected_keeps_its_clone_in_the_pool() {
    let home = TestHome::new("4350-4359", json!({}));
    let (id, stderr) = failing_child(&home, "should-panic", "panicked", "run-b");
    assert!(!stderr.contains("held for inspection"), "{stderr}");

    assert_eq!(
        passing_child(&home, "check", "next", &[("NEXTEST_RUN_ID", "run-b")]),
        format!("{id} clean"),
        "same clone, not held out"
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}
