//! App unfurling: `link_shared` for links under the app's unfurl domains, and `chat.unfurl`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;
use crate::events::{next_event, subscribe};

/// Registers `domains` as the app's unfurl domains.
async fn register(slack: &Api<'_>, domains: &[&str]) -> Value {
    let body = json!({ "domains": domains });
    slack
        .admin_ok(Method::POST, "unfurl-domains", Some(body))
        .await
}

#[asym::clone("slack", seed = "basic")]
async fn shared_links_are_sent_and_unfurled(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let set = register(&slack, &["example.com", "Another-Example.com"]).await;
    assert_eq!(
        set["domains"],
        json!(["another-example.com", "example.com"])
    );
    let receiver = subscribe(&slack, 0, json!(["link_shared"])).await;

    // The app's own posts and links elsewhere send nothing; a person's link does.
    for (token, text) in [
        (slack.bot_token(), "https://example.com/mine"),
        (slack.user_token(), "see https://example.org/1"),
    ] {
        slack.post(token, "C0000000001", text).await;
    }
    let text = "see <https://example.com/12345> and https://yet.another-example.com/v/abcde.";
    let posted = slack.post(slack.user_token(), "C0000000001", text).await;
    let ts = posted["ts"].as_str().unwrap();
    let shared = next_event(&receiver).await;
    assert_eq!(
        (
            &shared["type"],
            &shared["channel"],
            &shared["user"],
            &shared["message_ts"]
        ),
        (
            &json!("link_shared"),
            &json!("C0000000001"),
            &json!("U0000000001"),
            &json!(ts)
        )
    );
    assert_eq!(
        (
            &shared["source"],
            &shared["is_bot_user_member"],
            &shared["event_ts"]
        ),
        (&json!("conversations_history"), &json!(true), &json!(ts))
    );
    assert_eq!(
        shared["links"],
        json!([{"domain": "example.com", "url": "https://example.com/12345"},
               {"domain": "another-example.com", "url": "https://yet.another-example.com/v/abcde"}])
    );
    let unfurl_id = shared["unfurl_id"].as_str().unwrap();
    assert!(
        unfurl_id.starts_with(&format!("C0000000001.{ts}.")),
        "{unfurl_id}"
    );

    // By channel and ts, then again by unfurl_id: the second replaces the first's preview.
    let preview = json!({"https://example.com/12345": {"title": "Ticket 12345", "text": "Open"}});
    let args = json!({"channel": "C0000000001", "ts": ts, "unfurls": preview.to_string()});
    slack.bot_ok("chat.unfurl", args).await;
    let blocks = json!({"https://example.com/12345": {"blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Ticket 12345*: closed"}}]}});
    let args =
        json!({"unfurl_id": unfurl_id, "source": "conversations_history", "unfurls": blocks});
    slack.bot_ok("chat.unfurl", args).await;
    let history = slack.history("C0000000001").await;
    let attachments = history[0]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "{attachments:?}");
    let attachment = &attachments[0];
    assert_eq!(
        (
            &attachment["app_unfurl_url"],
            &attachment["is_app_unfurl"],
            &attachment["bot_id"]
        ),
        (
            &json!("https://example.com/12345"),
            &json!(true),
            &json!("B0000000001")
        )
    );
    assert_eq!(
        attachment["blocks"][0]["text"]["text"],
        "*Ticket 12345*: closed"
    );

    let unfurl = |channel: &str, ts: &str, unfurls: Value| json!({"channel": channel, "ts": ts, "unfurls": unfurls});
    let other = json!({"https://example.com/999": {"text": "x"}});
    let elsewhere = json!({"https://example.org/1": {"text": "x"}});
    for (args, code) in [
        (
            json!({"channel": "C0000000001", "ts": ts}),
            "missing_unfurls",
        ),
        (
            json!({"channel": "C0000000001", "ts": ts, "unfurls": "{"}),
            "invalid_unfurls_format",
        ),
        (
            json!({"channel": "C0000000001", "ts": ts, "unfurls": "[]"}),
            "invalid_unfurls_format",
        ),
        (
            unfurl("C0000000001", ts, json!({"https://example.com/12345": "x"})),
            "cannot_parse_attachment",
        ),
        (json!({"ts": ts, "unfurls": preview}), "missing_channel"),
        (
            json!({"channel": "C0000000001", "unfurls": preview}),
            "missing_ts",
        ),
        (unfurl("C0NOPE", ts, preview.clone()), "cannot_find_channel"),
        (
            unfurl("C0000000001", "1.000001", preview.clone()),
            "cannot_find_message",
        ),
        (unfurl("C0000000001", ts, other), "cannot_unfurl_message"),
        (
            json!({"unfurl_id": "C1.2.3", "source": "conversations_history", "unfurls": preview}),
            "cannot_unfurl_url",
        ),
        (
            json!({"unfurl_id": unfurl_id, "unfurls": preview}),
            "invalid_arguments",
        ),
        (
            json!({"channel": "C0000000001", "ts": ts, "unfurls": preview, "user_auth_required": true}),
            "invalid_arguments",
        ),
    ] {
        slack.bot_err("chat.unfurl", args, code).await;
    }
    let history = slack.history("C0000000001").await;
    let org_ts = history[1]["ts"].as_str().unwrap();
    let args = unfurl("C0000000001", org_ts, elsewhere);
    slack
        .bot_err("chat.unfurl", args, "cannot_unfurl_url")
        .await;
    let reader = slack.mint("bot", None, Some(&["chat:write"])).await;
    let args = unfurl("C0000000001", ts, preview);
    slack.missing_scope(&reader, "chat.unfurl", args).await;

    for body in [
        json!({"domains": ["https://example.com"]}),
        json!({"domains": ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"]}),
    ] {
        slack
            .admin(Method::POST, "unfurl-domains", Some(body))
            .await
            .expect(400);
    }
    let cleared = slack.admin_ok(Method::DELETE, "unfurl-domains", None).await;
    assert_eq!(cleared["domains"], json!([]));
}
