//! `chat.*`: posting, threads, edits, deletes, ephemeral, permalinks, scheduling.

use serde_json::{Value, json};

use crate::common::{call, err, form, ok, texts};

#[asym::clone("slack", seed = "basic")]
async fn posts_and_reads_back(slack: asym::Slack) {
    let body = ok(call(
        &slack,
        slack.bot_token(),
        "chat.postMessage",
        json!({
            "channel": "#general",
            "text": "*deploy* done",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*deploy* done"}}],
            "attachments": [{"text": "details", "color": "#36a64f"}],
            "unfurl_links": false,
            "mrkdwn": true,
        }),
    )
    .await);
    assert_eq!(body["channel"], "C0000000001");
    let message = &body["message"];
    assert_eq!(message["bot_id"], "B0000000001");
    assert_eq!(message["blocks"][0]["block_id"].as_str().unwrap().len(), 5);
    assert_eq!(message["attachments"][0]["color"], "#36a64f");
    assert_eq!(
        texts(&slack, "C0000000001").await.last().unwrap(),
        "*deploy* done"
    );

    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0000000001"}),
        )
        .await,
        "no_text",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0000000002", "text": "x"}),
        )
        .await,
        "not_in_channel",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0NOPE", "text": "x"}),
        )
        .await,
        "channel_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"text": "x"}),
        )
        .await,
        "invalid_arguments",
    );
    let long = "a".repeat(40_001);
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": long}),
        )
        .await,
        "msg_too_long",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            json!({"channel": "C0000000001", "blocks": "[oops"}),
        )
        .await,
        "invalid_blocks_format",
    );
}

#[asym::clone("slack", seed = "basic")]
async fn ts_strictly_increases_per_channel(slack: asym::Slack) {
    let mut last = String::new();
    for i in 0..20 {
        let body = ok(form(
            &slack,
            slack.bot_token(),
            "chat.postMessage",
            &[("channel", "C0000000001"), ("text", &i.to_string())],
        )
        .await);
        let ts = body["ts"].as_str().unwrap().to_owned();
        assert!(
            ts.parse::<f64>().unwrap() > last.parse::<f64>().unwrap_or(0.0),
            "{ts} after {last}"
        );
        last = ts;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn threads_and_broadcasts(slack: asym::Slack) {
    let parent = ok(call(
        &slack,
        slack.bot_token(),
        "chat.postMessage",
        json!({"channel": "C0000000001", "text": "parent"}),
    )
    .await);
    let parent_ts = parent["ts"].as_str().unwrap();
    let reply = ok(call(
        &slack,
        slack.bot_token(),
        "chat.postMessage",
        json!({"channel": "C0000000001", "text": "reply", "thread_ts": parent_ts}),
    )
    .await);
    assert_eq!(reply["message"]["thread_ts"], parent_ts);
    assert_eq!(reply["message"]["parent_user_id"], "U0000000002");
    ok(call(&slack, slack.bot_token(), "chat.postMessage", json!({"channel": "C0000000001", "text": "loud", "thread_ts": parent_ts, "reply_broadcast": true})).await);
    let history = texts(&slack, "C0000000001").await;
    assert!(
        history.contains(&"loud".to_owned()) && !history.contains(&"reply".to_owned()),
        "{history:?}"
    );
    let replies = ok(call(
        &slack,
        slack.user_token(),
        "conversations.replies",
        json!({"channel": "C0000000001", "ts": parent_ts}),
    )
    .await);
    let messages = replies["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0]["reply_count"], 2);
    assert_eq!(messages[1]["text"], "reply");
    assert_eq!(messages[2]["subtype"], "thread_broadcast");
}

#[asym::clone("slack", seed = "basic")]
async fn updates_and_deletes_own_messages_only(slack: asym::Slack) {
    let posted = ok(call(
        &slack,
        slack.bot_token(),
        "chat.postMessage",
        json!({"channel": "C0000000001", "text": "v1", "attachments": [{"text": "kept"}]}),
    )
    .await);
    let ts = posted["ts"].as_str().unwrap();
    let updated = ok(call(
        &slack,
        slack.bot_token(),
        "chat.update",
        json!({"channel": "C0000000001", "ts": ts, "text": "v2"}),
    )
    .await);
    assert_eq!(updated["text"], "v2");
    assert_eq!(updated["message"]["edited"]["user"], "U0000000002");
    assert_eq!(updated["message"]["attachments"][0]["text"], "kept");
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.update",
            json!({"channel": "C0000000001", "ts": "1700000100.000100", "text": "x"}),
        )
        .await,
        "cant_update_message",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.update",
            json!({"channel": "C0000000001", "ts": "1.000001", "text": "x"}),
        )
        .await,
        "message_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.delete",
            json!({"channel": "C0000000001", "ts": "1700000100.000100"}),
        )
        .await,
        "cant_delete_message",
    );

    let deleted = ok(call(
        &slack,
        slack.bot_token(),
        "chat.delete",
        json!({"channel": "C0000000001", "ts": ts}),
    )
    .await);
    assert_eq!(deleted["ts"], ts);
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.delete",
            json!({"channel": "C0000000001", "ts": ts}),
        )
        .await,
        "message_not_found",
    );
    // The workspace admin may delete anyone's; a thread parent becomes a tombstone.
    ok(call(
        &slack,
        slack.user_token(),
        "chat.delete",
        json!({"channel": "C0000000001", "ts": "1700000200.000200"}),
    )
    .await);
    let replies = ok(call(
        &slack,
        slack.user_token(),
        "conversations.replies",
        json!({"channel": "C0000000001", "ts": "1700000200.000200"}),
    )
    .await);
    assert_eq!(replies["messages"][0]["subtype"], "tombstone");
    assert_eq!(replies["messages"][1]["text"], "On my way.");
}

#[asym::clone("slack", seed = "basic")]
async fn ephemeral_messages_and_permalinks(slack: asym::Slack) {
    let body = ok(call(
        &slack,
        slack.bot_token(),
        "chat.postEphemeral",
        json!({"channel": "C0000000001", "user": "U0000000003", "text": "psst"}),
    )
    .await);
    assert!(body["message_ts"].is_string());
    assert!(
        !texts(&slack, "C0000000001")
            .await
            .contains(&"psst".to_owned())
    );
    let rows = slack
        .query("select text from ephemeral_messages")
        .await
        .unwrap();
    assert_eq!(rows[0].get::<_, String>(0), "psst");
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postEphemeral",
            json!({"channel": "C0000000001", "user": "USLACKBOT", "text": "x"}),
        )
        .await,
        "user_not_in_channel",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.postEphemeral",
            json!({"channel": "C0000000001", "user": "U0NOPE", "text": "x"}),
        )
        .await,
        "user_not_found",
    );

    let link = ok(call(
        &slack,
        slack.bot_token(),
        "chat.getPermalink",
        json!({"channel": "C0000000001", "message_ts": "1700000250.000100"}),
    )
    .await);
    let permalink = link["permalink"].as_str().unwrap();
    assert!(
        permalink.contains("/archives/C0000000001/p1700000250000100?thread_ts=1700000200.000200"),
        "{permalink}"
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.getPermalink",
            json!({"channel": "C0000000001", "message_ts": "1.000001"}),
        )
        .await,
        "message_not_found",
    );
}

#[asym::clone("slack", seed = "basic")]
async fn scheduled_messages_post_when_due(slack: asym::Slack) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let later = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduleMessage",
        json!({"channel": "C0000000001", "text": "tomorrow", "post_at": now + 86_400}),
    )
    .await);
    let id = later["scheduled_message_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('Q'));
    assert_eq!(later["message"]["type"], "delayed_message");
    let soon = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduleMessage",
        json!({"channel": "C0000000001", "text": "soon", "post_at": now + 1}),
    )
    .await);
    let list = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduledMessages.list",
        json!({}),
    )
    .await);
    assert_eq!(list["scheduled_messages"].as_array().unwrap().len(), 2);
    assert_eq!(list["response_metadata"]["next_cursor"], "");
    let page = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduledMessages.list",
        json!({"limit": 1}),
    )
    .await);
    assert_eq!(
        page["scheduled_messages"][0]["id"],
        soon["scheduled_message_id"]
    );
    let cursor = page["response_metadata"]["next_cursor"].as_str().unwrap();
    let page = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduledMessages.list",
        json!({"limit": 1, "cursor": cursor}),
    )
    .await);
    assert_eq!(page["scheduled_messages"][0]["id"], id.as_str());

    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.scheduleMessage",
            json!({"channel": "C0000000001", "text": "x", "post_at": now - 60}),
        )
        .await,
        "time_in_past",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.scheduleMessage",
            json!({"channel": "C0000000001", "text": "x", "post_at": now + 200 * 86_400}),
        )
        .await,
        "time_too_far",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.scheduleMessage",
            json!({"channel": "C0000000001", "text": "x", "post_at": "soon"}),
        )
        .await,
        "invalid_time",
    );

    ok(call(
        &slack,
        slack.bot_token(),
        "chat.deleteScheduledMessage",
        json!({"channel": "C0000000001", "scheduled_message_id": id}),
    )
    .await);
    err(
        call(
            &slack,
            slack.bot_token(),
            "chat.deleteScheduledMessage",
            json!({"channel": "C0000000001", "scheduled_message_id": id}),
        )
        .await,
        "invalid_scheduled_message_id",
    );

    let mut posted = false;
    for _ in 0..40 {
        if texts(&slack, "C0000000001")
            .await
            .contains(&"soon".to_owned())
        {
            posted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(posted, "the scheduled message was posted when due");
    let list = ok(call(
        &slack,
        slack.bot_token(),
        "chat.scheduledMessages.list",
        json!({}),
    )
    .await);
    assert_eq!(list["scheduled_messages"], Value::Array(vec![]));
}
