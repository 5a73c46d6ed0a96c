//! What an interruption or a lost file leaves behind is finished or recovered: a corrupt
//! registry is rebuilt with working credentials (also after a reset), a half-destroyed clone
//! is finished by `prune` and `doctor`, and a clone whose backend died is flagged.

use serde_json::{Value, json};

use crate::common::{TestHome, container_exists, database_exists, slack, stderr};

#[tokio::test(flavor = "multi_thread")]
async fn doctor_rebuilds_a_corrupt_registry_with_credentials_that_survive_reset() {
    let home = TestHome::new("4330-4339", json!({}));
    let spun = home.asym_json(&["spin", "slack", "--seed", "basic", "--name", "alerts"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    let created = spun[0]["createdAt"].clone();
    assert!(home.asym(&["snapshot", &id, "before_pay"]).status.success());

    std::fs::write(home.path().join("registry.json"), "{ torn").unwrap();
    let fixed: Value = serde_json::from_slice(&home.asym(&["doctor", "--json"]).stdout).unwrap();
    assert!(fixed["fixed"][0].as_str().unwrap().contains(&id), "{fixed}");

    let record = &home.asym_json(&["ls"])[0];
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["name"], "alerts");
    assert_eq!(record["createdAt"], created);
    assert_eq!(record["seed"], spun[0]["seed"], "{record}");
    assert_eq!(record["snapshots"], json!(["before_pay"]));

    let tokens = home.asym_json(&["tokens", &id]);
    let bot = tokens["bot"].as_str().unwrap();
    let api = spun[0]["endpoints"]["api"].as_str().unwrap();
    assert_eq!(slack(api, bot, "auth.test", json!({})).await["ok"], true);
    // The baseline holds the new credentials: a reset does not bring the old ones back.
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(slack(api, bot, "auth.test", json!({})).await["ok"], true);
    let old = spun[0]["tokens"]["bot"].as_str().unwrap();
    assert_eq!(slack(api, old, "auth.test", json!({})).await["ok"], false);
    assert!(home.asym(&["destroy", &id]).status.success());
}

#[test]
fn a_half_destroyed_clone_is_finished_and_a_dead_backend_is_flagged() {
    let home = TestHome::new("4390-4399", json!({}));
    let spun = home.asym_json(&["spin", "slack"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    let database = spun[0]["database"].as_str().unwrap().to_owned();

    // A destroy interrupted after it marked the record: containers and database remain.
    let path = home.path().join("registry.json");
    let mut registry: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    registry["clones"][0]["state"] = json!("destroying");
    std::fs::write(&path, registry.to_string()).unwrap();
    assert_eq!(home.asym_json(&["status", &id])[0]["state"], "destroying");
    let pruned = home.asym_json(&["prune"]);
    assert_eq!(pruned["clones"], json!([id]), "{pruned}");
    assert!(!container_exists(&format!("asym-{id}-backend")));
    assert!(!database_exists(&database));
    assert_eq!(home.asym_json(&["ls"]), json!([]));

    // A running clone whose backend container is gone is flagged by status and doctor.
    let spun = home.asym_json(&["spin", "slack"]);
    let id = spun[0]["id"].as_str().unwrap().to_owned();
    let removed = std::process::Command::new("docker")
        .args(["rm", "-f", &format!("asym-{id}-backend")])
        .output()
        .unwrap();
    assert!(removed.status.success());
    let status = &home.asym_json(&["status", &id])[0];
    assert!(
        status["problem"].as_str().unwrap().contains("missing"),
        "{status}"
    );
    let out = home.asym(&["doctor", "--json"]);
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    let clones = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "clones")
        .unwrap_or_else(|| panic!("{doctor} {}", stderr(&out)));
    assert_eq!(clones["ok"], false);
    assert!(clones["detail"].as_str().unwrap().contains(&id), "{clones}");
    assert!(home.asym(&["destroy", &id]).status.success());
}

/// Removes the named containers when dropped (a test's own shared infra).
struct RemoveOnDrop(Vec<String>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = docker(&["rm", "-f", "-v", name]);
        }
    }
}

fn docker(args: &[&str]) -> std::process::Output {
    std::process::Command::new("docker")
        .args(args)
        .output()
        .expect("run docker")
}

/// The one check of `doctor --json` named `name`: (ok, detail).
fn check(doctor: &Value, name: &str) -> (bool, String) {
    let found = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {doctor}"));
    (
        found["ok"].as_bool().unwrap(),
        found["detail"].as_str().unwrap().to_owned(),
    )
}

/// The repairs `doctor --fix --json` reports, one string.
fn fixed(home: &TestHome) -> String {
    let out = home.asym(&["doctor", "--fix", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doctor["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true),
        "{doctor}"
    );
    doctor["fixed"].to_string()
}

/// `doctor` without `--fix` names the problem in check `name` and exits 1.
fn flagged(home: &TestHome, name: &str, problem: &str) {
    let out = home.asym(&["doctor", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (ok, detail) = check(&doctor, name);
    assert!(!ok && detail.contains(problem), "{doctor}");
}

/// Shared infra of this test's own (`infraName`), broken three ways: Redis restarted (clones'
/// Redis users lost), Postgres stopped, Postgres removed (every database lost). Plain `doctor`
/// names each problem and exits 1; `doctor --fix` repairs it, says what it did, and the clone
/// answers again, with its seed, and resets.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_fix_restarts_recreates_and_rebuilds_what_the_shared_infra_lost() {
    let infra = "asym-doctor-e2e";
    let (postgres, redis) = (format!("{infra}-postgres"), format!("{infra}-redis"));
    let _infra = RemoveOnDrop(vec![postgres.clone(), redis.clone()]);
    let home = TestHome::new("4410-4419", json!({ "infraName": infra }));
    let (id, api, bot) = home.spin_basic("slack", "bot");
    assert!(container_exists(&postgres) && container_exists(&redis));
    assert!(!stderr(&home.asym(&["doctor", "--json"])).contains("FAIL"));

    assert!(docker(&["restart", &redis]).status.success());
    flagged(&home, "clone data", &format!("{id}'s Redis user is gone"));
    assert!(fixed(&home).contains(&format!("restored {id}'s Redis user")));

    assert!(docker(&["stop", &postgres]).status.success());
    flagged(&home, "shared infra", &format!("{postgres} is exited"));
    assert!(fixed(&home).contains(&format!("started {postgres} (it was exited)")));
    assert_eq!(slack(&api, &bot, "auth.test", json!({})).await["ok"], true);

    assert!(docker(&["rm", "-f", "-v", &postgres]).status.success());
    flagged(&home, "shared infra", &format!("{postgres} is missing"));
    let repairs = fixed(&home);
    assert!(
        repairs.contains(&format!("created {postgres}")),
        "{repairs}"
    );
    assert!(repairs.contains(&format!("rebuilt {id}")), "{repairs}");
    let tokens = home.asym_json(&["tokens", &id]);
    let new_bot = tokens["bot"].as_str().unwrap();
    assert_ne!(new_bot, bot, "the old credentials died with the database");
    assert_eq!(
        slack(&api, new_bot, "auth.test", json!({})).await["ok"],
        true
    );
    let listed = slack(&api, new_bot, "conversations.list", json!({})).await;
    assert!(listed.to_string().contains("\"general\""), "{listed}");
    let posted = slack(
        &api,
        new_bot,
        "chat.postMessage",
        json!({"channel": "C0000000001", "text": "after the rebuild"}),
    )
    .await;
    assert_eq!(posted["ok"], true, "{posted}");
    assert!(home.asym(&["reset", &id]).status.success());
    let history = slack(
        &api,
        new_bot,
        "conversations.history",
        json!({"channel": "C0000000001"}),
    )
    .await;
    assert!(
        !history.to_string().contains("after the rebuild"),
        "{history}"
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}
