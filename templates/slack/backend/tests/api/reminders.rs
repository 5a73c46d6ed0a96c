//! `reminders.*`, and methods Slack retired or the clone does not serve.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, now, refused};
use crate::events::{next_event, subscribe};

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

/// Sets a reminder with the seed's user token; the reminder object.
async fn add(slack: &Api<'_>, args: Value) -> Value {
    slack.user_ok("reminders.add", args).await["reminder"].take()
}

/// Makes `reminder` come due now through the admin surface (the clone has no clock a test
/// can move); the reply.
async fn come_due(slack: &Api<'_>, reminder: &Value) -> asym_kit::testing::Reply {
    let id = reminder["id"].as_str().unwrap();
    slack
        .admin(Method::POST, &format!("reminders/{id}/due"), None)
        .await
}

/// [`come_due`], asserting it was posted.
async fn post_now(slack: &Api<'_>, reminder: &Value) {
    let posted = come_due(slack, reminder).await.expect(200);
    assert!(
        posted["posted"]
            .as_array()
            .unwrap()
            .contains(&reminder["id"]),
        "{posted}"
    );
}

#[asym::clone("slack", seed = "basic")]
async fn slackbot_posts_reminders_when_due(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = subscribe(&slack, 0, json!([])).await;
    let banana = add(
        &slack,
        json!({"text": "eat a banana", "time": "in 5 minutes"}),
    )
    .await;
    let tea = add(&slack, json!({"text": "tea", "time": "in 1 hour"})).await;
    let daily = json!({"frequency": "daily"});
    let stretch = add(
        &slack,
        json!({"text": "stretch", "time": now() + 3_600, "recurrence": daily}),
    )
    .await;

    // An hour passes for tea (as `age` ages rows), and banana comes due through the admin
    // surface, which answers once every due reminder is posted.
    let id = tea["id"].as_str().unwrap();
    slack
        .execute(&format!(
            "UPDATE reminders SET next_at = next_at - 3600 WHERE id = '{id}'"
        ))
        .await;
    post_now(&slack, &banana).await;
    let args = json!({"users": "USLACKBOT"});
    let dm = slack.user_ok("conversations.open", args).await["channel"]["id"].take();
    let dm = dm.as_str().unwrap();
    let mut texts = slack.texts(dm).await;
    texts.sort();
    assert_eq!(texts, ["Reminder: eat a banana.", "Reminder: tea."]);
    for message in slack.history(dm).await {
        assert_eq!(
            (&message["type"], &message["user"], &message["bot_id"]),
            (&json!("message"), &json!("USLACKBOT"), &json!("B01")),
            "{message}"
        );
        for absent in ["subtype", "bot_profile", "blocks"] {
            assert!(message.get(absent).is_none(), "{absent}: {message}");
        }
    }

    // A one-off reminder that was posted reads as before (not complete) and is not posted
    // again; a completed one is never posted.
    let info = slack
        .user_ok("reminders.info", json!({"reminder": banana["id"]}))
        .await;
    assert_eq!(info["reminder"], banana);
    let later = add(&slack, json!({"text": "later", "time": "in 2 hours"})).await;
    slack
        .user_ok("reminders.complete", json!({"reminder": later["id"]}))
        .await;
    for reminder in [&banana, &later] {
        refused(come_due(&slack, reminder).await, 409, "not_pending");
    }
    refused(
        come_due(&slack, &json!({"id": "Rm0000000000"})).await,
        404,
        "not_found",
    );

    // A recurring reminder is posted at each occurrence and stays as it was.
    for _ in 0..2 {
        post_now(&slack, &stretch).await;
    }
    let posted = slack.texts(dm).await;
    let stretches = posted.iter().filter(|t| *t == "Reminder: stretch.").count();
    assert_eq!(stretches, 2, "{posted:?}");
    let listed = slack.user_ok("reminders.list", json!({})).await;
    assert!(listed["reminders"].as_array().unwrap().contains(&stretch));

    // The app's bot is not in the person's DM with Slackbot, so the app saw none of it: its
    // next event is the post that follows.
    slack
        .post(slack.user_token(), "C0000000001", "after the reminders")
        .await;
    assert_eq!(next_event(&receiver).await["text"], "after the reminders");
}

#[asym::clone("slack", seed = "basic")]
async fn recurring_reminders_recur_at_the_same_local_time(slack: asym::Slack) {
    // Fri 2027-01-15 08:00 UTC; Sun 2027-01-31 17:00 UTC; Sat 2027-03-13 09:00 in Los Angeles,
    // the day before its clocks go forward.
    let (friday, last_of_january, before_dst) =
        (1_800_000_000_i64, 1_801_414_800_i64, 1_804_957_200_i64);
    for (first, recurrence, tz, after, next) in [
        (
            friday,
            r#"{"frequency":"daily"}"#,
            "UTC",
            friday,
            friday + 86_400,
        ),
        (
            friday,
            r#"{"frequency":"daily"}"#,
            "UTC",
            friday + 10 * 86_400 + 1,
            friday + 11 * 86_400,
        ),
        (
            friday,
            r#"{"frequency":"weekly","weekdays":["monday","wednesday"]}"#,
            "UTC",
            friday,
            1_800_259_200,
        ),
        (
            friday,
            r#"{"frequency":"yearly"}"#,
            "UTC",
            friday,
            1_831_536_000,
        ),
        (
            last_of_january,
            r#"{"frequency":"monthly"}"#,
            "UTC",
            last_of_january,
            1_803_834_000,
        ),
        (
            last_of_january,
            r#"{"frequency":"monthly"}"#,
            "UTC",
            1_803_834_000,
            1_806_512_400,
        ),
        (
            before_dst,
            r#"{"frequency":"daily"}"#,
            "America/Los_Angeles",
            before_dst,
            before_dst + 23 * 3_600,
        ),
    ] {
        let sql =
            format!("SELECT slack_next_occurrence({first}, '{recurrence}', '{tz}', {after})::text");
        let found = slack.column(&sql).await.unwrap();
        assert_eq!(
            found,
            [next.to_string()],
            "{recurrence} in {tz} after {after}"
        );
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
        "rtm.connect",
        "workflows.featured.list",
        "workflows.stepCompleted",
    ] {
        let body = slack.bot_err(method, json!({}), "unknown_method").await;
        assert_eq!(body["req_method"], method);
    }
}
