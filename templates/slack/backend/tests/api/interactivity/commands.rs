//! Slash commands, `response_url`s, block actions on messages, shortcuts, external selects
//! and ephemeral answers.

use reqwest::Method;
use serde_json::{Value, json};

use super::{
    acking_app, app, assert_signed_form, click, deploy, form, interact, interact_err, modal,
    payload, post_response, signed_payload,
};
use crate::common::{Api, refused};

#[asym::clone("slack", seed = "basic")]
async fn interactivity_and_commands_are_configured(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let got = slack.admin_ok(Method::GET, "interactivity", None).await;
    assert_eq!(got["interactivity"], Value::Null);
    let set = json!({"url": "http://127.0.0.1:9/slack/events"});
    let got = slack
        .admin_ok(Method::POST, "interactivity", Some(set))
        .await;
    assert_eq!(
        got["interactivity"]["url"],
        "http://127.0.0.1:9/slack/events"
    );
    let got = slack.admin_ok(Method::GET, "interactivity", None).await;
    assert_eq!(
        got["interactivity"]["url"],
        "http://127.0.0.1:9/slack/events"
    );
    slack.admin_ok(Method::DELETE, "interactivity", None).await;
    let got = slack.admin_ok(Method::GET, "interactivity", None).await;
    assert_eq!(got["interactivity"], Value::Null);

    let command = json!({"command": "/deploy", "url": "http://127.0.0.1:9/cmd",
                         "usageHint": "[env]"});
    let set = slack
        .admin_ok(Method::POST, "commands", Some(command))
        .await;
    assert_eq!(
        set["command"],
        json!({"command": "/deploy", "url": "http://127.0.0.1:9/cmd", "description": "",
               "usageHint": "[env]"})
    );
    let list = slack.admin_ok(Method::GET, "commands", None).await;
    assert_eq!(list["commands"][0]["command"], "/deploy");
    slack
        .admin_ok(Method::DELETE, "commands/deploy", None)
        .await;
    let gone = slack.admin(Method::DELETE, "commands/deploy", None).await;
    assert_eq!(gone.expect(404)["error"], "command_not_found");

    for (path, body) in [
        ("interactivity", json!({"url": "ftp://x"})),
        (
            "commands",
            json!({"command": "deploy", "url": "http://127.0.0.1:9"}),
        ),
        (
            "commands",
            json!({"command": "/Deploy Now", "url": "http://127.0.0.1:9"}),
        ),
        ("commands", json!({"command": "/deploy"})),
    ] {
        let refused = slack.admin(Method::POST, path, Some(body)).await;
        assert_eq!(refused.expect(400)["error"], "invalid_arguments");
    }
}

#[asym::clone("slack", seed = "basic")]
async fn slash_commands_are_sent_as_slack_sends_them(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = app(&slack, |request| {
        match form(request)["text"].as_str().unwrap_or_default() {
            "prod" => (
                200,
                r#"{"response_type":"in_channel","text":"Deploying prod"}"#.into(),
            ),
            "quiet" => (200, "Only you see this".into()),
            "broken" => (500, "oops".into()),
            _ => (200, String::new()),
        }
    })
    .await;

    let acked = deploy(&slack, "staging now").await;
    let request = receiver.delivery().await;
    assert_signed_form(&slack, &request);
    assert_eq!(request.uri.path(), "/slack/events");
    let sent = form(&request);
    for (field, value) in [
        ("team_id", "T0000000001"),
        ("team_domain", "acme"),
        ("channel_id", "C0000000001"),
        ("channel_name", "general"),
        ("user_id", "U0000000003"),
        ("user_name", "alice"),
        ("command", "/deploy"),
        ("text", "staging now"),
        ("api_app_id", "A0000000001"),
        ("is_enterprise_install", "false"),
    ] {
        assert_eq!(sent[field], value, "{field}: {sent}");
    }
    assert!(!sent["token"].as_str().unwrap().is_empty());
    assert_eq!(sent["trigger_id"], acked["triggerId"]);
    assert_eq!(sent["response_url"], acked["responseUrl"]);
    let trigger = acked["triggerId"].as_str().unwrap();
    assert_eq!(trigger.split('.').count(), 3, "{trigger}");
    let response_url = acked["responseUrl"].as_str().unwrap();
    assert!(
        slack
            .path_of(response_url)
            .starts_with("/hooks/commands/T0000000001/")
    );
    assert_eq!(acked["status"], 200);
    assert_eq!(acked["response"], Value::Null);

    let in_channel = deploy(&slack, "prod").await;
    assert_eq!(in_channel["response"]["responseType"], "in_channel");
    let message = &in_channel["response"]["message"];
    assert_eq!(message["text"], "Deploying prod");
    assert_eq!(message["bot_id"], "B0000000001");
    assert_eq!(
        slack.texts("C0000000001").await.last().unwrap(),
        "Deploying prod"
    );

    let ephemeral = deploy(&slack, "quiet").await;
    assert_eq!(ephemeral["response"]["responseType"], "ephemeral");
    assert_eq!(ephemeral["response"]["user"], "U0000000003");
    assert_eq!(
        ephemeral["response"]["message"]["text"],
        "Only you see this"
    );
    assert_ne!(
        slack.texts("C0000000001").await.last().unwrap(),
        "Only you see this"
    );

    let failed = deploy(&slack, "broken").await;
    assert_eq!(failed["status"], 500);
    assert_eq!(failed["error"], "dispatch_failed");
    assert_eq!(failed["response"], Value::Null);

    let ops = slack.create(slack.user_token(), "ops").await;
    let old = slack.create(slack.user_token(), "old").await;
    slack
        .user_ok(
            "conversations.invite",
            json!({"channel": old, "users": "U0000000003"}),
        )
        .await;
    slack
        .user_ok("conversations.archive", json!({"channel": old}))
        .await;
    for (run, status, error) in [
        (
            json!({"command": "/nope", "user": "U0000000003", "channel": "C0000000001"}),
            404,
            "command_not_found",
        ),
        (
            json!({"command": "/deploy", "user": "U0NOPE", "channel": "C0000000001"}),
            404,
            "user_not_found",
        ),
        (
            json!({"command": "/deploy", "user": "U0000000003", "channel": "C0NOPE"}),
            404,
            "channel_not_found",
        ),
        (
            json!({"command": "/deploy", "user": "U0000000003", "channel": ops}),
            400,
            "not_in_channel",
        ),
        (
            json!({"command": "/deploy", "user": "U0000000003", "channel": old}),
            400,
            "is_archived",
        ),
    ] {
        interact_err(&slack, "command", run, status, error).await;
    }
}
#[asym::clone("slack", seed = "basic")]
async fn response_urls_post_five_times(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let _receiver = acking_app(&slack).await;
    let url = deploy(&slack, "x").await["responseUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = post_response(
        &slack,
        &url,
        &json!({"response_type": "in_channel", "text": "one"}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"ok": true})));
    assert_eq!(slack.texts("C0000000001").await.last().unwrap(), "one");
    let (status, _) = post_response(&slack, &url, &json!({"text": "two, only to alice"})).await;
    assert_eq!(status, 200);
    assert_eq!(slack.texts("C0000000001").await.last().unwrap(), "one");
    let (status, body) = post_response(&slack, &url, &json!({"blocks": "nope"})).await;
    assert_eq!((status, body), (400, json!("invalid_blocks_format")));
    for _ in 0..2 {
        let (status, _) = post_response(&slack, &url, &json!({"text": "more"})).await;
        assert_eq!(status, 200);
    }
    let (status, body) = post_response(&slack, &url, &json!({"text": "sixth"})).await;
    assert_eq!((status, body), (404, json!("used_url")));

    let unknown = url.rsplit_once('/').unwrap().0.to_owned() + "/notasecret";
    let (status, body) = post_response(&slack, &unknown, &json!({"text": "x"})).await;
    assert_eq!((status, body), (404, json!("expired_url")));
    let fresh = deploy(&slack, "x").await["responseUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = slack
        .anonymous()
        .send_raw(Method::POST, slack.path_of(&fresh), "application/json", "{")
        .await;
    assert_eq!((reply.status, reply.body), (400, json!("invalid_payload")));
}

/// A message with a button, a static select and a users select, posted by the bot.
async fn post_controls(slack: &Api<'_>) -> String {
    let blocks = json!([
        {"type": "section", "block_id": "pick", "text": {"type": "mrkdwn", "text": "Where?"},
         "accessory": {"type": "static_select", "action_id": "env",
                       "placeholder": {"type": "plain_text", "text": "Env"},
                       "options": [
                           {"text": {"type": "plain_text", "text": "Prod"}, "value": "prod"},
                           {"text": {"type": "plain_text", "text": "QA"}, "value": "qa"}]}},
        {"type": "actions", "block_id": "go", "elements": [
            {"type": "button", "action_id": "approve", "value": "yes",
             "text": {"type": "plain_text", "text": "Approve"}},
            {"type": "users_select", "action_id": "who",
             "placeholder": {"type": "plain_text", "text": "Who"}}]},
    ]);
    let args = json!({"channel": "C0000000001", "text": "Deploy?", "blocks": blocks});
    let posted = slack.bot_ok("chat.postMessage", args).await;
    posted["ts"].as_str().unwrap().to_owned()
}
#[asym::clone("slack", seed = "basic")]
async fn block_actions_carry_the_message_and_the_choice(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = acking_app(&slack).await;
    let ts = post_controls(&slack).await;

    let clicked = click(&slack, &ts, "approve", Value::Null).await.expect(200);
    let sent = signed_payload(&slack, &receiver).await;
    assert_eq!(sent, clicked["payload"]);
    assert_eq!(sent["type"], "block_actions");
    assert_eq!(sent["user"]["id"], "U0000000003");
    assert_eq!(sent["user"]["username"], "alice");
    assert_eq!(sent["team"], json!({"id": "T0000000001", "domain": "acme"}));
    assert_eq!(sent["api_app_id"], "A0000000001");
    assert_eq!(sent["is_enterprise_install"], false);
    assert_eq!(sent["trigger_id"], clicked["triggerId"]);
    assert_eq!(sent["response_url"], clicked["responseUrl"]);
    assert_eq!(
        sent["container"],
        json!({"type": "message", "message_ts": ts, "channel_id": "C0000000001",
               "is_ephemeral": false})
    );
    assert_eq!(
        sent["channel"],
        json!({"id": "C0000000001", "name": "general"})
    );
    assert_eq!(sent["message"]["ts"], ts.as_str());
    assert_eq!(sent["message"]["text"], "Deploy?");
    assert_eq!(sent["state"], json!({"values": {}}));
    let action = &sent["actions"][0];
    assert_eq!(action["type"], "button");
    assert_eq!(action["action_id"], "approve");
    assert_eq!(action["block_id"], "go");
    assert_eq!(action["value"], "yes");
    assert_eq!(action["text"]["text"], "Approve");
    assert!(action["action_ts"].as_str().unwrap().contains('.'));

    let selected = click(&slack, &ts, "env", json!("qa")).await.expect(200);
    let action = &selected["payload"]["actions"][0];
    assert_eq!(action["type"], "static_select");
    assert_eq!(action["selected_option"]["value"], "qa");
    assert_eq!(action["block_id"], "pick");
    let who = click(&slack, &ts, "who", json!("U0000000004"))
        .await
        .expect(200);
    assert_eq!(who["payload"]["actions"][0]["selected_user"], "U0000000004");

    // The response_url of an action edits the message clicked.
    let url = who["responseUrl"].as_str().unwrap();
    let reply = json!({"replace_original": true, "text": "Approved by alice"});
    assert_eq!(post_response(&slack, url, &reply).await.0, 200);
    let history = slack.history("C0000000001").await;
    let edited = history.iter().find(|m| m["ts"] == ts.as_str()).unwrap();
    assert_eq!(edited["text"], "Approved by alice");
    let reply = json!({"delete_original": true});
    assert_eq!(post_response(&slack, url, &reply).await.0, 200);
    let history = slack.history("C0000000001").await;
    assert!(history.iter().all(|m| m["ts"] != ts.as_str()));

    let ts = post_controls(&slack).await;
    for (message, action, value, status, error) in [
        (ts.as_str(), "nope", Value::Null, 404, "action_not_found"),
        (&ts, "env", json!("staging"), 400, "option_not_found"),
        (&ts, "env", json!(["qa"]), 400, "invalid_value"),
        ("1.000001", "approve", Value::Null, 404, "message_not_found"),
    ] {
        let clicked = click(&slack, message, action, value).await;
        refused(clicked, status, error);
    }
    slack.admin_ok(Method::DELETE, "interactivity", None).await;
    let clicked = click(&slack, &ts, "approve", Value::Null).await;
    refused(clicked, 409, "interactivity_not_configured");
}
#[asym::clone("slack", seed = "basic")]
async fn shortcuts_are_configured_and_sent(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = acking_app(&slack).await;
    for shortcut in [
        json!({"callbackId": "new_ticket", "type": "global", "name": "New ticket"}),
        json!({"callbackId": "file_it", "type": "message", "name": "File it",
               "description": "Files the message"}),
    ] {
        slack
            .admin_ok(Method::POST, "shortcuts", Some(shortcut))
            .await;
    }
    let list = slack.admin_ok(Method::GET, "shortcuts", None).await;
    assert_eq!(
        list["shortcuts"],
        json!([
            {"callbackId": "file_it", "type": "message", "name": "File it",
             "description": "Files the message"},
            {"callbackId": "new_ticket", "type": "global", "name": "New ticket",
             "description": ""},
        ])
    );

    let used = json!({"callbackId": "new_ticket", "user": "U0000000003"});
    let global = interact(&slack, "shortcut", used).await.expect(200);
    let sent = signed_payload(&slack, &receiver).await;
    assert_eq!(sent["type"], "shortcut");
    assert_eq!(sent["callback_id"], "new_ticket");
    assert_eq!(sent["trigger_id"], global["triggerId"]);
    assert_eq!(sent["user"]["id"], "U0000000003");
    assert!(sent["action_ts"].as_str().unwrap().contains('.'));
    let args = json!({"trigger_id": global["triggerId"], "view": modal(json!({}))});
    slack.bot_ok("views.open", args).await;

    let used = json!({"callbackId": "file_it", "user": "U0000000003",
                      "channel": "C0000000001", "ts": "1700000100.000100"});
    let on_message = interact(&slack, "shortcut", used).await.expect(200);
    let sent = payload(&receiver.delivery().await);
    assert_eq!(sent["type"], "message_action");
    assert_eq!(sent["callback_id"], "file_it");
    assert_eq!(
        sent["channel"],
        json!({"id": "C0000000001", "name": "general"})
    );
    assert_eq!(sent["message_ts"], "1700000100.000100");
    assert_eq!(sent["message"]["text"], "Welcome to Acme!");
    assert_eq!(sent["response_url"], on_message["responseUrl"]);
    let url = on_message["responseUrl"].as_str().unwrap();
    let filed = json!({"text": "Filed as T-1"});
    assert_eq!(post_response(&slack, url, &filed).await.0, 200);

    for (used, status, error) in [
        (
            json!({"callbackId": "nope", "user": "U0000000003"}),
            404,
            "shortcut_not_found",
        ),
        (
            json!({"callbackId": "file_it", "user": "U0000000003"}),
            400,
            "invalid_arguments",
        ),
        (
            json!({"callbackId": "file_it", "user": "U0000000003", "channel": "C0000000001",
                "ts": "1.000001"}),
            404,
            "message_not_found",
        ),
    ] {
        interact_err(&slack, "shortcut", used, status, error).await;
    }
    let bad = json!({"callbackId": "x", "type": "menu", "name": "X"});
    let refused = slack.admin(Method::POST, "shortcuts", Some(bad)).await;
    assert_eq!(refused.expect(400)["error"], "invalid_arguments");
    slack
        .admin_ok(Method::DELETE, "shortcuts/file_it", None)
        .await;
    let gone = slack.admin(Method::DELETE, "shortcuts/file_it", None).await;
    assert_eq!(gone.expect(404)["error"], "shortcut_not_found");
}

#[asym::clone("slack", seed = "basic")]
async fn external_selects_load_their_options(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = app(&slack, |request| {
        let sent = payload(request);
        if sent["type"] != "block_suggestion" {
            return (200, String::new());
        }
        let typed = sent["value"].as_str().unwrap_or_default().to_owned();
        let option = json!({"text": {"type": "plain_text", "text": format!("Ticket {typed}")},
                            "value": format!("T-{typed}")});
        (200, json!({"options": [option]}).to_string())
    })
    .await;
    let blocks = json!([{"type": "actions", "block_id": "b", "elements": [
        {"type": "external_select", "action_id": "ticket", "min_query_length": 1,
         "placeholder": {"type": "plain_text", "text": "Ticket"}},
        {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"}}]}]);
    let posted = slack
        .bot_ok(
            "chat.postMessage",
            json!({"channel": "C0000000001", "text": "Pick", "blocks": blocks}),
        )
        .await;
    let ts = posted["ts"].as_str().unwrap();
    let typed = json!({"channel": "C0000000001", "ts": ts, "actionId": "ticket",
                       "user": "U0000000003", "value": "42"});
    interact_err(
        &slack,
        "options",
        typed.clone(),
        409,
        "options_load_url_not_configured",
    )
    .await;

    let url = format!("{}/slack/options", receiver.url());
    let set = json!({"url": format!("{}/slack/events", receiver.url()), "optionsLoadUrl": url});
    let config = slack
        .admin_ok(Method::POST, "interactivity", Some(set))
        .await;
    assert_eq!(config["interactivity"]["optionsLoadUrl"], url.as_str());
    let loaded = interact(&slack, "options", typed).await.expect(200);
    let request = receiver.delivery().await;
    assert_eq!(request.uri.path(), "/slack/options");
    assert_signed_form(&slack, &request);
    let sent = payload(&request);
    assert_eq!(sent["type"], "block_suggestion");
    assert_eq!(sent["action_id"], "ticket");
    assert_eq!(sent["block_id"], "b");
    assert_eq!(sent["value"], "42");
    assert_eq!(sent["container"]["message_ts"], ts);
    assert_eq!(sent.get("trigger_id"), None);
    assert_eq!(loaded["options"][0]["value"], "T-42");
    assert_eq!(loaded.get("triggerId"), None);

    let chosen = loaded["options"][0].clone();
    let click = json!({"channel": "C0000000001", "ts": ts, "actionId": "ticket",
                       "user": "U0000000003", "value": chosen});
    let clicked = interact(&slack, "action", click).await.expect(200);
    assert_eq!(clicked["payload"]["actions"][0]["selected_option"], chosen);
    receiver.delivery().await;

    let not_external = json!({"channel": "C0000000001", "ts": ts, "actionId": "go",
                              "user": "U0000000003"});
    interact_err(&slack, "options", not_external, 400, "not_external_select").await;
}

#[asym::clone("slack", seed = "basic")]
async fn ephemeral_answers_are_clicked_and_replaced(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let button = |action: &str| {
        json!({"type": "actions", "block_id": "a", "elements": [
            {"type": "button", "action_id": action, "value": action,
             "text": {"type": "plain_text", "text": action}}]})
    };
    let confirm = json!({"text": "Sure?", "blocks": [button("confirm")]}).to_string();
    let receiver = app(&slack, move |request| {
        if form(request)["command"] == "/deploy" {
            (200, confirm.clone())
        } else {
            (200, String::new())
        }
    })
    .await;
    let ran = deploy(&slack, "prod").await;
    receiver.delivery().await;
    assert_eq!(ran["response"]["responseType"], "ephemeral");
    let ts = ran["response"]["ts"].as_str().unwrap().to_owned();

    let clicked = click(&slack, &ts, "confirm", Value::Null).await.expect(200);
    let sent = payload(&receiver.delivery().await);
    assert_eq!(sent["container"]["is_ephemeral"], true);
    assert_eq!(sent["container"]["message_ts"], ts.as_str());
    assert_eq!(sent.get("message"), None);
    assert_eq!(sent["actions"][0]["action_id"], "confirm");
    // Someone else does not see alice's ephemeral message.
    let bobs = json!({"channel": "C0000000001", "ts": ts, "actionId": "confirm",
                      "user": "U0000000004"});
    interact_err(&slack, "action", bobs, 404, "message_not_found").await;

    let url = clicked["responseUrl"].as_str().unwrap();
    let replaced = json!({"replace_original": true, "text": "Deploying",
                          "blocks": [button("cancel")]});
    assert_eq!(post_response(&slack, url, &replaced).await.0, 200);
    let clicked = click(&slack, &ts, "confirm", Value::Null).await;
    refused(clicked, 404, "action_not_found");
    click(&slack, &ts, "cancel", Value::Null).await.expect(200);
    receiver.delivery().await;
    assert_eq!(
        post_response(&slack, url, &json!({"delete_original": true}))
            .await
            .0,
        200
    );
    let clicked = click(&slack, &ts, "cancel", Value::Null).await;
    refused(clicked, 404, "message_not_found");
    // The channel's history never held it.
    assert!(
        slack
            .history("C0000000001")
            .await
            .iter()
            .all(|m| m["ts"] != ts.as_str())
    );
}
