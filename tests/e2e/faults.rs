//! Bad input and failures: each gives its named error and leaves nothing behind.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{TestHome, container_exists, root, stderr};

#[test]
fn docker_unreachable_is_named_and_fast() {
    let home = TestHome::new("4200-4209", json!({}));
    let started = Instant::now();
    let out = home
        .command(&["spin", "slack"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("DOCKER_UNAVAILABLE"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("tcp://127.0.0.1:9"));
}

#[test]
fn unknown_template_mode_and_fixture_are_named() {
    let home = TestHome::new("4210-4219", json!({}));
    let out = home.asym(&["spin", "slakc"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("TEMPLATE_NOT_FOUND") && stderr(&out).contains("slack"),
        "{}",
        stderr(&out)
    );

    let out = home.asym(&["spin", "slack", "--mode", "desktop"]);
    assert!(
        stderr(&out).contains("MODE_NOT_FOUND") && stderr(&out).contains("api"),
        "{}",
        stderr(&out)
    );

    let out = home.asym(&["spin", "slack", "--seed", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("FIXTURE_NOT_FOUND") && stderr(&out).contains("basic"),
        "{}",
        stderr(&out)
    );
    assert_eq!(home.registry()["clones"].as_array().unwrap().len(), 0);

    let out = home.asym(&["spin", "slack", "--port-range", "5000-4000"]);
    assert!(
        stderr(&out).contains("PORT_RANGE_INVALID"),
        "{}",
        stderr(&out)
    );
}

/// A template dir with a variant of the Slack manifest.
fn variant(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("templates/slack/clone.manifest.json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["name"] = json!(name);
    edit(&mut manifest);
    std::fs::create_dir(dir.path().join(name)).unwrap();
    std::fs::write(
        dir.path().join(name).join("clone.manifest.json"),
        manifest.to_string(),
    )
    .unwrap();
    dir
}

#[test]
fn a_spin_that_never_gets_healthy_leaves_nothing_behind() {
    let templates = variant("slack-unhealthy", |m| {
        m["services"]["backend"]["health"] = json!("/never-healthy");
    });
    let home = TestHome::new(
        "4220-4229",
        json!({ "healthTimeoutSecs": 2, "templatePath": [templates.path()] }),
    );
    let out = home.asym(&["spin", "slack-unhealthy", "--seed", "basic"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("HEALTH_TIMEOUT"), "{}", stderr(&out));
    assert_eq!(
        home.registry()["clones"].as_array().unwrap().len(),
        0,
        "no record left"
    );
    let docker = std::process::Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            "label=dev.asym.template=slack-unhealthy",
        ])
        .output()
        .unwrap();
    assert!(docker.stdout.is_empty(), "no container left");
    assert!(!container_exists("asym-slack-unhealthy"));
}

#[test]
fn a_missing_image_with_builds_turned_off_names_the_build_command() {
    let templates = variant("slack-unbuilt", |m| {
        m["services"]["backend"]["image"] = json!("asym/never-built:0.0.0");
    });
    let home = TestHome::new("4230-4239", json!({ "templatePath": [templates.path()] }));
    // Without ASYM_BUILD=never the image would be built from source (tests/downstream/main.rs).
    let out = home
        .command(&["spin", "slack-unbuilt"])
        .env("ASYM_BUILD", "never")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("IMAGE_UNAVAILABLE") && err.contains("asym images build slack-unbuilt"),
        "{err}"
    );
}

#[test]
fn ctrl_c_during_spin_rolls_back() {
    let home = TestHome::new("4290-4299", json!({}));
    let child = home
        .command(&["spin", "slack", "--seed", "basic"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the spin has reserved its record (mid-spin, containers on the way).
    let deadline = Instant::now() + Duration::from_secs(30);
    let id = loop {
        let registry = home.registry();
        if let Some(c) = registry["clones"].as_array().and_then(|c| c.first()) {
            break c["id"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "the spin never registered");
        std::thread::sleep(Duration::from_millis(5));
    };
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "interrupted spin must not succeed");
    assert!(stderr(&out).contains("rolled back"), "{}", stderr(&out));
    assert_eq!(
        home.registry()["clones"].as_array().unwrap().len(),
        0,
        "no record left"
    );
    assert!(
        !container_exists(&format!("asym-{id}-backend")),
        "no container left"
    );
}

#[test]
fn bad_names_snapshots_and_seed_files_are_named_errors() {
    let home = TestHome::new("4400-4409", json!({}));
    for args in [
        &["spin", "slack", "--name", "two\nlines"][..],
        &["spin", "slack", "--group", &"g".repeat(1000)][..],
    ] {
        let out = home.asym(args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("NAME_INVALID"), "{}", stderr(&out));
    }
    assert_eq!(home.registry()["clones"].as_array().map_or(0, Vec::len), 0);

    let spun = home.asym_json(&["spin", "slack"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    for name in ["baseline", "Not-Valid"] {
        let out = home.asym(&["snapshot", &id, name]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("SNAPSHOT_NAME_INVALID"),
            "{}",
            stderr(&out)
        );
    }
    let started = Instant::now();
    let out = home.asym(&["seed", &id, "--file", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("SEED_FILE_INVALID"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(home.asym(&["destroy", &id]).status.success());
}

#[test]
fn seeding_a_fixture_replaces_the_data_and_a_failed_seed_changes_nothing() {
    let home = TestHome::new("4370-4379", json!({}));
    let spun = home.asym_json(&["spin", "slack", "--seed", "basic"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    let count = |home: &TestHome| {
        let rows = home.asym_json(&["query", &id, "select count(*) as n from messages"]);
        rows[0]["n"].to_string().trim_matches('"').to_owned()
    };
    let seeded = count(&home);
    let out = home.asym(&[
        "query",
        &id,
        "--write",
        "insert into messages (channel_id, ts, user_id, team_id, text) select channel_id, 1.000001, user_id, team_id, 'extra' from messages limit 1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(count(&home), seeded);

    // The same fixture again: the clone holds the fixture, not the fixture twice.
    let out = home.asym(&["seed", &id, "--fixture", "basic"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&home), seeded);

    // A file that fails half-way is rolled back whole, with its own error.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.sql");
    std::fs::write(
        &file,
        "delete from messages;\ninsert into no_such_table values (1);\n",
    )
    .unwrap();
    let out = home.asym(&["seed", &id, "--file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("SEED_FAILED") && stderr(&out).contains("no_such_table"),
        "{}",
        stderr(&out)
    );
    assert_eq!(count(&home), seeded, "the failed seed changed nothing");
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(count(&home), seeded);
    assert!(home.asym(&["destroy", &id]).status.success());
}
