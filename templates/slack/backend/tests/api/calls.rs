//! `calls.*` (the Calls API).

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn a_call_is_registered_updated_joined_and_ended(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let external = json!({"external_id": "ext-1", "display_name": "Guest", "avatar_url": "https://example.com/a.png"});
    let added = slack
        .bot_ok(
            "calls.add",
            json!({
                "external_unique_id": "meet-1",
                "join_url": "https://meet.example.com/1",
                "created_by": "U0000000003",
                "title": "Standup",
                "date_start": 1_700_000_000,
                "users": [{"slack_id": "U0000000003"}, external],
            }),
        )
        .await;
    let call = &added["call"];
    let id = call["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('R'), "{id}");
    assert_eq!(call["date_start"], 1_700_000_000);
    assert_eq!(call["external_unique_id"], "meet-1");
    assert_eq!(call["join_url"], "https://meet.example.com/1");
    assert_eq!(call["title"], "Standup");
    assert_eq!(
        call["users"],
        json!([{"slack_id": "U0000000003"}, external])
    );
    assert!(call.get("date_end").is_none(), "{call}");
    assert!(call.get("desktop_app_join_url").is_none(), "{call}");

    let updated = slack
        .bot_ok(
            "calls.update",
            json!({"id": id, "title": "Standup (moved)", "desktop_app_join_url": "meet://1"}),
        )
        .await;
    assert_eq!(updated["call"]["title"], "Standup (moved)");
    assert_eq!(updated["call"]["desktop_app_join_url"], "meet://1");
    assert_eq!(updated["call"]["join_url"], "https://meet.example.com/1");

    let bob = json!([{"slack_id": "U0000000004"}]);
    slack
        .bot_ok_then_err(
            "calls.participants.add",
            json!({"id": id, "users": bob}),
            "bad_users",
        )
        .await;
    slack
        .bot_ok_then_err(
            "calls.participants.remove",
            json!({"id": id, "users": [{"external_id": "ext-1", "display_name": "Guest"}]}),
            "bad_users",
        )
        .await;
    let info = slack.user_ok("calls.info", json!({"id": id})).await;
    assert_eq!(
        info["call"]["users"],
        json!([{"slack_id": "U0000000003"}, {"slack_id": "U0000000004"}])
    );

    slack
        .bot_ok_then_err(
            "calls.end",
            json!({"id": id, "duration": 1800}),
            "inactive_call",
        )
        .await;
    let ended = slack.bot_ok("calls.info", json!({"id": id})).await;
    assert_eq!(ended["call"]["date_end"], 1_700_001_800);
    slack
        .bot_err(
            "calls.participants.add",
            json!({"id": id, "users": [{"slack_id": "U0000000005"}]}),
            "inactive_call",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn calls_refuse_what_slack_refuses(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let base = json!({"external_unique_id": "meet-2", "join_url": "https://meet.example.com/2"});
    // A person's call is theirs; a bot names who created it.
    let mine = slack.user_ok("calls.add", base.clone()).await;
    let id = mine["call"]["id"].as_str().unwrap().to_owned();
    assert!(mine["call"]["date_start"].as_i64().unwrap() > 1_700_000_000);
    for (args, code) in [
        (base.clone(), "invalid_created_by"),
        (
            json!({"external_unique_id": "x", "join_url": "https://j", "created_by": "U0000099999"}),
            "invalid_created_by",
        ),
        (
            json!({"external_unique_id": "x", "join_url": "https://j", "created_by": "U0000000003", "date_start": "soon"}),
            "invalid_start_time",
        ),
        (
            json!({"external_unique_id": "x", "join_url": "https://j", "created_by": "U0000000003", "users": [{"slack_id": "U0000099999"}]}),
            "user_not_found",
        ),
        (
            json!({"external_unique_id": "x", "join_url": "https://j", "created_by": "U0000000003", "users": [{"display_name": "Nobody"}]}),
            "invalid_arguments",
        ),
        (
            json!({"join_url": "https://j", "created_by": "U0000000003"}),
            "invalid_arguments",
        ),
    ] {
        slack.bot_err("calls.add", args, code).await;
    }
    for (method, args, code) in [
        (
            "calls.info",
            json!({"id": "R0000000000"}),
            "invalid_call_id",
        ),
        (
            "calls.update",
            json!({"id": "R0000000000", "title": "t"}),
            "invalid_call_id",
        ),
        ("calls.end", json!({"id": "R0000000000"}), "invalid_call_id"),
        (
            "calls.participants.add",
            json!({"id": "R0000000000", "users": [{"slack_id": "U0000000003"}]}),
            "invalid_call_id",
        ),
        (
            "calls.participants.add",
            json!({"id": id}),
            "missing_argument",
        ),
        (
            "calls.participants.remove",
            json!({"users": [{"slack_id": "U0000000003"}]}),
            "missing_argument",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    let reader = slack.mint("bot", None, Some(&["calls:read"])).await;
    slack.missing_scope(&reader, "calls.add", base).await;
    slack.ok(&reader, "calls.info", json!({"id": id})).await;
}
