//! `asym verify` against the skeleton clone: a description that matches scores 1.0; one
//! changed in five ways fails with each way named; the named refusals need no clone.

use serde_json::{Value, json};

use crate::common::{TestHome, root};

fn fixture() -> Value {
    let path = root().join("tests/fixtures/verify/skeleton.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_matching_description_scores_one_and_the_clone_is_destroyed() {
    let home = TestHome::new("4480-4484", json!({}));
    let spec = root().join("tests/fixtures/verify/skeleton.json");
    let report = home.asym_json(&["verify", "skeleton", "--spec", spec.to_str().unwrap()]);
    assert_eq!(report["score"], 1.0, "{report:#}");
    assert_eq!(report["valid"], report["total"]);
    assert!(report["total"].as_u64().unwrap() >= 10, "{report:#}");
    assert_eq!(report["kinds"], json!({}));
    assert_eq!(report["covered"].as_array().unwrap().len(), 4);
    assert_eq!(report["not_implemented"], json!([]));
    assert_eq!(
        home.registry()["clones"],
        json!([]),
        "the spun clone is gone"
    );

    // Given a clone's id, verify uses that clone and leaves it running.
    let spun = home.asym_json(&["spin", "skeleton", "--seed", "basic"]);
    let id = spun[0]["id"].as_str().unwrap();
    let report = home.asym_json(&["verify", id, "--spec", spec.to_str().unwrap()]);
    assert_eq!(report["score"], 1.0, "{report:#}");
    assert_eq!(home.registry()["clones"][0]["id"], id);
    assert!(home.asym(&["destroy", id]).status.success());
}

#[test]
fn a_mismatching_description_fails_with_each_kind_grouped() {
    let home = TestHome::new("4485-4489", json!({}));
    let mut spec = fixture();
    let note = spec.pointer_mut("/components/schemas/note").unwrap();
    note["properties"]["id"] = json!({"type": "integer"});
    note["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("author"));
    note["properties"].as_object_mut().unwrap().remove("body");
    let code = spec
        .pointer_mut("/components/schemas/error/properties/error/properties/code")
        .unwrap();
    code["enum"] = json!(["unauthorized"]);
    let page = spec
        .pointer_mut("/paths/~1v1~1notes/get/responses/200/content/application~1json/schema")
        .unwrap();
    page["properties"]["next_cursor"] = json!({"type": "string"});
    let path = home.path().join("mismatch.json");
    std::fs::write(&path, spec.to_string()).unwrap();

    let out = home.asym(&["verify", "skeleton", "--spec", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("asym: VERIFY_BELOW_THRESHOLD: skeleton scored"),
        "{}",
        text(&out.stderr)
    );
    let printed = text(&out.stdout);
    for kind in [
        "wrong_type",
        "missing_required",
        "undescribed_field",
        "not_in_enum",
        "wrong_nullability",
    ] {
        let line = printed.lines().find(|l| l.trim_start().starts_with(kind));
        assert!(line.is_some(), "{kind} missing from:\n{printed}");
    }
    assert!(
        printed.contains("/id: expected integer, found string"),
        "{printed}"
    );
    assert_eq!(
        home.registry()["clones"],
        json!([]),
        "destroyed on failure too"
    );

    let out = home.asym(&[
        "verify",
        "skeleton",
        "--spec",
        path.to_str().unwrap(),
        "--min",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0), "--min 0 passes any score");
}

#[test]
fn refusals_are_named_and_spin_nothing() {
    let home = TestHome::new("4490-4491", json!({}));
    for (args, code, hint) in [
        (vec!["verify", "stripe"], "SPEC_REQUIRED", "stripe/openapi"),
        (
            vec!["verify", "github"],
            "SPEC_REQUIRED",
            "@octokit/openapi",
        ),
        (
            vec!["verify", "hubspot"],
            "SPEC_REQUIRED",
            "HubSpot-public-api-spec-collection",
        ),
        (vec!["verify", "slack"], "SPEC_REQUIRED", "slack-api-specs"),
        (
            vec!["verify", "notion", "--spec", "x.json"],
            "NO_DESCRIPTION",
            "Notion publishes no",
        ),
        (
            vec!["verify", "linear", "--spec", "x.json"],
            "NOT_IMPLEMENTED",
            "GraphQL schema",
        ),
        (
            vec!["verify", "skeleton", "--spec", "/nonexistent.json"],
            "SPEC_INVALID",
            "cannot read",
        ),
        (
            vec!["verify", "nosuch", "--spec", "x.json"],
            "TEMPLATE_NOT_FOUND",
            "nosuch",
        ),
    ] {
        let out = home.asym(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("asym: {code}: ")) && stderr.contains(hint),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(home.registry()["clones"], json!([]));
}
