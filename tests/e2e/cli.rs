//! Every verb of the CLI, driven as a user would, with its JSON parsed and its errors checked.

use serde_json::{Value, json};

use crate::common::{TestHome, slack, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn spin(home: &TestHome) -> (String, String, String) {
    let spun = home.asym_json(&["spin", "slack", "--seed", "basic"]);
    let c = &spun[0];
    (
        c["id"].as_str().unwrap().to_owned(),
        c["endpoints"]["api"].as_str().unwrap().to_owned(),
        c["tokens"]["bot"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn query_seed_tokens_snapshots_and_db() {
    let home = TestHome::new("4260-4269", json!({}));
    let (id, api, bot) = spin(&home);

    // query: read-only by default, enforced by the database.
    let out = home.asym(&["query", &id, "delete from messages"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("QUERY_FAILED") && stderr(&out).contains("read-only"),
        "{}",
        stderr(&out)
    );
    let rows = home.asym_json(&["query", &id, "select count(*) as n from messages"]);
    let seeded: u64 = rows[0]["n"].as_u64().unwrap();
    assert!(seeded > 0);
    let out = home.asym(&["query", &id, "--write", "delete from messages"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("{seeded} rows affected")));
    let sql = home.path().join("count.sql");
    std::fs::write(&sql, "select count(*) as n from messages").unwrap();
    let rows = home.asym_json(&["query", &id, "-f", sql.to_str().unwrap()]);
    assert_eq!(rows[0]["n"], 0);
    // JSON output carries typed values.
    let typed = home.asym_json(&[
        "query",
        &id,
        "select 1 as one, true as yes, null as nothing, '{\"a\": [1]}'::jsonb as doc, \
         array[1, 2] as list, 9007199254740993 as big, 1.5 as half, \
         '2024-01-02 03:04:05+00'::timestamptz as at;",
    ]);
    assert_eq!(
        typed,
        json!([{"one": 1, "yes": true, "nothing": null, "doc": {"a": [1]}, "list": [1, 2],
                "big": "9007199254740993", "half": 1.5, "at": "2024-01-02T03:04:05+00:00"}])
    );
    let out = home
        .command(&["query", &id])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no SQL is a usage error");
    assert!(stderr(&out).contains("no SQL"));
    let out = home.asym(&["query", &id, "selec 1"]);
    assert!(stderr(&out).contains("QUERY_FAILED") && stderr(&out).contains("syntax error"));

    // reset brings the seed back; snapshots save and restore other states.
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(
        home.asym_json(&["query", &id, "select count(*) as n from messages"])[0]["n"],
        seeded
    );
    slack(
        &api,
        &bot,
        "chat.postMessage",
        json!({ "channel": "C0000000001", "text": "saved" }),
    )
    .await;
    assert!(home.asym(&["snapshot", &id, "with_saved"]).status.success());
    assert_eq!(
        home.asym_json(&["snapshots", &id]),
        json!(["baseline", "with_saved"])
    );
    assert!(home.asym(&["reset", &id]).status.success());
    assert!(home.asym(&["restore", &id, "with_saved"]).status.success());
    let n = home.asym_json(&[
        "query",
        &id,
        "select count(*) as n from messages where text = 'saved'",
    ]);
    assert_eq!(n[0]["n"], 1);
    let out = home.asym(&["restore", &id, "nope"]);
    assert!(stderr(&out).contains("SNAPSHOT_NOT_FOUND") && stderr(&out).contains("with_saved"));

    // seed: a file becomes the new baseline; nothing to seed is an error.
    let extra = home.path().join("extra.sql");
    std::fs::write(&extra, "insert into messages (channel_id, ts, team_id, text) values ('C0000000001', 1700009999.000001, 'T0000000001', 'from a file');").unwrap();
    let seeded_file = home.asym_json(&["seed", &id, "--file", extra.to_str().unwrap()]);
    assert_eq!(seeded_file["rowsWritten"], 1);
    assert!(home.asym(&["reset", &id]).status.success());
    let n = home.asym_json(&[
        "query",
        &id,
        "select count(*) as n from messages where text = 'from a file'",
    ]);
    assert_eq!(n[0]["n"], 1, "reset replays the last seed");
    let out = home.asym(&["seed", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nothing to seed"));
    let out = home.asym(&["seed", &id, "--fixture", "nope"]);
    assert!(stderr(&out).contains("FIXTURE_NOT_FOUND"));

    // tokens: printed, and --reprovision revokes the old ones.
    let tokens = home.asym_json(&["tokens", &id]);
    assert_eq!(tokens["bot"], bot.as_str());
    let one = home.asym(&["tokens", &id, "bot"]);
    assert_eq!(String::from_utf8(one.stdout).unwrap(), format!("{bot}\n"));
    let out = home.asym(&["tokens", &id, "bott"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(r#"TOKEN_NOT_FOUND: clone"#)
            && stderr(&out).contains(r#"did you mean "bot""#),
        "{}",
        stderr(&out)
    );
    let fresh = home.asym_json(&["tokens", &id, "--reprovision"]);
    let new_bot = fresh["bot"].as_str().unwrap();
    assert_ne!(new_bot, bot);
    assert_eq!(
        slack(&api, &bot, "auth.test", json!({})).await["error"],
        "invalid_auth"
    );
    assert_eq!(
        slack(&api, new_bot, "auth.test", json!({})).await["ok"],
        true
    );
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(
        slack(&api, new_bot, "auth.test", json!({})).await["ok"],
        true,
        "new tokens survive reset"
    );

    // db: connection facts; status/ls JSON redact secrets.
    let db = home.asym_json(&["db", &id]);
    assert_eq!(db["database"], format!("clone_{}", id.replace('-', "_")));
    assert_eq!(
        db["user"], db["database"],
        "the clone's own role, not the superuser"
    );
    assert!(
        db["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("postgres://clone_{}:", id.replace('-', "_")))
    );
    let status = home.asym_json(&["status", &id]);
    assert_eq!(status[0]["tokens"]["bot"], "<redacted>");
    assert!(
        status[0]["databaseUrl"]
            .as_str()
            .unwrap()
            .contains("<redacted>")
    );
    assert_eq!(status[0]["services"][0]["state"], "running");
    let listed = home.asym_json(&["ls"]);
    assert_eq!(listed[0]["tokens"]["user"], "<redacted>");

    // admin: the clone's admin surface with its secret; refusals are named.
    let limits = json!({ "enabled": true, "methods": { "auth.test": 1 } }).to_string();
    home.asym_json(&["admin", &id, "post", "rate-limits", "--data", &limits]);
    let set = home.asym_json(&["admin", &id, "get", "rate-limits"]);
    assert_eq!(set["rateLimits"]["methods"]["auth.test"], 1, "{set}");
    assert_eq!(
        slack(&api, new_bot, "auth.test", json!({})).await["ok"],
        true
    );
    assert_eq!(
        slack(&api, new_bot, "auth.test", json!({})).await["error"],
        "ratelimited",
        "the limit set through `asym admin` holds"
    );
    let out = home.asym(&["admin", &id, "get", "no-such-route"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ADMIN_REFUSED") && stderr(&out).contains("HTTP 404"),
        "{}",
        stderr(&out)
    );
    let out = home.asym(&["admin", &id, "post", "rate-limits", "--data", "{not json"]);
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
    let secret = stdout(&home.asym(&["admin", &id, "--secret"]));
    let by_hand = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{api}/admin/rate-limits"))
        .header("x-asym-admin-secret", secret.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_hand.status(),
        200,
        "the printed secret opens the admin surface"
    );

    let gone = home.asym(&["destroy", "--all"]);
    assert!(stdout(&gone).contains(&format!("{id} destroyed")));
    assert_eq!(home.asym_json(&["ls"]), json!([]));
}

#[test]
fn environments_spin_partially_and_are_validated() {
    let home = TestHome::new("4270-4279", json!({}));
    let file = home.path().join("checkout.env.yaml");
    std::fs::write(&file, "name: checkout\nclones:\n  - template: slack\n    seed: basic\n  - template: slack\n    seed: nope\n").unwrap();
    let out = home.asym(&["env", "spin", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed member makes the spin fail"
    );
    let spun: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(spun["environment"]["state"], "partial");
    assert!(
        spun["clones"][1]["error"]
            .as_str()
            .unwrap()
            .contains("FIXTURE_NOT_FOUND")
    );
    let member = spun["clones"][0]["id"].as_str().unwrap().to_owned();

    let envs = home.asym_json(&["env", "status"]);
    assert_eq!(envs[0]["name"], "checkout");
    assert_eq!(envs[0]["members"], json!([member]));
    assert!(home.asym(&["env", "reset", "checkout"]).status.success());
    let out = home.asym(&["env", "reset", "nope"]);
    assert!(stderr(&out).contains("ENV_NOT_FOUND") && stderr(&out).contains("checkout"));

    let spun = home.asym_json(&["spin", "slack", "--group", "checkout"]);
    let joined = spun[0]["id"].as_str().unwrap();
    let envs = home.asym_json(&["env", "status"]);
    assert_eq!(envs[0]["members"].as_array().unwrap().len(), 2, "{envs}");
    assert_eq!(
        home.asym_json(&["status", joined])[0]["environment"],
        "checkout"
    );

    assert!(home.asym(&["env", "destroy", "checkout"]).status.success());
    assert_eq!(home.asym_json(&["env", "status"]), json!([]));
    assert!(home.asym(&["status", joined]).status.code() == Some(1));

    for (yaml, expect) in [
        (
            "name: x\nclones:\n  - tempalte: slack\n",
            "did you mean `template`",
        ),
        ("name: x\nclone: []\n", "did you mean `clones`"),
        ("name: x\nclones: []\n", "`clones` is empty"),
        ("name: x\nclones: [", "not valid YAML"),
    ] {
        std::fs::write(&file, yaml).unwrap();
        let out = home.asym(&["env", "spin", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("ENV_SPEC_INVALID") && stderr(&out).contains(expect),
            "{yaml}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn prune_doctor_ls_pin_help_and_completions() {
    let home = TestHome::new("4280-4289", json!({}));
    let templates = home.asym_json(&["ls", "--templates"]);
    assert!(
        templates
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "slack"
                && t["modes"] == json!(["api"])
                && t["faults"]["rate_limited"].is_string()),
        "{templates}"
    );

    // Parsed whatever the exit code: other templates' images may not be built here.
    let doctor: Value = serde_json::from_slice(&home.asym(&["doctor", "--json"]).stdout).unwrap();
    let checks = doctor["checks"].as_array().unwrap();
    for name in [
        "docker",
        "shared infra",
        "image slack/backend",
        "registry",
        "port range",
    ] {
        let check = checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {doctor}"));
        assert_eq!(check["ok"], true, "{check}");
    }

    let spun = home.asym_json(&["spin", "slack"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    std::fs::write(home.path().join("leases").join("slack-gone.lock"), "").unwrap();
    let dry = home.asym_json(&["prune", "--all", "--dry-run"]);
    assert_eq!(dry["clones"], json!([id]));
    assert_eq!(dry["staleLeases"], json!(["slack-gone.lock"]));
    assert!(
        home.asym(&["status", &id]).status.success(),
        "dry run removes nothing"
    );
    let pruned = home.asym_json(&["prune", "--all"]);
    assert_eq!(pruned["clones"], json!([id]));
    assert_eq!(home.asym_json(&["ls"]), json!([]));
    let out = home.asym(&["prune", "--idle", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a duration"));

    // A corrupt registry is named, and doctor rebuilds it from container labels.
    let spun = home.asym_json(&["spin", "slack"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    std::fs::write(home.path().join("registry.json"), "{ torn").unwrap();
    let out = home.asym(&["ls"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("REGISTRY_CORRUPT") && stderr(&out).contains("asym doctor"));
    let fixed: Value = serde_json::from_slice(&home.asym(&["doctor", "--json"]).stdout).unwrap();
    assert!(fixed["fixed"][0].as_str().unwrap().contains(&id), "{fixed}");
    let listed = home.asym_json(&["ls"]);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(home.asym(&["destroy", &id]).status.success());

    let crate_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        crate_dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\n",
    )
    .unwrap();
    let out = home
        .command(&["pin", "--update", "slack"])
        .current_dir(crate_dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lock = std::fs::read_to_string(crate_dir.path().join("asym.lock")).unwrap();
    assert!(lock.contains("slack = \"sha256:"), "{lock}");

    for verb in [
        "spin",
        "status",
        "ls",
        "logs",
        "start",
        "stop",
        "reset",
        "destroy",
        "seed",
        "tokens",
        "query",
        "db",
        "snapshot",
        "restore",
        "snapshots",
        "prune",
        "doctor",
        "pin",
        "verify",
        "completions",
    ] {
        let help = home.asym(&[verb, "--help"]);
        assert!(help.status.success());
        assert!(
            stdout(&help).contains("Example"),
            "`asym {verb} --help` shows an example"
        );
    }
    let bash = home.asym(&["completions", "bash"]);
    assert!(stdout(&bash).contains("_asym"));
    let version = stdout(&home.asym(&["--version"]));
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&head.stdout);
    assert!(
        version.starts_with("asym ") && version.contains(&format!("(commit {})", head.trim())),
        "{version}"
    );
}

#[test]
fn spin_shows_each_step_on_a_terminal_and_nothing_when_piped() {
    let home = TestHome::new("4340-4349", json!({}));
    // `script` gives the command a terminal, as a person running `asym spin` has.
    let command = format!(
        "{} spin slack --seed basic",
        crate::common::asym_bin().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("ASYM_HOME", home.path())
        .output()
        .expect("run script (util-linux)");
    let shown = stdout(&out);
    assert!(out.status.success(), "{shown}");
    let steps = [
        "spinning slack",
        "migrating database clone_slack_",
        "starting its container",
        "waiting for health",
        "provisioning credentials",
        "seeding basic",
        "capturing the baseline",
        "ready in",
    ];
    let mut from = 0;
    for step in steps {
        let at = shown[from..]
            .find(step)
            .unwrap_or_else(|| panic!("no `{step}` after the previous step in:\n{shown}"));
        from += at + step.len();
    }

    let piped = home.asym(&["spin", "slack"]);
    assert!(piped.status.success(), "{}", stderr(&piped));
    assert_eq!(
        stderr(&piped),
        "",
        "no progress when stderr is not a terminal"
    );
    assert!(home.asym(&["destroy", "--all"]).status.success());
}
