//! `conversations.*` and `users.conversations`.

use serde_json::{Value, json};

use crate::common::{call, err, mint, ok};

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[asym::clone("slack", seed = "acme-corp")]
async fn list_filters_types_and_pages(slack: asym::Slack) {
    let body = ok(call(&slack, slack.user_token(), "conversations.list", json!({})).await);
    assert_eq!(
        ids(&body["channels"]),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000005"]
    );
    assert_eq!(body["response_metadata"]["next_cursor"], "");
    let body = ok(call(
        &slack,
        slack.user_token(),
        "conversations.list",
        json!({"types": "public_channel,private_channel", "exclude_archived": true}),
    )
    .await);
    assert_eq!(
        ids(&body["channels"]),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000004"]
    );
    // The bot does not see the private channel it is not in.
    let body = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.list",
        json!({"types": "private_channel"}),
    )
    .await);
    assert_eq!(ids(&body["channels"]), Vec::<String>::new());

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let body = ok(call(
            &slack,
            slack.user_token(),
            "conversations.list",
            json!({"limit": 2, "cursor": cursor}),
        )
        .await);
        seen.extend(ids(&body["channels"]));
        cursor = body["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 4);
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.list",
            json!({"cursor": "bm9wZQ=="}),
        )
        .await,
        "invalid_cursor",
    );
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.list",
            json!({"types": "dm"}),
        )
        .await,
        "invalid_types",
    );
}

#[asym::clone("slack", seed = "acme-corp")]
async fn info_and_history_windows(slack: asym::Slack) {
    let info = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.info",
        json!({"channel": "C0000000003", "include_num_members": true}),
    )
    .await);
    assert_eq!(info["channel"]["name"], "engineering");
    assert_eq!(info["channel"]["num_members"], 4);
    assert_eq!(info["channel"]["is_member"], true);
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.info",
            json!({"channel": "C0000000004"}),
        )
        .await,
        "channel_not_found",
    );
    let dm = ok(call(
        &slack,
        &mint(&slack, "user", Some("U0000000003"), None).await,
        "conversations.info",
        json!({"channel": "D0000000001"}),
    )
    .await);
    assert_eq!(dm["channel"]["is_im"], true);
    assert_eq!(dm["channel"]["user"], "U0000000004");

    let history = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.history",
        json!({"channel": "C0000000003"}),
    )
    .await);
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "top-level only");
    assert_eq!(messages[0]["pinned_to"], json!(["C0000000003"]));
    assert_eq!(messages[0]["files"][0]["id"], "F0000000001");
    assert_eq!(messages[1]["reply_count"], 2);
    assert_eq!(messages[1]["reactions"][0]["name"], "rocket");
    assert_eq!(history["pin_count"], 1);
    let window = ok(call(&slack, slack.bot_token(), "conversations.history", json!({"channel": "C0000000003", "oldest": "1700001000.000100", "inclusive": true, "limit": 1})).await);
    assert_eq!(window["messages"][0]["ts"], "1700001000.000100");
    assert_eq!(window["has_more"], true);
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.history",
            json!({"channel": "C0000000002"}),
        )
        .await,
        "not_in_channel",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.history",
            json!({"channel": "C0000000003", "latest": "nope"}),
        )
        .await,
        "invalid_ts_latest",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.replies",
            json!({"channel": "C0000000003", "ts": "1.000001"}),
        )
        .await,
        "thread_not_found",
    );
    let replies = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.replies",
        json!({"channel": "C0000000003", "ts": "1700001060.000100", "limit": 1}),
    )
    .await);
    assert_eq!(
        replies["messages"][0]["ts"], "1700001000.000100",
        "the parent leads"
    );
    let cursor = replies["response_metadata"]["next_cursor"]
        .as_str()
        .unwrap();
    assert!(!cursor.is_empty());
    let next = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.replies",
        json!({"channel": "C0000000003", "ts": "1700001000.000100", "limit": 1, "cursor": cursor}),
    )
    .await);
    assert_eq!(next["messages"][0]["ts"], "1700001060.000100");
}

#[asym::clone("slack", seed = "basic")]
async fn create_join_invite_kick_leave(slack: asym::Slack) {
    let created = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.create",
        json!({"name": "incidents"}),
    )
    .await);
    let id = created["channel"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('C'));
    assert_eq!(created["channel"]["is_member"], true);
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.create",
            json!({"name": "incidents"}),
        )
        .await,
        "name_taken",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.create",
            json!({"name": "Bad Name"}),
        )
        .await,
        "invalid_name_specials",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.create",
            json!({"name": ""}),
        )
        .await,
        "invalid_name_required",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.create",
            json!({"name": "x".repeat(81)}),
        )
        .await,
        "invalid_name_maxlength",
    );

    let invited = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.invite",
        json!({"channel": id, "users": "U0000000003,U0000000004"}),
    )
    .await);
    assert_eq!(invited["channel"]["num_members"], 3);
    let body = err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.invite",
            json!({"channel": id, "users": "U0000000003"}),
        )
        .await,
        "already_in_channel",
    );
    assert_eq!(body["errors"][0]["user"], "U0000000003");
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.invite",
            json!({"channel": id, "users": "U0NOPE"}),
        )
        .await,
        "user_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.invite",
            json!({"channel": id, "users": "U0000000002"}),
        )
        .await,
        "cant_invite_self",
    );

    ok(call(
        &slack,
        slack.bot_token(),
        "conversations.kick",
        json!({"channel": id, "user": "U0000000004"}),
    )
    .await);
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.kick",
            json!({"channel": id, "user": "U0000000004"}),
        )
        .await,
        "not_in_channel",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.kick",
            json!({"channel": id, "user": "U0000000002"}),
        )
        .await,
        "cant_kick_self",
    );
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.kick",
            json!({"channel": "C0000000001", "user": "U0000000004"}),
        )
        .await,
        "cant_kick_from_general",
    );

    let joined = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.join",
        json!({"channel": "C0000000002"}),
    )
    .await);
    assert!(joined.get("warning").is_none());
    let again = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.join",
        json!({"channel": "C0000000002"}),
    )
    .await);
    assert_eq!(again["warning"], "already_in_channel");
    assert_eq!(
        again["response_metadata"]["warnings"],
        json!(["already_in_channel"])
    );

    ok(call(
        &slack,
        slack.bot_token(),
        "conversations.leave",
        json!({"channel": "C0000000002"}),
    )
    .await);
    let not_in = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.leave",
        json!({"channel": "C0000000002"}),
    )
    .await);
    assert_eq!(not_in["not_in_channel"], true);
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.leave",
            json!({"channel": "C0000000001"}),
        )
        .await,
        "cant_leave_general",
    );

    let private = ok(call(
        &slack,
        slack.user_token(),
        "conversations.create",
        json!({"name": "secret", "is_private": true}),
    )
    .await);
    assert_eq!(private["channel"]["is_private"], true);
    let private_id = private["channel"]["id"].as_str().unwrap();
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.info",
            json!({"channel": private_id}),
        )
        .await,
        "channel_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.join",
            json!({"channel": private_id}),
        )
        .await,
        "channel_not_found",
    );
}

#[asym::clone("slack", seed = "basic")]
async fn archive_rename_topic_purpose(slack: asym::Slack) {
    let id = ok(call(
        &slack,
        slack.user_token(),
        "conversations.create",
        json!({"name": "launch"}),
    )
    .await)["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let renamed = ok(call(
        &slack,
        slack.user_token(),
        "conversations.rename",
        json!({"channel": id, "name": "launch-2"}),
    )
    .await);
    assert_eq!(renamed["channel"]["name"], "launch-2");
    assert_eq!(renamed["channel"]["previous_names"], json!(["launch"]));
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.rename",
            json!({"channel": id, "name": "general"}),
        )
        .await,
        "name_taken",
    );

    let topic = ok(call(
        &slack,
        slack.user_token(),
        "conversations.setTopic",
        json!({"channel": id, "topic": "Ship it"}),
    )
    .await);
    assert_eq!(topic["channel"]["topic"]["value"], "Ship it");
    assert_eq!(topic["channel"]["topic"]["creator"], "U0000000001");
    let purpose = ok(call(
        &slack,
        slack.user_token(),
        "conversations.setPurpose",
        json!({"channel": id, "purpose": "Launch planning"}),
    )
    .await);
    assert_eq!(purpose["channel"]["purpose"]["value"], "Launch planning");
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.setTopic",
            json!({"channel": id, "topic": "x".repeat(251)}),
        )
        .await,
        "too_long",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.setTopic",
            json!({"channel": "C0000000002", "topic": "x"}),
        )
        .await,
        "not_in_channel",
    );

    ok(call(
        &slack,
        slack.user_token(),
        "conversations.archive",
        json!({"channel": id}),
    )
    .await);
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.archive",
            json!({"channel": id}),
        )
        .await,
        "already_archived",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": id, "text": "x"}),
        )
        .await,
        "is_archived",
    );
    err(
        call(
            &slack,
            slack.user_token(),
            "chat.postMessage",
            json!({"channel": id, "text": "x"}),
        )
        .await,
        "is_archived",
    );
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.archive",
            json!({"channel": "C0000000001"}),
        )
        .await,
        "cant_archive_general",
    );
    ok(call(
        &slack,
        slack.user_token(),
        "conversations.unarchive",
        json!({"channel": id}),
    )
    .await);
    err(
        call(
            &slack,
            slack.user_token(),
            "conversations.unarchive",
            json!({"channel": id}),
        )
        .await,
        "not_archived",
    );
}

#[asym::clone("slack", seed = "acme-corp")]
async fn members_open_mark_and_user_conversations(slack: asym::Slack) {
    let page = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.members",
        json!({"channel": "C0000000001", "limit": 5}),
    )
    .await);
    assert_eq!(page["members"].as_array().unwrap().len(), 5);
    let cursor = page["response_metadata"]["next_cursor"].as_str().unwrap();
    let rest = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.members",
        json!({"channel": "C0000000001", "limit": 5, "cursor": cursor}),
    )
    .await);
    assert_eq!(rest["members"].as_array().unwrap().len(), 3);
    assert_eq!(rest["response_metadata"]["next_cursor"], "");

    let dm = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.open",
        json!({"users": "U0000000003"}),
    )
    .await);
    let dm_id = dm["channel"]["id"].as_str().unwrap().to_owned();
    assert!(dm_id.starts_with('D'));
    let again = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.open",
        json!({"users": "U0000000003", "return_im": true}),
    )
    .await);
    assert_eq!(again["channel"]["id"], dm_id.as_str());
    assert_eq!(again["already_open"], true);
    assert_eq!(again["channel"]["user"], "U0000000003");
    let group = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.open",
        json!({"users": "U0000000003,U0000000004"}),
    )
    .await);
    assert!(group["channel"]["id"].as_str().unwrap().starts_with('G'));
    assert_eq!(group["channel"]["is_mpim"], true);
    err(
        call(&slack, slack.bot_token(), "conversations.open", json!({})).await,
        "users_list_not_supplied",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.open",
            json!({"users": "U0NOPE"}),
        )
        .await,
        "user_not_found",
    );
    ok(call(
        &slack,
        slack.bot_token(),
        "chat.postMessage",
        json!({"channel": dm_id, "text": "hi alice"}),
    )
    .await);

    ok(call(
        &slack,
        slack.bot_token(),
        "conversations.mark",
        json!({"channel": "C0000000003", "ts": "1700002000.000100"}),
    )
    .await);
    let info = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.info",
        json!({"channel": "C0000000003"}),
    )
    .await);
    assert_eq!(info["channel"]["last_read"], "1700002000.000100");
    err(
        call(
            &slack,
            slack.bot_token(),
            "conversations.mark",
            json!({"channel": "C0000000003", "ts": "x"}),
        )
        .await,
        "invalid_timestamp",
    );

    let mine = ok(call(
        &slack,
        slack.bot_token(),
        "users.conversations",
        json!({"types": "public_channel,im"}),
    )
    .await);
    let mine = ids(&mine["channels"]);
    assert!(mine.contains(&"C0000000003".to_owned()) && mine.contains(&dm_id));
    assert!(!mine.contains(&"C0000000002".to_owned()));
    let alices = ok(call(
        &slack,
        slack.user_token(),
        "users.conversations",
        json!({"user": "U0000000003", "types": "public_channel,private_channel"}),
    )
    .await);
    assert_eq!(
        ids(&alices["channels"]),
        ["C0000000001", "C0000000002", "C0000000003", "C0000000004"]
    );
}
