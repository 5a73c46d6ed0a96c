//! `views.*`.

use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn home_tabs_are_published_and_updated(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let home = json!({"type": "home", "callback_id": "home", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Welcome*"}},
        {"type": "input", "label": {"type": "plain_text", "text": "Note"},
         "element": {"type": "plain_text_input", "action_id": "note"}},
    ]});
    let args = json!({"user_id": "U0000000003", "view": home});
    let published = slack.bot_ok("views.publish", args.clone()).await;
    let view = &published["view"];
    let id = view["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('V'), "{view}");
    assert_eq!(view["type"], "home");
    assert_eq!(view["callback_id"], "home");
    assert_eq!(view["root_view_id"], id.as_str());
    assert_eq!(view["app_id"], "A0000000001");
    assert_eq!(view["bot_id"], "B0000000001");
    assert_eq!(view["blocks"][0]["block_id"].as_str().unwrap().len(), 5);
    let hash = view["hash"].as_str().unwrap().to_owned();

    let mut again = args.clone();
    again["hash"] = json!(hash);
    let republished = slack.bot_ok("views.publish", again.clone()).await;
    assert_eq!(
        republished["view"]["id"],
        id.as_str(),
        "one Home tab per person"
    );
    assert_ne!(republished["view"]["hash"], hash.as_str());
    slack.bot_err("views.publish", again, "hash_conflict").await;

    let update = json!({"view_id": id, "view": {"type": "home", "blocks": [{"type": "divider"}]}});
    let updated = slack.bot_ok("views.update", update).await;
    assert_eq!(updated["view"]["blocks"][0]["type"], "divider");

    let modal = json!({"type": "modal", "title": {"type": "plain_text", "text": "Note"},
                       "blocks": [{"type": "divider"}]});
    for (method, args, code) in [
        (
            "views.publish",
            json!({"user_id": "U0NOPE", "view": {"type": "home", "blocks": []}}),
            "user_not_found",
        ),
        (
            "views.publish",
            json!({"user_id": "U0000000003"}),
            "invalid_arguments",
        ),
        (
            "views.publish",
            json!({"user_id": "U0000000003", "view": modal.clone()}),
            "invalid_arguments",
        ),
        (
            "views.publish",
            json!({"user_id": "U0000000003", "view": {"type": "home", "blocks": [{"type": "section"}]}}),
            "invalid_blocks",
        ),
        (
            "views.update",
            json!({"view_id": "V0NOPE", "view": {"type": "home", "blocks": []}}),
            "not_found",
        ),
        (
            "views.open",
            json!({"trigger_id": "12345.98765.abcd", "view": modal}),
            "invalid_trigger_id",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    let home = json!({"user_id": "U0000000003", "view": {"type": "home", "blocks": []}});
    slack
        .user_err("views.publish", home, "not_allowed_token_type")
        .await;
}
