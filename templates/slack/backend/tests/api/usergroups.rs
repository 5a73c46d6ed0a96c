//! `usergroups.*`.

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn usergroups_are_created_filled_and_disabled(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let created = slack
        .bot_ok(
            "usergroups.create",
            json!({"name": "On Call", "handle": "@OnCall", "description": "pager",
                   "channels": "C0000000001"}),
        )
        .await;
    let group = &created["usergroup"];
    let id = group["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('S'), "{group}");
    assert_eq!(group["handle"], "oncall");
    assert_eq!(group["prefs"]["channels"], json!(["C0000000001"]));
    assert_eq!(group["users"], json!([]));
    assert_eq!(group["date_delete"], 0);
    assert_eq!(group["auto_provision"], false);
    assert_eq!(group["enterprise_subteam_id"], "");

    let members =
        json!({"usergroup": id, "users": "U0000000004,U0000000003", "include_count": true});
    let updated = slack.bot_ok("usergroups.users.update", members).await;
    assert_eq!(
        updated["usergroup"]["users"],
        json!(["U0000000003", "U0000000004"])
    );
    assert_eq!(updated["usergroup"]["user_count"], 2);
    let listed = slack
        .user_ok("usergroups.users.list", json!({"usergroup": id}))
        .await;
    assert_eq!(listed["users"], json!(["U0000000003", "U0000000004"]));
    let renamed = slack
        .bot_ok(
            "usergroups.update",
            json!({"usergroup": id, "name": "Pager"}),
        )
        .await;
    assert_eq!(renamed["usergroup"]["name"], "Pager");
    assert_eq!(renamed["usergroup"]["description"], "pager");

    let list = json!({"include_users": true, "include_count": true});
    let all = slack.bot_ok("usergroups.list", list).await;
    assert_eq!(all["usergroups"][0]["user_count"], 2);
    assert_eq!(all["usergroups"][0]["users"][0], "U0000000003");
    let disabled = slack
        .bot_ok("usergroups.disable", json!({"usergroup": id}))
        .await;
    assert_eq!(disabled["usergroup"]["deleted_by"], "U0000000002");
    let active = slack.bot_ok("usergroups.list", json!({})).await;
    assert_eq!(active["usergroups"], json!([]));
    let with_disabled = json!({"include_disabled": true});
    let everything = slack.bot_ok("usergroups.list", with_disabled).await;
    assert_eq!(everything["usergroups"][0]["id"], id.as_str());
    let enabled = slack
        .bot_ok("usergroups.enable", json!({"usergroup": id}))
        .await;
    assert_eq!(enabled["usergroup"]["date_delete"], 0);

    for (method, args, code) in [
        (
            "usergroups.create",
            json!({"name": "pager"}),
            "name_already_exists",
        ),
        (
            "usergroups.create",
            json!({"name": "Other", "handle": "oncall"}),
            "handle_already_exists",
        ),
        (
            "usergroups.create",
            json!({"name": "Gen", "handle": "general"}),
            "handle_already_exists",
        ),
        ("usergroups.create", json!({}), "invalid_arguments"),
        (
            "usergroups.users.list",
            json!({"usergroup": "S0NOPE"}),
            "no_such_subteam",
        ),
        (
            "usergroups.users.update",
            json!({"usergroup": id, "users": ""}),
            "no_users_provided",
        ),
        (
            "usergroups.users.update",
            json!({"usergroup": id, "users": "U0NOPE"}),
            "invalid_users",
        ),
        (
            "usergroups.update",
            json!({"usergroup": id, "channels": "C0NOPE"}),
            "channel_not_found",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
}

#[asym::clone("slack", seed = "acme-corp")]
async fn the_seeded_on_call_group(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let list = json!({"include_users": true});
    let body = slack.user_ok("usergroups.list", list).await;
    let group = &body["usergroups"][0];
    assert_eq!(group["id"], "S0000000001");
    assert_eq!(group["handle"], "oncall");
    assert_eq!(group["users"], json!(["U0000000003", "U0000000004"]));
    assert_eq!(group["prefs"]["channels"], json!(["C0000000003"]));
}
