//! The triage bot against a GitHub clone: octocrab unchanged but for its base URI.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use github_bot::{CONTEXT, LABEL, THANKS, TriageBot};
use octocrab::models::StatusState;

fn bot(gh: &asym::GitHub, token: &str) -> TriageBot {
    TriageBot::new(gh.api_url(), token, "acme", "hello-world").unwrap()
}

/// A raw client for arranging the fixture and checking results.
fn octocrab(gh: &asym::GitHub, token: &str) -> octocrab::Octocrab {
    octocrab::Octocrab::builder()
        .base_uri(gh.api_url())
        .unwrap()
        .personal_token(token.to_owned())
        .build()
        .unwrap()
}

#[asym::clone("github", seed = "basic")]
async fn labels_and_thanks_untriaged_issues_once(gh: asym::GitHub) {
    let hubot = octocrab(&gh, gh.reviewer_token());
    let issues = hubot.issues("acme", "hello-world");
    let fresh = issues
        .create("Docs are out of date")
        .body("See the README")
        .send()
        .await
        .unwrap();
    let bot = bot(&gh, gh.token());
    // The seeded issue #1 is already labelled `bug`: only the new one is triaged.
    assert_eq!(bot.triage().await.unwrap(), vec![fresh.number]);
    let after = issues.get(fresh.number).await.unwrap();
    let labels: Vec<&str> = after.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(labels, [LABEL]);
    assert_eq!(after.comments, 1);
    let comments = issues.list_comments(fresh.number).send().await.unwrap();
    assert_eq!(comments.items[0].body.as_deref(), Some(THANKS));
    assert_eq!(comments.items[0].user.login, "octocat");
    assert_eq!(bot.triage().await.unwrap(), Vec::<u64>::new());
}

#[asym::clone("github", seed = "basic")]
async fn reports_a_commit_status(gh: asym::GitHub) {
    let bot = bot(&gh, gh.token());
    let main = octocrab(&gh, gh.token())
        .repos("acme", "hello-world")
        .get_ref(&octocrab::params::repos::Reference::Branch("main".into()))
        .await
        .unwrap();
    let sha = match main.object {
        octocrab::models::repos::Object::Commit { sha, .. } => sha,
        other => panic!("main points at {other:?}"),
    };
    assert_eq!(bot.report(&sha).await.unwrap(), StatusState::Success);
    assert_eq!(bot.combined("main").await.unwrap(), StatusState::Success);
    octocrab(&gh, gh.reviewer_token())
        .issues("acme", "hello-world")
        .create("Unlabelled")
        .send()
        .await
        .unwrap();
    bot.triage().await.unwrap();
    assert_eq!(bot.report(&sha).await.unwrap(), StatusState::Failure);
    assert_eq!(bot.combined("main").await.unwrap(), StatusState::Failure);
    let statuses = octocrab(&gh, gh.token())
        .repos("acme", "hello-world")
        .list_statuses(sha.clone())
        .send()
        .await
        .unwrap();
    assert!(
        statuses
            .items
            .iter()
            .all(|s| s.context.as_deref() == Some(CONTEXT))
    );
}

#[asym::clone("github", seed = "basic")]
async fn errors_surface_as_octocrab_errors(gh: asym::GitHub) {
    let err = bot(&gh, "ghp_not-a-real-token").triage().await.unwrap_err();
    match err {
        octocrab::Error::GitHub { source, .. } => {
            assert_eq!(source.status_code.as_u16(), 401);
            assert_eq!(source.message, "Bad credentials");
        }
        other => panic!("expected a GitHub error, got {other:?}"),
    }
    let hidden = TriageBot::new(
        gh.api_url(),
        gh.reviewer_token(),
        "octocat",
        "private-notes",
    )
    .unwrap();
    assert!(hidden.triage().await.is_err());
}
