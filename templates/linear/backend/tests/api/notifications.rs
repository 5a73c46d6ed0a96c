//! Notifications: the clone's own writes notify the other people of an issue (assigned,
//! unassigned, a comment, a mention, a status change), never the actor; each inbox is its
//! recipient's, read, snoozed, archived one at a time or all of an issue's at once.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::{
    ADA, BEN, archive_payload, ask, client, gql, invalid_input, missing, mutate, oauth_client,
    query,
};

const ENG_3: &str = "20000000-0000-4000-8000-000000000003";
const TODO: &str = "d0000000-0000-4000-8000-000000000002";
const IN_PROGRESS: &str = "d0000000-0000-4000-8000-000000000003";

/// What the SDK's `Notification` fragment spreads, in short.
const FIELDS: &str = "__typename id type category readAt snoozedUntilAt unsnoozedAt archivedAt
    user { id } actor { id }
    ... on IssueNotification { issueId issue { identifier } team { key } commentId comment { body } }";

/// The inbox of `api`'s viewer, newest first, with `arguments`.
async fn inbox(api: &Api, arguments: &str) -> Vec<Value> {
    let text = format!("query {{ notifications{arguments} {{ nodes {{ {FIELDS} }} }} }}");
    let got = ask(api, &text).await;
    got["notifications"]["nodes"].as_array().unwrap().clone()
}

/// The `type` of each notification, newest first.
fn types(notifications: &[Value]) -> Vec<&str> {
    notifications
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect()
}

async fn unread(api: &Api) -> Value {
    ask(api, "query { notificationsUnreadCount }").await["notificationsUnreadCount"].clone()
}

async fn update_issue(api: &Api, input: Value) {
    let text = "mutation($id: String!, $input: IssueUpdateInput!) {
        issueUpdate(id: $id, input: $input) { success } }";
    mutate(api, text, json!({"id": ENG_3, "input": input})).await;
}

async fn comment(api: &Api, body: &str) -> Value {
    let text = "mutation($input: CommentCreateInput!) {
        commentCreate(input: $input) { success comment { id } } }";
    let input = json!({"issueId": "ENG-3", "body": body});
    mutate(api, text, json!({ "input": input })).await["comment"]["id"].clone()
}

/// A batch action `mutation` over ENG-3's notifications, with `extra` arguments: the
/// notifications it changed.
async fn batch(api: &Api, mutation: &str, extra: &str, variables: Value) -> Vec<Value> {
    let text = format!(
        "mutation($input: NotificationEntityInput!{extra}) {{ {mutation} }}",
        mutation = mutation.replace("{FIELDS}", FIELDS)
    );
    let got = mutate(api, &text, variables).await;
    got["notifications"].as_array().unwrap().clone()
}

#[asym::clone("linear", seed = "basic")]
async fn the_clones_writes_notify_the_other_people_of_an_issue(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    assert_eq!(inbox(&ben, "").await, Vec::<Value>::new(), "seeded empty");

    update_issue(&ada, json!({"assigneeId": BEN})).await;
    let mentioned = comment(&ada, "@ben can you take a look?").await;
    let plain = comment(&ada, "Pushed a fix.").await;
    update_issue(&ada, json!({"stateId": IN_PROGRESS})).await;
    update_issue(
        &ada,
        json!({"description": "Send a signed link, as https://x.test/acme/profiles/ben asked."}),
    )
    .await;

    let got = inbox(&ben, "").await;
    assert_eq!(
        types(&got),
        [
            "issueMention",
            "issueStatusChanged",
            "issueNewComment",
            "issueCommentMention",
            "issueAssignedToYou"
        ]
    );
    for n in &got {
        assert_eq!(n["__typename"], "IssueNotification", "{n}");
        assert_eq!(
            (&n["user"]["id"], &n["actor"]["id"]),
            (&json!(BEN), &json!(ADA))
        );
        assert_eq!(
            (&n["issueId"], &n["issue"]["identifier"], &n["team"]["key"]),
            (&json!(ENG_3), &json!("ENG-3"), &json!("ENG"))
        );
        assert_eq!(n["readAt"], Value::Null);
    }
    let categories: Vec<&Value> = got.iter().map(|n| &n["category"]).collect();
    assert_eq!(
        categories,
        [
            "mentions",
            "statusChanges",
            "commentsAndReplies",
            "mentions",
            "assignments"
        ]
    );
    assert_eq!(
        (&got[3]["commentId"], &got[2]["commentId"]),
        (&mentioned, &plain)
    );
    assert_eq!(got[2]["comment"]["body"], "Pushed a fix.");
    assert_eq!(got[4]["commentId"], Value::Null);
    assert_eq!(
        inbox(&ada, "").await,
        Vec::<Value>::new(),
        "never the actor"
    );
    assert_eq!(unread(&ben).await, 5);

    // Ben's own writes notify Ada, who created ENG-3 (a subscriber), not Ben.
    update_issue(&ben, json!({"assigneeId": null, "stateId": TODO})).await;
    assert_eq!(
        types(&inbox(&ada, "").await),
        ["issueStatusChanged"],
        "Ada hears of the move"
    );
    assert_eq!(
        types(&inbox(&ben, "").await)[0],
        "issueMention",
        "Ben unassigned himself"
    );
    update_issue(&ada, json!({"assigneeId": BEN})).await;
    assert_eq!(types(&inbox(&ben, "").await)[0], "issueAssignedToYou");
    update_issue(&ada, json!({"assigneeId": ADA})).await;
    assert_eq!(types(&inbox(&ben, "").await)[0], "issueUnassignedFromYou");
    assert_eq!(inbox(&ben, "").await[0]["category"], "assignments");
    let filtered = inbox(&ben, r#"(filter: {type: {eq: "issueNewComment"}})"#).await;
    assert_eq!(types(&filtered), ["issueNewComment"]);
}

#[asym::clone("linear", seed = "basic")]
async fn an_inbox_is_read_snoozed_and_archived(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    update_issue(&ada, json!({"assigneeId": BEN})).await;
    comment(&ada, "First.").await;
    comment(&ada, "Second.").await;
    let got = inbox(&ben, "").await;
    assert_eq!(got.len(), 3);
    let id = got[0]["id"].clone();

    let update = format!(
        "mutation($id: String!, $input: NotificationUpdateInput!) {{
           notificationUpdate(id: $id, input: $input) {{ success lastSyncId notification {{ {FIELDS} }} }} }}"
    );
    let read = mutate(
        &ben,
        &update,
        json!({"id": id, "input": {"readAt": "2026-01-02T03:04:05.000Z"}}),
    )
    .await;
    assert_eq!(
        read["notification"]["readAt"], "2026-01-02T03:04:05.000Z",
        "{read}"
    );
    assert_eq!(read["notification"]["__typename"], "IssueNotification");
    assert_eq!(unread(&ben).await, 2);
    let input = json!({"snoozedUntilAt": "2099-01-01T00:00:00.000Z"});
    let snoozed = mutate(&ben, &update, json!({"id": got[1]["id"], "input": input})).await;
    assert_eq!(
        snoozed["notification"]["snoozedUntilAt"],
        "2099-01-01T00:00:00.000Z"
    );
    assert_eq!(unread(&ben).await, 1, "a snoozed one is not counted");
    let input = json!({"snoozedUntilAt": null});
    let woken = mutate(&ben, &update, json!({"id": got[1]["id"], "input": input})).await;
    assert_eq!(woken["notification"]["snoozedUntilAt"], Value::Null);
    assert!(woken["notification"]["unsnoozedAt"].is_string(), "{woken}");

    // Another user's notification is not found.
    let one = format!("query($id: String!) {{ notification(id: $id) {{ {FIELDS} }} }}");
    missing(&ada, &one, json!({ "id": id }), "Notification").await;
    missing(
        &ada,
        &update,
        json!({"id": id, "input": {}}),
        "Notification",
    )
    .await;
    let own = query(&ben, &one, json!({ "id": id })).await;
    assert_eq!(own["notification"]["id"], id);

    let issue = json!({"input": {"issueId": "ENG-3"}, "at": "2026-02-03T00:00:00.000Z"});
    let all = "notificationMarkReadAll(input: $input, readAt: $at) {
        success lastSyncId notifications { {FIELDS} } }";
    let marked = batch(&ben, all, ", $at: DateTime!", issue.clone()).await;
    assert_eq!(marked.len(), 2, "only the unread ones");
    assert!(
        marked
            .iter()
            .all(|n| n["readAt"] == "2026-02-03T00:00:00.000Z")
    );
    assert_eq!(unread(&ben).await, 0);
    let unmarked = "notificationMarkUnreadAll(input: $input) { success notifications { id } }";
    let input = json!({"input": {"issueId": ENG_3}});
    assert_eq!(batch(&ben, unmarked, "", input.clone()).await.len(), 3);
    assert_eq!(unread(&ben).await, 3);
    let snooze = "notificationSnoozeAll(input: $input, snoozedUntilAt: $at) {
        success notifications { snoozedUntilAt } }";
    let at = json!({"input": {"id": id}, "at": "2099-01-01T00:00:00.000Z"});
    let snoozed = batch(&ben, snooze, ", $at: DateTime!", at).await;
    assert_eq!(
        snoozed,
        [json!({"snoozedUntilAt": "2099-01-01T00:00:00.000Z"})]
    );
    let unsnooze = "notificationUnsnoozeAll(input: $input, unsnoozedAt: $at) {
        success notifications { snoozedUntilAt unsnoozedAt } }";
    let woken = batch(&ben, unsnooze, ", $at: DateTime!", issue.clone()).await;
    assert_eq!(
        woken,
        [json!({"snoozedUntilAt": null, "unsnoozedAt": "2026-02-03T00:00:00.000Z"})]
    );

    let fields = "id archivedAt __typename";
    let archived = archive_payload(&ben, "notificationArchive", &id, fields).await;
    assert!(archived["archivedAt"].is_string(), "{archived}");
    assert_eq!(archived["__typename"], "IssueNotification");
    assert_eq!(inbox(&ben, "").await.len(), 2);
    assert_eq!(inbox(&ben, "(includeArchived: true)").await.len(), 3);
    let back = archive_payload(&ben, "notificationUnarchive", &id, fields).await;
    assert_eq!(back["archivedAt"], Value::Null);
    let everything = "notificationArchiveAll(input: $input) { success notifications { id } }";
    assert_eq!(batch(&ben, everything, "", input).await.len(), 3);
    assert_eq!(inbox(&ben, "").await, Vec::<Value>::new());

    let none = "mutation { notificationArchiveAll(input: {}) { success } }";
    let reply = gql(&ben, none, json!({})).await;
    let presentable = "Exactly one of id, issueId, projectId, projectUpdateId, initiativeId, \
        initiativeUpdateId or oauthClientApprovalId must be defined.";
    invalid_input(&reply, "Argument Validation Error", presentable);
}
