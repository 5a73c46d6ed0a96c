//! Comment threads: `commentResolve` (by the viewer, optionally by one of its replies) and
//! `commentUnresolve`, with their Comment webhooks.

use serde_json::json;

use crate::{
    ADA, ENG, client, delete_payload, delivered, invalid_argument, mutate, refused_for, subscribed,
    with_id,
};

/// ENG-1's first comment (Ben's question) and ENG-4's.
const QUESTION: &str = "30000000-0000-4000-8000-000000000001";
const CRASH: &str = "30000000-0000-4000-8000-000000000003";
const RESOLVE: &str = "mutation($id: String!, $by: String) { commentResolve(id: $id, resolvingCommentId: $by) {
    success lastSyncId comment { id resolvedAt resolvingUser { id } resolvingComment { id } resolvingCommentId } } }";
const UNRESOLVE: &str = "mutation($id: String!) { commentUnresolve(id: $id) {
    success comment { resolvedAt resolvingUser { id } resolvingComment { id } } } }";

/// A reply to comment `parent`; answers its id.
async fn reply(api: &asym_kit::testing::Api, parent: &str) -> String {
    let input = json!({"issueId": "ENG-1", "body": "Agreed: email only.", "parentId": parent});
    let created = mutate(
        api,
        "mutation($i: CommentCreateInput!) { commentCreate(input: $i) { success comment { id } } }",
        json!({"i": input}),
    )
    .await;
    created["comment"]["id"].as_str().unwrap().to_owned()
}

/// Comment `id`'s `resolvedAt` and `resolvingComment`, as read back.
async fn resolution(api: &asym_kit::testing::Api, id: &str) -> serde_json::Value {
    let read = "query($id: String!) { comment(id: $id) { resolvedAt resolvingComment { id } } }";
    with_id(api, read, id).await["comment"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn threads_resolve_and_unresolve(linear: asym::Linear) {
    let api = client(&linear);
    let hooks = subscribed(&api, "Comment", Some(ENG)).await;
    let answer = reply(&api, QUESTION).await;
    delivered(&hooks, "Comment", "create").await;

    let resolved = mutate(&api, RESOLVE, json!({"id": QUESTION, "by": answer})).await;
    let comment = &resolved["comment"];
    assert!(comment["resolvedAt"].is_string(), "{comment}");
    assert_eq!(comment["resolvingUser"]["id"], ADA);
    assert_eq!(comment["resolvingComment"]["id"], answer.as_str());
    assert_eq!(comment["resolvingCommentId"], answer.as_str());
    let body = delivered(&hooks, "Comment", "update").await;
    assert_eq!(body["data"]["resolvingUserId"], ADA);
    assert_eq!(body["data"]["resolvingCommentId"], answer.as_str());
    assert!(body["updatedFrom"]["resolvedAt"].is_null());
    assert!(
        body["updatedFrom"]
            .as_object()
            .unwrap()
            .contains_key("resolvedAt")
    );

    let reopened = mutate(&api, UNRESOLVE, json!({"id": QUESTION})).await;
    assert_eq!(
        reopened["comment"],
        json!({"resolvedAt": null, "resolvingUser": null, "resolvingComment": null})
    );
    let body = delivered(&hooks, "Comment", "update").await;
    assert_eq!(body["updatedFrom"]["resolvingUserId"], ADA);

    // Resolved with no reply; the resolving reply deleted later leaves it resolved.
    let plain = mutate(&api, RESOLVE, json!({"id": CRASH})).await;
    assert!(plain["comment"]["resolvedAt"].is_string());
    assert!(plain["comment"]["resolvingComment"].is_null());
    mutate(&api, RESOLVE, json!({"id": QUESTION, "by": answer})).await;
    delete_payload(&api, "commentDelete", &answer).await;
    let after = resolution(&api, QUESTION).await;
    assert!(after["resolvedAt"].is_string());
    assert!(after["resolvingComment"].is_null());
}

#[asym::clone("linear", seed = "basic")]
async fn resolving_refuses_what_is_not_a_thread(linear: asym::Linear) {
    let api = client(&linear);
    let answer = reply(&api, QUESTION).await;
    let unknown = "30000000-0000-4000-8000-0000000000ff";
    for id in [
        json!({"id": unknown}),
        json!({"id": QUESTION, "by": unknown}),
    ] {
        refused_for(&api, RESOLVE, id, "Entity not found: Comment").await;
    }
    let reply_resolved = json!({"id": answer});
    let not_its_reply = json!({"id": CRASH, "by": answer});
    invalid_argument(&api, RESOLVE, reply_resolved, "Only a top-level comment").await;
    invalid_argument(
        &api,
        RESOLVE,
        not_its_reply,
        "must be a reply to the resolved comment",
    )
    .await;
    refused_for(
        &api,
        UNRESOLVE,
        json!({"id": unknown}),
        "Entity not found: Comment",
    )
    .await;
    assert!(resolution(&api, CRASH).await["resolvedAt"].is_null());
}
