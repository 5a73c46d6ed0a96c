//! `stars.*` (saved items, formerly stars).

use serde_json::json;

use crate::common::Api;
use crate::files::upload;

#[asym::clone("slack", seed = "basic")]
async fn stars_save_list_and_remove_messages_files_and_channels(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let posted = slack
        .post(slack.user_token(), "C0000000001", "save me")
        .await;
    let ts = posted["ts"].as_str().unwrap().to_owned();
    let message = json!({"channel": "C0000000001", "timestamp": ts});
    slack
        .user_ok_then_err("stars.add", message.clone(), "already_starred")
        .await;
    let done = upload(
        &slack,
        "notes.txt",
        "hello",
        json!({"channel_id": "C0000000001"}),
    )
    .await;
    let file = done["files"][0]["id"].as_str().unwrap().to_owned();
    slack.user_ok("stars.add", json!({"file": file})).await;
    slack
        .user_ok("stars.add", json!({"channel": "C0000000002"}))
        .await;

    let list = slack.user_ok("stars.list", json!({})).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list}");
    // Newest saved first.
    assert_eq!(items[0]["type"], "channel");
    assert_eq!(items[0]["channel"], "C0000000002");
    assert_eq!(items[1]["type"], "file");
    assert_eq!(items[1]["file"]["id"], file);
    assert_eq!(items[1]["file"]["name"], "notes.txt");
    assert_eq!(items[2]["type"], "message");
    assert_eq!(items[2]["channel"], "C0000000001");
    assert_eq!(items[2]["message"]["ts"], ts);
    assert_eq!(items[2]["message"]["text"], "save me");
    assert!(
        items
            .iter()
            .all(|item| item["date_create"].as_i64().unwrap() > 1_700_000_000)
    );
    assert_eq!(
        list["paging"],
        json!({"per_page": 100, "spill": 0, "total": 3, "page": 1, "pages": 1})
    );
    assert_eq!(list["response_metadata"]["next_cursor"], "");

    // Pages by limit and cursor.
    let first = slack.user_ok("stars.list", json!({"limit": 2})).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["response_metadata"]["next_cursor"].as_str().unwrap();
    assert!(!cursor.is_empty());
    let second = slack
        .user_ok("stars.list", json!({"limit": 2, "cursor": cursor}))
        .await;
    assert_eq!(second["items"][0]["type"], "message");
    assert_eq!(second["response_metadata"]["next_cursor"], "");

    slack
        .user_ok_then_err("stars.remove", message.clone(), "not_starred")
        .await;
    // Each person's own: another person's list is empty.
    let alice = slack
        .mint("user", Some("U0000000003"), Some(&["stars:read"]))
        .await;
    let theirs = slack.ok(&alice, "stars.list", json!({})).await;
    assert_eq!(theirs["items"], json!([]));
    // A deleted message drops out of the list.
    slack.user_ok("stars.add", message.clone()).await;
    slack
        .user_ok("chat.delete", json!({"channel": "C0000000001", "ts": ts}))
        .await;
    let after = slack.user_ok("stars.list", json!({})).await;
    assert_eq!(after["items"].as_array().unwrap().len(), 2, "{after}");
}

#[asym::clone("slack", seed = "basic")]
async fn stars_refuse_what_they_cannot_save(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for (args, code) in [
        (json!({}), "no_item_specified"),
        (
            json!({"timestamp": "1700000100.000100"}),
            "no_item_specified",
        ),
        (
            json!({"file_comment": "Fc0000000001"}),
            "file_comment_not_found",
        ),
        (json!({"file": "F0000099999"}), "file_not_found"),
        (json!({"channel": "C0000099999"}), "channel_not_found"),
        (
            json!({"channel": "C0000000001", "timestamp": "yesterday"}),
            "bad_timestamp",
        ),
        (
            json!({"channel": "C0000000001", "timestamp": "1.000001"}),
            "message_not_found",
        ),
    ] {
        slack.user_err("stars.add", args.clone(), code).await;
        slack.user_err("stars.remove", args, code).await;
    }
    slack
        .user_err(
            "stars.remove",
            json!({"channel": "C0000000001"}),
            "not_starred",
        )
        .await;
    // People save items, not bots.
    for method in ["stars.add", "stars.list"] {
        let args = json!({"channel": "C0000000001"});
        slack.bot_err(method, args, "not_allowed_token_type").await;
    }
    let plain = slack
        .mint("user", Some("U0000000001"), Some(&["chat:write"]))
        .await;
    slack.missing_scope(&plain, "stars.list", json!({})).await;
    slack
        .err(
            &plain,
            "stars.add",
            json!({"channel": "C0000000001"}),
            "missing_scope",
        )
        .await;
    slack
        .user_err(
            "stars.list",
            json!({"cursor": "bm9wZQ=="}),
            "invalid_cursor",
        )
        .await;
}
