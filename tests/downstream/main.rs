//! A crate outside the workspace, as a new user writes it: one git dependency line on this
//! repository (at the commit under test) and one `#[asym::clone]` test, run by `cargo test`
//! on a Docker engine without the Slack clone image. The harness builds the image once (eight
//! test processes starting together build it once), pins it in the crate's `asym.lock`, and a
//! second run reuses the warm clone. The commands are the README's "Use asym in your crate".
//!
//! A test binary of its own: it removes the Slack image, which a concurrent spin in the same
//! binary could be about to start a container from (cargo runs test binaries one at a time).

#![allow(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

use crate::common::{TestHome, root};

const IMAGE: &str = "asym/slack-backend:0.1.0";
const BUILDING: &str = "building the slack clone image from source";

/// The downstream crate's only test: `auth.test` over plain HTTP, no client library.
const TEST: &str = r#"
use std::io::{Read, Write};

#[asym::clone("slack", seed = "basic")]
fn the_bot_token_authenticates(slack: asym::Slack) {
    let rest = slack.api_url().strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = std::net::TcpStream::connect(host).expect("the clone answers");
    write!(
        stream,
        "POST /{path}/auth.test HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        slack.bot_token()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.contains("\"ok\":true"), "{answer}");
}
"#;

fn head() -> String {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "this test needs a git checkout");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn write_crate(dir: &Path) {
    let repo = root().canonicalize().unwrap();
    let manifest = format!(
        "[package]\nname = \"downstream\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dev-dependencies]\nasym-test = {{ git = \"file://{}\", rev = \"{}\" }}\n\n[workspace]\n",
        repo.display(),
        head()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/slack.rs"), TEST).unwrap();
    // The workspace's lock keeps the registry crates at the versions already built.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// `cargo <args>` in the downstream crate, as its user runs it: pins on, this home.
fn cargo(dir: &Path, home: &TestHome, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(dir)
        .env("ASYM_HOME", home.path())
        // The workspace's target directory: registry crates built with the same features
        // are reused (the asym crates from git are new packages and build here).
        .env("CARGO_TARGET_DIR", target_dir())
        // Registry crates compiled for the images already are reused.
        .env(
            "ASYM_IMAGES_TARGET_DIR",
            root().join("target").join("images"),
        )
        .env_remove("ASYM_PIN")
        .env_remove("RUSTFLAGS");
    cmd
}

fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), Into::into)
}

fn succeeded(what: &str, out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn remove_image() {
    // Running clones keep their image by id; only the tag goes.
    let out = Command::new("docker")
        .args(["image", "rm", "-f", IMAGE])
        .output()
        .unwrap();
    let absent = Command::new("docker")
        .args(["image", "inspect", IMAGE])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!absent.success(), "{IMAGE} still there: {out:?}");
}

fn image_digest() -> String {
    let out = Command::new("docker")
        .args(["image", "inspect", "-f", "{{.Id}}", IMAGE])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn pinned(dir: &Path) -> String {
    let lock = std::fs::read_to_string(dir.join("asym.lock")).unwrap();
    lock.lines()
        .find_map(|l| l.strip_prefix("slack = "))
        .unwrap_or_else(|| panic!("no slack pin in asym.lock:\n{lock}"))
        .trim_matches('"')
        .to_owned()
}

fn clone_ids(home: &TestHome) -> Vec<String> {
    let listed: Value = home.asym_json(&["ls"]);
    let mut ids: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_crate_with_one_git_dependency_line_goes_green_and_builds_the_image_once() {
    let home = TestHome::new("4450-4469", json!({}));
    let krate = tempfile::tempdir().unwrap();
    write_crate(krate.path());

    let took = |phase: &str, since: Instant| {
        eprintln!(
            "downstream: {phase}: {:.1} s",
            since.elapsed().as_secs_f64()
        )
    };

    // First run on an engine without the image: built once, pinned, green.
    remove_image();
    let t = Instant::now();
    let first = cargo(krate.path(), &home, &["test", "--", "--nocapture"])
        .output()
        .unwrap();
    let stderr = succeeded("the first cargo test", &first);
    took("first cargo test (compile, image build, spin)", t);
    assert_eq!(stderr.matches(BUILDING).count(), 1, "{stderr}");
    assert_eq!(pinned(krate.path()), image_digest());
    let warm = clone_ids(&home);
    assert_eq!(warm.len(), 1, "{warm:?}");

    // Second run: the warm clone, nothing built or spun.
    let t = Instant::now();
    let second = cargo(krate.path(), &home, &["test"]).output().unwrap();
    let stderr = succeeded("the second cargo test", &second);
    took("second cargo test", t);
    assert!(!stderr.contains(BUILDING), "{stderr}");
    assert_eq!(clone_ids(&home), warm);

    // Eight test processes at once, the image gone again: one build, one new pin, all green.
    let built = cargo(
        krate.path(),
        &home,
        &["test", "--no-run", "--message-format=json"],
    )
    .output()
    .unwrap();
    succeeded("cargo test --no-run", &built);
    let binary = String::from_utf8_lossy(&built.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["target"]["name"] == "slack")
        .find_map(|m| m["executable"].as_str().map(str::to_owned))
        .expect("the tests/slack.rs binary");
    // No warm clone either: every process needs the image.
    home.asym(&["destroy", "--all"]);
    assert!(clone_ids(&home).is_empty());
    // The pin names an image this machine does not have (as a teammate's committed
    // asym.lock would), and the tag is gone: the image must be built again. (Removing the
    // pinned image itself is not enough: Docker keeps an image that any container runs, and
    // an unchanged build is a cache hit with the same id.)
    let old_pin = format!("sha256:{}", "0".repeat(64));
    let lock = std::fs::read_to_string(krate.path().join("asym.lock")).unwrap();
    let stale = lock.replace(&pinned(krate.path()), &old_pin);
    std::fs::write(krate.path().join("asym.lock"), stale).unwrap();
    remove_image();
    let t = Instant::now();
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(&binary)
                .current_dir(krate.path())
                .env("ASYM_HOME", home.path())
                .env("ASYM_IMAGES_TARGET_DIR", target_dir().join("images"))
                .env_remove("ASYM_PIN")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Drained at once, each on its own thread: a full pipe would stall its writer (the
    // building process, cargo's output) and everyone waiting for the build behind it.
    let runs: Vec<Output> = children
        .into_iter()
        .map(|child| std::thread::spawn(move || child.wait_with_output().unwrap()))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|waiter| waiter.join().unwrap())
        .collect();
    let mut builds = 0;
    for run in &runs {
        builds += succeeded("a test process", run).matches(BUILDING).count();
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("1 passed"),
            "{run:?}"
        );
    }
    took("eight test processes", t);
    assert_eq!(builds, 1, "eight processes, one build");
    let new_pin = pinned(krate.path());
    assert_ne!(new_pin, old_pin);
    assert_eq!(new_pin, image_digest());

    home.asym(&["destroy", "--all"]);
}
