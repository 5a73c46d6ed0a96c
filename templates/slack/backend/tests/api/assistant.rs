//! `assistant.threads.*`.

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn assistant_threads_take_status_title_and_prompts(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let dm = slack.open("U0000000003").await;
    let asked = slack.post(slack.bot_token(), &dm, "How can I help?").await;
    let thread = asked["ts"].as_str().unwrap().to_owned();
    let prompts = json!([{"title": "Summarize", "message": "Summarize #general"}]);
    for (method, args) in [
        (
            "assistant.threads.setStatus",
            json!({"channel_id": dm, "thread_ts": thread, "status": "is thinking..."}),
        ),
        (
            "assistant.threads.setStatus",
            json!({"channel_id": dm, "thread_ts": thread, "status": ""}),
        ),
        (
            "assistant.threads.setTitle",
            json!({"channel_id": dm, "thread_ts": thread, "title": "Help"}),
        ),
        (
            "assistant.threads.setSuggestedPrompts",
            json!({"channel_id": dm, "thread_ts": thread, "prompts": prompts, "title": "Try"}),
        ),
        (
            "assistant.threads.setSuggestedPrompts",
            json!({"channel_id": dm, "prompts": prompts}),
        ),
    ] {
        let body = slack.bot_ok(method, args).await;
        assert_eq!(body, json!({"ok": true}), "{method}");
    }
    let five = json!([{"title": "a", "message": "a"}, {"title": "b", "message": "b"},
                      {"title": "c", "message": "c"}, {"title": "d", "message": "d"},
                      {"title": "e", "message": "e"}]);
    for (method, args, code) in [
        (
            "assistant.threads.setStatus",
            json!({"channel_id": "D0NOPE", "thread_ts": thread, "status": "x"}),
            "channel_not_found",
        ),
        (
            "assistant.threads.setStatus",
            json!({"channel_id": dm, "status": "x"}),
            "invalid_arguments",
        ),
        (
            "assistant.threads.setSuggestedPrompts",
            json!({"channel_id": dm, "prompts": five}),
            "invalid_arguments",
        ),
        (
            "assistant.threads.setTitle",
            json!({"channel_id": "C0000000002", "thread_ts": thread, "title": "x"}),
            "not_in_channel",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
}
