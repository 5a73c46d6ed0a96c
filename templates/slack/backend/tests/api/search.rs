//! `search.messages`, `search.files`, `search.all`.

use asym_kit::testing::{assert_suffix, pluck};
use serde_json::{Value, json};

use crate::common::Api;
use crate::files::upload;

/// `search.messages` with `args` and the seed's user token, asserting `ok: true`; the body.
async fn search(slack: &Api<'_>, args: Value) -> Value {
    slack.user_ok("search.messages", args).await
}

/// The `ts` of each match of a search.
fn matched(body: &Value) -> Vec<String> {
    pluck(&body["messages"]["matches"], "ts")
}

#[asym::clone("slack", seed = "basic")]
async fn search_messages_with_modifiers(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let found = search(&slack, json!({"query": "deploy GREEN"})).await;
    assert_eq!(found["query"], "deploy GREEN");
    assert_eq!(matched(&found), ["1700000300.000300"]);
    let first = &found["messages"]["matches"][0];
    assert_eq!(first["channel"]["name"], "general");
    assert_eq!(first["user"], "U0000000005");
    assert_eq!(first["username"], "carol");
    assert_suffix(
        &first["permalink"],
        "/archives/C0000000001/p1700000300000300",
    );
    assert_eq!(found["messages"]["total"], 1);

    for (query, expected) in [
        (
            "in:#general from:<@U0000000003>",
            vec!["1700000250.000100", "1700000100.000100"],
        ),
        ("from:@alice welcome", vec!["1700000100.000100"]),
        (
            "\"all green\" in:<#C0000000001|general>",
            vec!["1700000300.000300"],
        ),
        ("from:me", vec!["1700000400.000400"]),
        ("on:2023-11-14 welcome", vec!["1700000100.000100"]),
        ("after:2023-11-14 welcome", vec![]),
        ("before:2023-11-14 welcome", vec![]),
        // Not a calendar day: a word to match, not a date (it was an internal_error).
        ("after:2023-02-30 welcome", vec![]),
        ("in:random", vec![]),
    ] {
        let body = search(&slack, json!({"query": query})).await;
        assert_eq!(matched(&body), expected, "{query}");
    }
    let args = json!({"query": "in:general", "count": 2, "page": 2, "sort_dir": "asc"});
    let paged = search(&slack, args).await;
    assert_eq!(matched(&paged), ["1700000250.000100", "1700000300.000300"]);
    assert_eq!(
        paged["messages"]["paging"],
        json!({"count": 2, "total": 5, "page": 2, "pages": 3})
    );
    assert_eq!(paged["messages"]["pagination"]["first"], 3);
    for (token, args, code) in [
        (
            slack.bot_token(),
            json!({"query": "x"}),
            "not_allowed_token_type",
        ),
        (slack.user_token(), json!({}), "no_query"),
    ] {
        slack.err(token, "search.messages", args, code).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn a_query_of_thousands_of_words_or_100_kb_answers_within_a_second(slack: asym::Slack) {
    let slack = Api::new(&slack);
    slack
        .execute(
            "INSERT INTO messages (channel_id, ts, user_id, team_id, text)
             SELECT 'C0000000001', 1800000000 + n, 'U0000000003', 'T0000000001', 'note ' || n
             FROM generate_series(1, 5000) n",
        )
        .await;
    let words = vec!["zebra"; 30_000].join(" ");
    for query in [words, "x".repeat(100_000)] {
        let started = std::time::Instant::now();
        let found = search(&slack, json!({ "query": query })).await;
        assert_eq!(found["messages"]["total"], 0);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    }
}

/// `search.files` finds the files the person may see whose name or title holds every term,
/// newest first, with the same modifiers; `search.all` answers both sections (and no
/// `posts`); both take user tokens only.
#[asym::clone("slack", seed = "basic")]
async fn search_files_and_all(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let general = json!({"channel_id": "C0000000001", "initial_comment": "the report is in"});
    let report = upload(&slack, "Quarterly report.csv", "a,b\n", general).await;
    let report = report["files"][0]["id"].clone();
    let notes = upload(
        &slack,
        "notes.txt",
        "n",
        json!({"channel_id": "C0000000001"}),
    )
    .await;
    let notes = notes["files"][0]["id"].clone();
    let ids = |body: &Value| pluck(&body["files"]["matches"], "id");
    for (query, found) in [
        ("REPORT", vec![report.clone()]),
        ("quarterly csv", vec![report.clone()]),
        ("title of", vec![notes.clone(), report.clone()]),
        (
            "title in:#general from:@asym",
            vec![notes.clone(), report.clone()],
        ),
        ("title in:#random", vec![]),
        ("title from:@alice", vec![]),
        ("nothing-like-it", vec![]),
    ] {
        let body = slack.user_ok("search.files", json!({"query": query})).await;
        assert_eq!(ids(&body), found, "{query}");
        assert_eq!(body["files"]["total"], found.len(), "{query}");
    }
    let oldest = slack
        .user_ok(
            "search.files",
            json!({"query": "title", "sort_dir": "asc", "count": 1}),
        )
        .await;
    assert_eq!(ids(&oldest), std::slice::from_ref(&report));
    assert_eq!(
        oldest["files"]["paging"],
        json!({"count": 1, "total": 2, "page": 1, "pages": 2})
    );
    let all = slack
        .user_ok("search.all", json!({"query": "report"}))
        .await;
    assert_eq!(ids(&all), [report]);
    assert_eq!(
        pluck(&all["messages"]["matches"], "text"),
        ["the report is in"]
    );
    assert_eq!(all["posts"], json!({"matches": [], "total": 0}));
    for method in ["search.files", "search.all"] {
        slack
            .bot_err(method, json!({"query": "x"}), "not_allowed_token_type")
            .await;
        slack.user_err(method, json!({}), "no_query").await;
    }
}
