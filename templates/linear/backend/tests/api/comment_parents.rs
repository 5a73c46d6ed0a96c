//! Comments with no issue: on a project update, an initiative update or a document's
//! content, a project or an initiative, listed by that parent's `comments`; exactly one
//! parent, else refused.

use asym_kit::testing::{Api, assert_suffix};
use serde_json::{Value, json};

use crate::{ADA, client, gql, invalid_input, mutate, with_id};

/// Project Launch and initiative Ship v1.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";
const SHIP: &str = "91000000-0000-4000-8000-000000000001";

const COMMENT: &str = "mutation($input: CommentCreateInput!) { commentCreate(input: $input) {
    success comment { id body url issueId issue { id } user { id } projectUpdateId
    projectUpdate { id } initiativeUpdateId initiativeUpdate { id } documentContentId } } }";

/// `<key>Create(input)`'s `key` (its `id` and `url`); `Type` is `key` capitalised.
async fn made(api: &Api, key: &str, input: Value) -> Value {
    let ty = format!("{}{}", key[..1].to_uppercase(), &key[1..]);
    let text = format!(
        "mutation($input: {ty}CreateInput!) {{ {key}Create(input: $input) {{ success {key} {{ id url }} }} }}"
    );
    mutate(api, &text, json!({ "input": input })).await[key].clone()
}

/// The ids of `parent(id:)`'s `comments`.
async fn comment_ids(api: &Api, parent: &str, id: &str) -> Vec<String> {
    let text =
        format!("query($id: String!) {{ {parent}(id: $id) {{ comments {{ nodes {{ id }} }} }} }}");
    with_id(api, &text, id).await[parent]["comments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

#[asym::clone("linear", seed = "basic")]
async fn comments_go_on_updates_and_documents(linear: asym::Linear) {
    let api = client(&linear);
    let update = made(
        &api,
        "projectUpdate",
        json!({"projectId": LAUNCH, "body": "Beta"}),
    )
    .await;
    let note = made(
        &api,
        "initiativeUpdate",
        json!({"initiativeId": SHIP, "body": "Ok"}),
    )
    .await;
    let doc = with_id(
        &api,
        "query($id: String!) { document(id: $id) { id url documentContentId } }",
        mutate(&api, "mutation($input: DocumentCreateInput!) { documentCreate(input: $input) { success document { id } } }",
            json!({"input": {"title": "Spec", "projectId": LAUNCH}})).await["document"]["id"].clone(),
    )
    .await["document"]
        .clone();
    let content = doc["documentContentId"]
        .as_str()
        .expect("a document has a content id");
    assert_ne!(content, doc["id"].as_str().unwrap());

    let cases = [
        (
            "projectUpdateId",
            update["id"].clone(),
            "projectUpdate",
            update["url"].clone(),
        ),
        (
            "initiativeUpdateId",
            note["id"].clone(),
            "initiativeUpdate",
            note["url"].clone(),
        ),
        ("documentContentId", json!(content), "", doc["url"].clone()),
    ];
    let mut made_ids = vec![];
    for (key, parent, object, url) in cases {
        let reply = mutate(
            &api,
            COMMENT,
            json!({"input": {"body": "Nice", key: parent}}),
        )
        .await;
        let comment = &reply["comment"];
        assert_eq!(reply["success"], true);
        assert_eq!(comment[key], parent, "{comment}");
        if !object.is_empty() {
            assert_eq!(comment[object]["id"], parent, "{comment}");
        }
        assert_eq!(comment["issueId"], Value::Null);
        assert_eq!(comment["issue"], Value::Null);
        assert_eq!(comment["user"]["id"], ADA);
        let id = comment["id"].as_str().unwrap().to_owned();
        let link = format!("{}#comment-{}", url.as_str().unwrap(), &id[..8]);
        assert_suffix(&comment["url"], &link);
        made_ids.push(id);
    }
    let parents = [
        ("projectUpdate", &update),
        ("initiativeUpdate", &note),
        ("document", &doc),
    ];
    for ((field, parent), made) in parents.into_iter().zip(&made_ids) {
        let id = parent["id"].as_str().unwrap();
        assert_eq!(
            comment_ids(&api, field, id).await,
            std::slice::from_ref(made),
            "{field}"
        );
        if field != "document" {
            let text = format!("query($id: String!) {{ {field}(id: $id) {{ commentCount }} }}");
            assert_eq!(
                with_id(&api, &text, id).await[field]["commentCount"],
                1,
                "{field}"
            );
        }
    }

    let one = "Exactly one of issueId, projectUpdateId, initiativeUpdateId, documentContentId, projectId or initiativeId must be defined.";
    for input in [
        json!({"body": "Orphan"}),
        json!({"body": "Both", "projectUpdateId": update["id"], "documentContentId": content}),
    ] {
        let reply = gql(&api, COMMENT, json!({ "input": input })).await;
        invalid_input(&reply, "Argument Validation Error", one);
    }
}

#[asym::clone("linear", seed = "basic")]
async fn comments_go_on_projects_and_initiatives(linear: asym::Linear) {
    let api = client(&linear);
    let text = "mutation($input: CommentCreateInput!) { commentCreate(input: $input) {
        success comment { id url issueId projectId project { id name } initiativeId
        initiative { id name } user { id } } } }";
    let comment =
        async |input: Value| mutate(&api, text, json!({ "input": input })).await["comment"].clone();
    let project = comment(json!({"projectId": LAUNCH, "body": "Kick-off notes"})).await;
    assert_eq!(
        (&project["projectId"], &project["project"]["name"]),
        (&json!(LAUNCH), &json!("Launch"))
    );
    assert_eq!(
        (&project["issueId"], &project["initiativeId"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(project["user"]["id"], ADA);
    let url = project["url"].as_str().unwrap();
    assert!(
        url.contains("/project/")
            && url.ends_with(&format!(
                "#comment-{}",
                &project["id"].as_str().unwrap()[..8]
            )),
        "{url}"
    );
    let initiative = comment(json!({"initiativeId": SHIP, "body": "Scope agreed"})).await;
    assert_eq!(initiative["initiative"]["id"], SHIP);
    assert!(
        initiative["url"].as_str().unwrap().contains("/initiative/"),
        "{initiative}"
    );
    assert_eq!(
        comment_ids(&api, "project", LAUNCH).await,
        [project["id"].as_str().unwrap()]
    );
    let both = json!({"body": "Both", "projectId": LAUNCH, "initiativeId": SHIP});
    let reply = gql(&api, COMMENT, json!({ "input": both })).await;
    let one = "Exactly one of issueId, projectUpdateId, initiativeUpdateId, documentContentId, projectId or initiativeId must be defined.";
    invalid_input(&reply, "Argument Validation Error", one);
}

#[asym::clone("linear", seed = "basic")]
async fn document_content_is_its_parents_content(linear: asym::Linear) {
    let api = client(&linear);
    let fields = "id content contentState createdAt updatedAt project { id }
        initiative { id } document { id } issue { id }";
    let text = format!(
        "mutation($id: String!, $input: ProjectUpdateInput!) {{ projectUpdate(id: $id, input: $input) {{
           success project {{ documentContent {{ {fields} }} }} }} }}"
    );
    let input = json!({"id": LAUNCH, "input": {"content": "# Plan\nShip it."}});
    let content = mutate(&api, &text, input).await["project"]["documentContent"].clone();
    assert_eq!(content["content"], "# Plan\nShip it.");
    assert_eq!(
        (&content["project"]["id"], &content["initiative"]),
        (&json!(LAUNCH), &Value::Null)
    );
    assert_eq!(content["contentState"], Value::Null);
    let again = with_id(
        &api,
        "query($id: String!) { project(id: $id) { documentContent { id } } }",
        LAUNCH,
    )
    .await;
    assert_eq!(
        again["project"]["documentContent"]["id"], content["id"],
        "a stable id"
    );

    let text = format!(
        "query($id: String!) {{ initiative(id: $id) {{ documentContent {{ {fields} }} }} }}"
    );
    let content = with_id(&api, &text, SHIP).await["initiative"]["documentContent"].clone();
    assert_eq!(content["initiative"]["id"], SHIP);
    assert_ne!(content["id"], again["project"]["documentContent"]["id"]);

    let doc = mutate(
        &api,
        "mutation($input: DocumentCreateInput!) { documentCreate(input: $input) {
           success document { id documentContentId } } }",
        json!({"input": {"title": "Spec", "content": "Draft", "projectId": LAUNCH}}),
    )
    .await["document"]
        .clone();
    let text = format!(
        "mutation($input: CommentCreateInput!) {{ commentCreate(input: $input) {{
           success comment {{ documentContent {{ {fields} }} }} }} }}"
    );
    let input = json!({"body": "Typo", "documentContentId": doc["documentContentId"]});
    let content =
        mutate(&api, &text, json!({ "input": input })).await["comment"]["documentContent"].clone();
    assert_eq!(
        (
            &content["id"],
            &content["content"],
            &content["document"]["id"]
        ),
        (&doc["documentContentId"], &json!("Draft"), &doc["id"])
    );
    let input = json!({"body": "On the project", "projectId": LAUNCH});
    let none = mutate(&api, &text, json!({ "input": input })).await;
    assert_eq!(none["comment"]["documentContent"], Value::Null);
}
