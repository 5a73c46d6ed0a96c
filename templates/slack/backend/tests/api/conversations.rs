//! `conversations.*` and `users.conversations`.

use asym_kit::testing::{assert_prefix, pluck};
use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "acme-corp")]
async fn list_filters_types_and_pages(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack.user_ok("conversations.list", json!({})).await;
    assert_eq!(
        pluck(&body["channels"], "id"),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000005"]
    );
    assert_eq!(body["response_metadata"]["next_cursor"], "");
    let body = slack
        .user_ok(
            "conversations.list",
            json!({"types": "public_channel,private_channel", "exclude_archived": true}),
        )
        .await;
    assert_eq!(
        pluck(&body["channels"], "id"),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000004"]
    );
    // The bot does not see the private channel it is not in.
    let body = slack
        .bot_ok("conversations.list", json!({"types": "private_channel"}))
        .await;
    assert_eq!(pluck(&body["channels"], "id"), Vec::<String>::new());

    let pages = slack
        .pages(
            slack.user_token(),
            "conversations.list",
            json!({"limit": 2}),
        )
        .await;
    let seen: Vec<String> = pages
        .iter()
        .flat_map(|page| pluck(&page["channels"], "id"))
        .collect();
    assert_eq!(seen.len(), 4);
    for (args, code) in [
        (json!({"cursor": "bm9wZQ=="}), "invalid_cursor"),
        (json!({"types": "dm"}), "invalid_types"),
    ] {
        slack.user_err("conversations.list", args, code).await;
    }
}

#[asym::clone("slack", seed = "acme-corp")]
async fn info_and_history_windows(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let info = slack
        .bot_ok(
            "conversations.info",
            json!({"channel": "C0000000003", "include_num_members": true}),
        )
        .await;
    assert_eq!(info["channel"]["name"], "engineering");
    assert_eq!(info["channel"]["num_members"], 4);
    assert_eq!(info["channel"]["is_member"], true);
    slack
        .bot_err(
            "conversations.info",
            json!({"channel": "C0000000004"}),
            "channel_not_found",
        )
        .await;
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let args = json!({"channel": "D0000000001"});
    let dm = slack.ok(&alice, "conversations.info", args).await;
    assert_eq!(dm["channel"]["is_im"], true);
    assert_eq!(dm["channel"]["user"], "U0000000004");

    let history = slack
        .bot_ok("conversations.history", json!({"channel": "C0000000003"}))
        .await;
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "top-level only");
    assert_eq!(messages[0]["pinned_to"], json!(["C0000000003"]));
    assert_eq!(messages[0]["files"][0]["id"], "F0000000001");
    assert_eq!(messages[1]["reply_count"], 2);
    assert_eq!(messages[1]["reactions"][0]["name"], "rocket");
    assert_eq!(history["pin_count"], 1);
    let window = slack.bot_ok("conversations.history", json!({"channel": "C0000000003", "oldest": "1700001000.000100", "inclusive": true, "limit": 1})).await;
    assert_eq!(window["messages"][0]["ts"], "1700001000.000100");
    assert_eq!(window["has_more"], true);
    for (method, args, code) in [
        (
            "conversations.history",
            json!({"channel": "C0000000002"}),
            "not_in_channel",
        ),
        (
            "conversations.history",
            json!({"channel": "C0000000003", "latest": "nope"}),
            "invalid_ts_latest",
        ),
        (
            "conversations.replies",
            json!({"channel": "C0000000003", "ts": "1.000001"}),
            "thread_not_found",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    let replies = slack
        .bot_ok(
            "conversations.replies",
            json!({"channel": "C0000000003", "ts": "1700001060.000100", "limit": 1}),
        )
        .await;
    assert_eq!(
        replies["messages"][0]["ts"], "1700001000.000100",
        "the parent leads"
    );
    let cursor = replies["response_metadata"]["next_cursor"]
        .as_str()
        .unwrap();
    assert!(!cursor.is_empty());
    let next = slack.bot_ok("conversations.replies", json!({"channel": "C0000000003", "ts": "1700001000.000100", "limit": 1, "cursor": cursor})).await;
    assert_eq!(next["messages"][0]["ts"], "1700001060.000100");
}

#[asym::clone("slack", seed = "basic")]
async fn create_join_invite_kick_leave(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let created = slack
        .bot_ok("conversations.create", json!({"name": "incidents"}))
        .await;
    let id = created["channel"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('C'));
    assert_eq!(created["channel"]["is_member"], true);
    for (args, code) in [
        (json!({"name": "incidents"}), "name_taken"),
        (json!({"name": "Bad Name"}), "invalid_name_specials"),
        (json!({"name": ""}), "invalid_name_required"),
        (json!({"name": "x".repeat(81)}), "invalid_name_maxlength"),
    ] {
        slack.bot_err("conversations.create", args, code).await;
    }

    let invited = slack
        .bot_ok(
            "conversations.invite",
            json!({"channel": id, "users": "U0000000003,U0000000004"}),
        )
        .await;
    assert_eq!(invited["channel"]["num_members"], 3);
    let body = slack
        .bot_err(
            "conversations.invite",
            json!({"channel": id, "users": "U0000000003"}),
            "already_in_channel",
        )
        .await;
    assert_eq!(body["errors"][0]["user"], "U0000000003");
    for (args, code) in [
        (json!({"channel": id, "users": "U0NOPE"}), "user_not_found"),
        (
            json!({"channel": id, "users": "U0000000002"}),
            "cant_invite_self",
        ),
    ] {
        slack.bot_err("conversations.invite", args, code).await;
    }

    slack
        .bot_ok(
            "conversations.kick",
            json!({"channel": id, "user": "U0000000004"}),
        )
        .await;
    for (token, args, code) in [
        (
            slack.bot_token(),
            json!({"channel": id, "user": "U0000000004"}),
            "not_in_channel",
        ),
        (
            slack.bot_token(),
            json!({"channel": id, "user": "U0000000002"}),
            "cant_kick_self",
        ),
        (
            slack.user_token(),
            json!({"channel": "C0000000001", "user": "U0000000004"}),
            "cant_kick_from_general",
        ),
    ] {
        slack.err(token, "conversations.kick", args, code).await;
    }

    let joined = slack
        .bot_ok("conversations.join", json!({"channel": "C0000000002"}))
        .await;
    assert!(joined.get("warning").is_none());
    let again = slack
        .bot_ok("conversations.join", json!({"channel": "C0000000002"}))
        .await;
    assert_eq!(again["warning"], "already_in_channel");
    assert_eq!(
        again["response_metadata"]["warnings"],
        json!(["already_in_channel"])
    );

    slack
        .bot_ok("conversations.leave", json!({"channel": "C0000000002"}))
        .await;
    let not_in = slack
        .bot_ok("conversations.leave", json!({"channel": "C0000000002"}))
        .await;
    assert_eq!(not_in["not_in_channel"], true);
    slack
        .bot_err(
            "conversations.leave",
            json!({"channel": "C0000000001"}),
            "cant_leave_general",
        )
        .await;

    let private = slack
        .user_ok(
            "conversations.create",
            json!({"name": "secret", "is_private": true}),
        )
        .await;
    assert_eq!(private["channel"]["is_private"], true);
    let private_id = private["channel"]["id"].as_str().unwrap();
    for method in ["conversations.info", "conversations.join"] {
        let args = json!({"channel": private_id});
        slack.bot_err(method, args, "channel_not_found").await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn archive_rename_topic_purpose(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = slack.create(slack.user_token(), "launch").await;
    let renamed = slack
        .user_ok(
            "conversations.rename",
            json!({"channel": id, "name": "launch-2"}),
        )
        .await;
    assert_eq!(renamed["channel"]["name"], "launch-2");
    assert_eq!(renamed["channel"]["previous_names"], json!(["launch"]));
    slack
        .user_err(
            "conversations.rename",
            json!({"channel": id, "name": "general"}),
            "name_taken",
        )
        .await;

    for (method, field, value) in [
        ("conversations.setTopic", "topic", "Ship it"),
        ("conversations.setPurpose", "purpose", "Launch planning"),
    ] {
        let set = slack
            .user_ok(method, json!({"channel": id, field: value}))
            .await;
        assert_eq!(set["channel"][field]["value"], value, "{method}");
        assert_eq!(set["channel"][field]["creator"], "U0000000001", "{method}");
    }
    for (token, args, code) in [
        (
            slack.user_token(),
            json!({"channel": id, "topic": "x".repeat(251)}),
            "too_long",
        ),
        (
            slack.bot_token(),
            json!({"channel": "C0000000002", "topic": "x"}),
            "not_in_channel",
        ),
    ] {
        slack.err(token, "conversations.setTopic", args, code).await;
    }

    slack
        .user_ok("conversations.archive", json!({"channel": id}))
        .await;
    for (token, method, args, code) in [
        (
            slack.user_token(),
            "conversations.archive",
            json!({"channel": id}),
            "already_archived",
        ),
        (
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": id, "text": "x"}),
            "is_archived",
        ),
        (
            slack.user_token(),
            "chat.postMessage",
            json!({"channel": id, "text": "x"}),
            "is_archived",
        ),
        (
            slack.user_token(),
            "conversations.archive",
            json!({"channel": "C0000000001"}),
            "cant_archive_general",
        ),
    ] {
        slack.err(token, method, args, code).await;
    }
    slack
        .user_ok_then_err(
            "conversations.unarchive",
            json!({"channel": id}),
            "not_archived",
        )
        .await;
}

#[asym::clone("slack", seed = "acme-corp")]
async fn members_open_mark_and_user_conversations(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let page = slack
        .bot_ok(
            "conversations.members",
            json!({"channel": "C0000000001", "limit": 5}),
        )
        .await;
    assert_eq!(page["members"].as_array().unwrap().len(), 5);
    let cursor = page["response_metadata"]["next_cursor"].as_str().unwrap();
    let rest = slack
        .bot_ok(
            "conversations.members",
            json!({"channel": "C0000000001", "limit": 5, "cursor": cursor}),
        )
        .await;
    assert_eq!(rest["members"].as_array().unwrap().len(), 3);
    assert_eq!(rest["response_metadata"]["next_cursor"], "");

    let dm_id = slack.open("U0000000003").await;
    assert!(dm_id.starts_with('D'));
    let again = slack
        .bot_ok(
            "conversations.open",
            json!({"users": "U0000000003", "return_im": true}),
        )
        .await;
    assert_eq!(again["channel"]["id"], dm_id.as_str());
    assert_eq!(again["already_open"], true);
    assert_eq!(again["channel"]["user"], "U0000000003");
    let group = slack
        .bot_ok(
            "conversations.open",
            json!({"users": "U0000000003,U0000000004"}),
        )
        .await;
    assert_prefix(&group["channel"]["id"], "G");
    assert_eq!(group["channel"]["is_mpim"], true);
    for (args, code) in [
        (json!({}), "users_list_not_supplied"),
        (json!({"users": "U0NOPE"}), "user_not_found"),
    ] {
        slack.bot_err("conversations.open", args, code).await;
    }
    slack.post(slack.bot_token(), &dm_id, "hi alice").await;

    slack
        .bot_ok(
            "conversations.mark",
            json!({"channel": "C0000000003", "ts": "1700002000.000100"}),
        )
        .await;
    let info = slack
        .bot_ok("conversations.info", json!({"channel": "C0000000003"}))
        .await;
    assert_eq!(info["channel"]["last_read"], "1700002000.000100");
    slack
        .bot_err(
            "conversations.mark",
            json!({"channel": "C0000000003", "ts": "x"}),
            "invalid_timestamp",
        )
        .await;

    let mine = slack
        .bot_ok("users.conversations", json!({"types": "public_channel,im"}))
        .await;
    let mine = pluck(&mine["channels"], "id");
    assert!(mine.contains(&"C0000000003".to_owned()) && mine.contains(&dm_id));
    assert!(!mine.contains(&"C0000000002".to_owned()));
    let alices = slack
        .user_ok(
            "users.conversations",
            json!({"user": "U0000000003", "types": "public_channel,private_channel"}),
        )
        .await;
    assert_eq!(
        pluck(&alices["channels"], "id"),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000004"]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn closing_a_dm_until_it_is_opened_again(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let dm = slack.open("U0000000004").await;
    let close = json!({"channel": dm});
    let closed = slack.bot_ok("conversations.close", close.clone()).await;
    assert!(closed.get("no_op").is_none(), "{closed}");
    let again = slack.bot_ok("conversations.close", close.clone()).await;
    assert_eq!(
        (&again["no_op"], &again["already_closed"]),
        (&json!(true), &json!(true))
    );
    let open = json!({"users": "U0000000004"});
    let reopened = slack.bot_ok("conversations.open", open.clone()).await;
    assert_eq!(reopened["channel"]["id"], dm.as_str());
    assert!(reopened.get("already_open").is_none(), "{reopened}");
    let still = slack.bot_ok("conversations.open", open).await;
    assert_eq!(still["already_open"], true);
    for (args, code) in [
        (
            json!({"channel": "C0000000001"}),
            "method_not_supported_for_channel_type",
        ),
        (json!({"channel": "D0NOPE"}), "channel_not_found"),
    ] {
        slack.bot_err("conversations.close", args, code).await;
    }
}
