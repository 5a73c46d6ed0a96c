//! `chat.startStream`, `chat.appendStream`, `chat.stopStream`: a message streamed in parts.

use serde_json::json;

use crate::common::Api;
use crate::events::{next_event, subscribe};

/// Where the bot streams: a thread in #general, to alice.
fn start_args(markdown: &str) -> serde_json::Value {
    json!({"channel": "C0000000001", "thread_ts": "1700000100.000100", "markdown_text": markdown,
           "recipient_team_id": "T0000000001", "recipient_user_id": "U0000000003"})
}

#[asym::clone("slack", seed = "basic")]
async fn a_stream_grows_one_message_until_stopped(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["message.channels"])).await;
    let started = slack.bot_ok("chat.startStream", start_args("Hello")).await;
    let ts = started["ts"].as_str().unwrap();
    let posted = next_event(&receiver).await;
    assert_eq!(
        (posted["ts"].as_str(), posted["text"].as_str()),
        (Some(ts), Some("Hello"))
    );

    // An open stream is neither edited nor deleted.
    let edit = json!({"channel": "C0000000001", "ts": ts, "text": "x"});
    slack
        .bot_err("chat.update", edit, "streaming_state_conflict")
        .await;
    let delete = json!({"channel": "C0000000001", "ts": ts});
    slack
        .bot_err("chat.delete", delete, "cant_delete_message")
        .await;

    let chunks = json!([{"type": "markdown_text", "text": " **world**"},
                        {"type": "task_update", "id": "t1", "title": "Look", "status": "complete"},
                        {"type": "blocks", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Sources"}}]}]);
    let args = json!({"channel": "C0000000001", "ts": ts, "chunks": chunks});
    let appended = slack.bot_ok("chat.appendStream", args).await;
    assert_eq!(appended["ts"], ts);
    let changed = next_event(&receiver).await;
    assert_eq!(changed["subtype"], "message_changed");
    assert_eq!(changed["message"]["text"], "Hello **world**");

    let args = json!({"channel": "C0000000001", "ts": ts, "markdown_text": "!",
                      "blocks": [{"type": "divider"}]});
    let stopped = slack.bot_ok("chat.stopStream", args).await;
    let message = &stopped["message"];
    assert_eq!(message["text"], "Hello **world**!");
    assert_eq!(message["blocks"][0]["type"], "markdown");
    assert_eq!(message["blocks"][0]["text"], "Hello **world**!");
    assert_eq!(message["blocks"][1]["type"], "header");
    assert_eq!(message["blocks"][2]["type"], "divider");
    assert_eq!(
        message["blocks"][0]["block_id"],
        changed["message"]["blocks"][0]["block_id"]
    );
    assert_eq!(message["thread_ts"], "1700000100.000100");
    let replies = slack
        .bot_ok(
            "conversations.replies",
            json!({"channel": "C0000000001", "ts": "1700000100.000100"}),
        )
        .await;
    assert_eq!(replies["messages"][1]["text"], "Hello **world**!");

    // Stopped: no more appends.
    let args = json!({"channel": "C0000000001", "ts": ts, "markdown_text": "late"});
    slack
        .bot_err("chat.appendStream", args, "message_not_in_streaming_state")
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn streams_expire_and_refuse_what_slack_refuses(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let started = slack.bot_ok("chat.startStream", start_args("")).await;
    let ts = started["ts"].as_str().unwrap();
    let append = json!({"channel": "C0000000001", "ts": ts, "markdown_text": "x"});
    slack.bot_ok("chat.appendStream", append.clone()).await;
    slack.age("streams", "5 minutes").await;
    slack
        .bot_err(
            "chat.appendStream",
            append,
            "message_not_in_streaming_state",
        )
        .await;
    let stop = json!({"channel": "C0000000001", "ts": ts});
    slack
        .bot_err("chat.stopStream", stop, "message_not_in_streaming_state")
        .await;
    // A message that never streamed.
    let stop = json!({"channel": "C0000000001", "ts": "1700000100.000100"});
    slack
        .bot_err("chat.stopStream", stop, "cant_update_message")
        .await;

    let mut no_team = start_args("x");
    no_team["recipient_team_id"] = json!(null);
    let mut no_user = start_args("x");
    no_user["recipient_user_id"] = json!(null);
    let mut bad_chunks = start_args("");
    bad_chunks["chunks"] = json!([{"type": "markdown_text"}]);
    let mut bad_task = start_args("");
    bad_task["chunks"] =
        json!([{"type": "task_update", "id": "t1", "title": "x", "status": "done"}]);
    let too_long = start_args(&"a".repeat(12_001));
    slack
        .user_err(
            "chat.startStream",
            start_args("x"),
            "not_allowed_token_type",
        )
        .await;
    for (args, code) in [
        (no_team, "missing_recipient_team_id"),
        (no_user, "missing_recipient_user_id"),
        (bad_chunks, "invalid_chunks"),
        (bad_task, "invalid_chunks"),
        (too_long, "msg_too_long"),
    ] {
        slack.bot_err("chat.startStream", args, code).await;
    }
}
