//! The notifier against a Slack clone: each test starts from the `basic` seed, and may read
//! what the notifier sent (`requests_to`) besides the messages it left.

use slack_notifier::{Notifier, NotifyError};

async fn texts(slack: &asym::Slack, sql: &str) -> Vec<String> {
    slack.column(sql).await.expect("query the clone's database")
}

#[asym::clone("slack", seed = "basic")]
async fn a_deploy_notice_lands_in_the_channel(slack: asym::Slack) {
    let notifier = Notifier::new(slack.api_url(), slack.bot_token(), "#general");
    let before = texts(&slack, "select text from messages order by ts").await;

    notifier.deploy_started("billing", "v1.4.2").await.unwrap();

    let after = texts(&slack, "select text from messages order by ts").await;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "exactly one new message: {after:?}"
    );
    assert_eq!(
        after.last().unwrap(),
        ":rocket: Deploying *billing* `v1.4.2`"
    );
}

#[asym::clone("slack", seed = "basic")]
async fn follow_ups_are_threaded_under_the_notice(slack: asym::Slack) -> Result<(), NotifyError> {
    let notifier = Notifier::new(slack.api_url(), slack.bot_token(), "#general");
    let deploy = notifier.deploy_started("search", "2026.11.27").await?;
    notifier.progress(&deploy, "migrations applied").await?;
    notifier.deploy_finished(&deploy, true).await?;

    let thread = texts(
        &slack,
        &format!(
            "select text from messages where thread_ts = '{0}'::numeric and ts <> '{0}'::numeric order by ts",
            deploy.ts
        ),
    )
    .await;
    assert_eq!(
        thread,
        [
            "migrations applied",
            ":white_check_mark: *search* `2026.11.27` is live"
        ]
    );
    Ok(())
}

#[asym::clone("slack", seed = "basic")]
async fn every_test_starts_from_the_seed(slack: asym::Slack) {
    // Runs in any order with the others: if a reset were missed, their messages would show here.
    let texts = texts(
        &slack,
        "select text from messages where text like ':rocket:%'",
    )
    .await;
    assert!(texts.is_empty(), "leftovers from another test: {texts:?}");
    let notifier = Notifier::new(slack.api_url(), slack.bot_token(), "#general");
    assert_eq!(notifier.team().await.unwrap(), "Acme");
}

#[asym::clone("slack", seed = "basic")]
async fn an_unknown_channel_is_reported(slack: asym::Slack) {
    let notifier = Notifier::new(slack.api_url(), slack.bot_token(), "#does-not-exist");
    let err = notifier.deploy_started("billing", "v1").await.unwrap_err();
    assert!(
        matches!(&err, NotifyError::Slack { error, .. } if error == "channel_not_found"),
        "{err:?}"
    );
}

#[asym::clone("slack", seed = "basic")]
async fn a_revoked_token_is_reported(slack: asym::Slack) {
    let notifier = Notifier::new(slack.api_url(), "xoxb-0-0-revoked", "#general");
    let err = notifier.team().await.unwrap_err();
    assert!(
        matches!(&err, NotifyError::Slack { error, .. } if error == "invalid_auth"),
        "{err:?}"
    );
}

#[asym::clone("slack", seed = "basic")]
fn plain_fn_tests_work_too(slack: asym::AnyClone) {
    assert!(slack.api_url().ends_with("/api"));
    assert!(slack.token("bot").unwrap().starts_with("xoxb-"));
}

/// What the notifier sent, as the clone saw it: a failure is threaded under the notice and
/// broadcast, which the channel's messages alone would not show.
#[asym::clone("slack", seed = "basic")]
async fn a_failed_deploy_is_threaded_and_broadcast(slack: asym::Slack) {
    let notifier = Notifier::new(slack.api_url(), slack.bot_token(), "#general");
    let deploy = notifier.deploy_started("billing", "v2").await.unwrap();
    notifier.deploy_finished(&deploy, false).await.unwrap();

    let posts = slack
        .requests_to("POST", "/api/chat.postMessage")
        .await
        .unwrap();
    assert_eq!(posts.len(), 2, "{posts:#?}");
    let notice = posts[0].response_json().unwrap();
    let outcome = posts[1].json().unwrap();
    assert_eq!(outcome["thread_ts"], notice["ts"]);
    assert_eq!(outcome["reply_broadcast"], true);
    assert!(posts[1].headers["authorization"].starts_with("Bearer xoxb-"));
}
