//! Helpers for the end-to-end tests: the built `asym` binary, isolated homes, a Slack caller.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Path of the `asym` binary, built once per test run.
pub(crate) fn asym_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "asym-cli", "--bin", "asym"])
            .current_dir(root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building asym failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target"));
        target.join("debug").join("asym")
    })
}

/// An isolated `$ASYM_HOME` with its own port range (so parallel tests never race for ports)
/// and optional extra config keys.
pub(crate) struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    /// A home whose clones take ports from `ports` (e.g. `"4100-4149"`).
    pub(crate) fn new(ports: &str, extra: Value) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (start, end) = ports.split_once('-').expect("A-B");
        let mut config = serde_json::json!({
            "portRange": { "start": start.parse::<u16>().unwrap(), "end": end.parse::<u16>().unwrap() }
        });
        if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
            config.extend(extra.clone());
        }
        std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
        Self { dir }
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `asym <args>` with this home.
    pub(crate) fn asym(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run asym")
    }

    /// The command, for callers that add environment or spawn.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(asym_bin());
        cmd.args(args).env("ASYM_HOME", self.path());
        cmd
    }

    /// `asym spin <template> --seed basic`, asserted successful: the clone's id, its API URL
    /// and its credential `token` (a name of the template's manifest).
    pub(crate) fn spin_basic(&self, template: &str, token: &str) -> (String, String, String) {
        let spun = self.asym_json(&["spin", template, "--seed", "basic"]);
        let text = |value: &Value| value.as_str().expect("a string").to_owned();
        (
            text(&spun[0]["id"]),
            text(&spun[0]["endpoints"]["api"]),
            text(&spun[0]["tokens"][token]),
        )
    }

    /// `asym <args> --json`, asserted successful, parsed.
    pub(crate) fn asym_json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        json_of(args, self.asym(&all))
    }

    /// `asym spin <template> --json` started `n` times, not waited for (see [`spun`]).
    pub(crate) fn spawn_spins(&self, template: &str, n: usize) -> Vec<Child> {
        (0..n)
            .map(|_| {
                self.command(&["spin", template, "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("run asym spin")
            })
            .collect()
    }

    /// The registry as JSON.
    pub(crate) fn registry(&self) -> Value {
        let text = std::fs::read_to_string(self.path().join("registry.json"))
            .unwrap_or_else(|_| "{\"clones\":[]}".into());
        serde_json::from_str(&text).expect("registry JSON")
    }
}

/// What a spin from [`TestHome::spawn_spins`] printed, asserted successful, parsed.
pub(crate) fn spun(child: Child) -> Value {
    json_of(
        &["spin"],
        child.wait_with_output().expect("wait for asym spin"),
    )
}

/// The JSON `asym <args>` printed, asserted successful.
fn json_of(args: &[&str], out: Output) -> Value {
    assert!(
        out.status.success(),
        "asym {args:?} failed: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// What a finished command wrote to stderr.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a finished command succeeded, showing its stderr when it did not.
pub(crate) fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

/// Calls Slack Web API `method` with a bearer token and JSON arguments.
pub(crate) async fn slack(api: &str, token: &str, method: &str, args: Value) -> Value {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{api}/{method}"))
        .bearer_auth(token)
        .json(&args)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .json()
        .await
        .unwrap()
}

/// Texts of a channel's history, oldest first.
pub(crate) async fn history(api: &str, token: &str, channel: &str) -> Vec<String> {
    let page = slack(
        api,
        token,
        "conversations.history",
        serde_json::json!({ "channel": channel, "limit": 1000 }),
    )
    .await;
    assert_eq!(page["ok"], true, "{page}");
    let mut texts: Vec<String> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.reverse();
    texts
}

/// Whether Docker knows a container of this name.
pub(crate) fn container_exists(name: &str) -> bool {
    Command::new("docker")
        .args(["inspect", "--format", "{{.Name}}", name])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Whether the shared Postgres has database `name` (asked as its superuser over the
/// container's local socket: clone credentials cannot see other databases, nor a dropped one).
pub(crate) fn database_exists(name: &str) -> bool {
    let out = Command::new("docker")
        .args([
            "exec",
            "asym-postgres",
            "psql",
            "-U",
            "postgres",
            "-tAc",
            &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
        ])
        .output()
        .expect("docker exec psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim() == "1"
}
