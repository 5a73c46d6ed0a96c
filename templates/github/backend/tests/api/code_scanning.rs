//! Code scanning: SARIF uploads and their status, the analyses they make (list, get, delete).

use serde_json::{Value, json};

use crate::common::{MAIN_SHA, REPO, anonymous, api, app, delete, error, fetch, not_found};

/// A SARIF of one `clippy` run with two rules and two results, gzip then base64.
const SARIF: &str = "H4sIAAAAAAACA61QTUsDMRD9KyEnhVLbiiC99iQUvHkRcdNkuh3ITkI+WsvS/25md221xY+D5DJ58+bNm9fKLYSIjuRcyNl4Op7IkZAhUyzAcyuTc7ZUrTQBC7MrSTXAdG3R+z3zIzSKEuqnk9akaN0PYhYGNTSnufk80y4o/5ojGOYZWKts08LRGuscVOqVWmlhC2xC7lQgpFoeDiNxLuYVof6bDITgQhF5YR0ZIBb6YJC9Pvxk8sJLwRqIUdXQLUnwlrjNfFH1w1fXlXAkFInq0bOdSmyVzSB5vXW6szgY8Jt9RK3scoA7URUSrpVOX8AckBfFoG8ahTQOUfbn1B+MmMrgEomd3ZYWkPn067oLZ3PD7Lu+f/zPJgcOiHO+zOSY9Vmk32RRdfxKxI3L1ghySaxA+BI8UBJIpXQma75MaGf+LxeLq19imfZn8nsHWbblSwoDAAA=";
/// `this is not json`, gzip then base64: an upload that fails to process.
const NOT_SARIF: &str = "H4sIAAAAAAACAyvJyCxWAKK8/BKFrOL8PAD+hmdAEAAAAA==";

/// `POST …/code-scanning/sarifs` of `sarif` for the fixture's `main`.
fn upload(sarif: &str, reference: &str) -> Value {
    json!({ "commit_sha": MAIN_SHA, "ref": reference, "sarif": sarif })
}

/// Uploads `sarif`, answering its receipt's id (a 202 expected).
async fn uploaded(api: &asym_kit::testing::Api, sarif: &str, reference: &str) -> String {
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
        "ref=main",
        "ref=refs/pull/1/head",
        "tool_name=clippy",
        "tool_name=other",
        "per_page=1&page=2",
        "direction=asc&per_page=1",
    ];
    let mut counts = Vec::new();
    for query in queries {
        counts.push(
            fetch(&api, &format!("{list}?{query}"))
                .await
                .as_array()
                .unwrap()
                .len(),
        );
    }
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
