//! `dnd.*`.

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn snoozes_show_in_dnd_info(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let quiet = slack.user_ok("dnd.info", json!({})).await;
    assert_eq!(quiet["dnd_enabled"], false);
    assert_eq!(quiet["next_dnd_start_ts"], 1);
    assert_eq!(quiet["snooze_enabled"], false);

    let snoozed = slack
        .user_ok("dnd.setSnooze", json!({"num_minutes": 30}))
        .await;
    assert_eq!(snoozed["snooze_enabled"], true);
    let remaining = snoozed["snooze_remaining"].as_i64().unwrap();
    assert!((1790..=1800).contains(&remaining), "{snoozed}");
    let mine = slack.user_ok("dnd.info", json!({})).await;
    assert_eq!(mine["snooze_endtime"], snoozed["snooze_endtime"]);
    // Another person's snooze is theirs: the bot sees only the schedule.
    let theirs = slack
        .bot_ok("dnd.info", json!({"user": "U0000000001"}))
        .await;
    assert!(theirs.get("snooze_enabled").is_none(), "{theirs}");
    let team = slack
        .bot_ok("dnd.teamInfo", json!({"users": "U0000000001,U0000000003"}))
        .await;
    assert_eq!(team["users"]["U0000000003"]["dnd_enabled"], false);

    let ended = slack.user_ok("dnd.endSnooze", json!({})).await;
    assert_eq!(ended["snooze_enabled"], false);
    slack
        .user_err("dnd.endSnooze", json!({}), "snooze_not_active")
        .await;
    for (method, args, code) in [
        (
            "dnd.setSnooze",
            json!({"num_minutes": 5}),
            "not_allowed_token_type",
        ),
        ("dnd.info", json!({"user": "U0NOPE"}), "user_not_found"),
    ] {
        slack.bot_err(method, args, code).await;
    }
    slack
        .user_err("dnd.setSnooze", json!({}), "invalid_arguments")
        .await;
}
