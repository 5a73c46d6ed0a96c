//! `reactions.*` and `pins.*`.

use serde_json::json;

use crate::common::{call, err, mint, ok};

#[asym::clone("slack", seed = "basic")]
async fn reactions_add_get_remove(slack: asym::Slack) {
    let target = json!({"channel": "C0000000001", "timestamp": "1700000100.000100"});
    let mut args = target.clone();
    args["name"] = json!(":tada:");
    ok(call(&slack, slack.bot_token(), "reactions.add", args.clone()).await);
    err(
        call(&slack, slack.bot_token(), "reactions.add", args.clone()).await,
        "already_reacted",
    );
    let alice = mint(&slack, "user", Some("U0000000003"), None).await;
    ok(call(&slack, &alice, "reactions.add", args.clone()).await);

    let got = ok(call(&slack, slack.bot_token(), "reactions.get", target.clone()).await);
    assert_eq!(got["type"], "message");
    assert_eq!(
        got["message"]["reactions"],
        json!([{"name": "tada", "users": ["U0000000002", "U0000000003"], "count": 2}])
    );

    ok(call(&slack, slack.bot_token(), "reactions.remove", args.clone()).await);
    err(
        call(&slack, slack.bot_token(), "reactions.remove", args.clone()).await,
        "no_reaction",
    );
    let mut bad = target.clone();
    bad["name"] = json!("Not An Emoji");
    err(
        call(&slack, slack.bot_token(), "reactions.add", bad).await,
        "invalid_name",
    );
    let mut missing = args.clone();
    missing["timestamp"] = json!("1.000001");
    err(
        call(&slack, slack.bot_token(), "reactions.add", missing).await,
        "message_not_found",
    );
    err(
        call(&slack, slack.bot_token(), "reactions.get", json!({})).await,
        "no_item_specified",
    );
}

#[asym::clone("slack", seed = "basic")]
async fn pins_add_list_remove(slack: asym::Slack) {
    let target = json!({"channel": "C0000000001", "timestamp": "1700000300.000300"});
    ok(call(&slack, slack.bot_token(), "pins.add", target.clone()).await);
    err(
        call(&slack, slack.bot_token(), "pins.add", target.clone()).await,
        "already_pinned",
    );
    let list = ok(call(
        &slack,
        slack.bot_token(),
        "pins.list",
        json!({"channel": "C0000000001"}),
    )
    .await);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "message");
    assert_eq!(items[0]["created_by"], "U0000000002");
    assert_eq!(items[0]["message"]["text"], "Deploy went out, all green.");
    let history = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.history",
        json!({"channel": "C0000000001", "limit": 2}),
    )
    .await);
    assert_eq!(history["pin_count"], 1);
    assert_eq!(history["messages"][1]["pinned_to"], json!(["C0000000001"]));
    ok(call(&slack, slack.bot_token(), "pins.remove", target.clone()).await);
    err(
        call(&slack, slack.bot_token(), "pins.remove", target).await,
        "no_pin",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "pins.add",
            json!({"channel": "C0000000002", "timestamp": "1700000300.000300"}),
        )
        .await,
        "not_in_channel",
    );
}
