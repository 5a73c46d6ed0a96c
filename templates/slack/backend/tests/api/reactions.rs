//! `reactions.*` and `pins.*`.

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn reactions_add_get_remove(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let target = json!({"channel": "C0000000001", "timestamp": "1700000100.000100"});
    let mut args = target.clone();
    args["name"] = json!(":tada:");
    slack
        .bot_ok_then_err("reactions.add", args.clone(), "already_reacted")
        .await;
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    slack.ok(&alice, "reactions.add", args.clone()).await;

    let got = slack.bot_ok("reactions.get", target.clone()).await;
    assert_eq!(got["type"], "message");
    let permalink = got["message"]["permalink"].as_str().unwrap();
    assert!(
        permalink.ends_with("/archives/C0000000001/p1700000100000100"),
        "{permalink}"
    );
    assert_eq!(
        got["message"]["reactions"],
        json!([{"name": "tada", "users": ["U0000000002", "U0000000003"], "count": 2}])
    );

    slack
        .bot_ok_then_err("reactions.remove", args.clone(), "no_reaction")
        .await;
    let mut bad = target.clone();
    bad["name"] = json!("Not An Emoji");
    slack.bot_err("reactions.add", bad, "invalid_name").await;
    let mut missing = args.clone();
    missing["timestamp"] = json!("1.000001");
    for (method, args, code) in [
        ("reactions.add", missing, "message_not_found"),
        ("reactions.get", json!({}), "no_item_specified"),
    ] {
        slack.bot_err(method, args, code).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn pins_add_list_remove(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let target = json!({"channel": "C0000000001", "timestamp": "1700000300.000300"});
    slack
        .bot_ok_then_err("pins.add", target.clone(), "already_pinned")
        .await;
    let list = slack
        .bot_ok("pins.list", json!({"channel": "C0000000001"}))
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "message");
    assert_eq!(items[0]["created_by"], "U0000000002");
    assert_eq!(items[0]["message"]["text"], "Deploy went out, all green.");
    let history = slack
        .bot_ok(
            "conversations.history",
            json!({"channel": "C0000000001", "limit": 2}),
        )
        .await;
    assert_eq!(history["pin_count"], 1);
    assert_eq!(history["messages"][1]["pinned_to"], json!(["C0000000001"]));
    slack.bot_ok_then_err("pins.remove", target, "no_pin").await;
    let elsewhere = json!({"channel": "C0000000002", "timestamp": "1700000300.000300"});
    slack.bot_err("pins.add", elsewhere, "not_in_channel").await;
}

#[asym::clone("slack", seed = "basic")]
async fn reactions_list_pages_a_users_reactions(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for ts in ["1700000100.000100", "1700000300.000300"] {
        let args = json!({"channel": "C0000000001", "timestamp": ts, "name": "eyes"});
        slack.bot_ok("reactions.add", args).await;
    }
    let first = slack.bot_ok("reactions.list", json!({"limit": 1})).await;
    assert_eq!(first["items"][0]["type"], "message");
    assert_eq!(first["items"][0]["channel"], "C0000000001");
    assert_eq!(first["items"][0]["message"]["ts"], "1700000300.000300");
    assert!(first["items"][0]["message"]["permalink"].is_string());
    assert_eq!(
        first["items"][0]["message"]["reactions"][0]["users"],
        json!(["U0000000002"])
    );
    let cursor = first["response_metadata"]["next_cursor"].as_str().unwrap();
    let second = slack
        .bot_ok("reactions.list", json!({"limit": 1, "cursor": cursor}))
        .await;
    assert_eq!(second["items"][0]["message"]["ts"], "1700000100.000100");
    assert_eq!(second["response_metadata"]["next_cursor"], "");
    let paged = slack
        .user_ok(
            "reactions.list",
            json!({"user": "U0000000002", "count": 1, "page": 2}),
        )
        .await;
    assert_eq!(
        paged["paging"],
        json!({"count": 1, "total": 2, "page": 2, "pages": 2})
    );
    let own = slack.user_ok("reactions.list", json!({})).await;
    assert_eq!(own["items"], json!([]));
    for (args, code) in [
        (json!({"user": "U0NOPE"}), "user_not_found"),
        (json!({"cursor": "bm9wZQ=="}), "invalid_cursor"),
    ] {
        slack.bot_err("reactions.list", args, code).await;
    }
}
