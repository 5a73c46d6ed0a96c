//! `chat.*`: posting, threads, edits, deletes, ephemeral, permalinks, scheduling.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::common::{Api, now, ok};
use crate::events::{next_event, subscribe};

#[asym::clone("slack", seed = "basic")]
async fn posts_and_reads_back(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack.bot_ok("chat.postMessage", json!({"channel": "#general", "text": "*deploy* done", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*deploy* done"}}], "attachments": [{"text": "details", "color": "#36a64f"}], "unfurl_links": false, "mrkdwn": true})).await;
    assert_eq!(body["channel"], "C0000000001");
    let message = &body["message"];
    assert_eq!(message["bot_id"], "B0000000001");
    let profile = &message["bot_profile"];
    assert_eq!(profile["user_id"], "U0000000002");
    assert!(profile["icons"]["image_48"].is_string(), "{profile}");
    assert_eq!(message["blocks"][0]["block_id"].as_str().unwrap().len(), 5);
    assert_eq!(message["attachments"][0]["color"], "#36a64f");
    assert_eq!(
        slack.texts("C0000000001").await.last().unwrap(),
        "*deploy* done"
    );

    // Refused alike by chat.meMessage.
    for method in ["chat.postMessage", "chat.meMessage"] {
        for (args, code) in [
            (json!({"channel": "C0000000001"}), "no_text"),
            (
                json!({"channel": "C0000000002", "text": "x"}),
                "not_in_channel",
            ),
        ] {
            slack.bot_err(method, args, code).await;
        }
    }
    for (args, code) in [
        (
            json!({"channel": "C0NOPE", "text": "x"}),
            "channel_not_found",
        ),
        (json!({"text": "x"}), "invalid_arguments"),
        (
            json!({"channel": "C0000000001", "text": "a".repeat(40_001)}),
            "msg_too_long",
        ),
        (
            json!({"channel": "C0000000001", "blocks": "[oops"}),
            "invalid_blocks_format",
        ),
    ] {
        slack.bot_err("chat.postMessage", args, code).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn posts_store_only_what_the_caller_may_post(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let reader = slack.mint("bot", None, Some(&["channels:read"])).await;
    for (token, args, code) in [
        (
            slack.bot_token(),
            json!({"channel": "C0000000002", "text": "refused: not a member"}),
            "not_in_channel",
        ),
        (
            reader.as_str(),
            json!({"channel": "C0000000001", "text": "refused: no chat:write"}),
            "missing_scope",
        ),
        (
            slack.bot_token(),
            json!({"channel": "C0000000001", "text": "refused: bad thread", "thread_ts": "x"}),
            "invalid_thread_ts",
        ),
    ] {
        slack.err(token, "chat.postMessage", args, code).await;
    }
    for channel in ["C0000000001", "C0000000002"] {
        let texts = slack.texts(channel).await;
        assert!(
            !texts.iter().any(|text| text.starts_with("refused")),
            "{channel}: {texts:?}"
        );
    }
    // Authorship overrides apply to bot posts only.
    let mine = json!({"channel": "C0000000001", "text": "by hand", "username": "someone else", "icon_emoji": ":ghost:"});
    let posted = slack.user_ok("chat.postMessage", mine.clone()).await;
    assert_eq!(posted["message"]["user"], "U0000000001");
    assert!(posted["message"].get("username").is_none(), "{posted}");
    assert!(posted["message"].get("icons").is_none(), "{posted}");
    let posted = slack.bot_ok("chat.postMessage", mine).await;
    assert_eq!(posted["message"]["username"], "someone else");
    assert_eq!(posted["message"]["icons"]["emoji"], ":ghost:");
}

#[asym::clone("slack", seed = "basic")]
async fn ts_strictly_increases_per_channel(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let mut last = String::new();
    for i in 0..20 {
        let body = ok(slack
            .form(
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
    let slack = Api::new(&slack);
    let parent = slack.post(slack.bot_token(), "C0000000001", "parent").await;
    let parent_ts = parent["ts"].as_str().unwrap();
    let reply = slack
        .bot_ok(
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "reply", "thread_ts": parent_ts}),
        )
        .await;
    assert_eq!(reply["message"]["thread_ts"], parent_ts);
    assert_eq!(reply["message"]["parent_user_id"], "U0000000002");
    slack.bot_ok("chat.postMessage", json!({"channel": "C0000000001", "text": "loud", "thread_ts": parent_ts, "reply_broadcast": true})).await;
    let history = slack.texts("C0000000001").await;
    assert!(
        history.contains(&"loud".to_owned()) && !history.contains(&"reply".to_owned()),
        "{history:?}"
    );
    let replies = slack
        .user_ok(
            "conversations.replies",
            json!({"channel": "C0000000001", "ts": parent_ts}),
        )
        .await;
    let messages = replies["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0]["reply_count"], 2);
    assert_eq!(messages[1]["text"], "reply");
    assert_eq!(messages[2]["subtype"], "thread_broadcast");
}

#[asym::clone("slack", seed = "basic")]
async fn updates_and_deletes_own_messages_only(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let posted = slack
        .bot_ok(
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "v1", "attachments": [{"text": "kept"}]}),
        )
        .await;
    let ts = posted["ts"].as_str().unwrap();
    let updated = slack
        .bot_ok(
            "chat.update",
            json!({"channel": "C0000000001", "ts": ts, "text": "v2"}),
        )
        .await;
    assert_eq!(updated["text"], "v2");
    assert_eq!(updated["message"]["edited"]["user"], "U0000000002");
    assert_eq!(updated["message"]["attachments"][0]["text"], "kept");
    for (method, args, code) in [
        (
            "chat.update",
            json!({"channel": "C0000000001", "ts": "1700000100.000100", "text": "x"}),
            "cant_update_message",
        ),
        (
            "chat.update",
            json!({"channel": "C0000000001", "ts": "1.000001", "text": "x"}),
            "message_not_found",
        ),
        (
            "chat.delete",
            json!({"channel": "C0000000001", "ts": "1700000100.000100"}),
            "cant_delete_message",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }

    let deleted = slack
        .bot_ok_then_err(
            "chat.delete",
            json!({"channel": "C0000000001", "ts": ts}),
            "message_not_found",
        )
        .await;
    assert_eq!(deleted["ts"], ts);
    // The workspace admin may delete anyone's; a thread parent becomes a tombstone.
    slack
        .user_ok(
            "chat.delete",
            json!({"channel": "C0000000001", "ts": "1700000200.000200"}),
        )
        .await;
    let replies = slack
        .user_ok(
            "conversations.replies",
            json!({"channel": "C0000000001", "ts": "1700000200.000200"}),
        )
        .await;
    assert_eq!(replies["messages"][0]["subtype"], "tombstone");
    assert_eq!(replies["messages"][1]["text"], "On my way.");
}

#[asym::clone("slack", seed = "basic")]
async fn ephemeral_messages_and_permalinks(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack
        .bot_ok(
            "chat.postEphemeral",
            json!({"channel": "C0000000001", "user": "U0000000003", "text": "psst"}),
        )
        .await;
    assert!(body["message_ts"].is_string());
    assert!(
        !slack
            .texts("C0000000001")
            .await
            .contains(&"psst".to_owned())
    );
    let rows = slack
        .query("select text from ephemeral_messages")
        .await
        .unwrap();
    assert_eq!(rows[0].get::<_, String>(0), "psst");
    for (args, code) in [
        (
            json!({"channel": "C0000000001", "user": "USLACKBOT", "text": "x"}),
            "user_not_in_channel",
        ),
        (
            json!({"channel": "C0000000001", "user": "U0NOPE", "text": "x"}),
            "user_not_found",
        ),
    ] {
        slack.bot_err("chat.postEphemeral", args, code).await;
    }

    let link = slack
        .bot_ok(
            "chat.getPermalink",
            json!({"channel": "C0000000001", "message_ts": "1700000250.000100"}),
        )
        .await;
    let permalink = link["permalink"].as_str().unwrap();
    assert!(
        permalink.contains("/archives/C0000000001/p1700000250000100?thread_ts=1700000200.000200"),
        "{permalink}"
    );
    slack
        .bot_err(
            "chat.getPermalink",
            json!({"channel": "C0000000001", "message_ts": "1.000001"}),
            "message_not_found",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn scheduled_messages_post_when_due(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["message.channels"])).await;
    let now = now();
    let later = slack
        .bot_ok(
            "chat.scheduleMessage",
            json!({"channel": "C0000000001", "text": "tomorrow", "post_at": now + 86_400}),
        )
        .await;
    let id = later["scheduled_message_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('Q'));
    assert_eq!(later["message"]["type"], "delayed_message");
    let soon = slack
        .bot_ok(
            "chat.scheduleMessage",
            json!({"channel": "C0000000001", "text": "soon", "post_at": now + 1}),
        )
        .await;
    let list = slack.bot_ok("chat.scheduledMessages.list", json!({})).await;
    assert_eq!(list["scheduled_messages"].as_array().unwrap().len(), 2);
    assert_eq!(list["response_metadata"]["next_cursor"], "");
    let page = slack
        .bot_ok("chat.scheduledMessages.list", json!({"limit": 1}))
        .await;
    assert_eq!(
        page["scheduled_messages"][0]["id"],
        soon["scheduled_message_id"]
    );
    let cursor = page["response_metadata"]["next_cursor"].as_str().unwrap();
    let page = slack
        .bot_ok(
            "chat.scheduledMessages.list",
            json!({"limit": 1, "cursor": cursor}),
        )
        .await;
    assert_eq!(page["scheduled_messages"][0]["id"], id.as_str());

    for (args, code) in [
        (
            json!({"channel": "C0000000001", "text": "x", "post_at": now - 60}),
            "time_in_past",
        ),
        (
            json!({"channel": "C0000000001", "text": "x", "post_at": now + 200 * 86_400}),
            "time_too_far",
        ),
        (
            json!({"channel": "C0000000001", "text": "x", "post_at": "soon"}),
            "invalid_time",
        ),
    ] {
        slack.bot_err("chat.scheduleMessage", args, code).await;
    }

    slack
        .bot_ok_then_err(
            "chat.deleteScheduledMessage",
            json!({"channel": "C0000000001", "scheduled_message_id": id}),
            "invalid_scheduled_message_id",
        )
        .await;

    // The worker posts it once due: its message event is the first the app receives.
    let posted = next_event(&receiver).await;
    assert_eq!(posted["text"], "soon");
    assert_eq!(posted["channel"], "C0000000001");
    let ts = posted["ts"].as_str().unwrap();
    let seconds: i64 = ts.split('.').next().unwrap().parse().unwrap();
    assert!(seconds > now, "posted at {ts}, due at {}", now + 1);
    assert!(
        slack
            .texts("C0000000001")
            .await
            .contains(&"soon".to_owned())
    );
    let list = slack.bot_ok("chat.scheduledMessages.list", json!({})).await;
    assert_eq!(list["scheduled_messages"], Value::Array(vec![]));
}

#[asym::clone("slack", seed = "basic")]
async fn posting_to_a_user_id_lands_in_the_dm(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let first = slack
        .post(slack.bot_token(), "U0000000003", "hello alice")
        .await;
    let dm = first["channel"].as_str().unwrap().to_owned();
    assert!(dm.starts_with('D'), "{first}");
    let again = slack.post(slack.bot_token(), "U0000000003", "again").await;
    assert_eq!(again["channel"], dm.as_str());
    assert_eq!(slack.open("U0000000003").await, dm, "conversations.open");
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let history = slack
        .ok(&alice, "conversations.history", json!({"channel": dm}))
        .await;
    assert_eq!(
        pluck(&history["messages"], "text"),
        ["again", "hello alice"]
    );
    let args = json!({"channel": "U0NOPE", "text": "x"});
    slack
        .bot_err("chat.postMessage", args, "channel_not_found")
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn me_messages_carry_their_subtype(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack
        .bot_ok(
            "chat.meMessage",
            json!({"channel": "C0000000001", "text": "waves"}),
        )
        .await;
    assert_eq!(body["channel"], "C0000000001");
    let newest = &slack.history("C0000000001").await[0];
    assert_eq!(newest["ts"], body["ts"]);
    assert_eq!(newest["subtype"], "me_message");
    assert_eq!(newest["text"], "waves");
}

#[asym::clone("slack", seed = "basic")]
async fn malformed_blocks_are_refused_with_their_place(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let section = json!([{"type": "section"}]);
    let args = json!({"channel": "C0000000001", "text": "x", "blocks": section});
    let body = slack
        .bot_err("chat.postMessage", args, "invalid_blocks")
        .await;
    assert_eq!(
        body["errors"],
        json!(["must provide either text or fields [json-pointer:/blocks/0]"])
    );
    assert_eq!(
        body["response_metadata"]["messages"],
        json!(["[ERROR] must provide either text or fields [json-pointer:/blocks/0]"])
    );
    let posted = slack.post(slack.bot_token(), "C0000000001", "fine").await;
    let ts = posted["ts"].as_str().unwrap();
    // An input block is taken in a message, but not without its label.
    let input = json!([{"type": "input", "element": {"type": "plain_text_input"},
                        "label": {"type": "plain_text", "text": "Feedback"}}]);
    slack
        .bot_ok(
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "form", "blocks": input}),
        )
        .await;
    let input = json!([{"type": "input", "element": {"type": "plain_text_input"}}]);
    let header = json!([{"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}}]);
    for (method, args) in [
        (
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "x", "blocks": input}),
        ),
        (
            "chat.update",
            json!({"channel": "C0000000001", "ts": ts, "blocks": header}),
        ),
        (
            "chat.postEphemeral",
            json!({"channel": "C0000000001", "user": "U0000000003", "blocks": [{"type": "context", "elements": []}]}),
        ),
    ] {
        slack.bot_err(method, args, "invalid_blocks").await;
    }
    assert_eq!(slack.texts("C0000000001").await.last().unwrap(), "form");
}

#[asym::clone("slack", seed = "acme-corp")]
async fn link_names_links_special_mentions_and_user_groups(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let text = "@here deploy failed, @oncall please look (ops@acme.test)";
    let plain = slack.post(slack.bot_token(), "C0000000001", text).await;
    assert_eq!(plain["message"]["text"], text);
    let args = json!({"channel": "C0000000001", "text": text, "link_names": true});
    let linked = slack.bot_ok("chat.postMessage", args).await;
    let expected = "<!here> deploy failed, <!subteam^S0000000001> please look (ops@acme.test)";
    assert_eq!(linked["message"]["text"], expected);
    assert_eq!(slack.texts("C0000000001").await.last().unwrap(), expected);
    let ts = linked["ts"].as_str().unwrap();
    let edit =
        json!({"channel": "C0000000001", "ts": ts, "text": "@channel fixed", "parse": "full"});
    let edited = slack.bot_ok("chat.update", edit).await;
    assert_eq!(edited["text"], "<!channel> fixed");
}

#[asym::clone("slack", seed = "basic")]
async fn markdown_text_posts_a_markdown_block(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let markdown = "## Summary\n**3** checks passed";
    let posted = slack
        .bot_ok(
            "chat.postMessage",
            json!({"channel": "C0000000001", "markdown_text": markdown}),
        )
        .await;
    let block = &posted["message"]["blocks"][0];
    assert_eq!(block["type"], "markdown");
    assert_eq!(block["text"], markdown);
    assert_eq!(block["block_id"].as_str().unwrap().len(), 5);
    assert_eq!(slack.texts("C0000000001").await.last().unwrap(), markdown);

    let ts = posted["ts"].as_str().unwrap();
    let updated = slack
        .bot_ok(
            "chat.update",
            json!({"channel": "C0000000001", "ts": ts, "markdown_text": "_edited_"}),
        )
        .await;
    assert_eq!(updated["message"]["blocks"][0]["text"], "_edited_");
    assert_eq!(updated["text"], "_edited_");

    // Scheduled and ephemeral messages take it too.
    let tomorrow = now() + 86_400;
    let later =
        json!({"channel": "C0000000001", "markdown_text": "**later**", "post_at": tomorrow});
    let scheduled = slack.bot_ok("chat.scheduleMessage", later).await;
    assert_eq!(scheduled["message"]["text"], "**later**");
    let list = slack.bot_ok("chat.scheduledMessages.list", json!({})).await;
    assert_eq!(list["scheduled_messages"][0]["text"], "**later**");
    let ephemeral =
        json!({"channel": "C0000000001", "user": "U0000000003", "markdown_text": "_psst_"});
    slack.bot_ok("chat.postEphemeral", ephemeral).await;
    let conflict = json!({"channel": "C0000000001", "user": "U0000000003", "text": "x", "markdown_text": "_x_"});
    slack
        .bot_err("chat.postEphemeral", conflict, "markdown_text_conflict")
        .await;

    let long = "a".repeat(12_001);
    for (args, code) in [
        (
            json!({"channel": "C0000000001", "markdown_text": "**x**", "text": "x"}),
            "markdown_text_conflict",
        ),
        (
            json!({"channel": "C0000000001", "markdown_text": "**x**", "blocks": [{"type": "divider"}]}),
            "markdown_text_conflict",
        ),
        (
            json!({"channel": "C0000000001", "markdown_text": long}),
            "msg_too_long",
        ),
    ] {
        slack.bot_err("chat.postMessage", args, code).await;
    }
}

/// A JSON body's `text` that is a number or a boolean is posted as written (as a form body
/// carries it, and as the Node SDK sends it); an array or an object is Slack's
/// `invalid_array_arg` on a post, a `/me` message and an edit, and nothing is stored.
#[asym::clone("slack", seed = "basic")]
async fn text_that_is_not_a_string(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let general = |more: Value| {
        let mut args = json!({ "channel": "C0000000001" });
        args.as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        args
    };
    let posted = slack
        .bot_ok("chat.postMessage", general(json!({ "text": 42 })))
        .await;
    assert_eq!(posted["message"]["text"], "42");
    let ts = posted["ts"].as_str().unwrap();
    for (text, written) in [
        (json!(1.5), "1.5"),
        (json!(true), "true"),
        (json!(-7), "-7"),
    ] {
        let updated = slack
            .bot_ok("chat.update", general(json!({ "ts": ts, "text": text })))
            .await;
        assert_eq!(updated["text"], written);
    }
    let before = slack.texts("C0000000001").await;
    for text in [json!({ "a": 1 }), json!(["hi"]), json!([])] {
        for method in ["chat.postMessage", "chat.meMessage"] {
            slack
                .bot_err(
                    method,
                    general(json!({ "text": text })),
                    "invalid_array_arg",
                )
                .await;
        }
        let edit = general(json!({ "ts": ts, "text": text }));
        slack
            .bot_err("chat.update", edit, "invalid_array_arg")
            .await;
    }
    assert_eq!(slack.texts("C0000000001").await, before);
    assert_eq!(before.last().map(String::as_str), Some("-7"));
}
