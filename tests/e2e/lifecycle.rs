//! The main job, as a new user does it: spin Slack, call it, reset, stop/start, destroy.

use serde_json::{Value, json};

use crate::common::{TestHome, assert_ok, container_exists, database_exists, history, slack, spun};

#[tokio::test(flavor = "multi_thread")]
async fn spin_call_reset_stop_start_destroy() {
    let home = TestHome::new("4100-4149", json!({}));
    let spun = home.asym_json(&["spin", "slack", "--seed", "basic"]);
    let clone = &spun.as_array().expect("a JSON array")[0];
    let id = clone["id"].as_str().unwrap().to_owned();
    let api = clone["endpoints"]["api"].as_str().unwrap().to_owned();
    let port = clone["ports"]["backend"].as_u64().unwrap();
    assert_eq!(api, format!("http://127.0.0.1:{port}/api"));
    assert!((4100..=4149).contains(&port));
    for key in [
        "template",
        "mode",
        "state",
        "database",
        "redisPrefix",
        "image",
        "imageDigest",
    ] {
        assert!(clone[key].is_string(), "{key} missing in {clone}");
    }
    assert_eq!(clone["state"], "running");
    assert_eq!(clone["database"], format!("clone_{}", id.replace('-', "_")));
    assert!(
        clone["imageDigest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let bot = clone["tokens"]["bot"].as_str().unwrap().to_owned();
    assert!(bot.starts_with("xoxb-"), "{bot}");
    assert!(
        clone["tokens"]["user"]
            .as_str()
            .unwrap()
            .starts_with("xoxp-")
    );

    let auth = slack(&api, &bot, "auth.test", json!({})).await;
    assert_eq!(auth["ok"], true, "{auth}");
    assert_eq!(auth["team"], "Acme");
    assert_eq!(
        slack(&api, "xoxb-1-2-nope", "auth.test", json!({})).await["error"],
        "invalid_auth"
    );

    let channels = slack(&api, &bot, "conversations.list", json!({})).await;
    let general = channels["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "general")
        .expect("#general in basic")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let seeded = history(&api, &bot, &general).await;
    assert!(!seeded.is_empty());

    let posted = slack(
        &api,
        &bot,
        "chat.postMessage",
        json!({ "channel": general, "text": "deploy 42 done" }),
    )
    .await;
    assert_eq!(posted["ok"], true, "{posted}");
    let mut expected = seeded.clone();
    expected.push("deploy 42 done".into());
    assert_eq!(history(&api, &bot, &general).await, expected);

    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(
        history(&api, &bot, &general).await,
        seeded,
        "reset brings history back to the seed"
    );

    slack(
        &api,
        &bot,
        "chat.postMessage",
        json!({ "channel": general, "text": "kept" }),
    )
    .await;
    assert!(home.asym(&["stop", &id]).status.success());
    let stopped: Value = home.asym_json(&["status", &id]);
    assert_eq!(stopped[0]["state"], "stopped");
    assert!(home.asym(&["start", &id]).status.success());
    let mut kept = seeded.clone();
    kept.push("kept".into());
    assert_eq!(
        history(&api, &bot, &general).await,
        kept,
        "stop/start keeps data"
    );

    let database = clone["database"].as_str().unwrap().to_owned();
    assert!(database_exists(&database));
    assert!(home.asym(&["destroy", &id]).status.success());
    assert!(!container_exists(&format!("asym-{id}-backend")));
    assert!(!database_exists(&database));
    assert_eq!(home.registry()["clones"].as_array().unwrap().len(), 0);
    let gone = home.asym(&["status", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("CLONE_NOT_FOUND"));
}

#[tokio::test(flavor = "multi_thread")]
async fn four_processes_spin_at_once_on_distinct_ports() {
    let home = TestHome::new("4150-4199", json!({}));
    let mut ports = Vec::new();
    for child in home.spawn_spins("slack", 4) {
        let spun = spun(child);
        ports.push(spun[0]["ports"]["backend"].as_u64().unwrap());
        let bot = spun[0]["tokens"]["bot"].as_str().unwrap();
        let api = spun[0]["endpoints"]["api"].as_str().unwrap();
        assert_eq!(slack(api, bot, "auth.test", json!({})).await["ok"], true);
    }
    let mut distinct = ports.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "ports {ports:?}");
    let registry = home.registry();
    let clones = registry["clones"].as_array().unwrap();
    assert_eq!(clones.len(), 4);
    assert!(clones.iter().all(|c| c["state"] == "running"));
    for clone in clones {
        let id = clone["id"].as_str().unwrap();
        assert!(home.asym(&["destroy", id]).status.success());
    }
}

#[test]
fn resets_rewrite_only_the_rows_written_since_and_everything_across_snapshots() {
    let home = TestHome::new("4360-4369", json!({}));
    let spun = home.asym_json(&["spin", "slack", "--seed", "basic"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    let count = |sql: &str| -> String {
        let rows = home.asym_json(&["query", &id, sql]);
        rows[0]
            .as_object()
            .unwrap()
            .values()
            .next()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap()
    };
    let write = |sql: &str| {
        let out = home.asym(&["query", &id, "--write", sql]);
        assert_ok(&out);
    };
    // Enough messages in the baseline that a write records their keys (a table of a few rows
    // is rewritten whole, as `users` here is).
    let more = home.path().join("more.sql");
    std::fs::write(
        &more,
        "insert into messages (channel_id, ts, user_id, team_id, text) \
         select channel_id, ts + 1000 + g, user_id, team_id, text \
         from messages, generate_series(1, 10) g;",
    )
    .unwrap();
    assert_ok(&home.asym(&["seed", &id, "--file", more.to_str().unwrap()]));
    let (messages, names) = (
        count("select count(*) from messages"),
        count("select string_agg(real_name, ',' order by id) from users"),
    );
    // Backends may run statements on their own (a poller's UPDATE), which are recorded too:
    // look only at the tables this test writes. A row write records the row's key; a TRUNCATE,
    // or a write to a table of a few rows, records the whole table.
    let keys = |table: &str| {
        count(&format!(
            "select count(distinct key) from asym_track.rows where tbl = '{table}'"
        ))
    };
    let whole = |table: &str| {
        count(&format!(
            "select count(*) from asym_track.dirty where tbl = '{table}'"
        )) == "1"
    };
    assert_eq!(
        (keys("messages"), keys("users")),
        ("0".into(), "0".into()),
        "a fresh baseline"
    );

    write("delete from messages");
    write("update users set real_name = 'changed' where id = (select min(id) from users)");
    assert_eq!(
        keys("messages"),
        messages,
        "every deleted row's key is recorded"
    );
    assert!(!whole("messages"), "a large table is restored by key");
    assert!(
        whole("users") && keys("users") == "0",
        "a small table is rewritten whole"
    );
    assert!(
        keys("teams") == "0" && !whole("teams"),
        "tables not written are left alone"
    );
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!((keys("messages"), keys("users")), ("0".into(), "0".into()));
    assert!(!whole("users"));
    assert_eq!(count("select count(*) from messages"), messages);
    assert_eq!(
        count("select string_agg(real_name, ',' order by id) from users"),
        names
    );

    // A second snapshot: restoring one the database does not currently equal rewrites all.
    write("delete from messages");
    assert!(home.asym(&["snapshot", &id, "quiet"]).status.success());
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(count("select count(*) from messages"), messages);
    assert!(home.asym(&["restore", &id, "quiet"]).status.success());
    assert_eq!(count("select count(*) from messages"), "0");
    write("truncate pins");
    assert!(
        whole("pins"),
        "TRUNCATE counts as a write of the whole table"
    );
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(count("select count(*) from messages"), messages);
    assert_eq!(
        count("select string_agg(real_name, ',' order by id) from users"),
        names
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}
