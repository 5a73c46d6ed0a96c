//! Attachments beyond their creation: `attachmentUpdate`, `attachmentDelete`,
//! `attachmentsForURL`, `attachmentIssue`, and their `Attachment` webhooks.

use asym_kit::testing::pluck;
use serde_json::json;

use crate::{
    ENG, ask, client, delete_payload, delivered, mutate, not_found, query, refused_for, subscribed,
    with_id,
};

/// ENG-1's seeded attachment.
const MOCKUPS: &str = "50000000-0000-4000-8000-000000000001";
const MOCKUPS_URL: &str = "https://example.com/mockups/login";
const UPDATE: &str = "mutation($id: String!, $input: AttachmentUpdateInput!) {
    attachmentUpdate(id: $id, input: $input) { success lastSyncId attachment { id title subtitle metadata } } }";
const CREATE: &str = "mutation($i: AttachmentCreateInput!) { attachmentCreate(input: $i) { success attachment { id } } }";
const FOR_URL: &str = "query($url: String!, $archived: Boolean) {
    attachmentsForURL(url: $url, includeArchived: $archived) { nodes { id issue { identifier } } } }";
const ISSUE: &str = "query($id: String!) { attachmentIssue(id: $id) { identifier } }";

#[asym::clone("linear", seed = "basic")]
async fn attachments_update_delete_and_are_found_by_url(linear: asym::Linear) {
    let api = client(&linear);
    let input = json!({"title": "Login v2", "subtitle": null, "metadata": {"pages": 3}});
    let updated = mutate(&api, UPDATE, json!({"id": MOCKUPS, "input": input})).await;
    let attachment = &updated["attachment"];
    assert_eq!(attachment["title"], "Login v2");
    assert!(attachment["subtitle"].is_null());
    assert_eq!(attachment["metadata"], json!({"pages": 3}));
    let read = with_id(
        &api,
        "query($id: String!) { attachment(id: $id) { title } }",
        MOCKUPS,
    )
    .await;
    assert_eq!(read["attachment"]["title"], "Login v2");

    // The same URL on another issue: both are found by it, newest first.
    let other = mutate(
        &api,
        CREATE,
        json!({"i": {"issueId": "ENG-4", "url": MOCKUPS_URL, "title": "Mockups"}}),
    )
    .await;
    let found = query(&api, FOR_URL, json!({"url": MOCKUPS_URL})).await;
    let nodes = &found["attachmentsForURL"]["nodes"];
    assert_eq!(
        pluck(nodes, "id"),
        [other["attachment"]["id"].as_str().unwrap(), MOCKUPS]
    );
    assert_eq!(nodes[1]["issue"]["identifier"], "ENG-1");
    let none = query(&api, FOR_URL, json!({"url": "https://example.com/nothing"})).await;
    assert_eq!(none["attachmentsForURL"]["nodes"], json!([]));

    // attachmentIssue by the attachment's id, or (deprecated) its URL.
    assert_eq!(
        with_id(&api, ISSUE, MOCKUPS).await["attachmentIssue"]["identifier"],
        "ENG-1"
    );
    let by_url = with_id(&api, ISSUE, "https://example.com/mockups/login").await;
    assert_eq!(
        by_url["attachmentIssue"]["identifier"], "ENG-1",
        "the first attachment of the URL"
    );

    delete_payload(&api, "attachmentDelete", MOCKUPS).await;
    not_found(&api, "attachment", MOCKUPS, "Attachment").await;
    let left = query(&api, FOR_URL, json!({"url": MOCKUPS_URL, "archived": true})).await;
    assert_eq!(
        left["attachmentsForURL"]["nodes"][0]["issue"]["identifier"],
        "ENG-4"
    );
    let issue = "query { issue(id: \"ENG-1\") { attachments { nodes { id } } } }";
    assert_eq!(
        ask(&api, issue).await["issue"]["attachments"]["nodes"],
        json!([])
    );
}

#[asym::clone("linear", seed = "basic")]
async fn attachment_writes_refuse_what_linear_refuses(linear: asym::Linear) {
    let api = client(&linear);
    let unknown = "50000000-0000-4000-8000-0000000000ff";
    let not_found = "Entity not found: Attachment";
    refused_for(
        &api,
        UPDATE,
        json!({"id": unknown, "input": {"title": "x"}}),
        not_found,
    )
    .await;
    refused_for(
        &api,
        "mutation($id: String!) { attachmentDelete(id: $id) { success } }",
        json!({"id": unknown}),
        not_found,
    )
    .await;
    refused_for(&api, ISSUE, json!({"id": unknown}), not_found).await;
    let icon =
        json!({"id": MOCKUPS, "input": {"title": "x", "iconUrl": "https://example.com/i.png"}});
    refused_for(&api, UPDATE, icon, "`iconUrl`").await;
}

#[asym::clone("linear", seed = "basic")]
async fn attachments_announce_their_changes(linear: asym::Linear) {
    let api = client(&linear);
    let hooks = subscribed(&api, "Attachment", Some(ENG)).await;
    let created = mutate(
        &api,
        CREATE,
        json!({"i": {"issueId": "ENG-2", "url": "https://example.com/spec", "title": "Spec"}}),
    )
    .await;
    let id = created["attachment"]["id"].as_str().unwrap().to_owned();
    let body = delivered(&hooks, "Attachment", "create").await;
    assert_eq!(body["data"]["id"], id.as_str());
    assert_eq!(
        body["data"]["issueId"],
        "20000000-0000-4000-8000-000000000002"
    );
    assert_eq!(body["data"]["creatorId"], crate::ADA);

    mutate(
        &api,
        UPDATE,
        json!({"id": id, "input": {"title": "Spec v2"}}),
    )
    .await;
    let body = delivered(&hooks, "Attachment", "update").await;
    assert_eq!(body["data"]["title"], "Spec v2");
    assert_eq!(body["updatedFrom"]["title"], "Spec");

    delete_payload(&api, "attachmentDelete", &id).await;
    let body = delivered(&hooks, "Attachment", "remove").await;
    assert_eq!(body["data"]["id"], id.as_str());
}

/// `issue.needs`, `formerNeeds` and `formerAttachments` (as the SDK reaches them, through
/// `issue`, `attachmentIssue` and `issueVcsBranchSearch`): empty connections, the clone
/// storing no customer needs and moving no attachment off its issue; ENG-1 keeps its
/// attachment under `attachments`.
#[asym::clone("linear", seed = "basic")]
async fn an_issue_has_no_customer_needs_and_no_former_attachments(linear: asym::Linear) {
    let api = client(&linear);
    let fields = "needs(first: 5, filter: {priority: {eq: 1}}) { nodes { id } edges { cursor }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
        formerNeeds { nodes { id } } formerAttachments(includeArchived: true) { nodes { id } }
        attachments { nodes { id } }";
    let text = format!(
        "query($id: String!) {{ issue(id: \"ENG-1\") {{ {fields} }}
            attachmentIssue(id: $id) {{ {fields} }}
            issueVcsBranchSearch(branchName: \"ada/eng-1-login\") {{ {fields} }} }}"
    );
    let got = with_id(&api, &text, MOCKUPS).await;
    for root in ["issue", "attachmentIssue", "issueVcsBranchSearch"] {
        let issue = &got[root];
        assert_eq!(
            issue["needs"],
            json!({"nodes": [], "edges": [], "pageInfo": {"hasNextPage": false,
                "hasPreviousPage": false, "startCursor": null, "endCursor": null}}),
            "{root}: {got}"
        );
        assert_eq!(issue["formerNeeds"]["nodes"], json!([]), "{root}");
        assert_eq!(issue["formerAttachments"]["nodes"], json!([]), "{root}");
        assert_eq!(pluck(&issue["attachments"]["nodes"], "id"), [MOCKUPS]);
    }
}
