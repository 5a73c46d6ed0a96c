//! Code scanning: SARIF uploads and their status, the analyses they make (list, get, delete).

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::common::{MAIN_SHA, REPO, anonymous, api, app, delete, error, fetch, not_found};

/// A SARIF of one `clippy` run with two rules and two results, gzip then base64.
const SARIF: &str = "H4sIAAAAAAACA61QTUsDMRD9KyEnhVLbiiC99iQUvHkRcdNkuh3ITkI+WsvS/25md221xY+D5DJ58+bNm9fKLYSIjuRcyNl4Op7IkZAhUyzAcyuTc7ZUrTQBC7MrSTXAdG3R+z3zIzSKEuqnk9akaN0PYhYGNTSnufk80y4o/5ojGOYZWKts08LRGuscVOqVWmlhC2xC7lQgpFoeDiNxLuYVof6bDITgQhF5YR0ZIBb6YJC9Pvxk8sJLwRqIUdXQLUnwlrjNfFH1w1fXlXAkFInq0bOdSmyVzSB5vXW6szgY8Jt9RK3scoA7URUSrpVOX8AckBfFoG8ahTQOUfbn1B+MmMrgEomd3ZYWkPn067oLZ3PD7Lu+f/zPJgcOiHO+zOSY9Vmk32RRdfxKxI3L1ghySaxA+BI8UBJIpXQma75MaGf+LxeLq19imfZn8nsHWbblSwoDAAA=";
/// `this is not json`, gzip then base64: an upload that fails to process.
const NOT_SARIF: &str = "H4sIAAAAAAACAyvJyCxWAKK8/BKFrOL8PAD+hmdAEAAAAA==";

/// The lists `GET {path}{query}` answers for each of `queries`.
async fn lists(api: &Api, path: &str, queries: &[&str]) -> Vec<Value> {
    let mut lists = Vec::new();
    for query in queries {
        lists.push(fetch(api, &format!("{path}{query}")).await);
    }
    lists
}

/// `POST …/code-scanning/sarifs` of `sarif` for the fixture's `main`.
fn upload(sarif: &str, reference: &str) -> Value {
    json!({ "commit_sha": MAIN_SHA, "ref": reference, "sarif": sarif })
}

/// Uploads `sarif`, answering its receipt's id (a 202 expected).
async fn uploaded(api: &Api, sarif: &str, reference: &str) -> String {
    let path = format!("{REPO}/code-scanning/sarifs");
    let receipt = api.post(&path, &upload(sarif, reference)).await.expect(202);
    let id = receipt["id"].as_str().unwrap().to_owned();
    assert_eq!(
        receipt["url"].as_str().unwrap(),
        format!("{}{path}/{id}", api.base())
    );
    id
}

#[asym::clone("github", seed = "basic")]
async fn sarif_upload_makes_an_analysis(gh: asym::GitHub) {
    let api = api(&gh);
    let id = uploaded(&api, SARIF, "refs/heads/main").await;
    let status = fetch(&api, &format!("{REPO}/code-scanning/sarifs/{id}")).await;
    assert_eq!(status["processing_status"], "complete");
    assert_eq!(status["errors"], Value::Null);
    let analyses_url = status["analyses_url"].as_str().unwrap();
    assert!(analyses_url.ends_with(&format!("{REPO}/code-scanning/analyses?sarif_id={id}")));
    let listed = fetch(
        &api,
        &format!("{REPO}/code-scanning/analyses?sarif_id={id}"),
    )
    .await;
    let analysis = &listed[0];
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        analysis["tool"],
        json!({ "name": "clippy", "guid": null, "version": "0.1.80" })
    );
    assert_eq!(
        [
            &analysis["ref"],
            &analysis["commit_sha"],
            &analysis["results_count"],
            &analysis["rules_count"]
        ],
        [
            &json!("refs/heads/main"),
            &json!(MAIN_SHA),
            &json!(2),
            &json!(2)
        ]
    );
    assert_eq!(analysis["deletable"], true);
    let one = fetch(
        &api,
        &format!("{REPO}/code-scanning/analyses/{}", analysis["id"]),
    )
    .await;
    assert_eq!(&one, analysis);

    // A gzip of what is not SARIF is accepted, then fails.
    let failed = uploaded(&api, NOT_SARIF, "refs/heads/main").await;
    let status = fetch(&api, &format!("{REPO}/code-scanning/sarifs/{failed}")).await;
    assert_eq!(status["processing_status"], "failed");
    assert_eq!(status["analyses_url"], Value::Null);
    assert!(
        status["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("Invalid SARIF")
    );
}

#[asym::clone("github", seed = "basic")]
async fn sarif_upload_refusals(gh: asym::GitHub) {
    let api = api(&gh);
    let path = format!("{REPO}/code-scanning/sarifs");
    let with = |key: &str, value: Value| {
        let mut body = upload(SARIF, "refs/heads/main");
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = upload(SARIF, "refs/heads/main");
        body.as_object_mut().unwrap().remove(key);
        body
    };
    const UNREADABLE: &str =
        "Invalid sarif: the sarif field must be a gzip-compressed SARIF file encoded as Base64.";
    let mut cases: Vec<(Value, u16, String)> = Vec::new();
    for key in ["sarif", "commit_sha", "ref"] {
        let message = format!("Invalid request.\n\n\"{key}\" wasn't supplied.");
        cases.push((without(key), 422, message));
    }
    let patterns = [
        ("commit_sha", "^([0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?)$"),
        ("ref", "^refs/(heads|tags|pull)/.*$"),
    ];
    for (key, pattern) in patterns {
        let message = format!(
            "Invalid request.\n\nInvalid property /{key}: `main` does not match the pattern `{pattern}`."
        );
        cases.push((with(key, json!("main")), 422, message));
    }
    for sarif in ["not base64!", "aGVsbG8="] {
        cases.push((with("sarif", json!(sarif)), 400, UNREADABLE.to_owned()));
    }
    let (no_commit, huge) = (json!("0".repeat(40)), json!(zeros(33 << 20)));
    cases.push((
        with("commit_sha", no_commit),
        404,
        "commit not found".into(),
    ));
    let too_large = "The sarif field is too large once decompressed.";
    cases.push((with("sarif", huge), 413, too_large.into()));
    for (body, status, message) in cases {
        assert_eq!(
            error(api.post(&path, &body).await, status),
            message,
            "{body}"
        );
    }
    // Read access is not enough to upload; the app has no `security_events` permission.
    let read_only = anonymous(&gh)
        .post(&path, &upload(SARIF, "refs/heads/main"))
        .await;
    assert_eq!(error(read_only, 401), "Requires authentication");
    let bot = app(&gh)
        .post(&path, &upload(SARIF, "refs/heads/main"))
        .await;
    assert_eq!(error(bot, 403), "Resource not accessible by integration");
    not_found(
        &api,
        &[&format!("{path}/0f0e0d0c-0000-0000-0000-000000000000")],
    )
    .await;
}

#[asym::clone("github", seed = "basic")]
async fn analyses_list_and_delete(gh: asym::GitHub) {
    let api = api(&gh);
    for reference in ["refs/heads/main", "refs/heads/main", "refs/pull/1/head"] {
        uploaded(&api, SARIF, reference).await;
    }
    let list = format!("{REPO}/code-scanning/analyses");
    let all = fetch(&api, &list).await;
    let column = |key: &str| -> Vec<Value> {
        all.as_array()
            .unwrap()
            .iter()
            .map(|a| a[key].clone())
            .collect()
    };
    let ids: Vec<i64> = column("id").iter().map(|id| id.as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert_eq!(column("deletable"), [true, true, false]);
    let queries = [
        "?ref=main",
        "?ref=refs/pull/1/head",
        "?tool_name=clippy",
        "?tool_name=other",
        "?per_page=1&page=2",
        "?direction=asc&per_page=1",
    ];
    let counts: Vec<usize> = lists(&api, &list, &queries)
        .await
        .iter()
        .map(|page| page.as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [2, 1, 3, 0, 1, 1], "{queries:?}");
    assert_eq!(
        fetch(&api, &format!("{list}?direction=asc")).await[0]["id"],
        ids[2]
    );
    let (newest, older) = (ids[1], ids[2]);
    let one = |id: i64| format!("{list}/{id}");
    for (path, status, message) in [
        (one(older), 400, "Analysis specified is not deletable."),
        (
            one(ids[0]),
            400,
            "Analysis is last of its type and deletion may result in the loss of historical alert data. Please specify confirm_delete.",
        ),
        (one(999_999), 404, "Not Found"),
        (format!("{list}/x"), 404, "Not Found"),
    ] {
        assert_eq!(error(delete(&api, &path).await, status), message, "{path}");
    }
    let deleted = delete(&api, &one(newest)).await.expect(200);
    assert_eq!(deleted["next_analysis_url"], Value::Null);
    assert_eq!(
        deleted["confirm_delete_url"].as_str().unwrap(),
        format!("{}{}?confirm_delete", api.base(), one(older))
    );
    let last = delete(&api, &format!("{}?confirm_delete", one(older)))
        .await
        .expect(200);
    assert_eq!(
        last,
        json!({ "next_analysis_url": null, "confirm_delete_url": null })
    );
    assert_eq!(fetch(&api, &list).await.as_array().unwrap().len(), 1);
    for (query, field) in [("sort=updated", "sort"), ("direction=up", "direction")] {
        let reply = api.get(&format!("{list}?{query}")).await;
        assert_eq!(error(reply, 422), "Validation Failed", "{field}");
    }
    let signed_out = delete(&anonymous(&gh), &one(ids[0])).await;
    assert_eq!(error(signed_out, 401), "Requires authentication");
}

/// A gzip stream (fixed Huffman codes, no checksum) inflating to `len` zero bytes: a zero,
/// then copies of 258 bytes at distance 1; base64.
fn zeros(len: usize) -> String {
    use base64::Engine;
    let mut bits: Vec<bool> = Vec::new();
    // Huffman codes go most significant bit first, everything else least significant first.
    let code = |bits: &mut Vec<bool>, value: u32, width: u32| {
        bits.extend((0..width).rev().map(|i| (value >> i) & 1 == 1));
    };
    bits.extend([true, true, false]); // the last block, fixed codes
    code(&mut bits, 0b0011_0000, 8); // literal 0
    for _ in 0..(len - 1) / 258 {
        code(&mut bits, 0b1100_0101, 8); // length 258
        code(&mut bits, 0, 5); // distance 1
    }
    code(&mut bits, 0, 7); // end of block
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gzip.extend(bits.chunks(8).map(|byte| {
        byte.iter()
            .enumerate()
            .fold(0u8, |acc, (i, bit)| acc | (u8::from(*bit) << i))
    }));
    gzip.extend([0; 8]);
    base64::engine::general_purpose::STANDARD.encode(gzip)
}

/// The same run later, without the `unwrap_used` result: it is fixed on the refs scanned again.
const SARIF_LATER: &str = "H4sIAAAAAAACA22PQWvDMAyF/4rReWTpTiXXnQY97zIKdW0lFTh2kOyyEvLfa6UZZWP4Ip6fvvc0wxVZKEXoDLw1u6aFFwNcolTha4acUqjTDJ6pOtcx2hHV7gJN0039gqONmdznk9VW1n6DBdxo5J97XTfZSE4dHntbQn5PsaehsM0PxgwBr6jxgMyJYVmOy6JElGrfmIr/+J/7Z70qI4rYAVd4xu+sn6fVfzJySSV4E1M2ZzRTDcGYDcU6Jl+cljIueQStEJJba24lpstNyNlw2OQ1wHKm3rr8SyxMGirsXgOdGxZ4XDT8GCTXvQNFLblrF71Z3x3YabE8qQEAAA==";

#[asym::clone("github", seed = "basic")]
async fn alerts_from_results(gh: asym::GitHub) {
    let api = api(&gh);
    uploaded(&api, SARIF, "refs/heads/main").await;
    let alerts = format!("{REPO}/code-scanning/alerts");
    let numbers = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|a| a["number"].as_i64().unwrap())
            .collect()
    };
    let queries = [
        "",
        "?severity=error",
        "?severity=warning",
        "?state=open",
        "?ref=main",
        "?ref=refs/heads/other",
        "?tool_name=clippy&direction=asc",
    ];
    let found: Vec<Vec<i64>> = lists(&api, &alerts, &queries)
        .await
        .iter()
        .map(numbers)
        .collect();
    let expected: [&[i64]; 7] = [&[2, 1], &[2], &[1], &[2, 1], &[2, 1], &[], &[1, 2]];
    assert_eq!(found, expected, "{queries:?}");
    let one = fetch(&api, &format!("{alerts}/1")).await;
    assert_eq!(
        [
            &one["state"],
            &one["rule"]["id"],
            &one["rule"]["severity"],
            &one["tool"]["name"]
        ],
        [
            &json!("open"),
            &json!("clippy::unwrap_used"),
            &json!("warning"),
            &json!("clippy")
        ]
    );
    let instance = &one["most_recent_instance"];
    assert_eq!(instance["location"]["path"], "src/main.rs");
    assert_eq!(instance["location"]["start_line"], 3);
    assert_eq!(
        instance["message"]["text"],
        "used `unwrap()` on an `Option` value"
    );

    // Dismissed with one of GitHub's reasons, then reopened.
    let dismiss = json!({ "state": "dismissed", "dismissed_reason": "won't fix", "dismissed_comment": "fine" });
    let dismissed = api
        .patch(&format!("{alerts}/1"), &dismiss)
        .await
        .expect(200);
    assert_eq!(dismissed["state"], "dismissed");
    assert_eq!(dismissed["dismissed_by"]["login"], "octocat");
    assert_eq!(dismissed["dismissed_comment"], "fine");
    let again = api.patch(&format!("{alerts}/1"), &dismiss).await;
    assert_eq!(error(again, 400), "Alert is already dismissed.");
    let reopened = api
        .patch(&format!("{alerts}/1"), &json!({ "state": "open" }))
        .await
        .expect(200);
    assert_eq!(
        [&reopened["state"], &reopened["dismissed_reason"]],
        [&json!("open"), &Value::Null]
    );

    // A later analysis of the same tool and ref without the result fixes it; a pull request's
    // ref that still has it keeps it open there.
    uploaded(&api, SARIF_LATER, "refs/heads/main").await;
    let fixed = fetch(&api, &format!("{alerts}/1")).await;
    assert_eq!(fixed["state"], "fixed");
    assert!(fixed["fixed_at"].is_string());
    assert_eq!(
        numbers(&fetch(&api, &format!("{alerts}?state=closed")).await),
        [1]
    );
    assert_eq!(
        numbers(&fetch(&api, &format!("{alerts}?state=open")).await),
        [2]
    );
    uploaded(&api, SARIF, "refs/pull/1/head").await;
    let instances = fetch(&api, &format!("{alerts}/1/instances")).await;
    assert_eq!(
        pluck(&instances, "ref"),
        ["refs/heads/main", "refs/pull/1/head"]
    );
    assert_eq!(pluck(&instances, "state"), ["fixed", "open"]);
}

#[asym::clone("github", seed = "basic")]
async fn alert_refusals(gh: asym::GitHub) {
    let api = api(&gh);
    uploaded(&api, SARIF, "refs/heads/main").await;
    let alerts = format!("{REPO}/code-scanning/alerts");
    for query in ["state=gone", "severity=bad", "sort=name", "direction=up"] {
        let reply = api.get(&format!("{alerts}?{query}")).await;
        assert_eq!(error(reply, 422), "Validation Failed", "{query}");
    }
    not_found(
        &api,
        &[
            &format!("{alerts}/99"),
            &format!("{alerts}/x"),
            &format!("{alerts}/99/instances"),
        ],
    )
    .await;
    let cases: [(&str, Value, u16); 5] = [
        ("1", json!({ "state": "dismissed" }), 400),
        (
            "1",
            json!({ "state": "dismissed", "dismissed_reason": "because" }),
            422,
        ),
        ("1", json!({ "state": "closed" }), 422),
        (
            "1",
            json!({ "state": "dismissed", "dismissed_reason": "used in tests", "dismissed_comment": "x".repeat(281) }),
            422,
        ),
        ("99", json!({ "state": "open" }), 404),
    ];
    for (number, body, status) in cases {
        let reply = api.patch(&format!("{alerts}/{number}"), &body).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
    }
    let signed_out = anonymous(&gh).get(&alerts).await;
    assert_eq!(error(signed_out, 401), "Requires authentication");
}
