//! Emoji reactions: `reactionCreate` on an issue, a comment, a project update or an
//! initiative update, `reactionDelete`, the `reactions` of each, and `Reaction` webhooks.

use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, ask, client, delete_payload, delivered, invalid_argument, mutate, oauth_client,
    refused_for, subscribed, with_id,
};

const REACT: &str = "mutation($input: ReactionCreateInput!) { reactionCreate(input: $input) {
    success lastSyncId reaction { id emoji user { id } issue { id } comment { id }
      projectUpdate { id } initiativeUpdate { id } createdAt } } }";
/// ENG-1 and its first comment.
const ENG_1: &str = "20000000-0000-4000-8000-000000000001";
const QUESTION: &str = "30000000-0000-4000-8000-000000000001";

/// Reacts with `emoji` on what `target` (`{"issueId": …}`, …) names; answers the reaction.
async fn react(api: &asym_kit::testing::Api, emoji: &str, mut target: Value) -> Value {
    target["emoji"] = json!(emoji);
    mutate(api, REACT, json!({ "input": target })).await["reaction"].clone()
}

/// The emojis of `field(id:)`'s `reactions`, oldest first.
async fn emojis(api: &asym_kit::testing::Api, field: &str, id: impl Serialize) -> Vec<String> {
    let text = format!(
        "query($id: String!) {{ {field}(id: $id) {{ reactions {{ emoji user {{ id }} }} }} }}"
    );
    let got = with_id(api, &text, id).await;
    asym_kit::testing::pluck(&got[field]["reactions"], "emoji")
}

/// A new update of `kind` (`project`, `initiative`) on `parent`; answers its id.
async fn status_update(api: &asym_kit::testing::Api, kind: &str, parent: &str) -> Value {
    let text = format!(
        "mutation($p: String!) {{ {kind}UpdateCreate(input: {{ {kind}Id: $p, body: \"Going well\" }}) {{
            success {kind}Update {{ id }} }} }}"
    );
    let created = mutate(api, &text, json!({ "p": parent })).await;
    created[format!("{kind}Update")]["id"].clone()
}

/// A new project update (Launch's) with `api`'s "rocket" and a new initiative update (Ship
/// v1's) with `other`'s "fire"; answers their ids.
async fn updates_reacted(
    api: &asym_kit::testing::Api,
    other: &asym_kit::testing::Api,
) -> (Value, Value) {
    let project_update =
        status_update(api, "project", "f0000000-0000-4000-8000-000000000001").await;
    react(api, "rocket", json!({"projectUpdateId": project_update})).await;
    let initiative_update =
        status_update(api, "initiative", "91000000-0000-4000-8000-000000000001").await;
    let target = json!({"initiativeUpdateId": initiative_update});
    react(other, "fire", target).await;
    (project_update, initiative_update)
}

#[asym::clone("linear", seed = "basic")]
async fn reactions_on_issues_comments_and_updates(linear: asym::Linear) {
    let api = client(&linear);
    let thumbs = react(&api, "+1", json!({"issueId": "ENG-1"})).await;
    assert_eq!(thumbs["emoji"], "+1");
    assert_eq!(thumbs["user"]["id"], ADA);
    assert_eq!(thumbs["issue"]["id"], ENG_1);
    assert!(thumbs["comment"].is_null() && thumbs["createdAt"].is_string());
    react(&api, "tada", json!({"issueId": ENG_1})).await;
    assert_eq!(emojis(&api, "issue", "ENG-1").await, ["+1", "tada"]);
    // The issues list (written straight from the stored documents) answers them too.
    let list = ask(
        &api,
        "{ issues(filter: { number: { eq: 1 } }) { nodes { reactions { emoji } } } }",
    )
    .await;
    assert_eq!(
        list["issues"]["nodes"][0]["reactions"],
        json!([{"emoji": "+1"}, {"emoji": "tada"}])
    );

    let on_comment = react(&api, "eyes", json!({"commentId": QUESTION})).await;
    assert_eq!(on_comment["comment"]["id"], QUESTION);
    assert_eq!(emojis(&api, "comment", QUESTION).await, ["eyes"]);
    let (project_update, initiative_update) = updates_reacted(&api, &api).await;
    assert_eq!(
        emojis(&api, "projectUpdate", &project_update).await,
        ["rocket"]
    );
    assert_eq!(
        emojis(&api, "initiativeUpdate", &initiative_update).await,
        ["fire"]
    );

    delete_payload(&api, "reactionDelete", &thumbs["id"]).await;
    assert_eq!(emojis(&api, "issue", "ENG-1").await, ["tada"]);
    // An issue goes with its reactions and its comments' reactions.
    let gone = "mutation { issueDelete(id: \"ENG-1\", permanentlyDelete: true) { success } }";
    mutate(&api, gone, json!({})).await;
    crate::not_found(&api, "comment", QUESTION, "Comment").await;
}

/// `field(id:)`'s `reactionData`.
async fn reaction_data(api: &asym_kit::testing::Api, field: &str, id: impl Serialize) -> Value {
    let text = format!("query($id: String!) {{ {field}(id: $id) {{ reactionData }} }}");
    with_id(api, &text, id).await[field]["reactionData"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn reaction_data_groups_reactions_by_emoji(linear: asym::Linear) {
    let api = client(&linear);
    let ben = oauth_client(&linear);
    assert_eq!(reaction_data(&api, "issue", "ENG-1").await, json!([]));
    react(&api, "+1", json!({"issueId": "ENG-1"})).await;
    react(&api, "tada", json!({"issueId": "ENG-1"})).await;
    let bens = react(&ben, "+1", json!({"issueId": "ENG-1"})).await;
    // The same emoji again by the same user counts, and names the user once.
    react(&api, "+1", json!({"issueId": "ENG-1"})).await;
    let grouped = json!([
        {"emoji": "+1", "count": 3, "userIds": [ADA, BEN]},
        {"emoji": "tada", "count": 1, "userIds": [ADA]},
    ]);
    assert_eq!(reaction_data(&api, "issue", "ENG-1").await, grouped);
    // The issues list, written straight from the stored documents, answers the same.
    let list = ask(
        &api,
        "{ issues(filter: { number: { eq: 1 } }) { nodes { reactionData } } }",
    )
    .await;
    assert_eq!(list["issues"]["nodes"][0]["reactionData"], grouped);
    delete_payload(&api, "reactionDelete", &bens["id"]).await;
    assert_eq!(
        reaction_data(&api, "issue", "ENG-1").await[0],
        json!({"emoji": "+1", "count": 2, "userIds": [ADA]})
    );

    react(&ben, "eyes", json!({"commentId": QUESTION})).await;
    let eyes = json!([{"emoji": "eyes", "count": 1, "userIds": [BEN]}]);
    assert_eq!(reaction_data(&api, "comment", QUESTION).await, eyes);
    let (project_update, initiative_update) = updates_reacted(&api, &ben).await;
    assert_eq!(
        reaction_data(&api, "projectUpdate", &project_update).await,
        json!([{"emoji": "rocket", "count": 1, "userIds": [ADA]}])
    );
    assert_eq!(
        reaction_data(&api, "initiativeUpdate", &initiative_update).await,
        json!([{"emoji": "fire", "count": 1, "userIds": [BEN]}])
    );
}

#[asym::clone("linear", seed = "basic")]
async fn reactions_refuse_what_linear_refuses(linear: asym::Linear) {
    let api = client(&linear);
    let one_target = "Exactly one of commentId, issueId, projectUpdateId, initiativeUpdateId, postId, pullRequestId or pullRequestCommentId must be defined.";
    for (input, expected) in [
        (json!({"emoji": "+1"}), one_target),
        (
            json!({"emoji": "+1", "issueId": ENG_1, "commentId": QUESTION}),
            one_target,
        ),
        (
            json!({"emoji": "+1", "issueId": ENG_1, "id": "not-a-uuid"}),
            "id must be a UUID.",
        ),
    ] {
        invalid_argument(&api, REACT, json!({"input": input}), expected).await;
    }
    for (input, expected) in [
        (
            json!({"emoji": "+1", "issueId": "ENG-99"}),
            "Entity not found: Issue",
        ),
        (
            json!({"emoji": "+1", "issueId": "20000000-0000-4000-8000-0000000000ff"}),
            "Entity not found: Issue",
        ),
        (
            json!({"emoji": "+1", "commentId": "30000000-0000-4000-8000-0000000000ff"}),
            "Entity not found: Comment",
        ),
        (
            json!({"emoji": "+1", "projectUpdateId": "70000000-0000-4000-8000-0000000000ff"}),
            "Entity not found: ProjectUpdate",
        ),
        (
            json!({"emoji": "+1", "initiativeUpdateId": "70000000-0000-4000-8000-0000000000ff"}),
            "Entity not found: InitiativeUpdate",
        ),
        (json!({"emoji": "+1", "postId": "x"}), "`postId`"),
    ] {
        refused_for(&api, REACT, json!({"input": input}), expected).await;
    }
    assert_eq!(emojis(&api, "issue", "ENG-1").await, Vec::<String>::new());
    let unknown = json!({"id": "70000000-0000-4000-8000-0000000000ff"});
    refused_for(
        &api,
        "mutation($id: String!) { reactionDelete(id: $id) { success } }",
        unknown,
        "Entity not found: Reaction",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn reactions_announce_their_changes(linear: asym::Linear) {
    let api = client(&linear);
    let hooks = subscribed(&api, "Reaction", Some(ENG)).await;
    let reaction = react(&api, "heart", json!({"commentId": QUESTION})).await;
    let body = delivered(&hooks, "Reaction", "create").await;
    assert_eq!(body["data"]["emoji"], "heart");
    assert_eq!(body["data"]["commentId"], QUESTION);
    assert_eq!(body["data"]["userId"], ADA);
    delete_payload(&api, "reactionDelete", &reaction["id"]).await;
    let body = delivered(&hooks, "Reaction", "remove").await;
    assert_eq!(body["data"]["id"], reaction["id"]);
}
