//! `functions.completeSuccess`, `functions.completeError`: an execution started through the
//! admin surface, completed once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, ok, refused};

/// The two methods.
const SUCCESS: &str = "functions.completeSuccess";
const ERROR: &str = "functions.completeError";

/// Starts an execution of the function `callback_id` whose success must carry `required`;
/// its id.
async fn start(slack: &Api<'_>, callback_id: &str, required: &[&str]) -> String {
    let body = json!({"callbackId": callback_id, "inputs": {"ticket": "T-1"},
                      "requiredOutputs": required});
    let started = slack
        .admin_ok(Method::POST, "functions/executions", Some(body))
        .await;
    assert_eq!(started["execution"]["state"], "running", "{started}");
    started["execution"]["id"].as_str().unwrap().to_owned()
}

/// The execution `id` as the admin surface shows it.
async fn execution(slack: &Api<'_>, id: &str) -> Value {
    let path = format!("functions/executions/{id}");
    let shown = slack.admin_ok(Method::GET, &path, None).await;
    shown["execution"].clone()
}

/// Completes execution `id` with `method` and `args` as the holder of `token`, asserts that
/// a second completion is refused, and answers the execution as it then is.
async fn complete_once(
    slack: &Api<'_>,
    token: &str,
    method: &str,
    id: &str,
    mut args: Value,
) -> Value {
    args["function_execution_id"] = json!(id);
    let again = "execution_not_in_running_state";
    slack.ok_then_err(token, method, args, again).await;
    execution(slack, id).await
}

#[asym::clone("slack", seed = "basic")]
async fn an_execution_completes_once_with_its_outputs(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = start(&slack, "triage", &["assignee"]).await;
    assert!(id.starts_with("Fx") && id.len() == 12, "{id}");
    let outputs = json!({"outputs": {"assignee": "U0000000003"}});
    let done = complete_once(&slack, slack.bot_token(), SUCCESS, &id, outputs).await;
    assert_eq!(done["state"], "completed");
    assert_eq!(done["outputs"], json!({"assignee": "U0000000003"}));
    assert_eq!(done["inputs"], json!({"ticket": "T-1"}));

    // As the Node SDK sends it: a form, the outputs a JSON string.
    let id = start(&slack, "triage", &[]).await;
    let outputs = r#"{"note": "by form"}"#;
    let args = [("function_execution_id", id.as_str()), ("outputs", outputs)];
    ok(slack.form(slack.bot_token(), SUCCESS, &args).await);
    assert_eq!(execution(&slack, &id).await["outputs"]["note"], "by form");
}

#[asym::clone("slack", seed = "basic")]
async fn an_execution_fails_with_its_error(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = start(&slack, "triage", &["assignee"]).await;
    let error = json!({"error": "no one is on call"});
    let failed = complete_once(&slack, slack.user_token(), ERROR, &id, error).await;
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["error"], "no one is on call");
    // Nor can a failed one succeed.
    let success = json!({"function_execution_id": id, "outputs": {"assignee": "U0000000003"}});
    let late = slack.bot(SUCCESS, success).await;
    assert_eq!(late["error"], "execution_not_in_running_state", "{late}");
}

#[asym::clone("slack", seed = "basic")]
async fn completions_are_refused_with_slacks_errors(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let id = start(&slack, "triage", &["assignee"]).await;
    for (method, args, code) in [
        (
            SUCCESS,
            json!({"function_execution_id": "Fx0000000999", "outputs": {}}),
            "function_execution_not_found",
        ),
        (
            ERROR,
            json!({"function_execution_id": "Fx0000000999", "error": "x"}),
            "function_execution_not_found",
        ),
        (
            SUCCESS,
            json!({"function_execution_id": id, "outputs": {"note": "no assignee"}}),
            "parameter_validation_failed",
        ),
        (
            SUCCESS,
            json!({"function_execution_id": id}),
            "invalid_arguments",
        ),
        (
            SUCCESS,
            json!({"function_execution_id": id, "outputs": [1]}),
            "invalid_arguments",
        ),
        (
            SUCCESS,
            json!({"outputs": {"assignee": "U0000000003"}}),
            "invalid_arguments",
        ),
        (
            ERROR,
            json!({"function_execution_id": id}),
            "invalid_arguments",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    // Nothing refused changed it; no token is not_authed.
    assert_eq!(execution(&slack, &id).await["state"], "running");
    let anonymous = slack
        .anonymous()
        .post(
            &format!("/api/{ERROR}"),
            &json!({"function_execution_id": id, "error": "x"}),
        )
        .await;
    assert_eq!(anonymous.expect(200)["error"], "not_authed");

    let unknown = slack
        .admin(Method::GET, "functions/executions/Fx0000000999", None)
        .await;
    refused(unknown, 404, "function_execution_not_found");
    let nameless = json!({"callbackId": " "});
    let started = slack
        .admin(Method::POST, "functions/executions", Some(nameless))
        .await;
    refused(started, 400, "invalid_arguments");
}
