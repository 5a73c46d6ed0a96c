//! System messages: what the clone posts into a channel, as Slack does, when people join or
//! leave it and when it is renamed, re-topiced, re-purposed, archived or unarchived.

use serde_json::{Value, json};

use crate::common::{Api, fields};

/// The system messages of a channel (those with a `channel_*` subtype), oldest first.
async fn system_messages(slack: &Api<'_>, channel: &str) -> Vec<Value> {
    let mut messages: Vec<Value> = slack
        .history(channel)
        .await
        .into_iter()
        .filter(|m| {
            m["subtype"]
                .as_str()
                .is_some_and(|s| s.starts_with("channel_"))
        })
        .collect();
    messages.reverse();
    messages
}

/// Asserts `message` is a system message of `subtype` from `user` that says `text`.
#[track_caller]
pub(crate) fn assert_system(message: &Value, subtype: &str, user: &str, text: &str) {
    let said = [&message["subtype"], &message["user"], &message["text"]];
    assert_eq!(said, [subtype, user, text], "{message}");
}

/// Asserts `message` is `user`'s `channel_join`, worded as Slack words it.
#[track_caller]
pub(crate) fn assert_joined(message: &Value, user: &str) {
    let text = format!("<@{user}> has joined the channel");
    assert_system(message, "channel_join", user, &text);
}

/// Creates channel `name` as the holder of `token`, who invites `users` (comma-separated);
/// its id.
async fn channel_with(slack: &Api<'_>, token: &str, name: &str, users: &str) -> String {
    let id = slack.create(token, name).await;
    let args = json!({ "channel": id, "users": users });
    slack.ok(token, "conversations.invite", args).await;
    id
}

#[asym::clone("slack", seed = "basic")]
async fn creating_and_joining_post_channel_join(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = slack.create(slack.bot_token(), "incidents").await;
    let messages = slack.history(&id).await;
    assert_eq!(messages.len(), 1, "the creator's join is the first message");
    let join = &messages[0];
    assert_eq!(join["type"], "message");
    assert_joined(join, "U0000000002");
    assert!(join.get("inviter").is_none());
    assert!(join.get("bot_id").is_none());
    assert!(join["ts"].as_str().unwrap().contains('.'));

    let alice = slack.mint("user", Some("U0000000003"), None).await;
    // Joining again changes nothing and says nothing.
    for _ in 0..2 {
        slack
            .ok(&alice, "conversations.join", json!({"channel": id}))
            .await;
    }
    let joins = system_messages(&slack, &id).await;
    assert_eq!(joins.len(), 2);
    assert_joined(&joins[1], "U0000000003");
    assert!(joins[1]["ts"].as_str() > joins[0]["ts"].as_str());

    // A private channel gets the same subtype for its creator.
    let private = slack.create_private(slack.user_token(), "secret").await;
    let joins = system_messages(&slack, &private).await;
    assert_eq!(joins.len(), 1);
    assert_joined(&joins[0], "U0000000001");
}

#[asym::clone("slack", seed = "basic")]
async fn inviting_posts_a_join_per_person_with_the_inviter(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = channel_with(
        &slack,
        slack.bot_token(),
        "launch",
        "U0000000003,U0000000004",
    )
    .await;
    let joins = system_messages(&slack, &id).await;
    assert_eq!(joins.len(), 3, "{joins:?}");
    assert_eq!(
        fields(&joins[1..], ["user", "inviter", "text"]),
        [
            [
                "U0000000003",
                "U0000000002",
                "<@U0000000003> has joined the channel"
            ],
            [
                "U0000000004",
                "U0000000002",
                "<@U0000000004> has joined the channel"
            ],
        ]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn leaving_and_being_kicked_post_channel_leave(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = channel_with(
        &slack,
        slack.user_token(),
        "standup",
        "U0000000002,U0000000003",
    )
    .await;
    // Leaving a second time, no longer a member, posts nothing.
    for _ in 0..2 {
        slack
            .bot_ok("conversations.leave", json!({"channel": id}))
            .await;
    }
    slack
        .user_ok(
            "conversations.kick",
            json!({"channel": id, "user": "U0000000003"}),
        )
        .await;
    let leaves: Vec<Value> = system_messages(&slack, &id)
        .await
        .into_iter()
        .filter(|m| m["subtype"] == "channel_leave")
        .collect();
    assert_eq!(
        fields(&leaves, ["user", "text"]),
        [
            ["U0000000002", "<@U0000000002> has left the channel"],
            ["U0000000003", "<@U0000000003> has left the channel"],
        ]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn renaming_posts_channel_name(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = slack.create(slack.user_token(), "random-ideas").await;
    // The second time, the same name again, is no rename.
    for _ in 0..2 {
        slack
            .user_ok(
                "conversations.rename",
                json!({"channel": id, "name": "watercooler"}),
            )
            .await;
    }
    let messages = system_messages(&slack, &id).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    let renamed = &messages[1];
    assert_system(
        renamed,
        "channel_name",
        "U0000000001",
        "<@U0000000001> has renamed the channel from \"random-ideas\" to \"watercooler\"",
    );
    assert_eq!(renamed["old_name"], "random-ideas");
    assert_eq!(renamed["name"], "watercooler");
}

#[asym::clone("slack", seed = "basic")]
async fn topics_and_purposes_post_their_messages(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for (token, method, field, value) in [
        (
            slack.bot_token(),
            "conversations.setTopic",
            "topic",
            "Ship it",
        ),
        (
            slack.user_token(),
            "conversations.setPurpose",
            "purpose",
            "Launch planning",
        ),
        (slack.user_token(), "conversations.setTopic", "topic", ""),
    ] {
        let args = json!({"channel": "C0000000001", field: value});
        slack.ok(token, method, args).await;
    }
    let messages = system_messages(&slack, "C0000000001").await;
    assert_eq!(
        fields(&messages, ["subtype", "user", "text"]),
        [
            [
                "channel_topic",
                "U0000000002",
                "<@U0000000002> set the channel topic: Ship it"
            ],
            [
                "channel_purpose",
                "U0000000001",
                "<@U0000000001> set the channel purpose: Launch planning"
            ],
            [
                "channel_topic",
                "U0000000001",
                "<@U0000000001> cleared channel topic"
            ],
        ]
    );
    assert_eq!(messages[0]["topic"], "Ship it");
    assert_eq!(messages[1]["purpose"], "Launch planning");
    assert_eq!(messages[2]["topic"], "");
}

#[asym::clone("slack", seed = "basic")]
async fn archiving_and_unarchiving_post_their_messages(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = slack.create(slack.bot_token(), "phoenix").await;
    slack
        .bot_ok("conversations.archive", json!({"channel": id}))
        .await;
    // An archived channel's history stays readable, its archiving last.
    let messages = system_messages(&slack, &id).await;
    let archived = messages.last().unwrap();
    assert_system(
        archived,
        "channel_archive",
        "U0000000002",
        "<@U0000000002> archived the channel",
    );
    slack
        .user_ok("conversations.unarchive", json!({"channel": id}))
        .await;
    let messages = system_messages(&slack, &id).await;
    assert_eq!(
        fields(&messages, ["subtype"]).concat(),
        ["channel_join", "channel_archive", "channel_unarchive"]
    );
    let unarchived = messages.last().unwrap();
    assert_system(
        unarchived,
        "channel_unarchive",
        "U0000000001",
        "<@U0000000001> un-archived the channel",
    );
}

#[asym::clone("slack", seed = "basic")]
async fn group_dms_get_no_system_messages(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = slack.open("U0000000003,U0000000004").await;
    let body = slack
        .bot_ok("conversations.history", json!({"channel": id}))
        .await;
    assert_eq!(body["messages"], json!([]));
}
