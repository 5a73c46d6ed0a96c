//! `trigger_id`s, modals, view submissions and clicks in views.

use asym_kit::testing::{Receiver, assert_prefix};
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    acking_app, app, deploy, form, interact, interact_err, modal, payload, post_response,
    signed_payload,
};
use crate::common::Api;

/// Opens `view` with a fresh trigger from `/deploy`, whose command the app at `receiver`
/// is sent first; the opened view.
async fn open(slack: &Api<'_>, receiver: &Receiver, view: Value) -> Value {
    let trigger = deploy(slack, "x").await["triggerId"].clone();
    receiver.delivery().await;
    let args = json!({"trigger_id": trigger, "view": view});
    slack.bot_ok("views.open", args).await["view"].take()
}

/// Alice's submission of modal `id` with `values` (by action id).
fn submission(id: &Value, values: Value) -> Value {
    json!({"viewId": id, "user": "U0000000003", "values": values})
}

/// Submits alice's modal `id` with `title`; the admin answer.
async fn submit(slack: &Api<'_>, id: &Value, title: &str) -> Value {
    let submit = submission(id, json!({ "title": title }));
    interact(slack, "view-submission", submit).await.expect(200)
}
#[asym::clone("slack", seed = "basic")]
async fn triggers_open_modals_once(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let _receiver = acking_app(&slack).await;
    let trigger = deploy(&slack, "x").await["triggerId"].clone();
    let args = json!({"trigger_id": trigger, "view": modal(json!({}))});
    let opened = slack.bot_ok("views.open", args.clone()).await;
    let view = &opened["view"];
    assert_prefix(&view["id"], "V");
    assert_eq!(view["type"], "modal");
    assert_eq!(view["team_id"], "T0000000001");
    assert_eq!(view["callback_id"], "ship");
    assert_eq!(view["private_metadata"], "C0000000001");
    assert_eq!(view["root_view_id"], view["id"]);
    assert_eq!(view["previous_view_id"], Value::Null);
    assert_eq!(view["app_id"], "A0000000001");
    assert_eq!(view["bot_id"], "B0000000001");
    assert_eq!(view["state"], json!({"values": {}}));
    slack
        .bot_err("views.open", args, "exchanged_trigger_id")
        .await;
    let unknown = json!({"trigger_id": "1.2.3", "view": modal(json!({}))});
    slack
        .bot_err("views.open", unknown, "invalid_trigger_id")
        .await;
    let home = json!({"trigger_id": trigger, "view": {"type": "home", "blocks": []}});
    slack.bot_err("views.open", home, "invalid_arguments").await;

    let pushed_trigger = deploy(&slack, "x").await["triggerId"].clone();
    let push = json!({"trigger_id": pushed_trigger, "view": modal(json!({"callback_id": "two"}))});
    let pushed = slack.bot_ok("views.push", push).await;
    assert_eq!(pushed["view"]["root_view_id"], view["id"]);
    assert_eq!(pushed["view"]["previous_view_id"], view["id"]);
    let third = json!({"trigger_id": deploy(&slack, "x").await["triggerId"],
                       "view": modal(json!({}))});
    slack.bot_ok("views.push", third).await;
    let fourth = json!({"trigger_id": deploy(&slack, "x").await["triggerId"],
                        "view": modal(json!({}))});
    slack
        .bot_err("views.push", fourth, "push_limit_reached")
        .await;
    let stack = slack
        .admin_ok(Method::GET, "interactions/modals?user=U0000000003", None)
        .await;
    assert_eq!(stack["views"].as_array().unwrap().len(), 3);

    // views.update by id, with the hash conflict.
    let hash = pushed["view"]["hash"].clone();
    let update = json!({"view_id": pushed["view"]["id"], "hash": hash,
                        "view": modal(json!({"callback_id": "changed"}))});
    let updated = slack.bot_ok("views.update", update.clone()).await;
    assert_eq!(updated["view"]["callback_id"], "changed");
    assert_eq!(updated["view"]["root_view_id"], view["id"]);
    slack.bot_err("views.update", update, "hash_conflict").await;

    // A stack keeps its order when a view under the top one changes later.
    slack
        .execute("UPDATE views SET updated = updated - 60")
        .await;
    let root = json!({"view_id": view["id"], "view": modal(json!({"callback_id": "root"}))});
    slack.bot_ok("views.update", root).await;
    let stack = slack
        .admin_ok(Method::GET, "interactions/modals?user=U0000000003", None)
        .await;
    assert_eq!(stack["views"][0]["callback_id"], "root");
    assert_eq!(stack["views"][1]["callback_id"], "changed");
}

#[asym::clone("slack", seed = "basic")]
async fn view_submissions_do_what_the_app_answers(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = app(&slack, |request| {
        let body = form(request);
        let Some(payload) = body["payload"].as_str() else {
            return (200, String::new());
        };
        let payload: Value = serde_json::from_str(payload).unwrap();
        let title = &payload["view"]["state"]["values"]["t"]["title"]["value"];
        let answer = match title.as_str().unwrap_or_default() {
            "bad" => json!({"response_action": "errors", "errors": {"t": "Not that one"}}),
            "more" => json!({"response_action": "push", "view": modal(json!({"callback_id": "next"}))}),
            "edit" => json!({"response_action": "update",
                             "view": modal(json!({"callback_id": "edited", "notify_on_close": true}))}),
            "done" => json!({"response_action": "clear"}),
            _ => return (200, String::new()),
        };
        (200, answer.to_string())
    })
    .await;
    let view = open(&slack, &receiver, modal(json!({"notify_on_close": true}))).await;

    let refused = submit(&slack, &view["id"], "bad").await;
    let sent = signed_payload(&slack, &receiver).await;
    assert_eq!(sent["type"], "view_submission");
    assert_eq!(sent["user"]["id"], "U0000000003");
    assert_eq!(sent["view"]["id"], view["id"]);
    assert_eq!(sent["view"]["callback_id"], "ship");
    assert_eq!(
        sent["view"]["state"]["values"],
        json!({"t": {"title": {"type": "plain_text_input", "value": "bad"}}})
    );
    assert_eq!(sent["response_urls"], json!([]));
    assert_eq!(sent["trigger_id"], refused["triggerId"]);
    assert_eq!(refused["responseAction"], "errors");
    assert_eq!(refused["errors"], json!({"t": "Not that one"}));
    assert_eq!(refused["modals"].as_array().unwrap().len(), 1);

    let edited = submit(&slack, &view["id"], "edit").await;
    receiver.delivery().await;
    assert_eq!(edited["view"]["callback_id"], "edited");
    assert_eq!(edited["view"]["id"], view["id"]);
    let pushed = submit(&slack, &view["id"], "more").await;
    receiver.delivery().await;
    assert_eq!(pushed["view"]["callback_id"], "next");
    assert_eq!(pushed["view"]["previous_view_id"], view["id"]);
    assert_eq!(pushed["modals"].as_array().unwrap().len(), 2);
    // An empty answer closes the submitted view; the one under it shows again.
    let closed = submit(&slack, &pushed["view"]["id"], "fine").await;
    receiver.delivery().await;
    assert_eq!(closed["responseAction"], Value::Null);
    assert_eq!(closed["modals"][0]["id"], view["id"]);
    // Dismissing a modal with notify_on_close sends view_closed.
    let close = json!({"viewId": view["id"], "user": "U0000000003"});
    let dismissed = interact(&slack, "view-closed", close.clone())
        .await
        .expect(200);
    assert_eq!(dismissed["notified"], true);
    let sent = payload(&receiver.delivery().await);
    assert_eq!(sent["type"], "view_closed");
    assert_eq!(sent["view"]["id"], view["id"]);
    assert_eq!(sent["is_cleared"], false);
    assert_eq!(dismissed["modals"], json!([]));
    interact_err(&slack, "view-closed", close, 404, "view_not_found").await;

    // clear closes the whole stack; a modal without notify_on_close sends nothing on close.
    let view = open(&slack, &receiver, modal(json!({}))).await;
    let cleared = submit(&slack, &view["id"], "done").await;
    receiver.delivery().await;
    assert_eq!(cleared["responseAction"], "clear");
    assert_eq!(cleared["modals"], json!([]));
    let view = open(&slack, &receiver, modal(json!({}))).await;
    let close = json!({"viewId": view["id"], "user": "U0000000003"});
    let quiet = interact(&slack, "view-closed", close).await.expect(200);
    assert_eq!(quiet["notified"], false);

    // A closed modal is not updated; one without a submit button is not submitted.
    let update = json!({"view_id": view["id"], "view": modal(json!({}))});
    slack.bot_err("views.update", update, "not_found").await;
    let mut no_submit = modal(json!({}));
    no_submit.as_object_mut().unwrap().remove("submit");
    let info = open(&slack, &receiver, no_submit).await;
    let submit = submission(&info["id"], json!({"title": "x"}));
    interact_err(&slack, "view-submission", submit, 400, "no_submit_button").await;

    let view = open(&slack, &receiver, modal(json!({}))).await;
    for (values, status, error) in [
        (json!({}), 400, "input_required"),
        (json!({"title": "x", "other": "y"}), 404, "action_not_found"),
    ] {
        let submit = submission(&view["id"], values);
        interact_err(&slack, "view-submission", submit, status, error).await;
    }
}

#[asym::clone("slack", seed = "basic")]
async fn elements_of_views_are_clicked_too(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = acking_app(&slack).await;
    let mut view = modal(json!({}));
    view["blocks"].as_array_mut().unwrap().push(json!({
        "type": "actions", "block_id": "more", "elements": [
            {"type": "button", "action_id": "details", "value": "d",
             "text": {"type": "plain_text", "text": "Details"}}]}));
    let opened = open(&slack, &receiver, view).await;
    let click = json!({"viewId": opened["id"], "actionId": "details", "user": "U0000000003"});
    let clicked = interact(&slack, "action", click).await.expect(200);
    let sent = payload(&receiver.delivery().await);
    assert_eq!(
        sent["container"],
        json!({"type": "view", "view_id": opened["id"]})
    );
    assert_eq!(sent["view"]["id"], opened["id"]);
    assert_eq!(sent["actions"][0]["value"], "d");
    assert_eq!(sent.get("response_url"), None);
    assert_eq!(clicked.get("responseUrl"), None);
    // The click's trigger pushes onto the modal it came from.
    let push =
        json!({"trigger_id": clicked["triggerId"], "view": modal(json!({"callback_id": "d"}))});
    let pushed = slack.bot_ok("views.push", push).await;
    assert_eq!(pushed["view"]["previous_view_id"], opened["id"]);

    let home = json!({"user_id": "U0000000003", "view": {"type": "home", "blocks": [
        {"type": "actions", "elements": [{"type": "datepicker", "action_id": "day"}]}]}});
    let home = slack.bot_ok("views.publish", home).await["view"].take();
    let click = json!({"viewId": home["id"], "actionId": "day", "user": "U0000000003",
                       "value": "2026-01-31"});
    let clicked = interact(&slack, "action", click).await.expect(200);
    assert_eq!(
        clicked["payload"]["actions"][0]["selected_date"],
        "2026-01-31"
    );
    assert_eq!(clicked["payload"]["view"]["type"], "home");

    let someone_else = json!({"viewId": home["id"], "actionId": "day", "user": "U0000000004"});
    interact_err(&slack, "action", someone_else, 404, "view_not_found").await;
    let nowhere = json!({"actionId": "day", "user": "U0000000003"});
    interact_err(&slack, "action", nowhere, 400, "invalid_arguments").await;
}
#[asym::clone("slack", seed = "basic")]
async fn triggers_and_response_urls_expire(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let _receiver = acking_app(&slack).await;
    let ran = deploy(&slack, "x").await;
    slack.age("triggers", "2 seconds").await;
    let args = json!({"trigger_id": ran["triggerId"], "view": modal(json!({}))});
    slack.bot_ok("views.open", args).await;
    let ran = deploy(&slack, "x").await;
    slack.age("triggers", "3 seconds").await;
    let args = json!({"trigger_id": ran["triggerId"], "view": modal(json!({}))});
    slack
        .bot_err("views.open", args, "expired_trigger_id")
        .await;

    let url = ran["responseUrl"].as_str().unwrap();
    slack.age("response_urls", "29 minutes").await;
    assert_eq!(
        post_response(&slack, url, &json!({"text": "late"})).await.0,
        200
    );
    slack.age("response_urls", "1 minute").await;
    let (status, body) = post_response(&slack, url, &json!({"text": "too late"})).await;
    assert_eq!((status, body), (404, json!("expired_url")));
}
