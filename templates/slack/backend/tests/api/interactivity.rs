//! Interactivity: the app's configuration, slash commands, `response_url`s, block actions,
//! `trigger_id`s and modals, driven through the admin surface against an app the test runs
//! on loopback.

use asym_kit::testing::{Received, Receiver, assert_prefix};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;

/// A request's form fields.
fn form(request: &Received) -> Value {
    let fields = asym_kit::form::parse(&request.body);
    Value::Object(fields.into_iter().map(|(k, v)| (k, json!(v))).collect())
}

/// The interaction payload of a request (`payload=<json>`).
fn payload(request: &Received) -> Value {
    serde_json::from_str(form(request)["payload"].as_str().unwrap()).unwrap()
}

/// Asserts the request is signed with the clone's signing secret.
fn assert_signed(slack: &Api<'_>, request: &Received) {
    let timestamp = request.header("x-slack-request-timestamp").unwrap();
    let body = std::str::from_utf8(&request.body).unwrap();
    let expected = format!(
        "v0={}",
        asym_kit::token::hmac_sha256_hex(
            slack.signing_secret().as_bytes(),
            format!("v0:{timestamp}:{body}").as_bytes()
        )
    );
    assert_eq!(request.header("x-slack-signature").unwrap(), expected);
    assert_eq!(
        request.header("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
}

/// Starts the test's app: a receiver answering every request with `answer`'s status and
/// body; configures it as the Interactivity Request URL and as `/deploy`'s.
async fn app(
    slack: &Api<'_>,
    answer: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
) -> Receiver {
    let receiver = Receiver::start().await;
    receiver.respond_with(answer);
    let url = format!("{}/slack/events", receiver.url());
    let set = json!({"url": url});
    slack
        .admin_ok(Method::POST, "interactivity", Some(set))
        .await;
    let command = json!({"command": "/deploy", "url": url, "description": "Ships it",
                         "usageHint": "[env]"});
    slack
        .admin_ok(Method::POST, "commands", Some(command))
        .await;
    receiver
}

/// Starts the test's app acknowledging every request with an empty 200 (as [`app`]).
async fn acking_app(slack: &Api<'_>) -> Receiver {
    app(slack, |_| (200, String::new())).await
}

/// The next request the app received, asserted signed by the clone; its interaction
/// payload.
async fn signed_payload(slack: &Api<'_>, receiver: &Receiver) -> Value {
    let request = receiver.delivery().await;
    assert_signed(slack, &request);
    payload(&request)
}

/// Runs `/deploy <text>` as alice in #general; the admin answer.
async fn deploy(slack: &Api<'_>, text: &str) -> Value {
    let run = json!({"command": "/deploy", "text": text, "user": "U0000000003",
                     "channel": "C0000000001"});
    slack
        .admin_ok(Method::POST, "interactions/command", Some(run))
        .await
}

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
    assert_signed(&slack, &request);
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
        let refused = slack
            .admin(Method::POST, "interactions/command", Some(run))
            .await;
        assert_eq!(refused.expect(status)["error"], error);
    }
}

/// Posts `body` to the clone's `response_url`; the reply's status and body.
async fn post_response(slack: &Api<'_>, url: &str, body: &Value) -> (u16, Value) {
    let reply = slack.anonymous().post(slack.path_of(url), body).await;
    (reply.status, reply.body)
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

/// Clicks `action_id` (choosing `value`) on the message `ts` as alice; the whole reply.
async fn click(
    slack: &Api<'_>,
    ts: &str,
    action_id: &str,
    value: Value,
) -> asym_kit::testing::Reply {
    let click = json!({"channel": "C0000000001", "ts": ts, "actionId": action_id,
                       "user": "U0000000003", "value": value});
    slack
        .admin(Method::POST, "interactions/action", Some(click))
        .await
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
    for (action, value, status, error) in [
        ("nope", Value::Null, 404, "action_not_found"),
        ("env", json!("staging"), 400, "option_not_found"),
        ("env", json!(["qa"]), 400, "invalid_value"),
    ] {
        let refused = click(&slack, &ts, action, value).await;
        assert_eq!(refused.expect(status)["error"], error);
    }
    let refused = click(&slack, "1.000001", "approve", Value::Null).await;
    assert_eq!(refused.expect(404)["error"], "message_not_found");
    slack.admin_ok(Method::DELETE, "interactivity", None).await;
    let refused = click(&slack, &ts, "approve", Value::Null).await;
    assert_eq!(refused.expect(409)["error"], "interactivity_not_configured");
}

/// A modal asking for a title, with `callback_id` `ship`.
fn modal(extra: Value) -> Value {
    let mut view = json!({
        "type": "modal", "callback_id": "ship", "private_metadata": "C0000000001",
        "title": {"type": "plain_text", "text": "Ship"},
        "submit": {"type": "plain_text", "text": "Go"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "input", "block_id": "t",
                    "label": {"type": "plain_text", "text": "Title"},
                    "element": {"type": "plain_text_input", "action_id": "title"}}],
    });
    for (key, value) in extra.as_object().unwrap() {
        view[key] = value.clone();
    }
    view
}

/// Opens `view` with a fresh trigger from `/deploy`; the opened view.
async fn open(slack: &Api<'_>, view: Value) -> Value {
    let trigger = deploy(slack, "x").await["triggerId"].clone();
    let args = json!({"trigger_id": trigger, "view": view});
    slack.bot_ok("views.open", args).await["view"].take()
}

/// Submits alice's modal `id` with `title`; the admin answer.
async fn submit(slack: &Api<'_>, id: &Value, title: &str) -> Value {
    let submit = json!({"viewId": id, "user": "U0000000003", "values": {"title": title}});
    slack
        .admin_ok(Method::POST, "interactions/view-submission", Some(submit))
        .await
}

#[asym::clone("slack", seed = "basic")]
async fn triggers_open_modals_once(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let _receiver = acking_app(&slack).await;
    let trigger = deploy(&slack, "x").await["triggerId"].clone();
    let args = json!({"trigger_id": trigger, "view": modal(json!({}))});
    let opened = slack.bot_ok("views.open", args.clone()).await;
    let view = &opened["view"];
    assert_prefix(&view["id"], "V");
    assert_eq!(view["type"], "modal");
    assert_eq!(view["team_id"], "T0000000001");
    assert_eq!(view["callback_id"], "ship");
    assert_eq!(view["private_metadata"], "C0000000001");
    assert_eq!(view["root_view_id"], view["id"]);
    assert_eq!(view["previous_view_id"], Value::Null);
    assert_eq!(view["app_id"], "A0000000001");
    assert_eq!(view["bot_id"], "B0000000001");
    assert_eq!(view["state"], json!({"values": {}}));
    slack
        .bot_err("views.open", args, "exchanged_trigger_id")
        .await;
    let unknown = json!({"trigger_id": "1.2.3", "view": modal(json!({}))});
    slack
        .bot_err("views.open", unknown, "invalid_trigger_id")
        .await;
    let home = json!({"trigger_id": trigger, "view": {"type": "home", "blocks": []}});
    slack.bot_err("views.open", home, "invalid_arguments").await;

    let pushed_trigger = deploy(&slack, "x").await["triggerId"].clone();
    let push = json!({"trigger_id": pushed_trigger, "view": modal(json!({"callback_id": "two"}))});
    let pushed = slack.bot_ok("views.push", push).await;
    assert_eq!(pushed["view"]["root_view_id"], view["id"]);
    assert_eq!(pushed["view"]["previous_view_id"], view["id"]);
    let third = json!({"trigger_id": deploy(&slack, "x").await["triggerId"],
                       "view": modal(json!({}))});
    slack.bot_ok("views.push", third).await;
    let fourth = json!({"trigger_id": deploy(&slack, "x").await["triggerId"],
                        "view": modal(json!({}))});
    slack
        .bot_err("views.push", fourth, "push_limit_reached")
        .await;
    let stack = slack
        .admin_ok(Method::GET, "interactions/modals?user=U0000000003", None)
        .await;
    assert_eq!(stack["views"].as_array().unwrap().len(), 3);

    // views.update by id, with the hash conflict.
    let hash = pushed["view"]["hash"].clone();
    let update = json!({"view_id": pushed["view"]["id"], "hash": hash,
                        "view": modal(json!({"callback_id": "changed"}))});
    let updated = slack.bot_ok("views.update", update.clone()).await;
    assert_eq!(updated["view"]["callback_id"], "changed");
    assert_eq!(updated["view"]["root_view_id"], view["id"]);
    slack.bot_err("views.update", update, "hash_conflict").await;

    // A stack keeps its order when a view under the top one changes later.
    execute(&slack, "UPDATE views SET updated = updated - 60").await;
    let root = json!({"view_id": view["id"], "view": modal(json!({"callback_id": "root"}))});
    slack.bot_ok("views.update", root).await;
    let stack = slack
        .admin_ok(Method::GET, "interactions/modals?user=U0000000003", None)
        .await;
    assert_eq!(stack["views"][0]["callback_id"], "root");
    assert_eq!(stack["views"][1]["callback_id"], "changed");
}

#[asym::clone("slack", seed = "basic")]
async fn view_submissions_do_what_the_app_answers(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = app(&slack, |request| {
        let body = form(request);
        let Some(payload) = body["payload"].as_str() else {
            return (200, String::new());
        };
        let payload: Value = serde_json::from_str(payload).unwrap();
        let title = &payload["view"]["state"]["values"]["t"]["title"]["value"];
        let answer = match title.as_str().unwrap_or_default() {
            "bad" => json!({"response_action": "errors", "errors": {"t": "Not that one"}}),
            "more" => json!({"response_action": "push", "view": modal(json!({"callback_id": "next"}))}),
            "edit" => json!({"response_action": "update",
                             "view": modal(json!({"callback_id": "edited", "notify_on_close": true}))}),
            "done" => json!({"response_action": "clear"}),
            _ => return (200, String::new()),
        };
        (200, answer.to_string())
    })
    .await;
    let view = open(&slack, modal(json!({"notify_on_close": true}))).await;
    receiver.delivery().await; // the command that minted the trigger

    let refused = submit(&slack, &view["id"], "bad").await;
    let sent = signed_payload(&slack, &receiver).await;
    assert_eq!(sent["type"], "view_submission");
    assert_eq!(sent["user"]["id"], "U0000000003");
    assert_eq!(sent["view"]["id"], view["id"]);
    assert_eq!(sent["view"]["callback_id"], "ship");
    assert_eq!(
        sent["view"]["state"]["values"],
        json!({"t": {"title": {"type": "plain_text_input", "value": "bad"}}})
    );
    assert_eq!(sent["response_urls"], json!([]));
    assert_eq!(sent["trigger_id"], refused["triggerId"]);
    assert_eq!(refused["responseAction"], "errors");
    assert_eq!(refused["errors"], json!({"t": "Not that one"}));
    assert_eq!(refused["modals"].as_array().unwrap().len(), 1);

    let edited = submit(&slack, &view["id"], "edit").await;
    receiver.delivery().await;
    assert_eq!(edited["view"]["callback_id"], "edited");
    assert_eq!(edited["view"]["id"], view["id"]);
    let pushed = submit(&slack, &view["id"], "more").await;
    receiver.delivery().await;
    assert_eq!(pushed["view"]["callback_id"], "next");
    assert_eq!(pushed["view"]["previous_view_id"], view["id"]);
    assert_eq!(pushed["modals"].as_array().unwrap().len(), 2);
    // An empty answer closes the submitted view; the one under it shows again.
    let closed = submit(&slack, &pushed["view"]["id"], "fine").await;
    receiver.delivery().await;
    assert_eq!(closed["responseAction"], Value::Null);
    assert_eq!(closed["modals"][0]["id"], view["id"]);
    // Dismissing a modal with notify_on_close sends view_closed.
    let close = json!({"viewId": view["id"], "user": "U0000000003"});
    let dismissed = slack
        .admin(
            Method::POST,
            "interactions/view-closed",
            Some(close.clone()),
        )
        .await
        .expect(200);
    assert_eq!(dismissed["notified"], true);
    let sent = payload(&receiver.delivery().await);
    assert_eq!(sent["type"], "view_closed");
    assert_eq!(sent["view"]["id"], view["id"]);
    assert_eq!(sent["is_cleared"], false);
    assert_eq!(dismissed["modals"], json!([]));
    let gone = slack
        .admin(Method::POST, "interactions/view-closed", Some(close))
        .await;
    assert_eq!(gone.expect(404)["error"], "view_not_found");

    // clear closes the whole stack; a modal without notify_on_close sends nothing on close.
    let view = open(&slack, modal(json!({}))).await;
    receiver.delivery().await;
    let cleared = submit(&slack, &view["id"], "done").await;
    receiver.delivery().await;
    assert_eq!(cleared["responseAction"], "clear");
    assert_eq!(cleared["modals"], json!([]));
    let view = open(&slack, modal(json!({}))).await;
    receiver.delivery().await;
    let close = json!({"viewId": view["id"], "user": "U0000000003"});
    let quiet = slack
        .admin_ok(Method::POST, "interactions/view-closed", Some(close))
        .await;
    assert_eq!(quiet["notified"], false);

    // A closed modal is not updated; one without a submit button is not submitted.
    let update = json!({"view_id": view["id"], "view": modal(json!({}))});
    slack.bot_err("views.update", update, "not_found").await;
    let mut no_submit = modal(json!({}));
    no_submit.as_object_mut().unwrap().remove("submit");
    let info = open(&slack, no_submit).await;
    receiver.delivery().await;
    let submit = json!({"viewId": info["id"], "user": "U0000000003", "values": {"title": "x"}});
    let refused = slack
        .admin(Method::POST, "interactions/view-submission", Some(submit))
        .await;
    assert_eq!(refused.expect(400)["error"], "no_submit_button");

    let view = open(&slack, modal(json!({}))).await;
    receiver.delivery().await;
    for (values, status, error) in [
        (json!({}), 400, "input_required"),
        (json!({"title": "x", "other": "y"}), 404, "action_not_found"),
    ] {
        let submit = json!({"viewId": view["id"], "user": "U0000000003", "values": values});
        let refused = slack
            .admin(Method::POST, "interactions/view-submission", Some(submit))
            .await;
        assert_eq!(refused.expect(status)["error"], error);
    }
}

#[asym::clone("slack", seed = "basic")]
async fn elements_of_views_are_clicked_too(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = acking_app(&slack).await;
    let mut view = modal(json!({}));
    view["blocks"].as_array_mut().unwrap().push(json!({
        "type": "actions", "block_id": "more", "elements": [
            {"type": "button", "action_id": "details", "value": "d",
             "text": {"type": "plain_text", "text": "Details"}}]}));
    let opened = open(&slack, view).await;
    receiver.delivery().await;
    let click = json!({"viewId": opened["id"], "actionId": "details", "user": "U0000000003"});
    let clicked = slack
        .admin_ok(Method::POST, "interactions/action", Some(click))
        .await;
    let sent = payload(&receiver.delivery().await);
    assert_eq!(
        sent["container"],
        json!({"type": "view", "view_id": opened["id"]})
    );
    assert_eq!(sent["view"]["id"], opened["id"]);
    assert_eq!(sent["actions"][0]["value"], "d");
    assert_eq!(sent.get("response_url"), None);
    assert_eq!(clicked.get("responseUrl"), None);
    // The click's trigger pushes onto the modal it came from.
    let push =
        json!({"trigger_id": clicked["triggerId"], "view": modal(json!({"callback_id": "d"}))});
    let pushed = slack.bot_ok("views.push", push).await;
    assert_eq!(pushed["view"]["previous_view_id"], opened["id"]);

    let home = json!({"user_id": "U0000000003", "view": {"type": "home", "blocks": [
        {"type": "actions", "elements": [{"type": "datepicker", "action_id": "day"}]}]}});
    let home = slack.bot_ok("views.publish", home).await["view"].take();
    let click = json!({"viewId": home["id"], "actionId": "day", "user": "U0000000003",
                       "value": "2026-01-31"});
    let clicked = slack
        .admin_ok(Method::POST, "interactions/action", Some(click))
        .await;
    assert_eq!(
        clicked["payload"]["actions"][0]["selected_date"],
        "2026-01-31"
    );
    assert_eq!(clicked["payload"]["view"]["type"], "home");

    let someone_else = json!({"viewId": home["id"], "actionId": "day", "user": "U0000000004"});
    let refused = slack
        .admin(Method::POST, "interactions/action", Some(someone_else))
        .await;
    assert_eq!(refused.expect(404)["error"], "view_not_found");
    let nowhere = json!({"actionId": "day", "user": "U0000000003"});
    let refused = slack
        .admin(Method::POST, "interactions/action", Some(nowhere))
        .await;
    assert_eq!(refused.expect(400)["error"], "invalid_arguments");
}

/// Runs `sql` on the clone's database.
pub(crate) async fn execute(slack: &Api<'_>, sql: &str) {
    let (db, connection) =
        asym_kit::tokio_postgres::connect(slack.database_url(), asym_kit::tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    db.execute(sql, &[]).await.unwrap();
}

/// Ages the clone's rows of `table` by `interval`, as time passing would: the clone has no
/// clock a test can move, and tests do not sleep.
async fn age(slack: &Api<'_>, table: &str, interval: &str) {
    let sql = format!("UPDATE {table} SET created = created - interval '{interval}'");
    execute(slack, &sql).await;
}

#[asym::clone("slack", seed = "basic")]
async fn triggers_and_response_urls_expire(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let _receiver = acking_app(&slack).await;
    let ran = deploy(&slack, "x").await;
    age(&slack, "triggers", "2 seconds").await;
    let args = json!({"trigger_id": ran["triggerId"], "view": modal(json!({}))});
    slack.bot_ok("views.open", args).await;
    let ran = deploy(&slack, "x").await;
    age(&slack, "triggers", "3 seconds").await;
    let args = json!({"trigger_id": ran["triggerId"], "view": modal(json!({}))});
    slack
        .bot_err("views.open", args, "expired_trigger_id")
        .await;

    let url = ran["responseUrl"].as_str().unwrap();
    age(&slack, "response_urls", "29 minutes").await;
    assert_eq!(
        post_response(&slack, url, &json!({"text": "late"})).await.0,
        200
    );
    age(&slack, "response_urls", "1 minute").await;
    let (status, body) = post_response(&slack, url, &json!({"text": "too late"})).await;
    assert_eq!((status, body), (404, json!("expired_url")));
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
    let global = slack
        .admin_ok(Method::POST, "interactions/shortcut", Some(used))
        .await;
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
    let on_message = slack
        .admin_ok(Method::POST, "interactions/shortcut", Some(used))
        .await;
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
        let refused = slack
            .admin(Method::POST, "interactions/shortcut", Some(used))
            .await;
        assert_eq!(refused.expect(status)["error"], error);
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
    let refused = slack
        .admin(Method::POST, "interactions/options", Some(typed.clone()))
        .await;
    assert_eq!(
        refused.expect(409)["error"],
        "options_load_url_not_configured"
    );

    let url = format!("{}/slack/options", receiver.url());
    let set = json!({"url": format!("{}/slack/events", receiver.url()), "optionsLoadUrl": url});
    let config = slack
        .admin_ok(Method::POST, "interactivity", Some(set))
        .await;
    assert_eq!(config["interactivity"]["optionsLoadUrl"], url.as_str());
    let loaded = slack
        .admin_ok(Method::POST, "interactions/options", Some(typed))
        .await;
    let request = receiver.delivery().await;
    assert_eq!(request.uri.path(), "/slack/options");
    assert_signed(&slack, &request);
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
    let clicked = slack
        .admin_ok(Method::POST, "interactions/action", Some(click))
        .await;
    assert_eq!(clicked["payload"]["actions"][0]["selected_option"], chosen);
    receiver.delivery().await;

    let not_external = json!({"channel": "C0000000001", "ts": ts, "actionId": "go",
                              "user": "U0000000003"});
    let refused = slack
        .admin(Method::POST, "interactions/options", Some(not_external))
        .await;
    assert_eq!(refused.expect(400)["error"], "not_external_select");
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
    let refused = slack
        .admin(Method::POST, "interactions/action", Some(bobs))
        .await;
    assert_eq!(refused.expect(404)["error"], "message_not_found");

    let url = clicked["responseUrl"].as_str().unwrap();
    let replaced = json!({"replace_original": true, "text": "Deploying",
                          "blocks": [button("cancel")]});
    assert_eq!(post_response(&slack, url, &replaced).await.0, 200);
    let gone = click(&slack, &ts, "confirm", Value::Null).await;
    assert_eq!(gone.expect(404)["error"], "action_not_found");
    click(&slack, &ts, "cancel", Value::Null).await.expect(200);
    receiver.delivery().await;
    assert_eq!(
        post_response(&slack, url, &json!({"delete_original": true}))
            .await
            .0,
        200
    );
    let gone = click(&slack, &ts, "cancel", Value::Null).await;
    assert_eq!(gone.expect(404)["error"], "message_not_found");
    // The channel's history never held it.
    assert!(
        slack
            .history("C0000000001")
            .await
            .iter()
            .all(|m| m["ts"] != ts.as_str())
    );
}
