//! `issueReminder` brings an issue back to the viewer's inbox when it is due; `issueShare`,
//! `issueUnshare`, `issueExternalSyncDisable` and `projectExternalSyncDisable` answer the
//! clone's refusals; the update reminders reach a project's lead or an initiative's owner.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::{ADA, BEN, client, invalid_input, missing, mutate, oauth_client, query, refused};

const REMIND: &str =
    "mutation($id: String!, $at: DateTime!) { issueReminder(id: $id, reminderAt: $at) {
    success lastSyncId issue { identifier } } }";

/// The viewer's inbox: each notification's type, category, issue and actor, newest first,
/// and the unread count.
async fn inbox(api: &Api) -> (Vec<Value>, Value) {
    let text = "{ notifications { nodes { type category actor { id } user { id }
        ... on IssueNotification { issue { identifier } } } } notificationsUnreadCount }";
    let got = query(api, text, json!({})).await;
    let nodes = got["notifications"]["nodes"].as_array().unwrap().clone();
    (nodes, got["notificationsUnreadCount"].clone())
}

#[asym::clone("linear", seed = "basic")]
async fn a_reminder_comes_back_when_it_is_due(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    let later = json!({"id": "ENG-3", "at": "2099-01-01T09:00:00.000Z"});
    let got = mutate(&ada, REMIND, later).await;
    assert_eq!(got["issue"]["identifier"], "ENG-3");
    assert_eq!(inbox(&ada).await, (vec![], json!(0)), "not yet due");
    let sooner = json!({"id": "ENG-3", "at": "2098-01-01T09:00:00.000Z"});
    mutate(&ada, REMIND, sooner).await;

    // A time past is due at once; the pending one stays out of the inbox.
    let past = json!({"id": "ENG-2", "at": "2024-01-01T09:00:00.000Z"});
    mutate(&ada, REMIND, past).await;
    let (nodes, unread) = inbox(&ada).await;
    assert_eq!(
        nodes,
        [
            json!({"type": "issueReminder", "category": "reminders", "actor": null,
                "user": {"id": ADA}, "issue": {"identifier": "ENG-2"}})
        ]
    );
    assert_eq!(unread, 1);
    // Nothing marks a reminder not yet due as read.
    let text = "mutation { notificationMarkReadAll(input: {issueId: \"ENG-3\"}, readAt: \"2026-01-01T00:00:00Z\") {
        success notifications { id } } }";
    assert_eq!(
        mutate(&ada, text, json!({})).await["notifications"],
        json!([])
    );
    assert_eq!(inbox(&ben).await, (vec![], json!(0)), "Ada's alone");

    let unknown = json!({"id": "ENG-99", "at": "2099-01-01T00:00:00Z"});
    missing(&ada, REMIND, unknown, "Issue").await;
    let message = refused(&ada, REMIND, json!({"id": "ENG-1", "at": "next tuesday"})).await;
    assert_eq!(message, "Argument Validation Error");
}

/// `issueShare` or `issueUnshare` (`FIELD`) of issue `$id` with user `$u`.
const SHARE: &str =
    "mutation($id: String!, $u: String!) { FIELD(id: $id, userId: $u) { success } }";

/// Each sharing mutation and the clone's refusal of it.
const SHARING: [(&str, &str); 2] = [
    ("issueShare", "The user already has access to the issue."),
    ("issueUnshare", "The issue is not shared with the user."),
];

#[asym::clone("linear", seed = "basic")]
async fn sharing_and_sync_are_refused_by_name(linear: asym::Linear) {
    let api = client(&linear);
    for (field, refusal) in SHARING {
        let text = SHARE.replace("FIELD", field);
        let reply = crate::gql(&api, &text, json!({"id": "ENG-1", "u": BEN})).await;
        invalid_input(&reply, refusal, refusal);
        missing(&api, &text, json!({"id": "ENG-99", "u": BEN}), "Issue").await;
        missing(&api, &text, json!({"id": "ENG-1", "u": "nobody"}), "User").await;
    }
    let text = "mutation($a: String!) { issueExternalSyncDisable(attachmentId: $a) { success } }";
    let refusal = "The attachment does not sync the issue with an external source.";
    let attachment = "50000000-0000-4000-8000-000000000001";
    let reply = crate::gql(&api, text, json!({"a": attachment})).await;
    invalid_input(&reply, refusal, refusal);
    missing(&api, text, json!({"a": "nope"}), "Attachment").await;
    let text =
        "mutation($p: String!) { projectExternalSyncDisable(projectId: $p, syncSource: jira) {
        success } }";
    let refusal = "The project is not synced with jira.";
    crate::refused_as(&api, text, json!({"p": "8a1f2c3d4e5f"}), refusal, refusal).await;
    missing(&api, text, json!({"p": "nope"}), "Project").await;
}

const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

#[asym::clone("linear", seed = "basic")]
async fn an_update_reminder_reaches_the_lead_or_the_user_named(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    let project = "mutation($p: String!, $u: String) {
        createProjectUpdateReminder(projectId: $p, userId: $u) { success lastSyncId } }";
    let initiative = "mutation($i: String!, $u: String) {
        createInitiativeUpdateReminder(initiativeId: $i, userId: $u) { success lastSyncId } }";
    mutate(&ben, project, json!({"p": LAUNCH})).await;
    mutate(&ada, initiative, json!({"i": "8c2d4e6f8a0b", "u": BEN})).await;
    let text = "{ notifications { nodes { __typename type category actor { id }
        ... on ProjectNotification { projectId project { name } }
        ... on InitiativeNotification { initiativeId initiative { name } } } } }";
    let got = query(&ada, text, json!({})).await;
    assert_eq!(
        got["notifications"]["nodes"],
        json!([{"__typename": "ProjectNotification", "type": "projectUpdatePrompt",
                "category": "postsAndUpdates", "actor": {"id": BEN}, "projectId": LAUNCH,
                "project": {"name": "Launch"}}]),
        "Launch's lead"
    );
    let got = query(&ben, text, json!({})).await;
    assert_eq!(
        got["notifications"]["nodes"][0]["type"],
        "initiativeUpdatePrompt"
    );
    assert_eq!(
        got["notifications"]["nodes"][0]["initiative"]["name"],
        "Ship v1"
    );
    let read = "mutation($p: String) { notificationMarkReadAll(input: {projectId: $p},
        readAt: \"2026-01-01T00:00:00Z\") { success notifications { readAt } } }";
    let marked = mutate(&ada, read, json!({"p": LAUNCH})).await["notifications"].clone();
    assert_eq!(marked, json!([{"readAt": "2026-01-01T00:00:00.000Z"}]));

    missing(&ada, project, json!({"p": "nope"}), "Project").await;
    missing(&ada, project, json!({"p": LAUNCH, "u": "nobody"}), "User").await;
    let create = "mutation { projectCreate(input: {name: \"Leaderless\", teamIds: [\"c0000000-0000-4000-8000-000000000001\"]}) {
        success project { id } } }";
    let leaderless = mutate(&ada, create, json!({})).await["project"]["id"].clone();
    let refusal = "The project has no lead to remind: name a userId.";
    crate::refused_as(&ada, project, json!({"p": leaderless}), refusal, refusal).await;
}
