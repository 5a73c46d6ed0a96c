//! `reminders.*`, and methods Slack retired or the clone does not serve.

use serde_json::json;

use crate::common::{Api, now};

#[asym::clone("slack", seed = "basic")]
async fn reminders_are_set_listed_completed_and_deleted(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let now = now();
    let added = slack
        .user_ok(
            "reminders.add",
            json!({"text": "eat a banana", "time": "in 5 minutes"}),
        )
        .await;
    let banana = &added["reminder"];
    assert!(banana["id"].as_str().unwrap().starts_with("Rm"), "{added}");
    assert_eq!(
        (&banana["creator"], &banana["user"], &banana["recurring"]),
        (&json!("U0000000001"), &json!("U0000000001"), &json!(false))
    );
    let at = banana["time"].as_i64().unwrap();
    assert!((now + 299..=now + 302).contains(&at), "{added}");
    assert_eq!(banana["complete_ts"], 0);

    let weekly = json!({"frequency": "weekly", "weekdays": ["monday", "friday"]});
    let stretch = slack
        .user_ok(
            "reminders.add",
            json!({"text": "stretch", "time": now + 3 * 86_400, "recurrence": weekly}),
        )
        .await["reminder"]
        .clone();
    assert_eq!(stretch["recurring"], true);
    assert_eq!(stretch["recurrence"], weekly);
    let soon = slack
        .user_ok("reminders.add", json!({"text": "tea", "time": 20}))
        .await;
    assert!(soon["reminder"]["time"].as_i64().unwrap() <= now + 22);

    let listed = slack.user_ok("reminders.list", json!({})).await;
    let texts: Vec<&str> = listed["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["tea", "eat a banana", "stretch"]);
    let info = slack
        .user_ok("reminders.info", json!({"reminder": banana["id"]}))
        .await;
    assert_eq!(&info["reminder"], banana);

    slack
        .user_ok("reminders.complete", json!({"reminder": banana["id"]}))
        .await;
    let done = slack
        .user_ok("reminders.info", json!({"reminder": banana["id"]}))
        .await;
    assert!(done["reminder"]["complete_ts"].as_i64().unwrap() >= now);
    slack
        .user_err(
            "reminders.complete",
            json!({"reminder": stretch["id"]}),
            "cannot_complete_recurring",
        )
        .await;
    slack
        .user_ok_then_err(
            "reminders.delete",
            json!({"reminder": banana["id"]}),
            "not_found",
        )
        .await;

    // Someone else's reminder is not found; the bot cannot use reminders at all.
    let bob = slack.mint("user", Some("U0000000004"), None).await;
    for method in ["reminders.info", "reminders.complete", "reminders.delete"] {
        let args = json!({"reminder": stretch["id"]});
        slack.err(&bob, method, args, "not_found").await;
    }
    slack
        .bot_err("reminders.list", json!({}), "not_allowed_token_type")
        .await;
    let read_only = slack.mint("user", None, Some(&["reminders:read"])).await;
    let args = json!({"text": "x", "time": "in 1 hour"});
    slack.missing_scope(&read_only, "reminders.add", args).await;

    for (args, code) in [
        (json!({"text": "x", "time": "tomorrow"}), "cannot_parse"),
        (
            json!({"text": "x", "time": "every Thursday"}),
            "cannot_parse",
        ),
        (json!({"text": "x", "time": now - 60}), "cannot_parse"),
        (
            json!({"text": "x", "time": now + 6 * 366 * 86_400}),
            "cannot_parse",
        ),
        (json!({"time": "in 5 minutes"}), "invalid_arguments"),
        (json!({"text": "x"}), "invalid_arguments"),
        (
            json!({"text": "x", "time": 60, "recurrence": {"frequency": "hourly"}}),
            "invalid_arguments",
        ),
        (
            json!({"text": "x", "time": 60, "recurrence": {"frequency": "weekly"}}),
            "invalid_arguments",
        ),
        (
            json!({"text": "x", "time": 60, "user": "U0000000003"}),
            "cannot_add_others",
        ),
        (
            json!({"text": "x", "time": 60, "user": "U0000000003",
                   "recurrence": {"frequency": "daily"}}),
            "cannot_add_others_recurring",
        ),
        (
            json!({"text": "x", "time": 60, "user": "U0000000002"}),
            "cannot_add_bot",
        ),
        (
            json!({"text": "x", "time": 60, "user": "USLACKBOT"}),
            "cannot_add_slackbot",
        ),
        (
            json!({"text": "x", "time": 60, "user": "U0NOPE"}),
            "user_not_found",
        ),
    ] {
        slack.user_err("reminders.add", args, code).await;
    }
    for (args, code) in [
        (json!({"reminder": "Rm0000000000"}), "not_found"),
        (json!({}), "invalid_arguments"),
    ] {
        slack.user_err("reminders.info", args, code).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn retired_and_unserved_methods_say_so(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let args = json!({"channels": "C0000000001", "content": "hello", "filename": "a.txt"});
    slack
        .bot_err("files.upload", args, "method_deprecated")
        .await;
    for method in [
        "admin.users.list",
        "calls.add",
        "stars.add",
        "workflows.stepCompleted",
    ] {
        let body = slack.bot_err(method, json!({}), "unknown_method").await;
        assert_eq!(body["req_method"], method);
    }
}
