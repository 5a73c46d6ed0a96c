//! The triage bot against a Linear clone, through its typed GraphQL client.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use linear_triage::{Rules, Triage, TriageError};

fn triage(linear: &asym::Linear) -> Triage {
    Triage::new(linear.api_url(), linear.api_key())
}

#[asym::clone("linear", seed = "basic")]
async fn files_and_triages_bugs(linear: asym::Linear) {
    let triage = triage(&linear);
    let team = triage.team("ENG").await.unwrap();
    let before = triage.untriaged(&team).await.unwrap();
    let ids: Vec<&str> = before.iter().map(|p| p.identifier.as_str()).collect();
    assert_eq!(
        ids,
        ["ENG-5", "ENG-3"],
        "unassigned and not started, newest first"
    );

    let (identifier, url) = triage
        .file_bug(&team, "Crash when exporting", "Sentry")
        .await
        .unwrap();
    assert_eq!(identifier, "ENG-7");
    assert!(url.contains("/issue/ENG-7/"));

    let rules = Rules {
        on_call: Some("ben@acme.test".into()),
        ..Rules::default()
    };
    let pending = triage.untriaged(&team).await.unwrap();
    assert_eq!(pending[0].identifier, "ENG-7");
    assert_eq!(pending[0].labels, ["Bug"]);
    let bug = triage.apply(&team, &pending[0], &rules).await.unwrap();
    assert_eq!(bug.priority, "High");
    assert_eq!(bug.assignee.as_deref(), Some("ben@acme.test"));
    assert_eq!(bug.state, "Todo");
    let upgrade = triage.apply(&team, &pending[1], &rules).await.unwrap();
    assert_eq!(
        upgrade.labels,
        ["Improvement"],
        "a label it already has is not added twice"
    );
    assert_eq!(upgrade.priority, "Low");

    let after = triage.untriaged(&team).await.unwrap();
    assert_eq!(after.len(), 2, "the assigned bug left the inbox");
}

#[asym::clone("linear", seed = "basic")]
async fn errors_are_named(linear: asym::Linear) {
    let triage = triage(&linear);
    assert!(matches!(triage.team("OPS").await, Err(TriageError::NoTeam(key)) if key == "OPS"));
    let team = triage.team("ENG").await.unwrap();
    let pending = triage.untriaged(&team).await.unwrap();
    let rules = Rules {
        keywords: vec![("upgrade".into(), "Chores".into())],
        on_call: None,
    };
    let missing = triage.apply(&team, &pending[0], &rules).await.unwrap_err();
    assert!(
        matches!(missing, TriageError::Missing { kind: "label", .. }),
        "{missing}"
    );

    let stranger = Triage::new(linear.api_url(), "lin_api_not_a_key");
    match stranger.team("ENG").await {
        Err(TriageError::Linear { message, .. }) => {
            assert!(message.contains("Authentication"), "{message}")
        }
        other => panic!("expected Linear's authentication error, got {other:?}"),
    }
}
