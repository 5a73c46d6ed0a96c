//! The sync service against a Notion clone seeded with the `basic` Tasks data source.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use notion_sync::{Error, LocalTask, NotionSync, Status};

const TASKS: &str = "30000000-0000-4000-8000-000000000001";
const ADA: &str = "a0000000-0000-4000-8000-000000000001";

fn client(notion: &asym::Notion) -> NotionSync {
    NotionSync::new(notion.api_url(), notion.token(), TASKS)
}

fn local(title: &str, status: Status, due: Option<&str>, tags: &[&str]) -> LocalTask {
    LocalTask {
        title: title.into(),
        status,
        due: due.map(Into::into),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

#[asym::clone("notion", seed = "basic")]
async fn reads_the_seeded_tasks(notion: asym::Notion) {
    let sync = client(&notion);
    let all = sync.tasks(None).await.unwrap();
    let titles: Vec<&str> = all.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Build the API",
            "Design the schema",
            "Fix the login bug",
            "Write the docs"
        ]
    );
    let design = &all[1];
    assert_eq!(design.status, Status::Done);
    assert!(design.done);
    assert_eq!(design.assignees, [ADA]);
    assert_eq!(design.due.as_deref(), Some("2025-01-20"));
    let open = sync.open_tasks().await.unwrap();
    assert_eq!(open.len(), 3);
}

#[asym::clone("notion", seed = "basic")]
async fn sync_creates_updates_and_is_idempotent(notion: asym::Notion) {
    let sync = client(&notion);
    let wanted = [
        local(
            "Write the docs",
            Status::InProgress,
            Some("2025-02-15"),
            &["Docs"],
        ),
        local(
            "Build the API",
            Status::InProgress,
            Some("2025-02-01"),
            &["Backend", "Frontend"],
        ),
        local(
            "Plan the launch",
            Status::NotStarted,
            Some("2025-05-01"),
            &["Marketing"],
        ),
    ];
    let first = sync.sync(&wanted).await.unwrap();
    assert_eq!((first.created, first.updated, first.unchanged), (1, 1, 1));
    let again = sync.sync(&wanted).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    let all = sync.tasks(None).await.unwrap();
    let launch = all.iter().find(|t| t.title == "Plan the launch").unwrap();
    assert_eq!(
        launch.tags,
        ["Marketing"],
        "a new select option is created on write"
    );
    let docs = all.iter().find(|t| t.title == "Write the docs").unwrap();
    assert_eq!(docs.status, Status::InProgress);
}

#[asym::clone("notion", seed = "basic")]
async fn completing_closes_a_task(notion: asym::Notion) {
    let sync = client(&notion);
    let open = sync.open_tasks().await.unwrap();
    let done = sync.complete(&open[0].id).await.unwrap();
    assert_eq!(done.status, Status::Done);
    assert!(done.done);
    assert_eq!(sync.open_tasks().await.unwrap().len(), open.len() - 1);
}

#[asym::clone("notion", seed = "basic")]
async fn errors_are_typed(notion: asym::Notion) {
    let missing = NotionSync::new(
        notion.api_url(),
        notion.token(),
        "30000000-0000-4000-8000-00000000dead",
    );
    match missing.tasks(None).await {
        Err(Error::Api {
            status: 404, code, ..
        }) => assert_eq!(code, "object_not_found"),
        other => panic!("expected object_not_found, got {other:?}"),
    }
    let bad_token = NotionSync::new(notion.api_url(), "ntn_nope", TASKS);
    assert!(matches!(
        bad_token.open_tasks().await,
        Err(Error::Api { status: 401, .. })
    ));
    let sync = client(&notion);
    let long = "x".repeat(2001);
    match sync
        .create(&local(&long, Status::NotStarted, None, &[]))
        .await
    {
        Err(Error::Api {
            status: 400,
            code,
            message,
        }) => {
            assert_eq!(code, "validation_error");
            assert!(message.contains("2000"), "{message}");
        }
        other => panic!("expected validation_error, got {other:?}"),
    }
}
