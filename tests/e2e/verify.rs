//! `asym verify` against the skeleton clone: a description that matches scores 1.0; one
//! changed in five ways fails with each way named; `--fuzz` finds no 5xx, then every one a
//! fault makes; every product's scenario fuzzes clean. Against a Linear clone: a few of Linear's
//! types score what the clone serves of them, each deviation named. The named refusals need
//! no clone.

use std::path::Path;
use std::process::Output;

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

    // --fuzz: each request gone wrong first, and the clone names every one as an error.
    let fuzzed = home.asym_json(&["verify", id, "--fuzz"]);
    assert_eq!(fuzzed["failures"], json!([]), "{fuzzed:#}");
    assert!(fuzzed["requests"].as_u64().unwrap() > 50, "{fuzzed:#}");
    // A clone that fails them is caught, each failure named by its request.
    let always = ["--path", "/v1/notes/*", "--times", "always"];
    home.asym_json(&[&["fault", id, "500", "--method", "DELETE"], &always[..]].concat());
    let failed = home.asym(&["verify", id, "--fuzz", "--json"]);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    assert!(
        text(&failed.stderr).contains("VERIFY_FUZZ_FAILED"),
        "{failed:?}"
    );
    let report: Value = serde_json::from_slice(&failed.stdout).unwrap();
    let failures = report["failures"].as_array().unwrap();
    assert!(
        !failures.is_empty()
            && failures.iter().all(|f| f["method"] == "DELETE"
                && f["path"] == "/v1/notes/{note}"
                && (f["mutation"].as_str().unwrap().starts_with("{note} ")
                    || f["mutation"] == "nothing (the scenario's own request)")
                && f["answer"].as_str().unwrap().starts_with("500")),
        "{report:#}"
    );
    assert!(home.asym(&["destroy", id]).status.success());
}

/// Every product with a built-in scenario answers each request gone wrong without a 5xx or a
/// hang: what a clone's new route or a change to its input handling must keep true.
#[test]
fn every_product_s_scenario_fuzzes_clean() {
    let home = TestHome::new("4500-4509", json!({}));
    for template in ["slack", "stripe", "github", "notion", "hubspot"] {
        let fuzzed = home.asym_json(&["verify", template, "--fuzz"]);
        assert_eq!(fuzzed["failures"], json!([]), "{template}: {fuzzed:#}");
        assert!(
            fuzzed["requests"].as_u64().unwrap() > 500,
            "{template}: {fuzzed:#}"
        );
    }
    assert_eq!(
        home.registry()["clones"],
        json!([]),
        "each spun clone is gone"
    );
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
            vec!["verify", "notion"],
            "SPEC_REQUIRED",
            "templates/notion/sdk/openapi.sh",
        ),
        (
            vec!["verify", "linear"],
            "SPEC_REQUIRED",
            "packages/sdk/src/schema.graphql in the linear/linear repository",
        ),
        (
            vec!["verify", "linear", "--spec", "schema.graphql"],
            "SPEC_REQUIRED",
            "--documents FILE",
        ),
        (
            vec![
                "verify",
                "linear",
                "--spec",
                "/nonexistent.graphql",
                "--documents",
                "d",
            ],
            "SPEC_INVALID",
            "cannot read /nonexistent.graphql",
        ),
        (
            vec![
                "verify",
                "skeleton",
                "--spec",
                "x.json",
                "--documents",
                "d.graphql",
            ],
            "SPEC_INVALID",
            "--documents is for GraphQL products",
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
        (
            vec!["verify", "linear", "--fuzz"],
            "NOT_IMPLEMENTED",
            "--fuzz for linear",
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

/// `asym verify <target> --spec <spec> --documents <the Linear fixture's> --min <min> <more>`.
fn verify_linear(home: &TestHome, target: &str, spec: &Path, min: &str, more: &[&str]) -> Output {
    let documents = root().join("tests/fixtures/verify/linear-documents.graphql");
    let mut args = vec![
        "verify",
        target,
        "--spec",
        spec.to_str().unwrap(),
        "--documents",
        documents.to_str().unwrap(),
        "--min",
        min,
    ];
    args.extend(more);
    home.asym(&args)
}

#[test]
fn linear_s_schema_scores_the_pairs_the_clone_serves_and_names_each_deviation() {
    let home = TestHome::new("4492-4495", json!({}));
    let spec = root().join("tests/fixtures/verify/linear.graphql");
    let out = verify_linear(&home, "linear", &spec, "0.9", &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&report["valid"], &report["total"]),
        (&json!(18), &json!(19)),
        "{report:#}"
    );
    assert_eq!(report["inputs"], json!({"valid": 4, "total": 4}));
    assert_eq!(
        report["kinds"],
        json!({"missing_field": {"count": 1, "example": {"kind": "missing_field",
            "at": "Issue.trusted", "expected": "trusted: Boolean",
            "found": "none"}}})
    );
    assert_eq!(report["not_implemented"], json!([]));
    let documents = &report["documents"];
    assert_eq!(
        (&documents["valid"], &documents["total"]),
        (&json!(2), &json!(3))
    );
    assert_eq!(
        documents["operations"][2],
        json!({"name": "query issue_trusted", "errors": ["Issue has no field trusted"]})
    );
    assert_eq!(
        home.registry()["clones"],
        json!([]),
        "the spun clone is gone"
    );

    // Had Linear's schema said `title: String`, the clone's `String!` would be named as such.
    let spun = home.asym_json(&["spin", "linear"]);
    let id = spun[0]["id"].as_str().unwrap();
    let changed = home.path().join("linear.graphql");
    let sdl = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &changed,
        sdl.replacen("  title: String!\n", "  title: String\n", 1),
    )
    .unwrap();
    let out = verify_linear(&home, id, &changed, "0.99", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .contains("VERIFY_BELOW_THRESHOLD: linear scored 0.895 (17/19 pairs match)"),
        "{}",
        text(&out.stderr)
    );
    let printed = text(&out.stdout);
    let line = printed
        .lines()
        .find(|l| l.trim_start().starts_with("wrong_nullability"));
    assert!(
        line.is_some_and(|l| l.ends_with("Issue.title: expected String, found String!")),
        "{printed}"
    );
    assert_eq!(
        home.registry()["clones"][0]["id"],
        id,
        "a given clone stays"
    );
    assert!(home.asym(&["destroy", id]).status.success());
}
