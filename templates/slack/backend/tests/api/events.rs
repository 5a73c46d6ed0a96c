//! The Events API, delivered to a receiver the test runs on loopback.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use asym_kit::testing::{Received, Receiver, assert_prefix};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, assert_signed, fields, ok};
use crate::system::assert_joined;

/// How the test's app answers a callback: the URL verification's challenge echoed (as Slack
/// requires of a Request URL), 500 to the first `failures` other callbacks, then 200.
fn slack_app(failures: u32) -> impl Fn(&Received) -> (u16, String) + Send + Sync + 'static {
    let failures_left = AtomicU32::new(failures);
    move |received| {
        let body: Value = serde_json::from_slice(&received.body).unwrap_or(Value::Null);
        if body["type"] == "url_verification" {
            return (
                200,
                body["challenge"].as_str().unwrap_or_default().to_owned(),
            );
        }
        let failing = failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        (if failing { 500 } else { 200 }, String::new())
    }
}

/// Starts a receiver on 127.0.0.1 that answers the URL verification challenge and fails the
/// first `failures` callbacks, and subscribes it to `events`; returns the receiver and the
/// URL verification it answered.
async fn subscription(slack: &Api<'_>, failures: u32, events: Value) -> (Receiver, Received) {
    let receiver = Receiver::start().await;
    receiver.respond_with(slack_app(failures));
    let url = format!("{}/slack/events", receiver.url());
    let body = json!({"url": url, "retryDelaysMs": [50, 50, 50], "events": events});
    slack.admin_ok(Method::POST, "events", Some(body)).await;
    let verification = receiver.delivery().await;
    assert_eq!(verification.json()["type"], "url_verification");
    (receiver, verification)
}

/// [`subscription`]'s receiver, past the URL verification: what it gets next are callbacks.
pub(crate) async fn subscribe(slack: &Api<'_>, failures: u32, events: Value) -> Receiver {
    subscription(slack, failures, events).await.0
}

/// The `event` of the next callback the receiver gets.
pub(crate) async fn next_event(receiver: &Receiver) -> Value {
    receiver.delivery().await.json()["event"].take()
}

/// Awaits `call`, a Web API call, asserting `ok: true`; the event it sends the receiver.
async fn event_of(receiver: &Receiver, call: impl Future<Output = Value>) -> Value {
    ok(call.await);
    next_event(receiver).await
}

#[asym::clone("slack", seed = "basic")]
async fn subscribing_verifies_the_url_then_events_arrive_signed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (receiver, verification) = subscription(&slack, 0, json!([])).await;
    assert_signed(&slack, &verification);

    let posted = slack
        .post(slack.user_token(), "C0000000001", "hello events")
        .await;
    let callback = receiver.delivery().await;
    assert_signed(&slack, &callback);
    let envelope = callback.json();
    assert_eq!(envelope["type"], "event_callback");
    assert_eq!(envelope["team_id"], "T0000000001");
    assert_eq!(envelope["api_app_id"], "A0000000001");
    assert_prefix(&envelope["event_id"], "Ev");
    assert_eq!(envelope["authorizations"][0]["user_id"], "U0000000002");
    let event = &envelope["event"];
    assert_eq!(event["type"], "message");
    assert_eq!(event["text"], "hello events");
    assert_eq!(event["user"], "U0000000001");
    assert_eq!(event["channel"], "C0000000001");
    assert_eq!(event["channel_type"], "channel");
    assert_eq!(event["ts"], posted["ts"]);

    let args = json!({"channel": "C0000000001", "timestamp": posted["ts"], "name": "eyes"});
    let reaction = event_of(&receiver, slack.user("reactions.add", args)).await;
    assert_eq!(reaction["type"], "reaction_added");
    assert_eq!(reaction["reaction"], "eyes");
    assert_eq!(reaction["item"]["ts"], posted["ts"]);

    // Only conversations the bot is in: #random is not, until it joins.
    slack
        .post(slack.user_token(), "C0000000002", "unseen")
        .await;
    let args = json!({"channel": "C0000000002"});
    let joined = event_of(&receiver, slack.bot("conversations.join", args)).await;
    assert_eq!(joined["type"], "member_joined_channel");
    assert_eq!(joined["user"], "U0000000002");
    assert_eq!(joined["channel"], "C0000000002");
    // Then the channel_join message Slack posts, as a message event.
    let message = next_event(&receiver).await;
    assert_eq!(message["type"], "message");
    assert_joined(&message, "U0000000002");
    assert_eq!(message["channel"], "C0000000002");
    assert_eq!(message["channel_type"], "channel");

    let id = slack.create(slack.user_token(), "fresh").await;
    let announced = next_event(&receiver).await;
    assert_eq!(announced["type"], "channel_created");
    assert_eq!(announced["channel"]["id"], id.as_str());

    let args = json!({"channel": "C0000000001", "ts": posted["ts"], "text": "edited"});
    let changed = event_of(&receiver, slack.user("chat.update", args)).await;
    assert_eq!(changed["subtype"], "message_changed");
    assert_eq!(changed["message"]["text"], "edited");
    assert_eq!(changed["previous_message"]["text"], "hello events");

    // The receiver has seen the last event; the listing waits for its answer's record.
    let deliveries = slack.admin(Method::GET, "events/deliveries", None).await;
    let list = deliveries.body["deliveries"].as_array().unwrap();
    assert_eq!(list.len(), 6, "{list:?}");
    for delivery in list {
        assert_eq!(delivery["status"], "delivered", "{delivery}");
        assert_eq!(delivery["attempts"], 1, "{delivery}");
    }
}

#[asym::clone("slack", seed = "basic")]
async fn failed_deliveries_are_retried_with_their_number(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 2, json!(["message.channels"])).await;
    slack
        .post(slack.bot_token(), "C0000000001", "retry me")
        .await;
    let first = receiver.delivery().await;
    let second = receiver.delivery().await;
    let third = receiver.delivery().await;
    assert_eq!(first.header("x-slack-retry-num"), None);
    assert_eq!(second.header("x-slack-retry-num"), Some("1"));
    assert_eq!(second.header("x-slack-retry-reason"), Some("http_error"));
    assert_eq!(third.header("x-slack-retry-num"), Some("2"));
    assert_eq!(first.json()["event_id"], third.json()["event_id"]);
    assert_signed(&slack, &third);
    // Filtered: a reaction is not among the subscribed events.
    slack
        .bot_ok(
            "reactions.add",
            json!({"channel": "C0000000001", "timestamp": "1700000100.000100", "name": "eyes"}),
        )
        .await;
    assert!(receiver.next(Duration::from_millis(700)).await.is_none());
    let deliveries = slack.admin(Method::GET, "events/deliveries", None).await;
    let delivery = &deliveries.body["deliveries"][0];
    assert_eq!(delivery["attempts"], 3);
    assert_eq!(delivery["lastStatus"], 200);
}

#[asym::clone("slack", seed = "basic")]
async fn a_url_that_fails_the_challenge_is_refused(slack: asym::Slack) {
    let slack = Api::new(&slack);
    // It answers 200 with an empty body, not the challenge.
    let receiver = asym_kit::testing::Receiver::start().await;
    let subscription = json!({ "url": receiver.url() });
    let refused = slack
        .admin(Method::POST, "events", Some(subscription))
        .await;
    assert_eq!(refused.expect(400)["error"], "url_verification_failed");
    let body = slack.admin_ok(Method::GET, "events", None).await;
    assert_eq!(body["subscription"], Value::Null);
}

#[asym::clone("slack", seed = "basic")]
async fn system_messages_arrive_as_message_events(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["message.channels"])).await;
    let id = slack.create(slack.bot_token(), "ops").await;
    let steps = [
        (
            "conversations.rename",
            json!({"channel": id, "name": "ops-2"}),
        ),
        (
            "conversations.setTopic",
            json!({"channel": id, "topic": "Pager rota"}),
        ),
        (
            "conversations.setPurpose",
            json!({"channel": id, "purpose": "On call"}),
        ),
        (
            "conversations.invite",
            json!({"channel": id, "users": "U0000000003"}),
        ),
        (
            "conversations.kick",
            json!({"channel": id, "user": "U0000000003"}),
        ),
        ("conversations.archive", json!({"channel": id})),
    ];
    for (method, args) in steps {
        slack.bot_ok(method, args).await;
    }
    let mut events = Vec::new();
    for _ in 0..7 {
        events.push(next_event(&receiver).await);
    }
    assert_eq!(
        fields(&events, ["subtype"]).concat(),
        [
            "channel_join",
            "channel_name",
            "channel_topic",
            "channel_purpose",
            "channel_join",
            "channel_leave",
            "channel_archive"
        ]
    );
    for event in &events {
        assert_eq!(event["type"], "message");
        assert_eq!(event["channel"], id.as_str());
        assert_eq!(event["channel_type"], "channel");
        assert_eq!(event["event_ts"], event["ts"]);
    }
    assert_eq!(events[0]["user"], "U0000000002");
    assert_eq!(events[1]["old_name"], "ops");
    assert_eq!(events[1]["name"], "ops-2");
    assert_eq!(events[2]["topic"], "Pager rota");
    assert_eq!(events[3]["purpose"], "On call");
    assert_eq!(events[4]["user"], "U0000000003");
    assert_eq!(events[4]["inviter"], "U0000000002");
    assert_eq!(events[5]["user"], "U0000000003");
    assert_eq!(events[6]["text"], "<@U0000000002> archived the channel");
}

#[asym::clone("slack", seed = "basic")]
async fn mentioning_the_bot_sends_app_mention(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["app_mention"])).await;
    // Not delivered: the bot mentioning itself, a channel the bot is not in, a mention of
    // someone else.
    for (token, channel, text) in [
        (slack.bot_token(), "C0000000001", "I am <@U0000000002>"),
        (
            slack.user_token(),
            "C0000000002",
            "<@U0000000002> over here",
        ),
        (slack.user_token(), "C0000000001", "<@U0000000003> hi"),
    ] {
        slack.post(token, channel, text).await;
    }
    let args = json!({"channel": "C0000000001", "text": "<@U0000000002> deploy please",
                      "thread_ts": "1700000200.000200"});
    let posted = slack.user_ok("chat.postMessage", args).await;
    let event = next_event(&receiver).await;
    assert_eq!(event["type"], "app_mention");
    assert_eq!(event["user"], "U0000000001");
    assert_eq!(event["text"], "<@U0000000002> deploy please");
    assert_eq!(event["channel"], "C0000000001");
    assert_eq!(event["ts"], posted["ts"]);
    assert_eq!(event["event_ts"], posted["ts"]);
    assert_eq!(event["thread_ts"], "1700000200.000200");
    assert!(event.get("channel_type").is_none(), "{event}");
}

#[asym::clone("slack", seed = "basic")]
async fn profile_and_user_group_changes_send_their_events(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let events = json!([
        "user_change",
        "subteam_created",
        "subteam_updated",
        "subteam_members_changed"
    ]);
    let receiver = subscribe(&slack, 0, events).await;
    let status = json!({"profile": {"status_text": "On call"}});
    let changed = event_of(&receiver, slack.user("users.profile.set", status)).await;
    assert_eq!(changed["type"], "user_change");
    assert_eq!(changed["user"]["id"], "U0000000001");
    assert_eq!(changed["user"]["profile"]["status_text"], "On call");

    let created = slack
        .bot_ok("usergroups.create", json!({"name": "On Call"}))
        .await;
    let id = created["usergroup"]["id"].as_str().unwrap().to_owned();
    let event = next_event(&receiver).await;
    assert_eq!(event["type"], "subteam_created");
    assert_eq!(event["subteam"]["id"], id.as_str());
    assert_eq!(event["subteam"]["user_count"], 0);

    let members = json!({"usergroup": id, "users": "U0000000003,U0000000004"});
    slack.bot_ok("usergroups.users.update", members).await;
    let mut pair = [next_event(&receiver).await, next_event(&receiver).await];
    pair.sort_by_key(|e| e["type"].as_str().unwrap().to_owned());
    assert_eq!(pair[0]["type"], "subteam_members_changed");
    assert_eq!(pair[0]["subteam_id"], id.as_str());
    assert_eq!(
        pair[0]["added_users"],
        json!(["U0000000003", "U0000000004"])
    );
    assert_eq!(pair[0]["added_users_count"], "2");
    assert_eq!(pair[0]["removed_users"], json!([]));
    assert_eq!(pair[1]["type"], "subteam_updated");
    assert_eq!(
        pair[1]["subteam"]["users"],
        json!(["U0000000003", "U0000000004"])
    );
}

#[asym::clone("slack", seed = "basic")]
async fn revoking_a_token_sends_tokens_revoked(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["tokens_revoked"])).await;
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    slack.call(&alice, "auth.revoke", json!({})).await;
    let event = next_event(&receiver).await;
    assert_eq!(event["type"], "tokens_revoked");
    assert_eq!(event["tokens"], json!({"oauth": ["U0000000003"]}));
}

/// `apps.event.authorizations.list`: an event's `event_context` names the installations it is
/// visible to (the app's one, its bot), to an app-level token holding `authorizations:read`.
#[asym::clone("slack", seed = "basic")]
async fn an_events_context_lists_its_authorizations(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!(["message.channels"])).await;
    slack.post(slack.bot_token(), "C0000000001", "hello").await;
    let envelope = receiver.delivery().await.json();
    let context = envelope["event_context"].as_str().unwrap().to_owned();
    let app = slack
        .mint("app", None, Some(&["authorizations:read"]))
        .await;
    let method = "apps.event.authorizations.list";
    let listed = slack
        .ok(&app, method, json!({"event_context": context}))
        .await;
    assert_eq!(listed["authorizations"], envelope["authorizations"]);
    assert_eq!(listed["response_metadata"]["next_cursor"], "");

    let other = format!("4-{}", asym_kit::cursor::encode("T0NOPE:Ev0000000001"));
    for (args, error) in [
        (json!({}), "invalid_arguments"),
        (json!({"event_context": "4-nope"}), "invalid_event_context"),
        (json!({"event_context": other}), "invalid_event_context"),
        (
            json!({"event_context": context, "cursor": "bm9wZQ=="}),
            "invalid_cursor",
        ),
    ] {
        slack.err(&app, method, args, error).await;
    }
    let args = json!({"event_context": context});
    slack
        .err(
            slack.bot_token(),
            method,
            args.clone(),
            "not_allowed_token_type",
        )
        .await;
    let refused = slack
        .missing_scope(slack.app_token(), method, args.clone())
        .await;
    assert_eq!(refused["needed"], "authorizations:read");
    slack.err("xapp-1-nope", method, args, "invalid_auth").await;
}
