//! `bookmarks.*`.

use asym_kit::testing::pluck;
use serde_json::json;

use crate::common::Api;

#[asym::clone("slack", seed = "basic")]
async fn bookmarks_are_added_edited_listed_and_removed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let args = json!({"channel_id": "C0000000001", "title": "Runbook", "type": "link",
                      "link": "https://example.com/runbook", "emoji": ":book:"});
    let added = slack.bot_ok("bookmarks.add", args).await;
    let bookmark = &added["bookmark"];
    let id = bookmark["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("Bk"), "{bookmark}");
    assert_eq!(bookmark["channel_id"], "C0000000001");
    assert_eq!(bookmark["type"], "link");
    assert_eq!(bookmark["app_id"], "A0000000001");
    assert_eq!(bookmark["date_updated"], 0);
    let second = json!({"channel_id": "C0000000001", "title": "Dashboards", "type": "link",
                        "link": "https://example.com/dash"});
    let second = slack.user_ok("bookmarks.add", second).await;
    assert_eq!(second["bookmark"]["app_id"], json!(null));
    assert!(second["bookmark"]["rank"].as_str() > bookmark["rank"].as_str());

    let edit = json!({"channel_id": "C0000000001", "bookmark_id": id, "title": "On-call runbook"});
    let edited = slack.bot_ok("bookmarks.edit", edit).await;
    assert_eq!(edited["bookmark"]["title"], "On-call runbook");
    assert_eq!(edited["bookmark"]["link"], "https://example.com/runbook");
    assert_eq!(edited["bookmark"]["last_updated_by_user_id"], "U0000000002");
    let list = slack
        .user_ok("bookmarks.list", json!({"channel_id": "C0000000001"}))
        .await;
    assert_eq!(
        pluck(&list["bookmarks"], "title"),
        ["On-call runbook", "Dashboards"]
    );
    let remove = json!({"channel_id": "C0000000001", "bookmark_id": id});
    slack
        .bot_ok_then_err("bookmarks.remove", remove, "not_found")
        .await;

    let link = |extra: serde_json::Value| {
        let mut args = json!({"channel_id": "C0000000001", "title": "x", "type": "link",
                              "link": "https://example.com"});
        for (key, value) in extra.as_object().unwrap() {
            args[key] = value.clone();
        }
        args
    };
    for (extra, code) in [
        (json!({"link": "example.com"}), "invalid_link"),
        (json!({"type": "folder"}), "invalid_bookmark_type"),
        (json!({"emoji": "book"}), "invalid_emoji"),
        (json!({"channel_id": "C0NOPE"}), "channel_not_found"),
        (json!({"channel_id": "C0000000002"}), "not_in_channel"),
    ] {
        slack.bot_err("bookmarks.add", link(extra), code).await;
    }
    let unknown = json!({"channel_id": "C0000000001", "bookmark_id": "Bk0NOPE", "title": "x"});
    slack.bot_err("bookmarks.edit", unknown, "not_found").await;
}
