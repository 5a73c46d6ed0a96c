//! `api.test`, `auth.test`, `team.info`, `team.profile.get`, `team.preferences.list`,
//! `bots.info`, `emoji.list`, and
//! bot vs user identities.

use asym_kit::testing::assert_suffix;
use serde_json::json;

use crate::common::{Api, err, ok};

#[asym::clone("slack", seed = "basic")]
async fn auth_test_tells_bot_and_user_tokens_apart(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let bot = slack.bot_ok("auth.test", json!({})).await;
    assert_eq!(bot["user_id"], "U0000000002");
    assert_eq!(bot["bot_id"], "B0000000001");
    assert_eq!(bot["team"], "Acme");
    assert_suffix(&bot["url"], "/");
    let user = ok(slack.form(slack.user_token(), "auth.test", &[]).await);
    assert_eq!(user["user_id"], "U0000000001");
    assert_eq!(user["user"], "admin");
    assert!(user.get("bot_id").is_none());

    slack
        .err("xoxb-0-0-nope", "auth.test", json!({}), "invalid_auth")
        .await;
    err(slack.form("", "auth.test", &[]).await, "not_authed");
}

#[asym::clone("slack", seed = "basic")]
async fn api_test_echoes_and_fails_on_request(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = ok(slack.form("", "api.test", &[("foo", "bar")]).await);
    assert_eq!(body["args"], json!({"foo": "bar"}));
    let body = err(
        slack.form("", "api.test", &[("error", "my_error")]).await,
        "my_error",
    );
    assert_eq!(body["args"]["error"], "my_error");
}

#[asym::clone("slack", seed = "basic")]
async fn team_and_bot_info(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let team = slack.bot_ok("team.info", json!({})).await;
    assert_eq!(team["team"]["id"], "T0000000001");
    assert_eq!(team["team"]["domain"], "acme");
    let bot = slack
        .user_ok("bots.info", json!({"bot": "B0000000001"}))
        .await;
    assert_eq!(bot["bot"]["user_id"], "U0000000002");
    assert_eq!(bot["bot"]["app_id"], "A0000000001");
    for (token, method, args, code) in [
        (
            slack.bot_token(),
            "team.info",
            json!({"team": "T999"}),
            "team_not_found",
        ),
        (
            slack.user_token(),
            "bots.info",
            json!({"bot": "B999"}),
            "bot_not_found",
        ),
    ] {
        slack.err(token, method, args, code).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn missing_scopes_name_what_is_needed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let token = slack.mint("bot", None, Some(&["channels:read"])).await;
    let user = slack
        .mint("user", Some("U0000000003"), Some(&["channels:read"]))
        .await;
    slack.ok(&token, "conversations.list", json!({})).await;
    let general = json!({"channel": "C0000000001", "text": "x"});
    let random = json!({"channel": "C0000000002"});
    // Bot and user tokens name the scope of their kind.
    for (token, method, args, needed) in [
        (&token, "team.info", json!({}), "team:read"),
        (&token, "chat.postMessage", general, "chat:write"),
        (
            &token,
            "conversations.join",
            random.clone(),
            "channels:join",
        ),
        (&user, "conversations.join", random, "channels:write"),
    ] {
        let body = slack.missing_scope(token, method, args).await;
        assert_eq!(body["needed"], needed, "{method}");
        assert_eq!(body["provided"], "channels:read", "{method}");
    }
}

#[asym::clone("slack", seed = "acme-corp")]
async fn emoji_list_names_custom_emoji_and_aliases(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack.bot_ok("emoji.list", json!({})).await;
    assert_eq!(
        body["emoji"],
        json!({
            "shipit": "https://emoji.slack-edge.com/T0000000001/shipit/5a1e9c0f3b.png",
            "squirrel": "alias:shipit",
        })
    );
    assert_eq!(body["cache_ts"], "1700000001.000000");
    let token = slack.mint("bot", None, Some(&["users:read"])).await;
    let refused = slack.missing_scope(&token, "emoji.list", json!({})).await;
    assert_eq!(refused["needed"], "emoji:read");
}

#[asym::clone("slack", seed = "basic")]
async fn the_workspace_defines_no_custom_profile_fields(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let body = slack.bot_ok("team.profile.get", json!({})).await;
    assert_eq!(body["profile"], json!({"fields": []}));
    let token = slack.mint("bot", None, Some(&["team:read"])).await;
    let refused = slack
        .missing_scope(&token, "team.profile.get", json!({}))
        .await;
    assert_eq!(refused["needed"], "users.profile:read");
}

/// `team.preferences.list` answers Slack's defaults (no `allow_message_deletion`, which Slack
/// deprecated) to a token holding `team.preferences:read`.
#[asym::clone("slack", seed = "basic")]
async fn team_preferences_are_slacks_defaults(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let token = slack
        .mint("bot", None, Some(&["team.preferences:read"]))
        .await;
    let prefs = slack.ok(&token, "team.preferences.list", json!({})).await;
    for (key, value) in [
        ("msg_edit_window_mins", json!(-1)),
        ("display_real_names", json!(false)),
        ("disable_file_uploads", json!("allow_all")),
        ("who_can_post_general", json!("everyone")),
    ] {
        assert_eq!(prefs[key], value, "{key}: {prefs}");
    }
    assert!(prefs.get("allow_message_deletion").is_none(), "{prefs}");
    slack
        .needs_scope(
            slack.bot_token(),
            "team.preferences.list",
            "team.preferences:read",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn revoked_tokens_answer_token_revoked(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let tested = slack.ok(&alice, "auth.revoke", json!({"test": true})).await;
    assert_eq!(tested["revoked"], false);
    slack.ok(&alice, "auth.test", json!({})).await;
    let revoked = slack.ok(&alice, "auth.revoke", json!({})).await;
    assert_eq!(revoked["revoked"], true);
    for method in ["auth.test", "chat.postMessage", "conversations.history"] {
        let args = json!({"channel": "C0000000001", "text": "x"});
        slack.err(&alice, method, args, "token_revoked").await;
    }
    slack
        .err("xoxp-1-2-3-nope", "auth.test", json!({}), "invalid_auth")
        .await;
    slack.bot_ok("auth.test", json!({})).await;
}

/// `auth.teams.list`: the workspace the token acts in (the clone's app is installed in one),
/// with its icon given `include_icon`; any token may ask.
#[asym::clone("slack", seed = "basic")]
async fn auth_teams_list_names_the_workspace(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for token in [slack.bot_token(), slack.user_token()] {
        let list = slack.ok(token, "auth.teams.list", json!({})).await;
        assert_eq!(
            list["teams"],
            json!([{ "id": "T0000000001", "name": "Acme" }])
        );
        assert_eq!(list["response_metadata"]["next_cursor"], "");
    }
    let with_icon = slack
        .bot_ok(
            "auth.teams.list",
            json!({"include_icon": true, "limit": 10}),
        )
        .await;
    let icon = &with_icon["teams"][0]["icon"];
    assert_eq!(icon["image_default"], true);
    assert_suffix(&icon["image_34"], "-34.png");
    slack
        .err(
            "xoxb-0-0-nope",
            "auth.teams.list",
            json!({}),
            "invalid_auth",
        )
        .await;
}

/// `team.billing.info`: the workspace's plan (Pro, `std`) to a token holding
/// `team.billing:read`.
#[asym::clone("slack", seed = "basic")]
async fn team_billing_info_answers_the_plan(slack: asym::Slack) {
    let slack = Api::new(&slack);
    for kind in ["bot", "user"] {
        let token = slack.mint(kind, None, Some(&["team.billing:read"])).await;
        let got = slack.ok(&token, "team.billing.info", json!({})).await;
        assert_eq!(got["plan"], "std");
    }
    slack
        .needs_scope(slack.bot_token(), "team.billing.info", "team.billing:read")
        .await;
}

/// `team.billableInfo`: each user's `billing_active` (people yes, a deactivated person, bots
/// and Slackbot no), paged by cursor or for one `user`, to a person's token holding `admin`.
#[asym::clone("slack", seed = "basic")]
async fn team_billable_info_tells_who_is_billed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    slack
        .execute("UPDATE users SET deleted = true WHERE id = 'U0000000005'")
        .await;
    let admin = slack.mint("user", None, Some(&["admin"])).await;
    let all = slack.ok(&admin, "team.billableInfo", json!({})).await;
    let info = all["billable_info"].as_object().unwrap();
    for (user, active) in [
        ("U0000000001", true),
        ("U0000000002", false),
        ("U0000000003", true),
        ("U0000000005", false),
        ("USLACKBOT", false),
    ] {
        assert_eq!(
            info[user],
            json!({"billing_active": active}),
            "{user}: {all}"
        );
    }
    assert_eq!(all["response_metadata"]["next_cursor"], "");

    // Two at a time, by cursor, the same users.
    let mut paged = serde_json::Map::new();
    for page in slack
        .pages(&admin, "team.billableInfo", json!({"limit": 2}))
        .await
    {
        let got = page["billable_info"].as_object().unwrap();
        assert!(got.len() <= 2, "{page}");
        paged.extend(got.clone());
    }
    assert_eq!(&paged, info);

    let one = slack
        .ok(&admin, "team.billableInfo", json!({"user": "U0000000003"}))
        .await;
    assert_eq!(
        one["billable_info"],
        json!({"U0000000003": {"billing_active": true}})
    );
    for (args, error) in [
        (json!({"user": "U0NOPE"}), "user_not_found"),
        (json!({"cursor": "bm9wZQ=="}), "invalid_cursor"),
    ] {
        slack.err(&admin, "team.billableInfo", args, error).await;
    }
    let bot = slack.mint("bot", None, Some(&["admin"])).await;
    slack
        .err(
            &bot,
            "team.billableInfo",
            json!({}),
            "not_allowed_token_type",
        )
        .await;
    slack
        .needs_scope(slack.user_token(), "team.billableInfo", "admin")
        .await;
}
